/* Verifying an image's signatures in its registry (trust/verify.h): the
 * reference resolved to its manifest digest, the cosign signature image
 * at sha256-<hex>.sig read layer by layer (each payload fetched, bounded
 * and digest-checked), the Sigstore bundles among the image's OCI
 * referrers (the referrers API, else the referrers tag schema) when keys
 * alone decide, and registries.d consulted for a containers-policy.json.
 * The decisions are verify_decide.c's and verify_policy.c's; this file
 * only fetches, and turns a registry that cannot be asked into "not
 * assessed". Also the trusted keys of lockdown's own policy. */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trust/cosign.h"
#include "trust/verify_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"

/* ---- lockdown's policy: trusted-keys ---------------------------------------- */

/* A file: path of the policy, relative ones taken from the policy file's
 * directory (the built-in policy has none: the working directory). */
static char *policy_key_path(const ld_policy *policy, const char *path)
{
    if (path[0] == '/' || !policy->path || strcmp(policy->path, "built-in default") == 0)
        return ld_xstrdup(path);
    char *copy = ld_xstrdup(policy->path);
    char *full = ld_xasprintf("%s/%s", dirname(copy), path);
    free(copy);
    return full;
}

int ld_trust_policy_keys(const ld_policy *policy, ld_key ***keys, size_t *n, ld_error *err)
{
    *keys = NULL;
    *n = 0;
    if (!policy || policy->n_trusted_keys == 0)
        return 0;
    ld_key **v = ld_xcalloc(policy->n_trusted_keys, sizeof(*v));
    size_t got = 0;
    for (size_t i = 0; i < policy->n_trusted_keys; i++) {
        const ld_trusted_key *tk = &policy->trusted_keys[i];
        ld_key *k = NULL;
        if (tk->key && strncmp(tk->key, "file:", 5) == 0) {
            char *path = policy_key_path(policy, tk->key + 5);
            k = ld_key_read_file(path, false, NULL, err);
            free(path);
        } else if (tk->key) {
            k = ld_key_load_public(tk->name ? tk->name : "trusted key", tk->key, strlen(tk->key),
                                   err);
        } else {
            ld_error_set(err, LD_ERR_INVALID, "no key");
        }
        if (!k) {
            ld_error_wrap(err, "%s:%d: trusted key \"%s\"", policy->path ? policy->path : "policy",
                          tk->line, tk->name ? tk->name : "?");
            for (size_t j = 0; j < got; j++)
                ld_key_free(v[j]);
            free(v);
            return err->code ? err->code : LD_ERR_GENERIC;
        }
        v[got++] = k;
    }
    *keys = v;
    *n = got;
    return 0;
}

/* ---- fetching ---------------------------------------------------------------- */

/* Whether a failed request means "could not ask" (not assessed) rather
 * than "the registry holds something unusable". */
static bool could_not_ask(const ld_error *e)
{
    return e->code == LD_ERR_UNREACHABLE || e->code == LD_ERR_INVALID || e->code == LD_ERR_NOMEM ||
           e->code == LD_ERR_GENERIC;
}

/* Marks s unreadable or broken from e, with context. */
static void sig_failed(ld_vsig *s, const ld_error *e, const char *what)
{
    char *why = ld_xasprintf("%s: %s", what, e->msg);
    if (could_not_ask(e))
        s->unreadable = why;
    else
        s->broken = why;
}

/* A payload or bundle blob, bounded. */
static void fetch_payload(ld_reg_client *c, const char *repo, const char *digest, uint64_t size,
                          ld_vsig *s)
{
    if (size > LD_VERIFY_MAX_PAYLOAD) {
        s->broken = ld_xasprintf("blob %s of %llu bytes, over the %zu-byte limit", digest,
                                 (unsigned long long)size, LD_VERIFY_MAX_PAYLOAD);
        return;
    }
    ld_error e = LD_ERROR_INIT;
    uint8_t *buf = NULL;
    size_t len = 0;
    if (ld_reg_get_blob(c, repo, digest, LD_VERIFY_MAX_PAYLOAD, &buf, &len, &e) < 0) {
        char *what = ld_xasprintf("blob %s", digest);
        sig_failed(s, &e, what);
        free(what);
        return;
    }
    s->payload = buf;
    s->payload_len = len;
}

/* The cosign signature image of digest, one ld_vsig per layer. */
static void fetch_cosign(ld_reg_client *c, const char *repo, const char *digest, ld_vsigs *out)
{
    ld_autofree char *tag = ld_cosign_sig_tag(digest);
    ld_reg_manifest m = {0};
    ld_error e = LD_ERROR_INIT;
    if (!tag) {
        ld_vsigs_add(out, LD_VSIG_SIMPLE, digest)->broken =
            ld_xasprintf("\"%s\" is not a digest a signature tag can name", digest);
        return;
    }
    if (ld_reg_get_manifest(c, repo, tag, &m, &e) < 0) {
        if (e.code != LD_ERR_NOT_FOUND) {
            char *what = ld_xasprintf("signature image %s", tag);
            sig_failed(ld_vsigs_add(out, LD_VSIG_SIMPLE, tag), &e, what);
            free(what);
        }
        return;
    }
    ld_cosign_sigs sigs = {0};
    if (ld_cosign_sigs_parse(m.body, m.len, &sigs, &e) < 0) {
        ld_vsigs_add(out, LD_VSIG_SIMPLE, tag)->broken =
            ld_xasprintf("signature image %s: %s", tag, e.msg);
        ld_reg_manifest_clear(&m);
        return;
    }
    ld_reg_manifest_clear(&m);
    for (size_t i = 0; i < sigs.n; i++) {
        const ld_cosign_sig *cs = &sigs.v[i];
        char *origin = ld_xasprintf("%s layer %zu", tag, i + 1);
        ld_vsig *s = ld_vsigs_add(out, LD_VSIG_SIMPLE, origin);
        free(origin);
        s->keyless = cs->certificate != NULL;
        if (!cs->payload_digest) {
            s->broken = ld_xstrdup("the layer names no payload digest");
            continue;
        }
        if (cs->signature_len) {
            s->signature = ld_xmalloc(cs->signature_len);
            memcpy(s->signature, cs->signature, cs->signature_len);
            s->signature_len = cs->signature_len;
        }
        fetch_payload(c, repo, cs->payload_digest, cs->payload_size, s);
    }
    ld_cosign_sigs_clear(&sigs);
}

/* The image's referrers index: the referrers API's answer, else the
 * referrers tag schema's. 0 with out filled (maybe empty); < 0 with err
 * when it could not be read. */
static int fetch_referrers(ld_reg_client *c, const char *repo, const char *digest,
                           ld_referrers *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    ld_autofree char *path = ld_xasprintf("/v2/%s/referrers/%s", repo, digest);
    static const char *const headers[] = {"Accept: " LD_MT_OCI_INDEX, NULL};
    ld_reg_request rq = {.method = "GET",
                         .path = path,
                         .repo = repo,
                         .actions = LD_REG_PULL,
                         .headers = headers,
                         .max_body = LD_REG_MAX_MANIFEST_BYTES};
    ld_reg_response resp = {0};
    if (ld_reg_do(c, &rq, &resp, err) < 0)
        return err->code;
    if (resp.status == 200 && resp.body) {
        int rc = ld_referrers_parse(resp.body, resp.len, out, err);
        ld_reg_response_clear(&resp);
        return rc;
    }
    ld_reg_response_clear(&resp);
    /* no referrers API (distribution 2.8 answers 404): the tag schema,
     * "<algorithm>-<hex>" */
    ld_autofree char *tag = ld_xstrdup(digest);
    char *colon = strchr(tag, ':');
    if (colon)
        *colon = '-';
    ld_reg_manifest m = {0};
    if (ld_reg_get_manifest(c, repo, tag, &m, err) < 0) {
        if (err->code == LD_ERR_NOT_FOUND) {
            ld_error_clear(err);
            return 0;
        }
        return err->code;
    }
    int rc = ld_referrers_parse(m.body, m.len, out, err);
    ld_reg_manifest_clear(&m);
    return rc;
}

/* The Sigstore bundles among the image's referrers. */
static void fetch_bundles(ld_reg_client *c, const char *repo, const char *digest, ld_vsigs *out)
{
    ld_referrers refs = {0};
    ld_error e = LD_ERROR_INIT;
    if (fetch_referrers(c, repo, digest, &refs, &e) < 0) {
        sig_failed(ld_vsigs_add(out, LD_VSIG_BUNDLE, "referrers"), &e, "the image's referrers");
        return;
    }
    size_t taken = 0;
    for (size_t i = 0; i < refs.n; i++) {
        const ld_referrer *r = &refs.v[i];
        if (!ld_referrer_is_bundle(r))
            continue;
        if (taken++ >= LD_VERIFY_MAX_BUNDLES) {
            out->skipped++;
            continue;
        }
        char *origin = ld_xasprintf("bundle %s", r->digest);
        ld_vsig *s = ld_vsigs_add(out, LD_VSIG_BUNDLE, origin);
        free(origin);
        ld_reg_manifest m = {0};
        if (ld_reg_get_manifest(c, repo, r->digest, &m, &e) < 0) {
            sig_failed(s, &e, "its manifest");
            continue;
        }
        char *layer = NULL;
        uint64_t size = 0;
        if (ld_referrer_bundle_layer(m.body, m.len, digest, &layer, &size, &e) < 0)
            s->broken = ld_xstrdup(e.msg);
        else
            fetch_payload(c, repo, layer, size, s);
        free(layer);
        ld_reg_manifest_clear(&m);
    }
    ld_referrers_clear(&refs);
}

static bool has_bundles(const ld_vsigs *sigs)
{
    for (size_t i = 0; i < sigs->n; i++)
        if (sigs->v[i].kind == LD_VSIG_BUNDLE && sigs->v[i].payload)
            return true;
    return false;
}

/* ---- verification ------------------------------------------------------------ */

/* "WHAT: WHY", not assessed. */
static void not_assessed(ld_sig_result *out, const char *what, const char *why)
{
    out->state = LD_SIG_NOT_ASSESSED;
    free(out->reason);
    out->reason = ld_xasprintf("%s: %s", what, why);
}

/* Appends " (NOTE)" to the reason. */
static void reason_note(ld_sig_result *out, const char *note)
{
    char *r = ld_xasprintf("%s (%s)", out->reason ? out->reason : "", note);
    free(out->reason);
    out->reason = r;
}

/* With --key: what registries.d says, as a note when it turns sigstore
 * attachments off for the image (podman and skopeo would then see no
 * signature, whatever lockdown verified). */
static void key_mode_registries_note(const ld_verify_options *opt, ld_sig_result *out)
{
    ld_cpol_registries_d rd = {0};
    ld_error e = LD_ERROR_INIT;
    if (ld_cpol_registries_d_lookup(opt->registries_d, out->reference, &rd, &e) < 0)
        return; /* not what --key verification rests on */
    if (rd.source && !rd.use_sigstore_attachments) {
        char *note = ld_xasprintf("note: %s, the registries.d file that decides for this image, "
                                  "does not set use-sigstore-attachments: true, so podman, "
                                  "CRI-O and skopeo configured with it read no signature",
                                  rd.source);
        reason_note(out, note);
        free(note);
    }
    ld_cpol_registries_d_clear(&rd);
}

int ld_trust_verify_image(const char *ref, const ld_verify_options *opt, ld_sig_result *out,
                          ld_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!opt || (opt->n_keys == 0 && !opt->policy))
        return ld_error_set(err, LD_ERR_INVALID,
                            "no trusted key and no containers-policy.json to verify %s with",
                            ref ? ref : "the image");
    ld_reg_ref r;
    if (ld_reg_ref_parse(ref, &r, err) < 0)
        return err->code;
    out->reference = ld_reg_ref_string(&r);

    const ld_cpol_requirement *reqs = NULL;
    size_t n_reqs = 0;
    const char *scope = NULL;
    if (opt->policy) {
        reqs = ld_cpol_requirements(opt->policy, out->reference, &n_reqs, &scope);
        if (ld_verify_policy_rejects(reqs, n_reqs)) { /* nothing to fetch */
            ld_vcheck ctx = {.image_ref = out->reference};
            ld_verify_decide_policy(&ctx, reqs, n_reqs, scope, NULL, false, NULL, out);
            ld_reg_ref_clear(&r);
            return 0;
        }
    }

    ld_error e = LD_ERROR_INIT;
    ld_reg_client *c = ld_reg_open(r.endpoint, opt->registry, &e);
    if (!c) {
        char *what = ld_xasprintf("registry %s", r.registry);
        not_assessed(out, what, e.msg);
        free(what);
        ld_reg_ref_clear(&r);
        return 0;
    }
    char *digest = NULL;
    if (ld_reg_head_manifest(c, r.repo, ld_reg_ref_reference(&r), &digest, NULL, NULL, &e) < 0) {
        not_assessed(out, out->reference, e.msg);
        goto done;
    }
    out->manifest_digest = digest;

    ld_vsigs sigs = {0};
    ld_vcheck ctx = {.image_ref = out->reference,
                     .image_digest = digest,
                     .keys = opt->keys,
                     .n_keys = opt->n_keys};
    if (opt->policy) {
        bool need = ld_verify_policy_needs_signatures(reqs, n_reqs);
        if (need)
            fetch_cosign(c, r.repo, digest, &sigs);
        ld_cpol_registries_d rd = {0};
        ld_verify_attachments att = {0};
        if (ld_cpol_registries_d_lookup(opt->registries_d, out->reference, &rd, &e) < 0) {
            att.error = e.msg;
        } else {
            att.use_attachments = rd.use_sigstore_attachments;
            att.source = rd.source;
        }
        ld_verify_decide_policy(&ctx, reqs, n_reqs, scope, &sigs, need, &att, out);
        ld_cpol_registries_d_clear(&rd);
    } else {
        fetch_cosign(c, r.repo, digest, &sigs);
        ld_verify_decide_keys(&ctx, &sigs, out);
        if (out->state != LD_SIG_VERIFIED) {
            /* not decided by the cosign tag: the Sigstore bundles too */
            size_t before = sigs.n;
            fetch_bundles(c, r.repo, digest, &sigs);
            if (sigs.n > before) {
                ld_reg_manifest m = {0};
                if (has_bundles(&sigs) && ld_reg_get_manifest(c, r.repo, digest, &m, &e) == 0) {
                    ctx.manifest = m.body;
                    ctx.manifest_len = m.len;
                }
                free(out->reason);
                free(out->key);
                free(out->signed_identity);
                out->reason = out->key = out->signed_identity = NULL;
                ld_verify_decide_keys(&ctx, &sigs, out);
                ld_reg_manifest_clear(&m);
            }
        }
        if (out->state == LD_SIG_UNSIGNED) {
            char *tag = ld_cosign_sig_tag(digest);
            char *note = ld_xasprintf("no %s in %s/%s, no Sigstore bundle among its referrers",
                                      tag ? tag : "signature tag", r.registry, r.repo);
            reason_note(out, note);
            free(note);
            free(tag);
        }
        if (sigs.skipped) {
            char *note = ld_xasprintf("%zu more bundle%s not read", sigs.skipped,
                                      sigs.skipped == 1 ? "" : "s");
            reason_note(out, note);
            free(note);
        }
        key_mode_registries_note(opt, out);
    }
    ld_vsigs_clear(&sigs);
done:
    ld_reg_close(c);
    ld_reg_ref_clear(&r);
    return 0;
}
