/* Base64 decoders and encoder for the signature formats (trust_b64.h). */
#include <stdlib.h>
#include <string.h>

#include "trust/trust_b64.h"
#include "util/mem.h"

static const char std_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The value of c in the alphabet (url: '-' and '_' for '+' and '/'), or -1. */
static int b64_value(unsigned char c, bool url)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == (url ? '-' : '+'))
        return 62;
    if (c == (url ? '_' : '/'))
        return 63;
    return -1;
}

/* Decodes the n symbols of sym[] (values 0..63, no padding), which must
 * not leave a lone symbol; the unused low bits of the last one must be 0. */
static bool decode_symbols(const uint8_t *sym, size_t n, uint8_t **out, size_t *out_len)
{
    if (n % 4 == 1)
        return false;
    size_t full = n / 4, rest = n % 4;
    size_t len = full * 3 + (rest ? rest - 1 : 0);
    uint8_t *buf = ld_xmalloc(len + 1);
    size_t o = 0, i = 0;
    for (size_t q = 0; q < full; q++, i += 4) {
        uint32_t v = (uint32_t)sym[i] << 18 | (uint32_t)sym[i + 1] << 12 |
                     (uint32_t)sym[i + 2] << 6 | sym[i + 3];
        buf[o++] = (uint8_t)(v >> 16);
        buf[o++] = (uint8_t)(v >> 8);
        buf[o++] = (uint8_t)v;
    }
    if (rest == 2) {
        if (sym[i + 1] & 0x0F)
            goto bad;
        buf[o++] = (uint8_t)(sym[i] << 2 | sym[i + 1] >> 4);
    } else if (rest == 3) {
        if (sym[i + 2] & 0x03)
            goto bad;
        buf[o++] = (uint8_t)(sym[i] << 2 | sym[i + 1] >> 4);
        buf[o++] = (uint8_t)(sym[i + 1] << 4 | sym[i + 2] >> 2);
    }
    buf[o] = 0;
    *out = buf;
    *out_len = o;
    return true;
bad:
    free(buf);
    return false;
}

/* Collects the symbols of s[0..len) (skipping CR/LF when skip_newlines),
 * then checks the padding: pad_required means the symbol count plus '='
 * must be a multiple of 4. */
static bool decode(const char *s, size_t len, bool url, bool skip_newlines, bool pad_required,
                   uint8_t **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    uint8_t *sym = ld_xmalloc(len + 1);
    size_t n = 0, pad = 0;
    bool ok = true;
    for (size_t i = 0; i < len && ok; i++) {
        unsigned char c = (unsigned char)s[i];
        if (skip_newlines && (c == '\r' || c == '\n'))
            continue;
        if (c == '=') {
            pad++;
            ok = pad <= 2;
            continue;
        }
        int v = b64_value(c, url);
        if (v < 0 || pad) /* a symbol after padding, or not in the alphabet */
            ok = false;
        else
            sym[n++] = (uint8_t)v;
    }
    if (ok && pad && (n + pad) % 4 != 0)
        ok = false;
    if (ok && !pad && pad_required && n % 4 != 0)
        ok = false;
    if (ok && pad && n % 4 != 4 - pad)
        ok = false;
    if (ok)
        ok = decode_symbols(sym, n, out, out_len);
    free(sym);
    return ok;
}

bool ld_trust_b64_decode_std(const char *s, size_t len, uint8_t **out, size_t *out_len)
{
    return decode(s, len, false, true, true, out, out_len);
}

bool ld_trust_b64_decode_proto(const char *s, size_t len, uint8_t **out, size_t *out_len)
{
    /* the alphabet is chosen by the text: URL-safe when it holds '-' or '_' */
    bool url = memchr(s, '-', len) || memchr(s, '_', len);
    return decode(s, len, url, false, false, out, out_len);
}

char *ld_trust_b64_encode(const uint8_t *in, size_t len)
{
    size_t n = (len + 2) / 3 * 4;
    char *out = ld_xmalloc(n + 1);
    size_t o = 0, i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = std_alphabet[v >> 18 & 63];
        out[o++] = std_alphabet[v >> 12 & 63];
        out[o++] = std_alphabet[v >> 6 & 63];
        out[o++] = std_alphabet[v & 63];
    }
    if (len - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = std_alphabet[v >> 18 & 63];
        out[o++] = std_alphabet[v >> 12 & 63];
        out[o++] = '=';
        out[o++] = '=';
    } else if (len - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = std_alphabet[v >> 18 & 63];
        out[o++] = std_alphabet[v >> 12 & 63];
        out[o++] = std_alphabet[v >> 6 & 63];
        out[o++] = '=';
    }
    out[o] = 0;
    return out;
}
