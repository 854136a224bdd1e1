#!/usr/bin/env bash
# Benchmark of vulnerability matching through the real command: `lockdown
# image scan dir:ROOT --checks vuln --db DB` against a database of >= 300,000
# advisories (synthetic OSV records of realistic shape from
# bench/db_import_gen.py, plus a synthetic Debian security tracker file,
# imported with `lockdown db import`) and a synthetic Debian 12 root file
# system of 2,000 packages (db_import_gen.py rootfs: three quarters language
# packages named in the feed — npm, PyPI, Maven, Cargo, gems, Composer, in
# the files the catalogers read — one quarter dpkg packages of tracker
# source packages; random versions, so some match and most ranges are
# evaluated).
#
# The floor is the same scan with `--checks config`: it reads the directory
# and catalogs the same packages (image scan always collects the SBOM) but
# opens no database and matches nothing, so vuln minus floor is the matching
# share (database open, lookups, range evaluation, findings, JSON report).
# Both commands run alternately after one warm-up each, RUNS times (default
# 5); each exit code must be 0 or 1 (gate passed / failed), anything else
# (3: could not complete) aborts the benchmark. Prints every run, medians of
# wall and CPU (user+sys, from wait4), the ratio to the floor, and peak RSS
# (/usr/bin/time -v, one more run each; for the vuln scan also how much of it
# is anonymous memory and how much mmap'd database pages, sampled).
# Generated files are cached in $LOCKDOWN_BENCH_CACHE (default
# /tmp/lockdown-bench-db, shared with bench/db_import.sh). Not a test;
# never fails CI.
#
# Usage: bench/vuln_match.sh [OSV_RECORDS] [DEBIAN_ISSUES] [PACKAGES] [RUNS]
#   LOCKDOWN_BIN   lockdown binary (default build/lockdown)
set -euo pipefail
n=${1:-300000}
nd=${2:-80000}
npk=${3:-2000}
runs=${4:-5}
src=$(cd "$(dirname "$0")/.." && pwd)
bin=${LOCKDOWN_BIN:-$src/build/lockdown}
[[ -x $bin ]] || { echo "vuln_match: no lockdown binary at $bin (set LOCKDOWN_BIN or build it)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "vuln_match: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
cache=${LOCKDOWN_BENCH_CACHE:-/tmp/lockdown-bench-db}
mkdir -p "$cache"
gen=$src/bench/db_import_gen.py

zip=$cache/osv-$n.zip
deb=$cache/debian-$nd.json
valid_zip() { python3 -c 'import sys, zipfile; sys.exit(0 if zipfile.is_zipfile(sys.argv[1]) else 1)' "$1"; }
if ! [[ -s $zip ]] || ! valid_zip "$zip"; then
    echo "generating $n OSV records -> $zip" >&2
    python3 "$gen" osv "$n" "$zip.tmp$$" && mv "$zip.tmp$$" "$zip"
fi
if ! [[ -s $deb ]]; then
    echo "generating $nd Debian tracker issues -> $deb" >&2
    python3 "$gen" debian "$nd" "$deb.tmp$$" && mv "$deb.tmp$$" "$deb"
fi

# The database is rebuilt when the binary cannot read it (an older schema).
db=$cache/match-$n-$nd.db
if ! [[ -s $db ]] || ! "$bin" db status --db "$db" >/dev/null 2>&1; then
    echo "importing $zip and $deb into $db" >&2
    rm -f "$db" "$db.tmp$$"
    "$bin" db import --db "$db.tmp$$" -q "$zip" "$deb"
    mv "$db.tmp$$" "$db"
fi

root=$cache/rootfs-$n-$nd-$npk
if ! [[ -d $root ]]; then
    echo "generating a root file system of $npk packages -> $root" >&2
    rm -rf "$root.tmp$$"
    python3 "$gen" rootfs "$zip" "$deb" "$npk" "$root.tmp$$"
    mv "$root.tmp$$" "$root"
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
scan=("$bin" image scan "dir:$root" --db "$db" --max-db-age 3650 --format json -q)

echo "database: $(stat -c %s "$db" | awk '{printf "%.0f MB", $1 / 1048576}'), $(sqlite3 "$db" 'SELECT count(*) FROM advisories') advisories, $(sqlite3 "$db" 'SELECT count(*) FROM affected') affected rows"
"$bin" image sbom "dir:$root" --format json -o "$out/sbom.json"
echo "root file system: $(jq '.packages | length' "$out/sbom.json") packages ($(jq -r '[.packages[].type] | group_by(.) | map("\(.[0]) \(length)") | join(", ")' "$out/sbom.json"))"

# One report of each kind, to show what the timed runs do (and that they work).
rc=0
"${scan[@]}" --checks vuln -o "$out/vuln.json" || rc=$?
((rc == 0 || rc == 1)) || { echo "vuln_match: the vuln scan exited $rc" >&2; exit 1; }
echo "vuln scan: exit $rc, $(jq '[.findings[] | select(.check_id == "image.vulnerabilities" and .status == "fail")] | length' "$out/vuln.json") vulnerability findings; covered: $(jq -r '[.coverage.vulnerabilities[] | "\(.ecosystem) \(.packages) \(if .covered then "yes" else "NO" end)"] | join(", ")' "$out/vuln.json")"
jq -r '.notes[]? // empty' "$out/vuln.json" | head -n 3 | sed 's/^/  note: /'

# Alternate vuln and config runs; wall and CPU from wait4 per run.
python3 - "$runs" "$out" "${scan[@]}" <<'PY'
import os, statistics, subprocess, sys, time
runs, out, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
kinds = {"vuln": cmd + ["--checks", "vuln", "-o", "/dev/null"],
         "config": cmd + ["--checks", "config", "-o", "/dev/null"]}
res = {k: [] for k in kinds}
for i in range(runs + 1):  # run 0 is the warm-up
    for k, argv in kinds.items():
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        err = p.stderr.read()
        _, status, ru = os.wait4(p.pid, 0)
        wall = (time.perf_counter() - t0) * 1000
        rc = os.waitstatus_to_exitcode(status)
        p.returncode = rc
        if rc not in (0, 1):
            sys.stderr.write(err.decode(errors="replace"))
            sys.exit("vuln_match: %s scan run %d exited %d" % (k, i, rc))
        cpu = (ru.ru_utime + ru.ru_stime) * 1000
        if i:
            res[k].append((wall, cpu))
            print("run %d %-6s wall %8.1f ms  cpu %8.1f ms  exit %d" % (i, k, wall, cpu, rc))
med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in res.items()}
with open(os.path.join(out, "medians"), "w") as f:
    for k, (w, c) in med.items():
        f.write("%s %.1f %.1f\n" % (k, w, c))
PY

peak_rss() { # peak_rss CHECKS -> KiB; the exit code must be 0 or 1
    local rc=0
    /usr/bin/time -v -o "$out/time.$1" "${scan[@]}" --checks "$1" -o /dev/null || rc=$?
    ((rc == 0 || rc == 1)) || { echo "vuln_match: the $1 scan exited $rc" >&2; exit 1; }
    awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$out/time.$1"
}
rss_vuln=$(peak_rss vuln)
rss_config=$(peak_rss config)
# What the peak is made of: the database is opened with a large mmap_size, so
# pages it reads are file-backed (shared page cache), not heap. Sampled from
# /proc/PID/status every 2 ms during one more run: approximate maxima.
rss_parts=$(python3 - "${scan[@]}" --checks vuln -o /dev/null <<'PY'
import subprocess, sys, time
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
peak = {"RssAnon": 0, "RssFile": 0}
while p.poll() is None:
    try:
        with open("/proc/%d/status" % p.pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in peak:
                    peak[k] = max(peak[k], int(v.split()[0]))
    except (OSError, ValueError):
        pass
    time.sleep(0.002)
if p.returncode not in (0, 1):
    sys.exit("vuln_match: the sampled vuln scan exited %d" % p.returncode)
print("%.1f %.1f" % (peak["RssAnon"] / 1024, peak["RssFile"] / 1024))
PY
)

read -r _ vw vc < <(grep '^vuln ' "$out/medians")
read -r _ fw fc < <(grep '^config ' "$out/medians")
echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $runs runs each"
printf 'image scan --checks vuln    median %7.1f ms wall  %7.1f ms CPU  peak RSS %6.1f MB\n' "$vw" "$vc" "$(awk -v k="$rss_vuln" 'BEGIN {print k / 1024}')"
read -r anon_mb file_mb <<<"$rss_parts"
echo "  vuln scan peak RSS sampled: ~$anon_mb MB anonymous (heap), ~$file_mb MB file-backed (mmap'd database pages)"
printf 'image scan --checks config  median %7.1f ms wall  %7.1f ms CPU  peak RSS %6.1f MB  (floor)\n' "$fw" "$fc" "$(awk -v k="$rss_config" 'BEGIN {print k / 1024}')"
awk -v vw="$vw" -v vc="$vc" -v fw="$fw" -v fc="$fc" 'BEGIN {
    printf "vuln / floor: %.2fx wall, %.2fx CPU; matching share (vuln - floor): %.1f ms wall, %.1f ms CPU\n",
        (fw > 0) ? vw / fw : 0, (fc > 0) ? vc / fc : 0, vw - fw, vc - fc }'
