#!/usr/bin/env bash
# test_hostile_image_sources.sh — issue 11, "Images, file systems, package
# databases", the image sources: what a user names as an image (an archive
# path, an OCI layout's files, an engine's export) never blocks, never reads
# without bound, and a limit it hits is named as a limit.
#
# Every input is built here (gen.py below: docker save and OCI layouts, zstd
# layers written by hand so that one expanding to GiBs is a few hundred KiB;
# FIFOs, devices and links; a stand-in for a stalled Docker engine on a unix
# socket); nothing binary is committed.
#
# Bounds (hostile.sh multiplies both under ASan): refusals of non-regular
# files 5 s / 64 MiB (the old code blocked in open() forever); documents
# over their limit 10 s / 64 MiB; a 1 GiB layer listed 100 times, 20 s /
# 128 MiB (the old code read it 100 times, about a minute on 2 cores);
# the per-image total 20 s / 128 MiB; 190,000 members in one archive 15 s /
# 128 MiB (the old code's pairwise lookups: about 50 s); a dripping engine
# 35 s with the default limits (the old code: 1 byte/s for 300 s was
# "fast enough"), 10 s with --engine-timeout 3.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$LD_REPO/tests/e2e/hostile.sh"
require_cmd python3 jq gzip

W=$HOSTILE_WATCH
GEN=$LD_TMP/gen.py
cat >"$GEN" <<'PY'
"""gen.py MODE OUT [ARGS...]: hostile image sources. Layers holding a large
file of zeros are zstd frames written by hand: one raw block per small
piece, one RLE block (4 bytes) per 128 KiB of zeros."""
import hashlib, io, json, os, sys, tarfile

BLOCK = 128 * 1024
MIB = 1 << 20


def tar_member(name, data):
    ti = tarfile.TarInfo(name)
    ti.size, ti.mode, ti.mtime = len(data), 0o644, 0
    return ti.tobuf(format=tarfile.USTAR_FORMAT) + data + bytes(-len(data) % 512)


def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


class Zstd:
    """A zstd frame (no checksum, 128 KiB window) built from raw pieces and
    runs of zeros; .frame is the compressed bytes, .digest the sha256 of
    what it expands to."""

    def __init__(self):
        self.out = bytearray(b"\x28\xb5\x2f\xfd\x00\x38")
        self.md = hashlib.sha256()
        self.size = 0

    @staticmethod
    def block(last, kind, size):
        return (int(last) | kind << 1 | size << 3).to_bytes(3, "little")

    def raw(self, data):
        for i in range(0, len(data), BLOCK):
            part = data[i:i + BLOCK]
            self.out += self.block(False, 0, len(part)) + part
        self.md.update(data)
        self.size += len(data)

    def zeros(self, n):
        chunk = bytes(MIB)
        left = n
        while left:
            k = min(left, MIB)
            self.md.update(chunk[:k])
            left -= k
        full, rest = divmod(n, BLOCK)
        self.out += (self.block(False, 1, BLOCK) + b"\x00") * full
        if rest:
            self.out += self.block(False, 1, rest) + b"\x00"
        self.size += n

    def finish(self):
        self.out += self.block(True, 0, 0)
        self.frame = bytes(self.out)
        self.digest = "sha256:" + self.md.hexdigest()
        return self


class Layer:
    def __init__(self, blob, diff_id):
        self.blob, self.diff_id, self.digest = blob, diff_id, sha(blob)


def zero_layer(name, size, files=None, trailing=0):
    """A zstd layer: small files, then NAME holding SIZE zero bytes, the
    end-of-archive blocks, then TRAILING more zeros."""
    z = Zstd()
    for fname, data in (files or {}).items():
        z.raw(tar_member(fname, data))
    ti = tarfile.TarInfo(name)
    ti.size, ti.mode, ti.mtime = size, 0o644, 0
    z.raw(ti.tobuf(format=tarfile.USTAR_FORMAT))
    z.zeros(size + (-size % 512) + 1024 + trailing)
    z.finish()
    return Layer(z.frame, z.digest)


def small_layer(files):
    blob = b"".join(tar_member(n, d) for n, d in files.items()) + bytes(1024)
    return Layer(blob, sha(blob))


def config_doc(diff_ids, pad=0, objects=0):
    cfg = {"architecture": "amd64", "os": "linux", "config": {"Env": ["PATH=/usr/bin"]},
           "rootfs": {"type": "layers", "diff_ids": diff_ids},
           "history": [{"created_by": "step %d" % i} for i in range(len(diff_ids))]}
    if pad:
        cfg["padding"] = "x" * pad
    doc = json.dumps(cfg).encode()
    if objects:  # an array of empty objects, under the byte limit
        doc = doc[:-1] + b', "empty": [' + b",".join([b"{}"] * objects) + b"]}"
    return doc


def write_oci(out, layers, order, cfg=None, index_pad=0, manifest_pad=0):
    os.makedirs(out + "/blobs/sha256", exist_ok=True)

    def put(b):
        d = sha(b)
        with open(out + "/blobs/sha256/" + d[7:], "wb") as f:
            f.write(b)
        return d

    for layer in layers:
        put(layer.blob)
    if cfg is None:
        cfg = config_doc([layers[i].diff_id for i in order])
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                           "digest": put(cfg), "size": len(cfg)},
                "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+zstd",
                            "digest": layers[i].digest, "size": len(layers[i].blob)}
                           for i in order]}
    if manifest_pad:
        manifest["annotations"] = {"pad": "x" * manifest_pad}
    mb = json.dumps(manifest).encode()
    index = {"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": put(mb),
         "size": len(mb), "platform": {"os": "linux", "architecture": "amd64"}}]}
    if index_pad:
        index["annotations"] = {"pad": "x" * index_pad}
    with open(out + "/index.json", "wb") as f:
        f.write(json.dumps(index).encode())
    with open(out + "/oci-layout", "w") as f:
        f.write('{"imageLayoutVersion": "1.0.0"}')


class PlainFile:
    def __init__(self, f):
        self.f = f

    def raw(self, data):
        self.f.write(data)

    def zeros(self, n):
        self.f.truncate(self.f.tell() + n)  # a hole: no disk written
        self.f.seek(0, 2)


def write_docker(out, layers, order, cfg=None, manifest_pad=0, extra=None, junk=0):
    """A legacy `docker save` tar (<n>/layer.tar, <hex>.json, manifest.json
    last, as the engine writes it); OUT ending in .zst is compressed as a
    whole. extra: small members first; junk: a member of that many bytes
    ("JUNK", then zeros) that is neither a layer nor a document."""
    if cfg is None:
        cfg = config_doc([layers[i].diff_id for i in order])
    cfg_name = sha(cfg)[7:] + ".json"
    manifest = [{"Config": cfg_name, "RepoTags": ["hostile:1"],
                 "Layers": ["%d/layer.tar" % i for i in order]}]
    if manifest_pad:
        manifest[0]["Pad"] = "x" * manifest_pad
    with open(out, "wb") as f:
        w = Zstd() if out.endswith(".zst") else PlainFile(f)
        for name, data in (extra or {}).items():
            w.raw(tar_member(name, data))
        if junk:
            ti = tarfile.TarInfo("junk.bin")
            ti.size, ti.mtime = junk, 0
            w.raw(ti.tobuf(format=tarfile.USTAR_FORMAT) + b"JUNK")
            w.zeros(junk - 4 + (-junk % 512))
        for i, layer in enumerate(layers):
            w.raw(tar_member("%d/layer.tar" % i, layer.blob))
        w.raw(tar_member(cfg_name, cfg))
        w.raw(tar_member("manifest.json", json.dumps(manifest).encode()))
        w.raw(bytes(1024))
        if isinstance(w, Zstd):
            f.write(w.finish().frame)


def tar_dir(src, out):
    with tarfile.open(out, "w", format=tarfile.USTAR_FORMAT) as t:
        for name in sorted(os.listdir(src)):
            t.add(os.path.join(src, name), arcname=name)


DPKG = (b"Package: hello\nStatus: install ok installed\nVersion: 2.10-3\n"
        b"Architecture: amd64\nMaintainer: x <x@example.org>\nDescription: hi\n\n")


def main():
    mode, out = sys.argv[1], sys.argv[2]
    n = [int(a) for a in sys.argv[3:] if a.isdigit()]
    tiny = small_layer({"etc/hostname": b"x\n"})
    if mode in ("repeat-oci", "repeat-docker"):  # SIZE_MIB COUNT: one layer, COUNT positions
        layer = zero_layer("zero", n[0] * MIB, files={"var/lib/dpkg/status": DPKG})
        (write_oci if mode == "repeat-oci" else write_docker)(out, [layer], [0] * n[1])
    elif mode in ("distinct-oci", "distinct-docker"):  # SIZE_MIB COUNT different layers
        layers = [zero_layer("zero%d" % i, n[0] * MIB) for i in range(n[1])]
        (write_oci if mode == "distinct-oci" else write_docker)(out, layers, list(range(n[1])))
    elif mode == "trailing-oci":  # SIZE_MIB of zeros after the layer's end-of-archive blocks
        write_oci(out, [zero_layer("empty", 0, trailing=n[0] * MIB)], [0])
    elif mode == "junk-docker":  # a SIZE_MIB member that is neither layer nor document
        write_docker(out, [tiny], [0], junk=n[0] * MIB)
    elif mode == "small-oci":
        write_oci(out, [tiny], [0])
    elif mode == "big-config-docker":  # config of more than PAD_MIB
        write_docker(out, [tiny], [0], cfg=config_doc([tiny.diff_id], n[0] * MIB))
    elif mode == "objects-config-docker":  # config of COUNT empty objects
        write_docker(out, [tiny], [0], cfg=config_doc([tiny.diff_id], objects=n[0]))
    elif mode == "big-manifest-docker":
        write_docker(out, [tiny], [0], manifest_pad=n[0] * MIB)
    elif mode == "big-config-oci":
        write_oci(out, [tiny], [0], cfg=config_doc([tiny.diff_id], n[0] * MIB))
    elif mode == "big-index-oci":
        write_oci(out, [tiny], [0], index_pad=n[0] * MIB)
    elif mode == "big-manifest-oci":
        write_oci(out, [tiny], [0], manifest_pad=n[0] * MIB)
    elif mode == "many-docs-docker":  # COUNT tiny JSON members before the image
        write_docker(out, [tiny], [0], extra={"junk/%d.json" % i: b"{}" for i in range(n[0])})
    elif mode == "twice-docker":  # manifest.json twice
        write_docker(out, [tiny], [0], extra={"manifest.json": b"[]"})
    elif mode == "tar":  # OUT SRC: an OCI layout directory into an oci-archive
        tar_dir(sys.argv[3], out)
    else:
        sys.exit("gen.py: unknown mode " + mode)


main()
PY
gen() { python3 "$GEN" "$@" || { fail_plain "gen.py $*: building the input failed"; exit 1; }; }

# the digest of the only layer of an OCI layout made by gen.py small-oci
oci_layer() {
  local m
  m=$(jq -r '.manifests[0].digest' "$1/index.json" | cut -d: -f2)
  jq -r '.layers[0].digest' "$1/blobs/sha256/$m" | cut -d: -f2
}
says() { # says TEXT DESC — the last case's stderr holds TEXT
  if grep -qF -- "$1" "$LD_STDERR_FILE"; then pass "$2"; else fail "$2 (expected \"$1\" on stderr)"; fi
}

# ---- 1. nothing blocks: FIFOs, devices and links as image sources --------------------
hostile_dir fifo-docker
mkfifo "$HOSTILE_DIR/img.tar"
hostile_case "image sbom docker-archive:FIFO" 3 5 64 -- image sbom "docker-archive:$HOSTILE_DIR/img.tar"
says "img.tar: image archive is not a regular file (it is a FIFO)" "the FIFO is named for what it is"
hostile_dir fifo-oci-archive
mkfifo "$HOSTILE_DIR/img.tar"
hostile_case "image sbom oci-archive:FIFO" 3 5 64 -- image sbom "oci-archive:$HOSTILE_DIR/img.tar"
says "image archive is not a regular file (it is a FIFO)" "the FIFO is named for what it is"
hostile_dir fifo-bare
mkfifo "$HOSTILE_DIR/img.tar"
hostile_case "image sbom FIFO (a bare path)" 3 5 64 -- image sbom "$HOSTILE_DIR/img.tar"
says "image archive is not a regular file (it is a FIFO)" "the bare FIFO is named for what it is"
hostile_dir fifo-scan
mkfifo "$HOSTILE_DIR/img.tar"
hostile_case "image scan docker-archive:FIFO" 3 5 64 -- image scan --checks config,secrets \
  "docker-archive:$HOSTILE_DIR/img.tar"
says "(it is a FIFO)" "image scan says what the file is"
hostile_dir device
DEV=/dev/zero # reads forever
if [[ $(id -u) == 0 ]] && mknod -m 444 "$HOSTILE_DIR/zero" c 1 5 2>/dev/null; then DEV=$HOSTILE_DIR/zero; fi
hostile_case "image sbom docker-archive:a character device" 3 5 64 -- image sbom "docker-archive:$DEV"
says "image archive is not a regular file (it is a character device)" "the device is named for what it is"
hostile_dir fifo-oci-dir
mkfifo "$HOSTILE_DIR/layout"
hostile_case "image sbom oci:FIFO" 3 5 64 -- image sbom "oci:$HOSTILE_DIR/layout"
says "OCI layout is not a directory (it is a FIFO)" "the FIFO is named for what it is"

# OCI layout directories whose files are not regular files of the layout
SMALL=$LD_TMP/small-oci
gen small-oci "$SMALL"
LAYER=$(oci_layer "$SMALL")
layout_case() { # layout_case NAME DESC EXPECTED-TEXT -- 'SHELL-CMD' (eval'd in the copied layout)
  local name=$1 desc=$2 text=$3
  shift 4
  hostile_dir "$name"
  cp -a "$SMALL" "$HOSTILE_DIR/oci"
  (cd "$HOSTILE_DIR/oci" && eval "$*")
  hostile_case "$desc" 3 5 64 -- image sbom "oci:$HOSTILE_DIR/oci"
  says "$text" "$desc: says what the file is"
}
layout_case blob-fifo "an OCI layout whose layer blob is a FIFO" \
  "layer blob is not a regular file (it is a FIFO)" -- \
  'rm "blobs/sha256/$LAYER" && mkfifo "blobs/sha256/$LAYER"'
cp "$SMALL/blobs/sha256/$LAYER" "$W/a-layer-outside"
layout_case blob-link "an OCI layout whose layer blob links out of the layout" \
  "layer blob is not a regular file (it is a symbolic link)" -- \
  'rm "blobs/sha256/$LAYER" && ln -s "$W/a-layer-outside" "blobs/sha256/$LAYER"'
layout_case blobs-link "an OCI layout whose blobs/ links out of the layout" \
  "blobs: not a directory (it is a symbolic link)" -- \
  'mv blobs "$HOSTILE_DIR/elsewhere" && ln -s "$HOSTILE_DIR/elsewhere" blobs'
layout_case index-fifo "an OCI layout whose index.json is a FIFO" \
  "index.json: OCI index is not a regular file (it is a FIFO)" -- \
  'rm index.json && mkfifo index.json'
layout_case marker-fifo "an OCI layout whose oci-layout is a FIFO" \
  "oci-layout: layout marker is not a regular file (it is a FIFO)" -- \
  'rm oci-layout && mkfifo oci-layout'

# ---- 2. bounded work: a layer listed again is read once; one total per image ----------
hostile_dir repeat-oci
gen repeat-oci "$HOSTILE_DIR/oci" 1024 100
hostile_case "an OCI layout listing one 1 GiB zstd layer 100 times" 0 20 128 -- \
  image sbom --format json "oci:$HOSTILE_DIR/oci"
cp "$LD_STDOUT_FILE" "$LD_TMP/repeat-oci.json"
assert_json '(.layers | length) == 100' "all 100 positions are layers of the image"
hostile_dir repeat-docker
D=$HOSTILE_DIR
gen repeat-docker "$D/img.tar" 1024 100
hostile_case "a docker save listing one 1 GiB zstd layer 100 times" 0 20 128 -- \
  image sbom --format json "docker-archive:$D/img.tar"
cp "$LD_STDOUT_FILE" "$LD_TMP/repeat-docker.json"
gzip -1 "$D/img.tar" # one pass, every analyzer call held back and replayed
hostile_case "the same, compressed as a whole (one streaming pass)" 0 20 128 -- \
  image sbom --format json "docker-archive:$D/img.tar.gz"
cp "$LD_STDOUT_FILE" "$LD_TMP/repeat-stream.json"
# the layer a package is attributed to does not depend on how the blob was read
pkg_layer() { jq -c '[.packages[] | {name, version, layer: .layer.index}]' "$1"; }
want=$(pkg_layer "$LD_TMP/repeat-stream.json")
[[ $want == *'"hello"'* ]] && pass "the repeated layer's package is found" ||
  fail_plain "the repeated layer's package is found" "$want"
assert_eq "$want" "$(pkg_layer "$LD_TMP/repeat-oci.json")" "oci: read once attributes as the stream replays"
assert_eq "$want" "$(pkg_layer "$LD_TMP/repeat-docker.json")" "docker-archive: read once attributes alike"

hostile_dir distinct-oci
gen distinct-oci "$HOSTILE_DIR/oci" 1024 3
hostile_case "three different 1 GiB layers, --max-image-bytes 2G" 3 20 128 -- \
  image sbom --max-image-bytes 2G "oci:$HOSTILE_DIR/oci"
says "more than 2 GiB read for this image in all" "the error names the per-image limit"
hostile_dir distinct-stream
gen distinct-docker "$HOSTILE_DIR/img.tar" 1024 3
gzip -1 "$HOSTILE_DIR/img.tar"
hostile_case "the same in a compressed docker save (parallel-free stream)" 3 20 128 -- \
  image scan --checks config,secrets --max-image-bytes 2G "docker-archive:$HOSTILE_DIR/img.tar.gz"
says "more than 2 GiB read for this image in all" "the error names the per-image limit"
hostile_dir trailing
gen trailing-oci "$HOSTILE_DIR/oci" 2048
hostile_case "2 GiB of zeros after a layer's end-of-archive blocks, --max-image-bytes 1G" 3 20 128 -- \
  image sbom --max-image-bytes 1G "oci:$HOSTILE_DIR/oci"
says "more than 1 GiB read for this image in all" "padding after the tar counts too"
hostile_dir junk
gen junk-docker "$HOSTILE_DIR/img.tar.zst" 1536
hostile_case "a 1.5 GiB member that is neither layer nor document, --max-image-bytes 1G" 3 20 128 -- \
  image sbom --max-image-bytes 1G "docker-archive:$HOSTILE_DIR/img.tar.zst"
says "more than 1 GiB read for this image in all" "skipped members of a stream count too"
run_ld image sbom --max-image-bytes 3X "oci:$SMALL"
assert_exit 2 "--max-image-bytes with a unit it does not know"
assert_stderr_contains "--max-image-bytes takes a size such as 64G"

# ---- 3. a document over its limit is said to be over it -------------------------------
over_case() { # over_case NAME DESC TARGET DOCUMENT-ERE — the document so named is over its limit
  hostile_case "$2" 3 10 64 -- image sbom "$3"
  if grep -qE -- "$4 is 94[0-9]{5} bytes" "$LD_STDERR_FILE"; then
    pass "$2: names the document and its size"
  else
    fail "$2: names the document and its size (expected /$4 is 94[0-9]{5} bytes/)"
  fi
  says "over the 8 MiB limit for an image's JSON documents" "$2: names the limit"
}
hostile_dir cfg-docker
gen big-config-docker "$HOSTILE_DIR/img.tar" 9
over_case cfg-docker "a docker save whose config is 9 MiB" "docker-archive:$HOSTILE_DIR/img.tar" \
  "config [0-9a-f]{64}\\.json"
hostile_dir cfg-stream
gen big-config-docker "$HOSTILE_DIR/img.tar" 9
gzip -1 "$HOSTILE_DIR/img.tar"
over_case cfg-stream "the same, compressed as a whole" "docker-archive:$HOSTILE_DIR/img.tar.gz" \
  "config [0-9a-f]{64}\\.json"
hostile_dir cfg-objects
gen objects-config-docker "$HOSTILE_DIR/img.tar" 2700000
hostile_case "a 7.7 MiB config of 2.7 million empty objects (jansson: over 400 MB)" 3 10 64 -- \
  image sbom "docker-archive:$HOSTILE_DIR/img.tar"
says "JSON objects and arrays, over the limit of 100000" "the config's value count is capped before it is built"
hostile_dir manifest-docker
gen big-manifest-docker "$HOSTILE_DIR/img.tar" 9
over_case manifest-docker "a docker save whose manifest.json is 9 MiB" \
  "docker-archive:$HOSTILE_DIR/img.tar" "manifest\\.json"
hostile_dir index-archive
gen big-index-oci "$HOSTILE_DIR/oci" 9
gen tar "$HOSTILE_DIR/img.tar" "$HOSTILE_DIR/oci"
over_case index-archive "an oci-archive whose index.json is 9 MiB" "oci-archive:$HOSTILE_DIR/img.tar" \
  "index\\.json"
hostile_dir manifest-archive
gen big-manifest-oci "$HOSTILE_DIR/oci" 9
gen tar "$HOSTILE_DIR/img.tar" "$HOSTILE_DIR/oci"
over_case manifest-archive "an oci-archive whose manifest is 9 MiB" "oci-archive:$HOSTILE_DIR/img.tar" \
  "manifest blobs/sha256/[0-9a-f]{64}"
hostile_dir cfg-oci
gen big-config-oci "$HOSTILE_DIR/oci" 9
over_case cfg-oci "an OCI layout whose config is 9 MiB" "oci:$HOSTILE_DIR/oci" \
  "config blobs/sha256/[0-9a-f]{64}"
hostile_dir index-oci
gen big-index-oci "$HOSTILE_DIR/oci" 9
over_case index-oci "an OCI layout whose index.json is 9 MiB" "oci:$HOSTILE_DIR/oci" \
  "index\\.json"

# ---- 4. a stalled or dripping engine ---------------------------------------------------
# engine.py SOCKET MODE is a stand-in for a stalled Docker engine (no real
# engine can be made to stall): /_ping and /images/NAME/json answer at once
# (API 1.43); the export, GET /images/NAME/get:
#   drip    headers, then a byte a second
#   stall   headers, then nothing
#   mute    nothing at all
#   flood   HTTP 500 with an error body that never ends
cat >"$W/engine.py" <<'PY'
import os, socket, sys, threading, time
path, mode = sys.argv[1], sys.argv[2]
def answer(c, body):
    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nApi-Version: 1.43\r\n"
              b"Content-Length: %d\r\n\r\n" % len(body) + body)
def serve(c):
    try:
        while True:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = c.recv(65536)
                if not chunk:
                    return
                data += chunk
            target = data.split(b" ", 2)[1].decode().split("?")[0]
            if target == "/_ping":
                answer(c, b"OK")
            elif target.endswith("/get"):
                if mode == "mute":
                    time.sleep(3600)
                if mode == "flood":
                    c.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n"
                              b"Connection: close\r\n\r\n")
                    while True:
                        c.sendall(b"error " * 10000)
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\n"
                          b"Connection: close\r\n\r\n")
                while mode == "drip":
                    c.sendall(b"\0")
                    time.sleep(1)
                time.sleep(3600)
            elif target.endswith("/json"):
                answer(c, b'{"Id": "sha256:' + b"1" * 64 + b'"}')
            else:
                answer(c, b"{}")
    except OSError:
        pass
    finally:
        c.close()
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path + ".tmp")
os.rename(path + ".tmp", path)
s.listen(16)
while True:
    conn, _ = s.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
PY
start_engine() { # start_engine MODE -> $SOCK
  SOCK=$W/engine-$1.sock
  python3 "$W/engine.py" "$SOCK" "$1" >"$LD_TMP/engine-$1.out" 2>&1 &
  ld_on_exit "kill $! 2>/dev/null"
  for _ in $(seq 1 100); do [[ -S $SOCK ]] && break; sleep 0.1; done
  [[ -S $SOCK ]] || { fail_plain "the fake engine ($1) did not start" "$(cat "$LD_TMP/engine-$1.out")"; exit 1; }
}
start_engine drip
export DOCKER_HOST=unix://$SOCK
hostile_dir drip
hostile_case "docker: export dripping a byte a second, default limits" 3 35 64 -- image sbom docker:hostile:1
says "less than 1024 bytes/s for 20 s" "the default low-speed limit ends it"
hostile_dir drip-3
hostile_case "the same with --engine-timeout 3" 3 10 64 -- image scan --checks config \
  --engine-timeout 3 docker:hostile:1
says "less than 1024 bytes/s for 3 s" "--engine-timeout shortens the low-speed window"
start_engine stall
export DOCKER_HOST=unix://$SOCK
hostile_dir stall
hostile_case "docker: export that sends headers, then nothing, --engine-timeout 3" 3 10 64 -- \
  image sbom --engine-timeout 3 docker:hostile:1
says "sent no image data within 3 s" "the error says the export never began"
start_engine mute
export DOCKER_HOST=unix://$SOCK
hostile_dir mute
hostile_case "docker: export that never answers, --engine-timeout 3" 3 10 64 -- \
  image sbom --engine-timeout 3 docker:hostile:1
says "sent no image data within 3 s" "the error says the export never began"
start_engine flood
export DOCKER_HOST=unix://$SOCK
hostile_dir flood
hostile_case "docker: export answering HTTP 500 with an endless body" 3 10 64 -- \
  image sbom docker:hostile:1
says "engine answered HTTP 500 to the image export" "the error names the status"
unset DOCKER_HOST

# ---- 5. archives of many members -------------------------------------------------------
hostile_dir many
gen many-docs-docker "$HOSTILE_DIR/img.tar" 190000
gzip -1 "$HOSTILE_DIR/img.tar"
hostile_case "a docker save of 190,000 small JSON members" 0 15 128 -- \
  image sbom "docker-archive:$HOSTILE_DIR/img.tar.gz"
hostile_dir twice
gen twice-docker "$HOSTILE_DIR/img.tar"
hostile_case "a docker save holding manifest.json twice" 3 5 64 -- \
  image sbom "docker-archive:$HOSTILE_DIR/img.tar"
says "manifest.json appears twice in the archive" "which copy would count is ambiguous: refused"
