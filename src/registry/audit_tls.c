/* The registry audit's transport probes: a TCP connection with a time
 * limit, one TLS handshake made with OpenSSL directly (the negotiated
 * version, the peer certificate whether or not it verifies, a handshake
 * that offers TLS 1.0/1.1 only), the facts of the certificate, and a plain
 * HTTP GET /v2/ on the same port. The trust store is chosen as the
 * distribution client chooses it (--cacert alone, else the .crt files of
 * certs.d/HOST next to the system's store), so the verdict is what
 * lockdown's own pulls would see. No certificate is trusted by this file: it only reports. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "registry/audit_internal.h"
#include "util/cleanup.h"
#include "util/http_timeouts.h"
#include "util/mem.h"
#include "util/url_redact.h"

#define DEFAULT_CERTS_DIR "/etc/docker/certs.d"
#define MAX_CERTS_D_FILES 64
#define MAX_NAME_TEXT 512
#define PLAIN_BODY_MAX ((size_t)64 * 1024)

static bool is_ip_literal(const char *host)
{
    unsigned char buf[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

/* ---- TCP ------------------------------------------------------------------ */

static int connect_one(const struct addrinfo *ai, long timeout_ms, int *err_out)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) {
        *err_out = errno;
        return -1;
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
        if (errno != EINPROGRESS) {
            *err_out = errno;
            close(fd);
            return -1;
        }
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int n;
        do
            n = poll(&p, 1, (int)timeout_ms);
        while (n < 0 && errno == EINTR);
        if (n <= 0) {
            *err_out = n == 0 ? ETIMEDOUT : errno;
            close(fd);
            return -1;
        }
        int soerr = 0;
        socklen_t sl = sizeof(soerr);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr) {
            *err_out = soerr ? soerr : errno;
            close(fd);
            return -1;
        }
    }
    /* blocking from here, every read and write bounded by the timeout */
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    return fd;
}

/* A connected socket, or LD_ERR_UNREACHABLE naming why. */
static int tcp_connect(const char *host, unsigned port, long timeout_ms, ld_error *err)
{
    char service[8];
    snprintf(service, sizeof(service), "%u", port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    int g = getaddrinfo(host, service, &hints, &res);
    if (g != 0)
        return ld_error_set(err, LD_ERR_UNREACHABLE, "cannot resolve %s: %s", host,
                            gai_strerror(g));
    int last = ECONNREFUSED;
    int fd = -1;
    for (const struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next)
        fd = connect_one(ai, timeout_ms, &last);
    freeaddrinfo(res);
    if (fd < 0) {
        if (last == ETIMEDOUT)
            return ld_error_set(err, LD_ERR_UNREACHABLE,
                                "nothing accepted a connection to %s port %u within %ld s", host,
                                port, (timeout_ms + 999) / 1000);
        return ld_error_set_errno(err, LD_ERR_UNREACHABLE, last, "cannot connect to %s port %u",
                                  host, port);
    }
    return fd;
}

/* ---- trust store ----------------------------------------------------------- */

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

static int load_trust(SSL_CTX *ctx, const ld_tls_probe_options *o, char **source, ld_error *err)
{
    if (o->cacert) {
        if (SSL_CTX_load_verify_locations(ctx, o->cacert, NULL) != 1) {
            ERR_clear_error();
            return ld_error_set(err, LD_ERR_INVALID,
                                "--cacert %s: cannot be read as PEM certificates", o->cacert);
        }
        *source = ld_xasprintf("--cacert %s", o->cacert);
        return 0;
    }
    ld_autofree char *dir =
        ld_xasprintf("%s/%s", o->certs_dir ? o->certs_dir : DEFAULT_CERTS_DIR, o->name);
    size_t loaded = 0;
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        size_t seen = 0;
        while ((e = readdir(d)) && seen < MAX_CERTS_D_FILES) {
            if (!has_suffix(e->d_name, ".crt"))
                continue;
            seen++;
            ld_autofree char *file = ld_xasprintf("%s/%s", dir, e->d_name);
            struct stat st;
            if (stat(file, &st) < 0 || !S_ISREG(st.st_mode))
                continue;
            if (SSL_CTX_load_verify_locations(ctx, file, NULL) == 1)
                loaded++;
            ERR_clear_error();
        }
        closedir(d);
    }
    /* certs.d is trusted next to the system's store, as the engine and the
       client do */
    if (SSL_CTX_set_default_verify_paths(ctx) != 1)
        ERR_clear_error();
    if (loaded)
        *source = ld_xasprintf("%zu .crt file%s of %s (and the system store)", loaded,
                               loaded == 1 ? "" : "s", dir);
    else
        *source = ld_xstrdup("the system store");
    return 0;
}

/* ---- certificate facts ----------------------------------------------------- */

static char *name_text(const X509_NAME *n)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        return ld_xstrdup("?");
    /* RFC 2253 with control characters and non-ASCII bytes escaped */
    X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253);
    char *data = NULL;
    long len = BIO_get_mem_data(b, &data);
    char *out = len > 0 ? ld_xstrndup(data, len > MAX_NAME_TEXT ? MAX_NAME_TEXT : (size_t)len)
                        : ld_xstrdup("(empty)");
    BIO_free(b);
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
            *p = '?';
    return out;
}

static bool asn1_time(const ASN1_TIME *t, time_t *out)
{
    struct tm tm;
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
        return false;
    *out = timegm(&tm);
    return true;
}

static void cert_facts(X509 *x, const char *host, ld_cert_facts *f)
{
    f->subject = name_text(X509_get_subject_name(x));
    f->issuer = name_text(X509_get_issuer_name(x));
    f->times_ok = asn1_time(X509_get0_notBefore(x), &f->not_before) &&
                  asn1_time(X509_get0_notAfter(x), &f->not_after);
    EVP_PKEY *pk = X509_get0_pubkey(x);
    if (pk) {
        const char *tn = EVP_PKEY_get0_type_name(pk);
        f->key_type = ld_xstrdup(tn ? tn : OBJ_nid2sn(EVP_PKEY_get_base_id(pk)));
        f->key_bits = EVP_PKEY_get_bits(pk);
        f->key_secbits = EVP_PKEY_get_security_bits(pk);
    } else {
        f->key_type = ld_xstrdup("unknown");
    }
    int nid = X509_get_signature_nid(x);
    const char *ln = nid != NID_undef ? OBJ_nid2ln(nid) : NULL;
    f->sig_alg = ld_xstrdup(ln ? ln : "unknown");
    int mdnid = 0, pknid = 0, secbits = -1;
    uint32_t flags = 0;
    if (X509_get_signature_info(x, &mdnid, &pknid, &secbits, &flags) != 1)
        secbits = -1;
    f->sig_secbits = secbits;
    if (is_ip_literal(host))
        f->host_match = X509_check_ip_asc(x, host, 0) == 1;
    else
        f->host_match = X509_check_host(x, host, strlen(host), 0, NULL) == 1;
    f->self_signed = X509_check_issued(x, x) == X509_V_OK;
}

static void cert_facts_clear(ld_cert_facts *f)
{
    free(f->subject);
    free(f->issuer);
    free(f->key_type);
    free(f->sig_alg);
    memset(f, 0, sizeof(*f));
}

/* ---- handshake --------------------------------------------------------------- */

/* Configures ctx to offer every version from TLS 1.0 (or 1.0 and 1.1
 * only) at security level 0: the probe must see what the server accepts,
 * whatever this machine's openssl.cnf would let a normal client offer. */
static bool configure(SSL_CTX *ctx, bool legacy_only)
{
    SSL_CTX_set_security_level(ctx, 0);
    if (SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0") != 1)
        return false;
    if (SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION) != 1)
        return false;
    if (legacy_only && SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION) != 1)
        return false;
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    return true;
}

static bool local_failure(unsigned long e)
{
    if (ERR_GET_LIB(e) != ERR_LIB_SSL)
        return false;
    int r = ERR_GET_REASON(e);
    return r == SSL_R_NO_PROTOCOLS_AVAILABLE || r == SSL_R_NO_CIPHERS_AVAILABLE ||
           r == SSL_R_UNSUPPORTED_PROTOCOL;
}

static void handshake_error(SSL *ssl, int rc, long timeout_ms, ld_tls_probe *out)
{
    int e = SSL_get_error(ssl, rc);
    unsigned long first = ERR_peek_error();
    if (first) {
        const char *reason = ERR_reason_error_string(first);
        out->client_cannot = local_failure(first);
        out->error = ld_xstrdup(reason ? reason : "TLS error");
    } else if (e == SSL_ERROR_SYSCALL && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        out->timed_out = true;
        out->error = ld_xasprintf("no TLS answer within %ld s", (timeout_ms + 999) / 1000);
    } else if (e == SSL_ERROR_SYSCALL && errno) {
        out->error = ld_xasprintf("connection failed during the handshake: %s", strerror(errno));
    } else {
        out->error = ld_xstrdup("the server closed the connection during the handshake");
    }
    ERR_clear_error();
}

int ld_tls_probe_run(const ld_tls_probe_options *o, ld_tls_probe *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    out->verify_result = -1;
    long timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 10000;
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx)
        return ld_error_set(err, LD_ERR_GENERIC, "cannot create an OpenSSL context");
    if (!configure(ctx, o->legacy_only)) {
        ERR_clear_error();
        SSL_CTX_free(ctx);
        out->client_cannot = true;
        out->error = ld_xstrdup(o->legacy_only ? "this OpenSSL cannot be set to offer TLS 1.0/1.1"
                                               : "this OpenSSL cannot be configured");
        return 0;
    }
    int rc = load_trust(ctx, o, &out->trust_source, err);
    if (rc < 0) {
        SSL_CTX_free(ctx);
        return rc;
    }
    int fd = tcp_connect(o->host, o->port, timeout_ms, err);
    if (fd < 0) {
        SSL_CTX_free(ctx);
        return fd;
    }
    SSL *ssl = SSL_new(ctx);
    if (!ssl) {
        close(fd);
        SSL_CTX_free(ctx);
        return ld_error_set(err, LD_ERR_GENERIC, "cannot create an OpenSSL connection");
    }
    SSL_set_fd(ssl, fd);
    if (is_ip_literal(o->host)) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), o->host);
    } else {
        SSL_set_tlsext_host_name(ssl, o->host);
        SSL_set1_host(ssl, o->host);
    }
    ERR_clear_error();
    errno = 0;
    int hs = SSL_connect(ssl);
    if (hs == 1) {
        out->handshake = true;
        out->version = ld_xstrdup(SSL_get_version(ssl));
        const char *cipher = SSL_get_cipher_name(ssl);
        out->cipher = ld_xstrdup(cipher ? cipher : "unknown");
        X509 *peer = SSL_get1_peer_certificate(ssl);
        if (peer) {
            out->have_cert = true;
            cert_facts(peer, o->host, &out->cert);
            X509_free(peer);
        }
        out->verify_result = SSL_get_verify_result(ssl);
        out->verify_error = ld_xstrdup(peer ? X509_verify_cert_error_string(out->verify_result)
                                            : "the server sent no certificate");
        if (!peer)
            out->verify_result = X509_V_ERR_UNSPECIFIED;
        (void)SSL_shutdown(ssl);
    } else {
        handshake_error(ssl, hs, timeout_ms, out);
    }
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    return 0;
}

void ld_tls_probe_clear(ld_tls_probe *p)
{
    free(p->error);
    free(p->version);
    free(p->cipher);
    free(p->verify_error);
    free(p->trust_source);
    cert_facts_clear(&p->cert);
    memset(p, 0, sizeof(*p));
}

bool ld_tls_can_offer_legacy(char **why)
{
    *why = NULL;
#if defined(OPENSSL_NO_TLS1) && defined(OPENSSL_NO_TLS1_1)
    *why = ld_xstrdup("this OpenSSL was built without TLS 1.0 and TLS 1.1");
    return false;
#else
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        *why = ld_xstrdup("cannot create an OpenSSL context");
        return false;
    }
    bool ok = configure(ctx, true);
    SSL *ssl = ok ? SSL_new(ctx) : NULL;
    int n = 0;
    if (ssl) {
        STACK_OF(SSL_CIPHER) *sk = SSL_get1_supported_ciphers(ssl);
        n = sk ? sk_SSL_CIPHER_num(sk) : 0;
        sk_SSL_CIPHER_free(sk);
        SSL_free(ssl);
    }
    SSL_CTX_free(ctx);
    ERR_clear_error();
    if (!ok)
        *why =
            ld_xasprintf("%s refuses to offer TLS 1.0/1.1 (%s)", OpenSSL_version(OPENSSL_VERSION),
                         "the protocol versions cannot be enabled");
    else if (n <= 0)
        *why = ld_xasprintf("%s has no cipher suite for TLS 1.0/1.1, even at security level 0",
                            OpenSSL_version(OPENSSL_VERSION));
    return ok && n > 0;
#endif
}

/* ---- plain HTTP ------------------------------------------------------------- */

typedef struct {
    ld_plain_probe *out;
    size_t body;
} plain_ctx;

static size_t plain_header(char *buf, size_t size, size_t n, void *p)
{
    plain_ctx *c = p;
    size_t len = size * n;
    static const char api[] = "docker-distribution-api-version:";
    static const char loc[] = "location:";
    if (len >= sizeof(api) - 1 && strncasecmp(buf, api, sizeof(api) - 1) == 0)
        c->out->api_header = true;
    if (len > sizeof(loc) - 1 && len < 4096 && strncasecmp(buf, loc, sizeof(loc) - 1) == 0 &&
        !c->out->location) {
        size_t a = sizeof(loc) - 1, b = len;
        while (a < b && (buf[a] == ' ' || buf[a] == '\t'))
            a++;
        while (b > a && (buf[b - 1] == '\r' || buf[b - 1] == '\n' || buf[b - 1] == ' '))
            b--;
        ld_autofree char *raw = ld_xstrndup(buf + a, b - a);
        c->out->location = ld_url_redact(raw);
    }
    return len;
}

static size_t plain_body(char *buf, size_t size, size_t n, void *p)
{
    (void)buf;
    plain_ctx *c = p;
    c->body += size * n;
    return c->body > PLAIN_BODY_MAX ? 0 : size * n;
}

int ld_plain_probe_run(const char *host, unsigned port, long timeout_ms, ld_plain_probe *out)
{
    memset(out, 0, sizeof(*out));
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        out->error = ld_xstrdup("cannot initialise libcurl");
        return 0;
    }
    CURL *c = curl_easy_init();
    if (!c) {
        curl_global_cleanup();
        out->error = ld_xstrdup("cannot initialise libcurl");
        return 0;
    }
    bool v6 = strchr(host, ':') != NULL;
    ld_autofree char *url =
        ld_xasprintf("http://%s%s%s:%u/v2/", v6 ? "[" : "", host, v6 ? "]" : "", port);
    plain_ctx ctx = {.out = out};
    ld_http_timeouts t = {.connect_ms = timeout_ms,
                          .request_ms = timeout_ms,
                          .low_speed_bytes = 1,
                          .low_speed_s = (timeout_ms + 999) / 1000};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, plain_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &ctx);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, plain_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &ctx);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "lockdown-registry-audit");
    ld_http_timeouts_apply(c, &t);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status > 0) {
        /* a body past the cap ends the transfer; the status line is enough */
        out->answered = true;
        out->status = status;
    } else {
        out->error = ld_xstrdup(curl_easy_strerror(rc));
    }
    curl_easy_cleanup(c);
    curl_global_cleanup();
    return 0;
}

void ld_plain_probe_clear(ld_plain_probe *p)
{
    free(p->error);
    free(p->location);
    memset(p, 0, sizeof(*p));
}
