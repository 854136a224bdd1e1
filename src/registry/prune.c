/* Applying a prune plan (registry/prune.h): one DELETE per digest in the
 * plan's order, each attempt reported as a JSON line to the caller's log
 * callback. The selection is prune_select.c; gathering the facts it judges
 * is the scan's (registry/scan.h). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "registry/prune.h"
#include "trust/verify.h"
#include "util/mem.h"

const char *ld_prune_result_name(ld_prune_result r)
{
    switch (r) {
    case LD_PRUNE_PLANNED: return "planned";
    case LD_PRUNE_DELETED: return "deleted";
    case LD_PRUNE_GONE: return "gone";
    case LD_PRUNE_FAILED: return "failed";
    case LD_PRUNE_SKIPPED: return "skipped";
    }
    return "?";
}

void ld_prune_check_signatures(ld_reg_inventory *inv, ld_key *const *keys, size_t n_keys,
                               const ld_reg_options *registry)
{
    ld_verify_options vopt = {.keys = keys, .n_keys = n_keys, .registry = registry};
    for (size_t i = 0; i < inv->n_images; i++) {
        ld_reg_image *m = &inv->images[i];
        if (m->tags.n == 0)
            continue; /* children are judged with their index */
        char *ref = ld_reg_image_reference(inv, m);
        ld_sig_result res = {0};
        ld_error e = LD_ERROR_INIT;
        free(m->sig_reason);
        if (ld_trust_verify_image(ref, &vopt, &res, &e) < 0) {
            m->sig = LD_REG_SIG_NOT_ASSESSED;
            m->sig_reason = ld_xstrdup(e.msg);
        } else {
            m->sig = res.state == LD_SIG_VERIFIED   ? LD_REG_SIG_VERIFIED
                     : res.state == LD_SIG_UNSIGNED ? LD_REG_SIG_UNSIGNED
                     : res.state == LD_SIG_INVALID  ? LD_REG_SIG_INVALID
                                                    : LD_REG_SIG_NOT_ASSESSED;
            m->sig_reason = ld_xstrdup(res.reason);
        }
        ld_sig_result_clear(&res);
        free(ref);
    }
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

char *ld_prune_log_line(const char *host, const ld_prune_action *a, time_t when)
{
    char ts[32] = "";
    struct tm tm;
    if (gmtime_r(&when, &tm))
        strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *o = json_object();
    json_t *tags = json_array();
    for (size_t i = 0; i < a->tags.n; i++)
        json_array_append_new(tags, json_string(a->tags.v[i]));
    /* json_string() refuses invalid UTF-8: every string here came through
     * the registry client's validation or lockdown itself */
    json_object_set_new(o, "time", json_string(ts));
    json_object_set_new(o, "registry", str_or_null(host));
    json_object_set_new(o, "repository", str_or_null(a->repo));
    json_object_set_new(o, "digest", str_or_null(a->digest));
    json_object_set_new(o, "tags", tags);
    json_object_set_new(o, "kind", json_string(ld_prune_kind_name(a->kind)));
    json_object_set_new(o, "of", str_or_null(a->of));
    json_object_set_new(o, "reason", str_or_null(a->reason));
    json_object_set_new(o, "result", json_string(ld_prune_result_name(a->result)));
    json_object_set_new(o, "error", str_or_null(a->error));
    char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    json_decref(o);
    return line ? line : ld_xstrdup("{}");
}

/* Has the deletion of digest in repo failed or been skipped in p[0..upto)? */
static bool not_deleted(const ld_prune_plan *p, size_t upto, const char *repo, const char *digest)
{
    for (size_t i = 0; i < upto; i++)
        if ((p->v[i].result == LD_PRUNE_FAILED || p->v[i].result == LD_PRUNE_SKIPPED) &&
            strcmp(p->v[i].digest, digest) == 0 && strcmp(p->v[i].repo, repo) == 0)
            return true;
    return false;
}

static void report(ld_prune_log_fn log, void *ctx, const char *host, const ld_prune_action *a)
{
    if (!log)
        return;
    char *line = ld_prune_log_line(host, a, time(NULL));
    log(ctx, a, line);
    free(line);
}

int ld_prune_apply(ld_reg_client *c, const char *host, ld_prune_plan *plan, ld_prune_log_fn log,
                   void *ctx, ld_error *err)
{
    int first_rc = 0;
    for (size_t i = 0; i < plan->n; i++) {
        ld_prune_action *a = &plan->v[i];
        if (a->of && not_deleted(plan, i, a->repo, a->of)) {
            a->result = LD_PRUNE_SKIPPED;
            a->error = ld_xasprintf("not deleted: %s %s was not deleted", a->repo, a->of);
            report(log, ctx, host, a);
            continue;
        }
        ld_error e = LD_ERROR_INIT;
        int rc = ld_reg_delete_manifest(c, a->repo, a->digest, &e);
        if (rc == 0) {
            a->result = LD_PRUNE_DELETED;
        } else if (rc == LD_ERR_NOT_FOUND) {
            a->result = LD_PRUNE_GONE;
        } else {
            a->result = LD_PRUNE_FAILED;
            a->error = ld_xstrdup(e.msg);
        }
        report(log, ctx, host, a);
        if (rc == LD_ERR_UNSUPPORTED || rc == LD_ERR_INVALID) {
            /* deletes disabled, or credentials that may not delete: every
             * other request would fail the same way */
            for (size_t k = i + 1; k < plan->n; k++)
                plan->v[k].result = LD_PRUNE_SKIPPED;
            ld_error_set(err, rc == 0 ? LD_ERR_GENERIC : (ld_errcode)rc,
                         "registry %s refused to delete %s@%s: %s", host, a->repo, a->digest,
                         e.msg);
            return rc;
        }
        if (a->result == LD_PRUNE_FAILED && first_rc == 0) {
            first_rc = rc < 0 ? rc : LD_ERR_GENERIC;
            ld_error_set(err, (ld_errcode)first_rc, "could not delete %s@%s from %s: %s", a->repo,
                         a->digest, host, e.msg);
        }
    }
    return first_rc;
}
