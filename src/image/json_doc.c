/* Bounded JSON documents for the image reader (manifest.json, index.json,
 * OCI manifests, image configs): size, nesting and value count capped
 * before jansson sees the bytes, plus sha256 digest helpers. Not for large or streamed JSON. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "image/image_internal.h"
#include "util/json_budget.h"

/* What an image's JSON document may hold before jansson builds it: a
 * config with thousands of history entries and labels holds some tens of
 * thousands of values; 8 MiB of "{}" would hold four million objects and
 * cost jansson over 600 MB. */
static const ld_json_limits image_json_limits = {
    .max_values = 1000000,
    .max_containers = 100000,
    .max_depth = LD_IMG_MAX_JSON_DEPTH,
};

json_t *ld_img_json_parse(const void *buf, size_t len, const char *what, ld_error *err)
{
    if (len > LD_IMG_MAX_JSON_BYTES)
        return ld_error_set(err, LD_ERR_LIMIT, "%s: JSON document of %zu bytes is larger than %zu",
                            what, len, LD_IMG_MAX_JSON_BYTES),
               NULL;
    ld_json_count count;
    ld_json_count_values(buf, len, &count);
    if (count.depth > LD_IMG_MAX_JSON_DEPTH)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: JSON nested deeper than %d levels", what,
                            LD_IMG_MAX_JSON_DEPTH),
               NULL;
    if (ld_json_check_limits(what, &count, &image_json_limits, err) < 0)
        return NULL;
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
