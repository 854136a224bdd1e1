#!/usr/bin/env bash
# Micro-benchmark of the version comparators (src/vuln/version*.c): builds
# bench/version_compare.c against the sources with -O2 and prints, per
# scheme, comparisons per second (parse + compare of both operands, as the
# matcher calls it) with strcmp on the same pairs as a floor; median of
# RUNS runs. When python3's `packaging` (pip's vendored copy) and npm's
# node-semver are present, their in-process rates are printed as peers.
# Not a test; never fails CI.
#
# Usage: bench/version_compare.sh [RUNS] [ROUNDS]
set -euo pipefail
runs=${1:-3}
rounds=${2:-20000}
src=$(cd "$(dirname "$0")/.." && pwd)
cc=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$cc" -O2 -std=gnu17 -D_GNU_SOURCE -I "$src/src" -o "$tmp/bench" "$src/bench/version_compare.c" \
    "$src"/src/vuln/version*.c "$src/src/core/error.c"

for i in $(seq "$runs"); do "$tmp/bench" "$rounds" >"$tmp/run$i"; done
echo "lockdown version comparators, median of $runs runs ($rounds rounds of all pairs):"
head -n1 "$tmp/run1"
tail -n +2 "$tmp/run1" | awk '{print $1}' | while read -r scheme; do
    grep -h "^$scheme " "$tmp"/run* | sort -k2,2n | awk -v n="$runs" 'NR == int((n + 1) / 2)'
done

if python3 -c 'from pip._vendor.packaging.version import Version' 2>/dev/null; then
    python3 - <<'PY'
import time
from pip._vendor.packaging.version import Version
v = ["1.0", "2.31.0", "1.0a1", "1.0.post1", "1!2.0", "3.2.1rc2", "1.0.dev3", "4.5.6+local.7"]
n, t = 0, time.perf_counter()
for _ in range(300):
    for a in v:
        for b in v:
            Version(a) < Version(b); n += 1
print("peer: python packaging Version(a) < Version(b): %.0f compares/s" % (n / (time.perf_counter() - t)))
PY
fi
semver=/usr/lib/node_modules/npm/node_modules/semver
if command -v node >/dev/null && [[ -d $semver ]]; then
    node -e '
const s = require(process.argv[1]);
const v = ["1.0.0","4.17.21","1.0.0-beta.11","v2.3.4","10.2.0-rc.1","0.0.1","3.0.0+build.5","1.2.3-alpha.1"];
let n = 0; const t = process.hrtime.bigint();
for (let r = 0; r < 20000; r++) for (const a of v) for (const b of v) { s.compare(a, b, {loose: true}); n++; }
const dt = Number(process.hrtime.bigint() - t) / 1e9;
console.log("peer: node-semver compare(a, b, {loose: true}): " + Math.round(n / dt) + " compares/s");' "$semver"
fi
