/* OSV range evaluation (see ranges.h for the rules). */
#include "vuln/ranges.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

/* ld_version_compare, except that Go versions are accepted with or without
 * the leading 'v' (OSV's Go ecosystem publishes "1.2.3", modules say "v1.2.3"). */
static int vcmp(ld_version_scheme s, const char *a, const char *b, int *out, ld_error *err)
{
    char ba[LD_VERSION_MAX + 2], bb[LD_VERSION_MAX + 2];
    if (s == LD_VER_GO) {
        if (a[0] != 'v' && strlen(a) <= LD_VERSION_MAX) {
            snprintf(ba, sizeof ba, "v%s", a);
            a = ba;
        }
        if (b[0] != 'v' && strlen(b) <= LD_VERSION_MAX) {
            snprintf(bb, sizeof bb, "v%s", b);
            b = bb;
        }
    }
    return ld_version_compare(s, a, b, out, err);
}

static bool is_zero(const ld_vuln_event *e)
{
    return e->kind == LD_EVENT_INTRODUCED && strcmp(e->version, "0") == 0;
}

static bool is_star(const ld_vuln_event *e)
{
    return e->kind == LD_EVENT_LIMIT && strcmp(e->version, "*") == 0;
}

/* Order of two events: "introduced 0" before everything, "limit *" after
 * everything, else by version. Sets *out; returns < 0 on a comparison error. */
static int event_cmp(ld_version_scheme s, const ld_vuln_event *a, const ld_vuln_event *b, int *out,
                     ld_error *err)
{
    bool za = is_zero(a), zb = is_zero(b);
    if (za || zb) {
        *out = za && zb ? 0 : za ? -1 : 1;
        return 0;
    }
    bool sa = is_star(a), sb = is_star(b);
    if (sa || sb) {
        *out = sa && sb ? 0 : sa ? 1 : -1;
        return 0;
    }
    return vcmp(s, a->version, b->version, out, err);
}

int ld_range_affected(ld_version_scheme s, const ld_vuln_range *rg, const char *version,
                      ld_error *err)
{
    if (rg->type == LD_RANGE_GIT)
        return 0;
    if (!version)
        return ld_error_set(err, LD_ERR_INVALID, "no installed version to compare");
    size_t n = rg->n_events;
    if (n == 0)
        return 0;
    if (n > LD_RANGE_MAX_EVENTS)
        return ld_error_set(err, LD_ERR_LIMIT, "range with %zu events (limit %d)", n,
                            LD_RANGE_MAX_EVENTS);
    for (size_t i = 0; i < n; i++)
        if (!rg->events[i].version)
            return ld_error_set(err, LD_ERR_CORRUPT, "range event %zu has no version", i);

    /* Stable insertion sort of event indexes (ranges hold a handful of
     * events: on the stack unless the range is unusually long). */
    size_t small[16];
    size_t *ix = n <= sizeof small / sizeof small[0] ? small : ld_xmalloc(n * sizeof(*ix));
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        while (j > 0) {
            int c = 0;
            rc = event_cmp(s, &rg->events[ix[j - 1]], &rg->events[i], &c, err);
            if (rc < 0)
                goto out;
            if (c <= 0)
                break;
            ix[j] = ix[j - 1];
            j--;
        }
        ix[j] = i;
    }

    /* limit events: the version must be below at least one of them */
    bool has_limit = false, below_limit = false;
    for (size_t i = 0; i < n; i++) {
        const ld_vuln_event *e = &rg->events[i];
        if (e->kind != LD_EVENT_LIMIT)
            continue;
        has_limit = true;
        int c = 0;
        if (strcmp(e->version, "*") == 0) {
            below_limit = true;
            continue;
        }
        rc = vcmp(s, version, e->version, &c, err);
        if (rc < 0)
            goto out;
        if (c < 0)
            below_limit = true;
    }
    if (has_limit && !below_limit) {
        rc = 0;
        goto out;
    }

    bool affected = false;
    for (size_t k = 0; k < n; k++) {
        const ld_vuln_event *e = &rg->events[ix[k]];
        int c = 0;
        switch (e->kind) {
        case LD_EVENT_INTRODUCED:
            if (is_zero(e)) {
                affected = true;
                break;
            }
            rc = vcmp(s, version, e->version, &c, err);
            if (rc < 0)
                goto out;
            if (c >= 0)
                affected = true;
            break;
        case LD_EVENT_FIXED:
            rc = vcmp(s, version, e->version, &c, err);
            if (rc < 0)
                goto out;
            if (c >= 0)
                affected = false;
            break;
        case LD_EVENT_LAST_AFFECTED:
            rc = vcmp(s, version, e->version, &c, err);
            if (rc < 0)
                goto out;
            if (c > 0)
                affected = false;
            break;
        case LD_EVENT_LIMIT: break;
        }
    }
    rc = affected ? 1 : 0;
out:
    if (ix != small)
        free(ix);
    return rc;
}

bool ld_versions_list_contains(ld_version_scheme s, const char *const *versions, size_t n,
                               const char *version)
{
    if (!version)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!versions[i])
            continue;
        if (strcmp(versions[i], version) == 0)
            return true;
        int c = 1;
        if (vcmp(s, versions[i], version, &c, NULL) == 0 && c == 0)
            return true;
    }
    return false;
}
