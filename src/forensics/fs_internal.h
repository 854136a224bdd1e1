/* The pieces behind fs_changes.h, shared by its files and reached by its
 * tests and fuzz target: the lowerdirs list and the image lookups through
 * the overlay's lower layers (fs_lower.c), extended attributes
 * (fs_xattr.c), the walk beneath a directory fd (fs_walk.c) and the tar
 * written through the bundle (fs_tar.c). Not for other callers: use
 * fs_changes.h. */
#ifndef LD_FORENSICS_FS_INTERNAL_H
#define LD_FORENSICS_FS_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "core/error.h"
#include "forensics/bundle.h"

/* overlayfs stacks at most 500 lower layers (OVL_MAX_STACK) */
#define LD_FX_LOWER_MAX 500
/* extended attributes kept per entry: values beyond this are left out (noted) */
#define LD_FX_XATTR_BYTES_MAX (1024u * 1024u)

/* ---- lowerdirs list (fs_lower.c) ---- */

/* Splits s[0..len) ("a:b:c", top first, as GraphDriver.Data.LowerDir
 * gives it) into absolute paths. Refused (LD_ERR_CORRUPT, the message
 * names the component's position): an empty list or component, a path
 * that is not absolute or has a ".." component, a NUL byte, a component
 * of PATH_MAX bytes or more, more than LD_FX_LOWER_MAX components. On
 * success *out (NULL-terminated, *n entries) is owned by the caller
 * (ld_fx_lowerdirs_free). */
int ld_fx_lowerdirs_parse(const char *s, size_t len, char ***out, size_t *n, ld_error *err);
void ld_fx_lowerdirs_free(char **dirs);

/* The image's layers opened for lookups: one O_PATH directory fd each. */
typedef struct {
    size_t n;
    int *fds;
    char **paths;
} ld_fx_lowers;

/* Opens every layer of the list. < 0 with err (naming the layer) when one
 * cannot be opened or is not a directory; nothing stays open then. */
int ld_fx_lowers_open(const char *lowerdirs, ld_fx_lowers *out, ld_error *err);
void ld_fx_lowers_close(ld_fx_lowers *l);

/* What the image (the lower layers merged as overlayfs does) has at a
 * path. */
typedef struct {
    bool present; /* a visible entry (not a whiteout, not hidden) */
    mode_t mode;  /* its st_mode (of the topmost layer that has it) */
    size_t layer; /* that layer's index, top first */
    size_t nsub;  /* layers whose directory at this path is merged into it */
} ld_fx_image_entry;

/* Looks up dir/name in the layers listed in contrib[0..ncontrib) (indexes
 * into l, top first: the layers whose directory at `dir` is visible, all
 * of them for the root). dir is "" for the root or a relative path
 * without a leading or trailing '/'; name is one component. Each layer is
 * read beneath its own fd with openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS): a link in a layer is an entry, never a way
 * elsewhere. Overlay rules: the first layer with the name decides; a
 * whiteout (a 0/0 character device, or an aufs ".wh.NAME" beside it)
 * hides the name in that layer and the ones below; a directory merges the
 * directories below it until an opaque one (trusted.overlay.opaque or
 * user.overlay.opaque "y", or an aufs ".wh..wh..opq" inside) or a
 * non-directory; a non-directory hides everything below. sub (room for
 * ncontrib entries) receives the layers whose directory at dir/name is
 * visible (for looking up its children), *out what is there. */
void ld_fx_image_lookup(const ld_fx_lowers *l, const uint16_t *contrib, size_t ncontrib,
                        const char *dir, const char *name, uint16_t *sub, ld_fx_image_entry *out);

/* ---- extended attributes (fs_xattr.c) ---- */

typedef struct {
    char *name;
    unsigned char *value;
    size_t len;
} ld_fx_xattr;

typedef struct {
    ld_fx_xattr *v;
    size_t n, cap;
    size_t bytes;    /* of values kept */
    bool incomplete; /* some could not be read or were over LD_FX_XATTR_BYTES_MAX */
    bool unreadable; /* the list itself could not be read */
} ld_fx_xattrs;

/* Splits a listxattr buffer (names each followed by NUL) into at most max
 * names; a last name without its NUL, and empty names, are dropped.
 * Returns how many were stored in names[] (pointers into buf). */
size_t ld_fx_xattr_names_split(const char *buf, size_t len, const char **names, size_t max);

/* Reads the extended attributes of an entry: through fd when it is >= 0
 * (a directory the walk opened), else through
 * /proc/self/fd/DIRFD/NAME with the l* calls, which act on the entry
 * itself (a file, a symbolic link, a device, a fifo: nothing is opened or
 * followed; the magic link only stands for the directory already held).
 * buf is scratch of at least 64 KiB. x is cleared first. */
void ld_fx_xattrs_read(int fd, int dirfd, const char *name, char *buf, size_t bufsize,
                       ld_fx_xattrs *x);
const ld_fx_xattr *ld_fx_xattrs_get(const ld_fx_xattrs *x, const char *name);
void ld_fx_xattrs_clear(ld_fx_xattrs *x);
/* Is the value "y" (trusted.overlay.opaque / user.overlay.opaque)? */
bool ld_fx_xattrs_opaque(const ld_fx_xattrs *x);

/* ---- names aufs gives a meaning to ----
 * overlayfs gives none: in the container's own layer such names are
 * entries a process created (listed as they are, counted in a note);
 * ld_fx_image_lookup honours ".wh.NAME" and ".wh..wh..opq" in the image's
 * layers, which only whoever built them wrote. */

typedef enum {
    LD_FX_NAME_PLAIN,
    LD_FX_NAME_AUFS_WHITEOUT, /* ".wh.NAME": NAME deleted */
    LD_FX_NAME_AUFS_OPAQUE,   /* ".wh..wh..opq": the directory is opaque */
    LD_FX_NAME_AUFS_META,     /* another ".wh..wh.*" (aufs' own bookkeeping) */
} ld_fx_name_kind;

ld_fx_name_kind ld_fx_name_classify(const char *name);
/* A whiteout as overlayfs writes it: a character device 0/0. */
bool ld_fx_is_whiteout(const struct stat *st);

/* ---- the walk (fs_walk.c) ---- */

typedef struct {
    int dirfd;           /* the parent directory (an fd the walk opened) */
    const char *name;    /* the entry's name in it */
    const char *relpath; /* from the walk's root, no leading '/' ("etc/passwd") */
    size_t parent_len;   /* relpath[0..parent_len) is the parent ("" at the root) */
    size_t depth;        /* 1 for the root's entries */
    const struct stat *st;
    int fd;           /* a directory the walk will descend into (O_RDONLY), else -1 */
    const char *link; /* a symbolic link's text (NULL when unreadable), else NULL */
} ld_fx_walk_entry;

/* Called for every entry, a directory before its contents. < 0 stops the
 * walk (err filled). */
typedef int (*ld_fx_walk_fn)(void *ctx, const ld_fx_walk_entry *e, ld_error *err);

typedef struct {
    uint64_t entries;    /* visited */
    uint64_t too_long;   /* paths of PATH_MAX bytes or more: left out */
    uint64_t too_deep;   /* directories at LD_FX_DEPTH_MAX: listed, not descended */
    uint64_t other_fs;   /* directories on another file system: listed, not descended */
    uint64_t unopenable; /* entries not stat'ed, directories not opened or read */
    uint64_t vanished;   /* gone between the listing and the stat */
    bool capped;         /* stopped at max_entries */
} ld_fx_walk_stats;

/* Walks the directory rootfd (O_RDONLY|O_DIRECTORY; not closed) in
 * sorted name order, depth first. Every directory is opened with
 * openat(O_NOFOLLOW|O_DIRECTORY) and checked to be the one stat saw, every
 * entry stat'ed with AT_SYMLINK_NOFOLLOW: a symbolic link is an entry,
 * never followed; nothing outside rootfd's tree is reached; a directory
 * on another file system than rootfd is listed, not descended. At most
 * max_entries entries, depth LD_FX_DEPTH_MAX, paths under PATH_MAX. */
int ld_fx_walk(int rootfd, uint64_t max_entries, ld_fx_walk_fn fn, void *ctx,
               ld_fx_walk_stats *stats, ld_error *err);

/* ---- the tar (fs_tar.c) ---- */

typedef struct ld_fx_tar ld_fx_tar;

/* What ld_fx_tar_add did with an entry. */
typedef struct {
    bool in_tar; /* its header (and contents, for a file) are in the tar */
    bool hashed; /* sha256 holds the SHA-256 of the contents in the tar */
    char sha256[65];
    bool magic_exec; /* a regular file starting with ELF magic or "#!" */
    bool changed;    /* the file changed while it was read (noted on the tar) */
} ld_fx_tar_added;

/* Starts a pax tar artifact; its bytes go through ld_fx_artifact_write.
 * max_bytes 0: no cap. what_left_out ends the cap note ("listed in
 * changes.json without contents"), NULL for none. */
int ld_fx_tar_open(ld_fx_bundle *b, const char *relpath, const char *kind, uint64_t max_bytes,
                   const char *what_left_out, ld_fx_tar **out, ld_error *err);
/* Adds e (header; a regular file's contents, opened beneath e->dirfd with
 * O_NOFOLLOW|O_NONBLOCK and checked to be the inode e->st describes, read
 * once into the tar and the hash) with the extended attributes x. An
 * entry the cap leaves no room for is left out (counted for the note); a
 * regular file is still opened for its first bytes (magic_exec). < 0
 * only for a bundle write error. */
int ld_fx_tar_add(ld_fx_tar *t, const ld_fx_walk_entry *e, const ld_fx_xattrs *x,
                  ld_fx_tar_added *out, ld_error *err);
/* Bytes of tar so far (headers and contents, before the end blocks). */
uint64_t ld_fx_tar_bytes(const ld_fx_tar *t);
bool ld_fx_tar_truncated(const ld_fx_tar *t);
/* A note on the tar artifact (the walk's limits), copied. */
void ld_fx_tar_note(ld_fx_tar *t, bool truncated, const char *note);
/* Ends the tar, notes the artifact (cap, files that changed while read,
 * entries tar cannot hold), closes it. Frees t in every case; *bytes (may
 * be NULL) the tar's size. */
int ld_fx_tar_close(ld_fx_tar *t, uint64_t *bytes, ld_error *err);
/* Drops the partial artifact. NULL is ignored. */
void ld_fx_tar_abort(ld_fx_tar *t);

#endif
