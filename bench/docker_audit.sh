#!/usr/bin/env bash
# docker_audit.sh — wall time of a full `lockdown docker audit` with N running
# containers (default 50 busybox `sleep 3600`), median of RUNS (default 5),
# against a floor: N sequential `curl --unix-socket ... /containers/ID/json`
# calls (the inspects any auditor must make, one process each, as shell
# benchmarks do). docker-bench-security, the usual peer (~14 s for 11
# containers on these machines), cannot be fetched offline, so the floor
# stands in. Uses hyperfine when installed (apt-get install hyperfine), else
# a timing loop. Prints medians and the ratio; never fails on speed.
#
# Usage: bench/docker_audit.sh [N] [RUNS]
#   LOCKDOWN_BIN  lockdown binary (default: build/lockdown); it must have the
#                 `docker` command.
# Containers carry the label lockdown-bench=1 and are removed at exit.
set -euo pipefail

n=${1:-50}
runs=${2:-5}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${LOCKDOWN_BIN:-$repo/build/lockdown}
sock=/var/run/docker.sock
image=lockdown-test/busybox:1
tmp=$(mktemp -d)

cleanup() {
  local ids
  ids=$(docker ps -aq --filter label=lockdown-bench=1 2>/dev/null || true)
  [[ -n $ids ]] && docker rm -f $ids >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT

[[ -x $bin ]] || { echo "docker_audit: no lockdown binary at $bin (set LOCKDOWN_BIN)" >&2; exit 2; }
"$bin" docker --help >/dev/null 2>&1 || { echo "docker_audit: $bin has no 'docker' command" >&2; exit 2; }
docker image inspect "$image" >/dev/null 2>&1 || { echo "docker_audit: run tests/harness/images.sh first" >&2; exit 2; }

cleanup
mkdir -p "$tmp"
echo "starting $n containers ($image sleep 3600)..."
for i in $(seq 1 "$n"); do
  docker run -d --label lockdown-bench=1 --name "ldbench-$i" "$image" sleep 3600 >/dev/null
done
sleep 5 # let dockerd settle after the start-up burst
running=$(docker ps -q --filter label=lockdown-bench=1 | wc -l)
total_running=$(docker ps -q | wc -l)
echo "$running bench containers running ($total_running in all)"
docker ps -q --no-trunc --filter label=lockdown-bench=1 >"$tmp/ids"

# the floor: N sequential inspects, one curl process each
cat >"$tmp/floor.sh" <<EOF
while read -r id; do curl -s --unix-socket $sock "http://localhost/containers/\$id/json" >/dev/null; done <"$tmp/ids"
EOF

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
time_runs() { # time_runs CMD... — prints the median wall time in seconds over $runs runs
  local i s e
  for ((i = 0; i < runs; i++)); do
    s=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    e=$(date +%s.%N)
    echo "$e - $s" | bc -l
  done | median
}

"$bin" docker audit --format json -o "$tmp/report.json" -q || true
audited=$(jq '[.findings[] | select(.check_id == "container.privileged")] | length' "$tmp/report.json")
echo "lockdown audited $audited running containers, $(jq '.findings | length' "$tmp/report.json") findings"

if command -v hyperfine >/dev/null 2>&1; then
  hyperfine -N -i --warmup 1 --runs "$runs" --export-json "$tmp/h.json" \
    -n lockdown "$bin docker audit --format json -q -o /dev/null" \
    -n floor "bash $tmp/floor.sh" >/dev/null 2>&1 || true
  ld=$(jq -r '.results[] | select(.command == "lockdown") | .median' "$tmp/h.json")
  fl=$(jq -r '.results[] | select(.command == "floor") | .median' "$tmp/h.json")
  tool=hyperfine
else
  ld=$(time_runs "$bin" docker audit --format json -q -o /dev/null)
  fl=$(time_runs bash "$tmp/floor.sh")
  tool="date loop"
fi
rss=$({ /usr/bin/time -f %M "$bin" docker audit --format json -q -o /dev/null >/dev/null; } 2>&1 | tail -n 1 || true)

printf '\n%-46s %10s\n' "median of $runs runs ($tool), $running containers" "seconds"
printf '%-46s %10.3f\n' "lockdown docker audit (full, all sections)" "$ld"
printf '%-46s %10.3f\n' "floor: $running sequential curl inspects" "$fl"
printf '%-46s %10.2fx\n' "ratio lockdown / floor" "$(echo "$ld / $fl" | bc -l)"
printf '%-46s %10s\n' "lockdown peak RSS (KiB)" "$rss"
printf '%-46s %10s\n' "target" "< 0.5 s"
echo "docker-bench-security: not available offline (reported ~14 s for 11 containers here)"
