#!/usr/bin/env bash
# watch_lib.sh — helpers for the end-to-end tests of `lockdown watch`
# (tests/e2e/test_watch_*.sh): build the fixture programs, run a watcher in
# the background with a JSON-lines output file, wait until it says it is
# watching, stop it with a signal, and query its alerts and statistics with
# jq. Source it after lib.sh:
#
#   source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"
#   source "$LOCKDOWN_SOURCE_DIR/tests/e2e/watch_lib.sh"
#   watch_build_fixtures "$LD_TMP/fx" || exit 1
#   watch_start main || exit 1           # $LD_TMP/main.json, $LD_TMP/main.stderr
#   ... make things happen ...
#   watch_wait_for main '.rule.name == "Shell spawned in container"' 15
#   watch_stop main                      # SIGTERM; WATCH_EXIT, WATCH_SECONDS
#   watch_count main '.rule.name == "X" and .container.name == "c"'
#
# A watcher named NAME writes its alerts and statistics to $LD_TMP/NAME.json
# and its stderr to $LD_TMP/NAME.stderr; its pid is in WATCH_PIDS[NAME].
# Every watcher still running when the test ends is stopped (ld_on_exit).
# Queries read the file line by line and skip a line that is not complete
# JSON yet (the watcher may be writing it), so they are safe while it runs.

# shellcheck disable=SC2034 # WATCH_EXIT, WATCH_SECONDS: read by the tests that source this file
if [[ -n ${_LD_WATCH_LIB_LOADED:-} ]]; then return 0; fi
_LD_WATCH_LIB_LOADED=1

WATCH_READY_TIMEOUT=${WATCH_READY_TIMEOUT:-30} # seconds until "watching with"
WATCH_STOP_TIMEOUT=${WATCH_STOP_TIMEOUT:-20}   # seconds a watcher may take to stop
WATCH_FIXTURES="tests/e2e/fixtures/watch"
declare -A WATCH_PIDS=()
WATCH_EXIT='' WATCH_SECONDS=''

# watch_build_fixtures DIR [NAME...] — compiles the fixtures (all, or the
# NAMEs; static, so they run in any image; two compilers at a time) into DIR
# (mode 0755, so a non-root container user reaches it); when setuid_root is
# built, DIR/setuid_root_s is a setuid-root copy of it. Returns 1 (with a
# failure reported) when a compile fails.
watch_build_fixtures() {
  local dir=$1 name rc=0 n=0
  shift
  local names=("$@")
  if ((${#names[@]} == 0)); then
    for name in "$LD_REPO/$WATCH_FIXTURES"/*.c; do names+=("$(basename "$name" .c)"); done
  fi
  mkdir -p "$dir" && chmod 0755 "$dir" || return 1
  local pids=()
  for name in "${names[@]}"; do
    gcc -static -O2 -Wall -Wextra -o "$dir/$name" "$LD_REPO/$WATCH_FIXTURES/$name.c" >"$dir/$name.log" 2>&1 &
    pids+=($!)
    if ((++n % 2 == 0)); then wait "${pids[@]}"; pids=(); fi
  done
  ((${#pids[@]} == 0)) || wait "${pids[@]}" # only the compilers: a watcher may run in the background
  for name in "${names[@]}"; do
    if [[ ! -x $dir/$name ]]; then
      fail_plain "fixture $name does not compile with gcc -static" "$(head -n 20 "$dir/$name.log")"
      rc=1
    fi
  done
  if [[ -x $dir/setuid_root ]]; then
    cp "$dir/setuid_root" "$dir/setuid_root_s" && chmod 4755 "$dir/setuid_root_s"
  fi
  return $rc
}

# watch_start NAME [ARG...] — starts `lockdown watch --output $LD_TMP/NAME.json
# --stats-interval 0 ARG...` in the background and waits until its stderr
# says "watching with" (or until it dies / WATCH_READY_TIMEOUT). Returns 0
# when it is watching; else reports a failure with its stderr and returns 1.
watch_start() {
  local name=$1 i
  shift
  local out=$LD_TMP/$name.json errf=$LD_TMP/$name.stderr
  : >"$errf"
  "$LOCKDOWN" watch --output "$out" --stats-interval 0 "$@" 2>"$errf" >"$LD_TMP/$name.stdout" &
  WATCH_PIDS[$name]=$!
  ld_on_exit "watch_kill $name"
  for ((i = 0; i < WATCH_READY_TIMEOUT * 10; i++)); do
    if grep -q 'watching with' "$errf"; then
      return 0
    fi
    if ! kill -0 "${WATCH_PIDS[$name]}" 2>/dev/null; then
      wait "${WATCH_PIDS[$name]}"
      fail_plain "watcher '$name' exited with status $? before it was watching: $LOCKDOWN watch $*" \
        "stderr: $(head -n 20 "$errf")"
      unset "WATCH_PIDS[$name]"
      return 1
    fi
    sleep 0.1
  done
  fail_plain "watcher '$name' did not say 'watching with' within ${WATCH_READY_TIMEOUT}s" \
    "stderr: $(head -n 20 "$errf")"
  return 1
}

# watch_stop NAME [SIGNAL] — sends SIGNAL (default TERM), waits for the exit
# (WATCH_STOP_TIMEOUT, then SIGKILL and a failure). Sets WATCH_EXIT and
# WATCH_SECONDS (how long the stop took).
watch_stop() {
  local name=$1 sig=${2:-TERM} pid=${WATCH_PIDS[$1]:-} t0 i
  WATCH_EXIT='' WATCH_SECONDS=''
  [[ -n $pid ]] || { fail_plain "watcher '$name' is not running"; return 1; }
  t0=$(date +%s.%N)
  kill "-$sig" "$pid" 2>/dev/null
  for ((i = 0; i < WATCH_STOP_TIMEOUT * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    fail_plain "watcher '$name' did not stop within ${WATCH_STOP_TIMEOUT}s of SIG$sig"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid"
  WATCH_EXIT=$?
  WATCH_SECONDS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
  unset "WATCH_PIDS[$name]"
  return 0
}

# watch_wait_exit NAME TIMEOUT — waits for a watcher that stops by itself
# (--duration); WATCH_EXIT as watch_stop, or a failure after TIMEOUT seconds.
watch_wait_exit() {
  local name=$1 timeout=$2 pid=${WATCH_PIDS[$1]:-} i
  WATCH_EXIT=''
  for ((i = 0; i < timeout * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    fail_plain "watcher '$name' still running after ${timeout}s"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid"
  WATCH_EXIT=$?
  unset "WATCH_PIDS[$name]"
}

watch_kill() { # watch_kill NAME — at exit: a watcher still running is killed
  local pid=${WATCH_PIDS[$1]:-}
  [[ -n $pid ]] || return 0
  kill -TERM "$pid" 2>/dev/null
  sleep 1
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

watch_file() { echo "$LD_TMP/$1.json"; }
watch_stderr() { echo "$LD_TMP/$1.stderr"; }

# watch_alerts NAME [JQ_CONDITION] — the alert objects (one per line, compact)
# whose condition holds (default: all alerts).
watch_alerts() {
  local f=$LD_TMP/$1.json cond=${2:-true}
  [[ -f $f ]] || return 0
  jq -c -R --unbuffered "fromjson? | select(.event.kind == \"alert\") | select(try ($cond) catch false)" "$f" 2>/dev/null
}

# watch_count NAME [JQ_CONDITION] — how many alerts match.
watch_count() { watch_alerts "$@" | wc -l | tr -d ' '; }

# watch_stats NAME — the last statistics record (compact JSON), if any.
watch_stats() {
  local f=$LD_TMP/$1.json
  [[ -f $f ]] || return 0
  jq -c -R 'fromjson? | select(.event.kind == "metric")' "$f" 2>/dev/null | tail -n 1
}

# watch_wait_for NAME JQ_CONDITION TIMEOUT — waits until an alert matches;
# returns 1 when none did in time (no failure reported: the caller asserts).
watch_wait_for() {
  local name=$1 cond=$2 timeout=$3 i
  for ((i = 0; i < timeout * 5; i++)); do
    [[ $(watch_count "$name" "$cond") -gt 0 ]] && return 0
    sleep 0.2
  done
  return 1
}

# watch_eval NAME JQ_PROGRAM — runs JQ_PROGRAM once on the array of all
# alerts (compact output): one jq process however many questions.
watch_eval() {
  local f=$LD_TMP/$1.json
  [[ -f $f ]] || f=/dev/null
  jq -R -s -c "[split(\"\n\")[] | fromjson? | select(.event.kind == \"alert\")] | $2" "$f"
}

# watch_wait_all NAME TIMEOUT JQ_CONDITION... — waits until every condition
# is met by some alert (one jq run per poll); returns 1 when time ran out.
watch_wait_all() {
  local name=$1 timeout=$2 c prog='' i
  shift 2
  for c in "$@"; do prog+="${prog:+ and }any(.[]; try ($c) catch false)"; done
  for ((i = 0; i < timeout * 4; i++)); do
    [[ $(watch_eval "$name" "${prog:-true}" 2>/dev/null) == true ]] && return 0
    sleep 0.25
  done
  return 1
}

# watch_image_is IMAGE — a jq condition: the alert's container image is
# IMAGE ("repo:tag"), written as ECS container.image.name (+ .tag, a string
# or ECS's array of strings).
watch_image_is() {
  local image=$1
  printf '((.container.image.name // "") + ((.container.image.tag // "") | if type == "array" then (if length > 0 then ":" + .[0] else "" end) elif . == "" then "" else ":" + . end)) == %s' \
    "$(jq -Rn --arg v "$image" '$v')"
}

# watch_describe NAME RULE CONTAINER — a few lines for a failure message: the
# alerts of RULE (container and process), and the alerts naming CONTAINER.
watch_describe() {
  local name=$1 rule=$2 ct=$3
  echo "alerts of rule '$rule' ($(watch_count "$name" ".rule.name == $(jq -Rn --arg v "$rule" '$v')")):"
  watch_alerts "$name" ".rule.name == $(jq -Rn --arg v "$rule" '$v')" | head -n 5 |
    jq -r '"  container.name=\(.container.name // "-") container.id=\(.container.id // "-" | .[0:12]) image=\(.container.image // "-" | tojson) process=\(.process.name // "-") exe=\(.process.executable // "-") file=\(.file.path // "-") dest=\(.destination.ip // "-"):\(.destination.port // "-") evt=\(.lockdown.evt.type // "-")"'
  echo "alerts naming container '$ct' ($(watch_count "$name" ".container.name == $(jq -Rn --arg v "$ct" '$v')")):"
  watch_alerts "$name" ".container.name == $(jq -Rn --arg v "$ct" '$v')" | head -n 8 |
    jq -r '"  rule=\(.rule.name) process=\(.process.name // "-") evt=\(.lockdown.evt.type // "-")"'
  echo "watcher stderr:"
  sed -e 's/^/  /' "$LD_TMP/$name.stderr" | head -n 12
}
