/* Signing an image in its registry the cosign way (trust/verify.h): the
 * reference resolved to its manifest digest, a simple-signing payload for
 * the identity and that digest, signed with the private key, and the
 * signature image at sha256-<hex>.sig rebuilt with the signatures it
 * already held plus this one (payload blob, config, manifest pushed in
 * that order, so the tag never names a manifest whose blobs are missing).
 * The key stays in the caller's ld_key; nothing secret is written. */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "trust/cosign.h"
#include "trust/verify.h"
#include "util/cleanup.h"
#include "util/mem.h"

/* "sha256:" + hex of data (through OpenSSL's default context, so FIPS
 * mode applies); NULL when the digest is refused. */
static char *sha256_digest(const void *data, size_t len)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_MD *sha = EVP_MD_fetch(NULL, "SHA256", NULL);
    int ok = sha && EVP_Digest(data, len, md, &n, sha, NULL) == 1 && n == 32;
    EVP_MD_free(sha);
    if (!ok)
        return NULL;
    static const char digits[] = "0123456789abcdef";
    char *s = ld_xmalloc(7 + 64 + 1);
    memcpy(s, "sha256:", 7);
    for (unsigned i = 0; i < n; i++) {
        s[7 + 2 * i] = digits[md[i] >> 4];
        s[7 + 2 * i + 1] = digits[md[i] & 15];
    }
    s[7 + 64] = '\0';
    return s;
}

/* Whether the name part of s (after its last '/') carries a ":tag". */
static bool explicit_tag(const char *s)
{
    const char *slash = strrchr(s, '/');
    const char *name = slash ? slash + 1 : s;
    const char *at = strchr(name, '@');
    const char *colon = strchr(name, ':');
    return colon && (!at || colon < at);
}

/* The docker-reference a signature is made for: the reference as the user
 * gave it, canonical ("docker.io/library/x:1"; a digest reference names
 * the repository and digest; a bare name its ":latest", as containers/image
 * reads it). An --identity keeps its own form (a repository alone stays a
 * repository: cosign's identities are repositories). */
static char *sign_identity(const ld_reg_ref *r, const char *identity, ld_error *err)
{
    if (!identity) {
        if (r->digest)
            return ld_xasprintf("%s/%s@%s", r->registry, r->repo, r->digest);
        return ld_xasprintf("%s/%s:%s", r->registry, r->repo, r->tag ? r->tag : "latest");
    }
    ld_reg_ref id;
    if (ld_reg_ref_parse(identity, &id, err) < 0) {
        ld_error_wrap(err, "--identity \"%s\"", identity);
        return NULL;
    }
    char *s = NULL;
    if (id.digest)
        s = ld_xasprintf("%s/%s@%s", id.registry, id.repo, id.digest);
    else if (explicit_tag(identity))
        s = ld_xasprintf("%s/%s:%s", id.registry, id.repo, id.tag);
    else
        s = ld_xasprintf("%s/%s", id.registry, id.repo);
    ld_reg_ref_clear(&id);
    return s;
}

/* The signatures already at tag (none when the tag does not exist). A
 * signature image lockdown cannot read is not replaced: an error. */
static int existing_signatures(ld_reg_client *c, const char *repo, const char *tag,
                               ld_cosign_sigs *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    ld_reg_manifest m = {0};
    if (ld_reg_get_manifest(c, repo, tag, &m, err) < 0) {
        if (err->code == LD_ERR_NOT_FOUND) {
            ld_error_clear(err);
            return 0;
        }
        return ld_error_wrap(err, "reading the signatures already at %s", tag);
    }
    int rc = ld_cosign_sigs_parse(m.body, m.len, out, err);
    ld_reg_manifest_clear(&m);
    if (rc < 0)
        return ld_error_wrap(err,
                             "%s holds a signature image lockdown cannot read (not "
                             "replaced)",
                             tag);
    return 0;
}

/* Pushes the signature image: every signature of sigs (the new one last). */
static int push_signature_image(ld_reg_client *c, const char *repo, const char *tag,
                                const ld_cosign_sigs *sigs, ld_error *err)
{
    size_t config_len = 0, manifest_len = 0;
    ld_autofree char *config = ld_cosign_sig_config_build(sigs, &config_len);
    ld_autofree char *config_digest = NULL;
    if (!config)
        return ld_error_set(err, LD_ERR_GENERIC, "cannot build the signature image's config");
    if (ld_reg_put_blob(c, repo, config, config_len, &config_digest, err) < 0)
        return ld_error_wrap(err, "pushing the signature image's config");
    ld_autofree char *manifest =
        ld_cosign_sig_manifest_build(sigs, config_digest, config_len, &manifest_len);
    if (!manifest)
        return ld_error_set(err, LD_ERR_GENERIC, "cannot build the signature image's manifest");
    if (ld_reg_put_manifest(c, repo, tag, LD_MT_OCI_MANIFEST, manifest, manifest_len, NULL, err) <
        0)
        return ld_error_wrap(err, "pushing the signature image %s", tag);
    return 0;
}

/* Signs digest of r's repository with opt, on a contacted client. */
static int sign_digest(ld_reg_client *c, const ld_reg_ref *r, const char *digest,
                       const ld_sign_options *opt, ld_error *err)
{
    ld_autofree char *identity = sign_identity(r, opt->identity, err);
    if (!identity)
        return err->code;
    size_t payload_len = 0;
    ld_autofree char *payload = ld_cosign_payload_build(identity, digest, opt->annotations,
                                                        opt->n_annotations, &payload_len);
    if (!payload)
        return ld_error_set(err, LD_ERR_GENERIC, "cannot build the signature payload");
    ld_autofree char *payload_digest = sha256_digest(payload, payload_len);
    if (!payload_digest)
        return ld_error_set(err, LD_ERR_UNSUPPORTED, "SHA-256 is not available");
    ld_autofree uint8_t *sig = NULL;
    size_t sig_len = 0;
    if (ld_key_sign(opt->key, payload, payload_len, &sig, &sig_len, err) < 0)
        return ld_error_wrap(err, "signing %s", digest);

    ld_autofree char *tag = ld_cosign_sig_tag(digest);
    if (!tag)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "the registry named the image by \"%s\", not a digest a signature "
                            "tag can name",
                            digest);
    ld_cosign_sigs old = {0};
    if (existing_signatures(c, r->repo, tag, &old, err) < 0)
        return err->code;
    int rc = 0;
    char *pushed = NULL;
    for (size_t i = 0; i < old.n; i++)
        if (old.v[i].payload_digest && strcmp(old.v[i].payload_digest, payload_digest) == 0 &&
            old.v[i].signature_len == sig_len && memcmp(old.v[i].signature, sig, sig_len) == 0)
            goto out; /* this very signature is there already */
    if (old.n >= LD_COSIGN_MAX_LAYERS) {
        rc = ld_error_set(err, LD_ERR_LIMIT,
                          "%s already holds %zu signatures, the most lockdown keeps in one "
                          "signature image",
                          tag, old.n);
        goto out;
    }
    if (ld_reg_put_blob(c, r->repo, payload, payload_len, &pushed, err) < 0) {
        rc = ld_error_wrap(err, "pushing the signature payload");
        goto out;
    }
    if (pushed && strcmp(pushed, payload_digest) != 0) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "the registry stored the payload as %s, not %s",
                          pushed, payload_digest);
        goto out;
    }
    /* the old signatures (borrowed) and the new one */
    ld_cosign_sigs all = {.v = ld_xcalloc(old.n + 1, sizeof(*all.v)),
                          .n = old.n + 1,
                          .other = old.other, /* attestations and the like stay */
                          .n_other = old.n_other};
    if (old.n)
        memcpy(all.v, old.v, old.n * sizeof(*all.v));
    all.v[old.n] = (ld_cosign_sig){.payload_digest = payload_digest,
                                   .payload_size = payload_len,
                                   .media_type = (char *)LD_COSIGN_PAYLOAD_TYPE,
                                   .signature = sig,
                                   .signature_len = sig_len};
    rc = push_signature_image(c, r->repo, tag, &all, err);
    free(all.v);
out:
    free(pushed);
    ld_cosign_sigs_clear(&old);
    return rc;
}

int ld_trust_sign_image(const char *ref, const ld_sign_options *opt, char **digest, ld_error *err)
{
    if (digest)
        *digest = NULL;
    if (!opt || !opt->key || !ld_key_has_private(opt->key))
        return ld_error_set(err, LD_ERR_INVALID, "signing %s needs a private key",
                            ref ? ref : "an image");
    ld_reg_ref r;
    if (ld_reg_ref_parse(ref, &r, err) < 0)
        return err->code;
    ld_reg_client *c = ld_reg_open(r.endpoint, opt->registry, err);
    if (!c) {
        ld_reg_ref_clear(&r);
        return err->code;
    }
    char *resolved = NULL;
    int rc = ld_reg_head_manifest(c, r.repo, ld_reg_ref_reference(&r), &resolved, NULL, NULL, err);
    if (rc < 0)
        ld_error_wrap(err, "resolving %s", ref);
    else
        rc = sign_digest(c, &r, resolved, opt, err);
    if (rc == 0 && digest)
        *digest = ld_steal_ptr(&resolved);
    free(resolved);
    ld_reg_close(c);
    ld_reg_ref_clear(&r);
    return rc;
}
