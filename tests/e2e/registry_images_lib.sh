# registry_images_lib.sh — small distinct images and a vulnerability
# database for the registry scan and prune tests (source after lib.sh and
# registry_lib.sh). Images are built offline by the real engine with the
# legacy builder FROM lockdown-test/busybox:1, each with a Debian 12
# os-release and a dpkg status naming libc6 (source glibc) at a version
# the caller picks, so the vulnerability matcher sees a Debian package
# without a 100 MB base; `docker save` turns them into archives that
# reg_push copies into a registry.
#
#   ri_image NAME LIBC_VERSION [EXTRA_FILE_TEXT]
#                     builds lockdown-test/registry-e2e:NAME (a unique file
#                     /etc/lockdown-e2e with EXTRA_FILE_TEXT makes a unique
#                     layer) and prints the path of its docker-archive
#   ri_vuln_db        imports the feed excerpt below into $LD_TMP/vuln.db and
#                     prints its path: glibc CVE-2023-4911, fixed in
#                     2.36-9+deb12u3 (the real fixed version; the tracker's
#                     urgency is set to "high" here so the severity rule has a
#                     severity to compare)
#   ri_index ARCH_A ARCHIVE_A ARCH_B ARCHIVE_B
#                     an OCI layout directory holding one image index that
#                     lists the two images as linux/ARCH_A and linux/ARCH_B;
#                     prints its path (push with skopeo copy --all oci:DIR:multi)
#   ri_curl ADDR PATH [CURL ARGS...]
#                     curl against a registry started with --tls --auth
#   ri_manifest_status ADDR REPO REF
#                     prints the HTTP status of HEAD /v2/REPO/manifests/REF

RI_VULNERABLE=2.36-9+deb12u1
RI_FIXED=2.36-9+deb12u4

ri_image() {
  local name=$1 version=$2 extra=${3:-}
  local ctx=$LD_TMP/ri-$name
  mkdir -p "$ctx"
  printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n' >"$ctx/os-release"
  printf 'Package: libc6\nStatus: install ok installed\nPriority: optional\nSection: libs\nInstalled-Size: 12000\nMaintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>\nArchitecture: amd64\nMulti-Arch: same\nSource: glibc\nVersion: %s\nDescription: GNU C Library: Shared libraries\n\n' "$version" >"$ctx/status"
  printf '%s\n' "${extra:-$name}" >"$ctx/unique"
  printf 'FROM lockdown-test/busybox:1\nCOPY os-release /etc/os-release\nCOPY status /var/lib/dpkg/status\nCOPY unique /etc/lockdown-e2e\n' >"$ctx/Dockerfile"
  DOCKER_BUILDKIT=0 docker build -q -t "lockdown-test/registry-e2e:$name" "$ctx" >/dev/null 2>&1 ||
    { fail_plain "docker build of lockdown-test/registry-e2e:$name failed"; return 1; }
  docker save -o "$ctx.tar" "lockdown-test/registry-e2e:$name" || return 1
  echo "$ctx.tar"
}

ri_vuln_db() {
  local feed=$LD_TMP/ri-feed
  mkdir -p "$feed"
  cat >"$feed/debian-tracker.json" <<'JSON'
{"glibc": {"CVE-2023-4911": {
  "description": "A buffer overflow was discovered in the GNU C Library's dynamic loader ld.so while processing the GLIBC_TUNABLES environment variable.",
  "scope": "local", "debianbug": 1053222,
  "releases": {"bookworm": {"status": "resolved", "repositories": {"bookworm": "2.36-9+deb12u13"},
                            "fixed_version": "2.36-9+deb12u3", "urgency": "high"}}}}}
JSON
  "$LOCKDOWN" db import --db "$LD_TMP/vuln.db" "$feed/debian-tracker.json" >/dev/null 2>&1 ||
    { fail_plain "lockdown db import of the test feed failed"; return 1; }
  echo "$LD_TMP/vuln.db"
}

ri_index() {
  local dir=$LD_TMP/ri-index-$RANDOM
  skopeo --insecure-policy copy -q "docker-archive:$2" "oci:$dir:a" >/dev/null &&
    skopeo --insecure-policy copy -q "docker-archive:$4" "oci:$dir:b" >/dev/null || return 1
  python3 - "$dir" "$1" "$3" <<'PY'
import hashlib, json, sys
lay, arch_a, arch_b = sys.argv[1:4]
ix = json.load(open(f"{lay}/index.json"))
by = {m["annotations"]["org.opencontainers.image.ref.name"]: m for m in ix["manifests"]}
def child(m, arch):
    return {"mediaType": m["mediaType"], "digest": m["digest"], "size": m["size"],
            "platform": {"architecture": arch, "os": "linux"}}
index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
         "manifests": [child(by["a"], arch_a), child(by["b"], arch_b)]}
data = json.dumps(index).encode()
h = hashlib.sha256(data).hexdigest()
open(f"{lay}/blobs/sha256/{h}", "wb").write(data)
json.dump({"schemaVersion": 2, "manifests": [{
    "mediaType": "application/vnd.oci.image.index.v1+json", "digest": "sha256:" + h,
    "size": len(data), "annotations": {"org.opencontainers.image.ref.name": "multi"}}]},
    open(f"{lay}/index.json", "w"))
PY
  echo "$dir"
}

ri_push_index() { # ri_push_index LAYOUT ADDR/REPO:TAG [--auth]
  local args=(--dest-cert-dir "$REG_CERT_DIR")
  [[ ${3:-} == --auth ]] && args+=(--dest-creds "$REG_USER:$REG_PASS")
  skopeo --insecure-policy copy -q --all "${args[@]}" "oci:$1:multi" "docker://$2" >/dev/null
}

ri_curl() {
  local addr=$1 path=$2
  shift 2
  curl -s --cacert "$REG_CA" -u "$REG_USER:$REG_PASS" "$@" "https://$addr$path"
}

ri_manifest_status() {
  ri_curl "$1" "/v2/$2/manifests/$3" -o /dev/null -w '%{http_code}' -I \
    -H 'Accept: application/vnd.oci.image.index.v1+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json'
}

ri_digest() { # ri_digest ADDR REPO TAG — the manifest digest a tag names
  ri_curl "$1" "/v2/$2/manifests/$3" -I \
    -H 'Accept: application/vnd.oci.image.index.v1+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' |
    tr -d '\r' | awk -F': ' 'tolower($1) == "docker-content-digest" {print $2}'
}
