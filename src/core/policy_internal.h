/* What the policy parser's files share (policy.c: the sections and the
 * entry points; policy_secrets.c: the secrets section; policy_parse.c: the
 * diagnostics and the typed-value validators every section uses). Private to
 * src/core/policy*.c: not an API. */
#ifndef LD_CORE_POLICY_INTERNAL_H
#define LD_CORE_POLICY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/policy.h"
#include "util/strlist.h"
#include "util/yaml_doc.h"

#define POLICY_MAX_BYTES ((size_t)1 << 20) /* 1 MiB: a policy is a page or two */
#define POLICY_MAX_DEPTH 16                /* the schema needs 4 */
/* The YAML loader checks duplicate keys pairwise, so the node cap also bounds
 * the time a hostile file can take (40,000 nodes: under a second). It leaves
 * room for about 4,000 exceptions. */
#define POLICY_MAX_NODES 40000
#define POLICY_MAX_ENTRIES 10000 /* per list: exceptions, attestations, registries */
#define POLICY_MAX_KEYS 256      /* trusted keys: each is parsed as a public key */
#define POLICY_MAX_DIAGS 100     /* kept in diags; all are counted */
#define MAX_WORD 256             /* ids, names, patterns, registries */
#define MAX_TEXT 4096            /* reasons, evidence links */
#define MAX_KEY_TEXT 65536       /* PEM public keys */
#define SHOWN_MAX 60             /* characters of user text quoted in a message */

/* The parse in progress: where problems go. */
typedef struct {
    const char *name;
    ld_strlist *diags; /* may be NULL */
    size_t problems;
    char first[LD_ERROR_MSG_MAX];
} pol_ctx;

/* A buffer for user text quoted in a message (POL_SHOW). */
typedef struct {
    char b[SHOWN_MAX * 8 + 16]; /* a C1 control takes 8 bytes */
} pol_shown_buf;

#define POL_SHOW(sb, s) pol_shown((sb).b, sizeof((sb).b), (s))

/* Records one problem: "NAME:LINE: message" (or "NAME: message" for line 0). */
void pol_problem(pol_ctx *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *pol_shown(char *buf, size_t size, const char *s);
bool pol_is_null(const ld_yaml_node *n);
bool pol_has_space(const char *s);
bool pol_has_control(const char *s, bool allow_newlines);
char *pol_or_list(const char *const *names);
void pol_unknown_key(pol_ctx *c, const ld_yaml_node *k, const char *where,
                     const char *const *allowed);
int pol_key_index(pol_ctx *c, const ld_yaml_node *k, const char *where, const char *const *allowed);
const char *pol_want_str(pol_ctx *c, const ld_yaml_node *v, const char *key, size_t max,
                         bool multiline);
bool pol_take_str(pol_ctx *c, const ld_yaml_node *v, const char *key, size_t max, char **out);
int pol_want_enum(pol_ctx *c, const ld_yaml_node *v, const char *key, const char *const *names);
bool pol_want_bool(pol_ctx *c, const ld_yaml_node *v, const char *key, bool *out);
bool pol_want_date(pol_ctx *c, const ld_yaml_node *v, const char *key, char **out);
bool pol_want_kind(pol_ctx *c, const ld_yaml_node *k, const ld_yaml_node *v, ld_yaml_kind kind);
bool pol_want_list(pol_ctx *c, const ld_yaml_node *k, const ld_yaml_node *v, size_t max);

/* "critical", "high", "medium", "low", "info", NULL (policy.c). */
extern const char *const pol_severity_names[];

/* The secrets section (policy_secrets.c). */
void pol_parse_secrets(pol_ctx *c, const ld_yaml_node *key, const ld_yaml_node *v, ld_policy *p);
/* The registry section (policy_registry.c). */
void pol_parse_registry(pol_ctx *c, const ld_yaml_node *key, const ld_yaml_node *v, ld_policy *p);
/* The kubernetes section (policy_kubernetes.c). */
void pol_parse_kubernetes(pol_ctx *c, const ld_yaml_node *key, const ld_yaml_node *v,
                          ld_policy *p);

#endif
