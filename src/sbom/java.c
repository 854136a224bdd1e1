/* Java archive cataloger (jar, war, ear and Spring Boot jars): reads the zip
 * from memory with libarchive and reports one Maven package per
 * META-INF/maven/<group>/<artifact>/pom.properties, falling back to the
 * main section of META-INF/MANIFEST.MF (Implementation-*, Bundle-*) when an
 * archive has no pom.properties. Archives nested inside (WEB-INF/lib,
 * BOOT-INF/lib, ear modules: any .jar, .war or .ear entry) are read the same
 * way, up to a nesting depth and decompressed byte budgets — one per file,
 * one shared by every archive of the image (cataloger.h) — so zip bombs,
 * archive recursion and many copies of one bomb stay bounded. Not for
 * pom.xml dependency resolution or class-file hashing. */
#include <archive.h>
#include <archive_entry.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "sbom/catalogers_list.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define MAX_DEPTH 4                     /* archives inside archives */
#define MAX_TOTAL ((uint64_t)512 << 20) /* decompressed bytes per top-level file */
#define MAX_NESTED ((size_t)128 << 20)  /* one nested archive */
#define MAX_META ((size_t)1 << 20)      /* a manifest or pom.properties */
#define MAX_ENTRIES 200000              /* entries per archive, all levels */

typedef struct {
    const char *path; /* the file in the image; also found_in */
    uint64_t budget;  /* decompressed bytes left for this file */
    ld_cataloger_budget *shared; /* the image's, for every archive; NULL: none */
    bool spent;       /* a budget ran out: the file is not read */
    size_t entries;   /* entries seen, all levels */
    ld_package_list *out;
} java_ctx;

static void free_archive(struct archive **a)
{
    if (*a)
        archive_read_free(*a);
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), sl = strlen(suffix);
    return n >= sl && strcasecmp(s + n - sl, suffix) == 0;
}

static bool java_wants(const char *path)
{
    /* one length and one look at the last four bytes: this runs for every
     * file of an image */
    size_t n = strlen(path);
    if (n < 4 || path[n - 4] != '.')
        return false;
    static const char *const exts[] = {"jar", "war", "ear", "jpi", "hpi"};
    for (size_t i = 0; i < sizeof exts / sizeof *exts; i++)
        if (strcasecmp(path + n - 3, exts[i]) == 0)
            return true;
    return false;
}

/* Read the current entry's data, at most cap bytes and within the budget.
 * Returns the buffer (caller frees, NUL-terminated) or NULL with err set
 * (LD_ERR_LIMIT past a cap, LD_ERR_CORRUPT on a bad stream). */
static uint8_t *read_entry(java_ctx *c, struct archive *a, const char *name, size_t cap,
                           size_t *len, ld_error *err)
{
    size_t n = 0, alloc = 4096;
    ld_autofree uint8_t *buf = ld_xmalloc(alloc + 1);
    for (;;) {
        if (n == alloc) {
            if (alloc >= cap) {
                ld_error_set(err, LD_ERR_LIMIT, "%s: %s is larger than %zu bytes", c->path, name,
                             cap);
                return NULL;
            }
            alloc = alloc * 2 > cap ? cap : alloc * 2;
            buf = ld_xrealloc(buf, alloc + 1);
        }
        la_ssize_t r = archive_read_data(a, buf + n, alloc - n);
        if (r < 0) {
            ld_error_set(err, LD_ERR_CORRUPT, "%s: %s: %s", c->path, name,
                         archive_error_string(a) ? archive_error_string(a) : "read error");
            return NULL;
        }
        if (r == 0)
            break;
        if ((uint64_t)r > c->budget) {
            c->budget = 0;
            c->spent = true;
            ld_error_set(err, LD_ERR_LIMIT, "%s: more than %llu decompressed bytes (zip bomb?)",
                         c->path, (unsigned long long)MAX_TOTAL);
            return NULL;
        }
        if (!ld_cataloger_budget_take(c->shared, (uint64_t)r)) {
            c->spent = true;
            ld_error_set(err, LD_ERR_LIMIT,
                         "%s: the archives of this image decompressed to more than %llu bytes "
                         "in all (zip bombs?); not read",
                         c->path, (unsigned long long)c->shared->inflate_total);
            return NULL;
        }
        c->budget -= (uint64_t)r;
        n += (size_t)r;
    }
    buf[n] = '\0';
    *len = n;
    return ld_steal_ptr(&buf);
}

/* Trimmed copy of [s, s+n). */
static char *trimmed(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    return ld_xstrndup(s, n);
}

/* pom.properties: key=value / key:value lines, # and ! comments. */
static void pom_properties(java_ctx *c, const char *text, size_t len)
{
    ld_autofree char *group = NULL, *artifact = NULL, *version = NULL;
    const char *end = text + len;
    for (const char *line = text; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        size_t ll = nl ? (size_t)(nl - line) : (size_t)(end - line);
        const char *cur = line;
        line += ll + 1;
        while (ll && (*cur == ' ' || *cur == '\t'))
            cur++, ll--;
        if (!ll || *cur == '#' || *cur == '!')
            continue;
        size_t k = strcspn(cur, "=:");
        if (k >= ll)
            continue;
        ld_autofree char *key = trimmed(cur, k);
        char **slot = strcmp(key, "groupId") == 0      ? &group
                      : strcmp(key, "artifactId") == 0 ? &artifact
                      : strcmp(key, "version") == 0    ? &version
                                                       : NULL;
        if (slot) {
            free(*slot);
            *slot = trimmed(cur + k + 1, ll - k - 1);
        }
    }
    if (!artifact || !*artifact)
        return;
    ld_package *p = ld_package_list_add(c->out, LD_ECO_MAVEN);
    p->name = ld_steal_ptr(&artifact);
    if (group && *group)
        p->group = ld_steal_ptr(&group);
    if (version && *version)
        p->version = ld_steal_ptr(&version);
    p->found_in = ld_xstrdup(c->path);
    ld_package_set_purl(p, NULL, NULL);
}

/* Value of attribute key in the manifest's main section, with continuation
 * lines (a leading space) joined; NULL if absent. Caller frees. */
static char *manifest_attr(const char *mf, size_t len, const char *key)
{
    size_t kl = strlen(key);
    const char *end = mf + len;
    for (const char *line = mf; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        size_t ll = nl ? (size_t)(nl - line) : (size_t)(end - line);
        if (ll && line[ll - 1] == '\r')
            ll--;
        if (ll == 0)
            return NULL; /* end of the main section */
        const char *next = nl ? nl + 1 : end;
        if (ll > kl && strncasecmp(line, key, kl) == 0 && line[kl] == ':') {
            /* One buffer as large as the rest of the manifest: joining is
             * linear however many continuation lines there are. */
            char *v = ld_xmalloc((size_t)(end - line) + 1);
            const char *first = line + kl + 1, *first_end = line + ll;
            while (first < first_end && *first == ' ')
                first++;
            size_t n = (size_t)(first_end - first);
            memcpy(v, first, n);
            while (next < end && *next == ' ') {
                const char *nl2 = memchr(next, '\n', (size_t)(end - next));
                size_t l2 = nl2 ? (size_t)(nl2 - next) : (size_t)(end - next);
                if (l2 && next[l2 - 1] == '\r')
                    l2--;
                if (l2 > 1) { /* always: the line starts with its space */
                    memcpy(v + n, next + 1, l2 - 1);
                    n += l2 - 1;
                }
                next = nl2 ? nl2 + 1 : end;
            }
            while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
                n--;
            v[n] = '\0';
            return v;
        }
        line = next;
    }
    return NULL;
}

/* Manifest fallback for an archive without pom.properties. */
static void manifest_package(java_ctx *c, const char *mf, size_t len, const char *archive_name)
{
    static const char *const name_keys[] = {"Implementation-Title", "Bundle-SymbolicName",
                                            "Specification-Title"};
    static const char *const version_keys[] = {"Implementation-Version", "Bundle-Version",
                                               "Specification-Version"};
    ld_autofree char *name = NULL, *version = NULL;
    for (size_t i = 0; i < 3 && !name; i++) {
        name = manifest_attr(mf, len, name_keys[i]);
        if (name) {
            name[strcspn(name, ";")] = '\0'; /* Bundle-SymbolicName directives */
            if (!*name) {
                free(name);
                name = NULL;
            }
        }
    }
    for (size_t i = 0; i < 3 && !version; i++)
        version = manifest_attr(mf, len, version_keys[i]);
    if (!version || !*version)
        return; /* a manifest without a version says nothing useful */
    if (!name) {
        const char *base = strrchr(archive_name, '/');
        base = base ? base + 1 : archive_name;
        size_t bl = strlen(base);
        name = ld_xstrndup(base, bl > 4 ? bl - 4 : bl);
    }
    ld_package *p = ld_package_list_add(c->out, LD_ECO_MAVEN);
    p->name = ld_steal_ptr(&name);
    p->version = ld_steal_ptr(&version);
    p->group = manifest_attr(mf, len, "Implementation-Vendor-Id");
    p->found_in = ld_xstrdup(c->path);
    ld_package_set_purl(p, NULL, NULL);
}

static bool is_pom_properties(const char *name)
{
    /* META-INF/maven/<group>/<artifact>/pom.properties */
    if (strncmp(name, "META-INF/maven/", 15) != 0 || !has_suffix(name, "/pom.properties"))
        return false;
    int slashes = 0;
    for (const char *p = name + 15; *p; p++)
        slashes += *p == '/';
    return slashes == 2;
}

static int scan_archive(java_ctx *c, const uint8_t *data, size_t len, const char *name, int depth,
                        ld_error *err)
{
    __attribute__((cleanup(free_archive))) struct archive *a = archive_read_new();
    if (!a)
        return ld_error_set(err, LD_ERR_NOMEM, "%s: out of memory", c->path);
    archive_read_support_format_zip(a);
    if (archive_read_open_memory(a, data, len) != ARCHIVE_OK)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: %s: not a zip archive: %s", c->path, name,
                            archive_error_string(a) ? archive_error_string(a) : "?");
    ld_autofree uint8_t *manifest = NULL;
    size_t manifest_len = 0, poms = 0;
    struct archive_entry *e;
    int r;
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
        if (++c->entries > MAX_ENTRIES)
            return ld_error_set(err, LD_ERR_LIMIT, "%s: more than %d archive entries", c->path,
                                MAX_ENTRIES);
        const char *en = archive_entry_pathname(e);
        if (!en || archive_entry_filetype(e) != AE_IFREG)
            continue;
        bool pom = is_pom_properties(en);
        bool mf = strcmp(en, "META-INF/MANIFEST.MF") == 0;
        bool nested = has_suffix(en, ".jar") || has_suffix(en, ".war") || has_suffix(en, ".ear");
        if (!pom && !mf && !(nested && depth < MAX_DEPTH))
            continue;
        size_t n = 0;
        ld_autofree uint8_t *buf =
            read_entry(c, a, en, nested && !pom && !mf ? MAX_NESTED : MAX_META, &n, err);
        if (!buf) {
            if (c->spent)
                return err->code; /* the file's or the image's budget is spent */
            /* too large for its kind, encrypted or bad data: skip the member */
            ld_error_clear(err);
            continue;
        }
        if (pom) {
            pom_properties(c, (const char *)buf, n);
            poms++;
        } else if (mf) {
            free(manifest);
            manifest = ld_steal_ptr(&buf);
            manifest_len = n;
        } else {
            size_t before = c->out->n;
            if (scan_archive(c, buf, n, en, depth + 1, err) < 0) {
                if (err->code == LD_ERR_LIMIT)
                    return err->code;
                /* a corrupt nested archive does not spoil the outer one */
                while (c->out->n > before)
                    ld_package_clear(&c->out->items[--c->out->n]);
                ld_error_clear(err);
            }
        }
    }
    if (r != ARCHIVE_EOF)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: %s: %s", c->path, name,
                            archive_error_string(a) ? archive_error_string(a) : "bad zip");
    if (poms == 0 && manifest)
        manifest_package(c, (const char *)manifest, manifest_len, name);
    return 0;
}

static int java_parse_budgeted(const char *path, const uint8_t *data, size_t len,
                               ld_cataloger_budget *shared, ld_package_list *out, ld_error *err)
{
    if (len < 4 || memcmp(data, "PK", 2) != 0)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: not a zip archive", path);
    java_ctx c = {.path = path, .budget = MAX_TOTAL, .shared = shared, .out = out};
    size_t start = out->n;
    if (scan_archive(&c, data, len, path, 0, err) < 0) {
        while (out->n > start)
            ld_package_clear(&out->items[--out->n]);
        return err->code;
    }
    return 0;
}

static int java_parse(const char *path, const uint8_t *data, size_t len, ld_package_list *out,
                      ld_error *err)
{
    return java_parse_budgeted(path, data, len, NULL, out, err);
}

const ld_cataloger ld_cataloger_java = {
    .name = "java",
    .eco = LD_ECO_MAVEN,
    .max_bytes = (uint64_t)512 << 20,
    .wants = java_wants,
    .parse = java_parse,
    .parse_budgeted = java_parse_budgeted,
};
