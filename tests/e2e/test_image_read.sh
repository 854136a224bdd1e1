#!/usr/bin/env bash
# test_image_read.sh — the image reader end to end against the real engine:
# a multi-layer image built by `docker build` (a later layer deletes and
# replaces files) is read as docker:NAME (streamed from the Engine API), as a
# `docker save` tarball (plain, gzip, zstd), as an OCI layout made from the
# save output (gzip layers) and as that layout in a tar; every source must
# give the same final file index, removed-file list and per-layer diff_ids,
# and the top layer's files must match `tar -t` of its layer. Uses the test
# helper tests/tools/image_dump (JSON lines). Hostile variants: a tampered
# blob and a decompression-bomb limit give one error line and exit 3.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_cmd jq zstd gzip tar sha256sum
require_image lockdown-test/busybox:1
DUMP=${LOCKDOWN_BUILD_DIR:-$LD_REPO/build}/tests/tools/image_dump
[[ -x $DUMP ]] || { fail_plain "image_dump helper not built at $DUMP"; exit 1; }

IMG=lockdown-test/imgread:e2e
ctx=$LD_TMP/ctx
mkdir -p "$ctx"
cat >"$ctx/Dockerfile" <<'DOCKERFILE'
FROM lockdown-test/busybox:1
RUN mkdir -p /app/data /app/gone && echo one >/app/data/a.txt && echo secret >/app/gone/key && \
    echo v1 >/etc/motd && ln /app/data/a.txt /app/data/hard && ln -s /etc/shadow /app/shadow-link
RUN rm -rf /app/gone /etc/motd /app/data && echo v2 >/etc/motd && mkdir /app/data && \
    echo two >/app/data/b.txt && echo replaced >/etc/group
DOCKERFILE
if ! DOCKER_BUILDKIT=0 docker build -q -t "$IMG" "$ctx" >"$LD_TMP/build.log" 2>&1; then
  fail_plain "docker build of $IMG failed" "$(tail -n 20 "$LD_TMP/build.log")"
  exit 1
fi

save=$LD_TMP/save
mkdir -p "$save"
docker save "$IMG" -o "$LD_TMP/img.tar"
gzip -c "$LD_TMP/img.tar" >"$LD_TMP/img.tar.gz"
zstd -q -c "$LD_TMP/img.tar" >"$LD_TMP/img.tar.zst"
tar -C "$save" -xf "$LD_TMP/img.tar"

# OCI layout from the docker save output: gzip'd layer blobs, config,
# manifest, index.json, oci-layout (docker 20.10 saves only the legacy layout).
make_oci() { # make_oci SAVE_DIR OUT_DIR
  local in=$1 out=$2 cfg layers=() descs=() l d size m
  mkdir -p "$out/blobs/sha256"
  cfg=$(jq -r '.[0].Config' "$in/manifest.json")
  mapfile -t layers < <(jq -r '.[0].Layers[]' "$in/manifest.json")
  for l in "${layers[@]}"; do
    gzip -n -c "$in/$l" >"$out/tmp.gz"
    d=$(sha256sum <"$out/tmp.gz" | cut -d' ' -f1)
    size=$(stat -c %s "$out/tmp.gz")
    mv "$out/tmp.gz" "$out/blobs/sha256/$d"
    descs+=("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$d\",\"size\":$size}")
  done
  d=$(sha256sum <"$in/$cfg" | cut -d' ' -f1)
  cp "$in/$cfg" "$out/blobs/sha256/$d"
  m=$(printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[%s]}' \
    "$d" "$(stat -c %s "$in/$cfg")" "$(IFS=,; echo "${descs[*]}")")
  printf '%s' "$m" >"$out/m.json"
  d=$(sha256sum <"$out/m.json" | cut -d' ' -f1)
  mv "$out/m.json" "$out/blobs/sha256/$d"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"platform":{"os":"linux","architecture":"amd64"},"annotations":{"org.opencontainers.image.ref.name":"e2e"}}]}' \
    "$d" "${#m}" >"$out/index.json"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$out/oci-layout"
}
make_oci "$save" "$LD_TMP/oci"
tar -C "$LD_TMP/oci" -cf "$LD_TMP/oci.tar" .

# canon FILE — the parts every source must agree on
canon() {
  jq -c 'select(.kind == "file" or .kind == "removed" or .kind == "content" or .kind == "layer")
         | if .kind == "layer" then {kind, index, diff_id, created_by} else . end' "$1" | sort
}

declare -A targets=(
  [engine]="docker:$IMG"
  [archive]="docker-archive:$LD_TMP/img.tar"
  [archive-auto]="$LD_TMP/img.tar"
  [archive-gzip]="$LD_TMP/img.tar.gz"
  [archive-zstd]="$LD_TMP/img.tar.zst"
  [oci]="oci:$LD_TMP/oci"
  [oci-archive]="oci-archive:$LD_TMP/oci.tar"
)
for name in "${!targets[@]}"; do
  run_cmd "$DUMP" --platform linux/amd64 --analyze '/etc/*' --analyze '/app/*' "${targets[$name]}"
  assert_exit 0 "read as $name"
  cp "$LD_STDOUT_FILE" "$LD_TMP/$name.jsonl"
  canon "$LD_TMP/$name.jsonl" >"$LD_TMP/$name.canon"
done

# A multi-image archive (the busybox base layer is shared): pick by tag.
docker save lockdown-test/busybox:1 "$IMG" -o "$LD_TMP/multi.tar"
run_cmd "$DUMP" --tag "$IMG" --analyze '/etc/*' --analyze '/app/*' "$LD_TMP/multi.tar"
assert_exit 0 "multi-image archive, by tag"
canon "$LD_STDOUT_FILE" >"$LD_TMP/multi.canon"
assert_true "multi-image archive gives the same image as the single-image one" cmp -s "$LD_TMP/multi.canon" "$LD_TMP/archive.canon"
run_cmd "$DUMP" --tag lockdown-test/busybox:1 "$LD_TMP/multi.tar"
assert_exit 0 "multi-image archive, the other tag"
assert_eq 1 "$(jq -r 'select(.kind == "image") | .layers' "$LD_STDOUT_FILE")" "busybox has one layer"
run_cmd "$DUMP" --tag nope:1 "$LD_TMP/multi.tar"
assert_exit 3 "unknown tag"
assert_stderr_contains 'tag "nope:1" not in the archive'

ref=$LD_TMP/archive.jsonl
assert_eq 3 "$(jq -r 'select(.kind == "image") | .layers' "$ref")" "three layers"
assert_true "/app/gone/key was deleted" bash -c "! jq -e 'select(.kind == \"file\" and .path == \"/app/gone/key\")' '$ref' >/dev/null"
assert_true "/app/data/a.txt (in an opaque dir) was deleted" bash -c "! jq -e 'select(.kind == \"file\" and .path == \"/app/data/a.txt\")' '$ref' >/dev/null"
assert_eq 2 "$(jq -r 'select(.kind == "file" and .path == "/etc/motd") | .layer' "$ref")" "/etc/motd comes from the top layer"
assert_eq 2 "$(jq -r 'select(.kind == "file" and .path == "/app/data/b.txt") | .layer' "$ref")" "/app/data/b.txt comes from the top layer"
assert_eq /etc/shadow "$(jq -r 'select(.kind == "file" and .path == "/app/shadow-link") | .link' "$ref")" "symlink recorded, not followed"
assert_eq false "$(jq -r 'select(.kind == "removed" and .path == "/app/gone/key") | .overwritten' "$ref")" "removed list has the deleted key"
assert_eq true "$(jq -r 'select(.kind == "removed" and .path == "/etc/group") | .overwritten' "$ref")" "removed list has the overwritten /etc/group"
assert_eq 2 "$(jq -r 'select(.kind == "content" and .path == "/etc/motd") | .layer' "$ref" | sort -u | wc -l)" "analyzers saw both versions of /etc/motd"
assert_true "created_by attributed" grep -q 'echo two' <(jq -r 'select(.kind == "layer" and .index == 2) | .created_by' "$ref")

for name in "${!targets[@]}"; do
  [[ $name == archive ]] && continue
  if diff -u "$LD_TMP/archive.canon" "$LD_TMP/$name.canon" >"$LD_TMP/diff.$name"; then
    pass "$name gives the same files, removed list, contents and diff_ids as the docker save tarball"
  else
    fail_plain "$name differs from the docker save tarball" "$(head -n 30 "$LD_TMP/diff.$name")"
  fi
done
assert_eq "$(docker image inspect -f '{{.Id}}' "$IMG")" "$(jq -r 'select(.kind == "image") | .id' "$LD_TMP/engine.jsonl")" "image id is the config digest"

# The top layer's own entries (whiteouts aside) are exactly what it contributes.
top=$(jq -r '.[0].Layers[2]' "$save/manifest.json")
tar -tf "$save/$top" | grep -v '\.wh\.' | sed -e 's|/$||' -e 's|^\./||' -e 's|^|/|' | sort >"$LD_TMP/top.tar-t"
jq -r 'select(.kind == "file" and .layer == 2) | .path' "$ref" | sort >"$LD_TMP/top.index"
if diff -u "$LD_TMP/top.tar-t" "$LD_TMP/top.index" >"$LD_TMP/top.diff"; then
  pass "top layer files match tar -t of its layer"
else
  fail_plain "top layer files differ from tar -t" "$(head -n 30 "$LD_TMP/top.diff")"
fi

# ---- a real Debian rootfs: dir: and the engine image agree -----------------
deb_rootfs=${LOCKDOWN_DEBIAN_ROOTFS:-$LOCKDOWN_CACHE/bookworm-rootfs}
if docker image inspect lockdown-test/debian:bookworm >/dev/null 2>&1 && [[ -f $deb_rootfs/var/lib/dpkg/status ]]; then
  # hard links: a directory cannot tell which name is the link, so both are files there
  files_tsv() { jq -r 'select(.kind == "file") | [.path, (if .type == "hardlink" then "file" else .type end), .mode, .uid, .gid, .size, (if .type == "hardlink" then "" else .link end)] | @tsv' "$1" | sort; }
  run_cmd "$DUMP" --analyze /var/lib/dpkg/status docker:lockdown-test/debian:bookworm
  assert_exit 0 "read the Debian image from the engine"
  cp "$LD_STDOUT_FILE" "$LD_TMP/deb-engine.jsonl"
  run_cmd "$DUMP" --analyze /var/lib/dpkg/status "dir:$deb_rootfs"
  assert_exit 0 "read the Debian rootfs as dir:"
  cp "$LD_STDOUT_FILE" "$LD_TMP/deb-dir.jsonl"
  if diff <(files_tsv "$LD_TMP/deb-engine.jsonl") <(files_tsv "$LD_TMP/deb-dir.jsonl") >"$LD_TMP/deb.diff"; then
    pass "Debian image and rootfs give the same file index ($(grep -c '"file"' "$LD_TMP/deb-dir.jsonl") files)"
  else
    fail_plain "Debian image and rootfs differ" "$(head -n 20 "$LD_TMP/deb.diff")"
  fi
  assert_eq "$(sha256sum <"$deb_rootfs/var/lib/dpkg/status" | cut -d' ' -f1)" \
    "$(jq -r 'select(.kind == "content") | .sha256' "$LD_TMP/deb-engine.jsonl" | cut -d: -f2)" \
    "dpkg status handed to analyzers unchanged"
elif [[ ${LOCKDOWN_TEST_IMAGES:-0} == 1 ]]; then
  fail_plain "lockdown-test/debian:bookworm or its rootfs missing although LOCKDOWN_TEST_IMAGES=1"
else
  skip_part "no Debian image/rootfs (tests/harness/images.sh --debian): Debian comparison not run"
fi

# ---- hostile ---------------------------------------------------------------
cp -r "$LD_TMP/oci" "$LD_TMP/oci-bad"
blob=$(jq -r '.layers[1].digest' "$LD_TMP/oci/blobs/sha256/$(jq -r '.manifests[0].digest' "$LD_TMP/oci/index.json" | cut -d: -f2)" | cut -d: -f2)
printf 'X' | dd of="$LD_TMP/oci-bad/blobs/sha256/$blob" bs=1 seek=100 conv=notrunc status=none
run_cmd "$DUMP" "oci:$LD_TMP/oci-bad"
assert_exit 3 "tampered blob"
assert_stderr_contains "layer 1 (sha256:$blob)" "error names the layer"
assert_eq 1 "$(wc -l <"$LD_STDERR_FILE")" "one error line"

run_cmd "$DUMP" --max-layer-bytes 100000 "$LD_TMP/img.tar.gz"
assert_exit 3 "layer size limit (bomb guard)"
assert_stderr_contains "larger than 100000 bytes"

run_cmd "$DUMP" "docker:lockdown-test/no-such-image:404"
assert_exit 3 "missing engine image"
assert_stderr_matches "no-such-image" "error names the image"

docker image rm "$IMG" >/dev/null 2>&1 || true
