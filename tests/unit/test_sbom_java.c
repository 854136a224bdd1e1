/* Unit tests for the Java archive cataloger (src/sbom/java.c).
 *
 * Real data: Debian's libcommons-lang3-java .deb (fetched once with
 * `apt-get download` into ${LOCKDOWN_CACHE:-/var/cache/lockdown-test}/debs
 * and unpacked with dpkg-deb; skipped, naming the reason, when no Debian
 * mirror answers) gives commons-lang3.jar with pom.properties; its version
 * is checked against the .deb's upstream version. Wars, Spring Boot jars,
 * manifest-only jars, nesting and zip bombs are built here with libarchive's
 * zip writer around that real jar. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>
#include <ftw.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <zlib.h>

#include "sbom/catalogers_list.h"
#include "util/mem.h"
#include "test_skip.h"

extern char **environ;

static const char fixture_script[] =
    "set -eu\n"
    "out=$1\n"
    "cache=${LOCKDOWN_CACHE:-/var/cache/lockdown-test}/debs\n"
    "mkdir -p \"$cache\" 2>/dev/null && [ -w \"$cache\" ] || cache=$out/debs\n"
    "mkdir -p \"$cache\"\n"
    "deb=$(ls \"$cache\"/libcommons-lang3-java_*.deb 2>/dev/null | tail -n 1 || true)\n"
    "if [ -z \"$deb\" ]; then\n"
    "  (cd \"$cache\" && apt-get download libcommons-lang3-java >/dev/null 2>&1) || exit 77\n"
    "  deb=$(ls \"$cache\"/libcommons-lang3-java_*.deb | tail -n 1)\n"
    "fi\n"
    "dpkg-deb -x \"$deb\" \"$out/root\"\n"
    "v=${deb##*/libcommons-lang3-java_}; v=${v%%-*}\n"
    "printf '%s' \"$v\" > \"$out/version\"\n";

static char fixture_dir[64];
static const char *skip_reason;
static uint8_t *lang3;
static size_t lang3_len;
static char lang3_version[64];

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(p);
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, r;
    uint8_t *buf = ld_xmalloc(cap);
    while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap)
            buf = ld_xrealloc(buf, cap *= 2);
    }
    fclose(f);
    *len = n;
    return buf;
}

static int group_setup(void **state)
{
    (void)state;
    snprintf(fixture_dir, sizeof fixture_dir, "/tmp/ld-test-java.XXXXXX");
    if (!mkdtemp(fixture_dir))
        return -1;
    char *argv[] = {"bash", "-c", (char *)fixture_script, "bash", fixture_dir, NULL};
    pid_t pid;
    int st = 0;
    if (posix_spawnp(&pid, "bash", NULL, NULL, argv, environ) != 0 || waitpid(pid, &st, 0) < 0 ||
        !WIFEXITED(st))
        return -1;
    if (WEXITSTATUS(st) == 77) {
        skip_reason = "libcommons-lang3-java .deb not cached and apt-get download failed "
                      "(install-deps.sh --test caches it)";
        return 0;
    }
    if (WEXITSTATUS(st) != 0)
        return -1;
    char p[128];
    snprintf(p, sizeof p, "%s/root/usr/share/java/commons-lang3.jar", fixture_dir);
    lang3 = slurp(p, &lang3_len);
    snprintf(p, sizeof p, "%s/version", fixture_dir);
    size_t vl;
    uint8_t *v = slurp(p, &vl);
    if (!lang3 || !v || vl >= sizeof lang3_version)
        return -1;
    memcpy(lang3_version, v, vl);
    free(v);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    free(lang3);
    if (fixture_dir[0])
        nftw(fixture_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

#define NEED_REAL()                                                                                \
    do {                                                                                           \
        if (skip_reason)                                                                           \
            LD_SKIP_IF_MISSING("%s", skip_reason);                                                 \
    } while (0)

/* --- zip writer -------------------------------------------------------- */

typedef struct {
    const char *name;
    const uint8_t *data;
    size_t len;
} member;

/* A zip of the members (deflated); caller frees. */
static uint8_t *make_zip(const member *m, size_t n, size_t *out_len)
{
    size_t cap = 4096;
    for (size_t i = 0; i < n; i++)
        cap += m[i].len + 512 + strlen(m[i].name);
    cap += cap / 10;
    uint8_t *buf = ld_xmalloc(cap);
    struct archive *a = archive_write_new();
    assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
    size_t used = 0;
    assert_int_equal(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, m[i].name);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, (la_int64_t)m[i].len);
        assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
        assert_int_equal(archive_write_data(a, m[i].data, m[i].len), (la_ssize_t)m[i].len);
        archive_entry_free(e);
    }
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    *out_len = used;
    return buf;
}

#define TXT(s) (const uint8_t *)(s), sizeof(s) - 1

static const ld_package *find(const ld_package_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].name, name) == 0)
            return &l->items[i];
    return NULL;
}

static void test_real_jar(void **state)
{
    (void)state;
    NEED_REAL();
    const char *path = "/usr/share/java/commons-lang3.jar";
    assert_true(ld_cataloger_java.wants(path));
    assert_true(ld_cataloger_java.wants("/app/app.WAR"));
    assert_false(ld_cataloger_java.wants("/usr/share/java/x.jar.sha1"));
    ld_package_list l = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_cataloger_java.parse(path, lang3, lang3_len, &l, &err), 0);
    assert_int_equal(l.n, 1);
    const ld_package *p = &l.items[0];
    assert_string_equal(p->name, "commons-lang3");
    assert_string_equal(p->group, "org.apache.commons");
    assert_string_equal(p->version, lang3_version);
    assert_string_equal(p->found_in, path);
    assert_int_equal(p->eco, LD_ECO_MAVEN);
    char purl[128];
    snprintf(purl, sizeof purl, "pkg:maven/org.apache.commons/commons-lang3@%s", lang3_version);
    assert_string_equal(p->purl, purl);
    ld_package_list_clear(&l);
}

static const char manifest_only[] =
    "Manifest-Version: 1.0\r\n"
    "Bundle-ManifestVersion: 2\r\n"
    "Bundle-SymbolicName: org.example.very.long.bundle.symbolic.name.that.wraps.a\r\n"
    " t.seventy.two;singleton:=true\r\n"
    "Bundle-Version: 2.5.1.v20240101\r\n"
    "\r\n"
    "Name: org/example/\r\n"
    "Implementation-Title: not the main section\r\n";

static void test_war_with_nested_jars(void **state)
{
    (void)state;
    NEED_REAL();
    size_t mo_len, boot_len, war_len;
    member mo[] = {{"META-INF/MANIFEST.MF", TXT(manifest_only)}};
    uint8_t *mo_jar = make_zip(mo, 1, &mo_len);
    /* Spring Boot jar (itself nested in the war) with a BOOT-INF/lib jar */
    member boot[] = {
        {"META-INF/MANIFEST.MF", TXT("Manifest-Version: 1.0\nImplementation-Title: boot\n"
                                     "Implementation-Version: 0.1\n")},
        {"BOOT-INF/lib/commons-lang3-3.12.0.jar", lang3, lang3_len},
    };
    uint8_t *boot_jar = make_zip(boot, 2, &boot_len);
    member war[] = {
        {"META-INF/MANIFEST.MF", TXT("Manifest-Version: 1.0\nImplementation-Title: shop\n")},
        {"META-INF/maven/com.example/shop/pom.properties",
         TXT("#Generated by Maven\n#Tue Jan 01\ngroupId = com.example\r\nartifactId=shop\n"
             "version:1.0-SNAPSHOT\n")},
        {"WEB-INF/lib/commons-lang3.jar", lang3, lang3_len},
        {"WEB-INF/lib/bundle-2.5.1.jar", mo_jar, mo_len},
        {"WEB-INF/lib/boot.jar", boot_jar, boot_len},
        {"WEB-INF/lib/broken.jar", TXT("PK\x03\x04 this is not a zip")},
        {"index.html", TXT("<html></html>")},
    };
    uint8_t *w = make_zip(war, sizeof war / sizeof *war, &war_len);
    ld_package_list l = {0};
    ld_error err = LD_ERROR_INIT;
    const char *path = "/srv/shop.war";
    assert_int_equal(ld_cataloger_java.parse(path, w, war_len, &l, &err), 0);
    assert_int_equal(l.n, 5);
    const ld_package *shop = find(&l, "shop");
    assert_string_equal(shop->group, "com.example");
    assert_string_equal(shop->version, "1.0-SNAPSHOT");
    const ld_package *b =
        find(&l, "org.example.very.long.bundle.symbolic.name.that.wraps.at.seventy.two");
    assert_non_null(b);
    assert_string_equal(b->version, "2.5.1.v20240101");
    assert_null(b->group);
    assert_string_equal(find(&l, "boot")->version, "0.1");
    size_t lang = 0;
    for (size_t i = 0; i < l.n; i++) {
        assert_string_equal(l.items[i].found_in, path);
        lang += strcmp(l.items[i].name, "commons-lang3") == 0;
    }
    assert_int_equal(lang, 2);
    ld_package_list_clear(&l);

    /* truncated war: error or fewer packages, never a crash */
    for (size_t cut = 0; cut < war_len; cut += war_len / 97 + 1) {
        ld_error e = LD_ERROR_INIT;
        (void)ld_cataloger_java.parse(path, w, cut, &l, &e);
        ld_package_list_clear(&l);
    }
    free(w);
    free(boot_jar);
    free(mo_jar);
}

static void test_nesting_depth(void **state)
{
    (void)state;
    /* twelve levels of jar in jar, each with its own pom.properties */
    size_t len;
    char props[96];
    snprintf(props, sizeof props, "groupId=g\nartifactId=level0\nversion=1\n");
    member m0[] = {
        {"META-INF/maven/g/level0/pom.properties", (const uint8_t *)props, strlen(props)}};
    uint8_t *cur = make_zip(m0, 1, &len);
    for (int d = 1; d < 12; d++) {
        char name[64];
        snprintf(props, sizeof props, "groupId=g\nartifactId=level%d\nversion=1\n", d);
        snprintf(name, sizeof name, "META-INF/maven/g/level%d/pom.properties", d);
        member m[] = {{name, (const uint8_t *)props, strlen(props)}, {"lib/inner.jar", cur, len}};
        size_t nl;
        uint8_t *next = make_zip(m, 2, &nl);
        free(cur);
        cur = next;
        len = nl;
    }
    ld_package_list l = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_cataloger_java.parse("/deep.jar", cur, len, &l, &err), 0);
    assert_int_equal(l.n, 5); /* the outer archive and four nested levels */
    assert_non_null(find(&l, "level11"));
    assert_non_null(find(&l, "level7"));
    assert_null(find(&l, "level6"));
    ld_package_list_clear(&l);
    free(cur);
}

static void le16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8);
}
static void le32(uint8_t *p, uint32_t v)
{
    le16(p, v), le16(p + 2, v >> 16);
}

/* A zip bomb laid out by hand: n entries named WEB-INF/lib/zN.jar, each
 * the same raw-deflated run of `big` zero bytes (compressed once, copied n
 * times), with correct CRCs, central directory and end record. */
static uint8_t *make_bomb(int n, size_t big, size_t *out_len)
{
    uint8_t *zeros = ld_xcalloc(1, big);
    uint32_t crc = (uint32_t)crc32(crc32(0, Z_NULL, 0), zeros, (uInt)big);
    z_stream zs = {0};
    assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&zs, (uLong)big);
    uint8_t *comp = ld_xmalloc(cap);
    zs.next_in = zeros;
    zs.avail_in = (uInt)big;
    zs.next_out = comp;
    zs.avail_out = (uInt)cap;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    size_t clen = cap - zs.avail_out;
    deflateEnd(&zs);
    free(zeros);
    uint8_t *z = ld_xcalloc(1, (size_t)n * (clen + 128) + 1024);
    size_t off = 0, cd_start;
    uint32_t offs[16];
    char name[32];
    for (int i = 0; i < n; i++) {
        int nl = snprintf(name, sizeof name, "WEB-INF/lib/z%d.jar", i);
        uint8_t *h = z + off;
        offs[i] = (uint32_t)off;
        le32(h, 0x04034b50);
        le16(h + 4, 20);
        le16(h + 8, 8);
        le32(h + 14, crc);
        le32(h + 18, (uint32_t)clen);
        le32(h + 22, (uint32_t)big);
        le16(h + 26, (uint32_t)nl);
        memcpy(h + 30, name, (size_t)nl);
        memcpy(h + 30 + nl, comp, clen);
        off += 30 + (size_t)nl + clen;
    }
    cd_start = off;
    for (int i = 0; i < n; i++) {
        int nl = snprintf(name, sizeof name, "WEB-INF/lib/z%d.jar", i);
        uint8_t *c = z + off;
        le32(c, 0x02014b50);
        le16(c + 4, 20);
        le16(c + 6, 20);
        le16(c + 10, 8);
        le32(c + 16, crc);
        le32(c + 20, (uint32_t)clen);
        le32(c + 24, (uint32_t)big);
        le16(c + 28, (uint32_t)nl);
        le32(c + 42, offs[i]);
        memcpy(c + 46, name, (size_t)nl);
        off += 46 + (size_t)nl;
    }
    uint8_t *e = z + off;
    le32(e, 0x06054b50);
    le16(e + 8, (uint32_t)n);
    le16(e + 10, (uint32_t)n);
    le32(e + 12, (uint32_t)(off - cd_start));
    le32(e + 16, (uint32_t)cd_start);
    off += 22;
    free(comp);
    *out_len = off;
    return z;
}

static void test_zip_bomb(void **state)
{
    (void)state;
    /* 8 nested "jars" of 96 MiB of zeros each: 768 MiB decompressed from
     * under 1 MiB; the per-file budget stops it */
    size_t len;
    uint8_t *bomb = make_bomb(8, (size_t)96 << 20, &len);
    assert_true(len < ((size_t)1 << 20));
    ld_package_list l = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_cataloger_java.parse("/bomb.war", bomb, len, &l, &err), LD_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "/bomb.war: "));
    assert_int_equal(l.n, 0);
    ld_package_list_clear(&l);
    free(bomb);
    /* two of them stay under the budget: read, found to be no zips, skipped */
    bomb = make_bomb(2, (size_t)96 << 20, &len);
    assert_int_equal(ld_cataloger_java.parse("/bomb.war", bomb, len, &l, &err), 0);
    assert_int_equal(l.n, 0);
    free(bomb);
    ld_package_list_clear(&l);
}

static void test_junk(void **state)
{
    (void)state;
    ld_package_list l = {0};
    ld_error err = LD_ERROR_INIT;
    static const uint8_t junk[] = "PK\x03\x04\xff\xff\xff\xff garbage garbage garbage garbage";
    assert_true(ld_cataloger_java.parse("/x.jar", junk, sizeof junk, &l, &err) < 0);
    assert_non_null(strstr(err.msg, "/x.jar: "));
    assert_true(ld_cataloger_java.parse("/x.jar", (const uint8_t *)"hello", 5, &l, &err) < 0);
    assert_true(ld_cataloger_java.parse("/x.jar", (const uint8_t *)"", 0, &l, &err) < 0);
    /* an empty zip: no packages, no error */
    size_t len;
    uint8_t *empty = make_zip(NULL, 0, &len);
    assert_int_equal(ld_cataloger_java.parse("/x.jar", empty, len, &l, &err), 0);
    assert_int_equal(l.n, 0);
    free(empty);
    /* a 1 MB manifest of continuation lines: joined in linear time */
    size_t lines = 14000, mlen = 0;
    char *mf = ld_xmalloc(lines * 72 + 128);
    mlen += (size_t)snprintf(mf, 64, "Implementation-Version: 1\nImplementation-Title: x\n");
    for (size_t i = 0; i < lines; i++) {
        memset(mf + mlen, 'a', 71);
        mf[mlen] = ' ';
        mf[mlen + 71] = '\n';
        mlen += 72;
    }
    member big[] = {{"META-INF/MANIFEST.MF", (const uint8_t *)mf, mlen}};
    uint8_t *bz = make_zip(big, 1, &len);
    free(mf);
    assert_int_equal(ld_cataloger_java.parse("/x.jar", bz, len, &l, &err), 0);
    assert_int_equal(l.n, 1);
    assert_int_equal(strlen(l.items[0].name), 1 + lines * 70);
    ld_package_list_clear(&l);
    free(bz);
    /* pom.properties without artifactId, manifest without version: nothing */
    member m[] = {{"META-INF/maven/g/a/pom.properties", TXT("groupId=g\nversion=1\n")},
                  {"META-INF/maven/g/a/b/pom.properties", TXT("artifactId=deep\n")}};
    uint8_t *z = make_zip(m, 2, &len);
    assert_int_equal(ld_cataloger_java.parse("/x.jar", z, len, &l, &err), 0);
    assert_int_equal(l.n, 0);
    free(z);
    ld_package_list_clear(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_jar),      cmocka_unit_test(test_war_with_nested_jars),
        cmocka_unit_test(test_nesting_depth), cmocka_unit_test(test_zip_bomb),
        cmocka_unit_test(test_junk),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
