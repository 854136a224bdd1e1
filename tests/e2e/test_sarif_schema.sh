#!/usr/bin/env bash
# End-to-end: the machine-readable reports of `lockdown assess` are valid
# against their schemas — SARIF against the official SARIF 2.1.0 schema (ajv)
# and the SARIF Multitool, JSON against docs/report.schema.json (v2) — and
# agree with each other and with the exit code: control states and their
# counts, coverage, the gate, and SARIF's run properties and error-level
# notifications for what the run owed but could not assess (a host root with
# Docker installed and an engine socket that does not answer fails closed;
# one without Docker owes nothing). A policy with hostile text (quotes,
# markup, tabs, newlines, non-ASCII) in its path, exception reason and
# attestation feeds notes and suppressions, which must not break any format.
# An image scan of a small root file system with vulnerabilities and a secret
# (tests/e2e/fixtures/report_rootfs.sh) and a Dockerfile lint check SARIF rules
# (one per advisory id and per check id), each result's own security-severity
# (the CVSS score, else its severity's) and file locations with lines.
# Runs with or without a Docker engine (assess notes a missing engine).
set -uo pipefail
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"

require_cmd node jq
# a skip here fails under CI (tests/e2e/lib.sh): npm-tools.sh provides the validators
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

# rules: one per check id the results came from (no vulnerabilities here), each once
assert_json_file "$sarif" \
    '([.runs[0].results[].ruleId] | unique) == ([.runs[0].tool.driver.rules[].id] | sort)' \
    "one SARIF rule per check id of the results, and no other"
assert_json_file "$sarif" 'all(.runs[0].results[]; .ruleId == .properties.check)' \
    "a finding's rule is its check"
assert_json_file "$sarif" \
    'all(.runs[0].results[]; .properties["security-severity"] == ({"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "2.0", "info": "0.0"}[.properties.severity]))' \
    "each result's security-severity is its own severity's score"

# ---- JSON ----------------------------------------------------------------------
run_ld assess --format json --output "$json" --quiet
assert_ran "assess --format json"
assert_json_schema "$report_schema" "$json"
assert_json_file "$json" '.schema == "https://lockdown.dev/schemas/report/v2" and .schema_version == 2 and .command == "assess"'
assert_json_file "$json" '.summary.findings == (.findings | length)' 'summary counts the findings'
assert_json_file "$json" '.summary.excepted == ([.findings[] | select(.exception != null)] | length)' \
    'summary counts the excepted findings'
assert_json_file "$json" \
    '.compliance.low.required <= .compliance.medium.required and .compliance.medium.required <= .compliance.high.required'
assert_json_file "$json" \
    'all(.compliance.low, .compliance.medium, .compliance.high; . as $c | $c.required == ([$c | to_entries[] | select(.key != "required" and .key != "assessed") | .value] | add))' \
    'per level, the state counts add up to the required controls'
assert_json_file "$json" \
    'all(.compliance.low, .compliance.medium, .compliance.high; .assessed == .required - .not_assessed - .out_of_scope)' \
    'assessed: every state but not assessed and out of scope'
assert_json_file "$json" '(.compliance.controls | length) == .compliance[.level].required'
assert_json_file "$json" \
    '.compliance.controls as $ctl | .compliance[.level] as $c | all(["passed","failed","needs review","excepted","attested","not assessed","not applicable","out of scope"][]; . as $s | ([$ctl[] | select(.state == $s)] | length) == $c[$s | gsub(" "; "_")])' \
    'the listed controls agree with the counts of the level in force'
assert_json_file "$json" 'all(.compliance.controls[]; (.reason | length) > 0)' \
    'every control state carries its reason'
assert_json_file "$json" \
    '.coverage.controls as $v | .compliance[.level] as $c | $v.level == .level and $v.required == $c.required and $v.assessed == $c.assessed and $v.owed_not_assessed == ([.compliance.controls[] | select(.state == "not assessed" and .owed)] | length)' \
    'coverage.controls agrees with compliance'
gate_failed=$(jq '.gate.failed' "$json")
if [[ $LD_EXIT == 1 ]]; then want=true; else want=false; fi
assert_eq "$want" "$gate_failed" "gate.failed agrees with the exit code ($LD_EXIT)"
assert_json_file "$json" '.gate.incomplete == (.coverage.controls.owed_not_assessed > 0)' \
    'gate.incomplete exactly when a required control was owed and not assessed'
assert_eq "$sarif_exit" "$LD_EXIT" "SARIF and JSON runs reach the same gate"

# SARIF run properties say what JSON says: the same gate and coverage, and
# the ids of the required controls that failed, need review or were not assessed
sarif_json_agree() { # sarif_json_agree SARIF JSON: exit 0 when the run properties agree
    jq -n -e --slurpfile s "$1" --slurpfile j "$2" '
        ($s[0].runs[0].properties) as $p | $j[0] as $r
        | ($r.compliance.controls) as $ctl
        | def ids($st): [$ctl[] | select(.state == $st) | .id];
          $p.level == $r.level
          and $p.gate == $r.gate
          and $p.coverage == $r.coverage
          and $p.compliance.failed_controls == ids("failed")
          and $p.compliance.needs_review_controls == ids("needs review")
          and $p.compliance.not_assessed_controls == ids("not assessed")
          and all("low", "medium", "high"; . as $l | $p.compliance[$l] == $r.compliance[$l])
          and ([$s[0].runs[0].invocations[0].toolExecutionNotifications[] | select(.level == "error")
                | .message.text | capture("^(?<id>[^ ]+) not assessed: ").id]
               == [$ctl[] | select(.state == "not assessed" and .owed) | .id])' >/dev/null
}
sarif_vs_json() { # sarif_vs_json SARIF JSON DESC
    assert_true "$3" sarif_json_agree "$1" "$2"
}
# (compared below on runs that cannot differ: two runs against the live engine
# can, when another test starts or removes a container between them)

# levels: the level in force is reported, and fail-on appears in the gate
run_ld assess --format json --level high --fail-on low --quiet
assert_ran "assess --level high --fail-on low"
assert_json '.level == "high" and .level_source == "--level" and .gate.fail_on == "low"'
assert_json_schema "$report_schema" -

# ---- an engine that does not answer --------------------------------------------
# A host root with Docker installed (var/lib/docker) and an engine socket that
# does not exist: the Docker controls are owed but not assessed, so the gate
# fails closed, and SARIF says what was not looked at as error notifications.
host_docker=$LD_TMP/host-with-docker
mkdir -p "$host_docker/etc" "$host_docker/var/lib/docker"
printf 'ID=flatcar\nVERSION_ID=3815.2.0\n' >"$host_docker/etc/os-release"
echo testhost >"$host_docker/etc/hostname"
dead=unix://$LD_TMP/no-engine.sock
# These runs are about the engine: the host's own packages (NIST-HOST-02,
# not assessed on a fake root without a package database) are left out.
NO_HOST_PKGS=(--exclude host.package-vulnerabilities)
run_ld assess --host-root "$host_docker" --docker-host "$dead" "${NO_HOST_PKGS[@]}" --format sarif --output "$sarif" --quiet
assert_exit 1 "no engine answering where Docker is installed: the gate fails closed"
assert_valid_sarif "$sarif"
assert_json_file "$sarif" \
    '[.runs[0].invocations[0].toolExecutionNotifications[] | select(.level == "error")] | length > 0' \
    "owed controls that were not assessed are error-level notifications"
assert_json_file "$sarif" \
    '.runs[0].properties.gate.incomplete and (.runs[0].properties.compliance.not_assessed_controls | length) > 0'
run_ld assess --host-root "$host_docker" --docker-host "$dead" "${NO_HOST_PKGS[@]}" --format json --output "$json" --quiet
assert_exit 1 "the same run as JSON fails the gate too"
assert_json_schema "$report_schema" "$json"
assert_json_file "$json" \
    '.gate.failed and .gate.incomplete and .coverage.controls.owed_not_assessed > 0 and any(.gate.reasons[]; startswith("incomplete: "))' \
    "gate: failed, incomplete, with an incomplete: reason"
assert_json_file "$json" \
    'all(.compliance.controls[] | select(.owed and .state == "not assessed"); .reason | contains("no-engine.sock"))' \
    "each owed, unassessed control says the engine did not answer"
sarif_vs_json "$sarif" "$json" "no engine: SARIF run properties and notifications agree with JSON"

run_ld assess --host-root "$host_docker" --docker-host "$dead" "${NO_HOST_PKGS[@]}" --allow-incomplete --format json --quiet
assert_ran "assess --allow-incomplete with no engine"
assert_json '.gate.incomplete and .gate.allow_incomplete and any(.gate.notes[]; startswith("incomplete: ")) and all(.gate.reasons[]; startswith("incomplete: ") | not)' \
    "--allow-incomplete: incompleteness is a gate note, not a reason"
if [[ $LD_EXIT == 1 ]]; then want=true; else want=false; fi
assert_eq "$want" "$(jq '.gate.failed' <<<"$out")" "gate.failed agrees with the exit code ($LD_EXIT)"

# Docker not installed at all: its controls do not apply, and nothing is owed
host_plain=$LD_TMP/host-without-docker
mkdir -p "$host_plain/etc"
printf 'ID=flatcar\nVERSION_ID=3815.2.0\n' >"$host_plain/etc/os-release"
run_ld assess --host-root "$host_plain" --docker-host "$dead" "${NO_HOST_PKGS[@]}" --format sarif --output "$sarif" --quiet
assert_ran "assess where Docker is not installed"
assert_valid_sarif "$sarif"
assert_json_file "$sarif" \
    '[.runs[0].invocations[0].toolExecutionNotifications[] | select(.level == "error")] | length == 0' \
    "nothing owed: no error notification"
run_ld assess --host-root "$host_plain" --docker-host "$dead" "${NO_HOST_PKGS[@]}" --format json --output "$json" --quiet
assert_json_schema "$report_schema" "$json"
assert_json_file "$json" \
    '(.gate.incomplete | not) and .coverage.controls.owed_not_assessed == 0 and .compliance[.level].not_applicable > 0' \
    "Docker controls are not applicable, and the run is complete"
sarif_vs_json "$sarif" "$json" "no Docker: SARIF run properties agree with JSON"

# ---- vulnerabilities, secrets, Dockerfiles: rules, scores, locations ----------
source "$LD_REPO/tests/e2e/fixtures/report_rootfs.sh"
vroot=$LD_TMP/vuln-rootfs
vdb=$LD_TMP/vuln.db
make_report_rootfs "$vroot"
make_report_db "$vdb"
run_ld image scan "dir:$vroot" --db "$vdb" --format sarif --output "$sarif" --quiet
assert_ran "image scan --format sarif (vulnerabilities, a secret)"
assert_valid_sarif "$sarif"
run_ld image scan "dir:$vroot" --db "$vdb" --format json --output "$json" --quiet
assert_json_schema "$report_schema" "$json"
assert_json_file "$sarif" '[.runs[0].results[] | select(.properties.vulnerability)] | length >= 8' \
    "the fixture's vulnerabilities are results"
# one rule per vulnerability id and per check id, each once
want_rules=$(jq -c '[.findings[] | (.vulnerability.id // .check_id)] | unique' "$json")
assert_json_file "$sarif" "[.runs[0].tool.driver.rules[].id] | sort == $want_rules" \
    "one rule per vulnerability id and per check id (from the JSON report)"
assert_json_file "$sarif" \
    'all(.runs[0].results[] | select(.properties.vulnerability); .ruleId == .properties.vulnerability.id)' \
    "a vulnerability's rule is its advisory id"
assert_json_file "$sarif" \
    '.runs[0].tool.driver.rules as $r | all(.runs[0].results[]; $r[.ruleIndex].id == .ruleId)' \
    "every result's ruleIndex points at its rule"
# each result its own security-severity: the CVSS score when there is one
assert_json_file "$sarif" \
    'all(.runs[0].results[] | select(.properties.vulnerability.cvss_score != null);
         .properties["security-severity"] == (.properties.vulnerability.cvss_score * 10 | round / 10 | tostring | if test("\\.") then . else . + ".0" end))' \
    "a vulnerability with a CVSS score: that score"
assert_json_file "$sarif" \
    '[.runs[0].results[] | select(.properties.vulnerability.cvss_score != null)] | length > 0' \
    "some vulnerabilities of the fixture have a CVSS score"
assert_json_file "$sarif" \
    'all(.runs[0].results[] | select(.properties.vulnerability.cvss_score == null);
         .properties["security-severity"] == ({"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "2.0", "info": "0.0"}[.properties.severity]))' \
    "the others: their own severity's score"
assert_json_file "$sarif" \
    '.runs[0].results as $res | all(.runs[0].tool.driver.rules[] | select(.properties.tags | index("vulnerability")); . as $rule
       | ([$res[] | select(.ruleId == $rule.id) | .properties["security-severity"] | tonumber] | max) == ($rule.properties["security-severity"] | tonumber))' \
    "a vulnerability rule's security-severity is the highest of its results"
# help names the packages, fixed versions and references
assert_json_file "$sarif" \
    '.runs[0].results as $res | all(.runs[0].tool.driver.rules[] | select(.properties.tags | index("vulnerability")); . as $rule
       | all($res[] | select(.ruleId == $rule.id) | .properties.vulnerability;
             . as $v | ($rule.help.text | contains($v.package)) and all($v.fixed_versions[]; . as $f | $rule.help.text | contains($f))
             and all($v.references[]; . as $u | $rule.help.text | contains($u))))' \
    "each vulnerability rule's help names its packages, fixed versions and references"
# files: the secret at its line, under the scanned directory
secret_path=$(jq -r '.findings[] | select(.check_id == "image.secrets" and .status == "fail") | .target.path' "$json")
assert_json_file "$sarif" \
    "any(.runs[0].results[]; .ruleId == \"image.secrets\" and .locations[0].physicalLocation.artifactLocation.uri == \"file://$vroot$secret_path\" and .locations[0].physicalLocation.region.startLine == 3)" \
    "the secret points at its file and line"
# a Dockerfile given by a relative path: its path and each finding's line
(cd "$LD_REPO" && run_ld dockerfile lint tests/e2e/fixtures/dockerfiles/bad.Dockerfile --format sarif --output "$sarif" --quiet)
assert_ran "dockerfile lint --format sarif"
assert_valid_sarif "$sarif"
(cd "$LD_REPO" && run_ld dockerfile lint tests/e2e/fixtures/dockerfiles/bad.Dockerfile --format json --output "$json" --quiet)
assert_json_file "$sarif" \
    "[.runs[0].results[] | select(.properties.target.kind == \"file\" and .locations[0].physicalLocation.region != null) | [.locations[0].physicalLocation.artifactLocation.uri, .locations[0].physicalLocation.region.startLine]] | sort == ($(jq -c '[.findings[] | select(.target.line != null) | [.target.path, .target.line]] | sort' "$json"))" \
    "every Dockerfile finding points at tests/e2e/fixtures/dockerfiles/bad.Dockerfile and its line"

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
# host.container-os runs on every host and fails on a general-purpose one
# (the host root below says Debian), so the exception always applies: an
# exception covers a failure, never a pass.
host_general=$LD_TMP/host-general
mkdir -p "$host_general/etc"
printf 'ID=debian\nVERSION_ID="12"\n' >"$host_general/etc/os-release"
# (`policy check` rejects the unknown attested control; assess only notes it)
run_ld assess --policy "$policy" --host-root "$host_general" --format sarif --output "$sarif" --quiet
assert_ran "assess --format sarif with a hostile policy"
assert_valid_sarif "$sarif"
assert_json_file "$sarif" \
    'any(.runs[0].invocations[0].toolExecutionNotifications[]; .message.text | contains("NO-SUCH-CONTROL\"<&>é"))' \
    "the note about the unknown attested control survives intact"
assert_json_file "$sarif" \
    '[.runs[0].results[] | select(.suppressions)] | length > 0 and all(.[]; .suppressions[0].justification | startswith("accepted \"risk\" <b>"))' \
    "suppressions carry the exception reason"

run_ld assess --policy "$policy" --host-root "$host_general" --format json --output "$json" --quiet
assert_ran "assess --format json with a hostile policy"
assert_json_schema "$report_schema" "$json"
assert_json_file "$json" 'any(.notes[]; contains("NO-SUCH-CONTROL\"<&>é"))'
assert_json_file "$json" \
    '[.findings[] | select(.exception)] | length > 0 and all(.[]; .exception == "accepted \"risk\" <b>&amp;</b>\ttab ünï 🚀\nsecond line")' \
    "exception reasons round-trip exactly"

run_ld assess --policy "$policy" --host-root "$host_general" --format junit
assert_ran "assess --format junit with a hostile policy"
if ! command -v python3 >/dev/null; then
    skip_part "no python3: JUnit XML not parsed (install-deps.sh --test installs it)"
else
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

run_ld assess --policy "$policy" --host-root "$host_general"
assert_ran "assess (table) with a hostile policy"
assert_stdout_not_contains $'\x1b' "no raw escape character in the table without a terminal"
assert_stdout_contains "Compliance"
assert_stdout_matches '^gate: (passed|FAILED)'

# ---- Kubernetes findings (target kind "kubernetes", framework cis-kubernetes-1.10) ------
mkdir -p "$LD_TMP/k8s"
cat >"$LD_TMP/k8s/pod.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  hostNetwork: true
  containers:
  - name: web
    image: nginx:latest
    securityContext: {privileged: true}
YAML
run_ld k8s scan --format json --quiet "$LD_TMP/k8s"
assert_exit 1 "k8s scan: a privileged pod fails the gate"
assert_json_schema "$report_schema" -
assert_json 'any(.findings[]; .target.kind == "kubernetes" and .framework == "cis-kubernetes-1.10")' \
  "a Kubernetes finding carries its target kind and CIS framework"
run_ld k8s scan --format sarif --output "$sarif" --quiet "$LD_TMP/k8s"
assert_valid_sarif "$sarif"
