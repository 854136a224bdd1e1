#!/usr/bin/env bash
# aws_fixtures.sh — builds AWS CLI-shaped JSON fixtures at test time for
# tests/e2e/test_aws_*.sh: every document starts as the AWS CLI's own output
# skeleton (`aws ... --generate-cli-skeleton output`, the Debian awscli
# package, offline) and is edited with jq per case. The skeleton's
# placeholders ("StringValue", 0, true) are replaced for every field the
# checks read; the rest of the shape stays as the CLI prints it, so the
# loader sees the services' full shapes. Not a test by itself.
#
#   source tests/e2e/aws_fixtures.sh
#   awsfx_skeletons "$LD_TMP/skel"                # once (about 10 s, in parallel)
#   awsfx_taskdef "$dir/td-good.json" good-app     # a task definition that passes
#   awsfx_taskdef "$dir/td-priv.json" bad-priv '.containerDefinitions[0].privileged = true'
#
# Every builder takes OUT NAME [JQ-EDIT...]: the edits run, in order, on the
# resource object (the task definition, the service, the repository ...)
# after the good values are set. AWSFX_SKEL names the skeleton directory.
#
# Where the CLI itself refuses its own placeholder skeleton (it validates the
# stubbed response: e.g. describe-services' timeoutInMinutes 0 < min 1), the
# same skeleton comes from the generator the CLI uses (botocore's
# ArgumentGenerator(use_member_names=True)) run by /usr/bin/python3, without
# that validation; the shape is the same model's.
# shellcheck disable=SC2016 # the jq programs below are single-quoted on purpose

AWSFX_ACCOUNT=${AWSFX_ACCOUNT:-111122223333}
AWSFX_OTHER_ACCOUNT=444455556666
AWSFX_REGION=us-east-1
AWSFX_ECR_HOST=$AWSFX_ACCOUNT.dkr.ecr.$AWSFX_REGION.amazonaws.com
AWSFX_DIGEST=sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945
AWSFX_KMS=arn:aws:kms:$AWSFX_REGION:$AWSFX_ACCOUNT:key/1234abcd-12ab-34cd-56ef-1234567890ab
AWSFX_PY=${AWSFX_PY:-/usr/bin/python3}

# name|service|cli-operation|botocore-operation|cli arguments (space separated, no blanks inside)
_awsfx_ops=(
  "td|ecs|describe-task-definition|DescribeTaskDefinition|--task-definition x"
  "svc|ecs|describe-services|DescribeServices|--cluster c --services s"
  "cl|ecs|describe-clusters|DescribeClusters|"
  "repos|ecr|describe-repositories|DescribeRepositories|"
  "lc|ecr|get-lifecycle-policy|GetLifecyclePolicy|--repository-name rr"
  "rp|ecr|get-repository-policy|GetRepositoryPolicy|--repository-name rr"
  "scan|ecr|get-registry-scanning-configuration|GetRegistryScanningConfiguration|"
  "reg|ecr|describe-registry|DescribeRegistry|"
  "ptc|ecr|describe-pull-through-cache-rules|DescribePullThroughCacheRules|"
  "ekscl|eks|describe-cluster|DescribeCluster|--name c"
  "ng|eks|describe-nodegroup|DescribeNodegroup|--cluster-name c --nodegroup-name n"
  "addon|eks|describe-addon|DescribeAddon|--cluster-name c --addon-name a"
  "av|eks|describe-addon-versions|DescribeAddonVersions|"
  "lt|ec2|describe-launch-template-versions|DescribeLaunchTemplateVersions|--launch-template-id lt-1"
)

_awsfx_botocore_skeleton() { # SERVICE OPERATION — the same generator the CLI uses
  "$AWSFX_PY" - "$1" "$2" <<'PY'
import json, sys
import botocore.session
from botocore.utils import ArgumentGenerator
op = botocore.session.get_session().get_service_model(sys.argv[1]).operation_model(sys.argv[2])
skel = ArgumentGenerator(use_member_names=True).generate_skeleton(op.output_shape)
print(json.dumps(skel, indent=4, default=lambda o: o.isoformat() if hasattr(o, "isoformat") else ""))
PY
}

_awsfx_one_skeleton() { # DIR SPEC
  local dir=$1 name svc cli op args
  IFS='|' read -r name svc cli op args <<<"$2"
  # shellcheck disable=SC2086 # args are fixed words
  if aws --region "$AWSFX_REGION" "$svc" "$cli" $args --generate-cli-skeleton output \
    >"$dir/$name.json" 2>"$dir/$name.cli.err" && jq -e 'type == "object"' "$dir/$name.json" >/dev/null 2>&1; then
    echo cli >"$dir/$name.origin"
  elif _awsfx_botocore_skeleton "$svc" "$op" >"$dir/$name.json" 2>>"$dir/$name.cli.err" &&
    jq -e 'type == "object"' "$dir/$name.json" >/dev/null 2>&1; then
    echo botocore >"$dir/$name.origin"
  else
    echo "aws_fixtures: no skeleton for $svc $cli: $(tr '\n' ' ' <"$dir/$name.cli.err")" >&2
    return 1
  fi
}

# awsfx_skeletons DIR — every skeleton into DIR (NAME.json, NAME.origin: cli or
# botocore). Returns non-zero when one could not be made.
awsfx_skeletons() {
  local dir=$1 spec rc=0 pids=() p
  mkdir -p "$dir"
  for spec in "${_awsfx_ops[@]}"; do
    _awsfx_one_skeleton "$dir" "$spec" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  AWSFX_SKEL=$dir
  return $rc
}

# _awsfx_build OUT SKELETON ROOT-PATH GOOD-FILTER [EDIT...] — OUT = the skeleton
# with the resource at ROOT-PATH replaced by (resource | GOOD | EDIT | ...).
_awsfx_build() {
  local out=$1 skel=$2 root=$3 good=$4 f=""
  shift 4
  local e
  f="$good"
  for e in "$@"; do f="$f | ($e)"; done
  mkdir -p "$(dirname "$out")"
  jq --arg acct "$AWSFX_ACCOUNT" --arg other "$AWSFX_OTHER_ACCOUNT" --arg region "$AWSFX_REGION" \
    --arg ecr "$AWSFX_ECR_HOST" --arg digest "$AWSFX_DIGEST" --arg kms "$AWSFX_KMS" \
    --arg name "$AWSFX_NAME" "$root |= ($f)" "$AWSFX_SKEL/$skel.json" >"$out"
}

# With --args, jq takes every later word as a positional string, so the
# builders below that use it read their skeleton on stdin.

# ---- ECS ---------------------------------------------------------------------------
# A Fargate task definition that passes every aws.ecs.* task check: non-root
# user, read-only root, no added capabilities, init process, logs to awslogs,
# an ECR image pinned by digest, cpu and memory, a secret from Secrets Manager
# instead of a plain environment value, no host volume.
_awsfx_td_good='
  .taskDefinitionArn = "arn:aws:ecs:\($region):\($acct):task-definition/\($name):1"
  | .family = $name | .revision = 1 | .status = "ACTIVE"
  | .networkMode = "awsvpc" | del(.pidMode, .ipcMode)
  | .requiresCompatibilities = ["FARGATE"] | .compatibilities = ["EC2", "FARGATE"]
  | .cpu = "256" | .memory = "512"
  | .runtimePlatform = {operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64"}
  | .volumes = [{name: "scratch"}]
  | .executionRoleArn = "arn:aws:iam::\($acct):role/ecsTaskExecutionRole"
  | .taskRoleArn = "arn:aws:iam::\($acct):role/app"
  | del(.inferenceAccelerators, .proxyConfiguration, .ephemeralStorage, .placementConstraints)
  | .containerDefinitions = [.containerDefinitions[0]
      | .name = "app"
      | .image = "\($ecr)/team/app@\($digest)"
      | del(.repositoryCredentials, .links, .dependsOn, .volumesFrom, .hostname, .dnsServers,
            .dnsSearchDomains, .extraHosts, .dockerSecurityOptions, .dockerLabels, .ulimits,
            .resourceRequirements, .firelensConfiguration, .credentialSpecs, .systemControls,
            .healthCheck, .restartPolicy)
      | .cpu = 256 | .memory = 512 | .memoryReservation = 256
      | .essential = true
      | .portMappings = [{containerPort: 8080, protocol: "tcp", name: "http"}]
      | .entryPoint = ["/app/server"] | .command = ["--port", "8080"]
      | .environment = [{name: "LOG_LEVEL", value: "info"}, {name: "PORT", value: "8080"}]
      | .environmentFiles = [{value: "arn:aws:s3:::\($acct)-config/app.env", type: "s3"}]
      | .secrets = [{name: "DB_PASSWORD", valueFrom: "arn:aws:secretsmanager:\($region):\($acct):secret:app/db-AbCdEf"}]
      | .mountPoints = [{sourceVolume: "scratch", containerPath: "/tmp", readOnly: false}]
      | .linuxParameters = {capabilities: {add: [], drop: ["ALL"]}, initProcessEnabled: true}
      | .privileged = false | .user = "1000:1000" | .readonlyRootFilesystem = true
      | .disableNetworking = false | .interactive = false | .pseudoTerminal = false
      | .startTimeout = 30 | .stopTimeout = 30
      | .logConfiguration = {logDriver: "awslogs", options: {"awslogs-group": "/ecs/\($name)",
          "awslogs-region": $region, "awslogs-stream-prefix": "app"}, secretOptions: []}
    ]'

# awsfx_taskdef OUT FAMILY [EDIT...] — ecs describe-task-definition output
# (edits run on .taskDefinition; the container is .containerDefinitions[0]).
awsfx_taskdef() {
  local out=$1
  AWSFX_NAME=$2
  shift 2
  _awsfx_build "$out" td .taskDefinition "$_awsfx_td_good" "$@"
  jq '.tags = [{key: "team", value: "payments"}]' "$out" >"$out.tmp" && mv "$out.tmp" "$out"
}

# A Fargate service on LATEST without a public IP or ECS Exec, in CLUSTER
# (set AWSFX_CLUSTER; default good-cluster), running TASKDEF (AWSFX_TASKDEF).
_awsfx_svc_good='
  .serviceArn = "arn:aws:ecs:\($region):\($acct):service/\($cluster)/\($name)"
  | .serviceName = $name
  | .clusterArn = "arn:aws:ecs:\($region):\($acct):cluster/\($cluster)"
  | .status = "ACTIVE" | .desiredCount = 2 | .runningCount = 2 | .pendingCount = 0
  | .launchType = "FARGATE" | .capacityProviderStrategy = [] | .platformVersion = "LATEST"
  | .platformFamily = "Linux"
  | .taskDefinition = "arn:aws:ecs:\($region):\($acct):task-definition/\($taskdef)"
  | .deployments = [] | .taskSets = [] | .events = []
  | .networkConfiguration = {awsvpcConfiguration: {subnets: ["subnet-0a1b2c3d"],
      securityGroups: ["sg-0a1b2c3d"], assignPublicIp: "DISABLED"}}
  | .enableExecuteCommand = false
  | .schedulingStrategy = "REPLICA"'

# awsfx_service OUT NAME [EDIT...] — ecs describe-services output with one service.
awsfx_service() {
  local out=$1 f="" e
  AWSFX_NAME=$2
  shift 2
  f="$_awsfx_svc_good"
  for e in "$@"; do f="$f | ($e)"; done
  mkdir -p "$(dirname "$out")"
  jq --arg acct "$AWSFX_ACCOUNT" --arg region "$AWSFX_REGION" --arg name "$AWSFX_NAME" \
    --arg cluster "${AWSFX_CLUSTER:-good-cluster}" --arg taskdef "${AWSFX_TASKDEF:-good-app:1}" \
    ".services = [.services[0] | $f] | .failures = []" "$AWSFX_SKEL/svc.json" >"$out"
}

# A cluster with Container Insights on and ECS Exec logged to CloudWatch and
# encrypted with a KMS key.
_awsfx_cluster_good='
  .clusterArn = "arn:aws:ecs:\($region):\($acct):cluster/\($name)" | .clusterName = $name
  | .status = "ACTIVE"
  | .settings = [{name: "containerInsights", value: "enabled"}]
  | .configuration = {executeCommandConfiguration: {kmsKeyId: $kms, logging: "OVERRIDE",
      logConfiguration: {cloudWatchLogGroupName: "/ecs/exec", cloudWatchEncryptionEnabled: true}}}
  | .capacityProviders = ["FARGATE"] | .defaultCapacityProviderStrategy = []
  | .attachments = [] | .statistics = [] | .tags = []'

# awsfx_cluster OUT NAME [EDIT...] — ecs describe-clusters output with one cluster.
awsfx_cluster() {
  local out=$1 f e
  AWSFX_NAME=$2
  shift 2
  f="$_awsfx_cluster_good"
  for e in "$@"; do f="$f | ($e)"; done
  mkdir -p "$(dirname "$out")"
  jq --arg acct "$AWSFX_ACCOUNT" --arg region "$AWSFX_REGION" --arg name "$AWSFX_NAME" \
    --arg kms "$AWSFX_KMS" ".clusters = [.clusters[0] | $f] | .failures = []" \
    "$AWSFX_SKEL/cl.json" >"$out"
}

# ---- ECR ---------------------------------------------------------------------------
# A repository with immutable tags, scan on push and a customer managed KMS key.
_awsfx_repo_good='
  .repositoryArn = "arn:aws:ecr:\($region):\($acct):repository/\($name)"
  | .registryId = $acct | .repositoryName = $name
  | .repositoryUri = "\($ecr)/\($name)"
  | .imageTagMutability = "IMMUTABLE" | del(.imageTagMutabilityExclusionFilters)
  | .imageScanningConfiguration = {scanOnPush: true}
  | .encryptionConfiguration = {encryptionType: "KMS", kmsKey: $kms}'

# awsfx_repository OUT NAME [EDIT...] — ecr describe-repositories output with one repository.
awsfx_repository() {
  local out=$1
  AWSFX_NAME=$2
  shift 2
  _awsfx_build "$out" repos '.repositories[0]' "$_awsfx_repo_good" "$@"
  jq '.repositories = [.repositories[0]] | del(.nextToken)' "$out" >"$out.tmp" && mv "$out.tmp" "$out"
}

# awsfx_lifecycle OUT REPO [POLICY-JSON] — ecr get-lifecycle-policy output; the
# default policy keeps the 30 newest images of any tag status.
awsfx_lifecycle() {
  local out=$1 repo=$2
  local policy=${3:-'{"rules":[{"rulePriority":1,"description":"keep 30 images","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":30},"action":{"type":"expire"}}]}'}
  mkdir -p "$(dirname "$out")"
  jq --arg acct "$AWSFX_ACCOUNT" --arg repo "$repo" --arg p "$policy" \
    '.registryId = $acct | .repositoryName = $repo | .lifecyclePolicyText = $p' \
    "$AWSFX_SKEL/lc.json" >"$out"
}

# awsfx_repo_policy OUT REPO POLICY-JSON — ecr get-repository-policy output.
awsfx_repo_policy() {
  mkdir -p "$(dirname "$1")"
  jq --arg acct "$AWSFX_ACCOUNT" --arg repo "$2" --arg p "$3" \
    '.registryId = $acct | .repositoryName = $repo | .policyText = $p' "$AWSFX_SKEL/rp.json" >"$1"
}

# awsfx_no_policy OUT KIND REPO — the AWS CLI's error text for a repository
# without a policy (KIND lifecycle or repository), as it prints it on stderr.
awsfx_no_policy() {
  local out=$1 kind=$2 repo=$3
  mkdir -p "$(dirname "$out")"
  if [[ $kind == lifecycle ]]; then
    printf '\nAn error occurred (LifecyclePolicyNotFoundException) when calling the GetLifecyclePolicy operation: Lifecycle policy does not exist for the repository with name '\''%s'\'' in the registry with id '\''%s'\''\n' \
      "$repo" "$AWSFX_ACCOUNT" >"$out"
  else
    printf '\nAn error occurred (RepositoryPolicyNotFoundException) when calling the GetRepositoryPolicy operation: Repository policy does not exist for the repository with name '\''%s'\'' in the registry with id '\''%s'\''\n' \
      "$repo" "$AWSFX_ACCOUNT" >"$out"
  fi
}

# awsfx_scanning OUT FILTER... — registry scanning configuration: BASIC, scan
# on push for repositories matching the WILDCARD filters.
awsfx_scanning() {
  local out=$1
  shift
  mkdir -p "$(dirname "$out")"
  jq --arg acct "$AWSFX_ACCOUNT" --args '.registryId = $acct
    | .scanningConfiguration = {scanType: "BASIC", rules: [{scanFrequency: "SCAN_ON_PUSH",
        repositoryFilters: [$ARGS.positional[] | {filter: ., filterType: "WILDCARD"}]}]}' \
    "$@" <"$AWSFX_SKEL/scan.json" >"$out"
}

# awsfx_registry OUT — describe-registry output (no replication).
awsfx_registry() {
  mkdir -p "$(dirname "$1")"
  jq --arg acct "$AWSFX_ACCOUNT" '.registryId = $acct | .replicationConfiguration = {rules: []}' \
    "$AWSFX_SKEL/reg.json" >"$1"
}

# awsfx_pull_through OUT PREFIX=UPSTREAM... — describe-pull-through-cache-rules output.
awsfx_pull_through() {
  local out=$1
  shift
  mkdir -p "$(dirname "$out")"
  jq --arg acct "$AWSFX_ACCOUNT" --arg region "$AWSFX_REGION" --args '
    .pullThroughCacheRules[0] as $t
    | .pullThroughCacheRules = [$ARGS.positional[] | split("=") as [$p, $u]
        | $t | .ecrRepositoryPrefix = $p | .upstreamRegistryUrl = $u | .registryId = $acct
        | .upstreamRegistry = (if $u == "public.ecr.aws" then "ecr-public" else "docker-hub" end)
        | .credentialArn = "arn:aws:secretsmanager:\($region):\($acct):secret:ecr-pullthroughcache/\($p)-AbCdEf"
        | del(.customRoleArn, .upstreamRepositoryPrefix)]
    | del(.nextToken)' "$@" <"$AWSFX_SKEL/ptc.json" >"$out"
}

# ---- EKS ---------------------------------------------------------------------------
# A cluster with a private endpoint only, api/audit/authenticator logs, Secrets
# encrypted with a KMS key, on AWSFX_EKS_VERSION (set it; default 1.34).
_awsfx_eks_good='
  .name = $name | .arn = "arn:aws:eks:\($region):\($acct):cluster/\($name)"
  | .version = $version | .status = "ACTIVE" | .platformVersion = "eks.10"
  | .endpoint = "https://0123456789ABCDEF.gr7.\($region).eks.amazonaws.com"
  | .roleArn = "arn:aws:iam::\($acct):role/eks-cluster"
  | .resourcesVpcConfig.endpointPublicAccess = false
  | .resourcesVpcConfig.endpointPrivateAccess = true
  | .resourcesVpcConfig.publicAccessCidrs = []
  | .logging = {clusterLogging: [{types: ["api", "audit", "authenticator", "controllerManager", "scheduler"], enabled: true}]}
  | .encryptionConfig = [{resources: ["secrets"], provider: {keyArn: $kms}}]
  | .upgradePolicy = {supportType: "STANDARD"}
  | .tags = {}
  | del(.connectorConfig, .outpostConfig, .remoteNetworkConfig, .id, .health)'

# awsfx_eks_cluster OUT NAME [EDIT...] — eks describe-cluster output.
awsfx_eks_cluster() {
  local out=$1 f e
  AWSFX_NAME=$2
  shift 2
  f="$_awsfx_eks_good"
  for e in "$@"; do f="$f | ($e)"; done
  mkdir -p "$(dirname "$out")"
  jq --arg acct "$AWSFX_ACCOUNT" --arg region "$AWSFX_REGION" --arg name "$AWSFX_NAME" \
    --arg kms "$AWSFX_KMS" --arg version "${AWSFX_EKS_VERSION:-1.34}" ".cluster |= ($f)" \
    "$AWSFX_SKEL/ekscl.json" >"$out"
}

# A managed node group in AWSFX_EKS_CLUSTER (default good-eks) without remote
# access, with launch template lt-0good version 1 (awsfx_launch_template).
_awsfx_ng_good='
  .nodegroupName = $name
  | .nodegroupArn = "arn:aws:eks:\($region):\($acct):nodegroup/\($cluster)/\($name)/1ab2c3d4-0000-1111-2222-333344445555"
  | .clusterName = $cluster | .version = $version | .status = "ACTIVE"
  | .releaseVersion = "\($version).0-20251101" | .capacityType = "ON_DEMAND"
  | .scalingConfig = {minSize: 1, maxSize: 3, desiredSize: 2}
  | .instanceTypes = ["m6i.large"] | .subnets = ["subnet-0a1b2c3d"] | .amiType = "AL2023_x86_64_STANDARD"
  | .nodeRole = "arn:aws:iam::\($acct):role/eks-node" | .labels = {} | .taints = []
  | .tags = {} | .health = {issues: []}
  | del(.remoteAccess, .diskSize, .nodeRepairConfig, .updateConfig)
  | .launchTemplate = {name: "good-lt", version: "1", id: "lt-0good0000000000a"}'

# awsfx_nodegroup OUT NAME [EDIT...] — eks describe-nodegroup output.
awsfx_nodegroup() {
  local out=$1 f e
  AWSFX_NAME=$2
  shift 2
  f="$_awsfx_ng_good"
  for e in "$@"; do f="$f | ($e)"; done
  mkdir -p "$(dirname "$out")"
  jq --arg acct "$AWSFX_ACCOUNT" --arg region "$AWSFX_REGION" --arg name "$AWSFX_NAME" \
    --arg cluster "${AWSFX_EKS_CLUSTER:-good-eks}" --arg version "${AWSFX_EKS_VERSION:-1.34}" \
    ".nodegroup |= ($f)" "$AWSFX_SKEL/ng.json" >"$out"
}

# awsfx_launch_template OUT ID NAME VERSION HTTP-TOKENS [HOP-LIMIT] — ec2
# describe-launch-template-versions output with one version (the default).
awsfx_launch_template() {
  local out=$1
  mkdir -p "$(dirname "$out")"
  jq --arg id "$2" --arg name "$3" --argjson ver "$4" --arg tokens "$5" --argjson hop "${6:-1}" \
    --arg acct "$AWSFX_ACCOUNT" '
    .LaunchTemplateVersions = [.LaunchTemplateVersions[0]
      | .LaunchTemplateId = $id | .LaunchTemplateName = $name | .VersionNumber = $ver
      | .DefaultVersion = true | .VersionDescription = "nodes"
      | .CreatedBy = "arn:aws:iam::\($acct):user/ops"
      | .LaunchTemplateData = {
          InstanceType: "m6i.large",
          MetadataOptions: {HttpTokens: $tokens, HttpPutResponseHopLimit: $hop, HttpEndpoint: "enabled"}}
      | del(.Operator)]
    | del(.NextToken)' "$AWSFX_SKEL/lt.json" >"$out"
}

# awsfx_addon OUT NAME VERSION [EDIT...] — eks describe-addon output (ACTIVE,
# in AWSFX_EKS_CLUSTER).
awsfx_addon() {
  local out=$1 name=$2 ver=$3 f e
  shift 3
  f='.addonName = $name | .addonVersion = $ver | .clusterName = $cluster | .status = "ACTIVE"
    | .addonArn = "arn:aws:eks:\($region):\($acct):addon/\($cluster)/\($name)/aa00bb11-0000-1111-2222-333344445555"
    | .health = {issues: []} | .tags = {} | .owner = "aws" | .publisher = "eks"
    | del(.marketplaceInformation, .configurationValues, .podIdentityAssociations, .namespaceConfig, .serviceAccountRoleArn)'
  for e in "$@"; do f="$f | ($e)"; done
  mkdir -p "$(dirname "$out")"
  jq --arg acct "$AWSFX_ACCOUNT" --arg region "$AWSFX_REGION" --arg name "$name" --arg ver "$ver" \
    --arg cluster "${AWSFX_EKS_CLUSTER:-good-eks}" ".addon |= ($f)" "$AWSFX_SKEL/addon.json" >"$out"
}

# awsfx_addon_versions OUT NAME CLUSTER-VERSION ADDON-VERSION... — eks
# describe-addon-versions output for one add-on; every version listed is
# compatible with CLUSTER-VERSION; the first is the default.
awsfx_addon_versions() {
  local out=$1 name=$2 kv=$3
  shift 3
  mkdir -p "$(dirname "$out")"
  jq --arg name "$name" --arg kv "$kv" --args '
    .addons = [.addons[0] | .addonName = $name | .type = "networking" | .owner = "aws" | .publisher = "eks"
      | del(.marketplaceInformation) | .defaultNamespace = "kube-system"
      | .addonVersions = [$ARGS.positional | to_entries[] | {addonVersion: .value,
          architecture: ["amd64", "arm64"], computeTypes: ["ec2"],
          compatibilities: [{clusterVersion: $kv, platformVersions: ["*"], defaultVersion: (.key == 0)}],
          requiresConfiguration: false, requiresIamPermissions: false}]]
    | del(.nextToken)' "$@" <"$AWSFX_SKEL/av.json" >"$out"
}

# ---- whole directories -----------------------------------------------------------------
# awsfx_good_dir DIR — one of everything, each passing every check (with a
# policy trusting AWSFX_ECR_HOST and public.ecr.aws): a task definition, two
# services (one with ECS Exec, logged), a cluster, two ECR repositories (one
# without a repository policy, one with a narrow one), registry scanning,
# registry, a pull-through rule from ECR Public, an EKS cluster on
# AWSFX_EKS_VERSION, a node group with an IMDSv2 launch template, an add-on
# at its newest version. A policy's "not found" is the CLI's error text (.err).
awsfx_good_dir() {
  local G=$1 r n
  awsfx_taskdef "$G/ecs/task-definitions/good-app.json" good-app
  AWSFX_CLUSTER=good-cluster awsfx_service "$G/ecs/services/good-svc.json" good-svc
  AWSFX_CLUSTER=good-cluster awsfx_service "$G/ecs/services/good-exec-svc.json" good-exec-svc \
    '.enableExecuteCommand = true'
  awsfx_cluster "$G/ecs/clusters/good-cluster.json" good-cluster
  for r in team/app team/web; do
    n=${r//\//%2F}
    awsfx_repository "$G/ecr/repositories-$n.json" "$r"
    awsfx_lifecycle "$G/ecr/lifecycle/$n.json" "$r"
  done
  awsfx_no_policy "$G/ecr/policy/team%2Fapp.err" repository team/app
  awsfx_repo_policy "$G/ecr/policy/team%2Fweb.json" team/web \
    '{"Version":"2012-10-17","Statement":[{"Sid":"ci-pull","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::'"$AWSFX_ACCOUNT"':role/ci"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}'
  awsfx_scanning "$G/ecr/registry-scanning-configuration.json" 'team/*' 'ecr-public/*'
  awsfx_registry "$G/ecr/registry.json"
  awsfx_pull_through "$G/ecr/pull-through-cache-rules.json" ecr-public=public.ecr.aws
  awsfx_eks_cluster "$G/eks/good-eks/cluster.json" good-eks
  awsfx_nodegroup "$G/eks/good-eks/nodegroup-good-ng.json" good-ng
  awsfx_launch_template "$G/eks/launch-templates/lt-0good.json" lt-0good0000000000a good-lt 1 required 1
  awsfx_addon "$G/eks/good-eks/addon-vpc-cni.json" vpc-cni v1.19.0-eksbuild.1
  awsfx_addon_versions "$G/eks/addon-versions/vpc-cni.json" vpc-cni "${AWSFX_EKS_VERSION:-1.34}" \
    v1.19.0-eksbuild.1 v1.18.3-eksbuild.2 v1.18.1-eksbuild.3
}

# awsfx_bad_resources DIR — adds one bad resource per case (named bad-*,
# legacy/noscan, docker-hub, coredns) to DIR, which holds awsfx_good_dir.
# Secrets: AWSFX_SECRET_KEY_ID, AWSFX_SECRET_ACCESS_KEY, AWSFX_SECRET_PASSWORD
# in bad-secret's environment. AWSFX_EXT_V (a version in extended support
# today, or -) adds bad-extended.
AWSFX_SECRET_KEY_ID=AKIAQ3EGVWX2NMJ7RT5K
AWSFX_SECRET_ACCESS_KEY=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
AWSFX_SECRET_PASSWORD='Tr0ub4dor-horse-93kq'
_awsfx_bad_td() { # DIR FAMILY [EDIT...]
  local d=$1
  shift
  awsfx_taskdef "$d/ecs/task-definitions/$1.json" "$@"
}
_awsfx_bad_repo() { # DIR NAME [EDIT...] — with a lifecycle policy and no repository policy
  local d=$1 n=${2//\//%2F}
  shift
  awsfx_repository "$d/ecr/repositories-$n.json" "$@"
  awsfx_lifecycle "$d/ecr/lifecycle/$n.json" "$1"
  awsfx_no_policy "$d/ecr/policy/$n.err" repository "$1"
}
_awsfx_bad_eks() { # DIR NAME [EDIT...]
  local d=$1
  shift
  awsfx_eks_cluster "$d/eks/$1/cluster.json" "$@"
}
awsfx_bad_resources() {
  local B=$1 ec2td='.requiresCompatibilities = ["EC2"]'
  _awsfx_bad_td "$B" bad-priv "$ec2td" '.containerDefinitions[0].privileged = true'
  _awsfx_bad_td "$B" bad-root '.containerDefinitions[0].user = "root"'
  _awsfx_bad_td "$B" bad-rootfs '.containerDefinitions[0].readonlyRootFilesystem = false'
  _awsfx_bad_td "$B" bad-caps "$ec2td" '.containerDefinitions[0].linuxParameters.capabilities.add = ["SYS_ADMIN", "NET_ADMIN"]'
  _awsfx_bad_td "$B" bad-hostnet "$ec2td" '.networkMode = "host"'
  _awsfx_bad_td "$B" bad-hostpid "$ec2td" '.pidMode = "host"'
  _awsfx_bad_td "$B" bad-init '.containerDefinitions[0].linuxParameters.initProcessEnabled = false'
  _awsfx_bad_td "$B" bad-secret ".containerDefinitions[0].environment += [
    {name: \"AWS_ACCESS_KEY_ID\", value: \"$AWSFX_SECRET_KEY_ID\"},
    {name: \"AWS_SECRET_ACCESS_KEY\", value: \"$AWSFX_SECRET_ACCESS_KEY\"},
    {name: \"DB_PASSWORD\", value: \"$AWSFX_SECRET_PASSWORD\"}] | .containerDefinitions[0].secrets = []"
  _awsfx_bad_td "$B" bad-nolog 'del(.containerDefinitions[0].logConfiguration)'
  _awsfx_bad_td "$B" bad-untrusted ".containerDefinitions[0].image = \"docker.io/library/nginx@$AWSFX_DIGEST\""
  # shellcheck disable=SC2016 # a jq program
  _awsfx_bad_td "$B" bad-tag '.containerDefinitions[0].image = "\($ecr)/team/app:1.2"'
  _awsfx_bad_td "$B" bad-limits "$ec2td" 'del(.cpu, .memory) | .containerDefinitions[0] |= (del(.memory) | .cpu = 0 | .memoryReservation = 256)'
  _awsfx_bad_td "$B" bad-mount "$ec2td" '.volumes = [{name: "docker", host: {sourcePath: "/var/run/docker.sock"}}]
    | .containerDefinitions[0].mountPoints = [{sourceVolume: "docker", containerPath: "/var/run/docker.sock", readOnly: false}]'
  AWSFX_CLUSTER=good-cluster awsfx_service "$B/ecs/services/bad-public-ip.json" bad-public-ip \
    '.networkConfiguration.awsvpcConfiguration.assignPublicIp = "ENABLED"'
  AWSFX_CLUSTER=good-cluster awsfx_service "$B/ecs/services/bad-platform.json" bad-platform \
    '.platformVersion = "1.3.0"'
  AWSFX_CLUSTER=noaudit-cluster awsfx_service "$B/ecs/services/bad-exec-svc.json" bad-exec-svc \
    '.enableExecuteCommand = true'
  awsfx_cluster "$B/ecs/clusters/bad-insights.json" bad-insights \
    '.settings = [{name: "containerInsights", value: "disabled"}]'
  awsfx_cluster "$B/ecs/clusters/noaudit-cluster.json" noaudit-cluster \
    '.configuration.executeCommandConfiguration = {logging: "NONE"}'
  _awsfx_bad_repo "$B" team/bad-mutable '.imageTagMutability = "MUTABLE"'
  _awsfx_bad_repo "$B" legacy/noscan '.imageScanningConfiguration.scanOnPush = false'
  _awsfx_bad_repo "$B" team/bad-aes '.encryptionConfiguration = {encryptionType: "AES256"}'
  _awsfx_bad_repo "$B" team/bad-nolifecycle
  rm "$B/ecr/lifecycle/team%2Fbad-nolifecycle.json"
  awsfx_no_policy "$B/ecr/lifecycle/team%2Fbad-nolifecycle.err" lifecycle team/bad-nolifecycle
  _awsfx_bad_repo "$B" team/bad-policy
  rm "$B/ecr/policy/team%2Fbad-policy.err"
  awsfx_repo_policy "$B/ecr/policy/team%2Fbad-policy.json" team/bad-policy \
    '{"Version":"2012-10-17","Statement":[{"Sid":"everyone","Effect":"Allow","Principal":"*","Action":"ecr:*"}]}'
  awsfx_pull_through "$B/ecr/pull-through-cache-rules-hub.json" docker-hub=registry-1.docker.io
  _awsfx_bad_eks "$B" bad-public '.resourcesVpcConfig.endpointPublicAccess = true | .resourcesVpcConfig.publicAccessCidrs = ["0.0.0.0/0"]'
  _awsfx_bad_eks "$B" bad-logs '.logging.clusterLogging = [{types: ["api"], enabled: true},
    {types: ["audit", "authenticator", "controllerManager", "scheduler"], enabled: false}]'
  _awsfx_bad_eks "$B" bad-noenc 'del(.encryptionConfig)'
  _awsfx_bad_eks "$B" bad-old '.version = "1.23" | .upgradePolicy.supportType = "EXTENDED"'
  if [[ ${AWSFX_EXT_V:--} != - ]]; then
    _awsfx_bad_eks "$B" bad-extended ".version = \"$AWSFX_EXT_V\" | .upgradePolicy.supportType = \"EXTENDED\""
  fi
  awsfx_nodegroup "$B/eks/good-eks/nodegroup-bad-ssh.json" bad-ssh-ng \
    'del(.launchTemplate) | .remoteAccess = {ec2SshKey: "ops-key", sourceSecurityGroups: []}'
  awsfx_nodegroup "$B/eks/good-eks/nodegroup-bad-imds.json" bad-imds-ng \
    '.launchTemplate = {name: "bad-lt", version: "2", id: "lt-0bad00000000000b"}'
  awsfx_launch_template "$B/eks/launch-templates/lt-0bad.json" lt-0bad00000000000b bad-lt 2 optional 2
  awsfx_addon "$B/eks/good-eks/addon-coredns.json" coredns v1.11.1-eksbuild.4
  awsfx_addon_versions "$B/eks/addon-versions/coredns.json" coredns "${AWSFX_EKS_VERSION:-1.34}" \
    v1.11.4-eksbuild.2 v1.11.3-eksbuild.1 v1.11.1-eksbuild.4
}
