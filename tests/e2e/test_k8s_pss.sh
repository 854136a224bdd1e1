#!/usr/bin/env bash
# End-to-end: `lockdown k8s scan` judging Pod Security Standards (pss.*) on
# manifests this script writes: `--check 'pss.*'` is the admission verdict
# (exit 0 when every object would be admitted, 1 when one would be denied),
# each namespace at the level its pod-security.kubernetes.io/enforce label
# names, else at the level lockdown's --level maps to (low/medium ->
# baseline, high -> restricted), --pss and --pss-version forcing them;
# version boundaries both ways (a pod admitted at v1.22 and denied at
# latest, and one denied at v1.28 and admitted at latest); containers,
# initContainers and ephemeralContainers; findings at the file and line of
# the offending node with the field path in the evidence; stdin, a
# directory of files, JSON manifests; usage errors. No API server runs here:
# the verdicts expected are the admission's documented rules, written out.
set -uo pipefail
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"

require_cmd jq
d=$LD_TMP/m
mkdir -p "$d"

# the "check_id:line" of every failing finding, sorted
fails() { jq -r '[.findings[] | select(.status == "fail") | "\(.check_id):\(.target.line)"] | sort | .[]' "$LD_STDOUT_FILE"; }
# line of the first line of FILE matching ERE
line_of() { grep -nE -- "$2" "$1" | head -n1 | cut -d: -f1; }

ns() { # ns NAME [LABEL=VALUE...] — a Namespace document
    printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n' "$1"
    shift
    if (($#)); then
        printf '  labels:\n'
        local l
        for l in "$@"; do printf '    %s: "%s"\n' "${l%%=*}" "${l#*=}"; done
    fi
    printf -- '---\n'
}

# A Deployment in namespace $1 that meets restricted: pod-level runAsNonRoot
# and seccomp inherited by the container, which drops ALL and forbids
# escalation. $2 (optional) is appended to the container's securityContext.
good_deploy() {
    cat <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: $1
spec:
  template:
    metadata:
      labels:
        app: web
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
      - name: app
        image: registry.example/web:1.0
        securityContext:
          allowPrivilegeEscalation: false
          capabilities:
            drop: ["ALL"]
${2:-}
EOF
}

# ---- the admission verdict: admitted -> 0, denied -> 1 ------------------------
{ ns prod pod-security.kubernetes.io/enforce=restricted; good_deploy prod; } >"$d/ok.yaml"
run_ld k8s scan --check 'pss.*' --format json "$d/ok.yaml"
assert_exit 0 "restricted pod in a restricted namespace is admitted"
assert_json '[.findings[] | select(.check_id | startswith("pss."))] | length == 18' "one verdict per policy"
assert_json '[.findings[] | select(.status != "pass")] | length == 0' "every policy passes"
assert_json '.findings[] | select(.check_id == "pss.privileged") | .evidence | test("1 pod spec allowed")' "what was judged"

# one field wrong: privileged in the same object; the finding points at its line
{ ns prod pod-security.kubernetes.io/enforce=restricted
  good_deploy prod "          privileged: true"; } >"$d/priv.yaml"
run_ld k8s scan --check 'pss.*' --format json "$d/priv.yaml"
assert_exit 1 "a privileged container is denied"
assert_eq "pss.privileged:$(line_of "$d/priv.yaml" 'privileged: true')" "$(fails)" "exactly one failure, at the line of privileged: true"
assert_json '.findings[] | select(.status == "fail") | .evidence | contains("spec.template.spec.containers[0].securityContext.privileged: true (container \"app\")")' "field path and value"
assert_json '.findings[] | select(.status == "fail") | .evidence | contains("its pods would be denied at restricted:latest (v1.37) (namespace \"prod\": label pod-security.kubernetes.io/enforce=restricted)")' "level, version and where they came from"
assert_json '.findings[] | select(.status == "fail") | .target.id == "Deployment/prod/web" and .control_id == "CIS-K8S-5.2.2"' "target and CIS control"
# the table names file and line too
run_ld k8s scan --check 'pss.*' "$d/priv.yaml"
assert_exit 1 "table report, same verdict"
assert_stdout_contains "file: $d/priv.yaml:$(line_of "$d/priv.yaml" 'privileged: true')"

# ---- levels per namespace -------------------------------------------------------
# a Pod that meets baseline but not restricted, in an unlabelled namespace
cat >"$d/plain.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: plain
  namespace: apps
spec:
  containers:
  - name: app
    image: registry.example/app:1.0
EOF
run_ld k8s scan --check 'pss.*' --level medium --format json "$d/plain.yaml"
assert_exit 0 "no label, level medium -> baseline: admitted"
assert_json '.findings[] | select(.check_id == "pss.running-as-non-root") | .status == "skipped"' "a restricted policy is not applicable at baseline"
run_ld k8s scan --check 'pss.*' --level high --format json "$d/plain.yaml"
assert_exit 1 "no label, level high -> restricted: denied"
assert_json '[.findings[] | select(.status == "fail") | .check_id] | sort == ["pss.capabilities-restricted","pss.privilege-escalation","pss.running-as-non-root","pss.seccomp-restricted"]' "the four restricted policies a bare pod misses"
assert_json '.findings[] | select(.check_id == "pss.running-as-non-root" and .status == "fail") | .evidence | contains("no Namespace object in the inputs: lockdown level high maps to restricted")' "the mapping is in the evidence"
run_ld k8s scan --check 'pss.*' --level low --format json "$d/plain.yaml"
assert_exit 0 "level low -> baseline: admitted"
# --pss forces a level everywhere, also over a label
{ ns apps pod-security.kubernetes.io/enforce=baseline; cat "$d/plain.yaml"; } >"$d/labelled.yaml"
run_ld k8s scan --check 'pss.*' --level high "$d/labelled.yaml"
assert_exit 0 "the enforce label (baseline) wins over lockdown's level"
run_ld k8s scan --check 'pss.*' --pss restricted --format json "$d/labelled.yaml"
assert_exit 1 "--pss restricted over a baseline label"
assert_json '.findings[] | select(.check_id == "pss.privilege-escalation" and .status == "fail") | .evidence | contains("--pss restricted")'
# privileged: nothing is judged, and the notes say so
{ ns infra pod-security.kubernetes.io/enforce=privileged
  sed 's/namespace: apps/namespace: infra/' "$d/plain.yaml"
  printf '    securityContext:\n      privileged: true\n'; } >"$d/infra.yaml"
run_ld k8s scan --check 'pss.*' --level high --format json "$d/infra.yaml"
assert_exit 0 "a privileged namespace admits a privileged container"
assert_json '.notes | any(contains("namespace \"infra\" not judged"))' "and the report says it was not judged"
# an invalid level label fails closed: restricted
{ ns apps pod-security.kubernetes.io/enforce=Baseline; cat "$d/plain.yaml"; } >"$d/badlabel.yaml"
run_ld k8s scan --check 'pss.*' --level low --format json "$d/badlabel.yaml"
assert_exit 1 "an invalid enforce label is restricted"
assert_json 'any(.findings[]; .status == "fail" and (.evidence | contains("fails closed")))'

# ---- version boundaries, both ways --------------------------------------------
# runAsUser: 0 with runAsNonRoot: true: the runAsUser rule arrived in v1.23
cat >"$d/root.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: root
  namespace: secure
spec:
  securityContext:
    runAsNonRoot: true
    runAsUser: 0
    seccompProfile:
      type: RuntimeDefault
  containers:
  - name: app
    image: registry.example/app:1.0
    securityContext:
      allowPrivilegeEscalation: false
      capabilities:
        drop: ["ALL"]
EOF
run_ld k8s scan --check 'pss.*' --pss restricted --pss-version v1.22 "$d/root.yaml"
assert_exit 0 "runAsUser 0 admitted at restricted:v1.22"
run_ld k8s scan --check 'pss.*' --pss restricted --format json "$d/root.yaml"
assert_exit 1 "runAsUser 0 denied at restricted:latest"
assert_eq "pss.running-as-non-root-user:$(line_of "$d/root.yaml" 'runAsUser: 0')" "$(fails)" "the runAsUser line"
# the same through the namespace's enforce-version label
{ ns secure pod-security.kubernetes.io/enforce=restricted pod-security.kubernetes.io/enforce-version=v1.22
  cat "$d/root.yaml"; } >"$d/root-pinned.yaml"
run_ld k8s scan --check 'pss.*' "$d/root-pinned.yaml"
assert_exit 0 "enforce-version v1.22 label"
# sysctl net.ipv4.tcp_keepalive_time became safe in v1.29
cat >"$d/sysctl.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: keepalive
  namespace: apps
spec:
  securityContext:
    sysctls:
    - name: net.ipv4.tcp_keepalive_time
      value: "60"
  containers:
  - name: app
    image: registry.example/app:1.0
EOF
run_ld k8s scan --check 'pss.*' --pss baseline --pss-version v1.28 --format json "$d/sysctl.yaml"
assert_exit 1 "tcp_keepalive_time denied at baseline:v1.28"
assert_json '.findings[] | select(.status == "fail") | .evidence | contains("spec.securityContext.sysctls[0].name: \"net.ipv4.tcp_keepalive_time\" (safe only from v1.29)")'
run_ld k8s scan --check 'pss.*' --pss baseline --pss-version v1.29 "$d/sysctl.yaml"
assert_exit 0 "admitted at baseline:v1.29"
run_ld k8s scan --check 'pss.*' --pss baseline "$d/sysctl.yaml"
assert_exit 0 "admitted at baseline:latest"
run_ld k8s scan --check 'pss.*' --pss baseline --pss-version v1.99 --format json "$d/sysctl.yaml"
assert_exit 0 "a future version is judged as the newest lockdown knows"

# ---- all three container lists ---------------------------------------------------
cat >"$d/lists.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: lists
  namespace: apps
spec:
  initContainers:
  - name: init
    image: registry.example/init:1.0
    ports:
    - containerPort: 53
      hostPort: 53
  containers:
  - name: app
    image: registry.example/app:1.0
  ephemeralContainers:
  - name: debugger
    image: registry.example/debug:1.0
    securityContext:
      capabilities:
        add: ["SYS_PTRACE"]
EOF
run_ld k8s scan --check 'pss.*' --pss baseline --format json "$d/lists.yaml"
assert_exit 1 "init and ephemeral containers are judged"
assert_eq "$(printf 'pss.capabilities-baseline:%s\npss.host-ports:%s' "$(line_of "$d/lists.yaml" 'SYS_PTRACE')" "$(line_of "$d/lists.yaml" 'hostPort: 53')")" "$(fails)" "both findings at their lines"
assert_json 'any(.findings[]; .evidence | contains("spec.ephemeralContainers[0].securityContext.capabilities.add[0]: \"SYS_PTRACE\" (container \"debugger\")"))'
assert_json 'any(.findings[]; .evidence | contains("spec.initContainers[0].ports[0].hostPort: 53 (container \"init\")"))'

# ---- inputs: stdin, a directory, JSON ----------------------------------------------
LD_STDIN=$d/priv.yaml run_ld k8s scan --check 'pss.*' --format json -
assert_exit 1 "stdin"
assert_json '.findings[] | select(.status == "fail") | .target.path == "-"' "stdin is named -"
mkdir -p "$d/dir"
ns prod pod-security.kubernetes.io/enforce=restricted >"$d/dir/00-ns.yaml"
good_deploy prod >"$d/dir/10-web.yaml"
cp "$d/plain.yaml" "$d/dir/20-plain.yaml"
sed -i 's/namespace: apps/namespace: prod/' "$d/dir/20-plain.yaml"
run_ld k8s scan --check 'pss.*' --format json "$d/dir"
assert_exit 1 "a label in one file applies to objects in another"
assert_json '[.findings[] | select(.status == "fail") | .target.path] | unique == ["'"$d/dir/20-plain.yaml"'"]' "only the bare pod fails"
cat >"$d/win.json" <<'EOF'
{"apiVersion": "v1", "kind": "List", "items": [
 {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "win", "namespace": "w"},
  "spec": {"os": {"name": "windows"},
           "securityContext": {"runAsNonRoot": true},
           "containers": [{"name": "app", "image": "registry.example/win:1.0"}]}}]}
EOF
run_ld k8s scan --check 'pss.*' --pss restricted --format json "$d/win.json"
assert_exit 0 "a Windows pod is exempt from the Linux-only restricted policies (v1.25+)"
run_ld k8s scan --check 'pss.*' --pss restricted --pss-version v1.24 "$d/win.json"
assert_exit 1 "but not at v1.24"

# ---- usage --------------------------------------------------------------------------
run_ld k8s scan --pss strict "$d/ok.yaml"
assert_exit 2 "--pss strict"
assert_stderr_contains "--pss"
run_ld k8s scan --pss-version 1.25 "$d/ok.yaml"
assert_exit 2 "--pss-version without v"
