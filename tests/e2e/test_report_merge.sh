#!/usr/bin/env bash
# End-to-end: `lockdown report merge`, the fleet view. Three real reports
# are written by `lockdown assess --host-root` on fake roots built here
# (different hostnames and OS releases, one at level high, one hostname full
# of markup), plus a broken report, a duplicate of one host started earlier
# and a report of an unknown schema version. The merge is checked in every
# format: the counts in the merged JSON equal the sums computed by jq from
# the inputs (not hard-coded), each control's failing hosts match the
# inputs, hosts come worst first, the HTML names every host (escaped) and
# makes no request, SARIF validates (one run per host), JUnit parses (one
# suite per host), JSON lines hold one line per host and per control.
# Exit codes: 3 when a report is unreadable (0 with --allow-incomplete),
# 3 when none is readable (and -o FILE is not written), 2 on usage errors.
# No Docker engine is used (the engine socket given does not exist).
set -uo pipefail
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"

require_cmd jq python3

export DOCKER_HOST=unix://$LD_TMP/no-engine.sock KUBECONFIG=$LD_TMP/no-kubeconfig
export HOME=$LD_TMP/home
mkdir -p "$HOME"
reports=$LD_TMP/reports
mkdir -p "$reports"

make_root() { # make_root DIR HOSTNAME OS-RELEASE-TEXT
    mkdir -p "$1/etc"
    printf '%s\n' "$2" >"$1/etc/hostname"
    printf '%s\n' "$3" >"$1/etc/os-release"
}
make_root "$LD_TMP/root-a" node-a $'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12"'
make_root "$LD_TMP/root-b" node-b $'ID=debian\nVERSION_ID="9"'
make_root "$LD_TMP/root-c" '<b>node-c</b>' $'ID=alpine\nVERSION_ID=3.19.1'

i=0
for spec in "a medium" "b medium" "c high"; do
    read -r n level <<<"$spec"
    run_ld assess --host-root "$LD_TMP/root-$n" --level "$level" --format json \
        -o "$reports/node-$n.json" --quiet
    if [[ $LD_EXIT == 0 || $LD_EXIT == 1 ]] && [[ -s $reports/node-$n.json ]]; then
        pass "assess report of node-$n written (exit $LD_EXIT)"
    else
        fail "assess --host-root root-$n did not write a report"
    fi
    i=$((i + 1))
done
inputs=("$reports/node-a.json" "$reports/node-b.json" "$reports/node-c.json")
printf '{"schema": "https://lockdown.dev/schemas/report/v2", "schema_version": 2, "level": ' \
    >"$LD_TMP/broken.json"

# ---- json: counts equal the sums of the inputs --------------------------------
merged=$LD_TMP/merged.json
run_ld report merge --format json -o "$merged" "${inputs[@]}" "$LD_TMP/broken.json"
assert_exit 3 "a broken report: merged the others, exit 3"
assert_stderr_contains "broken.json"
assert_json_file "$merged" '.schema == "https://lockdown.dev/schemas/fleet/v1" and .schema_version == 1'
assert_json_file "$merged" '.summary.hosts == 3 and .reports_read == 3 and (.hosts | length) == 3'
assert_json_file "$merged" '(.unreadable | length) == 1 and (.unreadable[0] | startswith("'"$LD_TMP"'/broken.json: "))' \
    "the broken report is named in the merged view"

sums=$(jq -s '{
    required: (map(.compliance[.level].required) | add),
    passed: (map(.compliance[.level].passed) | add),
    failed: (map(.compliance[.level].failed) | add),
    not_assessed: (map(.compliance[.level].not_assessed) | add),
    not_applicable: (map(.compliance[.level].not_applicable) | add),
    findings: (map(.summary.findings) | add),
    fail: (map(.summary.fail) | add),
    error: (map(.summary.error) | add),
    gate_failed: (map(select(.gate.failed)) | length),
    high: (map(select(.level == "high")) | length)
  }' "${inputs[@]}")
echo "# sums of the inputs: $(jq -c . <<<"$sums")"
for k in required passed failed not_assessed not_applicable; do
    assert_eq "$(jq ".$k" <<<"$sums")" "$(jq ".summary.controls.$k" "$merged")" \
        "summary.controls.$k is the sum over the inputs at their own levels"
done
for k in findings fail error; do
    assert_eq "$(jq ".$k" <<<"$sums")" "$(jq ".summary.findings.$k" "$merged")" \
        "summary.findings.$k is the sum of the inputs' summary.$k"
done
assert_eq "$(jq .gate_failed <<<"$sums")" "$(jq .summary.gate_failed "$merged")" "gate_failed counts the inputs' failed gates"
assert_eq "$(jq .high <<<"$sums")" "$(jq .summary.levels.high "$merged")" "hosts per level"
assert_json_file "$merged" 'any(.notes[]; test("different levels"))' "levels that differ are noted"

# per control: the hosts failing it, as the inputs say
want=$(jq -s -c '[.[] | (.scope | capture("^host (?<h>[^,; ]+)").h) as $h | .compliance.controls[]
        | select(.state == "failed") | {id, h: $h}] | group_by(.id)
        | map({key: .[0].id, value: (map(.h) | sort)}) | from_entries' "${inputs[@]}" | jq -S -c .)
got=$(jq -c '[.controls[] | select(.hosts_by_state.failed > 0)
        | {key: .id, value: ([.hosts[] | select(.state == "failed") | .name] | sort)}] | from_entries' "$merged" | jq -S -c .)
assert_eq "$want" "$got" "each control's failing hosts are the inputs' (per control across the fleet)"
assert_json_file "$merged" 'all(.controls[]; .hosts_required == (.hosts | length) and .hosts_required == ([.hosts_by_state[]] | add))' \
    "per-control counts add up"
assert_json_file "$merged" '[.controls[].hosts_by_state.failed] == ([.controls[].hosts_by_state.failed] | sort | reverse)' \
    "controls most failed first"
assert_json_file "$merged" '[.hosts[] | .gate.failed] == ([.hosts[] | .gate.failed] | sort | reverse)' \
    "hosts whose gate failed come first"
for n in node-a node-b '<b>node-c</b>'; do
    assert_json_file "$merged" "any(.hosts[]; .name == \"$n\")" "host $n is in the fleet view"
done

run_ld report merge --format json --allow-incomplete "${inputs[@]}" "$LD_TMP/broken.json"
assert_exit 0 "--allow-incomplete: unreadable reports do not change the exit code"

# ---- directory, stdin, duplicates ---------------------------------------------------
run_ld report merge --format json "$reports"
assert_exit 0 "a directory of reports"
assert_json '.summary.hosts == 3 and (.unreadable | length) == 0'
LD_STDIN=$reports/node-a.json run_ld report merge --format json -
assert_exit 0 "a report on stdin"
assert_json '.summary.hosts == 1 and .hosts[0].name == "node-a" and .hosts[0].source == "-"'
jq '.started_at = "2000-01-01T00:00:00Z" | .gate.failed = true' "$reports/node-a.json" >"$LD_TMP/node-a-old.json"
run_ld report merge --format json "$LD_TMP/node-a-old.json" "${inputs[@]}"
assert_exit 0 "a duplicate host"
assert_json '.summary.hosts == 3 and .reports_read == 4' "the duplicate is read, one host kept"
assert_json "any(.notes[]; test(\"host node-a: .*kept $reports/node-a.json, the newer\"))" "the newer report is kept, with a note"
assert_json '.hosts[] | select(.name == "node-a") | .started_at != "2000-01-01T00:00:00Z"'

# ---- refusals and usage ---------------------------------------------------------
jq '.schema_version = 3' "$reports/node-a.json" >"$LD_TMP/v3.json"
run_ld report merge -o "$LD_TMP/none.out" "$LD_TMP/v3.json"
assert_exit 3 "only an unknown schema version"
assert_stderr_contains "report schema version 3 is not supported"
assert_stderr_contains "no report could be read"
assert_false "-o FILE not written when nothing was merged" test -e "$LD_TMP/none.out"
jq '.gate.failed = "no"' "$reports/node-a.json" >"$LD_TMP/wrongtype.json"
run_ld report merge "$LD_TMP/wrongtype.json"
assert_exit 3 "a wrong type"
assert_stderr_contains "wrongtype.json: gate.failed: expected true or false"
run_ld report merge --max-report-size 1K "${inputs[@]}"
assert_exit 3 "--max-report-size refuses larger reports"
assert_stderr_contains "larger than"
run_ld report merge
assert_exit 2 "no report named"
run_ld report bogus
assert_exit 2 "unknown subcommand"
run_ld report merge --level high "${inputs[@]}"
assert_exit 2 "--level does not apply"
run_ld report merge --help
assert_exit 0
assert_stdout_contains "--allow-incomplete"

# ---- table -------------------------------------------------------------------
run_ld report merge "${inputs[@]}"
assert_exit 0 "table"
for n in node-a node-b '<b>node-c</b>'; do assert_stdout_contains "$n"; done
assert_stdout_matches "^fleet: $(jq .gate_failed <<<"$sums") of 3 hosts failed the gate"

# ---- html ----------------------------------------------------------------------
html=$LD_TMP/fleet.html
run_ld report merge --format html -o "$html" "${inputs[@]}"
assert_exit 0 "html"
assert_true "HTML names node-a" grep -q '<b>node-a</b>' "$html"
assert_true "HTML names node-b" grep -q '<b>node-b</b>' "$html"
assert_true "HTML names the markup host, escaped" grep -q '&lt;b&gt;node-c&lt;/b&gt;' "$html"
assert_false "the markup host name is not markup" grep -q '<b><b>node-c' "$html"
assert_eq 3 "$(grep -o '<tr class="host">' "$html" | wc -l)" "one host row per host"
assert_eq "$(jq '[.controls[] | select(.hosts_by_state.failed + .hosts_by_state.not_assessed + .hosts_by_state.needs_review > 0)] | length' "$merged")" \
    "$(grep -o '<tr class="control">' "$html" | wc -l)" "one row per control failing, needing review or not assessed somewhere"
assert_true "a Content-Security-Policy forbids requests" grep -q "default-src 'none'" "$html"
assert_false "no script, no external reference" grep -Eqi '<script|src=|href=|@import|url\(' "$html"
python3 -c 'import html.parser,sys; p=html.parser.HTMLParser(); p.feed(open(sys.argv[1]).read()); p.close()' "$html" &&
    pass "HTML parses" || fail_plain "HTML does not parse"

# ---- sarif ---------------------------------------------------------------------
sarif=$LD_TMP/fleet.sarif
run_ld report merge --format sarif -o "$sarif" "${inputs[@]}"
assert_exit 0 "sarif"
assert_json_file "$sarif" '.version == "2.1.0" and (.runs | length) == 3' "one SARIF run per host"
want=$(jq -s '[.[] | .compliance.controls[] | select(.state == "failed" or .state == "excepted" or .state == "needs review" or .state == "not assessed")] | length' "${inputs[@]}")
assert_eq "$want" "$(jq '[.runs[].results[]] | length' "$sarif")" "one result per control needing attention per host"
assert_json_file "$sarif" '[.runs[].automationDetails.id] | unique | length == 3' "each run its own category"
assert_json_file "$sarif" 'all(.runs[]; .tool.driver.rules as $r | all(.results[]; $r[.ruleIndex].id == .ruleId))' \
    "every result's ruleIndex points at its rule"
if [[ -s $LOCKDOWN_TOOLS/schemas/sarif-schema-2.1.0.json ]] && command -v node >/dev/null; then
    assert_valid_sarif "$sarif"
else
    skip_part "SARIF validators not installed in $LOCKDOWN_TOOLS (run: bash tests/harness/npm-tools.sh)"
fi

# ---- junit ---------------------------------------------------------------------
junit=$LD_TMP/fleet.xml
run_ld report merge --format junit -o "$junit" "${inputs[@]}"
assert_exit 0 "junit"
if out=$(python3 - "$junit" <<'EOF'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = root.findall("testsuite")
for s in suites:
    cases = s.findall("testcase")
    assert int(s.get("tests")) == len(cases), s.get("name")
    assert int(s.get("failures")) == sum(1 for c in cases if c.find("failure") is not None)
    assert int(s.get("errors")) == sum(1 for c in cases if c.find("error") is not None)
print(len(suites), sum(int(s.get("failures")) for s in suites))
EOF
); then
    read -r nsuites nfail <<<"$out"
    assert_eq 3 "$nsuites" "one JUnit suite per host"
    assert_eq "$(($(jq .failed <<<"$sums") + $(jq .gate_failed <<<"$sums")))" "$nfail" \
        "JUnit failures: the failed controls and the failed gates"
else
    fail_plain "JUnit XML does not parse or its counts are wrong" "$out"
fi

# ---- jsonl ---------------------------------------------------------------------
run_ld report merge --format jsonl "${inputs[@]}"
assert_exit 0 "jsonl"
if jq -e . "$LD_STDOUT_FILE" >/dev/null 2>&1; then pass "every JSON line parses"; else fail "JSON lines do not parse"; fi
assert_eq 3 "$(jq -c 'select(.type == "host")' "$LD_STDOUT_FILE" | wc -l)" "one line per host"
assert_eq "$(jq '.controls | length' "$merged")" "$(jq -c 'select(.type == "control")' "$LD_STDOUT_FILE" | wc -l)" \
    "one line per control"
assert_eq 1 "$(jq -c 'select(.type == "fleet")' "$LD_STDOUT_FILE" | wc -l)" "one fleet line"

finish
