/* `lockdown k8s who-can VERB RESOURCE` and `lockdown k8s access SUBJECT`:
 * the effective RBAC permissions of a set of manifests, as the RBAC
 * authorizer would decide them (src/k8s/rbac_model.h), printed as a table
 * or JSON in a fixed order. Only wiring and printing: the model and its
 * answers live in src/k8s. Both exit 0 when they could answer, whatever
 * the answer; what they could not see (files not read, roles the inputs do
 * not hold) is said in the output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_k8s.h"
#include "k8s/manifest.h"
#include "k8s/rbac_model.h"
#include "util/json_out.h"
#include "util/mem.h"
#include "util/term_text.h"

enum { OPT_NAMESPACE = 0x4100, OPT_SUBRESOURCE, OPT_NAME, OPT_GROUP };

typedef struct {
    const char *cmd;
    const char *ns;          /* -n / --namespace */
    const char *subresource; /* --subresource */
    const char *name;        /* --name */
    ld_strlist groups;       /* --group (access) */
} rbac_args;

static const struct option who_can_opts[] = {
    {"namespace", required_argument, NULL, OPT_NAMESPACE},
    {"subresource", required_argument, NULL, OPT_SUBRESOURCE},
    {"name", required_argument, NULL, OPT_NAME},
    {NULL, 0, NULL, 0},
};

static const struct option access_opts[] = {
    {"namespace", required_argument, NULL, OPT_NAMESPACE},
    {"group", required_argument, NULL, OPT_GROUP},
    {NULL, 0, NULL, 0},
};

static int on_opt(int opt, const char *arg, void *ctx)
{
    rbac_args *a = ctx;
    switch (opt) {
    case 'n':
    case OPT_NAMESPACE:
        if (!arg[0]) {
            cli_usage_error(a->cmd, "--namespace needs a namespace name");
            return -1;
        }
        a->ns = arg;
        return 0;
    case OPT_SUBRESOURCE: a->subresource = arg; return 0;
    case OPT_NAME: a->name = arg; return 0;
    case OPT_GROUP: ld_strlist_push(&a->groups, arg); return 0;
    default: return 1;
    }
}

static const char inputs_help[] =
    "PATH: manifest files or directories (every .yaml, .yml and .json file under them), or -\n"
    "for standard input ('kubectl get roles,clusterroles,rolebindings,clusterrolebindings\n"
    "-A -o yaml' output works as is). Roles the inputs do not hold are looked up among the\n"
    "Kubernetes default roles (cluster-admin, admin, edit, view); any other missing role is\n"
    "named in the output, since what it grants is unknown.\n";

static void usage_who_can(void)
{
    printf("Usage: lockdown k8s who-can VERB RESOURCE [-n NS] [--subresource S] [--name N]\n"
           "                              [-f table|json] [-o FILE] PATH...\n"
           "       lockdown k8s who-can VERB /NON/RESOURCE/URL [-f table|json] PATH...\n"
           "\n"
           "Lists every subject that may do VERB on RESOURCE, and through which binding, role\n"
           "and rule, from the Roles, ClusterRoles (aggregation included), RoleBindings and\n"
           "ClusterRoleBindings of the inputs, as the Kubernetes RBAC authorizer decides.\n"
           "\n"
           "RESOURCE is plural, optionally with its API group and a subresource:\n"
           "  pods, secrets, deployments.apps, pods/exec, certificatesigningrequests/approval\n"
           "A bare name of a built-in resource takes its group (deployments -> apps); another\n"
           "bare name is taken as the core group: write RESOURCE.GROUP for custom resources.\n"
           "A RESOURCE starting with / is a non-resource URL (/healthz, /metrics).\n"
           "\n"
           "  -n, --namespace NS    only what applies in namespace NS (ClusterRoleBindings and\n"
           "                        NS's RoleBindings); default: every namespace\n"
           "      --subresource S   the subresource (same as RESOURCE/S)\n"
           "      --name N          one object: rules limited by resourceNames then count only\n"
           "                        when they name it; without it they are listed as limited\n"
           "  -f, --format          table (default) or json\n"
           "  -o, --output FILE     write to FILE\n"
           "\n"
           "%s"
           "\n"
           "Rows are ordered: cluster-wide first, then by namespace, subject kind (User, Group,\n"
           "ServiceAccount) and name, binding, role and rule. RoleBindings never grant\n"
           "cluster-scoped resources (nodes, persistentvolumes, ...) or non-resource URLs.\n"
           "\n"
           "Exit codes: 0 answered (even when nobody may), 2 usage error, 3 an input named on\n"
           "the command line could not be read.\n",
           inputs_help);
}

static void usage_access(void)
{
    printf("Usage: lockdown k8s access SUBJECT [-n NS] [--group G]... [-f table|json]\n"
           "                              [-o FILE] PATH...\n"
           "\n"
           "Lists everything SUBJECT may do, rule by rule, with the binding and role that\n"
           "grant it, from the RBAC objects of the inputs (like 'kubectl auth can-i --list\n"
           "--as', for every namespace at once).\n"
           "\n"
           "SUBJECT:\n"
           "  user:NAME                     a user; also in system:authenticated (the user\n"
           "                                system:anonymous is in system:unauthenticated)\n"
           "  group:NAME                    what bindings to that group grant, nothing else\n"
           "  serviceaccount:NS:NAME        a service account (also sa:NS:NAME, or the user\n"
           "                                name system:serviceaccount:NS:NAME); also in\n"
           "                                system:serviceaccounts, system:serviceaccounts:NS\n"
           "                                and system:authenticated\n"
           "\n"
           "  -n, --namespace NS    only what applies in namespace NS\n"
           "      --group G         the user or service account is also in group G\n"
           "                        (repeatable, like kubectl --as-group)\n"
           "  -f, --format          table (default) or json\n"
           "  -o, --output FILE     write to FILE\n"
           "\n"
           "%s"
           "\n"
           "Rows are ordered: cluster-wide first, then by namespace, binding, role and rule.\n"
           "\n"
           "Exit codes: 0 answered (even when the subject may do nothing), 2 usage error, 3 an\n"
           "input named on the command line could not be read.\n",
           inputs_help);
}

/* ---- inputs ---- */

/* Loads every PATH; a path named on the command line that cannot be read
 * is fatal, a file under a directory that cannot be read is reported. */
static int load_paths(ld_k8s_set *set, char **paths, int n, ld_error *err)
{
    for (int i = 0; i < n; i++)
        if (ld_k8s_load_named(set, paths[i], err) < 0)
            return -1;
    return 0;
}

/* ---- table ---- */

#define TABLE_COLS 6

typedef struct {
    char **cells; /* rows * TABLE_COLS, terminal-safe */
    size_t rows, cap;
    size_t width[TABLE_COLS];
    size_t cols;
} table;

static void table_row(table *t, const char *const *cells)
{
    ld_xgrow(&t->cells, &t->cap, (t->rows + 1) * TABLE_COLS, sizeof(*t->cells));
    for (size_t c = 0; c < t->cols; c++) {
        char *clean = ld_term_clean(cells[c] ? cells[c] : "");
        size_t w = ld_term_width(clean);
        if (w > t->width[c])
            t->width[c] = w;
        t->cells[t->rows * TABLE_COLS + c] = clean;
    }
    t->rows++;
}

static void table_print(table *t, FILE *f)
{
    for (size_t r = 0; r < t->rows; r++) {
        for (size_t c = 0; c < t->cols; c++) {
            const char *cell = t->cells[r * TABLE_COLS + c];
            fputs(cell, f);
            if (c + 1 < t->cols)
                for (size_t pad = ld_term_width(cell); pad < t->width[c] + 2; pad++)
                    fputc(' ', f);
        }
        fputc('\n', f);
    }
}

static void table_free(table *t)
{
    for (size_t i = 0; i < t->rows * TABLE_COLS; i++)
        if (i % TABLE_COLS < t->cols)
            free(t->cells[i]);
    free(t->cells);
}

static char *join_strs(const ld_rbac_strs *l, const char *sep)
{
    ld_strlist parts = {0};
    for (size_t i = 0; i < l->n; i++)
        ld_strlist_push(&parts, l->v[i][0] ? l->v[i] : "\"\"");
    char *out = ld_strlist_join(&parts, sep);
    ld_strlist_clear(&parts);
    return out;
}

/* "Role/ns/x rules[2]" plus " (a.yaml:7)" or " (Kubernetes default)". */
static char *rule_ref(const ld_rbac_rule *r)
{
    char *id = ld_rbac_role_id(r->role);
    char *out = r->role->builtin ? ld_xasprintf("%s rules[%zu] (Kubernetes default)", id, r->index)
                                 : ld_xasprintf("%s rules[%zu] (%s:%d)", id, r->index,
                                                r->role->obj->file, r->node->line);
    free(id);
    return out;
}

static char *binding_ref(const ld_rbac_binding *b)
{
    char *id = ld_rbac_binding_id(b);
    char *out = ld_xasprintf("%s (%s:%d)", id, b->obj->file, b->obj->line);
    free(id);
    return out;
}

/* What the reader must know after the rows: roles missing or taken from
 * the defaults, rows left out, files not read. */
static void table_notes(FILE *f, const ld_rbac_model *m, const ld_rbac_grants *g,
                        const ld_k8s_set *set, const char *what)
{
    fprintf(f, "\n%zu %s.\n", g->n, what);
    if (g->dropped)
        fprintf(f, "%zu more not shown (limit %d).\n", g->dropped, LD_RBAC_MAX_GRANTS);
    if (g->unresolved.n) {
        if (g->unresolved.n == 1)
            fputs("Incomplete: 1 binding refers to a role the inputs do not hold; what it "
                  "grants is unknown:\n",
                  f);
        else
            fprintf(f,
                    "Incomplete: %zu bindings refer to roles the inputs do not hold; what "
                    "they grant is unknown:\n",
                    g->unresolved.n);
        for (size_t i = 0; i < g->unresolved.n; i++) {
            fputs("  ", f);
            ld_term_put(f, g->unresolved.v[i]);
            fputc('\n', f);
        }
    }
    const ld_strlist *builtin = ld_rbac_model_builtin_used(m);
    if (builtin->n) {
        char *names = ld_strlist_join(builtin, ", ");
        fputs("Kubernetes default definition used for: ", f);
        ld_term_put(f, names);
        fputs(" (not in the inputs).\n", f);
        free(names);
    }
    const ld_strlist *notes = ld_rbac_model_notes(m);
    for (size_t i = 0; i < notes->n; i++) {
        ld_term_put(f, notes->v[i]);
        fputc('\n', f);
    }
    const ld_strlist *unread = ld_k8s_set_unread(set);
    for (size_t i = 0; i < unread->n; i++) {
        fputs("Not read: ", f);
        ld_term_put(f, unread->v[i]);
        fputc('\n', f);
    }
}

/* ---- JSON ---- */

static void json_strs(ld_json *j, const char *key, const ld_rbac_strs *l)
{
    ld_json_key(j, key);
    ld_json_array_begin(j);
    for (size_t i = 0; i < l->n; i++)
        ld_json_string(j, l->v[i]);
    ld_json_array_end(j);
}

static void json_list(ld_json *j, const char *key, const ld_strlist *l)
{
    ld_json_key(j, key);
    ld_json_array_begin(j);
    for (size_t i = 0; i < l->n; i++)
        ld_json_string(j, l->v[i]);
    ld_json_array_end(j);
}

static void json_grant(ld_json *j, const ld_rbac_grant *g)
{
    const ld_rbac_binding *b = g->binding;
    const ld_rbac_rule *r = g->rule;
    ld_json_object_begin(j);
    if (g->subject) {
        ld_json_key(j, "subject");
        ld_json_object_begin(j);
        ld_json_kv_string(j, "kind", g->subject->kind_name);
        ld_json_kv_string(j, "name", g->subject->name);
        if (g->subject->kind == LD_RBAC_SERVICE_ACCOUNT)
            ld_json_kv_string(j, "namespace", g->subject->namespace_); /* null: matches nobody */
        ld_json_object_end(j);
    }
    ld_json_kv_string(j, "namespace", g->namespace_); /* null: cluster-wide */
    ld_json_key(j, "binding");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "kind", b->cluster ? "ClusterRoleBinding" : "RoleBinding");
    ld_json_kv_string(j, "name", b->name);
    ld_json_kv_string_opt(j, "namespace", b->namespace_);
    ld_json_kv_string(j, "file", b->obj->file);
    ld_json_kv_int(j, "line", b->obj->line);
    ld_json_object_end(j);
    ld_json_key(j, "role");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "kind", b->role->cluster ? "ClusterRole" : "Role");
    ld_json_kv_string(j, "name", b->role->name);
    ld_json_kv_string_opt(j, "namespace", b->role->namespace_);
    ld_json_kv_bool(j, "builtin", b->role->builtin);
    ld_json_object_end(j);
    ld_json_key(j, "rule");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "role", r->role->name); /* the source role when aggregated */
    ld_json_kv_string(j, "roleKind", r->role->cluster ? "ClusterRole" : "Role");
    ld_json_kv_int(j, "index", (int64_t)r->index);
    if (!r->role->builtin) {
        ld_json_kv_string(j, "file", r->role->obj->file);
        ld_json_kv_int(j, "line", r->node->line);
    }
    json_strs(j, "apiGroups", &r->api_groups);
    json_strs(j, "resources", &r->resources);
    json_strs(j, "verbs", &r->verbs);
    json_strs(j, "resourceNames", &r->resource_names);
    json_strs(j, "nonResourceURLs", &r->non_resource_urls);
    ld_json_object_end(j);
    ld_json_kv_bool(j, "limitedToNames", g->limited);
    ld_json_object_end(j);
}

static void json_tail(ld_json *j, const ld_rbac_model *m, const ld_rbac_grants *g,
                      const ld_k8s_set *set)
{
    ld_json_kv_int(j, "dropped", (int64_t)g->dropped);
    json_list(j, "unresolved", &g->unresolved);
    json_list(j, "builtinRoles", ld_rbac_model_builtin_used(m));
    json_list(j, "notes", ld_rbac_model_notes(m));
    json_list(j, "unread", ld_k8s_set_unread(set));
}

/* ---- shared setup ---- */

typedef struct {
    cli_session s;
    bool session_open;
    bool json;
    ld_k8s_set *set;
    ld_rbac_model *m;
} rbac_run;

/* Parses, opens the output, loads PATHs from argv[first..] and builds the
 * model. Returns 0, or an exit code (after printing). */
static int run_open(rbac_run *run, const char *cmd, cli_common *common, int argc, char **argv,
                    int first)
{
    memset(run, 0, sizeof(*run));
    run->json = common->format && strcmp(common->format, "json") == 0;
    if (common->format && !run->json && strcmp(common->format, "table") != 0)
        return cli_usage_error(cmd, "--format must be table or json");
    if (first >= argc)
        return cli_usage_error(cmd, "missing PATH (manifest files or directories, or - for stdin)");
    int stdin_uses = 0;
    for (int i = first; i < argc; i++)
        stdin_uses += strcmp(argv[i], "-") == 0;
    if (stdin_uses > 1)
        return cli_usage_error(cmd, "'-' (standard input) given more than once");
    int rc = cli_session_open(&run->s, cmd, common);
    run->session_open = true;
    if (rc)
        return rc;
    ld_error err = LD_ERROR_INIT;
    run->set = ld_k8s_set_new(NULL);
    if (load_paths(run->set, argv + first, argc - first, &err) < 0)
        return cli_error_exit(&err);
    const ld_strlist *unread = ld_k8s_set_unread(run->set);
    if (unread->n)
        cli_warn(common, "%zu file%s could not be read (first: %s): the answer may be incomplete",
                 unread->n, unread->n == 1 ? "" : "s", unread->v[0]);
    run->m = ld_rbac_model_build(run->set, &err);
    if (!run->m)
        return cli_error_exit(&err);
    return 0;
}

static int run_close(rbac_run *run, int rc)
{
    if (rc == 0 && run->session_open)
        rc = cli_session_commit(&run->s);
    ld_rbac_model_free(run->m);
    ld_k8s_set_free(run->set);
    if (run->session_open)
        cli_session_close(&run->s);
    return rc;
}

/* ---- who-can ---- */

/* RESOURCE[.GROUP][/SUB] into q (pointers into the owned copy *buf). */
static int parse_resource(const char *cmd, const char *spec, const char *subresource,
                          ld_rbac_request *q, char **buf)
{
    if (!spec[0])
        return cli_usage_error(cmd, "RESOURCE is empty");
    if (spec[0] == '/') {
        if (subresource)
            return cli_usage_error(cmd, "--subresource does not apply to a non-resource URL");
        q->non_resource_url = spec;
        return 0;
    }
    *buf = ld_xstrdup(spec);
    char *res = *buf;
    char *slash = strchr(res, '/');
    if (slash) {
        *slash = '\0';
        if (subresource)
            return cli_usage_error(cmd, "give the subresource once: \"%s\" or --subresource", spec);
        if (!slash[1] || strchr(slash + 1, '/'))
            return cli_usage_error(cmd, "\"%s\" is not RESOURCE/SUBRESOURCE", spec);
        q->subresource = slash + 1;
    } else {
        q->subresource = subresource;
    }
    char *dot = strchr(res, '.');
    if (dot) {
        *dot = '\0';
        q->api_group = dot + 1;
    } else {
        const char *g = ld_rbac_resource_group(res);
        q->api_group = g ? g : "";
    }
    if (!res[0])
        return cli_usage_error(cmd, "\"%s\" names no resource", spec);
    q->resource = res;
    return 0;
}

/* "get secrets" / "create pods/exec (apiGroup apps)" for titles. Caller frees. */
static char *request_text(const ld_rbac_request *q)
{
    if (q->non_resource_url)
        return ld_xasprintf("%s %s", q->verb, q->non_resource_url);
    return ld_xasprintf("%s %s%s%s (apiGroup \"%s\")%s%s", q->verb, q->resource,
                        q->subresource && q->subresource[0] ? "/" : "",
                        q->subresource ? q->subresource : "", q->api_group,
                        q->name ? " named " : "", q->name ? q->name : "");
}

int cmd_k8s_who_can(int argc, char **argv)
{
    const char *cmd = "k8s who-can";
    cli_common common = {0};
    rbac_args a = {.cmd = cmd};
    int first = 0;
    int rc = cli_parse(cmd, argc, argv, who_can_opts, "n:", on_opt, &a, &common, &first);
    if (rc)
        return rc;
    if (common.help) {
        usage_who_can();
        return LD_EXIT_OK;
    }
    if (argc - first < 2)
        return cli_usage_error(cmd, "missing VERB and RESOURCE (e.g. 'who-can get secrets PATH')");
    ld_rbac_request q = {.verb = argv[first], .name = a.name};
    char *buf = NULL;
    if (!q.verb[0]) {
        free(buf);
        return cli_usage_error(cmd, "VERB is empty");
    }
    rc = parse_resource(cmd, argv[first + 1], a.subresource, &q, &buf);
    if (rc) {
        free(buf);
        return rc;
    }
    if (q.non_resource_url && a.ns) {
        free(buf);
        return cli_usage_error(cmd, "a non-resource URL has no namespace: drop -n");
    }
    rbac_run run;
    rc = run_open(&run, cmd, &common, argc, argv, first + 2);
    if (rc) {
        free(buf);
        return run_close(&run, rc);
    }
    ld_error err = LD_ERROR_INIT;
    ld_rbac_grants g = {0};
    if (ld_rbac_who_can(run.m, &q, a.ns, &g, &err) < 0) {
        rc = cli_error_exit(&err);
        goto out;
    }
    bool cluster_only = q.non_resource_url || ld_rbac_cluster_scoped(q.api_group, q.resource);
    FILE *f = run.s.out;
    if (run.json) {
        ld_json j;
        ld_json_init(&j, f, true);
        ld_json_object_begin(&j);
        ld_json_key(&j, "request");
        ld_json_object_begin(&j);
        ld_json_kv_string(&j, "verb", q.verb);
        if (q.non_resource_url) {
            ld_json_kv_string(&j, "nonResourceURL", q.non_resource_url);
        } else {
            ld_json_kv_string(&j, "apiGroup", q.api_group);
            ld_json_kv_string(&j, "resource", q.resource);
            ld_json_kv_string(&j, "subresource",
                              q.subresource && q.subresource[0] ? q.subresource : NULL);
            ld_json_kv_string(&j, "name", q.name);
            ld_json_kv_bool(&j, "clusterScoped", cluster_only);
        }
        ld_json_kv_string(&j, "namespace", a.ns);
        ld_json_object_end(&j);
        ld_json_key(&j, "grants");
        ld_json_array_begin(&j);
        for (size_t i = 0; i < g.n; i++)
            json_grant(&j, &g.v[i]);
        ld_json_array_end(&j);
        json_tail(&j, run.m, &g, run.set);
        ld_json_object_end(&j);
        fputc('\n', f);
    } else {
        char *title = request_text(&q);
        fputs("Who can ", f);
        ld_term_put(f, title);
        if (a.ns) {
            fputs(" in namespace ", f);
            ld_term_put(f, a.ns);
        } else {
            fputs(cluster_only ? " (cluster-scoped: ClusterRoleBindings only)"
                               : " in any namespace",
                  f);
        }
        fputs(":\n\n", f);
        free(title);
        table t = {.cols = 5};
        const char *head[] = {"SUBJECT", "NAMESPACE", "BINDING", "RULE", "NAMES"};
        table_row(&t, head);
        for (size_t i = 0; i < g.n; i++) {
            const ld_rbac_grant *gr = &g.v[i];
            char *subj = ld_rbac_subject_text(gr->subject);
            char *bind = binding_ref(gr->binding);
            char *rule = rule_ref(gr->rule);
            char *names = gr->rule->resource_names.n ? join_strs(&gr->rule->resource_names, ",")
                                                     : ld_xstrdup("*");
            char *names_cell = gr->limited ? ld_xasprintf("only %s", names) : ld_xstrdup(names);
            const char *cells[] = {subj, gr->namespace_ ? gr->namespace_ : "(all)", bind, rule,
                                   names_cell};
            table_row(&t, cells);
            free(subj);
            free(bind);
            free(rule);
            free(names);
            free(names_cell);
        }
        table_print(&t, f);
        table_free(&t);
        table_notes(f, run.m, &g, run.set, g.n == 1 ? "grant" : "grants");
    }
out:
    ld_rbac_grants_clear(&g);
    free(buf);
    return run_close(&run, rc);
}

/* ---- access ---- */

int cmd_k8s_access(int argc, char **argv)
{
    const char *cmd = "k8s access";
    cli_common common = {0};
    rbac_args a = {.cmd = cmd};
    int first = 0;
    int rc = cli_parse(cmd, argc, argv, access_opts, "n:", on_opt, &a, &common, &first);
    if (rc) {
        ld_strlist_clear(&a.groups);
        return rc;
    }
    if (common.help) {
        usage_access();
        ld_strlist_clear(&a.groups);
        return LD_EXIT_OK;
    }
    if (first >= argc) {
        ld_strlist_clear(&a.groups);
        return cli_usage_error(cmd, "missing SUBJECT (user:NAME, group:NAME or "
                                    "serviceaccount:NAMESPACE:NAME)");
    }
    ld_error err = LD_ERROR_INIT;
    ld_rbac_identity id;
    if (ld_rbac_identity_parse(argv[first], &a.groups, &id, &err) < 0) {
        ld_strlist_clear(&a.groups);
        return cli_usage_error(cmd, "%s", err.msg);
    }
    if (id.user == NULL && a.groups.n)
        cli_warn(&common, "--group does not apply to a group subject: ignored");
    rbac_run run;
    rc = run_open(&run, cmd, &common, argc, argv, first + 1);
    if (rc)
        goto out_early;
    ld_rbac_grants g = {0};
    if (ld_rbac_access(run.m, &id, a.ns, &g, &err) < 0) {
        rc = cli_error_exit(&err);
        ld_rbac_grants_clear(&g);
        goto out_early;
    }
    FILE *f = run.s.out;
    if (run.json) {
        ld_json j;
        ld_json_init(&j, f, true);
        ld_json_object_begin(&j);
        ld_json_key(&j, "subject");
        ld_json_object_begin(&j);
        ld_json_kv_string(&j, "kind", id.kind);
        ld_json_kv_string(&j, "user", id.user);
        json_list(&j, "groups", &id.groups);
        ld_json_object_end(&j);
        ld_json_kv_string(&j, "namespace", a.ns);
        ld_json_key(&j, "grants");
        ld_json_array_begin(&j);
        for (size_t i = 0; i < g.n; i++)
            json_grant(&j, &g.v[i]);
        ld_json_array_end(&j);
        json_tail(&j, run.m, &g, run.set);
        ld_json_object_end(&j);
        fputc('\n', f);
    } else {
        fputs("Access of ", f);
        ld_term_put(f, id.display);
        if (id.user && id.groups.n) {
            char *groups = ld_strlist_join(&id.groups, ", ");
            fputs(" (groups: ", f);
            ld_term_put(f, groups);
            fputc(')', f);
            free(groups);
        }
        if (a.ns) {
            fputs(" in namespace ", f);
            ld_term_put(f, a.ns);
        }
        fputs(":\n\n", f);
        table t = {.cols = 6};
        const char *head[] = {"NAMESPACE", "APIGROUPS", "RESOURCES", "VERBS", "NAMES", "VIA"};
        table_row(&t, head);
        for (size_t i = 0; i < g.n; i++) {
            const ld_rbac_grant *gr = &g.v[i];
            const ld_rbac_rule *r = gr->rule;
            bool urls = r->resources.n == 0;
            char *groups = urls ? ld_xstrdup("-") : join_strs(&r->api_groups, ",");
            char *res =
                urls ? join_strs(&r->non_resource_urls, ",") : join_strs(&r->resources, ",");
            char *verbs = join_strs(&r->verbs, ",");
            char *names =
                r->resource_names.n ? join_strs(&r->resource_names, ",") : ld_xstrdup("*");
            char *bind = binding_ref(gr->binding);
            char *rule = rule_ref(r);
            char *via = ld_xasprintf("%s -> %s", bind, rule);
            const char *cells[] = {
                gr->namespace_ ? gr->namespace_ : "(all)", groups, res, verbs, names, via};
            table_row(&t, cells);
            free(groups);
            free(res);
            free(verbs);
            free(names);
            free(bind);
            free(rule);
            free(via);
        }
        table_print(&t, f);
        table_free(&t);
        table_notes(f, run.m, &g, run.set, g.n == 1 ? "rule grants access" : "rules grant access");
    }
    ld_rbac_grants_clear(&g);
out_early:
    ld_rbac_identity_clear(&id);
    ld_strlist_clear(&a.groups);
    return run_close(&run, rc);
}
