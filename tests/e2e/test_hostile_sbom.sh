#!/usr/bin/env bash
# test_hostile_sbom.sh — issue 11, "images, file systems, package
# databases": package databases that hang, explode in memory or are
# skipped, each built here (python3: sqlite3, zipfile, zlib, tarfile;
# nothing binary is committed), and the rule that a package database that
# could not be read makes the vulnerability check "not assessed", never a
# pass, with a note in every SBOM format.
#
# Cases and bounds (hostile.sh multiplies them under ASan):
#   - an rpmdb.sqlite whose Packages table was rewritten with a generated
#     column calling replace(hex(zeroblob(...))) (0.5 s a row, 100,000 rows:
#     the old code ran for hours): refused by the schema check, 10 s, 128 MiB;
#   - 150 copies of a jar holding a 127 MiB deflated member, in three layers
#     of a docker-archive (the old code inflated 19 GiB): the image's 1 GiB
#     decompression budget stops it, 60 s, 512 MiB (one 128 MiB member
#     buffer per layer thread);
#   - 16 MiB package-lock.json, composer installed.json and a Rust binary
#     whose .dep-v0 inflates to 16 MiB, all of empty objects (the old code
#     built a 1.27 GB tree): refused by the JSON value count, 10 s, 160 MiB;
#   - a dpkg status of 65 MiB and a METADATA of 9 MiB (the old code: no
#     note, 0 packages, a pass): noted with size and cap, 10 s, 128 MiB;
#     the vulnerability check is "not assessed", naming the file;
#   - a dangling /var/lib/dpkg/status link (the image reader's gap): the
#     same;
#   - 3 x 10 MiB of distinct ghp_ tokens in a docker-archive: 30 s, 256 MiB.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$LD_REPO/tests/e2e/hostile.sh"
require_cmd python3 jq stat
python3 -c 'import sqlite3, zipfile, zlib, tarfile' 2>/dev/null ||
  skip "python3 lacks sqlite3, zipfile, zlib or tarfile"

SHARED=$LD_TMP/shared
mkdir -p "$SHARED"
FEEDS=$LD_REPO/tests/fixtures/feeds/match
DB=$SHARED/vuln.db
"$LOCKDOWN" db import -q --db "$DB" "$FEEDS/debian-tracker.json" "$FEEDS/osv-npm" >/dev/null 2>&1 ||
  { fail_plain "building the test database"; exit 1; }
VERDICTS='[.findings[] | select(.check_id == "image.vulnerabilities" and .vulnerability == null)]'

# gen.py KIND OUT: every hostile input is made by this one script
GEN=$SHARED/gen.py
cat >"$GEN" <<'EOF'
import base64, hashlib, io, json, os, sqlite3, struct, sys, tarfile, zipfile, zlib

def rpm_header(name, ver, rel):
    tags = [(1000, name), (1001, ver), (1002, rel)]
    data, idx = b"", b""
    for tag, s in tags:
        idx += struct.pack(">IIII", tag, 6, len(data), 1)
        data += s.encode() + b"\0"
    return struct.pack(">II", len(tags), len(data)) + idx + data

def rpmdb_generated(path):
    """rpm's Packages table, then its schema rewritten: blob becomes a
    generated column that hex-encodes 20 MB of zeros and rewrites them, per
    row (the stored rows stay valid: a virtual column is not stored)."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, h BLOB NOT NULL)")
    db.executemany("INSERT INTO Packages(h) VALUES (?)",
                   [(rpm_header("p%d" % i, "1.0", "1"),) for i in range(100000)])
    db.commit()
    db.execute("PRAGMA writable_schema=ON")
    db.execute("UPDATE sqlite_master SET sql = ? WHERE name = 'Packages'", (
        "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, h BLOB NOT NULL, "
        "blob BLOB AS (CASE WHEN replace(hex(zeroblob(20000000 + length(h))), '0', '1') "
        "IS NOT NULL THEN h END))",))
    db.commit()
    db.close()

def bomb_jar():
    """A jar whose member lib/big.jar is 127 MiB of zeros, deflated."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n\r\n")
        with z.open("lib/big.jar", "w", force_zip64=True) as m:
            chunk = b"\0" * (1 << 20)
            for _ in range(127):
                m.write(chunk)
    return buf.getvalue()

def docker_archive(out, layers):
    """layers: lists of (path, bytes) or (path, ('symlink', target))."""
    blobs, diff_ids = [], []
    with tarfile.open(out, "w") as t:
        def add(name, data):
            ti = tarfile.TarInfo(name)
            ti.size, ti.mtime = len(data), 0
            t.addfile(ti, io.BytesIO(data))
        for i, files in enumerate(layers):
            lb = io.BytesIO()
            with tarfile.open(fileobj=lb, mode="w") as lt:
                dirs = set()
                for path, data in files:
                    parts = path.strip("/").split("/")
                    for k in range(1, len(parts)):
                        d = "/".join(parts[:k])
                        if d not in dirs:
                            dirs.add(d)
                            ti = tarfile.TarInfo(d)
                            ti.type, ti.mode = tarfile.DIRTYPE, 0o755
                            lt.addfile(ti)
                    ti = tarfile.TarInfo(path.strip("/"))
                    if isinstance(data, tuple):
                        ti.type, ti.linkname = tarfile.SYMTYPE, data[1]
                        lt.addfile(ti)
                    else:
                        ti.size, ti.mode = len(data), 0o755
                        lt.addfile(ti, io.BytesIO(data))
            name = "layer%d.tar" % i
            add(name, lb.getvalue())
            blobs.append(name)
            diff_ids.append("sha256:" + hashlib.sha256(lb.getvalue()).hexdigest())
        config = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                             "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
        add("config.json", config)
        add("manifest.json", json.dumps([{"Config": "config.json", "RepoTags": ["hostile:1"],
                                          "Layers": blobs}]).encode())

def empty_objects_json(prefix, suffix, size):
    n = (size - len(prefix) - len(suffix)) // 3
    return prefix + b"{}," * (n - 1) + b"{}" + suffix

def elf_with_section(name, content):
    """A minimal ELF64 file: sections null, .shstrtab, NAME."""
    shstr = b"\0.shstrtab\0" + name.encode() + b"\0"
    off_str = 64
    off_sec = off_str + len(shstr)
    off_sh = (off_sec + len(content) + 7) & ~7
    ehdr = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
    ehdr += struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, 0, 0, off_sh, 0, 64, 0, 0, 64, 3, 1)
    def sh(nm, typ, off, size):
        return struct.pack("<IIQQQQIIQQ", nm, typ, 0, 0, off, size, 0, 0, 1, 0)
    shdrs = sh(0, 0, 0, 0) + sh(1, 3, off_str, len(shstr)) + sh(11, 1, off_sec, len(content))
    body = ehdr + shstr + content
    return body + b"\0" * (off_sh - len(body)) + shdrs

def dpkg_entry(name, version):
    return ("Package: %s\nStatus: install ok installed\nVersion: %s\nArchitecture: amd64\n"
            "Maintainer: x <x@example.org>\nDescription: test\n\n" % (name, version)).encode()

def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)

OS_RELEASE = b'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n'
kind, out = sys.argv[1], sys.argv[2]
if kind == "rpmdb":
    os.makedirs(out + "/var/lib/rpm", exist_ok=True)
    rpmdb_generated(out + "/var/lib/rpm/rpmdb.sqlite")
elif kind == "jars":
    jar = bomb_jar()
    docker_archive(out, [[("/opt/app%d/lib%d.jar" % (layer, i), jar) for i in range(50)]
                         for layer in range(3)])
elif kind == "npm-lock":
    write(out + "/app/package-lock.json",
          empty_objects_json(b'{"lockfileVersion": 3, "packages": {"x": [', b']}}', 16 << 20))
elif kind == "composer":
    write(out + "/app/vendor/composer/installed.json",
          empty_objects_json(b'{"packages": [', b']}', 16 << 20))
elif kind == "cargo":
    text = empty_objects_json(b'{"packages": [', b']}', (16 << 20) - 4096)
    write(out + "/usr/bin/app", elf_with_section(".dep-v0", zlib.compress(text, 9)))
elif kind == "dpkg-big":
    write(out + "/etc/os-release", OS_RELEASE)
    entry = dpkg_entry("bash", "5.2.15-2+b2")
    pad = dpkg_entry("padding-package", "1.0")
    write(out + "/var/lib/dpkg/status", entry + pad * ((65 << 20) // len(pad) + 1))
elif kind == "python-big":
    write(out + "/etc/os-release", OS_RELEASE)
    write(out + "/var/lib/dpkg/status", dpkg_entry("bash", "5.2.15-2+b2"))
    meta = b"Metadata-Version: 2.1\nName: requests\nVersion: 2.28.1\n\n" + b"x" * (9 << 20)
    write(out + "/usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA", meta)
elif kind == "dpkg-link":
    docker_archive(out, [[("/etc/os-release", OS_RELEASE),
                          ("/var/lib/dpkg/status", ("symlink", "/nowhere/status")),
                          ("/usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA",
                           b"Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\n\n")]])
elif kind == "tokens":
    layers = []
    for i in range(3):
        n = (10 << 20) // 41
        raw = base64.b64encode(os.urandom(n * 40)).translate(None, b"+/=")
        lines = [b"ghp_" + raw[k * 36:(k + 1) * 36] for k in range(n)]
        layers.append([("/srv/t%d.txt" % i, b"\n".join(lines) + b"\n")])
    docker_archive(out, layers)
else:
    sys.exit("unknown kind " + kind)
EOF

gen() { # gen KIND OUT
  python3 "$GEN" "$1" "$2" || { fail_plain "generating $1"; return 1; }
}

# ---- an rpmdb.sqlite that computes forever ---------------------------------------
hostile_dir rpmdb
gen rpmdb "$HOSTILE_DIR/root"
hostile_case "rpmdb.sqlite with a generated column (image sbom)" 0 10 128 -- \
  image sbom "dir:$HOSTILE_DIR/root" --format json
assert_json '[.notes[] | select(test("/var/lib/rpm/rpmdb.sqlite: the Packages table is not defined as rpm defines it.*refused, not read"))] | length == 1' \
  "the SBOM notes the refused rpm database"
hostile_dir rpmdb-scan
gen rpmdb "$HOSTILE_DIR/root"
hostile_case "rpmdb.sqlite with a generated column (image scan)" 1 10 128 -- \
  image scan "dir:$HOSTILE_DIR/root" --checks vuln --db "$DB" --format json
assert_json "$VERDICTS | length == 1 and (.[0] | .status == \"error\" and
  (.evidence | startswith(\"not assessed: no package to match, and 1 file could not be read\") and
  contains(\"/var/lib/rpm/rpmdb.sqlite\")))" "vulnerabilities not assessed, naming the database"

# ---- 150 copies of a jar bomb ------------------------------------------------------
hostile_dir jars
gen jars "$HOSTILE_DIR/jars.tar"
hostile_case "150 jars holding a 127 MiB deflated member" 0 60 512 -- \
  image sbom "docker-archive:$HOSTILE_DIR/jars.tar" --format cyclonedx
# 1 GiB holds 8 copies' 127 MiB: at least the other 142 are not read (more when two
# layers' threads each had one half read as the budget ran out), and never all 150
unread=$((150 - 1024 / 127))
assert_json "[.metadata.properties[] | select(.name == \"lockdown:note\" and
  (.value | test(\"decompressed to more than 1073741824 bytes in all\")))] | length as \$n |
  \$n >= $unread and \$n < 150" "at least $unread jars past the image's decompression budget are noted"
assert_json '([.metadata.properties[] | select(.name == "lockdown:not-read")] | length) ==
  ([.metadata.properties[] | select(.name == "lockdown:note")] | length)' "each is listed as not read"

# ---- JSON of empty objects ---------------------------------------------------------
for k in npm-lock composer cargo; do
  hostile_dir "$k"
  gen "$k" "$HOSTILE_DIR/root"
  hostile_case "$k: 16 MiB of empty JSON objects" 0 10 160 -- \
    image sbom "dir:$HOSTILE_DIR/root" --format json
  assert_json '[.notes[] | select(test("[0-9]+ JSON objects and arrays, over the limit of 500000; not loaded"))] | length == 1' \
    "$k: refused before it is built, with a note"
done

# ---- package databases over their cataloger's cap ---------------------------------
hostile_dir dpkg-big
ROOT=$HOSTILE_DIR/root
gen dpkg-big "$ROOT"
size=$(stat -c %s "$ROOT/var/lib/dpkg/status")
hostile_case "a dpkg status of 65 MiB (image sbom)" 0 10 128 -- \
  image sbom "dir:$ROOT"
assert_stderr_contains "/var/lib/dpkg/status: skipped by the dpkg cataloger: $size bytes is over its limit of 67108864" \
  "the note names the file, its size and the cap"
for fmt in json cyclonedx spdx; do
  run_ld image sbom "dir:$ROOT" --format "$fmt"
  assert_stdout_contains "/var/lib/dpkg/status: skipped by the dpkg cataloger: $size bytes" \
    "the note is in the $fmt SBOM"
done
hostile_dir dpkg-big-scan
gen dpkg-big "$HOSTILE_DIR/root"
hostile_case "a dpkg status of 65 MiB (image scan)" 1 10 128 -- \
  image scan "dir:$HOSTILE_DIR/root" --checks vuln --db "$DB" --format json
assert_json "$VERDICTS | length == 1 and (.[0] | .status == \"error\" and
  (.evidence | contains(\"/var/lib/dpkg/status: skipped by the dpkg cataloger\")))" \
  "not assessed, not 'no packages to match'"

hostile_dir python-big
gen python-big "$HOSTILE_DIR/root"
META=/usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA
size=$(stat -c %s "$HOSTILE_DIR/root$META")
hostile_case "a METADATA of 9 MiB beside a readable dpkg status" 1 10 128 -- \
  image scan "dir:$HOSTILE_DIR/root" --checks vuln --db "$DB" --format json
assert_json "$VERDICTS | map(select(.status == \"pass\")) | length == 0" \
  "no pass for the packages that were read"
assert_json "$VERDICTS | map(select(.status == \"error\" and (.evidence |
  contains(\"$META: skipped by the python cataloger: $size bytes is over its limit of 8388608\")))) | length == 1" \
  "not assessed, naming the METADATA, its size and the cap"
assert_json '.gate.incomplete == true' "the run is incomplete"

# ---- a package database the image reader could not deliver -------------------------
hostile_dir dpkg-link
gen dpkg-link "$HOSTILE_DIR/img.tar"
hostile_case "a dangling /var/lib/dpkg/status link" 1 10 128 -- \
  image scan "docker-archive:$HOSTILE_DIR/img.tar" --checks vuln --db "$DB" --format json
assert_json "$VERDICTS | map(select(.status == \"error\" and (.evidence |
  startswith(\"not assessed: 1 package database could not be read\") and contains(\"/var/lib/dpkg/status\")))) | length == 1" \
  "not assessed, naming the link"

# ---- secrets: 3 x 10 MiB of distinct tokens, through the image reader ----------------
hostile_dir tokens
gen tokens "$HOSTILE_DIR/tokens.tar"
hostile_case "3 x 10 MiB of distinct ghp_ tokens in an image" 1 30 256 -- \
  image scan "docker-archive:$HOSTILE_DIR/tokens.tar" --checks secrets --format json
assert_json '[.findings[] | select(.status == "fail" and .secret.masked != null)] | length == 3000' \
  "1,000 hits listed per file"
