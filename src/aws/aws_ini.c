/* The AWS credentials/config INI reader (aws/aws_ini.h): one pass over the
 * lines, bounded by the 1 MiB file cap; messages carry line numbers, never
 * a line's text. */
#include <openssl/crypto.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/aws_ini.h"
#include "util/mem.h"

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* s[0..*n) without leading and trailing blanks. */
static const char *trim(const char *s, size_t *n)
{
    while (*n && blank(*s))
        s++, (*n)--;
    while (*n && blank(s[*n - 1]))
        (*n)--;
    return s;
}

static void wipe_free(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

void ld_aws_ini_clear(ld_aws_ini *ini)
{
    for (size_t i = 0; i < ini->n; i++) {
        ld_aws_ini_section *s = &ini->v[i];
        for (size_t j = 0; j < s->n; j++) {
            free(s->v[j].name);
            wipe_free(s->v[j].value);
        }
        free(s->v);
        free(s->name);
    }
    free(ini->v);
    ini->v = NULL;
    ini->n = ini->cap = 0;
}

const ld_aws_ini_section *ld_aws_ini_section_find(const ld_aws_ini *ini, const char *name)
{
    for (size_t i = 0; ini && i < ini->n; i++)
        if (!strcmp(ini->v[i].name, name))
            return &ini->v[i];
    return NULL;
}

const char *ld_aws_ini_get(const ld_aws_ini_section *s, const char *key)
{
    for (size_t i = 0; s && i < s->n; i++)
        if (!strcasecmp(s->v[i].name, key))
            return s->v[i].value;
    return NULL;
}

static ld_aws_ini_section *section_open(ld_aws_ini *ini, const char *name, size_t n, int line)
{
    for (size_t i = 0; i < ini->n; i++)
        if (strlen(ini->v[i].name) == n && !memcmp(ini->v[i].name, name, n))
            return &ini->v[i];
    ld_xgrow(&ini->v, &ini->cap, ini->n + 1, sizeof(*ini->v));
    ld_aws_ini_section *s = &ini->v[ini->n++];
    memset(s, 0, sizeof(*s));
    s->name = ld_xstrndup(name, n);
    s->line = line;
    return s;
}

/* Appends "\n" + more to the entry's value (a continuation line). */
static void value_append(ld_aws_ini_entry *e, const char *more, size_t n)
{
    size_t old = strlen(e->value);
    char *v = ld_xmalloc(old + n + 2);
    memcpy(v, e->value, old);
    v[old] = '\n';
    memcpy(v + old + 1, more, n);
    v[old + n + 1] = '\0';
    wipe_free(e->value);
    e->value = v;
}

static int fail(ld_aws_ini *out, ld_error *err, ld_errcode code, const char *what, int line,
                const char *why)
{
    ld_aws_ini_clear(out);
    return ld_error_set(err, code, "%s line %d: %s", what, line, why);
}

int ld_aws_ini_parse(const char *what, const char *text, size_t len, ld_aws_ini *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    what = what ? what : "AWS config";
    if (len > LD_AWS_INI_MAX_BYTES)
        return ld_error_set(err, LD_ERR_LIMIT, "%s: larger than 1 MiB (%zu bytes); not read", what,
                            len);
    if (len && memchr(text, '\0', len))
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: NUL byte in the file; not a text file", what);
    ld_aws_ini_section *cur = NULL;
    ld_aws_ini_entry *last = NULL; /* the entry a continuation line extends */
    size_t pos = 0;
    int line = 0;
    /* a UTF-8 byte order mark is not part of the first line */
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
        pos = 3;
    while (pos < len) {
        line++;
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        const char *raw = text + pos;
        pos += n + (nl ? 1 : 0);
        size_t tn = n;
        const char *t = trim(raw, &tn);
        if (tn == 0 || t[0] == '#' || t[0] == ';') {
            /* empty lines end a multi-line value, as in RawConfigParser */
            if (tn == 0)
                last = NULL;
            continue;
        }
        if (blank(raw[0]) && last) {
            value_append(last, t, tn);
            continue;
        }
        if (t[0] == '[') {
            const char *close = NULL;
            for (size_t i = tn; i > 1; i--)
                if (t[i - 1] == ']') {
                    close = t + i - 1;
                    break;
                }
            if (!close)
                return fail(out, err, LD_ERR_CORRUPT, what, line, "section header without ']'");
            size_t sn = (size_t)(close - (t + 1));
            const char *s = trim(t + 1, &sn);
            if (!sn)
                return fail(out, err, LD_ERR_CORRUPT, what, line, "empty section name");
            cur = section_open(out, s, sn, line);
            last = NULL;
            continue;
        }
        size_t k = 0;
        while (k < tn && t[k] != '=' && t[k] != ':')
            k++;
        if (k == tn)
            return fail(out, err, LD_ERR_CORRUPT, what, line,
                        "expected \"[section]\" or \"name = value\"");
        if (!cur)
            return fail(out, err, LD_ERR_CORRUPT, what, line,
                        "setting before the first [section] header");
        size_t nn = k;
        const char *name = trim(t, &nn);
        if (!nn)
            return fail(out, err, LD_ERR_CORRUPT, what, line, "setting without a name");
        size_t vn = tn - k - 1;
        const char *val = trim(t + k + 1, &vn);
        char *lname = ld_xstrndup(name, nn);
        for (char *p = lname; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        if (ld_aws_ini_get(cur, lname)) {
            free(lname);
            return fail(out, err, LD_ERR_CORRUPT, what, line,
                        "setting repeated in the same section");
        }
        ld_xgrow(&cur->v, &cur->cap, cur->n + 1, sizeof(*cur->v));
        last = &cur->v[cur->n++];
        last->name = lname;
        last->value = ld_xstrndup(val, vn);
        last->line = line;
    }
    return 0;
}
