/* Unit tests for the OpenVEX lookup index (src/vuln/vex.c, ld_vex_find):
 * on generated documents the index answers exactly what checking every
 * statement directly answers (ld_vex_statement_applies, last statement
 * wins), for purls with and without versions, percent-escapes, image
 * digests, references, pkg:oci purls, subcomponents and @id URLs; and a
 * document of a million products naming other packages costs a lookup
 * nothing like a walk over them (issue 11: 1,000,000 products x 1,000
 * findings ran past 60 s). A UTF-8 BOM before the document is accepted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "util/mem.h"
#include "vuln/vex.h"

/* Time bounds are multiplied by 3 under AddressSanitizer, as
 * tests/e2e/hostile.sh does. */
#if defined(__SANITIZE_ADDRESS__)
#define SLOWDOWN 3.0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLOWDOWN 3.0
#endif
#endif
#ifndef SLOWDOWN
#define SLOWDOWN 1.0
#endif

/* A growable text buffer for generated documents. */
typedef struct {
    char *s;
    size_t n, cap;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *piece = ld_xvasprintf(fmt, ap);
    va_end(ap);
    size_t len = strlen(piece);
    ld_xgrow(&t->s, &t->cap, t->n + len + 1, 1);
    memcpy(t->s + t->n, piece, len + 1);
    t->n += len;
    free(piece);
}

/* Small pools, so random picks collide often. */
static const char *const vulns[] = {"CVE-1", "CVE-2", "GHSA-x", "https://nvd/vuln/CVE-1",
                                    "https://nvd/vuln/CVE-3"};
static const char *const purls[] = {"pkg:npm/a",     "pkg:npm/a@1",
                                    "pkg:npm/a@2",   "pkg:NPM/a@1?x=y",
                                    "pkg:npm/%61@1", "pkg:npm/b@1#sub",
                                    "pkg:npm/b",     "pkg:deb/debian/c@1%2B2",
                                    "pkg:npm/a@",    "pkg:oci/img@sha256%3Aaa",
                                    "pkg:oci/img",   "pkg:oci/img@"};
static const char *const images[] = {"sha256:aa",         "sha256:bb",     "reg/app:1",
                                     "reg/app@sha256:aa", "x@y@sha256:bb", "pkg:npm/a@1"};
static const char *const subject_purls[] = {"pkg:npm/a@1",
                                            "pkg:npm/a@2",
                                            "pkg:npm/a",
                                            "pkg:npm/b@1",
                                            "pkg:deb/debian/c@1+2?arch=x",
                                            "pkg:npm/a@",
                                            "pkg:oci/img@sha256:aa",
                                            NULL};
static const char *const subject_refs[] = {"sha256:aa", "sha256:bb", "reg/app:1", "pkg:npm/a@1",
                                           ""};

#define PICK(arr) (arr)[rand() % (int)(sizeof(arr) / sizeof((arr)[0]))]

static const char *component(void)
{
    return rand() % 2 ? PICK(purls) : PICK(images);
}

static char *random_doc(int statements)
{
    text t = {0};
    put(&t, "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [");
    for (int i = 0; i < statements; i++) {
        put(&t, "%s{\"vulnerability\": {\"name\": \"%s\", \"aliases\": [\"%s\"]}, \"products\": [",
            i ? "," : "", PICK(vulns), PICK(vulns));
        int np = 1 + rand() % 3;
        for (int k = 0; k < np; k++) {
            put(&t, "%s{\"@id\": \"%s\"", k ? "," : "", component());
            if (rand() % 3 == 0) {
                put(&t, ", \"subcomponents\": [");
                int ns = 1 + rand() % 2;
                for (int j = 0; j < ns; j++)
                    put(&t, "%s{\"@id\": \"%s\"}", j ? "," : "", PICK(purls));
                put(&t, "]");
            }
            put(&t, "}");
        }
        put(&t, "], \"status\": \"fixed\"}");
    }
    put(&t, "]}");
    return t.s;
}

static const ld_vex_statement *find_by_walking(const ld_vex_doc *d, const ld_vex_subject *s)
{
    const ld_vex_statement *found = NULL;
    for (size_t i = 0; i < d->n; i++)
        if (ld_vex_statement_applies(&d->statements[i], s))
            found = &d->statements[i];
    return found;
}

static void test_index_agrees_with_walking(void **state)
{
    (void)state;
    srand(11);
    size_t matched = 0, checked = 0;
    for (int round = 0; round < 200; round++) {
        char *doc_text = random_doc(1 + rand() % 12);
        ld_vex_doc d;
        ld_error err = LD_ERROR_INIT;
        if (ld_vex_parse("gen", doc_text, strlen(doc_text), &d, &err) != 0)
            fail_msg("%s", err.msg);
        assert_non_null(d.index);
        for (int q = 0; q < 50; q++) {
            const char *ids[2] = {PICK(vulns), PICK(vulns)};
            const char *refs[3] = {PICK(subject_refs), PICK(subject_refs), NULL};
            ld_vex_subject s = {.ids = ids,
                                .n_ids = (size_t)(1 + rand() % 2),
                                .purl = PICK(subject_purls),
                                .image_refs = refs,
                                .n_image_refs = (size_t)(rand() % 4)};
            const ld_vex_statement *want = find_by_walking(&d, &s);
            const ld_vex_statement *got = ld_vex_find(&d, &s);
            if (want != got) {
                fprintf(stderr, "%s\n", doc_text); /* cmocka cuts long messages */
                fail_msg("round %d: index found statement %ld, walking %ld; subject ids %s %s "
                         "(%zu), purl %s, refs %s %s (%zu)\n%s",
                         round, got ? (long)(got - d.statements) : -1L,
                         want ? (long)(want - d.statements) : -1L, ids[0], ids[1], s.n_ids,
                         s.purl ? s.purl : "-", refs[0], refs[1], s.n_image_refs,
                         "(document above)");
            }
            matched += want != NULL;
            checked++;
        }
        ld_vex_clear(&d);
        free(doc_text);
    }
    /* the comparison means something only if both answers occur */
    assert_true(matched > checked / 10);
    assert_true(matched < checked - checked / 10);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_million_products(void **state)
{
    (void)state;
    /* one statement whose aliases name every finding, a million products
     * that name other packages, and the one product that matters last */
    text t = {0};
    put(&t, "\xEF\xBB\xBF{\"@context\": \"https://openvex.dev/ns\", \"statements\": [");
    put(&t, "{\"vulnerability\": {\"name\": \"CVE-0\", \"aliases\": [");
    for (int i = 1; i < 1000; i++)
        put(&t, "%s\"CVE-%d\"", i > 1 ? "," : "", i);
    put(&t, "]}, \"products\": [");
    for (int i = 0; i < LD_VEX_MAX_PRODUCTS - 1; i++)
        put(&t, "\"pkg:n/%d\",", i % 1000);
    put(&t, "\"pkg:npm/wanted@1\"], \"status\": \"not_affected\"}]}");
    ld_vex_doc d;
    ld_error err = LD_ERROR_INIT;
    double t0 = now_s();
    if (ld_vex_parse("million", t.s, t.n, &d, &err) != 0)
        fail_msg("%s", err.msg);
    double parsed = now_s() - t0;
    t0 = now_s();
    size_t hits = 0;
    for (int i = 0; i < 1000; i++) {
        char id[32];
        snprintf(id, sizeof(id), "CVE-%d", i);
        const char *ids[] = {id};
        ld_vex_subject s = {
            .ids = ids, .n_ids = 1, .purl = i % 2 ? "pkg:npm/wanted@1" : "pkg:npm/other@1"};
        hits += ld_vex_find(&d, &s) != NULL;
    }
    double looked = now_s() - t0;
    assert_int_equal(hits, 500);
    ld_vex_clear(&d);
    free(t.s);
    /* walking would be 1,000 x 1,000,000 product comparisons (minutes) */
    if (looked > 1.0 * SLOWDOWN)
        fail_msg("1,000 lookups in a 1,000,000-product document took %.2f s", looked);
    if (parsed > 10.0 * SLOWDOWN)
        fail_msg("parsing and indexing took %.2f s", parsed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_index_agrees_with_walking),
        cmocka_unit_test(test_million_products),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
