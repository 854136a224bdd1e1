#!/usr/bin/env bash
# End-to-end: `lockdown image scan` on images built by the real engine from
# tests/e2e/fixtures/images/{scan-bad,scan-good} (offline, FROM the busybox
# test image):
#   - every image check fails on scan-bad and passes on scan-good;
#   - a secret planted in a lower layer and deleted in an upper one is found
#     and reported as deleted by that layer; an overwritten one likewise;
#   - look-alikes (AWS documentation keys, hashes, npm lock integrity, UUIDs,
#     random base64, test vectors under /usr/lib) are not reported;
#   - no planted secret appears in clear in table, json, sarif or junit
#     output, from docker: and docker-archive: sources;
#   - secrets a build leaves in history (a RUN printf of an AWS key, an ARG
#     token carried into a RUN) are masked everywhere lockdown prints that
#     history: secret and vulnerability findings' layer created_by, evidence;
#   - CIS 4.9: an ADD of a local file in a real build fails image.add-instruction (low);
#   - exit codes: without a vulnerability database the default checks fail
#     closed (exit 1, "not assessed") unless --allow-incomplete or
#     --checks config,secrets; --secret-max-bytes skipping files makes
#     image.secrets not assessed, never a pass; help and usage.
set -uo pipefail
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"

fx=$LOCKDOWN_SOURCE_DIR/tests/e2e/fixtures/images

# ---- help and usage (no engine needed) --------------------------------------------
run_ld image --help
assert_exit 0 "image --help"
assert_stdout_contains "scan" "image --help lists scan"
run_ld image scan --help
assert_exit 0 "image scan --help"
assert_stdout_contains "--checks LIST" "scan help documents --checks"
assert_stdout_contains "--secret-max-bytes" "scan help documents --secret-max-bytes"
run_ld image scan
assert_exit 2 "image scan without TARGET is a usage error"
run_ld image scan --checks config,bogus "dir:$fx/scan-bad/ctx"
assert_exit 2 "unknown --checks entry"
assert_stderr_contains "bogus"
run_ld image scan --secret-max-bytes 0 "dir:$fx/scan-bad/ctx"
assert_exit 2 "--secret-max-bytes 0"
run_ld image scan --severity extreme "dir:$fx/scan-bad/ctx"
assert_exit 2 "--severity extreme"

# ---- dir: source: secrets in files, no layers --------------------------------------
run_ld image scan --checks secrets -f json "dir:$fx/scan-bad/ctx"
assert_exit 1 "secrets in a directory fail the gate"
assert_json '[.findings[] | select(.check_id == "image.secrets" and .status == "fail")] | length == 4' \
  "dir: four secrets (AWS id + secret, RSA key, GitHub token)"
assert_json 'any(.findings[]; .target.path == "/secret.env" and .target.line == 2)' \
  "dir: file and line of the AWS key id"
run_ld image scan --checks secrets --secret-max-bytes 40 -f json "dir:$fx/scan-bad/ctx"
assert_exit 1 "--secret-max-bytes 40: files not scanned fail the gate closed"
assert_json '[.findings[] | select(.check_id == "image.secrets" and .status == "fail")] | length == 0' \
  "--secret-max-bytes 40 skips every planted file"
assert_json '[.findings[] | select(.check_id == "image.secrets")] | length == 1 and .[0].status == "error" and (.[0].evidence | test("not scanned"))' \
  "files skipped for size: image.secrets not assessed (error), never a pass"

# ---- vulnerability database ---------------------------------------------------------
run_ld image scan --checks vuln --db "$LD_TMP/none.db" "dir:$fx/scan-good/ctx"
assert_exit 3 "--checks vuln without a database: exit 3"
assert_stderr_contains "lockdown db update" "the hint says how to get a database"
LOCKDOWN_DB=$LD_TMP/none.db run_ld image scan "dir:$fx/scan-good/ctx"
assert_exit 1 "default checks without a database: the gate fails closed"
assert_stderr_contains "not assessed" "the gate says what was not assessed"
assert_stderr_contains "lockdown db update" "and how to get a database"
LOCKDOWN_DB=$LD_TMP/none.db run_ld image scan --allow-incomplete "dir:$fx/scan-good/ctx"
assert_exit 0 "--allow-incomplete: the clean tree passes, the gap is a note"
assert_stderr_contains "allowed by --allow-incomplete" "the note names the option"
LOCKDOWN_DB=$LD_TMP/none.db run_ld image scan --checks config,secrets "dir:$fx/scan-good/ctx"
assert_exit 0 "--checks config,secrets owes no vulnerability verdict: the clean tree passes"

# ---- images from the engine -----------------------------------------------------------
require_image lockdown-test/busybox:1
export DOCKER_BUILDKIT=0
tag=lockdown-test/scan-$$
ld_on_exit "docker rmi -f $tag-bad:latest $tag-good:1 >/dev/null 2>&1"
run_cmd docker build --network none -q -f "$fx/scan-bad/Dockerfile" -t "$tag-bad:latest" "$fx/scan-bad"
assert_exit 0 "docker build scan-bad"
run_cmd docker build --network none -q -f "$fx/scan-good/Dockerfile" -t "$tag-good:1" "$fx/scan-good"
assert_exit 0 "docker build scan-good"

policy=$LD_TMP/policy.yaml
printf 'version: 1\ntrusted-registries:\n  - registry.internal.example\n' >"$policy"

checks=(image.user-nonroot image.healthcheck image.config-secrets image.update-alone
        image.tag-latest image.base-trusted image.sensitive-port image.ssh-server
        image.setuid-files image.world-writable image.package-cache image.empty-password
        image.uid0-accounts image.sudo image.secrets)

run_ld image scan --checks config,secrets --policy "$policy" -f json "docker:$tag-bad:latest"
assert_exit 1 "scan-bad fails the gate"
cp "$LD_STDOUT_FILE" "$LD_TMP/bad.json"
for c in "${checks[@]}"; do
  assert_json "any(.findings[]; .check_id == \"$c\" and .status == \"fail\")" "scan-bad: $c fails"
done
assert_json 'any(.findings[]; .check_id == "image.add-instruction" and .status == "pass")' \
  "scan-bad: add-instruction passes (no URL ADD offline; the unit tests cover the failure)"
assert_json '.findings[] | select(.check_id == "image.secrets" and .target.path == "/app/secret.env" and .target.line == 2) | .evidence | test("aws-access-key-id") and test("deleted by layer 2")' \
  "secret in a lower layer, deleted in an upper one: found, marked deleted with the removing layer"
assert_json '.findings[] | select(.check_id == "image.secrets" and .target.path == "/root/.ssh/id_rsa") | .evidence | test("private-key-rsa") and test("overwritten by layer 4")' \
  "overwritten private key: found, marked overwritten"
assert_json '.findings[] | select(.check_id == "image.secrets" and .target.path == "/app/deploy.sh") | (.evidence | test("github-pat")) and (.evidence | test("deleted|overwritten") | not)' \
  "visible GitHub token: found, not marked removed"
assert_json '[.findings[] | select(.check_id == "image.config-secrets" and .status == "fail")] | length == 3' \
  "ENV PASSWORD, the api_token label and the build ARG: one finding each"
assert_json 'any(.findings[]; .check_id == "image.ssh-server" and (.evidence | test("config Cmd starts sshd")))' \
  "sshd in Cmd"
assert_json 'any(.findings[]; .check_id == "image.sensitive-port" and (.evidence | test("22/tcp")))' "EXPOSE 22"

run_ld image scan --checks config,secrets --policy "$policy" -f json "docker:$tag-good:1"
assert_exit 0 "scan-good passes the gate"
for c in "${checks[@]}" image.add-instruction; do
  assert_json "any(.findings[]; .check_id == \"$c\" and .status == \"pass\") and all(.findings[]; .check_id != \"$c\" or .status == \"pass\")" \
    "scan-good: $c passes"
done
assert_json '[.findings[] | select(.check_id == "image.secrets" and .status == "fail")] | length == 0' \
  "look-alikes (AWS docs keys, hashes, lock integrity, UUIDs, base64, test vectors) not reported"

# ---- no secret in clear, in any format, from docker: and docker-archive: --------------------
docker save "$tag-bad:latest" -o "$LD_TMP/bad.tar"
for src in "docker:$tag-bad:latest" "docker-archive:$LD_TMP/bad.tar"; do
  for fmt in table json sarif junit; do
    rep=$LD_TMP/out.$fmt # ("out" is run_cmd's)
    run_ld image scan --checks config,secrets -f "$fmt" -o "$rep" "$src"
    assert_exit 1 "$fmt report from ${src%%:*}"
    if [[ ! -s $rep ]]; then
      fail_plain "no $fmt report from ${src%%:*}"
    elif grep -q -F -f "$fx/scan-bad/secrets.txt" "$rep" "$LD_STDERR_FILE" ||
       grep -q -e Bu1ldT1meS3cretValue "$rep" "$LD_STDERR_FILE"; then
      fail_plain "a planted secret is in clear in the $fmt report from ${src%%:*}" \
        "$(grep -F -f "$fx/scan-bad/secrets.txt" "$rep" | head -3)"
    else
      pass "no planted secret in clear in the $fmt report from ${src%%:*}"
    fi
  done
  assert_valid_sarif "$LD_TMP/out.sarif"
done
run_ld image scan --checks secrets -f json "docker-archive:$LD_TMP/bad.tar"
assert_json '[.findings[] | select(.check_id == "image.secrets" and .status == "fail")] | length == 4' \
  "docker-archive: the same four secrets"

# ---- secrets a build leaves in history: masked wherever history is printed ------------
# A real legacy build: an ARG token carried into a RUN ("|1 TOKEN=... /bin/sh
# -c ...") that printf's an AWS key (AWS's documented example, allow-listed
# as a finding but never to be shown) and a real-looking one into files, and
# writes an npm lock file naming lodash 4.17.20 — so one layer's created_by
# reaches secret findings, vulnerability findings and evidence. Plus an ADD
# of a local file (CIS 4.9).
leak_token=ghp_Lk8Qz2Wx7Nc4Vb9Rt1Ym6Hd3Fs5Gj0Pa7Ue3
leak_example=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
leak_aws=Zq8Lm2Xv4Kp7Wz1Nc6Yb3Hd5Fg0Js2Ae7Ui9OqRs
leak_ctx=$LD_TMP/leak
mkdir -p "$leak_ctx"
echo "release notes" >"$leak_ctx/notes.txt"
{
  echo "FROM lockdown-test/busybox:1"
  echo "ARG TOKEN=$leak_token"
  echo "ADD notes.txt /srv/notes.txt"
  echo "RUN mkdir -p /srv/app && printf 'aws_secret_access_key = $leak_example\\n' > /srv/app/example.ini \\"
  echo " && printf 'aws_secret_access_key = $leak_aws\\n' > /srv/app/aws.ini \\"
  echo " && printf '{\"name\":\"app\",\"version\":\"1.0.0\",\"lockfileVersion\":3,\"packages\":{\"\":{\"name\":\"app\",\"version\":\"1.0.0\"},\"node_modules/lodash\":{\"version\":\"4.17.20\"}}}' > /srv/app/package-lock.json"
  echo "USER 1000"
} >"$leak_ctx/Dockerfile"
# what may never appear: each secret past the 4 characters a mask shows
printf '%s\n' "${leak_token:4:16}" "${leak_example:4:16}" "${leak_aws:4:16}" >"$LD_TMP/leak-secrets.txt"
run_cmd docker build --network none -q -t "$tag-leak:1" "$leak_ctx"
assert_exit 0 "docker build of the image with secrets in its history"
ld_on_exit "docker rmi -f $tag-leak:1 >/dev/null 2>&1"
run_cmd docker history --no-trunc --format '{{.CreatedBy}}' "$tag-leak:1"
assert_stdout_contains "$leak_example" "the engine's own history holds the secret (what the test means to plant)"
leak_db=$LD_TMP/leak.db
run_ld db import --db "$leak_db" "$LOCKDOWN_SOURCE_DIR/tests/fixtures/feeds/match/osv-npm"
assert_exit 0 "npm advisories imported"
no_leak() { # no_leak FILE WHAT — no planted secret in FILE or the last stderr
  if grep -q -F -f "$LD_TMP/leak-secrets.txt" "$1" "$LD_STDERR_FILE"; then
    fail_plain "a secret from the image history is in clear in $2" \
      "$(grep -o -F -f "$LD_TMP/leak-secrets.txt" "$1" "$LD_STDERR_FILE" | head -3)"
  else
    pass "no secret from the image history in $2"
  fi
}
docker save "$tag-leak:1" -o "$LD_TMP/leak.tar"
for src in "docker:$tag-leak:1" "docker-archive:$LD_TMP/leak.tar"; do
  for fmt in json table sarif junit; do
    rep=$LD_TMP/leak.$fmt
    run_ld image scan --db "$leak_db" -f "$fmt" -o "$rep" "$src"
    assert_exit 1 "leak image, $fmt from ${src%%:*}: findings fail the gate"
    no_leak "$rep" "the image scan $fmt report from ${src%%:*}"
  done
  # the report does carry that layer's history (masked), on both kinds of finding
  assert_json_file "$LD_TMP/leak.json" 'any(.findings[]; .vulnerability.package == "lodash" and (.vulnerability.layer.created_by | contains("printf '"'"'aws_secret_access_key = wJal") and contains("|1 TOKEN=ghp_")))' \
    "vulnerability findings name their layer's history, masked (${src%%:*})"
  assert_json_file "$LD_TMP/leak.json" 'any(.findings[]; .check_id == "image.secrets" and .target.path == "/srv/app/aws.ini" and .status == "fail" and (.secret.layer_created_by | contains("package-lock.json")))' \
    "secret findings name their layer's history, masked (${src%%:*})"
  assert_json_file "$LD_TMP/leak.json" '[.findings[] | select(.check_id == "image.add-instruction" and .status == "fail")] | length == 1 and .[0].severity == "low" and (.[0].evidence | test("local files"))' \
    "CIS 4.9: ADD of a local file is a low-severity image.add-instruction failure (${src%%:*})"
  assert_json_file "$LD_TMP/leak.json" 'any(.findings[]; .check_id == "image.config-secrets" and .status == "fail" and (.evidence | test("TOKEN")))' \
    "the ARG token itself is a config-secrets finding (${src%%:*})"
done
finish
