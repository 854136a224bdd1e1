/* The settings checks of `lockdown k8s node`: CIS Kubernetes Benchmark
 * v1.10 sections 1.2 (API server), 1.3 (controller manager), 1.4
 * (scheduler), 2 (etcd), 3.2 (audit policy), 4.2 (kubelet), 4.3
 * (kube-proxy), and the node-trust checks the benchmark leaves manual
 * (OIDC, encryption providers, audit policy coverage). Each check judges
 * the value the component runs with: the flag when given, else (kubelet,
 * kube-proxy, etcd) its config file or environment, else the component's
 * own default, which the evidence names. A value of the wrong type is an
 * error (the component would refuse it), never a pass. The table at the
 * end lists every check with its CIS id in a comment; the catalog
 * (data/controls-kubernetes.yaml) holds the titles. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "host/host_files.h"
#include "k8s/node_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"

/* ---- rules -------------------------------------------------------------------- */

typedef enum {
    R_BOOL,           /* a boolean equal to want ("true"/"false") */
    R_SET,            /* set to a non-empty value (and flag2/config2 too) */
    R_UNSET,          /* not set (or empty) */
    R_INT_MIN,        /* an integer >= want */
    R_INT_EQ,         /* an integer == want */
    R_INT_POSITIVE,   /* an integer > 0 */
    R_EQ,             /* text equal to want */
    R_NOT_EQ,         /* text not equal to want */
    R_GATE_NOT_FALSE, /* feature gate want not set to false */
    R_DURATION_NONZERO,
} rule_kind;

typedef struct {
    rule_kind kind;
    const char *flag;   /* without dashes; NULL: a config field only */
    const char *config; /* kubelet config field (dotted); NULL: a flag only */
    const char *want;
    const char *dflt;            /* default when not given (kubelet: without a config file) */
    const char *config_dflt;     /* kubelet: the default when it runs with a config file */
    const char *flag2, *config2; /* R_SET: a second setting that must be set too */
    const char *note;            /* what the default means */
    const char *since;           /* the default changed between versions: since when */
} node_rule;

/* ---- showing values ------------------------------------------------------------ */

#define SHOW_MAX 240

static void show_node(const ld_yaml_node *n, char *buf, size_t len)
{
    if (!n) {
        snprintf(buf, len, "null");
        return;
    }
    if (n->kind == LD_YAML_SCALAR) {
        snprintf(buf, len, n->quoted ? "\"%s\"" : "%s", n->value ? n->value : "");
        return;
    }
    size_t used = (size_t)snprintf(buf, len, "%s", n->kind == LD_YAML_SEQ ? "[" : "{");
    for (size_t i = 0; i < n->n && used + 8 < len; i++) {
        const ld_yaml_node *it = n->kind == LD_YAML_SEQ ? n->items[i] : n->keys[i];
        const char *t = it && it->kind == LD_YAML_SCALAR ? it->value : "...";
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", t ? t : "");
    }
    if (used + 2 < len)
        snprintf(buf + used, len - used, "%s", n->kind == LD_YAML_SEQ ? "]" : "}");
}

/* "--anonymous-auth=false", "authentication.anonymous.enabled: false in
 * FILE", "ETCD_CLIENT_CERT_AUTH=true", "--x not set". Caller frees. */
static char *show(const node_value *v)
{
    switch (v->src) {
    case NODE_V_FLAG:
        return v->flag->bare ? ld_xasprintf("%s (given alone: true)", v->name)
                             : ld_xasprintf("%s=%s", v->name, v->text);
    case NODE_V_ENV: return ld_xasprintf("%s=%s (environment)", v->name, v->text);
    case NODE_V_CONFIG: {
        char b[SHOW_MAX];
        show_node(v->node, b, sizeof(b));
        return ld_xasprintf("%s: %s in %s", v->name, b, v->file);
    }
    default: return ld_xasprintf("%s not set", v->name);
    }
}

/* ---- typed values ---------------------------------------------------------------- */

/* 1: *out set; 0: unset; -1: not a boolean. */
static int value_bool(const node_value *v, bool *out)
{
    if (v->src == NODE_V_UNSET)
        return 0;
    if (v->src == NODE_V_CONFIG)
        return ld_k8s_bool(v->node, out) ? 1 : -1;
    return ld_node_parse_go_bool(v->text, out) ? 1 : -1;
}

static bool parse_int_text(const char *s, long long *out)
{
    bool neg = s && *s == '-';
    long long v;
    if (!ld_node_parse_uint(neg || (s && *s == '+') ? s + 1 : s, &v))
        return false;
    *out = neg ? -v : v;
    return true;
}

static int value_int(const node_value *v, long long *out)
{
    if (v->src == NODE_V_UNSET)
        return 0;
    if (v->src == NODE_V_CONFIG)
        return ld_k8s_int(v->node, out) ? 1 : -1;
    return parse_int_text(v->text, out) ? 1 : -1;
}

/* Text of a scalar value (flag, env, config scalar); NULL when unset or
 * not a scalar. */
static const char *value_text(const node_value *v)
{
    if (v->src == NODE_V_CONFIG)
        return ld_k8s_str(v->node);
    return v->src == NODE_V_UNSET ? NULL : v->text;
}

/* A Go duration ("4h0m0s", "5m", "0s", "0"): 1 and *zero, or -1. */
static int go_duration_zero(const char *s, bool *zero)
{
    if (!s || !*s)
        return -1;
    if (strcmp(s, "0") == 0) {
        *zero = true;
        return 1;
    }
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    bool nonzero = false, any = false;
    while (*p) {
        bool digits = false;
        while ((*p >= '0' && *p <= '9') || *p == '.') {
            if (*p >= '1' && *p <= '9')
                nonzero = true;
            digits |= *p != '.';
            p++;
        }
        if (!digits)
            return -1;
        static const char *const units[] = {"ns", "us", "\xc2\xb5s", "\xce\xbcs", "ms",
                                            "s",  "m",  "h",         NULL};
        size_t ul = 0;
        for (size_t i = 0; units[i]; i++) {
            size_t n = strlen(units[i]);
            if (strncmp(p, units[i], n) == 0 && n > ul)
                ul = n;
        }
        if (!ul)
            return -1;
        p += ul;
        any = true;
    }
    if (!any)
        return -1;
    *zero = !nonzero;
    return 1;
}

/* ---- looking values up ------------------------------------------------------------- */

static node_component *comp_of(node_ctx *x, const node_check *k)
{
    return &x->m->c[k->scope];
}

static void lookup(node_ctx *x, const node_component *c, const char *flag, const char *config,
                   node_value *v)
{
    if (c->kind == NODE_KUBELET)
        node_kubelet_value(x->m, flag, config, v);
    else
        node_flag_value(x->m, c, flag, v);
}

/* When an unset value's default cannot be known because a config file the
 * component reads could not be read: why (else NULL). config: the kubelet
 * setting's config field (a kubelet flag without one does not depend on
 * its config file). */
static const char *config_unreadable_for(node_ctx *x, const node_component *c, const char *config)
{
    if (c->kind == NODE_KUBELET)
        return config ? node_kubelet_config_error(x->m) : NULL;
    if (c->kind == NODE_ETCD && x->m->etcd_config.path)
        return x->m->etcd_config.error;
    if (c->kind == NODE_PROXY && x->m->proxy_config.path)
        return x->m->proxy_config.error;
    return NULL;
}

static const char *config_unreadable(node_ctx *x, const node_component *c)
{
    return config_unreadable_for(x, c, "");
}

/* The default that applies to an unset value, and where it comes from. */
static const char *default_of(node_ctx *x, const node_component *c, const node_rule *r,
                              const char **whose)
{
    if (c->kind == NODE_KUBELET && r->config && node_kubelet_has_config(x->m)) {
        *whose = "the kubelet config file default";
        return r->config_dflt;
    }
    if (c->kind == NODE_KUBELET && r->config) {
        *whose = "the kubelet flag default (no config file)";
        return r->dflt;
    }
    *whose = "its default";
    return r->dflt;
}

/* " (NOTE)" and, for a default that changed between versions, the
 * component's version when its image tag says it. */
static char *version_note(const node_component *c, const node_rule *r)
{
    if (r->since)
        return ld_xasprintf(" (%s; %s %s)", r->since, c->name,
                            c->version ? c->version : "version unknown");
    if (r->note)
        return ld_xasprintf(" (%s)", r->note);
    return ld_xstrdup("");
}

/* ---- the generic judge ---------------------------------------------------------------- */

static int judge_set(node_ctx *x, const node_check *k, const node_component *c, const node_rule *r)
{
    node_value a, b;
    lookup(x, c, r->flag, r->config, &a);
    const char *ta = value_text(&a);
    bool ok = ta && *ta;
    ld_autofree char *sa = show(&a);
    if (!r->flag2 && !r->config2) {
        if (!ok && a.src == NODE_V_UNSET &&
            config_unreadable_for(x, c, r->config ? r->config : r->config2))
            return node_emit(x, k->id, LD_STATUS_ERROR, c, &a, "not assessed: %s %s, and %s",
                             c->name, sa,
                             config_unreadable_for(x, c, r->config ? r->config : r->config2));
        return node_emit(x, k->id, ok ? LD_STATUS_PASS : LD_STATUS_FAIL, c, &a, "%s %s%s", c->name,
                         sa, ok || a.src == NODE_V_UNSET ? "" : " (empty)");
    }
    lookup(x, c, r->flag2, r->config2, &b);
    const char *tb = value_text(&b);
    ok = ok && tb && *tb;
    ld_autofree char *sb = show(&b);
    if (!ok && (a.src == NODE_V_UNSET || b.src == NODE_V_UNSET) &&
        config_unreadable_for(x, c, r->config ? r->config : r->config2))
        return node_emit(x, k->id, LD_STATUS_ERROR, c, &a, "not assessed: %s %s, %s, and %s",
                         c->name, sa, sb,
                         config_unreadable_for(x, c, r->config ? r->config : r->config2));
    return node_emit(x, k->id, ok ? LD_STATUS_PASS : LD_STATUS_FAIL, c,
                     a.src != NODE_V_UNSET ? &a : &b, "%s %s, %s", c->name, sa, sb);
}

/* A feature gate: --feature-gates=Name=false (the command line wins per
 * gate), else the kubelet's featureGates: {Name: false}, else the gate's
 * default. */
static int check_gate(node_ctx *x, const node_check *k, const node_component *c, const node_rule *r)
{
    ld_autofree char *gate = NULL;
    const ld_node_flag *f = ld_node_flag_map_get(&c->flags, "feature-gates", r->want, &gate);
    if (f) {
        bool on = true;
        node_value fv = {.src = NODE_V_FLAG, .flag = f, .text = f->value};
        if (!ld_node_parse_go_bool(gate, &on))
            return node_emit(x, k->id, LD_STATUS_ERROR, c, &fv,
                             "not assessed: %s --feature-gates %s=%s is not a boolean", c->name,
                             r->want, gate);
        return node_emit(x, k->id, on ? LD_STATUS_PASS : LD_STATUS_FAIL, c, &fv,
                         "%s --feature-gates=%s (%s=%s)", c->name, f->value, r->want, gate);
    }
    if (c->kind == NODE_KUBELET) {
        node_value v;
        ld_autofree char *path = ld_xasprintf("featureGates.%s", r->want);
        node_kubelet_value(x->m, NULL, path, &v);
        if (v.src == NODE_V_CONFIG) {
            bool on = true;
            ld_autofree char *s = show(&v);
            if (!ld_k8s_bool(v.node, &on))
                return node_emit(x, k->id, LD_STATUS_ERROR, c, &v,
                                 "not assessed: %s %s is not a boolean", c->name, s);
            return node_emit(x, k->id, on ? LD_STATUS_PASS : LD_STATUS_FAIL, c, &v, "%s %s",
                             c->name, s);
        }
        if (config_unreadable(x, c))
            return node_emit(x, k->id, LD_STATUS_ERROR, c, NULL,
                             "not assessed: %s feature gate %s not set on the command line, and "
                             "%s",
                             c->name, r->want, config_unreadable(x, c));
    }
    ld_autofree char *vn = version_note(c, r);
    bool on = strcmp(r->dflt, "true") == 0;
    return node_emit(x, k->id, on ? LD_STATUS_PASS : LD_STATUS_FAIL, c, NULL,
                     "%s feature gate %s not set: its default is %s%s", c->name, r->want, r->dflt,
                     vn);
}

static int check_rule(node_ctx *x, const node_check *k)
{
    const node_rule *r = k->arg;
    const node_component *c = comp_of(x, k);
    if (r->kind == R_SET)
        return judge_set(x, k, c, r);
    node_value v;
    lookup(x, c, r->flag, r->config, &v);
    if (r->kind == R_GATE_NOT_FALSE)
        return check_gate(x, k, c, r);
    ld_autofree char *shown = show(&v);
    const char *whose = NULL;
    const char *dflt = default_of(x, c, r, &whose);
    bool unset = v.src == NODE_V_UNSET;
    if (unset && config_unreadable_for(x, c, r->config ? r->config : r->config2))
        return node_emit(x, k->id, LD_STATUS_ERROR, c, &v, "not assessed: %s %s, and %s", c->name,
                         shown, config_unreadable_for(x, c, r->config ? r->config : r->config2));
    ld_autofree char *vn = version_note(c, r);
    /* an unset value judged by its default: say which */
    ld_autofree char *ev =
        unset ? (dflt ? ld_xasprintf("%s %s: %s is %s%s", c->name, shown, whose, dflt, vn)
                      : ld_xasprintf("%s %s (no default)%s", c->name, shown, vn))
              : ld_xasprintf("%s %s", c->name, shown);
    node_value dv = {.src = NODE_V_FLAG, .text = dflt};
    const node_value *jv = unset ? &dv : &v;
    bool ok = false;
    switch (r->kind) {
    case R_BOOL: {
        bool b = false;
        int got = unset ? (dflt && ld_node_parse_go_bool(dflt, &b) ? 1 : 0) : value_bool(&v, &b);
        if (got < 0)
            return node_emit(x, k->id, LD_STATUS_ERROR, c, &v,
                             "not assessed: %s is not a boolean (%s would refuse it)", ev, c->name);
        ok = got > 0 && b == (strcmp(r->want, "true") == 0);
        break;
    }
    case R_UNSET: {
        const char *t = value_text(&v);
        ok = unset || !t || !*t;
        break;
    }
    case R_INT_MIN:
    case R_INT_EQ:
    case R_INT_POSITIVE: {
        long long n = 0, want = 0;
        int got = unset ? (dflt && parse_int_text(dflt, &n) ? 1 : 0) : value_int(&v, &n);
        if (got < 0)
            return node_emit(x, k->id, LD_STATUS_ERROR, c, &v, "not assessed: %s is not an integer",
                             ev);
        if (r->want)
            parse_int_text(r->want, &want);
        ok = got > 0 && (r->kind == R_INT_MIN  ? n >= want
                         : r->kind == R_INT_EQ ? n == want
                                               : n > 0);
        break;
    }
    case R_EQ:
    case R_NOT_EQ: {
        const char *t = value_text(jv);
        if (!t && !unset)
            return node_emit(x, k->id, LD_STATUS_ERROR, c, &v,
                             "not assessed: %s is not a single value", ev);
        bool eq = t && strcmp(t, r->want) == 0;
        ok = r->kind == R_EQ ? eq : (t ? !eq : true);
        break;
    }
    case R_DURATION_NONZERO: {
        bool zero = false;
        const char *t = value_text(jv);
        int got = t ? go_duration_zero(t, &zero) : 0;
        if (got < 0)
            return node_emit(x, k->id, LD_STATUS_ERROR, c, &v, "not assessed: %s is not a duration",
                             ev);
        ok = got > 0 && !zero;
        break;
    }
    default: break;
    }
    return node_emit(x, k->id, ok ? LD_STATUS_PASS : LD_STATUS_FAIL, c, &v, "%s", ev);
}

/* ---- API server: authentication ---------------------------------------------------------- */

/* The API server's --authentication-config file, or NULL when the flag is
 * not given; *d the document (check ->error). */
static const node_doc *authn_config(node_ctx *x, node_component *c, node_value *v)
{
    node_flag_value(x->m, c, "authentication-config", v);
    const char *p = value_text(v);
    if (!p || !*p)
        return NULL;
    return node_component_doc(c, x->m->root, p, true);
}

static int check_anonymous_auth(node_ctx *x, const node_check *k)
{
    node_component *c = comp_of(x, k);
    node_value av;
    const node_doc *d = authn_config(x, c, &av);
    if (d && d->error)
        return node_emit(x, k->id, LD_STATUS_ERROR, c, &av,
                         "not assessed: %s --authentication-config: %s", c->name, d->error);
    const ld_yaml_node *anon = d ? ld_k8s_at(d->root, "anonymous") : NULL;
    if (anon) {
        /* structured authentication (1.31+): anonymous: {enabled, conditions} */
        node_value v = {.src = NODE_V_CONFIG, .file = d->path};
        snprintf(v.name, sizeof(v.name), "anonymous.enabled");
        v.node = ld_k8s_at(anon, "enabled");
        bool on = false;
        if (!v.node || !ld_k8s_bool(v.node, &on)) {
            v.node = anon;
            return node_emit(x, k->id, LD_STATUS_ERROR, c, &v,
                             "not assessed: %s anonymous.enabled in %s is missing or not a "
                             "boolean",
                             c->name, d->path);
        }
        const ld_yaml_node *conds = ld_k8s_at(anon, "conditions");
        if (!on)
            return node_emit(x, k->id, LD_STATUS_PASS, c, &v, "%s anonymous.enabled: false in %s",
                             c->name, d->path);
        if (conds && conds->kind == LD_YAML_SEQ && conds->n > 0) {
            char b[SHOW_MAX] = "";
            size_t used = 0;
            for (size_t i = 0; i < conds->n && used + 8 < sizeof(b); i++) {
                const char *p = ld_k8s_str(ld_yaml_get(conds->items[i], "path"));
                used += (size_t)snprintf(b + used, sizeof(b) - used, "%s%s", i ? ", " : "",
                                         p ? p : "?");
            }
            return node_emit(x, k->id, LD_STATUS_WARN, c, &v,
                             "%s anonymous.enabled: true in %s, limited to the paths %s: review "
                             "that only health endpoints are open",
                             c->name, d->path, b);
        }
        return node_emit(x, k->id, LD_STATUS_FAIL, c, &v,
                         "%s anonymous.enabled: true in %s, for every path", c->name, d->path);
    }
    static const node_rule r = {
        .kind = R_BOOL, .flag = "anonymous-auth", .want = "false", .dflt = "true"};
    const node_check k2 = {k->id, k->scope, check_rule, &r};
    return check_rule(x, &k2);
}

static int check_oidc(node_ctx *x, const node_check *k)
{
    node_component *c = comp_of(x, k);
    node_value v;
    node_flag_value(x->m, c, "oidc-issuer-url", &v);
    const char *url = value_text(&v);
    if (url && *url) {
        node_value id;
        node_flag_value(x->m, c, "oidc-client-id", &id);
        ld_autofree char *s = show(&id);
        return node_emit(x, k->id, LD_STATUS_PASS, c, &v, "%s --oidc-issuer-url=%s, %s", c->name,
                         url, s);
    }
    node_value av;
    const node_doc *d = authn_config(x, c, &av);
    if (d && d->error)
        return node_emit(x, k->id, LD_STATUS_ERROR, c, &av,
                         "not assessed: %s --authentication-config: %s", c->name, d->error);
    const ld_yaml_node *jwt = d ? ld_k8s_at(d->root, "jwt") : NULL;
    if (jwt && jwt->kind == LD_YAML_SEQ && jwt->n > 0) {
        const char *iss = ld_k8s_str(ld_k8s_at(jwt->items[0], "issuer.url"));
        node_value jv = {.src = NODE_V_CONFIG, .file = d->path, .node = jwt};
        snprintf(jv.name, sizeof(jv.name), "jwt");
        if (iss && *iss)
            return node_emit(x, k->id, LD_STATUS_PASS, c, &jv,
                             "%s --authentication-config %s: %zu JWT (OIDC) issuer%s, the first "
                             "%s",
                             c->name, d->path, jwt->n, jwt->n == 1 ? "" : "s", iss);
    }
    return node_emit(x, k->id, LD_STATUS_FAIL, c, &v,
                     "%s: no OIDC authenticator (--oidc-issuer-url not set%s): users "
                     "authenticate with client certificates or tokens, not the enterprise "
                     "directory",
                     c->name, d ? ", no jwt issuer in --authentication-config" : "");
}

/* ---- API server: authorization ----------------------------------------------------------- */

/* The API server's authorizers: --authorization-config's types, else
 * --authorization-mode (default AlwaysAllow). Returns 0, or 1 after an
 * error finding. *where describes the source; v set for targeting. */
static int authorizers(node_ctx *x, const node_check *k, node_component *c, ld_strlist *modes,
                       char **where, node_value *v)
{
    node_value cv;
    node_flag_value(x->m, c, "authorization-config", &cv);
    const char *p = value_text(&cv);
    if (p && *p) {
        const node_doc *d = node_component_doc(c, x->m->root, p, true);
        *v = cv;
        if (d->error) {
            int rc = node_emit(x, k->id, LD_STATUS_ERROR, c, &cv,
                               "not assessed: %s --authorization-config: %s", c->name, d->error);
            return rc < 0 ? rc : 1;
        }
        const ld_yaml_node *az = ld_k8s_at(d->root, "authorizers");
        for (size_t i = 0; az && az->kind == LD_YAML_SEQ && i < az->n; i++) {
            const char *t = ld_k8s_str(ld_yaml_get(az->items[i], "type"));
            if (t)
                ld_strlist_push(modes, t);
        }
        v->src = NODE_V_CONFIG;
        v->file = d->path;
        v->node = az ? az : d->root;
        snprintf(v->name, sizeof(v->name), "authorizers");
        *where = ld_xasprintf("--authorization-config %s authorizers", d->path);
        return 0;
    }
    node_flag_value(x->m, c, "authorization-mode", v);
    if (ld_node_flag_list(&c->flags, "authorization-mode", modes) == 0) {
        ld_strlist_push(modes, "AlwaysAllow");
        *where = ld_xstrdup("--authorization-mode not set: its default is");
    } else {
        *where = ld_xstrdup("--authorization-mode=");
    }
    return 0;
}

static int check_authorization(node_ctx *x, const node_check *k)
{
    node_component *c = comp_of(x, k);
    const char *mode = k->arg; /* "Node", "RBAC"; "!AlwaysAllow": must not be there */
    bool must_not = mode[0] == '!';
    if (must_not)
        mode++;
    ld_strlist modes = {0};
    ld_autofree char *where = NULL;
    node_value v;
    int rc = authorizers(x, k, c, &modes, &where, &v);
    if (rc != 0) {
        ld_strlist_clear(&modes);
        return rc < 0 ? rc : 0;
    }
    bool has = ld_strlist_contains(&modes, mode);
    ld_autofree char *list = ld_strlist_join(&modes, ",");
    bool ok = must_not ? !has : has;
    ld_strlist_clear(&modes);
    return node_emit(x, k->id, ok ? LD_STATUS_PASS : LD_STATUS_FAIL, c, &v, "%s %s%s%s", c->name,
                     where, where[strlen(where) - 1] == '=' ? "" : " ", list[0] ? list : "(none)");
}

/* ---- API server: admission plugins -------------------------------------------------------- */

typedef struct {
    const char *plugin;
    bool default_on; /* in the API server's default-enabled set */
    bool want_on;
} admission_rule;

static int check_admission(node_ctx *x, const node_check *k)
{
    const admission_rule *a = k->arg;
    node_component *c = comp_of(x, k);
    ld_strlist en = {0}, dis = {0}, legacy = {0};
    size_t n_en = ld_node_flag_list(&c->flags, "enable-admission-plugins", &en);
    size_t n_dis = ld_node_flag_list(&c->flags, "disable-admission-plugins", &dis);
    size_t n_legacy = ld_node_flag_list(&c->flags, "admission-control", &legacy);
    bool on;
    node_value v;
    const char *why;
    if (ld_strlist_contains(&dis, a->plugin)) {
        on = false;
        node_flag_value(x->m, c, "disable-admission-plugins", &v);
        why = "listed in --disable-admission-plugins";
    } else if (ld_strlist_contains(&en, a->plugin)) {
        on = true;
        node_flag_value(x->m, c, "enable-admission-plugins", &v);
        why = "listed in --enable-admission-plugins";
    } else if (ld_strlist_contains(&legacy, a->plugin)) {
        on = true;
        node_flag_value(x->m, c, "admission-control", &v);
        why = "listed in --admission-control";
    } else if (n_legacy) {
        /* the deprecated flag is the whole ordered list: no defaults */
        on = false;
        node_flag_value(x->m, c, "admission-control", &v);
        why = "not in --admission-control (the complete list when given)";
    } else {
        on = a->default_on;
        node_flag_value(x->m, c, n_en ? "enable-admission-plugins" : "disable-admission-plugins",
                        &v);
        why = a->default_on ? "not disabled: on by default" : "not enabled: off by default";
    }
    ld_autofree char *se = ld_strlist_join(&en, ",");
    ld_autofree char *sd = ld_strlist_join(&dis, ",");
    ld_strlist_clear(&en);
    ld_strlist_clear(&dis);
    ld_strlist_clear(&legacy);
    bool ok = on == a->want_on;
    return node_emit(x, k->id, ok ? LD_STATUS_PASS : LD_STATUS_FAIL, c, &v,
                     "%s admission plugin %s is %s (%s; --enable-admission-plugins=%s "
                     "--disable-admission-plugins=%s)",
                     c->name, a->plugin, on ? "enabled" : "not enabled", why,
                     n_en ? se : "(not set)", n_dis ? sd : "(not set)");
}

/* ---- TLS cipher suites ----------------------------------------------------------------------- */

typedef struct {
    const char *flag, *config;
    const char *const *allowed;
} cipher_rule;

static const char *const apiserver_ciphers[] = {
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    NULL,
};

static const char *const kubelet_ciphers[] = {
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
    NULL,
};

static bool in_list(const char *const *l, const char *s)
{
    for (; *l; l++)
        if (strcmp(*l, s) == 0)
            return true;
    return false;
}

static int check_ciphers(node_ctx *x, const node_check *k)
{
    const cipher_rule *cr = k->arg;
    node_component *c = comp_of(x, k);
    node_value v;
    lookup(x, c, cr->flag, cr->config, &v);
    ld_strlist suites = {0};
    if (v.src == NODE_V_FLAG) {
        ld_node_flag_list(&c->flags, cr->flag, &suites);
    } else if (v.src == NODE_V_CONFIG) {
        for (size_t i = 0; v.node->kind == LD_YAML_SEQ && i < v.node->n; i++) {
            const char *s = ld_k8s_str(v.node->items[i]);
            if (s)
                ld_strlist_push(&suites, s);
        }
        if (v.node->kind != LD_YAML_SEQ) {
            ld_autofree char *s = show(&v);
            return node_emit(x, k->id, LD_STATUS_ERROR, c, &v, "not assessed: %s %s is not a list",
                             c->name, s);
        }
    }
    ld_autofree char *shown = show(&v);
    if (v.src == NODE_V_UNSET) {
        ld_strlist_clear(&suites);
        if (config_unreadable(x, c))
            return node_emit(x, k->id, LD_STATUS_ERROR, c, &v, "not assessed: %s %s, and %s",
                             c->name, shown, config_unreadable(x, c));
        return node_emit(x, k->id, LD_STATUS_FAIL, c, &v,
                         "%s %s: the cipher suites of the Go runtime it was built with apply "
                         "(they depend on its Go version; the benchmark asks for an explicit "
                         "list of strong ones)",
                         c->name, shown);
    }
    ld_strlist weak = {0};
    for (size_t i = 0; i < suites.n; i++)
        if (!in_list(cr->allowed, suites.v[i]))
            ld_strlist_push(&weak, suites.v[i]);
    ld_autofree char *w = ld_strlist_join(&weak, ", ");
    int rc;
    if (suites.n == 0)
        rc = node_emit(x, k->id, LD_STATUS_FAIL, c, &v, "%s %s: an empty list (Go defaults)",
                       c->name, shown);
    else if (weak.n)
        rc = node_emit(x, k->id, LD_STATUS_FAIL, c, &v, "%s %s: not in the strong list: %s",
                       c->name, shown, w);
    else
        rc = node_emit(x, k->id, LD_STATUS_PASS, c, &v, "%s %s: every suite is a strong one",
                       c->name, shown);
    ld_strlist_clear(&suites);
    ld_strlist_clear(&weak);
    return rc;
}

/* ---- encryption of Secrets at rest -------------------------------------------------------------
 */

static bool resources_cover_secrets(const ld_yaml_node *res)
{
    for (size_t i = 0; res && res->kind == LD_YAML_SEQ && i < res->n; i++) {
        const char *r = ld_k8s_str(res->items[i]);
        /* "secrets", "*." (every core resource), "*.*" (every resource) */
        if (r && (strcmp(r, "secrets") == 0 || strcmp(r, "*.") == 0 || strcmp(r, "*.*") == 0))
            return true;
    }
    return false;
}

static int check_encryption_providers(node_ctx *x, const node_check *k)
{
    node_component *c = comp_of(x, k);
    node_value v;
    node_flag_value(x->m, c, "encryption-provider-config", &v);
    const char *p = value_text(&v);
    if (!p || !*p)
        return node_emit(x, k->id, LD_STATUS_FAIL, c, &v,
                         "%s --encryption-provider-config not set: Secrets are stored in etcd "
                         "unencrypted",
                         c->name);
    const node_doc *d = node_component_doc(c, x->m->root, p, true);
    if (d->error)
        return node_emit(x, k->id, LD_STATUS_ERROR, c, &v,
                         "not assessed: %s --encryption-provider-config: %s", c->name, d->error);
    if (strcmp(d->obj->kind, "EncryptionConfiguration") != 0) {
        node_value kv = {.src = NODE_V_CONFIG, .file = d->path, .node = d->root};
        snprintf(kv.name, sizeof(kv.name), "kind");
        return node_emit(x, k->id, LD_STATUS_ERROR, c, &kv,
                         "not assessed: %s is a %s, not an EncryptionConfiguration", d->path,
                         d->obj->kind);
    }
    const ld_yaml_node *entries = ld_k8s_at(d->root, "resources");
    for (size_t i = 0; entries && entries->kind == LD_YAML_SEQ && i < entries->n; i++) {
        const ld_yaml_node *e = entries->items[i];
        if (!resources_cover_secrets(ld_k8s_at(e, "resources")))
            continue;
        const ld_yaml_node *provs = ld_k8s_at(e, "providers");
        node_value pv = {.src = NODE_V_CONFIG, .file = d->path, .node = provs ? provs : e};
        snprintf(pv.name, sizeof(pv.name), "resources[%zu].providers", i);
        if (!provs || provs->kind != LD_YAML_SEQ || provs->n == 0 ||
            provs->items[0]->kind != LD_YAML_MAP || provs->items[0]->n == 0)
            return node_emit(x, k->id, LD_STATUS_ERROR, c, &pv,
                             "not assessed: %s resources[%zu] covers Secrets but has no provider",
                             d->path, i);
        /* the first provider encrypts what is written; the others only
         * decrypt what is already stored */
        const char *first = provs->items[0]->keys[0]->value;
        pv.node = provs->items[0];
        if (strcmp(first, "aescbc") == 0 || strcmp(first, "secretbox") == 0 ||
            strcmp(first, "kms") == 0)
            return node_emit(x, k->id, LD_STATUS_PASS, c, &pv,
                             "%s: Secrets are written with the %s provider (resources[%zu])",
                             d->path, first, i);
        if (strcmp(first, "aesgcm") == 0)
            return node_emit(x, k->id, LD_STATUS_WARN, c, &pv,
                             "%s: Secrets are written with aesgcm (resources[%zu]): encrypted, "
                             "but its keys must be rotated every 200,000 writes; the benchmark "
                             "accepts aescbc, kms or secretbox",
                             d->path, i);
        if (strcmp(first, "identity") == 0)
            return node_emit(x, k->id, LD_STATUS_FAIL, c, &pv,
                             "%s: the first provider for Secrets is identity (resources[%zu]): "
                             "they are written unencrypted",
                             d->path, i);
        return node_emit(x, k->id, LD_STATUS_ERROR, c, &pv,
                         "not assessed: %s: unknown first provider \"%s\" for Secrets", d->path,
                         first);
    }
    node_value rv = {.src = NODE_V_CONFIG, .file = d->path, .node = entries ? entries : d->root};
    snprintf(rv.name, sizeof(rv.name), "resources");
    return node_emit(x, k->id, LD_STATUS_FAIL, c, &rv,
                     "%s: no resources entry names secrets (or *. / *.*): Secrets are written "
                     "unencrypted",
                     d->path);
}

/* ---- audit policy
 * --------------------------------------------------------------------------------- */

typedef enum { LVL_NONE, LVL_METADATA, LVL_REQUEST, LVL_REQUEST_RESPONSE, LVL_BAD } audit_level;

static audit_level parse_level(const char *s)
{
    if (!s)
        return LVL_BAD;
    static const char *const names[] = {"None", "Metadata", "Request", "RequestResponse"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0)
            return (audit_level)i;
    return LVL_BAD;
}

static const char *level_name(audit_level l)
{
    static const char *const names[] = {"None", "Metadata", "Request", "RequestResponse", "?"};
    return names[l];
}

static bool seq_has(const ld_yaml_node *s, const char *v)
{
    for (size_t i = 0; s && s->kind == LD_YAML_SEQ && i < s->n; i++) {
        const char *t = ld_k8s_str(s->items[i]);
        if (t && strcmp(t, v) == 0)
            return true;
    }
    return false;
}

static bool seq_nonempty(const ld_yaml_node *s)
{
    return s && s->kind == LD_YAML_SEQ && s->n > 0;
}

/* Does a GroupResources entry match group/resource[/sub]? */
static bool gr_matches(const ld_yaml_node *gr, const char *group, const char *res, const char *sub)
{
    const char *g = ld_k8s_str(ld_yaml_get(gr, "group"));
    if (strcmp(g ? g : "", group) != 0)
        return false;
    if (seq_nonempty(ld_k8s_at(gr, "resourceNames")))
        return false; /* only some objects */
    const ld_yaml_node *rs = ld_k8s_at(gr, "resources");
    if (!seq_nonempty(rs))
        return true;
    char full[128], any_sub[128], star_sub[128];
    snprintf(full, sizeof(full), "%s%s%s", res, sub ? "/" : "", sub ? sub : "");
    snprintf(any_sub, sizeof(any_sub), "%s/*", res);
    snprintf(star_sub, sizeof(star_sub), "*/%s", sub ? sub : "");
    return seq_has(rs, full) || seq_has(rs, "*") || (sub && seq_has(rs, any_sub)) ||
           (sub && seq_has(rs, star_sub));
}

/* The level the first matching rule gives a request by an ordinary
 * authenticated user (rules limited to named users, some namespaces, some
 * objects or non-resource URLs do not match it), and that rule's index
 * (-1: none: the level is None). */
static audit_level audit_level_for(const ld_yaml_node *rules, const char *group, const char *res,
                                   const char *sub, const char *verb, long *rule)
{
    *rule = -1;
    for (size_t i = 0; rules && rules->kind == LD_YAML_SEQ && i < rules->n; i++) {
        const ld_yaml_node *r = rules->items[i];
        if (seq_nonempty(ld_k8s_at(r, "users")) || seq_nonempty(ld_k8s_at(r, "namespaces")) ||
            seq_nonempty(ld_k8s_at(r, "nonResourceURLs")))
            continue;
        const ld_yaml_node *ug = ld_k8s_at(r, "userGroups");
        if (seq_nonempty(ug) && !seq_has(ug, "system:authenticated"))
            continue;
        const ld_yaml_node *verbs = ld_k8s_at(r, "verbs");
        if (seq_nonempty(verbs) && !seq_has(verbs, verb))
            continue;
        const ld_yaml_node *grs = ld_k8s_at(r, "resources");
        if (seq_nonempty(grs)) {
            bool m = false;
            for (size_t j = 0; !m && j < grs->n; j++)
                m = gr_matches(grs->items[j], group, res, sub);
            if (!m)
                continue;
        }
        *rule = (long)i;
        return parse_level(ld_k8s_str(ld_yaml_get(r, "level")));
    }
    return LVL_NONE;
}

/* The --audit-policy-file document, or an emitted finding (returns NULL
 * with *rc set). */
static const node_doc *audit_policy(node_ctx *x, const node_check *k, node_component *c,
                                    node_value *v, int *rc)
{
    node_flag_value(x->m, c, "audit-policy-file", v);
    const char *p = value_text(v);
    *rc = 0;
    if (!p || !*p) {
        *rc = node_emit(x, k->id, LD_STATUS_FAIL, c, v,
                        "%s --audit-policy-file not set: the API server writes no audit events",
                        c->name);
        return NULL;
    }
    const node_doc *d = node_component_doc(c, x->m->root, p, true);
    if (d->error) {
        *rc = node_emit(x, k->id, LD_STATUS_ERROR, c, v, "not assessed: %s --audit-policy-file: %s",
                        c->name, d->error);
        return NULL;
    }
    if (strcmp(d->obj->kind, "Policy") != 0) {
        *rc = node_emit(x, k->id, LD_STATUS_ERROR, c, v,
                        "not assessed: %s is a %s, not an audit Policy", d->path, d->obj->kind);
        return NULL;
    }
    return d;
}

static int check_audit_policy(node_ctx *x, const node_check *k)
{
    node_component *c = comp_of(x, k);
    node_value v;
    int rc;
    const node_doc *d = audit_policy(x, k, c, &v, &rc);
    if (!d)
        return rc;
    const ld_yaml_node *rules = ld_k8s_at(d->root, "rules");
    node_value rv = {.src = NODE_V_CONFIG, .file = d->path, .node = rules ? rules : d->root};
    snprintf(rv.name, sizeof(rv.name), "rules");
    size_t logging = 0;
    for (size_t i = 0; rules && rules->kind == LD_YAML_SEQ && i < rules->n; i++) {
        audit_level l = parse_level(ld_k8s_str(ld_yaml_get(rules->items[i], "level")));
        if (l == LVL_BAD)
            return node_emit(x, k->id, LD_STATUS_ERROR, c, &rv,
                             "not assessed: %s rules[%zu] has no valid level", d->path, i);
        logging += l != LVL_NONE;
    }
    if (logging == 0)
        return node_emit(x, k->id, LD_STATUS_FAIL, c, &rv,
                         "%s: no rule logs anything (%zu rules, none above level None)", d->path,
                         rules && rules->kind == LD_YAML_SEQ ? rules->n : 0);
    return node_emit(x, k->id, LD_STATUS_PASS, c, &rv, "%s: %zu of %zu rules log events", d->path,
                     logging, rules->n);
}

typedef struct {
    const char *group, *res, *sub, *verb;
    const char *what;
    bool metadata_only; /* sensitive: exactly Metadata (logged, without bodies) */
} audit_concern;

static const audit_concern concerns[] = {
    {"", "secrets", NULL, "get", "reading Secrets", true},
    {"", "configmaps", NULL, "get", "reading ConfigMaps", true},
    {"authentication.k8s.io", "tokenreviews", NULL, "create", "TokenReviews", true},
    {"", "pods", NULL, "create", "creating Pods", false},
    {"", "pods", NULL, "patch", "changing Pods", false},
    {"", "pods", NULL, "delete", "deleting Pods", false},
    {"apps", "deployments", NULL, "create", "creating Deployments", false},
    {"apps", "deployments", NULL, "update", "changing Deployments", false},
    {"apps", "deployments", NULL, "delete", "deleting Deployments", false},
    {"", "pods", "exec", "create", "pods/exec", false},
    {"", "pods", "portforward", "create", "pods/portforward", false},
    {"", "pods", "proxy", "get", "pods/proxy", false},
    {"", "services", "proxy", "get", "services/proxy", false},
};

static int check_audit_coverage(node_ctx *x, const node_check *k)
{
    node_component *c = comp_of(x, k);
    node_value v;
    int rc;
    const node_doc *d = audit_policy(x, k, c, &v, &rc);
    if (!d)
        return rc;
    const ld_yaml_node *rules = ld_k8s_at(d->root, "rules");
    node_value rv = {.src = NODE_V_CONFIG, .file = d->path, .node = rules ? rules : d->root};
    snprintf(rv.name, sizeof(rv.name), "rules");
    ld_strlist gaps = {0};
    for (size_t i = 0; i < sizeof(concerns) / sizeof(concerns[0]); i++) {
        const audit_concern *q = &concerns[i];
        long at = -1;
        audit_level l = audit_level_for(rules, q->group, q->res, q->sub, q->verb, &at);
        ld_autofree char *by =
            at < 0 ? ld_xstrdup("no rule matches") : ld_xasprintf("rules[%ld]", at);
        if (l == LVL_BAD)
            ld_strlist_push_owned(&gaps, ld_xasprintf("%s: %s has no valid level", q->what, by));
        else if (l == LVL_NONE)
            ld_strlist_push_owned(&gaps, ld_xasprintf("%s not logged (%s)", q->what, by));
        else if (q->metadata_only && l != LVL_METADATA)
            ld_strlist_push_owned(&gaps, ld_xasprintf("%s logged at %s (%s): request bodies "
                                                      "with secret data go to the log; use "
                                                      "Metadata",
                                                      q->what, level_name(l), by));
    }
    ld_autofree char *g = ld_strlist_join(&gaps, "; ");
    bool ok = gaps.n == 0;
    ld_strlist_clear(&gaps);
    if (ok)
        return node_emit(x, k->id, LD_STATUS_PASS, c, &rv,
                         "%s: Secrets, ConfigMaps and TokenReviews at Metadata; Pod and "
                         "Deployment changes, exec, port-forward and proxy logged",
                         d->path);
    return node_emit(x, k->id, LD_STATUS_FAIL, c, &rv, "%s: %s", d->path, g);
}

/* ---- etcd: a CA of its own
 * ------------------------------------------------------------------------- */

static int check_etcd_unique_ca(node_ctx *x, const node_check *k)
{
    node_component *e = comp_of(x, k);
    node_value ev;
    node_flag_value(x->m, e, "trusted-ca-file", &ev);
    const char *ca = value_text(&ev);
    ld_autofree char *shown = show(&ev);
    if (!ca || !*ca) {
        if (ev.src == NODE_V_UNSET && config_unreadable(x, e))
            return node_emit(x, k->id, LD_STATUS_ERROR, e, &ev, "not assessed: etcd %s, and %s",
                             shown, config_unreadable(x, e));
        return node_emit(x, k->id, LD_STATUS_FAIL, e, &ev,
                         "etcd %s: client certificates are not checked against a CA of its own",
                         shown);
    }
    char *why = NULL;
    ld_autofree char *etcd_path = node_host_path(e, ca, &why);
    free(why);
    /* the Kubernetes CAs on this node: the API server's and the kubelet's */
    struct {
        const char *who;
        char *path;
    } others[2] = {{"kube-apiserver --client-ca-file", NULL}, {"kubelet client CA", NULL}};
    node_component *api = &x->m->c[NODE_APISERVER];
    if (api->present && !api->unread) {
        node_value av;
        node_flag_value(x->m, api, "client-ca-file", &av);
        const char *p = value_text(&av);
        if (p && *p) {
            others[0].path = node_host_path(api, p, &why);
            free(why);
        }
    }
    if (x->m->c[NODE_KUBELET].present && !x->m->c[NODE_KUBELET].unread) {
        node_value kv;
        node_kubelet_value(x->m, "client-ca-file", "authentication.x509.clientCAFile", &kv);
        const char *p = value_text(&kv);
        if (p && *p)
            others[1].path = ld_xstrdup(p);
    }
    const char *roots[2] = {node_read_root(x->m, api),
                            node_read_root(x->m, &x->m->c[NODE_KUBELET])};
    int rc = 0;
    bool compared = false, same = false;
    const char *same_as = NULL;
    ld_autofree char *etcd_pem = NULL;
    size_t etcd_len = 0;
    ld_error rerr = LD_ERROR_INIT;
    bool etcd_read =
        etcd_path && ld_host_read_file(node_read_root(x->m, e), etcd_path, NODE_FILE_MAX, &etcd_pem,
                                       &etcd_len, &rerr) == 0;
    for (int i = 0; i < 2 && !same; i++) {
        if (!others[i].path)
            continue;
        compared = true;
        if (etcd_path && strcmp(others[i].path, etcd_path) == 0 &&
            strcmp(roots[i], node_read_root(x->m, e)) == 0) {
            same = true;
            same_as = others[i].who;
            continue;
        }
        ld_autofree char *pem = NULL;
        size_t len = 0;
        if (etcd_read &&
            ld_host_read_file(roots[i], others[i].path, NODE_FILE_MAX, &pem, &len, &rerr) == 0 &&
            len == etcd_len && memcmp(pem, etcd_pem, len) == 0) {
            same = true;
            same_as = others[i].who;
        }
    }
    if (same)
        rc = node_emit(x, k->id, LD_STATUS_FAIL, e, &ev,
                       "etcd %s is the same CA as the %s: any client certificate of the "
                       "cluster CA can reach etcd",
                       shown, same_as);
    else if (compared)
        rc = node_emit(x, k->id, LD_STATUS_PASS, e, &ev, "etcd %s differs from %s%s%s", shown,
                       others[0].path ? others[0].path : "",
                       others[0].path && others[1].path ? " and " : "",
                       others[1].path ? others[1].path : "");
    else
        rc = node_emit(x, k->id, LD_STATUS_MANUAL, e, &ev,
                       "etcd %s; no Kubernetes CA is named on this node to compare it with: "
                       "confirm that it is etcd's own",
                       shown);
    free(others[0].path);
    free(others[1].path);
    return rc;
}

/* ---- kubelet: server certificate
 * ---------------------------------------------------------------------- */

static int check_kubelet_server_tls(node_ctx *x, const node_check *k)
{
    node_component *c = comp_of(x, k);
    node_value cert, key, boot;
    node_kubelet_value(x->m, "tls-cert-file", "tlsCertFile", &cert);
    node_kubelet_value(x->m, "tls-private-key-file", "tlsPrivateKeyFile", &key);
    node_kubelet_value(x->m, "rotate-server-certificates", "serverTLSBootstrap", &boot);
    const char *tc = value_text(&cert), *tk = value_text(&key);
    ld_autofree char *sc = show(&cert);
    ld_autofree char *sk = show(&key);
    ld_autofree char *sb = show(&boot);
    if (tc && *tc && tk && *tk)
        return node_emit(x, k->id, LD_STATUS_PASS, c, &cert, "kubelet %s, %s", sc, sk);
    bool on = false;
    int got = value_bool(&boot, &on);
    if (got < 0)
        return node_emit(x, k->id, LD_STATUS_ERROR, c, &boot,
                         "not assessed: kubelet %s is not "
                         "a boolean",
                         sb);
    if (got > 0 && on)
        return node_emit(x, k->id, LD_STATUS_PASS, c, &boot,
                         "kubelet %s: its serving certificate is requested from the cluster CA "
                         "and rotated",
                         sb);
    if (config_unreadable(x, c))
        return node_emit(x, k->id, LD_STATUS_ERROR, c, &cert,
                         "not assessed: kubelet %s, %s, "
                         "and %s",
                         sc, sk, config_unreadable(x, c));
    return node_emit(x, k->id, LD_STATUS_FAIL, c, &cert,
                     "kubelet %s, %s, %s: the kubelet serves a self-signed certificate the API "
                     "server cannot verify",
                     sc, sk, sb);
}

/* ---- kube-proxy: metrics bound to localhost
 * ------------------------------------------------------------ */

static bool loopback_host(const char *addr)
{
    /* "127.0.0.1:10249", "[::1]:10249", "localhost:10249", "127.0.0.1" */
    return strncmp(addr, "127.", 4) == 0 || strncmp(addr, "[::1]", 5) == 0 ||
           strcmp(addr, "::1") == 0 || strncmp(addr, "localhost", 9) == 0;
}

static int check_proxy_metrics(node_ctx *x, const node_check *k)
{
    node_component *c = comp_of(x, k);
    node_value v;
    node_flag_value(x->m, c, "metrics-bind-address", &v);
    ld_autofree char *shown = show(&v);
    const char *t = value_text(&v);
    if (v.src == NODE_V_UNSET) {
        if (config_unreadable(x, c))
            return node_emit(x, k->id, LD_STATUS_ERROR, c, &v,
                             "not assessed: kube-proxy %s, and "
                             "%s",
                             shown, config_unreadable(x, c));
        return node_emit(x, k->id, LD_STATUS_PASS, c, &v,
                         "kube-proxy %s: its default is 127.0.0.1:10249", shown);
    }
    if (!t || !*t)
        return node_emit(x, k->id, LD_STATUS_PASS, c, &v,
                         "kube-proxy %s (empty): its default 127.0.0.1:10249 applies", shown);
    return node_emit(x, k->id, loopback_host(t) ? LD_STATUS_PASS : LD_STATUS_FAIL, c, &v,
                     "kube-proxy %s", shown);
}

/* ---- the table
 * ------------------------------------------------------------------------------------------ */

/* kube-apiserver */
static const node_rule api_token_auth = {.kind = R_UNSET, .flag = "token-auth-file"};
static const node_rule api_kubelet_cert = {
    .kind = R_SET, .flag = "kubelet-client-certificate", .flag2 = "kubelet-client-key"};
static const node_rule api_kubelet_ca = {.kind = R_SET, .flag = "kubelet-certificate-authority"};
static const node_rule api_profiling = {
    .kind = R_BOOL, .flag = "profiling", .want = "false", .dflt = "true"};
static const node_rule api_audit_path = {.kind = R_SET, .flag = "audit-log-path"};
static const node_rule api_audit_maxage = {
    .kind = R_INT_MIN, .flag = "audit-log-maxage", .want = "30", .dflt = "0"};
static const node_rule api_audit_maxbackup = {
    .kind = R_INT_MIN, .flag = "audit-log-maxbackup", .want = "10", .dflt = "0"};
static const node_rule api_audit_maxsize = {
    .kind = R_INT_MIN, .flag = "audit-log-maxsize", .want = "100", .dflt = "0"};
static const node_rule api_sa_lookup = {
    .kind = R_BOOL, .flag = "service-account-lookup", .want = "true", .dflt = "true"};
static const node_rule api_sa_key = {.kind = R_SET, .flag = "service-account-key-file"};
static const node_rule api_etcd_cert = {
    .kind = R_SET, .flag = "etcd-certfile", .flag2 = "etcd-keyfile"};
static const node_rule api_tls = {
    .kind = R_SET, .flag = "tls-cert-file", .flag2 = "tls-private-key-file"};
static const node_rule api_client_ca = {.kind = R_SET, .flag = "client-ca-file"};
static const node_rule api_etcd_ca = {.kind = R_SET, .flag = "etcd-cafile"};
static const node_rule api_encryption = {.kind = R_SET, .flag = "encryption-provider-config"};
static const admission_rule adm_deny_external_ips = {"DenyServiceExternalIPs", false, true};
static const admission_rule adm_event_rate_limit = {"EventRateLimit", false, true};
static const admission_rule adm_always_admit = {"AlwaysAdmit", false, false};
static const admission_rule adm_always_pull = {"AlwaysPullImages", false, true};
static const admission_rule adm_service_account = {"ServiceAccount", true, true};
static const admission_rule adm_namespace_lifecycle = {"NamespaceLifecycle", true, true};
static const admission_rule adm_node_restriction = {"NodeRestriction", false, true};
static const cipher_rule api_ciphers = {"tls-cipher-suites", NULL, apiserver_ciphers};

/* kube-controller-manager */
static const node_rule cm_gc_threshold = {.kind = R_SET, .flag = "terminated-pod-gc-threshold"};
static const node_rule cm_profiling = {
    .kind = R_BOOL, .flag = "profiling", .want = "false", .dflt = "true"};
static const node_rule cm_sa_credentials = {
    .kind = R_BOOL, .flag = "use-service-account-credentials", .want = "true", .dflt = "false"};
static const node_rule cm_sa_key = {.kind = R_SET, .flag = "service-account-private-key-file"};
static const node_rule cm_root_ca = {.kind = R_SET, .flag = "root-ca-file"};
static const node_rule cm_rotate_server = {.kind = R_GATE_NOT_FALSE,
                                           .flag = "feature-gates",
                                           .want = "RotateKubeletServerCertificate",
                                           .dflt = "true",
                                           .since = "on by default since Kubernetes 1.12 (beta)"};
static const node_rule cm_bind = {
    .kind = R_EQ, .flag = "bind-address", .want = "127.0.0.1", .dflt = "0.0.0.0"};

/* kube-scheduler */
static const node_rule sched_profiling = {
    .kind = R_BOOL, .flag = "profiling", .want = "false", .dflt = "true"};
static const node_rule sched_bind = {
    .kind = R_EQ, .flag = "bind-address", .want = "127.0.0.1", .dflt = "0.0.0.0"};

/* etcd (defaults: etcd's own, every version) */
static const node_rule etcd_cert = {.kind = R_SET, .flag = "cert-file", .flag2 = "key-file"};
static const node_rule etcd_client_auth = {
    .kind = R_BOOL, .flag = "client-cert-auth", .want = "true", .dflt = "false"};
static const node_rule etcd_auto_tls = {
    .kind = R_BOOL, .flag = "auto-tls", .want = "false", .dflt = "false"};
static const node_rule etcd_peer_cert = {
    .kind = R_SET, .flag = "peer-cert-file", .flag2 = "peer-key-file"};
static const node_rule etcd_peer_auth = {
    .kind = R_BOOL, .flag = "peer-client-cert-auth", .want = "true", .dflt = "false"};
static const node_rule etcd_peer_auto_tls = {
    .kind = R_BOOL, .flag = "peer-auto-tls", .want = "false", .dflt = "false"};

/* kubelet: flag default (no config file: the kubelet's legacy flag
 * defaults) and config file default (KubeletConfiguration v1beta1
 * defaulting); a flag given on the command line wins over both files. */
static const node_rule kl_anonymous = {.kind = R_BOOL,
                                       .flag = "anonymous-auth",
                                       .config = "authentication.anonymous.enabled",
                                       .want = "false",
                                       .dflt = "true",
                                       .config_dflt = "false"};
static const node_rule kl_authz = {.kind = R_NOT_EQ,
                                   .flag = "authorization-mode",
                                   .config = "authorization.mode",
                                   .want = "AlwaysAllow",
                                   .dflt = "AlwaysAllow",
                                   .config_dflt = "Webhook"};
static const node_rule kl_client_ca = {
    .kind = R_SET, .flag = "client-ca-file", .config = "authentication.x509.clientCAFile"};
static const node_rule kl_read_only_port = {.kind = R_INT_EQ,
                                            .flag = "read-only-port",
                                            .config = "readOnlyPort",
                                            .want = "0",
                                            .dflt = "10255",
                                            .config_dflt = "0"};
static const node_rule kl_streaming = {.kind = R_DURATION_NONZERO,
                                       .flag = "streaming-connection-idle-timeout",
                                       .config = "streamingConnectionIdleTimeout",
                                       .dflt = "4h0m0s",
                                       .config_dflt = "4h0m0s"};
static const node_rule kl_iptables = {.kind = R_BOOL,
                                      .flag = "make-iptables-util-chains",
                                      .config = "makeIPTablesUtilChains",
                                      .want = "true",
                                      .dflt = "true",
                                      .config_dflt = "true"};
static const node_rule kl_hostname = {.kind = R_UNSET, .flag = "hostname-override"};
static const node_rule kl_rotate = {.kind = R_BOOL,
                                    .flag = "rotate-certificates",
                                    .config = "rotateCertificates",
                                    .want = "true",
                                    .dflt = "false",
                                    .config_dflt = "false",
                                    .note =
                                        "the kubelet does not rotate its client certificate unless "
                                        "this is true; the benchmark's text accepts it unset"};
static const node_rule kl_rotate_server = {.kind = R_GATE_NOT_FALSE,
                                           .flag = "feature-gates",
                                           .want = "RotateKubeletServerCertificate",
                                           .dflt = "true",
                                           .since = "on by default since Kubernetes 1.12 (beta)"};
static const cipher_rule kl_ciphers = {"tls-cipher-suites", "tlsCipherSuites", kubelet_ciphers};
static const node_rule kl_pids = {.kind = R_INT_POSITIVE,
                                  .flag = "pod-max-pids",
                                  .config = "podPidsLimit",
                                  .dflt = "-1",
                                  .config_dflt = "-1"};

const node_check node_checks[] = {
    /* 1.2 API server */
    {"k8s.node.apiserver.anonymous-auth", NODE_APISERVER, check_anonymous_auth, NULL},   /* 1.2.1 */
    {"k8s.node.apiserver.token-auth-file", NODE_APISERVER, check_rule, &api_token_auth}, /* 1.2.2 */
    {"k8s.node.apiserver.deny-service-external-ips", NODE_APISERVER, check_admission,
     &adm_deny_external_ips}, /* 1.2.3 */
    {"k8s.node.apiserver.kubelet-client-cert", NODE_APISERVER, check_rule,
     &api_kubelet_cert}, /* 1.2.4 */
    {"k8s.node.apiserver.kubelet-certificate-authority", NODE_APISERVER, check_rule,
     &api_kubelet_ca}, /* 1.2.5 */
    {"k8s.node.apiserver.authorization-not-always-allow", NODE_APISERVER, check_authorization,
     "!AlwaysAllow"}, /* 1.2.6 */
    {"k8s.node.apiserver.authorization-node", NODE_APISERVER, check_authorization,
     "Node"}, /* 1.2.7 */
    {"k8s.node.apiserver.authorization-rbac", NODE_APISERVER, check_authorization,
     "RBAC"}, /* 1.2.8 */
    {"k8s.node.apiserver.event-rate-limit", NODE_APISERVER, check_admission,
     &adm_event_rate_limit}, /* 1.2.9 */
    {"k8s.node.apiserver.always-admit", NODE_APISERVER, check_admission,
     &adm_always_admit}, /* 1.2.10 */
    {"k8s.node.apiserver.always-pull-images", NODE_APISERVER, check_admission,
     &adm_always_pull}, /* 1.2.11 */
    {"k8s.node.apiserver.service-account-admission", NODE_APISERVER, check_admission,
     &adm_service_account}, /* 1.2.12 */
    {"k8s.node.apiserver.namespace-lifecycle", NODE_APISERVER, check_admission,
     &adm_namespace_lifecycle}, /* 1.2.13 */
    {"k8s.node.apiserver.node-restriction", NODE_APISERVER, check_admission,
     &adm_node_restriction},                                                            /* 1.2.14 */
    {"k8s.node.apiserver.profiling", NODE_APISERVER, check_rule, &api_profiling},       /* 1.2.15 */
    {"k8s.node.apiserver.audit-log-path", NODE_APISERVER, check_rule, &api_audit_path}, /* 1.2.16 */
    {"k8s.node.apiserver.audit-log-maxage", NODE_APISERVER, check_rule,
     &api_audit_maxage}, /* 1.2.17 */
    {"k8s.node.apiserver.audit-log-maxbackup", NODE_APISERVER, check_rule,
     &api_audit_maxbackup}, /* 1.2.18 */
    {"k8s.node.apiserver.audit-log-maxsize", NODE_APISERVER, check_rule,
     &api_audit_maxsize}, /* 1.2.19 */
    {"k8s.node.apiserver.service-account-lookup", NODE_APISERVER, check_rule,
     &api_sa_lookup}, /* 1.2.21 */
    {"k8s.node.apiserver.service-account-key-file", NODE_APISERVER, check_rule,
     &api_sa_key}, /* 1.2.22 */
    {"k8s.node.apiserver.etcd-client-cert", NODE_APISERVER, check_rule,
     &api_etcd_cert},                                                                  /* 1.2.23 */
    {"k8s.node.apiserver.tls-cert", NODE_APISERVER, check_rule, &api_tls},             /* 1.2.24 */
    {"k8s.node.apiserver.client-ca-file", NODE_APISERVER, check_rule, &api_client_ca}, /* 1.2.25 */
    {"k8s.node.apiserver.etcd-cafile", NODE_APISERVER, check_rule, &api_etcd_ca},      /* 1.2.26 */
    {"k8s.node.apiserver.encryption-provider-config", NODE_APISERVER, check_rule,
     &api_encryption}, /* 1.2.27 */
    {"k8s.node.apiserver.encryption-providers", NODE_APISERVER, check_encryption_providers,
     NULL}, /* 1.2.28 */
    {"k8s.node.apiserver.tls-cipher-suites", NODE_APISERVER, check_ciphers,
     &api_ciphers},                                                /* 1.2.29 */
    {"k8s.node.apiserver.oidc", NODE_APISERVER, check_oidc, NULL}, /* NIST 4.3.2 SSO */
    /* 3.2 logging */
    {"k8s.node.apiserver.audit-policy", NODE_APISERVER, check_audit_policy, NULL}, /* 3.2.1 */
    {"k8s.node.apiserver.audit-policy-coverage", NODE_APISERVER, check_audit_coverage,
     NULL}, /* 3.2.2 */
    /* 1.3 controller manager */
    {"k8s.node.controller-manager.terminated-pod-gc-threshold", NODE_CONTROLLER_MANAGER, check_rule,
     &cm_gc_threshold}, /* 1.3.1 */
    {"k8s.node.controller-manager.profiling", NODE_CONTROLLER_MANAGER, check_rule,
     &cm_profiling}, /* 1.3.2 */
    {"k8s.node.controller-manager.use-service-account-credentials", NODE_CONTROLLER_MANAGER,
     check_rule, &cm_sa_credentials}, /* 1.3.3 */
    {"k8s.node.controller-manager.service-account-private-key-file", NODE_CONTROLLER_MANAGER,
     check_rule, &cm_sa_key}, /* 1.3.4 */
    {"k8s.node.controller-manager.root-ca-file", NODE_CONTROLLER_MANAGER, check_rule,
     &cm_root_ca}, /* 1.3.5 */
    {"k8s.node.controller-manager.rotate-kubelet-server-certificate", NODE_CONTROLLER_MANAGER,
     check_rule, &cm_rotate_server}, /* 1.3.6 */
    {"k8s.node.controller-manager.bind-address", NODE_CONTROLLER_MANAGER, check_rule,
     &cm_bind}, /* 1.3.7 */
    /* 1.4 scheduler */
    {"k8s.node.scheduler.profiling", NODE_SCHEDULER, check_rule, &sched_profiling}, /* 1.4.1 */
    {"k8s.node.scheduler.bind-address", NODE_SCHEDULER, check_rule, &sched_bind},   /* 1.4.2 */
    /* 2 etcd */
    {"k8s.node.etcd.client-tls-cert", NODE_ETCD, check_rule, &etcd_cert},            /* 2.1 */
    {"k8s.node.etcd.client-cert-auth", NODE_ETCD, check_rule, &etcd_client_auth},    /* 2.2 */
    {"k8s.node.etcd.auto-tls", NODE_ETCD, check_rule, &etcd_auto_tls},               /* 2.3 */
    {"k8s.node.etcd.peer-tls-cert", NODE_ETCD, check_rule, &etcd_peer_cert},         /* 2.4 */
    {"k8s.node.etcd.peer-client-cert-auth", NODE_ETCD, check_rule, &etcd_peer_auth}, /* 2.5 */
    {"k8s.node.etcd.peer-auto-tls", NODE_ETCD, check_rule, &etcd_peer_auto_tls},     /* 2.6 */
    {"k8s.node.etcd.unique-ca", NODE_ETCD, check_etcd_unique_ca, NULL},              /* 2.7 */
    /* 4.2 kubelet */
    {"k8s.node.kubelet.anonymous-auth", NODE_KUBELET, check_rule, &kl_anonymous},      /* 4.2.1 */
    {"k8s.node.kubelet.authorization-mode", NODE_KUBELET, check_rule, &kl_authz},      /* 4.2.2 */
    {"k8s.node.kubelet.client-ca-file", NODE_KUBELET, check_rule, &kl_client_ca},      /* 4.2.3 */
    {"k8s.node.kubelet.read-only-port", NODE_KUBELET, check_rule, &kl_read_only_port}, /* 4.2.4 */
    {"k8s.node.kubelet.streaming-idle-timeout", NODE_KUBELET, check_rule,
     &kl_streaming},                                                                   /* 4.2.5 */
    {"k8s.node.kubelet.iptables-util-chains", NODE_KUBELET, check_rule, &kl_iptables}, /* 4.2.6 */
    {"k8s.node.kubelet.hostname-override", NODE_KUBELET, check_rule, &kl_hostname},    /* 4.2.7 */
    {"k8s.node.kubelet.server-tls", NODE_KUBELET, check_kubelet_server_tls, NULL},     /* 4.2.9 */
    {"k8s.node.kubelet.rotate-certificates", NODE_KUBELET, check_rule, &kl_rotate},    /* 4.2.10 */
    {"k8s.node.kubelet.rotate-server-certificate", NODE_KUBELET, check_rule,
     &kl_rotate_server},                                                              /* 4.2.11 */
    {"k8s.node.kubelet.tls-cipher-suites", NODE_KUBELET, check_ciphers, &kl_ciphers}, /* 4.2.12 */
    {"k8s.node.kubelet.pod-pids-limit", NODE_KUBELET, check_rule, &kl_pids},          /* 4.2.13 */
    /* 4.3 kube-proxy */
    {"k8s.node.proxy.metrics-bind-address", NODE_PROXY, check_proxy_metrics, NULL}, /* 4.3.1 */
};

const size_t node_checks_count = sizeof(node_checks) / sizeof(node_checks[0]);
