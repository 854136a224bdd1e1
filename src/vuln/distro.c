/* Package ecosystem -> vulnerability-database ecosystem names (see distro.h). */
#include "vuln/distro.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

static const struct {
    const char *version;
    const char *codename;
} debian_releases[] = {
    {"7", "wheezy"},   {"8", "jessie"},    {"9", "stretch"}, {"10", "buster"},
    {"11", "bullseye"}, {"12", "bookworm"}, {"13", "trixie"}, {"14", "forky"},
};

const char *ld_debian_codename(const char *version_id)
{
    if (!version_id)
        return NULL;
    size_t len = strcspn(version_id, ".");
    for (size_t i = 0; i < sizeof debian_releases / sizeof debian_releases[0]; i++)
        if (strlen(debian_releases[i].version) == len &&
            strncmp(debian_releases[i].version, version_id, len) == 0)
            return debian_releases[i].codename;
    return NULL;
}

char *ld_pep503_normalize(const char *name)
{
    if (!name)
        return NULL;
    size_t len = strlen(name);
    char *out = ld_xmalloc(len + 1);
    size_t o = 0;
    bool sep = false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (c == '-' || c == '_' || c == '.') {
            sep = true;
            continue;
        }
        if (sep && o > 0)
            out[o++] = '-';
        sep = false;
        out[o++] = (char)tolower((unsigned char)c);
    }
    out[o] = '\0';
    return out;
}

char *ld_distro_lookup_name(const ld_package *p)
{
    switch (p->eco) {
    case LD_ECO_DEB:
    case LD_ECO_APK:
    case LD_ECO_RPM:
        return ld_xstrdup(p->source_name && p->source_name[0] ? p->source_name : p->name);
    case LD_ECO_PYPI: return ld_pep503_normalize(p->name);
    case LD_ECO_MAVEN:
        if (p->group && p->group[0] && !strchr(p->name, ':'))
            return ld_xasprintf("%s:%s", p->group, p->name);
        return ld_xstrdup(p->name);
    default: return ld_xstrdup(p->name);
    }
}

/* "3.19.1" -> "3.19": the first two dot-separated parts, digits only. */
static bool major_minor(const char *v, char *buf, size_t cap)
{
    size_t i = 0, dots = 0;
    for (; v[i] && i + 1 < cap; i++) {
        if (v[i] == '.') {
            if (++dots == 2)
                break;
        } else if (!isdigit((unsigned char)v[i])) {
            return false;
        }
        buf[i] = v[i];
    }
    if (i + 1 >= cap && v[i] && v[i] != '.')
        return false;
    buf[i] = '\0';
    return i > 0 && dots >= 1 && buf[i - 1] != '.';
}

static bool major_only(const char *v, char *buf, size_t cap)
{
    size_t i = 0;
    for (; isdigit((unsigned char)v[i]) && i + 1 < cap; i++)
        buf[i] = v[i];
    buf[i] = '\0';
    return i > 0;
}

static int language(ld_ecosystem eco, char **out, size_t *n, char **release, ld_error *err)
{
    const char *name = NULL;
    switch (eco) {
    case LD_ECO_NPM: name = "npm"; break;
    case LD_ECO_PYPI: name = "PyPI"; break;
    case LD_ECO_GO: name = "Go"; break;
    case LD_ECO_MAVEN: name = "Maven"; break;
    case LD_ECO_CARGO: name = "crates.io"; break;
    case LD_ECO_GEM: name = "RubyGems"; break;
    case LD_ECO_COMPOSER: name = "Packagist"; break;
    default:
        return ld_error_set(err, LD_ERR_UNSUPPORTED, "ecosystem %s has no vulnerability feed",
                            ld_ecosystem_name(eco));
    }
    out[(*n)++] = ld_xstrdup(name);
    if (release)
        *release = ld_xstrdup(name);
    return 0;
}

int ld_distro_ecosystems(ld_ecosystem eco, const char *os_id, const char *os_version_id,
                         const char *os_codename, char **out, size_t *n, char **release,
                         ld_error *err)
{
    *n = 0;
    if (release)
        *release = NULL;
    if (eco != LD_ECO_DEB && eco != LD_ECO_APK && eco != LD_ECO_RPM)
        return language(eco, out, n, release, err);
    if (!os_id || !os_id[0])
        return ld_error_set(err, LD_ERR_UNSUPPORTED,
                            "%s packages but no os-release in the image: distribution unknown",
                            ld_ecosystem_name(eco));
    char buf[64];
    const char *vid = os_version_id ? os_version_id : "";
    if (eco == LD_ECO_DEB && strcmp(os_id, "debian") == 0) {
        const char *code = ld_debian_codename(vid);
        if (!code && os_codename && os_codename[0])
            code = os_codename;
        if (!major_only(vid, buf, sizeof buf)) {
            /* testing/sid carry no VERSION_ID: the codename names the release */
            const char *num = NULL;
            for (size_t i = 0; code && i < sizeof debian_releases / sizeof debian_releases[0]; i++)
                if (strcmp(debian_releases[i].codename, code) == 0)
                    num = debian_releases[i].version;
            if (!num)
                return ld_error_set(err, LD_ERR_UNSUPPORTED,
                                    "debian without a known VERSION_ID or VERSION_CODENAME");
            snprintf(buf, sizeof buf, "%s", num);
        }
        out[(*n)++] = ld_xasprintf("Debian:%s", buf);
        if (release)
            *release = ld_xstrdup(code ? code : buf);
        return 0;
    }
    if (eco == LD_ECO_DEB && strcmp(os_id, "ubuntu") == 0) {
        if (!major_minor(vid, buf, sizeof buf))
            return ld_error_set(err, LD_ERR_UNSUPPORTED, "ubuntu with VERSION_ID \"%s\"", vid);
        out[(*n)++] = ld_xasprintf("Ubuntu:%s", buf);
        /* LTS releases: even year, April (OSV names them "Ubuntu:22.04:LTS") */
        int year = (int)strtol(buf, NULL, 10);
        if (year % 2 == 0 && strcmp(strchr(buf, '.'), ".04") == 0)
            out[(*n)++] = ld_xasprintf("Ubuntu:%s:LTS", buf);
        if (release)
            *release = ld_xstrdup(buf);
        return 0;
    }
    if (eco == LD_ECO_APK && strcmp(os_id, "alpine") == 0) {
        if (!major_minor(vid, buf, sizeof buf))
            return ld_error_set(err, LD_ERR_UNSUPPORTED, "alpine with VERSION_ID \"%s\"", vid);
        out[(*n)++] = ld_xasprintf("Alpine:v%s", buf);
        if (release)
            *release = ld_xasprintf("v%s", buf);
        return 0;
    }
    if (eco == LD_ECO_RPM && (strcmp(os_id, "rocky") == 0 || strcmp(os_id, "almalinux") == 0)) {
        if (!major_only(vid, buf, sizeof buf))
            return ld_error_set(err, LD_ERR_UNSUPPORTED, "%s with VERSION_ID \"%s\"", os_id, vid);
        out[(*n)++] = ld_xasprintf("%s:%s", os_id[0] == 'r' ? "Rocky Linux" : "AlmaLinux", buf);
        if (release)
            *release = ld_xstrdup(buf);
        return 0;
    }
    return ld_error_set(err, LD_ERR_UNSUPPORTED,
                        "%s packages of distribution %s %s: no vulnerability feed for it",
                        ld_ecosystem_name(eco), os_id, vid);
}
