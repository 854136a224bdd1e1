/* The small vocabularies every tier shares: tiers, severities, statuses and
 * security levels, with their canonical names. Parsing is exact and
 * lower-case; the names are what reports and the catalog use. */
#ifndef LD_CORE_TYPES_H
#define LD_CORE_TYPES_H

#include <stdbool.h>

typedef enum {
    LD_TIER_IMAGE,
    LD_TIER_REGISTRY,
    LD_TIER_ORCHESTRATOR,
    LD_TIER_CONTAINER,
    LD_TIER_HOST,
    LD_TIER_COUNT
} ld_tier;

/* Ordered: a higher value is more severe. */
typedef enum {
    LD_SEV_INFO,
    LD_SEV_LOW,
    LD_SEV_MEDIUM,
    LD_SEV_HIGH,
    LD_SEV_CRITICAL,
    LD_SEV_COUNT
} ld_severity;

typedef enum {
    LD_STATUS_PASS,
    LD_STATUS_FAIL,
    LD_STATUS_WARN,
    LD_STATUS_INFO,
    LD_STATUS_MANUAL,
    LD_STATUS_SKIPPED,
    LD_STATUS_ERROR,
    LD_STATUS_COUNT
} ld_status;

/* Ordered: a control required at LOW is required at every level. */
typedef enum { LD_LEVEL_LOW, LD_LEVEL_MEDIUM, LD_LEVEL_HIGH, LD_LEVEL_COUNT } ld_level;

const char *ld_tier_name(ld_tier t);
const char *ld_severity_name(ld_severity s);
const char *ld_status_name(ld_status s);
const char *ld_level_name(ld_level l);

/* Each returns 0 and sets *out on an exact name match, -1 otherwise. */
int ld_tier_parse(const char *s, ld_tier *out);
int ld_severity_parse(const char *s, ld_severity *out);
int ld_status_parse(const char *s, ld_status *out);
int ld_level_parse(const char *s, ld_level *out);

/* Bit of severity s in a severity set (a bit mask over ld_severity). */
#define LD_SEV_BIT(s) (1u << (unsigned)(s))
#define LD_SEV_ALL ((1u << LD_SEV_COUNT) - 1u)
/* A severity set as users write it, the way Trivy takes it: a comma list
 * of severities in any case ("HIGH,CRITICAL" is exactly those two; "UNKNOWN"
 * is lockdown's info), or one severity followed by "+" for it and every one
 * above ("medium+"). A single severity without "+" is that severity alone
 * when exact_single, else it and above (image scan's long-standing
 * --severity). Returns 0 and sets *mask, or -1 (an unknown word, an empty
 * item). */
int ld_severity_set_parse(const char *s, bool exact_single, unsigned *mask);

#endif
