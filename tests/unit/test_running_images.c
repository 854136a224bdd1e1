/* Unit tests for the images of running containers (docker/running_images.c),
 * from lists in the shape GET /containers/json and GET /images/json return:
 * grouping by image id in list order, stopped containers and lockdown's own
 * container left out, the selection applied, the reference an image is
 * named by (the reference a container was created from while a tag still
 * names it, "busybox" as "busybox:latest", a registry port not taken for a
 * tag, the first tag, else the id), RepoDigests; and hostile lists: entries
 * that are not objects, fields of the wrong type, image ids that are not
 * sha256 and 64 hex digits, a container id too short to compare, thousands
 * of containers on one image (names capped, all counted). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "docker/running_images.h"
#include "util/strlist.h"

#define IMG_A "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define IMG_B "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define IMG_C "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
#define SELF_ID "5e1f5e1f5e1f5e1f5e1f5e1f5e1f5e1f5e1f5e1f5e1f5e1f5e1f5e1f5e1f5e1f"

static json_t *parse(const char *text)
{
    json_error_t jerr;
    json_t *j = json_loads(text, 0, &jerr);
    if (!j)
        fail_msg("bad test JSON: %s", jerr.text);
    return j;
}

static const char *const images_json =
    "[{\"Id\": \"" IMG_A "\", \"RepoTags\": [\"other:2\", \"busybox:latest\"],"
    "  \"RepoDigests\": [\"docker.io/library/busybox@sha256:1111\", \"no-at-sign\", 7]},"
    " {\"Id\": \"" IMG_B "\", \"RepoTags\": [\"<none>:<none>\", \"host:5000/app:1\"]},"
    " {\"Id\": \"" IMG_C "\", \"RepoTags\": null}]";

static void test_grouping_and_names(void **state)
{
    (void)state;
    json_t *images = parse(images_json);
    json_t *containers =
        parse("[{\"Id\": \"c1c1c1c1c1c1\", \"Names\": [\"/web-1\"], \"State\": \"running\","
              "  \"Image\": \"busybox\", \"ImageID\": \"" IMG_A "\"},"
              " {\"Id\": \"c2c2c2c2c2c2\", \"Names\": [\"/app\"], \"State\": \"running\","
              "  \"Image\": \"host:5000/app\", \"ImageID\": \"" IMG_B "\"},"
              " {\"Id\": \"c3c3c3c3c3c3\", \"Names\": [\"/web-2\"], \"State\": \"running\","
              "  \"Image\": \"other:2\", \"ImageID\": \"" IMG_A "\"},"
              " {\"Id\": \"c4c4c4c4c4c4\", \"Names\": [\"/old\"], \"State\": \"exited\","
              "  \"Image\": \"x\", \"ImageID\": \"" IMG_C "\"},"
              " {\"Id\": \"c5c5c5c5c5c5\", \"Names\": [\"/untagged\"], \"State\": \"running\","
              "  \"Image\": \"" IMG_C "\", \"ImageID\": \"" IMG_C "\"}]");
    ld_running_images ri;
    ld_running_images_collect(containers, images, NULL, NULL, &ri);
    assert_int_equal(ri.running, 4);
    assert_int_equal(ri.unidentified, 0);
    assert_int_equal(ri.n, 3);
    /* in list order; the exited container's image is not there */
    assert_string_equal(ri.v[0].image_id, IMG_A);
    assert_string_equal(ri.v[1].image_id, IMG_B);
    assert_string_equal(ri.v[2].image_id, IMG_C);
    /* "busybox" was created as busybox:latest, even though other:2 comes first */
    assert_string_equal(ri.v[0].reference, "busybox:latest");
    /* a registry port is no tag: host:5000/app means host:5000/app:latest, not
     * in the tags: the first real tag */
    assert_string_equal(ri.v[1].reference, "host:5000/app:1");
    /* no tag at all: the id */
    assert_string_equal(ri.v[2].reference, IMG_C);
    assert_int_equal(ri.v[0].n_containers, 2);
    assert_int_equal(ri.v[0].containers.n, 2);
    assert_string_equal(ri.v[0].containers.v[0], "web-1");
    assert_string_equal(ri.v[0].containers.v[1], "web-2");
    /* only digests with an '@', only strings */
    assert_int_equal(ri.v[0].repo_digests.n, 1);
    assert_string_equal(ri.v[0].repo_digests.v[0], "docker.io/library/busybox@sha256:1111");
    assert_int_equal(ri.v[1].repo_digests.n, 0);
    ld_running_images_clear(&ri);
    assert_int_equal(ri.n, 0);
    json_decref(containers);
    json_decref(images);
}

static void test_self_and_selection(void **state)
{
    (void)state;
    json_t *containers =
        parse("[{\"Id\": \"" SELF_ID "\", \"Names\": [\"/lockdown\"], \"State\": \"running\","
              "  \"ImageID\": \"" IMG_A "\"},"
              " {\"Id\": \"5e1f\", \"Names\": [\"/short-id\"], \"State\": \"running\","
              "  \"ImageID\": \"" IMG_B "\"},"
              " {\"Id\": \"d1d1d1d1d1d1\", \"Names\": [\"/db\"], \"State\": \"running\","
              "  \"ImageID\": \"" IMG_C "\"}]");
    ld_running_images ri;
    /* lockdown's own container is left out; an id too short to prove it is
     * lockdown's is not */
    ld_running_images_collect(containers, NULL, NULL, SELF_ID, &ri);
    assert_int_equal(ri.running, 2);
    assert_int_equal(ri.n, 2);
    assert_string_equal(ri.v[0].image_id, IMG_B);
    assert_string_equal(ri.v[0].reference, IMG_B); /* no image list: the id */
    ld_running_images_clear(&ri);

    ld_strlist inc = {0}, exc = {0};
    ld_strlist_push(&exc, "db");
    ld_container_selector sel;
    ld_container_selector_init(&sel, &inc, &exc);
    ld_running_images_collect(containers, NULL, &sel, NULL, &ri);
    assert_int_equal(ri.running, 2);
    assert_int_equal(ri.n, 2);
    assert_string_equal(ri.v[0].image_id, IMG_A);
    assert_string_equal(ri.v[1].image_id, IMG_B);
    assert_int_equal(sel.left_out, 1);
    ld_running_images_clear(&ri);
    ld_container_selector_clear(&sel);
    ld_strlist_clear(&inc);
    ld_strlist_clear(&exc);
    json_decref(containers);
}

static void test_hostile(void **state)
{
    (void)state;
    json_t *images = parse("[7, null, {\"Id\": 5}, {\"Id\": \"" IMG_A "\", \"RepoTags\": "
                           "\"busybox\", \"RepoDigests\": {\"a\": \"b@c\"}}]");
    json_t *containers =
        parse("[1, \"x\", null, [], {},"
              " {\"State\": \"running\"},"
              " {\"State\": 1, \"ImageID\": \"" IMG_A "\"},"
              " {\"State\": \"running\", \"Names\": \"/n\", \"ImageID\": \"sha256:ABC\"},"
              " {\"State\": \"running\", \"Names\": [5], \"Id\": \"e1e1e1e1e1e1\","
              "  \"ImageID\": "
              "\"sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"},"
              " {\"State\": \"running\", \"Names\": [\"/\"], \"ImageID\": \"" IMG_A "x\"},"
              " {\"State\": \"running\", \"Names\": [\"/ok\"], \"Image\": 3, \"ImageID\": \"" IMG_A
              "\"}]");
    ld_running_images ri;
    ld_running_images_collect(containers, images, NULL, "", &ri);
    /* "running" entries: {State} alone, sha256:ABC, upper-case hex, too long, ok */
    assert_int_equal(ri.running, 5);
    assert_int_equal(ri.unidentified, 4);
    assert_int_equal(ri.unidentified_names.n, 4);
    assert_string_equal(ri.unidentified_names.v[0], "?");
    assert_string_equal(ri.unidentified_names.v[1], "?");
    assert_string_equal(ri.unidentified_names.v[2], "e1e1e1e1e1e1");
    assert_string_equal(ri.unidentified_names.v[3], "?");
    assert_int_equal(ri.n, 1);
    assert_string_equal(ri.v[0].reference, IMG_A); /* RepoTags not an array */
    assert_int_equal(ri.v[0].repo_digests.n, 0);
    assert_string_equal(ri.v[0].containers.v[0], "ok");
    ld_running_images_clear(&ri);
    json_decref(containers);

    /* not an array at all */
    json_t *obj = parse("{\"message\": \"page not found\"}");
    ld_running_images_collect(obj, obj, NULL, NULL, &ri);
    assert_int_equal(ri.running, 0);
    assert_int_equal(ri.n, 0);
    ld_running_images_clear(&ri);
    ld_running_images_collect(NULL, NULL, NULL, NULL, &ri);
    assert_int_equal(ri.n, 0);
    json_decref(obj);
    json_decref(images);
}

static void test_many_containers(void **state)
{
    (void)state;
    json_t *containers = json_array();
    for (int i = 0; i < 5000; i++) {
        char name[32];
        snprintf(name, sizeof(name), "/c-%d", i);
        json_t *c = json_pack("{s:s, s:[s], s:s}", "State", "running", "Names", name, "ImageID",
                              i % 2 ? IMG_A : IMG_B);
        json_array_append_new(containers, c);
    }
    ld_running_images ri;
    ld_running_images_collect(containers, NULL, NULL, NULL, &ri);
    assert_int_equal(ri.running, 5000);
    assert_int_equal(ri.n, 2);
    assert_int_equal(ri.v[0].n_containers, 2500);
    assert_int_equal(ri.v[0].containers.n, LD_RUNNING_IMAGES_NAMES_MAX);
    ld_running_images_clear(&ri);
    json_decref(containers);
}

static void test_id_valid(void **state)
{
    (void)state;
    assert_true(ld_running_image_id_valid(IMG_B));
    assert_false(ld_running_image_id_valid(NULL));
    assert_false(ld_running_image_id_valid(""));
    assert_false(ld_running_image_id_valid("sha256:"));
    assert_false(ld_running_image_id_valid(IMG_B "0"));
    assert_false(ld_running_image_id_valid(
        "sha512:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
    assert_false(ld_running_image_id_valid(
        "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grouping_and_names),
        cmocka_unit_test(test_self_and_selection),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_many_containers),
        cmocka_unit_test(test_id_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
