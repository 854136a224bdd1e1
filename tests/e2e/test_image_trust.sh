#!/usr/bin/env bash
# test_image_trust.sh — `lockdown image sign` and `lockdown image verify`
# end to end, with real components only: Debian's docker-registry
# (distribution 2.8.2) over TLS with htpasswd auth, images pushed by skopeo,
# keys from `lockdown key generate`, and skopeo 1.9.3 (containers/image
# 5.23) as the interoperability peer in both directions:
#
#   1. lockdown signs -> lockdown verifies with the .pub (0), another .pub (1)
#   2. lockdown signs -> skopeo copy under a policy.json requiring
#      sigstoreSigned with lockdown's key accepts it; after the tag moves to
#      another manifest, after the old signature is copied next to that
#      manifest, and after the signature itself is altered, skopeo refuses
#      and lockdown says unsigned / invalid
#   3. skopeo signs with lockdown's key -> lockdown verifies
#   4. lockdown verify --policy policy.json: scopes (default reject, a
#      sigstoreSigned scope, an insecureAcceptAnything scope), registries.d
#   5. unsigned -> 1; registry down -> 3 (not assessed); the trusted-keys of
#      lockdown's policy; no key anywhere -> usage error
#   6. openssl as a second, independent peer: it verifies lockdown's
#      signature (ECDSA-SHA256 over the payload blob, the payload in the
#      simple-signing format), and a signature image made by openssl + curl
#      from the cosign spec verifies in lockdown
#
# Debian's skopeo 1.9.3 is built with sigstore patched out ("Debian-local
# change: sigstore disabled" in golang-github-containers-image 5.23.1-4:
# VerifySigstorePayload, prSigstoreSigned.isSignatureAccepted and the sigstore
# signer are stubs): it can neither sign nor verify sigstore signatures. The
# test probes for that and then skips (and counts) the skopeo parts of 2 and
# 3, rather than take a refusal for "sigstore disabled" as a pass; with a
# skopeo that has sigstore they run.
#
# distribution 2.8 has no OCI referrers API: the Sigstore bundle path is
# unit-tested (tests/unit/test_trust_verify.c), here only its fallback (the
# referrers tag schema, absent) runs.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/registry_lib.sh"

reg_require
require_cmd curl jq python3
archive=$(reg_image_archive lockdown-test/busybox:1) || skip "cannot export lockdown-test/busybox:1 (tests/harness/images.sh)"
[[ -s $archive ]] || skip "no archive of lockdown-test/busybox:1 (tests/harness/images.sh)"

reg_start R --tls --auth || exit 1
T=$LD_TMP
printf '%s\n' "$REG_PASS" >"$T/regpass"
export LD_STDIN=$T/regpass
REG=(--cacert "$REG_CA" --username "$REG_USER" --password-stdin)
CURL=(curl -sS --cacert "$REG_CA" -u "$REG_USER:$REG_PASS")
SKOPEO_SRC=(--src-cert-dir "$REG_CERT_DIR" --src-creds "$REG_USER:$REG_PASS")

# ---- keys --------------------------------------------------------------------
export LOCKDOWN_KEY_PASSWORD='trust-test-pw'
printf '%s' "$LOCKDOWN_KEY_PASSWORD" >"$T/keypass"
run_ld key generate "$T/lockdown"
assert_exit 0 "key generate"
run_ld key generate "$T/other"
assert_exit 0 "key generate (a second key)"
[[ -s $T/lockdown.key && -s $T/lockdown.pub && -s $T/other.pub ]] || { fail "key generate wrote no key files"; exit 1; }

manifest_digest() { # manifest_digest REPO:TAG — sha256 of the manifest bytes the registry serves
  skopeo inspect --raw --cert-dir "$REG_CERT_DIR" --creds "$REG_USER:$REG_PASS" "docker://$R/$1" |
    sha256sum | awk '{print "sha256:" $1}'
}

# registries.d that lets containers/image read and write sigstore attachments here
mkdir -p "$T/regd" "$T/regd-off"
printf 'docker:\n  %s:\n    use-sigstore-attachments: true\n' "$R" >"$T/regd/lockdown-test.yaml"
printf 'docker:\n  %s:\n    use-sigstore-attachments: false\n' "$R" >"$T/regd-off/lockdown-test.yaml"

policy_json() { # policy_json FILE KEY SCOPE... — default reject; each SCOPE requires sigstoreSigned KEY
  local file=$1 key=$2
  shift 2
  python3 - "$file" "$key" "$@" <<'EOF'
import json, sys
file, key, scopes = sys.argv[1], sys.argv[2], sys.argv[3:]
docker = {s: [{"type": "sigstoreSigned", "keyPath": key,
               "signedIdentity": {"type": "matchRepoDigestOrExact"}}] for s in scopes}
json.dump({"default": [{"type": "reject"}], "transports": {"docker": docker}}, open(file, "w"))
EOF
}

skopeo_pull() { # skopeo_pull POLICY REF — skopeo copy under POLICY to a directory
  rm -rf "$T/pulled"
  run_cmd skopeo copy --policy "$1" --registries.d "$T/regd" "${SKOPEO_SRC[@]}" "docker://$R/$2" "dir:$T/pulled"
}

verify_json() { # verify_json REF ARG... — lockdown image verify as JSON
  run_ld image verify "$R/$1" "${REG[@]}" -f json "${@:2}"
}

# Whether this skopeo verifies sigstore signatures at all (Debian's does not):
# asked with a policy whose requirement for the image is sigstoreSigned.
SKOPEO_SIGSTORE=1
SKOPEO_WHY="Debian's skopeo is built without sigstore ('Debian-local change: sigstore disabled'): containers/image cannot verify or make sigstore signatures on this machine"
skopeo_probe() {
  skopeo_pull "$T/policy.json" "$1"
  if grep -q 'sigstore disabled' "$LD_STDERR_FILE"; then SKOPEO_SIGSTORE=0; fi
}

# ---- 1. lockdown signs, lockdown verifies ------------------------------------------
reg_push "$archive" "$R/x:1" --tls --auth || { fail "skopeo could not push to the registry"; exit 1; }
d1=$(manifest_digest x:1)
run_ld image sign "$R/x:1" --key "$T/lockdown.key" "${REG[@]}"
assert_exit 0 "lockdown signs $R/x:1"
assert_eq "$d1" "$(head -1 <<<"$LD_STDOUT")" "sign prints the manifest digest the registry serves"
sigtag="sha256-${d1#sha256:}.sig"
sig_manifest=$("${CURL[@]}" -H 'Accept: application/vnd.oci.image.manifest.v1+json' "https://$R/v2/x/manifests/$sigtag")
assert_true "the signature image is at $sigtag with one simple-signing layer and its signature annotation" \
  jq -e '(.layers | length) == 1 and .layers[0].mediaType == "application/vnd.dev.cosign.simplesigning.v1+json"
         and (.layers[0].annotations["dev.cosignproject.cosign/signature"] | length) > 0' <<<"$sig_manifest"

verify_json x:1 --key "$T/lockdown.pub"
assert_exit 0 "verify with the signer's public key"
assert_json '.findings | length == 1' "one finding"
assert_json '.findings[0].check_id == "image.signature" and .findings[0].status == "pass"' "image.signature passes"
assert_json ".findings[0].target.kind == \"image\" and .findings[0].target.id == \"$d1\"" "the target is the image digest"
assert_json '.findings[0].evidence | startswith("verified: ")' "evidence says verified"
# the key's fingerprint as openssl computes it: sha256 of the SubjectPublicKeyInfo DER
fp=sha256:$(openssl pkey -pubin -in "$T/lockdown.pub" -outform DER | sha256sum | awk '{print $1}')
assert_json ".findings[0].evidence | contains(\"key $fp\")" "evidence names the key fingerprint"
assert_json ".findings[0].evidence | contains(\"signed identity $R/x:1\")" "evidence names the signed identity (the tag kept)"

verify_json x:1 --key "$T/other.pub"
assert_exit 1 "verify with another key's public key fails the gate"
assert_json '.findings[0].status == "fail" and (.findings[0].evidence | startswith("invalid: "))' "another key: invalid"
assert_json '.findings[0].evidence | contains("does not verify")' "invalid says the signature does not verify"

run_ld image verify "$R/x:1" "${REG[@]}" --key "$T/other.pub" --key "$T/lockdown.pub"
assert_exit 0 "any one of several --key verifying suffices"

# signing again keeps the first signature (ECDSA signatures differ each time)
run_ld image sign "$R/x:1" --key "$T/lockdown.key" "${REG[@]}" -a purpose=e2e
assert_exit 0 "a second signature"
assert_true "the signature image now holds both signatures" \
  jq -e '(.layers | length) == 2' <<<"$("${CURL[@]}" -H 'Accept: application/vnd.oci.image.manifest.v1+json' "https://$R/v2/x/manifests/$sigtag")"

# ---- 2. lockdown signs, skopeo (containers/image) accepts or refuses ----------------------
policy_json "$T/policy.json" "$T/lockdown.pub" "$R/x" "$R/y"
policy_json "$T/policy-other.json" "$T/other.pub" "$R/x"
skopeo_probe x:1
if ((SKOPEO_SIGSTORE)); then
  assert_exit 0 "skopeo copy accepts lockdown's signature under sigstoreSigned with lockdown's key"
  skopeo_pull "$T/policy-other.json" x:1
  assert_exit 1 "skopeo copy refuses it under a policy naming another key (the control)"
else
  # it cannot verify, but it still looks for signatures where cosign keeps
  # them: at lockdown's signature it reaches its (stubbed) verifier, and at an
  # unsigned repository it finds none — the attachment is where it reads
  assert_stderr_contains "sigstore disabled" "skopeo reaches lockdown's signature attachment (then its stub refuses)"
  reg_push "$archive" "$R/probe-unsigned:1" --tls --auth
  policy_json "$T/policy-probe.json" "$T/lockdown.pub" "$R/probe-unsigned"
  skopeo_pull "$T/policy-probe.json" probe-unsigned:1
  assert_stderr_matches 'no signature exists|[Ss]ignature.*required' "an unsigned repository: skopeo finds no signature"
  assert_stderr_not_contains "sigstore disabled" "the unsigned case never reaches the verifier"
  skip_part --optional "lockdown signs, skopeo accepts: $SKOPEO_WHY"
fi

# 4. (while x:1 is validly signed) --policy with scope resolution
run_ld image verify "$R/x:1" "${REG[@]}" --policy "$T/policy.json" --registries-d "$T/regd" -f json
assert_exit 0 "verify --policy policy.json: x is in a sigstoreSigned scope"
assert_json ".findings[0].evidence | contains(\"containers-policy scope \\\"$R/x\\\"\")" "the evidence names the scope"
run_ld image verify "$R/x:1" "${REG[@]}" --policy "$T/policy.json" --registries-d "$T/regd-off" -f json
assert_exit 1 "verify --policy with registries.d use-sigstore-attachments: false"
assert_json ".findings[0].evidence | contains(\"$T/regd-off/lockdown-test.yaml\") and contains(\"use-sigstore-attachments\")" \
  "the reason names the registries.d file and use-sigstore-attachments"
reg_push "$archive" "$R/other:1" --tls --auth
run_ld image verify "$R/other:1" "${REG[@]}" --policy "$T/policy.json" --registries-d "$T/regd" -f json
assert_exit 1 "verify --policy: other falls to the default scope, reject"
assert_json '.findings[0].evidence | startswith("invalid: ") and contains("reject")' "rejected by the default"
python3 - "$T/accept.json" "$R/open" <<'EOF'
import json, sys
json.dump({"default": [{"type": "reject"}],
           "transports": {"docker": {sys.argv[2]: [{"type": "insecureAcceptAnything"}]}}}, open(sys.argv[1], "w"))
EOF
run_ld image verify "$R/other:1" "${REG[@]}" --containers-policy "$T/accept.json" -f json
assert_exit 1 "--containers-policy: default reject for other"
reg_push "$archive" "$R/open:1" --tls --auth
run_ld image verify "$R/open:1" "${REG[@]}" --policy "$T/accept.json" -f json
assert_exit 1 "insecureAcceptAnything: accepted without signature is not a verification"
assert_json '.findings[0].status == "fail" and (.findings[0].evidence | startswith("accepted without signature: "))' \
  "the state says accepted without signature"
assert_json '.findings[0].evidence | contains("insecureAcceptAnything")' "and names insecureAcceptAnything"

# 2a. the tag moved to another manifest (same content, OCI format: another digest)
skopeo --insecure-policy copy -q --format oci --dest-cert-dir "$REG_CERT_DIR" --dest-creds "$REG_USER:$REG_PASS" \
  "docker-archive:$archive" "docker://$R/x:1" >/dev/null
d2=$(manifest_digest x:1)
[[ $d2 != "$d1" ]] || fail_plain "re-pushing as OCI did not change the manifest digest ($d1)"
if ((SKOPEO_SIGSTORE)); then
  skopeo_pull "$T/policy.json" x:1
  assert_exit 1 "skopeo refuses x:1 once the tag names another manifest"
else
  skip_part --optional "skopeo refuses a moved tag: $SKOPEO_WHY"
fi
verify_json x:1 --key "$T/lockdown.pub"
assert_exit 1 "lockdown: the moved tag is unsigned"
assert_json '.findings[0].evidence | startswith("unsigned: ")' "unsigned"

# 2b. the old signature copied next to the new manifest: authentic, but for d1
"${CURL[@]}" -H 'Accept: application/vnd.oci.image.manifest.v1+json' "https://$R/v2/x/manifests/$sigtag" >"$T/sig.json"
sigtag2="sha256-${d2#sha256:}.sig"
code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
  --data-binary "@$T/sig.json" "https://$R/v2/x/manifests/$sigtag2")
assert_eq 201 "$code" "the copied signature image is stored at $sigtag2"
if ((SKOPEO_SIGSTORE)); then
  skopeo_pull "$T/policy.json" x:1
  assert_exit 1 "skopeo refuses a signature naming another manifest digest"
else
  skip_part --optional "skopeo refuses a copied signature: $SKOPEO_WHY"
fi
verify_json x:1 --key "$T/lockdown.pub"
assert_exit 1 "lockdown refuses it too"
assert_json '.findings[0].evidence | startswith("invalid: ")' "invalid, not unsigned"
assert_json ".findings[0].evidence | contains(\"signs manifest $d1\")" "the reason names the digest it signs"

# 2c. the signature itself altered (one byte of the DER signature flipped)
reg_push "$archive" "$R/y:1" --tls --auth
run_ld image sign "$R/y:1" --key "$T/lockdown.key" "${REG[@]}" -q
assert_exit 0 "lockdown signs $R/y:1"
dy=$(manifest_digest y:1)
verify_json y:1 --key "$T/lockdown.pub"
assert_exit 0 "lockdown verifies y:1 before its signature is altered"
if ((SKOPEO_SIGSTORE)); then
  skopeo_pull "$T/policy.json" y:1
  assert_exit 0 "skopeo accepts y:1 before the signature is altered"
fi
ytag="sha256-${dy#sha256:}.sig"
"${CURL[@]}" -H 'Accept: application/vnd.oci.image.manifest.v1+json' "https://$R/v2/y/manifests/$ytag" >"$T/ysig.json"
python3 - "$T/ysig.json" <<'EOF'
import base64, json, sys
m = json.load(open(sys.argv[1]))
a = m["layers"][0]["annotations"]
sig = bytearray(base64.b64decode(a["dev.cosignproject.cosign/signature"]))
sig[len(sig) // 2] ^= 0x01
a["dev.cosignproject.cosign/signature"] = base64.b64encode(bytes(sig)).decode()
json.dump(m, open(sys.argv[1], "w"))
EOF
code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
  --data-binary "@$T/ysig.json" "https://$R/v2/y/manifests/$ytag")
assert_eq 201 "$code" "the altered signature image is stored"
if ((SKOPEO_SIGSTORE)); then
  skopeo_pull "$T/policy.json" y:1
  assert_exit 1 "skopeo refuses the altered signature"
else
  skip_part --optional "skopeo refuses an altered signature: $SKOPEO_WHY"
fi
verify_json y:1 --key "$T/lockdown.pub"
assert_exit 1 "lockdown refuses the altered signature"
assert_json '.findings[0].evidence | startswith("invalid: ") and contains("does not verify")' "invalid: does not verify"

# ---- 3. skopeo signs with lockdown's key, lockdown verifies ------------------------------
if ((SKOPEO_SIGSTORE)); then
  run_cmd skopeo copy --insecure-policy --registries.d "$T/regd" --dest-cert-dir "$REG_CERT_DIR" \
    --dest-creds "$REG_USER:$REG_PASS" --sign-by-sigstore-private-key "$T/lockdown.key" \
    --sign-passphrase-file "$T/keypass" "docker-archive:$archive" "docker://$R/z:1"
  assert_exit 0 "skopeo signs $R/z:1 with lockdown's private key"
  verify_json z:1 --key "$T/lockdown.pub"
  assert_exit 0 "lockdown verifies skopeo's signature"
  assert_json ".findings[0].evidence | contains(\"signed identity $R/z:1\")" "skopeo signed for the tag it pushed"
  verify_json z:1 --key "$T/other.pub"
  assert_exit 1 "skopeo's signature does not verify with another key"
else
  skip_part --optional "skopeo signs with lockdown's key, lockdown verifies: $SKOPEO_WHY"
fi

# ---- 6. openssl: an independent check of the format, both ways --------------------------
upload_blob() { # upload_blob REPO FILE — monolithic upload; prints the digest
  local repo=$1 file=$2 digest loc
  digest=sha256:$(sha256sum "$file" | awk '{print $1}')
  loc=$("${CURL[@]}" -X POST -D - -o /dev/null "https://$R/v2/$repo/blobs/uploads/" | tr -d '\r' |
    awk 'tolower($1) == "location:" {print $2}')
  [[ $loc == /* ]] && loc="https://$R$loc"
  if [[ $loc == *\?* ]]; then loc="$loc&digest=$digest"; else loc="$loc?digest=$digest"; fi
  "${CURL[@]}" -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$file" "$loc"
  echo "$digest"
}
# lockdown -> openssl: the signature is ECDSA-SHA256 over the payload blob's bytes
reg_push "$archive" "$R/s:1" --tls --auth
run_ld image sign "$R/s:1" --key "$T/lockdown.key" "${REG[@]}" -q
assert_exit 0 "lockdown signs $R/s:1"
ds=$(manifest_digest s:1)
"${CURL[@]}" -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
  "https://$R/v2/s/manifests/sha256-${ds#sha256:}.sig" >"$T/s-sig.json"
jq -r '.layers[0].annotations["dev.cosignproject.cosign/signature"]' "$T/s-sig.json" | base64 -d >"$T/s.sig"
"${CURL[@]}" -L "https://$R/v2/s/blobs/$(jq -r '.layers[0].digest' "$T/s-sig.json")" >"$T/s.payload"
assert_true "openssl verifies lockdown's signature over the payload blob with lockdown.pub" \
  openssl dgst -sha256 -verify "$T/lockdown.pub" -signature "$T/s.sig" "$T/s.payload"
assert_false "(control) openssl refuses it with other.pub" \
  openssl dgst -sha256 -verify "$T/other.pub" -signature "$T/s.sig" "$T/s.payload"
assert_true "the payload is a simple-signing payload for s:1 at its digest" \
  jq -e --arg d "$ds" --arg r "$R/s:1" '.critical.type == "cosign container image signature"
     and .critical.image["docker-manifest-digest"] == $d and .critical.identity["docker-reference"] == $r
     and (.critical | keys) == ["identity", "image", "type"]' "$T/s.payload"

# openssl + curl -> lockdown: a signature image made by hand from the cosign spec
openssl ecparam -name prime256v1 -genkey -noout -out "$T/ossl.key" 2>/dev/null
openssl ec -in "$T/ossl.key" -pubout -out "$T/ossl.pub" 2>/dev/null
reg_push "$archive" "$R/q:1" --tls --auth
dq=$(manifest_digest q:1)
# a repository identity, as cosign writes it
printf '{"critical":{"identity":{"docker-reference":"%s"},"image":{"docker-manifest-digest":"%s"},"type":"cosign container image signature"},"optional":null}' \
  "$R/q" "$dq" >"$T/q.payload"
openssl dgst -sha256 -sign "$T/ossl.key" -out "$T/q.sig" "$T/q.payload"
pdigest=$(upload_blob q "$T/q.payload")
printf '{"architecture":"","os":"","config":{},"rootfs":{"type":"layers","diff_ids":["%s"]}}' "$pdigest" >"$T/q.config"
cdigest=$(upload_blob q "$T/q.config")
jq -n --arg c "$cdigest" --argjson cs "$(stat -c %s "$T/q.config")" --arg p "$pdigest" \
  --argjson ps "$(stat -c %s "$T/q.payload")" --arg s "$(base64 -w0 "$T/q.sig")" \
  '{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
    layers: [{mediaType: "application/vnd.dev.cosign.simplesigning.v1+json", digest: $p, size: $ps,
              annotations: {"dev.cosignproject.cosign/signature": $s}}]}' >"$T/q-sig.json"
code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
  --data-binary "@$T/q-sig.json" "https://$R/v2/q/manifests/sha256-${dq#sha256:}.sig")
assert_eq 201 "$code" "openssl's signature image is stored"
verify_json q:1 --key "$T/ossl.pub"
assert_exit 0 "lockdown verifies a signature openssl made by the cosign spec"
assert_json ".findings[0].evidence | contains(\"signed identity $R/q\")" "a repository identity (cosign's) is accepted"
verify_json q:1 --key "$T/lockdown.pub"
assert_exit 1 "(control) not with another key"
python3 -c 'import json, sys
json.dump({"default": [{"type": "reject"}], "transports": {"docker": {sys.argv[2]: [
    {"type": "sigstoreSigned", "keyPath": sys.argv[3]}]}}}, open(sys.argv[1], "w"))' "$T/q.json" "$R/q" "$T/ossl.pub"
run_ld image verify "$R/q:1" "${REG[@]}" --policy "$T/q.json" --registries-d "$T/regd" -f json
assert_exit 1 "--policy: matchRepoDigestOrExact refuses a repository identity for a tag (as containers/image does)"
assert_json '.findings[0].evidence | contains("matchRepoDigestOrExact")' "the reason names the identity rule"
run_ld image sign "$R/q:1" --key "$T/lockdown.key" "${REG[@]}" -q
assert_exit 0 "lockdown adds its signature to the hand-made signature image"
assert_true "both signatures are kept" \
  jq -e '(.layers | length) == 2' <<<"$("${CURL[@]}" -H 'Accept: application/vnd.oci.image.manifest.v1+json' "https://$R/v2/q/manifests/sha256-${dq#sha256:}.sig")"
verify_json q:1 --key "$T/ossl.pub"
assert_exit 0 "openssl's signature still verifies after lockdown signed too"

# ---- 5. unsigned, registry down, lockdown's policy, no key ------------------------------
reg_push "$archive" "$R/u:1" --tls --auth
verify_json u:1 --key "$T/lockdown.pub"
assert_exit 1 "an unsigned image fails the gate"
assert_json '.findings[0].status == "fail" and (.findings[0].evidence | startswith("unsigned: "))' "unsigned"
run_ld image verify "$R/u:1" "${REG[@]}" --key "$T/lockdown.pub"
assert_exit 1 "table output"
assert_stdout_contains "unsigned" "the table says unsigned"

down="127.0.0.1:$(_reg_free_port)"
# at level high, where NIST-IMG-11 (image.signature) is required: the report's gate fails too
run_ld image verify "$down/x:1" --cacert "$REG_CA" --key "$T/lockdown.pub" --registry-timeout 5 -f json --level high
assert_exit 3 "registry down: could not complete"
assert_json '.findings[0].status == "error" and (.findings[0].evidence | startswith("not assessed: "))' \
  "the finding is not assessed"
assert_stderr_contains "not assessed" "one line on stderr says why"
assert_json '.gate.failed == true and .gate.incomplete == true' "the gate fails closed (incomplete)"

cat >"$T/lockdown-policy.yaml" <<EOF
version: 1
trusted-keys:
  - name: release
    key: file:lockdown.pub
EOF
verify_json y:1 --policy "$T/lockdown-policy.yaml"
assert_exit 1 "the policy's trusted keys: y's altered signature is invalid"
run_ld image verify "$R/s:1" "${REG[@]}" --policy "$T/lockdown-policy.yaml"
assert_exit 0 "the policy's trusted-keys (file: relative to the policy) verify s:1"
run_ld image verify "$R/s:1" "${REG[@]}"
assert_exit 2 "no --key, no policy.json, no trusted-keys: usage error"
assert_stderr_contains "--key" "it names --key"
assert_stderr_contains "trusted-keys" "and trusted-keys"
run_ld image verify "$R/s:1" "${REG[@]}" --key "$T/lockdown.pub" --containers-policy "$T/policy.json"
assert_exit 2 "--key and a containers-policy.json together: usage error"
run_ld image sign "$R/s:1" "${REG[@]}"
assert_exit 2 "sign without --key: usage error"
LOCKDOWN_KEY_PASSWORD='Not-The-Pass-4711' run_ld image sign "$R/s:1" --key "$T/lockdown.key" "${REG[@]}"
assert_exit 3 "sign with a wrong password"
assert_stderr_contains "lockdown.key" "the message names the key file"
assert_stderr_not_contains "Not-The-Pass-4711" "and never the password"
