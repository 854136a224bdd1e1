/* SPDX licence ids, aliases, expression check and the identifier set the
 * SBOM writers share. See spdx_license.h. Not a licence scanner. */
#include "sbom/spdx_license.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "util/mem.h"

/* Common ids of the SPDX License List (3.29), sorted ignoring ASCII case for
 * bsearch. Deprecated ids ("GPL-2.0+") are kept: packages still record them
 * and they remain valid in both formats. Extend freely; every entry must be
 * on the SPDX list (CycloneDX's schema rejects any other license.id). The
 * tables are kept dense rather than one id per line. */
/* clang-format off */
static const char *const license_ids[] = {
    "0BSD", "AFL-2.1", "AFL-3.0", "AGPL-1.0", "AGPL-3.0", "AGPL-3.0-only", "AGPL-3.0-or-later",
    "Apache-1.0", "Apache-1.1", "Apache-2.0", "APSL-2.0", "Artistic-1.0", "Artistic-1.0-cl8",
    "Artistic-1.0-Perl", "Artistic-2.0", "Beerware", "BlueOak-1.0.0", "BSD-1-Clause",
    "BSD-2-Clause", "BSD-2-Clause-Patent", "BSD-2-Clause-Views", "BSD-3-Clause",
    "BSD-3-Clause-Attribution", "BSD-3-Clause-Clear", "BSD-3-Clause-LBNL",
    "BSD-3-Clause-No-Nuclear-License", "BSD-3-Clause-Open-MPI", "BSD-4-Clause", "BSD-4-Clause-UC",
    "BSD-Source-Code", "BSL-1.0", "bzip2-1.0.6", "CAL-1.0", "CC-BY-1.0", "CC-BY-2.0", "CC-BY-2.5",
    "CC-BY-3.0", "CC-BY-4.0", "CC-BY-NC-4.0", "CC-BY-NC-SA-4.0", "CC-BY-ND-4.0", "CC-BY-SA-2.0",
    "CC-BY-SA-2.5", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC-PDDC", "CC0-1.0", "CDDL-1.0", "CDDL-1.1",
    "CECILL-2.0", "CECILL-2.1", "CECILL-B", "CECILL-C", "ClArtistic", "CNRI-Python", "CPAL-1.0",
    "CPL-1.0", "curl", "ECL-2.0", "EFL-2.0", "EPL-1.0", "EPL-2.0", "EUPL-1.1", "EUPL-1.2", "FSFAP",
    "FSFUL", "FSFULLR", "FTL", "GFDL-1.1", "GFDL-1.1-only", "GFDL-1.1-or-later", "GFDL-1.2",
    "GFDL-1.2-only", "GFDL-1.2-or-later", "GFDL-1.3", "GFDL-1.3-only", "GFDL-1.3-or-later",
    "GPL-1.0", "GPL-1.0+", "GPL-1.0-only", "GPL-1.0-or-later", "GPL-2.0", "GPL-2.0+",
    "GPL-2.0-only", "GPL-2.0-or-later", "GPL-2.0-with-autoconf-exception",
    "GPL-2.0-with-classpath-exception", "GPL-2.0-with-GCC-exception", "GPL-3.0", "GPL-3.0+",
    "GPL-3.0-only", "GPL-3.0-or-later", "GPL-3.0-with-autoconf-exception",
    "GPL-3.0-with-GCC-exception", "HPND", "HPND-sell-variant", "ICU", "IJG", "ImageMagick",
    "Imlib2", "Info-ZIP", "Intel", "IPA", "IPL-1.0", "ISC", "JasPer-2.0", "JSON", "LGPL-2.0",
    "LGPL-2.0+", "LGPL-2.0-only", "LGPL-2.0-or-later", "LGPL-2.1", "LGPL-2.1+", "LGPL-2.1-only",
    "LGPL-2.1-or-later", "LGPL-3.0", "LGPL-3.0+", "LGPL-3.0-only", "LGPL-3.0-or-later", "LGPLLR",
    "Libpng", "libpng-2.0", "libtiff", "LPL-1.02", "LPPL-1.3c", "MirOS", "MIT", "MIT-0",
    "MIT-advertising", "MIT-CMU", "MIT-enna", "MIT-feh", "MIT-Modern-Variant", "MITNFA", "MPL-1.0",
    "MPL-1.1", "MPL-2.0", "MPL-2.0-no-copyleft-exception", "MS-PL", "MS-RL", "MulanPSL-2.0", "NCSA",
    "Net-SNMP", "NTP", "OFL-1.0", "OFL-1.1", "OGL-UK-3.0", "OLDAP-2.8", "OpenSSL",
    "OpenSSL-standalone", "OPL-1.0", "OSL-1.0", "OSL-2.0", "OSL-2.1", "OSL-3.0", "PHP-3.0",
    "PHP-3.01", "PostgreSQL", "PSF-2.0", "Python-2.0", "Python-2.0.1", "QPL-1.0", "Ruby",
    "SGI-B-2.0", "SISSL", "Sleepycat", "SMLNJ", "SSPL-1.0", "TCL", "UCL-1.0", "Unicode-3.0",
    "Unicode-DFS-2015", "Unicode-DFS-2016", "Unicode-TOU", "Unlicense", "UPL-1.0", "Vim", "W3C",
    "W3C-19980720", "W3C-20150513", "WTFPL", "X11", "XFree86-1.1", "Xnet", "xpp", "Zed", "Zend-2.0",
    "Zlib", "zlib-acknowledgement", "ZPL-1.1", "ZPL-2.0", "ZPL-2.1",
};

/* Common SPDX licence exceptions (for WITH), sorted the same way. */
static const char *const exception_ids[] = {
    "389-exception", "Autoconf-exception-2.0", "Autoconf-exception-3.0", "Bison-exception-2.2",
    "Bootloader-exception", "Classpath-exception-2.0", "eCos-exception-2.0", "Font-exception-2.0",
    "freertos-exception-2.0", "GCC-exception-2.0", "GCC-exception-3.1", "gnu-javamail-exception",
    "i2p-gpl-java-exception", "Libtool-exception", "Linux-syscall-note", "LLVM-exception",
    "LZMA-exception", "mif-exception", "OCaml-LGPL-linking-exception",
    "OpenJDK-assembly-exception-1.0", "openvpn-openssl-exception", "Qt-GPL-exception-1.0",
    "Qt-LGPL-exception-1.1", "Qwt-exception-1.0", "u-boot-exception-2.0",
    "Universal-FOSS-exception-1.0", "WxWindows-exception-3.1",
};
/* clang-format on */

/* Short names from Debian machine-readable copyright files (DEP-5) and a
 * few other common spellings, matched ignoring case; targets are on the list. */
static const struct {
    const char *alias;
    const char *id;
} aliases[] = {
    {"AGPL-3", "AGPL-3.0-only"},
    {"AGPL-3+", "AGPL-3.0-or-later"},
    {"Apache-2", "Apache-2.0"},
    {"Artistic", "Artistic-1.0-Perl"},
    {"Expat", "MIT"},
    {"GFDL-1.2+", "GFDL-1.2-or-later"},
    {"GFDL-1.3+", "GFDL-1.3-or-later"},
    {"GPL-1", "GPL-1.0-only"},
    {"GPL-1+", "GPL-1.0-or-later"},
    {"GPL-2", "GPL-2.0-only"},
    {"GPL-2+", "GPL-2.0-or-later"},
    {"GPL-3", "GPL-3.0-only"},
    {"GPL-3+", "GPL-3.0-or-later"},
    {"LGPL-2", "LGPL-2.0-only"},
    {"LGPL-2+", "LGPL-2.0-or-later"},
    {"LGPL-3", "LGPL-3.0-only"},
    {"LGPL-3+", "LGPL-3.0-or-later"},
    {"MPL-2", "MPL-2.0"},
    {"PSF-2", "PSF-2.0"},
    {"Zope-2.1", "ZPL-2.1"},
};

static int cmp_ci(const void *key, const void *elem)
{
    return strcasecmp((const char *)key, *(const char *const *)elem);
}

static const char *lookup(const char *s, const char *const *tab, size_t n)
{
    const char *const *hit = bsearch(s, tab, n, sizeof(*tab), cmp_ci);
    return hit ? *hit : NULL;
}

const char *ld_spdx_license_id(const char *s)
{
    if (!s)
        return NULL;
    const char *id = lookup(s, license_ids, sizeof(license_ids) / sizeof(*license_ids));
    if (id)
        return id;
    for (size_t i = 0; i < sizeof(aliases) / sizeof(*aliases); i++)
        if (strcasecmp(s, aliases[i].alias) == 0)
            return aliases[i].id;
    return NULL;
}

const char *ld_spdx_exception_id(const char *s)
{
    return s ? lookup(s, exception_ids, sizeof(exception_ids) / sizeof(*exception_ids)) : NULL;
}

/* ---- expression parser ----------------------------------------------------
 * Grammar (SPDX 2.3 Annex D), operators matched ignoring case because
 * Debian copyright files write "GPL-2+ or Artistic":
 *   expr   = and ("OR" and)*
 *   and    = with ("AND" with)*
 *   with   = simple ("WITH" exception)?
 *   simple = id ["+"] | LicenseRef-x | DocumentRef-x:LicenseRef-y | "(" expr ")"
 * The normalised text is appended to a growable buffer as it is parsed. */

#define EXPR_MAX_LEN 4096
#define EXPR_MAX_DEPTH 32
#define WORD_MAX 256

typedef struct {
    char *s;
    size_t n, cap;
} strbuf;

static void sb_puts(strbuf *b, const char *s)
{
    size_t n = strlen(s);
    ld_xgrow(&b->s, &b->cap, b->n + n + 1, 1);
    memcpy(b->s + b->n, s, n + 1);
    b->n += n;
}

typedef struct {
    const char *p;
    strbuf out;
    int depth;
    bool compound;
    char word[WORD_MAX]; /* current token when it is a word */
    enum { T_END, T_LPAREN, T_RPAREN, T_WORD, T_BAD } tok;
} expr_parser;

static bool is_word_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '+' || c == ':';
}

static void next_token(expr_parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
        ps->p++;
    if (*ps->p == '\0') {
        ps->tok = T_END;
    } else if (*ps->p == '(') {
        ps->p++;
        ps->tok = T_LPAREN;
    } else if (*ps->p == ')') {
        ps->p++;
        ps->tok = T_RPAREN;
    } else if (is_word_char(*ps->p)) {
        size_t n = 0;
        while (is_word_char(ps->p[n]))
            n++;
        if (n >= WORD_MAX) {
            ps->tok = T_BAD;
            return;
        }
        memcpy(ps->word, ps->p, n);
        ps->word[n] = '\0';
        ps->p += n;
        ps->tok = T_WORD;
    } else {
        ps->tok = T_BAD;
    }
}

static bool word_is(const expr_parser *ps, const char *op)
{
    return ps->tok == T_WORD && strcasecmp(ps->word, op) == 0;
}

/* idstring of LicenseRef-/DocumentRef-: [A-Za-z0-9.-]+ */
static bool is_idstring(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-'))
            return false;
    }
    return true;
}

/* A reference "LicenseRef-x" or "DocumentRef-x:LicenseRef-y", written as is. */
static bool is_license_ref(const char *w)
{
    static const char lr[] = "LicenseRef-", dr[] = "DocumentRef-";
    if (strncmp(w, lr, sizeof(lr) - 1) == 0)
        return is_idstring(w + sizeof(lr) - 1, strlen(w + sizeof(lr) - 1));
    if (strncmp(w, dr, sizeof(dr) - 1) != 0)
        return false;
    const char *colon = strchr(w, ':');
    if (!colon || !is_idstring(w + sizeof(dr) - 1, (size_t)(colon - w) - (sizeof(dr) - 1)))
        return false;
    return is_license_ref(colon + 1) && strchr(colon + 1, ':') == NULL;
}

static bool parse_or(expr_parser *ps);

static bool parse_simple(expr_parser *ps)
{
    if (ps->tok == T_LPAREN) {
        if (++ps->depth > EXPR_MAX_DEPTH)
            return false;
        sb_puts(&ps->out, "(");
        next_token(ps);
        if (!parse_or(ps) || ps->tok != T_RPAREN)
            return false;
        sb_puts(&ps->out, ")");
        ps->depth--;
        next_token(ps);
        return true;
    }
    if (ps->tok != T_WORD || word_is(ps, "AND") || word_is(ps, "OR") || word_is(ps, "WITH"))
        return false;
    const char *w = ps->word;
    const char *id = ld_spdx_license_id(w);
    if (id) {
        sb_puts(&ps->out, id);
        /* "GPL-2+" is an alias that resolves to a plain id; a plain id is
         * not compound. */
    } else if (is_license_ref(w)) {
        sb_puts(&ps->out, w);
        ps->compound = true;
    } else {
        size_t n = strlen(w);
        if (n < 2 || w[n - 1] != '+')
            return false;
        char base[WORD_MAX];
        memcpy(base, w, n - 1);
        base[n - 1] = '\0';
        id = ld_spdx_license_id(base);
        if (!id || strchr(id, '+'))
            return false;
        sb_puts(&ps->out, id);
        sb_puts(&ps->out, "+");
        ps->compound = true;
    }
    next_token(ps);
    return true;
}

static bool parse_with(expr_parser *ps)
{
    if (!parse_simple(ps))
        return false;
    if (!word_is(ps, "WITH"))
        return true;
    next_token(ps);
    const char *exc = ps->tok == T_WORD ? ld_spdx_exception_id(ps->word) : NULL;
    if (!exc)
        return false;
    sb_puts(&ps->out, " WITH ");
    sb_puts(&ps->out, exc);
    ps->compound = true;
    next_token(ps);
    return true;
}

static bool parse_and(expr_parser *ps)
{
    if (!parse_with(ps))
        return false;
    while (word_is(ps, "AND")) {
        sb_puts(&ps->out, " AND ");
        ps->compound = true;
        next_token(ps);
        if (!parse_with(ps))
            return false;
    }
    return true;
}

static bool parse_or(expr_parser *ps)
{
    if (!parse_and(ps))
        return false;
    while (word_is(ps, "OR")) {
        sb_puts(&ps->out, " OR ");
        ps->compound = true;
        next_token(ps);
        if (!parse_and(ps))
            return false;
    }
    return true;
}

char *ld_spdx_expression_normalize(const char *s, bool *compound)
{
    if (compound)
        *compound = false;
    if (!s || strnlen(s, EXPR_MAX_LEN + 1) > EXPR_MAX_LEN)
        return NULL;
    expr_parser ps = {.p = s};
    next_token(&ps);
    bool ok = ps.tok != T_END && parse_or(&ps) && ps.tok == T_END;
    if (!ok) {
        free(ps.out.s);
        return NULL;
    }
    if (compound)
        *compound = ps.compound;
    return ps.out.s;
}

/* ---- identifier set -------------------------------------------------------- */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

/* Slot holding s, or the empty slot where it would go. cap is a power of two. */
static size_t find_slot(char **slots, size_t cap, const char *s)
{
    size_t i = (size_t)hash_str(s) & (cap - 1);
    while (slots[i] && strcmp(slots[i], s) != 0)
        i = (i + 1) & (cap - 1);
    return i;
}

bool ld_idset_contains(const ld_idset *set, const char *s)
{
    return set->cap && set->slots[find_slot(set->slots, set->cap, s)] != NULL;
}

bool ld_idset_add(ld_idset *set, const char *s)
{
    if ((set->n + 1) * 2 > set->cap) {
        size_t ncap = set->cap ? set->cap * 2 : 64;
        char **ns = ld_xcalloc(ncap, sizeof(*ns));
        for (size_t i = 0; i < set->cap; i++)
            if (set->slots[i])
                ns[find_slot(ns, ncap, set->slots[i])] = set->slots[i];
        free(set->slots);
        set->slots = ns;
        set->cap = ncap;
    }
    size_t i = find_slot(set->slots, set->cap, s);
    if (set->slots[i])
        return false;
    set->slots[i] = ld_xstrdup(s);
    set->n++;
    return true;
}

void ld_idset_clear(ld_idset *set)
{
    for (size_t i = 0; i < set->cap; i++)
        free(set->slots[i]);
    free(set->slots);
    set->slots = NULL;
    set->n = set->cap = 0;
}

char *ld_idset_unique(ld_idset *set, const char *base)
{
    if (ld_idset_add(set, base))
        return ld_xstrdup(base);
    for (unsigned long k = 2;; k++) {
        char *cand = ld_xasprintf("%s-%lu", base, k);
        if (ld_idset_add(set, cand))
            return cand;
        free(cand);
    }
}

/* ---- shared by the SBOM writers ------------------------------------------ */

/* Reads exactly n bytes from /dev/urandom; false on any failure. */
static bool urandom_bytes(unsigned char *b, size_t n)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, b + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    return got == n;
}

int ld_sbom_uuid4(char out[37], ld_error *err)
{
    unsigned char b[16];
    if (RAND_bytes(b, sizeof(b)) != 1 && !urandom_bytes(b, sizeof(b)))
        return ld_error_set(err, LD_ERR_GENERIC,
                            "cannot get random bytes for a document UUID (OpenSSL and "
                            "/dev/urandom both failed)");
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80); /* RFC 4122 variant */
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < sizeof(b); i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 15];
    }
    out[o] = '\0';
    return 0;
}

void ld_sbom_timestamp(char out[21])
{
    time_t t = time(NULL);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        memcpy(out, "1970-01-01T00:00:00Z", 21);
}

const char *ld_sbom_image_digest(const ld_image *img)
{
    if (!img)
        return NULL;
    const char *d = ld_image_manifest_digest(img);
    return d && *d ? d : (ld_image_id(img) && *ld_image_id(img) ? ld_image_id(img) : NULL);
}

const char *ld_sbom_image_display_name(const ld_image *img)
{
    static const char *const prefixes[] = {
        "docker-archive:", "oci-archive:", "oci:", "dir:", "docker:"};
    const char *n = img ? ld_image_name(img) : NULL;
    if (!n || !*n)
        return "unknown";
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++) {
        size_t len = strlen(prefixes[i]);
        if (strncmp(n, prefixes[i], len) == 0 && n[len])
            return n + len;
    }
    return n;
}

/* Appends s[0..n) percent-encoded for a purl: unreserved characters (and
 * those in keep) stay, every other byte becomes %XX; ASCII letters are
 * lowered when lower is set. */
static void purl_enc(strbuf *b, const char *s, size_t n, const char *keep, bool lower)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (lower && c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        char t[4] = {(char)c, 0, 0, 0};
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_' || c == '~' || (c && strchr(keep, c)))) {
            t[0] = '%';
            t[1] = hex[c >> 4];
            t[2] = hex[c & 15];
        }
        sb_puts(b, t);
    }
}

/* Appends "?key=value" (first qualifier) or "&key=value", value encoded. */
static void qualifier(strbuf *b, bool *first, const char *key, const char *value, size_t n,
                      const char *keep)
{
    sb_puts(b, *first ? "?" : "&");
    *first = false;
    sb_puts(b, key);
    sb_puts(b, "=");
    purl_enc(b, value, n, keep, false);
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && strncasecmp(s + n - k, suffix, k) == 0;
}

char *ld_sbom_image_purl(const ld_image *img)
{
    const char *digest = ld_sbom_image_digest(img);
    if (!digest)
        return NULL;
    const char *ref = ld_sbom_image_display_name(img);
    size_t len = strcspn(ref, "@"); /* drop a "@sha256:..." reference */
    bool is_path = ref[0] == '/' || ref[0] == '.' || ends_with(ref, len, ".tar") ||
                   ends_with(ref, len, ".tar.gz") || ends_with(ref, len, ".tgz") ||
                   ends_with(ref, len, ".tar.zst");
    /* repository[:tag]: the tag is after the last ':' that follows the last '/' */
    const char *slash = memrchr(ref, '/', len);
    const char *seg = slash ? slash + 1 : ref;
    const char *colon = is_path ? NULL : memchr(seg, ':', len - (size_t)(seg - ref));
    size_t repo_len = colon ? (size_t)(colon - ref) : len;
    size_t name_len = repo_len - (size_t)(seg - ref);
    if (is_path) { /* an archive or layout path: its base name, extensions dropped */
        static const char *const exts[] = {".tar.gz", ".tar.zst", ".tgz", ".tar"};
        for (size_t i = 0; i < sizeof(exts) / sizeof(*exts); i++)
            if (ends_with(seg, name_len, exts[i]) && name_len > strlen(exts[i])) {
                name_len -= strlen(exts[i]);
                break;
            }
    }
    if (strncmp(ref, "sha256:", 7) == 0) /* an image named only by its id */
        name_len = repo_len = 0;
    strbuf b = {0};
    sb_puts(&b, "pkg:oci/");
    if (name_len)
        purl_enc(&b, seg, name_len, "", true);
    else
        sb_puts(&b, "unknown");
    sb_puts(&b, "@");
    purl_enc(&b, digest, strlen(digest), "", true);
    /* qualifiers, sorted by key */
    bool first = true;
    const char *arch = ld_image_arch(img);
    if (arch && *arch)
        qualifier(&b, &first, "arch", arch, strlen(arch), "");
    if (!is_path && repo_len > 0)
        qualifier(&b, &first, "repository_url", ref, repo_len, "/:");
    if (colon && repo_len > 0 && len > repo_len + 1)
        qualifier(&b, &first, "tag", colon + 1, len - repo_len - 1, "");
    return b.s;
}

char *ld_sbom_idstring(const char *s, size_t max)
{
    if (!s || !*s || max == 0)
        return ld_xstrdup("unknown");
    size_t n = strlen(s);
    char *out = ld_xmalloc((n < max ? n : max) + 1);
    size_t o = 0;
    for (size_t i = 0; i < n && o < max; i++) {
        char c = s[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '-';
        if (!ok)
            c = '-';
        if (c == '-' && o > 0 && out[o - 1] == '-')
            continue;
        out[o++] = c;
    }
    out[o] = '\0';
    return out;
}
