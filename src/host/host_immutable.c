/* host.immutable: read-only root or /usr, image-based OS markers and
 * package managers under a host root. See host_immutable.h. */
#include "host/host_immutable.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/host_files.h"
#include "host/host_os.h"
#include "host/mountinfo.h"
#include "util/cleanup.h"
#include "util/mem.h"
#include "util/os_release.h"
#include "util/strlist.h"

#define CHECK_ID "host.immutable"

/* os-release ID (or ID_LIKE word) of an OS that is updated as a whole
 * image, never package by package. */
static const char *const image_os_ids[] = {
    "flatcar",
    "coreos",
    "fedora-coreos",
    "rhcos",
    "bottlerocket",
    "talos",
    "cos",
    "ubuntu-core",
    "k3os",
    "microos",
    "opensuse-microos",
    "sle-micro",
    "sl-micro",
    "opensuse-leap-micro",
    NULL,
};

static const char *const pkg_dirs[] = {"/usr/bin", "/usr/sbin", "/bin", "/sbin", NULL};
static const char *const pkg_names[] = {"apt", "apt-get", "dpkg",   "dnf", "microdnf",
                                        "yum", "rpm",     "zypper", "apk", NULL};

/* Whether path under root is an executable regular file (followed inside root). */
static bool executable(const char *root, const char *path)
{
    struct stat st;
    return ld_host_stat(root, path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

static bool present(const char *root, const char *path)
{
    struct stat st;
    return ld_host_lstat(root, path, &st) == 0;
}

/* Package manager binaries under root into out ("/usr/bin/dpkg"), each
 * name once (merged /usr makes /bin/dpkg the same file). */
static void find_package_managers(const char *root, ld_strlist *out)
{
    for (const char *const *n = pkg_names; *n; n++)
        for (const char *const *d = pkg_dirs; *d; d++) {
            ld_autofree char *p = ld_xasprintf("%s/%s", *d, *n);
            if (executable(root, p)) {
                ld_strlist_push(out, p);
                break;
            }
        }
}

/* The mount table: *text (caller frees) and *where (static) on success. */
static int read_mount_table(const char *root, char **text, size_t *len, const char **where,
                            ld_error *err)
{
    if (ld_host_root_is_slash(root)) {
        ld_error e1 = LD_ERROR_INIT;
        if (ld_host_read_file(NULL, "/proc/1/mountinfo", LD_MOUNTINFO_MAX_BYTES, text, len, &e1) ==
            0) {
            *where = "/proc/1/mountinfo";
            return 0;
        }
        *where = "/proc/self/mountinfo";
        return ld_host_read_file(NULL, "/proc/self/mountinfo", LD_MOUNTINFO_MAX_BYTES, text, len,
                                 err);
    }
    *where = "/proc/1/mountinfo";
    return ld_host_read_file(root, "/proc/1/mountinfo", LD_MOUNTINFO_MAX_BYTES, text, len, err);
}

/* "ro"/"rw" with what is mounted, e.g. "read-only (ext4 /dev/vda1)". */
static char *describe(const ld_mount_entry *e)
{
    return ld_xasprintf("%s (%s %s, line %d)", ld_mount_entry_ro(e) ? "read-only" : "read-write",
                        e->fstype, e->source, e->line);
}

static void add_os_markers(const char *root, const ld_os_release *os, bool have_os,
                           const ld_mount_table *mt, bool have_mt, ld_strlist *markers)
{
    if (present(root, "/run/ostree-booted"))
        ld_strlist_push(markers, "ostree (/run/ostree-booted)");
    else if (present(root, "/ostree"))
        ld_strlist_push(markers, "ostree (/ostree)");
    if (have_os) {
        for (const char *const *id = image_os_ids; *id; id++)
            if (ld_os_release_is_like(os, *id)) {
                ld_strlist_push_owned(markers, ld_xasprintf("os-release ID=%s", os->id));
                break;
            }
        if (os->variant_id && strcmp(os->variant_id, "coreos") == 0)
            ld_strlist_push_owned(markers,
                                  ld_xasprintf("os-release VARIANT_ID=%s", os->variant_id));
    }
    if (executable(root, "/usr/sbin/transactional-update") ||
        executable(root, "/sbin/transactional-update"))
        ld_strlist_push(markers, "transactional-update installed");
    if (have_os && os->id && strcmp(os->id, "nixos") == 0 && have_mt) {
        const ld_mount_entry *store = ld_mount_table_at(mt, "/nix/store");
        if (store && ld_mount_entry_ro(store))
            ld_strlist_push(markers, "NixOS with /nix/store read-only");
    }
}

static char *joined(const ld_strlist *l)
{
    size_t n = 1;
    for (size_t i = 0; i < l->n; i++)
        n += strlen(l->v[i]) + 2;
    char *s = ld_xmalloc(n);
    s[0] = '\0';
    size_t o = 0;
    for (size_t i = 0; i < l->n; i++) {
        size_t k = strlen(l->v[i]);
        if (i) {
            memcpy(s + o, ", ", 2);
            o += 2;
        }
        memcpy(s + o, l->v[i], k);
        o += k;
        s[o] = '\0';
    }
    return s;
}

int ld_host_immutable_check(ld_findings *fs, const char *host_root, ld_error *err)
{
    if (!host_root || !host_root[0])
        host_root = "/";
    ld_autoclose int rootfd = open(host_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return ld_error_set_errno(err, LD_ERR_NOT_FOUND, errno, "host root \"%s\"", host_root);
    ld_findings_scope(fs, LD_SCOPE_OWED, CHECK_ID, NULL);
    ld_autofree char *host = ld_host_name(host_root);

    /* mount table */
    ld_autofree char *mtext = NULL;
    const char *mwhere = NULL;
    ld_error merr = LD_ERROR_INIT;
    size_t mlen = 0;
    ld_mount_table mt = {0};
    bool have_mt = read_mount_table(host_root, &mtext, &mlen, &mwhere, &merr) == 0 &&
                   ld_mountinfo_parse(mtext, mlen, &mt, &merr) == 0;
    const ld_mount_entry *rootm = have_mt ? ld_mount_table_at(&mt, "/") : NULL;
    if (have_mt && !rootm) {
        have_mt = false;
        ld_error_set(&merr, LD_ERR_CORRUPT, "%s lists no mount at /", mwhere);
    }
    const ld_mount_entry *usrm = have_mt ? ld_mount_table_at(&mt, "/usr") : NULL;

    /* os-release */
    ld_os_release os = {0};
    bool have_os = false;
    static const char *const osr[] = {"/etc/os-release", "/usr/lib/os-release", NULL};
    for (const char *const *p = osr; *p && !have_os; p++) {
        ld_autofree char *buf = NULL;
        size_t len = 0;
        ld_error e = LD_ERROR_INIT;
        if (ld_host_read_file(host_root, *p, LD_OS_RELEASE_MAX, &buf, &len, &e) == 0)
            have_os = ld_os_release_parse(buf, len, &os, &e) == 0;
    }

    ld_strlist markers = {0}, pkgs = {0};
    add_os_markers(host_root, &os, have_os, &mt, have_mt, &markers);
    find_package_managers(host_root, &pkgs);

    ld_autofree char *os_txt = have_os ? ld_xasprintf("os-release ID=%s", os.id ? os.id : "(none)")
                                       : ld_xstrdup("no os-release");
    ld_autofree char *pkg_txt = pkgs.n ? joined(&pkgs) : ld_xstrdup("none");
    ld_autofree char *mounts_txt = NULL;
    if (have_mt) {
        ld_autofree char *r = describe(rootm);
        ld_autofree char *u = usrm ? describe(usrm) : ld_xstrdup("on /");
        mounts_txt = ld_xasprintf("/ %s, /usr %s, from %s", r, u, mwhere);
    } else {
        mounts_txt = ld_xasprintf("mount table not read (%s)", merr.msg[0] ? merr.msg : "unknown");
    }

    ld_status status;
    ld_autofree char *why = NULL;
    bool root_ro = rootm && ld_mount_entry_ro(rootm);
    bool usr_ro = usrm ? ld_mount_entry_ro(usrm) : root_ro;
    if (markers.n) {
        ld_autofree char *m = joined(&markers);
        status = LD_STATUS_PASS;
        why = ld_xasprintf("image-based OS: %s", m);
    } else if (!have_mt) {
        status = LD_STATUS_ERROR;
        why = ld_xasprintf("not assessed: cannot tell whether / or /usr is read-only; no "
                           "image-based OS marker (%s, no /run/ostree-booted, no /ostree)",
                           os_txt);
    } else if (root_ro || usr_ro) {
        status = LD_STATUS_PASS;
        why = ld_xstrdup(root_ro ? "the root file system is read-only" : "/usr is read-only");
    } else if (pkgs.n) {
        status = LD_STATUS_FAIL;
        why = ld_xasprintf("writable root and /usr with a package manager: the host can be "
                           "changed in place; no image-based OS marker (%s, no "
                           "/run/ostree-booted, no /ostree)",
                           os_txt);
    } else {
        status = LD_STATUS_WARN;
        why = ld_xasprintf("writable root and /usr, no package manager seen and no image-based "
                           "OS marker (%s): review how this host is updated",
                           os_txt);
    }
    int rc = ld_findings_check(fs, CHECK_ID, status, LD_TARGET_HOST, host, NULL, err,
                               "%s; %s; package managers: %s", why, mounts_txt, pkg_txt);
    ld_strlist_clear(&markers);
    ld_strlist_clear(&pkgs);
    ld_mount_table_clear(&mt);
    ld_os_release_clear(&os);
    return rc;
}
