/* Unit tests for the apk cataloger (src/sbom/apk.c). There is no Alpine
 * system on the build machines, so the installed database below is written
 * by hand in the real format (wiki.alpinelinux.org "Apk spec": the
 * /lib/apk/db/installed records of an alpine:3.19 image, with C:/F:/R:/Z:
 * lines as apk writes them), then hostile variants. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sbom/catalogers_list.h"
#include "util/mem.h"

static const char *const DB = "/lib/apk/db/installed";

static int parse(const char *data, size_t len, ld_package_list *out)
{
    ld_error err = LD_ERROR_INIT;
    return ld_cataloger_apk.parse(DB, (const uint8_t *)data, len, out, &err);
}

static const char installed[] = "C:Q1SJ8wT5XzDiU4RxOmnYGKwEILQ5Q=\n"
                                "P:musl\n"
                                "V:1.2.4_git20230717-r4\n"
                                "A:x86_64\n"
                                "S:407278\n"
                                "I:663552\n"
                                "T:the musl c library (libc) implementation\n"
                                "U:https://musl.libc.org/\n"
                                "L:MIT\n"
                                "o:musl\n"
                                "m:Timo Ter\xc3\xa4s <timo.teras@iki.fi>\n"
                                "t:1701780484\n"
                                "c:5ac3b5a1ef8d4a2e9a2f4d2e2c0d0d7f1c7b1d31\n"
                                "p:so:libc.musl-x86_64.so.1=1\n"
                                "F:lib\n"
                                "R:ld-musl-x86_64.so.1\n"
                                "a:0:0:755\n"
                                "Z:Q1C9GpvWrsIMyOXXhfHCeOWYBxSe4=\n"
                                "R:libc.musl-x86_64.so.1\n"
                                "\n"
                                "C:Q1Wt0y0mpjDtGk8dcyq1dGBc3X1dQ=\n"
                                "P:libcrypto3\n"
                                "V:3.1.4-r2\n"
                                "A:x86_64\n"
                                "S:1752331\n"
                                "I:4206592\n"
                                "T:Crypto library from openssl\n"
                                "U:https://www.openssl.org/\n"
                                "L:Apache-2.0\n"
                                "o:openssl\n"
                                "m:Ariadne Conill <ariadne@dereferenced.org>\n"
                                "t:1701367373\n"
                                "c:73e8b5d0c8e4b1f7a9d2e3f5c6b7a8d9e0f1a2b3\n"
                                "D:so:libc.musl-x86_64.so.1\n"
                                "p:so:libcrypto.so.3=3\n"
                                "r:libressl\n"
                                "F:usr/lib\n"
                                "R:libcrypto.so.3\n"
                                "\n"
                                "C:Q1x=\n"
                                "P:busybox\n"
                                "V:1.36.1-r15\n"
                                "A:x86_64\n"
                                "L:GPL-2.0-only\n"
                                "o:busybox\n"
                                "\n"
                                "P:scanelf\n"
                                "V:1.3.7-r2\n"
                                "A:x86_64\n"
                                "L:GPL-2.0-only AND MIT\n"
                                "o:pax-utils\n";

static void test_installed(void **state)
{
    (void)state;
    ld_package_list l = {0};
    assert_int_equal(parse(installed, sizeof(installed) - 1, &l), 0);
    assert_int_equal(l.n, 4);
    const ld_package *m = &l.items[0];
    assert_string_equal(m->name, "musl");
    assert_string_equal(m->version, "1.2.4_git20230717-r4");
    assert_string_equal(m->arch, "x86_64");
    assert_string_equal(m->source_name, "musl");
    assert_int_equal(m->licenses.n, 1);
    assert_string_equal(m->licenses.v[0], "MIT");
    assert_string_equal(m->found_in, DB);
    assert_string_equal(m->purl, "pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64");
    assert_string_equal(l.items[1].name, "libcrypto3");
    assert_string_equal(l.items[1].source_name, "openssl");
    assert_string_equal(l.items[3].licenses.v[0], "GPL-2.0-only AND MIT");
    ld_package_list_clear(&l);

    assert_true(ld_cataloger_apk.wants("/lib/apk/db/installed"));
    assert_false(ld_cataloger_apk.wants("/lib/apk/db/installed.new"));
    assert_false(ld_cataloger_apk.wants("/usr/lib/apk/db/installed"));
}

static void test_hostile(void **state)
{
    (void)state;
    ld_package_list l = {0};
    /* truncated in every position: never a crash, never more packages than whole */
    for (size_t n = 0; n <= sizeof(installed) - 1; n++) {
        assert_int_equal(parse(installed, n, &l), 0);
        assert_true(l.n <= 4);
        ld_package_list_clear(&l);
    }
    /* missing P: or V:, CRLF, lines without the "X:" shape, empty values */
    static const char t1[] = "V:1\nA:x\n\nP:noversion\n\nP:\nV:\n\n"
                             "junk\n:\nP\nPX:y\nP:crlf\r\nV:2\r\n\n";
    assert_int_equal(parse(t1, sizeof(t1) - 1, &l), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].name, "crlf");
    assert_string_equal(l.items[0].version, "2");
    ld_package_list_clear(&l);
    /* a huge value skips that record only */
    size_t big = 1u << 20;
    char *h = ld_xmalloc(big + 64);
    memcpy(h, "P:", 2);
    memset(h + 2, 'x', big);
    size_t hl = 2 + big;
    static const char tail[] = "\nV:1\n\nP:ok\nV:1\n";
    memcpy(h + hl, tail, sizeof(tail) - 1);
    hl += sizeof(tail) - 1;
    assert_int_equal(parse(h, hl, &l), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].name, "ok");
    ld_package_list_clear(&l);
    free(h);
    /* binary junk */
    unsigned char junk[65536];
    unsigned x = 777;
    for (size_t i = 0; i < sizeof(junk); i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (unsigned char)(x >> 16);
    }
    assert_int_equal(parse((const char *)junk, sizeof(junk), &l), 0);
    ld_package_list_clear(&l);
    /* many tiny records */
    size_t nrec = 100000;
    char *many = ld_xmalloc(nrec * 12);
    size_t ml = 0;
    for (size_t i = 0; i < nrec; i++)
        ml += (size_t)snprintf(many + ml, 12, "P:p\nV:1\n\n");
    assert_int_equal(parse(many, ml, &l), 0);
    assert_int_equal(l.n, nrec);
    ld_package_list_clear(&l);
    free(many);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_installed),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
