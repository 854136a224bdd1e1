/* test_fx_util.h — helpers shared by the forensics bundle tests
 * (test_fx_bundle.c, test_fx_manifest.c, test_fx_verify.c): a fresh
 * temporary directory per test, removed afterwards without following
 * links, whole-file reads and writes, and an independent SHA-256 of bytes
 * (OpenSSL's one-shot EVP_Digest, not the bundle's streaming code). */
#ifndef LD_TEST_FX_UTIL_H
#define LD_TEST_FX_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/mem.h"

/* A new empty directory under /tmp (caller frees; fx_rmtree removes it). */
static inline char *fx_tmpdir(void)
{
    char *d = ld_xstrdup("/tmp/ld-fx-test-XXXXXX");
    if (!mkdtemp(d)) {
        fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
        abort();
    }
    return d;
}

static inline int fx_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP || flag == FTW_D)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

/* rm -rf that never follows a link (FTW_PHYS). */
static inline void fx_rmtree(const char *dir)
{
    if (dir)
        nftw(dir, fx_rm_one, 32, FTW_DEPTH | FTW_PHYS);
}

static inline char *fx_path(const char *dir, const char *rel)
{
    return ld_xasprintf("%s/%s", dir, rel);
}

/* The whole file (caller frees), NULL when it cannot be read. */
static inline unsigned char *fx_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    unsigned char *buf = ld_xmalloc(cap);
    size_t r;
    while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            cap *= 2;
            buf = ld_xrealloc(buf, cap);
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

static inline void fx_write(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        abort();
    }
}

/* Lowercase hex SHA-256 of data into out[65]. */
static inline void fx_sha256_hex(const void *data, size_t len, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) || n != 32)
        abort();
    for (unsigned i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
}

/* SHA-256 of the file at path (NULL-safe compare target). */
static inline int fx_sha256_file(const char *path, char out[65])
{
    size_t len = 0;
    unsigned char *b = fx_read(path, &len);
    if (!b)
        return -1;
    fx_sha256_hex(b, len, out);
    free(b);
    return 0;
}

#endif
