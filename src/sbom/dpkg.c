/* dpkg cataloger: /var/lib/dpkg/status (Debian, Ubuntu) and the per-package
 * files of /var/lib/dpkg/status.d/ (distroless images). Both are deb822
 * control paragraphs (deb-control(5), dpkg's status file): "Field: value"
 * lines, continuation lines start with a blank, paragraphs end at a blank
 * line. Only the fields an SBOM needs are read; dpkg keeps no licences in
 * the status file (they live in /usr/share/doc/<pkg>/copyright, free text),
 * so licences stay empty. Not for .deb archives or dpkg's info/ lists. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sbom/catalogers_list.h"
#include "util/mem.h"

#define DPKG_FIELD_MAX 4096 /* longer Package/Version/Source/Architecture: paragraph skipped */

typedef struct {
    const char *p;
    size_t n;
} span;

typedef struct {
    span package, version, source, arch, status;
    bool has_status;
    bool too_long;
} paragraph;

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static span trim(const char *p, size_t n)
{
    while (n && (is_blank(*p) || *p == '\r')) {
        p++;
        n--;
    }
    while (n && (is_blank(p[n - 1]) || p[n - 1] == '\r'))
        n--;
    return (span){p, n};
}

static bool blank_line(const char *p, size_t n)
{
    return trim(p, n).n == 0;
}

static char *dup_span(span s)
{
    return ld_xstrndup(s.p, s.n);
}

/* A NUL inside a name or version is not text; such a paragraph is skipped. */
static bool has_nul(span s)
{
    return s.n && memchr(s.p, '\0', s.n) != NULL;
}

/* dpkg's Status is "want eflag state"; the package is on disk when the state
 * is "installed" (want may be install, hold, deinstall or purge: a held
 * package or one selected for removal is still installed). */
static bool status_installed(span s)
{
    size_t words = 0;
    const char *last = NULL;
    size_t last_n = 0;
    size_t i = 0;
    while (i < s.n) {
        while (i < s.n && is_blank(s.p[i]))
            i++;
        if (i >= s.n)
            break;
        size_t start = i;
        while (i < s.n && !is_blank(s.p[i]))
            i++;
        words++;
        last = s.p + start;
        last_n = i - start;
    }
    return words == 3 && last_n == 9 && memcmp(last, "installed", 9) == 0;
}

static void emit(const paragraph *g, bool require_status, const char *path, ld_package_list *out)
{
    if (g->too_long || !g->package.n || !g->version.n || has_nul(g->package) ||
        has_nul(g->version) || has_nul(g->source) || has_nul(g->arch))
        return;
    if (g->has_status ? !status_installed(g->status) : require_status)
        return;
    ld_package *p = ld_package_list_add(out, LD_ECO_DEB);
    p->name = dup_span(g->package);
    p->version = dup_span(g->version);
    if (g->arch.n)
        p->arch = dup_span(g->arch);
    if (g->source.n) {
        /* "Source: name" or "Source: name (version)" */
        const char *s = g->source.p;
        size_t n = g->source.n, k = 0;
        while (k < n && !is_blank(s[k]) && s[k] != '(')
            k++;
        if (k)
            p->source_name = ld_xstrndup(s, k);
        const char *open = memchr(s + k, '(', n - k);
        if (open) {
            const char *close = memchr(open, ')', (size_t)(s + n - open));
            if (close) {
                span v = trim(open + 1, (size_t)(close - open - 1));
                if (v.n)
                    p->source_version = dup_span(v);
            }
        }
    }
    p->found_in = ld_xstrdup(path);
    ld_package_set_purl(p, NULL, NULL);
}

/* Stores value into *dst if name matches field (case-insensitive, as deb822). */
static bool take(const char *name, size_t name_n, const char *field, span value, span *dst,
                 paragraph *g)
{
    size_t fl = strlen(field);
    if (name_n != fl || strncasecmp(name, field, fl) != 0)
        return false;
    if (value.n > DPKG_FIELD_MAX)
        g->too_long = true;
    *dst = value;
    return true;
}

static int dpkg_parse(const char *path, const uint8_t *data, size_t len, ld_package_list *out,
                      ld_error *err)
{
    (void)err;
    const char *s = (const char *)data, *end = s + len;
    /* The status file lists every package dpkg knows, installed or not;
     * status.d files are written only for installed packages and usually
     * carry no Status field. */
    bool require_status = strstr(path, "/status.d/") == NULL;
    paragraph g;
    memset(&g, 0, sizeof(g));
    bool in_par = false;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *le = nl ? nl : end;
        size_t n = (size_t)(le - s);
        if (blank_line(s, n)) {
            if (in_par)
                emit(&g, require_status, path, out);
            memset(&g, 0, sizeof(g));
            in_par = false;
        } else if (!is_blank(*s)) {
            /* "Field: value"; continuation lines (leading blank) only extend
             * multi-line fields such as Description, which are not read. */
            in_par = true;
            const char *colon = memchr(s, ':', n);
            if (colon && colon > s) {
                size_t name_n = (size_t)(colon - s);
                span v = trim(colon + 1, (size_t)(le - colon - 1));
                if (take(s, name_n, "Status", v, &g.status, &g))
                    g.has_status = true;
                else if (!take(s, name_n, "Package", v, &g.package, &g) &&
                         !take(s, name_n, "Version", v, &g.version, &g) &&
                         !take(s, name_n, "Source", v, &g.source, &g))
                    take(s, name_n, "Architecture", v, &g.arch, &g);
            }
        }
        s = nl ? nl + 1 : end;
    }
    if (in_par)
        emit(&g, require_status, path, out);
    return 0;
}

static bool dpkg_wants(const char *path)
{
    if (strcmp(path, "/var/lib/dpkg/status") == 0)
        return true;
    static const char dir[] = "/var/lib/dpkg/status.d/";
    if (strncmp(path, dir, sizeof(dir) - 1) != 0)
        return false;
    const char *base = path + sizeof(dir) - 1;
    size_t n = strlen(base);
    /* one file per package; distroless also keeps "<pkg>.md5sums" there */
    if (!n || strchr(base, '/'))
        return false;
    return !(n > 8 && strcmp(base + n - 8, ".md5sums") == 0);
}

const ld_cataloger ld_cataloger_dpkg = {
    .name = "dpkg",
    .eco = LD_ECO_DEB,
    .max_bytes = 64u << 20, /* real databases are a few MiB */
    .wants = dpkg_wants,
    .parse = dpkg_parse,
};
