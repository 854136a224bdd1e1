/* Rust cataloger: Cargo.lock files ([[package]] tables: name, version,
 * source) read with a small purpose-built TOML subset parser, and binaries
 * built with cargo-auditable, whose ELF section .dep-v0 holds
 * zlib-compressed JSON {"packages":[{"name","version","source","kind",..}]}.
 * Build-time dependencies (kind "build") are not in the binary and are not
 * reported. The inflated JSON is bounded three ways: 16 MiB per binary, the
 * image's decompression budget (cataloger.h), and a count of its values
 * before jansson builds it (util/json_budget.h). Not a general TOML parser:
 * anything outside [[package]] tables and multi-line arrays inside them is
 * skipped. */
#include <jansson.h>
#include <stdbool.h>
#include <string.h>
#include <zlib.h>

#include "sbom/catalogers_list.h"
#include "sbom/elf_probe.h"
#include "util/cleanup.h"
#include "util/elf_view.h"
#include "util/json_budget.h"
#include "util/mem.h"

#define MAX_PACKAGES 100000
#define MAX_AUDIT_JSON ((size_t)16 << 20) /* inflated .dep-v0 */
#define MAX_VALUE 1024

static void truncate_list(ld_package_list *l, size_t n)
{
    while (l->n > n)
        ld_package_clear(&l->items[--l->n]);
}

/* --- Cargo.lock -------------------------------------------------------- */

typedef struct {
    char *name, *version, *source;
} lock_pkg;

static void lock_pkg_clear(lock_pkg *p)
{
    free(p->name);
    free(p->version);
    free(p->source);
    *p = (lock_pkg){0};
}

static void add_package(ld_package_list *out, const char *path, char *name, char *version,
                        const char *source)
{
    ld_package *p = ld_package_list_add(out, LD_ECO_CARGO);
    p->name = name;
    p->version = version;
    (void)source; /* crates.io or git: the purl type is the same; kept for later matching */
    p->found_in = ld_xstrdup(path);
    ld_package_set_purl(p, NULL, NULL);
}

/* Flush the current [[package]] if complete. */
static int flush_lock_pkg(lock_pkg *cur, bool active, ld_package_list *out, const char *path,
                          size_t start, ld_error *err)
{
    if (active && cur->name && cur->name[0] && cur->version) {
        if (out->n - start >= MAX_PACKAGES) {
            lock_pkg_clear(cur);
            return ld_error_set(err, LD_ERR_LIMIT, "%s: more than %d packages", path, MAX_PACKAGES);
        }
        add_package(out, path, ld_steal_ptr(&cur->name), ld_steal_ptr(&cur->version), cur->source);
    }
    lock_pkg_clear(cur);
    return 0;
}

/* Parse a TOML basic string starting at the opening quote; returns the
 * unescaped value or NULL if it is unterminated, too long or has a bad escape. */
static char *toml_string(const char *s, const char *end)
{
    if (s >= end || *s != '"')
        return NULL;
    char buf[MAX_VALUE + 1];
    size_t n = 0;
    for (s++; s < end && *s != '"'; s++) {
        char ch = *s;
        if (ch == '\\') {
            if (++s >= end)
                return NULL;
            switch (*s) {
            case '"': ch = '"'; break;
            case '\\': ch = '\\'; break;
            case 'n': ch = '\n'; break;
            case 't': ch = '\t'; break;
            default: return NULL; /* \u escapes never occur in lock files */
            }
        } else if ((unsigned char)ch < 0x20) {
            return NULL;
        }
        if (n >= MAX_VALUE)
            return NULL;
        buf[n++] = ch;
    }
    if (s >= end)
        return NULL;
    return ld_xstrndup(buf, n);
}

static int parse_lock(const char *path, const char *text, size_t len, ld_package_list *out,
                      ld_error *err)
{
    size_t start = out->n, lineno = 0;
    lock_pkg cur = {0};
    bool in_pkg = false, in_array = false;
    const char *end = text + len;
    for (const char *line = text; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *le = nl ? nl : end;
        const char *s = line;
        line = le + 1;
        lineno++;
        while (s < le && (*s == ' ' || *s == '\t'))
            s++;
        const char *e = le;
        while (e > s && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if (s == e || *s == '#')
            continue;
        if (in_array) { /* dependencies = [ ... ] spanning lines */
            if (memchr(s, ']', (size_t)(e - s)))
                in_array = false;
            continue;
        }
        if (*s == '[') {
            if (flush_lock_pkg(&cur, in_pkg, out, path, start, err) < 0)
                goto fail;
            in_pkg = (size_t)(e - s) == 11 && memcmp(s, "[[package]]", 11) == 0;
            continue;
        }
        if (!in_pkg)
            continue;
        const char *eq = memchr(s, '=', (size_t)(e - s));
        if (!eq)
            continue;
        const char *ke = eq;
        while (ke > s && (ke[-1] == ' ' || ke[-1] == '\t'))
            ke--;
        const char *v = eq + 1;
        while (v < e && (*v == ' ' || *v == '\t'))
            v++;
        size_t kl = (size_t)(ke - s);
        char **slot = kl == 4 && memcmp(s, "name", 4) == 0      ? &cur.name
                      : kl == 7 && memcmp(s, "version", 7) == 0 ? &cur.version
                      : kl == 6 && memcmp(s, "source", 6) == 0  ? &cur.source
                                                                : NULL;
        if (v < e && *v == '[') {
            in_array = !memchr(v, ']', (size_t)(e - v));
            continue;
        }
        if (!slot)
            continue;
        char *val = toml_string(v, e);
        if (!val) {
            ld_error_set(err, LD_ERR_CORRUPT, "%s: line %zu: bad string value", path, lineno);
            goto fail;
        }
        free(*slot);
        *slot = val;
    }
    if (flush_lock_pkg(&cur, in_pkg, out, path, start, err) < 0)
        goto fail;
    return 0;
fail:
    lock_pkg_clear(&cur);
    truncate_list(out, start);
    return err->code;
}

/* --- cargo-auditable ---------------------------------------------------- */

/* Inflate zlib data into a new buffer of at most MAX_AUDIT_JSON bytes,
 * taking what it inflates from the image's budget (NULL: none). */
static char *inflate_capped(const char *path, const uint8_t *in, size_t n,
                            ld_cataloger_budget *budget, size_t *out_len, ld_error *err)
{
    z_stream zs = {0};
    if (inflateInit(&zs) != Z_OK) {
        ld_error_set(err, LD_ERR_NOMEM, "%s: zlib init failed", path);
        return NULL;
    }
    size_t cap = 4096, have = 0;
    ld_autofree char *buf = ld_xmalloc(cap + 1);
    zs.next_in = (Bytef *)(uintptr_t)in;
    zs.avail_in = (uInt)(n > UINT32_MAX ? UINT32_MAX : n);
    int rc;
    do {
        if (have == cap) {
            if (cap >= MAX_AUDIT_JSON) {
                inflateEnd(&zs);
                ld_error_set(err, LD_ERR_LIMIT, "%s: .dep-v0 inflates past %zu bytes", path,
                             MAX_AUDIT_JSON);
                return NULL;
            }
            cap *= 2;
            buf = ld_xrealloc(buf, cap + 1);
        }
        zs.next_out = (Bytef *)buf + have;
        zs.avail_out = (uInt)(cap - have);
        rc = inflate(&zs, Z_NO_FLUSH);
        size_t grown = cap - zs.avail_out - have;
        have += grown;
        if (!ld_cataloger_budget_take(budget, grown)) {
            inflateEnd(&zs);
            ld_error_set(err, LD_ERR_LIMIT,
                         "%s: .dep-v0: the files of this image decompressed to more than %llu "
                         "bytes in all; not read",
                         path, (unsigned long long)budget->inflate_total);
            return NULL;
        }
    } while (rc == Z_OK);
    inflateEnd(&zs);
    if (rc != Z_STREAM_END) {
        ld_error_set(err, LD_ERR_CORRUPT, "%s: .dep-v0 is not a complete zlib stream", path);
        return NULL;
    }
    buf[have] = '\0';
    *out_len = have;
    return ld_steal_ptr(&buf);
}

static void json_decref_p(json_t **j)
{
    if (*j)
        json_decref(*j);
}

static int parse_auditable(const char *path, const ld_elf_view *e, ld_cataloger_budget *budget,
                           ld_package_list *out, ld_error *err)
{
    uint64_t off, size;
    if (ld_elf_section(e, ".dep-v0", &off, &size) != LD_ELF_SECTION_FOUND)
        return 0; /* not built with cargo-auditable */
    size_t jl;
    ld_autofree char *text =
        inflate_capped(path, e->data + off, (size_t)size, budget, &jl, err);
    if (!text)
        return err->code;
    ld_autofree char *what = ld_xasprintf("%s: .dep-v0", path);
    __attribute__((cleanup(json_decref_p))) json_t *root =
        ld_json_load_bounded(what, text, jl, 0, &ld_json_cataloger_limits, err);
    if (!root)
        return err->code;
    json_t *pkgs = json_object_get(root, "packages");
    if (!json_is_array(pkgs))
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: .dep-v0: no packages array", path);
    if (json_array_size(pkgs) > MAX_PACKAGES)
        return ld_error_set(err, LD_ERR_LIMIT, "%s: more than %d packages", path, MAX_PACKAGES);
    size_t i;
    json_t *pk;
    json_array_foreach(pkgs, i, pk)
    {
        const char *name = json_string_value(json_object_get(pk, "name"));
        const char *version = json_string_value(json_object_get(pk, "version"));
        const char *kind = json_string_value(json_object_get(pk, "kind"));
        const char *source = json_string_value(json_object_get(pk, "source"));
        if (!name || !*name || !version)
            continue;
        if (kind && strcmp(kind, "build") == 0)
            continue;
        add_package(out, path, ld_xstrdup(name), ld_xstrdup(version), source);
    }
    return 0;
}

static bool is_lock_name(const char *path)
{
    const char *base = strrchr(path, '/');
    return strcmp(base ? base + 1 : path, "Cargo.lock") == 0;
}

static int cargo_parse_budgeted(const char *path, const uint8_t *data, size_t len,
                                ld_cataloger_budget *budget, ld_package_list *out, ld_error *err)
{
    /* 64 bytes for either class (a 32-bit ELF file shorter than that is skipped). */
    ld_elf_view e;
    if (len >= LD_ELF_EHDR64_SIZE && ld_elf_open(&e, data, len))
        return parse_auditable(path, &e, budget, out, err);
    if (len >= 4 && memcmp(data, "\177ELF", 4) == 0)
        return 0; /* an ELF file too short or odd to view */
    if (!is_lock_name(path))
        return 0; /* a script or other text among the binaries: not a lock file */
    return parse_lock(path, (const char *)data, len, out, err);
}

static int cargo_parse(const char *path, const uint8_t *data, size_t len, ld_package_list *out,
                       ld_error *err)
{
    return cargo_parse_budgeted(path, data, len, NULL, out, err);
}

/* Cargo.lock anywhere; binaries in the usual executable directories (the
 * same rule as the Go cataloger: only ELF files with .dep-v0 yield packages). */
static bool cargo_wants(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (strcmp(base, "Cargo.lock") == 0)
        return true;
    if (ld_cataloger_in_exec_dir(path))
        return true;
    return base == path + 1 && *base && !strchr(base, '.');
}

/* A binary is taken for where it is; a Cargo.lock is a package database. */
static bool cargo_speculative(const char *path)
{
    return !is_lock_name(path);
}

/* cargo_parse reports nothing for an ELF file of 64 bytes or more without
 * a usable .dep-v0 section, nor for a shorter or odd one, nor for a file
 * that is neither ELF nor called Cargo.lock. */
static bool cargo_needs_content(const char *path, const ld_file_reader *r)
{
    if (is_lock_name(path))
        return true;
    ld_elf_probe p;
    int elf = ld_elf_probe_open(&p, r);
    bool need;
    if (elf < 0)
        need = true;
    else if (elf > 0 && r->size >= LD_ELF_EHDR64_SIZE) {
        int dep = ld_elf_probe_section(&p, ".dep-v0");
        need = dep == LD_ELF_SECTION_FOUND || dep == LD_ELF_PROBE_UNKNOWN;
    } else
        need = false;
    ld_elf_probe_clear(&p);
    return need;
}

const ld_cataloger ld_cataloger_cargo = {
    .name = "cargo",
    .eco = LD_ECO_CARGO,
    .max_bytes = (uint64_t)256 << 20,
    .wants = cargo_wants,
    .parse = cargo_parse,
    .needs_content = cargo_needs_content,
    .parse_budgeted = cargo_parse_budgeted,
    .speculative = cargo_speculative,
};
