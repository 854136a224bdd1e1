/* libFuzzer target for what image scan's analyzers restore from the layer
 * cache (the layer_load functions of checks/image_scan.c and sbom/sbom.c:
 * secret hits, counters and stops; account files; packages, file versions,
 * notes and os-release candidates). At start a small image (accounts, a
 * dpkg status, os-release, AWS key ids) is written as an OCI layout and
 * scanned once with a cache, which leaves one record. Each input replaces
 * one analyzer's saved part of that record (the first byte picks sbom,
 * accounts or secrets; the checksum made right, as a hostile record can)
 * and the image is scanned again: the read must succeed, from the record or
 * by reading the layer, and what it restored must be sound (every hit with
 * its rule, masked excerpts terminated, account and package fields set).
 * The sbom and accounts parts are fuzzed in a scan without the secret
 * scanner (its rules take most of a scan's time), which keeps records of
 * its own. Seeds: tests/fuzz/corpus/layer_cache_saved/ (the genuine parts; set
 * LD_FUZZ_DUMP_SEEDS=DIR to write them again). Replay: ./fuzz_layer_cache_saved FILE. */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/test_image_util.h"
#include "checks/image_scan.h"
#include "image/layer_cache.h"
#include "util/mem.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static char *layout, *cache;
/* [0]: the scan without secrets, [1]: with */
static char *record[2];
static uint8_t *genuine[2];
static size_t genuine_len[2];
static const char *const names[] = {"sbom", "accounts", "secrets"};

static int scan(ld_image_scan_result *res, bool secrets)
{
    ld_image_scan_options opt = {.config = true, .secrets = secrets};
    opt.image.cache_dir = cache;
    opt.image.threads = 1;
    char *target = ld_xasprintf("oci:%s", layout);
    ld_error err = LD_ERROR_INIT;
    int rc = ld_image_scan_read(target, &opt, res, &err);
    free(target);
    return rc;
}

static void write_image(void)
{
    static const tent l0[] = {
        {'f', "etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0},
        {'f', "etc/shadow", "root::19000:0:99999:7:::\n", 0},
        {'f', "etc/os-release", "ID=debian\nVERSION_ID=12\n", 0},
        {'f', "var/lib/dpkg/status",
         "Package: tool\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0\n", 0},
        {'f', "opt/keys.txt", "a = AKIAZ7Q3XK2LMN4PQRST\nb = AKIAQ7Q3XK2LMN4PQRSZ\n", 0}};
    tbuf raw = make_tar(l0, sizeof(l0) / sizeof(l0[0]));
    char *diff = sha_hex(raw.p, raw.len);
    char *blob = ld_xasprintf("blobs/sha256/%s", diff + 7);
    write_file(layout, blob, raw.p, raw.len);
    char *config = ld_xasprintf("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{"
                                "\"type\":\"layers\",\"diff_ids\":[\"%s\"]}}",
                                diff);
    char *hc = sha_hex(config, strlen(config));
    char *bc = ld_xasprintf("blobs/sha256/%s", hc + 7);
    write_file(layout, bc, config, strlen(config));
    char *mf = ld_xasprintf("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/"
                            "vnd.oci.image.config.v1+json\",\"digest\":\"%s\",\"size\":%zu},"
                            "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1."
                            "tar\",\"digest\":\"%s\",\"size\":%zu}]}",
                            hc, strlen(config), diff, raw.len);
    char *hm = sha_hex(mf, strlen(mf));
    char *bm = ld_xasprintf("blobs/sha256/%s", hm + 7);
    write_file(layout, bm, mf, strlen(mf));
    char *index = ld_xasprintf("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/"
                               "vnd.oci.image.manifest.v1+json\",\"digest\":\"%s\",\"size\":%zu}]}",
                               hm, strlen(mf));
    write_file(layout, "index.json", index, strlen(index));
    char *shard = ld_xasprintf("%s/v1/sha256/%.2s", cache, diff + 7);
    for (int with = 0; with < 2; with++) {
        ld_image_scan_result res;
        if (scan(&res, with) < 0)
            abort();
        ld_image_scan_clear(&res);
        DIR *d = opendir(shard);
        struct dirent *de;
        while (d && (de = readdir(d)))
            if (strncmp(de->d_name, diff + 7, 64) == 0 &&
                (!with || strcmp(record[0] + strlen(shard) + 1, de->d_name) != 0))
                record[with] = ld_xasprintf("%s/%s", shard, de->d_name);
        if (d)
            closedir(d);
        if (!record[with])
            abort();
    }
    free(raw.p), free(diff), free(blob), free(config), free(hc), free(bc), free(mf), free(hm);
    free(bm), free(index), free(shard);
}

static void read_genuine(int with)
{
    int fd = open(record[with], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        abort();
    genuine_len[with] = (size_t)st.st_size;
    genuine[with] = ld_xmalloc(genuine_len[with]);
    if (read(fd, genuine[with], genuine_len[with]) != (ssize_t)genuine_len[with])
        abort();
    close(fd);
}

/* The genuine record with analyzer k's part replaced, written in place. */
static void plant(size_t k, const uint8_t *data, size_t len)
{
    int with = k == 2;
    ld_layer_record rec;
    ld_error err = LD_ERROR_INIT;
    if (ld_layer_record_decode(genuine[with], genuine_len[with], &rec, &err) < 0)
        abort();
    ld_layer_result res;
    memset(&res, 0, sizeof(res));
    res.v = rec.entries;
    res.n = res.cap = rec.n_entries;
    memcpy(res.digest, rec.digest, sizeof(res.digest));
    memcpy(res.diff_id, rec.diff_id, sizeof(res.diff_id));
    res.blob_size = rec.blob_size;
    res.tar_size = rec.tar_size;
    res.compression = rec.compression;
    for (size_t i = 0; i < rec.n_parts; i++)
        if (strcmp(rec.parts[i].name, names[k]) == 0) {
            rec.parts[i].data = data;
            rec.parts[i].len = len;
        }
    ld_layer_record_src src = {.fingerprint = rec.fingerprint,
                               .res = &res,
                               .parts = rec.parts,
                               .n_parts = rec.n_parts,
                               .files = rec.files,
                               .n_files = rec.n_files};
    ld_cache_writer w = {0};
    if (ld_layer_record_encode(&src, &w, &err) < 0)
        abort();
    int fd = open(record[with], O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0 || write(fd, w.p, w.n) != (ssize_t)w.n)
        abort();
    close(fd);
    ld_cache_writer_clear(&w);
    ld_layer_record_clear(&rec);
}

static void dump_seeds(const char *to)
{
    ld_layer_record rec;
    ld_error err = LD_ERROR_INIT;
    if (ld_layer_record_decode(genuine[1], genuine_len[1], &rec, &err) < 0)
        abort();
    for (size_t k = 0; k < 3; k++)
        for (size_t i = 0; i < rec.n_parts; i++)
            if (strcmp(rec.parts[i].name, names[k]) == 0) {
                uint8_t *seed = ld_xmalloc(rec.parts[i].len + 1);
                seed[0] = (uint8_t)k;
                memcpy(seed + 1, rec.parts[i].data, rec.parts[i].len);
                char *name = ld_xasprintf("%s.saved", names[k]);
                write_file(to, name, seed, rec.parts[i].len + 1);
                free(name), free(seed);
            }
    ld_layer_record_clear(&rec);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    snprintf(dir, sizeof(dir), "/tmp/ld-fuzz-saved.XXXXXX");
    if (!mkdtemp(dir))
        abort();
    layout = ld_xasprintf("%s/oci", dir);
    cache = ld_xasprintf("%s/cache", dir);
    mkdir(layout, 0755);
    write_image();
    read_genuine(0);
    read_genuine(1);
    const char *to = getenv("LD_FUZZ_DUMP_SEEDS");
    if (to)
        dump_seeds(to);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    plant(data[0] % 3, data + 1, size - 1);
    ld_image_scan_result res;
    if (scan(&res, data[0] % 3 == 2) < 0)
        abort(); /* a record never fails a read */
    for (size_t i = 0; i < res.n_secrets; i++) {
        const ld_image_secret *s = &res.secrets[i];
        if (!s->path || !s->hit.rule_id || !s->hit.description ||
            !memchr(s->hit.masked, 0, sizeof(s->hit.masked)))
            abort();
    }
    for (size_t i = 0; i < res.n_capped; i++)
        if (!res.capped[i].path || !res.capped[i].rule.rule_id)
            abort();
    for (size_t i = 0; i < res.n_stops; i++)
        if (!res.stops[i].rule_id || !res.stops[i].reason || !res.stops[i].example)
            abort();
    for (size_t i = 0; i < res.n_accounts; i++)
        if (res.accounts[i].which < 0 || res.accounts[i].which > 1 || !res.accounts[i].data)
            abort();
    for (size_t i = 0; i < res.sbom.packages.n; i++)
        if (!res.sbom.packages.items[i].found_in)
            abort();
    ld_image_scan_clear(&res);
    return 0;
}
