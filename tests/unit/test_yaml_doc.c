/* Unit tests for the bounded YAML tree loader (src/util/yaml_doc.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/mem.h"
#include "util/yaml_doc.h"

static ld_yaml_node *parse(const char *s, ld_error *err)
{
    return ld_yaml_parse("t.yaml", s, strlen(s), NULL, err);
}

static void test_tree_and_lines(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    ld_yaml_node *root = parse("a: 1\nb:\n  - x\n  - \"y\"\nc: {d: e}\n", &err);
    assert_non_null(root);
    assert_int_equal(root->kind, LD_YAML_MAP);
    assert_string_equal(ld_yaml_str(ld_yaml_get(root, "a")), "1");
    const ld_yaml_node *b = ld_yaml_get(root, "b");
    assert_int_equal(b->kind, LD_YAML_SEQ);
    assert_int_equal(b->n, 2);
    assert_int_equal(b->items[1]->line, 4);
    assert_true(b->items[1]->quoted);
    assert_false(b->items[0]->quoted);
    assert_string_equal(ld_yaml_str(ld_yaml_get(ld_yaml_get(root, "c"), "d")), "e");
    assert_null(ld_yaml_get(root, "missing"));
    ld_yaml_free(root);
}

static void test_empty_document(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    ld_yaml_node *root = parse("", &err);
    assert_non_null(root);
    assert_int_equal(root->kind, LD_YAML_MAP);
    assert_int_equal(root->n, 0);
    ld_yaml_free(root);
}

static void test_syntax_error_has_line(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    assert_null(parse("a: 1\nb: [1, 2\nc: 3\n", &err));
    assert_int_equal(err.code, LD_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "t.yaml: line "));
}

static void test_duplicate_key(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    assert_null(parse("a: 1\nb: 2\na: 3\n", &err));
    assert_non_null(strstr(err.msg, "line 3: duplicate key \"a\""));
}

static void test_aliases_refused(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    assert_null(parse("a: &x [1, 2]\nb: *x\n", &err));
    assert_int_equal(err.code, LD_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.msg, "aliases"));
}

static void test_depth_limit(void **state)
{
    (void)state;
    size_t n = 200;
    char *s = ld_xmalloc(2 * n + 1);
    memset(s, '[', n);
    memset(s + n, ']', n);
    s[2 * n] = '\0';
    ld_error err = LD_ERROR_INIT;
    assert_null(parse(s, &err));
    assert_int_equal(err.code, LD_ERR_LIMIT);
    free(s);
}

static void test_size_and_node_limits(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    ld_yaml_limits lim = {.max_bytes = 8};
    assert_null(ld_yaml_parse("t", "a: 123456789", 12, &lim, &err));
    assert_int_equal(err.code, LD_ERR_LIMIT);
    ld_yaml_limits lim2 = {.max_nodes = 4};
    const char *doc = "[1, 2, 3, 4, 5, 6]";
    assert_null(ld_yaml_parse("t", doc, strlen(doc), &lim2, &err));
    assert_int_equal(err.code, LD_ERR_LIMIT);
}

static void test_complex_key_refused(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    assert_null(parse("? [a, b]\n: c\n", &err));
    assert_non_null(strstr(err.msg, "keys must be scalars"));
}

/* One document per file: a second one is refused, not dropped. */
static void test_second_document_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {"a: 1\n---\nb: 2\n", "a: 1\n---\n", "---\na: 1\n---\nb: 2\n",
                                      "a: 1\n...\n---\nb: 2\n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ld_error err = LD_ERROR_INIT;
        ld_yaml_node *root = parse(bad[i], &err);
        if (root)
            fail_msg("\"%s\" accepted", bad[i]);
        assert_int_equal(err.code, LD_ERR_UNSUPPORTED);
        assert_non_null(strstr(err.msg, "t.yaml: line "));
        assert_non_null(strstr(err.msg, "a second YAML document"));
    }
    /* an explicit start or end marker around the one document is fine */
    static const char *const good[] = {"---\na: 1\n", "a: 1\n...\n", "---\na: 1\n...\n"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        ld_error err = LD_ERROR_INIT;
        ld_yaml_node *root = parse(good[i], &err);
        if (!root)
            fail_msg("\"%s\" refused: %s", good[i], err.msg);
        assert_string_equal(ld_yaml_str(ld_yaml_get(root, "a")), "1");
        ld_yaml_free(root);
    }
}

/* Tags would be ignored (every scalar stays a string): refused, named as
 * written, wherever they appear. */
static void test_tags_refused(void **state)
{
    (void)state;
    static const struct {
        const char *text, *shown;
    } cases[] = {
        {"a: !!python/object:os.system x\n", "(!!python/object:os.system)"},
        {"a: !foo x\n", "(!foo)"},
        {"a: ! x\n", "(!)"},
        {"a: !!str 1\n", "(!!str)"},
        {"!!map\na: 1\n", "(!!map)"},
        {"a: !!seq\n  - 1\n", "(!!seq)"},
        {"a:\n  - b: !<tag:example.com,2000:x> y\n", "(tag:example.com,2000:x)"},
        {"!!str k: v\n", "(!!str)"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ld_error err = LD_ERROR_INIT;
        ld_yaml_node *root = parse(cases[i].text, &err);
        if (root)
            fail_msg("\"%s\" accepted", cases[i].text);
        if (!strstr(err.msg, "YAML tags") || !strstr(err.msg, cases[i].shown))
            fail_msg("\"%s\": message \"%s\" lacks \"%s\"", cases[i].text, err.msg, cases[i].shown);
    }
    /* '!' inside a plain or quoted scalar is text, not a tag */
    ld_error err = LD_ERROR_INIT;
    ld_yaml_node *root = parse("a: x!y\nb: \"!!z\"\n", &err);
    assert_non_null(root);
    assert_string_equal(ld_yaml_str(ld_yaml_get(root, "b")), "!!z");
    ld_yaml_free(root);
}

static void test_bom_skipped(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    ld_yaml_node *root = parse("\xEF\xBB\xBF"
                               "a: 1\n",
                               &err);
    assert_non_null(root);
    assert_string_equal(ld_yaml_str(ld_yaml_get(root, "a")), "1");
    assert_int_equal(root->n, 1);
    ld_yaml_free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree_and_lines),
        cmocka_unit_test(test_empty_document),
        cmocka_unit_test(test_syntax_error_has_line),
        cmocka_unit_test(test_duplicate_key),
        cmocka_unit_test(test_aliases_refused),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_size_and_node_limits),
        cmocka_unit_test(test_complex_key_refused),
        cmocka_unit_test(test_second_document_refused),
        cmocka_unit_test(test_tags_refused),
        cmocka_unit_test(test_bom_skipped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
