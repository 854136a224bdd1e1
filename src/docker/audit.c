/* The Docker audit's one entry point: fetch once, read the host once, run
 * every check module. See audit.h. */
#include "docker/audit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker/container_checks.h"
#include "docker/daemon_checks.h"
#include "docker/daemon_config.h"
#include "docker/engine_info_checks.h"
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

static bool security_option(const json_t *info, const char *name)
{
    size_t i, nl = strlen(name);
    const json_t *item;
    json_array_foreach(json_object_get(info, "SecurityOptions"), i, item)
    {
        const char *s = json_string_value(item);
        if (!s)
            continue;
        if (strcmp(s, name) == 0 || (strncmp(s, "name=", 5) == 0 && strncmp(s + 5, name, nl) == 0 &&
                                     (s[5 + nl] == '\0' || s[5 + nl] == ',')))
            return true;
    }
    return false;
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

/* Section 5 over the containers in the list: filter, inspect in parallel,
 * one /proc scan, checks in list order. */
static int audit_containers(ld_report *r, ld_engine *e, const ld_docker_snapshot *snap,
                            const ld_docker_audit_options *o, const ld_daemon_config *cfg,
                            const char *root, ld_error *err)
{
    if (!snap->containers)
        return 0;
    char self[65];
    bool in_container = ld_self_container(self);
    if (in_container && !self[0])
        ld_report_note(r, "lockdown seems to run inside a container but its id is not visible "
                          "(/proc/self/cgroup, /proc/self/mountinfo); no container left out");
    ld_strlist paths = {0}, ids = {0};
    size_t i, skipped_state = 0, bad_ids = 0;
    const json_t *c;
    json_array_foreach(snap->containers, i, c)
    {
        const char *id = json_string_value(json_object_get(c, "Id"));
        const char *state = json_string_value(json_object_get(c, "State"));
        if (!valid_id(id)) {
            bad_ids++;
            continue;
        }
        if (!o->all && !(state && strcmp(state, "running") == 0)) {
            skipped_state++;
            continue;
        }
        if (self[0] && strncmp(self, id, strlen(id)) == 0) {
            ld_report_note(r, "lockdown runs in container %.12s; it is left out of the audit", id);
            continue;
        }
        if (paths.n >= AUDIT_CONTAINERS_MAX) {
            ld_report_note(r, "more than %d containers: the rest were not audited",
                           AUDIT_CONTAINERS_MAX);
            break;
        }
        ld_strlist_push_owned(&paths, ld_xasprintf("/containers/%s/json", id));
        ld_strlist_push(&ids, id);
    }
    if (bad_ids)
        ld_report_note(r, "%zu container list entr%s without a valid Id ignored", bad_ids,
                       bad_ids == 1 ? "y" : "ies");
    if (skipped_state)
        ld_report_note(r, "%zu container%s not running and not audited (use --all)", skipped_state,
                       skipped_state == 1 ? "" : "s");
    progress(o, "inspecting %zu container%s", paths.n, paths.n == 1 ? "" : "s");
    json_t **docs = ld_xcalloc(paths.n ? paths.n : 1, sizeof(*docs));
    char **errs = ld_xcalloc(paths.n ? paths.n : 1, sizeof(*errs));
    int rc = ld_engine_get_json_batch(e, (const char *const *)paths.v, paths.n, INSPECT_MAX_BYTES,
                                      docs, errs, err);
    ld_proc_table procs = {0};
    if (rc == 0) {
        ld_autofree char *proc_dir =
            ld_xasprintf("%s/proc", ld_host_root_is_slash(root) ? "" : root);
        if (paths.n && ld_proc_scan(proc_dir, &procs) < 0)
            ld_report_note(r, "cannot read %s: container process checks skipped", proc_dir);
    }
    const ld_dcfg_value *nnp = &cfg->v[LD_DCFG_NO_NEW_PRIVILEGES];
    ld_container_env env = {
        .apparmor_host = security_option(snap->info, "apparmor"),
        .selinux_host = security_option(snap->info, "selinux"),
        .daemon_nnp = nnp->source != LD_DCFG_UNSET && nnp->b,
        .images = snap->images,
    };
    for (size_t k = 0; rc == 0 && k < paths.n; k++) {
        if (!docs[k]) {
            ld_report_note(r, "container %.12s not audited: %s", ids.v[k], errs[k]);
            continue;
        }
        if (!json_is_object(docs[k])) {
            ld_report_note(r, "container %.12s not audited: inspect answer is not an object",
                           ids.v[k]);
            continue;
        }
        const json_t *pid = json_object_get(json_object_get(docs[k], "State"), "Pid");
        ld_container_procs p;
        ld_container_procs_get(&procs, json_is_integer(pid) ? (long)json_integer_value(pid) : 0,
                               &p);
        rc = ld_container_checks(r, docs[k], &env, &p, err);
    }
    for (size_t k = 0; k < paths.n; k++) {
        json_decref(docs[k]);
        free(errs[k]);
    }
    free(docs);
    free(errs);
    ld_proc_table_clear(&procs);
    ld_strlist_clear(&paths);
    ld_strlist_clear(&ids);
    return rc;
}

int ld_docker_audit(ld_report *r, ld_engine *e, const ld_docker_audit_options *opt, ld_error *err)
{
    ld_docker_snapshot own = {0};
    const ld_docker_snapshot *snap = opt->snapshot;
    if (!snap) {
        progress(opt, "reading the engine's version, configuration, containers and images");
        int frc = ld_docker_snapshot_fetch(e, &own, err);
        if (frc < 0)
            return frc;
        snap = &own;
        for (size_t i = 0; i < own.notes.n; i++)
            ld_report_note(r, "%s", own.notes.v[i]);
    }
    const char *root = opt->host_root && opt->host_root[0] ? opt->host_root : "/";
    ld_autofree char *host_name = opt->host_name ? ld_xstrdup(opt->host_name) : ld_host_name(root);
    const char *ver = json_string_value(json_object_get(snap->version, "Version"));
    if (!ver)
        ver = json_string_value(json_object_get(snap->info, "ServerVersion"));
    ld_autofree char *engine_name =
        ver ? ld_xasprintf("docker %.64s", ver) : ld_xstrdup("docker (version unknown)");
    const char *endpoint = ld_engine_endpoint(e);

    progress(opt, "checking the docker daemon");
    int rc = ld_engine_info_checks(r, e, snap->info, snap->version, err);
    ld_daemon_config cfg;
    ld_daemon_config_load(&cfg, root, strncmp(endpoint, "unix://", 7) == 0 ? endpoint + 7 : NULL,
                          err);
    if (strncmp(endpoint, "unix://", 7) != 0)
        ld_report_note(r,
                       "engine %s is reached over TCP: daemon configuration, host files and "
                       "processes are read from %s, which must be the engine's host",
                       endpoint, root);
    if (!cfg.pid)
        ld_report_note(r,
                       "no dockerd process found under %s/proc: the daemon's command line "
                       "was not read",
                       ld_host_root_is_slash(root) ? "" : root);
    for (size_t i = 0; i < cfg.problems.n; i++)
        ld_report_note(r, "daemon configuration: %s", cfg.problems.v[i]);
    if (rc == 0)
        rc = ld_daemon_config_checks(r, &cfg, snap->info, endpoint, engine_name, err);

    if (rc == 0) {
        /* Overlay networks only matter on a swarm manager: one more GET there. */
        json_t *nets = NULL;
        if (ld_swarm_is_manager(snap->info)) {
            ld_error nerr = LD_ERROR_INIT;
            nets = ld_engine_get_json(
                e, "/networks?filters=%7B%22driver%22%3A%7B%22overlay%22%3Atrue%7D%7D", 0, &nerr);
            if (!nets)
                ld_report_note(r, "cannot list overlay networks: %s", nerr.msg);
        }
        ld_autofree char *proc_net =
            ld_xasprintf("%s/proc/net", ld_host_root_is_slash(root) ? "" : root);
        rc = ld_swarm_checks(r, snap->info, nets, proc_net, endpoint, engine_name, err);
        json_decref(nets);
    }

    ld_host_check_options ho = {
        .root = root, .live = ld_host_root_is_slash(root), .host_name = host_name};
    if (rc == 0) {
        progress(opt, "checking host files and audit rules under %s", root);
        rc = ld_docker_host_checks(r, &ho, &cfg, snap->info, err);
    }
    if (rc == 0)
        rc = ld_docker_file_checks(r, &ho, &cfg, err);
    if (rc == 0)
        rc = audit_containers(r, e, snap, opt, &cfg, root, err);
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
