/* The registry audit (`lockdown registry audit`, and the registries
 * `assess` finds in the engine's configuration): what a registry shows
 * from outside — TLS and its certificate, TLS versions, plain HTTP on the
 * same port, anonymous pull, push and catalog, the v1 API, manifest
 * deletes (audit_remote.c over the distribution client, audit_tls.c for
 * the handshakes, audit_token.c for anonymous bearer tokens) — and what
 * its own files say: distribution's config.yml (audit_config.c) and the
 * htpasswd file it names (audit_htpasswd.c).
 *
 * Every check emits one finding per target: pass, fail, warn, or error
 * (not assessed) with the reason. Nothing passes unless a probe answered
 * or a file said so. The probes are anonymous except two, made with the
 * user's credentials only where the client would send them anyway
 * (verified TLS, or a host the user named insecure): listing one
 * repository of the catalog and DELETE of a made-up manifest digest.
 * The only write a probe can make is an anonymous blob upload that a
 * registry open to anonymous pushes accepts; it is cancelled at once.
 * Checks never print. */
#ifndef LD_REGISTRY_AUDIT_H
#define LD_REGISTRY_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <time.h>

#include "core/error.h"
#include "core/findings.h"
#include "registry/client.h"

/* ---- the registry's address -------------------------------------------------- */

/* What `registry audit URL` names: https://HOST[:PORT], HOST[:PORT] (TLS
 * is expected; port 443 when none), or http://HOST[:PORT] (port 80): an
 * address audited as plain HTTP. An optional path of "/" or "/v2/" is
 * accepted; anything else (credentials, a query, another path) is an
 * error. IPv6 literals in brackets ("[::1]:5000"). */
typedef struct {
    char *host;    /* without brackets: "registry.example", "127.0.0.1", "::1" */
    unsigned port; /* 1..65535 */
    char *name;    /* as clients name it: "host:port", "[::1]:5000", "host" when 443 was implied */
    bool plain;    /* the URL said http:// */
} ld_reg_address;

/* Returns 0, or LD_ERR_INVALID with err saying what is wrong. */
int ld_reg_address_parse(const char *url, ld_reg_address *out, ld_error *err);
void ld_reg_address_clear(ld_reg_address *a);

/* ---- from outside (audit_remote.c) ----------------------------------------- */

/* Check ids of the remote audit, NULL-terminated. */
extern const char *const ld_reg_remote_checks[];

typedef struct {
    /* The user's registry options: credentials, --cacert, certs.d, the
     * hosts named insecure, timeouts. NULL: defaults (anonymous). */
    const ld_reg_options *client;
    /* Who named hosts insecure, for evidence: "--insecure-registry" (NULL),
     * "the engine's insecure-registries". */
    const char *insecure_named_by;
    long timeout_ms;      /* each TCP, TLS and HTTP probe; 0: 10 s */
    time_t now;           /* the certificate's clock; 0: time(NULL) */
    int expiry_warn_days; /* 0: 30 */
} ld_reg_audit_options;

/* Runs every remote check against addr, one finding each (target: kind
 * registry, id addr->name). *summary (may be NULL) gets one line for the
 * report's scope ("127.0.0.1:5000: TLSv1.3, certificate verified, basic
 * authentication"; caller frees). Returns 0 when findings were added (also
 * error findings for probes that could not be made); LD_ERR_UNREACHABLE
 * with err when nothing accepts a TCP connection at the address (no
 * finding added: the caller decides, see ld_reg_audit_unassessed); other
 * negative codes when a finding could not be added. */
int ld_reg_audit_remote(ld_findings *r, const ld_reg_address *addr, const ld_reg_audit_options *o,
                        char **summary, ld_error *err);

/* One error (not assessed) finding per check of checks (NULL-terminated)
 * for one target, with why. */
int ld_reg_audit_unassessed(ld_findings *r, const char *const *checks, ld_target_kind kind,
                            const char *target, const char *why, ld_error *err);

/* ---- distribution's config.yml (audit_config.c) ------------------------ */

#define LD_REG_CONFIG_MAX_BYTES ((size_t)1024 * 1024)

/* Check ids of the config audit ("registry.config.*"), NULL-terminated. */
extern const char *const ld_reg_config_checks[];

typedef enum {
    LD_REGCFG_AUTH_NONE, /* no auth section (or an empty one) */
    LD_REGCFG_AUTH_HTPASSWD,
    LD_REGCFG_AUTH_TOKEN,
    LD_REGCFG_AUTH_SILLY, /* any Authorization header is accepted */
    LD_REGCFG_AUTH_OTHER, /* a kind distribution does not ship */
} ld_regcfg_auth;

typedef struct {
    char *name;
    char *url; /* as written (shown redacted) */
    bool disabled;
    bool ignores_writes; /* ignore.actions names push or delete */
    int line;
} ld_regcfg_endpoint;

/* The facts of one config.yml the checks judge. Strings are as written,
 * NULL when absent. A value of the wrong type is not guessed at: the
 * problem of the check it belongs to says so ("line 12: storage.delete
 * .enabled is a map, expected a boolean") and that check is not assessed. */
typedef struct {
    ld_regcfg_auth auth;
    char *auth_kind;     /* the key under auth: "htpasswd", "token", "silly", ... */
    size_t n_auth_kinds; /* distribution takes exactly one */
    char *htpasswd_path;
    char *token_realm;
    char *http_addr, *http_net, *http_host;
    bool http_secret; /* set (never kept) */
    size_t http_secret_len;
    bool tls_certificate, tls_key, tls_letsencrypt;
    char *tls_minimum; /* minimumtls */
    char *log_level;   /* log.level, else the deprecated loglevel */
    bool accesslog_disabled;
    ld_regcfg_endpoint *endpoints;
    size_t n_endpoints;
    bool notifications_present;
    bool delete_enabled;
    char *proxy_remoteurl; /* a pull-through cache */
    /* per check: why it cannot be judged (NULL when it can) */
    char *problem_auth, *problem_tls, *problem_notifications, *problem_delete, *problem_log,
        *problem_secret;
} ld_reg_config;

/* Parses a config.yml (one YAML document, at most LD_REG_CONFIG_MAX_BYTES,
 * depth and node counts capped, anchors allowed but bounded). Returns 0,
 * or LD_ERR_CORRUPT / LD_ERR_LIMIT with err "NAME: line N: ..." (out then
 * cleared). A secret value is never kept. */
int ld_reg_config_parse(const char *name, const char *buf, size_t len, ld_reg_config *out,
                        ld_error *err);
void ld_reg_config_clear(ld_reg_config *c);

/* The registry.config.* findings of c, target: file path. */
int ld_reg_config_emit(ld_findings *r, const ld_reg_config *c, const char *path, ld_error *err);

/* Reads path (a regular file, at most LD_REG_CONFIG_MAX_BYTES), parses it
 * and emits its findings; *out (may be NULL) receives the parsed config
 * (caller clears). A file that cannot be read or parsed: < 0 with err and
 * nothing emitted (the caller decides: a file the user named is fatal). */
int ld_reg_audit_config(ld_findings *r, const char *path, ld_reg_config *out, ld_error *err);

/* ---- htpasswd (audit_htpasswd.c) --------------------------------------------- */

#define LD_HTPASSWD_MAX_BYTES ((size_t)4 * 1024 * 1024)
#define LD_HTPASSWD_MIN_BCRYPT_COST 10

extern const char *const ld_htpasswd_checks[];

typedef enum {
    LD_HTPW_BCRYPT,    /* $2y$ / $2a$ / $2b$ */
    LD_HTPW_MD5,       /* $apr1$ (Apache MD5) and $1$ (MD5-crypt) */
    LD_HTPW_SHA1,      /* {SHA} */
    LD_HTPW_SHA_CRYPT, /* $5$ / $6$ */
    LD_HTPW_CRYPT,     /* 13-character DES crypt */
    LD_HTPW_PLAIN,     /* anything else: taken as plain text */
} ld_htpw_scheme;

typedef struct {
    char *user; /* as written (may hold any byte but ':' and newlines) */
    ld_htpw_scheme scheme;
    int cost; /* bcrypt cost, else 0 */
    int line;
} ld_htpw_entry;

typedef struct {
    ld_htpw_entry *v;
    size_t n, cap;
    size_t malformed; /* lines that are not USER:HASH */
    int first_malformed_line;
} ld_htpasswd;

/* Parses an htpasswd file: one USER:HASH per line, blank lines and lines
 * starting with '#' skipped, CRLF accepted; a line longer than 4096 bytes
 * or without ':' (or with an empty user) is counted as malformed. At most
 * 100,000 entries (LD_ERR_LIMIT). No hash is kept. Returns 0 or < 0 with
 * err. */
int ld_htpasswd_parse(const char *buf, size_t len, ld_htpasswd *out, ld_error *err);
void ld_htpasswd_clear(ld_htpasswd *h);
const char *ld_htpw_scheme_name(ld_htpw_scheme s);

/* registry.htpasswd.mode from st (the file as opened): mode at most 0640,
 * owner root, a user named in allowed_owners (the registry's), or
 * allowed_uid (>= 0: the config file's owner). */
int ld_htpasswd_emit_mode(ld_findings *r, const char *path, const struct stat *st, long allowed_uid,
                          ld_error *err);
/* registry.htpasswd.bcrypt of h. */
int ld_htpasswd_emit_hashes(ld_findings *r, const char *path, const ld_htpasswd *h, ld_error *err);
/* Opens path and emits both checks. A file that cannot be opened or
 * read: < 0 with err and nothing emitted (the caller decides). A file over
 * the entry limit: mode judged, bcrypt not assessed. allowed_uid: as
 * ld_htpasswd_emit_mode. The file's contents are wiped before they are
 * freed. */
int ld_reg_audit_htpasswd(ld_findings *r, const char *path, long allowed_uid, ld_error *err);

/* Declares the scope of the named check list (NULL-terminated). */
void ld_reg_audit_scope(ld_findings *r, const char *const *checks, ld_scope_state state,
                        const char *why);

#endif
