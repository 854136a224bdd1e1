#!/usr/bin/env bash
# Where running images come from, on a real engine and a real registry
# (Debian's docker-registry over TLS from the test CA, which the engine
# trusts through /etc/docker/certs.d/HOST/ca.crt for the length of the test):
#
#   - an image pulled from a trusted registry and signed by lockdown with a
#     trusted key: container.image-trusted and container.image-signed pass;
#   - the same registry, an unsigned image: image-trusted passes, image-signed
#     fails "unsigned";
#   - a key the policy does not trust: image-signed fails;
#   - an image built on the host under the trusted registry's name (no
#     RepoDigests): both fail — the name alone proves nothing;
#   - no trusted-registries / trusted-keys in the policy: not assessed, and
#     the gate fails closed at a level requiring NIST-IMG-09;
#   - `image scan` of the pulled image reports image.signature the same way.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/registry_lib.sh"
require_engine
require_image lockdown-test/busybox:1
reg_require

tmp=$(mktemp -d)
ld_on_exit "rm -rf '$tmp'"
reg_start R --tls
certs=/etc/docker/certs.d/$R
mkdir -p "$certs"
cp "$REG_CA" "$certs/ca.crt"
ld_on_exit "rm -rf '$certs'"

archive=$(reg_image_archive lockdown-test/busybox:1)
reg_push "$archive" "$R/team/signed:1" --tls
reg_push "$archive" "$R/team/unsigned:1" --tls
# the two repositories hold the same manifest, so the engine keeps one image
# with both RepoDigests: a signature names a repository, and the container
# created from team/unsigned runs an unsigned reference (as containers/image
# would judge it), whatever team/signed says about the same bytes
export LOCKDOWN_KEY_PASSWORD=enforce-test-pw
run_ld key generate "$tmp/trusted"
assert_exit 0 "key generate (trusted)"
run_ld key generate "$tmp/other"
assert_exit 0 "key generate (other)"
run_ld image sign "$R/team/signed:1" --key "$tmp/trusted.key" --cacert "$REG_CA"
assert_exit 0 "image sign $R/team/signed:1"

for repo in signed unsigned; do
  docker pull -q "$R/team/$repo:1" >/dev/null 2>&1 || fail_plain "docker pull $R/team/$repo:1"
done
tag=ld-enforce-$$
printf 'FROM lockdown-test/busybox:1\nLABEL local=1\n' | DOCKER_BUILDKIT=0 docker build -q -t "$R/team/local:1" - >/dev/null 2>&1 ||
  fail_plain "docker build of a local image"
for name in signed unsigned local; do
  docker create --name "$tag-$name" "$R/team/$name:1" sleep 600 >/dev/null &&
    docker start "$tag-$name" >/dev/null || fail_plain "start $tag-$name"
  ld_on_exit "docker rm -f $tag-$name >/dev/null 2>&1"
done
ld_on_exit "docker rmi -f $R/team/signed:1 $R/team/unsigned:1 $R/team/local:1 >/dev/null 2>&1"

policy() { # policy FILE KEY_PUB_OR_EMPTY REGISTRIES_OR_EMPTY
  {
    echo "version: 1"
    echo "level: medium"
    if [[ -n $3 ]]; then echo "trusted-registries: [\"$3\"]"; else echo "trusted-registries: []"; fi
    if [[ -n $2 ]]; then
      echo "trusted-keys:"
      echo "  - name: release"
      echo "    key: \"file:$2\""
    else
      echo "trusted-keys: []"
    fi
  } >"$1"
}

status_of() { # status_of CHECK CONTAINER — from the last run's JSON report
  jq -r --arg c "$1" --arg n "$2" \
    '[.findings[] | select(.check_id == $c and .target.name == $n) | .status] | first // "none"' \
    <<<"$LD_STDOUT"
}

audit() { # audit POLICY
  run_ld docker audit --policy "$1" --container "$tag-*" --check 'container.image-*' -f json
}

policy "$tmp/good.yaml" "$tmp/trusted.pub" "$R/team"
audit "$tmp/good.yaml"
assert_eq pass "$(status_of container.image-trusted "$tag-signed")" "signed image from the trusted registry: image-trusted"
assert_eq pass "$(status_of container.image-signed "$tag-signed")" "signed image, trusted key: image-signed"
assert_eq pass "$(status_of container.image-trusted "$tag-unsigned")" "unsigned image from the trusted registry: image-trusted"
assert_eq fail "$(status_of container.image-signed "$tag-unsigned")" "unsigned image: image-signed fails"
evidence_of() { # evidence_of CHECK CONTAINER
  jq -r --arg c "$1" --arg n "$2" \
    '[.findings[] | select(.check_id == $c and .target.name == $n) | .evidence] | first // ""' <<<"$LD_STDOUT"
}
[[ $(evidence_of container.image-signed "$tag-unsigned") == *"/team/unsigned@sha256:"*": unsigned"* ]] &&
  pass "evidence names the container's own repository, unsigned (the same bytes signed under another name do not count)" ||
  fail_plain "evidence of the unsigned container" "$(evidence_of container.image-signed "$tag-unsigned")"
assert_eq fail "$(status_of container.image-trusted "$tag-local")" "image built here under the registry's name: not trusted"
assert_eq fail "$(status_of container.image-signed "$tag-local")" "image built here: no registry signature"
assert_exit 1 "the gate fails on the unsigned and local containers"

policy "$tmp/other.yaml" "$tmp/other.pub" "$R/elsewhere"
audit "$tmp/other.yaml"
assert_eq fail "$(status_of container.image-signed "$tag-signed")" "signed with a key the policy does not trust"
assert_eq fail "$(status_of container.image-trusted "$tag-signed")" "registry outside the trusted list"

policy "$tmp/none.yaml" "" ""
audit "$tmp/none.yaml"
assert_eq error "$(status_of container.image-trusted "$tag-signed")" "no trusted-registries: not assessed"
assert_eq error "$(status_of container.image-signed "$tag-signed")" "no trusted-keys: not assessed"
assert_exit 1 "not assessed at a level that requires it: the gate fails closed"

# image scan of the pulled image, from the engine and from the registry
run_ld image scan "$R/team/signed:1" --policy "$tmp/good.yaml" --checks config -f json --cacert "$REG_CA"
assert_eq pass "$(jq -r '[.findings[] | select(.check_id == "image.signature") | .status] | first' <<<"$LD_STDOUT")" \
  "image scan (engine copy): image.signature verified"
run_ld image scan "registry:$R/team/unsigned:1" --policy "$tmp/good.yaml" --checks config -f json --cacert "$REG_CA"
assert_eq fail "$(jq -r '[.findings[] | select(.check_id == "image.signature") | .status] | first' <<<"$LD_STDOUT")" \
  "image scan (registry): unsigned image fails image.signature"
run_ld image scan "docker-archive:$archive" --policy "$tmp/good.yaml" --checks config -f json
assert_eq error "$(jq -r '[.findings[] | select(.check_id == "image.signature") | .status] | first' <<<"$LD_STDOUT")" \
  "image scan of a file: image.signature not assessed"
