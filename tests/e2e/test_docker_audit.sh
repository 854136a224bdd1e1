#!/usr/bin/env bash
# test_docker_audit.sh — `lockdown docker audit` (and `lockdown assess`) on the
# real engine: containers created with each bad setting and one configured
# well, an sshd-named process seen through /proc, host trees (--host-root)
# with Docker files at right and wrong modes, audit rules, daemon.json files
# and a dockerd command line, an unreadable group file, the engine reached
# over plain TCP as a remote engine (nothing of this machine may judge it),
# the live daemon restarted with a test daemon.json, and a container whose
# labels and health check hold quotes, newlines, unicode and invalid UTF-8.
# Each check is asserted to pass and to fail; the gate's verdict is asserted
# from the report's gate fields. Parts that cannot run are counted as skipped
# (skip_part), never as passed.
#
# Leaves the machine as found: every container carries the labels
# lockdown-test=1 and lockdown-test-suite=docker-audit and is removed (by the
# second, so other suites' containers are left alone) at start and exit; the daemon is restarted
# without the test daemon.json (the original one, if any, is put back) even
# when an assertion fails or the script dies.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_engine
require_image lockdown-test/busybox:1
require_cmd jq curl docker python3

run_ld docker --help
if ((LD_EXIT != 0)); then
  fail "lockdown docker --help failed: the docker command is missing or broken"
  _ld_explicit_exit=1
  exit 1
fi

BB=lockdown-test/busybox:1
NET=ldt-audit-net
SSHD_IMAGE=lockdown-test/sshd-audit:1
SOCK=$LD_DOCKER_SOCK
REPORT=$LD_TMP/report.json

cleanup_containers() {
  local ids
  ids=$(docker ps -aq --filter label=lockdown-test-suite=docker-audit 2>/dev/null || true)
  [[ -n $ids ]] && docker rm -f $ids >/dev/null 2>&1
  docker network rm "$NET" >/dev/null 2>&1
  return 0
}
unmount_trees() {
  local m
  for m in "$LD_TMP"/good/var/lib/docker "$LD_TMP"/bad/var/lib/docker; do
    mountpoint -q "$m" 2>/dev/null && umount -l "$m"
  done
  return 0
}
cleanup_containers
ld_on_exit cleanup_containers
ld_on_exit "docker rmi -f $SSHD_IMAGE"
ld_on_exit unmount_trees

# ---- helpers ------------------------------------------------------------------
# audit [ARGS...]: lockdown docker audit --format json into $REPORT
audit() {
  run_ld docker audit --format json "$@"
  cp "$LD_STDOUT_FILE" "$REPORT"
}
# status CHECK TARGET_NAME_OR_ID: status of that check's finding on that target
status_of() {
  jq -r --arg c "$1" --arg t "$2" \
    '[.findings[] | select(.check_id == $c and (.target.name == $t or .target.id == $t or (.target.id | startswith($t))))][0].status // "none"' "$REPORT"
}
expect() { # expect CHECK TARGET STATUS
  local got
  got=$(status_of "$1" "$2")
  if [[ $got == "$3" ]]; then
    pass "$1 on $2 is $3"
  else
    fail_plain "$1 on $2: expected $3, got $got" \
      "$(jq -c --arg c "$1" --arg t "$2" '[.findings[] | select(.check_id == $c and (.target.name == $t or .target.id == $t))][0]' "$REPORT")"
  fi
}
evidence_of() {
  jq -r --arg c "$1" --arg t "$2" \
    '[.findings[] | select(.check_id == $c and (.target.name == $t or .target.id == $t))][0].evidence // ""' "$REPORT"
}

# ---- no engine: exit 3 with one line ---------------------------------------------
run_ld docker audit --docker-host unix://"$LD_TMP"/nothing.sock
assert_exit 3 "no engine answers"
assert_eq 1 "$(grep -c . "$LD_STDERR_FILE")" "one line on stderr when no engine answers"
assert_stderr_contains "did not answer"
run_ld docker audit --bogus
assert_exit 2 "unknown option"
run_ld docker audit --help
assert_exit 0 "docker audit --help"
assert_stdout_contains "--all"
run_ld docker frobnicate
assert_exit 2 "unknown docker subcommand"

# ---- containers with each bad setting, and a good one ------------------------------
L=(--label lockdown-test=1 --label lockdown-test-suite=docker-audit)
docker network create "${L[@]}" "$NET" >/dev/null
mk() { # mk NAME ARGS... — create (not started)
  local name=$1
  shift
  docker create "${L[@]}" --name "$name" "$@" >/dev/null || fail_plain "docker create $name $*"
}
rn() { # rn NAME ARGS... — run detached `sleep 3600`
  local name=$1
  shift
  docker run -d "${L[@]}" --name "$name" "$@" "$BB" sleep 3600 >/dev/null || fail_plain "docker run $name $*"
}
mk ldt-privileged --privileged "$BB" sleep 3600 # cannot start on these machines
rn ldt-pid --pid host
rn ldt-net --net host
rn ldt-ipc --ipc host
rn ldt-uts --uts host
rn ldt-etc -v /etc:/x:ro
rn ldt-sock -v "$SOCK":/s
rn ldt-cap --cap-add SYS_ADMIN
rn ldt-capok --cap-drop ALL --cap-add NET_BIND_SERVICE # CIS 5.4's own remediation
rn ldt-seccomp --security-opt seccomp=unconfined
mk ldt-apparmor --security-opt apparmor=unconfined "$BB" sleep 3600
rn ldt-port -p 0.0.0.0:80:80
rn ldt-dev --device /dev/null:/dev/xnull
rn ldt-always --restart always
mkdir -p "$LD_TMP/shared"
mk ldt-prop --mount "type=bind,source=$LD_TMP/shared,target=/y,bind-propagation=rshared" "$BB" sleep 3600
mk ldt-cgroup --cgroup-parent /ldt-test "$BB" sleep 3600
mk ldt-userns --userns host "$BB" sleep 3600
rn ldt-good --read-only --memory 64m --cpu-shares 512 --pids-limit 64 \
  --security-opt no-new-privileges --cap-drop ALL --restart on-failure:5 \
  --health-cmd 'true' --health-interval 1s --health-start-period 0s \
  --network "$NET" --ulimit nofile=1024:2048 --user 1000:1000 -p 127.0.0.1:8080:80

# an SSH daemon: busybox copied to /usr/sbin/sshd, run as `sleep`
printf 'FROM %s\nRUN cp /bin/busybox /usr/sbin/sshd\nLABEL lockdown-test=1 lockdown-test-suite=docker-audit\nCMD ["sh", "-c", "exec -a sleep /usr/sbin/sshd 3600"]\n' "$BB" >"$LD_TMP/Dockerfile.sshd"
if DOCKER_BUILDKIT=0 docker build -q -t "$SSHD_IMAGE" -f "$LD_TMP/Dockerfile.sshd" "$LD_TMP" >/dev/null 2>"$LD_TMP/build.log"; then
  docker run -d "${L[@]}" --name ldt-sshd "$SSHD_IMAGE" >/dev/null
else
  fail_plain "cannot build the sshd test image" "$(tail -n 5 "$LD_TMP/build.log")"
fi

# wait for the good container's health check to report healthy
for _ in $(seq 1 30); do
  [[ $(docker inspect -f '{{.State.Health.Status}}' ldt-good 2>/dev/null) == healthy ]] && break
  sleep 0.5
done

# ---- running containers ------------------------------------------------------------------
# Where running images come from can only be judged against trusted
# registries and keys (without them container.image-trusted/-signed are not
# assessed): the built-in policy with one registry and one key filled in.
openssl ecparam -name prime256v1 -genkey -noout -out "$LD_TMP/trust.pem" 2>/dev/null
openssl ec -in "$LD_TMP/trust.pem" -pubout -out "$LD_TMP/trust.pub" 2>/dev/null
sed -e 's|^trusted-registries: \[\]|trusted-registries: ["registry.example.com/team"]|' \
  -e "s|^trusted-keys: \\[\\]|trusted-keys:\\n  - name: release\\n    key: file:$LD_TMP/trust.pub|" \
  "$LD_REPO/data/default-policy.yaml" >"$LD_TMP/trust-policy.yaml"
audit --policy "$LD_TMP/trust-policy.yaml"
# This engine (Debian's 20.10) is end of life and the test containers fail
# checks: the gate fails (exit 1); every owed control was observable here,
# so the gate is not incomplete and no control lacks an observation.
assert_exit 1 "docker audit of this engine fails its gate"
assert_json '.gate.failed == true' "gate failed"
assert_json '.gate.incomplete == false' "a local engine leaves nothing owed unassessed"
assert_json '[.compliance.controls[] | select(.reason // "" | test("made no observation"))] | length == 0' \
  "no control in scope without an observation"
assert_json '.findings | length > 0' "report has findings"
# the test images were built here: pulled from no registry, signed by no one
expect container.image-trusted ldt-good fail
expect container.image-signed ldt-good fail
eng=$(jq -r '[.findings[] | select(.check_id == "daemon.icc")][0].target.id' "$REPORT")
expect host.docker-version "$eng" fail # 20.10: an unmaintained release line
assert_true "docker version evidence names the release data's date" \
  grep -q 'release data of [0-9-]*' <<<"$(evidence_of host.docker-version "$eng")"
assert_eq none "$(status_of container.privileged ldt-privileged)" "created container not audited without --all"
assert_stderr_contains "not running and not audited (use --all)"

expect container.host-pid ldt-pid fail
expect container.host-pid ldt-good pass
expect container.host-network ldt-net fail
expect container.host-network ldt-good pass
expect container.host-ipc ldt-ipc fail
expect container.host-ipc ldt-good pass
expect container.host-uts ldt-uts fail
expect container.host-uts ldt-good pass
expect container.sensitive-mounts ldt-etc fail
expect container.sensitive-mounts ldt-good pass
expect container.docker-sock ldt-sock fail
expect container.docker-sock ldt-good pass
expect container.cap-add ldt-cap fail
expect container.cap-add ldt-good pass
expect container.cap-add ldt-capok pass
assert_true "cap-add names the capability beyond the default set" \
  grep -q 'CAP_SYS_ADMIN' <<<"$(evidence_of container.cap-add ldt-cap)"
expect container.seccomp ldt-seccomp fail
expect container.seccomp ldt-good pass
expect container.privileged-ports ldt-port fail
expect container.privileged-ports ldt-good pass
expect container.bind-all-interfaces ldt-port fail
expect container.bind-all-interfaces ldt-good pass
expect container.open-ports ldt-port manual
expect container.open-ports ldt-pid pass
expect container.devices ldt-dev fail
expect container.devices ldt-good pass
expect container.restart-policy ldt-always fail
expect container.restart-policy ldt-good pass
expect container.memory-limit ldt-pid fail
expect container.memory-limit ldt-good pass
expect container.cpu-shares ldt-pid fail
expect container.cpu-shares ldt-good pass
expect container.pids-limit ldt-pid fail
expect container.pids-limit ldt-good pass
expect container.readonly-rootfs ldt-pid fail
expect container.readonly-rootfs ldt-good pass
expect container.no-new-privileges ldt-pid fail
expect container.no-new-privileges ldt-good pass
expect container.health ldt-pid fail
expect container.health ldt-good pass
expect container.default-bridge ldt-pid fail
expect container.default-bridge ldt-good pass
expect container.ulimits ldt-pid warn
expect container.ulimits ldt-good pass
expect container.user-nonroot ldt-pid fail
expect container.user-nonroot ldt-good pass
expect container.sshd ldt-sshd fail
expect container.sshd ldt-good pass
expect container.sshd ldt-pid pass
expect container.image-stale ldt-good pass
expect container.privileged ldt-good pass
expect container.mount-propagation ldt-good pass
expect container.cgroup-parent ldt-good pass
expect container.host-userns ldt-good pass
assert_eq 'HostConfig.PidMode = "host"' "$(evidence_of container.host-pid ldt-pid)" "evidence quotes the field"
assert_true "sshd evidence names the host pid" grep -q 'host pid [0-9]' <<<"$(evidence_of container.sshd ldt-sshd)"
assert_true "every running test container audited (one container.privileged finding each)" \
  test "$(jq '[.findings[] | select(.check_id == "container.privileged" and (.target.name | startswith("ldt-")))] | length' "$REPORT")" -eq 14
# process facts come from /proc only for a pid proven to be the container's
assert_json '[.findings[] | select(.check_id == "container.sshd" and (.target.name // "" | startswith("ldt-")) and .status == "error")] | length == 0' \
  "every running test container's processes were observed (pid proven by its cgroup)"

# ---- container selection: --container / --exclude-container (docker-bench -i / -x) ----------
# Three containers of this part's own, told apart by name and by the label
# ldt-sel-tier; ldt-sel-c is created, not started.
SEL_L=(--label lockdown-test=1 --label lockdown-test-suite=docker-audit)
docker run -d "${SEL_L[@]}" --label ldt-sel-tier=web --name ldt-sel-a "$BB" sleep 3600 >/dev/null ||
  fail_plain "docker run ldt-sel-a"
docker run -d "${SEL_L[@]}" --label ldt-sel-tier=db --name ldt-sel-b "$BB" sleep 3600 >/dev/null ||
  fail_plain "docker run ldt-sel-b"
docker create "${SEL_L[@]}" --label ldt-sel-tier=web --name ldt-sel-c "$BB" sleep 3600 >/dev/null ||
  fail_plain "docker create ldt-sel-c"
sel_b_id=$(docker inspect -f '{{.Id}}' ldt-sel-b)
# audited NAME-PREFIX: the audited containers whose name starts so, sorted
audited() {
  jq -r --arg p "$1" '[.findings[] | select(.check_id == "container.privileged" and (.target.name // "" | startswith($p))) | .target.name] | sort | join(" ")' "$REPORT"
}
# every container finding is on one of the selected containers
only_audited() { # only_audited "NAMES" DESC — exactly these containers have container.* findings
  assert_eq "$1" "$(jq -r '[.findings[] | select(.check_id | startswith("container.")) | .target.name] | unique | join(" ")' "$REPORT")" "$2"
}
note_with() { jq -r --arg s "$1" '[.notes[] | select(contains($s))][0] // ""' "$REPORT"; }

run_ld docker audit --help
for o in --container --exclude-container --check --exclude; do
  assert_stdout_contains "$o" "docker audit --help names $o"
done
run_ld assess --help
assert_stdout_contains "--exclude-container" "assess --help names the container selection"

audit --container 'ldt-sel-*'
assert_eq "ldt-sel-a ldt-sel-b" "$(audited ldt-)" "--container name glob: only the running ldt-sel-* containers"
total=$(jq -r '.scope | capture(": (?<n>[0-9]+) containers?").n' "$REPORT")
left=$(note_with "left out by --container ldt-sel-*" | grep -oE '^[0-9]+')
assert_eq "$((total - 3))" "${left:-none}" "the note counts every container the glob left out (all but the three ldt-sel-*)"
assert_true "the stopped match is in the not-running note" grep -q '^1 container not running' <<<"$(note_with 'not running and not audited')"
assert_stderr_contains "left out by --container ldt-sel-*" "left-out containers said on stderr too"
audit --container 'ldt-sel-*' --all
assert_eq "ldt-sel-a ldt-sel-b ldt-sel-c" "$(audited ldt-)" "--container name glob with --all: the created one too"

audit --container /ldt-sel-a
only_audited ldt-sel-a "--container with the leading / : that container alone"

audit --container "${sel_b_id:0:6}"
only_audited ldt-sel-b "--container id prefix (6 hex digits): that container alone"
audit --container "$sel_b_id"
only_audited ldt-sel-b "--container full id"

audit --container label:ldt-sel-tier=web --all
only_audited "ldt-sel-a ldt-sel-c" "--container label:KEY=VALUE"
audit --container 'label:ldt-sel-tier=w*'
only_audited ldt-sel-a "--container label:KEY=GLOB, running only"
audit --container label:ldt-sel-tier
only_audited "ldt-sel-a ldt-sel-b" "--container label:KEY, any value"

audit --exclude-container label:ldt-sel-tier
assert_eq "" "$(audited ldt-sel-)" "--exclude-container label:KEY leaves every ldt-sel-* out"
assert_true "the rest is still audited" test -n "$(audited ldt-pid)"
assert_true "the note counts the excluded containers" \
  grep -qE '^3 containers left out by --exclude-container label:ldt-sel-tier' <<<"$(note_with 'left out by --exclude-container')"

audit --container 'ldt-sel-*' --exclude-container label:ldt-sel-tier=db
only_audited ldt-sel-a "--container and --exclude-container together"
audit --container ldt-sel-a,ldt-sel-b --container ldt-pid --exclude-container ldt-sel-b
only_audited "ldt-pid ldt-sel-a" "comma lists and repeated options"

# a pattern that matches nothing on the engine is a note, not an error
audit --container ldt-sel-a,ldt-nosuch-zz --exclude-container ldt-nosuch-yy
assert_exit 1 "an unknown pattern does not stop the audit (the gate fails on this engine)"
only_audited ldt-sel-a "the other pattern still selects"
assert_true "a note names the --container pattern that matched nothing" \
  test -n "$(note_with '--container "ldt-nosuch-zz" matches no container on this engine')"
assert_true "a note names the --exclude-container pattern that matched nothing" \
  test -n "$(note_with '--exclude-container "ldt-nosuch-yy" matches no container on this engine')"
audit --container 4e5 # 3 hex digits: too short for an id prefix, so a name
assert_true "a 3-digit hex word is a name that matches nothing" test -n "$(note_with '--container "4e5" matches no container')"

# a selection that leaves nothing: the container checks are not applicable, saying why
audit --container ldt-nosuch-zz
assert_json_file "$REPORT" '[.findings[] | select(.check_id | startswith("container."))] | length == 0' "no container finding when nothing is selected"
assert_json_file "$REPORT" '.compliance.controls[] | select(.id == "CIS-DOCKER-5.5") | .state == "not applicable" and (.reason | contains("no container matches --container ldt-nosuch-zz"))' \
  "CIS 5.5 not applicable: no container matches --container"
assert_json_file "$REPORT" '[.compliance.controls[] | select(.id | startswith("CIS-DOCKER-5.")) | select(.state != "not applicable" and .state != "attested" and .state != "not assessed")] | map(.id) - ["CIS-DOCKER-5.1"] | length == 0' \
  "every audited section 5 control not applicable"
gate_failed=$(jq -r '.gate.failed' "$REPORT")
assert_eq "$([[ $gate_failed == true ]] && echo 1 || echo 0)" "$LD_EXIT" "exit code follows the gate when nothing is selected"
assert_json_file "$REPORT" '.gate.incomplete == false' "nothing selected is not an incomplete run"
audit --check 'container.*' --container ldt-nosuch-zz
assert_exit 0 "container checks only, nothing selected: nothing fails, the gate passes"
assert_json_file "$REPORT" '.gate.failed == false' "gate passes with no container selected"
audit --check 'container.*' --container ldt-pid
assert_exit 1 "container checks only, a bad container selected: the gate fails"
audit --container ldt-sel-c
assert_json_file "$REPORT" '.compliance.controls[] | select(.id == "CIS-DOCKER-5.5") | .reason | contains("no running container matches --container ldt-sel-c (--all includes stopped ones)")' \
  "a selection of stopped containers says --all"

# malformed patterns are usage errors, before any engine is asked
run_ld docker audit --container label: --docker-host unix://"$LD_TMP"/nothing.sock
assert_exit 2 "--container label: (no key) is a usage error"
run_ld docker audit --exclude-container , --docker-host unix://"$LD_TMP"/nothing.sock
assert_exit 2 "--exclude-container without a pattern is a usage error"

# assess runs the same audit with the same selection
run_ld assess --format json --container 'label:ldt-sel-tier=db'
cp "$LD_STDOUT_FILE" "$REPORT"
only_audited ldt-sel-b "assess --container label:KEY=VALUE"
run_ld assess --format json --exclude-container 'ldt-sel-*'
cp "$LD_STDOUT_FILE" "$REPORT"
assert_eq "" "$(audited ldt-sel-)" "assess --exclude-container"
assert_true "assess notes the left-out containers" test -n "$(note_with "left out by --exclude-container ldt-sel-*")"
docker rm -f ldt-sel-a ldt-sel-b ldt-sel-c >/dev/null 2>&1

# ---- lockdown inside a container leaves itself out ------------------------------------------
if [[ $LOCKDOWN == /* ]]; then
  run_cmd docker run --rm "${L[@]}" --name ldt-self -v /:/host:ro -v "$SOCK":/var/run/docker.sock \
    "$BB" chroot /host "$LOCKDOWN" docker audit --format json
  assert_json '[.findings[] | select(.target.name == "ldt-self")] | length == 0' "lockdown's own container left out"
  assert_json '[.findings[] | select(.target.name == "ldt-good")] | length > 0' "other containers audited from inside a container"
  assert_json '.notes | any(startswith("lockdown runs in container"))' "a note names lockdown's own container"
fi

# ---- --all: created containers too -------------------------------------------------------
audit --all
expect container.privileged ldt-privileged fail
expect container.apparmor ldt-apparmor fail
expect container.mount-propagation ldt-prop fail
expect container.cgroup-parent ldt-cgroup warn
expect container.host-userns ldt-userns fail
expect container.sshd ldt-privileged skipped

# ---- hostile labels and health-check text: the report stays valid JSON --------------------
body=$LD_TMP/create.json
printf '{"Image":"%s","Cmd":["sleep","3600"],"Labels":{"lockdown-test":"1","lockdown-test-suite":"docker-audit","q":"a \\"quoted\\" value","nl":"line1\\nline2","u":"\xc3\xa9\xe2\x9c\x93 \xf0\x9f\x90\xb3","bad":"\xff\xfe\xc3(","ctl":"\\u0001\\u001b[31m","nul":"a\\u0000b"},"Healthcheck":{"Test":["CMD-SHELL","echo \\"hi\\"\\n\xe2\x9c\x93 \xff done"]}}' "$BB" >"$body"
run_cmd curl -s --unix-socket "$SOCK" -H 'Content-Type: application/json' --data-binary @"$body" \
  "http://localhost/containers/create?name=ldt-labels"
assert_true "container with hostile labels created" grep -q '"Id"' "$LD_STDOUT_FILE"
audit --all
assert_json '.findings | length > 0' "report with hostile labels is valid JSON"
assert_json '[.findings[] | select(.target.name == "ldt-labels")] | length > 10' "hostile-label container audited"
assert_json '[.findings[] | select(.target.name == "ldt-labels" and .check_id == "container.health")][0].evidence | contains("echo \\\"hi\\\"\\n✓")' "health-check text with quotes, newline and unicode kept in evidence"
run_ld docker audit --all --format sarif
assert_exit 1 "sarif run: the gate fails as in JSON"
assert_json '.runs[0].results | length > 0' "SARIF report with hostile labels is valid JSON"

# ---- assess runs the docker audit too ------------------------------------------------------
run_ld assess --format json
assert_exit 1 "assess of this host fails its gate (end-of-life engine)"
assert_json '.gate.failed == true' "assess gate failed"
assert_json '[.findings[] | select(.check_id == "container.host-pid")] | length > 0' "assess includes container checks"
assert_json '[.findings[] | select(.check_id == "daemon.icc")] | length == 1' "assess includes daemon config checks"

# ---- host trees: files, audit rules, daemon.json, partition, docker group ------------------
sockfile() { python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$1"; }
make_tree() { # make_tree DIR good|bad
  local t=$1 kind=$2
  mkdir -p "$t"/etc/systemd/system "$t"/lib/systemd/system "$t"/etc/docker/certs.d/reg.example:5000 \
    "$t"/etc/docker/tls "$t"/etc/default "$t"/etc/sysconfig "$t"/var/run "$t"/run/containerd \
    "$t"/usr/bin "$t"/var/lib/docker "$t"/etc/audit/rules.d "$t"/etc/containerd
  for f in dockerd containerd containerd-shim-runc-v2 runc; do : >"$t/usr/bin/$f"; done
  : >"$t"/etc/systemd/system/docker.service
  : >"$t"/lib/systemd/system/docker.socket
  : >"$t"/etc/docker/certs.d/reg.example:5000/ca.crt
  : >"$t"/etc/docker/tls/ca.pem
  : >"$t"/etc/docker/tls/cert.pem
  : >"$t"/etc/docker/tls/key.pem
  : >"$t"/etc/default/docker
  : >"$t"/etc/sysconfig/docker
  : >"$t"/etc/containerd/config.toml
  sockfile "$t"/var/run/docker.sock
  sockfile "$t"/run/containerd/containerd.sock
  echo 'root:x:0:0:root:/root:/bin/sh' >"$t"/etc/passwd
  # the engine host's dockerd, as its /proc shows it: the command line is read,
  # so settings daemon.json leaves unset are known to be dockerd's defaults
  mkdir -p "$t"/proc/4321
  echo 4321 >"$t"/var/run/docker.pid
  echo dockerd >"$t"/proc/4321/comm
  printf 'dockerd\0--containerd=/run/containerd/containerd.sock\0' >"$t"/proc/4321/cmdline
  # a registry certificate two levels down (the old walk stopped at one)
  mkdir -p "$t"/etc/docker/certs.d/reg.example:5000/client
  : >"$t"/etc/docker/certs.d/reg.example:5000/client/client.cert
  if [[ $kind == good ]]; then
    printf 'root:x:0:\ndocker:x:999:\n' >"$t"/etc/group
    chmod 0644 "$t"/etc/systemd/system/docker.service "$t"/lib/systemd/system/docker.socket \
      "$t"/etc/default/docker "$t"/etc/sysconfig/docker
    chmod 0755 "$t"/etc/docker
    chmod 0444 "$t"/etc/docker/certs.d/reg.example:5000/ca.crt "$t"/etc/docker/tls/ca.pem "$t"/etc/docker/tls/cert.pem \
      "$t"/etc/docker/certs.d/reg.example:5000/client/client.cert
    chmod 0400 "$t"/etc/docker/tls/key.pem
    chmod 0660 "$t"/var/run/docker.sock "$t"/run/containerd/containerd.sock
    chown 0:999 "$t"/var/run/docker.sock
    cat >"$t"/etc/docker/daemon.json <<'JSON'
{"icc": false, "log-level": "info", "iptables": true, "live-restore": true,
 "userland-proxy": false, "no-new-privileges": true,
 "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"], "tlsverify": true,
 "tlscacert": "/etc/docker/tls/ca.pem", "tlscert": "/etc/docker/tls/cert.pem",
 "tlskey": "/etc/docker/tls/key.pem",
 "default-ulimits": {"nofile": {"Name": "nofile", "Hard": 64000, "Soft": 64000}}}
JSON
    chmod 0644 "$t"/etc/docker/daemon.json
    cat >"$t"/etc/audit/rules.d/docker.rules <<'RULES'
# CIS Docker 1.1.x
-w /usr/bin/dockerd -k docker
-w /run/containerd -p wa -k docker
-w /var/lib/docker -k docker
-w /etc/docker -p rwxa -k docker
-w /etc/systemd/system/docker.service -k docker
-w /lib/systemd/system/docker.socket -k docker
-w /etc/default/docker -k docker
-w /etc/sysconfig/docker -k docker
-a always,exit -F arch=b64 -S all -F path=/usr/bin/containerd -F perm=wa -F key=docker
-a always,exit -F dir=/etc/containerd -F perm=wa -k docker
-w /usr/bin/containerd-shim-runc-v2 -p wa -k docker
-w /usr/bin/runc -p wa -k docker
RULES
    mount -t tmpfs -o size=1m ldt-tmpfs "$t"/var/lib/docker
  else
    printf 'root:x:0:\ndocker:x:999:alice,bob\n' >"$t"/etc/group
    chmod 0666 "$t"/etc/systemd/system/docker.service "$t"/lib/systemd/system/docker.socket \
      "$t"/etc/default/docker "$t"/etc/sysconfig/docker "$t"/etc/docker/certs.d/reg.example:5000/ca.crt \
      "$t"/etc/docker/tls/ca.pem "$t"/etc/docker/tls/cert.pem "$t"/etc/docker/tls/key.pem \
      "$t"/etc/docker/certs.d/reg.example:5000/client/client.cert
    chmod 0777 "$t"/etc/docker
    chmod 0666 "$t"/var/run/docker.sock "$t"/run/containerd/containerd.sock
    chown 1000:1000 "$t"/etc/systemd/system/docker.service "$t"/lib/systemd/system/docker.socket \
      "$t"/etc/docker "$t"/etc/default/docker "$t"/etc/sysconfig/docker "$t"/var/run/docker.sock \
      "$t"/run/containerd/containerd.sock "$t"/etc/docker/certs.d/reg.example:5000/ca.crt \
      "$t"/etc/docker/tls/ca.pem "$t"/etc/docker/tls/cert.pem "$t"/etc/docker/tls/key.pem \
      "$t"/etc/docker/certs.d/reg.example:5000/client/client.cert
    cat >"$t"/etc/docker/daemon.json <<'JSON'
{"icc": true, "log-level": "debug", "iptables": false, "userland-proxy": true,
 "hosts": ["tcp://0.0.0.0:2375"], "tlscacert": "/etc/docker/tls/ca.pem",
 "tlscert": "/etc/docker/tls/cert.pem", "tlskey": "/etc/docker/tls/key.pem",
 "cgroup-parent": "/custom", "storage-opts": ["dm.basesize=20G"]}
JSON
    chmod 0666 "$t"/etc/docker/daemon.json
    chown 1000:1000 "$t"/etc/docker/daemon.json
    cat >"$t"/etc/audit/rules.d/docker.rules <<'RULES'
-w /usr/bin/dockerd -p r -k docker
-a never,exit -F path=/usr/bin/runc -F perm=wa
RULES
  fi
}
if [[ $(id -u) -eq 0 ]]; then
  make_tree "$LD_TMP/good" good
  make_tree "$LD_TMP/bad" bad
  audit --host-root "$LD_TMP/good"
  cp "$REPORT" "$LD_TMP/good.json"
  audit --host-root "$LD_TMP/bad"
  cp "$REPORT" "$LD_TMP/bad.json"
  tree_expect() { # tree_expect good|bad CHECK TARGET STATUS
    REPORT=$LD_TMP/$1.json expect "$2" "$3" "$4"
  }
  G=$LD_TMP/good B=$LD_TMP/bad
  for pair in "file.docker-service /etc/systemd/system/docker.service" \
    "file.docker-socket-unit /lib/systemd/system/docker.socket" \
    "file.etc-docker /etc/docker" \
    "file.registry-certs /etc/docker/certs.d/reg.example:5000/ca.crt" \
    "file.registry-certs /etc/docker/certs.d/reg.example:5000/client/client.cert" \
    "file.tls-ca /etc/docker/tls/ca.pem" "file.tls-cert /etc/docker/tls/cert.pem" \
    "file.tls-key /etc/docker/tls/key.pem" "file.docker-sock /var/run/docker.sock" \
    "file.daemon-json /etc/docker/daemon.json" "file.etc-default-docker /etc/default/docker" \
    "file.etc-sysconfig-docker /etc/sysconfig/docker" \
    "file.containerd-sock /run/containerd/containerd.sock"; do
    set -- $pair
    tree_expect good "$1-owner" "$2" pass
    tree_expect good "$1-mode" "$2" pass
    tree_expect bad "$1-owner" "$2" fail
    tree_expect bad "$1-mode" "$2" fail
  done
  REPORT=$LD_TMP/bad.json
  assert_eq '/var/run/docker.sock 0666 1000:1000 (want root:docker)' \
    "$(evidence_of file.docker-sock-owner /var/run/docker.sock)" "file evidence: path, mode, owner"
  for pair in "host.audit-rule.dockerd /usr/bin/dockerd" "host.audit-rule.run-containerd /run/containerd" \
    "host.audit-rule.var-lib-docker /var/lib/docker" "host.audit-rule.etc-docker /etc/docker" \
    "host.audit-rule.docker-service /etc/systemd/system/docker.service" \
    "host.audit-rule.docker-socket /lib/systemd/system/docker.socket" \
    "host.audit-rule.etc-default-docker /etc/default/docker" \
    "host.audit-rule.etc-sysconfig-docker /etc/sysconfig/docker" \
    "host.audit-rule.daemon-json /etc/docker/daemon.json" \
    "host.audit-rule.containerd /usr/bin/containerd" \
    "host.audit-rule.containerd-config /etc/containerd/config.toml" \
    "host.audit-rule.containerd-sock /run/containerd/containerd.sock" \
    "host.audit-rule.containerd-shim-runc-v2 /usr/bin/containerd-shim-runc-v2" \
    "host.audit-rule.runc /usr/bin/runc"; do
    set -- $pair
    tree_expect good "$1" "$2" pass
    tree_expect bad "$1" "$2" fail
  done
  tree_expect good host.audit-rule.containerd-shim /usr/bin/containerd-shim skipped
  REPORT=$LD_TMP/bad.json
  assert_true "partial rule named in evidence" grep -q -- '-w /usr/bin/dockerd -p r -k docker' <<<"$(evidence_of host.audit-rule.dockerd /usr/bin/dockerd)"
  host=$(jq -r '[.findings[] | select(.check_id == "host.docker-group")][0].target.id' "$LD_TMP/good.json")
  tree_expect good host.docker-group "$host" pass
  tree_expect bad host.docker-group "$host" warn
  tree_expect good host.docker-partition "$host" pass
  tree_expect bad host.docker-partition "$host" fail
  eng=$(jq -r '[.findings[] | select(.check_id == "daemon.icc")][0].target.id' "$LD_TMP/good.json")
  for c in daemon.icc daemon.log-level daemon.iptables daemon.tls daemon.no-new-privileges daemon.userland-proxy; do
    tree_expect good "$c" "$eng" pass
    tree_expect bad "$c" "$eng" fail
  done
  tree_expect good daemon.default-ulimits "$eng" pass
  tree_expect bad daemon.default-ulimits "$eng" fail # CIS 2.8: not configured
  for c in daemon.cgroup-parent daemon.storage-opt-basesize; do
    tree_expect good "$c" "$eng" pass
    tree_expect bad "$c" "$eng" warn # a changed setting to confirm: needs review
  done
  REPORT=$LD_TMP/good.json
  assert_eq 'icc = false (daemon.json)' "$(evidence_of daemon.icc "$eng")" "daemon evidence names the source"

  # no dockerd command line in the tree: what daemon.json leaves unset is not assessed
  rm -rf "$LD_TMP/good/proc/4321" "$LD_TMP/good/var/run/docker.pid"
  audit --host-root "$LD_TMP/good"
  expect daemon.icc "$eng" pass # set in daemon.json
  expect daemon.storage-opt-basesize "$eng" error
  assert_true "an unknown setting says the command line was not read" \
    grep -q 'command line could not be read' <<<"$(evidence_of daemon.storage-opt-basesize "$eng")"

  # a group file that cannot be read is not an empty docker group
  mkdir -p "$LD_TMP/broken/etc/group"
  audit --host-root "$LD_TMP/broken"
  assert_exit 1 "audit of a tree with an unreadable group file: the gate fails"
  expect host.docker-group "$(jq -r '[.findings[] | select(.check_id == "host.docker-group")][0].target.id' "$REPORT")" error
  assert_json_file "$REPORT" '.gate.incomplete == true' "an unreadable group file leaves the audit incomplete"
else
  skip_part "host-tree checks need root (mount, chown)"
fi

# ---- the engine reached over plain TCP: a remote engine ---------------------------------------
REPORT=$LD_TMP/report.json
# A TCP front for the local socket stands in for a remote engine: lockdown sees
# tcp:// and must judge nothing of it from this machine's files and /proc.
PROXY_PORT=$((23000 + RANDOM % 2000))
python3 - "$PROXY_PORT" "$SOCK" >"$LD_TMP/proxy.log" 2>&1 <<'PY' &
import socket, sys, threading
def pump(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    finally:
        try:
            b.shutdown(socket.SHUT_WR)
        except OSError:
            pass
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", int(sys.argv[1])))
srv.listen(64)
while True:
    c, _ = srv.accept()
    u = socket.socket(socket.AF_UNIX)
    u.connect(sys.argv[2])
    threading.Thread(target=pump, args=(c, u), daemon=True).start()
    threading.Thread(target=pump, args=(u, c), daemon=True).start()
PY
PROXY_PID=$!
ld_on_exit "kill $PROXY_PID"
for _ in $(seq 1 50); do
  curl -s --max-time 1 "http://127.0.0.1:$PROXY_PORT/_ping" 2>/dev/null | grep -q OK && break
  sleep 0.1
done
REMOTE=tcp://127.0.0.1:$PROXY_PORT
audit --docker-host "$REMOTE"
assert_exit 1 "remote engine: the gate fails"
assert_json_file "$REPORT" '.gate.incomplete == true' "remote engine: the host side is owed but not assessed"
expect daemon.tls "$REMOTE" fail
assert_true "daemon.tls names the plain TCP link" grep -q 'over plain TCP' <<<"$(evidence_of daemon.tls "$REMOTE")"
for c in daemon.icc daemon.iptables daemon.no-new-privileges daemon.userland-proxy; do
  expect "$c" "$REMOTE" error
done
expect daemon.live-restore "$REMOTE" fail # /info is the engine's own
rhost=$(jq -r '[.findings[] | select(.check_id == "host.docker-group")][0].target.id' "$REPORT")
expect host.docker-group "$rhost" error
expect host.docker-partition "$rhost" error
expect file.docker-sock-mode /var/run/docker.sock error
expect container.sshd ldt-sshd error   # this machine's /proc is not the engine host's
expect container.host-pid ldt-pid fail # the engine's own inspect still judges
assert_json_file "$REPORT" '[.findings[] | select(.check_id | test("^(host[.](docker-partition|docker-group|audit-rule[.])|file[.])")) | select(.status != "error")] | length == 0' \
  "remote engine: no host or file check judged from this machine"
assert_true "the evidence says how to assess the engine's host" \
  grep -q 'pass --host-root' <<<"$(evidence_of container.sshd ldt-sshd)"
if [[ $(id -u) -eq 0 && -d $LD_TMP/bad ]]; then
  # ... and with a copy of its host given, that copy is judged
  audit --docker-host "$REMOTE" --host-root "$LD_TMP/bad"
  expect daemon.icc "$REMOTE" fail
  expect daemon.tls "$REMOTE" fail
fi


# The parts below change the shared engine (a swarm for a few seconds, a
# daemon restart): they wait until no other end-to-end test runs (ctest
# should run this test RUN_SERIAL) and are skipped, saying so, if that
# takes more than 5 minutes.
others_running() { # other tests/e2e scripts than this one
  local p cmd
  for p in $(pgrep -f 'tests/e2e/test_.*\.sh' || true); do
    cmd=$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null || true)
    # gone already (pgrep's own command-substitution subshell), or this test
    [[ -z $cmd || $cmd == *test_docker_audit.sh* ]] && continue
    return 0
  done
  return 1
}
alone=1
for _ in $(seq 1 300); do others_running || break; sleep 1; done
if others_running; then
  alone=0
  echo "# other end-to-end tests still running after 5 minutes: swarm and daemon-restart parts skipped"
fi

# ---- swarm (section 7): a single-node swarm for a few seconds -------------------------------
swarm_state() { docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null; }
if ((!alone)); then
  skip_part "swarm part: other end-to-end tests share the engine"
elif [[ $(swarm_state) == inactive ]]; then
  audit
  eng=$(jq -r '[.findings[] | select(.check_id == "daemon.icc")][0].target.id' "$REPORT")
  expect engine.swarm-mode "$eng" pass
  expect engine.swarm-autolock "$eng" skipped
  if docker swarm init --listen-addr 127.0.0.1:2377 --advertise-addr 127.0.0.1 --autolock \
    --cert-expiry 720h >/dev/null 2>"$LD_TMP/swarm.log"; then
    ld_on_exit "docker swarm leave --force"
    docker network create -d overlay --opt encrypted "${L[@]}" ldt-ov-enc >/dev/null
    audit
    expect engine.swarm-mode "$eng" warn
    expect daemon.live-restore "$eng" skipped # incompatible with swarm mode: not a failure
    assert_true "live-restore says why it does not apply" \
      grep -q 'incompatible with swarm mode' <<<"$(evidence_of daemon.live-restore "$eng")"
    expect engine.swarm-managers "$eng" pass
    expect engine.swarm-listen-addr "$eng" pass
    expect engine.swarm-autolock "$eng" pass
    expect engine.swarm-cert-expiry "$eng" pass
    expect engine.swarm-overlay-encryption "$eng" fail # the default ingress network is not encrypted
    assert_true "ingress named as unencrypted" grep -q '"ingress"' <<<"$(evidence_of engine.swarm-overlay-encryption "$eng")"
    docker swarm update --autolock=false --cert-expiry 2400h >/dev/null 2>&1
    audit
    expect engine.swarm-autolock "$eng" fail
    expect engine.swarm-cert-expiry "$eng" fail
    docker network rm ldt-ov-enc >/dev/null 2>&1
    docker swarm leave --force >/dev/null 2>&1
    assert_eq inactive "$(swarm_state)" "swarm left"
  else
    fail_plain "docker swarm init failed" "$(tail -n 5 "$LD_TMP/swarm.log")"
  fi
else
  skip_part "engine already in a swarm: swarm part left alone"
fi

# ---- the live daemon restarted with a test daemon.json -------------------------------------
restart_dockerd() { # stop the running dockerd, start it again via the harness with its original flags
  local pid i
  pid=$(pgrep -xo dockerd || true)
  if [[ -n $pid ]]; then
    kill -TERM "$pid"
    for i in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
  LOCKDOWN_DOCKERD_ARGS=$ORIG_ARGS bash "$LD_REPO/tests/harness/engine-up.sh" >/dev/null 2>&1
}
restore_daemon() {
  [[ ${DAEMON_CHANGED:-0} == 1 ]] || return 0
  cleanup_containers
  if [[ -f $LD_TMP/daemon.json.orig ]]; then
    cp -p "$LD_TMP/daemon.json.orig" /etc/docker/daemon.json
  else
    rm -f /etc/docker/daemon.json
  fi
  restart_dockerd
  DAEMON_CHANGED=0
}
if ((!alone)); then
  skip_part "daemon-restart part: other end-to-end tests share the engine"
elif [[ $(id -u) -eq 0 && -n $(pgrep -xo dockerd) ]]; then
  pid=$(pgrep -xo dockerd)
  # the flags engine-up.sh adds beyond --containerd=... (LOCKDOWN_DOCKERD_ARGS)
  ORIG_ARGS=$(tr '\0' '\n' <"/proc/$pid/cmdline" | tail -n +2 | grep -v '^--containerd=' | tr '\n' ' ' || true)
  audit
  eng=$(jq -r '[.findings[] | select(.check_id == "daemon.icc")][0].target.id' "$REPORT")
  expect daemon.icc "$eng" fail
  expect daemon.live-restore "$eng" fail
  expect daemon.userland-proxy "$eng" fail
  expect daemon.no-new-privileges "$eng" fail
  [[ -f /etc/docker/daemon.json ]] && cp -p /etc/docker/daemon.json "$LD_TMP/daemon.json.orig"
  cleanup_containers
  DAEMON_CHANGED=1
  ld_on_exit restore_daemon
  mkdir -p /etc/docker
  printf '{"icc": false, "live-restore": true, "userland-proxy": false, "no-new-privileges": true, "log-level": "info"}\n' >/etc/docker/daemon.json
  restart_dockerd
  if engine_available; then
    pass "dockerd restarted with the test daemon.json"
    audit
    expect daemon.icc "$eng" pass
    expect daemon.live-restore "$eng" pass
    expect daemon.userland-proxy "$eng" pass
    expect daemon.no-new-privileges "$eng" pass
    expect daemon.log-level "$eng" pass
    expect file.daemon-json-mode /etc/docker/daemon.json pass
    docker run -d "${L[@]}" --name ldt-nnp "$BB" sleep 3600 >/dev/null
    audit
    expect container.no-new-privileges ldt-nnp pass
  else
    fail_plain "dockerd did not come back with the test daemon.json"
  fi
  restore_daemon
  if engine_available && [[ ! -f /etc/docker/daemon.json || -f $LD_TMP/daemon.json.orig ]]; then
    pass "daemon restored to its original configuration"
  else
    fail_plain "daemon not restored"
  fi
else
  skip_part "daemon restart needs root and a local dockerd"
fi
