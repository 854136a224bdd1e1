/* Encode, pack, POST, read the answer: one --send receiver (see
 * export_send.h). */
#include "core/export_send.h"

#include <stdlib.h>
#include <string.h>

#include "core/export_es.h"
#include "core/export_otlp.h"
#include "util/http_post.h"
#include "util/mem.h"
#include "util/url_redact.h"

const char *ld_export_kind_name(ld_export_kind k)
{
    return k == LD_EXPORT_ELASTICSEARCH ? "elasticsearch" : "otlp";
}

void ld_export_target_clear(ld_export_target *t)
{
    free(t->shown);
    free(t->post_url);
    free(t->index);
    memset(t, 0, sizeof(*t));
}

int ld_export_target_parse(const char *spec, ld_export_target *t, ld_error *err)
{
    memset(t, 0, sizeof(*t));
    const char *eq = strchr(spec, '=');
    size_t kl = eq ? (size_t)(eq - spec) : 0;
    if (eq && kl == 4 && memcmp(spec, "otlp", 4) == 0)
        t->kind = LD_EXPORT_OTLP;
    else if (eq && kl == 13 && memcmp(spec, "elasticsearch", 13) == 0)
        t->kind = LD_EXPORT_ELASTICSEARCH;
    else
        return ld_error_set(err, LD_ERR_INVALID,
                            "--send takes KIND=URL with KIND otlp or elasticsearch "
                            "(otlp=http://collector:4318, "
                            "elasticsearch=https://es:9200/INDEX)");
    const char *url = eq + 1;
    int rc = t->kind == LD_EXPORT_OTLP ? ld_export_otlp_endpoint(url, &t->post_url, err)
                                       : ld_export_es_endpoint(url, &t->post_url, &t->index, err);
    if (rc < 0) {
        ld_export_target_clear(t);
        return rc;
    }
    t->shown = ld_url_redact(t->post_url);
    return 0;
}

/* Reads the answer to a body with the reader of t's kind. */
static int read_answer(const ld_export_target *t, const ld_http_post_response *res,
                       const ld_export_body *b, ld_error *err)
{
    if (t->kind == LD_EXPORT_OTLP)
        return ld_export_otlp_response(res->status, res->body, res->len, b->records, err);
    return ld_export_es_response(res->status, res->body, res->len, b->records, err);
}

int ld_export_send(const ld_export_target *t, const ld_report *r, const ld_run_identity *id,
                   const ld_export_send_options *o, ld_export_sent *sent, ld_error *err)
{
    memset(sent, 0, sizeof(*sent));
    ld_export_bodies bodies = {0};
    if (t->kind == LD_EXPORT_OTLP)
        ld_export_otlp(r, id, &o->limits, &bodies);
    else
        ld_export_es(r, id, t->index, &o->limits, &bodies);
    char *label = ld_xasprintf("%s receiver %s", ld_export_kind_name(t->kind), t->shown);
    int rc = 0;
    for (size_t i = 0; i < bodies.n && rc == 0; i++) {
        const ld_export_body *b = &bodies.v[i];
        ld_http_post_request req = {
            .url = t->post_url,
            .label = label,
            .content_type = t->kind == LD_EXPORT_OTLP ? "application/json" : "application/x-ndjson",
            .body = b->data,
            .len = b->len,
            .authorization = o->authorization,
            .cacert = o->cacert,
            .timeouts = o->timeouts,
            .default_backoff_ms = o->default_backoff_ms,
        };
        ld_http_post_response res;
        rc = ld_http_post(&req, &res, err); /* its messages start with label */
        if (rc == 0 && (rc = read_answer(t, &res, b, err)) < 0)
            ld_error_wrap(err, "%s", label);
        if (res.attempts > 1)
            sent->retries++;
        ld_http_post_response_clear(&res);
        if (rc < 0) {
            if (bodies.n > 1)
                ld_error_wrap(err, "request %zu of %zu", i + 1, bodies.n);
            break;
        }
        sent->requests++;
        sent->records += b->records;
        sent->findings += b->findings;
    }
    ld_export_bodies_clear(&bodies);
    free(label);
    return rc;
}
