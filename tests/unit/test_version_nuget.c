/* Unit tests for the NuGet version comparator (src/vuln/version_nuget.c):
 * vectors from NuGet's package versioning documentation (SemVer 2.0
 * precedence, case-insensitive labels, 4-part versions).
 * Every vector is checked both ways round and against itself; the sorted
 * list must be strictly increasing pairwise (transitivity); hostile input
 * (empty, oversize, binary bytes, huge digit runs) must not crash. */
#include <stddef.h>

#define SCHEME LD_VER_NUGET
#define VT_VALID "1.0.0"
#define VT_RUN_PREFIX "1.0.0-"

typedef struct {
    const char *a;
    char op;
    const char *b;
} vec;

static const vec vectors[] = {
    {"1.0", '=', "1.0.0"},
    {"1", '=', "1.0.0.0"},
    {"1.0.0.0", '=', "1.0.0"},
    {"1.0.0-ALPHA", '=', "1.0.0-alpha"},
    {"1.0.0-Beta", '>', "1.0.0-alpha"},
    {"1.0.0+meta", '=', "1.0.0"},
    {"1.0.0-rc.1+meta", '=', "1.0.0-rc.1"},
    {"01.2.3", '=', "1.2.3"},
    {"1.0.0.1", '>', "1.0.0"},
    {"1.0.0-alpha", '<', "1.0.0"},
    {"1.0.0-alpha", '<', "1.0.0-alpha.1"},
    {"1.0.0-1", '<', "1.0.0-a"},
    {"1.0.0-9", '<', "1.0.0-10"},
    {"1.0.0-a10", '<', "1.0.0-a9"},
    {"4.7.1", '<', "4.7.2"},
    {"12.0.1", '>', "12.0.0"},
    {"13.0.1", '>', "12.0.3"},
    {"6.0.0-preview.7.21377.19", '<', "6.0.0-rc.1.21451.13"},
    {"6.0.0-rc.1.21451.13", '<', "6.0.0"},
    {"5.0.0", '<', "5.0.0.1"},
    {"1.0.0-Alpha.1", '=', "1.0.0-alpha.1"},
    {"1.2.3.4", '<', "1.2.3.5"},
    {"1.2.3.40", '>', "1.2.3.5"},
    {"0.0.0", '<', "0.0.0.1"},
    {"3.1.0-beta", '<', "3.1.0-beta.0"},
    {"2.0.0-preview1", '<', "2.0.0-preview2"},
    {"2.0.0-preview10", '<', "2.0.0-preview2"},
    {"1.0.0--", '<', "1.0.0-a"},
    {"1.0.0-x-y", '<', "1.0.0-x-z"},
    {"1.0.0+a", '=', "1.0.0+b"},
    {"2.1", '>', "2.0.9.9"},
    {"1.0.0-0.3.7", '<', "1.0.0-x.7.z.92"},
    {"1.0.0-alpha.beta", '<', "1.0.0-beta"},
    {"1.0.0-beta.2", '<', "1.0.0-beta.11"},
    {"1.0.0-beta.11", '<', "1.0.0-rc.1"},
    {"1.0.0-rc.1", '<', "1.0.0"},
    {"13.0.3", '>', "13.0.1"},
    {"8.0.0", '>', "7.0.14"},
    {"1.0.0-beta", '=', "1.0.0-BETA"},
    {"2147483647.0.0", '>', "2147483646.9.9"},
};

static const char *const sorted[] = {
    "0.0.1",       "0.1",           "1.0.0-0",
    "1.0.0-1",     "1.0.0-2",       "1.0.0-10",
    "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
    "1.0.0-beta",  "1.0.0-beta.2",  "1.0.0-beta.11",
    "1.0.0-rc.1",  "1.0.0",         "1.0.0.1",
    "1.0.1",       "1.1",           "2.0.0-preview.1",
    "2.0.0",       "10.0.0",        "2147483647.0.0",
};

static const char *const invalid[] = {
    "",     "v1.0",         "1.0.0.0.0",  "a",    "1.",   "1.0-",
    "1.0+", "3000000000.0", "1.0.0-a..b", " 1.0", "1..0", "-1",

    NULL,
};

#include "version_test_common.h"
