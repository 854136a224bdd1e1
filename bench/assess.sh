#!/usr/bin/env bash
# assess.sh — wall time of `lockdown assess` on this machine with N running
# containers (default 20) over M distinct images (default 10: the
# lockdown-bench/regscan:* debian images when present, else the test images),
# with a vulnerability database, cold (empty layer cache, each run) and warm
# (the cache of the previous run), median of RUNS (default 3). The floor is
# what any scanner must at least do: `docker save` of the same images into
# /dev/null (the bytes the engine hands out), one after the other. Prints
# medians and ratios; never fails on speed.
#
# Usage: bench/assess.sh [N] [M] [RUNS]
#   LOCKDOWN_BIN  lockdown binary (default: build/lockdown)
#   LOCKDOWN_DB   vulnerability database (default: one imported here from the
#                 fixture feeds under tests/fixtures/feeds)
# Containers carry the label lockdown-bench-assess=1 and are removed at exit.
set -euo pipefail

n=${1:-20}
m=${2:-10}
runs=${3:-3}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${LOCKDOWN_BIN:-$repo/build/lockdown}
tmp=$(mktemp -d)

cleanup() {
  local ids
  ids=$(docker ps -aq --filter label=lockdown-bench-assess=1 2>/dev/null || true)
  [[ -n $ids ]] && docker rm -f $ids >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT

[[ -x $bin ]] || { echo "assess: no lockdown binary at $bin (set LOCKDOWN_BIN)" >&2; exit 2; }
mapfile -t images < <(docker images --format '{{.Repository}}:{{.Tag}}' | grep '^lockdown-bench/regscan:' | sort -t: -k2 -n | head -n "$m")
if ((${#images[@]} == 0)); then
  images=(lockdown-test/debian:bookworm lockdown-test/busybox:1)
fi
m=${#images[@]}

cleanup
mkdir -p "$tmp"
db=${LOCKDOWN_DB:-}
if [[ -z $db ]]; then
  db=$tmp/vuln.db
  # the fixture feeds: a Debian security tracker extract (bookworm) and OSV npm
  "$bin" db import --db "$db" "$repo/tests/fixtures/feeds/match/debian-tracker.json" \
    "$repo/tests/fixtures/feeds/match/osv-npm" >/dev/null
fi

echo "starting $n containers over $m images (sleep 3600)..."
for i in $(seq 0 $((n - 1))); do
  img=${images[$((i % m))]}
  docker run -d --label lockdown-bench-assess=1 --entrypoint /bin/sleep "$img" 3600 >/dev/null
done

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
secs() { # secs CMD...: wall seconds of one run
  local s e
  s=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || true
  e=$(date +%s.%N)
  echo "$e - $s" | bc
}

assess() { LOCKDOWN_DB=$db "$bin" assess -q --cache-dir "$tmp/cache" --format json; }

cold=() warm=() floor=()
for r in $(seq 1 "$runs"); do
  rm -rf "$tmp/cache"
  cold+=("$(secs assess)")
  warm+=("$(secs assess)")
  floor+=("$(secs bash -c 'for i in "$@"; do docker save "$i" >/dev/null; done' _ "${images[@]}")")
done
c=$(printf '%s\n' "${cold[@]}" | median)
w=$(printf '%s\n' "${warm[@]}" | median)
f=$(printf '%s\n' "${floor[@]}" | median)
LOCKDOWN_DB=$db "$bin" assess -q --cache-dir "$tmp/cache" --format json >"$tmp/last.json" || true
echo "assess with $n running containers, $m images ($(jq -r '[.tiers[] | "\(.name): \(.state)"] | join(", ")' "$tmp/last.json"))"
echo "  cold (empty layer cache): median ${c} s  runs: ${cold[*]}"
echo "  warm (layer cache):       median ${w} s  runs: ${warm[*]}"
echo "  floor (docker save of the $m images to /dev/null): median ${f} s  runs: ${floor[*]}"
echo "  cold/floor $(echo "scale=2; $c / $f" | bc)x  warm/floor $(echo "scale=2; $w / $f" | bc)x  warm/cold $(echo "scale=2; $w / $c" | bc)x"
jq -r '.notes[] | select(test("images tier|layer cache"))' "$tmp/last.json" | sed 's/^/  note: /'
