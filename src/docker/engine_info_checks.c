/* Daemon/engine checks from one /info and one /version document. Every
 * field is looked up defensively: the documents come from a daemon that may
 * be old, new, patched or hostile, so a missing field or a wrong type turns
 * into an error finding for that check only. See engine_info_checks.h. */
#include "docker/engine_info_checks.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/mem.h"

/* Evidence longer than this is cut (at a UTF-8 boundary) and says so. */
#define EVIDENCE_VALUE_MAX 1024
/* At most this many insecure registries are named in one finding. */
#define INSECURE_LIST_MAX 10

#define LD_STR_(x) #x
#define LD_STR(x) LD_STR_(x)

typedef struct {
    ld_report *r;
    const json_t *info;
    const json_t *version;
    const char *target_id;
    char *target_name;
    ld_error *err;
} check_ctx;

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "a value";
}

/* Compact JSON text of v, cut to EVIDENCE_VALUE_MAX bytes with a marker.
 * Caller frees. */
static char *dump(const json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!s)
        return ld_xstrdup("(unprintable)");
    size_t len = strlen(s);
    if (len <= EVIDENCE_VALUE_MAX) {
        char *out = ld_xstrdup(s);
        free(s);
        return out;
    }
    size_t cut = EVIDENCE_VALUE_MAX;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--; /* do not split a UTF-8 sequence */
    char *out = ld_xasprintf("%.*s... (%zu bytes)", (int)cut, s, len);
    free(s);
    return out;
}

static char *dump_str(const char *s)
{
    json_t *j = json_string(s);
    char *out = j ? dump(j) : ld_xstrdup("(invalid UTF-8)");
    json_decref(j);
    return out;
}

/* Emits a finding; title NULL keeps the control's title. Returns what
 * ld_report_emit returns; an id missing from the catalog is an error. */
static int emit(check_ctx *c, const char *check_id, ld_status status, const char *title,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int emit(check_ctx *c, const char *check_id, ld_status status, const char *title,
                const char *fmt, ...)
{
    const ld_control *ctl = ld_catalog_control_for_check(c->r->catalog, check_id);
    if (!ctl)
        return ld_error_set(c->err, LD_ERR_GENERIC, "check %s has no control in data/controls.yaml",
                            check_id);
    ld_finding *f = ld_finding_new(ctl, check_id, status);
    ld_finding_set_target(f, LD_TARGET_ENGINE, c->target_id, c->target_name);
    if (title)
        ld_finding_set_title(f, title);
    va_list ap;
    va_start(ap, fmt);
    f->evidence = ld_xvasprintf(fmt, ap);
    va_end(ap);
    return ld_report_emit(c->r, f, c->err);
}

typedef enum { T_BOOL, T_STRING, T_INT, T_OBJECT, T_ARRAY_OR_NULL } want_type;

static const char *want_name(want_type t)
{
    switch (t) {
    case T_BOOL: return "a boolean";
    case T_STRING: return "a string";
    case T_INT: return "an integer";
    case T_OBJECT: return "an object";
    case T_ARRAY_OR_NULL: return "an array";
    }
    return "?";
}

static bool has_type(const json_t *v, want_type t)
{
    switch (t) {
    case T_BOOL: return json_is_boolean(v);
    case T_STRING: return json_is_string(v);
    case T_INT: return json_is_integer(v) && json_integer_value(v) >= 0;
    case T_OBJECT: return json_is_object(v);
    case T_ARRAY_OR_NULL: return json_is_array(v) || json_is_null(v);
    }
    return false;
}

/* Looks up the dotted field path (e.g. "Swarm.LocalNodeState") in doc.
 * Returns 0 with *out set when present with the wanted type; otherwise
 * emits an error finding for check_id naming the problem and returns 1;
 * returns < 0 if that emission failed. doc_name is "/info" or "/version". */
static int need(check_ctx *c, const char *check_id, const json_t *doc, const char *doc_name,
                const char *path, want_type t, const json_t **out)
{
    if (!json_is_object(doc)) {
        int rc = doc ? emit(c, check_id, LD_STATUS_ERROR, NULL,
                            "%s response is %s, expected an object", doc_name, type_name(doc))
                     : emit(c, check_id, LD_STATUS_ERROR, NULL, "no %s response", doc_name);
        return rc < 0 ? rc : 1;
    }
    const json_t *v = doc;
    const char *p = path;
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (!json_is_object(v)) {
            int rc =
                emit(c, check_id, LD_STATUS_ERROR, NULL, "field %.*s is %s, expected an object",
                     (int)(p - path - 1), path, type_name(v));
            return rc < 0 ? rc : 1;
        }
        v = json_object_getn(v, p, n);
        if (!v) {
            int rc = emit(c, check_id, LD_STATUS_ERROR, NULL, "field %.*s missing",
                          (int)(p - path + (ptrdiff_t)n), path);
            return rc < 0 ? rc : 1;
        }
        p = dot ? dot + 1 : p + n;
    }
    if (!has_type(v, t)) {
        int rc = t == T_INT && json_is_integer(v)
                     ? emit(c, check_id, LD_STATUS_ERROR, NULL, "field %s is negative", path)
                     : emit(c, check_id, LD_STATUS_ERROR, NULL, "field %s is %s, expected %s", path,
                            type_name(v), want_name(t));
        return rc < 0 ? rc : 1;
    }
    *out = v;
    return 0;
}

#define NEED(check, doc, doc_name, path, type, out)                                                \
    do {                                                                                           \
        int need_rc_ = need(c, check, doc, doc_name, path, type, out);                             \
        if (need_rc_ != 0)                                                                         \
            return need_rc_ < 0 ? need_rc_ : 0;                                                    \
    } while (0)

/* A boolean field that must be `good` to pass. */
static int bool_check(check_ctx *c, const char *check_id, const char *field, bool good)
{
    const json_t *v;
    NEED(check_id, c->info, "/info", field, T_BOOL, &v);
    bool b = json_is_true(v);
    return emit(c, check_id, b == good ? LD_STATUS_PASS : LD_STATUS_FAIL, NULL, "%s = %s", field,
                b ? "true" : "false");
}

/* Value of key in a SecurityOptions entry ("name=seccomp,profile=default");
 * an entry without '=' (API < 1.26: "seccomp") is taken as its name.
 * Returns a new string or NULL. */
static char *sec_opt_value(const char *entry, const char *key)
{
    if (!strchr(entry, '='))
        return strcmp(key, "name") == 0 ? ld_xstrdup(entry) : NULL;
    size_t klen = strlen(key);
    const char *p = entry;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (n > klen && strncmp(p, key, klen) == 0 && p[klen] == '=')
            return ld_xstrndup(p + klen + 1, n - klen - 1);
        p = comma ? comma + 1 : p + n;
    }
    return NULL;
}

/* The SecurityOptions entry whose name is `name`, or NULL. */
static const char *sec_opt_find(const json_t *opts, const char *name)
{
    size_t i;
    const json_t *item;
    json_array_foreach(opts, i, item)
    {
        const char *s = json_string_value(item);
        if (!s)
            continue;
        ld_autofree char *n = sec_opt_value(s, "name");
        if (n && strcmp(n, name) == 0)
            return s;
    }
    return NULL;
}

static int check_userns(check_ctx *c)
{
    const json_t *opts;
    NEED("daemon.userns-remap", c->info, "/info", "SecurityOptions", T_ARRAY_OR_NULL, &opts);
    ld_autofree char *ev = dump(opts);
    bool on = sec_opt_find(opts, "userns") != NULL;
    return emit(c, "daemon.userns-remap", on ? LD_STATUS_PASS : LD_STATUS_FAIL, NULL,
                "SecurityOptions = %s", ev);
}

static int check_seccomp(check_ctx *c)
{
    const json_t *opts;
    NEED("daemon.seccomp-profile", c->info, "/info", "SecurityOptions", T_ARRAY_OR_NULL, &opts);
    ld_autofree char *ev = dump(opts);
    const char *entry = sec_opt_find(opts, "seccomp");
    ld_autofree char *profile = entry ? sec_opt_value(entry, "profile") : NULL;
    /* No entry: the daemon or kernel has no seccomp, so containers run
     * without a filter. An entry without a profile (old API) is the default. */
    bool ok = entry && !(profile && strcmp(profile, "unconfined") == 0);
    return emit(c, "daemon.seccomp-profile", ok ? LD_STATUS_PASS : LD_STATUS_FAIL, NULL,
                "SecurityOptions = %s", ev);
}

static bool loopback_cidr(const char *s)
{
    return strcmp(s, "127.0.0.0/8") == 0 || strcmp(s, "::1/128") == 0;
}

static int check_insecure_registries(check_ctx *c)
{
    static const char id[] = "daemon.insecure-registries";
    const json_t *index, *cidrs;
    NEED(id, c->info, "/info", "RegistryConfig.IndexConfigs", T_OBJECT, &index);
    NEED(id, c->info, "/info", "RegistryConfig.InsecureRegistryCIDRs", T_ARRAY_OR_NULL, &cidrs);
    ld_strlist parts = {0};
    size_t insecure = 0;
    const char *name;
    const json_t *cfg;
    json_object_foreach((json_t *)index, name, cfg)
    {
        if (!json_is_false(json_object_get(cfg, "Secure")))
            continue;
        if (insecure++ < INSECURE_LIST_MAX) {
            ld_autofree char *q = dump_str(name);
            ld_strlist_push_owned(
                &parts, ld_xasprintf("RegistryConfig.IndexConfigs[%s].Secure = false", q));
        }
    }
    if (insecure > INSECURE_LIST_MAX)
        ld_strlist_push_owned(&parts, ld_xasprintf("and %zu more IndexConfigs with Secure = false",
                                                   insecure - INSECURE_LIST_MAX));
    bool wide_cidr = false;
    size_t i;
    const json_t *item;
    json_array_foreach(cidrs, i, item)
    {
        const char *s = json_string_value(item);
        if (s && !loopback_cidr(s))
            wide_cidr = true;
    }
    ld_autofree char *cidr_ev = dump(cidrs);
    ld_strlist_push_owned(&parts,
                          ld_xasprintf("RegistryConfig.InsecureRegistryCIDRs = %s", cidr_ev));
    if (insecure == 0)
        ld_strlist_push(&parts, "no RegistryConfig.IndexConfigs entry has Secure = false");
    ld_autofree char *ev = ld_strlist_join(&parts, "; ");
    ld_strlist_clear(&parts);
    bool bad = insecure > 0 || wide_cidr;
    return emit(c, id, bad ? LD_STATUS_FAIL : LD_STATUS_PASS, NULL, "%s", ev);
}

static int check_storage_driver(check_ctx *c)
{
    const json_t *v;
    NEED("daemon.storage-driver-aufs", c->info, "/info", "Driver", T_STRING, &v);
    ld_autofree char *ev = dump(v);
    bool aufs = strcmp(json_string_value(v), "aufs") == 0;
    return emit(c, "daemon.storage-driver-aufs", aufs ? LD_STATUS_FAIL : LD_STATUS_PASS, NULL,
                "Driver = %s", ev);
}

static int check_authz(check_ctx *c)
{
    const json_t *v;
    NEED("daemon.authz-plugin", c->info, "/info", "Plugins.Authorization", T_ARRAY_OR_NULL, &v);
    ld_autofree char *ev = dump(v);
    bool some = json_is_array(v) && json_array_size(v) > 0;
    return emit(c, "daemon.authz-plugin", some ? LD_STATUS_PASS : LD_STATUS_FAIL, NULL,
                "Plugins.Authorization = %s", ev);
}

static int check_remote_logging(check_ctx *c)
{
    const json_t *v;
    NEED("daemon.remote-logging", c->info, "/info", "LoggingDriver", T_STRING, &v);
    const char *d = json_string_value(v);
    /* Drivers that keep logs on the host only (or nowhere). */
    bool local =
        !d[0] || strcmp(d, "json-file") == 0 || strcmp(d, "local") == 0 || strcmp(d, "none") == 0;
    ld_autofree char *ev = dump(v);
    return emit(c, "daemon.remote-logging", local ? LD_STATUS_FAIL : LD_STATUS_PASS, NULL,
                "LoggingDriver = %s", ev);
}

static int check_image_sprawl(check_ctx *c)
{
    const json_t *v;
    NEED("engine.image-sprawl", c->info, "/info", "Images", T_INT, &v);
    json_int_t n = json_integer_value(v);
    if (n > LD_IMAGE_SPRAWL_MAX)
        return emit(c, "engine.image-sprawl", LD_STATUS_WARN,
                    "more than " LD_STR(LD_IMAGE_SPRAWL_MAX) " images on the engine",
                    "Images = %lld", (long long)n);
    return emit(c, "engine.image-sprawl", LD_STATUS_INFO, NULL, "Images = %lld", (long long)n);
}

static int check_container_sprawl(check_ctx *c)
{
    static const char id[] = "engine.container-sprawl";
    const json_t *total, *running;
    NEED(id, c->info, "/info", "Containers", T_INT, &total);
    NEED(id, c->info, "/info", "ContainersRunning", T_INT, &running);
    json_int_t n_total = json_integer_value(total), n_running = json_integer_value(running);
    const json_t *paused = json_object_get(c->info, "ContainersPaused");
    const json_t *stopped = json_object_get(c->info, "ContainersStopped");
    json_int_t n_paused = json_is_integer(paused) ? json_integer_value(paused) : 0;
    json_int_t n_stopped;
    if (json_is_integer(stopped) && json_integer_value(stopped) >= 0)
        n_stopped = json_integer_value(stopped);
    else if (__builtin_sub_overflow(n_total, n_running, &n_stopped) ||
             __builtin_sub_overflow(n_stopped, n_paused, &n_stopped) || n_stopped < 0)
        n_stopped = 0; /* inconsistent counts: do not invent stopped containers */
    /* Evidence: the fields as seen, nothing computed. */
    ld_autofree char *ev_paused =
        json_is_integer(paused)
            ? ld_xasprintf(", ContainersPaused = %lld", (long long)json_integer_value(paused))
            : ld_xstrdup("");
    ld_autofree char *ev_stopped =
        json_is_integer(stopped)
            ? ld_xasprintf(", ContainersStopped = %lld", (long long)json_integer_value(stopped))
            : ld_xstrdup("");
    ld_autofree char *ev =
        ld_xasprintf("Containers = %lld, ContainersRunning = %lld%s%s", (long long)n_total,
                     (long long)n_running, ev_paused, ev_stopped);
    json_int_t limit;
    bool overflow =
        __builtin_mul_overflow(n_running, (json_int_t)LD_CONTAINER_SPRAWL_RATIO, &limit);
    bool many = n_stopped > LD_CONTAINER_SPRAWL_MIN && !overflow && n_stopped > limit;
    if (many)
        return emit(c, id, LD_STATUS_WARN,
                    "more than " LD_STR(
                        LD_CONTAINER_SPRAWL_RATIO) "x as many stopped as running containers",
                    "%s", ev);
    return emit(c, id, LD_STATUS_INFO, NULL, "%s", ev);
}

static int check_swarm(check_ctx *c)
{
    const json_t *v;
    NEED("engine.swarm-mode", c->info, "/info", "Swarm.LocalNodeState", T_STRING, &v);
    const char *s = json_string_value(v);
    ld_autofree char *ev = dump(v);
    if (!s[0] || strcmp(s, "inactive") == 0)
        return emit(c, "engine.swarm-mode", LD_STATUS_PASS, NULL, "Swarm.LocalNodeState = %s", ev);
    /* active, locked, pending, error: the node is (joining) a swarm. */
    return emit(c, "engine.swarm-mode", LD_STATUS_WARN, "swarm mode enabled",
                "Swarm.LocalNodeState = %s", ev);
}

/* Parses the leading MAJOR.MINOR of a Docker version ("20.10.24+dfsg1",
 * "17.03.1-ce", "27.5"). Returns 0 or -1. */
static int parse_docker_version(const char *s, int *major, int *minor)
{
    int parts[2] = {0, 0};
    for (int i = 0; i < 2; i++) {
        int digits = 0;
        while (*s >= '0' && *s <= '9') {
            if (++digits > 4)
                return -1;
            parts[i] = parts[i] * 10 + (*s - '0');
            s++;
        }
        if (digits == 0)
            return -1;
        if (i == 0 && *s++ != '.')
            return -1;
    }
    if (*s && *s != '.' && *s != '-' && *s != '+' && *s != '~')
        return -1;
    *major = parts[0];
    *minor = parts[1];
    return 0;
}

/* The engine's version string and the field it came from, or NULL. */
static const char *server_version(const json_t *version, const json_t *info, const char **field)
{
    const char *s = json_string_value(json_object_get(version, "Version"));
    *field = "Version";
    if (!s) {
        s = json_string_value(json_object_get(info, "ServerVersion"));
        *field = "ServerVersion";
    }
    return s;
}

static int check_docker_version(check_ctx *c)
{
    static const char id[] = "host.docker-version";
    const char *field;
    const char *v = server_version(c->version, c->info, &field);
    if (!v) {
        const json_t *ver = json_object_get(c->version, "Version");
        if (ver)
            return emit(c, id, LD_STATUS_ERROR, NULL, "field Version is %s, expected a string",
                        type_name(ver));
        return emit(c, id, LD_STATUS_ERROR, NULL,
                    "field Version missing from /version and ServerVersion from /info");
    }
    ld_autofree char *ev = dump_str(v);
    int major, minor;
    if (parse_docker_version(v, &major, &minor) < 0)
        return emit(c, id, LD_STATUS_SKIPPED, NULL, "%s = %s (not a MAJOR.MINOR release number)",
                    field, ev);
    bool old = major < LD_DOCKER_MIN_MAJOR ||
               (major == LD_DOCKER_MIN_MAJOR && minor < LD_DOCKER_MIN_MINOR);
    if (old)
        return emit(
            c, id, LD_STATUS_FAIL,
            "docker engine older than " LD_STR(LD_DOCKER_MIN_MAJOR) "." LD_STR(LD_DOCKER_MIN_MINOR),
            "%s = %s", field, ev);
    return emit(c, id, LD_STATUS_INFO, NULL, "%s = %s", field, ev);
}

int ld_engine_info_checks(ld_report *r, ld_engine *e, const json_t *info, const json_t *version,
                          ld_error *err)
{
    const char *field;
    const char *v = server_version(version, info, &field);
    check_ctx c = {
        .r = r,
        .info = info,
        .version = version,
        .target_id = e ? ld_engine_endpoint(e) : "docker",
        .target_name = v ? ld_xasprintf("docker %.64s", v) : ld_xstrdup("docker (version unknown)"),
        .err = err,
    };
    int (*const checks[])(check_ctx *) = {
        check_userns, check_seccomp,        check_insecure_registries, check_storage_driver,
        check_authz,  check_remote_logging, check_image_sprawl,        check_container_sprawl,
        check_swarm,  check_docker_version,
    };
    int rc = bool_check(&c, "daemon.live-restore", "LiveRestoreEnabled", true);
    if (rc == 0)
        rc = bool_check(&c, "daemon.experimental", "ExperimentalBuild", false);
    for (size_t i = 0; rc == 0 && i < sizeof(checks) / sizeof(checks[0]); i++)
        rc = checks[i](&c);
    free(c.target_name);
    return rc;
}
