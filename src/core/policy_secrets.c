/* The policy's `secrets` section: custom secret rules (PCRE2 patterns
 * compiled once here to refuse bad ones early, and refused when their shape
 * can backtrack exponentially: util/regex_risk.h), allow rules, the file
 * size limit and binary skipping. Not for running the rules
 * (checks/secrets.c). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/policy_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"
#include "util/regex_risk.h"

#define POLICY_MAX_SECRET_RULES 500
#define POLICY_MAX_KEYWORDS 32
#define SECRET_MAX_FILE_BYTES ((uint64_t)1 << 30) /* 1 GiB */

static const char *const secrets_keys[] = {"rules", "allow", "max-file-bytes", "skip-binary",
                                           NULL};
static const char *const secret_rule_keys[] = {"id",       "description", "regex",
                                               "keywords", "severity",    NULL};
static const char *const secret_allow_keys[] = {"id", "path", "regex", NULL};

/* A PCRE2 pattern for key; false after reporting why it does not compile. */
static bool want_regex(pol_ctx *c, const ld_yaml_node *v, const char *key, char **out)
{
    const char *s = pol_want_str(c, v, key, MAX_TEXT, false);
    if (!s)
        return false;
    int ecode = 0;
    PCRE2_SIZE eoff = 0;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, 0, &ecode, &eoff, NULL);
    if (!code) {
        PCRE2_UCHAR msg[200];
        if (pcre2_get_error_message(ecode, msg, sizeof(msg)) < 0)
            snprintf((char *)msg, sizeof(msg), "error %d", ecode);
        pol_shown_buf sb;
        pol_problem(c, v->line, "\"%s\" \"%s\" is not a valid regular expression: %s at offset %zu",
                key, POL_SHOW(sb, s), (const char *)msg, (size_t)eoff);
        return false;
    }
    pcre2_code_free(code);
    *out = ld_xstrdup(s);
    return true;
}

/* A problem when regex (already compiled by want_regex) can take
 * exponential time; whose: "regex of rule acme" and the like. */
static void refuse_exponential(pol_ctx *c, const ld_yaml_node *v, const char *whose,
                               const char *regex)
{
    ld_regex_risk why = {0};
    if (!regex || !ld_regex_exponential(regex, &why))
        return;
    pol_problem(c, v ? v->line : 0, "%s can take exponential time (%s at offset %zu)", whose,
                why.what, why.offset);
}

static bool secret_id_ok(const char *s)
{
    if (strlen(s) > 64)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
              *s == '.'))
            return false;
    return true;
}

static void parse_secret_rule(pol_ctx *c, const ld_yaml_node *v, ld_policy_secret_rule *r,
                              const ld_policy *p)
{
    r->line = v->line;
    r->severity = LD_SEV_HIGH;
    if (v->kind != LD_YAML_MAP) {
        pol_problem(c, v->line,
                "each secret rule must be a mapping with \"id\", \"regex\" and \"keywords\"");
        return;
    }
    for (size_t i = 0; i < v->n; i++) {
        const ld_yaml_node *val = v->items[i];
        pol_shown_buf sb;
        switch (pol_key_index(c, v->keys[i], "in secret rule", secret_rule_keys)) {
        case 0:
            if (pol_take_str(c, val, "id", MAX_WORD, &r->id)) {
                if (!secret_id_ok(r->id))
                    pol_problem(c, val->line,
                            "secret rule id \"%s\" must be at most 64 lowercase letters, digits, "
                            "'-', '_' or '.'",
                            POL_SHOW(sb, r->id));
                for (size_t j = 0; j < p->n_secret_rules; j++)
                    if (p->secret_rules[j].id && strcmp(p->secret_rules[j].id, r->id) == 0)
                        pol_problem(c, val->line, "secret rule id \"%s\" is used twice (line %d)",
                                POL_SHOW(sb, r->id), p->secret_rules[j].line);
            }
            break;
        case 1: pol_take_str(c, val, "description", MAX_TEXT, &r->description); break;
        case 2: want_regex(c, val, "regex", &r->regex); break;
        case 3:
            if (val->kind != LD_YAML_SEQ || val->n == 0 || val->n > POLICY_MAX_KEYWORDS) {
                pol_problem(c, val->line, "\"keywords\" must be a list of 1 to %d words",
                        POLICY_MAX_KEYWORDS);
                break;
            }
            for (size_t k = 0; k < val->n; k++) {
                const char *w = pol_want_str(c, val->items[k], "keywords entry", 64, false);
                if (w)
                    ld_strlist_push(&r->keywords, w);
            }
            break;
        case 4: {
            int sev = pol_want_enum(c, val, "severity", pol_severity_names);
            if (sev >= 0)
                (void)ld_severity_parse(pol_severity_names[sev], &r->severity);
            break;
        }
        default: break;
        }
    }
    if (r->regex) {
        pol_shown_buf sb;
        ld_autofree char *whose =
            ld_xasprintf("regex of rule %s", r->id ? POL_SHOW(sb, r->id) : "without an id");
        refuse_exponential(c, ld_yaml_get(v, "regex"), whose, r->regex);
    }
    if (!ld_yaml_get(v, "id"))
        pol_problem(c, v->line, "secret rule needs an \"id\"");
    if (!ld_yaml_get(v, "regex"))
        pol_problem(c, v->line, "secret rule needs a \"regex\"");
    if (!ld_yaml_get(v, "keywords"))
        pol_problem(c, v->line,
                "secret rule needs \"keywords\" (words one of which must appear in a file "
                "before the regex runs)");
}

static void parse_secret_allow(pol_ctx *c, const ld_yaml_node *v, ld_policy_secret_allow *a)
{
    a->line = v->line;
    if (v->kind != LD_YAML_MAP) {
        pol_problem(c, v->line, "each secret allow rule must be a mapping with \"path\" or \"regex\"");
        return;
    }
    for (size_t i = 0; i < v->n; i++) {
        const ld_yaml_node *val = v->items[i];
        switch (pol_key_index(c, v->keys[i], "in secret allow rule", secret_allow_keys)) {
        case 0: pol_take_str(c, val, "id", MAX_WORD, &a->id); break;
        case 1: want_regex(c, val, "path", &a->path); break;
        case 2: want_regex(c, val, "regex", &a->regex); break;
        default: break;
        }
    }
    if (!ld_yaml_get(v, "path") && !ld_yaml_get(v, "regex"))
        pol_problem(c, v->line, "secret allow rule needs a \"path\" or a \"regex\" (or both)");
    refuse_exponential(c, ld_yaml_get(v, "path"), "\"path\" of this allow rule", a->path);
    refuse_exponential(c, ld_yaml_get(v, "regex"), "\"regex\" of this allow rule", a->regex);
}

void pol_parse_secrets(pol_ctx *c, const ld_yaml_node *key, const ld_yaml_node *v, ld_policy *p)
{
    if (!pol_want_kind(c, key, v, LD_YAML_MAP))
        return;
    for (size_t i = 0; i < v->n; i++) {
        const ld_yaml_node *k = v->keys[i], *val = v->items[i];
        switch (pol_key_index(c, k, "in secrets", secrets_keys)) {
        case 0:
            if (!pol_want_list(c, k, val, POLICY_MAX_SECRET_RULES))
                break;
            p->secret_rules = ld_xcalloc(val->n, sizeof(*p->secret_rules));
            for (size_t j = 0; j < val->n; j++) {
                parse_secret_rule(c, val->items[j], &p->secret_rules[j], p);
                p->n_secret_rules++;
            }
            break;
        case 1:
            if (!pol_want_list(c, k, val, POLICY_MAX_ENTRIES))
                break;
            p->secret_allow = ld_xcalloc(val->n, sizeof(*p->secret_allow));
            for (size_t j = 0; j < val->n; j++)
                parse_secret_allow(c, val->items[j], &p->secret_allow[p->n_secret_allow++]);
            break;
        case 2: {
            const char *s = pol_want_str(c, val, "max-file-bytes", 32, false);
            if (!s)
                break;
            uint64_t n = 0;
            bool ok = *s != '\0';
            for (const char *q = s; *q && ok; q++)
                ok = *q >= '0' && *q <= '9' && !__builtin_mul_overflow(n, 10, &n) &&
                     !__builtin_add_overflow(n, (uint64_t)(*q - '0'), &n);
            if (!ok || n == 0 || n > SECRET_MAX_FILE_BYTES) {
                pol_shown_buf sb;
                pol_problem(c, val->line,
                        "\"max-file-bytes\" must be a number of bytes from 1 to %llu, not \"%s\"",
                        (unsigned long long)SECRET_MAX_FILE_BYTES, POL_SHOW(sb, s));
                break;
            }
            p->secret_max_bytes = n;
            break;
        }
        case 3:
            if (pol_want_bool(c, val, "skip-binary", &p->secret_skip_binary))
                p->has_secret_skip_binary = true;
            break;
        default: break;
        }
    }
}

