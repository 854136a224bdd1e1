#!/usr/bin/env bash
# End-to-end: the orchestrator tier of `lockdown assess`. A host root with a
# kube-apiserver static pod (written here: no control plane can run on this
# machine) gets the node checks, a root without Kubernetes shows them not
# applicable, no kubeconfig leaves the cluster checks not applicable, and a
# kubeconfig whose cluster cannot be read makes them not assessed: the gate
# fails closed and names why. The engine is kept out (--docker-host to a
# socket that does not exist) so only the host and orchestrator tiers run.
set -uo pipefail
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"

no_engine=(--docker-host unix://$LD_TMP/no-engine.sock)
control_state() { # control_state ID — the state of control ID in the last JSON report
  jq -r --arg id "$1" '.compliance.controls[] | select(.id == $id) | .state' "$LD_STDOUT_FILE"
}

# ---- a control-plane node: its checks run ----------------------------------------
node=$LD_TMP/node
mkdir -p "$node/etc/kubernetes/manifests"
cat >"$node/etc/kubernetes/manifests/kube-apiserver.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.30.2
    command:
    - kube-apiserver
    - --anonymous-auth=true
    - --authorization-mode=Node,RBAC
YAML
chmod 600 "$node/etc/kubernetes/manifests/kube-apiserver.yaml"
HOME=$LD_TMP KUBECONFIG= run_ld assess --host-root "$node" "${no_engine[@]}" --format json
assert_exit 1 "a node with anonymous auth on fails the gate"
assert_eq "failed" "$(control_state CIS-K8S-1.2.1)" "CIS 1.2.1 (anonymous auth) failed"
assert_eq "passed" "$(control_state CIS-K8S-1.2.8)" "CIS 1.2.8 (Node authorizer) passed"
assert_json '[.findings[] | select(.check_id == "k8s.node.apiserver.anonymous-auth")
  | select(.status == "fail" and (.evidence | contains("--anonymous-auth=true")))] | length == 1' \
  "the finding quotes the flag as seen"
assert_json '.scope | contains("kubernetes node")' "the scope names the node"
assert_eq "not applicable" "$(control_state CIS-K8S-5.1.1)" "no kubeconfig: the cluster's RBAC control is not applicable"
assert_json '[.notes[] | select(contains("no kubeconfig"))] | length == 1' "a note says no kubeconfig was found"

# ---- no Kubernetes at all: the tier is not applicable -----------------------------
empty=$LD_TMP/empty
mkdir -p "$empty"
HOME=$LD_TMP KUBECONFIG= run_ld assess --host-root "$empty" "${no_engine[@]}" --format json
assert_eq "not applicable" "$(control_state CIS-K8S-1.2.1)" "no kube-apiserver: CIS 1.2.1 not applicable"
assert_eq "not applicable" "$(control_state CIS-K8S-5.2.2)" "no cluster: CIS 5.2.2 not applicable"

# ---- a kubeconfig whose cluster cannot be read: not assessed, the gate fails closed --
cat >"$LD_TMP/kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: gone
  cluster:
    server: https://127.0.0.1:1
    insecure-skip-tls-verify: true
users:
- name: u
  user:
    token: not-a-real-token
contexts:
- name: gone
  context: {cluster: gone, user: u}
current-context: gone
YAML
run_ld assess --host-root "$empty" "${no_engine[@]}" --kubeconfig "$LD_TMP/kubeconfig" --format json
assert_exit 1 "a cluster named but not read fails the gate"
assert_eq "not assessed" "$(control_state CIS-K8S-5.2.2)" "its controls are not assessed"
assert_json '[.notes[] | select(startswith("kubernetes cluster: not read"))] | length == 1' \
  "a note says why the cluster was not read"
assert_stdout_not_contains "not-a-real-token" "the token is never printed"
run_ld assess --host-root "$empty" "${no_engine[@]}" --kubeconfig "$LD_TMP/kubeconfig" \
  --allow-incomplete --level low --format json
assert_eq "not assessed" "$(control_state CIS-K8S-5.2.2)" "--allow-incomplete does not turn it into a pass"

