#!/usr/bin/env bash
# End-to-end: the images tier of `lockdown assess` on the real engine. Three
# running containers of this test (two of lockdown-test/busybox:1, one of an
# image built here offline FROM it that holds a fake AWS key and a lodash
# 4.17.20 lock file and runs as root) and one stopped container of another
# image; assess selects them with --container, so containers other tests run
# at the same time do not count:
#   - image findings for exactly the two images the running containers use
#     (by image id), none for the stopped container's image or any other
#     local image; named by the reference the containers were created from;
#   - the secret finding in the right image, image.user-nonroot fails;
#   - with a database built from the fixture feeds (lockdown db import), the
#     lodash advisories are reported in that image, and the per-image
#     "targets" summary counts them; without a database the vulnerability
#     check is not assessed (scope, tier reason, `lockdown db update`), the
#     gate fails closed on NIST-IMG-02-A, and secrets are still found;
#   - the tiers record: assessed / partly assessed / not applicable (no
#     container selected) / not assessed (engine down, Docker installed);
#   - a second run gives the same image findings, and serves layers from
#     the layer cache (its hit counter in the notes grows);
#   - an image the engine lists but cannot export (a stand-in engine on a
#     unix socket): every check of it is an error finding (not assessed),
#     never a pass, and the tier says so.
set -uo pipefail
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"

require_image lockdown-test/busybox:1
require_image lockdown-test/debian:bookworm

pfx=lockdown-b16-$$
img=$pfx-secret:1
cleanup() {
  docker rm -f "$pfx-a1" "$pfx-a2" "$pfx-s1" "$pfx-stopped" >/dev/null 2>&1
  docker rmi -f "$img" >/dev/null 2>&1
}
ld_on_exit cleanup

# ---- the image with a secret, built offline ---------------------------------------
ctx=$LD_TMP/ctx
mkdir -p "$ctx"
# the rules' format: an AWS access key id and secret (fake values)
printf 'AWS_ACCESS_KEY_ID=AKIAQ3EGT7LMRZ5XW2PN\nAWS_SECRET_ACCESS_KEY=t7Rq2Lm9Xv4Kp8Wz1Nc6Yb3Hd5Fg0Js2Ae7Ui9Oq\n' \
  >"$ctx/secret.env"
cat >"$ctx/package-lock.json" <<'JSON'
{"name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
 "packages": {"": {"name": "app", "version": "1.0.0"},
              "node_modules/lodash": {"version": "4.17.20"}}}
JSON
cat >"$ctx/Dockerfile" <<'EOF'
FROM lockdown-test/busybox:1
COPY secret.env /app/secret.env
COPY package-lock.json /srv/app/package-lock.json
USER root
CMD ["sleep", "600"]
EOF
run_cmd env DOCKER_BUILDKIT=0 docker build -q -t "$img" "$ctx"
assert_exit 0 "test image built offline FROM lockdown-test/busybox:1"
run_cmd docker run -d --name "$pfx-a1" lockdown-test/busybox:1 sleep 600
assert_exit 0 "container a1 (busybox)"
run_cmd docker run -d --name "$pfx-a2" lockdown-test/busybox:1 sleep 600
assert_exit 0 "container a2 (busybox)"
run_cmd docker run -d --name "$pfx-s1" "$img"
assert_exit 0 "container s1 (the secret image)"
run_cmd docker create --name "$pfx-stopped" lockdown-test/debian:bookworm true
assert_exit 0 "a stopped container of another image"

busybox_id=$(docker image inspect -f '{{.Id}}' lockdown-test/busybox:1)
secret_id=$(docker image inspect -f '{{.Id}}' "$img")
debian_id=$(docker image inspect -f '{{.Id}}' lockdown-test/debian:bookworm)

# ---- the fixture database ---------------------------------------------------------
DB=$LD_TMP/vuln.db
run_ld db import --db "$DB" "$LOCKDOWN_SOURCE_DIR/tests/fixtures/feeds/match/osv-npm"
assert_exit 0 "fixture database imported"

cache=$LD_TMP/layers
assess() { # assess DB [ARG...]
  local db=$1
  shift
  LOCKDOWN_DB=$db run_ld assess --container "$pfx-*" --cache-dir "$cache" -f json "$@"
}
image_ids='[.findings[] | select(.target.kind == "image") | .target.id] | unique'

# ---- with the database ------------------------------------------------------------
t0=$(date +%s%N)
assess "$DB"
t1=$(date +%s%N)
assert_exit 1 "failing image checks fail the gate"
first=$LD_STDOUT
cp "$LD_STDOUT_FILE" "$LD_TMP/first.json"
if [[ -d $LOCKDOWN_TOOLS/node_modules/ajv ]]; then
  assert_json_schema "$LD_REPO/docs/report.schema.json" "$LD_TMP/first.json"
else
  skip_part "ajv not installed in $LOCKDOWN_TOOLS: the report is not checked against docs/report.schema.json"
fi
assert_json "$image_ids == ([\"$busybox_id\", \"$secret_id\"] | sort)" \
  "image findings for exactly the two images of the running containers"
assert_json "[.findings[] | select(.target.id == \"$debian_id\")] | length == 0" \
  "nothing about the stopped container's image"
assert_json "[.findings[] | select(.target.kind == \"image\") | .target.name] | unique == ([\"docker:$img\", \"docker:lockdown-test/busybox:1\"] | sort)" \
  "images are named by the reference their containers were created from"
assert_json "[.findings[] | select(.check_id == \"image.secrets\" and .status == \"fail\") | .target.id] | unique == [\"$secret_id\"]" \
  "secrets found in the secret image only"
assert_json "any(.findings[]; .check_id == \"image.secrets\" and .status == \"fail\" and .target.path == \"/app/secret.env\")" \
  "the secret's file"
assert_json "any(.findings[]; .check_id == \"image.user-nonroot\" and .status == \"fail\" and .target.id == \"$secret_id\")" \
  "image.user-nonroot fails for the image that runs as root"
assert_json "[.findings[] | select(.check_id == \"image.vulnerabilities\" and .status == \"fail\" and .target.id == \"$secret_id\") | .vulnerability.id] | sort == [\"CVE-2020-28500\", \"CVE-2021-23337\"]" \
  "lodash 4.17.20 vulnerabilities reported in the secret image"
assert_json '[.findings[] | select(.vulnerability != null) | .vulnerability.id] | map(select(. == "CVE-2020-8203")) | length == 0' \
  "an advisory fixed below the installed version does not match"
assert_json "[.targets[] | select(.id == \"$secret_id\") | .vulnerabilities.high] == [1]" \
  "the per-image targets summary of assess counts the high vulnerability"
assert_json '[.tiers[] | select(.name == "images") | .state] == ["assessed"]' "images tier: assessed"
assert_json '[.tiers[] | select(.name == "images") | .what | startswith("2 images of 3 running containers")] == [true]' \
  "the tier says how many images of how many containers"
assert_json '.scope | contains("images: 2 of 3 running containers")' "scope line"
assert_json "any(.notes[]; startswith(\"running containers' images: \") and contains(\"docker:$img (1: $pfx-s1)\") and (contains(\"docker:lockdown-test/busybox:1 (2: $pfx-a1, $pfx-a2)\") or contains(\"docker:lockdown-test/busybox:1 (2: $pfx-a2, $pfx-a1)\")))" \
  "a note names the containers that use each image"
assert_json '.compliance.controls[] | select(.id == "NIST-IMG-07") | .state == "failed"' \
  "the secrets control fails"

hits() { jq -r '.notes[] | select(startswith("images tier: ")) | capture("\\((?<h>[0-9]+) hits?,").h' <<<"$1"; }
t2=$(date +%s%N)
assess "$DB"
t3=$(date +%s%N)
assert_exit 1 "second run"
assert_json "$image_ids == ([\"$busybox_id\", \"$secret_id\"] | sort)" "second run: the same two images"
image_findings='[.findings[] | select(.target.kind == "image") | [.check_id, .status, .target.id, .target.path]]'
jq -c "$image_findings" <<<"$first" >"$LD_TMP/first.txt"
jq -c "$image_findings" <<<"$LD_STDOUT" >"$LD_TMP/second.txt"
assert_true "second run: the same image findings in the same order" cmp -s "$LD_TMP/first.txt" "$LD_TMP/second.txt"
h1=$(hits "$first")
h2=$(hits "$LD_STDOUT")
echo "# first run $(((t1 - t0) / 1000000)) ms, cache hits $h1; second run $(((t3 - t2) / 1000000)) ms, cache hits $h2"
assert_true "second run: layers served from the cache (hits ${h1:-none} -> ${h2:-none})" \
  test "${h2:-0}" -gt "${h1:-0}"

# ---- selection --------------------------------------------------------------------
assess "$DB" --exclude-container "$pfx-s1"
assert_json "$image_ids == [\"$busybox_id\"]" "--exclude-container leaves the secret image out"
assert_json '.scope | contains("images: 1 of 2 running containers")' "scope counts the selected containers"

LOCKDOWN_DB=$DB run_ld assess --container "$pfx-nothing-*" --cache-dir "$cache" -f json
assert_json '[.findings[] | select(.target.kind == "image")] | length == 0' "no container selected: no image read"
assert_json '[.tiers[] | select(.name == "images") | .state] == ["not applicable"]' \
  "no container selected: the images tier is not applicable"
assert_json '[.tiers[] | select(.name == "images") | .reason | contains("no running container matches")] == [true]' \
  "and says why"

# ---- without a database -----------------------------------------------------------
assess "$LD_TMP/none.db"
assert_exit 1 "no database: the gate fails"
assert_json '.gate.incomplete' "no database: the run is incomplete"
assert_json '.compliance.controls[] | select(.id == "NIST-IMG-02-A") | .state == "not assessed" and .owed and (.reason | contains("lockdown db update"))' \
  "no database: the vulnerability control is not assessed, owed, and says what to run"
assert_json 'any(.gate.reasons[]; startswith("incomplete:") and contains("NIST-IMG-02-A"))' \
  "no database: the gate fails closed on the required vulnerability control"
assert_json '[.findings[] | select(.check_id == "image.vulnerabilities")] | length == 0' \
  "no database: no vulnerability verdict at all (never a pass)"
assert_json "any(.findings[]; .check_id == \"image.secrets\" and .status == \"fail\" and .target.id == \"$secret_id\")" \
  "no database: secrets are still found"
assert_json '[.tiers[] | select(.name == "images") | .state] == ["partly assessed"]' \
  "no database: the images tier is partly assessed"
assert_json '[.tiers[] | select(.name == "images") | .reason | contains("lockdown db update")] == [true]' \
  "no database: the tier says what to run"

# ---- no engine --------------------------------------------------------------------
LOCKDOWN_DB=$DB run_ld assess --docker-host unix:///nonexistent.sock -f json
assert_json '[.tiers[] | select(.name == "images") | .state] == ["not assessed"]' \
  "engine down (Docker installed here): the images tier is not assessed"
assert_json '[.findings[] | select(.target.kind == "image")] | length == 0' "engine down: no image findings"
assert_json '.compliance.controls[] | select(.id == "NIST-IMG-07") | .state == "not assessed"' \
  "engine down: the image secrets control is not assessed, not passed"

# ---- an image that cannot be read -------------------------------------------------
# A stand-in engine on a unix socket (python3's http.server): it answers the
# audit's lists in the Engine API's shapes and lists one running container
# whose image it then cannot export (404), as an engine does when the image
# went away between the list and the read.
py=python3
[[ -x /usr/bin/python3 ]] && py=/usr/bin/python3
sock=$LD_TMP/engine.sock
cat >"$LD_TMP/engine.py" <<'PY'
import json, socketserver, sys
from http.server import BaseHTTPRequestHandler
IMG = "sha256:" + "ab" * 32
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def address_string(self): return "stand-in"
    def log_message(self, *a): pass
    def send(self, code, body, ctype="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Api-Version", "1.41")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_HEAD(self): self.do_GET()
    def do_GET(self):
        p = self.path.split("?")[0]
        if p.startswith("/v1."): p = "/" + p.split("/", 2)[2]
        if p == "/_ping": return self.send(200, b"OK", "text/plain")
        if p == "/version": return self.send(200, {"Version": "20.10.24", "ApiVersion": "1.41", "MinAPIVersion": "1.12", "Os": "linux", "Arch": "amd64"})
        if p == "/info": return self.send(200, {"ServerVersion": "20.10.24", "Driver": "overlay2", "SecurityOptions": [], "Swarm": {"LocalNodeState": "inactive"}})
        if p == "/containers/json": return self.send(200, [{"Id": "f" * 64, "Names": ["/ghost"], "State": "running", "Image": "gone:1", "ImageID": IMG}])
        if p == "/images/json": return self.send(200, [])
        return self.send(404, {"message": "No such image: " + p})
class S(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
S(sys.argv[1], H).serve_forever()
PY
"$py" "$LD_TMP/engine.py" "$sock" >"$LD_TMP/engine.log" 2>&1 &
engine_pid=$!
ld_on_exit kill "$engine_pid"
for _ in $(seq 50); do [[ -S $sock ]] && break; sleep 0.1; done
if [[ -S $sock ]]; then
  LOCKDOWN_DB=$DB run_ld assess --docker-host "unix://$sock" -f json
  ghost=sha256:$(printf 'ab%.0s' $(seq 32))
  assert_json "[.findings[] | select(.target.kind == \"image\")] | length > 0 and all(.status == \"error\" and .target.id == \"$ghost\" and (.evidence | startswith(\"not assessed: \") and contains(\"404\")))" \
    "an image that cannot be read: every finding about it is an error saying why"
  assert_json '[.findings[] | select(.target.kind == "image") | .check_id] | (index("image.secrets") != null and index("image.vulnerabilities") != null and index("image.user-nonroot") != null)' \
    "its secrets, vulnerabilities and configuration checks are all not assessed"
  assert_json '[.tiers[] | select(.name == "images") | .state] == ["not assessed"]' \
    "no image could be read: the images tier is not assessed"
  assert_json '.compliance.controls[] | select(.id == "NIST-IMG-07") | .state == "not assessed"' \
    "nothing passes for an image that was not read"
else
  fail_plain "the stand-in engine did not start" "$(cat "$LD_TMP/engine.log")"
fi

finish
