/* Unit tests for the RubyGems (Gem::Version) version comparator (src/vuln/version_gem.c):
 * vectors from RubyGems' test_gem_version.rb (spaceship, prerelease,
 * canonical segments) and the Gem::Version documentation.
 * Every vector is checked both ways round and against itself; the sorted
 * list must be strictly increasing pairwise (transitivity); hostile input
 * (empty, oversize, binary bytes, huge digit runs) must not crash. */
#include <stddef.h>

#define SCHEME LD_VER_GEM

typedef struct {
    const char *a;
    char op;
    const char *b;
} vec;

static const vec vectors[] = {
    {"1.0", '=', "1.0.0"},
    {"1.0", '>', "1.0.a"},
    {"1.8.2", '>', "0.0.0"},
    {"1.8.2", '>', "1.8.2.a"},
    {"1.8.2.b", '>', "1.8.2.a"},
    {"1.8.2.a", '<', "1.8.2"},
    {"1.8.2.a10", '>', "1.8.2.a9"},
    {"", '=', "0"},
    {"0.beta.1", '=', "0.0.beta.1"},
    {"0.0.beta", '<', "0.0.beta.1"},
    {"0.0.beta", '<', "0.beta.1"},
    {"5.a", '<', "5.0.0.rc2"},
    {"5.x", '>', "5.0.0.rc2"},
    {"1.9.3", '=', "1.9.3"},
    {"1.9.3", '>', "1.9.2.99"},
    {"1.9.3", '<', "1.9.3.1"},
    {"1.0", '=', "1"},
    {"1.0.0", '=', "1"},
    {"1.0.0.0.0", '=', "1"},
    {"1.0-1", '<', "1.0"},
    {"1.0-1", '=', "1.0.pre.1"},
    {"1.0.0-rc1", '<', "1.0.0.rc1"},
    {"2.0.0.rc1", '<', "2.0.0"},
    {"1.0.0.a", '<', "1.0.0.b"},
    {"1.0.a.2", '>', "1.0.a.1"},
    {"1.0.a1", '=', "1.0.a.1"},
    {"1.0a1", '=', "1.0.a.1"},
    {"1.0.rc.0", '=', "1.0.rc"},
    {"1.a.0", '=', "1.a"},
    {"1.0.A", '<', "1.0.a"},
    {"1.0.Z", '<', "1.0.a"},
    {"1.10", '>', "1.9"},
    {"1.01", '=', "1.1"},
    {"0", '<', "0.0.1"},
    {" 1.0 ", '=', "1.0"},
    {"3.2.1.beta", '<', "3.2.1"},
    {"3.2.1.beta", '>', "3.2.0"},
    {"4.0.0.beta1", '<', "4.0.0.beta2"},
    {"4.0.0.beta10", '>', "4.0.0.beta2"},
    {"7.0.8.7", '>', "7.0.8.6"},
    {"7.1.3.4", '>', "7.0.8.7"},
    {"1.0.0.pre", '<', "1.0.0.rc"},
    {"1.0.0-alpha", '<', "1.0.0-alpha.1"},
    {"1.0.0-alpha.1", '<', "1.0.0-beta.2"},
    {"1.0.0-beta.2", '<', "1.0.0-beta.11"},
    {"1.0.0-beta.11", '<', "1.0.0-rc.1"},
    {"1.0.0-rc1", '<', "1.0.0"},
    {"1.0.0-1", '<', "1"},
    {"1.A", '<', "1"},
    {"1.2.d.42", '<', "1.2"},
    {"22.1.50.0.d", '<', "22.1.50"},
    {"1.1.rc10", '<', "1.1"},
    {"1.9.3.alpha.5", '<', "1.9.3"},
    {"  ", '=', "0"},
    {"1.0.0.alpha", '<', "1.0.0.beta"},
    {"1.2.3-x-y", '=', "1.2.3.pre.x.pre.y"},
};

static const char *const sorted[] = {
    "0.0.beta",  "0.beta.1",  "0.1",     "1.0.a",    "1.0.a.1", "1.0.a.2", "1.0.b",
    "1.0.pre",   "1.0.pre.1", "1.0.rc1", "1.0",      "1.0.1",   "1.8.2.a", "1.8.2.a9",
    "1.8.2.a10", "1.8.2.b",   "1.8.2",   "1.9.2.99", "1.9.3",   "1.9.3.1", "2",
    "5.a",       "5.0.0.rc2", "5.x",     "5.0.1",    "10",      "10.0.1",
};

static const char *const invalid[] = {
    "junk",
    "1..2",
    "1.2 3.4",
    "1.0-",
    "-1",
    "1.0\x0a"
    "2.0",
    "a1",
    "1.",
    ".1",
    "1.0_1",
    "1.0+1",
    "v1.0",

    NULL,
};

#include "version_test_common.h"
