#!/usr/bin/env bash
# End-to-end: `lockdown k8s node --host-root DIR` on kubeadm-shaped node
# trees this script builds under a temp dir: static pod manifests for the
# API server, controller manager, scheduler and etcd (hostPath mounts as
# kubeadm writes them), the kubelet's systemd unit with kubeadm's
# 10-kubeadm.conf drop-in and kubeadm-flags.env, its config.yaml,
# kubeconfigs, the PKI directory, CNI files, an encryption configuration
# and an audit policy. No kubelet or API server can run on this machine:
# the kubelet and kube-proxy processes are stand-ins, a fake
# DIR/proc/PID/cmdline (and environ) written by this script, read exactly
# as a real /proc would be.
#
# One tree has every setting right (every check passes), one has every
# setting wrong (every check fails): each of the k8s.node checks listed in
# src/core/check_registry.c is seen to pass and to fail. Then variants:
# settings from the unit file when no kubelet runs, flags over the kubelet
# config, structured authentication/authorization files, encryption
# provider kinds, audit policy gaps, etcd's CA, symlinks out of the root,
# unreadable inputs (error, never pass), and a machine without Kubernetes
# (exit 0, every check not applicable).
set -uo pipefail
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"
command -v jq >/dev/null || skip "jq is not installed"

ids=$(sed -n '/implemented\[\] = {/,/NULL,/p' "$LD_REPO/src/core/check_registry.c" |
  grep -oE '"k8s\.node\.[a-z0-9.-]+"' | tr -d '"' | sort -u)
n_ids=$(wc -w <<<"$ids")
[[ $n_ids -ge 80 ]] || fail_plain "expected the k8s.node checks in the registry, found $n_ids"

# ---- tree builders -----------------------------------------------------------------

put() { # put ROOT PATH MODE [OWNER] <<<CONTENT
  local root=$1 path=$2 mode=$3 owner=${4:-0:0}
  mkdir -p "$(dirname "$root$path")"
  cat >"$root$path"
  chmod "$mode" "$root$path"
  chown "$owner" "$root$path"
}

# kubeadm's volumes and mounts for the API server, with the extra ones
# for the encryption config, audit policy and audit log
apiserver_pod() { # apiserver_pod FLAG...
  cat <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
  labels: {component: kube-apiserver, tier: control-plane}
spec:
  hostNetwork: true
  priorityClassName: system-node-critical
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.30.2
    command:
    - kube-apiserver
EOF
  local f
  for f in "$@"; do printf '    - %s\n' "$f"; done
  cat <<'EOF'
    volumeMounts:
    - {name: k8s-certs, mountPath: /etc/kubernetes/pki, readOnly: true}
    - {name: enc, mountPath: /etc/kubernetes/enc, readOnly: true}
    - {name: audit, mountPath: /etc/kubernetes/audit, readOnly: true}
    - {name: audit-log, mountPath: /var/log/kubernetes}
    - {name: in-image, mountPath: /opt/config}
  volumes:
  - name: k8s-certs
    hostPath: {path: /etc/kubernetes/pki, type: DirectoryOrCreate}
  - name: enc
    hostPath: {path: /srv/enc, type: DirectoryOrCreate}
  - name: audit
    hostPath: {path: /etc/kubernetes/audit, type: DirectoryOrCreate}
  - name: audit-log
    hostPath: {path: /var/log/kubernetes, type: DirectoryOrCreate}
  - name: in-image
    emptyDir: {}
EOF
}

simple_pod() { # simple_pod NAME FLAG...
  local name=$1 f
  shift
  cat <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: $name
  namespace: kube-system
spec:
  hostNetwork: true
  containers:
  - name: $name
    image: registry.k8s.io/$name:v1.30.2
    command:
    - $name
EOF
  for f in "$@"; do printf '    - %s\n' "$f"; done
  cat <<'EOF'
    volumeMounts:
    - {name: k8s-certs, mountPath: /etc/kubernetes/pki, readOnly: true}
    - {name: kubeconfig, mountPath: /etc/kubernetes, readOnly: true}
    - {name: etcd-data, mountPath: /var/lib/etcd}
  volumes:
  - name: k8s-certs
    hostPath: {path: /etc/kubernetes/pki, type: DirectoryOrCreate}
  - name: kubeconfig
    hostPath: {path: /etc/kubernetes, type: DirectoryOrCreate}
  - name: etcd-data
    hostPath: {path: /var/lib/etcd, type: DirectoryOrCreate}
EOF
}

kubeconfig() {
  cat <<'EOF'
apiVersion: v1
kind: Config
clusters:
- cluster: {certificate-authority-data: AAAA, server: "https://10.0.0.1:6443"}
  name: kubernetes
contexts:
- context: {cluster: kubernetes, user: u}
  name: u@kubernetes
current-context: u@kubernetes
users:
- name: u
  user: {client-certificate-data: AAAA, client-key-data: AAAA}
EOF
}

# fake_proc ROOT PID ARG... — a stand-in process: ROOT/proc/PID/cmdline
fake_proc() {
  local root=$1 pid=$2
  shift 2
  mkdir -p "$root/proc/$pid"
  printf '%s\0' "$@" >"$root/proc/$pid/cmdline"
  printf '%s\n' "$(basename "$1" | cut -c1-15)" >"$root/proc/$pid/comm"
}

accounts() { # the root's own passwd/group, with an etcd account (uid/gid 4141)
  local root=$1
  put "$root" /etc/passwd 644 <<'EOF'
root:x:0:0:root:/root:/bin/bash
etcd:x:4141:4141:etcd:/var/lib/etcd:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
  put "$root" /etc/group 644 <<'EOF'
root:x:0:
etcd:x:4141:
nogroup:x:65534:
EOF
  printf 'node-under-test\n' >"$root/etc/hostname"
}

pki() { # pki ROOT CRT_MODE KEY_MODE OWNER
  local root=$1 cm=$2 km=$3 owner=$4 f
  for f in ca apiserver apiserver-kubelet-client apiserver-etcd-client front-proxy-ca etcd/ca \
    etcd/server etcd/peer etcd/healthcheck-client; do
    put "$root" "/etc/kubernetes/pki/$f.crt" "$cm" "$owner" <<<"-----BEGIN CERTIFICATE----- $f"
    put "$root" "/etc/kubernetes/pki/$f.key" "$km" "$owner" <<<"-----BEGIN PRIVATE KEY----- $f"
  done
  put "$root" /etc/kubernetes/pki/sa.key "$km" "$owner" <<<"-----BEGIN PRIVATE KEY----- sa"
  put "$root" /etc/kubernetes/pki/sa.pub "$cm" "$owner" <<<"-----BEGIN PUBLIC KEY----- sa"
}

good_ciphers=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384

audit_policy_good() {
  cat <<'EOF'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
# the kube-proxy watch noise: limited to one user, so not a gap
- level: None
  users: ["system:kube-proxy"]
  verbs: ["watch"]
  resources:
  - group: ""
    resources: ["endpoints", "services", "services/status"]
- level: Metadata
  resources:
  - group: ""
    resources: ["secrets", "configmaps"]
  - group: authentication.k8s.io
    resources: ["tokenreviews"]
- level: RequestResponse
  resources:
  - group: ""
    resources: ["pods/exec", "pods/portforward", "pods/proxy", "services/proxy"]
- level: Request
  verbs: ["create", "update", "patch", "delete"]
  resources:
  - group: ""
    resources: ["pods"]
  - group: apps
    resources: ["deployments"]
- level: Metadata
EOF
}

# A node where every setting is right.
build_good() {
  local r=$1
  mkdir -p "$r"
  accounts "$r"
  apiserver_pod --advertise-address=10.0.0.1 --allow-privileged=true \
    --anonymous-auth=false \
    --authorization-mode=Node,RBAC \
    --client-ca-file=/etc/kubernetes/pki/ca.crt \
    --enable-admission-plugins=NodeRestriction,EventRateLimit \
    --enable-admission-plugins=AlwaysPullImages,DenyServiceExternalIPs \
    --admission-control-config-file=/etc/kubernetes/pki/admission.yaml \
    --enable-bootstrap-token-auth=true \
    --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt \
    --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt \
    --etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key \
    --etcd-servers=https://127.0.0.1:2379 \
    --kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt \
    --kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key \
    --kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt \
    --profiling=false \
    --audit-log-path=/var/log/kubernetes/audit.log \
    --audit-log-maxage=30 --audit-log-maxbackup=10 --audit-log-maxsize=100 \
    --audit-policy-file=/etc/kubernetes/audit/policy.yaml \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file=/etc/kubernetes/pki/sa.pub \
    --service-account-signing-key-file=/etc/kubernetes/pki/sa.key \
    --service-account-lookup=true \
    --tls-cert-file=/etc/kubernetes/pki/apiserver.crt \
    --tls-private-key-file=/etc/kubernetes/pki/apiserver.key \
    --tls-cipher-suites=$good_ciphers \
    --encryption-provider-config=/etc/kubernetes/enc/enc.yaml \
    --oidc-issuer-url=https://login.example.com --oidc-client-id=kubernetes |
    put "$r" /etc/kubernetes/manifests/kube-apiserver.yaml 600
  simple_pod kube-controller-manager --authentication-kubeconfig=/etc/kubernetes/controller-manager.conf \
    --kubeconfig=/etc/kubernetes/controller-manager.conf --bind-address=127.0.0.1 \
    --profiling=false --use-service-account-credentials=true --terminated-pod-gc-threshold=10 \
    --service-account-private-key-file=/etc/kubernetes/pki/sa.key \
    --root-ca-file=/etc/kubernetes/pki/ca.crt --feature-gates=RotateKubeletServerCertificate=true \
    --leader-elect | put "$r" /etc/kubernetes/manifests/kube-controller-manager.yaml 600
  simple_pod kube-scheduler --kubeconfig=/etc/kubernetes/scheduler.conf --bind-address=127.0.0.1 \
    --leader-elect=true --profiling=false | put "$r" /etc/kubernetes/manifests/kube-scheduler.yaml 600
  simple_pod etcd --name=cp1 --data-dir=/var/lib/etcd \
    --cert-file=/etc/kubernetes/pki/etcd/server.crt --key-file=/etc/kubernetes/pki/etcd/server.key \
    --client-cert-auth=true --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt \
    --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt --peer-key-file=/etc/kubernetes/pki/etcd/peer.key \
    --peer-client-cert-auth=true --peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt \
    --listen-client-urls=https://127.0.0.1:2379 | put "$r" /etc/kubernetes/manifests/etcd.yaml 600
  local f
  for f in admin super-admin scheduler controller-manager kubelet; do
    kubeconfig | put "$r" "/etc/kubernetes/$f.conf" 600
  done
  pki "$r" 600 600 0:0
  put "$r" /srv/enc/enc.yaml 600 <<'EOF'
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- resources: [secrets, configmaps]
  providers:
  - aescbc:
      keys:
      - {name: key1, secret: c2VjcmV0IGlzIHNlY3VyZSwgb3IgaXMgaXQ/}
  - identity: {}
EOF
  audit_policy_good | put "$r" /etc/kubernetes/audit/policy.yaml 600
  mkdir -p "$r/var/lib/etcd/member"
  chmod 700 "$r/var/lib/etcd"
  chown 4141:4141 "$r/var/lib/etcd"
  # the kubelet: kubeadm's unit and drop-in, flags file, config file
  put "$r" /usr/lib/systemd/system/kubelet.service 600 <<'EOF'
[Unit]
Description=kubelet: The Kubernetes Node Agent

[Service]
ExecStart=/usr/bin/kubelet
Restart=always

[Install]
WantedBy=multi-user.target
EOF
  put "$r" /usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf 600 <<'EOF'
# Note: This dropin only works with kubeadm and kubelet v1.11+
[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
# This is a file that "kubeadm init" and "kubeadm join" generates at runtime
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
EOF
  put "$r" /var/lib/kubelet/kubeadm-flags.env 600 <<'EOF'
KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.9"
EOF
  put "$r" /var/lib/kubelet/config.yaml 600 <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
cgroupDriver: systemd
readOnlyPort: 0
rotateCertificates: true
serverTLSBootstrap: true
staticPodPath: /etc/kubernetes/manifests
streamingConnectionIdleTimeout: 5m
makeIPTablesUtilChains: true
podPidsLimit: 4096
featureGates:
  RotateKubeletServerCertificate: true
tlsCipherSuites: [${good_ciphers//,/, }]
EOF
  put "$r" /etc/cni/net.d/10-flannel.conflist 600 <<<'{"name": "cbr0", "cniVersion": "0.3.1", "plugins": [{"type": "flannel"}]}'
  put "$r" /var/lib/cni/networks/cbr0/10.244.0.2 600 <<<'0123456789abcdef'
  # stand-in processes: the kubelet as kubeadm's unit starts it, kube-proxy
  fake_proc "$r" 4242 /usr/bin/kubelet --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf \
    --kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml \
    --container-runtime-endpoint=unix:///var/run/containerd/containerd.sock
  fake_proc "$r" 4343 /usr/local/bin/kube-proxy --config=/var/lib/kube-proxy/config.conf \
    --hostname-override=cp1
  put "$r" /var/lib/kube-proxy/config.conf 600 <<'EOF'
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection:
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
metricsBindAddress: 127.0.0.1:10249
mode: iptables
EOF
  kubeconfig | put "$r" /var/lib/kube-proxy/kubeconfig.conf 600
}

# A node where every setting is wrong (and modes, owners too).
build_bad() {
  local r=$1
  mkdir -p "$r"
  accounts "$r"
  apiserver_pod --advertise-address=10.0.0.1 \
    --authorization-mode=AlwaysAllow \
    --enable-admission-plugins=AlwaysAdmit \
    --disable-admission-plugins=ServiceAccount,NamespaceLifecycle \
    --token-auth-file=/etc/kubernetes/pki/tokens.csv \
    --profiling \
    --audit-log-maxage=7 --audit-log-maxbackup=2 --audit-log-maxsize=10 \
    --audit-policy-file=/etc/kubernetes/audit/policy.yaml \
    --service-account-lookup=false \
    --tls-cipher-suites=TLS_RSA_WITH_RC4_128_SHA,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 \
    --encryption-provider-config=/etc/kubernetes/enc/enc.yaml \
    --etcd-servers=http://127.0.0.1:2379 |
    put "$r" /etc/kubernetes/manifests/kube-apiserver.yaml 644 1000:1000
  simple_pod kube-controller-manager --kubeconfig=/etc/kubernetes/controller-manager.conf \
    --feature-gates=RotateKubeletServerCertificate=false,Other=true |
    put "$r" /etc/kubernetes/manifests/kube-controller-manager.yaml 644 0:1000
  simple_pod kube-scheduler --kubeconfig=/etc/kubernetes/scheduler.conf --profiling=true \
    --bind-address=0.0.0.0 | put "$r" /etc/kubernetes/manifests/kube-scheduler.yaml 640 1000:0
  simple_pod etcd --name=cp1 --data-dir=/var/lib/etcd --auto-tls --peer-auto-tls=true \
    --client-cert-auth=false --trusted-ca-file=/etc/kubernetes/pki/ca.crt |
    put "$r" /etc/kubernetes/manifests/etcd.yaml 666 0:1000
  local f
  for f in admin super-admin scheduler controller-manager kubelet; do
    kubeconfig | put "$r" "/etc/kubernetes/$f.conf" 644 1000:1000
  done
  pki "$r" 644 640 1000:0
  put "$r" /srv/enc/enc.yaml 600 <<'EOF'
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- resources: [secrets]
  providers:
  - identity: {}
  - aescbc:
      keys:
      - {name: key1, secret: c2VjcmV0IGlzIHNlY3VyZSwgb3IgaXMgaXQ/}
EOF
  put "$r" /etc/kubernetes/audit/policy.yaml 600 <<'EOF'
apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: None
EOF
  mkdir -p "$r/var/lib/etcd/member"
  chmod 755 "$r/var/lib/etcd"
  chown 0:0 "$r/var/lib/etcd"
  put "$r" /etc/systemd/system/kubelet.service 644 0:1000 <<'EOF'
[Service]
ExecStart=/usr/bin/kubelet
EOF
  put "$r" /etc/systemd/system/kubelet.service.d/10-kubeadm.conf 644 <<'EOF'
[Service]
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_CONFIG_ARGS --kubeconfig=/etc/kubernetes/kubelet.conf
EOF
  put "$r" /var/lib/kubelet/config.yaml 644 1000:1000 <<'EOF'
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: true
  x509: {}
authorization:
  mode: AlwaysAllow
readOnlyPort: 10255
rotateCertificates: false
streamingConnectionIdleTimeout: 0s
makeIPTablesUtilChains: no
featureGates: {RotateKubeletServerCertificate: false}
tlsCipherSuites: [TLS_RSA_WITH_3DES_EDE_CBC_SHA]
EOF
  put "$r" /etc/cni/net.d/10-flannel.conflist 644 1000:1000 <<<'{"name": "cbr0"}'
  fake_proc "$r" 4242 /usr/bin/kubelet --config=/var/lib/kubelet/config.yaml \
    --kubeconfig=/etc/kubernetes/kubelet.conf --hostname-override=evil-node
  fake_proc "$r" 4343 /usr/local/bin/kube-proxy --kubeconfig=/var/lib/kube-proxy/kubeconfig.conf \
    --metrics-bind-address=0.0.0.0:10249
  kubeconfig | put "$r" /var/lib/kube-proxy/kubeconfig.conf 666 1000:1000
}

status_of() { # status_of CHECK_ID [REPORT]: the statuses of its findings (default: the last report)
  jq -r --arg id "$1" '[.findings[] | select(.check_id == $id) | .status] | unique | join(",")' \
    "${2:-$LD_STDOUT_FILE}"
}

# ---- usage ---------------------------------------------------------------------------

run_ld k8s node --help
assert_exit 0
assert_stdout_contains "Usage: lockdown k8s node"
assert_stdout_contains "--host-root"
run_ld k8s node --host-root /nonexistent/root
assert_exit 2
assert_stderr_contains '--host-root "/nonexistent/root" is not a directory'
run_ld k8s node extra
assert_exit 2
run_ld k8s --help
assert_stdout_contains "node" "k8s lists the node subcommand"

# ---- the good node: every check passes ------------------------------------------------

good=$LD_TMP/good
build_good "$good"
run_ld k8s node --host-root "$good" --format json --level high
assert_exit 0 "a node with every setting right passes the gate"
for id in $ids; do
  s=$(status_of "$id")
  if [[ $s == pass ]]; then pass "good node: $id passes"; else fail "good node: $id is '$s', want pass"; fi
done
assert_json '.scope | contains("control plane: kube-apiserver (static pod") and contains("kubelet (pid 4242)")' \
  "the scope names the roles and where each component was read"
assert_json '[.findings[] | select(.check_id == "k8s.node.apiserver.anonymous-auth")][0]
  | .target.path == "/etc/kubernetes/manifests/kube-apiserver.yaml" and .target.line > 0' \
  "an API server finding points at its manifest and line"
assert_json '.findings[] | select(.check_id == "k8s.node.kubelet.anonymous-auth")
  | .evidence | contains("authentication.anonymous.enabled: false in /var/lib/kubelet/config.yaml")'
assert_json '.findings[] | select(.check_id == "k8s.node.apiserver.encryption-providers")
  | .evidence | contains("/srv/enc/enc.yaml") and contains("aescbc")' \
  "the encryption config is read through the pod's hostPath mount (/etc/kubernetes/enc -> /srv/enc)"
assert_json '.findings[] | select(.check_id == "k8s.node.apiserver.service-account-admission")
  | .evidence | contains("on by default")' "a default-on admission plugin passes by its default"
assert_json '.compliance.controls[] | select(.id == "NIST-ORC-04") | .state == "passed"' \
  "OIDC on the API server: NIST-ORC-04 passed"
assert_json '.compliance.controls[] | select(.id == "NIST-ORC-01-B") | .state == "passed"'
assert_json '.compliance.controls[] | select(.id == "NIST-ORC-08") | .state == "passed"'
assert_json '.compliance.controls[] | select(.id == "CIS-K8S-3.1.1") | .state == "not assessed" and (.owed | not)' \
  "a manual CIS item stays attested-only"

# ---- the bad node: every check fails --------------------------------------------------

bad=$LD_TMP/bad
build_bad "$bad"
# a second wrong node for the checks whose failure needs a setting the
# first one lacks: a kubelet client CA file (mode 0644, owner 1000) that is
# also etcd's trusted CA, and no encryption config at all
bad2=$LD_TMP/bad2
build_bad "$bad2"
sed -i 's#  x509: {}#  x509: {clientCAFile: /etc/kubernetes/pki/ca.crt}#' "$bad2/var/lib/kubelet/config.yaml"
sed -i '/--encryption-provider-config/d' "$bad2/etc/kubernetes/manifests/kube-apiserver.yaml"
run_ld k8s node --host-root "$bad2" --format json --level high
assert_exit 1
cp "$LD_STDOUT_FILE" "$LD_TMP/bad2.json"
run_ld k8s node --host-root "$bad" --format json --level high
assert_exit 1 "a node with every setting wrong fails the gate"
for id in $ids; do
  s=$(status_of "$id"),$(status_of "$id" "$LD_TMP/bad2.json")
  if [[ ,$s, == *,fail,* ]]; then pass "bad node: $id fails"; else fail "bad node: $id is '$s', want fail"; fi
done
assert_json '.findings[] | select(.check_id == "k8s.node.apiserver.anonymous-auth")
  | .evidence | contains("--anonymous-auth not set") and contains("default is true")' \
  "an unset flag is judged by its default, and the evidence says so"
assert_json '.findings[] | select(.check_id == "k8s.node.kubelet.iptables-util-chains")
  | .evidence | contains("makeIPTablesUtilChains: no")' "YAML 1.1 'no' read as false"
assert_json '[.findings[] | select(.check_id == "k8s.node.control-plane.pki-key-mode" and .status == "fail")] | length == 10' \
  "one failure per PKI key (10 keys with mode 0640)"
assert_json '.findings[] | select(.check_id == "k8s.node.etcd.unique-ca") | .status == "manual"' \
  "etcd's CA with no Kubernetes CA named on the node to compare: a person must look"
assert_json_file "$LD_TMP/bad2.json" '.findings[] | select(.check_id == "k8s.node.etcd.unique-ca") | .evidence | contains("same CA as the kubelet client CA")'
assert_json '.findings[] | select(.check_id == "k8s.node.apiserver.audit-policy-coverage")
  | .evidence | contains("reading Secrets not logged")'
assert_json '.compliance.controls[] | select(.id == "NIST-ORC-09") | .state == "failed"'
assert_json '.compliance.controls[] | select(.id == "CIS-K8S-2.2") | .state == "failed"'

# ---- the kubelet from its unit file when no kubelet runs ----------------------------------

unit=$LD_TMP/unit
build_good "$unit"
rm -rf "$unit/proc/4242"
run_ld k8s node --host-root "$unit" --format json --level high
assert_exit 0
assert_json '[.notes[] | select(contains("no kubelet process") and contains("10-kubeadm.conf"))] | length == 1' \
  "without a kubelet process the drop-in's ExecStart is read"
assert_json '.findings[] | select(.check_id == "k8s.node.kubelet.kubeconfig-mode") | .status == "pass" and (.evidence | contains("/etc/kubernetes/kubelet.conf"))' \
  "--kubeconfig from \$KUBELET_KUBECONFIG_ARGS (Environment=)"
assert_json '.findings[] | select(.check_id == "k8s.node.kubelet.anonymous-auth") | .status == "pass"' \
  "--config from \$KUBELET_CONFIG_ARGS: the config file was read"
# KUBELET_EXTRA_ARGS from /etc/default/kubelet (an EnvironmentFile): a flag over the config
put "$unit" /etc/default/kubelet 600 <<<'KUBELET_EXTRA_ARGS="--anonymous-auth=true --read-only-port 10255"'
run_ld k8s node --host-root "$unit" --format json --level high
assert_json '.findings[] | select(.check_id == "k8s.node.kubelet.anonymous-auth") | .status == "fail" and (.evidence | contains("--anonymous-auth=true"))' \
  "a flag from the environment file wins over the config file"
assert_json '.findings[] | select(.check_id == "k8s.node.kubelet.read-only-port") | .status == "fail" and (.evidence | contains("--read-only-port=10255"))' \
  "--flag VALUE form"
assert_json '.findings[] | select(.check_id == "k8s.node.kubelet.anonymous-auth") | .target.path | endswith("10-kubeadm.conf")' \
  "a finding about the unit's command line points at the file holding ExecStart="

# ---- kubelet defaults without a config file ----------------------------------------------

noconf=$LD_TMP/noconf
build_good "$noconf"
fake_proc "$noconf" 4242 /usr/bin/kubelet --kubeconfig=/etc/kubernetes/kubelet.conf
run_ld k8s node --host-root "$noconf" --format json --level high
for id in anonymous-auth authorization-mode read-only-port; do
  assert_json ".findings[] | select(.check_id == \"k8s.node.kubelet.$id\") | .status == \"fail\" and (.evidence | contains(\"flag default\"))" \
    "kubelet without --config: $id judged by the flag default"
done
assert_json '.findings[] | select(.check_id == "k8s.node.kubelet.config-mode") | .status == "skipped"'

# ---- structured authentication and authorization files ------------------------------------

sa=$LD_TMP/structured
build_good "$sa"
sed -i -e 's#    - --anonymous-auth=false#    - --authentication-config=/etc/kubernetes/pki/authn.yaml#' \
  -e 's#    - --authorization-mode=Node,RBAC#    - --authorization-config=/etc/kubernetes/pki/authz.yaml#' \
  -e '/--oidc-/d' "$sa/etc/kubernetes/manifests/kube-apiserver.yaml"
put "$sa" /etc/kubernetes/pki/authn.yaml 600 <<'EOF'
apiVersion: apiserver.config.k8s.io/v1beta1
kind: AuthenticationConfiguration
anonymous:
  enabled: true
  conditions:
  - path: /livez
  - path: /readyz
jwt:
- issuer:
    url: https://dex.example.com
    audiences: [kubernetes]
  claimMappings:
    username: {claim: email, prefix: ""}
EOF
put "$sa" /etc/kubernetes/pki/authz.yaml 600 <<'EOF'
apiVersion: apiserver.config.k8s.io/v1beta1
kind: AuthorizationConfiguration
authorizers:
- {type: Node, name: node}
- {type: Webhook, name: opa, webhook: {timeout: 3s}}
EOF
run_ld k8s node --host-root "$sa" --format json --level high
assert_eq warn "$(status_of k8s.node.apiserver.anonymous-auth)" "anonymous limited to health paths: needs review"
assert_eq pass "$(status_of k8s.node.apiserver.oidc)" "OIDC from the AuthenticationConfiguration's jwt"
assert_eq pass "$(status_of k8s.node.apiserver.authorization-node)" "Node from the AuthorizationConfiguration"
assert_eq fail "$(status_of k8s.node.apiserver.authorization-rbac)" "no RBAC authorizer"

# ---- encryption providers -------------------------------------------------------------------

enc_case() { # enc_case FIRST_PROVIDER_YAML WANT DESC
  cat >"$good/srv/enc/enc.yaml" <<EOF
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- resources: ["*.*"]
  providers:
  - $1
  - identity: {}
EOF
  run_ld k8s node --host-root "$good" --format json --check k8s.node.apiserver.encryption-providers
  assert_eq "$2" "$(status_of k8s.node.apiserver.encryption-providers)" "$3"
}
enc_case 'kms: {apiVersion: v2, name: vault, endpoint: "unix:///kms.sock"}' pass "kms v2 for *.*"
enc_case 'secretbox: {keys: [{name: k, secret: YWJj}]}' pass "secretbox"
enc_case 'aesgcm: {keys: [{name: k, secret: YWJj}]}' warn "aesgcm: encrypted, needs review"
enc_case 'identity: {}' fail "identity first: not encrypted"
printf 'apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [configmaps]\n  providers: [{aescbc: {keys: [{name: k, secret: YWJj}]}}]\n' \
  >"$good/srv/enc/enc.yaml"
run_ld k8s node --host-root "$good" --format json --check k8s.node.apiserver.encryption-providers
assert_eq fail "$(status_of k8s.node.apiserver.encryption-providers)" "secrets named nowhere: not encrypted"
printf 'apiVersion: [' >"$good/srv/enc/enc.yaml"
run_ld k8s node --host-root "$good" --format json --check k8s.node.apiserver.encryption-providers
assert_eq error "$(status_of k8s.node.apiserver.encryption-providers)" "a broken file is an error, not a pass"
rm "$good/srv/enc/enc.yaml"
run_ld k8s node --host-root "$good" --format json --check 1.2.28
assert_exit 1 "a missing encryption config fails closed"
assert_eq error "$(status_of k8s.node.apiserver.encryption-providers)"
# a path not on a hostPath mount: inside the image, not readable from the node
sed -i 's#--encryption-provider-config=/etc/kubernetes/enc/enc.yaml#--encryption-provider-config=/opt/config/enc.yaml#' \
  "$good/etc/kubernetes/manifests/kube-apiserver.yaml"
run_ld k8s node --host-root "$good" --format json --check 1.2.28
assert_json '.findings[] | select(.check_id == "k8s.node.apiserver.encryption-providers") | .status == "error" and (.evidence | contains("not a hostPath"))'

# ---- audit policy variants -------------------------------------------------------------------

build_good "$LD_TMP/audit"
put "$LD_TMP/audit" /etc/kubernetes/audit/policy.yaml 600 <<'EOF'
apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: RequestResponse
  resources: [{group: "", resources: ["secrets"]}]
- level: Metadata
  namespaces: [kube-system]
- level: Metadata
  verbs: [get, list, watch]
EOF
run_ld k8s node --host-root "$LD_TMP/audit" --format json --check '3.2.*'
assert_eq pass "$(status_of k8s.node.apiserver.audit-policy)"
assert_json '.findings[] | select(.check_id == "k8s.node.apiserver.audit-policy-coverage")
  | .status == "fail" and (.evidence | contains("reading Secrets logged at RequestResponse (rules[0])"))
    and (.evidence | contains("creating Pods not logged (no rule matches)"))
    and (.evidence | contains("reading ConfigMaps") | not)' \
  "first matching rule wins; a namespace-limited rule covers nothing in general"

# ---- etcd's CA, from the environment -------------------------------------------------------

build_good "$LD_TMP/etcdenv"
sed -i -e '/--client-cert-auth=true/d' -e '/--trusted-ca-file/d' \
  -e 's#^    image: registry.k8s.io/etcd:.*#&\n    env:\n    - {name: ETCD_CLIENT_CERT_AUTH, value: "true"}\n    - {name: ETCD_TRUSTED_CA_FILE, value: /etc/kubernetes/pki/etcd/ca.crt}#' \
  "$LD_TMP/etcdenv/etc/kubernetes/manifests/etcd.yaml"
run_ld k8s node --host-root "$LD_TMP/etcdenv" --format json --check '2.*'
assert_json '.findings[] | select(.check_id == "k8s.node.etcd.client-cert-auth") | .status == "pass" and (.evidence | contains("ETCD_CLIENT_CERT_AUTH=true"))' \
  "etcd reads ETCD_* variables when the flag is not given"
assert_eq pass "$(status_of k8s.node.etcd.unique-ca)"
# the same certificate under another name is the same CA
cp "$LD_TMP/etcdenv/etc/kubernetes/pki/ca.crt" "$LD_TMP/etcdenv/etc/kubernetes/pki/etcd/ca.crt"
run_ld k8s node --host-root "$LD_TMP/etcdenv" --format json --check '2.7'
assert_eq fail "$(status_of k8s.node.etcd.unique-ca)" "a copy of the cluster CA is not etcd's own"

# ---- what cannot be read is never a pass -------------------------------------------------------

ur=$LD_TMP/unread
build_good "$ur"
printf 'apiVersion: v1\nkind: Pod\nspec: [' >"$ur/etc/kubernetes/manifests/kube-scheduler.yaml"
printf 'kind: [' >"$ur/var/lib/kubelet/config.yaml"
run_ld k8s node --host-root "$ur" --format json --level high
assert_exit 1 "unread inputs fail the gate closed"
assert_eq error "$(status_of k8s.node.scheduler.profiling)" "an unparsable scheduler manifest: its checks are errors"
assert_eq pass "$(status_of k8s.node.scheduler.manifest-mode)" "its file mode is still judged"
assert_eq error "$(status_of k8s.node.kubelet.read-only-port)" "an unparsable kubelet config: errors, not defaults"
assert_eq pass "$(status_of k8s.node.kubelet.hostname-override)" "a command-line-only setting is still judged"

# symlinks never lead out of the host root
sl=$LD_TMP/symlink
build_good "$sl"
mkdir -p "$LD_TMP/outside"
printf 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n' >"$LD_TMP/outside/policy.yaml"
rm "$sl/etc/kubernetes/audit/policy.yaml"
ln -s "$LD_TMP/outside/policy.yaml" "$sl/etc/kubernetes/audit/policy.yaml"
run_ld k8s node --host-root "$sl" --format json --check '3.2.1'
assert_eq error "$(status_of k8s.node.apiserver.audit-policy)" "an absolute symlink resolves inside the root (to nothing)"
ln -sf ../../../../outside/policy.yaml "$sl/etc/kubernetes/audit/policy.yaml"
run_ld k8s node --host-root "$sl" --format json --check '3.2.1'
assert_eq error "$(status_of k8s.node.apiserver.audit-policy)" "a relative symlink cannot climb out of the root"

# ---- a containerized kube-proxy on this machine (live /proc) ------------------------------------
# A process in a container names paths in its own root: they are read
# through /proc/PID/root. The stand-in: bash in a chroot of its own (bash
# and its libraries copied there), started as /usr/local/bin/kube-proxy with
# a --config only that chroot holds, blocked on a FIFO until the test ends.

if [[ $(id -u) == 0 ]] && command -v ldd >/dev/null && [[ ! -e /var/lib/kube-proxy ]]; then
  cr=$LD_TMP/proxyroot
  mkdir -p "$cr/bin"
  cp /bin/bash "$cr/bin/bash"
  for lib in $(ldd /bin/bash | grep -oE '/[^ ]+'); do
    mkdir -p "$cr$(dirname "$lib")"
    cp -L "$lib" "$cr$lib"
  done
  mkfifo "$cr/hold"
  printf '%s\n' 'apiVersion: kubeproxy.config.k8s.io/v1alpha1' 'kind: KubeProxyConfiguration' \
    'clientConnection:' '  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf' \
    'metricsBindAddress: 0.0.0.0:10249' | put "$cr" /var/lib/kube-proxy/config.conf 600
  kubeconfig | put "$cr" /var/lib/kube-proxy/kubeconfig.conf 644
  chroot "$cr" /bin/bash -c 'exec -a /usr/local/bin/kube-proxy /bin/bash -c "read -r x </hold" \
    --config=/var/lib/kube-proxy/config.conf' &
  proxy_pid=$!
  ld_on_exit "kill $proxy_pid"
  for _ in $(seq 50); do
    [[ $(tr '\0' ' ' <"/proc/$proxy_pid/cmdline" 2>/dev/null) == /usr/local/bin/kube-proxy* ]] && break
    sleep 0.1
  done
  run_ld k8s node --format json --level high --check 'k8s.node.proxy.*'
  assert_json ".findings[] | select(.check_id == \"k8s.node.proxy.metrics-bind-address\")
    | .status == \"fail\" and .target.path == \"/var/lib/kube-proxy/config.conf\"
      and (.evidence | contains(\"0.0.0.0:10249\") and contains(\"kube-proxy pid $proxy_pid\"))" \
    "live node: kube-proxy's config file is read in the process's own root"
  assert_json ".findings[] | select(.check_id == \"k8s.node.proxy.kubeconfig-mode\")
    | .status == \"fail\" and (.evidence | contains(\"in the file system of kube-proxy pid $proxy_pid\"))" \
    "live node: its kubeconfig too, and the evidence says whose file system"
  printf 'done\n' >"$cr/hold"
  wait "$proxy_pid" 2>/dev/null
else
  skip_part --optional "not root, no ldd, or this machine has a /var/lib/kube-proxy of its own"
fi

# ---- no Kubernetes: every check not applicable, exit 0 -------------------------------------------

none=$LD_TMP/none
mkdir -p "$none/etc" "$none/proc/1"
printf '/sbin/init\0' >"$none/proc/1/cmdline"
run_ld k8s node --host-root "$none" --format json --level high
assert_exit 0 "no Kubernetes on the machine is not an error"
assert_json '[.findings[] | select(.check_id | startswith("k8s.node."))] | length == 0'
assert_json '[.compliance.controls[] | select(.id | startswith("CIS-K8S-1.") or startswith("CIS-K8S-2.") or startswith("CIS-K8S-4."))
  | select(.id != "CIS-K8S-1.2.20" and .id != "CIS-K8S-4.2.8")] | length > 80 and all(.state == "not applicable")' \
  "every automated node control is not applicable"
assert_json '.scope | contains("no Kubernetes component found")'

# a worker only: control-plane checks not applicable, kubelet checks judged
wk=$LD_TMP/worker
build_good "$wk"
rm -rf "$wk/etc/kubernetes/manifests" "$wk/etc/kubernetes/pki" "$wk"/etc/kubernetes/{admin,super-admin,scheduler,controller-manager}.conf
sed -i 's#/etc/kubernetes/pki/ca.crt#/etc/kubernetes/ca.crt#' "$wk/var/lib/kubelet/config.yaml"
put "$wk" /etc/kubernetes/ca.crt 600 <<<"-----BEGIN CERTIFICATE----- ca"
run_ld k8s node --host-root "$wk" --format json --level high
assert_exit 0
assert_json '[.findings[] | select(.check_id | startswith("k8s.node.apiserver.") or startswith("k8s.node.etcd.") or startswith("k8s.node.control-plane."))] | length == 0' \
  "no control-plane findings on a worker"
assert_json '.compliance.controls[] | select(.id == "CIS-K8S-1.2.1") | .state == "not applicable" and (.reason | contains("no kube-apiserver on this node"))'
assert_json '.compliance.controls[] | select(.id == "CIS-K8S-4.2.1") | .state == "passed"'
