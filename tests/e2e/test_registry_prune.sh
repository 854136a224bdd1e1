#!/usr/bin/env bash
# End-to-end: `lockdown registry prune` against real registries (Debian's
# docker-registry with TLS, htpasswd and storage.delete on; a second one
# with deletes off), images built offline by the real engine
# (registry_images_lib.sh), signatures made by `lockdown image sign`, and a
# vulnerability database imported from a feed excerpt:
#   app:1.0 + app:latest   one digest, libc6 vulnerable with a fix (high), signed
#   app:2.0                libc6 fixed, signed
#   multi:old              an OCI index: the vulnerable image (amd64) and a shared
#                          fixed image (arm64)
#   multi:v1               an OCI index: the fixed image (amd64) and the same shared
#                          arm64 child
# With --severity high --fixable the plan is app's vulnerable digest (both
# tags, one deletion), its .sig, multi:old and its vulnerable child, while the
# shared child stays because multi:v1 (kept) still lists it.
#   - dry run (the default): the plan, and the registry unchanged (catalog,
#     tags, every manifest still answers);
#   - --apply --log: exactly the plan deleted (404 for each pruned digest and
#     tag), the kept ones still pull with skopeo, the log holds one JSON line
#     per deletion (mode 0600) and stderr the same lines;
#   - keep-newest: --older-than 0 selects every image, --keep 1 keeps the
#     newest by its config's created time (read here with skopeo inspect);
#   - --unsigned with --key: signed images stay, unsigned indexes go (plan);
#   - a registry with deletes disabled: exit 3 with one clear line, nothing gone;
#   - usage: no rule, --log without --apply.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/registry_lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/registry_images_lib.sh"
require_cmd jq curl python3
reg_require
require_image lockdown-test/busybox:1
export LOCKDOWN_DB=$LD_TMP/never-created.db

VULN=$(ri_image vuln "$RI_VULNERABLE") || exit 1
FIXED=$(ri_image fixed "$RI_FIXED") || exit 1
SHARED=$(ri_image shared "$RI_FIXED" "shared arm64 child") || exit 1
DB=$(ri_vuln_db) || exit 1
OLD_INDEX=$(ri_index amd64 "$VULN" arm64 "$SHARED") || exit 1
NEW_INDEX=$(ri_index amd64 "$FIXED" arm64 "$SHARED") || exit 1

reg_start R --tls --auth --delete
reg_push "$VULN" "$R/app:1.0" --tls --auth
reg_push "$VULN" "$R/app:latest" --tls --auth
reg_push "$FIXED" "$R/app:2.0" --tls --auth
ri_push_index "$OLD_INDEX" "$R/multi:old" --auth || fail_plain "push of multi:old failed"
ri_push_index "$NEW_INDEX" "$R/multi:v1" --auth || fail_plain "push of multi:v1 failed"

pw=$LD_TMP/password
printf '%s\n' "$REG_PASS" >"$pw"
REG_ARGS=(--cacert "$REG_CA" --username "$REG_USER" --password-stdin --no-cache)
prune() { LD_STDIN=$pw run_ld registry prune "$R" "${REG_ARGS[@]}" "$@"; }

# signatures, by lockdown itself (cosign's tag scheme: app:sha256-<hex>.sig)
export LOCKDOWN_KEY_PASSWORD=prune-test-key-pw
run_ld key generate "$LD_TMP/signer"
assert_exit 0 'a signing key'
for tag in 1.0 2.0; do
  LD_STDIN=$pw run_ld image sign "$R/app:$tag" --key "$LD_TMP/signer.key" --cacert "$REG_CA" \
    --username "$REG_USER" --password-stdin
  assert_exit 0 "app:$tag signed"
done

d_vuln=$(ri_digest "$R" app 1.0)
d_fixed=$(ri_digest "$R" app 2.0)
d_old=$(ri_digest "$R" multi old)
d_new=$(ri_digest "$R" multi v1)
children() { ri_curl "$R" "/v2/multi/manifests/$1" -H 'Accept: application/vnd.oci.image.index.v1+json' |
  jq -r --arg a "$2" '.manifests[] | select(.platform.architecture == $a) | .digest'; }
d_old_amd=$(children "$d_old" amd64)
d_shared=$(children "$d_old" arm64)
d_new_amd=$(children "$d_new" amd64)
sig_vuln_tag=sha256-${d_vuln#sha256:}.sig
sig_fixed_tag=sha256-${d_fixed#sha256:}.sig
d_sig_vuln=$(ri_digest "$R" app "$sig_vuln_tag")
d_sig_fixed=$(ri_digest "$R" app "$sig_fixed_tag")
[[ -n $d_vuln && -n $d_old_amd && -n $d_shared && $d_shared == "$(children "$d_new" arm64)" && -n $d_sig_vuln ]] ||
  fail_plain "test registry not as planned" "vuln=$d_vuln old=$d_old amd=$d_old_amd shared=$d_shared sig=$d_sig_vuln"

state() { # the registry as curl sees it: catalog, tags, every manifest's status
  ri_curl "$R" /v2/_catalog | jq -c .
  for repo in app multi; do ri_curl "$R" "/v2/$repo/tags/list" | jq -c '.tags | sort'; done
  for d in "$d_vuln" "$d_fixed" "$d_sig_vuln" "$d_sig_fixed"; do echo "app $d $(ri_manifest_status "$R" app "$d")"; done
  for d in "$d_old" "$d_new" "$d_old_amd" "$d_shared" "$d_new_amd"; do echo "multi $d $(ri_manifest_status "$R" multi "$d")"; done
}
state >"$LD_TMP/before"
grep -q ' 200$' "$LD_TMP/before" && ! grep -qv -e '^\[' -e '^{' -e ' 200$' "$LD_TMP/before" ||
  fail_plain "not every test manifest answers 200 before the prune" "$(cat "$LD_TMP/before")"

# ---- dry run -------------------------------------------------------------------------
prune --severity high --fixable --db "$DB" --format json
assert_exit 0 'dry run: exit 0'
cp "$LD_STDOUT_FILE" "$LD_TMP/plan.json"
assert_json '.applied == false' 'a dry run says so'
planned=$(jq -r '[.delete[] | "\(.repository)@\(.digest)"] | sort | join(" ")' "$LD_TMP/plan.json")
expected=$(printf '%s\n' "app@$d_vuln" "app@$d_sig_vuln" "multi@$d_old" "multi@$d_old_amd" | sort | paste -sd' ')
assert_eq "$expected" "$planned" 'the plan: the vulnerable digest, its signature, the old index and its vulnerable child'
assert_json "[.delete[] | select(.digest == \"$d_vuln\") | .tags | sort] == [[\"1.0\", \"latest\"]]" \
  'one deletion for the digest, with both its tags'
assert_json "[.delete[] | select(.digest == \"$d_vuln\") | .reason] | .[0] | contains(\"at or above high with a fix\")" \
  'the reason names the rule'
assert_json "[.delete[] | select(.digest == \"$d_sig_vuln\") | .kind, .of] == [\"attachment\", \"$d_vuln\"]" \
  'the signature goes as an attachment of the pruned digest'
assert_json "[.kept[] | select(.digest == \"$d_shared\") | .reason] | .[0] | contains(\"still listed by kept index\")" \
  'the shared child stays, and the plan says why'
assert_json "[.delete[] | .digest] | index(\"$d_fixed\") == null and index(\"$d_sig_fixed\") == null and index(\"$d_new\") == null" \
  'the fixed image, its signature and the current index are not in the plan'
state >"$LD_TMP/after-dry"
assert_true 'dry run: catalog, tags and manifests unchanged' diff "$LD_TMP/before" "$LD_TMP/after-dry"

prune --severity high --fixable --db "$DB"
assert_exit 0 'dry run as a table'
assert_stdout_contains 'dry run: nothing deleted' 'the table says it is a dry run'
assert_stdout_contains "app@$d_vuln" 'and lists the digest'
assert_stdout_contains 'tags: 1.0, latest' 'with its tags'

# ---- keep-newest -----------------------------------------------------------------------
created() { skopeo inspect --cert-dir "$REG_CERT_DIR" --creds "$REG_USER:$REG_PASS" --config "docker://$R/app@$1" | jq -r .created; }
if [[ $(created "$d_vuln") > $(created "$d_fixed") ]]; then newest=$d_vuln older=$d_fixed; else newest=$d_fixed older=$d_vuln; fi
prune --older-than 0 --keep 1 --repo app --format json
assert_exit 0 '--older-than 0 --keep 1: dry run'
assert_json "[.delete[] | select(.kind == \"manifest\") | .digest] == [\"$older\"]" \
  'every image is older than 0 days; the newest by created time is kept'
assert_json "[.kept[] | select(.digest == \"$newest\") | .reason] | .[0] | contains(\"among the 1 newest of app\")" \
  'the kept one: among the newest'

# ---- unsigned ----------------------------------------------------------------------------
prune --unsigned --key "$LD_TMP/signer.pub" --format json
assert_exit 0 '--unsigned --key: dry run'
assert_json "[.delete[] | select(.kind == \"manifest\") | .digest] | sort == ([\"$d_old\", \"$d_new\"] | sort)" \
  'the two unsigned indexes are selected, the signed app images are not'
assert_json "[.delete[] | select(.digest == \"$d_new\") | .reason] | .[0] | startswith(\"unsigned\")" \
  'reason: unsigned'

# ---- apply -------------------------------------------------------------------------------
LOG=$LD_TMP/prune.log
prune --severity high --fixable --db "$DB" --apply --log "$LOG" --format json
assert_exit 0 '--apply: exit 0'
cp "$LD_STDOUT_FILE" "$LD_TMP/applied.json"
assert_json '.applied == true and ([.delete[].result] | unique == ["deleted"])' 'every planned deletion done'
for d in "$d_vuln" "$d_sig_vuln"; do
  assert_eq 404 "$(ri_manifest_status "$R" app "$d")" "app@${d:0:19} is gone"
done
for d in "$d_old" "$d_old_amd"; do
  assert_eq 404 "$(ri_manifest_status "$R" multi "$d")" "multi@${d:0:19} is gone"
done
assert_eq 200 "$(ri_manifest_status "$R" multi "$d_shared")" 'the child a kept index lists survives'
assert_eq 200 "$(ri_manifest_status "$R" multi "$d_new")" 'the kept index survives'
assert_eq 200 "$(ri_manifest_status "$R" app "$d_sig_fixed")" 'the kept image keeps its signature'
assert_eq "[\"2.0\",\"$sig_fixed_tag\"]" "$(ri_curl "$R" /v2/app/tags/list | jq -c '.tags | sort')" \
  'app: both tags of the pruned digest and its .sig tag are gone, 2.0 and its .sig stay'
assert_eq '["v1"]' "$(ri_curl "$R" /v2/multi/tags/list | jq -c '.tags | sort')" 'multi: only v1 left'
assert_true 'app:2.0 still pulls (skopeo)' skopeo copy -q --src-cert-dir "$REG_CERT_DIR" \
  --src-creds "$REG_USER:$REG_PASS" "docker://$R/app:2.0" "dir:$LD_TMP/pull-app"
assert_true 'multi:v1 still pulls, every platform (skopeo --all)' skopeo copy -q --all \
  --src-cert-dir "$REG_CERT_DIR" --src-creds "$REG_USER:$REG_PASS" "docker://$R/multi:v1" \
  "dir:$LD_TMP/pull-multi"
assert_false 'app:1.0 no longer pulls' skopeo inspect --cert-dir "$REG_CERT_DIR" \
  --creds "$REG_USER:$REG_PASS" "docker://$R/app:1.0"
# the log
assert_eq 600 "$(stat -c %a "$LOG")" 'the log is created 0600'
assert_eq "$(jq '.delete | length' "$LD_TMP/applied.json")" "$(wc -l <"$LOG")" 'one log line per deletion'
logged=$(jq -r '"\(.repository)@\(.digest)"' "$LOG" | sort | paste -sd' ')
assert_eq "$expected" "$logged" 'the log names exactly the deleted digests'
assert_eq '["deleted"]' "$(jq -s -c '[.[].result] | unique' "$LOG")" 'each line: result deleted'
assert_eq "$R" "$(jq -r .registry "$LOG" | sort -u)" 'each line names the registry'
assert_stderr_matches "^\\{\"time\":\"[0-9T:Z-]+\",\"registry\":\"$R\",\"repository\":\"app\",\"digest\":\"$d_vuln\"" \
  'stderr carries the same JSON lines'
# a second run finds nothing left to prune, and appends nothing
prune --severity high --fixable --db "$DB" --apply --log "$LOG" --format json
assert_exit 0 'second --apply: nothing left'
assert_json '.delete == []' 'an empty plan'
assert_eq "$(jq '.delete | length' "$LD_TMP/applied.json")" "$(wc -l <"$LOG")" 'the log got no new line'

# ---- deletes disabled ----------------------------------------------------------------------
reg_start R2 --tls --auth
reg_push "$VULN" "$R2/app:1.0" --tls --auth
d2=$(ri_digest "$R2" app 1.0)
LD_STDIN=$pw run_ld registry prune "$R2" "${REG_ARGS[@]}" --severity high --db "$DB" --apply \
  --log "$LD_TMP/r2.log"
assert_exit 3 'a registry with deletes disabled: could not complete'
assert_stderr_contains 'does not allow deletes (HTTP 405' 'one clear line naming the cause'
assert_eq 200 "$(ri_manifest_status "$R2" app "$d2")" 'nothing deleted'
assert_eq '["failed"]' "$(jq -s -c '[.[].result] | unique' "$LD_TMP/r2.log")" 'the attempt is logged as failed'

# ---- usage ------------------------------------------------------------------------------------
prune
assert_exit 2 'no rule: usage error'
assert_stderr_contains 'no rule selects anything' 'saying so'
prune --keep 3
assert_exit 2 '--keep alone selects nothing: usage error'
prune --severity high --db "$DB" --log "$LD_TMP/x.log"
assert_exit 2 '--log without --apply: usage error'
assert_false '--log without --apply creates no file' test -e "$LD_TMP/x.log"
prune --unsigned
assert_exit 2 '--unsigned without keys: usage error'
prune --severity high --db "$LD_TMP/none.db"
assert_exit 3 'the severity rule without a database: could not complete'
