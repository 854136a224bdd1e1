/* Strict PEM and base64 for key files (see key_internal.h): the first
 * BEGIN/END block with matching types, a base64 body in lines, no legacy
 * headers. Key files are hostile input; messages name the file and the
 * problem, never the bytes. Not for certificates bundles or PEM chains. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "trust/key_internal.h"
#include "trust/keys.h"
#include "util/mem.h"

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

bool ld_b64_decode(const char *s, size_t len, uint8_t **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (len % 4 != 0)
        return false;
    size_t pad = 0;
    if (len >= 1 && s[len - 1] == '=')
        pad++;
    if (len >= 2 && s[len - 2] == '=')
        pad++;
    uint8_t *buf = ld_xmalloc(len / 4 * 3 + 1);
    size_t o = 0;
    for (size_t i = 0; i < len; i += 4) {
        bool last = i + 4 == len;
        int v[4];
        for (size_t j = 0; j < 4; j++) {
            unsigned char c = (unsigned char)s[i + j];
            if (c == '=' && last && j >= 4 - pad) {
                v[j] = 0;
                continue;
            }
            v[j] = b64_value(c);
            if (v[j] < 0)
                goto bad;
        }
        uint32_t q =
            (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        buf[o++] = (uint8_t)(q >> 16);
        if (!(last && pad == 2))
            buf[o++] = (uint8_t)(q >> 8);
        if (!(last && pad >= 1))
            buf[o++] = (uint8_t)q;
        /* the bits a padded group does not use must be zero: one text, one value */
        if (last && pad == 2 && (v[1] & 0x0f))
            goto bad;
        if (last && pad == 1 && (v[2] & 0x03))
            goto bad;
    }
    *out = buf;
    *out_len = o;
    return true;
bad:
    ld_key_wipe_free(buf, len / 4 * 3 + 1);
    return false;
}

char *ld_b64_encode(const uint8_t *in, size_t len)
{
    char *out = ld_xmalloc((len + 2) / 3 * 4 + 1);
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t q = (uint32_t)in[i] << 16;
        if (i + 1 < len)
            q |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < len)
            q |= in[i + 2];
        out[o++] = b64_alphabet[q >> 18 & 63];
        out[o++] = b64_alphabet[q >> 12 & 63];
        out[o++] = i + 1 < len ? b64_alphabet[q >> 6 & 63] : '=';
        out[o++] = i + 2 < len ? b64_alphabet[q & 63] : '=';
    }
    out[o] = '\0';
    return out;
}

void ld_key_wipe_free(void *p, size_t len)
{
    if (!p)
        return;
    OPENSSL_cleanse(p, len);
    free(p);
}

/* Finds "-----BEGIN " at the start of a line in text[from..len). */
static const char *find_begin(const char *text, size_t len)
{
    static const char begin[] = "-----BEGIN ";
    const size_t blen = sizeof(begin) - 1;
    for (size_t i = 0; i + blen <= len; i++) {
        if ((i == 0 || text[i - 1] == '\n') && memcmp(text + i, begin, blen) == 0)
            return text + i;
        const char *nl = memchr(text + i, '\n', len - i);
        if (!nl)
            break;
        i = (size_t)(nl - text); /* the loop's i++ steps past the newline */
    }
    return NULL;
}

/* Reads "TYPE-----" at p (end e) into type; returns the position after it,
 * or NULL when the type is empty, too long or holds characters no PEM type
 * has. */
static const char *read_type(const char *p, const char *e, char type[LD_PEM_TYPE_MAX])
{
    size_t n = 0;
    while (p + n < e && p[n] != '-') {
        char c = p[n];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' '))
            return NULL;
        if (++n >= LD_PEM_TYPE_MAX)
            return NULL;
    }
    if (n == 0 || (size_t)(e - (p + n)) < 5 || memcmp(p + n, "-----", 5) != 0)
        return NULL;
    memcpy(type, p, n);
    type[n] = '\0';
    return p + n + 5;
}

/* Skips spaces, tabs and a CR up to and including the newline at p;
 * returns the position after the line, or NULL when other text follows. */
static const char *end_of_line(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++;
    if (p == e)
        return p;
    return *p == '\n' ? p + 1 : NULL;
}

bool ld_pem_peek_type(const char *text, size_t len, char type[LD_PEM_TYPE_MAX])
{
    if (!text)
        return false;
    const char *b = find_begin(text, len);
    if (!b)
        return false;
    return read_type(b + 11, text + len, type) != NULL;
}

int ld_pem_decode(const char *name, const char *text, size_t len, ld_pem_block *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    if (len > LD_KEY_MAX_FILE_BYTES)
        return ld_error_set(err, LD_ERR_LIMIT,
                            "%s: key file is larger than %zu KiB; is this a key?", name,
                            LD_KEY_MAX_FILE_BYTES / 1024);
    const char *e = text + len;
    const char *b = text ? find_begin(text, len) : NULL;
    if (!b)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "%s: not a PEM key file (no \"-----BEGIN ...-----\" line)", name);
    const char *p = read_type(b + 11, e, out->type);
    if (p)
        p = end_of_line(p, e);
    if (!p)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: malformed PEM BEGIN line", name);
    /* the body: base64 lines up to "-----END TYPE-----" */
    char *b64 = ld_xmalloc(len + 1);
    size_t n = 0;
    int rc = 0;
    const char *end_line = NULL;
    while (p < e) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        const char *le = nl ? nl : e;
        if ((size_t)(le - p) >= 9 && memcmp(p, "-----END ", 9) == 0) {
            end_line = p;
            break;
        }
        if (memchr(p, ':', (size_t)(le - p))) {
            rc = ld_error_set(err, LD_ERR_UNSUPPORTED,
                              "%s: PEM headers (the legacy \"Proc-Type\" encryption) are not "
                              "supported; convert the key to PKCS#8 (openssl pkcs8 -topk8)",
                              name);
            goto out;
        }
        for (const char *q = p; q < le; q++) {
            unsigned char c = (unsigned char)*q;
            if (c == ' ' || c == '\t' || c == '\r')
                continue;
            if (b64_value(c) < 0 && c != '=') {
                rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: PEM body is not base64", name);
                goto out;
            }
            b64[n++] = (char)c;
        }
        p = nl ? nl + 1 : e;
    }
    char end_type[LD_PEM_TYPE_MAX];
    const char *after = end_line ? read_type(end_line + 9, e, end_type) : NULL;
    if (!after || !end_of_line(after, e)) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: PEM block \"%s\" has no END line", name,
                          out->type);
        goto out;
    }
    if (strcmp(end_type, out->type) != 0) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: PEM block \"%s\" ends with \"%s\"", name,
                          out->type, end_type);
        goto out;
    }
    if (n == 0 || !ld_b64_decode(b64, n, &out->der, &out->der_len) || out->der_len == 0) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: PEM block \"%s\" has a malformed base64 body",
                          name, out->type);
        goto out;
    }
out:
    OPENSSL_cleanse(b64, len + 1);
    free(b64);
    if (rc < 0)
        ld_pem_block_clear(out);
    return rc;
}

void ld_pem_block_clear(ld_pem_block *b)
{
    ld_key_wipe_free(b->der, b->der_len);
    b->der = NULL;
    b->der_len = 0;
}

char *ld_pem_encode(const char *type, const uint8_t *der, size_t len)
{
    char *b64 = ld_b64_encode(der, len);
    size_t n = strlen(b64);
    size_t cap = n + n / 64 + 2 * (strlen(type) + 20) + 8;
    char *out = ld_xmalloc(cap);
    size_t o = (size_t)snprintf(out, cap, "-----BEGIN %s-----\n", type);
    for (size_t i = 0; i < n; i += 64) {
        size_t k = n - i < 64 ? n - i : 64;
        memcpy(out + o, b64 + i, k);
        o += k;
        out[o++] = '\n';
    }
    snprintf(out + o, cap - o, "-----END %s-----\n", type);
    OPENSSL_cleanse(b64, n);
    free(b64);
    return out;
}
