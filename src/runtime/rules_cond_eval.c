/* Evaluation of compiled conditions against one event, the event types a
 * condition can match, and freeing. Evaluation allocates nothing: a field
 * is read into a value on the stack (strings point into the event, the
 * container or the value's own buffer) and compared with what the
 * compiler prepared (sets hashed, numbers sorted, networks parsed). An
 * absent field fails every comparison (so `not` of it holds) and
 * `exists`; proc.aname without an index compares every ancestor. */
#include <stdlib.h>
#include <string.h>

#include "runtime/fields_internal.h"
#include "runtime/rules_cond_internal.h"

static bool str_test(const cond_cmp *cmp, cond_op op, const char *s)
{
    switch (op) {
    case OP_EQ: return strcmp(s, cmp->s) == 0;
    case OP_NE: return strcmp(s, cmp->s) != 0;
    case OP_IN:
    case OP_INTERSECTS: return ld_rtc_set_has(&cmp->set, s);
    case OP_CONTAINS: return strstr(s, cmp->s) != NULL;
    case OP_ICONTAINS: return strcasestr(s, cmp->s) != NULL;
    case OP_STARTSWITH: return strncmp(s, cmp->s, cmp->slen) == 0;
    case OP_ENDSWITH: {
        size_t n = strlen(s);
        return n >= cmp->slen && memcmp(s + n - cmp->slen, cmp->s, cmp->slen) == 0;
    }
    case OP_GLOB: return ld_rtc_glob(cmp->s, s, false);
    case OP_IGLOB: return ld_rtc_glob(cmp->s, s, true);
    case OP_PMATCH: return ld_rtc_set_pmatch(&cmp->set, s);
    default: return false;
    }
}

static bool num_in(const cond_cmp *cmp, int64_t v)
{
    size_t lo = 0, hi = cmp->n_nums;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp->nums[mid] == v)
            return true;
        if (cmp->nums[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static bool num_test(const cond_cmp *cmp, int64_t v)
{
    switch (cmp->op) {
    case OP_EQ: return v == cmp->num;
    case OP_NE: return v != cmp->num;
    case OP_LT: return v < cmp->num;
    case OP_LE: return v <= cmp->num;
    case OP_GT: return v > cmp->num;
    case OP_GE: return v >= cmp->num;
    case OP_IN:
    case OP_INTERSECTS: return num_in(cmp, v);
    default: return false;
    }
}

static bool ip_test(const cond_cmp *cmp, const ld_rt_value *v)
{
    switch (cmp->op) {
    case OP_EQ: return ld_rtc_net_has(&cmp->net, v->ip_family, v->ip);
    case OP_NE: return !ld_rtc_net_has(&cmp->net, v->ip_family, v->ip);
    case OP_IN:
    case OP_INTERSECTS:
        for (size_t i = 0; i < cmp->n_nets; i++)
            if (ld_rtc_net_has(&cmp->nets[i], v->ip_family, v->ip))
                return true;
        return false;
    default: return false;
    }
}

typedef struct {
    const cond_cmp *cmp;
    cond_op op;
} ancestor_test;

static bool ancestor_matches(const char *comm, void *arg)
{
    const ancestor_test *t = arg;
    return t->op == OP_EXISTS || str_test(t->cmp, t->op, comm);
}

/* proc.aname without an index: true when any ancestor matches; `!=` holds
 * when there are ancestors and none is equal. */
static bool any_ancestor(const cond_cmp *cmp, const ld_rt_field_ctx *ctx)
{
    int seen = 0;
    ancestor_test t = {cmp, cmp->op == OP_NE ? OP_EQ : cmp->op};
    bool hit = ld_rt_field_any_ancestor(ctx, ancestor_matches, &t, &seen);
    if (cmp->op == OP_NE)
        return seen > 0 && !hit;
    return hit;
}

static bool eval_cmp(const cond_cmp *cmp, const ld_rt_field_ctx *ctx)
{
    if (cmp->evtype) {
        bool in = (cmp->evmask >> ((unsigned)ctx->evt->type & 63)) & 1;
        return cmp->op == OP_NE ? !in : in;
    }
    if (cmp->f.id == LD_F_PROC_ANAME && cmp->f.arg < 0)
        return any_ancestor(cmp, ctx);
    ld_rt_value v;
    ld_rt_field_value(&cmp->f, ctx, &v);
    if (cmp->op == OP_EXISTS)
        return v.present;
    if (!v.present)
        return false;
    switch (v.type) {
    case LD_RT_FT_STR: return str_test(cmp, cmp->op, v.str);
    case LD_RT_FT_NUM:
    case LD_RT_FT_BOOL: return num_test(cmp, v.num);
    case LD_RT_FT_IP: return ip_test(cmp, &v);
    }
    return false;
}

static bool eval_node(const ld_rt_cond *c, uint32_t i, const ld_rt_field_ctx *ctx)
{
    const cond_node *n = &c->nodes[i];
    switch ((cond_node_kind)n->kind) {
    case CN_AND:
        for (uint32_t k = 0; k < n->n; k++)
            if (!eval_node(c, c->kids[n->a + k], ctx))
                return false;
        return true;
    case CN_OR:
        for (uint32_t k = 0; k < n->n; k++)
            if (eval_node(c, c->kids[n->a + k], ctx))
                return true;
        return false;
    case CN_NOT: return !eval_node(c, n->a, ctx);
    case CN_CMP: return eval_cmp(&c->cmps[n->a], ctx);
    case CN_TRUE: return true;
    case CN_FALSE: return false;
    }
    return false;
}

bool ld_rt_cond_eval(const ld_rt_cond *c, const ld_rt_field_ctx *ctx)
{
    if (!c || !ctx || !ctx->evt || !ctx->container)
        return false;
    return eval_node(c, c->root, ctx);
}

/* ---- event types ---- */

#define ALL_TYPES ((((uint64_t)1 << LD_EVT_TYPE_COUNT) - 1) & ~(uint64_t)1)

/* The types for which node i can be true (*mask), and whether it is true
 * for exactly those (*exact: the node tests evt.type only). */
static void node_types(const ld_rt_cond *c, uint32_t i, uint64_t *mask, bool *exact)
{
    const cond_node *n = &c->nodes[i];
    switch ((cond_node_kind)n->kind) {
    case CN_AND:
    case CN_OR: {
        bool is_and = n->kind == CN_AND;
        uint64_t m = is_and ? ALL_TYPES : 0;
        bool all_exact = true;
        for (uint32_t k = 0; k < n->n; k++) {
            uint64_t km;
            bool ke;
            node_types(c, c->kids[n->a + k], &km, &ke);
            m = is_and ? m & km : m | km;
            all_exact = all_exact && ke;
        }
        *mask = m;
        *exact = all_exact;
        return;
    }
    case CN_NOT: {
        uint64_t km;
        bool ke;
        node_types(c, n->a, &km, &ke);
        *mask = ke ? ALL_TYPES & ~km : ALL_TYPES;
        *exact = ke;
        return;
    }
    case CN_CMP: {
        const cond_cmp *cmp = &c->cmps[n->a];
        if (cmp->evtype) {
            *mask = cmp->op == OP_NE ? ALL_TYPES & ~cmp->evmask : cmp->evmask & ALL_TYPES;
            *exact = true;
        } else {
            *mask = ALL_TYPES;
            *exact = false;
        }
        return;
    }
    case CN_TRUE:
        *mask = ALL_TYPES;
        *exact = true;
        return;
    case CN_FALSE:
        *mask = 0;
        *exact = true;
        return;
    }
    *mask = ALL_TYPES;
    *exact = false;
}

uint64_t ld_rtc_evtypes(const ld_rt_cond *c)
{
    uint64_t mask;
    bool exact;
    node_types(c, c->root, &mask, &exact);
    /* every type: the condition does not narrow evt.type */
    return mask == ALL_TYPES ? UINT64_MAX : mask;
}

uint64_t ld_rt_cond_evtypes(const ld_rt_cond *c)
{
    return c ? c->evtypes : UINT64_MAX;
}

void ld_rt_cond_free(ld_rt_cond *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_cmps; i++) {
        free(c->cmps[i].s);
        ld_rtc_set_free(&c->cmps[i].set);
        free(c->cmps[i].nums);
        free(c->cmps[i].nets);
    }
    free(c->cmps);
    free(c->nodes);
    free(c->kids);
    free(c);
}
