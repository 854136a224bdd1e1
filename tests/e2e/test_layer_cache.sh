#!/usr/bin/env bash
# The layer cache (--cache-dir; src/image/layer_cache.c) on the engine's
# Debian test image as an OCI layout (skopeo copy of its docker-archive):
#   - `image scan` twice: the same findings (check, status, location,
#     evidence) and the same exit; the second run says its layer was
#     reused; `image sbom` twice: the same document, byte for byte;
#   - a policy with a custom secret rule is a miss: the rule's hit appears,
#     and a second run with it reuses the layer with the hit still there;
#   - garbage planted in place of every record: a noted miss, the same
#     findings and SBOM, the record rewritten (the next run reuses the layer);
#   - a cache directory others may write to: not used, a note says why;
#   - then the layer blob is overwritten with a valid tar of the same size:
#     a cached scan and SBOM still give the same results (no blob was read),
#     while --no-cache fails (exit 3) naming the digest mismatch.
# On the code before the cache every run reads the layer: the second run
# reports no reuse and the run over the spoiled blob fails.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/registry_lib.sh"
require_cmd jq skopeo python3
require_image lockdown-test/debian:bookworm

export HOME=$LD_TMP/home # nothing from another cache
mkdir -p "$HOME"
unset XDG_CACHE_HOME

DEB=$(reg_image_archive lockdown-test/debian:bookworm)
OCI=$LD_TMP/oci
skopeo copy -q "docker-archive:$DEB" "oci:$OCI:bookworm" || fail_plain "skopeo copy to an OCI layout"
C=$LD_TMP/cache
SCAN=(image scan "oci:$OCI" --checks config,secrets -f json)

# the findings in a stable order; the notes apart from the cache's summary
findings() { jq -S '.findings | sort_by(.check_id, (.target.path // ""), .evidence)' "$1"; }
notes() { jq -S '[.notes[] | select(startswith("layer cache: ") and contains("reused") | not)]' "$1"; }
same() { # same DESC FILE_A FILE_B: two texts equal; on failure their diff
  if cmp -s "$2" "$3"; then
    pass "$1"
  else
    fail_plain "$1" "$(diff "$2" "$3" | head -n 20)"
  fi
}
scan_to() { # scan_to NAME [ARGS...]: one scan with the cache; findings and notes kept as NAME.*
  local name=$1
  shift
  run_ld "${SCAN[@]}" --cache-dir "$C" "$@"
  cp "$LD_STDOUT_FILE" "$LD_TMP/$name.json"
  findings "$LD_TMP/$name.json" >"$LD_TMP/$name.findings"
  notes "$LD_TMP/$name.json" >"$LD_TMP/$name.notes"
}

# ---- a rescan reuses the layer ---------------------------------------------------------------
scan_to cold
cold_exit=$LD_EXIT
assert_json '.notes | index("layer cache: 0 of 1 layer reused (0.0 MiB not read)")' \
  "a cold cache reads the layer"
n=$(jq '.findings | length' "$LD_TMP/cold.json")
if ((n >= 10)); then pass "the cold scan has $n findings"; else fail_plain "only ${n:-0} findings"; fi
mode=$(stat -c %a "$C")
assert_eq 700 "$mode" "the cache directory is created private"
scan_to warm
assert_eq "$cold_exit" "$LD_EXIT" "same exit status from a warm cache"
assert_json '.notes | any(test("^layer cache: 1 of 1 layer reused \\([1-9][0-9.]* MiB not read\\)$"))' \
  "the second scan reuses the layer"
same "same findings from a warm cache" "$LD_TMP/cold.findings" "$LD_TMP/warm.findings"
same "same notes from a warm cache" "$LD_TMP/cold.notes" "$LD_TMP/warm.notes"

run_ld image sbom "oci:$OCI" --cache-dir "$C" -f json
assert_exit 0 "image sbom with the cache"
cp "$LD_STDOUT_FILE" "$LD_TMP/sbom-cold.json"
assert_stderr_not_contains "layer cache:" "an SBOM run has nothing to say about the cache"
run_ld image sbom "oci:$OCI" --cache-dir "$C" -f json
cp "$LD_STDOUT_FILE" "$LD_TMP/sbom-warm.json"
n=$(jq '.packages | length' "$LD_TMP/sbom-warm.json")
if ((n >= 50)); then pass "the warm SBOM lists $n packages"; else fail_plain "only ${n:-0} packages"; fi
same "the same SBOM, byte for byte, from a warm cache" "$LD_TMP/sbom-cold.json" "$LD_TMP/sbom-warm.json"
run_ld image sbom "oci:$OCI" --no-cache -f cyclonedx
cp "$LD_STDOUT_FILE" "$LD_TMP/cdx-plain.json"
run_ld image sbom "oci:$OCI" --cache-dir "$C" -f cyclonedx
jq -S 'del(.metadata.timestamp, .serialNumber)' "$LD_TMP/cdx-plain.json" >"$LD_TMP/cdx-a"
jq -S 'del(.metadata.timestamp, .serialNumber)' "$LD_STDOUT_FILE" >"$LD_TMP/cdx-b"
same "the same CycloneDX document without the cache and from it" "$LD_TMP/cdx-a" "$LD_TMP/cdx-b"

# ---- a new secret rule is a miss --------------------------------------------------------------
cat >"$LD_TMP/policy.yaml" <<'EOF'
version: 1
secrets:
  rules:
    - id: e2e-codename
      description: the Debian codename, as a stand-in for a site's own token
      regex: '(VERSION_CODENAME=bookworm)'
      keywords: [version_codename]
      severity: low
EOF
scan_to rule --policy "$LD_TMP/policy.yaml"
assert_json '.notes | index("layer cache: 0 of 1 layer reused (0.0 MiB not read)")' \
  "another secret rule set reads the layer again"
assert_json '[.findings[] | select(.check_id == "image.secrets" and .secret.rule_id == "e2e-codename")]
  | length >= 1' "the new rule's hit is reported"
scan_to rule2 --policy "$LD_TMP/policy.yaml"
assert_json '.notes | any(startswith("layer cache: 1 of 1 layer reused"))' "the rule's own records are reused"
same "the same findings with the rule from a warm cache" "$LD_TMP/rule.findings" "$LD_TMP/rule2.findings"

# ---- garbage records ---------------------------------------------------------------------------
records=("$C"/v1/sha256/*/*.rec)
if ((${#records[@]} >= 3)); then pass "${#records[@]} records kept"; else fail_plain "records: ${records[*]}"; fi
for r in "${records[@]}"; do head -c 4096 /dev/urandom >"$r"; done
scan_to garbage
assert_stderr_contains "was not used (layer cache record: not a record (bad magic)); the layer was read and its record written again" \
  "a garbage record is noted"
assert_json '.notes | index("layer cache: 0 of 1 layer reused (0.0 MiB not read)")' "and is a miss"
same "same findings past a garbage record" "$LD_TMP/cold.findings" "$LD_TMP/garbage.findings"
scan_to rewritten
assert_json '.notes | any(startswith("layer cache: 1 of 1 layer reused"))' "the record was written again"
assert_stderr_not_contains "was not used" "and is good"
run_ld image sbom "oci:$OCI" --cache-dir "$C" -f json
assert_stderr_contains "was not used (layer cache record: not a record (bad magic))" \
  "the SBOM's garbage record is noted too"
cp "$LD_STDOUT_FILE" "$LD_TMP/sbom-garbage.json"
jq 'del(.notes)' "$LD_TMP/sbom-cold.json" >"$LD_TMP/sbom-a"
jq 'del(.notes)' "$LD_TMP/sbom-garbage.json" >"$LD_TMP/sbom-b"
same "the same SBOM past a garbage record (but for the note)" "$LD_TMP/sbom-a" "$LD_TMP/sbom-b"

# ---- a directory others may write to -----------------------------------------------------------
chmod 0777 "$C"
scan_to open
assert_stderr_contains "layer cache: not used: $C may be written by others (mode 0777)" \
  "a world-writable cache directory is not used"
assert_json '.notes | any(startswith("layer cache: ") and contains("reused")) | not' "no layer looked up there"
same "same findings without the cache" "$LD_TMP/cold.findings" "$LD_TMP/open.findings"
chmod 0700 "$C"

# ---- the blob is never read on a hit ------------------------------------------------------------
manifest=$(jq -r '.manifests[0].digest' "$OCI/index.json")
layers=$(jq -r '.layers[].digest' "$OCI/blobs/sha256/${manifest#sha256:}")
for d in $layers; do
  blob=$OCI/blobs/sha256/${d#sha256:}
  size=$(stat -c %s "$blob")
  # a valid tar of the same size: only the digest can tell it from the layer
  python3 - "$blob" "$size" <<'EOF'
import io, sys, tarfile
path, size = sys.argv[1], int(sys.argv[2])
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
    data = b"not the layer\n"
    info = tarfile.TarInfo("etc/spoiled")
    info.size = len(data)
    t.addfile(info, io.BytesIO(data))
out = buf.getvalue()
assert len(out) <= size
with open(path, "wb") as f:
    f.write(out + b"\0" * (size - len(out)))
EOF
done
scan_to spoiled
assert_eq "$cold_exit" "$LD_EXIT" "same exit status over a spoiled blob from the cache"
assert_json '.notes | any(startswith("layer cache: 1 of 1 layer reused"))' "the spoiled blob is not read"
same "same findings over a spoiled blob (no blob was read)" "$LD_TMP/cold.findings" "$LD_TMP/spoiled.findings"
run_ld image sbom "oci:$OCI" --cache-dir "$C" -f json
cp "$LD_STDOUT_FILE" "$LD_TMP/sbom-spoiled.json"
same "the same SBOM over a spoiled blob" "$LD_TMP/sbom-cold.json" "$LD_TMP/sbom-spoiled.json"
run_ld "${SCAN[@]}" --no-cache
assert_exit 3 "--no-cache reads the spoiled blob"
assert_stderr_contains "blob digest mismatch" "and names the digest mismatch"
assert_stderr_not_contains "layer cache" "--no-cache does not look at the cache"
