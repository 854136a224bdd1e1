/* File access shared by the process and socket collectors (private to
 * src/forensics): opening beneath a directory fd without following any
 * link, bounded reads, link texts read with readlinkat (never followed),
 * and a FILE stream that writes into a bundle artifact (for the JSON
 * writer). Not a parser (proc_text.h) and not the bundle (bundle.h). */
#ifndef LD_FORENSICS_PROC_FILES_H
#define LD_FORENSICS_PROC_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "core/error.h"
#include "forensics/bundle.h"

/* A link text longer than this is cut (and flagged). /proc prints at most
 * a page. */
#define LD_FX_LINK_MAX 4096

/* Opens rel (several components allowed) beneath dirfd: openat2 with
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS, or, on a
 * kernel without openat2, a walk of the components with O_NOFOLLOW.
 * O_CLOEXEC (and O_NOCTTY) added. -1 with errno (ELOOP for a link). */
int ld_fx_open_beneath(int dirfd, const char *rel, int flags);

/* Opens a directory the caller names (a root given by the user or a test:
 * links in it are followed) as O_RDONLY|O_DIRECTORY. -1 with errno. */
int ld_fx_open_root(const char *path);

/* Reads fd until EOF or cap bytes into a new buffer (NUL added after the
 * bytes; *len without it). *cut when there was more. NULL with *errnum
 * when the first read fails; a later failure ends the read with what was
 * read (and *errnum set, *cut false). Caller frees. */
char *ld_fx_read_fd(int fd, size_t cap, size_t *len, bool *cut, int *errnum);

/* Opens name beneath dirfd (one component, O_NOFOLLOW, O_NONBLOCK so a
 * FIFO planted in a fake tree does not block; a non-regular file is
 * refused with EINVAL) and reads it as ld_fx_read_fd does. */
char *ld_fx_read_at(int dirfd, const char *name, size_t cap, size_t *len, bool *cut, int *errnum);

/* The link text of name beneath dirfd (readlinkat: the link itself, never
 * its target). NULL with *errnum. *cut when it was longer than
 * LD_FX_LINK_MAX (the text is cut there). Caller frees. */
char *ld_fx_readlink(int dirfd, const char *name, size_t *len, bool *cut, int *errnum);

/* A stream whose writes go to the artifact (ld_fx_artifact_write); the
 * first write error is kept in *err (err->code set) and later writes
 * fail. fclose does not close the artifact. NULL on no memory. */
FILE *ld_fx_artifact_stream(ld_fx_artifact *a, ld_error *err);

/* A JSON artifact written through a stream: begin opens relpath and a
 * stream over it (*stream_err receives the stream's write error; it must
 * live until finish); finish closes both: 0, or < 0 with err (the
 * artifact aborted) when something failed. */
typedef struct {
    ld_fx_artifact *a;
    FILE *f;
    ld_error stream_err;
} ld_fx_json_artifact;
int ld_fx_json_artifact_begin(ld_fx_bundle *b, const char *relpath, const char *kind,
                              ld_fx_json_artifact *ja, ld_error *err);
int ld_fx_json_artifact_finish(ld_fx_json_artifact *ja, ld_error *err);
/* Aborts it (after a failure elsewhere). */
void ld_fx_json_artifact_abort(ld_fx_json_artifact *ja);

/* Is errnum what reading /proc/PID gives once the process is gone? */
bool ld_fx_errno_gone(int errnum);

#endif
