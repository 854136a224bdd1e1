/* The verdict of a containers-policy.json scope on an image
 * (trust/verify_internal.h), as containers/image reaches it: every
 * requirement of the scope must hold; insecureAcceptAnything holds without
 * a signature (and then lockdown says "accepted without signature", not
 * "verified"); reject never holds; sigstoreSigned holds when one cosign
 * signature verifies with its key, names the image's digest and passes its
 * signedIdentity, and only when registries.d lets containers/image read
 * sigstore attachments for the image. What lockdown cannot check (GPG
 * signedBy, keyless fulcio, Rekor SETs) is "not assessed", never a pass. */
#include <stdlib.h>
#include <string.h>

#include "trust/verify_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"

bool ld_verify_policy_rejects(const ld_cpol_requirement *reqs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (reqs[i].type == LD_CPOL_REJECT)
            return true;
    return false;
}

bool ld_verify_policy_needs_signatures(const ld_cpol_requirement *reqs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (reqs[i].type == LD_CPOL_SIGSTORE_SIGNED && !reqs[i].fulcio && !reqs[i].rekor)
            return true;
    return false;
}

int ld_verify_requirement_keys(const ld_cpol_requirement *req, ld_key ***keys, size_t *n,
                               ld_error *err)
{
    size_t total = req->n_key_paths + (req->key_data ? 1 : 0);
    *keys = ld_xcalloc(total ? total : 1, sizeof(**keys));
    *n = 0;
    for (size_t i = 0; i < req->n_key_paths; i++) {
        ld_key *k = ld_key_read_file(req->key_paths[i], false, NULL, err);
        if (!k)
            goto fail;
        (*keys)[(*n)++] = k;
    }
    if (req->key_data) {
        ld_key *k = ld_key_load_public("keyData", req->key_data, req->key_data_len, err);
        if (!k)
            goto fail;
        (*keys)[(*n)++] = k;
    }
    if (*n == 0) {
        ld_error_set(err, LD_ERR_INVALID,
                     "sigstoreSigned names no key (keyPath, keyPaths or "
                     "keyData)");
        goto fail;
    }
    return 0;
fail:
    for (size_t i = 0; i < *n; i++)
        ld_key_free((*keys)[i]);
    free(*keys);
    *keys = NULL;
    *n = 0;
    return err->code ? err->code : LD_ERR_GENERIC;
}

/* What one requirement came to. */
typedef enum { REQ_HOLDS, REQ_FAILS, REQ_UNSIGNED, REQ_NOT_ASSESSED } req_outcome;

typedef struct {
    req_outcome outcome;
    char *why;
    char *key;      /* holds with a signature: its key's fingerprint */
    char *identity; /* ... and its docker-reference */
    char *detail;   /* holds: the phrase naming the signature */
} req_result;

static void req_result_clear(req_result *r)
{
    free(r->why);
    free(r->key);
    free(r->identity);
    free(r->detail);
    memset(r, 0, sizeof(*r));
}

/* How many signatures the cosign tag held (bundles are not read by
 * containers/image, so a policy never counts them). */
static size_t simple_count(const ld_vsigs *sigs)
{
    size_t n = 0;
    for (size_t i = 0; i < sigs->n; i++)
        n += sigs->v[i].kind == LD_VSIG_SIMPLE;
    return n;
}

/* The simple-signing signatures checked with ctx's keys and identity:
 * the first that holds, or why none did. */
static void eval_signatures(const ld_vcheck *ctx, const ld_vsigs *sigs, req_result *out)
{
    ld_strlist whys = {0};
    size_t n = 0, unreadable = 0, uncheckable = 0, more = 0;
    for (size_t i = 0; i < sigs->n; i++) {
        const ld_vsig *s = &sigs->v[i];
        if (s->kind != LD_VSIG_SIMPLE)
            continue;
        n++;
        ld_vsig_verdict v;
        ld_vsig_check(ctx, s, &v);
        if (v.outcome == LD_VSIG_OK) {
            out->outcome = REQ_HOLDS;
            out->key = ld_xstrdup(ld_key_fingerprint(v.key));
            out->identity = ld_xstrdup(v.signed_identity);
            out->detail = ld_xasprintf("signature #%zu (%s) verified with key %s for identity "
                                       "\"%s\"",
                                       i + 1, s->origin ? s->origin : "?", out->key,
                                       v.signed_identity ? v.signed_identity : "");
            ld_vsig_verdict_clear(&v);
            ld_strlist_clear(&whys);
            return;
        }
        unreadable += v.outcome == LD_VSIG_UNREADABLE;
        uncheckable += v.outcome == LD_VSIG_KEYLESS || v.outcome == LD_VSIG_UNCHECKABLE;
        if (whys.n < 3)
            ld_strlist_push_owned(
                &whys, ld_xasprintf("#%zu (%s): %s", i + 1, s->origin ? s->origin : "?", v.why));
        else
            more++;
        ld_vsig_verdict_clear(&v);
    }
    if (more)
        ld_strlist_push_owned(&whys, ld_xasprintf("and %zu more", more));
    char *list = ld_strlist_join(&whys, "; ");
    ld_strlist_clear(&whys);
    if (n == 0) {
        out->outcome = REQ_UNSIGNED;
        out->why = ld_xasprintf("no signature for %s", ctx->image_digest);
    } else if (unreadable || uncheckable == n) {
        out->outcome = REQ_NOT_ASSESSED;
        out->why = ld_xasprintf("%zu signature%s, not all could be checked: %s", n,
                                n == 1 ? "" : "s", list);
    } else {
        out->outcome = REQ_FAILS;
        out->why = ld_xasprintf("%zu signature%s, none accepted: %s", n, n == 1 ? "" : "s", list);
    }
    free(list);
}

static void eval_sigstore(const ld_vcheck *base, const ld_cpol_requirement *req,
                          const ld_vsigs *sigs, bool fetched, const ld_verify_attachments *att,
                          req_result *out)
{
    if (req->fulcio) {
        out->outcome = REQ_NOT_ASSESSED;
        out->why = ld_xstrdup("keyless (fulcio) verification is not supported by lockdown");
        return;
    }
    if (req->rekor) {
        out->outcome = REQ_NOT_ASSESSED;
        out->why = ld_xstrdup("it asks for a Rekor inclusion (rekorPublicKey), which lockdown "
                              "does not verify");
        return;
    }
    if (att && att->error) {
        out->outcome = REQ_NOT_ASSESSED;
        out->why = ld_xasprintf("registries.d could not be read: %s", att->error);
        return;
    }
    ld_key **keys = NULL;
    size_t n_keys = 0;
    ld_error err = LD_ERROR_INIT;
    if (ld_verify_requirement_keys(req, &keys, &n_keys, &err) < 0) {
        out->outcome = REQ_NOT_ASSESSED;
        out->why = ld_xasprintf("its key cannot be read: %s", err.msg);
        return;
    }
    if (!fetched) {
        out->outcome = REQ_NOT_ASSESSED;
        out->why = ld_xstrdup("the signatures were not read");
    } else {
        ld_vcheck ctx = *base;
        ctx.keys = keys;
        ctx.n_keys = n_keys;
        ctx.identity = &req->identity;
        eval_signatures(&ctx, sigs, out);
    }
    for (size_t i = 0; i < n_keys; i++)
        ld_key_free(keys[i]);
    free(keys);
    if (!att || att->use_attachments)
        return;
    /* containers/image reads no sigstore signature for this image: the
     * requirement cannot hold, whatever the registry holds */
    char *where = att->source
                      ? ld_xasprintf("%s, the registries.d file that decides for it, does not set "
                                     "use-sigstore-attachments: true",
                                     att->source)
                      : ld_xstrdup("no registries.d entry sets use-sigstore-attachments: true "
                                   "for it (off by default)");
    char *seen =
        out->outcome == REQ_HOLDS
            ? ld_xasprintf("lockdown read %s, but", out->detail)
            : ld_xasprintf("lockdown read %zu signature%s (%s), and", simple_count(sigs),
                           simple_count(sigs) == 1 ? "" : "s", out->why ? out->why : "none");
    char *why = ld_xasprintf("sigstore attachments are off for this image (%s): %s "
                             "containers/image (podman, CRI-O, skopeo) would find no signature",
                             where, seen);
    free(where);
    free(seen);
    req_result_clear(out);
    out->outcome = REQ_FAILS;
    out->why = why;
}

static const char *req_name(const ld_cpol_requirement *r)
{
    switch (r->type) {
    case LD_CPOL_ACCEPT_ANYTHING: return "insecureAcceptAnything";
    case LD_CPOL_REJECT: return "reject";
    case LD_CPOL_SIGNED_BY: return "signedBy";
    case LD_CPOL_SIGSTORE_SIGNED: return "sigstoreSigned";
    }
    return "?";
}

/* How a scope is named in reasons. */
static char *scope_words(const char *scope)
{
    if (!scope || strcmp(scope, "default") == 0)
        return ld_xstrdup("the policy's default");
    if (!*scope)
        return ld_xstrdup("the docker transport's default scope \"\"");
    return ld_xasprintf("scope \"%s\"", scope);
}

void ld_verify_decide_policy(const ld_vcheck *ctx, const ld_cpol_requirement *reqs, size_t n,
                             const char *scope, const ld_vsigs *sigs, bool signatures_fetched,
                             const ld_verify_attachments *att, ld_sig_result *r)
{
    static const ld_vsigs none = {0};
    if (!sigs)
        sigs = &none;
    r->policy_scope = ld_xstrdup(scope);
    r->n_signatures = simple_count(sigs);
    char *where = scope_words(scope);
    if (n == 0) { /* containers/image refuses such a policy when it loads it */
        r->state = LD_SIG_NOT_ASSESSED;
        r->reason = ld_xasprintf("%s lists no requirement", where);
        free(where);
        return;
    }
    ld_strlist fails = {0}, unassessed = {0}, held = {0};
    bool all_unsigned = true, signature_held = false;
    for (size_t i = 0; i < n; i++) {
        const ld_cpol_requirement *q = &reqs[i];
        req_result res = {0};
        switch (q->type) {
        case LD_CPOL_ACCEPT_ANYTHING: res.outcome = REQ_HOLDS; break;
        case LD_CPOL_REJECT:
            res.outcome = REQ_FAILS;
            res.why = ld_xstrdup("the policy rejects every image here");
            break;
        case LD_CPOL_SIGNED_BY:
            res.outcome = REQ_NOT_ASSESSED;
            res.why = ld_xasprintf("GPG simple signing (keyType %s) is not checked by lockdown",
                                   q->key_type ? q->key_type : "?");
            break;
        case LD_CPOL_SIGSTORE_SIGNED:
            eval_sigstore(ctx, q, sigs, signatures_fetched, att, &res);
            break;
        }
        char *phrase =
            ld_xasprintf("%s%s%s", req_name(q), res.why ? ": " : "", res.why ? res.why : "");
        switch (res.outcome) {
        case REQ_HOLDS:
            if (res.key && !signature_held) {
                signature_held = true;
                r->key = ld_steal_ptr(&res.key);
                r->signed_identity = ld_steal_ptr(&res.identity);
            }
            ld_strlist_push_owned(&held, res.detail
                                             ? ld_xasprintf("%s: %s", req_name(q), res.detail)
                                             : ld_xstrdup(req_name(q)));
            free(phrase);
            break;
        case REQ_UNSIGNED: ld_strlist_push_owned(&fails, phrase); break;
        case REQ_FAILS:
            all_unsigned = false;
            ld_strlist_push_owned(&fails, phrase);
            break;
        case REQ_NOT_ASSESSED: ld_strlist_push_owned(&unassessed, phrase); break;
        }
        req_result_clear(&res);
    }
    if (fails.n) {
        /* one failing requirement rejects the image, whatever else is unknown */
        char *list = ld_strlist_join(&fails, "; ");
        r->state = all_unsigned ? LD_SIG_UNSIGNED : LD_SIG_INVALID;
        r->reason = ld_xasprintf("%s rejects the image: %s", where, list);
        free(list);
        free(r->key);
        free(r->signed_identity);
        r->key = r->signed_identity = NULL;
    } else if (unassessed.n) {
        char *list = ld_strlist_join(&unassessed, "; ");
        r->state = LD_SIG_NOT_ASSESSED;
        r->reason = ld_xasprintf("%s: %s", where, list);
        free(list);
        free(r->key);
        free(r->signed_identity);
        r->key = r->signed_identity = NULL;
    } else if (signature_held) {
        char *list = ld_strlist_join(&held, "; ");
        r->state = LD_SIG_VERIFIED;
        r->reason = ld_xasprintf("every requirement of %s holds: %s", where, list);
        free(list);
    } else {
        r->state = LD_SIG_ACCEPTED;
        r->reason = ld_xasprintf("%s accepts the image without any signature "
                                 "(insecureAcceptAnything): no signature was checked",
                                 where);
    }
    ld_strlist_clear(&fails);
    ld_strlist_clear(&unassessed);
    ld_strlist_clear(&held);
    free(where);
}
