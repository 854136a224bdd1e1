/* image_dump: a test helper (not shipped) that reads an image target with
 * the library's reader and prints what it found as JSON lines, so the
 * end-to-end tests can compare sources (docker:, docker-archive:, oci:,
 * dir:) with jq and diff:
 *   {"kind":"image",...} {"kind":"layer",...} {"kind":"file",...}
 *   {"kind":"removed",...} {"kind":"note",...} {"kind":"content",...}
 * Usage: image_dump [--tag T] [--platform P] [--threads N]
 *                   [--max-layer-bytes N] [--analyze GLOB]... [--summary] TARGET
 * --summary prints only the image line (for benchmarks).
 * --analyze prints the sha256 of every version of each matching file that
 * the analyzers were handed. Errors: one line on stderr, exit 3. */
#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "image/image.h"
#include "image/image_internal.h"

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static void emit(json_t *o)
{
    char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    pthread_mutex_lock(&out_lock);
    puts(s);
    pthread_mutex_unlock(&out_lock);
    free(s);
    json_decref(o);
}

typedef struct {
    char **globs;
    size_t n;
} globs;

static bool wants(const char *path, uint64_t size, void *ctx)
{
    const globs *g = ctx;
    for (size_t i = 0; i < g->n; i++)
        if (fnmatch(g->globs[i], path, 0) == 0)
            return true;
    return false;
}

static int on_file(const char *path, int layer, const uint8_t *data, size_t len, void *ctx,
                   ld_error *err)
{
    char d[LD_DIGEST_LEN + 1];
    ld_img_sha256_buf(data, len, d);
    emit(json_pack("{s:s, s:s, s:i, s:s, s:I}", "kind", "content", "path", path, "layer", layer,
                   "sha256", d, "len", (json_int_t)len));
    return 0;
}

static const char *type_name(ld_file_type t)
{
    static const char *const names[] = {"file", "dir",   "symlink", "hardlink",
                                        "char", "block", "fifo",    "socket"};
    return (size_t)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

static uint64_t parse_u64(const char *s)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || !end || *end || end == s) {
        fprintf(stderr, "image_dump: error: \"%s\" is not a number\n", s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    ld_image_options opt = {0};
    globs g = {calloc((size_t)argc, sizeof(char *)), 0};
    const char *target = NULL;
    bool summary = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--tag") == 0 && v) {
            opt.tag = v;
            i++;
        } else if (strcmp(a, "--platform") == 0 && v) {
            opt.platform = v;
            i++;
        } else if (strcmp(a, "--threads") == 0 && v) {
            opt.threads = (int)parse_u64(v);
            i++;
        } else if (strcmp(a, "--max-layer-bytes") == 0 && v) {
            opt.max_layer_bytes = parse_u64(v);
            i++;
        } else if (strcmp(a, "--analyze") == 0 && v) {
            g.globs[g.n++] = argv[++i];
        } else if (strcmp(a, "--summary") == 0) {
            summary = true;
        } else if (a[0] != '-' && !target) {
            target = a;
        } else {
            fprintf(stderr, "usage: image_dump [--tag T] [--platform P] [--threads N] "
                            "[--max-layer-bytes N] [--analyze GLOB]... TARGET\n");
            return 2;
        }
    }
    if (!target) {
        fprintf(stderr, "usage: image_dump [options] TARGET\n");
        return 2;
    }
    ld_analyzer an = {.name = "dump", .wants = wants, .file = on_file, .ctx = &g};
    ld_error err = LD_ERROR_INIT;
    ld_image *img = ld_image_read(target, &opt, &an, g.n ? 1 : 0, &err);
    if (!img) {
        fprintf(stderr, "image_dump: error: %s\n", err.msg);
        free(g.globs);
        return 3;
    }
    emit(json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:I, s:I}", "kind", "image", "source",
                   ld_image_source_kind(img), "id", ld_image_id(img), "manifest",
                   ld_image_manifest_digest(img), "os", ld_image_os(img), "arch",
                   ld_image_arch(img), "layers", (json_int_t)ld_image_layer_count(img), "files",
                   (json_int_t)ld_image_file_count(img)));
    for (size_t i = 0; i < ld_image_layer_count(img) && !summary; i++) {
        const ld_layer_info *l = ld_image_layer(img, i);
        emit(json_pack("{s:s, s:I, s:s?, s:s?, s:s?, s:I, s:s?}", "kind", "layer", "index",
                       (json_int_t)i, "digest", l->digest, "diff_id", l->diff_id, "media_type",
                       l->media_type, "size", (json_int_t)l->size, "created_by", l->created_by));
    }
    for (size_t i = 0; i < ld_image_file_count(img) && !summary; i++) {
        const ld_file_entry *f = ld_image_file(img, i);
        emit(json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:s?, s:i}", "kind", "file", "path",
                       f->path, "type", type_name(f->type), "mode", (json_int_t)f->mode, "uid",
                       (json_int_t)f->uid, "gid", (json_int_t)f->gid, "size", (json_int_t)f->size,
                       "link", f->link, "layer", f->layer));
    }
    for (size_t i = 0; i < ld_image_removed_count(img) && !summary; i++) {
        const ld_removed_file *r = ld_image_removed(img, i);
        emit(json_pack("{s:s, s:s, s:i, s:i, s:b, s:I}", "kind", "removed", "path", r->path,
                       "layer", r->layer, "removed_by", r->removed_by, "overwritten",
                       r->overwritten, "size", (json_int_t)r->size));
    }
    const ld_strlist *notes = ld_image_notes(img);
    for (size_t i = 0; i < notes->n && !summary; i++)
        emit(json_pack("{s:s, s:s}", "kind", "note", "text", notes->v[i]));
    ld_image_free(img);
    free(g.globs);
    return 0;
}
