/* The OCI distribution client: one registry host, reached over TLS (plain
 * HTTP only for a host the user named insecure), authenticated anonymously,
 * with basic credentials or through the bearer-token challenge
 * (WWW-Authenticate -> token endpoint, tokens cached per scope), every
 * request retried with back-off on 429/5xx and connection failures,
 * redirects followed a bounded number of times (blob storage), every body
 * bounded. Manifests, blobs (small ones whole, layers as a pull stream for
 * the image reader), tags, the catalog, uploads and deletes. Thread-safe:
 * the image reader streams several blobs of one client at once.
 *
 * A registry is hostile input: a manifest or a blob whose bytes do not hash
 * to the digest asked for (or to the Docker-Content-Digest the registry
 * claims) is refused with LD_ERR_CORRUPT; no body is read past its cap
 * (LD_ERR_LIMIT); a redirect loop or a redirect to another scheme than the
 * registry's ends with LD_ERR_CORRUPT; nothing is ever written to disk. */
#ifndef LD_REGISTRY_CLIENT_H
#define LD_REGISTRY_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"
#include "util/http_timeouts.h"
#include "util/strlist.h"

/* ---- references ----------------------------------------------------------- */

/* An image reference as users write it ("alpine:3.19", "ghcr.io/org/app@sha256:..",
 * "localhost:5000/x"), validated against the distribution reference grammar
 * (lowercase repository components, tag [\w][\w.-]{0,127}, sha256 digest of
 * 64 lowercase hex). */
typedef struct {
    char *registry; /* as named: "docker.io", "localhost:5000", "ghcr.io" */
    char *endpoint; /* the host to talk to: "registry-1.docker.io" for docker.io */
    char *repo;     /* "library/alpine", "org/app" */
    char *tag;      /* NULL when only a digest was given; "latest" when neither */
    char *digest;   /* "sha256:..." or NULL */
} ld_reg_ref;

/* Parses s. Returns 0, or LD_ERR_INVALID with err saying what is wrong. */
int ld_reg_ref_parse(const char *s, ld_reg_ref *out, ld_error *err);
void ld_reg_ref_clear(ld_reg_ref *r);
/* "registry/repo:tag@digest" as canonical text (docker.io kept as
 * "docker.io/library/x"); caller frees. */
char *ld_reg_ref_string(const ld_reg_ref *r);
/* The digest if there is one, else the tag: what /v2/REPO/manifests/ takes. */
const char *ld_reg_ref_reference(const ld_reg_ref *r);

/* ---- client ---------------------------------------------------------------- */

#define LD_REG_MAX_MANIFEST_BYTES ((size_t)4 * 1024 * 1024) /* distribution's own limit */
#define LD_REG_MAX_SMALL_BLOB_BYTES ((size_t)8 * 1024 * 1024) /* configs, signatures */

typedef struct ld_reg_options_s {
    const char *username;      /* --username; NULL: the docker config's credentials */
    const char *password;      /* --password-stdin's; NULL */
    const char *docker_config; /* config.json; NULL: $DOCKER_CONFIG/config.json, else
                                  ~/.docker/config.json (absent: anonymous) */
    const char *cacert;        /* --cacert PEM bundle; NULL: the .crt files of CERTS_DIR/HOST when
                                  present, else the system store */
    const char *certs_dir;     /* NULL: /etc/docker/certs.d */
    /* Hosts ("host" or "host:port") the user named insecure: TLS is tried
     * first without certificate verification, then plain HTTP.
     * ld_reg_transport says which one answered (a finding). Borrowed. */
    const ld_strlist *insecure;
    ld_http_timeouts timeouts; /* zeros: connect 10 s, no total, < 1 KiB/s for 30 s */
    int max_retries;           /* 0: 4 (429, 5xx, connection failure) */
    long retry_base_ms;        /* 0: 500; doubled per retry, Retry-After honoured up to 30 s */
    int max_redirects;         /* 0: 5 */
    int max_connections;       /* concurrent requests per client; 0: 4 */
} ld_reg_options;

typedef struct ld_reg_client ld_reg_client;

/* A client for host (an ld_reg_ref.endpoint). Does not contact the host:
 * the first request does (GET /v2/, then the challenge it answers). */
ld_reg_client *ld_reg_open(const char *host, const ld_reg_options *opt, ld_error *err);
void ld_reg_close(ld_reg_client *c);
const char *ld_reg_host(const ld_reg_client *c);

typedef enum {
    LD_REG_TRANSPORT_UNKNOWN, /* not contacted yet */
    LD_REG_TRANSPORT_TLS,     /* TLS with the certificate verified */
    LD_REG_TRANSPORT_TLS_UNVERIFIED, /* insecure host: TLS, certificate not verified */
    LD_REG_TRANSPORT_PLAIN,          /* insecure host: plain HTTP */
} ld_reg_transport;
ld_reg_transport ld_reg_transport_used(const ld_reg_client *c);
/* How the client authenticated: "anonymous", "basic", "bearer"; and where
 * its credentials came from ("--username", "config.json auths",
 * "credential helper docker-credential-X"), NULL when none. */
const char *ld_reg_auth_scheme(const ld_reg_client *c);
const char *ld_reg_credential_source(const ld_reg_client *c);

/* What a token is asked for: the repository and the actions. */
enum { LD_REG_PULL = 1u, LD_REG_PUSH = 2u, LD_REG_DELETE = 4u, LD_REG_CATALOG = 8u };

typedef struct {
    const char *method;  /* "GET", "HEAD", "PUT", "POST", "PATCH", "DELETE" */
    const char *path;    /* "/v2/library/alpine/manifests/3.19", or an absolute URL
                            the registry gave (Location of an upload, Link) on its host */
    const char *repo;    /* the scope's repository; NULL: registry-wide */
    unsigned actions;    /* LD_REG_* for the token scope */
    const char *const *headers; /* extra "Name: value" lines, NULL-terminated; may be NULL */
    const void *body;
    size_t body_len;
    size_t max_body;     /* response body cap; 0: LD_REG_MAX_MANIFEST_BYTES */
    bool anonymous;      /* never send credentials nor ask for a token (audit probes) */
    bool no_retry;       /* one attempt (probes) */
    bool no_redirect;    /* report a 3xx as it is */
} ld_reg_request;

typedef struct {
    long status;
    char *content_type;
    char *docker_content_digest;
    char *location;
    char *link; /* Link header (pagination), NULL when none */
    char *www_authenticate;
    char *allow; /* Allow header */
    uint64_t content_length; /* header value, 0 when absent */
    uint8_t *body;           /* NUL-terminated; NULL for HEAD */
    size_t len;
} ld_reg_response;
void ld_reg_response_clear(ld_reg_response *r);

/* One request (after auth and retries). Returns 0 whenever the registry
 * answered (any status, in resp), < 0 with err when it could not be asked
 * (LD_ERR_UNREACHABLE: connection, TLS, timeouts, after the retries;
 * LD_ERR_LIMIT: a body over max_body; LD_ERR_CORRUPT: redirect loop). */
int ld_reg_do(ld_reg_client *c, const ld_reg_request *rq, ld_reg_response *resp, ld_error *err);

/* ---- the distribution API ------------------------------------------------- */

/* Media types */
#define LD_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define LD_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define LD_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define LD_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"

typedef struct {
    char *media_type; /* the document's own mediaType, else Content-Type */
    char *digest;     /* sha256 of body, verified */
    uint8_t *body;    /* NUL-terminated */
    size_t len;
} ld_reg_manifest;
void ld_reg_manifest_clear(ld_reg_manifest *m);

/* GET /v2/REPO/manifests/REFERENCE accepting the four types above. The
 * body's sha256 must equal the digest asked for (a digest reference) and
 * the Docker-Content-Digest header when there is one. 404 ->
 * LD_ERR_NOT_FOUND; 401/403 -> LD_ERR_INVALID naming the credentials used. */
int ld_reg_get_manifest(ld_reg_client *c, const char *repo, const char *reference,
                        ld_reg_manifest *out, ld_error *err);
/* HEAD of the same: the digest, media type and size, without the body.
 * A registry that sends no Docker-Content-Digest gets a GET instead. */
int ld_reg_head_manifest(ld_reg_client *c, const char *repo, const char *reference,
                         char **digest, char **media_type, uint64_t *size, ld_error *err);
/* A small blob whole (an image config, a signature payload): at most max
 * bytes (0: LD_REG_MAX_SMALL_BLOB_BYTES), sha256 verified. */
int ld_reg_get_blob(ld_reg_client *c, const char *repo, const char *digest, size_t max,
                    uint8_t **buf, size_t *len, ld_error *err);

/* A blob as a pull stream for the image reader (ld_blob_read_fn): the
 * request starts at the first read, follows the registry's redirect to
 * storage, is retried from the start while nothing has been delivered,
 * and never buffers more than curl's own buffer. The bytes are not hashed
 * here (the layer reader verifies the digest as it streams). */
typedef struct ld_reg_blob ld_reg_blob;
ld_reg_blob *ld_reg_blob_open(ld_reg_client *c, const char *repo, const char *digest,
                              uint64_t expect_size);
ssize_t ld_reg_blob_read(void *blob, uint8_t *buf, size_t len, ld_error *err);
uint64_t ld_reg_blob_bytes(const ld_reg_blob *b); /* bytes delivered so far */
void ld_reg_blob_close(ld_reg_blob *b);

/* Uploads data as a blob (skipped when HEAD finds it); *digest (may be
 * NULL) gets its digest. */
int ld_reg_put_blob(ld_reg_client *c, const char *repo, const void *data, size_t len,
                    char **digest, ld_error *err);
/* PUT /v2/REPO/manifests/REFERENCE; *digest (may be NULL) gets the body's digest. */
int ld_reg_put_manifest(ld_reg_client *c, const char *repo, const char *reference,
                        const char *media_type, const void *body, size_t len, char **digest,
                        ld_error *err);
/* DELETE /v2/REPO/manifests/DIGEST. 202 -> 0; 404 -> LD_ERR_NOT_FOUND;
 * 405 (deletes disabled) -> LD_ERR_UNSUPPORTED. */
int ld_reg_delete_manifest(ld_reg_client *c, const char *repo, const char *digest,
                           ld_error *err);

/* Every tag of repo (following Link pagination, at most max, 0: 100,000),
 * appended to tags in the registry's order. */
int ld_reg_list_tags(ld_reg_client *c, const char *repo, size_t max, ld_strlist *tags,
                     ld_error *err);
/* Every repository of the catalog (/v2/_catalog, paginated, at most max,
 * 0: 100,000). 401/403/404 -> LD_ERR_UNSUPPORTED naming the status. */
int ld_reg_catalog(ld_reg_client *c, size_t max, ld_strlist *repos, ld_error *err);
/* The same asking for pages of page_size entries (?n=; 0: the registry's
 * own page size). */
int ld_reg_list_tags_paged(ld_reg_client *c, const char *repo, size_t page_size, size_t max,
                           ld_strlist *tags, ld_error *err);
int ld_reg_catalog_paged(ld_reg_client *c, size_t page_size, size_t max, ld_strlist *repos,
                         ld_error *err);

#endif
