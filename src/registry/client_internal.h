/* What the files of the registry client share (not for other modules):
 * the client object, one HTTP exchange on a libcurl easy handle
 * (transport.c), the retry policy (retry.c), the WWW-Authenticate parser
 * and the token cache (auth.c), and the response-header bookkeeping the
 * blob stream reuses. Public contract: registry/client.h. */
#ifndef LD_REGISTRY_CLIENT_INTERNAL_H
#define LD_REGISTRY_CLIENT_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "registry/client.h"
#include "registry/credentials.h"

/* ---- limits ---------------------------------------------------------------- */

#define REG_HEADERS_MAX ((size_t)64 * 1024)      /* all header lines of one response */
#define REG_HEADER_VALUE_MAX ((size_t)8 * 1024)  /* one header we keep */
#define REG_ERROR_BODY_MAX ((size_t)64 * 1024)   /* body of an error answer kept for a message */
#define REG_TOKEN_BODY_MAX ((size_t)1024 * 1024) /* a token endpoint's answer */
#define REG_TOKEN_MAX ((size_t)32 * 1024)        /* one bearer token */
#define REG_RETRY_AFTER_MAX_MS 30000L
#define REG_BACKOFF_MAX_MS 30000L
#define REG_TOKEN_DEFAULT_TTL_S 60L /* distribution's default when expires_in is absent */

/* ---- the client ------------------------------------------------------------ */

typedef enum { REG_AUTH_UNKNOWN, REG_AUTH_NONE, REG_AUTH_BASIC, REG_AUTH_BEARER } reg_auth_kind;

/* One parsed WWW-Authenticate challenge (auth.c). */
typedef struct {
    reg_auth_kind kind; /* REG_AUTH_BASIC or REG_AUTH_BEARER */
    char *realm;        /* NULL when absent */
    char *service;
    char *scope;
    char *error; /* bearer error="insufficient_scope" etc. */
} ld_reg_challenge;

typedef struct {
    char *scope;       /* "repository:library/alpine:pull" */
    char *token;       /* secret */
    long expires_at_s; /* CLOCK_MONOTONIC seconds */
} reg_token;

struct ld_reg_client {
    char *host; /* "localhost:5000" as given */
    char
        *cred_host; /* the name credentials are kept under ("docker.io" for registry-1.docker.io) */
    /* options, copied */
    char *username, *password, *docker_config;
    bool insecure;
    ld_http_timeouts timeouts;
    int max_retries, max_redirects, max_connections;
    long retry_base_ms;
    /* TLS material, loaded at open */
    char *ca_pem;
    size_t ca_len;
    bool ca_only;             /* --cacert: that bundle only; certs.d: in addition to the system's */
    char *cert_pem, *key_pem; /* certs.d client certificate (key: secret) */
    size_t cert_len, key_len;
    char *ca_source; /* "--cacert FILE", "/etc/docker/certs.d/HOST", NULL: system */

    CURLSH *share; /* DNS and TLS sessions, shared by every handle of the client */
    pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];

    pthread_mutex_t mu; /* guards everything below */
    pthread_cond_t slot_cv;
    int in_flight; /* requests and blob streams running; at most max_connections */
    CURL **idle;   /* easy handles kept for their connections */
    size_t n_idle, idle_cap;
    bool contacted;
    char *base; /* "https://host" or "http://host" once contacted */
    ld_reg_transport transport;
    reg_auth_kind auth_kind; /* what GET /v2/ asked for */
    ld_reg_challenge challenge;
    const char *scheme_used; /* "anonymous", "basic", "bearer" (static strings) */

    pthread_mutex_t auth_mu; /* serialises credential lookups and token requests */
    bool cred_looked;
    int cred_rc; /* 0, LD_ERR_NOT_FOUND, or the lookup's error */
    ld_error cred_err;
    ld_reg_cred cred;
    char *basic_b64;   /* base64(user:password) once built; secret */
    reg_token *tokens; /* guarded by mu */
    size_t n_tokens, tokens_cap;
};

/* ---- transport.c: one exchange ---------------------------------------------- */

/* Receives one response's headers (and its body into resp->body when no
 * sink is set). Reset per attempt with reg_recv_reset. */
typedef struct reg_recv {
    ld_reg_response *resp;
    size_t header_bytes;
    bool header_over; /* headers past REG_HEADERS_MAX: LD_ERR_LIMIT */
    bool header_bad;  /* a header we keep was over REG_HEADER_VALUE_MAX: LD_ERR_CORRUPT */
    char retry_after[64];
    size_t max_body;
    bool body_over; /* a body over max_body: LD_ERR_LIMIT */
    size_t body_cap;
    bool is_head;
    /* when set, body bytes go here instead; return what was taken, or
     * CURL_WRITEFUNC_PAUSE / 0 as curl's write callback */
    size_t (*sink)(struct reg_recv *rx, char *data, size_t n);
    void *sink_ud;
} reg_recv;

void reg_recv_reset(reg_recv *rx);

/* The method, URL and what to send on one attempt. */
typedef struct {
    const char *method;
    const char *url;
    struct curl_slist *headers; /* borrowed; Authorization included when meant */
    const void *body;
    size_t body_len;
    bool verify; /* verify the peer's certificate (false only for an insecure host) */
} reg_call;

/* A handle from the client's pool (or a new one), reset; give it back with
 * reg_handle_put. */
CURL *reg_handle_get(ld_reg_client *c);
void reg_handle_put(ld_reg_client *c, CURL *h);
/* Sets every option of call on h: method, URL, headers, body, TLS (version
 * >= 1.2, the client's CA and client certificate), timeouts, no redirects,
 * the header and write callbacks into rx, errbuf. low_speed: apply the
 * low-speed limit (the blob stream measures pace itself). */
void reg_easy_setup(ld_reg_client *c, CURL *h, const reg_call *call, reg_recv *rx, char *errbuf,
                    bool low_speed);
/* Performs call on a pooled handle. Returns the CURLcode; resp holds the
 * status and headers of whatever answered. */
CURLcode reg_exchange(ld_reg_client *c, const reg_call *call, reg_recv *rx, char *errbuf);
/* Turns a failed exchange into err: LD_ERR_LIMIT for a body or headers
 * over their caps, LD_ERR_CORRUPT for hostile headers, LD_ERR_UNREACHABLE
 * for the rest (with TLS advice when the certificate was refused). what
 * names the request ("GET /v2/x/manifests/1"). */
int reg_exchange_error(ld_reg_client *c, CURLcode rc, const reg_recv *rx, const char *errbuf,
                       const char *what, ld_error *err);
/* "https://host/path" from a path of the registry, or an absolute URL the
 * registry gave, checked to be on the registry's host and scheme. */
int reg_url_for(ld_reg_client *c, const char *path, char **url, ld_error *err);
/* Resolves location against the URL it came from; the scheme must stay
 * https unless the client speaks plain HTTP. */
int reg_redirect_target(ld_reg_client *c, const char *from, const char *location, char **to,
                        ld_error *err);
/* Whether url's host (and port) is the registry's. */
bool reg_url_on_host(const ld_reg_client *c, const char *url);
/* GET /v2/ once per client: picks the transport (TLS; for an insecure host
 * unverified TLS, then plain HTTP) and records the challenge. */
int reg_contact(ld_reg_client *c, ld_error *err);
/* Takes / returns a slot of max_connections. */
void reg_slot_take(ld_reg_client *c);
void reg_slot_give(ld_reg_client *c);

/* ---- tls_files.c ---------------------------------------------------------------- */

/* Reads the CA (cacert, else the .crt files of certs_dir/HOST) and the client
 * certificate of certs_dir/HOST into c. */
int reg_tls_load(ld_reg_client *c, const char *cacert, const char *certs_dir, ld_error *err);

/* ---- retry.c ----------------------------------------------------------------- */

bool reg_status_retryable(long status);
bool reg_curl_retryable(CURLcode rc);
/* How long to wait before retry number attempt (0-based): retry_base_ms *
 * 2^attempt, or the Retry-After value (seconds or an HTTP date) when given,
 * at most REG_RETRY_AFTER_MAX_MS / REG_BACKOFF_MAX_MS. */
long reg_backoff_ms(const ld_reg_client *c, int attempt, const char *retry_after);
/* Retry-After as milliseconds from now; -1 when absent or unparsable. */
long reg_retry_after_ms(const char *value, long now_epoch_s);
void reg_sleep_ms(long ms);
/* Appends " (after N attempts)" to err's message when attempts > 1. */
void reg_error_attempts(ld_error *err, int attempts);

/* ---- auth.c ------------------------------------------------------------------ */

/* Parses a WWW-Authenticate header value and keeps the first Bearer
 * challenge (else the first Basic one). Returns 0; LD_ERR_UNSUPPORTED when
 * it names no Basic or Bearer challenge; LD_ERR_CORRUPT when malformed
 * (unbalanced quotes, a parameter twice, over the limits). */
int ld_reg_challenge_parse(const char *header, ld_reg_challenge *out, ld_error *err);
void ld_reg_challenge_clear(ld_reg_challenge *ch);

/* A token endpoint's JSON answer: "token" or "access_token" (a token of
 * visible ASCII, at most REG_TOKEN_MAX), "expires_in" (seconds; absent or
 * < 60: 60). *token: new string, caller wipes and frees. */
int ld_reg_token_parse(const char *body, size_t len, char **token, long *expires_in, ld_error *err);

/* The scope string of a request: "repository:REPO:pull,push" or
 * "registry:catalog:*"; NULL when the request needs none (caller frees). */
char *reg_scope_for(const char *repo, unsigned actions);

/* The Authorization header line for a request to the registry ("" when
 * anonymous), getting a token or the credentials as needed. fresh: ignore
 * the token cache (after a 401). ch: the challenge of that 401, or NULL
 * for the client's. Caller wipes and frees *line. */
int reg_auth_header(ld_reg_client *c, const char *repo, unsigned actions, bool fresh,
                    const ld_reg_challenge *ch, char **line, ld_error *err);
/* Forgets the cached token for scope. */
void reg_token_forget(ld_reg_client *c, const char *scope);
/* The credentials, looked up once (opt username/password, else
 * config.json). Returns 0, LD_ERR_NOT_FOUND (none: anonymous), or the
 * lookup's error. Call with auth_mu held. */
int reg_cred_get(ld_reg_client *c, ld_error *err);
/* "credentials from SOURCE" or "no credentials", for messages. */
const char *reg_cred_words(ld_reg_client *c);
void reg_auth_free(ld_reg_client *c);

/* ---- credentials.c, docker_config.c ------------------------------------------------ */

#define REG_CRED_HELPER_TIMEOUT_MS 10000L

/* NAME of docker-credential-NAME: [A-Za-z0-9._-], not starting with '.' or '-'. */
bool reg_cred_helper_name_ok(const char *name);
/* Asks docker-credential-NAME for server_url's credentials (see
 * credentials.c). LD_ERR_NOT_FOUND: the helper has none; LD_ERR_INVALID:
 * a name that is not allowed or a helper not on PATH; other errors name
 * the helper, never a secret. */
int reg_cred_helper_get(const char *name, const char *server_url, long timeout_ms, ld_reg_cred *out,
                        ld_error *err);
/* ld_reg_cred_lookup on a config.json already read: name is its path for
 * messages. Runs a helper when the document says so, unless no_exec (the
 * fuzz target): then LD_ERR_UNSUPPORTED names the helper it would ask. */
int reg_cred_lookup_text(const char *name, const char *text, size_t len, const char *host,
                         bool no_exec, ld_reg_cred *out, ld_error *err);

/* ---- reference.c --------------------------------------------------------------- */

/* The grammar's tag, "sha256:" digest, and repository path (lowercase
 * components), for names a registry sends back before they go into a URL. */
bool reg_tag_valid(const char *tag);
bool reg_digest_valid(const char *digest);
bool reg_repo_valid(const char *repo);

/* ---- api.c --------------------------------------------------------------------- */

/* The target of the rel="next" link of a Link header value ("<URL>;
 * rel=\"next\""), as written (caller frees); NULL when there is none. */
char *reg_link_next(const char *link);

/* ---- shared helpers ---------------------------------------------------------- */

/* Frees s after zeroing it (secrets). */
void reg_secret_free(char *s);
/* Wipes and frees every line of l. */
void reg_headers_free(struct curl_slist *l);
/* The "message" of the registry's JSON error body ({"errors":[{"code",
 * "message"}]}), printable, at most 200 characters; "" when none. Caller
 * frees. */
char *reg_error_message(const ld_reg_response *r);
/* "sha256:HEX" of data (caller frees). */
char *reg_sha256_digest(const void *data, size_t len);

#endif
