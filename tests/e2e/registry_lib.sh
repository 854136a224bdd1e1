# registry_lib.sh — real registries for end-to-end tests (source after lib.sh).
#
# Each test starts its own instance of Debian's docker-registry (distribution
# 2.8) on 127.0.0.1 at a free port, with its own storage under a temporary
# directory, stopped when the test exits: tests never share a registry, so
# one that deletes or pushes cannot disturb another.
#
#   reg_require                     skip (a failure under CI) unless docker-registry,
#                                   skopeo, htpasswd and openssl are installed
#   reg_pki                         the test CA and server certificate (cached in
#                                   $LOCKDOWN_CACHE/registry-pki): REG_CA, REG_CERT, REG_KEY
#   reg_start VAR [--tls] [--auth] [--token] [--token-http] [--delete] [--yaml FILE]
#                                   starts an instance; sets VAR=127.0.0.1:PORT,
#                                   VAR_CONFIG (its config.yml), VAR_DIR (its directory);
#                                   --auth: htpasswd with REG_USER / REG_PASS (bcrypt);
#                                   --token: token authentication (distribution's
#                                   `auth: token:`) with a test token server
#                                   (tests/harness/registry_token_server.py, a stand-in
#                                   for a token service such as Docker Hub's) on its own
#                                   port over TLS, accepting REG_USER / REG_PASS and the
#                                   identity token REG_REFRESH_TOKEN; sets VAR_TOKEN_LOG
#                                   (one JSON line per token request) and VAR_REALM;
#                                   --token-http: the same with the token server on
#                                   plain HTTP (a realm clients must refuse for a TLS
#                                   registry);
#                                   --yaml FILE: YAML appended to the config (notifications...)
#   reg_push ARCHIVE ADDR/REPO:TAG [--tls] [--auth]
#                                   copies a docker-archive file into a registry with skopeo
#   reg_image_archive NAME          writes (once) a docker-archive of an engine test image
#                                   ($LOCKDOWN_CACHE/registry-archives/NAME.tar) and prints its path
#
# The certificate is for 127.0.0.1 and localhost; clients trust it through
# --cacert "$REG_CA" (lockdown) or --cert-dir / --src-cert-dir (skopeo,
# which wants a directory holding ca.crt: REG_CERT_DIR).

REG_USER=lockdown
REG_PASS='registry-test-Pw-1'
REG_REFRESH_TOKEN='lockdown-test-identity-token-7f3a'

reg_require() {
  local missing=()
  command -v docker-registry >/dev/null || missing+=(docker-registry)
  command -v skopeo >/dev/null || missing+=(skopeo)
  command -v htpasswd >/dev/null || missing+=(apache2-utils)
  command -v openssl >/dev/null || missing+=(openssl)
  if ((${#missing[@]})); then
    skip "not installed: ${missing[*]} (bash scripts/install-deps.sh --test)"
  fi
}

reg_pki() {
  local dir=${LOCKDOWN_CACHE:-/var/cache/lockdown-test}/registry-pki
  REG_CA=$dir/ca.crt REG_CERT=$dir/server.crt REG_KEY=$dir/server.key REG_CERT_DIR=$dir/certs.d
  if [[ ! -s $REG_CERT || ! -s $REG_CERT_DIR/ca.crt ]]; then
    mkdir -p "$dir" "$REG_CERT_DIR"
    local tmp
    tmp=$(mktemp -d "$dir/.new.XXXXXX")
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=lockdown test CA" \
      -keyout "$tmp/ca.key" -out "$tmp/ca.crt" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$tmp/server.key" \
      -out "$tmp/server.csr" >/dev/null 2>&1
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$tmp/ext"
    openssl x509 -req -in "$tmp/server.csr" -CA "$tmp/ca.crt" -CAkey "$tmp/ca.key" \
      -CAcreateserial -days 3650 -extfile "$tmp/ext" -out "$tmp/server.crt" >/dev/null 2>&1
    cp "$tmp/ca.crt" "$tmp/ca.key" "$tmp/server.crt" "$tmp/server.key" "$dir/"
    cp "$tmp/ca.crt" "$REG_CERT_DIR/ca.crt"
    rm -rf "$tmp"
  fi
  # the token server's signing key and certificate, issued by the same CA
  # (the token-auth registry's rootcertbundle)
  REG_TOKEN_KEY=$dir/token.key REG_TOKEN_CERT=$dir/token.crt
  if [[ ! -s $REG_TOKEN_CERT ]]; then
    local tt
    tt=$(mktemp -d "$dir/.tok.XXXXXX")
    openssl req -newkey rsa:2048 -nodes -subj "/CN=lockdown test token signer" \
      -keyout "$tt/token.key" -out "$tt/token.csr" >/dev/null 2>&1
    printf 'keyUsage=critical,digitalSignature\n' >"$tt/ext"
    openssl x509 -req -in "$tt/token.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
      -CAcreateserial -days 3650 -extfile "$tt/ext" -out "$tt/token.crt" >/dev/null 2>&1
    cp "$tt/token.key" "$tt/token.crt" "$dir/"
    rm -rf "$tt"
  fi
  export REG_CA REG_CERT REG_KEY REG_CERT_DIR REG_TOKEN_KEY REG_TOKEN_CERT
}

# Starts the test token server on a free port and sets _REG_REALM to its
# realm URL. Not to be called in a command substitution: the server and
# its stop at exit must belong to the test's own shell.
# _reg_token_server DIR http|https
_reg_token_server() {
  local dir=$1 scheme=$2
  local args=(--sign-key "$REG_TOKEN_KEY" --sign-cert "$REG_TOKEN_CERT"
    --user "$REG_USER" --password "$REG_PASS" --refresh-token "$REG_REFRESH_TOKEN"
    --log "$dir/token.log")
  [[ $scheme == https ]] && args+=(--cert "$REG_CERT" --key "$REG_KEY")
  : >"$dir/token.log"
  python3 "$LD_REPO/tests/harness/registry_token_server.py" "${args[@]}" \
    >"$dir/token.out" 2>"$dir/token.err" &
  local pid=$!
  ld_on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
  local i
  for ((i = 0; i < 400; i++)); do # up to 20 s: python starts slowly on a loaded machine
    grep -q ready "$dir/token.out" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if ! grep -q ready "$dir/token.out" 2>/dev/null; then
    fail_plain "the test token server did not start" "$(tail -5 "$dir/token.err")"
    return 1
  fi
  _REG_REALM="$scheme://127.0.0.1:$(sed -n 's/^ready //p' "$dir/token.out")/token"
}

_reg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

reg_start() {
  local var=$1
  shift
  local tls=0 auth=0 del=0 yaml= token=
  while (($#)); do
    case $1 in
      --tls) tls=1 ;;
      --auth) auth=1 ;;
      --token) token=https ;;
      --token-http) token=http ;;
      --delete) del=1 ;;
      --yaml) yaml=$2; shift ;;
      *) fail_plain "reg_start: unknown option $1"; return 1 ;;
    esac
    shift
  done
  reg_pki
  local dir port
  dir=$(mktemp -d "${TMPDIR:-/tmp}/ld-registry.XXXXXX")
  port=$(_reg_free_port)
  mkdir -p "$dir/storage"
  local realm=
  if [[ -n $token ]]; then
    _reg_token_server "$dir" "$token" || return 1
    realm=$_REG_REALM
  fi
  {
    echo "version: 0.1"
    echo "log:"
    echo "  level: warn"
    echo "storage:"
    echo "  filesystem:"
    echo "    rootdirectory: $dir/storage"
    echo "  delete:"
    echo "    enabled: $([[ $del == 1 ]] && echo true || echo false)"
    echo "http:"
    echo "  addr: 127.0.0.1:$port"
    echo "  secret: lockdown-test-$port"
    if [[ $tls == 1 ]]; then
      echo "  tls:"
      echo "    certificate: $REG_CERT"
      echo "    key: $REG_KEY"
    fi
    if [[ $auth == 1 ]]; then
      htpasswd -Bbc "$dir/htpasswd" "$REG_USER" "$REG_PASS" >/dev/null 2>&1
      chmod 600 "$dir/htpasswd"
      echo "auth:"
      echo "  htpasswd:"
      echo "    realm: lockdown-test"
      echo "    path: $dir/htpasswd"
    fi
    if [[ -n $token ]]; then
      echo "auth:"
      echo "  token:"
      echo "    realm: $realm"
      echo "    service: lockdown-test-registry"
      echo "    issuer: lockdown-test-token-issuer"
      echo "    rootcertbundle: $REG_CA"
    fi
    [[ -n $yaml ]] && cat "$yaml"
  } >"$dir/config.yml"
  docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
  local pid=$!
  ld_on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf '$dir'"
  local scheme=http curl_tls=()
  [[ $tls == 1 ]] && scheme=https curl_tls=(--cacert "$REG_CA")
  local i
  for ((i = 0; i < 100; i++)); do
    # any HTTP answer (200, or 401 with auth) means it is up
    local code
    code=$(curl -s -o /dev/null -w '%{http_code}' "${curl_tls[@]}" "$scheme://127.0.0.1:$port/v2/" 2>/dev/null || true)
    [[ $code == 200 || $code == 401 ]] && break
    if ! kill -0 "$pid" 2>/dev/null; then
      fail_plain "docker-registry did not start" "$(tail -5 "$dir/registry.log")"
      return 1
    fi
    sleep 0.1
  done
  printf -v "$var" '127.0.0.1:%s' "$port"
  printf -v "${var}_CONFIG" '%s' "$dir/config.yml"
  printf -v "${var}_DIR" '%s' "$dir"
  printf -v "${var}_TOKEN_LOG" '%s' "$dir/token.log"
  printf -v "${var}_REALM" '%s' "$realm"
  export "${var?}" "${var}_CONFIG" "${var}_DIR" "${var}_TOKEN_LOG" "${var}_REALM"
}

reg_push() {
  local archive=$1 dest=$2
  shift 2
  local args=(--dest-tls-verify=false)
  while (($#)); do
    case $1 in
      --tls) reg_pki; args=(--dest-cert-dir "$REG_CERT_DIR") ;;
      --auth) args+=(--dest-creds "$REG_USER:$REG_PASS") ;;
      *) fail_plain "reg_push: unknown option $1"; return 1 ;;
    esac
    shift
  done
  skopeo --insecure-policy copy -q "${args[@]}" "docker-archive:$archive" "docker://$dest" >/dev/null
}

reg_image_archive() {
  local name=$1
  local dir=${LOCKDOWN_CACHE:-/var/cache/lockdown-test}/registry-archives
  local safe=${name//[\/:]/_}
  local out=$dir/$safe.tar
  if [[ ! -s $out ]]; then
    mkdir -p "$dir"
    docker save -o "$out.tmp" "$name" && mv "$out.tmp" "$out"
  fi
  echo "$out"
}
