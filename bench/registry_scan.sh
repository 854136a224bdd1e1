#!/usr/bin/env bash
# bench/registry_scan.sh — `lockdown registry scan` of 50 images that share
# one base: lockdown-test/debian:bookworm (the test image
# tests/harness/images.sh makes) plus one small distinct layer each (a
# COPY of a 64 KiB file), built once, offline, with the engine's legacy
# builder and pushed to a local TLS registry (Debian's docker-registry, the
# tests' CA). Measures a cold scan (an empty --cache-dir) and a warm one
# (the same cache again), RUNS times each, alternating: median wall time,
# peak RSS (/usr/bin/time -v), and bytes fetched from the registry, two
# ways:
#   - lockdown's own count: the report note "... N bytes of layer blobs
#     fetched from the registry" (the layers' blob sizes minus what the
#     layer cache answered; manifests and configs not counted);
#   - the registry's access log (its own config here, log level info): the
#     sum of http.response.written of every GET .../blobs/... answered
#     during the run (layers and configs: every byte a blob request sent).
# The base layer is the same in every image: a cold scan should read it
# once (the first image) and serve it from the cache for the other 49; a
# warm scan should fetch no layer blob at all. Every run must exit 0 or 1
# (a failed gate) and report 50 images.
#
# Not a test; never runs in CI. Usage: bash bench/registry_scan.sh
#   Env: RUNS (default 3), LOCKDOWN_BIN, BENCH_CHECKS (default
#   config,secrets,vuln; the vulnerability database is imported from
#   tests/fixtures/feeds/match, small: the matching cost is not the point)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
LOCKDOWN=${LOCKDOWN_BIN:-$repo/build/lockdown}
RUNS=${RUNS:-3}
CHECKS=${BENCH_CHECKS:-config,secrets,vuln}
BASE=lockdown-test/debian:bookworm
N=50
NAME=lockdown-bench/regscan

die() {
    echo "registry_scan: $*" >&2
    exit 1
}
[[ -x $LOCKDOWN ]] || die "build lockdown first ($LOCKDOWN), or set LOCKDOWN_BIN"
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install time)"
for c in docker skopeo docker-registry jq curl openssl python3; do
    command -v "$c" >/dev/null || die "$c is missing (bash scripts/install-deps.sh --test)"
done
docker image inspect "$BASE" >/dev/null 2>&1 ||
    die "no $BASE in the engine (bash tests/harness/images.sh --debian)"
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

work=$(mktemp -d "${TMPDIR:-/var/tmp}/ld-bench-regscan.XXXXXX")
reg_pid=
on_exit() {
    if [[ -n $reg_pid ]]; then
        kill "$reg_pid" 2>/dev/null || true
        wait "$reg_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap on_exit EXIT
# registry_lib.sh is the tests' harness: only its certificates are used here
ld_on_exit() { :; }
fail_plain() { die "$*"; }
# shellcheck source=../tests/e2e/registry_lib.sh
source "$repo/tests/e2e/registry_lib.sh"
reg_pki

# ---- 50 images, built once ------------------------------------------------------------
built=0
for ((i = 1; i <= N; i++)); do
    tag=$(printf '%s:%02d' "$NAME" "$i")
    docker image inspect "$tag" >/dev/null 2>&1 && continue
    ctx=$work/ctx-$i
    mkdir -p "$ctx"
    # 64 KiB that differ per image (and compress like text)
    python3 -c "import sys; sys.stdout.write(''.join('image %d line %d\n' % ($i, k) for k in range(4096))[:65536])" >"$ctx/data"
    printf 'FROM %s\nCOPY data /opt/bench/data-%02d\n' "$BASE" "$i" >"$ctx/Dockerfile"
    DOCKER_BUILDKIT=0 docker build -q -t "$tag" "$ctx" >/dev/null 2>&1 || die "docker build of $tag failed"
    built=$((built + 1))
done
((built)) && echo "built $built images"

# ---- the registry: TLS, access log at info level ---------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
R=127.0.0.1:$port
mkdir -p "$work/storage"
cat >"$work/config.yml" <<EOF
version: 0.1
log:
  level: info
  formatter: text
storage:
  filesystem:
    rootdirectory: $work/storage
http:
  addr: $R
  secret: bench-$port
  tls:
    certificate: $REG_CERT
    key: $REG_KEY
EOF
docker-registry serve "$work/config.yml" >"$work/registry.log" 2>&1 &
reg_pid=$!
for ((i = 0; i < 100; i++)); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' --cacert "$REG_CA" "https://$R/v2/") == 200 ]] && break
    sleep 0.1
done

echo "pushing $N images to $R ..."
tags=()
for ((i = 1; i <= N; i++)); do tags+=("$(printf '%s:%02d' "$NAME" "$i")"); done
docker save -o "$work/all.tar" "${tags[@]}"
push_start=$EPOCHREALTIME
for ((i = 1; i <= N; i++)); do
    skopeo --insecure-policy copy -q --dest-cert-dir "$REG_CERT_DIR" \
        "docker-archive:$work/all.tar:${tags[i - 1]}" "docker://$R/bench/app$(printf '%02d' "$i"):1" >/dev/null ||
        die "skopeo could not push ${tags[i - 1]}"
done
push_secs=$(awk -v a="$push_start" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.1f", b - a}')
rm -f "$work/all.tar"
base_layer_bytes=$(skopeo inspect --cert-dir "$REG_CERT_DIR" --raw "docker://$R/bench/app01:1" |
    jq '.layers[0].size')

db=$work/vuln.db
"$LOCKDOWN" db import --db "$db" "$repo/tests/fixtures/feeds/match/debian-tracker.json" >/dev/null

# ---- runs ----------------------------------------------------------------------------------
# blob_bytes FROM_LINE — bytes the registry sent for blob GETs in its log after line FROM_LINE
blob_bytes() {
    tail -n "+$(($1 + 1))" "$work/registry.log" |
        awk '/msg="response completed"/ && /http.request.method=GET/ && /http.request.uri="\/v2\/[^"]*\/blobs\// {
                 if (match($0, /http.response.written=[0-9]+/)) s += substr($0, RSTART + 22, RLENGTH - 22) }
             END {print s + 0}'
}

# one_run KIND — a scan with the cache dir as it is; appends "secs rss lockdown_bytes registry_bytes hits layers"
one_run() {
    local kind=$1 from start end rc=0
    from=$(wc -l <"$work/registry.log")
    start=$EPOCHREALTIME
    /usr/bin/time -v -o "$work/time.txt" "$LOCKDOWN" registry scan "$R" --cacert "$REG_CA" \
        --cache-dir "$work/cache" --db "$db" --checks "$CHECKS" -f json -o "$work/report.json" -q ||
        rc=$?
    end=$EPOCHREALTIME
    ((rc == 0 || rc == 1)) || die "$kind run: lockdown exited $rc"
    local images note secs rss lbytes rbytes
    images=$(jq '.targets | length' "$work/report.json")
    ((images == N)) || die "$kind run: the report has $images images, not $N"
    note=$(jq -r '.notes[] | select(test("^layer cache .*served from the cache"))' "$work/report.json")
    secs=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f", b - a}')
    rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$work/time.txt")
    lbytes=$(sed -E 's/.*; ([0-9]+) bytes of layer blobs fetched.*/\1/' <<<"$note")
    rbytes=$(blob_bytes "$from")
    local hits layers
    hits=$(sed -E 's/.*: ([0-9]+) of ([0-9]+) layers.*/\1/' <<<"$note")
    layers=$(sed -E 's/.*: ([0-9]+) of ([0-9]+) layers.*/\2/' <<<"$note")
    echo "$secs $rss $lbytes $rbytes $hits $layers" >>"$work/$kind"
}

for ((run = 1; run <= RUNS; run++)); do
    rm -rf "$work/cache"
    one_run cold
    one_run warm
done

median_col() { awk -v c="$2" '{print $c}' "$work/$1" | sort -g |
    awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f\n", m}'; }
mib() { awk -v b="$1" 'BEGIN {printf "%.2f", b / 1048576}'; }

echo
echo "lockdown registry scan: $N images (base $BASE, base layer blob $(mib "$base_layer_bytes") MiB, one 64 KiB layer each)"
echo "registry $R (TLS), checks $CHECKS, $(nproc) CPUs, $RUNS runs each, medians; push took ${push_secs}s"
printf '%-6s %9s %12s %22s %22s %12s\n' run "wall s" "peak RSS MB" "fetched (lockdown) MiB" "fetched (registry) MiB" "cache hits"
for kind in cold warm; do
    printf '%-6s %9.2f %12.0f %22s %22s %12s\n' "$kind" "$(median_col "$kind" 1)" \
        "$(awk -v k="$(median_col "$kind" 2)" 'BEGIN {print k / 1024}')" \
        "$(mib "$(median_col "$kind" 3)")" "$(mib "$(median_col "$kind" 4)")" \
        "$(median_col "$kind" 5 | cut -d. -f1)/$(median_col "$kind" 6 | cut -d. -f1)"
done
echo "warm/cold wall time: $(ratio "$(median_col warm 1)" "$(median_col cold 1)")"
echo "cold fetched / (base layer + 50 small layers): $(ratio "$(median_col cold 4)" "$base_layer_bytes") x the base layer"
echo "raw (secs rss_kib lockdown_bytes registry_bytes hits layers):"
for kind in cold warm; do sed "s/^/  $kind /" "$work/$kind"; done
