/* Shared body of the cataloger fuzz targets (fuzz_<cataloger>.c): feeds the
 * input to one cataloger under each given path and aborts when the contract
 * of src/sbom/cataloger.h is broken:
 *   - success: every package has a non-empty name, found_in equal to the
 *     path, non-empty licence strings, a purl starting "pkg:" when set (and,
 *     with LD_FUZZ_STRICT_PACKAGES, a non-empty version and a purl);
 *   - failure: a negative code equal to err.code and a message naming the
 *     path (and, with LD_FUZZ_ATOMIC_FAILURE, nothing appended).
 * The path matcher gets the input as a path too. A cataloger with
 * parse_budgeted (decompression shared by one read) is also run under a
 * small shared budget, which must never be overdrawn, under the same
 * contract. Never a crash, leak or read past the input (ASan/UBSan watch
 * that). */
#ifndef LD_TESTS_FUZZ_CATALOGER_FUZZ_H
#define LD_TESTS_FUZZ_CATALOGER_FUZZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sbom/catalogers_list.h"

enum { LD_FUZZ_STRICT_PACKAGES = 1, LD_FUZZ_ATOMIC_FAILURE = 2 };

static void ld_fuzz_check_packages(const ld_package_list *l, const char *path, int flags)
{
    for (size_t i = 0; i < l->n; i++) {
        const ld_package *p = &l->items[i];
        if (!p->name || !p->name[0] || !p->found_in || strcmp(p->found_in, path) != 0)
            abort();
        if (p->purl && strncmp(p->purl, "pkg:", 4) != 0)
            abort();
        if ((flags & LD_FUZZ_STRICT_PACKAGES) && (!p->version || !p->version[0] || !p->purl))
            abort();
        for (size_t k = 0; k < p->licenses.n; k++)
            if (!p->licenses.v[k] || !p->licenses.v[k][0])
                abort();
    }
}

/* One parse's outcome against the contract. */
static void ld_fuzz_check_result(int rc, const ld_error *err, const ld_package_list *l,
                                 const char *path, int flags)
{
    if (rc == 0)
        ld_fuzz_check_packages(l, path, flags);
    else if (rc > 0 || err->code != rc || !strstr(err->msg, path) ||
             ((flags & LD_FUZZ_ATOMIC_FAILURE) && l->n != 0))
        abort();
}

static inline void ld_fuzz_cataloger(const ld_cataloger *c, const char *const *paths, int flags,
                                     const uint8_t *data, size_t size)
{
    char as_path[4097];
    size_t n = size < sizeof(as_path) - 1 ? size : sizeof(as_path) - 1;
    memcpy(as_path, data, n);
    as_path[n] = '\0';
    (void)c->wants(as_path);
    for (const char *const *path = paths; *path; path++) {
        ld_package_list l = {0};
        ld_error err = LD_ERROR_INIT;
        int rc = c->parse(*path, data, size, &l, &err);
        ld_fuzz_check_result(rc, &err, &l, *path, flags);
        ld_package_list_clear(&l);
        if (c->parse_budgeted) {
            ld_cataloger_budget b;
            ld_cataloger_budget_init(&b, 64u << 10);
            ld_error berr = LD_ERROR_INIT;
            rc = c->parse_budgeted(*path, data, size, &b, &l, &berr);
            ld_fuzz_check_result(rc, &berr, &l, *path, flags);
            if (atomic_load(&b.inflate_left) > b.inflate_total)
                abort();
            ld_package_list_clear(&l);
        }
    }
}

/* Defines LLVMFuzzerTestOneInput for cataloger `cat` over the given paths. */
#define LD_FUZZ_CATALOGER_TARGET(cat, flags, ...)                                                  \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);                                  \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)                                   \
    {                                                                                              \
        static const char *const paths[] = {__VA_ARGS__, NULL};                                    \
        ld_fuzz_cataloger(&(cat), paths, (flags), data, size);                                     \
        return 0;                                                                                  \
    }

#endif
