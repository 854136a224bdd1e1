/* The policy's `registry` section: what `lockdown registry prune` selects
 * when its flags do not say (registry.prune: severity, fixable-only,
 * unsigned, older-than-days, keep-newest). Schema: docs/policy.md. Not
 * for applying them (src/registry/prune_select.c). */
#include <string.h>

#include "core/policy_internal.h"
#include "util/mem.h"

#define PRUNE_MAX_DAYS 36500 /* a hundred years */
#define PRUNE_MAX_KEEP 100000

static const char *const registry_keys[] = {"prune", NULL};
static const char *const prune_keys[] = {"severity",        "fixable-only", "unsigned",
                                         "older-than-days", "keep-newest",  NULL};

/* A whole number from lo to hi for key; false after reporting. */
static bool want_count(pol_ctx *c, const ld_yaml_node *v, const char *key, int lo, int hi, int *out)
{
    if (v->kind != LD_YAML_SCALAR || v->quoted) {
        pol_problem(c, v->line, "\"%s\" must be a whole number from %d to %d", key, lo, hi);
        return false;
    }
    const char *s = v->value;
    long n = 0;
    bool ok = *s != '\0';
    for (const char *q = s; *q && ok; q++)
        ok = *q >= '0' && *q <= '9' && (n = n * 10 + (*q - '0')) <= hi;
    if (!ok || n < lo) {
        pol_shown_buf sb;
        pol_problem(c, v->line, "\"%s\" must be a whole number from %d to %d, not \"%s\"", key, lo,
                    hi, POL_SHOW(sb, s));
        return false;
    }
    *out = (int)n;
    return true;
}

static void parse_prune(pol_ctx *c, const ld_yaml_node *key, const ld_yaml_node *v, ld_policy *p)
{
    if (!pol_want_kind(c, key, v, LD_YAML_MAP))
        return;
    ld_policy_registry_prune *r = &p->registry_prune;
    for (size_t i = 0; i < v->n; i++) {
        const ld_yaml_node *k = v->keys[i], *val = v->items[i];
        switch (pol_key_index(c, k, "in registry.prune", prune_keys)) {
        case 0: {
            int e = pol_want_enum(c, val, "severity", pol_severity_names);
            if (e >= 0 && ld_severity_parse(pol_severity_names[e], &r->severity) == 0)
                r->has_severity = true;
            break;
        }
        case 1: pol_want_bool(c, val, "fixable-only", &r->fixable_only); break;
        case 2: pol_want_bool(c, val, "unsigned", &r->unsigned_images); break;
        case 3:
            if (want_count(c, val, "older-than-days", 0, PRUNE_MAX_DAYS, &r->older_than_days))
                r->has_older_than = true;
            break;
        case 4: want_count(c, val, "keep-newest", 1, PRUNE_MAX_KEEP, &r->keep_newest); break;
        default: break;
        }
    }
}

void pol_parse_registry(pol_ctx *c, const ld_yaml_node *key, const ld_yaml_node *v, ld_policy *p)
{
    if (!pol_want_kind(c, key, v, LD_YAML_MAP))
        return;
    for (size_t i = 0; i < v->n; i++) {
        const ld_yaml_node *k = v->keys[i], *val = v->items[i];
        switch (pol_key_index(c, k, "in registry", registry_keys)) {
        case 0: parse_prune(c, k, val, p); break;
        default: break;
        }
    }
}
