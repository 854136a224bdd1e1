#!/usr/bin/env bash
# The layer cache (--cache-dir) for images streamed from the engine
# (docker: sources; src/image/layer_cache_stream.c): a `docker save` stream
# names its layers "<v1id>/layer.tar" and sends them before manifest.json,
# so the cache keeps a map from the member to the diff_id it held, and on a
# later read hashes the member as it streams past instead of analysing it.
#   - the engine's Debian test image scanned twice with a fresh cache: the
#     second run reuses its layer, with the same findings, notes and exit;
#     `image sbom` twice gives the same document byte for byte;
#   - an image built here (three layers: Debian, a fake AWS key, a lodash
#     lock file): read whole the first time (its members are named by this
#     image's v1 ids), every layer reused the second time;
#   - a poisoned map (the key layer's member pointed at the Debian layer's
#     diff_id): detected by the hash, noted, the map removed, and the
#     findings still the right ones (the key layer served by its own
#     record); the map is rewritten right;
#   - a poisoned map with no record of what the member really is: a clean
#     error (exit 3) that names it; the next run reads the layer and is right;
#   - --no-cache reads everything and says nothing about the cache;
#   - a gzip'd `docker save` archive file (streamed in one pass too) reuses
#     the same records.
# On the code before the stream cache every docker: run reports
# "0 of N layers reused".
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_cmd jq gzip
require_image lockdown-test/debian:bookworm

export HOME=$LD_TMP/home # nothing from another cache
mkdir -p "$HOME"
unset XDG_CACHE_HOME

pfx=lockdown-h16i-$$
img=$pfx-keyed:1
cleanup() { docker rmi -f "$img" >/dev/null 2>&1; }
ld_on_exit cleanup

C=$LD_TMP/cache
findings() { jq -S '.findings | sort_by(.check_id, (.target.path // ""), .evidence)' "$1"; }
notes() { jq -S '[.notes[] | select(startswith("layer cache: ") | not)]' "$1"; }
same() { # same DESC FILE_A FILE_B
  if cmp -s "$2" "$3"; then
    pass "$1"
  else
    fail_plain "$1" "$(diff "$2" "$3" | head -n 20)"
  fi
}
scan_to() { # scan_to NAME TARGET [ARGS...]: findings and notes kept as NAME.*
  local name=$1 target=$2
  shift 2
  run_ld image scan "$target" --checks config,secrets -f json "$@"
  cp "$LD_STDOUT_FILE" "$LD_TMP/$name.json"
  cp "$LD_STDERR_FILE" "$LD_TMP/$name.err"
  findings "$LD_TMP/$name.json" >"$LD_TMP/$name.findings"
  notes "$LD_TMP/$name.json" >"$LD_TMP/$name.notes"
}
reused() { # reused NAME: "H of N" from the cache's summary note
  jq -r '.notes[] | capture("^layer cache: (?<h>[0-9]+) of (?<n>[0-9]+) layer") | "\(.h) of \(.n)"' \
    "$LD_TMP/$1.json"
}

# ---- the Debian image: a rescan reuses its layer --------------------------------------------------
DEB=docker:lockdown-test/debian:bookworm
scan_to cold "$DEB" --cache-dir "$C"
cold_exit=$LD_EXIT
assert_eq "0 of 1" "$(reused cold)" "a cold cache reads the layer"
n=$(jq '.findings | length' "$LD_TMP/cold.json")
if ((n >= 10)); then pass "the cold scan has $n findings"; else fail_plain "only ${n:-0} findings"; fi
maps=("$C"/v1/sha256/*/*.map)
if [[ -f ${maps[0]} ]]; then pass "the member's map is kept (${#maps[@]})"; else fail_plain "no map under $C"; fi
scan_to warm "$DEB" --cache-dir "$C"
assert_eq "$cold_exit" "$LD_EXIT" "same exit status from a warm cache"
assert_eq "1 of 1" "$(reused warm)" "the second scan reuses the streamed layer"
same "same findings from a warm cache" "$LD_TMP/cold.findings" "$LD_TMP/warm.findings"
same "same notes from a warm cache" "$LD_TMP/cold.notes" "$LD_TMP/warm.notes"

run_ld image sbom "$DEB" --cache-dir "$C" -f json
assert_exit 0 "image sbom with the cache"
cp "$LD_STDOUT_FILE" "$LD_TMP/sbom-1.json"
run_ld image sbom "$DEB" --cache-dir "$C" -f json
cp "$LD_STDOUT_FILE" "$LD_TMP/sbom-2.json"
n=$(jq '.packages | length' "$LD_TMP/sbom-2.json")
if ((n >= 50)); then pass "the warm SBOM lists $n packages"; else fail_plain "only ${n:-0} packages"; fi
same "the same SBOM, byte for byte, from a warm cache" "$LD_TMP/sbom-1.json" "$LD_TMP/sbom-2.json"

scan_to plain "$DEB" --no-cache
assert_eq "$cold_exit" "$LD_EXIT" "--no-cache: same exit"
assert_json_file "$LD_TMP/plain.json" '.notes | any(startswith("layer cache: ")) | not' \
  "--no-cache says nothing about the cache"
same "--no-cache: the same findings" "$LD_TMP/cold.findings" "$LD_TMP/plain.findings"

# ---- an image of three layers ----------------------------------------------------------------------
ctx=$LD_TMP/ctx
mkdir -p "$ctx"
# the rules' format: an AWS access key id and secret (fake values)
printf 'AWS_ACCESS_KEY_ID=AKIAQ3EGT7LMRZ5XW2PN\nAWS_SECRET_ACCESS_KEY=t7Rq2Lm9Xv4Kp8Wz1Nc6Yb3Hd5Fg0Js2Ae7Ui9Oq\n' \
  >"$ctx/secret.env"
printf '{"name":"app","version":"1.0.0","lockfileVersion":3,"packages":{"":{"name":"app"},"node_modules/lodash":{"version":"4.17.20"}}}\n' \
  >"$ctx/package-lock.json"
cat >"$ctx/Dockerfile" <<'EOF'
FROM lockdown-test/debian:bookworm
COPY secret.env /app/secret.env
COPY package-lock.json /srv/app/package-lock.json
EOF
run_cmd env DOCKER_BUILDKIT=0 docker build -q -t "$img" "$ctx"
assert_exit 0 "a three-layer image built offline FROM the Debian image"
K="docker:$img"
mapfile -t diff_ids < <(docker image inspect "$img" --format '{{range .RootFS.Layers}}{{println .}}{{end}}' | sed '/^$/d')
assert_eq 3 "${#diff_ids[@]}" "three layers"

scan_to k1 "$K" --cache-dir "$C"
k_exit=$LD_EXIT
# a legacy `docker save` names a layer by a v1 id of the image it is saved
# for: the Debian layer's member is another one in this image, so nothing
# leads to its record yet
assert_eq "0 of 3" "$(reused k1)" "a first read of another image reads its layers"
assert_json_file "$LD_TMP/k1.json" 'any(.findings[]; .check_id == "image.secrets" and .status == "fail" and .target.path == "/app/secret.env")' \
  "the key is found"
scan_to k2 "$K" --cache-dir "$C"
assert_eq "$k_exit" "$LD_EXIT" "same exit from a warm cache"
assert_eq "3 of 3" "$(reused k2)" "every layer reused"
same "the three-layer image: same findings from a warm cache" "$LD_TMP/k1.findings" "$LD_TMP/k2.findings"
scan_to kplain "$K" --no-cache
same "the three-layer image: the same findings without the cache" "$LD_TMP/k1.findings" "$LD_TMP/kplain.findings"

# the member of each layer: manifest.json's Layers, in the order of RootFS.Layers
mkdir -p "$LD_TMP/save"
docker save "$img" | tar -x -C "$LD_TMP/save" manifest.json
mapfile -t members < <(jq -r '.[0].Layers[]' "$LD_TMP/save/manifest.json")
key_member=${members[1]%/layer.tar}  # the layer with the key
base_diff=${diff_ids[0]}             # the Debian layer
key_diff=${diff_ids[1]}
map=$C/v1/sha256/${key_member:0:2}/$key_member.map
assert_file_exists "$map" "the key layer's member has a map"
assert_true "the map names the key layer's diff_id" grep -qx "diff_id $key_diff" "$map"

# ---- a poisoned map: the key layer's member said to be the Debian layer ----------------------------
sed -i "s/^diff_id .*/diff_id $base_diff/" "$map"
scan_to poisoned "$K" --cache-dir "$C"
assert_eq "$k_exit" "$LD_EXIT" "a poisoned map: same exit"
assert_true "the wrong map is noted" grep -q "the map of archive member $key_member/layer.tar named layer $base_diff, but the member is $key_diff; the map was removed" "$LD_TMP/poisoned.err"
same "a poisoned map: the right findings (the key layer served by its own record)" \
  "$LD_TMP/k1.findings" "$LD_TMP/poisoned.findings"
assert_json_file "$LD_TMP/poisoned.json" 'any(.findings[]; .check_id == "image.secrets" and .status == "fail" and .target.path == "/app/secret.env")' \
  "a poisoned map: the key is still found"
assert_true "the map is right again" grep -qx "diff_id $key_diff" "$map"

# poisoned, and no record of what the member is: the bytes are gone, a clean error
sed -i "s/^diff_id .*/diff_id $base_diff/" "$map"
rm -f "$C"/v1/sha256/"${key_diff:7:2}"/"${key_diff#sha256:}"-*.rec
scan_to norecord "$K" --cache-dir "$C"
assert_eq 3 "$LD_EXIT" "a poisoned map with no record of the member: cannot complete (exit 3)"
assert_true "the error names the member and what to do" grep -q "layer $key_member/layer.tar: the layer cache took this member for layer $base_diff, but it is $key_diff; the cache's map was removed: run again (or with --no-cache)" "$LD_TMP/norecord.err"
assert_false "and the wrong map is gone" test -e "$map"
scan_to after "$K" --cache-dir "$C"
assert_eq "$k_exit" "$LD_EXIT" "the next run completes"
assert_eq "2 of 3" "$(reused after)" "and reads the member whose map was removed"
same "with the right findings" "$LD_TMP/k1.findings" "$LD_TMP/after.findings"

# ---- garbage maps: noted, removed, the layers read ---------------------------------------------------
for m in "$C"/v1/sha256/*/*.map; do head -c 300 /dev/urandom >"$m"; done
scan_to garbage "$K" --cache-dir "$C"
assert_true "a garbage map is noted" grep -q "the map of archive member .* was not used (layer map: " "$LD_TMP/garbage.err"
assert_eq "0 of 3" "$(reused garbage)" "garbage maps lead nowhere"
same "garbage maps: the same findings" "$LD_TMP/k1.findings" "$LD_TMP/garbage.findings"
scan_to regrown "$K" --cache-dir "$C"
assert_eq "3 of 3" "$(reused regrown)" "the maps are written again"

# ---- a gzip'd docker save archive file: streamed too, the same records -------------------------------
docker save "$img" | gzip -1 >"$LD_TMP/keyed.tar.gz"
scan_to gz "docker-archive:$LD_TMP/keyed.tar.gz" --cache-dir "$C"
assert_eq "3 of 3" "$(reused gz)" "a gzip'd archive of the same image reuses the engine read's records"
# the same findings but for the target's name
# (image.tag-latest looks at the reference, which an archive file has not)
bare() { jq -S '[.findings[] | select(.check_id != "image.tag-latest") | del(.target.name)] | sort_by(.check_id, (.target.path // ""), .evidence)' "$1"; }
bare "$LD_TMP/k1.json" >"$LD_TMP/k1.bare"
bare "$LD_TMP/gz.json" >"$LD_TMP/gz.bare"
same "the gzip'd archive: the same findings" "$LD_TMP/k1.bare" "$LD_TMP/gz.bare"

finish
