#!/usr/bin/env bash
# End-to-end: `lockdown registry scan` against a real registry (Debian's
# docker-registry with TLS and htpasswd, tests/e2e/registry_lib.sh), with
# images built offline by the real engine (registry_images_lib.sh: busybox
# plus a Debian dpkg status naming libc6 at a vulnerable or a fixed
# version) and a vulnerability database imported from a feed excerpt:
#   - every image is read once per digest: two tags on one digest are one
#     target whose name lists both tags; the same image in another
#     repository is its own target; the children of an OCI index are read
#     (named "[linux/ARCH]"), the index itself is not an image;
#   - vulnerabilities land on the right image (the vulnerable libc6, not the
#     fixed one), through the report's per-image summary (table and JSON);
#   - --repo globs and literal names filter (a literal needs no catalog),
#     --platform picks one child, --since leaves out older images;
#   - an image whose layer blob was corrupted in the registry's storage is a
#     note and its checks are "error" (not assessed): the gate fails closed,
#     and the other images are still read;
#   - the layer cache: a second run reads no layer blob from the registry;
#   - registry.stale-images: with registry.prune rules in the policy, what
#     `registry prune` would delete fails, the rest passes;
#   - wrong credentials, a malformed URL: exit 3 and 2 with one line.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/registry_lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/registry_images_lib.sh"
require_cmd jq curl python3
reg_require
require_image lockdown-test/busybox:1
export LOCKDOWN_DB=$LD_TMP/never-created.db # never read the user's database

# ---- images and registry --------------------------------------------------------
VULN=$(ri_image vuln "$RI_VULNERABLE") || exit 1
FIXED=$(ri_image fixed "$RI_FIXED") || exit 1
BROKEN=$(ri_image broken "$RI_FIXED" "this layer gets corrupted") || exit 1
PLAIN=$(reg_image_archive lockdown-test/busybox:1)
DB=$(ri_vuln_db) || exit 1
INDEX=$(ri_index amd64 "$VULN" arm64 "$FIXED") || exit 1

reg_start R --tls --auth
reg_push "$VULN" "$R/app:1.0" --tls --auth
reg_push "$VULN" "$R/app:latest" --tls --auth
reg_push "$FIXED" "$R/app:2.0" --tls --auth
reg_push "$PLAIN" "$R/team/tool:1" --tls --auth
reg_push "$BROKEN" "$R/team/broken:1" --tls --auth
ri_push_index "$INDEX" "$R/multi:v1" --auth || fail_plain "skopeo copy --all of the OCI index failed"

# corrupt the broken image's own layer (its last one; the others are shared)
broken_layer=$(ri_curl "$R" /v2/team/broken/manifests/1 \
  -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' | jq -r '.layers[-1].digest')
blob=$R_DIR/storage/docker/registry/v2/blobs/sha256/${broken_layer:7:2}/${broken_layer:7}/data
if [[ -f $blob ]]; then
  size=$(stat -c %s "$blob")
  head -c "$size" /dev/urandom >"$blob"
else
  fail_plain "layer blob of team/broken not found in the registry storage ($blob)"
fi

pw=$LD_TMP/password
printf '%s\n' "$REG_PASS" >"$pw"
CACHE=$LD_TMP/layer-cache
# scan ARGS... — registry scan of R with the test CA and credentials
scan() {
  LD_STDIN=$pw run_ld registry scan "$R" --cacert "$REG_CA" --username "$REG_USER" \
    --password-stdin --db "$DB" "$@"
}
digest_app1=$(ri_digest "$R" app 1.0)
digest_app2=$(ri_digest "$R" app 2.0)
digest_tool=$(ri_digest "$R" team/tool 1)
digest_broken=$(ri_digest "$R" team/broken 1)

# ---- the whole registry -----------------------------------------------------------
scan --format json --cache-dir "$CACHE"
assert_exit 1 'an unreadable image: the gate fails closed'
cp "$LD_STDOUT_FILE" "$LD_TMP/full.json"
if [[ -d $LOCKDOWN_TOOLS/node_modules/ajv ]]; then
  assert_json_schema "$LD_REPO/docs/report.schema.json" "$LD_TMP/full.json"
else
  skip_part "ajv not installed in $LOCKDOWN_TOOLS: the report is not checked against docs/report.schema.json"
fi
assert_json '.command == "registry scan"' 'a registry scan report'
# 6 digests: app 1.0+latest, app 2.0, team/tool, team/broken, two index children
assert_json '.targets | length == 6' 'one summary row per digest (tags sharing one are one image)'
assert_json "[.targets[] | select(.id == \"$R/app@$digest_app1\")] | length == 1" \
  'app:1.0 and app:latest are one target, by canonical reference'
assert_json "[.targets[] | select(.id == \"$R/app@$digest_app1\") | .name] == [\"$R/app:1.0,latest\"]" \
  'its name lists both tags'
assert_json ". as \$r | [.findings[] | select(.vulnerability.id == \"CVE-2023-4911\") | .target.id] | unique == ([\"$R/app@$digest_app1\", (\$r.targets[] | select(.name == \"$R/multi:v1 [linux/amd64]\") | .id)] | sort)" \
  'CVE-2023-4911 found in the vulnerable libc6 images only (app:1.0 and the amd64 child)'
assert_json "[.targets[] | select(.id == \"$R/app@$digest_app1\") | .vulnerabilities.high] == [1]" \
  'the summary counts the vulnerable image high vulnerability'
assert_json "[.targets[] | select(.id == \"$R/app@$digest_app2\") | .vulnerabilities.high, .packages] == [0, 1]" \
  'the fixed image: no vulnerability, one package matched'
assert_json "[.targets[] | select(.name | test(\"multi:v1 \\\\[linux/(amd64|arm64)\\\\]\"))] | length == 2" \
  'both children of the index are read, named by platform'
assert_json "[.targets[] | select(.id | test(\"^$R/multi@\"))] | length == 2" \
  'the index itself is not an image target'
assert_json "[.targets[] | select(.id == \"$R/team/tool@$digest_tool\")] | length == 1" \
  'the plain busybox image in another repository'
# the broken image: a note, "error" verdicts, no pass
assert_json "[.notes[] | select(contains(\"$R/team/broken@$digest_broken could not be read\"))] | length == 1" \
  'the unreadable image is a note naming it'
assert_json "[.findings[] | select(.target.id == \"$R/team/broken@$digest_broken\") | .status] | unique == [\"error\"]" \
  'its checks are all "error" (not assessed), none passes'
assert_json "[.findings[] | select(.target.id == \"$R/team/broken@$digest_broken\" and .check_id == \"image.vulnerabilities\")] | length == 1" \
  'its vulnerability check too'
assert_json '.gate.incomplete == true' 'the gate says the run is incomplete'
assert_json "[.targets[] | select(.id == \"$R/team/broken@$digest_broken\") | .not_assessed] | .[0] > 0" \
  'the summary counts its unassessed checks'
# the index children share every layer with the app images (same content,
# OCI manifests): read once, served from the cache the second time
assert_json '[.notes[] | capture("layer cache .*: (?<hit>[0-9]+) of (?<all>[0-9]+) layers of 5 images served from the cache; (?<bytes>[0-9]+) bytes") | select((.hit | tonumber) > 0 and (.hit | tonumber) < (.all | tonumber) and (.bytes | tonumber) > 0)] | length == 1' \
  'first run: five images read, shared layers served from the cache, the rest fetched'

# ---- the same, as a table -------------------------------------------------------------
COLUMNS=120 scan --cache-dir "$CACHE"
assert_exit 1 'table: gate still fails closed'
assert_stdout_contains 'IMAGES' 'the table has the per-image summary'
assert_stdout_contains "$R/app@$digest_app1" 'with the canonical reference'
assert_stdout_contains "name $R/app:1.0,latest" 'and its tags'
assert_stdout_matches 'vulnerabilities 1 \(1 high\)' 'and its vulnerabilities by severity'
# the cache: every layer this time (the broken one never made it in)
assert_stderr_matches 'layer cache .*: ([0-9]+) of \1 layers of 5 images served from the cache; 0 bytes of layer blobs fetched' \
  'second run: every layer from the cache, no blob fetched'

# ---- filters ----------------------------------------------------------------------------
scan --format json --no-cache --repo 'team/*'
assert_json "[.targets[].id | split(\"@\")[0]] | sort == [\"$R/team/broken\", \"$R/team/tool\"]" \
  "--repo 'team/*': only team/broken and team/tool"
scan --format json --no-cache --repo app --repo multi --checks vuln
assert_exit 1 'literal --repo names: the vulnerable images fail the gate'
assert_json '[.targets[].id | split("@")[0] | split("/")[1]] | unique == ["app", "multi"]' \
  'literal names: app and multi'
assert_json '[.findings[] | select(.check_id != "image.vulnerabilities")] | length == 0' \
  '--checks vuln: no other check ran'
scan --format json --no-cache --repo multi --platform linux/arm64 --checks vuln
assert_exit 0 '--platform linux/arm64: the fixed child alone passes the gate'
assert_json "[.targets[].name] == [\"$R/multi:v1 [linux/arm64]\"]" '--platform: only the arm64 child'
assert_json '[.findings[] | select(.vulnerability)] | length == 0' 'and it is the fixed one'
scan --format json --no-cache --since 2999-01-01 --checks vuln
assert_json '.targets == []' '--since in the future: no image read'
assert_json '[.notes[] | select(test("^[0-9]+ images? left out by --since"))] | length == 1' \
  'the report says how many --since left out'
today=$(date -u +%Y-%m-%d)
scan --format json --no-cache --since 2000-01-01 --repo app --checks vuln
assert_json '.targets | length == 2' '--since long ago: both app images'

# ---- registry.stale-images ----------------------------------------------------------------
printf 'version: 1\nregistry:\n  prune: {severity: high, fixable-only: true}\n' >"$LD_TMP/prune-policy.yaml"
scan --format json --no-cache --repo app --checks vuln --policy "$LD_TMP/prune-policy.yaml"
assert_json "[.findings[] | select(.check_id == \"registry.stale-images\") | {(.target.id): .status}] | add == {\"$R/app@$digest_app1\": \"fail\", \"$R/app@$digest_app2\": \"pass\"}" \
  'registry.stale-images: the vulnerable image fails (prune would delete it), the fixed one passes'
assert_json "[.findings[] | select(.check_id == \"registry.stale-images\" and .status == \"fail\") | .evidence] | .[0] | contains(\"at or above high with a fix\")" \
  'the evidence gives the rule and the reason'
scan --format json --no-cache --repo app --checks vuln
assert_json '[.findings[] | select(.check_id == "registry.stale-images")] | length == 0' \
  'without registry.prune rules in the policy the check does not run'

# ---- refusals -------------------------------------------------------------------------
printf 'wrong-password\n' >"$LD_TMP/wrong"
LD_STDIN=$LD_TMP/wrong run_ld registry scan "$R" --cacert "$REG_CA" --username "$REG_USER" \
  --password-stdin --db "$DB"
assert_exit 3 'wrong credentials: could not complete'
assert_stderr_contains 'lockdown: ' 'one clear line'
run_ld registry scan "https://$R/v2/app/tags/list" --cacert "$REG_CA" --db "$DB"
assert_exit 2 'a URL with a path: usage error'
assert_stderr_contains 'names more than a registry' 'saying so'
run_ld registry scan "http://$R" --db "$DB"
assert_exit 2 'http:// without --insecure-registry: usage error'
run_ld registry scan "$R" --since yesterday
assert_exit 2 '--since yesterday: usage error'
scan --checks vuln --db "$LD_TMP/none.db" --repo app
assert_exit 3 '--db naming a missing database: could not complete'
: "$today"
