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
    const char *validate;       /* NULL, or "jwt": the secret must decode as a JWT */
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
 * A regex that can backtrack exponentially (ld_regex_exponential: (a+)+$,
 * (a|a)*$, ...) is refused. A rule id already present is replaced (custom
 * rules override built-ins). */
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
/* Validates a regex the way rules compile them (it must compile; no check
 * of exponential shapes: see ld_regex_exponential). Returns false and a
 * message (caller-sized buffer) when it does not compile. */
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

#define LD_SECRET_HITS_PER_FILE 1000 /* hits listed per file; more are counted */

/* A rule that stopped before it had searched all of a file: the file was
 * NOT fully searched for what that rule finds. */
typedef struct {
    const char *rule_id; /* borrowed from the rule set */
    const char *reason;  /* static: "match limit", "depth limit", "heap limit",
                            "JIT stack limit", "time budget", "out of memory", "error" */
} ld_secret_stopped;

/* Hits of one rule in one file past LD_SECRET_HITS_PER_FILE: counted only. */
typedef struct {
    const char *rule_id;     /* borrowed from the rule set */
    const char *description; /* borrowed */
    ld_severity severity;
    size_t count;
} ld_secret_unlisted;

typedef struct {
    ld_secret_hit *v;
    size_t n, cap;
    /* rules whose regex stopped early (a PCRE2 limit, an error, or
     * SECRET_RULE_TIME_BUDGET_MS of regex time on one file): each stops for
     * the rest of that file and is listed once per file in stopped. Their
     * part of the content was NOT searched, so "no hit" there is not an
     * observation: a caller reporting a verdict must treat a non-zero
     * incomplete as "not assessed", never as a pass. */
    size_t incomplete; /* = n_stopped */
    ld_secret_stopped *stopped;
    size_t n_stopped, cap_stopped;
    /* distinct secret positions matched beyond LD_SECRET_HITS_PER_FILE in
     * a file: counted, not listed, and not checked against allow rules
     * (the file has failed already; their regexes per match would make a
     * file of tokens cost more than its size); summed over the files
     * scanned into this. unlisted: the same per file and rule (entries of
     * the last file scanned come last). */
    size_t more;
    ld_secret_unlisted *unlisted;
    size_t n_unlisted, cap_unlisted;
} ld_secret_hits;

/* Scans one file's content; appends hits (sorted by offset, one per secret
 * position, at most LD_SECRET_HITS_PER_FILE: further positions only count
 * in out->more) to out. The caller applies the size and binary limits (see
 * ld_secret_looks_binary). Files whose path an allow rule without an id
 * covers are skipped. Returns 0, or < 0 with err set (out of memory). A
 * rule whose regex stops early is recorded in out->stopped and runs no
 * more on this file; the other rules go on. Time: linear in len for every
 * rule (one keyword pass, each byte in at most one window per rule,
 * constant work per hit); a rule's regex time per file is capped by its
 * limits and SECRET_RULE_TIME_BUDGET_MS. */
int ld_secret_scan(const ld_secret_ruleset *rs, const char *path, const uint8_t *data, size_t len,
                   ld_secret_hits *out, ld_error *err);
void ld_secret_hits_clear(ld_secret_hits *h);
/* True when data has a NUL in its first LD_SECRET_BINARY_PROBE bytes. */
bool ld_secret_looks_binary(const uint8_t *data, size_t len);
/* Masks secret s[0..n) into out: its first 4 characters (fewer for short
 * secrets: 2 under 16, none under 8) then asterisks; control and non-ASCII
 * bytes shown as '?'. */
void ld_secret_mask(const char *s, size_t n, char out[LD_SECRET_MASK_MAX]);

/* ---- masking text that lockdown prints ----
 * Everything lockdown shows from an image's history, labels, Env, Cmd, a
 * Dockerfile or engine inspect output goes through ld_secret_mask_text, so
 * a secret is masked the same way wherever it appears (as in a secret
 * finding: ld_secret_mask of the secret). */

#define LD_SECRET_MASK_TEXT_MAX ((size_t)64 << 10) /* bytes of text kept; more is cut */
#define LD_SECRET_TEXT_WITHHELD "(text withheld: it could not be checked for secrets)"

/* The built-in rule set (data/secret-rules.yaml), compiled on first use,
 * once per process (pthread_once: safe to call from any thread). The
 * library owns it for the life of the process: callers never free it. It
 * is read-only once returned (scanning with it is thread-safe); the one
 * process-wide object of the library, kept because compiling ~110 regexes
 * per masked string would cost more than the scan. NULL with err set only
 * when the built-in rules do not compile (a build problem). */
const ld_secret_ruleset *ld_secret_rules_builtin(ld_error *err);

/* Does a variable, label, flag or JSON key name look like it holds a
 * credential ("DB_PASSWORD", "githubToken", "--api-key", "x-auth-token")?
 * Words are matched whole after camelCase, '-' and '.' become '_' (so
 * TOKENIZERS_PARALLELISM is not a token); names that point at a secret
 * rather than hold one (..._FILE, _PATH, _URL, _ID, _USER, ...) are not. */
bool ld_secret_key_name(const char *name, size_t n);

/* A copy of text (at most LD_SECRET_MASK_TEXT_MAX bytes of it, then "...")
 * in which every secret is masked with ld_secret_mask:
 *  - every match of a rule of rs (NULL: the built-in rules). Allow rules,
 *    path limits and entropy minimums are NOT applied: in text shown to a
 *    reader, hiding too much is the safe mistake (AWS's documented example
 *    key is masked too);
 *  - the value of every credential-looking pair: KEY=VALUE, KEY = VALUE,
 *    KEY: VALUE, "key": "value", --flag=VALUE, --flag VALUE (key judged by
 *    ld_secret_key_name; values that only refer to a secret - $VAR,
 *    ${VAR}, <name>, {{ x }}, true/false - and already masked ones are left
 *    alone), the credential after "Bearer"/"Basic"/"token", and the
 *    password of "-u user:password";
 *  - the body of every PEM private key block (the BEGIN line is kept).
 * Never fails: when the rules are not at hand or a regex could not finish
 * (hostile text), the whole text is replaced by LD_SECRET_TEXT_WITHHELD.
 * Caller frees; NULL in, NULL out. */
char *ld_secret_mask_text(const ld_secret_ruleset *rs, const char *text);

/* An image history command (created_by) masked for display: the values of
 * build arguments ("|2 A=x B=y /bin/sh -c ...", "ARG A=x") whatever their
 * names, then everything ld_secret_mask_text masks. rs NULL: the built-in
 * rules. Caller frees; NULL in, NULL out. */
char *ld_secret_mask_history(const ld_secret_ruleset *rs, const char *created_by);

#endif
