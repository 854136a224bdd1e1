/* Records as Elasticsearch _bulk NDJSON bodies, and the _bulk answer (see
 * export_es.h). */
#include "core/export_es.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/export_url.h"
#include "util/json_budget.h"
#include "util/mem.h"

/* The action line and the document of one record, each ending in '\n'. */
static void encode(ld_export_rec *b, const char *index, const ld_run_identity *id,
                   const ld_report *r, const ld_finding *f)
{
    ld_export_rec_open(b);
    ld_json_object_begin(&b->j);
    ld_json_key(&b->j, "create");
    ld_json_object_begin(&b->j);
    ld_json_kv_string(&b->j, "_index", index);
    ld_json_object_end(&b->j);
    ld_json_object_end(&b->j);
    fputc('\n', b->m);
    ld_json_init(&b->j, b->m, false);
    ld_json_object_begin(&b->j);
    ld_json_kv_string(&b->j, "@timestamp", id->started_at);
    if (f)
        ld_export_record_finding(&b->j, r, id, f);
    else
        ld_export_record_summary(&b->j, r, id);
    ld_json_object_end(&b->j);
    fputc('\n', b->m);
    ld_export_rec_close(b);
}

void ld_export_es(const ld_report *r, const ld_run_identity *id, const char *index,
                  const ld_export_limits *lim, ld_export_bodies *out)
{
    ld_export_packer p;
    ld_export_packer_init(&p, out, lim, "", "", "");
    for (size_t i = 0; i <= r->set->n; i++) {
        ld_finding view = {0};
        if (i < r->set->n)
            view = ld_export_finding_view(r, i);
        ld_export_rec b;
        encode(&b, index, id, r, i < r->set->n ? &view : NULL);
        ld_export_packer_add(&p, b.buf, b.len, i < r->set->n);
        free(b.buf);
    }
    ld_export_packer_finish(&p);
}

/* Why Elasticsearch would refuse name as an index; NULL if it would not. */
static const char *index_problem(const char *name, size_t n)
{
    if (n == 0)
        return "the URL must name the index: http://HOST:9200/INDEX";
    if (n > 255)
        return "the index name is longer than 255 bytes";
    if (name[0] == '-' || name[0] == '_' || name[0] == '+')
        return "the index name must not start with -, _ or +";
    if ((n == 1 && name[0] == '.') || (n == 2 && name[0] == '.' && name[1] == '.'))
        return "the index name must not be . or ..";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c >= 'A' && c <= 'Z')
            return "the index name must be lower case";
        if (c && strchr("\\/*?\"<>|,#:% ", c))
            return "the index name holds a character Elasticsearch refuses "
                   "(\\ / * ? \" < > | , # : % or a space)";
    }
    return NULL;
}

int ld_export_es_endpoint(const char *url, char **post_url, char **index, ld_error *err)
{
    *post_url = *index = NULL;
    ld_export_url u;
    if (ld_export_url_split("elasticsearch", url, &u, err) < 0)
        return err->code;
    size_t end = u.path_end;
    if (end > u.path_start && url[end - 1] == '/')
        end--; /* one trailing '/' */
    size_t start = end;
    while (start > u.path_start && url[start - 1] != '/')
        start--;
    const char *why = index_problem(url + start, end - start);
    if (why)
        return ld_error_set(err, LD_ERR_INVALID, "elasticsearch: %s", why);
    *index = ld_xstrndup(url + start, end - start);
    char *path = ld_xasprintf("%.*s/_bulk", (int)(end - u.path_start), url + u.path_start);
    *post_url = ld_export_url_with_path(url, &u, path);
    free(path);
    return 0;
}

/* ---- the answer ---- */

static const ld_json_limits response_limits = {
    .max_values = 1000000, .max_containers = 200000, .max_depth = 64};

static const char *str_or(json_t *v, const char *fallback)
{
    return json_is_string(v) ? json_string_value(v) : fallback;
}

/* "TYPE: REASON" of an Elasticsearch error value (an object with type and
 * reason, or a string) into out. */
static void error_text(json_t *e, char *out, size_t n)
{
    if (json_is_string(e))
        snprintf(out, n, "%.300s", json_string_value(e));
    else if (json_is_object(e))
        snprintf(out, n, "%.80s: %.300s", str_or(json_object_get(e, "type"), "error"),
                 str_or(json_object_get(e, "reason"), "no reason given"));
    else
        snprintf(out, n, "no reason given");
}

/* Walks the items of a bulk answer: how many failed, the first failure. */
static int read_items(json_t *items, size_t sent, ld_error *err)
{
    size_t failed = 0, n = json_array_size(items);
    char first[512] = "";
    long first_status = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_array_get(items, i);
        json_t *res = NULL;
        if (json_is_object(item) && json_object_size(item) == 1)
            res = json_object_iter_value(json_object_iter(item));
        if (!json_is_object(res)) {
            failed++;
            if (!first[0])
                snprintf(first, sizeof(first), "item %zu is not an action result", i + 1);
            continue;
        }
        json_t *st = json_object_get(res, "status");
        long status = json_is_integer(st) ? (long)json_integer_value(st) : 0;
        json_t *e = json_object_get(res, "error");
        if (!e && status >= 200 && status <= 299)
            continue;
        failed++;
        if (!first[0]) {
            error_text(e, first, sizeof(first));
            first_status = status;
        }
    }
    if (!failed)
        return ld_error_set(err, LD_ERR_GENERIC,
                            "elasticsearch reported errors but no item names one (%zu of %zu "
                            "documents answered)",
                            n, sent);
    if (first_status)
        return ld_error_set(err, LD_ERR_GENERIC,
                            "elasticsearch stored %zu of %zu documents; first error: %s (status "
                            "%ld)",
                            sent > failed ? sent - failed : 0, sent, first, first_status);
    return ld_error_set(err, LD_ERR_GENERIC,
                        "elasticsearch stored %zu of %zu documents; first error: %s",
                        sent > failed ? sent - failed : 0, sent, first);
}

int ld_export_es_response(long status, const char *body, size_t len, size_t sent, ld_error *err)
{
    ld_error load_err = LD_ERROR_INIT;
    json_t *doc = body && len ? ld_json_load_bounded("elasticsearch answer", body, len, 0,
                                                     &response_limits, &load_err)
                              : NULL;
    int rc = 0;
    if (status < 200 || status > 299) {
        json_t *e = json_is_object(doc) ? json_object_get(doc, "error") : NULL;
        if (e) {
            char text[512];
            error_text(e, text, sizeof(text));
            rc = ld_error_set(err, LD_ERR_GENERIC, "elasticsearch answered HTTP %ld: %s", status,
                              text);
        } else {
            rc = ld_error_set(err, LD_ERR_GENERIC, "elasticsearch answered HTTP %ld", status);
        }
    } else if (!json_is_object(doc)) {
        rc = ld_error_set(err, LD_ERR_CORRUPT,
                          "elasticsearch answered HTTP %ld without a _bulk "
                          "answer (%s)",
                          status,
                          doc               ? "not a JSON object"
                          : load_err.msg[0] ? load_err.msg
                                            : "empty body");
    } else {
        json_t *errors = json_object_get(doc, "errors");
        json_t *items = json_object_get(doc, "items");
        if (!json_is_boolean(errors))
            rc = ld_error_set(err, LD_ERR_CORRUPT,
                              "elasticsearch answered without \"errors\": not a _bulk answer");
        else if (items && !json_is_array(items))
            rc = ld_error_set(err, LD_ERR_CORRUPT,
                              "elasticsearch answered with \"items\" that is not a list");
        else if (json_is_true(errors))
            rc = read_items(items, sent, err);
        else if (items && json_array_size(items) != sent)
            rc =
                ld_error_set(err, LD_ERR_GENERIC, "elasticsearch answered for %zu of %zu documents",
                             json_array_size(items), sent);
    }
    json_decref(doc);
    return rc;
}
