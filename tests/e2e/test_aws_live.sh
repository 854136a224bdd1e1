#!/usr/bin/env bash
# test_aws_live.sh — `lockdown aws scan --region R --endpoint-url URL` end to
# end: the live path (src/aws/aws_live.c, aws_api.c, ec2_xml.c, sigv4.c,
# credentials.c) against tests/e2e/aws_standin.py.
#
# No AWS endpoint is reachable from the test machines: the stand-in replaces
# AWS. It serves ECS, ECR, EKS and EC2 answers on one HTTPS port (a test CA
# made here) from tests/e2e/fixtures/aws-live/ (AWS CLI output shapes, from
# `aws ... --generate-cli-skeleton output`, edited per case), and it VERIFIES
# EVERY REQUEST'S SigV4 SIGNATURE by recomputing it with botocore's
# SigV4Auth from the request it received and the test credentials; a
# mismatch is answered 403 InvalidSignatureException and logged.
#
# Asserts: every request verified (N verified, 0 bad) with credentials from
# the environment and from a shared credentials file profile; the findings
# equal a file-mode scan of the same fixture files; three 429 throttling
# answers then success, retried after the Retry-After spacing; expired
# credentials: exit 3, one line naming the credentials' source, no secret on
# stderr; AccessDenied on GetLifecyclePolicy: the lifecycle check not
# assessed and the gate failing closed; pagination (one item a page)
# followed to the same findings; a wrong secret key is caught by the
# stand-in's verifier (so "verified" means something); hostile answers (a
# message with terminal escapes, 17 MiB, not JSON) end cleanly.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Debian's awscli and python3 (with botocore), which install-deps installs, before any
# other on PATH (a pyenv shim can shadow them with another CLI version)
export PATH="/usr/bin:$PATH"

require_cmd jq openssl
PY=/usr/bin/python3
if ! "$PY" -c 'import botocore.auth' 2>/dev/null; then
  skip "no python3-botocore for /usr/bin/python3: the stand-in cannot verify signatures (apt-get install python3-botocore)"
fi

D=$LD_TMP/aws
FIXTURES=$LD_REPO/tests/e2e/fixtures/aws-live
AKID=AKIAIOSFODNN7EXAMPLE
SECRET='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
TOKEN='IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENvalue0123456789'
mkdir -p "$D/home"

# ---- certificates and the stand-in ----------------------------------------------
(
  cd "$D" || exit 1
  ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.crt -days 2 -subj /CN=aws-standin-ca &&
    openssl req "${ec[@]}" -keyout server.key -out server.csr -subj /CN=aws-standin &&
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext &&
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt \
      -days 2 -extfile server.ext
) >"$D/openssl.log" 2>&1 || {
  fail_plain "openssl could not make the test certificates" "$(cat "$D/openssl.log")"
  finish
}

CONFIG=$D/config.json
LOG=$D/standin.log
echo '{}' >"$CONFIG"
: >"$LOG"
"$PY" "$LD_REPO/tests/e2e/aws_standin.py" --cert "$D/server.crt" --key "$D/server.key" \
  --fixtures "$FIXTURES" --config "$CONFIG" --log "$LOG" --port-file "$D/port" \
  --access-key "$AKID" --secret-key "$SECRET" --session-token "$TOKEN" \
  >"$D/standin.out" 2>&1 &
STANDIN_PID=$!
ld_on_exit "kill $STANDIN_PID 2>/dev/null"
for ((i = 0; i < 300; i++)); do
  [[ -s $D/port ]] && break
  kill -0 "$STANDIN_PID" 2>/dev/null || break
  sleep 0.1
done
if [[ ! -s $D/port ]]; then
  fail_plain "the AWS stand-in did not start" "$(cat "$D/standin.out")"
  finish
fi
URL=https://127.0.0.1:$(cat "$D/port")

# mode JSON: the stand-in's behaviour for the next scan; clears its log
mode() {
  printf '%s\n' "$1" >"$CONFIG"
  : >"$LOG"
}

# scan_live [VAR=VALUE...] -- [lockdown args...]: a live scan with a clean AWS
# environment (HOME is a scratch directory, so no ~/.aws of this machine)
scan_live() {
  local vars=()
  while (($#)) && [[ $1 != -- ]]; do vars+=("$1"); shift; done
  shift
  run_cmd env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
    -u AWS_PROFILE -u AWS_REGION -u AWS_DEFAULT_REGION -u AWS_CA_BUNDLE \
    -u AWS_SHARED_CREDENTIALS_FILE -u AWS_CONFIG_FILE -u AWS_CONTAINER_CREDENTIALS_FULL_URI \
    -u AWS_CONTAINER_CREDENTIALS_RELATIVE_URI HOME="$D/home" AWS_EC2_METADATA_DISABLED=true \
    "${vars[@]}" "$LOCKDOWN" aws scan --region us-east-1 --endpoint-url "$URL" \
    --ca-bundle "$D/ca.crt" --no-metadata --format json "$@"
}
ENV_CREDS=(AWS_ACCESS_KEY_ID="$AKID" AWS_SECRET_ACCESS_KEY="$SECRET" AWS_SESSION_TOKEN="$TOKEN")

verified() { jq -s '[.[] | select(.verified)] | length' "$LOG"; }
bad() { jq -s '[.[] | select(.verified | not)] | length' "$LOG"; }

# every request the stand-in saw was signed right, and there were some
assert_all_verified() { # assert_all_verified DESC
  local v b
  v=$(verified)
  b=$(bad)
  if ((v > 0 && b == 0)); then
    pass "$1: the stand-in verified all $v requests' SigV4 signatures, 0 bad"
  else
    fail_plain "$1: $v verified, $b bad signatures" "$(jq -c 'select(.verified | not)' "$LOG" | head -5)"
  fi
}

# The findings without where they came from (a file or an API call), for
# comparing a live scan with a file-mode scan of the same fixture JSON.
NORM='[.findings[] | {check_id, status, id: .target.id,
        name: (if .target.id == "scan" then null else .target.name end),
        evidence: ((.evidence // "") | gsub(" in [^ )]*( us-east-1)?\\)"; ")"))}] | sort_by(tostring)'
assert_same_findings() { # assert_same_findings DESC (stdout of the last run vs the file scan)
  local d
  if d=$(diff <(jq -S "$NORM" "$D/file.json") <(jq -S "$NORM" "$LD_STDOUT_FILE")); then
    pass "$1: findings equal the file-mode scan's ($(jq '.findings | length' "$D/file.json") findings)"
  else
    fail "$1: findings differ from the file-mode scan of the same JSON" "$d"
  fi
}

# ---- the reference: a file-mode scan of the fixture JSON --------------------------
run_ld aws scan "$FIXTURES" --format json
cp "$LD_STDOUT_FILE" "$D/file.json"
assert_exit 1 "file-mode scan of the fixture fails the gate"
assert_json_file "$D/file.json" '.findings | length > 20' "file-mode scan has findings"

# ---- credentials from the environment ----------------------------------------------
mode '{}'
scan_live "${ENV_CREDS[@]}" --
assert_exit 1 "live scan (env credentials) fails the gate like the file scan"
assert_all_verified "env credentials"
assert_same_findings "env credentials"
assert_json '.scope | test("credentials: environment")' "scope names the credentials' source"
assert_json '.scope | test("account 123456789012")' "scope names the account from the ARNs"
assert_stderr_not_contains "$SECRET" "no secret key on stderr"
assert_stdout_not_contains "$SECRET" "no secret key in the report"
assert_stdout_not_contains "$TOKEN" "no session token in the report"
for op in ListClusters DescribeClusters ListServices DescribeServices ListTaskDefinitionFamilies \
  DescribeTaskDefinition DescribeRepositories GetLifecyclePolicy GetRepositoryPolicy \
  GetRegistryScanningConfiguration DescribeRegistry DescribePullThroughCacheRules DescribeCluster \
  ListNodegroups DescribeNodegroup ListAddons DescribeAddon DescribeAddonVersions \
  DescribeLaunchTemplateVersions; do
  n=$(jq -s --arg op "$op" '[.[] | select(.op == $op)] | length' "$LOG")
  if ((n > 0)); then pass "called $op ($n)"; else fail_plain "never called $op"; fi
done
assert_eq 0 "$(jq -s '[.[] | select(.method != "GET" and .method != "POST")] | length' "$LOG")" \
  "only GET (EKS) and POST (JSON 1.1, EC2 query) requests"
assert_eq 2 "$(jq -s '[.[] | select(.op == "GetLifecyclePolicy" and .status == 200)] | length' "$LOG")" \
  "two lifecycle policies read"
assert_json '[.findings[] | select(.check_id == "aws.ecr.lifecycle-policy" and .status == "fail")
             | .evidence] | any(test("LifecyclePolicyNotFoundException"))' \
  "LifecyclePolicyNotFoundException from the API is an absence (failed), not unread"

# ---- credentials from a shared credentials file profile -----------------------------
cat >"$D/credentials" <<EOF
[default]
aws_access_key_id = AKIADEFAULTWRONGKEY0
aws_secret_access_key = not-the-right-secret

[auditor]
aws_access_key_id = $AKID
aws_secret_access_key = $SECRET
aws_session_token = $TOKEN
EOF
chmod 600 "$D/credentials"
mode '{}'
scan_live AWS_SHARED_CREDENTIALS_FILE="$D/credentials" -- --profile auditor
assert_exit 1 "live scan (profile auditor) fails the gate like the file scan"
assert_all_verified "shared credentials file profile"
assert_same_findings "shared credentials file profile"
assert_json '.scope | test("credentials: .*credentials.*auditor")' "scope names the file and profile"

# ---- a wrong secret: the stand-in's verifier catches it -------------------------------
mode '{}'
scan_live AWS_ACCESS_KEY_ID="$AKID" AWS_SECRET_ACCESS_KEY="wrong$SECRET" AWS_SESSION_TOKEN="$TOKEN" --
assert_exit 3 "a wrongly signed request stops the scan"
assert_true "the stand-in logged the bad signature" test "$(bad)" -ge 1
assert_stderr_contains "InvalidSignatureException" "the refusal is named"
assert_stderr_not_contains "wrong$SECRET" "no secret key on stderr"

# ---- throttling: 429 three times, then an answer ------------------------------------
mode '{"throttle": {"op": "DescribeRepositories", "times": 3, "retry_after": 1}}'
scan_live "${ENV_CREDS[@]}" --
assert_exit 1 "throttled scan completes (gate as the file scan)"
assert_all_verified "throttled"
assert_same_findings "throttled"
assert_eq "429 429 429 200" \
  "$(jq -rs '[.[] | select(.op == "DescribeRepositories") | .status] | map(tostring) | join(" ")' "$LOG")" \
  "DescribeRepositories answered 429 x3 then 200"
gaps=$(jq -rs '[.[] | select(.op == "DescribeRepositories") | .t] as $t
               | [range(1; $t | length) | $t[.] - $t[. - 1]] | map(. * 1000 | floor) | join(" ")' "$LOG")
ok=1
for g in $gaps; do ((g >= 900)) || ok=0; done
if [[ $ok == 1 && -n $gaps ]]; then
  pass "retries spaced by the Retry-After of 1 s (gaps in ms: $gaps)"
else
  fail_plain "retries not spaced by Retry-After: gaps in ms: '$gaps'"
fi
assert_json '.scope | test("3 retried")' "the report's scope counts 3 retries"

# ---- throttled past the attempts: could not complete ----------------------------------
mode '{"throttle": {"op": "ListClusters", "times": 50}}'
scan_live "${ENV_CREDS[@]}" --
assert_exit 3 "throttled past max attempts: exit 3"
assert_stderr_contains "ThrottlingException" "the throttling is named"
assert_eq 5 "$(jq -s '[.[] | select(.op == "ListClusters")] | length' "$LOG")" \
  "5 attempts (the default) and no more"

# ---- expired credentials -----------------------------------------------------------
mode '{"expired": true}'
scan_live "${ENV_CREDS[@]}" --
assert_exit 3 "expired credentials: exit 3"
assert_eq 1 "$(grep -c . "$LD_STDERR_FILE")" "one line on stderr"
assert_stderr_contains "AWS refused the credentials from environment: ExpiredTokenException: The security token included in the request is expired" \
  "the line names the source and the refusal"
assert_stderr_not_contains "$SECRET" "no secret key on stderr"
assert_stderr_not_contains "$TOKEN" "no session token on stderr"
assert_eq 1 "$(jq -s 'length' "$LOG")" "the scan stopped at the first refusal"

# ---- AccessDenied on GetLifecyclePolicy --------------------------------------------
mode '{"deny": ["GetLifecyclePolicy"]}'
scan_live "${ENV_CREDS[@]}" --
assert_exit 1 "AccessDenied on one call: the scan goes on, the gate fails"
assert_all_verified "access denied"
assert_json '[.findings[] | select(.check_id == "aws.ecr.lifecycle-policy")] | length > 0
             and all(.status == "error")' "aws.ecr.lifecycle-policy not assessed (no pass, no fail)"
assert_json '.gate.failed and .gate.incomplete' "the gate fails closed (incomplete)"
assert_stderr_contains "ecr:GetLifecyclePolicy web: access denied" "the unread call is named"
assert_json '[.findings[] | select(.check_id == "aws.ecs.privileged")] | length > 0' \
  "the other services were still read"

# ---- hostile answers: escapes in a message, too big, not JSON ------------------------
mode '{"deny": ["DescribeRegistry"], "evil_message": true}'
scan_live "${ENV_CREDS[@]}" -- --services ecr
assert_stderr_contains "ecr:DescribeRegistry: access denied" "the refused call is named"
assert_stderr_contains '\x1b]0;pwned' "the server's message is shown, its escapes made visible"
if grep -q $'\x1b' "$LD_STDERR_FILE" || grep -q $'\x07' "$LD_STDERR_FILE"; then
  fail "the server's terminal escapes reached stderr"
else
  pass "the server's message reaches stderr with its escapes neutralised"
fi
assert_stdout_not_contains $'\x1b' "no raw escape in the report"

mode '{"huge": ["DescribeRegistry"]}'
scan_live "${ENV_CREDS[@]}" -- --services ecr
assert_exit 3 "a 17 MiB answer: could not complete"
assert_stderr_contains "larger than 16777216 bytes" "the size limit is named"

mode '{"garbage": ["DescribeRegistry"]}'
scan_live "${ENV_CREDS[@]}" -- --services ecr
assert_exit 3 "an answer that is not JSON: could not complete"
assert_stderr_contains "ecr:DescribeRegistry" "the call is named"

# ---- pagination -----------------------------------------------------------------
mode '{"page_size": 1}'
scan_live "${ENV_CREDS[@]}" --
assert_exit 1 "paginated scan completes"
assert_all_verified "paginated"
assert_same_findings "one item a page"
for op in ListClusters ListServices ListTaskDefinitionFamilies DescribeRepositories ListNodegroups ListAddons; do
  p=$(jq -s --arg op "$op" '[.[] | select(.op == $op and .status == 200) | .page] | max' "$LOG")
  if [[ $p =~ ^[0-9]+$ ]] && ((p >= 1)); then
    pass "$op pages followed (last page index $p)"
  else
    fail_plain "$op: no second page requested (max page: $p)"
  fi
done


# A connection that cannot be made is tried again with back-off (as the
# SDKs' standard retry mode does), then exit 3 naming the attempts.
closed_port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
run_cmd env HOME="$D/home" "${ENV_CREDS[@]}" "$LOCKDOWN" aws scan --region us-east-1 --no-metadata \
    --endpoint-url "https://127.0.0.1:$closed_port" --ca-bundle "$D/ca.crt"
assert_exit 3 "nothing listening: exit 3"
assert_stderr_contains "(after 5 attempts)"

finish
