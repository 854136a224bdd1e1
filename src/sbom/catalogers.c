/* The cataloger registry: every cataloger named in sbom/catalogers_list.h,
 * in that order, and the budget shared by the catalogers of one read
 * (cataloger.h). Not for choosing catalogers per run (callers filter). */
#include "sbom/catalogers_list.h"

#include <stddef.h>
#include <string.h>

#define LD_CATALOGER_ENTRY(n) &ld_cataloger_##n,
static const ld_cataloger *const all_catalogers[] = {
    LD_CATALOGER_LIST(LD_CATALOGER_ENTRY) NULL,
};
#undef LD_CATALOGER_ENTRY

const ld_cataloger *const *ld_catalogers(void)
{
    return all_catalogers;
}

bool ld_cataloger_in_exec_dir(const char *path)
{
    for (const char *p = strchr(path, '/'); p; p = strchr(p + 1, '/')) {
        const char *c = p + 1;
        if ((c[0] == 'b' && strncmp(c, "bin/", 4) == 0) ||
            (c[0] == 's' && strncmp(c, "sbin/", 5) == 0) ||
            (c[0] == 'l' && strncmp(c, "libexec/", 8) == 0))
            return true;
    }
    return false;
}

void ld_cataloger_budget_init(ld_cataloger_budget *b, uint64_t inflate_bytes)
{
    atomic_init(&b->inflate_left, inflate_bytes);
    b->inflate_total = inflate_bytes;
}

bool ld_cataloger_budget_take(ld_cataloger_budget *b, uint64_t n)
{
    if (!b)
        return true;
    uint64_t left = atomic_load(&b->inflate_left);
    do {
        if (left < n)
            return false;
    } while (!atomic_compare_exchange_weak(&b->inflate_left, &left, left - n));
    return true;
}
