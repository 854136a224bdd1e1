/* containers-policy.json(5) and containers-registries.d(5), as
 * containers/image (podman, CRI-O, skopeo) read them: the policy's
 * transports and scopes (for "docker": "host[:port]/path" down to the
 * host and wildcards "*.example.com", the most specific scope wins, then
 * the transport's "" default, then the global default), every requirement
 * of the chosen scope must hold (insecureAcceptAnything, reject, signedBy,
 * sigstoreSigned), and signedIdentity (matchExact,
 * matchRepoDigestOrExact, matchRepository, exactReference,
 * exactRepository, remapIdentity); registries.d's per-scope
 * use-sigstore-attachments and lookaside. Parsing and the pure decisions
 * only: trust/verify.c fetches and checks signatures. */
#ifndef LD_TRUST_CONTAINERS_POLICY_H
#define LD_TRUST_CONTAINERS_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

#define LD_CPOL_MAX_BYTES ((size_t)1024 * 1024)

typedef enum {
    LD_CPOL_ACCEPT_ANYTHING,
    LD_CPOL_REJECT,
    LD_CPOL_SIGNED_BY,       /* GPG simple signing: read, not verifiable here */
    LD_CPOL_SIGSTORE_SIGNED, /* cosign key-based (keyPath/keyData/keyPaths) or Fulcio */
} ld_cpol_req_type;

typedef enum {
    LD_CPOL_ID_MATCH_REPO_DIGEST_OR_EXACT, /* the default */
    LD_CPOL_ID_MATCH_EXACT,
    LD_CPOL_ID_MATCH_REPOSITORY,
    LD_CPOL_ID_EXACT_REFERENCE,
    LD_CPOL_ID_EXACT_REPOSITORY,
    LD_CPOL_ID_REMAP_IDENTITY,
} ld_cpol_identity_type;

typedef struct {
    ld_cpol_identity_type type;
    char *reference; /* exactReference / exactRepository: dockerReference / dockerRepository */
    char *prefix, *signed_prefix; /* remapIdentity */
} ld_cpol_identity;

typedef struct {
    ld_cpol_req_type type;
    char *key_type;     /* signedBy: "GPGKeys", ... */
    char **key_paths;   /* keyPath / keyPaths (sigstoreSigned), as written */
    size_t n_key_paths;
    char *key_data;     /* keyData, decoded from base64 */
    size_t key_data_len;
    bool fulcio;        /* sigstoreSigned with "fulcio": keyless, not verifiable here */
    bool rekor;         /* rekorPublicKeyPath/Data given */
    ld_cpol_identity identity;
} ld_cpol_requirement;

typedef struct {
    char *scope; /* "" for the transport default */
    ld_cpol_requirement *reqs;
    size_t n_reqs;
} ld_cpol_scope;

typedef struct {
    ld_cpol_requirement *default_reqs;
    size_t n_default;
    ld_cpol_scope *docker; /* the "docker" transport's scopes */
    size_t n_docker;
    char *path; /* where it came from */
} ld_cpol;

/* Strict, as containers/image: unknown fields and unknown types are
 * errors (LD_ERR_CORRUPT naming the JSON path); an empty default is an
 * error. */
int ld_cpol_parse(const char *name, const void *buf, size_t len, ld_cpol *out, ld_error *err);
int ld_cpol_load(const char *path, ld_cpol *out, ld_error *err);
void ld_cpol_clear(ld_cpol *p);

/* The requirements for a docker reference (registry/repo[:tag][@digest]
 * canonical form, "docker.io/library/x:1"): most specific docker scope,
 * else the docker transport's "" scope, else the default. *scope (may be
 * NULL) gets the scope that applied ("" / "default"). */
const ld_cpol_requirement *ld_cpol_requirements(const ld_cpol *p, const char *ref, size_t *n,
                                                const char **scope);

/* Does signedIdentity id accept a signature whose docker-reference is
 * signed_ref for the image named ref (both canonical text)? */
bool ld_cpol_identity_matches(const ld_cpol_identity *id, const char *ref,
                              const char *signed_ref);

/* registries.d: for a docker reference, whether sigstore attachments are
 * used (use-sigstore-attachments of the most specific docker scope, else
 * default-docker) and the lookaside URL for reading (NULL: none). dir
 * NULL: /etc/containers/registries.d. */
typedef struct {
    bool use_sigstore_attachments;
    char *lookaside;
    char *source; /* file that decided it, NULL: none */
} ld_cpol_registries_d;
/* source: the file whose section decided use_sigstore_attachments, else
 * the one that gave the lookaside. The *.yaml files of DIR are read as
 * containers/image 5.23 reads them (YAML turned into JSON, then Go's
 * lenient decoding: unknown keys ignored, key names matched without
 * regard to case, a bool only from a plain true/false/yes/no/on/off); a
 * default-docker section or a docker scope defined in two files is an
 * error naming both (as in containers/image), and so is a key given twice
 * in one file (containers/image keeps the last: lockdown is stricter).
 * Reads: "lookaside", else the older "sigstore". A missing directory is
 * no configuration (attachments off, no lookaside; containers/image then
 * uses file:///var/lib/containers/sigstore). ref must be a reference
 * (LD_ERR_INVALID). */
int ld_cpol_registries_d_lookup(const char *dir, const char *ref, ld_cpol_registries_d *out,
                                ld_error *err);
void ld_cpol_registries_d_clear(ld_cpol_registries_d *r);

/* The same in steps, for a caller that looks up many references (and
 * for the fuzzer): the merged configuration of a directory, or of texts
 * added one file at a time. */
typedef struct ld_cpol_regd ld_cpol_regd;
ld_cpol_regd *ld_cpol_regd_new(void);
/* Adds one file's text (name: its path, for messages and source);
 * LD_ERR_CORRUPT for YAML or type errors and conflicts with files added
 * before. On error cfg is unchanged. */
int ld_cpol_regd_add(ld_cpol_regd *cfg, const char *name, const char *buf, size_t len,
                     ld_error *err);
/* Every *.yaml file of dir (NULL: /etc/containers/registries.d), in name
 * order. */
int ld_cpol_regd_load(const char *dir, ld_cpol_regd **out, ld_error *err);
int ld_cpol_regd_resolve(const ld_cpol_regd *cfg, const char *ref, ld_cpol_registries_d *out,
                         ld_error *err);
void ld_cpol_regd_free(ld_cpol_regd *cfg);

#endif
