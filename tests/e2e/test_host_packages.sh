#!/usr/bin/env bash
# End-to-end: `lockdown assess` judges the host's own packages against the
# vulnerability database and whether updates wait for a reboot (NIST SP
# 800-190 HOST-02: host.package-vulnerabilities, host.reboot-pending), on
# host roots from tests/fixtures/host and roots built here, with a database
# imported from tests/fixtures/feeds by `lockdown db import`. The engine is
# pointed at a socket that does not exist (its controls are then not
# assessed: this file is about the host tier), so no container is touched.
# Also runs against this machine's own root with that database.
set -uo pipefail
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"

FIX=$LOCKDOWN_SOURCE_DIR/tests/fixtures/host
FEEDS=$LOCKDOWN_SOURCE_DIR/tests/fixtures/feeds
DB=$LD_TMP/vuln.db
export LOCKDOWN_DB=$DB          # the database assess opens (no user cache touched)
export KUBECONFIG=$LD_TMP/none  # no cluster tier from the user's kubeconfig
NOENGINE=(--docker-host unix:///nonexistent.sock)

run_ld db import --db "$DB" "$FEEDS/debian/tracker.json" "$FEEDS/alpine/v3.19-main.json"
assert_exit 0 "fixture database imported"

# host findings of a check, as "STATUS" lines
host_statuses() { jq -r --arg c "$1" '[.findings[] | select(.check_id == $c) | .status] | join(",")' <<<"$LD_STDOUT"; }

# ---- Debian 12 with vulnerable packages ---------------------------------------
run_ld assess --host-root "$FIX/debian12" "${NOENGINE[@]}" --format json
assert_exit 1 "gate fails"
assert_json '[.findings[] | select(.check_id == "host.package-vulnerabilities" and .status == "fail")] | length == 2' \
  "two vulnerable installed packages (systemd, libc6)"
assert_json '[.findings[] | select(.check_id == "host.package-vulnerabilities" and .vulnerability.id == "CVE-2023-7008")
              | select(.vulnerability.package == "systemd" and .target.kind == "host" and .target.id == "fixture-debian12"
                       and .target.path == "/var/lib/dpkg/status")] | length == 1' \
  "CVE-2023-7008 in systemd, against the host, from the dpkg status"
assert_json '[.findings[] | select(.vulnerability.id == "CVE-2023-4911")] | length == 0' \
  "glibc CVE-2023-4911 is fixed below the installed version"
assert_json '[.compliance.controls[] | select(.id == "NIST-HOST-02" and .state == "failed")] | length == 1' \
  "NIST-HOST-02 failed"
assert_json '[.coverage.vulnerabilities[] | select(.target == "fixture-debian12" and .ecosystem == "deb"
              and .release == "debian 12" and .covered and .packages == 6)] | length == 1' \
  "coverage: 6 deb packages of debian 12, covered"
# not this machine's root: the running kernel is not known for it
assert_eq "error" "$(host_statuses host.reboot-pending)" "reboot: running kernel of another root unknown"

# ---- a clean host: passes, with the database's date ----------------------------
run_ld assess --host-root "$FIX/debian12-clean" "${NOENGINE[@]}" --format json
assert_json '[.findings[] | select(.check_id == "host.package-vulnerabilities" and .status == "pass"
              and (.evidence | test("3 deb packages of debian 12 matched against the database.*database of [0-9]{4}-")))] | length == 1' \
  "a pass that says what was matched against which database"
assert_json '[.compliance.controls[] | select(.id == "NIST-HOST-02" and .state == "passed")] | length == 1' \
  "NIST-HOST-02 passed"

# ---- a pending reboot -------------------------------------------------------------
R=$LD_TMP/flag
mkdir -p "$R/run" "$R/var"
cp -a "$FIX/debian12-clean/." "$R/"
echo '*** System restart required ***' >"$R/run/reboot-required"
printf 'libc6\nlinux-image-6.1.0-18-amd64\n' >"$R/run/reboot-required.pkgs"
ln -s /run "$R/var/run"
run_ld assess --host-root "$R" "${NOENGINE[@]}" --format json
assert_json '[.findings[] | select(.check_id == "host.reboot-pending" and .status == "fail"
              and (.evidence | contains("libc6, linux-image-6.1.0-18-amd64")))] | length == 1' \
  "reboot-required fails and names the packages"
assert_json '[.compliance.controls[] | select(.id == "NIST-HOST-02" and .state == "failed")] | length == 1'

# ---- no database, no package database, a link out of the root: never a pass ------
LOCKDOWN_DB=$LD_TMP/absent.db run_ld assess --host-root "$FIX/debian12-clean" "${NOENGINE[@]}" --format json
assert_json '[.findings[] | select(.check_id == "host.package-vulnerabilities" and .status == "error"
              and (.evidence | contains("no vulnerability database at")))] | length == 1' \
  "no database: not assessed with the reason"
assert_json '[.compliance.controls[] | select(.id == "NIST-HOST-02" and .state == "not assessed")] | length == 1'

E=$LD_TMP/empty
mkdir -p "$E/etc"
cp "$FIX/debian12/etc/os-release" "$E/etc/"
run_ld assess --host-root "$E" "${NOENGINE[@]}" --format json
assert_json '[.findings[] | select(.check_id == "host.package-vulnerabilities" and .status == "error"
              and (.evidence | contains("no dpkg, rpm or apk database under")))] | length == 1' \
  "no package database: not assessed"

L=$LD_TMP/linkout
mkdir -p "$L/etc" "$L/var/lib/dpkg"
cp "$FIX/debian12/etc/os-release" "$L/etc/"
ln -s "$FIX/debian12/var/lib/dpkg/status" "$L/var/lib/dpkg/status"
run_ld assess --host-root "$L" "${NOENGINE[@]}" --format json
assert_json '[.findings[] | select(.vulnerability != null)] | length == 0' "nothing read through a link out of the root"
assert_json '[.findings[] | select(.check_id == "host.package-vulnerabilities" and .status == "error")] | length == 1' \
  "the database behind the link is not read: not assessed"

# ---- this machine ------------------------------------------------------------------
run_ld assess --host-root / "${NOENGINE[@]}" --format json
assert_json '[.findings[] | select(.check_id == "host.package-vulnerabilities")] | length >= 1' \
  "this machine's packages were judged"
assert_json '[.findings[] | select(.check_id == "host.reboot-pending" and .target.kind == "host")] | length == 1' \
  "this machine's reboot state was judged"
if [ -f /var/lib/dpkg/status ] && grep -qx 'VERSION_ID="12"' /etc/os-release && grep -qx 'ID=debian' /etc/os-release; then
  assert_json '[.coverage.vulnerabilities[] | select(.ecosystem == "deb" and .release == "debian 12" and .covered and .packages > 10)] | length == 1' \
    "this Debian 12 machine's packages matched against the bookworm advisories"
else
  skip_part --optional "this machine is not Debian 12: the fixture database has no advisories for it"
fi

finish
