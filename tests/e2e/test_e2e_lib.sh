#!/usr/bin/env bash
# End-to-end test of the test library itself (tests/e2e/lib.sh): a skip is
# never a pass. Small scripts that source lib.sh are run as ctest runs them,
# with and without CI=true / LOCKDOWN_TEST_REQUIRE_ALL=1, and their exit status
# (0 pass, 1 fail, 77 = ctest "Skipped") and closing line are checked:
# skip_part prints `ok - # SKIP reason` and is counted apart; a skipped part or
# file fails a run that must be complete unless it is --optional.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

lib=$LD_REPO/tests/e2e/lib.sh

# lib_case NAME BODY — writes a test script that sources lib.sh, then BODY
lib_case() {
  printf 'source %q\n%s\n' "$lib" "$2" >"$LD_TMP/$1.sh"
}
# run_case NAME [VAR=VALUE...] — runs it with CI and LOCKDOWN_TEST_REQUIRE_ALL unset, plus the VARs
run_case() {
  local name=$1
  shift
  run_cmd env -u CI -u LOCKDOWN_TEST_REQUIRE_ALL "$@" bash "$LD_TMP/$name.sh"
}
closing_line() { tail -n 1 "$LD_STDOUT_FILE"; }

lib_case part 'pass one
skip_part "no widget here"
pass two'
run_case part
assert_exit 77 "a skipped part, locally: ctest's skip code, not 0"
assert_stdout_contains "ok - # SKIP no widget here"
assert_eq "2 passed, 0 failed, 1 skipped" "$(closing_line)" "closing line counts the skipped part apart"
for env in CI=true CI=1 LOCKDOWN_TEST_REQUIRE_ALL=1; do
  run_case part "$env"
  assert_exit 1 "a skipped part with $env fails"
  assert_stdout_contains "not ok - required in this run"
  assert_eq "2 passed, 1 failed" "$(closing_line)" "closing line with $env"
done
run_case part CI=false
assert_exit 77 "CI=false is not CI"

lib_case optional_part 'pass one
skip_part --optional "no such tool in any registry"'
run_case optional_part CI=true
assert_exit 77 "an --optional part stays a skip under CI"
assert_eq "1 passed, 0 failed, 1 skipped" "$(closing_line)"

lib_case multiline_part 'pass one
skip_part "npm install failed: $(printf "line 1\nline 2")"'
run_case multiline_part
assert_stdout_contains "ok - # SKIP npm install failed: line 1 line 2" "a reason of several lines is printed on one"

lib_case file 'pass one
skip "no engine"
pass never'
run_case file
assert_exit 77 "a skipped file, locally"
assert_stdout_contains "SKIP: no engine"
assert_stdout_not_contains "ok - never"
assert_eq "1 passed, 0 failed, 1 skipped" "$(closing_line)"
run_case file CI=true
assert_exit 1 "a skipped file under CI fails"
assert_eq "1 passed, 1 failed" "$(closing_line)"

lib_case optional_file 'skip --optional "not providable"'
run_case optional_file CI=true
assert_exit 77 "skip --optional under CI"

lib_case missing_cmd 'require_cmd lockdown-no-such-command-here
pass never'
run_case missing_cmd
assert_exit 77 "require_cmd of a missing command, locally"
run_case missing_cmd CI=true
assert_exit 1 "require_cmd of a missing command under CI"
assert_stdout_contains "lockdown-no-such-command-here"

lib_case fail_and_skip 'fail_plain "broken"
skip_part "x"'
run_case fail_and_skip
assert_exit 1 "a failure is not hidden by a skip"
assert_eq "0 passed, 1 failed, 1 skipped" "$(closing_line)"

lib_case clean 'pass one'
run_case clean CI=true
assert_exit 0 "nothing skipped: exit 0"
assert_eq "1 passed, 0 failed" "$(closing_line)" "closing line without skips"

lib_case nothing ':'
run_case nothing
assert_exit 1 "a file that asserts nothing fails"
