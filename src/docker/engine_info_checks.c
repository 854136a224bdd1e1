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

#include "docker/evidence.h"
#include "docker/releases.h"
#include "util/cleanup.h"
#include "util/mem.h"

/* At most this many insecure registries are named in one finding. */
#define INSECURE_LIST_MAX 10

#define LD_STR_(x) #x
#define LD_STR(x) LD_STR_(x)

typedef struct {
    ld_emitter em;
    const json_t *info;
    const json_t *version;
} check_ctx;

#define NEED(check, doc, doc_name, path, want, out)                                                \
    do {                                                                                           \
        int need_rc_ = ld_need(&c->em, check, doc, doc_name, path, want, false, out);              \
        if (need_rc_ != 0)                                                                         \
            return need_rc_ < 0 ? need_rc_ : 0;                                                    \
    } while (0)

/* A boolean field that must be `good` to pass. */
static int bool_check(check_ctx *c, const char *check_id, const char *field, bool good)
{
    const json_t *v;
    NEED(check_id, c->info, "/info", field, LD_WANT_BOOL, &v);
    bool b = json_is_true(v);
    return ld_emit(&c->em, check_id, b == good ? LD_STATUS_PASS : LD_STATUS_FAIL, NULL, "%s = %s",
                   field, b ? "true" : "false");
}

/* Swarm.LocalNodeState when the node is in (or joining) a swarm, else NULL. */
static const char *swarm_state(const json_t *info)
{
    const char *s =
        json_string_value(json_object_get(json_object_get(info, "Swarm"), "LocalNodeState"));
    if (s && (strcmp(s, "active") == 0 || strcmp(s, "locked") == 0 || strcmp(s, "pending") == 0))
        return s;
    return NULL;
}

/* CIS 2.15: live restore, which dockerd refuses on a swarm node. */
static int check_live_restore(check_ctx *c)
{
    static const char id[] = "daemon.live-restore";
    const char *state = swarm_state(c->info);
    if (state)
        return ld_emit(&c->em, id, LD_STATUS_SKIPPED, NULL,
                       "not applicable: live restore is incompatible with swarm mode "
                       "(Swarm.LocalNodeState = \"%s\")",
                       state);
    return bool_check(c, id, "LiveRestoreEnabled", true);
}

static int check_experimental(check_ctx *c)
{
    return bool_check(c, "daemon.experimental", "ExperimentalBuild", false);
}

static int check_userns(check_ctx *c)
{
    const json_t *opts;
    NEED("daemon.userns-remap", c->info, "/info", "SecurityOptions", LD_WANT_ARRAY_OR_NULL, &opts);
    ld_autofree char *ev = ld_ev_json(opts);
    bool on = ld_info_security_option(c->info, "userns") != NULL;
    return ld_emit(&c->em, "daemon.userns-remap", on ? LD_STATUS_PASS : LD_STATUS_FAIL, NULL,
                   "SecurityOptions = %s", ev);
}

static int check_seccomp(check_ctx *c)
{
    const json_t *opts;
    NEED("daemon.seccomp-profile", c->info, "/info", "SecurityOptions", LD_WANT_ARRAY_OR_NULL,
         &opts);
    ld_autofree char *ev = ld_ev_json(opts);
    const char *entry = ld_info_security_option(c->info, "seccomp");
    ld_autofree char *profile = entry ? ld_security_option_field(entry, "profile") : NULL;
    /* No entry: the daemon or kernel has no seccomp, so containers run
     * without a filter. An entry without a profile (old API) is the default. */
    bool ok = entry && !(profile && strcmp(profile, "unconfined") == 0);
    return ld_emit(&c->em, "daemon.seccomp-profile", ok ? LD_STATUS_PASS : LD_STATUS_FAIL, NULL,
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
    NEED(id, c->info, "/info", "RegistryConfig.IndexConfigs", LD_WANT_OBJECT, &index);
    NEED(id, c->info, "/info", "RegistryConfig.InsecureRegistryCIDRs", LD_WANT_ARRAY_OR_NULL,
         &cidrs);
    ld_strlist parts = {0};
    size_t insecure = 0;
    const char *name;
    const json_t *cfg;
    json_object_foreach((json_t *)index, name, cfg)
    {
        if (!json_is_false(json_object_get(cfg, "Secure")))
            continue;
        if (insecure++ < INSECURE_LIST_MAX) {
            ld_autofree char *q = ld_ev_str(name);
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
    ld_autofree char *cidr_ev = ld_ev_json(cidrs);
    ld_strlist_push_owned(&parts,
                          ld_xasprintf("RegistryConfig.InsecureRegistryCIDRs = %s", cidr_ev));
    if (insecure == 0)
        ld_strlist_push(&parts, "no RegistryConfig.IndexConfigs entry has Secure = false");
    ld_autofree char *ev = ld_strlist_join(&parts, "; ");
    ld_strlist_clear(&parts);
    bool bad = insecure > 0 || wide_cidr;
    return ld_emit(&c->em, id, bad ? LD_STATUS_FAIL : LD_STATUS_PASS, NULL, "%s", ev);
}

static int check_storage_driver(check_ctx *c)
{
    const json_t *v;
    NEED("daemon.storage-driver-aufs", c->info, "/info", "Driver", LD_WANT_STRING, &v);
    ld_autofree char *ev = ld_ev_json(v);
    bool aufs = strcmp(json_string_value(v), "aufs") == 0;
    return ld_emit(&c->em, "daemon.storage-driver-aufs", aufs ? LD_STATUS_FAIL : LD_STATUS_PASS,
                   NULL, "Driver = %s", ev);
}

static int check_authz(check_ctx *c)
{
    const json_t *v;
    NEED("daemon.authz-plugin", c->info, "/info", "Plugins.Authorization", LD_WANT_ARRAY_OR_NULL,
         &v);
    ld_autofree char *ev = ld_ev_json(v);
    bool some = json_is_array(v) && json_array_size(v) > 0;
    return ld_emit(&c->em, "daemon.authz-plugin", some ? LD_STATUS_PASS : LD_STATUS_FAIL, NULL,
                   "Plugins.Authorization = %s", ev);
}

bool ld_log_driver_is_local(const char *driver)
{
    return !driver[0] || strcmp(driver, "json-file") == 0 || strcmp(driver, "local") == 0 ||
           strcmp(driver, "none") == 0;
}

static int check_remote_logging(check_ctx *c)
{
    const json_t *v;
    NEED("daemon.remote-logging", c->info, "/info", "LoggingDriver", LD_WANT_STRING, &v);
    bool local = ld_log_driver_is_local(json_string_value(v));
    ld_autofree char *ev = ld_ev_json(v);
    return ld_emit(&c->em, "daemon.remote-logging", local ? LD_STATUS_FAIL : LD_STATUS_PASS, NULL,
                   "LoggingDriver = %s", ev);
}

/* CIS 6.1 is a judgement ("avoid image sprawl"): many images need review,
 * a count at or below the threshold passes. */
static int check_image_sprawl(check_ctx *c)
{
    const json_t *v;
    NEED("engine.image-sprawl", c->info, "/info", "Images", LD_WANT_COUNT, &v);
    json_int_t n = json_integer_value(v);
    if (n > LD_IMAGE_SPRAWL_MAX)
        return ld_emit(&c->em, "engine.image-sprawl", LD_STATUS_WARN,
                       "more than " LD_STR(LD_IMAGE_SPRAWL_MAX) " images on the engine",
                       "Images = %lld (review above %d)", (long long)n, LD_IMAGE_SPRAWL_MAX);
    return ld_emit(&c->em, "engine.image-sprawl", LD_STATUS_PASS, NULL,
                   "Images = %lld (at most %d)", (long long)n, LD_IMAGE_SPRAWL_MAX);
}

static int check_container_sprawl(check_ctx *c)
{
    static const char id[] = "engine.container-sprawl";
    const json_t *total, *running;
    NEED(id, c->info, "/info", "Containers", LD_WANT_COUNT, &total);
    NEED(id, c->info, "/info", "ContainersRunning", LD_WANT_COUNT, &running);
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
        return ld_emit(&c->em, id, LD_STATUS_WARN,
                       "more than " LD_STR(
                           LD_CONTAINER_SPRAWL_RATIO) "x as many stopped as running containers",
                       "%s", ev);
    return ld_emit(&c->em, id, LD_STATUS_PASS, NULL,
                   "%s (review when more than %d are stopped and stopped outnumber running "
                   "%d to 1)",
                   ev, LD_CONTAINER_SPRAWL_MIN, LD_CONTAINER_SPRAWL_RATIO);
}

static int check_swarm(check_ctx *c)
{
    const json_t *v;
    NEED("engine.swarm-mode", c->info, "/info", "Swarm.LocalNodeState", LD_WANT_STRING, &v);
    const char *s = json_string_value(v);
    ld_autofree char *ev = ld_ev_json(v);
    if (!s[0] || strcmp(s, "inactive") == 0)
        return ld_emit(&c->em, "engine.swarm-mode", LD_STATUS_PASS, NULL,
                       "Swarm.LocalNodeState = %s", ev);
    /* active, locked, pending, error: the node is (joining) a swarm; whether
     * it is needed is the operator's call. */
    return ld_emit(&c->em, "engine.swarm-mode", LD_STATUS_WARN, "swarm mode enabled",
                   "Swarm.LocalNodeState = %s", ev);
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

/* The name of a /version component that is not Docker Engine's (Podman
 * answers the same API with its own version numbers), or NULL. */
static const char *other_engine(const json_t *version)
{
    size_t i;
    const json_t *comp;
    json_array_foreach(json_object_get(version, "Components"), i, comp)
    {
        const char *name = json_string_value(json_object_get(comp, "Name"));
        if (name && strstr(name, "Podman"))
            return name;
    }
    return NULL;
}

static int check_docker_version(check_ctx *c)
{
    static const char id[] = "host.docker-version";
    const char *field;
    const char *v = server_version(c->version, c->info, &field);
    if (!v) {
        const json_t *ver = json_object_get(c->version, "Version");
        if (ver)
            return ld_emit(&c->em, id, LD_STATUS_ERROR, NULL,
                           "field Version is %s, expected a string", ld_ev_type(ver));
        return ld_emit(&c->em, id, LD_STATUS_ERROR, NULL,
                       "field Version missing from /version and ServerVersion from /info");
    }
    ld_autofree char *ev = ld_ev_str(v);
    const char *other = other_engine(c->version);
    if (other) {
        ld_autofree char *q = ld_ev_str(other);
        return ld_emit(
            &c->em, id, LD_STATUS_WARN, "not Docker Engine; confirm its release is maintained",
            "%s = %s of component %s: the release data covers Docker Engine only", field, ev, q);
    }
    ld_docker_releases rel;
    ld_error derr = LD_ERROR_INIT;
    if (ld_docker_releases_builtin(&rel, &derr) < 0)
        return ld_emit(&c->em, id, LD_STATUS_ERROR, NULL, "%s = %s; release data unusable: %s",
                       field, ev, derr.msg);
    ld_version_verdict vd;
    ld_docker_version_judge(&rel, v, c->em.r->now, &vd);
    int rc = ld_emit(&c->em, id, vd.status, vd.title, "%s = %s: %s", field, ev, vd.why);
    ld_version_verdict_clear(&vd);
    ld_docker_releases_clear(&rel);
    return rc;
}

int ld_engine_info_checks(ld_findings *r, ld_engine *e, const json_t *info, const json_t *version,
                          ld_error *err)
{
    const char *field;
    const char *v = server_version(version, info, &field);
    ld_autofree char *target_name =
        v ? ld_xasprintf("docker %.64s", v) : ld_xstrdup("docker (version unknown)");
    check_ctx c = {
        .em = {.r = r,
               .err = err,
               .kind = LD_TARGET_ENGINE,
               .target_id = e ? ld_engine_endpoint(e) : "docker",
               .target_name = target_name},
        .info = info,
        .version = version,
    };
    int (*const checks[])(check_ctx *) = {
        check_live_restore,        check_experimental,     check_userns, check_seccomp,
        check_insecure_registries, check_storage_driver,   check_authz,  check_remote_logging,
        check_image_sprawl,        check_container_sprawl, check_swarm,  check_docker_version,
    };
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof(checks) / sizeof(checks[0]); i++)
        rc = checks[i](&c);
    return rc;
}
