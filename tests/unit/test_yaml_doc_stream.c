/* Unit tests for the stream side of the YAML tree loader (src/util/yaml_doc.c,
 * yaml_json.c, yaml_scalar.c): multi-document streams, anchors, aliases and
 * merge keys with the expansion budget, standard tags, JSON, and the
 * YAML 1.1 scalar typing helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/mem.h"
#include "util/yaml_doc.h"

static const ld_yaml_options manifest_opts = {
    .limits = {.max_bytes = 64u << 20, .max_depth = 64, .max_nodes = 100000},
    .aliases = true,
    .tags = true,
    .json = true,
};

static int parse(const char *s, ld_yaml_docs *d, ld_error *err)
{
    memset(d, 0, sizeof(*d));
    return ld_yaml_parse_stream("s.yaml", s, strlen(s), &manifest_opts, d, err);
}

/* the document must parse; fails the test with the loader's message */
static void must_parse(const char *s, ld_yaml_docs *d)
{
    ld_error err = LD_ERROR_INIT;
    if (parse(s, d, &err) < 0)
        fail_msg("\"%s\" refused: %s", s, err.msg);
}

static const char *at(const ld_yaml_node *n, const char *a, const char *b)
{
    const ld_yaml_node *x = ld_yaml_get(n, a);
    return b ? ld_yaml_str(ld_yaml_get(x, b)) : ld_yaml_str(x);
}

static void test_multi_document(void **state)
{
    (void)state;
    ld_yaml_docs d;
    must_parse("a: 1\n---\nb: 2\n...\n---\n# only a comment\nc: 3\n---\n", &d);
    assert_int_equal(d.n, 4);
    assert_string_equal(at(d.docs[0], "a", NULL), "1");
    assert_string_equal(at(d.docs[1], "b", NULL), "2");
    assert_int_equal(ld_yaml_get(d.docs[1], "b")->line, 3);
    assert_string_equal(at(d.docs[2], "c", NULL), "3");
    assert_int_equal(ld_yaml_get(d.docs[2], "c")->line, 7);
    /* "---" alone: an empty document, an empty plain scalar */
    assert_int_equal(d.docs[3]->kind, LD_YAML_SCALAR);
    assert_string_equal(d.docs[3]->value, "");
    assert_false(d.docs[3]->quoted);
    assert_false(d.json);
    ld_yaml_docs_clear(&d);

    must_parse("# nothing but comments\n", &d);
    assert_int_equal(d.n, 0);
    ld_yaml_docs_clear(&d);
}

static void test_document_limit(void **state)
{
    (void)state;
    ld_yaml_options o = manifest_opts;
    o.max_documents = 3;
    ld_yaml_docs d = {0};
    ld_error err = LD_ERROR_INIT;
    const char *s = "a: 1\n---\na: 2\n---\na: 3\n---\na: 4\n";
    assert_true(ld_yaml_parse_stream("s", s, strlen(s), &o, &d, &err) < 0);
    assert_int_equal(err.code, LD_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "more than 3 YAML documents"));
    assert_int_equal(d.n, 0);
}

static void test_aliases_share(void **state)
{
    (void)state;
    ld_yaml_docs d;
    must_parse("a: &x\n  k: [1, 2]\nb: *x\nc: &s hello\nd: *s\n", &d);
    const ld_yaml_node *a = ld_yaml_get(d.docs[0], "a"), *b = ld_yaml_get(d.docs[0], "b");
    assert_ptr_equal(a, b); /* shared, not copied */
    assert_string_equal(ld_yaml_str(ld_yaml_get(b, "k")->items[1]), "2");
    assert_string_equal(at(d.docs[0], "d", NULL), "hello");
    /* the anchored node keeps the line it was written on */
    assert_int_equal(ld_yaml_get(b, "k")->line, 2);
    ld_yaml_docs_clear(&d);

    /* redefinition: the later anchor wins from there on */
    must_parse("a: &x 1\nb: *x\nc: &x 2\nd: *x\n", &d);
    assert_string_equal(at(d.docs[0], "b", NULL), "1");
    assert_string_equal(at(d.docs[0], "d", NULL), "2");
    ld_yaml_docs_clear(&d);
}

static void test_alias_errors(void **state)
{
    (void)state;
    ld_yaml_docs d;
    ld_error err = LD_ERROR_INIT;
    /* an alias before its anchor, or to an anchor of another document */
    assert_true(parse("a: *x\nb: &x 1\n", &d, &err) < 0);
    assert_non_null(strstr(err.msg, "line 1: alias *x names no anchor"));
    err = (ld_error)LD_ERROR_INIT;
    assert_true(parse("a: &x 1\n---\nb: *x\n", &d, &err) < 0);
    assert_non_null(strstr(err.msg, "line 3: alias *x names no anchor"));
    assert_int_equal(d.n, 0);
    /* the strict single-document loader still refuses aliases */
    err = (ld_error)LD_ERROR_INIT;
    const char *s = "a: &x 1\nb: *x\n";
    assert_null(ld_yaml_parse("p", s, strlen(s), NULL, &err));
    assert_int_equal(err.code, LD_ERR_UNSUPPORTED);
    /* and a stream without the option */
    ld_yaml_options o = {0};
    err = (ld_error)LD_ERROR_INIT;
    assert_true(ld_yaml_parse_stream("p", s, strlen(s), &o, &d, &err) < 0);
    assert_non_null(strstr(err.msg, "aliases are not accepted"));
}

/* Billion laughs: nine levels of ten aliases each stand for 10^9 nodes. */
static void test_alias_bomb(void **state)
{
    (void)state;
    char *s = ld_xstrdup("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\","
                         "\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'i'; c++) {
        char *line = ld_xasprintf("%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n", c, c,
                                  c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1,
                                  c - 1);
        char *next = ld_xasprintf("%s%s", s, line);
        free(s);
        free(line);
        s = next;
    }
    ld_yaml_docs d;
    ld_error err = LD_ERROR_INIT;
    assert_true(parse(s, &d, &err) < 0);
    assert_int_equal(err.code, LD_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "alias bomb"));
    free(s);

    /* the same few aliases under the budget are fine */
    must_parse("a: &a [1, 2]\nb: [*a, *a, *a]\n", &d);
    assert_int_equal(ld_yaml_get(d.docs[0], "b")->n, 3);
    ld_yaml_docs_clear(&d);
}

/* An alias counts its depth where it is used. */
static void test_alias_depth(void **state)
{
    (void)state;
    ld_yaml_options o = manifest_opts;
    o.limits.max_depth = 8;
    const char *s = "a: &x [[[[[1]]]]]\nb: [[[[*x]]]]\n";
    ld_yaml_docs d = {0};
    ld_error err = LD_ERROR_INIT;
    assert_true(ld_yaml_parse_stream("s", s, strlen(s), &o, &d, &err) < 0);
    assert_int_equal(err.code, LD_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "deeper than 8"));
    const char *ok = "a: &x [[1]]\nb: [[*x]]\n";
    err = (ld_error)LD_ERROR_INIT;
    assert_int_equal(ld_yaml_parse_stream("s", ok, strlen(ok), &o, &d, &err), 0);
    ld_yaml_docs_clear(&d);
}

static void test_merge_keys(void **state)
{
    (void)state;
    ld_yaml_docs d;
    must_parse("base: &base\n  image: nginx\n  privileged: true\n  port: 80\n"
               "other: &other\n  port: 8080\n  user: app\n"
               "one:\n  <<: *base\n  name: one\n  port: 81\n"
               "two:\n  <<: [*other, *base]\n  name: two\n"
               "three:\n  <<: {inline: yes}\n",
               &d);
    const ld_yaml_node *root = d.docs[0];
    const ld_yaml_node *one = ld_yaml_get(root, "one");
    assert_null(ld_yaml_get(one, "<<"));
    assert_string_equal(at(root, "one", "image"), "nginx");
    assert_string_equal(at(root, "one", "port"), "81"); /* written keys win */
    assert_string_equal(at(root, "one", "name"), "one");
    assert_int_equal(one->n, 4);
    /* a merged value keeps the line it was written on */
    assert_int_equal(ld_yaml_get(one, "privileged")->line, 3);
    /* in a list, the earlier map wins */
    assert_string_equal(at(root, "two", "port"), "8080");
    assert_string_equal(at(root, "two", "user"), "app");
    assert_string_equal(at(root, "two", "privileged"), "true");
    assert_int_equal(ld_yaml_get(root, "two")->n, 5);
    assert_string_equal(at(root, "three", "inline"), "yes");
    ld_yaml_docs_clear(&d);

    /* a quoted "<<" is an ordinary key */
    must_parse("a:\n  \"<<\": x\n", &d);
    assert_string_equal(at(d.docs[0], "a", "<<"), "x");
    ld_yaml_docs_clear(&d);
}

static void test_merge_errors(void **state)
{
    (void)state;
    ld_yaml_docs d;
    ld_error err = LD_ERROR_INIT;
    assert_true(parse("a:\n  <<: 5\n", &d, &err) < 0);
    assert_non_null(strstr(err.msg, "merge key"));
    err = (ld_error)LD_ERROR_INIT;
    assert_true(parse("b: &b [1]\na:\n  <<: [*b]\n", &d, &err) < 0);
    assert_non_null(strstr(err.msg, "not a list"));
    /* duplicates among the written keys stay errors with a merge present */
    err = (ld_error)LD_ERROR_INIT;
    assert_true(parse("b: &b {x: 1}\na:\n  <<: *b\n  y: 1\n  y: 2\n", &d, &err) < 0);
    assert_non_null(strstr(err.msg, "line 5: duplicate key \"y\""));
    /* the budget counts what merges bring */
    ld_yaml_options o = manifest_opts;
    o.limits.max_nodes = 40;
    const char *s = "b: &b {k1: 1, k2: 2, k3: 3, k4: 4, k5: 5}\n"
                    "c: [{<<: *b}, {<<: *b}, {<<: *b}, {<<: *b}]\n";
    err = (ld_error)LD_ERROR_INIT;
    assert_true(ld_yaml_parse_stream("s", s, strlen(s), &o, &d, &err) < 0);
    assert_int_equal(err.code, LD_ERR_LIMIT);
}

static void test_standard_tags(void **state)
{
    (void)state;
    ld_yaml_docs d;
    must_parse("s: !!str true\ni: !!int 0x1F\nb: !!bool yes\nf: !!float 1.5\nn: !!null ~\n"
               "bin: !!binary aGVsbG8=\nt: !!timestamp 2024-05-01T10:00:00Z\n"
               "m: !!map {a: 1}\nq: !!seq [1]\nx: ! 12\nplain: 12\n",
               &d);
    const ld_yaml_node *r = d.docs[0];
    assert_int_equal(ld_yaml_get(r, "s")->tag, LD_YAML_TAG_STR);
    assert_true(ld_yaml_get(r, "s")->quoted); /* a string, whatever it spells */
    assert_int_equal(ld_yaml_get(r, "i")->tag, LD_YAML_TAG_INT);
    assert_false(ld_yaml_get(r, "i")->quoted);
    assert_int_equal(ld_yaml_get(r, "b")->tag, LD_YAML_TAG_BOOL);
    assert_int_equal(ld_yaml_get(r, "f")->tag, LD_YAML_TAG_FLOAT);
    assert_int_equal(ld_yaml_get(r, "n")->tag, LD_YAML_TAG_NULL);
    assert_int_equal(ld_yaml_get(r, "bin")->tag, LD_YAML_TAG_BINARY);
    assert_int_equal(ld_yaml_get(r, "t")->tag, LD_YAML_TAG_TIMESTAMP);
    assert_int_equal(ld_yaml_get(r, "m")->tag, LD_YAML_TAG_MAP);
    assert_int_equal(ld_yaml_get(r, "q")->tag, LD_YAML_TAG_SEQ);
    assert_int_equal(ld_yaml_get(r, "x")->tag, LD_YAML_TAG_STR);
    assert_true(ld_yaml_get(r, "x")->quoted);
    assert_int_equal(ld_yaml_get(r, "plain")->tag, LD_YAML_TAG_NONE);
    assert_string_equal(ld_yaml_tag_name(LD_YAML_TAG_TIMESTAMP), "!!timestamp");
    ld_yaml_docs_clear(&d);
}

static void test_tag_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
        ld_errcode code;
    } cases[] = {
        {"a: !!python/object:os.system x\n", "!!python/object:os.system is not accepted",
         LD_ERR_UNSUPPORTED},
        {"a: !foo x\n", "!foo is not accepted", LD_ERR_UNSUPPORTED},
        {"a: !!set {x}\n", "!!set is not accepted", LD_ERR_UNSUPPORTED},
        {"a: !!int abc\n", "tagged !!int is not one", LD_ERR_CORRUPT},
        {"a: !!bool maybe\n", "tagged !!bool is not one", LD_ERR_CORRUPT},
        {"a: !!null 0\n", "tagged !!null", LD_ERR_CORRUPT},
        {"a: !!float x1\n", "tagged !!float", LD_ERR_CORRUPT},
        {"a: !!timestamp yesterday\n", "tagged !!timestamp", LD_ERR_CORRUPT},
        {"a: !!binary \"%%%\"\n", "tagged !!binary", LD_ERR_CORRUPT},
        {"a: !!map 1\n", "tag !!map on a scalar", LD_ERR_CORRUPT},
        {"a: !!seq {b: 1}\n", "tag !!seq on a mapping", LD_ERR_CORRUPT},
        {"a: !!str [1]\n", "tag !!str on a list", LD_ERR_CORRUPT},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ld_yaml_docs d;
        ld_error err = LD_ERROR_INIT;
        if (parse(cases[i].text, &d, &err) == 0)
            fail_msg("\"%s\" accepted", cases[i].text);
        if (!strstr(err.msg, cases[i].want) || err.code != cases[i].code)
            fail_msg("\"%s\": \"%s\" (code %d) lacks \"%s\"", cases[i].text, err.msg, err.code,
                     cases[i].want);
        if (!strstr(err.msg, "s.yaml: line 1: "))
            fail_msg("\"%s\": no line in \"%s\"", cases[i].text, err.msg);
    }
}

static void test_json(void **state)
{
    (void)state;
    ld_yaml_docs d;
    must_parse("{\n  \"kind\": \"Pod\",\n  \"n\": -1.5e3,\n  \"t\": true,\n  \"z\": null,\n"
               "  \"s\": \"caf\\u00e9 \\ud83d\\ude00 \\ud800 \\\"q\\\" \\n\",\n"
               "  \"l\": [1, {\"a\": []}, {}]\n}\n{\"second\": 2} [3]\n",
               &d);
    assert_true(d.json);
    assert_int_equal(d.n, 3);
    const ld_yaml_node *r = d.docs[0];
    assert_int_equal(r->line, 1);
    assert_true(ld_yaml_get(r, "kind")->quoted);
    assert_int_equal(ld_yaml_get(r, "kind")->line, 2);
    assert_int_equal(ld_yaml_get(r, "kind")->col, 11);
    assert_false(ld_yaml_get(r, "n")->quoted);
    assert_string_equal(at(r, "n", NULL), "-1.5e3");
    assert_false(ld_yaml_get(r, "t")->quoted);
    assert_string_equal(at(r, "z", NULL), "null");
    assert_string_equal(at(r, "s", NULL), "caf\xc3\xa9 \xf0\x9f\x98\x80 \xef\xbf\xbd \"q\" \n");
    const ld_yaml_node *l = ld_yaml_get(r, "l");
    assert_int_equal(l->n, 3);
    assert_int_equal(ld_yaml_get(l->items[1], "a")->kind, LD_YAML_SEQ);
    assert_int_equal(ld_yaml_get(l->items[1], "a")->n, 0);
    assert_int_equal(l->items[2]->kind, LD_YAML_MAP);
    assert_string_equal(at(d.docs[1], "second", NULL), "2");
    assert_int_equal(d.docs[1]->line, 9);
    assert_int_equal(d.docs[2]->kind, LD_YAML_SEQ);
    ld_yaml_docs_clear(&d);

    /* a YAML flow mapping is not JSON: read as YAML */
    must_parse("{a: 1, b: [x, y]}\n", &d);
    assert_false(d.json);
    assert_string_equal(at(d.docs[0], "a", NULL), "1");
    ld_yaml_docs_clear(&d);

    /* single JSON text */
    ld_error err = LD_ERROR_INIT;
    const char *one = "\xEF\xBB\xBF{\"a\": {\"b\": [true]}}";
    ld_yaml_node *root = ld_yaml_parse_json("j", one, strlen(one), NULL, &err);
    assert_non_null(root);
    assert_string_equal(ld_yaml_str(ld_yaml_get(ld_yaml_get(root, "a"), "b")->items[0]), "true");
    ld_yaml_free(root);
    assert_null(ld_yaml_parse_json("j", "{} {}", 5, NULL, &err));
    assert_non_null(strstr(err.msg, "more than one JSON text"));
}

static void test_json_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"{\"a\": 1, \"a\": 2}", "duplicate key \"a\""},
        {"{\"a\": \"x\\u0000y\"}", "\\u0000"},
        {"{\"a\": \"\xff\"}", "invalid UTF-8"},
        {"{\"a\": \"tab\there\"}", "control character"},
        {"{\"a\": [1, 2}", "expected ',' or ']'"},
        {"{\"a\": \"unterminated}", "unterminated string"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ld_error err = LD_ERROR_INIT;
        ld_yaml_node *root =
            ld_yaml_parse_json("j.json", cases[i].text, strlen(cases[i].text), NULL, &err);
        if (root)
            fail_msg("\"%s\" accepted", cases[i].text);
        if (!strstr(err.msg, cases[i].want))
            fail_msg("\"%s\": \"%s\" lacks \"%s\"", cases[i].text, err.msg, cases[i].want);
    }
    /* JSON limits are limits, not a reason to try YAML */
    ld_yaml_options o = manifest_opts;
    o.limits.max_depth = 10;
    char deep[64];
    memset(deep, '[', 30);
    memset(deep + 30, ']', 30);
    deep[60] = '\0';
    ld_yaml_docs d = {0};
    ld_error err = LD_ERROR_INIT;
    assert_true(ld_yaml_parse_stream("j", deep, 60, &o, &d, &err) < 0);
    assert_int_equal(err.code, LD_ERR_LIMIT);
    o = manifest_opts;
    o.limits.max_nodes = 5;
    err = (ld_error)LD_ERROR_INIT;
    const char *many = "[1,2,3,4,5,6,7]";
    assert_true(ld_yaml_parse_stream("j", many, strlen(many), &o, &d, &err) < 0);
    assert_int_equal(err.code, LD_ERR_LIMIT);
    /* a syntax error in JSON that YAML cannot read either keeps the JSON message */
    err = (ld_error)LD_ERROR_INIT;
    const char *bad = "{\"a\": [1, 2}";
    assert_true(ld_yaml_parse_stream("j", bad, strlen(bad), &manifest_opts, &d, &err) < 0);
    assert_non_null(strstr(err.msg, "JSON: expected ',' or ']'"));
}

/* A value longer than max_scalar_bytes is refused before it is kept: on
 * one line (before libyaml copies it), in a block, in JSON. */
static void test_value_limit(void **state)
{
    (void)state;
    ld_yaml_options o = manifest_opts;
    o.max_scalar_bytes = 100;
    size_t n = 10000;
    char *long_line = ld_xmalloc(n + 16);
    memcpy(long_line, "a: 1\nb: ", 8);
    memset(long_line + 8, 'x', n);
    long_line[8 + n] = '\n';
    long_line[9 + n] = '\0';
    ld_yaml_docs d = {0};
    ld_error err = LD_ERROR_INIT;
    assert_true(ld_yaml_parse_stream("s", long_line, strlen(long_line), &o, &d, &err) < 0);
    assert_int_equal(err.code, LD_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "s: line 2 is longer than"));
    free(long_line);

    char block[512] = "a: |\n";
    size_t at = strlen(block);
    for (int i = 0; i < 30; i++)
        at += (size_t)snprintf(block + at, sizeof(block) - at, "  0123456789\n");
    err = (ld_error)LD_ERROR_INIT;
    assert_true(ld_yaml_parse_stream("s", block, strlen(block), &o, &d, &err) < 0);
    assert_non_null(strstr(err.msg, "line 1: a value of 330 bytes; at most 100"));

    char json[256];
    snprintf(json, sizeof(json), "{\"a\": \"%0150d\"}", 7);
    err = (ld_error)LD_ERROR_INIT;
    assert_true(ld_yaml_parse_stream("j", json, strlen(json), &o, &d, &err) < 0);
    assert_int_equal(err.code, LD_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "string longer than 100 bytes"));
    snprintf(json, sizeof(json), "{\"a\": \"%s\"}", "\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n");
    o.max_scalar_bytes = 5;
    err = (ld_error)LD_ERROR_INIT;
    assert_true(ld_yaml_parse_stream("j", json, strlen(json), &o, &d, &err) < 0);
    assert_non_null(strstr(err.msg, "string longer than 5 bytes"));
    /* at the limit is fine */
    o.max_scalar_bytes = 10;
    snprintf(json, sizeof(json), "{\"a\": \"0123456789\"}");
    assert_int_equal(ld_yaml_parse_stream("j", json, strlen(json), &o, &d, &err), 0);
    ld_yaml_docs_clear(&d);
}

static void test_docs_move(void **state)
{
    (void)state;
    ld_yaml_docs all = {0}, d;
    must_parse("a: 1\n---\nb: 2\n", &d);
    ld_yaml_docs_move(&all, &d);
    assert_int_equal(d.n, 0);
    must_parse("{\"c\": 3}", &d);
    ld_yaml_docs_move(&all, &d);
    assert_int_equal(all.n, 3);
    assert_string_equal(at(all.docs[2], "c", NULL), "3");
    assert_string_equal(at(all.docs[0], "a", NULL), "1");
    ld_yaml_docs_clear(&all);
}

static void test_text_typing(void **state)
{
    (void)state;
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
    for (size_t i = 0; i < 5; i++)
        assert_true(ld_yaml_text_is_null(nulls[i]));
    assert_false(ld_yaml_text_is_null("nil"));
    assert_false(ld_yaml_text_is_null("nULL"));

    static const char *const yes[] = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
                                      "on", "On", "ON"};
    static const char *const no[] = {"n", "N", "no", "No", "NO", "false", "False", "FALSE",
                                     "off", "Off", "OFF"};
    for (size_t i = 0; i < 11; i++) {
        bool b = false;
        assert_true(ld_yaml_text_bool(yes[i], &b));
        assert_true(b);
        assert_true(ld_yaml_text_bool(no[i], &b));
        assert_false(b);
    }
    bool b = true;
    assert_false(ld_yaml_text_bool("tRUE", &b));
    assert_false(ld_yaml_text_bool("1", &b));
    assert_true(b);

    static const struct {
        const char *s;
        long long v;
    } ints[] = {{"0", 0},        {"42", 42},     {"-17", -17},    {"+5", 5},
                {"0x1F", 31},    {"0o17", 15},   {"017", 15},     {"0b101", 5},
                {"1_000", 1000}, {"-0x10", -16}, {"9223372036854775807", 9223372036854775807LL},
                {"-9223372036854775808", (-9223372036854775807LL - 1)}};
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        long long v = 0;
        if (!ld_yaml_text_int(ints[i].s, &v) || v != ints[i].v)
            fail_msg("\"%s\" -> %lld", ints[i].s, v);
    }
    static const char *const not_ints[] = {"",   "0x",  "08",  "1.5", "abc",
                                           "--1", "_1", "9223372036854775808", "0b2"};
    for (size_t i = 0; i < sizeof(not_ints) / sizeof(not_ints[0]); i++) {
        long long v = 0;
        if (ld_yaml_text_int(not_ints[i], &v))
            fail_msg("\"%s\" read as an integer", not_ints[i]);
    }
    assert_true(ld_yaml_text_float("1.5"));
    assert_true(ld_yaml_text_float("-1e3"));
    assert_true(ld_yaml_text_float(".5"));
    assert_true(ld_yaml_text_float("-.inf"));
    assert_true(ld_yaml_text_float(".NaN"));
    assert_false(ld_yaml_text_float("1.5x"));
    assert_false(ld_yaml_text_float("e3"));
    assert_false(ld_yaml_text_float("-.nan"));
}

/* The tree of a large stream lives in an arena: many documents load and
 * free without trouble, and the line of the last one is right. */
static void test_many_documents(void **state)
{
    (void)state;
    size_t n = 20000;
    size_t cap = n * 32 + 1, len = 0;
    char *s = ld_xmalloc(cap);
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(s + len, cap - len, "---\nkind: Pod\nname: p%zu\n", i);
    ld_yaml_options o = manifest_opts;
    o.limits.max_nodes = 1000000;
    ld_yaml_docs d = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_yaml_parse_stream("m", s, len, &o, &d, &err), 0);
    assert_int_equal(d.n, n);
    assert_string_equal(at(d.docs[n - 1], "name", NULL), "p19999");
    assert_int_equal(ld_yaml_get(d.docs[n - 1], "name")->line, (int)(3 * n));
    ld_yaml_docs_clear(&d);
    free(s);
}

/* Two trees are the same: kinds, values, quoting, tags, lines, columns. */
static void assert_same_tree(const ld_yaml_node *a, const ld_yaml_node *b)
{
    assert_int_equal(a->kind, b->kind);
    assert_int_equal(a->line, b->line);
    assert_int_equal(a->col, b->col);
    assert_int_equal(a->quoted, b->quoted);
    assert_int_equal(a->tag, b->tag);
    assert_int_equal(a->n, b->n);
    if (a->kind == LD_YAML_SCALAR)
        assert_string_equal(a->value, b->value);
    for (size_t i = 0; i < a->n; i++) {
        if (a->kind == LD_YAML_MAP)
            assert_same_tree(a->keys[i], b->keys[i]);
        assert_same_tree(a->items[i], b->items[i]);
    }
}

static void parse_both_ways(const char *s, size_t len, size_t want_docs)
{
    ld_yaml_options one = manifest_opts, many = manifest_opts;
    one.threads = 1;
    many.threads = 4;
    one.limits.max_nodes = many.limits.max_nodes = 10000000;
    ld_yaml_docs a = {0}, b = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_yaml_parse_stream("big", s, len, &one, &a, &err), 0);
    assert_int_equal(ld_yaml_parse_stream("big", s, len, &many, &b, &err), 0);
    assert_int_equal(a.n, want_docs);
    assert_int_equal(a.n, b.n);
    for (size_t i = 0; i < a.n; i++)
        assert_same_tree(a.docs[i], b.docs[i]);
    ld_yaml_docs_clear(&a);
    ld_yaml_docs_clear(&b);
}

/* A large input parsed in pieces on several threads gives the tree the
 * whole parse gives: a multi-document stream, a kubectl List (with a
 * document before it, keys after its items, one after it), a List whose
 * items use anchors across the cut points (parsed whole), and a document
 * marker inside a block scalar's lookalike. */
static void test_chunked_parse(void **state)
{
    (void)state;
    size_t cap = 12u << 20, len = 0;
    char *s = ld_xmalloc(cap);
#define PUT(...) (len += (size_t)snprintf(s + len, cap - len, __VA_ARGS__))
    for (size_t i = 0; len < (6u << 20); i++)
        PUT("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"c%zu\"\n"
            "data:\n  a: 'x'\n  b: |\n    multi\n    line\n",
            i);
    size_t docs = 0;
    for (const char *p = s; (p = strstr(p, "---\n")); p += 4)
        docs++;
    parse_both_ways(s, len, docs);

    len = 0;
    PUT("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nitems:\n");
    size_t items;
    for (items = 0; len < (6u << 20); items++)
        PUT("- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: p%zu\n  spec:\n"
            "    containers:\n    - name: c\n      args: [\"--x\", \"- y\"]\n"
            "# a comment\n\n",
            items);
    PUT("kind: List\nmetadata:\n  resourceVersion: \"\"\n---\nafter: 1\n");
    parse_both_ways(s, len, 3);
    ld_yaml_options o = manifest_opts;
    o.limits.max_nodes = 10000000;
    ld_yaml_docs d = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_yaml_parse_stream("big", s, len, &o, &d, &err), 0);
    const ld_yaml_node *list = d.docs[1];
    assert_int_equal(ld_yaml_get(list, "items")->n, items);
    assert_string_equal(ld_yaml_str(ld_yaml_get(list, "kind")), "List");
    assert_string_equal(ld_yaml_str(ld_yaml_get(d.docs[2], "after")), "1");
    ld_yaml_docs_clear(&d);

    /* the List ends the input; then with anchors across the cuts */
    len = 0;
    PUT("kind: List\nitems:\n- &first {name: first}\n");
    while (len < (6u << 20))
        PUT("- {name: x, ref: *first}\n");
    parse_both_ways(s, len, 1);
    /* "..." after the items ends the List's document */
    PUT("...\n---\nkind: Pod\n");
    parse_both_ways(s, len, 2);
    /* a duplicate key across the cut is still an error, on its real line */
    len = 0;
    PUT("kind: List\nitems:\n");
    while (len < (6u << 20))
        PUT("- {name: x}\n");
    PUT("kind: again\n");
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += s[i] == '\n';
    err = (ld_error)LD_ERROR_INIT;
    assert_true(ld_yaml_parse_stream("big", s, len, &o, &d, &err) < 0);
    char want[64];
    snprintf(want, sizeof(want), "line %zu: duplicate key \"kind\"", lines);
    assert_non_null(strstr(err.msg, want));
#undef PUT
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_multi_document), cmocka_unit_test(test_document_limit),
        cmocka_unit_test(test_aliases_share),  cmocka_unit_test(test_alias_errors),
        cmocka_unit_test(test_alias_bomb),     cmocka_unit_test(test_alias_depth),
        cmocka_unit_test(test_merge_keys),     cmocka_unit_test(test_merge_errors),
        cmocka_unit_test(test_standard_tags),  cmocka_unit_test(test_tag_errors),
        cmocka_unit_test(test_json),           cmocka_unit_test(test_json_errors),
        cmocka_unit_test(test_docs_move),      cmocka_unit_test(test_text_typing),
        cmocka_unit_test(test_value_limit),    cmocka_unit_test(test_chunked_parse),
        cmocka_unit_test(test_many_documents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
