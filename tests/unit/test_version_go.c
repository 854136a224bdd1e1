/* Unit tests for the Go modules version comparator (src/vuln/version_go.c):
 * vectors from golang.org/x/mod/semver's test list, pseudo-version and
 * +incompatible rules (go.dev/ref/mod).
 * Every vector is checked both ways round and against itself; the sorted
 * list must be strictly increasing pairwise (transitivity); hostile input
 * (empty, oversize, binary bytes, huge digit runs) must not crash. */
#include <stddef.h>

#define SCHEME LD_VER_GO
#define VT_VALID "v1.0.0"
#define VT_RUN_PREFIX "v1.2.3-"

typedef struct {
    const char *a;
    char op;
    const char *b;
} vec;

static const vec vectors[] = {
    {"v1", '=', "v1.0.0"},
    {"v1.0", '=', "v1.0.0"},
    {"v1.2", '=', "v1.2.0"},
    {"v1.2.3-pre+meta", '=', "v1.2.3-pre"},
    {"v1.2.3+meta", '=', "v1.2.3"},
    {"v1.2.3+meta-pre", '=', "v1.2.3"},
    {"v1.2.3+meta-pre.sha.256a", '=', "v1.2.3"},
    {"v2.0.0+incompatible", '=', "v2.0.0"},
    {"v2.0.0+incompatible", '>', "v1.9.9"},
    {"v2.0.0+incompatible", '<', "v2.0.1"},
    {"v1.2.4-0.20191109021931-daa7c04131f5", '>', "v1.2.3"},
    {"v1.2.4-0.20191109021931-daa7c04131f5", '<', "v1.2.4"},
    {"v1.2.4-0.20191109021931-daa7c04131f5", '<', "v1.2.4-pre"},
    {"v0.0.0-20191109021931-daa7c04131f5", '<', "v0.0.1"},
    {"v0.0.0-20191109021931-daa7c04131f5", '<', "v0.0.0-20191109021932-000000000000"},
    {"v1.2.4-pre.0.20191109021931-daa7c04131f5", '>', "v1.2.4-pre"},
    {"v1.2.4-pre.0.20191109021931-daa7c04131f5", '<', "v1.2.4-pre.1"},
    {"v1.0.0-alpha", '<', "v1.0.0"},
    {"v1.0.0-1", '<', "v1.0.0-a"},
    {"v1.0.0-2", '<', "v1.0.0-10"},
    {"v1.0.0-a10", '<', "v1.0.0-a9"},
    {"v1.0.0-A", '<', "v1.0.0-a"},
    {"v1.0.0-alpha", '<', "v1.0.0-alpha.0"},
    {"v1.10.0", '>', "v1.9.0"},
    {"v1.0.10", '>', "v1.0.9"},
    {"v2.0.0", '>', "v1.99.99"},
    {"v0.0.0", '<', "v0.0.1"},
    {"v1.0.0-x.7.z.92", '>', "v1.0.0-x.7.z.9"},
    {"v1.0.0--", '<', "v1.0.0-0a"},
    {"v1.0.0-0a", '<', "v1.0.0-a"},
    {"v1.2.3-rc.1+build.5", '=', "v1.2.3-rc.1"},
    {"v1.0.0+a", '=', "v1.0.0+b"},
    {"v3.0.0-20210101000000-abcdefabcdef", '<', "v3.0.0"},
    {"v1.18.0", '<', "v1.18.1"},
    {"v0.3.0", '<', "v0.20.0"},
    {"v0.0.0-20200101000000-aaaaaaaaaaaa", '<', "v0.0.0-20200101000000-bbbbbbbbbbbb"},
    {"v1.2", '<', "v1.2.1"},
    {"v1", '<', "v1.0.1"},
    {"v1", '>', "v1.0.0-rc.1"},
    {"v2", '>', "v1.99.0"},
    {"v0.0.0-20191109021931-daa7c04131f5", '<', "v0.0.0-20191110000000-aaaaaaaaaaaa"},
    {"v0.0.0-20191110000000-aaaaaaaaaaaa", '<', "v0.0.1-alpha"},
    {"v0.0.1-alpha", '<', "v0.0.1"},
    {"v0.0.1", '<', "v0.1.0"},
    {"v0.1.0", '<', "v1.0.0-alpha"},
    {"v1.0.0-alpha", '<', "v1.0.0-alpha.1"},
    {"v1.0.0-alpha.1", '<', "v1.0.0-alpha.beta"},
    {"v1.0.0-alpha.beta", '<', "v1.0.0-beta"},
    {"v1.0.0-beta", '<', "v1.0.0-beta.2"},
    {"v1.0.0-beta.2", '<', "v1.0.0-beta.11"},
    {"v1.0.0-beta.11", '<', "v1.0.0-rc.1"},
    {"v1.0.0-rc.1", '<', "v1.0.0"},
    {"v1.0.0", '<', "v1.2.0"},
    {"v1.2.0", '<', "v1.2.3-456"},
    {"v1.2.3-456", '<', "v1.2.3-456.789"},
    {"v1.2.3-456.789", '<', "v1.2.3-456-789"},
    {"v1.2.3-456-789", '<', "v1.2.3-456a"},
    {"v1.2.3-456a", '<', "v1.2.3-pre"},
    {"v1.2.3-pre", '<', "v1.2.3-pre.1"},
    {"v1.2.3-pre.1", '<', "v1.2.3-zzz"},
    {"v1.2.3-zzz", '<', "v1.2.3"},
    {"v1.2.3", '<', "v1.2.4-0.20191109021931-daa7c04131f5"},
    {"v1.2.4-0.20191109021931-daa7c04131f5", '<', "v1.2.4-0.20200101000000-aaaaaaaaaaaa"},
    {"v1.2.4-0.20200101000000-aaaaaaaaaaaa", '<', "v1.2.4-pre"},
    {"v1.2.4-pre", '<', "v1.2.4-pre.0.20191109021931-daa7c04131f5"},
    {"v1.2.4-pre.0.20191109021931-daa7c04131f5", '<', "v1.2.4"},
    {"v1.2.4", '<', "v2.0.0+incompatible"},
    {"v2.0.0+incompatible", '<', "v2.0.1+incompatible"},
    {"v2.0.1+incompatible", '<', "v10.0.0"},
};

static const char *const sorted[] = {
    "v0.0.0-20191109021931-daa7c04131f5",
    "v0.0.0-20191110000000-aaaaaaaaaaaa",
    "v0.0.1-alpha",
    "v0.0.1",
    "v0.1.0",
    "v1.0.0-alpha",
    "v1.0.0-alpha.1",
    "v1.0.0-alpha.beta",
    "v1.0.0-beta",
    "v1.0.0-beta.2",
    "v1.0.0-beta.11",
    "v1.0.0-rc.1",
    "v1.0.0",
    "v1.2.0",
    "v1.2.3-456",
    "v1.2.3-456.789",
    "v1.2.3-456-789",
    "v1.2.3-456a",
    "v1.2.3-pre",
    "v1.2.3-pre.1",
    "v1.2.3-zzz",
    "v1.2.3",
    "v1.2.4-0.20191109021931-daa7c04131f5",
    "v1.2.4-0.20200101000000-aaaaaaaaaaaa",
    "v1.2.4-pre",
    "v1.2.4-pre.0.20191109021931-daa7c04131f5",
    "v1.2.4",
    "v2.0.0+incompatible",
    "v2.0.1+incompatible",
    "v10.0.0",
};

static const char *const invalid[] = {
    "1.2.3",    "bad",         "v1-alpha.beta.gamma",
    "v1-pre",   "v1+meta",     "v1-pre+meta",
    "v1.2-pre", "v1.2+meta",   "v1.2-pre+meta",
    "v1.2.3.4", "v01.2.3",     "v1.02.3",
    "v1.2.03",  "v1.2.3-01",   "v1.2.3-",
    "v1.2.3+",  "v1.2.3-a..b", "v",
    "",         "V1.2.3",      "v1.2.3 ",

    NULL,
};

#include "version_test_common.h"
