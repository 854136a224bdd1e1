/* Pieces of the remote registry audit shared by its files, not a public
 * API: the TCP and TLS probes (audit_tls.c: OpenSSL directly, because the
 * audit needs what an HTTP client hides — the negotiated version, the
 * peer certificate even when it does not verify, a handshake limited to
 * TLS 1.1), the plain-HTTP probe, and the anonymous bearer-token flow
 * (audit_token.c: what an anonymous `docker pull` does on a token
 * registry; the challenge and the token answer are parsed by the client's
 * own parsers, auth.c). */
#ifndef LD_REGISTRY_AUDIT_INTERNAL_H
#define LD_REGISTRY_AUDIT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/error.h"
#include "registry/audit.h"
#include "registry/client_internal.h"

/* ---- TLS (audit_tls.c) ----------------------------------------------------- */

typedef struct {
    const char *host; /* as ld_reg_address.host */
    unsigned port;
    const char *name;   /* "host:port" for certs.d */
    const char *cacert; /* --cacert: only this bundle */
    const char
        *certs_dir;   /* NULL: /etc/docker/certs.d; the .crt files of its NAME when no cacert */
    bool legacy_only; /* offer TLS 1.0 and 1.1 only */
    long timeout_ms;
} ld_tls_probe_options;

/* What a certificate says, for registry.certificate. */
typedef struct {
    char *subject, *issuer;
    time_t not_before, not_after;
    bool times_ok;  /* both times could be read */
    char *key_type; /* "RSA", "EC", "ED25519", "DSA", ... */
    int key_bits;
    int key_secbits; /* security bits of the key (OpenSSL's measure) */
    char *sig_alg;   /* "sha256WithRSAEncryption" */
    int sig_secbits; /* -1 when unknown */
    bool host_match; /* subjectAltName / CN matches the host (or IP) */
    bool self_signed;
} ld_cert_facts;

typedef struct {
    bool handshake;     /* completed */
    bool client_cannot; /* failed on our side: this OpenSSL cannot offer what was asked */
    bool timed_out;     /* the server sent nothing within the timeout */
    char *error;        /* why the handshake failed (or why client_cannot) */
    char *version;      /* negotiated: "TLSv1.3" */
    char *cipher;
    long verify_result; /* X509_V_OK, else why the chain does not verify */
    char *verify_error; /* text of verify_result */
    char *trust_source; /* "--cacert FILE", "N .crt files of DIR", "the system store" */
    bool have_cert;
    ld_cert_facts cert;
} ld_tls_probe;

/* Connects to host:port (every address it resolves to, in order) and
 * makes one TLS handshake (SNI unless host is an IP literal), without
 * failing on an unverified certificate: the verification result is
 * recorded. Returns 0 whenever a TCP connection was made (handshake
 * success or failure in out), LD_ERR_UNREACHABLE when none could be,
 * LD_ERR_INVALID when the trust store named cannot be read. */
int ld_tls_probe_run(const ld_tls_probe_options *o, ld_tls_probe *out, ld_error *err);
void ld_tls_probe_clear(ld_tls_probe *p);

/* Whether this OpenSSL can offer TLS 1.0/1.1 at all (compiled in, with a
 * cipher suite usable at security level 0); *why when not. */
bool ld_tls_can_offer_legacy(char **why);

/* ---- plain HTTP on the same port ---------------------------------------- */

typedef struct {
    bool answered; /* an HTTP response came back */
    long status;
    bool api_header; /* Docker-Distribution-API-Version present */
    char *error;     /* no answer: why */
    char *location;  /* a redirect's target (redacted) */
} ld_plain_probe;

/* GET http://host:port/v2/ without following redirects, body discarded
 * (at most 64 KiB read). Returns 0 (answered or not, in out). */
int ld_plain_probe_run(const char *host, unsigned port, long timeout_ms, ld_plain_probe *out);
void ld_plain_probe_clear(ld_plain_probe *p);

/* ---- anonymous bearer tokens (audit_token.c) ----------------------------- */

/* Asks a Bearer challenge's realm (parsed by the client's
 * ld_reg_challenge_parse) for an anonymous token for scope (NULL: the
 * challenge's own), as `docker pull` does with no credentials. The realm
 * must be https, or http when allow_http (the registry itself is plain).
 * Returns 1 with *token (caller wipes and frees) when one was issued, 0
 * when the token endpoint refused (*why says how; caller frees), < 0 with
 * err when it could not be asked. cacert: --cacert, else the system's. */
int ld_bearer_anonymous_token(const ld_reg_challenge *c, const char *scope, bool allow_http,
                              const char *cacert, long timeout_ms, char **token, char **why,
                              ld_error *err);

#endif
