/* Package catalogers: one per ecosystem/format (src/sbom/<ecosystem>.c).
 * A cataloger names the paths it wants and parses one file's content into
 * packages. It never opens files itself: the image reader (or the dir:
 * walker) hands it content, so the same code reads images, layers and root
 * file systems, and every parser is a pure function of its bytes (fuzzable).
 * A cataloger of big binaries may also say, from a few bytes read at chosen
 * offsets, that a file holds nothing for it (needs_content), so readers that
 * can seek (dir:) skip reading it. */
#ifndef LD_SBOM_CATALOGER_H
#define LD_SBOM_CATALOGER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "sbom/package.h"
#include "util/file_reader.h"

/* What one read of an image (or dir:) may spend in all its files together,
 * shared by the threads that read its layers: a per-file cap alone lets 150
 * copies of one jar inflate 150 times as much. Set up by the SBOM collector
 * (ld_cataloger_budget_init), taken from by the catalogers that decompress
 * (jar members, cargo-auditable sections). */
typedef struct {
    _Atomic uint64_t inflate_left; /* decompressed bytes still allowed */
    uint64_t inflate_total;        /* the allowance it started with (messages) */
} ld_cataloger_budget;

/* Decompressed bytes allowed per read of an image: the nested archives of
 * the largest real Java images (Jenkins and its plugins, Spring Boot fat
 * jars) inflate to a few hundred MiB; 150 copies of a jar bomb would
 * inflate 19 GiB. */
#define LD_CATALOGER_INFLATE_BUDGET ((uint64_t)1 << 30)

void ld_cataloger_budget_init(ld_cataloger_budget *b, uint64_t inflate_bytes);
/* Takes n decompressed bytes from b; false (taking nothing) when fewer are
 * left. b NULL: no shared budget, always true. Safe from several threads. */
bool ld_cataloger_budget_take(ld_cataloger_budget *b, uint64_t n);

typedef struct {
    const char *name;    /* "dpkg", "apk", "rpm-sqlite", "python", "npm", ... */
    ld_ecosystem eco;
    uint64_t max_bytes;  /* files larger than this are skipped with a note */
    /* Does this cataloger want the file at path (absolute inside the image)? */
    bool (*wants)(const char *path);
    /* Parse data[0..len) read from path; append packages to out with found_in
     * set (the layer is filled in by the caller). Hostile input: return < 0
     * with err naming path, never crash, never read past len. */
    int (*parse)(const char *path, const uint8_t *data, size_t len, ld_package_list *out,
                 ld_error *err);
    /* Optional, for catalogers of big files (binaries): asked before a file
     * wants() took is read whole, with random access to it through r.
     * False only when parse() would report nothing for that file and not
     * fail (so the file need not be read); true when unsure. NULL: always
     * read. Hostile input: reads are bounded, r may fail or come up short. */
    bool (*needs_content)(const char *path, const ld_file_reader *r);
    /* Optional: parse() with the budget of the whole read (b is never
     * NULL); the SBOM collector calls it instead of parse(). For catalogers
     * whose work one file cannot bound (decompression). Same contract as
     * parse(); going over the budget is LD_ERR_LIMIT. */
    int (*parse_budgeted)(const char *path, const uint8_t *data, size_t len,
                          ld_cataloger_budget *b, ld_package_list *out, ld_error *err);
    /* Optional: did wants() take path only on speculation? Catalogers of
     * binaries take every file in an executable directory, and most hold
     * no packages: such a file skipped for its size is noted, but not
     * counted as a package database that could not be read (ld_sbom.unread).
     * NULL: every path wants() takes is a package database (dpkg status, a
     * lock file, a jar, ...). */
    bool (*speculative)(const char *path);
} ld_cataloger;

/* NULL-terminated list of every cataloger in this build. */
const ld_cataloger *const *ld_catalogers(void);

/* Is path inside a directory called bin, sbin or libexec (at any depth)?
 * The binary catalogers' rule for where executables live; one pass over
 * path, as it runs for every file of an image. */
bool ld_cataloger_in_exec_dir(const char *path);

#endif
