#!/usr/bin/env bash
# Benchmark of vulnerability matching (src/vuln/match.c, ld_vuln_scan): a
# database of >= 300,000 advisories (synthetic OSV records of realistic shape
# from bench/db_import_gen.py, plus a synthetic Debian security tracker
# file), imported with the library's importer, and a synthetic SBOM of 2,000
# packages (three quarters language packages named in the feed, one quarter
# Debian packages of tracker source packages, random versions, so some match
# and most ranges are evaluated). tests/tools/vuln_scan_driver times
# ld_vuln_scan alone (clock_gettime, wall and process CPU, around the call;
# the database is opened inside the call as the real command does) 5 times,
# with findings discarded and through the JSON writer; prints each run
# (RUN WALL_MS CPU_MS) and the medians.
# Target: < 100 ms. Generated files are cached in $LOCKDOWN_BENCH_CACHE
# (default /tmp/lockdown-bench-db, shared with bench/db_import.sh).
# Not a test; never fails CI.
#
# Usage: bench/vuln_match.sh [OSV_RECORDS] [DEBIAN_ISSUES] [PACKAGES]
#   LOCKDOWN_BUILD_DIR   build directory holding tests/tools/vuln_scan_driver (default build/)
set -euo pipefail
n=${1:-300000}
nd=${2:-80000}
npk=${3:-2000}
src=$(cd "$(dirname "$0")/.." && pwd)
build=${LOCKDOWN_BUILD_DIR:-$src/build}
driver=$build/tests/tools/vuln_scan_driver
[[ -x $driver ]] || { echo "vuln_scan_driver not built: $driver (cmake --build $build)" >&2; exit 2; }
cache=${LOCKDOWN_BENCH_CACHE:-/tmp/lockdown-bench-db}
mkdir -p "$cache"
zip=$cache/osv-$n.zip
deb=$cache/debian-$nd.json
valid_zip() { python3 -c 'import sys, zipfile; sys.exit(0 if zipfile.is_zipfile(sys.argv[1]) else 1)' "$1"; }
if ! [[ -s $zip ]] || ! valid_zip "$zip"; then
    echo "generating $n OSV records -> $zip" >&2
    python3 "$src/bench/db_import_gen.py" osv "$n" "$zip.tmp$$" && mv "$zip.tmp$$" "$zip"
fi
if ! [[ -s $deb ]]; then
    echo "generating $nd Debian tracker issues -> $deb" >&2
    python3 "$src/bench/db_import_gen.py" debian "$nd" "$deb.tmp$$" && mv "$deb.tmp$$" "$deb"
fi
db=$cache/match-$n-$nd.db
if ! [[ -s $db ]]; then
    echo "importing into $db" >&2
    "$driver" --import "$db.tmp$$" "$zip" "$deb"
    mv "$db.tmp$$" "$db"
fi
sbom=$cache/sbom-$n-$npk.txt
if ! [[ -s $sbom ]]; then
    python3 - "$zip" "$deb" "$npk" >"$sbom" <<'PY'
import json, random, sys, zipfile
zpath, dpath, npk = sys.argv[1], sys.argv[2], int(sys.argv[3])
r = random.Random(1)
eco_map = {"npm": "npm", "PyPI": "pypi", "Maven": "maven", "Go": "go", "crates.io": "cargo",
           "RubyGems": "gem", "Packagist": "composer"}
names = []
with zipfile.ZipFile(zpath) as z:
    members = z.namelist()
    for m in r.sample(members, min(len(members), npk * 2)):
        rec = json.loads(z.read(m))
        for a in rec["affected"]:
            eco = eco_map.get(a["package"]["ecosystem"])
            if eco:
                names.append((eco, a["package"]["name"]))
with open(dpath) as f:
    srcs = sorted(json.load(f).keys())
n_lang = npk * 3 // 4
ver = lambda: "%d.%d.%d" % (r.randint(0, 12), r.randint(0, 30), r.randint(0, 40))
print("#os debian 12 bookworm")
for eco, name in r.sample(names, n_lang):
    v = ver()
    print(eco, name, "v" + v if eco == "go" else v)
for s in r.sample(srcs, npk - n_lang):
    print("deb", "lib" + s, ver() + "-1", s)
PY
fi
echo "database: $(stat -c %s "$db" | awk '{printf "%.0f MB", $1 / 1048576}'), $(sqlite3 "$db" 'SELECT count(*) FROM advisories') advisories, $(sqlite3 "$db" 'SELECT count(*) FROM affected') affected rows"
echo "SBOM: $(grep -vc '^#' "$sbom") packages"
# null: findings discarded (the matcher and the database alone); json: through the JSON writer
for fmt in null json; do
    "$driver" --db "$db" --sbom-lines "$sbom" --format "$fmt" --repeat 5 --max-db-age 36500 \
        >"$cache/report.$fmt" 2>"$cache/times.$fmt" || [[ $? == 1 ]] # gate failures are expected
    grep -q '^scan_ms_median' "$cache/times.$fmt" || { cat "$cache/times.$fmt" >&2; exit 1; }
    sed -e "s/^/$fmt: /" "$cache/times.$fmt"
done
echo "findings: $(jq '.findings | length' "$cache/report.json")"
for fmt in null json; do
    awk -v f="$fmt" '/^scan_ms_median/ {printf "ld_vuln_scan (%s writer) median %.1f ms wall, %.1f ms CPU (target < 100 ms): %s\n", f, $2, $3, ($2 < 100) ? "met" : "NOT met"}' "$cache/times.$fmt"
done
