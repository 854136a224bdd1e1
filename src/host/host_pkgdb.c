/* The host's package databases read by name under a root, through the SBOM
 * catalogers (src/sbom/: the same parsers the image reader feeds), into an
 * ld_sbom the vulnerability matcher takes as it takes an image's. Only the
 * known database paths are opened — no walk of the file system — and each
 * resolves inside the root (host_files.h), so a link cannot lead out of
 * it. A database that exists but cannot be read is an unread entry, never
 * silence. Not for images (sbom.c) and not for language packages: the
 * host's own OS packages are what its package manager updates. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/host_files.h"
#include "host/host_packages_internal.h"
#include "sbom/cataloger.h"
#include "util/cleanup.h"
#include "util/mem.h"
#include "util/os_release.h"

#define STATUS_D "/var/lib/dpkg/status.d"
#define ALPINE_RELEASE_MAX 64

/* Package databases by name. rpm keeps one backend per directory
 * (sqlite on current systems, ndb on SUSE, Berkeley DB before): the first
 * present in a directory is the one rpm reads. Fedora and SUSE moved the
 * directory to /usr/lib/sysimage/rpm and left /var/lib/rpm a link to it:
 * a file reached twice is read once. */
typedef struct {
    const char *path;
    int rpm_dir; /* 0: not rpm; 1: /var/lib/rpm; 2: /usr/lib/sysimage/rpm */
} db_path;

static const db_path db_paths[] = {
    {"/var/lib/dpkg/status", 0},
    {"/lib/apk/db/installed", 0},
    {"/var/lib/rpm/rpmdb.sqlite", 1},
    {"/var/lib/rpm/Packages.db", 1},
    {"/var/lib/rpm/Packages", 1},
    {"/usr/lib/sysimage/rpm/rpmdb.sqlite", 2},
    {"/usr/lib/sysimage/rpm/Packages.db", 2},
    {"/usr/lib/sysimage/rpm/Packages", 2},
};
#define N_DB_PATHS (sizeof(db_paths) / sizeof(db_paths[0]))

typedef struct {
    dev_t dev;
    ino_t ino;
} file_id;

typedef struct {
    const char *root;
    ld_sbom *out;
    size_t n_databases;
    file_id *files; /* the databases read, by identity */
    size_t n_files, cap_files;
    ld_cataloger_budget budget;
    void (*progress)(void *ctx, const char *msg);
    void *progress_ctx;
} reader;

/* Takes reason: an unread database, also said in the notes. */
static void unread(reader *rd, const char *path, char *reason)
{
    ld_sbom *s = rd->out;
    ld_strlist_push(&s->notes, reason);
    s->unread = ld_xrealloc(s->unread, (s->n_unread + 1) * sizeof(*s->unread));
    s->unread[s->n_unread++] = (ld_sbom_unread){ld_xstrdup(path), reason};
}

/* Was the file (dev, ino) read already (through another name)? Records it if not. */
static bool seen_before(reader *rd, const struct stat *st)
{
    for (size_t i = 0; i < rd->n_files; i++)
        if (rd->files[i].dev == st->st_dev && rd->files[i].ino == st->st_ino)
            return true;
    ld_xgrow(&rd->files, &rd->cap_files, rd->n_files + 1, sizeof(*rd->files));
    rd->files[rd->n_files++] = (file_id){st->st_dev, st->st_ino};
    return false;
}

/* The largest cap among the catalogers that take path (0: none takes it). */
static uint64_t cap_for(const char *path)
{
    uint64_t cap = 0;
    for (const ld_cataloger *const *cp = ld_catalogers(); *cp; cp++)
        if ((*cp)->wants(path) && (*cp)->max_bytes > cap)
            cap = (*cp)->max_bytes;
    return cap;
}

/* Offers data (read from path) to every cataloger that wants it; what
 * they find joins the package list, what fails is unread. */
static void parse_database(reader *rd, const char *path, const uint8_t *data, size_t len)
{
    for (const ld_cataloger *const *cp = ld_catalogers(); *cp; cp++) {
        const ld_cataloger *cat = *cp;
        if (!cat->wants(path))
            continue;
        if (len > cat->max_bytes) {
            unread(rd, path,
                   ld_xasprintf("%s: skipped by the %s cataloger: %zu bytes is over its limit "
                                "of %llu",
                                path, cat->name, len, (unsigned long long)cat->max_bytes));
            continue;
        }
        ld_package_list local = {0};
        ld_error perr = LD_ERROR_INIT;
        int rc = cat->parse_budgeted
                     ? cat->parse_budgeted(path, data, len, &rd->budget, &local, &perr)
                     : cat->parse(path, data, len, &local, &perr);
        if (rc < 0)
            unread(rd, path,
                   ld_xasprintf("%s cataloger: %s", cat->name, perr.msg[0] ? perr.msg : path));
        for (size_t i = 0; i < local.n; i++) {
            ld_package *dst = ld_package_list_add(&rd->out->packages, local.items[i].eco);
            *dst = local.items[i]; /* moves every field */
            dst->layer = -1;
            if (!dst->found_in || strcmp(dst->found_in, path) != 0) {
                free(dst->found_in);
                dst->found_in = ld_xstrdup(path);
            }
        }
        free(local.items); /* fields moved above */
    }
}

/* Reads the database at path under root when it exists. Returns true when
 * it exists (read or not). */
static bool read_database(reader *rd, const char *path)
{
    struct stat lst, st;
    int rc = ld_host_lstat(rd->root, path, &lst);
    if (rc == -ENOENT || rc == -ENOTDIR)
        return false;
    if (rc < 0) {
        rd->n_databases++;
        unread(rd, path,
               ld_xasprintf("%s: cannot be looked at under %s: %s", path, rd->root, strerror(-rc)));
        return true;
    }
    rd->n_databases++;
    if (ld_host_stat(rd->root, path, &st) == 0 && S_ISREG(st.st_mode) && seen_before(rd, &st)) {
        rd->n_databases--; /* the same file under another name */
        return true;
    }
    if (rd->progress) {
        char *msg = ld_xasprintf("reading %s", path);
        rd->progress(rd->progress_ctx, msg);
        free(msg);
    }
    ld_autofree char *buf = NULL;
    size_t len = 0;
    ld_error e = LD_ERROR_INIT;
    rc = ld_host_read_file(rd->root, path, (size_t)cap_for(path), &buf, &len, &e);
    if (rc == LD_ERR_NOT_FOUND && S_ISLNK(lst.st_mode)) {
        unread(rd, path,
               ld_xasprintf("%s: a link that leads to nothing inside %s (links are resolved "
                            "inside the host root)",
                            path, rd->root));
        return true;
    }
    if (rc < 0) {
        unread(rd, path, ld_xasprintf("%s: %s", path, e.msg));
        return true;
    }
    parse_database(rd, path, (const uint8_t *)buf, len);
    return true;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* /var/lib/dpkg/status.d: one file per package (distroless images, some
 * appliance hosts), listed in name order so the result does not depend on
 * the directory's order. */
static void read_status_d(reader *rd)
{
    int fd = ld_host_open(rd->root, STATUS_D, O_DIRECTORY);
    if (fd == -ENOENT || fd == -ENOTDIR)
        return;
    if (fd < 0) {
        rd->n_databases++;
        unread(
            rd, STATUS_D,
            ld_xasprintf("%s: cannot be listed under %s: %s", STATUS_D, rd->root, strerror(-fd)));
        return;
    }
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        rd->n_databases++;
        unread(rd, STATUS_D, ld_xasprintf("%s: cannot be listed: %s", STATUS_D, strerror(errno)));
        return;
    }
    ld_strlist names = {0};
    bool over = false;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (names.n >= LD_HOST_STATUS_D_MAX) {
            over = true;
            break;
        }
        ld_strlist_push(&names, de->d_name);
    }
    closedir(d);
    if (over) {
        rd->n_databases++;
        unread(rd, STATUS_D,
               ld_xasprintf("%s: more than %d files: not read", STATUS_D, LD_HOST_STATUS_D_MAX));
        ld_strlist_clear(&names);
        return;
    }
    if (names.n > 1)
        qsort(names.v, names.n, sizeof(*names.v), cmp_names);
    for (size_t i = 0; i < names.n; i++) {
        ld_autofree char *path = ld_xasprintf("%s/%s", STATUS_D, names.v[i]);
        if (cap_for(path))
            read_database(rd, path);
    }
    ld_strlist_clear(&names);
}

/* os-release under root (falling back to /usr/lib/os-release), else
 * /etc/alpine-release, into the SBOM's os fields. */
static void read_os(reader *rd)
{
    ld_sbom *s = rd->out;
    static const char *const files[] = {"/etc/os-release", "/usr/lib/os-release"};
    for (size_t i = 0; i < 2; i++) {
        ld_autofree char *buf = NULL;
        size_t len = 0;
        ld_error e = LD_ERROR_INIT;
        if (ld_host_read_file(rd->root, files[i], LD_OS_RELEASE_MAX, &buf, &len, &e) < 0) {
            if (e.code != LD_ERR_NOT_FOUND)
                ld_strlist_push_owned(&s->notes, ld_xasprintf("%s: %s", files[i], e.msg));
            continue;
        }
        ld_os_release rel;
        if (ld_os_release_parse(buf, len, &rel, &e) < 0) {
            ld_strlist_push_owned(&s->notes, ld_xasprintf("%s: %s", files[i], e.msg));
            continue;
        }
        if (rel.id) {
            s->os_id = ld_steal_ptr(&rel.id);
            s->os_version_id = ld_steal_ptr(&rel.version_id);
            s->os_codename = ld_steal_ptr(&rel.version_codename);
            s->os_pretty_name = ld_steal_ptr(&rel.pretty_name);
            ld_os_release_clear(&rel);
            return;
        }
        ld_os_release_clear(&rel);
    }
    ld_autofree char *buf = NULL;
    size_t len = 0;
    ld_error e = LD_ERROR_INIT;
    if (ld_host_read_file(rd->root, "/etc/alpine-release", ALPINE_RELEASE_MAX, &buf, &len, &e) ==
        0) {
        size_t n = strcspn(buf, "\r\n");
        if (n > 0 && n <= len) {
            s->os_id = ld_xstrdup("alpine");
            s->os_version_id = ld_xstrndup(buf, n);
        }
    }
}

/* purls with the distro qualifier, as an image's SBOM has them ("debian-12"). */
static void set_purls(ld_sbom *s)
{
    char *distro = NULL;
    if (s->os_id && (s->os_version_id || s->os_codename))
        distro =
            ld_xasprintf("%s-%s", s->os_id, s->os_version_id ? s->os_version_id : s->os_codename);
    for (size_t i = 0; i < s->packages.n; i++)
        ld_package_set_purl(&s->packages.items[i], s->os_id, distro);
    free(distro);
}

void ld_host_read_packages(const char *root, ld_sbom *out, size_t *n_databases,
                           void (*progress)(void *ctx, const char *msg), void *progress_ctx)
{
    memset(out, 0, sizeof(*out));
    reader rd = {.root = root && root[0] ? root : "/",
                 .out = out,
                 .progress = progress,
                 .progress_ctx = progress_ctx};
    ld_cataloger_budget_init(&rd.budget, LD_CATALOGER_INFLATE_BUDGET);
    bool rpm_found[3] = {false, false, false};
    for (size_t i = 0; i < N_DB_PATHS; i++) {
        const db_path *p = &db_paths[i];
        if (p->rpm_dir && rpm_found[p->rpm_dir])
            continue; /* this directory's backend was read */
        if (read_database(&rd, p->path) && p->rpm_dir)
            rpm_found[p->rpm_dir] = true;
    }
    read_status_d(&rd);
    read_os(&rd);
    set_purls(out);
    *n_databases = rd.n_databases;
    free(rd.files);
}
