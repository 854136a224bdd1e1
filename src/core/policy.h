/* The policy file (YAML): profile or level, gate, exceptions, attestations,
 * trusted registries and keys. Parsing is strict: unknown keys and bad
 * values are errors with line numbers, all collected in one pass so
 * `lockdown policy check` can show every problem at once.
 * Schema: docs/policy.md. Not for applying the policy to findings: that is
 * evaluate.c (exceptions, attestations, the gate). */
#ifndef LD_CORE_POLICY_H
#define LD_CORE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/error.h"
#include "core/finding.h"
#include "core/level.h"
#include "core/types.h"
#include "util/strlist.h"

typedef struct {
    char *id;      /* control id, check id or finding id (e.g. a CVE id later) */
    char *target;  /* fnmatch(3) pattern over the target's id and name; NULL: any target */
    char *reason;
    char *expires; /* YYYY-MM-DD, NULL: never */
    int line;
    char *source;  /* file it came from when not the policy (an ignore file); NULL: the policy */
} ld_exception;

typedef struct {
    char *control;
    char *by;
    char *date;     /* YYYY-MM-DD */
    char *evidence; /* link */
    char *expires;  /* YYYY-MM-DD, NULL: never */
    int line;
} ld_attestation;

typedef struct {
    char *name;
    char *key; /* PEM text, or a path prefixed with "file:" */
    int line;
} ld_trusted_key;

/* A custom secret rule (secrets.rules); compiled by checks/image_scan.c. */
typedef struct {
    char *id;
    char *description;
    char *regex;          /* PCRE2; the first capture group is the secret if there is one */
    ld_strlist keywords;  /* prefilter words, matched case-insensitively */
    ld_severity severity; /* default high */
    int line;
} ld_policy_secret_rule;

/* A secret allow rule (secrets.allow): drops hits whose secret matches regex
 * or whose file matches path; limited to rule id when given. */
typedef struct {
    char *id;    /* NULL: every rule */
    char *path;  /* PCRE2 over the file path; NULL: any */
    char *regex; /* PCRE2 over the secret; NULL: any */
    int line;
} ld_policy_secret_allow;

/* registry.prune: what `lockdown registry prune` selects when its flags do
 * not say (policy_registry.c; src/registry/prune.h applies it). */
typedef struct {
    bool has_severity;
    ld_severity severity; /* vulnerabilities at or above */
    bool fixable_only;    /* only vulnerabilities with a fixed version count */
    bool unsigned_images; /* images without a valid signature (trusted-keys) go */
    bool has_older_than;
    int older_than_days; /* config `created` older than this */
    int keep_newest;     /* 0: not set; else the newest N per repository always stay */
} ld_policy_registry_prune;

/* runtime.egress: the destinations containers may reach, by a glob over
 * the image (then the container name); the first that matches applies
 * (policy_runtime.c; lockdown watch, runtime/containers.h). */
typedef struct {
    char *match;     /* fnmatch(3) glob */
    ld_strlist allow; /* entries as runtime/containers.h parses them; empty: nothing */
    int line;
} ld_policy_runtime_egress;

typedef struct {
    char *path; /* where it came from, "built-in default" for the default */
    bool has_profile;
    ld_profile profile;
    bool has_level;
    ld_level level;
    bool has_fail_on;
    ld_severity fail_on;
    bool required_controls; /* gate: required controls at the level must pass (default true) */
    bool allow_incomplete;  /* gate: owed controls not assessed do not fail it (default false) */
    bool has_fail_on_review;
    bool fail_on_review; /* gate: required controls needing review fail it (default: at high) */
    ld_exception *exceptions;
    size_t n_exceptions;
    ld_attestation *attestations;
    size_t n_attestations;
    ld_strlist trusted_registries;
    ld_trusted_key *trusted_keys;
    size_t n_trusted_keys;
    /* secrets: custom rules, allow rules, limits (docs/policy.md) */
    ld_policy_secret_rule *secret_rules;
    size_t n_secret_rules;
    ld_policy_secret_allow *secret_allow;
    size_t n_secret_allow;
    uint64_t secret_max_bytes; /* 0: default (10 MiB) */
    bool has_secret_skip_binary;
    bool secret_skip_binary;
    /* kubernetes: the orchestrator tier's view of the environment */
    ld_strlist k8s_production_namespaces; /* names or fnmatch(3) globs */
    ld_strlist k8s_developer_groups;      /* RBAC group names */
    char *k8s_sensitivity_label;          /* label key; NULL: the default */
    /* registry: the prune rules (policy_registry.c) */
    ld_policy_registry_prune registry_prune;
    /* fips: true: the run must use OpenSSL's FIPS provider (trust/crypto.h);
     * the CLI session turns FIPS mode on or refuses to run */
    bool fips;
    /* logging.audit-log: lockdown's own audit trail (core/audit_log.h), an
     * absolute path; NULL: none. --audit-log and LOCKDOWN_AUDIT_LOG win. */
    char *audit_log;
    /* runtime: lockdown watch's egress policies, in file order (policy_runtime.c) */
    ld_policy_runtime_egress *runtime_egress;
    size_t n_runtime_egress;
} ld_policy;

/* The embedded default policy (data/default-policy.yaml). */
ld_policy *ld_policy_default(ld_error *err);
/* Reads and parses path (size-capped). Every problem is appended to diags as
 * "PATH:LINE: message" (diags may be NULL); on any problem returns NULL and
 * err holds the first one plus a count. */
ld_policy *ld_policy_load(const char *path, ld_strlist *diags, ld_error *err);
ld_policy *ld_policy_parse(const char *name, const char *buf, size_t len, ld_strlist *diags,
                           ld_error *err);
void ld_policy_free(ld_policy *p);
/* Appends an exception read from file source at line (strings copied;
 * target, expires may be NULL): how an ignore file's entries join the
 * policy's accepted risks. */
void ld_policy_add_exception(ld_policy *p, const char *source, int line, const char *id,
                             const char *target, const char *reason, const char *expires);

/* Is namespace ns one of the policy's kubernetes.production-namespaces
 * (names or globs)? */
bool ld_policy_production_namespace(const ld_policy *p, const char *ns);

/* True if the YYYY-MM-DD date is before today (local date of now): a date D
 * is still valid on D and expired from D+1. A malformed date counts as
 * expired; NULL (no expiry date) never expires. */
bool ld_date_expired(const char *date, time_t now);
/* Does exception e cover finding f (id matches control id, check id; target
 * pattern matches target id or name)? Ignores expiry. */
bool ld_exception_matches(const ld_exception *e, const ld_finding *f);

#endif
