/* The policy's `runtime` section: the egress policies of lockdown watch
 * (runtime.egress: a glob over the image, then the container name, and the
 * destinations allowed), and `capture`, reserved for issue 15 (a mapping,
 * accepted and not read). Every destination is checked with the parser
 * the watcher uses, so a policy that loads is one the watcher applies.
 * Schema: docs/policy.md. Not for applying it (runtime/containers.c). */
#include <stdlib.h>
#include <string.h>

#include "core/policy_runtime.h"
#include "core/policy_runtime_internal.h"
#include "runtime/containers.h"
#include "util/mem.h"

#define POLICY_MAX_EGRESS_RULES 1000

static const char *const runtime_keys[] = {"egress", "capture", NULL};
static const char *const egress_keys[] = {"match", "allow", NULL};

/* A glob over image references and container names: visible ASCII. */
static bool glob_ok(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= 0x20 || *p >= 0x7f)
            return false;
    return true;
}

static void parse_allow(pol_ctx *c, const ld_yaml_node *k, const ld_yaml_node *v,
                        ld_policy_runtime_egress *r)
{
    if (!pol_want_list(c, k, v, LD_RT_EGRESS_MAX_ENTRIES))
        return;
    for (size_t i = 0; i < v->n; i++) {
        const char *s = pol_want_str(c, v->items[i], "allow", MAX_WORD, false);
        if (!s)
            continue;
        ld_rt_egress_rule rule;
        ld_error err = LD_ERROR_INIT;
        if (ld_rt_egress_parse(s, &rule, &err) < 0) {
            pol_problem(c, v->items[i]->line, "runtime.egress: %s", err.msg);
            continue;
        }
        ld_strlist_push(&r->allow, s);
    }
}

static void parse_egress_rule(pol_ctx *c, const ld_yaml_node *v, ld_policy_runtime_egress *r)
{
    r->line = v->line;
    if (v->kind != LD_YAML_MAP) {
        pol_problem(c, v->line,
                    "runtime.egress entries must be mappings (match: GLOB, allow: [...]), not %s",
                    ld_yaml_kind_name(v->kind));
        return;
    }
    bool has_allow = false;
    for (size_t i = 0; i < v->n; i++) {
        const ld_yaml_node *k = v->keys[i], *val = v->items[i];
        switch (pol_key_index(c, k, "in runtime.egress", egress_keys)) {
        case 0: {
            const char *s = pol_want_str(c, val, "match", MAX_WORD, false);
            if (!s)
                break;
            if (!glob_ok(s)) {
                pol_shown_buf sb;
                pol_problem(c, val->line,
                            "\"match\" must be a glob over images or container names without "
                            "spaces or control characters, not \"%s\"",
                            POL_SHOW(sb, s));
                break;
            }
            free(r->match);
            r->match = ld_xstrdup(s);
            break;
        }
        case 1:
            has_allow = true;
            parse_allow(c, k, val, r);
            break;
        default: break;
        }
    }
    if (!ld_yaml_get(v, "match"))
        pol_problem(c, v->line,
                    "runtime.egress entry without \"match\" (a glob over the image "
                    "or the container name)");
    if (!has_allow)
        pol_problem(c, v->line,
                    "runtime.egress entry without \"allow\" (the destinations; [] allows "
                    "nothing but loopback)");
}

static void parse_egress(pol_ctx *c, const ld_yaml_node *k, const ld_yaml_node *v, ld_policy *p)
{
    if (!pol_want_list(c, k, v, POLICY_MAX_EGRESS_RULES))
        return;
    p->runtime_egress = ld_xcalloc(v->n + 1, sizeof *p->runtime_egress);
    for (size_t i = 0; i < v->n; i++)
        parse_egress_rule(c, v->items[i], &p->runtime_egress[p->n_runtime_egress++]);
}

void pol_parse_runtime(pol_ctx *c, const ld_yaml_node *key, const ld_yaml_node *v, ld_policy *p)
{
    if (pol_is_null(v))
        return; /* "runtime:" alone: nothing set */
    if (!pol_want_kind(c, key, v, LD_YAML_MAP))
        return;
    for (size_t i = 0; i < v->n; i++) {
        const ld_yaml_node *k = v->keys[i], *val = v->items[i];
        switch (pol_key_index(c, k, "in runtime", runtime_keys)) {
        case 0:
            if (p->runtime_egress) {
                pol_problem(c, k->line, "\"egress\" is given twice in runtime");
                break;
            }
            parse_egress(c, k, val, p);
            break;
        case 1:
            /* reserved for forensic capture (issue 15): a mapping, not read yet */
            if (!pol_is_null(val))
                pol_want_kind(c, k, val, LD_YAML_MAP);
            break;
        default: break;
        }
    }
}

void pol_free_runtime(ld_policy *p)
{
    for (size_t i = 0; i < p->n_runtime_egress; i++) {
        free(p->runtime_egress[i].match);
        ld_strlist_clear(&p->runtime_egress[i].allow);
    }
    free(p->runtime_egress);
    p->runtime_egress = NULL;
    p->n_runtime_egress = 0;
}

char **ld_policy_runtime_egress_pairs(const ld_policy *p)
{
    if (!p || p->n_runtime_egress == 0)
        return NULL;
    char **out = ld_xcalloc(2 * p->n_runtime_egress + 1, sizeof *out);
    size_t o = 0;
    for (size_t i = 0; i < p->n_runtime_egress; i++) {
        const ld_policy_runtime_egress *r = &p->runtime_egress[i];
        if (!r->match)
            continue;
        size_t len = 1;
        for (size_t j = 0; j < r->allow.n; j++)
            len += strlen(r->allow.v[j]) + 1;
        char *joined = ld_xmalloc(len);
        joined[0] = '\0';
        size_t at = 0;
        for (size_t j = 0; j < r->allow.n; j++) {
            size_t n = strlen(r->allow.v[j]);
            if (j)
                joined[at++] = ',';
            memcpy(joined + at, r->allow.v[j], n);
            at += n;
            joined[at] = '\0';
        }
        out[o++] = ld_xstrdup(r->match);
        out[o++] = joined;
    }
    return out;
}
