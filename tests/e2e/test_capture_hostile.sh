#!/usr/bin/env bash
# test_capture_hostile.sh — `lockdown capture` of a container that lies and
# sets traps through its own files, names and processes:
#   - symbolic links in its file system (and in a volume) to the host's
#     /etc/shadow and to a canary file the test writes on the host, by
#     absolute and by ../ paths, and a link to /;
#   - a file whose name holds a newline, ANSI escape sequences and a BEL;
#   - a fifo (a reader that opens it would block for ever), a 1 GiB sparse
#     file with --max-fs 8M, a directory tree deeper than the walk's limit;
#   - a process whose name (comm) is "x) (y" plus a newline and an escape
#     sequence, so /proc/PID/stat has ") (" where a parser looks for ")";
#   - an environment variable with terminal escape bytes;
# capture (with --volumes), verify and show (text and JSON) all complete;
# nothing is written outside the bundle (listings of the parent directory
# and of the canary's directory before and after); the tars hold the links
# as links, and no byte of the canary or of the host's shadow lines is
# anywhere in the bundle; show's text has no raw control bytes; the hostile
# names are recorded exactly (JSON-escaped). Then a process storm (a sleep of
# 10 ms after another) captured with --no-freeze: processes exit while they
# are read, the capture and verify still succeed.
# Needs root, the engine, lockdown-test/busybox:1, jq and python3.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/capture_lib.sh"

[[ $(id -u) -eq 0 ]] || skip --optional "needs root: capture reads /proc/PID/mem and the cgroup freezer"
require_cmd jq docker python3
require_image lockdown-test/busybox:1
if ! "$LOCKDOWN" capture --help >/dev/null 2>&1; then
  fail_plain "'lockdown capture' is not in this build ($LOCKDOWN)"
  _ld_explicit_exit=1
  exit 1
fi

T=$LD_TMP
tag=$$-$RANDOM
C=ldcap-hostile-$tag
S=ldcap-storm-$tag
VOL=ldcap-vol-$tag
ld_on_exit "cap_force_thaw $C $S"
ld_on_exit "docker rm -f $C $S"
ld_on_exit "docker volume rm -f $VOL"

# the canary: a host file the container points links at; its bytes must never
# reach the bundle
mkdir -p "$T/host-side"
CANARY=$T/host-side/canary-secret
CANARY_TEXT="ldcap-canary-$tag-$RANDOM$RANDOM"
echo "$CANARY_TEXT" >"$CANARY"
chmod 0644 "$CANARY"

EVIL_NAME=$'/tmp/evil\nname\e[31mred\e]0;title\a'
COMM=$'x) (y\n\e[2J'
docker volume create "$VOL" >/dev/null || { fail_plain "docker volume create $VOL failed"; exit 1; }
SCRIPT='ln -s /etc/shadow /shadow-link
ln -s "$CANARY" /canary-link
ln -s "../../../../../../../../..$CANARY" /tmp/rel-canary-link
ln -s / /tmp/root-link
ln -s "$CANARY" /data/canary-link
ln -s /etc/shadow /data/shadow-link
echo "volume file" > /data/ok.txt
touch "$(printf "/tmp/evil\nname\033[31mred\033]0;title\007")"
mkfifo /tmp/fifo /tmp/fifo2
truncate -s 1G /tmp/sparse
d=/deep; i=0; while [ $i -lt 300 ]; do d=$d/d; i=$((i+1)); done; mkdir -p "$d"; echo bottom > "$d/f"
( printf "x) (y\n\033[2J" > /proc/self/comm; read x < /tmp/fifo2 ) &
echo ready
trap "exit 0" TERM
while :; do sleep 3600 & wait $!; done'
docker run -d --name "$C" -e "CANARY=$CANARY" -e "$(printf 'EVIL=\033]0;pwned\007\033[2J')" -v "$VOL:/data" \
  lockdown-test/busybox:1 sh -c "$SCRIPT" >/dev/null 2>"$T/run.err" ||
  { fail_plain "docker run failed" "$(cat "$T/run.err")"; exit 1; }
for ((i = 0; i < 100; i++)); do
  docker logs "$C" 2>/dev/null | grep -q '^ready$' && break
  sleep 0.1
done
docker logs "$C" 2>/dev/null | grep -q '^ready$' || { fail_plain "the hostile container did not get ready" "$(docker logs "$C" 2>&1 | tail -n 5)"; exit 1; }
sleep 0.3
cap_cgroup_dirs "$C"
SH=$CAP_PID
EVILPROC=$(ps -o pid= --ppid "$SH" | while read -r p; do
  [[ $(cat "/proc/$p/comm" 2>/dev/null) == "$COMM" ]] && echo "$p"
done | head -n 1)
[[ -n $EVILPROC ]] || { fail_plain "no process named 'x) (y...' in the container" "$(ps -o pid,comm --ppid "$SH")"; exit 1; }
echo "# container $C: init $SH, the process with the hostile name: $EVILPROC"

# ---- capture --volumes --max-fs 8M ----------------------------------------------------
OUT=$T/out
mkdir -p "$OUT"
echo "a file next to the bundle" >"$OUT/neighbour.txt"
listing() { find "$1" -printf '%P|%y|%s|%m|%l\n' 2>/dev/null | LC_ALL=C sort; }
before_out=$(listing "$OUT")
before_host=$(listing "$T/host-side")
shadow_mtime=$(stat -c %Y /etc/shadow)
B=$OUT/bundle
run_ld capture "$C" -o "$B" --volumes --max-fs 8M
assert_exit 0 "capture of the hostile container (--volumes --max-fs 8M)"
assert_running_not_paused "$C" "after the hostile capture"
assert_eq "$before_out" "$(listing "$OUT" | grep -v '^bundle\(/\||\)')" "nothing written next to the bundle (listing of its parent)"
assert_eq "$before_host" "$(listing "$T/host-side")" "nothing written in the canary's directory"
assert_eq "$shadow_mtime" "$(stat -c %Y /etc/shadow)" "the host's /etc/shadow is untouched"
assert_eq "" "$(find "$B" -mindepth 1 ! -type f ! -type d -printf '%P\n')" "the bundle holds only regular files and directories"

run_ld capture verify "$B"
assert_exit 0 "verify of the hostile bundle"

# no byte of the canary or of the host's shadow is in the bundle
if grep -rqaF -- "$CANARY_TEXT" "$B"; then
  fail_plain "the canary's contents are in the bundle: a link was followed" "$(grep -rlaF -- "$CANARY_TEXT" "$B" | head -n 3)"
else
  pass "the canary's contents are nowhere in the bundle"
fi
docker exec "$C" cat /etc/shadow >"$T/container-shadow" 2>/dev/null
grep -vxF -f "$T/container-shadow" /etc/shadow >"$T/host-only-shadow" || true
if [[ -s $T/host-only-shadow ]]; then
  if grep -rqaF -f "$T/host-only-shadow" "$B"; then
    fail_plain "lines of the host's /etc/shadow are in the bundle" "$(grep -rlaF -f "$T/host-only-shadow" "$B" | head -n 3)"
  else
    pass "no line of the host's /etc/shadow is in the bundle ($(grep -c . "$T/host-only-shadow") host-only lines checked)"
  fi
else
  skip_part --optional "the host's /etc/shadow has no line the container's lacks: nothing to look for"
fi

# the upper tar: links as links, the hostile names exact, the fifo as a header
cap_tar_list "$B/filesystem/upper.tar" >"$T/upper.jsonl" 2>"$T/upper.err" ||
  fail_plain "python's tarfile cannot read upper.tar" "$(tail -n 3 "$T/upper.err")"
tar_has() { jq -e -s "$2" "$T/upper.jsonl" >/dev/null && pass "upper.tar: $1" || fail_plain "upper.tar: $1" "$(head -c 1500 "$T/upper.jsonl")"; }
tar_has "/shadow-link is a link to /etc/shadow, not the file" 'any(.[]; .name == "shadow-link" and .type == "symlink" and .link == "/etc/shadow")'
tar_has "/canary-link is a link to the host path" "any(.[]; .name == \"canary-link\" and .type == \"symlink\" and .link == \"$CANARY\")"
tar_has "/tmp/rel-canary-link is a link (../ path)" 'any(.[]; .name == "tmp/rel-canary-link" and .type == "symlink" and (.link | startswith("../")))'
tar_has "/tmp/root-link is a link to /" 'any(.[]; .name == "tmp/root-link" and .type == "symlink" and .link == "/")'
tar_has "no member named like a link is anything but a link" 'all(.[]; (.name | test("link$") | not) or .type == "symlink")'
tar_has "the fifo is a fifo header" 'any(.[]; .name == "tmp/fifo" and .type == "fifo")'
if jq -e -s --arg n "${EVIL_NAME#/}" 'any(.[]; .name == $n and .type == "file")' "$T/upper.jsonl" >/dev/null; then
  pass "upper.tar: the file whose name holds a newline and escapes, byte for byte"
else
  fail_plain "upper.tar: no member named exactly $(printf '%q' "${EVIL_NAME#/}")"
fi
TAR_SIZE=$(stat -c %s "$B/filesystem/upper.tar")
assert_true "upper.tar stops near the --max-fs cap (8 MiB; it is $TAR_SIZE bytes)" test "$TAR_SIZE" -le $((8 * 1024 * 1024 + 1024 * 1024))
assert_json_file "$B/manifest.json" 'any(.artifacts[]; .path == "filesystem/upper.tar" and .truncated == true and (.note | length > 0))' \
  "the manifest marks upper.tar cut, with a note"

# changes.json: exact names, the links recorded with their text
CH=$B/filesystem/changes.json
assert_true "changes.json: the hostile file name, exact" \
  jq_q --arg n "$EVIL_NAME" 'any(.changes[]; .path == $n and .change == "added")' "$CH"
assert_true "changes.json: /canary-link with its link text" \
  jq_q --arg l "$CANARY" 'any(.changes[]; .path == "/canary-link" and .type == "symlink" and .link == $l)' "$CH"
assert_true "changes.json: the fifo" jq_q 'any(.changes[]; .path == "/tmp/fifo" and .type == "fifo")' "$CH"
assert_true "changes.json: the sparse file's size is its real size" \
  jq_q 'any(.changes[]; .path == "/tmp/sparse" and .size == 1073741824)' "$CH"
assert_true "the deep tree is cut with a note (the walk's depth limit, 256)" \
  jq_q -s '[.[] | .. | strings] | any(test("depth"; "i"))' "$CH" "$B/manifest.json"

# the volume: its tar holds the links as links
VT=$(cap_artifact_path "$B" '.kind == "volume-tar"')
if [[ -n $VT && -f $B/$VT ]]; then
  pass "--volumes: the volume's tar is $VT"
  cap_tar_list "$B/$VT" >"$T/vol.jsonl" 2>"$T/vol.err" || fail_plain "python's tarfile cannot read $VT" "$(tail -n 3 "$T/vol.err")"
  assert_true "$VT: canary-link is a link" jq_q -s --arg l "$CANARY" 'any(.[]; .name == "canary-link" and .type == "symlink" and .link == $l)' "$T/vol.jsonl"
  assert_true "$VT: shadow-link is a link" jq_q -s 'any(.[]; .name == "shadow-link" and .type == "symlink" and .link == "/etc/shadow")' "$T/vol.jsonl"
  assert_true "$VT: ok.txt with its contents" jq_q -s 'any(.[]; .name == "ok.txt" and .content == "volume file\n")' "$T/vol.jsonl"
else
  fail_plain "--volumes: no volume-tar artifact in the manifest" "$(jq -c '[.artifacts[].path]' "$B/manifest.json" 2>&1 | head -c 1500)"
fi

# the process with the hostile name
IDX=$B/processes/index.json
assert_true "index.json: the process named $(printf '%q' "$COMM"), exact" \
  jq_q --argjson p "$EVILPROC" --arg c "$COMM" 'any(.[]; .pid == $p and .comm == $c)' "$IDX"
assert_true "index.json: its parent is the shell (stat parsed past ') (')" \
  jq_q --argjson p "$EVILPROC" --argjson s "$SH" 'any(.[]; .pid == $p and .ppid == $s)' "$IDX"
stat_head="$EVILPROC ($COMM) S $SH "
if [[ $(head -c ${#stat_head} "$B/processes/$EVILPROC/stat" 2>/dev/null; echo x) == "${stat_head}x" ]]; then
  pass "processes/$EVILPROC/stat is the kernel's text, name bytes included"
else
  fail_plain "processes/$EVILPROC/stat does not start with the kernel's '$(printf '%q' "$stat_head")'"
fi

# show: completes, no raw control bytes, the hostile names in it escaped
run_ld capture show "$B" --all
assert_exit 0 "capture show --all of the hostile bundle"
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$LD_STDOUT_FILE"; then
  fail "show's text holds raw control bytes" "$(LC_ALL=C grep -n $'[\x01-\x08\x0b-\x1f\x7f]' "$LD_STDOUT_FILE" | cat -v | head -n 5)"
else
  pass "show's text has no raw control bytes"
fi
assert_stdout_contains "evil" "show lists the file with the hostile name"
assert_stdout_contains "x) (y" "show lists the process with the hostile name"
run_ld capture show "$B" --format json
assert_exit 0 "capture show --format json of the hostile bundle"
assert_json '.' "show JSON parses"
if jq -e --arg n "$EVIL_NAME" '[.. | strings] | any(. == $n)' "$LD_STDOUT_FILE" >/dev/null 2>&1; then
  pass "show JSON: the hostile file name, exact (JSON-escaped)"
else
  fail "show JSON: the hostile file name is not there exactly"
fi
if jq -e --arg c "$COMM" '[.. | strings] | any(. == $c)' "$LD_STDOUT_FILE" >/dev/null 2>&1; then
  pass "show JSON: the hostile process name, exact"
else
  fail "show JSON: the hostile process name is not there exactly"
fi

# ---- a process storm, --no-freeze ---------------------------------------------------------
docker run -d --name "$S" lockdown-test/busybox:1 sh -c 'for i in 1 2 3 4; do (while :; do sleep 0.01; done) & done; wait' >/dev/null 2>"$T/run2.err" ||
  { fail_plain "docker run of the storm failed" "$(cat "$T/run2.err")"; exit 1; }
sleep 0.5
run_ld capture "$S" -o "$T/storm" --no-freeze --memory all
assert_exit 0 "capture --no-freeze while processes come and go"
assert_running_not_paused "$S" "after the storm capture"
run_ld capture verify "$T/storm"
assert_exit 0 "verify of the storm bundle"
n_exited=$(jq '[.[] | select(.exited)] | length' "$T/storm/processes/index.json" 2>/dev/null)
echo "# storm: $(jq length "$T/storm/processes/index.json" 2>/dev/null) processes recorded, ${n_exited:-?} of them exited during the capture"
assert_true "storm: every process recorded as exited says what was not read" \
  jq_q 'all(.[]; (.exited | not) or ((.exit_note // "") | length > 0))' "$T/storm/processes/index.json"
