/* Go module versions as golang.org/x/mod/semver orders them: a leading `v`
 * is required, v1 and v1.2 stand for v1.0.0 and v1.2.0, build metadata
 * (`+incompatible`) is ignored, and pseudo-versions
 * (v0.0.0-20191109021931-daa7c04131f5, v1.2.4-0.20191109021931-daa7c04131f5)
 * order as the SemVer prereleases they are. Unlike semver.Compare, an
 * invalid version is an error here rather than "less than every valid one".
 * Note that OSV's Go ranges omit the `v`: callers add it. */
#include "vuln/version_internal.h"

int ld_ver_cmp_go(const char *a, const char *b, int *result, const char **bad, const char **why)
{
    return ld_semver_cmp_flavour(LD_SEMVER_GO, a, b, result, bad, why);
}
