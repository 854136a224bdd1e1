#!/usr/bin/env bash
# End-to-end: `lockdown k8s scan` running the workload hygiene
# (k8s.workload.*), network segmentation (k8s.network.*) and host pinning
# (k8s.pinning.*) families on manifests this script writes. A cluster
# written to pass every one of these checks (each check gives one summary
# pass, exit 0), and one written to fail every one (each check fails,
# pointing at the file and line of the field, exit 1); the policy's
# trusted registries and sensitivity label; a cluster dump read from stdin
# as JSON; Node objects deciding host pinning; secrets never shown in
# clear in any report format. No API server runs here: the expected
# verdicts are the checks' documented rules, written out per object.
set -uo pipefail
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"

require_cmd jq
d=$LD_TMP/m
mkdir -p "$d"
FAMILIES='k8s.workload.*,k8s.network.*,k8s.pinning.*'
CHECKS=(
  k8s.workload.resource-requests k8s.workload.resource-limits k8s.workload.image-tag
  k8s.workload.image-digest k8s.workload.image-trusted k8s.workload.readonly-rootfs
  k8s.workload.sa-token-automount k8s.workload.default-service-account k8s.workload.probes
  k8s.workload.literal-secrets k8s.workload.secret-env k8s.workload.host-aliases
  k8s.workload.privileged-port k8s.workload.service-exposure k8s.workload.secret-object
  k8s.workload.default-namespace
  k8s.network.default-deny-ingress k8s.network.default-deny-egress k8s.network.unselected-pods
  k8s.network.egress-open k8s.network.cross-sensitivity
  k8s.pinning.unpinned k8s.pinning.mixing
)

# line of the first line of FILE matching ERE
line_of() { grep -nE -- "$2" "$1" | head -n1 | cut -d: -f1; }
# line where the object holding the first match of ERE starts (its apiVersion)
obj_line() {
  local at
  at=$(line_of "$1" "$2")
  awk -v at="$at" 'NR <= at && /^apiVersion:/ { start = NR } END { print start }' "$1"
}

cat >"$d/policy.yaml" <<'EOF'
version: 1
trusted-registries: [reg.example.com/apps]
kubernetes:
  sensitivity-label: example.com/sensitivity
EOF

# ---- a cluster that passes every check ----------------------------------------
DIGEST=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
good_ns() { # good_ns NS SENSITIVITY — the namespace, its service account, deny-all and a DNS policy
  cat <<EOF
---
apiVersion: v1
kind: Namespace
metadata:
  name: $1
  labels:
    example.com/sensitivity: $2
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: app, namespace: $1}
automountServiceAccountToken: false
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: $1}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: dns, namespace: $1}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - ports: [{port: 53, protocol: UDP}]
EOF
}
good_deploy() { # good_deploy NS SENSITIVITY — a pinned, hardened web Deployment and its Service
  cat <<EOF
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: $1}
spec:
  template:
    metadata:
      labels: {app: web, example.com/sensitivity: $2}
    spec:
      serviceAccountName: app
      nodeSelector: {example.com/sensitivity: $2}
      tolerations: [{key: example.com/sensitivity, operator: Equal, value: $2, effect: NoSchedule}]
      volumes: [{name: creds, secret: {secretName: creds}}]
      containers:
      - name: web
        image: reg.example.com/apps/web:2.1@$DIGEST
        ports: [{containerPort: 8080}]
        env: [{name: MODE, value: production}, {name: DB_PASSWORD_FILE, value: /creds/pw}]
        args: [--listen, ':8080']
        resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 500m, memory: 256Mi}}
        securityContext: {readOnlyRootFilesystem: true}
        livenessProbe: {httpGet: {path: /healthz, port: 8080}}
        readinessProbe: {httpGet: {path: /ready, port: 8080}}
        volumeMounts: [{name: creds, mountPath: /creds, readOnly: true}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: $1}
spec:
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web, namespace: $1}
data: {LOG_LEVEL: info}
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: $1}
type: Opaque
EOF
}
node() { # node NAME SENSITIVITY — a Node labelled and tainted with its sensitivity
  cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: $1
  labels: {kubernetes.io/hostname: $1, example.com/sensitivity: $2}
spec:
  taints: [{key: example.com/sensitivity, value: $2, effect: NoSchedule}]
EOF
}
{
  good_ns vault high
  good_ns vault-audit high
  good_ns shop low
  good_deploy vault high
  good_deploy shop low
  cat <<'EOF'
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-audit, namespace: vault}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {example.com/sensitivity: high}}}]
EOF
  node node-a high
  node node-b low
} >"$d/good.yaml"

run_ld k8s scan --policy "$d/policy.yaml" --check "$FAMILIES" --format json "$d/good.yaml"
assert_exit 0 "a hardened cluster passes the workload, network and pinning checks"
for id in "${CHECKS[@]}"; do
  assert_json "[.findings[] | select(.check_id == \"$id\")] | (length == 1 and .[0].status == \"pass\" and .[0].target.id == \"scan\")" \
    "$id: one summary pass"
done
assert_json '.findings[] | select(.check_id == "k8s.pinning.mixing") | .evidence | test("on 2 Nodes")' \
  "pinning judged on the Nodes of the inputs"
assert_json '.findings[] | select(.check_id == "k8s.network.default-deny-ingress") | .evidence | test("^3 namespaces")' \
  "three namespaces judged"

# ---- a cluster that fails every check -----------------------------------------
cat >"$d/bad.yaml" <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: vault
  labels: {example.com/sensitivity: high}
---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {example.com/sensitivity: low}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: default}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: default
spec:
  template:
    metadata:
      labels: {app: api, example.com/sensitivity: high}
    spec:
      hostAliases:
      - ip: 10.1.2.3
        hostnames: [reg.example.com]
      containers:
      - name: api
        image: nginx
        ports:
        - containerPort: 443
        env:
        - name: DB_PASSWORD
          value: Wh1spering-Gall3ry-9
        - name: TOKEN
          valueFrom:
            secretKeyRef: {name: api, key: token}
        args: ["--api-key=Zq8vLm3xNp6rTs1w"]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: open, namespace: vault}
spec:
  podSelector: {matchLabels: {app: nothing}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {example.com/sensitivity: low}}
  egress:
  - to:
    - ipBlock: {cidr: 0.0.0.0/0}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: shopfront, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: shopfront}
    spec:
      containers: [{name: web, image: "reg.example.com/apps/shop:1.0", resources: {limits: {cpu: 1, memory: 1Gi}}}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  type: NodePort
  ports: [{port: 443, nodePort: 30443}]
---
apiVersion: v1
kind: Secret
metadata: {name: api, namespace: shop}
type: Opaque
data:
  token: Q29ycmVjdEhvcnNlQmF0dGVyeVN0YXBsZQ==
EOF
f=$d/bad.yaml
declare -A WHERE=(
  [k8s.workload.resource-requests]="$(line_of "$f" '^      - name: api')"
  [k8s.workload.resource-limits]="$(line_of "$f" '^      - name: api')"
  [k8s.workload.image-tag]="$(line_of "$f" 'image: nginx')"
  [k8s.workload.image-digest]="$(line_of "$f" 'image: nginx')"
  [k8s.workload.image-trusted]="$(line_of "$f" 'image: nginx')"
  [k8s.workload.readonly-rootfs]="$(line_of "$f" '^      - name: api')"
  [k8s.workload.sa-token-automount]="$(obj_line "$f" '^  name: api')"
  [k8s.workload.default-service-account]="$(obj_line "$f" '^  name: api')"
  [k8s.workload.probes]="$(line_of "$f" '^      - name: api')"
  [k8s.workload.literal-secrets]="$(line_of "$f" 'value: Wh1spering')"
  [k8s.workload.secret-env]="$(line_of "$f" 'secretKeyRef')"
  [k8s.workload.host-aliases]="$(line_of "$f" '^      - ip: 10.1.2.3')"
  [k8s.workload.privileged-port]="$(line_of "$f" 'containerPort: 443')"
  [k8s.workload.service-exposure]="$(line_of "$f" 'type: NodePort')"
  [k8s.workload.secret-object]="$(line_of "$f" 'token: Q29y')"
  [k8s.workload.default-namespace]="$(line_of "$f" 'namespace: default$')"
  [k8s.network.default-deny-ingress]="$(obj_line "$f" 'name: shop$')"
  [k8s.network.default-deny-egress]="$(obj_line "$f" 'name: shop$')"
  [k8s.network.unselected-pods]="$(line_of "$f" 'labels: \{app: shopfront')"
  [k8s.network.egress-open]="$(line_of "$f" 'cidr: 0.0.0.0/0')"
  [k8s.network.cross-sensitivity]="$(line_of "$f" 'namespaceSelector: \{matchLabels: \{example.com/sensitivity: low')"
  [k8s.pinning.unpinned]="$(obj_line "$f" '^  name: api')"
  [k8s.pinning.mixing]="$(obj_line "$f" '^  name: api')"
)
run_ld k8s scan --policy "$d/policy.yaml" --check "$FAMILIES" --format json "$f"
assert_exit 1 "a careless cluster fails the gate"
for id in "${CHECKS[@]}"; do
  line=${WHERE[$id]}
  [[ -n $line ]] || fail_plain "$id: no line to expect (test bug)"
  assert_json "[.findings[] | select(.check_id == \"$id\" and .status == \"fail\" and .target.path == \"$f\" and .target.line == $line)] | length >= 1" \
    "$id fails at $(basename "$f"):$line"
  assert_json "[.findings[] | select(.check_id == \"$id\" and .status == \"pass\")] | length == 0" \
    "$id: no pass beside its failure"
done
ev() { jq -r --arg id "$1" '[.findings[] | select(.check_id == $id and .status == "fail") | .evidence] | join(" | ")' "$LD_STDOUT_FILE"; }
assert_stdout_contains '"target"' "findings have targets"
assert_true "image-tag evidence names the field and the image" grep -q 'containers\[0\] (api): image nginx has no tag' <<<"$(ev k8s.workload.image-tag)"
assert_true "image-trusted evidence names the registry and the list" grep -q 'docker.io/library/nginx, outside the trusted registries (reg.example.com/apps)' <<<"$(ev k8s.workload.image-trusted)"
assert_true "the trusted image is not flagged" test -z "$(jq -r '.findings[] | select(.check_id == "k8s.workload.image-trusted" and (.target.id | test("shopfront"))) | .check_id' "$LD_STDOUT_FILE")"
assert_true "cross-sensitivity names the two sensitivities" grep -q 'namespace vault has example.com/sensitivity high.*admits namespace shop (sensitivity low)' <<<"$(ev k8s.network.cross-sensitivity)"
assert_true "mixing names the other workload" grep -q 'sensitivity high (pod template label example.com/sensitivity) can share a node with Deployment/shop/shopfront (sensitivity low)' <<<"$(ev k8s.pinning.mixing)"
assert_true "default-namespace quotes the field" grep -q 'metadata.namespace: default' <<<"$(ev k8s.workload.default-namespace)"
assert_true "the service account's own object decides" grep -q 'ServiceAccount default/default' <<<"$(ev k8s.workload.sa-token-automount)"
assert_true "secret-env names the Secret" grep -q 'env\[1\] TOKEN from Secret api key token' <<<"$(ev k8s.workload.secret-env)"
assert_true "requests default to limits (shopfront has limits only)" test -z "$(jq -r '.findings[] | select(.check_id == "k8s.workload.resource-requests" and (.target.id | test("shopfront"))) | .check_id' "$LD_STDOUT_FILE")"

# secrets never in clear, whatever the format
for fmt in json table sarif junit; do
  run_ld k8s scan --policy "$d/policy.yaml" --check "$FAMILIES" --format "$fmt" "$f"
  assert_exit 1 "$fmt report"
  assert_stdout_not_contains 'Wh1spering-Gall3ry-9' "$fmt: the env password is masked"
  assert_stdout_not_contains 'Zq8vLm3xNp6rTs1w' "$fmt: the flag's key is masked"
  assert_stdout_not_contains 'Q29ycmVjdEhvcnNlQmF0dGVyeVN0YXBsZQ==' "$fmt: the Secret's value is masked"
  assert_stderr_not_contains 'Wh1spering' "$fmt: nothing on stderr either"
done
run_ld k8s scan --policy "$d/policy.yaml" --check k8s.workload.literal-secrets --format json "$f"
assert_json '[.findings[] | select(.status == "fail") | .evidence | test("DB_PASSWORD holds Wh1s\\*+ ")] | any' \
  "the password is shown by its first characters only"

# ---- without trusted registries: image-trusted is not assessed, never passed ---
run_ld k8s scan --check k8s.workload.image-trusted --format json "$d/good.yaml"
assert_json '[.findings[] | select(.check_id == "k8s.workload.image-trusted")] | length == 0' \
  "no verdict without trusted registries"
assert_stdout_contains 'trusted-registries' "the report says why"
assert_false "not a passing gate" test "$LD_EXIT" = 0

# ---- a dump from stdin, as JSON: controllers judged once ------------------------
cat >"$d/dump.json" <<'EOF'
{"apiVersion": "v1", "kind": "List", "items": [
 {"apiVersion": "apps/v1", "kind": "Deployment",
  "metadata": {"name": "web", "namespace": "shop", "uid": "d-1"},
  "spec": {"template": {"metadata": {"labels": {"app": "web"}},
   "spec": {"containers": [{"name": "web", "image": "nginx:latest"}]}}}},
 {"apiVersion": "apps/v1", "kind": "ReplicaSet",
  "metadata": {"name": "web-7f", "namespace": "shop", "uid": "r-1",
   "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "d-1", "controller": true}]},
  "spec": {"template": {"metadata": {"labels": {"app": "web"}},
   "spec": {"containers": [{"name": "web", "image": "nginx:latest"}]}}}},
 {"apiVersion": "v1", "kind": "Pod",
  "metadata": {"name": "web-7f-abc", "namespace": "shop", "uid": "p-1",
   "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7f", "uid": "r-1", "controller": true}]},
  "spec": {"serviceAccountName": "default",
   "containers": [{"name": "web", "image": "nginx:latest",
    "volumeMounts": [{"name": "kube-api-access-1", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}]}]},
  "status": {"phase": "Running"}}
]}
EOF
LD_STDIN=$d/dump.json run_ld k8s scan --check 'k8s.workload.image-tag' --format json -
assert_exit 1 "stdin JSON dump"
assert_json '[.findings[] | select(.status == "fail")] | length == 1' "one finding for Deployment, ReplicaSet and Pod"
assert_json '.findings[] | select(.status == "fail") | .target.id == "Deployment/shop/web"' "filed against the controller"
assert_json '.findings[] | select(.status == "fail") | .target.path == "-"' "stdin is named -"

# ---- Node objects decide host pinning ------------------------------------------
{
  good_deploy vault high | sed -e '/tolerations:/d'
  good_deploy shop low
  node node-a high
  node node-b low
} >"$d/nodes.yaml"
run_ld k8s scan --policy "$d/policy.yaml" --check 'k8s.pinning.*' --format json "$d/nodes.yaml"
assert_json '[.findings[] | select(.check_id == "k8s.pinning.mixing" and .status == "fail")] | length == 0' \
  "apart on the Nodes (the high workload now fits no node: no mixing)"
{
  good_deploy vault high
  printf -- '---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: agent, namespace: ops}\n'
  printf 'spec:\n  template:\n    spec:\n      tolerations: [{operator: Exists}]\n'
  printf '      containers: [{name: a, image: "reg.example.com/apps/agent:1"}]\n'
  node node-a high
  node node-b low
} >"$d/agent.yaml"
# host pinning (NIST-ORC-06) is required at level high
run_ld k8s scan --policy "$d/policy.yaml" --level high --check 'k8s.pinning.mixing' --format json "$d/agent.yaml"
assert_exit 1 "an agent tolerating every taint mixes"
assert_json '.findings[] | select(.status == "fail") | .evidence | test("Deployment/ops/agent \\(no sensitivity label\\) on node node-a")' \
  "the node both can land on is named"

# ---- nothing to judge: not applicable, not a pass -------------------------------
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: x}\ndata: {a: b}\n' >"$d/cm.yaml"
run_ld k8s scan --check 'k8s.pinning.*,k8s.workload.probes' --format json "$d/cm.yaml"
assert_json '[.findings[] | select(.status == "skipped")] | length == 3' "three checks not applicable"
assert_json '[.findings[] | select(.status == "pass")] | length == 0' "and none passed"
