/* libFuzzer target for the policy parser (core/policy.c): any input must
 * either give a policy with no problems or NULL with at least one problem
 * whose first line is the error message; never a crash, leak or hang.
 * Seeds: tests/fuzz/corpus/policy/. Replay one file: ./fuzz_policy FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Uses what a valid policy holds the way the report does. */
static void exercise(const ld_policy *p)
{
    ld_control ctl = {.id = (char *)"CIS-DOCKER-5.11"};
    ld_finding f = {.control = &ctl, .check_id = (char *)"container.memory-limit"};
    f.target.id = (char *)"3f2a9c";
    f.target.name = (char *)"web-1";
    for (size_t i = 0; i < p->n_exceptions; i++) {
        const ld_exception *e = &p->exceptions[i];
        if (!e->id || !e->reason || e->line <= 0)
            abort();
        (void)ld_exception_matches(e, &f);
        if (e->expires && ld_date_expired(e->expires, (time_t)1700000000) &&
            !ld_date_expired(e->expires, (time_t)1800000000))
            abort(); /* expiry must be monotonic in time */
    }
    for (size_t i = 0; i < p->n_attestations; i++) {
        const ld_attestation *a = &p->attestations[i];
        if (!a->control || !a->by || !a->date || !a->evidence)
            abort();
        if (ld_date_expired(a->date, (time_t)1700000000) && !ld_date_expired(a->date, 1800000000))
            abort();
    }
    for (size_t i = 0; i < p->n_trusted_keys; i++)
        if (!p->trusted_keys[i].name || !p->trusted_keys[i].key)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_strlist diags = {0};
    ld_error err = LD_ERROR_INIT;
    ld_policy *p = ld_policy_parse("fuzz.yaml", (const char *)data, size, &diags, &err);
    if (p) {
        if (diags.n != 0)
            abort();
        exercise(p);
        ld_policy_free(p);
    } else {
        if (diags.n == 0 || !err.msg[0] || err.code == LD_OK)
            abort();
        size_t n = strlen(diags.v[0]);
        size_t m = strlen(err.msg);
        if (strncmp(err.msg, diags.v[0], n < m ? n : m) != 0)
            abort();
    }
    ld_strlist_clear(&diags);
    return 0;
}
