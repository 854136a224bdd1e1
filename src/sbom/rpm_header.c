/* rpm header blob parser (see rpm_header.h): extracts name, epoch, version,
 * release, arch, licence and source rpm from one header as stored in an rpm
 * database. Treats the blob as hostile: every index entry's offset, count
 * and string is checked against the data area before use. Not for .rpm
 * files and not for signature headers. */
#include "sbom/rpm_header.h"

#include <stdbool.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/mem.h"

enum {
    TAG_NAME = 1000,
    TAG_VERSION = 1001,
    TAG_RELEASE = 1002,
    TAG_EPOCH = 1003,
    TAG_LICENSE = 1014,
    TAG_ARCH = 1022,
    TAG_SOURCERPM = 1044,
};

enum {
    TYPE_INT32 = 4,
    TYPE_STRING = 6,
    TYPE_STRING_ARRAY = 8,
    TYPE_I18NSTRING = 9,
};

/* rpm refuses headers with more tags than this (hdrchkTags). */
#define MAX_INDEX_ENTRIES 0xffffu
/* Longest string field read (bounds the work per tag; real values are far
 * shorter, licence lists included). */
#define MAX_FIELD 65536

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

typedef struct {
    const char *name, *version, *release, *license, *arch, *sourcerpm;
    bool has_epoch;
    uint32_t epoch;
} rpm_fields;

/* The first NUL-terminated string at data[off..dl), or NULL if it does not
 * end inside the data area or is longer than MAX_FIELD. */
static const char *string_at(const uint8_t *data, uint32_t dl, uint32_t off)
{
    if (off >= dl)
        return NULL;
    size_t room = dl - off;
    const uint8_t *nul = memchr(data + off, '\0', room < MAX_FIELD + 1 ? room : MAX_FIELD + 1);
    return nul ? (const char *)(data + off) : NULL;
}

static const char **field_for(rpm_fields *f, uint32_t tag)
{
    switch (tag) {
    case TAG_NAME: return &f->name;
    case TAG_VERSION: return &f->version;
    case TAG_RELEASE: return &f->release;
    case TAG_LICENSE: return &f->license;
    case TAG_ARCH: return &f->arch;
    case TAG_SOURCERPM: return &f->sourcerpm;
    default: return NULL;
    }
}

/* Split "name-version-release.src.rpm" into source name and "version-release".
 * Leaves both NULL when the file name does not have that shape. */
static void split_sourcerpm(const char *srpm, char **name, char **verrel)
{
    size_t n = strlen(srpm);
    static const char *const suffixes[] = {".src.rpm", ".nosrc.rpm"};
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        size_t sl = strlen(suffixes[i]);
        if (n > sl && memcmp(srpm + n - sl, suffixes[i], sl) == 0) {
            n -= sl;
            break;
        }
    }
    const char *rel_dash = memrchr(srpm, '-', n);
    if (!rel_dash || rel_dash == srpm)
        return;
    const char *ver_dash = memrchr(srpm, '-', (size_t)(rel_dash - srpm));
    if (!ver_dash || ver_dash == srpm)
        return;
    *name = ld_xstrndup(srpm, (size_t)(ver_dash - srpm));
    *verrel = ld_xstrndup(ver_dash + 1, n - (size_t)(ver_dash - srpm) - 1);
}

int ld_rpm_header_parse(const char *path, const uint8_t *blob, size_t len, ld_package_list *out,
                        ld_error *err)
{
    if (len < 8)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: rpm header of %zu bytes is truncated", path,
                            len);
    if (len > LD_RPM_HEADER_MAX)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: rpm header of %zu bytes is too large", path,
                            len);
    uint32_t il = be32(blob), dl = be32(blob + 4);
    if (il == 0 || il > MAX_INDEX_ENTRIES)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: rpm header has %u index entries", path, il);
    uint64_t need = 8 + (uint64_t)il * 16 + dl;
    if (need > len)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "%s: rpm header needs %llu bytes but the record has %zu", path,
                            (unsigned long long)need, len);
    const uint8_t *index = blob + 8;
    const uint8_t *data = index + (size_t)il * 16;

    rpm_fields f = {0};
    for (uint32_t i = 0; i < il; i++) {
        const uint8_t *e = index + (size_t)i * 16;
        uint32_t tag = be32(e), type = be32(e + 4), off = be32(e + 8), count = be32(e + 12);
        if (tag == TAG_EPOCH) {
            if (f.has_epoch || type != TYPE_INT32 || count < 1 || off > dl || dl - off < 4)
                return ld_error_set(err, LD_ERR_CORRUPT, "%s: rpm header: bad EPOCH entry", path);
            f.epoch = be32(data + off);
            f.has_epoch = true;
            continue;
        }
        const char **slot = field_for(&f, tag);
        if (!slot)
            continue;
        /* Tags are unique in a header; refusing repeats also bounds the
         * string scans to one per wanted tag. */
        if (*slot)
            return ld_error_set(err, LD_ERR_CORRUPT, "%s: rpm header: tag %u repeated", path, tag);
        if (type != TYPE_STRING && type != TYPE_STRING_ARRAY && type != TYPE_I18NSTRING)
            return ld_error_set(err, LD_ERR_CORRUPT, "%s: rpm header: tag %u has type %u", path,
                                tag, type);
        if (count < 1)
            return ld_error_set(err, LD_ERR_CORRUPT, "%s: rpm header: tag %u has no value", path,
                                tag);
        const char *s = string_at(data, dl, off);
        if (!s)
            return ld_error_set(err, LD_ERR_CORRUPT,
                                "%s: rpm header: tag %u string at offset %u is out of bounds", path,
                                tag, off);
        *slot = s;
    }
    if (!f.name || !*f.name || !f.version || !f.release)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: rpm header lacks name, version or release",
                            path);
    /* Imported signing keys are stored as packages; they are not software. */
    if (strcmp(f.name, "gpg-pubkey") == 0)
        return 0;

    ld_package *p = ld_package_list_add(out, LD_ECO_RPM);
    p->name = ld_xstrdup(f.name);
    if (f.has_epoch)
        p->version = ld_xasprintf("%u:%s-%s", f.epoch, f.version, f.release);
    else
        p->version = ld_xasprintf("%s-%s", f.version, f.release);
    if (f.arch && *f.arch)
        p->arch = ld_xstrdup(f.arch);
    if (f.license && *f.license)
        ld_strlist_push(&p->licenses, f.license);
    if (f.sourcerpm && *f.sourcerpm) {
        ld_autofree char *verrel = NULL;
        split_sourcerpm(f.sourcerpm, &p->source_name, &verrel);
        ld_autofree char *plain = ld_xasprintf("%s-%s", f.version, f.release);
        if (verrel && strcmp(verrel, plain) != 0)
            p->source_version = ld_steal_ptr(&verrel);
    }
    p->found_in = ld_xstrdup(path);
    ld_package_set_purl(p, NULL, NULL);
    return 0;
}
