#!/usr/bin/env bash
# build-image.sh — builds lockdown's container image (default tag lockdown:local) offline:
# the Debian bookworm bases come from debootstrap (cached as tarballs), the image from
# deploy/docker/ with the legacy builder (DOCKER_BUILDKIT=0), so no build step needs a network.
#
#   bash scripts/build-image.sh --binary build/lockdown   # runtime stage around a built binary (fast)
#   bash scripts/build-image.sh --from-source             # both stages: compile in the build base
#   options: --tag NAME (default lockdown:local), --source DIR (default: this checkout)
#
# Bases (imported once, re-imported when their tarball changes):
#   lockdown-build/runtime-base:bookworm  minbase + lockdown's runtime libraries
#   lockdown-build/build-base:bookworm    minbase + the build dependencies (--from-source only)
# Cache: ${LOCKDOWN_CACHE:-/var/cache/lockdown-test}/image-bases/*.tar.
# Env:   LOCKDOWN_DEBIAN_MIRROR (default http://deb.debian.org/debian).
# Prints the time of each step on stderr. Needs root (debootstrap) and a Docker engine.
set -euo pipefail

die() { echo "build-image: error: $*" >&2; exit 1; }
say() { echo "build-image: $*" >&2; }

src_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tag=lockdown:local
mode=
binary=
while (($#)); do
  case $1 in
    --binary) (($# >= 2)) || die "--binary needs a path"; mode=binary binary=$2; shift 2 ;;
    --from-source) mode=source; shift ;;
    --tag) (($# >= 2)) || die "--tag needs a name"; tag=$2; shift 2 ;;
    --source) (($# >= 2)) || die "--source needs a directory"; src_dir=$(cd "$2" && pwd); shift 2 ;;
    -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[[ -n $mode ]] || die "say --binary PATH or --from-source (see --help)"
[[ $(id -u) -eq 0 ]] || die "must run as root (debootstrap writes root-owned trees)"
command -v docker >/dev/null || die "docker is not installed"
command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
if [[ $mode == binary ]]; then
  [[ -f $binary && -x $binary ]] || die "--binary '$binary' is not an executable file"
fi

cache=${LOCKDOWN_CACHE:-/var/cache/lockdown-test}/image-bases
mirror=${LOCKDOWN_DEBIAN_MIRROR:-http://deb.debian.org/debian}
mkdir -p "$cache"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/build-image.XXXXXX")
remove_tmp() {
  # debootstrap may leave proc/sys mounted below its target after a failure
  local m
  while IFS= read -r m; do
    umount -l "$m" || true
  done < <(awk -v t="$tmp/" 'index($2, t) == 1 { print $2 }' /proc/self/mounts | sort -r)
  rm -rf "$tmp"
}
trap remove_tmp EXIT

# What lockdown links against (ldd of the binary; keep in step with CMakeLists.txt's DEPS)
RUNTIME_PACKAGES=ca-certificates,libarchive13,libbpf1,libcurl4,libjansson4,libpcre2-8-0,libsodium23,libsqlite3-0,libssl3,libyaml-0-2,libzstd1,zlib1g
# scripts/install-deps.sh BUILD_PACKAGES without the test-only ones (cmocka, jq)
BUILD_PACKAGES=build-essential,cmake,ninja-build,pkg-config,clang,libbpf-dev,bpftool,libarchive-dev,libssl-dev,libcurl4-openssl-dev,libsqlite3-dev,libjansson-dev,libyaml-dev,libpcre2-dev,libzstd-dev,zlib1g-dev,libsodium-dev,ca-certificates

# base_image NAME PACKAGES: debootstrap tarball (cached) imported as NAME
base_image() {
  local name=$1 pkgs=$2 key tar dir start recipe
  key=$(printf '%s\n' "$mirror" "$pkgs" | sha256sum | cut -c1-16)
  tar=$cache/${name//[:\/]/_}-$key.tar
  if [[ ! -s $tar ]]; then
    dir=$tmp/rootfs-${name//[:\/]/_}
    start=$SECONDS
    say "debootstrap --variant=minbase --include=$pkgs bookworm ($mirror)"
    if ! debootstrap --variant=minbase --include="$pkgs" bookworm "$dir" "$mirror" >"$tmp/debootstrap.log" 2>&1; then
      tail -n 30 "$tmp/debootstrap.log" >&2
      die "debootstrap of $name from $mirror failed"
    fi
    rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* "$dir"/debootstrap
    tar -C "$dir" --numeric-owner -cf "$tar.part" . || die "could not tar $dir"
    mv -f "$tar.part" "$tar"
    rm -rf "$dir"
    say "debootstrap of $name took $((SECONDS - start)) s; cached in $tar"
  fi
  recipe="$key-$(stat -c '%s-%Y' "$tar")"
  if [[ $(docker image inspect -f '{{index .Config.Labels "io.lockdown.base-recipe"}}' "$name" 2>/dev/null) != "$recipe" ]]; then
    start=$SECONDS
    docker import --change "LABEL io.lockdown.base-recipe=$recipe" --change 'CMD ["/bin/bash"]' \
      "$tar" "$name" >/dev/null || die "docker import of $name failed"
    say "imported $name in $((SECONDS - start)) s"
  fi
}

version=$(sed -n 's/^project(lockdown VERSION \([0-9.]*\).*/\1/p' "$src_dir/CMakeLists.txt" | head -n 1)
revision=$(git -C "$src_dir" rev-parse HEAD 2>/dev/null || echo unknown)
ctx=$tmp/context
mkdir -p "$ctx"
base_image lockdown-build/runtime-base:bookworm "$RUNTIME_PACKAGES"
if [[ $mode == source ]]; then
  base_image lockdown-build/build-base:bookworm "$BUILD_PACKAGES"
  # only what the build reads: no build/ tree, no test data, nothing the checkout holds besides
  cp -a "$src_dir/CMakeLists.txt" "$src_dir/cmake" "$src_dir/src" "$src_dir/data" "$ctx/"
  dockerfile=$src_dir/deploy/docker/Dockerfile
else
  cp "$binary" "$ctx/lockdown"
  dockerfile=$src_dir/deploy/docker/Dockerfile.prebuilt
fi
start=$SECONDS
if ! DOCKER_BUILDKIT=0 docker build --network none --pull=false -f "$dockerfile" -t "$tag" \
  --build-arg VERSION="${version:-0.0.0}" --build-arg REVISION="$revision" "$ctx" >"$tmp/build.log" 2>&1; then
  tail -n 40 "$tmp/build.log" >&2
  die "docker build of $tag failed"
fi
say "docker build ($mode) of $tag took $((SECONDS - start)) s"
