#!/usr/bin/env python3
"""A hostile stand-in for an OCI distribution registry, for
tests/e2e/test_hostile_registry.sh.

This is a stand-in, not a registry: a real registry (Debian's
docker-registry, which tests/e2e/test_image_registry.sh uses) does not lie
on demand. This one speaks the distribution API's read side over TLS --
GET/HEAD /v2/, /v2/REPO/manifests/REF, /v2/REPO/blobs/DIGEST, the bearer
token challenge -- and misbehaves in one way per repository:

  hostile/good             a valid one-layer image (the control: proves the
                           server works, so the other cases fail for their lie)
  hostile/manifest-lie     by tag: a Docker-Content-Digest that is not the
                           body's; by digest: a body that is not that digest
  hostile/blob-lie         the layer blob's bytes (the same size, the same tar
                           inside) are not its digest
  hostile/blob-size-lie    the layer blob is another layer, of another size
  hostile/diffid-lie       the config's rootfs.diff_ids name another tar
  hostile/huge-manifest    a 100 MiB manifest, Content-Length announced
  hostile/huge-manifest-stream  the same with no Content-Length, streamed
  hostile/huge-config      a config the manifest says is 1 GiB, and is
  hostile/huge-config-lie  a config the manifest says is 600 bytes; 1 GiB comes
  hostile/redirect-loop    the layer blob redirects to itself, on and on
  hostile/drip             the layer blob comes at one byte a second
  hostile/self-index       an index listing a digest whose document is that index
  hostile/deep-index       50 real indexes nested in each other over the good image
  hostile/many-layers      a manifest listing 5,000 layers
  hostile/gzip-bomb        a 1 MiB gzip layer that inflates to 1 GiB (a real
                           tar of one zero-filled file; its diff_id is true)
  hostile/wrong-type       a manifest with no mediaType, sent as text/html
  hostile/schema1          a Docker v2 schema 1 manifest
  hostile/foreign          a foreign layer (urls) the registry does not hold,
                           its URL holding a terminal escape and a bidi override

--auth token-401: /v2/ asks for a bearer token, and the token endpoint answers
every request with 401 and a challenge pointing back at itself.
--auth token-useless: the token endpoint grants tokens, and the registry
refuses every one with a fresh challenge.

Every request is logged as one JSON line to --log (method, path, whether it
carried Authorization), so a test can count how often lockdown asked.
"""
import argparse
import gzip
import hashlib
import http.server
import io
import json
import os
import socketserver
import ssl
import sys
import tarfile
import threading
import time
import zlib

MT_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
MT_CONFIG = "application/vnd.docker.container.image.v1+json"
MT_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
MT_FOREIGN = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
MT_OCI_INDEX = "application/vnd.oci.image.index.v1+json"
MT_OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
GIB = 1 << 30
MIB = 1 << 20


def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def tar_of(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in files:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mtime = 0
            ti.mode = 0o644
            t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


def gz(b):
    return gzip.compress(b, mtime=0)


def config_for(diff_ids):
    return json.dumps({
        "architecture": "amd64",
        "os": "linux",
        "config": {"Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created_by": "hostile stand-in layer %d" % i} for i in range(len(diff_ids))],
    }, sort_keys=True).encode()


def manifest_for(config, layers, config_size=None):
    """layers: [(media_type, digest, size, urls-or-None)]"""
    ls = []
    for mt, d, size, urls in layers:
        e = {"mediaType": mt, "digest": d, "size": size}
        if urls:
            e["urls"] = urls
        ls.append(e)
    return json.dumps({
        "schemaVersion": 2,
        "mediaType": MT_MANIFEST,
        "config": {"mediaType": MT_CONFIG, "digest": sha(config),
                   "size": len(config) if config_size is None else config_size},
        "layers": ls,
    }, sort_keys=True).encode()


class Scenario:
    """What one repository serves: manifests by tag or digest, blobs by digest."""

    def __init__(self):
        self.manifests = {}  # reference -> (content type, body, docker-content-digest)
        self.blobs = {}      # digest -> bytes

    def image(self, layer_tars, tag="1", config_diff_ids=None, mutate_blob=None):
        blobs = [gz(t) for t in layer_tars]
        config = config_for(config_diff_ids or [sha(t) for t in layer_tars])
        self.blobs[sha(config)] = config
        layers = []
        for b in blobs:
            self.blobs[sha(b)] = b
            layers.append((MT_LAYER, sha(b), len(b), None))
        if mutate_blob:
            mutate_blob(self, blobs)
        m = manifest_for(config, layers)
        self.add_manifest(tag, MT_MANIFEST, m)
        return m

    def add_manifest(self, tag, ct, body, header_digest=None):
        d = sha(body)
        entry = (ct, body, header_digest or d)
        if tag:
            self.manifests[tag] = entry
        self.manifests[d] = entry
        return d


GOOD_TAR = tar_of([
    ("etc/os-release", b'ID=standin\nVERSION_ID=1\nPRETTY_NAME="hostile stand-in"\n'),
    ("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n"),
    ("etc/hostname", b"standin\n"),
])
OTHER_TAR = tar_of([("etc/hostname", b"not the layer the manifest names\n")])


class Bomb:
    """A tar holding one zero-filled file of 1 GiB, gzip'd (about 1 MiB),
    made once in the background at start: its digest and diff_id are true."""

    def __init__(self):
        self.ready = threading.Event()
        self.blob = self.digest = self.diff_id = None
        threading.Thread(target=self.make, daemon=True).start()

    def make(self):
        ti = tarfile.TarInfo("zeros")
        ti.size = GIB
        ti.mtime = 0
        header = ti.tobuf(format=tarfile.USTAR_FORMAT)
        comp = zlib.compressobj(9, zlib.DEFLATED, 31)
        tar_hash = hashlib.sha256()
        out = [comp.compress(header)]
        tar_hash.update(header)
        chunk = bytes(MIB)
        for _ in range(GIB // MIB):
            out.append(comp.compress(chunk))
            tar_hash.update(chunk)
        tail = bytes(1024)  # the end-of-archive blocks
        out.append(comp.compress(tail))
        tar_hash.update(tail)
        out.append(comp.flush())
        self.blob = b"".join(out)
        self.digest = sha(self.blob)
        self.diff_id = "sha256:" + tar_hash.hexdigest()
        self.ready.set()


def build_scenarios(bomb):
    s = {}

    good = s["good"] = Scenario()
    good_manifest = good.image([GOOD_TAR])

    lie = s["manifest-lie"] = Scenario()
    lie_body = lie.image([GOOD_TAR])
    lie.manifests["1"] = (MT_MANIFEST, lie_body, sha(b"another manifest"))
    lie.lie_by_digest = lie_body  # any digest asked for gets this body

    def same_size_other_bytes(sc, blobs):
        # another gzip member header time: the same size and tar, another digest
        b = bytearray(blobs[0])
        b[4:8] = b"\x01\x02\x03\x04"
        sc.blobs[sha(blobs[0])] = bytes(b)
    s["blob-lie"] = Scenario()
    s["blob-lie"].image([GOOD_TAR], mutate_blob=same_size_other_bytes)

    def other_size(sc, blobs):
        sc.blobs[sha(blobs[0])] = gz(OTHER_TAR)
    s["blob-size-lie"] = Scenario()
    s["blob-size-lie"].image([GOOD_TAR], mutate_blob=other_size)

    s["diffid-lie"] = Scenario()
    s["diffid-lie"].image([GOOD_TAR], config_diff_ids=[sha(OTHER_TAR)])

    for name in ("huge-manifest", "huge-manifest-stream"):
        s[name] = Scenario()
        s[name].huge_manifest = 100 * MIB

    for name, said in (("huge-config", GIB), ("huge-config-lie", 600)):
        sc = s[name] = Scenario()
        layer = gz(GOOD_TAR)
        sc.blobs[sha(layer)] = layer
        fake_config = b"{" + b" " * 598 + b"}"  # its digest names the config
        m = manifest_for(fake_config, [(MT_LAYER, sha(layer), len(layer), None)],
                         config_size=said)
        sc.add_manifest("1", MT_MANIFEST, m)
        sc.huge_blob = (sha(fake_config), GIB)

    s["redirect-loop"] = Scenario()
    s["redirect-loop"].image([GOOD_TAR])
    s["redirect-loop"].redirect_layer = True

    s["drip"] = Scenario()
    s["drip"].image([GOOD_TAR])
    s["drip"].drip_layer = True

    sc = s["self-index"] = Scenario()
    ix = json.dumps({"schemaVersion": 2, "mediaType": MT_OCI_INDEX, "manifests": [
        {"mediaType": MT_OCI_INDEX, "digest": sha(b"itself"), "size": 300,
         "platform": {"os": "linux", "architecture": "amd64"}}]}).encode()
    sc.add_manifest("1", MT_OCI_INDEX, ix)
    sc.manifests[sha(b"itself")] = (MT_OCI_INDEX, ix, sha(b"itself"))

    sc = s["deep-index"] = Scenario()
    sc.blobs.update(good.blobs)
    child, child_mt = sc.add_manifest(None, MT_MANIFEST, good_manifest), MT_MANIFEST
    for depth in range(50):
        ix = json.dumps({"schemaVersion": 2, "mediaType": MT_OCI_INDEX, "manifests": [
            {"mediaType": child_mt, "digest": child, "size": 100,
             "platform": {"os": "linux", "architecture": "amd64"}}]}).encode()
        child, child_mt = sc.add_manifest("1" if depth == 49 else None, MT_OCI_INDEX, ix), MT_OCI_INDEX

    sc = s["many-layers"] = Scenario()
    config = config_for(["sha256:%064x" % i for i in range(5000)])
    sc.blobs[sha(config)] = config
    m = manifest_for(config, [(MT_LAYER, "sha256:%064x" % (i + 1), 100, None) for i in range(5000)])
    sc.add_manifest("1", MT_MANIFEST, m)

    sc = s["gzip-bomb"] = Scenario()
    sc.bomb = bomb

    sc = s["wrong-type"] = Scenario()
    m = json.loads(good_manifest)
    del m["mediaType"]
    sc.blobs.update(good.blobs)
    sc.add_manifest("1", "text/html; charset=utf-8", json.dumps(m).encode())

    sc = s["schema1"] = Scenario()
    sc.add_manifest("1", "application/vnd.docker.distribution.manifest.v1+prettyjws", json.dumps({
        "schemaVersion": 1, "name": "hostile/schema1", "tag": "1", "architecture": "amd64",
        "fsLayers": [{"blobSum": sha(gz(GOOD_TAR))}],
        "history": [{"v1Compatibility": "{}"}]}).encode())

    sc = s["foreign"] = Scenario()
    layer = gz(GOOD_TAR)
    config = config_for([sha(GOOD_TAR)])
    sc.blobs[sha(config)] = config
    m = manifest_for(config, [(MT_FOREIGN, sha(layer), len(layer),
                               ["https://foreign.invalid/layers/\x1b[31mbase\u202e.tar.gz"])])
    sc.add_manifest("1", MT_MANIFEST, m)
    return s


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request a connection; a body may end at close
    server_version = "hostile-registry/1"

    def log_message(self, fmt, *args):
        pass

    def log_request_line(self):
        st = self.server.state
        if st.log:
            with st.lock:
                st.log.write(json.dumps({"method": self.command, "path": self.path,
                                         "auth": bool(self.headers.get("Authorization"))}) + "\n")
                st.log.flush()

    def send(self, code, body=b"", ct="application/json", headers=None, length=True):
        self.send_response(code)
        self.send_header("Content-Type", ct)
        self.send_header("Docker-Distribution-API-Version", "registry/2.0")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def error(self, code, message):
        body = json.dumps({"errors": [{"code": "UNKNOWN", "message": message}]}).encode()
        self.send(code, body)

    def challenge(self):
        realm = "https://127.0.0.1:%d/token" % self.server.server_address[1]
        self.send(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}',
                  headers={"WWW-Authenticate": 'Bearer realm="%s",service="standin",scope="%s"'
                           % (realm, "repository:hostile/x:pull")})

    def stream(self, total, ct="application/octet-stream", length=True, byte=b" "):
        self.send_response(200)
        self.send_header("Content-Type", ct)
        if length:
            self.send_header("Content-Length", str(total))
        self.end_headers()
        if self.command == "HEAD":
            return
        chunk = byte * MIB
        sent = 0
        while sent < total:
            n = min(MIB, total - sent)
            self.wfile.write(chunk[:n])
            sent += n

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        self.log_request_line()
        try:
            self.route()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            pass

    def route(self):
        st = self.server.state
        path = self.path.split("?", 1)[0]
        if path == "/token":
            if st.auth == "token-401":
                return self.challenge()
            return self.send(200, json.dumps({"token": "useless-%d" % time.time_ns(),
                                              "expires_in": 300}).encode())
        if st.auth:
            return self.challenge()
        if path in ("/v2/", "/v2"):
            return self.send(200, b"{}")
        if not path.startswith("/v2/hostile/"):
            return self.error(404, "no such repository")
        rest = path[len("/v2/hostile/"):]
        for kind in ("/manifests/", "/blobs/"):
            if kind in rest:
                name, ref = rest.split(kind, 1)
                sc = st.scenarios.get(name)
                if not sc:
                    return self.error(404, "no such repository")
                if kind == "/manifests/":
                    return self.manifest(name, sc, ref)
                return self.blob(name, sc, ref)
        return self.error(404, "not found")

    def manifest(self, name, sc, ref):
        if getattr(sc, "huge_manifest", None):
            stream = name.endswith("-stream")
            self.send_response(200)
            self.send_header("Content-Type", MT_MANIFEST)
            if not stream:
                self.send_header("Content-Length", str(sc.huge_manifest))
            self.end_headers()
            if self.command == "HEAD":
                return
            head = b'{"schemaVersion":2,"mediaType":"%s","layers":[' % MT_MANIFEST.encode()
            self.wfile.write(head)
            left = sc.huge_manifest - len(head)
            piece = b"{}," * (MIB // 3)
            while left > 0:
                n = min(len(piece), left)
                self.wfile.write(piece[:n])
                left -= n
            return
        if getattr(sc, "bomb", None):
            if not sc.bomb.ready.wait(120):
                return self.error(503, "bomb not ready")
            b = sc.bomb
            config = config_for([b.diff_id])
            sc.blobs[sha(config)] = config
            sc.blobs[b.digest] = b.blob
            sc.image_manifest = manifest_for(config, [(MT_LAYER, b.digest, len(b.blob), None)])
            sc.add_manifest("1", MT_MANIFEST, sc.image_manifest)
        if ref.startswith("sha256:") and getattr(sc, "lie_by_digest", None):
            body = sc.lie_by_digest
            return self.send(200, body, ct=MT_MANIFEST, headers={"Docker-Content-Digest": ref})
        entry = sc.manifests.get(ref)
        if not entry:
            return self.error(404, "manifest unknown")
        ct, body, digest = entry
        self.send(200, body, ct=ct, headers={"Docker-Content-Digest": digest})

    def blob(self, name, sc, digest):
        if getattr(sc, "huge_blob", None) and digest == sc.huge_blob[0]:
            return self.stream(sc.huge_blob[1], length=name == "huge-config")
        data = sc.blobs.get(digest)
        if data is None:
            return self.error(404, "blob unknown")
        is_layer = data[:2] == b"\x1f\x8b"
        if is_layer and getattr(sc, "redirect_layer", False):
            hop = 0
            if "hop=" in self.path:
                hop = int(self.path.rsplit("hop=", 1)[1] or 0)
            loc = "https://127.0.0.1:%d/v2/hostile/%s/blobs/%s?hop=%d" % (
                self.server.server_address[1], name, digest, hop + 1)
            return self.send(307, b"", headers={"Location": loc})
        if is_layer and getattr(sc, "drip_layer", False):
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command == "HEAD":
                return
            for i in range(len(data)):
                self.wfile.write(data[i:i + 1])
                self.wfile.flush()
                time.sleep(1)
            return
        self.send(200, data, ct="application/octet-stream",
                  headers={"Docker-Content-Digest": digest})


class State:
    def __init__(self, args):
        self.auth = args.auth
        self.lock = threading.Lock()
        self.log = open(args.log, "a") if args.log else None
        self.scenarios = build_scenarios(Bomb() if not args.auth else None)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--log")
    p.add_argument("--auth", choices=["token-401", "token-useless"])
    args = p.parse_args()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    srv = Server(("127.0.0.1", 0), Handler)
    srv.state = State(args)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True, do_handshake_on_connect=False)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, args.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
