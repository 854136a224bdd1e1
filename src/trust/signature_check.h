/* The signature checks of running images: image.signature (an image's
 * registry signature verifies with a trusted key; NIST-IMG-11) and
 * container.image-signed (the image a container runs from does;
 * NIST-IMG-11/12 for what runs). One verification per registry digest
 * per run (a cache in the context), however many containers share it.
 * Emits findings, never prints. */
#ifndef LD_TRUST_SIGNATURE_CHECK_H
#define LD_TRUST_SIGNATURE_CHECK_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/findings.h"
#include "core/policy.h"
#include "registry/client.h"
#include "trust/keys.h"
#include "util/strlist.h"

typedef struct ld_signature_memo ld_signature_memo;

typedef struct ld_signature_check_s {
    ld_key **keys; /* the policy's trusted keys (owned) */
    size_t n_keys;
    char *keys_error;               /* why the policy's keys could not be read, or NULL */
    const ld_reg_options *registry; /* may be NULL: defaults */
    ld_signature_memo *memo;        /* results by registry digest (owned) */
    pthread_mutex_t lock;
} ld_signature_check;

/* Reads the policy's trusted keys (a key that cannot be read makes every
 * signature check not assessed, naming it). Never fails. */
void ld_signature_check_init(ld_signature_check *c, const ld_policy *policy,
                             const ld_reg_options *registry);
void ld_signature_check_clear(ld_signature_check *c);

/* image.signature for one image (target: kind image, id image_id, name
 * image_name). repo_digests: its "host/repo@sha256:.." references (the
 * engine's RepoDigests, or the reference a registry: read used); NULL or
 * empty with from_file: read from a file, not assessed; empty otherwise:
 * not from a registry (built or loaded here), so it cannot carry a
 * registry signature: failed. */
int ld_signature_check_image(ld_signature_check *c, ld_findings *r, const char *check_id,
                             ld_target_kind kind, const char *target_id, const char *target_name,
                             const ld_strlist *repo_digests, bool from_file, ld_error *err);

#endif
