#!/usr/bin/env bash
# images.sh — builds the offline test images into the local Docker engine (no
# registry is reachable from these machines, so nothing is pulled):
#
#   lockdown-test/busybox:1        rootfs made from Debian's busybox-static
#   lockdown-test/debian:bookworm  debootstrap --variant=minbase bookworm (with --debian)
#
# Idempotent: an image whose recipe label matches is left alone. The debootstrap
# result is cached as a tarball, and an extracted copy is kept for tests that
# read a real Debian root filesystem directly:
#
#   ${LOCKDOWN_CACHE:-/var/cache/lockdown-test}/bookworm-minbase.tar
#   ${LOCKDOWN_CACHE:-/var/cache/lockdown-test}/bookworm-rootfs/
#
# Usage: bash tests/harness/images.sh [--debian]
# Env:   LOCKDOWN_CACHE, LOCKDOWN_DEBIAN_MIRROR (default: the bookworm mirror
#        that apt uses here, else http://deb.debian.org/debian)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
CACHE=${LOCKDOWN_CACHE:-/var/cache/lockdown-test}
LABEL=org.lockdown.test.recipe

BUSYBOX_IMAGE=lockdown-test/busybox:1
BUSYBOX_RECIPE=1 # bump when the busybox rootfs recipe below changes
DEBIAN_IMAGE=lockdown-test/debian:bookworm
DEBIAN_RECIPE=1 # bump when the debian recipe below changes
DEBIAN_TAR=$CACHE/bookworm-minbase.tar
DEBIAN_ROOTFS=$CACHE/bookworm-rootfs

die() { echo "images: error: $*" >&2; exit 1; }

want_debian=0
for arg in "$@"; do
  case $arg in
    --debian) want_debian=1 ;;
    -h | --help) sed -n '2,18p' "$0"; exit 0 ;;
    *) die "unknown argument '$arg' (usage: images.sh [--debian])" ;;
  esac
done

[[ $(id -u) -eq 0 ]] || die "must run as root (docker, debootstrap and the cache in $CACHE need it)"

pkgs=(busybox-static tar)
((want_debian)) && pkgs+=(debootstrap)
bash "$repo/scripts/install-deps.sh" "${pkgs[@]}"
bash "$here/engine-up.sh"
command -v docker >/dev/null || die "docker CLI not found"

mkdir -p "$CACHE"
# One builder at a time (parallel test runs share the engine and the cache).
exec 9>"$CACHE/.images.lock"
flock -w 900 9 || die "timed out waiting for $CACHE/.images.lock"

remove_tree() { # rm -rf that first unmounts anything mounted below (debootstrap mounts proc/sys)
  local m
  while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done < <(awk -v p="$1/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r)
  rm -rf "$1"
}
for stale in "$CACHE"/.tmp.*; do # left by a run that was killed
  [[ -d $stale ]] && remove_tree "$stale"
done
tmp=$(mktemp -d "$CACHE/.tmp.XXXXXX")
trap 'remove_tree "$tmp"' EXIT

image_recipe() { # prints the recipe label of an image, nothing if absent
  docker image inspect --format "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null || true
}

quiet() { # run a command, show its output only when it fails
  local out=$tmp/cmd.log
  if ! "$@" >"$out" 2>&1; then
    tail -n 40 "$out" >&2
    return 1
  fi
}

# ---- busybox ----------------------------------------------------------------
build_busybox() {
  local bb=/bin/busybox version recipe root=$tmp/busybox-root applet
  [[ -x $bb ]] || die "$bb missing (package busybox-static)"
  ! ldd "$bb" >/dev/null 2>&1 || die "$bb is dynamically linked; install busybox-static"
  version=$(dpkg-query -W -f='${Version}' busybox-static 2>/dev/null || echo unknown)
  recipe="busybox-static=$version;r=$BUSYBOX_RECIPE"
  [[ $(image_recipe "$BUSYBOX_IMAGE") == "$recipe" ]] && return 0

  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,home,tmp,var/tmp,proc,sys,dev}
  chmod 1777 "$root/tmp" "$root/var/tmp"
  chmod 700 "$root/root"
  cp "$bb" "$root/bin/busybox"
  # The equivalent of `busybox --install -s`, but into the temp root instead
  # of the host: one symlink per applet at its canonical path.
  while read -r applet; do
    [[ -n $applet && $applet == */* && $applet != bin/busybox ]] || continue
    [[ -e $root/$applet || -L $root/$applet ]] || ln -s /bin/busybox "$root/$applet"
  done < <("$bb" --list-full)
  [[ -L $root/bin/sh ]] || die "busybox --list-full gave no bin/sh applet"
  cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
  cat >"$root/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
  printf 'root:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n' >"$root/etc/shadow"
  chmod 640 "$root/etc/shadow"

  tar -C "$root" --numeric-owner --owner=0 --group=0 -cf "$tmp/busybox.tar" . ||
    die "could not tar the busybox rootfs"
  quiet docker import \
    --change 'CMD ["/bin/sh"]' \
    --change "LABEL $LABEL=$recipe" \
    "$tmp/busybox.tar" "$BUSYBOX_IMAGE" || die "docker import of $BUSYBOX_IMAGE failed"
  [[ $(image_recipe "$BUSYBOX_IMAGE") == "$recipe" ]] || die "$BUSYBOX_IMAGE has no $LABEL label after import"
}

# ---- debian bookworm minbase -----------------------------------------------
# The bookworm mirror apt uses here (deb822 .sources first, then one-line
# .list files), so debootstrap goes where this machine is allowed to go.
detect_mirror() {
  local f uri=
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    uri=$(awk '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && suites ~ /(^| )bookworm( |$)/ && enabled != "no" && uris != "")
          { split(uris, u, " "); print u[1]; found = 1; exit }
        types = suites = uris = enabled = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      { key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ +/, ""); val = $0 }
      key == "types" { types = val } key == "suites" { suites = val }
      key == "uris" { uris = val } key == "enabled" { enabled = tolower(val) }
      END { if (!found) flush() }' "$f")
    [[ -n $uri ]] && break
  done
  if [[ -z $uri ]]; then
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [[ -f $f ]] || continue
      uri=$(awk '$1 == "deb" {
          i = 2
          if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
          if ($(i + 1) == "bookworm") { print $i; exit }
        }' "$f")
      [[ -n $uri ]] && break
    done
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

build_debian_tar() {
  [[ -s $DEBIAN_TAR ]] && return 0
  local mirror dir=$tmp/bookworm start secs
  mirror=${LOCKDOWN_DEBIAN_MIRROR:-$(detect_mirror)}
  start=$SECONDS
  if ! debootstrap --variant=minbase bookworm "$dir" "$mirror" >"$tmp/debootstrap.log" 2>&1; then
    tail -n 40 "$tmp/debootstrap.log" >&2
    [[ -f $dir/debootstrap/debootstrap.log ]] && tail -n 20 "$dir/debootstrap/debootstrap.log" >&2
    die "debootstrap --variant=minbase bookworm from $mirror failed"
  fi
  secs=$((SECONDS - start))
  # Drop what a build leaves behind that no image would carry.
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* "$dir"/debootstrap
  tar -C "$dir" --numeric-owner -cf "$DEBIAN_TAR.part" . || die "could not tar $dir"
  mv -f "$DEBIAN_TAR.part" "$DEBIAN_TAR"
  echo "images: debootstrap --variant=minbase bookworm ($mirror) took ${secs} s; cached in $DEBIAN_TAR" >&2
}

extract_debian_rootfs() {
  local id stamp=$DEBIAN_ROOTFS.stamp
  id=$(stat -c '%s-%Y' "$DEBIAN_TAR")
  [[ -d $DEBIAN_ROOTFS && -f $stamp && $(<"$stamp") == "$id" ]] && return 0
  rm -rf "$DEBIAN_ROOTFS.part"
  mkdir -p "$DEBIAN_ROOTFS.part"
  tar -C "$DEBIAN_ROOTFS.part" --numeric-owner -xf "$DEBIAN_TAR" || die "could not extract $DEBIAN_TAR"
  rm -rf "$DEBIAN_ROOTFS"
  mv "$DEBIAN_ROOTFS.part" "$DEBIAN_ROOTFS"
  echo "$id" >"$stamp"
}

build_debian() {
  local recipe
  build_debian_tar
  extract_debian_rootfs
  recipe="bookworm-minbase=$(stat -c '%s-%Y' "$DEBIAN_TAR");r=$DEBIAN_RECIPE"
  [[ $(image_recipe "$DEBIAN_IMAGE") == "$recipe" ]] && return 0
  quiet docker import \
    --change 'CMD ["/bin/bash"]' \
    --change "LABEL $LABEL=$recipe" \
    "$DEBIAN_TAR" "$DEBIAN_IMAGE" || die "docker import of $DEBIAN_IMAGE failed"
  [[ $(image_recipe "$DEBIAN_IMAGE") == "$recipe" ]] || die "$DEBIAN_IMAGE has no $LABEL label after import"
}

build_busybox
((want_debian)) && build_debian
exit 0
