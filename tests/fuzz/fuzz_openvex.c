/* libFuzzer target for OpenVEX documents (vuln/vex.c) and, on the same
 * bytes, the ignore-file parser (vuln/ignore_file.c): any input must parse
 * into a consistent document (every statement with ids, products and a known
 * status) or fail with a message and nothing allocated; matching a parsed
 * document against fixed subjects must not crash. Never a crash, leak or
 * hang. Seeds: tests/fuzz/corpus/openvex/. Replay one: ./fuzz_openvex FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/ignore_file.h"
#include "vuln/vex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise(const ld_vex_doc *d)
{
    static const char *const ids[] = {"CVE-2021-23337", "GHSA-35jh-r3h4-6jhm"};
    static const char *const refs[] = {"sha256:aaaa", NULL, "lockdown-test/app:1"};
    static const char *const purls[] = {"pkg:npm/lodash@4.17.20", "pkg:npm/%40babel/core@7.0.0?x=y",
                                        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64", NULL};
    for (size_t i = 0; i < d->n; i++) {
        const ld_vex_statement *st = &d->statements[i];
        if (st->vuln_ids.n == 0 || st->n_products == 0 || (unsigned)st->status > 3)
            abort();
        for (size_t k = 0; k < st->n_products; k++) {
            if (!st->products[k].product)
                abort();
            for (size_t p = 0; p < 4; p++)
                (void)ld_vex_purl_matches(st->products[k].product, purls[p]);
        }
    }
    for (size_t p = 0; p < 4; p++) {
        ld_vex_subject s = {.ids = ids, .n_ids = 2, .purl = purls[p], .image_refs = refs,
                            .n_image_refs = 3};
        const ld_vex_statement *st = ld_vex_find(d, &s);
        if (st && (st < d->statements || st >= d->statements + d->n))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_vex_doc d;
    ld_error err = LD_ERROR_INIT;
    if (ld_vex_parse("fuzz", (const char *)data, size, &d, &err) == 0) {
        exercise(&d);
        ld_vex_clear(&d);
    } else if (!err.msg[0] || d.statements || d.n) {
        abort();
    }
    ld_ignore_list l;
    ld_error ierr = LD_ERROR_INIT;
    if (ld_ignore_parse("fuzz", (const char *)data, size, &l, &ierr) == 0) {
        for (size_t i = 0; i < l.n; i++) {
            if (!l.entries[i].id || !l.entries[i].id[0] || l.entries[i].line <= 0 ||
                ld_ignore_find(&l, l.entries[i].id) == NULL)
                abort();
            if (l.entries[i].expires && strlen(l.entries[i].expires) != 10)
                abort();
        }
        ld_ignore_clear(&l);
    } else if (!ierr.msg[0] || l.entries) {
        abort();
    }
    return 0;
}
