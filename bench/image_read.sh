#!/usr/bin/env bash
# image_read.sh — how fast lockdown's image reader reads a >= 1 GB image with
# gzip layers, against the floor `zcat LAYER | sha256sum` over the same layer
# blobs (run one after another). Not a test: it prints medians and the ratio
# (target <= 1.25x the floor) and the reader's peak RSS (target < 64 MiB).
#
# The image is built offline once into $BENCH_DIR (default
# /var/tmp/lockdown-bench-image) as an OCI layout: layer 0 is the Debian
# rootfs at ${LOCKDOWN_CACHE:-/var/cache/lockdown-test}/bookworm-rootfs
# (tests/harness/images.sh --debian makes it), layers 1..N copies of its /usr
# under /opt/copyK plus compressible generated text, each gzip'd (-6).
#
# Usage: bash bench/image_read.sh [--runs N] [--threads N]
# Env:   LOCKDOWN_BUILD_DIR (for tests/tools/image_dump; default build/),
#        BENCH_DIR, BENCH_LAYERS (data layers, default 7)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${LOCKDOWN_BUILD_DIR:-$repo/build}
dump=$build/tests/tools/image_dump
cache=${LOCKDOWN_CACHE:-/var/cache/lockdown-test}
rootfs=$cache/bookworm-rootfs
dir=${BENCH_DIR:-/var/tmp/lockdown-bench-image}
layers=${BENCH_LAYERS:-7}
runs=3
threads=0
while (($#)); do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    *) echo "usage: image_read.sh [--runs N] [--threads N]" >&2; exit 2 ;;
  esac
done
[[ -x $dump ]] || { echo "image_read: $dump missing (build the tests first)" >&2; exit 2; }
[[ -d $rootfs/usr ]] || { echo "image_read: no Debian rootfs at $rootfs (run tests/harness/images.sh --debian)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "image_read: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }

oci=$dir/oci
build_image() { # writes $oci: blobs/sha256/*, index.json, oci-layout
  local work=$dir/work i f blob d size diff_ids=() descs=() cfg mf
  rm -rf "$work" "$oci"
  mkdir -p "$work" "$oci/blobs/sha256"
  tar -C "$rootfs" --numeric-owner -cf "$work/layer0.tar" .
  for ((i = 1; i <= layers; i++)); do
    mkdir -p "$work/l$i/opt/copy$i"
    cp -a "$rootfs/usr" "$work/l$i/opt/copy$i/"
    # ~32 MiB of text that compresses about 3:1, different in every layer
    for f in 1 2 3 4; do
      seq "$((i * 1000000 + f * 100000))" "$((i * 1000000 + f * 100000 + 800000))" |
        sed 's/$/ lockdown benchmark line with some repeated words/' >"$work/l$i/opt/copy$i/data$f.txt"
    done
    tar -C "$work/l$i" --numeric-owner -cf "$work/layer$i.tar" .
    rm -rf "$work/l$i"
  done
  ls "$work"/layer*.tar | xargs -P "$(nproc)" -n 1 gzip -6 -n
  for ((i = 0; i <= layers; i++)); do
    d=$(sha256sum <"$work/layer$i.tar.gz" | cut -d' ' -f1)
    size=$(stat -c %s "$work/layer$i.tar.gz")
    diff_ids+=("\"sha256:$(zcat "$work/layer$i.tar.gz" | sha256sum | cut -d' ' -f1)\"")
    mv "$work/layer$i.tar.gz" "$oci/blobs/sha256/$d"
    descs+=("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$d\",\"size\":$size}")
  done
  cfg=$(printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[%s]},"history":[]}' \
    "$(IFS=,; echo "${diff_ids[*]}")")
  printf '%s' "$cfg" >"$work/config"
  d=$(sha256sum <"$work/config" | cut -d' ' -f1)
  mv "$work/config" "$oci/blobs/sha256/$d"
  mf=$(printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[%s]}' \
    "$d" "${#cfg}" "$(IFS=,; echo "${descs[*]}")")
  printf '%s' "$mf" >"$work/manifest"
  d=$(sha256sum <"$work/manifest" | cut -d' ' -f1)
  size=$(stat -c %s "$work/manifest")
  mv "$work/manifest" "$oci/blobs/sha256/$d"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d}]}' \
    "$d" "$size" >"$oci/index.json"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$oci/oci-layout"
  rm -rf "$work"
  echo "$layers" >"$dir/.layers"
}

if [[ ! -f $oci/index.json || $(cat "$dir/.layers" 2>/dev/null) != "$layers" ]]; then
  echo "image_read: building the benchmark image in $dir (once)..." >&2
  mkdir -p "$dir"
  build_image
fi

blobs=$(find "$oci/blobs/sha256" -type f -size +1M | sort)
compressed=$(cat $blobs | wc -c)
uncompressed=0
for b in $blobs; do uncompressed=$((uncompressed + $(zcat "$b" | wc -c))); done

# run_timed OUT CMD... — wall seconds and peak RSS (KiB) into OUT as "secs kib"
run_timed() {
  local out=$1 log
  shift
  log=$(mktemp)
  /usr/bin/time -v "$@" >/dev/null 2>"$log"
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; secs = s }
              /Maximum resident set size/ { rss = $2 } END { print secs, rss }' "$log" >"$out"
  rm -f "$log"
}

floor_cmd() { for b in $blobs; do zcat "$b" | sha256sum >/dev/null; done; }
# A stricter reference: decompression alone (coreutils sha256sum does not use
# SHA-NI and is often the slower half of the floor's pipeline).
zcat_cmd() { for b in $blobs; do zcat "$b" >/dev/null; done; }
export -f floor_cmd zcat_cmd
export blobs

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

ld_t=() ld_rss=() fl_t=() zc_t=()
for ((r = 1; r <= runs; r++)); do
  run_timed "$dir/.t" bash -c floor_cmd
  fl_t+=("$(cut -d' ' -f1 "$dir/.t")")
  run_timed "$dir/.t" bash -c zcat_cmd
  zc_t+=("$(cut -d' ' -f1 "$dir/.t")")
  run_timed "$dir/.t" "$dump" --summary --threads "$threads" "oci:$oci"
  ld_t+=("$(cut -d' ' -f1 "$dir/.t")")
  ld_rss+=("$(cut -d' ' -f2 "$dir/.t")")
done
fl=$(printf '%s\n' "${fl_t[@]}" | median)
ld=$(printf '%s\n' "${ld_t[@]}" | median)
zc=$(printf '%s\n' "${zc_t[@]}" | median)
rss=$(printf '%s\n' "${ld_rss[@]}" | median)
echo "image: $((layers + 1)) gzip layers, $((compressed / 1048576)) MiB compressed, $((uncompressed / 1048576)) MiB uncompressed ($(nproc) cores)"
echo "floor (zcat | sha256sum, layer by layer): runs ${fl_t[*]} s, median $fl s"
echo "zcat alone (decompression only):          runs ${zc_t[*]} s, median $zc s"
echo "lockdown reader (oci:, threads=$threads):  runs ${ld_t[*]} s, median $ld s, peak RSS median $((rss / 1024)) MiB"
awk -v a="$ld" -v b="$fl" -v c="$zc" 'BEGIN { printf "ratio lockdown/floor: %.2fx (target <= 1.25x); lockdown/zcat-alone: %.2fx\n", a / b, a / c }'
