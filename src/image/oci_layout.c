/* OCI image layout directories (oci:DIR): index.json -> nested indexes ->
 * manifest (by platform and tag) -> config and layers, every file opened
 * below the layout's directory without following any symlink and refused
 * unless it is a regular file (a FIFO or a device cannot block the read),
 * and the layers streamed in parallel (layer_pool.c), a blob listed at
 * several positions read once. Not for layouts inside a tar
 * (docker_archive.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/image_internal.h"
#include "util/cleanup.h"
#include "util/input_file.h"
#include "util/mem.h"

#define MAX_NESTED_INDEX 4

/* Opens rel ("index.json", "blobs/sha256/<hex>") below the layout's
 * directory dfd the way util/input_file.h opens a user's input file, but
 * with every component opened O_NOFOLLOW: no symlink is followed, into or
 * out of the layout. The last component is opened O_NONBLOCK (a FIFO or a
 * device cannot block open()) and must be a regular file; the flag is then
 * cleared. what names the file's role ("layer blob"). Messages name rel
 * (the caller adds the layout's path) in input_file.h's words: "rel: WHAT
 * is not a regular file (it is a FIFO)". Returns the fd or < 0 with err:
 * LD_ERR_NOT_FOUND (missing), LD_ERR_INVALID (not a regular file, a link,
 * no permission), LD_ERR_GENERIC. */
static int open_in_layout(int dfd, const char *rel, const char *what, ld_error *err)
{
    char part[LD_IMG_MAX_PATH + 1];
    ld_autoclose int cur = -1; /* the directory being walked; dfd at first */
    const char *p = rel;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 0 || n > LD_IMG_MAX_PATH)
            return ld_error_set(err, LD_ERR_INVALID, "%s: not a path inside the layout", rel);
        memcpy(part, p, n);
        part[n] = '\0';
        int at = cur >= 0 ? cur : dfd;
        int flags = slash ? O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
                          : O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
        int fd;
        do
            fd = openat(at, part, flags);
        while (fd < 0 && errno == EINTR);
        if (fd < 0) {
            int e = errno;
            size_t upto = (size_t)(p - rel) + n; /* the component that failed */
            struct stat lst;
            const char *role = slash ? "directory" : what;
            if (e == ENOENT)
                return ld_error_set(err, LD_ERR_NOT_FOUND, "%.*s: %s missing from the layout",
                                    (int)upto, rel, role);
            bool kind_known = (e == ELOOP || e == ENOTDIR || e == ENXIO) &&
                              fstatat(at, part, &lst, AT_SYMLINK_NOFOLLOW) == 0;
            if (kind_known && slash)
                return ld_error_set(err, LD_ERR_INVALID, "%.*s: not a directory (it is %s)",
                                    (int)upto, rel, ld_file_kind(lst.st_mode));
            if (kind_known)
                return ld_error_set(err, LD_ERR_INVALID, "%s: %s is not a regular file (it is %s)",
                                    rel, what, ld_file_kind(lst.st_mode));
            return ld_error_set_errno(err,
                                      e == EACCES || e == EPERM ? LD_ERR_INVALID : LD_ERR_GENERIC,
                                      e, "%.*s: cannot open %s", (int)upto, rel, role);
        }
        if (cur >= 0)
            close(cur);
        cur = fd;
        if (!slash)
            break;
        p = slash + 1;
    }
    struct stat st;
    if (fstat(cur, &st) != 0)
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "%s: cannot stat %s", rel, what);
    if (!S_ISREG(st.st_mode))
        return ld_error_set(err, LD_ERR_INVALID, "%s: %s is not a regular file (it is %s)", rel,
                            what, ld_file_kind(st.st_mode));
    int fl = fcntl(cur, F_GETFL);
    if (fl < 0 || fcntl(cur, F_SETFL, fl & ~O_NONBLOCK) != 0)
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "%s: cannot open %s", rel, what);
    return ld_steal_fd(&cur);
}

/* Opens the blob of digest (validated first: it becomes a file name). */
static int open_blob(int dfd, const char *digest, const char *what, ld_error *err)
{
    if (!ld_img_digest_valid(digest))
        return ld_error_set(err, LD_ERR_CORRUPT, "invalid digest \"%.100s\"", digest);
    char rel[sizeof("blobs/sha256/") + 64];
    snprintf(rel, sizeof(rel), "blobs/sha256/%s", digest + 7);
    return open_in_layout(dfd, rel, what, err);
}

/* Reads a JSON document of the layout (at most LD_IMG_MAX_JSON_BYTES;
 * over it, the error names the size and the limit). rel names it. Caller
 * frees *out. */
static int read_doc(int fd, const char *rel, const char *what, char **out, size_t *len,
                    ld_error *err)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "%s: cannot stat %s", rel, what);
    if ((uint64_t)st.st_size > LD_IMG_MAX_JSON_BYTES) {
        /* "index.json" says what it is; a blob's path needs its role */
        ld_autofree char *name =
            strchr(rel, '/') ? ld_xasprintf("%s %s", what, rel) : ld_xstrdup(rel);
        return ld_img_doc_too_large(name, (uint64_t)st.st_size, err);
    }
    /* the cap holds a file that grows while it is read, too */
    return ld_input_read_fd(fd, rel, what, LD_IMG_MAX_JSON_BYTES, out, len, err);
}

/* Reads a JSON blob and checks its digest. */
static int read_json_blob(int dfd, const char *digest, const char *what, char **out, size_t *len,
                          ld_error *err)
{
    ld_autoclose int fd = open_blob(dfd, digest, what, err);
    if (fd < 0)
        return err->code;
    char rel[sizeof("blobs/sha256/") + 64];
    snprintf(rel, sizeof(rel), "blobs/sha256/%s", digest + 7);
    if (read_doc(fd, rel, what, out, len, err) < 0)
        return err->code;
    char got[LD_DIGEST_LEN + 1];
    ld_img_sha256_buf(*out, *len, got);
    if (strcmp(got, digest) != 0) {
        free(*out);
        *out = NULL;
        return ld_error_set(err, LD_ERR_CORRUPT, "%s %s: digest mismatch (content is %s)", what,
                            digest, got);
    }
    return 0;
}

static ssize_t fd_read(void *ctx, uint8_t *buf, size_t len, ld_error *err)
{
    int fd = *(int *)ctx;
    for (;;) {
        ssize_t n = read(fd, buf, len);
        if (n >= 0)
            return n;
        if (errno != EINTR)
            return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "read");
    }
}

/* index.json -> (nested indexes) -> manifest. On success *doc holds the
 * manifest and *digest its digest (caller frees both). */
static int pick_manifest(int dfd, const ld_img_opts *opt, char **doc, size_t *len, char **digest,
                         ld_error *err)
{
    {
        ld_autoclose int ifd = open_in_layout(dfd, "index.json", "OCI index", err);
        if (ifd < 0 || read_doc(ifd, "index.json", "OCI index", doc, len, err) < 0)
            return err->code;
    }
    for (int depth = 0;; depth++) {
        ld_oci_index ix;
        if (ld_oci_index_parse(*doc, *len, &ix, err) < 0)
            return err->code;
        int pick = ld_oci_index_pick(&ix, opt->platform, depth == 0 ? opt->tag : NULL, err);
        if (pick < 0) {
            ld_oci_index_clear(&ix);
            return err->code;
        }
        bool nested = ld_oci_is_index_type(ix.v[pick].media_type);
        free(*digest);
        *digest = ld_xstrdup(ix.v[pick].digest);
        ld_oci_index_clear(&ix);
        free(*doc);
        *doc = NULL;
        if (read_json_blob(dfd, *digest, nested ? "nested index" : "manifest", doc, len, err) < 0)
            return err->code;
        if (!nested)
            return 0;
        if (depth >= MAX_NESTED_INDEX)
            return ld_error_set(err, LD_ERR_CORRUPT, "OCI indexes nested deeper than %d",
                                MAX_NESTED_INDEX);
    }
}

/* Opens the layout directory; what is at path when it is not one. */
static int open_layout(const char *path, ld_error *err)
{
    int dfd;
    do
        dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    while (dfd < 0 && errno == EINTR);
    if (dfd >= 0)
        return dfd;
    int e = errno;
    struct stat st;
    if (e == ENOTDIR && stat(path, &st) == 0)
        return ld_error_set(err, LD_ERR_INVALID, "%s: OCI layout is not a directory (it is %s)",
                            path, ld_file_kind(st.st_mode));
    return ld_error_set_errno(err, e == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_GENERIC, e,
                              "cannot open OCI layout %s", path);
}

ld_image *ld_img_read_oci_dir(const char *path, const ld_img_opts *opt, const ld_analyzer *an,
                              size_t n_an, ld_error *err)
{
    ld_autoclose int dfd = open_layout(path, err);
    if (dfd < 0)
        return NULL;
    /* the layout's marker file is optional here, but never a FIFO, a
     * device or a link */
    {
        ld_error lerr = LD_ERROR_INIT;
        ld_autoclose int lfd = open_in_layout(dfd, "oci-layout", "layout marker", &lerr);
        if (lfd < 0 && lerr.code != LD_ERR_NOT_FOUND) {
            *err = lerr;
            ld_error_wrap(err, "%s", path);
            return NULL;
        }
    }
    ld_autofree char *doc = NULL;
    ld_autofree char *digest = NULL;
    size_t len = 0;
    ld_oci_manifest m;
    if (pick_manifest(dfd, opt, &doc, &len, &digest, err) < 0 ||
        ld_oci_manifest_parse(doc, len, &m, err) < 0) {
        ld_error_wrap(err, "%s", path);
        return NULL;
    }
    ld_autofree char *cfg = NULL;
    size_t cfg_len = 0;
    ld_image *img = NULL;
    ld_image_config conf = {0};
    size_t n = m.n_layers; /* <= LD_IMG_MAX_LAYERS */
    ld_layer_plan plan = {0};
    int *fds = ld_xcalloc(n + 1, sizeof(int)); /* per job */
    for (size_t i = 0; i < n; i++)
        fds[i] = -1;
    if (read_json_blob(dfd, m.config.digest, "config", &cfg, &cfg_len, err) < 0)
        goto out;
    if (ld_image_config_parse(cfg, cfg_len, &conf, err) < 0) {
        ld_error_wrap(err, "config %s", m.config.digest);
        goto out;
    }
    ld_layer_plan_make(&plan, &m, &conf, opt, an, n_an);
    for (size_t k = 0; k < plan.n_jobs; k++) {
        fds[k] = open_blob(dfd, plan.jobs[k].expect_digest, "layer blob", err);
        if (fds[k] < 0) {
            ld_error_wrap(err, "%s", plan.names[k]);
            goto out;
        }
        plan.jobs[k].read = fd_read;
        plan.jobs[k].read_ctx = &fds[k];
    }
    if (ld_img_run_layers(plan.jobs, plan.results, plan.n_jobs, opt->threads, err) < 0)
        goto out;
    ld_img_parts p = {
        .kind = "oci",
        .name = path,
        .config_json = cfg,
        .config_len = cfg_len,
        .config_digest = m.config.digest,
        .manifest_digest = digest,
        .layers = plan.by_layer,
        .layer_media_types = plan.media_types,
        .n_layers = n,
    };
    img = ld_img_assemble(&p, an, n_an, err);
out:
    if (!img)
        ld_error_wrap(err, "%s", path);
    for (size_t i = 0; i < n; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
    }
    free(fds);
    ld_layer_plan_free(&plan);
    ld_image_config_clear(&conf);
    ld_oci_manifest_clear(&m);
    return img;
}
