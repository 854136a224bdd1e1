/* Ignore file parsing and lookup (see ignore_file.h). */
#include "vuln/ignore_file.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/date.h"
#include "util/input_file.h"
#include "util/mem.h"
#include "util/text_bom.h"

static bool valid_id_byte(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.' || c == ':' || c == '/' ||
           c == '+';
}

void ld_ignore_clear(ld_ignore_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->entries[i].id);
        free(l->entries[i].expires);
    }
    free(l->entries);
    free(l->path);
    memset(l, 0, sizeof(*l));
}

static int parse_line(const char *name, int lineno, const char *s, size_t len, ld_ignore_list *out,
                      ld_error *err)
{
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i == len || s[i] == '#')
        return 0;
    size_t id0 = i;
    while (i < len && valid_id_byte(s[i]))
        i++;
    size_t idlen = i - id0;
    if (idlen == 0 || (i < len && s[i] != ' ' && s[i] != '\t'))
        return ld_error_set(err, LD_ERR_INVALID, "%s:%d: invalid vulnerability id", name, lineno);
    if (idlen > LD_IGNORE_ID_MAX)
        return ld_error_set(err, LD_ERR_INVALID, "%s:%d: id longer than %d bytes", name, lineno,
                            LD_IGNORE_ID_MAX);
    char *expires = NULL;
    while (i < len) {
        while (i < len && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i == len || s[i] == '#')
            break;
        size_t w0 = i;
        while (i < len && s[i] != ' ' && s[i] != '\t')
            i++;
        if (i - w0 > 4 && strncmp(s + w0, "exp:", 4) == 0 && !expires) {
            /* the policy's date parser: a date one accepts, the other accepts */
            int y, m, d;
            switch (ld_date_parse(s + w0 + 4, i - w0 - 4, &y, &m, &d)) {
            case LD_DATE_OK: expires = ld_xstrndup(s + w0 + 4, 10); continue;
            case LD_DATE_RANGE:
                if (y >= 1900 && m >= 1 && m <= 12)
                    return ld_error_set(err, LD_ERR_INVALID,
                                        "%s:%d: exp:%.10s is not a real date (%04d-%02d has %d "
                                        "days)",
                                        name, lineno, s + w0 + 4, y, m,
                                        ld_date_days_in_month(y, m));
                return ld_error_set(err, LD_ERR_INVALID, "%s:%d: exp:%.10s is not a real date",
                                    name, lineno, s + w0 + 4);
            case LD_DATE_FORMAT: break;
            }
        }
        free(expires);
        return ld_error_set(err, LD_ERR_INVALID,
                            "%s:%d: unexpected \"%.*s\" after the id (only exp:YYYY-MM-DD may follow)",
                            name, lineno, (int)(i - w0 > 40 ? 40 : i - w0), s + w0);
    }
    ld_xgrow(&out->entries, &out->cap, out->n + 1, sizeof(*out->entries));
    ld_ignore_entry *e = &out->entries[out->n++];
    e->id = ld_xstrndup(s + id0, idlen);
    e->expires = expires;
    e->line = lineno;
    return 0;
}

int ld_ignore_parse(const char *name, const char *buf, size_t len, ld_ignore_list *out,
                    ld_error *err)
{
    memset(out, 0, sizeof(*out));
    if (len > LD_IGNORE_FILE_MAX_BYTES)
        return ld_error_set(err, LD_ERR_LIMIT, "%s: ignore file larger than %u bytes", name,
                            LD_IGNORE_FILE_MAX_BYTES);
    if (len && memchr(buf, '\0', len))
        return ld_error_set(err, LD_ERR_INVALID, "%s: ignore file contains a NUL byte", name);
    ld_skip_utf8_bom(&buf, &len);
    int lineno = 0;
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - buf) : len;
        size_t l = end - pos;
        if (l > 0 && buf[pos + l - 1] == '\r')
            l--;
        lineno++;
        int rc = parse_line(name, lineno, buf + pos, l, out, err);
        if (rc < 0) {
            ld_ignore_clear(out);
            return rc;
        }
        pos = end + 1;
    }
    out->path = ld_xstrdup(name);
    return 0;
}

int ld_ignore_load(const char *path, ld_ignore_list *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    char *buf = NULL;
    size_t len = 0;
    int rc = ld_input_read(path, "ignore file", LD_IGNORE_FILE_MAX_BYTES, &buf, &len, err);
    if (rc < 0)
        return rc;
    rc = ld_ignore_parse(path, buf, len, out, err);
    free(buf);
    return rc;
}

const ld_ignore_entry *ld_ignore_find(const ld_ignore_list *l, const char *id)
{
    if (!l || !id)
        return NULL;
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->entries[i].id, id) == 0)
            return &l->entries[i];
    return NULL;
}
