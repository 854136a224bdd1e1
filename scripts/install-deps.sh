#!/usr/bin/env bash
# install-deps.sh — installs the Debian packages that building lockdown needs
# (and, with --test, the packages its test harness needs, and the .deb files
# the tests read as real data), but only those that are missing. Idempotent
# and quiet: prints nothing when everything is there. Under CI a test that
# skips for want of something listed here fails, so every tool or package a
# test waits for belongs in these lists.
#
#   bash scripts/install-deps.sh           # build dependencies
#   bash scripts/install-deps.sh --test    # build + test dependencies + cached .debs
#   bash scripts/install-deps.sh PKG...    # just these packages (used by the harness)
set -euo pipefail

# ---- the package lists: the one place to edit --------------------------------
BUILD_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  clang libclang-rt-14-dev # libFuzzer targets and clang sanitizer runtimes
  libarchive-dev libssl-dev libcurl4-openssl-dev libsqlite3-dev libjansson-dev
  libyaml-dev libpcre2-dev libcmocka-dev libzstd-dev zlib1g-dev
  libsodium-dev # cosign/sigstore encrypted private keys (NaCl secretbox)
  libxml2-dev # the EC2 query API's XML answers (lockdown aws scan --region: launch templates)
  libbpf-dev bpftool # lockdown watch's eBPF source: libbpf, and the skeleton generator (clang -target bpf above)
  jq ca-certificates
)
TEST_PACKAGES=(
  docker.io containerd # a real Docker engine for end-to-end tests
  debootstrap busybox-static # offline image root filesystems
  nodejs npm # JSON/SARIF schema validators from the npm registry
  iproute2 man-db curl tar gzip zstd
  rpm db5.3-util sqlite3 # rpm databases (sqlite, Berkeley DB) for the rpm cataloger tests
  python3 openssl # the local HTTPS feed server of test_db.sh; Python metadata reference
  cargo # writes a real Cargo.lock for test_sbom_cargo
  docker-registry skopeo apache2-utils # a real registry (distribution 2.8), the containers/image peer, htpasswd
  golang-go golang-golang-x-crypto-dev # a Go peer that reads/writes sigstore keys with the libraries containers/image uses
  rsyslog # a real syslog receiver for lockdown watch's outputs (test_watch_syslog.sh)
  gdb binutils # lockdown capture's ELF cores are opened by gdb; readelf reads their notes
  chromium # opens the --format html report headless (test_report_html.sh: DOM, console, net log, screenshot)
  awscli python3-botocore # AWS CLI output shapes (--generate-cli-skeleton output) and the SigV4 signer that checks lockdown aws scan's requests
)
# Debian packages whose .deb files the tests unpack as real data, downloaded
# (not installed) into $LOCKDOWN_CACHE/debs, where the tests look first.
TEST_DEBS=(
  libcommons-lang3-java # test_sbom_java
  ruby-rack # test_sbom_gem
  python3-six python3-certifi python3-idna python3-urllib3 python3-requests python3-chardet # test_sbom_realdata.sh
  python3-jwt python3-cryptography python3-oauthlib # test_secret_precision.sh (zero false positives)
)
# A package counts as present when this command exists, even if dpkg does not
# know the package: NodeSource's nodejs (on these machines) bundles npm and
# Conflicts: npm, so Debian's npm must not be installed next to it; a rustup
# cargo in ~/.cargo/bin (where test_sbom_cargo looks too) does as well as Debian's.
declare -A PRESENT_IF_COMMAND=([nodejs]=node [npm]=npm [cargo]=cargo)
# -----------------------------------------------------------------------------

die() { echo "install-deps: error: $*" >&2; exit 1; }

want=()
want_debs=()
case "${1:-}" in
  "") want=("${BUILD_PACKAGES[@]}") ;;
  --test) want=("${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}") want_debs=("${TEST_DEBS[@]}") ;;
  -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
  -*) die "unknown option '$1' (use --test, or package names)" ;;
  *) want=("$@") ;;
esac

is_installed() {
  local pkg=$1 cmd=${PRESENT_IF_COMMAND[$1]:-}
  if [[ -n $cmd ]] && PATH=$PATH:${HOME:-/root}/.cargo/bin command -v "$cmd" >/dev/null 2>&1; then return 0; fi
  [[ $(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null) == installed ]]
}

deb_dir=${LOCKDOWN_CACHE:-/var/cache/lockdown-test}/debs
is_cached() { compgen -G "$deb_dir/${1}_*.deb" >/dev/null; }

missing=()
for pkg in "${want[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done
missing_debs=()
for pkg in "${want_debs[@]}"; do
  is_cached "$pkg" || missing_debs+=("$pkg")
done
((${#missing[@]} + ${#missing_debs[@]} == 0)) && exit 0

[[ $(id -u) -eq 0 ]] || die "must run as root to install: ${missing[*]} ${missing_debs[*]} (re-run as root; sudo is not used)"
command -v apt-get >/dev/null || die "apt-get not found; install by hand: ${missing[*]} ${missing_debs[*]}"

log=$(mktemp /tmp/lockdown-install-deps.XXXXXX.log)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
apt_opts=(-y -q -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
updated=0
apt_update() {
  ((updated)) && return 0
  apt-get "${apt_opts[@]}" update && updated=1
}

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}" >&2
  if ! { apt_update &&
    apt-get "${apt_opts[@]}" install --no-install-recommends "${missing[@]}"; } >"$log" 2>&1 </dev/null; then
    tail -n 40 "$log" >&2
    die "apt-get failed installing: ${missing[*]}"
  fi
  still=()
  for pkg in "${missing[@]}"; do is_installed "$pkg" || still+=("$pkg"); done
  ((${#still[@]} == 0)) || die "still missing after apt-get: ${still[*]}"
fi

if ((${#missing_debs[@]})); then
  echo "install-deps: downloading ${missing_debs[*]} into $deb_dir" >&2
  mkdir -p "$deb_dir" || die "cannot create $deb_dir (set LOCKDOWN_CACHE)"
  # The package lists may be missing or older than the mirror: a failed
  # download is retried once after an update.
  download() { (cd "$deb_dir" && apt-get -q download "${missing_debs[@]}"); }
  if ! download >"$log" 2>&1 </dev/null; then
    if ((updated)) || ! { apt_update && download; } >>"$log" 2>&1 </dev/null; then
      tail -n 40 "$log" >&2
      die "apt-get download failed: ${missing_debs[*]}"
    fi
  fi
  still=()
  for pkg in "${missing_debs[@]}"; do is_cached "$pkg" || still+=("$pkg"); done
  ((${#still[@]} == 0)) || die "not in $deb_dir after apt-get download: ${still[*]}"
fi
exit 0
