/* What the log configuration readers share (host/logconf.h): the result
 * list, systemd's INI files (journald.conf, journal-upload.conf), systemd
 * booleans, and telling a loopback destination (a local relay) from a
 * remote one. */
#include "host/logconf.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "host/logconf_lex.h"
#include "util/mem.h"

#define INI_LINE_MAX 65536 /* one logical line, continuations joined */

void ld_logconf_clear(ld_logconf *c)
{
    for (size_t i = 0; i < c->n_dests; i++) {
        free(c->dests[i].target);
        free(c->dests[i].how);
        free(c->dests[i].name);
    }
    free(c->dests);
    ld_strlist_clear(&c->includes);
    ld_strlist_clear(&c->used);
    memset(c, 0, sizeof(*c));
}

void ld_logconf_add_dest(ld_logconf *c, const char *target, const char *how, char *name, int line,
                         bool loopback)
{
    if (c->n_dests >= LD_LOGCONF_MAX_DESTS) {
        c->dropped_dests++;
        free(name);
        return;
    }
    ld_xgrow(&c->dests, &c->cap_dests, c->n_dests + 1, sizeof(*c->dests));
    ld_logconf_dest *d = &c->dests[c->n_dests++];
    d->target = ld_xstrdup(target);
    d->how = ld_xstrdup(how);
    d->name = name;
    d->line = line;
    d->loopback = loopback;
}

/* ---- loopback ------------------------------------------------------------------ */

bool ld_logconf_loopback(const char *host)
{
    if (!host)
        return false;
    size_t n = strlen(host);
    if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
        host++;
        n -= 2;
    }
    if (n == 0 || n > 255)
        return false;
    char h[256];
    memcpy(h, host, n);
    h[n] = '\0';
    while (n > 0 && h[n - 1] == '.') /* "localhost." */
        h[--n] = '\0';
    static const char *const names[] = {"localhost", "ip6-localhost", "ip6-loopback", NULL};
    for (const char *const *p = names; *p; p++)
        if (strcasecmp(h, *p) == 0)
            return true;
    static const char suffix[] = ".localhost"; /* RFC 6761 */
    if (n > sizeof(suffix) - 1 && strcasecmp(h + n - (sizeof(suffix) - 1), suffix) == 0)
        return true;
    struct in_addr a4;
    if (inet_pton(AF_INET, h, &a4) == 1) {
        unsigned char *b = (unsigned char *)&a4;
        return b[0] == 127 || (b[0] | b[1] | b[2] | b[3]) == 0; /* 0.0.0.0 is this host */
    }
    struct in6_addr a6;
    if (inet_pton(AF_INET6, h, &a6) == 1) {
        if (IN6_IS_ADDR_LOOPBACK(&a6) || IN6_IS_ADDR_UNSPECIFIED(&a6))
            return true;
        return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
    }
    return false;
}

char *ld_logconf_url_host(const char *url)
{
    if (!url)
        return NULL;
    const char *p = strstr(url, "://");
    if (!p)
        return NULL;
    p += 3;
    size_t auth = strcspn(p, "/?#");
    const char *at = NULL;
    for (size_t i = 0; i < auth; i++)
        if (p[i] == '@')
            at = p + i;
    if (at) {
        auth -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    size_t n;
    if (auth > 0 && p[0] == '[') {
        n = 1;
        while (n < auth && p[n] != ']')
            n++;
        if (n == auth)
            return NULL;
        return n > 1 ? ld_xstrndup(p + 1, n - 1) : NULL;
    }
    n = 0;
    while (n < auth && p[n] != ':')
        n++;
    return n ? ld_xstrndup(p, n) : NULL;
}

/* ---- systemd INI ---------------------------------------------------------------- */

int ld_logconf_bool(const char *s)
{
    if (!s)
        return -1;
    static const char *const yes[] = {"1", "yes", "y", "true", "t", "on", NULL};
    static const char *const no[] = {"0", "no", "n", "false", "f", "off", NULL};
    for (const char *const *p = yes; *p; p++)
        if (strcasecmp(s, *p) == 0)
            return 1;
    for (const char *const *p = no; *p; p++)
        if (strcasecmp(s, *p) == 0)
            return 0;
    return -1;
}

void ld_ini_value_clear(ld_ini_value *v)
{
    free(v->value);
    free(v->commented);
    memset(v, 0, sizeof(*v));
}

static bool ini_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* s trimmed of blanks at both ends, in place; returns the new start. */
static char *trim(char *s)
{
    while (ini_space(*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && ini_space(s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* "Key=value" at s: true when the key is key, *value the trimmed value. */
static bool assignment_of(char *s, const char *key, char **value)
{
    char *eq = strchr(s, '=');
    if (!eq)
        return false;
    *eq = '\0';
    bool match = strcmp(trim(s), key) == 0;
    *eq = '=';
    if (match)
        *value = trim(eq + 1);
    return match;
}

int ld_logconf_ini_get(const char *name, const char *buf, size_t len, const char *section,
                       const char *key, ld_ini_value *out, ld_error *err)
{
    if (!name)
        name = "<ini>";
    if (len > LD_LOGCONF_MAX_BYTES)
        return ld_error_set(err, LD_ERR_LIMIT, "%s: larger than %zu bytes", name,
                            LD_LOGCONF_MAX_BYTES);
    if (len && memchr(buf, '\0', len))
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: a NUL byte; is this a text file?", name);
    bool in_section = false;
    size_t pos = 0;
    int line = 0;
    char *logical = ld_xmalloc(INI_LINE_MAX + 1);
    int rc = 0;
    while (pos < len && rc == 0) {
        /* one logical line: physical lines joined where one ends in '\' */
        size_t n = 0;
        int first_line = line + 1;
        for (;;) {
            size_t eol = pos;
            while (eol < len && buf[eol] != '\n')
                eol++;
            line++;
            size_t seg = eol - pos;
            if (n + seg > INI_LINE_MAX) {
                rc = ld_error_set(err, LD_ERR_LIMIT, "%s:%d: a line longer than %d bytes", name,
                                  first_line, INI_LINE_MAX);
                break;
            }
            memcpy(logical + n, buf + pos, seg);
            n += seg;
            pos = eol < len ? eol + 1 : eol;
            size_t end = n;
            while (end > 0 && ini_space(logical[end - 1]))
                end--;
            bool comment = false;
            for (size_t i = 0; i < n && !comment; i++) {
                if (ini_space(logical[i]))
                    continue;
                comment = logical[i] == '#' || logical[i] == ';';
                break;
            }
            if (comment || end == 0 || logical[end - 1] != '\\' || pos >= len)
                break;
            logical[end - 1] = ' '; /* the backslash becomes a space */
            n = end;
        }
        if (rc < 0)
            break;
        logical[n] = '\0';
        char *s = trim(logical);
        char *value = NULL;
        if (s[0] == '[') {
            char *close = strchr(s, ']');
            if (close) {
                *close = '\0';
                in_section = strcmp(s + 1, section) == 0;
            }
        } else if (s[0] == '#' || s[0] == ';') {
            if (in_section && s[0] == '#' && assignment_of(s + 1, key, &value)) {
                free(out->commented);
                out->commented = ld_xstrdup(value);
                out->commented_line = first_line;
            }
        } else if (in_section && assignment_of(s, key, &value)) {
            free(out->value);
            out->value = NULL;
            out->set = value[0] != '\0';
            if (out->set)
                out->value = ld_xstrdup(value);
            out->line = first_line;
        }
    }
    free(logical);
    return rc;
}
