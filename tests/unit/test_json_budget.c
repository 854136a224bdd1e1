/* Unit tests for the JSON budget (src/util/json_budget.c): the counting
 * pass agrees with the tree jansson builds (values with object keys,
 * objects and arrays, depth) on every JSON file of the repository's
 * fixtures and on hand-written shapes, strings hide brackets, malformed
 * input is counted without harm, each limit refuses with a message naming
 * the document, and a refused document is refused before jansson is asked
 * (16 MiB of empty objects: no tree, well under a second). The catalogers
 * that use it (npm, composer, cargo .dep-v0) refuse the same document. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "sbom/catalogers_list.h"
#include "util/json_budget.h"
#include "util/mem.h"

/* What the tree of j holds, counted the way ld_json_count_values counts. */
static void tree_count(json_t *j, size_t depth, ld_json_count *c)
{
    c->values++;
    if (json_is_object(j) || json_is_array(j)) {
        c->containers++;
        if (depth + 1 > c->depth)
            c->depth = depth + 1;
    }
    if (json_is_object(j)) {
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v)
        {
            c->values++; /* the key */
            tree_count(v, depth + 1, c);
        }
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) tree_count(v, depth + 1, c);
    }
}

static void assert_agrees(const char *what, const char *buf, size_t len)
{
    json_error_t je;
    json_t *j = json_loadb(buf, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
    if (!j)
        fail_msg("%s: %s", what, je.text);
    ld_json_count want = {0}, got;
    tree_count(j, 0, &want);
    json_decref(j);
    ld_json_count_values(buf, len, &got);
    if (got.values != want.values || got.containers != want.containers ||
        got.depth != want.depth)
        fail_msg("%s: counted %zu values, %zu containers, depth %zu; jansson built %zu, %zu, %zu",
                 what, got.values, got.containers, got.depth, want.values, want.containers,
                 want.depth);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *b = ld_xmalloc(cap);
    size_t r;
    while ((r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap)
            b = ld_xrealloc(b, cap *= 2);
    }
    fclose(f);
    *len = n;
    return b;
}

static void test_agrees_with_jansson(void **state)
{
    (void)state;
    static const char *const shapes[] = {
        "{}",
        "[]",
        "1",
        "\"s\"",
        "null",
        "[true,false,null,-1.5e3,\"x\"]",
        "{\"a\":{\"b\":[1,[2,[3,{}]]]},\"c\":\"}]{[\"}",
        "{\"esc\":\"a\\\"b\\\\\",\"u\":\"\\u0041\",\"k\\\"}\":[]}",
        " \n\t[ {} , [ ] , { \"x\" : [ { } ] } ] ",
        "{\"lockfileVersion\":3,\"packages\":{\"\":{\"name\":\"app\"},\"node_modules/a\":"
        "{\"version\":\"1.0.0\",\"license\":\"MIT\",\"dependencies\":{\"b\":\"^2\"}}}}",
    };
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++)
        assert_agrees(shapes[i], shapes[i], strlen(shapes[i]));

    /* real documents of the repository: feeds, VEX, npm seeds */
    static const char *const files[] = {
        "tests/fixtures/feeds/debian/tracker.json",
        "tests/fixtures/feeds/alpine/v3.19-main.json",
        "tests/fixtures/feeds/match/debian-tracker.json",
        "tests/fixtures/feeds/match/vex-lodash.json",
        "tests/fixtures/feeds/osv-npm/GHSA-p6mc-m468-83gw.json",
        "tests/fixtures/feeds/osv-npm/GHSA-29mw-wpgm-hmr9.json",
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", LD_SOURCE_DIR, files[i]);
        size_t len = 0;
        char *b = slurp(path, &len);
        if (!b)
            fail_msg("cannot read %s", path);
        assert_agrees(files[i], b, len);
        free(b);
    }
}

static void test_malformed_is_counted_safely(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "{", "}", "]]]]", "[[[", "\"unterminated", "{\"a\":\"b", "\\", "\xff\xfe[1]",
        "[1,,2]", "{\"a\" 1}", "[\"\\",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ld_json_count c;
        ld_json_count_values(bad[i], strlen(bad[i]), &c);
        assert_true(c.values <= strlen(bad[i]));
        ld_error err = LD_ERROR_INIT;
        json_t *j = ld_json_load_bounded("/x.json", bad[i], strlen(bad[i]), 0,
                                         &ld_json_cataloger_limits, &err);
        assert_null(j);
        assert_int_equal(err.code, LD_ERR_CORRUPT);
        assert_non_null(strstr(err.msg, "/x.json: invalid JSON at line "));
    }
    /* an unterminated string hides everything after it */
    ld_json_count c;
    ld_json_count_values("[\"a, [[[[", 9, &c);
    assert_int_equal(c.containers, 1);
    assert_int_equal(c.depth, 1);
}

static void test_each_limit(void **state)
{
    (void)state;
    const ld_json_limits lim = {.max_values = 5, .max_containers = 2, .max_depth = 2};
    ld_error err = LD_ERROR_INIT;
    const char *fits = "{\"a\":[1,2]}"; /* 5 values, 2 containers, depth 2 */
    json_t *j = ld_json_load_bounded("fits", fits, strlen(fits), 0, &lim, &err);
    assert_non_null(j);
    json_decref(j);

    static const struct {
        const char *doc, *msg;
    } over[] = {
        {"[[],[]]", "doc: 3 JSON objects and arrays, over the limit of 2; not loaded"},
        {"[1,2,3,4,5]", "doc: 6 JSON values, over the limit of 5; not loaded"},
        {"[[[1]]]", "doc: 3 JSON objects and arrays, over the limit of 2; not loaded"},
    };
    for (size_t i = 0; i < sizeof over / sizeof *over; i++) {
        ld_error_clear(&err);
        assert_null(ld_json_load_bounded("doc", over[i].doc, strlen(over[i].doc), 0, &lim, &err));
        assert_int_equal(err.code, LD_ERR_LIMIT);
        assert_string_equal(err.msg, over[i].msg);
    }
    const ld_json_limits shallow = {.max_values = 100, .max_containers = 100, .max_depth = 2};
    ld_error_clear(&err);
    assert_null(ld_json_load_bounded("deep", "[[[1]]]", 7, 0, &shallow, &err));
    assert_int_equal(err.code, LD_ERR_LIMIT);
    assert_string_equal(err.msg, "deep: JSON nested 3 deep, over the limit of 2; not loaded");
}

/* 16 MiB of "{}," as a package-lock.json, a composer installed.json: the
 * catalogers refuse it before jansson builds 5.6 million objects. */
static void test_catalogers_refuse_empty_objects(void **state)
{
    (void)state;
    const size_t n = (16u << 20) / 3;
    char *doc = ld_xmalloc(n * 3 + 64);
    size_t k = 0;
    static const char head[] = "{\"lockfileVersion\":3,\"packages\":{\"x\":[";
    memcpy(doc, head, sizeof head - 1);
    k = sizeof head - 1;
    for (size_t i = 0; i < n; i++) {
        memcpy(doc + k, i ? ",{}" : "{}", i ? 3 : 2);
        k += i ? 3 : 2;
    }
    memcpy(doc + k, "]}}", 3);
    k += 3;

    clock_t t0 = clock();
    ld_package_list l = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_cataloger_npm.parse("/app/package-lock.json", (const uint8_t *)doc, k, &l,
                                            &err),
                     LD_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "/app/package-lock.json: "));
    assert_non_null(strstr(err.msg, "JSON objects and arrays, over the limit of 500000"));

    /* the same objects as a composer v1 installed.json (a top-level array) */
    ld_error_clear(&err);
    char *arr = doc + sizeof head - 2; /* from the '[' */
    size_t alen = k - (sizeof head - 2) - 2;
    assert_int_equal(arr[0], '[');
    assert_int_equal(arr[alen - 1], ']');
    assert_int_equal(ld_cataloger_composer.parse("/app/vendor/composer/installed.json",
                                                 (const uint8_t *)arr, alen, &l, &err),
                     LD_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "/app/vendor/composer/installed.json: "));
    assert_int_equal(l.n, 0);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_true(secs < 2.0); /* counting only; building the trees took seconds and 2.5 GB */
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_agrees_with_jansson),
        cmocka_unit_test(test_malformed_is_counted_safely),
        cmocka_unit_test(test_each_limit),
        cmocka_unit_test(test_catalogers_refuse_empty_objects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
