/* Unit tests for the security-level rule (src/core/level.c, docs/levels.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/level.h"

static ld_level derive(ld_data_class d, ld_exposure e, ld_use_case u)
{
    ld_profile p = {d, e, u};
    return ld_level_derive(&p, NULL);
}

static void test_extremes(void **state)
{
    (void)state;
    assert_int_equal(derive(LD_DATA_PUBLIC, LD_EXPOSURE_NONE, LD_USE_DEVELOPMENT), LD_LEVEL_LOW);
    assert_int_equal(derive(LD_DATA_RESTRICTED, LD_EXPOSURE_DIRECT, LD_USE_PRODUCTION),
                     LD_LEVEL_HIGH);
}

static void test_floors(void **state)
{
    (void)state;
    /* restricted data is high even in development, offline */
    assert_int_equal(derive(LD_DATA_RESTRICTED, LD_EXPOSURE_NONE, LD_USE_DEVELOPMENT),
                     LD_LEVEL_HIGH);
    /* each medium floor on its own */
    assert_int_equal(derive(LD_DATA_CONFIDENTIAL, LD_EXPOSURE_NONE, LD_USE_DEVELOPMENT),
                     LD_LEVEL_MEDIUM);
    assert_int_equal(derive(LD_DATA_PUBLIC, LD_EXPOSURE_DIRECT, LD_USE_DEVELOPMENT),
                     LD_LEVEL_MEDIUM);
    assert_int_equal(derive(LD_DATA_PUBLIC, LD_EXPOSURE_NONE, LD_USE_PRODUCTION), LD_LEVEL_MEDIUM);
}

static void test_points(void **state)
{
    (void)state;
    /* 1 + 1 + 1 = 3 -> medium by points alone */
    assert_int_equal(derive(LD_DATA_INTERNAL, LD_EXPOSURE_INDIRECT, LD_USE_TEST), LD_LEVEL_MEDIUM);
    /* 1 + 1 + 0 = 2 -> low */
    assert_int_equal(derive(LD_DATA_INTERNAL, LD_EXPOSURE_INDIRECT, LD_USE_DEVELOPMENT),
                     LD_LEVEL_LOW);
    /* 2 + 2 + 2 = 6 -> high */
    assert_int_equal(derive(LD_DATA_CONFIDENTIAL, LD_EXPOSURE_DIRECT, LD_USE_PRODUCTION),
                     LD_LEVEL_HIGH);
    /* 1 + 2 + 2 = 5 -> medium */
    assert_int_equal(derive(LD_DATA_INTERNAL, LD_EXPOSURE_DIRECT, LD_USE_PRODUCTION),
                     LD_LEVEL_MEDIUM);
}

static void test_monotonic(void **state)
{
    (void)state;
    /* raising any one factor never lowers the level */
    for (int d = 0; d < 4; d++)
        for (int e = 0; e < 3; e++)
            for (int u = 0; u < 3; u++) {
                ld_level base = derive(d, e, u);
                if (d < 3)
                    assert_true(derive(d + 1, e, u) >= base);
                if (e < 2)
                    assert_true(derive(d, e + 1, u) >= base);
                if (u < 2)
                    assert_true(derive(d, e, u + 1) >= base);
            }
}

static void test_reasoning(void **state)
{
    (void)state;
    ld_profile p = {LD_DATA_RESTRICTED, LD_EXPOSURE_DIRECT, LD_USE_PRODUCTION};
    ld_strlist why = {0};
    assert_int_equal(ld_level_derive(&p, &why), LD_LEVEL_HIGH);
    assert_true(why.n >= 3);
    assert_non_null(strstr(why.v[0], "= 7"));
    assert_true(ld_strlist_contains(&why, "floor: restricted data requires high"));
    assert_string_equal(why.v[why.n - 1], "level: high");
    ld_strlist_clear(&why);
}

static void test_parse_names(void **state)
{
    (void)state;
    ld_data_class d;
    ld_exposure e;
    ld_use_case u;
    assert_int_equal(ld_data_class_parse("confidential", &d), 0);
    assert_int_equal(d, LD_DATA_CONFIDENTIAL);
    assert_int_equal(ld_data_class_parse("Confidential", &d), -1);
    assert_int_equal(ld_exposure_parse("direct", &e), 0);
    assert_int_equal(e, LD_EXPOSURE_DIRECT);
    assert_int_equal(ld_exposure_parse("", &e), -1);
    assert_int_equal(ld_use_case_parse("production", &u), 0);
    assert_int_equal(ld_use_case_parse(NULL, &u), -1);
    assert_string_equal(ld_use_case_name(LD_USE_TEST), "test");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_extremes),  cmocka_unit_test(test_floors),
        cmocka_unit_test(test_points),    cmocka_unit_test(test_monotonic),
        cmocka_unit_test(test_reasoning), cmocka_unit_test(test_parse_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
