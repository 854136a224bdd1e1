/* The ECS service and cluster checks: Fargate platform version current
 * (against the version data, aws/aws_versions.h), no public IP assigned
 * to tasks, Container Insights on, and ECS Exec only with its sessions
 * logged and encrypted with a KMS key. One finding per failing service or
 * cluster with the field and value seen, then one verdict per check
 * (aws_finding.h). A judgement that needs a cluster the inputs do not
 * hold, or cluster fields describe-clusters only prints when asked
 * (--include SETTINGS), is an error finding (not assessed), never a pass.
 * Not for task definitions (ecs_task_checks.c). */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "aws/aws_finding.h"
#include "aws/aws_json.h"
#include "aws/ecs_internal.h"
#include "k8s/evlist.h"
#include "util/cleanup.h"
#include "util/mem.h"

/* Version data older than this at the run's time is "needs review". */
#define FARGATE_DATA_MAX_AGE ((time_t)183 * 24 * 3600)

typedef struct {
    size_t judged, filed;
} tally;

static void tally_add(tally *t, bool judged, bool filed)
{
    t->judged += judged;
    t->filed += filed;
}

/* The cluster of the inputs a service names (ARN or name; NULL: none). */
static const ld_aws_resource *find_cluster(const ld_aws_set *s, const char *ref)
{
    if (!ref || !*ref)
        return NULL;
    const char *slash = strrchr(ref, '/');
    const char *tail = strncmp(ref, "arn:", 4) == 0 && slash ? slash + 1 : ref;
    size_t n = ld_aws_set_count(s, LD_AWS_ECS_CLUSTER);
    for (size_t i = 0; i < n; i++) {
        const ld_aws_resource *c = ld_aws_set_get(s, LD_AWS_ECS_CLUSTER, i);
        if (!c)
            continue;
        const char *arn = ld_aws_str(c->obj, "clusterArn");
        const char *name = ld_aws_str(c->obj, "clusterName");
        if ((arn && strcmp(arn, ref) == 0) || (c->id && strcmp(c->id, ref) == 0) ||
            (name && strcmp(name, tail) == 0) || (c->name && strcmp(c->name, tail) == 0))
            return c;
    }
    return NULL;
}

static const char *service_cluster_ref(const ld_aws_resource *svc)
{
    const char *arn = ld_aws_str(svc->obj, "clusterArn");
    return arn ? arn : svc->cluster;
}

/* ---- aws.ecs.fargate-platform-version ---- */

bool ld_aws_fargate_version_cmp(const char *a, const char *b, int *cmp)
{
    const char *p[2] = {a, b};
    long parts[2][8] = {{0}};
    for (int k = 0; k < 2; k++) {
        const char *s = p[k];
        if (!s || !*s)
            return false;
        for (int i = 0;; i++) {
            if (i >= 8)
                return false;
            size_t digits = strspn(s, "0123456789");
            if (digits == 0 || digits > 9)
                return false;
            long v = 0;
            for (size_t d = 0; d < digits; d++)
                v = v * 10 + (s[d] - '0');
            parts[k][i] = v;
            s += digits;
            if (*s == '\0')
                break;
            if (*s != '.')
                return false;
            s++;
        }
    }
    *cmp = 0;
    for (int i = 0; i < 8 && *cmp == 0; i++)
        *cmp = (parts[0][i] > parts[1][i]) - (parts[0][i] < parts[1][i]);
    return true;
}

static bool strategy_has_fargate(const json_t *strategy)
{
    size_t i;
    const json_t *e;
    json_array_foreach(strategy, i, e)
    {
        const char *cp = ld_aws_str(e, "capacityProvider");
        if (cp && strncmp(cp, "FARGATE", 7) == 0)
            return true;
    }
    return false;
}

/* Does the service run on Fargate: its launch type, its capacity provider
 * strategy, or (neither given) its cluster's default strategy? */
static bool service_on_fargate(const ld_aws_set *s, const ld_aws_resource *svc)
{
    const char *lt = ld_aws_str(svc->obj, "launchType");
    if (lt)
        return strcmp(lt, "FARGATE") == 0;
    const json_t *strategy = ld_aws_array(svc->obj, "capacityProviderStrategy");
    if (strategy && json_array_size(strategy))
        return strategy_has_fargate(strategy);
    const ld_aws_resource *cl = find_cluster(s, service_cluster_ref(svc));
    return cl && strategy_has_fargate(ld_aws_array(cl->obj, "defaultCapacityProviderStrategy"));
}

/* platformFamily ("LINUX", "WINDOWS_SERVER_2019_FULL"; absent: LINUX) as
 * the version data names it. */
static const char *fargate_os(const json_t *svc)
{
    const char *f = ld_aws_str(svc, "platformFamily");
    return f && strncasecmp(f, "WINDOWS", 7) == 0 ? "WINDOWS_SERVER" : "LINUX";
}

static void date_text(time_t t, char out[16])
{
    struct tm tm;
    if (t <= 0 || !gmtime_r(&t, &tm) || strftime(out, 16, "%Y-%m-%d", &tm) == 0)
        snprintf(out, 16, "an unknown date");
}

static bool in_comma_list(const char *list, const char *v)
{
    size_t n = strlen(v);
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, ",");
        while (len && *p == ' ')
            p++, len--;
        if (len == n && strncmp(p, v, n) == 0)
            return true;
        p += len;
        p += *p == ',';
    }
    return false;
}

typedef struct {
    ld_findings *r;
    const ld_aws_versions *v;
    bool stale;
    char written[16];
    ld_error *err;
} fargate_ctx;

/* Judges one Fargate service; *filed when a finding was filed. */
static int fargate_one(fargate_ctx *c, const ld_aws_resource *svc, bool *filed)
{
    const char *os = fargate_os(svc->obj);
    const char *pv = ld_aws_str(svc->obj, "platformVersion");
    const ld_fargate_platform *pf = ld_aws_fargate_platform(c->v, os);
    *filed = true;
    if (!pf || !pf->current)
        return ld_aws_emit(c->r, AWS_ECS_FARGATE_PLATFORM, LD_STATUS_ERROR, svc, c->err,
                           "platformVersion %.40s: the version data has no %s platform",
                           pv ? pv : "absent", os);
    int cmp = 0;
    bool latest = !pv || !*pv || strcmp(pv, "LATEST") == 0;
    if (!latest && !ld_aws_fargate_version_cmp(pv, pf->current, &cmp))
        return ld_aws_emit(c->r, AWS_ECS_FARGATE_PLATFORM, LD_STATUS_WARN, svc, c->err,
                           "platformVersion: \"%.40s\" is not a version lockdown can compare "
                           "with the current %s platform %s: needs review",
                           pv, os, pf->current);
    if (cmp < 0)
        return ld_aws_emit(c->r, AWS_ECS_FARGATE_PLATFORM, LD_STATUS_FAIL, svc, c->err,
                           "platformVersion: \"%s\" is older than the current %s platform "
                           "version %s (version data of %s)%s; use LATEST or %s",
                           pv, os, pf->current, c->written,
                           in_comma_list(pf->deprecated, pv) ? ", and retired" : "", pf->current);
    if (cmp > 0)
        return ld_aws_emit(c->r, AWS_ECS_FARGATE_PLATFORM, LD_STATUS_WARN, svc, c->err,
                           "platformVersion: \"%s\" is newer than the current %s platform %s "
                           "the version data of %s knows: the data needs updating; needs review",
                           pv, os, pf->current, c->written);
    if (c->stale)
        return ld_aws_emit(c->r, AWS_ECS_FARGATE_PLATFORM, LD_STATUS_WARN, svc, c->err,
                           "platformVersion: %s%s%s: current as of the version data of %s, which "
                           "is more than 6 months old: needs review",
                           latest ? "" : "\"", latest ? (pv ? "LATEST" : "absent (LATEST)") : pv,
                           latest ? "" : "\"", c->written);
    *filed = false;
    return 0;
}

int ld_aws_ecs_fargate_check(ld_findings *r, const ld_aws_set *s, const ld_aws_scan_options *o,
                             const ld_aws_versions *v, ld_error *err)
{
    time_t now = o->now ? o->now : time(NULL);
    fargate_ctx c = {.r = r, .v = v, .err = err};
    c.stale = v->written <= 0 || now - v->written > FARGATE_DATA_MAX_AGE;
    date_text(v->written, c.written);
    tally t = {0};
    size_t n = ld_aws_set_count(s, LD_AWS_ECS_SERVICE);
    for (size_t i = 0; i < n; i++) {
        const ld_aws_resource *svc = ld_aws_set_get(s, LD_AWS_ECS_SERVICE, i);
        if (!svc || !service_on_fargate(s, svc))
            continue;
        bool filed = false;
        if (fargate_one(&c, svc, &filed) < 0)
            return -1;
        tally_add(&t, true, filed);
    }
    if (t.judged == 0)
        return ld_aws_verdict(r, AWS_ECS_FARGATE_PLATFORM, s, 0, 0, err,
                              "no ECS service on Fargate in the inputs (task definitions carry "
                              "no platform version: it is judged on services)");
    return ld_aws_verdict(r, AWS_ECS_FARGATE_PLATFORM, s, t.judged, t.filed, err,
                          "%zu Fargate service%s on the current platform version (version data "
                          "of %s)",
                          t.judged, t.judged == 1 ? "" : "s", c.written);
}

static size_t fargate_services(const ld_aws_set *s)
{
    size_t n = ld_aws_set_count(s, LD_AWS_ECS_SERVICE), k = 0;
    for (size_t i = 0; i < n; i++) {
        const ld_aws_resource *svc = ld_aws_set_get(s, LD_AWS_ECS_SERVICE, i);
        k += svc && service_on_fargate(s, svc);
    }
    return k;
}

static int check_fargate(ld_findings *r, const ld_aws_set *s, const ld_aws_scan_options *o,
                         ld_error *err)
{
    static const ld_aws_versions none = {0};
    const ld_aws_versions *v = &none;
    if (fargate_services(s)) {
        v = ld_aws_versions_builtin(err);
        if (!v)
            return -1;
    }
    return ld_aws_ecs_fargate_check(r, s, o, v, err);
}

/* ---- aws.ecs.public-ip ---- */

static int check_public_ip(ld_findings *r, const ld_aws_set *s, ld_error *err)
{
    tally t = {0};
    size_t n = ld_aws_set_count(s, LD_AWS_ECS_SERVICE);
    for (size_t i = 0; i < n; i++) {
        const ld_aws_resource *svc = ld_aws_set_get(s, LD_AWS_ECS_SERVICE, i);
        if (!svc)
            continue;
        const char *ip = ld_aws_str(
            ld_aws_path(svc->obj, "networkConfiguration.awsvpcConfiguration"), "assignPublicIp");
        bool fails = ip && strcmp(ip, "ENABLED") == 0;
        tally_add(&t, true, fails);
        if (fails && ld_aws_emit(r, AWS_ECS_PUBLIC_IP, LD_STATUS_FAIL, svc, err,
                                 "networkConfiguration.awsvpcConfiguration.assignPublicIp: "
                                 "\"ENABLED\": every task gets a public address reachable "
                                 "from the internet as far as its security groups allow; use "
                                 "private subnets behind a load balancer or NAT") < 0)
            return -1;
    }
    if (t.judged == 0)
        return ld_aws_verdict(r, AWS_ECS_PUBLIC_IP, s, 0, 0, err, "no ECS service in the inputs");
    return ld_aws_verdict(r, AWS_ECS_PUBLIC_IP, s, t.judged, t.filed, err,
                          "%zu service%s, none assigns public IPs", t.judged,
                          t.judged == 1 ? "" : "s");
}

/* ---- aws.ecs.container-insights ---- */

/* Judges one cluster's settings; *filed when a finding was filed. */
static int insights_one(ld_findings *r, const ld_aws_resource *cl, bool *filed, ld_error *err)
{
    const json_t *settings = ld_aws_array(cl->obj, "settings");
    *filed = true;
    if (!settings)
        return ld_aws_emit(r, AWS_ECS_CONTAINER_INSIGHTS, LD_STATUS_ERROR, cl, err,
                           "settings: absent: describe-clusters prints them only when asked; "
                           "export again with `aws ecs describe-clusters --include SETTINGS "
                           "CONFIGURATIONS`: not assessed");
    const char *value = NULL;
    size_t i;
    const json_t *e;
    json_array_foreach(settings, i, e)
    {
        const char *name = ld_aws_str(e, "name");
        if (name && strcmp(name, "containerInsights") == 0)
            value = ld_aws_str(e, "value");
    }
    if (value && (strcmp(value, "enabled") == 0 || strcmp(value, "enhanced") == 0)) {
        *filed = false;
        return 0;
    }
    return ld_aws_emit(r, AWS_ECS_CONTAINER_INSIGHTS, LD_STATUS_FAIL, cl, err,
                       "settings containerInsights: %s%.40s%s: the cluster's tasks are not "
                       "monitored (CPU, memory, network, restarts); set it to enabled or "
                       "enhanced",
                       value ? "\"" : "", value ? value : "absent", value ? "\"" : "");
}

static int check_container_insights(ld_findings *r, const ld_aws_set *s, ld_error *err)
{
    tally t = {0};
    size_t n = ld_aws_set_count(s, LD_AWS_ECS_CLUSTER);
    for (size_t i = 0; i < n; i++) {
        const ld_aws_resource *cl = ld_aws_set_get(s, LD_AWS_ECS_CLUSTER, i);
        if (!cl)
            continue;
        bool filed = false;
        if (insights_one(r, cl, &filed, err) < 0)
            return -1;
        tally_add(&t, true, filed);
    }
    if (t.judged == 0)
        return ld_aws_verdict(r, AWS_ECS_CONTAINER_INSIGHTS, s, 0, 0, err,
                              "no ECS cluster in the inputs");
    return ld_aws_verdict(r, AWS_ECS_CONTAINER_INSIGHTS, s, t.judged, t.filed, err,
                          "%zu cluster%s with Container Insights on", t.judged,
                          t.judged == 1 ? "" : "s");
}

/* ---- aws.ecs.exec-audit ---- */

/* The task definition of the inputs a service runs (NULL: not there). */
static const ld_aws_resource *find_task_definition(const ld_aws_set *s, const char *ref)
{
    if (!ref)
        return NULL;
    const char *slash = strrchr(ref, '/');
    const char *tail = slash ? slash + 1 : ref;
    size_t n = ld_aws_set_count(s, LD_AWS_TASK_DEFINITION);
    for (size_t i = 0; i < n; i++) {
        const ld_aws_resource *td = ld_aws_set_get(s, LD_AWS_TASK_DEFINITION, i);
        if (td &&
            ((td->id && strcmp(td->id, ref) == 0) || (td->name && strcmp(td->name, tail) == 0)))
            return td;
    }
    return NULL;
}

static bool td_uses_awslogs(const json_t *td)
{
    size_t i;
    const json_t *cdef;
    json_array_foreach(ld_aws_array(td, "containerDefinitions"), i, cdef)
    {
        const char *d = ld_aws_str(ld_aws_object(cdef, "logConfiguration"), "logDriver");
        if (d && strcmp(d, "awslogs") == 0)
            return true;
    }
    return false;
}

/* What is wrong with how the cluster records the service's exec sessions. */
static void exec_problems(const ld_aws_set *s, const ld_aws_resource *svc,
                          const ld_aws_resource *cl, ld_k8s_evlist *l)
{
    const json_t *cfg = ld_aws_path(cl->obj, "configuration.executeCommandConfiguration");
    const char *logging = ld_aws_str(cfg, "logging");
    const char *kms = ld_aws_str(cfg, "kmsKeyId");
    if (!json_is_object(cfg))
        ld_k8s_evlist_add(l,
                          "cluster %.200s shows no configuration.executeCommandConfiguration "
                          "(ECS Exec's defaults: logging DEFAULT, no KMS key; if "
                          "describe-clusters ran without --include CONFIGURATIONS, export "
                          "again with it)",
                          cl->name ? cl->name : cl->id);
    if (logging && strcmp(logging, "NONE") == 0)
        ld_k8s_evlist_add(l, "executeCommandConfiguration.logging: \"NONE\" (sessions are not "
                             "recorded)");
    if (logging && strcmp(logging, "OVERRIDE") == 0) {
        const json_t *lc = ld_aws_object(cfg, "logConfiguration");
        const char *group = ld_aws_str(lc, "cloudWatchLogGroupName");
        const char *bucket = ld_aws_str(lc, "s3BucketName");
        if ((!group || !*group) && (!bucket || !*bucket))
            ld_k8s_evlist_add(l, "executeCommandConfiguration.logging: \"OVERRIDE\" with no "
                                 "logConfiguration.cloudWatchLogGroupName or s3BucketName");
    }
    if (!logging || strcmp(logging, "DEFAULT") == 0) {
        const ld_aws_resource *td = find_task_definition(s, ld_aws_str(svc->obj, "taskDefinition"));
        if (td && !td_uses_awslogs(td->obj))
            ld_k8s_evlist_add(l,
                              "executeCommandConfiguration.logging: %s, but task definition "
                              "%.200s has no awslogs container, so sessions are logged "
                              "nowhere",
                              logging ? "\"DEFAULT\"" : "absent (DEFAULT)",
                              td->name ? td->name : td->id);
    }
    if (!kms || !*kms)
        ld_k8s_evlist_add(l, "executeCommandConfiguration.kmsKeyId: absent (the session data "
                             "channel is not encrypted with a key of yours)");
}

static int exec_one(ld_findings *r, const ld_aws_set *s, const ld_aws_resource *svc, bool *filed,
                    ld_error *err)
{
    *filed = false;
    if (ld_aws_bool(svc->obj, "enableExecuteCommand") != 1)
        return 0;
    *filed = true;
    const char *ref = service_cluster_ref(svc);
    const ld_aws_resource *cl = find_cluster(s, ref);
    if (!cl)
        return ld_aws_emit(r, AWS_ECS_EXEC_AUDIT, LD_STATUS_ERROR, svc, err,
                           "enableExecuteCommand: true, and cluster %.200s not in the inputs: "
                           "export it with `aws ecs describe-clusters --include CONFIGURATIONS "
                           "SETTINGS`: not assessed",
                           ref ? ref : "(none named)");
    /* describe-clusters prints configuration and settings only when asked
     * (--include CONFIGURATIONS SETTINGS): a cluster with neither was
     * exported without them, and its ECS Exec settings are unknown */
    if (!ld_aws_object(cl->obj, "configuration") && !ld_aws_array(cl->obj, "settings"))
        return ld_aws_emit(r, AWS_ECS_EXEC_AUDIT, LD_STATUS_ERROR, svc, err,
                           "enableExecuteCommand: true, and cluster %.200s was exported without "
                           "its configuration: export it with `aws ecs describe-clusters "
                           "--include CONFIGURATIONS SETTINGS`: not assessed",
                           cl->name ? cl->name : cl->id);
    ld_k8s_evlist l = LD_K8S_EVLIST_INIT;
    exec_problems(s, svc, cl, &l);
    int rc = 0;
    if (l.items)
        rc = ld_aws_emit(r, AWS_ECS_EXEC_AUDIT, LD_STATUS_FAIL, svc, err,
                         "enableExecuteCommand: true; %s: shells opened in its tasks leave no "
                         "trustworthy record; log sessions (DEFAULT with awslogs, or OVERRIDE "
                         "to CloudWatch Logs or S3) and set a kmsKeyId",
                         ld_k8s_evlist_text(&l));
    else
        *filed = false;
    ld_k8s_evlist_clear(&l);
    return rc;
}

static int check_exec_audit(ld_findings *r, const ld_aws_set *s, ld_error *err)
{
    tally t = {0};
    size_t n = ld_aws_set_count(s, LD_AWS_ECS_SERVICE), exec_on = 0;
    for (size_t i = 0; i < n; i++) {
        const ld_aws_resource *svc = ld_aws_set_get(s, LD_AWS_ECS_SERVICE, i);
        if (!svc)
            continue;
        bool filed = false;
        if (exec_one(r, s, svc, &filed, err) < 0)
            return -1;
        exec_on += ld_aws_bool(svc->obj, "enableExecuteCommand") == 1;
        tally_add(&t, true, filed);
    }
    if (t.judged == 0)
        return ld_aws_verdict(r, AWS_ECS_EXEC_AUDIT, s, 0, 0, err, "no ECS service in the inputs");
    return ld_aws_verdict(r, AWS_ECS_EXEC_AUDIT, s, t.judged, t.filed, err,
                          "%zu service%s: %zu with ECS Exec on, each logged with a KMS key; the "
                          "others have it off",
                          t.judged, t.judged == 1 ? "" : "s", exec_on);
}

int ld_aws_ecs_service_checks(ld_findings *r, const ld_aws_set *s, const ld_aws_scan_options *o,
                              ld_error *err)
{
    if (ld_findings_selected(r, AWS_ECS_FARGATE_PLATFORM) && check_fargate(r, s, o, err) < 0)
        return -1;
    if (ld_findings_selected(r, AWS_ECS_PUBLIC_IP) && check_public_ip(r, s, err) < 0)
        return -1;
    if (ld_findings_selected(r, AWS_ECS_CONTAINER_INSIGHTS) &&
        check_container_insights(r, s, err) < 0)
        return -1;
    if (ld_findings_selected(r, AWS_ECS_EXEC_AUDIT) && check_exec_audit(r, s, err) < 0)
        return -1;
    return 0;
}
