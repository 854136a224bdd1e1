#!/usr/bin/env bash
# Container attribution of lockdown watch against the real engine, through
# tests/tools/rt_containers (the table of runtime/containers.h as a command:
# JSON lines out, commands in):
#  - a running container's cgroup ids (the inode of its unified dir, and of
#    its v1 memory dir) map to its id, name and image;
#  - a container started after the table was built is announced (an
#    LD_EVT_CONTAINER event) with its --network host / --pid host flags,
#    and its cgroup maps to it; its new name is seen after a rename;
#  - a file written in a container after start is in its writable layer,
#    an image file is not, a deleted image file (a whiteout) is not;
#  - egress: the io.lockdown.egress label, the policy's glob, and a
#    malformed label that fails closed with a note;
#  - an engine that is not there (DOCKER_HOST naming a socket that does not
#    exist): one reason, names unknown, attribution by cgroup path still works.
# Containers are named ldwc-<pid>-* and removed at exit.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TOOL=${LOCKDOWN_BUILD_DIR:-$LD_REPO/build}/tests/tools/rt_containers
[[ -x $TOOL ]] || { fail_plain "rt_containers helper not built at $TOOL"; exit 1; }
require_image lockdown-test/busybox:1
require_cmd jq
[[ $(id -u) == 0 ]] || skip --optional "needs root (cgroup file handles, the engine's writable layers)"

P=ldwc-$$
cleanup() { docker ps -aq --filter "name=^/$P-" | xargs -r docker rm -f >/dev/null 2>&1 || true; }
ld_on_exit cleanup
cleanup

if [[ -d /sys/fs/cgroup/unified ]]; then V2=/sys/fs/cgroup/unified; else V2=/sys/fs/cgroup; fi
V1=/sys/fs/cgroup/memory
# the container's cgroup directory in a hierarchy (cgroupfs or systemd driver)
cgdir() { # cgdir HIERARCHY ID
  local d
  for d in "$1/docker/$2" "$1/system.slice/docker-$2.scope"; do
    [[ -d $d ]] && { echo "$d"; return 0; }
  done
  return 1
}

# ---- containers running before the table is built ----
docker run -d --name "$P-a" --label 'io.lockdown.egress=10.0.0.0/8:443,*:53' \
  lockdown-test/busybox:1 sleep 120 >/dev/null || { fail_plain "cannot run a container"; exit 1; }
docker run -d --name "$P-bad" --label 'io.lockdown.egress=10.0.0.0/8:443,evil.example.com' \
  lockdown-test/busybox:1 sleep 120 >/dev/null
docker run -d --name "$P-pol" lockdown-test/busybox:1 sleep 120 >/dev/null
ID_A=$(docker inspect -f '{{.Id}}' "$P-a")
ID_BAD=$(docker inspect -f '{{.Id}}' "$P-bad")
ID_POL=$(docker inspect -f '{{.Id}}' "$P-pol")
# written after start; an image file deleted (a whiteout in the upper layer)
docker exec "$P-a" sh -c 'echo dropped > /tmp/dropped && cp /bin/busybox /tmp/bb && rm /etc/group'
UPPER=$(docker inspect -f '{{.GraphDriver.Data.UpperDir}}' "$P-a")
assert_eq "0,0" "$(stat -c '%t,%T' "$UPPER/etc/group" 2>/dev/null)" "rm of an image file left a whiteout in the upper layer"

CG_A=$(cgdir "$V2" "$ID_A") || fail_plain "no v2 cgroup directory for $ID_A under $V2"
INO_A=$(stat -c %i "$CG_A")

# ---- the table, then commands while containers start and change ----
OUT=$LD_TMP/out.jsonl
FIFO=$LD_TMP/in.fifo
mkfifo "$FIFO"
"$TOOL" --seconds 40 --egress 'ldwc-*-pol=192.168.7.0/24:5432' <"$FIFO" >"$OUT" 2>"$LD_TMP/err" &
TOOL_PID=$!
exec 3>"$FIFO"
send() { echo "$*" >&3; }

# waits until a line matches the jq filter; prints it
wait_line() { # wait_line JQ [SECONDS]
  local i
  for ((i = 0; i < ${2:-10} * 10; i++)); do
    local hit
    hit=$(jq -c "select($1)" "$OUT" 2>/dev/null | tail -n 1)
    [[ -n $hit ]] && { echo "$hit"; return 0; }
    sleep 0.1
  done
  return 1
}

init=$(wait_line '.type == "init"') || fail_plain "rt_containers did not start" "$(cat "$LD_TMP/err")"
assert_eq null "$(jq -r .err <<<"$init")" "the engine answered when the table was built"
wait_line '.type == "table_end"' >/dev/null
row=$(jq -c --arg id "$ID_A" 'select(.type == "container" and .container.id == $id) | .container' "$OUT")
assert_eq "$P-a" "$(jq -r .name <<<"$row")" "listed container has its name"
assert_eq "lockdown-test/busybox:1" "$(jq -r .image <<<"$row")" "listed container has its image"
assert_eq docker "$(jq -r .runtime <<<"$row")" "runtime from the cgroup path"
assert_eq "$UPPER" "$(jq -r .upperdir <<<"$row")" "writable layer from the engine"

send lookup "$INO_A" 0
hit=$(wait_line ".type == \"lookup\" and .cgroup_id == $INO_A") || fail_plain "no answer to lookup"
assert_eq "$ID_A" "$(jq -r .container.id <<<"$hit")" "v2 cgroup id (inode of $CG_A) maps to the container"
assert_eq "$P-a" "$(jq -r .container.name <<<"$hit")" "... with its name"
assert_eq "lockdown-test/busybox:1" "$(jq -r .container.image <<<"$hit")" "... and its image"
if CG1_A=$(cgdir "$V1" "$ID_A"); then
  INO1_A=$(stat -c %i "$CG1_A")
  send lookup 0 "$INO1_A"
  hit=$(wait_line ".type == \"lookup\" and .cgroup_v1_id == $INO1_A")
  assert_eq "$ID_A" "$(jq -r .container.id <<<"$hit")" "v1 memory cgroup id maps to the container"
else
  echo "# no cgroup v1 memory hierarchy on this host: v1 ids not checked (nothing to check)"
fi
INO_HOST=$(stat -c %i "$V2")
send lookup "$INO_HOST" 0
hit=$(wait_line ".type == \"lookup\" and .cgroup_id == $INO_HOST")
assert_eq host "$(jq -r .container.id <<<"$hit")" "the root cgroup is the host"

# the writable layer
send upper "$ID_A" /tmp/dropped
send upper "$ID_A" /tmp/bb
send upper "$ID_A" /bin/busybox
send upper "$ID_A" /etc/group
send upper "$ID_A" /tmp/../../etc/passwd
hit=$(wait_line '.type == "upper" and .path == "/tmp/../../etc/passwd"') || fail_plain "no answer to upper"
up() { jq -r --arg p "$1" 'select(.type == "upper" and .path == $p) | .in_upper' "$OUT" | tail -n 1; }
assert_eq true "$(up /tmp/dropped)" "a file written after start is in the writable layer"
assert_eq true "$(up /tmp/bb)" "a binary copied in after start is in the writable layer"
assert_eq false "$(up /bin/busybox)" "an image file is not"
assert_eq false "$(up /etc/group)" "a deleted image file (whiteout) is not present"
assert_eq false "$(up /tmp/../../etc/passwd)" "a path climbing out of the layer is refused"

# egress: label, malformed label, policy glob
send egress "$ID_A" 10.1.2.3 443
send egress "$ID_A" 10.1.2.3 80
send egress "$ID_A" 8.8.8.8 53
send egress "$ID_BAD" 10.1.2.3 443
send egress "$ID_BAD" 127.0.0.1 8080
send egress "$ID_POL" 192.168.7.9 5432
send egress "$ID_POL" 192.168.8.9 5432
wait_line ".type == \"egress\" and .addr == \"192.168.8.9\"" >/dev/null || fail_plain "no answer to egress"
eg() { jq -r --arg id "$1" --arg a "$2" --argjson p "$3" \
  'select(.type == "egress" and .id == $id and .addr == $a and .port == $p) | .allowed' "$OUT" | tail -n 1; }
assert_eq true "$(eg "$ID_A" 10.1.2.3 443)" "label allows 10.0.0.0/8:443"
assert_eq false "$(eg "$ID_A" 10.1.2.3 80)" "label does not allow port 80"
assert_eq true "$(eg "$ID_A" 8.8.8.8 53)" "label allows *:53"
assert_eq false "$(eg "$ID_BAD" 10.1.2.3 443)" "malformed label: fails closed (what its good part names too)"
assert_eq true "$(eg "$ID_BAD" 127.0.0.1 8080)" "loopback is always allowed"
assert_eq true "$(eg "$ID_POL" 192.168.7.9 5432)" "policy glob on the name allows its destination"
assert_eq false "$(eg "$ID_POL" 192.168.8.9 5432)" "policy glob: other destinations are not"
note=$(wait_line '.type == "note" and (.message | contains("io.lockdown.egress"))' 3) || true
assert_true "malformed label is reported once in a note naming the container" \
  grep -q "$P-bad" <<<"$note"

# a container started after the table: announced with its host namespaces
docker run -d --name "$P-late" --network host --pid host lockdown-test/busybox:1 sleep 120 >/dev/null
ID_L=$(docker inspect -f '{{.Id}}' "$P-late")
ev=$(wait_line ".type == \"container_event\" and .id == \"$ID_L\"") ||
  fail_plain "no container event for $P-late" "$(tail -n 5 "$OUT")"
assert_eq "true true false false" "$(jq -r '"\(.host_network) \(.host_pid) \(.host_ipc) \(.privileged)"' <<<"$ev")" \
  "event carries --network host and --pid host (and not ipc/privileged)"
assert_eq "$P-late" "$(jq -r .name <<<"$ev")" "event names the container"
assert_eq "lockdown-test/busybox:1" "$(jq -r .image <<<"$ev")" "event names its image"
docker run -d --name "$P-plain" lockdown-test/busybox:1 sleep 120 >/dev/null
ID_P=$(docker inspect -f '{{.Id}}' "$P-plain")
ev=$(wait_line ".type == \"container_event\" and .id == \"$ID_P\"")
assert_eq "false false false false" "$(jq -r '"\(.host_network) \(.host_pid) \(.host_ipc) \(.privileged)"' <<<"$ev")" \
  "a plain container's event has no host namespaces"

INO_L=$(stat -c %i "$(cgdir "$V2" "$ID_L")")
send lookup "$INO_L" 0
hit=$(wait_line ".type == \"lookup\" and .cgroup_id == $INO_L")
assert_eq "$ID_L" "$(jq -r .container.id <<<"$hit")" "the new container's cgroup maps to it"
assert_true "the new container's cgroup resolves with its name" test "$(jq -r .container.name <<<"$hit")" = "$P-late"

# a rename is seen
docker rename "$P-late" "$P-renamed"
renamed=""
for _ in $(seq 1 50); do
  send lookup "$INO_L" 0
  sleep 0.2
  if jq -e --arg n "$P-renamed" 'select(.type == "lookup" and .container.name == $n)' "$OUT" >/dev/null; then
    renamed=yes
    break
  fi
done
assert_eq yes "$renamed" "the renamed container's new name is seen"

send quit
exec 3>&-
wait "$TOOL_PID"
assert_eq 0 $? "rt_containers exits 0"
assert_eq "" "$(head -c 2000 "$LD_TMP/err")" "rt_containers wrote nothing to stderr (no sanitizer report)"

# ---- no engine: DOCKER_HOST names a socket that does not exist ----
echo "lookup $INO_A 0" >"$LD_TMP/cmds"
LD_STDIN=$LD_TMP/cmds run_cmd env DOCKER_HOST="unix://$LD_TMP/no-such-docker.sock" "$TOOL" --seconds 2
assert_exit 0
assert_eq "" "$err" "nothing on stderr without the engine"
init=$(jq -c 'select(.type == "init")' <<<"$out")
assert_true "the reason is given once" grep -q "no-such-docker.sock" <<<"$(jq -r .err <<<"$init")"
hit=$(jq -c 'select(.type == "lookup")' <<<"$out")
assert_eq "$ID_A" "$(jq -r .container.id <<<"$hit")" "without the engine the cgroup path still names the container"
assert_eq "null false" "$(jq -r '"\(.container.name) \(.container.known)"' <<<"$hit")" "... with its name unknown"
assert_eq 0 "$(jq -c 'select(.type == "note")' <<<"$out" | wc -l | tr -d ' ')" \
  "no repeated notes while the engine stays away (the reason was given once, at start)"
finish
