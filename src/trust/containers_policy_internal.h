/* What containers_policy.c, containers_policy_identity.c and registries_d.c
 * share: docker references as containers/image normalises them (the
 * distribution grammar, docker.io/library/ for short names, a reference
 * that carries neither tag nor digest kept "name only"), and the order in
 * which a reference looks up its scopes (the image, then each parent
 * namespace down to the host, then "*.domain" wildcards of the host
 * without its port). Internal to src/trust/. */
#ifndef LD_TRUST_CONTAINERS_POLICY_INTERNAL_H
#define LD_TRUST_CONTAINERS_POLICY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *name;   /* "docker.io/library/busybox", "localhost:5000/x" */
    char *tag;    /* NULL when none was written */
    char *digest; /* NULL when none was written */
} ld_cpol_ref;

/* Parses s as reference.ParseNormalizedNamed does. 0, or -1 when s is not
 * a reference (then *out is empty). */
int ld_cpol_ref_parse(const char *s, ld_cpol_ref *out);
void ld_cpol_ref_clear(ld_cpol_ref *r);
static inline bool ld_cpol_ref_name_only(const ld_cpol_ref *r)
{
    return !r->tag && !r->digest;
}
/* name[:tag][@digest]: reference.String(); caller frees. */
char *ld_cpol_ref_string(const ld_cpol_ref *r);

/* The scopes a docker reference is looked up under, most specific first:
 * its identity (name@digest when it has a digest, else name:tag, tag
 * "latest" when it has neither), then name and its parent namespaces down
 * to the host[:port], then "*.rest" for each dot of the host (port
 * removed). *out: n strings, caller frees each and the array. */
size_t ld_cpol_ref_scopes(const ld_cpol_ref *r, char ***out);

/* Whether s may be a remapIdentity prefix / signedPrefix: a host[:port],
 * or a host[:port] followed by repository path components. */
bool ld_cpol_prefix_valid(const char *s);

#endif
