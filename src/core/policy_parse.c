/* The policy parser's diagnostics and typed-value validators: problems
 * recorded as "PATH:LINE: message", user text quoted safely, strings, enums,
 * booleans, dates, lists and key names checked with "did you mean". Shared by
 * the section parsers (policy.c, policy_secrets.c); not for the schema
 * itself. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/policy_internal.h"
#include "util/cleanup.h"
#include "util/date.h"
#include "util/mem.h"
#include "util/suggest.h"

/* ---- diagnostics ---- */


/* Records one problem: "NAME:LINE: message" (or "NAME: message" for line 0). */
void pol_problem(pol_ctx *c, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ld_autofree char *msg = ld_xvasprintf(fmt, ap);
    va_end(ap);
    char *d = line > 0 ? ld_xasprintf("%s:%d: %s", c->name, line, msg)
                       : ld_xasprintf("%s: %s", c->name, msg);
    c->problems++;
    if (c->problems == 1)
        snprintf(c->first, sizeof(c->first), "%s", d);
    if (c->diags && c->problems <= POLICY_MAX_DIAGS)
        ld_strlist_push_owned(c->diags, d);
    else
        free(d);
}

/* Copies user text s into buf (see pol_shown_buf) for a message:
 * control characters (C0, DEL, UTF-8 encoded C1), quotes and backslashes escaped,
 * at most SHOWN_MAX characters, "..." when cut. Returns buf. */
const char *pol_shown(char *buf, size_t size, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0, chars = 0;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    for (; *p; p++) {
        bool continuation = (*p & 0xc0) == 0x80;
        if (!continuation && chars++ == SHOWN_MAX) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        bool c1 = *p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;
        if (*p < 0x20 || *p == 0x7f || c1) {
            buf[o++] = '\\';
            buf[o++] = 'x';
            buf[o++] = hex[*p >> 4];
            buf[o++] = hex[*p & 15];
            if (c1) {
                p++;
                buf[o++] = '\\';
                buf[o++] = 'x';
                buf[o++] = hex[*p >> 4];
                buf[o++] = hex[*p & 15];
            }
        } else if (*p == '"' || *p == '\\') {
            buf[o++] = '\\';
            buf[o++] = (char)*p;
        } else {
            buf[o++] = (char)*p;
        }
        if (o + 16 > size)
            break;
    }
    buf[o] = '\0';
    return buf;
}


/* ---- small validators ---- */

bool pol_is_null(const ld_yaml_node *n)
{
    if (!n || n->kind != LD_YAML_SCALAR || n->quoted)
        return false;
    const char *v = n->value;
    return !v[0] || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
           strcmp(v, "NULL") == 0;
}

bool pol_has_space(const char *s)
{
    for (; *s; s++)
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v')
            return true;
    return false;
}

/* True if s contains a control character other than those allowed. */
bool pol_has_control(const char *s, bool allow_newlines)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (allow_newlines && (*p == '\n' || *p == '\r' || *p == '\t'))
            continue;
        if (*p < 0x20 || *p == 0x7f)
            return true;
    }
    return false;
}

/* "a, b or c" from a NULL-terminated list; caller frees. */
char *pol_or_list(const char *const *names)
{
    ld_strlist l = {0};
    size_t n = 0;
    while (names[n])
        n++;
    for (size_t i = 0; i < n; i++) {
        const char *sep = i == 0 ? "" : ", ";
        if (i > 0 && i + 1 == n)
            sep = " or ";
        ld_strlist_push_owned(&l, ld_xasprintf("%s%s", sep, names[i]));
    }
    char *s = ld_strlist_join(&l, "");
    ld_strlist_clear(&l);
    return s;
}

/* Reports key k of a mapping (called `where` in messages) as unknown, with the
 * allowed keys and a suggestion when one is close. */
void pol_unknown_key(pol_ctx *c, const ld_yaml_node *k, const char *where,
                        const char *const *allowed)
{
    const char *best = ld_suggest(k->value, allowed, -1);
    ld_autofree char *expected = pol_or_list(allowed);
    pol_shown_buf sb;
    pol_problem(c, k->line, "unknown key \"%s\" %s; expected %s%s%s%s", POL_SHOW(sb, k->value), where,
            expected, best ? " (did you mean \"" : "", best ? best : "", best ? "\"?)" : "");
}

/* Index of key in allowed, or -1 after reporting it as unknown. */
int pol_key_index(pol_ctx *c, const ld_yaml_node *k, const char *where, const char *const *allowed)
{
    for (int i = 0; allowed[i]; i++)
        if (strcmp(allowed[i], k->value) == 0)
            return i;
    pol_unknown_key(c, k, where, allowed);
    return -1;
}

/* The scalar value of v for key, or NULL after reporting a wrong type, an
 * empty value, excess length or control characters. */
const char *pol_want_str(pol_ctx *c, const ld_yaml_node *v, const char *key, size_t max,
                            bool multiline)
{
    if (v->kind != LD_YAML_SCALAR) {
        pol_problem(c, v->line, "\"%s\" must be a string, not %s", key, ld_yaml_kind_name(v->kind));
        return NULL;
    }
    if (pol_is_null(v) || !v->value[0]) {
        pol_problem(c, v->line, "\"%s\" must not be empty", key);
        return NULL;
    }
    if (strlen(v->value) > max) {
        pol_problem(c, v->line, "\"%s\" is longer than %zu characters", key, max);
        return NULL;
    }
    if (pol_has_control(v->value, multiline)) {
        pol_problem(c, v->line, "\"%s\" contains a control character", key);
        return NULL;
    }
    return v->value;
}

/* Copies a string field into *out (replacing nothing: keys are unique). */
bool pol_take_str(pol_ctx *c, const ld_yaml_node *v, const char *key, size_t max, char **out)
{
    const char *s = pol_want_str(c, v, key, max, false);
    if (s)
        *out = ld_xstrdup(s);
    return s != NULL;
}

/* An enumerated value: s must be one of names (NULL-terminated); returns the
 * index or -1 after reporting. */
int pol_want_enum(pol_ctx *c, const ld_yaml_node *v, const char *key, const char *const *names)
{
    const char *s = pol_want_str(c, v, key, MAX_WORD, false);
    if (!s)
        return -1;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    ld_autofree char *expected = pol_or_list(names);
    pol_shown_buf sb;
    pol_problem(c, v->line, "invalid %s \"%s\"; expected %s", key, POL_SHOW(sb, s), expected);
    return -1;
}

/* YAML 1.1 booleans, the plain words only: true, false, yes, no. */
bool pol_want_bool(pol_ctx *c, const ld_yaml_node *v, const char *key, bool *out)
{
    if (v->kind == LD_YAML_SCALAR && !v->quoted) {
        const char *s = v->value;
        if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0) {
            *out = true;
            return true;
        }
        if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0) {
            *out = false;
            return true;
        }
    }
    pol_shown_buf sb;
    if (v->kind != LD_YAML_SCALAR)
        pol_problem(c, v->line, "\"%s\" must be true or false, not %s", key,
                ld_yaml_kind_name(v->kind));
    else
        pol_problem(c, v->line, "\"%s\" must be true or false (or yes/no, unquoted), not %s\"%s\"", key,
                v->quoted ? "the string " : "", POL_SHOW(sb, v->value));
    return false;
}

/* A YYYY-MM-DD date into *out; false after reporting. */
bool pol_want_date(pol_ctx *c, const ld_yaml_node *v, const char *key, char **out)
{
    const char *s = pol_want_str(c, v, key, MAX_WORD, false);
    if (!s)
        return false;
    int y, m, d;
    pol_shown_buf sb;
    switch (ld_date_parse(s, strlen(s), &y, &m, &d)) {
    case LD_DATE_OK: *out = ld_xstrdup(s); return true;
    case LD_DATE_FORMAT:
        pol_problem(c, v->line, "\"%s\" must be a date YYYY-MM-DD, not \"%s\"", key, POL_SHOW(sb, s));
        return false;
    case LD_DATE_RANGE:
        if (y >= 1900 && m >= 1 && m <= 12)
            pol_problem(c, v->line, "\"%s\": %s is not a real date (%04d-%02d has %d days)", key, s, y,
                    m, ld_date_days_in_month(y, m));
        else
            pol_problem(c, v->line, "\"%s\": %s is not a real date", key, s);
        return false;
    }
    return false;
}

/* Does the value v of section key k have the wanted kind? A null value
 * counts as absent (returns false without a problem). Problems about a whole
 * section point at its key's line, where the reader looks. */
bool pol_want_kind(pol_ctx *c, const ld_yaml_node *k, const ld_yaml_node *v, ld_yaml_kind kind)
{
    if (pol_is_null(v))
        return false;
    if (v->kind != kind) {
        pol_problem(c, k->line, "\"%s\" must be %s, not %s", k->value, ld_yaml_kind_name(kind),
                ld_yaml_kind_name(v->kind));
        return false;
    }
    return true;
}

/* A list section of key k with at most max entries. */
bool pol_want_list(pol_ctx *c, const ld_yaml_node *k, const ld_yaml_node *v, size_t max)
{
    if (!pol_want_kind(c, k, v, LD_YAML_SEQ))
        return false;
    if (v->n > max) {
        pol_problem(c, k->line, "\"%s\" has %zu entries; at most %zu are accepted", k->value, v->n,
                max);
        return false;
    }
    return true;
}

