#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each
# tests/fuzz/fuzz_NAME.c for SECONDS (default 30) over its seed corpus
# tests/fuzz/corpus/NAME/. Fails if any target crashes, leaks or times out;
# a dictionary tests/fuzz/fuzz_NAME.dict is used when present; the crashing
# inputs are kept in BUILD/fuzz-artifacts/ (replay one with
# BUILD/tests/fuzz/fuzz_NAME FILE). New inputs go to a scratch corpus, so the
# seeds in the repository stay as committed.
#
# Usage: tests/fuzz/run.sh [SECONDS]   (default 30)
#        tests/fuzz/run.sh --runs N  (seed 1, N inputs per target: what CI runs)
#   LOCKDOWN_FUZZ_BUILD=DIR   build directory (default: build-fuzz/ in the source tree)
set -euo pipefail

# --runs N: deterministic mode for CI: seed 1 and N inputs per target (after
# the seeds), so the same tree always runs the same inputs.
limit=()
if [ "${1:-}" = "--runs" ]; then
    runs=${2:-}
    case $runs in '' | *[!0-9]*) echo "usage: $0 [SECONDS] | --runs N" >&2; exit 2 ;; esac
    limit=(-seed=1 -runs="$runs")
    secs="$runs inputs"
else
    secs=${1:-30}
    case $secs in
    '' | *[!0-9]*)
        echo "usage: $0 [SECONDS] | --runs N" >&2
        exit 2
        ;;
    esac
    limit=(-max_total_time="$secs")
    secs="${secs}s"
fi
command -v clang >/dev/null || {
    echo "$0: clang is needed for libFuzzer (apt-get install clang)" >&2
    exit 2
}

src=$(cd "$(dirname "$0")/../.." && pwd)
build=${LOCKDOWN_FUZZ_BUILD:-$src/build-fuzz}
gen=()
command -v ninja >/dev/null && gen=(-G Ninja)

targets=()
for f in "$src"/tests/fuzz/fuzz_*.c; do
    targets+=("$(basename "$f" .c)")
done

CC=clang cmake -S "$src" -B "$build" "${gen[@]}" -DLOCKDOWN_FUZZ=ON -DLOCKDOWN_WERROR=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target "${targets[@]}"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
artifacts=$build/fuzz-artifacts
mkdir -p "$artifacts"

# UBSan is built in recover mode by the top-level flags: make it fatal here
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
# one target: its result line into $scratch/$t.result, exit status = failed
run_one() {
    local t=$1 name=${1#fuzz_}
    local seeds=$src/tests/fuzz/corpus/$name log=$scratch/$1.log dict=()
    mkdir -p "$scratch/$name" "$seeds"
    [ -f "$src/tests/fuzz/$t.dict" ] && dict=(-dict="$src/tests/fuzz/$t.dict")
    if "$build/tests/fuzz/$t" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$artifacts/$t-" -print_final_stats=1 "${dict[@]}" \
        "$scratch/$name" "$seeds" >"$log" 2>&1; then
        local runs cov
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
        echo "ok   $t: ${runs:-?} runs ($secs), $cov" >"$scratch/$t.result"
    else
        {
            echo "FAIL $t (inputs in $artifacts/):"
            grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -20
        } >"$scratch/$t.result"
        return 1
    fi
}

# as many targets at once as there are CPUs (each is one process); the
# results are printed in the targets' order
jobs=$(nproc 2>/dev/null || echo 2)
running=0
for t in "${targets[@]}"; do
    if ((running >= jobs)); then
        wait -n || true
        running=$((running - 1))
    fi
    run_one "$t" &
    running=$((running + 1))
done
wait || true
failed=0
for t in "${targets[@]}"; do
    cat "$scratch/$t.result" 2>/dev/null || { echo "FAIL $t: no result"; failed=1; }
    grep -q '^FAIL' "$scratch/$t.result" 2>/dev/null && failed=1
done
exit $failed
