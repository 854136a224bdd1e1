/* What a dir: image keeps besides its entry list (dir_source.c builds it,
 * image.c holds it): the memory its paths live in, and the metadata the
 * walk did not need. The dir: source lists every entry with the type
 * getdents gave but stats only the files an analyzer reads; the rest (mode,
 * owner, size, link target) is filled in here the first time a caller asks
 * for file metadata (image.c: ld_image_file_count, ld_image_file,
 * ld_image_lookup), so an SBOM that needs only paths never pays for
 * thousands of fstatat calls. Internal to src/image/ and its tests. */
#ifndef LD_IMAGE_DIR_PENDING_H
#define LD_IMAGE_DIR_PENDING_H

#include <stdbool.h>
#include <stddef.h>

#include "image/image_internal.h"
#include "util/strlist.h"

/* ld_file_entry.mode of an entry whose metadata is still to be read: never
 * seen by callers (no permission bits value is this large). */
#define LD_DIR_MODE_PENDING 0xffffffffu

typedef struct ld_dir_state ld_dir_state;

/* Whether some entries still wait for their metadata. */
bool ld_img_dir_pending(const ld_dir_state *d);

/* Reads the metadata of every pending entry of files[0..n) (sorted by
 * path), relative to the root directory held by d, opening each parent
 * directory one component at a time with O_NOFOLLOW (a symlink is never
 * followed, so nothing outside the root is read). Entries that can no
 * longer be read (removed or replaced since the walk, or not searchable)
 * are dropped with a note in notes and a gap in gaps, as the walk drops
 * them; the kept entries are moved to the front. Returns the number kept.
 * Closes the root; d still owns the paths. */
size_t ld_img_dir_complete(ld_dir_state *d, ld_file_entry *files, size_t n, ld_strlist *notes,
                           ld_gap_list *gaps);

/* Frees d and the paths of files[0..n) it owns (setting them to NULL, so
 * that freeing the entries afterwards frees only their links). */
void ld_img_dir_state_free(ld_dir_state *d, ld_file_entry *files, size_t n);

/* image.c: hands d (taken) to a dir: image made by ld_img_new_dir. */
void ld_img_dir_attach(ld_image *img, ld_dir_state *d);

#endif
