/* The exec credential plugin of a kubeconfig user, run without a shell and
 * read as an ExecCredential (see exec_credential.h). */
#include "k8s/exec_credential.h"

#include <errno.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "util/child_run.h"
#include "util/cleanup.h"
#include "util/mem.h"

extern char **environ;

#define STDERR_KEPT ((size_t)8192)
#define STDERR_SHOWN 200 /* characters of the plugin's first stderr line in a message */

void ld_k8s_exec_result_clear(ld_k8s_exec_result *r)
{
    if (!r)
        return;
    ld_k8s_free_secret(r->token);
    free(r->client_cert_pem);
    ld_k8s_free_secret(r->client_key_pem);
    memset(r, 0, sizeof(*r));
}

/* ---- KUBERNETES_EXEC_INFO ---- */

static char *base64_encode(const char *p, size_t n)
{
    char *out = ld_xmalloc(4 * ((n + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)p, (int)n);
    return out;
}

char *ld_k8s_exec_info(const ld_k8s_endpoint *ep)
{
    const ld_k8s_exec_config *x = ep->exec;
    json_t *spec = json_pack("{s:b}", "interactive", 0);
    if (x->provide_cluster_info) {
        json_t *c = json_pack("{s:s}", "server", ep->server);
        if (ep->tls_server_name)
            json_object_set_new(c, "tls-server-name", json_string(ep->tls_server_name));
        if (ep->insecure_skip_tls_verify)
            json_object_set_new(c, "insecure-skip-tls-verify", json_true());
        if (ep->ca_pem) {
            char *b64 = base64_encode(ep->ca_pem, ep->ca_len);
            json_object_set_new(c, "certificate-authority-data", json_string(b64));
            free(b64);
        }
        if (ep->proxy_url)
            json_object_set_new(c, "proxy-url", json_string(ep->proxy_url));
        if (ep->disable_compression)
            json_object_set_new(c, "disable-compression", json_true());
        json_object_set_new(spec, "cluster", c);
    }
    json_t *info = json_pack("{s:s,s:s,s:o}", "apiVersion", x->api_version, "kind",
                             "ExecCredential", "spec", spec);
    char *text = json_dumps(info, JSON_COMPACT);
    json_decref(info);
    char *out = ld_xstrdup(text);
    free(text);
    return out;
}

/* ---- running the plugin ---- */

/* "NAME" of "NAME=VALUE". */
static size_t env_name_len(const char *entry)
{
    const char *eq = strchr(entry, '=');
    return eq ? (size_t)(eq - entry) : strlen(entry);
}

/* lockdown's environment, minus the names set here, plus the kubeconfig's
 * env entries and KUBERNETES_EXEC_INFO (later entries win, as in kubectl). */
static char **build_env(const ld_k8s_exec_config *x, const char *exec_info)
{
    ld_strlist extra = {0};
    for (size_t i = 0; i < x->env.n; i++)
        ld_strlist_push(&extra, x->env.v[i]);
    ld_strlist_push_owned(&extra, ld_xasprintf("KUBERNETES_EXEC_INFO=%s", exec_info));
    size_t n = 0;
    for (char **e = environ; e && *e; e++)
        n++;
    char **envp = ld_xcalloc(n + extra.n + 1, sizeof(*envp));
    size_t k = 0;
    for (char **e = environ; e && *e; e++) {
        size_t len = env_name_len(*e);
        bool replaced = false;
        for (size_t j = 0; j < extra.n && !replaced; j++)
            replaced = env_name_len(extra.v[j]) == len && strncmp(extra.v[j], *e, len) == 0;
        if (!replaced)
            envp[k++] = ld_xstrdup(*e);
    }
    for (size_t j = 0; j < extra.n; j++) {
        /* a name given twice in the kubeconfig: the last one */
        bool later = false;
        size_t len = env_name_len(extra.v[j]);
        for (size_t m = j + 1; m < extra.n && !later; m++)
            later = env_name_len(extra.v[m]) == len && strncmp(extra.v[m], extra.v[j], len) == 0;
        if (!later)
            envp[k++] = ld_xstrdup(extra.v[j]);
    }
    for (size_t j = 0; j < extra.n; j++)
        explicit_bzero(extra.v[j], strlen(extra.v[j]));
    ld_strlist_clear(&extra);
    return envp;
}

static void free_env(char **envp)
{
    for (char **e = envp; *e; e++) {
        explicit_bzero(*e, strlen(*e));
        free(*e);
    }
    free(envp);
}

/* The first line of the plugin's stderr, short and printable, for a
 * message ("" when it wrote nothing). */
static char *first_line(const char *text, size_t len)
{
    if (!len)
        return ld_xstrdup("");
    size_t n = strcspn(text, "\r\n");
    if (n == 0)
        return ld_xstrdup("");
    if (n > STDERR_SHOWN)
        n = STDERR_SHOWN;
    char *s = ld_xstrndup(text, n);
    for (char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7F)
            *p = '?';
    return s;
}

/* RFC 3339 "2006-01-02T15:04:05Z" or with an offset and fractions. */
static bool parse_rfc3339(const char *s, time_t *out)
{
    struct tm tm = {0};
    const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!p)
        return false;
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    long offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if ((*p == '+' || *p == '-') && p[1] && p[2] && p[3] == ':' && p[4] && p[5]) {
        int sign = *p == '-' ? -1 : 1;
        int hh = 0, mm = 0;
        for (int i = 1; i <= 5; i++)
            if (i != 3 && !(p[i] >= '0' && p[i] <= '9'))
                return false;
        hh = (p[1] - '0') * 10 + (p[2] - '0');
        mm = (p[4] - '0') * 10 + (p[5] - '0');
        offset = sign * (hh * 3600L + mm * 60L);
        p += 6;
    } else {
        return false;
    }
    if (*p)
        return false;
    *out = timegm(&tm) - offset;
    return true;
}

/* Reads the ExecCredential the plugin printed. */
static int parse_credential(const char *what, const char *api_version, const char *text, size_t len,
                            ld_k8s_exec_result *res, ld_error *err)
{
    json_error_t jerr;
    json_t *doc = json_loadb(text ? text : "", len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc)
        /* jerr.text quotes the output, which holds the credential: not shown */
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "%s printed %s, not an ExecCredential (JSON error at line %d, column "
                            "%d)",
                            what, len ? "something" : "nothing", jerr.line, jerr.column);
    int rc = 0;
    const char *kind = json_string_value(json_object_get(doc, "kind"));
    const char *api = json_string_value(json_object_get(doc, "apiVersion"));
    json_t *status = json_object_get(doc, "status");
    json_t *token = json_object_get(status, "token");
    json_t *cert = json_object_get(status, "clientCertificateData");
    json_t *key = json_object_get(status, "clientKeyData");
    json_t *exp = json_object_get(status, "expirationTimestamp");
    if (!json_is_object(doc) || !kind || strcmp(kind, "ExecCredential") != 0) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "%s printed JSON that is not an ExecCredential",
                          what);
    } else if (!api || strcmp(api, api_version) != 0) {
        rc = ld_error_set(err, LD_ERR_CORRUPT,
                          "%s answered with apiVersion \"%s\", but %s was asked for (the "
                          "kubeconfig's exec apiVersion)",
                          what, api ? api : "(none)", api_version);
    } else if (!json_is_object(status)) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "%s printed an ExecCredential without status", what);
    } else if ((token && !json_is_string(token)) || (cert && !json_is_string(cert)) ||
               (key && !json_is_string(key)) || (exp && !json_is_string(exp))) {
        rc = ld_error_set(err, LD_ERR_CORRUPT,
                          "%s printed an ExecCredential whose status fields are not strings", what);
    } else if (!cert != !key) {
        rc = ld_error_set(err, LD_ERR_CORRUPT,
                          "%s returned a client %s without its %s (clientCertificateData and "
                          "clientKeyData go together)",
                          what, cert ? "certificate" : "key", cert ? "key" : "certificate");
    } else if (!token && !cert) {
        rc = ld_error_set(err, LD_ERR_CORRUPT,
                          "%s returned neither status.token nor a client certificate", what);
    }
    if (rc == 0 && token) {
        const char *t = json_string_value(token);
        bool ok = t[0] != '\0' && strlen(t) == json_string_length(token);
        for (const unsigned char *p = (const unsigned char *)t; ok && *p; p++)
            ok = *p >= 0x21 && *p <= 0x7E;
        if (!ok)
            rc = ld_error_set(err, LD_ERR_CORRUPT,
                              "%s returned a status.token that is not a bearer token (empty, or "
                              "not visible ASCII)",
                              what);
        else
            res->token = ld_xstrdup(t);
    }
    if (rc == 0 && cert) {
        res->client_cert_pem = ld_xstrdup(json_string_value(cert));
        res->client_key_pem = ld_xstrdup(json_string_value(key));
    }
    if (rc == 0 && exp && !parse_rfc3339(json_string_value(exp), &res->expires))
        rc = ld_error_set(err, LD_ERR_CORRUPT,
                          "%s returned an expirationTimestamp that is not an RFC 3339 time", what);
    json_decref(doc);
    if (rc < 0)
        ld_k8s_exec_result_clear(res);
    return rc;
}

int ld_k8s_exec_credential(const ld_k8s_endpoint *ep, long timeout_ms, ld_k8s_exec_result *out,
                           ld_error *err)
{
    memset(out, 0, sizeof(*out));
    const ld_k8s_exec_config *x = ep->exec;
    if (timeout_ms <= 0)
        timeout_ms = LD_K8S_EXEC_TIMEOUT_MS;
    ld_autofree char *what = ld_xasprintf("exec plugin %s of user \"%s\" (kubeconfig %s)",
                                          x->command, ep->user, ep->kubeconfig);
    if (x->interactive_mode && strcmp(x->interactive_mode, "Always") == 0)
        return ld_error_set(err, LD_ERR_UNSUPPORTED,
                            "%s: interactiveMode is Always, and lockdown never runs a plugin "
                            "interactively; log in first (with kubectl) so the plugin can answer "
                            "without a prompt, or set interactiveMode: IfAvailable",
                            what);
    char *info = ld_k8s_exec_info(ep);
    char **envp = build_env(x, info);
    free(info);
    char **argv = ld_xcalloc(x->args.n + 2, sizeof(*argv));
    argv[0] = x->command;
    for (size_t i = 0; i < x->args.n; i++)
        argv[i + 1] = x->args.v[i];
    const ld_child_spec spec = {.program = x->command,
                                .argv = argv,
                                .envp = envp,
                                .stdout_max = LD_K8S_EXEC_MAX_OUTPUT,
                                .stderr_max = STDERR_KEPT,
                                .timeout_ms = timeout_ms};
    ld_child_result res;
    int spawn_rc = ld_child_run(&spec, &res);
    free(argv);
    free_env(envp);
    int rc = 0;
    ld_autofree char *line = first_line(res.err, res.err_len);
    if (spawn_rc != 0) {
        if (spawn_rc == ENOENT)
            rc = ld_error_set(err, LD_ERR_NOT_FOUND, "%s: no such command%s%s%s", what,
                              strchr(x->command, '/') ? "" : " in PATH",
                              x->install_hint ? "; " : "", x->install_hint ? x->install_hint : "");
        else
            rc = ld_error_set_errno(err, LD_ERR_UNREACHABLE, spawn_rc, "%s: cannot run it", what);
    } else if (res.timed_out) {
        rc = ld_error_set(err, LD_ERR_UNREACHABLE, "%s: no answer within %ld s; killed", what,
                          (timeout_ms + 999) / 1000);
    } else if (res.stdout_over) {
        rc = ld_error_set(err, LD_ERR_LIMIT,
                          "%s: printed more than %zu bytes, not a credential; stopped it", what,
                          LD_K8S_EXEC_MAX_OUTPUT);
    } else if (WIFSIGNALED(res.status)) {
        rc = ld_error_set(err, LD_ERR_UNREACHABLE, "%s: killed by signal %d%s%s", what,
                          WTERMSIG(res.status), line[0] ? ": " : "", line);
    } else if (!WIFEXITED(res.status) || WEXITSTATUS(res.status) != 0) {
        rc = ld_error_set(err, LD_ERR_UNREACHABLE, "%s: failed with exit status %d%s%s", what,
                          WIFEXITED(res.status) ? WEXITSTATUS(res.status) : -1, line[0] ? ": " : "",
                          line);
    } else {
        rc = parse_credential(what, x->api_version, res.out, res.out_len, out, err);
    }
    ld_child_result_clear(&res);
    return rc;
}
