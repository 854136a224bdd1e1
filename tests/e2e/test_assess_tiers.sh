#!/usr/bin/env bash
# End-to-end: `lockdown assess` says per tier what it made of it — assessed,
# partly assessed, not applicable (absent here) or not assessed (present,
# not read) — in the JSON report's "tiers" and the table's Tiers section, and
# writes the same report in more formats in one run (--json FILE, --html
# FILE). Fake host roots and an engine socket nobody listens on make every
# state deterministic; no engine is needed.
set -uo pipefail
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"

work=$(mktemp -d)
ld_on_exit rm -rf "$work"
nosock="unix://$work/no-engine.sock"

# A host without Docker or Kubernetes: those tiers are not applicable.
bare="$work/bare"
mkdir -p "$bare/etc"
printf 'ID=debian\nVERSION_ID="12"\n' >"$bare/etc/os-release"
echo bare-host >"$bare/etc/hostname"

run_ld assess --host-root "$bare" --docker-host "$nosock" --format json
assert_true "a report was written (exit 0 or 1, not $LD_EXIT)" test "$LD_EXIT" -le 1
assert_json '[.tiers[].name] == ["host","containers","images","orchestrator","registries","runtime"]' \
    "every tier is recorded, in order"
assert_json '.tiers[] | select(.name == "host") | .state == "partly assessed" and (.reason | test("packages"))' \
    "host without a package database: partly assessed, the packages named as why"
assert_json '.tiers[] | select(.name == "containers") | .state == "not applicable" and (.reason | test("not installed"))' \
    "no Docker under the root: containers not applicable, and why"
assert_json '.tiers[] | select(.name == "orchestrator") | .state == "not applicable" and (.reason | test("kubeconfig"))' \
    "no Kubernetes: orchestrator not applicable"
assert_json '[.tiers[] | select(.state == "assessed" or .state == "partly assessed") | select(.reason != null and .state == "assessed")] | length == 0' \
    "an assessed tier carries no reason"
assert_json '[.tiers[] | select(.state != "assessed" and .reason == null)] | length == 0' \
    "every tier not (fully) assessed says why"

# Docker installed under the root but its engine does not answer: the
# containers tier is not assessed (present, not read), never not applicable.
withdocker="$work/docker"
cp -a "$bare" "$withdocker"
mkdir -p "$withdocker/etc/docker" "$withdocker/usr/bin"
: >"$withdocker/usr/bin/dockerd"
run_ld assess --host-root "$withdocker" --docker-host "$nosock" --format json
assert_exit 1
assert_json '.tiers[] | select(.name == "containers") | .state == "not assessed"' \
    "engine installed and down: containers not assessed"
assert_json '.tiers[] | select(.name == "registries") | .state == "partly assessed"' \
    "engine down: the registries it uses are unknown, the trust policy was read"

# A kubeconfig that names a cluster nobody serves: not assessed, with why.
cat >"$work/kubeconfig" <<'KC'
apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "https://127.0.0.1:9"}
users:
- name: u
  user: {token: "not-a-real-token"}
contexts:
- name: x
  context: {cluster: c, user: u}
current-context: x
KC
run_ld assess --host-root "$bare" --docker-host "$nosock" --kubeconfig "$work/kubeconfig" --format json
assert_json '.tiers[] | select(.name == "orchestrator") | .state == "not assessed" and (.reason | test("not read"))' \
    "a cluster named but not read: orchestrator not assessed"

# The cloud tier exists only when AWS inputs are given (--aws DIR): then it is
# recorded after the others, with what was read, and the AWS checks join the
# report. The documents are the AWS CLI's own output shapes (its offline
# skeletons), with the fields the checks read set.
if ! test -x /usr/bin/aws; then
    skip_part "no aws (awscli, install-deps.sh --test installs it): cloud tier not run"
else
    awsdir="$work/aws"
    mkdir -p "$awsdir"
    /usr/bin/aws --region us-east-1 ecr describe-repositories --generate-cli-skeleton output |
        jq '.repositories |= [.[0] | .repositoryName = "web" | .registryId = "111122223333"
            | .repositoryArn = "arn:aws:ecr:us-east-1:111122223333:repository/web"
            | .imageTagMutability = "MUTABLE" | .imageScanningConfiguration.scanOnPush = false
            | .encryptionConfiguration = {"encryptionType": "AES256"}]' >"$awsdir/repos.json"
    assert_json_file "$awsdir/repos.json" '.repositories[0].repositoryName == "web"' \
        "the skeleton was edited into one repository"
    run_ld assess --host-root "$bare" --docker-host "$nosock" --aws "$awsdir" --format json
    assert_exit 1
    assert_json '[.tiers[].name] == ["host","containers","images","orchestrator","registries","runtime","cloud"]' \
        "--aws adds the cloud tier after the others"
    assert_json '.tiers[] | select(.name == "cloud") | .state == "assessed" and (.what | test("1 ECR repositor"))' \
        "the cloud tier says what it read"
    assert_json '[.findings[] | select(.check_id == "aws.ecr.tag-immutability" and .status == "fail")] | length == 1' \
        "the AWS checks ran inside assess (a mutable repository fails)"
    run_ld assess --host-root "$bare" --docker-host "$nosock" --aws "$work/no-such-dir" --format json
    assert_exit 3 "an --aws input that cannot be read stops assess"
    run_ld assess --host-root "$bare" --docker-host "$nosock" --format json
    assert_json '[.tiers[] | select(.name == "cloud")] | length == 0' "no AWS input: no cloud tier"
fi

# The table shows the same states.
run_ld assess --host-root "$withdocker" --docker-host "$nosock"
assert_stdout_matches '^Tiers$' "the table has a Tiers section"
assert_stdout_matches '^  containers +not assessed ' "table: containers not assessed"
assert_stdout_matches '^  orchestrator +not applicable ' "table: orchestrator not applicable"

# One run, three renderings: -o (table), --json FILE, --html FILE.
run_ld assess --host-root "$bare" --docker-host "$nosock" -o "$work/r.txt" --json "$work/r.json" \
    --html "$work/r.html"
assert_true "a report was written (exit 0 or 1, not $LD_EXIT)" test "$LD_EXIT" -le 1
assert_file_exists "$work/r.txt"
assert_json_file "$work/r.json" '.command == "assess" and (.tiers | length) == 6' "--json FILE holds the report"
gate=$(jq -r 'if .gate.failed then "FAILED" else "passed" end' "$work/r.json")
assert_true "the text report names the same gate as the JSON one ($gate)" \
    grep -q "^gate: $gate" "$work/r.txt"
assert_true "--html FILE is an HTML page" grep -qi "<html" "$work/r.html"
run_ld assess --host-root "$bare" --docker-host "$nosock" --format json -o "$work/again.json"
assert_eq "$(jq -S 'del(.started_at)' "$work/r.json")" "$(jq -S 'del(.started_at)' "$work/again.json")" \
    "--json FILE is the same report as --format json"

# Refused before any work: the same file twice, stdout as an extra output.
run_ld assess --host-root "$bare" --docker-host "$nosock" -o "$work/same" --json "$work/same"
assert_exit 2 "--json and -o on one file"
assert_stderr_contains "name the same file"
run_ld assess --host-root "$bare" --docker-host "$nosock" --json "$work/x" --html "$work/x"
assert_exit 2 "--json and --html on one file"
run_ld assess --host-root "$bare" --docker-host "$nosock" --json -
assert_exit 2 "--json - is refused (stdout belongs to -o)"
# an existing extra output is replaced only when the run produced its report
echo previous >"$work/keep.json"
run_ld assess --host-root "$bare" --docker-host "$nosock" --policy "$work/missing.yaml" --json "$work/keep.json"
assert_exit 3
assert_eq "previous" "$(cat "$work/keep.json")" "a failed run leaves --json FILE as it was"
finish
