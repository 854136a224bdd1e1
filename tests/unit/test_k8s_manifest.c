/* Unit tests for the Kubernetes object set (src/k8s/manifest.c), pod specs
 * (pod.c) and the finding helpers (k8s_finding.c): multi-document
 * manifests, List kinds, kubectl JSON, API list items, typed access as the
 * API server decodes, namespaces and ids, directory walks (hidden entries,
 * symbolic links, FIFOs, unreadable files), limits, and the summary
 * verdict's rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/catalog.h"
#include "core/findings.h"
#include "k8s/k8s_finding.h"
#include "k8s/manifest.h"
#include "k8s/pod.h"
#include "util/mem.h"

static ld_k8s_set *load(const char *text)
{
    ld_k8s_set *s = ld_k8s_set_new(NULL);
    ld_error err = LD_ERROR_INIT;
    if (ld_k8s_load_buffer(s, "m.yaml", text, strlen(text), &err) < 0)
        fail_msg("refused: %s", err.msg);
    return s;
}

static const ld_k8s_object *find(const ld_k8s_set *s, const char *kind, const char *name)
{
    for (size_t i = 0; i < ld_k8s_set_count(s); i++) {
        const ld_k8s_object *o = ld_k8s_set_object(s, i);
        if (strcmp(o->kind, kind) == 0 && strcmp(o->name, name) == 0)
            return o;
    }
    fail_msg("no %s %s", kind, name);
    return NULL;
}

static bool notes_contain(const ld_k8s_set *s, const char *what)
{
    const ld_strlist *l = ld_k8s_set_notes(s);
    for (size_t i = 0; i < l->n; i++)
        if (strstr(l->v[i], what))
            return true;
    return false;
}

static void test_multi_document_and_lists(void **state)
{
    (void)state;
    ld_k8s_set *s = load("# rendered\n"
                         "---\n"
                         "apiVersion: apps/v1\n"
                         "kind: Deployment\n"
                         "metadata:\n  name: web\n  namespace: shop\n"
                         "---\n"
                         "apiVersion: v1\n"
                         "kind: List\n"
                         "items:\n"
                         "- apiVersion: v1\n  kind: Service\n  metadata: {name: web}\n"
                         "- apiVersion: v1\n  kind: ConfigMapList\n  items:\n"
                         "  - metadata: {name: inner, namespace: x}\n"
                         "---\n"
                         "replicas: 3\n"
                         "---\n"
                         "- just a list\n"
                         "---\n");
    assert_int_equal(ld_k8s_set_count(s), 3);
    const ld_k8s_object *d = find(s, "Deployment", "web");
    assert_string_equal(d->api_version, "apps/v1");
    assert_string_equal(d->file, "m.yaml");
    assert_int_equal(d->line, 3);
    assert_string_equal(d->namespace_, "shop");
    const ld_k8s_object *svc = find(s, "Service", "web");
    assert_int_equal(svc->line, 12);
    assert_null(svc->namespace_);
    /* items of a *List without kind take the list's kind and group */
    const ld_k8s_object *cm = find(s, "ConfigMap", "inner");
    assert_string_equal(cm->api_version, "v1");
    assert_int_equal(cm->line, 18);
    assert_true(notes_contain(s, "1 document without kind or apiVersion skipped"));
    assert_true(notes_contain(s, "not a mapping skipped (first at line 22)"));
    assert_int_equal(ld_k8s_set_unread(s)->n, 0);
    ld_k8s_set_free(s);
}

static void test_kubectl_json(void **state)
{
    (void)state;
    ld_k8s_set *s = load("{\n"
                         "    \"apiVersion\": \"v1\",\n"
                         "    \"items\": [\n"
                         "        {\n"
                         "            \"apiVersion\": \"v1\",\n"
                         "            \"kind\": \"Pod\",\n"
                         "            \"metadata\": {\"name\": \"p\", \"namespace\": \"a\"},\n"
                         "            \"spec\": {\"hostNetwork\": true, \"containers\": "
                         "[{\"name\": \"c\", \"image\": \"x\"}]}\n"
                         "        }\n"
                         "    ],\n"
                         "    \"kind\": \"List\",\n"
                         "    \"metadata\": {\"resourceVersion\": \"\"}\n"
                         "}\n");
    assert_int_equal(ld_k8s_set_count(s), 1);
    const ld_k8s_object *p = find(s, "Pod", "p");
    assert_int_equal(p->line, 4);
    bool b = false;
    assert_true(ld_k8s_bool(ld_k8s_at(p->root, "spec.hostNetwork"), &b));
    assert_true(b);
    assert_int_equal(ld_k8s_at(p->root, "spec.hostNetwork")->line, 8);
    ld_k8s_set_free(s);
}

/* Booleans, integers and nulls as sigs.k8s.io/yaml decodes them. */
static void test_typed_access(void **state)
{
    (void)state;
    ld_k8s_set *s = load("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
                         "  a: yes\n  b: Off\n  c: \"true\"\n  d: !!str on\n  e: !!bool TRUE\n"
                         "  f: 1\n  g: 0x10\n  h: 010\n  i: \"5\"\n  j: -3\n  k: 1.5\n"
                         "  n1: ~\n  n2: null\n  n3:\n  n4: \"\"\n  n5: NULL\n  n6: !!null ~\n"
                         "  nest: {x: {y: deep}}\n  nul: {x: null}\n");
    const ld_yaml_node *spec = ld_k8s_at(ld_k8s_set_object(s, 0)->root, "spec");
    bool b = false;
    assert_true(ld_k8s_bool(ld_yaml_get(spec, "a"), &b));
    assert_true(b);
    assert_true(ld_k8s_bool(ld_yaml_get(spec, "b"), &b));
    assert_false(b);
    b = true;
    assert_false(ld_k8s_bool(ld_yaml_get(spec, "c"), &b)); /* a string */
    assert_false(ld_k8s_bool(ld_yaml_get(spec, "d"), &b)); /* tagged a string */
    assert_true(b);                                          /* untouched */
    assert_true(ld_k8s_bool(ld_yaml_get(spec, "e"), &b));
    assert_false(ld_k8s_bool(ld_yaml_get(spec, "f"), &b));
    assert_false(ld_k8s_bool(ld_yaml_get(spec, "n1"), &b));
    assert_false(ld_k8s_bool(NULL, &b));

    long long v = 0;
    assert_true(ld_k8s_int(ld_yaml_get(spec, "f"), &v));
    assert_int_equal(v, 1);
    assert_true(ld_k8s_int(ld_yaml_get(spec, "g"), &v));
    assert_int_equal(v, 16);
    assert_true(ld_k8s_int(ld_yaml_get(spec, "h"), &v));
    assert_int_equal(v, 8);
    assert_false(ld_k8s_int(ld_yaml_get(spec, "i"), &v)); /* quoted */
    assert_true(ld_k8s_int(ld_yaml_get(spec, "j"), &v));
    assert_int_equal(v, -3);
    assert_false(ld_k8s_int(ld_yaml_get(spec, "k"), &v));

    static const char *const nulls[] = {"n1", "n2", "n3", "n5", "n6"};
    for (size_t i = 0; i < 5; i++) {
        assert_true(ld_k8s_is_null(ld_yaml_get(spec, nulls[i])));
        assert_null(ld_k8s_str(ld_yaml_get(spec, nulls[i])));
    }
    assert_false(ld_k8s_is_null(ld_yaml_get(spec, "n4"))); /* "" quoted is a string */
    assert_string_equal(ld_k8s_str(ld_yaml_get(spec, "n4")), "");
    assert_true(ld_k8s_is_null(NULL));
    assert_null(ld_k8s_str(ld_yaml_get(spec, "nest")));
    assert_string_equal(ld_k8s_str(ld_k8s_at(spec, "nest.x.y")), "deep");
    assert_null(ld_k8s_at(spec, "nest.x.y.z"));
    assert_null(ld_k8s_at(spec, "nest.q"));
    assert_null(ld_k8s_at(spec, "nul.x"));
    assert_null(ld_k8s_at(spec, "nul.x.y"));
    ld_k8s_set_free(s);
}

static void test_namespaces_ids_labels(void **state)
{
    (void)state;
    ld_k8s_set *s = load("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
                         "  labels: {app: web, tier: \"1\"}\n"
                         "  annotations: {note: hi}\n"
                         "---\napiVersion: v1\nkind: Pod\nmetadata: {name: q, namespace: prod}\n"
                         "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
                         "metadata: {name: admin, namespace: ignored}\n"
                         "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: prod}\n"
                         "---\napiVersion: batch/v1\nkind: Job\nmetadata: {generateName: j-}\n"
                         "---\napiVersion: v1\nkind: Secret\nmetadata: {}\n");
    const ld_k8s_object *p = find(s, "Pod", "p");
    assert_string_equal(ld_k8s_namespace(p), "default");
    char *id = ld_k8s_object_id(p);
    assert_string_equal(id, "Pod/default/p");
    free(id);
    assert_string_equal(ld_k8s_label(p, "app"), "web");
    assert_string_equal(ld_k8s_label(p, "tier"), "1");
    assert_null(ld_k8s_label(p, "missing"));
    assert_string_equal(ld_k8s_annotation(p, "note"), "hi");
    assert_string_equal(ld_k8s_namespace(find(s, "Pod", "q")), "prod");
    const ld_k8s_object *cr = find(s, "ClusterRole", "admin");
    assert_null(ld_k8s_namespace(cr));
    id = ld_k8s_object_id(cr);
    assert_string_equal(id, "ClusterRole/admin");
    free(id);
    assert_null(ld_k8s_namespace(find(s, "Namespace", "prod")));
    id = ld_k8s_object_id(find(s, "Job", "j-"));
    assert_string_equal(id, "Job/default/j-");
    free(id);
    id = ld_k8s_object_id(ld_k8s_set_object(s, 5));
    assert_string_equal(id, "Secret/default/(unnamed)");
    free(id);
    ld_k8s_set_free(s);
}

static void test_pod_specs_of_every_kind(void **state)
{
    (void)state;
    static const struct {
        const char *api, *kind, *body, *path;
        size_t containers;
    } cases[] = {
        {"v1", "Pod", "spec: {containers: [{name: a}]}", "spec", 1},
        {"apps/v1", "Deployment", "spec: {template: {spec: {containers: [{name: a}]}}}",
         "spec.template.spec", 1},
        {"extensions/v1beta1", "Deployment", "spec: {template: {spec: {containers: [{}]}}}",
         "spec.template.spec", 1},
        {"apps/v1", "ReplicaSet", "spec: {template: {spec: {containers: [{}]}}}",
         "spec.template.spec", 1},
        {"apps/v1", "StatefulSet", "spec: {template: {spec: {containers: [{}]}}}",
         "spec.template.spec", 1},
        {"apps/v1", "DaemonSet", "spec: {template: {spec: {containers: [{}]}}}",
         "spec.template.spec", 1},
        {"batch/v1", "Job", "spec: {template: {spec: {containers: [{}]}}}", "spec.template.spec",
         1},
        {"v1", "ReplicationController", "spec: {template: {spec: {containers: [{}]}}}",
         "spec.template.spec", 1},
        {"batch/v1", "CronJob",
         "spec: {jobTemplate: {spec: {template: {spec: {containers: [{}, {}]}}}}}",
         "spec.jobTemplate.spec.template.spec", 2},
        {"batch/v1beta1", "CronJob",
         "spec: {jobTemplate: {spec: {template: {spec: {containers: [{}]}}}}}",
         "spec.jobTemplate.spec.template.spec", 1},
        {"v1", "PodTemplate", "template: {spec: {containers: [{}]}}", "template.spec", 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *text = ld_xasprintf("apiVersion: %s\nkind: %s\nmetadata: {name: x}\n%s\n",
                                  cases[i].api, cases[i].kind, cases[i].body);
        ld_k8s_set *s = load(text);
        ld_k8s_pod p;
        if (!ld_k8s_pod_of(ld_k8s_set_object(s, 0), &p))
            fail_msg("%s %s: no pod spec", cases[i].api, cases[i].kind);
        assert_string_equal(p.path, cases[i].path);
        assert_int_equal(ld_k8s_pod_container_count(&p), cases[i].containers);
        ld_k8s_set_free(s);
        free(text);
    }
    /* kinds without one, a kind of another group, a template without a spec */
    static const char *const none[] = {
        "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: []}\n",
        "apiVersion: example.com/v1\nkind: Deployment\nmetadata: {name: x}\n"
        "spec: {template: {spec: {containers: [{}]}}}\n",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {template: {}}\n",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: null\n",
    };
    for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
        ld_k8s_set *s = load(none[i]);
        ld_k8s_pod p;
        if (ld_k8s_pod_of(ld_k8s_set_object(s, 0), &p))
            fail_msg("pod spec found in \"%s\"", none[i]);
        ld_k8s_set_free(s);
    }
}

static void test_containers_in_order(void **state)
{
    (void)state;
    ld_k8s_set *s = load("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
                         "  ephemeralContainers: [{name: debug}]\n"
                         "  initContainers: [{name: init}, junk]\n"
                         "  containers:\n  - name: app\n  - 42\n  - name: side\n");
    ld_k8s_pod p;
    assert_true(ld_k8s_pod_of(ld_k8s_set_object(s, 0), &p));
    assert_non_null(p.metadata);
    assert_int_equal(ld_k8s_pod_container_count(&p), 4);
    static const struct {
        const char *name, *field;
        ld_k8s_ctr_kind kind;
        size_t index;
    } want[] = {{"app", "containers", LD_K8S_CONTAINER, 0},
                {"side", "containers", LD_K8S_CONTAINER, 2},
                {"init", "initContainers", LD_K8S_INIT_CONTAINER, 0},
                {"debug", "ephemeralContainers", LD_K8S_EPHEMERAL_CONTAINER, 0}};
    for (size_t i = 0; i < 4; i++) {
        ld_k8s_container c;
        assert_true(ld_k8s_pod_container(&p, i, &c));
        assert_string_equal(c.name, want[i].name);
        assert_string_equal(c.field, want[i].field);
        assert_int_equal(c.kind, want[i].kind);
        assert_int_equal(c.index, want[i].index);
    }
    ld_k8s_container c;
    assert_false(ld_k8s_pod_container(&p, 4, &c));
    ld_k8s_set_free(s);
}

/* Anchors and merge keys as Helm charts and hand-written manifests use them. */
static void test_anchors_in_manifests(void **state)
{
    (void)state;
    ld_k8s_set *s = load("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n"
                         "  template:\n    spec:\n      containers:\n"
                         "      - &c\n        name: a\n"
                         "        securityContext: {privileged: true}\n"
                         "      - <<: *c\n        name: b\n");
    ld_k8s_pod p;
    assert_true(ld_k8s_pod_of(ld_k8s_set_object(s, 0), &p));
    ld_k8s_container c;
    assert_true(ld_k8s_pod_container(&p, 1, &c));
    assert_string_equal(c.name, "b");
    bool b = false;
    assert_true(ld_k8s_bool(ld_k8s_at(c.node, "securityContext.privileged"), &b));
    assert_true(b);
    ld_k8s_set_free(s);
}

static void test_unparsable_buffer(void **state)
{
    (void)state;
    ld_k8s_set *s = ld_k8s_set_new(NULL);
    ld_error err = LD_ERROR_INIT;
    const char *tmpl = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }\n";
    assert_true(ld_k8s_load_buffer(s, "t.yaml", tmpl, strlen(tmpl), &err) < 0);
    assert_non_null(strstr(err.msg, "t.yaml: line"));
    assert_non_null(strstr(err.msg, "helm template"));
    err = (ld_error)LD_ERROR_INIT;
    assert_true(ld_k8s_load_buffer(s, "b.bin", "a\0b", 3, &err) < 0);
    assert_non_null(strstr(err.msg, "NUL byte"));
    assert_int_equal(ld_k8s_set_count(s), 0);
    ld_k8s_set_free(s);
}

static void test_object_limit(void **state)
{
    (void)state;
    ld_k8s_limits lim = {.max_objects = 2};
    ld_k8s_set *s = ld_k8s_set_new(&lim);
    ld_error err = LD_ERROR_INIT;
    const char *t = "apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: B\n---\n"
                    "apiVersion: v1\nkind: C\n";
    assert_true(ld_k8s_load_buffer(s, "x", t, strlen(t), &err) < 0);
    assert_int_equal(err.code, LD_ERR_LIMIT);
    assert_int_equal(ld_k8s_set_count(s), 2);
    assert_int_equal(ld_k8s_set_unread(s)->n, 1);
    assert_non_null(strstr(ld_k8s_set_unread(s)->v[0], "more than 2 Kubernetes objects"));
    ld_k8s_set_free(s);
}

/* API list responses: items without kind and apiVersion, no lines. */
static void test_adopt_api_list(void **state)
{
    (void)state;
    const char *body = "{\"kind\":\"RoleBindingList\",\"apiVersion\":\"rbac.authorization.k8s.io/v1\","
                       "\"metadata\":{\"continue\":\"\"},\"items\":[{\"metadata\":{\"name\":\"rb\","
                       "\"namespace\":\"n\"},\"roleRef\":{\"kind\":\"Role\",\"name\":\"r\"}}]}";
    ld_error err = LD_ERROR_INIT;
    ld_yaml_node *root = ld_yaml_parse_json("api", body, strlen(body), NULL, &err);
    assert_non_null(root);
    ld_k8s_set *s = ld_k8s_set_new(NULL);
    assert_int_equal(ld_k8s_set_adopt(s, "https://api:6443/apis/rbac.authorization.k8s.io/v1/"
                                         "rolebindings",
                                      root, &err),
                     0);
    assert_int_equal(ld_k8s_set_count(s), 1);
    const ld_k8s_object *o = ld_k8s_set_object(s, 0);
    assert_string_equal(o->kind, "RoleBinding");
    assert_string_equal(o->api_version, "rbac.authorization.k8s.io/v1");
    assert_int_equal(o->line, 0);
    assert_non_null(strstr(ld_k8s_set_inputs(s), "https://api:6443/"));
    ld_k8s_set_free(s); /* frees root */
}

/* ---- files and directories ---- */

static char tmpdir[64];

static void put(const char *rel, const char *text)
{
    char *p = ld_xasprintf("%s/%s", tmpdir, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(p);
}

static void sub(const char *rel)
{
    char *p = ld_xasprintf("%s/%s", tmpdir, rel);
    assert_int_equal(mkdir(p, 0755), 0);
    free(p);
}

static int make_tree(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/ld-k8s-test-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    return 0;
}

static int remove_tree(void **state)
{
    (void)state;
    char *argv[] = {"rm", "-rf", tmpdir, NULL};
    pid_t pid = fork();
    if (pid == 0) {
        execvp("rm", argv);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    return 0;
}

static bool list_contains(const ld_strlist *l, const char *what)
{
    for (size_t i = 0; i < l->n; i++)
        if (strstr(l->v[i], what))
            return true;
    return false;
}

static void test_directory_walk(void **state)
{
    (void)state;
    sub("deploy");
    sub("deploy/nested");
    sub("deploy/.git");
    sub("outside");
    put("deploy/a.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n");
    put("deploy/nested/b.yml", "apiVersion: v1\nkind: Pod\nmetadata: {name: b}\n");
    put("deploy/nested/c.json", "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", "
                                "\"metadata\": {\"name\": \"c\"}}");
    put("deploy/README.md", "apiVersion: v1\nkind: Pod\nmetadata: {name: readme}\n");
    put("deploy/.hidden.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: hidden}\n");
    put("deploy/.git/x.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: git}\n");
    put("deploy/broken.yaml", "a: [1\n");
    put("outside/o.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: outside}\n");
    char *p = ld_xasprintf("%s/deploy/link", tmpdir);
    char *target = ld_xasprintf("%s/outside", tmpdir);
    assert_int_equal(symlink(target, p), 0);
    free(p);
    p = ld_xasprintf("%s/deploy/loop", tmpdir);
    assert_int_equal(symlink(".", p), 0);
    free(p);
    p = ld_xasprintf("%s/deploy/fifo.yaml", tmpdir);
    assert_int_equal(mkfifo(p, 0644), 0);
    free(p);

    ld_k8s_set *s = ld_k8s_set_new(NULL);
    ld_error err = LD_ERROR_INIT;
    char *dir = ld_xasprintf("%s/deploy", tmpdir);
    assert_int_equal(ld_k8s_load_path(s, dir, &err), 0);
    assert_int_equal(ld_k8s_set_count(s), 3);
    assert_string_equal(ld_k8s_set_object(s, 0)->name, "a"); /* name order */
    assert_string_equal(ld_k8s_set_object(s, 1)->name, "b");
    assert_string_equal(ld_k8s_set_object(s, 2)->name, "c");
    assert_non_null(strstr(ld_k8s_set_object(s, 1)->file, "/deploy/nested/b.yml"));
    assert_int_equal(ld_k8s_set_files(s), 4); /* a, b, c and broken were read */
    const ld_strlist *unread = ld_k8s_set_unread(s);
    assert_int_equal(unread->n, 1);
    assert_non_null(strstr(unread->v[0], "/deploy/broken.yaml: line"));
    assert_true(list_contains(ld_k8s_set_notes(s), "/deploy/link: symbolic link not followed"));
    assert_true(list_contains(ld_k8s_set_notes(s), "/deploy/loop: symbolic link not followed"));
    assert_true(list_contains(ld_k8s_set_notes(s), "fifo.yaml: a FIFO, not a regular file"));
    assert_string_equal(ld_k8s_set_inputs(s), dir);
    ld_k8s_set_free(s);

    /* limits: files and depth */
    ld_k8s_limits lim = {.max_files = 2};
    s = ld_k8s_set_new(&lim);
    assert_int_equal(ld_k8s_load_path(s, dir, &err), 0);
    assert_true(list_contains(ld_k8s_set_unread(s), "more than 2 manifest files"));
    ld_k8s_set_free(s);
    ld_k8s_limits shallow = {.max_dir_depth = 1};
    sub("deploy/nested/deeper");
    put("deploy/nested/deeper/d.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: d}\n");
    s = ld_k8s_set_new(&shallow);
    assert_int_equal(ld_k8s_load_path(s, dir, &err), 0);
    assert_true(list_contains(ld_k8s_set_unread(s), "deeper than 1 levels"));
    ld_k8s_set_free(s);

    /* a missing path is the caller's error; a symlink named directly is followed */
    s = ld_k8s_set_new(NULL);
    char *missing = ld_xasprintf("%s/nope.yaml", tmpdir);
    assert_true(ld_k8s_load_path(s, missing, &err) < 0);
    assert_int_equal(err.code, LD_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "nope.yaml"));
    char *link = ld_xasprintf("%s/deploy/link", tmpdir);
    assert_int_equal(ld_k8s_load_path(s, link, &err), 0);
    assert_int_equal(ld_k8s_set_count(s), 1);
    assert_string_equal(ld_k8s_set_object(s, 0)->name, "outside");
    ld_k8s_set_free(s);
    free(missing);
    free(link);
    free(dir);
    free(target);
}

/* ---- findings ---- */

static void test_emit_and_verdict(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    ld_catalog *cat = ld_catalog_load_builtin(&err);
    assert_non_null(cat);
    ld_k8s_set *s = load("apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: n}\n"
                         "spec:\n  hostPID: true\n");
    const ld_k8s_object *o = ld_k8s_set_object(s, 0);
    const char *check = "pss.host-namespaces";

    ld_findings *r = ld_findings_new(cat, 0);
    assert_int_equal(ld_k8s_emit(r, check, LD_STATUS_FAIL, o, ld_k8s_at(o->root, "spec.hostPID"),
                                 &err, "spec.hostPID: %s", "true"),
                     0);
    assert_int_equal(r->n, 1);
    const ld_finding *f = r->v[0];
    assert_int_equal(f->target.kind, LD_TARGET_K8S);
    assert_string_equal(f->target.id, "Pod/n/p");
    assert_string_equal(f->target.path, "m.yaml");
    assert_int_equal(f->target.line, 5);
    assert_string_equal(f->evidence, "spec.hostPID: true");
    /* failures are the verdict: no summary */
    assert_int_equal(ld_k8s_verdict(r, check, s, 1, 1, &err, "1 pod"), 0);
    assert_int_equal(r->n, 1);
    ld_findings_free(r);

    /* nothing wrong: one pass; nothing judged: not applicable */
    r = ld_findings_new(cat, 0);
    assert_int_equal(ld_k8s_verdict(r, check, s, 3, 0, &err, "%d pod specs", 3), 0);
    assert_int_equal(r->n, 1);
    assert_int_equal(r->v[0]->status, LD_STATUS_PASS);
    assert_string_equal(r->v[0]->evidence, "3 pod specs");
    assert_string_equal(r->v[0]->target.id, "scan");
    assert_string_equal(r->v[0]->target.name, "m.yaml");
    assert_int_equal(ld_k8s_verdict(r, check, s, 0, 0, &err, "no pod spec"), 0);
    assert_int_equal(r->v[1]->status, LD_STATUS_SKIPPED);
    ld_findings_free(r);

    /* an unknown check is an error, unless the selection leaves it out */
    r = ld_findings_new(cat, 0);
    assert_true(ld_k8s_emit(r, "no.such-check", LD_STATUS_FAIL, o, NULL, &err, "x") < 0);
    ld_strlist sel = {0};
    ld_strlist_push(&sel, "pss.*");
    ld_findings_select(r, &sel, NULL);
    ld_strlist_clear(&sel);
    assert_int_equal(ld_k8s_emit(r, "no.such-check", LD_STATUS_FAIL, o, NULL, &err, "x"), 0);
    assert_int_equal(r->n, 0);
    ld_findings_free(r);
    ld_k8s_set_free(s);

    /* unread inputs: an error, never a pass */
    s = ld_k8s_set_new(NULL);
    char *dir = ld_xasprintf("%s/bad", tmpdir);
    assert_int_equal(mkdir(dir, 0755), 0);
    put("bad/x.yaml", "a: [\n");
    assert_int_equal(ld_k8s_load_path(s, dir, &err), 0);
    r = ld_findings_new(cat, 0);
    assert_int_equal(ld_k8s_verdict(r, check, s, 0, 0, &err, "nothing"), 0);
    assert_int_equal(r->n, 1);
    assert_int_equal(r->v[0]->status, LD_STATUS_ERROR);
    assert_non_null(strstr(r->v[0]->evidence, "1 input could not be read"));
    assert_non_null(strstr(r->v[0]->evidence, "x.yaml"));
    ld_findings_free(r);
    ld_k8s_set_free(s);
    free(dir);
    ld_catalog_free(cat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_multi_document_and_lists),
        cmocka_unit_test(test_kubectl_json),
        cmocka_unit_test(test_typed_access),
        cmocka_unit_test(test_namespaces_ids_labels),
        cmocka_unit_test(test_pod_specs_of_every_kind),
        cmocka_unit_test(test_containers_in_order),
        cmocka_unit_test(test_anchors_in_manifests),
        cmocka_unit_test(test_unparsable_buffer),
        cmocka_unit_test(test_object_limit),
        cmocka_unit_test(test_adopt_api_list),
        cmocka_unit_test_setup_teardown(test_directory_walk, make_tree, remove_tree),
        cmocka_unit_test_setup_teardown(test_emit_and_verdict, make_tree, remove_tree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
