#!/usr/bin/env bash
# test_hostile_files.sh — issue 11, "nothing hangs" (FIFOs and other
# non-regular files as input) and "nothing of the user's is destroyed"
# (--db PATH, -o FILE, interrupted database builds). Every case is built
# here (FIFOs, links, a device node, a read-only directory, a generated OSV
# zip, a dripping HTTPS server); nothing binary is committed.
#
# Bounds: the refusals are held to 5 s (FIFO and device inputs; the old
# code blocked in open() forever) or 10 s, and 64 MiB peak RSS (hostile.sh
# multiplies both under ASan). The interrupted builds must end within 5 s
# of the signal and leave no DEST.tmp-* file and no DEST.dl-* directory;
# the database they were replacing keeps its bytes.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$LD_REPO/tests/e2e/hostile.sh"
require_cmd python3 openssl sqlite3 jq env

FEEDS=$LD_REPO/tests/fixtures/feeds
W=$HOSTILE_WATCH # the user's files: hostile.sh checks that none of them changes

# inputs shared by the cases (outside the watched directory)
SHARED=$LD_TMP/shared
mkdir -p "$SHARED/root/etc"
printf 'ID=debian\nVERSION_ID="12"\n' >"$SHARED/root/etc/os-release"
"$LOCKDOWN" db import -q --db "$SHARED/base.db" "$FEEDS/osv-npm" >/dev/null 2>&1 ||
  { fail_plain "building the test database"; exit 1; }
printf 'FROM alpine:3.19\nRUN echo hi\n' >"$SHARED/Dockerfile"

# ---- nothing hangs: a FIFO (or a device) as each input --------------------------------
fifo_case() { # fifo_case DESC -- ARGS... (ARGS use $HOSTILE_DIR/fifo); exit 3 within 5 s
  local desc=$1
  shift 2
  hostile_case "$desc" 3 5 64 -- "$@"
  if ! grep -q 'not a regular file (it is a FIFO)\|nobody reads' "$LD_STDERR_FILE"; then
    fail "$desc: the message says what the file is"
  fi
}
new_fifo() { # new_fifo NAME — a fresh case directory holding the FIFO NAME
  hostile_dir "$1"
  mkfifo "$HOSTILE_DIR/fifo"
}

new_fifo import
fifo_case "db import of a FIFO" -- db import --db "$HOSTILE_DIR/v.db" "$HOSTILE_DIR/fifo"
new_fifo import-typed
fifo_case "db import --type osv-zip of a FIFO (no detection)" -- \
  db import --type osv-zip --db "$HOSTILE_DIR/v.db" "$HOSTILE_DIR/fifo"
new_fifo import-debian
fifo_case "db import --type debian of a FIFO (whole-file read)" -- \
  db import --type debian --db "$HOSTILE_DIR/v.db" "$HOSTILE_DIR/fifo"
new_fifo status
fifo_case "db status --db FIFO" -- db status --db "$HOSTILE_DIR/fifo"
new_fifo scan-db
fifo_case "image scan --db FIFO" -- image scan --checks vuln --db "$HOSTILE_DIR/fifo" "dir:$SHARED/root"
new_fifo vex
fifo_case "image scan --vex FIFO" -- image scan --checks vuln --db "$SHARED/base.db" \
  --vex "$HOSTILE_DIR/fifo" "dir:$SHARED/root"
new_fifo ignorefile
fifo_case "image scan --ignorefile FIFO" -- image scan --checks vuln --db "$SHARED/base.db" \
  --ignorefile "$HOSTILE_DIR/fifo" "dir:$SHARED/root"
new_fifo config
fifo_case "db update --config FIFO" -- db update --db "$HOSTILE_DIR/v.db" --config "$HOSTILE_DIR/fifo"
new_fifo cacert
fifo_case "db update --cacert FIFO" -- db update --db "$HOSTILE_DIR/v.db" --cacert "$HOSTILE_DIR/fifo" \
  --source "osv-npm=https://127.0.0.1:9/all.zip"
new_fifo policy
fifo_case "--policy FIFO" -- dockerfile lint --policy "$HOSTILE_DIR/fifo" "$SHARED/Dockerfile"
new_fifo dockerfile
fifo_case "dockerfile lint FIFO" -- dockerfile lint "$HOSTILE_DIR/fifo"
new_fifo output
fifo_case "-o FIFO that nobody reads" -- dockerfile lint "$SHARED/Dockerfile" -o "$HOSTILE_DIR/fifo"
new_fifo db-write
D=$HOSTILE_DIR
hostile_case "db import --db FIFO (the file to replace)" 3 5 64 -- db import --db "$D/fifo" "$FEEDS/osv-npm"
assert_stderr_contains "refusing to replace $D/fifo: not a lockdown database (it is a FIFO)"

# a device reads forever (/dev/zero) or is nothing (/dev/null): refused at once
hostile_dir vex-zero
hostile_case "image scan --vex /dev/zero" 3 5 64 -- image scan --checks vuln \
  --db "$SHARED/base.db" --vex /dev/zero "dir:$SHARED/root"
assert_stderr_contains "/dev/zero: VEX document is not a regular file (it is a character device)"

# ---- nothing destroyed: --db PATH ------------------------------------------------------
hostile_watch notes.txt "my notes, not a database"
TEXT=$REPLY
hostile_dir db-text
hostile_case "db import --db a text file" 3 10 64 -- db import --db "$TEXT" "$FEEDS/osv-npm"
assert_stderr_contains "refusing to replace $TEXT: not a lockdown database"
hostile_dir db-text-update
hostile_case "db update --db a text file (refused before any download)" 3 10 64 -- \
  db update --db "$TEXT" --source "osv-npm=https://127.0.0.1:9/all.zip"
assert_stderr_contains "refusing to replace $TEXT: not a lockdown database"

ln -s notes.txt "$W/to-notes.db"
hostile_dir db-link-text
hostile_case "db import --db a link to a text file" 3 10 64 -- \
  db import --db "$W/to-notes.db" "$FEEDS/osv-npm"
assert_stderr_contains "refusing to replace $W/to-notes.db: not a lockdown database"

ln -s missing.db "$W/dangling.db"
hostile_dir db-dangling
hostile_case "db import --db a dangling link" 3 10 64 -- \
  db import --db "$W/dangling.db" "$FEEDS/osv-npm"
[[ ! -e $W/missing.db ]] && pass "the dangling link's target was not created" ||
  fail_plain "the dangling link's target was created"

sqlite3 "$W/other-app.sqlite" 'CREATE TABLE meta(key, value); CREATE TABLE notes(t);'
hostile_dir db-foreign
hostile_case "db import --db another program's SQLite file" 3 10 64 -- \
  db import --db "$W/other-app.sqlite" "$FEEDS/osv-npm"
assert_stderr_contains "without lockdown's tables"

# /dev/null as root: the same device (1, 3) made in the test's directory, so
# that a regression replaces that node and not the machine's /dev/null
if [[ $(id -u) == 0 ]] && mknod -m 666 "$LD_TMP/null" c 1 3 2>/dev/null; then
  DEVNULL=$LD_TMP/null
  hostile_dir db-devnull
  hostile_case "db import --db a device node (/dev/null) as root" 3 10 64 -- \
    db import --db "$DEVNULL" "$FEEDS/osv-npm"
  assert_stderr_contains "refusing to replace $DEVNULL: not a lockdown database (it is a character device)"
  [[ -c $DEVNULL ]] && pass "the device node is still a character device" ||
    fail_plain "--db replaced a device node"
  # on a nodev mount the node cannot be opened: -o then writes to the real one
  (: >"$DEVNULL") 2>/dev/null || DEVNULL=/dev/null
else
  DEVNULL=/dev/null # not replaceable without root
  skip_part --optional "not root (or no mknod): --db on a device node cannot replace it anyway"
fi

# a link to a database is followed: the target is rebuilt, the link stays
hostile_dir db-link-db
D=$HOSTILE_DIR
cp "$SHARED/base.db" "$D/real.db"
ln -s real.db "$D/link.db"
hostile_case "db import --db a link to a lockdown database" 0 10 64 -- \
  db import -q --db "$D/link.db" "$FEEDS/debian/tracker.json"
[[ -L $D/link.db && -f $D/real.db ]] && pass "the link stays a link" ||
  fail_plain "the link was replaced"
assert_eq 2 "$(sqlite3 "$D/real.db" 'SELECT count(*) FROM sources')" \
  "the target holds the old source and the new one"

# ---- nothing destroyed: -o FILE --------------------------------------------------------
hostile_watch Dockerfile "$(cat "$SHARED/Dockerfile")"
DF=$REPLY
hostile_watch report.json '{"previous": "report"}'
PREV=$REPLY

ln -s not-there.json "$W/dangling.json"
hostile_dir out-dangling
hostile_case "-o a dangling link" 3 10 64 -- dockerfile lint "$SHARED/Dockerfile" -o "$W/dangling.json"
assert_stderr_contains "it is a symbolic link"
[[ ! -e $W/not-there.json ]] && pass "the link's target was not created" ||
  fail_plain "-o created the dangling link's target"

hostile_watch linked-report.json '{"previous": "linked report"}'
ln -s linked-report.json "$W/to-report.json"
hostile_dir out-link
hostile_case "-o a link to a report" 3 10 64 -- dockerfile lint "$SHARED/Dockerfile" -o "$W/to-report.json"

hostile_dir out-is-input
hostile_case "dockerfile lint D -o D" 3 10 64 -- dockerfile lint "$DF" -o "$DF"
assert_stderr_contains "it is an input of this run"

# each case its own watched file: a clobbered one must not hide the next case
hostile_watch Dockerfile.2 "$(cat "$SHARED/Dockerfile")"
ln "$REPLY" "$W/Dockerfile.hardlink"
hostile_dir out-hardlink
hostile_case "-o a hard link of the input" 3 10 64 -- dockerfile lint "$REPLY" -o "$W/Dockerfile.hardlink"

hostile_watch policy.yaml $'version: 1\n'
POLICY=$REPLY
hostile_dir out-policy
hostile_case "-o the --policy file" 3 10 64 -- dockerfile lint --policy "$POLICY" "$SHARED/Dockerfile" -o "$POLICY"

hostile_watch vex.json '{"@context": "https://openvex.dev/ns/v0.2.0", "statements": []}'
VEX=$REPLY
hostile_dir out-vex
hostile_case "image scan --vex=V -o V" 3 10 64 -- image scan --checks vuln --db "$SHARED/base.db" \
  "--vex=$VEX" "dir:$SHARED/root" -o "$VEX"

hostile_watch image.tar "an image archive"
hostile_dir out-sbom-target
hostile_case "image sbom docker-archive:X -o X" 3 10 64 -- image sbom "docker-archive:$W/image.tar" -o "$W/image.tar"

hostile_dir out-failed-run
hostile_case "a failed run keeps the previous report" 3 10 64 -- \
  dockerfile lint "$HOSTILE_DIR/no-such-Dockerfile" -o "$PREV"
hostile_watch sbom.json '{"previous": "sbom"}'
hostile_dir out-failed-sbom
hostile_case "a failed image sbom keeps the previous report" 3 10 64 -- \
  image sbom "dir:$HOSTILE_DIR/no-such-dir" -o "$REPLY"

# a directory the user may not write
RO=$LD_TMP/read-only
mkdir -p "$RO"
cp "$PREV" "$RO/report.json"
chmod 0555 "$RO"
chmod 0755 "$LD_TMP" "$SHARED"
chmod 0644 "$SHARED/Dockerfile"
# as root, the cases run as nobody (setpriv), for whom the directory is read-only
REAL=$LOCKDOWN
RUNNER=()
[[ $(id -u) == 0 ]] && RUNNER=(setpriv --reuid=65534 --regid=65534 --clear-groups -- "$REAL")
if [[ $(id -u) != 0 ]] || command -v setpriv >/dev/null; then
  before=$(cd "$RO" && ls -ln && sha256sum report.json)
  asan=$(nm -an "$REAL" 2>/dev/null | grep -q __asan_init && echo 1)
  for what in new report; do
    hostile_dir "out-read-only-$what"
    chmod 0777 "$HOSTILE_DIR"
    if ((${#RUNNER[@]})); then
      LOCKDOWN_HOSTILE_ASAN=$asan LOCKDOWN=${RUNNER[0]} hostile_case \
        "-o $what.json in a read-only directory" 3 10 64 -- "${RUNNER[@]:1}" \
        dockerfile lint "$SHARED/Dockerfile" -o "$RO/$what.json"
    else
      hostile_case "-o $what.json in a read-only directory" 3 10 64 -- \
        dockerfile lint "$SHARED/Dockerfile" -o "$RO/$what.json"
    fi
    assert_stderr_contains "cannot write the report to $RO/$what.json"
  done
  assert_eq "$before" "$(cd "$RO" && ls -ln && sha256sum report.json)" \
    "the read-only directory is as it was"
else
  skip_part "root without setpriv: cannot test a read-only directory"
fi

# what succeeds: the report replaces the file, keeps its mode, leaves no temporary file
hostile_dir out-replaced
D=$HOSTILE_DIR
printf 'old report\n' >"$D/out.json"
chmod 0600 "$D/out.json"
hostile_case "-o over a previous report (the run fails its gate: a report all the same)" 1 10 64 -- \
  dockerfile lint "$SHARED/Dockerfile" --format json -o "$D/out.json"
assert_eq "dockerfile lint" "$(jq -r '.command' "$D/out.json" 2>/dev/null)" "the new report is in FILE"
assert_eq 600 "$(stat -c %a "$D/out.json")" "FILE keeps its mode"
assert_eq "out.json" "$(ls -A "$D")" "no temporary file is left beside FILE"

hostile_dir out-own-output
D=$HOSTILE_DIR
hostile_case "controls -o FILE (a command that writes its own output)" 0 10 64 -- \
  controls --format json -o "$D/controls.json"
jq -e '.controls | length > 0' "$D/controls.json" >/dev/null &&
  pass "controls wrote its report to FILE" || fail_plain "controls -o FILE: no report in FILE"

hostile_dir out-word
D=$HOSTILE_DIR
HOSTILE_DIR=
touch "$D/json"
(cd "$D" && "$LOCKDOWN" dockerfile lint -q --format json -o json "$SHARED/Dockerfile" >/dev/null 2>&1)
jq -e '.command' "$D/json" >/dev/null 2>&1 &&
  pass "--format json -o json: an option's word is not an input" ||
  fail_plain "--format json -o json was refused"

hostile_dir out-devnull
hostile_case "-o /dev/null (a stream, written in place)" 1 10 64 -- \
  dockerfile lint "$SHARED/Dockerfile" -o "$DEVNULL"
[[ -c $DEVNULL ]] && pass "-o left the device node a character device" ||
  fail_plain "-o replaced a device node"

# ---- interrupted database builds ----------------------------------------------------
# signal_case DESC SIGNAL WAIT_GLOB DB -- ARGS...: starts lockdown ARGS, waits for
# WAIT_GLOB to exist, sends SIGNAL, and asserts: it ends within 5 s, dies of the
# signal, says so in one line, leaves no DB.tmp-* / DB.dl-*, DB keeps its bytes.
signal_case() {
  local desc=$1 sig=$2 glob=$3 db=$4
  shift 5
  local before=none
  [[ -f $db ]] && before=$(sha256sum <"$db")
  # a background job of a script ignores SIGINT: env gives it back its default
  (cd "$HOSTILE_DIR" && exec env --default-signal=INT,TERM "$LOCKDOWN" "$@" \
    >"$LD_STDOUT_FILE" 2>"$LD_STDERR_FILE" </dev/null) &
  local pid=$! i
  for ((i = 0; i < 200; i++)); do
    compgen -G "$glob" >/dev/null && break
    sleep 0.05
  done
  if ! compgen -G "$glob" >/dev/null; then
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    fail_plain "$desc: $glob never appeared" "$(cat "$LD_STDERR_FILE")"
    return 0
  fi
  sleep 0.3
  kill "-$sig" "$pid"
  local t0=$SECONDS stopped=false
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || { stopped=true; break; }
    sleep 0.05
  done
  if ! $stopped; then
    kill -KILL "$pid" 2>/dev/null
    fail_plain "$desc: still running 5 s after SIG$sig (killed)"
  else
    pass "$desc: stopped within 5 s of SIG$sig ($((SECONDS - t0)) s)"
  fi
  wait "$pid"
  LD_EXIT=$?
  local want=$((128 + $(kill -l "$sig")))
  [[ $LD_EXIT == "$want" ]] && pass "$desc: died of SIG$sig (status $want)" ||
    fail_plain "$desc: exit status $LD_EXIT, expected $want" "$(cat "$LD_STDERR_FILE")"
  grep -q "^lockdown: interrupted by SIG$sig: database .* left unchanged" "$LD_STDERR_FILE" &&
    [[ $(wc -l <"$LD_STDERR_FILE") == 1 ]] && pass "$desc: one line says so" ||
    fail_plain "$desc: stderr" "$(cat "$LD_STDERR_FILE")"
  local left
  left=$(compgen -G "$db.tmp-*"; compgen -G "$db.dl-*")
  [[ -z $left ]] && pass "$desc: no temporary database or download directory left" ||
    fail_plain "$desc: left behind" "$left"
  if [[ $before != none ]]; then
    [[ $(sha256sum <"$db") == "$before" ]] && pass "$desc: the database is unchanged" ||
      fail_plain "$desc: the database changed"
  fi
}

hostile_dir sigint-import
python3 "$LD_REPO/bench/db_import_gen.py" osv 12000 "$HOSTILE_DIR/big.zip" >/dev/null
cp "$SHARED/base.db" "$HOSTILE_DIR/v.db"
signal_case "SIGINT during db import of a big OSV zip" INT "$HOSTILE_DIR/v.db.tmp-*" "$HOSTILE_DIR/v.db" -- \
  db import --db "$HOSTILE_DIR/v.db" "$HOSTILE_DIR/big.zip"

# db update against a server that drips its body: SIGTERM mid-download
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
cat >"$LD_TMP/drip.py" <<'PY'
# HTTPS server that announces 10 MB and sends one byte every 0.1 s.
import http.server, os, ssl, sys, time
cert, key, portfile = sys.argv[1:4]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(10 << 20))
        self.end_headers()
        try:
            for _ in range(10 << 20):
                self.wfile.write(b"{"); self.wfile.flush(); time.sleep(0.1)
        except OSError:
            pass
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
PY
python3 "$LD_TMP/drip.py" "$PKI/srv.pem" "$PKI/srv.key" "$LD_TMP/port" >"$LD_TMP/drip.out" 2>&1 &
DRIP_PID=$!
ld_on_exit "kill $DRIP_PID 2>/dev/null"
for _ in $(seq 1 100); do [[ -s $LD_TMP/port ]] && break; sleep 0.1; done
if [[ -s $LD_TMP/port ]]; then
  hostile_dir sigterm-update
  cp "$SHARED/base.db" "$HOSTILE_DIR/v.db"
  signal_case "SIGTERM during db update (a download under way)" TERM "$HOSTILE_DIR/v.db.dl-*/osv-npm" \
    "$HOSTILE_DIR/v.db" -- db update --db "$HOSTILE_DIR/v.db" --cacert "$PKI/ca.pem" \
    --source "osv-npm=https://127.0.0.1:$(cat "$LD_TMP/port")/all.zip"
else
  fail_plain "the dripping HTTPS server did not start" "$(cat "$LD_TMP/drip.out")"
fi

# leftovers of killed runs (2 hours old, ours, named as we name them) go at the
# next import; a recent one (a run under way) and other names stay
hostile_dir stale
D=$HOSTILE_DIR
cp "$SHARED/base.db" "$D/v.db"
touch -d '2 hours ago' "$D/v.db.tmp-Ab3dE9"
mkdir "$D/v.db.dl-Zx81Qa"
touch -d '2 hours ago' "$D/v.db.dl-Zx81Qa/osv-npm" "$D/v.db.dl-Zx81Qa"
touch "$D/v.db.tmp-Recent"
touch -d '2 hours ago' "$D/v.db.tmp-Ab3dE9.keep" "$D/w.db.tmp-Ab3dE9"
hostile_case "the next import removes stale leftovers" 0 10 64 -- \
  db import -q --db "$D/v.db" "$FEEDS/debian/tracker.json"
assert_eq "v.db v.db.tmp-Ab3dE9.keep v.db.tmp-Recent w.db.tmp-Ab3dE9" \
  "$(cd "$D" && ls -A | sort | tr '\n' ' ' | sed 's/ $//')" \
  "only the stale leftovers of v.db were removed"
