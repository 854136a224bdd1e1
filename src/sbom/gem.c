/* Ruby gem cataloger: installed gem specifications
 * (specifications/NAME-VERSION.gemspec, as rubygems and Debian's
 * rubygems-integration write them). A line parser, no Ruby: it reads the
 * `Gem::Specification.new do |s|` block variable, then `s.name = "x"`,
 * `s.version = "1.2.3"`, `s.license(s) = ...` assignments, with the
 * "# stub: NAME VERSION" header as a fallback. String forms "x", 'x',
 * %q<x> / %q{x} / %q(x) / %q[x], with or without .freeze. Not for Gemfile.lock or
 * gemspecs that compute their values. */
#include <stdbool.h>
#include <string.h>

#include "sbom/catalogers_list.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define MAX_VALUE 256
#define MAX_LICENSES 32

static bool gem_wants(const char *path)
{
    size_t n = strlen(path);
    return n > 8 && strcmp(path + n - 8, ".gemspec") == 0 && strstr(path, "/specifications/");
}

/* The Ruby string literal at *p (skipping blanks); advances *p past it.
 * NULL if there is none or it is unterminated / too long. */
static char *ruby_string(const char **p, const char *end)
{
    const char *s = *p;
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    char close;
    if (s < end && (*s == '"' || *s == '\'')) {
        close = *s++;
    } else if (end - s >= 3 && s[0] == '%' && (s[1] == 'q' || s[1] == 'Q')) {
        const char *opens = "<{([", *closes = ">})]";
        const char *o = strchr(opens, s[2]);
        if (!o || !s[2])
            return NULL;
        close = closes[o - opens];
        s += 3;
    } else {
        return NULL;
    }
    const char *q = memchr(s, close, (size_t)(end - s));
    if (!q || q - s > MAX_VALUE || memchr(s, '\\', (size_t)(q - s)))
        return NULL; /* escapes never appear in names, versions or licences */
    *p = q + 1;
    return ld_xstrndup(s, (size_t)(q - s));
}

/* If line is "VAR.attr = ..." return the position after '=', else NULL. */
static const char *assignment(const char *s, const char *end, const char *var, const char *attr)
{
    size_t vl = strlen(var), al = strlen(attr);
    if ((size_t)(end - s) < vl + 1 + al || memcmp(s, var, vl) != 0 || s[vl] != '.' ||
        memcmp(s + vl + 1, attr, al) != 0)
        return NULL;
    s += vl + 1 + al;
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    if (s >= end || *s != '=' || (s + 1 < end && s[1] == '='))
        return NULL;
    return s + 1;
}

static int gem_parse(const char *path, const uint8_t *data, size_t len, ld_package_list *out,
                     ld_error *err)
{
    const char *text = (const char *)data, *end = text + len;
    char var[32] = "s";
    ld_autofree char *name = NULL, *version = NULL, *stub_name = NULL, *stub_version = NULL;
    ld_strlist licenses = {0};
    for (const char *line = text; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *le = nl ? nl : end, *s = line;
        line = le + 1;
        while (s < le && (*s == ' ' || *s == '\t'))
            s++;
        if (le - s > 8 && memcmp(s, "# stub: ", 8) == 0 && !stub_name) {
            const char *a = s + 8, *b = memchr(a, ' ', (size_t)(le - a));
            if (b && b > a && b - a <= MAX_VALUE) {
                const char *c = memchr(b + 1, ' ', (size_t)(le - b - 1));
                const char *ve = c ? c : le;
                if (ve > b + 1 && ve - b - 1 <= MAX_VALUE) {
                    stub_name = ld_xstrndup(a, (size_t)(b - a));
                    stub_version = ld_xstrndup(b + 1, (size_t)(ve - b - 1));
                }
            }
            continue;
        }
        const char *spec = memmem(s, (size_t)(le - s), "Gem::Specification.new", 22);
        if (spec) {
            const char *bar = memchr(spec, '|', (size_t)(le - spec));
            const char *bar2 = bar ? memchr(bar + 1, '|', (size_t)(le - bar - 1)) : NULL;
            if (bar2 && bar2 - bar - 1 > 0 && (size_t)(bar2 - bar - 1) < sizeof var) {
                memcpy(var, bar + 1, (size_t)(bar2 - bar - 1));
                var[bar2 - bar - 1] = '\0';
            }
            continue;
        }
        const char *v;
        if ((v = assignment(s, le, var, "name")) && !name) {
            name = ruby_string(&v, le);
        } else if ((v = assignment(s, le, var, "version")) && !version) {
            /* "1.2.3" or Gem::Version.new("1.2.3") */
            const char *q = v;
            while (q < le && *q != '"' && *q != '\'' && *q != '%')
                q++;
            version = ruby_string(&q, le);
        } else if ((v = assignment(s, le, var, "licenses")) ||
                   (v = assignment(s, le, var, "license"))) {
            while (v < le && licenses.n < MAX_LICENSES) {
                while (v < le && *v != '"' && *v != '\'' && *v != '%')
                    v++;
                if (v >= le)
                    break;
                char *lic = ruby_string(&v, le);
                if (!lic)
                    break;
                if (*lic && !ld_strlist_contains(&licenses, lic))
                    ld_strlist_push_owned(&licenses, lic);
                else
                    free(lic);
            }
        }
    }
    if (!name) {
        name = ld_steal_ptr(&stub_name);
        if (!version)
            version = ld_steal_ptr(&stub_version);
    }
    if (!name || !*name || !version || !*version) {
        ld_strlist_clear(&licenses);
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: no gem name and version found", path);
    }
    ld_package *p = ld_package_list_add(out, LD_ECO_GEM);
    p->name = ld_steal_ptr(&name);
    p->version = ld_steal_ptr(&version);
    p->licenses = licenses;
    p->found_in = ld_xstrdup(path);
    ld_package_set_purl(p, NULL, NULL);
    return 0;
}

const ld_cataloger ld_cataloger_gem = {
    .name = "gem",
    .eco = LD_ECO_GEM,
    .max_bytes = (uint64_t)1 << 20,
    .wants = gem_wants,
    .parse = gem_parse,
};
