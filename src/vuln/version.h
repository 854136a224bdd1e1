/* Exact version comparison per package ecosystem (dpkg, apk, rpm, PEP 440,
 * SemVer/npm, Maven, Go modules, RubyGems, NuGet, Composer), as used by the
 * vulnerability matcher to place an installed version against advisory
 * ranges. Each scheme follows its package manager's own algorithm; see
 * docs/version-comparison.md for the rules and the documented deviations.
 *
 * Not a version *range* parser and not a normaliser for display: callers get
 * an ordering, nothing else. Comparisons allocate nothing and never recurse
 * on input; versions longer than LD_VERSION_MAX bytes are rejected. */
#ifndef LD_VULN_VERSION_H
#define LD_VULN_VERSION_H

#include "core/error.h"

/* Longest accepted version string, in bytes (excluding the NUL). */
#define LD_VERSION_MAX 256

typedef enum {
    LD_VER_DEB,      /* dpkg: [epoch:]upstream[-revision], `~` first */
    LD_VER_APK,      /* apk-tools: digits, letter, _suffixes, ~hash, -rN */
    LD_VER_RPM,      /* rpmvercmp on [epoch:]version[-release], `~` and `^` */
    LD_VER_PYPI,     /* PEP 440 */
    LD_VER_NPM,      /* node-semver, loose (leading v/=, leading zeros, 1.2.3beta) */
    LD_VER_SEMVER,   /* SemVer 2.0.0, strict (crates.io) */
    LD_VER_MAVEN,    /* Maven ComparableVersion (3.8 semantics) */
    LD_VER_GO,       /* Go modules: vMAJOR[.MINOR[.PATCH]][-pre][+build] */
    LD_VER_GEM,      /* RubyGems Gem::Version */
    LD_VER_NUGET,    /* NuGet: 1 to 4 numeric parts, prerelease, metadata */
    LD_VER_COMPOSER, /* Composer/Packagist: leading v dropped, PHP version_compare */
    LD_VER_COUNT
} ld_version_scheme;

/* Parses a scheme name: deb, apk, rpm, pypi, npm, semver, maven, go, gem,
 * nuget, composer (exact, lower case). Returns 0 and sets *out, or
 * LD_ERR_NOT_FOUND (nothing set). */
int ld_version_scheme_parse(const char *name, ld_version_scheme *out);

/* Maps an OSV ecosystem name to its scheme: Debian, Ubuntu (deb), Alpine
 * (apk), PyPI, npm, Go, crates.io (semver), Maven, RubyGems, NuGet,
 * Packagist (composer), Red Hat, Rocky Linux, AlmaLinux, SUSE, openSUSE
 * (rpm). A release suffix after ':' ("Debian:12", "Alpine:v3.19") is
 * ignored. Also accepts the scheme names of ld_version_scheme_parse.
 * Returns 0 and sets *out, or LD_ERR_NOT_FOUND. */
int ld_version_scheme_for_ecosystem(const char *ecosystem, ld_version_scheme *out);

/* The scheme's short name ("deb", ...); "?" for an out-of-range value. */
const char *ld_version_scheme_name(ld_version_scheme s);

/* Compares a with b under scheme s: sets *result < 0, 0 or > 0 and returns 0.
 * Returns a negative ld_errcode with err filled (e.g. `invalid pypi version
 * "x"`) when a version is invalid under a scheme without a fallback order
 * (pypi, npm, semver, go, gem, nuget, rpm never fails on syntax; dpkg fails
 * on what `dpkg --compare-versions` rejects) or longer than LD_VERSION_MAX
 * (LD_ERR_LIMIT); *result is then left unchanged. err may be NULL. Pure:
 * allocates nothing, safe to call from several threads. */
int ld_version_compare(ld_version_scheme s, const char *a, const char *b, int *result,
                       ld_error *err);

/* Checks that v is a valid version under s (same rules as the comparison).
 * Returns 0, or a negative ld_errcode with err filled. */
int ld_version_validate(ld_version_scheme s, const char *v, ld_error *err);

#endif
