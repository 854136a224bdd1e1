#!/usr/bin/env bash
# lib.sh — a tiny assertion library for lockdown's end-to-end tests
# (tests/e2e/test_*.sh, run by ctest with LOCKDOWN_BIN, LOCKDOWN_SOURCE_DIR and
# LOCKDOWN_BUILD_DIR set). Source it, run the real binary, assert:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   require_engine                      # SKIP (77) without a Docker engine
#   run_ld image scan lockdown-test/busybox:1 --format json
#   assert_exit 0
#   assert_json '.findings | length > 0' 'busybox has findings'
#   assert_stderr_contains 'scanned'
#   command -v python3 >/dev/null || skip_part "no python3: JUnit XML not parsed"
#
# Each assertion prints `ok - ...` or `not ok - ...` (with the command, exit
# status, stdout and stderr on failure) and never aborts the script, so one run
# reports every failure. At exit the library prints `N passed, N failed`
# (followed by `, N skipped` when something was skipped) and exits 1 if
# anything failed (or nothing was asserted, or the script died), 77 (ctest's
# SKIP_RETURN_CODE: "Skipped", not "Passed") if the file or a part of it was
# skipped, else 0.
#
# Skips: `skip REASON` ends the file, `skip_part REASON` records one part that
# did not run (`ok - # SKIP REASON`, counted apart from the passes). A skip is
# never a pass. Where the harness can provide what is missing (install-deps.sh
# --test, tests/harness/*.sh, the npm and Debian registries), a run that must be
# complete (CI=true or CI=1, or LOCKDOWN_TEST_REQUIRE_ALL=1) FAILS instead of
# skipping; `skip --optional` / `skip_part --optional` are for what no harness
# script can provide, and stay skips everywhere.
#
# Variables: LOCKDOWN (binary), LD_REPO (source tree), LD_TMP (a per-test temp
# dir, removed at exit unless LD_KEEP_TMP=1), LOCKDOWN_TOOLS, LOCKDOWN_CACHE;
# scripts/test.sh also exports LOCKDOWN_TEST_ENGINE=1 / LOCKDOWN_TEST_IMAGES=1
# when it brought up the engine / built the images, which turns the require_*
# skips into failures, and LOCKDOWN_DEBIAN_ROOTFS (see require_debian_rootfs);
# after run_ld/run_cmd: LD_CMD, LD_EXIT, LD_STDOUT and LD_STDERR (text; also
# as $out and $err), LD_STDOUT_FILE, LD_STDERR_FILE. TMPDIR_E2E = LD_TMP.

if [[ -n ${_LD_LIB_LOADED:-} ]]; then return 0; fi
_LD_LIB_LOADED=1

LD_REPO=${LOCKDOWN_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
LOCKDOWN_TOOLS=${LOCKDOWN_TOOLS:-$LD_REPO/tests/.tools}
LOCKDOWN_CACHE=${LOCKDOWN_CACHE:-/var/cache/lockdown-test}
LOCKDOWN=${LOCKDOWN_BIN:-}
if [[ -z $LOCKDOWN ]]; then
  for _ld_c in "${LOCKDOWN_BUILD_DIR:-}/lockdown" "$LD_REPO/build/lockdown"; do
    [[ -x $_ld_c ]] && { LOCKDOWN=$_ld_c; break; }
  done
fi
LD_TIMEOUT=${LD_TIMEOUT:-300} # seconds one run_ld / run_cmd may take
LD_DOCKER_SOCK=${LD_DOCKER_SOCK:-/var/run/docker.sock}
export LOCKDOWN LOCKDOWN_TOOLS LOCKDOWN_CACHE

_ld_passed=0
_ld_failed=0
_ld_skipped=0      # skipped parts, plus 1 when the whole rest of the file was skipped
_ld_file_skipped=0 # set by `skip` before its exit 77
_ld_exiting=0
_ld_explicit_exit=0 # set before an `exit 1` that was already reported
LD_CMD='' LD_EXIT='' LD_STDOUT='' LD_STDERR=''
LD_TMP=$(mktemp -d "${TMPDIR:-/tmp}/lockdown-e2e.XXXXXX")
# shellcheck disable=SC2034 # used by the tests that source this file
TMPDIR_E2E=$LD_TMP # alias
LD_STDOUT_FILE=$LD_TMP/.stdout
LD_STDERR_FILE=$LD_TMP/.stderr
: >"$LD_STDOUT_FILE"
: >"$LD_STDERR_FILE"

# ---- reporting ---------------------------------------------------------------
_ld_indent() { sed -e 's/^/#     /' | head -n "${LD_SHOW_LINES:-40}"; }

_ld_show_last_run() {
  [[ -n $LD_CMD ]] || return 0
  echo "#   command: $LD_CMD"
  echo "#   exit:    $LD_EXIT"
  if [[ -s $LD_STDOUT_FILE ]]; then echo "#   stdout:"; _ld_indent <"$LD_STDOUT_FILE"; else echo "#   stdout:  (empty)"; fi
  if [[ -s $LD_STDERR_FILE ]]; then echo "#   stderr:"; _ld_indent <"$LD_STDERR_FILE"; else echo "#   stderr:  (empty)"; fi
}

pass() { # pass DESCRIPTION
  _ld_passed=$((_ld_passed + 1))
  echo "ok - $*"
}

fail_plain() { # fail_plain DESCRIPTION [DETAIL...] — a failure not about the last command
  local d
  _ld_failed=$((_ld_failed + 1))
  echo "not ok - $1"
  shift
  for d in "$@"; do printf '%s\n' "$d" | sed -e 's/^/#   /'; done
  return 0
}

fail() { # fail DESCRIPTION [DETAIL...] — also shows the last command, its exit status and output
  fail_plain "$@"
  _ld_show_last_run
  return 0
}

finish() { # optional explicit end of a test: summary and exit status as at exit
  exit 0
}

# True when this run must be complete: every prerequisite the harness can
# provide has to be there, and missing one is a failure, not a skip.
ld_require_all() {
  [[ ${CI:-} == true || ${CI:-} == 1 || ${LOCKDOWN_TEST_REQUIRE_ALL:-0} == 1 ]]
}

skip() { # skip [--optional] REASON — skip the rest of the file (exit 77 unless something failed)
  local optional=0 why
  [[ ${1:-} == --optional ]] && { optional=1; shift; }
  why=${*//$'\n'/ } # one line
  if ((!optional)) && ld_require_all; then
    fail_plain "required in this run (CI=true or LOCKDOWN_TEST_REQUIRE_ALL=1), not skipped: $why" \
      "the harness provides it: bash scripts/install-deps.sh --test, tests/harness/*.sh"
    _ld_explicit_exit=1
    exit 1
  fi
  echo "SKIP: $why"
  _ld_skipped=$((_ld_skipped + 1))
  _ld_file_skipped=1
  exit 77
}

skip_part() { # skip_part [--optional] REASON — one part of the file did not run; counted apart
  local optional=0 why
  [[ ${1:-} == --optional ]] && { optional=1; shift; }
  why=${*//$'\n'/ } # one line
  if ((!optional)) && ld_require_all; then
    fail_plain "required in this run (CI=true or LOCKDOWN_TEST_REQUIRE_ALL=1), part not skipped: $why" \
      "the harness provides it: bash scripts/install-deps.sh --test, tests/harness/*.sh"
    return 0
  fi
  _ld_skipped=$((_ld_skipped + 1))
  echo "ok - # SKIP $why"
}

# ld_on_exit 'CMD' — run CMD (eval'd) when the test ends, before the summary,
# e.g. ld_on_exit "docker rm -f $name". Use this instead of `trap ... EXIT`,
# which would replace the library's own exit trap.
_ld_on_exit=()
ld_on_exit() { _ld_on_exit+=("$*"); }

_ld_finish() {
  local rc=$? c
  ((_ld_exiting)) && return
  _ld_exiting=1
  for c in "${_ld_on_exit[@]}"; do eval "$c" >/dev/null 2>&1 || true; done
  if ((!_ld_explicit_exit)) && { ((rc != 0 && rc != 77)) || { ((rc == 77)) && ((!_ld_file_skipped)); }; }; then
    _ld_failed=$((_ld_failed + 1))
    echo "not ok - test script exited early with status $rc"
    _ld_show_last_run
  elif ((_ld_passed + _ld_failed + _ld_skipped == 0)); then
    _ld_failed=$((_ld_failed + 1))
    echo "not ok - the test asserted nothing"
  fi
  if [[ ${LD_KEEP_TMP:-0} == 1 ]]; then echo "# kept $LD_TMP"; else rm -rf "$LD_TMP"; fi
  if ((_ld_skipped)); then
    echo "$_ld_passed passed, $_ld_failed failed, $_ld_skipped skipped"
  else
    echo "$_ld_passed passed, $_ld_failed failed"
  fi
  if ((_ld_failed)); then exit 1; fi
  if ((_ld_skipped)); then exit 77; fi
  exit 0
}
trap _ld_finish EXIT

# ---- running -----------------------------------------------------------------
run_cmd() { # run_cmd CMD [ARG...] — capture stdout, stderr, exit status (stdin: $LD_STDIN or /dev/null)
  LD_CMD=$(printf '%q ' "$@")
  LD_CMD=${LD_CMD% }
  LD_EXIT=0
  timeout --kill-after=10 "$LD_TIMEOUT" "$@" <"${LD_STDIN:-/dev/null}" >"$LD_STDOUT_FILE" 2>"$LD_STDERR_FILE" || LD_EXIT=$?
  if ((LD_EXIT == 124)); then
    echo "# note: '$LD_CMD' timed out after ${LD_TIMEOUT}s" >&2
  fi
  LD_STDOUT=$(<"$LD_STDOUT_FILE")
  LD_STDERR=$(<"$LD_STDERR_FILE")
  # shellcheck disable=SC2034 # used by the tests that source this file
  out=$LD_STDOUT err=$LD_STDERR # short names for use in tests
  return 0
}

run_ld() { # run_ld ARG... — run lockdown with these arguments
  if [[ -z $LOCKDOWN || ! -x $LOCKDOWN ]]; then
    fail "lockdown binary not found (LOCKDOWN_BIN='${LOCKDOWN_BIN:-}')"
    _ld_explicit_exit=1
    exit 1
  fi
  run_cmd "$LOCKDOWN" "$@"
}

# ---- assertions (each returns 0; failures are counted) ------------------------
assert_exit() { # assert_exit N [DESC]
  local want=$1 desc=${2:-}
  if [[ $LD_EXIT == "$want" ]]; then
    pass "${desc:+$desc: }exit $want: $LD_CMD"
  else
    fail "${desc:+$desc: }expected exit $want, got $LD_EXIT: $LD_CMD"
  fi
}

assert_stdout_contains() { # assert_stdout_contains STR [DESC]
  if [[ $LD_STDOUT == *"$1"* ]]; then pass "${2:+$2: }stdout contains '$1'"; else fail "${2:+$2: }stdout lacks '$1'"; fi
}
assert_stderr_contains() { # assert_stderr_contains STR [DESC]
  if [[ $LD_STDERR == *"$1"* ]]; then pass "${2:+$2: }stderr contains '$1'"; else fail "${2:+$2: }stderr lacks '$1'"; fi
}
assert_stdout_not_contains() { # assert_stdout_not_contains STR [DESC]
  if [[ $LD_STDOUT != *"$1"* ]]; then pass "${2:+$2: }stdout does not contain '$1'"; else fail "${2:+$2: }stdout contains '$1'"; fi
}
assert_stderr_not_contains() { # assert_stderr_not_contains STR [DESC]
  if [[ $LD_STDERR != *"$1"* ]]; then pass "${2:+$2: }stderr does not contain '$1'"; else fail "${2:+$2: }stderr contains '$1'"; fi
}
assert_stdout_matches() { # assert_stdout_matches ERE [DESC] (grep -E on stdout lines)
  if grep -Eq -- "$1" "$LD_STDOUT_FILE"; then pass "${2:+$2: }stdout matches /$1/"; else fail "${2:+$2: }stdout does not match /$1/"; fi
}
assert_stderr_matches() { # assert_stderr_matches ERE [DESC]
  if grep -Eq -- "$1" "$LD_STDERR_FILE"; then pass "${2:+$2: }stderr matches /$1/"; else fail "${2:+$2: }stderr does not match /$1/"; fi
}

assert_json() { # assert_json JQ_EXPR [DESC] — jq -e on stdout: must parse and be truthy
  local out
  if out=$(jq -e "$1" "$LD_STDOUT_FILE" 2>&1); then
    pass "${2:+$2: }jq -e '$1'"
  else
    fail "${2:+$2: }jq -e '$1' on stdout is false or fails" "jq said: ${out:0:2000}"
  fi
}

assert_json_file() { # assert_json_file FILE JQ_EXPR [DESC]
  local out
  if out=$(jq -e "$2" "$1" 2>&1); then
    pass "${3:+$3: }jq -e '$2' $1"
  else
    fail_plain "${3:+$3: }jq -e '$2' on $1 is false or fails" "jq said: ${out:0:2000}"
  fi
}

assert_eq() { # assert_eq EXPECTED ACTUAL [DESC]
  if [[ $1 == "$2" ]]; then pass "${3:-values equal}: '$2'"; else fail_plain "${3:-values differ}: expected '$1', got '$2'"; fi
}

assert_true() { # assert_true DESC CMD [ARG...] — passes when CMD exits 0
  local desc=$1
  shift
  if "$@"; then pass "$desc"; else fail_plain "$desc" "command: $(printf '%q ' "$@")"; fi
}

assert_false() { # assert_false DESC CMD [ARG...] — passes when CMD exits non-zero
  local desc=$1
  shift
  if ! "$@"; then pass "$desc"; else fail_plain "$desc" "command succeeded: $(printf '%q ' "$@")"; fi
}

assert_file_exists() { # assert_file_exists PATH [DESC]
  if [[ -e $1 ]]; then pass "${2:+$2: }$1 exists"; else fail_plain "${2:+$2: }$1 does not exist"; fi
}

# Validates FILE (a path, or "-" for the last stdout) against a JSON Schema with
# tests/harness/validate-json-schema.js; extra args (e.g. -r ref.json) go to it.
assert_json_schema() { # assert_json_schema SCHEMA FILE [VALIDATOR-ARGS...]
  local schema=$1 file=$2 out report=fail_plain
  shift 2
  [[ $file == - || $file == "$LD_STDOUT_FILE" ]] && { file=$LD_STDOUT_FILE; report=fail; }
  if out=$(LOCKDOWN_TOOLS=$LOCKDOWN_TOOLS node "$LD_REPO/tests/harness/validate-json-schema.js" "$@" "$schema" "$file" 2>&1); then
    pass "$(basename "$file") is valid against $(basename "$schema")"
  else
    $report "$(basename "$file") is not valid against $(basename "$schema")" "$out"
  fi
}

# SARIF: the official SARIF 2.1.0 schema with ajv, then the SARIF Multitool's
# `validate` (schema + SARIF rules; error-level results fail, warnings are
# shown; without it, a skipped part). FILE may be "-" for the last stdout.
assert_valid_sarif() { # assert_valid_sarif FILE
  local file=$1 schema=$LOCKDOWN_TOOLS/schemas/sarif-schema-2.1.0.json mt=$LOCKDOWN_TOOLS/bin/sarif-multitool
  local out rc report=fail_plain errors
  if [[ $file == - ]]; then
    cp "$LD_STDOUT_FILE" "$LD_TMP/stdout.sarif"
    file=$LD_TMP/stdout.sarif report=fail
  fi
  if [[ ! -s $schema ]]; then
    fail_plain "SARIF schema missing: $schema (run: bash tests/harness/npm-tools.sh)"
    return 0
  fi
  if out=$(LOCKDOWN_TOOLS=$LOCKDOWN_TOOLS node "$LD_REPO/tests/harness/validate-json-schema.js" "$schema" "$file" 2>&1); then
    pass "$(basename "$file") is valid against the SARIF 2.1.0 schema"
  else
    $report "$(basename "$file") is not valid against the SARIF 2.1.0 schema" "$out"
  fi
  if [[ ! -x $mt ]]; then
    skip_part "SARIF Multitool not installed at $mt (run: bash tests/harness/npm-tools.sh)"
    return 0
  fi
  out=$LD_TMP/multitool.$$.$RANDOM.sarif
  rc=0
  (cd "$LD_TMP" && "$mt" validate "$file" -o "$out" --log ForceOverwrite) >"$LD_TMP/multitool.log" 2>&1 || rc=$?
  if ((rc != 0)) || [[ ! -s $out ]]; then
    fail_plain "SARIF Multitool could not validate $(basename "$file") (exit $rc)" "$(tail -n 20 "$LD_TMP/multitool.log")"
    return 0
  fi
  # One line per Multitool result: level ruleId line N: message (templates filled in).
  jq -r '.runs[] as $run | $run.results[]? | .ruleId as $rid | (.message.arguments // []) as $args
      | (.message.text // ([$run.tool.driver.rules[]? | select(.id == $rid)][0].messageStrings[.message.id].text)
         // .message.id // "") as $t
      | (reduce range(0; $args | length) as $i ($t; gsub("\\{\($i)\\}"; $args[$i] | tostring))) as $text
      | "\(.level // "warning") \($rid) line \(.locations[0].physicalLocation.region.startLine // "?"): \($text)"' \
    "$out" >"$out.txt" 2>&1 || true
  grep -v '^error ' "$out.txt" | sed -e 's/^/# multitool: /' || true
  errors=$(grep -c '^error ' "$out.txt" || true)
  if [[ $errors == 0 ]]; then
    pass "$(basename "$file") passes SARIF Multitool validate"
  else
    $report "$(basename "$file") has $errors error(s) from SARIF Multitool validate" "$(grep '^error ' "$out.txt" | head -n 30)"
  fi
}

# ---- environment probes --------------------------------------------------------
engine_available() { # true when a Docker engine answers /_ping on the socket
  [[ -S $LD_DOCKER_SOCK ]] &&
    [[ $(curl -s --max-time 5 --unix-socket "$LD_DOCKER_SOCK" http://localhost/_ping 2>/dev/null) == OK ]]
}

require_engine() { # skip without an engine — but fail when the harness promised one
  engine_available && return 0
  if [[ ${LOCKDOWN_TEST_ENGINE:-0} == 1 ]]; then
    fail "Docker engine expected (LOCKDOWN_TEST_ENGINE=1) but $LD_DOCKER_SOCK does not answer /_ping"
    _ld_explicit_exit=1
    exit 1
  fi
  skip "no Docker engine on $LD_DOCKER_SOCK (run tests/harness/engine-up.sh)"
}

require_image() { # require_image NAME — the engine and this test image (see tests/harness/images.sh)
  require_engine
  docker image inspect "$1" >/dev/null 2>&1 && return 0
  if [[ ${LOCKDOWN_TEST_IMAGES:-0} == 1 ]]; then
    fail "test image $1 missing although LOCKDOWN_TEST_IMAGES=1 (tests/harness/images.sh builds it)"
    _ld_explicit_exit=1
    exit 1
  fi
  skip "test image $1 missing (run tests/harness/images.sh --debian)"
}

require_debian_rootfs() { # prints nothing; sets LD_DEBIAN_ROOTFS or skips
  LD_DEBIAN_ROOTFS=${LOCKDOWN_DEBIAN_ROOTFS:-$LOCKDOWN_CACHE/bookworm-rootfs}
  [[ -f $LD_DEBIAN_ROOTFS/var/lib/dpkg/status ]] && return 0
  if [[ ${LOCKDOWN_TEST_IMAGES:-0} == 1 ]]; then
    fail "no Debian rootfs at $LD_DEBIAN_ROOTFS although LOCKDOWN_TEST_IMAGES=1"
    _ld_explicit_exit=1
    exit 1
  fi
  skip "no Debian rootfs at $LD_DEBIAN_ROOTFS (run tests/harness/images.sh --debian)"
}

require_cmd() { # require_cmd CMD... — skip (a failure under CI) when a command is missing
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || skip "command '$c' not installed (bash scripts/install-deps.sh --test)"
  done
}
