/* Credentials out of URLs that are stored or shown (see url_redact.h). */
#include "util/url_redact.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/mem.h"

#define SECRET_MASK "***"

typedef struct {
    char *p;
    size_t n, cap;
} text_buf;

static void add(text_buf *b, const char *s, size_t n)
{
    ld_xgrow(&b->p, &b->cap, b->n + n + 1, 1);
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

/* Whether a query parameter of this name carries a secret. */
static bool secret_name(const char *name, size_t n)
{
    static const char *const words[] = {"token", "key",        "secret",  "pass", "pwd",
                                        "auth",  "credential", "session", "sig"};
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        size_t wl = strlen(words[w]);
        for (size_t i = 0; i + wl <= n; i++)
            if (strncasecmp(name + i, words[w], wl) == 0)
                return true;
    }
    return false;
}

/* Offset where the authority starts: after "scheme://" when the URL has
 * one before any '/', '?' or '#'; 0 when it has none (a path, or text
 * that is not a URL: no userinfo to find). */
static size_t authority_start(const char *url)
{
    const char *sep = strstr(url, "://");
    if (!sep || strcspn(url, "/?#") < (size_t)(sep - url))
        return 0;
    return (size_t)(sep - url) + 3;
}

/* The n bytes of query q (without its '?') appended to b, secret values
 * masked. */
static void add_query(text_buf *b, const char *q, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t len = strcspn(q + i, "&;");
        if (len > n - i)
            len = n - i;
        const char *eq = memchr(q + i, '=', len);
        if (eq && secret_name(q + i, (size_t)(eq - (q + i)))) {
            add(b, q + i, (size_t)(eq - (q + i)) + 1);
            add(b, SECRET_MASK, sizeof(SECRET_MASK) - 1);
        } else {
            add(b, q + i, len);
        }
        i += len;
        if (i < n) { /* the separator */
            add(b, q + i, 1);
            i++;
        }
    }
}

char *ld_url_redact(const char *url)
{
    if (!url)
        return NULL;
    text_buf b = {0};
    add(&b, "", 0);
    size_t start = authority_start(url);
    size_t auth_len = start ? strcspn(url + start, "/?#") : 0;
    size_t host = start; /* where the authority continues after any userinfo */
    for (size_t i = start; i < start + auth_len; i++)
        if (url[i] == '@')
            host = i + 1;
    add(&b, url, start);
    const char *rest = url + host;
    size_t path_len = strcspn(rest, "?#");
    add(&b, rest, path_len);
    rest += path_len;
    if (*rest == '?') {
        size_t q_len = strcspn(rest + 1, "#");
        add(&b, "?", 1);
        add_query(&b, rest + 1, q_len);
        rest += 1 + q_len;
    }
    add(&b, rest, strlen(rest)); /* the fragment, never sent */
    return b.p;
}

bool ld_url_has_secrets(const char *url)
{
    if (!url)
        return false;
    char *r = ld_url_redact(url);
    bool changed = strcmp(r, url) != 0;
    free(r);
    return changed;
}
