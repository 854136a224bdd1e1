/* host.log-forwarding: do the host's logs leave it? Reads journald,
 * journal-upload, rsyslog and syslog-ng configuration under a root
 * (host/log_forwarding.h), follows includes inside the root, and judges
 * the chain journal -> syslog daemon -> remote destination. The
 * configuration languages are read by host/logconf*.c. */
#include "host/log_forwarding.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/host_files.h"
#include "host/host_os.h"
#include "host/logconf.h"
#include "util/cleanup.h"
#include "util/mem.h"
#include "util/strlist.h"

#define CHECK_ID "host.log-forwarding"
#define DIR_ENTRIES_MAX 512 /* entries of one include or drop-in directory */
#define LISTED_MAX 8        /* items of one kind named in the evidence */

/* ---- reading files under the root ----------------------------------------------------- */

typedef struct {
    const char *root;
    ld_strlist unreadable; /* "FILE: why" */
    ld_strlist notes;      /* what the evidence should say besides */
} lf_ctx;

/* Reads path under the root: 1 read, 0 missing, -1 unreadable (recorded). */
static int read_conf(lf_ctx *x, const char *path, char **buf, size_t *len)
{
    ld_error e = LD_ERROR_INIT;
    int rc = ld_host_read_file(x->root, path, LD_LOGCONF_MAX_BYTES, buf, len, &e);
    if (rc == 0)
        return 1;
    if (rc == LD_ERR_NOT_FOUND)
        return 0;
    if (!ld_strlist_contains(&x->unreadable, e.msg))
        ld_strlist_push(&x->unreadable, e.msg);
    return -1;
}

static bool is_file(const char *root, const char *path)
{
    struct stat st;
    return ld_host_stat(root, path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool any_file(const char *root, const char *const *paths)
{
    for (; *paths; paths++)
        if (is_file(root, *paths))
            return true;
    return false;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in dir under the root matching glob (hidden ones left out), sorted,
 * into names. 0, or -1 when dir exists but cannot be listed (recorded). */
static int list_dir(lf_ctx *x, const char *dir, const char *glob, ld_strlist *names)
{
    int fd = ld_host_open(x->root, dir, O_DIRECTORY);
    if (fd == -ENOENT || fd == -ENOTDIR)
        return 0;
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        int e = fd < 0 ? -fd : errno;
        if (fd >= 0)
            close(fd);
        ld_error err = LD_ERROR_INIT;
        ld_error_set_errno(&err, LD_ERR_GENERIC, e, "cannot list \"%s\"", dir);
        ld_strlist_push(&x->unreadable, err.msg);
        return -1;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (names->n >= DIR_ENTRIES_MAX) {
            ld_strlist_push_owned(&x->notes, ld_xasprintf("only the first %d entries of %s were "
                                                          "read",
                                                          DIR_ENTRIES_MAX, dir));
            break;
        }
        if (fnmatch(glob, de->d_name, FNM_PERIOD) == 0)
            ld_strlist_push(names, de->d_name);
    }
    closedir(d);
    if (names->n > 1)
        qsort(names->v, names->n, sizeof(*names->v), cmp_str);
    return 0;
}

static bool has_glob(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

static char *dir_of(const char *path)
{
    const char *s = strrchr(path, '/');
    if (!s)
        return ld_xstrdup(".");
    if (s == path)
        return ld_xstrdup("/");
    return ld_xstrndup(path, (size_t)(s - path));
}

/* ---- rsyslog and syslog-ng: a configuration with its includes ------------------------------ */

typedef struct {
    char *file;
    ld_logconf_dest d; /* owns its strings */
} located_dest;

typedef int (*conf_parser)(const char *name, const char *buf, size_t len, ld_logconf *out,
                           ld_error *err);

typedef struct {
    const char *daemon; /* "rsyslog", "syslog-ng" */
    const char *main;   /* its main configuration file */
    conf_parser parse;
    bool present;   /* the main file exists */
    bool installed; /* its binary exists */
    located_dest *dests;
    size_t n_dests, cap_dests;
    ld_strlist used; /* syslog-ng: destination names in log paths */
    bool reads_journal, reads_socket;
    char *journal_where; /* FILE:LINE of the journal input */
    ld_strlist visited;  /* files read */
    size_t dropped;
} daemon_conf;

static void daemon_clear(daemon_conf *d)
{
    for (size_t i = 0; i < d->n_dests; i++) {
        free(d->dests[i].file);
        free(d->dests[i].d.target);
        free(d->dests[i].d.how);
        free(d->dests[i].d.name);
    }
    free(d->dests);
    ld_strlist_clear(&d->used);
    ld_strlist_clear(&d->visited);
    free(d->journal_where);
}

static void load_conf(lf_ctx *x, daemon_conf *d, const char *path, int depth);

/* An include of file `from`: a file, a directory (every file in it) or a
 * glob in the last component; relative to from's directory. */
static void load_include(lf_ctx *x, daemon_conf *d, const char *from, const char *pattern,
                         int depth)
{
    if (!pattern[0])
        return;
    ld_autofree char *from_dir = dir_of(from);
    ld_autofree char *path =
        pattern[0] == '/' ? ld_xstrdup(pattern) : ld_xasprintf("%s/%s", from_dir, pattern);
    size_t n = strlen(path);
    ld_autofree char *dir = NULL;
    const char *glob = "*";
    if (path[n - 1] == '/') {
        dir = ld_xstrndup(path, n - 1);
    } else {
        const char *last = strrchr(path, '/') + 1;
        struct stat st;
        if (!has_glob(last)) {
            if (ld_host_stat(x->root, path, &st) == 0 && S_ISDIR(st.st_mode))
                dir = ld_xstrdup(path);
            else {
                load_conf(x, d, path, depth + 1);
                return;
            }
        } else {
            dir = dir_of(path);
            glob = last;
        }
    }
    if (has_glob(dir)) {
        ld_strlist_push_owned(&x->notes, ld_xasprintf("%s: include %s not followed (a wildcard "
                                                      "before the last path component)",
                                                      from, pattern));
        return;
    }
    ld_strlist names = {0};
    if (list_dir(x, dir, glob, &names) == 0)
        for (size_t i = 0; i < names.n; i++) {
            ld_autofree char *f =
                ld_xasprintf("%s/%s", strcmp(dir, "/") == 0 ? "" : dir, names.v[i]);
            if (is_file(x->root, f))
                load_conf(x, d, f, depth + 1);
        }
    ld_strlist_clear(&names);
}

static void load_conf(lf_ctx *x, daemon_conf *d, const char *path, int depth)
{
    if (ld_strlist_contains(&d->visited, path))
        return; /* an include loop, or a file included twice */
    if (depth > LD_LOGFWD_INCLUDE_DEPTH || d->visited.n >= LD_LOGFWD_FILES_MAX) {
        ld_strlist_push_owned(&x->notes,
                              ld_xasprintf("%s: not read (more than %d files or "
                                           "includes nested deeper than %d)",
                                           path, LD_LOGFWD_FILES_MAX, LD_LOGFWD_INCLUDE_DEPTH));
        return;
    }
    ld_autofree char *buf = NULL;
    size_t len = 0;
    int rc = read_conf(x, path, &buf, &len);
    if (depth == 0)
        d->present = rc != 0;
    if (rc <= 0)
        return;
    ld_strlist_push(&d->visited, path);
    ld_logconf c = {0};
    ld_error e = LD_ERROR_INIT;
    if (d->parse(path, buf, len, &c, &e) < 0) {
        /* a file the daemon itself would refuse: nothing of it is trusted */
        ld_strlist_push(&x->unreadable, e.msg);
        ld_logconf_clear(&c);
        return;
    }
    for (size_t i = 0; i < c.n_dests; i++) {
        ld_xgrow(&d->dests, &d->cap_dests, d->n_dests + 1, sizeof(*d->dests));
        located_dest *ld = &d->dests[d->n_dests++];
        ld->file = ld_xstrdup(path);
        ld->d = c.dests[i];
        memset(&c.dests[i], 0, sizeof(c.dests[i]));
    }
    d->dropped += c.dropped_dests;
    for (size_t i = 0; i < c.used.n; i++)
        if (!ld_strlist_contains(&d->used, c.used.v[i]))
            ld_strlist_push(&d->used, c.used.v[i]);
    if (c.reads_journal && !d->reads_journal) {
        d->reads_journal = true;
        d->journal_where = ld_xasprintf("%s:%d", path, c.journal_line);
    }
    d->reads_socket = d->reads_socket || c.reads_syslog_socket;
    ld_strlist includes = c.includes;
    memset(&c.includes, 0, sizeof(c.includes));
    ld_logconf_clear(&c);
    for (size_t i = 0; i < includes.n; i++)
        load_include(x, d, path, includes.v[i], depth);
    ld_strlist_clear(&includes);
}

/* ---- systemd units: journald and journal-upload ------------------------------------------- */

static const char *const unit_conf_dirs[] = {"/etc/systemd",           "/run/systemd",
                                             "/usr/local/lib/systemd", "/usr/lib/systemd",
                                             "/lib/systemd",           NULL};

typedef struct {
    ld_ini_value v;   /* the effective value */
    char *file;       /* where it was last set */
    char *main;       /* the main file read (NULL: none) */
    char *documented; /* "FILE:LINE" of "#Key=value" in the main file */
} unit_setting;

static void unit_setting_clear(unit_setting *s)
{
    ld_ini_value_clear(&s->v);
    free(s->file);
    free(s->main);
    free(s->documented);
}

/* Applies one file's assignments of key to s. */
static void apply_ini(lf_ctx *x, const char *path, const char *section, const char *key,
                      unit_setting *s, bool is_main)
{
    ld_autofree char *buf = NULL;
    size_t len = 0;
    if (read_conf(x, path, &buf, &len) <= 0)
        return;
    if (is_main)
        s->main = ld_xstrdup(path);
    ld_ini_value one = {0};
    ld_error e = LD_ERROR_INIT;
    if (ld_logconf_ini_get(path, buf, len, section, key, &one, &e) < 0) {
        ld_strlist_push(&x->unreadable, e.msg);
    } else {
        if (one.line > 0) {
            free(s->v.value);
            s->v.value = ld_steal_ptr(&one.value);
            s->v.set = one.set;
            s->v.line = one.line;
            free(s->file);
            s->file = ld_xstrdup(path);
        }
        if (is_main && one.commented) {
            free(s->v.commented);
            s->v.commented = ld_steal_ptr(&one.commented);
            s->v.commented_line = one.commented_line;
            free(s->documented);
            s->documented = ld_xasprintf("%s:%d", path, one.commented_line);
        }
    }
    ld_ini_value_clear(&one);
}

/* NAME.conf (the first of the four directories that has it) and then its
 * NAME.conf.d/ *.conf drop-ins in name order (a name in an earlier
 * directory hides the same name in a later one), as systemd reads them. */
static void read_unit_setting(lf_ctx *x, const char *conf, const char *section, const char *key,
                              unit_setting *s)
{
    for (const char *const *d = unit_conf_dirs; *d && !s->main; d++) {
        ld_autofree char *p = ld_xasprintf("%s/%s", *d, conf);
        apply_ini(x, p, section, key, s, true);
    }
    ld_strlist names = {0}, paths = {0};
    for (const char *const *d = unit_conf_dirs; *d; d++) {
        ld_autofree char *dir = ld_xasprintf("%s/%s.d", *d, conf);
        ld_strlist here = {0};
        list_dir(x, dir, "*.conf", &here);
        for (size_t i = 0; i < here.n; i++) {
            if (ld_strlist_contains(&names, here.v[i]))
                continue;
            ld_strlist_push(&names, here.v[i]);
            ld_strlist_push_owned(&paths, ld_xasprintf("%s/%s", dir, here.v[i]));
        }
        ld_strlist_clear(&here);
    }
    /* in name order across the directories */
    for (size_t i = 0; i + 1 < names.n; i++)
        for (size_t j = i + 1; j < names.n; j++)
            if (strcmp(names.v[j], names.v[i]) < 0) {
                char *t = names.v[i];
                names.v[i] = names.v[j];
                names.v[j] = t;
                t = paths.v[i];
                paths.v[i] = paths.v[j];
                paths.v[j] = t;
            }
    for (size_t i = 0; i < paths.n; i++)
        apply_ini(x, paths.v[i], section, key, s, false);
    ld_strlist_clear(&names);
    ld_strlist_clear(&paths);
}

/* Is the unit enabled: a link to it in some /etc/systemd/system/ *.wants? */
static bool unit_enabled(lf_ctx *x, const char *unit)
{
    ld_strlist wants = {0};
    bool found = false;
    if (list_dir(x, "/etc/systemd/system", "*.wants", &wants) == 0)
        for (size_t i = 0; i < wants.n && !found; i++) {
            ld_autofree char *p = ld_xasprintf("/etc/systemd/system/%s/%s", wants.v[i], unit);
            struct stat st;
            found = ld_host_lstat(x->root, p, &st) == 0;
        }
    ld_strlist_clear(&wants);
    return found;
}

/* ---- judging -------------------------------------------------------------------------- */

typedef struct {
    ld_strlist remote;   /* destinations that count */
    ld_strlist loopback; /* local relays */
    ld_strlist problems; /* destinations that do not count, and why */
    ld_strlist summary;  /* what each daemon does, for a failure */
    const char *first_file;
    int first_line;
} verdict;

static void push_capped(ld_strlist *l, char *s)
{
    if (l->n < LISTED_MAX)
        ld_strlist_push_owned(l, s);
    else
        free(s);
}

/* The journal -> daemon link on a systemd host: NULL when the daemon
 * receives the journal, else why not (caller frees). */
static char *journal_gap(const daemon_conf *d, bool journald, int forward, const char *fwd_where)
{
    if (!journald || d->reads_journal || (d->reads_socket && forward == 1))
        return NULL;
    if (!d->reads_socket)
        return ld_xasprintf("%s reads neither the journal nor journald's syslog socket", d->daemon);
    return ld_xasprintf("journald does not pass it the logs (ForwardToSyslog=no, %s) and %s does "
                        "not read the journal (%s)",
                        fwd_where, d->daemon,
                        strcmp(d->daemon, "rsyslog") == 0 ? "no imjournal"
                                                          : "no system or systemd-journal source");
}

static void judge_daemon(const daemon_conf *d, bool journald, int forward, const char *fwd_where,
                         verdict *v)
{
    if (!d->present)
        return;
    ld_autofree char *gap = journal_gap(d, journald, forward, fwd_where);
    size_t counted = 0;
    for (size_t i = 0; i < d->n_dests; i++) {
        const located_dest *ld = &d->dests[i];
        bool used = !ld->d.name || ld_strlist_contains(&d->used, ld->d.name);
        char *where = ld_xasprintf("%s:%d", ld->file, ld->d.line);
        if (!used) {
            push_capped(&v->problems,
                        ld_xasprintf("%s destination %s sends to %s (%s) but no log path uses it",
                                     d->daemon, ld->d.name, ld->d.target, where));
        } else if (!d->installed) {
            push_capped(&v->problems,
                        ld_xasprintf("%s would send to %s (%s) but %s is not installed", d->daemon,
                                     ld->d.target, where, d->daemon));
        } else if (gap) {
            push_capped(&v->problems, ld_xasprintf("%s sends to %s (%s) but %s", d->daemon,
                                                   ld->d.target, where, gap));
        } else {
            counted++;
            char *s = ld_xasprintf("%s %s to %s (%s)", d->daemon, ld->d.how, ld->d.target, where);
            if (ld->d.loopback) {
                push_capped(&v->loopback, s);
            } else {
                push_capped(&v->remote, s);
                if (!v->first_file) {
                    v->first_file = ld->file;
                    v->first_line = ld->d.line;
                }
            }
        }
        free(where);
    }
    if (d->n_dests == 0)
        push_capped(&v->summary,
                    ld_xasprintf("%s: no forwarding destination in %s%s", d->daemon, d->main,
                                 d->visited.n > 1 ? " and the files it includes" : ""));
    else if (counted == 0 && gap)
        push_capped(&v->summary, ld_xasprintf("%s: %s", d->daemon, gap));
}

static char *joined(const ld_strlist *l, const char *sep)
{
    return ld_strlist_join(l, sep);
}

/* What the check read, for judge(). */
typedef struct {
    const char *root, *host;
    bool journald;
    int forward; /* journald's effective ForwardToSyslog */
    const char *fwd_where;
    const unit_setting *fwd, *url;
    const daemon_conf *rs, *ng;
} host_logs;

static int judge(ld_findings *fs, lf_ctx *x, const host_logs *h, ld_error *err)
{
    int rc = 0;
    static const char *const upload_bins[] = {"/usr/lib/systemd/systemd-journal-upload",
                                              "/lib/systemd/systemd-journal-upload", NULL};
    verdict v = {0};
    judge_daemon(h->rs, h->journald, h->forward, h->fwd_where, &v);
    judge_daemon(h->ng, h->journald, h->forward, h->fwd_where, &v);
    if (h->url->v.set) {
        ld_autofree char *where = ld_xasprintf("%s:%d", h->url->file, h->url->v.line);
        ld_autofree char *uhost = ld_logconf_url_host(h->url->v.value);
        bool installed = any_file(h->root, upload_bins);
        bool enabled = unit_enabled(x, "systemd-journal-upload.service");
        if (!installed || !enabled) {
            push_capped(&v.problems,
                        ld_xasprintf("journal-upload URL=%s (%s) but %s", h->url->v.value, where,
                                     !installed ? "systemd-journal-upload is not "
                                                  "installed"
                                                : "systemd-journal-upload.service is "
                                                  "not enabled"));
        } else {
            char *s = ld_xasprintf("systemd-journal-upload to %s (%s)", h->url->v.value, where);
            if (uhost && ld_logconf_loopback(uhost)) {
                push_capped(&v.loopback, s);
            } else {
                push_capped(&v.remote, s);
                if (!v.first_file) {
                    v.first_file = h->url->file;
                    v.first_line = h->url->v.line;
                }
            }
        }
    } else if (h->journald) {
        push_capped(&v.summary, ld_xstrdup("journald: no systemd-journal-upload URL"));
    }
    if (h->journald)
        push_capped(&v.summary, ld_xasprintf("journald ForwardToSyslog=%s (%s)",
                                             h->forward ? "yes" : "no", h->fwd_where));

    ld_autofree char *remote = joined(&v.remote, "; ");
    ld_autofree char *loop = joined(&v.loopback, "; ");
    ld_autofree char *problems = joined(&v.problems, "; ");
    ld_autofree char *summary = joined(&v.summary, "; ");
    ld_autofree char *unread = joined(&x->unreadable, "; ");
    ld_autofree char *notes = joined(&x->notes, "; ");
    ld_status status;
    ld_autofree char *ev = NULL;
    const char *title = NULL;
    const char *file = v.first_file;
    int line = v.first_line;
    if (v.remote.n) {
        status = LD_STATUS_PASS;
        ev = ld_xasprintf("logs leave the host: %s%s%s", remote, v.loopback.n ? "; also " : "",
                          loop);
    } else if (x->unreadable.n) {
        status = LD_STATUS_ERROR;
        ev =
            ld_xasprintf("not assessed: %s%s%s", unread, v.problems.n ? "; found: " : "", problems);
    } else if (v.loopback.n) {
        status = LD_STATUS_WARN;
        title = "logs go only to a local relay";
        ev = ld_xasprintf("logs go only to a local relay, whose own destination lockdown cannot "
                          "see: %s",
                          loop);
    } else {
        status = LD_STATUS_FAIL;
        title = "host logs stay on the host";
        ev = ld_xasprintf("logs stay on the host: %s%s%s", summary, v.problems.n ? "; " : "",
                          problems);
    }
    if (!file)
        file = h->rs->present && h->rs->visited.n   ? h->rs->main
               : h->ng->present && h->ng->visited.n ? h->ng->main
                                                    : h->fwd->main;
    if (x->notes.n) {
        char *more = ld_xasprintf("%s (%s)", ev, notes);
        free(ev);
        ev = more;
    }
    const ld_control *c = ld_catalog_control_for_check(fs->catalog, CHECK_ID);
    if (!c) {
        rc = ld_error_set(err, LD_ERR_GENERIC, "check %s has no control in the catalog", CHECK_ID);
    } else {
        ld_finding *f = ld_finding_new(c, CHECK_ID, status);
        ld_finding_set_target(f, LD_TARGET_HOST, h->host, NULL);
        if (file)
            ld_finding_set_location(f, file, status == LD_STATUS_PASS ? line : 0);
        if (title)
            ld_finding_set_title(f, title);
        f->evidence = ld_steal_ptr(&ev);
        rc = ld_findings_add(fs, f, err);
    }
    ld_strlist_clear(&v.remote);
    ld_strlist_clear(&v.loopback);
    ld_strlist_clear(&v.problems);
    ld_strlist_clear(&v.summary);
    return rc;
}

int ld_host_log_forwarding_check(ld_findings *fs, const char *host_root, ld_error *err)
{
    if (!host_root || !host_root[0])
        host_root = "/";
    ld_autoclose int rootfd = open(host_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return ld_error_set_errno(err, LD_ERR_NOT_FOUND, errno, "host root \"%s\"", host_root);
    lf_ctx x = {.root = host_root};

    /* journald */
    static const char *const journald_bins[] = {"/usr/lib/systemd/systemd-journald",
                                                "/lib/systemd/systemd-journald", NULL};
    unit_setting fwd = {0};
    read_unit_setting(&x, "journald.conf", "Journal", "ForwardToSyslog", &fwd);
    bool journald = fwd.main || any_file(host_root, journald_bins);
    int forward = 0; /* systemd's own default */
    ld_autofree char *fwd_where = NULL;
    if (fwd.v.set && ld_logconf_bool(fwd.v.value) >= 0) {
        forward = ld_logconf_bool(fwd.v.value);
        fwd_where = ld_xasprintf("%s:%d", fwd.file, fwd.v.line);
    } else if (fwd.v.commented && ld_logconf_bool(fwd.v.commented) >= 0) {
        forward = ld_logconf_bool(fwd.v.commented);
        fwd_where = ld_xasprintf("unset; %s documents the default", fwd.documented);
    } else {
        fwd_where = ld_xstrdup("unset; systemd's default");
    }

    /* journal-upload */
    unit_setting url = {0};
    read_unit_setting(&x, "journal-upload.conf", "Upload", "URL", &url);

    /* rsyslog, syslog-ng */
    static const char *const rsyslog_bins[] = {"/usr/sbin/rsyslogd", "/sbin/rsyslogd", NULL};
    static const char *const syslogng_bins[] = {"/usr/sbin/syslog-ng", "/sbin/syslog-ng", NULL};
    daemon_conf rs = {
        .daemon = "rsyslog", .main = "/etc/rsyslog.conf", .parse = ld_logconf_rsyslog};
    daemon_conf ng = {.daemon = "syslog-ng",
                      .main = "/etc/syslog-ng/syslog-ng.conf",
                      .parse = ld_logconf_syslogng};
    load_conf(&x, &rs, rs.main, 0);
    load_conf(&x, &ng, ng.main, 0);
    rs.installed = any_file(host_root, rsyslog_bins);
    ng.installed = any_file(host_root, syslogng_bins);
    rs.present = rs.present || rs.installed;
    ng.present = ng.present || ng.installed;

    ld_autofree char *host = ld_host_name(host_root);
    int rc = 0;
    if (!journald && !rs.present && !ng.present) {
        ld_findings_scope(fs, LD_SCOPE_NOT_APPLICABLE, CHECK_ID,
                          "no journald, rsyslog or syslog-ng under %s", host_root);
    } else {
        ld_findings_scope(fs, LD_SCOPE_OWED, CHECK_ID, NULL);
        host_logs h = {.root = host_root,
                       .host = host,
                       .journald = journald,
                       .forward = forward,
                       .fwd_where = fwd_where,
                       .fwd = &fwd,
                       .url = &url,
                       .rs = &rs,
                       .ng = &ng};
        rc = judge(fs, &x, &h, err);
    }
    daemon_clear(&rs);
    daemon_clear(&ng);
    unit_setting_clear(&fwd);
    unit_setting_clear(&url);
    ld_strlist_clear(&x.unreadable);
    ld_strlist_clear(&x.notes);
    return rc;
}
