/* The registry audit from the registry's own configuration: distribution's
 * config.yml (auth, http.tls, notifications, storage.delete, log, http
 * .secret), parsed into the few facts the checks judge and judged. The
 * file is hostile input: one YAML document, size, depth and node counts
 * capped, anchors allowed but counted; a value of the wrong type makes
 * the check it belongs to "not assessed" with the line, never a guess.
 * The tree and the file's bytes are wiped before they are freed (the
 * file holds http.secret, storage keys, notification headers), and no
 * secret value is kept or shown.
 *
 * What the file cannot say: distribution lets REGISTRY_* environment
 * variables override any field (REGISTRY_HTTP_SECRET, REGISTRY_AUTH_...);
 * the checks judge the file, and the evidence says so where it matters. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/audit.h"
#include "util/cleanup.h"
#include "util/input_file.h"
#include "util/mem.h"
#include "util/url_redact.h"
#include "util/yaml_doc.h"

#define CONFIG_MAX_DEPTH 32
#define CONFIG_MAX_NODES 100000
#define CONFIG_MAX_ENDPOINTS 256
#define VALUE_SHOWN_MAX 200
#define ENDPOINTS_SHOWN 10

const char *const ld_reg_config_checks[] = {
    "registry.config.auth",
    "registry.config.tls",
    "registry.config.notifications",
    "registry.config.storage-delete",
    "registry.config.log-level",
    "registry.config.http-secret",
    NULL,
};

/* ---- typed reads ------------------------------------------------------------- */

/* Sets *problem (once: the first problem of a check is the one shown). */
static void problem(char **slot, const ld_yaml_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void problem(char **slot, const ld_yaml_node *n, const char *fmt, ...)
{
    if (*slot)
        return;
    va_list ap;
    va_start(ap, fmt);
    ld_autofree char *what = ld_xvasprintf(fmt, ap);
    va_end(ap);
    *slot = n ? ld_xasprintf("line %d: %s", n->line, what) : ld_xstrdup(what);
}

static bool is_null(const ld_yaml_node *n)
{
    return !n || (n->kind == LD_YAML_SCALAR && !n->quoted && ld_yaml_text_is_null(n->value));
}

/* A map at key of m: NULL when absent or null; a wrong type is a problem. */
static const ld_yaml_node *get_map(const ld_yaml_node *m, const char *key, const char *path,
                                   char **slot)
{
    const ld_yaml_node *n = ld_yaml_get(m, key);
    if (is_null(n))
        return NULL;
    if (n->kind != LD_YAML_MAP) {
        problem(slot, n, "%s is %s, expected a map", path, ld_yaml_kind_name(n->kind));
        return NULL;
    }
    return n;
}

/* A string at key: NULL when absent or null. */
static char *get_str(const ld_yaml_node *m, const char *key, const char *path, char **slot)
{
    const ld_yaml_node *n = ld_yaml_get(m, key);
    if (is_null(n))
        return NULL;
    if (n->kind != LD_YAML_SCALAR) {
        problem(slot, n, "%s is %s, expected a string", path, ld_yaml_kind_name(n->kind));
        return NULL;
    }
    return ld_xstrdup(n->value);
}

/* A boolean at key (YAML 1.1 forms, unquoted), def when absent or null. */
static bool get_bool(const ld_yaml_node *m, const char *key, const char *path, bool def,
                     char **slot)
{
    const ld_yaml_node *n = ld_yaml_get(m, key);
    if (is_null(n))
        return def;
    bool v = def;
    if (n->kind != LD_YAML_SCALAR || n->quoted || !ld_yaml_text_bool(n->value, &v)) {
        if (n->kind == LD_YAML_SCALAR)
            problem(slot, n, "%s is \"%.*s\", expected true or false", path, 40, n->value);
        else
            problem(slot, n, "%s is %s, expected true or false", path, ld_yaml_kind_name(n->kind));
        return def;
    }
    return v;
}

/* ---- sections --------------------------------------------------------------------- */

static void read_auth(const ld_yaml_node *root, ld_reg_config *c)
{
    const ld_yaml_node *auth = get_map(root, "auth", "auth", &c->problem_auth);
    if (!auth || auth->n == 0) {
        c->auth = LD_REGCFG_AUTH_NONE;
        return;
    }
    c->n_auth_kinds = auth->n;
    const char *kind = ld_yaml_str(auth->keys[0]);
    c->auth_kind = ld_xstrdup(kind ? kind : "");
    if (strcmp(c->auth_kind, "htpasswd") == 0)
        c->auth = LD_REGCFG_AUTH_HTPASSWD;
    else if (strcmp(c->auth_kind, "token") == 0)
        c->auth = LD_REGCFG_AUTH_TOKEN;
    else if (strcmp(c->auth_kind, "silly") == 0)
        c->auth = LD_REGCFG_AUTH_SILLY;
    else
        c->auth = LD_REGCFG_AUTH_OTHER;
    const ld_yaml_node *params = auth->items[0];
    if (is_null(params))
        return;
    if (params->kind != LD_YAML_MAP) {
        problem(&c->problem_auth, params, "auth.%.40s is %s, expected a map", c->auth_kind,
                ld_yaml_kind_name(params->kind));
        return;
    }
    if (c->auth == LD_REGCFG_AUTH_HTPASSWD)
        c->htpasswd_path = get_str(params, "path", "auth.htpasswd.path", &c->problem_auth);
    else if (c->auth == LD_REGCFG_AUTH_TOKEN)
        c->token_realm = get_str(params, "realm", "auth.token.realm", &c->problem_auth);
}

static void read_http(const ld_yaml_node *root, ld_reg_config *c)
{
    const ld_yaml_node *http = get_map(root, "http", "http", &c->problem_tls);
    if (!http)
        return;
    c->http_addr = get_str(http, "addr", "http.addr", &c->problem_tls);
    c->http_net = get_str(http, "net", "http.net", &c->problem_tls);
    c->http_host = get_str(http, "host", "http.host", &c->problem_tls);
    const ld_yaml_node *secret = ld_yaml_get(http, "secret");
    if (!is_null(secret)) {
        if (secret->kind != LD_YAML_SCALAR) {
            problem(&c->problem_secret, secret, "http.secret is %s, expected a string",
                    ld_yaml_kind_name(secret->kind));
        } else {
            c->http_secret_len = strlen(secret->value);
            c->http_secret = c->http_secret_len > 0;
        }
    }
    const ld_yaml_node *tls = get_map(http, "tls", "http.tls", &c->problem_tls);
    if (!tls)
        return;
    ld_autofree char *cert = get_str(tls, "certificate", "http.tls.certificate", &c->problem_tls);
    ld_autofree char *key = get_str(tls, "key", "http.tls.key", &c->problem_tls);
    c->tls_certificate = cert && *cert;
    c->tls_key = key && *key;
    c->tls_minimum = get_str(tls, "minimumtls", "http.tls.minimumtls", &c->problem_tls);
    const ld_yaml_node *le = get_map(tls, "letsencrypt", "http.tls.letsencrypt", &c->problem_tls);
    if (le) {
        ld_autofree char *cache =
            get_str(le, "cachefile", "http.tls.letsencrypt.cachefile", &c->problem_tls);
        c->tls_letsencrypt = cache && *cache;
    }
}

static void read_log(const ld_yaml_node *root, ld_reg_config *c)
{
    const ld_yaml_node *log = get_map(root, "log", "log", &c->problem_log);
    if (log) {
        c->log_level = get_str(log, "level", "log.level", &c->problem_log);
        const ld_yaml_node *access = get_map(log, "accesslog", "log.accesslog", &c->problem_log);
        if (access)
            c->accesslog_disabled =
                get_bool(access, "disabled", "log.accesslog.disabled", false, &c->problem_log);
    }
    if (!c->log_level)
        c->log_level = get_str(root, "loglevel", "loglevel", &c->problem_log);
}

static bool names_write_action(const ld_yaml_node *seq)
{
    if (!seq || seq->kind != LD_YAML_SEQ)
        return false;
    for (size_t i = 0; i < seq->n; i++) {
        const char *a = ld_yaml_str(seq->items[i]);
        if (a && (strcmp(a, "push") == 0 || strcmp(a, "delete") == 0))
            return true;
    }
    return false;
}

static void read_notifications(const ld_yaml_node *root, ld_reg_config *c)
{
    char **slot = &c->problem_notifications;
    const ld_yaml_node *nt = get_map(root, "notifications", "notifications", slot);
    if (!nt)
        return;
    c->notifications_present = true;
    const ld_yaml_node *eps = ld_yaml_get(nt, "endpoints");
    if (is_null(eps))
        return;
    if (eps->kind != LD_YAML_SEQ) {
        problem(slot, eps, "notifications.endpoints is %s, expected a list",
                ld_yaml_kind_name(eps->kind));
        return;
    }
    size_t n = eps->n < CONFIG_MAX_ENDPOINTS ? eps->n : CONFIG_MAX_ENDPOINTS;
    c->endpoints = ld_xcalloc(n ? n : 1, sizeof(*c->endpoints));
    for (size_t i = 0; i < n; i++) {
        const ld_yaml_node *e = eps->items[i];
        if (e->kind != LD_YAML_MAP) {
            problem(slot, e, "notifications.endpoints[%zu] is %s, expected a map", i,
                    ld_yaml_kind_name(e->kind));
            continue;
        }
        ld_regcfg_endpoint *ep = &c->endpoints[c->n_endpoints++];
        ep->line = e->line;
        ep->name = get_str(e, "name", "notifications.endpoints[].name", slot);
        ep->url = get_str(e, "url", "notifications.endpoints[].url", slot);
        ep->disabled = get_bool(e, "disabled", "notifications.endpoints[].disabled", false, slot);
        const ld_yaml_node *ign = get_map(e, "ignore", "notifications.endpoints[].ignore", slot);
        if (ign) {
            const ld_yaml_node *actions = ld_yaml_get(ign, "actions");
            if (!is_null(actions) && actions->kind != LD_YAML_SEQ)
                problem(slot, actions,
                        "notifications.endpoints[].ignore.actions is %s, "
                        "expected a list",
                        ld_yaml_kind_name(actions->kind));
            ep->ignores_writes = names_write_action(actions);
        }
    }
}

static void read_storage(const ld_yaml_node *root, ld_reg_config *c)
{
    const ld_yaml_node *st = get_map(root, "storage", "storage", &c->problem_delete);
    if (!st)
        return;
    const ld_yaml_node *del = get_map(st, "delete", "storage.delete", &c->problem_delete);
    if (del)
        c->delete_enabled =
            get_bool(del, "enabled", "storage.delete.enabled", false, &c->problem_delete);
}

int ld_reg_config_parse(const char *name, const char *buf, size_t len, ld_reg_config *out,
                        ld_error *err)
{
    memset(out, 0, sizeof(*out));
    ld_yaml_options o = {
        .limits = {.max_bytes = LD_REG_CONFIG_MAX_BYTES,
                   .max_depth = CONFIG_MAX_DEPTH,
                   .max_nodes = CONFIG_MAX_NODES},
        .max_documents = 4,
        .max_scalar_bytes = 64 * 1024,
        .aliases = true,
        .tags = true,
        .threads = 1,
    };
    ld_yaml_docs docs = {0};
    ld_error perr = LD_ERROR_INIT;
    int rc = ld_yaml_parse_stream(name, buf, len, &o, &docs, &perr);
    if (rc < 0)
        return ld_error_set(err, perr.code, "registry config %s", perr.msg);
    const ld_yaml_node *root = NULL;
    for (size_t i = 0; i < docs.n && rc == 0; i++) {
        if (is_null(docs.docs[i]))
            continue;
        if (root)
            rc = ld_error_set(err, LD_ERR_CORRUPT,
                              "registry config %s: line %d: a second document; config.yml is one",
                              name, docs.docs[i]->line);
        root = docs.docs[i];
    }
    if (rc == 0 && !root)
        rc = ld_error_set(err, LD_ERR_CORRUPT, "registry config %s: empty", name);
    if (rc == 0 && root->kind != LD_YAML_MAP)
        rc = ld_error_set(err, LD_ERR_CORRUPT, "registry config %s: line %d: not a mapping", name,
                          root->line);
    if (rc == 0) {
        const ld_yaml_node *version = ld_yaml_get(root, "version");
        if (!version || version->kind != LD_YAML_SCALAR)
            rc = ld_error_set(err, LD_ERR_CORRUPT,
                              "registry config %s: no \"version\" (distribution's config.yml "
                              "starts with version: 0.1): not a registry configuration",
                              name);
    }
    if (rc == 0) {
        read_auth(root, out);
        read_http(root, out);
        read_log(root, out);
        read_notifications(root, out);
        read_storage(root, out);
        const ld_yaml_node *proxy = get_map(root, "proxy", "proxy", &out->problem_auth);
        if (proxy)
            out->proxy_remoteurl =
                get_str(proxy, "remoteurl", "proxy.remoteurl", &out->problem_auth);
    }
    for (size_t i = 0; i < docs.n; i++)
        ld_yaml_wipe(docs.docs[i], CONFIG_MAX_DEPTH + 2);
    ld_yaml_docs_clear(&docs);
    if (rc < 0)
        ld_reg_config_clear(out);
    return rc;
}

void ld_reg_config_clear(ld_reg_config *c)
{
    free(c->auth_kind);
    free(c->htpasswd_path);
    free(c->token_realm);
    free(c->http_addr);
    free(c->http_net);
    free(c->http_host);
    free(c->tls_minimum);
    free(c->log_level);
    for (size_t i = 0; i < c->n_endpoints; i++) {
        free(c->endpoints[i].name);
        free(c->endpoints[i].url);
    }
    free(c->endpoints);
    free(c->proxy_remoteurl);
    free(c->problem_auth);
    free(c->problem_tls);
    free(c->problem_notifications);
    free(c->problem_delete);
    free(c->problem_log);
    free(c->problem_secret);
    memset(c, 0, sizeof(*c));
}

/* ---- checks -------------------------------------------------------------------------- */

typedef struct {
    ld_findings *r;
    const char *path;
    ld_error *err;
} emitter;

static int emit(const emitter *e, const char *check, ld_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int emit(const emitter *e, const char *check, ld_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *ev = ld_xvasprintf(fmt, ap);
    va_end(ap);
    int rc = ld_findings_check(e->r, check, st, LD_TARGET_FILE, e->path, NULL, e->err, "%s", ev);
    free(ev);
    return rc;
}

/* A value from the file for evidence: capped, quoted. */
static char *shown(const char *s)
{
    if (!s)
        return ld_xstrdup("(none)");
    size_t n = strlen(s);
    ld_autofree char *red = ld_url_redact(s);
    char *out = ld_xasprintf("\"%.*s%s\"", VALUE_SHOWN_MAX, red, n > VALUE_SHOWN_MAX ? "..." : "");
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
            *p = '?';
    return out;
}

static bool starts_https(const char *s)
{
    return s && strncasecmp(s, "https://", 8) == 0;
}

static int check_auth(const emitter *e, const ld_reg_config *c)
{
    static const char id[] = "registry.config.auth";
    if (c->problem_auth)
        return emit(e, id, LD_STATUS_ERROR, "%s", c->problem_auth);
    if (c->n_auth_kinds > 1)
        return emit(e, id, LD_STATUS_FAIL,
                    "auth names %zu kinds: distribution takes exactly one, and which one it "
                    "uses is not fixed",
                    c->n_auth_kinds);
    ld_autofree char *kind = shown(c->auth_kind);
    switch (c->auth) {
    case LD_REGCFG_AUTH_NONE:
        if (c->proxy_remoteurl) {
            ld_autofree char *up = shown(c->proxy_remoteurl);
            return emit(e, id, LD_STATUS_FAIL,
                        "no auth section: this pull-through cache of %s serves every client "
                        "anonymously",
                        up);
        }
        return emit(e, id, LD_STATUS_FAIL,
                    "no auth section: the registry serves every client anonymously (pull, push "
                    "and, when enabled, delete)");
    case LD_REGCFG_AUTH_SILLY:
        return emit(e, id, LD_STATUS_FAIL,
                    "auth: silly accepts any Authorization header at all: it exists for "
                    "development only");
    case LD_REGCFG_AUTH_HTPASSWD: {
        if (!c->htpasswd_path || !*c->htpasswd_path)
            return emit(e, id, LD_STATUS_FAIL, "auth: htpasswd names no path");
        ld_autofree char *p = shown(c->htpasswd_path);
        return emit(e, id, LD_STATUS_PASS, "auth: htpasswd (basic authentication), path %s", p);
    }
    case LD_REGCFG_AUTH_TOKEN: {
        ld_autofree char *realm = shown(c->token_realm);
        if (!c->token_realm)
            return emit(e, id, LD_STATUS_FAIL, "auth: token names no realm");
        if (!starts_https(c->token_realm))
            return emit(e, id, LD_STATUS_WARN,
                        "auth: token, but the realm %s is not https: clients send their "
                        "credentials to the token service in clear text",
                        realm);
        return emit(e, id, LD_STATUS_PASS, "auth: token, realm %s", realm);
    }
    case LD_REGCFG_AUTH_OTHER:
    default:
        return emit(e, id, LD_STATUS_WARN,
                    "auth: %s is not a kind distribution ships (htpasswd, token, silly): review "
                    "what it enforces",
                    kind);
    }
}

static bool loopback_addr(const char *addr)
{
    return addr && (strncmp(addr, "127.", 4) == 0 || strncmp(addr, "localhost:", 10) == 0 ||
                    strncmp(addr, "[::1]:", 6) == 0);
}

static int check_tls(const emitter *e, const ld_reg_config *c)
{
    static const char id[] = "registry.config.tls";
    if (c->problem_tls)
        return emit(e, id, LD_STATUS_ERROR, "%s", c->problem_tls);
    ld_autofree char *addr = shown(c->http_addr);
    ld_autofree char *min = shown(c->tls_minimum);
    bool weak_min = c->tls_minimum && (strcmp(c->tls_minimum, "tls1.0") == 0 ||
                                       strcmp(c->tls_minimum, "tls1.1") == 0);
    if (c->tls_letsencrypt || (c->tls_certificate && c->tls_key)) {
        if (weak_min)
            return emit(e, id, LD_STATUS_FAIL,
                        "http.tls is set, but minimumtls is %s: TLS 1.0/1.1 clients are "
                        "accepted",
                        min);
        return emit(e, id, LD_STATUS_PASS, "http.tls: %s; minimumtls %s%s",
                    c->tls_letsencrypt ? "Let's Encrypt certificate" : "certificate and key set",
                    c->tls_minimum ? min : "not set",
                    c->tls_minimum ? "" : " (distribution 2.8's default: tls1.2)");
    }
    if (c->tls_certificate || c->tls_key)
        return emit(e, id, LD_STATUS_FAIL, "http.tls names a %s without a %s: TLS cannot start",
                    c->tls_certificate ? "certificate" : "key",
                    c->tls_certificate ? "key" : "certificate");
    if (starts_https(c->http_host)) {
        ld_autofree char *host = shown(c->http_host);
        return emit(e, id, LD_STATUS_WARN,
                    "no http.tls: the registry itself speaks plain HTTP on %s, and http.host %s "
                    "says clients reach it through a TLS-terminating proxy; review that only "
                    "the proxy can reach that address",
                    addr, host);
    }
    if ((c->http_net && strcmp(c->http_net, "unix") == 0) || loopback_addr(c->http_addr))
        return emit(e, id, LD_STATUS_WARN,
                    "no http.tls: the registry speaks plain HTTP on %s%s, reachable only from "
                    "this machine; review the TLS-terminating proxy in front of it",
                    addr,
                    c->http_net && strcmp(c->http_net, "unix") == 0 ? " (a unix socket)" : "");
    return emit(e, id, LD_STATUS_FAIL,
                "no http.tls: the registry serves plain HTTP on %s (credentials and images in "
                "clear text)",
                c->http_addr ? addr : "its default address :5000");
}

static int check_notifications(const emitter *e, const ld_reg_config *c)
{
    static const char id[] = "registry.config.notifications";
    if (c->problem_notifications)
        return emit(e, id, LD_STATUS_ERROR, "%s", c->problem_notifications);
    ld_strlist good = {0}, plain = {0}, deaf = {0};
    for (size_t i = 0; i < c->n_endpoints; i++) {
        const ld_regcfg_endpoint *ep = &c->endpoints[i];
        ld_strlist *list = NULL;
        if (ep->disabled || !ep->url || !*ep->url)
            continue;
        if (ep->ignores_writes)
            list = &deaf;
        else if (starts_https(ep->url))
            list = &good;
        else
            list = &plain;
        if (list->n == ENDPOINTS_SHOWN) {
            ld_strlist_push(list, "...");
            continue;
        }
        if (list->n > ENDPOINTS_SHOWN)
            continue;
        ld_autofree char *name = shown(ep->name);
        ld_autofree char *url = shown(ep->url);
        ld_strlist_push_owned(list, ld_xasprintf("%s (line %d) -> %s", name, ep->line, url));
    }
    int rc;
    if (good.n) {
        ld_autofree char *list = ld_strlist_join(&good, ", ");
        rc = emit(e, id, LD_STATUS_PASS,
                  "the registry's push, pull and delete events go over https to %s", list);
    } else if (plain.n) {
        ld_autofree char *list = ld_strlist_join(&plain, ", ");
        rc = emit(e, id, LD_STATUS_WARN,
                  "events go to %s over plain HTTP: the audit trail of writes travels (and can "
                  "be altered) in clear text",
                  list);
    } else if (deaf.n) {
        ld_autofree char *list = ld_strlist_join(&deaf, ", ");
        rc = emit(e, id, LD_STATUS_FAIL,
                  "every active endpoint ignores push or delete events (ignore.actions): %s; "
                  "writes are not audited",
                  list);
    } else if (c->n_endpoints) {
        rc = emit(e, id, LD_STATUS_FAIL,
                  "%zu notifications endpoint%s, all disabled or without a url: no write "
                  "reaches an audit log",
                  c->n_endpoints, c->n_endpoints == 1 ? "" : "s");
    } else {
        rc =
            emit(e, id, LD_STATUS_FAIL, "%s: pushes and deletes are not sent to any audit endpoint",
                 c->notifications_present ? "notifications names no endpoint"
                                          : "no notifications section");
    }
    ld_strlist_clear(&good);
    ld_strlist_clear(&plain);
    ld_strlist_clear(&deaf);
    return rc;
}

static int check_delete(const emitter *e, const ld_reg_config *c)
{
    static const char id[] = "registry.config.storage-delete";
    if (c->problem_delete)
        return emit(e, id, LD_STATUS_ERROR, "%s", c->problem_delete);
    if (c->delete_enabled)
        return emit(e, id, LD_STATUS_WARN,
                    "storage.delete.enabled is true: manifests and blobs can be deleted through "
                    "the API (pruning needs it; keep it to accounts that prune, and audit "
                    "deletes)");
    return emit(e, id, LD_STATUS_PASS,
                "storage.delete.enabled is not true: the API deletes "
                "nothing");
}

static int check_log(const emitter *e, const ld_reg_config *c)
{
    static const char id[] = "registry.config.log-level";
    if (c->problem_log)
        return emit(e, id, LD_STATUS_ERROR, "%s", c->problem_log);
    ld_autofree char *level = shown(c->log_level);
    if (c->accesslog_disabled)
        return emit(e, id, LD_STATUS_FAIL,
                    "log.accesslog.disabled is true: requests (who pulled and pushed what) are "
                    "not logged; log level %s",
                    c->log_level ? level : "info (default)");
    if (c->log_level && strcmp(c->log_level, "debug") == 0)
        return emit(e, id, LD_STATUS_WARN,
                    "log.level is \"debug\": request details, including headers and internal "
                    "state, go to the logs; use info (access log: on)");
    return emit(e, id, LD_STATUS_PASS, "log level %s; access log on",
                c->log_level ? level : "info (default)");
}

static int check_secret(const emitter *e, const ld_reg_config *c)
{
    static const char id[] = "registry.config.http-secret";
    if (c->problem_secret)
        return emit(e, id, LD_STATUS_ERROR, "%s", c->problem_secret);
    if (!c->http_secret)
        return emit(e, id, LD_STATUS_WARN,
                    "no http.secret in the file: each instance signs upload state with a "
                    "random secret of its own, so behind a load balancer uploads fail or can "
                    "be replayed across instances; set one shared secret (unless "
                    "REGISTRY_HTTP_SECRET sets it)");
    if (c->http_secret_len < 16)
        return emit(e, id, LD_STATUS_WARN, "http.secret is set but only %zu characters long",
                    c->http_secret_len);
    return emit(e, id, LD_STATUS_PASS, "http.secret is set (%zu characters; not shown)",
                c->http_secret_len);
}

int ld_reg_config_emit(ld_findings *r, const ld_reg_config *c, const char *path, ld_error *err)
{
    emitter e = {.r = r, .path = path, .err = err};
    int rc;
    if ((rc = check_auth(&e, c)) < 0 || (rc = check_tls(&e, c)) < 0 ||
        (rc = check_notifications(&e, c)) < 0 || (rc = check_delete(&e, c)) < 0 ||
        (rc = check_log(&e, c)) < 0 || (rc = check_secret(&e, c)) < 0)
        return rc;
    return 0;
}

int ld_reg_audit_config(ld_findings *r, const char *path, ld_reg_config *out, ld_error *err)
{
    ld_reg_config local;
    ld_reg_config *c = out ? out : &local;
    memset(c, 0, sizeof(*c));
    char *buf = NULL;
    size_t len = 0;
    int rc = ld_input_read(path, "registry config", LD_REG_CONFIG_MAX_BYTES, &buf, &len, err);
    if (rc < 0)
        return rc;
    rc = ld_reg_config_parse(path, buf, len, c, err);
    explicit_bzero(buf, len);
    free(buf);
    if (rc < 0)
        return rc;
    rc = ld_reg_config_emit(r, c, path, err);
    if (!out)
        ld_reg_config_clear(c);
    return rc;
}
