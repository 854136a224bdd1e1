#!/usr/bin/env bash
# test_aws_export.sh — scripts/aws-export.sh end to end with the real AWS CLI
# (Debian awscli) against tests/e2e/aws_standin.py, a local HTTPS stand-in for
# the ECS, ECR, EKS and EC2 APIs that verifies every request's SigV4 signature
# with botocore's signer (no AWS endpoint is reachable here: the stand-in
# replaces AWS, answering from CLI-shaped fixtures built by aws_fixtures.sh).
# Then `lockdown aws scan` on the exported directory must judge exactly what
# it judges on the fixtures themselves. Also: pagination (the stand-in splits
# lists in pages of 2; the CLI follows them), describe-services in batches of
# 10, the newest ACTIVE task definition revision besides the one services run,
# names with '/' and ':' as file names, "no policy" as the CLI's error text,
# a refused call (AccessDenied, expired credentials, a bad signature) stopping
# the export with the CLI's message, no credential written, modes 0700/0600.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Debian's awscli and python3 (with botocore), which install-deps installs, before any
# other on PATH (a pyenv shim can shadow them with another CLI version)
export PATH="/usr/bin:$PATH"
# the stand-in names registry 123456789012 in its "policy not found" answers
export AWSFX_ACCOUNT=123456789012
source "$(dirname "${BASH_SOURCE[0]}")/aws_fixtures.sh"
require_cmd jq aws openssl
if ! "$AWSFX_PY" -c 'import botocore' 2>/dev/null; then
  skip "$AWSFX_PY with botocore is needed (apt-get install python3-botocore)"
fi
EXPORT=$LD_REPO/scripts/aws-export.sh
STANDIN=$LD_REPO/tests/e2e/aws_standin.py
[[ -f $STANDIN ]] || skip "tests/e2e/aws_standin.py is not there yet"

# ---- usage -------------------------------------------------------------------------------
run_cmd bash "$EXPORT" --help
assert_exit 0 "--help"
assert_stdout_contains "lockdown aws scan"
run_cmd bash "$EXPORT"
assert_exit 1 "no OUTDIR"
assert_stderr_contains "missing OUTDIR"
run_cmd bash "$EXPORT" --services ecs,s3 "$LD_TMP/x"
assert_exit 1 "unknown service"
assert_stderr_contains "unknown service 's3'"
mkdir -p "$LD_TMP/full"
: >"$LD_TMP/full/old.json"
run_cmd bash "$EXPORT" --region us-east-1 "$LD_TMP/full"
assert_exit 1 "a non-empty OUTDIR"
assert_stderr_contains "not empty"

# ---- fixtures: the good and bad resources of test_aws_scan.sh, and more -------------------
awsfx_skeletons "$LD_TMP/skel" || fail_plain "AWS CLI skeletons could not be made"
SRC=$LD_TMP/src
awsfx_good_dir "$SRC"
awsfx_bad_resources "$SRC"
# 12 more services in good-cluster: 16 there in all, two describe-services batches
for i in $(seq -w 1 12); do
  AWSFX_CLUSTER=good-cluster awsfx_service "$SRC/ecs/services/more-$i.json" "more-$i"
done
# a newer ACTIVE revision of good-app that no service runs yet
awsfx_taskdef "$SRC/ecs/task-definitions/good-app-2.json" good-app \
  '.revision = 2 | .taskDefinitionArn |= sub(":1$"; ":2")'
# the stand-in reads one flat directory of *.json (policy absence = no file)
FX=$LD_TMP/fx
mkdir -p "$FX"
while IFS= read -r f; do
  rel=${f#"$SRC"/}
  cp "$f" "$FX/${rel//\//__}"
done < <(find "$SRC" -name '*.json')

# ---- the stand-in --------------------------------------------------------------------------
S=$LD_TMP/standin
mkdir -p "$S"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$S/key.pem" -out "$S/cert.pem" -days 1 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 ||
  fail_plain "openssl could not make the stand-in's certificate"
KEY_ID=AKIDSTANDINTEST00001
SECRET=Sx7kP2mQ9vR4tW6yZ8aB1cD3eF5gH7jK9lN2pQ4r
echo '{"page_size": 2}' >"$S/config.json"
"$AWSFX_PY" "$STANDIN" --cert "$S/cert.pem" --key "$S/key.pem" --fixtures "$FX" \
  --config "$S/config.json" --log "$S/log.jsonl" --port-file "$S/port" \
  --access-key "$KEY_ID" --secret-key "$SECRET" >"$S/standin.out" 2>&1 &
STANDIN_PID=$!
ld_on_exit "kill $STANDIN_PID"
for _ in $(seq 1 100); do [[ -s $S/port ]] && break; sleep 0.1; done
if [[ ! -s $S/port ]]; then
  fail_plain "the stand-in did not start" "$(cat "$S/standin.out")"
  _ld_explicit_exit=1
  exit 1
fi
PORT=$(<"$S/port")
URL=https://127.0.0.1:$PORT

mkdir -p "$LD_TMP/home"
# export_to OUT [OPTION...] — the export with the stand-in's credentials (env
# only; SECRET_USED overrides the secret key)
export_to() {
  local out=$1
  shift
  run_cmd env -i PATH="$PATH" HOME="$LD_TMP/home" LANG=C.UTF-8 \
    AWS_ACCESS_KEY_ID="$KEY_ID" AWS_SECRET_ACCESS_KEY="${SECRET_USED:-$SECRET}" \
    AWS_CONFIG_FILE="$LD_TMP/home/none" AWS_SHARED_CREDENTIALS_FILE="$LD_TMP/home/none" \
    AWS_EC2_METADATA_DISABLED=true \
    bash "$EXPORT" --region us-east-1 --endpoint-url "$URL" --ca-bundle "$S/cert.pem" "$@" "$out"
}

# ---- the export ------------------------------------------------------------------------------
OUT=$LD_TMP/export
export_to "$OUT"
assert_exit 0 "aws-export.sh through the stand-in"
assert_stderr_contains "calls,"
nreq=$(grep -c '' "$S/log.jsonl" || true)
assert_true "the stand-in answered the export ($nreq requests)" test "$nreq" -gt 40
assert_json_file <(jq -s . "$S/log.jsonl") 'all(.[]; .verified)' "every request's SigV4 signature verified by botocore"
assert_json_file <(jq -s . "$S/log.jsonl") '[.[] | select(.page != null and .page > 0)] | length > 0' \
  "lists came in several pages (the CLI followed nextToken)"
assert_json_file <(jq -s . "$S/log.jsonl") '[.[] | select(.op == "DescribeServices")] | length >= 3' \
  "describe-services in batches of 10 (16 services in one cluster, 1 in another)"
assert_json_file <(jq -s . "$S/log.jsonl") '[.[] | select(.status != 200) | .code] | unique - ["LifecyclePolicyNotFoundException", "RepositoryPolicyNotFoundException"] | length == 0' \
  "the only refusals were the policies that do not exist"
assert_file_exists "$OUT/ecs/task-definitions/good-app%3A1.json" "the revision services run ('/' and ':' encoded)"
assert_file_exists "$OUT/ecs/task-definitions/good-app%3A2.json" "the newest ACTIVE revision"
assert_eq 16 "$(cat "$OUT"/ecs/services/good-cluster-*.json | jq -s '[.[].services[]] | length')" \
  "every service of good-cluster exported"
assert_file_exists "$OUT/ecr/lifecycle-policies/team%2Fbad-nolifecycle.err"
assert_true "the absence is the CLI's error text" \
  grep -q 'An error occurred (LifecyclePolicyNotFoundException) when calling the GetLifecyclePolicy operation' \
  "$OUT/ecr/lifecycle-policies/team%2Fbad-nolifecycle.err"
assert_file_exists "$OUT/ecr/repository-policies/team%2Fapp.err"
assert_file_exists "$OUT/ecr/repository-policies/team%2Fbad-policy.json"
assert_file_exists "$OUT/eks/clusters/good-eks/cluster.json"
assert_true "the launch templates of the node groups" test "$(find "$OUT/eks/launch-templates" -name '*.json' | wc -l)" -eq 2
assert_true "describe-addon-versions per add-on and version" test "$(find "$OUT/eks/addon-versions" -name '*.json' | wc -l)" -eq 2
assert_eq "" "$(find "$OUT" -name '.*')" "no hidden or temporary file left"
assert_eq "" "$(find "$OUT" -type f ! -perm 600)" "files are 0600"
assert_eq "" "$(find "$OUT" -type d ! -perm 700)" "directories are 0700"
assert_false "the secret access key is written nowhere" grep -rqF -- "$SECRET" "$OUT"
assert_false "nor the access key id" grep -rqF -- "$KEY_ID" "$OUT"
assert_false "the secret access key is not printed" grep -qF -- "$SECRET" "$LD_STDOUT_FILE" "$LD_STDERR_FILE"

# ---- lockdown judges the export as it judges the fixtures -----------------------------------
cat >"$LD_TMP/policy.yaml" <<EOF
version: 1
trusted-registries: ["$AWSFX_ECR_HOST", "public.ecr.aws"]
EOF
# the verdicts: check, status, resource (pass summaries: check and status)
verdicts() {
  jq -c '[.findings[] | [.check_id, .status, (if .status == "pass" or .status == "skipped" then "" else .target.id end)]] | unique' "$LD_STDOUT_FILE"
}
run_ld aws scan --policy "$LD_TMP/policy.yaml" --level high --format json "$SRC"
assert_exit 1 "the fixtures fail the gate"
want=$(verdicts)
# what was read, resource counts per kind (the scope after "N documents): ")
counts() { jq -r '.scope | sub("^.*documents\\): "; "")' "$LD_STDOUT_FILE"; }
want_counts=$(counts)
run_ld aws scan --policy "$LD_TMP/policy.yaml" --level high --format json "$OUT"
assert_exit 1 "the export fails the gate"
got=$(verdicts)
assert_eq "$want_counts" "$(counts)" "the export holds every resource of the fixtures"
if [[ $got == "$want" ]]; then
  pass "the export's verdicts equal the fixtures' ($(jq length <<<"$got") distinct)"
else
  fail "the export's verdicts differ from the fixtures'" \
    "only in the fixtures: $(jq -nc --argjson a "$want" --argjson b "$got" '$a - $b' | head -c 1500)" \
    "only in the export: $(jq -nc --argjson a "$want" --argjson b "$got" '$b - $a' | head -c 1500)"
fi
assert_json '[.findings[] | select(.status == "error") | .target.name] - ["bad-ssh-ng"] | length == 0' \
  "nothing unassessed in the export but the node group without a launch template"
assert_json '[.findings[] | select(.check_id == "aws.ecr.lifecycle-policy" and .status == "fail") | .target.name] == ["team/bad-nolifecycle"]' \
  "the CLI's not-found text reads as no lifecycle policy"

# ---- refused calls stop the export -----------------------------------------------------------
# (ECR only from here: each run of the CLI costs about a second)
echo '{"deny": ["DescribeRepositories"]}' >"$S/config.json"
export_to "$LD_TMP/denied" --services ecr
assert_exit 1 "AccessDenied on describe-repositories"
assert_stderr_contains "aws ecr describe-repositories failed"
assert_stderr_contains "AccessDeniedException"
echo '{"deny": ["GetLifecyclePolicy"]}' >"$S/config.json"
export_to "$LD_TMP/denied-lc" --services ecr
assert_exit 1 "AccessDenied on get-lifecycle-policy is not 'no policy'"
assert_stderr_contains "aws ecr get-lifecycle-policy failed"
assert_eq "" "$(find "$LD_TMP/denied-lc" -name '*.err')" "no absence written for a refusal"
echo '{"expired": true}' >"$S/config.json"
export_to "$LD_TMP/expired" --services ecr
assert_exit 1 "expired credentials"
assert_stderr_contains "ExpiredTokenException"
assert_false "no secret in the message" grep -qF -- "$SECRET" "$LD_STDERR_FILE"
echo '{}' >"$S/config.json"
before=$(jq -s '[.[] | select(.verified | not)] | length' "$S/log.jsonl")
SECRET_USED="${SECRET%?}X" export_to "$LD_TMP/badsig" --services ecr
assert_exit 1 "a wrong secret key: the signature does not verify"
assert_stderr_contains "InvalidSignatureException"
after=$(jq -s '[.[] | select(.verified | not)] | length' "$S/log.jsonl")
assert_true "the stand-in saw the bad signature ($before -> $after)" test "$after" -gt "$before"

# ---- one service ------------------------------------------------------------------------------
export_to "$LD_TMP/ecr-only" --services ecr
assert_exit 0 "--services ecr"
assert_eq "ecr" "$(ls "$LD_TMP/ecr-only")" "only ecr/ written"
