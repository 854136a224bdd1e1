/* File metadata of a dir: image that the walk did not need: the dir: source
 * (dir_source.c) lists every entry with the type getdents gave, but stats
 * only the files an analyzer reads; the rest (mode, owner, size, link
 * target) is filled in here the first time a caller asks for file metadata
 * (image.c: ld_image_file_count, ld_image_file, ld_image_lookup), so an
 * SBOM that needs only paths never pays for thousands of fstatat calls.
 * Internal to src/image/ and its tests. */
#ifndef LD_IMAGE_DIR_PENDING_H
#define LD_IMAGE_DIR_PENDING_H

#include <stddef.h>

#include "image/image.h"
#include "util/strlist.h"

/* ld_file_entry.mode of an entry whose metadata is still to be read: never
 * seen by callers (no permission bits value is this large). */
#define LD_DIR_MODE_PENDING 0xffffffffu

typedef struct ld_dir_pending ld_dir_pending;

/* Reads the metadata of every pending entry of files[0..n) (sorted by
 * path), relative to the root directory held by p, opening each parent
 * directory one component at a time with O_NOFOLLOW (a symlink is never
 * followed, so nothing outside the root is read). Entries that can no
 * longer be read (removed or replaced since the walk, or not searchable)
 * are dropped with a note in notes, as the walk drops them; the kept
 * entries are moved to the front. Returns the number kept. Frees p. */
size_t ld_img_dir_complete(ld_dir_pending *p, ld_file_entry *files, size_t n, ld_strlist *notes);
void ld_img_dir_pending_free(ld_dir_pending *p);

/* image.c: hands p (taken) to a dir: image made by ld_img_new_dir. */
void ld_img_dir_attach_pending(ld_image *img, ld_dir_pending *p);

#endif
