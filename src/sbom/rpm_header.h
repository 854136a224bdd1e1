/* The rpm header blob parser shared by the three rpm database catalogers
 * (rpm_sqlite.c, rpm_ndb.c, rpm_bdb.c): every rpm database stores one
 * header blob per installed package, in the same big-endian layout
 * (il, dl, il index entries of 16 bytes, dl bytes of data; no magic).
 * Not for .rpm package files (lead + signature header) and not a general
 * tag reader: only the tags the SBOM needs are extracted. */
#ifndef LD_SBOM_RPM_HEADER_H
#define LD_SBOM_RPM_HEADER_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "sbom/package.h"

/* Largest header blob accepted (rpm itself refuses data areas > 256 MiB;
 * real headers are well under 1 MiB). */
#define LD_RPM_HEADER_MAX ((size_t)64 << 20)
/* Most packages one database may hold: bounds the work on hostile input. */
#define LD_RPM_MAX_PACKAGES 200000

/* Parse one header blob blob[0..len) read from the database at path and
 * append its package to out (eco rpm; name, version "[epoch:]version-release",
 * arch, licence, source rpm name/version, found_in = path). gpg-pubkey
 * pseudo packages are skipped (return 0, nothing appended). Every offset
 * and count is checked against len. Returns 0, or < 0 (LD_ERR_CORRUPT)
 * with err naming path; out is unchanged on failure. */
int ld_rpm_header_parse(const char *path, const uint8_t *blob, size_t len, ld_package_list *out,
                        ld_error *err);

#endif
