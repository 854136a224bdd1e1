#!/usr/bin/env bash
# test_db_oci.sh — `lockdown db push` / `db pull`: the vulnerability database
# as a signed OCI artifact, against Debian's docker-registry (distribution
# 2.8) over TLS with htpasswd auth, keys from `lockdown key generate`:
#   - push (signed and unsigned) of a database built from the fixture feeds;
#     the manifest as the registry serves it (curl) carries our artifact
#     type, the sha256 of the file (checked with sha256sum) and its feeds;
#     `image verify` checks the signature `db push` made;
#   - pull onto a clean cache (the default path under $XDG_CACHE_HOME): the
#     same bytes, and the same vulnerability results on the same root file
#     system as the original database;
#   - refused, exit 3, the database in place unchanged and no temporary
#     file left: a wrong key, an unsigned artifact (taken with
#     --insecure-skip-verify, loudly), a policy whose trusted-keys (used
#     without --key) hold another key, a manifest over --max-manifest-size
#     and a real 80 KiB manifest over the default, a manifest of another
#     shape, and a layer blob rewritten in the registry's storage;
#   - the progress bar: never a \r on a stderr that is not a terminal
#     (db pull, db update) nor with --quiet on a terminal (script(1) gives
#     one); on a terminal `db update` draws one.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/registry_lib.sh"

reg_require
require_cmd curl jq python3 sqlite3 sha256sum script

reg_start R --tls --auth || exit 1
T=$LD_TMP
printf '%s\n' "$REG_PASS" >"$T/regpass"
export LD_STDIN=$T/regpass
REG=(--cacert "$REG_CA" --username "$REG_USER" --password-stdin)
CURL=(curl -sS --cacert "$REG_CA" -u "$REG_USER:$REG_PASS")
export LOCKDOWN_DB=$T/never-created.db # never the user's database
export LOCKDOWN_KEY_PASSWORD='db-oci-test-pw'
REPO=$R/lockdown/vulndb

sha() { sha256sum "$1" | awk '{print $1}'; }
no_temp_left() { # no_temp_left DIR DESC
  if compgen -G "$1/*.tmp-*" >/dev/null; then
    fail_plain "$2: a temporary file was left" "$(ls -la "$1")"
  else
    pass "$2: no temporary file left"
  fi
}

# ---- a database from the fixture feeds, keys -------------------------------------
FEEDS=$LD_REPO/tests/fixtures/feeds/match
DB=$T/src/vuln.db
mkdir -p "$T/src"
run_ld db import --db "$DB" "$FEEDS/debian-tracker.json" "$FEEDS/osv-npm"
assert_exit 0 "database built from the fixture feeds"
run_ld key generate "$T/signer"
assert_exit 0 "key generate"
run_ld key generate "$T/other"
assert_exit 0 "key generate (another key)"

# ---- push ----------------------------------------------------------------------------
run_ld db push "$REPO:1" --db "$DB" --key "$T/signer.key" "${REG[@]}"
assert_exit 0 "db push --key"
assert_stdout_matches '^sha256:[0-9a-f]{64}$' "push prints the manifest digest"
DIGEST=$LD_STDOUT
assert_stderr_contains "signed with key" "push says it signed"
"${CURL[@]}" -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
  "https://$R/v2/lockdown/vulndb/manifests/1" -o "$T/manifest.json"
assert_eq "$DIGEST" "sha256:$(sha "$T/manifest.json")" "the digest printed is the manifest's"
assert_json_file "$T/manifest.json" '.artifactType == "application/vnd.lockdown.vulndb.v1"' "artifactType"
assert_json_file "$T/manifest.json" '.config.mediaType == "application/vnd.lockdown.vulndb.config.v1+json"' "config media type"
assert_json_file "$T/manifest.json" '(.layers | length) == 1 and (.layers[0].mediaType | endswith("sqlite+zstd"))' "one zstd layer"
assert_json_file "$T/manifest.json" ".annotations[\"dev.lockdown.vulndb.sha256\"] == \"sha256:$(sha "$DB")\"" "annotation: sha256 of the file"
assert_json_file "$T/manifest.json" ".annotations[\"dev.lockdown.vulndb.size\"] == \"$(stat -c %s "$DB")\"" "annotation: size"
feeds=$(sqlite3 "$DB" "SELECT group_concat(name, ',') FROM (SELECT name FROM sources ORDER BY name)")
assert_json_file "$T/manifest.json" ".annotations[\"dev.lockdown.vulndb.feeds\"] == \"$feeds\"" "annotation: feeds ($feeds)"
layer=$(jq -r '.layers[0].digest' "$T/manifest.json")
"${CURL[@]}" "https://$R/v2/lockdown/vulndb/blobs/$layer" -L -o "$T/layer.zst"
if command -v zstd >/dev/null; then
  zstd -q -d -c "$T/layer.zst" >"$T/layer.db"
  assert_eq "$(sha "$DB")" "$(sha "$T/layer.db")" "the layer is the database compressed with zstd (zstd -d)"
else
  skip_part "zstd not installed: the layer not decompressed by a second tool"
fi

run_ld image verify "$REPO:1" --key "$T/signer.pub" "${REG[@]}"
assert_exit 0 "image verify accepts the signature db push made"
run_ld image verify "$REPO:1" --key "$T/other.pub" "${REG[@]}"
assert_exit 1 "image verify with another key fails"

# another database: the same bytes would make the same manifest digest, which is signed
DB2=$T/src2/vuln.db
mkdir -p "$T/src2"
run_ld db import --db "$DB2" "$FEEDS/osv-npm"
assert_exit 0 "a second database (npm only)"
run_ld db push "$REPO:unsigned" --db "$DB2" "${REG[@]}"
assert_exit 0 "db push without --key"
assert_stderr_contains "unsigned" "push says it is unsigned"
run_ld db push "$REPO@$DIGEST" --db "$DB" "${REG[@]}"
assert_exit 3 "db push to a digest is refused"

# ---- pull onto a clean cache -------------------------------------------------------------
CLEAN=$T/clean
PULLED=$CLEAN/lockdown/vuln.db
LOCKDOWN_DB='' XDG_CACHE_HOME=$CLEAN run_ld db pull "$REPO:1" --key "$T/signer.pub" "${REG[@]}"
assert_exit 0 "db pull on a clean cache"
assert_stdout_contains "signature verified with key" "pull says the signature was verified"
assert_stderr_not_contains $'\r' "no \\r on a stderr that is not a terminal"
assert_file_exists "$PULLED" "pulled to the default path"
assert_eq "$(sha "$DB")" "$(sha "$PULLED")" "the pulled database is the pushed file"
no_temp_left "$CLEAN/lockdown" "pull"

# the same results on the same root file system
ALP=$T/alpine-npm
mkdir -p "$ALP/lib/apk/db" "$ALP/etc" "$ALP/srv/app"
printf 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.0\n' >"$ALP/etc/os-release"
printf 'P:zlib\nV:1.3-r2\nA:x86_64\nL:Zlib\no:zlib\n\n' >"$ALP/lib/apk/db/installed"
cat >"$ALP/srv/app/package-lock.json" <<'JSON'
{"name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
 "packages": {"": {"name": "app", "version": "1.0.0"},
              "node_modules/lodash": {"version": "4.17.20"}}}
JSON
ids() {
  jq -c '[.findings[] | select(.vulnerability) | .vulnerability] | sort_by(.id, .package)' "$LD_STDOUT_FILE"
}
run_ld image scan --checks vuln --allow-incomplete --db "$DB" --format json "dir:$ALP"
want=$(ids)
[[ -n $want && $want != "[]" ]] && pass "the original database finds vulnerabilities ($(jq -r 'map(.id) | join(" ")' <<<"$want"))" ||
  fail "the original database found nothing: the comparison would prove nothing"
run_ld image scan --checks vuln --allow-incomplete --db "$PULLED" --format json "dir:$ALP"
assert_eq "$want" "$(ids)" "the pulled database gives the same vulnerabilities"

# ---- refusals: the database in place stays as it was -----------------------------------------
OLD=$T/keep/vuln.db
mkdir -p "$T/keep"
run_ld db import --db "$OLD" "$FEEDS/debian-tracker.json"
assert_exit 0 "a different local database (Debian only)"
old_sha=$(sha "$OLD")
refused() { # refused DESC TEXT — exit 3, TEXT on stderr, OLD unchanged, nothing left
  assert_exit 3 "$1"
  assert_stderr_contains "$2" "$1: says why"
  assert_eq "$old_sha" "$(sha "$OLD")" "$1: the local database is unchanged"
  no_temp_left "$T/keep" "$1"
}

run_ld db pull "$REPO:1" --db "$OLD" --key "$T/other.pub" "${REG[@]}"
refused "wrong key" "refused"
run_ld db pull "$REPO:unsigned" --db "$OLD" --key "$T/signer.pub" "${REG[@]}"
refused "unsigned" "unsigned"
run_ld db pull "$REPO:1" --db "$OLD" "${REG[@]}"
assert_exit 2 "no key anywhere: a usage error"

# the trusted-keys of lockdown's policy instead of --key
printf 'version: 1\ntrusted-keys:\n  - name: vulndb\n    key: file:signer.pub\n' >"$T/policy.yaml"
printf 'version: 1\ntrusted-keys:\n  - name: other\n    key: file:other.pub\n' >"$T/policy-other.yaml"
run_ld db pull "$REPO:1" --db "$OLD" --policy "$T/policy-other.yaml" "${REG[@]}"
refused "a policy trusting another key" "refused"
cp "$OLD" "$T/bypolicy.db"
run_ld db pull "$REPO:1" --db "$T/bypolicy.db" --policy "$T/policy.yaml" "${REG[@]}"
assert_exit 0 "the policy's trusted-keys verify the database"
assert_eq "$(sha "$DB")" "$(sha "$T/bypolicy.db")" "pulled with the policy's key"

# unsigned, taken loudly with --insecure-skip-verify (even with --quiet)
cp "$OLD" "$T/insecure.db"
run_ld db pull "$REPO:unsigned" --db "$T/insecure.db" --insecure-skip-verify --quiet "${REG[@]}"
assert_exit 0 "--insecure-skip-verify takes an unsigned database"
assert_stderr_contains "WARNING: --insecure-skip-verify" "and says so, --quiet or not"
assert_eq "$(sha "$DB2")" "$(sha "$T/insecure.db")" "the unsigned database was written"

# hostile manifests (PUT with curl, pulled with --insecure-skip-verify: the
# digest and shape checks still hold)
put_manifest() { # put_manifest TAG FILE
  "${CURL[@]}" -o /dev/null -w '%{http_code}' -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    --data-binary "@$2" "https://$R/v2/lockdown/vulndb/manifests/$1"
}
python3 -c 'import sys; print("x" * 80000)' >"$T/pad"
jq -c --rawfile pad "$T/pad" '.annotations.pad = $pad' "$T/manifest.json" >"$T/big.json"
assert_eq 201 "$(put_manifest big "$T/big.json")" "an 80 KiB manifest stored in the registry"
run_ld db pull "$REPO:big" --db "$OLD" --insecure-skip-verify "${REG[@]}"
refused "an 80 KiB manifest (default limit 64 KiB)" "over the limit"
run_ld db pull "$REPO:big" --db "$T/insecure.db" --insecure-skip-verify --max-manifest-size 100 "${REG[@]}"
assert_exit 0 "the same manifest under --max-manifest-size 100 (KB) is taken"
jq -c '.layers[0].mediaType = "application/vnd.oci.image.layer.v1.tar+gzip"' "$T/manifest.json" >"$T/other.json"
assert_eq 201 "$(put_manifest other "$T/other.json")" "a manifest with another layer type stored"
run_ld db pull "$REPO:other" --db "$OLD" --insecure-skip-verify "${REG[@]}"
refused "a manifest of another shape" "not a lockdown vulnerability database"
jq -c --arg s "sha256:$(printf '0%.0s' {1..64})" '.annotations["dev.lockdown.vulndb.sha256"] = $s' "$T/manifest.json" >"$T/badsha.json"
assert_eq 201 "$(put_manifest badsha "$T/badsha.json")" "a manifest naming another file sha256 stored"
run_ld db pull "$REPO:badsha" --db "$OLD" --insecure-skip-verify "${REG[@]}"
refused "the file does not hash to the annotation" "hashing to"

# the layer rewritten in the registry's storage (same size, one byte changed)
blob=$R_DIR/storage/docker/registry/v2/blobs/sha256/${layer:7:2}/${layer#sha256:}/data
if [[ -f $blob ]]; then
  size=$(stat -c %s "$blob")
  printf '\x00\x01\x02\x03' | dd of="$blob" bs=1 seek=$((size / 2)) conv=notrunc status=none
  assert_eq "$size" "$(stat -c %s "$blob")" "blob rewritten in place"
  run_ld db pull "$REPO:1" --db "$OLD" --key "$T/signer.pub" "${REG[@]}"
  refused "a tampered layer blob (signature still valid)" "layer $layer"
else
  fail_plain "layer blob not found in the registry storage" "$blob"
fi

# ---- the progress bar on a terminal and off it ------------------------------------------------
mkdir -p "$T/www"
cp "$FEEDS/debian-tracker.json" "$T/www/tracker.json"
cat >"$T/srv.py" <<'PY'
import http.server, ssl, sys, os, functools
os.chdir(sys.argv[1])
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1]))
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
open(sys.argv[4], "w").write(str(srv.server_address[1]))
srv.serve_forever()
PY
python3 "$T/srv.py" "$T/www" "$REG_CERT" "$REG_KEY" "$T/port" >"$T/srv.log" 2>&1 &
srv_pid=$!
ld_on_exit "kill $srv_pid 2>/dev/null; wait $srv_pid 2>/dev/null"
for ((i = 0; i < 100; i++)); do [[ -s $T/port ]] && break; sleep 0.1; done
SRC=(--source "debian-tracker=https://127.0.0.1:$(cat "$T/port")/tracker.json" --cacert "$REG_CA")
run_ld db update --db "$T/upd.db" "${SRC[@]}"
assert_exit 0 "db update from a local HTTPS server"
assert_stderr_not_contains $'\r' "db update: no \\r on a stderr that is not a terminal"
tty_run() { # tty_run OUTFILE ARGS... — lockdown on a pseudo-terminal (script(1)), output in OUTFILE
  local outf=$1
  shift
  local cmd
  cmd=$(printf '%q ' "$LOCKDOWN" "$@")
  COLUMNS=100 script -qec "$cmd" /dev/null >"$outf" 2>&1 </dev/null
}
tty_run "$T/tty-quiet.out" db update --quiet --db "$T/upd.db" "${SRC[@]}"
# script(1)'s terminal turns each \n into \r\n: only a \r elsewhere is progress
if sed 's/\r$//' "$T/tty-quiet.out" | grep -q $'\r'; then
  fail_plain "db update --quiet on a terminal drew progress" "$(od -c "$T/tty-quiet.out" | head)"
else
  pass "db update --quiet on a terminal: no progress"
fi
tty_run "$T/tty.out" db update --db "$T/upd2.db" "${SRC[@]}"
if grep -q $'\rdebian-tracker ' "$T/tty.out"; then
  pass "db update on a terminal draws the bar (\\r debian-tracker ...)"
else
  fail_plain "db update on a terminal drew no bar" "$(od -c "$T/tty.out" | head -20)"
fi
finish
