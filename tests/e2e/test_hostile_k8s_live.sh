#!/usr/bin/env bash
# Hostile input, the live-cluster read of `lockdown k8s scan --kubeconfig`
# (issue 11's rule, issue 12's input): a hostile API server, a hostile exec
# plugin, a hostile kubeconfig. The API server is the local TLS stand-in for
# kube-apiserver (tests/e2e/k8s_apiserver_standin.py: no real API server can
# run here), told by each scenario to misbehave on one path. Every case is
# built here and run as a hostile_case (tests/e2e/hostile.sh: exit code, no
# hang, a peak-RSS bound, one stderr line for errors, no control byte on
# stdout or stderr, no user file changed), each with its stated bound:
#   server  - a 200 MiB PodList (the 32 MiB page cap stops it) < 30 s,
#             < 96 MiB; the same continue token forever; 10,000 pages of one
#             pod (the 4,096-page cap) < 60 s, < 64 MiB; a page nested 100,000 levels
#             deep; a PodList whose items say they are Secrets: each list is
#             not read (exit 1, the gate fails closed), nothing crashes
#   secrets - the server echoes the bearer token back in its 403, 500 and 401
#             messages, with terminal escapes and bidi controls: the token
#             never reaches stdout or stderr, nor does a control byte
#   plugin  - an exec plugin that floods stdout (stopped at 1 MiB) < 10 s; one
#             that prints a credential of the wrong apiVersion
#   kubeconfig - an alias bomb, 10,000 levels of nesting, a 100 MB scalar
#             (refused by size before it is read), a token with a newline
# On the code before this change every case fails: `k8s scan` had no
# --kubeconfig (exit 2, usage).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/hostile.sh"
source "$(dirname "${BASH_SOURCE[0]}")/k8s_live_lib.sh"
require_cmd python3 openssl jq

k8s_live_certs
k8s_live_start
CA64=$(k8s_live_b64 "$K8S_DIR/ca.crt")
TOKEN=hostile-token-$RANDOM$RANDOM-b71d

# kubeconfig FILE SERVER USER-YAML: one context, the test CA.
kubeconfig() {
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: standin
  cluster: {server: "$2", certificate-authority-data: $CA64}
users:
- name: auditor
  user:
$3
contexts:
- name: standin
  context: {cluster: standin, user: auditor}
current-context: standin
EOF
}

# live_case NAME SCENARIO-JSON DESC EXIT SECONDS RSS [ARG...]: a kubeconfig
# for the scenario (token auth) in the case's directory, then the case.
live_case() {
  local name=$1 json=$2 desc=$3 want=$4 secs=$5 rss=$6
  shift 6
  k8s_live_scenario "$name" "$json"
  hostile_dir "$name"
  kubeconfig "$HOSTILE_DIR/kubeconfig" "$K8S_URL" "    token: $TOKEN"
  hostile_case "$desc" "$want" "$secs" "$rss" -- k8s scan --kubeconfig kubeconfig -f json "$@"
}

# The list a case broke is named as not read, and the report is still JSON.
assert_not_read() { # assert_not_read DESC ERE
  if jq -e --arg re "$2" '.notes | map(select(startswith("not read") and test($re))) | length == 1' \
    "$LD_STDOUT_FILE" >/dev/null 2>&1; then
    pass "$1: the report names the list not read"
  else
    fail "$1: the report names the list not read (/$2/)"
  fi
}

assert_no_token() { # assert_no_token DESC
  if grep -qF "$TOKEN" "$LD_STDOUT_FILE" "$LD_STDERR_FILE"; then
    fail "$1: the token reached stdout or stderr"
  else
    pass "$1: the token is on neither stdout nor stderr"
  fi
}

# ---- server ----
live_case huge '{"require_token": "'"$TOKEN"'", "huge": "/api/v1/pods"}' \
  "a 200 MiB PodList" 1 30 96
assert_not_read "a 200 MiB PodList" "GET /api/v1/pods: answer larger than 33554432 bytes"

live_case endless '{"require_token": "'"$TOKEN"'", "endless": "/api/v1/pods"}' \
  "the same continue token forever" 1 20 48
assert_not_read "the same continue token forever" "the same continue token twice"

live_case pages '{"require_token": "'"$TOKEN"'", "pages_path": "/api/v1/pods", "pages": 10000}' \
  "10,000 pages of one pod" 1 60 64
assert_not_read "10,000 pages of one pod" "GET /api/v1/pods: more than 4096 pages"
assert_eq 4096 "$(k8s_live_requests /api/v1/pods | wc -l)" \
  "10,000 pages of one pod: lockdown stopped asking at the cap"

live_case deep '{"require_token": "'"$TOKEN"'", "deep": "/api/v1/pods"}' \
  "a page nested 100,000 levels deep" 1 20 48
assert_not_read "a page nested 100,000 levels deep" "GET /api/v1/pods: .*(deep|nest|depth)"

live_case wrongkind '{"require_token": "'"$TOKEN"'", "wrong_kind": "/api/v1/pods"}' \
  "a PodList whose items say they are Secrets" 1 20 48
assert_not_read "a PodList whose items say they are Secrets" "api/v1/pods: the PodList holds an item of kind Secret"

# ---- secrets echoed back ----
live_case echo403 '{"require_token": "'"$TOKEN"'", "echo_auth_in_errors": true, "evil_message": true, "forbid": ["/api/v1/secrets"], "fail_500_once": ["/api/v1/pods"]}' \
  "the server echoes the token in 403 and 500 messages" 1 20 48
assert_no_token "the server echoes the token in 403 and 500 messages"
assert_not_read "the server echoes the token in 403 and 500 messages" 'Authorization: Bearer \*\*\*'

k8s_live_scenario echo401 '{"require_token": "another-token", "echo_auth_in_errors": true, "evil_message": true}'
hostile_dir echo401
kubeconfig "$HOSTILE_DIR/kubeconfig" "$K8S_URL" "    token: $TOKEN"
hostile_case "the server echoes the token in a 401 message" 3 20 48 -- \
  k8s scan --kubeconfig kubeconfig
assert_no_token "the server echoes the token in a 401 message"
assert_stderr_contains "HTTP 401 Unauthorized" "the server echoes the token in a 401 message: the 401 is said"

# ---- exec plugins ----
k8s_live_scenario plugin '{}'
hostile_dir flood
kubeconfig "$HOSTILE_DIR/kubeconfig" "$K8S_URL" "    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: /usr/bin/yes
      args: [a credential]
      interactiveMode: Never"
hostile_case "an exec plugin that floods stdout" 3 10 32 -- k8s scan --kubeconfig kubeconfig
assert_stderr_contains "printed more than 1048576 bytes" "an exec plugin that floods stdout: stopped at 1 MiB"

hostile_dir wrongapi
printf '%s' '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"'"$TOKEN"'"}}' \
  >"$HOSTILE_DIR/cred.json"
kubeconfig "$HOSTILE_DIR/kubeconfig" "$K8S_URL" "    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: /bin/cat
      args: [$HOSTILE_DIR/cred.json]
      interactiveMode: Never"
hostile_case "an exec plugin answering in another apiVersion" 3 10 32 -- \
  k8s scan --kubeconfig kubeconfig
assert_no_token "an exec plugin answering in another apiVersion"

# ---- kubeconfigs ----
hostile_dir aliasbomb
{
  echo 'a: &a ["x","x","x","x","x","x","x","x","x","x"]'
  prev=a
  for l in b c d e f g h i; do
    echo "$l: &$l [*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev]"
    prev=$l
  done
  echo "clusters: [{name: x, cluster: {server: 'https://127.0.0.1:1', extensions: *i}}]"
} >"$HOSTILE_DIR/kubeconfig"
hostile_case "a kubeconfig alias bomb" 3 10 32 -- k8s scan --kubeconfig kubeconfig

hostile_dir nesting
python3 -c 'import sys; sys.stdout.write("clusters: " + "[" * 10000 + "]" * 10000 + "\n")' \
  >"$HOSTILE_DIR/kubeconfig"
hostile_case "a kubeconfig nested 10,000 levels deep" 3 10 32 -- k8s scan --kubeconfig kubeconfig

hostile_dir bigscalar
{
  printf 'current-context: x\nusers:\n- name: u\n  user:\n    token: '
  head -c 100000000 /dev/zero | tr '\0' 'A'
  echo
} >"$HOSTILE_DIR/kubeconfig"
hostile_case "a kubeconfig with a 100 MB token" 3 10 32 -- k8s scan --kubeconfig kubeconfig
assert_stderr_contains "larger than" "a kubeconfig with a 100 MB token: refused by its size"

hostile_dir newline
kubeconfig "$HOSTILE_DIR/kubeconfig" "$K8S_URL" '    token: "abc\r\nX-Injected: 1"'
hostile_case "a token with CR LF (a header injection)" 3 10 32 -- k8s scan --kubeconfig kubeconfig
assert_stderr_contains "not one line of visible ASCII" "a token with CR LF: refused, not sent"
