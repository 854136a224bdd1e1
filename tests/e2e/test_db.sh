#!/usr/bin/env bash
# End-to-end test of `lockdown db import|update|status` with the fixture
# feeds of tests/fixtures/feeds (real advisories): import then status (table
# and JSON); update against a LOCAL HTTPS server (python3 + ssl, a CA and a
# server certificate generated here, passed with --cacert) serving the same
# files with ETag / Last-Modified; a second update gets 304 and keeps the
# data; a download cut mid-body and a truncated zip exit 3 and leave the old
# database intact; no database -> status exit 3 with the hint; help at every
# level.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_cmd python3 openssl sqlite3 jq

FEEDS=$LD_REPO/tests/fixtures/feeds
DB=$LD_TMP/vuln.db
export LOCKDOWN_DB=$LD_TMP/default.db # never touch the user's cache

# a missing command is a failure of this build, not a reason to skip
run_ld db --help
assert_exit 0 "db --help"
assert_stdout_contains "update" "db --help"
assert_stdout_contains "import" "db --help"
for sub in update import status; do
  run_ld db "$sub" --help
  assert_exit 0 "db $sub --help"
  assert_stdout_contains "Usage: lockdown db $sub" "db $sub --help"
done
run_ld db frobnicate
assert_exit 2 "unknown db subcommand"
run_ld db import
assert_exit 2 "db import without PATH"
run_ld db update --source nourl
assert_exit 2 "db update --source without ="

# ---- no database -------------------------------------------------------------
run_ld db status --db "$DB"
assert_exit 3 "status without a database"
assert_stderr_contains "no vulnerability database at $DB" "status hint names the path"
assert_stderr_contains "lockdown db update" "status hint says how to get one"

# ---- import ------------------------------------------------------------------
mkdir -p "$LD_TMP/www"
python3 - "$FEEDS/osv-npm" "$LD_TMP/www/npm-all.zip" <<'PY'
import os, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for f in sorted(os.listdir(src)):
        z.write(os.path.join(src, f), f)
PY
cp "$FEEDS/debian/tracker.json" "$LD_TMP/www/tracker.json"
cp "$FEEDS/alpine/v3.19-main.json" "$LD_TMP/www/main.json"
head -c 200 "$LD_TMP/www/npm-all.zip" >"$LD_TMP/www/cut.zip"

run_ld db import --db "$DB" "$LD_TMP/www/npm-all.zip" "$FEEDS/debian/tracker.json" "$FEEDS/alpine/v3.19-main.json"
assert_exit 0 "db import of the fixtures"
assert_stdout_contains "npm-all.zip: 3 records" "npm zip imported"
assert_stdout_contains "tracker.json: 7 records" "debian tracker imported"
assert_stdout_contains "v3.19-main.json: 9 records" "alpine secdb imported"

run_ld db status --db "$DB"
assert_exit 0 "db status"
assert_stdout_contains "osv-npm" "status lists osv-npm"
assert_stdout_contains "debian-tracker" "status lists debian-tracker"
assert_stdout_contains "alpine-v3.19-main" "status lists alpine"
assert_stdout_matches "^records: +19$" "status total"

run_ld db status --db "$DB" --format json
assert_exit 0 "db status --format json"
assert_json '.records == 19 and (.sources | length) == 3' "json totals"
assert_json '.sources[] | select(.name == "osv-npm") | .records == 3' "json per source"
assert_json '.age_seconds >= 0 and (.built_at | test("Z$"))' "json built time"

q() { sqlite3 "$DB" "$1"; }
assert_eq "2.36-9+deb12u3" "$(q "SELECT e.version FROM events e JOIN ranges r ON r.id=e.range JOIN affected a ON a.id=r.affected JOIN advisories v ON v.id=a.advisory WHERE v.advisory_id='CVE-2023-4911' AND a.ecosystem='Debian:12' AND e.kind='fixed'")" "documented schema: glibc fixed version"
assert_eq "unimportant" "$(q "SELECT a.fix_status FROM affected a JOIN advisories v ON v.id=a.advisory WHERE v.advisory_id='CVE-2016-2781'")" "coreutils unimportant"
assert_eq "will-not-fix" "$(q "SELECT a.fix_status FROM affected a JOIN advisories v ON v.id=a.advisory WHERE v.advisory_id='CVE-2023-45853' AND a.ecosystem='Debian:12'")" "zlib nodsa ignored"
assert_eq "7.2" "$(q "SELECT cvss3_score FROM advisories WHERE advisory_id='GHSA-35jh-r3h4-6jhm'")" "lodash CVSS from vector"

# hostile input: exit 3, old database intact
printf '{"id": "GHSA-bad", "affected": [{"package": {"ecosystem": "npm", "name": "x"}, "ranges": 3}]}' >"$LD_TMP/bad.json"
run_ld db import --db "$DB" "$FEEDS/osv-npm" "$LD_TMP/bad.json"
assert_exit 3 "hostile OSV record"
assert_stderr_contains "bad.json" "error names the file"
assert_stderr_contains "GHSA-bad" "error names the record"
assert_eq "19" "$(q "SELECT count(*) FROM advisories")" "database intact after a failed import"

# importing nothing is an error, not "database updated"; the database stays
mkdir -p "$LD_TMP/empty-feed-dir"
printf '[]' >"$LD_TMP/empty-osv.json"
for nothing in "$LD_TMP/empty-feed-dir" "$LD_TMP/empty-osv.json"; do
  run_ld db import --db "$DB" "$FEEDS/osv-npm" "$nothing"
  assert_exit 3 "importing nothing ($(basename "$nothing")) is an error"
  assert_stderr_contains "importing $nothing (database $DB left unchanged): no advisories found" \
    "the error names what held nothing"
  assert_stdout_not_contains "updated" "no 'database updated' for $(basename "$nothing")"
  assert_eq "19" "$(q "SELECT count(*) FROM advisories")" "database intact after importing nothing"
done

# the default location: $XDG_CACHE_HOME, else $HOME/.cache; never a directory
# writable by everyone such as /tmp
mkdir -p "$LD_TMP/xdg" "$LD_TMP/home"
chmod 700 "$LD_TMP/home"
LOCKDOWN_DB='' XDG_CACHE_HOME=$LD_TMP/xdg run_ld db import "$FEEDS/alpine/v3.19-main.json"
assert_exit 0 "db import into the default location"
assert_stdout_contains "database $LD_TMP/xdg/lockdown/vuln.db updated" "default path under \$XDG_CACHE_HOME"
assert_file_exists "$LD_TMP/xdg/lockdown/vuln.db" "database created under \$XDG_CACHE_HOME"
LOCKDOWN_DB='' XDG_CACHE_HOME=/tmp HOME=$LD_TMP/home run_ld db status --format json
assert_exit 3 "status: no database in \$HOME/.cache yet"
assert_stderr_contains "no vulnerability database at $LD_TMP/home/.cache/lockdown/vuln.db" \
  "a world-writable \$XDG_CACHE_HOME (/tmp) is passed over for \$HOME/.cache"

# ---- local HTTPS server --------------------------------------------------------
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

cat >"$LD_TMP/server.py" <<'PY'
# HTTPS file server for the db update test: ETag + Last-Modified, 304 on
# If-None-Match, GET /cut/NAME announces the full length and closes mid-body.
# Logs each request as "METHOD PATH STATUS" to the log file.
import hashlib, http.server, os, ssl, sys, email.utils
root, cert, key, portfile, log = sys.argv[1:6]

class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, fmt, *args):
        pass
    def note(self, code):
        with open(log, "a") as f:
            f.write("%s %s %d\n" % (self.command, self.path, code))
    def do_GET(self):
        cut = self.path.startswith("/cut/")
        name = os.path.basename(self.path)
        p = os.path.join(root, name)
        if not os.path.isfile(p):
            self.note(404)
            self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers()
            return
        data = open(p, "rb").read()
        etag = '"%s"' % hashlib.sha256(data).hexdigest()[:16]
        lm = email.utils.formatdate(os.path.getmtime(p), usegmt=True)
        if not cut and self.headers.get("If-None-Match") == etag:
            self.note(304)
            self.send_response(304); self.send_header("ETag", etag); self.end_headers()
            return
        self.note(200)
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", lm)
        self.end_headers()
        if cut:
            self.wfile.write(data[: len(data) // 2]); self.wfile.flush()
            self.close_connection = True
            return
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
python3 "$LD_TMP/server.py" "$LD_TMP/www" "$PKI/srv.pem" "$PKI/srv.key" "$LD_TMP/port" "$LD_TMP/server.log" \
  >"$LD_TMP/server.out" 2>&1 &
SERVER_PID=$!
ld_on_exit "kill $SERVER_PID 2>/dev/null"
for _ in $(seq 1 100); do [[ -s $LD_TMP/port ]] && break; sleep 0.1; done
[[ -s $LD_TMP/port ]] || { fail_plain "HTTPS test server did not start" "$(cat "$LD_TMP/server.out")"; exit 1; }
PORT=$(cat "$LD_TMP/port")
URL=https://127.0.0.1:$PORT
SOURCES=(--source "osv-npm=$URL/npm-all.zip" --source "debian-tracker=$URL/tracker.json"
  --source "alpine-v3.19-main=$URL/main.json")
UDB=$LD_TMP/update.db

run_ld db update --db "$UDB" "${SOURCES[@]}"
assert_exit 3 "update without --cacert fails TLS verification"
assert_false "no database after a failed first update" test -e "$UDB"

run_ld db update --db "$UDB" --cacert "$PKI/ca.pem" "${SOURCES[@]}"
assert_exit 0 "db update from the local HTTPS server"
assert_stdout_contains "osv-npm: 3 records" "update imported npm"
assert_stdout_contains "debian-tracker: 7 records" "update imported debian"
assert_stderr_not_contains "MB" "no progress when stderr is not a TTY"
run_ld db status --db "$UDB" --format json
assert_json '.records == 19' "updated database has every record"
assert_json '[.sources[] | .etag | startswith("\"")] | all' "ETags recorded"
assert_json '[.sources[] | .url | startswith("https://127.0.0.1")] | all' "URLs recorded"
first_built=$(sqlite3 "$UDB" "SELECT value FROM meta WHERE key='built_at'")

sleep 1
run_ld db update --db "$UDB" --cacert "$PKI/ca.pem" "${SOURCES[@]}"
assert_exit 0 "second update"
assert_stdout_contains "osv-npm: unchanged (HTTP 304)" "second update: 304 for npm"
assert_stdout_contains "debian-tracker: unchanged (HTTP 304)" "second update: 304 for debian"
assert_eq "3" "$(grep -c ' 304$' "$LD_TMP/server.log")" "server answered 304 three times"
assert_eq "19" "$(sqlite3 "$UDB" "SELECT count(*) FROM advisories")" "304 keeps the data"

# environment list of sources
LOCKDOWN_DB_SOURCES="osv-npm=$URL/npm-all.zip" run_ld db update --db "$UDB" --cacert "$PKI/ca.pem"
assert_exit 0 "update with LOCKDOWN_DB_SOURCES"
assert_stdout_contains "osv-npm: unchanged" "env sources used"

# sources from a config file (a NAME=URL string and a {name, url} map)
printf 'sources:\n  - "osv-npm=%s/npm-all.zip"\n  - name: alpine-v3.19-main\n    url: %s/main.json\n' "$URL" "$URL" >"$LD_TMP/sources.yaml"
run_ld db update --db "$UDB" --cacert "$PKI/ca.pem" --config "$LD_TMP/sources.yaml"
assert_exit 0 "update with --config"
assert_stdout_contains "osv-npm: unchanged" "config string entry used"
assert_stdout_contains "alpine-v3.19-main: unchanged" "config map entry used"
printf 'sources: 3\n' >"$LD_TMP/bad.yaml"
run_ld db update --db "$UDB" --config "$LD_TMP/bad.yaml"
assert_exit 3 "invalid config"
assert_stderr_contains "sources:" "invalid config message"

# interrupted download: the server closes mid-body
before=$(sqlite3 "$UDB" "SELECT count(*) FROM advisories")
cp "$LD_TMP/www/npm-all.zip" "$LD_TMP/www/npm-cut.zip"
run_ld db update --db "$UDB" --cacert "$PKI/ca.pem" --source "debian-tracker=$URL/tracker.json" \
  --source "osv-npm=$URL/cut/npm-cut.zip"
assert_exit 3 "interrupted download exits 3"
assert_stderr_contains "left unchanged" "error says the database is unchanged"
assert_eq "$before" "$(sqlite3 "$UDB" "SELECT count(*) FROM advisories")" "old database intact after an interrupted download"
run_ld db status --db "$UDB" --format json
assert_json '.records == 19' "status still reads the old database"

# a complete download of a truncated zip
run_ld db update --db "$UDB" --cacert "$PKI/ca.pem" --source "osv-npm=$URL/cut.zip"
assert_exit 3 "truncated zip exits 3"
assert_stderr_contains "cut.zip" "error names the download"
assert_eq "$before" "$(sqlite3 "$UDB" "SELECT count(*) FROM advisories")" "old database intact after a truncated zip"

# missing file on the server
run_ld db update --db "$UDB" --cacert "$PKI/ca.pem" --source "osv-npm=$URL/nope.zip"
assert_exit 3 "HTTP 404 exits 3"
assert_stderr_contains "404" "error names the HTTP status"

# a download holding no advisory at all: nothing imported is an error
printf '[]' >"$LD_TMP/www/empty.json"
run_ld db update --db "$UDB" --cacert "$PKI/ca.pem" --source "osv-npm=$URL/empty.json"
assert_exit 3 "update that imports nothing exits 3"
assert_stderr_contains "held no advisories: nothing to import" "error says nothing was imported"
assert_stdout_not_contains "updated" "no 'database updated'"
assert_eq "$before" "$(sqlite3 "$UDB" "SELECT count(*) FROM advisories")" "old database intact after an empty update"

# no temporary files left behind
assert_eq "" "$(ls "$LD_TMP" | grep -E '\.tmp-|\.dl-' || true)" "no temporary files left"
