/* The list of every cataloger in this build, as one X-macro so that the
 * extern declarations and the registry (src/sbom/catalogers.c) cannot drift
 * apart: adding a cataloger is one line here plus its ld_cataloger_<name>
 * definition in src/sbom/<ecosystem>.c. Order is the order files are offered
 * to catalogers and has no other meaning. Not for per-run configuration.
 *
 * Each cataloger file includes this header so its definition is checked
 * against the declaration. */
#ifndef LD_SBOM_CATALOGERS_LIST_H
#define LD_SBOM_CATALOGERS_LIST_H

#include "sbom/cataloger.h"

/* clang-format off */
#define LD_CATALOGER_LIST(X) \
    X(dpkg)                  \
    X(apk)                   \
    X(python)                \
    X(npm)                   \
    X(rpm_sqlite)            \
    X(rpm_ndb)               \
    X(rpm_bdb)               \
    X(go_buildinfo)          \
    X(java)                  \
    X(cargo)                 \
    X(gem)                   \
    X(composer)
/* clang-format on */

#define LD_CATALOGER_DECLARE(n) extern const ld_cataloger ld_cataloger_##n;
LD_CATALOGER_LIST(LD_CATALOGER_DECLARE)
#undef LD_CATALOGER_DECLARE

#endif
