#!/usr/bin/env bash
# bench/lib.sh — shared helpers for lockdown's benchmark scripts: run a
# command N times and print the median wall time, and peak RSS of one run.
# Benchmarks compare lockdown with a peer or a floor on the same input in one
# run and print ratios; they never fail CI.

# median_seconds N CMD... — runs CMD N times (output discarded), prints the median wall time
median_seconds() {
    local n=$1 i start end
    shift
    local times=()
    for ((i = 0; i < n; i++)); do
        start=$(date +%s.%N)
        "$@" >/dev/null 2>&1
        end=$(date +%s.%N)
        times+=("$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.6f", b - a}')")
    done
    printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.4f\n", m}'
}

# peak_rss_kib CMD... — peak resident set size of one run, in KiB
peak_rss_kib() {
    /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}'
}

# ratio A B — A / B with two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0) ? a / b : 0}'; }
