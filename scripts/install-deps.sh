#!/usr/bin/env bash
# install-deps.sh — installs the Debian packages that building lockdown needs
# (and, with --test, the packages its test harness needs), but only those that
# are missing. Idempotent and quiet: prints nothing when everything is there.
#
#   bash scripts/install-deps.sh           # build dependencies
#   bash scripts/install-deps.sh --test    # build + test dependencies
#   bash scripts/install-deps.sh PKG...    # just these packages (used by the harness)
set -euo pipefail

# ---- the package lists: the one place to edit --------------------------------
BUILD_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  clang libclang-rt-14-dev # libFuzzer targets and clang sanitizer runtimes
  libarchive-dev libssl-dev libcurl4-openssl-dev libsqlite3-dev libjansson-dev
  libyaml-dev libpcre2-dev libcmocka-dev libzstd-dev zlib1g-dev
  jq ca-certificates
)
TEST_PACKAGES=(
  docker.io containerd # a real Docker engine for end-to-end tests
  debootstrap busybox-static # offline image root filesystems
  nodejs npm # JSON/SARIF schema validators from the npm registry
  iproute2 man-db curl tar gzip
  rpm db5.3-util sqlite3 # rpm databases (sqlite, Berkeley DB) for the rpm cataloger tests
)
# A package counts as present when this command exists, even if dpkg does not
# know the package: NodeSource's nodejs (on these machines) bundles npm and
# Conflicts: npm, so Debian's npm must not be installed next to it.
declare -A PRESENT_IF_COMMAND=([nodejs]=node [npm]=npm)
# -----------------------------------------------------------------------------

die() { echo "install-deps: error: $*" >&2; exit 1; }

want=()
case "${1:-}" in
  "") want=("${BUILD_PACKAGES[@]}") ;;
  --test) want=("${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}") ;;
  -h | --help) sed -n '2,10p' "$0"; exit 0 ;;
  -*) die "unknown option '$1' (use --test, or package names)" ;;
  *) want=("$@") ;;
esac

is_installed() {
  local pkg=$1 cmd=${PRESENT_IF_COMMAND[$1]:-}
  if [[ -n $cmd ]] && command -v "$cmd" >/dev/null 2>&1; then return 0; fi
  [[ $(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null) == installed ]]
}

missing=()
for pkg in "${want[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done
((${#missing[@]} == 0)) && exit 0

[[ $(id -u) -eq 0 ]] || die "must run as root to install: ${missing[*]} (re-run as root; sudo is not used)"
command -v apt-get >/dev/null || die "apt-get not found; install by hand: ${missing[*]}"

echo "install-deps: installing ${missing[*]}" >&2
log=$(mktemp /tmp/lockdown-install-deps.XXXXXX.log)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
apt_opts=(-y -q -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
if ! { apt-get "${apt_opts[@]}" update &&
  apt-get "${apt_opts[@]}" install --no-install-recommends "${missing[@]}"; } >"$log" 2>&1 </dev/null; then
  tail -n 40 "$log" >&2
  die "apt-get failed installing: ${missing[*]}"
fi

still=()
for pkg in "${missing[@]}"; do is_installed "$pkg" || still+=("$pkg"); done
((${#still[@]} == 0)) || die "still missing after apt-get: ${still[*]}"
exit 0
