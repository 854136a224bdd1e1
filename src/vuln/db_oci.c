/* `db push` and `db pull` as library calls (vuln/db_oci.h): the database
 * compressed with zstd into one layer, pushed with its config and manifest
 * and signed through trust/verify.h (ld_trust_sign_image); pulled only
 * after ld_trust_verify_image said the manifest digest is signed by a
 * trusted key, every byte hashed as it streams in, decompressed into
 * DEST.tmp-XXXXXX (flock'ed, so db_build's stale-file sweep leaves it
 * alone) and renamed over DEST only when every digest, size and the
 * database itself checked out. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zstd.h>

#include "trust/verify.h"
#include "util/cleanup.h"
#include "util/input_file.h"
#include "util/mem.h"
#include "vuln/db.h"
#include "vuln/db_oci.h"

#define IO_CHUNK ((size_t)256 * 1024)

void ld_vulndb_push_result_clear(ld_vulndb_push_result *r)
{
    if (!r)
        return;
    free(r->digest);
    free(r->reference);
    ld_vulndb_artifact_clear(&r->artifact);
    memset(r, 0, sizeof(*r));
}

void ld_vulndb_pull_result_clear(ld_vulndb_pull_result *r)
{
    if (!r)
        return;
    free(r->digest);
    free(r->reference);
    free(r->key);
    free(r->verify_note);
    ld_vulndb_artifact_clear(&r->artifact);
    memset(r, 0, sizeof(*r));
}

/* ---- sha256 as "sha256:HEX" ---------------------------------------------- */

static EVP_MD_CTX *sha_new(void)
{
    EVP_MD *md = EVP_MD_fetch(NULL, "SHA256", NULL);
    EVP_MD_CTX *c = md ? EVP_MD_CTX_new() : NULL;
    if (c && EVP_DigestInit_ex(c, md, NULL) != 1) {
        EVP_MD_CTX_free(c);
        c = NULL;
    }
    EVP_MD_free(md);
    return c;
}

static char *sha_final(EVP_MD_CTX *c)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(c, md, &n) != 1 || n != 32)
        return NULL;
    static const char hex[] = "0123456789abcdef";
    char *s = ld_xmalloc(7 + 64 + 1);
    memcpy(s, "sha256:", 7);
    for (unsigned i = 0; i < 32; i++) {
        s[7 + 2 * i] = hex[md[i] >> 4];
        s[8 + 2 * i] = hex[md[i] & 15];
    }
    s[71] = '\0';
    return s;
}

static char *sha_of(const void *data, size_t len)
{
    EVP_MD_CTX *c = sha_new();
    char *s = NULL;
    if (c && EVP_DigestUpdate(c, data, len) == 1)
        s = sha_final(c);
    EVP_MD_CTX_free(c);
    return s;
}

static void progress(ld_vulndb_oci_progress_cb cb, void *ctx, const char *phase, uint64_t done,
                     uint64_t total)
{
    if (cb)
        cb(phase, done, total, ctx);
}

/* ---- push ---------------------------------------------------------------- */

/* What the database says about itself, for the annotations. */
static int describe_db(const char *path, ld_vulndb_artifact *a, ld_error *err)
{
    ld_vulndb *db = ld_vulndb_open(path, err);
    if (!db)
        return err->code;
    time_t built = 0;
    ld_vulndb_built_at(db, &built);
    ld_vulndb_source *src = NULL;
    size_t n = 0;
    int rc = ld_vulndb_sources(db, &src, &n, err);
    ld_vulndb_close(db);
    if (rc < 0)
        return rc;
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += strlen(src[i].name) + 1;
    char *feeds = ld_xcalloc(1, len + 1);
    for (size_t i = 0; i < n; i++) {
        if (i)
            strncat(feeds, ",", len - strlen(feeds));
        strncat(feeds, src[i].name, len - strlen(feeds));
    }
    ld_vulndb_sources_free(src, n);
    if (strlen(feeds) > LD_VULNDB_FEEDS_MAX) {
        free(feeds);
        return ld_error_set(err, LD_ERR_LIMIT, "%s: the source names are over %zu bytes together",
                            path, LD_VULNDB_FEEDS_MAX);
    }
    a->schema_version = LD_VULNDB_SCHEMA_VERSION;
    a->built_at = (int64_t)built;
    a->feeds = feeds;
    return 0;
}

typedef struct {
    uint8_t *v;
    size_t n, cap;
} zbuf;

/* Reads the file at fd, hashing it and compressing it into out. */
static int compress_file(int fd, const char *path, uint64_t size, int level, zbuf *out, char **sha,
                         const ld_vulndb_push_options *o, ld_error *err)
{
    ZSTD_CCtx *z = ZSTD_createCCtx();
    EVP_MD_CTX *h = sha_new();
    ld_autofree uint8_t *in = ld_xmalloc(IO_CHUNK);
    int rc = 0;
    if (!z || !h) {
        rc = ld_error_set(err, LD_ERR_GENERIC, "cannot set up zstd or SHA-256");
        goto out;
    }
    ZSTD_CCtx_setParameter(z, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(z, ZSTD_c_checksumFlag, 1);
    ZSTD_CCtx_setPledgedSrcSize(z, size);
    uint64_t done = 0;
    for (;;) {
        ssize_t r = read(fd, in, IO_CHUNK);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = ld_error_set_errno(err, LD_ERR_GENERIC, errno, "reading %s", path);
            goto out;
        }
        if (r > 0 && EVP_DigestUpdate(h, in, (size_t)r) != 1) {
            rc = ld_error_set(err, LD_ERR_GENERIC, "SHA-256 failed");
            goto out;
        }
        done += (uint64_t)r;
        if (done > size) {
            rc = ld_error_set(err, LD_ERR_GENERIC,
                              "%s grew while it was read: is an update running?", path);
            goto out;
        }
        ZSTD_inBuffer ib = {in, (size_t)r, 0};
        ZSTD_EndDirective mode = r == 0 ? ZSTD_e_end : ZSTD_e_continue;
        for (;;) {
            if (out->cap - out->n < ZSTD_CStreamOutSize()) {
                out->cap = out->cap * 2 + ZSTD_CStreamOutSize();
                out->v = ld_xrealloc(out->v, out->cap);
            }
            ZSTD_outBuffer ob = {out->v + out->n, out->cap - out->n, 0};
            size_t left = ZSTD_compressStream2(z, &ob, &ib, mode);
            if (ZSTD_isError(left)) {
                rc = ld_error_set(err, LD_ERR_GENERIC, "compressing %s: %s", path,
                                  ZSTD_getErrorName(left));
                goto out;
            }
            out->n += ob.pos;
            if (mode == ZSTD_e_end ? left == 0 : ib.pos == ib.size)
                break;
        }
        progress(o->progress, o->progress_ctx, "compressing", done, size);
        if (r == 0)
            break;
    }
    if (done != size) {
        rc = ld_error_set(err, LD_ERR_GENERIC, "%s changed size while it was read", path);
        goto out;
    }
    *sha = sha_final(h);
    if (!*sha)
        rc = ld_error_set(err, LD_ERR_GENERIC, "SHA-256 failed");
out:
    ZSTD_freeCCtx(z);
    EVP_MD_CTX_free(h);
    return rc;
}

int ld_vulndb_push(const ld_vulndb_push_options *o, ld_vulndb_push_result *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    ld_reg_ref r;
    if (ld_reg_ref_parse(o->ref, &r, err) < 0)
        return err->code;
    int rc = 0;
    ld_reg_client *c = NULL;
    zbuf z = {0};
    ld_autoclose int fd = -1;
    ld_autofree char *config = NULL;
    ld_autofree char *manifest = NULL;
    if (r.digest) {
        rc = ld_error_set(err, LD_ERR_INVALID,
                          "push to \"%s\": name a tag (REGISTRY/REPO:TAG), not a digest", o->ref);
        goto out;
    }
    ld_vulndb_artifact *a = &out->artifact;
    if (describe_db(o->db_path, a, err) < 0) {
        rc = err->code;
        goto out;
    }
    struct stat st;
    fd = ld_input_open(o->db_path, "vulnerability database", &st, err);
    if (fd < 0) {
        rc = fd;
        goto out;
    }
    a->db_size = (uint64_t)st.st_size;
    if (compress_file(fd, o->db_path, a->db_size, o->level ? o->level : 9, &z, &a->db_sha256, o,
                      err) < 0) {
        rc = err->code;
        goto out;
    }
    c = ld_reg_open(r.endpoint, o->registry, err);
    if (!c) {
        rc = err->code;
        goto out;
    }
    progress(o->progress, o->progress_ctx, "uploading", 0, z.n);
    if (ld_reg_put_blob(c, r.repo, z.v, z.n, &a->layer_digest, err) < 0) {
        rc = ld_error_wrap(err, "pushing the database layer to %s/%s", r.registry, r.repo);
        goto out;
    }
    progress(o->progress, o->progress_ctx, "uploading", z.n, z.n);
    a->layer_size = z.n;
    size_t config_len = 0, manifest_len = 0;
    config = ld_vulndb_artifact_config_build(a, &config_len);
    if (!config) {
        rc = ld_error_set(err, LD_ERR_GENERIC, "cannot build the artifact config");
        goto out;
    }
    if (ld_reg_put_blob(c, r.repo, config, config_len, &a->config_digest, err) < 0) {
        rc = ld_error_wrap(err, "pushing the artifact config to %s/%s", r.registry, r.repo);
        goto out;
    }
    a->config_size = config_len;
    manifest = ld_vulndb_artifact_manifest_build(a, &manifest_len);
    if (!manifest) {
        rc = ld_error_set(err, LD_ERR_GENERIC, "cannot build the artifact manifest");
        goto out;
    }
    if (ld_reg_put_manifest(c, r.repo, r.tag, LD_MT_OCI_MANIFEST, manifest, manifest_len,
                            &out->digest, err) < 0) {
        rc = ld_error_wrap(err, "pushing the artifact manifest to %s/%s:%s", r.registry, r.repo,
                           r.tag);
        goto out;
    }
    if (!out->digest)
        out->digest = sha_of(manifest, manifest_len);
    out->reference = ld_reg_ref_string(&r);
    if (o->key) {
        ld_autofree char *by_digest = ld_xasprintf("%s/%s@%s", r.registry, r.repo, out->digest);
        ld_sign_options so = {.key = o->key, .registry = o->registry, .identity = out->reference};
        if (ld_trust_sign_image(by_digest, &so, NULL, err) < 0) {
            rc =
                ld_error_wrap(err, "signing %s (the database was pushed unsigned)", out->reference);
            goto out;
        }
        out->signed_ = true;
    }
out:
    free(z.v);
    ld_reg_close(c);
    ld_reg_ref_clear(&r);
    if (rc < 0)
        ld_vulndb_push_result_clear(out);
    return rc;
}

/* ---- pull ---------------------------------------------------------------- */

/* Decides whether the manifest may be pulled: its digest verified against
 * the keys, or (insecure) resolved without a signature. *digest: the
 * manifest digest every later request names. */
static int resolve_verified(const ld_vulndb_pull_options *o, ld_reg_client *c, const ld_reg_ref *r,
                            ld_vulndb_pull_result *out, char **digest, ld_error *err)
{
    ld_sig_result v = {0};
    if (o->n_keys) {
        ld_verify_options vo = {.keys = o->keys, .n_keys = o->n_keys, .registry = o->registry};
        if (ld_trust_verify_image(o->ref, &vo, &v, err) < 0)
            return err->code;
    } else {
        v.state = LD_SIG_NOT_ASSESSED;
        v.reason = ld_xstrdup("no trusted key given");
    }
    int rc = 0;
    if (v.state == LD_SIG_VERIFIED) {
        *digest = ld_steal_ptr(&v.manifest_digest);
        out->key = ld_steal_ptr(&v.key);
        goto out;
    }
    if (!o->insecure_skip_verify) {
        const char *why = v.reason ? v.reason : ld_sig_state_name(v.state);
        if (v.state == LD_SIG_NOT_ASSESSED)
            rc = ld_error_set(err, LD_ERR_UNREACHABLE,
                              "%s: the signature could not be checked (%s): refused", o->ref, why);
        else
            rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: %s (%s): refused", o->ref,
                              ld_sig_state_name(v.state), why);
        goto out;
    }
    out->verify_note =
        ld_xasprintf("%s: %s", ld_sig_state_name(v.state), v.reason ? v.reason : "no detail");
    if (v.manifest_digest) {
        *digest = ld_steal_ptr(&v.manifest_digest);
    } else if (ld_reg_head_manifest(c, r->repo, ld_reg_ref_reference(r), digest, NULL, NULL, err) <
               0) {
        rc = ld_error_wrap(err, "resolving %s", o->ref);
    }
out:
    ld_sig_result_clear(&v);
    return rc;
}

/* mkdir -p of the directory holding path (a clean cache has none). */
static int make_parent_dirs(const char *path, ld_error *err)
{
    ld_autofree char *buf = ld_xstrdup(path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "cannot create directory %s",
                                      buf);
        *p = '/';
    }
    return 0;
}

/* The temporary file beside dest, exclusive and flock'ed. */
static int temp_beside(const char *dest, char **tmp_path, ld_error *err)
{
    if (make_parent_dirs(dest, err) < 0)
        return err->code;
    *tmp_path = ld_xasprintf("%s.tmp-XXXXXX", dest);
    int fd = mkostemp(*tmp_path, O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        free(*tmp_path);
        *tmp_path = NULL;
        return ld_error_set_errno(err, LD_ERR_GENERIC, e,
                                  "cannot create a temporary file beside %s", dest);
    }
    flock(fd, LOCK_EX | LOCK_NB);
    return fd;
}

static int write_all(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Streams the layer into fd: sha256 of what arrives and of what it
 * inflates to, sizes bounded by the manifest's. */
static int stream_layer(ld_reg_client *c, const char *repo, const ld_vulndb_artifact *a, int fd,
                        const char *tmp, const ld_vulndb_pull_options *o, ld_error *err)
{
    ld_reg_blob *b = ld_reg_blob_open(c, repo, a->layer_digest, a->layer_size);
    ZSTD_DCtx *z = ZSTD_createDCtx();
    EVP_MD_CTX *hz = sha_new(), *hd = sha_new();
    ld_autofree uint8_t *in = ld_xmalloc(IO_CHUNK);
    ld_autofree uint8_t *outb = ld_xmalloc(ZSTD_DStreamOutSize());
    ld_autofree char *got_z = NULL;
    ld_autofree char *got_d = NULL;
    uint64_t nz = 0, nd = 0;
    size_t last = 1; /* ZSTD_decompressStream's hint: 0 when a frame ended */
    int rc = 0;
    if (!b || !z || !hz || !hd) {
        rc = ld_error_set(err, LD_ERR_GENERIC, "cannot set up the layer download");
        goto out;
    }
    ZSTD_DCtx_setParameter(z, ZSTD_d_windowLogMax, 27); /* 128 MiB window at most */
    for (;;) {
        ssize_t n = ld_reg_blob_read(b, in, IO_CHUNK, err);
        if (n < 0) {
            rc = ld_error_wrap(err, "downloading layer %s", a->layer_digest);
            goto out;
        }
        if (n == 0)
            break;
        nz += (uint64_t)n;
        if (nz > a->layer_size) {
            rc = ld_error_set(err, LD_ERR_CORRUPT,
                              "layer %s: the registry sent more than the %" PRIu64
                              " bytes the manifest names; refused",
                              a->layer_digest, a->layer_size);
            goto out;
        }
        EVP_DigestUpdate(hz, in, (size_t)n);
        ZSTD_inBuffer ib = {in, (size_t)n, 0};
        while (ib.pos < ib.size) {
            ZSTD_outBuffer ob = {outb, ZSTD_DStreamOutSize(), 0};
            last = ZSTD_decompressStream(z, &ob, &ib);
            if (ZSTD_isError(last)) {
                rc = ld_error_set(err, LD_ERR_CORRUPT,
                                  "layer %s: not a valid zstd stream (%s); refused",
                                  a->layer_digest, ZSTD_getErrorName(last));
                goto out;
            }
            nd += ob.pos;
            if (nd > a->db_size) {
                rc = ld_error_set(err, LD_ERR_CORRUPT,
                                  "layer %s inflates past the %" PRIu64
                                  " bytes the manifest names; refused",
                                  a->layer_digest, a->db_size);
                goto out;
            }
            EVP_DigestUpdate(hd, outb, ob.pos);
            if (write_all(fd, outb, ob.pos) < 0) {
                rc = ld_error_set_errno(err, LD_ERR_GENERIC, errno, "writing %s", tmp);
                goto out;
            }
        }
        progress(o->progress, o->progress_ctx, "downloading", nz, a->layer_size);
    }
    got_z = sha_final(hz);
    got_d = sha_final(hd);
    if (nz != a->layer_size || !got_z || strcmp(got_z, a->layer_digest) != 0) {
        rc = ld_error_set(err, LD_ERR_CORRUPT,
                          "layer %s: the registry sent %" PRIu64 " bytes hashing to %s; refused",
                          a->layer_digest, nz, got_z ? got_z : "?");
        goto out;
    }
    if (last != 0) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "layer %s: the zstd stream is truncated; refused",
                          a->layer_digest);
        goto out;
    }
    if (nd != a->db_size || !got_d || strcmp(got_d, a->db_sha256) != 0) {
        rc = ld_error_set(err, LD_ERR_CORRUPT,
                          "layer %s: the database inflates to %" PRIu64
                          " bytes hashing to %s, not the %s the manifest names; refused",
                          a->layer_digest, nd, got_d ? got_d : "?", a->db_sha256);
        goto out;
    }
out:
    ld_reg_blob_close(b);
    ZSTD_freeDCtx(z);
    EVP_MD_CTX_free(hz);
    EVP_MD_CTX_free(hd);
    return rc;
}

/* fsync of the directory holding path, so the rename survives a crash. */
static void sync_parent(const char *path)
{
    ld_autofree char *copy = ld_xstrdup(path);
    int dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
}

/* The pulled file must open as a database of the schema this build reads. */
static int check_database(const char *tmp, const ld_vulndb_artifact *a, ld_error *err)
{
    if (a->schema_version != LD_VULNDB_SCHEMA_VERSION)
        return ld_error_set(err, LD_ERR_UNSUPPORTED,
                            "the artifact holds a database of schema version %ld; this lockdown "
                            "reads version %d: upgrade lockdown or pull a matching tag",
                            a->schema_version, LD_VULNDB_SCHEMA_VERSION);
    ld_vulndb *db = ld_vulndb_open(tmp, err);
    if (!db)
        return ld_error_wrap(err, "the pulled database does not open");
    ld_vulndb_close(db);
    return 0;
}

static int fetch_config(ld_reg_client *c, const char *repo, const ld_vulndb_artifact *a,
                        ld_error *err)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    if (ld_reg_get_blob(c, repo, a->config_digest, LD_VULNDB_CONFIG_MAX, &buf, &len, err) < 0)
        return ld_error_wrap(err, "reading the artifact config %s", a->config_digest);
    free(buf);
    if (len != a->config_size)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "artifact config %s: %zu bytes, the manifest says %" PRIu64 "; refused",
                            a->config_digest, len, a->config_size);
    return 0;
}

int ld_vulndb_pull(const ld_vulndb_pull_options *o, ld_vulndb_pull_result *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!o->n_keys && !o->insecure_skip_verify)
        return ld_error_set(err, LD_ERR_INVALID,
                            "pulling %s needs a trusted key to verify its signature (--key PUB "
                            "or trusted-keys in the policy)",
                            o->ref);
    size_t max_manifest = o->max_manifest ? o->max_manifest : LD_VULNDB_MANIFEST_MAX_DEFAULT;
    uint64_t max_bytes = o->max_bytes ? o->max_bytes : LD_VULNDB_PULL_MAX_DEFAULT;
    ld_reg_ref r;
    if (ld_reg_ref_parse(o->ref, &r, err) < 0)
        return err->code;
    out->reference = ld_reg_ref_string(&r);
    int rc = 0;
    ld_autoclose int fd = -1;
    ld_autofree char *tmp = NULL;
    ld_reg_manifest m = {0};
    ld_reg_client *c = ld_reg_open(r.endpoint, o->registry, err);
    if (!c) {
        rc = err->code;
        goto out;
    }
    if (resolve_verified(o, c, &r, out, &out->digest, err) < 0) {
        rc = err->code;
        goto out;
    }
    /* by digest: the bytes must hash to what the signature named */
    if (ld_reg_get_manifest(c, r.repo, out->digest, &m, err) < 0) {
        rc = ld_error_wrap(err, "reading %s", out->reference);
        goto out;
    }
    if (m.len > max_manifest) {
        rc = ld_error_set(err, LD_ERR_LIMIT,
                          "%s: the manifest is %zu bytes, over the limit of %zu "
                          "(--max-manifest-size); refused",
                          out->reference, m.len, max_manifest);
        goto out;
    }
    if (ld_vulndb_artifact_manifest_parse(m.body, m.len, &out->artifact, err) < 0) {
        rc = ld_error_wrap(err, "%s", out->reference);
        goto out;
    }
    ld_vulndb_artifact *a = &out->artifact;
    if (a->layer_size > max_bytes || a->db_size > max_bytes) {
        rc = ld_error_set(err, LD_ERR_LIMIT,
                          "%s: the database is %" PRIu64 " bytes (%" PRIu64
                          " compressed), over the limit of %" PRIu64 " (--max-size); refused",
                          out->reference, a->db_size, a->layer_size, max_bytes);
        goto out;
    }
    if (a->schema_version != LD_VULNDB_SCHEMA_VERSION) {
        rc = check_database(NULL, a, err);
        goto out;
    }
    if (fetch_config(c, r.repo, a, err) < 0) {
        rc = err->code;
        goto out;
    }
    fd = temp_beside(o->dest, &tmp, err);
    if (fd < 0) {
        rc = fd;
        goto out;
    }
    if (stream_layer(c, r.repo, a, fd, tmp, o, err) < 0) {
        rc = err->code;
        goto out;
    }
    if (fsync(fd) < 0 || fchmod(fd, 0644) < 0) {
        rc = ld_error_set_errno(err, LD_ERR_GENERIC, errno, "writing %s", tmp);
        goto out;
    }
    if (check_database(tmp, a, err) < 0) {
        rc = err->code;
        goto out;
    }
    if (rename(tmp, o->dest) < 0) {
        rc = ld_error_set_errno(err, LD_ERR_GENERIC, errno, "replacing %s", o->dest);
        goto out;
    }
    free(tmp);
    tmp = NULL;
    sync_parent(o->dest);
out:
    if (tmp)
        unlink(tmp);
    ld_reg_manifest_clear(&m);
    ld_reg_close(c);
    ld_reg_ref_clear(&r);
    return rc;
}
