/* The AWS checks: ECS task definitions (the container tier, the AWS way),
 * ECS services and clusters, ECR (the registry tier) and EKS (the
 * orchestrator tier), each a pure function of an ld_aws_set that adds
 * findings to a set its caller owns. Every finding names its control (the
 * catalog maps each aws.* check id), the resource (ARN or name) and the
 * exact field and value seen ("containerDefinitions[0].privileged: true").
 *
 *   ld_aws_scan(findings, set, &options, err);
 *
 * Check ids: AWS_CHECK_* below; each is also listed in
 * core/check_registry.c and data/controls.yaml. */
#ifndef LD_AWS_AWS_SCAN_H
#define LD_AWS_AWS_SCAN_H

#include <time.h>

#include "aws/aws_set.h"
#include "checks/secrets.h"
#include "core/findings.h"
#include "core/level.h"
#include "util/strlist.h"

/* ECS task definitions (aws/ecs_task_checks.c) */
#define AWS_ECS_PRIVILEGED "aws.ecs.privileged"
#define AWS_ECS_ROOT_USER "aws.ecs.root-user"
#define AWS_ECS_READONLY_ROOTFS "aws.ecs.readonly-rootfs"
#define AWS_ECS_CAPABILITIES "aws.ecs.capabilities"
#define AWS_ECS_HOST_NAMESPACES "aws.ecs.host-namespaces"
#define AWS_ECS_INIT_PROCESS "aws.ecs.init-process"
#define AWS_ECS_ENV_SECRETS "aws.ecs.environment-secrets"
#define AWS_ECS_LOGGING "aws.ecs.log-configuration"
#define AWS_ECS_IMAGE_TRUSTED "aws.ecs.image-trusted"
#define AWS_ECS_IMAGE_DIGEST "aws.ecs.image-digest"
#define AWS_ECS_RESOURCE_LIMITS "aws.ecs.resource-limits"
#define AWS_ECS_HOST_MOUNTS "aws.ecs.host-bind-mounts"
/* ECS services and clusters (aws/ecs_service_checks.c) */
#define AWS_ECS_FARGATE_PLATFORM "aws.ecs.fargate-platform-version"
#define AWS_ECS_PUBLIC_IP "aws.ecs.public-ip"
#define AWS_ECS_CONTAINER_INSIGHTS "aws.ecs.container-insights"
#define AWS_ECS_EXEC_AUDIT "aws.ecs.exec-audit"
/* ECR (aws/ecr_checks.c) */
#define AWS_ECR_SCAN_ON_PUSH "aws.ecr.scan-on-push"
#define AWS_ECR_TAG_IMMUTABILITY "aws.ecr.tag-immutability"
#define AWS_ECR_LIFECYCLE "aws.ecr.lifecycle-policy"
#define AWS_ECR_KMS "aws.ecr.kms-encryption"
#define AWS_ECR_REPO_POLICY "aws.ecr.repository-policy"
#define AWS_ECR_PULL_THROUGH "aws.ecr.pull-through-cache"
/* EKS (aws/eks_checks.c) */
#define AWS_EKS_PUBLIC_ENDPOINT "aws.eks.public-endpoint"
#define AWS_EKS_LOGGING "aws.eks.control-plane-logs"
#define AWS_EKS_SECRETS_ENCRYPTION "aws.eks.secrets-encryption"
#define AWS_EKS_VERSION "aws.eks.version-support"
#define AWS_EKS_NODEGROUP_SSH "aws.eks.nodegroup-remote-access"
#define AWS_EKS_IMDSV2 "aws.eks.imdsv2"
#define AWS_EKS_ADDON_VERSIONS "aws.eks.addon-versions"

typedef struct {
    const ld_strlist *trusted_registries;  /* the policy's; empty: image-trusted not judged */
    const ld_secret_ruleset *secret_rules; /* the policy's, else built-in (never NULL) */
    ld_level level;
    time_t now; /* the run's clock: support windows, platform version data age */
} ld_aws_scan_options;

/* Runs every family over s. Returns 0, or < 0 with err set (a finding
 * that could not be added, the version data unreadable). */
int ld_aws_scan(ld_findings *r, const ld_aws_set *s, const ld_aws_scan_options *o,
                ld_error *err);

/* The families (each adds its findings and one verdict per check). */
int ld_aws_ecs_task_checks(ld_findings *r, const ld_aws_set *s, const ld_aws_scan_options *o,
                           ld_error *err);
int ld_aws_ecs_service_checks(ld_findings *r, const ld_aws_set *s, const ld_aws_scan_options *o,
                              ld_error *err);
int ld_aws_ecr_checks(ld_findings *r, const ld_aws_set *s, const ld_aws_scan_options *o,
                      ld_error *err);
int ld_aws_eks_checks(ld_findings *r, const ld_aws_set *s, const ld_aws_scan_options *o,
                      ld_error *err);

#endif
