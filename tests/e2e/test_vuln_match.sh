#!/usr/bin/env bash
# End-to-end: vulnerability matching through the real command,
# `lockdown image scan --db DB --format json` (and the other formats), on
# real data. A database is built with `lockdown db import` from the feed
# excerpts in tests/fixtures/feeds/match/ (real advisories, real fixed
# versions), then:
#   - no database: named with --db -> exit 3; the default one missing ->
#     the gate fails closed (exit 1) naming 'lockdown db update', and
#     --allow-incomplete lets it through with a gate note (exit 0);
#   - a Debian-only database against an Alpine + npm root file system (an
#     apk installed database and an npm lock file; also as an image built by
#     the engine from it): "not assessed" per ecosystem, coverage says
#     covered=false, the gate fails closed;
#   - a covered ecosystem with nothing found passes and says what was
#     matched; an image with no package at all (busybox) passes "no packages
#     to match", unreadable package files make it "not assessed";
#   - the debootstrap bookworm rootfs: OS packages matched through their
#     SOURCE package, fixed-below and fixed-equal entries not matched,
#     unimportant / no-DSA / ignored entries with their fix status;
#   - lodash@4.17.20 installed from the npm registry: GHSA + CVE ids;
#   - every filter seen to drop and to keep: --severity, --ignore-unfixed,
#     --ignore-status, the ignore file (with an expired entry), policy
#     exceptions, OpenVEX not_affected / fixed / under_investigation, and a
#     stale database;
#   - an image built by the real engine FROM lockdown-test/debian:bookworm
#     with node_modules copied in a later layer: layer attribution, SARIF,
#     JUnit, table;
#   - the database tests' fixtures (tests/fixtures/feeds/debian, alpine):
#     exact release (a sid fix never applies to bookworm), and an Alpine
#     v3.19 apk database matched through origins against the real secdb.
# Parts that need the rootfs, npm or the engine are skipped with the reason
# (a failure under CI, where the harness provides them).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_cmd jq sqlite3

FEEDS=$LD_REPO/tests/fixtures/feeds/match
DB=$LD_TMP/vuln.db
export LOCKDOWN_DB=$LD_TMP/never-created.db # never read the user's database

# scan ARGS... — the vulnerability checks only, JSON report on stdout
scan() { run_ld image scan --checks vuln --db "$DB" --format json "$@"; }
# "ID PACKAGE" of every vulnerability finding of the last report, sorted, one line
ids() {
  jq -r '[.findings[] | select(.vulnerability) | "\(.vulnerability.id) \(.vulnerability.package)"] | sort | join(" ")' \
    "$LD_STDOUT_FILE"
}
VULNS='[.findings[] | select(.vulnerability)]'
VERDICTS='[.findings[] | select(.check_id == "image.vulnerabilities" and .vulnerability == null)]'

# ---- database --------------------------------------------------------------------
run_ld db import --db "$DB" "$FEEDS/debian-tracker.json" "$FEEDS/osv-npm"
assert_exit 0 'feeds imported with lockdown db import'

# ---- no database -----------------------------------------------------------------
ALP=$LD_TMP/alpine-npm # Alpine 3.19 apk database + an npm lock file
mkdir -p "$ALP/lib/apk/db" "$ALP/etc" "$ALP/srv/app"
printf 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.0\nPRETTY_NAME="Alpine Linux v3.19"\n' >"$ALP/etc/os-release"
printf 'P:musl\nV:1.2.4_git20230717-r4\nA:x86_64\nL:MIT\no:musl\n\nP:zlib\nV:1.3-r2\nA:x86_64\nL:Zlib\no:zlib\n\nP:libcrypto3\nV:3.1.4-r1\nA:x86_64\nL:Apache-2.0\no:openssl\n\n' \
  >"$ALP/lib/apk/db/installed"
cat >"$ALP/srv/app/package-lock.json" <<'JSON'
{"name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
 "packages": {"": {"name": "app", "version": "1.0.0"},
              "node_modules/lodash": {"version": "4.17.20"},
              "node_modules/left-pad": {"version": "1.3.0"}}}
JSON

run_ld image scan --checks vuln --db "$LD_TMP/none.db" --format json "dir:$ALP"
assert_exit 3 '--db naming a missing database: could not complete'
assert_stderr_contains "no vulnerability database at $LD_TMP/none.db" 'the error names the path'
assert_stderr_contains "lockdown db update" 'the error says how to get one'

# the default database missing: no --db, no --checks; XDG_CACHE_HOME points
# at an empty cache so the default path is one that does not exist
mkdir -p "$LD_TMP/cache"
default_db=$LD_TMP/cache/lockdown/vuln.db
LOCKDOWN_DB='' XDG_CACHE_HOME=$LD_TMP/cache run_ld image scan --format json "dir:$ALP"
assert_exit 1 'no database at the default path: the gate fails closed'
assert_json '.gate.failed and .gate.incomplete' 'gate failed, incomplete'
assert_json "[.gate.reasons[] | select(contains(\"incomplete\") and contains(\"no vulnerability database at $default_db\") and contains(\"lockdown db update\"))] | length == 1" \
  "the incomplete reason names the default path and 'lockdown db update'"
assert_json '[.compliance.controls[] | select(.id == "CIS-DOCKER-4.4")][0] | .state == "not assessed" and .owed' \
  'CIS 4.4 is not assessed (owed)'
assert_json "$VERDICTS == [] and .coverage.vulnerabilities == []" 'nothing matched, no coverage claimed'
assert_stderr_contains 'lockdown db update' 'stderr says what to do'
LOCKDOWN_DB='' XDG_CACHE_HOME=$LD_TMP/cache run_ld image scan --allow-incomplete --format json "dir:$ALP"
assert_exit 0 '--allow-incomplete lets an incomplete run pass'
assert_json '(.gate.failed | not) and .gate.incomplete and ([.gate.notes[] | select(contains("allowed by --allow-incomplete") and contains("lockdown db update"))] | length == 1)' \
  'the gate note says what was let through'

# ---- a Debian-only database against Alpine + npm ------------------------------------
DEBDB=$LD_TMP/debian-only.db
run_ld db import --db "$DEBDB" "$FEEDS/debian-tracker.json"
assert_exit 0 'Debian-only database imported'
alpine_npm_checks() { # DESC-PREFIX — on the last report
  assert_exit 1 "$1: the gate fails"
  assert_json '.gate.failed and .gate.incomplete' "$1: the gate fails closed (incomplete)"
  assert_json "$VULNS == []" "$1: no vulnerability finding"
  assert_json "$VERDICTS | length == 2 and all(.status == \"error\")" "$1: two not-assessed findings"
  assert_json "$VERDICTS | any(.evidence == \"not assessed: the database has no advisories for apk alpine 3.19 (3 packages; looked for ecosystem Alpine:v3.19): run 'lockdown db update' with a source for it\")" \
    "$1: apk alpine 3.19 not assessed, with what to do"
  assert_json "$VERDICTS | any(.evidence | startswith(\"not assessed: the database has no advisories for npm (2 packages;\"))" \
    "$1: npm not assessed"
  assert_json '[.coverage.vulnerabilities[] | {ecosystem, release, packages, covered}] | sort_by(.ecosystem) == [{"ecosystem":"apk","release":"alpine 3.19","packages":3,"covered":false},{"ecosystem":"npm","release":null,"packages":2,"covered":false}]' \
    "$1: coverage says covered=false for apk (alpine 3.19) and npm"
  assert_json '[.compliance.controls[] | select(.id == "CIS-DOCKER-4.4")][0] | .state == "not assessed" and (.reason | contains("no advisories for"))' \
    "$1: CIS 4.4 not assessed, with the reason"
}
run_ld image scan --checks vuln --db "$DEBDB" --format json "dir:$ALP"
alpine_npm_checks 'dir: Alpine + npm, Debian-only database'
run_ld image scan --checks vuln --db "$DEBDB" --format table "dir:$ALP"
assert_exit 1 'table report: gate fails'
assert_stdout_contains 'not assessed' 'table report shows not assessed'

alpine_image_part() {
  if ! engine_available; then
    if [[ ${LOCKDOWN_TEST_ENGINE:-0} == 1 ]]; then fail_plain "engine expected (LOCKDOWN_TEST_ENGINE=1)"; else skip_part "Alpine + npm image: no Docker engine"; fi
    return 0
  fi
  local tag=lockdown-test/vuln-alpine-npm:$$
  # an image made offline from the same tree (docker import of a tar stream)
  run_cmd bash -c "tar -C '$ALP' -c . | docker import - '$tag'"
  assert_exit 0 'Alpine + npm image imported into the engine'
  ld_on_exit "docker rmi -f $tag >/dev/null 2>&1"
  run_ld image scan --checks vuln --db "$DEBDB" --format json "docker:$tag"
  alpine_npm_checks 'image: Alpine + npm, Debian-only database'
}
alpine_image_part

# the same tree against the database holding both: npm is covered (lodash
# has findings), apk still is not; left-pad alone would pass
run_ld image scan --checks vuln --db "$DB" --format json "dir:$ALP"
assert_exit 1 'Alpine + npm against the Debian + npm database'
assert_json '[.coverage.vulnerabilities[] | {ecosystem, covered}] | sort_by(.ecosystem) == [{"ecosystem":"apk","covered":false},{"ecosystem":"npm","covered":true}]' \
  'coverage: npm covered, apk not'
assert_eq "CVE-2020-28500 lodash CVE-2021-23337 lodash" "$(ids)" 'lodash 4.17.20 from the lock file matched'
assert_json "$VERDICTS | length == 1 and .[0].status == \"error\" and (.[0].evidence | contains(\"apk alpine 3.19\"))" \
  'apk still not assessed beside the npm findings'

# a covered ecosystem with no vulnerability passes and says what was matched
CLEAN=$LD_TMP/clean-npm
mkdir -p "$CLEAN/app"
printf '{"name":"c","lockfileVersion":3,"packages":{"":{"name":"c"},"node_modules/left-pad":{"version":"1.3.0"},"node_modules/lodash":{"version":"4.17.21"}}}' \
  >"$CLEAN/app/package-lock.json"
run_ld image scan --checks vuln --db "$DB" --format json "dir:$CLEAN"
assert_exit 0 'covered npm packages with no vulnerability: the gate passes'
assert_json "$VERDICTS | length == 1 and .[0].status == \"pass\" and .[0].evidence == \"2 npm packages matched against the database: no known vulnerability\"" \
  'one pass: 2 npm packages matched, no known vulnerability'
assert_json '.coverage.vulnerabilities | length == 1 and .[0].covered and .[0].packages == 2' 'coverage: npm covered'
assert_json '[.compliance.controls[] | select(.id == "CIS-DOCKER-4.4")][0].state == "passed"' 'CIS 4.4 passed on an observation'

# no package at all: a pass when everything was read, not assessed when a
# package file could not be read
EMPTY=$LD_TMP/static-only
mkdir -p "$EMPTY/bin"
printf 'not a package file\n' >"$EMPTY/bin/app"
run_ld image scan --checks vuln --db "$DB" --format json "dir:$EMPTY"
assert_exit 0 'no packages at all: the gate passes'
assert_json "$VERDICTS | length == 1 and .[0].status == \"pass\" and (.[0].evidence | contains(\"no packages found\"))" \
  'no packages: pass "no packages found"'
mkdir -p "$EMPTY/node_modules/broken"
printf '{"name": "broken", "version": ' >"$EMPTY/node_modules/broken/package.json"
run_ld image scan --checks vuln --db "$DB" --format json "dir:$EMPTY"
assert_exit 1 'no packages and an unreadable package file: the gate fails closed'
assert_json "$VERDICTS | length == 1 and .[0].status == \"error\" and (.[0].evidence | startswith(\"not assessed: no package to match, and 1 file could not be read\")) and (.[0].evidence | contains(\"node_modules/broken/package.json\"))" \
  'no packages but a package file could not be parsed: not assessed, naming it'
busybox_part() {
  if ! engine_available || ! docker image inspect lockdown-test/busybox:1 >/dev/null 2>&1; then
    if [[ ${LOCKDOWN_TEST_IMAGES:-0} == 1 ]]; then fail_plain "engine or lockdown-test/busybox:1 missing although LOCKDOWN_TEST_IMAGES=1"; else skip_part "busybox image: no engine or no lockdown-test/busybox:1"; fi
    return 0
  fi
  run_ld image scan --checks vuln --db "$DB" --format json docker:lockdown-test/busybox:1
  assert_exit 0 'busybox (static, no package database): the gate passes'
  assert_json "$VERDICTS | length == 1 and .[0].status == \"pass\" and (.[0].evidence | contains(\"no packages found\"))" \
    'busybox: "no packages found" is an observation'
}
busybox_part

# ---- Debian rootfs ------------------------------------------------------------------
debian_part() {
  LD_DEBIAN_ROOTFS=${LOCKDOWN_DEBIAN_ROOTFS:-$LOCKDOWN_CACHE/bookworm-rootfs}
  if [[ ! -f $LD_DEBIAN_ROOTFS/var/lib/dpkg/status ]]; then
    if [[ ${LOCKDOWN_TEST_IMAGES:-0} == 1 ]]; then fail_plain "no Debian rootfs at $LD_DEBIAN_ROOTFS although LOCKDOWN_TEST_IMAGES=1"; else skip_part "Debian part: no rootfs at $LD_DEBIAN_ROOTFS (tests/harness/images.sh --debian)"; fi
    return 0
  fi
  local root=$LD_DEBIAN_ROOTFS
  scan "dir:$root"
  assert_exit 1 'bookworm rootfs scanned: findings fail the default gate'
  assert_json "$VULNS | map(select(.vulnerability.id == \"CVE-2023-7008\")) | map(.vulnerability.package) | sort == [\"libsystemd0\", \"libudev1\"]" \
    'CVE-2023-7008 matched through source package systemd (both binaries)'
  assert_json "$VULNS | map(select(.vulnerability.id == \"CVE-2023-7008\")) | all(.vulnerability.source_package == \"systemd\" and .vulnerability.fix_status == \"not-fixed\" and .vulnerability.fixed_versions == [] and .status == \"fail\" and (.evidence | contains(\"source package systemd\")))" \
    'no-DSA entry: not-fixed, evidence names the source package'
  assert_json "$VULNS | map(select(.vulnerability.id == \"CVE-2010-4756\" and .vulnerability.package == \"libc6\"))[0] | .vulnerability.fix_status == \"unimportant\" and .severity == \"low\" and .vulnerability.severity_source == \"debian-tracker\" and .vulnerability.installed_version == \"2.36-9+deb12u14\"" \
    'unimportant glibc entry on libc6: status unimportant, severity low'
  assert_json "$VULNS | map(select(.vulnerability.id == \"CVE-2023-45853\"))[0] | .vulnerability.fix_status == \"will-not-fix\" and .vulnerability.package == \"zlib1g\"" \
    'nodsa ignored: will-not-fix'
  assert_json "$VULNS | map(select(.vulnerability.id == \"CVE-2023-4911\")) == []" 'glibc fixed in deb12u3 < installed deb12u14: no match'
  assert_json "$VULNS | map(select(.vulnerability.id == \"CVE-2022-48303\")) == []" 'tar fixed in the installed version: no match'
  assert_json "$VULNS[0] | .target.path == \"/var/lib/dpkg/status\" and .title == \"CVE-2010-4756 in libc-bin 2.36-9+deb12u14 (no fix: unimportant)\"" \
    'title and location'
  assert_json "$VERDICTS == [] and (.coverage.vulnerabilities | length == 1 and .[0].ecosystem == \"deb\" and .[0].release == \"debian 12\" and .[0].covered and .[0].packages > 50)" \
    'coverage: the deb packages of debian 12, covered'
  local n_deb
  n_deb=$(jq '.coverage.vulnerabilities[0].packages' "$LD_STDOUT_FILE")
  assert_eq "$n_deb" "$(grep -c '^Package: ' "$root/var/lib/dpkg/status")" 'coverage counts every installed deb package'

  # filters: each seen to drop and to keep
  scan --ignore-unfixed "dir:$root"
  assert_json "$VULNS == [] and (.notes | any(contains(\"6 matched, 0 reported, 6 filtered out (ignore-unfixed 6,\")))" \
    '--ignore-unfixed drops every unfixed Debian finding (note counts them)'
  assert_json "$VERDICTS | length == 1 and .[0].status == \"pass\" and (.[0].evidence | contains(\"deb packages of debian 12 matched against the database: no vulnerability remains (6 matched, every one filtered out\"))" \
    'everything filtered out: a pass that says so'
  assert_exit 0 'everything filtered out: the gate passes'
  scan --ignore-status unimportant,will-not-fix "dir:$root"
  assert_eq "CVE-2023-7008 libsystemd0 CVE-2023-7008 libudev1" "$(ids)" '--ignore-status unimportant,will-not-fix keeps only not-fixed'
  run_ld image scan --checks vuln --db "$DB" --ignore-status bogus "dir:$root"
  assert_exit 3 '--ignore-status with an unknown status'
  assert_stderr_contains 'bogus'
  scan --severity medium "dir:$root"
  assert_eq "CVE-2023-45853 zlib1g CVE-2023-7008 libsystemd0 CVE-2023-7008 libudev1" "$(ids)" '--severity medium drops the low (unimportant) ones'
  scan --ignorefile "$FEEDS/ignore-bookworm" "dir:$root"
  assert_json "$VULNS | map(select(.vulnerability.id == \"CVE-2023-7008\")) == []" 'ignore file drops CVE-2023-7008'
  assert_json "$VULNS | map(select(.vulnerability.id == \"CVE-2005-2541\")) == []" 'ignore file entry with a future expiry applies'
  assert_json "$VULNS | map(select(.vulnerability.id == \"CVE-2023-45853\")) | length == 1" 'expired ignore entry no longer applies'
  assert_json '.notes | any(contains("ignore entry for CVE-2023-45853 expired on 2020-01-31"))' 'expired ignore entry noted'
  printf 'CVE-2023-7008 exp:2020-13-01\n' >"$LD_TMP/bad.ignore"
  run_ld image scan --checks vuln --db "$DB" --ignorefile "$LD_TMP/bad.ignore" "dir:$root"
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
  scan --policy "$LD_TMP/policy.yaml" --severity medium "dir:$root"
  assert_exit 1 'gate fails: the expired exception does not cover CVE-2023-45853'
  assert_json "$VULNS | map(select(.vulnerability.id == \"CVE-2023-7008\")) | length == 2 and all(.exception == \"resolved is not used\")" \
    'policy exception matched by vulnerability id'
  assert_json '.notes | any(contains("exception for CVE-2023-45853"))' 'expired exception noted'
  scan --policy "$LD_TMP/policy.yaml" --severity medium --ignore-status will-not-fix "dir:$root"
  assert_exit 0 'gate passes once the remaining finding is filtered: report and exit code agree'

  # VEX: purl with qualifiers ignored drops libsystemd0 only; image + subcomponent fixed drops zlib1g
  sed "s|IMAGE_REF|$root|" "$FEEDS/vex-systemd.json" >"$LD_TMP/vex-systemd.json"
  scan --vex "$LD_TMP/vex-systemd.json" "dir:$root"
  assert_json "$VULNS | map(select(.vulnerability.id == \"CVE-2023-7008\")) | map(.vulnerability.package) == [\"libudev1\"]" \
    'VEX not_affected drops libsystemd0, keeps libudev1'
  assert_json "$VULNS | map(select(.vulnerability.id == \"CVE-2023-45853\")) == []" 'VEX fixed (image product, subcomponent) drops zlib1g'
  assert_json "[.notes[] | select(contains(\"VEX $LD_TMP/vex-systemd.json: CVE-2023-7008 is not_affected for libsystemd0\"))] | length == 1" \
    'VEX drop noted with the document'
  printf '{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"products":[]}]}' >"$LD_TMP/bad-vex.json"
  run_ld image scan --checks vuln --db "$DB" --vex "$LD_TMP/bad-vex.json" "dir:$root"
  assert_exit 3 'malformed VEX document'
  assert_stderr_contains "statement 0"

  # staleness: a database built 10 days ago, older than --max-db-age 3
  cp "$DB" "$LD_TMP/stale.db"
  sqlite3 "$LD_TMP/stale.db" "UPDATE meta SET value = CAST(strftime('%s','now') AS INTEGER) - 10*86400 WHERE key = 'built_at'"
  run_ld image scan --checks vuln --db "$LD_TMP/stale.db" --max-db-age 3 --format json "dir:$root"
  assert_json '.notes | any(test("is 10 days old .older than 3 days.: run .lockdown db update."))' 'stale database noted'
  run_ld image scan --checks vuln --db "$LD_TMP/stale.db" --max-db-age 30 --format json "dir:$root"
  assert_json '.notes | all(contains("days old") | not)' 'within --max-db-age: no staleness note'
}

# ---- npm: lodash@4.17.20 from the registry -------------------------------------------
APP=$LD_TMP/app
npm_ok=0
npm_part() {
  if ! command -v npm >/dev/null; then skip_part "npm part: no npm"; return 0; fi
  mkdir -p "$APP" "$LOCKDOWN_CACHE/npm"
  if ! timeout 300 npm install --prefix "$APP" --cache "$LOCKDOWN_CACHE/npm" --no-audit --no-fund \
    --silent lodash@4.17.20 >"$LD_TMP/npm.log" 2>&1; then
    skip_part "npm part: npm install failed (no registry?): $(tail -n 3 "$LD_TMP/npm.log")"
    return 0
  fi
  npm_ok=1
  scan "dir:$APP"
  assert_exit 1 'lodash app scanned: findings fail the default gate'
  assert_json "$VULNS | map(select(.vulnerability.id == \"CVE-2021-23337\"))[0] | .vulnerability.aliases == [\"GHSA-35jh-r3h4-6jhm\"] and .vulnerability.fixed_versions == [\"4.17.21\"] and .vulnerability.fix_status == \"fixed\" and .severity == \"high\" and .vulnerability.cvss_score == 7.2 and .vulnerability.purl == \"pkg:npm/lodash@4.17.20\" and .target.path == \"/node_modules/lodash/package.json\" and .title == \"CVE-2021-23337 in lodash 4.17.20 (fixed in 4.17.21)\"" \
    'lodash 4.17.20: CVE-2021-23337 / GHSA-35jh-r3h4-6jhm, fixed in 4.17.21, high (CVSS 7.2)'
  assert_json "$VULNS | map(select(.vulnerability.id == \"CVE-2020-28500\"))[0] | .severity == \"medium\" and .vulnerability.aliases == [\"GHSA-29mw-wpgm-hmr9\"]" 'CVE-2020-28500 medium'
  assert_json "$VULNS | map(select(.vulnerability.id == \"CVE-2020-8203\" or .vulnerability.id == \"GHSA-p6mc-m468-83gw\")) == []" \
    'GHSA-p6mc-m468-83gw fixed in 4.17.19 does not match 4.17.20'
  scan --severity high "dir:$APP"
  assert_eq "CVE-2021-23337 lodash" "$(ids)" '--severity high keeps the high one only'
  scan --ignore-unfixed "dir:$APP"
  assert_eq "CVE-2020-28500 lodash CVE-2021-23337 lodash" "$(ids)" '--ignore-unfixed keeps fixed findings'
  scan --ignore-status fixed "dir:$APP"
  assert_eq "" "$(ids)" '--ignore-status fixed drops them'
  scan --vex "$FEEDS/vex-lodash.json" "dir:$APP"
  assert_eq "CVE-2020-28500 lodash" "$(ids)" 'VEX not_affected drops CVE-2021-23337'
  assert_json "$VULNS | map(select(.vulnerability.id == \"CVE-2020-28500\"))[0].evidence | contains(\"under_investigation: checking whether\")" \
    'VEX under_investigation kept with the status noted'
  printf '# accepted\nGHSA-35jh-r3h4-6jhm\n' >"$LD_TMP/alias.ignore"
  scan --ignorefile "$LD_TMP/alias.ignore" "dir:$APP"
  assert_eq "CVE-2020-28500 lodash" "$(ids)" 'ignore file matches an alias (GHSA id)'
}

# ---- layered image built by the engine ------------------------------------------------
image_part() {
  ((npm_ok)) || { skip_part "image part: the npm part did not run"; return 0; }
  if ! engine_available || ! docker image inspect lockdown-test/debian:bookworm >/dev/null 2>&1; then
    if [[ ${LOCKDOWN_TEST_IMAGES:-0} == 1 ]]; then
      fail_plain "engine or lockdown-test/debian:bookworm missing although LOCKDOWN_TEST_IMAGES=1"
    else
      skip_part "image part: no engine or no lockdown-test/debian:bookworm"
    fi
    return 0
  fi
  local tag=lockdown-test/vuln-match:$$ ctx=$LD_TMP/ctx
  mkdir -p "$ctx"
  cp -r "$APP/node_modules" "$ctx/node_modules"
  printf 'FROM lockdown-test/debian:bookworm\nCOPY node_modules /app/node_modules\n' >"$ctx/Dockerfile"
  run_cmd docker build -q -t "$tag" "$ctx"
  assert_exit 0 'docker build FROM lockdown-test/debian:bookworm'
  ld_on_exit "docker rmi -f $tag >/dev/null 2>&1"
  local image_id
  image_id=$(docker image inspect -f '{{.Id}}' "$tag")
  scan "docker:$tag"
  assert_exit 1 'layered image scanned'
  cp "$LD_STDOUT_FILE" "$LD_TMP/layered.json"
  assert_json "[.coverage.vulnerabilities[] | {ecosystem, covered}] | sort_by(.ecosystem) == [{\"ecosystem\":\"deb\",\"covered\":true},{\"ecosystem\":\"npm\",\"covered\":true}]" \
    'layered image: deb and npm both covered'
  run_cmd docker history --no-trunc --format '{{.CreatedBy}}' "$tag"
  local top
  top=$(head -n 1 "$LD_STDOUT_FILE")
  jq "$VULNS | map(select(.vulnerability.id == \"CVE-2021-23337\"))[0]" "$LD_TMP/layered.json" >"$LD_TMP/lodash.json"
  assert_json_file "$LD_TMP/lodash.json" '.target.path == "/app/node_modules/lodash/package.json" and (.vulnerability.layer.digest | startswith("sha256:")) and (.vulnerability.layer.created_by | contains("COPY"))' \
    'lodash finding names the COPY layer'
  assert_json_file "$LD_TMP/lodash.json" ".target.id == \"$image_id\"" 'target is the image digest'
  if [[ $top == *COPY* ]]; then pass "docker history agrees: top layer is the COPY ($top)"; else fail_plain "docker history top layer: $top"; fi
  jq "$VULNS | map(select(.vulnerability.package == \"libudev1\"))[0]" "$LD_TMP/layered.json" >"$LD_TMP/udev.json"
  assert_json_file "$LD_TMP/udev.json" '(.vulnerability.layer.digest | startswith("sha256:")) and (.vulnerability.layer.created_by // "" | contains("COPY") | not)' \
    'Debian findings name the base layer'
  local d1 d2
  d1=$(jq -r '.vulnerability.layer.digest' "$LD_TMP/lodash.json")
  d2=$(jq -r '.vulnerability.layer.digest' "$LD_TMP/udev.json")
  assert_true 'npm and Debian findings come from different layers' test "$d1" != "$d2"

  # every report format carries the findings
  run_ld image scan --checks vuln --db "$DB" --format sarif "docker:$tag"
  assert_exit 1 'SARIF report'
  assert_json '[.runs[0].results[] | select(.ruleId != null and (.message.text | contains("CVE-2021-23337")))] | length == 1' 'SARIF result for CVE-2021-23337'
  assert_json '[.runs[0].results[] | select(.message.text | contains("CVE-2021-23337"))][0].locations[0].physicalLocation.artifactLocation.uri | contains("app/node_modules/lodash/package.json")' \
    'SARIF result points at the package file'
  assert_json '[.runs[0].results[] | select(.properties.vulnerability.id == "CVE-2021-23337")][0].properties.vulnerability | .aliases == ["GHSA-35jh-r3h4-6jhm"] and (.layer.created_by | contains("COPY"))' \
    'SARIF result properties carry the vulnerability and its layer'
  assert_valid_sarif -
  run_ld image scan --checks vuln --db "$DB" --format junit "docker:$tag"
  assert_stdout_contains 'CVE-2021-23337 in lodash 4.17.20'
  run_ld image scan --checks vuln --db "$DB" --format table "docker:$tag"
  assert_stdout_contains 'CVE-2021-23337'
}

# ---- the database tests' shared fixtures (tests/fixtures/feeds/{debian,alpine}) -------
shared_part() {
  local sdb=$LD_TMP/shared.db feeds=$LD_REPO/tests/fixtures/feeds
  run_ld db import --db "$sdb" "$feeds/debian/tracker.json" "$feeds/alpine/v3.19-main.json"
  assert_exit 0 'shared feeds imported'
  LD_DEBIAN_ROOTFS=${LOCKDOWN_DEBIAN_ROOTFS:-$LOCKDOWN_CACHE/bookworm-rootfs}
  if [[ -f $LD_DEBIAN_ROOTFS/var/lib/dpkg/status ]]; then
    run_ld image scan --checks vuln --db "$sdb" --format json "dir:$LD_DEBIAN_ROOTFS"
    assert_json "$VULNS | map(select(.vulnerability.id == \"CVE-2023-45853\"))[0].vulnerability | .fix_status == \"will-not-fix\" and .fixed_versions == []" \
      'exact release: the sid fix of zlib does not apply to bookworm'
    assert_json "$VULNS | map(select(.vulnerability.id == \"CVE-2016-2781\"))[0] | .vulnerability.package == \"coreutils\" and .vulnerability.fix_status == \"unimportant\" and .severity == \"low\"" \
      'coreutils CVE-2016-2781 unimportant'
    assert_json "$VULNS | map(select(.vulnerability.id == \"CVE-2023-4911\")) == []" 'glibc fixed below installed: no match'
  else
    skip_part "shared fixtures on Debian: no rootfs at $LD_DEBIAN_ROOTFS"
  fi
  # Alpine: the apk database of the Alpine + npm tree (real package names,
  # versions and origins of Alpine 3.19.0) against the real secdb
  run_ld image scan --checks vuln --db "$sdb" --format json "dir:$ALP"
  assert_eq "CVE-2023-6129 libcrypto3 CVE-2023-6237 libcrypto3 CVE-2024-0727 libcrypto3" "$(ids)" \
    'Alpine v3.19: libcrypto3 matched through origin openssl; fixed-below (r1, zlib, musl) not matched'
  assert_json "$VULNS | map(select(.vulnerability.id == \"CVE-2023-6129\"))[0] | .vulnerability.source_package == \"openssl\" and .vulnerability.fixed_versions == [\"3.1.4-r3\"] and (.evidence | contains(\"(v3.19)\"))" \
    'secfixes fixed version and release in the evidence'
  assert_json '[.coverage.vulnerabilities[] | {ecosystem, release, covered}] | sort_by(.ecosystem) == [{"ecosystem":"apk","release":"alpine 3.19","covered":true},{"ecosystem":"npm","release":null,"covered":false}]' \
    'coverage: apk alpine 3.19 covered by the secdb, npm not'
}

debian_part
npm_part
image_part
shared_part
