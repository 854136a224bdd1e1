#!/usr/bin/env bash
# test.sh — the project's one test command (`bash scripts/test.sh`; CI runs it
# through .ci/run). Installs what the build and the tests need, brings up the
# real components (Docker engine, offline test images, npm validators), then
# builds and runs the whole suite twice with ctest: a RelWithDebInfo build in
# build/ and an ASan+UBSan build in build-asan/, both with warnings as errors
# (LOCKDOWN_WERROR=ON; a plain `cmake` build leaves them warnings). Prints the
# time each phase took; exits non-zero if any phase fails.
#
# Exported to the tests: LOCKDOWN_CACHE, LOCKDOWN_TOOLS, LOCKDOWN_DEBIAN_ROOTFS,
# LOCKDOWN_TEST_ENGINE=1 when the engine is up, LOCKDOWN_TEST_IMAGES=1 when the
# test images are built (tests/e2e/lib.sh then fails, not skips, without them).
# With CI=true (or CI=1) the engine, the images and the npm validators are
# required, and LOCKDOWN_TEST_REQUIRE_ALL=1 is exported: every skip of
# something the harness provides is then a failure (tests/e2e/lib.sh,
# tests/unit/test_skip.h). A skip is never counted as a pass: ctest lists
# skipped tests apart ("The following tests did not run").
#
# Env: LOCKDOWN_CTEST_JOBS (default: nproc), LOCKDOWN_SKIP_ASAN=1 (local only),
#      LOCKDOWN_FUZZ_RUNS (inputs per fuzz target, default 5000; 0 skips locally),
#      CTEST_ARGS (extra ctest arguments, e.g. "-R e2e/").
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

if [[ $(id -u) -ne 0 ]]; then
  echo "test.sh: error: run as root (it installs packages and starts a Docker engine); sudo is not used" >&2
  exit 1
fi

in_ci=0
[[ ${CI:-} == true || ${CI:-} == 1 ]] && in_ci=1

export LOCKDOWN_CACHE=${LOCKDOWN_CACHE:-/var/cache/lockdown-test}
export LOCKDOWN_TOOLS=$repo/tests/.tools
export LOCKDOWN_DEBIAN_ROOTFS=$LOCKDOWN_CACHE/bookworm-rootfs
unset LOCKDOWN_TEST_ENGINE LOCKDOWN_TEST_IMAGES
# The table report follows $COLUMNS; the tests set it where they mean to.
unset COLUMNS
if ((in_ci)); then export LOCKDOWN_TEST_REQUIRE_ALL=1; fi
jobs=${LOCKDOWN_CTEST_JOBS:-$(nproc)}
read -r -a ctest_extra <<<"${CTEST_ARGS:-}"

failed=()
summary=()
total_start=$SECONDS

# phase NAME CMD... — runs CMD, prints how long it took, records a failure.
# With optional=1 set for the call, a failure is reported but does not fail the run.
optional=0
phase() {
  local name=$1 start=$SECONDS rc=0 took
  shift
  echo "==== $name" >&2
  "$@" || rc=$?
  took=$((SECONDS - start))
  if ((rc == 0)); then
    echo "==== $name: ok (${took} s)" >&2
    summary+=("$name: ok, ${took} s")
  elif ((optional)); then
    echo "==== $name: FAILED, exit $rc (${took} s); not required outside CI, going on" >&2
    summary+=("$name: failed (not required outside CI), ${took} s")
  else
    echo "==== $name: FAILED, exit $rc (${took} s)" >&2
    summary+=("$name: FAILED, ${took} s")
    failed+=("$name")
  fi
  return "$rc"
}

# ---- environment -------------------------------------------------------------
phase "install-deps" bash scripts/install-deps.sh --test || {
  echo "test.sh: cannot continue without the packages" >&2
  exit 1
}

# The engine, the images and the npm validators are required in CI; elsewhere
# the tests that need them skip (and say so).
((in_ci)) || optional=1
if phase "engine-up" bash tests/harness/engine-up.sh; then
  export LOCKDOWN_TEST_ENGINE=1
  if phase "images" bash tests/harness/images.sh --debian; then
    export LOCKDOWN_TEST_IMAGES=1
  fi
fi
phase "npm-tools" bash tests/harness/npm-tools.sh || true
optional=0

# ---- build and test -----------------------------------------------------------
configure() { # configure BUILD_DIR [CMAKE_ARGS...]
  local dir=$1
  shift
  local gen=(-G Ninja)
  # Keep the generator of an existing build tree (cmake refuses to switch).
  [[ -f $dir/CMakeCache.txt ]] && gen=()
  mkdir -p "$dir"
  # Quiet unless it fails.
  if ! cmake -S . -B "$dir" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLOCKDOWN_WERROR=ON "$@" \
    >"$dir/.configure.log" 2>&1; then
    cat "$dir/.configure.log" >&2
    return 1
  fi
}

run_ctest() { # run_ctest BUILD_DIR
  ctest --test-dir "$1" --output-on-failure --no-tests=error -j "$jobs" "${ctest_extra[@]}"
}

build_and_test() { # build_and_test LABEL BUILD_DIR [CMAKE_ARGS...]
  local label=$1 dir=$2
  shift 2
  phase "$label: configure" configure "$dir" "$@" || return 0
  phase "$label: build" cmake --build "$dir" || return 0
  phase "$label: ctest" run_ctest "$dir" || true
}

build_and_test "release" build

if [[ ${LOCKDOWN_SKIP_ASAN:-0} == 1 ]] && ((!in_ci)); then
  echo "test.sh: LOCKDOWN_SKIP_ASAN=1: skipping the ASan+UBSan build" >&2
else
  export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:abort_on_error=0:print_summary=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
  build_and_test "asan" build-asan -DLOCKDOWN_SANITIZE=ON
  unset ASAN_OPTIONS UBSAN_OPTIONS
fi

# ---- fuzz smoke ----------------------------------------------------------------
# Every libFuzzer target (one per parser) replays its seed corpus (which keeps
# every input that once crashed) and then a fixed, seeded run of inputs, so a
# parser change that crashes on known-hostile input fails here, and the same
# tree always runs the same inputs. LOCKDOWN_FUZZ_RUNS=0 skips it (local
# only); tests/fuzz/run.sh 60 fuzzes for real.
fuzz_runs=${LOCKDOWN_FUZZ_RUNS:-5000}
if ((fuzz_runs > 0)) || ((in_ci)); then
  ((fuzz_runs > 0)) || fuzz_runs=5000
  phase "fuzz smoke (seed 1, ${fuzz_runs} inputs per target)" bash tests/fuzz/run.sh --runs "$fuzz_runs" || true
fi

# ---- summary ------------------------------------------------------------------
echo "==== test.sh summary ($((SECONDS - total_start)) s):" >&2
printf '  %s\n' "${summary[@]}" >&2
if ((${#failed[@]})); then
  echo "test.sh: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "test.sh: all phases passed" >&2
