/* libFuzzer target for the fleet report reader (core/fleet_read.c): any
 * input is read as a lockdown JSON report or refused with a message naming
 * it; whatever is read keeps the promises of core/fleet.h (a host name and
 * source, a level and states in range, text cut at LD_FLEET_TEXT_MAX, ids
 * at most LD_FLEET_ID_MAX bytes), merges with a second copy of itself as a
 * duplicate host, and renders in every format without error. Seeds:
 * tests/fuzz/corpus/fleet_read/. Replay: ./fuzz_fleet_read FILE. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fleet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_host(const ld_fleet_host *h)
{
    if (!h->name || !h->name[0] || !h->source || !h->started_at)
        abort();
    if ((unsigned)h->level >= LD_LEVEL_COUNT)
        abort();
    if (h->scope && strlen(h->scope) > LD_FLEET_TEXT_MAX + 3)
        abort();
    for (size_t i = 0; i < h->n_controls; i++) {
        const ld_fleet_host_control *c = &h->controls[i];
        if (!c->id || strlen(c->id) > LD_FLEET_ID_MAX || (unsigned)c->state >= LD_CTRL_COUNT)
            abort();
        if (c->reason && strlen(c->reason) > LD_FLEET_TEXT_MAX + 3)
            abort();
    }
    for (size_t i = 0; i < h->n_tiers; i++)
        if (!h->tiers[i].name || (unsigned)h->tiers[i].state > LD_TIER_NOT_ASSESSED)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_fleet *f = ld_fleet_new();
    ld_error err = LD_ERROR_INIT;
    int rc = ld_fleet_read_buffer(f, "fuzz.json", (const char *)data, size, NULL, &err);
    if (rc < 0) {
        if (err.code == LD_OK || strncmp(err.msg, "fuzz.json", 9) != 0 || f->n_hosts)
            abort();
        ld_fleet_free(f);
        return 0;
    }
    if (f->n_hosts != 1)
        abort();
    /* the same report again: a duplicate host, one kept, a note */
    if (ld_fleet_read_buffer(f, "again.json", (const char *)data, size, NULL, &err) < 0)
        abort();
    ld_fleet_finish(f, 1);
    if (f->n_hosts != 1 || f->reports_read != 2 || f->notes.n < 1)
        abort();
    check_host(&f->hosts[0]);
    for (size_t i = 0; i < f->n_controls; i++)
        if (f->controls[i].hosts != 1)
            abort();
    FILE *sink = fopen("/dev/null", "w");
    if (sink) {
        static const ld_format formats[] = {LD_FORMAT_TABLE, LD_FORMAT_JSON,  LD_FORMAT_JSONL,
                                            LD_FORMAT_HTML,  LD_FORMAT_SARIF, LD_FORMAT_JUNIT};
        for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
            if (ld_fleet_write(f, formats[i], sink, NULL, &err) < 0)
                abort();
        fclose(sink);
    }
    ld_fleet_free(f);
    return 0;
}
