#!/usr/bin/env bash
# The registry tier of `lockdown assess`:
#   - the containers trust policy read under --host-root: a default of
#     insecureAcceptAnything fails host.containers-policy (NIST-IMG-12); reject
#     plus sigstoreSigned scopes passes, and registries.d's
#     use-sigstore-attachments for those scopes passes (missing: warn); a
#     scope that accepts anything warns; no policy.json: not applicable; a
#     policy.json that does not parse: not assessed, with the parser's reason;
#   - the live engine's RegistryConfig as it is: each registry besides
#     docker.io (computed here from /info with jq) gets the remote checks;
#     none: the remote checks are not applicable;
#   - the engine cannot be reconfigured here, so a stand-in engine on a unix
#     socket answers with the live engine's own /version and /info, its
#     RegistryConfig replaced: an open plain-HTTP registry marked Secure false
#     (audited, registry.tls fails, insecure-transport names the engine's
#     setting), a TLS mirror (passes with --cacert), one where nothing listens
#     and one that accepts connections and never answers (both not assessed,
#     and the run stays within the --registry-timeout bound); docker.io is not
#     audited;
#   - no engine: not applicable without Docker under the root, not assessed
#     with it.
# On the code before this change assess read no registry and no policy.json.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/registry_lib.sh"
require_cmd jq curl python3
reg_require

export HOME=$LD_TMP/home
mkdir -p "$HOME"
unset DOCKER_CONFIG DOCKER_HOST
ROOT=$LD_TMP/root
mkdir -p "$ROOT/etc/containers"
echo 'root:x:0:0:root:/root:/bin/sh' >"$ROOT/etc/passwd" # a host tree without Docker
DEAD_SOCK=unix://$LD_TMP/no-engine.sock

st() { jq -r --arg c "$1" '[.findings[] | select(.check_id == $c) | .status] | join(",")' "$LD_STDOUT_FILE"; }
st_at() { jq -r --arg c "$1" --arg t "$2" '[.findings[] | select(.check_id == $c and .target.id == $t) | .status] | join(",")' "$LD_STDOUT_FILE"; }
ev() { jq -r --arg c "$1" '[.findings[] | select(.check_id == $c) | .evidence] | join(" | ")' "$LD_STDOUT_FILE"; }
state() { jq -r --arg c "$1" '.compliance.controls[] | select(.id == $c) | .state' "$LD_STDOUT_FILE"; }
reason() { jq -r --arg c "$1" '.compliance.controls[] | select(.id == $c) | .reason' "$LD_STDOUT_FILE"; }

assess_root() { run_ld assess --host-root "$ROOT" --docker-host "$DEAD_SOCK" --format json "$@"; }

# ---- policy.json under --host-root ------------------------------------------------------
echo '{"default": [{"type": "insecureAcceptAnything"}]}' >"$ROOT/etc/containers/policy.json"
assess_root
assert_eq fail "$(st host.containers-policy)" "default insecureAcceptAnything"
assert_true "the evidence says what it lets run" grep -q 'the global default for docker images is insecureAcceptAnything' <<<"$(ev host.containers-policy)"
assert_eq failed "$(state NIST-IMG-12)" "NIST-IMG-12 fails"
assert_json "[.findings[] | select(.check_id == \"host.containers-policy\") | .target.id] == [\"$ROOT/etc/containers/policy.json\"]" \
  "the finding names the file under the root"
assert_eq "" "$(st host.containers-sigstore-attachments)" "no sigstoreSigned scope: no attachments finding"

mkdir -p "$ROOT/etc/containers/keys"
cat >"$ROOT/etc/containers/policy.json" <<'EOF'
{
  "default": [{"type": "reject"}],
  "transports": {
    "docker": {
      "registry.example:5000/apps": [
        {"type": "sigstoreSigned", "keyPath": "/etc/containers/keys/apps.pub",
         "signedIdentity": {"type": "matchRepository"}}
      ],
      "*.internal.example": [{"type": "sigstoreSigned", "keyPath": "/etc/containers/keys/apps.pub"}]
    },
    "docker-daemon": {"": [{"type": "insecureAcceptAnything"}]}
  }
}
EOF
assess_root
assert_eq pass "$(st host.containers-policy)" "reject by default, signatures required"
assert_eq warn "$(st host.containers-sigstore-attachments)" "no registries.d"
assert_true "the attachments finding names the scopes" grep -q '"registry.example:5000/apps"' <<<"$(ev host.containers-sigstore-attachments)"
mkdir -p "$ROOT/etc/containers/registries.d"
cat >"$ROOT/etc/containers/registries.d/apps.yaml" <<'EOF'
docker:
  registry.example:5000:
    use-sigstore-attachments: true
  "*.internal.example":
    use-sigstore-attachments: true
EOF
assess_root
assert_eq pass "$(st host.containers-sigstore-attachments)" "registries.d turns attachments on"
assert_eq pass "$(st host.containers-policy)" "still passing"
# attachments turned off by default-docker: the warning is back
cat >"$ROOT/etc/containers/registries.d/apps.yaml" <<'EOF'
default-docker:
  use-sigstore-attachments: false
EOF
assess_root
assert_eq warn "$(st host.containers-sigstore-attachments)" "attachments off again"

cat >"$ROOT/etc/containers/policy.json" <<'EOF'
{"default": [{"type": "reject"}],
 "transports": {"docker": {"docker.io/library/busybox": [{"type": "insecureAcceptAnything"}]}}}
EOF
assess_root
assert_eq warn "$(st host.containers-policy)" "a scope that accepts anything"
assert_true "the open scope is named" grep -q '"docker.io/library/busybox"' <<<"$(ev host.containers-policy)"

echo '{"default": [{"type": "insecureAcceptAnything", "bogus": 1}]}' >"$ROOT/etc/containers/policy.json"
assess_root
assert_eq error "$(st host.containers-policy)" "a policy that does not parse"
assert_eq "not assessed" "$(state NIST-IMG-12)" "NIST-IMG-12 not assessed"
assert_true "the reason names the file" grep -q "$ROOT/etc/containers/policy.json" <<<"$(ev host.containers-policy)"

rm -rf "$ROOT/etc/containers"
assess_root --check 'host.containers-*'
assert_eq "" "$(st host.containers-policy)" "no policy.json: no finding"
assert_eq "not applicable" "$(state NIST-IMG-12)" "no policy.json: NIST-IMG-12 not applicable"
assert_true "the reason says there is no policy.json" grep -q "no $ROOT/etc/containers/policy.json" <<<"$(reason NIST-IMG-12)"

# ---- no engine ----------------------------------------------------------------------------
assess_root
assert_eq "not applicable" "$(state NIST-REG-04)" "no Docker under the root: registries not applicable"
assert_true "the reason says Docker is not installed" grep -q 'Docker is not installed under' <<<"$(reason NIST-REG-04)"
mkdir -p "$ROOT/etc/docker"
assess_root
assert_eq "not assessed" "$(state NIST-REG-04)" "Docker installed, engine down: registries not assessed"
assert_true "the reason says the engine did not answer" grep -q 'the Docker engine did not answer' <<<"$(reason NIST-REG-04)"
rmdir "$ROOT/etc/docker"

# ---- the live engine's RegistryConfig as it is ------------------------------------------------
if engine_available; then
  info=$(curl -s --unix-socket "$LD_DOCKER_SOCK" http://x/info)
  expected=$(jq -r '[.RegistryConfig.IndexConfigs // {} | keys[], (.RegistryConfig.Mirrors // [])[],
      ((.RegistryConfig.IndexConfigs // {})[] | (.Mirrors // [])[])] | map(sub("^[a-z]+://"; "") | sub("/.*$"; ""))
      | map(select(. != "docker.io" and . != "index.docker.io" and . != "registry-1.docker.io")) | unique | .[]' <<<"$info")
  run_ld assess --host-root "$ROOT" --format json --registry-timeout 5
  if [[ -z $expected ]]; then
    assert_eq "not applicable" "$(state NIST-REG-04)" "the live engine names no registry besides docker.io"
    assert_json '[.findings[] | select(.target.kind == "registry")] | length == 0' "no registry findings"
    assert_stdout_contains "registries: none besides docker.io" "scope line"
  else
    for name in $expected; do
      assert_json "[.findings[] | select(.target.kind == \"registry\" and .check_id == \"registry.tls\") | .target.id] | any(. == \"$name\" or startswith(\"$name\"))" \
        "the live engine's registry $name was audited"
    done
  fi
  assert_json '[.findings[] | select(.target.id == "docker.io")] | length == 0' "docker.io not audited"
else
  skip_part "no Docker engine: the live RegistryConfig part"
fi

# ---- a stand-in engine naming real registries ---------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
reg_start OPEN --delete
reg_start MIRROR --tls --auth
DEAD=127.0.0.1:$(free_port)
# accepts connections, never answers
SILENT_PORT=$(free_port)
python3 - "$SILENT_PORT" >/dev/null 2>&1 <<'PY' &
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
held = []
while True:
    c, _ = s.accept(); held.append(c)
PY
SILENT_PID=$!
ld_on_exit "kill $SILENT_PID 2>/dev/null"
SILENT=127.0.0.1:$SILENT_PORT

if engine_available; then
  curl -s --unix-socket "$LD_DOCKER_SOCK" http://x/version >"$LD_TMP/version.json"
  curl -s --unix-socket "$LD_DOCKER_SOCK" http://x/info >"$LD_TMP/info.live.json"
else
  echo '{"Version":"24.0.7","ApiVersion":"1.43","MinAPIVersion":"1.12","Os":"linux","Arch":"amd64"}' >"$LD_TMP/version.json"
  echo '{"ID":"standin","Name":"standin","ServerVersion":"24.0.7","SecurityOptions":[]}' >"$LD_TMP/info.live.json"
fi
jq --arg open "$OPEN" --arg dead "$DEAD" --arg silent "$SILENT" --arg mirror "https://$MIRROR/" '.RegistryConfig = {
    "AllowNondistributableArtifactsCIDRs": [], "AllowNondistributableArtifactsHostnames": [],
    "InsecureRegistryCIDRs": ["10.0.0.0/8"],
    "IndexConfigs": {
      "docker.io": {"Name": "docker.io", "Mirrors": [$mirror], "Secure": true, "Official": true},
      ($open): {"Name": $open, "Mirrors": [], "Secure": false, "Official": false},
      ($dead): {"Name": $dead, "Mirrors": [], "Secure": true, "Official": false},
      ($silent): {"Name": $silent, "Mirrors": [], "Secure": true, "Official": false}
    },
    "Mirrors": [$mirror]}' "$LD_TMP/info.live.json" >"$LD_TMP/info.json"
ENGINE_SOCK=$LD_TMP/standin.sock
python3 - "$ENGINE_SOCK" "$LD_TMP/version.json" "$LD_TMP/info.json" >/dev/null 2>&1 <<'PY' &
import http.server, socketserver, sys
sock, version, info = sys.argv[1], open(sys.argv[2], "rb").read(), open(sys.argv[3], "rb").read()
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        path = self.path.split("?")[0]
        if "/" in path[1:] and path.split("/")[1].startswith("v1."):
            path = "/" + path.split("/", 2)[2]
        body = {"/_ping": b"OK", "/version": version, "/info": info,
                "/containers/json": b"[]", "/images/json": b"[]"}.get(path)
        if body is None:
            self.send_response(404); body = b'{"message":"not in the stand-in"}'
        else:
            self.send_response(200)
        self.send_header("Content-Type", "text/plain" if path == "/_ping" else "application/json")
        self.send_header("Api-Version", "1.43")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
class S(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
S(sock, H).serve_forever()
PY
ENGINE_PID=$!
ld_on_exit "kill $ENGINE_PID 2>/dev/null"
for ((i = 0; i < 50; i++)); do
  curl -s --unix-socket "$ENGINE_SOCK" http://x/_ping 2>/dev/null | grep -q OK && break
  sleep 0.1
done

start=$SECONDS
run_ld assess --host-root "$ROOT" --docker-host "unix://$ENGINE_SOCK" --cacert "$REG_CA" \
  --registry-timeout 2 --format json
took=$((SECONDS - start))
assert_true "the registries were probed within the timeout bound (${took}s)" test "$took" -lt 30
assert_eq fail "$(st_at registry.tls "$OPEN")" "the engine's insecure registry speaks plain HTTP"
assert_eq fail,fail,fail "$(st_at registry.auth-required "$OPEN")" "open to anonymous pull, push and catalog"
assert_eq fail "$(st_at registry.insecure-transport "$OPEN")" "insecure-transport"
assert_true "insecure-transport names the engine's setting" \
  grep -q "IndexConfigs\[$OPEN\].Secure = false" <<<"$(ev registry.insecure-transport)"
assert_eq pass "$(st_at registry.tls "$MIRROR")" "the TLS mirror verifies with --cacert"
assert_eq pass,pass,pass "$(st_at registry.auth-required "$MIRROR")" "the mirror refuses anonymous clients"
for c in registry.tls registry.auth-required registry.delete-api; do
  assert_eq error "$(st_at "$c" "$DEAD")" "nothing listening at $DEAD: $c not assessed"
done
assert_true "the dead registry's reason says why" grep -q "cannot connect to 127.0.0.1 port ${DEAD##*:}" <<<"$(ev registry.tls)"
assert_eq error "$(st_at registry.tls "$SILENT")" "a registry that never answers: not assessed"
assert_json '[.findings[] | select(.target.id == "docker.io")] | length == 0' "docker.io is not audited"
assert_eq failed "$(state NIST-REG-04)" "NIST-REG-04 fails on the open registry"
assert_json '.gate.incomplete == true' "the registries that did not answer leave the run incomplete"
assert_stdout_contains "registry $MIRROR: TLSv1.3, certificate verified" "scope line names the mirror"
assert_stdout_contains "$DEAD (not answering)" "scope line names the dead registry"
