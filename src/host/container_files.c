/* host.container-files: owner and mode of the container engines' state
 * directories and of the containers' configuration files. See
 * container_files.h. */
#include "host/container_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/host_files.h"
#include "host/host_os.h"
#include "util/cleanup.h"
#include "util/mem.h"
#include "util/strlist.h"

#define CHECK_ID "host.container-files"
/* Problems spelled out in the evidence; the rest are counted. */
#define PROBLEMS_SHOWN 20

typedef struct {
    const char *root;
    size_t max;            /* containers read at most */
    ld_strlist problems;   /* what is wrong, one item each */
    ld_strlist unreadable; /* what could not be looked at */
    ld_strlist checked;    /* "PATH 0710 root:root" */
} cf_ctx;

static char *owner_text(const char *root, const struct stat *st)
{
    ld_autofree char *u = ld_host_user_name(root, st->st_uid);
    ld_autofree char *g = ld_host_group_name(root, st->st_gid);
    return ld_xasprintf("%04o %s:%s", (unsigned)(st->st_mode & 07777), u, g);
}

/* Checks one state directory; returns whether it exists. */
static bool check_dir(cf_ctx *x, const char *path, struct stat *out)
{
    struct stat st;
    int e = ld_host_stat(x->root, path, &st);
    if (e == -ENOENT || e == -ENOTDIR)
        return false;
    if (e < 0) {
        ld_strlist_push_owned(&x->unreadable, ld_xasprintf("%s: %s", path, strerror(-e)));
        return false;
    }
    if (out)
        *out = st;
    ld_autofree char *o = owner_text(x->root, &st);
    ld_strlist_push_owned(&x->checked, ld_xasprintf("%s %s", path, o));
    if (!S_ISDIR(st.st_mode))
        ld_strlist_push_owned(&x->problems, ld_xasprintf("%s is not a directory (%s)", path, o));
    if (st.st_uid != 0)
        ld_strlist_push_owned(&x->problems, ld_xasprintf("%s is not owned by root (%s)", path, o));
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        ld_strlist_push_owned(&x->problems,
                              ld_xasprintf("%s is %s-writable (%s)", path,
                                           (st.st_mode & S_IWOTH) ? "other" : "group", o));
    return true;
}

/* Can users of the file's group (not root's) or others reach file through
 * dirs (outermost first) with the permission bits of want (S_IROTH or
 * S_IWOTH, shifted for the group)? Returns "others", "group NAME" or NULL. */
static const char *exposed_to(const struct stat *file, const struct stat *dirs, size_t n,
                              mode_t want_oth)
{
    bool other = (file->st_mode & want_oth) != 0;
    for (size_t i = 0; other && i < n; i++)
        other = (dirs[i].st_mode & S_IXOTH) != 0;
    if (other)
        return "others";
    bool group = file->st_gid != 0 && (file->st_mode & (want_oth << 3)) != 0;
    for (size_t i = 0; group && i < n; i++)
        group = (dirs[i].st_gid == file->st_gid && (dirs[i].st_mode & S_IXGRP)) ||
                (dirs[i].st_mode & S_IXOTH);
    return group ? "its group" : NULL;
}

/* One container directory: its mode and its two configuration files. */
static void check_container(cf_ctx *x, const char *containers, const char *name,
                            const struct stat *outer)
{
    ld_autofree char *dir = ld_xasprintf("%s/%s", containers, name);
    struct stat dirs[3] = {outer[0], outer[1]};
    int e = ld_host_lstat(x->root, dir, &dirs[2]);
    if (e < 0) {
        if (e != -ENOENT) /* gone between readdir and here: fine */
            ld_strlist_push_owned(&x->unreadable, ld_xasprintf("%s: %s", dir, strerror(-e)));
        return;
    }
    if (!S_ISDIR(dirs[2].st_mode))
        return; /* not a container directory (Docker keeps none but directories here) */
    if (dirs[2].st_mode & (S_IWGRP | S_IWOTH)) {
        ld_autofree char *o = owner_text(x->root, &dirs[2]);
        ld_strlist_push_owned(&x->problems,
                              ld_xasprintf("%s is %s-writable (%s)", dir,
                                           (dirs[2].st_mode & S_IWOTH) ? "other" : "group", o));
    }
    static const char *const files[] = {"config.v2.json", "hostconfig.json"};
    for (size_t i = 0; i < 2; i++) {
        ld_autofree char *p = ld_xasprintf("%s/%s", dir, files[i]);
        struct stat st;
        e = ld_host_lstat(x->root, p, &st);
        if (e == -ENOENT)
            continue;
        if (e < 0) {
            ld_strlist_push_owned(&x->unreadable, ld_xasprintf("%s: %s", p, strerror(-e)));
            continue;
        }
        if (!S_ISREG(st.st_mode)) {
            ld_strlist_push_owned(&x->problems,
                                  ld_xasprintf("%s is not a regular file (a link or other: "
                                               "the engine writes plain files)",
                                               p));
            continue;
        }
        const char *rd = exposed_to(&st, dirs, 3, S_IROTH);
        const char *wr = exposed_to(&st, dirs, 3, S_IWOTH);
        if (rd || wr) {
            ld_autofree char *o = owner_text(x->root, &st);
            ld_strlist_push_owned(&x->problems,
                                  ld_xasprintf("%s (%s) is %s by %s through its directories", p, o,
                                               wr ? "writable" : "readable", wr ? wr : rd));
        }
    }
}

/* Reads the container directories under containers; *capped when more
 * than x->max. Returns the number read. */
static size_t check_containers(cf_ctx *x, const char *containers, const struct stat *outer,
                               bool *capped)
{
    *capped = false;
    int dfd = ld_host_open(x->root, containers, O_DIRECTORY);
    if (dfd < 0) {
        if (dfd != -ENOENT)
            ld_strlist_push_owned(&x->unreadable,
                                  ld_xasprintf("%s: %s", containers, strerror(-dfd)));
        return 0;
    }
    DIR *d = fdopendir(dfd);
    if (!d) {
        ld_strlist_push_owned(&x->unreadable, ld_xasprintf("%s: %s", containers, strerror(errno)));
        close(dfd);
        return 0;
    }
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (n == x->max) {
            *capped = true;
            break;
        }
        n++;
        check_container(x, containers, de->d_name, outer);
    }
    closedir(d);
    return n;
}

static char *join_capped(const ld_strlist *l, size_t max)
{
    size_t n = l->n < max ? l->n : max;
    size_t len = 64;
    for (size_t i = 0; i < n; i++)
        len += strlen(l->v[i]) + 2;
    char *s = ld_xmalloc(len);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(l->v[i]);
        if (i) {
            memcpy(s + o, "; ", 2);
            o += 2;
        }
        memcpy(s + o, l->v[i], k);
        o += k;
    }
    s[o] = '\0';
    if (l->n > max)
        snprintf(s + o, len - o, "; and %zu more", l->n - max);
    return s;
}

/* Emits the finding from what x gathered. */
static int judge(ld_findings *fs, const cf_ctx *x, const char *host, bool have_containers,
                 size_t n_containers, bool capped, ld_error *err)
{
    ld_autofree char *checked = join_capped(&x->checked, PROBLEMS_SHOWN);
    ld_autofree char *counted =
        have_containers ? ld_xasprintf("; %s%zu %s config.v2.json and hostconfig.json read",
                                       capped ? "the first " : "", n_containers,
                                       n_containers == 1 ? "container's" : "containers'")
                        : ld_xstrdup("");
    ld_autofree char *cap_note =
        capped ? ld_xasprintf("; more than %zu containers: the rest were not read", x->max)
               : ld_xstrdup("");
    ld_autofree char *u = x->unreadable.n ? join_capped(&x->unreadable, PROBLEMS_SHOWN) : NULL;
    if (x->problems.n) {
        ld_autofree char *p = join_capped(&x->problems, PROBLEMS_SHOWN);
        return ld_findings_check(fs, CHECK_ID, LD_STATUS_FAIL, LD_TARGET_HOST, host, NULL, err,
                                 "%s%s%s%s%s", p, counted, cap_note, u ? "; could not read: " : "",
                                 u ? u : "");
    }
    if (u || capped)
        return ld_findings_check(fs, CHECK_ID, LD_STATUS_ERROR, LD_TARGET_HOST, host, NULL, err,
                                 "not assessed in full: %s%s%s; no problem in what was read "
                                 "(%s%s)",
                                 u ? "could not read " : "", u ? u : "", cap_note, checked,
                                 counted);
    return ld_findings_check(fs, CHECK_ID, LD_STATUS_PASS, LD_TARGET_HOST, host, NULL, err,
                             "owned by root, not group/other-writable: %s%s; no configuration "
                             "readable by others or a non-root group",
                             checked, counted);
}

int ld_host_container_files_check(ld_findings *fs, const char *host_root,
                                  const char *docker_data_root, ld_error *err)
{
    return ld_host_container_files_check_max(fs, host_root, docker_data_root, 0, err);
}

int ld_host_container_files_check_max(ld_findings *fs, const char *host_root,
                                      const char *docker_data_root, size_t max_containers,
                                      ld_error *err)
{
    if (!host_root || !host_root[0])
        host_root = "/";
    ld_autoclose int rootfd = open(host_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return ld_error_set_errno(err, LD_ERR_NOT_FOUND, errno, "host root \"%s\"", host_root);
    const char *data =
        docker_data_root && docker_data_root[0] == '/' ? docker_data_root : "/var/lib/docker";
    ld_autofree char *host = ld_host_name(host_root);
    cf_ctx x = {.root = host_root, .max = max_containers ? max_containers : LD_CONTAINER_FILES_MAX};

    struct stat data_st, cont_st;
    bool docker = check_dir(&x, data, &data_st);
    ld_autofree char *containers = ld_xasprintf("%s/containers", data);
    bool have_containers = docker && check_dir(&x, containers, &cont_st);
    if (docker) {
        static const char *const subs[] = {"volumes", "image"};
        for (size_t i = 0; i < 2; i++) {
            ld_autofree char *p = ld_xasprintf("%s/%s", data, subs[i]);
            check_dir(&x, p, NULL);
        }
    }
    bool containerd = check_dir(&x, "/var/lib/containerd", NULL);
    containerd = check_dir(&x, "/run/containerd", NULL) || containerd;

    int rc;
    if (!docker && !containerd && x.unreadable.n == 0) {
        ld_findings_scope(fs, LD_SCOPE_NOT_APPLICABLE, CHECK_ID,
                          "no Docker data root (%s) and no containerd directories under %s", data,
                          host_root);
        rc = ld_findings_check(fs, CHECK_ID, LD_STATUS_SKIPPED, LD_TARGET_HOST, host, NULL, err,
                               "no Docker data root (%s), /var/lib/containerd or /run/containerd "
                               "under %s",
                               data, host_root);
    } else {
        ld_findings_scope(fs, LD_SCOPE_OWED, CHECK_ID, NULL);
        size_t n_containers = 0;
        bool capped = false;
        if (have_containers) {
            struct stat outer[2] = {data_st, cont_st};
            n_containers = check_containers(&x, containers, outer, &capped);
        }
        rc = judge(fs, &x, host, have_containers, n_containers, capped, err);
    }
    ld_strlist_clear(&x.problems);
    ld_strlist_clear(&x.unreadable);
    ld_strlist_clear(&x.checked);
    return rc;
}
