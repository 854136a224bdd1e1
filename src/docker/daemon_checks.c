/* CIS Docker section 2 checks from the effective daemon configuration.
 * Each finding's evidence names the setting, its value and where it came
 * from ("icc = false (daemon.json)", "icc not set ...: default true"), or
 * why its value is unknown. See daemon_checks.h. */
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
    const ld_daemon_check_options *o;
} ctx;

static const ld_dcfg_value *val(const ctx *c, ld_dcfg_key k)
{
    return &c->cfg->v[k];
}

/* NULL when k's value is known; otherwise why not, as "not assessed"
 * evidence (caller frees). */
static char *unknown(const ctx *c, ld_dcfg_key k)
{
    if (c->o->unseen)
        return ld_xasprintf("not assessed: %s", c->o->unseen);
    if (ld_dcfg_known(c->cfg, k))
        return NULL;
    const char *why = !c->cfg->cmdline_read && c->cfg->file_failed
                          ? "neither the dockerd command line nor daemon.json could be read"
                      : !c->cfg->cmdline_read ? "the dockerd command line could not be read"
                                              : "daemon.json could not be read";
    return ld_xasprintf("not assessed: %s is not set in what was read and %s, so its value is "
                        "unknown",
                        ld_dcfg_json_key(k), why);
}

/* "KEY = VALUE (SOURCE)" or "KEY not set ...: default DEFAULT". Caller frees. */
static char *describe_bool(const ctx *c, ld_dcfg_key k, bool def)
{
    const ld_dcfg_value *v = val(c, k);
    if (v->source == LD_DCFG_UNSET)
        return ld_xasprintf("%s not set in daemon.json or on the dockerd command line: default %s",
                            ld_dcfg_json_key(k), def ? "true" : "false");
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
    ld_autofree char *why = unknown(c, k);
    if (why)
        return ld_emit(&c->em, id, LD_STATUS_ERROR, NULL, "%s", why);
    ld_autofree char *ev = describe_bool(c, k, def);
    bool b = bool_value(c, k, def);
    return ld_emit(&c->em, id, b == good ? LD_STATUS_PASS : LD_STATUS_FAIL, NULL, "%s", ev);
}

static int check_rootless(ctx *c)
{
    const json_t *opts;
    int nrc = ld_need(&c->em, "daemon.rootless", c->info, "/info", "SecurityOptions",
                      LD_WANT_ARRAY_OR_NULL, false, &opts);
    if (nrc != 0)
        return nrc < 0 ? nrc : 0;
    ld_autofree char *ev = ld_ev_json(opts);
    bool rootless = ld_info_security_option(c->info, "rootless") != NULL;
    /* "if possible": a judgement, not a hard failure. */
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
    bool cfg_debug = !c->o->unseen && dbg->source && dbg->b;
    if (json_is_true(info_debug) || cfg_debug)
        return ld_emit(&c->em, "daemon.log-level", LD_STATUS_FAIL, NULL, "debug logging on%s%s",
                       cfg_debug ? ": debug = true" : "", info_ev);
    ld_autofree char *why = unknown(c, LD_DCFG_LOG_LEVEL);
    if (why)
        return ld_emit(&c->em, "daemon.log-level", LD_STATUS_ERROR, NULL, "%s%s", why, info_ev);
    if (lv->source == LD_DCFG_UNSET)
        return ld_emit(&c->em, "daemon.log-level", LD_STATUS_PASS, NULL,
                       "log-level not set: default \"info\"%s", info_ev);
    ld_autofree char *q = ld_ev_str(lv->s);
    bool ok = strcmp(lv->s, "info") == 0;
    return ld_emit(&c->em, "daemon.log-level", ok ? LD_STATUS_PASS : LD_STATUS_FAIL, NULL,
                   "log-level = %s (%s)%s", q, ld_dcfg_source_name(lv->source), info_ev);
}

static bool tcp_host(const char *h)
{
    return strncmp(h, "tcp://", 6) == 0 || strncmp(h, "http://", 7) == 0 ||
           strncmp(h, "https://", 8) == 0 ||
           (h[0] != '/' && strstr(h, "://") == NULL && strchr(h, ':') != NULL); /* "0.0.0.0:2375" */
}

/* daemon.tls from the configuration: hosts, tlsverify and the three files. */
static int tls_from_config(ctx *c, const char *prefix)
{
    static const char id[] = "daemon.tls";
    const ld_dcfg_value *hosts = val(c, LD_DCFG_HOSTS);
    ld_autofree char *why = unknown(c, LD_DCFG_HOSTS);
    if (why)
        return ld_emit(&c->em, id, LD_STATUS_ERROR, NULL, "%s%s", prefix, why);
    ld_strlist tcp = {0}, all = {0};
    for (size_t i = 0; i < hosts->l.n; i++) {
        ld_strlist_push_owned(&all, ld_ev_str(hosts->l.v[i]));
        if (tcp_host(hosts->l.v[i]))
            ld_strlist_push_owned(&tcp, ld_ev_str(hosts->l.v[i]));
    }
    ld_autofree char *tcp_list = ld_strlist_join(&tcp, ", ");
    ld_autofree char *all_list = ld_strlist_join(&all, ", ");
    size_t n_tcp = tcp.n;
    ld_strlist_clear(&tcp);
    ld_strlist_clear(&all);
    if (n_tcp == 0)
        return ld_emit(&c->em, id, LD_STATUS_PASS, NULL,
                       "%snot listening on TCP: hosts = [%s] (%s)", prefix, all_list,
                       ld_dcfg_source_name(hosts->source));
    const ld_dcfg_key keys[] = {LD_DCFG_TLSVERIFY, LD_DCFG_TLSCACERT, LD_DCFG_TLSCERT,
                                LD_DCFG_TLSKEY};
    bool verify = bool_value(c, LD_DCFG_TLSVERIFY, false);
    const char *ca = val(c, LD_DCFG_TLSCACERT)->s, *cert = val(c, LD_DCFG_TLSCERT)->s,
               *key = val(c, LD_DCFG_TLSKEY)->s;
    bool ok = verify && ca && ca[0] && cert && cert[0] && key && key[0];
    ld_autofree char *qca = ld_ev_str(ca), *qcert = ld_ev_str(cert), *qkey = ld_ev_str(key);
    ld_autofree char *ev = ld_xasprintf(
        "%shosts on TCP: %s; tlsverify = %s; tlscacert = %s; tlscert = %s; tlskey = %s", prefix,
        tcp_list, verify ? "true" : "false", qca, qcert, qkey);
    if (!ok && !(val(c, LD_DCFG_TLSVERIFY)->source != LD_DCFG_UNSET && !verify)) {
        /* Not ok, but only because something is unset: fails only when the
         * unset settings were seen to be unset. */
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
            ld_autofree char *w = unknown(c, keys[i]);
            if (w)
                return ld_emit(&c->em, id, LD_STATUS_ERROR, NULL, "%s; %s", ev, w);
        }
    }
    return ld_emit(&c->em, id, ok ? LD_STATUS_PASS : LD_STATUS_FAIL,
                   ok ? NULL : "docker daemon listens on TCP without TLS client verification", "%s",
                   ev);
}

static int check_tls(ctx *c)
{
    static const char id[] = "daemon.tls";
    switch (c->o->link) {
    case LD_ENGINE_LINK_TCP_PLAIN:
        return ld_emit(&c->em, id, LD_STATUS_FAIL, "docker daemon answers on TCP without TLS",
                       "lockdown reached the engine at %s over plain TCP (no TLS): whoever "
                       "reaches that port controls the daemon",
                       c->o->target_id);
    case LD_ENGINE_LINK_TCP_TLS:
        if (!c->o->client_cert)
            return ld_emit(&c->em, id, LD_STATUS_FAIL,
                           "docker daemon does not verify its TLS clients",
                           "the engine at %s answered lockdown over TLS without a client "
                           "certificate: it does not verify clients (no tlsverify)",
                           c->o->target_id);
        return tls_from_config(c, "reached over TLS with a client certificate; ");
    case LD_ENGINE_LINK_UNIX: break;
    }
    return tls_from_config(c, "");
}

static int check_ulimits(ctx *c)
{
    ld_autofree char *why = unknown(c, LD_DCFG_DEFAULT_ULIMITS);
    if (why)
        return ld_emit(&c->em, "daemon.default-ulimits", LD_STATUS_ERROR, NULL, "%s", why);
    const ld_dcfg_value *u = val(c, LD_DCFG_DEFAULT_ULIMITS);
    if (u->l.n == 0)
        return ld_emit(&c->em, "daemon.default-ulimits", LD_STATUS_FAIL,
                       "no default ulimits configured for containers",
                       "default-ulimits not set in daemon.json or on the dockerd command line");
    ld_autofree char *list = ld_strlist_join(&u->l, ", ");
    return ld_emit(&c->em, "daemon.default-ulimits", LD_STATUS_PASS, NULL,
                   "default-ulimits = %s (%s)", list, ld_dcfg_source_name(u->source));
}

static int check_cgroup_parent(ctx *c)
{
    ld_autofree char *why = unknown(c, LD_DCFG_CGROUP_PARENT);
    if (why)
        return ld_emit(&c->em, "daemon.cgroup-parent", LD_STATUS_ERROR, NULL, "%s", why);
    const ld_dcfg_value *v = val(c, LD_DCFG_CGROUP_PARENT);
    if (v->source == LD_DCFG_UNSET || !v->s[0])
        return ld_emit(&c->em, "daemon.cgroup-parent", LD_STATUS_PASS, NULL,
                       "cgroup-parent not set: default cgroup");
    ld_autofree char *q = ld_ev_str(v->s);
    /* A changed parent is allowed when confirmed: a judgement. */
    return ld_emit(&c->em, "daemon.cgroup-parent", LD_STATUS_WARN,
                   "default cgroup parent changed; confirm it is intended",
                   "cgroup-parent = %s (%s)", q, ld_dcfg_source_name(v->source));
}

static int check_basesize(ctx *c)
{
    ld_autofree char *why = unknown(c, LD_DCFG_STORAGE_OPTS);
    if (why)
        return ld_emit(&c->em, "daemon.storage-opt-basesize", LD_STATUS_ERROR, NULL, "%s", why);
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
                   "no base size in storage-opts (%zu option%s)", v->l.n, v->l.n == 1 ? "" : "s");
}

static int check_icc(ctx *c)
{
    return bool_check(c, "daemon.icc", LD_DCFG_ICC, true, false);
}
static int check_iptables(ctx *c)
{
    return bool_check(c, "daemon.iptables", LD_DCFG_IPTABLES, true, true);
}
static int check_nnp(ctx *c)
{
    return bool_check(c, "daemon.no-new-privileges", LD_DCFG_NO_NEW_PRIVILEGES, false, true);
}
static int check_userland_proxy(ctx *c)
{
    return bool_check(c, "daemon.userland-proxy", LD_DCFG_USERLAND_PROXY, true, false);
}

int ld_daemon_config_checks(ld_findings *r, const ld_daemon_config *cfg, const json_t *info,
                            const ld_daemon_check_options *o, ld_error *err)
{
    ctx c = {
        .em = {.r = r,
               .err = err,
               .kind = LD_TARGET_ENGINE,
               .target_id = o->target_id,
               .target_name = o->target_name},
        .cfg = cfg,
        .info = info,
        .o = o,
    };
    int (*const checks[])(ctx *) = {
        check_rootless, check_icc,           check_log_level, check_iptables, check_tls,
        check_ulimits,  check_cgroup_parent, check_basesize,  check_nnp,      check_userland_proxy,
    };
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof(checks) / sizeof(checks[0]); i++)
        rc = checks[i](&c);
    return rc;
}
