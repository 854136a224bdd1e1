#!/usr/bin/env bash
# The registry image source: `lockdown image sbom|scan registry:REF` and bare
# references, against a real registry (Debian's docker-registry, TLS with
# the test CA and htpasswd auth, tests/e2e/registry_lib.sh) holding the
# engine's test images pushed by skopeo:
#   - the Debian image pulled from the registry lists exactly the packages
#     (names and versions) its docker-archive lists, and its config and
#     secret checks come out the same (check ids and statuses);
#   - tag and digest references; the manifest digest is the registry's;
#   - a wrong password: exit 3, one line, the password nowhere; an unknown
#     CA without --cacert: exit 3 naming TLS;
#   - a bare reference the engine does not hold is pulled, one it holds is
#     read from the engine, one neither has gets one line naming both; with
#     no engine at all the registry is asked;
#   - --platform over an OCI index and a Docker manifest list PUT here over
#     two pushed images: each platform its image, an absent one a clear error;
#   - nothing is written under HOME (a fresh one; every read but one says
#     --no-cache), the layer cache where --cache-dir says.
# On the code before this change every pull fails: registry: was not a
# source and a bare reference went to the engine only (engine HTTP 404).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/registry_lib.sh"
require_cmd jq curl
reg_require
require_image lockdown-test/busybox:1
require_image lockdown-test/debian:bookworm

export HOME=$LD_TMP/home # no docker config, no cache from elsewhere
mkdir -p "$HOME"
unset DOCKER_CONFIG XDG_CACHE_HOME

reg_start R --tls --auth
BB=$(reg_image_archive lockdown-test/busybox:1)
DEB=$(reg_image_archive lockdown-test/debian:bookworm)
reg_push "$DEB" "$R/x/debian:bookworm" --tls --auth || fail_plain "skopeo push of debian"
reg_push "$BB" "$R/x/busybox:1" --tls --auth || fail_plain "skopeo push of busybox"

printf '%s\n' "$REG_PASS" >"$LD_TMP/pass"
printf 'not-the-password-%s\n' "$RANDOM" >"$LD_TMP/wrong"
AUTH=(--cacert "$REG_CA" --username "$REG_USER" --password-stdin --no-cache)

# reg_head REPO REF [ACCEPT]: the registry's Docker-Content-Digest and size of a manifest
reg_head() {
  local accept=${3:-application/vnd.docker.distribution.manifest.v2+json}
  curl -sfI --cacert "$REG_CA" -u "$REG_USER:$REG_PASS" -H "Accept: $accept" \
    "https://$R/v2/$1/manifests/$2" | tr -d '\r' |
    awk -F': ' 'tolower($1) == "docker-content-digest" {d=$2} tolower($1) == "content-length" {s=$2} END {print d, s}'
}

pkgs() { jq -c '[.packages[] | {name, version}] | sort' "$1"; }
same() { # same DESC A B: two JSON texts equal; on failure their diff
  if [[ $2 == "$3" ]]; then
    pass "$1 ($(jq length <<<"$2") entries)"
  else
    fail_plain "$1" "$(diff <(jq . <<<"$2") <(jq . <<<"$3") | head -n 20)"
  fi
}
checks() { # check id and status of every check but image.tag-latest (see below)
  jq -c '[.findings[] | select(.check_id != "image.tag-latest") | {check_id, status}] | sort' "$1"
}

# ---- SBOM: the registry's Debian image lists what its archive lists -------------------
LD_STDIN=$LD_TMP/pass run_ld image sbom "registry:$R/x/debian:bookworm" "${AUTH[@]}" -f json
assert_exit 0 "image sbom registry:REF with --username/--password-stdin and --cacert"
cp "$LD_STDOUT_FILE" "$LD_TMP/reg-sbom.json"
assert_json '.target.source == "registry"' "the SBOM says the image came from the registry"
read -r DEB_DIGEST _ < <(reg_head x/debian bookworm)
assert_json ".target.manifest_digest == \"$DEB_DIGEST\"" "manifest digest is the registry's"
assert_stdout_not_contains "$REG_PASS" "the password is not in the report"
run_ld image sbom "docker-archive:$DEB" --no-cache -f json
assert_exit 0 "image sbom of the same image's docker-archive"
cp "$LD_STDOUT_FILE" "$LD_TMP/arc-sbom.json"
n=$(jq '.packages | length' "$LD_TMP/reg-sbom.json")
if ((n >= 50)); then pass "the registry read found $n packages"; else fail_plain "only ${n:-0} packages from the registry"; fi
same "same package names and versions from the registry and from the archive" \
  "$(pkgs "$LD_TMP/arc-sbom.json")" "$(pkgs "$LD_TMP/reg-sbom.json")"
assert_eq "$(jq -c '[.layers[].diff_id]' "$LD_TMP/arc-sbom.json")" \
  "$(jq -c '[.layers[].diff_id]' "$LD_TMP/reg-sbom.json")" "same layers (diff_ids) from both"

# ---- scan: the config and secret checks agree --------------------------------------
# image.tag-latest judges the reference's tag, which an archive does not have
# (skipped there): compared apart.
LD_STDIN=$LD_TMP/pass run_ld image scan "registry:$R/x/debian:bookworm" "${AUTH[@]}" \
  --checks config,secrets -f json
if [[ $LD_EXIT == 0 || $LD_EXIT == 1 ]]; then
  pass "image scan registry:REF ran (exit $LD_EXIT)"
else
  fail "image scan registry:REF: exit $LD_EXIT"
fi
cp "$LD_STDOUT_FILE" "$LD_TMP/reg-scan.json"
run_ld image scan "docker-archive:$DEB" --no-cache --checks config,secrets -f json
cp "$LD_STDOUT_FILE" "$LD_TMP/arc-scan.json"
n=$(jq '[.findings[] | select(.check_id | startswith("image."))] | length' "$LD_TMP/reg-scan.json")
if ((n >= 10)); then pass "the registry scan has $n image findings"; else fail_plain "registry scan: ${n:-0} image findings"; fi
same "same config and secret check ids and statuses from the registry and the archive" \
  "$(checks "$LD_TMP/arc-scan.json")" "$(checks "$LD_TMP/reg-scan.json")"
assert_json_file "$LD_TMP/reg-scan.json" \
  '[.findings[] | select(.check_id == "image.tag-latest")] | length == 1 and .[0].status == "pass"' \
  "image.tag-latest sees the registry reference's version tag"

# ---- digest references ---------------------------------------------------------------
LD_STDIN=$LD_TMP/pass run_ld image sbom "registry:$R/x/debian@$DEB_DIGEST" "${AUTH[@]}" -f json
assert_exit 0 "a digest reference"
assert_json ".target.manifest_digest == \"$DEB_DIGEST\"" "by digest: that manifest"
same "by digest: the same packages" "$(pkgs "$LD_TMP/arc-sbom.json")" "$(pkgs "$LD_STDOUT_FILE")"
LD_STDIN=$LD_TMP/pass run_ld image sbom "registry:$R/x/debian@sha256:$(printf '0%.0s' {1..64})" \
  "${AUTH[@]}" -f json
assert_exit 3 "a digest the registry does not hold: exit 3"
assert_eq 1 "$(wc -l <"$LD_STDERR_FILE")" "a missing digest: one line"

# ---- credentials and TLS ----------------------------------------------------------------
LD_STDIN=$LD_TMP/wrong run_ld image sbom "registry:$R/x/debian:bookworm" --cacert "$REG_CA" \
  --username "$REG_USER" --password-stdin --no-cache -f json
assert_exit 3 "a wrong password: exit 3"
assert_eq 1 "$(wc -l <"$LD_STDERR_FILE")" "a wrong password: one stderr line"
assert_stderr_matches '401|denied|unauthori[sz]ed|credentials' "a wrong password: says access was refused"
if grep -qF "$(cat "$LD_TMP/wrong")" "$LD_STDOUT_FILE" "$LD_STDERR_FILE"; then
  fail "a wrong password: the password was printed"
else
  pass "a wrong password: the password is printed nowhere"
fi
[[ ! -e /etc/docker/certs.d/$R ]] || skip_part --optional "/etc/docker/certs.d/$R exists"
LD_STDIN=$LD_TMP/pass run_ld image sbom "registry:$R/x/debian:bookworm" --username "$REG_USER" \
  --password-stdin --no-cache -f json
assert_exit 3 "the test CA not given: exit 3"
assert_eq 1 "$(wc -l <"$LD_STDERR_FILE")" "unknown CA: one stderr line"
assert_stderr_matches 'TLS|certificate' "unknown CA: the line names TLS"
assert_stderr_contains "--cacert" "unknown CA: the line says how to trust it"

# ---- bare references: the engine first, then the registry ---------------------------
# (the registry needs credentials: a docker config with them, as docker login writes)
mkdir -p "$HOME/.docker"
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$R" "$(printf '%s:%s' "$REG_USER" "$REG_PASS" | base64 -w0)" \
  >"$HOME/.docker/config.json"
run_ld image sbom "$R/x/busybox:1" --cacert "$REG_CA" --no-cache -f json
assert_exit 0 "a bare reference the engine does not hold"
assert_json '.target.source == "registry"' "…is pulled from the registry"
engine_tag=$R/x/busybox:1
docker tag lockdown-test/busybox:1 "$engine_tag"
ld_on_exit "docker rmi '$engine_tag'"
run_ld image sbom "$R/x/busybox:1" --cacert "$REG_CA" --no-cache -f json
assert_exit 0 "a bare reference the engine holds"
assert_json '.target.source == "docker"' "…is read from the engine, not pulled"
docker rmi "$engine_tag" >/dev/null 2>&1
DOCKER_HOST=unix://$LD_TMP/no-engine.sock run_ld image sbom "$R/x/debian:bookworm" \
  --cacert "$REG_CA" --no-cache -f json
assert_exit 0 "a bare reference with no engine answering"
assert_json '.target.source == "registry"' "…is pulled from the registry"
run_ld image sbom "$R/x/nothere:1" --cacert "$REG_CA" --no-cache -f json
assert_exit 3 "a bare reference neither has: exit 3"
assert_eq 1 "$(wc -l <"$LD_STDERR_FILE")" "neither has it: one stderr line"
assert_stderr_contains "not in the local engine, and the registry said:" "the line names both"
run_ld image sbom "docker:$R/x/debian:bookworm" --no-cache -f json
assert_exit 3 "docker: still forces the engine (which does not hold it)"
assert_stderr_not_contains "registry said" "docker: never asks the registry"
run_ld image sbom lockdown-test/busybox:1 --no-cache -f json
assert_exit 0 "an engine test image by bare name"
assert_json '.target.source == "docker"' "…comes from the engine"

# ---- --platform over an index and a manifest list ---------------------------------------
reg_push "$BB" "$R/x/multi:amd" --tls --auth || fail_plain "push x/multi:amd"
reg_push "$DEB" "$R/x/multi:arm" --tls --auth || fail_plain "push x/multi:arm"
read -r AMD AMD_SIZE < <(reg_head x/multi amd)
read -r ARM ARM_SIZE < <(reg_head x/multi arm)
mt_v2=application/vnd.docker.distribution.manifest.v2+json
put_index() { # put_index TAG MEDIA-TYPE
  local body
  body=$(jq -cn --arg mt "$2" --arg v2 "$mt_v2" --arg a "$AMD" --argjson asz "$AMD_SIZE" \
    --arg r "$ARM" --argjson rsz "$ARM_SIZE" '{schemaVersion: 2, mediaType: $mt, manifests: [
      {mediaType: $v2, digest: $a, size: $asz, platform: {os: "linux", architecture: "amd64"}},
      {mediaType: $v2, digest: $r, size: $rsz,
       platform: {os: "linux", architecture: "arm64", variant: "v8"}}]}')
  curl -sf -o /dev/null -w '%{http_code}' --cacert "$REG_CA" -u "$REG_USER:$REG_PASS" -X PUT \
    -H "Content-Type: $2" --data-binary "$body" "https://$R/v2/x/multi/manifests/$1"
}
assert_eq 201 "$(put_index oci application/vnd.oci.image.index.v1+json)" "OCI index PUT"
assert_eq 201 "$(put_index list application/vnd.docker.distribution.manifest.list.v2+json)" \
  "Docker manifest list PUT"
for tag in oci list; do
  for p in linux/amd64:$AMD linux/arm64:$ARM linux/arm64/v8:$ARM; do
    LD_STDIN=$LD_TMP/pass run_ld image sbom "registry:$R/x/multi:$tag" "${AUTH[@]}" \
      --platform "${p%%:sha256*}" -f json
    assert_exit 0 "$tag --platform ${p%%:sha256*}"
    assert_json ".target.manifest_digest == \"sha256:${p#*:sha256:}\"" \
      "$tag --platform ${p%%:sha256*}: that platform's manifest"
  done
  LD_STDIN=$LD_TMP/pass run_ld image sbom "registry:$R/x/multi:$tag" "${AUTH[@]}" \
    --platform linux/s390x -f json
  assert_exit 3 "$tag --platform linux/s390x (absent): exit 3"
  assert_eq 1 "$(wc -l <"$LD_STDERR_FILE")" "$tag absent platform: one line"
  assert_stderr_contains "linux/s390x" "$tag absent platform: names the platform asked"
  assert_stderr_contains "linux/amd64, linux/arm64/v8" "$tag absent platform: names those there"
done
if [[ $(uname -m) == x86_64 ]]; then
  LD_STDIN=$LD_TMP/pass run_ld image sbom "registry:$R/x/multi:oci" "${AUTH[@]}" -f json
  assert_json ".target.manifest_digest == \"$AMD\"" "no --platform: the host's (linux/amd64)"
fi

# ---- nothing written but the cache asked for -------------------------------------------
LD_STDIN=$LD_TMP/pass run_ld image sbom "registry:$R/x/busybox:1" --cacert "$REG_CA" \
  --username "$REG_USER" --password-stdin --cache-dir "$LD_TMP/cache" -f json
assert_exit 0 "a pull with --cache-dir"
n=$(find "$LD_TMP/cache" -type f | wc -l)
if ((n > 0)); then pass "--cache-dir: the layer cache is there ($n files)"; else fail_plain "--cache-dir: nothing cached there"; fi
left=$(find "$HOME" -mindepth 1 -not -path "$HOME/.docker" -not -path "$HOME/.docker/config.json")
assert_eq "" "$left" "nothing written under HOME by any of these reads"
