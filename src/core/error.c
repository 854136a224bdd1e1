/* Error object: formatting, wrapping with context. See error.h. */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

__attribute__((format(printf, 2, 0))) static void vformat(ld_error *err, const char *fmt,
                                                      va_list ap)
{
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int ld_error_set(ld_error *err, ld_errcode code, const char *fmt, ...)
{
    if (!err)
        return code;
    va_list ap;
    va_start(ap, fmt);
    vformat(err, fmt, ap);
    va_end(ap);
    err->code = code;
    err->sys_errno = 0;
    return code;
}

int ld_error_set_errno(ld_error *err, ld_errcode code, int errnum, const char *fmt, ...)
{
    if (!err)
        return code;
    va_list ap;
    va_start(ap, fmt);
    vformat(err, fmt, ap);
    va_end(ap);
    size_t used = strlen(err->msg);
    snprintf(err->msg + used, sizeof(err->msg) - used, ": %s", strerror(errnum));
    err->code = code;
    err->sys_errno = errnum;
    return code;
}

int ld_error_wrap(ld_error *err, const char *fmt, ...)
{
    if (!err)
        return LD_ERR_GENERIC;
    char prefix[LD_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    /* prefix + ": " + old message, truncated to fit */
    char old[LD_ERROR_MSG_MAX];
    memcpy(old, err->msg, sizeof(old));
    size_t plen = strnlen(prefix, sizeof(err->msg) - 1);
    memcpy(err->msg, prefix, plen);
    size_t pos = plen;
    const char *sep = ": ";
    for (size_t i = 0; sep[i] && pos + 1 < sizeof(err->msg); i++)
        err->msg[pos++] = sep[i];
    size_t olen = strnlen(old, sizeof(old) - 1);
    if (olen > sizeof(err->msg) - 1 - pos)
        olen = sizeof(err->msg) - 1 - pos;
    memcpy(err->msg + pos, old, olen);
    err->msg[pos + olen] = '\0';
    if (err->code == LD_OK)
        err->code = LD_ERR_GENERIC;
    return err->code;
}

void ld_error_clear(ld_error *err)
{
    if (!err)
        return;
    err->code = LD_OK;
    err->sys_errno = 0;
    err->msg[0] = '\0';
}

const char *ld_errcode_name(ld_errcode code)
{
    switch (code) {
    case LD_OK: return "ok";
    case LD_ERR_NOT_FOUND: return "not found";
    case LD_ERR_UNSUPPORTED: return "unsupported";
    case LD_ERR_UNREACHABLE: return "unreachable";
    case LD_ERR_CORRUPT: return "corrupt input";
    case LD_ERR_INVALID: return "invalid";
    case LD_ERR_NOMEM: return "out of memory";
    case LD_ERR_LIMIT: return "limit exceeded";
    case LD_ERR_GENERIC: break;
    }
    return "error";
}
