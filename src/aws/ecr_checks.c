/* The ECR family (the registry tier, the AWS way): scan on push, tag
 * immutability, lifecycle policy, KMS encryption, repository policy and
 * pull-through cache rules, each judged per repository (or rule) of the
 * set with the registry-level documents of its registry. One finding per
 * repository/statement/rule that is not fine, one verdict per check
 * (aws_finding.h). Never prints; policy text is parsed by iam_policy.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws_finding.h"
#include "aws/aws_json.h"
#include "aws/aws_scan.h"
#include "aws/iam_policy.h"
#include "aws/ecr_internal.h"
#include "util/cleanup.h"
#include "util/image_ref.h"
#include "util/json_budget.h"
#include "util/mem.h"

/* Per-check tallies for the verdict. */
typedef struct {
    size_t judged, flagged;
} tally;

static int flag(ld_findings *r, tally *t, const char *check, ld_status st,
                const ld_aws_resource *res, ld_error *err, const char *msg)
{
    t->flagged++;
    return ld_aws_emit(r, check, st, res, err, "%s", msg);
}

/* The registry id of a repository: the set's, else the document's. */
static const char *repo_registry(const ld_aws_resource *res)
{
    return res->registry_id ? res->registry_id : ld_aws_str(res->obj, "registryId");
}

/* The registry-level document of kind for registry (a document without a
 * registry id applies to any registry). */
static const ld_aws_resource *registry_doc(const ld_aws_set *s, ld_aws_kind kind,
                                           const char *registry)
{
    for (size_t i = 0; i < ld_aws_set_count(s, kind); i++) {
        const ld_aws_resource *d = ld_aws_set_get(s, kind, i);
        const char *rid = d->registry_id ? d->registry_id : ld_aws_str(d->obj, "registryId");
        if (!d->absent && (!rid || !registry || strcmp(rid, registry) == 0))
            return d;
    }
    return NULL;
}

/* ECR scanning filter semantics (AWS ECR User Guide, "Filters to choose
 * which repositories are scanned in Amazon ECR", image-scanning-filters.html):
 * "a filter with no wildcard will match all repository names that contain
 * the filter. A filter with a wildcard (*) matches on any repository name
 * where the wildcard replaces zero or more characters". */
bool ld_ecr_filter_matches(const char *filter, const char *name)
{
    if (!*filter)
        return false; /* ECR requires at least one character; match nothing */
    if (!strchr(filter, '*'))
        return strstr(name, filter) != NULL;
    /* '*' only (iterative, one backtrack point); every other byte literal */
    const char *p = filter, *n = name, *star = NULL, *resume = NULL;
    while (*n) {
        if (*p == '*') {
            star = p++;
            resume = n;
        } else if (*p && *p == *n) {
            p++;
            n++;
        } else if (star) {
            p = star + 1;
            n = ++resume;
        } else {
            return false;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

/* A scanning rule that scans on push or continuously (MANUAL never counts). */
static bool rule_scans(const json_t *rule)
{
    const char *freq = ld_aws_str(rule, "scanFrequency");
    return freq && (strcmp(freq, "SCAN_ON_PUSH") == 0 || strcmp(freq, "CONTINUOUS_SCAN") == 0);
}

/* Does a rule (of a scanning configuration) scan name on push or
 * continuously? *why gets "rules[i] FREQ filter 'F'" (static buffer of the
 * caller). */
static bool scanning_covers(const json_t *cfg, const char *name, char *why, size_t whylen)
{
    const json_t *rules = ld_aws_array(cfg, "rules");
    size_t i;
    const json_t *rule;
    json_array_foreach(rules, i, rule)
    {
        if (!rule_scans(rule))
            continue;
        size_t j;
        const json_t *f;
        json_array_foreach(ld_aws_array(rule, "repositoryFilters"), j, f)
        {
            const char *type = ld_aws_str(f, "filterType");
            const char *filter = ld_aws_str(f, "filter");
            if (!filter || (type && strcmp(type, "WILDCARD") != 0))
                continue;
            if (ld_ecr_filter_matches(filter, name)) {
                snprintf(why, whylen, "rules[%zu] %s, filter '%s'", i, ld_aws_str(rule, "scanFrequency"), filter);
                return true;
            }
        }
    }
    return false;
}

/* Whether cfg has any SCAN_ON_PUSH or CONTINUOUS_SCAN rule with a filter. */
static bool has_push_filters(const json_t *cfg)
{
    size_t i;
    const json_t *rule;
    json_array_foreach(ld_aws_array(cfg, "rules"), i, rule)
    {
        const char *freq = ld_aws_str(rule, "scanFrequency");
        if (freq && (strcmp(freq, "SCAN_ON_PUSH") == 0 || strcmp(freq, "CONTINUOUS_SCAN") == 0) &&
            json_array_size(ld_aws_array(rule, "repositoryFilters")))
            return true;
    }
    return false;
}

/* ---- aws.ecr.scan-on-push ---------------------------------------------
 * Registry-level and repository-level settings: the repository-level
 * PutImageScanningConfiguration API "is being deprecated, in favor of
 * specifying the image scanning configuration at the registry level"
 * (ECR API Reference, PutImageScanningConfiguration), and with a registry
 * scanning configuration "any repositories not matching a basic scanning
 * scan on push filter will be set to the manual scan frequency" and "any
 * repositories not matching an enhanced scanning filter will have scanning
 * disabled" (ECR User Guide, image-scanning-filters.html). So when the
 * registry document is in the inputs it alone decides; without it the
 * repository's imageScanningConfiguration.scanOnPush is all there is to
 * see, and the evidence says the registry may override it. */
static int check_scan_on_push(ld_findings *r, const ld_aws_set *s, ld_error *err)
{
    tally t = {0};
    size_t by_repo_setting = 0;
    for (size_t i = 0; i < ld_aws_set_count(s, LD_AWS_ECR_REPOSITORY); i++) {
        const ld_aws_resource *repo = ld_aws_set_get(s, LD_AWS_ECR_REPOSITORY, i);
        const char *name = repo->name ? repo->name : ld_aws_str(repo->obj, "repositoryName");
        if (!repo->obj || !name)
            continue;
        t.judged++;
        int repo_flag =
            ld_aws_bool(ld_aws_object(repo->obj, "imageScanningConfiguration"), "scanOnPush");
        const ld_aws_resource *reg = registry_doc(s, LD_AWS_ECR_SCANNING, repo_registry(repo));
        if (reg) {
            const json_t *cfg = ld_aws_object(reg->obj, "scanningConfiguration");
            const char *type = ld_aws_str(cfg, "scanType");
            char why[512];
            if (scanning_covers(cfg, name, why, sizeof(why)))
                continue;
            bool enhanced = type && strcmp(type, "ENHANCED") == 0;
            if (!enhanced && repo_flag == 1 && !has_push_filters(cfg)) {
                /* the documentation speaks of repositories not matching a filter; with no
                 * filter at all (the registry's default) it does not say whether the
                 * deprecated repository setting still applies: a human must look */
                ld_autofree char *warn = ld_xasprintf(
                    "registry scanning configuration (scanType %s, %s) has no scan-on-push "
                    "filter; imageScanningConfiguration.scanOnPush true is the repository's "
                    "deprecated setting, which the ECR documentation does not say still "
                    "applies then: needs review (add a registry scan-on-push filter)",
                    type ? type : "absent", reg->source ? reg->source : "registry document");
                if (flag(r, &t, AWS_ECR_SCAN_ON_PUSH, LD_STATUS_WARN, repo, err, warn) < 0)
                    return -1;
                continue;
            }
            ld_autofree char *msg = ld_xasprintf(
                "registry scanning configuration (scanType %s, %s): no SCAN_ON_PUSH or "
                "CONTINUOUS_SCAN rule has a filter matching '%s', so its images are %s%s",
                type ? type : "absent", reg->source ? reg->source : "registry document", name,
                enhanced ? "not scanned" : "scanned only manually",
                repo_flag == 1 ? " (imageScanningConfiguration.scanOnPush true is superseded by "
                                 "the registry configuration)"
                               : "");
            if (flag(r, &t, AWS_ECR_SCAN_ON_PUSH, LD_STATUS_FAIL, repo, err, msg) < 0)
                return -1;
            continue;
        }
        if (repo_flag == 1) {
            by_repo_setting++;
            continue;
        }
        ld_autofree char *msg = ld_xasprintf(
            "imageScanningConfiguration.scanOnPush: %s; the registry scanning configuration "
            "(get-registry-scanning-configuration) was not exported and may override this",
            repo_flag == 0 ? "false" : "absent (defaults to false)");
        if (flag(r, &t, AWS_ECR_SCAN_ON_PUSH, LD_STATUS_FAIL, repo, err, msg) < 0)
            return -1;
    }
    if (!t.judged)
        return ld_aws_verdict(r, AWS_ECR_SCAN_ON_PUSH, s, 0, 0, err,
                              "no ECR repository in the inputs");
    return ld_aws_verdict(
        r, AWS_ECR_SCAN_ON_PUSH, s, t.judged, t.flagged, err,
        "%zu ECR repositor%s scanned on push%s", t.judged, t.judged == 1 ? "y" : "ies",
        by_repo_setting ? " (by the repository setting imageScanningConfiguration.scanOnPush "
                          "for some: the registry scanning configuration was not exported "
                          "and may override it)"
                        : " or continuously by the registry scanning configuration");
}

/* ---- aws.ecr.tag-immutability ----------------------------------------- */
static char *exclusion_list(const json_t *repo)
{
    ld_strlist l = {0};
    size_t i;
    const json_t *f;
    json_array_foreach(ld_aws_array(repo, "imageTagMutabilityExclusionFilters"), i, f)
    {
        const char *v = ld_aws_str(f, "filter");
        if (v)
            ld_strlist_push_owned(&l, ld_xasprintf("'%s'", v));
    }
    char *out = l.n ? ld_strlist_join(&l, ", ") : ld_xstrdup("(none listed)");
    ld_strlist_clear(&l);
    return out;
}

static int check_tag_immutability(ld_findings *r, const ld_aws_set *s, ld_error *err)
{
    tally t = {0};
    for (size_t i = 0; i < ld_aws_set_count(s, LD_AWS_ECR_REPOSITORY); i++) {
        const ld_aws_resource *repo = ld_aws_set_get(s, LD_AWS_ECR_REPOSITORY, i);
        if (!repo->obj)
            continue;
        t.judged++;
        const char *m = ld_aws_str(repo->obj, "imageTagMutability");
        if (m && strcmp(m, "IMMUTABLE") == 0)
            continue;
        ld_autofree char *excl = exclusion_list(repo->obj);
        ld_autofree char *msg = NULL;
        ld_status st = LD_STATUS_FAIL;
        if (m && strcmp(m, "IMMUTABLE_WITH_EXCLUSION") == 0) {
            st = LD_STATUS_WARN;
            msg = ld_xasprintf("imageTagMutability: IMMUTABLE_WITH_EXCLUSION; tags matching "
                               "imageTagMutabilityExclusionFilters %s can be overwritten",
                               excl);
        } else if (m && strcmp(m, "MUTABLE_WITH_EXCLUSION") == 0) {
            msg = ld_xasprintf("imageTagMutability: MUTABLE_WITH_EXCLUSION; every tag except "
                               "those matching %s can be overwritten",
                               excl);
        } else {
            msg = ld_xasprintf("imageTagMutability: %s; a pushed tag can be overwritten",
                               m ? m : "absent (defaults to MUTABLE)");
        }
        if (flag(r, &t, AWS_ECR_TAG_IMMUTABILITY, st, repo, err, msg) < 0)
            return -1;
    }
    return ld_aws_verdict(r, AWS_ECR_TAG_IMMUTABILITY, s, t.judged, t.flagged, err,
                          "%zu ECR repositor%s%s", t.judged, t.judged == 1 ? "y" : "ies",
                          t.judged ? " with imageTagMutability IMMUTABLE" : " in the inputs");
}

/* ---- aws.ecr.lifecycle-policy ------------------------------------------ */
static const ld_json_limits lifecycle_limits = {
    .max_values = 100000, .max_containers = 20000, .max_depth = 16};

/* Judges lifecyclePolicyText: *status and a new message (caller frees). */
char *ld_ecr_lifecycle_judge(const char *text, ld_status *status)
{
    ld_error e = LD_ERROR_INIT;
    json_t *doc = text ? ld_json_load_bounded("lifecyclePolicyText", text, strlen(text), 0,
                                              &lifecycle_limits, &e)
                       : NULL;
    *status = LD_STATUS_ERROR;
    if (!text)
        return ld_xstrdup("get-lifecycle-policy output has no lifecyclePolicyText string: not "
                          "assessed");
    const json_t *rules = ld_aws_array(doc, "rules");
    if (!doc || !rules) {
        char *m = ld_xasprintf("lifecyclePolicyText is not a lifecycle policy (%s): not assessed",
                               doc ? "no rules array" : e.msg);
        json_decref(doc);
        return m;
    }
    size_t expire_any = 0, expire_untagged = 0, i;
    const json_t *rule;
    json_array_foreach(rules, i, rule)
    {
        const char *action = ld_aws_str(ld_aws_object(rule, "action"), "type");
        if (!action || strcmp(action, "expire") != 0)
            continue;
        const char *tag = ld_aws_str(ld_aws_object(rule, "selection"), "tagStatus");
        if (tag && strcmp(tag, "untagged") == 0)
            expire_untagged++;
        else
            expire_any++;
    }
    size_t n = json_array_size(rules);
    json_decref(doc);
    if (expire_any) {
        *status = LD_STATUS_PASS;
        return ld_xasprintf("%zu of %zu rules expire tagged images", expire_any, n);
    }
    if (expire_untagged) {
        *status = LD_STATUS_WARN;
        return ld_xasprintf("lifecyclePolicyText: its %zu expire rule%s only "
                            "tagStatus untagged: stale tagged images are never pruned",
                            expire_untagged, expire_untagged == 1 ? " selects" : "s select");
    }
    *status = LD_STATUS_FAIL;
    return ld_xasprintf("lifecyclePolicyText: none of its %zu rules has action type expire", n);
}

static int check_lifecycle(ld_findings *r, const ld_aws_set *s, ld_error *err)
{
    tally t = {0};
    for (size_t i = 0; i < ld_aws_set_count(s, LD_AWS_ECR_REPOSITORY); i++) {
        const ld_aws_resource *repo = ld_aws_set_get(s, LD_AWS_ECR_REPOSITORY, i);
        if (!repo->obj || !repo->name)
            continue;
        t.judged++;
        const ld_aws_resource *lc =
            ld_aws_set_find(s, LD_AWS_ECR_LIFECYCLE, repo_registry(repo), repo->name);
        ld_autofree char *msg = NULL;
        ld_status st;
        if (!lc) {
            st = LD_STATUS_ERROR;
            msg = ld_xasprintf("get-lifecycle-policy for %s not in the inputs: not assessed "
                               "(export it, or its LifecyclePolicyNotFoundException error)",
                               repo->name);
        } else if (lc->absent) {
            st = LD_STATUS_FAIL;
            msg = ld_xasprintf("no lifecycle policy (LifecyclePolicyNotFoundException in %s)",
                               lc->source ? lc->source : "the inputs");
        } else {
            msg = ld_ecr_lifecycle_judge(ld_aws_str(lc->obj, "lifecyclePolicyText"), &st);
            if (st == LD_STATUS_PASS)
                continue;
        }
        if (flag(r, &t, AWS_ECR_LIFECYCLE, st, repo, err, msg) < 0)
            return -1;
    }
    return ld_aws_verdict(r, AWS_ECR_LIFECYCLE, s, t.judged, t.flagged, err,
                          "%zu ECR repositor%s%s", t.judged, t.judged == 1 ? "y" : "ies",
                          t.judged ? " with a lifecycle policy that expires images"
                                   : " in the inputs");
}

/* ---- aws.ecr.kms-encryption --------------------------------------------- */
static int check_kms(ld_findings *r, const ld_aws_set *s, ld_error *err)
{
    tally t = {0};
    for (size_t i = 0; i < ld_aws_set_count(s, LD_AWS_ECR_REPOSITORY); i++) {
        const ld_aws_resource *repo = ld_aws_set_get(s, LD_AWS_ECR_REPOSITORY, i);
        if (!repo->obj)
            continue;
        t.judged++;
        const json_t *enc = ld_aws_object(repo->obj, "encryptionConfiguration");
        const char *type = ld_aws_str(enc, "encryptionType");
        const char *key = ld_aws_str(enc, "kmsKey");
        bool kms = type && (strcmp(type, "KMS") == 0 || strcmp(type, "KMS_DSSE") == 0);
        if (kms && key && *key)
            continue;
        ld_autofree char *msg = NULL;
        ld_status st = LD_STATUS_FAIL;
        if (kms) {
            st = LD_STATUS_WARN;
            msg = ld_xasprintf("encryptionConfiguration.encryptionType: %s without kmsKey: the "
                               "AWS managed key aws/ecr, whose key policy is not yours to "
                               "narrow; needs review",
                               type);
        } else {
            msg = ld_xasprintf("encryptionConfiguration.encryptionType: %s: images are "
                               "encrypted with an Amazon S3 managed key, with no KMS key "
                               "policy as a second gate",
                               type ? type : "absent (defaults to AES256)");
        }
        if (flag(r, &t, AWS_ECR_KMS, st, repo, err, msg) < 0)
            return -1;
    }
    return ld_aws_verdict(r, AWS_ECR_KMS, s, t.judged, t.flagged, err, "%zu ECR repositor%s%s",
                          t.judged, t.judged == 1 ? "y" : "ies",
                          t.judged ? " encrypted with a customer managed KMS key"
                                   : " in the inputs");
}

/* ---- aws.ecr.repository-policy ------------------------------------------ */
static const char *const push_actions[] = {"ecr:PutImage", "ecr:InitiateLayerUpload",
                                           "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"};
static const char *const pull_actions[] = {"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"};

static bool covers_any(const ld_iam_statement *st, const char *const *acts, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ld_iam_statement_covers(st, acts[i]))
            return true;
    return false;
}

/* What one Allow statement means for a repository of registry `self`:
 * LD_STATUS_PASS when nothing to say, else the status and *msg. */
ld_status ld_ecr_statement_judge(const ld_iam_statement *st, size_t idx, const char *self,
                                 char **msg)
{
    *msg = NULL;
    if (!st->allow)
        return LD_STATUS_PASS;
    bool push = covers_any(st, push_actions, 4), pull = covers_any(st, pull_actions, 2);
    if (!push && !pull)
        return LD_STATUS_PASS;
    bool cond = st->conditions.n > 0;
    ld_autofree char *acts = ld_strlist_join(&st->actions, ", ");
    ld_autofree char *label = st->sid ? ld_xasprintf("Statement[%zu] (Sid %s)", idx, st->sid)
                                      : ld_xasprintf("Statement[%zu]", idx);
    const char *verb = push ? (pull ? "push and pull" : "push") : "pull";
    if (st->anyone) {
        ld_autofree char *conds = ld_strlist_join(&st->conditions, ", ");
        *msg = ld_xasprintf("%s: Effect Allow, %s *, %sAction [%s] (%s) %s%s", label,
                            st->not_principal ? "NotPrincipal (everyone but a few):" : "Principal",
                            st->not_action ? "Not" : "", acts, verb,
                            cond ? "limited only by Condition " : "to anyone, without a Condition",
                            cond ? conds : "");
        return cond ? LD_STATUS_WARN : LD_STATUS_FAIL;
    }
    if (cond)
        return LD_STATUS_PASS;
    ld_strlist others = {0};
    for (size_t i = 0; i < st->accounts.n; i++)
        if (!self || strcmp(st->accounts.v[i], self) != 0)
            ld_strlist_push(&others, st->accounts.v[i]);
    if (!others.n)
        return LD_STATUS_PASS;
    ld_autofree char *accts = ld_strlist_join(&others, ", ");
    ld_strlist_clear(&others);
    *msg = ld_xasprintf("%s: Effect Allow to other account%s %s, %sAction [%s] (%s) without a "
                        "Condition%s",
                        label, strchr(accts, ',') ? "s" : "", accts, st->not_action ? "Not" : "",
                        acts, verb, push ? "" : ": cross-account pull, needs review");
    return push ? LD_STATUS_FAIL : LD_STATUS_WARN;
}

static int judge_policy(ld_findings *r, tally *t, const ld_aws_resource *repo,
                        const ld_aws_resource *pol, ld_error *err)
{
    const char *text = ld_aws_str(pol->obj, "policyText");
    ld_iam_policy p;
    ld_error perr = LD_ERROR_INIT;
    if (!text || ld_iam_policy_parse("policyText", text, strlen(text), &p, &perr) < 0) {
        ld_autofree char *msg = ld_xasprintf("get-repository-policy: %s: not assessed",
                                             text ? perr.msg : "no policyText string");
        return flag(r, t, AWS_ECR_REPO_POLICY, LD_STATUS_ERROR, repo, err, msg);
    }
    int rc = 0;
    for (size_t i = 0; i < p.n && rc == 0; i++) {
        char *msg = NULL;
        ld_status st = ld_ecr_statement_judge(&p.v[i], i, repo_registry(repo), &msg);
        if (st != LD_STATUS_PASS)
            rc = flag(r, t, AWS_ECR_REPO_POLICY, st, repo, err, msg);
        free(msg);
    }
    ld_iam_policy_clear(&p);
    return rc;
}

static int check_repo_policy(ld_findings *r, const ld_aws_set *s, ld_error *err)
{
    tally t = {0};
    for (size_t i = 0; i < ld_aws_set_count(s, LD_AWS_ECR_REPOSITORY); i++) {
        const ld_aws_resource *repo = ld_aws_set_get(s, LD_AWS_ECR_REPOSITORY, i);
        if (!repo->obj || !repo->name)
            continue;
        t.judged++;
        const ld_aws_resource *pol =
            ld_aws_set_find(s, LD_AWS_ECR_REPO_POLICY, repo_registry(repo), repo->name);
        if (pol && pol->absent)
            continue; /* no policy: only the account's own IAM principals */
        int rc;
        if (!pol) {
            ld_autofree char *msg = ld_xasprintf(
                "get-repository-policy for %s not in the inputs: not assessed (export it, or "
                "its RepositoryPolicyNotFoundException error)",
                repo->name);
            rc = flag(r, &t, AWS_ECR_REPO_POLICY, LD_STATUS_ERROR, repo, err, msg);
        } else {
            rc = judge_policy(r, &t, repo, pol, err);
        }
        if (rc < 0)
            return -1;
    }
    return ld_aws_verdict(r, AWS_ECR_REPO_POLICY, s, t.judged, t.flagged, err,
                          "%zu ECR repositor%s%s", t.judged, t.judged == 1 ? "y" : "ies",
                          t.judged ? ": no policy grants anyone or another account access "
                                     "without a Condition"
                                   : " in the inputs");
}

/* ---- aws.ecr.pull-through-cache ------------------------------------------ */
/* The upstream's host: scheme and trailing slashes dropped. */
static char *upstream_host(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t n = strcspn(p, "/");
    return ld_xstrndup(p, n);
}

/* Whether the registry's scanning configuration scans every repository
 * under prefix/: a filter without wildcard that occurs in "prefix/", or a
 * wildcard filter ending in '*' that matches "prefix/" (then it matches
 * every longer name too). Sound, not complete. */
static bool scanning_covers_prefix(const json_t *cfg, const char *prefix)
{
    ld_autofree char *root = ld_xasprintf("%s/", prefix);
    const json_t *rules = ld_aws_array(cfg, "rules");
    size_t i;
    const json_t *rule;
    json_array_foreach(rules, i, rule)
    {
        if (!rule_scans(rule))
            continue;
        size_t j;
        const json_t *f;
        json_array_foreach(ld_aws_array(rule, "repositoryFilters"), j, f)
        {
            const char *filter = ld_aws_str(f, "filter");
            if (!filter || !*filter)
                continue;
            size_t n = strlen(filter);
            if (!strchr(filter, '*') ? strstr(root, filter) != NULL
                                     : filter[n - 1] == '*' && ld_ecr_filter_matches(filter, root))
                return true;
        }
    }
    return false;
}

static int check_pull_through(ld_findings *r, const ld_aws_set *s, const ld_aws_scan_options *o,
                              ld_error *err)
{
    tally t = {0};
    bool have_list = o && o->trusted_registries && o->trusted_registries->n;
    for (size_t i = 0; i < ld_aws_set_count(s, LD_AWS_ECR_PULL_THROUGH); i++) {
        const ld_aws_resource *rule = ld_aws_set_get(s, LD_AWS_ECR_PULL_THROUGH, i);
        if (!rule->obj)
            continue;
        const char *url = ld_aws_str(rule->obj, "upstreamRegistryUrl");
        const char *prefix = ld_aws_str(rule->obj, "ecrRepositoryPrefix");
        if (!prefix)
            prefix = rule->name ? rule->name : "?";
        t.judged++;
        ld_autofree char *host = upstream_host(url ? url : "");
        bool trusted = have_list && *host &&
                       (ld_image_ref_trusted(o->trusted_registries, host, "") ||
                        (strcmp(host, "registry-1.docker.io") == 0 &&
                         ld_image_ref_trusted(o->trusted_registries, "docker.io", "")));
        if (trusted)
            continue;
        const ld_aws_resource *reg = registry_doc(s, LD_AWS_ECR_SCANNING, repo_registry(rule));
        const char *scan_note =
            !reg ? "; the registry scanning configuration was not exported, so whether "
                   "they are scanned is unknown"
            : scanning_covers_prefix(ld_aws_object(reg->obj, "scanningConfiguration"), prefix)
                ? "; the registry scanning configuration covers them"
                : "; the registry scanning configuration does not cover this prefix";
        ld_autofree char *msg = NULL;
        ld_status st;
        if (have_list) {
            ld_autofree char *list = ld_strlist_join(o->trusted_registries, ", ");
            st = LD_STATUS_FAIL;
            msg = ld_xasprintf("upstreamRegistryUrl: %s is not a trusted registry (%s); its "
                               "images enter the registry under %s/%s",
                               url ? url : "absent", list, prefix, scan_note);
        } else {
            st = LD_STATUS_WARN;
            msg = ld_xasprintf("upstreamRegistryUrl: %s: images from %s enter the registry "
                               "under %s/ unscanned unless scanning covers it%s (no trusted "
                               "registries in the policy to judge it)",
                               url ? url : "absent", *host ? host : "?", prefix, scan_note);
        }
        if (flag(r, &t, AWS_ECR_PULL_THROUGH, st, rule, err, msg) < 0)
            return -1;
    }
    return ld_aws_verdict(r, AWS_ECR_PULL_THROUGH, s, t.judged, t.flagged, err,
                          "%zu pull-through cache rule%s%s", t.judged, t.judged == 1 ? "" : "s",
                          t.judged ? " from trusted upstream registries" : " in the inputs");
}

int ld_aws_ecr_checks(ld_findings *r, const ld_aws_set *s, const ld_aws_scan_options *o,
                      ld_error *err)
{
    if (check_scan_on_push(r, s, err) < 0 || check_tag_immutability(r, s, err) < 0 ||
        check_lifecycle(r, s, err) < 0 || check_kms(r, s, err) < 0 ||
        check_repo_policy(r, s, err) < 0 || check_pull_through(r, s, o, err) < 0)
        return -1;
    return 0;
}
