/* Pieces of the ECR family (ecr_checks.c) that unit tests reach directly:
 * the scanning filter match, the lifecycle policy judgement and what one
 * repository policy statement means. Not for other families. */
#ifndef LD_AWS_ECR_INTERNAL_H
#define LD_AWS_ECR_INTERNAL_H

#include <stdbool.h>

#include "aws/iam_policy.h"
#include "core/types.h"

/* ECR registry scanning filter (filterType WILDCARD) against a repository
 * name: no '*' matches names containing the filter; with '*' a whole-name
 * match where '*' is zero or more characters. */
bool ld_ecr_filter_matches(const char *filter, const char *name);

/* lifecyclePolicyText (NULL: absent) judged: PASS (an expire rule for
 * tagged or any images), WARN (expires untagged images only), FAIL (no
 * expire rule), ERROR (malformed); returns the evidence (caller frees). */
char *ld_ecr_lifecycle_judge(const char *text, ld_status *status);

/* Statement idx of a repository policy of registry self (NULL: unknown):
 * PASS with *msg NULL when it grants nothing to flag; else FAIL or WARN and
 * *msg the evidence (caller frees). */
ld_status ld_ecr_statement_judge(const ld_iam_statement *st, size_t idx, const char *self,
                                 char **msg);

#endif
