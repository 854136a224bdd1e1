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
#   - vulnerability database handling, --secret-max-bytes, help and usage.
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
assert_json '[.findings[] | select(.check_id == "image.secrets" and .status == "fail")] | length == 0' \
  "--secret-max-bytes 40 skips every planted file"
assert_stderr_contains "not scanned" "oversize files are noted"

# ---- vulnerability database ---------------------------------------------------------
run_ld image scan --checks vuln --db "$LD_TMP/none.db" "dir:$fx/scan-good/ctx"
assert_exit 3 "--checks vuln without a database: exit 3"
assert_stderr_contains "lockdown db update" "the hint says how to get a database"
LOCKDOWN_DB=$LD_TMP/none.db run_ld image scan "dir:$fx/scan-good/ctx"
assert_stderr_contains "vulnerabilities were not assessed" "default checks without a db: note"

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
finish
