#!/usr/bin/env bash
# End-to-end: CLI conventions — help at every level, version, exit codes,
# the controls catalog listing and the level derivation, run on the built
# binary.
set -uo pipefail
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"

# --help at every level, on stdout, exit 0
for args in "--help" "assess --help" "controls --help" "level --help" "policy --help" \
            "policy check --help" "policy show --help"; do
    run_ld $args
    assert_exit 0
    assert_stdout_contains "Usage: lockdown"
done
run_ld --version
assert_exit 0
assert_stdout_contains "lockdown 0."

# usage errors: exit 2 with one clear line naming the problem
run_ld
assert_exit 2
run_ld frobnicate
assert_exit 2
assert_stderr_contains 'unknown command "frobnicate"'
run_ld controls --bogus
assert_exit 2
assert_stderr_contains "unknown option '--bogus'"
run_ld controls --format yaml
assert_exit 2
run_ld controls --level extreme
assert_exit 2
assert_stderr_contains "--level must be low, medium or high"
run_ld controls --tier
assert_exit 2
assert_stderr_contains "needs a value"

# could not complete: exit 3
run_ld controls --policy /nonexistent/policy.yaml
assert_exit 3
assert_stderr_contains "/nonexistent/policy.yaml"

# catalog: all 40 keys across the five tiers, low lists fewer than high
run_ld controls --format json
assert_exit 0
assert_json '[.controls[] | select(.framework=="nist-800-190") | .refs[]] | unique | length == 40'
assert_json '[.controls[].tier] | unique | sort == ["container","host","image","orchestrator","registry"]'
assert_json '[.controls[] | select(.framework=="cis-docker-1.6")] | length >= 100'
assert_json 'all(.controls[]; (.automation=="attested" and (.checks|length)==0) or ((.automation=="automated" or .automation=="planned") and (.checks|length)>0))'
run_ld controls --format json --level low
low=$(jq '.controls | length' <<<"$out")
run_ld controls --format json --level high
high=$(jq '.controls | length' <<<"$out")
assert_true "low ($low) lists fewer controls than high ($high)" test "$low" -lt "$high"
run_ld controls --format json --level medium
medium=$(jq '.controls | length' <<<"$out")
assert_true "low <= medium <= high ($low, $medium, $high)" test "$low" -le "$medium" -a "$medium" -le "$high"
run_ld controls --tier registry --format json
assert_json 'all(.controls[]; .tier == "registry") and (.controls | length) > 0'
run_ld controls
assert_exit 0
assert_stdout_contains "CIS-DOCKER-5.4"
run_ld controls --output "$TMPDIR_E2E/controls.json" --format json
assert_exit 0
assert_true "--output wrote the file, stdout empty" test -s "$TMPDIR_E2E/controls.json" -a -z "$out"

# level: restricted/direct/production gives high, with reasoning
run_ld level --data-classification restricted --exposure direct --use-case production
assert_exit 0
assert_stdout_contains "level: high"
assert_stdout_contains "floor: restricted data requires high"
run_ld level --data-classification public --exposure none --use-case development --format json
assert_exit 0
assert_json '.level == "low" and (.reasoning | length) >= 2'
run_ld level --exposure sideways
assert_exit 2
# --level overrides the derived level and says so
run_ld level --data-classification public --exposure none --use-case development --level high
assert_stdout_contains "level: high"
assert_stdout_contains "overrides"

# colour never when NO_COLOR is set or output is not a TTY
run_ld controls
assert_true "no ANSI escapes when stdout is not a TTY" bash -c "! grep -q $'\e\[' <<<\"\$1\"" _ "$out"

# on a terminal (script(1) gives one) the table is coloured, unless NO_COLOR is set
if ! command -v script >/dev/null; then
    skip_part "no script(1) (bsdutils): colour on a terminal not checked"
else
    run_cmd script -qec "$LOCKDOWN assess --quiet --docker-host unix:///nonexistent.sock" /dev/null
    assert_true "colour on a TTY" grep -q $'\e\[' "$LD_STDOUT_FILE"
    run_cmd env NO_COLOR=1 script -qec "$LOCKDOWN assess --quiet --docker-host unix:///nonexistent.sock" /dev/null
    assert_false "no colour with NO_COLOR on a TTY" grep -q $'\e\[' "$LD_STDOUT_FILE"
fi

finish
