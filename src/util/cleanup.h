/* Scope-bound cleanup helpers (GCC/Clang `cleanup` attribute extension).
 *
 * Variables declared with these start at NULL / -1 and are released when
 * they leave scope. Ownership leaves a scope only through ld_steal_ptr() /
 * ld_steal_fd(), which return the value and reset the local. Not for
 * objects with custom destructors: use LD_AUTO(type_free) for those. */
#ifndef LD_UTIL_CLEANUP_H
#define LD_UTIL_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void ld_freep(void *p) { free(*(void **)p); }
static inline void ld_closep(int *fd)
{
    if (*fd >= 0)
        close(*fd);
}
static inline void ld_fclosep(FILE **f)
{
    if (*f)
        fclose(*f);
}

#define ld_autofree __attribute__((cleanup(ld_freep)))
#define ld_autoclose __attribute__((cleanup(ld_closep)))
#define ld_autofclose __attribute__((cleanup(ld_fclosep)))

/* Declare a cleanup for `type *` that calls `fn(type *)`; use as LD_AUTOPTR(fn) */
#define LD_DEFINE_AUTOPTR(type, fn)                                                                \
    static inline void fn##_autoptr(type **p)                                                      \
    {                                                                                              \
        if (*p)                                                                                    \
            fn(*p);                                                                                \
    }
#define LD_AUTOPTR(fn) __attribute__((cleanup(fn##_autoptr)))

static inline void *ld_steal_ptr_impl(void *pp)
{
    void **p = pp;
    void *v = *p;
    *p = NULL;
    return v;
}
#define ld_steal_ptr(pp) ld_steal_ptr_impl((void *)(pp))

static inline int ld_steal_fd(int *fd)
{
    int v = *fd;
    *fd = -1;
    return v;
}

#endif
