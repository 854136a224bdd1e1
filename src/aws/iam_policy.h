/* IAM resource policies (the policyText of ecr get-repository-policy, and
 * any other resource policy of the same grammar) read into a flat list of
 * statements a check can judge: effect, who (anyone, accounts, other
 * principals), which actions, and whether a Condition limits it. Pure and
 * bounded (text size, JSON values and nesting, statements, array
 * elements): hostile text gives an ld_error, never a crash. Not an IAM
 * evaluator: no Resource matching and no condition semantics; a caller
 * decides what a statement means for its resource. */
#ifndef LD_AWS_IAM_POLICY_H
#define LD_AWS_IAM_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "util/strlist.h"

/* Limits: policy text at most 1 MiB (ECR's own cap is 10,240 characters),
 * at most 1000 statements, at most 1000 elements in any Principal/Action
 * list, nesting at most 32. Over a limit is LD_ERR_LIMIT. */
#define LD_IAM_TEXT_MAX ((size_t)1 << 20)
#define LD_IAM_STATEMENTS_MAX ((size_t)1000)
#define LD_IAM_ARRAY_MAX ((size_t)1000)

typedef struct {
    char *sid;             /* Sid, or NULL */
    bool allow;            /* Effect "Allow" (else "Deny") */
    bool not_principal;    /* NotPrincipal given instead of Principal */
    bool not_action;       /* NotAction given instead of Action */
    bool anyone;           /* Principal "*" or {"AWS": "*"} (or an Allow with NotPrincipal) */
    ld_strlist accounts;   /* 12-digit account ids named by AWS principals (deduplicated) */
    ld_strlist principals; /* every principal value as written ("AWS:arn:...", "Service:x") */
    ld_strlist actions;    /* Action (or NotAction) patterns as written */
    ld_strlist conditions; /* "operator:key" of each Condition entry; empty: no Condition */
} ld_iam_statement;

typedef struct {
    ld_iam_statement *v;
    size_t n;
} ld_iam_policy;

/* Parses text[0..len) (name prefixes messages: "repository R: policyText").
 * On success fills *out (caller ld_iam_policy_clear's it) and returns 0;
 * on failure returns < 0 (LD_ERR_CORRUPT malformed or wrong types,
 * LD_ERR_LIMIT over a limit) with *out empty. */
int ld_iam_policy_parse(const char *name, const char *text, size_t len, ld_iam_policy *out,
                        ld_error *err);
void ld_iam_policy_clear(ld_iam_policy *p);

/* IAM action matching: case-insensitive, '*' any run of characters, '?'
 * one character ("ecr:Put*" matches "ecr:PutImage"). */
bool ld_iam_action_matches(const char *pattern, const char *action);
/* Whether statement st covers action (through Action, or through NotAction
 * when action is not excluded). */
bool ld_iam_statement_covers(const ld_iam_statement *st, const char *action);

#endif
