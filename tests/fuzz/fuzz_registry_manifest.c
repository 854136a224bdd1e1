/* libFuzzer target for src/image/registry_manifest.c: what a registry
 * answers, followed to an image manifest. The input is a run of documents
 * separated by 0xff bytes; the first byte of each picks its media type
 * (one of the manifest, index, schema 1 types, or a foreign one), the rest
 * is its body. The fake registry answers the k-th fetch with the k-th
 * document under the digest asked for (a client that does not verify, the
 * worst case), so indexes, cycles and depth are all reachable. Any input
 * ends with a manifest or one error; never a crash, leak or unbounded loop.
 * Seeds: tests/fuzz/corpus/registry_manifest/. Replay: ./fuzz_registry_manifest FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/image_internal.h"
#include "image/registry_manifest.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_DOCS 16
#define N_TYPES 8

typedef struct {
    const uint8_t *start[MAX_DOCS];
    size_t len[MAX_DOCS];
    size_t n, next;
} docs;

static const char *const types[N_TYPES] = {
    LD_MT_DOCKER_MANIFEST,
    LD_MT_OCI_MANIFEST,
    LD_MT_DOCKER_LIST,
    LD_MT_OCI_INDEX,
    "application/vnd.docker.distribution.manifest.v1+prettyjws",
    "application/json",
    NULL,
    "text/html; charset=utf-8",
};

static int fetch(void *ctx, const char *reference, ld_reg_manifest *out, ld_error *err)
{
    docs *d = ctx;
    if (d->next >= d->n)
        return ld_error_set(err, LD_ERR_NOT_FOUND, "manifest %s: not found", reference);
    size_t k = d->next++;
    const uint8_t *p = d->start[k];
    size_t len = d->len[k];
    const char *mt = len ? types[p[0] % N_TYPES] : NULL;
    if (len) {
        p++;
        len--;
    }
    out->media_type = ld_xstrdup(mt);
    out->body = ld_xmalloc(len + 1);
    memcpy(out->body, p, len);
    out->body[len] = 0;
    out->len = len;
    if (strncmp(reference, "sha256:", 7) == 0) {
        out->digest = ld_xstrdup(reference);
    } else {
        char dg[LD_DIGEST_LEN + 1];
        ld_img_sha256_buf(out->body, len, dg);
        out->digest = ld_xstrdup(dg);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    docs d = {0};
    size_t s = 0;
    for (size_t i = 0; i <= size && d.n < MAX_DOCS; i++) {
        if (i == size || data[i] == 0xff) {
            d.start[d.n] = data + s;
            d.len[d.n++] = i - s;
            s = i + 1;
        }
    }
    (void)ld_img_reg_doc_kind(size ? types[data[0] % N_TYPES] : NULL, data, size);
    ld_img_reg_pick p;
    ld_error err = LD_ERROR_INIT;
    const char *platform = size > 1 && (data[1] & 1) ? "linux/arm64" : NULL;
    int rc = ld_img_reg_pick_manifest(fetch, &d, "latest", platform, &p, &err);
    if (rc == 0) {
        if (!p.manifest.body || !ld_img_digest_valid(p.manifest.digest) ||
            p.indexes.n > LD_IMG_REG_MAX_INDEXES)
            abort();
    } else if (!err.msg[0] || strchr(err.msg, '\n')) {
        abort();
    }
    if (d.next > LD_IMG_REG_MAX_INDEXES + 1)
        abort();
    ld_img_reg_pick_clear(&p);
    return 0;
}
