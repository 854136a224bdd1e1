/* Unit tests for the findings set (core/findings.c): adding findings and
 * the LD_FINDINGS_MAX limit, findings attributed to their control through
 * the real catalog, scope declarations (last match wins, fnmatch globs),
 * deduplicated notes and recorded vulnerability coverage. Evaluation of a
 * set is tests/unit/test_evaluate.c. */
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/catalog.h"
#include "core/findings.h"

typedef struct {
    ld_catalog *cat;
    ld_findings *fs;
    /* the limit test pretends the set is full; teardown puts it back even
     * when an assertion left the test early */
    bool faked_full;
    size_t real_n;
    ld_finding *last;
} fixture;

static int setup(void **state)
{
    fixture *x = calloc(1, sizeof(*x));
    ld_error err = LD_ERROR_INIT;
    x->cat = ld_catalog_load_builtin(&err);
    if (!x->cat)
        fail_msg("catalog: %s", err.msg);
    x->fs = ld_findings_new(x->cat, 1700000000);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fixture *x = *state;
    if (x->faked_full) {
        x->fs->n = x->real_n;
        if (x->last)
            x->fs->v[x->fs->n++] = x->last;
    }
    ld_findings_free(x->fs);
    ld_catalog_free(x->cat);
    free(x);
    return 0;
}

/* ---- adding ---- */

static void test_new_set_clock(void **state)
{
    fixture *x = *state;
    assert_int_equal(x->fs->now, 1700000000);
    assert_int_equal(x->fs->n, 0);
    assert_ptr_equal(x->fs->catalog, x->cat);
    time_t before = time(NULL);
    ld_findings *fs = ld_findings_new(x->cat, 0); /* 0: the current time */
    assert_true(fs->now >= before && fs->now <= time(NULL));
    ld_findings_free(fs);
}

static void test_add_keeps_order(void **state)
{
    fixture *x = *state;
    ld_error err = LD_ERROR_INIT;
    const ld_control *c = &x->cat->controls[0];
    ld_finding *added[3];
    for (int i = 0; i < 3; i++) {
        added[i] = ld_finding_new(c, c->checks.n ? c->checks.v[0] : "x", LD_STATUS_PASS);
        assert_int_equal(ld_findings_add(x->fs, added[i], &err), 0);
    }
    assert_int_equal(x->fs->n, 3);
    for (int i = 0; i < 3; i++)
        assert_ptr_equal(x->fs->v[i], added[i]);
}

/* Bytes the allocator has handed out and not had back (mmapped blocks
 * included). Under a sanitizer that replaces malloc this may be 0 always;
 * the sanitizer's leak check then covers what this cannot. */
static size_t heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

static void test_add_past_limit_fails_and_frees(void **state)
{
    fixture *x = *state;
    ld_error err = LD_ERROR_INIT;
    const ld_control *c = &x->cat->controls[0];
    assert_int_equal(ld_findings_add(x->fs, ld_finding_new(c, "one", LD_STATUS_PASS), &err), 0);

    /* Pretend the set already holds LD_FINDINGS_MAX - 1 findings: the last
     * one that fits is accepted, the next one is refused. (Filling a real
     * set to a million findings would take a few hundred MiB.) */
    x->real_n = x->fs->n;
    x->faked_full = true;
    x->fs->n = LD_FINDINGS_MAX - 1;
    ld_finding *last = ld_finding_new(c, "last", LD_STATUS_FAIL);
    assert_int_equal(ld_findings_add(x->fs, last, &err), 0);
    x->last = last;
    assert_int_equal(x->fs->n, LD_FINDINGS_MAX);
    assert_ptr_equal(x->fs->v[LD_FINDINGS_MAX - 1], last);

    /* one past the limit: LD_ERR_LIMIT, and the finding is freed (its
     * 8 MiB of evidence is given back) */
    ld_finding *extra = ld_finding_new(c, "extra", LD_STATUS_FAIL);
    size_t big = 8u << 20;
    extra->evidence = malloc(big);
    assert_non_null(extra->evidence);
    memset(extra->evidence, 'e', big - 1);
    extra->evidence[big - 1] = '\0';
    size_t in_use = heap_in_use();
    int rc = ld_findings_add(x->fs, extra, &err);
    assert_int_equal(rc, LD_ERR_LIMIT);
    assert_int_equal(err.code, LD_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "1000000"));
    assert_int_equal(x->fs->n, LD_FINDINGS_MAX);
    if (in_use > 0)
        assert_true(heap_in_use() + big <= in_use);
}

static void test_check_attributes_control(void **state)
{
    fixture *x = *state;
    ld_error err = LD_ERROR_INIT;
    /* every check listed in the catalog: the finding goes to a CIS control
     * listing it if there is one, else to the first control listing it */
    size_t checked = 0, via_cis = 0;
    for (size_t i = 0; i < x->cat->n; i++) {
        const ld_control *c = &x->cat->controls[i];
        for (size_t k = 0; k < c->checks.n; k++) {
            const char *id = c->checks.v[k];
            const ld_control *first = NULL, *cis = NULL;
            for (size_t j = 0; j < x->cat->n; j++) {
                const ld_control *d = &x->cat->controls[j];
                if (!ld_strlist_contains(&d->checks, id))
                    continue;
                if (!first)
                    first = d;
                if (!cis && ld_framework_is_cis(d->framework))
                    cis = d;
            }
            const ld_control *want = cis ? cis : first;
            assert_ptr_equal(ld_catalog_control_for_check(x->cat, id), want);
            size_t n = x->fs->n;
            assert_int_equal(ld_findings_check(x->fs, id, LD_STATUS_WARN, LD_TARGET_HOST, "h", NULL,
                                               &err, "seen %d", 42),
                             0);
            const ld_finding *f = x->fs->v[n];
            assert_ptr_equal(f->control, want);
            assert_string_equal(f->check_id, id);
            assert_int_equal(f->status, LD_STATUS_WARN);
            assert_int_equal(f->severity, want->severity);
            assert_string_equal(f->evidence, "seen 42");
            assert_int_equal(f->target.kind, LD_TARGET_HOST);
            assert_string_equal(f->target.id, "h");
            assert_null(f->target.name);
            checked++;
            via_cis += cis && first != cis;
        }
    }
    assert_true(checked > 100);
    assert_true(via_cis > 0); /* the catalog has NIST controls sharing checks with CIS ones */
}

static void test_check_unknown_id(void **state)
{
    fixture *x = *state;
    ld_error err = LD_ERROR_INIT;
    int rc = ld_findings_check(x->fs, "no.such-check", LD_STATUS_PASS, LD_TARGET_HOST, "h", NULL,
                               &err, NULL);
    assert_int_equal(rc, LD_ERR_GENERIC);
    assert_non_null(strstr(err.msg, "no.such-check"));
    assert_int_equal(x->fs->n, 0);
    /* no evidence: NULL, not "" */
    const char *id = x->cat->controls[0].checks.v[0];
    assert_int_equal(
        ld_findings_check(x->fs, id, LD_STATUS_PASS, LD_TARGET_IMAGE, "i", "n", &err, NULL), 0);
    assert_null(x->fs->v[0]->evidence);
    assert_string_equal(x->fs->v[0]->target.name, "n");
}

/* ---- scope ---- */

static void test_scope_last_match_wins(void **state)
{
    fixture *x = *state;
    assert_null(ld_findings_scope_of(x->fs, "container.privileged"));
    ld_findings_scope(x->fs, LD_SCOPE_OWED, "container.*", NULL);
    ld_findings_scope(x->fs, LD_SCOPE_NOT_ASSESSED, "container.*", "engine %s did not answer",
                      "unix:///x.sock");
    ld_findings_scope(x->fs, LD_SCOPE_NOT_APPLICABLE, "container.host-*", "no containers");
    ld_findings_scope(x->fs, LD_SCOPE_OWED, "image.vulnerabilities", NULL);

    const ld_scope_entry *e = ld_findings_scope_of(x->fs, "container.privileged");
    assert_non_null(e);
    assert_int_equal(e->state, LD_SCOPE_NOT_ASSESSED);
    assert_string_equal(e->reason, "engine unix:///x.sock did not answer");
    assert_string_equal(e->pattern, "container.*");

    e = ld_findings_scope_of(x->fs, "container.host-pid");
    assert_non_null(e);
    assert_int_equal(e->state, LD_SCOPE_NOT_APPLICABLE);
    assert_string_equal(e->reason, "no containers");

    e = ld_findings_scope_of(x->fs, "image.vulnerabilities");
    assert_non_null(e);
    assert_int_equal(e->state, LD_SCOPE_OWED);
    assert_null(e->reason);

    /* a glob matches the whole id, not a prefix or a part of it */
    assert_null(ld_findings_scope_of(x->fs, "image.vulnerabilities.extra"));
    assert_null(ld_findings_scope_of(x->fs, "image.secrets"));
    assert_null(ld_findings_scope_of(x->fs, "xcontainer.privileged"));

    /* re-declaring the earlier pattern later wins again */
    ld_findings_scope(x->fs, LD_SCOPE_OWED, "container.*", NULL);
    assert_int_equal(ld_findings_scope_of(x->fs, "container.host-pid")->state, LD_SCOPE_OWED);
    assert_int_equal(x->fs->n_scope, 5);
}

static void test_scope_globs(void **state)
{
    fixture *x = *state;
    ld_findings_scope(x->fs, LD_SCOPE_OWED, "host.audit-rule.?ocker*", NULL);
    ld_findings_scope(x->fs, LD_SCOPE_NOT_APPLICABLE, "file.tls-[ck][ek]*-mode", "no TLS");
    assert_non_null(ld_findings_scope_of(x->fs, "host.audit-rule.dockerd"));
    assert_non_null(ld_findings_scope_of(x->fs, "host.audit-rule.docker-socket"));
    assert_null(ld_findings_scope_of(x->fs, "host.audit-rule.containerd"));
    assert_non_null(ld_findings_scope_of(x->fs, "file.tls-cert-mode"));
    assert_non_null(ld_findings_scope_of(x->fs, "file.tls-key-mode"));
    assert_null(ld_findings_scope_of(x->fs, "file.tls-ca-mode"));
    assert_null(ld_findings_scope_of(x->fs, "file.tls-cert-owner"));
    assert_string_equal(ld_scope_state_name(LD_SCOPE_OWED), "owed");
    assert_string_equal(ld_scope_state_name(LD_SCOPE_NOT_APPLICABLE), "not applicable");
    assert_string_equal(ld_scope_state_name(LD_SCOPE_NOT_ASSESSED), "not assessed");
}

/* ---- notes and coverage ---- */

static void test_notes_deduplicated(void **state)
{
    fixture *x = *state;
    ld_findings_note(x->fs, "list %s failed", "a");
    ld_findings_note(x->fs, "list %s failed", "b");
    ld_findings_note(x->fs, "list %s failed", "a");
    ld_findings_note(x->fs, "%s", "list a failed");
    ld_findings_note(x->fs, "limit hit at %d files", 200);
    assert_int_equal(x->fs->notes.n, 3);
    assert_string_equal(x->fs->notes.v[0], "list a failed");
    assert_string_equal(x->fs->notes.v[1], "list b failed");
    assert_string_equal(x->fs->notes.v[2], "limit hit at 200 files");
}

static void test_coverage_recorded(void **state)
{
    fixture *x = *state;
    char target[] = "app:1";
    char eco[] = "deb";
    char release[] = "debian 12";
    ld_findings_coverage(x->fs, target, eco, release, 123, true);
    ld_findings_coverage(x->fs, target, "npm", NULL, 1, false);
    /* strings were copied: changing the caller's buffers changes nothing */
    memcpy(target, "XXXXX", 5);
    memcpy(eco, "XXX", 3);
    memcpy(release, "XXXXXXXXX", 9);
    assert_int_equal(x->fs->n_coverage, 2);
    const ld_coverage *c = &x->fs->coverage[0];
    assert_string_equal(c->target, "app:1");
    assert_string_equal(c->ecosystem, "deb");
    assert_string_equal(c->release, "debian 12");
    assert_int_equal(c->packages, 123);
    assert_true(c->covered);
    c = &x->fs->coverage[1];
    assert_string_equal(c->ecosystem, "npm");
    assert_null(c->release);
    assert_int_equal(c->packages, 1);
    assert_false(c->covered);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new_set_clock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_keeps_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_past_limit_fails_and_frees, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_attributes_control, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_unknown_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scope_last_match_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scope_globs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notes_deduplicated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_coverage_recorded, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
