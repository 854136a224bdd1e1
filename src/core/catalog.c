/* Controls catalog: load and validate data/controls.yaml. See catalog.h. */
#include "core/catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/yaml_doc.h"

extern const unsigned char ld_data_controls_yaml[];
extern const size_t ld_data_controls_yaml_len;
extern const unsigned char ld_data_controls_kubernetes_yaml[];
extern const size_t ld_data_controls_kubernetes_yaml_len;

static const char *const control_keys[] = {
    "id",    "framework", "refs",     "title",    "tier",        "nist",       "cis", "cis_later",
    "automation", "checks", "level", "severity", "description", "remediation", NULL};

static int fail_at(ld_error *err, const char *name, const ld_yaml_node *n, const char *what)
{
    return ld_error_set(err, LD_ERR_CORRUPT, "%s: line %d: %s", name, n ? n->line : 0, what);
}

static int need_str(const char *name, const ld_yaml_node *ctl, const char *key, char **out,
                    ld_error *err)
{
    const ld_yaml_node *v = ld_yaml_get(ctl, key);
    if (!v || v->kind != LD_YAML_SCALAR || !v->value[0]) {
        char msg[128];
        snprintf(msg, sizeof(msg), "control needs a non-empty \"%s\"", key);
        return fail_at(err, name, v ? v : ctl, msg);
    }
    *out = ld_xstrdup(v->value);
    return 0;
}

static int str_list(const char *name, const ld_yaml_node *ctl, const char *key, bool required,
                    ld_strlist *out, ld_error *err)
{
    const ld_yaml_node *v = ld_yaml_get(ctl, key);
    if (!v) {
        if (!required)
            return 0;
        char msg[128];
        snprintf(msg, sizeof(msg), "control needs \"%s\"", key);
        return fail_at(err, name, ctl, msg);
    }
    if (v->kind != LD_YAML_SEQ) {
        char msg[128];
        snprintf(msg, sizeof(msg), "\"%s\" must be a list", key);
        return fail_at(err, name, v, msg);
    }
    for (size_t i = 0; i < v->n; i++) {
        if (v->items[i]->kind != LD_YAML_SCALAR)
            return fail_at(err, name, v->items[i], "list items must be strings");
        ld_strlist_push(out, v->items[i]->value);
    }
    return 0;
}

static int parse_control(const char *name, const ld_yaml_node *n, ld_control *c, ld_error *err)
{
    if (n->kind != LD_YAML_MAP)
        return fail_at(err, name, n, "each control must be a mapping");
    for (size_t i = 0; i < n->n; i++) {
        bool known = false;
        for (const char *const *k = control_keys; *k; k++)
            known = known || strcmp(*k, n->keys[i]->value) == 0;
        if (!known) {
            char msg[160];
            snprintf(msg, sizeof(msg), "unknown key \"%.100s\"", n->keys[i]->value);
            return fail_at(err, name, n->keys[i], msg);
        }
    }
    char *fw = NULL, *tier = NULL, *automation = NULL, *level = NULL, *severity = NULL;
    int rc = 0;
    if ((rc = need_str(name, n, "id", &c->id, err)) < 0 ||
        (rc = need_str(name, n, "framework", &fw, err)) < 0 ||
        (rc = need_str(name, n, "title", &c->title, err)) < 0 ||
        (rc = need_str(name, n, "tier", &tier, err)) < 0 ||
        (rc = need_str(name, n, "nist", &c->nist, err)) < 0 ||
        (rc = need_str(name, n, "automation", &automation, err)) < 0 ||
        (rc = need_str(name, n, "level", &level, err)) < 0 ||
        (rc = need_str(name, n, "severity", &severity, err)) < 0 ||
        (rc = need_str(name, n, "description", &c->description, err)) < 0 ||
        (rc = need_str(name, n, "remediation", &c->remediation, err)) < 0 ||
        (rc = str_list(name, n, "refs", true, &c->refs, err)) < 0 ||
        (rc = str_list(name, n, "cis", true, &c->cis, err)) < 0 ||
        (rc = str_list(name, n, "checks", true, &c->checks, err)) < 0)
        goto out;
    const ld_yaml_node *later = ld_yaml_get(n, "cis_later");
    if (later) {
        if (later->kind != LD_YAML_MAP) {
            rc = fail_at(err, name, later, "\"cis_later\" must be a mapping");
            goto out;
        }
        for (size_t i = 0; i < later->n; i++) {
            const char *to = ld_yaml_str(later->items[i]);
            if (!to) {
                rc = fail_at(err, name, later->items[i], "cis_later values must be strings");
                goto out;
            }
            ld_strlist_push_owned(&c->cis_later,
                                  ld_xasprintf("%s=%s", later->keys[i]->value, to));
        }
    }
    const ld_yaml_node *where = ld_yaml_get(n, "id");
    if (strcmp(fw, "nist-800-190") == 0)
        c->framework = LD_FW_NIST_800_190;
    else if (strcmp(fw, "cis-docker-1.6") == 0)
        c->framework = LD_FW_CIS_DOCKER_16;
    else if (strcmp(fw, "cis-kubernetes-" LD_CIS_KUBERNETES_VERSION) == 0)
        c->framework = LD_FW_CIS_KUBERNETES;
    else
        rc = fail_at(err, name, where,
                     "framework must be nist-800-190, cis-docker-1.6 or "
                     "cis-kubernetes-" LD_CIS_KUBERNETES_VERSION);
    if (rc == 0 && ld_tier_parse(tier, &c->tier) < 0)
        rc = fail_at(err, name, where, "tier must be image, registry, orchestrator, container or host");
    if (rc == 0 && ld_level_parse(level, &c->level) < 0)
        rc = fail_at(err, name, where, "level must be low, medium or high");
    if (rc == 0 && ld_severity_parse(severity, &c->severity) < 0)
        rc = fail_at(err, name, where, "severity must be critical, high, medium, low or info");
    if (rc == 0) {
        if (strcmp(automation, "automated") == 0)
            c->automated = true;
        else if (strcmp(automation, "attested") == 0)
            c->automated = false;
        else if (strcmp(automation, "planned") == 0)
            c->planned = true;
        else
            rc = fail_at(err, name, where, "automation must be automated, planned or attested");
    }
    if (rc == 0 && c->refs.n == 0)
        rc = fail_at(err, name, where, "control needs at least one 800-190 key in refs");
    if (rc == 0 && c->automated && c->checks.n == 0)
        rc = fail_at(err, name, where, "an automated control needs at least one check");
out:
    free(fw);
    free(tier);
    free(automation);
    free(level);
    free(severity);
    return rc;
}

static void control_clear(ld_control *c)
{
    free(c->id);
    free(c->title);
    free(c->nist);
    free(c->description);
    free(c->remediation);
    ld_strlist_clear(&c->refs);
    ld_strlist_clear(&c->cis);
    ld_strlist_clear(&c->cis_later);
    ld_strlist_clear(&c->checks);
}

/* A benchmark item is the most precise home of a check: the CIS control
 * that lists it wins; catalog_index keeps the answers. */
const ld_control *ld_catalog_scan_for_check(const ld_catalog *cat, const char *check_id)
{
    const ld_control *first = NULL;
    for (size_t i = 0; i < cat->n; i++) {
        const ld_control *c = &cat->controls[i];
        if (!ld_strlist_contains(&c->checks, check_id))
            continue;
        if (ld_framework_is_cis(c->framework))
            return c;
        if (!first)
            first = c;
    }
    return first;
}

/* (Re)builds the check -> control index; controls must not move after. */
static void catalog_index(ld_catalog *cat)
{
    ld_strmap_clear(&cat->by_check);
    for (size_t i = 0; i < cat->n; i++)
        for (size_t k = 0; k < cat->controls[i].checks.n; k++) {
            const char *id = cat->controls[i].checks.v[k];
            bool created = false;
            void **slot = ld_strmap_put(&cat->by_check, id, &created);
            if (created)
                *slot = (void *)ld_catalog_scan_for_check(cat, id);
        }
}

ld_catalog *ld_catalog_parse(const char *name, const char *buf, size_t len, ld_error *err)
{
    ld_yaml_node *root = ld_yaml_parse(name, buf, len, NULL, err);
    if (!root)
        return NULL;
    ld_catalog *cat = NULL;
    const ld_yaml_node *list = ld_yaml_get(root, "controls");
    if (!list || list->kind != LD_YAML_SEQ) {
        fail_at(err, name, root, "top level needs a \"controls\" list");
        goto out;
    }
    cat = ld_xcalloc(1, sizeof(*cat));
    cat->controls = ld_xcalloc(list->n, sizeof(*cat->controls));
    for (size_t i = 0; i < list->n; i++) {
        ld_control *c = &cat->controls[i];
        cat->n = i + 1;
        c->index = i;
        if (parse_control(name, list->items[i], c, err) < 0) {
            ld_catalog_free(cat);
            cat = NULL;
            goto out;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(cat->controls[j].id, c->id) == 0) {
                fail_at(err, name, list->items[i], "duplicate control id");
                ld_catalog_free(cat);
                cat = NULL;
                goto out;
            }
        }
    }
out:
    if (cat)
        catalog_index(cat);
    ld_yaml_free(root);
    return cat;
}

/* Appends the controls of more to cat (moved, more is freed); a control id
 * already in cat is an error naming the file. */
static int catalog_append(ld_catalog *cat, ld_catalog *more, const char *name, ld_error *err)
{
    for (size_t i = 0; i < more->n; i++)
        if (ld_catalog_find(cat, more->controls[i].id)) {
            ld_error_set(err, LD_ERR_CORRUPT, "%s: control %s is already in the catalog", name,
                         more->controls[i].id);
            ld_catalog_free(more);
            return -1;
        }
    cat->controls = ld_xrealloc(cat->controls, (cat->n + more->n) * sizeof(*cat->controls));
    for (size_t i = 0; i < more->n; i++) {
        cat->controls[cat->n] = more->controls[i];
        cat->controls[cat->n].index = cat->n;
        cat->n++;
    }
    ld_strmap_clear(&more->by_check);
    free(more->controls);
    free(more);
    catalog_index(cat);
    return 0;
}

ld_catalog *ld_catalog_load_builtin(ld_error *err)
{
    static const struct {
        const char *name;
        const unsigned char *data;
        const size_t *len;
    } files[] = {
        {"built-in controls.yaml", ld_data_controls_yaml, &ld_data_controls_yaml_len},
        {"built-in controls-kubernetes.yaml", ld_data_controls_kubernetes_yaml,
         &ld_data_controls_kubernetes_yaml_len},
    };
    ld_catalog *cat = NULL;
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        ld_catalog *part =
            ld_catalog_parse(files[i].name, (const char *)files[i].data, *files[i].len, err);
        if (!part || (cat && catalog_append(cat, part, files[i].name, err) < 0)) {
            ld_catalog_free(cat);
            ld_error_wrap(err, "cannot load the controls catalog (a build defect: rebuild lockdown)");
            return NULL;
        }
        if (!cat)
            cat = part;
    }
    return cat;
}

void ld_catalog_free(ld_catalog *cat)
{
    if (!cat)
        return;
    for (size_t i = 0; i < cat->n; i++)
        control_clear(&cat->controls[i]);
    ld_strmap_clear(&cat->by_check);
    free(cat->controls);
    free(cat);
}

const ld_control *ld_catalog_find(const ld_catalog *cat, const char *id)
{
    for (size_t i = 0; i < cat->n; i++)
        if (strcmp(cat->controls[i].id, id) == 0)
            return &cat->controls[i];
    return NULL;
}

const ld_control *ld_catalog_find_by_check(const ld_catalog *cat, const char *check_id)
{
    for (size_t i = 0; i < cat->n; i++)
        if (ld_strlist_contains(&cat->controls[i].checks, check_id))
            return &cat->controls[i];
    return NULL;
}

bool ld_control_has_ref(const ld_control *c, const char *ref)
{
    return ld_strlist_contains(&c->refs, ref);
}

const char *ld_framework_name(ld_framework fw)
{
    switch (fw) {
    case LD_FW_NIST_800_190:
        return "nist-800-190";
    case LD_FW_CIS_DOCKER_16:
        return "cis-docker-1.6";
    case LD_FW_CIS_KUBERNETES:
        return "cis-kubernetes-" LD_CIS_KUBERNETES_VERSION;
    }
    return "?";
}

bool ld_framework_is_cis(ld_framework fw)
{
    return fw == LD_FW_CIS_DOCKER_16 || fw == LD_FW_CIS_KUBERNETES;
}

bool ld_control_assessable(const ld_control *c)
{
    for (size_t i = 0; i < c->checks.n; i++)
        if (ld_check_implemented(c->checks.v[i]))
            return true;
    return false;
}
