#!/usr/bin/env bash
# Hostile registries (issue 11's rule, issue 13's input): `lockdown image sbom
# registry:REF` against tests/e2e/hostile_registry.py, a stand-in for the
# distribution API that lies on demand (a real registry does not), over TLS
# with the test CA. Every case is a hostile_case (tests/e2e/hostile.sh: exit
# code, no hang, a peak-RSS bound, one stderr line, no control byte, no user
# file changed), with its own bounds, and HOME is a fresh directory that must
# stay empty: nothing is written, a layer cache only under --cache-dir, and
# nothing from a layer that failed verification. The cases:
#   digests  - a manifest whose bytes are not its Docker-Content-Digest, or
#              not the digest asked for; a layer blob of the right size whose
#              bytes are not its digest, one of another size; a diff_id the
#              layer does not have
#   size     - a 100 MiB manifest (announced, and streamed without a length);
#              a config the manifest says is 1 GiB, and one that says 600 bytes
#              and streams 1 GiB; a manifest listing 5,000 layers; a gzip bomb
#              (1 MiB -> 1 GiB) under --max-image-bytes 64M (read in full
#              without it: the limit, not the bomb, stops it)
#   time     - a blob redirecting to itself forever; a blob dripping one byte a
#              second under --registry-timeout 3
#   indexes  - an index listing itself; 50 indexes nested in each other
#   types    - a manifest with no mediaType sent as text/html; schema 1; a
#              foreign layer the registry does not hold
#   auth     - a token endpoint that answers 401 to every request; a registry
#              refusing every token it was given (credentials from a docker
#              config: the password never printed)
# A control case (a valid image) runs first: the server works, so every other
# case fails for its own lie. On the code before this change each case exits
# 3 for another reason (registry: was no source); the control then fails.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/hostile.sh"
source "$(dirname "${BASH_SOURCE[0]}")/registry_lib.sh"
require_cmd python3 openssl jq
reg_pki

export HOME=$LD_TMP/home
mkdir -p "$HOME"
unset DOCKER_CONFIG XDG_CACHE_HOME

# standin VAR [--auth MODE]: starts a stand-in; VAR=127.0.0.1:PORT, VAR_LOG its request log
standin() {
  local var=$1
  shift
  local dir
  dir=$(mktemp -d "$LD_TMP/standin.XXXXXX")
  python3 "$LD_REPO/tests/e2e/hostile_registry.py" --cert "$REG_CERT" --key "$REG_KEY" \
    --port-file "$dir/port" --log "$dir/requests.log" "$@" >"$dir/server.log" 2>&1 &
  local pid=$! i
  ld_on_exit "kill $pid"
  for ((i = 0; i < 100; i++)); do
    [[ -s $dir/port ]] && break
    sleep 0.1
  done
  [[ -s $dir/port ]] || { fail_plain "the stand-in did not start" "$(cat "$dir/server.log")"; exit 1; }
  printf -v "$var" '127.0.0.1:%s' "$(cat "$dir/port")"
  printf -v "${var}_LOG" '%s' "$dir/requests.log"
}
standin H

# reg_case NAME DESC EXIT SECONDS RSS ERE [ARG...]: image sbom of hostile/NAME:1 with
# the test CA, the layer cache in the case's directory; stderr must match ERE.
reg_case() {
  local name=$1 desc=$2 want=$3 secs=$4 rss=$5 ere=$6
  shift 6
  hostile_dir "$name"
  hostile_case "$desc" "$want" "$secs" "$rss" -- image sbom "registry:$H/hostile/$name:1" \
    --cacert "$REG_CA" --cache-dir "$HOSTILE_DIR/cache" -f json "$@"
  if [[ -n $ere ]]; then
    if grep -qE "$ere" "$LD_STDERR_FILE"; then
      pass "$desc: the line says /$ere/"
    else
      fail "$desc: the line says /$ere/"
    fi
  fi
}

# nothing_cached DESC: a read that failed verification left no layer in its cache
nothing_cached() {
  local cached
  cached=$(find "$LD_TMP/case-$1/cache" -type f 2>/dev/null | head -n 3)
  assert_eq "" "$cached" "$2: nothing cached from a layer that failed verification"
}

# ---- control -------------------------------------------------------------------------
reg_case good "control: a valid image from the stand-in" 0 20 48 ''
assert_json '.target.source == "registry" and (.layers | length) == 1' "control: one layer, from the registry"

# ---- digests ---------------------------------------------------------------------------
reg_case manifest-lie "manifest whose bytes are not its Docker-Content-Digest" 3 20 48 \
  'Docker-Content-Digest|digest'
hostile_dir manifest-lie-digest
hostile_case "manifest by digest whose bytes are another digest" 3 20 48 -- image sbom \
  "registry:$H/hostile/manifest-lie@sha256:$(printf 'ab%.0s' {1..32})" --cacert "$REG_CA" --no-cache -f json
reg_case blob-lie "layer blob whose bytes are not its digest" 3 20 48 'digest mismatch'
nothing_cached blob-lie "blob digest mismatch"
reg_case blob-size-lie "layer blob of another size than the manifest says" 3 20 48 'layer 0 .*bytes'
reg_case diffid-lie "diff_id the layer does not have" 3 20 48 'diff_id mismatch'
nothing_cached diffid-lie "diff_id mismatch"

# ---- size --------------------------------------------------------------------------------
reg_case huge-manifest "100 MiB manifest (Content-Length given)" 3 20 48 'larger|limit|over'
reg_case huge-manifest-stream "100 MiB manifest streamed without a length" 3 20 48 'larger|limit|over'
reg_case huge-config "config the manifest says is 1 GiB" 3 20 48 '8 MiB limit'
reg_case huge-config-lie "config said 600 bytes, 1 GiB streamed" 3 20 48 '8 MiB limit'
reg_case many-layers "manifest listing 5,000 layers" 3 20 48 'more than 1024 layers'
reg_case gzip-bomb "gzip bomb layer (1 MiB -> 1 GiB) under --max-image-bytes 64M" 3 30 48 \
  'max-image-bytes|bomb' --max-image-bytes 64M
reg_case gzip-bomb "the same image read in full with the default limits" 0 60 64 ''

# ---- time --------------------------------------------------------------------------------
reg_case redirect-loop "blob redirecting to itself forever" 3 20 48 'layer 0 .*redirects'
n=$(grep -c '/hostile/redirect-loop/blobs/' "$H_LOG")
if ((n <= 30)); then pass "redirect loop: $n blob requests in all"; else fail_plain "redirect loop: $n blob requests"; fi
reg_case drip "blob dripping one byte a second, --registry-timeout 3" 3 30 48 \
  'bytes/s|within|timed? ?out|gave up' --registry-timeout 3

# ---- indexes -------------------------------------------------------------------------------
reg_case self-index "index listing itself" 3 20 48 'digest|cycle'
reg_case deep-index "50 indexes nested in each other" 3 20 48 'nested more than 4'
n=$(grep -c '/hostile/deep-index/manifests/' "$H_LOG")
if ((n <= 6)); then pass "nested indexes: $n manifest requests, not 50"; else fail_plain "nested indexes: $n manifest requests"; fi

# ---- media types ---------------------------------------------------------------------------
reg_case wrong-type "manifest with no mediaType sent as text/html" 3 20 48 'text/html'
reg_case schema1 "Docker v2 schema 1 manifest" 3 20 48 'schema 1'
reg_case foreign "foreign layer the registry does not hold" 3 20 48 \
  'layer 0 .*foreign.*foreign\.invalid'

# ---- auth loops ----------------------------------------------------------------------------
standin T --auth token-401
standin U --auth token-useless
secret=standin-Pw-$RANDOM$RANDOM
for v in T U; do
  addr=${!v}
  mkdir -p "$LD_TMP/cfg-$v"
  printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$addr" "$(printf 'auditor:%s' "$secret" | base64 -w0)" \
    >"$LD_TMP/cfg-$v/config.json"
done
hostile_dir token-401
hostile_case "token endpoint answering 401 to every request" 3 30 48 -- image sbom \
  "registry:$T/hostile/good:1" --cacert "$REG_CA" --docker-config "$LD_TMP/cfg-T/config.json" \
  --no-cache -f json
assert_stderr_matches '401|denied|refused' "token 401 loop: says access was refused"
n=$(wc -l <"$T_LOG")
if ((n <= 20)); then pass "token 401 loop: $n requests in all"; else fail_plain "token 401 loop: $n requests"; fi
hostile_dir token-useless
hostile_case "registry refusing every token it granted" 3 30 48 -- image sbom \
  "registry:$U/hostile/good:1" --cacert "$REG_CA" --docker-config "$LD_TMP/cfg-U/config.json" \
  --no-cache -f json
assert_stderr_matches '401|denied|refused' "useless tokens: says access was refused"
n=$(wc -l <"$U_LOG")
if ((n <= 20)); then pass "useless tokens: $n requests in all"; else fail_plain "useless tokens: $n requests"; fi
if grep -qF "$secret" "$LD_TMP"/.stdout "$LD_TMP"/.stderr; then
  fail "the password from the docker config was printed"
else
  pass "the password from the docker config is printed nowhere"
fi

# ---- nothing written -------------------------------------------------------------------------
left=$(find "$HOME" -mindepth 1 | head -n 5)
assert_eq "" "$left" "nothing written under HOME by any case"
