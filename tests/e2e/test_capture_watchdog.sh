#!/usr/bin/env bash
# test_capture_watchdog.sh — the freeze watchdog of `lockdown capture`
# (src/forensics/freeze.c): whatever happens to lockdown while the container
# is frozen, the container is thawed.
#   1. the default method (the cgroup freezer): lockdown is SIGKILLed the
#      moment the kernel says the container is frozen -> the watchdog sees
#      its pipe close and thaws it at once, well before the deadline, then
#      exits; the engine never shows the container paused; the bundle left
#      behind has no manifest;
#   2. --freeze-method engine (the engine's pause): lockdown's whole process
#      group is SIGKILLed -> the watchdog, in its own session, survives it and
#      unpauses the container;
#   3. the deadline: lockdown is stopped (SIGSTOP) while the container is
#      frozen -> the watchdog thaws it when --freeze-deadline passes although
#      lockdown is still there; continued, lockdown finishes and the manifest
#      says the watchdog thawed.
# The capture is made long with --memory all on a container holding 256 MiB
# (bench/memhog.c, built static). Needs root, the engine,
# lockdown-test/busybox:1 and gcc with a static libc.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/capture_lib.sh"

[[ $(id -u) -eq 0 ]] || skip --optional "needs root: capture reads /proc/PID/mem and the cgroup freezer"
require_cmd jq docker gcc setsid
require_image lockdown-test/busybox:1
if ! "$LOCKDOWN" capture --help >/dev/null 2>&1; then
  fail_plain "'lockdown capture' is not in this build ($LOCKDOWN)"
  _ld_explicit_exit=1
  exit 1
fi

T=$LD_TMP
tag=$$-$RANDOM
C=ldcap-wd-$tag
LPID=''
ld_on_exit '[[ -n $LPID ]] && kill -KILL $LPID'
ld_on_exit "cap_force_thaw $C"
ld_on_exit "docker rm -f $C"

mkdir -p "$T/hog"
gcc -static -O2 -o "$T/hog/memhog" "$LD_REPO/bench/memhog.c" 2>"$T/gcc.err" ||
  { fail_plain "cannot build bench/memhog.c static" "$(head -n 5 "$T/gcc.err")"; exit 1; }
docker run -d --name "$C" -v "$T/hog:/hog:ro" lockdown-test/busybox:1 /hog/memhog 256 >/dev/null 2>"$T/run.err" ||
  { fail_plain "docker run failed" "$(cat "$T/run.err")"; exit 1; }
for ((i = 0; i < 200; i++)); do
  docker logs "$C" 2>/dev/null | grep -q '^ready' && break
  sleep 0.1
done
docker logs "$C" 2>/dev/null | grep -q '^ready' || { fail_plain "memhog did not get ready" "$(docker logs "$C" 2>&1 | tail -n 3)"; exit 1; }
cap_cgroup_dirs "$C"
echo "# container $C: init $CAP_PID; freezers v1 '$CAP_V1' v2 '$CAP_V2'"
if [[ -z $CAP_V1 && -z $CAP_V2 ]]; then
  skip_part --optional "no cgroup freezer on this host (neither v1 freezer nor cgroup.freeze): case 1 and 3 freeze with the engine"
fi

# start_capture OUT DEADLINE [ARGS...] — lockdown capture in the background
# in a session of its own (setsid execs it: $! is lockdown); LPID
start_capture() {
  local out=$1 deadline=$2
  shift 2
  setsid "$LOCKDOWN" capture "$C" -o "$out" --memory all --freeze-deadline "$deadline" "$@" \
    >"$out.stdout" 2>"$out.stderr" &
  LPID=$!
}

# wait_frozen SECONDS — true once a freezer holds the container (polled
# every 5 ms); false when lockdown ended first or the time passed
wait_frozen() {
  local end=$((SECONDS + $1))
  while ((SECONDS < end)); do
    cap_is_frozen && return 0
    kill -0 "$LPID" 2>/dev/null || return 1
    sleep 0.005
  done
  return 1
}

# wait_thawed SECONDS — prints the seconds it took (two decimals) once no
# freezer holds the container and the engine does not show it paused;
# returns 1 after SECONDS
wait_thawed() {
  local start now paused
  start=$(date +%s.%N)
  while :; do
    now=$(date +%s.%N)
    if [[ $(cap_freezer_report) == THAWED ]]; then
      paused=$(docker inspect -f '{{.State.Paused}}' "$C" 2>/dev/null)
      if [[ $paused == false ]]; then
        awk -v a="$start" -v b="$now" 'BEGIN {printf "%.2f", b - a}'
        return 0
      fi
    fi
    awk -v a="$start" -v b="$now" -v l="$1" 'BEGIN {exit !(b - a > l)}' && return 1
    sleep 0.02
  done
}

# watchdog_pids — lockdown's children (the watchdog) while it runs
watchdog_pids() { ps -o pid= --ppid "$LPID" 2>/dev/null | tr -d ' '; }

# gone_within SECONDS PID... — true when every PID has exited within SECONDS
gone_within() {
  local limit=$1 i p alive
  shift
  for ((i = 0; i < limit * 10; i++)); do
    alive=0
    for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done
    ((alive)) || return 0
    sleep 0.1
  done
  return 1
}

# ---- 1. SIGKILL to lockdown (default method) -----------------------------------
DEADLINE=20
B=$T/b-kill
start_capture "$B" "$DEADLINE"
if wait_frozen 60; then
  dogs=$(watchdog_pids)
  how=$(cap_freezer_report)
  assert_eq "$(readlink -f "$LOCKDOWN")" "$(readlink "/proc/$LPID/exe")" "the pid killed is lockdown's"
  kill -KILL "$LPID"
  wait "$LPID" 2>/dev/null
  rc=$?
  LPID=''
  assert_eq 137 "$rc" "lockdown was killed by SIGKILL while the container was frozen ($how)"
  if took=$(wait_thawed "$DEADLINE"); then
    pass "SIGKILL: the container was thawed ${took} s after lockdown died (deadline $DEADLINE s)"
    assert_true "SIGKILL: the thaw came from the closed pipe, not the deadline (${took} s < $((DEADLINE / 2)) s)" \
      awk -v t="$took" -v l="$((DEADLINE / 2))" 'BEGIN {exit !(t < l)}'
  else
    fail_plain "SIGKILL: the container is still frozen $DEADLINE s after lockdown died" "$(cap_freezer_report)"
    cap_force_thaw "$C" # so that the checks and cases after this one do not wedge the engine
  fi
  assert_running_not_paused "$C" "after lockdown was SIGKILLed"
  if [[ -n $dogs ]]; then
    # shellcheck disable=SC2086 # a list of pids
    assert_true "SIGKILL: the watchdog (pid $dogs) exits once it has thawed" gone_within 10 $dogs
  else
    fail_plain "SIGKILL: lockdown had no child (the watchdog) while the container was frozen"
  fi
  assert_false "SIGKILL: the bundle of the killed capture has no manifest" test -e "$B/manifest.json"
else
  fail_plain "the container was never frozen by capture (default method)" "$(tail -n 5 "$B.stderr")"
  [[ -n $LPID ]] && { kill -KILL "$LPID"; wait "$LPID"; LPID=''; }
  assert_running_not_paused "$C" "after the capture that did not freeze"
fi

# ---- 2. SIGKILL to lockdown's process group, --freeze-method engine -------------
B=$T/b-engine
start_capture "$B" "$DEADLINE" --freeze-method engine
if wait_frozen 60; then
  for ((i = 0; i < 100; i++)); do
    [[ $(docker inspect -f '{{.State.Paused}}' "$C") == true ]] && break
    sleep 0.02
  done
  assert_eq true "$(docker inspect -f '{{.State.Paused}}' "$C")" "--freeze-method engine: the engine shows the container paused"
  dogs=$(watchdog_pids)
  kill -KILL -- "-$LPID"
  wait "$LPID" 2>/dev/null
  rc=$?
  LPID=''
  assert_eq 137 "$rc" "lockdown's process group was killed by SIGKILL while paused"
  if took=$(wait_thawed "$DEADLINE"); then
    pass "engine: the container was unpaused ${took} s after lockdown's group died (deadline $DEADLINE s)"
    assert_true "engine: the unpause came from the closed pipe, not the deadline (${took} s < $((DEADLINE / 2)) s)" \
      awk -v t="$took" -v l="$((DEADLINE / 2))" 'BEGIN {exit !(t < l)}'
  else
    fail_plain "engine: the container is still paused $DEADLINE s after lockdown's group died" \
      "$(docker inspect -f '{{.State.Status}} paused={{.State.Paused}}' "$C"); $(cap_freezer_report)"
    cap_force_thaw "$C" # so that the checks and cases after this one do not wedge the engine
  fi
  assert_running_not_paused "$C" "after lockdown's group was SIGKILLed (engine pause)"
  if [[ -n $dogs ]]; then
    # shellcheck disable=SC2086 # a list of pids
    assert_true "engine: the watchdog (pid $dogs) survived the group kill and exits once it has unpaused" gone_within 10 $dogs
  else
    fail_plain "engine: lockdown had no child (the watchdog) while the container was paused"
  fi
else
  fail_plain "the container was never paused by capture --freeze-method engine" "$(tail -n 5 "$B.stderr")"
  [[ -n $LPID ]] && { kill -KILL "$LPID"; wait "$LPID"; LPID=''; }
  docker unpause "$C" >/dev/null 2>&1
fi

# ---- 3. the deadline: lockdown stopped while frozen ------------------------------
SHORT=3
B=$T/b-stop
start_capture "$B" "$SHORT"
if wait_frozen 60; then
  # stopped once lockdown is past the freeze (its first frozen artifact is
  # there), not while it still waits for the freeze to settle
  for ((i = 0; i < 2000; i++)); do
    [[ -d $B/processes ]] && break
    sleep 0.005
  done
  kill -STOP "$LPID"
  if took=$(wait_thawed $((SHORT + 10))); then
    pass "deadline: the container was thawed ${took} s after lockdown stopped (--freeze-deadline $SHORT)"
    assert_true "deadline: thawed at the deadline ($((SHORT - 1)) s <= ${took} s <= $((SHORT + 2)) s)" \
      awk -v t="$took" -v lo="$((SHORT - 1))" -v hi="$((SHORT + 2))" 'BEGIN {exit !(t >= lo && t <= hi)}'
    assert_eq T "$(awk '{print $3}' "/proc/$LPID/stat" 2>/dev/null)" "deadline: lockdown is still there (stopped) when the watchdog thaws"
  else
    fail_plain "deadline: the container is still frozen $((SHORT + 10)) s after lockdown stopped" "$(cap_freezer_report)"
    cap_force_thaw "$C" # so that the checks and cases after this one do not wedge the engine
  fi
  assert_running_not_paused "$C" "after the watchdog's deadline"
  kill -CONT "$LPID"
  wait "$LPID" 2>/dev/null
  rc=$?
  LPID=''
  assert_eq 0 "$rc" "deadline: lockdown, continued, finishes the capture"
  assert_json_file "$B/manifest.json" '.custody.freeze.thawed_by == "watchdog"' "deadline: the manifest says the watchdog thawed"
  # lockdown was stopped as it began to collect: the 256 MiB core was written
  # (mostly) after the watchdog's thaw, so it must not claim to be frozen
  assert_json_file "$B/manifest.json" \
    '[.artifacts[] | select(.kind == "memory-core")] | length > 0 and all(.frozen == false)' \
    "deadline: the cores written after the watchdog's thaw are not marked frozen"
  assert_running_not_paused "$C" "after the continued capture ended"
else
  fail_plain "the container was never frozen by capture (deadline case)" "$(tail -n 5 "$B.stderr")"
  [[ -n $LPID ]] && { kill -KILL "$LPID"; wait "$LPID"; LPID=''; }
fi
