/* libFuzzer target for the freeze's readers of cgroup text
 * (forensics/freeze_cgroup.c): /proc/PID/cgroup, cgroup.events and
 * freezer.state. Any bytes: a path taken from /proc/PID/cgroup is absolute,
 * NUL-terminated within its buffer, has no "." / ".." / empty component,
 * and occurs in the input; a small buffer is never overrun; the state
 * readers answer one of their values. Seeds:
 * tests/fuzz/corpus/fx_cgroup_text/. Replay: ./fuzz_fx_cgroup_text FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "forensics/freeze_cgroup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_path(const char *p, size_t cap, const uint8_t *data, size_t size)
{
    size_t n = strnlen(p, cap);
    if (n >= cap)
        abort();
    if (n == 0)
        return;
    if (p[0] != '/' || !memmem(data, size, p, n))
        abort();
    if (n > 1 && (p[n - 1] == '/' || strstr(p, "//") || strstr(p, "/./") || strstr(p, "/../")))
        abort();
    if ((n >= 2 && strcmp(p + n - 2, "/.") == 0) || (n >= 3 && strcmp(p + n - 3, "/..") == 0))
        abort();
}

static void parse(const uint8_t *data, size_t size, size_t cap)
{
    char *v2 = malloc(cap), *v1 = malloc(cap);
    if (!v2 || !v1)
        abort();
    int found = ld_fx_parse_proc_cgroup((const char *)data, size, v2, cap, v1, cap);
    if (found & ~(LD_FX_CG_HAVE_V2 | LD_FX_CG_HAVE_FREEZER))
        abort();
    if (!(found & LD_FX_CG_HAVE_V2) && v2[0])
        abort();
    if (!(found & LD_FX_CG_HAVE_FREEZER) && v1[0])
        abort();
    check_path(v2, cap, data, size);
    check_path(v1, cap, data, size);
    if ((found & LD_FX_CG_HAVE_V2) && !v2[0])
        abort();
    free(v2);
    free(v1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    parse(data, size, LD_FX_CGROUP_PATH_MAX);
    parse(data, size, 8); /* tight buffers: nothing that does not fit */
    int ev = ld_fx_parse_cgroup_events_frozen((const char *)data, size);
    if (ev < -1 || ev > 1)
        abort();
    ld_fx_v1_state s = ld_fx_parse_freezer_state((const char *)data, size);
    if (s < LD_FX_V1_UNKNOWN || s > LD_FX_V1_FROZEN)
        abort();
    return 0;
}
