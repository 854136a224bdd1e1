/* Go binary cataloger: reads the build information the Go linker embeds in
 * every binary (the "\xff Go buildinf:" blob, in the ELF .go.buildinfo
 * section or found by an aligned scan) and reports the main module, each
 * dependency (with replacements applied) and the toolchain as "stdlib".
 * Both blob layouts are read: Go >= 1.18 inline varint-prefixed strings and
 * the older pointers to string headers, resolved through the ELF program
 * headers. Non-ELF files are skipped quickly (not an error). Not for Mach-O
 * or PE binaries, and not a symbol-table (pclntab) reader: binaries built
 * without module support report only their main package path and Go. */
#include <stdbool.h>
#include <string.h>

#include "sbom/catalogers_list.h"
#include "sbom/elf_probe.h"
#include "util/cleanup.h"
#include "util/elf_view.h"
#include "util/mem.h"

static const char bi_magic[14] = "\xff Go buildinf:";
#define BI_HDR 32
#define BI_FLAG_BIGENDIAN 0x1
#define BI_FLAG_INLINE 0x2
#define MAX_VERSION 256
#define MAX_MODINFO ((uint64_t)16 << 20)
#define MAX_DEPS 100000

/* Old layout: a pointer to a Go string header {data, len}, in the byte
 * order the build info flags give (the blob's, not necessarily the ELF's). */
static bool read_ptr_string(const ld_elf_view *e, const uint8_t *ptr, unsigned psz, bool be,
                            uint64_t max, const uint8_t **s, size_t *n)
{
    uint64_t hdr_va = ld_elf_load(ptr, psz, be), hdr_off, data_off;
    if (!ld_elf_vaddr(e, hdr_va, 2 * (uint64_t)psz, &hdr_off))
        return false;
    uint64_t data_va = ld_elf_read_order(e, hdr_off, psz, be);
    uint64_t len = ld_elf_read_order(e, hdr_off + psz, psz, be);
    if (len > max)
        return false;
    if (len == 0) {
        *s = e->data;
        *n = 0;
        return true;
    }
    if (!ld_elf_vaddr(e, data_va, len, &data_off))
        return false;
    *s = e->data + data_off;
    *n = (size_t)len;
    return true;
}

/* Go >= 1.18 layout: a uvarint length then the bytes. */
static bool read_varint_string(const uint8_t **p, const uint8_t *end, uint64_t max,
                               const uint8_t **s, size_t *n)
{
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
        if (*p >= end || shift > 63)
            return false;
        uint8_t b = *(*p)++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            break;
    }
    if (v > max || v > (uint64_t)(end - *p))
        return false;
    *s = *p;
    *n = (size_t)v;
    *p += v;
    return true;
}

/* Find the blob: the .go.buildinfo section, else a 16-byte aligned scan.
 * The scan (a pass over the whole file) runs only when the section table is
 * missing or unusable, or when other Go sections show a Go binary, so the
 * many non-Go ELF files in an image cost one section-table walk each. */
static const uint8_t *find_blob(const ld_elf_view *e)
{
    uint64_t off, size;
    int r = ld_elf_section(e, ".go.buildinfo", &off, &size);
    if (r == LD_ELF_SECTION_FOUND && size >= BI_HDR &&
        memcmp(e->data + off, bi_magic, sizeof bi_magic) == 0)
        return e->data + off;
    if (r == LD_ELF_SECTION_ABSENT &&
        ld_elf_section(e, ".note.go.buildid", &off, &size) != LD_ELF_SECTION_FOUND &&
        ld_elf_section(e, ".gopclntab", &off, &size) != LD_ELF_SECTION_FOUND)
        return NULL;
    const uint8_t *p = e->data, *end = e->data + e->len;
    while (p < end && (size_t)(end - p) >= BI_HDR) {
        const uint8_t *hit = memmem(p, (size_t)(end - p), bi_magic, sizeof bi_magic);
        if (!hit || (size_t)(end - hit) < BI_HDR)
            return NULL;
        if ((hit - e->data) % 16 == 0)
            return hit;
        p = hit + 1;
    }
    return NULL;
}

static void truncate_list(ld_package_list *l, size_t n)
{
    while (l->n > n)
        ld_package_clear(&l->items[--l->n]);
}

/* Module paths and versions are non-empty runs of visible ASCII or UTF-8
 * bytes: no NUL, space or control character. */
static bool printable_token(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c == 0x7f)
            return false;
    }
    return true;
}

static ld_package *add_module(ld_package_list *out, const char *path, const char *name,
                              size_t name_len, const char *version, size_t version_len)
{
    if (!printable_token(name, name_len)) /* a module needs a path: junk is not a package */
        return NULL;
    if (!printable_token(version, version_len))
        version_len = 0;
    ld_package *p = ld_package_list_add(out, LD_ECO_GO);
    p->name = ld_xstrndup(name, name_len);
    if (version_len && !(version_len == 7 && memcmp(version, "(devel)", 7) == 0))
        p->version = ld_xstrndup(version, version_len);
    p->found_in = ld_xstrdup(path);
    return p;
}

/* Module of a package path in a binary built without module information
 * (GOPATH mode, as Debian builds): hosting sites use host/owner/repo;
 * otherwise everything before a /cmd/ element. */
static size_t module_prefix(const char *pkg, size_t n)
{
    static const char *const hosts[] = {"github.com/", "gitlab.com/", "bitbucket.org/"};
    for (size_t i = 0; i < sizeof hosts / sizeof *hosts; i++) {
        size_t hl = strlen(hosts[i]);
        if (n > hl && memcmp(pkg, hosts[i], hl) == 0) {
            const char *owner_end = memchr(pkg + hl, '/', n - hl);
            if (!owner_end)
                return n;
            const char *repo_end = memchr(owner_end + 1, '/', n - (size_t)(owner_end + 1 - pkg));
            return repo_end ? (size_t)(repo_end - pkg) : n;
        }
    }
    const char *cmd = memmem(pkg, n, "/cmd/", 5);
    return cmd && cmd > pkg ? (size_t)(cmd - pkg) : n;
}

typedef struct {
    const char *f[4];
    size_t n[4];
    int count;
} tab_fields;

static void split_tabs(const char *line, size_t len, tab_fields *t)
{
    t->count = 0;
    const char *p = line, *end = line + len;
    while (t->count < 4) {
        const char *tab = memchr(p, '\t', (size_t)(end - p));
        const char *stop = tab ? tab : end;
        t->f[t->count] = p;
        t->n[t->count] = (size_t)(stop - p);
        t->count++;
        if (!tab)
            break;
        p = tab + 1;
    }
}

/* Parse the modinfo text (path/mod/dep/=> lines) into packages. */
static int parse_modinfo(const char *path, const char *mi, size_t len, ld_package_list *out,
                         ld_error *err)
{
    /* The text is wrapped in 16-byte sentinels (cmd/go's modinfo markers). */
    if (len >= 33 && mi[len - 17] == '\n') {
        mi += 16;
        len -= 32;
    }
    const char *pkg_path = NULL;
    size_t pkg_len = 0, deps = 0;
    bool have_mod = false;
    ld_package *last = NULL;
    const char *end = mi + len;
    for (const char *line = mi; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        size_t ll = nl ? (size_t)(nl - line) : (size_t)(end - line);
        tab_fields t;
        split_tabs(line, ll, &t);
        line += ll + 1;
        if (t.count < 2 || t.n[1] == 0)
            continue;
        const char *kw = t.f[0];
        size_t kn = t.n[0];
        if (kn == 4 && memcmp(kw, "path", 4) == 0) {
            pkg_path = t.f[1];
            pkg_len = t.n[1];
        } else if ((kn == 3 && memcmp(kw, "mod", 3) == 0) ||
                   (kn == 3 && memcmp(kw, "dep", 3) == 0)) {
            if (++deps > MAX_DEPS)
                return ld_error_set(err, LD_ERR_LIMIT, "%s: more than %d Go modules", path,
                                    MAX_DEPS);
            if (kw[0] == 'm')
                have_mod = true;
            last = add_module(out, path, t.f[1], t.n[1], t.count > 2 ? t.f[2] : "",
                              t.count > 2 ? t.n[2] : 0);
        } else if (kn == 2 && memcmp(kw, "=>", 2) == 0 && last &&
                   printable_token(t.f[1], t.n[1])) {
            /* The replacement is what was compiled in. A local directory
             * replacement has no version: keep the original's. */
            free(last->name);
            last->name = ld_xstrndup(t.f[1], t.n[1]);
            if (t.count > 2 && printable_token(t.f[2], t.n[2])) {
                free(last->version);
                last->version = ld_xstrndup(t.f[2], t.n[2]);
            }
            last = NULL;
        }
    }
    if (!have_mod && pkg_path &&
        !(pkg_len == 22 && memcmp(pkg_path, "command-line-arguments", 22) == 0))
        add_module(out, path, pkg_path, module_prefix(pkg_path, pkg_len), "", 0);
    return 0;
}

static int go_parse(const char *path, const uint8_t *data, size_t len, ld_package_list *out,
                    ld_error *err)
{
    ld_elf_view e;
    if (!ld_elf_open(&e, data, len))
        return 0; /* not an ELF file: nothing to report */
    const uint8_t *bi = find_blob(&e);
    if (!bi)
        return 0; /* not a Go binary */
    const uint8_t *end = data + len;
    uint8_t ptr_size = bi[14], flags = bi[15];
    const uint8_t *ver = NULL, *mi = NULL;
    size_t ver_n = 0, mi_n = 0;
    if (flags & BI_FLAG_INLINE) {
        const uint8_t *p = bi + BI_HDR;
        if (!read_varint_string(&p, end, MAX_VERSION, &ver, &ver_n) ||
            !read_varint_string(&p, end, MAX_MODINFO, &mi, &mi_n))
            return ld_error_set(err, LD_ERR_CORRUPT, "%s: Go build info strings out of bounds",
                                path);
    } else {
        if (ptr_size != 4 && ptr_size != 8)
            return ld_error_set(err, LD_ERR_CORRUPT, "%s: Go build info pointer size %u", path,
                                ptr_size);
        if ((size_t)(end - bi) < 16 + 2 * (size_t)ptr_size)
            return ld_error_set(err, LD_ERR_CORRUPT, "%s: Go build info truncated", path);
        bool be = flags & BI_FLAG_BIGENDIAN;
        if (!read_ptr_string(&e, bi + 16, ptr_size, be, MAX_VERSION, &ver, &ver_n) ||
            !read_ptr_string(&e, bi + 16 + ptr_size, ptr_size, be, MAX_MODINFO, &mi, &mi_n))
            return ld_error_set(err, LD_ERR_CORRUPT,
                                "%s: Go build info pointers do not resolve in the file", path);
    }
    size_t start = out->n;
    if (parse_modinfo(path, (const char *)mi, mi_n, out, err) < 0) {
        truncate_list(out, start);
        return err->code;
    }
    if (ver_n > 0)
        add_module(out, path, "stdlib", 6, (const char *)ver, ver_n);
    for (size_t i = start; i < out->n; i++)
        ld_package_set_purl(&out->items[i], NULL, NULL);
    return 0;
}

/* wants() sees only the path: take files in the usual executable
 * directories and files directly under / (distroless images put their one
 * binary there); parse() drops non-ELF files after reading 4 bytes. */
static bool go_wants(const char *path)
{
    if (ld_cataloger_in_exec_dir(path))
        return true;
    const char *slash = strrchr(path, '/');
    return slash == path && path[1] && !strchr(path + 1, '.');
}

/* go_parse finds nothing in a file that is not ELF, or whose sound section
 * table has no .go.buildinfo and neither of the sections that send
 * find_blob to its scan: that much is read from the header and the section
 * tables alone (a few KiB of a multi-MiB binary). */
static bool go_needs_content(const char *path, const ld_file_reader *r)
{
    (void)path;
    ld_elf_probe p;
    int elf = ld_elf_probe_open(&p, r);
    bool need = elf != 0;
    if (elf > 0 && ld_elf_probe_section(&p, ".go.buildinfo") == LD_ELF_SECTION_ABSENT) {
        /* the table was read whole, so these are answers, not "unknown" */
        need = ld_elf_probe_section(&p, ".note.go.buildid") == LD_ELF_SECTION_FOUND ||
               ld_elf_probe_section(&p, ".gopclntab") == LD_ELF_SECTION_FOUND;
    }
    ld_elf_probe_clear(&p);
    return need;
}

/* Every path go_wants takes is a guess: most executables are not Go. */
static bool go_speculative(const char *path)
{
    (void)path;
    return true;
}

const ld_cataloger ld_cataloger_go_buildinfo = {
    .name = "go-buildinfo",
    .eco = LD_ECO_GO,
    .max_bytes = (uint64_t)256 << 20,
    .wants = go_wants,
    .parse = go_parse,
    .needs_content = go_needs_content,
    .speculative = go_speculative,
};
