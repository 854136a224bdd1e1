#!/usr/bin/env bash
# Hostile input, feeds / VEX / slow peers / what must be refused (issue 11):
# every case is built here (python3, openssl; nothing binary is committed)
# and run as a hostile_case (tests/e2e/hostile.sh: exit code, no hang, a
# peak-RSS bound, one stderr line for errors, no control byte, no user file
# changed), each with its stated time and memory bound:
#   feeds     - an OSV zip of 2,100 deflate bombs (9 MB inflating to 8.8 GB:
#               60 s of CPU before the 8 GiB cap fired) < 10 s, < 256 MiB;
#               an entry declaring more than the record limit, one lying
#               about its size; a 100 MB Alpine secdb of small JSON nodes
#               (2.1 GB parsed whole) < 256 MiB; an empty zip is "no
#               advisories", not "unknown feed format"
#   VEX       - 1,000,000 products that name other packages x 1,000
#               findings (past 60 s) < 10 s; the same with the one product
#               that matches last drops every finding
#   slow      - `db update` against a local HTTPS server sending 1 byte/s
#               gives up within the low-speed window (--low-speed-time 3,
#               and the 30 s default), one that never finishes TLS within
#               --connect-timeout; a fake Engine API (a unix socket server in
#               python3) that stalls /_ping, drips /version, or drips every
#               container inspect ends < 15 s with --engine-timeout 3
#   refused   - bind mounts of //etc, /./etc, // and /x/../etc fail CIS 5.6
#               (from the fake engine, whose inspect says them as given; and
#               from the real engine when there is one); a policy with a
#               second YAML document or a tag; an ignore file with
#               exp:2023-02-31
#   BOM       - a UTF-8 BOM is accepted in an ignore file, OSV JSON, VEX,
#               policy YAML and an Alpine secdb
# Against the code before the fix 22 of these 25 cases fail; the entry
# lying about its size, the real engine's -v //etc (the engine cleans that
# path itself) and the policy with a BOM (libyaml skipped it) pass there too.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/hostile.sh"
require_cmd python3 openssl jq

export LOCKDOWN_DB=$LD_TMP/default.db # never the user's cache
W=$LD_TMP/work
mkdir -p "$W"

# ---- feeds: zip bombs --------------------------------------------------------------
# zip.py OUT N SIZE [DECLARED]: N entries, each one OSV record padded with
# blanks to SIZE bytes, deflated once and written N times (DECLARED: the
# size the headers claim; default the true one).
cat >"$W/zip.py" <<'PY'
import struct, sys, zlib
out, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
declared = int(sys.argv[4]) if len(sys.argv) > 4 else size
rec = (b'{"id": "GHSA-bomb-0000-0000", "affected": [{"package": {"ecosystem": "npm", '
       b'"name": "left-pad"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}')
co = zlib.compressobj(9, zlib.DEFLATED, -15)
comp = co.compress(rec) + co.compress(b" " * (size - len(rec))) + co.flush()
crc = zlib.crc32(b" " * (size - len(rec)), zlib.crc32(rec))
with open(out, "wb") as f:
    cd = []
    for i in range(n):
        name = b"bomb-%05d.json" % i
        off = f.tell()
        f.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(comp), declared,
                            len(name), 0) + name + comp)
        cd.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(comp),
                              declared, len(name), 0, 0, 0, 0, 0o100644 << 16, off) + name)
    cdb = b"".join(cd)
    cdoff = f.tell()
    f.write(cdb)
    f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(cdb), cdoff, 0))
PY

hostile_dir bombs
python3 "$W/zip.py" "$HOSTILE_DIR/all.zip" 2100 4190000
bomb_size=$(stat -c %s "$HOSTILE_DIR/all.zip")
((bomb_size < 12000000)) && pass "the bomb zip is small: $bomb_size bytes for 2,100 x 4.19 MB" ||
  fail "the bomb zip is $bomb_size bytes"
hostile_case "OSV zip of 2,100 deflate bombs" 3 10 256 -- db import --db v.db all.zip
assert_stderr_contains "decompression bomb" "the bombs are named as such"
[[ ! -e $LD_TMP/case-bombs/v.db ]] && pass "no database was written" || fail "a database was written"

hostile_dir declared
python3 "$W/zip.py" "$HOSTILE_DIR/all.zip" 1 67108864
hostile_case "OSV zip entry declaring 64 MiB" 3 10 256 -- db import --db v.db all.zip
assert_stderr_contains "more than the record limit" "refused for its declared size"

hostile_dir lying
python3 "$W/zip.py" "$HOSTILE_DIR/all.zip" 1 67108864 1000
hostile_case "OSV zip entry claiming 1,000 bytes, inflating to 64 MiB" 3 10 256 -- db import --db v.db all.zip

hostile_dir empty-zip
python3 -c 'import zipfile, sys; zipfile.ZipFile(sys.argv[1], "w").close()' "$HOSTILE_DIR/empty.zip"
hostile_case "empty OSV zip" 3 10 64 -- db import --db v.db empty.zip
assert_stderr_contains "no advisories found" "an empty zip holds no records"
assert_stderr_not_contains "unknown feed format" "an empty zip is still a zip"

# ---- feeds: a 100 MB Alpine secdb ----------------------------------------------------
# 10,000 packages, each with one fix and 5,000 small numbers beside it: the
# tree of the whole document would be ~50 million nodes.
hostile_dir secdb
python3 - "$HOSTILE_DIR/main.json" <<'PY'
import sys
filler = "[" + ",".join(["0"] * 5000) + "]"
with open(sys.argv[1], "w") as f:
    f.write('{"apkurl": "{{urlprefix}}/{{distroversion}}/{{reponame}}/{{arch}}/{{pkg.name}}-{{pkg.ver}}.apk",'
            ' "archs": ["x86_64"], "reponame": "main", "urlprefix": "https://dl-cdn.alpinelinux.org/alpine",'
            ' "distroversion": "v3.19", "packages": [')
    for i in range(10000):
        f.write('%s{"pkg": {"name": "pkg%d", "secfixes": {"1.0-r%d": ["CVE-2024-%d"]}, "filler": %s}}'
                % ("," if i else "", i, i, 10000 + i, filler))
    f.write("]}")
PY
secdb_size=$(stat -c %s "$HOSTILE_DIR/main.json")
((secdb_size > 100000000)) && pass "the secdb is $secdb_size bytes" || fail "the secdb is only $secdb_size bytes"
hostile_case "100 MB Alpine secdb" 0 120 256 -- db import --db v.db main.json
assert_stdout_contains "10000 records" "every package's fix imported"

# ---- VEX: a million products ---------------------------------------------------------
# 1,000 advisories for left-pad (all affected) and a root file system with
# left-pad 1.3.0: 1,000 findings.
mkdir -p "$W/osv" "$W/root/srv/app"
python3 - "$W/osv" <<'PY'
import json, sys
for i in range(1000):
    rec = {"id": "GHSA-hfds-0000-%04d" % i, "summary": "test advisory %d" % i,
           "affected": [{"package": {"ecosystem": "npm", "name": "left-pad"},
                         "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}
    with open("%s/GHSA-hfds-0000-%04d.json" % (sys.argv[1], i), "w") as f:
        json.dump(rec, f)
PY
cat >"$W/root/srv/app/package-lock.json" <<'JSON'
{"name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
 "packages": {"": {"name": "app", "version": "1.0.0"},
              "node_modules/left-pad": {"version": "1.3.0"}}}
JSON
DB=$W/vuln.db
run_ld db import --db "$DB" "$W/osv"
assert_exit 0 "1,000 advisories imported"
VULNS='[.findings[] | select(.vulnerability)] | length'

# vex.py OUT LAST: one statement naming all 1,000 ids, 1,000,000 products:
# 999,999 other packages, then LAST.
cat >"$W/vex.py" <<'PY'
import sys
out, last = sys.argv[1], sys.argv[2]
with open(out, "w") as f:
    f.write('{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/1",'
            ' "author": "test", "timestamp": "2026-01-01T00:00:00Z", "version": 1, "statements": [')
    f.write('{"vulnerability": {"name": "GHSA-hfds-0000-0000", "aliases": [')
    f.write(",".join('"GHSA-hfds-0000-%04d"' % i for i in range(1, 1000)))
    f.write(']}, "products": [')
    f.write(",".join('"pkg:n/%d"' % i for i in range(999999)))
    f.write(',"%s"], "status": "not_affected", "justification": "component_not_present"}]}' % last)
PY
hostile_dir vex
python3 "$W/vex.py" "$HOSTILE_DIR/vex.json" "pkg:npm/other@1"
hostile_case "VEX of 1,000,000 products x 1,000 findings" 1 10 512 -- \
  image scan --checks vuln --db "$DB" --vex vex.json --format json "dir:$W/root"
assert_json "$VULNS == 1000" "no finding dropped: no product names left-pad"
hostile_dir vex-last
python3 "$W/vex.py" "$HOSTILE_DIR/vex.json" "pkg:npm/left-pad"
hostile_case "VEX of 1,000,000 products, the matching one last" 0 10 512 -- \
  image scan --checks vuln --db "$DB" --vex vex.json --format json "dir:$W/root"
assert_json "$VULNS == 0" "every finding dropped by the last product"

# ---- slow peers: db update -----------------------------------------------------------
PKI=$W/pki
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
) >"$W/openssl.log" 2>&1 || { fail_plain "generating the test CA" "$(cat "$W/openssl.log")"; exit 1; }

# An HTTPS server (http.server subclass) that sends its headers, then one
# byte of body per second; and a TCP server that accepts and says nothing
# (no TLS handshake ever).
cat >"$W/slow.py" <<'PY'
import http.server, os, socket, ssl, sys, threading, time
cert, key, portfile = sys.argv[1:4]

class Drip(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, fmt, *args):
        pass
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        try:
            while True:
                self.wfile.write(b"P"); self.wfile.flush(); time.sleep(1)
        except OSError:
            pass

srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Drip)
srv.daemon_threads = True
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
mute = socket.socket(); mute.bind(("127.0.0.1", 0)); mute.listen(16)
held = []
def accept_mute():
    while True:
        c, _ = mute.accept(); held.append(c)
threading.Thread(target=accept_mute, daemon=True).start()
with open(portfile + ".tmp", "w") as f:
    f.write("%d %d" % (srv.server_address[1], mute.getsockname()[1]))
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
PY
python3 "$W/slow.py" "$PKI/srv.pem" "$PKI/srv.key" "$W/port" >"$W/slow.out" 2>&1 &
SLOW_PID=$!
ld_on_exit "kill $SLOW_PID 2>/dev/null"
for _ in $(seq 1 100); do [[ -s $W/port ]] && break; sleep 0.1; done
[[ -s $W/port ]] || { fail_plain "the slow HTTPS server did not start" "$(cat "$W/slow.out")"; exit 1; }
read -r DRIP_PORT MUTE_PORT <"$W/port"

hostile_dir drip
hostile_case "db update from a server sending 1 byte/s, --low-speed-time 3" 3 10 64 -- \
  db update --db v.db --cacert "$PKI/ca.pem" --source "drip=https://127.0.0.1:$DRIP_PORT/all.zip" \
  --low-speed-time 3
assert_stderr_contains "less than 1024 bytes/s for 3 s" "the error says why it gave up"
hostile_dir drip-default
hostile_case "db update from a server sending 1 byte/s, default limits (30 s)" 3 45 64 -- \
  db update --db v.db --cacert "$PKI/ca.pem" --source "drip=https://127.0.0.1:$DRIP_PORT/all.zip"
assert_stderr_contains "less than 1024 bytes/s for 30 s" "the default low-speed limit fires"
hostile_dir mute
hostile_case "db update from a server that never finishes TLS, --connect-timeout 2" 3 10 64 -- \
  db update --db v.db --cacert "$PKI/ca.pem" --source "mute=https://127.0.0.1:$MUTE_PORT/all.zip" \
  --connect-timeout 2
assert_stderr_contains "could not connect within 2 s" "the error says it could not connect"

# ---- slow peers: a fake Engine API ---------------------------------------------------
# engine.py SOCKET MODE: /_ping answers at once (API 1.43) unless MODE is
# stall-ping; then
#   stall-ping  /_ping: nothing, ever
#   drip        every other request: headers, then a byte a second
#   drip-inspect /version, /info, lists answer; each container inspect drips
#   mounts      containers whose inspect says bind-mount sources as given
cat >"$W/engine.py" <<'PY'
import json, os, socket, sys, threading, time
path, mode = sys.argv[1], sys.argv[2]
MOUNTS = ["//etc", "/./etc", "//", "/x/../etc", "/srv/data"]
cid = lambda i: "%064x" % (0xC0DE00 + i)
def answer(c, body, status=b"200 OK"):
    c.sendall(b"HTTP/1.1 " + status + b"\r\nContent-Type: application/json\r\nApi-Version: 1.43\r\n"
              b"Content-Length: %d\r\n\r\n" % len(body) + body)
def drip(c):
    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
    while True:
        c.sendall(b" "); time.sleep(1)
def inspect(i):
    return {"Id": cid(i), "Name": "/m%d" % i, "Image": "sha256:" + "1" * 64,
            "State": {"Running": True, "Pid": 0}, "Config": {"Image": "x:1", "User": "1000"},
            "HostConfig": {"Privileged": False},
            "Mounts": [{"Type": "bind", "Source": MOUNTS[i], "Destination": "/x", "RW": False,
                        "Propagation": "rprivate"}]}
def serve(c):
    try:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = c.recv(65536)
            if not chunk:
                return
            data += chunk
        target = data.split(b" ", 2)[1].decode()
        if target == "/_ping":
            if mode == "stall-ping":
                time.sleep(3600)
            answer(c, b"OK")
            return
        p = target.split("?")[0]
        if mode == "drip":
            drip(c)
        n = 20 if mode == "drip-inspect" else len(MOUNTS)
        if p.endswith("/version"):
            answer(c, b'{"Version": "24.0.7", "ApiVersion": "1.43", "Os": "linux"}')
        elif p.endswith("/info"):
            answer(c, json.dumps({"ID": "fake", "Name": "fake", "ServerVersion": "24.0.7",
                                  "SecurityOptions": [], "LoggingDriver": "json-file"}).encode())
        elif p.endswith("/containers/json"):
            answer(c, json.dumps([{"Id": cid(i), "Names": ["/m%d" % i], "State": "running",
                                   "Image": "x:1"} for i in range(n)]).encode())
        elif "/containers/" in p and mode == "drip-inspect":
            drip(c)
        elif "/containers/" in p:
            i = int(p.split("/")[3], 16) - 0xC0DE00
            answer(c, json.dumps(inspect(i)).encode())
        else:
            answer(c, b"[]")
    except OSError:
        pass
    finally:
        c.close()
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path + ".tmp")
os.rename(path + ".tmp", path)
s.listen(64)
while True:
    conn, _ = s.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
PY
start_engine() { # start_engine MODE -> $SOCK
  SOCK=$W/engine-$1.sock
  python3 "$W/engine.py" "$SOCK" "$1" >"$W/engine-$1.out" 2>&1 &
  ld_on_exit "kill $! 2>/dev/null"
  for _ in $(seq 1 100); do [[ -S $SOCK ]] && break; sleep 0.1; done
  [[ -S $SOCK ]] || { fail_plain "the fake engine ($1) did not start" "$(cat "$W/engine-$1.out")"; exit 1; }
}
EMPTY_ROOT=$W/host-root # the engine host's files: none
mkdir -p "$EMPTY_ROOT"

start_engine stall-ping
hostile_case "docker audit, engine stalls /_ping, --engine-timeout 3" 3 15 64 -- \
  docker audit --docker-host "unix://$SOCK" --engine-timeout 3 --host-root "$EMPTY_ROOT"
start_engine drip
hostile_case "docker audit, engine drips /version, --engine-timeout 3" 3 15 64 -- \
  docker audit --docker-host "unix://$SOCK" --engine-timeout 3 --host-root "$EMPTY_ROOT"
assert_stderr_contains "GET /v1.43/version: no complete answer within 3 s" "the error names the request"
hostile_case "assess, engine drips /version, --engine-timeout 3" 3 15 64 -- \
  assess --docker-host "unix://$SOCK" --engine-timeout 3 --host-root "$EMPTY_ROOT"
start_engine drip-inspect
hostile_case "docker audit, engine drips 20 container inspects, --engine-timeout 3" 1 15 128 -- \
  docker audit --docker-host "unix://$SOCK" --engine-timeout 3 --host-root "$EMPTY_ROOT" --format json
assert_json '[.findings[] | select(.check_id == "container.privileged" and .status == "error")] | length == 20' \
  "every container's checks are not assessed"
assert_stderr_contains "not sent: the engine stopped answering" "the rest were not asked"

# ---- refused: bind-mount sources -----------------------------------------------------
start_engine mounts
hostile_case "docker audit, bind mounts of //etc, /./etc, //, /x/../etc" 1 15 128 -- \
  docker audit --docker-host "unix://$SOCK" --host-root "$EMPTY_ROOT" --format json
mount_status() { # mount_status INDEX -> container.sensitive-mounts status of container INDEX
  jq -r --arg id "$(printf '%064x' $((0xC0DE00 + $1)))" \
    '[.findings[] | select(.check_id == "container.sensitive-mounts" and .target.id == $id) | .status][0]' \
    "$LD_STDOUT_FILE"
}
spellings=("//etc" "/./etc" "//" "/x/../etc")
for i in 0 1 2 3; do
  st=$(mount_status $i)
  [[ $st == fail ]] && pass "CIS 5.6 fails for a bind mount of ${spellings[i]}" ||
    fail "CIS 5.6 is '$st' for a bind mount of ${spellings[i]}"
done
st=$(mount_status 4)
[[ $st == pass ]] && pass "CIS 5.6 passes for a bind mount of /srv/data" || fail "CIS 5.6 is '$st' for /srv/data"

if [[ -S $LD_DOCKER_SOCK ]] && docker info >/dev/null 2>&1 &&
  docker image inspect lockdown-test/busybox:1 >/dev/null 2>&1; then
  name=ld-hostile-etc-$$
  if docker create --name "$name" -v //etc:/x lockdown-test/busybox:1 true >/dev/null 2>"$W/create.err"; then
    ld_on_exit "docker rm -f $name >/dev/null 2>&1"
    hostile_case "docker audit, a real container created with -v //etc:/x" 1 120 256 -- \
      docker audit --all --container "$name" --format json
    assert_json '[.findings[] | select(.check_id == "container.sensitive-mounts" and .status == "fail" and (.target.name | contains("ld-hostile-etc")))] | length == 1' \
      "CIS 5.6 fails for the real engine's container"
  else
    skip_part --optional "the engine refused -v //etc:/x: $(head -c 200 "$W/create.err")"
  fi
elif [[ -n ${LOCKDOWN_TEST_ENGINE:-} ]]; then
  fail "LOCKDOWN_TEST_ENGINE is set but no engine with lockdown-test/busybox:1 answers"
else
  skip_part "no Docker engine with lockdown-test/busybox:1 (tests/harness/engine-up.sh, images.sh)"
fi

# ---- refused: policy YAML, ignore-file dates -----------------------------------------
hostile_dir policy-docs
printf 'version: 1\nlevel: low\n---\nlevel: high\n' >"$HOSTILE_DIR/policy.yaml"
hostile_case "policy with a second YAML document" 3 10 64 -- policy check policy.yaml
assert_stderr_contains 'a second YAML document ("---") is not accepted' "the second document is named"
hostile_dir policy-tag
printf 'version: 1\nlevel: !!python/object/apply:os.system ["true"]\n' >"$HOSTILE_DIR/policy.yaml"
hostile_case "policy with a !!python/object tag" 3 10 64 -- policy check policy.yaml
assert_stderr_contains "YAML tags (!!python/object/apply:os.system) are not accepted" "the tag is named"
hostile_dir policy-local-tag
printf 'version: 1\nlevel: !foo high\n' >"$HOSTILE_DIR/policy.yaml"
hostile_case "policy with a !foo tag" 3 10 64 -- policy check policy.yaml

hostile_dir ignore-date
printf 'GHSA-hfds-0000-0001 exp:2023-02-31\n' >"$HOSTILE_DIR/ignore"
hostile_case "ignore file with exp:2023-02-31" 3 10 128 -- \
  image scan --checks vuln --db "$DB" --ignorefile ignore --format json "dir:$W/root"
assert_stderr_contains "ignore:1: exp:2023-02-31 is not a real date" "the impossible date is named"

# ---- BOM -----------------------------------------------------------------------------
BOM=$'\xef\xbb\xbf'
hostile_dir bom-ignore
printf '%sGHSA-hfds-0000-0001\n' "$BOM" >"$HOSTILE_DIR/ignore"
hostile_case "ignore file with a BOM" 1 30 128 -- \
  image scan --checks vuln --db "$DB" --ignorefile ignore --format json "dir:$W/root"
assert_json "$VULNS == 999" "the first line's id is ignored"
hostile_dir bom-vex
printf '%s{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [{"vulnerability": {"name": "GHSA-hfds-0000-0002"}, "products": [{"@id": "pkg:npm/left-pad@1.3.0"}], "status": "not_affected", "justification": "component_not_present"}]}' \
  "$BOM" >"$HOSTILE_DIR/vex.json"
hostile_case "VEX document with a BOM" 1 30 128 -- \
  image scan --checks vuln --db "$DB" --vex vex.json --format json "dir:$W/root"
assert_json "$VULNS == 999" "its statement applies"
hostile_dir bom-osv
printf '%s{"id": "GHSA-hfds-bom0-0000", "affected": [{"package": {"ecosystem": "npm", "name": "x"}, "versions": ["1.0.0"]}]}' \
  "$BOM" >"$HOSTILE_DIR/GHSA-hfds-bom0-0000.json"
hostile_case "OSV JSON with a BOM" 0 10 64 -- db import --db v.db GHSA-hfds-bom0-0000.json
assert_stdout_contains "1 records" "the record is imported"
hostile_dir bom-alpine
printf '%s{"distroversion": "v3.19", "reponame": "main", "packages": [{"pkg": {"name": "zlib", "secfixes": {"1.3-r1": ["CVE-2023-45853"]}}}]}' \
  "$BOM" >"$HOSTILE_DIR/main.json"
hostile_case "Alpine secdb with a BOM" 0 10 64 -- db import --db v.db main.json
assert_stdout_contains "1 records" "the fix is imported"
hostile_dir bom-policy
printf '%sversion: 1\nlevel: high\n' "$BOM" >"$HOSTILE_DIR/policy.yaml"
hostile_case "policy YAML with a BOM" 0 10 64 -- policy check policy.yaml
