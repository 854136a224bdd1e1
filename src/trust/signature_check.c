/* image.signature and container.image-signed (trust/signature_check.h):
 * the policy's trusted keys, one registry verification per digest, and
 * the verdict for an image with its registry digests. */
#include <stdlib.h>
#include <string.h>

#include "trust/signature_check.h"
#include "trust/verify.h"
#include "util/cleanup.h"
#include "util/mem.h"

struct ld_signature_memo {
    char **refs;
    ld_sig_result *results;
    size_t n, cap;
};

void ld_signature_check_init(ld_signature_check *c, const ld_policy *policy,
                             const ld_reg_options *registry)
{
    memset(c, 0, sizeof(*c));
    pthread_mutex_init(&c->lock, NULL);
    c->registry = registry;
    c->memo = ld_xcalloc(1, sizeof(*c->memo));
    if (!policy || policy->n_trusted_keys == 0)
        return;
    ld_error err = LD_ERROR_INIT;
    if (ld_trust_policy_keys(policy, &c->keys, &c->n_keys, &err) < 0)
        c->keys_error = ld_xstrdup(err.msg);
}

void ld_signature_check_clear(ld_signature_check *c)
{
    for (size_t i = 0; i < c->n_keys; i++)
        ld_key_free(c->keys[i]);
    free(c->keys);
    free(c->keys_error);
    if (c->memo) {
        for (size_t i = 0; i < c->memo->n; i++) {
            free(c->memo->refs[i]);
            ld_sig_result_clear(&c->memo->results[i]);
        }
        free(c->memo->refs);
        free(c->memo->results);
        free(c->memo);
    }
    pthread_mutex_destroy(&c->lock);
    memset(c, 0, sizeof(*c));
}

/* The verification of ref, from the memo or done now (copied into out). */
static void verify_once(ld_signature_check *c, const char *ref, ld_sig_result *out)
{
    pthread_mutex_lock(&c->lock);
    ld_signature_memo *m = c->memo;
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->refs[i], ref) == 0) {
            const ld_sig_result *s = &m->results[i];
            *out = (ld_sig_result){
                .state = s->state,
                .reason = ld_xstrdup(s->reason),
                .reference = ld_xstrdup(s->reference),
                .manifest_digest = ld_xstrdup(s->manifest_digest),
                .key = ld_xstrdup(s->key),
                .signed_identity = ld_xstrdup(s->signed_identity),
                .policy_scope = ld_xstrdup(s->policy_scope),
                .n_signatures = s->n_signatures,
            };
            pthread_mutex_unlock(&c->lock);
            return;
        }
    pthread_mutex_unlock(&c->lock);
    /* verified outside the lock: a registry may be slow */
    ld_verify_options vopt = {
        .keys = c->keys,
        .n_keys = c->n_keys,
        .registry = c->registry,
    };
    ld_sig_result res = {0};
    ld_error err = LD_ERROR_INIT;
    if (ld_trust_verify_image(ref, &vopt, &res, &err) < 0) {
        ld_sig_result_clear(&res);
        res = (ld_sig_result){.state = LD_SIG_NOT_ASSESSED, .reason = ld_xstrdup(err.msg)};
    }
    pthread_mutex_lock(&c->lock);
    if (m->n == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 8;
        m->refs = ld_xrealloc(m->refs, m->cap * sizeof(*m->refs));
        m->results = ld_xrealloc(m->results, m->cap * sizeof(*m->results));
    }
    m->refs[m->n] = ld_xstrdup(ref);
    m->results[m->n] = (ld_sig_result){
        .state = res.state,
        .reason = ld_xstrdup(res.reason),
        .reference = ld_xstrdup(res.reference),
        .manifest_digest = ld_xstrdup(res.manifest_digest),
        .key = ld_xstrdup(res.key),
        .signed_identity = ld_xstrdup(res.signed_identity),
        .policy_scope = ld_xstrdup(res.policy_scope),
        .n_signatures = res.n_signatures,
    };
    m->n++;
    pthread_mutex_unlock(&c->lock);
    *out = res;
}

int ld_signature_check_image(ld_signature_check *c, ld_findings *r, const char *check_id,
                             ld_target_kind kind, const char *target_id, const char *target_name,
                             const ld_strlist *repo_digests, bool from_file, ld_error *err)
{
    if (c->keys_error)
        return ld_findings_check(r, check_id, LD_STATUS_ERROR, kind, target_id, target_name, err,
                                 "the policy's trusted-keys could not be read: %s",
                                 c->keys_error);
    if (c->n_keys == 0)
        return ld_findings_check(r, check_id, LD_STATUS_ERROR, kind, target_id, target_name, err,
                                 "the policy lists no trusted-keys; add the public keys that sign "
                                 "your images (PEM, or file:PATH) to check signatures");
    if (!repo_digests || repo_digests->n == 0) {
        if (from_file)
            return ld_findings_check(r, check_id, LD_STATUS_ERROR, kind, target_id, target_name,
                                     err,
                                     "read from a file: image signatures are kept in registries; "
                                     "scan or verify the image by its registry reference");
        return ld_findings_check(r, check_id, LD_STATUS_FAIL, kind, target_id, target_name, err,
                                 "the image has no registry digest (built or loaded on this "
                                 "host): no registry signature can identify it");
    }
    /* verified by any digest: passed; else the first unsigned or invalid
     * one: failed; else (every registry unreachable...): not assessed */
    ld_status st = LD_STATUS_ERROR;
    ld_autofree char *why = NULL;
    for (size_t i = 0; i < repo_digests->n; i++) {
        ld_sig_result res = {0};
        verify_once(c, repo_digests->v[i], &res);
        if (res.state == LD_SIG_VERIFIED) {
            int rc = ld_findings_check(r, check_id, LD_STATUS_PASS, kind, target_id, target_name,
                                       err, "%s: signature verified with key %s (identity %s)",
                                       repo_digests->v[i], res.key ? res.key : "?",
                                       res.signed_identity ? res.signed_identity : "?");
            ld_sig_result_clear(&res);
            return rc;
        }
        bool decisive = res.state != LD_SIG_NOT_ASSESSED;
        if (!why || (decisive && st == LD_STATUS_ERROR)) {
            free(why);
            why = ld_xasprintf("%s: %s%s%s", repo_digests->v[i], ld_sig_state_name(res.state),
                               res.reason ? ": " : "", res.reason ? res.reason : "");
            if (decisive)
                st = LD_STATUS_FAIL;
        }
        ld_sig_result_clear(&res);
    }
    return ld_findings_check(r, check_id, st, kind, target_id, target_name, err, "%s", why);
}
