/* The fleet model (core/fleet.h): hosts as read from their reports,
 * duplicates resolved by start time, and the aggregation into the fleet
 * views (worst hosts first, per control across the fleet, most failed
 * first). Reading is fleet_read.c, writing fleet_<format>.c. */
#include "core/fleet.h"
#include "core/fleet_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

void ld_fleet_limits_default(ld_fleet_limits *l)
{
    l->max_bytes = LD_FLEET_REPORT_MAX_BYTES;
    l->max_values = LD_FLEET_MAX_VALUES;
    l->max_containers = LD_FLEET_MAX_CONTAINERS;
    l->max_depth = LD_FLEET_MAX_DEPTH;
}

ld_fleet *ld_fleet_new(void)
{
    ld_fleet *f = ld_xcalloc(1, sizeof(*f));
    return f;
}

void ld_fleet_host_clear(ld_fleet_host *h)
{
    free(h->name);
    free(h->source);
    free(h->command);
    free(h->scope);
    free(h->level_source);
    free(h->started_at);
    ld_strlist_clear(&h->gate_reasons);
    for (size_t i = 0; i < h->n_tiers; i++) {
        free(h->tiers[i].name);
        free(h->tiers[i].what);
        free(h->tiers[i].reason);
    }
    free(h->tiers);
    for (size_t i = 0; i < h->n_controls; i++) {
        free(h->controls[i].id);
        free(h->controls[i].reason);
    }
    free(h->controls);
    memset(h, 0, sizeof(*h));
}

static void controls_clear(ld_fleet *f)
{
    for (size_t i = 0; i < f->n_controls; i++) {
        free(f->controls[i].id);
        free(f->controls[i].host_index);
        free(f->controls[i].state);
    }
    free(f->controls);
    f->controls = NULL;
    f->n_controls = f->controls_cap = 0;
}

void ld_fleet_free(ld_fleet *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_hosts; i++)
        ld_fleet_host_clear(&f->hosts[i]);
    free(f->hosts);
    controls_clear(f);
    ld_strlist_clear(&f->unreadable);
    ld_strlist_clear(&f->notes);
    ld_strmap_clear(&f->by_name);
    free(f);
}

void ld_fleet_unreadable(ld_fleet *f, const char *message)
{
    ld_strlist_push(&f->unreadable, message);
}

/* fleet_read.c calls this once a report has been read in full. */
void ld_fleet_add_host(ld_fleet *f, ld_fleet_host *h)
{
    f->reports_read++;
    bool created = false;
    void **slot = ld_strmap_put(&f->by_name, h->name, &created);
    if (!created) {
        ld_fleet_host *old = &f->hosts[(uintptr_t)*slot - 1];
        bool newer = h->started > old->started;
        const ld_fleet_host *kept = newer ? h : old;
        ld_strlist_push_owned(&f->notes,
                              ld_xasprintf("host %s: reports %s (%s) and %s (%s); kept %s, the "
                                           "%s",
                                           h->name, old->source, old->started_at, h->source,
                                           h->started_at, kept->source,
                                           newer || h->started != old->started
                                               ? "newer"
                                               : "first read (both started at the same time)"));
        if (newer) {
            ld_fleet_host_clear(old);
            *old = *h;
        } else {
            ld_fleet_host_clear(h);
        }
        memset(h, 0, sizeof(*h));
        return;
    }
    ld_xgrow(&f->hosts, &f->hosts_cap, f->n_hosts + 1, sizeof(*f->hosts));
    f->hosts[f->n_hosts++] = *h;
    *slot = (void *)(uintptr_t)f->n_hosts;
    memset(h, 0, sizeof(*h));
}

const ld_fleet_counts *ld_fleet_host_counts(const ld_fleet_host *h)
{
    return &h->compliance[h->level];
}

/* Worst first: gate failed, then more failed controls, more not assessed,
 * more needing review, then by name. */
static int host_cmp(const void *a, const void *b)
{
    const ld_fleet_host *x = a, *y = b;
    if (x->gate_failed != y->gate_failed)
        return x->gate_failed ? -1 : 1;
    const ld_fleet_counts *cx = ld_fleet_host_counts(x), *cy = ld_fleet_host_counts(y);
    static const ld_control_state order[] = {LD_CTRL_FAILED, LD_CTRL_NOT_ASSESSED, LD_CTRL_REVIEW};
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        size_t nx = cx->by_state[order[i]], ny = cy->by_state[order[i]];
        if (nx != ny)
            return nx > ny ? -1 : 1;
    }
    return strcmp(x->name, y->name);
}

static int control_cmp(const void *a, const void *b)
{
    const ld_fleet_control *x = a, *y = b;
    static const ld_control_state order[] = {LD_CTRL_FAILED, LD_CTRL_NOT_ASSESSED, LD_CTRL_REVIEW};
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        size_t nx = x->by_state[order[i]], ny = y->by_state[order[i]];
        if (nx != ny)
            return nx > ny ? -1 : 1;
    }
    return strcmp(x->id, y->id);
}

static void build_controls(ld_fleet *f)
{
    ld_strmap index = LD_STRMAP_INIT;
    for (size_t hi = 0; hi < f->n_hosts; hi++) {
        const ld_fleet_host *h = &f->hosts[hi];
        for (size_t i = 0; i < h->n_controls; i++) {
            const ld_fleet_host_control *hc = &h->controls[i];
            bool created = false;
            void **slot = ld_strmap_put(&index, hc->id, &created);
            if (created) {
                ld_xgrow(&f->controls, &f->controls_cap, f->n_controls + 1, sizeof(*f->controls));
                ld_fleet_control *c = &f->controls[f->n_controls++];
                memset(c, 0, sizeof(*c));
                c->id = ld_xstrdup(hc->id);
                c->level = hc->level;
                *slot = (void *)(uintptr_t)f->n_controls;
            }
            ld_fleet_control *c = &f->controls[(uintptr_t)*slot - 1];
            /* a report listing one control twice counts once, first state */
            if (c->hosts && c->host_index[c->hosts - 1] == hi)
                continue;
            if (c->hosts == c->cap) {
                c->cap = c->cap ? c->cap * 2 : 8;
                c->host_index = ld_xrealloc(c->host_index, c->cap * sizeof(*c->host_index));
                c->state = ld_xrealloc(c->state, c->cap * sizeof(*c->state));
            }
            c->host_index[c->hosts] = hi;
            c->state[c->hosts] = hc->state;
            c->hosts++;
            c->by_state[hc->state]++;
            if (hc->level < c->level)
                c->level = hc->level;
        }
    }
    ld_strmap_clear(&index);
    if (f->n_controls > 1)
        qsort(f->controls, f->n_controls, sizeof(*f->controls), control_cmp);
}

void ld_fleet_finish(ld_fleet *f, time_t now)
{
    if (f->finished)
        return;
    f->finished = true;
    f->generated = now ? now : time(NULL);
    ld_strmap_clear(&f->by_name); /* indexes change with the sort */
    if (f->n_hosts > 1)
        qsort(f->hosts, f->n_hosts, sizeof(*f->hosts), host_cmp);
    build_controls(f);
    size_t by_level[LD_LEVEL_COUNT] = {0};
    size_t levels = 0;
    for (size_t i = 0; i < f->n_hosts; i++)
        if (by_level[f->hosts[i].level]++ == 0)
            levels++;
    if (levels > 1) {
        ld_strlist parts = {0};
        for (int l = 0; l < LD_LEVEL_COUNT; l++)
            if (by_level[l])
                ld_strlist_push_owned(&parts,
                                      ld_xasprintf("%s: %zu host%s", ld_level_name((ld_level)l),
                                                   by_level[l], by_level[l] == 1 ? "" : "s"));
        char *joined = ld_strlist_join(&parts, ", ");
        ld_strlist_push_owned(&f->notes,
                              ld_xasprintf("the reports are at different levels (%s); each host's "
                                           "compliance is counted at its own level",
                                           joined));
        free(joined);
        ld_strlist_clear(&parts);
    }
}

void ld_fleet_sum(const ld_fleet *f, ld_fleet_totals *t)
{
    memset(t, 0, sizeof(*t));
    t->hosts = f->n_hosts;
    for (size_t i = 0; i < f->n_hosts; i++) {
        const ld_fleet_host *h = &f->hosts[i];
        t->gate_failed += h->gate_failed;
        t->incomplete += h->gate_incomplete;
        t->by_level[h->level]++;
        t->findings += h->findings;
        t->excepted += h->excepted;
        for (int s = 0; s < LD_STATUS_COUNT; s++)
            t->status[s] += h->status[s];
        const ld_fleet_counts *c = ld_fleet_host_counts(h);
        t->controls.required += c->required;
        t->controls.assessed += c->assessed;
        for (int s = 0; s < LD_CTRL_COUNT; s++)
            t->controls.by_state[s] += c->by_state[s];
    }
}
