#!/usr/bin/env bash
# End-to-end: the machine-readable reports of `lockdown assess` are valid
# against their schemas — SARIF against the official SARIF 2.1.0 schema (ajv)
# and the SARIF Multitool, JSON against docs/report.schema.json — and agree
# with each other and with the exit code. A policy with hostile text (quotes,
# markup, tabs, newlines, non-ASCII) in its path, exception reason and
# attestation feeds notes and suppressions, which must not break any format.
# Runs with or without a Docker engine (assess notes a missing engine).
set -uo pipefail
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"

require_cmd node jq
[[ -s $LOCKDOWN_TOOLS/schemas/sarif-schema-2.1.0.json && -d $LOCKDOWN_TOOLS/node_modules/ajv ]] ||
    skip "schema validators not installed in $LOCKDOWN_TOOLS (run: bash tests/harness/npm-tools.sh)"

report_schema=$LD_REPO/docs/report.schema.json
sarif=$LD_TMP/out.sarif
json=$LD_TMP/out.json

# exit 0 (gate passed) or 1 (gate failed) are both a completed run
assert_ran() { # assert_ran DESC
    if [[ $LD_EXIT == 0 || $LD_EXIT == 1 ]]; then
        pass "$1: completed (exit $LD_EXIT)"
    else
        fail "$1: expected exit 0 or 1, got $LD_EXIT"
    fi
}

# ---- SARIF ---------------------------------------------------------------------
run_ld assess --format sarif --output "$sarif" --quiet
assert_ran "assess --format sarif"
sarif_exit=$LD_EXIT
assert_true "--output: SARIF written to the file, stdout empty" test -s "$sarif" -a -z "$out"
assert_valid_sarif "$sarif"
assert_json_file "$sarif" '.version == "2.1.0" and (.runs | length) == 1'
assert_json_file "$sarif" '.runs[0].tool.driver.name == "lockdown"'
assert_json_file "$sarif" \
    '.runs[0].tool.driver.rules as $r | all(.runs[0].results[]; $r[.ruleIndex].id == .ruleId)' \
    "every result's ruleIndex points at its rule"
assert_json_file "$sarif" \
    'all(.runs[0].tool.driver.rules[]; .properties["security-severity"] | type == "string")'
assert_json_file "$sarif" \
    'all(.runs[0].results[]; (.partialFingerprints["lockdownFinding/v1"] | test("^[0-9a-f]{64}$")))'
assert_json_file "$sarif" 'all(.runs[0].results[]; .kind == "fail" or .level == "none")' \
    'only failing results carry a level'

# rules: exactly the catalog (every control is required at high)
run_ld controls --format json --level high
catalog_size=$(jq '.controls | length' <<<"$out")
rules=$(jq '.runs[0].tool.driver.rules | length' "$sarif")
assert_eq "$catalog_size" "$rules" "one SARIF rule per catalog control"

# ---- JSON ----------------------------------------------------------------------
run_ld assess --format json --output "$json" --quiet
assert_ran "assess --format json"
assert_json_schema "$report_schema" "$json"
assert_json_file "$json" '.schema == "https://lockdown.dev/schemas/report/v1" and .command == "assess"'
assert_json_file "$json" '.summary.findings == (.findings | length)' 'summary counts the findings'
assert_json_file "$json" \
    '.compliance.low.required <= .compliance.medium.required and .compliance.medium.required <= .compliance.high.required'
assert_json_file "$json" \
    '.compliance[.level] as $c | $c.required == $c.passed + $c.failed + $c.attested + $c.not_assessed'
assert_json_file "$json" '(.compliance.controls | length) == .compliance[.level].required'
gate_failed=$(jq '.gate.failed' "$json")
if [[ $LD_EXIT == 1 ]]; then want=true; else want=false; fi
assert_eq "$want" "$gate_failed" "gate.failed agrees with the exit code ($LD_EXIT)"
assert_eq "$sarif_exit" "$LD_EXIT" "SARIF and JSON runs reach the same gate"
assert_eq "$(jq '.runs[0].properties.gate.failed' "$sarif")" "$gate_failed" \
    "SARIF run properties carry the same gate"

# levels: the level in force is reported, and fail-on appears in the gate
run_ld assess --format json --level high --fail-on low --quiet
assert_ran "assess --level high --fail-on low"
assert_json '.level == "high" and .level_source == "--level" and .gate.fail_on == "low"'
assert_json_schema "$report_schema" -

# ---- hostile policy text -------------------------------------------------------
hostile_dir=$LD_TMP/'di"r <&> é'
mkdir -p "$hostile_dir"
policy=$hostile_dir/policy.yaml
cat >"$policy" <<'EOF'
version: 1
level: medium
gate:
  required-controls: true
exceptions:
  - id: host.container-os
    reason: "accepted \"risk\" <b>&amp;</b>\ttab ünï 🚀\nsecond line"
attestations:
  - control: "NO-SUCH-CONTROL\"<&>é"
    by: "auditor <a&b>"
    date: 2024-01-01
    evidence: https://example.com/evidence?a=1&b=<2>
EOF
# host.container-os runs on every host, so the exception always applies.
# (`policy check` rejects the unknown attested control; assess only notes it)
run_ld assess --policy "$policy" --format sarif --output "$sarif" --quiet
assert_ran "assess --format sarif with a hostile policy"
assert_valid_sarif "$sarif"
assert_json_file "$sarif" \
    'any(.runs[0].invocations[0].toolExecutionNotifications[]; .message.text | contains("NO-SUCH-CONTROL\"<&>é"))' \
    "the note about the unknown attested control survives intact"
assert_json_file "$sarif" \
    '[.runs[0].results[] | select(.suppressions)] | length > 0 and all(.[]; .suppressions[0].justification | startswith("accepted \"risk\" <b>"))' \
    "suppressions carry the exception reason"

run_ld assess --policy "$policy" --format json --output "$json" --quiet
assert_ran "assess --format json with a hostile policy"
assert_json_schema "$report_schema" "$json"
assert_json_file "$json" 'any(.notes[]; contains("NO-SUCH-CONTROL\"<&>é"))'
assert_json_file "$json" \
    '[.findings[] | select(.exception)] | length > 0 and all(.[]; .exception == "accepted \"risk\" <b>&amp;</b>\ttab ünï 🚀\nsecond line")' \
    "exception reasons round-trip exactly"

run_ld assess --policy "$policy" --format junit
assert_ran "assess --format junit with a hostile policy"
if command -v python3 >/dev/null; then
    assert_true "JUnit output is well-formed XML" \
        python3 -c 'import sys, xml.etree.ElementTree as ET; ET.parse(sys.argv[1])' "$LD_STDOUT_FILE"
    assert_true "JUnit totals equal the sum of the suites" python3 -c '
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
for a in ("tests", "failures", "errors", "skipped"):
    total = sum(int(s.get(a)) for s in root.findall("testsuite"))
    assert int(root.get(a)) == total, (a, root.get(a), total)
assert int(root.get("tests")) == len(root.findall("testsuite/testcase"))
' "$LD_STDOUT_FILE"
fi
assert_stdout_not_contains $'\x1b' "no raw escape character in JUnit"
assert_stdout_contains 'NO-SUCH-CONTROL"&lt;&amp;&gt;é' "note escaped in JUnit"

run_ld assess --policy "$policy"
assert_ran "assess (table) with a hostile policy"
assert_stdout_not_contains $'\x1b' "no raw escape character in the table without a terminal"
assert_stdout_contains "Compliance"
assert_stdout_matches '^gate: (passed|FAILED)'
