#!/usr/bin/env bash
# End-to-end: the capture action of `lockdown watch` on the real binary and
# the real engine. A rule with `action: capture` fires on a marker command
# run in a container: a bundle for that container appears under
# --capture-dir, signed with --capture-key, and verifies; the container is
# running and not paused afterwards; the watcher says it started and wrote
# the capture; a second firing in the same container within the cooldown is
# refused (one capture per container), and a rule without the action takes
# none; a host process firing the same rule takes none (nothing to
# capture). The audit trail records the capture.
set -uo pipefail
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/watch_lib.sh"

[[ $(id -u) == 0 ]] || skip --optional "lockdown watch and capture need root"
require_image lockdown-test/busybox:1
require_cmd jq docker

C=ldwcap-e2e-$$
C2=ldwcap-e2e2-$$
tag=$$-$RANDOM
DIR=$LD_TMP/captures
AUDIT=$LD_TMP/audit.log
ld_on_exit "docker rm -f $C $C2 >/dev/null 2>&1"

export LOCKDOWN_KEY_PASSWORD=e2e-capture-pw
run_ld key generate "$LD_TMP/k"
assert_exit 0 "a signing key for the captures"

cat >"$LD_TMP/rules.yaml" <<EOF
- rule: Capture marker
  desc: a marker command asks for evidence
  condition: evt.type = execve and proc.cmdline contains "ldcap-marker-$tag"
  output: capture marker in %container.name
  priority: CRITICAL
  action: capture
- rule: Plain marker
  desc: the same without the action
  condition: evt.type = execve and proc.cmdline contains "ldplain-marker-$tag"
  output: plain marker in %container.name
  priority: WARNING
EOF
run_ld watch --validate "$LD_TMP/rules.yaml"
assert_exit 0 "the rule file with action: capture validates"

docker run -d --name "$C" lockdown-test/busybox:1 sh -c 'while :; do sleep 1; done' >/dev/null ||
  { fail_plain "docker run failed"; exit 1; }
docker run -d --name "$C2" lockdown-test/busybox:1 sh -c 'while :; do sleep 1; done' >/dev/null ||
  { fail_plain "docker run failed"; exit 1; }
ID=$(docker inspect -f '{{.Id}}' "$C")

watch_start cap --no-default-rules --rules "$LD_TMP/rules.yaml" --capture-dir "$DIR" \
  --capture-key "$LD_TMP/k.key" --capture-memory anon --audit-log "$AUDIT" || exit 1
assert_true "the watcher announces where captures go" grep -q "take evidence into" "$(watch_stderr cap)"

docker exec "$C" sh -c "echo ldcap-marker-$tag >/dev/null; exec sleep 0" || true
docker exec "$C" sh -c "true ldcap-marker-$tag" || true # again at once: refused (busy or cooldown)
docker exec "$C2" sh -c "true ldplain-marker-$tag" || true
sh -c "true ldcap-marker-$tag" # on the host: nothing to capture
watch_wait_for cap '.rule.name == "Capture marker"' 20 || fail_plain "the capture rule did not fire"

# the capture runs as its own process: wait for its bundle's manifest
bundle=''
for ((i = 0; i < 240; i++)); do
  bundle=$(find "$DIR" -mindepth 2 -maxdepth 2 -name manifest.json -printf '%h\n' 2>/dev/null | head -n 1)
  [[ -n $bundle ]] && grep -q "capture ended: .*succeeded" "$(watch_stderr cap)" && break
  sleep 0.25
done
# reported while the watcher runs, with no alert after it (the loop's tick reaps it)
assert_true "the watcher reports the capture's end while it runs" \
  grep -q "capture ended: .*succeeded" "$(watch_stderr cap)"
watch_stop cap
assert_eq 0 "$WATCH_EXIT" "the watcher stops with 0"
[[ -n $bundle ]] || { fail_plain "no bundle under $DIR" "$(ls -laR "$DIR" 2>&1 | head)" "$(cat "$(watch_stderr cap)")"; exit 1; }

assert_eq 1 "$(find "$DIR" -mindepth 2 -maxdepth 2 -name manifest.json | wc -l)" \
  "one capture: the second firing in the container is refused, the plain rule and the host take none"
assert_eq "$ID" "$(jq -r .container.id "$bundle/manifest.json")" "the bundle is the container's"
assert_true "the bundle holds a memory core" test -s "$(ls -d "$bundle"/processes/*/core | head -n 1)"
run_ld capture verify "$bundle" --key "$LD_TMP/k.pub"
assert_exit 0 "the watch-triggered bundle verifies with the public key"
assert_stdout_contains "signature: valid"
assert_eq "running false" "$(docker inspect -f '{{.State.Status}} {{.State.Paused}}' "$C")" \
  "the container runs, not paused, after the capture"
assert_true "the watcher said the capture started" grep -q "capture started" "$(watch_stderr cap)"
assert_true "the watcher counted a refusal" grep -Eq "captures: .*[1-9][0-9]* refused" "$(watch_stderr cap)"
assert_true "the audit trail records the capture" \
  jq -e -s --arg b "$bundle" 'any(.[]; .event.action == "capture" and .event.outcome == "success")' "$AUDIT"
finish
