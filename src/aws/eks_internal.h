/* Shared between the EKS check files (eks_checks.c: the cluster checks and
 * the family's entry point; eks_node_checks.c: node groups; eks_addon_checks.c:
 * add-ons). Not a public interface: callers use ld_aws_eks_checks (aws_scan.h). */
#ifndef LD_AWS_EKS_INTERNAL_H
#define LD_AWS_EKS_INTERNAL_H

#include <jansson.h>

#include "aws/aws_scan.h"

/* Evidence values taken from input are cut to this many bytes. */
#define LD_EKS_VALUE_MAX 200

int ld_eks_cluster_checks(ld_findings *r, const ld_aws_set *s, const ld_aws_scan_options *o,
                          ld_error *err);
int ld_eks_nodegroup_checks(ld_findings *r, const ld_aws_set *s, const ld_aws_scan_options *o,
                            ld_error *err);
int ld_eks_addon_checks(ld_findings *r, const ld_aws_set *s, const ld_aws_scan_options *o,
                        ld_error *err);

/* The strings of a JSON array as ["a", "b", ... +N more] (at most 10 shown,
 * each cut to LD_EKS_VALUE_MAX; non-strings shown as ?); "[]" for an empty
 * or absent array. Caller frees. */
char *ld_eks_join_strings(const json_t *array);

/* Compares two EKS add-on versions of the form "v1.18.3-eksbuild.1"
 * (also "v1.29.0-minimal-eksbuild.1", "1.2.3"): the dotted numbers first,
 * then the eksbuild number. *out < 0, 0, > 0 as a is older, equal, newer.
 * Returns 0, or -1 when either is not of that form or their flavours
 * ("minimal") differ, so they are not comparable. */
int ld_eks_addon_version_compare(const char *a, const char *b, int *out);

#endif
