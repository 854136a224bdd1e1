#!/usr/bin/env bash
# bench/registry_pull_scan.sh — pull-and-scan of a 5-layer image from a local
# TLS registry: `lockdown image scan registry:REF` (layers streamed from the
# registry into the reader, nothing on disk) against the floor of doing it in
# two steps, `skopeo copy docker://REF oci:DIR` then `lockdown image scan
# oci:DIR`. Target: lockdown <= 0.8x the floor. Runs alternate, lockdown then
# the floor, RUNS times, so whatever else loads the machine weighs on both;
# the floor's directory is removed between runs, outside the clock. Prints
# the median and fastest wall time, the median CPU time (user + system, of
# every process of the step), the peak RSS of one more run of each process,
# and the ratios. Both sides scan with --no-cache (the layer cache would
# make a rescan free) and --checks config,secrets (no vulnerability
# database needed; BENCH_CHECKS changes it).
#
# The image (lockdown-bench/registry5:1) is built once, offline, with the
# engine's legacy builder: FROM lockdown-test/debian:bookworm (the test image
# tests/harness/images.sh makes) and four RUN layers of a few MB each (text
# that compresses and random bytes that do not). The registry is Debian's
# docker-registry with the test CA (tests/e2e/registry_lib.sh), on
# 127.0.0.1, stopped at exit.
#
# Every run's exit status is checked (0, or 1 for a failed gate), and both
# sides must report the same findings (check id and status): a benchmark of
# different tasks is not a result. Not a test; never runs in CI.
#
# Usage: bash bench/registry_pull_scan.sh        Env: RUNS (default 7), LOCKDOWN_BIN
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
LOCKDOWN=${LOCKDOWN_BIN:-$repo/build/lockdown}
RUNS=${RUNS:-7}
CHECKS=${BENCH_CHECKS:-config,secrets}
IMAGE=lockdown-bench/registry5:1
BASE=lockdown-test/debian:bookworm

die() {
    echo "registry_pull_scan: $*" >&2
    exit 1
}
[[ -x $LOCKDOWN ]] || die "build lockdown first ($LOCKDOWN), or set LOCKDOWN_BIN"
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install time)"
[[ -n ${EPOCHREALTIME:-} ]] || die "needs bash 5 or later (EPOCHREALTIME)"
for c in docker skopeo docker-registry jq curl openssl htpasswd; do
    command -v "$c" >/dev/null || die "$c is missing (bash scripts/install-deps.sh --test)"
done
docker image inspect "$BASE" >/dev/null 2>&1 ||
    die "no $BASE in the engine (bash tests/harness/images.sh --debian)"

work=$(mktemp -d "${TMPDIR:-/var/tmp}/ld-bench-registry.XXXXXX")
cleanups=()
on_exit() {
    local c
    for c in "${cleanups[@]}"; do eval "$c" >/dev/null 2>&1 || true; done
    rm -rf "$work"
}
trap on_exit EXIT
# registry_lib.sh is the tests' harness; it reports through these two
ld_on_exit() { cleanups+=("$*"); }
fail_plain() { die "$*"; }
# shellcheck source=../tests/e2e/registry_lib.sh
source "$repo/tests/e2e/registry_lib.sh"

if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then
    echo "building $IMAGE (once) ..."
    {
        echo "FROM $BASE"
        for i in 1 2 3 4; do
            echo "RUN mkdir -p /opt/bench$i && seq $((i * 1000000)) $((i * 1000000 + 300000)) > /opt/bench$i/numbers.txt && head -c 2000000 /dev/urandom > /opt/bench$i/random.bin"
        done
    } | DOCKER_BUILDKIT=0 docker build -q -t "$IMAGE" - >/dev/null || die "docker build of $IMAGE failed"
fi
layers=$(docker image inspect -f '{{len .RootFS.Layers}}' "$IMAGE")

reg_start R --tls
docker save -o "$work/image.tar" "$IMAGE"
REF=$R/bench/registry5:1
reg_push "$work/image.tar" "$REF" --tls || die "skopeo could not push $IMAGE to $R"
rm -f "$work/image.tar"

scan_args=(--no-cache --checks "$CHECKS" -f json)
ok_exit() { [[ $1 == 0 || $1 == 1 ]]; } # 1: the gate failed, the scan ran

# The two sides, each a function so both are timed alike. $work/out.json is the report.
side_lockdown() {
    "$LOCKDOWN" image scan "registry:$REF" --cacert "$REG_CA" "${scan_args[@]}" \
        --output "$work/lockdown.json"
}
side_floor() {
    skopeo --insecure-policy copy -q --src-cert-dir "$REG_CERT_DIR" "docker://$REF" \
        "oci:$work/oci:latest" || return 3
    "$LOCKDOWN" image scan "oci:$work/oci" "${scan_args[@]}" --output "$work/floor.json"
}

children_cpu() {
    awk 'function s(t) { split(t, a, /[ms]/); return a[1] * 60 + a[2] }
         NR == 2 { printf "%.6f\n", s($1) + s($2) }' "$1"
}

# run_once SIDE: one timed run; appends "wall cpu" to $work/SIDE.times
run_once() {
    local side=$1 start end rc=0
    rm -rf "$work/oci"
    times >"$work/times.0"
    start=$EPOCHREALTIME
    "side_$side" >"$work/run.out" 2>&1 || rc=$?
    end=$EPOCHREALTIME
    times >"$work/times.1"
    ok_exit "$rc" || { tail -n 5 "$work/run.out" >&2; die "$side failed (exit $rc)"; }
    awk -v s="${start/,/.}" -v e="${end/,/.}" -v c0="$(children_cpu "$work/times.0")" \
        -v c1="$(children_cpu "$work/times.1")" 'BEGIN {printf "%.6f %.6f\n", e - s, c1 - c0}' \
        >>"$work/$side.times"
}

# rss CMD...: peak RSS (KiB) of one run of CMD
rss() {
    local rc=0
    /usr/bin/time -f '%M' -o "$work/time.out" "$@" >"$work/run.out" 2>&1 || rc=$?
    ok_exit "$rc" || die "$1 failed (exit $rc) under /usr/bin/time"
    tail -n 1 "$work/time.out"
}

summary() { # summary FILE COLUMN median|min
    awk -v c="$2" '{print $c}' "$1" | sort -g | awk -v how="$3" '
        {a[NR] = $1}
        END {
            v = how == "min" ? a[1] : (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
            printf "%.4f\n", v
        }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0) ? a / b : 0}'; }

blob_bytes=$(skopeo inspect --raw --cert-dir "$REG_CERT_DIR" "docker://$REF" | jq '[.layers[].size] | add')
echo "lockdown $("$LOCKDOWN" --version | cut -d' ' -f2), $(skopeo --version)"
echo "image: $IMAGE, $layers layers, $((blob_bytes / 1024)) KiB of layer blobs, at https://$REF"
echo "$RUNS runs each, alternating; --checks $CHECKS --no-cache; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
run_once lockdown # warm-up: the registry's page cache, both sides alike
run_once floor
rm -f "$work"/*.times
for ((i = 0; i < RUNS; i++)); do
    run_once lockdown
    run_once floor
done

# the same task: the same findings
findings() { jq -c '[.findings[] | select(.check_id != "image.tag-latest") | {check_id, status}] | sort' "$1"; }
[[ $(findings "$work/lockdown.json") == "$(findings "$work/floor.json")" ]] ||
    die "the two sides report different findings: not the same task"
nf=$(jq '.findings | length' "$work/lockdown.json")

rm -rf "$work/oci"
rss_pull=$(rss "$LOCKDOWN" image scan "registry:$REF" --cacert "$REG_CA" "${scan_args[@]}" --output "$work/x.json")
rss_skopeo=$(rss skopeo --insecure-policy copy -q --src-cert-dir "$REG_CERT_DIR" "docker://$REF" "oci:$work/oci:latest")
rss_oci=$(rss "$LOCKDOWN" image scan "oci:$work/oci" "${scan_args[@]}" --output "$work/x.json")

printf '%-34s %10s %10s %12s\n' "" "median s" "fastest s" "median CPU s"
printf '%-34s %10s %10s %12s\n' "lockdown image scan registry:REF" "$(summary "$work/lockdown.times" 1 median)" \
    "$(summary "$work/lockdown.times" 1 min)" "$(summary "$work/lockdown.times" 2 median)"
printf '%-34s %10s %10s %12s\n' "skopeo copy + lockdown scan oci:" "$(summary "$work/floor.times" 1 median)" \
    "$(summary "$work/floor.times" 1 min)" "$(summary "$work/floor.times" 2 median)"
echo "ratio (lockdown / floor): median wall $(ratio "$(summary "$work/lockdown.times" 1 median)" \
    "$(summary "$work/floor.times" 1 median)")x (target <= 0.80x), fastest wall $(ratio \
    "$(summary "$work/lockdown.times" 1 min)" "$(summary "$work/floor.times" 1 min)")x, median CPU $(ratio \
    "$(summary "$work/lockdown.times" 2 median)" "$(summary "$work/floor.times" 2 median)")x"
echo "peak RSS KiB: lockdown registry scan $rss_pull; floor: skopeo copy $rss_skopeo, lockdown oci scan $rss_oci"
echo "findings: $nf on both sides, the same check ids and statuses"
