/* Unit tests for the Python cataloger (src/sbom/python.c): core metadata as
 * wheels and Debian's python3-* packages write it (samples shaped like
 * chardet's METADATA and six's PKG-INFO from bookworm), the licence rules,
 * path matching, and hostile input. Real .deb content is checked end to end
 * by tests/e2e/test_sbom_realdata.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sbom/catalogers_list.h"
#include "util/mem.h"

static ld_package_list parse_ok(const char *path, const char *data, size_t len)
{
    ld_package_list l = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_cataloger_python.parse(path, (const uint8_t *)data, len, &l, &err), 0);
    return l;
}

#define PARSE(path, lit) parse_ok(path, lit, sizeof(lit) - 1)

static void test_dist_info(void **state)
{
    (void)state;
    static const char m[] =
        "Metadata-Version: 2.1\n"
        "Name: chardet\n"
        "Version: 5.1.0\n"
        "Summary: Universal encoding detector for Python 3\n"
        "Home-page: https://github.com/chardet/chardet\n"
        "Author: Mark Pilgrim\n"
        "License: LGPL\n"
        "Classifier: Development Status :: 5 - Production/Stable\n"
        "Classifier: License :: OSI Approved :: GNU Lesser General Public License v2 or later "
        "(LGPLv2+)\n"
        "Requires-Python: >=3.7\n"
        "License-File: LICENSE\n"
        "\n"
        "Name: not-a-header\n"
        "Version: 9\n";
    ld_package_list l = PARSE("/usr/lib/python3/dist-packages/chardet-5.1.0.dist-info/METADATA", m);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].name, "chardet");
    assert_string_equal(l.items[0].version, "5.1.0");
    assert_int_equal(l.items[0].licenses.n, 1);
    assert_string_equal(l.items[0].licenses.v[0], "LGPL");
    assert_string_equal(l.items[0].purl, "pkg:pypi/chardet@5.1.0");
    assert_string_equal(l.items[0].found_in,
                        "/usr/lib/python3/dist-packages/chardet-5.1.0.dist-info/METADATA");
    ld_package_list_clear(&l);
}

static void test_license_rules(void **state)
{
    (void)state;
    /* License-Expression wins */
    static const char a[] = "Metadata-Version: 2.4\nName: Foo_Bar\nVersion: 1.0\n"
                            "License: MIT\nLicense-Expression: MIT OR Apache-2.0\n";
    ld_package_list l = PARSE("/x/foo_bar-1.0.dist-info/METADATA", a);
    assert_string_equal(l.items[0].licenses.v[0], "MIT OR Apache-2.0");
    assert_int_equal(l.items[0].licenses.n, 1);
    assert_string_equal(l.items[0].purl, "pkg:pypi/foo-bar@1.0");
    ld_package_list_clear(&l);
    /* a License field holding licence text (continuation lines) and UNKNOWN
     * fall back to the classifiers, deduplicated */
    static const char b[] = "Name: b\nVersion: 2\n"
                            "License: Copyright (c) 2010 Someone\n"
                            "        Permission is hereby granted, free of charge...\n"
                            "Classifier: License :: OSI Approved :: MIT License\n"
                            "Classifier: License :: OSI Approved :: MIT License\n"
                            "Classifier: License :: OSI Approved\n"
                            "Classifier: License :: Public Domain\n"
                            "Classifier: Programming Language :: Python\n";
    l = PARSE("/x/b-2.egg-info/PKG-INFO", b);
    assert_int_equal(l.items[0].licenses.n, 2);
    assert_string_equal(l.items[0].licenses.v[0], "MIT License");
    assert_string_equal(l.items[0].licenses.v[1], "Public Domain");
    ld_package_list_clear(&l);
    static const char c[] = "Name: c\nVersion: 3\nLicense: UNKNOWN\n";
    l = PARSE("/x/c-3.egg-info", c);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.items[0].licenses.n, 0);
    ld_package_list_clear(&l);
    /* a long single-line License is text, not an identifier */
    char d[600];
    int n = snprintf(d, sizeof(d), "Name: d\nVersion: 4\nLicense: ");
    memset(d + n, 'x', 300);
    n += 300;
    d[n++] = '\n';
    l = parse_ok("/x/d.dist-info/METADATA", d, (size_t)n);
    assert_int_equal(l.items[0].licenses.n, 0);
    ld_package_list_clear(&l);
}

static void test_wants(void **state)
{
    (void)state;
    const ld_cataloger *c = &ld_cataloger_python;
    assert_true(c->wants("/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO"));
    assert_true(c->wants("/usr/local/lib/python3.11/site-packages/pip-23.0.1.dist-info/METADATA"));
    assert_true(c->wants("/usr/lib/python3/dist-packages/python_apt-2.6.0.egg-info"));
    assert_true(c->wants("/opt/venv/lib/python3.12/site-packages/x-1.dist-info/METADATA"));
    assert_false(c->wants("/usr/lib/python3/dist-packages/six-1.16.0.dist-info/RECORD"));
    assert_false(c->wants("/usr/lib/python3/dist-packages/six.py"));
    assert_false(c->wants("/x/.dist-info/METADATA"));
    assert_false(c->wants("/x/PKG-INFO"));
}

static void test_hostile(void **state)
{
    (void)state;
    ld_package_list l;
    /* missing Name or Version: nothing */
    l = PARSE("/a.dist-info/METADATA", "Name: x\n");
    assert_int_equal(l.n, 0);
    l = PARSE("/a.dist-info/METADATA", "Version: 1\n");
    assert_int_equal(l.n, 0);
    l = PARSE("/a.dist-info/METADATA", "");
    assert_int_equal(l.n, 0);
    /* Version after the header block does not count */
    l = PARSE("/a.dist-info/METADATA", "Name: x\n\nVersion: 1\n");
    assert_int_equal(l.n, 0);
    /* truncated at every byte of a valid file */
    static const char full[] = "Metadata-Version: 2.1\r\nName: six\r\nVersion: 1.16.0\r\n"
                               "License: MIT\r\n";
    for (size_t n = 0; n <= sizeof(full) - 1; n++) {
        l = parse_ok("/s.dist-info/METADATA", full, n);
        assert_true(l.n <= 1);
        if (l.n) {
            assert_string_equal(l.items[0].name, "six");
            assert_non_null(l.items[0].version);
        }
        ld_package_list_clear(&l);
    }
    l = PARSE("/s.dist-info/METADATA", full);
    assert_string_equal(l.items[0].version, "1.16.0"); /* CR trimmed */
    ld_package_list_clear(&l);
    /* huge Name: skipped */
    size_t big = 1u << 20;
    char *h = ld_xmalloc(big + 64);
    memcpy(h, "Name: ", 6);
    memset(h + 6, 'n', big);
    memcpy(h + 6 + big, "\nVersion: 1\n", 12);
    l = parse_ok("/h.dist-info/METADATA", h, big + 18);
    assert_int_equal(l.n, 0);
    free(h);
    /* thousands of classifiers: bounded */
    size_t cap = 200000, len = 0;
    char *many = ld_xmalloc(cap);
    len += (size_t)snprintf(many, cap, "Name: m\nVersion: 1\n");
    for (int i = 0; i < 3000; i++)
        len += (size_t)snprintf(many + len, cap - len, "Classifier: License :: L%d\n", i);
    l = parse_ok("/m.dist-info/METADATA", many, len);
    assert_int_equal(l.n, 1);
    assert_true(l.items[0].licenses.n <= 64);
    ld_package_list_clear(&l);
    free(many);
    /* binary junk */
    unsigned char junk[65536];
    unsigned x = 4242;
    for (size_t i = 0; i < sizeof(junk); i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (unsigned char)(x >> 16);
    }
    l = parse_ok("/j.dist-info/METADATA", (const char *)junk, sizeof(junk));
    ld_package_list_clear(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dist_info),
        cmocka_unit_test(test_license_rules),
        cmocka_unit_test(test_wants),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
