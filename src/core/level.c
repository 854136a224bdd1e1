/* The security-level rule (docs/levels.md):
 *   points: data public 0, internal 1, confidential 2, restricted 3;
 *           exposure none 0, indirect 1, direct 2;
 *           use case development 0, test 1, production 2.
 *   by points: >= 6 high, >= 3 medium, otherwise low.
 *   floors: restricted data -> high; confidential data, direct exposure or
 *           production -> at least medium.
 *   level = the higher of the points level and every floor that applies. */
#include "core/level.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

static const char *const data_names[] = {"public", "internal", "confidential", "restricted"};
static const char *const exposure_names[] = {"none", "indirect", "direct"};
static const char *const use_names[] = {"development", "test", "production"};

static int find(const char *const *names, int n, const char *s)
{
    for (int i = 0; s && i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

int ld_data_class_parse(const char *s, ld_data_class *out)
{
    int i = find(data_names, 4, s);
    if (i >= 0)
        *out = (ld_data_class)i;
    return i >= 0 ? 0 : -1;
}

int ld_exposure_parse(const char *s, ld_exposure *out)
{
    int i = find(exposure_names, 3, s);
    if (i >= 0)
        *out = (ld_exposure)i;
    return i >= 0 ? 0 : -1;
}

int ld_use_case_parse(const char *s, ld_use_case *out)
{
    int i = find(use_names, 3, s);
    if (i >= 0)
        *out = (ld_use_case)i;
    return i >= 0 ? 0 : -1;
}

const char *ld_data_class_name(ld_data_class d) { return (unsigned)d < 4 ? data_names[d] : "?"; }
const char *ld_exposure_name(ld_exposure e) { return (unsigned)e < 3 ? exposure_names[e] : "?"; }
const char *ld_use_case_name(ld_use_case u) { return (unsigned)u < 3 ? use_names[u] : "?"; }

static void say(ld_strlist *r, char *line)
{
    if (r)
        ld_strlist_push_owned(r, line);
    else
        free(line);
}

ld_level ld_level_derive(const ld_profile *p, ld_strlist *r)
{
    int points = (int)p->data + (int)p->exposure + (int)p->use;
    ld_level by_points = points >= 6 ? LD_LEVEL_HIGH : points >= 3 ? LD_LEVEL_MEDIUM : LD_LEVEL_LOW;
    say(r, ld_xasprintf("points: data %s (%d) + exposure %s (%d) + use case %s (%d) = %d -> %s "
                        "(>= 6 high, >= 3 medium, else low)",
                        data_names[p->data], (int)p->data, exposure_names[p->exposure],
                        (int)p->exposure, use_names[p->use], (int)p->use, points,
                        ld_level_name(by_points)));
    ld_level level = by_points;
    if (p->data == LD_DATA_RESTRICTED) {
        say(r, ld_xstrdup("floor: restricted data requires high"));
        level = LD_LEVEL_HIGH;
    }
    if (p->data == LD_DATA_CONFIDENTIAL) {
        say(r, ld_xstrdup("floor: confidential data requires at least medium"));
        if (level < LD_LEVEL_MEDIUM)
            level = LD_LEVEL_MEDIUM;
    }
    if (p->exposure == LD_EXPOSURE_DIRECT) {
        say(r, ld_xstrdup("floor: direct Internet exposure requires at least medium"));
        if (level < LD_LEVEL_MEDIUM)
            level = LD_LEVEL_MEDIUM;
    }
    if (p->use == LD_USE_PRODUCTION) {
        say(r, ld_xstrdup("floor: production use requires at least medium"));
        if (level < LD_LEVEL_MEDIUM)
            level = LD_LEVEL_MEDIUM;
    }
    say(r, ld_xasprintf("level: %s", ld_level_name(level)));
    return level;
}
