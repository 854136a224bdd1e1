/* lockdown capture: the order of a forensic capture (capture.h). Each step
 * is another file's; this one decides what happens frozen, what after,
 * and that the container is thawed whatever fails. */
#include "forensics/capture.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "forensics/bundle.h"
#include "forensics/container_logs.h"
#include "forensics/freeze.h"
#include "forensics/fs_changes.h"
#include "forensics/host_context.h"
#include "forensics/net_sockets.h"
#include "forensics/proc_collect.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define INSPECT_MAX ((size_t)32 * 1024 * 1024)

static int64_t realtime_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static double monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void step(const ld_fx_capture_options *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void step(const ld_fx_capture_options *o, const char *fmt, ...)
{
    if (!o->on_step)
        return;
    char buf[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    o->on_step(o->cb_ctx, buf);
}

/* A container reference the engine takes in a URL path: a name or an id
 * (prefix), [A-Za-z0-9_.-], not starting with '.' or '-'. */
static bool container_ref_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 128 || s[0] == '.' || s[0] == '-')
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return false;
    }
    return true;
}

static bool hex64(const char *s)
{
    if (!s || strlen(s) != 64)
        return false;
    for (size_t i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

static const char *jstr(json_t *o, const char *path1, const char *path2)
{
    json_t *v = json_object_get(o, path1);
    if (path2)
        v = json_object_get(v, path2);
    return json_string_value(v);
}

/* Does /proc/PID/cgroup name the container? The pid comes from the
 * engine; this proves it is the container's in the pid namespace lockdown
 * sees (lockdown inside another container without the host's pids would
 * read someone else's process). */
static bool pid_is_container(const char *proc_root, pid_t pid, const char *id)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%d/cgroup", proc_root ? proc_root : "/proc", (int)pid);
    ld_autoclose int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return false;
    char buf[16384];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    return strstr(buf, id) != NULL;
}

static int write_json(ld_fx_bundle *b, const char *relpath, const char *kind, json_t *doc,
                      ld_error *err)
{
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    if (!text)
        return ld_error_set(err, LD_ERR_NOMEM, "%s: cannot render", relpath);
    int rc = ld_fx_bundle_write_file(b, relpath, kind, text, strlen(text), err);
    free(text);
    return rc;
}

/* ./capture-<name>-<UTC time>, the name made safe. */
static char *default_bundle_dir(const char *name)
{
    char safe[96];
    ld_fx_safe_name(name, strlen(name), safe, sizeof safe);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    return ld_xasprintf("capture-%s-%04d%02d%02dT%02d%02d%02dZ", safe, tm.tm_year + 1900,
                        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

typedef struct {
    json_t *inspect, *image;
    const char *id, *name, *image_ref, *image_id, *state;
    pid_t pid;
    bool paused, tty;
    const char *upperdir, *lowerdirs, *driver;
} container_facts;

static int inspect_container(ld_engine *e, const ld_fx_capture_options *o, container_facts *cf,
                             ld_error *err)
{
    if (!container_ref_ok(o->container))
        return ld_error_set(err, LD_ERR_INVALID,
                            "container \"%.80s\": not a container name or id ([A-Za-z0-9_.-])",
                            o->container);
    if (ld_engine_link_of(e) != LD_ENGINE_LINK_UNIX)
        return ld_error_set(err, LD_ERR_UNSUPPORTED,
                            "capture reads the container's processes and files on this host; the "
                            "engine at %s is reached over the network: run lockdown capture on "
                            "the container's host",
                            ld_engine_endpoint(e));
    char path[200];
    snprintf(path, sizeof path, "/containers/%s/json", o->container);
    cf->inspect = ld_engine_get_json(e, path, INSPECT_MAX, err);
    if (!cf->inspect)
        return err->code == LD_ERR_NOT_FOUND
                   ? ld_error_set(err, LD_ERR_NOT_FOUND, "no container \"%s\" on the engine at %s",
                                  o->container, ld_engine_endpoint(e))
                   : err->code;
    cf->id = jstr(cf->inspect, "Id", NULL);
    if (!hex64(cf->id))
        return ld_error_set(err, LD_ERR_CORRUPT, "container \"%s\": the engine gave no valid Id",
                            o->container);
    const char *name = jstr(cf->inspect, "Name", NULL);
    cf->name = name ? (name[0] == '/' ? name + 1 : name) : cf->id;
    cf->image_ref = jstr(cf->inspect, "Config", "Image");
    cf->image_id = jstr(cf->inspect, "Image", NULL);
    json_t *state = json_object_get(cf->inspect, "State");
    cf->state = json_string_value(json_object_get(state, "Status"));
    cf->paused = json_is_true(json_object_get(state, "Paused"));
    json_int_t pid = json_integer_value(json_object_get(state, "Pid"));
    if (!json_is_true(json_object_get(state, "Running")) || pid <= 0 || pid > INT_MAX)
        return ld_error_set(err, LD_ERR_INVALID,
                            "container %s (%.12s) is not running (state %s): there is no process "
                            "to capture; its file system can be read with lockdown image scan "
                            "after docker commit",
                            cf->name, cf->id, cf->state ? cf->state : "unknown");
    cf->pid = (pid_t)pid;
    if (!pid_is_container(o->proc_root, cf->pid, cf->id))
        return ld_error_set(err, LD_ERR_UNSUPPORTED,
                            "container %s: pid %d from the engine is not the container's in the "
                            "pid namespace lockdown sees (run lockdown on the host, or in a "
                            "container with the host's pid namespace)",
                            cf->name, (int)cf->pid);
    cf->tty = json_is_true(json_object_get(json_object_get(cf->inspect, "Config"), "Tty"));
    json_t *gd = json_object_get(cf->inspect, "GraphDriver");
    cf->driver = json_string_value(json_object_get(gd, "Name"));
    cf->upperdir = jstr(gd, "Data", "UpperDir");
    cf->lowerdirs = jstr(gd, "Data", "LowerDir");
    if (cf->image_id && strncmp(cf->image_id, "sha256:", 7) == 0 && hex64(cf->image_id + 7)) {
        snprintf(path, sizeof path, "/images/%s/json", cf->image_id);
        ld_error ierr = LD_ERROR_INIT;
        cf->image = ld_engine_get_json(e, path, INSPECT_MAX, &ierr);
    }
    return 0;
}

/* The owner's facts for the custody record. */
typedef struct {
    char user_name[256];
    uint32_t loginuid;
} who_facts;

static void who_read(who_facts *w)
{
    w->user_name[0] = '\0';
    struct passwd pw, *res = NULL;
    char buf[4096];
    if (getpwuid_r(geteuid(), &pw, buf, sizeof buf, &res) == 0 && res)
        snprintf(w->user_name, sizeof w->user_name, "%s", pw.pw_name);
    w->loginuid = UINT32_MAX;
    char line[32];
    ld_autoclose int fd = open("/proc/self/loginuid", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, line, sizeof line - 1);
        if (n > 0) {
            line[n] = '\0';
            w->loginuid = (uint32_t)strtoul(line, NULL, 10);
        }
    }
}

typedef struct {
    ld_fx_proc_record *recs;
    size_t n;
} proc_set;

static void proc_set_clear(proc_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        ld_fx_proc_record_clear(&s->recs[i]);
    free(s->recs);
    s->recs = NULL;
    s->n = 0;
}

/* What is taken while frozen besides the file system: processes, sockets,
 * memory. Returns < 0 only on a bundle write error. */
static int capture_frozen_part(ld_fx_bundle *b, const ld_fx_capture_options *o,
                               const container_facts *cf, proc_set *ps, ld_fx_capture_result *res,
                               ld_error *err)
{
    step(o, "processes");
    pid_t *pids = NULL;
    size_t n = 0;
    ld_error perr = LD_ERROR_INIT;
    if (ld_fx_container_pids_at(o->proc_root, cf->pid, o->cgroup_root, &pids, &n, &perr) < 0) {
        ld_fx_bundle_note(b, "the container's cgroup could not be listed (%s): processes are the "
                             "init and its descendants from /proc",
                          perr.msg);
        ld_error_clear(&perr);
        if (ld_fx_descendants_at(o->proc_root, cf->pid, &pids, &n, &perr) < 0) {
            ld_fx_bundle_note(b, "no process list: %s", perr.msg);
            n = 0;
        }
    }
    ps->recs = ld_xcalloc(n ? n : 1, sizeof *ps->recs);
    for (size_t i = 0; i < n; i++) {
        if (ld_fx_proc_collect(b, o->proc_root, pids[i], &ps->recs[ps->n], err) < 0) {
            free(pids);
            return err->code;
        }
        ps->n++;
    }
    free(pids);
    step(o, "sockets");
    if (ld_fx_sockets_collect(b, o->proc_root, cf->pid, ps->recs, ps->n, NULL, err) < 0)
        return err->code;
    if (o->memory != LD_FX_MEM_NONE) {
        for (size_t i = 0; i < ps->n; i++) {
            ld_fx_proc_record *r = &ps->recs[i];
            if (r->exited)
                continue;
            step(o, "memory %zu/%zu (pid %d)", i + 1, ps->n, (int)r->pid);
            char rel[64];
            snprintf(rel, sizeof rel, "processes/%d/core", (int)r->pid);
            ld_fx_core_result cr = {0};
            ld_error cerr = LD_ERROR_INIT;
            uint64_t cap = o->max_memory ? o->max_memory : LD_FX_DEFAULT_MAX_MEMORY;
            if (ld_fx_core_write(b, rel, o->proc_root, r->pid, o->memory, cap, &cr, &cerr) < 0) {
                if (cerr.code == LD_ERR_GENERIC && cerr.sys_errno == ENOSPC) {
                    *err = cerr;
                    return err->code;
                }
                r->core_note = ld_xasprintf("no core: %s", cerr.msg);
                ld_fx_bundle_note(b, "process %d: no memory core: %s", (int)r->pid, cerr.msg);
                continue;
            }
            r->core_path = ld_xstrdup(rel);
            res->cores++;
            res->memory_bytes += cr.bytes_written;
            if (cr.capped || cr.exited || cr.bytes_unreadable)
                r->core_note = ld_xasprintf(
                    "%s%s%llu bytes unreadable (written as zeros)",
                    cr.capped ? "cut at --max-memory; " : "",
                    cr.exited ? "the process exited while its memory was read; " : "",
                    (unsigned long long)cr.bytes_unreadable);
        }
    }
    return 0;
}

/* The file system layer, on a thread of its own while the processes and
 * their memory are taken (the bundle takes distinct artifacts from
 * several threads): the frozen interval is the longer of the two, not
 * their sum. */
typedef struct {
    ld_fx_bundle *b;
    ld_fx_fs_options fo;
    ld_fx_fs_result fr;
    ld_error err;
    int rc;
    bool started;
    pthread_t thread;
} fs_job;

static void *fs_thread(void *arg)
{
    fs_job *j = arg;
    j->rc = ld_fx_fs_capture(j->b, &j->fo, &j->fr, &j->err);
    return NULL;
}

static void fs_start(fs_job *j, ld_fx_bundle *b, const ld_fx_capture_options *o,
                     const container_facts *cf)
{
    memset(j, 0, sizeof *j);
    j->b = b;
    if (!cf->upperdir) {
        ld_fx_bundle_note(b, "file system changes not captured: the storage driver (%s) gives no "
                             "upper directory (overlay2 does)",
                          cf->driver ? cf->driver : "unknown");
        return;
    }
    j->fo = (ld_fx_fs_options){.upperdir = cf->upperdir,
                               .lowerdirs = cf->lowerdirs,
                               .max_bytes = o->max_fs ? o->max_fs : LD_FX_DEFAULT_MAX_FS};
    j->started = true;
    if (pthread_create(&j->thread, NULL, fs_thread, j) != 0) {
        j->started = false; /* no thread: inline */
        fs_thread(j);
        j->started = true;
        j->thread = pthread_self();
    }
}

/* Waits for the file system job; < 0 only on a bundle write error. */
static int fs_finish(fs_job *j, ld_fx_capture_result *res, ld_error *err)
{
    if (!j->started)
        return 0;
    if (!pthread_equal(j->thread, pthread_self()))
        pthread_join(j->thread, NULL);
    j->started = false;
    if (j->rc < 0) {
        if (j->err.sys_errno == ENOSPC) {
            *err = j->err;
            return err->code;
        }
        ld_fx_bundle_note(j->b, "file system changes not captured: %s", j->err.msg);
        return 0;
    }
    res->fs_added = j->fr.added;
    res->fs_changed = j->fr.changed;
    res->fs_deleted = j->fr.deleted;
    return 0;
}

/* Mounts (always) and volume contents (--volumes). */
static int capture_mounts(ld_fx_bundle *b, const ld_fx_capture_options *o,
                          const container_facts *cf, ld_error *err)
{
    json_t *mounts = json_object_get(cf->inspect, "Mounts");
    json_t *doc = json_is_array(mounts) ? mounts : json_array();
    if (!json_is_array(mounts))
        ld_fx_bundle_note(b, "the engine lists no mounts for the container");
    int rc = write_json(b, "mounts/mounts.json", LD_FX_KIND_MOUNTS, doc, err);
    if (doc != mounts)
        json_decref(doc);
    if (rc < 0 || !o->volumes || !json_is_array(mounts))
        return rc;
    size_t i;
    json_t *m;
    json_array_foreach(mounts, i, m) {
        const char *type = json_string_value(json_object_get(m, "Type"));
        const char *src = json_string_value(json_object_get(m, "Source"));
        const char *name = json_string_value(json_object_get(m, "Name"));
        const char *dest = json_string_value(json_object_get(m, "Destination"));
        if (!src || src[0] != '/') {
            ld_fx_bundle_note(b, "mount %zu (%s): no host path to read", i, dest ? dest : "?");
            continue;
        }
        struct stat st;
        if (lstat(src, &st) < 0 || !S_ISDIR(st.st_mode)) {
            ld_fx_bundle_note(b, "mount %zu (%s): %s is not a directory on this host; not copied",
                              i, dest ? dest : "?", src);
            continue;
        }
        char safe[96];
        const char *label = name && name[0] ? name : dest ? dest : "mount";
        ld_fx_safe_name(label, strlen(label), safe, sizeof safe);
        char rel[160];
        snprintf(rel, sizeof rel, "volumes/%zu-%s.tar", i, safe);
        step(o, "volume %s", safe);
        ld_error verr = LD_ERROR_INIT;
        if (ld_fx_dir_tar(b, src, rel, LD_FX_KIND_VOLUME_TAR,
                          o->max_fs ? o->max_fs : LD_FX_DEFAULT_MAX_FS, &verr) < 0) {
            if (verr.sys_errno == ENOSPC) {
                *err = verr;
                return err->code;
            }
            ld_fx_bundle_note(b, "%s mount %s: not copied: %s", type ? type : "a", src, verr.msg);
        }
    }
    return 0;
}

/* The bundle's probe: a watchdog may thaw at its deadline mid-capture. */
static bool still_frozen(void *ctx)
{
    return ld_fx_freeze_active(ctx);
}

static const char *engine_socket_path(ld_engine *e)
{
    const char *ep = ld_engine_endpoint(e);
    return strncmp(ep, "unix://", 7) == 0 ? ep + 7 : NULL;
}

int ld_fx_capture(ld_engine *engine, const ld_fx_capture_options *o, ld_fx_capture_result *res,
                  ld_error *err)
{
    memset(res, 0, sizeof *res);
    double t0 = monotonic_s();
    int64_t started = realtime_ns();
    container_facts cf = {0};
    ld_fx_bundle *b = NULL;
    ld_fx_freeze *fz = NULL;
    proc_set ps = {0};
    char *dir = NULL;
    int rc;
    step(o, "inspect");
    if ((rc = inspect_container(engine, o, &cf, err)) < 0)
        goto out;
    dir = o->bundle_dir ? ld_xstrdup(o->bundle_dir) : default_bundle_dir(cf.name);
    b = ld_fx_bundle_create(dir, err);
    if (!b) {
        rc = err->code;
        goto out;
    }
    res->bundle_dir = ld_xstrdup(dir);
    res->container_id = ld_xstrdup(cf.id);
    res->container_name = ld_xstrdup(cf.name);
    if ((rc = write_json(b, "container/inspect.json", LD_FX_KIND_INSPECT, cf.inspect, err)) < 0)
        goto out;
    if (cf.image)
        rc = write_json(b, "container/image.json", LD_FX_KIND_IMAGE, cf.image, err);
    else
        ld_fx_bundle_note(b, "the image %s could not be inspected", cf.image_id ? cf.image_id : "?");
    if (rc < 0)
        goto out;

    /* ---- frozen ---- */
    ld_fx_freeze_record *fr = &res->freeze;
    fr->method = LD_FX_FREEZE_NONE;
    fr->thawed_by = "none";
    if (o->freeze && cf.paused) {
        snprintf(fr->note, sizeof fr->note,
                 "the container was already paused by its engine: left as it was, not thawed");
    } else if (o->freeze) {
        step(o, "freeze");
        ld_fx_freeze_options fo = {.init_pid = cf.pid,
                                   .container_id = cf.id,
                                   .engine_socket = engine_socket_path(engine),
                                   .api_version = ld_engine_api_version(engine),
                                   .cgroup_root = o->cgroup_root,
                                   .deadline_s = o->freeze_deadline_s,
                                   .only = o->freeze_method};
        if ((rc = ld_fx_freeze_begin(&fo, &fz, err)) < 0)
            goto out;
        ld_fx_bundle_set_frozen(b, ld_fx_freeze_active(fz));
        ld_fx_bundle_set_frozen_probe(b, still_frozen, fz);
    } else {
        snprintf(fr->note, sizeof fr->note, "not frozen (--no-freeze): the container ran during "
                                            "the capture");
    }
    step(o, "processes, memory and file system");
    fs_job fsj;
    fs_start(&fsj, b, o, &cf);
    rc = capture_frozen_part(b, o, &cf, &ps, res, err);
    ld_error fserr = LD_ERROR_INIT;
    int fsrc = fs_finish(&fsj, res, &fserr);
    if (rc == 0 && fsrc < 0) {
        rc = fsrc;
        *err = fserr;
    }
    if (fz) {
        step(o, "thaw");
        ld_fx_bundle_set_frozen_probe(b, NULL, NULL);
        ld_error terr = LD_ERROR_INIT;
        int trc = ld_fx_freeze_end(fz, fr, &terr);
        fz = NULL;
        ld_fx_bundle_set_frozen(b, false);
        if (trc < 0) {
            *err = terr;
            rc = trc;
            goto out;
        }
    }
    if (rc < 0)
        goto out;
    /* ---- running again ---- */
    if ((rc = ld_fx_proc_index_write(b, ps.recs, ps.n, err)) < 0)
        goto out;
    for (size_t i = 0; i < ps.n; i++)
        if (ps.recs[i].exited) {
            res->processes_exited++;
            ld_fx_bundle_note(b, "process %d exited during the capture%s%s", (int)ps.recs[i].pid,
                              ps.recs[i].exit_note ? ": " : "",
                              ps.recs[i].exit_note ? ps.recs[i].exit_note : "");
        }
    res->processes = ps.n;
    step(o, "logs");
    uint64_t max_logs = o->max_logs ? o->max_logs : LD_FX_DEFAULT_MAX_LOGS;
    if ((rc = ld_fx_logs_capture(b, engine, cf.id, cf.tty, max_logs, err)) < 0)
        goto out;
    step(o, "mounts");
    if ((rc = capture_mounts(b, o, &cf, err)) < 0)
        goto out;
    step(o, "host");
    char path[200];
    snprintf(path, sizeof path, "/containers/%s/json", cf.id);
    ld_error aerr = LD_ERROR_INIT;
    json_t *after = ld_engine_get_json(engine, path, INSPECT_MAX, &aerr);
    if (after) {
        rc = write_json(b, "container/inspect-after.json", LD_FX_KIND_INSPECT, after, err);
        json_decref(after);
        if (rc < 0)
            goto out;
    } else {
        ld_fx_bundle_note(b, "the container could not be inspected after the capture: %s",
                          aerr.msg);
    }
    ld_fx_host_ids ids;
    ld_fx_host_ids_read(&ids);
    if ((rc = ld_fx_host_context_write(b, engine, &ids, err)) < 0)
        goto out;

    step(o, "manifest");
    who_facts who;
    who_read(&who);
    const char *digests[16];
    size_t n_digests = 0;
    json_t *rd = json_object_get(cf.image, "RepoDigests");
    for (size_t i = 0; i < json_array_size(rd) && n_digests < 16; i++)
        if (json_is_string(json_array_get(rd, i)))
            digests[n_digests++] = json_string_value(json_array_get(rd, i));
    ld_fx_custody cu = {.tool_version = LOCKDOWN_VERSION,
                        .hostname = ids.hostname,
                        .machine_id = ids.machine_id[0] ? ids.machine_id : NULL,
                        .boot_id = ids.boot_id,
                        .uid = getuid(),
                        .euid = geteuid(),
                        .user_name = who.user_name[0] ? who.user_name : NULL,
                        .sudo_user = getenv("SUDO_USER"),
                        .loginuid = who.loginuid,
                        .command_line = o->command_line,
                        .n_command_line = o->n_command_line,
                        .started_ns = started,
                        .ended_ns = realtime_ns(),
                        .freeze = *fr};
    ld_fx_container_info ci = {.id = cf.id,
                               .name = cf.name,
                               .image = cf.image_ref,
                               .image_id = cf.image_id,
                               .image_digests = digests,
                               .n_image_digests = n_digests,
                               .engine = ld_engine_endpoint(engine),
                               .state_at_capture = cf.paused ? "paused" : cf.state};
    ld_fx_capture_options_record orec = {
        .memory = ld_fx_mem_mode_name(o->memory),
        .volumes = o->volumes,
        .freeze = o->freeze,
        .max_memory = o->max_memory ? o->max_memory : LD_FX_DEFAULT_MAX_MEMORY,
        .max_fs = o->max_fs ? o->max_fs : LD_FX_DEFAULT_MAX_FS,
        .max_logs = max_logs};
    if ((rc = ld_fx_manifest_write(b, &cu, &ci, &orec, o->key, err)) < 0)
        goto out;
    size_t n_entries = 0, n_notes = 0;
    const ld_fx_entry *entries = ld_fx_bundle_entries(b, &n_entries);
    ld_fx_bundle_notes(b, &n_notes);
    for (size_t i = 0; i < n_entries; i++)
        res->bundle_bytes += entries[i].size;
    res->artifacts = n_entries;
    res->notes = n_notes;
    rc = 0;
out:
    if (fz) { /* a failure between freeze and thaw that skipped the thaw */
        if (b)
            ld_fx_bundle_set_frozen_probe(b, NULL, NULL);
        ld_error terr = LD_ERROR_INIT;
        ld_fx_freeze_end(fz, &res->freeze, &terr);
    }
    proc_set_clear(&ps);
    ld_fx_bundle_free(b);
    free(dir);
    json_decref(cf.inspect);
    json_decref(cf.image);
    res->seconds = monotonic_s() - t0;
    return rc;
}

void ld_fx_capture_result_clear(ld_fx_capture_result *res)
{
    free(res->bundle_dir);
    free(res->container_id);
    free(res->container_name);
    memset(res, 0, sizeof *res);
}
