/* Dockerfile lint rules: security checks over a parsed Dockerfile
 * (dockerfile_parse.h), each with a stable check id `dockerfile.<rule>`
 * listed in data/controls.yaml and src/core/check_registry.c. Linting is a
 * pure function of the Dockerfile and the trusted-registry list; results
 * carry the line of the offending instruction and its text with secrets
 * masked. ld_dockerfile_report() turns results into report findings whose
 * location is the Dockerfile line (SARIF region.startLine).
 * Not for images: image configuration checks live elsewhere. */
#ifndef LD_CHECKS_DOCKERFILE_RULES_H
#define LD_CHECKS_DOCKERFILE_RULES_H

#include <stddef.h>

#include "checks/dockerfile_parse.h"
#include "core/error.h"
#include "core/findings.h"
#include "core/types.h"
#include "util/strlist.h"

typedef struct {
    const char *id; /* "dockerfile.user" */
    ld_severity severity;
    const char *title; /* finding title when the rule fails */
    const char *pass;  /* evidence when it passes */
} ld_df_rule;

/* The rules, in report order; *n receives the count. */
const ld_df_rule *ld_df_rules(size_t *n);
const ld_df_rule *ld_df_rule_find(const char *id);

typedef struct {
    const ld_df_rule *rule;
    ld_status status; /* LD_STATUS_FAIL, _PASS, or _ERROR (could not look) */
    int line;         /* 1-based Dockerfile line; 0: the whole file */
    char *evidence;   /* instruction text, secrets masked */
} ld_df_result;

typedef struct {
    ld_df_result *v;
    size_t n, cap;
    ld_strlist notes; /* things the report should say (a rule not assessed, ...) */
} ld_df_results;

/* Lints df. trusted: the policy's trusted registries (NULL or empty: the
 * trusted-base rule is not assessed, with a note). Appends one result per failing
 * instruction, and one pass result per rule that found nothing. */
void ld_dockerfile_lint(const ld_dockerfile *df, const ld_strlist *trusted, ld_df_results *out);
void ld_df_results_clear(ld_df_results *res);
/* Number of results of rule id with status st (tests, summaries). */
size_t ld_df_results_count(const ld_df_results *res, const char *id, ld_status st);

/* Emits every result as a finding (target: the Dockerfile at path, location
 * path:line) and the notes. Returns 0 or what ld_findings_add returned. */
int ld_dockerfile_report(ld_findings *r, const char *path, const ld_df_results *res, ld_error *err);

/* Masks secrets in text: the values of in's secret-named ENV/ARG keys as
 * the parser read them (quoted, continued, "KEY value" form), then what
 * every printed text gets (ld_secret_mask_text with the built-in rules:
 * rule matches, credential pairs, private key bodies), each masked the way
 * a secret finding is (ld_secret_mask). Keeps at most the first 4 KiB of
 * text (evidence shows less); a text with more secrets than can be masked
 * in bounded time is replaced by a notice. New string; caller frees. in
 * may be NULL (no parsed pairs). */
char *ld_df_mask_secrets(const ld_df_instr *in, const char *text);

#endif
