#!/usr/bin/env bash
# test_watch_proc.sh — the proc connector fallback of lockdown watch
# (src/runtime/proc_source.c, proc_read.c, process_table.c) on the real
# kernel with a real engine:
#   - through tests/tools/rt_dump --proc (the source's events as JSON lines):
#     a busybox container's shell and the sleep it starts are seen to exec
#     with their command lines, the executable as the container sees it, the
#     right parent, and the container's cgroup ids (the inode of its unified
#     cgroup dir; of its v1 memory dir on hybrid hosts); the sleep's fork and
#     exit are seen with their parent; the source says it is reduced and
#     drops nothing; rt_dump's own pid is never reported; with host events
#     off, a host process is not reported while the container's are;
#   - through `lockdown watch --no-ebpf` (once the command is in the build):
#     a rule on the container's exec fires with the command line, the
#     parent's pid and name (from the process table) and the container id,
#     and the reduced coverage is said on stderr.
# Needs root (the proc connector needs CAP_NET_ADMIN), the engine and
# lockdown-test/busybox:1.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $(id -u) -eq 0 ]] || skip --optional "needs root: the proc connector needs CAP_NET_ADMIN"
require_cmd jq docker
require_image lockdown-test/busybox:1

RT_DUMP=${LOCKDOWN_RT_DUMP:-}
if [[ -z $RT_DUMP ]]; then
  for c in "${LOCKDOWN_BUILD_DIR:-}/tests/tools/rt_dump" "$(dirname "${LOCKDOWN:-/nonexistent}")/tests/tools/rt_dump"; do
    [[ -x $c ]] && { RT_DUMP=$c; break; }
  done
fi
if [[ ! -x $RT_DUMP ]]; then
  fail_plain "tests/tools/rt_dump not found next to LOCKDOWN_BIN='${LOCKDOWN:-}' (build target rt_dump)"
  exit 1
fi

tag=$$-$RANDOM
# markers the containers' sleeps carry in their command lines: busybox sleep
# takes fractions, and refuses (exits at once) any argument that is not a
# number, so the marker is a number of its own
M1=2.$((RANDOM % 90000 + 10000))
M2=1.$((RANDOM % 90000 + 10000))
M3=1.$((RANDOM % 90000 + 10000))
C1=ldproc-e2e-a-$tag
C2=ldproc-e2e-b-$tag
C3=ldproc-e2e-c-$tag
ld_on_exit "docker rm -f $C1 $C2 $C3"

# ---- rt_dump --proc in the background -------------------------------------------
DUMP_PID=
READY=$LD_TMP/ready
start_dump() { # start_dump OUT [RT_DUMP ARGS...] — returns once subscribed ($READY exists)
  local out=$1 i
  shift
  rm -f "$READY"
  "$RT_DUMP" --proc --ready-file "$READY" "$@" >"$out" 2>"$out.err" &
  DUMP_PID=$!
  for ((i = 0; i < 100; i++)); do
    [[ -e $READY ]] && return 0
    kill -0 "$DUMP_PID" 2>/dev/null || break
    sleep 0.1
  done
  wait "$DUMP_PID" 2>/dev/null
  DUMP_PID=
  fail_plain "rt_dump --proc did not subscribe" "$(head -n 5 "$out.err")"
  exit 1
}
stop_dump() {
  [[ -n $DUMP_PID ]] || return 0
  LAST_DUMP_PID=$DUMP_PID
  kill -INT "$DUMP_PID" 2>/dev/null
  wait "$DUMP_PID" 2>/dev/null
  DUMP_PID=
}
ld_on_exit '[[ -n $DUMP_PID ]] && kill -INT $DUMP_PID'

# The container's init pid, its v2 cgroup dir's inode and its v1 memory
# dir's inode (0 when the host has no v1 memory hierarchy), read from
# /proc/PID/cgroup while it runs.
container_facts() { # container_facts NAME -> sets C_PID C_ID C_CG2 C_CG1
  local name=$1 line path mount
  C_PID=$(docker inspect -f '{{.State.Pid}}' "$name")
  C_ID=$(docker inspect -f '{{.Id}}' "$name")
  C_CG2=0 C_CG1=0
  while IFS= read -r line; do
    path=${line#*:*:}
    case $line in
      0::*)
        mount=/sys/fs/cgroup
        [[ -e /sys/fs/cgroup/unified/cgroup.controllers ]] && mount=/sys/fs/cgroup/unified
        C_CG2=$(stat -c %i "$mount${path%/}")
        ;;
      *:memory:* | *:*,memory:* | *:memory,*:*)
        [[ -d /sys/fs/cgroup/memory ]] && C_CG1=$(stat -c %i "/sys/fs/cgroup/memory${path%/}")
        ;;
    esac
  done <"/proc/$C_PID/cgroup"
}

count() { # count FILE JQ_CONDITION [--argjson NAME VALUE]...
  local file=$1 cond=$2
  shift 2
  jq -c "$@" "select(.type and ($cond))" "$file" | wc -l
}

# ---- 1. one container's processes ---------------------------------------------------
OUT=$LD_TMP/dump1.jsonl
start_dump "$OUT"
docker run -d --name "$C1" lockdown-test/busybox:1 sh -c "sleep 1; /bin/sleep $M1; exit 0" >/dev/null 2>"$LD_TMP/run.err" ||
  { fail_plain "docker run failed" "$(cat "$LD_TMP/run.err")"; exit 1; }
container_facts "$C1"
echo "# container $C1: init pid $C_PID, cgroup v2 inode $C_CG2, v1 memory inode $C_CG1"
assert_eq 0 "$(docker wait "$C1")" "the container ran to its end"
sleep 0.5
stop_dump
STATS=$(jq -c 'select(.stats)' "$OUT" | tail -n 1)
jq -e '.stats' <<<"$STATS" >/dev/null || { fail_plain "rt_dump printed no statistics" "$(tail -n 3 "$OUT.err")"; exit 1; }

init_exec=$(jq -c --argjson p "$C_PID" 'select(.type == "execve" and .pid == $p)' "$OUT" | tail -n 1)
assert_eq "sh -c sleep 1; /bin/sleep $M1; exit 0" "$(jq -r .cmdline <<<"$init_exec")" \
  "the container's shell: its command line"
assert_eq "/bin/busybox" "$(jq -r .exepath <<<"$init_exec")" "the shell's executable, as the container sees it"
assert_eq "$C_CG2" "$(jq -r .cgroup_id <<<"$init_exec")" "the shell's cgroup id is the inode of the container's unified cgroup dir"
if [[ $C_CG1 != 0 ]]; then
  assert_eq "$C_CG1" "$(jq -r .cgroup_v1_id <<<"$init_exec")" "the shell's cgroup_v1_id is the inode of its memory cgroup dir"
else
  skip_part --optional "no v1 memory hierarchy on this host: cgroup_v1_id not checked"
fi

sleep_exec=$(jq -c --arg c "/bin/sleep $M1" 'select(.type == "execve" and .cmdline == $c)' "$OUT")
assert_eq 1 "$(grep -c . <<<"$sleep_exec")" "the sleep's exec is seen once"
SLEEP_PID=$(jq -r .pid <<<"$sleep_exec" | head -n 1)
assert_eq "$C_PID" "$(jq -r .ppid <<<"$sleep_exec" | head -n 1)" "the sleep's parent is the container's shell"
assert_eq "$C_CG2" "$(jq -r .cgroup_id <<<"$sleep_exec" | head -n 1)" "the sleep runs in the container's cgroup"
assert_eq "/bin/busybox" "$(jq -r .exepath <<<"$sleep_exec" | head -n 1)" "the sleep's executable"
assert_eq 1 "$(count "$OUT" '.type == "clone" and .pid == $s and .ppid == $p' --argjson s "$SLEEP_PID" --argjson p "$C_PID")" \
  "the fork of the sleep is seen, with its parent"
assert_eq 1 "$(count "$OUT" '.type == "procexit" and .pid == $s and .ppid == $p' --argjson s "$SLEEP_PID" --argjson p "$C_PID")" \
  "the exit of the sleep is seen, with its parent"
assert_eq 1 "$(count "$OUT" '.type == "procexit" and .pid == $p' --argjson p "$C_PID")" "the exit of the container's shell is seen"
assert_eq 0 "$(count "$OUT" '.pid == $me' --argjson me "$LAST_DUMP_PID")" "rt_dump's own pid is never reported (self_pid)"
assert_eq '"proc-connector"' "$(jq -c .stats.source <<<"$STATS")" "the source is the proc connector"
assert_eq true "$(jq .stats.reduced <<<"$STATS")" "the proc connector says its coverage is reduced"
assert_true "the coverage says what is not seen" grep -q "no file, network, ptrace, mount or module events" "$OUT.err"
assert_eq 0 "$(jq .stats.dropped <<<"$STATS")" "nothing dropped"
received=$(jq .stats.received <<<"$STATS")
lines=$(count "$OUT" 'true')
assert_eq "$received" "$lines" "every event received was delivered (received == event lines)"

# ---- 2. host events off ------------------------------------------------------------
OUT=$LD_TMP/dump2.jsonl
start_dump "$OUT" --no-host
docker run -d --name "$C2" lockdown-test/busybox:1 sh -c "sleep 1; /bin/sleep $M2; exit 0" >/dev/null
container_facts "$C2"
sh -c 'sleep 0.5; exit 0' proc-e2e-host-$tag
assert_eq 0 "$(docker wait "$C2")" "the second container ran to its end"
sleep 0.3
stop_dump
assert_eq 1 "$(count "$OUT" '.type == "execve" and .cmdline == $c' --arg c "/bin/sleep $M2")" \
  "host events off: the container's exec is reported"
assert_eq 0 "$(count "$OUT" '(.cmdline // "") | contains("proc-e2e-host-")')" \
  "host events off: the host shell is not reported"
V2_MOUNT=/sys/fs/cgroup
[[ -e /sys/fs/cgroup/unified/cgroup.controllers ]] && V2_MOUNT=/sys/fs/cgroup/unified
ROOT_CG=$(stat -c %i "$V2_MOUNT")
# On hybrid hosts runc joins the container's cgroups one hierarchy at a
# time: for a moment its v1 memory cgroup is the container's while its v2
# cgroup is still the root. Such an event is the container's, not the host's.
assert_eq 0 "$(count "$OUT" '.cgroup_id == $root and (.cgroup_v1_id == 0 or .cgroup_v1_id != $c1)' \
  --argjson root "$ROOT_CG" --argjson c1 "$C_CG1")" \
  "host events off: nothing from the host's root cgroup"

# ---- 3. lockdown watch --no-ebpf ------------------------------------------------------
if [[ -x ${LOCKDOWN:-} ]] && "$LOCKDOWN" watch --help >/dev/null 2>&1; then
  RULES=$LD_TMP/rules.yaml
  cat >"$RULES" <<'EOF'
- rule: proc e2e sleep
  desc: the sleep the test container starts
  condition: evt.type = execve and container.id != host and proc.cmdline contains "sleep MARK"
  output: "sleep started (cmdline=%proc.cmdline parent=%proc.pname ppid=%proc.ppid container=%container.id)"
  priority: NOTICE
EOF
  sed -i "s/MARK/$M3/" "$RULES"
  ALERTS=$LD_TMP/alerts.jsonl
  "$LOCKDOWN" watch --no-ebpf --no-default-rules --rules "$RULES" --output "$ALERTS" \
    --duration 15 --stats-interval 0 2>"$LD_TMP/watch.err" &
  WATCH_PID=$!
  ld_on_exit "kill -INT $WATCH_PID"
  for ((i = 0; i < 100; i++)); do
    grep -q "watching with" "$LD_TMP/watch.err" && break
    kill -0 "$WATCH_PID" 2>/dev/null || break
    sleep 0.1
  done
  if grep -q "watching with proc-connector" "$LD_TMP/watch.err"; then
    docker run -d --name "$C3" lockdown-test/busybox:1 sh -c "sleep 1; /bin/sleep $M3; exit 0" >/dev/null
    container_facts "$C3"
    docker wait "$C3" >/dev/null
    sleep 0.5
    kill -INT "$WATCH_PID"
    wait "$WATCH_PID"
    rc=$?
    assert_eq 0 "$rc" "lockdown watch --no-ebpf stops with 0 on SIGINT"
    assert_true "the reduced coverage is said on stderr" grep -q "reduced coverage" "$LD_TMP/watch.err"
    alerts=$(jq -c --arg c "/bin/sleep $M3" 'select(.rule.name == "proc e2e sleep" and .process.command_line == $c)' "$ALERTS")
    assert_eq 1 "$(grep -c . <<<"$alerts")" "watch: the rule fired once on the sleep's exec"
    alert=$(head -n 1 <<<"$alerts")
    assert_eq "$C_PID" "$(jq -r '.process.parent.pid' <<<"$alert")" "watch: the alert's parent pid is the container's shell"
    assert_eq "sh" "$(jq -r '.process.parent.name' <<<"$alert")" "watch: the parent's name, from the process table"
    assert_eq "$C_ID" "$(jq -r '.container.id' <<<"$alert")" "watch: the alert names the container (cgroup id mapped)"
  else
    kill -INT "$WATCH_PID" 2>/dev/null
    wait "$WATCH_PID" 2>/dev/null
    fail_plain "lockdown watch --no-ebpf did not start watching" "$(head -n 5 "$LD_TMP/watch.err")"
  fi
else
  skip_part "lockdown watch is not in this build (src/cli/cmd_watch.c): the watch part did not run"
fi
