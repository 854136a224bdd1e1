#!/usr/bin/env bash
# test_hostile_image_fs.sh — issue 11, "Images, file systems, package
# databases": the file-system part. Every image is built here by a small
# python3 tarfile program (docker save layout; nothing binary is committed),
# every dir: tree with mkdir/ln.
#
#   - whiteouts cost what they remove: 300,000 files in one layer and 1,023
#     layers of one whiteout each (the old index walked every node for every
#     such layer: about 40 s here, past 60 s on slower machines);
#   - links are followed inside the image's own root, as a runtime would:
#     /etc/passwd or /etc/shadow as a symlink (absolute, relative, past the
#     root with ".."), as a tar hard link, under a symlinked /etc; the
#     package databases var/lib/dpkg/status and lib/apk/db/installed as
#     links. The old code said "no /etc/passwd in the image" (a pass) and "0
#     packages". A link that cannot be followed (dangling, a loop, more than
#     40 links, a target over the size limit, a target outside a dir: root)
#     is "not assessed", never a pass;
#   - what a dir: walk cannot see (5,000 nested directories, a path longer
#     than 4,096 bytes, a directory it may not read) is "not assessed" with
#     a note in every format; the old code said "no secrets in 0 file
#     versions";
#   - the link resolver's own walk is bounded: 20,000 links into chains of
#     40 links of 1,000 components each stop at a lookup budget.
#
# Bounds (hostile.sh multiplies them under ASan): the whiteout image 20 s
# and 768 MiB; the link budget 20 s and 256 MiB; every other case 10 s and
# 128 MiB.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$LD_REPO/tests/e2e/hostile.sh"
require_cmd python3 jq

MK=$LD_TMP/mkimage.py
cat >"$MK" <<'EOF'
# mkimage.py OUT SPEC.json — a `docker save` archive (legacy layout) from a
# list of layers; each layer a list of entries:
#   ["f", path, content(, mode)]  ["d", path]  ["l", path, target]
#   ["h", path, target] (tar hard link)  ["wh", path]  ["opq", dir]
#   ["many", prefix, count]        count empty files prefix0, prefix1, ...
#   ["manylinks", prefix, count, target]   count symlinks to target (prefix: a
#                                          name with %d, or one the number ends)
import hashlib, io, json, sys, tarfile

def headers(prefix, count, kind=b"0", target=b""):
    # one header made by tarfile, then only its name (and checksum) change
    ti = tarfile.TarInfo("x")
    if kind == b"2":
        ti.type = tarfile.SYMTYPE
        ti.linkname = target.decode()
    proto = bytearray(ti.tobuf(tarfile.USTAR_FORMAT))
    proto[0:100] = bytes(100)
    proto[148:156] = b"        "
    base = sum(proto)
    out = bytearray(512 * count)
    for i in range(count):
        name = (prefix % i if "%d" in prefix else "%s%d" % (prefix, i)).encode()
        h = bytearray(proto)
        h[0:len(name)] = name
        h[148:156] = b"%06o\0 " % (base + sum(name))
        out[512 * i:512 * (i + 1)] = h
    return bytes(out)

def layer_tar(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
        for e in entries:
            kind = e[0]
            if kind in ("many", "manylinks"):
                blob = headers(e[1], e[2]) if kind == "many" else \
                    headers(e[1], e[2], b"2", e[3].encode())
                t.fileobj.write(blob)
                t.offset += len(blob)
                continue
            ti = tarfile.TarInfo(e[1])
            ti.mode = 0o755 if kind == "d" else 0o644
            data = None
            if kind == "f":
                data = e[2].encode()
                ti.size = len(data)
                if len(e) > 3:
                    ti.mode = e[3]
            elif kind == "d":
                ti.type = tarfile.DIRTYPE
            elif kind == "l":
                ti.type = tarfile.SYMTYPE
                ti.linkname = e[2]
            elif kind == "h":
                ti.type = tarfile.LNKTYPE
                ti.linkname = e[2]
            elif kind == "wh":
                d, _, base = e[1].rpartition("/")
                ti.name = (d + "/" if d else "") + ".wh." + base
            elif kind == "opq":
                ti.name = e[1].rstrip("/") + "/.wh..wh..opq"
            t.addfile(ti, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()

def main(out, spec_path):
    spec = json.load(open(spec_path))
    layers = [layer_tar(l) for l in spec["layers"]]
    diff_ids = ["sha256:" + hashlib.sha256(l).hexdigest() for l in layers]
    config = {"architecture": "amd64", "os": "linux",
              "config": {"User": "1000", "Healthcheck": {"Test": ["CMD", "true"]}},
              "rootfs": {"type": "layers", "diff_ids": diff_ids},
              "history": [{"created_by": "layer %d" % i} for i in range(len(layers))]}
    cfg = json.dumps(config).encode()
    cfg_name = hashlib.sha256(cfg).hexdigest() + ".json"
    names = ["%d/layer.tar" % i for i in range(len(layers))]
    manifest = [{"Config": cfg_name, "RepoTags": ["hostile/fs:1"], "Layers": names}]
    with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as t:
        def add(name, data):
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))
        for n, l in zip(names, layers):
            add(n, l)
        add(cfg_name, cfg)
        add("manifest.json", json.dumps(manifest).encode())

main(sys.argv[1], sys.argv[2])
EOF

image() { # image NAME PYTHON-EXPR — $HOSTILE_DIR/NAME.tar from a layers list (python)
  python3 -c "import json,sys; json.dump({'layers': $2}, open(sys.argv[1], 'w'))" \
    "$HOSTILE_DIR/$1.json" || { fail_plain "building the spec of $1"; return 1; }
  python3 "$MK" "$HOSTILE_DIR/$1.tar" "$HOSTILE_DIR/$1.json" || fail_plain "building image $1"
}

status_of() { # status_of CHECK — the status of CHECK's first finding in the last JSON report
  jq -r --arg c "$1" '[.findings[] | select(.check_id == $c) | .status] | first // "none"' \
    "$LD_STDOUT_FILE" 2>/dev/null
}

expect_status() { # expect_status DESC CHECK STATUS [EVIDENCE-SUBSTRING]
  local got
  got=$(status_of "$2")
  if [[ $got == "$3" ]]; then pass "$1: $2 is $3"; else fail "$1: $2 is $got, expected $3"; fi
  if [[ -n ${4:-} ]]; then
    if jq -e --arg c "$2" --arg s "$4" \
      '[.findings[] | select(.check_id == $c) | .evidence | contains($s)] | any' \
      "$LD_STDOUT_FILE" >/dev/null 2>&1; then
      pass "$1: $2 says \"$4\""
    else
      fail "$1: $2 does not say \"$4\""
    fi
  fi
}

ROOT_P='root:x:0:0:root:/root:/bin/sh\n'
TOOR_P='root:x:0:0:root:/root:/bin/sh\ntoor::0:0::/:/bin/sh\n'
SHADOW_OK='root:*:19000:0:99999:7:::\n'
SHADOW_EMPTY='root::19000:0:99999:7:::\n'
DPKG='Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\nArchitecture: amd64\n\nPackage: zlib1g\nStatus: install ok installed\nVersion: 1:1.2.13.dfsg-1\nArchitecture: amd64\n\n'
APK='P:musl\nV:1.2.4-r2\nA:x86_64\n\nP:busybox\nV:1.36.1-r15\nA:x86_64\n\n'
TOKEN=ghp_$(printf '%s' 0123456789abcdefghijABCDEFGHIJ0123456789 | head -c 36)

# ---- whiteouts cost what they remove -----------------------------------------------------
hostile_dir whiteouts
image wh "[[['many', 'a/b/c/d/e/f/g/', 300000]]] + [[['wh', 'a/b/c/d/e/f/g/%d' % i]] for i in range(1023)]"
hostile_case "300,000 files and 1,023 layers of one whiteout each" 0 20 768 -- \
  image sbom -f json "docker-archive:$HOSTILE_DIR/wh.tar"
assert_json '.packages | length == 0' "whiteout image: an SBOM (no packages) came out"

# ---- links followed inside the image's root -----------------------------------------------
# Each image: a uid-0 account "toor" with an empty password, reached only through a link.
link_case() { # link_case NAME DESC LAYERS — account checks fail, naming the link
  hostile_dir "$1"
  image "$1" "$3"
  hostile_case "$2" 1 10 128 -- image scan --checks config -f json "docker-archive:$HOSTILE_DIR/$1.tar"
  expect_status "$2" image.uid0-accounts fail 'account "toor" has uid 0 besides root'
  expect_status "$2" image.empty-password fail 'account "toor"'
}
link_case passwd-abs "/etc/passwd a symlink to an absolute path" \
  "[[['f', 'opt/p', '$TOOR_P'], ['f', 'etc/shadow', '$SHADOW_OK'], ['l', 'etc/passwd', '/opt/p']]]"
link_case passwd-up "/etc/passwd a symlink climbing past the root" \
  "[[['f', 'p', '$TOOR_P'], ['l', 'etc/passwd', '../../../../../../p']]]"
link_case passwd-hard "/etc/passwd a tar hard link (made in a lower layer)" \
  "[[['f', 'opt/p', '$TOOR_P']], [['h', 'etc/passwd', 'opt/p']], [['f', 'opt/p', '$ROOT_P']]]"
assert_stdout_contains 'a hard link to /opt/p' "the evidence names the hard link"
link_case etc-dir "/etc a symlinked directory" \
  "[[['d', 'usr/etc'], ['f', 'usr/etc/passwd', '$TOOR_P'], ['l', 'etc', 'usr/etc']]]"

hostile_dir shadow-hard
image shadow "[[['f', 'etc/passwd', '$ROOT_P'], ['f', 'var/s', '$SHADOW_EMPTY'], ['h', 'etc/shadow', 'var/s']]]"
hostile_case "/etc/shadow a tar hard link to an empty root password" 1 10 128 -- \
  image scan --checks config -f json "docker-archive:$HOSTILE_DIR/shadow.tar"
expect_status "/etc/shadow hard link" image.empty-password fail 'account "root" has an empty password'

# ---- links that cannot be followed: not assessed, never a pass ---------------------------
unfollowable() { # unfollowable NAME DESC LAYERS WHY
  hostile_dir "$1"
  image "$1" "$3"
  hostile_case "$2" 1 10 128 -- image scan --checks config -f json "docker-archive:$HOSTILE_DIR/$1.tar"
  expect_status "$2" image.uid0-accounts error "$4"
  expect_status "$2" image.empty-password error "$4"
  assert_json '.notes | map(test("not assessed")) | any' "$2: a note says what was not assessed"
}
unfollowable dangling "/etc/passwd dangling" \
  "[[['l', 'etc/passwd', '/nowhere/passwd']]]" "/nowhere does not exist in the image"
unfollowable loop "/etc/passwd in a symlink loop" \
  "[[['l', 'etc/passwd', 'passwd2'], ['l', 'etc/passwd2', '/etc/passwd']]]" "more than 40 symlinks"
unfollowable hops "/etc/passwd 46 links from its file" \
  "[[['f', 't/p', '$TOOR_P']] + [['l', 't/l%d' % i, 'l%d' % (i + 1)] for i in range(45)] + [['l', 't/l45', 'p'], ['l', 'etc/passwd', '/t/l0']]]" \
  "more than 40 symlinks"
unfollowable big "/etc/passwd a symlink to a 5 MiB file" \
  "[[['f', 'opt/p', '$TOOR_P' + 'x' * (5 << 20)], ['l', 'etc/passwd', '/opt/p']]]" \
  "over the 4194304-byte limit"

# ---- package databases through links ------------------------------------------------------
hostile_dir dpkg-link
image dpkg "[[['f', 'var/lib/dpkg/status.real', '$DPKG'], ['l', 'var/lib/dpkg/status', 'status.real']]]"
hostile_case "var/lib/dpkg/status a symlink" 0 10 128 -- image sbom -f json "docker-archive:$HOSTILE_DIR/dpkg.tar"
assert_json '[.packages[].name] | sort == ["bash", "zlib1g"]' "dpkg status through a symlink: both packages"

hostile_dir apk-link
image apk "[[['f', 'srv/installed', '$APK']], [['h', 'lib/apk/db/installed', 'srv/installed']]]"
hostile_case "lib/apk/db/installed a tar hard link" 0 10 128 -- image sbom -f json "docker-archive:$HOSTILE_DIR/apk.tar"
assert_json '[.packages[].name] | sort == ["busybox", "musl"]' "apk database through a hard link: both packages"

# a database link that leads nowhere is said in every SBOM format
hostile_dir dpkg-dangling
D=$HOSTILE_DIR # hostile_case empties HOSTILE_DIR
image dpkg-gone "[[['l', 'var/lib/dpkg/status', '/nowhere/status']]]"
hostile_case "var/lib/dpkg/status dangling" 0 10 128 -- image sbom -f json "docker-archive:$D/dpkg-gone.tar"
assert_json '.notes | map(test("/var/lib/dpkg/status.*/nowhere does not exist")) | any' \
  "dangling dpkg status: json notes say so"
for fmt in cyclonedx spdx table; do
  run_ld image sbom -f "$fmt" "docker-archive:$D/dpkg-gone.tar"
  assert_exit 0 "image sbom -f $fmt of a dangling dpkg status"
  if [[ $fmt == table ]]; then
    assert_stderr_contains "/nowhere does not exist in the image" "table: the note is on stderr"
  else
    assert_stdout_contains "/nowhere does not exist in the image" "$fmt: the note is in the document"
  fi
done

# ---- dir: links stay inside the root ------------------------------------------------------
hostile_dir dir-links
mkdir -p "$HOSTILE_DIR/root/etc" "$HOSTILE_DIR/root/opt"
printf "$TOOR_P" >"$HOSTILE_DIR/root/opt/p"
ln -s ../opt/p "$HOSTILE_DIR/root/etc/passwd"
hostile_case "dir: /etc/passwd a relative symlink" 1 10 128 -- \
  image scan --checks config -f json "dir:$HOSTILE_DIR/root"
expect_status "dir: /etc/passwd link" image.uid0-accounts fail 'account "toor"'

hostile_dir dir-host
mkdir -p "$HOSTILE_DIR/root/etc"
# exists on the host (and holds root), not in the root file system
ln -s /etc/passwd "$HOSTILE_DIR/root/etc/shadow"
ln -s /proc/self/root/etc/passwd "$HOSTILE_DIR/root/etc/passwd"
hostile_case "dir: account files linking out to the host" 1 10 128 -- \
  image scan --checks config -f json "dir:$HOSTILE_DIR/root"
expect_status "dir: links to the host" image.uid0-accounts error "/proc does not exist in the image"
expect_status "dir: links to the host" image.empty-password error "not assessed"

# ---- what a dir: walk cannot see ------------------------------------------------------------
hostile_dir deep
python3 - "$HOSTILE_DIR/root" "$TOKEN" <<'EOF' || fail_plain "building the deep tree"
import os, sys
os.mkdir(sys.argv[1])
fd = os.open(sys.argv[1], os.O_RDONLY)
for _ in range(5000):
    os.mkdir("d", dir_fd=fd)
    sub = os.open("d", os.O_RDONLY, dir_fd=fd)
    os.close(fd)
    fd = sub
f = os.open("token.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
os.write(f, ("token = %s\n" % sys.argv[2]).encode())
os.close(f)
os.close(fd)
EOF
D=$HOSTILE_DIR
hostile_case "dir: a secret 5,000 directories deep" 1 10 128 -- \
  image scan --checks config,secrets -f json "dir:$D/root"
expect_status "5,000 deep" image.secrets error "nested deeper than 256 directories"
expect_status "5,000 deep" image.setuid-files error "could not be listed"
assert_json '.notes | map(test("nested deeper than 256")) | any' "5,000 deep: json notes"
for fmt in table sarif junit; do
  run_ld image scan --checks secrets -f "$fmt" "dir:$D/root"
  assert_exit 1 "5,000 deep, -f $fmt: the gate fails closed"
  assert_stdout_contains "nested deeper than 256 directories" "5,000 deep, -f $fmt: says what was not walked"
done
run_ld image scan --checks secrets -f table "dir:$D/root"
assert_stdout_contains "not assessed" "5,000 deep, table: not assessed"
assert_stdout_not_contains "no secrets in" "5,000 deep, table: no pass"
for fmt in json cyclonedx spdx; do
  run_ld image sbom -f "$fmt" "dir:$D/root"
  assert_stdout_contains "nested deeper than 256 directories" "5,000 deep: image sbom -f $fmt notes"
done

hostile_dir long-path
python3 - "$HOSTILE_DIR/root" "$TOKEN" <<'EOF' || fail_plain "building the long path"
import os, sys
os.mkdir(sys.argv[1])
fd = os.open(sys.argv[1], os.O_RDONLY)
for _ in range(22):  # 22 x 201 bytes > 4096
    os.mkdir("n" * 200, dir_fd=fd)
    sub = os.open("n" * 200, os.O_RDONLY, dir_fd=fd)
    os.close(fd)
    fd = sub
f = os.open("token.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
os.write(f, ("token = %s\n" % sys.argv[2]).encode())
os.close(f)
os.close(fd)
EOF
hostile_case "dir: a secret under a path longer than 4,096 bytes" 1 10 128 -- \
  image scan --checks secrets -f json "dir:$HOSTILE_DIR/root"
expect_status "long path" image.secrets error "path longer than 4096 bytes"

# unreadable directories: root reads anything, so the scan runs without the
# capabilities that let it (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH)
if [[ $(id -u) != 0 ]] || ! command -v setpriv >/dev/null ||
  ! setpriv --bounding-set -dac_override,-dac_read_search true 2>/dev/null; then
  skip_part --optional "unreadable directories: needs root and setpriv to drop CAP_DAC_OVERRIDE"
else
  hostile_dir unreadable
  D=$HOSTILE_DIR
  mkdir -p "$D/root/etc" "$D/root/srv/private"
  printf "$ROOT_P" >"$D/root/etc/passwd"
  printf 'token = %s\n' "$TOKEN" >"$D/root/srv/private/t.txt"
  chmod 000 "$D/root/srv/private"
  REAL=$LOCKDOWN
  _hostile_asan && export LOCKDOWN_HOSTILE_ASAN=1
  LOCKDOWN=$LD_TMP/lockdown-without-dac
  printf '#!/bin/sh\nexec setpriv --bounding-set -dac_override,-dac_read_search "%s" "$@"\n' "$REAL" >"$LOCKDOWN"
  chmod +x "$LOCKDOWN"
  hostile_case "dir: an unreadable directory" 1 10 128 -- \
    image scan --checks config,secrets -f json "dir:$D/root"
  expect_status "unreadable directory" image.secrets error "/srv/private: cannot open: Permission denied"
  expect_status "unreadable directory" image.world-writable error "could not be listed"
  LOCKDOWN=$REAL
  chmod 755 "$D/root/srv/private"
fi

# ---- the link resolver's own walk is bounded ------------------------------------------------
# 20,000 links at names the SBOM reads by name (Python .egg-info files; it
# takes no link to a binary) into one chain of 40
# links whose targets are 1,000 components each: 800 million lookups without
# the budget; the links beyond it are gaps, said once.
hostile_dir link-budget
image budget "[[['d', 'c'], ['d', 'c/d'], ['f', 'f', 'x'],
  ['manylinks', 'usr/lib/python3/dist-packages/p%d.egg-info', 20000, '/c/l0']] +
  [['l', 'c/l%d' % i, 'd/..//' * 680 + 'l%d' % (i + 1)] for i in range(39)] + [['l', 'c/l39', '/f']]]"
hostile_case "20,000 links into 40-link chains of 1,000 components" 0 20 256 -- \
  image sbom -f json "docker-archive:$HOSTILE_DIR/budget.tar"
assert_json '[.notes[] | select(test("links took more than"))] | length == 1' \
  "link budget: said once in the notes"
