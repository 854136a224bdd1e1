#!/usr/bin/env bash
# k8s_scan.sh — a full `lockdown k8s scan` of a generated 10,000-object
# cluster dump (bench/k8s_gen.py: the shapes `kubectl get -A -o yaml` and
# `-o json` print, and the same objects as a multi-document stream as `helm
# template` prints them): median wall time of RUNS runs (default 5) and peak
# RSS (GNU time), every check family included, the report rendered (table to
# /dev/null, and JSON to a file). Floors on the same files: jq parsing the
# JSON dump, and libyaml loading the YAML dump through Python's CSafeLoader
# (python3-yaml) when installed. The issue's target: under 1 s and 256 MiB on
# 2 cores. Prints medians and ratios; never fails on speed.
#
# Usage: bench/k8s_scan.sh [OBJECTS] [RUNS]
#   LOCKDOWN_BIN  lockdown binary (default: build/lockdown)
set -euo pipefail

n=${1:-10000}
runs=${2:-5}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$repo/bench/lib.sh"
bin=${LOCKDOWN_BIN:-$repo/build/lockdown}
[[ -x $bin ]] || { echo "k8s_scan: no lockdown binary at $bin (set LOCKDOWN_BIN)" >&2; exit 2; }
"$bin" k8s scan --help >/dev/null 2>&1 || { echo "k8s_scan: $bin has no 'k8s scan'" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "k8s_scan: GNU time is needed (apt-get install time)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "generating $n objects..."
python3 "$repo/bench/k8s_gen.py" "$tmp" "$n"
echo "machine: $(nproc) processors, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-40s %8s %10s %10s\n' "run" "MB" "median s" "peak MiB"

LAST=0
row() { # row LABEL FILE CMD... — prints the median time and peak RSS of CMD; LAST = the median
    local label=$1 file=$2 t kib mb mib
    shift 2
    t=$(median_seconds "$runs" "$@")
    kib=$(peak_rss_kib "$@" || true)
    mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN{printf "%.1f", b/1e6}')
    mib=$(awk -v k="${kib:-0}" 'BEGIN{printf "%.1f", k/1024}')
    printf '%-40s %8s %10s %10s\n' "$label" "$mb" "$t" "$mib"
    LAST=$t
}

for shape in cluster.yaml cluster.json multi.yaml; do
    f=$tmp/$shape
    row "k8s scan $shape (table)" "$f" "$bin" k8s scan -q "$f" -o /dev/null
    eval "scan_${shape//./_}=$LAST"
    row "k8s scan $shape (json -o file)" "$f" "$bin" k8s scan -q --format json -o "$tmp/report.json" "$f"
done
objs=$(jq '.findings | length' "$tmp/report.json" 2>/dev/null || echo "?")
echo "findings in the JSON report: $objs"

if command -v jq >/dev/null; then
    row "floor: jq . cluster.json" "$tmp/cluster.json" jq -c . "$tmp/cluster.json"
    echo "ratio k8s scan / jq parse (cluster.json): $(ratio "$scan_cluster_json" "$LAST")"
fi
if python3 -c 'import yaml; yaml.CSafeLoader' 2>/dev/null; then
    cat >"$tmp/load.py" <<'PY'
import sys, yaml
for d in yaml.load_all(open(sys.argv[1]), Loader=yaml.CSafeLoader):
    pass
PY
    row "floor: libyaml CSafeLoader cluster.yaml" "$tmp/cluster.yaml" python3 "$tmp/load.py" "$tmp/cluster.yaml"
    echo "ratio k8s scan / libyaml load (cluster.yaml): $(ratio "$scan_cluster_yaml" "$LAST")"
else
    echo "floor: libyaml through python3-yaml not installed (apt-get install python3-yaml)"
fi
