/* kubeconfig loading, merging and context resolution, as kubectl does it
 * (see kubeconfig.h). Not for running exec plugins (exec_credential.c) nor
 * for talking to the server (api_client.c). */
#include "k8s/kubeconfig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "k8s/manifest.h"
#include "util/cleanup.h"
#include "util/input_file.h"
#include "util/mem.h"
#include "util/url_redact.h"
#include "util/yaml_doc.h"

/* Files a kubeconfig points at: PEM bundles and token files. */
#define REFERENCED_FILE_MAX ((size_t)4 << 20)
#define KUBECONFIG_MAX_DEPTH 64
#define KUBECONFIG_MAX_NODES ((size_t)1000000)
/* Context names listed in "no such context" messages. */
#define NAMES_SHOWN 8

#define EXEC_V1 "client.authentication.k8s.io/v1"
#define EXEC_V1BETA1 "client.authentication.k8s.io/v1beta1"
#define EXEC_V1ALPHA1 "client.authentication.k8s.io/v1alpha1"

/* A named cluster, user or context: the first definition in file order. */
typedef struct {
    char *name;
    const ld_yaml_node *body; /* the cluster/user/context map; NULL when empty */
    size_t file;              /* index into files/dirs */
} kc_entry;

typedef struct {
    kc_entry *v;
    size_t n, cap;
} kc_entries;

struct ld_kubeconfig {
    ld_strlist files; /* as given */
    ld_strlist dirs;  /* each file's directory, for relative paths */
    char *files_label;
    ld_yaml_docs docs;
    kc_entries clusters, users, contexts;
    char *current_context;
};

void ld_k8s_free_secret(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

static void entries_clear(kc_entries *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->v[i].name);
    free(e->v);
    memset(e, 0, sizeof(*e));
}

void ld_kubeconfig_free(ld_kubeconfig *kc)
{
    if (!kc)
        return;
    for (size_t i = 0; i < kc->docs.n; i++)
        ld_yaml_wipe(kc->docs.docs[i], KUBECONFIG_MAX_DEPTH + 2); /* tokens, keys */
    ld_yaml_docs_clear(&kc->docs);
    entries_clear(&kc->clusters);
    entries_clear(&kc->users);
    entries_clear(&kc->contexts);
    ld_strlist_clear(&kc->files);
    ld_strlist_clear(&kc->dirs);
    free(kc->files_label);
    free(kc->current_context);
    free(kc);
}

static const kc_entry *find_entry(const kc_entries *e, const char *name)
{
    for (size_t i = 0; i < e->n; i++)
        if (strcmp(e->v[i].name, name) == 0)
            return &e->v[i];
    return NULL;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return ld_xstrdup(".");
    if (slash == path)
        return ld_xstrdup("/");
    return ld_xstrndup(path, (size_t)(slash - path));
}

/* ---- reading one file ---- */

/* One section ("clusters", with entries keyed body "cluster") of the file
 * at index file: its entries join list unless an earlier file named them. */
static int take_section(ld_kubeconfig *kc, const ld_yaml_node *root, const char *section,
                        const char *body_key, kc_entries *list, size_t file, ld_error *err)
{
    const char *path = kc->files.v[file];
    const ld_yaml_node *seq = ld_yaml_get(root, section);
    if (ld_k8s_is_null(seq))
        return 0;
    if (seq->kind != LD_YAML_SEQ)
        return ld_error_set(err, LD_ERR_CORRUPT, "kubeconfig %s: line %d: %s is not a list", path,
                            seq->line, section);
    size_t first_of_file = list->n;
    for (size_t i = 0; i < seq->n; i++) {
        const ld_yaml_node *item = seq->items[i];
        if (item->kind != LD_YAML_MAP)
            return ld_error_set(err, LD_ERR_CORRUPT,
                                "kubeconfig %s: line %d: %s[%zu] is not a mapping", path,
                                item->line, section, i);
        const char *name = ld_k8s_str(ld_yaml_get(item, "name"));
        if (!name || !name[0])
            return ld_error_set(err, LD_ERR_CORRUPT, "kubeconfig %s: line %d: %s[%zu] has no name",
                                path, item->line, section, i);
        const ld_yaml_node *body = ld_yaml_get(item, body_key);
        if (ld_k8s_is_null(body))
            body = NULL;
        else if (body->kind != LD_YAML_MAP)
            return ld_error_set(err, LD_ERR_CORRUPT,
                                "kubeconfig %s: line %d: %s \"%s\": %s is not a mapping", path,
                                body->line, section, name, body_key);
        /* kubectl refuses a name twice in one file; across files the first wins */
        for (size_t j = first_of_file; j < list->n; j++)
            if (list->v[j].file == file && strcmp(list->v[j].name, name) == 0)
                return ld_error_set(err, LD_ERR_CORRUPT,
                                    "kubeconfig %s: line %d: %s: the name \"%s\" is defined twice",
                                    path, item->line, section, name);
        bool earlier = false;
        for (size_t j = 0; j < first_of_file && !earlier; j++)
            earlier = strcmp(list->v[j].name, name) == 0;
        if (earlier)
            continue;
        ld_xgrow(&list->v, &list->cap, list->n + 1, sizeof(*list->v));
        list->v[list->n++] = (kc_entry){.name = ld_xstrdup(name), .body = body, .file = file};
    }
    return 0;
}

static int take_text(ld_kubeconfig *kc, const char *path, const char *buf, size_t len,
                     ld_error *err)
{
    ld_strlist_push(&kc->files, path);
    ld_strlist_push_owned(&kc->dirs, dir_of(path));
    size_t file = kc->files.n - 1;
    ld_yaml_options o = {
        .limits = {.max_bytes = LD_KUBECONFIG_MAX_BYTES,
                   .max_depth = KUBECONFIG_MAX_DEPTH,
                   .max_nodes = KUBECONFIG_MAX_NODES},
        .max_documents = 16,
        .aliases = true,
        .tags = true,
        .json = true,
    };
    ld_yaml_docs docs = {0};
    ld_error perr = LD_ERROR_INIT;
    int rc = ld_yaml_parse_stream(path, buf, len, &o, &docs, &perr);
    if (rc < 0)
        return ld_error_set(err, perr.code, "kubeconfig %s", perr.msg);
    const ld_yaml_node *root = NULL;
    for (size_t i = 0; i < docs.n; i++) {
        const ld_yaml_node *d = docs.docs[i];
        if (ld_k8s_is_null(d))
            continue;
        if (root) {
            rc = ld_error_set(err, LD_ERR_CORRUPT,
                              "kubeconfig %s: line %d: a second document; a kubeconfig is one",
                              path, d->line);
            break;
        }
        root = d;
    }
    if (rc == 0 && root && root->kind != LD_YAML_MAP)
        rc = ld_error_set(err, LD_ERR_CORRUPT, "kubeconfig %s: line %d: not a mapping", path,
                          root->line);
    if (rc == 0 && root) {
        const char *kind = ld_k8s_str(ld_yaml_get(root, "kind"));
        if (kind && strcmp(kind, "Config") != 0)
            rc = ld_error_set(err, LD_ERR_CORRUPT,
                              "kubeconfig %s: kind is \"%s\", not Config: not a kubeconfig", path,
                              kind);
    }
    if (rc == 0 && root)
        rc = take_section(kc, root, "clusters", "cluster", &kc->clusters, file, err);
    if (rc == 0 && root)
        rc = take_section(kc, root, "users", "user", &kc->users, file, err);
    if (rc == 0 && root)
        rc = take_section(kc, root, "contexts", "context", &kc->contexts, file, err);
    if (rc == 0 && root && !kc->current_context) {
        const char *cur = ld_k8s_str(ld_yaml_get(root, "current-context"));
        if (cur && cur[0])
            kc->current_context = ld_xstrdup(cur);
    }
    ld_yaml_docs_move(&kc->docs, &docs); /* the entries point into these trees */
    return rc;
}

static int load_file(ld_kubeconfig *kc, const char *path, ld_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = ld_input_read(path, "kubeconfig", LD_KUBECONFIG_MAX_BYTES, &buf, &len, err);
    if (rc < 0)
        return rc;
    rc = take_text(kc, path, buf, len, err);
    explicit_bzero(buf, len);
    free(buf);
    return rc;
}

static ld_kubeconfig *kubeconfig_new(void)
{
    return ld_xcalloc(1, sizeof(ld_kubeconfig));
}

int ld_kubeconfig_load_buffer(const char *name, const char *buf, size_t len, ld_kubeconfig **out,
                              ld_error *err)
{
    *out = NULL;
    ld_kubeconfig *kc = kubeconfig_new();
    int rc = take_text(kc, name ? name : "kubeconfig", buf, len, err);
    if (rc < 0) {
        ld_kubeconfig_free(kc);
        return rc;
    }
    *out = kc;
    return 0;
}

int ld_kubeconfig_load_files(const char *const *paths, size_t n, bool skip_missing,
                             ld_kubeconfig **out, ld_error *err)
{
    *out = NULL;
    ld_kubeconfig *kc = kubeconfig_new();
    ld_strlist seen = {0};
    ld_strlist missing = {0};
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const char *p = paths[i];
        if (!p || !p[0] || ld_strlist_contains(&seen, p))
            continue; /* kubectl skips empty entries and repeats */
        ld_strlist_push(&seen, p);
        struct stat st;
        if (skip_missing && stat(p, &st) < 0 && errno == ENOENT) {
            ld_strlist_push(&missing, p);
            continue;
        }
        rc = load_file(kc, p, err);
    }
    if (rc == 0 && kc->files.n == 0) {
        char *names = ld_strlist_join(&missing, ", ");
        rc = ld_error_set(err, LD_ERR_NOT_FOUND, "no kubeconfig found (%s: %s)",
                          missing.n == 1 ? "no such file" : "none of these exists",
                          missing.n ? names : "no file named");
        free(names);
    }
    ld_strlist_clear(&seen);
    ld_strlist_clear(&missing);
    if (rc < 0) {
        ld_kubeconfig_free(kc);
        return rc;
    }
    *out = kc;
    return 0;
}

int ld_kubeconfig_load(const char *path, ld_kubeconfig **out, ld_error *err)
{
    if (path)
        return ld_kubeconfig_load_files(&path, 1, false, out, err);
    const char *env = getenv("KUBECONFIG");
    if (env && env[0]) {
        ld_strlist parts = {0};
        const char *p = env;
        for (;;) {
            const char *colon = strchr(p, ':');
            size_t n = colon ? (size_t)(colon - p) : strlen(p);
            ld_strlist_push_owned(&parts, ld_xstrndup(p, n));
            if (!colon)
                break;
            p = colon + 1;
        }
        int rc = ld_kubeconfig_load_files((const char *const *)parts.v, parts.n, true, out, err);
        ld_strlist_clear(&parts);
        if (rc < 0 && err && err->code == LD_ERR_NOT_FOUND)
            ld_error_wrap(err, "KUBECONFIG");
        return rc;
    }
    const char *home = getenv("HOME");
    if (!home || !home[0])
        return ld_error_set(err, LD_ERR_NOT_FOUND,
                            "no kubeconfig: neither KUBECONFIG nor HOME is set; name one with "
                            "--kubeconfig FILE");
    ld_autofree char *def = ld_xasprintf("%s/.kube/config", home);
    const char *one = def;
    return ld_kubeconfig_load_files(&one, 1, false, out, err);
}

const char *ld_kubeconfig_current_context(const ld_kubeconfig *kc)
{
    return kc->current_context;
}

size_t ld_kubeconfig_context_count(const ld_kubeconfig *kc)
{
    return kc->contexts.n;
}

const char *ld_kubeconfig_context_name(const ld_kubeconfig *kc, size_t i)
{
    return i < kc->contexts.n ? kc->contexts.v[i].name : NULL;
}

const char *ld_kubeconfig_files(const ld_kubeconfig *kc)
{
    ld_kubeconfig *m = (ld_kubeconfig *)kc; /* the label is a cache */
    if (!m->files_label)
        m->files_label = ld_strlist_join(&kc->files, ", ");
    return m->files_label;
}

/* ---- resolving a context ---- */

void ld_k8s_exec_config_free(ld_k8s_exec_config *x)
{
    if (!x)
        return;
    free(x->api_version);
    free(x->command);
    ld_strlist_clear(&x->args);
    for (size_t i = 0; i < x->env.n; i++)
        explicit_bzero(x->env.v[i], strlen(x->env.v[i]));
    ld_strlist_clear(&x->env);
    free(x->interactive_mode);
    free(x->install_hint);
    free(x);
}

static void free_secret_bytes(char *p, size_t n)
{
    if (p) {
        explicit_bzero(p, n);
        free(p);
    }
}

void ld_k8s_endpoint_clear(ld_k8s_endpoint *e)
{
    if (!e)
        return;
    free(e->kubeconfig);
    free(e->context);
    free(e->cluster);
    free(e->user);
    free(e->namespace_);
    free(e->server);
    free(e->tls_server_name);
    free(e->proxy_url);
    free(e->ca_pem);
    free(e->ca_source);
    free(e->client_cert_pem);
    free_secret_bytes(e->client_key_pem, e->client_key_len);
    free(e->client_cert_source);
    ld_k8s_free_secret(e->token);
    free(e->token_source);
    free(e->username);
    ld_k8s_free_secret(e->password);
    free(e->impersonate_user);
    free(e->impersonate_uid);
    ld_strlist_clear(&e->impersonate_groups);
    ld_k8s_exec_config_free(e->exec);
    memset(e, 0, sizeof(*e));
}

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

char *ld_k8s_base64_decode(const char *text, size_t *out_len)
{
    size_t n = strlen(text);
    char *out = ld_xmalloc(n / 4 * 3 + 4);
    size_t o = 0, quad = 0, pad = 0;
    unsigned acc = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\r' || c == '\n')
            continue;
        if (c == '=') {
            /* padding: only at the end of the last quad */
            if (quad < 2)
                goto bad;
            pad++;
            acc <<= 6;
            quad++;
        } else {
            int v = b64_value(c);
            if (v < 0 || pad)
                goto bad;
            acc = acc << 6 | (unsigned)v;
            quad++;
        }
        if (quad == 4) {
            out[o++] = (char)(acc >> 16 & 0xFF);
            if (pad < 2)
                out[o++] = (char)(acc >> 8 & 0xFF);
            if (pad < 1)
                out[o++] = (char)(acc & 0xFF);
            quad = 0;
            acc = 0;
            if (pad)
                for (size_t j = i + 1; j < n; j++) /* nothing but line ends after padding */
                    if (text[j] != '\r' && text[j] != '\n')
                        goto bad;
        }
    }
    if (quad != 0)
        goto bad;
    out[o] = '\0';
    *out_len = o;
    return out;
bad:
    explicit_bzero(out, n / 4 * 3 + 4);
    free(out);
    return NULL;
}

/* What one resolution works on, for messages and relative paths. */
typedef struct {
    const ld_kubeconfig *kc;
    const char *context;
} resolving;

static const char *file_of(const resolving *r, const kc_entry *e)
{
    return r->kc->files.v[e->file];
}

/* path as written in the kubeconfig that defined e: relative paths are
 * relative to that file's directory. */
static char *resolve_path(const resolving *r, const kc_entry *e, const char *path)
{
    if (path[0] == '/')
        return ld_xstrdup(path);
    return ld_xasprintf("%s/%s", r->kc->dirs.v[e->file], path);
}

/* A string field of e's body: NULL when absent or null; an error when it
 * is not a scalar. */
static int string_field(const resolving *r, const kc_entry *e, const char *section, const char *key,
                        const char **out, ld_error *err)
{
    *out = NULL;
    const ld_yaml_node *n = ld_yaml_get(e->body, key);
    if (ld_k8s_is_null(n))
        return 0;
    if (n->kind != LD_YAML_SCALAR)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "kubeconfig %s: line %d: %s \"%s\": %s is not a "
                            "string",
                            file_of(r, e), n->line, section, e->name, key);
    *out = n->value[0] ? n->value : NULL;
    return 0;
}

static int bool_field(const resolving *r, const kc_entry *e, const char *section, const char *key,
                      bool *out, ld_error *err)
{
    *out = false;
    const ld_yaml_node *n = ld_yaml_get(e->body, key);
    if (ld_k8s_is_null(n))
        return 0;
    if (!ld_k8s_bool(n, out))
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "kubeconfig %s: line %d: %s \"%s\": %s is not true or false",
                            file_of(r, e), n->line, section, e->name, key);
    return 0;
}

/* Reads the file at path (relative to e's kubeconfig) into *out. */
static int read_referenced(const resolving *r, const kc_entry *e, const char *section,
                           const char *key, const char *path, char **out, size_t *len, char **shown,
                           ld_error *err)
{
    ld_autofree char *full = resolve_path(r, e, path);
    int rc = ld_input_read(full, key, REFERENCED_FILE_MAX, out, len, err);
    if (rc < 0)
        return ld_error_wrap(err, "kubeconfig %s: %s \"%s\"", file_of(r, e), section, e->name);
    *shown = ld_steal_ptr(&full);
    return 0;
}

/* Inline base64 data (key_data) or a file (key_file), not both: the bytes
 * in *out. Neither: *out NULL. */
static int data_or_file(const resolving *r, const kc_entry *e, const char *section,
                        const char *key_data, const char *key_file, char **out, size_t *len,
                        char **source, ld_error *err)
{
    *out = NULL;
    *len = 0;
    const char *data = NULL, *file = NULL;
    int rc = string_field(r, e, section, key_data, &data, err);
    if (rc == 0)
        rc = string_field(r, e, section, key_file, &file, err);
    if (rc < 0)
        return rc;
    if (data && file)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "kubeconfig %s: %s \"%s\" sets both %s and %s; kubectl refuses this "
                            "too: keep one",
                            file_of(r, e), section, e->name, key_data, key_file);
    if (data) {
        *out = ld_k8s_base64_decode(data, len);
        if (!*out)
            return ld_error_set(err, LD_ERR_CORRUPT, "kubeconfig %s: %s \"%s\": %s is not base64",
                                file_of(r, e), section, e->name, key_data);
        if (source)
            *source =
                ld_xasprintf("%s of %s \"%s\" in %s", key_data, section, e->name, file_of(r, e));
        return 0;
    }
    if (file) {
        char *shown = NULL;
        rc = read_referenced(r, e, section, key_file, file, out, len, &shown, err);
        if (rc < 0)
            return rc;
        if (source)
            *source = ld_xasprintf("%s %s", key_file, shown);
        free(shown);
    }
    return 0;
}

/* A bearer token must fit in one header line: visible ASCII only. */
static bool token_ok(const char *t)
{
    if (!t[0])
        return false;
    for (const unsigned char *p = (const unsigned char *)t; *p; p++)
        if (*p < 0x21 || *p > 0x7E)
            return false;
    return true;
}

static int cluster_fields(const resolving *r, const kc_entry *c, ld_k8s_endpoint *out,
                          ld_error *err)
{
    const char *server = NULL, *sni = NULL, *proxy = NULL;
    int rc = string_field(r, c, "cluster", "server", &server, err);
    if (rc == 0)
        rc = string_field(r, c, "cluster", "tls-server-name", &sni, err);
    if (rc == 0)
        rc = string_field(r, c, "cluster", "proxy-url", &proxy, err);
    if (rc == 0)
        rc = bool_field(r, c, "cluster", "insecure-skip-tls-verify", &out->insecure_skip_tls_verify,
                        err);
    if (rc == 0)
        rc = bool_field(r, c, "cluster", "disable-compression", &out->disable_compression, err);
    if (rc < 0)
        return rc;
    if (!server)
        return ld_error_set(err, LD_ERR_CORRUPT, "kubeconfig %s: cluster \"%s\" has no server",
                            file_of(r, c), c->name);
    for (const unsigned char *p = (const unsigned char *)server; *p; p++)
        if (*p <= 0x20 || *p == 0x7F)
            return ld_error_set(err, LD_ERR_CORRUPT,
                                "kubeconfig %s: cluster \"%s\": the server URL contains a space "
                                "or a control character",
                                file_of(r, c), c->name);
    const char *sep = strstr(server, "://");
    char *url;
    if (!sep) {
        url = ld_xasprintf("https://%s", server); /* kubectl's default scheme */
    } else if (strncmp(server, "https://", 8) == 0 || strncmp(server, "http://", 7) == 0) {
        url = ld_xstrdup(server);
    } else {
        ld_autofree char *shown = ld_url_redact(server);
        return ld_error_set(err, LD_ERR_UNSUPPORTED,
                            "kubeconfig %s: cluster \"%s\": server %s: only https:// and http:// "
                            "are supported",
                            file_of(r, c), c->name, shown);
    }
    size_t n = strlen(url);
    while (n > 0 && url[n - 1] == '/' && url + n - 1 > strstr(url, "://") + 2)
        url[--n] = '\0';
    out->server = url;
    out->tls_server_name = ld_xstrdup(sni);
    if (proxy) {
        if (strncmp(proxy, "http://", 7) != 0 && strncmp(proxy, "https://", 8) != 0 &&
            strncmp(proxy, "socks5://", 9) != 0)
            return ld_error_set(err, LD_ERR_CORRUPT,
                                "kubeconfig %s: cluster \"%s\": proxy-url must be http://, "
                                "https:// or socks5://",
                                file_of(r, c), c->name);
        out->proxy_url = ld_xstrdup(proxy);
    }
    rc = data_or_file(r, c, "cluster", "certificate-authority-data", "certificate-authority",
                      &out->ca_pem, &out->ca_len, &out->ca_source, err);
    if (rc < 0)
        return rc;
    if (out->ca_pem && out->insecure_skip_tls_verify)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "kubeconfig %s: cluster \"%s\" names a certificate authority and sets "
                            "insecure-skip-tls-verify; kubectl refuses this too: remove "
                            "insecure-skip-tls-verify",
                            file_of(r, c), c->name);
    return 0;
}

static int exec_fields(const resolving *r, const kc_entry *u, const ld_yaml_node *x,
                       ld_k8s_endpoint *out, ld_error *err)
{
    const char *file = file_of(r, u);
    if (x->kind != LD_YAML_MAP)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "kubeconfig %s: line %d: user \"%s\": exec is not a mapping", file,
                            x->line, u->name);
    kc_entry xe = {.name = u->name, .body = x, .file = u->file};
    const char *command = NULL, *api = NULL, *mode = NULL, *hint = NULL;
    int rc = string_field(r, &xe, "user", "command", &command, err);
    if (rc == 0)
        rc = string_field(r, &xe, "user", "apiVersion", &api, err);
    if (rc == 0)
        rc = string_field(r, &xe, "user", "interactiveMode", &mode, err);
    if (rc == 0)
        rc = string_field(r, &xe, "user", "installHint", &hint, err);
    if (rc < 0)
        return rc;
    if (!command)
        return ld_error_set(err, LD_ERR_CORRUPT, "kubeconfig %s: user \"%s\": exec has no command",
                            file, u->name);
    if (!api)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "kubeconfig %s: user \"%s\": exec has no apiVersion (%s or %s)", file,
                            u->name, EXEC_V1, EXEC_V1BETA1);
    if (strcmp(api, EXEC_V1ALPHA1) == 0)
        return ld_error_set(err, LD_ERR_UNSUPPORTED,
                            "kubeconfig %s: user \"%s\": exec apiVersion %s was removed in "
                            "Kubernetes 1.24; use %s",
                            file, u->name, api, EXEC_V1);
    if (strcmp(api, EXEC_V1) != 0 && strcmp(api, EXEC_V1BETA1) != 0)
        return ld_error_set(err, LD_ERR_UNSUPPORTED,
                            "kubeconfig %s: user \"%s\": exec apiVersion \"%s\" is not %s or %s",
                            file, u->name, api, EXEC_V1, EXEC_V1BETA1);
    if (!mode && strcmp(api, EXEC_V1) == 0)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "kubeconfig %s: user \"%s\": exec interactiveMode must be set with "
                            "%s (Never, IfAvailable or Always)",
                            file, u->name, EXEC_V1);
    if (mode && strcmp(mode, "Never") != 0 && strcmp(mode, "IfAvailable") != 0 &&
        strcmp(mode, "Always") != 0)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "kubeconfig %s: user \"%s\": exec interactiveMode \"%s\" is not "
                            "Never, IfAvailable or Always",
                            file, u->name, mode);
    ld_k8s_exec_config *ex = ld_xcalloc(1, sizeof(*ex));
    out->exec = ex;
    ex->api_version = ld_xstrdup(api);
    ex->interactive_mode = ld_xstrdup(mode);
    ex->install_hint = ld_xstrdup(hint);
    /* a command with a '/' is a path, relative to the kubeconfig; a bare
     * name is looked up in PATH when it runs */
    ex->command = strchr(command, '/') ? resolve_path(r, u, command) : ld_xstrdup(command);
    rc = bool_field(r, &xe, "user", "provideClusterInfo", &ex->provide_cluster_info, err);
    if (rc < 0)
        return rc;
    const ld_yaml_node *args = ld_yaml_get(x, "args");
    if (!ld_k8s_is_null(args)) {
        if (args->kind != LD_YAML_SEQ)
            return ld_error_set(err, LD_ERR_CORRUPT,
                                "kubeconfig %s: line %d: user \"%s\": exec args is not a list",
                                file, args->line, u->name);
        for (size_t i = 0; i < args->n; i++) {
            const ld_yaml_node *a = args->items[i];
            if (a->kind != LD_YAML_SCALAR)
                return ld_error_set(err, LD_ERR_CORRUPT,
                                    "kubeconfig %s: line %d: user \"%s\": exec args[%zu] is not "
                                    "a string",
                                    file, a->line, u->name, i);
            ld_strlist_push(&ex->args, a->value);
        }
    }
    const ld_yaml_node *env = ld_yaml_get(x, "env");
    if (!ld_k8s_is_null(env)) {
        if (env->kind != LD_YAML_SEQ)
            return ld_error_set(err, LD_ERR_CORRUPT,
                                "kubeconfig %s: line %d: user \"%s\": exec env is not a list", file,
                                env->line, u->name);
        for (size_t i = 0; i < env->n; i++) {
            const ld_yaml_node *e = env->items[i];
            const char *name = ld_k8s_str(ld_yaml_get(e, "name"));
            const ld_yaml_node *vn = ld_yaml_get(e, "value");
            const char *value = ld_k8s_is_null(vn) ? "" : ld_yaml_str(vn);
            if (e->kind != LD_YAML_MAP || !name || !name[0] || strchr(name, '=') || !value)
                return ld_error_set(err, LD_ERR_CORRUPT,
                                    "kubeconfig %s: line %d: user \"%s\": exec env[%zu] needs a "
                                    "name (without '=') and a string value",
                                    file, e->line, u->name, i);
            ld_strlist_push_owned(&ex->env, ld_xasprintf("%s=%s", name, value));
        }
    }
    return 0;
}

static int user_fields(const resolving *r, const kc_entry *u, ld_k8s_endpoint *out, ld_error *err)
{
    const char *file = file_of(r, u);
    if (!u->body)
        return 0; /* `user: {}`: anonymous */
    int rc =
        data_or_file(r, u, "user", "client-certificate-data", "client-certificate",
                     &out->client_cert_pem, &out->client_cert_len, &out->client_cert_source, err);
    if (rc == 0)
        rc = data_or_file(r, u, "user", "client-key-data", "client-key", &out->client_key_pem,
                          &out->client_key_len, NULL, err);
    if (rc < 0)
        return rc;
    if (!out->client_cert_pem != !out->client_key_pem)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "kubeconfig %s: user \"%s\" has a client %s without its %s", file,
                            u->name, out->client_cert_pem ? "certificate" : "key",
                            out->client_cert_pem ? "key (client-key or client-key-data)"
                                                 : "certificate (client-certificate or "
                                                   "client-certificate-data)");
    const char *token = NULL, *token_file = NULL, *username = NULL, *password = NULL;
    const char *as = NULL, *as_uid = NULL;
    rc = string_field(r, u, "user", "token", &token, err);
    if (rc == 0)
        rc = string_field(r, u, "user", "tokenFile", &token_file, err);
    if (rc == 0)
        rc = string_field(r, u, "user", "username", &username, err);
    if (rc == 0)
        rc = string_field(r, u, "user", "password", &password, err);
    if (rc == 0)
        rc = string_field(r, u, "user", "as", &as, err);
    if (rc == 0)
        rc = string_field(r, u, "user", "as-uid", &as_uid, err);
    if (rc < 0)
        return rc;
    if ((token || token_file) && (username || password))
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "kubeconfig %s: user \"%s\" has both a token and basic auth "
                            "(username/password); kubectl refuses this too: keep one",
                            file, u->name);
    if (token_file) {
        /* client-go: the file's content wins over token */
        char *text = NULL, *shown = NULL;
        size_t len = 0;
        rc = read_referenced(r, u, "user", "tokenFile", token_file, &text, &len, &shown, err);
        if (rc < 0)
            return rc;
        size_t b = 0, e = len;
        while (b < e && (text[b] == ' ' || text[b] == '\t' || text[b] == '\n' || text[b] == '\r'))
            b++;
        while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\n' ||
                         text[e - 1] == '\r'))
            e--;
        out->token = ld_xstrndup(text + b, e - b);
        explicit_bzero(text, len);
        free(text);
        out->token_source = ld_xasprintf("tokenFile %s", shown);
        free(shown);
    } else if (token) {
        out->token = ld_xstrdup(token);
        out->token_source = ld_xasprintf("token of user \"%s\" in %s", u->name, file);
    }
    if (out->token && !token_ok(out->token))
        return ld_error_set(err, LD_ERR_CORRUPT, "kubeconfig %s: user \"%s\": the %s is %s", file,
                            u->name, token_file ? "tokenFile's token" : "token",
                            out->token[0] ? "not one line of visible ASCII (not a bearer token)"
                                          : "empty");
    if (username || password) {
        out->username = ld_xstrdup(username ? username : "");
        out->password = ld_xstrdup(password ? password : "");
        if (strchr(out->username, ':'))
            return ld_error_set(err, LD_ERR_CORRUPT,
                                "kubeconfig %s: user \"%s\": a basic-auth username cannot "
                                "contain ':'",
                                file, u->name);
    }
    out->impersonate_user = ld_xstrdup(as);
    out->impersonate_uid = ld_xstrdup(as_uid);
    const ld_yaml_node *groups = ld_yaml_get(u->body, "as-groups");
    if (!ld_k8s_is_null(groups)) {
        if (groups->kind != LD_YAML_SEQ)
            return ld_error_set(err, LD_ERR_CORRUPT,
                                "kubeconfig %s: user \"%s\": as-groups is not a list", file,
                                u->name);
        for (size_t i = 0; i < groups->n; i++) {
            const char *g = ld_k8s_str(groups->items[i]);
            if (!g)
                return ld_error_set(err, LD_ERR_CORRUPT,
                                    "kubeconfig %s: user \"%s\": as-groups[%zu] is not a string",
                                    file, u->name, i);
            ld_strlist_push(&out->impersonate_groups, g);
        }
    }
    if (!ld_k8s_is_null(ld_yaml_get(u->body, "as-user-extra")))
        return ld_error_set(err, LD_ERR_UNSUPPORTED,
                            "kubeconfig %s: user \"%s\": as-user-extra (impersonated user "
                            "extras) is not supported",
                            file, u->name);
    if ((out->impersonate_uid || out->impersonate_groups.n) && !out->impersonate_user)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "kubeconfig %s: user \"%s\": as-groups or as-uid without as (the "
                            "user to impersonate)",
                            file, u->name);
    const ld_yaml_node *x = ld_yaml_get(u->body, "exec");
    const ld_yaml_node *ap = ld_yaml_get(u->body, "auth-provider");
    if (!ld_k8s_is_null(x) && !ld_k8s_is_null(ap))
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "kubeconfig %s: user \"%s\" has both exec and auth-provider; kubectl "
                            "refuses this too",
                            file, u->name);
    if (!ld_k8s_is_null(ap)) {
        const char *name = ld_k8s_str(ld_yaml_get(ap, "name"));
        const char *id_token = ld_k8s_str(ld_k8s_at(ap, "config.id-token"));
        if (!name || strcmp(name, "oidc") != 0)
            return ld_error_set(err, LD_ERR_UNSUPPORTED,
                                "kubeconfig %s: user \"%s\" uses the auth-provider \"%s\", which "
                                "kubectl itself dropped (gcp and azure in 1.26): use the "
                                "provider's exec plugin (gke-gcloud-auth-plugin, kubelogin)",
                                file, u->name, name ? name : "(no name)");
        if (!id_token || !id_token[0])
            return ld_error_set(err, LD_ERR_UNSUPPORTED,
                                "kubeconfig %s: user \"%s\": the oidc auth-provider holds no "
                                "id-token; log in with kubectl first (lockdown does not run the "
                                "OIDC login)",
                                file, u->name);
        if (out->token || out->username)
            return ld_error_set(err, LD_ERR_CORRUPT,
                                "kubeconfig %s: user \"%s\" has both a token and an oidc "
                                "auth-provider; keep one",
                                file, u->name);
        out->token = ld_xstrdup(id_token);
        out->token_source =
            ld_xasprintf("id-token of the oidc auth-provider of user \"%s\"", u->name);
        if (!token_ok(out->token))
            return ld_error_set(err, LD_ERR_CORRUPT,
                                "kubeconfig %s: user \"%s\": the oidc id-token is not a bearer "
                                "token",
                                file, u->name);
    }
    if (!ld_k8s_is_null(x)) {
        if (out->token || out->username)
            return ld_error_set(err, LD_ERR_CORRUPT,
                                "kubeconfig %s: user \"%s\" has both an exec plugin and a %s; "
                                "lockdown will not guess which one to send: keep one",
                                file, u->name, out->token ? "token" : "username/password");
        rc = exec_fields(r, u, x, out, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* "a, b, c and 4 more" of the context names. */
static char *context_names(const ld_kubeconfig *kc)
{
    if (!kc->contexts.n)
        return ld_xstrdup("it defines none");
    ld_strlist l = {0};
    for (size_t i = 0; i < kc->contexts.n && i < NAMES_SHOWN; i++)
        ld_strlist_push_owned(&l, ld_xasprintf("\"%s\"", kc->contexts.v[i].name));
    char *names = ld_strlist_join(&l, ", ");
    ld_strlist_clear(&l);
    char *s = kc->contexts.n > NAMES_SHOWN
                  ? ld_xasprintf("contexts: %s and %zu more", names, kc->contexts.n - NAMES_SHOWN)
                  : ld_xasprintf("contexts: %s", names);
    free(names);
    return s;
}

int ld_kubeconfig_resolve(const ld_kubeconfig *kc, const char *context, ld_k8s_endpoint *out,
                          ld_error *err)
{
    memset(out, 0, sizeof(*out));
    const char *files = ld_kubeconfig_files(kc);
    const char *name = context && context[0] ? context : kc->current_context;
    if (!name) {
        ld_autofree char *names = context_names(kc);
        return ld_error_set(err, LD_ERR_INVALID,
                            "kubeconfig %s sets no current-context; name one with --context (%s)",
                            files, names);
    }
    const kc_entry *ctx = find_entry(&kc->contexts, name);
    if (!ctx) {
        ld_autofree char *names = context_names(kc);
        return ld_error_set(err, LD_ERR_NOT_FOUND, "kubeconfig %s: no context \"%s\" (%s)", files,
                            name, names);
    }
    resolving r = {.kc = kc, .context = name};
    const char *cluster_name = NULL, *user_name = NULL, *ns = NULL;
    int rc = string_field(&r, ctx, "context", "cluster", &cluster_name, err);
    if (rc == 0)
        rc = string_field(&r, ctx, "context", "user", &user_name, err);
    if (rc == 0)
        rc = string_field(&r, ctx, "context", "namespace", &ns, err);
    if (rc < 0)
        return rc;
    if (!cluster_name)
        return ld_error_set(err, LD_ERR_CORRUPT, "kubeconfig %s: context \"%s\" names no cluster",
                            file_of(&r, ctx), name);
    const kc_entry *cluster = find_entry(&kc->clusters, cluster_name);
    if (!cluster || !cluster->body)
        return ld_error_set(err, LD_ERR_NOT_FOUND,
                            "kubeconfig %s: context \"%s\" names cluster \"%s\", which %s", files,
                            name, cluster_name, cluster ? "is empty" : "no kubeconfig defines");
    const kc_entry *user = NULL;
    if (user_name) {
        user = find_entry(&kc->users, user_name);
        if (!user)
            return ld_error_set(err, LD_ERR_NOT_FOUND,
                                "kubeconfig %s: context \"%s\" names user \"%s\", which no "
                                "kubeconfig defines",
                                files, name, user_name);
    }
    out->kubeconfig = ld_xstrdup(files);
    out->context = ld_xstrdup(name);
    out->cluster = ld_xstrdup(cluster_name);
    out->user = ld_xstrdup(user_name ? user_name : "");
    out->namespace_ = ld_xstrdup(ns);
    rc = cluster_fields(&r, cluster, out, err);
    if (rc == 0 && user)
        rc = user_fields(&r, user, out, err);
    if (rc < 0)
        ld_k8s_endpoint_clear(out);
    return rc;
}
