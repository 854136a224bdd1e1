#!/usr/bin/env bash
# aws_scan.sh — `lockdown aws scan` of a generated AWS CLI export
# (bench/aws_gen.py: N task definitions of 3 containers, N/10 services, N/5
# ECR repositories with their policies, N/50 EKS clusters), every check, the
# JSON report written: median wall time of RUNS runs (default 5) and peak RSS.
# No peer reads this input (the AWS scanners read the live APIs, which are
# not reachable here), so the floors are what any reader must do with the
# same files: jq parsing every document, and cat reading their bytes.
# Prints medians and ratios; never fails on speed.
#
# Usage: bench/aws_scan.sh [N] [RUNS]
#   LOCKDOWN_BIN  lockdown binary (default: build/lockdown)
set -euo pipefail

n=${1:-5000}
runs=${2:-5}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$repo/bench/lib.sh"
bin=${LOCKDOWN_BIN:-$repo/build/lockdown}
[[ -x $bin ]] || { echo "aws_scan: no lockdown binary at $bin (set LOCKDOWN_BIN)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "aws_scan: GNU time is needed (apt-get install time)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "generating an export of $n task definitions..."
python3 "$repo/bench/aws_gen.py" "$tmp/export" "$n"
files=$(find "$tmp/export" -type f | wc -l)
mb=$(du -sm "$tmp/export" | cut -f1)
echo "machine: $(nproc) processors, load $(cut -d' ' -f1-3 /proc/loadavg); $files files, $mb MB"

# exit 1 is the gate failing on the generated weaknesses: a finished scan
scan() { "$bin" aws scan --level high --format json -o "$tmp/report.json" "$tmp/export" 2>/dev/null || [[ $? -eq 1 ]]; }
parse() { find "$tmp/export" -name '*.json' -print0 | xargs -0 jq -c . >/dev/null; }
readall() { find "$tmp/export" -type f -print0 | xargs -0 cat >/dev/null; }
scan # warm the page cache
t_scan=$(median_seconds "$runs" scan)
t_jq=$(median_seconds "$runs" parse)
t_cat=$(median_seconds "$runs" readall)
rss=$(peak_rss_kib "$bin" aws scan --level high --format json -o "$tmp/report.json" "$tmp/export" || true)
printf '%-34s %10s %10s\n' "run" "median s" "ratio"
printf '%-34s %10s %10s\n' "lockdown aws scan (json report)" "$t_scan" "1.00"
printf '%-34s %10s %10s\n' "floor: jq . on every document" "$t_jq" "$(ratio "$t_scan" "$t_jq")"
printf '%-34s %10s %10s\n' "floor: cat every file" "$t_cat" "$(ratio "$t_scan" "$t_cat")"
echo "lockdown peak RSS: $((rss / 1024)) MiB; findings: $(jq '.findings | length' "$tmp/report.json")"
