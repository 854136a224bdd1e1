/* The container's file system changes since its image: the overlay upper
 * layer (GraphDriver.Data.UpperDir) as a tar, and the list of added,
 * changed and deleted paths against the image's layers (LowerDir, top
 * first, colon-separated).
 *
 * filesystem/upper.tar: a POSIX pax tar (libarchive, written through the
 * bundle so it is hashed as it streams) of the upper directory as it is
 * on disk: regular files with contents, directories, symbolic links as
 * links (the link text recorded, never followed), whiteouts as the
 * character devices 0/0 they are, extended attributes (trusted.overlay.*
 * / user.overlay.* included: opaque directories stay visible). Walked
 * with openat(..., O_NOFOLLOW) beneath the upper dir's fd: nothing
 * outside it is read whatever the container created. Devices, fifos and
 * sockets are recorded as headers only.
 *
 * filesystem/changes.json:
 *   {"upperdir": "...", "lowerdirs": N,
 *    "changes": [{"path": "/etc/passwd", "change": "changed|added|deleted|replaced",
 *                 "type": "file|dir|symlink|whiteout|device|fifo|socket",
 *                 "mode": "0755", "uid", "gid", "size", "mtime": "RFC3339",
 *                 "sha256"?: (regular files, hashed as the tar reads them),
 *                 "link"?: "target text", "executable"?: true (exec bit or
 *                 ELF/#! magic), "opaque"?: true}, ...],
 *    "counts": {"added": N, "changed": N, "deleted": N, "replaced": N},
 *    "truncated"?: true, "note"?: "..."}
 * "changed": the path exists in a lower layer (contents or metadata copied
 * up); "added": in no lower layer; "deleted": a whiteout of a path the
 * image has; "replaced": an opaque directory (the image's contents below it
 * hidden). The lower layers are looked up beneath their own fds
 * (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS), a whiteout or opaque directory
 * in a higher lower layer hiding the ones below, as overlayfs does.
 *
 * Bounded: at most max_bytes of tar (then the walk goes on listing
 * changes without contents, noted), at most LD_FX_CHANGES_MAX entries,
 * paths at most PATH_MAX, depth at most LD_FX_DEPTH_MAX. */
#ifndef LD_FORENSICS_FS_CHANGES_H
#define LD_FORENSICS_FS_CHANGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "forensics/bundle.h"

#define LD_FX_CHANGES_MAX 2000000
#define LD_FX_DEPTH_MAX 256

typedef struct {
    const char *upperdir;  /* absolute */
    const char *lowerdirs; /* "a:b:c", top first; NULL: unknown (every change is "added"?) */
    uint64_t max_bytes;    /* of tar; 0: no cap */
    const char *tar_path;     /* relpath, default "filesystem/upper.tar" */
    const char *changes_path; /* relpath, default "filesystem/changes.json" */
} ld_fx_fs_options;

typedef struct {
    uint64_t added, changed, deleted, replaced;
    uint64_t entries, tar_bytes;
    uint64_t executables_added; /* added or changed files that are executable */
    bool truncated;
} ld_fx_fs_result;

/* Writes both artifacts. With lowerdirs NULL every upper entry is listed
 * as "added" and changes.json says the image could not be compared
 * ("lowerdirs": null, note). 0, or < 0 with err (upper dir unreadable:
 * LD_ERR_NOT_FOUND / permission; a bundle write error). */
int ld_fx_fs_capture(ld_fx_bundle *b, const ld_fx_fs_options *o, ld_fx_fs_result *res,
                     ld_error *err);

/* A directory (a volume's host path, with --volumes) as a tar with the
 * same rules (no link followed, nothing outside it), capped at max_bytes. */
int ld_fx_dir_tar(ld_fx_bundle *b, const char *dir, const char *relpath, const char *kind,
                  uint64_t max_bytes, ld_error *err);

#endif
