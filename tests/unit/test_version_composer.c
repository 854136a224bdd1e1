/* Unit tests for the Composer version comparator (src/vuln/version_composer.c):
 * vectors from Composer's stability order (dev < alpha < beta < RC <
 * stable < patch) and PHP version_compare() documentation.
 * Every vector is checked both ways round and against itself; the sorted
 * list must be strictly increasing pairwise (transitivity); hostile input
 * (empty, oversize, binary bytes, huge digit runs) must not crash. */
#include <stddef.h>

#define SCHEME LD_VER_COMPOSER
#define VT_VALID "1.0.0"

typedef struct {
    const char *a;
    char op;
    const char *b;
} vec;

static const vec vectors[] = {
    {"1.0.0", '=', "v1.0.0"},
    {"1.0.0", '=', "1.0"},
    {"1.0", '=', "1.0.0.0"},
    {"1", '=', "1.0.0.0"},
    {"1.0.0-dev", '<', "1.0.0-alpha"},
    {"1.0.0-alpha", '=', "1.0.0-a"},
    {"1.0.0-beta", '=', "1.0.0-b"},
    {"1.0.0-alpha2", '>', "1.0.0-alpha1"},
    {"1.0.0-beta", '<', "1.0.0-RC1"},
    {"1.0.0-rc1", '=', "1.0.0-RC1"},
    {"1.0.0-RC1", '<', "1.0.0"},
    {"1.0.0", '<', "1.0.0-p1"},
    {"1.0.0", '<', "1.0.0-pl1"},
    {"1.0.0-patch1", '>', "1.0.0"},
    {"1.0.0-beta.2", '=', "1.0.0-beta2"},
    {"1.0.0-beta-2", '=', "1.0.0-beta2"},
    {"2.0", '>', "1.99.99"},
    {"1.10.0", '>', "1.9.0"},
    {"1.0.0-beta10", '>', "1.0.0-beta9"},
    {"V1.2.3", '=', "1.2.3"},
    {"1.2.3-alpha", '<', "1.2.3-beta"},
    {"1.2.3-beta", '<', "1.2.3-rc"},
    {"1.2.3-dev", '<', "1.2.3-alpha1"},
    {"1.2.3.4", '>', "1.2.3"},
    {"1.2.3.4", '<', "1.2.4"},
    {"5.4.0", '>', "5.3.99"},
    {"7.4.33", '<', "8.0.0"},
    {"1.0.0-alpha", '>', "1.0.0-foo"},
    {"1.0.0-foo", '<', "1.0.0-dev"},
    {"3.0.0-RC", '<', "3.0.0"},
    {"4.4.0-BETA1", '<', "4.4.0-RC1"},
    {"1.0.0-beta1", '<', "1.0.0-beta1.1"},
    {"2.4.1", '<', "2.4.10"},
    {"v5.4.21", '>', "5.4.2"},
    {"1.0.0+build", '=', "1.0.0-build"},
    {"1.0.0-alpha.1", '<', "1.0.0-alpha.2"},
    {"6.0", '<', "6.0.1"},
    {"0.9.9", '<', "1.0.0-dev"},
    {"11.0.0", '>', "9.0.0"},
    {"1.0.0.0-beta", '<', "1.0.0"},
    {"2.0.0-RC3", '>', "2.0.0-RC2"},
};

static const char *const sorted[] = {
    "0.1",       "1.0.0-dev",    "1.0.0-alpha", "1.0.0-alpha2", "1.0.0-beta", "1.0.0-beta2",
    "1.0.0-RC1", "1.0.0-RC2",    "1.0.0",       "1.0.0-p1",     "1.0.1",      "1.1",
    "1.10",      "2.0.0-beta.1", "2.0.0",       "v2.0.1",       "2.1",        "10.0",
};

static const char *const invalid[] = {
    "",   "abc", "v", "dev-main", "x1.0", "  ",

    NULL,
};

#include "version_test_common.h"
