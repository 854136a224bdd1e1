/* CIS Docker sections 1 and 3 from the host's files. See host_checks.h.
 * Every path is read under the host root; nothing is followed out of it. */
#include "docker/host_checks.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

#define CERT_FILES_MAX 200

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
            rc = ld_emit(&em, t->id, LD_STATUS_FAIL, NULL,
                         "no audit rule covers %s (read %s: %zu file rule%s%s)", path, source,
                         rules.n, rules.n == 1 ? "" : "s",
                         rules.bad_lines ? ", some lines unreadable" : "");
        }
    }
    ld_audit_rules_clear(&rules);
    return rc;
}

/* ---- section 1: partition, group ------------------------------------------ */

static int check_partition(const ld_emitter *em, const ld_host_check_options *o,
                           const ld_daemon_config *cfg, const json_t *info)
{
    const char *dir = data_root(cfg, info);
    struct stat st, pst;
    if (ld_host_stat(o->root, dir, &st) < 0)
        return ld_emit(em, "host.docker-partition", LD_STATUS_SKIPPED, NULL,
                       "Docker data root %s not present under the host root", dir);
    ld_autofree char *parent = ld_xstrdup(dir);
    char *slash = strrchr(parent, '/');
    if (slash == parent)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    if (ld_host_stat(o->root, parent, &pst) < 0)
        return ld_emit(em, "host.docker-partition", LD_STATUS_ERROR, NULL, "cannot stat %s",
                       parent);
    bool own = st.st_dev != pst.st_dev || st.st_ino == pst.st_ino;
    return ld_emit(em, "host.docker-partition", own ? LD_STATUS_PASS : LD_STATUS_FAIL, NULL,
                   "%s on device %u:%u, %s on %u:%u: %s", dir, major(st.st_dev), minor(st.st_dev),
                   parent, major(pst.st_dev), minor(pst.st_dev),
                   own ? "a separate file system" : "not a separate file system");
}

static int check_group(const ld_emitter *em, const ld_host_check_options *o)
{
    ld_strlist members = {0};
    gid_t gid = 0;
    ld_error gerr = LD_ERROR_INIT;
    int found = ld_host_group_members(o->root, "docker", &members, &gid, &gerr);
    int rc;
    if (found <= 0) {
        rc = ld_emit(em, "host.docker-group", LD_STATUS_PASS, NULL,
                     "no docker group in /etc/group: only root can use the daemon socket");
    } else if (members.n == 0) {
        rc = ld_emit(em, "host.docker-group", LD_STATUS_PASS, NULL,
                     "docker group (gid %lu) has no members", (unsigned long)gid);
    } else {
        ld_autofree char *list = ld_strlist_join(&members, ", ");
        /* Membership is root-equivalent; whether each member is trusted is the
         * operator's call, so this asks for review rather than failing. */
        rc = ld_emit(em, "host.docker-group", LD_STATUS_WARN,
                     "docker group has members (each is root-equivalent)",
                     "docker group (gid %lu) members: %s", (unsigned long)gid, list);
    }
    ld_strlist_clear(&members);
    return rc;
}

int ld_docker_host_checks(ld_report *r, const ld_host_check_options *o, const ld_daemon_config *cfg,
                          const json_t *info, ld_error *err)
{
    ld_emitter em = {.r = r,
                     .err = err,
                     .kind = LD_TARGET_HOST,
                     .target_id = o->host_name ? o->host_name : "localhost"};
    int rc = check_partition(&em, o, cfg, info);
    if (rc == 0)
        rc = check_group(&em, o);
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

static int check_file(ld_report *r, ld_error *err, const ld_host_check_options *o,
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
    bool owner_ok = strcmp(user, fr->user) == 0 &&
                    (strcmp(group, fr->group) == 0 ||
                     (strcmp(fr->group, "docker") == 0 && strcmp(group, "root") == 0));
    bool mode_ok = (mode & ~fr->max_mode) == 0;
    int rc = ld_emit(&em, fr->owner_id, owner_ok ? LD_STATUS_PASS : LD_STATUS_FAIL, NULL,
                     "%s (want %s:%s)", ev, fr->user, fr->group);
    if (rc == 0)
        rc = ld_emit(&em, fr->mode_id, mode_ok ? LD_STATUS_PASS : LD_STATUS_FAIL, NULL,
                     "%s (want %04o or stricter)", ev, fr->max_mode);
    return rc;
}

static int skip_both(ld_report *r, ld_error *err, const file_rule *fr, const char *target,
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

static int unit_check(ld_report *r, ld_error *err, const ld_host_check_options *o,
                      const file_rule *fr, const char *unit)
{
    ld_autofree char *p = find_unit(o->root, unit);
    if (!p)
        return skip_both(r, err, fr, unit,
                         "not found in /etc/systemd/system, /run/systemd/system, "
                         "/usr/lib/systemd/system or /lib/systemd/system");
    return check_file(r, err, o, fr, p);
}

static int certs_check(ld_report *r, ld_error *err, const ld_host_check_options *o)
{
    const char *base = "/etc/docker/certs.d";
    int dfd = ld_host_open(o->root, base, O_DIRECTORY);
    if (dfd < 0)
        return skip_both(r, err, &R_CERTS, base, "/etc/docker/certs.d not present");
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return skip_both(r, err, &R_CERTS, base, "/etc/docker/certs.d not readable");
    }
    ld_strlist files = {0};
    struct dirent *de;
    while ((de = readdir(d)) && files.n < CERT_FILES_MAX) {
        if (de->d_name[0] == '.')
            continue;
        ld_autofree char *sub = ld_xasprintf("%s/%s", base, de->d_name);
        int sfd = ld_host_open(o->root, sub, O_DIRECTORY);
        if (sfd < 0)
            continue;
        DIR *sd = fdopendir(sfd);
        if (!sd) {
            close(sfd);
            continue;
        }
        struct dirent *se;
        while ((se = readdir(sd)) && files.n < CERT_FILES_MAX)
            if (se->d_name[0] != '.')
                ld_strlist_push_owned(&files, ld_xasprintf("%s/%s", sub, se->d_name));
        closedir(sd);
    }
    closedir(d);
    int rc = 0;
    if (files.n == 0)
        rc =
            skip_both(r, err, &R_CERTS, base, "no registry certificates under /etc/docker/certs.d");
    for (size_t i = 0; rc == 0 && i < files.n; i++)
        rc = check_file(r, err, o, &R_CERTS, files.v[i]);
    ld_strlist_clear(&files);
    return rc;
}

static int tls_file_check(ld_report *r, ld_error *err, const ld_host_check_options *o,
                          const file_rule *fr, const ld_daemon_config *cfg, ld_dcfg_key k)
{
    const char *p = cfg->v[k].s;
    if (!p || p[0] != '/')
        return skip_both(r, err, fr, ld_dcfg_json_key(k),
                         cfg->cmdline_read || cfg->file_read
                             ? "not configured (daemon does not use TLS)"
                             : "not configured as far as lockdown can see (dockerd command line "
                               "not readable, no daemon.json)");
    return check_file(r, err, o, fr, p);
}

int ld_docker_file_checks(ld_report *r, const ld_host_check_options *o, const ld_daemon_config *cfg,
                          ld_error *err)
{
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
