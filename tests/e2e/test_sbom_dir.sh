#!/usr/bin/env bash
# End-to-end: `lockdown image sbom dir:ROOTFS` on a debootstrap'd Debian
# bookworm root file system gives exactly the binary packages that
# `dpkg-query -W` run inside that rootfs lists (name and version), with
# Debian purls and the distribution from os-release; plus the command's
# usage errors, --output and the "could not complete" exit code.
set -uo pipefail
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"

# a missing command is a failure of this build, not a reason to skip
run_ld image --help
assert_exit 0 "image --help"

# ---- usage --------------------------------------------------------------------
run_ld image sbom --help
assert_exit 0
assert_stdout_contains "Usage: lockdown image sbom"
run_ld image sbom
assert_exit 2
assert_stderr_contains "missing TARGET"
run_ld image sbom dir:/ --format yaml
assert_exit 2
assert_stderr_contains '--format must be table, json, cyclonedx or spdx'
run_ld image sbom a b
assert_exit 2
run_ld image frobnicate
assert_exit 2
assert_stderr_contains 'unknown subcommand "frobnicate"'
run_ld image sbom dir:/nonexistent/rootfs
assert_exit 3
assert_stderr_contains "/nonexistent/rootfs"

# ---- the Debian rootfs --------------------------------------------------------
require_debian_rootfs
root=$LD_DEBIAN_ROOTFS
if [[ $(id -u) == 0 ]] && chroot "$root" true 2>/dev/null; then
  chroot "$root" dpkg-query -W -f '${Package} ${Version}\n' | sort >"$LD_TMP/want"
else
  dpkg-query --admindir="$root/var/lib/dpkg" -W -f '${Package} ${Version}\n' | sort >"$LD_TMP/want"
fi
want_n=$(wc -l <"$LD_TMP/want")
assert_true "dpkg-query lists packages in $root ($want_n)" test "$want_n" -gt 50

run_ld image sbom "dir:$root" --format json
assert_exit 0
jq -r '.packages[] | select(.type == "deb") | "\(.name) \(.version)"' "$LD_STDOUT_FILE" | sort >"$LD_TMP/got"
if diff -u "$LD_TMP/want" "$LD_TMP/got" >"$LD_TMP/diff"; then
  pass "dir: deb packages equal dpkg-query -W ($want_n)"
else
  fail "dir: deb packages differ from dpkg-query -W" "$(head -n 30 "$LD_TMP/diff")"
fi
assert_json '.distro.id == "debian" and .distro.version_id == "12" and .distro.codename == "bookworm"'
assert_json 'all(.packages[] | select(.type == "deb"); .purl | test("^pkg:deb/debian/[a-z0-9.%A-F-]+@[^?]+[?]arch=[a-z0-9]+&distro=debian-12$"))' \
  'deb purls carry the namespace and distro'
assert_json 'all(.packages[]; .layer == null and .found_in == "/var/lib/dpkg/status")' \
  'dir: packages have no layer and name their file'
assert_json '[.packages[] | select(.name == "libgcc-s1")][0].source.name == "gcc-12"' \
  'Source: with a version gives the source package'
assert_json '.packages == (.packages | sort_by(.type, .name, .version))' 'packages are sorted'
assert_json '[.packages[].purl] | length == (unique | length)' 'purls are unique'

# table: one line per package plus header and count
run_ld image sbom "dir:$root"
assert_exit 0
assert_stdout_contains "Distribution: Debian GNU/Linux 12 (bookworm)"
assert_stdout_matches '^NAME +VERSION +TYPE +LAYER +FOUND IN$'
assert_stdout_matches "^$want_n packages$"
assert_eq "$want_n" "$(grep -c ' deb ' "$LD_STDOUT_FILE")" 'table rows'

# --output writes the file and nothing to stdout
run_ld image sbom "dir:$root" --format json --output "$LD_TMP/sbom.json"
assert_exit 0
assert_eq "" "$LD_STDOUT" 'stdout with --output'
assert_json_file "$LD_TMP/sbom.json" ".packages | length == $want_n"
run_ld image sbom "dir:$root" --output /nonexistent/dir/sbom.json
assert_exit 3
assert_stderr_contains "/nonexistent/dir/sbom.json"
