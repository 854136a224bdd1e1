/* CIS Docker section 5 checks of one container from its inspect document
 * and /proc facts. Evidence quotes the field as the engine sent it, e.g.
 * `HostConfig.PidMode = "host"`. See container_checks.h. */
#include "docker/container_checks.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "docker/engine_info_checks.h"
#include "docker/evidence.h"
#include "util/cleanup.h"
#include "util/mem.h"
#include "util/path_lex.h"
#include "util/strlist.h"

/* Published-port bindings listed in one finding before "and N more". */
#define BINDINGS_LIST_MAX 10

typedef struct {
    ld_emitter em;
    const json_t *doc;
    const ld_container_env *env;
    const ld_container_procs *procs;
    bool running;
} ctx;

#define NEED(id, path, w, out)                                                                     \
    do {                                                                                           \
        int need_rc_ = ld_need(&c->em, id, c->doc, "inspect", path, w, false, out);                \
        if (need_rc_ != 0)                                                                         \
            return need_rc_ < 0 ? need_rc_ : 0;                                                    \
    } while (0)
#define NEED_OPT(id, path, w, out)                                                                 \
    do {                                                                                           \
        int need_rc_ = ld_need(&c->em, id, c->doc, "inspect", path, w, true, out);                 \
        if (need_rc_ != 0)                                                                         \
            return need_rc_ < 0 ? need_rc_ : 0;                                                    \
    } while (0)

static int emitv(ctx *c, const char *id, ld_status st, const char *path, const json_t *v)
{
    ld_autofree char *ev = ld_ev_json(v);
    return ld_emit(&c->em, id, st, NULL, "%s = %s", path, ev);
}

/* ---- namespace and flag checks ------------------------------------------ */

static int check_mode(ctx *c, const char *id, const char *path)
{
    const json_t *v;
    NEED_OPT(id, path, LD_WANT_STRING, &v);
    if (!v)
        return ld_emit(&c->em, id, LD_STATUS_PASS, NULL, "%s not set", path);
    bool host = strcmp(json_string_value(v), "host") == 0;
    return emitv(c, id, host ? LD_STATUS_FAIL : LD_STATUS_PASS, path, v);
}

static int check_privileged(ctx *c)
{
    const json_t *v;
    NEED("container.privileged", "HostConfig.Privileged", LD_WANT_BOOL, &v);
    return emitv(c, "container.privileged", json_is_true(v) ? LD_STATUS_FAIL : LD_STATUS_PASS,
                 "HostConfig.Privileged", v);
}

static int check_readonly(ctx *c)
{
    const json_t *v;
    NEED("container.readonly-rootfs", "HostConfig.ReadonlyRootfs", LD_WANT_BOOL, &v);
    return emitv(c, "container.readonly-rootfs", json_is_true(v) ? LD_STATUS_PASS : LD_STATUS_FAIL,
                 "HostConfig.ReadonlyRootfs", v);
}

/* ---- capabilities (CIS 5.4) ----------------------------------------------- */

/* Docker Engine's default capability set (moby's oci/caps defaults): what a
 * container gets without --cap-add, --cap-drop or --privileged. */
static const char *const default_caps[] = {
    "CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
    "CAP_MKNOD",   "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
    "CAP_SETFCAP", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
    "CAP_KILL",    "CAP_AUDIT_WRITE",
};
#define N_DEFAULT_CAPS (sizeof(default_caps) / sizeof(default_caps[0]))
/* Entries read from CapAdd / CapDrop; more is refused (not a real container). */
#define CAP_LIST_MAX 128
/* Capabilities named in one finding's evidence. */
#define CAP_LIST_SHOWN 16

static bool is_default_cap(const char *cap)
{
    for (size_t i = 0; i < N_DEFAULT_CAPS; i++)
        if (strcmp(default_caps[i], cap) == 0)
            return true;
    return false;
}

/* "sys_admin", "CAP_SYS_ADMIN", "Sys_Admin" -> "CAP_SYS_ADMIN"; "all" ->
 * "ALL" (as the engine normalises them). Caller frees. */
static char *normalise_cap(const char *s)
{
    char *u = strncasecmp(s, "CAP_", 4) == 0 || strcasecmp(s, "ALL") == 0
                  ? ld_xstrdup(s)
                  : ld_xasprintf("CAP_%s", s);
    for (char *p = u; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    return u;
}

/* The normalised string entries of a CapAdd / CapDrop array into out;
 * -1 when an entry is not a string or there are too many. */
static int cap_list(const json_t *arr, ld_strlist *out)
{
    size_t i;
    const json_t *item;
    if (json_array_size(arr) > CAP_LIST_MAX)
        return -1;
    json_array_foreach(arr, i, item)
    {
        const char *s = json_string_value(item);
        if (!s || !s[0])
            return -1;
        char *n = normalise_cap(s);
        if (ld_strlist_contains(out, n))
            free(n);
        else
            ld_strlist_push_owned(out, n);
    }
    return 0;
}

/* Judges the effective capability set the engine gives the container, as
 * dockerd computes it: privileged -> every capability; CapAdd ALL -> every
 * capability but CapDrop; CapDrop ALL -> CapAdd only; else the default set
 * minus CapDrop plus CapAdd. Only capabilities beyond the default set fail:
 * `--cap-drop ALL --cap-add NET_BIND_SERVICE` passes. */
static int check_cap_add(ctx *c)
{
    static const char id[] = "container.cap-add";
    const json_t *add, *drop, *priv;
    NEED(id, "HostConfig.CapAdd", LD_WANT_ARRAY_OR_NULL, &add);
    NEED_OPT(id, "HostConfig.CapDrop", LD_WANT_ARRAY_OR_NULL, &drop);
    NEED_OPT(id, "HostConfig.Privileged", LD_WANT_BOOL, &priv);
    ld_autofree char *aev = ld_ev_json(add), *dev = ld_ev_json(drop ? drop : json_null());
    if (json_is_true(priv))
        return ld_emit(&c->em, id, LD_STATUS_FAIL, NULL,
                       "HostConfig.Privileged = true: every capability; HostConfig.CapAdd = %s",
                       aev);
    ld_strlist adds = {0}, drops = {0}, beyond = {0};
    int rc;
    if (cap_list(add, &adds) < 0 || cap_list(drop, &drops) < 0) {
        rc = ld_emit(&c->em, id, LD_STATUS_ERROR, NULL,
                     "HostConfig.CapAdd = %s; HostConfig.CapDrop = %s: an entry is not a "
                     "capability name (or more than %d entries)",
                     aev, dev, CAP_LIST_MAX);
        goto out;
    }
    bool add_all = ld_strlist_contains(&adds, "ALL");
    bool drop_all = ld_strlist_contains(&drops, "ALL");
    ld_strlist effective = {0};
    if (add_all) {
        ld_strlist_push(&beyond, "ALL (every capability)");
    } else {
        if (!drop_all)
            for (size_t i = 0; i < N_DEFAULT_CAPS; i++)
                if (!ld_strlist_contains(&drops, default_caps[i]))
                    ld_strlist_push(&effective, default_caps[i]);
        for (size_t i = 0; i < adds.n; i++) {
            if (!ld_strlist_contains(&effective, adds.v[i]))
                ld_strlist_push(&effective, adds.v[i]);
            if (!is_default_cap(adds.v[i]) && beyond.n < CAP_LIST_SHOWN)
                ld_strlist_push_owned(&beyond, ld_ev_str(adds.v[i])); /* engine text: quoted */
        }
    }
    size_t n_effective = effective.n;
    ld_strlist_clear(&effective);
    if (beyond.n) {
        ld_autofree char *list = ld_strlist_join(&beyond, ", ");
        rc = ld_emit(&c->em, id, LD_STATUS_FAIL, NULL,
                     "HostConfig.CapAdd = %s; HostConfig.CapDrop = %s: beyond Docker's default "
                     "set: %s",
                     aev, dev, list);
    } else {
        rc = ld_emit(&c->em, id, LD_STATUS_PASS, NULL,
                     "HostConfig.CapAdd = %s; HostConfig.CapDrop = %s: %zu effective "
                     "capabilit%s, none beyond Docker's default set",
                     aev, dev, n_effective, n_effective == 1 ? "y" : "ies");
    }
out:
    ld_strlist_clear(&adds);
    ld_strlist_clear(&drops);
    ld_strlist_clear(&beyond);
    return rc;
}

static int check_int_limit(ctx *c, const char *id, const char *path)
{
    const json_t *v;
    NEED(id, path, LD_WANT_INT, &v);
    return emitv(c, id, json_integer_value(v) > 0 ? LD_STATUS_PASS : LD_STATUS_FAIL, path, v);
}

static int check_pids_limit(ctx *c)
{
    const json_t *v = ld_json_path(c->doc, "HostConfig.PidsLimit");
    /* null or absent: unlimited (engines before API 1.41 send 0 or -1 too). */
    if (v && !json_is_null(v) && !json_is_integer(v))
        return ld_emit(&c->em, "container.pids-limit", LD_STATUS_ERROR, NULL,
                       "field HostConfig.PidsLimit is %s, expected an integer", ld_ev_type(v));
    bool ok = json_is_integer(v) && json_integer_value(v) > 0;
    return emitv(c, "container.pids-limit", ok ? LD_STATUS_PASS : LD_STATUS_FAIL,
                 "HostConfig.PidsLimit", v ? v : json_null());
}

static int check_cpu(ctx *c)
{
    static const char id[] = "container.cpu-shares";
    const json_t *shares, *nano, *quota;
    NEED(id, "HostConfig.CpuShares", LD_WANT_INT, &shares);
    nano = ld_json_path(c->doc, "HostConfig.NanoCpus");
    quota = ld_json_path(c->doc, "HostConfig.CpuQuota");
    json_int_t s = json_integer_value(shares);
    bool ok =
        (s != 0 && s != 1024) || json_integer_value(nano) > 0 || json_integer_value(quota) > 0;
    return ld_emit(&c->em, id, ok ? LD_STATUS_PASS : LD_STATUS_FAIL, NULL,
                   "HostConfig.CpuShares = %lld, NanoCpus = %lld, CpuQuota = %lld", (long long)s,
                   (long long)json_integer_value(nano), (long long)json_integer_value(quota));
}

static int check_cgroup_parent(ctx *c)
{
    const json_t *v;
    NEED_OPT("container.cgroup-parent", "HostConfig.CgroupParent", LD_WANT_STRING, &v);
    if (!v || !json_string_value(v)[0])
        return ld_emit(&c->em, "container.cgroup-parent", LD_STATUS_PASS, NULL,
                       "HostConfig.CgroupParent = \"\" (the daemon's default)");
    ld_autofree char *ev = ld_ev_json(v);
    return ld_emit(&c->em, "container.cgroup-parent", LD_STATUS_WARN,
                   "container runs under a non-default cgroup parent; confirm it is intended",
                   "HostConfig.CgroupParent = %s", ev);
}

static int check_restart(ctx *c)
{
    static const char id[] = "container.restart-policy";
    const json_t *name, *count;
    NEED(id, "HostConfig.RestartPolicy.Name", LD_WANT_STRING, &name);
    NEED_OPT(id, "HostConfig.RestartPolicy.MaximumRetryCount", LD_WANT_INT, &count);
    const char *n = json_string_value(name);
    json_int_t k = json_integer_value(count);
    bool bad = strcmp(n, "always") == 0 || strcmp(n, "unless-stopped") == 0 ||
               (strcmp(n, "on-failure") == 0 && (k <= 0 || k > 5));
    ld_autofree char *ev = ld_ev_json(name);
    return ld_emit(&c->em, id, bad ? LD_STATUS_FAIL : LD_STATUS_PASS, NULL,
                   "HostConfig.RestartPolicy.Name = %s, MaximumRetryCount = %lld", ev,
                   (long long)k);
}

static int check_devices(ctx *c)
{
    const json_t *v;
    NEED("container.devices", "HostConfig.Devices", LD_WANT_ARRAY_OR_NULL, &v);
    return emitv(c, "container.devices", json_array_size(v) > 0 ? LD_STATUS_FAIL : LD_STATUS_PASS,
                 "HostConfig.Devices", v);
}

/* CIS 5.19: override the daemon's default ulimits only when needed. A
 * container with its own ulimits, or under configured daemon defaults,
 * passes; neither set is a judgement (needs review). */
static int check_ulimits(ctx *c)
{
    static const char id[] = "container.ulimits";
    const json_t *v;
    NEED_OPT(id, "HostConfig.Ulimits", LD_WANT_ARRAY_OR_NULL, &v);
    if (json_array_size(v) > 0)
        return emitv(c, id, LD_STATUS_PASS, "HostConfig.Ulimits", v);
    ld_autofree char *ev = ld_ev_json(v ? v : json_null());
    if (c->env->daemon_ulimits_unknown)
        return ld_emit(&c->em, id, LD_STATUS_ERROR, NULL,
                       "HostConfig.Ulimits = %s: the daemon's defaults apply, and %s", ev,
                       c->env->daemon_ulimits_unknown);
    if (c->env->daemon_ulimits)
        return ld_emit(&c->em, id, LD_STATUS_PASS, NULL,
                       "HostConfig.Ulimits = %s: the daemon's configured default-ulimits apply",
                       ev);
    return ld_emit(&c->em, id, LD_STATUS_WARN,
                   "container runs with no ulimits set by it or the daemon",
                   "HostConfig.Ulimits = %s and the daemon sets no default-ulimits", ev);
}

static int check_log_driver(ctx *c)
{
    static const char id[] = "container.log-driver";
    const json_t *lc, *v = NULL;
    NEED_OPT(id, "HostConfig.LogConfig", LD_WANT_OBJECT_OR_NULL, &lc);
    if (json_is_object(lc))
        NEED_OPT(id, "HostConfig.LogConfig.Type", LD_WANT_STRING, &v);
    if (v && json_string_value(v)[0])
        return emitv(c, id,
                     ld_log_driver_is_local(json_string_value(v)) ? LD_STATUS_FAIL : LD_STATUS_PASS,
                     "HostConfig.LogConfig.Type", v);
    /* Not set on the container: the daemon's log driver applies. */
    const char *d = c->env->daemon_log_driver;
    if (!d)
        return ld_emit(&c->em, id, LD_STATUS_ERROR, NULL,
                       "not assessed: HostConfig.LogConfig.Type not set and the daemon's "
                       "LoggingDriver is not known");
    ld_autofree char *q = ld_ev_str(d);
    return ld_emit(&c->em, id, ld_log_driver_is_local(d) ? LD_STATUS_FAIL : LD_STATUS_PASS, NULL,
                   "HostConfig.LogConfig.Type not set: the daemon's LoggingDriver = %s applies", q);
}

/* ---- security options ------------------------------------------------------ */

/* The SecurityOpt entry "name=value" / "name:value" / "name" for name, or NULL;
 * *value points at the value ("" when none). */
static const char *sec_opt(const json_t *opts, const char *name, const char **value)
{
    size_t nl = strlen(name), i;
    const json_t *item;
    json_array_foreach(opts, i, item)
    {
        const char *s = json_string_value(item);
        if (!s || strncmp(s, name, nl) != 0)
            continue;
        if (s[nl] == '\0') {
            *value = "";
            return s;
        }
        if (s[nl] == '=' || s[nl] == ':') {
            *value = s + nl + 1;
            return s;
        }
    }
    return NULL;
}

static int check_seccomp(ctx *c)
{
    const json_t *opts;
    NEED("container.seccomp", "HostConfig.SecurityOpt", LD_WANT_ARRAY_OR_NULL, &opts);
    const char *value = NULL;
    const char *e = sec_opt(opts, "seccomp", &value);
    bool bad = e && strcmp(value, "unconfined") == 0;
    return emitv(c, "container.seccomp", bad ? LD_STATUS_FAIL : LD_STATUS_PASS,
                 "HostConfig.SecurityOpt", opts);
}

static int check_nnp(ctx *c)
{
    static const char id[] = "container.no-new-privileges";
    const json_t *opts;
    NEED(id, "HostConfig.SecurityOpt", LD_WANT_ARRAY_OR_NULL, &opts);
    const char *value = NULL;
    const char *e = sec_opt(opts, "no-new-privileges", &value);
    ld_autofree char *ev = ld_ev_json(opts);
    if (e) {
        bool on = !value[0] || strcmp(value, "true") == 0;
        return ld_emit(&c->em, id, on ? LD_STATUS_PASS : LD_STATUS_FAIL, NULL,
                       "HostConfig.SecurityOpt = %s", ev);
    }
    if (c->env->daemon_nnp_unknown)
        return ld_emit(&c->em, id, LD_STATUS_ERROR, NULL,
                       "HostConfig.SecurityOpt = %s has no no-new-privileges, so the daemon's "
                       "default applies, and %s",
                       ev, c->env->daemon_nnp_unknown);
    return ld_emit(&c->em, id, c->env->daemon_nnp ? LD_STATUS_PASS : LD_STATUS_FAIL, NULL,
                   "HostConfig.SecurityOpt = %s; daemon no-new-privileges = %s", ev,
                   c->env->daemon_nnp ? "true" : "false");
}

static int check_apparmor(ctx *c)
{
    static const char id[] = "container.apparmor";
    const json_t *opts, *prof;
    NEED(id, "HostConfig.SecurityOpt", LD_WANT_ARRAY_OR_NULL, &opts);
    NEED_OPT(id, "AppArmorProfile", LD_WANT_STRING, &prof);
    const char *value = NULL;
    const char *e = sec_opt(opts, "apparmor", &value);
    ld_autofree char *pev = (prof ? ld_ev_json(prof) : ld_xstrdup("\"\""));
    if (e && strcmp(value, "unconfined") == 0) {
        ld_autofree char *q = ld_ev_str(e);
        return ld_emit(&c->em, id, LD_STATUS_FAIL, NULL,
                       "HostConfig.SecurityOpt contains %s; AppArmorProfile = %s", q, pev);
    }
    if (!c->env->apparmor_host)
        return ld_emit(&c->em, id, LD_STATUS_SKIPPED, NULL,
                       "AppArmor is not enabled on the host (not in /info SecurityOptions); "
                       "AppArmorProfile = %s",
                       pev);
    const char *p = prof ? json_string_value(prof) : "";
    if (strcmp(p, "unconfined") == 0)
        return ld_emit(&c->em, id, LD_STATUS_FAIL, NULL, "AppArmorProfile = %s", pev);
    if (!p[0] && c->running)
        return ld_emit(&c->em, id, LD_STATUS_FAIL, NULL,
                       "AppArmorProfile = \"\" on a running container");
    if (!p[0])
        return ld_emit(&c->em, id, LD_STATUS_PASS, NULL,
                       "not started; no apparmor override in HostConfig.SecurityOpt (the "
                       "daemon's default profile applies)");
    return ld_emit(&c->em, id, LD_STATUS_PASS, NULL, "AppArmorProfile = %s", pev);
}

static int check_selinux(ctx *c)
{
    static const char id[] = "container.selinux";
    const json_t *opts, *label;
    NEED(id, "HostConfig.SecurityOpt", LD_WANT_ARRAY_OR_NULL, &opts);
    NEED_OPT(id, "ProcessLabel", LD_WANT_STRING, &label);
    ld_autofree char *ev = ld_ev_json(opts);
    if (!c->env->selinux_host)
        return ld_emit(&c->em, id, LD_STATUS_SKIPPED, NULL,
                       "SELinux is not enabled in the daemon (not in /info SecurityOptions); "
                       "HostConfig.SecurityOpt = %s",
                       ev);
    const char *value = NULL;
    const char *e = sec_opt(opts, "label", &value);
    if (e && strcmp(value, "disable") == 0)
        return ld_emit(&c->em, id, LD_STATUS_FAIL, NULL, "HostConfig.SecurityOpt = %s", ev);
    bool labelled = e || (label && json_string_value(label)[0]);
    ld_autofree char *lev = (label ? ld_ev_json(label) : ld_xstrdup("\"\""));
    return ld_emit(&c->em, id, labelled ? LD_STATUS_PASS : LD_STATUS_FAIL, NULL,
                   "HostConfig.SecurityOpt = %s; ProcessLabel = %s", ev, lev);
}

/* ---- mounts ---------------------------------------------------------------- */

/* Mount sources are compared in lexical canonical form (util/path_lex.h):
 * "//etc", "/./etc" and "/etc/" mount /etc, and so does "/x/../etc" unless
 * x is a link on the engine's host, which this check cannot look at (the
 * engine's own parser cleans paths the same way). */

/* Whether src mounts the sensitive host directory dir, or something inside
 * it. "/" is sensitive only as itself: every path is below it. */
static bool at_or_below(const char *dir, const char *src)
{
    if (strcmp(dir, "/") == 0)
        return ld_path_lex_equal(src, "/");
    return ld_path_lex_within(dir, src);
}

static bool is_docker_sock(const char *src)
{
    ld_autofree char *clean = ld_path_lex_clean(src);
    size_t n = strlen(clean);
    return n >= 12 && strcmp(clean + n - 12, "/docker.sock") == 0;
}

static char *mount_desc(const json_t *m)
{
    const char *src = json_string_value(json_object_get(m, "Source"));
    const char *dst = json_string_value(json_object_get(m, "Destination"));
    ld_autofree char *qs = ld_ev_str(src ? src : ""), *qd = ld_ev_str(dst ? dst : "");
    return ld_xasprintf("%s -> %s (%s)", qs, qd,
                        json_is_false(json_object_get(m, "RW")) ? "ro" : "rw");
}

typedef enum { M_SENSITIVE, M_SOCK, M_PROPAGATION } mount_kind;

static bool mount_matches(const json_t *m, mount_kind k)
{
    const char *type = json_string_value(json_object_get(m, "Type"));
    const char *src = json_string_value(json_object_get(m, "Source"));
    if (k == M_PROPAGATION) {
        const char *p = json_string_value(json_object_get(m, "Propagation"));
        return p && (strcmp(p, "shared") == 0 || strcmp(p, "rshared") == 0);
    }
    if (!src || (type && strcmp(type, "bind") != 0))
        return false;
    if (k == M_SOCK)
        return is_docker_sock(src);
    static const char *const sensitive[] = {LD_SENSITIVE_HOST_PATHS};
    for (size_t i = 0; i < sizeof(sensitive) / sizeof(sensitive[0]); i++)
        if (at_or_below(sensitive[i], src))
            return true;
    return false;
}

static int check_mounts(ctx *c, const char *id, mount_kind k)
{
    const json_t *mounts;
    NEED(id, "Mounts", LD_WANT_ARRAY_OR_NULL, &mounts);
    ld_strlist bad = {0};
    size_t i;
    const json_t *m;
    json_array_foreach(mounts, i, m)
    {
        if (!json_is_object(m) || !mount_matches(m, k))
            continue;
        ld_autofree char *d = mount_desc(m);
        if (k == M_PROPAGATION) {
            const char *p = json_string_value(json_object_get(m, "Propagation"));
            ld_strlist_push_owned(&bad,
                                  ld_xasprintf("Mounts[%zu] %s Propagation = \"%s\"", i, d, p));
        } else {
            ld_strlist_push_owned(&bad, ld_xasprintf("Mounts[%zu] = %s", i, d));
        }
    }
    size_t n = json_array_size(mounts);
    int rc;
    if (bad.n) {
        ld_autofree char *list = ld_strlist_join(&bad, "; ");
        rc = ld_emit(&c->em, id, LD_STATUS_FAIL, NULL, "%s", list);
    } else {
        rc = ld_emit(&c->em, id, LD_STATUS_PASS, NULL, "%zu mount%s, none %s", n, n == 1 ? "" : "s",
                     k == M_SOCK        ? "of a docker.sock"
                     : k == M_SENSITIVE ? "of a sensitive host directory"
                                        : "with shared propagation");
    }
    ld_strlist_clear(&bad);
    return rc;
}

/* ---- ports ----------------------------------------------------------------- */

typedef struct {
    ld_strlist all, priv, wide;
    size_t n;
} bindings;

static void add_binding(bindings *b, const char *cport, const json_t *bind)
{
    const char *ip = json_string_value(json_object_get(bind, "HostIp"));
    const char *hp = json_string_value(json_object_get(bind, "HostPort"));
    if (!ip)
        ip = "";
    if (!hp)
        hp = "";
    long port = 0;
    bool numeric = hp[0] != '\0';
    for (const char *p = hp; *p && numeric; p++) {
        if (*p < '0' || *p > '9' || port > 65535)
            numeric = false;
        else
            port = port * 10 + (*p - '0');
    }
    ld_autofree char *qip = ld_ev_str(ip), *qhp = ld_ev_str(hp), *qc = ld_ev_str(cport);
    char *d = ld_xasprintf("%s HostIp = %s HostPort = %s", qc, qip, qhp);
    b->n++;
    if (numeric && port > 0 && port < 1024 && b->priv.n < BINDINGS_LIST_MAX)
        ld_strlist_push(&b->priv, d);
    if ((!ip[0] || strcmp(ip, "0.0.0.0") == 0 || strcmp(ip, "::") == 0) &&
        b->wide.n < BINDINGS_LIST_MAX)
        ld_strlist_push(&b->wide, d);
    if (b->all.n < BINDINGS_LIST_MAX)
        ld_strlist_push_owned(&b->all, d);
    else
        free(d);
}

/* Bindings the engine made (NetworkSettings.Ports) for a running
 * container, else the ones asked for (HostConfig.PortBindings). */
static void collect_bindings(ctx *c, bindings *b)
{
    const char *paths[] = {"NetworkSettings.Ports", "HostConfig.PortBindings"};
    for (int k = c->running ? 0 : 1; k < 2 && b->n == 0; k++) {
        const json_t *ports = ld_json_path(c->doc, paths[k]);
        if (!json_is_object(ports))
            continue;
        const char *cport;
        const json_t *list;
        json_object_foreach((json_t *)ports, cport, list)
        {
            size_t i;
            const json_t *bind;
            json_array_foreach(list, i, bind) if (json_is_object(bind)) add_binding(b, cport, bind);
        }
    }
}

static void bindings_clear(bindings *b)
{
    ld_strlist_clear(&b->all);
    ld_strlist_clear(&b->priv);
    ld_strlist_clear(&b->wide);
}

static int check_ports(ctx *c)
{
    const json_t *pb = ld_json_path(c->doc, "HostConfig.PortBindings");
    if (pb && !json_is_object(pb) && !json_is_null(pb)) {
        int rc = 0;
        static const char *const ids[] = {"container.privileged-ports", "container.open-ports",
                                          "container.bind-all-interfaces"};
        for (int i = 0; rc == 0 && i < 3; i++)
            rc = ld_emit(&c->em, ids[i], LD_STATUS_ERROR, NULL,
                         "field HostConfig.PortBindings is %s, expected an object", ld_ev_type(pb));
        return rc;
    }
    bindings b = {0};
    collect_bindings(c, &b);
    ld_autofree char *all = ld_strlist_join(&b.all, "; ");
    ld_autofree char *priv = ld_strlist_join(&b.priv, "; ");
    ld_autofree char *wide = ld_strlist_join(&b.wide, "; ");
    int rc;
    if (b.priv.n)
        rc = ld_emit(&c->em, "container.privileged-ports", LD_STATUS_FAIL, NULL,
                     "host ports below 1024: %s", priv);
    else
        rc = ld_emit(&c->em, "container.privileged-ports", LD_STATUS_PASS, NULL,
                     "%zu published port binding%s, none below 1024", b.n, b.n == 1 ? "" : "s");
    if (rc == 0) {
        if (b.n)
            rc = ld_emit(&c->em, "container.open-ports", LD_STATUS_MANUAL,
                         "published ports: confirm each is needed", "%s%s", all,
                         b.n > BINDINGS_LIST_MAX ? "; ..." : "");
        else
            rc =
                ld_emit(&c->em, "container.open-ports", LD_STATUS_PASS, NULL, "no published ports");
    }
    if (rc == 0) {
        if (b.wide.n)
            rc = ld_emit(&c->em, "container.bind-all-interfaces", LD_STATUS_FAIL, NULL,
                         "bound to all host interfaces: %s", wide);
        else
            rc = ld_emit(&c->em, "container.bind-all-interfaces", LD_STATUS_PASS, NULL,
                         b.n ? "every published port names a host address" : "no published ports");
    }
    bindings_clear(&b);
    return rc;
}

/* ---- network ---------------------------------------------------------------- */

static int check_default_bridge(ctx *c)
{
    const json_t *mode;
    NEED("container.default-bridge", "HostConfig.NetworkMode", LD_WANT_STRING, &mode);
    const char *m = json_string_value(mode);
    const json_t *nets = ld_json_path(c->doc, "NetworkSettings.Networks");
    bool on_bridge = strcmp(m, "default") == 0 || strcmp(m, "bridge") == 0 ||
                     (json_is_object(nets) && json_object_get(nets, "bridge") != NULL);
    ld_autofree char *ev = ld_ev_json(mode);
    return ld_emit(&c->em, "container.default-bridge", on_bridge ? LD_STATUS_FAIL : LD_STATUS_PASS,
                   NULL, "HostConfig.NetworkMode = %s%s", ev,
                   json_is_object(nets) && json_object_get(nets, "bridge")
                       ? "; attached to network \"bridge\""
                       : "");
}

/* ---- processes, health, user, image ------------------------------------------ */

static int check_sshd(ctx *c)
{
    static const char id[] = "container.sshd";
    const ld_container_procs *p = c->procs;
    if (!p)
        return ld_emit(&c->em, id, LD_STATUS_ERROR, NULL,
                       "not assessed: the container's processes were not read");
    switch (p->state) {
    case LD_PROCS_NOT_RUNNING:
        return ld_emit(&c->em, id, LD_STATUS_SKIPPED, NULL, "no processes: %s", p->why);
    case LD_PROCS_UNOBSERVED:
        return ld_emit(&c->em, id, LD_STATUS_ERROR, NULL, "not assessed: %s", p->why);
    case LD_PROCS_KNOWN: break;
    }
    if (p->sshd)
        return ld_emit(&c->em, id, LD_STATUS_FAIL, NULL,
                       "process \"sshd\" runs in the container (host pid %ld; %zu processes)",
                       (long)p->sshd_pid, p->nproc);
    return ld_emit(&c->em, id, LD_STATUS_PASS, NULL,
                   "%zu process%s in the container, none named sshd", p->nproc,
                   p->nproc == 1 ? "" : "es");
}

/* A user or group as written in Config.User that names root: "root", or
 * uid 0 in any numeric spelling ("0", "00", "000"). */
static bool names_root(const char *s, size_t n)
{
    if (n == 4 && strncmp(s, "root", 4) == 0)
        return true;
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '0')
            return false;
    return true;
}

static int check_user(ctx *c)
{
    static const char id[] = "container.user-nonroot";
    const ld_container_procs *p = c->procs;
    if (p && p->state == LD_PROCS_KNOWN && p->uid_known)
        return ld_emit(&c->em, id, p->uid == 0 ? LD_STATUS_FAIL : LD_STATUS_PASS, NULL,
                       "PID 1 of the container runs as host uid %lu (/proc status Uid)", p->uid);
    const json_t *user;
    NEED_OPT(id, "Config.User", LD_WANT_STRING, &user);
    const char *u = user ? json_string_value(user) : "";
    const char *colon = strchr(u, ':');
    size_t ulen = colon ? (size_t)(colon - u) : strlen(u);
    /* "" (the image's user, root unless the image sets one) or "root"/0 */
    bool root = ulen == 0 || names_root(u, ulen);
    ld_autofree char *ev = (user ? ld_ev_json(user) : ld_xstrdup("\"\""));
    const char *how = !p || p->state == LD_PROCS_NOT_RUNNING ? "not running: configured user"
                      : p->state == LD_PROCS_KNOWN ? "its init's uid not readable: configured user"
                                                   : "processes not observable: configured user";
    return ld_emit(&c->em, id, root ? LD_STATUS_FAIL : LD_STATUS_PASS, NULL,
                   "Config.User = %s (%s)", ev, how);
}

static int check_health(ctx *c)
{
    static const char id[] = "container.health";
    const json_t *status = ld_json_path(c->doc, "State.Health.Status");
    if (json_is_string(status)) {
        const char *s = json_string_value(status);
        ld_autofree char *ev = ld_ev_json(status);
        ld_status st = strcmp(s, "unhealthy") == 0 ? LD_STATUS_FAIL : LD_STATUS_PASS;
        return ld_emit(&c->em, id, st, NULL, "State.Health.Status = %s", ev);
    }
    const json_t *test = ld_json_path(c->doc, "Config.Healthcheck.Test");
    bool none = !json_is_array(test) || json_array_size(test) == 0 ||
                (json_string_value(json_array_get(test, 0)) &&
                 strcmp(json_string_value(json_array_get(test, 0)), "NONE") == 0);
    ld_autofree char *ev = ld_ev_json(test ? test : json_null());
    if (none)
        return ld_emit(&c->em, id, LD_STATUS_FAIL, NULL,
                       "no health check: Config.Healthcheck.Test = %s", ev);
    return ld_emit(&c->em, id, LD_STATUS_PASS, NULL,
                   "Config.Healthcheck.Test = %s (not running: no health status yet)", ev);
}

/* "name" -> "name:latest"; a reference with a tag or digest is kept. */
static char *with_tag(const char *ref)
{
    const char *slash = strrchr(ref, '/');
    const char *last = slash ? slash + 1 : ref;
    if (strchr(last, ':') || strchr(ref, '@'))
        return ld_xstrdup(ref);
    return ld_xasprintf("%s:latest", ref);
}

static int check_image_stale(ctx *c)
{
    static const char id[] = "container.image-stale";
    const json_t *ref, *img;
    NEED(id, "Config.Image", LD_WANT_STRING, &ref);
    NEED(id, "Image", LD_WANT_STRING, &img);
    const char *r = json_string_value(ref), *running_id = json_string_value(img);
    ld_autofree char *qref = ld_ev_str(r);
    if (strncmp(r, "sha256:", 7) == 0 || strchr(r, '@') ||
        strncmp(running_id + (strncmp(running_id, "sha256:", 7) == 0 ? 7 : 0), r, strlen(r)) == 0)
        return ld_emit(&c->em, id, LD_STATUS_SKIPPED, NULL,
                       "Config.Image = %s pins an image id or digest", qref);
    if (!c->env->images)
        return ld_emit(&c->em, id, LD_STATUS_ERROR, NULL,
                       "not assessed: the engine's image list could not be read; Config.Image "
                       "= %s",
                       qref);
    ld_autofree char *tagged = with_tag(r);
    const char *docker_io = "docker.io/library/";
    const char *alt =
        strncmp(tagged, docker_io, strlen(docker_io)) == 0 ? tagged + strlen(docker_io) : NULL;
    size_t i;
    const json_t *im;
    json_array_foreach(c->env->images, i, im)
    {
        const json_t *tags = json_object_get(im, "RepoTags");
        size_t k;
        const json_t *t;
        json_array_foreach(tags, k, t)
        {
            const char *s = json_string_value(t);
            if (!s || (strcmp(s, tagged) != 0 && !(alt && strcmp(s, alt) == 0)))
                continue;
            const char *cur = json_string_value(json_object_get(im, "Id"));
            ld_autofree char *qcur = ld_ev_str(cur ? cur : "");
            ld_autofree char *qrun = ld_ev_str(running_id);
            bool same = cur && strcmp(cur, running_id) == 0;
            return ld_emit(&c->em, id, same ? LD_STATUS_PASS : LD_STATUS_WARN,
                           same ? NULL : "container runs an older image than its tag names",
                           "Config.Image = %s; Image = %s; %s now = %s", qref, qrun, tagged, qcur);
        }
    }
    return ld_emit(&c->em, id, LD_STATUS_WARN,
                   "container's image tag no longer exists locally; confirm it is current",
                   "Config.Image = %s: tag not present in the local image list", qref);
}

int ld_container_checks(ld_findings *r, const json_t *inspect, const ld_container_env *env,
                        const ld_container_procs *procs, ld_error *err)
{
    const char *cid = json_string_value(json_object_get(inspect, "Id"));
    const char *name = json_string_value(json_object_get(inspect, "Name"));
    if (name && name[0] == '/')
        name++;
    ctx c = {
        .em = {.r = r,
               .err = err,
               .kind = LD_TARGET_CONTAINER,
               .target_id = cid ? cid : "(no Id)",
               .target_name = name},
        .doc = inspect,
        .env = env,
        .procs = procs,
        .running = json_is_true(ld_json_path(inspect, "State.Running")),
    };
    int rc = check_apparmor(&c);
    if (rc == 0)
        rc = check_selinux(&c);
    if (rc == 0)
        rc = check_cap_add(&c);
    if (rc == 0)
        rc = check_privileged(&c);
    if (rc == 0)
        rc = check_mounts(&c, "container.sensitive-mounts", M_SENSITIVE);
    if (rc == 0)
        rc = check_sshd(&c);
    if (rc == 0)
        rc = check_ports(&c);
    if (rc == 0)
        rc = check_mode(&c, "container.host-network", "HostConfig.NetworkMode");
    if (rc == 0)
        rc = check_int_limit(&c, "container.memory-limit", "HostConfig.Memory");
    if (rc == 0)
        rc = check_cpu(&c);
    if (rc == 0)
        rc = check_readonly(&c);
    if (rc == 0)
        rc = check_restart(&c);
    if (rc == 0)
        rc = check_mode(&c, "container.host-pid", "HostConfig.PidMode");
    if (rc == 0)
        rc = check_mode(&c, "container.host-ipc", "HostConfig.IpcMode");
    if (rc == 0)
        rc = check_devices(&c);
    if (rc == 0)
        rc = check_ulimits(&c);
    if (rc == 0)
        rc = check_mounts(&c, "container.mount-propagation", M_PROPAGATION);
    if (rc == 0)
        rc = check_mode(&c, "container.host-uts", "HostConfig.UTSMode");
    if (rc == 0)
        rc = check_seccomp(&c);
    if (rc == 0)
        rc = check_cgroup_parent(&c);
    if (rc == 0)
        rc = check_nnp(&c);
    if (rc == 0)
        rc = check_health(&c);
    if (rc == 0)
        rc = check_image_stale(&c);
    if (rc == 0)
        rc = check_pids_limit(&c);
    if (rc == 0)
        rc = check_default_bridge(&c);
    if (rc == 0)
        rc = check_mode(&c, "container.host-userns", "HostConfig.UsernsMode");
    if (rc == 0)
        rc = check_mounts(&c, "container.docker-sock", M_SOCK);
    if (rc == 0)
        rc = check_user(&c);
    if (rc == 0)
        rc = check_log_driver(&c);
    return rc;
}
