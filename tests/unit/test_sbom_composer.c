/* Unit tests for the Composer cataloger (src/sbom/composer.c) on
 * installed.json written by hand in the exact layouts Composer 1 (a
 * top-level array) and Composer 2 ({"packages": [...], "dev": ...,
 * "dev-package-names": [...]}) write, and on hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sbom/catalogers_list.h"

static const char v1[] =
    "[\n"
    "    {\n"
    "        \"name\": \"monolog/monolog\",\n"
    "        \"version\": \"2.9.1\",\n"
    "        \"version_normalized\": \"2.9.1.0\",\n"
    "        \"source\": {\"type\": \"git\", \"url\": \"https://github.com/Seldaek/monolog.git\", "
    "\"reference\": \"f259e2b15fb95494c83f52d3caad003bbf5ffaa1\"},\n"
    "        \"require\": {\"php\": \">=7.2\", \"psr/log\": \"^1.0.1 || ^2.0 || ^3.0\"},\n"
    "        \"time\": \"2023-02-06T13:44:46+00:00\",\n"
    "        \"type\": \"library\",\n"
    "        \"installation-source\": \"dist\",\n"
    "        \"license\": [\"MIT\"]\n"
    "    },\n"
    "    {\n"
    "        \"name\": \"psr/log\",\n"
    "        \"version\": \"3.0.0\",\n"
    "        \"version_normalized\": \"3.0.0.0\",\n"
    "        \"type\": \"library\",\n"
    "        \"license\": [\"MIT\", \"Apache-2.0\"]\n"
    "    }\n"
    "]\n";

static const char v2[] = "{\n"
                         "    \"packages\": [\n"
                         "        {\n"
                         "            \"name\": \"symfony/console\",\n"
                         "            \"version\": \"v6.3.4\",\n"
                         "            \"version_normalized\": \"6.3.4.0\",\n"
                         "            \"type\": \"library\",\n"
                         "            \"install-path\": \"../symfony/console\",\n"
                         "            \"license\": [\"MIT\"]\n"
                         "        },\n"
                         "        {\"name\": \"Vendor/NoLicense\", \"version\": \"dev-main\"},\n"
                         "        {\"name\": \"broken/entry\"},\n"
                         "        42\n"
                         "    ],\n"
                         "    \"dev\": true,\n"
                         "    \"dev-package-names\": []\n"
                         "}\n";

static const ld_package *find(const ld_package_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].name, name) == 0)
            return &l->items[i];
    return NULL;
}

static void test_v1_and_v2(void **state)
{
    (void)state;
    const char *path = "/var/www/vendor/composer/installed.json";
    assert_true(ld_cataloger_composer.wants(path));
    assert_false(ld_cataloger_composer.wants("/var/www/composer.json"));
    ld_package_list l = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(
        ld_cataloger_composer.parse(path, (const uint8_t *)v1, sizeof v1 - 1, &l, &err), 0);
    assert_int_equal(l.n, 2);
    const ld_package *p = find(&l, "psr/log");
    assert_string_equal(p->version, "3.0.0");
    assert_int_equal(p->licenses.n, 2);
    assert_string_equal(p->licenses.v[1], "Apache-2.0");
    assert_string_equal(p->found_in, path);
    assert_string_equal(find(&l, "monolog/monolog")->purl, "pkg:composer/monolog/monolog@2.9.1");
    ld_package_list_clear(&l);
    assert_int_equal(
        ld_cataloger_composer.parse(path, (const uint8_t *)v2, sizeof v2 - 1, &l, &err), 0);
    assert_int_equal(l.n, 2);
    assert_string_equal(find(&l, "symfony/console")->version, "v6.3.4");
    assert_int_equal(find(&l, "Vendor/NoLicense")->licenses.n, 0);
    ld_package_list_clear(&l);
}

static void test_hostile(void **state)
{
    (void)state;
    const char *path = "/app/vendor/composer/installed.json";
    ld_package_list l = {0};
    static const char *const bad[] = {
        "", "{", "{\"packages\": 1}", "\"str\"", "{\"a\":1,\"a\":2}", "\xff\xfe\x00"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ld_error e = LD_ERROR_INIT;
        assert_true(
            ld_cataloger_composer.parse(path, (const uint8_t *)bad[i], strlen(bad[i]), &l, &e) < 0);
        assert_non_null(strstr(e.msg, path));
        assert_int_equal(l.n, 0);
    }
    /* deep nesting is refused by the JSON parser, not by the stack */
    size_t depth = 100000;
    char *deep = malloc(2 * depth);
    assert_non_null(deep);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    ld_error e = LD_ERROR_INIT;
    assert_true(ld_cataloger_composer.parse(path, (const uint8_t *)deep, 2 * depth, &l, &e) < 0);
    free(deep);
    /* truncations of a valid file */
    for (size_t cut = 0; cut + 1 < sizeof v1 - 1; cut++) {
        ld_error e2 = LD_ERROR_INIT;
        assert_true(ld_cataloger_composer.parse(path, (const uint8_t *)v1, cut, &l, &e2) < 0);
        assert_int_equal(l.n, 0);
    }
    ld_package_list_clear(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v1_and_v2),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
