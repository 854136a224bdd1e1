/* Runtime rules in Falco's YAML language, so Falco users can read and
 * write them: a rule file is a sequence of items, each one of
 *
 *   - list:  NAME             items: [a, b, other_list]
 *   - macro: NAME             condition: <expr>
 *   - rule:  NAME             desc, condition, output, priority, tags,
 *                             enabled, exceptions, source (syscall only)
 *   - required_engine_version (accepted, ignored)
 *
 * with `append: true` (add to an earlier item of the same name: list items,
 * a macro's or rule's condition " or"-joined as Falco does for rules:
 * condition text appended; exceptions appended) and `override:` (a map
 * from key to append|replace, Falco 0.36 form). Files are merged in the
 * order given; a later plain definition of the same name replaces the
 * earlier one. Conditions: and / or / not, parentheses, comparisons
 * = == != < <= > >= in (list) intersects contains icontains startswith
 * endswith glob pmatch exists; list and macro names expand; strings bare
 * or quoted. `output` takes %field (and %field[N]) references.
 * Priorities: EMERGENCY ALERT CRITICAL ERROR WARNING NOTICE
 * INFORMATIONAL (INFO) DEBUG.
 *
 * lockdown extensions a Falco reader will recognise: a tag that is a
 * catalog control id (NIST-CTR-01-A ...) is the rule's lockdown.control;
 * `action: capture` (issue 15) asks for a forensic capture when it fires.
 *
 * Errors name the file and line ("rules.yaml:12: rule 'x': unknown field
 * 'proc.nme' (did you mean proc.name?)"); a rule file is hostile input
 * (sizes, depth and expansion are bounded, macro cycles refused). */
#ifndef LD_RUNTIME_RULES_H
#define LD_RUNTIME_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "runtime/fields.h"
#include "util/strlist.h"

typedef enum {
    LD_RT_PRIO_EMERGENCY = 0,
    LD_RT_PRIO_ALERT,
    LD_RT_PRIO_CRITICAL,
    LD_RT_PRIO_ERROR,
    LD_RT_PRIO_WARNING,
    LD_RT_PRIO_NOTICE,
    LD_RT_PRIO_INFORMATIONAL,
    LD_RT_PRIO_DEBUG,
} ld_rt_priority; /* numerically the syslog severity */

const char *ld_rt_priority_name(ld_rt_priority p); /* "Warning", as Falco prints it */
int ld_rt_priority_parse(const char *s, ld_rt_priority *out); /* case-insensitive; 0 or -1 */

/* A compiled rule as the watch loop and the sinks see it. */
typedef struct {
    const char *name;
    const char *desc;
    const char *output;  /* the template, %fields unexpanded */
    ld_rt_priority priority;
    const char *const *tags; /* NULL-terminated */
    const char *control;     /* the catalog control from the tags; NULL if none */
    bool capture;            /* action: capture */
    const char *file;        /* where it was (last) defined */
    int line;
} ld_rt_rule;

typedef struct ld_rt_ruleset ld_rt_ruleset;

ld_rt_ruleset *ld_rt_rules_new(void);
void ld_rt_rules_free(ld_rt_ruleset *rs);

/* Adds the items of one rule file (merged after what is loaded). Parse
 * errors are fatal for the file: returns LD_ERR_INVALID with err naming
 * file:line. Semantic errors (unknown field, undefined macro, bad
 * priority) are found by ld_rt_rules_compile. */
int ld_rt_rules_load_file(ld_rt_ruleset *rs, const char *path, ld_error *err);
int ld_rt_rules_load_buffer(ld_rt_ruleset *rs, const char *name, const char *buf, size_t len,
                            ld_error *err);
/* The default rule set compiled into lockdown (data/runtime-rules.yaml). */
int ld_rt_rules_load_default(ld_rt_ruleset *rs, ld_error *err);

/* Expands lists and macros and compiles every enabled rule. Every problem
 * is added to diags as "FILE:LINE: message" (all of them, for --validate);
 * warnings (a rule that can never match an event type lockdown produces)
 * go to warnings. Returns 0 when there is no error, else LD_ERR_INVALID
 * with err holding the first. */
int ld_rt_rules_compile(ld_rt_ruleset *rs, ld_strlist *diags, ld_strlist *warnings, ld_error *err);

/* After compile: the enabled rules, in load order. */
size_t ld_rt_rules_count(const ld_rt_ruleset *rs);
const ld_rt_rule *ld_rt_rules_get(const ld_rt_ruleset *rs, size_t i);
/* Does the rule set need events of this type at all? (lets the watch loop
 * skip enrichment and lets sources filter) */
bool ld_rt_rules_wants(const ld_rt_ruleset *rs, ld_rt_evtype t);

/* Evaluates every enabled rule (conditions and exceptions) against ctx
 * and stores the indexes of those that match into hits (at most max).
 * Returns how many matched (may exceed max: only max are stored). Rules
 * are pre-indexed by the event types their condition can match, so an
 * event only meets the rules that may fire on it. */
size_t ld_rt_rules_match(const ld_rt_ruleset *rs, const ld_rt_field_ctx *ctx, size_t *hits,
                         size_t max);
/* Expands rule i's output template for ctx into out (cut at n, always
 * NUL-terminated); values are printed as read, control characters escaped. */
void ld_rt_rules_format_output(const ld_rt_ruleset *rs, size_t i, const ld_rt_field_ctx *ctx,
                               char *out, size_t n);

/* ---- the condition language (rules_cond.c), used by the loader ---- */
typedef struct ld_rt_cond ld_rt_cond;
/* Resolves a list name to its items (NULL if not a list) and a macro name
 * to its condition text (NULL if not a macro) while compiling. */
typedef struct {
    const ld_strlist *(*list)(void *ctx, const char *name);
    const char *(*macro)(void *ctx, const char *name, const char **file, int *line);
    void *ctx;
} ld_rt_cond_env;
/* Compiles condition text (macros expanded recursively, depth-bounded,
 * cycles refused). NULL with err ("column C: ...") on error. */
ld_rt_cond *ld_rt_cond_compile(const char *text, const ld_rt_cond_env *env, ld_error *err);
void ld_rt_cond_free(ld_rt_cond *c);
bool ld_rt_cond_eval(const ld_rt_cond *c, const ld_rt_field_ctx *ctx);
/* The event types c can match: bit (1u << type) set for each; all bits
 * when the condition does not constrain evt.type. */
uint64_t ld_rt_cond_evtypes(const ld_rt_cond *c);

#endif
