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

/* One severity word in any case; "unknown" is info. */
static int severity_word(const char *w, size_t n, ld_severity *out)
{
    char low[16];
    if (n == 0 || n >= sizeof(low))
        return -1;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)(w[i] >= 'A' && w[i] <= 'Z' ? w[i] - 'A' + 'a' : w[i]);
    low[n] = '\0';
    if (strcmp(low, "unknown") == 0) {
        *out = LD_SEV_INFO;
        return 0;
    }
    return ld_severity_parse(low, out);
}

int ld_severity_set_parse(const char *s, bool exact_single, unsigned *mask)
{
    if (!s || !*s)
        return -1;
    unsigned m = 0;
    size_t items = 0;
    bool plus = false;
    for (const char *p = s;;) {
        size_t n = strcspn(p, ",");
        size_t w = n;
        plus = w > 0 && p[w - 1] == '+';
        ld_severity sev;
        if (severity_word(p, plus ? w - 1 : w, &sev) < 0)
            return -1;
        m |= plus ? LD_SEV_ALL & ~(LD_SEV_BIT(sev) - 1u) : LD_SEV_BIT(sev);
        items++;
        if (!p[n])
            break;
        p += n + 1;
    }
    if (items == 1 && !plus && !exact_single)
        m = LD_SEV_ALL & ~((m & -m) - 1u); /* the one severity and above */
    *mask = m;
    return 0;
}
