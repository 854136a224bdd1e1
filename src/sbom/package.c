/* The package model: list operations and package URLs (purl) built from a
 * package's fields per the purl specification (github.com/package-url/purl-spec,
 * "characters-and-encoding" and the per-type rules). Not for parsing purls:
 * lockdown only writes them. */
#include "sbom/package.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

ld_package *ld_package_list_add(ld_package_list *l, ld_ecosystem eco)
{
    ld_xgrow(&l->items, &l->cap, l->n + 1, sizeof(*l->items));
    ld_package *p = &l->items[l->n++];
    memset(p, 0, sizeof(*p));
    p->eco = eco;
    p->layer = -1;
    return p;
}

void ld_package_clear(ld_package *p)
{
    free(p->name);
    free(p->version);
    free(p->source_name);
    free(p->source_version);
    free(p->arch);
    free(p->group);
    free(p->purl);
    free(p->found_in);
    ld_strlist_clear(&p->licenses);
    memset(p, 0, sizeof(*p));
    p->layer = -1;
}

void ld_package_list_clear(ld_package_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        ld_package_clear(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = l->cap = 0;
}

static const char *const eco_names[LD_ECO_COUNT] = {
    [LD_ECO_DEB] = "deb",           [LD_ECO_APK] = "apk",     [LD_ECO_RPM] = "rpm",
    [LD_ECO_PYPI] = "pypi",         [LD_ECO_NPM] = "npm",     [LD_ECO_GO] = "go",
    [LD_ECO_MAVEN] = "maven",       [LD_ECO_CARGO] = "cargo", [LD_ECO_GEM] = "gem",
    [LD_ECO_COMPOSER] = "composer",
};

const char *ld_ecosystem_name(ld_ecosystem e)
{
    return (unsigned)e < LD_ECO_COUNT ? eco_names[e] : "unknown";
}

/* purl type per ecosystem (differs from our short name only for Go). */
static const char *purl_type(ld_ecosystem e)
{
    return e == LD_ECO_GO ? "golang" : ld_ecosystem_name(e);
}

/* ---- a small growable string for building one purl ------------------------ */

typedef struct {
    char *s;
    size_t n, cap;
} sbuf;

static void sb_putn(sbuf *b, const char *s, size_t n)
{
    ld_xgrow(&b->s, &b->cap, b->n + n + 1, 1);
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void sb_puts(sbuf *b, const char *s)
{
    sb_putn(b, s, strlen(s));
}

/* Appends s[0..n) percent-encoded: alphanumerics, ".-_~" and ':' stay as they
 * are (the spec forbids encoding them), every other octet becomes %XX. With
 * lower, ASCII letters are lowercased first (types whose names are
 * case-insensitive). */
static void sb_put_enc(sbuf *b, const char *s, size_t n, bool lower)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (lower && c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '.' || c == '-' || c == '_' || c == '~' || c == ':') {
            char ch = (char)c;
            sb_putn(b, &ch, 1);
        } else {
            char t[3] = {'%', hex[c >> 4], hex[c & 15]};
            sb_putn(b, t, 3);
        }
    }
}

/* Appends a '/'-separated path (namespace), each segment encoded, empty
 * segments dropped as the spec requires. */
static void sb_put_segments(sbuf *b, const char *s, size_t n, bool lower)
{
    size_t i = 0;
    bool first = true;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != '/')
            j++;
        if (j > i) {
            if (!first)
                sb_putn(b, "/", 1);
            sb_put_enc(b, s + i, j - i, lower);
            first = false;
        }
        i = j + 1;
    }
}

/* PyPI: lowercase, '_' becomes '-' (purl-spec PURL-TYPES "pypi"). */
static char *pypi_name(const char *name)
{
    char *s = ld_xstrdup(name);
    for (char *p = s; *p; p++) {
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
        else if (*p == '_')
            *p = '-';
    }
    return s;
}

typedef struct {
    const char *key;
    const char *value;
} qualifier;

static int cmp_qualifier(const void *a, const void *b)
{
    return strcmp(((const qualifier *)a)->key, ((const qualifier *)b)->key);
}

void ld_package_set_purl(ld_package *p, const char *distro_namespace, const char *distro_qualifier)
{
    free(p->purl);
    p->purl = NULL;
    if (!p->name || !p->name[0])
        return;

    sbuf b = {0};
    sb_puts(&b, "pkg:");
    sb_puts(&b, purl_type(p->eco));
    sb_puts(&b, "/");

    const char *name = p->name;
    const char *version = p->version;
    char *tmp_name = NULL;
    char *epoch = NULL;
    qualifier q[4];
    size_t nq = 0;
    bool lower_name = false;

    switch (p->eco) {
    case LD_ECO_DEB:
    case LD_ECO_APK:
    case LD_ECO_RPM: {
        /* Namespace is the distribution vendor; deb and apk names are
         * lowercase by rule, rpm names are case-sensitive. */
        const char *ns = distro_namespace;
        if (!ns)
            ns = p->eco == LD_ECO_DEB ? "debian" : p->eco == LD_ECO_APK ? "alpine" : NULL;
        if (ns) {
            sb_put_enc(&b, ns, strlen(ns), true);
            sb_puts(&b, "/");
        }
        lower_name = p->eco != LD_ECO_RPM;
        if (p->eco == LD_ECO_RPM && version) {
            /* rpm epoch goes to the "epoch" qualifier, not the version */
            const char *colon = strchr(version, ':');
            if (colon && colon > version &&
                strspn(version, "0123456789") == (size_t)(colon - version)) {
                epoch = ld_xstrndup(version, (size_t)(colon - version));
                version = colon + 1;
            }
        }
        if (p->arch && p->arch[0])
            q[nq++] = (qualifier){"arch", p->arch};
        if (distro_qualifier && distro_qualifier[0])
            q[nq++] = (qualifier){"distro", distro_qualifier};
        if (epoch && strcmp(epoch, "0") != 0)
            q[nq++] = (qualifier){"epoch", epoch};
        break;
    }
    case LD_ECO_PYPI: name = tmp_name = pypi_name(p->name); break;
    case LD_ECO_NPM:
    case LD_ECO_GO:
    case LD_ECO_COMPOSER: {
        /* "@scope/name", "github.com/a/b", "vendor/name": the part before the
         * last '/' is the namespace. npm and composer are lowercase by rule;
         * Go module paths are case-sensitive and are kept as written (the
         * spec's lowercasing would make them unresolvable). */
        const char *slash = strrchr(p->name, '/');
        bool lower = p->eco != LD_ECO_GO;
        if (slash && slash > p->name) {
            sb_put_segments(&b, p->name, (size_t)(slash - p->name), lower);
            sb_puts(&b, "/");
            name = slash + 1;
        }
        lower_name = lower;
        break;
    }
    case LD_ECO_MAVEN:
        if (p->group && p->group[0]) {
            sb_put_enc(&b, p->group, strlen(p->group), false);
            sb_puts(&b, "/");
        }
        break;
    case LD_ECO_CARGO:
    case LD_ECO_GEM:
    case LD_ECO_COUNT: break;
    }

    sb_put_enc(&b, name, strlen(name), lower_name);
    if (version && version[0]) {
        sb_puts(&b, "@");
        sb_put_enc(&b, version, strlen(version), false);
    }
    qsort(q, nq, sizeof(q[0]), cmp_qualifier);
    for (size_t i = 0; i < nq; i++) {
        sb_puts(&b, i ? "&" : "?");
        sb_puts(&b, q[i].key);
        sb_puts(&b, "=");
        sb_put_enc(&b, q[i].value, strlen(q[i].value), false);
    }
    free(tmp_name);
    free(epoch);
    p->purl = b.s;
}
