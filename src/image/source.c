/* Which source a target names: an explicit prefix (docker-archive:,
 * oci-archive:, oci:, dir:, docker:, registry: and skopeo's docker://) or,
 * for a bare target, what is at that path (an OCI layout directory, another
 * directory, an archive file), and an image name when nothing is there (the
 * reader asks the engine first, then the name's registry: resolve.c); and
 * the words every source uses for its limits. Not for reading anything. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/image_internal.h"

void ld_img_format_size(uint64_t n, char *buf, size_t len)
{
    static const char *const units[] = {"TiB", "GiB", "MiB", "KiB"};
    for (int u = 0; u < 4; u++) {
        uint64_t unit = (uint64_t)1 << (10 * (4 - u));
        if (n >= unit && n % unit == 0) {
            snprintf(buf, len, "%llu %s", (unsigned long long)(n / unit), units[u]);
            return;
        }
    }
    snprintf(buf, len, "%llu bytes", (unsigned long long)n);
}

int ld_img_doc_too_large(const char *what, uint64_t size, ld_error *err)
{
    char cap[32];
    ld_img_format_size(LD_IMG_MAX_JSON_BYTES, cap, sizeof(cap));
    return ld_error_set(err, LD_ERR_LIMIT,
                        "%s is %llu bytes, over the %s limit for an image's JSON documents", what,
                        (unsigned long long)size, cap);
}

static const struct {
    const char *prefix;
    ld_src_kind kind;
} prefixes[] = {
    {"docker-archive:", LD_SRC_DOCKER_ARCHIVE},
    {"oci-archive:", LD_SRC_OCI_ARCHIVE},
    {"oci:", LD_SRC_OCI_DIR},
    {"oci-dir:", LD_SRC_OCI_DIR},
    {"dir:", LD_SRC_DIR},
    {"registry:", LD_SRC_REGISTRY},
    {"docker://", LD_SRC_REGISTRY}, /* skopeo's name for a registry; before "docker:" */
    {"docker:", LD_SRC_ENGINE},
    {"docker-daemon:", LD_SRC_ENGINE},
};

static bool has_file(const char *dir, const char *name)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return false;
    struct stat st;
    bool ok = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
    close(dfd);
    return ok;
}

/* Would a user who typed target mean a file? An absolute or relative path
 * (/x, ./x, ../x, ~/x), a name with an archive's extension (app.tar,
 * img.tar.gz, x.tgz, x.tar.zst, x.tar.xz, x.oci), or a path whose first
 * directory exists here (build/app when ./build is a directory). Such a
 * target that does not exist is "no such file", never an engine image name. */
static bool looks_like_path(const char *target)
{
    if (target[0] == '/' || target[0] == '~' || strncmp(target, "./", 2) == 0 ||
        strncmp(target, "../", 3) == 0 || strcmp(target, ".") == 0 || strcmp(target, "..") == 0)
        return true;
    static const char *const exts[] = {".tar", ".tar.gz", ".tgz", ".tar.zst", ".tar.xz",
                                       ".tar.bz2", ".oci", ".zip"};
    size_t n = strlen(target);
    for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
        size_t e = strlen(exts[i]);
        if (n > e && strcmp(target + n - e, exts[i]) == 0)
            return true;
    }
    const char *slash = strchr(target, '/');
    if (slash && slash > target && (size_t)(slash - target) < 256) {
        char first[256];
        memcpy(first, target, (size_t)(slash - target));
        first[slash - target] = '\0';
        struct stat st;
        if (stat(first, &st) == 0 && S_ISDIR(st.st_mode))
            return true;
    }
    return false;
}

int ld_img_detect_source(const char *target, ld_src_kind *kind, const char **rest, ld_error *err)
{
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        size_t pl = strlen(prefixes[i].prefix);
        if (strncmp(target, prefixes[i].prefix, pl) == 0) {
            *kind = prefixes[i].kind;
            *rest = target + pl;
            if (!**rest)
                return ld_error_set(err, LD_ERR_INVALID, "nothing after \"%s\" in \"%s\"",
                                    prefixes[i].prefix, target);
            return 0;
        }
    }
    *rest = target;
    struct stat st;
    if (stat(target, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            *kind = has_file(target, "index.json") && has_file(target, "oci-layout")
                        ? LD_SRC_OCI_DIR
                        : LD_SRC_DIR;
            return 0;
        }
        /* docker-archive and oci-archive share a reader that decides by
         * content; it refuses what is not a regular file (a FIFO, a device)
         * without opening it in a way that could block, in the words every
         * input file gets (util/input_file.h) */
        *kind = LD_SRC_DOCKER_ARCHIVE;
        return 0;
    }
    if (errno != ENOENT)
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "cannot stat %s", target);
    if (looks_like_path(target))
        return ld_error_set(err, LD_ERR_NOT_FOUND, "no such file: %s", target);
    /* like syft: a name that is not a path is an image name, the engine's
     * when it holds it, else its registry's (*rest == target tells the
     * reader it was not forced with docker:) */
    *kind = LD_SRC_ENGINE;
    return 0;
}
