/* What one image signature proves, and the verdict of `--key`
 * verification (trust/verify_internal.h): each signature is checked with
 * the trusted keys before anything its payload says is believed, then for
 * the image's digest, then for its identity; the verdicts fold into one
 * state with a reason that names what was seen. No network, no files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/client.h"
#include "trust/cosign.h"
#include "trust/verify_internal.h"
#include "util/mem.h"

/* Reasons name at most this many signatures, then "and N more". */
#define MAX_NAMED 3

const char *ld_sig_state_name(ld_sig_state s)
{
    switch (s) {
    case LD_SIG_VERIFIED: return "verified";
    case LD_SIG_UNSIGNED: return "unsigned";
    case LD_SIG_INVALID: return "invalid";
    case LD_SIG_NOT_ASSESSED: return "not assessed";
    case LD_SIG_ACCEPTED: return "accepted without signature";
    }
    return "?";
}

void ld_sig_result_clear(ld_sig_result *r)
{
    free(r->reason);
    free(r->reference);
    free(r->manifest_digest);
    free(r->key);
    free(r->signed_identity);
    free(r->policy_scope);
    memset(r, 0, sizeof(*r));
}

void ld_vsig_clear(ld_vsig *s)
{
    free(s->origin);
    free(s->unreadable);
    free(s->broken);
    free(s->payload);
    free(s->signature);
    memset(s, 0, sizeof(*s));
}

ld_vsig *ld_vsigs_add(ld_vsigs *l, ld_vsig_kind kind, const char *origin)
{
    ld_xgrow(&l->v, &l->cap, l->n + 1, sizeof(*l->v));
    ld_vsig *s = &l->v[l->n++];
    memset(s, 0, sizeof(*s));
    s->kind = kind;
    s->origin = ld_xstrdup(origin);
    return s;
}

void ld_vsigs_clear(ld_vsigs *l)
{
    for (size_t i = 0; i < l->n; i++)
        ld_vsig_clear(&l->v[i]);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

void ld_vsig_verdict_clear(ld_vsig_verdict *v)
{
    free(v->why);
    free(v->signed_identity);
    memset(v, 0, sizeof(*v));
}

bool ld_verify_same_repository(const char *image_ref, const char *signed_ref)
{
    if (!image_ref || !signed_ref)
        return false;
    ld_reg_ref a, b;
    ld_error err = LD_ERROR_INIT;
    if (ld_reg_ref_parse(image_ref, &a, &err) < 0)
        return false;
    if (ld_reg_ref_parse(signed_ref, &b, &err) < 0) {
        ld_reg_ref_clear(&a);
        return false;
    }
    bool same = strcmp(a.registry, b.registry) == 0 && strcmp(a.repo, b.repo) == 0;
    ld_reg_ref_clear(&a);
    ld_reg_ref_clear(&b);
    return same;
}

/* "sha256:ab…, sha256:cd…": the fingerprints of the keys tried. */
static char *key_list(const ld_vcheck *ctx)
{
    ld_strlist l = {0};
    for (size_t i = 0; i < ctx->n_keys && i < MAX_NAMED; i++)
        ld_strlist_push(&l, ld_key_fingerprint(ctx->keys[i]));
    if (ctx->n_keys > MAX_NAMED)
        ld_strlist_push_owned(&l, ld_xasprintf("%zu more", ctx->n_keys - MAX_NAMED));
    char *s = ld_strlist_join(&l, ", ");
    ld_strlist_clear(&l);
    return s;
}

/* Tries every key on msg/sig. Returns the key that verifies, or NULL;
 * *uncheckable gets why a key could not check it (an algorithm FIPS mode
 * refuses), when that happened. */
static const ld_key *verify_any(const ld_vcheck *ctx, const uint8_t *msg, size_t len,
                                const uint8_t *sig, size_t sig_len, char **uncheckable)
{
    for (size_t i = 0; i < ctx->n_keys; i++) {
        ld_error e = LD_ERROR_INIT;
        int rc = ld_key_verify(ctx->keys[i], msg, len, sig, sig_len, &e);
        if (rc == 0)
            return ctx->keys[i];
        if (rc != LD_ERR_CORRUPT && !*uncheckable)
            *uncheckable =
                ld_xasprintf("key %s cannot check it: %s", ld_key_fingerprint(ctx->keys[i]), e.msg);
    }
    return NULL;
}

/* The verdict when no key verified. */
static void no_key(const ld_vcheck *ctx, bool keyless, char *uncheckable, ld_vsig_verdict *out)
{
    if (uncheckable) {
        out->outcome = LD_VSIG_UNCHECKABLE;
        out->why = uncheckable;
        return;
    }
    char *keys = key_list(ctx);
    if (keyless) {
        out->outcome = LD_VSIG_KEYLESS;
        out->why = ld_xasprintf("a keyless signature (Fulcio certificate) that no trusted key "
                                "verifies (keyless verification is not supported; tried %s)",
                                ctx->n_keys ? keys : "no key");
    } else {
        out->outcome = LD_VSIG_BAD_SIGNATURE;
        out->why = ld_xasprintf("does not verify with %s %s",
                                ctx->n_keys == 1 ? "the trusted key" : "any trusted key",
                                ctx->n_keys ? keys : "(none given)");
    }
    free(keys);
}

static const char *identity_rule_name(const ld_cpol_identity *id)
{
    if (!id)
        return "same repository (cosign)";
    switch (id->type) {
    case LD_CPOL_ID_MATCH_REPO_DIGEST_OR_EXACT: return "matchRepoDigestOrExact";
    case LD_CPOL_ID_MATCH_EXACT: return "matchExact";
    case LD_CPOL_ID_MATCH_REPOSITORY: return "matchRepository";
    case LD_CPOL_ID_EXACT_REFERENCE: return "exactReference";
    case LD_CPOL_ID_EXACT_REPOSITORY: return "exactRepository";
    case LD_CPOL_ID_REMAP_IDENTITY: return "remapIdentity";
    }
    return "?";
}

static bool identity_ok(const ld_vcheck *ctx, const char *signed_ref)
{
    if (!ctx->identity)
        return ld_verify_same_repository(ctx->image_ref, signed_ref);
    return signed_ref && ld_cpol_identity_matches(ctx->identity, ctx->image_ref, signed_ref);
}

static void check_simple(const ld_vcheck *ctx, const ld_vsig *s, ld_vsig_verdict *out)
{
    char *uncheckable = NULL;
    const ld_key *key =
        verify_any(ctx, s->payload, s->payload_len, s->signature, s->signature_len, &uncheckable);
    if (!key) {
        no_key(ctx, s->keyless, uncheckable, out);
        return;
    }
    free(uncheckable);
    out->key = key;
    ld_cosign_payload p;
    ld_error e = LD_ERROR_INIT;
    if (ld_cosign_payload_parse(s->payload, s->payload_len, &p, &e) < 0) {
        out->outcome = LD_VSIG_BROKEN;
        out->why = ld_xasprintf("signed with key %s, but its payload is not a cosign "
                                "simple-signing payload: %s",
                                ld_key_fingerprint(key), e.msg);
        return;
    }
    out->signed_identity = ld_xstrdup(p.docker_reference);
    if (!p.manifest_digest || !ctx->image_digest ||
        strcmp(p.manifest_digest, ctx->image_digest) != 0) {
        out->outcome = LD_VSIG_OTHER_DIGEST;
        out->why = ld_xasprintf("signs manifest %s, not this image's %s (the image or its "
                                "tag changed after signing, or the signature was copied)",
                                p.manifest_digest ? p.manifest_digest : "(none)",
                                ctx->image_digest ? ctx->image_digest : "(unknown)");
    } else if (!identity_ok(ctx, p.docker_reference)) {
        out->outcome = LD_VSIG_IDENTITY;
        out->why = ld_xasprintf("signed for \"%s\", which the identity rule %s does not accept "
                                "for %s",
                                p.docker_reference ? p.docker_reference : "",
                                identity_rule_name(ctx->identity), ctx->image_ref);
    } else {
        out->outcome = LD_VSIG_OK;
    }
    ld_cosign_payload_clear(&p);
}

/* A DSSE bundle: an image signature when its in-toto statement has
 * cosign's sign predicate; the signature is over the PAE. */
static void check_dsse(const ld_vcheck *ctx, const ld_sigstore_bundle *b, ld_vsig_verdict *out)
{
    if (!b->dsse_payload_type || strcmp(b->dsse_payload_type, LD_INTOTO_PAYLOAD_TYPE) != 0) {
        out->outcome = LD_VSIG_NOT_A_SIGNATURE;
        out->why = ld_xasprintf("a DSSE envelope of payload type \"%s\", not an image signature",
                                b->dsse_payload_type ? b->dsse_payload_type : "");
        return;
    }
    ld_intoto st;
    ld_error e = LD_ERROR_INIT;
    if (ld_intoto_parse(b->dsse_payload, b->dsse_payload_len, &st, &e) < 0) {
        out->outcome = LD_VSIG_BROKEN;
        out->why = ld_xasprintf("its DSSE payload is not an in-toto statement: %s", e.msg);
        return;
    }
    if (strcmp(st.predicate_type, LD_COSIGN_SIGN_PREDICATE) != 0) {
        out->outcome = LD_VSIG_NOT_A_SIGNATURE;
        out->why = ld_xasprintf("an attestation (predicate %s), not an image signature",
                                st.predicate_type);
        ld_intoto_clear(&st);
        return;
    }
    size_t pae_len = 0;
    uint8_t *pae =
        ld_dsse_pae(b->dsse_payload_type, b->dsse_payload, b->dsse_payload_len, &pae_len);
    char *uncheckable = NULL;
    const ld_key *key = verify_any(ctx, pae, pae_len, b->signature, b->signature_len, &uncheckable);
    free(pae);
    if (!key) {
        no_key(ctx, b->has_certificate, uncheckable, out);
        ld_intoto_clear(&st);
        return;
    }
    free(uncheckable);
    out->key = key;
    if (!ld_intoto_names(&st, ctx->image_digest)) {
        out->outcome = LD_VSIG_OTHER_DIGEST;
        out->why = ld_xasprintf("a signature statement whose subjects do not include this "
                                "image's %s",
                                ctx->image_digest ? ctx->image_digest : "(unknown digest)");
    } else if (ctx->identity) {
        out->outcome = LD_VSIG_IDENTITY;
        out->why = ld_xstrdup("a bundle names no docker-reference: a signedIdentity rule "
                              "cannot accept it");
    } else {
        out->outcome = LD_VSIG_OK;
    }
    ld_intoto_clear(&st);
}

static char *hex_of(const uint8_t *b, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char *s = ld_xmalloc(2 * n + 1);
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = digits[b[i] >> 4];
        s[2 * i + 1] = digits[b[i] & 15];
    }
    s[2 * n] = '\0';
    return s;
}

/* A message-signature bundle signs an artifact by its digest: here the
 * image manifest, whose bytes the signature is over. */
static void check_message(const ld_vcheck *ctx, const ld_sigstore_bundle *b, ld_vsig_verdict *out)
{
    if (!b->message_digest_alg || strcmp(b->message_digest_alg, "SHA2_256") != 0 ||
        b->message_digest_len != 32) {
        out->outcome = LD_VSIG_BROKEN;
        out->why = ld_xasprintf("a message signature over a %s digest (only SHA2_256 is read)",
                                b->message_digest_alg ? b->message_digest_alg : "missing");
        return;
    }
    char *hex = hex_of(b->message_digest, b->message_digest_len);
    bool same = ctx->image_digest && strncmp(ctx->image_digest, "sha256:", 7) == 0 &&
                strcmp(ctx->image_digest + 7, hex) == 0;
    if (!same) {
        out->outcome = LD_VSIG_OTHER_DIGEST;
        out->why = ld_xasprintf("a message signature over sha256:%s, not this image's "
                                "manifest %s",
                                hex, ctx->image_digest ? ctx->image_digest : "(unknown)");
        free(hex);
        return;
    }
    free(hex);
    if (!ctx->manifest) {
        out->outcome = LD_VSIG_UNREADABLE;
        out->why = ld_xstrdup("the image manifest it signs could not be read");
        return;
    }
    char *uncheckable = NULL;
    const ld_key *key = verify_any(ctx, ctx->manifest, ctx->manifest_len, b->signature,
                                   b->signature_len, &uncheckable);
    if (!key) {
        no_key(ctx, b->has_certificate, uncheckable, out);
        return;
    }
    free(uncheckable);
    out->key = key;
    if (ctx->identity) {
        out->outcome = LD_VSIG_IDENTITY;
        out->why = ld_xstrdup("a bundle names no docker-reference: a signedIdentity rule "
                              "cannot accept it");
        return;
    }
    out->outcome = LD_VSIG_OK;
}

static void check_bundle(const ld_vcheck *ctx, const ld_vsig *s, ld_vsig_verdict *out)
{
    ld_sigstore_bundle b;
    ld_error e = LD_ERROR_INIT;
    if (ld_sigstore_bundle_parse(s->payload, s->payload_len, &b, &e) < 0) {
        out->outcome = LD_VSIG_BROKEN;
        out->why = ld_xasprintf("not a Sigstore bundle lockdown can read: %s", e.msg);
        return;
    }
    if (b.dsse)
        check_dsse(ctx, &b, out);
    else
        check_message(ctx, &b, out);
    ld_sigstore_bundle_clear(&b);
}

void ld_vsig_check(const ld_vcheck *ctx, const ld_vsig *s, ld_vsig_verdict *out)
{
    memset(out, 0, sizeof(*out));
    if (s->unreadable) {
        out->outcome = LD_VSIG_UNREADABLE;
        out->why = ld_xstrdup(s->unreadable);
    } else if (s->broken) {
        out->outcome = LD_VSIG_BROKEN;
        out->why = ld_xstrdup(s->broken);
    } else if (!s->payload || (s->kind == LD_VSIG_SIMPLE && !s->signature)) {
        out->outcome = LD_VSIG_BROKEN;
        out->why = ld_xstrdup("no payload or no signature");
    } else if (s->kind == LD_VSIG_SIMPLE) {
        check_simple(ctx, s, out);
    } else {
        check_bundle(ctx, s, out);
    }
}

/* ---- folding the verdicts ---------------------------------------------------- */

/* "#2 (ORIGIN): WHY" phrases, at most MAX_NAMED, then "and N more". */
typedef struct {
    ld_strlist phrases;
    size_t more;
} reasons;

static void reasons_add(reasons *r, size_t index, const ld_vsig *s, const char *why)
{
    if (r->phrases.n >= MAX_NAMED) {
        r->more++;
        return;
    }
    ld_strlist_push_owned(
        &r->phrases, ld_xasprintf("#%zu (%s): %s", index + 1, s->origin ? s->origin : "?", why));
}

static char *reasons_take(reasons *r)
{
    if (r->more)
        ld_strlist_push_owned(&r->phrases, ld_xasprintf("and %zu more", r->more));
    char *s = ld_strlist_join(&r->phrases, "; ");
    ld_strlist_clear(&r->phrases);
    return s;
}

void ld_verify_decide_keys(const ld_vcheck *ctx, const ld_vsigs *sigs, ld_sig_result *r)
{
    size_t n_sig = 0, n_unreadable = 0, n_keyless = 0, n_attest = 0;
    reasons failed = {0}, unreadable = {0};
    bool verified = false;
    for (size_t i = 0; i < sigs->n && !verified; i++) {
        ld_vsig_verdict v;
        ld_vsig_check(ctx, &sigs->v[i], &v);
        switch (v.outcome) {
        case LD_VSIG_OK:
            verified = true;
            n_sig++;
            r->key = ld_xstrdup(ld_key_fingerprint(v.key));
            r->signed_identity = ld_xstrdup(v.signed_identity);
            r->reason = ld_xasprintf(
                "signature #%zu (%s) verified with key %s (%s)%s%s%s, signing manifest %s", i + 1,
                sigs->v[i].origin ? sigs->v[i].origin : "?", r->key, ld_key_algorithm(v.key),
                v.signed_identity ? " for identity \"" : "",
                v.signed_identity ? v.signed_identity : "", v.signed_identity ? "\"" : "",
                ctx->image_digest);
            break;
        case LD_VSIG_NOT_A_SIGNATURE: n_attest++; break;
        case LD_VSIG_UNREADABLE:
            n_sig++;
            n_unreadable++;
            reasons_add(&unreadable, i, &sigs->v[i], v.why);
            break;
        case LD_VSIG_KEYLESS:
        case LD_VSIG_UNCHECKABLE:
            n_keyless++;
            n_sig++;
            reasons_add(&failed, i, &sigs->v[i], v.why);
            break;
        default:
            n_sig++;
            reasons_add(&failed, i, &sigs->v[i], v.why);
            break;
        }
        ld_vsig_verdict_clear(&v);
    }
    if (verified) {
        /* the rest were not checked: count them as found */
        r->n_signatures = sigs->n - n_attest;
        r->state = LD_SIG_VERIFIED;
        ld_strlist_clear(&failed.phrases);
        ld_strlist_clear(&unreadable.phrases);
        return;
    }
    r->n_signatures = n_sig;
    char *fails = reasons_take(&failed);
    char *unread = reasons_take(&unreadable);
    if (n_sig == 0) {
        r->state = LD_SIG_UNSIGNED;
        r->reason = n_attest ? ld_xasprintf("no signature for %s (%zu attestation%s, which %s "
                                            "not signatures)",
                                            ctx->image_digest, n_attest, n_attest == 1 ? "" : "s",
                                            n_attest == 1 ? "is" : "are")
                             : ld_xasprintf("no signature for %s", ctx->image_digest);
    } else if (n_unreadable) {
        r->state = LD_SIG_NOT_ASSESSED;
        r->reason =
            ld_xasprintf("%zu of %zu signature%s could not be read: %s%s%s", n_unreadable, n_sig,
                         n_sig == 1 ? "" : "s", unread, *fails ? "; the others: " : "", fails);
    } else if (n_keyless == n_sig) {
        r->state = LD_SIG_NOT_ASSESSED;
        r->reason = ld_xasprintf("%zu signature%s that lockdown cannot check: %s", n_sig,
                                 n_sig == 1 ? "" : "s", fails);
    } else {
        r->state = LD_SIG_INVALID;
        r->reason =
            ld_xasprintf("%zu signature%s, none valid: %s", n_sig, n_sig == 1 ? "" : "s", fails);
    }
    free(fails);
    free(unread);
}
