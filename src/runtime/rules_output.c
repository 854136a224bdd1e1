/* Rule outputs and priorities: an output template (`%proc.name`,
 * `%proc.aname[2]`, `%evt.time`) compiled once into literal pieces and
 * resolved fields, then expanded per alert into a caller's buffer. Values
 * are written as read but made safe for any log or terminal: control
 * characters, invisible direction marks and bytes that are not UTF-8 are
 * escaped (\x1b, \u202e), and a backslash is doubled so an escape in the
 * text cannot be mistaken for one lockdown wrote. A '%' not followed by a
 * field name stays as it is (Falco has no %% escape). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "checks/secrets.h"
#include "runtime/rules.h"
#include "runtime/rules_internal.h"
#include "util/mem.h"
#include "util/term_text.h"
#include "util/utf8.h"

/* ---- priorities ---- */

static const char *const prio_names[] = {"Emergency", "Alert",  "Critical",      "Error",
                                         "Warning",   "Notice", "Informational", "Debug"};

const char *ld_rt_priority_name(ld_rt_priority p)
{
    if ((unsigned)p >= sizeof prio_names / sizeof prio_names[0])
        return "Unknown";
    return prio_names[p];
}

int ld_rt_priority_parse(const char *s, ld_rt_priority *out)
{
    if (!s)
        return -1;
    for (size_t i = 0; i < sizeof prio_names / sizeof prio_names[0]; i++)
        if (strcasecmp(s, prio_names[i]) == 0) {
            *out = (ld_rt_priority)i;
            return 0;
        }
    if (strcasecmp(s, "info") == 0) {
        *out = LD_RT_PRIO_INFORMATIONAL;
        return 0;
    }
    return -1;
}

/* ---- safe text ---- */

/* The bytes to write for the character at s[*i] (n bytes in all) into
 * piece (at least 16 bytes); advances *i. Returns the piece's length. */
static size_t safe_piece(const char *s, size_t n, size_t *i, char *piece, bool escape_backslash)
{
    const unsigned char *u = (const unsigned char *)s + *i;
    uint32_t cp = 0;
    size_t clen = ld_utf8_decode(u, n - *i, &cp);
    if (clen == 0) { /* not UTF-8: the byte, visibly */
        (*i)++;
        return (size_t)snprintf(piece, 16, "\\x%02x", u[0]);
    }
    *i += clen;
    if (cp == '\\' && escape_backslash) {
        memcpy(piece, "\\\\", 2);
        return 2;
    }
    if (ld_term_unsafe_cp(cp))
        return (size_t)(cp < 0x80 ? snprintf(piece, 16, "\\x%02x", (unsigned)cp)
                                  : snprintf(piece, 16, "\\u%04x", (unsigned)cp));
    memcpy(piece, u, clen);
    return clen;
}

void rt_append_safe(char *out, size_t n, size_t *len, const char *s, bool escape_backslash)
{
    if (!n)
        return;
    size_t slen = strlen(s), i = 0;
    char piece[16];
    while (i < slen) {
        size_t k = safe_piece(s, slen, &i, piece, escape_backslash);
        if (*len + k + 1 > n)
            break;
        memcpy(out + *len, piece, k);
        *len += k;
    }
    out[*len] = '\0';
}

/* s[0..n) made safe, in a new string (template text: backslashes kept). */
static char *safe_copy(const char *s, size_t n)
{
    char *out = ld_xmalloc(n * 6 + 1);
    size_t len = 0, i = 0;
    char piece[16];
    while (i < n) {
        size_t k = safe_piece(s, n, &i, piece, false);
        memcpy(out + len, piece, k);
        len += k;
    }
    out[len] = '\0';
    return out;
}

/* ---- templates ---- */

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.';
}

static bool letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void push_seg(rt_rule *r, const rt_out_seg *seg)
{
    r->segs = ld_xrealloc(r->segs, (r->n_segs + 1) * sizeof *r->segs);
    r->segs[r->n_segs++] = *seg;
}

static void push_text(rt_rule *r, const char *s, size_t n)
{
    if (!n)
        return;
    rt_out_seg seg = {.kind = RT_SEG_TEXT, .text = safe_copy(s, n)};
    push_seg(r, &seg);
}

#define FIELD_NAME_MAX 128

int rt_output_compile(rt_rule *r, ld_error *err)
{
    rt_output_free(r);
    const char *s = r->output ? r->output : "";
    const char *text = s;
    const char *p = s;
    while (*p) {
        if (p[0] != '%' || !letter(p[1])) {
            p++;
            continue;
        }
        const char *start = p + 1, *q = start;
        while (name_char(*q))
            q++;
        while (q > start && q[-1] == '.') /* "... %proc.name." ends a sentence */
            q--;
        const char *end = q;
        if (*q == '[') {
            const char *close = memchr(q, ']', strnlen(q, 34));
            if (close)
                end = close + 1;
        }
        size_t len = (size_t)(end - start);
        if (len > FIELD_NAME_MAX) {
            ld_error_set(err, LD_ERR_INVALID, "output: field name longer than %d bytes",
                         FIELD_NAME_MAX);
            rt_output_free(r);
            return -1;
        }
        char name[FIELD_NAME_MAX + 1];
        memcpy(name, start, len);
        name[len] = '\0';
        push_text(r, text, (size_t)(p - text));
        rt_out_seg seg = {.kind = RT_SEG_FIELD};
        const char *resolve = name;
        if (strcmp(name, "evt.time") == 0 || strcmp(name, "evt.time.iso8601") == 0) {
            seg.kind = RT_SEG_TIME;
            resolve = "evt.time";
        }
        if (ld_rt_field_resolve(resolve, &seg.ref, err) < 0) {
            ld_error_wrap(err, "output");
            rt_output_free(r);
            return -1;
        }
        push_seg(r, &seg);
        p = text = end;
    }
    push_text(r, text, (size_t)(p - text));
    return 0;
}

void rt_output_free(rt_rule *r)
{
    for (size_t i = 0; i < r->n_segs; i++)
        free(r->segs[i].text);
    free(r->segs);
    r->segs = NULL;
    r->n_segs = 0;
}

/* Template text: already safe; cut at a character boundary when it does
 * not fit. */
static void append_raw(char *out, size_t n, size_t *len, const char *s)
{
    size_t k = strlen(s);
    if (*len + k + 1 > n) {
        k = n - 1 - *len;
        while (k && ((unsigned char)s[k] & 0xC0) == 0x80)
            k--;
    }
    memcpy(out + *len, s, k);
    *len += k;
    out[*len] = '\0';
}

static void iso_time(int64_t ns, char *buf, size_t n)
{
    time_t secs = (time_t)(ns / 1000000000);
    long frac = (long)(ns % 1000000000);
    struct tm tm;
    if (ns < 0 || !gmtime_r(&secs, &tm)) {
        snprintf(buf, n, "<NA>");
        return;
    }
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

void ld_rt_rules_format_output(const ld_rt_ruleset *rs, size_t i, const ld_rt_field_ctx *ctx,
                               char *out, size_t n)
{
    if (!n)
        return;
    out[0] = '\0';
    if (!rs || !rs->compiled || i >= rs->n_enabled)
        return;
    const rt_rule *r = &rs->rules[rs->enabled[i]];
    size_t len = 0;
    for (size_t k = 0; k < r->n_segs && len + 1 < n; k++) {
        const rt_out_seg *seg = &r->segs[k];
        if (seg->kind == RT_SEG_TEXT) {
            append_raw(out, n, &len, seg->text);
            continue;
        }
        ld_rt_value v;
        v.present = false;
        ld_rt_field_value(&seg->ref, ctx, &v);
        char text[LD_RT_PATH_MAX + LD_RT_CMDLINE_MAX];
        if (seg->kind == RT_SEG_TIME && v.present)
            iso_time(v.num, text, sizeof text);
        else
            ld_rt_value_text(&v, text, sizeof text);
        /* a secret in a command line, path or argument is masked in
         * what leaves lockdown (checks/secrets.h) */
        char *masked = seg->kind == RT_SEG_TIME ? NULL : ld_secret_mask_text(NULL, text);
        rt_append_safe(out, n, &len, masked ? masked : text, true);
        free(masked);
    }
}
