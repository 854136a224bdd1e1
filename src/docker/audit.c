/* The Docker audit's one entry point: fetch once, read the host once, run
 * every check module. See audit.h. */
#include "docker/audit.h"
#include "docker/container_trust.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/catalog.h"
#include "docker/container_checks.h"
#include "docker/container_select.h"
#include "docker/daemon_checks.h"
#include "docker/daemon_config.h"
#include "docker/engine_info_checks.h"
#include "docker/evidence.h"
#include "docker/host_checks.h"
#include "docker/proc_facts.h"
#include "docker/swarm_checks.h"
#include "host/host_files.h"
#include "host/host_os.h"
#include "util/cleanup.h"
#include "util/mem.h"

/* Containers audited in one run; beyond this the rest are noted, not read. */
#define AUDIT_CONTAINERS_MAX 10000
/* An inspect document larger than this is refused (labels and env can be big). */
#define INSPECT_MAX_BYTES ((size_t)4 * 1024 * 1024)

static void progress(const ld_docker_audit_options *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void progress(const ld_docker_audit_options *o, const char *fmt, ...)
{
    if (!o->progress)
        return;
    va_list ap;
    va_start(ap, fmt);
    ld_autofree char *msg = ld_xvasprintf(fmt, ap);
    va_end(ap);
    o->progress(o->progress_ctx, msg);
}

void ld_docker_snapshot_clear(ld_docker_snapshot *snap)
{
    json_decref(snap->version);
    json_decref(snap->info);
    json_decref(snap->containers);
    json_decref(snap->images);
    ld_strlist_clear(&snap->notes);
    memset(snap, 0, sizeof(*snap));
}

static json_t *get_list(ld_engine *e, const char *path, const char *what, ld_strlist *notes)
{
    ld_error err = LD_ERROR_INIT;
    json_t *doc = ld_engine_get_json(e, path, 0, &err);
    if (!doc) {
        ld_strlist_push_owned(notes, ld_xasprintf("cannot list %s: %s", what, err.msg));
        return NULL;
    }
    if (!json_is_array(doc)) {
        ld_strlist_push_owned(
            notes, ld_xasprintf("%s list from the engine is not an array; ignored", what));
        json_decref(doc);
        return NULL;
    }
    return doc;
}

int ld_docker_snapshot_fetch(ld_engine *e, ld_docker_snapshot *snap, ld_error *err)
{
    memset(snap, 0, sizeof(*snap));
    snap->version = ld_engine_get_json(e, "/version", 0, err);
    if (!snap->version)
        return err->code ? err->code : LD_ERR_GENERIC;
    snap->info = ld_engine_get_json(e, "/info", 0, err);
    if (!snap->info) {
        int rc = err->code ? err->code : LD_ERR_GENERIC;
        ld_docker_snapshot_clear(snap);
        return rc;
    }
    snap->containers = get_list(e, "/containers/json?all=1", "containers", &snap->notes);
    snap->images = get_list(e, "/images/json", "images", &snap->notes);
    return 0;
}

static size_t count_running(const json_t *list)
{
    size_t n = 0, i;
    const json_t *c;
    json_array_foreach(list, i, c)
    {
        const char *state = json_string_value(json_object_get(c, "State"));
        if (state && strcmp(state, "running") == 0)
            n++;
    }
    return n;
}

char *ld_docker_scope(const ld_engine *e, const ld_docker_snapshot *snap)
{
    const char *ver = json_string_value(json_object_get(snap->version, "Version"));
    ld_autofree char *inv = NULL;
    if (snap->containers && snap->images) {
        size_t n = json_array_size(snap->containers), ni = json_array_size(snap->images);
        inv = ld_xasprintf(": %zu container%s (%zu running), %zu image%s", n, n == 1 ? "" : "s",
                           count_running(snap->containers), ni, ni == 1 ? "" : "s");
    }
    return ld_xasprintf("docker engine %s (%.64s, API %s)%s", ld_engine_endpoint(e),
                        ver ? ver : "version unknown", ld_engine_api_version(e), inv ? inv : "");
}

static bool valid_id(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    if (n < 12 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
            return false;
    return true;
}


/* One error finding (not assessed) per container check against target. */
static int containers_not_assessed(ld_findings *r, ld_target_kind kind, const char *target_id,
                                   const char *target_name, const char *why, ld_error *err)
{
    ld_emitter em = {
        .r = r, .err = err, .kind = kind, .target_id = target_id, .target_name = target_name};
    int rc = 0;
    /* every container check of this build (the registry is the one list) */
    for (const char *const *id = ld_implemented_checks(); rc == 0 && *id; id++)
        if (strncmp(*id, "container.", 10) == 0)
            rc = ld_emit(&em, *id, LD_STATUS_ERROR, NULL, "not assessed: %s", why);
    return rc;
}

/* What containers inherit from the daemon, each unknown with its reason. */
typedef struct {
    ld_container_env env;
    char *nnp_why, *ulimits_why;
} daemon_env;

static void daemon_env_init(daemon_env *d, const ld_docker_snapshot *snap,
                            const ld_daemon_config *cfg, const char *unseen)
{
    memset(d, 0, sizeof(*d));
    d->env.apparmor_host = ld_info_security_option(snap->info, "apparmor") != NULL;
    d->env.selinux_host = ld_info_security_option(snap->info, "selinux") != NULL;
    d->env.images = snap->images;
    d->env.daemon_log_driver = json_string_value(json_object_get(snap->info, "LoggingDriver"));
    const ld_dcfg_value *nnp = &cfg->v[LD_DCFG_NO_NEW_PRIVILEGES];
    const ld_dcfg_value *ul = &cfg->v[LD_DCFG_DEFAULT_ULIMITS];
    d->env.daemon_nnp = nnp->source != LD_DCFG_UNSET && nnp->b;
    d->env.daemon_ulimits = ul->l.n > 0;
    if (unseen) {
        d->nnp_why = ld_xasprintf("the daemon's no-new-privileges is unknown: %s", unseen);
        d->ulimits_why = ld_xasprintf("the daemon's default-ulimits are unknown: %s", unseen);
    } else {
        if (!ld_dcfg_known(cfg, LD_DCFG_NO_NEW_PRIVILEGES))
            d->nnp_why = ld_xstrdup("the daemon's no-new-privileges is unknown (its command line "
                                    "or daemon.json could not be read)");
        if (!ld_dcfg_known(cfg, LD_DCFG_DEFAULT_ULIMITS))
            d->ulimits_why = ld_xstrdup("the daemon's default-ulimits are unknown (its command "
                                        "line or daemon.json could not be read)");
    }
    d->env.daemon_nnp_unknown = d->nnp_why;
    d->env.daemon_ulimits_unknown = d->ulimits_why;
}

static void daemon_env_clear(daemon_env *d)
{
    free(d->nnp_why);
    free(d->ulimits_why);
}

/* Why the container checks do not apply when nothing was audited: the
 * selection matched nothing, or what it matched (or the engine has) is not
 * running. */
static void containers_none_scope(ld_findings *r, const ld_container_selector *sel, bool all)
{
    if (!ld_container_selector_active(sel)) {
        ld_findings_scope(r, LD_SCOPE_NOT_APPLICABLE, "container.*", "%s",
                          all ? "no container on this engine"
                              : "no running container on this engine (--all includes stopped "
                                "ones)");
        return;
    }
    ld_autofree char *what = ld_container_selector_describe(sel);
    if (sel->kept && !all)
        ld_findings_scope(r, LD_SCOPE_NOT_APPLICABLE, "container.*",
                          "no running container matches %s (--all includes stopped ones)", what);
    else
        ld_findings_scope(r, LD_SCOPE_NOT_APPLICABLE, "container.*", "no container matches %s",
                          what);
}

/* Section 5 over the containers in the list: select (--container,
 * --exclude-container), filter by state, inspect in parallel, one /proc
 * scan (none for a remote engine), checks in list order. Every container
 * that is audited, or should have been and could not be, gets a finding for
 * each container check; when none is, the container checks are declared
 * not applicable with the reason. */
static int audit_containers(ld_findings *r, ld_engine *e, const ld_docker_snapshot *snap,
                            const ld_docker_audit_options *o, const ld_daemon_config *cfg,
                            const char *root, const char *unseen, ld_error *err)
{
    if (!snap->containers)
        return 0;
    size_t audited = 0;
    ld_container_selector sel;
    ld_container_selector_init(&sel, o->containers, o->exclude_containers);
    const char *endpoint = ld_engine_endpoint(e);
    char self[65];
    bool in_container = ld_self_container(self);
    if (in_container && !self[0])
        ld_findings_note(r, "lockdown seems to run inside a container but its id is not visible "
                            "(/proc/self/cgroup, /proc/self/mountinfo); no container left out");
    ld_strlist paths = {0}, ids = {0};
    size_t i, skipped_state = 0, bad_ids = 0, beyond_cap = 0;
    const json_t *c;
    json_array_foreach(snap->containers, i, c)
    {
        const char *id = json_string_value(json_object_get(c, "Id"));
        const char *state = json_string_value(json_object_get(c, "State"));
        if (!ld_container_selector_keep(&sel, c))
            continue;
        if (!valid_id(id)) {
            bad_ids++;
            continue;
        }
        if (!o->all && !(state && strcmp(state, "running") == 0)) {
            skipped_state++;
            continue;
        }
        if (self[0] && strncmp(self, id, strlen(id)) == 0) {
            ld_findings_note(r, "lockdown runs in container %.12s; it is left out of the audit",
                             id);
            continue;
        }
        if (paths.n >= AUDIT_CONTAINERS_MAX) {
            beyond_cap++;
            continue;
        }
        ld_strlist_push_owned(&paths, ld_xasprintf("/containers/%s/json", id));
        ld_strlist_push(&ids, id);
    }
    ld_container_selector_notes(&sel, r);
    int rc = 0;
    if (bad_ids) {
        ld_autofree char *why = ld_xasprintf("%zu container list entr%s without a valid Id could "
                                             "not be inspected",
                                             bad_ids, bad_ids == 1 ? "y" : "ies");
        ld_findings_note(r, "%s", why);
        rc = containers_not_assessed(r, LD_TARGET_ENGINE, endpoint, NULL, why, err);
    }
    if (rc == 0 && beyond_cap) {
        ld_autofree char *why =
            ld_xasprintf("%zu containers beyond the first %d were not audited "
                         "(cap %d)",
                         beyond_cap, AUDIT_CONTAINERS_MAX, AUDIT_CONTAINERS_MAX);
        ld_findings_note(r, "%s", why);
        rc = containers_not_assessed(r, LD_TARGET_ENGINE, endpoint, NULL, why, err);
    }
    if (skipped_state)
        ld_findings_note(r, "%zu container%s not running and not audited (use --all)",
                         skipped_state, skipped_state == 1 ? "" : "s");
    progress(o, "inspecting %zu container%s", paths.n, paths.n == 1 ? "" : "s");
    json_t **docs = ld_xcalloc(paths.n ? paths.n : 1, sizeof(*docs));
    char **errs = ld_xcalloc(paths.n ? paths.n : 1, sizeof(*errs));
    if (rc == 0)
        rc = ld_engine_get_json_batch(e, (const char *const *)paths.v, paths.n, INSPECT_MAX_BYTES,
                                      docs, errs, err);
    ld_proc_table procs = {0};
    ld_autofree char *proc_dir = ld_xasprintf("%s/proc", ld_host_root_is_slash(root) ? "" : root);
    if (rc == 0 && paths.n && !unseen && ld_proc_scan(proc_dir, &procs) < 0)
        ld_findings_note(r, "cannot read %s: container process checks not assessed", proc_dir);
    daemon_env denv;
    daemon_env_init(&denv, snap, cfg, unseen);
    for (size_t k = 0; rc == 0 && k < paths.n; k++) {
        if (!docs[k] || !json_is_object(docs[k])) {
            ld_autofree char *why =
                docs[k] ? ld_xstrdup("inspect answer is not an object")
                        : ld_xasprintf("inspect failed: %s", errs[k] ? errs[k] : "no answer");
            ld_findings_note(r, "container %.12s not audited: %s", ids.v[k], why);
            rc = containers_not_assessed(r, LD_TARGET_CONTAINER, ids.v[k], NULL, why, err);
            audited++;
            continue;
        }
        const json_t *pid = json_object_get(json_object_get(docs[k], "State"), "Pid");
        long pid_v = json_is_integer(pid) ? (long)json_integer_value(pid) : 0;
        ld_container_procs p;
        if (unseen && pid_v > 0)
            ld_container_procs_unobserved(&p, "%s", unseen);
        else
            ld_container_procs_get(&procs, pid_v, ids.v[k], &p);
        rc = ld_container_checks(r, docs[k], &denv.env, &p, err);
        if (rc == 0) {
            ld_container_trust_env trust = {.trusted_registries = o->trusted_registries,
                                            .signatures = o->signatures,
                                            .images = snap->images};
            rc = ld_container_trust_checks(r, docs[k], &trust, err);
        }
        audited++;
    }
    if (rc == 0 && audited == 0)
        containers_none_scope(r, &sel, o->all);
    daemon_env_clear(&denv);
    for (size_t k = 0; k < paths.n; k++) {
        json_decref(docs[k]);
        free(errs[k]);
    }
    free(docs);
    free(errs);
    ld_proc_table_clear(&procs);
    ld_strlist_clear(&paths);
    ld_strlist_clear(&ids);
    ld_container_selector_clear(&sel);
    return rc;
}

/* The check ids the Docker audit owes verdicts for. */
static const char *const audit_scope[] = {
    "daemon.*", "engine.*", "host.docker-*", "host.audit-rule.*", "file.*", "container.*",
};

void ld_docker_audit_scope(ld_findings *r, ld_scope_state state, const char *reason)
{
    for (size_t i = 0; i < sizeof(audit_scope) / sizeof(audit_scope[0]); i++)
        ld_findings_scope(r, state, audit_scope[i], reason ? "%s" : NULL, reason);
}

bool ld_docker_installed(const char *host_root)
{
    static const char *const signs[] = {
        "usr/bin/dockerd", "usr/sbin/dockerd", "usr/local/bin/dockerd", "var/lib/docker",
        "etc/docker", "lib/systemd/system/docker.service", "usr/lib/systemd/system/docker.service",
        "etc/systemd/system/docker.service",
    };
    const char *root = host_root && host_root[0] ? host_root : "/";
    for (size_t i = 0; i < sizeof(signs) / sizeof(signs[0]); i++) {
        ld_autofree char *path = ld_xasprintf("%s/%s", ld_host_root_is_slash(root) ? "" : root,
                                              signs[i]);
        if (access(path, F_OK) == 0)
            return true;
    }
    return false;
}

/* Each selection pattern well formed, before anything is read. */
static int check_patterns(const ld_strlist *l, const char *option, ld_error *err)
{
    for (size_t i = 0; l && i < l->n; i++)
        if (ld_container_pattern_check(l->v[i], err) < 0)
            return ld_error_wrap(err, "%s", option);
    return 0;
}

int ld_docker_audit(ld_findings *r, ld_engine *e, const ld_docker_audit_options *opt, ld_error *err)
{
    if (check_patterns(opt->containers, "--container", err) < 0 ||
        check_patterns(opt->exclude_containers, "--exclude-container", err) < 0)
        return err->code;
    ld_docker_audit_scope(r, LD_SCOPE_OWED, NULL);
    ld_docker_snapshot own = {0};
    const ld_docker_snapshot *snap = opt->snapshot;
    if (!snap) {
        progress(opt, "reading the engine's version, configuration, containers and images");
        int frc = ld_docker_snapshot_fetch(e, &own, err);
        if (frc < 0)
            return frc;
        snap = &own;
        for (size_t i = 0; i < own.notes.n; i++)
            ld_findings_note(r, "%s", own.notes.v[i]);
    }
    const char *root = opt->host_root && opt->host_root[0] ? opt->host_root : "/";
    bool live = ld_host_root_is_slash(root);
    ld_autofree char *host_name = opt->host_name ? ld_xstrdup(opt->host_name) : ld_host_name(root);
    const char *ver = json_string_value(json_object_get(snap->version, "Version"));
    if (!ver)
        ver = json_string_value(json_object_get(snap->info, "ServerVersion"));
    ld_autofree char *engine_name =
        ver ? ld_xasprintf("docker %.64s", ver) : ld_xstrdup("docker (version unknown)");
    const char *endpoint = ld_engine_endpoint(e);
    ld_engine_link link = ld_engine_link_of(e);
    /* A remote engine seen with no copy of its host: nothing on this
     * machine may stand in for that host's files and processes. */
    ld_autofree char *unseen =
        link != LD_ENGINE_LINK_UNIX && live
            ? ld_xasprintf("engine %s is remote; its host's files and processes are not visible "
                           "here (pass --host-root with a copy of the engine's host)",
                           endpoint)
            : NULL;

    progress(opt, "checking the docker daemon");
    int rc = ld_engine_info_checks(r, e, snap->info, snap->version, err);
    ld_daemon_config cfg;
    if (unseen) {
        memset(&cfg, 0, sizeof(cfg));
        ld_findings_note(r,
                         "%s: daemon configuration, host files and container processes were "
                         "not assessed",
                         unseen);
    } else {
        ld_daemon_config_load(&cfg, root, link == LD_ENGINE_LINK_UNIX ? endpoint + 7 : NULL, err);
        if (link != LD_ENGINE_LINK_UNIX)
            ld_findings_note(r,
                             "engine %s is reached over TCP: daemon configuration, host files "
                             "and processes are read from %s, which must be the engine's host",
                             endpoint, root);
        if (!cfg.pid)
            ld_findings_note(r,
                             "no dockerd process found under %s/proc: the daemon's command line "
                             "was not read, so settings not in daemon.json are not assessed",
                             live ? "" : root);
        for (size_t i = 0; i < cfg.problems.n; i++)
            ld_findings_note(r, "daemon configuration: %s", cfg.problems.v[i]);
    }
    ld_daemon_check_options dopt = {
        .target_id = endpoint,
        .target_name = engine_name,
        .link = link,
        .client_cert = ld_engine_sends_client_cert(e),
        .unseen = unseen,
    };
    if (rc == 0)
        rc = ld_daemon_config_checks(r, &cfg, snap->info, &dopt, err);

    if (rc == 0) {
        /* Overlay networks only matter on a swarm manager: one more GET there. */
        json_t *nets = NULL;
        if (ld_swarm_is_manager(snap->info)) {
            ld_error nerr = LD_ERROR_INIT;
            nets = ld_engine_get_json(
                e, "/networks?filters=%7B%22driver%22%3A%7B%22overlay%22%3Atrue%7D%7D", 0, &nerr);
            if (!nets)
                ld_findings_note(r, "cannot list overlay networks: %s", nerr.msg);
        }
        ld_autofree char *proc_net = unseen ? NULL : ld_xasprintf("%s/proc/net", live ? "" : root);
        rc = ld_swarm_checks(r, snap->info, nets, proc_net, unseen, endpoint, engine_name, err);
        json_decref(nets);
    }

    ld_host_check_options ho = {
        .root = root, .live = live, .host_name = host_name, .unseen = unseen};
    if (rc == 0) {
        progress(opt, "checking host files and audit rules under %s", root);
        rc = ld_docker_host_checks(r, &ho, &cfg, snap->info, err);
    }
    if (rc == 0)
        rc = ld_docker_file_checks(r, &ho, &cfg, err);
    if (rc == 0)
        rc = audit_containers(r, e, snap, opt, &cfg, root, unseen, err);
    if (rc == 0 && !snap->containers)
        ld_findings_scope(r, LD_SCOPE_NOT_ASSESSED, "container.*",
                          "the engine's container list could not be read");
    if (rc == 0 && opt->image_hook && snap->images) {
        size_t i;
        const json_t *im;
        json_array_foreach(snap->images, i, im)
        {
            rc = opt->image_hook(r, im, opt->image_ctx, err);
            if (rc < 0)
                break;
        }
    }
    ld_daemon_config_clear(&cfg);
    ld_docker_snapshot_clear(&own);
    return rc;
}
