/* Where a running container's image comes from: container.image-trusted
 * (its image was pulled from a registry the policy trusts: NIST-IMG-09,
 * CIS Docker 4.2) and container.image-signed (that image's registry
 * signature verifies with a trusted key: NIST-IMG-11/12). The origin is
 * what the engine recorded when it pulled (the image's RepoDigests), not
 * the name a container was created with: an image built or loaded on the
 * host under a trusted registry's name did not come from it. */
#ifndef LD_DOCKER_CONTAINER_TRUST_H
#define LD_DOCKER_CONTAINER_TRUST_H

#include <jansson.h>

#include "core/error.h"
#include "core/findings.h"
#include "trust/signature_check.h"
#include "util/strlist.h"

typedef struct {
    const ld_strlist *trusted_registries; /* the policy's; NULL or empty: not assessed */
    ld_signature_check *signatures;       /* NULL: signatures not checked in this run */
    const json_t *images;                 /* GET /images/json, for RepoDigests; NULL: unread */
} ld_container_trust_env;

/* Emits container.image-trusted and container.image-signed for the
 * container described by inspect (GET /containers/ID/json). */
int ld_container_trust_checks(ld_findings *r, const json_t *inspect,
                              const ld_container_trust_env *env, ld_error *err);

#endif
