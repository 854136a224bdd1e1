/* Which vulnerability-database ecosystem a package belongs to: os-release
 * ID / VERSION_ID / VERSION_CODENAME mapped to the OSV ecosystem name with
 * its release, as the database stores it: debian 12 (bookworm) ->
 * "Debian:12" (testing/sid without VERSION_ID: the number of its
 * VERSION_CODENAME), ubuntu 22.04 -> "Ubuntu:22.04" (also tried:
 * "Ubuntu:22.04:LTS" for an LTS release), alpine 3.19.1 -> "Alpine:v3.19",
 * rocky/almalinux 9.3 -> "Rocky Linux:9" / "AlmaLinux:9"; and language
 * ecosystems to theirs (npm, PyPI, Go, Maven, crates.io, RubyGems,
 * Packagist) with the package name in the form the feed uses (PEP 503 for
 * PyPI, group:artifact for Maven). Pure string functions; no database. */
#ifndef LD_VULN_DISTRO_H
#define LD_VULN_DISTRO_H

#include <stddef.h>

#include "core/error.h"
#include "sbom/package.h"

#define LD_DISTRO_MAX_ECOSYSTEMS 3

/* Ecosystem names to look a package of eco up in, first the primary one.
 * For OS packages (deb, apk, rpm) os_id / os_version_id / os_codename come
 * from the image's os-release and must name a supported distribution that
 * packages eco, else LD_ERR_UNSUPPORTED with err saying why ("no os-release
 * in the image", "distribution fedora is not supported", ...). Fills
 * out[0..*n) with new strings (caller frees each). release (may be NULL)
 * receives a new string for evidence: "bookworm", "22.04", "v3.19" or, for a
 * language ecosystem, its name ("npm"). Returns 0 or a negative ld_errcode. */
int ld_distro_ecosystems(ld_ecosystem eco, const char *os_id, const char *os_version_id,
                         const char *os_codename, char **out, size_t *n, char **release,
                         ld_error *err);

/* Debian release codename of a major version ("12" -> "bookworm"); NULL if unknown. */
const char *ld_debian_codename(const char *version_id);

/* PEP 503 normalised name: lower case, runs of '-', '_', '.' become one '-'. Caller frees. */
char *ld_pep503_normalize(const char *name);

/* The name to look package p up under in its ecosystem: PEP 503 for PyPI,
 * "group:artifact" for Maven (name alone when no group), the source package
 * (falling back to the name) for deb/apk/rpm, the name otherwise. Caller frees. */
char *ld_distro_lookup_name(const ld_package *p);

#endif
