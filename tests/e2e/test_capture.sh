#!/usr/bin/env bash
# test_capture.sh — `lockdown capture`, `capture verify` and `capture show`
# (src/forensics/, src/cli/cmd_capture.c) on the real engine:
#   - a busybox container (an image built FROM lockdown-test/busybox:1 with a
#     file to delete) whose shell builds a marker string at run time and keeps
#     it in a variable, adds a file, changes one, deletes two image files,
#     listens on a TCP port (httpd) and sleeps;
#   - capture --memory all: exit 0; every artifact's SHA-256 checks with plain
#     sha256sum; the marker is in the shell's core and gdb -batch prints it at
#     the address the core's program headers give, gdb's $sp lies in the
#     stack; processes, namespaces, fds, sockets (with owners), logs and the
#     file changes (added / changed / deleted, the upper tar's contents and
#     whiteouts) match what the kernel and the engine say;
#   - verify: passes; one flipped byte, an added file, a removed file, a link
#     for a file: exit 1 naming the file; no or a corrupt manifest: exit 3;
#   - signed (lockdown key generate + LOCKDOWN_KEY_PASSWORD): verify --key
#     passes, openssl checks the signature as cosign would, another key, an
#     edited manifest and a removed signature fail; a wrong password: exit 3;
#   - --no-freeze, --memory none (no core) and anon (a core with the marker,
#     file-backed mappings without contents); the default bundle name;
#   - show names the added file and the processes (text and JSON);
#   - failures: an existing non-empty directory (exit 3, left as it was), a
#     missing or stopped container (exit 3), usage errors (exit 2);
#   - after EVERY capture, failed ones included: the container runs, the
#     engine does not show it paused and both cgroup freezers say thawed.
# Needs root, the engine, lockdown-test/busybox:1, jq, python3, gdb, openssl.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/capture_lib.sh"

[[ $(id -u) -eq 0 ]] || skip --optional "needs root: capture reads /proc/PID/mem and the cgroup freezer"
require_cmd jq docker python3 gdb openssl sha256sum
require_image lockdown-test/busybox:1
if ! "$LOCKDOWN" capture --help >/dev/null 2>&1; then
  fail_plain "'lockdown capture' is not in this build ($LOCKDOWN)"
  _ld_explicit_exit=1
  exit 1
fi

T=$LD_TMP
tag=$$-$RANDOM
IMG=ldcap-e2e/busybox:$tag
C=ldcap-main-$tag
STOPPED=ldcap-stopped-$tag
ld_on_exit "cap_force_thaw $C"
ld_on_exit "docker rm -f $C $STOPPED"
ld_on_exit "docker rmi -f $IMG"

# assert_output_contains STR DESC — stdout or stderr of the last run holds STR
assert_output_contains() {
  if [[ $LD_STDOUT$'\n'$LD_STDERR == *"$1"* ]]; then pass "$2: output contains '$1'"; else fail "$2: output lacks '$1'"; fi
}

# ---- the image and the container ------------------------------------------------
mkdir -p "$T/ctx"
cat >"$T/ctx/Dockerfile" <<'EOF'
FROM lockdown-test/busybox:1
RUN echo "welcome to the image" > /etc/motd && mkdir -p /opt/app && echo doomed > /opt/app/doomed.txt
EOF
DOCKER_BUILDKIT=0 docker build -q -t "$IMG" "$T/ctx" >"$T/build.log" 2>&1 ||
  { fail_plain "docker build of $IMG failed" "$(tail -n 5 "$T/build.log")"; exit 1; }

PORT=18080
# The marker exists only in the shell's memory (and the log): the command
# line holds its halves, the concatenation is made at run time.
SCRIPT='A=mark; B=er-$RANDOM$RANDOM; M="$A$B"; echo "$M"
rm /etc/motd /opt/app/doomed.txt
echo "added-$TAG" > /tmp/added-$TAG
echo "extra:x:4242:" >> /etc/group
httpd -f -p '$PORT' -h /tmp &
trap "exit 0" TERM
echo ready
while :; do sleep 3600 & wait $!; done'
docker run -d --name "$C" -e "TAG=$tag" "$IMG" sh -c "$SCRIPT" >/dev/null 2>"$T/run.err" ||
  { fail_plain "docker run failed" "$(cat "$T/run.err")"; exit 1; }
PORT_HEX=$(printf '%04X' "$PORT")
LISTEN_RE=":$PORT_HEX 0+:0000 0A" # a listener in /proc/net/tcp or tcp6 (httpd binds [::])
cap_cgroup_dirs "$C"
for ((i = 0; i < 100; i++)); do
  cat "/proc/$CAP_PID/net/tcp" "/proc/$CAP_PID/net/tcp6" 2>/dev/null | grep -Eq "$LISTEN_RE" && break
  sleep 0.1
done
for ((i = 0; i < 50; i++)); do
  docker logs "$C" 2>/dev/null | grep -q '^ready$' && break
  sleep 0.1
done
MARKER=$(docker logs "$C" 2>/dev/null | head -n 1)
[[ $MARKER =~ ^marker-[0-9]+$ ]] || { fail_plain "the container did not print its marker" "$(docker logs "$C" 2>&1 | head -n 5)"; exit 1; }
cap_cgroup_dirs "$C"
ID=$CAP_ID SH=$CAP_PID
child_pid() { ps -o pid=,comm= --ppid "$SH" | awk -v c="$1" '$2 == c {print $1; exit}'; }
HTTPD=$(child_pid httpd)
SLEEP=$(child_pid sleep)
[[ -n $HTTPD && -n $SLEEP ]] || { fail_plain "the container's httpd or sleep is not running" "$(ps -o pid,comm --ppid "$SH")"; exit 1; }
echo "# container $C: init $SH, httpd $HTTPD, sleep $SLEEP; marker $MARKER; freezers v1 '$CAP_V1' v2 '$CAP_V2'"
[[ -n $CAP_V1 || -n $CAP_V2 ]] || skip_part --optional "this host has neither a v1 freezer nor cgroup.freeze: only the engine's pause can freeze"

# ---- 1. capture --memory all ------------------------------------------------------
B1=$T/b1
run_ld capture "$C" -o "$B1" --memory all
assert_exit 0 "capture --memory all"
assert_running_not_paused "$C" "after capture --memory all"
M1=$B1/manifest.json
assert_file_exists "$M1" "the manifest"
assert_json_file "$M1" '.schema == "lockdown-capture/1"' "manifest schema"
assert_json_file "$M1" ".container.id == \"$ID\"" "the manifest names the container by its full id"
assert_json_file "$M1" '.options.memory == "all" and .options.freeze == true' "the options are recorded"
assert_json_file "$M1" '.custody.freeze.method | IN("cgroup-v2", "cgroup-v1-freezer", "engine-pause")' "the container was frozen"
assert_json_file "$M1" '.custody.freeze.thawed_by == "lockdown"' "lockdown thawed it itself"
assert_json_file "$M1" '.custody.freeze.frozen_ns > 0 and .custody.freeze.frozen_ns < 30000000000' "the frozen interval is measured (0 < t < the 30 s deadline)"
assert_json_file "$M1" '[.artifacts[] | select(.kind == "memory-core") | .frozen] | length > 0 and all' "the cores were taken frozen"
assert_json_file "$M1" '[.custody.started, .custody.ended] | all(type == "string" and test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T"))' "custody start and end times"
for a in container/inspect.json container/inspect-after.json container/image.json container/logs/stdout.log \
  container/logs/stderr.log host/context.json processes/index.json network/sockets.json network/tcp \
  network/unix filesystem/upper.tar filesystem/changes.json mounts/mounts.json \
  "processes/$SH/status" "processes/$SH/cmdline" "processes/$SH/maps" "processes/$SH/environ" \
  "processes/$SH/namespaces.json" "processes/$SH/fds.json" "processes/$SH/core"; do
  if [[ -f $B1/$a ]] && jq -e --arg p "$a" 'any(.artifacts[]; .path == $p)' "$M1" >/dev/null; then
    pass "artifact $a is in the bundle and the manifest"
  else
    fail_plain "artifact $a missing from the bundle or the manifest"
  fi
done

# the host context and the logs hold what the host and the container said
CTX=$B1/host/context.json
ctx_is() { # ctx_is DESC JQ_EXPR [jq args...]
  local desc=$1 expr=$2
  shift 2
  assert_true "$desc" jq -e "$@" "$expr" "$CTX"
}
ctx_is "host context: the kernel release is uname -r" '.kernel.release == $r' --arg r "$(uname -r)"
ctx_is "host context: the clock source is the kernel's current one" '.clock.source == $c' \
  --arg c "$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
ctx_is "host context: the NTP state from adjtimex" '.clock.ntp | type == "object" and (.synchronized | type == "boolean")'
ctx_is "host context: the engine's version" '.engine.version.Version == $v' \
  --arg v "$(docker version -f '{{.Server.Version}}')"
assert_true "the container's stdout log holds its marker line, with a timestamp" \
  grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[^ ]+ $MARKER\$" "$B1/container/logs/stdout.log"

# every listed artifact checks with plain sha256sum (the docs' procedure), and
# every file in the bundle is listed
if (cd "$B1" && jq -r '.artifacts[] | "\(.sha256)  \(.path)"' manifest.json | sha256sum -c --quiet) >"$T/sums.out" 2>&1; then
  pass "sha256sum -c accepts every artifact of the manifest"
else
  fail_plain "sha256sum -c rejects artifacts" "$(head -n 10 "$T/sums.out")"
fi
if listdiff=$(diff <(jq -r '.artifacts[].path' "$M1" | LC_ALL=C sort) \
  <(cd "$B1" && find . -type f ! -name manifest.json ! -name manifest.json.sig -printf '%P\n' | LC_ALL=C sort)); then
  pass "the manifest lists exactly the files in the bundle ($(jq '.artifacts | length' "$M1") artifacts)"
else
  fail_plain "the manifest and the bundle's files differ (< manifest, > disk)" "$listdiff"
fi
assert_eq "$(jq -r '[.artifacts[].size] | add' "$M1")" "$(cd "$B1" && jq -r '.artifacts[].path' manifest.json | xargs -d '\n' stat -c %s | awk '{s += $1} END {print s}')" \
  "the artifact sizes add up to the files' sizes"

# processes: from the cgroup, with the kernel's own facts
IDX=$B1/processes/index.json
assert_json_file "$IDX" "any(.[]; .pid == $SH and .nspid == 1 and .comm == \"sh\")" "index: the shell, pid 1 inside"
assert_json_file "$IDX" "any(.[]; .pid == $HTTPD and .comm == \"httpd\" and .ppid == $SH)" "index: httpd, child of the shell"
assert_json_file "$IDX" "any(.[]; .pid == $SLEEP and .comm == \"sleep\")" "index: the sleep"
procs_file=${CAP_V1:-$CAP_V2}/cgroup.procs
assert_json_file "$IDX" "[.[].pid] | sort == $(jq -s -c 'sort' <"$procs_file")" \
  "index: exactly the pids of the container's cgroup ($procs_file)"
# (cat: /proc files have st_size 0, which cmp would take as a difference)
assert_true "processes/$SH/cmdline is the kernel's /proc/$SH/cmdline" cmp -s "$B1/processes/$SH/cmdline" <(cat "/proc/$SH/cmdline")
assert_false "the marker is not on the shell's command line (it is built at run time)" grep -q "$MARKER" "$B1/processes/$SH/cmdline"
assert_json_file "$B1/processes/$SH/namespaces.json" ".net == \"$(readlink "/proc/$SH/ns/net")\" and .pid == \"$(readlink "/proc/$SH/ns/pid")\"" \
  "namespaces.json: the shell's net and pid namespaces as the kernel links them"
assert_json_file "$B1/processes/$HTTPD/fds.json" 'any(.[]; .target | startswith("socket:["))' "fds.json: httpd holds a socket"

# sockets: the listener, with its owner
assert_json_file "$B1/network/sockets.json" \
  "any(.[]; (.proto == \"tcp\" or .proto == \"tcp6\") and .local_port == $PORT and .state == \"LISTEN\" and any(.owners[]; .pid == $HTTPD and .fd >= 0))" \
  "sockets.json: httpd's listener on port $PORT with its owner"
assert_true "network/tcp + tcp6 are the kernel's tables (the listener line)" grep -Eq "$LISTEN_RE" "$B1/network/tcp" "$B1/network/tcp6"

# logs
assert_true "container/logs/stdout.log holds the marker the shell printed (after the engine's timestamp)" \
  grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z $MARKER\$" "$B1/container/logs/stdout.log"

# memory: the marker in the shell's core, read back by gdb
CORE=$B1/processes/$SH/core
summary=$(cap_core_summary "$CORE" 2>&1)
assert_eq 4 "$(jq -r .type <<<"$summary" 2>/dev/null)" "the core is an ELF ET_CORE (e_type 4): $summary"
assert_true "the core has a PT_NOTE and PT_LOADs with contents" jq_q '.notes >= 1 and .with_contents > 0' <<<"$summary"
ADDR=$(cap_marker_addrs "$CORE" "$MARKER" | head -n 1)
gdb_out=$(DEBUGINFOD_URLS='' timeout 60 gdb -nx -batch -ex "x/s ${ADDR:-0}" -ex 'p/x $sp' -c "$CORE" 2>&1)
if [[ -n $ADDR ]]; then
  pass "the marker is in a PT_LOAD of the core, at $ADDR"
  if [[ $gdb_out == *"$ADDR:"*"\"$MARKER\""* ]]; then
    pass "gdb -batch -ex 'x/s $ADDR' on the core prints the marker"
  else
    fail_plain "gdb does not print the marker at $ADDR" "$(tail -n 5 <<<"$gdb_out")"
  fi
else
  fail_plain "the marker $MARKER is not in the shell's core" "$summary"
fi
sp=$(sed -n 's/^\$1 = //p' <<<"$gdb_out")
stack=$(awk '$6 == "[stack]" {print $1}' "$B1/processes/$SH/maps")
if [[ -n $sp && -n $stack ]] && python3 -c 'import sys; lo, hi = (int(x, 16) for x in sys.argv[2].split("-")); sys.exit(0 if lo <= int(sys.argv[1], 16) < hi else 1)' "$sp" "$stack"; then
  pass "gdb's \$sp ($sp) lies in the shell's [stack] ($stack)"
else
  fail_plain "gdb's \$sp '$sp' is not in the shell's [stack] '$stack'"
fi

# file system changes
CH=$B1/filesystem/changes.json
assert_json_file "$CH" "any(.changes[]; .path == \"/tmp/added-$tag\" and .change == \"added\" and .type == \"file\")" "changes: the added file"
assert_json_file "$CH" "any(.changes[]; .path == \"/tmp/added-$tag\" and .sha256 == \"$(printf 'added-%s\n' "$tag" | sha256sum | cut -d' ' -f1)\")" \
  "changes: the added file's SHA-256 is that of what the shell wrote"
assert_json_file "$CH" 'any(.changes[]; .path == "/etc/motd" and .change == "deleted")' "changes: the deleted image file /etc/motd"
assert_json_file "$CH" 'any(.changes[]; .path == "/opt/app/doomed.txt" and .change == "deleted")' "changes: the deleted /opt/app/doomed.txt"
assert_json_file "$CH" 'any(.changes[]; .path == "/etc/group" and .change == "changed")' "changes: the changed /etc/group"
assert_json_file "$CH" 'all(.changes[]; .path != "/etc/passwd")' "changes: an untouched image file is not listed"
assert_json_file "$CH" '.counts as $c | .changes as $l | all("added", "changed", "deleted", "replaced"; . as $k | $c[$k] == ([$l[] | select(.change == $k)] | length))' \
  "changes: the counts are the list's"
cap_tar_list "$B1/filesystem/upper.tar" >"$T/upper.jsonl" 2>"$T/upper.err" || fail_plain "python's tarfile cannot read upper.tar" "$(tail -n 3 "$T/upper.err")"
assert_true "upper.tar: /tmp/added-$tag with the shell's bytes" \
  jq_q --arg n "tmp/added-$tag" --arg c "added-$tag"$'\n' -s 'any(.[]; .name == $n and .type == "file" and .content == $c)' "$T/upper.jsonl"
assert_true "upper.tar: /etc/motd as the whiteout it is (character device 0/0)" \
  jq_q -s 'any(.[]; .name == "etc/motd" and .type == "chr" and .major == 0 and .minor == 0)' "$T/upper.jsonl"
assert_true "upper.tar: /etc/group's new contents" \
  jq_q -s 'any(.[]; .name == "etc/group" and (.content | contains("extra:x:4242:")))' "$T/upper.jsonl"

# ---- 2. show ------------------------------------------------------------------
run_ld capture show "$B1"
assert_exit 0 "capture show"
assert_stdout_contains "/tmp/added-$tag" "show names the added file"
assert_stdout_contains "/etc/motd" "show names the deleted file"
assert_stdout_contains "httpd" "show names httpd"
assert_stdout_contains "$SLEEP" "show lists the sleep's pid"
assert_stdout_contains "${ID:0:12}" "show names the container"
run_ld capture show "$B1" --format json
assert_exit 0 "capture show --format json"
assert_json "[.. | strings] | any(. == \"/tmp/added-$tag\")" "show JSON: the added file"
assert_json "[.. | numbers] | any(. == $HTTPD)" "show JSON: httpd's pid"

# ---- 3. verify and tampering ---------------------------------------------------------
run_ld capture verify "$B1"
assert_exit 0 "verify of the untouched bundle"
run_ld capture verify "$B1" --format json
assert_exit 0 "verify --format json"
assert_json '.' "verify --format json is JSON"

tamper_copy() { rm -rf "$T/t" && cp -a "$B1" "$T/t"; }
flip_byte() { # flip_byte FILE — XOR 0xff into the middle byte, size unchanged
  python3 - "$1" <<'EOF'
import os, sys
p = sys.argv[1]
with open(p, 'r+b') as f:
    n = os.fstat(f.fileno()).st_size
    f.seek(n // 2); b = f.read(1); f.seek(n // 2); f.write(bytes([b[0] ^ 0xff]))
EOF
}
for rel in "processes/$SH/core" filesystem/changes.json; do
  tamper_copy
  flip_byte "$T/t/$rel"
  run_ld capture verify "$T/t"
  assert_exit 1 "verify after one byte of $rel was flipped"
  assert_output_contains "$rel" "verify names the altered file"
  assert_output_contains "altered" "verify says altered"
done
run_ld capture verify "$T/t" --format json
assert_exit 1 "verify --format json of the altered bundle"
assert_json '[.. | strings] | any(. == "filesystem/changes.json")' "verify JSON names the altered file"
tamper_copy
echo "planted" >"$T/t/processes/planted.txt"
run_ld capture verify "$T/t"
assert_exit 1 "verify with a file added to the bundle"
assert_output_contains "processes/planted.txt" "verify names the added file"
assert_output_contains "added" "verify says added"
tamper_copy
rm "$T/t/host/context.json"
run_ld capture verify "$T/t"
assert_exit 1 "verify with a file removed from the bundle"
assert_output_contains "host/context.json" "verify names the missing file"
assert_output_contains "missing" "verify says missing"
tamper_copy
cp "$T/t/processes/$SH/status" "$T/status.copy"
rm "$T/t/processes/$SH/status"
ln -s "$T/status.copy" "$T/t/processes/$SH/status"
run_ld capture verify "$T/t"
assert_exit 1 "verify with a file replaced by a link to the same bytes"
assert_output_contains "processes/$SH/status" "verify names the link"
tamper_copy
truncate -s -1 "$T/t/processes/$SH/maps"
run_ld capture verify "$T/t"
assert_exit 1 "verify with a file one byte shorter"
assert_output_contains "processes/$SH/maps" "verify names the shortened file"
tamper_copy
head -c 100 "$B1/manifest.json" >"$T/t/manifest.json"
run_ld capture verify "$T/t"
assert_exit 3 "verify with a cut manifest (could not read)"
mkdir -p "$T/empty-bundle"
run_ld capture verify "$T/empty-bundle"
assert_exit 3 "verify of a directory with no manifest"
run_ld capture verify "$T/does-not-exist"
assert_exit 3 "verify of a path that does not exist"
run_ld capture verify "$B1"
assert_exit 0 "the original bundle still verifies (the copies were tampered, not it)"

# ---- 4. a signed bundle ---------------------------------------------------------------
export LOCKDOWN_KEY_PASSWORD="ldcap-e2e-Pw-$RANDOM"
run_ld key generate "$T/k"
assert_exit 0 "key generate k"
run_ld key generate "$T/other"
assert_exit 0 "key generate other"
FP=sha256:$(openssl pkey -pubin -in "$T/k.pub" -outform DER | sha256sum | cut -d' ' -f1)
B2=$T/b2
run_ld capture "$C" -o "$B2" --memory none --key "$T/k.key"
assert_exit 0 "capture --key"
assert_running_not_paused "$C" "after the signed capture"
assert_stderr_not_contains "$LOCKDOWN_KEY_PASSWORD" "the password is never printed"
assert_file_exists "$B2/manifest.json.sig" "the signature"
assert_json_file "$B2/manifest.json" ".signing_key == \"$FP\"" "signing_key is the key's fingerprint"
if grep -rqF -- "$LOCKDOWN_KEY_PASSWORD" "$B2" 2>/dev/null; then
  fail_plain "the key's password is written in the bundle"
else
  pass "the key's password is nowhere in the bundle"
fi
run_ld capture verify "$B2" --key "$T/k.pub"
assert_exit 0 "verify --key with the signing key"
base64 -d <"$B2/manifest.json.sig" >"$T/sig.der" 2>/dev/null
run_cmd openssl dgst -sha256 -verify "$T/k.pub" -signature "$T/sig.der" "$B2/manifest.json"
assert_exit 0 "openssl verifies manifest.json.sig (base64 ECDSA P-256 SHA-256, as cosign verify-blob)"
run_ld capture verify "$B2" --key "$T/other.pub"
assert_exit 1 "verify --key with another key"
rm -rf "$T/s" && cp -a "$B2" "$T/s"
python3 - "$T/s/manifest.json" "$C" <<'EOF'
import sys
p, name = sys.argv[1], sys.argv[2].encode()
b = open(p, 'rb').read()
assert name in b, 'container name not in the manifest'
open(p, 'wb').write(b.replace(name, name.replace(b'ldcap-main', b'ldcap-mAin'), 1))
EOF
run_ld capture verify "$T/s" --key "$T/k.pub"
assert_exit 1 "verify --key of an edited manifest (the container's name changed)"
run_cmd openssl dgst -sha256 -verify "$T/k.pub" -signature "$T/sig.der" "$T/s/manifest.json"
assert_exit 1 "openssl rejects the edited manifest too"
rm -rf "$T/s" && cp -a "$B2" "$T/s" && rm "$T/s/manifest.json.sig"
run_ld capture verify "$T/s" --key "$T/k.pub"
assert_exit 1 "verify --key with the signature removed"
LOCKDOWN_KEY_PASSWORD=wrong-password run_ld capture "$C" -o "$T/b-wrongpw" --memory none --key "$T/k.key"
assert_exit 3 "capture with a wrong key password"
assert_running_not_paused "$C" "after the capture with a wrong password"
unset LOCKDOWN_KEY_PASSWORD

# ---- 5. --no-freeze -------------------------------------------------------------------
B3=$T/b3
run_ld capture "$C" -o "$B3" --no-freeze --memory anon
assert_exit 0 "capture --no-freeze"
assert_running_not_paused "$C" "after capture --no-freeze"
assert_json_file "$B3/manifest.json" '.custody.freeze.method == "none" and .options.freeze == false' "--no-freeze: not frozen, recorded"
assert_json_file "$B3/manifest.json" 'all(.artifacts[]; .frozen == false)' "--no-freeze: no artifact marked frozen"
if [[ -f $B3/processes/$SH/core && -n $(cap_marker_addrs "$B3/processes/$SH/core" "$MARKER") ]]; then
  pass "--no-freeze: the marker is in the core read as the shell runs"
else
  fail_plain "--no-freeze: no core with the marker for the shell"
fi
run_ld capture verify "$B3"
assert_exit 0 "verify of the --no-freeze bundle"

# ---- 6. --memory none and anon ----------------------------------------------------------
B4=$T/b4
run_ld capture "$C" -o "$B4" --memory none
assert_exit 0 "capture --memory none"
assert_running_not_paused "$C" "after capture --memory none"
assert_json_file "$B4/manifest.json" 'all(.artifacts[]; .kind != "memory-core")' "--memory none: no core in the manifest"
assert_eq "" "$(find "$B4" -name core -print)" "--memory none: no core file in the bundle"
assert_json_file "$B4/processes/index.json" 'all(.[]; .core == null)' "--memory none: the index names no core"
B5=$T/b5
run_ld capture "$C" -o "$B5" --memory anon
assert_exit 0 "capture --memory anon"
assert_running_not_paused "$C" "after capture --memory anon"
ANON=$B5/processes/$SH/core
if [[ -f $ANON ]]; then
  addr=$(cap_marker_addrs "$ANON" "$MARKER" | head -n 1)
  if [[ -n $addr && $(cap_gdb_string "$ANON" "$addr") == *"\"$MARKER\""* ]]; then
    pass "--memory anon: gdb prints the marker from the anon core at $addr"
  else
    fail_plain "--memory anon: the marker is not readable from the anon core (address '$addr')"
  fi
  sa=$(cap_core_summary "$ANON")
  assert_true "--memory anon: some mappings (the binary's text) are listed without contents: $sa" \
    jq_q '.with_contents < .loads' <<<"$sa"
  assert_true "--memory anon: fewer bytes than --memory all ($(jq .filesz <<<"$sa") < $(jq .filesz <<<"$summary"))" \
    test "$(jq .filesz <<<"$sa")" -lt "$(jq .filesz <<<"$summary")"
else
  fail_plain "--memory anon: no core for the shell at processes/$SH/core"
fi

# ---- 7. the default bundle name ---------------------------------------------------------
mkdir -p "$T/cwd"
pushd "$T/cwd" >/dev/null || exit 1
run_ld capture "$C" --memory none
popd >/dev/null || exit 1
assert_exit 0 "capture without -o"
assert_running_not_paused "$C" "after capture without -o"
made=$(cd "$T/cwd" && find . -mindepth 1 -maxdepth 1 -printf '%P\n')
if [[ $made == capture-"$C"-* && $(grep -c . <<<"$made") == 1 && -f $T/cwd/$made/manifest.json ]]; then
  pass "without -o the bundle is ./capture-<name>-<time> ($made)"
else
  fail_plain "without -o: expected one ./capture-$C-* bundle, found: $made"
fi

# ---- 8. captures that fail ---------------------------------------------------------------
mkdir -p "$T/nonempty"
echo "earlier evidence" >"$T/nonempty/evidence.txt"
run_ld capture "$C" -o "$T/nonempty" --memory none
assert_exit 3 "capture into an existing non-empty directory"
assert_stderr_contains "not empty" "the message says why"
assert_running_not_paused "$C" "after the refused capture (non-empty directory)"
assert_eq "evidence.txt" "$(cd "$T/nonempty" && find . -mindepth 1 -printf '%P\n')" "the non-empty directory is left as it was"
assert_eq "earlier evidence" "$(cat "$T/nonempty/evidence.txt")" "its file is untouched"
run_ld capture "ldcap-no-such-container-$tag" -o "$T/b-missing"
assert_exit 3 "capture of a container that does not exist"
assert_stderr_contains "ldcap-no-such-container-$tag" "the message names it"
assert_eq 1 "$(grep -c '^lockdown: ' "$LD_STDERR_FILE")" "one error line on stderr"
docker create --name "$STOPPED" "$IMG" true >/dev/null
run_ld capture "$STOPPED" -o "$T/b-stopped"
assert_exit 3 "capture of a container that is not running"
assert_false "no manifest for the stopped container" test -e "$T/b-stopped/manifest.json"
run_ld capture
assert_exit 2 "capture with no container"
run_ld capture "$C" --memory bogus -o "$T/b-usage"
assert_exit 2 "capture --memory bogus"
assert_running_not_paused "$C" "after the usage errors"
