#!/usr/bin/env bash
# Secret-scan throughput of `lockdown image scan --checks secrets` on one
# core (taskset -c 0) over >= 500 MB of real files: the Debian bookworm
# rootfs from the test harness plus a copy of parts of this machine's /usr
# (shared libraries, Python, Perl, documentation: text and binaries as
# found in real images). Prints the median of several runs as MB/s of file
# content offered to the scanner (every regular file, binaries included, as
# `dir:` reads them) and of text content actually matched, with the rule
# count, next to a read floor (cat of every file on the same core).
# The ">= 300 MB/s on text" figure is measured apart, on a text-only copy of
# the corpus (hard links to every file the scanner matches: no NUL in the
# first 8 KiB, at most 10 MiB), so time spent passing over binaries does not
# dilute it.
# Not a test: never fails on a slow figure.
#
# With LOCKDOWN_BASELINE_BIN (another lockdown, e.g. a build of the previous
# commit), its scans of the text-only corpus are interleaved with the
# binary's in the same run and compared (CPU time: min and median), which is
# the fair before/after on a noisy host.
#
# Usage: bash bench/secret_scan.sh [RUNS]   (default 3)
# Env:   LOCKDOWN_BIN (default build/lockdown), LOCKDOWN_BASELINE_BIN (optional),
#        LOCKDOWN_CACHE (harness cache),
#        LOCKDOWN_BENCH_DIR (corpus, default /var/tmp/lockdown-bench-secrets),
#        LOCKDOWN_BENCH_MB (corpus size target, default 600)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${LOCKDOWN_BIN:-$repo/build/lockdown}
baseline=${LOCKDOWN_BASELINE_BIN:-}
runs=${1:-3}
cache=${LOCKDOWN_CACHE:-/var/cache/lockdown-test}
corpus=${LOCKDOWN_BENCH_DIR:-/var/tmp/lockdown-bench-secrets}
want_mb=${LOCKDOWN_BENCH_MB:-600}
die() { echo "secret_scan: $*" >&2; exit 1; }

[[ -x $bin ]] || die "no lockdown binary at $bin (set LOCKDOWN_BIN)"
[[ -z $baseline || -x $baseline ]] || die "no baseline binary at $baseline"
[[ -d $cache/bookworm-rootfs/usr ]] || die "no Debian rootfs in $cache (run tests/harness/images.sh --debian)"
command -v taskset >/dev/null || die "taskset missing (util-linux)"

# ---- corpus: the rootfs, then /usr subtrees until the target size ----------------
if [[ ! -f $corpus/.complete ]]; then
  rm -rf "$corpus" "$corpus.text"
  mkdir -p "$corpus"
  cp -a "$cache/bookworm-rootfs/." "$corpus/"
  rm -rf "$corpus/proc" "$corpus/sys" "$corpus/dev"
  for sub in lib/python3 lib/python3.11 share/perl share/perl5 share/doc include share/man \
             share/zoneinfo lib/node_modules share/javascript lib/jvm lib/gcc \
             lib/x86_64-linux-gnu; do
    size=$(du -sm --apparent-size "$corpus" | cut -f1)
    ((size >= want_mb)) && break
    [[ -d /usr/$sub ]] || continue
    mkdir -p "$corpus/extra/usr/$(dirname "$sub")"
    cp -a "/usr/$sub" "$corpus/extra/usr/$sub" 2>/dev/null || true
  done
  touch "$corpus/.complete"
fi
read -r total_bytes files < <(find "$corpus" -type f -printf '%s\n' | awk '{s+=$1; n++} END {print s, n}')
((total_bytes >= 500 * 1000 * 1000)) || die "corpus is only $((total_bytes / 1000000)) MB; raise LOCKDOWN_BENCH_MB"
# text bytes: files the scanner matches (no NUL in the first 8 KiB, <= 10 MiB);
# hard-linked once into $corpus.text (same file system), the text-only corpus
text_corpus=$corpus.text
text_bytes=$(python3 - "$corpus" "$text_corpus" <<'PY'
import os, sys
src, dst = sys.argv[1], sys.argv[2]
build = not os.path.exists(os.path.join(dst, '.complete'))
t = 0
for root, dirs, fs in os.walk(src):
    for f in fs:
        p = os.path.join(root, f)
        try:
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            st = os.stat(p)
            if st.st_size == 0 or st.st_size > 10 << 20:
                continue
            with open(p, 'rb') as fh:
                if b'\0' in fh.read(8192):
                    continue
            t += st.st_size
            if build:
                q = os.path.join(dst, os.path.relpath(p, src))
                os.makedirs(os.path.dirname(q), exist_ok=True)
                if not os.path.exists(q):
                    os.link(p, q)
        except OSError:
            pass
if build:
    open(os.path.join(dst, '.complete'), 'w').close()
print(t)
PY
)
# rule count of the binary under test (not of the source tree: an older
# binary has fewer rules), from its own report on a small directory
rules=$("$bin" image scan "dir:$corpus/etc" --checks secrets -f json 2>/dev/null |
  python3 -c 'import json, re, sys
ev = [f.get("evidence") or "" for f in json.load(sys.stdin)["findings"] if f.get("check_id") == "image.secrets"]
m = [re.search(r"with (\d+) rules", e) for e in ev]
print(next((x.group(1) for x in m if x), "?"))' 2>/dev/null || echo "?")

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
time_it() { # time_it CMD... — "wall cpu" seconds (cpu = user + system: robust on a busy host)
  local out=$corpus.time
  /usr/bin/time -f '%e %U %S' -o "$out" "$@" >/dev/null 2>&1 || true
  tail -n 1 "$out" | awk '{printf "%s %.2f\n", $1, $2 + $3}'
}

# warm the page cache so both sides read from memory
find "$corpus" -type f -print0 | xargs -0 cat >/dev/null 2>&1 || true

floor=() scan=() scan_cpu=() text=() text_cpu=() base_cpu=()
for ((i = 0; i < runs; i++)); do
  read -r w _ < <(time_it taskset -c 0 sh -c "find '$corpus' -type f -print0 | xargs -0 cat > /dev/null")
  floor+=("$w")
  read -r w c < <(time_it taskset -c 0 "$bin" image scan "dir:$corpus" --checks secrets -f json -o /dev/null -q)
  scan+=("$w")
  scan_cpu+=("$c")
  read -r w c < <(time_it taskset -c 0 "$bin" image scan "dir:$text_corpus" --checks secrets -f json -o /dev/null -q)
  text+=("$w")
  text_cpu+=("$c")
  if [[ -n $baseline ]]; then
    read -r _ c < <(time_it taskset -c 0 "$baseline" image scan "dir:$text_corpus" --checks secrets -f json -o /dev/null -q)
    base_cpu+=("$c")
  fi
done
f_med=$(printf '%s\n' "${floor[@]}" | median)
s_med=$(printf '%s\n' "${scan[@]}" | median)
c_med=$(printf '%s\n' "${scan_cpu[@]}" | median)
t_med=$(printf '%s\n' "${text[@]}" | median)
tc_med=$(printf '%s\n' "${text_cpu[@]}" | median)
mb() { echo "scale=1; $1 / 1000000" | bc -l; }
rate() { echo "scale=1; $1 / 1000000 / $2" | bc -l; }

echo "corpus: $corpus: $files files, $(mb "$total_bytes") MB ($(mb "$text_bytes") MB text)"
echo "rules: $rules built-in secret rules; one core (taskset -c 0); $runs runs, medians"
printf '%-44s %8s s  %8s MB/s\n' "read floor (cat every file)" "$f_med" "$(rate "$total_bytes" "$f_med")"
printf '%-44s %8s s  %8s MB/s\n' "lockdown image scan --checks secrets" "$s_med" "$(rate "$total_bytes" "$s_med")"
printf '%-44s %8s s  %8s MB/s\n' "  same, CPU time (user+sys) of the scan" "$c_med" "$(rate "$total_bytes" "$c_med")"
printf '%-44s %8s s  %8s MB/s\n' "  text content matched, per CPU second" "$c_med" "$(rate "$text_bytes" "$c_med")"
printf '%-44s %8s s  %8s MB/s\n' "text-only corpus (wall)" "$t_med" "$(rate "$text_bytes" "$t_med")"
printf '%-44s %8s s  %8s MB/s\n' "text-only corpus, CPU time (user+sys)" "$tc_med" "$(rate "$text_bytes" "$tc_med")"
if [[ -n $baseline ]]; then
  minimum() { sort -n | head -n 1; }
  b_med=$(printf '%s\n' "${base_cpu[@]}" | median)
  b_min=$(printf '%s\n' "${base_cpu[@]}" | minimum)
  t_min=$(printf '%s\n' "${text_cpu[@]}" | minimum)
  printf '%-44s %8s s  %8s MB/s (min %s s, %s MB/s)\n' "baseline $(basename "$(dirname "$baseline")"), text-only, CPU" \
    "$b_med" "$(rate "$text_bytes" "$b_med")" "$b_min" "$(rate "$text_bytes" "$b_min")"
  printf '%-44s %8s s  %8s MB/s (min %s s, %s MB/s)\n' "this binary, text-only, CPU" \
    "$tc_med" "$(rate "$text_bytes" "$tc_med")" "$t_min" "$(rate "$text_bytes" "$t_min")"
  echo "CPU time this/baseline: median $(echo "scale=3; $tc_med / $b_med" | bc -l), min $(echo "scale=3; $t_min / $b_min" | bc -l)"
fi
echo "ratio scan/floor wall time: $(echo "scale=2; $s_med / $f_med" | bc -l)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (a busy host inflates wall times)"
