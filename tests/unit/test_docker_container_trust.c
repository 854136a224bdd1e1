/* Unit tests for where running images come from (docker/container_trust.c):
 * container.image-trusted judged on the registry digests the engine
 * recorded (RepoDigests), never on the name a container was created with;
 * container.image-signed not assessed without a verifier or trusted keys,
 * failed for an image no registry ever held. Hand-written inspect and
 * /images/json documents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/findings.h"
#include "docker/container_trust.h"
#include "test_docker_util.h"

static const char inspect_pulled[] =
    "{\"Id\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
    " \"Name\": \"/web\", \"Image\": \"sha256:1111\", \"Config\": {\"Image\": \"reg.example/team/web:1\"}}";
static const char inspect_local[] =
    "{\"Id\": \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\","
    " \"Name\": \"/local\", \"Image\": \"sha256:2222\", \"Config\": {\"Image\": \"reg.example/team/web:2\"}}";
static const char inspect_gone[] =
    "{\"Id\": \"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\","
    " \"Name\": \"/gone\", \"Image\": \"sha256:3333\", \"Config\": {\"Image\": \"x:1\"}}";
static const char inspect_mirror[] =
    "{\"Id\": \"dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd\","
    " \"Name\": \"/mirror\", \"Image\": \"sha256:1111\", \"Config\": {\"Image\": \"other.example/web:1\"}}";
static const char images_json[] =
    "[{\"Id\": \"sha256:1111\", \"RepoTags\": [\"reg.example/team/web:1\"],"
    "  \"RepoDigests\": [\"reg.example/team/web@sha256:"
    "abababababababababababababababababababababababababababababababab\","
    "    \"other.example/web@sha256:abababababababababababababababababababababababababababababababab\"]},"
    " {\"Id\": \"sha256:2222\", \"RepoTags\": [\"reg.example/team/web:2\"], \"RepoDigests\": []}]";

static ld_findings *run(const char *inspect_text, const ld_container_trust_env *env)
{
    ld_error err = LD_ERROR_INIT;
    ld_findings *fs = ld_findings_new(catalog, TEST_NOW);
    json_t *doc = json_loads(inspect_text, 0, NULL);
    assert_non_null(doc);
    if (ld_container_trust_checks(fs, doc, env, &err) != 0)
        fail_msg("checks failed: %s", err.msg);
    json_decref(doc);
    assert_int_equal(count_check(fs, "container.image-trusted"), 1);
    assert_int_equal(count_check(fs, "container.image-signed"), 1);
    return fs;
}

static void test_trusted_by_repo_digest(void **state)
{
    (void)state;
    json_t *images = json_loads(images_json, 0, NULL);
    ld_strlist trusted = {0};
    ld_strlist_push(&trusted, "reg.example/team");
    ld_container_trust_env env = {.trusted_registries = &trusted, .images = images};
    ld_findings *fs = run(inspect_pulled, &env);
    assert_check(fs, "container.image-trusted", LD_STATUS_PASS);
    assert_evidence_has(fs, "container.image-trusted", "reg.example/team/web@sha256:abab");
    /* no verifier in this run: not assessed, never a pass */
    assert_check(fs, "container.image-signed", LD_STATUS_ERROR);
    ld_findings_free(fs);

    /* the same image outside the list */
    ld_strlist other = {0};
    ld_strlist_push(&other, "reg.example/teamx");
    env.trusted_registries = &other;
    fs = run(inspect_pulled, &env);
    assert_check(fs, "container.image-trusted", LD_STATUS_FAIL);
    assert_evidence_has(fs, "container.image-trusted", "outside the trusted registries");
    ld_findings_free(fs);

    /* the same bytes pulled under another name: judged by the name the
     * container was created from, not by the trusted twin */
    env.trusted_registries = &trusted;
    fs = run(inspect_mirror, &env);
    assert_check(fs, "container.image-trusted", LD_STATUS_FAIL);
    assert_evidence_has(fs, "container.image-trusted", "other.example/web@sha256");
    ld_findings_free(fs);
    ld_strlist_clear(&other);
    ld_strlist_clear(&trusted);
    json_decref(images);
}

/* Named after a trusted registry but built or loaded here: not from it. */
static void test_local_image_is_not_trusted(void **state)
{
    (void)state;
    json_t *images = json_loads(images_json, 0, NULL);
    ld_strlist trusted = {0};
    ld_strlist_push(&trusted, "reg.example");
    ld_signature_check sigs;
    ld_signature_check_init(&sigs, NULL, NULL); /* no keys in the policy */
    ld_container_trust_env env = {.trusted_registries = &trusted, .images = images,
                                  .signatures = &sigs};
    ld_findings *fs = run(inspect_local, &env);
    assert_check(fs, "container.image-trusted", LD_STATUS_FAIL);
    assert_evidence_has(fs, "container.image-trusted", "not pulled from any registry");
    assert_check(fs, "container.image-signed", LD_STATUS_ERROR);
    assert_evidence_has(fs, "container.image-signed", "no trusted-keys");
    ld_findings_free(fs);
    ld_signature_check_clear(&sigs);
    ld_strlist_clear(&trusted);
    json_decref(images);
}

static void test_unknown_list_or_image_is_not_assessed(void **state)
{
    (void)state;
    json_t *images = json_loads(images_json, 0, NULL);
    ld_container_trust_env env = {.images = images}; /* no trusted registries */
    ld_findings *fs = run(inspect_pulled, &env);
    assert_check(fs, "container.image-trusted", LD_STATUS_ERROR);
    assert_evidence_has(fs, "container.image-trusted", "no trusted-registries");
    ld_findings_free(fs);

    ld_strlist trusted = {0};
    ld_strlist_push(&trusted, "reg.example");
    env.trusted_registries = &trusted;
    fs = run(inspect_gone, &env); /* its image is not in the list */
    assert_check(fs, "container.image-trusted", LD_STATUS_ERROR);
    assert_check(fs, "container.image-signed", LD_STATUS_ERROR);
    ld_findings_free(fs);
    env.images = NULL; /* the list could not be read */
    fs = run(inspect_pulled, &env);
    assert_check(fs, "container.image-trusted", LD_STATUS_ERROR);
    assert_evidence_has(fs, "container.image-trusted", "could not be read");
    ld_findings_free(fs);
    ld_strlist_clear(&trusted);
    json_decref(images);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trusted_by_repo_digest),
        cmocka_unit_test(test_local_image_is_not_trusted),
        cmocka_unit_test(test_unknown_list_or_image_is_not_assessed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
