/* EKS add-on checks over eks describe-addon output: each add-on's version
 * against the newest one eks describe-addon-versions lists as compatible
 * with its cluster's Kubernetes version, and the add-on's own status. Part
 * of the EKS family (eks_checks.c). Checks return findings and never
 * print. Not for self-managed components (no EKS add-on record). */
#include <stdio.h>
#include <string.h>

#include "aws/aws_finding.h"
#include "aws/aws_json.h"
#include "aws/eks_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define PARTS_MAX 6
#define FLAVOUR_MAX 32

typedef struct {
    long long part[PARTS_MAX];
    int n;
    char flavour[FLAVOUR_MAX + 1]; /* "" or "minimal" in v1.29.0-minimal-eksbuild.1 */
    long long build;               /* the eksbuild number; 0 when none */
} addon_version;

/* Digits (1 to 9 of them) into *out; returns the end or NULL. */
static const char *digits(const char *s, long long *out)
{
    long long v = 0;
    int n = 0;
    while (*s >= '0' && *s <= '9') {
        if (++n > 9)
            return NULL;
        v = v * 10 + (*s - '0');
        s++;
    }
    if (!n)
        return NULL;
    *out = v;
    return s;
}

/* The suffix after '-': "eksbuild.N" or "FLAVOUR-eksbuild.N". */
static bool parse_suffix(const char *s, addon_version *v)
{
    const char *eb = strstr(s, "eksbuild.");
    if (!eb)
        return false;
    size_t flen = (size_t)(eb - s);
    if (flen) {
        if (flen < 2 || flen - 1 > FLAVOUR_MAX || s[flen - 1] != '-')
            return false;
        for (size_t i = 0; i + 1 < flen; i++) {
            char c = s[i];
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
                return false;
        }
        memcpy(v->flavour, s, flen - 1);
        v->flavour[flen - 1] = '\0';
    }
    const char *end = digits(eb + strlen("eksbuild."), &v->build);
    return end && *end == '\0';
}

static bool parse_addon_version(const char *s, addon_version *v)
{
    memset(v, 0, sizeof(*v));
    if (!s || strlen(s) > 128)
        return false;
    if (*s == 'v')
        s++;
    for (;;) {
        if (v->n == PARTS_MAX)
            return false;
        s = digits(s, &v->part[v->n++]);
        if (!s)
            return false;
        if (*s != '.')
            break;
        s++;
    }
    if (*s == '\0')
        return true;
    return *s == '-' && parse_suffix(s + 1, v);
}

int ld_eks_addon_version_compare(const char *a, const char *b, int *out)
{
    addon_version x, y;
    if (!parse_addon_version(a, &x) || !parse_addon_version(b, &y) ||
        strcmp(x.flavour, y.flavour) != 0)
        return -1;
    int n = x.n > y.n ? x.n : y.n;
    for (int i = 0; i < n; i++) {
        long long p = i < x.n ? x.part[i] : 0, q = i < y.n ? y.part[i] : 0;
        if (p != q) {
            *out = p < q ? -1 : 1;
            return 0;
        }
    }
    *out = x.build < y.build ? -1 : x.build > y.build ? 1 : 0;
    return 0;
}

/* "1.31" from "1.31", "v1.31.2", "1.31.2-eks-..."; false otherwise. */
static bool k8s_minor(const char *s, char out[24])
{
    if (!s)
        return false;
    if (*s == 'v')
        s++;
    long long ma, mi;
    const char *p = digits(s, &ma);
    if (!p || *p != '.' || !(p = digits(p + 1, &mi)))
        return false;
    if (*p && *p != '.' && *p != '-' && *p != '+')
        return false;
    char text[48];
    int n = snprintf(text, sizeof(text), "%lld.%lld", ma, mi);
    if (n < 0 || n >= 24)
        return false; /* not reached: digits() takes at most 9 digits each */
    memcpy(out, text, (size_t)n + 1);
    return true;
}

static bool compatible_with(const json_t *addon_version_obj, const char *minor)
{
    const json_t *compat = ld_aws_array(addon_version_obj, "compatibilities");
    for (size_t i = 0; compat && i < json_array_size(compat); i++) {
        char have[24];
        if (k8s_minor(ld_aws_str(json_array_get(compat, i), "clusterVersion"), have) &&
            strcmp(have, minor) == 0)
            return true;
    }
    return false;
}

/* The newest version of addon compatible with Kubernetes minor and of the
 * same flavour as installed, over every describe-addon-versions record for
 * it. *seen_doc tells whether any record named the add-on. */
static const char *newest_compatible(const ld_aws_set *s, const char *addon, const char *minor,
                                     const char *installed, bool *seen_doc)
{
    const char *best = NULL;
    *seen_doc = false;
    size_t n = ld_aws_set_count(s, LD_AWS_EKS_ADDON_VERSIONS);
    for (size_t i = 0; i < n; i++) {
        const ld_aws_resource *d = ld_aws_set_get(s, LD_AWS_EKS_ADDON_VERSIONS, i);
        const char *name = d ? ld_aws_str(d->obj, "addonName") : NULL;
        if (!name || strcmp(name, addon) != 0)
            continue;
        *seen_doc = true;
        const json_t *versions = ld_aws_array(d->obj, "addonVersions");
        for (size_t k = 0; versions && k < json_array_size(versions); k++) {
            const json_t *av = json_array_get(versions, k);
            const char *ver = ld_aws_str(av, "addonVersion");
            int c, same;
            if (!ver || !compatible_with(av, minor) ||
                ld_eks_addon_version_compare(ver, installed, &same) < 0)
                continue; /* other flavour, or a form we cannot order */
            if (!best || (ld_eks_addon_version_compare(ver, best, &c) == 0 && c > 0))
                best = ver;
        }
    }
    return best;
}

static bool failed_status(const char *status)
{
    return status && (strcmp(status, "DEGRADED") == 0 || strcmp(status, "CREATE_FAILED") == 0 ||
                      strcmp(status, "UPDATE_FAILED") == 0);
}

static int emit_rc(int rc)
{
    return rc < 0 ? -1 : 1;
}

static int addon_one(ld_findings *r, const ld_aws_set *s, const ld_aws_resource *a, ld_error *err)
{
    const char *name = ld_aws_str(a->obj, "addonName");
    const char *ver = ld_aws_str(a->obj, "addonVersion");
    const char *status = ld_aws_str(a->obj, "status");
    const char *cluster_name = a->cluster ? a->cluster : ld_aws_str(a->obj, "clusterName");
    if (failed_status(status))
        return emit_rc(ld_aws_emit(r, AWS_EKS_ADDON_VERSIONS, LD_STATUS_FAIL, a, err,
                                   "status: \"%s\": the add-on is not working as installed "
                                   "(addonVersion: \"%.*s\")",
                                   status, LD_EKS_VALUE_MAX, ver ? ver : "absent"));
    if (!name || !ver)
        return emit_rc(ld_aws_emit(r, AWS_EKS_ADDON_VERSIONS, LD_STATUS_ERROR, a, err,
                                   "%s: absent: not assessed",
                                   !name ? "addonName" : "addonVersion"));
    const ld_aws_resource *c =
        cluster_name ? ld_aws_set_find(s, LD_AWS_EKS_CLUSTER, NULL, cluster_name) : NULL;
    char minor[24];
    if (!c || !k8s_minor(ld_aws_str(c->obj, "version"), minor))
        return emit_rc(ld_aws_emit(r, AWS_EKS_ADDON_VERSIONS, LD_STATUS_ERROR, a, err,
                                   "addonVersion: \"%.*s\"; the Kubernetes version of cluster "
                                   "\"%.*s\" is not in the inputs: not assessed (export eks "
                                   "describe-cluster --name %.*s)",
                                   LD_EKS_VALUE_MAX, ver, LD_EKS_VALUE_MAX,
                                   cluster_name ? cluster_name : "?", LD_EKS_VALUE_MAX,
                                   cluster_name ? cluster_name : "CLUSTER"));
    int cmp;
    if (ld_eks_addon_version_compare(ver, ver, &cmp) < 0)
        return emit_rc(ld_aws_emit(r, AWS_EKS_ADDON_VERSIONS, LD_STATUS_ERROR, a, err,
                                   "addonVersion: \"%.*s\": not a version lockdown can order "
                                   "(vX.Y.Z-eksbuild.N): not assessed",
                                   LD_EKS_VALUE_MAX, ver));
    bool seen_doc;
    const char *newest = newest_compatible(s, name, minor, ver, &seen_doc);
    if (!newest)
        return emit_rc(ld_aws_emit(r, AWS_EKS_ADDON_VERSIONS, LD_STATUS_ERROR, a, err,
                                   "addonVersion: \"%.*s\"; %s for Kubernetes %s: not assessed "
                                   "(export eks describe-addon-versions --addon-name %.*s "
                                   "--kubernetes-version %s)",
                                   LD_EKS_VALUE_MAX, ver,
                                   seen_doc ? "no compatible version of the same build flavour "
                                              "in the describe-addon-versions output"
                                            : "no describe-addon-versions output for this add-on",
                                   minor, LD_EKS_VALUE_MAX, name, minor));
    ld_eks_addon_version_compare(ver, newest, &cmp);
    if (cmp < 0)
        return emit_rc(ld_aws_emit(r, AWS_EKS_ADDON_VERSIONS, LD_STATUS_FAIL, a, err,
                                   "addonVersion: \"%.*s\"; the newest compatible with "
                                   "Kubernetes %s is \"%.*s\": update the add-on",
                                   LD_EKS_VALUE_MAX, ver, minor, LD_EKS_VALUE_MAX, newest));
    return 0;
}

int ld_eks_addon_checks(ld_findings *r, const ld_aws_set *s, const ld_aws_scan_options *o,
                        ld_error *err)
{
    (void)o;
    size_t n = ld_aws_set_count(s, LD_AWS_EKS_ADDON), flagged = 0;
    for (size_t i = 0; i < n; i++) {
        const ld_aws_resource *a = ld_aws_set_get(s, LD_AWS_EKS_ADDON, i);
        if (!a || !a->obj)
            continue;
        int rc = addon_one(r, s, a, err);
        if (rc < 0)
            return -1;
        flagged += (size_t)rc;
    }
    if (n == 0)
        return ld_aws_verdict(r, AWS_EKS_ADDON_VERSIONS, s, 0, 0, err,
                              "no EKS add-on in the inputs (eks describe-addon)");
    return ld_aws_verdict(r, AWS_EKS_ADDON_VERSIONS, s, n, flagged, err,
                          "%zu EKS add-on%s at the newest version compatible with their "
                          "cluster",
                          n, n == 1 ? "" : "s");
}
