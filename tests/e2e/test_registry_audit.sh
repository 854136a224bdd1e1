#!/usr/bin/env bash
# `lockdown registry audit` against real registries (Debian's docker-registry,
# distribution 2.8, one instance per case, tests/e2e/registry_lib.sh):
#   - well configured (TLS from the test CA, htpasswd with bcrypt cost 10 at
#     0600, a notifications endpoint over https, delete off, a pushed image):
#     every check passes, exit 0; the pull probe used the catalog's
#     repository; the same registry without --cacert: TLS fails (unverified)
#     but the anonymous probes still answer, and its CA in
#     /etc/docker/certs.d/HOST/ is trusted like --cacert;
#   - plain HTTP and open, deletes on: registry.tls fails, auth-required fails
#     for pull, push and catalog, delete-api fails (anonymous deletes), exit 1;
#     the anonymous upload the push probe opened was cancelled (nothing left
#     in storage); named --insecure-registry the finding says so;
#   - TLS + auth + deletes on, with credentials: delete-api warns;
#   - an expired certificate (made here with openssl ca) on a registry that
#     also accepts TLS 1.0/1.1: registry.certificate, registry.tls and
#     registry.tls-version fail;
#   - token auth whose token service hands anonymous clients pull tokens
#     (tests/e2e/registry_anon_token_server.py): anonymous pull fails "with an
#     anonymous token", push and catalog are refused; with the shared token
#     server (which grants anonymous clients nothing) all three pass;
#   - a running registry with auth: silly, no notifications and debug logs:
#     anonymous requests get 401, but a made-up Bearer token is let in (found
#     from outside), and the config says silly;
#   - htpasswd at 0644 with an {SHA} entry: mode and bcrypt fail, naming the
#     user, never the hash;
#   - nothing listening: exit 3 with one line; a bad URL: exit 2.
# On the code before this change `registry audit` printed "not built yet"
# and exited 3 for every case.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/registry_lib.sh"
require_cmd jq curl openssl python3
reg_require
require_image lockdown-test/busybox:1

export HOME=$LD_TMP/home # no docker config of the machine's
mkdir -p "$HOME"
unset DOCKER_CONFIG
printf '%s\n' "$REG_PASS" >"$LD_TMP/pass"
reg_pki

# statuses of a check's findings in the JSON report on stdout, comma-joined
st() { jq -r --arg c "$1" '[.findings[] | select(.check_id == $c) | .status] | join(",")' "$LD_STDOUT_FILE"; }
ev() { jq -r --arg c "$1" '[.findings[] | select(.check_id == $c) | .evidence] | join(" | ")' "$LD_STDOUT_FILE"; }
expect_st() { # expect_st CHECK STATUSES DESC
  local got
  got=$(st "$1")
  assert_eq "$2" "$got" "$3 ($1)"
}

# own_registry VAR CONFIG: a registry on a config this test wrote (reg_start
# writes its own TLS section); waits for any HTTP answer over TLS, unverified
own_registry() {
  local var=$1 cfg=$2 port=$3 dir
  dir=$(dirname "$cfg")
  docker-registry serve "$cfg" >"$dir/registry.log" 2>&1 &
  local pid=$!
  ld_on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
  local i code
  for ((i = 0; i < 100; i++)); do
    code=$(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$port/v2/" 2>/dev/null || true)
    [[ $code == 200 || $code == 401 ]] && break
    kill -0 "$pid" 2>/dev/null || { fail_plain "docker-registry did not start" "$(tail -5 "$dir/registry.log")"; return 1; }
    sleep 0.1
  done
  printf -v "$var" '127.0.0.1:%s' "$port"
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

REMOTE_CHECKS=(registry.tls registry.tls-version registry.certificate registry.insecure-transport
  registry.auth-required registry.v1-api registry.delete-api)

# ---- a well-configured registry ----------------------------------------------------
cat >"$LD_TMP/notify.yml" <<'EOF'
notifications:
  endpoints:
    - name: audit-log
      url: https://127.0.0.1:9/registry-events
      timeout: 500ms
      threshold: 1
      backoff: 10s
EOF
reg_start GOOD --tls --auth --yaml "$LD_TMP/notify.yml"
# reg_start hashes at htpasswd's default cost (5); the audit wants >= 10
htpasswd -bBC 10 "$GOOD_DIR/htpasswd" "$REG_USER" "$REG_PASS" >/dev/null 2>&1
chmod 600 "$GOOD_DIR/htpasswd"
BB=$(reg_image_archive lockdown-test/busybox:1)
reg_push "$BB" "$GOOD/audit/busybox:1" --tls --auth || fail_plain "skopeo push into the good registry"

LD_STDIN=$LD_TMP/pass run_ld registry audit "https://$GOOD" --cacert "$REG_CA" --username "$REG_USER" \
  --password-stdin --config "$GOOD_CONFIG" --format json
assert_exit 0 "well-configured registry"
assert_json '[.findings[] | select(.status != "pass")] | length == 0' "every finding passes"
for c in "${REMOTE_CHECKS[@]}"; do
  [[ $c == registry.auth-required ]] && continue
  expect_st "$c" pass "well configured"
done
expect_st registry.auth-required pass,pass,pass "pull, push and catalog refused to anonymous clients"
for c in auth tls notifications storage-delete log-level http-secret; do
  expect_st "registry.config.$c" pass "well-configured config.yml"
done
expect_st registry.htpasswd.mode pass "htpasswd 0600 (the config's auth.htpasswd.path)"
expect_st registry.htpasswd.bcrypt pass "htpasswd bcrypt cost 10"
assert_true "the pull probe asked for the pushed repository" \
  grep -q 'HEAD /v2/audit/busybox/manifests/1 of a repository from the catalog answered 401' <<<"$(ev registry.auth-required)"
assert_true "delete-api was judged with the credentials" \
  grep -q 'with credentials (--username) it answered 405' <<<"$(ev registry.delete-api)"
assert_true "the TLS version and the refused TLS 1.1 handshake are evidence" \
  grep -q 'refused a handshake that offered only TLS 1.0 and 1.1' <<<"$(ev registry.tls-version)"
assert_json '[.findings[] | select(.target.kind == "registry")] | length == 9' "nine findings about the registry itself"
assert_stdout_not_contains "$REG_PASS" "no password in the report"
assert_stdout_not_contains "lockdown-test-${GOOD##*:}" "no http.secret in the report"

# table output names the scope
LD_STDIN=$LD_TMP/pass run_ld registry audit "$GOOD" --cacert "$REG_CA" --username "$REG_USER" --password-stdin
assert_exit 0 "table report"
assert_stdout_contains "registry $GOOD: TLSv1.3, certificate verified" "scope line"

# the same registry, its CA not given: TLS does not verify, the anonymous probes still ran
run_ld registry audit "$GOOD" --format json
assert_exit 1 "unverified certificate fails the gate"
expect_st registry.tls fail "CA not given"
assert_true "registry.tls says why" grep -q 'does not verify against the system store: unable to get local issuer certificate' <<<"$(ev registry.tls)"
expect_st registry.insecure-transport fail "clients would have to name it insecure"
expect_st registry.auth-required pass,pass,pass "anonymous probes over unverified TLS"
expect_st registry.delete-api error "no credentials are sent to an unverified registry"

# its CA in /etc/docker/certs.d/HOST:PORT/ is trusted as the client trusts it
certs_d=/etc/docker/certs.d/$GOOD
if [[ ! -e $certs_d ]]; then
  mkdir -p "$certs_d" && cp "$REG_CA" "$certs_d/ca.crt"
  ld_on_exit "rm -rf '$certs_d'"
  run_ld registry audit "$GOOD" --format json
  expect_st registry.tls pass "CA from $certs_d"
  assert_true "the trust store is named" grep -q "1 .crt file of $certs_d" <<<"$(ev registry.tls)"
else
  skip_part --optional "$certs_d exists already: not touched"
fi

# ---- a plain-HTTP registry open to everyone, deletes on ------------------------------
reg_start OPEN --delete
run_ld registry audit "$OPEN" --format json
assert_exit 1 "open plain-HTTP registry"
expect_st registry.tls fail "plain HTTP"
assert_true "registry.tls says plain HTTP" grep -q 'the registry speaks plain HTTP' <<<"$(ev registry.tls)"
expect_st registry.auth-required fail,fail,fail "anonymous pull, push and catalog"
for op in pull push catalog; do
  assert_true "auth-required names $op" grep -q "$op: anonymous" <<<"$(ev registry.auth-required)"
done
expect_st registry.delete-api fail "anonymous deletes"
expect_st registry.tls-version error "no TLS to judge"
expect_st registry.certificate error "no certificate"
expect_st registry.v1-api pass "no v1 API"
assert_true "the anonymous upload was cancelled" grep -q 'cancelled with DELETE of its Location (204)' <<<"$(ev registry.auth-required)"
# distribution keeps only the cancelled upload's hash state (its upload purging removes it)
left=$(find "$OPEN_DIR/storage" -path '*/_uploads/*' \( -name data -o -name startedat \) 2>/dev/null | wc -l)
assert_eq 0 "$left" "no upload data left in the open registry's storage"
assert_eq '{"repositories":[]}' "$(curl -s "http://$OPEN/v2/_catalog")" "no repository created by the probes"
run_ld registry audit "http://$OPEN" --insecure-registry "$OPEN" --format json
expect_st registry.insecure-transport fail "named insecure"
assert_true "the finding names --insecure-registry" grep -q 'it had to be named insecure (--insecure-registry)' <<<"$(ev registry.insecure-transport)"
assert_stderr_contains "audited as a plain-HTTP registry" "http:// noted"

# ---- TLS + auth + deletes on, with credentials: a warning ----------------------------
reg_start DEL --tls --auth --delete
LD_STDIN=$LD_TMP/pass run_ld registry audit "$DEL" --cacert "$REG_CA" --username "$REG_USER" \
  --password-stdin --config "$DEL_CONFIG" --format json
expect_st registry.delete-api warn "deletes enabled for authenticated clients"
expect_st registry.config.storage-delete warn "storage.delete.enabled: true"
assert_true "delete-api says what it allows" grep -q 'can delete any manifest by digest' <<<"$(ev registry.delete-api)"
LD_STDIN=$LD_TMP/pass run_ld registry audit "$DEL" --cacert "$REG_CA" --username "$REG_USER" \
  --password-stdin --format json --level high
assert_exit 1 "needs review fails the gate at level high"

# ---- an expired certificate on a registry that accepts TLS 1.0/1.1 -------------------
mkdir -p "$LD_TMP/ca" "$LD_TMP/bad/storage"
(
  cd "$LD_TMP/ca" || exit 1
  touch index.txt
  echo 1000 >serial
  printf '[ca]\ndefault_ca = t\n[t]\ndir = .\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\ndefault_md = sha256\npolicy = p\ncopy_extensions = copy\nunique_subject = no\n[p]\ncommonName = supplied\n' >ca.cnf
  openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout exp.key -out exp.csr >/dev/null 2>&1
  openssl ca -batch -config ca.cnf -cert "$REG_CA" -keyfile "$(dirname "$REG_CA")/ca.key" -in exp.csr \
    -out exp.crt -startdate 20200101000000Z -enddate 20200201000000Z -notext >/dev/null 2>&1
) || fail_plain "openssl ca could not make the expired certificate"
BADPORT=$(free_port)
cat >"$LD_TMP/bad/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $LD_TMP/bad/storage
http:
  addr: 127.0.0.1:$BADPORT
  secret: lockdown-test-bad
  tls:
    certificate: $LD_TMP/ca/exp.crt
    key: $LD_TMP/ca/exp.key
    minimumtls: tls1.0
    ciphersuites:
      - TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
      - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
auth:
  htpasswd:
    realm: bad
    path: $GOOD_DIR/htpasswd
EOF
own_registry BAD "$LD_TMP/bad/config.yml" "$BADPORT"
run_ld registry audit "$BAD" --cacert "$REG_CA" --format json
assert_exit 1 "expired certificate"
expect_st registry.certificate fail "expired in 2020"
assert_true "registry.certificate names the expiry" grep -q 'it expired on 2020-02-01' <<<"$(ev registry.certificate)"
expect_st registry.tls fail "an expired certificate does not verify"
assert_true "registry.tls names the verification error" grep -q 'certificate has expired' <<<"$(ev registry.tls)"
expect_st registry.tls-version fail "TLS 1.0/1.1 accepted"
assert_true "registry.tls-version names the version" grep -qE 'negotiated TLSv1(\.1)? with' <<<"$(ev registry.tls-version)"
run_ld registry audit --config "$LD_TMP/bad/config.yml" --htpasswd "$GOOD_DIR/htpasswd" --format json
expect_st registry.config.tls fail "minimumtls tls1.0 in the file"

# ---- token auth: a token service that lets anyone pull, and one that does not ----------
TPORT=$(free_port)
python3 "$LD_REPO/tests/e2e/registry_anon_token_server.py" --port "$TPORT" --cert "$REG_CERT" \
  --key "$REG_KEY" --sign-key "$REG_TOKEN_KEY" --sign-cert "$REG_TOKEN_CERT" --issuer lockdown-test \
  --service lockdown-registry --grant pull --log "$LD_TMP/token.log" >"$LD_TMP/token.out" 2>&1 &
TPID=$!
ld_on_exit "kill $TPID 2>/dev/null; wait $TPID 2>/dev/null"
for ((i = 0; i < 50; i++)); do
  grep -q ready "$LD_TMP/token.out" 2>/dev/null && break
  sleep 0.1
done
cat >"$LD_TMP/token.yml" <<EOF
auth:
  token:
    realm: https://127.0.0.1:$TPORT/token
    service: lockdown-registry
    issuer: lockdown-test
    rootcertbundle: $REG_CA
EOF
reg_start TOK --tls --yaml "$LD_TMP/token.yml"
run_ld registry audit "$TOK" --cacert "$REG_CA" --format json
expect_st registry.auth-required fail,pass,pass "anonymous pull by token; push and catalog refused"
assert_true "the pull finding says an anonymous token was used" \
  grep -q "pull: anonymous GET /v2/ answered 401 (Bearer, realm https://127.0.0.1:$TPORT/token).*answered 404 with an anonymous token from" <<<"$(ev registry.auth-required)"
assert_true "the token service was asked" grep -q '"authorization": false' "$LD_TMP/token.log"
assert_false "no token request carried credentials" grep -q '"authorization": true' "$LD_TMP/token.log"
# the shared token server grants anonymous clients nothing: every probe refused
reg_start TOKNO --tls --token
run_ld registry audit "$TOKNO" --cacert "$REG_CA" --format json
expect_st registry.auth-required pass,pass,pass "a token service that grants anonymous clients nothing"
assert_true "the anonymous token was tried" grep -q 'with an anonymous token from' <<<"$(ev registry.auth-required)"
assert_false "no credentials reached the token server" grep -q '"user": "lockdown"' "$TOKNO_TOKEN_LOG"

# ---- silly auth, no notifications, debug logs: from outside it looks fine -------------
SILLYPORT=$(free_port)
mkdir -p "$LD_TMP/silly/storage"
cat >"$LD_TMP/silly/config.yml" <<EOF
version: 0.1
log:
  level: debug
storage:
  filesystem:
    rootdirectory: $LD_TMP/silly/storage
http:
  addr: 127.0.0.1:$SILLYPORT
  secret: lockdown-test-silly
  tls:
    certificate: $REG_CERT
    key: $REG_KEY
auth:
  silly:
    realm: silly-realm
    service: silly-service
EOF
own_registry SILLY "$LD_TMP/silly/config.yml" "$SILLYPORT"
run_ld registry audit "$SILLY" --cacert "$REG_CA" --config "$LD_TMP/silly/config.yml" --format json
assert_exit 1 "silly auth"
expect_st registry.auth-required fail,fail,fail "silly auth lets in any Authorization header"
assert_true "the made-up token is the evidence" grep -q 'with a made-up Bearer token: the registry checks no credential' <<<"$(ev registry.auth-required)"
expect_st registry.config.auth fail "silly auth in the file"
expect_st registry.config.notifications fail "no notifications"
expect_st registry.config.log-level warn "debug logs"
assert_json '[.findings[] | select(.check_id | startswith("registry.htpasswd"))] | length == 0' \
  "no htpasswd finding without htpasswd auth"

# ---- a weak htpasswd file ---------------------------------------------------------------
htpasswd -bcBC 10 "$LD_TMP/weak.htpasswd" good-user pw-1 >/dev/null 2>&1
htpasswd -bs "$LD_TMP/weak.htpasswd" sha-user pw-2 >/dev/null 2>&1
chmod 644 "$LD_TMP/weak.htpasswd"
sha_hash=$(awk -F: '$1 == "sha-user" {print $2}' "$LD_TMP/weak.htpasswd")
run_ld registry audit --htpasswd "$LD_TMP/weak.htpasswd" --format json
assert_exit 1 "weak htpasswd"
expect_st registry.htpasswd.mode fail "0644"
expect_st registry.htpasswd.bcrypt fail "{SHA} entry"
assert_true "the weak entry's user is named" grep -q '"sha-user" (line 2: SHA-1)' <<<"$(ev registry.htpasswd.bcrypt)"
assert_stdout_not_contains "$sha_hash" "the hash is not in the report"
assert_stdout_not_contains '{SHA}' "no hash prefix in the report"
run_ld registry audit --htpasswd "$LD_TMP/weak.htpasswd"
assert_stdout_not_contains "$sha_hash" "the hash is not in the table report"

# ---- nothing there, bad arguments -----------------------------------------------------------
DEAD=$(free_port)
run_ld registry audit "127.0.0.1:$DEAD"
assert_exit 3 "nothing listening"
assert_stderr_matches "^lockdown: registry 127.0.0.1:$DEAD: cannot connect to 127.0.0.1 port $DEAD: Connection refused; check the address" "one line naming the address"
assert_eq 1 "$(wc -l <"$LD_STDERR_FILE")" "one line on stderr"
run_ld registry audit "https://user:pw@127.0.0.1:$DEAD"
assert_exit 2 "credentials in the URL"
run_ld registry audit
assert_exit 2 "no registry named"
run_ld registry audit --config "$LD_TMP/none.yml"
assert_exit 3 "a named config that does not exist"
printf 'just: text\n' >"$LD_TMP/notregistry.yml"
run_ld registry audit --config "$LD_TMP/notregistry.yml"
assert_exit 3 "a YAML file that is not a registry config"
assert_stderr_contains 'not a registry configuration'
