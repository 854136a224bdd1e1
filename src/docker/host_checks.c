/* CIS Docker sections 1 and 3 from the host's files. See host_checks.h.
 * Every path is read under the host root; nothing is followed out of it. */
#include "docker/host_checks.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "docker/audit_rules.h"
#include "docker/evidence.h"
#include "host/host_files.h"
#include "util/cleanup.h"
#include "util/mem.h"

/* Registry certificate files checked under /etc/docker/certs.d; past this
 * the rest is not assessed (and says so). */
#define CERT_FILES_MAX 1000
/* Directory levels walked below /etc/docker/certs.d (registry/ is one). */
#define CERT_DEPTH_MAX 8
/* Accounts read through NSS when looking for the docker group's members. */
#define NSS_USERS_MAX 1000000
/* Group and passwd files read to find the docker group's members. */
#define ACCOUNT_FILE_MAX ((size_t)4 * 1024 * 1024)

static const char *const unit_dirs[] = {"/etc/systemd/system", "/run/systemd/system",
                                        "/usr/lib/systemd/system", "/lib/systemd/system", NULL};

/* Where systemd would load UNIT from, or NULL. Caller frees. */
static char *find_unit(const char *root, const char *unit)
{
    for (const char *const *d = unit_dirs; *d; d++) {
        ld_autofree char *p = ld_xasprintf("%s/%s", *d, unit);
        struct stat st;
        if (ld_host_lstat(root, p, &st) == 0)
            return ld_steal_ptr(&p);
    }
    return NULL;
}

static bool exists(const char *root, const char *path)
{
    struct stat st;
    return ld_host_lstat(root, path, &st) == 0;
}

/* ---- section 1: audit rules ---------------------------------------------- */

typedef struct {
    const char *id;
    const char *paths[4]; /* candidates; the first that exists is checked */
} audit_target;

static const audit_target audit_targets[] = {
    {"host.audit-rule.dockerd",
     {"/usr/bin/dockerd", "/usr/sbin/dockerd", "/usr/local/bin/dockerd"}},
    {"host.audit-rule.run-containerd", {"/run/containerd"}},
    {"host.audit-rule.var-lib-docker", {NULL}}, /* data root */
    {"host.audit-rule.etc-docker", {"/etc/docker"}},
    {"host.audit-rule.docker-service", {NULL}}, /* docker.service unit */
    {"host.audit-rule.containerd-sock", {"/run/containerd/containerd.sock"}},
    {"host.audit-rule.docker-socket", {NULL}}, /* docker.socket unit */
    {"host.audit-rule.etc-default-docker", {"/etc/default/docker"}},
    {"host.audit-rule.daemon-json", {NULL}}, /* daemon.json */
    {"host.audit-rule.containerd-config", {"/etc/containerd/config.toml"}},
    {"host.audit-rule.etc-sysconfig-docker", {"/etc/sysconfig/docker"}},
    {"host.audit-rule.containerd",
     {"/usr/bin/containerd", "/usr/sbin/containerd", "/usr/local/bin/containerd"}},
    {"host.audit-rule.containerd-shim",
     {"/usr/bin/containerd-shim", "/usr/sbin/containerd-shim", "/usr/local/bin/containerd-shim"}},
    {"host.audit-rule.containerd-shim-runc-v1",
     {"/usr/bin/containerd-shim-runc-v1", "/usr/local/bin/containerd-shim-runc-v1"}},
    {"host.audit-rule.containerd-shim-runc-v2",
     {"/usr/bin/containerd-shim-runc-v2", "/usr/local/bin/containerd-shim-runc-v2"}},
    {"host.audit-rule.runc", {"/usr/bin/runc", "/usr/sbin/runc", "/usr/local/bin/runc"}},
};

static char *rule_text(const ld_audit_rule *r)
{
    char perms[8];
    ld_audit_perms_str(r->perms, perms);
    ld_autofree char *key = r->key ? ld_xasprintf(" -k %s", r->key) : ld_xstrdup("");
    if (r->kind == LD_AUDIT_WATCH)
        return ld_xasprintf("-w %s -p %s%s (%s:%d)", r->path, perms, key, r->source, r->line);
    return ld_xasprintf("-a always,exit -F %s=%s -F perm=%s%s (%s:%d)",
                        r->kind == LD_AUDIT_EXIT_PATH ? "path" : "dir", r->path, perms, key,
                        r->source, r->line);
}

static const char *data_root(const ld_daemon_config *cfg, const json_t *info)
{
    const char *d = json_string_value(json_object_get(info, "DockerRootDir"));
    if (d && d[0] == '/')
        return d;
    const ld_dcfg_value *v = &cfg->v[LD_DCFG_DATA_ROOT];
    if (v->s && v->s[0] == '/')
        return v->s;
    return "/var/lib/docker";
}

static int audit_checks(const ld_emitter *host_em, const ld_host_check_options *o,
                        const ld_daemon_config *cfg, const json_t *info, ld_error *err)
{
    if (o->unseen) {
        int rc = 0;
        ld_emitter em = *host_em;
        for (size_t i = 0; rc == 0 && i < sizeof(audit_targets) / sizeof(audit_targets[0]); i++) {
            const audit_target *t = &audit_targets[i];
            em.kind = LD_TARGET_FILE;
            em.target_id = t->paths[0] ? t->paths[0] : t->id + strlen("host.audit-rule.");
            rc = ld_emit(&em, t->id, LD_STATUS_ERROR, NULL, "not assessed: %s", o->unseen);
        }
        return rc;
    }
    ld_audit_rules rules = {0};
    ld_autofree char *source = NULL;
    ld_error rerr = LD_ERROR_INIT;
    int collect_rc = ld_audit_rules_collect(o->root, o->live, &rules, &source, &rerr);
    ld_autofree char *service = find_unit(o->root, "docker.service");
    ld_autofree char *socket = find_unit(o->root, "docker.socket");
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof(audit_targets) / sizeof(audit_targets[0]); i++) {
        const audit_target *t = &audit_targets[i];
        const char *cand[4] = {t->paths[0], t->paths[1], t->paths[2], t->paths[3]};
        if (strcmp(t->id, "host.audit-rule.var-lib-docker") == 0)
            cand[0] = data_root(cfg, info);
        else if (strcmp(t->id, "host.audit-rule.docker-service") == 0)
            cand[0] = service;
        else if (strcmp(t->id, "host.audit-rule.docker-socket") == 0)
            cand[0] = socket;
        else if (strcmp(t->id, "host.audit-rule.daemon-json") == 0)
            cand[0] = cfg->file_path ? cfg->file_path : "/etc/docker/daemon.json";
        const char *path = NULL;
        for (int k = 0; k < 4 && cand[k]; k++)
            if (exists(o->root, cand[k])) {
                path = cand[k];
                break;
            }
        ld_emitter em = *host_em;
        em.kind = LD_TARGET_FILE;
        em.target_id = path ? path : (cand[0] ? cand[0] : t->id + strlen("host.audit-rule."));
        em.target_name = NULL;
        if (!path) {
            rc = ld_emit(&em, t->id, LD_STATUS_SKIPPED, NULL, "%s not present on the host",
                         cand[0] ? cand[0] : "the unit file");
            continue;
        }
        if (collect_rc < 0) {
            rc =
                ld_emit(&em, t->id, LD_STATUS_ERROR, NULL, "cannot read audit rules: %s", rerr.msg);
            continue;
        }
        const ld_audit_rule *partial = NULL;
        const ld_audit_rule *hit = ld_audit_rules_covers(&rules, path, &partial);
        if (hit) {
            ld_autofree char *txt = rule_text(hit);
            rc = ld_emit(&em, t->id, LD_STATUS_PASS, NULL, "%s audited by %s", path, txt);
        } else if (partial) {
            ld_autofree char *txt = rule_text(partial);
            rc = ld_emit(&em, t->id, LD_STATUS_FAIL, NULL,
                         "%s: only %s, which does not audit both writes (w) and attribute "
                         "changes (a)",
                         path, txt);
        } else {
            rc = rules.n ? ld_emit(&em, t->id, LD_STATUS_FAIL, NULL,
                                   "no audit rule covers %s; the %zu file rule%s loaded (from "
                                   "%s)%s leave it out",
                                   path, rules.n, rules.n == 1 ? "" : "s", source,
                                   rules.bad_lines ? ", some lines unreadable," : "")
                         : ld_emit(&em, t->id, LD_STATUS_FAIL, NULL,
                                   "no audit rule covers %s: no file audit rules are loaded "
                                   "(read %s)",
                                   path, source);
        }
    }
    ld_audit_rules_clear(&rules);
    return rc;
}

/* ---- section 1: partition, group ------------------------------------------ */

static int check_partition(const ld_emitter *em, const ld_host_check_options *o,
                           const ld_daemon_config *cfg, const json_t *info)
{
    static const char id[] = "host.docker-partition";
    const char *dir = data_root(cfg, info);
    struct stat st, pst;
    int e = ld_host_stat(o->root, dir, &st);
    if (e == -ENOENT || e == -ENOTDIR)
        return ld_emit(em, id, LD_STATUS_SKIPPED, NULL,
                       "Docker data root %s not present under the host root", dir);
    if (e < 0)
        return ld_emit(em, id, LD_STATUS_ERROR, NULL, "not assessed: cannot stat %s: %s", dir,
                       strerror(-e));
    ld_autofree char *parent = ld_xstrdup(dir);
    char *slash = strrchr(parent, '/');
    if (slash == parent)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    e = ld_host_stat(o->root, parent, &pst);
    if (e < 0)
        return ld_emit(em, id, LD_STATUS_ERROR, NULL, "not assessed: cannot stat %s: %s", parent,
                       strerror(-e));
    bool own = st.st_dev != pst.st_dev || st.st_ino == pst.st_ino;
    return ld_emit(em, id, own ? LD_STATUS_PASS : LD_STATUS_FAIL, NULL,
                   "%s on device %u:%u, %s on %u:%u: %s", dir, major(st.st_dev), minor(st.st_dev),
                   parent, major(pst.st_dev), minor(pst.st_dev),
                   own ? "a separate file system" : "not a separate file system");
}

/* The docker group through NSS (getgrnam_r: /etc/group, LDAP, sssd, ...):
 * its listed members, then every account whose primary group it is.
 * Returns 1 (found), 0 (no such group) or -errno. */
static int nss_docker_group(ld_strlist *members, gid_t *gid)
{
    size_t cap = 4096;
    ld_autofree char *buf = NULL;
    struct group gr, *res = NULL;
    int e;
    for (;;) {
        free(buf);
        buf = ld_xmalloc(cap);
        e = getgrnam_r("docker", &gr, buf, cap, &res);
        if (e != ERANGE || cap >= ((size_t)1 << 24))
            break;
        cap *= 2;
    }
    if (e)
        return -e;
    if (!res)
        return 0;
    *gid = gr.gr_gid;
    for (char **m = gr.gr_mem; m && *m; m++)
        if (**m && !ld_strlist_contains(members, *m))
            ld_strlist_push(members, *m);
    char pbuf[4096];
    struct passwd pw, *pres = NULL;
    setpwent();
    for (size_t n = 0; n < NSS_USERS_MAX && getpwent_r(&pw, pbuf, sizeof(pbuf), &pres) == 0 && pres;
         n++)
        if (pw.pw_gid == *gid && pw.pw_name[0] && !ld_strlist_contains(members, pw.pw_name))
            ld_strlist_push(members, pw.pw_name);
    endpwent();
    return 1;
}

/* CIS 1.1.2: only trusted users in the docker group. On this machine the
 * group comes from NSS (as dockerd's socket permissions see it); under a
 * host root, from ROOT/etc/group and ROOT/etc/passwd. A group file that
 * cannot be read is not an empty group. */
static int check_group(const ld_emitter *em, const ld_host_check_options *o)
{
    static const char id[] = "host.docker-group";
    ld_strlist members = {0};
    gid_t gid = 0;
    int found;
    const char *source;
    if (o->live) {
        source = "NSS (getgrnam)";
        found = nss_docker_group(&members, &gid);
        if (found < 0) {
            ld_strlist_clear(&members);
            return ld_emit(em, id, LD_STATUS_ERROR, NULL,
                           "not assessed: cannot look up group docker through NSS: %s",
                           strerror(-found));
        }
    } else {
        source = "/etc/group";
        /* ld_host_group_members reads an unreadable file as empty: prove it readable. */
        ld_autofree char *text = NULL;
        size_t len = 0;
        ld_error rerr = LD_ERROR_INIT;
        if (ld_host_read_file(o->root, "/etc/group", ACCOUNT_FILE_MAX, &text, &len, &rerr) < 0)
            return ld_emit(em, id, LD_STATUS_ERROR, NULL,
                           "not assessed: cannot read %s/etc/group: %s", o->root, rerr.msg);
        ld_error gerr = LD_ERROR_INIT;
        found = ld_host_group_members(o->root, "docker", &members, &gid, &gerr);
        if (found < 0) {
            ld_strlist_clear(&members);
            return ld_emit(em, id, LD_STATUS_ERROR, NULL, "not assessed: %s", gerr.msg);
        }
    }
    int rc;
    if (found == 0) {
        rc = ld_emit(em, id, LD_STATUS_PASS, NULL,
                     "no docker group (%s): only root can use the daemon socket", source);
    } else if (members.n == 0) {
        rc = ld_emit(em, id, LD_STATUS_PASS, NULL, "docker group (gid %lu) has no members (%s)",
                     (unsigned long)gid, source);
    } else {
        ld_autofree char *list = ld_strlist_join(&members, ", ");
        /* Membership is root-equivalent; whether each member is trusted is the
         * operator's call, so this asks for review rather than failing. */
        rc = ld_emit(em, id, LD_STATUS_WARN, "docker group has members (each is root-equivalent)",
                     "docker group (gid %lu) members: %s (%s)", (unsigned long)gid, list, source);
    }
    ld_strlist_clear(&members);
    return rc;
}

int ld_docker_host_checks(ld_findings *r, const ld_host_check_options *o,
                          const ld_daemon_config *cfg, const json_t *info, ld_error *err)
{
    ld_emitter em = {.r = r,
                     .err = err,
                     .kind = LD_TARGET_HOST,
                     .target_id = o->host_name ? o->host_name : "localhost"};
    int rc;
    if (o->unseen) {
        rc = ld_emit(&em, "host.docker-partition", LD_STATUS_ERROR, NULL, "not assessed: %s",
                     o->unseen);
        if (rc == 0)
            rc = ld_emit(&em, "host.docker-group", LD_STATUS_ERROR, NULL, "not assessed: %s",
                         o->unseen);
    } else {
        rc = check_partition(&em, o, cfg, info);
        if (rc == 0)
            rc = check_group(&em, o);
    }
    if (rc == 0)
        rc = audit_checks(&em, o, cfg, info, err);
    return rc;
}

/* ---- section 3: files ---------------------------------------------------- */

typedef struct {
    const char *owner_id, *mode_id;
    const char *user;  /* required owner */
    const char *group; /* required group; "docker" also accepts root */
    unsigned max_mode; /* most permissive mode allowed */
} file_rule;

static int check_file(ld_findings *r, ld_error *err, const ld_host_check_options *o,
                      const file_rule *fr, const char *path)
{
    ld_emitter em = {.r = r, .err = err, .kind = LD_TARGET_FILE, .target_id = path};
    struct stat st;
    int e = ld_host_lstat(o->root, path, &st);
    if (e == -ENOENT || e == -ENOTDIR) {
        int rc = ld_emit(&em, fr->owner_id, LD_STATUS_SKIPPED, NULL, "%s not present", path);
        return rc ? rc : ld_emit(&em, fr->mode_id, LD_STATUS_SKIPPED, NULL, "%s not present", path);
    }
    if (e < 0) {
        int rc = ld_emit(&em, fr->owner_id, LD_STATUS_ERROR, NULL, "cannot stat %s: %s", path,
                         strerror(-e));
        return rc ? rc
                  : ld_emit(&em, fr->mode_id, LD_STATUS_ERROR, NULL, "cannot stat %s: %s", path,
                            strerror(-e));
    }
    const char *note = "";
    if (S_ISLNK(st.st_mode)) {
        struct stat tst;
        if (ld_host_stat(o->root, path, &tst) == 0) {
            st = tst;
            note = " (symlink; its target's owner and mode)";
        }
    }
    ld_autofree char *user = ld_host_user_name(o->root, st.st_uid);
    ld_autofree char *group = ld_host_group_name(o->root, st.st_gid);
    unsigned mode = (unsigned)st.st_mode & 07777;
    ld_autofree char *ev = ld_xasprintf("%s %04o %s:%s%s", path, mode, user, group, note);
    /* root is uid / gid 0 whatever the account files call it; the docker
     * group is known by name (its gid differs between hosts). */
    bool user_ok = strcmp(fr->user, "root") == 0 ? st.st_uid == 0 : strcmp(user, fr->user) == 0;
    bool group_ok =
        st.st_gid == 0 || (strcmp(fr->group, "root") != 0 && strcmp(group, fr->group) == 0);
    bool owner_ok = user_ok && group_ok;
    bool mode_ok = (mode & ~fr->max_mode) == 0;
    int rc = ld_emit(&em, fr->owner_id, owner_ok ? LD_STATUS_PASS : LD_STATUS_FAIL, NULL,
                     "%s (want %s:%s)", ev, fr->user, fr->group);
    if (rc == 0)
        rc = ld_emit(&em, fr->mode_id, mode_ok ? LD_STATUS_PASS : LD_STATUS_FAIL, NULL,
                     "%s (want %04o or stricter)", ev, fr->max_mode);
    return rc;
}

static int skip_both(ld_findings *r, ld_error *err, const file_rule *fr, const char *target,
                     const char *why)
{
    ld_emitter em = {.r = r, .err = err, .kind = LD_TARGET_FILE, .target_id = target};
    int rc = ld_emit(&em, fr->owner_id, LD_STATUS_SKIPPED, NULL, "%s", why);
    return rc ? rc : ld_emit(&em, fr->mode_id, LD_STATUS_SKIPPED, NULL, "%s", why);
}

static const file_rule R_SERVICE = {"file.docker-service-owner", "file.docker-service-mode", "root",
                                    "root", 0644};
static const file_rule R_SOCKET_UNIT = {"file.docker-socket-unit-owner",
                                        "file.docker-socket-unit-mode", "root", "root", 0644};
static const file_rule R_ETC_DOCKER = {"file.etc-docker-owner", "file.etc-docker-mode", "root",
                                       "root", 0755};
static const file_rule R_CERTS = {"file.registry-certs-owner", "file.registry-certs-mode", "root",
                                  "root", 0444};
static const file_rule R_TLS_CA = {"file.tls-ca-owner", "file.tls-ca-mode", "root", "root", 0444};
static const file_rule R_TLS_CERT = {"file.tls-cert-owner", "file.tls-cert-mode", "root", "root",
                                     0444};
static const file_rule R_TLS_KEY = {"file.tls-key-owner", "file.tls-key-mode", "root", "root",
                                    0400};
static const file_rule R_SOCK = {"file.docker-sock-owner", "file.docker-sock-mode", "root",
                                 "docker", 0660};
static const file_rule R_DAEMON_JSON = {"file.daemon-json-owner", "file.daemon-json-mode", "root",
                                        "root", 0644};
static const file_rule R_DEFAULT = {"file.etc-default-docker-owner", "file.etc-default-docker-mode",
                                    "root", "root", 0644};
static const file_rule R_SYSCONFIG = {"file.etc-sysconfig-docker-owner",
                                      "file.etc-sysconfig-docker-mode", "root", "root", 0644};
static const file_rule R_CONTAINERD_SOCK = {"file.containerd-sock-owner",
                                            "file.containerd-sock-mode", "root", "root", 0660};

static int unit_check(ld_findings *r, ld_error *err, const ld_host_check_options *o,
                      const file_rule *fr, const char *unit)
{
    ld_autofree char *p = find_unit(o->root, unit);
    if (!p)
        return skip_both(r, err, fr, unit,
                         "not found in /etc/systemd/system, /run/systemd/system, "
                         "/usr/lib/systemd/system or /lib/systemd/system");
    return check_file(r, err, o, fr, p);
}

typedef struct {
    ld_strlist files; /* the first CERT_FILES_MAX files found */
    size_t seen;      /* files found in all */
    char *too_deep;   /* first directory deeper than CERT_DEPTH_MAX (owned), or NULL */
    char *unreadable; /* first directory that could not be read (owned), or NULL */
} cert_walk;

/* Walks the directory open as dfd (named path, under the host root) and
 * below: every non-directory entry is a certificate file; directories are
 * entered with openat(O_NOFOLLOW), one component at a time, so no symlink
 * is ever followed out of the tree. Takes dfd. */
static void walk_certs(int dfd, const char *path, int depth, cert_walk *w)
{
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        if (!w->unreadable)
            w->unreadable = ld_xstrdup(path);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        ld_autofree char *sub = ld_xasprintf("%s/%s", path, de->d_name);
        struct stat st;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            if (!w->unreadable)
                w->unreadable = ld_xstrdup(sub);
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            if (w->seen++ < CERT_FILES_MAX)
                ld_strlist_push(&w->files, sub);
            continue;
        }
        if (depth + 1 > CERT_DEPTH_MAX) {
            if (!w->too_deep)
                w->too_deep = ld_xstrdup(sub);
            continue;
        }
        int sfd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sfd < 0) {
            if (!w->unreadable)
                w->unreadable = ld_xstrdup(sub);
            continue;
        }
        walk_certs(sfd, sub, depth + 1, w);
    }
    closedir(d);
}

static int error_both(ld_findings *r, ld_error *err, const file_rule *fr, const char *target,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int error_both(ld_findings *r, ld_error *err, const file_rule *fr, const char *target,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ld_autofree char *why = ld_xvasprintf(fmt, ap);
    va_end(ap);
    ld_emitter em = {.r = r, .err = err, .kind = LD_TARGET_FILE, .target_id = target};
    int rc = ld_emit(&em, fr->owner_id, LD_STATUS_ERROR, NULL, "not assessed: %s", why);
    return rc ? rc : ld_emit(&em, fr->mode_id, LD_STATUS_ERROR, NULL, "not assessed: %s", why);
}

/* CIS 3.7 / 3.8: every file below /etc/docker/certs.d, at any depth up to
 * CERT_DEPTH_MAX; past CERT_FILES_MAX files the rest is not assessed. */
static int certs_check(ld_findings *r, ld_error *err, const ld_host_check_options *o)
{
    const char *base = "/etc/docker/certs.d";
    int dfd = ld_host_open(o->root, base, O_DIRECTORY);
    if (dfd == -ENOENT || dfd == -ENOTDIR)
        return skip_both(r, err, &R_CERTS, base, "/etc/docker/certs.d not present");
    if (dfd < 0)
        return error_both(r, err, &R_CERTS, base, "cannot open %s: %s", base, strerror(-dfd));
    cert_walk w = {0};
    walk_certs(dfd, base, 0, &w);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < w.files.n; i++)
        rc = check_file(r, err, o, &R_CERTS, w.files.v[i]);
    if (rc == 0 && w.seen > CERT_FILES_MAX)
        rc = error_both(r, err, &R_CERTS, base,
                        "%zu files under %s; only the first %d were checked (cap %d)", w.seen, base,
                        CERT_FILES_MAX, CERT_FILES_MAX);
    if (rc == 0 && w.too_deep)
        rc = error_both(r, err, &R_CERTS, w.too_deep,
                        "%s is nested more than %d levels below %s and was not checked (cap %d)",
                        w.too_deep, CERT_DEPTH_MAX, base, CERT_DEPTH_MAX);
    if (rc == 0 && w.unreadable)
        rc = error_both(r, err, &R_CERTS, w.unreadable, "cannot read %s", w.unreadable);
    if (rc == 0 && w.seen == 0 && !w.too_deep && !w.unreadable)
        rc =
            skip_both(r, err, &R_CERTS, base, "no registry certificates under /etc/docker/certs.d");
    ld_strlist_clear(&w.files);
    free(w.too_deep);
    free(w.unreadable);
    return rc;
}

static int tls_file_check(ld_findings *r, ld_error *err, const ld_host_check_options *o,
                          const file_rule *fr, const ld_daemon_config *cfg, ld_dcfg_key k)
{
    const char *p = cfg->v[k].s;
    if (p && p[0] == '/')
        return check_file(r, err, o, fr, p);
    if (!ld_dcfg_known(cfg, k))
        return error_both(r, err, fr, ld_dcfg_json_key(k),
                          "%s is not set in what was read, and the dockerd command line%s could "
                          "not be read",
                          ld_dcfg_json_key(k), cfg->file_failed ? " or daemon.json" : "");
    return skip_both(r, err, fr, ld_dcfg_json_key(k), "not configured (daemon does not use TLS)");
}

/* Every file rule with the path it would check by default. */
static const struct {
    const file_rule *rule;
    const char *path;
} default_files[] = {
    {&R_SERVICE, "docker.service"},
    {&R_SOCKET_UNIT, "docker.socket"},
    {&R_ETC_DOCKER, "/etc/docker"},
    {&R_CERTS, "/etc/docker/certs.d"},
    {&R_TLS_CA, "tlscacert"},
    {&R_TLS_CERT, "tlscert"},
    {&R_TLS_KEY, "tlskey"},
    {&R_SOCK, "/var/run/docker.sock"},
    {&R_DAEMON_JSON, "/etc/docker/daemon.json"},
    {&R_DEFAULT, "/etc/default/docker"},
    {&R_SYSCONFIG, "/etc/sysconfig/docker"},
    {&R_CONTAINERD_SOCK, "/run/containerd/containerd.sock"},
};

int ld_docker_file_checks(ld_findings *r, const ld_host_check_options *o,
                          const ld_daemon_config *cfg, ld_error *err)
{
    if (o->unseen) {
        int urc = 0;
        for (size_t i = 0; urc == 0 && i < sizeof(default_files) / sizeof(default_files[0]); i++)
            urc = error_both(r, err, default_files[i].rule, default_files[i].path, "%s", o->unseen);
        return urc;
    }
    int rc = unit_check(r, err, o, &R_SERVICE, "docker.service");
    if (rc == 0)
        rc = unit_check(r, err, o, &R_SOCKET_UNIT, "docker.socket");
    if (rc == 0)
        rc = check_file(r, err, o, &R_ETC_DOCKER, "/etc/docker");
    if (rc == 0)
        rc = certs_check(r, err, o);
    if (rc == 0)
        rc = tls_file_check(r, err, o, &R_TLS_CA, cfg, LD_DCFG_TLSCACERT);
    if (rc == 0)
        rc = tls_file_check(r, err, o, &R_TLS_CERT, cfg, LD_DCFG_TLSCERT);
    if (rc == 0)
        rc = tls_file_check(r, err, o, &R_TLS_KEY, cfg, LD_DCFG_TLSKEY);
    if (rc == 0) {
        /* The daemon's unix sockets; the default when none is configured. */
        const ld_dcfg_value *hosts = &cfg->v[LD_DCFG_HOSTS];
        size_t n = 0;
        for (size_t i = 0; rc == 0 && i < hosts->l.n; i++)
            if (strncmp(hosts->l.v[i], "unix://", 7) == 0 && hosts->l.v[i][7] == '/') {
                rc = check_file(r, err, o, &R_SOCK, hosts->l.v[i] + 7);
                n++;
            }
        if (rc == 0 && n == 0)
            rc = check_file(r, err, o, &R_SOCK, "/var/run/docker.sock");
    }
    if (rc == 0)
        rc = check_file(r, err, o, &R_DAEMON_JSON,
                        cfg->file_path ? cfg->file_path : "/etc/docker/daemon.json");
    if (rc == 0)
        rc = check_file(r, err, o, &R_DEFAULT, "/etc/default/docker");
    if (rc == 0)
        rc = check_file(r, err, o, &R_SYSCONFIG, "/etc/sysconfig/docker");
    if (rc == 0)
        rc = check_file(r, err, o, &R_CONTAINERD_SOCK, "/run/containerd/containerd.sock");
    return rc;
}
