#!/usr/bin/env bash
# aws-export.sh — exports, with your own AWS CLI and read-only calls, everything
# `lockdown aws scan DIR` reads (ECS, ECR, EKS) into a new directory, one file
# per call as the CLI prints it. It is not a scanner and changes nothing in the
# account: every call is a List*/Describe*/Get* call.
#
#   bash scripts/aws-export.sh --region us-east-1 [--profile P] OUTDIR
#   lockdown aws scan OUTDIR
#
# Options: --region R, --profile P (else the CLI's own defaults: AWS_PROFILE,
# AWS_REGION ...), --endpoint-url URL and --ca-bundle FILE (passed to every
# call: VPC endpoints, a test stand-in), --services ecs,ecr,eks (default all).
#
# Calls, per service:
#   ecs  list-clusters → describe-clusters --include SETTINGS CONFIGURATIONS;
#        list-services per cluster → describe-services (batches of 10);
#        list-task-definition-families --status ACTIVE → describe-task-definition
#        FAMILY --include TAGS (the newest ACTIVE revision), then every task
#        definition a service uses that is not one of those
#   ecr  describe-repositories; per repository get-lifecycle-policy and
#        get-repository-policy (a repository without one: the CLI's error line in
#        NAME.err, which lockdown reads as "no policy");
#        get-registry-scanning-configuration, describe-registry,
#        describe-pull-through-cache-rules
#   eks  list-clusters → describe-cluster; list-nodegroups → describe-nodegroup;
#        ec2 describe-launch-template-versions for the launch templates the node
#        groups name; list-addons → describe-addon; describe-addon-versions
#        --addon-name N --kubernetes-version V (once per add-on and version)
#
# Layout: OUTDIR/{ecs,ecr,eks}/...; a name from AWS (which may hold ':' and '/')
# becomes a file name by percent-encoding every byte outside [A-Za-z0-9._~-]
# (and a leading '.', so nothing is hidden): different names never share a file.
#
# Any failing call other than "this repository has no lifecycle/repository
# policy" stops the export with the CLI's message (nothing is silently left
# out: a partial export would make lockdown judge less than the account holds).
# OUTDIR must not exist or be empty; it is created mode 0700 and files 0600
# because task definitions can hold plain-text environment values. Nothing else
# is written: no credentials, no CLI debug output.
set -euo pipefail
umask 077

prog=aws-export
die() { echo "$prog: error: $*" >&2; exit 1; }
say() { echo "$prog: $*" >&2; }

usage() {
  sed -n '2,12p' "${BASH_SOURCE[0]}" | sed -e 's/^# \{0,1\}//'
}

region='' profile='' endpoint='' ca_bundle='' services='ecs,ecr,eks' out=''
while (($#)); do
  case $1 in
    --region) (($# >= 2)) || die "--region needs a value"; region=$2; shift 2 ;;
    --profile) (($# >= 2)) || die "--profile needs a value"; profile=$2; shift 2 ;;
    --endpoint-url) (($# >= 2)) || die "--endpoint-url needs a value"; endpoint=$2; shift 2 ;;
    --ca-bundle) (($# >= 2)) || die "--ca-bundle needs a value"; ca_bundle=$2; shift 2 ;;
    --services) (($# >= 2)) || die "--services needs a value"; services=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    --) shift; break ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) [[ -z $out ]] || die "one OUTDIR only ('$out' and '$1')"; out=$1; shift ;;
  esac
done
if (($#)); then
  [[ -z $out && $# -eq 1 ]] || die "one OUTDIR only"
  out=$1
fi
[[ -n $out ]] || die "missing OUTDIR (see --help)"
command -v aws >/dev/null 2>&1 || die "the AWS CLI ('aws') is not installed"
command -v jq >/dev/null 2>&1 || die "jq is not installed"
want_ecs=0 want_ecr=0 want_eks=0
IFS=',' read -r -a _svc <<<"$services"
for s in "${_svc[@]}"; do
  case $s in
    ecs) want_ecs=1 ;; ecr) want_ecr=1 ;; eks) want_eks=1 ;;
    *) die "--services: unknown service '$s' (ecs, ecr, eks)" ;;
  esac
done
if [[ -e $out ]]; then
  [[ -d $out ]] || die "$out: exists and is not a directory"
  [[ -z $(ls -A "$out") ]] || die "$out: not empty (export into a new directory, so two exports never mix)"
fi
mkdir -p "$out"
chmod 700 "$out"

# The CLI's common options; no pager, JSON output, the CLI paginates lists itself.
export AWS_PAGER=''
common=(--output json)
[[ -n $region ]] && common+=(--region "$region")
[[ -n $profile ]] && common+=(--profile "$profile")
[[ -n $endpoint ]] && common+=(--endpoint-url "$endpoint")
[[ -n $ca_bundle ]] && common+=(--ca-bundle "$ca_bundle")

calls=0
errf=$(mktemp "${TMPDIR:-/tmp}/aws-export.XXXXXX")
trap 'rm -f "$errf"' EXIT

# safe_name NAME — a file name for an AWS name (percent-encoded, never hidden).
safe_name() {
  local s
  s=$(jq -rn --arg s "$1" '$s | @uri')
  [[ $s == .* ]] && s="%2E${s:1}"
  printf '%s' "$s"
}

# call FILE SERVICE OPERATION [ARG...] — runs one call, its JSON to FILE; stops
# with the CLI's message when it fails.
call() {
  local file=$1 rc=0
  shift
  calls=$((calls + 1))
  aws "${common[@]}" "$@" >"$file" 2>"$errf" || rc=$?
  if ((rc != 0)); then
    rm -f "$file"
    die "aws $1 $2 failed (exit $rc): $(tr -s '\n' ' ' <"$errf" | head -c 1000)"
  fi
  [[ -s $file ]] || echo '{}' >"$file" # a call with no output member prints nothing
}

# call_policy BASE EXCEPTION SERVICE OPERATION [ARG...] — like call, to BASE.json;
# when the CLI says EXCEPTION (no such policy), its error text goes to BASE.err.
call_policy() {
  local base=$1 exc=$2 rc=0
  shift 2
  calls=$((calls + 1))
  aws "${common[@]}" "$@" >"$base.json" 2>"$errf" || rc=$?
  ((rc == 0)) && return 0
  rm -f "$base.json"
  if grep -q "($exc)" "$errf"; then
    grep -v '^[[:space:]]*$' "$errf" >"$base.err"
    return 0
  fi
  die "aws $1 $2 failed (exit $rc): $(tr -s '\n' ' ' <"$errf" | head -c 1000)"
}

# jq_list FILE FILTER — the strings FILTER yields, one a line.
jq_list() { jq -r "$2 | select(type == \"string\")" "$1"; }

export_ecs() {
  local d=$out/ecs tmp cluster c n i batch file fam arn
  local -a clusters services tds=()
  local -A seen=()
  mkdir -p "$d/clusters" "$d/services" "$d/task-definitions"
  tmp=$d/.list.json
  call "$tmp" ecs list-clusters
  mapfile -t clusters < <(jq_list "$tmp" '.clusterArns[]?')
  for ((i = 0; i < ${#clusters[@]}; i += 100)); do
    call "$d/clusters/clusters-$(printf '%04d' $((i / 100 + 1))).json" ecs describe-clusters \
      --include SETTINGS CONFIGURATIONS --clusters "${clusters[@]:i:100}"
  done
  for cluster in "${clusters[@]}"; do
    c=$(safe_name "${cluster##*/}")
    call "$tmp" ecs list-services --cluster "$cluster"
    mapfile -t services < <(jq_list "$tmp" '.serviceArns[]?')
    for ((i = 0; i < ${#services[@]}; i += 10)); do
      batch=$(printf '%04d' $((i / 10 + 1)))
      file=$d/services/$c-$batch.json
      call "$file" ecs describe-services --cluster "$cluster" --services "${services[@]:i:10}"
      mapfile -t -O "${#tds[@]}" tds < <(jq_list "$file" '.services[]?.taskDefinition')
    done
  done
  # the newest ACTIVE revision of every family, then what services use besides
  call "$tmp" ecs list-task-definition-families --status ACTIVE
  local -a families
  mapfile -t families < <(jq_list "$tmp" '.families[]?')
  for fam in "${families[@]}"; do
    file=$d/task-definitions/.new.json
    call "$file" ecs describe-task-definition --task-definition "$fam" --include TAGS
    arn=$(jq -r '.taskDefinition.taskDefinitionArn // empty' "$file")
    n=$(jq -r '.taskDefinition | "\(.family):\(.revision)"' "$file")
    [[ -n $arn ]] && seen[$arn]=1
    mv "$file" "$d/task-definitions/$(safe_name "$n").json"
  done
  for arn in "${tds[@]}"; do
    [[ -n ${seen[$arn]:-} ]] && continue
    seen[$arn]=1
    file=$d/task-definitions/.new.json
    call "$file" ecs describe-task-definition --task-definition "$arn" --include TAGS
    n=$(jq -r '.taskDefinition | "\(.family):\(.revision)"' "$file")
    mv "$file" "$d/task-definitions/$(safe_name "$n").json"
  done
  rm -f "$tmp"
}

export_ecr() {
  local d=$out/ecr repo reg n
  mkdir -p "$d/lifecycle-policies" "$d/repository-policies"
  call "$d/repositories.json" ecr describe-repositories
  while IFS=$'\x1f' read -r repo reg; do
    [[ -n $repo ]] || continue
    n=$(safe_name "$repo")
    local -a which=(--repository-name "$repo")
    [[ -n $reg ]] && which+=(--registry-id "$reg")
    call_policy "$d/lifecycle-policies/$n" LifecyclePolicyNotFoundException \
      ecr get-lifecycle-policy "${which[@]}"
    call_policy "$d/repository-policies/$n" RepositoryPolicyNotFoundException \
      ecr get-repository-policy "${which[@]}"
  done < <(jq -r '.repositories[]? | [.repositoryName // "", .registryId // ""] | join("\u001f")' "$d/repositories.json")
  call "$d/registry-scanning-configuration.json" ecr get-registry-scanning-configuration
  call "$d/registry.json" ecr describe-registry
  call "$d/pull-through-cache-rules.json" ecr describe-pull-through-cache-rules
}

export_eks() {
  local d=$out/eks tmp cluster c cd ng a ver lt_id lt_name lt_ver key file
  local -a clusters nodegroups addons
  local -A done_lt=() done_av=()
  mkdir -p "$d"
  tmp=$d/.list.json
  call "$tmp" eks list-clusters
  mapfile -t clusters < <(jq_list "$tmp" '.clusters[]?')
  for cluster in "${clusters[@]}"; do
    c=$(safe_name "$cluster")
    cd=$d/clusters/$c
    mkdir -p "$cd/nodegroups" "$cd/addons" "$d/launch-templates" "$d/addon-versions"
    call "$cd/cluster.json" eks describe-cluster --name "$cluster"
    ver=$(jq -r '.cluster.version // empty' "$cd/cluster.json")
    call "$tmp" eks list-nodegroups --cluster-name "$cluster"
    mapfile -t nodegroups < <(jq_list "$tmp" '.nodegroups[]?')
    for ng in "${nodegroups[@]}"; do
      file=$cd/nodegroups/$(safe_name "$ng").json
      call "$file" eks describe-nodegroup --cluster-name "$cluster" --nodegroup-name "$ng"
      # fields joined by US (0x1f), not a tab: IFS would fold empty tab-separated fields
      IFS=$'\x1f' read -r lt_id lt_name lt_ver < <(jq -r '.nodegroup.launchTemplate // {}
        | [.id // "", .name // "", .version // ""] | map(tostring) | join("\u001f")' "$file")
      [[ -n $lt_id || -n $lt_name ]] || continue
      key="${lt_id:-$lt_name}:${lt_ver:-\$Default}"
      [[ -n ${done_lt[$key]:-} ]] && continue
      done_lt[$key]=1
      local -a which=()
      if [[ -n $lt_id ]]; then which=(--launch-template-id "$lt_id"); else which=(--launch-template-name "$lt_name"); fi
      call "$d/launch-templates/$(safe_name "$key").json" ec2 describe-launch-template-versions \
        "${which[@]}" --versions "${lt_ver:-\$Default}"
    done
    call "$tmp" eks list-addons --cluster-name "$cluster"
    mapfile -t addons < <(jq_list "$tmp" '.addons[]?')
    for a in "${addons[@]}"; do
      call "$cd/addons/$(safe_name "$a").json" eks describe-addon --cluster-name "$cluster" --addon-name "$a"
      [[ -n $ver ]] || continue
      key="$a:$ver"
      [[ -n ${done_av[$key]:-} ]] && continue
      done_av[$key]=1
      call "$d/addon-versions/$(safe_name "$key").json" eks describe-addon-versions \
        --addon-name "$a" --kubernetes-version "$ver"
    done
  done
  rm -f "$tmp"
}

if ((want_ecs)); then say "ecs ..."; export_ecs; fi
if ((want_ecr)); then say "ecr ..."; export_ecr; fi
if ((want_eks)); then say "eks ..."; export_eks; fi
files=$(find "$out" -type f \( -name '*.json' -o -name '*.err' \) | wc -l)
say "$calls calls, $files files in $out (read them with: lockdown aws scan $out)"
