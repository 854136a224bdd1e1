/* apk cataloger: Alpine's installed database /lib/apk/db/installed (the
 * "Apk spec", wiki.alpinelinux.org: one record per package, "X:value" lines,
 * records separated by a blank line). Reads P: name, V: version, A: arch,
 * o: origin (the source package), L: licence (an SPDX expression or a
 * space-separated list, kept as written). Not for APKINDEX or .apk files. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sbom/catalogers_list.h"
#include "util/mem.h"

#define APK_FIELD_MAX 4096 /* longer P/V/A/o/L value: record skipped */

typedef struct {
    const char *p;
    size_t n;
} span;

typedef struct {
    span name, version, arch, origin, license;
    bool too_long;
} record;

/* A NUL inside a value is not text; such a record is skipped. */
static bool has_nul(span s)
{
    return s.n && memchr(s.p, '\0', s.n) != NULL;
}

static void emit(const record *r, const char *path, ld_package_list *out)
{
    if (r->too_long || !r->name.n || !r->version.n || has_nul(r->name) || has_nul(r->version) ||
        has_nul(r->arch) || has_nul(r->origin) || has_nul(r->license))
        return;
    ld_package *p = ld_package_list_add(out, LD_ECO_APK);
    p->name = ld_xstrndup(r->name.p, r->name.n);
    p->version = ld_xstrndup(r->version.p, r->version.n);
    if (r->arch.n)
        p->arch = ld_xstrndup(r->arch.p, r->arch.n);
    if (r->origin.n)
        p->source_name = ld_xstrndup(r->origin.p, r->origin.n);
    if (r->license.n)
        ld_strlist_push_owned(&p->licenses, ld_xstrndup(r->license.p, r->license.n));
    p->found_in = ld_xstrdup(path);
    ld_package_set_purl(p, NULL, NULL);
}

static int apk_parse(const char *path, const uint8_t *data, size_t len, ld_package_list *out,
                     ld_error *err)
{
    (void)err;
    const char *s = (const char *)data, *end = s + len;
    record r;
    memset(&r, 0, sizeof(r));
    bool in_rec = false;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *le = nl ? nl : end;
        size_t n = (size_t)(le - s);
        if (n && s[n - 1] == '\r')
            n--;
        if (n == 0) {
            if (in_rec)
                emit(&r, path, out);
            memset(&r, 0, sizeof(r));
            in_rec = false;
        } else if (n >= 2 && s[1] == ':') {
            in_rec = true;
            span v = {s + 2, n - 2};
            span *dst = NULL;
            switch (s[0]) {
            case 'P': dst = &r.name; break;
            case 'V': dst = &r.version; break;
            case 'A': dst = &r.arch; break;
            case 'o': dst = &r.origin; break;
            case 'L': dst = &r.license; break;
            default: break; /* C: checksum, F:/R: files, T: description, ... */
            }
            if (dst) {
                if (v.n > APK_FIELD_MAX)
                    r.too_long = true;
                *dst = v;
            }
        }
        /* any other line is not apk syntax: ignored */
        s = nl ? nl + 1 : end;
    }
    if (in_rec)
        emit(&r, path, out);
    return 0;
}

static bool apk_wants(const char *path)
{
    return strcmp(path, "/lib/apk/db/installed") == 0;
}

const ld_cataloger ld_cataloger_apk = {
    .name = "apk",
    .eco = LD_ECO_APK,
    .max_bytes = 64u << 20, /* real databases are a few MiB */
    .wants = apk_wants,
    .parse = apk_parse,
};
