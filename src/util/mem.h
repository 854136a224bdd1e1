/* Allocation helpers that never return NULL (like git's xmalloc).
 *
 * Allocation failure is the library's one deliberate exit: these call
 * abort() — in one place, oom() in mem.c — and print nothing, since the
 * library never writes to stdout or stderr. Every allocation of the library
 * goes through them, so no caller handles NULL from malloc. A front end that
 * wants a message on SIGABRT installs its own handler. Input-driven sizes
 * must be capped by the caller before they reach these (a size over a limit
 * is an ld_error, LD_ERR_LIMIT); these are not a substitute for limits. */
#ifndef LD_UTIL_MEM_H
#define LD_UTIL_MEM_H

#include <stdarg.h>
#include <stddef.h>

void *ld_xmalloc(size_t n);
void *ld_xcalloc(size_t n, size_t size);
void *ld_xrealloc(void *p, size_t n);
/* Grow *items (of elem_size) so that it can hold at least need elements. */
void ld_xgrow(void *items_ptr, size_t *cap, size_t need, size_t elem_size);
char *ld_xstrdup(const char *s); /* NULL in, NULL out */
char *ld_xstrndup(const char *s, size_t n);
char *ld_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *ld_xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif
