/* libFuzzer target for the engine pause client's readers of an answer
 * (forensics/engine_pause.c): the HTTP/1.x status line and the "already
 * paused" / "not paused" search. Any bytes: a status is 100..599 and
 * only when the input starts with "HTTP/1."; the search agrees with
 * memmem; a prefix of the input never has a status the whole lacks.
 * Seeds: tests/fuzz/corpus/fx_http_status/. Replay:
 * ./fuzz_fx_http_status FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "forensics/engine_pause.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    int st = ld_fx_http_status_parse(p, size);
    if (st != -1 && (st < 100 || st > 599 || size < 7 || memcmp(p, "HTTP/1.", 7) != 0))
        abort();
    if (size > 1) {
        int half = ld_fx_http_status_parse(p, size / 2);
        if (half != -1 && half != st)
            abort();
    }
    bool pa = ld_fx_engine_answer_already(p, size, true);
    bool un = ld_fx_engine_answer_already(p, size, false);
    if (pa != (memmem(p, size, "is already paused", 17) != NULL))
        abort();
    if (un != (memmem(p, size, "is not paused", 13) != NULL))
        abort();
    return 0;
}
