/* Unit tests for src/image/registry_manifest.c (and the registry: target
 * prefixes of source.c): what a registry answers for
 * an image reference, followed to one image manifest. A fake registry (a
 * table of documents by tag and digest) stands in for the client, so the
 * hostile cases a real client would already stop (a document that lies
 * about its digest, an index listing itself) reach the picker too: media
 * types, Docker manifest lists and OCI indexes by platform (variants and
 * defaults), nesting depth, cycles, schema 1, unknown types, fetch errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/image_internal.h"
#include "image/registry_manifest.h"
#include "util/mem.h"

#define MAX_DOCS 128

typedef struct {
    char *tag; /* NULL: reachable by digest only */
    char digest[LD_DIGEST_LEN + 1];
    char *media_type;
    char *body;
} fake_doc;

typedef struct {
    fake_doc v[MAX_DOCS];
    size_t n;
    size_t fetches;
    ld_errcode fail_with;    /* != 0: every fetch fails so */
    const char *swap_digest; /* != NULL: every fetch answers with this digest (a lying client) */
} fake_registry;

static void fake_clear(fake_registry *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].tag);
        free(r->v[i].media_type);
        free(r->v[i].body);
    }
    memset(r, 0, sizeof(*r));
}

/* Adds a document; returns its digest (owned by r). */
static const char *add(fake_registry *r, const char *tag, const char *mt, const char *body)
{
    assert_true(r->n < MAX_DOCS);
    fake_doc *d = &r->v[r->n++];
    d->tag = tag ? ld_xstrdup(tag) : NULL;
    d->media_type = mt ? ld_xstrdup(mt) : NULL;
    d->body = ld_xstrdup(body);
    ld_img_sha256_buf(body, strlen(body), d->digest);
    return d->digest;
}

static int fake_fetch(void *ctx, const char *reference, ld_reg_manifest *out, ld_error *err)
{
    fake_registry *r = ctx;
    r->fetches++;
    if (r->fail_with)
        return ld_error_set(err, r->fail_with, "manifest %s: registry says no", reference);
    for (size_t i = 0; i < r->n; i++) {
        fake_doc *d = &r->v[i];
        if ((d->tag && strcmp(d->tag, reference) == 0) || strcmp(d->digest, reference) == 0) {
            out->media_type = ld_xstrdup(d->media_type);
            out->digest = ld_xstrdup(r->swap_digest ? r->swap_digest : d->digest);
            out->body = (uint8_t *)ld_xstrdup(d->body);
            out->len = strlen(d->body);
            return 0;
        }
    }
    return ld_error_set(err, LD_ERR_NOT_FOUND, "manifest %s: not found", reference);
}

static const char *image_manifest(fake_registry *r, const char *tag, const char *mt,
                                  const char *marker)
{
    char body[1024];
    snprintf(body, sizeof(body),
             "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{\"mediaType\":"
             "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:%064d\","
             "\"size\":2},\"layers\":[],\"annotations\":{\"m\":\"%s\"}}",
             mt, 1, marker);
    return add(r, tag, mt, body);
}

/* An index (of type mt) listing digests[i] with platforms[i] (NULL: none). */
static const char *index_of(fake_registry *r, const char *tag, const char *mt,
                            const char *const *digests, const char *const *platforms, size_t n)
{
    char body[8192];
    size_t len = (size_t)snprintf(body, sizeof(body),
                                  "{\"schemaVersion\":2,\"mediaType\":\"%s\","
                                  "\"manifests\":[",
                                  mt);
    for (size_t i = 0; i < n; i++) {
        char plat[200] = "";
        if (platforms && platforms[i]) {
            char os[40], arch[40], var[40] = "";
            int k = sscanf(platforms[i], "%39[^/]/%39[^/]/%39s", os, arch, var);
            assert_true(k >= 2);
            if (k == 3)
                snprintf(plat, sizeof(plat),
                         ",\"platform\":{\"os\":\"%s\",\"architecture\":\"%s\",\"variant\":\"%s\"}",
                         os, arch, var);
            else
                snprintf(plat, sizeof(plat),
                         ",\"platform\":{\"os\":\"%s\",\"architecture\":\"%s\"}", os, arch);
        }
        len += (size_t)snprintf(body + len, sizeof(body) - len,
                                "%s{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":100%s}",
                                i ? "," : "", LD_MT_OCI_MANIFEST, digests[i], plat);
        assert_true(len < sizeof(body));
    }
    snprintf(body + len, sizeof(body) - len, "]}");
    return add(r, tag, mt, body);
}

/* ---- media types ---------------------------------------------------------- */

static void test_doc_kinds(void **state)
{
    (void)state;
    assert_int_equal(ld_img_reg_doc_kind(LD_MT_DOCKER_MANIFEST, "{}", 2), LD_REG_DOC_MANIFEST);
    assert_int_equal(ld_img_reg_doc_kind(LD_MT_OCI_MANIFEST, NULL, 0), LD_REG_DOC_MANIFEST);
    assert_int_equal(ld_img_reg_doc_kind(LD_MT_DOCKER_LIST, "{}", 2), LD_REG_DOC_INDEX);
    assert_int_equal(ld_img_reg_doc_kind(LD_MT_OCI_INDEX, "{}", 2), LD_REG_DOC_INDEX);
    /* a Content-Type with parameters, in other case */
    assert_int_equal(
        ld_img_reg_doc_kind(" Application/VND.oci.image.manifest.v1+json; charset=utf-8", "{}", 2),
        LD_REG_DOC_MANIFEST);
    assert_int_equal(
        ld_img_reg_doc_kind("application/vnd.docker.distribution.manifest.v1+prettyjws", "{}", 2),
        LD_REG_DOC_SCHEMA1);
    assert_int_equal(
        ld_img_reg_doc_kind("application/vnd.docker.distribution.manifest.v1+json", "{}", 2),
        LD_REG_DOC_SCHEMA1);
    const char *s1 = "{\"schemaVersion\": 1, \"name\": \"x\", \"fsLayers\": []}";
    assert_int_equal(ld_img_reg_doc_kind("application/json", s1, strlen(s1)), LD_REG_DOC_SCHEMA1);
    assert_int_equal(ld_img_reg_doc_kind(NULL, s1, strlen(s1)), LD_REG_DOC_SCHEMA1);
    const char *s2 = "{\"schemaVersion\": 2, \"layers\": []}";
    assert_int_equal(ld_img_reg_doc_kind("application/json", s2, strlen(s2)), LD_REG_DOC_OTHER);
    /* a schema 1 body under a type that names something else is that something */
    assert_int_equal(ld_img_reg_doc_kind("text/html", s1, strlen(s1)), LD_REG_DOC_OTHER);
    /* no prefix match: a longer type is another type */
    assert_int_equal(ld_img_reg_doc_kind(LD_MT_OCI_MANIFEST "x", "{}", 2), LD_REG_DOC_OTHER);
    assert_int_equal(ld_img_reg_doc_kind(NULL, "{\"schemaVersion\": 1", 19), LD_REG_DOC_OTHER);
    assert_int_equal(ld_img_reg_doc_kind("", NULL, 0), LD_REG_DOC_OTHER);
    /* a hostile body never read past len */
    char no_nul[3] = {'{', '"', 's'};
    assert_int_equal(ld_img_reg_doc_kind(NULL, no_nul, sizeof(no_nul)), LD_REG_DOC_OTHER);
}

/* ---- picking --------------------------------------------------------------- */

static void test_plain_manifest(void **state)
{
    (void)state;
    fake_registry r = {0};
    const char *d = image_manifest(&r, "1", LD_MT_DOCKER_MANIFEST, "only");
    ld_img_reg_pick p;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_img_reg_pick_manifest(fake_fetch, &r, "1", NULL, &p, &err), 0);
    assert_string_equal(p.manifest.digest, d);
    assert_string_equal(p.manifest.media_type, LD_MT_DOCKER_MANIFEST);
    assert_int_equal(p.indexes.n, 0);
    assert_null(p.platform);
    assert_int_equal(r.fetches, 1);
    ld_img_reg_pick_clear(&p);
    fake_clear(&r);
}

static void pick_ok(fake_registry *r, const char *ref, const char *platform, const char *want,
                    const char *want_platform)
{
    ld_img_reg_pick p;
    ld_error err = LD_ERROR_INIT;
    int rc = ld_img_reg_pick_manifest(fake_fetch, r, ref, platform, &p, &err);
    if (rc != 0)
        fail_msg("pick %s for %s: %s", ref, platform ? platform : "host", err.msg);
    assert_string_equal(p.manifest.digest, want);
    assert_string_equal(p.platform, want_platform);
    ld_img_reg_pick_clear(&p);
}

static void test_docker_list_by_platform(void **state)
{
    (void)state;
    fake_registry r = {0};
    const char *amd = image_manifest(&r, NULL, LD_MT_OCI_MANIFEST, "amd64");
    const char *arm = image_manifest(&r, NULL, LD_MT_OCI_MANIFEST, "arm64");
    const char *armv7 = image_manifest(&r, NULL, LD_MT_OCI_MANIFEST, "armv7");
    const char *digests[] = {amd, arm, armv7};
    const char *plats[] = {"linux/amd64", "linux/arm64/v8", "linux/arm/v7"};
    const char *ix = index_of(&r, "multi", LD_MT_DOCKER_LIST, digests, plats, 3);
    pick_ok(&r, "multi", "linux/amd64", amd, "linux/amd64");
    pick_ok(&r, "multi", "linux/arm64", arm, "linux/arm64/v8");
    pick_ok(&r, "multi", "linux/arm64/v8", arm, "linux/arm64/v8");
    pick_ok(&r, "multi", "linux/arm/v7", armv7, "linux/arm/v7");
    /* by the index's digest, too */
    pick_ok(&r, ix, "linux/amd64", amd, "linux/amd64");
    ld_img_reg_pick p;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_img_reg_pick_manifest(fake_fetch, &r, "multi", "linux/amd64", &p, &err), 0);
    assert_int_equal(p.indexes.n, 1);
    assert_string_equal(p.indexes.v[0], ix);
    ld_img_reg_pick_clear(&p);
    fake_clear(&r);
}

static void test_oci_index_default_variant(void **state)
{
    (void)state;
    fake_registry r = {0};
    const char *amd = image_manifest(&r, NULL, LD_MT_OCI_MANIFEST, "amd64");
    const char *arm = image_manifest(&r, NULL, LD_MT_OCI_MANIFEST, "arm64");
    const char *digests[] = {amd, arm};
    const char *plats[] = {"linux/amd64", "linux/arm64"};
    index_of(&r, "v", LD_MT_OCI_INDEX, digests, plats, 2);
    /* an entry without a variant is the architecture's default one */
    pick_ok(&r, "v", "linux/arm64/v8", arm, "linux/arm64");
    pick_ok(&r, "v", "linux/amd64/v1", amd, "linux/amd64");
    /* but not another variant */
    ld_img_reg_pick p;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_img_reg_pick_manifest(fake_fetch, &r, "v", "linux/amd64/v3", &p, &err),
                     LD_ERR_NOT_FOUND);
    ld_img_reg_pick_clear(&p);
    fake_clear(&r);
}

static void test_absent_platform(void **state)
{
    (void)state;
    fake_registry r = {0};
    const char *amd = image_manifest(&r, NULL, LD_MT_OCI_MANIFEST, "amd64");
    const char *arm = image_manifest(&r, NULL, LD_MT_OCI_MANIFEST, "arm64");
    const char *digests[] = {amd, arm};
    const char *plats[] = {"linux/amd64", "linux/arm64/v8"};
    const char *ix = index_of(&r, "multi", LD_MT_OCI_INDEX, digests, plats, 2);
    ld_img_reg_pick p;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_img_reg_pick_manifest(fake_fetch, &r, "multi", "linux/s390x", &p, &err),
                     LD_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "linux/s390x"));
    assert_non_null(strstr(err.msg, "linux/amd64, linux/arm64/v8"));
    assert_non_null(strstr(err.msg, ix));
    assert_null(strchr(err.msg, '\n'));
    assert_null(p.manifest.body);
    ld_img_reg_pick_clear(&p);
    fake_clear(&r);
}

/* A chain of depth indexes over one manifest; returns the outer tag "chain". */
static void chain(fake_registry *r, size_t depth)
{
    const char *d = image_manifest(r, NULL, LD_MT_OCI_MANIFEST, "deep");
    const char *plats[] = {"linux/amd64"};
    for (size_t i = 0; i < depth; i++) {
        const char *digests[] = {d};
        d = index_of(r, i + 1 == depth ? "chain" : NULL, LD_MT_OCI_INDEX, digests, plats, 1);
    }
}

static void test_nesting_bound(void **state)
{
    (void)state;
    ld_img_reg_pick p;
    ld_error err = LD_ERROR_INIT;
    fake_registry r = {0};
    chain(&r, LD_IMG_REG_MAX_INDEXES);
    assert_int_equal(ld_img_reg_pick_manifest(fake_fetch, &r, "chain", "linux/amd64", &p, &err), 0);
    assert_int_equal(p.indexes.n, LD_IMG_REG_MAX_INDEXES);
    ld_img_reg_pick_clear(&p);
    fake_clear(&r);

    chain(&r, LD_IMG_REG_MAX_INDEXES + 1);
    assert_int_equal(ld_img_reg_pick_manifest(fake_fetch, &r, "chain", "linux/amd64", &p, &err),
                     LD_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "nested more than 4 deep"));
    ld_img_reg_pick_clear(&p);
    fake_clear(&r);

    /* 50 deep: refused after the bound, not after 50 fetches */
    chain(&r, 50);
    assert_int_equal(ld_img_reg_pick_manifest(fake_fetch, &r, "chain", "linux/amd64", &p, &err),
                     LD_ERR_CORRUPT);
    assert_int_equal(r.fetches, LD_IMG_REG_MAX_INDEXES + 1);
    ld_img_reg_pick_clear(&p);
    fake_clear(&r);
}

static void test_cycle(void **state)
{
    (void)state;
    /* A real client refuses a body that does not hash to the digest asked
     * for, so an index cannot list itself; this registry's client lies
     * (every answer claims one digest), and the picker still stops. */
    fake_registry r = {0};
    const char *self = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    const char *digests[] = {self};
    const char *plats[] = {"linux/amd64"};
    index_of(&r, "loop", LD_MT_OCI_INDEX, digests, plats, 1);
    r.swap_digest = self;
    ld_img_reg_pick p;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_img_reg_pick_manifest(fake_fetch, &r, "loop", "linux/amd64", &p, &err),
                     LD_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "cycle"));
    assert_int_equal(r.fetches, 1);
    ld_img_reg_pick_clear(&p);
    fake_clear(&r);
}

static void test_wrong_digest(void **state)
{
    (void)state;
    fake_registry r = {0};
    const char *m = image_manifest(&r, NULL, LD_MT_OCI_MANIFEST, "x");
    const char *digests[] = {m};
    const char *plats[] = {"linux/amd64"};
    index_of(&r, "t", LD_MT_OCI_INDEX, digests, plats, 1);
    /* the child comes back under another digest than the index listed */
    r.swap_digest = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
    ld_img_reg_pick p;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_img_reg_pick_manifest(fake_fetch, &r, "t", "linux/amd64", &p, &err),
                     LD_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, m));
    ld_img_reg_pick_clear(&p);
    fake_clear(&r);
}

static void test_refused_types(void **state)
{
    (void)state;
    fake_registry r = {0};
    ld_img_reg_pick p;
    ld_error err = LD_ERROR_INIT;
    const char *s1 = "{\"schemaVersion\":1,\"name\":\"x\",\"tag\":\"1\",\"fsLayers\":[]}";
    add(&r, "old", "application/vnd.docker.distribution.manifest.v1+prettyjws", s1);
    assert_int_equal(ld_img_reg_pick_manifest(fake_fetch, &r, "old", NULL, &p, &err),
                     LD_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.msg, "schema 1"));
    ld_img_reg_pick_clear(&p);
    add(&r, "old-json", "application/json", s1);
    assert_int_equal(ld_img_reg_pick_manifest(fake_fetch, &r, "old-json", NULL, &p, &err),
                     LD_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.msg, "schema 1"));
    ld_img_reg_pick_clear(&p);
    add(&r, "html", "text/html", "<html>hello</html>");
    assert_int_equal(ld_img_reg_pick_manifest(fake_fetch, &r, "html", NULL, &p, &err),
                     LD_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.msg, "\"text/html\""));
    ld_img_reg_pick_clear(&p);
    add(&r, "none", NULL, "{\"schemaVersion\":2,\"layers\":[]}");
    assert_int_equal(ld_img_reg_pick_manifest(fake_fetch, &r, "none", NULL, &p, &err),
                     LD_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.msg, "(none)"));
    ld_img_reg_pick_clear(&p);
    /* an index the registry says is an index, but whose body is not one */
    const char *bad = add(&r, "badix", LD_MT_OCI_INDEX, "{\"schemaVersion\":2,\"layers\":[]}");
    assert_int_equal(ld_img_reg_pick_manifest(fake_fetch, &r, "badix", NULL, &p, &err),
                     LD_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, bad));
    ld_img_reg_pick_clear(&p);
    /* an index whose entry the registry does not hold */
    const char *ghost[] = {
        "sha256:3333333333333333333333333333333333333333333333333333333333333333"};
    const char *plats[] = {"linux/amd64"};
    index_of(&r, "ghost", LD_MT_OCI_INDEX, ghost, plats, 1);
    assert_int_equal(ld_img_reg_pick_manifest(fake_fetch, &r, "ghost", NULL, &p, &err),
                     LD_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, ghost[0]));
    ld_img_reg_pick_clear(&p);
    fake_clear(&r);
}

static void test_fetch_error(void **state)
{
    (void)state;
    fake_registry r = {.fail_with = LD_ERR_UNREACHABLE};
    ld_img_reg_pick p;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_img_reg_pick_manifest(fake_fetch, &r, "x", NULL, &p, &err),
                     LD_ERR_UNREACHABLE);
    assert_non_null(strstr(err.msg, "registry says no"));
    ld_img_reg_pick_clear(&p);
    fake_clear(&r);
}

/* ---- targets ----------------------------------------------------------------- */

static void test_detect_registry_targets(void **state)
{
    (void)state;
    ld_src_kind k;
    const char *rest;
    ld_error err = LD_ERROR_INIT;
    const char *t = "registry:ghcr.io/org/app:1";
    assert_int_equal(ld_img_detect_source(t, &k, &rest, &err), 0);
    assert_int_equal(k, LD_SRC_REGISTRY);
    assert_string_equal(rest, "ghcr.io/org/app:1");
    t = "docker://localhost:5000/x"; /* skopeo's name for a registry, not the engine */
    assert_int_equal(ld_img_detect_source(t, &k, &rest, &err), 0);
    assert_int_equal(k, LD_SRC_REGISTRY);
    assert_string_equal(rest, "localhost:5000/x");
    t = "docker:busybox:1"; /* forced engine: rest is past the prefix */
    assert_int_equal(ld_img_detect_source(t, &k, &rest, &err), 0);
    assert_int_equal(k, LD_SRC_ENGINE);
    assert_true(rest != t);
    t = "lockdown-test/no-such-dir-here:1"; /* a bare name: rest is the target itself */
    assert_int_equal(ld_img_detect_source(t, &k, &rest, &err), 0);
    assert_int_equal(k, LD_SRC_ENGINE);
    assert_ptr_equal(rest, t);
    assert_true(ld_img_detect_source("registry:", &k, &rest, &err) < 0);
    assert_non_null(strstr(err.msg, "registry:"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doc_kinds),
        cmocka_unit_test(test_plain_manifest),
        cmocka_unit_test(test_docker_list_by_platform),
        cmocka_unit_test(test_oci_index_default_variant),
        cmocka_unit_test(test_absent_platform),
        cmocka_unit_test(test_nesting_bound),
        cmocka_unit_test(test_cycle),
        cmocka_unit_test(test_wrong_digest),
        cmocka_unit_test(test_refused_types),
        cmocka_unit_test(test_fetch_error),
        cmocka_unit_test(test_detect_registry_targets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
