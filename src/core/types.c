/* Names of tiers, severities, statuses and levels. See types.h. */
#include "core/types.h"

#include <string.h>

static const char *const tier_names[LD_TIER_COUNT] = {"image", "registry", "orchestrator",
                                                      "container", "host"};
static const char *const severity_names[LD_SEV_COUNT] = {"info", "low", "medium", "high",
                                                         "critical"};
static const char *const status_names[LD_STATUS_COUNT] = {"pass",   "fail",    "warn", "info",
                                                          "manual", "skipped", "error"};
static const char *const level_names[LD_LEVEL_COUNT] = {"low", "medium", "high"};

static int lookup(const char *const *names, int n, const char *s)
{
    if (!s)
        return -1;
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

const char *ld_tier_name(ld_tier t) { return (unsigned)t < LD_TIER_COUNT ? tier_names[t] : "?"; }
const char *ld_severity_name(ld_severity s)
{
    return (unsigned)s < LD_SEV_COUNT ? severity_names[s] : "?";
}
const char *ld_status_name(ld_status s)
{
    return (unsigned)s < LD_STATUS_COUNT ? status_names[s] : "?";
}
const char *ld_level_name(ld_level l) { return (unsigned)l < LD_LEVEL_COUNT ? level_names[l] : "?"; }

#define DEFINE_PARSE(fn, type, names, count)                                                       \
    int fn(const char *s, type *out)                                                               \
    {                                                                                              \
        int i = lookup(names, count, s);                                                           \
        if (i < 0)                                                                                 \
            return -1;                                                                             \
        *out = (type)i;                                                                            \
        return 0;                                                                                  \
    }

DEFINE_PARSE(ld_tier_parse, ld_tier, tier_names, LD_TIER_COUNT)
DEFINE_PARSE(ld_severity_parse, ld_severity, severity_names, LD_SEV_COUNT)
DEFINE_PARSE(ld_status_parse, ld_status, status_names, LD_STATUS_COUNT)
DEFINE_PARSE(ld_level_parse, ld_level, level_names, LD_LEVEL_COUNT)
