/* The decisions of image verification, apart from the fetching (verify.c
 * asks the registry; verify_decide.c and verify_policy.c decide; the unit
 * tests call these with signatures they build) and the parsers of what
 * Sigstore bundles arrive in (referrers.c: an OCI referrers index, a
 * bundle's manifest, an in-toto statement). Not a public contract: for
 * trust/ and its tests only. */
#ifndef LD_TRUST_VERIFY_INTERNAL_H
#define LD_TRUST_VERIFY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "trust/containers_policy.h"
#include "trust/keys.h"
#include "trust/verify.h"

/* The most a signature payload or a bundle may weigh (they are a few
 * hundred bytes to a few KiB): anything larger is refused unread. */
#define LD_VERIFY_MAX_PAYLOAD ((size_t)1024 * 1024)
/* Bundles read per image (referrers beyond are named in the reason). */
#define LD_VERIFY_MAX_BUNDLES 64

/* The predicate type of an image signature made by cosign 3 in the
 * Sigstore bundle format (a DSSE envelope around an in-toto statement). */
#define LD_COSIGN_SIGN_PREDICATE "https://sigstore.dev/cosign/sign/v1"
#define LD_INTOTO_PAYLOAD_TYPE "application/vnd.in-toto+json"
#define LD_SIGSTORE_BUNDLE_PREFIX "application/vnd.dev.sigstore.bundle"

/* ---- one signature as fetched ------------------------------------------------ */

typedef enum {
    LD_VSIG_SIMPLE, /* a cosign simple-signing payload + signature (a layer of sha256-<hex>.sig) */
    LD_VSIG_BUNDLE, /* a Sigstore bundle (an OCI referrer of the image) */
} ld_vsig_kind;

typedef struct {
    ld_vsig_kind kind;
    char *origin;     /* where it was found, for reasons ("sha256-ab12….sig layer 2") */
    char *unreadable; /* could not be fetched (registry unreachable, refused): why; else NULL */
    char *broken;     /* fetched but unusable (over the size cap, digest lie, bad base64): why */
    uint8_t *payload; /* simple: the payload bytes; bundle: the bundle JSON */
    size_t payload_len;
    uint8_t *signature; /* simple: the decoded signature; bundle: NULL (it is inside) */
    size_t signature_len;
    bool keyless; /* a Fulcio certificate comes with it (simple: the annotation) */
} ld_vsig;

void ld_vsig_clear(ld_vsig *s);

typedef struct {
    ld_vsig *v;
    size_t n, cap;
    size_t skipped; /* signatures or bundles past the limits, not read */
} ld_vsigs;

/* A new zeroed entry at the end (owned by l). */
ld_vsig *ld_vsigs_add(ld_vsigs *l, ld_vsig_kind kind, const char *origin);
void ld_vsigs_clear(ld_vsigs *l);

/* ---- what one signature proves ---------------------------------------------- */

/* What the signatures must be checked against. */
typedef struct {
    const char *image_ref;    /* the canonical reference verified ("host/repo:tag") */
    const char *image_digest; /* the manifest digest the signatures must name */
    const uint8_t *manifest;  /* the image manifest's bytes (bundle message signatures sign
                                 them); NULL when not fetched */
    size_t manifest_len;
    ld_key *const *keys; /* any one verifying suffices */
    size_t n_keys;
    /* the identity rule: NULL is cosign's (the payload's docker-reference
     * names the image's repository, any tag or digest); else a
     * containers-policy.json signedIdentity */
    const ld_cpol_identity *identity;
} ld_vcheck;

typedef enum {
    LD_VSIG_OK,              /* verifies with a key, names this digest and an accepted identity */
    LD_VSIG_UNREADABLE,      /* could not be fetched */
    LD_VSIG_BROKEN,          /* malformed */
    LD_VSIG_KEYLESS,         /* a keyless (Fulcio) signature no given key verifies */
    LD_VSIG_BAD_SIGNATURE,   /* does not verify with any trusted key */
    LD_VSIG_OTHER_DIGEST,    /* authentic, but signs another manifest digest */
    LD_VSIG_IDENTITY,        /* authentic, for this digest, but the identity is refused */
    LD_VSIG_NOT_A_SIGNATURE, /* a bundle holding an attestation, not an image signature */
    LD_VSIG_UNCHECKABLE,     /* a signature lockdown cannot check (an algorithm refused) */
} ld_vsig_outcome;

typedef struct {
    ld_vsig_outcome outcome;
    char *why;             /* a phrase ("signs sha256:ab12…, not this image's sha256:cd34…") */
    const ld_key *key;     /* the key that verified it (OK, OTHER_DIGEST, IDENTITY), or NULL */
    char *signed_identity; /* the payload's docker-reference, or NULL */
} ld_vsig_verdict;

void ld_vsig_verdict_clear(ld_vsig_verdict *v);

/* Checks one signature: its signature with every key (first, so nothing an
 * unauthenticated payload says is believed), then that it signs
 * ctx->image_digest, then its identity. Never fails: out says what held. */
void ld_vsig_check(const ld_vcheck *ctx, const ld_vsig *s, ld_vsig_verdict *out);

/* Cosign's identity rule: does signed_ref (a payload's docker-reference)
 * name the repository of image_ref (registry and path, any tag or digest)? */
bool ld_verify_same_repository(const char *image_ref, const char *signed_ref);

/* Folds every signature's verdict into r (state, reason, key, signed
 * identity, n_signatures) as `--key` verification reports it: verified by
 * the first signature that holds; else not assessed when one could not be
 * fetched or all are keyless; unsigned when there is none (attestations
 * are not signatures); else invalid, naming why each failed. r's other
 * fields are left alone. */
void ld_verify_decide_keys(const ld_vcheck *ctx, const ld_vsigs *sigs, ld_sig_result *r);

/* ---- containers-policy.json ------------------------------------------------- */

/* Whether a requirement list rejects the image outright (a "reject"
 * requirement: nothing needs to be fetched) and whether it needs the
 * image's signatures at all. */
bool ld_verify_policy_rejects(const ld_cpol_requirement *reqs, size_t n);
bool ld_verify_policy_needs_signatures(const ld_cpol_requirement *reqs, size_t n);

/* The public keys of a sigstoreSigned requirement (keyPath, keyPaths,
 * keyData); *keys: *n keys, each freed with ld_key_free, then the array. */
int ld_verify_requirement_keys(const ld_cpol_requirement *req, ld_key ***keys, size_t *n,
                               ld_error *err);

/* What registries.d said about sigstore attachments for the image. */
typedef struct {
    bool use_attachments;
    const char *source; /* the file that decided, NULL: none did (containers/image's default:
                           attachments off) */
    const char *error;  /* registries.d could not be read: why (the requirement cannot be
                           evaluated), else NULL */
} ld_verify_attachments;

/* Evaluates the requirements (reqs, n, from scope) as containers/image
 * does: every requirement must hold; a sigstoreSigned one holds when one
 * of the simple-signing signatures verifies with its keys, names
 * ctx->image_digest and passes its signedIdentity (ctx->keys and
 * ctx->identity are ignored: each requirement brings its own). Fills r's
 * state, reason, key, signed_identity, policy_scope and n_signatures.
 * signatures_fetched false: sigs were not looked for (the requirements did
 * not need them). */
void ld_verify_decide_policy(const ld_vcheck *ctx, const ld_cpol_requirement *reqs, size_t n,
                             const char *scope, const ld_vsigs *sigs, bool signatures_fetched,
                             const ld_verify_attachments *att, ld_sig_result *r);

/* ---- referrers.c: where Sigstore bundles are found ----------------------------- */

typedef struct {
    char *digest;
    char *media_type;
    char *artifact_type; /* NULL when the descriptor names none */
} ld_referrer;

typedef struct {
    ld_referrer *v;
    size_t n;
} ld_referrers;

/* An OCI image index (the referrers API's answer, or the referrers tag
 * schema's sha256-<hex> index): its manifests' descriptors. Strict on
 * what it reads (a digest "sha256:" + 64 hex, strings where strings
 * belong), at most LD_COSIGN_MAX_LAYERS * 4 descriptors. */
int ld_referrers_parse(const void *buf, size_t len, ld_referrers *out, ld_error *err);
void ld_referrers_clear(ld_referrers *r);
/* Whether a descriptor's artifactType (or media type) is a Sigstore bundle. */
bool ld_referrer_is_bundle(const ld_referrer *r);

/* A bundle artifact's manifest: the digest and size of its first layer of
 * a Sigstore bundle media type. subject_digest: the image's digest; a
 * manifest whose subject names another is refused (LD_ERR_CORRUPT). */
int ld_referrer_bundle_layer(const void *manifest, size_t len, const char *subject_digest,
                             char **digest, uint64_t *size, ld_error *err);

/* An in-toto statement (a DSSE bundle's payload): its predicate type and
 * whether one of its subjects has the sha256 digest hex. */
typedef struct {
    char *predicate_type;
    char **subject_sha256; /* lowercase hex, as written */
    size_t n_subjects;
} ld_intoto;

int ld_intoto_parse(const void *buf, size_t len, ld_intoto *out, ld_error *err);
void ld_intoto_clear(ld_intoto *s);
bool ld_intoto_names(const ld_intoto *s, const char *digest); /* digest: "sha256:hex" */

#endif
