/* The one findings model: every check in every tier produces ld_finding
 * records. A finding points at its catalog control (tier, NIST section, CIS
 * ids, default severity and remediation come from there) and records what
 * was looked at (target) and exactly what was seen (evidence).
 * Vulnerabilities and secrets are findings with extra fields (vuln/secret),
 * added by the issues that produce them. */
#ifndef LD_CORE_FINDING_H
#define LD_CORE_FINDING_H

#include <stdbool.h>
#include <stddef.h>

#include "core/catalog.h"
#include "core/types.h"
#include "util/strlist.h"

typedef enum {
    LD_TARGET_HOST,      /* id: host name */
    LD_TARGET_ENGINE,    /* id: engine endpoint, name: engine version */
    LD_TARGET_IMAGE,     /* id: image digest or id, name: reference */
    LD_TARGET_CONTAINER, /* id: container id, name: container name */
    LD_TARGET_FILE,      /* id: file path */
    LD_TARGET_POLICY,    /* id: policy file path */
    LD_TARGET_K8S,       /* id: "Kind/namespace/name" (cluster-scoped: "Kind/name"),
                            path: manifest file (or API URL), line: where it says so */
    LD_TARGET_REGISTRY,  /* id: the registry as clients name it ("host:port") */
    LD_TARGET_AWS,       /* id: the resource's ARN (or "kind/name"), name: its name,
                            path: the file or API call it was read from */
    LD_TARGET_COUNT
} ld_target_kind;

typedef struct {
    ld_target_kind kind;
    char *id;
    char *name; /* optional */
    char *path; /* optional: file inside the target (image file, Dockerfile) */
    int line;   /* optional: 1-based line in path, 0 if none */
} ld_target;

/* Extra fields of a vulnerability finding (check image.vulnerabilities). */
typedef struct {
    char *id;                 /* advisory id as the feed names it (CVE-..., GHSA-..., DSA-...) */
    ld_strlist aliases;       /* other ids of the same vulnerability */
    char *ecosystem;          /* deb, apk, rpm, npm, pypi, ... */
    char *package;            /* the installed package's name */
    char *source_package;     /* source package it was matched through (OS packages); NULL if none */
    char *installed_version;
    ld_strlist fixed_versions;
    char *fix_status;         /* fixed, not-fixed, will-not-fix, end-of-life, unimportant, ... */
    char *purl;
    char *severity_source;    /* where the severity came from: "cvss-v3", "cvss-v4", "debian", ... */
    double cvss_score;        /* 0 when unknown */
    char *cvss_vector;        /* NULL when unknown */
    ld_strlist references;    /* URLs */
    char *layer_digest;       /* layer that brought the package in; NULL for dir: */
    char *layer_diff_id;
    char *layer_created_by;
} ld_vuln_fields;

/* Extra fields of a secret finding (check image.secrets). The secret itself
 * is never stored: only a masked excerpt. */
typedef struct {
    char *rule_id;          /* stable secret rule id, e.g. "aws-access-key-id" */
    char *masked;           /* masked excerpt, e.g. "AKIA************MPLE" */
    int line;               /* 1-based line in the file, 0 if binary/unknown */
    char *layer_digest;     /* layer holding this version of the file */
    char *layer_created_by;
    bool deleted;           /* a later layer deleted the file */
    bool overwritten;       /* a later layer replaced the file */
    char *removed_by_layer; /* digest of the layer that deleted/replaced it */
} ld_secret_fields;

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
    ld_vuln_fields *vuln;     /* owned; NULL unless a vulnerability finding */
    ld_secret_fields *secret; /* owned; NULL unless a secret finding */
} ld_finding;

/* Attach (zeroed) extra fields; returns them (owned by f). */
ld_vuln_fields *ld_finding_vuln(ld_finding *f);
ld_secret_fields *ld_finding_secret(ld_finding *f);

/* New finding for control c with the control's severity. Caller owns it
 * (or hands it to ld_findings_add, which takes it). */
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
