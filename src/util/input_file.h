/* Opening the files a user names as input (a policy, an ignore file, a VEX
 * document, a feed, a configuration file, a Dockerfile): the one place that
 * decides what an input file may be. Opened O_NONBLOCK so that a FIFO or a
 * device cannot block open(), then refused unless fstat says it is a
 * regular file, with one message naming the path, its role and what it is
 * instead ("PATH: VEX document is not a regular file (it is a FIFO)").
 * Whole-file reads are capped.
 *
 * Not for files inside an image or a root file system (those are read
 * through the image's own index), and not for outputs (src/cli/common.c). */
#ifndef LD_UTIL_INPUT_FILE_H
#define LD_UTIL_INPUT_FILE_H

#include <stddef.h>
#include <sys/stat.h>

#include "core/error.h"

/* Opens path read-only (O_NONBLOCK|O_CLOEXEC|O_NOCTTY), checks with fstat
 * that it is a regular file and clears O_NONBLOCK. what names the file's
 * role in messages ("policy", "ignore file"); NULL: "input". st, when not
 * NULL, receives the fstat result. Returns the fd (the caller closes it),
 * or a negative ld_errcode with err set: LD_ERR_NOT_FOUND (missing),
 * LD_ERR_INVALID (not a regular file, no permission), LD_ERR_GENERIC. */
int ld_input_open(const char *path, const char *what, struct stat *st, ld_error *err);

/* Reads the whole input file at path (opened as ld_input_open) into a new
 * NUL-terminated buffer (*out, caller frees; *len excludes the NUL). A
 * file larger than max bytes, or one that grows past max while it is read,
 * is refused with LD_ERR_LIMIT ("PATH: WHAT is larger than 1 MiB (N
 * bytes); is this the right file?"). On failure *out is NULL and err set. */
int ld_input_read(const char *path, const char *what, size_t max, char **out, size_t *len,
                  ld_error *err);

/* The same from an fd returned by ld_input_open (not closed here; read
 * from its current offset). path and what name it in messages. */
int ld_input_read_fd(int fd, const char *path, const char *what, size_t max, char **out,
                     size_t *len, ld_error *err);

/* What a file of this st_mode is, for messages: "a FIFO", "a directory",
 * "a character device", "a block device", "a socket", "a symbolic link",
 * "a regular file", "an unknown kind of file". */
const char *ld_file_kind(mode_t mode);

#endif
