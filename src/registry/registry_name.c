/* Registry names as users write them (registry/registry_name.h). */
#include <stdlib.h>
#include <string.h>

#include "registry/client.h"
#include "registry/registry_name.h"
#include "util/mem.h"

#define HOST_MAX 255

static bool host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-';
}

/* host[:port] in s[0..n): DNS labels or IPv4, or "[IPv6]"; port 1..65535. */
static bool host_port_ok(const char *s, size_t n)
{
    if (n == 0 || n > HOST_MAX)
        return false;
    size_t h = n;
    if (s[0] == '[') {
        const char *close = memchr(s, ']', n);
        if (!close || close == s + 1)
            return false;
        for (const char *p = s + 1; p < close; p++)
            if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
                  (*p >= 'A' && *p <= 'F') || *p == ':' || *p == '.'))
                return false;
        h = (size_t)(close - s) + 1;
    } else {
        const char *colon = memchr(s, ':', n);
        h = colon ? (size_t)(colon - s) : n;
        if (h == 0 || s[0] == '-' || s[0] == '.' || s[h - 1] == '-' || s[h - 1] == '.')
            return false;
        for (size_t i = 0; i < h; i++)
            if (!host_char(s[i]) || (s[i] == '.' && i + 1 < h && s[i + 1] == '.'))
                return false;
    }
    if (h == n)
        return true;
    if (s[h] != ':' || h + 1 == n || n - h - 1 > 5)
        return false;
    long port = 0;
    for (size_t i = h + 1; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        port = port * 10 + (s[i] - '0');
    }
    return port >= 1 && port <= 65535;
}

int ld_reg_name_parse(const char *s, ld_reg_name *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!s || !*s)
        return ld_error_set(err, LD_ERR_INVALID, "no registry given (HOST[:PORT])");
    const char *p = s;
    if (strncmp(p, "https://", 8) == 0) {
        p += 8;
    } else if (strncmp(p, "http://", 7) == 0) {
        p += 7;
        out->http = true;
    } else if (strstr(p, "://")) {
        return ld_error_set(err, LD_ERR_INVALID,
                            "\"%.100s\" is not a registry: only https:// (or http:// with "
                            "--insecure-registry) is spoken",
                            s);
    }
    size_t n = strcspn(p, "/");
    const char *rest = p + n;
    if (*rest && strcmp(rest, "/") != 0 && strcmp(rest, "/v2") != 0 && strcmp(rest, "/v2/") != 0)
        return ld_error_set(err, LD_ERR_INVALID,
                            "\"%.100s\" names more than a registry: give HOST[:PORT] (a "
                            "repository goes in --repo)",
                            s);
    if (memchr(p, '@', n))
        return ld_error_set(err, LD_ERR_INVALID,
                            "a registry name must not carry credentials (use --username "
                            "and --password-stdin, or the docker config)");
    if (!host_port_ok(p, n))
        return ld_error_set(err, LD_ERR_INVALID,
                            "\"%.100s\" is not a registry host (HOST[:PORT], e.g. "
                            "127.0.0.1:5000 or ghcr.io)",
                            s);
    out->name = ld_xstrndup(p, n);
    for (char *q = out->name; *q && *q != ':'; q++)
        if (*q >= 'A' && *q <= 'Z')
            *q = (char)(*q - 'A' + 'a');
    /* the client's rule for docker.io and its API host */
    ld_reg_ref ref;
    ld_error perr = LD_ERROR_INIT;
    char *probe = ld_xasprintf("%s/x", out->name);
    if (ld_reg_ref_parse(probe, &ref, &perr) == 0 && strcmp(ref.registry, out->name) == 0)
        out->endpoint = ld_xstrdup(ref.endpoint);
    else
        out->endpoint = ld_xstrdup(out->name);
    if (perr.code == LD_OK)
        ld_reg_ref_clear(&ref);
    free(probe);
    return 0;
}

void ld_reg_name_clear(ld_reg_name *n)
{
    free(n->name);
    free(n->endpoint);
    memset(n, 0, sizeof(*n));
}
