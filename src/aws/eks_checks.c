/* EKS checks (the orchestrator tier, the AWS way): the family's entry point
 * and the cluster checks over eks describe-cluster output — public API
 * endpoint, control-plane log types, Secrets envelope encryption, and the
 * Kubernetes version against the support calendar (data/aws-versions.yaml).
 * Node groups are in eks_node_checks.c, add-ons in eks_addon_checks.c.
 * Checks return findings and never print. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws_finding.h"
#include "aws/aws_json.h"
#include "aws/aws_versions.h"
#include "aws/eks_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define DAY_SECONDS 86400
/* Version data whose source is older than this is not trusted to pass. */
#define DATA_MAX_AGE_DAYS 183

int ld_aws_eks_checks(ld_findings *r, const ld_aws_set *s, const ld_aws_scan_options *o,
                      ld_error *err)
{
    if (ld_eks_cluster_checks(r, s, o, err) < 0 || ld_eks_nodegroup_checks(r, s, o, err) < 0 ||
        ld_eks_addon_checks(r, s, o, err) < 0)
        return -1;
    return 0;
}

char *ld_eks_join_strings(const json_t *array)
{
    size_t n = json_is_array(array) ? json_array_size(array) : 0;
    ld_strlist parts = {0};
    for (size_t i = 0; i < n && i < 10; i++) {
        const char *v = json_string_value(json_array_get(array, i));
        ld_strlist_push_owned(&parts,
                              v ? ld_xasprintf("\"%.*s\"", LD_EKS_VALUE_MAX, v) : ld_xstrdup("?"));
    }
    if (n > 10)
        ld_strlist_push_owned(&parts, ld_xasprintf("... +%zu more", n - 10));
    ld_autofree char *body = ld_strlist_join(&parts, ", ");
    ld_strlist_clear(&parts);
    return ld_xasprintf("[%s]", body ? body : "");
}

static bool array_has_string(const json_t *array, const char *want)
{
    size_t n = json_is_array(array) ? json_array_size(array) : 0;
    for (size_t i = 0; i < n; i++) {
        const char *v = json_string_value(json_array_get(array, i));
        if (v && strcmp(v, want) == 0)
            return true;
    }
    return false;
}

static void format_day(time_t t, char out[11])
{
    struct tm tm;
    if (t <= 0 || !gmtime_r(&t, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
        snprintf(out, 11, "unknown");
}

/* ---- aws.eks.public-endpoint ---- */

/* The endpoint's verdict for one cluster: a finding when not private only.
 * Returns 1 when a finding was filed, 0 when it passes, < 0 on error. */
static int public_endpoint_one(ld_findings *r, const ld_aws_resource *c, ld_error *err)
{
    const json_t *vpc = ld_aws_object(c->obj, "resourcesVpcConfig");
    int pub = ld_aws_bool(vpc, "endpointPublicAccess");
    int priv = ld_aws_bool(vpc, "endpointPrivateAccess");
    if (pub == 0)
        return 0;
    if (pub < 0)
        return ld_aws_emit(r, AWS_EKS_PUBLIC_ENDPOINT, LD_STATUS_ERROR, c, err,
                           "resourcesVpcConfig.endpointPublicAccess: %s: not assessed "
                           "(export eks describe-cluster)",
                           vpc ? "absent or not a boolean" : "resourcesVpcConfig absent") < 0
                   ? -1
                   : 1;
    const json_t *cidrs = ld_aws_array(vpc, "publicAccessCidrs");
    bool open = !cidrs || json_array_size(cidrs) == 0 || array_has_string(cidrs, "0.0.0.0/0") ||
                array_has_string(cidrs, "::/0");
    ld_autofree char *list =
        cidrs ? ld_eks_join_strings(cidrs) : ld_xstrdup("absent (the default is 0.0.0.0/0)");
    const char *nodes = priv == 0 ? "; resourcesVpcConfig.endpointPrivateAccess: false: nodes "
                                    "reach the API server through the public endpoint, leaving "
                                    "the VPC"
                                  : "";
    if (open)
        return ld_aws_emit(r, AWS_EKS_PUBLIC_ENDPOINT, LD_STATUS_FAIL, c, err,
                           "resourcesVpcConfig.endpointPublicAccess: true, "
                           "resourcesVpcConfig.publicAccessCidrs: %s: the Kubernetes API is "
                           "reachable from the whole internet%s",
                           list, nodes) < 0
                   ? -1
                   : 1;
    return ld_aws_emit(r, AWS_EKS_PUBLIC_ENDPOINT, LD_STATUS_WARN, c, err,
                       "resourcesVpcConfig.endpointPublicAccess: true, "
                       "resourcesVpcConfig.publicAccessCidrs: %s: public endpoint limited to "
                       "these networks; review them, or make the endpoint private%s",
                       list, nodes) < 0
               ? -1
               : 1;
}

/* ---- aws.eks.control-plane-logs ---- */

static int logging_one(ld_findings *r, const ld_aws_resource *c, ld_error *err)
{
    static const char *const required[] = {"api", "audit", "authenticator"};
    const json_t *entries = ld_aws_array(ld_aws_object(c->obj, "logging"), "clusterLogging");
    ld_strlist enabled = {0}, missing = {0};
    size_t n = entries ? json_array_size(entries) : 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(entries, i);
        if (ld_aws_bool(e, "enabled") != 1)
            continue;
        const json_t *types = ld_aws_array(e, "types");
        for (size_t k = 0; types && k < json_array_size(types) && k < 64; k++) {
            const char *t = json_string_value(json_array_get(types, k));
            if (t && strlen(t) < 64 && !ld_strlist_contains(&enabled, t))
                ld_strlist_push(&enabled, t);
        }
    }
    for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
        if (!ld_strlist_contains(&enabled, required[i]))
            ld_strlist_push(&missing, required[i]);
    int rc = 0;
    if (missing.n) {
        ld_autofree char *on = ld_strlist_join(&enabled, ", ");
        ld_autofree char *off = ld_strlist_join(&missing, ", ");
        rc = ld_aws_emit(r, AWS_EKS_LOGGING, LD_STATUS_FAIL, c, err,
                         "logging.clusterLogging enabled types: %s; missing: %s",
                         enabled.n ? on : (entries ? "none" : "none (logging absent)"), off) < 0
                 ? -1
                 : 1;
    }
    ld_strlist_clear(&enabled);
    ld_strlist_clear(&missing);
    return rc;
}

/* ---- aws.eks.secrets-encryption ---- */

static int secrets_one(ld_findings *r, const ld_aws_resource *c, ld_error *err)
{
    const json_t *cfg = ld_aws_array(c->obj, "encryptionConfig");
    size_t n = cfg ? json_array_size(cfg) : 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(cfg, i);
        const char *key = ld_aws_str(ld_aws_object(e, "provider"), "keyArn");
        if (array_has_string(ld_aws_array(e, "resources"), "secrets") && key && *key)
            return 0;
    }
    if (n == 0)
        return ld_aws_emit(r, AWS_EKS_SECRETS_ENCRYPTION, LD_STATUS_FAIL, c, err,
                           "encryptionConfig: %s: Kubernetes Secrets are not envelope-encrypted "
                           "with a KMS key",
                           cfg ? "[]" : "absent") < 0
                   ? -1
                   : 1;
    ld_autofree char *res = ld_eks_join_strings(ld_aws_array(json_array_get(cfg, 0), "resources"));
    return ld_aws_emit(r, AWS_EKS_SECRETS_ENCRYPTION, LD_STATUS_FAIL, c, err,
                       "encryptionConfig[0].resources: %s; no entry covers \"secrets\" with a "
                       "provider.keyArn",
                       res) < 0
               ? -1
               : 1;
}

/* ---- aws.eks.version-support ---- */

/* "1.31" (also "v1.31", "1.31.4") into major/minor; false otherwise. */
static bool major_minor(const char *s, int *major, int *minor)
{
    if (!s)
        return false;
    if (*s == 'v')
        s++;
    char *end = NULL;
    if (*s < '0' || *s > '9')
        return false;
    long ma = strtol(s, &end, 10);
    if (*end != '.' || ma > 1000 || end[1] < '0' || end[1] > '9')
        return false;
    long mi = strtol(end + 1, &end, 10);
    if (mi > 1000 || (*end && *end != '.' && *end != '-' && *end != '+'))
        return false;
    *major = (int)ma;
    *minor = (int)mi;
    return true;
}

static int cmp_mm(int a1, int a2, int b1, int b2)
{
    return a1 != b1 ? (a1 < b1 ? -1 : 1) : a2 != b2 ? (a2 < b2 ? -1 : 1) : 0;
}

/* The newest and the oldest version in the data. */
static void data_bounds(const ld_aws_versions *v, const ld_eks_version **newest,
                        const ld_eks_version **oldest)
{
    *newest = *oldest = NULL;
    int n1 = 0, n2 = 0, o1 = 0, o2 = 0;
    for (size_t i = 0; i < v->n_eks; i++) {
        int a, b;
        if (!major_minor(v->eks[i].version, &a, &b))
            continue;
        if (!*newest || cmp_mm(a, b, n1, n2) > 0) {
            *newest = &v->eks[i];
            n1 = a, n2 = b;
        }
        if (!*oldest || cmp_mm(a, b, o1, o2) < 0) {
            *oldest = &v->eks[i];
            o1 = a, o2 = b;
        }
    }
}

/* The version verdict when the data does not list the version. */
static int version_unknown(ld_findings *r, const ld_aws_resource *c, const ld_aws_versions *v,
                           const char *version, const char *policy, ld_error *err)
{
    const ld_eks_version *newest, *oldest;
    data_bounds(v, &newest, &oldest);
    int a, b, n1, n2, o1, o2;
    char asof[11], ended[11];
    format_day(v->eks_as_of, asof);
    if (!major_minor(version, &a, &b))
        return ld_aws_emit(r, AWS_EKS_VERSION, LD_STATUS_ERROR, c, err,
                           "version: \"%.*s\": not a Kubernetes version: not assessed",
                           LD_EKS_VALUE_MAX, version) < 0
                   ? -1
                   : 1;
    if (oldest && major_minor(oldest->version, &o1, &o2) && cmp_mm(a, b, o1, o2) < 0) {
        format_day(oldest->end_extended, ended);
        return ld_aws_emit(r, AWS_EKS_VERSION, LD_STATUS_FAIL, c, err,
                           "version: %d.%d: older than %s, whose extended support ended on %s: "
                           "past extended support; EKS upgrades such control planes on its own "
                           "(AWS calendar as of %s)%s",
                           a, b, oldest->version, ended, asof, policy) < 0
                   ? -1
                   : 1;
    }
    bool newer = newest && major_minor(newest->version, &n1, &n2) && cmp_mm(a, b, n1, n2) > 0;
    return ld_aws_emit(r, AWS_EKS_VERSION, LD_STATUS_WARN, c, err,
                       "version: %d.%d: %s (AWS calendar as of %s): needs review; check aws eks "
                       "describe-cluster-versions and update data/aws-versions.yaml%s",
                       a, b,
                       newer ? "newer than the newest version in lockdown's data"
                             : "not in lockdown's data",
                       asof, policy) < 0
               ? -1
               : 1;
}

/* One cluster's version. *summary gets "name 1.34 (standard support until D)"
 * when it passes. */
static int version_one(ld_findings *r, const ld_aws_resource *c, const ld_aws_versions *v,
                       time_t now, ld_strlist *summary, ld_error *err)
{
    const char *version = ld_aws_str(c->obj, "version");
    const char *support = ld_aws_str(ld_aws_object(c->obj, "upgradePolicy"), "supportType");
    ld_autofree char *policy =
        support ? ld_xasprintf("; upgradePolicy.supportType: %.*s", 32, support) : ld_xstrdup("");
    if (!version)
        return ld_aws_emit(r, AWS_EKS_VERSION, LD_STATUS_ERROR, c, err,
                           "version: absent: not assessed (export eks describe-cluster)") < 0
                   ? -1
                   : 1;
    const ld_eks_version *e = ld_aws_eks_version(v, version);
    if (!e)
        return version_unknown(r, c, v, version, policy, err);
    char std[11], ext[11], asof[11];
    format_day(e->end_standard, std);
    format_day(e->end_extended, ext);
    format_day(v->eks_as_of, asof);
    if (now >= e->end_extended)
        return ld_aws_emit(r, AWS_EKS_VERSION, LD_STATUS_FAIL, c, err,
                           "version: %s: extended support ended on %s (standard support ended "
                           "%s): unsupported; EKS upgrades such control planes on its own (AWS "
                           "calendar as of %s)%s",
                           e->version, ext, std, asof, policy) < 0
                   ? -1
                   : 1;
    if (now >= e->end_standard)
        return ld_aws_emit(r, AWS_EKS_VERSION, LD_STATUS_FAIL, c, err,
                           "version: %s: standard support ended on %s; in extended support, "
                           "which costs extra per cluster hour and ends on %s (AWS calendar as "
                           "of %s)%s",
                           e->version, std, ext, asof, policy) < 0
                   ? -1
                   : 1;
    if (now - v->eks_as_of > (time_t)DATA_MAX_AGE_DAYS * DAY_SECONDS)
        return ld_aws_emit(r, AWS_EKS_VERSION, LD_STATUS_WARN, c, err,
                           "version: %s: in standard support until %s per the AWS calendar as "
                           "of %s, more than %d days ago: needs review; confirm with aws eks "
                           "describe-cluster-versions or update data/aws-versions.yaml%s",
                           e->version, std, asof, DATA_MAX_AGE_DAYS, policy) < 0
                   ? -1
                   : 1;
    if (summary->n < 5)
        ld_strlist_push_owned(summary,
                              ld_xasprintf("%.*s %s (standard support until %s%s%.*s)",
                                           LD_EKS_VALUE_MAX, c->name ? c->name : c->id, e->version,
                                           std, support ? ", " : "", 32, support ? support : ""));
    return 0;
}

/* ---- the cluster family ---- */

typedef int (*cluster_check_fn)(ld_findings *r, const ld_aws_resource *c, ld_error *err);

static int over_clusters(ld_findings *r, const ld_aws_set *s, const char *check_id,
                         cluster_check_fn fn, const char *pass_text, ld_error *err)
{
    size_t n = ld_aws_set_count(s, LD_AWS_EKS_CLUSTER), flagged = 0;
    for (size_t i = 0; i < n; i++) {
        const ld_aws_resource *c = ld_aws_set_get(s, LD_AWS_EKS_CLUSTER, i);
        if (!c || !c->obj)
            continue;
        int rc = fn(r, c, err);
        if (rc < 0)
            return -1;
        flagged += (size_t)rc;
    }
    if (n == 0)
        return ld_aws_verdict(r, check_id, s, 0, 0, err,
                              "no EKS cluster in the inputs (eks describe-cluster)");
    return ld_aws_verdict(r, check_id, s, n, flagged, err, "%zu EKS cluster%s: %s", n,
                          n == 1 ? "" : "s", pass_text);
}

static int version_checks(ld_findings *r, const ld_aws_set *s, const ld_aws_scan_options *o,
                          ld_error *err)
{
    size_t n = ld_aws_set_count(s, LD_AWS_EKS_CLUSTER), flagged = 0;
    if (n == 0)
        return ld_aws_verdict(r, AWS_EKS_VERSION, s, 0, 0, err,
                              "no EKS cluster in the inputs (eks describe-cluster)");
    const ld_aws_versions *v = ld_aws_versions_builtin(err);
    if (!v)
        return -1;
    ld_strlist summary = {0};
    for (size_t i = 0; i < n; i++) {
        const ld_aws_resource *c = ld_aws_set_get(s, LD_AWS_EKS_CLUSTER, i);
        if (!c || !c->obj)
            continue;
        int rc = version_one(r, c, v, o->now, &summary, err);
        if (rc < 0) {
            ld_strlist_clear(&summary);
            return -1;
        }
        flagged += (size_t)rc;
    }
    char asof[11];
    format_day(v->eks_as_of, asof);
    ld_autofree char *list = ld_strlist_join(&summary, "; ");
    ld_strlist_clear(&summary);
    return ld_aws_verdict(r, AWS_EKS_VERSION, s, n, flagged, err,
                          "%zu EKS cluster%s in standard support: %s%s (AWS calendar as of %s)", n,
                          n == 1 ? "" : "s", list ? list : "", n > 5 ? "; ..." : "", asof);
}

int ld_eks_cluster_checks(ld_findings *r, const ld_aws_set *s, const ld_aws_scan_options *o,
                          ld_error *err)
{
    if (over_clusters(r, s, AWS_EKS_PUBLIC_ENDPOINT, public_endpoint_one,
                      "API endpoint private only", err) < 0 ||
        over_clusters(r, s, AWS_EKS_LOGGING, logging_one,
                      "api, audit and authenticator logs enabled", err) < 0 ||
        over_clusters(r, s, AWS_EKS_SECRETS_ENCRYPTION, secrets_one,
                      "Secrets envelope-encrypted with a KMS key", err) < 0)
        return -1;
    return version_checks(r, s, o, err);
}
