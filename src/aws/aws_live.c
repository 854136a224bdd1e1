/* The live path of `lockdown aws scan`: the read-only ECS, ECR, EKS and EC2
 * calls, their pagination and batching, each answer fed to the set as the
 * AWS CLI prints it (see aws_live.h). One request at a time goes through
 * aws/aws_api.c (signing, retries, error classes). Not a judge: the
 * checks read the set afterwards. */
#include "aws/aws_live.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aws/aws_api.h"
#include "aws/credentials.h"
#include "aws/ec2_xml.h"
#include "util/json_budget.h"
#include "util/mem.h"
#include "util/strlist.h"

#define ECS_TARGET "AmazonEC2ContainerServiceV20141113"
#define ECR_TARGET "AmazonEC2ContainerRegistry_V20150921"
#define PAGES_MAX 1000
#define NAMES_MAX ((size_t)200000)
#define DESCRIBE_SERVICES_BATCH 10
#define DESCRIBE_CLUSTERS_BATCH 100

static const ld_json_limits answer_limits = {
    .max_values = 2000000, .max_containers = 500000, .max_depth = 256};

typedef struct {
    ld_aws_set *s;
    const ld_aws_live_options *o;
    ld_aws_live_info *info;
    ld_aws_client cl;
    ld_strlist td_described; /* task definition ARNs read */
    ld_strlist td_wanted;    /* task definitions services name */
} live;

/* ---- small helpers ---- */

/* RFC 3986 percent-encoding of everything but the unreserved characters
 * (what SigV4's canonical form expects). Caller frees. */
static char *uri_encode(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = ld_xmalloc(n * 3 + 1), *p = out;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
            *c == '-' || *c == '_' || *c == '.' || *c == '~') {
            *p++ = (char)*c;
        } else {
            *p++ = '%';
            *p++ = hex[*c >> 4];
            *p++ = hex[*c & 15];
        }
    }
    *p = '\0';
    return out;
}

static void note_account(live *L, const char *arn)
{
    if (!L->info->account)
        L->info->account = ld_aws_arn_account(arn);
}

static void progress(live *L, const char *what)
{
    if (L->o->progress)
        L->o->progress(L->o->progress_ctx, what);
}

/* Feeds one answer to the set under "SERVICE:Operation REGION", without
 * its pagination token (the CLI prints merged pages). */
static int feed(live *L, const char *service, const char *op, json_t *doc, ld_error *err)
{
    json_object_del(doc, "nextToken");
    json_object_del(doc, "NextToken");
    char *source = ld_xasprintf("%s:%s %s", service, op, L->o->region);
    int rc = ld_aws_set_add_json(L->s, source, doc, err);
    free(source);
    return rc < 0 ? rc : 0;
}

/* What happened to one call. */
typedef enum { CALL_OK, CALL_REFUSED, CALL_ABSENT } call_result;

/* Records an API call that could not be read; what starts with the
 * service ("ecr:GetLifecyclePolicy web"), so only that service's checks
 * become not assessed. */
static void unread_call(live *L, const char *what)
{
    char service[8] = "";
    size_t n = strcspn(what, ":");
    if (n < sizeof(service) && what[n] == ':') {
        memcpy(service, what, n);
        service[n] = '\0';
    }
    ld_aws_set_add_unread_service(L->s, service, what);
}

/* Sends call; res holds the answer on CALL_OK (the caller clears res
 * either way). A call refused on its own (access denied, another client
 * error) is recorded unread ("ecr:GetLifecyclePolicy REPO: access denied:
 * ...") and is CALL_REFUSED; a ...NotFoundException the caller records as
 * an absence is CALL_ABSENT. < 0: the scan stops (credentials refused,
 * unreachable, throttled past the attempts, over the size limit). */
static int send_raw(live *L, const ld_aws_call *call, const char *what, ld_aws_response *res,
                    call_result *result, ld_error *err)
{
    *result = CALL_OK;
    progress(L, what);
    int rc = ld_aws_request(&L->cl, call, res, err);
    if (rc < 0 || res->err_class == LD_AWS_ERR_NONE)
        return rc;
    if (res->err_class == LD_AWS_ERR_NOT_FOUND) {
        *result = CALL_ABSENT;
        return 0;
    }
    *result = CALL_REFUSED;
    char *line;
    if (res->err_class == LD_AWS_ERR_DENIED || res->error_code)
        line = ld_xasprintf("%s: %s%s%s", what,
                            res->err_class == LD_AWS_ERR_DENIED ? "access denied" : res->error_code,
                            res->error_message ? ": " : "",
                            res->error_message ? res->error_message : "");
    else
        line = ld_xasprintf("%s: HTTP %ld", what, res->status);
    unread_call(L, line);
    free(line);
    return 0;
}

/* send_raw, then *doc: the answer's JSON object on CALL_OK (a new
 * reference), else NULL. An answer that is not a JSON object is
 * LD_ERR_CORRUPT. */
static int send_call(live *L, const ld_aws_call *call, const char *subject, json_t **doc,
                     call_result *result, ld_error *err)
{
    *doc = NULL;
    char *what = ld_xasprintf("%s:%s%s%s", call->service, call->operation, subject ? " " : "",
                              subject ? subject : "");
    ld_aws_response res;
    int rc = send_raw(L, call, what, &res, result, err);
    if (rc >= 0 && *result == CALL_OK) {
        *doc = ld_json_load_bounded(what, res.body, res.len, 0, &answer_limits, err);
        if (!*doc) {
            rc = err->code < 0 ? (int)err->code : LD_ERR_CORRUPT;
        } else if (!json_is_object(*doc)) {
            json_decref(*doc);
            *doc = NULL;
            rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: the answer is not a JSON object", what);
        }
    }
    ld_aws_response_clear(&res);
    free(what);
    return rc;
}

/* A JSON 1.1 call of ECS or ECR with req as its document. */
static int json_call(live *L, const char *service, const char *op, json_t *req, const char *subject,
                     json_t **doc, call_result *result, ld_error *err)
{
    char *body = json_dumps(req, JSON_COMPACT);
    ld_aws_call call = {.service = service,
                        .operation = op,
                        .target = strcmp(service, "ecs") == 0 ? ECS_TARGET : ECR_TARGET,
                        .proto = LD_AWS_PROTO_JSON,
                        .path = "/",
                        .body = body,
                        .body_len = strlen(body)};
    int rc = send_call(L, &call, subject, doc, result, err);
    free(body);
    return rc;
}

/* An EKS REST call: GET path?query. */
static int rest_call(live *L, const char *op, const char *path, const char *query,
                     const char *subject, json_t **doc, call_result *result, ld_error *err)
{
    ld_aws_call call = {.service = "eks",
                        .operation = op,
                        .proto = LD_AWS_PROTO_REST_JSON,
                        .path = path,
                        .query = query && *query ? query : NULL};
    return send_call(L, &call, subject, doc, result, err);
}

/* Appends the strings of doc[key] to out (at most NAMES_MAX in all). */
static void collect_strings(const json_t *doc, const char *key, ld_strlist *out)
{
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(doc, key), i, v)
    {
        if (json_is_string(v) && out->n < NAMES_MAX)
            ld_strlist_push(out, json_string_value(v));
    }
}

/* The next page's token of doc (new string), or NULL. A token equal to
 * the last one, or page PAGES_MAX reached, ends the walk with an unread
 * record. */
static char *next_token(live *L, const json_t *doc, const char *key, const char *last, int page,
                        const char *what)
{
    const char *t = json_string_value(json_object_get(doc, key));
    if (!t || !*t)
        return NULL;
    if ((last && strcmp(t, last) == 0) || page + 1 >= PAGES_MAX) {
        char *line = ld_xasprintf("%s: %s; the rest not read", what,
                                  page + 1 >= PAGES_MAX ? "more than 1000 pages"
                                                        : "the same page token twice");
        unread_call(L, line);
        free(line);
        return NULL;
    }
    return ld_xstrdup(t);
}

/* Walks the pages of a JSON 1.1 list call (req gets "nextToken"); each
 * page's strings of key go to names when names is given, and each page is
 * fed to the set when feed_pages. */
static int json_pages(live *L, const char *service, const char *op, json_t *req,
                      const char *subject, const char *key, ld_strlist *names, bool feed_pages,
                      ld_error *err)
{
    char *token = NULL;
    int rc = 0;
    char *what = ld_xasprintf("%s:%s%s%s", service, op, subject ? " " : "", subject ? subject : "");
    for (int page = 0; page < PAGES_MAX; page++) {
        if (token)
            json_object_set_new(req, "nextToken", json_string(token));
        json_t *doc = NULL;
        call_result r = CALL_OK;
        rc = json_call(L, service, op, req, subject, &doc, &r, err);
        if (rc < 0 || r != CALL_OK)
            break;
        if (names)
            collect_strings(doc, key, names);
        char *next = next_token(L, doc, "nextToken", token, page, what);
        if (feed_pages)
            rc = feed(L, service, op, doc, err);
        json_decref(doc);
        free(token);
        token = next;
        if (rc < 0 || !token)
            break;
    }
    free(token);
    free(what);
    return rc;
}

/* The same for an EKS list (GET path?maxResults=100[&extra][&nextToken=...]). */
static int rest_pages(live *L, const char *op, const char *path, const char *extra,
                      const char *subject, const char *key, ld_strlist *names, bool feed_pages,
                      ld_error *err)
{
    char *token = NULL;
    int rc = 0;
    char *what = ld_xasprintf("eks:%s%s%s", op, subject ? " " : "", subject ? subject : "");
    for (int page = 0; page < PAGES_MAX; page++) {
        char *enc = token ? uri_encode(token) : NULL;
        /* canonical order does not matter to the signer; readable order here */
        char *query = ld_xasprintf("%s%smaxResults=100%s%s", extra ? extra : "", extra ? "&" : "",
                                   enc ? "&nextToken=" : "", enc ? enc : "");
        free(enc);
        json_t *doc = NULL;
        call_result r = CALL_OK;
        rc = rest_call(L, op, path, query, subject, &doc, &r, err);
        free(query);
        if (rc < 0 || r != CALL_OK)
            break;
        if (names)
            collect_strings(doc, key, names);
        char *next = next_token(L, doc, "nextToken", token, page, what);
        if (feed_pages)
            rc = feed(L, "eks", op, doc, err);
        json_decref(doc);
        free(token);
        token = next;
        if (rc < 0 || !token)
            break;
    }
    free(token);
    free(what);
    return rc;
}

/* ---- ECS ---- */

static json_t *string_array(const ld_strlist *l, size_t from, size_t n)
{
    json_t *a = json_array();
    for (size_t i = from; i < from + n && i < l->n; i++)
        json_array_append_new(a, json_string(l->v[i]));
    return a;
}

/* Notes the task definitions a describe-services answer names. */
static void want_task_definitions(live *L, const json_t *doc)
{
    size_t i;
    const json_t *svc;
    json_array_foreach(json_object_get(doc, "services"), i, svc)
    {
        const char *td = json_string_value(json_object_get(svc, "taskDefinition"));
        if (td && !ld_strlist_contains(&L->td_wanted, td) && L->td_wanted.n < NAMES_MAX)
            ld_strlist_push(&L->td_wanted, td);
        note_account(L, json_string_value(json_object_get(svc, "serviceArn")));
    }
}

static int ecs_services(live *L, const char *cluster, ld_error *err)
{
    ld_strlist arns = {0};
    json_t *req = json_pack("{s:s}", "cluster", cluster);
    int rc = json_pages(L, "ecs", "ListServices", req, cluster, "serviceArns", &arns, false, err);
    json_decref(req);
    for (size_t i = 0; rc >= 0 && i < arns.n; i += DESCRIBE_SERVICES_BATCH) {
        json_t *d = json_pack("{s:s,s:o,s:[s]}", "cluster", cluster, "services",
                              string_array(&arns, i, DESCRIBE_SERVICES_BATCH), "include", "TAGS");
        json_t *doc = NULL;
        call_result r = CALL_OK;
        rc = json_call(L, "ecs", "DescribeServices", d, cluster, &doc, &r, err);
        json_decref(d);
        if (rc >= 0 && r == CALL_OK) {
            want_task_definitions(L, doc);
            rc = feed(L, "ecs", "DescribeServices", doc, err);
        }
        json_decref(doc);
    }
    ld_strlist_clear(&arns);
    return rc;
}

static int describe_task_definition(live *L, const char *which, ld_error *err)
{
    json_t *req = json_pack("{s:s,s:[s]}", "taskDefinition", which, "include", "TAGS");
    json_t *doc = NULL;
    call_result r = CALL_OK;
    int rc = json_call(L, "ecs", "DescribeTaskDefinition", req, which, &doc, &r, err);
    json_decref(req);
    if (rc >= 0 && r == CALL_OK) {
        const char *arn = json_string_value(
            json_object_get(json_object_get(doc, "taskDefinition"), "taskDefinitionArn"));
        if (arn && !ld_strlist_contains(&L->td_described, arn))
            ld_strlist_push(&L->td_described, arn);
        note_account(L, arn);
        rc = feed(L, "ecs", "DescribeTaskDefinition", doc, err);
    }
    json_decref(doc);
    return rc;
}

static int ecs_read(live *L, ld_error *err)
{
    ld_strlist clusters = {0}, families = {0};
    json_t *req = json_object();
    int rc = json_pages(L, "ecs", "ListClusters", req, NULL, "clusterArns", &clusters, false, err);
    json_decref(req);
    for (size_t i = 0; rc >= 0 && i < clusters.n; i += DESCRIBE_CLUSTERS_BATCH) {
        json_t *d = json_pack("{s:o,s:[s,s,s]}", "clusters",
                              string_array(&clusters, i, DESCRIBE_CLUSTERS_BATCH), "include",
                              "SETTINGS", "CONFIGURATIONS", "TAGS");
        json_t *doc = NULL;
        call_result r = CALL_OK;
        rc = json_call(L, "ecs", "DescribeClusters", d, NULL, &doc, &r, err);
        json_decref(d);
        if (rc >= 0 && r == CALL_OK)
            rc = feed(L, "ecs", "DescribeClusters", doc, err);
        json_decref(doc);
    }
    for (size_t i = 0; rc >= 0 && i < clusters.n; i++) {
        note_account(L, clusters.v[i]);
        rc = ecs_services(L, clusters.v[i], err);
    }
    if (rc >= 0) {
        req = json_pack("{s:s}", "status", "ACTIVE");
        rc = json_pages(L, "ecs", "ListTaskDefinitionFamilies", req, NULL, "families", &families,
                        false, err);
        json_decref(req);
    }
    /* a family name alone names its newest ACTIVE revision */
    for (size_t i = 0; rc >= 0 && i < families.n; i++)
        rc = describe_task_definition(L, families.v[i], err);
    for (size_t i = 0; rc >= 0 && i < L->td_wanted.n; i++)
        if (!ld_strlist_contains(&L->td_described, L->td_wanted.v[i]))
            rc = describe_task_definition(L, L->td_wanted.v[i], err);
    ld_strlist_clear(&clusters);
    ld_strlist_clear(&families);
    return rc;
}

/* ---- ECR ---- */

/* GetLifecyclePolicy / GetRepositoryPolicy of one repository. */
static int ecr_policy(live *L, const char *op, ld_aws_kind kind, const char *registry,
                      const char *name, ld_error *err)
{
    json_t *req = json_pack("{s:s}", "repositoryName", name);
    if (registry)
        json_object_set_new(req, "registryId", json_string(registry));
    json_t *doc = NULL;
    call_result r = CALL_OK;
    int rc = json_call(L, "ecr", op, req, name, &doc, &r, err);
    json_decref(req);
    if (rc >= 0 && r == CALL_OK) {
        rc = feed(L, "ecr", op, doc, err);
    } else if (rc >= 0 && r == CALL_ABSENT) {
        char *source = ld_xasprintf("ecr:%s %s", op, L->o->region);
        ld_aws_set_add_absent(L->s, kind, source, registry, name);
        free(source);
    }
    json_decref(doc);
    return rc;
}

/* One page of describe-repositories: its repositories' policies. */
static int ecr_repositories_page(live *L, const json_t *doc, ld_error *err)
{
    size_t i;
    const json_t *repo;
    int rc = 0;
    json_array_foreach(json_object_get(doc, "repositories"), i, repo)
    {
        const char *name = json_string_value(json_object_get(repo, "repositoryName"));
        const char *registry = json_string_value(json_object_get(repo, "registryId"));
        note_account(L, json_string_value(json_object_get(repo, "repositoryArn")));
        if (!name)
            continue;
        rc = ecr_policy(L, "GetLifecyclePolicy", LD_AWS_ECR_LIFECYCLE, registry, name, err);
        if (rc >= 0)
            rc = ecr_policy(L, "GetRepositoryPolicy", LD_AWS_ECR_REPO_POLICY, registry, name, err);
        if (rc < 0)
            break;
    }
    return rc;
}

static int ecr_repositories(live *L, ld_error *err)
{
    char *token = NULL;
    int rc = 0;
    json_t *req = json_pack("{s:i}", "maxResults", 1000);
    for (int page = 0; page < PAGES_MAX; page++) {
        if (token)
            json_object_set_new(req, "nextToken", json_string(token));
        json_t *doc = NULL;
        call_result r = CALL_OK;
        rc = json_call(L, "ecr", "DescribeRepositories", req, NULL, &doc, &r, err);
        if (rc < 0 || r != CALL_OK)
            break;
        char *next = next_token(L, doc, "nextToken", token, page, "ecr:DescribeRepositories");
        rc = ecr_repositories_page(L, doc, err);
        if (rc >= 0)
            rc = feed(L, "ecr", "DescribeRepositories", doc, err);
        json_decref(doc);
        free(token);
        token = next;
        if (rc < 0 || !token)
            break;
    }
    free(token);
    json_decref(req);
    return rc;
}

/* A registry-wide call without parameters, fed as it comes. */
static int ecr_registry_call(live *L, const char *op, ld_error *err)
{
    json_t *req = json_object();
    json_t *doc = NULL;
    call_result r = CALL_OK;
    int rc = json_call(L, "ecr", op, req, NULL, &doc, &r, err);
    json_decref(req);
    if (rc >= 0 && r == CALL_OK)
        rc = feed(L, "ecr", op, doc, err);
    json_decref(doc);
    return rc;
}

static int ecr_read(live *L, ld_error *err)
{
    int rc = ecr_repositories(L, err);
    if (rc >= 0)
        rc = ecr_registry_call(L, "GetRegistryScanningConfiguration", err);
    if (rc >= 0)
        rc = ecr_registry_call(L, "DescribeRegistry", err);
    if (rc >= 0) {
        json_t *req = json_object();
        rc =
            json_pages(L, "ecr", "DescribePullThroughCacheRules", req, NULL, NULL, NULL, true, err);
        json_decref(req);
    }
    return rc;
}

/* ---- EKS and EC2 ---- */

typedef struct {
    ld_strlist addon_queries;    /* "addonName=A&kubernetesVersion=V" */
    ld_strlist launch_templates; /* EC2 form fragments, one per template version */
} eks_wants;

static void want_launch_template(eks_wants *w, const json_t *ng)
{
    const json_t *lt = json_object_get(ng, "launchTemplate");
    const char *id = json_string_value(json_object_get(lt, "id"));
    const char *name = json_string_value(json_object_get(lt, "name"));
    const char *version = json_string_value(json_object_get(lt, "version"));
    if (!id && !name)
        return;
    char *e_ref = uri_encode(id ? id : name);
    char *e_ver = uri_encode(version ? version : "$Default");
    char *form = ld_xasprintf("%s=%s&LaunchTemplateVersion.1=%s",
                              id ? "LaunchTemplateId" : "LaunchTemplateName", e_ref, e_ver);
    if (!ld_strlist_contains(&w->launch_templates, form) && w->launch_templates.n < NAMES_MAX)
        ld_strlist_push(&w->launch_templates, form);
    free(form);
    free(e_ref);
    free(e_ver);
}

/* describe-nodegroup / describe-addon for each name of a list under a cluster. */
static int eks_children(live *L, const char *cluster, const char *version, bool nodegroups,
                        eks_wants *w, ld_error *err)
{
    char *ec = uri_encode(cluster);
    char *path = ld_xasprintf("/clusters/%s/%s", ec, nodegroups ? "node-groups" : "addons");
    ld_strlist names = {0};
    int rc = rest_pages(L, nodegroups ? "ListNodegroups" : "ListAddons", path, NULL, cluster,
                        nodegroups ? "nodegroups" : "addons", &names, false, err);
    for (size_t i = 0; rc >= 0 && i < names.n; i++) {
        char *en = uri_encode(names.v[i]);
        char *p = ld_xasprintf("%s/%s", path, en);
        char *subject = ld_xasprintf("%s/%s", cluster, names.v[i]);
        const char *op = nodegroups ? "DescribeNodegroup" : "DescribeAddon";
        json_t *doc = NULL;
        call_result r = CALL_OK;
        rc = rest_call(L, op, p, NULL, subject, &doc, &r, err);
        if (rc >= 0 && r == CALL_OK) {
            if (nodegroups) {
                want_launch_template(w, json_object_get(doc, "nodegroup"));
            } else if (version) {
                char *q = ld_xasprintf("addonName=%s&kubernetesVersion=%s", en, version);
                if (!ld_strlist_contains(&w->addon_queries, q))
                    ld_strlist_push(&w->addon_queries, q);
                free(q);
            }
            rc = feed(L, "eks", op, doc, err);
        }
        json_decref(doc);
        free(subject);
        free(p);
        free(en);
    }
    ld_strlist_clear(&names);
    free(path);
    free(ec);
    return rc;
}

static int eks_cluster(live *L, const char *name, eks_wants *w, ld_error *err)
{
    char *en = uri_encode(name);
    char *path = ld_xasprintf("/clusters/%s", en);
    json_t *doc = NULL;
    call_result r = CALL_OK;
    int rc = rest_call(L, "DescribeCluster", path, NULL, name, &doc, &r, err);
    char *version = NULL;
    if (rc >= 0 && r == CALL_OK) {
        const json_t *c = json_object_get(doc, "cluster");
        const char *v = json_string_value(json_object_get(c, "version"));
        version = v ? uri_encode(v) : NULL;
        note_account(L, json_string_value(json_object_get(c, "arn")));
        rc = feed(L, "eks", "DescribeCluster", doc, err);
    }
    json_decref(doc);
    if (rc >= 0 && r == CALL_OK)
        rc = eks_children(L, name, version, true, w, err);
    if (rc >= 0 && r == CALL_OK)
        rc = eks_children(L, name, version, false, w, err);
    free(version);
    free(path);
    free(en);
    return rc;
}

static int ec2_launch_template(live *L, const char *form_part, ld_error *err)
{
    char *token = NULL;
    int rc = 0;
    char *what = ld_xasprintf("ec2:DescribeLaunchTemplateVersions %s", form_part);
    for (int page = 0; page < PAGES_MAX; page++) {
        char *et = token ? uri_encode(token) : NULL;
        char *form = ld_xasprintf("Action=DescribeLaunchTemplateVersions&Version=2016-11-15&%s%s%s",
                                  form_part, et ? "&NextToken=" : "", et ? et : "");
        free(et);
        ld_aws_call call = {.service = "ec2",
                            .operation = "DescribeLaunchTemplateVersions",
                            .proto = LD_AWS_PROTO_EC2_QUERY,
                            .path = "/",
                            .body = form,
                            .body_len = strlen(form)};
        ld_aws_response res;
        call_result r = CALL_OK;
        rc = send_raw(L, &call, what, &res, &r, err);
        free(form);
        if (rc < 0 || r != CALL_OK) {
            ld_aws_response_clear(&res);
            break;
        }
        char *next = NULL;
        json_t *doc = ld_ec2_launch_template_versions(what, res.body, res.len, &next, err);
        ld_aws_response_clear(&res);
        if (!doc) {
            rc = err->code;
            break;
        }
        rc = feed(L, "ec2", "DescribeLaunchTemplateVersions", doc, err);
        json_decref(doc);
        if (next && ((token && strcmp(next, token) == 0) || page + 1 >= PAGES_MAX)) {
            free(next);
            next = NULL;
            unread_call(L, "ec2:DescribeLaunchTemplateVersions: pages without "
                                        "end; the rest not read");
        }
        free(token);
        token = next;
        if (rc < 0 || !token)
            break;
    }
    free(token);
    free(what);
    return rc;
}

static int eks_read(live *L, ld_error *err)
{
    ld_strlist clusters = {0};
    eks_wants w = {0};
    int rc =
        rest_pages(L, "ListClusters", "/clusters", NULL, NULL, "clusters", &clusters, false, err);
    for (size_t i = 0; rc >= 0 && i < clusters.n; i++)
        rc = eks_cluster(L, clusters.v[i], &w, err);
    for (size_t i = 0; rc >= 0 && i < w.addon_queries.n; i++)
        rc = rest_pages(L, "DescribeAddonVersions", "/addons/supported-versions",
                        w.addon_queries.v[i], NULL, NULL, NULL, true, err);
    for (size_t i = 0; rc >= 0 && i < w.launch_templates.n; i++)
        rc = ec2_launch_template(L, w.launch_templates.v[i], err);
    ld_strlist_clear(&clusters);
    ld_strlist_clear(&w.addon_queries);
    ld_strlist_clear(&w.launch_templates);
    return rc;
}

/* ---- entry ---- */

int ld_aws_load_live(ld_aws_set *s, const ld_aws_live_options *o, ld_aws_live_info *info,
                     ld_error *err)
{
    memset(info, 0, sizeof(*info));
    if (!o->region || !*o->region)
        return ld_error_set(err, LD_ERR_INVALID,
                            "aws scan: no region: give --region or set AWS_REGION");
    ld_aws_credentials creds;
    memset(&creds, 0, sizeof(creds));
    ld_aws_credentials_options co = {.profile = o->profile, .no_metadata = o->no_metadata};
    int rc = ld_aws_credentials_resolve(&co, &creds, err);
    if (rc < 0)
        return rc;
    info->credentials_source = ld_xstrdup(creds.source);
    const char *ca = o->ca_bundle ? o->ca_bundle : getenv("AWS_CA_BUNDLE");
    live L = {.s = s,
              .o = o,
              .info = info,
              .cl = {.creds = &creds,
                     .region = o->region,
                     .endpoint_url = o->endpoint_url,
                     .ca_bundle = ca && *ca ? ca : NULL,
                     .timeout_ms = o->timeout_ms,
                     .max_attempts = o->max_attempts}};
    unsigned svc = o->services ? o->services : LD_AWS_SVC_ALL;
    if (svc & LD_AWS_SVC_ECS)
        rc = ecs_read(&L, err);
    if (rc >= 0 && (svc & LD_AWS_SVC_ECR))
        rc = ecr_read(&L, err);
    if (rc >= 0 && (svc & LD_AWS_SVC_EKS))
        rc = eks_read(&L, err);
    info->requests = L.cl.requests;
    info->retries = L.cl.retries;
    ld_strlist_clear(&L.td_described);
    ld_strlist_clear(&L.td_wanted);
    ld_aws_credentials_clear(&creds);
    return rc < 0 ? rc : 0;
}

void ld_aws_live_info_clear(ld_aws_live_info *info)
{
    if (!info)
        return;
    free(info->account);
    free(info->credentials_source);
    memset(info, 0, sizeof(*info));
}
