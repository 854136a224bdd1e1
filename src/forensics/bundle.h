/* The evidence bundle being written: a directory that lockdown creates
 * (mode 0700, must not exist or be empty), into which every artifact is
 * written once, streamed, and hashed (SHA-256) on the way to the disk: no
 * artifact is read back to be hashed. Artifact paths are lockdown's own,
 * relative, made of [A-Za-z0-9._-] components (no "..", no empty
 * component); a name that came from the container (a pid is a number, a
 * volume name is not) goes through ld_fx_safe_name first. Files are
 * created with O_EXCL|O_NOFOLLOW beneath the bundle's directory fd, so
 * nothing already there is replaced or followed.
 *
 * The bundle keeps the list of artifacts (path, kind, size, sha256, a
 * note when cut or incomplete, whether it was taken while the container
 * was frozen) and the notes of the capture; manifest.h writes them out.
 * Distinct artifacts may be written from different threads at once (the
 * capture writes memory cores and the file system layer in parallel);
 * one artifact belongs to one thread. Entries and notes are read once the
 * writers are done. */
#ifndef LD_FORENSICS_BUNDLE_H
#define LD_FORENSICS_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* Kinds of artifacts (manifest "kind"), for show and for readers. */
#define LD_FX_KIND_INSPECT "container-inspect"  /* engine inspect JSON */
#define LD_FX_KIND_IMAGE "image-inspect"        /* engine image inspect JSON */
#define LD_FX_KIND_LOGS "container-logs"        /* stdout/stderr, demultiplexed */
#define LD_FX_KIND_HOST "host-context"          /* host/context.json */
#define LD_FX_KIND_PROCESSES "process-index"    /* processes/index.json */
#define LD_FX_KIND_PROC_FILE "process-file"     /* a copy of /proc/PID/<name> */
#define LD_FX_KIND_PROC_FDS "process-fds"       /* processes/PID/fds.json */
#define LD_FX_KIND_PROC_NS "process-namespaces" /* processes/PID/namespaces.json */
#define LD_FX_KIND_CORE "memory-core"           /* processes/PID/core: ELF core */
#define LD_FX_KIND_SOCKETS "sockets"            /* network/sockets.json */
#define LD_FX_KIND_NET_FILE "network-file"      /* a copy of /proc/PID/net/<name> */
#define LD_FX_KIND_UPPER_TAR "fs-upper-tar"     /* filesystem/upper.tar */
#define LD_FX_KIND_CHANGES "fs-changes"         /* filesystem/changes.json */
#define LD_FX_KIND_MOUNTS "mounts"              /* mounts/mounts.json */
#define LD_FX_KIND_VOLUME_TAR "volume-tar"      /* volumes/NAME.tar (--volumes) */

/* Fixed names in a bundle (relative to it). */
#define LD_FX_MANIFEST "manifest.json"
#define LD_FX_SIGNATURE "manifest.json.sig"

typedef struct ld_fx_bundle ld_fx_bundle;
typedef struct ld_fx_artifact ld_fx_artifact;

/* One artifact as recorded (and as read back by manifest.h). */
typedef struct {
    char *path;   /* relative to the bundle */
    char *kind;   /* LD_FX_KIND_* */
    uint64_t size;
    char sha256[65]; /* lowercase hex */
    bool frozen;     /* written while the container was frozen */
    bool truncated;  /* cut at a size cap (note says which) */
    char *note;      /* NULL, or why it is incomplete ("stopped at 8 GiB (--max-fs)") */
} ld_fx_entry;

/* Creates dir (and no parent) with mode 0700; an existing empty directory
 * is taken as it is, anything else there is refused (LD_ERR_INVALID
 * "bundle directory X exists and is not empty"). A symbolic link at dir
 * is refused. Returns NULL with err set. */
ld_fx_bundle *ld_fx_bundle_create(const char *dir, ld_error *err);
/* Closes the directory and frees the lists (files written stay). */
void ld_fx_bundle_free(ld_fx_bundle *b);
const char *ld_fx_bundle_dir(const ld_fx_bundle *b);
/* The bundle's directory fd (O_PATH|O_DIRECTORY), owned by the bundle. */
int ld_fx_bundle_dirfd(const ld_fx_bundle *b);

/* Artifacts written from now on are marked frozen (between freeze and
 * thaw); false again after. */
void ld_fx_bundle_set_frozen(ld_fx_bundle *b, bool frozen);
/* While frozen, probe(ctx) is asked when an artifact opens and when it
 * closes whether the container is still frozen (a watchdog may thaw it at
 * its deadline while lockdown works): an artifact is marked frozen only
 * when both answers were yes. NULL: no probe. probe may be called from
 * any thread writing an artifact. */
void ld_fx_bundle_set_frozen_probe(ld_fx_bundle *b, bool (*probe)(void *ctx), void *ctx);

/* Starts the artifact relpath (parent directories made as needed, 0700;
 * the file 0600). LD_ERR_INVALID for a path that is not lockdown's own
 * form, an existing file. *out is owned until ld_fx_artifact_close or
 * ld_fx_artifact_abort. */
int ld_fx_artifact_open(ld_fx_bundle *b, const char *relpath, const char *kind,
                        ld_fx_artifact **out, ld_error *err);
/* Writes and hashes n bytes (all of them, retrying short writes). A write
 * error (ENOSPC) is LD_ERR_GENERIC naming the artifact. */
int ld_fx_artifact_write(ld_fx_artifact *a, const void *p, size_t n, ld_error *err);
/* n zero bytes (a hole in memory that could not be read): written as
 * zeros (a sparse seek where the file system allows), hashed as zeros. */
int ld_fx_artifact_write_zeros(ld_fx_artifact *a, uint64_t n, ld_error *err);
uint64_t ld_fx_artifact_size(const ld_fx_artifact *a);
/* Marks the artifact cut at a cap (note says which cap), or incomplete for
 * another reason (truncated false). The note is copied. Several calls
 * join their notes with "; ". */
void ld_fx_artifact_note(ld_fx_artifact *a, bool truncated, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Closes and records the entry (on failure the partial file is unlinked
 * and nothing recorded). Frees a in every case. Not fsynced one by one: an
 * fsync costs milliseconds, and most artifacts are written while the
 * container is frozen; ld_fx_bundle_sync makes them all durable before the
 * manifest vouches for them. */
int ld_fx_artifact_close(ld_fx_artifact *a, ld_error *err);
/* Unlinks the partial file; nothing recorded. Frees a. NULL is ignored. */
void ld_fx_artifact_abort(ld_fx_artifact *a);

/* Convenience: a whole artifact from memory. */
int ld_fx_bundle_write_file(ld_fx_bundle *b, const char *relpath, const char *kind,
                            const void *data, size_t len, ld_error *err);
/* Convenience: copies from fd (a /proc file, a pipe) until EOF or cap
 * bytes (0: no cap; past it the artifact is marked truncated with "stopped
 * at CAP bytes"). A read that fails after the first ends the artifact with
 * a note (not truncated). 0 with the artifact written; < 0 (nothing
 * recorded) when the first read fails (the process exited: ESRCH, ENOENT,
 * then LD_ERR_NOT_FOUND), with err and sys_errno set. */
int ld_fx_bundle_copy_fd(ld_fx_bundle *b, const char *relpath, const char *kind, int fd,
                         uint64_t cap, ld_error *err);

/* A note for the manifest ("process 4242 exited during the capture",
 * "memory of 4243: 12 pages unreadable, written as zeros"). Copied. */
void ld_fx_bundle_note(ld_fx_bundle *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes every artifact recorded so far to the disk (one syncfs of the
 * bundle's file system). ld_fx_manifest_write calls it first. */
int ld_fx_bundle_sync(ld_fx_bundle *b, ld_error *err);

/* What has been recorded so far (owned by the bundle). */
const ld_fx_entry *ld_fx_bundle_entries(const ld_fx_bundle *b, size_t *n);
const char *const *ld_fx_bundle_notes(const ld_fx_bundle *b, size_t *n);

/* A name from the container (volume name, ...) made safe as one path
 * component: bytes outside [A-Za-z0-9._-] become '_', a leading '.'
 * becomes '_', empty becomes "_", at most 64 bytes then "-" and 8 hex
 * digits of its SHA-256 when it was changed or cut (two different names
 * never share a component). A name that already ends in "-" and 8
 * lowercase hex digits counts as changed, so an unchanged name never looks
 * like a changed one. Writes into out (cap >= 80). */
void ld_fx_safe_name(const char *name, size_t len, char *out, size_t cap);
#define LD_FX_SAFE_NAME_KEEP 64 /* bytes of the name kept before the hash */

/* Is relpath lockdown's own form (see above)? Also: no component starts
 * with '.', a component is at most LD_FX_NAME_MAX bytes and the path at
 * most LD_FX_RELPATH_MAX; and a top-level name starting with
 * "manifest.json" is the manifest's (and its signature's, and their
 * temporary names'), never an artifact's. */
#define LD_FX_NAME_MAX 255
#define LD_FX_RELPATH_MAX 1024
bool ld_fx_relpath_ok(const char *relpath);

#endif
