/* Error object passed as the last argument of every fallible library call.
 *
 * Fallible calls return a negative ld_errcode and fill the error with a
 * message naming the object ("layer sha256:ab12..: truncated gzip stream").
 * Callers add context with ld_error_wrap(), never by replacing. Only the CLI
 * prints errors. Not for warnings: those go into the report's notes. */
#ifndef LD_CORE_ERROR_H
#define LD_CORE_ERROR_H

#include <stddef.h>

/* The few codes callers branch on; everything else is LD_ERR_GENERIC. */
typedef enum {
    LD_OK = 0,
    LD_ERR_GENERIC = -1,
    LD_ERR_NOT_FOUND = -2,
    LD_ERR_UNSUPPORTED = -3,
    LD_ERR_UNREACHABLE = -4, /* engine, registry or server did not answer */
    LD_ERR_CORRUPT = -5,     /* hostile or malformed input */
    LD_ERR_INVALID = -6,     /* invalid user-supplied configuration or argument */
    LD_ERR_NOMEM = -7,
    LD_ERR_LIMIT = -8, /* a configured size or count limit was exceeded */
} ld_errcode;

#define LD_ERROR_MSG_MAX 1024

typedef struct {
    ld_errcode code;
    int sys_errno; /* errno at the failure, 0 if none */
    char msg[LD_ERROR_MSG_MAX];
} ld_error;

#define LD_ERROR_INIT {LD_OK, 0, {0}}

/* Set code and message; returns code so callers can `return ld_error_set(...)`. */
int ld_error_set(ld_error *err, ld_errcode code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* As ld_error_set, then appends ": <strerror(errnum)>". */
int ld_error_set_errno(ld_error *err, ld_errcode code, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Prepend context: "<context>: <previous message>". Keeps code; returns it. */
int ld_error_wrap(ld_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ld_error_clear(ld_error *err);
/* Short name of a code for logs ("not found", "corrupt input", ...). */
const char *ld_errcode_name(ld_errcode code);

#endif
