/* The parsers of /proc/PID/maps and smaps text for the core writer
 * (core_dump.h): one mapping per line, "START-END PERMS OFFSET
 * MAJOR:MINOR INODE [PATH]"; in smaps each is followed by "Key: value"
 * lines, of which only VmFlags is used.
 * The text is treated as hostile (a test file, a proc_root that is not the
 * kernel's): every number is range-checked, a line the kernel would never
 * write is refused naming its number, and the path is the rest of the line
 * after the padding, kept as it is (spaces, " (deleted)", "[heap]").
 * Not a reader of /proc: the caller reads the text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "forensics/core_dump.h"
#include "util/mem.h"

/* A path in maps is at most PATH_MAX bytes with each newline escaped as
 * "\012" (four bytes), plus " (deleted)": 64 KiB is above anything the
 * kernel writes and keeps a hostile line from costing more. */
#define LD_FX_MAPS_PATH_MAX 65536

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* An unsigned hex number at *p (at least one digit), no overflow. */
static bool take_hex(const char **p, const char *end, uint64_t max, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    int d;
    while (s < end && (d = hex_digit(*s)) >= 0) {
        if (v > (max >> 4))
            return false;
        v = (v << 4) | (uint64_t)d;
        if (v > max)
            return false;
        s++;
    }
    if (s == *p)
        return false;
    *p = s;
    *out = v;
    return true;
}

static bool take_dec(const char **p, const char *end, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    while (s < end && *s >= '0' && *s <= '9') {
        if (__builtin_mul_overflow(v, 10, &v) ||
            __builtin_add_overflow(v, (uint64_t)(*s - '0'), &v))
            return false;
        s++;
    }
    if (s == *p)
        return false;
    *p = s;
    *out = v;
    return true;
}

static bool take_char(const char **p, const char *end, char c)
{
    if (*p >= end || **p != c)
        return false;
    (*p)++;
    return true;
}

/* One flag of "rwxp": want or '-'. */
static bool take_flag(const char **p, const char *end, char want, bool *out)
{
    if (*p >= end)
        return false;
    if (**p == want)
        *out = true;
    else if (**p == '-')
        *out = false;
    else
        return false;
    (*p)++;
    return true;
}

/* Parses [s, end) (one line without its newline) into m. NULL on success,
 * else what is wrong with it. m->path is allocated only on success. */
static const char *parse_line(const char *s, const char *end, ld_fx_mapping *m)
{
    memset(m, 0, sizeof *m);
    if (memchr(s, '\0', (size_t)(end - s)))
        return "a NUL byte";
    uint64_t v;
    if (!take_hex(&s, end, UINT64_MAX, &m->start) || !take_char(&s, end, '-') ||
        !take_hex(&s, end, UINT64_MAX, &m->end) || !take_char(&s, end, ' '))
        return "no START-END address range";
    if (m->end <= m->start)
        return "an address range that ends before it starts";
    if (!take_flag(&s, end, 'r', &m->r) || !take_flag(&s, end, 'w', &m->w) ||
        !take_flag(&s, end, 'x', &m->x))
        return "permissions that are not \"rwx\" letters or '-'";
    if (s < end && *s == 's')
        m->shared = true;
    else if (s < end && *s == 'p')
        m->shared = false;
    else
        return "permissions without 'p' or 's'";
    s++;
    if (!take_char(&s, end, ' ') || !take_hex(&s, end, UINT64_MAX, &m->offset) ||
        !take_char(&s, end, ' '))
        return "no file offset";
    if (!take_hex(&s, end, UINT32_MAX, &v) || !take_char(&s, end, ':'))
        return "no device major";
    m->dev_major = (uint32_t)v;
    if (!take_hex(&s, end, UINT32_MAX, &v))
        return "no device minor";
    m->dev_minor = (uint32_t)v;
    if (!take_char(&s, end, ' ') || !take_dec(&s, end, &m->inode))
        return "no inode number";
    if (s == end)
        return NULL;
    if (*s != ' ')
        return "text right after the inode number";
    while (s < end && *s == ' ')
        s++;
    if (s == end)
        return NULL;
    if ((size_t)(end - s) > LD_FX_MAPS_PATH_MAX)
        return "a path longer than 64 KiB";
    m->path = ld_xstrndup(s, (size_t)(end - s));
    return NULL;
}

/* A mapping line starts with hex digits and '-'; a smaps key line
 * ("Size:", "AnonHugePages:") never does. */
static bool is_mapping_line(const char *s, const char *end)
{
    const char *p = s;
    while (p < end && hex_digit(*p) >= 0)
        p++;
    return p > s && p < end && *p == '-';
}

/* A smaps "Key: value" line; "VmFlags:" marks the mapping. NULL when it
 * is one, else what is wrong. */
static const char *take_key_line(const char *s, const char *end, ld_fx_mapping *m)
{
    const char *p = s;
    while (p < end && ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                       (*p >= '0' && *p <= '9') || *p == '_'))
        p++;
    if (p == s || p >= end || *p != ':')
        return "neither a mapping nor a \"Key:\" line";
    if (!m)
        return "a \"Key:\" line before the first mapping";
    if ((size_t)(p - s) != 7 || memcmp(s, "VmFlags", 7) != 0)
        return NULL;
    for (p++; p < end;) {
        while (p < end && *p == ' ')
            p++;
        const char *w = p;
        while (p < end && *p != ' ')
            p++;
        if (p - w == 2 && (memcmp(w, "dd", 2) == 0 || memcmp(w, "io", 2) == 0))
            m->dont_dump = true;
    }
    return NULL;
}

static int parse_text(const char *text, size_t len, bool smaps, ld_fx_maps *out, ld_error *err)
{
    memset(out, 0, sizeof *out);
    const char *what = smaps ? "memory smaps" : "memory maps";
    size_t cap = 0;
    size_t line_no = 0;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl : end;
        line_no++;
        const char *why = NULL;
        if (smaps && !is_mapping_line(p, line_end)) {
            why = take_key_line(p, line_end, out->n ? &out->items[out->n - 1] : NULL);
        } else if (out->n >= LD_FX_MAPS_MAX) {
            ld_fx_maps_clear(out);
            return ld_error_set(err, LD_ERR_LIMIT, "%s: more than %u mappings", what,
                                (unsigned)LD_FX_MAPS_MAX);
        } else {
            ld_fx_mapping m;
            why = parse_line(p, line_end, &m);
            if (!why) {
                ld_xgrow(&out->items, &cap, out->n + 1, sizeof *out->items);
                out->items[out->n++] = m;
            }
        }
        if (why) {
            ld_fx_maps_clear(out);
            return ld_error_set(err, LD_ERR_CORRUPT, "%s line %zu: %s", what, line_no, why);
        }
        p = nl ? nl + 1 : end;
    }
    return 0;
}

int ld_fx_maps_parse(const char *text, size_t len, ld_fx_maps *out, ld_error *err)
{
    return parse_text(text, len, false, out, err);
}

int ld_fx_smaps_parse(const char *text, size_t len, ld_fx_maps *out, ld_error *err)
{
    return parse_text(text, len, true, out, err);
}

void ld_fx_maps_clear(ld_fx_maps *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        free(m->items[i].path);
    free(m->items);
    m->items = NULL;
    m->n = 0;
}
