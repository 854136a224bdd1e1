/* Python cataloger: installed distributions, read from their core metadata
 * (packaging.python.org "Core metadata specifications"): *.dist-info/METADATA
 * (wheels, pip), *.egg-info/PKG-INFO (setuptools, Debian's python3-*
 * packages) and the single-file form "<name>.egg-info". The header block is
 * RFC 822 style: "Field: value", continuation lines start with a blank, the
 * block ends at the first empty line (the description body follows).
 *
 * Licences, first that is present: License-Expression (metadata 2.4), a
 * short one-line License field (often it holds the whole licence text or
 * "UNKNOWN", which is not an identifier), else every "License ::" trove
 * classifier's last part ("MIT License"). Not for requirements files, wheels
 * or sdists (not installed). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sbom/catalogers_list.h"
#include "util/mem.h"

#define PY_FIELD_MAX 4096     /* longer Name/Version: file skipped */
#define PY_LICENSE_SHORT 128  /* a License field longer than this is licence text */
#define PY_MAX_CLASSIFIERS 64 /* licence classifiers kept per package */

typedef struct {
    const char *p;
    size_t n;
} span;

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

static bool field_is(const char *name, size_t n, const char *field)
{
    size_t fl = strlen(field);
    return n == fl && strncasecmp(name, field, fl) == 0;
}

static bool span_eq(span s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n == n && strncasecmp(s.p, lit, n) == 0;
}

static int python_parse(const char *path, const uint8_t *data, size_t len, ld_package_list *out,
                        ld_error *err)
{
    (void)err;
    const char *s = (const char *)data, *end = s + len;
    span name = {0}, version = {0}, expr = {0}, lic = {0};
    bool lic_multiline = false, last_was_license = false;
    span classifiers[PY_MAX_CLASSIFIERS];
    size_t n_class = 0;

    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *le = nl ? nl : end;
        size_t n = (size_t)(le - s);
        if (trim(s, n).n == 0 && !(n && is_blank(*s)))
            break; /* end of the header block */
        if (is_blank(*s)) {
            /* continuation: only License can span lines; mark it as text */
            if (last_was_license && trim(s, n).n)
                lic_multiline = true;
        } else {
            last_was_license = false;
            const char *colon = memchr(s, ':', n);
            if (colon && colon > s) {
                size_t fn = (size_t)(colon - s);
                span v = trim(colon + 1, (size_t)(le - colon - 1));
                if (field_is(s, fn, "Name")) {
                    name = v;
                } else if (field_is(s, fn, "Version")) {
                    version = v;
                } else if (field_is(s, fn, "License-Expression")) {
                    expr = v;
                } else if (field_is(s, fn, "License")) {
                    lic = v;
                    last_was_license = true;
                } else if (field_is(s, fn, "Classifier")) {
                    static const char pre[] = "License ::";
                    if (v.n > sizeof(pre) - 1 && strncmp(v.p, pre, sizeof(pre) - 1) == 0 &&
                        n_class < PY_MAX_CLASSIFIERS)
                        classifiers[n_class++] = v;
                }
            }
        }
        s = nl ? nl + 1 : end;
    }

    if (!name.n || !version.n || name.n > PY_FIELD_MAX || version.n > PY_FIELD_MAX ||
        memchr(name.p, '\0', name.n) || memchr(version.p, '\0', version.n))
        return 0;
    if (expr.n && memchr(expr.p, '\0', expr.n))
        expr.n = 0;
    if (lic.n && memchr(lic.p, '\0', lic.n))
        lic.n = 0;
    ld_package *p = ld_package_list_add(out, LD_ECO_PYPI);
    p->name = ld_xstrndup(name.p, name.n);
    p->version = ld_xstrndup(version.p, version.n);
    if (expr.n && expr.n <= PY_FIELD_MAX) {
        ld_strlist_push_owned(&p->licenses, ld_xstrndup(expr.p, expr.n));
    } else if (lic.n && lic.n <= PY_LICENSE_SHORT && !lic_multiline && !span_eq(lic, "UNKNOWN") &&
               !span_eq(lic, "LICENSE") && !span_eq(lic, "LICENSE.txt")) {
        ld_strlist_push_owned(&p->licenses, ld_xstrndup(lic.p, lic.n));
    } else {
        for (size_t i = 0; i < n_class; i++) {
            /* "License :: OSI Approved :: MIT License" -> "MIT License" */
            span v = classifiers[i];
            const char *last = v.p;
            for (size_t k = 0; k + 1 < v.n; k++)
                if (v.p[k] == ':' && v.p[k + 1] == ':')
                    last = v.p + k + 2;
            span t = trim(last, (size_t)(v.p + v.n - last));
            if (!t.n || t.n > PY_FIELD_MAX || span_eq(t, "OSI Approved") || memchr(t.p, '\0', t.n))
                continue;
            char *l = ld_xstrndup(t.p, t.n);
            if (ld_strlist_contains(&p->licenses, l))
                free(l);
            else
                ld_strlist_push_owned(&p->licenses, l);
        }
    }
    p->found_in = ld_xstrdup(path);
    ld_package_set_purl(p, NULL, NULL);
    return 0;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static bool python_wants(const char *path)
{
    size_t n = strlen(path);
    /* the base name before the suffix must not be empty ("/x/.dist-info") */
    return (ends_with(path, n, ".dist-info/METADATA") &&
            !ends_with(path, n, "/.dist-info/METADATA")) ||
           (ends_with(path, n, ".egg-info/PKG-INFO") &&
            !ends_with(path, n, "/.egg-info/PKG-INFO")) ||
           (ends_with(path, n, ".egg-info") && !ends_with(path, n, "/.egg-info"));
}

const ld_cataloger ld_cataloger_python = {
    .name = "python",
    .eco = LD_ECO_PYPI,
    .max_bytes = 8u << 20,
    .wants = python_wants,
    .parse = python_parse,
};
