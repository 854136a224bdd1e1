#!/usr/bin/env bash
# End-to-end test of `lockdown version` and `lockdown version compare`:
# the printed ordering for each ecosystem, OSV ecosystem names, help at
# every level, and the exit codes (0 compared, 2 usage or unknown
# ecosystem, 3 invalid version, with one line on stderr).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

run_ld version
assert_exit 0 "plain version"
assert_stdout_matches '^lockdown [0-9]+\.[0-9]+\.[0-9]+' "plain version"

run_ld version --help
assert_exit 0 "version --help"
assert_stdout_contains "compare" "version --help"

run_ld version compare --help
assert_exit 0 "version compare --help"
assert_stdout_contains "maven" "version compare --help"

# ecosystem A B expected
while read -r eco a b want; do
  run_ld version compare "$eco" "$a" "$b"
  assert_exit 0 "$eco $a $b"
  assert_eq "$want" "$LD_STDOUT" "$eco: $a vs $b"
done <<'VECTORS'
deb 1.0~rc1 1.0 <
deb 1:0.1 2.0 >
deb 1.0 1.0-0 =
deb 7.88.1-10+deb12u5 7.88.1-10+deb12u4 >
Debian:12 2.36-9+deb12u4 2.36-9+deb12u10 <
apk 1.0_rc1 1.0 <
apk 1.0_p1 1.0-r1 >
apk 1.2.3-r10 1.2.3-r9 >
Alpine 1.0_alpha_pre2 1.0_alpha <
rpm 1.0~rc1 1.0 <
rpm 1.0^git1 1.0 >
rpm 1:1.0 2.0 >
pypi 1.0.dev1 1.0a1 <
pypi 1.0.post1 1.0-1 =
PyPI 1!1.0 2.0 >
npm v1.2.3 1.2.3 =
npm 1.0.0-beta.11 1.0.0-beta.2 >
semver 1.0.0-rc.1 1.0.0 <
crates.io 1.0.0+build 1.0.0 =
maven 1.0-SNAPSHOT 1.0 <
maven 1-sp 1-ga >
Maven 1.0.0.RELEASE 1 =
go v2.0.0+incompatible v2.0.0 =
go v1.2.4-0.20191109021931-daa7c04131f5 v1.2.3 >
gem 1.0.a 1.0 <
RubyGems 1.8.2.a10 1.8.2.a9 >
nuget 1.0.0-ALPHA 1.0.0-alpha =
composer v1.0.0-RC1 1.0.0 <
VECTORS

# a version that looks like an option, after --
run_ld version compare -- deb 1.0 1.0
assert_exit 0 "-- before the arguments"
assert_eq "=" "$LD_STDOUT" "-- before the arguments"

# invalid versions: exit 3, one line naming the version
run_ld version compare pypi not-a-version 1.0
assert_exit 3 "invalid pypi version"
assert_stderr_contains 'invalid pypi version "not-a-version"'
assert_eq 1 "$(wc -l <"$LD_STDERR_FILE")" "one line on stderr"
assert_eq "" "$LD_STDOUT" "nothing on stdout"

run_ld version compare go 1.2.3 v1.2.3
assert_exit 3 "go version without v"
assert_stderr_contains 'invalid go version "1.2.3"'

run_ld version compare deb 1: 1.0
assert_exit 3 "dpkg rejects an empty version after the epoch"
assert_stderr_contains 'nothing after colon'

run_ld version compare semver 1.0.0 "$(printf '1%.0s' {1..300})"
assert_exit 3 "oversize version"
assert_stderr_contains 'longer than 256 bytes'

# apk falls back to byte order rather than failing
run_ld version compare apk 1.0_foo 1.0_bar
assert_exit 0 "apk invalid suffix"
assert_eq ">" "$LD_STDOUT" "apk invalid versions in byte order"

# usage errors: exit 2
run_ld version compare cobol 1 2
assert_exit 2 "unknown ecosystem"
assert_stderr_contains 'unknown ecosystem "cobol"'

run_ld version compare deb 1.0
assert_exit 2 "two arguments"

run_ld version compare deb 1 2 3
assert_exit 2 "four arguments"

run_ld version compare
assert_exit 2 "no arguments"

run_ld version frobnicate
assert_exit 2 "unknown subcommand"

run_ld version compare --bogus deb 1 2
assert_exit 2 "unknown option"
