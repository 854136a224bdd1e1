/* How the AWS checks file findings (the k8s checks' rule, k8s_finding.h):
 * one finding per resource that fails (target LD_TARGET_AWS: id = the
 * resource's ARN or id, name = its name, path = the file it came from),
 * and one summary verdict per check when nothing failed, so 500 task
 * definitions do not print 500 passes per check. A check that could not
 * look files "not assessed" (LD_STATUS_ERROR), never a pass. */
#ifndef LD_AWS_AWS_FINDING_H
#define LD_AWS_AWS_FINDING_H

#include "aws/aws_set.h"
#include "core/findings.h"

/* A finding of check_id about resource res (evidence printf-style: the
 * field path and the value seen). */
int ld_aws_emit(ld_findings *r, const char *check_id, ld_status status,
                const ld_aws_resource *res, ld_error *err, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* The summary verdict of a check over the set: when the set has unread
 * inputs, an error naming the first and the count (never a pass); else
 * when judged == 0, skipped (not applicable) with fmt as the reason ("no
 * ECR repository in the inputs"); else when failed == 0 a pass whose
 * evidence is fmt ("12 task definitions, 31 containers"); nothing when
 * failed > 0. Target: the scan (LD_TARGET_AWS, id "scan", name = the
 * inputs). fmt is used for the skip and the pass; pass NULL-safe text. */
int ld_aws_verdict(ld_findings *r, const char *check_id, const ld_aws_set *s, size_t judged,
                   size_t failed, ld_error *err, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* A check that owed a verdict and could not look at all (the data its
 * judgement needs is not in the inputs): LD_STATUS_ERROR about the scan
 * with the reason ("no get-registry-scanning-configuration output and no
 * repository setting: export it (docs/aws.md)"). */
int ld_aws_unassessed(ld_findings *r, const char *check_id, const ld_aws_set *s, ld_error *err,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
