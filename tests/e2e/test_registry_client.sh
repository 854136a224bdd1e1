#!/usr/bin/env bash
# End-to-end tests of the OCI distribution client (src/registry/) through
# tests/tools/reg_probe, against real registries: Debian's docker-registry
# (distribution 2.8) started per test by registry_lib.sh — open, TLS with
# htpasswd, and token authentication with the test token server — with a
# test image copied in by skopeo. Checked: anonymous pulls (manifest digest,
# HEAD, streamed blobs on several threads, tags, catalog); basic auth with
# the right and a wrong password (one clean line, the password never
# printed); bearer tokens (scopes asked, identity tokens, wrong credentials,
# a token realm over plain HTTP refused before any credential leaves);
# config.json auths and a credsStore helper run from PATH (and a helper
# name with shell metacharacters refused, nothing executed); TLS with an
# unknown CA refused, --cacert and a certs.d directory accepted; plain HTTP
# refused unless the host is named insecure; an insecure TLS host; tags
# paginated with n=. Misbehaviour a real registry does not produce on
# demand (429 with Retry-After, redirect loops, https->http redirects, a
# redirect to another host) comes from a small stand-in server written
# below, and says so.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/registry_lib.sh"

PROBE=${LOCKDOWN_BUILD_DIR:-$LD_REPO/build}/tests/tools/reg_probe
[[ -x $PROBE ]] || { fail_plain "reg_probe helper not built at $PROBE"; exit 1; }
reg_require
require_engine
command -v jq >/dev/null || skip "jq not installed"

probe() { run_cmd "$PROBE" "$@"; }
probe_pw() { # probe_pw PASSWORD ARGS... — the password on stdin, as --password-stdin would
  local pw=$1
  shift
  printf '%s\n' "$pw" >"$LD_TMP/pw"
  LD_STDIN=$LD_TMP/pw run_cmd "$PROBE" "$@"
  rm -f "$LD_TMP/pw"
}
value() { sed -n "s/^$1=//p" "$LD_STDOUT_FILE" | head -n 1; }
one_line_error() { # the error is exactly one line on stderr
  local n
  n=$(wc -l <"$LD_STDERR_FILE")
  assert_eq 1 "$n" "${1:-error}: one line on stderr"
}

ARCHIVE=$(reg_image_archive lockdown-test/busybox:1) || { fail_plain "cannot export lockdown-test/busybox:1"; exit 1; }

# ---- an open registry, plain HTTP ------------------------------------------------
reg_start OPEN || exit 1
reg_push "$ARCHIVE" "$OPEN/test/busybox:1" || fail_plain "skopeo could not push to $OPEN"
MT_V2=application/vnd.docker.distribution.manifest.v2+json
curl -sf -H "Accept: $MT_V2" "http://$OPEN/v2/test/busybox/manifests/1" >"$LD_TMP/manifest.json"
WANT_DIGEST=sha256:$(sha256sum <"$LD_TMP/manifest.json" | cut -d' ' -f1)
LAYER=$(jq -r '.layers[0].digest' "$LD_TMP/manifest.json")
LAYER_SIZE=$(jq -r '.layers[0].size' "$LD_TMP/manifest.json")
CONFIG=$(jq -r '.config.digest' "$LD_TMP/manifest.json")

probe get-manifest "$OPEN/test/busybox:1"
assert_exit 14 "plain HTTP registry not named insecure"
assert_stderr_contains "--insecure-registry"
one_line_error "plain HTTP refused"

probe --insecure "$OPEN" get-manifest "$OPEN/test/busybox:1"
assert_exit 0 "anonymous manifest from an insecure plain-HTTP host"
assert_eq "$WANT_DIGEST" "$(value digest)" "manifest digest is the sha256 of the bytes the registry serves"
assert_eq "$MT_V2" "$(value media_type)" "media type"
assert_eq plain "$(value transport)" "transport recorded as plain HTTP"
assert_eq anonymous "$(value auth)" "anonymous"

probe --insecure "$OPEN" head "$OPEN/test/busybox@$WANT_DIGEST"
assert_exit 0 "HEAD by digest"
assert_eq "$WANT_DIGEST" "$(value digest)" "HEAD digest"
assert_eq "$(stat -c %s "$LD_TMP/manifest.json")" "$(value size)" "HEAD size"

probe --insecure "$OPEN" --parallel 3 get-blob "$OPEN/test/busybox" "$LAYER" "$LAYER_SIZE"
assert_exit 0 "three streams of one layer at once"
n_ok=$(grep -c "^sha256=$LAYER\$" "$LD_STDOUT_FILE" || true)
assert_eq 3 "$n_ok" "every stream hashes to the layer digest"
n_size=$(grep -c "^bytes=$LAYER_SIZE\$" "$LD_STDOUT_FILE" || true)
assert_eq 3 "$n_size" "every stream delivered the layer's size"

probe --insecure "$OPEN" get-blob "$OPEN/test/busybox" "$LAYER" "$((LAYER_SIZE - 1))"
assert_exit 15 "a blob longer than the size the manifest gives is refused"

probe --insecure "$OPEN" small-blob "$OPEN/test/busybox" "$CONFIG"
assert_exit 0 "config blob, verified"
probe --insecure "$OPEN" --max 100 small-blob "$OPEN/test/busybox" "$CONFIG"
assert_exit 18 "a small blob over its cap: limit"

probe --insecure "$OPEN" get-manifest "$OPEN/test/busybox:nope"
assert_exit 12 "an unknown tag: not found"

# tags: five more tags by PUT of the same manifest
for t in a b c d e; do
  probe --insecure "$OPEN" put-manifest "$OPEN/test/busybox:$t" "$LD_TMP/manifest.json" "$MT_V2"
  [[ $LD_EXIT == 0 ]] || fail "put-manifest :$t"
done
probe --insecure "$OPEN" tags "$OPEN/test/busybox"
assert_exit 0 "tags"
assert_eq "1 a b c d e" "$(sed -n 's/^tag=//p' "$LD_STDOUT_FILE" | sort | tr '\n' ' ' | sed 's/ $//')" "every tag"
probe --insecure "$OPEN" --max 3 tags "$OPEN/test/busybox"
assert_exit 18 "more tags than --max: a limit, not a silent truncation"

# the catalog, paginated with n= (distribution 2.8 pages its catalog; its
# tags list ignores n=, so tags pagination is checked on the stand-in below):
# two more repositories, each with the image's blobs and manifest
curl -sf "http://$OPEN/v2/test/busybox/blobs/$CONFIG" -o "$LD_TMP/config.blob"
curl -sf "http://$OPEN/v2/test/busybox/blobs/$LAYER" -o "$LD_TMP/layer.blob"
for r in r1 r2; do
  probe --insecure "$OPEN" put-blob "$OPEN/test/$r" "$LD_TMP/config.blob"
  assert_eq "$CONFIG" "$(value digest)" "put-blob config into test/$r"
  probe --insecure "$OPEN" put-blob "$OPEN/test/$r" "$LD_TMP/layer.blob"
  [[ $(value digest) == "$LAYER" ]] || fail "put-blob layer into test/$r"
  probe --insecure "$OPEN" put-manifest "$OPEN/test/$r:1" "$LD_TMP/manifest.json" "$MT_V2"
  [[ $(value digest) == "$WANT_DIGEST" ]] || fail "put-manifest test/$r:1"
done
probe --insecure "$OPEN" put-blob "$OPEN/test/r1" "$LD_TMP/config.blob"
assert_exit 0 "put-blob of a blob the registry has"
assert_eq 2 "$(grep -c 'POST /v2/test/r1/blobs/uploads/' "$OPEN_DIR/registry.log")" "it is not uploaded again (HEAD found it)"
probe --insecure "$OPEN" --page 2 catalog "$OPEN"
assert_exit 0 "catalog, two repositories per page"
assert_eq "test/busybox test/r1 test/r2" "$(sed -n 's/^repo=//p' "$LD_STDOUT_FILE" | tr '\n' ' ' | sed 's/ $//')" "every repository, in order, across pages"
pages=$(grep -cE 'GET /v2/_catalog\?(.*&)?n=2' "$OPEN_DIR/registry.log" || true)
assert_true "pages of two asked, following Link ($pages requests)" test "$pages" -ge 2
probe --insecure "$OPEN" --page 2 --max 2 catalog "$OPEN"
assert_exit 18 "more repositories than --max: a limit"
probe --insecure "$OPEN" delete "$OPEN/test/r2@$WANT_DIGEST"
assert_exit 13 "delete on a registry with deletes disabled (405): unsupported"
assert_stderr_contains "deletes are disabled"
probe --insecure "$OPEN" catalog "$OPEN"
assert_exit 0 "catalog"
assert_stdout_contains "repo=test/busybox"

# ---- TLS with htpasswd ---------------------------------------------------------------
reg_start SEC --tls --auth --delete || exit 1
reg_push "$ARCHIVE" "$SEC/test/busybox:1" --tls --auth || fail_plain "skopeo could not push to $SEC"

probe get-manifest "$SEC/test/busybox:1"
assert_exit 14 "a certificate from an unknown CA is refused"
assert_stderr_contains "not trusted"
one_line_error "unknown CA"

probe_pw "$REG_PASS" --cacert "$REG_CA" --username "$REG_USER" get-manifest "$SEC/test/busybox:1"
assert_exit 0 "--cacert and the right password"
assert_eq "$WANT_DIGEST" "$(value digest)" "same manifest over TLS"
assert_eq tls "$(value transport)" "verified TLS"
assert_eq basic "$(value auth)" "basic auth"
assert_stdout_not_contains "$REG_PASS" "password not printed"

probe_pw "wrong-$REG_PASS" --cacert "$REG_CA" --username "$REG_USER" get-manifest "$SEC/test/busybox:1"
assert_exit 16 "a wrong password: invalid credentials"
assert_stderr_contains "access denied (HTTP 401)"
assert_stderr_contains "--username"
assert_stderr_not_contains "wrong-$REG_PASS" "the wrong password is not printed"
one_line_error "wrong password"

probe --cacert "$REG_CA" get-manifest "$SEC/test/busybox:1"
assert_exit 16 "no credentials for a registry that wants them"
assert_stderr_contains "without credentials"

mkdir -p "$LD_TMP/certs.d/$SEC"
cp "$REG_CA" "$LD_TMP/certs.d/$SEC/ca.crt"
probe_pw "$REG_PASS" --certs-dir "$LD_TMP/certs.d" --username "$REG_USER" get-blob "$SEC/test/busybox" "$LAYER" "$LAYER_SIZE"
assert_exit 0 "the CA from certs.d/HOST/ca.crt; a layer streamed over TLS"
assert_eq "$LAYER" "$(value sha256)" "streamed layer digest over TLS"

probe_pw "$REG_PASS" --insecure "$SEC" --username "$REG_USER" tags "$SEC/test/busybox"
assert_exit 0 "an insecure TLS host: certificate not verified"
assert_eq tls-unverified "$(value transport)" "transport recorded as unverified TLS"

# config.json auths
auth_b64=$(printf '%s:%s' "$REG_USER" "$REG_PASS" | base64 -w0)
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$SEC" "$auth_b64" >"$LD_TMP/auths.json"
probe --cacert "$REG_CA" --docker-config "$LD_TMP/auths.json" get-manifest "$SEC/test/busybox:1"
assert_exit 0 "credentials from config.json auths"
assert_stdout_contains "credentials=config.json auths ($LD_TMP/auths.json)"

# credsStore: a helper the test writes into its own PATH directory
mkdir -p "$LD_TMP/bin"
cat >"$LD_TMP/bin/docker-credential-ldtest" <<EOF
#!/bin/sh
read -r url
echo "argv=\$* url=\$url" >>"$LD_TMP/helper.log"
printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}\n' "\$url" "$REG_USER" "$REG_PASS"
EOF
chmod 755 "$LD_TMP/bin/docker-credential-ldtest"
printf '{"credsStore":"ldtest","auths":{"%s":{}}}\n' "$SEC" >"$LD_TMP/store.json"
PATH="$LD_TMP/bin:$PATH" probe --cacert "$REG_CA" --docker-config "$LD_TMP/store.json" get-manifest "$SEC/test/busybox:1"
assert_exit 0 "credentials from a credsStore helper"
assert_stdout_contains "credentials=credential helper docker-credential-ldtest"
assert_eq "argv=get url=$SEC" "$(head -n 1 "$LD_TMP/helper.log" 2>/dev/null)" "the helper got argv {get} and the server URL on stdin"

# a helper name with shell metacharacters: refused, nothing run
printf '{"credsStore":"ldtest;touch %s/pwned"}\n' "$LD_TMP" >"$LD_TMP/evil.json"
PATH="$LD_TMP/bin:$PATH" probe --cacert "$REG_CA" --docker-config "$LD_TMP/evil.json" get-manifest "$SEC/test/busybox:1"
assert_exit 16 "a credential helper name with shell metacharacters is refused"
assert_stderr_contains "not allowed"
assert_false "nothing was executed for it" test -e "$LD_TMP/pwned"

# delete by digest (this instance allows deletes)
probe_pw "$REG_PASS" --cacert "$REG_CA" --username "$REG_USER" delete "$SEC/test/busybox@$WANT_DIGEST"
assert_exit 0 "delete by digest (202)"
probe_pw "$REG_PASS" --cacert "$REG_CA" --username "$REG_USER" get-manifest "$SEC/test/busybox@$WANT_DIGEST"
assert_exit 12 "the deleted manifest is gone"
probe_pw "$REG_PASS" --cacert "$REG_CA" --username "$REG_USER" delete "$SEC/test/busybox@$WANT_DIGEST"
assert_exit 12 "deleting it again: not found (404)"

# ---- token authentication ----------------------------------------------------------
reg_start TOK --tls --token || exit 1
reg_push "$ARCHIVE" "$TOK/test/busybox:1" --tls --auth || fail_plain "skopeo could not push to $TOK"
: >"$TOK_TOKEN_LOG"

probe_pw "$REG_PASS" --cacert "$REG_CA" --username "$REG_USER" get-manifest "$TOK/test/busybox:1"
assert_exit 0 "bearer token from the token server"
assert_eq bearer "$(value auth)" "bearer auth"
assert_eq "$WANT_DIGEST" "$(value digest)" "same manifest through token auth"
assert_true "the token was asked with the pull scope and basic credentials" \
  grep -q '"scope": \["repository:test/busybox:pull"\], "authorization": true, "user": "lockdown", "ok": true' "$TOK_TOKEN_LOG"

probe_pw "$REG_PASS" --cacert "$REG_CA" --username "$REG_USER" catalog "$TOK"
assert_exit 0 "catalog with a token"
assert_true "the catalog token asked registry:catalog:*" grep -q '"registry:catalog:\*"' "$TOK_TOKEN_LOG"

probe_pw "not-$REG_PASS" --cacert "$REG_CA" --username "$REG_USER" get-manifest "$TOK/test/busybox:1"
assert_exit 16 "wrong credentials at the token server"
assert_stderr_contains "token service"
assert_stderr_not_contains "not-$REG_PASS" "password not printed"
one_line_error "token refused"

probe --cacert "$REG_CA" get-manifest "$TOK/test/busybox:1"
assert_exit 16 "an anonymous token grants nothing here"

printf '{"auths":{"%s":{"identitytoken":"%s"}}}\n' "$TOK" "$REG_REFRESH_TOKEN" >"$LD_TMP/idt.json"
probe --cacert "$REG_CA" --docker-config "$LD_TMP/idt.json" --parallel 2 get-blob "$TOK/test/busybox" "$LAYER" "$LAYER_SIZE"
assert_exit 0 "identity token (OAuth2 refresh_token grant), two streams"
assert_true "the token was asked by POST grant_type=refresh_token" \
  grep -q '"method": "POST", "path": "/token", "scheme": "https", "grant_type": "refresh_token".*"refresh_token_ok": true' "$TOK_TOKEN_LOG"

# a token realm over plain HTTP for a TLS registry: refused before any credential leaves
reg_start TOKH --tls --token-http || exit 1
probe_pw "$REG_PASS" --cacert "$REG_CA" --username "$REG_USER" tags "$TOKH/test/busybox"
assert_exit 15 "a plain-HTTP token realm for a TLS registry is refused"
assert_stderr_contains "not https"
assert_eq 0 "$(wc -l <"$TOKH_TOKEN_LOG")" "the plain-HTTP token server never heard from the client"

# ---- a stand-in server for what a real registry does not do on demand ---------------
# A real registry answers 429 only under load and never loops its redirects:
# this small Python server plays the misbehaving registry, logging each request.
cat >"$LD_TMP/standin.py" <<'EOF'
import http.server, json, ssl, sys, urllib.parse
mode, log, other = sys.argv[1], sys.argv[2], sys.argv[3]
tls = len(sys.argv) > 5
seen = {"n": 0}
TAGS = ["t1", "t2", "t3", "t4", "t5"]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def send(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers: self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def tags(self):
        q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        n = int(q.get("n", ["100"])[0])
        last = q.get("last", [""])[0]
        rest = [t for t in TAGS if t > last]
        page, more = rest[:n], len(rest) > n
        hdr = [("Content-Type", "application/json")]
        if more:
            nxt = "/v2/x/tags/list?n=%d&last=%s" % (n, page[-1])
            if mode == "tags-elsewhere":
                nxt = "http://localhost:%d%s" % (port, nxt)
            if mode == "tags-loop":
                nxt = "/v2/x/tags/list?n=%d" % n
            hdr.append(("Link", '<%s>; rel="next"' % nxt))
        return self.send(200, json.dumps({"name": "x", "tags": page}).encode(), hdr)
    def do_GET(self):
        with open(log, "a") as f:
            f.write(json.dumps({"path": self.path, "host": self.headers.get("Host"),
                                "authorization": self.headers.get("Authorization") is not None}) + "\n")
        if self.path == "/v2/":
            if mode == "auth" and not self.headers.get("Authorization"):
                return self.send(401, b"{}", [("WWW-Authenticate", 'Basic realm="standin"')])
            return self.send(200, b"{}")
        if mode.startswith("tags"):
            return self.tags()
        if mode == "429" and "/blobs/" in self.path:
            seen["b"] = seen.get("b", 0) + 1
            if seen["b"] == 1:
                return self.send(503, b"{}", [("Retry-After", "1")])
            return self.send(200, b"hello")
        if mode == "429":
            seen["n"] += 1
            if seen["n"] == 1:
                return self.send(429, b'{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}', [("Retry-After", "1")])
            return self.send(200, b'{"name":"x","tags":["ok"]}', [("Content-Type", "application/json")])
        if mode == "lie":
            body = b'{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}'
            if "/blobs/" in self.path:
                return self.send(200, b"not the bytes of that digest")
            return self.send(200, body, [("Content-Type", "application/vnd.oci.image.manifest.v1+json"),
                                         ("Docker-Content-Digest", "sha256:" + "0" * 64)])
        if mode == "huge":
            if self.path.endswith("/announced"):
                self.send_response(200)
                self.send_header("Content-Length", str(5 << 20))
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"a" * 65536
            try:
                for _ in range(80):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
            except OSError:
                pass
            return
        if mode == "loop":
            nxt = "/v2/x/b" if self.path.endswith("/a") else "/v2/x/a"
            return self.send(307, b"", [("Location", nxt)])
        if mode == "downgrade":
            return self.send(307, b"", [("Location", "http://127.0.0.1:%d/v2/x/plain" % port)])
        if mode == "auth" and self.path.startswith("/v2/x/blobs/"):
            return self.send(307, b"", [("Location", other + "/storage/blob")])
        if self.path == "/storage/blob":
            return self.send(200, b"hello")
        self.send(404, b"{}")
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
port = srv.server_address[1]
if tls:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[4], sys.argv[5])
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print("ready %d" % port, flush=True)
srv.serve_forever()
EOF
standin() { # standin VAR MODE [OTHER-URL [CERT KEY]] — sets VAR=127.0.0.1:PORT, VAR_LOG
  local var=$1 mode=$2
  shift 2
  local log
  log=$(mktemp "$LD_TMP/standin-$mode.XXXXXX")
  python3 "$LD_TMP/standin.py" "$mode" "$log" "${1:-}" "${@:2}" >"$log.out" 2>&1 &
  local pid=$!
  ld_on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
  local i
  for ((i = 0; i < 200; i++)); do grep -q ready "$log.out" 2>/dev/null && break; sleep 0.05; done
  printf -v "$var" '127.0.0.1:%s' "$(sed -n 's/^ready //p' "$log.out")"
  printf -v "${var}_LOG" '%s' "$log"
}

standin PAGES tags
probe --insecure "$PAGES" --page 2 tags "$PAGES/x"
assert_exit 0 "tags with n=2, following Link"
assert_eq "t1 t2 t3 t4 t5" "$(sed -n 's/^tag=//p' "$LD_STDOUT_FILE" | tr '\n' ' ' | sed 's/ $//')" "every tag in the registry's order"
assert_eq 3 "$(grep -c '"/v2/x/tags/list?n=2' "$PAGES_LOG")" "three pages asked with n=2"
standin ELSEWHERE tags-elsewhere
probe --insecure "$ELSEWHERE" --page 2 tags "$ELSEWHERE/x"
assert_exit 15 "a next page on another host is refused"
assert_stderr_contains "another host"
standin PLOOP tags-loop
probe --insecure "$PLOOP" --page 2 tags "$PLOOP/x"
assert_exit 15 "pages that loop are refused"
assert_stderr_contains "loop"

standin SLOW 429
start=$(date +%s%N)
probe --insecure "$SLOW" --retry-base 100 tags "$SLOW/x"
end=$(date +%s%N)
assert_exit 0 "429 with Retry-After, then 200"
assert_stdout_contains "tag=ok"
waited_ms=$(((end - start) / 1000000))
assert_true "the client waited the Retry-After second (${waited_ms} ms)" test "$waited_ms" -ge 1000
assert_eq 2 "$(grep -c tags/list "$SLOW_LOG")" "asked twice"
HELLO=sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824
probe --insecure "$SLOW" --retry-base 100 get-blob "$SLOW/x" "$HELLO" 5
assert_exit 0 "a layer stream answered 503 first is retried from the start"
assert_eq "$HELLO" "$(value sha256)" "the retried stream's bytes"
assert_eq 2 "$(grep -c /blobs/ "$SLOW_LOG")" "the blob was asked twice"

standin LIAR lie
probe --insecure "$LIAR" get-manifest "$LIAR/x:1"
assert_exit 15 "a manifest that does not hash to its Docker-Content-Digest is refused"
assert_stderr_contains "Docker-Content-Digest"
probe --insecure "$LIAR" get-manifest "$LIAR/x@$WANT_DIGEST"
assert_exit 15 "a manifest that does not hash to the digest asked for is refused"
assert_stderr_contains "not to the digest asked for"
probe --insecure "$LIAR" small-blob "$LIAR/x" "$CONFIG"
assert_exit 15 "a blob that does not hash to its digest is refused"

standin HUGE huge
probe --insecure "$HUGE" get-manifest "$HUGE/x:announced"
assert_exit 18 "a manifest announced over 4 MiB is refused"
probe --insecure "$HUGE" get-manifest "$HUGE/x:streamed"
assert_exit 18 "a manifest streamed past 4 MiB is refused"
assert_stderr_contains "larger than"

standin LOOP loop
probe --insecure "$LOOP" get-manifest "$LOOP/x:a"
assert_exit 15 "a redirect loop is refused"
assert_stderr_contains "redirect loop"

standin DOWN downgrade "" "$REG_CERT" "$REG_KEY"
probe --cacert "$REG_CA" get-manifest "$DOWN/x:1"
assert_exit 15 "a redirect from https to http is refused"
assert_stderr_contains "from https to http"

# Authorization goes to the registry's host only: the blob redirect to
# another host name (localhost, not 127.0.0.1) must arrive without it
standin STORE plain
standin AUTHR auth "http://localhost:${STORE#*:}"
probe_pw secret --insecure "$AUTHR" --username someone small-blob "$AUTHR/x" "$HELLO"
assert_exit 0 "a blob redirected to storage on another host"
assert_true "the registry got the credentials" grep -q '"authorization": true' "$AUTHR_LOG"
assert_true "the storage host was asked" grep -q '"/storage/blob"' "$STORE_LOG"
probe_pw secret --insecure "$AUTHR" --username someone get-blob "$AUTHR/x" "$HELLO" 5
assert_exit 0 "a layer stream redirected to storage on another host"
assert_eq "$HELLO" "$(value sha256)" "the streamed bytes come from the storage host"
assert_eq 2 "$(grep -c '"/storage/blob"' "$STORE_LOG")" "the storage host was asked by both"
assert_false "the storage host never saw an Authorization header" grep -q '"authorization": true' "$STORE_LOG"
