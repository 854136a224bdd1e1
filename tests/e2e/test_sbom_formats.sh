#!/usr/bin/env bash
# End-to-end: `lockdown image sbom --format cyclonedx|spdx` on a real Debian
# bookworm root file system (debootstrap, tests/harness/images.sh --debian)
# writes documents that the real validator (ajv, tests/harness/validate-json-schema.js)
# accepts against the official schemas — CycloneDX 1.6 with its spdx and jsf
# sub-schemas from npm @cyclonedx/cyclonedx-library (tests/harness/npm-tools.sh);
# SPDX 2.3 when the official spdx-schema.json has been placed at
# $LOCKDOWN_TOOLS/schemas/spdx-schema-2.3.json (no npm or Debian package ships
# it; until then the SPDX document gets the structural checks below and a note).
# Both documents list exactly the packages `dpkg-query -W` lists inside that
# root. The unit test's hostile documents (quotes, control characters,
# invalid UTF-8, licence ids, expressions and free text) are validated too.
# First, an image built with secrets in its history: no format (table, json,
# cyclonedx, spdx) shows them.
set -uo pipefail
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"

# ---- secrets in image history: masked in every format ------------------------------
# A real legacy build from the busybox test image: an ARG token carried into
# a RUN ("|1 TOKEN=... /bin/sh -c ...") that printf's an AWS key into a file
# and writes an npm lock file, so the layer that brought a package has a
# history holding secrets. Table, JSON, CycloneDX and SPDX all print that
# history (the image's layers, each package's layer): never the secrets.
history_masking_part() {
  local busybox=lockdown-test/busybox:1
  if ! engine_available || ! docker image inspect "$busybox" >/dev/null 2>&1; then
    if [[ ${LOCKDOWN_TEST_IMAGES:-0} == 1 ]]; then
      fail_plain "engine or $busybox missing although LOCKDOWN_TEST_IMAGES=1"
    else
      skip_part "history masking: no engine or no $busybox (tests/harness/images.sh)"
    fi
    return 0
  fi
  local token=ghp_Lk8Qz2Wx7Nc4Vb9Rt1Ym6Hd3Fs5Gj0Pa7Ue3
  local example=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
  local ctx=$LD_TMP/leak tag=lockdown-test/sbom-leak-$$:1
  mkdir -p "$ctx"
  {
    echo "FROM $busybox"
    echo "ARG TOKEN=$token"
    echo "RUN mkdir -p /srv/app && printf 'aws_secret_access_key = $example\\n' > /srv/app/aws.ini \\"
    echo " && printf '{\"name\":\"app\",\"version\":\"1.0.0\",\"lockfileVersion\":3,\"packages\":{\"\":{\"name\":\"app\",\"version\":\"1.0.0\"},\"node_modules/lodash\":{\"version\":\"4.17.20\"}}}' > /srv/app/package-lock.json"
  } >"$ctx/Dockerfile"
  # each secret past the 4 characters a mask shows
  printf '%s\n' "${token:4:16}" "${example:4:16}" >"$LD_TMP/leak-secrets.txt"
  run_cmd env DOCKER_BUILDKIT=0 docker build --network none -q -t "$tag" "$ctx"
  assert_exit 0 "docker build of an image with secrets in its history"
  ld_on_exit "docker rmi -f $tag >/dev/null 2>&1"
  run_cmd docker history --no-trunc --format '{{.CreatedBy}}' "$tag"
  assert_stdout_contains "$example" "the engine's history holds the planted secret"
  docker save "$tag" -o "$LD_TMP/leak.tar"
  local src fmt doc # ($out and $err are run_cmd's)
  for src in "docker:$tag" "docker-archive:$LD_TMP/leak.tar"; do
    for fmt in table json cyclonedx spdx; do
      doc=$LD_TMP/leak-sbom.$fmt
      run_ld image sbom --format "$fmt" "$src"
      assert_exit 0 "image sbom --format $fmt of the leak image (${src%%:*})"
      cp "$LD_STDOUT_FILE" "$doc"
      # the history is there, masked (so the check below looks at the right text)
      assert_true "$fmt (${src%%:*}) prints the layer history, masked" \
        grep -q -F "TOKEN=ghp_****" "$doc"
      if grep -q -F -f "$LD_TMP/leak-secrets.txt" "$doc" "$LD_STDERR_FILE"; then
        fail_plain "image sbom --format $fmt (${src%%:*}) shows a secret from the image history" \
          "$(grep -o -F -f "$LD_TMP/leak-secrets.txt" "$doc" "$LD_STDERR_FILE" | head -3)"
      else
        pass "image sbom --format $fmt (${src%%:*}): no secret from the image history"
      fi
    done
    assert_json_file "$LD_TMP/leak-sbom.cyclonedx" 'any(.components[] | select(.name == "lodash"); any(.properties[]; .name == "lockdown:layer:created_by" and (.value | contains("aws_secret_access_key = wJal"))))' \
      "CycloneDX: the package's layer history is shown, masked (${src%%:*})"
  done
}
history_masking_part

require_cmd node jq chroot
cdx_dir=$LOCKDOWN_TOOLS/schemas/cyclonedx
[[ -s $cdx_dir/bom-1.6.schema.json && -d $LOCKDOWN_TOOLS/node_modules/ajv ]] ||
    skip "schema validators not installed in $LOCKDOWN_TOOLS (run: bash tests/harness/npm-tools.sh)"
cdx_schema=(-r "$cdx_dir/spdx.schema.json" -r "$cdx_dir/jsf-0.82.schema.json")
spdx_schema=${LOCKDOWN_SPDX_SCHEMA:-$LOCKDOWN_TOOLS/schemas/spdx-schema-2.3.json}
require_debian_rootfs
root=$LD_DEBIAN_ROOTFS

# What dpkg itself says is installed: "name version", sorted.
chroot "$root" dpkg-query -W -f '${Package} ${Version}\n' | LC_ALL=C sort >"$LD_TMP/dpkg.txt"
want=$(wc -l <"$LD_TMP/dpkg.txt")
assert_true "dpkg-query lists packages in $root ($want)" test "$want" -gt 50

# SPDX structure the schema cannot express (or that we check without it):
# unique well-formed SPDXIDs, relationships between defined elements, every
# LicenseRef defined once.
spdx_structure() { # spdx_structure FILE
    local f=$1
    assert_json_file "$f" '.spdxVersion == "SPDX-2.3" and .dataLicense == "CC0-1.0" and .SPDXID == "SPDXRef-DOCUMENT"'
    assert_json_file "$f" '(.name | type == "string") and (.documentNamespace | test("^https://spdx.org/spdxdocs/lockdown-.+-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"))'
    assert_json_file "$f" '.creationInfo.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")'
    assert_json_file "$f" '.creationInfo.creators | length == 1 and (.[0] | startswith("Tool: lockdown-"))'
    assert_json_file "$f" 'all(.packages[]; (.SPDXID | test("^SPDXRef-[a-zA-Z0-9.-]+$")) and (.name | type == "string") and .downloadLocation == "NOASSERTION" and .filesAnalyzed == false)' \
        "SPDXIDs well-formed, required package fields present"
    assert_json_file "$f" '[.packages[].SPDXID] | length == (unique | length)' "SPDXIDs unique"
    assert_json_file "$f" '([.packages[].SPDXID] + ["SPDXRef-DOCUMENT"]) as $ids | all(.relationships[]; (.spdxElementId as $a | $ids | index($a)) and (.relatedSpdxElement as $b | $ids | index($b)))' \
        "relationships name defined elements"
    assert_json_file "$f" '[.hasExtractedLicensingInfos[]?.licenseId] as $defined | ($defined | length == (unique | length)) and all(.packages[].licenseDeclared | [scan("LicenseRef-[A-Za-z0-9.-]+")][]; . as $r | $defined | index($r))' \
        "every LicenseRef used is defined once"
}

# ---- CycloneDX -------------------------------------------------------------------
cdx=$LD_TMP/sbom.cdx.json
run_ld image sbom "dir:$root" --format cyclonedx
assert_exit 0 "image sbom --format cyclonedx"
cp "$LD_STDOUT_FILE" "$cdx"
assert_json_schema "$cdx_dir/bom-1.6.schema.json" "$cdx" "${cdx_schema[@]}"
assert_json_file "$cdx" '.bomFormat == "CycloneDX" and .specVersion == "1.6" and .version == 1'
assert_json_file "$cdx" '.serialNumber | test("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")'
assert_json_file "$cdx" '.metadata.tools.components[0].name == "lockdown"'
assert_json_file "$cdx" '.metadata.component.type == "container"'
assert_json_file "$cdx" '[.components[] | select(.type == "operating-system")] | length == 1 and .[0].name == "debian" and .[0].version == "12"' \
    "the OS is one operating-system component (debian 12)"
assert_json_file "$cdx" '[.components[]."bom-ref"] | length == (unique | length)' "bom-refs unique"
assert_json_file "$cdx" '.metadata.component."bom-ref" as $img | .dependencies[0].ref == $img and (.dependencies[0].dependsOn | length) == (.components | length)' \
    "the image depends on every component"
assert_json_file "$cdx" 'all(.components[] | select(.type == "library"); (.purl | startswith("pkg:deb/debian/")) and any(.properties[]; .name == "lockdown:package:found_in" and .value == "/var/lib/dpkg/status"))' \
    "every package has a deb purl and says where it was found"
jq -r '.components[] | select(.type == "library") | "\(.name) \(.version)"' "$cdx" | LC_ALL=C sort >"$LD_TMP/cdx.txt"
assert_eq "$want" "$(wc -l <"$LD_TMP/cdx.txt")" "CycloneDX package count equals dpkg-query -W"
if cmp -s "$LD_TMP/dpkg.txt" "$LD_TMP/cdx.txt"; then
    pass "CycloneDX packages (name version) equal dpkg-query -W"
else
    fail_plain "CycloneDX packages differ from dpkg-query -W" "$(diff "$LD_TMP/dpkg.txt" "$LD_TMP/cdx.txt" | head -n 20)"
fi

# ---- SPDX ------------------------------------------------------------------------
spdx=$LD_TMP/sbom.spdx.json
run_ld image sbom "dir:$root" --format spdx
assert_exit 0 "image sbom --format spdx"
cp "$LD_STDOUT_FILE" "$spdx"
if [[ -s $spdx_schema ]]; then
    assert_json_schema "$spdx_schema" "$spdx"
else
    echo "# note: no SPDX 2.3 schema at $spdx_schema (no npm or Debian package ships the official one);" \
        "structural checks only"
fi
spdx_structure "$spdx"
assert_json_file "$spdx" '.packages[0].SPDXID == "SPDXRef-Image" and .packages[0].primaryPackagePurpose == "CONTAINER"'
assert_json_file "$spdx" '[.relationships[] | select(.relationshipType == "DESCRIBES")] == [{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-Image"}]' \
    "the document describes the image"
assert_json_file "$spdx" '(.packages | length) as $n | [.relationships[] | select(.spdxElementId == "SPDXRef-Image" and .relationshipType == "CONTAINS")] | length == $n - 1' \
    "the image contains every other package"
assert_json_file "$spdx" 'all(.packages[] | select(.primaryPackagePurpose == "LIBRARY"); (.externalRefs[0] | .referenceCategory == "PACKAGE-MANAGER" and .referenceType == "purl" and (.referenceLocator | startswith("pkg:deb/debian/"))) and (.sourceInfo | startswith("found in /var/lib/dpkg/status")))' \
    "every package has its purl and where it was found"
jq -r '.packages[] | select(.primaryPackagePurpose == "LIBRARY") | "\(.name) \(.versionInfo)"' "$spdx" | LC_ALL=C sort >"$LD_TMP/spdx.txt"
assert_eq "$want" "$(wc -l <"$LD_TMP/spdx.txt")" "SPDX package count equals dpkg-query -W"
if cmp -s "$LD_TMP/dpkg.txt" "$LD_TMP/spdx.txt"; then
    pass "SPDX packages (name version) equal dpkg-query -W"
else
    fail_plain "SPDX packages differ from dpkg-query -W" "$(diff "$LD_TMP/dpkg.txt" "$LD_TMP/spdx.txt" | head -n 20)"
fi

# ---- an image with layers: `docker save` of the same rootfs ------------------------
# (image metadata, layer attribution and the pkg:oci purl, which dir: lacks)
image=lockdown-test/debian:bookworm
if engine_available && docker image inspect "$image" >/dev/null 2>&1; then
    archive=$LD_TMP/debian.tar
    if docker save "$image" -o "$archive"; then
        run_ld image sbom "docker-archive:$archive" --format cyclonedx
        assert_exit 0 "image sbom docker-archive --format cyclonedx"
        cp "$LD_STDOUT_FILE" "$LD_TMP/img.cdx.json"
        assert_json_schema "$cdx_dir/bom-1.6.schema.json" "$LD_TMP/img.cdx.json" "${cdx_schema[@]}"
        img_id=$(docker image inspect --format '{{.Id}}' "$image")
        assert_eq "$img_id" "$(jq -r '.metadata.component.properties[] | select(.name == "lockdown:image:id") | .value' "$LD_TMP/img.cdx.json")" \
            "image id property equals docker's image id"
        assert_json_file "$LD_TMP/img.cdx.json" '.metadata.component | .type == "container" and (.purl | test("^pkg:oci/[^@]+@sha256%3A[0-9a-f]{64}")) and (.version | startswith("sha256:"))' \
            "the image is a container component with a pkg:oci purl"
        assert_json_file "$LD_TMP/img.cdx.json" '[.metadata.component.properties[] | select(.name | test("^lockdown:image:layer:[0-9]+:diff_id$"))] | length >= 1' \
            "image layers are listed"
        assert_json_file "$LD_TMP/img.cdx.json" 'all(.components[] | select(.type == "library"); any(.properties[]; .name == "lockdown:layer:diff_id" and (.value | startswith("sha256:"))))' \
            "every package names the layer that brought it"
        assert_eq "$want" "$(jq '[.components[] | select(.type == "library")] | length' "$LD_TMP/img.cdx.json")" \
            "docker-archive CycloneDX package count equals dpkg-query -W"
        run_ld image sbom "docker-archive:$archive" --format spdx
        assert_exit 0 "image sbom docker-archive --format spdx"
        cp "$LD_STDOUT_FILE" "$LD_TMP/img.spdx.json"
        [[ -s $spdx_schema ]] && assert_json_schema "$spdx_schema" "$LD_TMP/img.spdx.json"
        spdx_structure "$LD_TMP/img.spdx.json"
        assert_json_file "$LD_TMP/img.spdx.json" '.packages[0].externalRefs[0].referenceLocator | startswith("pkg:oci/")' \
            "the SPDX image package carries its pkg:oci purl"
        assert_json_file "$LD_TMP/img.spdx.json" 'all(.packages[] | select(.primaryPackagePurpose == "LIBRARY"); .sourceInfo | test("; layer [0-9]+ digest sha256:[0-9a-f]{64} diff_id sha256:[0-9a-f]{64}"))' \
            "every SPDX package names its layer in sourceInfo"
    else
        fail_plain "docker save $image failed"
    fi
elif [[ ${LOCKDOWN_TEST_IMAGES:-0} == 1 ]]; then
    fail_plain "test image $image missing although LOCKDOWN_TEST_IMAGES=1"
else
    echo "# note: no engine or no $image: the docker-archive part is not run (tests/harness/images.sh --debian)"
fi

# ---- hostile documents from the unit test ----------------------------------------
unit=${LOCKDOWN_BUILD_DIR:-}/tests/test_sbom_writers
if [[ -n ${LOCKDOWN_BUILD_DIR:-} && -x $unit ]]; then
    mkdir -p "$LD_TMP/hostile"
    run_cmd env LOCKDOWN_SBOM_DUMP_DIR="$LD_TMP/hostile" "$unit"
    assert_exit 0 "unit test test_sbom_writers (dumping its documents)"
    n_cdx=$(find "$LD_TMP/hostile" -name '*.cdx.json' | wc -l)
    assert_true "hostile CycloneDX documents written ($n_cdx)" test "$n_cdx" -ge 3
    for f in "$LD_TMP/hostile"/*.cdx.json; do
        assert_json_schema "$cdx_dir/bom-1.6.schema.json" "$f" "${cdx_schema[@]}"
    done
    for f in "$LD_TMP/hostile"/*.spdx.json; do
        [[ -s $spdx_schema ]] && assert_json_schema "$spdx_schema" "$f"
        spdx_structure "$f"
    done
else
    fail_plain "unit test binary not found at '$unit' (LOCKDOWN_BUILD_DIR='${LOCKDOWN_BUILD_DIR:-}')"
fi
