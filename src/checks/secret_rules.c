/* Building a secret rule set: rules and allow rules from data/secret-rules.yaml
 * (compiled in), from a YAML text, or one by one (policy custom rules);
 * PCRE2 compilation with JIT, each rule's match context (match, depth and
 * heap limits sized from its window; a per-thread JIT stack) and the
 * refusal of exponential regexes; and the case-insensitive Aho-Corasick
 * automaton over every rule's keywords that the scanner (secrets.c) runs
 * before any regex. Not for scanning. */
#include "checks/secret_rules.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/regex_risk.h"
#include "util/yaml_doc.h"

extern const unsigned char ld_data_secret_rules_yaml[];
extern const size_t ld_data_secret_rules_yaml_len;

#define RULES_MAX_BYTES ((size_t)1 << 20)

ld_secret_ruleset *ld_secret_rules_new(void)
{
    return ld_xcalloc(1, sizeof(ld_secret_ruleset));
}

static void rule_clear(secret_rule *r)
{
    free(r->id);
    free(r->description);
    ld_strlist_clear(&r->keywords);
    pcre2_code_free(r->re);
    pcre2_code_free(r->path_re);
    pcre2_match_context_free(r->mctx);
    memset(r, 0, sizeof(*r));
}

/* ---- limits ---- */

/* One JIT stack per thread (a JIT stack must not serve two matches at
 * once, and rule sets are scanned from several threads), made on first
 * use and freed when the thread ends. Without one (no memory) PCRE2 uses
 * its 32 KiB default and a deep match ends in PCRE2_ERROR_JIT_STACKLIMIT,
 * which the scanner reports as not searched. */
static pthread_once_t jit_key_once = PTHREAD_ONCE_INIT;
static pthread_key_t jit_key;
static bool jit_key_ok;

static void jit_stack_release(void *stack)
{
    pcre2_jit_stack_free(stack);
}

static void jit_key_make(void)
{
    jit_key_ok = pthread_key_create(&jit_key, jit_stack_release) == 0;
}

static pcre2_jit_stack *thread_jit_stack(void *unused)
{
    (void)unused;
    pthread_once(&jit_key_once, jit_key_make);
    if (!jit_key_ok)
        return NULL;
    pcre2_jit_stack *st = pthread_getspecific(jit_key);
    if (!st) {
        st = pcre2_jit_stack_create(32 << 10, SECRET_JIT_STACK_MAX, NULL);
        if (st && pthread_setspecific(jit_key, st) != 0) {
            pcre2_jit_stack_free(st);
            st = NULL;
        }
    }
    return st;
}

/* A match context for a regex given at most window_max bytes at once:
 * the match limit grows with the window (PCRE2 counts it per start
 * position, and a real rule is linear there), the depth limit allows a few
 * frames per byte, the heap limit those frames. NULL: no memory. */
static pcre2_match_context *limits_for(const pcre2_code *re, size_t window_max)
{
    pcre2_match_context *m = pcre2_match_context_create(NULL);
    if (!m)
        return NULL;
    size_t frame = 0;
    if (!re || pcre2_pattern_info(re, PCRE2_INFO_FRAMESIZE, &frame) != 0 || frame == 0)
        frame = 256;
    uint64_t match = (uint64_t)SECRET_MATCH_STEPS_PER_BYTE * window_max;
    if (match < SECRET_MATCH_LIMIT)
        match = SECRET_MATCH_LIMIT;
    uint64_t depth = (uint64_t)SECRET_DEPTH_PER_BYTE * window_max + 1000;
    uint64_t heap_kib = depth * frame / 1024 + 1024;
    if (heap_kib > SECRET_HEAP_LIMIT_MAX_KIB)
        heap_kib = SECRET_HEAP_LIMIT_MAX_KIB;
    pcre2_set_match_limit(m, (uint32_t)match);
    pcre2_set_depth_limit(m, (uint32_t)depth);
    pcre2_set_heap_limit(m, (uint32_t)heap_kib);
    pcre2_jit_stack_assign(m, thread_jit_stack, NULL);
    return m;
}

/* The longest text a rule's regex is given at once (see run_rule). */
static size_t rule_window_max(unsigned window)
{
    return 2 * ((size_t)SECRET_LINE_MAX + window);
}

/* "regex can take exponential time (nested quantifier at offset 4)" into
 * msg when re has such a shape; false otherwise. */
static bool exponential_msg(const char *re, char *msg, size_t msg_size)
{
    ld_regex_risk why = {0};
    if (!ld_regex_exponential(re, &why))
        return false;
    snprintf(msg, msg_size, "can take exponential time (%s at offset %zu)", why.what, why.offset);
    return true;
}

static void automaton_free(ld_secret_ruleset *rs)
{
    free(rs->delta);
    free(rs->has_out);
    free(rs->out_start);
    free(rs->out_n);
    free(rs->out_rules);
    rs->delta = NULL;
    rs->has_out = NULL;
    rs->out_start = NULL;
    rs->out_n = NULL;
    rs->out_rules = NULL;
    rs->n_states = rs->n_out = 0;
    rs->max_keyword = 0;
    rs->compiled = false;
}

void ld_secret_rules_free(ld_secret_ruleset *rs)
{
    if (!rs)
        return;
    for (size_t i = 0; i < rs->n_rules; i++)
        rule_clear(&rs->rules[i]);
    free(rs->rules);
    for (size_t i = 0; i < rs->n_allow; i++) {
        free(rs->allow[i].rule_id);
        pcre2_code_free(rs->allow[i].path_re);
        pcre2_code_free(rs->allow[i].re);
    }
    free(rs->allow);
    automaton_free(rs);
    pcre2_match_context_free(rs->mctx);
    free(rs);
}

size_t ld_secret_rules_count(const ld_secret_ruleset *rs)
{
    return rs ? rs->n_rules : 0;
}

/* Compiles re (UTF mode off: file content is bytes) with JIT when the
 * platform has it. Returns NULL with msg filled on a syntax error. */
static pcre2_code *compile_re(const char *re, char *msg, size_t msg_size)
{
    int ecode = 0;
    PCRE2_SIZE eoff = 0;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0, &ecode, &eoff, NULL);
    if (!code) {
        PCRE2_UCHAR buf[256];
        if (pcre2_get_error_message(ecode, buf, sizeof(buf)) < 0)
            snprintf((char *)buf, sizeof(buf), "error %d", ecode);
        snprintf(msg, msg_size, "%s at offset %zu", (const char *)buf, (size_t)eoff);
        return NULL;
    }
    (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); /* no JIT: the interpreter still works */
    return code;
}

bool ld_secret_regex_ok(const char *regex, char *msg, size_t msg_size)
{
    pcre2_code *c = compile_re(regex, msg, msg_size);
    pcre2_code_free(c);
    return c != NULL;
}

static bool valid_id(const char *id)
{
    if (!id || !id[0] || strlen(id) > 64)
        return false;
    for (const char *p = id; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-' || *p == '_' ||
              *p == '.'))
            return false;
    return true;
}

int ld_secret_rules_add(ld_secret_ruleset *rs, const ld_secret_rule_spec *spec, ld_error *err)
{
    char msg[300];
    if (!valid_id(spec->id))
        return ld_error_set(err, LD_ERR_INVALID,
                            "secret rule id \"%.64s\" must be 1-64 lowercase letters, digits, "
                            "'-', '_' or '.'",
                            spec->id ? spec->id : "");
    if (!spec->regex || !spec->regex[0])
        return ld_error_set(err, LD_ERR_INVALID, "secret rule %s: missing regex", spec->id);
    if (!spec->keywords || spec->keywords->n == 0)
        return ld_error_set(err, LD_ERR_INVALID,
                            "secret rule %s: needs at least one keyword (the prefilter)", spec->id);
    for (size_t i = 0; i < spec->keywords->n; i++) {
        size_t kl = strlen(spec->keywords->v[i]);
        if (kl == 0 || kl > SECRET_MAX_KEYWORD)
            return ld_error_set(err, LD_ERR_INVALID,
                                "secret rule %s: keyword %zu must have 1-%d characters", spec->id,
                                i + 1, SECRET_MAX_KEYWORD);
    }
    if (spec->group < -1 || spec->group > 9)
        return ld_error_set(err, LD_ERR_INVALID, "secret rule %s: secret-group must be 0-9",
                            spec->id);
    if (spec->validate && spec->validate[0] && strcmp(spec->validate, "jwt") != 0)
        return ld_error_set(err, LD_ERR_INVALID, "secret rule %s: validate must be \"jwt\"",
                            spec->id);
    if (spec->window > SECRET_MAX_WINDOW)
        return ld_error_set(err, LD_ERR_INVALID, "secret rule %s: window must be at most %d",
                            spec->id, SECRET_MAX_WINDOW);
    secret_rule r = {0};
    r.re = compile_re(spec->regex, msg, sizeof(msg));
    if (!r.re)
        return ld_error_set(err, LD_ERR_INVALID, "secret rule %s: regex: %s", spec->id, msg);
    if (exponential_msg(spec->regex, msg, sizeof(msg))) {
        pcre2_code_free(r.re);
        return ld_error_set(err, LD_ERR_INVALID, "secret rule %s: regex %s", spec->id, msg);
    }
    if (spec->path && spec->path[0]) {
        r.path_re = compile_re(spec->path, msg, sizeof(msg));
        if (!r.path_re) {
            pcre2_code_free(r.re);
            return ld_error_set(err, LD_ERR_INVALID, "secret rule %s: path: %s", spec->id, msg);
        }
        if (exponential_msg(spec->path, msg, sizeof(msg))) {
            rule_clear(&r);
            return ld_error_set(err, LD_ERR_INVALID, "secret rule %s: path %s", spec->id, msg);
        }
    }
    r.mctx = limits_for(r.re, rule_window_max(spec->window));
    if (!r.mctx) {
        rule_clear(&r);
        return ld_error_set(err, LD_ERR_NOMEM, "secret rule %s: out of memory", spec->id);
    }
    uint32_t groups = 0;
    pcre2_pattern_info(r.re, PCRE2_INFO_CAPTURECOUNT, &groups);
    int group = spec->group < 0 ? (groups > 0 ? 1 : 0) : spec->group;
    if ((uint32_t)group > groups) {
        rule_clear(&r);
        return ld_error_set(err, LD_ERR_INVALID,
                            "secret rule %s: secret-group %d but the regex has %u group%s",
                            spec->id, spec->group, groups, groups == 1 ? "" : "s");
    }
    r.id = ld_xstrdup(spec->id);
    r.description = ld_xstrdup(spec->description ? spec->description : spec->id);
    r.severity = spec->severity;
    for (size_t i = 0; i < spec->keywords->n; i++) {
        char *k = ld_xstrdup(spec->keywords->v[i]);
        for (char *p = k; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        ld_strlist_push_owned(&r.keywords, k);
    }
    r.group = group;
    r.entropy = spec->entropy;
    r.window = spec->window;
    r.validate_jwt = spec->validate && strcmp(spec->validate, "jwt") == 0;
    automaton_free(rs);
    for (size_t i = 0; i < rs->n_rules; i++)
        if (strcmp(rs->rules[i].id, r.id) == 0) {
            rule_clear(&rs->rules[i]);
            rs->rules[i] = r;
            return 0;
        }
    if (rs->n_rules >= SECRET_MAX_RULES) {
        rule_clear(&r);
        return ld_error_set(err, LD_ERR_LIMIT, "secret rule %s: more than %d rules", spec->id,
                            SECRET_MAX_RULES);
    }
    ld_xgrow(&rs->rules, &rs->cap_rules, rs->n_rules + 1, sizeof(*rs->rules));
    rs->rules[rs->n_rules++] = r;
    return 0;
}

int ld_secret_rules_add_allow(ld_secret_ruleset *rs, const char *rule_id, const char *path,
                              const char *regex, ld_error *err)
{
    char msg[300];
    if ((!path || !path[0]) && (!regex || !regex[0]))
        return ld_error_set(err, LD_ERR_INVALID, "secret allow rule needs a path or a regex");
    secret_allow a = {0};
    if (path && path[0] && !(a.path_re = compile_re(path, msg, sizeof(msg))))
        return ld_error_set(err, LD_ERR_INVALID, "secret allow rule: path: %s", msg);
    if (regex && regex[0] && !(a.re = compile_re(regex, msg, sizeof(msg)))) {
        pcre2_code_free(a.path_re);
        return ld_error_set(err, LD_ERR_INVALID, "secret allow rule: regex: %s", msg);
    }

    a.rule_id = ld_xstrdup(rule_id && rule_id[0] ? rule_id : NULL);
    ld_xgrow(&rs->allow, &rs->cap_allow, rs->n_allow + 1, sizeof(*rs->allow));
    rs->allow[rs->n_allow++] = a;
    return 0;
}

/* ---- YAML ---- */

static int sev_parse(const char *s, ld_severity *out)
{
    static const char *const names[] = {"info", "low", "medium", "high", "critical"};
    for (int i = 0; i < 5; i++)
        if (s && strcmp(s, names[i]) == 0) {
            *out = (ld_severity)(LD_SEV_INFO + i);
            return 0;
        }
    return -1;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    if (!s || !*s)
        return -1;
    unsigned long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        if (__builtin_mul_overflow(v, 10UL, &v) || __builtin_add_overflow(v, (unsigned long)(*p - '0'), &v))
            return -1;
    }
    if (v > max)
        return -1;
    *out = v;
    return 0;
}

/* "3.5" -> 3.5 (digits, one optional dot, at most 8 bits/char). */
static int parse_entropy(const char *s, double *out)
{
    char *end = NULL;
    if (!s || !*s || !(isdigit((unsigned char)s[0])))
        return -1;
    double v = strtod(s, &end);
    if (*end || v < 0 || v > 8)
        return -1;
    *out = v;
    return 0;
}

static int yaml_rule(ld_secret_ruleset *rs, const char *name, const ld_yaml_node *n, ld_error *err)
{
    static const char *const keys[] = {"id",     "description", "severity", "keywords", "regex",
                                       "path",   "secret-group", "entropy", "window",
                                       "validate", NULL};
    if (n->kind != LD_YAML_MAP)
        return ld_error_set(err, LD_ERR_INVALID, "%s:%d: a rule must be a mapping", name, n->line);
    for (size_t i = 0; i < n->n; i++) {
        bool known = false;
        for (size_t k = 0; keys[k]; k++)
            known = known || strcmp(n->keys[i]->value, keys[k]) == 0;
        if (!known)
            return ld_error_set(err, LD_ERR_INVALID, "%s:%d: unknown key \"%.60s\" in rule", name,
                                n->keys[i]->line, n->keys[i]->value);
    }
    ld_secret_rule_spec spec = {0};
    spec.id = ld_yaml_str(ld_yaml_get(n, "id"));
    spec.description = ld_yaml_str(ld_yaml_get(n, "description"));
    spec.regex = ld_yaml_str(ld_yaml_get(n, "regex"));
    spec.path = ld_yaml_str(ld_yaml_get(n, "path"));
    spec.validate = ld_yaml_str(ld_yaml_get(n, "validate"));
    spec.group = 1;
    spec.severity = LD_SEV_HIGH;
    const char *sev = ld_yaml_str(ld_yaml_get(n, "severity"));
    if (sev && sev_parse(sev, &spec.severity) < 0)
        return ld_error_set(err, LD_ERR_INVALID, "%s:%d: invalid severity \"%.20s\"", name,
                            n->line, sev);
    const char *g = ld_yaml_str(ld_yaml_get(n, "secret-group"));
    unsigned long ul = 0;
    if (g) {
        if (parse_uint(g, 9, &ul) < 0)
            return ld_error_set(err, LD_ERR_INVALID, "%s:%d: secret-group must be 0-9", name,
                                n->line);
        spec.group = (int)ul;
    }
    const char *w = ld_yaml_str(ld_yaml_get(n, "window"));
    if (w) {
        if (parse_uint(w, SECRET_MAX_WINDOW, &ul) < 0)
            return ld_error_set(err, LD_ERR_INVALID, "%s:%d: window must be 0-%d", name, n->line,
                                SECRET_MAX_WINDOW);
        spec.window = (unsigned)ul;
    }
    const char *e = ld_yaml_str(ld_yaml_get(n, "entropy"));
    if (e && parse_entropy(e, &spec.entropy) < 0)
        return ld_error_set(err, LD_ERR_INVALID, "%s:%d: entropy must be a number 0-8", name,
                            n->line);
    ld_strlist kw = {0};
    const ld_yaml_node *kn = ld_yaml_get(n, "keywords");
    if (kn && kn->kind == LD_YAML_SEQ)
        for (size_t i = 0; i < kn->n; i++)
            if (ld_yaml_str(kn->items[i]))
                ld_strlist_push(&kw, ld_yaml_str(kn->items[i]));
    spec.keywords = &kw;
    int rc = ld_secret_rules_add(rs, &spec, err);
    ld_strlist_clear(&kw);
    if (rc < 0)
        ld_error_wrap(err, "%s:%d", name, n->line);
    return rc;
}

static int yaml_allow(ld_secret_ruleset *rs, const char *name, const ld_yaml_node *n, ld_error *err)
{
    static const char *const keys[] = {"id", "description", "path", "regex", NULL};
    if (n->kind != LD_YAML_MAP)
        return ld_error_set(err, LD_ERR_INVALID, "%s:%d: an allow rule must be a mapping", name,
                            n->line);
    for (size_t i = 0; i < n->n; i++) {
        bool known = false;
        for (size_t k = 0; keys[k]; k++)
            known = known || strcmp(n->keys[i]->value, keys[k]) == 0;
        if (!known)
            return ld_error_set(err, LD_ERR_INVALID, "%s:%d: unknown key \"%.60s\" in allow rule",
                                name, n->keys[i]->line, n->keys[i]->value);
    }
    int rc = ld_secret_rules_add_allow(rs, ld_yaml_str(ld_yaml_get(n, "id")),
                                       ld_yaml_str(ld_yaml_get(n, "path")),
                                       ld_yaml_str(ld_yaml_get(n, "regex")), err);
    if (rc < 0)
        ld_error_wrap(err, "%s:%d", name, n->line);
    return rc;
}

int ld_secret_rules_add_yaml(ld_secret_ruleset *rs, const char *name, const char *buf, size_t len,
                             ld_error *err)
{
    ld_yaml_limits lim = {RULES_MAX_BYTES, 16, 100000};
    ld_yaml_node *root = ld_yaml_parse(name, buf, len, &lim, err);
    if (!root)
        return err->code < 0 ? (int)err->code : LD_ERR_CORRUPT;
    int rc = 0;
    if (root->kind != LD_YAML_MAP) {
        rc = ld_error_set(err, LD_ERR_INVALID, "%s: secret rules must be a mapping", name);
        goto out;
    }
    const ld_yaml_node *rules = ld_yaml_get(root, "rules");
    const ld_yaml_node *allow = ld_yaml_get(root, "allow");
    for (size_t i = 0; rules && rules->kind == LD_YAML_SEQ && i < rules->n && rc == 0; i++)
        rc = yaml_rule(rs, name, rules->items[i], err);
    for (size_t i = 0; allow && allow->kind == LD_YAML_SEQ && i < allow->n && rc == 0; i++)
        rc = yaml_allow(rs, name, allow->items[i], err);
out:
    ld_yaml_free(root);
    return rc;
}

int ld_secret_rules_add_builtin(ld_secret_ruleset *rs, ld_error *err)
{
    int rc = ld_secret_rules_add_yaml(rs, "data/secret-rules.yaml",
                                      (const char *)ld_data_secret_rules_yaml,
                                      ld_data_secret_rules_yaml_len, err);
    if (rc < 0)
        ld_error_wrap(err, "built-in secret rules (a build problem)");
    return rc;
}

/* The process-wide built-in set: built once by pthread_once, never freed
 * (the process owns it until exit), read-only afterwards. */
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;
static ld_secret_ruleset *builtin_rules;
static ld_error builtin_err = LD_ERROR_INIT;

static void builtin_build(void)
{
    ld_secret_ruleset *rs = ld_secret_rules_new();
    if (ld_secret_rules_add_builtin(rs, &builtin_err) < 0 ||
        ld_secret_rules_compile(rs, &builtin_err) < 0) {
        ld_secret_rules_free(rs);
        return;
    }
    builtin_rules = rs;
}

const ld_secret_ruleset *ld_secret_rules_builtin(ld_error *err)
{
    pthread_once(&builtin_once, builtin_build);
    if (!builtin_rules && err)
        ld_error_set(err, builtin_err.code < 0 ? builtin_err.code : LD_ERR_GENERIC, "%s",
                     builtin_err.msg);
    return builtin_rules;
}

/* ---- the keyword automaton ---- */

typedef struct {
    uint32_t *go;  /* n * 256, 0 = none (state 0 is the root, never a target) */
    uint32_t *fail;
    uint16_t **outs; /* rule indices per state */
    size_t *n_outs, *cap_outs;
    size_t n, cap;
} trie;

static uint32_t trie_new_state(trie *t)
{
    if (t->n == t->cap) {
        size_t old = t->cap;
        t->cap = t->cap ? t->cap * 2 : 256;
        t->go = ld_xrealloc(t->go, t->cap * 256 * sizeof(*t->go));
        memset(t->go + old * 256, 0, (t->cap - old) * 256 * sizeof(*t->go));
        t->fail = ld_xrealloc(t->fail, t->cap * sizeof(*t->fail));
        t->outs = ld_xrealloc(t->outs, t->cap * sizeof(*t->outs));
        t->n_outs = ld_xrealloc(t->n_outs, t->cap * sizeof(*t->n_outs));
        t->cap_outs = ld_xrealloc(t->cap_outs, t->cap * sizeof(*t->cap_outs));
    }
    t->fail[t->n] = 0;
    t->outs[t->n] = NULL;
    t->n_outs[t->n] = 0;
    t->cap_outs[t->n] = 0;
    return (uint32_t)t->n++;
}

static void trie_add_out(trie *t, uint32_t s, uint16_t rule)
{
    for (size_t i = 0; i < t->n_outs[s]; i++)
        if (t->outs[s][i] == rule)
            return;
    ld_xgrow(&t->outs[s], &t->cap_outs[s], t->n_outs[s] + 1, sizeof(**t->outs));
    t->outs[s][t->n_outs[s]++] = rule;
}

static void trie_free(trie *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->outs[i]);
    free(t->go);
    free(t->fail);
    free(t->outs);
    free(t->n_outs);
    free(t->cap_outs);
}

int ld_secret_rules_compile(ld_secret_ruleset *rs, ld_error *err)
{
    automaton_free(rs);
    trie t = {0};
    trie_new_state(&t);
    int rc = 0;
    for (size_t r = 0; r < rs->n_rules; r++) {
        const ld_strlist *kw = &rs->rules[r].keywords;
        for (size_t k = 0; k < kw->n; k++) {
            uint32_t s = 0;
            if (strlen(kw->v[k]) > rs->max_keyword)
                rs->max_keyword = strlen(kw->v[k]);
            for (const unsigned char *p = (const unsigned char *)kw->v[k]; *p; p++) {
                uint32_t nx = t.go[(size_t)s * 256 + *p];
                if (!nx) {
                    if (t.n >= SECRET_MAX_STATES) {
                        rc = ld_error_set(err, LD_ERR_LIMIT,
                                          "secret rules: keywords need more than %d automaton "
                                          "states; use fewer or shorter keywords",
                                          SECRET_MAX_STATES);
                        goto out;
                    }
                    nx = trie_new_state(&t);
                    t.go[(size_t)s * 256 + *p] = nx;
                }
                s = nx;
            }
            trie_add_out(&t, s, (uint16_t)r);
        }
    }
    /* breadth-first: failure links and the full transition function */
    uint32_t *queue = ld_xmalloc(t.n * sizeof(*queue));
    size_t qh = 0, qt = 0;
    for (int c = 0; c < 256; c++) {
        uint32_t nx = t.go[c];
        if (nx) {
            t.fail[nx] = 0;
            queue[qt++] = nx;
        }
    }
    while (qh < qt) {
        uint32_t s = queue[qh++];
        uint32_t f = t.fail[s];
        for (size_t i = 0; i < t.n_outs[f]; i++)
            trie_add_out(&t, s, t.outs[f][i]);
        for (int c = 0; c < 256; c++) {
            uint32_t nx = t.go[(size_t)s * 256 + (size_t)c];
            if (nx) {
                t.fail[nx] = t.go[(size_t)f * 256 + (size_t)c];
                queue[qt++] = nx;
            } else {
                t.go[(size_t)s * 256 + (size_t)c] = t.go[(size_t)f * 256 + (size_t)c];
            }
        }
    }
    free(queue);
    /* byte classes: one per byte used in a keyword, upper-case letters with
     * their lower-case one (case-insensitive: keywords are stored lower
     * case), every other byte in class 0, which always leads to the root */
    int rep[256]; /* representative byte of each class */
    unsigned n_cls = 1;
    rep[0] = -1;
    memset(rs->cls, 0, sizeof(rs->cls));
    for (int c = 0; c < 256; c++) {
        if (c >= 'A' && c <= 'Z')
            continue;
        bool used = false;
        for (size_t st = 0; st < t.n && !used; st++)
            used = t.go[st * 256 + (size_t)c] != 0;
        if (used) {
            rep[n_cls] = c;
            rs->cls[c] = (uint8_t)n_cls;
            if (c >= 'a' && c <= 'z')
                rs->cls[c - 32] = (uint8_t)n_cls;
            n_cls++;
        }
    }
    rs->class_shift = 0;
    while ((1u << rs->class_shift) < n_cls)
        rs->class_shift++;
    size_t stride = (size_t)1 << rs->class_shift;
    rs->n_states = t.n;
    rs->delta = ld_xcalloc(t.n * stride, sizeof(*rs->delta));
    rs->has_out = ld_xcalloc(t.n, 1);
    rs->out_start = ld_xcalloc(t.n, sizeof(*rs->out_start));
    rs->out_n = ld_xcalloc(t.n, sizeof(*rs->out_n));
    size_t total = 0;
    for (size_t s = 0; s < t.n; s++)
        total += t.n_outs[s];
    rs->out_rules = ld_xcalloc(total ? total : 1, sizeof(*rs->out_rules));
    for (size_t s = 0; s < t.n; s++) {
        for (unsigned k = 1; k < n_cls; k++)
            rs->delta[s * stride + k] = (uint16_t)t.go[s * 256 + (size_t)rep[k]];
        rs->out_start[s] = (uint32_t)rs->n_out;
        rs->out_n[s] = (uint16_t)t.n_outs[s];
        rs->has_out[s] = t.n_outs[s] != 0;
        for (size_t i = 0; i < t.n_outs[s]; i++)
            rs->out_rules[rs->n_out++] = t.outs[s][i];
    }
    if (!rs->mctx) {
        /* path and allow regexes see a path or a secret: a line at most */
        rs->mctx = limits_for(NULL, rule_window_max(0));
        if (!rs->mctx) {
            rc = ld_error_set(err, LD_ERR_NOMEM, "secret rules: cannot create a match context");
            goto out;
        }
    }
    rs->compiled = true;
out:
    trie_free(&t);
    if (rc < 0)
        automaton_free(rs);
    return rc;
}
