/* The controls catalog: every NIST SP 800-190 recommendation, every CIS
 * Docker Benchmark v1.6 item and the CIS Kubernetes Benchmark items lockdown
 * knows, loaded from data/controls.yaml and data/controls-kubernetes.yaml
 * (compiled into the binary; one catalog, ids unique across the files). Read-only once loaded; findings point into it.
 * Not for deciding pass/fail: that is the checks' and the report's job. */
#ifndef LD_CORE_CATALOG_H
#define LD_CORE_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/types.h"
#include "util/strlist.h"
#include "util/strmap.h"

typedef enum { LD_FW_NIST_800_190, LD_FW_CIS_DOCKER_16, LD_FW_CIS_KUBERNETES } ld_framework;

/* The CIS Kubernetes Benchmark version the cis-kubernetes controls follow. */
#define LD_CIS_KUBERNETES_VERSION "1.10"

/* Is fw a CIS benchmark (its controls are the benchmark's own items)? */
bool ld_framework_is_cis(ld_framework fw);

typedef struct {
    char *id;
    ld_framework framework;
    ld_strlist refs; /* 800-190 recommendation keys (IMG-01 ..) */
    char *title;
    ld_tier tier;
    char *nist; /* risk section, "4.1.1" .. "4.5.5" */
    ld_strlist cis; /* CIS Docker Benchmark v1.6 ids */
    ld_strlist cis_later; /* "v1.6id=laterid" pairs where v1.7/v1.8 renumbered */
    bool automated; /* lockdown observes it (a check of it is implemented) */
    bool planned;   /* checks named, none implemented yet: never assessed by this build */
    ld_strlist checks; /* check ids that automate it */
    ld_level level;    /* lowest level that requires it */
    ld_severity severity;
    char *description;
    char *remediation;
    size_t index; /* position in the catalog */
} ld_control;

typedef struct {
    ld_control *controls;
    size_t n;
    /* check id -> the control ld_catalog_control_for_check gives, built
     * once at load (empty for a catalog assembled by hand: then the
     * lookup scans) */
    ld_strmap by_check;
} ld_catalog;

/* Loads the catalog compiled into the binary. Caller frees. */
ld_catalog *ld_catalog_load_builtin(ld_error *err);
/* Parses and validates a catalog document; errors carry line numbers. */
ld_catalog *ld_catalog_parse(const char *name, const char *buf, size_t len, ld_error *err);
void ld_catalog_free(ld_catalog *cat);

const ld_control *ld_catalog_find(const ld_catalog *cat, const char *id);
/* The first control whose checks include check_id, or NULL. */
const ld_control *ld_catalog_find_by_check(const ld_catalog *cat, const char *check_id);
/* The control a finding of check_id points at, by one scan of the catalog
 * (a CIS control listing it first, else the first that does); what
 * ld_catalog_control_for_check answers from the index. */
const ld_control *ld_catalog_scan_for_check(const ld_catalog *cat, const char *check_id);
bool ld_control_has_ref(const ld_control *c, const char *ref);
const char *ld_framework_name(ld_framework fw);
/* True if this build of lockdown implements check_id (see check_registry.c). */
bool ld_check_implemented(const char *check_id);
/* NULL-terminated list of the check ids this build implements. */
const char *const *ld_implemented_checks(void);
/* True if at least one of c's checks is implemented. */
bool ld_control_assessable(const ld_control *c);

#endif
