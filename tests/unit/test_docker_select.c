/* Unit tests for the Docker audit's container selection
 * (docker/container_select.c: --container / --exclude-container): matching
 * by name (with and without "/", globs, not by a legacy link's alias), by
 * id prefix (4 hex digits at least), by label key and key=value glob;
 * comma lists; malformed patterns; and the selector's counts, description
 * and report notes. Entries have the shape GET /containers/json returns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "docker/container_select.h"
#include "util/cleanup.h"
#include "test_docker_util.h"

#define WEB_ID "3f4e5d6c7b8a99887766554433221100ffeeddccbbaa00112233445566778899"
#define DB_ID "a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1"

static json_t *entry(const char *text)
{
    json_error_t jerr;
    json_t *j = json_loads(text, 0, &jerr);
    if (!j)
        fail_msg("bad test JSON: %s", jerr.text);
    return j;
}

static json_t *web(void)
{
    return entry("{\"Id\": \"" WEB_ID "\", \"Names\": [\"/web-1\"], \"State\": \"running\","
                 " \"Labels\": {\"tier\": \"frontend\", \"com.example.team\": \"payments\","
                 " \"empty\": \"\"}}");
}

/* db is linked into web: the engine lists it also as /web-1/db. */
static json_t *db(void)
{
    return entry("{\"Id\": \"" DB_ID "\", \"Names\": [\"/db\", \"/web-1/db\"], \"State\": "
                 "\"exited\", \"Labels\": {\"tier\": \"backend\"}}");
}

static void test_names(void **state)
{
    (void)state;
    json_t *w = web(), *d = db();
    assert_true(ld_container_pattern_matches("web-1", w));
    assert_true(ld_container_pattern_matches("/web-1", w));
    assert_true(ld_container_pattern_matches("web-*", w));
    assert_true(ld_container_pattern_matches("/we?-[0-9]", w));
    assert_false(ld_container_pattern_matches("web", w));   /* a name, not a substring */
    assert_false(ld_container_pattern_matches("WEB-1", w)); /* names are case-sensitive */
    assert_false(ld_container_pattern_matches("web-1", d)); /* the link alias is not db's name */
    assert_false(ld_container_pattern_matches("web-1/db", d));
    assert_false(ld_container_pattern_matches("web-*", d));
    assert_true(ld_container_pattern_matches("db", d));
    assert_true(ld_container_pattern_matches("*", d));
    json_decref(w);
    json_decref(d);
}

static void test_ids(void **state)
{
    (void)state;
    json_t *w = web(), *d = db();
    assert_true(ld_container_pattern_matches("3f4e", w));
    assert_true(ld_container_pattern_matches("3f4e5d6c7b8a", w));
    assert_true(ld_container_pattern_matches(WEB_ID, w));
    assert_true(ld_container_pattern_matches("3F4E5D", w)); /* hex in either case */
    assert_false(ld_container_pattern_matches("3f4", w));   /* too short to be an id prefix */
    assert_false(ld_container_pattern_matches("3f4e", d));
    assert_false(ld_container_pattern_matches("4e5d", w)); /* a prefix, not a substring */
    assert_false(ld_container_pattern_matches(WEB_ID "0", w));
    assert_true(ld_container_pattern_matches("a0b1c2", d));
    /* an entry without an Id is still matched by name */
    json_t *noid = entry("{\"Names\": [\"/x\"]}");
    assert_false(ld_container_pattern_matches("a0b1", noid));
    assert_true(ld_container_pattern_matches("x", noid));
    json_decref(noid);
    json_decref(w);
    json_decref(d);
}

static void test_labels(void **state)
{
    (void)state;
    json_t *w = web(), *d = db();
    assert_true(ld_container_pattern_matches("label:tier", w));
    assert_true(ld_container_pattern_matches("label:tier", d));
    assert_true(ld_container_pattern_matches("label:tier=frontend", w));
    assert_false(ld_container_pattern_matches("label:tier=frontend", d));
    assert_true(ld_container_pattern_matches("label:tier=*end", d));
    assert_true(ld_container_pattern_matches("label:com.example.team=pay*", w));
    assert_false(ld_container_pattern_matches("label:com.example.*", w)); /* keys are exact */
    assert_true(ld_container_pattern_matches("label:empty=", w));
    assert_false(ld_container_pattern_matches("label:empty=x", w));
    assert_false(ld_container_pattern_matches("label:team", w));
    assert_false(ld_container_pattern_matches("label:tier=Frontend", w));
    /* a value holding "=" keeps everything after the first one */
    json_t *eq = entry("{\"Id\": \"" WEB_ID "\", \"Labels\": {\"q\": \"a=b\"}}");
    assert_true(ld_container_pattern_matches("label:q=a=b", eq));
    json_decref(eq);
    /* hostile entries: no Labels, Labels not an object, a value not a string */
    json_t *odd = entry("{\"Id\": \"" WEB_ID "\", \"Labels\": [\"tier\"]}");
    assert_false(ld_container_pattern_matches("label:tier", odd));
    json_decref(odd);
    odd = entry("{\"Id\": \"" WEB_ID "\", \"Labels\": {\"n\": 5}}");
    assert_true(ld_container_pattern_matches("label:n", odd));
    assert_false(ld_container_pattern_matches("label:n=5", odd));
    json_decref(odd);
    odd = entry("[]");
    assert_false(ld_container_pattern_matches("*", odd));
    json_decref(odd);
    json_decref(w);
    json_decref(d);
}

static void test_pattern_form(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_container_pattern_check("web-*", &err), 0);
    assert_int_equal(ld_container_pattern_check("label:a=", &err), 0);
    assert_int_equal(ld_container_pattern_check("", &err), LD_ERR_INVALID);
    assert_int_equal(ld_container_pattern_check("/", &err), LD_ERR_INVALID);
    assert_int_equal(ld_container_pattern_check("label:", &err), LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "label:KEY"));
    assert_int_equal(ld_container_pattern_check("label:=x", &err), LD_ERR_INVALID);
    char *long_one = malloc(2000);
    memset(long_one, 'a', 1999);
    long_one[1999] = '\0';
    assert_int_equal(ld_container_pattern_check(long_one, &err), LD_ERR_INVALID);
    json_t *w = web();
    assert_false(ld_container_pattern_matches("label:", w)); /* malformed matches nothing */
    json_decref(w);
    free(long_one);

    ld_strlist l = {0};
    assert_int_equal(ld_container_patterns_push(&l, "a,,b,"), 2);
    assert_int_equal(ld_container_patterns_push(&l, ","), 0);
    assert_int_equal(ld_container_patterns_push(&l, "label:x=1"), 1);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.v[0], "a");
    assert_string_equal(l.v[1], "b");
    assert_string_equal(l.v[2], "label:x=1");
    ld_strlist_clear(&l);
}

static bool has_note(const ld_findings *fs, const char *text)
{
    for (size_t i = 0; i < fs->notes.n; i++)
        if (strstr(fs->notes.v[i], text))
            return true;
    return false;
}

static void test_selector(void **state)
{
    (void)state;
    json_t *w = web(), *d = db();
    json_t *cache = entry("{\"Id\": \"" WEB_ID "\", \"Names\": [\"/cache\"], "
                          "\"Labels\": {\"tier\": \"backend\"}}");

    /* nothing given: everything kept, nothing noted */
    ld_container_selector sel;
    ld_container_selector_init(&sel, NULL, NULL);
    assert_false(ld_container_selector_active(&sel));
    assert_true(ld_container_selector_keep(&sel, w));
    assert_true(ld_container_selector_keep(&sel, d));
    ld_autofree char *none = ld_container_selector_describe(&sel);
    assert_string_equal(none, "");
    ld_findings *fs = ld_findings_new(catalog, TEST_NOW);
    ld_container_selector_notes(&sel, fs);
    assert_int_equal(fs->notes.n, 0);
    ld_findings_free(fs);
    ld_container_selector_clear(&sel);

    /* include backend, exclude cache, and a pattern that matches nothing */
    ld_strlist inc = {0}, exc = {0};
    ld_container_patterns_push(&inc, "label:tier=backend,nothing-here");
    ld_container_patterns_push(&exc, "cache,label:gone");
    ld_container_selector_init(&sel, &inc, &exc);
    assert_true(ld_container_selector_active(&sel));
    assert_false(ld_container_selector_keep(&sel, w));     /* not included */
    assert_true(ld_container_selector_keep(&sel, d));      /* included */
    assert_false(ld_container_selector_keep(&sel, cache)); /* included, then excluded */
    assert_int_equal(sel.kept, 1);
    assert_int_equal(sel.left_out, 2);
    assert_int_equal(sel.include_hits[0], 2);
    assert_int_equal(sel.include_hits[1], 0);
    assert_int_equal(sel.exclude_hits[0], 1);
    assert_int_equal(sel.exclude_hits[1], 0);
    ld_autofree char *what = ld_container_selector_describe(&sel);
    assert_string_equal(what, "--container label:tier=backend,nothing-here --exclude-container "
                              "cache,label:gone");
    fs = ld_findings_new(catalog, TEST_NOW);
    ld_container_selector_notes(&sel, fs);
    assert_true(has_note(fs, "2 containers left out by --container"));
    assert_true(has_note(fs, ": web-1, cache"));
    assert_true(has_note(fs, "--container \"nothing-here\" matches no container"));
    assert_true(has_note(fs, "--exclude-container \"label:gone\" matches no container"));
    assert_false(has_note(fs, "\"cache\" matches no"));
    assert_false(has_note(fs, "\"label:tier=backend\" matches no"));
    ld_findings_free(fs);
    ld_container_selector_clear(&sel);

    /* only an exclusion; many left out: names capped, the count is whole */
    ld_strlist all = {0};
    ld_container_patterns_push(&all, "*");
    ld_container_selector_init(&sel, NULL, &all);
    for (int i = 0; i < LD_CONTAINER_SELECT_NAMES_MAX + 3; i++)
        assert_false(ld_container_selector_keep(&sel, w));
    ld_autofree char *only_exc = ld_container_selector_describe(&sel);
    assert_string_equal(only_exc, "--exclude-container *");
    fs = ld_findings_new(catalog, TEST_NOW);
    ld_container_selector_notes(&sel, fs);
    char want[64];
    snprintf(want, sizeof(want), "%d containers left out", LD_CONTAINER_SELECT_NAMES_MAX + 3);
    assert_true(has_note(fs, want));
    assert_true(has_note(fs, ", ..."));
    ld_findings_free(fs);
    ld_container_selector_clear(&sel);

    ld_strlist_clear(&inc);
    ld_strlist_clear(&exc);
    ld_strlist_clear(&all);
    json_decref(w);
    json_decref(d);
    json_decref(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),    cmocka_unit_test(test_ids),
        cmocka_unit_test(test_labels),   cmocka_unit_test(test_pattern_form),
        cmocka_unit_test(test_selector),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
