/* `lockdown registry prune`: which manifests of a registry must go, and
 * deleting them. The selection (prune_select.c) is a pure function of the
 * inventory (registry/inventory.h: tags, digests, index children, the
 * facts the scan found) and the rules; applying the plan (prune.c) deletes
 * by digest through the registry client and reports every deletion as one
 * JSON line to a callback (the CLI writes the log). Dry run is the
 * caller's default: nothing here deletes unless ld_prune_apply is called.
 *
 * Rules (any one selects a tagged manifest; docs/registry.md):
 *   severity   a vulnerability at or above `severity` (with a fixed version
 *              when fixable_only); an index: any of its children's
 *   unsigned   no signature that verifies with a trusted key (unsigned, or
 *              signatures that do not verify)
 *   older-than config `created` more than N days before `now` (an index:
 *              its newest child's)
 * and, applied last, keep-newest N: the N newest tagged manifests of each
 * repository (by `created`; those tied with the N-th too; an unknown date
 * counts as newest) are kept whatever the rules say, so a repository is
 * never pruned below N. A manifest a rule could not judge (its scan
 * failed, no database, a signature that could not be checked, no date) is
 * never selected by that rule, and the plan says so.
 *
 * What goes with a pruned manifest: every tag naming it (one delete per
 * digest), the children of a pruned index unless a kept manifest is that
 * child or a kept index lists it, and the cosign attachments of every
 * deleted digest (the manifests that sha256-<hex>.sig/.att/.sbom tags name). */
#ifndef LD_REGISTRY_PRUNE_H
#define LD_REGISTRY_PRUNE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/error.h"
#include "core/findings.h"
#include "core/policy.h"
#include "core/types.h"
#include "registry/client.h"
#include "registry/inventory.h"
#include "trust/keys.h"
#include "util/strlist.h"

typedef struct {
    bool by_severity;
    ld_severity severity;
    bool fixable_only;
    bool by_signature;   /* the unsigned rule */
    int older_than_days; /* < 0: off */
    int keep_newest;     /* 0: off */
    time_t now;          /* the run's clock */
} ld_prune_rules;

/* Does any rule select anything (keep-newest alone selects nothing)? */
bool ld_prune_rules_any(const ld_prune_rules *r);
/* The rules of a policy's registry.prune section (p may be NULL: none),
 * with now as the clock. */
void ld_prune_rules_from_policy(const ld_policy *p, time_t now, ld_prune_rules *out);
/* "vulnerabilities at or above high with a fix; older than 90 days; keep
 * the newest 3 per repository" (caller frees); "no rule" when none. */
char *ld_prune_rules_describe(const ld_prune_rules *r);

typedef enum {
    LD_PRUNE_MANIFEST,   /* a tagged manifest a rule selected */
    LD_PRUNE_CHILD,      /* a child of a pruned index that nothing kept references */
    LD_PRUNE_ATTACHMENT, /* a cosign signature/attestation/SBOM of a deleted digest */
} ld_prune_kind;

const char *ld_prune_kind_name(ld_prune_kind k); /* "manifest", "index child", "signature", ... */

typedef enum {
    LD_PRUNE_PLANNED,
    LD_PRUNE_DELETED,
    LD_PRUNE_GONE,    /* the registry no longer had it (404) */
    LD_PRUNE_FAILED,  /* see error */
    LD_PRUNE_SKIPPED, /* not tried: what it belongs to could not be deleted (error says) */
} ld_prune_result;

const char *ld_prune_result_name(ld_prune_result r); /* "planned", "deleted", "gone", ... */

typedef struct {
    ld_prune_kind kind;
    char *repo;
    char *digest;
    ld_strlist tags; /* the tags that go with it */
    char *reason;    /* one line */
    char *of;        /* CHILD: its index; ATTACHMENT: the digest it is attached to; else NULL */
    const char *attachment; /* ATTACHMENT: "sig", "att", "sbom" */
    ld_prune_result result;
    char *error;
} ld_prune_action;

typedef struct {
    char *repo;
    char *digest;
    ld_strlist tags;
    char *reason; /* why a manifest a rule selected, or could not judge, stays */
} ld_prune_kept;

typedef struct {
    ld_prune_action *v; /* in deletion order: a manifest, its children, then attachments */
    size_t n, cap;
    ld_prune_kept *kept;
    size_t n_kept, cap_kept;
    size_t judged; /* tagged manifests the rules looked at */
} ld_prune_plan;

void ld_prune_plan_clear(ld_prune_plan *p);

/* Selects what the rules say must go from inv into plan (cleared first).
 * Pure: no network, no clock but rules->now. */
void ld_prune_select(const ld_reg_inventory *inv, const ld_prune_rules *rules, ld_prune_plan *plan);

/* The unsigned rule's facts: the signature of every tagged manifest of inv
 * verified with keys (trusted public keys, n_keys > 0) through
 * trust/verify.h, into its sig / sig_reason. A verification that could not
 * be made is LD_REG_SIG_NOT_ASSESSED with the reason. */
void ld_prune_check_signatures(ld_reg_inventory *inv, ld_key *const *keys, size_t n_keys,
                               const ld_reg_options *registry);

/* registry.stale-images for `registry scan` (NIST 800-190 REG-03: registries
 * pruned of unsafe and stale images): the selection of rules over inv
 * (facts from the scan; signatures from ld_prune_check_signatures when
 * rules->by_signature), one finding per tagged manifest: fail when the
 * rules select it (prune would delete it), pass when they do not or
 * keep-newest keeps it, error when a rule could not judge it. Declares the
 * check owed. */
int ld_prune_report(ld_findings *r, const ld_reg_inventory *inv, const ld_prune_rules *rules,
                    ld_error *err);

/* One deletion as a JSON line (no newline; caller frees): time, registry,
 * repository, digest, tags, kind, reason, result, error. */
char *ld_prune_log_line(const char *host, const ld_prune_action *a, time_t when);

/* Called after each deletion attempt with its log line. */
typedef void (*ld_prune_log_fn)(void *ctx, const ld_prune_action *a, const char *json_line);

/* Deletes the plan's manifests in order (DELETE /v2/REPO/manifests/DIGEST,
 * once per digest), recording each result in the plan and calling log
 * after each attempt. A 404 is recorded as gone and the run goes on; any
 * other failure is recorded and the run goes on with the next (the
 * children and attachments of a manifest that could not be deleted are
 * skipped: an index is never left pointing at deleted children, an image
 * never loses its signature while it stays), except a
 * registry that refuses deletes (405) or credentials that may not delete,
 * which stop the run at once: returns LD_ERR_UNSUPPORTED with err saying
 * so. Returns 0 when every action ended deleted or gone, else < 0 with err
 * naming the first failure. */
int ld_prune_apply(ld_reg_client *c, const char *host, ld_prune_plan *plan, ld_prune_log_fn log,
                   void *ctx, ld_error *err);

#endif
