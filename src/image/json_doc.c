/* Bounded JSON documents for the image reader (manifest.json, index.json,
 * OCI manifests, image configs): size and nesting capped before jansson sees
 * the bytes, plus sha256 digest helpers. Not for large or streamed JSON. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "image/image_internal.h"

/* Nesting depth of a JSON text, counting brackets outside strings. Stops at
 * limit + 1; malformed input is left for jansson to reject. */
static size_t json_depth(const char *s, size_t len, size_t limit)
{
    size_t depth = 0, max = 0;
    bool in_str = false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = false;
            continue;
        }
        if (c == '"') {
            in_str = true;
        } else if (c == '{' || c == '[') {
            depth++;
            if (depth > max)
                max = depth;
            if (max > limit)
                return max;
        } else if ((c == '}' || c == ']') && depth > 0) {
            depth--;
        }
    }
    return max;
}

json_t *ld_img_json_parse(const void *buf, size_t len, const char *what, ld_error *err)
{
    if (len > LD_IMG_MAX_JSON_BYTES)
        return ld_error_set(err, LD_ERR_LIMIT, "%s: JSON document of %zu bytes is larger than %zu",
                            what, len, LD_IMG_MAX_JSON_BYTES),
               NULL;
    if (json_depth(buf, len, LD_IMG_MAX_JSON_DEPTH) > LD_IMG_MAX_JSON_DEPTH)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: JSON nested deeper than %d levels", what,
                            LD_IMG_MAX_JSON_DEPTH),
               NULL;
    json_error_t je;
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: malformed JSON at line %d: %s", what, je.line,
                            je.text),
               NULL;
    return root;
}

bool ld_img_digest_valid(const char *d)
{
    if (!d || strncmp(d, "sha256:", 7) != 0 || strlen(d) != LD_DIGEST_LEN)
        return false;
    for (const char *p = d + 7; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

void ld_img_sha256_buf(const void *buf, size_t len, char out[LD_DIGEST_LEN + 1])
{
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_Digest(buf, len, md, &mdlen, EVP_sha256(), NULL);
    memcpy(out, "sha256:", 7);
    for (int i = 0; i < 32; i++)
        snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
}
