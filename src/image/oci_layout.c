/* OCI image layout directories (oci:DIR): index.json -> nested indexes ->
 * manifest (by platform and tag) -> config and layers, each blob opened under
 * the layout's blobs/ directory without following symlinks out of it, and
 * the layers streamed in parallel (layer_pool.c). Not for layouts inside a
 * tar (docker_archive.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/image_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define MAX_NESTED_INDEX 4

/* Opens blobs/sha256/<hex> under dfd, refusing symlinks at every step. */
static int open_blob(int dfd, const char *digest, ld_error *err)
{
    if (!ld_img_digest_valid(digest))
        return ld_error_set(err, LD_ERR_CORRUPT, "invalid digest \"%.100s\"", digest);
    ld_autoclose int b = openat(dfd, "blobs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    ld_autoclose int s =
        b < 0 ? -1 : openat(b, "sha256", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int fd = s < 0 ? -1 : openat(s, digest + 7, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return ld_error_set_errno(err, errno == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_GENERIC, errno,
                                  "blob %s", digest);
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return ld_error_set(err, LD_ERR_CORRUPT, "blob %s is not a regular file", digest);
    }
    return fd;
}

/* Reads a small file at fd (≤ LD_IMG_MAX_JSON_BYTES). Caller frees *out. */
static int slurp(int fd, const char *what, char **out, size_t *len, ld_error *err)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "%s", what);
    if ((uint64_t)st.st_size > LD_IMG_MAX_JSON_BYTES)
        return ld_error_set(err, LD_ERR_LIMIT, "%s: %lld bytes is larger than %zu", what,
                            (long long)st.st_size, LD_IMG_MAX_JSON_BYTES);
    size_t size = (size_t)st.st_size;
    char *buf = ld_xmalloc(size + 1);
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    if (got != size) {
        free(buf);
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: short read", what);
    }
    buf[size] = '\0';
    *out = buf;
    *len = size;
    return 0;
}

/* Reads a JSON blob and checks its digest. */
static int read_json_blob(int dfd, const char *digest, const char *what, char **out, size_t *len,
                          ld_error *err)
{
    ld_autoclose int fd = open_blob(dfd, digest, err);
    if (fd < 0)
        return ld_error_wrap(err, "%s", what);
    if (slurp(fd, what, out, len, err) < 0)
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
        ld_autoclose int ifd =
            openat(dfd, "index.json", O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        if (ifd < 0)
            return ld_error_set_errno(err, LD_ERR_NOT_FOUND, errno, "index.json");
        if (slurp(ifd, "index.json", doc, len, err) < 0)
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

ld_image *ld_img_read_oci_dir(const char *path, const ld_img_opts *opt, const ld_analyzer *an,
                              size_t n_an, ld_error *err)
{
    ld_autoclose int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        ld_error_set_errno(err, errno == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_GENERIC, errno,
                           "cannot open OCI layout %s", path);
        return NULL;
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
    size_t n = m.n_layers;
    ld_layer_job *jobs = ld_xcalloc(n + 1, sizeof(*jobs));
    ld_layer_result *results = ld_xcalloc(n + 1, sizeof(*results));
    ld_layer_result **ptrs = ld_xcalloc(n + 1, sizeof(*ptrs));
    char **names = ld_xcalloc(n + 1, sizeof(char *));
    char **mts = ld_xcalloc(n + 1, sizeof(char *));
    int *fds = ld_xcalloc(n + 1, sizeof(int));
    for (size_t i = 0; i < n; i++)
        fds[i] = -1;
    if (read_json_blob(dfd, m.config.digest, "config", &cfg, &cfg_len, err) < 0)
        goto out;
    if (ld_image_config_parse(cfg, cfg_len, &conf, err) < 0) {
        ld_error_wrap(err, "config %s", m.config.digest);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        names[i] = ld_xasprintf("layer %zu (%s)", i, m.layers[i].digest);
        mts[i] = m.layers[i].media_type;
        fds[i] = open_blob(dfd, m.layers[i].digest, err);
        if (fds[i] < 0) {
            ld_error_wrap(err, "%s", names[i]);
            goto out;
        }
        jobs[i] = (ld_layer_job){
            .read = fd_read,
            .read_ctx = &fds[i],
            .name = names[i],
            .expect_digest = m.layers[i].digest,
            .expect_diff_id = i < conf.n_diff_ids ? conf.diff_ids[i] : NULL,
            .layer = (int)i,
            .opt = opt,
            .analyzers = an,
            .n_analyzers = n_an,
        };
        ptrs[i] = &results[i];
    }
    if (ld_img_run_layers(jobs, results, n, opt->threads, err) < 0)
        goto out;
    ld_img_parts p = {
        .kind = "oci",
        .name = path,
        .config_json = cfg,
        .config_len = cfg_len,
        .config_digest = m.config.digest,
        .manifest_digest = digest,
        .layers = ptrs,
        .layer_media_types = mts,
        .n_layers = n,
    };
    img = ld_img_assemble(&p, an, n_an, err);
out:
    if (!img)
        ld_error_wrap(err, "%s", path);
    for (size_t i = 0; i < n; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
        free(names[i]);
        ld_layer_result_clear(&results[i]);
    }
    free(fds);
    free(names);
    free(mts);
    free(ptrs);
    free(results);
    free(jobs);
    ld_image_config_clear(&conf);
    ld_oci_manifest_clear(&m);
    return img;
}
