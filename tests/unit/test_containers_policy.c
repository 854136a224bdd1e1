/* Unit tests for containers-policy.json (trust/containers_policy.c,
 * containers_policy_identity.c): the scope resolution table (exact image >
 * repository > namespace > host:port > wildcard > the transport's "" >
 * default, whole path components, a port-less host never standing for
 * host:port), every signedIdentity type with matching and non-matching
 * signatures (remapIdentity included), the strict parse errors with their
 * JSON paths, and the examples of containers-policy.json(5). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "trust/containers_policy.h"
#include "util/mem.h"

#define D1 "sha256:817a12c32a39bbe394944ba49de563e085f1d3c5266eb8e9723256bc4448680e"
#define D2 "sha256:3513318c55758c613003529b152eab0f10860e55c879d398faf3228d5a091eac"

static void parse_ok(const char *text, ld_cpol *p)
{
    ld_error err = LD_ERROR_INIT;
    if (ld_cpol_parse("policy.json", text, strlen(text), p, &err) != 0)
        fail_msg("parse failed: %s", err.msg);
}

static void expect_error(const char *text, int code, const char *needle)
{
    ld_cpol p;
    ld_error err = LD_ERROR_INIT;
    int rc = ld_cpol_parse("policy.json", text, strlen(text), &p, &err);
    if (rc != code)
        fail_msg("expected %d, got %d (%s) for %s", code, rc, err.msg, text);
    if (needle && !strstr(err.msg, needle))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, needle);
    assert_null(p.default_reqs);
    assert_null(p.docker);
    assert_int_equal(p.n_docker, 0);
}

/* A scope that says its own name: a sigstoreSigned requirement whose key
 * path is the scope. */
#define SCOPE(s) "\"" s "\":[{\"type\":\"sigstoreSigned\",\"keyPath\":\"" s "\"}]"

static const char *const scope_policy =
    "{\"default\":[{\"type\":\"reject\"}],\"transports\":{\"docker\":{"
    "\"\":[{\"type\":\"sigstoreSigned\",\"keyPath\":\"/transport-default\"}]," SCOPE("docker.io/"
                                                                                     "library/"
                                                                                     "busybox:1") "," SCOPE("docker.io/library/busybox@" D1) "," SCOPE("docker.io/library/busybox") "," SCOPE("docker.io/library") "," SCOPE(
        "docker.io") "," SCOPE("registry.example.com:5000/team") "," SCOPE("registry.example.com:"
                                                                           "5000") "," SCOPE("regis"
                                                                                             "try."
                                                                                             "examp"
                                                                                             "le."
                                                                                             "com") "," SCOPE("*.example.com") "," SCOPE("*.com") "," SCOPE("*.example.org") "},"
                                                                                                                                                                             "\"dir\":{\"\":[{\"type\":\"insecureAcceptAnything\"}]}}}";

static void expect_scope(const ld_cpol *p, const char *ref, const char *want)
{
    size_t n = 0;
    const char *scope = NULL;
    const ld_cpol_requirement *r = ld_cpol_requirements(p, ref, &n, &scope);
    if (!r)
        fail_msg("%s: no requirements", ref);
    if (!scope || strcmp(scope, want) != 0)
        fail_msg("%s: scope \"%s\", expected \"%s\"", ref, scope ? scope : "(null)", want);
    assert_int_equal(n, 1);
    if (strcmp(want, "default") == 0) {
        assert_int_equal(r[0].type, LD_CPOL_REJECT);
    } else {
        assert_int_equal(r[0].type, LD_CPOL_SIGSTORE_SIGNED);
        assert_int_equal(r[0].n_key_paths, 1);
        assert_string_equal(r[0].key_paths[0], *want ? want : "/transport-default");
    }
}

static void test_scope_resolution_table(void **state)
{
    (void)state;
    ld_cpol p;
    parse_ok(scope_policy, &p);
    assert_int_equal(p.n_docker, 12);
    static const char *const table[][2] = {
        /* the exact image (tag or digest) beats its repository */
        {"busybox:1", "docker.io/library/busybox:1"},
        {"docker.io/library/busybox:1", "docker.io/library/busybox:1"},
        {"index.docker.io/library/busybox:1", "docker.io/library/busybox:1"},
        {"busybox@" D1, "docker.io/library/busybox@" D1},
        {"busybox@" D2, "docker.io/library/busybox"},
        {"busybox", "docker.io/library/busybox"}, /* :latest */
        {"busybox:2", "docker.io/library/busybox"},
        /* repository > namespace > host, by whole components */
        {"alpine:3", "docker.io/library"},
        {"docker.io/library/busyboxes:1", "docker.io/library"},
        {"someone/app:1", "docker.io"},
        {"registry.example.com:5000/team/app:1", "registry.example.com:5000/team"},
        {"registry.example.com:5000/team/sub/app:1", "registry.example.com:5000/team"},
        {"registry.example.com:5000/teamx/app:1", "registry.example.com:5000"},
        {"registry.example.com/team/app:1", "registry.example.com"},
        /* host:port never falls back to the port-less host: wildcards next */
        {"registry.example.com:5001/x:1", "*.example.com"},
        {"a.b.example.com/x:1", "*.example.com"},
        {"example.com/x:1", "*.com"}, /* *.example.com is for subdomains only */
        {"mirror.example.org:8443/x:1", "*.example.org"},
        /* nothing matches: the transport's "" */
        {"quay.io/x:1", ""},
        {"localhost:5000/x:1", ""},
        {"example.net/x@" D2, ""},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        expect_scope(&p, table[i][0], table[i][1]);
    /* not a reference: no requirements at all */
    size_t n = 7;
    assert_null(ld_cpol_requirements(&p, "UPPER/Case:1", &n, NULL));
    assert_int_equal(n, 0);
    assert_null(ld_cpol_requirements(&p, "", &n, NULL));
    ld_cpol_clear(&p);

    /* without a transport default: the global default */
    parse_ok("{\"default\":[{\"type\":\"reject\"}],\"transports\":{\"docker\":{" SCOPE(
                 "docker.io") "}}}",
             &p);
    expect_scope(&p, "quay.io/x:1", "default");
    expect_scope(&p, "busybox", "docker.io");
    ld_cpol_clear(&p);
    parse_ok("{\"default\":[{\"type\":\"reject\"}]}", &p);
    expect_scope(&p, "busybox", "default");
    ld_cpol_clear(&p);
}

static void test_requirement_fields(void **state)
{
    (void)state;
    ld_cpol p;
    parse_ok(
        "{\"default\":[{\"type\":\"insecureAcceptAnything\"}],\"transports\":{\"docker\":{"
        "\"a.io\":[{\"type\":\"sigstoreSigned\",\"keyData\":\"a2V5LWJ5dGVz\","
        "\"signedIdentity\":{\"type\":\"matchRepository\"}},"
        "{\"type\":\"signedBy\",\"keyType\":\"GPGKeys\",\"keyPaths\":[\"/k/1.gpg\",\"/k/2.gpg\"]}],"
        "\"b.io\":[{\"type\":\"sigstoreSigned\",\"fulcio\":{\"caPath\":\"/ca.pem\","
        "\"oidcIssuer\":\"https://issuer\",\"subjectEmail\":\"a@b.c\"},"
        "\"rekorPublicKeyPath\":\"/rekor.pub\"}],"
        "\"c.io\":[{\"type\":\"sigstoreSigned\",\"keyPaths\":[\"/k/a.pub\",\"/k/b.pub\"],"
        "\"rekorPublicKeyData\":\"cmVrb3I=\"}]}}}",
        &p);
    size_t n;
    const ld_cpol_requirement *r = ld_cpol_requirements(&p, "a.io/x:1", &n, NULL);
    assert_int_equal(n, 2);
    assert_int_equal(r[0].type, LD_CPOL_SIGSTORE_SIGNED);
    assert_int_equal(r[0].key_data_len, 9);
    assert_memory_equal(r[0].key_data, "key-bytes", 9);
    assert_int_equal(r[0].n_key_paths, 0);
    assert_false(r[0].fulcio);
    assert_int_equal(r[0].identity.type, LD_CPOL_ID_MATCH_REPOSITORY);
    assert_int_equal(r[1].type, LD_CPOL_SIGNED_BY);
    assert_string_equal(r[1].key_type, "GPGKeys");
    assert_int_equal(r[1].n_key_paths, 2);
    assert_string_equal(r[1].key_paths[1], "/k/2.gpg");
    /* no signedIdentity: matchRepoDigestOrExact */
    assert_int_equal(r[1].identity.type, LD_CPOL_ID_MATCH_REPO_DIGEST_OR_EXACT);
    r = ld_cpol_requirements(&p, "b.io/x:1", &n, NULL);
    assert_true(r[0].fulcio);
    assert_true(r[0].rekor);
    r = ld_cpol_requirements(&p, "c.io/x:1", &n, NULL);
    assert_int_equal(r[0].n_key_paths, 2);
    assert_true(r[0].rekor);
    assert_false(r[0].fulcio);
    r = ld_cpol_requirements(&p, "d.io/x:1", &n, NULL);
    assert_int_equal(r[0].type, LD_CPOL_ACCEPT_ANYTHING);
    ld_cpol_clear(&p);
}

/* ---- signedIdentity ---- */

typedef struct {
    const char *ref, *signed_ref;
    bool want;
} match_case;

static void check_cases(const ld_cpol_identity *id, const match_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bool got = ld_cpol_identity_matches(id, c[i].ref, c[i].signed_ref);
        if (got != c[i].want)
            fail_msg("identity type %d: image %s, signature %s: got %d, expected %d", id->type,
                     c[i].ref, c[i].signed_ref, got, c[i].want);
    }
}

static void test_identity_match_exact(void **state)
{
    (void)state;
    ld_cpol_identity id = {.type = LD_CPOL_ID_MATCH_EXACT};
    const match_case c[] = {
        {"docker.io/library/busybox:1", "docker.io/library/busybox:1", true},
        {"busybox:1", "docker.io/library/busybox:1", true}, /* normalised */
        {"docker.io/library/busybox:1", "busybox:1", true},
        {"busybox:1", "busybox:2", false},
        {"busybox:1", "docker.io/library/busybox", false}, /* a signature must name a tag */
        {"busybox@" D1, "busybox:1", false},               /* by digest: fails, as documented */
        {"busybox@" D1, "busybox@" D1, true},
        {"busybox:1", "other/busybox:1", false},
        {"busybox:1", "not a reference", false},
    };
    check_cases(&id, c, sizeof(c) / sizeof(c[0]));
}

static void test_identity_repo_digest_or_exact(void **state)
{
    (void)state;
    ld_cpol_identity id = {.type = LD_CPOL_ID_MATCH_REPO_DIGEST_OR_EXACT};
    const match_case c[] = {
        {"busybox:1", "docker.io/library/busybox:1", true},
        {"busybox:1", "docker.io/library/busybox:2", false},    /* a tag: exact */
        {"busybox@" D1, "docker.io/library/busybox:any", true}, /* a digest: the repository */
        {"busybox@" D1, "docker.io/library/busybox@" D2, true},
        {"busybox@" D1, "docker.io/library/alpine:1", false},
        {"busybox@" D1, "docker.io/library/busybox", false}, /* name only: never */
        {"busybox:1@" D1, "docker.io/library/busybox:1@" D1, true},
        {"busybox:1@" D1, "docker.io/library/busybox:1", false},
        {"localhost:5000/a/b:1", "localhost:5000/a/b:1", true},
    };
    check_cases(&id, c, sizeof(c) / sizeof(c[0]));
}

static void test_identity_match_repository(void **state)
{
    (void)state;
    ld_cpol_identity id = {.type = LD_CPOL_ID_MATCH_REPOSITORY};
    const match_case c[] = {
        {"busybox:latest", "docker.io/library/busybox:1.36", true},
        {"busybox:latest", "docker.io/library/busybox", true}, /* what cosign signs */
        {"busybox@" D1, "busybox", true},
        {"busybox:1", "docker.io/library/busyboxes:1", false},
        {"registry.example.com:5000/x:1", "registry.example.com/x:1", false},
    };
    check_cases(&id, c, sizeof(c) / sizeof(c[0]));
}

static void test_identity_exact_reference_and_repository(void **state)
{
    (void)state;
    ld_cpol_identity ref = {.type = LD_CPOL_ID_EXACT_REFERENCE,
                            .reference = (char *)"vendor.example.com/product/app:2.0"};
    const match_case rc[] = {
        {"mirror.local/app:2.0", "vendor.example.com/product/app:2.0", true},
        {"anything:1", "vendor.example.com/product/app:2.0", true}, /* the image is not looked at */
        {"mirror.local/app:2.0", "vendor.example.com/product/app:2.1", false},
        {"mirror.local/app:2.0", "vendor.example.com/product/app", false},
        {"mirror.local/app:2.0", "mirror.local/app:2.0", false},
    };
    check_cases(&ref, rc, sizeof(rc) / sizeof(rc[0]));
    ld_cpol_identity repo = {.type = LD_CPOL_ID_EXACT_REPOSITORY,
                             .reference = (char *)"vendor.example.com/product/app"};
    const match_case pc[] = {
        {"mirror.local/app:2.0", "vendor.example.com/product/app:9", true},
        {"mirror.local/app:2.0", "vendor.example.com/product/app", true},
        {"mirror.local/app:2.0", "vendor.example.com/product/other:9", false},
        {"mirror.local/app:2.0", "mirror.local/app:2.0", false},
    };
    check_cases(&repo, pc, sizeof(pc) / sizeof(pc[0]));
}

static void test_identity_remap(void **state)
{
    (void)state;
    /* the man page's mirror of a vendor (its "productA" is not a valid
     * repository component: lowercase here) */
    ld_cpol_identity id = {.type = LD_CPOL_ID_REMAP_IDENTITY,
                           .prefix = (char *)"private-mirror:5000/vendor-mirror",
                           .signed_prefix = (char *)"vendor.example.com"};
    const match_case c[] = {
        {"private-mirror:5000/vendor-mirror/producta/image1:latest",
         "vendor.example.com/producta/image1:latest", true},
        {"private-mirror:5000/vendor-mirror/producta/image1:latest",
         "vendor.example.com/producta/image1:other", false},
        {"private-mirror:5000/vendor-mirror/producta/image1:latest",
         "private-mirror:5000/vendor-mirror/producta/image1:latest", false},
        /* by digest: the remapped repository */
        {"private-mirror:5000/vendor-mirror/producta/image1@" D1,
         "vendor.example.com/producta/image1:v3", true},
        /* outside the prefix, or only a string prefix of a component: no remap */
        {"private-mirror:5000/other/x:1", "private-mirror:5000/other/x:1", true},
        {"private-mirror:5000/vendor-mirrorx/a:1", "vendor.examplex.com/a:1", false},
        {"private-mirror:5000/vendor-mirrorx/a:1", "private-mirror:5000/vendor-mirrorx/a:1", true},
    };
    check_cases(&id, c, sizeof(c) / sizeof(c[0]));
    /* a rewrite that is not canonical text is refused (reference.ParseNamed):
     * docker.io/busybox:1 would normalise to docker.io/library/busybox:1 */
    ld_cpol_identity nc = {.type = LD_CPOL_ID_REMAP_IDENTITY,
                           .prefix = (char *)"mirror.example.com/library",
                           .signed_prefix = (char *)"docker.io"};
    const match_case c2[] = {
        {"mirror.example.com/library/busybox:1", "docker.io/library/busybox:1", false},
        {"mirror.example.com/library/busybox:1", "docker.io/busybox:1", false},
    };
    check_cases(&nc, c2, sizeof(c2) / sizeof(c2[0]));
    ld_cpol_identity ok = {.type = LD_CPOL_ID_REMAP_IDENTITY,
                           .prefix = (char *)"mirror.example.com/library",
                           .signed_prefix = (char *)"docker.io/library"};
    const match_case c3[] = {
        {"mirror.example.com/library/busybox:1", "busybox:1", true},
        {"mirror.example.com/library/busybox:1", "busybox:2", false},
    };
    check_cases(&ok, c3, sizeof(c3) / sizeof(c3[0]));
    /* a host prefix */
    ld_cpol_identity host = {.type = LD_CPOL_ID_REMAP_IDENTITY,
                             .prefix = (char *)"mirror.local:5000",
                             .signed_prefix = (char *)"quay.io"};
    const match_case c4[] = {
        {"mirror.local:5000/org/app:1", "quay.io/org/app:1", true},
        {"mirror.local:50001/org/app:1", "quay.io/org/app:1", false},
    };
    check_cases(&host, c4, sizeof(c4) / sizeof(c4[0]));
}

static void test_identity_parsed_from_policy(void **state)
{
    (void)state;
    ld_cpol p;
    parse_ok("{\"default\":[{\"type\":\"sigstoreSigned\",\"keyPath\":\"/k\",\"signedIdentity\":{"
             "\"type\":\"remapIdentity\",\"prefix\":\"mirror.local:5000\",\"signedPrefix\":"
             "\"quay.io\"}}],\"transports\":{\"docker\":{\"a.io\":[{\"type\":\"sigstoreSigned\","
             "\"keyPath\":\"/k\",\"signedIdentity\":{\"type\":\"exactReference\","
             "\"dockerReference\":\"busybox:1\"}}],\"b.io\":[{\"type\":\"sigstoreSigned\","
             "\"keyPath\":\"/k\",\"signedIdentity\":{\"type\":\"exactRepository\","
             "\"dockerRepository\":\"quay.io/a/b\"}}],\"c.io\":[{\"type\":\"sigstoreSigned\","
             "\"keyPath\":\"/k\",\"signedIdentity\":{\"type\":\"matchExact\"}}]}}}",
             &p);
    size_t n;
    const ld_cpol_requirement *r =
        ld_cpol_requirements(&p, "mirror.local:5000/org/app:1", &n, NULL);
    assert_int_equal(r[0].identity.type, LD_CPOL_ID_REMAP_IDENTITY);
    assert_true(ld_cpol_identity_matches(&r[0].identity, "mirror.local:5000/org/app:1",
                                         "quay.io/org/app:1"));
    r = ld_cpol_requirements(&p, "a.io/x:1", &n, NULL);
    assert_int_equal(r[0].identity.type, LD_CPOL_ID_EXACT_REFERENCE);
    assert_true(
        ld_cpol_identity_matches(&r[0].identity, "a.io/x:1", "docker.io/library/busybox:1"));
    r = ld_cpol_requirements(&p, "b.io/x:1", &n, NULL);
    assert_int_equal(r[0].identity.type, LD_CPOL_ID_EXACT_REPOSITORY);
    assert_true(ld_cpol_identity_matches(&r[0].identity, "b.io/x:1", "quay.io/a/b:7"));
    r = ld_cpol_requirements(&p, "c.io/x:1", &n, NULL);
    assert_int_equal(r[0].identity.type, LD_CPOL_ID_MATCH_EXACT);
    ld_cpol_clear(&p);
}

/* ---- strict parsing ---- */

#define DOCKER(scope, req)                                                                         \
    "{\"default\":[{\"type\":\"reject\"}],\"transports\":{\"docker\":{\"" scope "\":[" req "]}}}"

static void test_strict_errors(void **state)
{
    (void)state;
    expect_error("{}", LD_ERR_CORRUPT, "default policy is missing");
    expect_error("{\"default\":[]}", LD_ERR_CORRUPT,
                 "default: the list of requirements must not be empty");
    expect_error("{\"default\":{}}", LD_ERR_CORRUPT, "default: must be an array");
    expect_error("{\"default\":null}", LD_ERR_CORRUPT, "default");
    expect_error("{\"default\":[{\"type\":\"reject\"}],\"extra\":1}", LD_ERR_CORRUPT,
                 "unknown member \"extra\"");
    expect_error("{\"default\":[{\"type\":\"reject\"}],\"default\":[{\"type\":\"reject\"}]}",
                 LD_ERR_CORRUPT, NULL);
    expect_error("[]", LD_ERR_CORRUPT, "must be an object");
    expect_error("", LD_ERR_CORRUPT, NULL);
    expect_error("{\"default\":[{\"type\":\"reject\"}],\"transports\":[]}", LD_ERR_CORRUPT,
                 "transports: must be an object");
    expect_error("{\"default\":[{\"type\":\"reject\"}],\"transports\":{\"docker\":[]}}",
                 LD_ERR_CORRUPT, "transports[\"docker\"]: must be an object of scopes");
    expect_error(DOCKER("a.io", "{\"type\":\"rejekt\"}"), LD_ERR_CORRUPT,
                 "transports[\"docker\"][\"a.io\"][0].type: unknown requirement type \"rejekt\"");
    expect_error(DOCKER("a.io", "{}"), LD_ERR_CORRUPT, "[0].type: must be a string, not missing");
    expect_error(DOCKER("a.io", "\"reject\""), LD_ERR_CORRUPT, "[0]: must be an object");
    expect_error(DOCKER("a.io", "{\"type\":\"reject\",\"why\":1}"), LD_ERR_CORRUPT,
                 "unknown member \"why\"");
    expect_error(DOCKER("a.io", "{\"type\":\"sigstoreSigned\",\"keyPth\":\"/k\"}"), LD_ERR_CORRUPT,
                 "transports[\"docker\"][\"a.io\"][0]: unknown member \"keyPth\"");
    expect_error(DOCKER("a.io", "{\"type\":\"sigstoreSigned\"}"), LD_ERR_CORRUPT, "none is");
    expect_error(
        DOCKER("a.io", "{\"type\":\"sigstoreSigned\",\"keyPath\":\"/k\",\"keyData\":\"YQ==\"}"),
        LD_ERR_CORRUPT, "more than one is");
    expect_error(DOCKER("a.io", "{\"type\":\"sigstoreSigned\",\"keyPath\":\"\"}"), LD_ERR_CORRUPT,
                 "keyPath: must not be empty");
    expect_error(DOCKER("a.io", "{\"type\":\"sigstoreSigned\",\"keyPaths\":[]}"), LD_ERR_CORRUPT,
                 "keyPaths");
    expect_error(DOCKER("a.io", "{\"type\":\"sigstoreSigned\",\"keyData\":\"not base64\"}"),
                 LD_ERR_CORRUPT, "keyData: is not base64");
    expect_error(DOCKER("a.io", "{\"type\":\"sigstoreSigned\",\"keyPath\":5}"), LD_ERR_CORRUPT,
                 "keyPath: must be a string");
    expect_error(DOCKER("a.io", "{\"type\":\"sigstoreSigned\",\"fulcio\":{\"caPath\":\"/ca\","
                                "\"oidcIssuer\":\"i\",\"subjectEmail\":\"e\"}}"),
                 LD_ERR_CORRUPT, "fulcio needs rekorPublicKeyPath");
    expect_error(DOCKER("a.io", "{\"type\":\"sigstoreSigned\",\"fulcio\":{\"caPath\":\"/ca\","
                                "\"subjectEmail\":\"e\"},\"rekorPublicKeyPath\":\"/r\"}"),
                 LD_ERR_CORRUPT, "oidcIssuer is missing");
    expect_error(DOCKER("a.io",
                        "{\"type\":\"sigstoreSigned\",\"keyPath\":\"/k\",\"rekorPublicKeyPath\":"
                        "\"/r\",\"rekorPublicKeyData\":\"YQ==\"}"),
                 LD_ERR_CORRUPT, "cannot both");
    expect_error(DOCKER("a.io", "{\"type\":\"sigstoreSigned\",\"keyDatas\":[\"YQ==\"]}"),
                 LD_ERR_CORRUPT, "unknown member \"keyDatas\"");
    expect_error(DOCKER("a.io", "{\"type\":\"signedBy\",\"keyPath\":\"/k\"}"), LD_ERR_CORRUPT,
                 "keyType: must be a string, not missing");
    expect_error(DOCKER("a.io", "{\"type\":\"signedBy\",\"keyType\":\"PGP\",\"keyPath\":\"/k\"}"),
                 LD_ERR_CORRUPT, "unrecognized keyType value \"PGP\"");
    expect_error(DOCKER("a.io", "{\"type\":\"signedBy\",\"keyType\":\"GPGKeys\"}"), LD_ERR_CORRUPT,
                 "exactly one of keyPath, keyPaths and keyData");
    expect_error(
        DOCKER("a.io", "{\"type\":\"sigstoreSigned\",\"keyPath\":\"/k\",\"signedIdentity\":"
                       "{\"type\":\"matchEverything\"}}"),
        LD_ERR_CORRUPT, "[0].signedIdentity.type: unknown signedIdentity type \"matchEverything\"");
    expect_error(DOCKER("a.io",
                        "{\"type\":\"sigstoreSigned\",\"keyPath\":\"/k\",\"signedIdentity\":"
                        "{\"type\":\"matchExact\",\"x\":1}}"),
                 LD_ERR_CORRUPT, "signedIdentity: unknown member \"x\"");
    expect_error(DOCKER("a.io",
                        "{\"type\":\"sigstoreSigned\",\"keyPath\":\"/k\",\"signedIdentity\":"
                        "{\"type\":\"exactReference\",\"dockerReference\":\"busybox\"}}"),
                 LD_ERR_CORRUPT, "contains neither a tag nor a digest");
    expect_error(DOCKER("a.io",
                        "{\"type\":\"sigstoreSigned\",\"keyPath\":\"/k\",\"signedIdentity\":"
                        "{\"type\":\"exactReference\"}}"),
                 LD_ERR_CORRUPT, "missing member \"dockerReference\"");
    expect_error(DOCKER("a.io",
                        "{\"type\":\"sigstoreSigned\",\"keyPath\":\"/k\",\"signedIdentity\":"
                        "{\"type\":\"exactRepository\",\"dockerRepository\":\"Bad Repo\"}}"),
                 LD_ERR_CORRUPT, "not a valid docker reference");
    expect_error(DOCKER("a.io",
                        "{\"type\":\"sigstoreSigned\",\"keyPath\":\"/k\",\"signedIdentity\":"
                        "{\"type\":\"remapIdentity\",\"prefix\":\"a.io\",\"signedPrefix\":"
                        "\"b.io/UPPER\"}}"),
                 LD_ERR_CORRUPT, "signedPrefix: \"b.io/UPPER\" is not");
    expect_error(DOCKER("a.io",
                        "{\"type\":\"sigstoreSigned\",\"keyPath\":\"/k\",\"signedIdentity\":"
                        "{\"type\":\"remapIdentity\",\"prefix\":\"a.io:\",\"signedPrefix\":"
                        "\"b.io\"}}"),
                 LD_ERR_CORRUPT, "prefix: \"a.io:\" is not");
    expect_error(DOCKER("a.io", "{\"type\":\"signedBaseLayer\",\"baseLayerIdentity\":{\"type\":"
                                "\"matchExact\"}}"),
                 LD_ERR_UNSUPPORTED, "signedBaseLayer");
    expect_error(DOCKER("a.io", ""), LD_ERR_CORRUPT, "list of requirements must not be empty");
    /* dir: and oci: scopes are absolute clean paths */
    expect_error("{\"default\":[{\"type\":\"reject\"}],\"transports\":{\"dir\":{\"relative/x\":"
                 "[{\"type\":\"reject\"}]}}}",
                 LD_ERR_CORRUPT, "transports[\"dir\"][\"relative/x\"]");
    expect_error("{\"default\":[{\"type\":\"reject\"}],\"transports\":{\"dir\":{\"/\":"
                 "[{\"type\":\"reject\"}]}}}",
                 LD_ERR_CORRUPT, "absolute, clean path");
    expect_error("{\"default\":[{\"type\":\"reject\"}],\"transports\":{\"oci\":{\"/a/../b\":"
                 "[{\"type\":\"reject\"}]}}}",
                 LD_ERR_CORRUPT, "clean path");
    /* a bad requirement under another transport fails the file, as in containers/image */
    expect_error("{\"default\":[{\"type\":\"reject\"}],\"transports\":{\"atomic\":{\"h:5000/x\":"
                 "[{\"type\":\"reject\",\"x\":1}]}}}",
                 LD_ERR_CORRUPT, "transports[\"atomic\"][\"h:5000/x\"][0]");
    /* hostile key text is quoted, not printed raw */
    expect_error(DOCKER("a\\u001bb", "{\"type\":\"nope\"}"), LD_ERR_CORRUPT, "a\\x1bb");
    /* size and budget */
    size_t n = LD_CPOL_MAX_BYTES + 1;
    char *big = ld_xcalloc(n + 1, 1);
    memset(big, ' ', n);
    ld_cpol p;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_cpol_parse("big.json", big, n, &p, &err), LD_ERR_LIMIT);
    free(big);
    char deep[400];
    int o = snprintf(deep, sizeof(deep), "{\"default\":");
    for (int i = 0; i < 100; i++)
        deep[o++] = '[';
    deep[o] = '\0';
    assert_int_equal(ld_cpol_parse("deep.json", deep, strlen(deep), &p, &err), LD_ERR_LIMIT);
}

static void test_accepted_other_transports(void **state)
{
    (void)state;
    /* scopes of other transports are checked, not kept; an unknown
     * transport is accepted as containers/image accepts it */
    ld_cpol p;
    parse_ok("{\"default\":[{\"type\":\"reject\"}],\"transports\":{"
             "\"dir\":{\"\":[{\"type\":\"insecureAcceptAnything\"}],\"/srv/images\":[{\"type\":"
             "\"reject\"}]},\"oci\":{\"/srv/oci:tag\":[{\"type\":\"reject\"}]},"
             "\"docker-daemon\":{\"\":[{\"type\":\"insecureAcceptAnything\"}]},"
             "\"future-transport\":{\"anything\":[{\"type\":\"reject\"}]}}}",
             &p);
    assert_int_equal(p.n_docker, 0);
    assert_int_equal(p.n_default, 1);
    assert_string_equal(p.path, "policy.json");
    ld_cpol_clear(&p);
}

/* containers-policy.json(5), "A reasonably locked-down system", without its comments */
static const char *const man_example =
    "{\n"
    "    \"default\": [{\"type\": \"reject\"}],\n"
    "    \"transports\": {\n"
    "        \"docker\": {\n"
    "            \"docker.io/openshift\": [{\"type\": \"insecureAcceptAnything\"}],\n"
    "            \"docker.io/library/busybox\": [{\"type\": \"insecureAcceptAnything\"}],\n"
    "            \"*.temporary-project.example.com\": [{\"type\": \"insecureAcceptAnything\"}],\n"
    "            \"hostname:5000/myns/sigstore-signed-with-full-references\": [\n"
    "                {\n"
    "                    \"type\": \"sigstoreSigned\",\n"
    "                    \"keyPath\": \"/path/to/sigstore-pubkey.pub\"\n"
    "                }\n"
    "            ],\n"
    "            \"hostname:5000/myns/sigstore-signed-allows-malicious-tag-substitution\": [\n"
    "                {\n"
    "                    \"type\": \"sigstoreSigned\",\n"
    "                    \"keyPath\": \"/path/to/sigstore-pubkey.pub\",\n"
    "                    \"signedIdentity\": {\"type\": \"matchRepository\"}\n"
    "                }\n"
    "            ]\n"
    "        },\n"
    "        \"dir\": {\n"
    "            \"\": [{\"type\": \"insecureAcceptAnything\"}]\n"
    "        },\n"
    "        \"atomic\": {\n"
    "            \"hostname:5000/myns/official\": [\n"
    "                {\n"
    "                    \"type\": \"signedBy\",\n"
    "                    \"keyType\": \"GPGKeys\",\n"
    "                    \"keyPath\": \"/path/to/official-pubkey.gpg\"\n"
    "                }\n"
    "            ],\n"
    "            \"hostname:5000/vendor/product\": [\n"
    "                {\n"
    "                    \"type\": \"signedBy\",\n"
    "                    \"keyType\": \"GPGKeys\",\n"
    "                    \"keyPath\": \"/path/to/vendor-pubkey.gpg\",\n"
    "                    \"signedIdentity\": {\n"
    "                        \"type\": \"exactRepository\",\n"
    "                        \"dockerRepository\": \"vendor-hostname/product/repository\"\n"
    "                    }\n"
    "                },\n"
    "                {\n"
    "                    \"type\": \"signedBy\",\n"
    "                    \"keyType\": \"GPGKeys\",\n"
    "                    \"keyPath\": \"/path/to/reviewer-pubkey.gpg\"\n"
    "                }\n"
    "            ],\n"
    "            \"private-mirror:5000/vendor-mirror\": [\n"
    "                {\n"
    "                    \"type\": \"signedBy\",\n"
    "                    \"keyType\": \"GPGKeys\",\n"
    "                    \"keyPath\": \"/path/to/vendor-pubkey.gpg\",\n"
    "                    \"signedIdentity\": {\n"
    "                        \"type\": \"remapIdentity\",\n"
    "                        \"prefix\": \"private-mirror:5000/vendor-mirror\",\n"
    "                        \"signedPrefix\": \"vendor.example.com\"\n"
    "                    }\n"
    "                }\n"
    "            ]\n"
    "        }\n"
    "    }\n"
    "}\n";

static void test_man_page_examples(void **state)
{
    (void)state;
    ld_cpol p;
    parse_ok(man_example, &p);
    assert_int_equal(p.n_docker, 5);
    size_t n;
    const char *scope;
    const ld_cpol_requirement *r =
        ld_cpol_requirements(&p, "docker.io/openshift/hello-openshift:latest", &n, &scope);
    assert_string_equal(scope, "docker.io/openshift");
    assert_int_equal(r[0].type, LD_CPOL_ACCEPT_ANYTHING);
    r = ld_cpol_requirements(&p, "busybox", &n, &scope);
    assert_string_equal(scope, "docker.io/library/busybox");
    r = ld_cpol_requirements(&p, "app.temporary-project.example.com/x:1", &n, &scope);
    assert_string_equal(scope, "*.temporary-project.example.com");
    r = ld_cpol_requirements(&p, "hostname:5000/myns/sigstore-signed-with-full-references:v1", &n,
                             &scope);
    assert_int_equal(r[0].type, LD_CPOL_SIGSTORE_SIGNED);
    assert_string_equal(r[0].key_paths[0], "/path/to/sigstore-pubkey.pub");
    assert_int_equal(r[0].identity.type, LD_CPOL_ID_MATCH_REPO_DIGEST_OR_EXACT);
    r = ld_cpol_requirements(
        &p, "hostname:5000/myns/sigstore-signed-allows-malicious-tag-substitution:1", &n, &scope);
    assert_int_equal(r[0].identity.type, LD_CPOL_ID_MATCH_REPOSITORY);
    /* other docker images: the default, reject */
    r = ld_cpol_requirements(&p, "quay.io/x:1", &n, &scope);
    assert_string_equal(scope, "default");
    assert_int_equal(r[0].type, LD_CPOL_REJECT);
    assert_int_equal(n, 1);
    ld_cpol_clear(&p);
    /* "Completely disable security" */
    parse_ok("{\"default\": [{\"type\": \"insecureAcceptAnything\"}]}", &p);
    r = ld_cpol_requirements(&p, "quay.io/x:1", &n, &scope);
    assert_int_equal(r[0].type, LD_CPOL_ACCEPT_ANYTHING);
    ld_cpol_clear(&p);
}

static void test_load_file(void **state)
{
    (void)state;
    char path[] = "/tmp/ld-cpol-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "{\"default\":[{\"type\":\"reject\"}]}";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    ld_cpol p;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_cpol_load(path, &p, &err), 0);
    assert_string_equal(p.path, path);
    ld_cpol_clear(&p);
    unlink(path);
    assert_int_equal(ld_cpol_load(path, &p, &err), LD_ERR_NOT_FOUND);
    assert_int_equal(ld_cpol_load("/", &p, &err), LD_ERR_INVALID); /* a directory */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scope_resolution_table),
        cmocka_unit_test(test_requirement_fields),
        cmocka_unit_test(test_identity_match_exact),
        cmocka_unit_test(test_identity_repo_digest_or_exact),
        cmocka_unit_test(test_identity_match_repository),
        cmocka_unit_test(test_identity_exact_reference_and_repository),
        cmocka_unit_test(test_identity_remap),
        cmocka_unit_test(test_identity_parsed_from_policy),
        cmocka_unit_test(test_strict_errors),
        cmocka_unit_test(test_accepted_other_transports),
        cmocka_unit_test(test_man_page_examples),
        cmocka_unit_test(test_load_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
