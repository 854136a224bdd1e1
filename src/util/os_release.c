/* os-release(5) parser: one shell word per KEY=value line, decoded without a
 * shell. See os_release.h for the accepted grammar. */
#include "util/os_release.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/mem.h"

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Control bytes (other than tab) never belong in os-release and would reach
 * terminals through evidence; a line holding one is garbage. */
static bool is_control(unsigned char c)
{
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

static bool is_key_start(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_key_char(char c)
{
    return is_key_start(c) || (c >= '0' && c <= '9');
}

/* Unquoted characters that are shell syntax; os-release(5) requires them quoted. */
static bool is_shell_special(char c)
{
    return strchr(";&|<>()`", c) != NULL;
}

enum quote { Q_NONE, Q_DOUBLE, Q_SINGLE };

/* Decodes the word starting at p (line ends at end) into val (room for
 * end - p + 1 bytes). Sets *word_end to the first byte after the word.
 * Returns 0, or -1 if the line is garbage. */
static int decode_word(const char *p, const char *end, char *val, const char **word_end)
{
    enum quote q = Q_NONE;
    size_t n = 0;
    while (p < end) {
        char c = *p;
        if (is_control((unsigned char)c))
            return -1;
        if (q == Q_SINGLE) {
            if (c == '\'')
                q = Q_NONE;
            else
                val[n++] = c;
            p++;
            continue;
        }
        if (q == Q_DOUBLE) {
            if (c == '"') {
                q = Q_NONE;
                p++;
                continue;
            }
            if (c == '\\') {
                if (p + 1 >= end)
                    return -1; /* would continue onto the next line */
                char e = p[1];
                if (e == '$' || e == '`' || e == '"' || e == '\\') {
                    val[n++] = e;
                    p += 2;
                    continue;
                }
                val[n++] = '\\'; /* literal; the next byte is read normally */
                p++;
                continue;
            }
            val[n++] = c;
            p++;
            continue;
        }
        if (is_blank(c))
            break;
        if (c == '\\') {
            if (p + 1 >= end || is_control((unsigned char)p[1]))
                return -1;
            val[n++] = p[1];
            p += 2;
            continue;
        }
        if (c == '"') {
            q = Q_DOUBLE;
            p++;
            continue;
        }
        if (c == '\'') {
            q = Q_SINGLE;
            p++;
            continue;
        }
        if (is_shell_special(c))
            return -1;
        val[n++] = c;
        p++;
    }
    if (q != Q_NONE)
        return -1; /* unterminated quote */
    val[n] = '\0';
    *word_end = p;
    return 0;
}

/* Parses one line [p, end). Returns 1 for an assignment (entry filled), 0
 * for a blank or comment line, -1 for garbage. */
static int parse_line(const char *p, const char *end, char *key, char *val, char *raw,
                      ld_os_release_entry *entry)
{
    if (end > p && end[-1] == '\r')
        end--; /* tolerate CRLF files */
    while (p < end && is_blank(*p))
        p++;
    if (p == end || *p == '#')
        return 0;
    const char *k = p;
    if (!is_key_start(*p))
        return -1;
    while (p < end && is_key_char(*p))
        p++;
    size_t klen = (size_t)(p - k);
    if (klen > LD_OS_RELEASE_KEY_MAX || p == end || *p != '=')
        return -1;
    memcpy(key, k, klen);
    key[klen] = '\0';
    p++;
    const char *vstart = p;
    const char *wend = NULL;
    if (decode_word(p, end, val, &wend) < 0)
        return -1;
    size_t rlen = (size_t)(wend - vstart);
    memcpy(raw, vstart, rlen);
    raw[rlen] = '\0';
    p = wend;
    while (p < end && is_blank(*p))
        p++;
    if (p < end && *p != '#')
        return -1; /* a second word: `ID=a b` would run b in a shell */
    entry->key = key;
    entry->value = val;
    entry->raw = raw;
    return 1;
}

int ld_os_release_foreach(const char *buf, size_t len, ld_os_release_cb cb, void *ctx,
                          size_t *bad_lines, ld_error *err)
{
    if (bad_lines)
        *bad_lines = 0;
    if (len > LD_OS_RELEASE_MAX)
        return ld_error_set(err, LD_ERR_LIMIT, "os-release is %zu bytes, more than the %d allowed",
                            len, LD_OS_RELEASE_MAX);
    char key[LD_OS_RELEASE_KEY_MAX + 1];
    ld_autofree char *val = ld_xmalloc(len + 1);
    ld_autofree char *raw = ld_xmalloc(len + 1);
    const char *p = buf;
    const char *end = buf + len;
    int line = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *lend = nl ? nl : end;
        line++;
        ld_os_release_entry entry = {.line = line};
        int rc = parse_line(p, lend, key, val, raw, &entry);
        if (rc < 0 && bad_lines)
            (*bad_lines)++;
        if (rc > 0) {
            int cbrc = cb(&entry, ctx);
            if (cbrc < 0)
                return cbrc;
        }
        p = nl ? nl + 1 : end;
    }
    return 0;
}

/* The field of o that holds key, or NULL if key is not one we keep. */
static char **field_for(ld_os_release *o, const char *key)
{
    struct {
        const char *key;
        char **field;
    } const known[] = {
        {"ID", &o->id},
        {"ID_LIKE", &o->id_like},
        {"NAME", &o->name},
        {"PRETTY_NAME", &o->pretty_name},
        {"VERSION", &o->version},
        {"VERSION_ID", &o->version_id},
        {"VERSION_CODENAME", &o->version_codename},
        {"VARIANT_ID", &o->variant_id},
        {"BUILD_ID", &o->build_id},
    };
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (strcmp(key, known[i].key) == 0)
            return known[i].field;
    return NULL;
}

static int store_known(const ld_os_release_entry *e, void *ctx)
{
    char **field = field_for(ctx, e->key);
    if (field) {
        free(*field);
        *field = ld_xstrdup(e->value);
    }
    return 0;
}

int ld_os_release_parse(const char *buf, size_t len, ld_os_release *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    int rc = ld_os_release_foreach(buf, len, store_known, out, &out->bad_lines, err);
    if (rc < 0)
        ld_os_release_clear(out);
    return rc;
}

void ld_os_release_clear(ld_os_release *o)
{
    if (!o)
        return;
    free(o->id);
    free(o->id_like);
    free(o->name);
    free(o->pretty_name);
    free(o->version);
    free(o->version_id);
    free(o->version_codename);
    free(o->variant_id);
    free(o->build_id);
    memset(o, 0, sizeof(*o));
}

bool ld_os_release_is_like(const ld_os_release *o, const char *word)
{
    if (o->id && strcmp(o->id, word) == 0)
        return true;
    if (!o->id_like)
        return false;
    size_t wlen = strlen(word);
    const char *p = o->id_like;
    while (*p) {
        while (*p && is_blank(*p))
            p++;
        const char *s = p;
        while (*p && !is_blank(*p))
            p++;
        if ((size_t)(p - s) == wlen && wlen > 0 && memcmp(s, word, wlen) == 0)
            return true;
    }
    return false;
}
