#!/usr/bin/env bash
# capture.sh — what `lockdown capture` costs on a container with MEMORY_MIB
# (256) MiB of resident private memory and FILES (10,000) changed files
# (bench/memhog.c, built static into an image FROM lockdown-test/busybox:1),
# against the floor of copying the same bytes with ordinary tools: dd of each
# mapping a `--memory all` core holds from /proc/PID/mem, plus tar of the
# overlay upper directory. Also `capture verify` against sha256sum of the same
# files.
#
# Per run (interleaved: floor, capture, verify, sha256sum): wall times
# (the floor also with a sync of what it wrote, since lockdown syncs the bundle
# before it writes the manifest),
# bytes written, MB/s (10^6 bytes), the frozen interval from the manifest
# (custody.freeze.frozen_ns; issue 15's target: < 1 s) and lockdown's peak
# RSS (/usr/bin/time -v). Prints the runs, then medians and ratios. Not a
# test: never fails on a figure (exit 2 only when it cannot run).
#
# Usage: bash bench/capture.sh [RUNS]   (default 3)
# Env:   LOCKDOWN_BIN (default build/lockdown), MEMORY_MIB (256), FILES (10000),
#        CAPTURE_ARGS (extra capture arguments, e.g. "--no-freeze")
# Needs root, the Docker engine, lockdown-test/busybox:1
# (tests/harness/images.sh), gcc with a static libc, jq, /usr/bin/time and
# about MEMORY_MIB * 2 + 100 MiB free in TMPDIR. The container is
# ldcap-bench-<pid>, removed at exit with its image.
set -uo pipefail

runs=${1:-3}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${LOCKDOWN_BIN:-$repo/build/lockdown}
mib=${MEMORY_MIB:-256}
nfiles=${FILES:-10000}
base=lockdown-test/busybox:1
image=ldcap-bench/memhog:$$
ctr=ldcap-bench-$$
tmp=$(mktemp -d)
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh" # ratio

cleanup() {
  docker rm -f "$ctr" >/dev/null 2>&1
  docker rmi -f "$image" >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT

die() { echo "capture bench: $*" >&2; exit 2; }
[[ $(id -u) == 0 ]] || die "needs root (capture reads /proc/PID/mem and the cgroup freezer)"
[[ -x $bin ]] || die "no lockdown binary at $bin (set LOCKDOWN_BIN)"
"$bin" capture --help >/dev/null 2>&1 || die "$bin has no 'capture' command"
command -v gcc >/dev/null && command -v jq >/dev/null && command -v dd >/dev/null || die "needs gcc, jq and dd"
[[ -x /usr/bin/time ]] || die "needs /usr/bin/time (apt-get install time)"
docker image inspect "$base" >/dev/null 2>&1 || die "run tests/harness/images.sh first ($base)"
free_kib=$(df -Pk "$tmp" | awk 'NR == 2 {print $4}')
((free_kib > (mib * 2 + 100) * 1024)) || die "not enough space in $tmp for two copies of $mib MiB"

# ---- the workload ----------------------------------------------------------------
mkdir -p "$tmp/ctx"
gcc -static -O2 -o "$tmp/ctx/memhog" "$repo/bench/memhog.c" || die "cannot build bench/memhog.c static"
printf 'FROM %s\nCOPY memhog /usr/local/bin/memhog\n' "$base" >"$tmp/ctx/Dockerfile"
DOCKER_BUILDKIT=0 docker build -q -t "$image" "$tmp/ctx" >/dev/null 2>"$tmp/build.err" ||
  { cat "$tmp/build.err" >&2; die "docker build failed"; }
docker run -d --name "$ctr" "$image" /usr/local/bin/memhog "$mib" "$nfiles" /data >/dev/null ||
  die "cannot start the container"
for ((i = 0; i < 600; i++)); do
  docker logs "$ctr" 2>/dev/null | grep -q '^ready' && break
  sleep 0.1
done
docker logs "$ctr" 2>/dev/null | grep -q '^ready' || die "memhog did not get ready: $(docker logs "$ctr" 2>&1 | tail -n 2)"
pid=$(docker inspect -f '{{.State.Pid}}' "$ctr")
upper=$(docker inspect -f '{{.GraphDriver.Data.UpperDir}}' "$ctr")
[[ -d $upper ]] || die "no overlay upper dir for $ctr (storage driver $(docker info -f '{{.Driver}}'))"
rss_kib=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
upper_files=$(find "$upper" -type f | wc -l)

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", b - a}'; }
mbps() { awk -v b="$1" -v s="$2" 'BEGIN {printf "%.1f", (s > 0) ? b / 1e6 / s : 0}'; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR == 0) {print 0; exit} m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; print m}'; }
bytes_in() { find "$1" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}'; }

# floor OUT — dd of every mapping a --memory all core has contents for
# (readable, not [vvar*] / [vsyscall]) of every process of the container, then
# tar of the upper dir; no freeze, no hashing, no per-process /proc files
floor() {
  local out=$1 p range perms rest start end
  mkdir -p "$out"
  for p in $(docker top "$ctr" -o pid | tail -n +2); do
    while read -r range perms _ _ _ rest; do
      [[ $perms == r* ]] || continue
      case $rest in \[vvar* | \[vsyscall\]) continue ;; esac
      start=$((16#${range%-*}))
      end=$((16#${range#*-}))
      dd if="/proc/$p/mem" of="$out/mem.$p" bs=1M iflag=skip_bytes,count_bytes oflag=append conv=notrunc \
        skip="$start" count=$((end - start)) status=none 2>/dev/null
    done <"/proc/$p/maps"
  done
  tar -C "$upper" -cf "$out/upper.tar" . 2>/dev/null
}

echo "lockdown capture: $runs runs; container $ctr: memhog $mib MiB (VmRSS $((rss_kib / 1024)) MiB), $upper_files files in the upper dir"
echo "kernel $(uname -r), $(nproc) CPUs; $bin capture --memory all ${CAPTURE_ARGS:-}"
printf '%-4s %9s %11s %10s %9s %10s %10s %8s %10s %9s %9s\n' run floor_s floor+sync_s floor_MB cap_s cap_MB frozen_s rss_MiB verify_s sha256_s cap/floor

declare -a F_S FS_S F_MB C_S C_MB FZ RSS V_S H_S
for ((r = 1; r <= runs; r++)); do
  sync
  rm -rf "$tmp/floor"
  t0=$(now)
  floor "$tmp/floor"
  t1=$(now)
  sync -f "$tmp/floor/upper.tar" # lockdown syncs the bundle before its manifest: the same durability
  t2=$(now)
  f_s=$(elapsed "$t0" "$t1")
  fs_s=$(elapsed "$t0" "$t2")
  f_bytes=$(bytes_in "$tmp/floor")
  rm -rf "$tmp/floor"

  sync
  bundle=$tmp/bundle
  rm -rf "$bundle"
  t0=$(now)
  # shellcheck disable=SC2086 # CAPTURE_ARGS is a list of words
  /usr/bin/time -v -o "$tmp/time.txt" "$bin" capture "$ctr" -o "$bundle" --memory all --quiet ${CAPTURE_ARGS:-} \
    >/dev/null 2>"$tmp/capture.err"
  rc=$?
  t1=$(now)
  if ((rc != 0)); then
    echo "capture bench: run $r: capture exited $rc: $(tail -n 2 "$tmp/capture.err")" >&2
    continue
  fi
  c_s=$(elapsed "$t0" "$t1")
  c_bytes=$(bytes_in "$bundle")
  frozen=$(jq -r '(.custody.freeze.frozen_ns // 0) / 1e9' "$bundle/manifest.json")
  rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); printf "%.1f", $2 / 1024}' "$tmp/time.txt")

  t0=$(now)
  "$bin" capture verify "$bundle" >/dev/null 2>&1 || echo "capture bench: run $r: verify did not pass" >&2
  t1=$(now)
  v_s=$(elapsed "$t0" "$t1")
  t0=$(now)
  (cd "$bundle" && find . -type f -print0 | xargs -0 -n 64 -P "$(nproc)" sha256sum >/dev/null)
  t1=$(now)
  h_s=$(elapsed "$t0" "$t1")
  rm -rf "$bundle"

  F_S+=("$f_s") FS_S+=("$fs_s") F_MB+=("$(mbps "$f_bytes" "$f_s")") C_S+=("$c_s") C_MB+=("$(mbps "$c_bytes" "$c_s")")
  FZ+=("$frozen") RSS+=("$rss") V_S+=("$v_s") H_S+=("$h_s")
  printf '%-4s %9s %11s %10.0f %9s %10.0f %10.3f %8s %10s %9s %9s\n' "$r" "$f_s" "$fs_s" "$(awk -v b="$f_bytes" 'BEGIN {print b / 1e6}')" \
    "$c_s" "$(awk -v b="$c_bytes" 'BEGIN {print b / 1e6}')" "$frozen" "$rss" "$v_s" "$h_s" "$(ratio "$c_s" "$f_s")"
done

((${#C_S[@]} > 0)) || { echo "capture bench: no run completed" >&2; exit 2; }
m() { printf '%s\n' "$@" | median; }
mf=$(m "${F_S[@]}") mfs=$(m "${FS_S[@]}") mc=$(m "${C_S[@]}") mv=$(m "${V_S[@]}") mh=$(m "${H_S[@]}")
mz=$(printf '%.3f' "$(m "${FZ[@]}")")
echo
echo "medians of ${#C_S[@]} runs"
printf '  %-34s %10s s   %8s MB/s\n' "floor (dd of the mappings + tar)" "$mf" "$(m "${F_MB[@]}")"
printf '  %-34s %10s s\n' "floor + sync (same durability)" "$mfs"
printf '  %-34s %10s s   %8s MB/s   %s x the floor, %s x floor + sync\n' "lockdown capture --memory all" "$mc" "$(m "${C_MB[@]}")" "$(ratio "$mc" "$mf")" "$(ratio "$mc" "$mfs")"
printf '  %-34s %10s s   (target < 1 s: %s)\n' "frozen interval" "$mz" "$(awk -v z="$mz" 'BEGIN {print (z < 1) ? "met" : "NOT met"}')"
printf '  %-34s %10s MiB\n' "lockdown peak RSS" "$(m "${RSS[@]}")"
printf '  %-34s %10s s   vs sha256sum %s s: %s x\n' "lockdown capture verify" "$mv" "$mh" "$(ratio "$mv" "$mh")"
exit 0
