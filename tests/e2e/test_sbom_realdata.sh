#!/usr/bin/env bash
# End-to-end: language catalogers on real packages, read as dir: targets.
#   npm:    packages installed from the npm registry (`npm install`, cached in
#           $LOCKDOWN_CACHE/npm) compared with `npm ls --all --json`.
#   Python: Debian's python3-* packages (`apt-get download`, cached in
#           $LOCKDOWN_CACHE/debs) unpacked with dpkg-deb, compared with what
#           Python's own importlib.metadata finds in the same directory.
# A part whose tool or registry is missing is a counted skip (skip_part), and
# a failure under CI, where install-deps.sh --test provides npm, python3 and
# the cached .debs.
set -uo pipefail
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"

# a missing command is a failure of this build, not a reason to skip
run_ld image --help
assert_exit 0 "image --help"

# ---- npm ------------------------------------------------------------------------
npm_part() {
  local app=$LD_TMP/app
  mkdir -p "$app" "$LOCKDOWN_CACHE/npm"
  # debug@2.6.9 pulls ms@2.0.0, which nests under debug/node_modules next to
  # the top-level ms@2.1.3; @babel/... is a scoped package
  if ! timeout 300 npm install --prefix "$app" --cache "$LOCKDOWN_CACHE/npm" --no-audit --no-fund \
    --silent lodash@4.17.20 @babel/helper-plugin-utils@7.22.5 debug@2.6.9 ms@2.1.3 \
    >"$LD_TMP/npm.log" 2>&1; then
    skip_part "npm part: npm install failed (no registry?): $(tail -n 3 "$LD_TMP/npm.log" | tr '\n' ' ')"
    return 0
  fi
  npm ls --all --json --prefix "$app" 2>/dev/null |
    jq -r 'def deps: (.dependencies // {}) | to_entries[] | "\(.key) \(.value.version)", (.value | deps); deps' |
    sort -u >"$LD_TMP/npm.want"
  run_ld image sbom "dir:$app" --format json
  assert_exit 0
  jq -r '.packages[] | select(.type == "npm") | "\(.name) \(.version)"' "$LD_STDOUT_FILE" | sort -u >"$LD_TMP/npm.got"
  if diff -u "$LD_TMP/npm.want" "$LD_TMP/npm.got" >"$LD_TMP/npm.diff"; then
    pass "npm packages equal npm ls --all ($(wc -l <"$LD_TMP/npm.want"))"
  else
    fail "npm packages differ from npm ls --all" "$(cat "$LD_TMP/npm.diff")"
  fi
  assert_json '[.packages[] | select(.name == "ms")] | map(.found_in) | sort == ["/node_modules/debug/node_modules/ms/package.json", "/node_modules/ms/package.json"]' \
    'nested node_modules are found'
  assert_json '[.packages[] | select(.name == "@babel/helper-plugin-utils")][0] | .purl == "pkg:npm/%40babel/helper-plugin-utils@7.22.5" and .licenses == ["MIT"]' \
    'scoped package purl and licence'
  assert_json 'all(.packages[]; .found_in | endswith("/package.json"))' \
    'lock entries duplicated by installed packages are dropped'
  # without node_modules, the lock file alone still lists them
  rm -rf "$app/node_modules"
  run_ld image sbom "dir:$app" --format json
  assert_exit 0
  jq -r '.packages[] | select(.type == "npm") | "\(.name) \(.version)"' "$LD_STDOUT_FILE" | sort -u >"$LD_TMP/npm.lock"
  if diff -u "$LD_TMP/npm.want" "$LD_TMP/npm.lock" >"$LD_TMP/npm.diff"; then
    pass "package-lock.json alone lists the same packages"
  else
    fail "package-lock.json packages differ from npm ls --all" "$(cat "$LD_TMP/npm.diff")"
  fi
  assert_json 'all(.packages[]; .found_in == "/package-lock.json")'
}

# ---- Python ---------------------------------------------------------------------
python_part() {
  local debs=$LOCKDOWN_CACHE/debs root=$LD_TMP/pyroot d
  local pkgs=(python3-six python3-certifi python3-idna python3-urllib3 python3-requests python3-chardet)
  command -v python3 >/dev/null || { skip_part "python part: no python3"; return 0; }
  mkdir -p "$debs" "$root"
  for d in "${pkgs[@]}"; do
    compgen -G "$debs/${d}_*.deb" >/dev/null && continue
    (cd "$debs" && timeout 120 apt-get download "$d" >/dev/null 2>&1) ||
      { skip_part "python part: apt-get download $d failed"; return 0; }
  done
  for d in "${pkgs[@]}"; do
    dpkg-deb -x "$(compgen -G "$debs/${d}_*.deb" | head -n 1)" "$root"
  done
  python3 - "$root/usr/lib/python3/dist-packages" >"$LD_TMP/py.want" <<'EOF'
import importlib.metadata as m, sys
for d in m.distributions(path=[sys.argv[1]]):
    print(d.metadata["Name"], d.version)
EOF
  sort -o "$LD_TMP/py.want" "$LD_TMP/py.want"
  run_ld image sbom "dir:$root" --format json
  assert_exit 0
  jq -r '.packages[] | select(.type == "pypi") | "\(.name) \(.version)"' "$LD_STDOUT_FILE" | sort >"$LD_TMP/py.got"
  if [[ -s $LD_TMP/py.want ]] && diff -u "$LD_TMP/py.want" "$LD_TMP/py.got" >"$LD_TMP/py.diff"; then
    pass "python packages equal importlib.metadata ($(wc -l <"$LD_TMP/py.want"))"
  else
    fail "python packages differ from importlib.metadata" "$(cat "$LD_TMP/py.diff")"
  fi
  assert_json '[.packages[] | select(.name == "six")][0] | .purl == "pkg:pypi/six@1.16.0" and .licenses == ["MIT"] and (.found_in | endswith("six-1.16.0.egg-info/PKG-INFO"))' \
    'six from its egg-info'
  assert_json '[.packages[] | select(.name == "chardet")][0].found_in | endswith(".dist-info/METADATA")' \
    'chardet from its dist-info'
}

npm_part
python_part
