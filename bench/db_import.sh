#!/usr/bin/env bash
# Benchmark of `lockdown db import` (src/vuln/db_build.c, import_osv.c,
# import_debian.c): generates N synthetic OSV records of realistic shape in
# an all.zip (bench/db_import_gen.py; default 300,000) and a synthetic Debian
# security tracker JSON of ~60 MB, imports each into a fresh database and
# prints records per second, wall time, peak RSS and the database size on
# disk. Generated feeds are cached in $LOCKDOWN_BENCH_CACHE (default
# /tmp/lockdown-bench-db). Not a test; never fails CI.
#
# Usage: bench/db_import.sh [RECORDS] [DEBIAN_ISSUES]
#   LOCKDOWN_BIN   lockdown binary with the db command (default build/lockdown)
set -euo pipefail
n=${1:-300000}
nd=${2:-80000}
src=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$src/bench/lib.sh"
bin=${LOCKDOWN_BIN:-$src/build/lockdown}
cache=${LOCKDOWN_BENCH_CACHE:-/tmp/lockdown-bench-db}
mkdir -p "$cache"
zip=$cache/osv-$n.zip
deb=$cache/debian-$nd.json
[[ -s $zip ]] || { echo "generating $n OSV records -> $zip" >&2; python3 "$src/bench/db_import_gen.py" osv "$n" "$zip"; }
[[ -s $deb ]] || { echo "generating $nd Debian tracker issues -> $deb" >&2; python3 "$src/bench/db_import_gen.py" debian "$nd" "$deb"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() { # run LABEL FEED RECORDS
    local label=$1 feed=$2 db=$tmp/$1.db start end secs rss size
    rm -f "$db"
    start=$(date +%s.%N)
    rss=$(/usr/bin/time -f '%M' "$bin" db import --db "$db" --replace -q "$feed" 2>&1 >/dev/null | tail -n1)
    end=$(date +%s.%N)
    secs=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')
    local recs
    recs=$(sqlite3 "$db" "SELECT sum(records) FROM sources")
    size=$(stat -c %s "$db")
    printf '%-8s %9s records  %7.2f s  %9.0f records/s  peak RSS %6.0f MB  db %6.1f MB  feed %6.1f MB\n' \
        "$label" "$recs" "$secs" "$(awk -v r="$recs" -v s="$secs" 'BEGIN {print r / s}')" \
        "$(awk -v k="$rss" 'BEGIN {print k / 1024}')" "$(awk -v b="$size" 'BEGIN {print b / 1048576}')" \
        "$(awk -v b="$(stat -c %s "$feed")" 'BEGIN {print b / 1048576}')"
}
echo "lockdown db import ($(nproc) CPUs):"
run osv "$zip"
run debian "$deb"
