/* Secret checks of the workload family:
 *  - k8s.workload.literal-secrets: a secret written into a pod spec (env
 *    values, command and args of every container) or a ConfigMap's data,
 *    found by the secret rules (checks/secrets.h: the policy's rules, else
 *    the built-in ones) or by a credential-looking name (DB_PASSWORD,
 *    --api-key) holding a literal that is not a placeholder or reference;
 *  - k8s.workload.secret-env: Secrets consumed as environment variables
 *    (env[].valueFrom.secretKeyRef, envFrom[].secretRef) instead of files
 *    (CIS Kubernetes 5.4.1);
 *  - k8s.secret.manifest: Secret objects in the inputs with data: the
 *    manifest holds the secret itself.
 * Evidence shows a secret only masked (ld_secret_mask: its first
 * characters, then asterisks). A rule that could not finish searching a
 * value makes an error finding, never a pass. ConfigMap binaryData is not
 * searched. */
#include <string.h>

#include "checks/secret_placeholder.h"
#include "k8s/workload_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"

/* What one search of one value found. */
typedef struct {
    ld_k8s_evlist found;      /* "where: NAME masked (rule)" */
    ld_k8s_evlist incomplete; /* "where: rule stopped (reason)" */
    const ld_yaml_node *at;   /* first node found */
} secret_seen;

/* Searches text (named where in messages) with the rules; path is what
 * path-limited rules and allow rules see. name/value: a NAME=value pair
 * (env var, flag, ConfigMap key) also judged by its name; NULL for a bare
 * value. */
static int search(wl_ctx *c, secret_seen *seen, const ld_yaml_node *at, const char *where,
                  const char *path, const char *name, const char *value)
{
    if (!value || !*value)
        return 0;
    ld_autofree char *text = name ? ld_xasprintf("%s=%s\n", name, value) : ld_xstrdup(value);
    ld_secret_hits h = {0};
    if (ld_secret_scan(c->rules, path, (const uint8_t *)text, strlen(text), &h, c->err) < 0) {
        ld_secret_hits_clear(&h);
        return -1;
    }
    bool hit = false;
    if (h.n) {
        hit = true;
        ld_k8s_evlist_add(&seen->found, "%s holds %s (rule %s: %s)", where, h.v[0].masked,
                          h.v[0].rule_id, h.v[0].description);
        if (h.n > 1)
            ld_k8s_evlist_add(&seen->found, "%s holds %zu more secrets", where, h.n - 1);
    }
    for (size_t i = 0; i < h.n_stopped; i++)
        ld_k8s_evlist_add(&seen->incomplete, "%s: rule %s stopped (%s)", where,
                          h.stopped[i].rule_id, h.stopped[i].reason);
    ld_secret_hits_clear(&h);
    if (!hit && name && ld_secret_key_name(name, strlen(name)) &&
        !ld_secret_placeholder_value(value, strlen(value))) {
        char masked[LD_SECRET_MASK_MAX];
        ld_secret_mask(value, strlen(value), masked);
        ld_k8s_evlist_add(&seen->found, "%s holds %s (a literal value of a credential name)", where,
                          masked);
        hit = true;
    }
    if (hit && !seen->at)
        seen->at = at;
    return 0;
}

/* command or args: each item, and --flag=value / --flag value pairs. */
static int search_argv(wl_ctx *c, secret_seen *seen, const ld_yaml_node *argv, const char *where,
                       const char *field, const char *path)
{
    if (!argv || argv->kind != LD_YAML_SEQ)
        return 0;
    for (size_t i = 0; i < argv->n; i++) {
        const char *arg = ld_k8s_str(argv->items[i]);
        if (!arg)
            continue;
        ld_autofree char *item = ld_xasprintf("%s.%s[%zu]", where, field, i);
        const char *flag = NULL, *value = NULL;
        ld_autofree char *flag_copy = NULL;
        if (arg[0] == '-') {
            const char *eq = strchr(arg, '=');
            if (eq) {
                flag_copy = ld_xstrndup(arg, (size_t)(eq - arg));
                flag = flag_copy;
                value = eq + 1;
            } else if (i + 1 < argv->n && ld_k8s_str(argv->items[i + 1]) &&
                       ld_k8s_str(argv->items[i + 1])[0] != '-') {
                flag = arg;
                value = ld_k8s_str(argv->items[i + 1]);
            }
        }
        /* the item itself (rules), then, when the rules found nothing in
         * it, the flag's value by the flag's name */
        size_t before = seen->found.items;
        if (search(c, seen, argv->items[i], item, path, NULL, arg) < 0)
            return -1;
        if (seen->found.items == before && flag && value &&
            ld_secret_key_name(flag, strlen(flag)) &&
            !ld_secret_placeholder_value(value, strlen(value))) {
            char masked[LD_SECRET_MASK_MAX];
            ld_secret_mask(value, strlen(value), masked);
            ld_k8s_evlist_add(&seen->found, "%s: flag %s has the literal value %s", item, flag,
                              masked);
            if (!seen->at)
                seen->at = argv->items[i];
        }
    }
    return 0;
}

static void seen_clear(secret_seen *s)
{
    ld_k8s_evlist_clear(&s->found);
    ld_k8s_evlist_clear(&s->incomplete);
}

/* Files the literal-secrets verdict of one object from what was seen. */
static int report_seen(wl_ctx *c, const ld_k8s_object *o, secret_seen *seen)
{
    int rc = 0;
    if (seen->found.items)
        rc = wl_emit(c, WL_LITERAL_SECRETS, LD_STATUS_FAIL, o, seen->at,
                     "%s: anyone who can read the manifest or the object reads the secret; "
                     "keep it in a Secret (or an external store) and reference it",
                     ld_k8s_evlist_text(&seen->found));
    if (rc == 0 && seen->incomplete.items)
        rc = wl_emit(c, WL_LITERAL_SECRETS, LD_STATUS_ERROR, o, NULL,
                     "not fully searched for secrets: %s", ld_k8s_evlist_text(&seen->incomplete));
    return rc;
}

int wl_check_pod_secrets(wl_ctx *c, const ld_k8s_pod *p)
{
    const char *file = p->obj->file;
    secret_seen seen = {LD_K8S_EVLIST_INIT, LD_K8S_EVLIST_INIT, NULL};
    ld_k8s_evlist as_env = LD_K8S_EVLIST_INIT;
    const ld_yaml_node *env_at = NULL;
    size_t judged = 0, n = ld_k8s_pod_container_count(p);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        ld_k8s_container ct;
        if (!ld_k8s_pod_container(p, i, &ct))
            continue;
        judged++;
        ld_autofree char *where = wl_container_path(p, &ct);
        const ld_yaml_node *env = ld_yaml_get(ct.node, "env");
        for (size_t k = 0; env && env->kind == LD_YAML_SEQ && k < env->n && rc == 0; k++) {
            const ld_yaml_node *e = env->items[k];
            const char *name = ld_k8s_str(ld_yaml_get(e, "name"));
            const ld_yaml_node *value = ld_yaml_get(e, "value");
            const ld_yaml_node *ref = ld_k8s_at(e, "valueFrom.secretKeyRef");
            if (ref && !ld_k8s_is_null(ref)) {
                const char *sname = ld_k8s_str(ld_yaml_get(ref, "name"));
                const char *skey = ld_k8s_str(ld_yaml_get(ref, "key"));
                ld_k8s_evlist_add(&as_env, "%s.env[%zu] %s from Secret %s key %s", where, k,
                                  name ? name : "?", sname ? sname : "?", skey ? skey : "?");
                env_at = env_at ? env_at : ref;
            }
            if (!value || !ld_k8s_str(value))
                continue;
            ld_autofree char *item = ld_xasprintf("%s.env[%zu] %s", where, k, name ? name : "?");
            rc = search(c, &seen, value, item, file, name ? name : "VALUE", ld_k8s_str(value));
        }
        const ld_yaml_node *env_from = ld_yaml_get(ct.node, "envFrom");
        for (size_t k = 0; env_from && env_from->kind == LD_YAML_SEQ && k < env_from->n; k++) {
            const ld_yaml_node *ref = ld_yaml_get(env_from->items[k], "secretRef");
            if (!ref || ld_k8s_is_null(ref))
                continue;
            const char *sname = ld_k8s_str(ld_yaml_get(ref, "name"));
            ld_k8s_evlist_add(&as_env, "%s.envFrom[%zu] every key of Secret %s", where, k,
                              sname ? sname : "?");
            env_at = env_at ? env_at : ref;
        }
        if (rc == 0)
            rc = search_argv(c, &seen, ld_yaml_get(ct.node, "command"), where, "command", file);
        if (rc == 0)
            rc = search_argv(c, &seen, ld_yaml_get(ct.node, "args"), where, "args", file);
    }
    if (rc == 0 && judged) {
        c->tally[WL_LITERAL_SECRETS].judged++;
        c->tally[WL_SECRET_ENV].judged++;
        rc = report_seen(c, p->obj, &seen);
        if (rc == 0 && as_env.items)
            rc = wl_emit(c, WL_SECRET_ENV, LD_STATUS_FAIL, p->obj, env_at,
                         "%s: environment variables leak into child processes, crash dumps "
                         "and logs; mount the Secret as a volume instead",
                         ld_k8s_evlist_text(&as_env));
    }
    seen_clear(&seen);
    ld_k8s_evlist_clear(&as_env);
    return rc;
}

int wl_check_configmap(wl_ctx *c, const ld_k8s_object *o)
{
    c->tally[WL_LITERAL_SECRETS].judged++;
    const ld_yaml_node *data = ld_k8s_at(o->root, "data");
    if (!data || data->kind != LD_YAML_MAP)
        return 0;
    secret_seen seen = {LD_K8S_EVLIST_INIT, LD_K8S_EVLIST_INIT, NULL};
    int rc = 0;
    for (size_t i = 0; i < data->n && rc == 0; i++) {
        const char *key = data->keys[i]->value;
        const char *value = ld_k8s_str(data->items[i]);
        if (!value)
            continue;
        ld_autofree char *item = ld_xasprintf("data.%s", key);
        /* the key names a file when the ConfigMap is mounted: path-limited
         * rules (.npmrc, .pypirc, ...) see it as one */
        ld_autofree char *path = ld_xasprintf("%s/%s", o->file, key);
        /* a one-line value is KEY=value data, judged by the key's name too;
         * more lines are a file's content */
        rc = search(c, &seen, data->items[i], item, path, strchr(value, '\n') ? NULL : key, value);
    }
    if (rc == 0)
        rc = report_seen(c, o, &seen);
    seen_clear(&seen);
    return rc;
}

int wl_check_secret_object(wl_ctx *c, const ld_k8s_object *o)
{
    c->tally[WL_SECRET_MANIFEST].judged++;
    ld_k8s_evlist keys = LD_K8S_EVLIST_INIT;
    const ld_yaml_node *at = NULL;
    static const char *const fields[] = {"data", "stringData"};
    for (size_t f = 0; f < 2; f++) {
        const ld_yaml_node *data = ld_yaml_get(o->root, fields[f]);
        if (!data || data->kind != LD_YAML_MAP)
            continue;
        for (size_t i = 0; i < data->n; i++) {
            const char *value = ld_k8s_str(data->items[i]);
            if (!value || !*value)
                continue;
            char masked[LD_SECRET_MASK_MAX];
            ld_secret_mask(value, strlen(value), masked);
            ld_k8s_evlist_add(&keys, "%s.%s: %s%s", fields[f], data->keys[i]->value, masked,
                              f == 0 ? " (base64)" : "");
            at = at ? at : data->items[i];
        }
    }
    int rc = 0;
    if (keys.items) {
        const char *type = ld_k8s_str(ld_yaml_get(o->root, "type"));
        rc = wl_emit(c, WL_SECRET_MANIFEST, LD_STATUS_FAIL, o, at,
                     "Secret%s%s holds its values in the manifest: %s; base64 is not encryption: "
                     "keep the values out of files (an external secret store, SealedSecrets or "
                     "SOPS)",
                     type ? " of type " : "", type ? type : "", ld_k8s_evlist_text(&keys));
    }
    ld_k8s_evlist_clear(&keys);
    return rc;
}
