/* Secret scanning: a set of rules (built-in data/secret-rules.yaml, plus
 * custom rules and allow rules from the policy), each a PCRE2 regex guarded
 * by lowercase keywords. A scan runs one Aho-Corasick automaton over the
 * content (case-insensitive, one table lookup per byte) and runs a rule's
 * regex only on the lines around its keyword hits. Hits carry a masked
 * excerpt only: the secret itself never leaves ld_secret_scan.
 * Not for reporting (image_scan.c turns hits into findings). */
#ifndef LD_CHECKS_SECRETS_H
#define LD_CHECKS_SECRETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/types.h"
#include "util/strlist.h"

#define LD_SECRET_DEFAULT_MAX_BYTES ((uint64_t)10 << 20) /* 10 MiB per file */
#define LD_SECRET_BINARY_PROBE 8192 /* a NUL in the first 8 KiB: binary */
#define LD_SECRET_MASK_MAX 32       /* masked excerpt incl. NUL */

typedef struct ld_secret_ruleset ld_secret_ruleset;

/* One rule as written in YAML or the policy (strings borrowed). */
typedef struct {
    const char *id;
    const char *description;
    ld_severity severity;
    const ld_strlist *keywords; /* at least one; matched case-insensitively */
    const char *regex;          /* PCRE2 */
    const char *path;           /* optional PCRE2 over the file path */
    int group; /* capture group holding the secret; 0 = whole match; -1: 1 if any, else 0 */
    double entropy;             /* minimum Shannon entropy (bits/char) of the secret; 0: none */
    unsigned window;            /* bytes the regex sees around the keyword's line */
} ld_secret_rule_spec;

/* Empty rule set; add rules, then ld_secret_rules_compile before scanning. */
ld_secret_ruleset *ld_secret_rules_new(void);
void ld_secret_rules_free(ld_secret_ruleset *rs);
/* Adds the built-in rules and allow rules (data/secret-rules.yaml). */
int ld_secret_rules_add_builtin(ld_secret_ruleset *rs, ld_error *err);
/* Adds rules and allow rules from a YAML document of the secret-rules.yaml
 * shape (name is used in messages). */
int ld_secret_rules_add_yaml(ld_secret_ruleset *rs, const char *name, const char *buf, size_t len,
                             ld_error *err);
/* Adds one rule; its regex and path are compiled now (errors name the rule).
 * A rule id already present is replaced (custom rules override built-ins). */
int ld_secret_rules_add(ld_secret_ruleset *rs, const ld_secret_rule_spec *spec, ld_error *err);
/* Adds an allow rule: a hit is dropped when regex matches the secret or path
 * matches the file; rule_id limits it to one rule (NULL: all). At least one
 * of path and regex. */
int ld_secret_rules_add_allow(ld_secret_ruleset *rs, const char *rule_id, const char *path,
                              const char *regex, ld_error *err);
/* Builds the keyword automaton; the set is read-only (and thread-safe to
 * scan with) afterwards. */
int ld_secret_rules_compile(ld_secret_ruleset *rs, ld_error *err);
size_t ld_secret_rules_count(const ld_secret_ruleset *rs);
/* Validates a regex the way rules compile them; for the policy parser.
 * Returns false and a message (caller-sized buffer) when it does not compile. */
bool ld_secret_regex_ok(const char *regex, char *msg, size_t msg_size);

typedef struct {
    const char *rule_id;     /* borrowed from the rule set */
    const char *description; /* borrowed */
    ld_severity severity;
    char masked[LD_SECRET_MASK_MAX]; /* first characters + asterisks; never the whole secret */
    int line;                        /* 1-based */
    size_t offset;                   /* byte offset of the secret in the file */
    size_t rule_index;               /* position of the rule in the set (lower: more specific) */
} ld_secret_hit;

typedef struct {
    ld_secret_hit *v;
    size_t n, cap;
} ld_secret_hits;

/* Scans one file's content; appends hits (sorted by offset, one per secret
 * position) to out. The caller applies the size and binary limits (see
 * ld_secret_looks_binary). Files whose path an allow rule without an id
 * covers are skipped. Returns 0, or < 0 with err set (out of memory only:
 * regex limits end that window's matching silently). */
int ld_secret_scan(const ld_secret_ruleset *rs, const char *path, const uint8_t *data, size_t len,
                   ld_secret_hits *out, ld_error *err);
void ld_secret_hits_clear(ld_secret_hits *h);
/* True when data has a NUL in its first LD_SECRET_BINARY_PROBE bytes. */
bool ld_secret_looks_binary(const uint8_t *data, size_t len);
/* Masks secret s[0..n) into out: its first 4 characters (fewer for short
 * secrets: 2 under 16, none under 8) then asterisks; control and non-ASCII
 * bytes shown as '?'. */
void ld_secret_mask(const char *s, size_t n, char out[LD_SECRET_MASK_MAX]);

#endif
