/* /proc/PID/mountinfo reader. See mountinfo.h. Not for /proc/mounts. */
#include "host/mountinfo.h"

#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/mem.h"

#define FIELDS_MAX 64

/* Unescapes the octal escapes of a mountinfo path (\040 and friends) into
 * a new string. Returns NULL for a bad escape or a control byte in the
 * result (a path we would not print as evidence). */
static char *unescape(const char *s)
{
    size_t n = strlen(s);
    char *out = ld_xmalloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\') {
            if (i + 3 >= n || s[i + 1] < '0' || s[i + 1] > '3' || s[i + 2] < '0' ||
                s[i + 2] > '7' || s[i + 3] < '0' || s[i + 3] > '7')
                goto bad;
            c = (unsigned char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
            i += 3;
        }
        if (c < 0x20 || c == 0x7f) /* NUL, newline, control bytes: not for evidence */
            goto bad;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return out;
bad:
    free(out);
    return NULL;
}

/* Whether the comma-separated option list opts holds "ro". */
static bool has_ro(const char *opts)
{
    for (const char *p = opts; *p;) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        if (n == 2 && p[0] == 'r' && p[1] == 'o')
            return true;
        p += n + (c ? 1 : 0);
    }
    return false;
}

static bool is_number(const char *s)
{
    if (!*s || strlen(s) > 10)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* Parses one line (NUL-terminated, modified in place) into e. Returns 0,
 * or -1 when it does not have mountinfo's shape. */
static int parse_line(char *line, ld_mount_entry *e)
{
    char *f[FIELDS_MAX];
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        if (n == FIELDS_MAX)
            return -1;
        f[n++] = t;
    }
    /* 6 fixed fields, optional fields, "-", 3 more */
    int sep = -1;
    for (int i = 6; i < n; i++)
        if (strcmp(f[i], "-") == 0) {
            sep = i;
            break;
        }
    if (n < 10 || sep < 0 || n < sep + 3 || n > sep + 4)
        return -1;
    if (!is_number(f[0]) || !is_number(f[1]) || !strchr(f[2], ':'))
        return -1;
    ld_autofree char *root = unescape(f[3]);
    ld_autofree char *mp = unescape(f[4]);
    ld_autofree char *source = unescape(f[sep + 2]);
    if (!root || !mp || !source || mp[0] != '/')
        return -1;
    for (const char *p = f[sep + 1]; *p; p++)
        if ((unsigned char)*p < 0x21 || *p == 0x7f)
            return -1;
    memset(e, 0, sizeof(*e));
    e->mount_point = ld_steal_ptr(&mp);
    e->root = ld_steal_ptr(&root);
    e->source = ld_steal_ptr(&source);
    e->fstype = ld_xstrdup(f[sep + 1]);
    e->ro_mount = has_ro(f[5]);
    e->ro_super = n > sep + 3 && has_ro(f[sep + 3]);
    return 0;
}

int ld_mountinfo_parse(const char *text, size_t len, ld_mount_table *out, ld_error *err)
{
    if (len > LD_MOUNTINFO_MAX_BYTES)
        return ld_error_set(err, LD_ERR_LIMIT, "mount table larger than %zu bytes",
                            LD_MOUNTINFO_MAX_BYTES);
    ld_autofree char *line = ld_xmalloc(LD_MOUNTINFO_LINE_MAX + 1);
    const char *p = text, *end = text + len;
    int lineno = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        size_t n = (size_t)(le - p);
        const char *q = p;
        p = nl ? nl + 1 : end;
        lineno++;
        if (n == 0)
            continue;
        if (n > LD_MOUNTINFO_LINE_MAX || memchr(q, '\0', n)) {
            out->bad_lines++;
            continue;
        }
        memcpy(line, q, n);
        line[n] = '\0';
        ld_mount_entry e;
        if (parse_line(line, &e) < 0) {
            out->bad_lines++;
            continue;
        }
        if (out->n >= LD_MOUNTINFO_MAX_ENTRIES) {
            free(e.mount_point);
            free(e.root);
            free(e.source);
            free(e.fstype);
            return ld_error_set(err, LD_ERR_LIMIT, "mount table has more than %d entries",
                                LD_MOUNTINFO_MAX_ENTRIES);
        }
        e.line = lineno;
        ld_xgrow(&out->v, &out->cap, out->n + 1, sizeof(*out->v));
        out->v[out->n++] = e;
    }
    return 0;
}

const ld_mount_entry *ld_mount_table_at(const ld_mount_table *t, const char *mount_point)
{
    for (size_t i = t->n; i > 0; i--)
        if (strcmp(t->v[i - 1].mount_point, mount_point) == 0)
            return &t->v[i - 1];
    return NULL;
}

bool ld_mount_entry_ro(const ld_mount_entry *e)
{
    return e->ro_mount || e->ro_super;
}

void ld_mount_table_clear(ld_mount_table *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].mount_point);
        free(t->v[i].root);
        free(t->v[i].source);
        free(t->v[i].fstype);
    }
    free(t->v);
    memset(t, 0, sizeof(*t));
}
