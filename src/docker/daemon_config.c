/* daemon.json + dockerd command line -> effective daemon configuration.
 * See daemon_config.h. Not for checks: daemon_checks.c judges the values. */
#include "docker/daemon_config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "host/host_files.h"
#include "util/cleanup.h"
#include "util/mem.h"
#include "util/path_lex.h"

typedef enum { K_BOOL, K_STRING, K_LIST, K_ULIMITS } kind;

typedef struct {
    ld_dcfg_key key;
    kind kind;
    const char *json;  /* daemon.json key, NULL: command line only */
    const char *json2; /* an older alias, or NULL */
    const char *flag;  /* long flag without dashes */
    const char *flag2; /* a second long flag (singular/plural forms), or NULL */
    char short_flag;   /* 0: none */
} setting;

static const setting settings[] = {
    {LD_DCFG_ICC, K_BOOL, "icc", NULL, "icc", NULL, 0},
    {LD_DCFG_IPTABLES, K_BOOL, "iptables", NULL, "iptables", NULL, 0},
    {LD_DCFG_USERLAND_PROXY, K_BOOL, "userland-proxy", NULL, "userland-proxy", NULL, 0},
    {LD_DCFG_NO_NEW_PRIVILEGES, K_BOOL, "no-new-privileges", NULL, "no-new-privileges", NULL, 0},
    {LD_DCFG_LIVE_RESTORE, K_BOOL, "live-restore", NULL, "live-restore", NULL, 0},
    {LD_DCFG_EXPERIMENTAL, K_BOOL, "experimental", NULL, "experimental", NULL, 0},
    {LD_DCFG_DEBUG, K_BOOL, "debug", NULL, "debug", NULL, 'D'},
    {LD_DCFG_TLS, K_BOOL, "tls", NULL, "tls", NULL, 0},
    {LD_DCFG_TLSVERIFY, K_BOOL, "tlsverify", NULL, "tlsverify", NULL, 0},
    {LD_DCFG_SELINUX, K_BOOL, "selinux-enabled", NULL, "selinux-enabled", NULL, 0},
    {LD_DCFG_LOG_LEVEL, K_STRING, "log-level", NULL, "log-level", NULL, 'l'},
    {LD_DCFG_USERNS_REMAP, K_STRING, "userns-remap", NULL, "userns-remap", NULL, 0},
    {LD_DCFG_CGROUP_PARENT, K_STRING, "cgroup-parent", NULL, "cgroup-parent", NULL, 0},
    {LD_DCFG_SECCOMP_PROFILE, K_STRING, "seccomp-profile", NULL, "seccomp-profile", NULL, 0},
    {LD_DCFG_LOG_DRIVER, K_STRING, "log-driver", NULL, "log-driver", NULL, 0},
    {LD_DCFG_STORAGE_DRIVER, K_STRING, "storage-driver", NULL, "storage-driver", NULL, 's'},
    {LD_DCFG_TLSCACERT, K_STRING, "tlscacert", NULL, "tlscacert", NULL, 0},
    {LD_DCFG_TLSCERT, K_STRING, "tlscert", NULL, "tlscert", NULL, 0},
    {LD_DCFG_TLSKEY, K_STRING, "tlskey", NULL, "tlskey", NULL, 0},
    {LD_DCFG_DATA_ROOT, K_STRING, "data-root", "graph", "data-root", "graph", 'g'},
    {LD_DCFG_CONFIG_FILE, K_STRING, NULL, NULL, "config-file", NULL, 0},
    {LD_DCFG_HOSTS, K_LIST, "hosts", NULL, "host", NULL, 'H'},
    {LD_DCFG_INSECURE_REGISTRIES, K_LIST, "insecure-registries", NULL, "insecure-registry", NULL,
     0},
    {LD_DCFG_AUTHZ_PLUGINS, K_LIST, "authorization-plugins", NULL, "authorization-plugin", NULL, 0},
    {LD_DCFG_DEFAULT_ULIMITS, K_ULIMITS, "default-ulimits", NULL, "default-ulimit", NULL, 0},
    {LD_DCFG_STORAGE_OPTS, K_LIST, "storage-opts", NULL, "storage-opt", NULL, 0},
};
#define N_SETTINGS (sizeof(settings) / sizeof(settings[0]))

_Static_assert(N_SETTINGS == LD_DCFG_COUNT, "one table row per setting");

static const setting *setting_of(ld_dcfg_key k)
{
    for (size_t i = 0; i < N_SETTINGS; i++)
        if (settings[i].key == k)
            return &settings[i];
    return NULL;
}

const char *ld_dcfg_json_key(ld_dcfg_key k)
{
    const setting *s = setting_of(k);
    return s && s->json ? s->json : "";
}

const char *ld_dcfg_flag(ld_dcfg_key k)
{
    const setting *s = setting_of(k);
    return s ? s->flag : "";
}

const char *ld_dcfg_source_name(ld_dcfg_source s)
{
    switch (s) {
    case LD_DCFG_FROM_FILE: return "daemon.json";
    case LD_DCFG_FROM_CMDLINE: return "dockerd command line";
    case LD_DCFG_UNSET: break;
    }
    return "default";
}

static void value_reset(ld_dcfg_value *v)
{
    free(v->s);
    ld_strlist_clear(&v->l);
    memset(v, 0, sizeof(*v));
}

static void problem(ld_daemon_config *cfg, char *msg)
{
    if (cfg->problems.n < 32)
        ld_strlist_push_owned(&cfg->problems, msg);
    else
        free(msg);
}

/* Control bytes make evidence unsafe on a terminal; they are replaced. */
static char *clean_dup(const char *s, size_t n)
{
    if (n > LD_DAEMON_VALUE_MAX)
        n = LD_DAEMON_VALUE_MAX;
    char *out = ld_xstrndup(s, n);
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    return out;
}

static void list_push(ld_dcfg_value *v, const char *s, size_t n)
{
    if (v->l.n < LD_DAEMON_LIST_MAX)
        ld_strlist_push_owned(&v->l, clean_dup(s, n));
}

/* ---- daemon.json -------------------------------------------------------- */

static void json_ulimits(ld_daemon_config *cfg, ld_dcfg_value *v, const json_t *j, const char *key)
{
    if (!json_is_object(j)) {
        problem(cfg, ld_xasprintf("daemon.json \"%s\" is not an object; ignored", key));
        return;
    }
    const char *name;
    const json_t *u;
    json_object_foreach((json_t *)j, name, u)
    {
        const json_t *soft = json_object_get(u, "Soft"), *hard = json_object_get(u, "Hard");
        if (!json_is_integer(soft) || !json_is_integer(hard)) {
            problem(cfg, ld_xasprintf("daemon.json \"%s\" entry has no integer Soft/Hard; ignored",
                                      key));
            continue;
        }
        ld_autofree char *s =
            ld_xasprintf("%.64s=%lld:%lld", name, (long long)json_integer_value(soft),
                         (long long)json_integer_value(hard));
        list_push(v, s, strlen(s));
    }
    v->source = LD_DCFG_FROM_FILE;
}

static void json_setting(ld_daemon_config *cfg, const setting *st, const json_t *j, const char *key)
{
    ld_dcfg_value *v = &cfg->v[st->key];
    if (v->source == LD_DCFG_FROM_CMDLINE)
        return; /* the command line wins (dockerd refuses both; see header) */
    value_reset(v);
    switch (st->kind) {
    case K_BOOL:
        if (!json_is_boolean(j)) {
            problem(cfg, ld_xasprintf("daemon.json \"%s\" is not a boolean; ignored", key));
            return;
        }
        v->b = json_is_true(j);
        break;
    case K_STRING:
        if (!json_is_string(j)) {
            problem(cfg, ld_xasprintf("daemon.json \"%s\" is not a string; ignored", key));
            return;
        }
        v->s = clean_dup(json_string_value(j), json_string_length(j));
        break;
    case K_LIST: {
        if (!json_is_array(j)) {
            problem(cfg, ld_xasprintf("daemon.json \"%s\" is not an array; ignored", key));
            return;
        }
        size_t i;
        const json_t *item;
        json_array_foreach(j, i, item)
        {
            if (json_is_string(item))
                list_push(v, json_string_value(item), json_string_length(item));
            else
                problem(cfg, ld_xasprintf("daemon.json \"%s\" has a non-string entry", key));
        }
        break;
    }
    case K_ULIMITS: json_ulimits(cfg, v, j, key); return;
    }
    v->source = LD_DCFG_FROM_FILE;
}

int ld_daemon_json_parse(ld_daemon_config *cfg, const char *text, size_t len, const char *name,
                         ld_error *err)
{
    if (len > LD_DAEMON_JSON_MAX_BYTES)
        return ld_error_set(err, LD_ERR_LIMIT, "\"%s\" is larger than %zu bytes", name,
                            LD_DAEMON_JSON_MAX_BYTES);
    json_error_t jerr;
    /* jansson caps nesting depth (JSON_PARSER_MAX_DEPTH) and rejects invalid UTF-8. */
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc)
        return ld_error_set(err, LD_ERR_CORRUPT, "\"%s\": invalid JSON at line %d column %d: %s",
                            name, jerr.line, jerr.column, jerr.text);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return ld_error_set(err, LD_ERR_CORRUPT, "\"%s\": expected a JSON object", name);
    }
    for (size_t i = 0; i < N_SETTINGS; i++) {
        const setting *st = &settings[i];
        if (!st->json)
            continue;
        const char *key = st->json;
        const json_t *j = json_object_get(doc, key);
        if (!j && st->json2) {
            key = st->json2;
            j = json_object_get(doc, key);
        }
        if (j)
            json_setting(cfg, st, j, key);
    }
    json_decref(doc);
    cfg->file_read = true;
    return 0;
}

/* ---- command line -------------------------------------------------------- */

static bool parse_bool(const char *s, bool *out)
{
    static const char *const t[] = {"1", "t", "T", "true", "TRUE", "True"};
    static const char *const f[] = {"0", "f", "F", "false", "FALSE", "False"};
    for (size_t i = 0; i < 6; i++) {
        if (strcmp(s, t[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcmp(s, f[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

static void cmdline_value(ld_daemon_config *cfg, const setting *st, const char *val)
{
    ld_dcfg_value *v = &cfg->v[st->key];
    if (v->source != LD_DCFG_FROM_CMDLINE)
        value_reset(v);
    switch (st->kind) {
    case K_BOOL:
        if (!val) {
            v->b = true;
        } else if (!parse_bool(val, &v->b)) {
            problem(cfg,
                    ld_xasprintf("dockerd --%s=%.64s is not a boolean; ignored", st->flag, val));
            return;
        }
        break;
    case K_STRING:
        free(v->s);
        v->s = clean_dup(val ? val : "", strlen(val ? val : ""));
        break;
    case K_LIST:
    case K_ULIMITS: list_push(v, val ? val : "", strlen(val ? val : "")); break;
    }
    v->source = LD_DCFG_FROM_CMDLINE;
}

static const setting *flag_long(const char *name, size_t n)
{
    for (size_t i = 0; i < N_SETTINGS; i++) {
        const setting *st = &settings[i];
        if ((strlen(st->flag) == n && strncmp(st->flag, name, n) == 0) ||
            (st->flag2 && strlen(st->flag2) == n && strncmp(st->flag2, name, n) == 0))
            return st;
    }
    return NULL;
}

static const setting *flag_short(char c)
{
    for (size_t i = 0; i < N_SETTINGS; i++)
        if (settings[i].short_flag && settings[i].short_flag == c)
            return &settings[i];
    return NULL;
}

int ld_daemon_cmdline_parse(ld_daemon_config *cfg, const char *argv_nul, size_t len, ld_error *err)
{
    if (len > LD_DAEMON_CMDLINE_MAX_BYTES)
        return ld_error_set(err, LD_ERR_LIMIT, "dockerd command line larger than %zu bytes",
                            LD_DAEMON_CMDLINE_MAX_BYTES);
    /* Split into a NULL-terminated argv copy (the image may lack the final NUL). */
    ld_autofree char *copy = ld_xmalloc(len + 1);
    memcpy(copy, argv_nul, len);
    copy[len] = '\0';
    ld_strlist args = {0};
    for (size_t off = 0; off < len;) {
        size_t n = strnlen(copy + off, len - off);
        ld_strlist_push(&args, copy + off);
        off += n + 1;
    }
    for (size_t i = 1; i < args.n; i++) {
        const char *a = args.v[i];
        const char *next = i + 1 < args.n ? args.v[i + 1] : NULL;
        if (strcmp(a, "--") == 0)
            break;
        if (a[0] != '-' || !a[1])
            continue;
        const setting *st = NULL;
        const char *val = NULL;
        bool inline_val = false;
        if (a[1] == '-') {
            const char *name = a + 2;
            const char *eq = strchr(name, '=');
            st = flag_long(name, eq ? (size_t)(eq - name) : strlen(name));
            if (eq) {
                val = eq + 1;
                inline_val = true;
            }
        } else {
            st = flag_short(a[1]);
            if (a[2]) {
                val = a[2] == '=' ? a + 3 : a + 2;
                inline_val = true;
            }
        }
        if (!st) {
            /* Unknown flag: a following word that is not a flag is its value. */
            if (!inline_val && next && next[0] != '-' && !strchr(a, '='))
                i++;
            continue;
        }
        if (st->kind != K_BOOL && !inline_val) {
            if (!next) {
                problem(cfg, ld_xasprintf("dockerd --%s has no value", st->flag));
                break;
            }
            val = next;
            i++;
        }
        cmdline_value(cfg, st, val);
    }
    ld_strlist_clear(&args);
    cfg->cmdline_read = true;
    return 0;
}

/* ---- the running daemon ----------------------------------------------------- */

static bool comm_is_dockerd(const char *root, long pid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
    ld_autofree char *text = NULL;
    size_t len = 0;
    ld_error err = LD_ERROR_INIT;
    if (ld_host_read_file(root, path, 256, &text, &len, &err) < 0)
        return false;
    while (len > 0 && (text[len - 1] == '\n'))
        text[--len] = '\0';
    return strcmp(text, "dockerd") == 0;
}

static long parse_pid(const char *s)
{
    long v = 0;
    if (!*s)
        return 0;
    for (; *s && *s != '\n'; s++) {
        if (*s < '0' || *s > '9' || v > 4194304L)
            return 0;
        v = v * 10 + (*s - '0');
    }
    return v;
}

/* Socket paths compare in lexical canonical form (util/path_lex.h). */
static bool is_default_socket(const char *p)
{
    return ld_path_lex_equal(p, "/var/run/docker.sock") || ld_path_lex_equal(p, "/run/docker.sock");
}

/* Whether dockerd `pid`'s command line names unix://socket_path as a host
 * (or names no host and socket_path is the default one). */
static bool serves_socket(const char *root, long pid, const char *socket_path)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
    ld_autofree char *argv = NULL;
    size_t len = 0;
    ld_error err = LD_ERROR_INIT;
    if (ld_host_read_file(root, path, LD_DAEMON_CMDLINE_MAX_BYTES, &argv, &len, &err) < 0)
        return false;
    ld_daemon_config c = {0};
    bool match = false;
    if (ld_daemon_cmdline_parse(&c, argv, len, &err) == 0) {
        const ld_dcfg_value *h = &c.v[LD_DCFG_HOSTS];
        if (h->l.n == 0)
            match = is_default_socket(socket_path);
        for (size_t i = 0; !match && i < h->l.n; i++)
            match =
                strncmp(h->l.v[i], "unix://", 7) == 0 && ld_path_lex_equal(h->l.v[i] + 7, socket_path);
    }
    ld_daemon_config_clear(&c);
    return match;
}

pid_t ld_dockerd_find_pid(const char *root, const char *socket_path)
{
    bool any = !socket_path || is_default_socket(socket_path);
    ld_autofree char *text = NULL;
    size_t len = 0;
    ld_error err = LD_ERROR_INIT;
    static const char *const pidfiles[] = {"/var/run/docker.pid", "/run/docker.pid"};
    for (size_t i = 0; any && i < 2; i++) {
        if (ld_host_read_file(root, pidfiles[i], 64, &text, &len, &err) == 0) {
            long pid = parse_pid(text);
            free(text);
            text = NULL;
            if (pid > 0 && comm_is_dockerd(root, pid))
                return (pid_t)pid;
        }
    }
    ld_autofree char *procdir = ld_xasprintf("%s/proc", ld_host_root_is_slash(root) ? "" : root);
    DIR *d = opendir(procdir);
    if (!d)
        return 0;
    pid_t found = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        long pid = parse_pid(de->d_name);
        if (pid > 0 && comm_is_dockerd(root, pid) &&
            (!socket_path || serves_socket(root, pid, socket_path))) {
            found = (pid_t)pid;
            break;
        }
    }
    closedir(d);
    return found;
}

int ld_daemon_config_load(ld_daemon_config *cfg, const char *root, const char *socket_path,
                          ld_error *err)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->pid = ld_dockerd_find_pid(root, socket_path);
    if (cfg->pid > 0) {
        char path[64];
        snprintf(path, sizeof(path), "/proc/%ld/cmdline", (long)cfg->pid);
        ld_autofree char *argv = NULL;
        size_t len = 0;
        ld_error e2 = LD_ERROR_INIT;
        if (ld_host_read_file(root, path, LD_DAEMON_CMDLINE_MAX_BYTES, &argv, &len, &e2) == 0 &&
            len > 0) {
            if (ld_daemon_cmdline_parse(cfg, argv, len, &e2) < 0)
                problem(cfg, ld_xstrdup(e2.msg));
        }
    }
    const ld_dcfg_value *cf = &cfg->v[LD_DCFG_CONFIG_FILE];
    cfg->file_path = ld_xstrdup(cf->s && cf->s[0] ? cf->s : "/etc/docker/daemon.json");
    ld_autofree char *text = NULL;
    size_t len = 0;
    ld_error ferr = LD_ERROR_INIT;
    int rc = ld_host_read_file(root, cfg->file_path, LD_DAEMON_JSON_MAX_BYTES, &text, &len, &ferr);
    if (rc == LD_ERR_NOT_FOUND)
        return 0;
    if (rc < 0) {
        problem(cfg, ld_xstrdup(ferr.msg));
        cfg->file_failed = true;
        return 0;
    }
    if (ld_daemon_json_parse(cfg, text, len, cfg->file_path, &ferr) < 0) {
        problem(cfg, ld_xstrdup(ferr.msg));
        cfg->file_failed = true;
    }
    (void)err;
    return 0;
}

bool ld_dcfg_known(const ld_daemon_config *cfg, ld_dcfg_key k)
{
    return cfg->v[k].source != LD_DCFG_UNSET || (cfg->cmdline_read && !cfg->file_failed);
}

void ld_daemon_config_clear(ld_daemon_config *cfg)
{
    for (size_t i = 0; i < LD_DCFG_COUNT; i++)
        value_reset(&cfg->v[i]);
    free(cfg->file_path);
    ld_strlist_clear(&cfg->problems);
    memset(cfg, 0, sizeof(*cfg));
}
