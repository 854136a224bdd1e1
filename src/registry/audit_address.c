/* The address `registry audit` takes (https://HOST[:PORT], HOST[:PORT],
 * http://HOST[:PORT], IPv6 in brackets) turned into host, port and the
 * name clients use for the registry; and the scope declaration the audit's
 * callers share. A parser of user input: every part is checked, nothing
 * is guessed. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "registry/audit.h"
#include "util/mem.h"

#define HOST_MAX 253

static bool host_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '.' || c == '_';
}

static int parse_port(const char *s, size_t n, unsigned *out)
{
    if (n == 0 || n > 5)
        return -1;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v == 0 || v > 65535)
        return -1;
    *out = v;
    return 0;
}

int ld_reg_address_parse(const char *url, ld_reg_address *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!url || !*url)
        return ld_error_set(err, LD_ERR_INVALID, "an empty registry address");
    if (strlen(url) > 1024)
        return ld_error_set(err, LD_ERR_INVALID, "a registry address over 1024 characters");
    const char *p = url;
    bool scheme_https = false;
    if (strncasecmp(p, "https://", 8) == 0) {
        p += 8;
        scheme_https = true;
    } else if (strncasecmp(p, "http://", 7) == 0) {
        p += 7;
        out->plain = true;
    } else if (strstr(p, "://")) {
        return ld_error_set(err, LD_ERR_INVALID,
                            "\"%.100s\": a registry is https://HOST[:PORT], HOST[:PORT] or "
                            "http://HOST[:PORT]",
                            url);
    }
    (void)scheme_https;
    size_t auth_len = strcspn(p, "/?#");
    const char *rest = p + auth_len;
    if (*rest && strcmp(rest, "/") != 0 && strcmp(rest, "/v2") != 0 && strcmp(rest, "/v2/") != 0)
        return ld_error_set(err, LD_ERR_INVALID,
                            "\"%.100s\": the registry address takes no path or query (the "
                            "audit covers the whole registry)",
                            url);
    if (memchr(p, '@', auth_len))
        return ld_error_set(err, LD_ERR_INVALID,
                            "\"%.100s\": no credentials in the address (use --username and "
                            "--password-stdin)",
                            url);
    const char *host = p;
    size_t host_len;
    const char *port_s = NULL;
    size_t port_len = 0;
    bool v6 = false;
    if (*p == '[') {
        const char *close = memchr(p, ']', auth_len);
        if (!close)
            return ld_error_set(err, LD_ERR_INVALID, "\"%.100s\": unterminated [IPv6] address",
                                url);
        host = p + 1;
        host_len = (size_t)(close - host);
        const char *after = close + 1;
        if (after < rest) {
            if (*after != ':')
                return ld_error_set(err, LD_ERR_INVALID,
                                    "\"%.100s\": expected :PORT after the [IPv6] address", url);
            port_s = after + 1;
            port_len = (size_t)(rest - port_s);
        }
        v6 = true;
    } else {
        const char *colon = memchr(p, ':', auth_len);
        host_len = colon ? (size_t)(colon - p) : auth_len;
        if (colon) {
            port_s = colon + 1;
            port_len = (size_t)(rest - port_s);
        }
    }
    if (host_len == 0 || host_len > HOST_MAX)
        return ld_error_set(err, LD_ERR_INVALID, "\"%.100s\": no host name", url);
    char *h = ld_xstrndup(host, host_len);
    if (v6) {
        unsigned char buf[16];
        if (inet_pton(AF_INET6, h, buf) != 1) {
            free(h);
            return ld_error_set(err, LD_ERR_INVALID, "\"%.100s\": not an IPv6 address", url);
        }
    } else {
        for (size_t i = 0; i < host_len; i++)
            if (!host_char(h[i])) {
                free(h);
                return ld_error_set(err, LD_ERR_INVALID,
                                    "\"%.100s\": the host name holds a character it cannot hold",
                                    url);
            }
        if (h[0] == '-' || h[0] == '.') {
            free(h);
            return ld_error_set(err, LD_ERR_INVALID, "\"%.100s\": not a host name", url);
        }
    }
    unsigned port = out->plain ? 80 : 443;
    bool explicit_port = port_s != NULL;
    if (explicit_port && parse_port(port_s, port_len, &port) < 0) {
        free(h);
        return ld_error_set(err, LD_ERR_INVALID, "\"%.100s\": the port must be 1 to 65535", url);
    }
    for (char *q = h; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    out->host = h;
    out->port = port;
    if (explicit_port || out->plain)
        out->name = ld_xasprintf("%s%s%s:%u", v6 ? "[" : "", h, v6 ? "]" : "", port);
    else
        out->name = ld_xasprintf("%s%s%s", v6 ? "[" : "", h, v6 ? "]" : "");
    return 0;
}

void ld_reg_address_clear(ld_reg_address *a)
{
    free(a->host);
    free(a->name);
    memset(a, 0, sizeof(*a));
}

void ld_reg_audit_scope(ld_findings *r, const char *const *checks, ld_scope_state state,
                        const char *why)
{
    for (const char *const *c = checks; *c; c++) {
        if (state == LD_SCOPE_OWED)
            ld_findings_scope(r, state, *c, NULL);
        else
            ld_findings_scope(r, state, *c, "%s", why ? why : "");
    }
}
