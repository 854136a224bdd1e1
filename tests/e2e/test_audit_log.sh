#!/usr/bin/env bash
# End-to-end: lockdown's own audit trail (--audit-log, LOCKDOWN_AUDIT_LOG,
# the policy's logging.audit-log) written by real commands:
#   - `image scan` of a docker-archive of the engine's test image: a start
#     and an end record (targets, exit code, duration), one session id;
#   - `key generate`: one record per file written, with the fingerprint;
#   - `registry prune --apply` against a real registry (Debian's
#     docker-registry with TLS, htpasswd and deletes on, registry_lib.sh):
#     one registry.prune.delete record per deleted manifest (registry,
#     repository, digest, outcome), and the password given on stdin, the
#     --password value of a refused command line and URL credentials never
#     in the file;
#   - a symbolic link as the trail refused (exit 3, one line, the file it
#     points at untouched); a trail that cannot be written (ulimit -f)
#     ends the run with exit 3 and one line;
#   - two lockdown runs writing the same trail at once leave whole lines.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/registry_lib.sh"
require_cmd jq curl python3
reg_require
require_image lockdown-test/busybox:1
export LOCKDOWN_DB=$LD_TMP/never-created.db
unset LOCKDOWN_AUDIT_LOG

ARCHIVE=$(reg_image_archive lockdown-test/busybox:1)
[[ -s $ARCHIVE ]] || fail_plain "no docker-archive of lockdown-test/busybox:1"
trail=$LD_TMP/audit.log

assert_trail() { # assert_trail FILE JQ_EXPR DESC — jq -e over the file's records as one array
  local out
  if out=$(jq -e -s "$2" "$1" 2>&1); then
    pass "$3"
  else
    fail_plain "$3" "jq said: ${out:0:2000}" "trail: $(tail -c 3000 "$1")"
  fi
}

# Every line of FILE is one JSON object (jq -c re-emits one line per record).
whole_lines() { # whole_lines FILE → prints the number of records, fails on a torn line
  local n=0 line
  while IFS= read -r line; do
    jq -e 'type == "object"' <<<"$line" >/dev/null 2>&1 || return 1
    n=$((n + 1))
  done <"$1"
  echo "$n"
}

# ---- image scan ----------------------------------------------------------------------
run_ld --audit-log "$trail" image scan --checks config "docker-archive:$ARCHIVE" --format json
scan_rc=$LD_EXIT
assert_true 'image scan with a trail ran (exit 0 or 1: the gate)' test "$scan_rc" -le 1
assert_true 'the trail is created 0600' test "$(stat -c %a "$trail")" = 600
assert_eq 2 "$(whole_lines "$trail")" 'two records: start and end'
assert_trail "$trail" '.[0].event.action == "command" and .[0].event.type == ["start"]
  and .[0].event.dataset == "lockdown.audit" and (.[0].process.command_line | contains("image scan"))
  and (.[0].process.args | index("--audit-log")) != null' 'the start record holds the command line'
assert_trail "$trail" '.[1].event.type == ["end"] and .[1].lockdown.command == "image scan"
  and .[1].lockdown.exit_code == '"$scan_rc"' and .[1].event.outcome == (if '"$scan_rc"' == 0 then "success" else "failure" end)
  and .[1].lockdown.targets == ["docker-archive:'"$ARCHIVE"'"] and .[1].event.duration > 0' \
  'the end record: command, target, exit code, duration'
assert_trail "$trail" '.[0].lockdown.session == .[1].lockdown.session and (.[0].lockdown.session | length) == 32
  and .[0].user.id == "'"$(id -u)"'" and .[0].user.name == "'"$(id -un)"'" and .[0].host.hostname == "'"$(hostname)"'"
  and .[0].process.pid == .[1].process.pid' 'one session; who ran it, where'

# the same through the environment, and a failing run records its exit code
LOCKDOWN_AUDIT_LOG=$trail run_ld image scan --checks config "docker-archive:$LD_TMP/missing.tar"
assert_exit 3 'a scan that cannot read its archive'
assert_eq 4 "$(whole_lines "$trail")" 'LOCKDOWN_AUDIT_LOG appends to the same trail'
assert_trail "$trail" '.[3].lockdown.exit_code == 3 and .[3].event.outcome == "failure"
  and .[2].lockdown.session != .[0].lockdown.session' 'exit code 3 recorded, a new session'

# ---- secrets never enter it ----------------------------------------------------------------
run_ld --audit-log "$trail" image scan --password hunter2-secret "https://bob:pw-in-url@example.com/x" API_TOKEN=tok-in-env
assert_exit 2 'a --password on the command line is a usage error'
assert_trail "$trail" '.[-2].process.args | index("REDACTED") != null' 'its value is REDACTED'
assert_false 'no --password value, URL password or token in the trail' \
  grep -qE 'hunter2-secret|pw-in-url|tok-in-env' "$trail"

# ---- key generate ------------------------------------------------------------------------
export LOCKDOWN_KEY_PASSWORD=audit-test-key-pw
run_ld --audit-log "$trail" key generate "$LD_TMP/signer"
assert_exit 0 'key generate'
assert_trail "$trail" '[.[] | select(.event.action == "key.generate")] as $k
  | ($k | length) == 2 and ($k | map(.lockdown.change.object) | sort) == ["'"$LD_TMP"'/signer.key", "'"$LD_TMP"'/signer.pub"]
  and ($k | all(.event.outcome == "success" and .event.type == ["creation"]))
  and ($k[0].lockdown.change.detail | test("fingerprint sha256:[0-9a-f]{64}"))' \
  'one record per file written, with the fingerprint'
assert_false 'the key password is not in the trail' grep -q "$LOCKDOWN_KEY_PASSWORD" "$trail"

# ---- registry prune --apply ------------------------------------------------------------------
reg_start R --tls --auth --delete
reg_push "$ARCHIVE" "$R/app:old" --tls --auth
reg_push "$ARCHIVE" "$R/tools:1" --tls --auth
digest() { curl -s --cacert "$REG_CA" -u "$REG_USER:$REG_PASS" -o /dev/null -w '%header{docker-content-digest}' \
  -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' "https://$R/v2/$1/manifests/$2"; }
d_app=$(digest app old)
d_tools=$(digest tools 1)
[[ $d_app == sha256:* && $d_tools == sha256:* ]] || fail_plain "test registry not as planned" "app=$d_app tools=$d_tools"
pw=$LD_TMP/password
printf '%s\n' "$REG_PASS" >"$pw"
prune_trail=$LD_TMP/prune-audit.log
LD_STDIN=$pw run_ld --audit-log "$prune_trail" registry prune "$R" --cacert "$REG_CA" --username "$REG_USER" \
  --password-stdin --no-cache --older-than 0 --apply --format json
assert_exit 0 'registry prune --apply'
deleted=$(jq -r '[.delete[] | select(.result == "deleted") | "\(.repository)@\(.digest)"] | sort | join(" ")' "$LD_STDOUT_FILE")
assert_true 'the prune deleted both manifests' test -n "$deleted"
recorded=$(jq -r 'select(.event.action == "registry.prune.delete" and .event.outcome == "success")
  | .lockdown.change.object' "$prune_trail" | sed "s|^$R/||" | sort | paste -sd' ')
assert_eq "$deleted" "$recorded" 'one success record per deleted manifest (registry/repository@digest)'
assert_trail "$prune_trail" '[.[] | select(.event.action == "registry.prune.delete")]
  | all(.event.type == ["deletion"] and (.lockdown.change.detail | test("result: deleted")))' \
  'deletion records name the result'
assert_trail "$prune_trail" '.[-1].lockdown.command == "registry prune" and .[-1].lockdown.targets == ["'"$R"'"]
  and .[-1].lockdown.exit_code == 0' 'the end record names the registry'
assert_trail "$prune_trail" '.[0].process.command_line | contains("--password-stdin")' \
  'the command line shows --password-stdin'
assert_false 'the registry password is not in the trail' grep -qF "$REG_PASS" "$prune_trail"
[[ $(curl -s --cacert "$REG_CA" -u "$REG_USER:$REG_PASS" -o /dev/null -w '%{http_code}' \
  "https://$R/v2/app/manifests/$d_app") == 404 ]] && pass 'the registry no longer has app@'"$d_app" ||
  fail_plain 'app@'"$d_app"' still answers after the prune'

# ---- refused and failing trails -------------------------------------------------------------
echo 'precious' >"$LD_TMP/target.txt"
ln -s "$LD_TMP/target.txt" "$LD_TMP/link.log"
run_ld --audit-log "$LD_TMP/link.log" version
assert_exit 3 'a symbolic link as the trail'
assert_stderr_contains 'symbolic link' 'the refusal says why'
assert_eq 1 "$(wc -l <"$LD_STDERR_FILE")" 'in one line'
assert_stdout_not_contains 'lockdown ' 'and the command did not run'
assert_eq 'precious' "$(cat "$LD_TMP/target.txt")" 'the file behind the link is untouched'

run_ld --audit-log
assert_exit 2 '--audit-log without a FILE'

full=$LD_TMP/full.log
head -c 1000 /dev/zero | tr '\0' 'x' >"$full"
echo >>"$full"
run_cmd bash -c 'ulimit -f 1; exec "$0" --audit-log "$1" version' "$LOCKDOWN" "$full"
assert_exit 3 'a trail that cannot grow (ulimit -f)'
assert_stderr_contains 'cannot write the audit trail' 'says so'
assert_eq 1 "$(wc -l <"$LD_STDERR_FILE")" 'in one line'

policy=$LD_TMP/policy.yaml
policy_trail=$LD_TMP/policy-trail.log
printf 'version: 1\nlogging:\n  audit-log: %s\n' "$policy_trail" >"$policy"
run_ld image scan --checks config --policy "$policy" "docker-archive:$ARCHIVE"
assert_true 'image scan with the policy'"'"'s logging.audit-log ran' test "$LD_EXIT" -le 1
assert_eq 2 "$(whole_lines "$policy_trail")" 'the policy'"'"'s trail has the run'
assert_trail "$policy_trail" '.[0].process.command_line | contains("--policy")' 'with its command line'
run_ld --audit-log "$trail" image scan --checks config --policy "$policy" "docker-archive:$ARCHIVE"
assert_eq 2 "$(whole_lines "$policy_trail")" '--audit-log wins over the policy'
printf 'version: 1\nlogging:\n  audit-log: relative.log\n' >"$LD_TMP/bad-policy.yaml"
run_ld policy check "$LD_TMP/bad-policy.yaml"
assert_exit 3 'a relative audit-log in a policy is refused'
assert_stderr_contains 'absolute path'

# ---- concurrent runs -----------------------------------------------------------------------
shared=$LD_TMP/shared.log
pids=()
for i in 1 2; do
  "$LOCKDOWN" --audit-log "$shared" image scan --checks config "docker-archive:$ARCHIVE" --format json \
    >"$LD_TMP/c$i.out" 2>"$LD_TMP/c$i.err" &
  pids+=($!)
done
ok=1
for p in "${pids[@]}"; do
  wait "$p"
  (($? <= 1)) || ok=0
done
assert_true 'two concurrent scans ran' test "$ok" = 1
n=$(whole_lines "$shared") || n=torn
assert_eq 4 "$n" 'two concurrent runs: four whole records'
assert_trail "$shared" '[.[].lockdown.session] | unique | length == 2' 'in two sessions'
