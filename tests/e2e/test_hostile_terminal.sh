#!/usr/bin/env bash
# Hostile input, terminal part (issue 11 "Attacker text never reaches the
# terminal raw"): outside text holding an OSC title sequence, a CR, an LF,
# a C1 control (U+009B, CSI), a bidi override (U+202E) or invalid UTF-8
# reaches no terminal raw, in
#   (a) a target name (report table, JUnit XML, error line) and an image tag
#       echoed by an engine (a stand-in engine on a unix socket, written here),
#   (b) a VEX justification (warning and report notes),
#   (c) `db import`: a feed path, a zip entry name, an advisory id in an error,
#       and `db status` (source URL and ETag of a database someone wrote),
#   (d) `image sbom`'s table: a dpkg package name and an npm package path,
#   (e) a policy file's exception id, in the warning for an expired one;
# each one a hostile_case (tests/e2e/hostile.sh: exit code, time and RSS
# bound, one stderr line for errors, no control byte on stdout/stderr, no
# user file changed), plus a check that the text IS shown, as a visible
# escape (\x1b, \x0d, \x0a, \u009b, \u202e, U+FFFD), not dropped.
# Then, against a local HTTPS server (python3 + ssl, a CA generated here as
# in test_db.sh) that logs the headers it receives:
#   - an ETag with a bare CR is refused with a warning, not stored, and the
#     next request carries neither it nor the header it would inject;
#   - ETags are keyed by URL: a source whose URL changed sends none;
#   - credentials in a --source URL (user:pass@, ?token=) are sent to the
#     server but appear in no message, no `db status` (table or JSON), no
#     row of the sqlite file (sqlite3 .dump) and no byte of it, also when an
#     older database held them.
# Everything is built here; nothing binary is committed.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/hostile.sh"
require_cmd python3 openssl sqlite3 jq

export LOCKDOWN_DB=$LD_TMP/default.db # never the user's cache
KINDS=(osc cr lf c1 rlo bad)

# The payload of each kind between "L" and "R": raw bytes, as JSON string
# text (invalid UTF-8 has no JSON form: raw), as YAML double-quoted text, and
# as lockdown shows it.
raw() {
  case $1 in
  osc) printf 'L\033]0;pwned\007R' ;;
  cr) printf 'L\rR' ;;
  lf) printf 'L\nR' ;;
  c1) printf 'L\302\233R' ;;
  rlo) printf 'L\342\200\256R' ;;
  bad) printf 'L\377R' ;;
  esac
}
json_text() {
  case $1 in
  osc) printf 'L\\u001b]0;pwned\\u0007R' ;;
  cr) printf 'L\\rR' ;;
  lf) printf 'L\\nR' ;;
  c1) printf 'L\\u009bR' ;;
  rlo) printf 'L\\u202eR' ;;
  bad) printf 'L\377R' ;;
  esac
}
yaml_text() {
  case $1 in
  osc) printf 'L\\e]0;pwned\\aR' ;;
  cr) printf 'L\\rR' ;;
  lf) printf 'L\\nR' ;;
  c1) printf 'L\\x9bR' ;;
  rlo) printf 'L\\u202eR' ;;
  bad) printf 'L\377R' ;;
  esac
}
shown() {
  case $1 in
  osc) printf 'L\\x1b]0;pwned\\x07R' ;;
  cr) printf 'L\\x0dR' ;;
  lf) printf 'L\\x0aR' ;;
  c1) printf 'L\\u009bR' ;;
  rlo) printf 'L\\u202eR' ;;
  bad) printf 'L\357\277\275R' ;;
  esac
}

assert_shown() { # assert_shown KIND DESC — the last case's output shows the payload escaped
  local want
  want=$(shown "$1")
  if LC_ALL=C grep -qaF -- "$want" "$LD_STDOUT_FILE" "$LD_STDERR_FILE"; then
    pass "$2: shown as $(printf '%s' "$want" | LC_ALL=C cat -v)"
  else
    fail "$2: the text is not shown as $(printf '%s' "$want" | LC_ALL=C cat -v)"
  fi
}

# ---- shared inputs -----------------------------------------------------------
# an app root with lodash 4.0.0 (npm), and a feed with one advisory for it
APP=$LD_TMP/app
mkdir -p "$APP/node_modules/lodash"
printf '{"name":"lodash","version":"4.0.0"}\n' >"$APP/node_modules/lodash/package.json"
osv_record() { # osv_record ID_JSON_TEXT — an advisory for lodash < 9.0.0
  printf '{"id":"%s","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"lodash"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"9.0.0"}]}]}]}' "$1"
}
mkdir -p "$LD_TMP/feed"
osv_record GHSA-vex1-0000-0000 >"$LD_TMP/feed/GHSA-vex1.json"
for k in c1 rlo; do # advisory ids the policy part names (JSON can hold these two)
  osv_record "GHSA-$(json_text $k)" >"$LD_TMP/feed/GHSA-$k.json"
done
DB=$LD_TMP/vuln.db
run_ld db import --db "$DB" --name osv-npm "$LD_TMP/feed"
assert_exit 0 "setup: import the test feed"

# ---- (a) target names and image tags -------------------------------------------
for k in "${KINDS[@]}"; do
  hostile_dir "a-dir-$k"
  root=$HOSTILE_DIR/root$(raw "$k")
  mkdir -p "$root/etc"
  echo 'ID=debian' >"$root/etc/os-release"
  hostile_case "(a) target name ($k) in the report" 0 20 64 -- \
    image scan --checks config "dir:$root"
  assert_shown "$k" "(a) target name ($k) in the report"

  # JUnit XML: C0 controls are not XML characters (dropped); C1 and bidi
  # ones are written as character references, never raw
  hostile_dir "a-junit-$k"
  root=$HOSTILE_DIR/root$(raw "$k")
  mkdir -p "$root/etc"
  echo 'ID=debian' >"$root/etc/os-release"
  hostile_case "(a) target name ($k) in the JUnit report" 0 20 64 -- \
    image scan --checks config --format junit "dir:$root"
  case $k in
  c1) assert_stdout_contains 'L&#x9B;R' "(a) U+009B in JUnit is a character reference" ;;
  rlo) assert_stdout_contains 'L&#x202E;R' "(a) U+202E in JUnit is a character reference" ;;
  esac

  hostile_dir "a-missing-$k"
  hostile_case "(a) missing target ($k) in the error line" 3 20 64 -- \
    image scan --checks config "dir:$HOSTILE_DIR/none$(raw "$k")"
  assert_shown "$k" "(a) missing target ($k) in the error line"
done

# A stand-in Docker engine on a unix socket: /_ping, and a 404 for every
# image whose message quotes the name it was asked for (as dockerd does),
# with C0 controls JSON-escaped and every other byte as received.
cat >"$LD_TMP/engine.py" <<'PY'
import http.server, os, socketserver, sys, urllib.parse
sock = sys.argv[1]

class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def address_string(self): return "unix"
    def answer(self, code, body, ctype="application/json"):
        self.send_response(code)
        self.send_header("Api-Version", "1.41")
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        path = self.path.split("?")[0]
        if path.endswith("/_ping"):
            return self.answer(200, b"OK", "text/plain")
        if "/images/" in path:
            name = urllib.parse.unquote_to_bytes(path.split("/images/", 1)[1].rsplit("/", 1)[0])
            esc = b"".join(b"\\u%04x" % c if c < 0x20 or c == 0x22 or c == 0x5c else bytes([c]) for c in name)
            return self.answer(404, b'{"message":"No such image: ' + esc + b'"}')
        self.answer(404, b'{"message":"page not found"}')

class S(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
if os.path.exists(sock): os.unlink(sock)
S(sock, H).serve_forever()
PY
ENGINE_SOCK=$LD_TMP/engine.sock
python3 "$LD_TMP/engine.py" "$ENGINE_SOCK" >"$LD_TMP/engine.out" 2>&1 &
ENGINE_PID=$!
ld_on_exit "kill $ENGINE_PID"
for _ in $(seq 1 100); do [[ -S $ENGINE_SOCK ]] && break; sleep 0.1; done
if [[ -S $ENGINE_SOCK ]]; then
  for k in "${KINDS[@]}"; do
    hostile_dir "a-tag-$k"
    DOCKER_HOST=unix://$ENGINE_SOCK hostile_case "(a) image tag ($k) echoed by the engine" 3 20 64 -- \
      image scan --checks config "docker:evil$(raw "$k"):1"
    assert_shown "$k" "(a) image tag ($k) echoed by the engine"
  done
else
  fail_plain "the stand-in engine did not start" "$(cat "$LD_TMP/engine.out")"
fi

# ---- (b) VEX justification ----------------------------------------------------
for k in "${KINDS[@]}"; do
  hostile_dir "b-vex-$k"
  printf '{"@context":"https://openvex.dev/ns/v0.2.0","@id":"https://example.com/vex/1","author":"t","timestamp":"2026-01-01T00:00:00Z","version":1,"statements":[{"vulnerability":{"name":"GHSA-vex1-0000-0000"},"products":[{"@id":"pkg:npm/lodash@4.0.0"}],"status":"not_affected","justification":"%s"}]}' \
    "$(json_text "$k")" >"$HOSTILE_DIR/vex.json"
  if [[ $k == bad ]]; then
    # no JSON holds invalid UTF-8: the document is refused, in one clean line
    hostile_case "(b) VEX justification ($k): document refused" 3 20 128 -- \
      image scan --checks vuln --db "$DB" --vex "$HOSTILE_DIR/vex.json" "dir:$APP"
  else
    hostile_case "(b) VEX justification ($k) in the note" 1 20 128 -- \
      image scan --checks vuln --db "$DB" --vex "$HOSTILE_DIR/vex.json" "dir:$APP"
    assert_shown "$k" "(b) VEX justification ($k) in the note"
  fi
done

# ---- (c) db import: feed path, zip entry name, advisory id; db status ------------
for k in "${KINDS[@]}"; do
  hostile_dir "c-path-$k"
  dir=$HOSTILE_DIR # (hostile_case clears HOSTILE_DIR)
  feed=$dir/npm$(raw "$k").json
  osv_record GHSA-path-0000-0000 >"$feed"
  hostile_case "(c) feed path ($k) in db import's lines" 0 20 128 -- \
    db import --db "$dir/v.db" "$feed"
  assert_shown "$k" "(c) feed path ($k) in db import's lines"
  cp "$dir/v.db" "$LD_TMP/status-$k.db"
  hostile_dir "c-status-$k"
  hostile_case "(c) source URL ($k) in db status" 0 20 64 -- db status --db "$LD_TMP/status-$k.db"
  assert_shown "$k" "(c) source URL ($k) in db status"

  hostile_dir "c-zip-$k"
  # the entry name is written with a placeholder of the same length, then
  # patched in the local header and the central directory
  python3 - "$HOSTILE_DIR/feed.zip" "$(raw "$k" | od -An -tx1 | tr -d ' \n')" <<'PY'
import sys, zipfile
out, payload = sys.argv[1], bytes.fromhex(sys.argv[2])
marker = b"#" * len(payload)
with zipfile.ZipFile(out, "w") as z:
    z.writestr("GHSA-" + marker.decode() + ".json", b'{"id": "GHSA-1", not json')
data = open(out, "rb").read()
assert data.count(marker) == 2
open(out, "wb").write(data.replace(marker, payload))
PY
  hostile_case "(c) zip entry name ($k) in the import error" 3 20 128 -- \
    db import --db "$HOSTILE_DIR/v.db" "$HOSTILE_DIR/feed.zip"
  assert_shown "$k" "(c) zip entry name ($k) in the import error"

  hostile_dir "c-id-$k"
  printf '{"id":"GHSA-%s","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"lodash"},"ranges":[{"type":"SEMVER","events":"none"}]}]}' \
    "$(json_text "$k")" >"$HOSTILE_DIR/GHSA-1.json"
  hostile_case "(c) advisory id ($k) in the import error" 3 20 128 -- \
    db import --db "$HOSTILE_DIR/v.db" "$HOSTILE_DIR/GHSA-1.json"
  [[ $k == bad ]] || assert_shown "$k" "(c) advisory id ($k) in the import error"
done
# an ETag and a URL written into a database by someone else (an older
# lockdown, a hand edit): db status shows them escaped
hostile_dir "c-status-etag"
cp "$DB" "$HOSTILE_DIR/v.db"
sqlite3 "$HOSTILE_DIR/v.db" "UPDATE sources SET etag = '\"e' || char(27) || ']0;pwned' || char(7) || char(13) || 'X\"', url = 'https://h/' || char(155) || char(8238)"
hostile_case "(c) stored ETag and URL with controls in db status" 0 20 64 -- \
  db status --db "$HOSTILE_DIR/v.db"
assert_stdout_contains '"e\x1b]0;pwned\x07\x0dX"' "(c) stored ETag shown escaped"
assert_stdout_contains 'https://h/\u009b\u202e' "(c) stored URL shown escaped"

# ---- (d) image sbom's table --------------------------------------------------------
for k in "${KINDS[@]}"; do
  hostile_dir "d-sbom-$k"
  root=$HOSTILE_DIR/root
  mkdir -p "$root/var/lib/dpkg" "$root/app/node_modules/mod$(raw "$k")"
  printf 'Package: pkg%s\nStatus: install ok installed\nVersion: 1.0\nArchitecture: amd64\n\n' \
    "$(raw "$k")" >"$root/var/lib/dpkg/status"
  printf '{"name":"mod","version":"1.0.0"}\n' >"$root/app/node_modules/mod$(raw "$k")/package.json"
  hostile_case "(d) package name and path ($k) in image sbom's table" 0 20 64 -- \
    image sbom "dir:$root"
  assert_shown "$k" "(d) package name and path ($k) in image sbom's table"
done

# ---- (e) a policy's exception id in warnings -------------------------------------------
for k in "${KINDS[@]}"; do
  hostile_dir "e-policy-$k"
  printf 'version: 1\nexceptions:\n  - id: "GHSA-%s"\n    reason: accepted\n    expires: 2020-01-01\n' \
    "$(yaml_text "$k")" >"$HOSTILE_DIR/policy.yaml"
  case $k in
  c1 | rlo) # a valid id naming the advisory: the expired exception is a warning
    hostile_case "(e) exception id ($k) in the expiry warning" 1 20 128 -- \
      image scan --checks vuln --db "$DB" --policy "$HOSTILE_DIR/policy.yaml" "dir:$APP"
    assert_shown "$k" "(e) exception id ($k) in the expiry warning"
    ;;
  *) # C0 controls and invalid UTF-8: the policy is refused, in one clean line
    hostile_case "(e) exception id ($k): policy refused" 3 20 64 -- \
      image scan --checks vuln --db "$DB" --policy "$HOSTILE_DIR/policy.yaml" "dir:$APP"
    ;;
  esac
done

# ---- HTTPS: ETags and credentials ---------------------------------------------
PKI=$LD_TMP/pki
mkdir -p "$PKI"
(
  cd "$PKI" &&
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 \
      -subj "/CN=lockdown test CA" -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" &&
    openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj "/CN=127.0.0.1" &&
    printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >ext.cnf &&
    openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 2 \
      -extfile ext.cnf
) >"$LD_TMP/openssl.log" 2>&1 || { fail_plain "generating the test CA" "$(cat "$LD_TMP/openssl.log")"; exit 1; }

mkdir -p "$LD_TMP/www"
osv_record GHSA-www1-0000-0000 >"$LD_TMP/www/npm.json"
cat >"$LD_TMP/server.py" <<'PY'
# HTTPS server for the ETag and credential cases. Every request is logged
# as one JSON line: path, and each header as received (name, value). The
# file is served from the root by its base name; the first path component
# says which ETag to send: /crlf/ one with a bare CR (a header injection if
# it were sent back), /good/ and /other/ a valid one each (304 when
# If-None-Match names it); a missing file is a 404.
import http.server, json, os, ssl, sys
root, cert, key, portfile, log = sys.argv[1:6]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        with open(log, "a") as f:
            f.write(json.dumps({"path": self.path, "headers": [[k, v] for k, v in self.headers.items()]}) + "\n")
        part = self.path.split("/")[1]
        p = os.path.join(root, os.path.basename(self.path.split("?")[0]))
        if not os.path.isfile(p):
            self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers(); return
        etag = {"crlf": '"a\rX-Injected: yes"', "good": '"good1"', "other": '"other1"'}.get(part, '"x"')
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304); self.send_header("ETag", etag); self.end_headers(); return
        data = open(p, "rb").read()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(data)
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
PY
LOG=$LD_TMP/server.log
: >"$LOG"
python3 "$LD_TMP/server.py" "$LD_TMP/www" "$PKI/srv.pem" "$PKI/srv.key" "$LD_TMP/port" "$LOG" \
  >"$LD_TMP/server.out" 2>&1 &
SERVER_PID=$!
ld_on_exit "kill $SERVER_PID"
for _ in $(seq 1 100); do [[ -s $LD_TMP/port ]] && break; sleep 0.1; done
[[ -s $LD_TMP/port ]] || { fail_plain "HTTPS test server did not start" "$(cat "$LD_TMP/server.out")"; exit 1; }
URL=https://127.0.0.1:$(cat "$LD_TMP/port")
CA=$PKI/ca.pem

# requests_to PATH_PREFIX — the logged requests whose path starts with it, one JSON line each
requests_to() { jq -c --arg p "$1" 'select(.path | startswith($p))' "$LOG"; }
# header_of REQUEST_JSON NAME — the values of header NAME (case-insensitive) in one request
header_of() { jq -r --arg n "$2" '.headers[] | select(.[0] | ascii_downcase == ($n | ascii_downcase)) | .[1]' <<<"$1"; }

# an ETag with a bare CR: refused, not stored, never sent back
EDB=$LD_TMP/etag.db
hostile_dir "https-etag-cr"
hostile_case "ETag with a bare CR from the server" 0 30 128 -- \
  db update --db "$EDB" --cacert "$CA" --source "osv-npm=$URL/crlf/npm.json"
assert_stderr_contains "ETag header is not a valid HTTP header value" "the refused ETag is a warning"
assert_eq "" "$(sqlite3 "$EDB" "SELECT ifnull(etag, '') FROM sources WHERE name = 'osv-npm'")" \
  "the refused ETag is not stored"
hostile_dir "https-etag-cr-again"
hostile_case "update after the CR ETag" 0 30 128 -- \
  db update --db "$EDB" --cacert "$CA" --source "osv-npm=$URL/crlf/npm.json"
second=$(requests_to /crlf/ | sed -n 2p)
if [[ -z $second ]]; then
  fail_plain "the server saw no second request to /crlf/" "$(cat "$LOG")"
else
  assert_eq "" "$(header_of "$second" X-Injected)" "the next request carries no injected header"
  assert_eq "" "$(header_of "$second" If-None-Match)" "the next request sends no If-None-Match"
fi

# ETags are keyed by URL: the same URL sends its own back (and gets 304),
# another URL for the same source sends none
KDB=$LD_TMP/keyed.db
run_ld db update --db "$KDB" --cacert "$CA" --source "osv-npm=$URL/good/npm.json"
assert_exit 0 "update from /good/"
run_ld db update --db "$KDB" --cacert "$CA" --source "osv-npm=$URL/good/npm.json"
assert_exit 0 "update from /good/ again"
assert_eq '"good1"' "$(header_of "$(requests_to /good/ | sed -n 2p)" If-None-Match)" \
  "the same URL sends its ETag back"
assert_stdout_contains "osv-npm: unchanged (HTTP 304)" "the same URL is not modified"
run_ld db update --db "$KDB" --cacert "$CA" --source "osv-npm=$URL/other/npm.json"
assert_exit 0 "update of the source from another URL"
assert_eq "" "$(header_of "$(requests_to /other/ | sed -n 1p)" If-None-Match)" \
  "another URL gets no ETag of the first"

# credentials in --source: used for the request, kept nowhere, shown nowhere
CDB=$LD_TMP/cred.db
CRED_URL="https://bob:hunter2@127.0.0.1:${URL##*:}/good/npm.json?token=t0ps3cret&page=1"
hostile_dir "https-credentials"
hostile_case "credentials in a --source URL" 0 30 128 -- \
  db update --db "$CDB" --cacert "$CA" --source "osv-cred=$CRED_URL"
req=$(requests_to '/good/npm.json?token=t0ps3cret' | tail -n 1)
assert_eq "Basic $(printf 'bob:hunter2' | base64)" "$(header_of "$req" Authorization)" \
  "the credentials are sent to the server"
no_secret() { # no_secret DESC FILE... — neither the password nor the token is in FILE
  if LC_ALL=C grep -qaE 'hunter2|t0ps3cret' "${@:2}"; then
    fail "$1: the credentials are in it" "$(LC_ALL=C grep -aoE '.{0,40}(hunter2|t0ps3cret).{0,20}' "${@:2}" | head -n 3)"
  else
    pass "$1: no credentials"
  fi
}
no_secret "db update output" "$LD_STDOUT_FILE" "$LD_STDERR_FILE"
run_ld db status --db "$CDB"
assert_exit 0 "db status"
no_secret "db status" "$LD_STDOUT_FILE" "$LD_STDERR_FILE"
assert_stdout_contains "https://127.0.0.1:${URL##*:}/good/npm.json?token=***&page=1" \
  "db status shows the URL without userinfo, the token masked"
run_ld db status --db "$CDB" --format json
no_secret "db status --format json" "$LD_STDOUT_FILE" "$LD_STDERR_FILE"
sqlite3 "$CDB" .dump >"$LD_TMP/cred.dump"
no_secret "sqlite3 .dump of the database" "$LD_TMP/cred.dump"
no_secret "the database file's bytes" "$CDB"
hostile_dir "https-credentials-error"
hostile_case "credentials in a failing --source URL" 3 30 128 -- \
  db update --db "$CDB" --cacert "$CA" \
  --source "osv-cred=https://bob:hunter2@127.0.0.1:${URL##*:}/missing.json?token=t0ps3cret"
no_secret "the error line" "$LD_STDOUT_FILE" "$LD_STDERR_FILE"

# a database an older version wrote, credentials in the URL: db status does
# not show them, and the next update removes them from the file
ODB=$LD_TMP/old.db
cp "$CDB" "$ODB"
sqlite3 "$ODB" "UPDATE sources SET url = '$CRED_URL' WHERE name = 'osv-cred'"
run_ld db status --db "$ODB"
no_secret "db status of an older database" "$LD_STDOUT_FILE" "$LD_STDERR_FILE"
run_ld db update --db "$ODB" --cacert "$CA" --source "osv-npm=$URL/good/npm.json"
assert_exit 0 "update of the older database (another source)"
no_secret "the older database's bytes after an update" "$ODB"
assert_eq "https://127.0.0.1:${URL##*:}/good/npm.json?token=***&page=1" \
  "$(sqlite3 "$ODB" "SELECT url FROM sources WHERE name = 'osv-cred'")" \
  "the kept source's URL is stored without credentials"
