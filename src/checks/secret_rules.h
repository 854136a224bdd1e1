/* Internal to the secret scanner (secret_rules.c builds, secrets.c scans):
 * the compiled rule set and its keyword automaton. Not a public API; use
 * checks/secrets.h. */
#ifndef LD_CHECKS_SECRET_RULES_H
#define LD_CHECKS_SECRET_RULES_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>

#include "checks/secrets.h"

#define SECRET_MAX_RULES 1024
#define SECRET_MAX_STATES 65535 /* automaton states fit uint16_t */
#define SECRET_MAX_KEYWORD 64
#define SECRET_MAX_WINDOW 65536
#define SECRET_LINE_MAX 4096 /* bytes searched back/forward for a line end */
/* PCRE2 limits, per rule (secret_rules.c sizes them from the rule's window:
 * the longest text its regex is given is 2 * (SECRET_LINE_MAX + window)).
 * PCRE2 counts the match limit per start position: a regex that is linear
 * there (every real rule) stays far below SECRET_MATCH_STEPS_PER_BYTE steps
 * per byte of its window; (a+)+$ reaches the limit in well under a
 * millisecond with JIT. The depth limit (interpreter) and the JIT stack
 * allow a few backtracking frames per byte of the window, so a group
 * repeated over a whole long line still finishes. */
#define SECRET_MATCH_LIMIT 200000               /* the least match limit of any rule */
#define SECRET_MATCH_STEPS_PER_BYTE 32          /* match limit per byte of the longest window */
#define SECRET_DEPTH_PER_BYTE 4                 /* depth limit per byte of the longest window */
#define SECRET_HEAP_LIMIT_MAX_KIB 65536         /* interpreter frames of one match, at most */
#define SECRET_JIT_STACK_MAX ((size_t)16 << 20) /* per thread, reserved lazily */
/* Regex time one rule may spend on one file (or text) before it stops
 * there as "not fully searched": the safety net for patterns that stay
 * under the match limit at every start position yet cost time quadratic in
 * a long line (\w+\d over a line of letters). Real rules spend
 * milliseconds on a 10 MiB file. Wall time of a coarse clock (read at
 * about 10 ns), so a heavily loaded machine reaches it sooner. */
#define SECRET_RULE_TIME_BUDGET_MS 1000

typedef struct {
    char *id;
    char *description;
    ld_severity severity;
    ld_strlist keywords;
    pcre2_code *re;
    pcre2_code *path_re; /* NULL: every file */
    int group;
    double entropy;
    unsigned window;
    bool validate_jwt; /* header and payload must be base64url JSON objects, header with "alg" */
    pcre2_match_context *mctx; /* this rule's limits (sized from its window) and JIT stack */
} secret_rule;

typedef struct {
    char *rule_id;       /* NULL: every rule */
    pcre2_code *path_re; /* NULL: any path */
    pcre2_code *re;      /* NULL: any secret */
} secret_allow;

struct ld_secret_ruleset {
    secret_rule *rules;
    size_t n_rules, cap_rules;
    secret_allow *allow;
    size_t n_allow, cap_allow;
    bool compiled;
    /* automaton over byte classes (bytes in no keyword share class 0,
     * letters fold to lower case): delta[(state << class_shift) | cls[byte]];
     * a narrow table stays in cache. out_start/out_n index out_rules. */
    uint8_t cls[256];
    unsigned class_shift;
    uint16_t *delta;
    uint8_t *has_out;
    uint32_t *out_start;
    uint16_t *out_n;
    uint16_t *out_rules;
    size_t n_states, n_out;
    size_t max_keyword; /* longest keyword in bytes */
    pcre2_match_context *mctx; /* path and allow regexes: limits for a line-sized text */
};

/* A byte range [start, end) of scanned content that a rule matched. */
typedef struct {
    size_t start, end;
} secret_span;

typedef struct {
    secret_span *v;
    size_t n, cap;
} secret_spans;

/* The scan behind ld_secret_mask_text: every rule runs whatever its path
 * limit, and neither entropy minimums nor allow rules drop a match; every
 * match (of every rule, overlapping or not) is appended to spans. Rules
 * that could not finish (a limit, the time budget) count in *incomplete.
 * Returns 0, or < 0 with err set (out of memory). */
int ld_secret_scan_spans(const ld_secret_ruleset *rs, const uint8_t *data, size_t len,
                         secret_spans *spans, size_t *incomplete, ld_error *err);

#endif
