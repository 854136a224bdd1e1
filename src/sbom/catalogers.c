/* The cataloger registry: every cataloger named in sbom/catalogers_list.h,
 * in that order. Not for choosing catalogers per run (callers filter). */
#include "sbom/catalogers_list.h"

#include <stddef.h>

#define LD_CATALOGER_ENTRY(n) &ld_cataloger_##n,
static const ld_cataloger *const all_catalogers[] = {
    LD_CATALOGER_LIST(LD_CATALOGER_ENTRY) NULL,
};
#undef LD_CATALOGER_ENTRY

const ld_cataloger *const *ld_catalogers(void)
{
    return all_catalogers;
}
