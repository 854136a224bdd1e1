#!/usr/bin/env bash
# End-to-end precision of the built-in secret rules on real, stock Debian
# content: `lockdown image scan dir:DIR --checks secrets` must report ZERO
# secrets on
#   - the files of python3-jwt, python3-cryptography and python3-oauthlib
#     (fetched with `apt-get download` from Debian's registry, unpacked with
#     dpkg-deb -x); they hold documentation look-alikes that once were false
#     positives: PyJWT's README sample token (PKG-INFO), cryptography's
#     `CHALLENGE_PASSWORD: "challengePassword"`, and the RFC 6749 example
#     access token quoted in oauthlib's docstrings;
#   - a minbase bookworm root file system ($LOCKDOWN_DEBIAN_ROOTFS).
# A zero is only worth something when the scanner looked: each run must pass
# image.secrets with a file count, the look-alikes must be in the unpacked
# files, and a generated token planted in a copy of the same tree must be
# found (and never printed in clear).
set -uo pipefail
source "${LOCKDOWN_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}/tests/e2e/lib.sh"

require_cmd jq dpkg-deb

secret_fails='[.findings[] | select(.check_id == "image.secrets" and .status == "fail")]'

# scan_clean DIR WHAT — the scan passes image.secrets after looking at files
scan_clean() {
  local dir=$1 what=$2
  run_ld image scan "dir:$dir" --checks secrets --format json
  assert_exit 0 "$what: no secret fails the gate"
  assert_json "$secret_fails | length == 0" "$what: zero secret findings"
  if ! jq -e "$secret_fails | length == 0" "$LD_STDOUT_FILE" >/dev/null 2>&1; then
    jq -r "$secret_fails[] | \"#   \\(.secret.rule_id) \\(.target.path):\\(.target.line) \\(.secret.masked)\"" \
      "$LD_STDOUT_FILE" 2>/dev/null | head -n 20
  fi
  assert_json '[.findings[] | select(.check_id == "image.secrets" and .status == "pass")] | length == 1' \
    "$what: image.secrets passed (an observation, not a skip)"
  assert_json '.findings[] | select(.check_id == "image.secrets" and .status == "pass") | .evidence | test("no secrets in [1-9][0-9]* file")' \
    "$what: the pass names how many files were scanned"
}

# ---- the three Python packages -------------------------------------------------------
pkgs=(python3-jwt python3-cryptography python3-oauthlib)
debs=$LD_TMP/debs
root=$LD_TMP/pyroot
mkdir -p "$debs" "$root"
got_all=1
for p in "${pkgs[@]}"; do
  cached=$(compgen -G "$LOCKDOWN_CACHE/debs/${p}_*.deb" | head -n 1)
  if [[ -n $cached ]]; then
    cp "$cached" "$debs/"
    continue
  fi
  if ! (cd "$debs" && timeout 180 apt-get download "$p" >"$LD_TMP/apt.log" 2>&1); then
    got_all=0
    skip_part "apt-get download $p failed (Debian's registry unreachable?): $(tail -n 1 "$LD_TMP/apt.log")"
    break
  fi
done

if ((got_all)); then
  for p in "${pkgs[@]}"; do
    deb=$(compgen -G "$debs/${p}_*.deb" | head -n 1)
    assert_true "$p downloaded" test -s "$deb"
    assert_true "$p unpacked" dpkg-deb -x "$deb" "$root"
  done
  site=$root/usr/lib/python3/dist-packages
  # the look-alikes that were false positives are really there
  assert_true "PyJWT's README sample token is in its package metadata" \
    grep -rqE --include=PKG-INFO --include=METADATA 'eyJ[A-Za-z0-9_-]{10,}\.eyJ' "$site"
  assert_true "cryptography's challengePassword OID name is there" \
    grep -rq 'CHALLENGE_PASSWORD: "challengePassword"' "$site/cryptography"
  assert_true "oauthlib quotes the RFC 6749 example access token" \
    grep -rq '2YotnFZFEjr1zCsicMWpAA' "$site/oauthlib"

  scan_clean "$root" "python3-jwt, python3-cryptography, python3-oauthlib"
  for p in "${pkgs[@]}"; do
    one=$LD_TMP/one-$p
    mkdir -p "$one"
    dpkg-deb -x "$(compgen -G "$debs/${p}_*.deb" | head -n 1)" "$one"
    scan_clean "$one" "$p alone"
  done

  # positive control: the same tree with one generated token planted next to
  # the look-alikes is scanned by the same rules and the token is found
  planted=$LD_TMP/planted
  cp -a "$root" "$planted"
  token="ghp_$(LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 36)"
  printf 'GITHUB_TOKEN = "%s"\n' "$token" >"$planted/usr/lib/python3/dist-packages/oauthlib/deploy_settings.py"
  run_ld image scan "dir:$planted" --checks secrets --format json
  assert_exit 1 "planted token: the gate fails"
  assert_json "$secret_fails | length == 1" "planted token: exactly one secret finding"
  assert_json "$secret_fails | .[0].secret.rule_id == \"github-pat\" and .[0].target.path == \"/usr/lib/python3/dist-packages/oauthlib/deploy_settings.py\"" \
    "planted token: found with its rule and path"
  assert_false "planted token: never printed in clear" grep -qF "$token" "$LD_STDOUT_FILE"
fi

# ---- a minbase bookworm root file system ---------------------------------------------
require_debian_rootfs
scan_clean "$LD_DEBIAN_ROOTFS" "minbase bookworm rootfs"
assert_json '.findings[] | select(.check_id == "image.secrets" and .status == "pass") | .evidence | capture("no secrets in (?<n>[0-9]+) file") | .n | tonumber > 1000' \
  "rootfs: more than 1000 files scanned"
