#!/usr/bin/env bash
# test_aws_scan.sh — `lockdown aws scan` on exported AWS CLI JSON (the file
# mode) end to end: fixture directories are built at test time from the real
# AWS CLI's output skeletons (Debian awscli, offline; tests/e2e/aws_fixtures.sh)
# edited per case, then every aws.* check must fail on its bad case (naming the
# resource and the field in the evidence) and pass on the good one; the
# catalog's controls get their states and compliance by level is in the
# report; --check selects; an unreadable input fails the gate closed unless
# --allow-incomplete; stdin; an unknown shape and hostile JSON (huge, deep,
# wrong types, invalid UTF-8, NUL) end with exit 3 and one clean line, quickly;
# secrets from a task definition's environment appear masked only.
# No AWS account is involved: the JSON is what `aws ... --output json` prints.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Debian's awscli and python3 (with botocore), which install-deps installs, before any
# other on PATH (a pyenv shim can shadow them with another CLI version)
export PATH="/usr/bin:$PATH"
source "$(dirname "${BASH_SOURCE[0]}")/aws_fixtures.sh"
require_cmd jq aws
if ! "$AWSFX_PY" -c 'import botocore, yaml' 2>/dev/null; then
  skip "$AWSFX_PY with botocore and yaml is needed (apt-get install python3-botocore python3-yaml)"
fi

run_ld aws scan --help
if [[ $LD_EXIT != 0 ]]; then
  fail "lockdown aws scan --help (the command is not built)"
  _ld_explicit_exit=1
  exit 1
fi
assert_stdout_contains "--allow-incomplete" "aws scan --help"
run_ld aws scan
assert_exit 2 "aws scan without PATH or --region"

awsfx_skeletons "$LD_TMP/skel" || fail_plain "AWS CLI skeletons could not be made"
assert_true "most skeletons come from the aws CLI itself" \
  test "$(grep -l cli "$LD_TMP"/skel/*.origin | wc -l)" -ge 8

# ---- the EKS version the good cluster runs, from the data and today's date --------------
# The version data (data/aws-versions.yaml) has an as-of date; older than six
# months, an in-support verdict is "needs review" (warn), never a pass. The
# good cluster runs the newest listed version when it is in standard support,
# else the next minor (unknown to the data: warn); the expected states follow.
read -r GOOD_V GOOD_V_STATE EXT_V < <("$AWSFX_PY" - "$LD_REPO/data/aws-versions.yaml" <<'PY'
import datetime, sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
today = datetime.date.today()
asof = d["eks"]["as-of"]
stale = (today - asof).days > 183
vs = sorted(d["eks"]["versions"], key=lambda v: tuple(int(x) for x in v["version"].split(".")))
newest = vs[-1]
ext = [v["version"] for v in vs if v["end-standard"] <= today < v["end-extended"]]
if today < newest["end-standard"]:
    print(newest["version"], "warn" if stale else "pass", ext[-1] if ext else "-")
else:
    major, minor = newest["version"].split(".")
    print(f"{major}.{int(minor) + 1}", "warn", ext[-1] if ext else "-")
PY
)
[[ -n ${GOOD_V:-} ]] || fail_plain "could not read data/aws-versions.yaml"
echo "# good EKS version $GOOD_V (expected $GOOD_V_STATE); in extended support today: $EXT_V"
export AWSFX_EKS_VERSION=$GOOD_V AWSFX_EXT_V=$EXT_V

# ---- the good directory: everything passes ------------------------------------------------
G=$LD_TMP/good
awsfx_good_dir "$G"

cat >"$LD_TMP/policy.yaml" <<EOF
version: 1
trusted-registries: ["$AWSFX_ECR_HOST", "public.ecr.aws"]
EOF
run_ld policy check "$LD_TMP/policy.yaml"
assert_exit 0 "a policy trusting our ECR and ECR Public"

ALL_CHECKS=(aws.ecs.privileged aws.ecs.root-user aws.ecs.readonly-rootfs aws.ecs.capabilities
  aws.ecs.host-namespaces aws.ecs.init-process aws.ecs.environment-secrets aws.ecs.log-configuration
  aws.ecs.image-trusted aws.ecs.image-digest aws.ecs.resource-limits aws.ecs.host-bind-mounts
  aws.ecs.fargate-platform-version aws.ecs.public-ip aws.ecs.container-insights aws.ecs.exec-audit
  aws.ecr.scan-on-push aws.ecr.tag-immutability aws.ecr.lifecycle-policy aws.ecr.kms-encryption
  aws.ecr.repository-policy aws.ecr.pull-through-cache aws.eks.public-endpoint
  aws.eks.control-plane-logs aws.eks.secrets-encryption aws.eks.version-support
  aws.eks.nodegroup-remote-access aws.eks.imdsv2 aws.eks.addon-versions)
# checks whose good verdict depends on dated data (see above)
declare -A GOOD_STATE=([aws.eks.version-support]=$GOOD_V_STATE [aws.ecs.fargate-platform-version]='pass|warn')

# statuses CHECK — the statuses of CHECK's findings in the last report, sorted, unique
statuses() { jq -r --arg c "$1" '[.findings[] | select(.check_id == $c) | .status] | unique | join(",")' "$LD_STDOUT_FILE"; }
state() { jq -r --arg c "$1" '.compliance.controls[] | select(.id == $c) | .state' "$LD_STDOUT_FILE"; }

run_ld aws scan --policy "$LD_TMP/policy.yaml" --level high --format json "$G"
GOOD_EXIT=$LD_EXIT
cp "$LD_STDOUT_FILE" "$LD_TMP/good.json"
assert_json '[.findings[] | select(.status == "fail" or .status == "error")] | length == 0' \
  "good directory: nothing fails, nothing unassessed"
assert_json '.scope | type == "string" and length > 0' "good directory: a scope"
for c in "${ALL_CHECKS[@]}"; do
  want=${GOOD_STATE[$c]:-pass}
  got=$(statuses "$c")
  if [[ $got =~ ^($want)$ ]]; then
    pass "good: $c is $got"
  else
    fail_plain "good: $c expected $want, got '${got:-no finding}'" \
      "$(jq -c --arg c "$c" '[.findings[] | select(.check_id == $c) | {status, name: .target.name, evidence}]' "$LD_TMP/good.json" | head -c 1500)"
  fi
done
# every control of the catalog that maps an aws.* check gets a state; on the
# good directory: passed (NIST-CTR-02, the runtime-version control, needs
# review while the version data is older than six months)
mapfile -t AWS_CONTROLS < <("$AWSFX_PY" - "$LD_REPO/data/controls.yaml" <<'PY'
import sys, yaml
for c in yaml.safe_load(open(sys.argv[1]))["controls"]:
    if any(k.startswith("aws.") for k in c.get("checks") or []):
        print(c["id"])
PY
)
assert_true "the catalog maps aws.* checks to at least 15 controls (${#AWS_CONTROLS[@]})" test "${#AWS_CONTROLS[@]}" -ge 15
for ctl in NIST-CTR-06-D NIST-REG-02-B NIST-REG-03-B; do
  assert_true "$ctl maps aws.* checks" grep -qx -- "$ctl" <(printf '%s\n' "${AWS_CONTROLS[@]}")
done
for ctl in "${AWS_CONTROLS[@]}"; do
  want=passed
  [[ $ctl == NIST-CTR-02 && $GOOD_V_STATE == warn ]] && want='needs review'
  assert_eq "$want" "$(state "$ctl")" "good: control $ctl"
done
if [[ $GOOD_V_STATE == pass ]]; then
  assert_eq 0 "$GOOD_EXIT" "good directory passes the gate"
else
  # version data older than six months: one needs-review verdict, the rest pass
  run_ld aws scan --policy "$LD_TMP/policy.yaml" --exclude aws.eks.version-support \
    --exclude aws.ecs.fargate-platform-version --format json "$G"
  assert_exit 0 "good directory without the dated-data checks passes the gate"
  assert_json '.gate.failed == false' "gate not failed"
  # the same as a table (the default format)
  run_ld aws scan --policy "$LD_TMP/policy.yaml" --exclude aws.eks.version-support \
    --exclude aws.ecs.fargate-platform-version "$G"
  assert_exit 0 "the same selection as a table"
  assert_stderr_not_contains "runtime error" "the same selection as a table"
fi
run_ld aws scan --policy "$LD_TMP/policy.yaml" --level high --format json "$G"
for l in low medium high; do
  assert_json ".compliance.$l | (.required | type == \"number\") and (.assessed | type == \"number\") and has(\"passed\") and has(\"failed\")" \
    "compliance by level: $l"
done
assert_json '.compliance.medium.required > 0 and .compliance.high.required >= .compliance.medium.required' \
  "higher levels require more"
assert_json '.gate | has("failed")' "a gate in the report"

# ---- the bad directory: the good resources plus one bad resource per case -----------------
B=$LD_TMP/bad
cp -r "$G" "$B"
awsfx_bad_resources "$B"

# CHECK | the failing resource's name | what the evidence must say (ERE, any case)
EXPECT=(
  "aws.ecs.privileged|bad-priv:1|privileged.*true"
  "aws.ecs.root-user|bad-root:1|user.*root"
  "aws.ecs.readonly-rootfs|bad-rootfs:1|readonlyRootFilesystem"
  "aws.ecs.capabilities|bad-caps:1|SYS_ADMIN"
  "aws.ecs.host-namespaces|bad-hostnet:1|networkMode.*host"
  "aws.ecs.host-namespaces|bad-hostpid:1|pidMode.*host"
  "aws.ecs.init-process|bad-init:1|initProcessEnabled"
  "aws.ecs.environment-secrets|bad-secret:1|environment"
  "aws.ecs.log-configuration|bad-nolog:1|logConfiguration"
  "aws.ecs.image-trusted|bad-untrusted:1|docker.io"
  "aws.ecs.image-digest|bad-tag:1|team/app:1.2"
  "aws.ecs.resource-limits|bad-limits:1|memory"
  "aws.ecs.host-bind-mounts|bad-mount:1|/var/run/docker.sock"
  "aws.ecs.fargate-platform-version|bad-platform|1\\.3\\.0"
  "aws.ecs.public-ip|bad-public-ip|assignPublicIp.*ENABLED"
  "aws.ecs.container-insights|bad-insights|containerInsights"
  "aws.ecs.exec-audit|bad-exec-svc|logging|kmsKeyId"
  "aws.ecr.scan-on-push|legacy/noscan|scan"
  "aws.ecr.tag-immutability|team/bad-mutable|MUTABLE"
  "aws.ecr.lifecycle-policy|team/bad-nolifecycle|lifecycle"
  "aws.ecr.kms-encryption|team/bad-aes|AES256"
  "aws.ecr.repository-policy|team/bad-policy|Principal|\\*"
  "aws.ecr.pull-through-cache|docker-hub|registry-1\\.docker\\.io"
  "aws.eks.public-endpoint|bad-public|0\\.0\\.0\\.0/0"
  "aws.eks.control-plane-logs|bad-logs|audit"
  "aws.eks.secrets-encryption|bad-noenc|encryption"
  "aws.eks.version-support|bad-old|1\\.23"
  "aws.eks.nodegroup-remote-access|bad-ssh-ng|ssh|remoteAccess"
  "aws.eks.imdsv2|bad-imds-ng|optional"
  "aws.eks.addon-versions|coredns|v1\\.11\\.4-eksbuild\\.2"
)
[[ $EXT_V != - ]] && EXPECT+=("aws.eks.version-support|bad-extended|extended")

run_ld aws scan --policy "$LD_TMP/policy.yaml" --level high --format json "$B"
assert_exit 1 "bad directory fails the gate"
cp "$LD_STDOUT_FILE" "$LD_TMP/bad.json"
# the finding of CHECK about resource NAME (by name, or by the end of its ARN/id)
finding_of() {
  jq -c --arg c "$1" --arg n "$2" '[.findings[] | select(.check_id == $c and .status == "fail")
    | select(.target.name == $n or ((.target.id // "") | endswith("/" + $n)))]' "$LD_TMP/bad.json"
}
for e in "${EXPECT[@]}"; do
  IFS='|' read -r c n re <<<"$e"
  re=${e#"$c|$n|"}
  f=$(finding_of "$c" "$n")
  if [[ $(jq 'length' <<<"$f") == 0 ]]; then
    fail_plain "bad: $c does not fail on $n" \
      "$(jq -c --arg c "$c" '[.findings[] | select(.check_id == $c) | {status, id: .target.id, name: .target.name, evidence}]' "$LD_TMP/bad.json" | head -c 1500)"
  elif jq -e --arg re "$re" 'any(.[]; (.evidence // "") | test($re; "i"))' <<<"$f" >/dev/null; then
    pass "bad: $c fails on $n, evidence matches /$re/"
  else
    fail_plain "bad: $c fails on $n but the evidence lacks /$re/" "$(jq -c '[.[].evidence]' <<<"$f" | head -c 1000)"
  fi
done
# nothing fails on the good resources in the bad directory either
GOOD_NAMES='["good-app:1","good-svc","good-exec-svc","good-cluster","team/app","team/web","ecr-public","good-eks","good-ng","vpc-cni"]'
assert_json_file "$LD_TMP/bad.json" "[.findings[] | select(.status == \"fail\" and (.target.name as \$n | $GOOD_NAMES | index(\$n)))] | length == 0" \
  "bad: no failure names a good resource"
assert_json_file "$LD_TMP/bad.json" '[.findings[] | select(.status == "fail") | .target.kind] | unique == ["aws"]' \
  "bad: every failure is about an AWS target"
assert_json_file "$LD_TMP/bad.json" '[.findings[] | select(.status == "fail") | .target.path | type == "string" and length > 0] | all' \
  "bad: every failure names the file it came from"
for ctl in "${AWS_CONTROLS[@]}"; do
  s=$(jq -r --arg c "$ctl" '.compliance.controls[] | select(.id == $c) | .state' "$LD_TMP/bad.json")
  assert_eq failed "$s" "bad: control $ctl"
done
assert_json_file "$LD_TMP/bad.json" '[.compliance.controls[] | select(.id == "NIST-CTR-06-D" or .id == "NIST-REG-02-B" or .id == "NIST-REG-03-B")] | length == 3' \
  "bad: the AWS controls are in the compliance list"

# the secrets: found, and masked everywhere
assert_json_file "$LD_TMP/bad.json" '[.findings[] | select(.check_id == "aws.ecs.environment-secrets" and .status == "fail")] | length >= 1' \
  "the secrets in environment are found"
assert_json_file "$LD_TMP/bad.json" '[.findings[] | select(.check_id == "aws.ecs.environment-secrets" and .status == "fail") | .evidence] | all(test("AKIA\\*{4,}") and test("AWS_SECRET_ACCESS_KEY") and test("DB_PASSWORD"))' \
  "the evidence names each variable with its value masked"
for fmt in json table sarif junit html; do
  run_ld aws scan --policy "$LD_TMP/policy.yaml" --format "$fmt" "$B"
  for v in "$AWSFX_SECRET_KEY_ID" "$AWSFX_SECRET_ACCESS_KEY" "$AWSFX_SECRET_PASSWORD"; do
    if grep -qF -- "$v" "$LD_STDOUT_FILE" "$LD_STDERR_FILE"; then
      fail "--format $fmt prints a secret in clear (${v:0:4}...)"
    else
      pass "--format $fmt: ${v:0:4}... not in the output"
    fi
  done
done

# ---- --check selects ---------------------------------------------------------------------
run_ld aws scan --policy "$LD_TMP/policy.yaml" --check 'aws.ecr.*' --format json "$B"
assert_exit 1 "--check aws.ecr.* on the bad directory"
assert_json '[.findings[].check_id] | length > 0 and all(startswith("aws.ecr."))' "only ECR findings"
assert_json '[.findings[] | select(.status == "fail") | .check_id] | unique | length == 6' \
  "all six ECR checks fail"
run_ld aws scan --policy "$LD_TMP/policy.yaml" --check 'aws.ecr.*' "$G"
assert_exit 0 "--check aws.ecr.* on the good directory"

# ---- an unreadable input under a directory: not assessed, the gate fails closed -----------
P=$LD_TMP/partial
cp -r "$G" "$P"
head -c 200 "$G/ecr/repositories-team%2Fapp.json" >"$P/ecr/repositories-broken.json"
run_ld aws scan --policy "$LD_TMP/policy.yaml" --check 'aws.ecr.*' --format json "$P"
assert_exit 1 "a broken file under the directory"
assert_json '[.findings[] | select(.status == "error")] | length > 0' "checks are not assessed"
assert_json '[.findings[] | select(.status == "pass")] | length == 0' "and never pass"
assert_json '[.. | strings | select(contains("repositories-broken.json"))] | length > 0' \
  "the report names the unread file"
run_ld aws scan --policy "$LD_TMP/policy.yaml" --check 'aws.ecr.*' --allow-incomplete --format json "$P"
assert_exit 0 "--allow-incomplete"
# a file without read permission (as root, read by an unprivileged user through setpriv)
NP=$LD_TMP/noperm
cp -r "$G" "$NP"
cp "$LD_TMP/policy.yaml" "$NP/../noperm-policy.yaml"
chmod 000 "$NP/ecr/repositories-team%2Fweb.json"
as_user=()
if ((EUID == 0)); then
  if command -v setpriv >/dev/null 2>&1; then
    chmod 755 "$LD_TMP"
    chmod -R a+rX "$NP" "$LD_TMP/noperm-policy.yaml"
    chmod 000 "$NP/ecr/repositories-team%2Fweb.json"
    as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
  fi
fi
if ((EUID == 0)) && ((${#as_user[@]} == 0)); then
  skip_part --optional "running as root without setpriv: a mode-000 file stays readable"
else
  run_cmd "${as_user[@]}" "$LOCKDOWN" aws scan --policy "$LD_TMP/noperm-policy.yaml" --check 'aws.ecr.*' --format json "$NP"
  assert_exit 1 "a file without read permission under the directory"
  assert_json '([.findings[] | select(.status == "error")] | length > 0) and ([.findings[] | select(.status == "pass")] | length == 0)' \
    "not assessed, never passed"
  assert_json '[.. | strings | select(contains("repositories-team%2Fweb.json"))] | length > 0' "the unreadable file is named"
  run_cmd "${as_user[@]}" "$LOCKDOWN" aws scan --policy "$LD_TMP/noperm-policy.yaml" --check 'aws.ecr.*' --allow-incomplete "$NP"
  assert_exit 0 "--allow-incomplete with an unreadable file"
fi
chmod 700 "$LD_TMP"

# ---- stdin -------------------------------------------------------------------------------
LD_STDIN=$B/ecs/task-definitions/bad-priv.json run_ld aws scan --check aws.ecs.privileged --format json -
assert_exit 1 "a privileged task definition on stdin"
assert_json '[.findings[] | select(.status == "fail") | .target.name] == ["bad-priv:1"]' "stdin: the failing one"
assert_json '[.findings[] | select(.status == "fail") | .target.path] == ["-"]' "stdin: path -"
LD_STDIN=$G/ecs/task-definitions/good-app.json run_ld aws scan --check aws.ecs.privileged --format json -
assert_exit 0 "a good task definition on stdin"
# a registered task definition (the taskDefinition member itself) is read too
jq .taskDefinition "$B/ecs/task-definitions/bad-root.json" >"$LD_TMP/registered.json"
run_ld aws scan --check aws.ecs.root-user --format json "$LD_TMP/registered.json"
assert_exit 1 "a registered task definition with user root"

# ---- unknown shapes and hostile JSON: exit 3 with one clean line, quickly -----------------
H=$LD_TMP/hostile
mkdir -p "$H"
printf '{"kind": "Pod", "apiVersion": "v1"}\n' >"$H/unknown-shape.json"
printf '{"taskDefinition": []}\n' >"$H/td-array.json"
printf '{"services": "x"}\n' >"$H/services-string.json"
printf '{"clusters": {"a": 1}}\n' >"$H/clusters-object.json"
printf '{"cluster": 7}\n' >"$H/cluster-number.json"
printf '{"repositories": [1, "a", null]}\n' >"$H/repositories-scalars.json"
printf '{"nodegroup": {"nodegroupName": ["x"], "clusterName": {}}}\n' >"$H/nodegroup-types.json"
printf '{"taskDefinition": {"family": "a\xff\xfeb", "containerDefinitions": []}}\n' >"$H/invalid-utf8.json"
printf '{"taskDefinition": {"family": "a\0b", "containerDefinitions": []}}\n' >"$H/nul.json"
printf 'null\n' >"$H/null.json"
: >"$H/empty.json"
"$AWSFX_PY" -c '
import sys
n = 100000
sys.stdout.write("{\"taskDefinition\": " + "[" * n + "]" * n + "}\n")' >"$H/deep.json"
{ # 65 MiB: over the 64 MiB input limit, valid JSON otherwise
  printf '{"taskDefinition": {"family": "big", "containerDefinitions": [], "pad": "'
  head -c $((65 * 1024 * 1024)) /dev/zero | tr '\0' 'A'
  printf '"}}\n'
} >"$H/huge.json"
for f in "$H"/*.json; do
  b=$(basename "$f")
  start=$(date +%s%N)
  run_ld aws scan --format json "$f"
  ms=$((($(date +%s%N) - start) / 1000000))
  assert_exit 3 "$b"
  lines=$(grep -c '' "$LD_STDERR_FILE" || true)
  if [[ $lines == 1 ]] && ! grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$LD_STDERR_FILE" && grep -qF "$b" "$LD_STDERR_FILE"; then
    pass "$b: one clean line naming the file ($(head -c 160 "$LD_STDERR_FILE"))"
  else
    fail "$b: expected one clean line on stderr naming the file, got $lines"
  fi
  assert_stderr_not_contains "Sanitizer" "$b"
  assert_stderr_not_contains "runtime error" "$b"
  assert_true "$b: done in ${ms} ms (< 10 s)" test "$ms" -lt 10000
done
# a hostile file under a directory: recorded unread, the rest judged, gate closed
mkdir -p "$LD_TMP/mixed"
cp "$G/ecs/task-definitions/good-app.json" "$H/deep.json" "$H/invalid-utf8.json" "$LD_TMP/mixed/"
run_ld aws scan --check aws.ecs.privileged --format json "$LD_TMP/mixed"
assert_exit 1 "hostile files under a directory fail the gate closed"
assert_json '[.findings[] | select(.status == "pass")] | length == 0' "nothing passes beside unread files"
