/* Masking text that lockdown prints: image history, labels, Env, Cmd,
 * Dockerfile instructions and engine inspect output all go through
 * ld_secret_mask_text (secrets.h), so a secret shows the same way wherever
 * it appears — as ld_secret_mask shows it in a secret finding. Three
 * sources of spans, unioned: the secret rules (every rule, no allow rules,
 * no entropy minimum), credential-looking KEY=VALUE pairs and flags, and
 * PEM private key bodies. ld_secret_mask_history adds what only a history
 * entry has: build-argument values. Not for finding secrets in files
 * (secrets.c) or deciding what is a finding (the checks). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/secret_rules.h"
#include "util/mem.h"

#define KEY_MAX 128      /* longest name judged by ld_secret_key_name */
#define VALUE_MAX 4096   /* longest value masked as one span */
#define GAP_MAX 8        /* blanks allowed around '=' / ':' */
#define CUT_BACK_MAX 256 /* a cut text drops its last partial word up to this far */

/* ---- names ---- */

/* Does hit occur in up as a whole '_'-separated word (a plural S allowed)? */
static bool word_hit(const char *up, const char *hit)
{
    size_t hl = strlen(hit);
    for (const char *p = strstr(up, hit); p; p = strstr(p + 1, hit)) {
        const char *e = p + hl;
        if (*e == 'S')
            e++;
        if ((p == up || p[-1] == '_') && (*e == '\0' || *e == '_'))
            return true;
    }
    return false;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

bool ld_secret_key_name(const char *name, size_t n)
{
    /* anywhere in the name, and as whole words (TOKENIZERS_PARALLELISM is not a token) */
    static const char *const anywhere[] = {"PASSWORD", "PASSWD", "PASSPHRASE", "SECRET"};
    static const char *const words[] = {
        "TOKEN",       "API_KEY",       "APIKEY",      "ACCESS_KEY",     "PRIVATE_KEY",
        "CREDENTIAL",  "AUTH_KEY",      "CLIENT_KEY",  "PASS",           "PWD",
        "AUTH",        "AUTHORIZATION", "SIGNING_KEY", "ENCRYPTION_KEY", "MASTER_KEY",
        "ACCOUNT_KEY", "SESSION_KEY"};
    /* names that point at a secret, or describe one, rather than hold it */
    static const char *const not_suffix[] = {
        "_FILE",   "_PATH",     "_DIR",    "_FILENAME", "_HOST",     "_PORT",
        "_URL",    "_ENDPOINT", "_NAME",   "_USER",     "_USERNAME", "_TYPE",
        "_LENGTH", "_TTL",      "_EXPIRY", "_ID",       "_STDIN"};
    while (n > 0 && (*name == '-' || *name == '_')) { /* --flag, _authToken */
        name++;
        n--;
    }
    if (n == 0 || n > KEY_MAX)
        return false;
    char up[2 * KEY_MAX + 2];
    size_t u = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (isupper(c) && i > 0 &&
            (islower((unsigned char)name[i - 1]) || isdigit((unsigned char)name[i - 1])))
            up[u++] = '_'; /* githubToken -> GITHUB_TOKEN */
        if (isalnum(c))
            up[u++] = (char)toupper(c);
        else if (c == '_' || c == '-' || c == '.')
            up[u++] = '_';
        else
            return false;
    }
    up[u] = '\0';
    for (size_t i = 0; i < sizeof(not_suffix) / sizeof(not_suffix[0]); i++)
        if (ends_with(up, u, not_suffix[i]))
            return false;
    for (size_t i = 0; i < sizeof(anywhere) / sizeof(anywhere[0]); i++)
        if (strstr(up, anywhere[i]))
            return true;
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (word_hit(up, words[i]))
            return true;
    return false;
}

/* ---- values ---- */

static bool key_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

static bool blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Ends an unquoted value: blanks, line ends, shell separators, quotes. */
static bool value_end(char c)
{
    return c == '\0' || isspace((unsigned char)c) || c == ';' || c == '&' || c == '|' || c == '"' ||
           c == '\'' || c == '`';
}

/* A value that only names or refers to a secret, a switch, or one already
 * masked: shown as is. */
static bool shown_as_is(const char *v, size_t n)
{
    if (n == 0)
        return true;
    static const char *const switches[] = {"true", "false", "yes", "no",   "on",
                                           "off",  "0",     "1",   "none", "null"};
    for (size_t i = 0; i < sizeof(switches) / sizeof(switches[0]); i++)
        if (strlen(switches[i]) == n && strncasecmp(v, switches[i], n) == 0)
            return true;
    if (n >= 4 && memmem(v, n, "****", 4))
        return true;
    if (v[0] == '<' && v[n - 1] == '>')
        return true;
    if (n >= 2 && v[0] == '{' && v[1] == '{') /* a template: {{ vault_password }} */
        return true;
    if (v[0] == '$') {
        if (n > 1 && v[1] == '(') /* $(cat /run/secrets/x): a command reading it */
            return true;
        if (n > 1 && v[1] == '{') /* ${VAR}; not ${VAR:-literal default} */
            return !memmem(v, n, ":-", 2) && !memmem(v, n, ":=", 2);
        size_t i = 1; /* $VAR */
        while (i < n && (isalnum((unsigned char)v[i]) || v[i] == '_'))
            i++;
        return i == n;
    }
    return false;
}

/* The value starting at t[v] (after blanks): quoted (to its closing quote
 * on the same line, backslash escapes honoured) or one unquoted word.
 * Sets [*s, *e). Returns false when there is none. */
static bool value_at(const char *t, size_t n, size_t v, size_t *s, size_t *e)
{
    if (v >= n)
        return false;
    char q = t[v];
    size_t i;
    if (q == '"' || q == '\'') {
        i = v + 1;
        while (i < n && t[i] != q && t[i] != '\n' && i - v < VALUE_MAX)
            i += (t[i] == '\\' && i + 1 < n) ? 2 : 1;
        if (i > n)
            i = n;
        *s = v + 1;
        *e = i;
    } else {
        i = v;
        while (i < n && !value_end(t[i]) && i - v < VALUE_MAX)
            i++;
        *s = v;
        *e = i;
    }
    return *e > *s;
}

static bool scheme_word(const char *v, size_t n)
{
    static const char *const schemes[] = {"bearer", "basic", "token", "digest"};
    for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
        if (strlen(schemes[i]) == n && strncasecmp(v, schemes[i], n) == 0)
            return true;
    return false;
}

static void push_span(secret_spans *sp, size_t s, size_t e)
{
    if (e <= s)
        return;
    ld_xgrow(&sp->v, &sp->cap, sp->n + 1, sizeof(*sp->v));
    sp->v[sp->n++] = (secret_span){s, e};
}

/* Adds the value [s, e) as a span unless it is shown as is; for
 * "Bearer X" (quoted, or the scheme word unquoted) the credential X. */
static void push_value(const char *t, size_t n, size_t s, size_t e, bool quoted, secret_spans *sp)
{
    size_t w = s;
    while (w < e && !blank(t[w]))
        w++;
    if (scheme_word(t + s, w - s)) {
        size_t c = w;
        while (c < n && blank(t[c]))
            c++;
        if (quoted) {
            s = c;
        } else {
            size_t cs, ce;
            if (!value_at(t, n, c, &cs, &ce))
                return;
            s = cs;
            e = ce;
        }
    }
    if (!shown_as_is(t + s, e - s))
        push_span(sp, s, e);
}

/* KEY=VALUE, KEY = VALUE, KEY: VALUE, "key": "value" with the separator at
 * t[i]. */
static void pair_at(const char *t, size_t n, size_t i, secret_spans *sp)
{
    char sep = t[i];
    if (sep == ':' && !(i + 1 < n && (blank(t[i + 1]) || t[i + 1] == '"' || t[i + 1] == '\'')))
        return; /* host:port, user:pass, scheme: — not a key */
    size_t ke = i, gap = 0;
    while (ke > 0 && blank(t[ke - 1]) && gap++ < GAP_MAX)
        ke--;
    if (ke > 0 && (t[ke - 1] == '"' || t[ke - 1] == '\''))
        ke--;
    size_t ks = ke;
    while (ks > 0 && key_char(t[ks - 1]) && ke - ks <= KEY_MAX)
        ks--;
    if (ks == ke || !ld_secret_key_name(t + ks, ke - ks))
        return;
    size_t v = i + 1;
    gap = 0;
    while (v < n && blank(t[v]) && gap++ < GAP_MAX)
        v++;
    size_t s, e;
    if (value_at(t, n, v, &s, &e))
        push_value(t, n, s, e, t[v] == '"' || t[v] == '\'', sp);
}

/* At a word start: "--password VALUE" and "-u user:password". */
static void flag_at(const char *t, size_t n, size_t i, secret_spans *sp)
{
    size_t we = i;
    while (we < n && !value_end(t[we]) && t[we] != '=')
        we++;
    if (we >= n || t[we] == '=' || !blank(t[we]))
        return;
    size_t v = we;
    while (v < n && blank(t[v]))
        v++;
    size_t s, e;
    if (!value_at(t, n, v, &s, &e) || t[s] == '-')
        return;
    size_t wl = we - i;
    bool user = (wl == 2 && memcmp(t + i, "-u", 2) == 0) ||
                (wl == 6 && memcmp(t + i, "--user", 6) == 0) ||
                (wl == 12 && memcmp(t + i, "--proxy-user", 12) == 0);
    if (user) {
        const char *colon = memchr(t + s, ':', e - s);
        if (colon && !shown_as_is(colon + 1, (size_t)(t + e - colon - 1)))
            push_span(sp, (size_t)(colon + 1 - t), e);
        return;
    }
    if (wl > 2 && t[i + 1] == '-' && ld_secret_key_name(t + i, wl))
        push_value(t, n, s, e, t[v] == '"' || t[v] == '\'', sp);
}

/* The body of every "-----BEGIN ... PRIVATE KEY-----" block, to its END
 * line or the end of the text. */
static void pem_bodies(const char *t, size_t n, secret_spans *sp)
{
    static const char begin[] = "-----BEGIN ";
    const char *p = t, *end = t + n;
    while ((p = memmem(p, (size_t)(end - p), begin, sizeof(begin) - 1))) {
        const char *h = p + sizeof(begin) - 1;
        size_t room = (size_t)(end - h) < 64 ? (size_t)(end - h) : 64;
        const char *close = memmem(h, room, "-----", 5);
        if (!close) {
            p = h;
            continue;
        }
        if (!memmem(h, (size_t)(close - h), "PRIVATE KEY", 11)) {
            p = close + 5;
            continue;
        }
        const char *body = close + 5;
        const char *stop = memmem(body, (size_t)(end - body), "-----END", 8);
        if (!stop)
            stop = end;
        push_span(sp, (size_t)(body - t), (size_t)(stop - t));
        p = stop;
    }
}

static int cmp_span(const void *va, const void *vb)
{
    const secret_span *a = va, *b = vb;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return (a->end > b->end) - (a->end < b->end);
}

char *ld_secret_mask_text(const ld_secret_ruleset *rs, const char *text)
{
    if (!text)
        return NULL;
    ld_error err = LD_ERROR_INIT;
    if (!rs && !(rs = ld_secret_rules_builtin(&err)))
        return ld_xstrdup(LD_SECRET_TEXT_WITHHELD);
    size_t n = strnlen(text, LD_SECRET_MASK_TEXT_MAX);
    bool cut = text[n] != '\0';
    if (cut) { /* a partial word at the cut could be the start of a secret: drop it */
        size_t k = n;
        while (k > 0 && n - k < CUT_BACK_MAX && !isspace((unsigned char)text[k - 1]))
            k--;
        if (k > 0 && n - k < CUT_BACK_MAX)
            n = k;
    }
    const char *t = text;
    secret_spans sp = {0};
    size_t incomplete = 0;
    if (ld_secret_scan_spans(rs, (const uint8_t *)t, n, &sp, &incomplete, &err) < 0 || incomplete) {
        free(sp.v);
        return ld_xstrdup(LD_SECRET_TEXT_WITHHELD);
    }
    for (size_t i = 0; i < n; i++) {
        if (t[i] == '=' || t[i] == ':')
            pair_at(t, n, i, &sp);
        if (t[i] == '-' &&
            (i == 0 || isspace((unsigned char)t[i - 1]) || t[i - 1] == '"' || t[i - 1] == '\''))
            flag_at(t, n, i, &sp);
    }
    pem_bodies(t, n, &sp);
    if (sp.n > 1)
        qsort(sp.v, sp.n, sizeof(*sp.v), cmp_span);
    /* union of the spans, each masked as one secret */
    size_t cap = n + sp.n * LD_SECRET_MASK_MAX + 8;
    char *o = ld_xmalloc(cap);
    size_t on = 0, at = 0;
    for (size_t k = 0; k < sp.n;) {
        size_t s = sp.v[k].start, e = sp.v[k].end;
        for (k++; k < sp.n && sp.v[k].start <= e; k++)
            if (sp.v[k].end > e)
                e = sp.v[k].end;
        if (s < at) /* cannot happen after the sort; keeps the copy in bounds */
            s = at;
        if (e > n)
            e = n;
        if (e <= s)
            continue;
        memcpy(o + on, t + at, s - at);
        on += s - at;
        char m[LD_SECRET_MASK_MAX];
        ld_secret_mask(t + s, e - s, m);
        size_t ml = strlen(m);
        memcpy(o + on, m, ml);
        on += ml;
        at = e;
    }
    memcpy(o + on, t + at, n - at);
    on += n - at;
    if (cut) {
        memcpy(o + on, "...", 3);
        on += 3;
    }
    o[on] = '\0';
    free(sp.v);
    return o;
}

/* Appends the word [w, e) to o, the value of a NAME=value word masked. */
static void put_arg_word(char *o, size_t *on, const char *w, const char *e)
{
    const char *eq = memchr(w, '=', (size_t)(e - w));
    if (!eq) {
        memcpy(o + *on, w, (size_t)(e - w));
        *on += (size_t)(e - w);
        return;
    }
    memcpy(o + *on, w, (size_t)(eq - w) + 1);
    *on += (size_t)(eq - w) + 1;
    char m[LD_SECRET_MASK_MAX];
    ld_secret_mask(eq + 1, (size_t)(e - eq - 1), m);
    size_t ml = strlen(m);
    memcpy(o + *on, m, ml);
    *on += ml;
}

char *ld_secret_mask_history(const ld_secret_ruleset *rs, const char *created_by)
{
    if (!created_by)
        return NULL;
    const char *cb = created_by;
    size_t n = strnlen(cb, LD_SECRET_MASK_TEXT_MAX);
    if (cb[n] != '\0') { /* cut: drop the partial last word, as ld_secret_mask_text does */
        size_t k = n;
        while (k > 0 && n - k < CUT_BACK_MAX && cb[k - 1] != ' ')
            k--;
        if (k > 0 && n - k < CUT_BACK_MAX)
            n = k;
    }
    /* each word grows by at most LD_SECRET_MASK_MAX ("=" -> "=" + mask),
     * and words are at least 1 byte plus a separator */
    char *o = ld_xmalloc(n * (LD_SECRET_MASK_MAX + 1) / 2 + LD_SECRET_MASK_MAX + 8);
    size_t on = 0;
    const char *p = cb, *end = cb + n;
    int args = 0; /* words still to mask: "|N A=x B=y" build arguments */
    if (*p == '|') {
        const char *q = p + 1;
        while (q < end && *q >= '0' && *q <= '9' && args < 1000)
            args = args * 10 + (*q++ - '0');
        memcpy(o, p, (size_t)(q - p));
        on = (size_t)(q - p);
        p = q;
    }
    const char *nop = memmem(p, (size_t)(end - p), "#(nop) ", 7);
    const char *kw = nop ? nop + 7 : p;
    while (kw < end && *kw == ' ')
        kw++;
    /* ARG: every value, whatever its name (ARG A=x B=y) */
    bool all = (size_t)(end - kw) >= 4 && strncmp(kw, "ARG ", 4) == 0;
    while (p < end) {
        if (*p == ' ') {
            o[on++] = *p++;
            continue;
        }
        const char *e = p;
        while (e < end && *e != ' ')
            e++;
        bool hide = args > 0 || (all && p > kw);
        if (args > 0)
            args--;
        if (hide) {
            put_arg_word(o, &on, p, e);
        } else {
            memcpy(o + on, p, (size_t)(e - p));
            on += (size_t)(e - p);
        }
        p = e;
    }
    o[on] = '\0';
    char *masked = ld_secret_mask_text(rs, o);
    free(o);
    /* cut here and not again by ld_secret_mask_text: say so */
    if (cb[n] != '\0' && on <= LD_SECRET_MASK_TEXT_MAX) {
        char *c = ld_xasprintf("%s...", masked);
        free(masked);
        masked = c;
    }
    return masked;
}
