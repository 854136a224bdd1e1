/* The text buffer the sinks write one record into, the timestamp format
 * they share, and the escaping of outside text (process names, paths,
 * container names: all hostile) for JSON strings, RFC 5424 PARAM-VALUEs
 * and syslog MSG lines. Not a JSON writer of its own: sink_json.c says
 * where the keys go. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime/sink_internal.h"
#include "util/mem.h"
#include "util/term_text.h"
#include "util/utf8.h"

void ld_rt_sbuf_reset(ld_rt_sbuf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

void ld_rt_sbuf_free(ld_rt_sbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

static void reserve(ld_rt_sbuf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < need)
        cap *= 2;
    b->p = ld_xrealloc(b->p, cap);
    b->cap = cap;
}

void ld_rt_sbuf_putn(ld_rt_sbuf *b, const char *s, size_t n)
{
    reserve(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void ld_rt_sbuf_puts(ld_rt_sbuf *b, const char *s)
{
    ld_rt_sbuf_putn(b, s, strlen(s));
}

void ld_rt_sbuf_putc(ld_rt_sbuf *b, char c)
{
    ld_rt_sbuf_putn(b, &c, 1);
}

void ld_rt_sbuf_printf(ld_rt_sbuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        ld_rt_sbuf_putn(b, small, (size_t)n);
        return;
    }
    reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *ld_rt_sbuf_steal(ld_rt_sbuf *b)
{
    if (!b->p)
        return ld_xstrdup("");
    char *p = b->p;
    memset(b, 0, sizeof *b);
    return p;
}

void ld_rt_format_timestamp(uint64_t ts_ns, char out[LD_RT_TIMESTAMP_MAX])
{
    if (ts_ns == 0) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        ts_ns = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
    }
    time_t secs = (time_t)(ts_ns / 1000000000u);
    unsigned usec = (unsigned)((ts_ns % 1000000000u) / 1000u);
    struct tm tm;
    if (!gmtime_r(&secs, &tm) || tm.tm_year + 1900 > 9999) {
        snprintf(out, LD_RT_TIMESTAMP_MAX, "1970-01-01T00:00:00.000000Z");
        return;
    }
    snprintf(out, LD_RT_TIMESTAMP_MAX, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, usec);
}

/* The escape of one character for the grammar, or NULL when its bytes go
 * out as they are. */
static const char *escape_of(uint32_t cp, ld_rt_escape how, char tmp[16])
{
    if (how == LD_RT_ESC_JSON) {
        switch (cp) {
        case '"': return "\\\"";
        case '\\': return "\\\\";
        case '\n': return "\\n";
        case '\r': return "\\r";
        case '\t': return "\\t";
        default: break;
        }
        if (cp < 0x20 || ld_term_unsafe_cp(cp)) {
            snprintf(tmp, 16, "\\u%04x", (unsigned)cp);
            return tmp;
        }
        return NULL;
    }
    if (how == LD_RT_ESC_SDPARAM) {
        if (cp == '"')
            return "\\\"";
        if (cp == '\\')
            return "\\\\";
        if (cp == ']')
            return "\\]";
        /* the value keeps the text "\x1b": its backslash is escaped */
        if (ld_term_unsafe_cp(cp)) {
            if (cp < 0x80)
                snprintf(tmp, 16, "\\\\x%02x", (unsigned)cp);
            else
                snprintf(tmp, 16, "\\\\u%04x", (unsigned)cp);
            return tmp;
        }
        return NULL;
    }
    if (ld_term_unsafe_cp(cp)) {
        if (cp < 0x80)
            snprintf(tmp, 16, "\\x%02x", (unsigned)cp);
        else
            snprintf(tmp, 16, "\\u%04x", (unsigned)cp);
        return tmp;
    }
    return NULL;
}

bool ld_rt_sbuf_escaped(ld_rt_sbuf *b, const char *s, size_t n, ld_rt_escape how, size_t max_out)
{
    size_t written = 0;
    size_t i = 0;
    while (i < n) {
        /* runs of plain printable ASCII go out in one copy */
        size_t run = i;
        while (run < n) {
            unsigned char c = (unsigned char)s[run];
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\' ||
                (c == ']' && how == LD_RT_ESC_SDPARAM))
                break;
            run++;
        }
        if (run > i) {
            size_t take = run - i;
            if (max_out && written + take > max_out) {
                ld_rt_sbuf_putn(b, s + i, max_out - written);
                return true;
            }
            ld_rt_sbuf_putn(b, s + i, take);
            written += take;
            i = run;
            continue;
        }
        const char *bytes = NULL;
        size_t len = 0;
        uint32_t cp = ld_utf8_next(s, n, &i, &bytes, &len);
        char tmp[16];
        const char *esc = escape_of(cp, how, tmp);
        const char *out = esc ? esc : bytes;
        size_t out_len = esc ? strlen(esc) : len;
        if (max_out && written + out_len > max_out)
            return true;
        ld_rt_sbuf_putn(b, out, out_len);
        written += out_len;
    }
    return false;
}
