/* Unit tests for the npm cataloger (src/sbom/npm.c): package.json under
 * node_modules (licence as a string, an object, the legacy array),
 * package-lock.json v1, v2 and v3, path matching, and hostile JSON (invalid,
 * wrong types, deep nesting, huge strings). Packages installed from the npm
 * registry are compared with `npm ls` in tests/e2e/test_sbom_realdata.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sbom/catalogers_list.h"
#include "util/mem.h"

static int parse(const char *path, const char *data, size_t len, ld_package_list *out)
{
    ld_error err = LD_ERROR_INIT;
    int rc = ld_cataloger_npm.parse(path, (const uint8_t *)data, len, out, &err);
    if (rc < 0) {
        assert_int_equal(rc, err.code);
        assert_non_null(strstr(err.msg, path)); /* the error names the file */
    }
    return rc;
}

#define PARSE(path, lit, out) parse(path, lit, sizeof(lit) - 1, out)

static const ld_package *find(const ld_package_list *l, const char *name, const char *version)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].name, name) == 0 &&
            (!version || strcmp(l->items[i].version, version) == 0))
            return &l->items[i];
    return NULL;
}

static void test_package_json(void **state)
{
    (void)state;
    ld_package_list l = {0};
    assert_int_equal(PARSE("/app/node_modules/lodash/package.json",
                           "{\"name\":\"lodash\",\"version\":\"4.17.20\",\"license\":\"MIT\","
                           "\"main\":\"lodash.js\"}",
                           &l),
                     0);
    assert_int_equal(PARSE("/app/node_modules/@babel/helper-plugin-utils/package.json",
                           "{\"name\":\"@babel/helper-plugin-utils\",\"version\":\"7.22.5\","
                           "\"license\":{\"type\":\"MIT\",\"url\":\"x\"}}",
                           &l),
                     0);
    assert_int_equal(PARSE("/app/node_modules/old/package.json",
                           "{\"name\":\"old\",\"version\":\"0.1.0\",\"licenses\":[{\"type\":"
                           "\"MIT\"},{\"type\":\"Apache-2.0\"},\"BSD-2-Clause\",{\"type\":1}]}",
                           &l),
                     0);
    assert_int_equal(l.n, 3);
    const ld_package *a = find(&l, "lodash", NULL);
    assert_string_equal(a->licenses.v[0], "MIT");
    assert_string_equal(a->purl, "pkg:npm/lodash@4.17.20");
    const ld_package *b = find(&l, "@babel/helper-plugin-utils", NULL);
    assert_string_equal(b->licenses.v[0], "MIT");
    assert_string_equal(b->purl, "pkg:npm/%40babel/helper-plugin-utils@7.22.5");
    const ld_package *c = find(&l, "old", NULL);
    assert_int_equal(c->licenses.n, 3);
    assert_string_equal(c->licenses.v[2], "BSD-2-Clause");
    ld_package_list_clear(&l);
    /* no name or version (e.g. {"type":"module"} marker files): nothing */
    assert_int_equal(PARSE("/a/node_modules/x/package.json", "{\"type\":\"module\"}", &l), 0);
    assert_int_equal(PARSE("/a/node_modules/x/package.json", "{\"name\":\"x\"}", &l), 0);
    assert_int_equal(l.n, 0);
}

static void test_wants(void **state)
{
    (void)state;
    bool (*w)(const char *) = ld_cataloger_npm.wants;
    assert_true(w("/app/node_modules/lodash/package.json"));
    assert_true(w("/app/node_modules/@babel/core/package.json"));
    assert_true(w("/app/node_modules/a/node_modules/b/package.json"));
    assert_true(w("/app/node_modules/a/node_modules/@s/b/package.json"));
    assert_true(w("/node_modules/x/package.json"));
    assert_true(w("/app/package-lock.json"));
    assert_true(w("/package-lock.json"));
    /* the app's own package.json, a package's inner files, the hidden lockfile */
    assert_false(w("/app/package.json"));
    assert_false(w("/app/node_modules/lodash/dist/package.json"));
    assert_false(w("/app/node_modules/@babel/package.json"));
    assert_false(w("/app/node_modules/.bin/package.json"));
    assert_false(w("/app/node_modules/package.json"));
    assert_false(w("/app/node_modules/.package-lock.json"));
    assert_false(w("/app/node_modules/x/package-lock.json"));
    assert_false(w("/app/my_node_modules/x/package.json"));
    assert_false(w("package.json"));
}

static void test_lock_v1(void **state)
{
    (void)state;
    static const char lock[] =
        "{\"name\":\"app\",\"version\":\"1.0.0\",\"lockfileVersion\":1,\"requires\":true,"
        "\"dependencies\":{"
        "\"lodash\":{\"version\":\"4.17.20\",\"resolved\":\"https://r/lodash.tgz\"},"
        "\"@babel/helper-plugin-utils\":{\"version\":\"7.22.5\",\"dev\":true},"
        "\"a\":{\"version\":\"1.0.0\",\"dependencies\":{\"b\":{\"version\":\"2.0.0\"}}},"
        "\"bad\":{\"version\":5},\"worse\":[]}}";
    ld_package_list l = {0};
    assert_int_equal(PARSE("/app/package-lock.json", lock, &l), 0);
    assert_int_equal(l.n, 4);
    assert_non_null(find(&l, "lodash", "4.17.20"));
    assert_non_null(find(&l, "@babel/helper-plugin-utils", "7.22.5"));
    assert_non_null(find(&l, "b", "2.0.0"));
    assert_string_equal(find(&l, "b", NULL)->found_in, "/app/package-lock.json");
    ld_package_list_clear(&l);
}

static void test_lock_v2_v3(void **state)
{
    (void)state;
    static const char lock[] =
        "{\"name\":\"app\",\"lockfileVersion\":3,\"packages\":{"
        "\"\":{\"name\":\"app\",\"version\":\"1.0.0\"},"
        "\"node_modules/lodash\":{\"version\":\"4.17.20\",\"license\":\"MIT\"},"
        "\"node_modules/@babel/helper-plugin-utils\":{\"version\":\"7.22.5\",\"license\":"
        "\"MIT\"},"
        "\"node_modules/a/node_modules/b\":{\"version\":\"2.0.0\"},"
        "\"node_modules/alias\":{\"name\":\"real-name\",\"version\":\"3.0.0\"},"
        "\"packages/ws\":{\"version\":\"0.0.1\",\"name\":\"ws-local\"},"
        "\"node_modules/ws-local\":{\"resolved\":\"packages/ws\",\"link\":true},"
        "\"node_modules/nover\":{},\"node_modules/\":{\"version\":\"1\"},\"x\":3},"
        "\"dependencies\":{\"ignored\":{\"version\":\"9\"}}}";
    ld_package_list l = {0};
    assert_int_equal(PARSE("/srv/app/package-lock.json", lock, &l), 0);
    assert_non_null(find(&l, "lodash", "4.17.20"));
    assert_string_equal(find(&l, "lodash", NULL)->licenses.v[0], "MIT");
    assert_non_null(find(&l, "@babel/helper-plugin-utils", "7.22.5"));
    assert_non_null(find(&l, "b", "2.0.0"));
    assert_non_null(find(&l, "real-name", "3.0.0"));
    assert_non_null(find(&l, "ws-local", "0.0.1")); /* the workspace package itself */
    assert_null(find(&l, "app", NULL));             /* the root is the app */
    assert_null(find(&l, "ignored", NULL));         /* v1 section of a v2 lock */
    assert_int_equal(l.n, 5);
    ld_package_list_clear(&l);
}

static void test_hostile(void **state)
{
    (void)state;
    ld_package_list l = {0};
    const char *p = "/a/node_modules/x/package.json";
    assert_int_equal(parse(p, "", 0, &l), LD_ERR_CORRUPT);
    assert_int_equal(PARSE(p, "{\"name\":\"x\",", &l), LD_ERR_CORRUPT); /* truncated */
    assert_int_equal(PARSE(p, "[1,2]", &l), LD_ERR_CORRUPT);            /* not an object */
    assert_int_equal(PARSE(p, "\"x\"", &l), LD_ERR_CORRUPT);
    assert_int_equal(PARSE(p, "{\"name\":\"x\\u0000y\",\"version\":\"1\"}", &l), LD_ERR_CORRUPT);
    /* wrong types everywhere */
    assert_int_equal(PARSE(p, "{\"name\":1,\"version\":\"1\"}", &l), 0);
    assert_int_equal(PARSE(p, "{\"name\":\"x\",\"version\":[]}", &l), 0);
    assert_int_equal(PARSE(p, "{\"name\":\"\",\"version\":\"1\"}", &l), 0);
    assert_int_equal(l.n, 0);
    assert_int_equal(PARSE(p,
                           "{\"name\":\"x\",\"version\":\"1\",\"license\":{\"type\":[]},"
                           "\"licenses\":{\"type\":\"MIT\"}}",
                           &l),
                     0);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.items[0].licenses.n, 1); /* the object form of "licenses" */
    ld_package_list_clear(&l);
    assert_int_equal(PARSE("/package-lock.json", "{\"packages\":[],\"dependencies\":7}", &l), 0);
    assert_int_equal(PARSE("/package-lock.json", "{\"packages\":{\"node_modules/x\":[1]}}", &l), 0);
    assert_int_equal(l.n, 0);

    /* deep nesting: 100000 arrays is refused by the JSON budget's count
     * (util/json_budget.h) before the parser recurses */
    size_t depth = 100000;
    char *deep = ld_xmalloc(2 * depth + 64);
    size_t n = (size_t)snprintf(deep, 64, "{\"name\":\"x\",\"version\":\"1\",\"a\":");
    memset(deep + n, '[', depth);
    memset(deep + n + depth, ']', depth);
    deep[n + 2 * depth] = '}';
    assert_int_equal(parse(p, deep, n + 2 * depth + 1, &l), LD_ERR_LIMIT);
    free(deep);

    /* a v1 lock nested 1000 deep: walked to a bounded depth */
    size_t levels = 1000, cap = levels * 64 + 64, len = 0;
    char *lock = ld_xmalloc(cap);
    len += (size_t)snprintf(lock, cap, "{\"lockfileVersion\":1,\"dependencies\":");
    for (size_t i = 0; i < levels; i++)
        len += (size_t)snprintf(lock + len, cap - len,
                                "{\"p%zu\":{\"version\":\"1\",\"dependencies\":", i);
    len += (size_t)snprintf(lock + len, cap - len, "{}");
    for (size_t i = 0; i < levels; i++)
        len += (size_t)snprintf(lock + len, cap - len, "}}");
    len += (size_t)snprintf(lock + len, cap - len, "}");
    assert_int_equal(parse("/package-lock.json", lock, len, &l), 0);
    assert_int_equal(l.n, 64);
    ld_package_list_clear(&l);
    free(lock);

    /* a 1 MiB name is ignored */
    size_t big = 1u << 20;
    char *h = ld_xmalloc(big + 64);
    memcpy(h, "{\"name\":\"", 9);
    memset(h + 9, 'a', big);
    memcpy(h + 9 + big, "\",\"version\":\"1\"}", 16);
    assert_int_equal(parse(p, h, big + 25, &l), 0);
    assert_int_equal(l.n, 0);
    free(h);

    /* binary junk */
    unsigned char junk[4096];
    unsigned x = 99;
    for (size_t i = 0; i < sizeof(junk); i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (unsigned char)(x >> 16);
    }
    junk[0] = '{';
    assert_int_equal(parse(p, (const char *)junk, sizeof(junk), &l), LD_ERR_CORRUPT);
    assert_int_equal(l.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_package_json), cmocka_unit_test(test_wants),
        cmocka_unit_test(test_lock_v1),      cmocka_unit_test(test_lock_v2_v3),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
