/* libFuzzer target for what the --send receivers answer and what the
 * user writes as a --send URL (core/export_es.h, core/export_otlp.h): the
 * input, after one byte that picks the HTTP status, is read as an
 * Elasticsearch _bulk answer and as an OTLP answer for a body of 1..8
 * records. A failure always carries a message; a 2xx _bulk answer is
 * accepted only when it is a JSON object whose "errors" is false. The
 * input as text is also parsed as an Elasticsearch and an OTLP URL: on
 * success the POST URL is http(s), ends its path with "/_bulk" (or keeps
 * the given path, or gets "/v1/logs"), and the index is a name
 * Elasticsearch takes (no '/', not empty, lower case).
 * Seeds: tests/fuzz/corpus/export_response/. Replay: ./fuzz_export_response FILE. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/export_es.h"
#include "core/export_otlp.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const long statuses[] = {200, 201, 204, 400, 401, 413, 429, 500, 503, 0};

static void check_error(int rc, const ld_error *err)
{
    if (rc < 0 && (!err->msg[0] || err->code == LD_OK))
        abort();
    if (rc > 0)
        abort();
}

static void check_urls(const char *text)
{
    char *post = NULL, *index = NULL;
    ld_error err = LD_ERROR_INIT;
    if (ld_export_es_endpoint(text, &post, &index, &err) == 0) {
        if (strncasecmp(post, "http://", 7) != 0 && strncasecmp(post, "https://", 8) != 0)
            abort();
        size_t path_end = strcspn(post, "?#");
        if (path_end < 6 || memcmp(post + path_end - 6, "/_bulk", 6) != 0)
            abort();
        if (!index[0] || strchr(index, '/') || strpbrk(index, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
            abort();
        free(post);
        free(index);
    } else {
        check_error(-1, &err);
        if (post || index)
            abort();
    }
    ld_error_clear(&err);
    if (ld_export_otlp_endpoint(text, &post, &err) == 0) {
        if (strncasecmp(post, "http://", 7) != 0 && strncasecmp(post, "https://", 8) != 0)
            abort();
        free(post);
    } else {
        check_error(-1, &err);
        if (post)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    long status = statuses[data[0] % (sizeof(statuses) / sizeof(statuses[0]))];
    size_t sent = 1 + (data[0] >> 5);
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    ld_error err = LD_ERROR_INIT;
    int rc = ld_export_es_response(status, body, len, sent, &err);
    check_error(rc, &err);
    if (rc == 0) {
        /* accepted: a 2xx whose body is an object with errors false */
        if (status < 200 || status > 299)
            abort();
        json_t *doc = json_loadb(body, len, 0, NULL);
        if (!json_is_object(doc) || !json_is_false(json_object_get(doc, "errors")))
            abort();
        json_decref(doc);
    }
    ld_error_clear(&err);
    rc = ld_export_otlp_response(status, body, len, sent, &err);
    check_error(rc, &err);
    if (rc == 0 && (status < 200 || status > 299))
        abort();
    char *text = ld_xstrndup(body, len);
    check_urls(text);
    free(text);
    return 0;
}
