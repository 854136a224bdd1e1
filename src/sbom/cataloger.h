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

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "sbom/package.h"
#include "util/file_reader.h"

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
} ld_cataloger;

/* NULL-terminated list of every cataloger in this build. */
const ld_cataloger *const *ld_catalogers(void);

/* Is path inside a directory called bin, sbin or libexec (at any depth)?
 * The binary catalogers' rule for where executables live; one pass over
 * path, as it runs for every file of an image. */
bool ld_cataloger_in_exec_dir(const char *path);

#endif
