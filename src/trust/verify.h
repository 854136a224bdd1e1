/* Image signatures, end to end: sign an image in its registry the cosign
 * way, and verify an image's signatures against trusted keys (lockdown's
 * policy) or a containers-policy.json. Joins the registry client, the keys
 * and the cosign formats. A verification says exactly what it saw:
 * verified (by which key, for which identity), unsigned, invalid (why), or
 * not assessed (the registry could not be asked, keyless signatures that
 * need a Fulcio root, GPG signatures): never "verified" for what it could
 * not check. */
#ifndef LD_TRUST_VERIFY_H
#define LD_TRUST_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/policy.h"
#include "registry/client.h"
#include "trust/containers_policy.h"
#include "trust/keys.h"

typedef enum {
    LD_SIG_VERIFIED,     /* a signature verified with a trusted key, payload digest and
                            identity match (and every requirement of the scope held) */
    LD_SIG_UNSIGNED,     /* no signature at all */
    LD_SIG_INVALID,      /* signatures exist, none verifies (wrong key, altered payload or
                            manifest, identity mismatch, policy rejects) */
    LD_SIG_NOT_ASSESSED, /* could not be checked: registry unreachable, image not in a
                            registry, only keyless/GPG signatures, no trusted key given */
    LD_SIG_ACCEPTED,     /* a containers-policy.json scope accepts the image without asking
                            for a signature (insecureAcceptAnything only): nothing was
                            verified, so it is not "verified" (a gate treats it as failed) */
} ld_sig_state;

/* "verified", "unsigned", "invalid", "not assessed", "accepted without signature" */
const char *ld_sig_state_name(ld_sig_state s);

typedef struct {
    ld_sig_state state;
    char *reason;          /* one line: what was seen */
    char *reference;       /* canonical reference checked */
    char *manifest_digest; /* the digest the signatures had to name */
    char *key;             /* fingerprint of the key that verified, or NULL */
    char *signed_identity; /* docker-reference of the verifying payload, or NULL */
    char *policy_scope;    /* containers-policy.json scope that applied, or NULL */
    size_t n_signatures;   /* signatures found */
} ld_sig_result;
void ld_sig_result_clear(ld_sig_result *r);

typedef struct {
    ld_key *const *keys; /* trusted public keys (any one verifying suffices); may be 0 with a policy */
    size_t n_keys;
    const ld_cpol *policy;      /* containers-policy.json: its requirements decide; may be NULL */
    const char *registries_d;   /* NULL: /etc/containers/registries.d */
    const ld_reg_options *registry;
} ld_verify_options;

/* Verifies ref (a registry reference; a tag is resolved to its digest
 * first). Returns 0 with out filled whatever the state; < 0 only for a
 * usage error (malformed reference, no key and no policy). */
int ld_trust_verify_image(const char *ref, const ld_verify_options *opt, ld_sig_result *out,
                          ld_error *err);

/* The trusted keys of lockdown's own policy (trusted-keys: PEM text, or
 * "file:PATH"), as public keys (*keys: n of them, each freed with
 * ld_key_free, then the array). A key that cannot be read is an error
 * naming it (the policy line). */
int ld_trust_policy_keys(const ld_policy *policy, ld_key ***keys, size_t *n, ld_error *err);

typedef struct {
    const ld_key *key; /* private */
    const ld_reg_options *registry;
    const char *identity; /* docker-reference to sign for; NULL: ref as given (canonical) */
    const char *const *annotations; /* "key", "value" pairs; may be NULL */
    size_t n_annotations;
} ld_sign_options;

/* Signs the image ref names: resolves its digest, builds the payload, signs
 * it, adds the signature to the signature image at sha256-<hex>.sig
 * (keeping signatures already there) and pushes it. *digest (may be NULL)
 * gets the signed manifest digest. */
int ld_trust_sign_image(const char *ref, const ld_sign_options *opt, char **digest,
                        ld_error *err);

#endif
