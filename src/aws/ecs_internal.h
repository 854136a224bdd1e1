/* What the two ECS check files (ecs_task_checks.c, ecs_service_checks.c)
 * share, and the parts tests reach directly: how a container definition
 * is named in evidence, the Fargate platform version comparison and the
 * Fargate check with version data given by the caller (the family uses the
 * built-in data, aws/aws_versions.h). Not a public interface: only
 * src/aws/ecs_*.c and tests/unit/test_aws_ecs.c include it. */
#ifndef LD_AWS_ECS_INTERNAL_H
#define LD_AWS_ECS_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "aws/aws_scan.h"
#include "aws/aws_versions.h"

/* "containerDefinitions[1] (name \"web\")" for evidence (caller frees). */
char *ld_aws_ecs_container_where(const json_t *cdef, size_t i);

/* Compares two dotted numeric versions ("1.4.0" with "1.3"; missing
 * components count as 0). Returns true and *cmp < 0, 0 or > 0 when both
 * parse (at most 8 components of at most 9 digits each); false otherwise
 * ("LATEST", "1.4.0-beta", ""). */
bool ld_aws_fargate_version_cmp(const char *a, const char *b, int *cmp);

/* aws.ecs.fargate-platform-version over the services of s, judged against
 * v (not NULL). The family calls it with ld_aws_versions_builtin. */
int ld_aws_ecs_fargate_check(ld_findings *r, const ld_aws_set *s, const ld_aws_scan_options *o,
                             const ld_aws_versions *v, ld_error *err);

#endif
