/* Streaming JSON writer. See json_out.h. */
#include "util/json_out.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "util/term_text.h"
#include "util/utf8.h"

void ld_json_init(ld_json *j, FILE *f, bool pretty)
{
    memset(j, 0, sizeof(*j));
    j->f = f;
    j->pretty = pretty;
    j->first[0] = true;
}

static void newline(ld_json *j)
{
    if (!j->pretty)
        return;
    fputc('\n', j->f);
    for (int i = 0; i < j->depth; i++)
        fputs("  ", j->f);
}

/* Separator before a value (or a key) at the current depth. */
static void before_value(ld_json *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (!j->first[j->depth])
        fputc(',', j->f);
    j->first[j->depth] = false;
    if (j->depth > 0)
        newline(j);
}

static void open(ld_json *j, char c)
{
    before_value(j);
    fputc(c, j->f);
    assert(j->depth + 1 < LD_JSON_MAX_DEPTH);
    j->depth++;
    j->first[j->depth] = true;
}

static void close(ld_json *j, char c)
{
    bool empty = j->first[j->depth];
    j->depth--;
    if (!empty)
        newline(j);
    fputc(c, j->f);
    if (j->depth == 0 && j->pretty)
        fputc('\n', j->f);
}

void ld_json_object_begin(ld_json *j) { open(j, '{'); }
void ld_json_object_end(ld_json *j) { close(j, '}'); }
void ld_json_array_begin(ld_json *j) { open(j, '['); }
void ld_json_array_end(ld_json *j) { close(j, ']'); }

/* Bytes that go out as they are: printable ASCII other than '"' and '\\'. */
static bool plain_byte(unsigned char c) { return c >= 0x20 && c < 0x7F && c != '"' && c != '\\'; }

void ld_json_escape(FILE *f, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        /* write each run of plain bytes with one call: most text is plain */
        size_t run = i;
        while (run < n && plain_byte(s[run]))
            run++;
        if (run > i) {
            fwrite(s + i, 1, run - i, f);
            i = run;
            continue;
        }
        unsigned char c = s[i];
        switch (c) {
        case '"': fputs("\\\"", f); i++; continue;
        case '\\': fputs("\\\\", f); i++; continue;
        case '\n': fputs("\\n", f); i++; continue;
        case '\r': fputs("\\r", f); i++; continue;
        case '\t': fputs("\\t", f); i++; continue;
        default: break;
        }
        if (c < 0x20 || c == 0x7F) {
            fprintf(f, "\\u%04x", c);
            i++;
            continue;
        }
        uint32_t cp;
        size_t len = ld_utf8_decode(s + i, n - i, &cp);
        if (len == 0) {
            fputs("\\ufffd", f);
            i++;
            continue;
        }
        if (ld_term_unsafe_cp(cp)) { /* C1, bidi overrides: the same string, never raw */
            fprintf(f, "\\u%04x", (unsigned)cp);
            i += len;
            continue;
        }
        fwrite(s + i, 1, len, f);
        i += len;
    }
}

void ld_json_key(ld_json *j, const char *key)
{
    before_value(j);
    fputc('"', j->f);
    ld_json_escape(j->f, key, strlen(key));
    fputs(j->pretty ? "\": " : "\":", j->f);
    j->after_key = true;
}

void ld_json_stringn(ld_json *j, const char *s, size_t n)
{
    before_value(j);
    fputc('"', j->f);
    ld_json_escape(j->f, s, n);
    fputc('"', j->f);
}

void ld_json_string(ld_json *j, const char *s)
{
    if (!s) {
        ld_json_null(j);
        return;
    }
    ld_json_stringn(j, s, strlen(s));
}

void ld_json_int(ld_json *j, int64_t v)
{
    before_value(j);
    fprintf(j->f, "%" PRId64, v);
}

void ld_json_double(ld_json *j, double v)
{
    before_value(j);
    if (isfinite(v))
        fprintf(j->f, "%.15g", v);
    else
        fputs("null", j->f);
}

void ld_json_bool(ld_json *j, bool v)
{
    before_value(j);
    fputs(v ? "true" : "false", j->f);
}

void ld_json_null(ld_json *j)
{
    before_value(j);
    fputs("null", j->f);
}

void ld_json_kv_string(ld_json *j, const char *key, const char *s)
{
    ld_json_key(j, key);
    ld_json_string(j, s);
}

void ld_json_kv_string_opt(ld_json *j, const char *key, const char *s)
{
    if (s)
        ld_json_kv_string(j, key, s);
}

void ld_json_kv_int(ld_json *j, const char *key, int64_t v)
{
    ld_json_key(j, key);
    ld_json_int(j, v);
}

void ld_json_kv_bool(ld_json *j, const char *key, bool v)
{
    ld_json_key(j, key);
    ld_json_bool(j, v);
}
