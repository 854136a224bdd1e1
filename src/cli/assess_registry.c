/* The registry tier of `lockdown assess`: the registries the Docker
 * engine is configured for (its /info RegistryConfig: IndexConfigs, the
 * engine's and each index's Mirrors; one the engine treats as insecure —
 * Secure false, or an IP literal inside InsecureRegistryCIDRs — is audited
 * as named insecure, so registry.insecure-transport says who named it),
 * each audited from outside as `lockdown registry audit` does; and the
 * host's containers/image trust policy (/etc/containers/policy.json and
 * registries.d under --host-root). docker.io is not audited: Docker Hub is
 * not this site's registry. Only wiring: the checks live in src/registry
 * and src/trust. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/assess_registry.h"
#include "registry/audit.h"
#include "trust/host_trust_policy.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define ASSESS_REGISTRY_TIMEOUT_MS 10000L
#define MAX_REGISTRIES 32

typedef struct {
    char *name;           /* as the engine names it */
    bool engine_insecure; /* Secure false, or inside InsecureRegistryCIDRs */
    char *why_insecure;
} engine_registry;

typedef struct {
    engine_registry v[MAX_REGISTRIES];
    size_t n;
    size_t dropped;
} registry_list;

static void list_clear(registry_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].name);
        free(l->v[i].why_insecure);
    }
    memset(l, 0, sizeof(*l));
}

/* "https://mirror.example:5000/" -> "mirror.example:5000" (what the audit parses). */
static char *strip_url(const char *s)
{
    const char *p = strstr(s, "://");
    p = p ? p + 3 : s;
    size_t n = strcspn(p, "/");
    return ld_xstrndup(p, n);
}

static bool is_docker_io(const char *name)
{
    return strcmp(name, "docker.io") == 0 || strcmp(name, "index.docker.io") == 0 ||
           strcmp(name, "registry-1.docker.io") == 0;
}

static engine_registry *add(registry_list *l, const char *raw)
{
    if (!raw || !*raw)
        return NULL;
    ld_autofree char *name = strip_url(raw);
    if (!*name || is_docker_io(name))
        return NULL;
    for (size_t i = 0; i < l->n; i++)
        if (strcasecmp(l->v[i].name, name) == 0)
            return &l->v[i];
    if (l->n == MAX_REGISTRIES) {
        l->dropped++;
        return NULL;
    }
    engine_registry *e = &l->v[l->n++];
    memset(e, 0, sizeof(*e));
    e->name = ld_steal_ptr(&name);
    return e;
}

static void add_mirrors(registry_list *l, const json_t *mirrors)
{
    size_t i;
    const json_t *m;
    if (!json_is_array(mirrors))
        return;
    json_array_foreach(mirrors, i, m) add(l, json_string_value(m));
}

/* Whether the IP literal host lies inside cidr ("127.0.0.0/8", "fd00::/8"). */
static bool in_cidr(const char *host, const char *cidr)
{
    const char *slash = strchr(cidr, '/');
    if (!slash)
        return false;
    ld_autofree char *net = ld_xstrndup(cidr, (size_t)(slash - cidr));
    char *end = NULL;
    long bits = strtol(slash + 1, &end, 10);
    if (!end || *end)
        return false;
    unsigned char a[16], b[16];
    size_t len;
    if (inet_pton(AF_INET, host, a) == 1 && inet_pton(AF_INET, net, b) == 1)
        len = 4;
    else if (inet_pton(AF_INET6, host, a) == 1 && inet_pton(AF_INET6, net, b) == 1)
        len = 16;
    else
        return false;
    if (bits < 0 || bits > (long)len * 8)
        return false;
    for (long bit = 0; bit < bits; bit++) {
        unsigned char mask = (unsigned char)(0x80u >> (bit % 8));
        if ((a[bit / 8] & mask) != (b[bit / 8] & mask))
            return false;
    }
    return true;
}

static void read_registries(const json_t *info, registry_list *l)
{
    const json_t *rc = json_object_get(info, "RegistryConfig");
    const json_t *index = json_object_get(rc, "IndexConfigs");
    const char *key;
    const json_t *cfg;
    if (json_is_object(index)) {
        json_object_foreach((json_t *)index, key, cfg)
        {
            engine_registry *e = add(l, key);
            if (e && json_is_false(json_object_get(cfg, "Secure"))) {
                e->engine_insecure = true;
                free(e->why_insecure);
                e->why_insecure = ld_xasprintf(
                    "the engine's RegistryConfig.IndexConfigs[%s].Secure = false", e->name);
            }
            add_mirrors(l, json_object_get(cfg, "Mirrors"));
        }
    }
    add_mirrors(l, json_object_get(rc, "Mirrors"));
    const json_t *cidrs = json_object_get(rc, "InsecureRegistryCIDRs");
    for (size_t i = 0; i < l->n; i++) {
        engine_registry *e = &l->v[i];
        if (e->engine_insecure || !json_is_array(cidrs))
            continue;
        ld_reg_address a;
        ld_error perr = LD_ERROR_INIT;
        if (ld_reg_address_parse(e->name, &a, &perr) < 0)
            continue;
        size_t j;
        const json_t *c;
        json_array_foreach(cidrs, j, c)
        {
            const char *s = json_string_value(c);
            if (s && in_cidr(a.host, s)) {
                e->engine_insecure = true;
                e->why_insecure =
                    ld_xasprintf("the engine's RegistryConfig.InsecureRegistryCIDRs (%s)", s);
                break;
            }
        }
        ld_reg_address_clear(&a);
    }
}

/* Audits one registry; an address the audit cannot parse, or a registry
 * where nothing answers, makes its checks errors naming it. */
static int audit_one(cli_session *s, ld_findings *r, const cli_assess_registry *a,
                     const engine_registry *e, ld_strlist *done, size_t *unassessed, ld_error *err)
{
    ld_reg_address addr;
    ld_error perr = LD_ERROR_INIT;
    if (ld_reg_address_parse(e->name, &addr, &perr) < 0) {
        ld_autofree char *why =
            ld_xasprintf("the engine names registry \"%.100s\": %s", e->name, perr.msg);
        ld_strlist_push_owned(done, ld_xasprintf("%.100s (not assessed)", e->name));
        (*unassessed)++;
        return ld_reg_audit_unassessed(r, ld_reg_remote_checks, LD_TARGET_REGISTRY, e->name, why,
                                       err);
    }
    ld_reg_options client = cli_registry_client_options(a->reg);
    ld_strlist insecure = {0};
    if (e->engine_insecure) {
        for (size_t i = 0; a->reg->insecure.n > i; i++)
            ld_strlist_push(&insecure, a->reg->insecure.v[i]);
        ld_strlist_push(&insecure, addr.name);
        client.insecure = &insecure;
    }
    ld_reg_audit_options o = {
        .client = &client,
        .insecure_named_by = e->engine_insecure ? e->why_insecure : NULL,
        .timeout_ms = a->reg->timeout_s > 0 ? a->reg->timeout_s * 1000 : ASSESS_REGISTRY_TIMEOUT_MS,
    };
    if (client.timeouts.request_ms <= 0)
        client.timeouts.request_ms = o.timeout_ms;
    if (client.timeouts.connect_ms <= 0)
        client.timeouts.connect_ms = o.timeout_ms;
    cli_progress(s, "probing the registry %s the engine is configured for", addr.name);
    char *summary = NULL;
    ld_error aerr = LD_ERROR_INIT;
    int rc = ld_reg_audit_remote(r, &addr, &o, &summary, &aerr);
    if (rc < 0 && (aerr.code == LD_ERR_UNREACHABLE || aerr.code == LD_ERR_INVALID)) {
        /* present in the engine's configuration, not observed: not assessed */
        ld_strlist_push_owned(done, ld_xasprintf("%s (not answering)", addr.name));
        (*unassessed)++;
        ld_findings_note(r, "registry %s: %s", addr.name, aerr.msg);
        rc = ld_reg_audit_unassessed(r, ld_reg_remote_checks, LD_TARGET_REGISTRY, addr.name,
                                     aerr.msg, err);
    } else if (rc < 0) {
        *err = aerr;
    } else {
        ld_strlist_push_owned(done, summary ? summary : ld_xstrdup(addr.name));
    }
    ld_strlist_clear(&insecure);
    ld_reg_address_clear(&addr);
    return rc;
}

/* What the run made of the registry tier: the trust policy is always
 * read; the engine's registries may be unknown (engine down) or some may
 * not answer. */
static void record_tier(ld_findings *r, const char *line, size_t audited, size_t unassessed,
                        const char *engine_down)
{
    if (engine_down)
        ld_findings_tier(r, "registries", LD_TIER_PARTLY_ASSESSED, line,
                         "the containers trust policy was read; %s", engine_down);
    else if (unassessed && unassessed == audited)
        ld_findings_tier(r, "registries", LD_TIER_PARTLY_ASSESSED, line,
                         "the containers trust policy was read; none of the %zu registries the "
                         "engine is configured for could be audited",
                         audited);
    else if (unassessed)
        ld_findings_tier(r, "registries", LD_TIER_PARTLY_ASSESSED, line,
                         "%zu of the %zu registries the engine is configured for could not be "
                         "audited",
                         unassessed, audited);
    else
        ld_findings_tier(r, "registries", LD_TIER_ASSESSED, line, NULL);
}

static int assess_engine_registries(cli_session *s, ld_findings *r, const cli_assess_registry *a,
                                    char **line, size_t *audited, size_t *unassessed,
                                    char **engine_down, ld_error *err)
{
    if (!a->info) {
        bool installed = a->docker_installed;
        ld_autofree char *why =
            installed ? ld_xasprintf("the Docker engine did not answer (%s): the registries it "
                                     "is configured for are unknown",
                                     a->engine_unreachable ? a->engine_unreachable : "no answer")
                      : ld_xasprintf("Docker is not installed under %s", a->host_root);
        ld_reg_audit_scope(r, ld_reg_remote_checks,
                           installed ? LD_SCOPE_NOT_ASSESSED : LD_SCOPE_NOT_APPLICABLE, why);
        *line =
            ld_xasprintf("registries: %s", installed ? "not assessed (engine down)" : "no engine");
        if (installed)
            *engine_down = ld_xasprintf("the registries the engine is configured for are unknown: "
                                        "the engine did not answer");
        return 0;
    }
    registry_list l = {0};
    read_registries(a->info, &l);
    if (l.n == 0) {
        ld_reg_audit_scope(r, ld_reg_remote_checks, LD_SCOPE_NOT_APPLICABLE,
                           "the engine is configured for no registry besides docker.io "
                           "(RegistryConfig: IndexConfigs, Mirrors)");
        *line = ld_xstrdup("registries: none besides docker.io");
        return 0;
    }
    ld_reg_audit_scope(r, ld_reg_remote_checks, LD_SCOPE_OWED, NULL);
    if (l.dropped)
        ld_findings_note(r, "the engine names %zu registries; the first %d were audited",
                         l.n + l.dropped, MAX_REGISTRIES);
    ld_strlist done = {0};
    int rc = 0;
    for (size_t i = 0; i < l.n && rc == 0; i++)
        rc = audit_one(s, r, a, &l.v[i], &done, unassessed, err);
    *audited = l.n;
    ld_autofree char *joined = ld_strlist_join(&done, "; ");
    *line = ld_xasprintf("%s", joined);
    ld_strlist_clear(&done);
    list_clear(&l);
    return rc;
}

int cli_assess_registry_run(cli_session *s, ld_findings *r, const cli_assess_registry *a,
                            char **scope, ld_error *err)
{
    *scope = NULL;
    ld_autofree char *registries = NULL;
    ld_autofree char *policy = NULL;
    ld_autofree char *engine_down = NULL;
    size_t audited = 0, unassessed = 0;
    if (assess_engine_registries(s, r, a, &registries, &audited, &unassessed, &engine_down,
                                 err) < 0)
        return -1;
    ld_reg_audit_scope(r, ld_host_trust_checks, LD_SCOPE_OWED, NULL);
    cli_progress(s, "reading the containers trust policy under %s", a->host_root);
    if (ld_host_trust_policy_check(r, a->host_root, &policy, err) < 0)
        return -1;
    *scope = ld_xasprintf("%s; %s", registries, policy ? policy : "containers policy: ?");
    record_tier(r, *scope, audited, unassessed, engine_down);
    return 0;
}
