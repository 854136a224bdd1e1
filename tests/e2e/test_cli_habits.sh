#!/usr/bin/env bash
# End-to-end: the command-line habits users bring from Trivy and
# docker-bench-security, on the real binary: "did you mean" for commands,
# subcommands and options; --check/--exclude selection by check, control or
# CIS id; --severity as a comma list in any case; --exit-code N; --fail-on
# none; .lockdownignore/.trivyignore read without a flag (expiry honoured);
# 'level' offering only what it accepts. The image is a dir: root file system
# built here, with a planted (fake, generated) AWS access key id.
set -uo pipefail
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"

# ---- did you mean ----------------------------------------------------------------
run_ld imag scan x
assert_exit 2
assert_stderr_contains 'unknown command "imag"; did you mean "image"?'
run_ld image scna x
assert_exit 2
assert_stderr_contains 'unknown subcommand "scna"; did you mean "scan"?'
run_ld image frobnicate x
assert_exit 2
assert_stderr_contains '(one of: scan, sbom, sign, verify)' "no close word: the list instead"
run_ld assess --levle high
assert_exit 2
assert_stderr_contains "unknown option '--levle'; did you mean '--level'?"
run_ld --help
assert_exit 0
for sub in "image scan" "image sbom" "docker audit" "dockerfile lint" "db update" "policy check"; do
  assert_stdout_contains "$sub" "top-level help names '$sub'"
done

# ---- level offers only what it takes ---------------------------------------------
run_ld level --help
assert_exit 0
assert_stdout_not_contains "sarif" "level --help offers no sarif"
assert_stdout_not_contains "--fail-on" "level --help offers no gate option"
run_ld level --fail-on high
assert_exit 2
assert_stderr_contains "'level' has no gate"

# ---- --check / --exclude -----------------------------------------------------------
mkdir -p "$LD_TMP/deb/etc"
printf 'ID=debian\nVERSION_ID="12"\n' >"$LD_TMP/deb/etc/os-release"
run_ld assess --host-root "$LD_TMP/deb" --docker-host unix:///nonexistent.sock --format json \
  --level high --check host.container-os
assert_json '[.findings[].check_id] | unique == ["host.container-os"]' "only the selected check"
assert_json '[.compliance.controls[] | select(.state != "out of scope") | .id] == ["NIST-HOST-01"]' \
  "every other control is out of scope"
assert_json '[.compliance.controls[] | select(.id == "CIS-DOCKER-5.5")][0].reason | contains("selection")'
run_ld assess --host-root "$LD_TMP/deb" --docker-host unix:///nonexistent.sock --format json \
  --level high --check 'NIST-HOST-*'
# the checks of the NIST-HOST-* controls, as the catalog lists them (host.container-files
# is listed by NIST-HOST-05 but not applicable on this root: no finding)
want=$("$LOCKDOWN_BIN" controls --format json | jq -c '[.controls[] | select(.id | startswith("NIST-HOST-")) | .checks[]] | unique')
assert_json "[.findings[].check_id] | unique | . - (. - $want) == . and (index(\"host.container-os\") != null) and (index(\"host.immutable\") != null)" \
  "a control-id glob selects its checks (and only theirs)"
run_ld assess --host-root "$LD_TMP/deb" --docker-host unix:///nonexistent.sock --format json \
  --level high --exclude host.container-os
assert_json '[.findings[] | select(.check_id == "host.container-os")] | length == 0' "--exclude leaves it out"
run_ld assess --check container.privlieged
assert_exit 2
assert_stderr_contains '"container.privlieged" names no check'

# ---- image scan: severity, exit code, ignore files ---------------------------------
root=$LD_TMP/root
mkdir -p "$root/etc"
printf 'ID=debian\nVERSION_ID="12"\n' >"$root/etc/os-release"
# a key id of the documented shape (AKIA + 16 of A-Z2-7), generated: not a real key
key="AKIA$(head -c 64 /dev/urandom | tr -dc 'A-Z2-7' | head -c 16)"
while ((${#key} < 20)); do key="${key}Q"; done
printf 'aws_access_key_id = %s\n' "$key" >"$root/etc/app.conf"
cd "$LD_TMP" || exit 1

run_ld image scan "dir:$root" --checks secrets --format json
assert_exit 1 "a secret fails the compliance gate"
assert_json '[.findings[] | select(.check_id == "image.secrets" and .status == "fail")] | length == 1'
assert_stdout_not_contains "$key" "the key is masked"
sev=$(jq -r '.findings[] | select(.check_id == "image.secrets" and .status == "fail") | .severity' "$LD_STDOUT_FILE")

# .trivyignore in the working directory, read without a flag
printf '# accepted\naws-access-key-id exp:2099-12-31\n' >"$LD_TMP/.trivyignore"
run_ld image scan "dir:$root" --checks secrets --format json
assert_exit 0 ".trivyignore turns the secret into an exception"
assert_json '.findings[] | select(.check_id == "image.secrets" and .status == "fail") | .exception == "listed in .trivyignore:2"'
assert_json '[.notes[] | select(startswith("ignore file .trivyignore: 1 entry"))] | length == 1'
printf 'aws-access-key-id exp:2020-01-01\n' >"$LD_TMP/.trivyignore"
run_ld image scan "dir:$root" --checks secrets --format json
assert_exit 1 "an expired entry no longer applies"
assert_json '[.notes[] | select(contains("expired on 2020-01-01"))] | length >= 1'
# .lockdownignore wins over .trivyignore
printf 'aws-access-key-id\n' >"$LD_TMP/.lockdownignore"
run_ld image scan "dir:$root" --checks secrets --format json
assert_exit 0 ".lockdownignore is read first"
assert_json '[.notes[] | select(startswith("ignore file .lockdownignore"))] | length == 1'
rm -f "$LD_TMP/.lockdownignore" "$LD_TMP/.trivyignore"

# --exit-code N: the compliance gate (exit 1) comes first; with the gate
# passing, N follows the failing findings of the chosen severities.
printf 'version: 1\nlevel: low\ngate:\n  required-controls: false\n' >"$LD_TMP/sev-only.yaml"
run_ld image scan "dir:$root" --checks secrets --policy "$LD_TMP/sev-only.yaml" --exit-code 9
assert_exit 9 "--exit-code 9 with a failing secret"
assert_stderr_contains "exit 9: 1 failing finding"
upper=$(tr '[:lower:]' '[:upper:]' <<<"$sev")
run_ld image scan "dir:$root" --checks secrets --policy "$LD_TMP/sev-only.yaml" --exit-code 9 \
  --severity "LOW,$upper"
assert_exit 9 "--severity list in upper case includes the secret's severity ($upper)"
# a list of every other severity (a list is exactly those severities)
others=$(printf '%s\n' CRITICAL HIGH MEDIUM LOW INFO | grep -vx "$upper" | paste -sd, -)
run_ld image scan "dir:$root" --checks secrets --policy "$LD_TMP/sev-only.yaml" --exit-code 9 \
  --severity "$others"
assert_exit 0 "--severity $others does not count a $sev finding"
run_ld image scan "dir:$root" --checks secrets --exit-code 3
assert_exit 2 "--exit-code 3 would be ambiguous"
run_ld image scan "dir:$root" --checks secrets --severity HIGH,EXTREME
assert_exit 2 "unknown severity in the list"

# --fail-on none turns off the policy's severity gate
printf 'version: 1\nlevel: low\ngate:\n  required-controls: false\n  fail-on: info\n' >"$LD_TMP/fail-info.yaml"
run_ld image scan "dir:$root" --checks secrets --policy "$LD_TMP/fail-info.yaml" --format json
assert_exit 1 "policy fail-on info fails on the secret"
run_ld image scan "dir:$root" --checks secrets --policy "$LD_TMP/fail-info.yaml" --format json --fail-on none
assert_exit 0 "--fail-on none turns it off"
assert_json '.gate.fail_on == null'

# ---- targets: a path that does not exist is never an engine image name --------------
for t in ./app.tar app.tar images/app.tar.gz /nonexistent/rootfs; do
  [[ $t == images/* ]] && mkdir -p "$LD_TMP/images"
  run_ld image scan "$t" --checks config
  assert_exit 3 "missing path $t: could not complete"
  assert_stderr_contains "no such file: $t" "says no such file for $t"
  assert_stderr_not_contains "engine" "$t was not sent to the engine"
done

# ---- --skip-dirs / --skip-files ---------------------------------------------------------
mkdir -p "$root/opt/app"
printf 'aws_access_key_id = %s\n' "$key" >"$root/opt/app/settings.ini"
chmod 4755 "$root/opt/app/settings.ini"
run_ld image scan "dir:$root" --checks config,secrets --format json --allow-incomplete
assert_json '[.findings[] | select(.check_id == "image.secrets" and .status == "fail") | .target.path] | sort == ["/etc/app.conf", "/opt/app/settings.ini"]'
assert_json '[.findings[] | select(.check_id == "image.setuid-files" and .status == "fail")] | length == 1'
run_ld image scan "dir:$root" --checks config,secrets --format json --allow-incomplete --skip-dirs /opt
assert_json '[.findings[] | select(.check_id == "image.secrets" and .status == "fail") | .target.path] == ["/etc/app.conf"]' \
  "--skip-dirs leaves the directory out of the secret scan"
assert_json '[.findings[] | select(.check_id == "image.setuid-files" and .status == "fail")] | length == 0' \
  "... and out of the file checks"
assert_json '[.notes[] | select(test("^[0-9]+ files? left out by --skip-dirs/--skip-files"))] | length == 1' \
  "the report says files were left out"
run_ld image scan "dir:$root" --checks secrets --format json --skip-files 'etc/*.conf,opt/app/*'
assert_json '[.findings[] | select(.check_id == "image.secrets" and .status == "fail")] | length == 0' \
  "--skip-files globs, comma list"
run_ld image sbom "dir:$LD_TMP/root" --skip-dirs etc --format json
assert_exit 0
assert_stderr_contains "left out by --skip-dirs/--skip-files"

# ---- dir: targets: one name on every row, no tag check ----------------------------------
run_ld image scan "dir:$root" --checks config,secrets --format json --allow-incomplete
assert_json '[.findings[].target.name] | unique == ["dir:'"$root"'"]' "every row names the target as given"
assert_json '.findings[] | select(.check_id == "image.tag-latest") | .status == "skipped"' \
  "a directory has no tag: not applicable"

# ---- trusted keys: a file cannot show a registry signature, so it is not assessed ------------
openssl ecparam -name prime256v1 -genkey -noout -out "$LD_TMP/k.pem" 2>/dev/null
openssl ec -in "$LD_TMP/k.pem" -pubout -out "$LD_TMP/k.pub" 2>/dev/null
printf 'version: 1\ntrusted-keys:\n  - name: ci\n    key: file:%s\n' "$LD_TMP/k.pub" >"$LD_TMP/keys.yaml"
run_ld image scan "dir:$root" --checks config --policy "$LD_TMP/keys.yaml" --format json --allow-incomplete
assert_json '[.findings[] | select(.check_id == "image.signature")] | length == 1 and .[0].status == "error" and (.[0].evidence | contains("read from a file"))' \
  "with trusted keys, a directory's signature is not assessed, and says why"
assert_json '[.compliance.controls[] | select(.id == "NIST-IMG-11")][0] | .state != "passed"' \
  "the signature control is not passed"
run_ld policy show "$LD_TMP/keys.yaml"
assert_stdout_contains "ci (file:$LD_TMP/k.pub)"
assert_stdout_not_contains "not used yet"
