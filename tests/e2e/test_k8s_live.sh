#!/usr/bin/env bash
# lockdown k8s scan --kubeconfig: the live-cluster input, end to end.
#
# No Kubernetes API server can be installed on these machines. Every case
# here talks to tests/e2e/k8s_apiserver_standin.py, a local TLS server that
# STANDS IN FOR kube-apiserver: it answers GET /version and the list
# endpoints in the Kubernetes API's own format (PodList pages with
# metadata.resourceVersion and metadata.continue, items without kind and
# apiVersion, Status objects for 401/403/404/410/429), from the objects of
# tests/e2e/fixtures/k8s-live/cluster.json, and logs every request so the
# test can check what lockdown sent: GET only, the credentials configured,
# the client certificate presented, limit and continue.
#
# Cases: bearer token with certificate-authority-data and pagination over 3
# pages; client certificate and CA from files relative to the kubeconfig;
# exec credential plugins (v1 token with KUBERNETES_EXEC_INFO and
# provideClusterInfo; v1beta1 client certificate); basic auth; a 403 list
# (not assessed, exit 1; --allow-incomplete); 410 Gone once (restart) and
# always (not read); 404 fallback to an older group version and an unserved
# kind; 429 with Retry-After; insecure-skip-tls-verify (a failing finding);
# a CA that did not sign the server and no CA at all (exit 3); a dripping
# server (timeout, one line); KUBECONFIG merging and --context; manifests
# and a cluster together; usage errors.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$LD_REPO/tests/e2e/k8s_live_lib.sh"
require_cmd python3 openssl jq

k8s_live_certs
k8s_live_start
d=$K8S_DIR
CA64=$(k8s_live_b64 "$d/ca.crt")
TOKEN=ld-e2e-token-$RANDOM$RANDOM-6f1c0a
# objects in the fixture, counted here rather than written into the test
FIXTURE_OBJECTS=$(jq '[to_entries[] | select(.key != "/apis/batch/v1beta1/cronjobs" and .key != "/apis/extensions/v1beta1/ingresses" and .key != "/apis/policy/v1beta1/poddisruptionbudgets") | .value | length] | add' "$K8S_FIXTURE")
FIXTURE_PODS=$(jq '."/api/v1/pods" | length' "$K8S_FIXTURE")
SECRET_B64=$(jq -r '."/api/v1/secrets"[0].data.password' "$K8S_FIXTURE")
SECRET_PLAIN=$(base64 -d <<<"$SECRET_B64")

# kubeconfig FILE SERVER USER-YAML [CLUSTER-EXTRA-YAML]: one cluster, one
# user, one context "standin", current.
kubeconfig() {
  local file=$1 server=$2 user=$3 cluster=${4:-"    certificate-authority-data: $CA64"}
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: standin
  cluster:
    server: $server
$cluster
users:
- name: auditor
  user:
$user
contexts:
- name: standin
  context:
    cluster: standin
    user: auditor
    namespace: shop
current-context: standin
EOF
}

# Every request the stand-in saw was a GET.
assert_only_gets() {
  local others
  others=$(k8s_live_requests | jq -r 'select(.method != "GET") | .method + " " + .path')
  assert_eq "" "$others" "$1: lockdown sent GET requests only"
}

# ---- bearer token, CA data, pagination over 3 pages ----
k8s_live_scenario token '{"require_token": "'"$TOKEN"'", "max_page": 3}'
kubeconfig "$d/token.yaml" "$K8S_URL" "    token: $TOKEN"
run_ld k8s scan --kubeconfig "$d/token.yaml" -f json
assert_exit 1 "token: the cluster's failing findings fail the gate"
assert_json '.findings | length > 0' "token: a JSON report"
assert_only_gets token
assert_eq 0 "$(k8s_live_requests | jq -r 'select(.authorization != "Bearer '"$TOKEN"'") | .path' | wc -l)" \
  "token: every request carried Authorization: Bearer <the kubeconfig's token>"
pods=$(k8s_live_requests /api/v1/pods)
assert_eq 3 "$(wc -l <<<"$pods")" "token: $FIXTURE_PODS pods at 3 a page: 3 requests"
assert_eq "limit=250" "$(head -n1 <<<"$pods" | jq -r .query)" "token: the first page asks limit=250"
# each continue token sent is the one the server issued (the server encodes
# where the previous page ended: after 3 and after 6 pods, in name order)
starts=$(jq -r '.query | capture("continue=(?<c>[^&]*)").c // empty |
  gsub("%3D"; "=") | gsub("%2B"; "+") | gsub("%2F"; "/") | @base64d | fromjson | .start |
  rtrimstr("\u0000")' <<<"$pods")
want=$(jq -r '."/api/v1/pods" | map(.metadata.namespace + "/" + .metadata.name) | sort | [.[2], .[5]] | .[]' "$K8S_FIXTURE")
assert_eq "$want" "$starts" "token: pages 2 and 3 sent back the continue tokens of pages 1 and 2"
assert_json '[.findings[] | select(.check_id == "pss.privileged" and .status == "fail" and .target.id == "Pod/shop/zz-debug")] | length == 1' \
  "token: the privileged pod of page 3 fails pss.privileged, once"
assert_json '[.findings[] | select(.target.id == "Pod/shop/zz-debug")][0].target.path == "'"$K8S_URL"'/api/v1/pods"' \
  "token: findings name the API URL of the list as their file"
assert_json '[.findings[] | select(.check_id == "k8s.rbac.cluster-admin" and .status == "fail" and .target.id == "ClusterRoleBinding/shop-deployer-admin")] | length == 1' \
  "token: cluster-admin bound to a service account fails (RBAC read from the API)"
assert_json '[.findings[] | select(.check_id == "k8s.cluster.api-tls-verify")][0].status == "pass"' \
  "token: k8s.cluster.api-tls-verify passes (CA data verified the server)"
assert_json ".scope | test(\"kubernetes cluster standin \\\\(https://127.0.0.1:[0-9]+/s/token, v1.30.2\\\\): $FIXTURE_OBJECTS objects in 21 lists\$\")" \
  "token: the scope names the context, server, version and counts ($FIXTURE_OBJECTS objects)"
assert_stdout_not_contains "$SECRET_B64" "token: the Secret's value (base64) is not in the report"
assert_stdout_not_contains "$SECRET_PLAIN" "token: the Secret's value is not in the report"
assert_json '[.findings[] | select(.check_id == "k8s.workload.secret-object")][0].status == "pass"' \
  "token: a Secret in the API is not a secret in a manifest (its values were erased on receipt)"
assert_stdout_not_contains "$TOKEN" "token: the token is not in the report"
assert_stderr_not_contains "$TOKEN" "token: the token is not on stderr"

# ---- client certificate and CA from files next to the kubeconfig ----
k8s_live_scenario mtls '{"require_client_cert": true}'
mkdir -p "$d/mtls/pki"
cp "$d/ca.crt" "$d/client.crt" "$d/client.key" "$d/mtls/pki/"
kubeconfig "$d/mtls/config" "$K8S_URL" "    client-certificate: pki/client.crt
    client-key: pki/client.key" "    certificate-authority: pki/ca.crt"
pushd / >/dev/null || exit 1 # relative to the kubeconfig, not to the working directory
run_ld k8s scan --kubeconfig "$d/mtls/config" -f json --check 'k8s.cluster.*'
popd >/dev/null || exit 1
assert_exit 0 "mtls: relative certificate paths resolve against the kubeconfig's directory"
assert_eq 0 "$(k8s_live_requests | jq -r 'select(.client != "organizationName=auditors,commonName=lockdown-auditor")' | wc -l)" \
  "mtls: every request presented the client certificate (O=auditors, CN=lockdown-auditor)"
assert_eq 0 "$(k8s_live_requests | jq -r 'select(.authorization != null)' | wc -l)" \
  "mtls: no Authorization header when the user has only a certificate"
assert_json '.findings[0].evidence | test("certificate-authority .*/mtls/pki/ca.crt")' \
  "mtls: the evidence names the CA file that verified the server"
assert_only_gets mtls

# ---- exec credential plugin, v1: token, KUBERNETES_EXEC_INFO, cluster info ----
k8s_live_scenario exec '{"require_token": "exec-'"$TOKEN"'"}'
mkdir -p "$d/execdir/bin"
cat >"$d/execdir/bin/get-token" <<EOF
#!/bin/sh
# a credential plugin: records what it was given, prints an ExecCredential
printf '%s\n' "\$@" >"$d/exec.argv"
printf '%s' "\$KUBERNETES_EXEC_INFO" >"$d/exec.info"
printf '%s' "\$PLUGIN_REGION" >"$d/exec.env"
echo "plugin: fetching a token" >&2
cat <<'JSON'
{"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
 "status": {"token": "exec-$TOKEN", "expirationTimestamp": "2099-01-01T00:00:00Z"}}
JSON
EOF
chmod +x "$d/execdir/bin/get-token"
kubeconfig "$d/execdir/config" "$K8S_URL" "    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./bin/get-token
      args: [get-token, --cluster, standin]
      env:
      - {name: PLUGIN_REGION, value: eu-west-9}
      interactiveMode: Never
      provideClusterInfo: true"
run_ld k8s scan --kubeconfig "$d/execdir/config" -f json --check 'k8s.cluster.*'
assert_exit 0 "exec v1: the plugin's token opened the cluster"
assert_eq 0 "$(k8s_live_requests | jq -r 'select(.authorization != "Bearer exec-'"$TOKEN"'")' | wc -l)" \
  "exec v1: every request carried the plugin's token"
assert_eq "get-token --cluster standin" "$(tr '\n' ' ' <"$d/exec.argv" | sed 's/ $//')" \
  "exec v1: the plugin got the kubeconfig's args, as argv (no shell)"
assert_eq "eu-west-9" "$(cat "$d/exec.env")" "exec v1: the plugin got the kubeconfig's env"
assert_json_file "$d/exec.info" '.apiVersion == "client.authentication.k8s.io/v1" and .kind == "ExecCredential" and .spec.interactive == false and .spec.cluster.server == "'"$K8S_URL"'"' \
  "exec v1: KUBERNETES_EXEC_INFO is an ExecCredential v1, not interactive, with the cluster"
assert_eq "$(sha256sum <"$d/ca.crt")" "$(jq -r '.spec.cluster."certificate-authority-data"' "$d/exec.info" | base64 -d | sha256sum)" \
  "exec v1: spec.cluster.certificate-authority-data is the kubeconfig's CA"
assert_stderr_not_contains "fetching a token" "exec v1: the plugin's stderr is not passed through on success"

# ---- exec credential plugin, v1beta1: a client certificate ----
k8s_live_scenario execcert '{"require_client_cert": true}'
jq -n --rawfile c "$d/client.crt" --rawfile k "$d/client.key" \
  '{apiVersion: "client.authentication.k8s.io/v1beta1", kind: "ExecCredential",
    status: {clientCertificateData: $c, clientKeyData: $k}}' >"$d/execcert.json"
kubeconfig "$d/execcert.yaml" "$K8S_URL" "    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: /bin/cat
      args: [$d/execcert.json]"
run_ld k8s scan --kubeconfig "$d/execcert.yaml" -f json --check 'k8s.cluster.*'
assert_exit 0 "exec v1beta1: the plugin's client certificate opened the cluster"
assert_eq 0 "$(k8s_live_requests | jq -r 'select(.client != "organizationName=auditors,commonName=lockdown-auditor")' | wc -l)" \
  "exec v1beta1: every request presented the certificate the plugin returned"

# ---- exec plugin failures: one line, exit 3 ----
kubeconfig "$d/execfail.yaml" "$K8S_URL" "    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: /bin/sh
      args: [-c, 'echo \"error: you must be logged in\" >&2; exit 4']
      interactiveMode: IfAvailable"
run_ld k8s scan --kubeconfig "$d/execfail.yaml"
assert_exit 3 "exec failure: exit 3"
assert_stderr_matches '^lockdown: exec plugin /bin/sh of user "auditor" .*failed with exit status 4: error: you must be logged in$' \
  "exec failure: one line with the plugin's own first stderr line"
kubeconfig "$d/execmissing.yaml" "$K8S_URL" "    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: no-such-credential-helper
      installHint: install it with 'apt-get install no-such-credential-helper'
      interactiveMode: Never"
run_ld k8s scan --kubeconfig "$d/execmissing.yaml"
assert_exit 3 "exec missing: exit 3"
assert_stderr_contains "no such command in PATH; install it with 'apt-get install no-such-credential-helper'" \
  "exec missing: the installHint is shown"

# ---- basic auth ----
k8s_live_scenario basic '{"require_basic": "auditor:pa55-'"$TOKEN"'"}'
kubeconfig "$d/basic.yaml" "$K8S_URL" "    username: auditor
    password: pa55-$TOKEN"
run_ld k8s scan --kubeconfig "$d/basic.yaml" -f json --check 'k8s.cluster.*'
assert_exit 0 "basic: username and password accepted"
assert_stdout_not_contains "pa55-$TOKEN" "basic: the password is not in the report"

# ---- a list the server refuses (403): not assessed, exit 1 ----
k8s_live_scenario forbid '{"require_token": "'"$TOKEN"'", "forbid": ["/api/v1/secrets"]}'
kubeconfig "$d/forbid.yaml" "$K8S_URL" "    token: $TOKEN"
# pss.host-namespaces passes on this cluster: only the 403 can fail the gate
k8s_live_scenario noforbid '{"require_token": "'"$TOKEN"'"}'
kubeconfig "$d/noforbid.yaml" "$K8S_URL" "    token: $TOKEN"
run_ld k8s scan --kubeconfig "$d/noforbid.yaml" --check pss.host-namespaces -f json
assert_exit 0 "403 control: with every list read, pss.host-namespaces passes (exit 0)"
run_ld k8s scan --kubeconfig "$d/forbid.yaml" --check pss.host-namespaces -f json
assert_exit 1 "403: a refused list makes the checks not assessed: the gate fails closed"
assert_json '[.findings[] | select(.check_id == "pss.host-namespaces")][0].status == "error"' \
  "403: pss.host-namespaces is an error (not assessed), not a pass"
assert_json '.notes | map(select(test("not read: kubernetes API https://127.0.0.1:[0-9]+/s/forbid: GET /api/v1/secrets: HTTP 403 Forbidden: secrets is forbidden: User .* cannot list resource .secrets. in API group .. at the cluster scope \\(context .standin. may not list secrets in every namespace\\)$"))) | length == 1' \
  "403: the report says which list was refused, with the server's reason"
assert_json '.gate.incomplete == true' "403: the gate says it is incomplete"
run_ld k8s scan --kubeconfig "$d/forbid.yaml" --check pss.host-namespaces --allow-incomplete -f json
assert_exit 0 "403: --allow-incomplete accepts the incomplete read"

# ---- 410 Gone: restart once; twice is not read ----
k8s_live_scenario expire '{"require_token": "'"$TOKEN"'", "max_page": 3, "expire_once": ["/api/v1/pods"]}'
kubeconfig "$d/expire.yaml" "$K8S_URL" "    token: $TOKEN"
run_ld k8s scan --kubeconfig "$d/expire.yaml" -f json
assert_exit 1 "410 once: the read completes (the cluster's findings fail the gate)"
assert_eq "limit=250 continue limit=250 continue continue" \
  "$(k8s_live_requests /api/v1/pods | jq -r '.query | if test("continue=") then "continue" else . end' | tr '\n' ' ' | sed 's/ $//')" \
  "410 once: page 2 expired, the list restarted from page 1 and went to the end"
assert_json '[.findings[] | select(.check_id == "pss.privileged" and .target.id == "Pod/shop/zz-debug")] | length == 1' \
  "410 once: no object twice after the restart"
assert_json '.notes | map(select(startswith("not read"))) | length == 0' "410 once: nothing left unread"
k8s_live_scenario expire2 '{"require_token": "'"$TOKEN"'", "max_page": 3, "expire_always": ["/api/v1/pods"]}'
kubeconfig "$d/expire2.yaml" "$K8S_URL" "    token: $TOKEN"
run_ld k8s scan --kubeconfig "$d/expire2.yaml" --check pss.host-namespaces -f json
assert_exit 1 "410 always: the pods are not assessed: exit 1"
assert_json '.notes | map(select(test("GET /api/v1/pods \\(page 2\\): HTTP 410 Gone again after a restart"))) | length == 1' \
  "410 always: the report says the list expired again after a restart"

# ---- 404: an older group version, a kind not served ----
k8s_live_scenario old '{"require_token": "'"$TOKEN"'", "not_found": ["/apis/batch/v1/cronjobs", "/apis/networking.k8s.io/v1/ingresses"]}'
kubeconfig "$d/old.yaml" "$K8S_URL" "    token: $TOKEN"
run_ld k8s scan --kubeconfig "$d/old.yaml" --check pss.host-namespaces -f json
assert_exit 0 "404: kinds the server does not serve do not fail the read"
assert_eq 1 "$(k8s_live_requests /apis/batch/v1beta1/cronjobs | wc -l)" \
  "404: cronjobs fall back from batch/v1 to batch/v1beta1"
assert_json '.notes | map(select(test("does not serve ingresses \\(404 for networking.k8s.io/v1, extensions/v1beta1\\): not applicable"))) | length == 1' \
  "404: a kind no version of which is served is noted as not applicable"

# ---- 429 with Retry-After ----
k8s_live_scenario busy '{"require_token": "'"$TOKEN"'", "retry_429": ["/api/v1/nodes"]}'
kubeconfig "$d/busy.yaml" "$K8S_URL" "    token: $TOKEN"
run_ld k8s scan --kubeconfig "$d/busy.yaml" --check pss.host-namespaces -f json
assert_exit 0 "429: retried, then read"
times=$(k8s_live_requests /api/v1/nodes | jq -r .t)
assert_eq 2 "$(wc -l <<<"$times")" "429: the list was asked twice"
assert_true "429: the retry waited the second Retry-After asked for" \
  awk 'NR == 1 { a = $1 } NR == 2 { exit !($1 - a >= 0.95) }' <<<"$times"

# ---- insecure-skip-tls-verify: read, and a failing finding ----
k8s_live_scenario insecure '{"require_token": "'"$TOKEN"'"}'
kubeconfig "$d/insecure.yaml" "$K8S_URL" "    token: $TOKEN" "    insecure-skip-tls-verify: true"
run_ld k8s scan --kubeconfig "$d/insecure.yaml" --check 'k8s.cluster.*' -f json
assert_exit 1 "insecure: the unverified connection fails the gate"
assert_json '.findings[0] | .check_id == "k8s.cluster.api-tls-verify" and .status == "fail" and (.evidence | test("insecure-skip-tls-verify: true in cluster \"standin\""))' \
  "insecure: k8s.cluster.api-tls-verify fails and says why"
assert_json '.findings[0].control_id == "NIST-ORC-09"' "insecure: reported against NIST-ORC-09"

# ---- TLS: a CA that did not sign the server; no CA at all ----
k8s_live_scenario wrongca '{"require_token": "'"$TOKEN"'"}'
kubeconfig "$d/wrongca.yaml" "$K8S_URL" "    token: $TOKEN" \
  "    certificate-authority-data: $(k8s_live_b64 "$d/other-ca.crt")"
run_ld k8s scan --kubeconfig "$d/wrongca.yaml"
assert_exit 3 "wrong CA: exit 3"
assert_eq 1 "$(wc -l <"$LD_STDERR_FILE")" "wrong CA: one line on stderr"
assert_stderr_matches '^lockdown: kubernetes API https://127.0.0.1:[0-9]+/s/wrongca: GET /version: .*(certificate|verify)' \
  "wrong CA: the line says the certificate did not verify"
assert_eq 0 "$(k8s_live_requests | wc -l)" "wrong CA: no request reached the server (the token was not sent)"
kubeconfig "$d/noca.yaml" "$K8S_URL" "    token: $TOKEN" "    tls-server-name: kube-apiserver.test"
run_ld k8s scan --kubeconfig "$d/noca.yaml"
assert_exit 3 "no CA: the system's CAs do not know the test CA: exit 3"

# ---- tls-server-name: verified against that name ----
port=${K8S_BASE##*:}
k8s_live_scenario sni '{"require_token": "'"$TOKEN"'"}'
kubeconfig "$d/sni.yaml" "https://localhost:$port/s/sni" "    token: $TOKEN" \
  "    certificate-authority-data: $CA64
    tls-server-name: kube-apiserver.test"
run_ld k8s scan --kubeconfig "$d/sni.yaml" --check 'k8s.cluster.*' -f json
assert_exit 0 "tls-server-name: the certificate's other name verifies"
assert_eq "kube-apiserver.test:$port" "$(k8s_live_requests /version | tail -n1 | jq -r .host)" \
  "tls-server-name: the request was made to that name"

# ---- a dripping server: timeout, one clean line ----
k8s_live_scenario drip '{"require_token": "'"$TOKEN"'", "drip": "/api/v1/pods"}'
kubeconfig "$d/drip.yaml" "$K8S_URL" "    token: $TOKEN"
start=$SECONDS
run_ld k8s scan --kubeconfig "$d/drip.yaml" --request-timeout 2s
assert_exit 3 "drip: exit 3"
assert_eq 1 "$(wc -l <"$LD_STDERR_FILE")" "drip: one line on stderr"
assert_stderr_matches '^lockdown: kubernetes API https://127.0.0.1:[0-9]+/s/drip: GET /api/v1/pods: (no complete answer within 2 s|less than 1024 bytes/s for 2 s); gave up$' \
  "drip: the line names the list and the limit"
assert_true "drip: given up within 10 s" test $((SECONDS - start)) -lt 10

# ---- KUBECONFIG with two files, --context ----
k8s_live_scenario merge '{"require_token": "'"$TOKEN"'"}'
cat >"$d/first.yaml" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: standin
  cluster: {server: "https://127.0.0.1:1", certificate-authority-data: $CA64}
users:
- name: auditor
  user: {token: wrong-token}
contexts:
- name: elsewhere
  context: {cluster: standin, user: auditor}
current-context: elsewhere
EOF
cat >"$d/second.yaml" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: standin
  cluster: {server: "https://127.0.0.1:2"}
- name: real
  cluster: {server: "$K8S_URL", certificate-authority-data: $CA64}
users:
- name: real-user
  user: {token: $TOKEN}
contexts:
- name: live
  context: {cluster: real, user: real-user}
current-context: live
EOF
LD_KUBECONFIG_SAVED=${KUBECONFIG-}
export KUBECONFIG="$d/missing.yaml:$d/first.yaml:$d/second.yaml"
run_ld k8s scan --context live --check 'k8s.cluster.*' -f json
assert_exit 0 "KUBECONFIG: --context picks a context the second file defines"
assert_json '.findings[0].target.id == "cluster/live"' "KUBECONFIG: the context used is named"
run_ld k8s scan --context nope
assert_exit 3 "KUBECONFIG: an unknown context: exit 3"
assert_stderr_contains 'no context "nope" (contexts: "elsewhere", "live")' \
  "KUBECONFIG: the message lists the contexts of every file"
export KUBECONFIG=$LD_KUBECONFIG_SAVED

# ---- manifests and a cluster together ----
cat >"$d/extra.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata: {name: from-a-file, namespace: shop}
spec:
  hostNetwork: true
  containers: [{name: c, image: registry.example.com/x:1}]
EOF
k8s_live_scenario union '{"require_token": "'"$TOKEN"'"}'
kubeconfig "$d/union.yaml" "$K8S_URL" "    token: $TOKEN"
run_ld k8s scan --kubeconfig "$d/union.yaml" "$d/extra.yaml" -f json
assert_json '[.findings[] | select(.check_id == "pss.host-namespaces" and .status == "fail")][0].target.path | endswith("/extra.yaml")' \
  "union: the manifest's pod is judged with the cluster's objects"
assert_json ".scope | test(\"kubernetes manifests .*/extra.yaml: 1 object in 1 file; kubernetes cluster standin\")" \
  "union: the scope names both inputs"

# ---- usage and refusals ----
run_ld k8s scan --kubeconfig "$d/union.yaml" --request-timeout soon
assert_exit 2 "usage: a --request-timeout that is not a duration"
run_ld k8s scan
assert_exit 2 "usage: neither PATH nor --kubeconfig"
kubeconfig "$d/plain.yaml" "http://127.0.0.1:1" "    token: $TOKEN" "    certificate-authority-data: $CA64"
run_ld k8s scan --kubeconfig "$d/plain.yaml"
assert_exit 3 "http://: credentials are not sent in clear text"
assert_stderr_contains "does not send credentials in clear text" "http://: the message says why"
run_ld k8s scan --kubeconfig "$d/no-such-kubeconfig"
assert_exit 3 "a kubeconfig that does not exist: exit 3"
assert_stderr_contains "no-such-kubeconfig" "a kubeconfig that does not exist is named"
