/* Unit tests for what the registry scan and prune parse themselves
 * (src/registry/manifest_info.c, registry_name.c) and the policy's
 * registry section (src/core/policy_registry.c): real manifest and index
 * shapes (Docker v2 schema 2, OCI, manifest lists, cosign signatures),
 * hostile ones (schema 1, bad digests, wrong types, too many children,
 * deep nesting), RFC 3339 times, --since dates, attachment tags, registry
 * names, and the strict policy keys with their errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/policy.h"
#include "registry/manifest_info.h"
#include "registry/registry_name.h"
#include "util/mem.h"

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define E64 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static int parse(const char *json, const char *mt, ld_reg_manifest_info *out, ld_error *err)
{
    return ld_reg_manifest_info_parse(json, strlen(json), mt, out, err);
}

static void test_docker_and_oci_manifests(void **state)
{
    (void)state;
    ld_reg_manifest_info m;
    ld_error err = LD_ERROR_INIT;
    const char *docker =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+"
        "json\",\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\","
        "\"size\":1469,\"digest\":\"sha256:" D64 "\"},\"layers\":[{\"mediaType\":\"application/"
        "vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":10,\"digest\":\"sha256:" E64 "\"}]}";
    assert_int_equal(parse(docker, NULL, &m, &err), 0);
    assert_false(m.is_index);
    assert_string_equal(m.config_digest, "sha256:" D64);
    assert_true(ld_reg_is_image_config_type(m.config_media_type));
    assert_int_equal(m.layers, 1);
    ld_reg_manifest_info_clear(&m);

    /* a cosign signature: an OCI manifest whose config is no image config */
    const char *sig =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"size\":233,"
        "\"digest\":\"sha256:" D64 "\"},\"layers\":[{\"mediaType\":\"application/"
        "vnd.dev.cosign.simplesigning.v1+json\",\"size\":250,\"digest\":\"sha256:" E64
        "\",\"annotations\":{\"dev.cosignproject.cosign/signature\":\"MEUC\"}}]}";
    assert_int_equal(parse(sig, "application/vnd.oci.image.manifest.v1+json", &m, &err), 0);
    assert_false(m.is_index);
    ld_reg_manifest_info_clear(&m);
    const char *helm = "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/"
                       "vnd.cncf.helm.config.v1+json\",\"digest\":\"sha256:" D64 "\"},"
                       "\"layers\":[]}";
    assert_int_equal(parse(helm, NULL, &m, &err), 0);
    assert_false(ld_reg_is_image_config_type(m.config_media_type));
    ld_reg_manifest_info_clear(&m);
}

static void test_index_children(void **state)
{
    (void)state;
    ld_reg_manifest_info m;
    ld_error err = LD_ERROR_INIT;
    const char *list =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.list."
        "v2+json\",\"manifests\":[{\"mediaType\":\"application/vnd.docker.distribution.manifest."
        "v2+json\",\"size\":528,\"digest\":\"sha256:" D64 "\",\"platform\":{\"architecture\":"
        "\"amd64\",\"os\":\"linux\"}},{\"mediaType\":\"application/vnd.docker.distribution."
        "manifest.v2+json\",\"size\":528,\"digest\":\"sha256:" E64 "\",\"platform\":{"
        "\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\"}}]}";
    assert_int_equal(parse(list, NULL, &m, &err), 0);
    assert_true(m.is_index);
    assert_int_equal(m.n_children, 2);
    assert_string_equal(m.children[0].platform, "linux/amd64");
    assert_string_equal(m.children[1].platform, "linux/arm/v7");
    assert_string_equal(m.children[1].digest, "sha256:" E64);
    ld_reg_manifest_info_clear(&m);
    /* an OCI index told by its Content-Type only, an attestation without a platform */
    const char *oci = "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"sha256:" D64 "\"}]}";
    assert_int_equal(parse(oci, "application/vnd.oci.image.index.v1+json", &m, &err), 0);
    assert_true(m.is_index);
    assert_null(m.children[0].platform);
    ld_reg_manifest_info_clear(&m);
    /* a platform with a '/' inside a field is not made into a path */
    const char *slash = "{\"manifests\":[{\"digest\":\"sha256:" D64 "\",\"platform\":{\"os\":"
                        "\"linux/x\",\"architecture\":\"amd64\"}}]}";
    assert_int_equal(parse(slash, NULL, &m, &err), 0);
    assert_null(m.children[0].platform);
    ld_reg_manifest_info_clear(&m);
}

static void test_hostile_manifests(void **state)
{
    (void)state;
    ld_reg_manifest_info m;
    ld_error err = LD_ERROR_INIT;
    static const struct {
        const char *json;
        int code;
        const char *says;
    } cases[] = {
        {"{\"schemaVersion\":1,\"name\":\"x\",\"fsLayers\":[]}", LD_ERR_UNSUPPORTED, "schema 1"},
        {"[]", LD_ERR_CORRUPT, "not a JSON object"},
        {"{\"config\":{\"digest\":\"sha256:abc\"}}", LD_ERR_CORRUPT, "config digest"},
        {"{\"config\":{\"digest\":\"sha512:" D64 "\"}}", LD_ERR_CORRUPT, "config digest"},
        {"{\"config\":{\"digest\":\"sha256:" D64 "\"},\"layers\":{}}", LD_ERR_CORRUPT, "layers"},
        {"{\"layers\":[]}", LD_ERR_CORRUPT, "config"},
        {"{\"manifests\":{}}", LD_ERR_CORRUPT, NULL},
        {"{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[1]}",
         LD_ERR_CORRUPT, "not an object"},
        {"{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{\"digest\":"
         "\"sha256:" D64 "\\u0000\"}]}",
         LD_ERR_CORRUPT, NULL},
        {"{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{\"digest\":"
         "\"sha256:" D64 "0\"}]}",
         LD_ERR_CORRUPT, "digest"},
        {"{\"config\":{\"digest\":\"sha256:" D64 "\"},\"config\":{}}", LD_ERR_CORRUPT, NULL},
        {"{\"config\":", LD_ERR_CORRUPT, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        err = (ld_error)LD_ERROR_INIT;
        int rc = parse(cases[i].json, NULL, &m, &err);
        if (rc != cases[i].code)
            fail_msg("case %zu: rc %d (%s), want %d", i, rc, err.msg, cases[i].code);
        if (cases[i].says && !strstr(err.msg, cases[i].says))
            fail_msg("case %zu: \"%s\" does not say \"%s\"", i, err.msg, cases[i].says);
        assert_null(m.config_digest);
        assert_null(m.children);
    }
    /* a schema 1 manifest by Content-Type alone */
    assert_int_equal(
        parse("{}", "application/vnd.docker.distribution.manifest.v1+prettyjws", &m, &err),
        LD_ERR_UNSUPPORTED);

    /* too many children */
    size_t n = LD_REG_MAX_INDEX_CHILDREN + 1;
    size_t cap = n * 90 + 64;
    char *big = ld_xmalloc(cap);
    size_t len = (size_t)snprintf(big, cap, "{\"manifests\":[");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(big + len, cap - len, "%s{\"digest\":\"sha256:%s\"}", i ? "," : "",
                                D64);
    len += (size_t)snprintf(big + len, cap - len, "]}");
    assert_int_equal(ld_reg_manifest_info_parse(big, len, NULL, &m, &err), LD_ERR_LIMIT);
    free(big);

    /* nesting past the budget is refused before jansson builds it */
    char deep[200];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    assert_true(ld_reg_manifest_info_parse(deep, sizeof(deep), NULL, &m, &err) < 0);
}

static void test_config_created(void **state)
{
    (void)state;
    char *created = NULL;
    time_t when = 0;
    ld_error err = LD_ERROR_INIT;
    const char *cfg = "{\"architecture\":\"amd64\",\"created\":\"2023-11-14T22:13:20.123456789Z\","
                      "\"os\":\"linux\"}";
    assert_int_equal(ld_reg_config_created(cfg, strlen(cfg), &created, &when, &err), 0);
    assert_string_equal(created, "2023-11-14T22:13:20.123456789Z");
    assert_int_equal((long long)when, 1700000000LL);
    free(created);
    const char *none = "{\"os\":\"linux\"}";
    assert_int_equal(ld_reg_config_created(none, strlen(none), &created, &when, &err), 0);
    assert_null(created);
    assert_int_equal(when, 0);
    const char *bad = "{\"created\":\"yesterday\"}";
    assert_int_equal(ld_reg_config_created(bad, strlen(bad), &created, &when, &err), 0);
    assert_string_equal(created, "yesterday");
    assert_int_equal(when, 0); /* text kept, no time */
    free(created);
    const char *num = "{\"created\":12}";
    assert_int_equal(ld_reg_config_created(num, strlen(num), &created, &when, &err), 0);
    assert_null(created);
    assert_true(ld_reg_config_created("[1]", 3, &created, &when, &err) < 0);
}

static void test_rfc3339_and_since(void **state)
{
    (void)state;
    time_t t = 0;
    assert_int_equal(ld_reg_parse_rfc3339("1970-01-01T00:00:00Z", &t), 0);
    assert_int_equal(t, 0);
    assert_int_equal(ld_reg_parse_rfc3339("2023-11-15T00:13:20+02:00", &t), 0);
    assert_int_equal((long long)t, 1700000000LL);
    assert_int_equal(ld_reg_parse_rfc3339("2023-11-14t21:13:20-01:00", &t), 0);
    assert_int_equal((long long)t, 1700000000LL);
    assert_int_equal(ld_reg_parse_rfc3339("2024-02-29T12:00:00z", &t), 0);
    long ns = -1;
    assert_int_equal(ld_reg_parse_rfc3339_ns("2023-11-14T22:13:20.0123456789Z", &t, &ns), 0);
    assert_int_equal(ns, 12345678);
    assert_int_equal(ld_reg_parse_rfc3339_ns("2023-11-14T22:13:20.5+01:00", &t, &ns), 0);
    assert_int_equal(ns, 500000000);
    assert_int_equal(ld_reg_parse_rfc3339_ns("2023-11-14T22:13:20Z", &t, &ns), 0);
    assert_int_equal(ns, 0);
    static const char *const bad[] = {
        "2023-02-29T00:00:00Z",
        "2023-11-14T24:00:00Z",
        "2023-11-14T22:13:20",
        "2023-11-14 22:13:20 UTC",
        "2023-11-14T22:13:20.Z",
        "2023-11-14T22:13:20+0200",
        "2023-11-14T22:13:20Zjunk",
        "",
        "2023-11-14",
        "2023-11-14T22:13:20.12345678901234567890123Z",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (ld_reg_parse_rfc3339(bad[i], &t) == 0)
            fail_msg("\"%s\" accepted", bad[i]);
    assert_int_equal(ld_reg_parse_since("2023-11-14", &t), 0);
    assert_int_equal((long long)t, 1699920000LL);
    assert_int_equal(ld_reg_parse_since("2023-11-14T22:13:20Z", &t), 0);
    assert_true(ld_reg_parse_since("2023-13-01", &t) < 0);
    assert_true(ld_reg_parse_since("14.11.2023", &t) < 0);
}

static void test_attachment_tags(void **state)
{
    (void)state;
    const char *kind = NULL;
    char hex[65];
    assert_true(ld_reg_is_attachment_tag("sha256-" D64 ".sig", &kind, hex));
    assert_string_equal(kind, "sig");
    assert_string_equal(hex, D64);
    assert_true(ld_reg_is_attachment_tag("sha256-" D64 ".att", &kind, NULL));
    assert_string_equal(kind, "att");
    assert_true(ld_reg_is_attachment_tag("sha256-" D64 ".sbom", NULL, NULL));
    assert_false(ld_reg_is_attachment_tag("sha256-" D64 ".sigs", NULL, NULL));
    assert_false(ld_reg_is_attachment_tag("sha256-" D64, NULL, NULL));
    assert_false(ld_reg_is_attachment_tag("sha256-0123.sig", NULL, NULL));
    assert_false(ld_reg_is_attachment_tag("sha256-0123456789ABCDEF0123456789abcdef0123456789abcdef"
                                          "0123456789abcdef.sig",
                                          NULL, NULL));
    assert_false(ld_reg_is_attachment_tag("latest", NULL, NULL));
    assert_false(ld_reg_is_attachment_tag(NULL, NULL, NULL));
}

static void test_registry_names(void **state)
{
    (void)state;
    ld_reg_name n;
    ld_error err = LD_ERROR_INIT;
    static const struct {
        const char *in, *name, *endpoint;
        bool http;
    } ok[] = {
        {"127.0.0.1:5000", "127.0.0.1:5000", "127.0.0.1:5000", false},
        {"https://127.0.0.1:5000/", "127.0.0.1:5000", "127.0.0.1:5000", false},
        {"https://Registry.Example.com/v2/", "registry.example.com", "registry.example.com", false},
        {"http://localhost:5000", "localhost:5000", "localhost:5000", true},
        {"docker.io", "docker.io", "registry-1.docker.io", false},
        {"[::1]:5000", "[::1]:5000", "[::1]:5000", false},
        {"myregistry", "myregistry", "myregistry", false},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        if (ld_reg_name_parse(ok[i].in, &n, &err) < 0)
            fail_msg("\"%s\" refused: %s", ok[i].in, err.msg);
        assert_string_equal(n.name, ok[i].name);
        assert_string_equal(n.endpoint, ok[i].endpoint);
        assert_int_equal(n.http, ok[i].http);
        ld_reg_name_clear(&n);
    }
    static const char *const bad[] = {
        "",
        "ftp://host",
        "https://user:pw@host:5000",
        "host:5000/team/app",
        "host:0",
        "host:65536",
        "host:50x",
        "-host",
        "host..com",
        "host/v2/_catalog",
        "[zz]:5000",
        "host:5000?x=1",
        "ho st",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err = (ld_error)LD_ERROR_INIT;
        if (ld_reg_name_parse(bad[i], &n, &err) == 0)
            fail_msg("\"%s\" accepted as %s", bad[i], n.name);
        assert_int_equal(err.code, LD_ERR_INVALID);
        assert_null(n.name);
    }
}

static ld_policy *policy(const char *text, ld_error *err)
{
    return ld_policy_parse("p.yaml", text, strlen(text), NULL, err);
}

static void test_policy_registry_section(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    ld_policy *p = policy("version: 1\n"
                          "registry:\n"
                          "  prune:\n"
                          "    severity: high\n"
                          "    fixable-only: true\n"
                          "    unsigned: yes\n"
                          "    older-than-days: 90\n"
                          "    keep-newest: 3\n",
                          &err);
    if (!p)
        fail_msg("refused: %s", err.msg);
    const ld_policy_registry_prune *r = &p->registry_prune;
    assert_true(r->has_severity);
    assert_int_equal(r->severity, LD_SEV_HIGH);
    assert_true(r->fixable_only);
    assert_true(r->unsigned_images);
    assert_true(r->has_older_than);
    assert_int_equal(r->older_than_days, 90);
    assert_int_equal(r->keep_newest, 3);
    ld_policy_free(p);

    /* absent: nothing set */
    p = policy("version: 1\n", &err);
    assert_non_null(p);
    assert_false(p->registry_prune.has_severity);
    assert_false(p->registry_prune.has_older_than);
    assert_int_equal(p->registry_prune.keep_newest, 0);
    ld_policy_free(p);

    static const struct {
        const char *yaml;
        const char *says;
    } bad[] = {
        {"registry:\n  prune:\n    severity: severe\n", "invalid severity \"severe\""},
        {"registry:\n  prune:\n    keep-newest: 0\n", "\"keep-newest\" must be a whole number"},
        {"registry:\n  prune:\n    keep-newest: -1\n", "keep-newest"},
        {"registry:\n  prune:\n    older-than-days: \"30\"\n", "older-than-days"},
        {"registry:\n  prune:\n    older-than-days: 99999999999999999999\n", "older-than-days"},
        {"registry:\n  prune:\n    unsigned: maybe\n", "\"unsigned\" must be true or false"},
        {"registry:\n  prune:\n    keep: 3\n", "keep"},
        {"registry:\n  purge: {}\n", "purge"},
        {"registry: [prune]\n", "registry"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *text = ld_xasprintf("version: 1\n%s", bad[i].yaml);
        err = (ld_error)LD_ERROR_INIT;
        p = policy(text, &err);
        if (p)
            fail_msg("case %zu accepted", i);
        if (!strstr(err.msg, bad[i].says) || !strstr(err.msg, "p.yaml:"))
            fail_msg("case %zu: \"%s\" does not say \"%s\" with a line", i, err.msg, bad[i].says);
        free(text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_docker_and_oci_manifests),
        cmocka_unit_test(test_index_children),
        cmocka_unit_test(test_hostile_manifests),
        cmocka_unit_test(test_config_created),
        cmocka_unit_test(test_rfc3339_and_since),
        cmocka_unit_test(test_attachment_tags),
        cmocka_unit_test(test_registry_names),
        cmocka_unit_test(test_policy_registry_section),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
