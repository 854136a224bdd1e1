#!/usr/bin/env bash
# test_k8s_rbac.sh — RBAC least privilege end to end: `lockdown k8s who-can`
# and `lockdown k8s access` (table and JSON) on a cluster written here, with
# every expected answer worked out by hand from the manifests below (not
# taken from the program); the k8s.rbac.* checks of `lockdown k8s scan`
# failing and passing; developers' access to production from a policy file;
# usage errors; and RBAC written by a real tool: cdk8s (cdk8s + cdk8s-plus-32
# from the npm registry) synthesises a chart whose roles and bindings are
# then judged.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_cmd jq

M=$LD_TMP/cluster
mkdir -p "$M"
# roles.yaml — line numbers matter for the file:line assertions below
cat >"$M/roles.yaml" <<'EOF'
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: secret-reader
rules:
- apiGroups: [""]
  resources: [secrets]
  verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: pod-admin
rules:
- apiGroups: [""]
  resources: [pods, pods/exec]
  verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: deployer
  namespace: ci
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: [create, get]
- apiGroups: [""]
  resources: [secrets]
  resourceNames: [ci-token]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: aggregate-view
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {lockdown-test/view: "true"}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: view-cm
  labels: {lockdown-test/view: "true"}
rules:
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: health
rules:
- nonResourceURLs: [/healthz, /livez]
  verbs: [get]
EOF
cat >"$M/bindings.yaml" <<'EOF'
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: deploy, namespace: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer}
subjects:
- {kind: ServiceAccount, name: builder}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: readers, namespace: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects:
- {kind: Group, name: "system:serviceaccounts:ci", apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects:
- {kind: Group, name: ops, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: debug, namespace: kube-system}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-admin}
subjects:
- {kind: User, name: mallory, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: viewers}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: aggregate-view}
subjects:
- {kind: Group, name: viewers, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: dev-edit, namespace: prod}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
- {kind: Group, name: developers, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: public-health}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: health}
subjects:
- {kind: Group, name: "system:unauthenticated", apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: mystery}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: vendor-operator}
subjects:
- {kind: ServiceAccount, name: operator, namespace: vendor}
EOF

# One line per grant: "NAMESPACE|SUBJECT|BINDING|SOURCE-ROLE[RULE]" (+ " names").
GRANTS='[.grants[] | "\(.namespace // "*")|\(if .subject then "\(.subject.kind):\(.subject.name)" else "-" end)|\(.binding.name)|\(.rule.role)[\(.rule.index)]\(if .limitedToNames then " names" else "" end)"] | join("\n")'
grants() { jq -r "$GRANTS" <<<"$LD_STDOUT"; }

# ---- who-can -----------------------------------------------------------------
# get secrets: ops (cluster-wide, secret-reader rules[0]); in ci the group of
# ci's service accounts (readers) and builder, whose RoleBinding subject has
# no namespace and so is ci's, through deployer rules[1] limited to
# ci-token; in prod developers through edit (not in the inputs: the
# Kubernetes default, whose system:aggregate-to-edit rules[0] reads secrets).
# mystery's role is unknown: listed as incomplete.
run_ld k8s who-can get secrets "$M" -f json
assert_exit 0 "who-can answers with exit 0"
assert_eq "*|Group:ops|ops|secret-reader[0]
ci|Group:system:serviceaccounts:ci|readers|secret-reader[0]
ci|ServiceAccount:builder|deploy|deployer[1] names
prod|Group:developers|dev-edit|system:aggregate-to-edit[0]" "$(grants)" "who-can get secrets: every grant, in order"
assert_json '.grants[2].subject.namespace == "ci"' "a RoleBinding lends its namespace to a ServiceAccount subject"
assert_json '.unresolved == ["ClusterRoleBinding/mystery -> ClusterRole/vendor-operator (not in the inputs)"]' "the unknown role is named"
assert_json '.builtinRoles == ["ClusterRole/edit"]' "edit was judged with the Kubernetes default"
assert_json '.grants[0].binding.file | endswith("bindings.yaml")' "grants point at the binding's file"
assert_json '.grants[0].binding.line == 15 and .grants[0].rule.line == 6' "and at the binding's and the rule's line"

# -n prod: the cluster-wide grant and prod's only
run_ld k8s who-can list secrets -n prod "$M" -f json
assert_eq "*|Group:ops|ops|secret-reader[0]
prod|Group:developers|dev-edit|system:aggregate-to-edit[0]" "$(grants)" "who-can -n prod"

# pods/exec in kube-system: mallory through pod-admin's "*" verbs; prod's
# developers do not reach kube-system
run_ld k8s who-can create pods -n kube-system --subresource exec "$M" -f json
assert_eq "kube-system|User:mallory|debug|pod-admin[0]" "$(grants)" "who-can create pods/exec in kube-system"
run_ld k8s who-can create pods/exec -n kube-system "$M" -f json
assert_eq "kube-system|User:mallory|debug|pod-admin[0]" "$(grants)" "RESOURCE/SUB spelling"

# configmaps: viewers through the aggregated role (view-cm is picked by its
# label); developers through edit, which aggregates view
# (system:aggregate-to-view rules[0] reads configmaps)
run_ld k8s who-can get configmaps "$M" -f json
assert_eq "*|Group:viewers|viewers|view-cm[0]
prod|Group:developers|dev-edit|system:aggregate-to-view[0]" "$(grants)" "who-can through aggregation"

# nodes are cluster-scoped: nobody here (RoleBindings never grant them)
run_ld k8s who-can get nodes "$M" -f json
assert_exit 0 "nobody may: still exit 0"
assert_json '.grants == [] and .request.clusterScoped == true' "who-can get nodes: nobody"

# a non-resource URL
run_ld k8s who-can get /healthz "$M" -f json
assert_eq "*|Group:system:unauthenticated|public-health|health[0]" "$(grants)" "who-can get /healthz"
run_ld k8s who-can post /healthz "$M" -f json
assert_json '.grants == []' "nobody may post /healthz"

# the table
run_ld k8s who-can get secrets "$M"
assert_exit 0
assert_stdout_matches '^SUBJECT +NAMESPACE +BINDING +RULE +NAMES' "table header"
assert_stdout_matches '^ServiceAccount:ci:builder +ci +RoleBinding/ci/deploy \([^)]*bindings.yaml:1\) +Role/ci/deployer rules\[1\] \([^)]*roles.yaml:28\) +only ci-token$' "table row: binding, rule, names"
assert_stdout_contains "4 grants." "table count"
assert_stdout_contains "Incomplete: 1 binding refers to a role the inputs do not hold" "table says what is missing"
assert_stdout_contains "ClusterRoleBinding/mystery -> ClusterRole/vendor-operator (not in the inputs)"
assert_stdout_contains "Kubernetes default definition used for: ClusterRole/edit"
first=$LD_STDOUT
run_ld k8s who-can get secrets "$M"
assert_eq "$first" "$LD_STDOUT" "who-can output is the same on a second run"

# ---- access ------------------------------------------------------------------
# builder: its RoleBinding (deployer rules[0] and [1]) and, through
# system:serviceaccounts:ci, readers
run_ld k8s access serviceaccount:ci:builder "$M" -f json
assert_exit 0
assert_eq "ci|-|deploy|deployer[0]
ci|-|deploy|deployer[1] names
ci|-|readers|secret-reader[0]" "$(grants)" "access of a service account"
assert_json '.subject.user == "system:serviceaccount:ci:builder" and (.subject.groups | index("system:serviceaccounts:ci"))' "its user name and groups"
# any other account of ci: the group's grant only
run_ld k8s access system:serviceaccount:ci:other "$M" -f json
assert_eq "ci|-|readers|secret-reader[0]" "$(grants)" "access through system:serviceaccounts:ci"
# mallory: pod-admin in kube-system only
run_ld k8s access user:mallory "$M" -f json
assert_eq "kube-system|-|debug|pod-admin[0]" "$(grants)" "access of a user"
# a user in group viewers (--group): viewers' aggregated grant; as every
# user, also the health URLs? no: those are for system:unauthenticated
run_ld k8s access user:victor --group viewers "$M" -f json
assert_eq "*|-|viewers|view-cm[0]" "$(grants)" "access with --group"
# the anonymous user: the health URLs
run_ld k8s access user:system:anonymous "$M" -f json
assert_eq "*|-|public-health|health[0]" "$(grants)" "access of system:anonymous"
# developers in prod: edit's rules (the Kubernetes default: the 13 rules of
# system:aggregate-to-edit and, through view, the 10 of
# system:aggregate-to-view; system:aggregate-to-admin's are admin's only)
run_ld k8s access group:developers -n prod "$M" -f json
assert_json '[.grants[].rule.role] | (map(select(. == "system:aggregate-to-edit")) | length) == 13 and (map(select(. == "system:aggregate-to-view")) | length) == 10 and length == 23' "edit = aggregate-to-edit + aggregate-to-view"
run_ld k8s access group:developers -n ci "$M" -f json
assert_json '.grants == []' "developers have nothing in ci"
run_ld k8s access serviceaccount:vendor:operator "$M" -f json
assert_json '.grants == [] and (.unresolved | length) == 1' "access behind an unknown role says so"
run_ld k8s access serviceaccount:ci:builder "$M"
assert_stdout_matches '^NAMESPACE +APIGROUPS +RESOURCES +VERBS +NAMES +VIA' "access table header"
assert_stdout_matches '^ci +"" +pods +create,get +\* +RoleBinding/ci/deploy' "access table row"

# ---- usage -------------------------------------------------------------------
run_ld k8s access alice "$M"
assert_exit 2 "a subject without a kind is a usage error"
assert_stderr_contains "user:NAME"
run_ld k8s access robot:x "$M"
assert_exit 2 "an unknown kind is a usage error"
run_ld k8s who-can get "$M"
assert_exit 2 "who-can without RESOURCE"
run_ld k8s who-can get secrets
assert_exit 2 "who-can without PATH"
run_ld k8s who-can get secrets -f sarif "$M"
assert_exit 2 "who-can takes table or json"
run_ld k8s who-can get /healthz -n x "$M"
assert_exit 2 "a URL has no namespace"
run_ld k8s who-can get secrets "$LD_TMP/nonexistent.yaml"
assert_exit 3 "an input that cannot be read"
run_ld k8s who-can --help
assert_exit 0
assert_stdout_contains "RESOURCE is plural"
run_ld k8s --help
assert_stdout_contains "who-can"
assert_stdout_contains "access"

# ---- the checks ----------------------------------------------------------------
status_of() { jq -r --arg c "$1" '[.findings[] | select(.check_id == $c) | .status] | sort | join(",")' <<<"$LD_STDOUT"; }
target_of() { jq -r --arg c "$1" --arg s "$2" '[.findings[] | select(.check_id == $c and .status == $s) | "\(.target.id)@\(.target.line)"] | join(",")' <<<"$LD_STDOUT"; }

run_ld k8s scan --check 'k8s.rbac.*' -f json "$M"
assert_exit 1 "the RBAC checks fail the gate on this cluster"
# pod-admin in kube-system: create pods and exec fail (at the roleRef line, 25)
assert_eq "RoleBinding/kube-system/debug@25" "$(target_of k8s.rbac.create-pods fail)" "create pods in kube-system fails"
assert_eq "RoleBinding/kube-system/debug@25" "$(target_of k8s.rbac.pod-exec fail)" "exec in kube-system fails"
# secrets: every service account of ci reads ci's Secrets (a broad group:
# fail), ops reads every Secret cluster-wide (fail); developers read
# prod's (one group, one namespace: needs review); mystery is unknown
assert_eq "RoleBinding/ci/readers@11,ClusterRoleBinding/ops@18" "$(target_of k8s.rbac.secrets-read fail)" "broad and cluster-wide secrets read fail"
assert_eq "RoleBinding/prod/dev-edit@39,scan@null" "$(target_of k8s.rbac.secrets-read warn)" "a namespaced read and the unknown role need review"
# pod-admin's "*" verbs: a wildcard (roles.yaml line 15, the rule)
assert_eq "ClusterRole/pod-admin@15" "$(target_of k8s.rbac.wildcards fail)" "wildcard verbs fail"
# the health URLs for system:unauthenticated are fine
assert_eq "pass" "$(status_of k8s.rbac.anonymous)" "health endpoints for anonymous pass"
# no production namespaces in the built-in policy: not applicable, never a pass
assert_eq "skipped" "$(status_of k8s.rbac.production-access)" "production check not applicable"
assert_json '.findings[] | select(.check_id == "k8s.rbac.production-access") | .evidence == "the policy names no production namespaces (kubernetes.production-namespaces)"' "and says why"

cat >"$LD_TMP/policy.yaml" <<'EOF'
version: 1
kubernetes:
  production-namespaces: [prod, "live-*"]
  developer-groups: [developers]
EOF
run_ld k8s scan --policy "$LD_TMP/policy.yaml" --check k8s.rbac.production-access -f json "$M"
assert_exit 1 "developers' edit in prod fails the gate"
assert_eq "RoleBinding/prod/dev-edit@39" "$(target_of k8s.rbac.production-access fail)" "the binding is named"
assert_json '.findings[] | select(.check_id == "k8s.rbac.production-access" and .status == "fail") | .evidence | test("Group:developers") and test("ClusterRole/system:aggregate-to-edit rules\\[[0-9]+\\]") and test("write")' "with the role's rule"
# edit moved to a namespace that is not production: pass
sed 's/namespace: prod}/namespace: staging}/' "$M/bindings.yaml" >"$LD_TMP/staging.yaml"
run_ld k8s scan --policy "$LD_TMP/policy.yaml" --check k8s.rbac.production-access -f json "$M/roles.yaml" "$LD_TMP/staging.yaml"
assert_exit 0 "developers without production access pass"
assert_eq "pass" "$(status_of k8s.rbac.production-access)" "production check passes"

# a clean set: every RBAC check that judged something passes
cat >"$LD_TMP/clean.yaml" <<'EOF'
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: shop}
automountServiceAccountToken: false
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: web, namespace: shop}
rules:
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: web, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: web}
subjects:
- {kind: ServiceAccount, name: web, namespace: shop}
EOF
run_ld k8s scan --policy "$LD_TMP/policy.yaml" --check 'k8s.rbac.*' -f json "$LD_TMP/clean.yaml"
assert_exit 0 "a least-privilege set passes"
assert_json '[.findings[] | select(.check_id | startswith("k8s.rbac.")) | .status] | unique == ["pass"]' "every RBAC check passes"
assert_json '[.findings[] | select(.check_id | startswith("k8s.rbac.")) | .check_id] | length == 15' "all 15 RBAC checks reported"

# ---- real tool output: cdk8s -------------------------------------------------------
CDK=${LOCKDOWN_CACHE}/k8s-rbac-cdk8s
cdk_ok=1
if [[ ! -f $CDK/.stamp ]]; then
  mkdir -p "$CDK" 2>/dev/null || cdk_ok=0
  if ((cdk_ok)) && command -v npm >/dev/null &&
     npm install --no-audit --no-fund --silent --cache "${LOCKDOWN_CACHE}/npm" --prefix "$CDK" \
       cdk8s@2.70.106 cdk8s-plus-32@2.5.92 constructs@10.8.1 >"$LD_TMP/npm.log" 2>&1; then
    touch "$CDK/.stamp"
  else
    cdk_ok=0
  fi
fi
if ((cdk_ok)) && command -v node >/dev/null; then
  cat >"$LD_TMP/synth.js" <<'EOF'
// A chart as a cdk8s user writes it: an account reading its namespace's
// Secrets, a cluster role writing pods bound to developers everywhere, an
// aggregated view role, and a RoleBinding of it for alice in shop.
const { App, Chart } = require('cdk8s');
const kplus = require('cdk8s-plus-32');
const app = new App({ outdir: process.argv[2] });
const chart = new Chart(app, 'shop', { namespace: 'shop' });
const sa = new kplus.ServiceAccount(chart, 'worker', { automountToken: false });
const reader = new kplus.Role(chart, 'reader');
reader.allowRead(kplus.ApiResource.SECRETS, kplus.ApiResource.CONFIG_MAPS);
reader.bind(sa);
const deployer = new kplus.ClusterRole(chart, 'deployer');
deployer.allowReadWrite(kplus.ApiResource.PODS);
deployer.bind(kplus.Group.fromName(chart, 'developers', 'developers'));
const viewer = new kplus.ClusterRole(chart, 'viewer');
viewer.aggregate('example.com/aggregate-to-viewer', 'true');
const part = new kplus.ClusterRole(chart, 'viewer-part', {
  metadata: { labels: { 'example.com/aggregate-to-viewer': 'true' } } });
part.allowRead(kplus.ApiResource.SERVICES);
viewer.bindInNamespace('shop', kplus.User.fromName(chart, 'alice', 'alice'));
app.synth();
EOF
  if NODE_PATH=$CDK/node_modules node "$LD_TMP/synth.js" "$LD_TMP/cdk8s" >"$LD_TMP/synth.log" 2>&1 &&
     [[ -f $LD_TMP/cdk8s/shop.k8s.yaml ]]; then
    C=$LD_TMP/cdk8s/shop.k8s.yaml
    pass "cdk8s synthesised $(grep -c '^kind:' "$C") objects"
    # pods: developers everywhere (their ClusterRoleBinding), and nobody else
    run_ld k8s who-can create pods "$C" -f json
    assert_json '[.grants[] | "\(.namespace // "*")|\(.subject.kind):\(.subject.name)|\(.binding.kind)|\(.rule.role | startswith("shop-deployer-"))"] == ["*|Group:developers|ClusterRoleBinding|true"]' "cdk8s: who-can create pods"
    # services: alice in shop, through the aggregated viewer picking viewer-part
    run_ld k8s who-can list services -n shop "$C" -f json
    assert_json '[.grants[] | "\(.namespace)|\(.subject.kind):\(.subject.name)|\(.role.name | startswith("shop-viewer-"))|\(.rule.role | startswith("shop-viewer-part-"))"] == ["shop|User:alice|true|true"]' "cdk8s: aggregation of the synthesised roles"
    # secrets: the worker account, in shop only
    worker=$(awk '/^kind: ServiceAccount$/ {sa = 1} sa && /^  name: / {print $2; exit}' "$C")
    run_ld k8s access "serviceaccount:shop:$worker" "$C" -f json
    assert_json '[.grants[] | "\(.namespace)|\(.rule.resources | join(","))|\(.rule.verbs | join(","))"] == ["shop|secrets|get,list,watch", "shop|configmaps|get,list,watch"]' "cdk8s: the worker's access"
    run_ld k8s scan --policy "$LD_TMP/policy.yaml" --check 'k8s.rbac.*' -f json "$C"
    # developers write pods cluster-wide: create pods fails (cluster-wide),
    # and so does their access to production (live-*/prod are reached
    # through the ClusterRoleBinding)
    assert_json '[.findings[] | select(.check_id == "k8s.rbac.create-pods") | .status] == ["fail"]' "cdk8s: cluster-wide create pods fails"
    assert_json '[.findings[] | select(.check_id == "k8s.rbac.production-access") | .status] == ["fail"]' "cdk8s: developers reach production"
    assert_json '[.findings[] | select(.check_id == "k8s.rbac.secrets-read") | .status] == ["warn"]' "cdk8s: the worker's namespaced secrets read needs review"
    assert_json '[.findings[] | select(.check_id == "k8s.rbac.sa-token-automount") | .status] == ["pass"]' "cdk8s: automountToken false passes"
  else
    fail_plain "cdk8s synth failed" "$(cat "$LD_TMP/synth.log")"
  fi
else
  skip_part "cdk8s from the npm registry not installed (npm install failed: see npm output)"
fi
