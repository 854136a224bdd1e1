#!/usr/bin/env bash
# hostile.sh — the rule every hostile-input case is held to, for the
# tests/e2e/test_hostile_*.sh files (issue 11: no hang, no clobber, no
# terminal injection, bounded everything). Source it after lib.sh:
#
#   source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"
#   source "$LOCKDOWN_SOURCE_DIR/tests/e2e/hostile.sh"
#   hostile_case "db import of a FIFO is refused" 3 10 64 -- db import --db "$d/v.db" "$d/fifo"
#
# hostile_case DESC EXIT SECONDS RSS_MIB -- ARGS... runs lockdown ARGS in the
# case's own work directory ($HOSTILE_DIR, fresh per case; build inputs there
# before the call with hostile_dir NAME) and asserts, each as its own line:
#   - it ends within SECONDS (a timeout is a hang: killed, and a failure);
#   - its exit code is EXIT;
#   - its peak RSS is under RSS_MIB MiB (GNU time's %M);
#   - when EXIT is 2 or 3: exactly one line on stderr (warnings aside), naming
#     what failed;
#   - no control byte from the input reaches stdout or stderr (anything below
#     0x20 other than \n and \t, 0x7f, C1 controls U+0080..U+009F, bidi
#     overrides U+202A..U+202E, U+2066..U+2069);
#   - no file outside the case's work directory changed: every file under
#     $HOSTILE_WATCH (a directory of "user files" the case may point at, made
#     by hostile_watch) keeps its bytes, type and target.
# Under ASan (LOCKDOWN_BIN built with -DLOCKDOWN_SANITIZE=ON) the RSS bound is
# multiplied by 4 (shadow memory), the time bound by 3.
# Variables after a case: LD_EXIT, LD_STDOUT_FILE, LD_STDERR_FILE as in lib.sh.

HOSTILE_DIR=
HOSTILE_WATCH=$LD_TMP/user-files
mkdir -p "$HOSTILE_WATCH"
_hostile_n=0

hostile_dir() { # hostile_dir NAME — a fresh work directory for the next case, in $HOSTILE_DIR
  HOSTILE_DIR=$LD_TMP/case-$1
  rm -rf "$HOSTILE_DIR"
  mkdir -p "$HOSTILE_DIR"
}

_hostile_snapshot() {
  (cd "$HOSTILE_WATCH" && find . -printf '%y %p %l %s\n' | sort &&
    find . -type f -exec sha256sum {} + | sort) 2>/dev/null
}

_hostile_asan() {
  [[ -n ${LOCKDOWN_HOSTILE_ASAN:-} ]] && return 0
  nm -an "$LOCKDOWN" 2>/dev/null | grep -q __asan_init
}

hostile_case() { # hostile_case DESC EXIT SECONDS RSS_MIB -- ARGS...
  local desc=$1 want=$2 secs=$3 rss=$4
  shift 4
  [[ ${1:-} == -- ]] && shift
  _hostile_n=$((_hostile_n + 1))
  [[ -n $HOSTILE_DIR ]] || hostile_dir "$_hostile_n"
  if _hostile_asan; then
    rss=$((rss * 4))
    secs=$((secs * 3))
  fi
  local before after timef=$LD_TMP/.time
  before=$(_hostile_snapshot)
  LD_CMD="lockdown $*"
  (cd "$HOSTILE_DIR" && /usr/bin/time -f '%M' -o "$timef" timeout -s KILL "$secs" \
    "$LOCKDOWN" "$@" >"$LD_STDOUT_FILE" 2>"$LD_STDERR_FILE" </dev/null)
  LD_EXIT=$?
  LD_STDOUT=$(cat "$LD_STDOUT_FILE")
  LD_STDERR=$(cat "$LD_STDERR_FILE")
  after=$(_hostile_snapshot)
  # GNU time reports a killed child as "Command terminated by signal 9"
  if grep -q 'terminated by signal 9' "$timef" 2>/dev/null || [[ $LD_EXIT == 137 ]]; then
    fail "$desc: hangs (still running after ${secs} s, killed)"
    HOSTILE_DIR=
    return 0
  fi
  if [[ $LD_EXIT == "$want" ]]; then
    pass "$desc: exit $want"
  else
    fail "$desc: expected exit $want, got $LD_EXIT"
  fi
  local kib
  kib=$(grep -E '^[0-9]+$' "$timef" | tail -n 1)
  if [[ -n $kib ]] && ((kib < rss * 1024)); then
    pass "$desc: peak RSS $((kib / 1024)) MiB < $rss MiB"
  else
    fail "$desc: peak RSS ${kib:-unknown} KiB, bound $rss MiB"
  fi
  if [[ $want == 2 || $want == 3 ]]; then
    local lines
    lines=$(grep -cv '^lockdown: warning: ' "$LD_STDERR_FILE")
    if [[ $lines == 1 ]]; then
      pass "$desc: one line on stderr"
    else
      fail "$desc: $lines lines on stderr, expected one"
    fi
  fi
  if LC_ALL=C grep -qaP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]' \
    "$LD_STDOUT_FILE" "$LD_STDERR_FILE"; then
    fail "$desc: a control byte reached the terminal"
  else
    pass "$desc: no control byte on stdout or stderr"
  fi
  if [[ $before == "$after" ]]; then
    pass "$desc: no user file changed"
  else
    fail_plain "$desc: a file outside the case's directory changed" \
      "$(diff <(echo "$before") <(echo "$after") | head -n 20)"
  fi
  HOSTILE_DIR=
  return 0
}

hostile_watch() { # hostile_watch NAME CONTENT — a user file cases may point at; returns its path in REPLY
  REPLY=$HOSTILE_WATCH/$1
  printf '%s' "$2" >"$REPLY"
}
