#!/usr/bin/env bash
# k8s_live_lib.sh — the pieces the live-cluster tests share
# (test_k8s_live.sh, test_hostile_k8s_live.sh). Source it after lib.sh.
#
# No Kubernetes API server can be installed on the test machines: the tests
# talk to tests/e2e/k8s_apiserver_standin.py, a local TLS server that stands
# in for kube-apiserver and answers in the API's own format (PodList pages
# with continue tokens, Status errors), from the objects of
# tests/e2e/fixtures/k8s-live/cluster.json.
#
#   k8s_live_certs             CA, server and client certificates in $K8S_DIR
#   k8s_live_start             start the stand-in (once); sets K8S_BASE, K8S_LOG
#   k8s_live_scenario NAME JSON  a scenario (see the stand-in's keys); sets
#                              K8S_URL=$K8S_BASE/s/NAME (the kubeconfig's server)
#                              and K8S_SCENARIO
#   k8s_live_b64 FILE          base64 of FILE on one line
#   k8s_live_requests [PATH]   the requests of the current scenario (JSON lines),
#                              of PATH only when given

K8S_DIR=$LD_TMP/k8s
K8S_FIXTURE=$LD_REPO/tests/e2e/fixtures/k8s-live/cluster.json
K8S_STANDIN=$LD_REPO/tests/e2e/k8s_apiserver_standin.py
mkdir -p "$K8S_DIR"

k8s_live_b64() { base64 -w0 <"$1"; }

# A CA, a server certificate for 127.0.0.1 / localhost / kube-apiserver.test,
# a client certificate (CN=lockdown-auditor, O=auditors) and a second CA that
# signed nothing here (a kubeconfig with it must fail to verify the server).
k8s_live_certs() {
  local d=$K8S_DIR
  [[ -s $d/server.crt ]] && return 0
  (
    cd "$d" || exit 1
    local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
    openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.crt -days 2 -subj /CN=standin-ca &&
      openssl req -x509 "${ec[@]}" -keyout other-ca.key -out other-ca.crt -days 2 \
        -subj /CN=some-other-ca &&
      openssl req "${ec[@]}" -keyout server.key -out server.csr -subj /CN=kube-apiserver &&
      printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kube-apiserver.test\nextendedKeyUsage=serverAuth\n' >server.ext &&
      openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt \
        -days 2 -extfile server.ext &&
      openssl req "${ec[@]}" -keyout client.key -out client.csr \
        -subj "/O=auditors/CN=lockdown-auditor" &&
      printf 'extendedKeyUsage=clientAuth\n' >client.ext &&
      openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt \
        -days 2 -extfile client.ext
  ) >"$d/openssl.log" 2>&1 || {
    fail_plain "openssl could not make the test certificates" "$(cat "$d/openssl.log")"
    finish
  }
}

# k8s_live_start: one stand-in with the server certificate and the fixture,
# asking for (not requiring) client certificates of the test CA. Python
# starts slowly on the test machines: one server serves every scenario.
k8s_live_start() {
  [[ -n ${K8S_BASE:-} ]] && return 0
  local port_file=$K8S_DIR/standin.port
  K8S_LOG=$K8S_DIR/standin.log
  mkdir -p "$K8S_DIR/scenarios"
  rm -f "$port_file" "$K8S_LOG"
  python3 "$K8S_STANDIN" --cert "$K8S_DIR/server.crt" --key "$K8S_DIR/server.key" \
    --client-ca "$K8S_DIR/ca.crt" --fixture "$K8S_FIXTURE" --port-file "$port_file" \
    --log "$K8S_LOG" --scenarios "$K8S_DIR/scenarios" >"$K8S_DIR/standin.out" 2>&1 &
  local pid=$!
  ld_on_exit "kill $pid 2>/dev/null"
  local i
  for ((i = 0; i < 300; i++)); do
    [[ -s $port_file ]] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [[ ! -s $port_file ]]; then
    fail_plain "the kube-apiserver stand-in did not start" "$(cat "$K8S_DIR/standin.out")"
    finish
  fi
  K8S_BASE=https://127.0.0.1:$(cat "$port_file")
}

k8s_live_scenario() { # k8s_live_scenario NAME JSON
  K8S_SCENARIO=$1
  printf '%s\n' "$2" >"$K8S_DIR/scenarios/$1.json"
  # shellcheck disable=SC2034 # used by the tests that source this file
  K8S_URL=$K8S_BASE/s/$1
}

# The requests the stand-in logged for the current scenario (one JSON object
# a line), of PATH only when given.
k8s_live_requests() {
  jq -c --arg s "$K8S_SCENARIO" --arg p "${1:-}" \
    'select(.scenario == $s and ($p == "" or .path == $p))' "$K8S_LOG"
}
