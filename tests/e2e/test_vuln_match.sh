#!/usr/bin/env bash
# End-to-end: vulnerability matching on real data. A database is built from
# the feed excerpts in tests/fixtures/feeds/match/ (real advisories, real
# fixed versions), then tests/tools/vuln_scan_driver (ld_vuln_scan, until
# `lockdown image scan --checks vuln` calls it) scans
#   - the debootstrap bookworm rootfs: OS packages matched through their
#     SOURCE package, fixed-below and fixed-equal entries not matched,
#     unimportant / no-DSA / ignored entries with their fix status;
#   - lodash@4.17.20 installed from the npm registry: GHSA + CVE ids;
#   - every filter seen to drop and to keep: --severity, --ignore-unfixed,
#     --ignore-status, the ignore file (with an expired entry), policy
#     exceptions, OpenVEX not_affected / fixed / under_investigation;
#   - an image built by the real engine FROM lockdown-test/debian:bookworm
#     with node_modules copied in a later layer: layer attribution, SARIF;
#   - the database tests' fixtures (tests/fixtures/feeds/debian, alpine):
#     exact release (a sid fix never applies to bookworm), and an Alpine
#     v3.19 apk database matched through origins against the real secdb.
# Parts skip (with the reason) when the rootfs, npm or the engine is missing.
set -uo pipefail
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"

DRIVER=${LOCKDOWN_BUILD_DIR:-$LD_REPO/build}/tests/tools/vuln_scan_driver
[[ -x $DRIVER ]] || skip "vuln_scan_driver not built ($DRIVER)"
FEEDS=$LD_REPO/tests/fixtures/feeds/match
DB=$LD_TMP/vuln.db

# assert_jsonl JQ_EXPR DESC — jq -s -e over the JSON lines of the last stdout
assert_jsonl() {
  local out
  if out=$(jq -s -e "$1" "$LD_STDOUT_FILE" 2>&1); then
    pass "$2"
  else
    LD_SHOW_LINES=12 fail "$2: jq -s -e '$1' is false or fails" "jq said: ${out:0:1000}"
  fi
}
scan() { run_cmd "$DRIVER" --db "$DB" "$@"; }
ids() { jq -r 'select(.vulnerability) | "\(.vulnerability.id) \(.vulnerability.package)"' "$LD_STDOUT_FILE" | sort | tr '\n' ' '; }

# ---- database ---------------------------------------------------------------------
run_cmd "$DRIVER" --import "$DB" "$FEEDS/debian-tracker.json" "$FEEDS/osv-npm"
assert_exit 0 'feeds imported'

# no database: error naming the way to get one
printf 'npm lodash 4.17.20\n' >"$LD_TMP/one.sbom"
run_cmd "$DRIVER" --db "$LD_TMP/none.db" --format vulnjson --sbom-lines "$LD_TMP/one.sbom"
assert_exit 3 'no database'
assert_stderr_contains "lockdown db update"

# ---- Debian rootfs ------------------------------------------------------------------
debian_part() {
  LD_DEBIAN_ROOTFS=${LOCKDOWN_DEBIAN_ROOTFS:-$LOCKDOWN_CACHE/bookworm-rootfs}
  if [[ ! -f $LD_DEBIAN_ROOTFS/var/lib/dpkg/status ]]; then
    echo "# debian part skipped: no rootfs at $LD_DEBIAN_ROOTFS (tests/harness/images.sh --debian)"
    return 0
  fi
  local root=$LD_DEBIAN_ROOTFS
  scan --format vulnjson "dir:$root"
  assert_exit 1 'bookworm rootfs scanned: findings fail the default gate'
  assert_jsonl '[.[] | select(.vulnerability.id == "CVE-2023-7008")] | map(.vulnerability.package) | sort == ["libsystemd0", "libudev1"]' \
    'CVE-2023-7008 matched through source package systemd (both binaries)'
  assert_jsonl 'all(.[] | select(.vulnerability.id == "CVE-2023-7008"); .vulnerability.source_package == "systemd" and .vulnerability.fix_status == "not-fixed" and .vulnerability.fixed_versions == [] and .status == "fail" and (.evidence | contains("source package systemd")))' \
    'no-DSA entry: not-fixed, evidence names the source package'
  assert_jsonl '[.[] | select(.vulnerability.id == "CVE-2010-4756" and .vulnerability.package == "libc6")][0] | .vulnerability.fix_status == "unimportant" and .severity == "low" and .vulnerability.severity_source == "debian-tracker" and .vulnerability.installed_version == "2.36-9+deb12u14"' \
    'unimportant glibc entry on libc6: status unimportant, severity low'
  assert_jsonl '[.[] | select(.vulnerability.id == "CVE-2023-45853")][0] | .vulnerability.fix_status == "will-not-fix" and .vulnerability.package == "zlib1g"' \
    'nodsa ignored: will-not-fix'
  assert_jsonl '[.[] | select(.vulnerability.id == "CVE-2023-4911")] == []' 'glibc fixed in deb12u3 < installed deb12u14: no match'
  assert_jsonl '[.[] | select(.vulnerability.id == "CVE-2022-48303")] == []' 'tar fixed in the installed version: no match'
  assert_jsonl '.[0].target.path == "/var/lib/dpkg/status" and .[0].title == "CVE-2010-4756 in libc-bin 2.36-9+deb12u14 (no fix: unimportant)"' \
    'title and location'

  # filters: each seen to drop and to keep
  scan --format vulnjson --ignore-unfixed "dir:$root"
  assert_jsonl '[.[] | select(.vulnerability)] == [] and (map(.note // "") | any(contains("6 matched, 0 reported, 6 filtered out (ignore-unfixed 6,")))' \
    '--ignore-unfixed drops every unfixed Debian finding (note counts them)'
  scan --format vulnjson --ignore-status unimportant,will-not-fix "dir:$root"
  assert_eq "CVE-2023-7008 libsystemd0 CVE-2023-7008 libudev1 " "$(ids)" '--ignore-status unimportant,will-not-fix keeps only not-fixed'
  run_cmd "$DRIVER" --db "$DB" --ignore-status bogus "dir:$root"
  assert_exit 3 '--ignore-status with an unknown status'
  scan --format vulnjson --severity medium "dir:$root"
  assert_eq "CVE-2023-45853 zlib1g CVE-2023-7008 libsystemd0 CVE-2023-7008 libudev1 " "$(ids)" '--severity medium drops the low (unimportant) ones'
  scan --format vulnjson --ignore-file "$FEEDS/ignore-bookworm" --now 1767225600 "dir:$root"
  assert_jsonl '[.[] | select(.vulnerability.id == "CVE-2023-7008")] == []' 'ignore file drops CVE-2023-7008'
  assert_jsonl '[.[] | select(.vulnerability.id == "CVE-2005-2541")] == []' 'ignore file entry with a future expiry applies'
  assert_jsonl '[.[] | select(.vulnerability.id == "CVE-2023-45853")] | length == 1' 'expired ignore entry no longer applies'
  assert_jsonl 'map(.note // "") | any(contains("ignore entry for CVE-2023-45853 expired on 2020-01-31"))' 'expired ignore entry noted'
  printf 'CVE-2023-7008 exp:2020-13-01\n' >"$LD_TMP/bad.ignore"
  run_cmd "$DRIVER" --db "$DB" --ignore-file "$LD_TMP/bad.ignore" "dir:$root"
  assert_exit 3 'malformed ignore file'
  assert_stderr_contains "bad.ignore:1:"

  # policy exception: the report marks the finding excepted, the gate passes
  cat >"$LD_TMP/policy.yaml" <<'YAML'
version: 1
gate:
  fail-on: medium
  required-controls: false
exceptions:
  - id: CVE-2023-7008
    reason: "resolved is not used"
  - id: CVE-2023-45853
    reason: "minizip not shipped"
    expires: 2020-01-01
YAML
  scan --format vulnjson --policy "$LD_TMP/policy.yaml" --severity medium "dir:$root"
  assert_exit 1 'gate fails: the expired exception does not cover CVE-2023-45853'
  assert_jsonl '[.[] | select(.vulnerability.id == "CVE-2023-7008")] | length == 2 and all(.exception == "resolved is not used")' \
    'policy exception matched by vulnerability id'
  assert_jsonl 'map(.note // "") | any(contains("exception for CVE-2023-45853"))' 'expired exception noted'
  scan --format vulnjson --policy "$LD_TMP/policy.yaml" --severity medium --ignore-status will-not-fix "dir:$root"
  assert_exit 0 'gate passes once the remaining finding is filtered: report and exit code agree'

  # VEX: purl with qualifiers ignored drops libsystemd0 only; image + subcomponent fixed drops zlib1g
  sed "s|IMAGE_REF|$root|" "$FEEDS/vex-systemd.json" >"$LD_TMP/vex-systemd.json"
  scan --format vulnjson --vex "$LD_TMP/vex-systemd.json" "dir:$root"
  assert_jsonl '[.[] | select(.vulnerability.id == "CVE-2023-7008")] | map(.vulnerability.package) == ["libudev1"]' \
    'VEX not_affected drops libsystemd0, keeps libudev1'
  assert_jsonl '[.[] | select(.vulnerability.id == "CVE-2023-45853")] == []' 'VEX fixed (image product, subcomponent) drops zlib1g'
  assert_jsonl "map(.note // \"\") | any(contains(\"VEX $LD_TMP/vex-systemd.json: CVE-2023-7008 is not_affected for libsystemd0\"))" \
    'VEX drop noted with the document'
  printf '{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"products":[]}]}' >"$LD_TMP/bad-vex.json"
  run_cmd "$DRIVER" --db "$DB" --vex "$LD_TMP/bad-vex.json" "dir:$root"
  assert_exit 3 'malformed VEX document'
  assert_stderr_contains "statement 0"

  # staleness: a database older than --max-db-age
  scan --format vulnjson --max-db-age 3 --now $(($(date +%s) + 10 * 86400)) "dir:$root"
  assert_jsonl 'map(.note // "") | any(test("is [0-9]+ days old .older than 3 days.: run .lockdown db update."))' 'stale database noted'
}

# ---- npm: lodash@4.17.20 from the registry -------------------------------------------
APP=$LD_TMP/app
npm_ok=0
npm_part() {
  if ! command -v npm >/dev/null; then echo "# npm part skipped: no npm"; return 0; fi
  mkdir -p "$APP" "$LOCKDOWN_CACHE/npm"
  if ! timeout 300 npm install --prefix "$APP" --cache "$LOCKDOWN_CACHE/npm" --no-audit --no-fund \
    --silent lodash@4.17.20 >"$LD_TMP/npm.log" 2>&1; then
    echo "# npm part skipped: npm install failed (no registry?): $(tail -n 3 "$LD_TMP/npm.log")"
    return 0
  fi
  npm_ok=1
  scan --format vulnjson "dir:$APP"
  assert_exit 1 'lodash app scanned: findings fail the default gate'
  assert_jsonl '[.[] | select(.vulnerability.id == "CVE-2021-23337")][0] | .vulnerability.aliases == ["GHSA-35jh-r3h4-6jhm"] and .vulnerability.fixed_versions == ["4.17.21"] and .vulnerability.fix_status == "fixed" and .severity == "high" and .vulnerability.cvss_score == 7.2 and .vulnerability.purl == "pkg:npm/lodash@4.17.20" and .target.path == "/node_modules/lodash/package.json" and .title == "CVE-2021-23337 in lodash 4.17.20 (fixed in 4.17.21)"' \
    'lodash 4.17.20: CVE-2021-23337 / GHSA-35jh-r3h4-6jhm, fixed in 4.17.21, high (CVSS 7.2)'
  assert_jsonl '[.[] | select(.vulnerability.id == "CVE-2020-28500")][0] | .severity == "medium" and .vulnerability.aliases == ["GHSA-29mw-wpgm-hmr9"]' 'CVE-2020-28500 medium'
  assert_jsonl '[.[] | select(.vulnerability.id == "CVE-2020-8203" or .vulnerability.id == "GHSA-p6mc-m468-83gw")] == []' \
    'GHSA-p6mc-m468-83gw fixed in 4.17.19 does not match 4.17.20'
  scan --format vulnjson --severity high "dir:$APP"
  assert_eq "CVE-2021-23337 lodash " "$(ids)" '--severity high keeps the high one only'
  scan --format vulnjson --ignore-unfixed "dir:$APP"
  assert_eq "CVE-2020-28500 lodash CVE-2021-23337 lodash " "$(ids)" '--ignore-unfixed keeps fixed findings'
  scan --format vulnjson --ignore-status fixed "dir:$APP"
  assert_eq "" "$(ids)" '--ignore-status fixed drops them'
  scan --format vulnjson --vex "$FEEDS/vex-lodash.json" "dir:$APP"
  assert_eq "CVE-2020-28500 lodash " "$(ids)" 'VEX not_affected drops CVE-2021-23337'
  assert_jsonl '[.[] | select(.vulnerability.id == "CVE-2020-28500")][0].evidence | contains("under_investigation: checking whether")' \
    'VEX under_investigation kept with the status noted'
  printf '# accepted\nGHSA-35jh-r3h4-6jhm\n' >"$LD_TMP/alias.ignore"
  scan --format vulnjson --ignore-file "$LD_TMP/alias.ignore" "dir:$APP"
  assert_eq "CVE-2020-28500 lodash " "$(ids)" 'ignore file matches an alias (GHSA id)'
}

# ---- layered image built by the engine ------------------------------------------------
image_part() {
  ((npm_ok)) || { echo "# image part skipped: npm part did not run"; return 0; }
  if ! engine_available || ! docker image inspect lockdown-test/debian:bookworm >/dev/null 2>&1; then
    if [[ ${LOCKDOWN_TEST_IMAGES:-0} == 1 ]]; then
      fail "engine or lockdown-test/debian:bookworm missing although LOCKDOWN_TEST_IMAGES=1"
    else
      echo "# image part skipped: no engine or no lockdown-test/debian:bookworm"
    fi
    return 0
  fi
  local tag=lockdown-test/vuln-match:$$ ctx=$LD_TMP/ctx
  mkdir -p "$ctx"
  cp -r "$APP/node_modules" "$ctx/node_modules"
  printf 'FROM lockdown-test/debian:bookworm\nCOPY node_modules /app/node_modules\n' >"$ctx/Dockerfile"
  run_cmd docker build -q -t "$tag" "$ctx"
  assert_exit 0 'docker build FROM lockdown-test/debian:bookworm'
  ld_on_exit "docker rmi -f $tag"
  local image_id
  image_id=$(docker image inspect -f '{{.Id}}' "$tag")
  scan --format vulnjson "docker:$tag"
  assert_exit 1 'layered image scanned'
  cp "$LD_STDOUT_FILE" "$LD_TMP/layered.jsonl"
  run_cmd docker history --no-trunc --format '{{.CreatedBy}}' "$tag"
  local top
  top=$(head -n 1 "$LD_STDOUT_FILE")
  assert_true 'layered image has findings' test -s "$LD_TMP/layered.jsonl"
  jq -s '[.[] | select(.vulnerability.id == "CVE-2021-23337")][0]' "$LD_TMP/layered.jsonl" >"$LD_TMP/lodash.json"
  assert_json_file "$LD_TMP/lodash.json" '.target.path == "/app/node_modules/lodash/package.json" and (.vulnerability.layer.digest | startswith("sha256:")) and (.vulnerability.layer.created_by | contains("COPY"))' \
    'lodash finding names the COPY layer'
  assert_json_file "$LD_TMP/lodash.json" ".target.id == \"$image_id\"" 'target is the image digest'
  if [[ $top == *COPY* ]]; then pass "docker history agrees: top layer is the COPY ($top)"; else fail_plain "docker history top layer: $top"; fi
  jq -s '[.[] | select(.vulnerability.package == "libudev1")][0]' "$LD_TMP/layered.jsonl" >"$LD_TMP/udev.json"
  assert_json_file "$LD_TMP/udev.json" '(.vulnerability.layer.digest | startswith("sha256:")) and (.vulnerability.layer.created_by // "" | contains("COPY") | not)' \
    'Debian findings name the base layer'
  jq -rs '[.[] | select(.vulnerability.id == "CVE-2021-23337")][0].vulnerability.layer.digest' "$LD_TMP/layered.jsonl" >"$LD_TMP/d1"
  jq -rs '[.[] | select(.vulnerability.package == "libudev1")][0].vulnerability.layer.digest' "$LD_TMP/layered.jsonl" >"$LD_TMP/d2"
  assert_false 'npm and Debian findings come from different layers' cmp -s "$LD_TMP/d1" "$LD_TMP/d2"

  # every report format carries the findings
  scan --format sarif "docker:$tag"
  assert_exit 1 'SARIF report'
  assert_json '[.runs[0].results[] | select(.ruleId != null and (.message.text | contains("CVE-2021-23337")))] | length == 1' 'SARIF result for CVE-2021-23337'
  assert_json '[.runs[0].results[] | select(.message.text | contains("CVE-2021-23337"))][0].locations[0].physicalLocation.artifactLocation.uri | contains("app/node_modules/lodash/package.json")' \
    'SARIF result points at the package file'
  assert_json '[.runs[0].results[] | select(.properties.vulnerability.id == "CVE-2021-23337")][0].properties.vulnerability | .aliases == ["GHSA-35jh-r3h4-6jhm"] and (.layer.created_by | contains("COPY"))' \
    'SARIF result properties carry the vulnerability and its layer'
  assert_valid_sarif -
  scan --format json "docker:$tag"
  assert_json '[.findings[] | select(.title | startswith("CVE-2021-23337 in lodash"))] | length == 1' 'JSON report'
  assert_json '[.findings[] | select(.vulnerability.id == "CVE-2021-23337")][0].vulnerability | .fixed_versions == ["4.17.21"] and .purl == "pkg:npm/lodash@4.17.20" and (.layer.digest | startswith("sha256:"))' \
    'JSON finding carries the vulnerability object'
  scan --format junit "docker:$tag"
  assert_stdout_contains 'CVE-2021-23337 in lodash 4.17.20'
  scan --format table "docker:$tag"
  assert_stdout_contains 'CVE-2021-23337'
}

# ---- the database tests' shared fixtures (tests/fixtures/feeds/{debian,alpine}) -------
shared_part() {
  local sdb=$LD_TMP/shared.db feeds=$LD_REPO/tests/fixtures/feeds
  if [[ ! -f $feeds/debian/tracker.json || ! -f $feeds/alpine/v3.19-main.json ]]; then
    echo "# shared-fixtures part skipped: tests/fixtures/feeds/{debian,alpine} missing"
    return 0
  fi
  run_cmd "$DRIVER" --import "$sdb" "$feeds/debian/tracker.json" "$feeds/alpine/v3.19-main.json"
  assert_exit 0 'shared feeds imported'
  LD_DEBIAN_ROOTFS=${LOCKDOWN_DEBIAN_ROOTFS:-$LOCKDOWN_CACHE/bookworm-rootfs}
  if [[ -f $LD_DEBIAN_ROOTFS/var/lib/dpkg/status ]]; then
    run_cmd "$DRIVER" --db "$sdb" --format vulnjson "dir:$LD_DEBIAN_ROOTFS"
    assert_jsonl '[.[] | select(.vulnerability.id == "CVE-2023-45853")][0].vulnerability | .fix_status == "will-not-fix" and .fixed_versions == []' \
      'exact release: the sid fix of zlib does not apply to bookworm'
    assert_jsonl '[.[] | select(.vulnerability.id == "CVE-2016-2781")][0] | .vulnerability.package == "coreutils" and .vulnerability.fix_status == "unimportant" and .severity == "low"' \
      'coreutils CVE-2016-2781 unimportant'
    assert_jsonl '[.[] | select(.vulnerability.id == "CVE-2023-4911")] == []' 'glibc fixed below installed: no match'
  fi
  # Alpine: a root file system with an apk database (real package names,
  # versions and origins of Alpine 3.19.0) matched against the real secdb
  local alp=$LD_TMP/alpine
  mkdir -p "$alp/lib/apk/db" "$alp/etc"
  printf 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.0\nPRETTY_NAME="Alpine Linux v3.19"\n' >"$alp/etc/os-release"
  printf 'P:libcrypto3\nV:3.1.4-r1\nA:x86_64\nL:Apache-2.0\no:openssl\n\nP:zlib\nV:1.3-r2\nA:x86_64\nL:Zlib\no:zlib\n\nP:musl\nV:1.2.4_git20230717-r4\nA:x86_64\nL:MIT\no:musl\n\n' \
    >"$alp/lib/apk/db/installed"
  run_cmd "$DRIVER" --db "$sdb" --format vulnjson "dir:$alp"
  assert_eq "CVE-2023-6129 libcrypto3 CVE-2023-6237 libcrypto3 CVE-2024-0727 libcrypto3 " "$(ids)" \
    'Alpine v3.19: libcrypto3 matched through origin openssl; fixed-below (r1, zlib, musl) not matched'
  assert_jsonl '[.[] | select(.vulnerability.id == "CVE-2023-6129")][0] | .vulnerability.source_package == "openssl" and .vulnerability.fixed_versions == ["3.1.4-r3"] and (.evidence | contains("(v3.19)"))' \
    'secfixes fixed version and release in the evidence'
}

debian_part
npm_part
image_part
shared_part
