/* The AWS set: resources by kind, the documents they point into, notes,
 * unread inputs and the lookups the checks use (see aws/aws_set.h). The
 * shapes of the AWS CLI's output are read in aws_set_shapes.c, its error
 * lines in aws_set_errline.c, files and directories in aws_set_walk.c.
 * Not for judging anything. */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws_set.h"
#include "aws/aws_set_internal.h"
#include "util/json_budget.h"
#include "util/mem.h"
#include "util/strmap.h"

#define INPUTS_LABEL_MAX 3 /* inputs named in the label, then "and N more" */

typedef struct {
    ld_aws_resource **v;
    size_t n, cap;
} kind_list;

struct ld_aws_set {
    kind_list kinds[LD_AWS_KIND_COUNT];
    size_t total;
    ld_strmap by_id;   /* "KIND\x1fID" -> resource: duplicates */
    ld_strmap by_name; /* "KIND\x1fNAME" -> first resource of that name */
    json_t **docs;
    size_t n_docs, docs_cap;
    ld_strlist unread, notes, inputs;
    ld_strlist unread_service; /* parallel to unread: the service, "" for any */
    char *inputs_label;
    size_t files;
};

static const struct {
    const char *title, *name;
} kind_names[LD_AWS_KIND_COUNT] = {
    [LD_AWS_TASK_DEFINITION] = {"task definition", "ecs-task-definition"},
    [LD_AWS_ECS_SERVICE] = {"ECS service", "ecs-service"},
    [LD_AWS_ECS_CLUSTER] = {"ECS cluster", "ecs-cluster"},
    [LD_AWS_ECR_REPOSITORY] = {"ECR repository", "ecr-repository"},
    [LD_AWS_ECR_LIFECYCLE] = {"ECR lifecycle policy", "ecr-lifecycle-policy"},
    [LD_AWS_ECR_REPO_POLICY] = {"ECR repository policy", "ecr-repository-policy"},
    [LD_AWS_ECR_SCANNING] = {"ECR registry scanning configuration", "ecr-registry-scanning"},
    [LD_AWS_ECR_REGISTRY] = {"ECR registry", "ecr-registry"},
    [LD_AWS_ECR_PULL_THROUGH] = {"ECR pull-through cache rule", "ecr-pull-through-cache-rule"},
    [LD_AWS_EKS_CLUSTER] = {"EKS cluster", "eks-cluster"},
    [LD_AWS_EKS_NODEGROUP] = {"EKS node group", "eks-nodegroup"},
    [LD_AWS_EKS_ADDON] = {"EKS add-on", "eks-addon"},
    [LD_AWS_EKS_ADDON_VERSIONS] = {"EKS add-on versions", "eks-addon-versions"},
    [LD_AWS_LAUNCH_TEMPLATE] = {"EC2 launch template version", "ec2-launch-template-version"},
};

const char *ld_aws_kind_title(ld_aws_kind k)
{
    return (unsigned)k < LD_AWS_KIND_COUNT ? kind_names[k].title : "AWS resource";
}

const char *ld_aws_kind_name(ld_aws_kind k)
{
    return (unsigned)k < LD_AWS_KIND_COUNT ? kind_names[k].name : "aws-resource";
}

ld_aws_set *ld_aws_set_new(void)
{
    return ld_xcalloc(1, sizeof(ld_aws_set));
}

static void resource_free(ld_aws_resource *r)
{
    free(r->id);
    free(r->name);
    free(r->source);
    free(r->registry_id);
    free(r->cluster);
    free(r);
}

void ld_aws_set_free(ld_aws_set *s)
{
    if (!s)
        return;
    for (int k = 0; k < LD_AWS_KIND_COUNT; k++) {
        for (size_t i = 0; i < s->kinds[k].n; i++)
            resource_free(s->kinds[k].v[i]);
        free(s->kinds[k].v);
    }
    ld_strmap_clear(&s->by_id);
    ld_strmap_clear(&s->by_name);
    for (size_t i = 0; i < s->n_docs; i++)
        json_decref(s->docs[i]);
    free(s->docs);
    ld_strlist_clear(&s->unread);
    ld_strlist_clear(&s->unread_service);
    ld_strlist_clear(&s->notes);
    ld_strlist_clear(&s->inputs);
    free(s->inputs_label);
    free(s);
}

/* ---- pending resources (filled by the shape readers) ---- */

void ld_aws_pending_clear(ld_aws_pending *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].id);
        free(p->v[i].name);
        free(p->v[i].registry_id);
        free(p->v[i].cluster);
        free(p->v[i].source);
    }
    free(p->v);
    ld_strlist_clear(&p->notes);
    memset(p, 0, sizeof(*p));
}

void ld_aws_pending_push(ld_aws_pending *p, ld_aws_kind kind, const json_t *obj, char *id,
                         char *name, char *registry_id, char *cluster)
{
    ld_xgrow(&p->v, &p->cap, p->n + 1, sizeof(*p->v));
    p->v[p->n++] =
        (ld_aws_pending_item){kind, obj, id, name, registry_id, cluster, ld_xstrdup(p->source)};
}

void ld_aws_pending_note(ld_aws_pending *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ld_strlist_push_owned(&p->notes, ld_xvasprintf(fmt, ap));
    va_end(ap);
}

/* ---- adding ---- */

static char *index_key(ld_aws_kind kind, const char *s)
{
    return ld_xasprintf("%d\x1f%s", (int)kind, s);
}

/* Whether an item's id is one AWS gave (an ARN or a composed id), so two
 * of them name the same resource. */
static bool dedupable(const ld_aws_pending_item *it)
{
    return it->id && it->id[0] && !strstr(it->id, "(unnamed)");
}

/* Moves an item's strings into a new resource of the set. */
static ld_aws_resource *append(ld_aws_set *s, const char *source, ld_aws_pending_item *it)
{
    ld_aws_resource *r = ld_xcalloc(1, sizeof(*r));
    r->kind = it->kind;
    r->obj = it->obj;
    r->absent = it->obj == NULL;
    r->id = it->id ? it->id : ld_xstrdup("");
    r->name = it->name;
    r->registry_id = it->registry_id;
    r->cluster = it->cluster;
    r->source = it->source ? it->source : ld_xstrdup(source);
    it->id = it->name = it->registry_id = it->cluster = it->source = NULL;
    kind_list *l = &s->kinds[r->kind];
    ld_xgrow(&l->v, &l->cap, l->n + 1, sizeof(*l->v));
    l->v[l->n++] = r;
    s->total++;
    return r;
}

/* The first resource of a kind and name stays the one found by name. */
static void index_name(ld_aws_set *s, ld_aws_resource *r)
{
    if (!r->name)
        return;
    char *key = index_key(r->kind, r->name);
    bool created = false;
    void **slot = ld_strmap_put(&s->by_name, key, &created);
    free(key);
    if (created)
        *slot = r;
}

/* Adds an item, or notes it when a resource of its kind and id is in
 * the set already (the same ARN in two exports: the first kept). */
static void add_item(ld_aws_set *s, const char *source, ld_aws_pending_item *it)
{
    if (!dedupable(it)) {
        index_name(s, append(s, source, it));
        return;
    }
    char *key = index_key(it->kind, it->id);
    bool created = false;
    void **slot = ld_strmap_put(&s->by_id, key, &created);
    free(key);
    if (!created) {
        const ld_aws_resource *first = *slot;
        ld_aws_set_add_note(s, "%s: %s %s read again (first from %s); the first kept",
                            it->source ? it->source : source, ld_aws_kind_title(it->kind), it->id,
                            first->source);
        return;
    }
    ld_aws_resource *r = append(s, source, it);
    *slot = r; /* append does not insert into by_id: the slot is still valid */
    index_name(s, r);
}

int ld_aws_set_commit(ld_aws_set *s, const char *source, ld_aws_pending *p, ld_error *err)
{
    if (p->n > LD_AWS_RESOURCES_MAX || s->total > LD_AWS_RESOURCES_MAX - p->n)
        return ld_error_set(err, LD_ERR_LIMIT,
                            "%s: more than %zu AWS resources in the inputs; not loaded", source,
                            LD_AWS_RESOURCES_MAX);
    size_t before = s->total;
    for (size_t i = 0; i < p->n; i++)
        add_item(s, source, &p->v[i]);
    for (size_t i = 0; i < p->notes.n; i++)
        ld_aws_set_add_note(s, "%s", p->notes.v[i]);
    return (int)(s->total - before);
}

void ld_aws_set_keep(ld_aws_set *s, json_t *doc)
{
    ld_xgrow(&s->docs, &s->docs_cap, s->n_docs + 1, sizeof(*s->docs));
    s->docs[s->n_docs++] = doc;
}

void ld_aws_set_count_file(ld_aws_set *s)
{
    s->files++;
}

/* Records an input as given and remakes the label now, so reading the set
 * never writes to it. */
void ld_aws_set_record_input(ld_aws_set *s, const char *name)
{
    if (ld_strlist_contains(&s->inputs, name))
        return;
    ld_strlist_push(&s->inputs, name);
    free(s->inputs_label);
    s->inputs_label = ld_strlist_join_max(&s->inputs, ", ", INPUTS_LABEL_MAX);
}

/* Reads one parsed document into the set (doc borrowed; kept on
 * success). */
static int add_document(ld_aws_set *s, const char *source, json_t *doc, ld_error *err)
{
    ld_aws_pending p = {0};
    int rc = ld_aws_shapes_read(source, doc, &p, err);
    if (rc == 0)
        rc = ld_aws_set_commit(s, source, &p, err);
    ld_aws_pending_clear(&p);
    if (rc < 0)
        return rc;
    ld_aws_set_keep(s, json_incref(doc));
    s->files++;
    return rc;
}

int ld_aws_set_add_json(ld_aws_set *s, const char *source, json_t *doc, ld_error *err)
{
    source = source ? source : "<api>";
    ld_aws_set_record_input(s, source);
    if (!doc)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: no document", source);
    return add_document(s, source, doc, err);
}

int ld_aws_set_add_buffer(ld_aws_set *s, const char *source, const char *buf, size_t len,
                          ld_error *err)
{
    source = source ? source : "<input>";
    ld_aws_set_record_input(s, source);
    return ld_aws_set_read_buffer(s, source, buf, len, err);
}

int ld_aws_set_read_buffer(ld_aws_set *s, const char *source, const char *buf, size_t len,
                           ld_error *err)
{
    if (len > LD_AWS_INPUT_MAX)
        return ld_error_set(err, LD_ERR_LIMIT,
                            "%s: %zu bytes, over the limit of %zu for one AWS CLI output; not "
                            "loaded",
                            source, len, LD_AWS_INPUT_MAX);
    if (ld_aws_is_cli_error(buf, len)) {
        ld_aws_pending p = {0};
        int rc = ld_aws_cli_error_read(source, buf, len, &p, err);
        if (rc == 0)
            rc = ld_aws_set_commit(s, source, &p, err);
        ld_aws_pending_clear(&p);
        if (rc >= 0)
            s->files++;
        return rc;
    }
    if (len && memchr(buf, '\0', len))
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "%s: contains a NUL byte; not the JSON text the AWS CLI prints",
                            source);
    static const ld_json_limits lim = {LD_AWS_JSON_MAX_VALUES, LD_AWS_JSON_MAX_CONTAINERS,
                                       LD_AWS_JSON_MAX_DEPTH};
    json_t *doc = ld_json_load_bounded(source, buf, len, JSON_DECODE_ANY, &lim, err);
    if (!doc)
        return err ? err->code : LD_ERR_CORRUPT;
    int rc = add_document(s, source, doc, err);
    json_decref(doc);
    return rc;
}

void ld_aws_set_add_absent(ld_aws_set *s, ld_aws_kind kind, const char *source,
                           const char *registry_id, const char *name)
{
    if ((unsigned)kind >= LD_AWS_KIND_COUNT)
        return;
    ld_aws_pending p = {0};
    char *id = kind == LD_AWS_ECR_LIFECYCLE || kind == LD_AWS_ECR_REPO_POLICY
                   ? ld_aws_ecr_repo_id(registry_id, name ? name : "(unnamed)")
                   : ld_xasprintf("%s/%s", ld_aws_kind_name(kind), name ? name : "(unnamed)");
    ld_aws_pending_push(&p, kind, NULL, id, ld_xstrdup(name), ld_xstrdup(registry_id), NULL);
    ld_error err = LD_ERROR_INIT;
    source = source ? source : "<api>";
    if (ld_aws_set_commit(s, source, &p, &err) < 0)
        ld_aws_set_add_unread(s, err.msg);
    ld_aws_pending_clear(&p);
}

void ld_aws_set_add_unread(ld_aws_set *s, const char *what_and_why)
{
    ld_aws_set_add_unread_service(s, "", what_and_why);
}

void ld_aws_set_add_unread_service(ld_aws_set *s, const char *service, const char *what_and_why)
{
    ld_strlist_push(&s->unread, what_and_why);
    ld_strlist_push(&s->unread_service, service ? service : "");
}

size_t ld_aws_set_unread_for(const ld_aws_set *s, const char *service, const char **first)
{
    size_t n = 0;
    if (first)
        *first = NULL;
    for (size_t i = 0; i < s->unread.n; i++) {
        const char *tag = s->unread_service.v[i];
        bool bears = !*tag || strcmp(tag, service) == 0 ||
                     (strcmp(tag, "ec2") == 0 && strcmp(service, "eks") == 0);
        if (!bears)
            continue;
        if (first && !*first)
            *first = s->unread.v[i];
        n++;
    }
    return n;
}

void ld_aws_set_add_note(ld_aws_set *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ld_strlist_push_owned(&s->notes, ld_xvasprintf(fmt, ap));
    va_end(ap);
}

/* ---- reading ---- */

size_t ld_aws_set_count(const ld_aws_set *s, ld_aws_kind kind)
{
    return s && (unsigned)kind < LD_AWS_KIND_COUNT ? s->kinds[kind].n : 0;
}

const ld_aws_resource *ld_aws_set_get(const ld_aws_set *s, ld_aws_kind kind, size_t i)
{
    if (!s || (unsigned)kind >= LD_AWS_KIND_COUNT || i >= s->kinds[kind].n)
        return NULL;
    return s->kinds[kind].v[i];
}

size_t ld_aws_set_total(const ld_aws_set *s)
{
    return s ? s->total : 0;
}

static bool registry_matches(const ld_aws_resource *r, const char *registry_id)
{
    return !registry_id || !r->registry_id || strcmp(r->registry_id, registry_id) == 0;
}

const ld_aws_resource *ld_aws_set_find(const ld_aws_set *s, ld_aws_kind kind,
                                       const char *registry_id, const char *name)
{
    if (!s || !name || (unsigned)kind >= LD_AWS_KIND_COUNT)
        return NULL;
    char *key = index_key(kind, name);
    const ld_aws_resource *r = ld_strmap_get(&s->by_id, key);
    if (!r)
        r = ld_strmap_get(&s->by_name, key);
    free(key);
    if (r && registry_matches(r, registry_id))
        return r;
    /* several registries hold a repository of that name: the index keeps
     * the first; look through the kind for the registry asked */
    const kind_list *l = &s->kinds[kind];
    for (size_t i = 0; i < l->n; i++) {
        r = l->v[i];
        if (((r->name && strcmp(r->name, name) == 0) || strcmp(r->id, name) == 0) &&
            registry_matches(r, registry_id))
            return r;
    }
    return NULL;
}

/* VersionNumber of a launch template version, or -1. */
static long long lt_version(const ld_aws_resource *r)
{
    json_t *v = json_object_get(r->obj, "VersionNumber");
    return json_is_integer(v) ? json_integer_value(v) : -1;
}

static bool lt_matches(const ld_aws_resource *r, const char *id, const char *name)
{
    const char *rid = json_string_value(json_object_get(r->obj, "LaunchTemplateId"));
    const char *rname = json_string_value(json_object_get(r->obj, "LaunchTemplateName"));
    if (id && id[0])
        return rid && strcmp(rid, id) == 0;
    return name && rname && strcmp(rname, name) == 0;
}

/* A version as the EKS API takes it: "$Default", "$Latest" or a decimal
 * number; NULL and "" mean the default version. -2 default, -3 latest,
 * -1 not a version. */
static long long wanted_version(const char *version)
{
    if (!version || !version[0] || strcmp(version, "$Default") == 0)
        return -2;
    if (strcmp(version, "$Latest") == 0)
        return -3;
    long long v = 0;
    for (const char *p = version; *p; p++) {
        if (*p < '0' || *p > '9' || __builtin_mul_overflow(v, 10, &v) ||
            __builtin_add_overflow(v, *p - '0', &v))
            return -1;
    }
    return v;
}

const ld_aws_resource *ld_aws_set_launch_template(const ld_aws_set *s, const char *id,
                                                  const char *name, const char *version)
{
    if (!s || ((!id || !id[0]) && (!name || !name[0])))
        return NULL;
    long long want = wanted_version(version);
    if (want == -1)
        return NULL;
    const kind_list *l = &s->kinds[LD_AWS_LAUNCH_TEMPLATE];
    const ld_aws_resource *best = NULL;
    for (size_t i = 0; i < l->n; i++) {
        const ld_aws_resource *r = l->v[i];
        if (!r->obj || !lt_matches(r, id, name))
            continue;
        if (want == -2) {
            if (json_is_true(json_object_get(r->obj, "DefaultVersion")))
                return r;
        } else if (want == -3) {
            if (!best || lt_version(r) > lt_version(best))
                best = r;
        } else if (lt_version(r) == want) {
            return r;
        }
    }
    return best;
}

const ld_strlist *ld_aws_set_unread(const ld_aws_set *s)
{
    return &s->unread;
}

const ld_strlist *ld_aws_set_notes(const ld_aws_set *s)
{
    return &s->notes;
}

const char *ld_aws_set_inputs(const ld_aws_set *s)
{
    return s->inputs_label ? s->inputs_label : "(no input)";
}

size_t ld_aws_set_files(const ld_aws_set *s)
{
    return s ? s->files : 0;
}
