/* CIS Docker section 2 checks from the effective daemon configuration.
 * Each finding's evidence names the setting, its value and where it came
 * from ("icc = false (daemon.json)", "icc not set: default true"). See
 * daemon_checks.h. */
#include "docker/daemon_checks.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "docker/evidence.h"
#include "util/cleanup.h"
#include "util/mem.h"

typedef struct {
    ld_emitter em;
    const ld_daemon_config *cfg;
    const json_t *info;
    const char *unseen; /* suffix when the configuration could not be read */
} ctx;

static const ld_dcfg_value *val(const ctx *c, ld_dcfg_key k)
{
    return &c->cfg->v[k];
}

/* "KEY = VALUE (SOURCE)" or "KEY not set (default DEFAULT)". Caller frees. */
static char *describe_bool(const ctx *c, ld_dcfg_key k, bool def)
{
    const ld_dcfg_value *v = val(c, k);
    if (v->source == LD_DCFG_UNSET)
        return ld_xasprintf("%s not set in daemon.json or on the dockerd command line: default "
                            "%s%s",
                            ld_dcfg_json_key(k), def ? "true" : "false", c->unseen);
    return ld_xasprintf("%s = %s (%s)", ld_dcfg_json_key(k), v->b ? "true" : "false",
                        ld_dcfg_source_name(v->source));
}

static bool bool_value(const ctx *c, ld_dcfg_key k, bool def)
{
    const ld_dcfg_value *v = val(c, k);
    return v->source == LD_DCFG_UNSET ? def : v->b;
}

/* A boolean setting that must be `good` (default `def`). */
static int bool_check(ctx *c, const char *id, ld_dcfg_key k, bool def, bool good)
{
    ld_autofree char *ev = describe_bool(c, k, def);
    bool b = bool_value(c, k, def);
    return ld_emit(&c->em, id, b == good ? LD_STATUS_PASS : LD_STATUS_FAIL, NULL, "%s", ev);
}

static const char *sec_opts_has(const json_t *info, const char *name)
{
    const json_t *opts = json_object_get(info, "SecurityOptions");
    size_t i;
    const json_t *item;
    size_t nl = strlen(name);
    json_array_foreach(opts, i, item)
    {
        const char *s = json_string_value(item);
        if (!s)
            continue;
        if (strcmp(s, name) == 0)
            return s;
        if (strncmp(s, "name=", 5) == 0 && strncmp(s + 5, name, nl) == 0 &&
            (s[5 + nl] == '\0' || s[5 + nl] == ','))
            return s;
    }
    return NULL;
}

static int check_rootless(ctx *c)
{
    const json_t *opts = json_object_get(c->info, "SecurityOptions");
    if (!json_is_array(opts))
        return ld_emit(&c->em, "daemon.rootless", LD_STATUS_ERROR, NULL,
                       "/info field SecurityOptions is %s, expected an array", ld_ev_type(opts));
    ld_autofree char *ev = ld_ev_json(opts);
    bool rootless = sec_opts_has(c->info, "rootless") != NULL;
    /* "if possible": advice, not a hard failure. */
    return ld_emit(&c->em, "daemon.rootless", rootless ? LD_STATUS_PASS : LD_STATUS_WARN,
                   rootless ? NULL : "docker daemon runs as root", "SecurityOptions = %s", ev);
}

static int check_log_level(ctx *c)
{
    const ld_dcfg_value *lv = val(c, LD_DCFG_LOG_LEVEL), *dbg = val(c, LD_DCFG_DEBUG);
    const json_t *info_debug = json_object_get(c->info, "Debug");
    ld_autofree char *info_ev =
        json_is_boolean(info_debug)
            ? ld_xasprintf("; /info Debug = %s", json_is_true(info_debug) ? "true" : "false")
            : ld_xstrdup("");
    bool debug = (dbg->source && dbg->b) || json_is_true(info_debug);
    if (lv->source == LD_DCFG_UNSET) {
        return ld_emit(&c->em, "daemon.log-level", debug ? LD_STATUS_FAIL : LD_STATUS_PASS, NULL,
                       "log-level not set: default \"info\"%s%s%s",
                       dbg->source && dbg->b ? "; debug = true" : "", info_ev, c->unseen);
    }
    ld_autofree char *q = ld_ev_str(lv->s);
    bool ok = strcmp(lv->s, "info") == 0 && !debug;
    return ld_emit(&c->em, "daemon.log-level", ok ? LD_STATUS_PASS : LD_STATUS_FAIL, NULL,
                   "log-level = %s (%s)%s%s", q, ld_dcfg_source_name(lv->source),
                   dbg->source && dbg->b ? "; debug = true" : "", info_ev);
}

static bool tcp_host(const char *h)
{
    return strncmp(h, "tcp://", 6) == 0 || strncmp(h, "http://", 7) == 0 ||
           strncmp(h, "https://", 8) == 0 ||
           (h[0] != '/' && strstr(h, "://") == NULL && strchr(h, ':') != NULL); /* "0.0.0.0:2375" */
}

static int check_tls(ctx *c)
{
    const ld_dcfg_value *hosts = val(c, LD_DCFG_HOSTS);
    ld_strlist tcp = {0};
    for (size_t i = 0; i < hosts->l.n; i++)
        if (tcp_host(hosts->l.v[i])) {
            ld_autofree char *q = ld_ev_str(hosts->l.v[i]);
            ld_strlist_push(&tcp, q);
        }
    ld_autofree char *tcp_list = ld_strlist_join(&tcp, ", ");
    size_t n_tcp = tcp.n;
    ld_strlist_clear(&tcp);
    if (n_tcp == 0) {
        ld_autofree char *all = NULL;
        ld_strlist q = {0};
        for (size_t i = 0; i < hosts->l.n; i++)
            ld_strlist_push_owned(&q, ld_ev_str(hosts->l.v[i]));
        all = ld_strlist_join(&q, ", ");
        ld_strlist_clear(&q);
        return ld_emit(&c->em, "daemon.tls", LD_STATUS_PASS, NULL,
                       "not listening on TCP: hosts = [%s] (%s)%s", all,
                       ld_dcfg_source_name(hosts->source), c->unseen);
    }
    bool verify = bool_value(c, LD_DCFG_TLSVERIFY, false);
    const char *ca = val(c, LD_DCFG_TLSCACERT)->s, *cert = val(c, LD_DCFG_TLSCERT)->s,
               *key = val(c, LD_DCFG_TLSKEY)->s;
    bool ok = verify && ca && ca[0] && cert && cert[0] && key && key[0];
    ld_autofree char *qca = ld_ev_str(ca), *qcert = ld_ev_str(cert), *qkey = ld_ev_str(key);
    return ld_emit(&c->em, "daemon.tls", ok ? LD_STATUS_PASS : LD_STATUS_FAIL,
                   ok ? NULL : "docker daemon listens on TCP without TLS client verification",
                   "hosts on TCP: %s; tlsverify = %s; tlscacert = %s; tlscert = %s; tlskey = %s",
                   tcp_list, verify ? "true" : "false", qca, qcert, qkey);
}

static int check_ulimits(ctx *c)
{
    const ld_dcfg_value *u = val(c, LD_DCFG_DEFAULT_ULIMITS);
    if (u->l.n == 0)
        return ld_emit(&c->em, "daemon.default-ulimits", LD_STATUS_WARN,
                       "no default ulimits configured for containers",
                       "default-ulimits not set in daemon.json or on the dockerd command "
                       "line%s",
                       c->unseen);
    ld_autofree char *list = ld_strlist_join(&u->l, ", ");
    return ld_emit(&c->em, "daemon.default-ulimits", LD_STATUS_PASS, NULL,
                   "default-ulimits = %s (%s)", list, ld_dcfg_source_name(u->source));
}

static int check_cgroup_parent(ctx *c)
{
    const ld_dcfg_value *v = val(c, LD_DCFG_CGROUP_PARENT);
    if (v->source == LD_DCFG_UNSET || !v->s[0])
        return ld_emit(&c->em, "daemon.cgroup-parent", LD_STATUS_PASS, NULL,
                       "cgroup-parent not set: default cgroup%s", c->unseen);
    ld_autofree char *q = ld_ev_str(v->s);
    /* A changed parent is allowed when confirmed: flag it for review. */
    return ld_emit(&c->em, "daemon.cgroup-parent", LD_STATUS_WARN,
                   "default cgroup parent changed; confirm it is intended",
                   "cgroup-parent = %s (%s)", q, ld_dcfg_source_name(v->source));
}

static int check_basesize(ctx *c)
{
    const ld_dcfg_value *v = val(c, LD_DCFG_STORAGE_OPTS);
    for (size_t i = 0; i < v->l.n; i++) {
        const char *o = v->l.v[i];
        if (strncmp(o, "dm.basesize=", 12) == 0 || strncmp(o, "size=", 5) == 0 ||
            strncmp(o, "overlay2.size=", 14) == 0) {
            ld_autofree char *q = ld_ev_str(o);
            return ld_emit(&c->em, "daemon.storage-opt-basesize", LD_STATUS_WARN,
                           "base device size changed; confirm it is needed",
                           "storage-opts contains %s (%s)", q, ld_dcfg_source_name(v->source));
        }
    }
    return ld_emit(&c->em, "daemon.storage-opt-basesize", LD_STATUS_PASS, NULL,
                   "no base size in storage-opts (%zu option%s)%s", v->l.n, v->l.n == 1 ? "" : "s",
                   c->unseen);
}

int ld_daemon_config_checks(ld_report *r, const ld_daemon_config *cfg, const json_t *info,
                            const char *target_id, const char *target_name, ld_error *err)
{
    ctx c = {
        .em = {.r = r,
               .err = err,
               .kind = LD_TARGET_ENGINE,
               .target_id = target_id,
               .target_name = target_name},
        .cfg = cfg,
        .info = info,
        .unseen = "",
    };
    if (!cfg->cmdline_read && !cfg->file_read)
        c.unseen = " (dockerd command line not readable and no daemon.json: defaults assumed)";
    else if (!cfg->cmdline_read)
        c.unseen = " (dockerd command line not readable)";
    int rc = check_rootless(&c);
    if (rc == 0)
        rc = bool_check(&c, "daemon.icc", LD_DCFG_ICC, true, false);
    if (rc == 0)
        rc = check_log_level(&c);
    if (rc == 0)
        rc = bool_check(&c, "daemon.iptables", LD_DCFG_IPTABLES, true, true);
    if (rc == 0)
        rc = check_tls(&c);
    if (rc == 0)
        rc = check_ulimits(&c);
    if (rc == 0)
        rc = check_cgroup_parent(&c);
    if (rc == 0)
        rc = check_basesize(&c);
    if (rc == 0)
        rc = bool_check(&c, "daemon.no-new-privileges", LD_DCFG_NO_NEW_PRIVILEGES, false, true);
    if (rc == 0)
        rc = bool_check(&c, "daemon.userland-proxy", LD_DCFG_USERLAND_PROXY, true, false);
    return rc;
}
