/* Unit tests for evaluation (core/evaluate.c) over the real built-in
 * catalog: no control is ever passed without a passing observation (every
 * control, every check, every other status), failures, exceptions and
 * attestations, the run's scope (owed, not assessed, not applicable, out of
 * scope, later declarations winning), the gate (failed controls, fail-on,
 * fails closed when incomplete, needs review per level and policy),
 * expired exceptions and attestations, compliance counts per level, and a
 * run of 100,000 findings that stays within its memory bound.
 *
 * Expected states are derived here from the rules in docs/verdicts.md and
 * from the catalog (which controls list which check, at which level),
 * never copied from the evaluator's output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <cmocka.h>

#include "core/catalog.h"
#include "core/evaluate.h"
#include "core/findings.h"
#include "core/policy.h"
#include "core/report.h"

#define NOW ((time_t)1700000000) /* 2023-11-14 */
#define MAX_LISTING 64

typedef struct {
    ld_catalog *cat;
    ld_exception exceptions[8];
    ld_attestation attestations[8];
    ld_policy policy;
} fixture;

static fixture *g; /* the catalog is loaded once for the whole group */

static int group_setup(void **state)
{
    ld_error err = LD_ERROR_INIT;
    g = calloc(1, sizeof(*g));
    g->cat = ld_catalog_load_builtin(&err);
    if (!g->cat) {
        fprintf(stderr, "catalog: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    ld_catalog_free(g->cat);
    free(g);
    return 0;
}

/* A fresh policy for each test: gate defaults, no exceptions. */
static int setup(void **state)
{
    memset(&g->policy, 0, sizeof(g->policy));
    memset(g->exceptions, 0, sizeof(g->exceptions));
    memset(g->attestations, 0, sizeof(g->attestations));
    g->policy.path = "test-policy.yaml";
    g->policy.required_controls = true;
    g->policy.exceptions = g->exceptions;
    g->policy.attestations = g->attestations;
    *state = g;
    return 0;
}

/* ---- helpers ---- */

static ld_findings *new_set(void)
{
    return ld_findings_new(g->cat, NOW);
}

static ld_finding *add(ld_findings *fs, const char *check, ld_status status, const char *target)
{
    ld_error err = LD_ERROR_INIT;
    if (ld_findings_check(fs, check, status, LD_TARGET_CONTAINER, target, NULL, &err,
                          "evidence of %s on %s", check, target) != 0)
        fail_msg("add %s: %s", check, err.msg);
    return fs->v[fs->n - 1];
}

static ld_evaluation *eval_opts(const ld_findings *fs, const ld_policy *p, ld_level level,
                                bool allow_incomplete)
{
    ld_eval_options o = {.level = level, .allow_incomplete = allow_incomplete};
    return ld_evaluate(fs, p, &o);
}

static ld_evaluation *eval(const ld_findings *fs, const ld_policy *p, ld_level level)
{
    return eval_opts(fs, p, level, false);
}

static const ld_control_result *result(const ld_evaluation *ev, const ld_control *c)
{
    return &ev->controls[c->index];
}

/* The controls listing check (from the catalog, not the evaluator). */
static size_t listing(const char *check, const ld_control **out)
{
    size_t n = 0;
    for (size_t i = 0; i < g->cat->n; i++)
        if (ld_strlist_contains(&g->cat->controls[i].checks, check)) {
            if (n == MAX_LISTING)
                fail_msg("check %s is listed by more than %d controls", check, MAX_LISTING);
            out[n++] = &g->cat->controls[i];
        }
    return n;
}

static bool lists(const ld_control *c, const char *check)
{
    return ld_strlist_contains(&c->checks, check);
}

static bool any_implemented(const ld_control *c)
{
    for (size_t k = 0; k < c->checks.n; k++)
        if (ld_check_implemented(c->checks.v[k]))
            return true;
    return false;
}

static void assert_state(const ld_evaluation *ev, const ld_control *c, ld_control_state want,
                         const char *context)
{
    const ld_control_result *res = result(ev, c);
    if (res->state != want)
        fail_msg("%s: control %s is \"%s\", expected \"%s\" (reason: %s)", context, c->id,
                 ld_control_state_name(res->state), ld_control_state_name(want),
                 res->reason ? res->reason : "none");
    if (!res->reason || !res->reason[0])
        fail_msg("%s: control %s (%s) has no reason", context, c->id,
                 ld_control_state_name(res->state));
}

static bool list_has(const ld_strlist *l, const char *needle)
{
    for (size_t i = 0; i < l->n; i++)
        if (strstr(l->v[i], needle))
            return true;
    return false;
}

static const char *list_find(const ld_strlist *l, const char *prefix)
{
    for (size_t i = 0; i < l->n; i++)
        if (strncmp(l->v[i], prefix, strlen(prefix)) == 0)
            return l->v[i];
    return NULL;
}

/* Does a comma-separated id list in text name id as a whole item? */
static bool names_id(const char *text, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = strstr(text, id); p; p = strstr(p + 1, id)) {
        bool start = p == text || p[-1] == ' ';
        bool end = p[n] == ',' || p[n] == ' ' || p[n] == '\0' || p[n] == ')';
        if (start && end)
            return true;
    }
    return false;
}

/* The first check (in catalog order) that this build implements and that
 * satisfies want: its listing controls in out, their count in *n. */
typedef bool (*check_pred)(const ld_control **ctl, size_t n);

static const char *find_check(check_pred want, const ld_control **out, size_t *n)
{
    for (size_t i = 0; i < g->cat->n; i++) {
        const ld_control *c = &g->cat->controls[i];
        for (size_t k = 0; k < c->checks.n; k++) {
            const char *id = c->checks.v[k];
            if (!ld_check_implemented(id))
                continue;
            *n = listing(id, out);
            if (want(out, *n))
                return id;
        }
    }
    fail_msg("no check in the catalog fits this test");
    return NULL;
}

static size_t count_at(const ld_control **ctl, size_t n, ld_level level)
{
    size_t r = 0;
    for (size_t i = 0; i < n; i++)
        r += ctl[i]->level <= level;
    return r;
}

/* Implemented, required at low by some control, listed by at most 8 controls
 * (the gate names up to 8 ids). */
static bool low_and_few(const ld_control **ctl, size_t n)
{
    return n <= 8 && count_at(ctl, n, LD_LEVEL_LOW) > 0;
}

/* Every listing control is required only at high. */
static bool high_only(const ld_control **ctl, size_t n)
{
    return n > 0 && count_at(ctl, n, LD_LEVEL_MEDIUM) == 0;
}

/* ---- memory (first, so the peak RSS it measures is its own) ---- */

static long max_rss_kib(void)
{
    struct rusage ru;
    assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
    return ru.ru_maxrss;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

#define BIG_RUN 100000

static void test_memory_100k_findings(void **state)
{
    fixture *x = *state;
    /* every check of the catalog, cycled through */
    const char *checks[512];
    size_t n_checks = 0;
    for (size_t i = 0; i < x->cat->n; i++)
        for (size_t k = 0; k < x->cat->controls[i].checks.n && n_checks < 512; k++)
            checks[n_checks++] = x->cat->controls[i].checks.v[k];
    assert_true(n_checks > 50);
    x->exceptions[0] = (ld_exception){
        /* finding 1 is a failure of checks[1] on ctr-000001, whatever n_checks is */
        .id = (char *)checks[1], .target = "ctr-0*", .reason = "accepted", .line = 1};
    x->policy.n_exceptions = 1;

    long rss0 = max_rss_kib();
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ld_findings *fs = new_set();
    ld_findings_scope(fs, LD_SCOPE_OWED, "*", NULL);
    static const ld_status statuses[] = {LD_STATUS_PASS, LD_STATUS_FAIL,    LD_STATUS_WARN,
                                         LD_STATUS_PASS, LD_STATUS_INFO,    LD_STATUS_ERROR,
                                         LD_STATUS_PASS, LD_STATUS_SKIPPED, LD_STATUS_MANUAL};
    size_t want_status[LD_STATUS_COUNT] = {0};
    ld_error err = LD_ERROR_INIT;
    for (size_t i = 0; i < BIG_RUN; i++) {
        char target[32], name[48];
        snprintf(target, sizeof(target), "ctr-%06zu", i);
        snprintf(name, sizeof(name), "registry.example.com/team/app-%zu:1.2.3", i % 977);
        ld_status s = statuses[i % (sizeof(statuses) / sizeof(statuses[0]))];
        want_status[s]++;
        if (ld_findings_check(fs, checks[i % n_checks], s, LD_TARGET_CONTAINER, target, name, &err,
                              "HostConfig.Something=%zu; a line of evidence as long as a real "
                              "check writes, with the value that was seen",
                              i) != 0)
            fail_msg("finding %zu: %s", i, err.msg);
    }
    ld_evaluation *ev = eval(fs, &x->policy, LD_LEVEL_HIGH);
    FILE *devnull = fopen("/dev/null", "we");
    assert_non_null(devnull);
    ld_report_options ro = {.format = LD_FORMAT_JSON,
                            .out = devnull,
                            .command = "test",
                            .scope = "100k",
                            .level_source = "test"};
    assert_int_equal(ld_report_render(&ro, fs, ev, &err), 0);
    fclose(devnull);
    double secs = seconds_since(&t0);
    long grown_kib = max_rss_kib() - rss0;

    assert_int_equal(fs->n, BIG_RUN);
    assert_int_equal(ev->findings, BIG_RUN);
    for (int s = 0; s < LD_STATUS_COUNT; s++)
        assert_int_equal(ev->status_counts[s], want_status[s]);
    assert_true(ev->excepted > 0 && ev->excepted < BIG_RUN);
    print_message("100,000 findings: peak RSS grew %ld KiB, %.2f s to build, evaluate and "
                  "render\n",
                  grown_kib, secs);
    if (grown_kib >= 256L * 1024)
        fail_msg("peak RSS grew by %ld KiB, more than 256 MiB", grown_kib);
    if (secs > 30.0) /* a few hundred ms here; minutes would mean a quadratic step */
        fail_msg("100,000 findings took %.1f s", secs);
    ld_evaluation_free(ev);
    ld_findings_free(fs);
}

/* ---- the whole catalog: never passed without a passing observation ---- */

/* What a control gets when its only findings have this status (verdicts.md). */
static ld_control_state state_for(ld_status s)
{
    switch (s) {
    case LD_STATUS_WARN:
    case LD_STATUS_INFO:
    case LD_STATUS_MANUAL: return LD_CTRL_REVIEW;
    case LD_STATUS_ERROR: return LD_CTRL_NOT_ASSESSED;
    case LD_STATUS_SKIPPED: return LD_CTRL_NOT_APPLICABLE;
    default: break;
    }
    fail_msg("no single-status expectation for %s", ld_status_name(s));
    return LD_CTRL_COUNT;
}

/* No control of the whole catalog is passed (or excepted) in ev. */
static void assert_none_passed(const ld_evaluation *ev, const char *context)
{
    for (size_t i = 0; i < g->cat->n; i++) {
        ld_control_state s = ev->controls[i].state;
        if (s == LD_CTRL_PASSED || s == LD_CTRL_EXCEPTED)
            fail_msg("%s: control %s is %s without a passing observation (%s)", context,
                     g->cat->controls[i].id, ld_control_state_name(s), ev->controls[i].reason);
    }
}

static void test_catalog_no_pass_without_pass(void **state)
{
    fixture *x = *state;
    static const ld_status statuses[] = {LD_STATUS_WARN, LD_STATUS_INFO, LD_STATUS_MANUAL,
                                         LD_STATUS_ERROR, LD_STATUS_SKIPPED};
    size_t runs = 0, controls_seen = 0;
    for (size_t i = 0; i < x->cat->n; i++) {
        const ld_control *c = &x->cat->controls[i];
        if (c->checks.n == 0)
            continue;
        controls_seen++;
        for (size_t si = 0; si < sizeof(statuses) / sizeof(statuses[0]); si++) {
            ld_status s = statuses[si];
            ld_control_state want = state_for(s);
            char ctx[256];
            /* each check alone: every control listing it gets the state */
            for (size_t k = 0; k < c->checks.n; k++) {
                const char *check = c->checks.v[k];
                snprintf(ctx, sizeof(ctx), "only %s on %s", ld_status_name(s), check);
                ld_findings *fs = new_set();
                add(fs, check, s, "t1");
                add(fs, check, s, "t2");
                for (int level = 0; level < LD_LEVEL_COUNT; level++) {
                    ld_evaluation *ev = eval(fs, NULL, (ld_level)level);
                    const ld_control *ctl[MAX_LISTING];
                    size_t n = listing(check, ctl);
                    for (size_t j = 0; j < n; j++) {
                        assert_state(ev, ctl[j], want, ctx);
                        assert_non_null(strstr(result(ev, ctl[j])->reason, check));
                    }
                    assert_none_passed(ev, ctx);
                    ld_evaluation_free(ev);
                    runs++;
                }
                ld_findings_free(fs);
            }
            /* every check of the control at once */
            snprintf(ctx, sizeof(ctx), "only %s on every check of %s", ld_status_name(s), c->id);
            ld_findings *fs = new_set();
            for (size_t k = 0; k < c->checks.n; k++)
                add(fs, c->checks.v[k], s, "t1");
            ld_evaluation *ev = eval(fs, NULL, LD_LEVEL_HIGH);
            assert_state(ev, c, want, ctx);
            assert_none_passed(ev, ctx);
            ld_evaluation_free(ev);
            ld_findings_free(fs);
            runs++;
        }
    }
    assert_true(controls_seen > 100);
    print_message("%zu evaluations over %zu controls with checks\n", runs, controls_seen);
}

static void test_catalog_pass_only_passes(void **state)
{
    fixture *x = *state;
    for (size_t i = 0; i < x->cat->n; i++) {
        const ld_control *c = &x->cat->controls[i];
        char ctx[256];
        for (size_t k = 0; k < c->checks.n; k++) {
            const char *check = c->checks.v[k];
            snprintf(ctx, sizeof(ctx), "only pass on %s", check);
            ld_findings *fs = new_set();
            add(fs, check, LD_STATUS_PASS, "t1");
            add(fs, check, LD_STATUS_PASS, "t2");
            ld_evaluation *ev = eval(fs, NULL, LD_LEVEL_HIGH);
            for (size_t j = 0; j < x->cat->n; j++) {
                const ld_control *d = &x->cat->controls[j];
                if (lists(d, check))
                    assert_state(ev, d, LD_CTRL_PASSED, ctx);
                else if (any_implemented(d))
                    assert_state(ev, d, LD_CTRL_OUT_OF_SCOPE, ctx);
                else /* manual or planned: nothing can observe it */
                    assert_state(ev, d, LD_CTRL_NOT_ASSESSED, ctx);
                if (!lists(d, check) && result(ev, d)->owed)
                    fail_msg("%s: %s is owed though nothing declared or observed it", ctx, d->id);
            }
            assert_false(ev->gate_failed);
            ld_evaluation_free(ev);
            ld_findings_free(fs);
        }
        if (c->checks.n == 0)
            continue;
        snprintf(ctx, sizeof(ctx), "pass on every check of %s", c->id);
        ld_findings *fs = new_set();
        for (size_t k = 0; k < c->checks.n; k++)
            add(fs, c->checks.v[k], LD_STATUS_PASS, "t1");
        ld_evaluation *ev = eval(fs, NULL, LD_LEVEL_HIGH);
        assert_state(ev, c, LD_CTRL_PASSED, ctx);
        ld_evaluation_free(ev);
        ld_findings_free(fs);
    }
}

static void test_catalog_any_fail_fails(void **state)
{
    fixture *x = *state;
    static const ld_status others[] = {LD_STATUS_PASS, LD_STATUS_WARN, LD_STATUS_ERROR,
                                       LD_STATUS_SKIPPED};
    for (size_t i = 0; i < x->cat->n; i++) {
        const ld_control *c = &x->cat->controls[i];
        for (size_t k = 0; k < c->checks.n; k++) {
            const char *check = c->checks.v[k];
            for (size_t o = 0; o < sizeof(others) / sizeof(others[0]); o++) {
                char ctx[256];
                snprintf(ctx, sizeof(ctx), "one fail on %s among %s", check,
                         ld_status_name(others[o]));
                ld_findings *fs = new_set();
                for (size_t m = 0; m < c->checks.n; m++)
                    add(fs, c->checks.v[m], others[o], "t1");
                add(fs, check, LD_STATUS_FAIL, "t2");
                ld_evaluation *ev = eval(fs, NULL, LD_LEVEL_HIGH);
                const ld_control *ctl[MAX_LISTING];
                size_t n = listing(check, ctl);
                for (size_t j = 0; j < n; j++) {
                    assert_state(ev, ctl[j], LD_CTRL_FAILED, ctx);
                    assert_true(result(ev, ctl[j])->owed);
                }
                assert_true(ev->gate_failed); /* every control is required at high */
                ld_evaluation_free(ev);
                ld_findings_free(fs);
            }
        }
    }
}

static void test_catalog_excepted_fail(void **state)
{
    fixture *x = *state;
    for (size_t i = 0; i < x->cat->n; i++) {
        const ld_control *c = &x->cat->controls[i];
        for (size_t k = 0; k < c->checks.n; k++) {
            const char *check = c->checks.v[k];
            char ctx[256];
            snprintf(ctx, sizeof(ctx), "excepted fail on %s", check);
            x->exceptions[0] = (ld_exception){
                .id = (char *)check, .target = "t?", .reason = "accepted risk", .line = 3};
            x->policy.n_exceptions = 1;
            ld_findings *fs = new_set();
            ld_finding *f = add(fs, check, LD_STATUS_FAIL, "t1");
            f->severity = LD_SEV_CRITICAL;
            ld_eval_options o = {
                .level = LD_LEVEL_HIGH, .has_fail_on = true, .fail_on = LD_SEV_INFO};
            ld_evaluation *ev = ld_evaluate(fs, &x->policy, &o);
            const ld_control *ctl[MAX_LISTING];
            size_t n = listing(check, ctl);
            for (size_t j = 0; j < n; j++)
                assert_state(ev, ctl[j], LD_CTRL_EXCEPTED, ctx);
            assert_int_equal(ev->excepted, 1);
            assert_string_equal(ev->exception[0], "accepted risk");
            assert_int_equal(ev->fail_at_or_above, 0);
            assert_false(ev->gate_failed);
            assert_int_equal(ev->gate_reasons.n, 0);
            ld_evaluation_free(ev);

            /* a pass elsewhere does not turn an excepted failure into "passed" */
            add(fs, check, LD_STATUS_PASS, "other");
            ev = ld_evaluate(fs, &x->policy, &o);
            for (size_t j = 0; j < n; j++)
                assert_state(ev, ctl[j], LD_CTRL_EXCEPTED, ctx);
            ld_evaluation_free(ev);

            /* the same failure on a target the exception does not name fails */
            add(fs, check, LD_STATUS_FAIL, "other");
            ev = ld_evaluate(fs, &x->policy, &o);
            for (size_t j = 0; j < n; j++)
                assert_state(ev, ctl[j], LD_CTRL_FAILED, ctx);
            assert_int_equal(ev->fail_at_or_above, 1);
            assert_true(ev->gate_failed);
            ld_evaluation_free(ev);
            ld_findings_free(fs);
        }
    }
}

/* An exception names a risk that was seen and accepted; it cannot turn a
 * pass, a "does not exist here" or a check that could not look into
 * "excepted". */
static void test_exception_does_not_cover_passes(void **state)
{
    fixture *x = *state;
    const ld_control *ctl[MAX_LISTING];
    size_t n = 0;
    const char *check = find_check(low_and_few, ctl, &n);
    x->exceptions[0] = (ld_exception){.id = (char *)check, .reason = "accepted", .line = 1};
    x->policy.n_exceptions = 1;
    ld_findings *fs = new_set();
    add(fs, check, LD_STATUS_PASS, "t1");
    add(fs, check, LD_STATUS_SKIPPED, "t2");
    ld_evaluation *ev = eval(fs, &x->policy, LD_LEVEL_HIGH);
    for (size_t j = 0; j < n; j++)
        assert_state(ev, ctl[j], LD_CTRL_PASSED, "exception over a pass");
    assert_int_equal(ev->excepted, 0);
    assert_null(ev->exception[0]);
    assert_null(ev->exception[1]);
    ld_evaluation_free(ev);
    ld_findings_scope(fs, LD_SCOPE_OWED, check, NULL);
    add(fs, check, LD_STATUS_ERROR, "t3");
    ev = eval(fs, &x->policy, LD_LEVEL_HIGH);
    for (size_t j = 0; j < n; j++)
        assert_state(ev, ctl[j], LD_CTRL_NOT_ASSESSED, "exception over an error");
    assert_int_equal(ev->excepted, 0);
    assert_true(ev->incomplete);
    assert_true(ev->gate_failed);
    ld_evaluation_free(ev);
    ld_findings_free(fs);
}

static void test_catalog_attestation(void **state)
{
    fixture *x = *state;
    for (size_t i = 0; i < x->cat->n; i++) {
        const ld_control *c = &x->cat->controls[i];
        char ctx[256];
        snprintf(ctx, sizeof(ctx), "attestation of %s", c->id);
        x->attestations[0] = (ld_attestation){.control = c->id,
                                              .by = "auditor",
                                              .date = "2023-01-01",
                                              .evidence = "https://e/x",
                                              .line = 9};
        x->policy.n_attestations = 1;
        ld_findings *fs = new_set();
        ld_evaluation *ev = eval(fs, &x->policy, LD_LEVEL_HIGH);
        assert_state(ev, c, LD_CTRL_ATTESTED, ctx);
        assert_non_null(strstr(result(ev, c)->reason, "auditor"));
        assert_ptr_equal(result(ev, c)->attestation, &x->attestations[0]);
        ld_evaluation_free(ev);
        /* review and errors do not undo an attestation; a failure does */
        static const ld_status no_fail[] = {LD_STATUS_WARN, LD_STATUS_ERROR, LD_STATUS_PASS};
        for (size_t s = 0; s < sizeof(no_fail) / sizeof(no_fail[0]) && c->checks.n; s++) {
            ld_findings *fs2 = new_set();
            add(fs2, c->checks.v[0], no_fail[s], "t1");
            ev = eval(fs2, &x->policy, LD_LEVEL_HIGH);
            assert_state(ev, c, LD_CTRL_ATTESTED, ctx);
            ld_evaluation_free(ev);
            ld_findings_free(fs2);
        }
        for (size_t k = 0; k < c->checks.n; k++) {
            add(fs, c->checks.v[k], LD_STATUS_FAIL, "t1");
            ev = eval(fs, &x->policy, LD_LEVEL_HIGH);
            assert_state(ev, c, LD_CTRL_FAILED, ctx);
            ld_evaluation_free(ev);
            ld_findings_free(fs);
            fs = new_set();
        }
        ld_findings_free(fs);
    }
    /* without an attestation a manual control is not assessed, and not owed */
    for (size_t i = 0; i < x->cat->n; i++) {
        const ld_control *c = &x->cat->controls[i];
        if (c->checks.n)
            continue;
        ld_findings *fs = new_set();
        ld_evaluation *ev = eval(fs, NULL, LD_LEVEL_HIGH);
        assert_state(ev, c, LD_CTRL_NOT_ASSESSED, "manual control, no attestation");
        assert_false(result(ev, c)->owed);
        assert_false(ev->incomplete);
        ld_evaluation_free(ev);
        ld_findings_free(fs);
    }
}

/* ---- scope ---- */

static void test_scope_over_catalog(void **state)
{
    fixture *x = *state;
    size_t tried = 0;
    for (size_t i = 0; i < x->cat->n; i++) {
        const ld_control *c = &x->cat->controls[i];
        for (size_t k = 0; k < c->checks.n; k++) {
            const char *check = c->checks.v[k];
            if (!ld_check_implemented(check))
                continue;
            const ld_control *ctl[MAX_LISTING];
            size_t n = listing(check, ctl);
            char ctx[256];

            /* owed, no finding: not assessed, owed, "made no observation" */
            snprintf(ctx, sizeof(ctx), "%s owed, no finding", check);
            ld_findings *fs = new_set();
            ld_findings_scope(fs, LD_SCOPE_OWED, check, NULL);
            ld_evaluation *ev = eval(fs, NULL, LD_LEVEL_HIGH);
            for (size_t j = 0; j < n; j++) {
                assert_state(ev, ctl[j], LD_CTRL_NOT_ASSESSED, ctx);
                assert_true(result(ev, ctl[j])->owed);
                assert_non_null(strstr(result(ev, ctl[j])->reason, "made no observation"));
                assert_non_null(strstr(result(ev, ctl[j])->reason, check));
            }
            assert_true(ev->incomplete);
            assert_true(ev->gate_failed);
            ld_evaluation_free(ev);

            /* declared not assessed, with a reason: carried */
            snprintf(ctx, sizeof(ctx), "%s not assessed", check);
            ld_findings_scope(fs, LD_SCOPE_NOT_ASSESSED, check, "engine %s did not answer",
                              "tcp://10.0.0.1:2376");
            ev = eval(fs, NULL, LD_LEVEL_HIGH);
            for (size_t j = 0; j < n; j++) {
                assert_state(ev, ctl[j], LD_CTRL_NOT_ASSESSED, ctx);
                assert_true(result(ev, ctl[j])->owed);
                assert_non_null(strstr(result(ev, ctl[j])->reason,
                                       "engine tcp://10.0.0.1:2376 did not answer"));
            }
            ld_evaluation_free(ev);

            /* declared not applicable later: that wins */
            snprintf(ctx, sizeof(ctx), "%s not applicable", check);
            ld_findings_scope(fs, LD_SCOPE_NOT_APPLICABLE, "*", "no %s installed", "Docker");
            ev = eval(fs, NULL, LD_LEVEL_HIGH);
            for (size_t j = 0; j < n; j++) {
                assert_state(ev, ctl[j], LD_CTRL_NOT_APPLICABLE, ctx);
                assert_false(result(ev, ctl[j])->owed);
                assert_non_null(strstr(result(ev, ctl[j])->reason, "no Docker installed"));
            }
            assert_false(ev->incomplete);
            assert_false(ev->gate_failed);
            ld_evaluation_free(ev);

            /* and owed again after that: not assessed again */
            ld_findings_scope(fs, LD_SCOPE_OWED, check, NULL);
            ev = eval(fs, NULL, LD_LEVEL_HIGH);
            for (size_t j = 0; j < n; j++)
                assert_state(ev, ctl[j], LD_CTRL_NOT_ASSESSED, "owed after not applicable");
            ld_evaluation_free(ev);

            /* an observation outweighs a declaration: a pass under "not applicable" */
            ld_findings_scope(fs, LD_SCOPE_NOT_APPLICABLE, check, "said to be absent");
            add(fs, check, LD_STATUS_PASS, "t1");
            ev = eval(fs, NULL, LD_LEVEL_HIGH);
            for (size_t j = 0; j < n; j++)
                assert_state(ev, ctl[j], LD_CTRL_PASSED, "pass under not applicable");
            ld_evaluation_free(ev);
            ld_findings_free(fs);

            /* undeclared, no finding: out of scope, owed nothing */
            fs = new_set();
            ev = eval(fs, NULL, LD_LEVEL_HIGH);
            for (size_t j = 0; j < n; j++) {
                assert_state(ev, ctl[j], LD_CTRL_OUT_OF_SCOPE, "undeclared");
                assert_false(result(ev, ctl[j])->owed);
            }
            assert_false(ev->gate_failed);
            ld_evaluation_free(ev);
            ld_findings_free(fs);
            tried++;
        }
    }
    assert_true(tried > 100);
}

/* A control with two implemented checks: owing one and observing a pass
 * on the other is still not assessed (silence is never a pass). */
static void test_scope_partial_observation(void **state)
{
    fixture *x = *state;
    for (size_t i = 0; i < x->cat->n; i++) {
        const ld_control *c = &x->cat->controls[i];
        if (c->checks.n < 2 || !ld_check_implemented(c->checks.v[0]) ||
            !ld_check_implemented(c->checks.v[1]))
            continue;
        ld_findings *fs = new_set();
        ld_findings_scope(fs, LD_SCOPE_OWED, c->checks.v[1], NULL);
        add(fs, c->checks.v[0], LD_STATUS_PASS, "t1");
        ld_evaluation *ev = eval(fs, NULL, LD_LEVEL_HIGH);
        assert_state(ev, c, LD_CTRL_NOT_ASSESSED, c->id);
        assert_non_null(strstr(result(ev, c)->reason, c->checks.v[1]));
        ld_evaluation_free(ev);
        /* the second check not run at all: passed, and the reason says so */
        ld_findings_free(fs);
        fs = new_set();
        add(fs, c->checks.v[0], LD_STATUS_PASS, "t1");
        ev = eval(fs, NULL, LD_LEVEL_HIGH);
        assert_state(ev, c, LD_CTRL_PASSED, c->id);
        assert_non_null(strstr(result(ev, c)->reason, "not run"));
        ld_evaluation_free(ev);
        ld_findings_free(fs);
    }
}

/* ---- gate ---- */

static void test_gate_incomplete_fails_closed(void **state)
{
    fixture *x = *state;
    const ld_control *ctl[MAX_LISTING];
    size_t n = 0;
    const char *check = find_check(low_and_few, ctl, &n);
    size_t required = count_at(ctl, n, LD_LEVEL_LOW);
    ld_findings *fs = new_set();
    ld_findings_scope(fs, LD_SCOPE_OWED, check, NULL);

    ld_evaluation *ev = eval(fs, NULL, LD_LEVEL_LOW);
    assert_true(ev->gate_failed);
    assert_true(ev->incomplete);
    const char *r = list_find(&ev->gate_reasons, "incomplete: ");
    if (!r)
        fail_msg("no incomplete reason among %zu gate reasons", ev->gate_reasons.n);
    char want[64];
    snprintf(want, sizeof(want), "incomplete: %zu required control%s not assessed: ", required,
             required == 1 ? "" : "s");
    assert_non_null(strstr(r, want));
    for (size_t j = 0; j < n; j++)
        assert_int_equal(names_id(r, ctl[j]->id), ctl[j]->level <= LD_LEVEL_LOW);
    assert_non_null(strstr(r, "made no observation"));
    assert_int_equal(ev->compliance[LD_LEVEL_LOW].owed_not_assessed, required);
    ld_evaluation_free(ev);

    /* --allow-incomplete: a note instead */
    ev = eval_opts(fs, NULL, LD_LEVEL_LOW, true);
    assert_false(ev->gate_failed);
    assert_true(ev->incomplete);
    assert_true(ev->allow_incomplete);
    assert_int_equal(ev->gate_reasons.n, 0);
    const char *note = list_find(&ev->gate_notes, "incomplete: ");
    assert_non_null(note);
    assert_non_null(strstr(note, "--allow-incomplete"));
    ld_evaluation_free(ev);

    /* policy gate.allow-incomplete: the same, and the note names the policy */
    x->policy.allow_incomplete = true;
    ev = eval(fs, &x->policy, LD_LEVEL_LOW);
    assert_false(ev->gate_failed);
    note = list_find(&ev->gate_notes, "incomplete: ");
    assert_non_null(note);
    assert_non_null(strstr(note, "gate.allow-incomplete"));
    ld_evaluation_free(ev);
    ld_findings_free(fs);
}

static void test_gate_incomplete_only_required(void **state)
{
    fixture *x = *state;
    const ld_control *ctl[MAX_LISTING];
    size_t n = 0;
    const char *check = find_check(high_only, ctl, &n);
    ld_findings *fs = new_set();
    ld_findings_scope(fs, LD_SCOPE_OWED, check, NULL);
    ld_evaluation *ev = eval(fs, &x->policy, LD_LEVEL_MEDIUM);
    assert_false(ev->incomplete);
    assert_false(ev->gate_failed);
    for (size_t j = 0; j < n; j++)
        assert_state(ev, ctl[j], LD_CTRL_NOT_ASSESSED, check);
    ld_evaluation_free(ev);
    ev = eval(fs, &x->policy, LD_LEVEL_HIGH);
    assert_true(ev->incomplete);
    assert_true(ev->gate_failed);
    ld_evaluation_free(ev);
    ld_findings_free(fs);
}

static void test_gate_needs_review(void **state)
{
    fixture *x = *state;
    const ld_control *ctl[MAX_LISTING];
    size_t n = 0;
    const char *check = find_check(low_and_few, ctl, &n);
    ld_findings *fs = new_set();
    ld_findings_scope(fs, LD_SCOPE_OWED, check, NULL);
    add(fs, check, LD_STATUS_WARN, "t1");

    /* default: fails at high, a note at medium and low */
    ld_evaluation *ev = eval(fs, NULL, LD_LEVEL_HIGH);
    assert_true(ev->fail_on_review);
    assert_true(ev->gate_failed);
    assert_false(ev->incomplete);
    const char *r = NULL;
    for (size_t i = 0; i < ev->gate_reasons.n; i++)
        if (strstr(ev->gate_reasons.v[i], "review"))
            r = ev->gate_reasons.v[i];
    assert_non_null(r);
    for (size_t j = 0; j < n; j++)
        assert_true(names_id(r, ctl[j]->id));
    ld_evaluation_free(ev);
    for (int level = LD_LEVEL_LOW; level <= LD_LEVEL_MEDIUM; level++) {
        ev = eval(fs, NULL, (ld_level)level);
        assert_false(ev->fail_on_review);
        assert_false(ev->gate_failed);
        assert_true(list_has(&ev->gate_notes, "review"));
        for (size_t j = 0; j < n; j++)
            if (ctl[j]->level <= (ld_level)level)
                assert_true(list_has(&ev->gate_notes, ctl[j]->id));
        ld_evaluation_free(ev);
    }

    /* required-controls: false turns off the control part, review included */
    x->policy.required_controls = false;
    ev = eval(fs, &x->policy, LD_LEVEL_HIGH);
    assert_false(ev->gate_failed);
    assert_true(list_has(&ev->gate_notes, "review"));
    ld_evaluation_free(ev);
    x->policy.required_controls = true;

    /* policy gate.fail-on-review decides at every level, both ways */
    x->policy.has_fail_on_review = true;
    x->policy.fail_on_review = true;
    ev = eval(fs, &x->policy, LD_LEVEL_MEDIUM);
    assert_true(ev->gate_failed);
    ld_evaluation_free(ev);
    x->policy.fail_on_review = false;
    ev = eval(fs, &x->policy, LD_LEVEL_HIGH);
    assert_false(ev->gate_failed);
    assert_true(list_has(&ev->gate_notes, "review"));
    ld_evaluation_free(ev);
    ld_findings_free(fs);
}

static void test_gate_fail_on_counts_unexcepted_failures(void **state)
{
    fixture *x = *state;
    x->policy.required_controls = false; /* only fail-on decides here */
    const ld_control *ctl[MAX_LISTING];
    size_t n = 0;
    const char *check = find_check(low_and_few, ctl, &n);
    x->exceptions[0] =
        (ld_exception){.id = (char *)check, .target = "excepted-*", .reason = "ok", .line = 1};
    x->policy.n_exceptions = 1;
    struct {
        ld_status status;
        ld_severity severity;
        const char *target;
    } in[] = {
        {LD_STATUS_FAIL, LD_SEV_CRITICAL, "a"},
        {LD_STATUS_FAIL, LD_SEV_HIGH, "b"},
        {LD_STATUS_FAIL, LD_SEV_MEDIUM, "c"},
        {LD_STATUS_FAIL, LD_SEV_LOW, "d"},
        {LD_STATUS_FAIL, LD_SEV_CRITICAL, "excepted-1"},
        {LD_STATUS_WARN, LD_SEV_CRITICAL, "e"},
        {LD_STATUS_ERROR, LD_SEV_CRITICAL, "f"},
        {LD_STATUS_FAIL, LD_SEV_HIGH, "g"},
    };
    ld_findings *fs = new_set();
    for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
        add(fs, check, in[i].status, in[i].target)->severity = in[i].severity;
    for (ld_severity sev = LD_SEV_INFO; sev < LD_SEV_COUNT; sev++) {
        size_t want = 0;
        for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
            want += in[i].status == LD_STATUS_FAIL && in[i].severity >= sev &&
                    strncmp(in[i].target, "excepted-", 9) != 0;
        ld_eval_options o = {.level = LD_LEVEL_LOW, .has_fail_on = true, .fail_on = sev};
        ld_evaluation *ev = ld_evaluate(fs, &x->policy, &o);
        assert_int_equal(ev->fail_at_or_above, want);
        assert_int_equal(ev->gate_failed, want > 0);
        if (want) {
            char line[96];
            snprintf(line, sizeof(line), "%zu failing finding%s at severity %s or above", want,
                     want == 1 ? "" : "s", ld_severity_name(sev));
            assert_true(list_has(&ev->gate_reasons, line));
        }
        ld_evaluation_free(ev);
    }
    /* without fail-on, and with required controls off, failures alone pass */
    ld_evaluation *ev = eval(fs, &x->policy, LD_LEVEL_LOW);
    assert_false(ev->gate_failed);
    ld_evaluation_free(ev);
    ld_findings_free(fs);
}

static void test_gate_required_controls(void **state)
{
    fixture *x = *state;
    const ld_control *ctl[MAX_LISTING];
    size_t n = 0;
    const char *check = find_check(low_and_few, ctl, &n);
    ld_findings *fs = new_set();
    add(fs, check, LD_STATUS_FAIL, "t1");
    size_t required = count_at(ctl, n, LD_LEVEL_LOW);

    ld_evaluation *ev = eval(fs, &x->policy, LD_LEVEL_LOW);
    assert_true(ev->gate_failed);
    char want[96];
    snprintf(want, sizeof(want), "%zu control%s required at level low failed: ", required,
             required == 1 ? "" : "s");
    const char *r = list_find(&ev->gate_reasons, want);
    assert_non_null(r);
    for (size_t j = 0; j < n; j++)
        assert_int_equal(names_id(r, ctl[j]->id), ctl[j]->level <= LD_LEVEL_LOW);
    ld_evaluation_free(ev);

    x->policy.required_controls = false;
    ev = eval(fs, &x->policy, LD_LEVEL_LOW);
    assert_false(ev->gate_failed);
    assert_int_equal(ev->gate_reasons.n, 0);
    for (size_t j = 0; j < n; j++)
        assert_state(ev, ctl[j], LD_CTRL_FAILED, "required-controls off");
    ld_evaluation_free(ev);

    /* failing controls not required at the level do not fail the gate */
    x->policy.required_controls = true;
    check = find_check(high_only, ctl, &n);
    ld_findings_free(fs);
    fs = new_set();
    add(fs, check, LD_STATUS_FAIL, "t1");
    ev = eval(fs, &x->policy, LD_LEVEL_MEDIUM);
    assert_false(ev->gate_failed);
    ld_evaluation_free(ev);
    ld_findings_free(fs);
}

/* ---- expiry ---- */

/* YYYY-MM-DD of the local date of t shifted by days. */
static void local_date(time_t t, int days, char out[16])
{
    t += (time_t)days * 86400;
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
}

static void test_expired_exception_and_attestation(void **state)
{
    fixture *x = *state;
    const ld_control *ctl[MAX_LISTING];
    size_t n = 0;
    const char *check = find_check(low_and_few, ctl, &n);
    char today[16], yesterday[16];
    local_date(NOW, 0, today);
    local_date(NOW, -1, yesterday);

    /* an exception that expired yesterday does not apply and leaves a note */
    x->exceptions[0] =
        (ld_exception){.id = (char *)check, .reason = "old", .expires = yesterday, .line = 4};
    x->policy.n_exceptions = 1;
    ld_findings *fs = new_set();
    add(fs, check, LD_STATUS_FAIL, "t1");
    ld_evaluation *ev = eval(fs, &x->policy, LD_LEVEL_HIGH);
    for (size_t j = 0; j < n; j++)
        assert_state(ev, ctl[j], LD_CTRL_FAILED, "expired exception");
    assert_int_equal(ev->excepted, 0);
    assert_null(ev->exception[0]);
    char note[160];
    snprintf(note, sizeof(note), "exception for %s (test-policy.yaml:4) expired on %s", check,
             yesterday);
    assert_true(list_has(&ev->notes, note));
    assert_true(ev->gate_failed);
    ld_evaluation_free(ev);

    /* one that expires today still applies */
    x->exceptions[0].expires = today;
    ev = eval(fs, &x->policy, LD_LEVEL_HIGH);
    for (size_t j = 0; j < n; j++)
        assert_state(ev, ctl[j], LD_CTRL_EXCEPTED, "exception expiring today");
    assert_false(list_has(&ev->notes, "expired"));
    ld_evaluation_free(ev);
    ld_findings_free(fs);

    /* an expired attestation: a note, and the control is what was observed */
    x->policy.n_exceptions = 0;
    const ld_control *manual = NULL;
    for (size_t i = 0; i < x->cat->n && !manual; i++)
        if (x->cat->controls[i].checks.n == 0)
            manual = &x->cat->controls[i];
    assert_non_null(manual);
    x->attestations[0] = (ld_attestation){.control = manual->id,
                                          .by = "auditor",
                                          .date = "2020-01-01",
                                          .evidence = "https://e",
                                          .expires = yesterday,
                                          .line = 5};
    x->attestations[1] = (ld_attestation){.control = ctl[0]->id,
                                          .by = "auditor",
                                          .date = "2020-01-01",
                                          .evidence = "https://e",
                                          .expires = "2000-02-29",
                                          .line = 6};
    x->policy.n_attestations = 2;
    fs = new_set();
    add(fs, check, LD_STATUS_WARN, "t1");
    ev = eval(fs, &x->policy, LD_LEVEL_HIGH);
    assert_state(ev, manual, LD_CTRL_NOT_ASSESSED, "expired attestation of a manual control");
    assert_null(result(ev, manual)->attestation);
    assert_state(ev, ctl[0], LD_CTRL_REVIEW, "expired attestation of an observed control");
    snprintf(note, sizeof(note), "attestation of %s by auditor expired on %s", manual->id,
             yesterday);
    assert_true(list_has(&ev->notes, note));
    snprintf(note, sizeof(note), "attestation of %s by auditor expired on 2000-02-29", ctl[0]->id);
    assert_true(list_has(&ev->notes, note));
    ld_evaluation_free(ev);

    /* the set's own notes come first, unchanged */
    ld_findings_note(fs, "a note from a check");
    ev = eval(fs, &x->policy, LD_LEVEL_HIGH);
    assert_string_equal(ev->notes.v[0], "a note from a check");
    ld_evaluation_free(ev);
    ld_findings_free(fs);
}

/* ---- compliance ---- */

static void test_compliance_counts_add_up(void **state)
{
    fixture *x = *state;
    /* a mixed run: image checks out of scope, container checks declared not
     * applicable, audit rules passing, a third of the daemon checks owed and
     * silent, every other check one status in turn */
    static const ld_status cycle[] = {LD_STATUS_PASS,  LD_STATUS_FAIL,    LD_STATUS_WARN,
                                      LD_STATUS_ERROR, LD_STATUS_SKIPPED, LD_STATUS_PASS};
    ld_findings *fs = new_set();
    ld_findings_scope(fs, LD_SCOPE_OWED, "daemon.*", NULL);
    ld_findings_scope(fs, LD_SCOPE_NOT_APPLICABLE, "container.*", "no containers");
    size_t m = 0;
    const ld_control *manual = NULL;
    for (size_t i = 0; i < x->cat->n; i++) {
        if (!manual && x->cat->controls[i].checks.n == 0)
            manual = &x->cat->controls[i];
        for (size_t k = 0; k < x->cat->controls[i].checks.n; k++) {
            const char *check = x->cat->controls[i].checks.v[k];
            if (strncmp(check, "image.", 6) == 0 || strncmp(check, "container.", 10) == 0)
                continue;
            if (strncmp(check, "host.audit-rule.", 16) == 0)
                add(fs, check, LD_STATUS_PASS, "t");
            else if (strncmp(check, "daemon.", 7) == 0 && m++ % 3 == 0)
                continue;
            else
                add(fs, check, cycle[m++ % (sizeof(cycle) / sizeof(cycle[0]))], "t");
        }
    }
    assert_non_null(manual);
    x->attestations[0] = (ld_attestation){
        .control = manual->id, .by = "a", .date = "2023-01-01", .evidence = "https://e", .line = 1};
    x->policy.n_attestations = 1;
    ld_evaluation *ev = eval(fs, &x->policy, LD_LEVEL_MEDIUM);
    size_t prev = 0;
    for (int l = 0; l < LD_LEVEL_COUNT; l++) {
        const ld_compliance *c = &ev->compliance[l];
        size_t required = 0, not_assessed = 0, out_of_scope = 0, owed_na = 0;
        for (size_t i = 0; i < x->cat->n; i++) {
            const ld_control *d = &x->cat->controls[i];
            if (d->level > (ld_level)l)
                continue;
            required++;
            ld_control_state s = ev->controls[i].state;
            not_assessed += s == LD_CTRL_NOT_ASSESSED;
            out_of_scope += s == LD_CTRL_OUT_OF_SCOPE;
            owed_na += s == LD_CTRL_NOT_ASSESSED && ev->controls[i].owed;
        }
        assert_int_equal(c->required, required);
        size_t sum = 0;
        for (int s = 0; s < LD_CTRL_COUNT; s++)
            sum += c->by_state[s];
        assert_int_equal(sum, c->required);
        assert_int_equal(c->by_state[LD_CTRL_NOT_ASSESSED], not_assessed);
        assert_int_equal(c->by_state[LD_CTRL_OUT_OF_SCOPE], out_of_scope);
        assert_int_equal(c->assessed, required - not_assessed - out_of_scope);
        assert_int_equal(c->owed_not_assessed, owed_na);
        assert_true(c->required >= prev);
        prev = c->required;
    }
    assert_int_equal(ev->compliance[LD_LEVEL_HIGH].required, x->cat->n);
    /* this run has every state but excepted */
    const ld_compliance *high = &ev->compliance[LD_LEVEL_HIGH];
    for (int s = 0; s < LD_CTRL_COUNT; s++)
        if (s != LD_CTRL_EXCEPTED && high->by_state[s] == 0)
            fail_msg("no control is %s in the mixed run",
                     ld_control_state_name((ld_control_state)s));
    assert_true(high->owed_not_assessed > 0);
    ld_evaluation_free(ev);
    ld_findings_free(fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_memory_100k_findings, setup),
        cmocka_unit_test_setup(test_catalog_no_pass_without_pass, setup),
        cmocka_unit_test_setup(test_catalog_pass_only_passes, setup),
        cmocka_unit_test_setup(test_catalog_any_fail_fails, setup),
        cmocka_unit_test_setup(test_catalog_excepted_fail, setup),
        cmocka_unit_test_setup(test_exception_does_not_cover_passes, setup),
        cmocka_unit_test_setup(test_catalog_attestation, setup),
        cmocka_unit_test_setup(test_scope_over_catalog, setup),
        cmocka_unit_test_setup(test_scope_partial_observation, setup),
        cmocka_unit_test_setup(test_gate_incomplete_fails_closed, setup),
        cmocka_unit_test_setup(test_gate_incomplete_only_required, setup),
        cmocka_unit_test_setup(test_gate_needs_review, setup),
        cmocka_unit_test_setup(test_gate_fail_on_counts_unexcepted_failures, setup),
        cmocka_unit_test_setup(test_gate_required_controls, setup),
        cmocka_unit_test_setup(test_expired_exception_and_attestation, setup),
        cmocka_unit_test_setup(test_compliance_counts_add_up, setup),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
