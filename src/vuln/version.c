/* Version comparison front end: scheme names, OSV ecosystem names, the
 * length limit, error messages, and the helpers the per-scheme files share
 * (version_<scheme>.c hold the algorithms). Not a range matcher. */
#include <string.h>

#include "vuln/version.h"
#include "vuln/version_internal.h"

static const struct {
    const char *name;
    ld_ver_cmp_fn cmp;
} schemes[LD_VER_COUNT] = {
    [LD_VER_DEB] = {"deb", ld_ver_cmp_deb},
    [LD_VER_APK] = {"apk", ld_ver_cmp_apk},
    [LD_VER_RPM] = {"rpm", ld_ver_cmp_rpm},
    [LD_VER_PYPI] = {"pypi", ld_ver_cmp_pypi},
    [LD_VER_NPM] = {"npm", ld_ver_cmp_npm},
    [LD_VER_SEMVER] = {"semver", ld_ver_cmp_semver},
    [LD_VER_MAVEN] = {"maven", ld_ver_cmp_maven},
    [LD_VER_GO] = {"go", ld_ver_cmp_go},
    [LD_VER_GEM] = {"gem", ld_ver_cmp_gem},
    [LD_VER_NUGET] = {"nuget", ld_ver_cmp_nuget},
    [LD_VER_COMPOSER] = {"composer", ld_ver_cmp_composer},
};

static const struct {
    const char *ecosystem;
    ld_version_scheme scheme;
} ecosystems[] = {
    {"Debian", LD_VER_DEB},
    {"Ubuntu", LD_VER_DEB},
    {"Alpine", LD_VER_APK},
    {"PyPI", LD_VER_PYPI},
    {"npm", LD_VER_NPM},
    {"Go", LD_VER_GO},
    {"crates.io", LD_VER_SEMVER},
    {"Maven", LD_VER_MAVEN},
    {"RubyGems", LD_VER_GEM},
    {"NuGet", LD_VER_NUGET},
    {"Packagist", LD_VER_COMPOSER},
    {"Red Hat", LD_VER_RPM},
    {"Rocky Linux", LD_VER_RPM},
    {"AlmaLinux", LD_VER_RPM},
    {"SUSE", LD_VER_RPM},
    {"openSUSE", LD_VER_RPM},
    {"Mageia", LD_VER_RPM},
    {"openEuler", LD_VER_RPM},
};

int ld_version_scheme_parse(const char *name, ld_version_scheme *out)
{
    if (!name)
        return LD_ERR_NOT_FOUND;
    for (int i = 0; i < LD_VER_COUNT; i++)
        if (strcmp(schemes[i].name, name) == 0) {
            *out = (ld_version_scheme)i;
            return 0;
        }
    return LD_ERR_NOT_FOUND;
}

int ld_version_scheme_for_ecosystem(const char *ecosystem, ld_version_scheme *out)
{
    if (!ecosystem)
        return LD_ERR_NOT_FOUND;
    size_t n = strcspn(ecosystem, ":");
    for (size_t i = 0; i < sizeof ecosystems / sizeof ecosystems[0]; i++)
        if (strlen(ecosystems[i].ecosystem) == n &&
            memcmp(ecosystems[i].ecosystem, ecosystem, n) == 0) {
            *out = ecosystems[i].scheme;
            return 0;
        }
    return ld_version_scheme_parse(ecosystem, out);
}

const char *ld_version_scheme_name(ld_version_scheme s)
{
    if ((int)s < 0 || s >= LD_VER_COUNT)
        return "?";
    return schemes[s].name;
}

/* Copies at most 64 bytes of v into a printable form for messages. */
static void quote_version(const char *v, char *buf, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; v[i] && o + 5 < cap; i++) {
        unsigned char c = (unsigned char)v[i];
        if (i == 64) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
            static const char hex[] = "0123456789abcdef";
            buf[o++] = '\\';
            buf[o++] = 'x';
            buf[o++] = hex[c >> 4];
            buf[o++] = hex[c & 15];
        } else {
            buf[o++] = (char)c;
        }
    }
    buf[o] = '\0';
}

static int check_length(ld_version_scheme s, const char *v, ld_error *err)
{
    if (strnlen(v, LD_VERSION_MAX + 1) <= LD_VERSION_MAX)
        return 0;
    char q[300];
    quote_version(v, q, sizeof q);
    return ld_error_set(err, LD_ERR_LIMIT, "%s version \"%s\" is longer than %d bytes",
                        schemes[s].name, q, LD_VERSION_MAX);
}

int ld_version_compare(ld_version_scheme s, const char *a, const char *b, int *result,
                       ld_error *err)
{
    ld_error scratch;
    if (!err)
        err = &scratch;
    if ((int)s < 0 || s >= LD_VER_COUNT)
        return ld_error_set(err, LD_ERR_INVALID, "unknown version scheme %d", (int)s);
    if (!a || !b)
        return ld_error_set(err, LD_ERR_INVALID, "missing %s version", schemes[s].name);
    int rc = check_length(s, a, err);
    if (rc == 0)
        rc = check_length(s, b, err);
    if (rc < 0)
        return rc;
    const char *bad = NULL, *why = NULL;
    int r = 0;
    rc = schemes[s].cmp(a, b, &r, &bad, &why);
    if (rc < 0) {
        char q[300];
        quote_version(bad ? bad : "", q, sizeof q);
        return ld_error_set(err, LD_ERR_INVALID, "invalid %s version \"%s\"%s%s", schemes[s].name,
                            q, why ? ": " : "", why ? why : "");
    }
    *result = ld_ver_sign(r);
    return 0;
}

int ld_version_validate(ld_version_scheme s, const char *v, ld_error *err)
{
    int r;
    return ld_version_compare(s, v, v, &r, err);
}

int ld_ver_numcmp(const char *a, size_t alen, const char *b, size_t blen)
{
    while (alen > 0 && *a == '0')
        a++, alen--;
    while (blen > 0 && *b == '0')
        b++, blen--;
    if (alen != blen)
        return alen < blen ? -1 : 1;
    int c = alen ? memcmp(a, b, alen) : 0;
    return ld_ver_sign(c);
}

int ld_ver_bytecmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c)
        return ld_ver_sign(c);
    return (alen > blen) - (alen < blen);
}

int ld_ver_bytecasecmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)ld_ver_tolower(a[i]);
        unsigned char y = (unsigned char)ld_ver_tolower(b[i]);
        if (x != y)
            return x < y ? -1 : 1;
    }
    return (alen > blen) - (alen < blen);
}
