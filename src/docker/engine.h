/* Docker Engine API client: GET requests returning JSON, over a unix socket
 * or TCP (optionally TLS), on libcurl's easy interface. One handle per
 * engine; the connection is reused between requests. Never runs a shell or
 * the docker CLI.
 *
 * Endpoint selection (like the docker CLI):
 *   host argument, else $DOCKER_HOST, else the first of these sockets that
 *   exists and answers: unix:///var/run/docker.sock (rootful),
 *   $XDG_RUNTIME_DIR/docker.sock (rootless Docker; /run/user/UID when
 *   XDG_RUNTIME_DIR is unset), $XDG_RUNTIME_DIR/podman/podman.sock and
 *   /run/podman/podman.sock (Podman's Docker-compatible API).
 *   unix:///path       the engine's socket
 *   tcp://host[:port]  plain HTTP (port 2375), or HTTPS (port 2376) when
 *                      $DOCKER_TLS_VERIFY is non-empty: the server is verified
 *                      against $DOCKER_CERT_PATH/ca.pem (default ~/.docker) and
 *                      cert.pem + key.pem are sent as the client identity
 *                      when both exist.
 *   ssh://, npipe://, fd:// are not supported (LD_ERR_UNSUPPORTED).
 *
 * Not for: endless streams (events, exec, image export), writes. A
 * bounded stream (logs) goes through ld_engine_get_stream.
 * Not thread-safe: one handle per thread. */
#ifndef LD_DOCKER_ENGINE_H
#define LD_DOCKER_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/error.h"
#include "util/strlist.h"

#define LD_ENGINE_DEFAULT_HOST "unix:///var/run/docker.sock"
/* Oldest Engine API lockdown talks to (Docker 1.12); also used when /_ping
 * sends no Api-Version header (engines before API 1.25 did not). */
#define LD_ENGINE_MIN_API "1.24"
/* Response bodies larger than this are refused (LD_ERR_LIMIT) unless the
 * caller passes its own cap. */
#define LD_ENGINE_DEFAULT_MAX_BYTES ((size_t)16 * 1024 * 1024)

typedef struct ld_engine ld_engine;

/* How long lockdown waits for the engine. A stalled or dripping engine must
 * not hold an audit for minutes per request: every request has a connect
 * timeout, a total timeout, and a low-speed limit (less than
 * low_speed_bytes per second for low_speed_s seconds ends it); once one
 * request timed out, the engine is not asked again in this run (later
 * requests fail at once, naming the one that timed out). Zero fields take
 * the defaults below. */
typedef struct {
    long connect_ms;      /* default LD_ENGINE_CONNECT_MS */
    long request_ms;      /* one request in all; default LD_ENGINE_REQUEST_MS */
    long low_speed_bytes; /* default LD_ENGINE_LOW_SPEED_BYTES */
    long low_speed_s;     /* default LD_ENGINE_LOW_SPEED_S, never more than request_ms */
} ld_engine_timeouts;

#define LD_ENGINE_CONNECT_MS 2000L
#define LD_ENGINE_REQUEST_MS 60000L /* `--engine-timeout SECONDS` sets this */
#define LD_ENGINE_LOW_SPEED_BYTES 1024L
#define LD_ENGINE_LOW_SPEED_S 20L

/* Resolves the endpoint (host, else $DOCKER_HOST, else the default socket),
 * pings /_ping (2 s to connect, 10 s in all) and takes the API version from
 * its Api-Version header. Caller frees with ld_engine_free. Default
 * timeouts (ld_engine_connect_with for others).
 * Fails with NULL and err set:
 *   LD_ERR_UNREACHABLE  nothing answered, or the answer was not an engine's
 *                       ("docker engine at URL did not answer: ...; start
 *                       dockerd or set DOCKER_HOST")
 *   LD_ERR_INVALID      malformed host
 *   LD_ERR_NOT_FOUND    DOCKER_TLS_VERIFY set but ca.pem (or half of cert.pem +
 *                       key.pem) cannot be read
 *   LD_ERR_UNSUPPORTED  a scheme lockdown cannot speak, an API older than 1.24 */
/* The engine's TLS files as the docker CLI finds them: $DOCKER_TLS_VERIFY
 * set -> $DOCKER_CERT_PATH (else ~/.docker)/ca.pem, and cert.pem + key.pem
 * when both exist. tls false (and no error) when DOCKER_TLS_VERIFY is unset.
 * Shared by the API client and the runtime's event stream. */
typedef struct {
    bool tls;
    char *ca_file, *cert_file, *key_file; /* cert/key NULL without a client certificate */
} ld_engine_tls;
int ld_engine_tls_from_env(ld_engine_tls *out, ld_error *err);
void ld_engine_tls_clear(ld_engine_tls *t);

ld_engine *ld_engine_connect(const char *host, ld_error *err);
/* The same with timeouts t (NULL: the defaults); /_ping takes at most the
 * smaller of 10 s and t->request_ms. A timeout is LD_ERR_UNREACHABLE
 * ("...: no answer within N s" / "...: less than N bytes/s for N s"). */
ld_engine *ld_engine_connect_with(const char *host, const ld_engine_timeouts *t, ld_error *err);

/* GET /v<api><path> (path starts with '/', query included, already
 * URL-escaped) and parses the JSON body. max_bytes caps the body (0: the
 * default 16 MiB; beyond is LD_ERR_LIMIT). A non-2xx answer is an error
 * naming the path, the HTTP status and the engine's "message" (404 is
 * LD_ERR_NOT_FOUND). Malformed JSON is LD_ERR_CORRUPT; jansson bounds the
 * nesting depth (JSON_PARSER_MAX_DEPTH, 2048) so hostile nesting cannot
 * exhaust the stack. \u0000 inside strings is accepted (JSON_ALLOW_NUL: a
 * label may hold one; C readers see the string cut there, evidence writers
 * escape it). Duplicate keys are accepted (last one wins), as the
 * engine's own Go client does. Returns a new reference (json_decref), or
 * NULL with err set. */
json_t *ld_engine_get_json(ld_engine *e, const char *path, size_t max_bytes, ld_error *err);

/* GET /v<api><path> for a body that is not JSON (container logs): the
 * body goes to fn as it arrives, at most max_bytes of it (0: no cap);
 * fn returns 0 to go on, < 0 to stop (the request then fails with the
 * error fn left in err). Returns 0 when the whole body was delivered, 1
 * when it was cut at max_bytes (what came before was delivered), < 0 on
 * an error as ld_engine_get_json (a non-2xx answer is not given to fn). */
typedef int (*ld_engine_stream_fn)(const void *data, size_t len, void *ctx, ld_error *err);
int ld_engine_get_stream(ld_engine *e, const char *path, uint64_t max_bytes, ld_engine_stream_fn fn,
                         void *ctx, ld_error *err);

/* Concurrent transfers of ld_engine_get_json_batch. */
#define LD_ENGINE_PARALLEL 8

/* GETs paths[0..n) (as ld_engine_get_json) with up to LD_ENGINE_PARALLEL
 * transfers in flight on their own connections. For each i, docs[i] is a
 * new reference, or NULL and errs[i] a message (caller frees both; a
 * failed request does not fail the batch). Returns 0, or < 0 with err set
 * (an invalid path, libcurl failure) and every docs[i]/errs[i] NULL. */
int ld_engine_get_json_batch(ld_engine *e, const char *const *paths, size_t n, size_t max_bytes,
                             json_t **docs, char **errs, ld_error *err);

/* Appends the endpoints tried, in order, when neither a host argument nor
 * $DOCKER_HOST names one (see above). */
void ld_engine_candidates(ld_strlist *out);

/* "unix:///var/run/docker.sock", "tcp://host:2376"; owned by e. */
const char *ld_engine_endpoint(const ld_engine *e);
/* How lockdown reaches the engine. */
typedef enum {
    LD_ENGINE_LINK_UNIX,      /* a unix socket on this machine */
    LD_ENGINE_LINK_TCP_PLAIN, /* tcp:// without TLS: plain HTTP */
    LD_ENGINE_LINK_TCP_TLS,   /* tcp:// with TLS ($DOCKER_TLS_VERIFY) */
} ld_engine_link;
ld_engine_link ld_engine_link_of(const ld_engine *e);
/* With LD_ENGINE_LINK_TCP_TLS: whether lockdown presented a client
 * certificate (cert.pem + key.pem). An engine that answered without one
 * does not verify its clients. */
bool ld_engine_sends_client_cert(const ld_engine *e);

/* Negotiated API version, e.g. "1.41"; owned by e. */
const char *ld_engine_api_version(const ld_engine *e);

void ld_engine_free(ld_engine *e);

#endif
