/* The one findings model: every check in every tier produces ld_finding
 * records. A finding points at its catalog control (tier, NIST section, CIS
 * ids, default severity and remediation come from there) and records what
 * was looked at (target) and exactly what was seen (evidence).
 * Vulnerabilities and secrets are findings with extra fields (vuln/secret),
 * added by the issues that produce them. */
#ifndef LD_CORE_FINDING_H
#define LD_CORE_FINDING_H

#include <stddef.h>

#include "core/catalog.h"
#include "core/types.h"

typedef enum {
    LD_TARGET_HOST,      /* id: host name */
    LD_TARGET_ENGINE,    /* id: engine endpoint, name: engine version */
    LD_TARGET_IMAGE,     /* id: image digest or id, name: reference */
    LD_TARGET_CONTAINER, /* id: container id, name: container name */
    LD_TARGET_FILE,      /* id: file path */
    LD_TARGET_POLICY,    /* id: policy file path */
    LD_TARGET_COUNT
} ld_target_kind;

typedef struct {
    ld_target_kind kind;
    char *id;
    char *name; /* optional */
    char *path; /* optional: file inside the target (image file, Dockerfile) */
    int line;   /* optional: 1-based line in path, 0 if none */
} ld_target;

typedef struct ld_finding {
    const ld_control *control; /* borrowed from the catalog; never NULL */
    char *check_id;
    char *title; /* NULL: the control's title */
    ld_severity severity;
    ld_status status;
    ld_target target;
    char *evidence;    /* exactly what was seen; NULL if nothing to show */
    char *remediation; /* NULL: the control's remediation */
    char *exception;   /* set by the report when a policy exception applies: its reason */
} ld_finding;

/* New finding for control c with the control's severity. Caller owns it
 * (or hands it to ld_report_emit, which takes it). */
ld_finding *ld_finding_new(const ld_control *c, const char *check_id, ld_status status);
void ld_finding_free(ld_finding *f);

void ld_finding_set_target(ld_finding *f, ld_target_kind kind, const char *id, const char *name);
void ld_finding_set_location(ld_finding *f, const char *path, int line);
void ld_finding_set_evidence(ld_finding *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ld_finding_set_title(ld_finding *f, const char *title);
void ld_finding_set_remediation(ld_finding *f, const char *remediation);

const char *ld_finding_title(const ld_finding *f);
const char *ld_finding_remediation(const ld_finding *f);
const char *ld_target_kind_name(ld_target_kind k);
/* "name (id)" / "id" — a one-line description of the target; caller frees. */
char *ld_target_describe(const ld_target *t);

#endif
