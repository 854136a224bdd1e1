/* host.container-os: is the host OS one built to run containers (NIST
 * SP 800-190 HOST-01)? Reads os-release under a root without following
 * symlinks out of it. See host_os.h. */
#include "host/host_os.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef SYS_openat2
#include <linux/openat2.h>
#endif

#include "util/cleanup.h"
#include "util/mem.h"
#include "util/os_release.h"
#include "util/strlist.h"

#define CHECK_ID "host.container-os"
#define HOSTNAME_FILE_MAX 4096

/* ID / ID_LIKE values of container-optimised host OSes. */
static const char *const container_os_ids[] = {
    "bottlerocket",     /* AWS Bottlerocket */
    "flatcar",          /* Flatcar Container Linux */
    "coreos",           /* CoreOS Container Linux; Flatcar's ID_LIKE */
    "fedora-coreos",    /* some derivatives use it as ID_LIKE */
    "rhcos",            /* Red Hat Enterprise Linux CoreOS (OpenShift) */
    "talos",            /* Talos Linux */
    "cos",              /* Google Container-Optimized OS */
    "rancheros",        /* RancherOS */
    "k3os",             /* k3OS */
    "opensuse-microos", /* openSUSE MicroOS */
    "microos",
    "sle-micro", /* SUSE Linux Enterprise Micro */
    "sl-micro",  /* SUSE Linux Micro 6 */
    NULL,
};

/* VARIANT_ID values that make a general distribution's edition container-specific. */
static const char *const container_os_variants[] = {
    "coreos", /* Fedora CoreOS: ID=fedora VARIANT_ID=coreos */
    NULL,
};

/* Opens rel (relative, no leading '/') under rootfd for reading, never
 * leaving the root: openat2(RESOLVE_IN_ROOT) where the kernel has it, else a
 * component walk that refuses symlinks (ELOOP). Returns an fd or -errno. */
static int open_in_root(int rootfd, const char *rel)
{
    int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
#ifdef SYS_openat2
    struct open_how how = {
        .flags = (unsigned long long)flags,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    long fd;
    do
        fd = syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
    while (fd < 0 && errno == EINTR);
    if (fd >= 0)
        return (int)fd;
    /* ENOSYS: kernel before 5.6; EPERM: a seccomp filter that predates it. */
    if (errno != ENOSYS && errno != EPERM)
        return -errno;
#endif
    ld_autofree char *copy = ld_xstrdup(rel);
    ld_autoclose int dir = -1;
    int at = rootfd;
    char *save = NULL;
    char *part = strtok_r(copy, "/", &save);
    while (part) {
        char *next = strtok_r(NULL, "/", &save);
        if (strcmp(part, "..") == 0)
            return -EPERM;
        int o = next ? (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : (flags | O_NOFOLLOW);
        int fd2;
        do
            fd2 = openat(at, part, o);
        while (fd2 < 0 && errno == EINTR);
        if (fd2 < 0)
            return -errno;
        if (dir >= 0)
            close(dir);
        dir = fd2;
        at = fd2;
        part = next;
    }
    return dir >= 0 ? ld_steal_fd(&dir) : -ENOENT;
}

/* Reads a whole regular file of at most max bytes from fd into a new
 * NUL-terminated buffer (*out, caller frees). Returns 0 or an error. */
static int read_capped(int fd, const char *name, size_t max, char **out, size_t *len, ld_error *err)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "cannot stat \"%s\"", name);
    if (!S_ISREG(st.st_mode))
        return ld_error_set(err, LD_ERR_CORRUPT, "\"%s\" is not a regular file", name);
    ld_autofree char *buf = ld_xmalloc(max + 2);
    size_t n = 0;
    for (;;) {
        ssize_t got = read(fd, buf + n, max + 1 - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "cannot read \"%s\"", name);
        if (got == 0)
            break;
        n += (size_t)got;
        if (n > max)
            return ld_error_set(err, LD_ERR_LIMIT, "\"%s\" is larger than %zu bytes", name, max);
    }
    buf[n] = '\0';
    *len = n;
    *out = ld_steal_ptr(&buf);
    return 0;
}

static char *local_hostname(void)
{
    char name[HOST_NAME_MAX + 1];
    if (gethostname(name, sizeof(name)) < 0 || !name[0])
        return ld_xstrdup("localhost");
    name[HOST_NAME_MAX] = '\0';
    return ld_xstrdup(name);
}

static bool is_root_slash(const char *root)
{
    if (!root || !root[0])
        return true;
    for (const char *p = root; *p; p++)
        if (*p != '/')
            return false;
    return true;
}

char *ld_host_name(const char *root)
{
    if (is_root_slash(root))
        return local_hostname();
    ld_autoclose int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return local_hostname();
    ld_autoclose int fd = open_in_root(rootfd, "etc/hostname");
    ld_autofree char *buf = NULL;
    size_t len = 0;
    if (fd < 0 || read_capped(fd, "etc/hostname", HOSTNAME_FILE_MAX, &buf, &len, NULL) < 0)
        return local_hostname();
    size_t n = 0;
    while (n < len && n <= HOST_NAME_MAX && buf[n] > ' ' && buf[n] < 0x7f)
        n++;
    if (n == 0 || n > HOST_NAME_MAX)
        return local_hostname();
    return ld_xstrndup(buf, n);
}

/* The identifying assignments exactly as written, for evidence. */
typedef struct {
    char *raw[4]; /* ID, ID_LIKE, VARIANT_ID, VERSION_ID */
} raw_keys;

static const char *const evidence_keys[] = {"ID", "ID_LIKE", "VARIANT_ID", "VERSION_ID"};

static int keep_raw(const ld_os_release_entry *e, void *ctx)
{
    raw_keys *k = ctx;
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(e->key, evidence_keys[i]) != 0)
            continue;
        free(k->raw[i]);
        k->raw[i] = ld_xasprintf("%s=%s", e->key, e->raw);
    }
    return 0;
}

static bool in_list(const char *const *list, const char *s)
{
    for (; s && *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

/* The container-OS name os matches, or NULL. */
static const char *container_os(const ld_os_release *os)
{
    for (const char *const *id = container_os_ids; *id; id++)
        if (ld_os_release_is_like(os, *id))
            return *id;
    if (in_list(container_os_variants, os->variant_id))
        return os->variant_id;
    return NULL;
}

static int emit(ld_report *r, const char *host, ld_status status, const char *title,
                const char *path, const char *evidence, ld_error *err)
{
    const ld_control *c = ld_catalog_control_for_check(r->catalog, CHECK_ID);
    if (!c)
        return ld_error_set(err, LD_ERR_GENERIC, "check %s has no control in data/controls.yaml",
                            CHECK_ID);
    ld_finding *f = ld_finding_new(c, CHECK_ID, status);
    ld_finding_set_target(f, LD_TARGET_HOST, host, NULL);
    if (path)
        ld_finding_set_location(f, path, 0);
    if (title)
        ld_finding_set_title(f, title);
    f->evidence = ld_xstrdup(evidence);
    return ld_report_emit(r, f, err);
}

int ld_host_os_check(ld_report *r, const char *root, ld_error *err)
{
    if (!root || !root[0])
        root = "/";
    ld_autoclose int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return ld_error_set_errno(err, LD_ERR_NOT_FOUND, errno, "host root \"%s\"", root);
    ld_autofree char *host = ld_host_name(root);

    static const char *const candidates[] = {"etc/os-release", "usr/lib/os-release"};
    ld_autoclose int fd = -1;
    const char *rel = NULL;
    int first_errno = 0;
    for (size_t i = 0; i < 2 && fd < 0; i++) {
        fd = open_in_root(rootfd, candidates[i]);
        if (fd >= 0)
            rel = candidates[i];
        else if (!first_errno || first_errno == ENOENT || first_errno == ELOOP ||
                 first_errno == ENOTDIR)
            first_errno = -fd;
    }
    if (fd < 0) {
        ld_autofree char *ev =
            first_errno == ENOENT || first_errno == ELOOP || first_errno == ENOTDIR
                ? ld_xasprintf("no etc/os-release or usr/lib/os-release under %s", root)
                : ld_xasprintf("cannot open os-release under %s: %s", root, strerror(first_errno));
        return emit(r, host, LD_STATUS_ERROR, NULL, NULL, ev, err);
    }
    ld_autofree char *path = ld_xasprintf("/%s", rel);
    ld_autofree char *buf = NULL;
    size_t len = 0;
    ld_error rerr = LD_ERROR_INIT;
    if (read_capped(fd, path, LD_OS_RELEASE_MAX, &buf, &len, &rerr) < 0)
        return emit(r, host, LD_STATUS_ERROR, NULL, path, rerr.msg, err);

    raw_keys raw = {{NULL}};
    ld_os_release os;
    int rc = ld_os_release_foreach(buf, len, keep_raw, &raw, NULL, &rerr);
    if (rc == 0)
        rc = ld_os_release_parse(buf, len, &os, &rerr);
    if (rc < 0) {
        for (size_t i = 0; i < 4; i++)
            free(raw.raw[i]);
        return emit(r, host, LD_STATUS_ERROR, NULL, path, rerr.msg, err);
    }
    ld_strlist parts = {0};
    for (size_t i = 0; i < 4; i++)
        if (raw.raw[i])
            ld_strlist_push_owned(&parts, raw.raw[i]);
    if (!os.id)
        ld_strlist_push(&parts, "(no ID line: os-release(5) defaults to ID=linux)");
    ld_autofree char *ev = ld_strlist_join(&parts, " ");
    ld_strlist_clear(&parts);
    const char *match = container_os(&os);
    ld_os_release_clear(&os);
    if (match)
        return emit(r, host, LD_STATUS_PASS, NULL, path, ev, err);
    return emit(r, host, LD_STATUS_WARN, "host OS is general-purpose, not container-specific", path,
                ev, err);
}
