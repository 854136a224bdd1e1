/* Image references as engines and the kubelet read them
 * ("[registry/]path[:tag][@digest]"): split into the registry (docker.io
 * when the first path component is not a host), the repository path
 * ("library/x" for a bare official name), the tag and the digest; and
 * whether a reference lies under one of the policy's trusted registries.
 * The one implementation the image checks and the Kubernetes workload
 * checks share. Not a validator: a malformed reference splits somehow and
 * is then judged like any other. */
#ifndef LD_UTIL_IMAGE_REF_H
#define LD_UTIL_IMAGE_REF_H

#include <stdbool.h>

#include "util/strlist.h"

/* Splits ref; every output is a new string (caller frees) or NULL: tag and
 * digest are NULL when absent, registry and repo never are. */
void ld_image_ref_split(const char *ref, char **registry, char **repo, char **tag, char **digest);

/* Is registry/repo under a trusted entry ("host" or "host/path"), by whole
 * path components ("reg.io/team" covers reg.io/team/app, not
 * reg.io/teamx)? Trailing slashes of entries are ignored; an empty entry
 * covers nothing. */
bool ld_image_ref_trusted(const ld_strlist *trusted, const char *registry, const char *repo);

#endif
