/* libFuzzer target for container attribution by cgroup path
 * (runtime/cgroup_path.c): any bytes are a path; the answer is a runtime
 * lockdown names and an id of 64 lowercase hex digits that occurs in the
 * path, or nothing at all; the outermost id is found too and is in the path.
 * A prefix of the input (the length cut) never yields a container the
 * path does not name. Seeds: tests/fuzz/corpus/cgroup_path/. Replay:
 * ./fuzz_cgroup_path FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cgroup_path.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *p, size_t n)
{
    char id[LD_RT_CONTAINER_ID_LEN + 1], outer[LD_RT_CONTAINER_ID_LEN + 1];
    memset(id, 'Z', sizeof id);
    memset(outer, 'Z', sizeof outer);
    ld_rt_cgroup_runtime r = ld_rt_cgroup_path_container(p, n, id, outer);
    if (r == LD_RT_CG_NONE) {
        if (id[0] != '\0' || outer[0] != '\0')
            abort();
        return;
    }
    if (!ld_rt_cgroup_runtime_name(r))
        abort();
    if (strlen(id) != LD_RT_CONTAINER_ID_LEN || strlen(outer) != LD_RT_CONTAINER_ID_LEN)
        abort();
    for (size_t i = 0; i < LD_RT_CONTAINER_ID_LEN; i++)
        if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
            abort();
    if (!memmem(p, n, id, LD_RT_CONTAINER_ID_LEN) || !memmem(p, n, outer, LD_RT_CONTAINER_ID_LEN))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    check(p, size);
    if (size > 1)
        check(p, size / 2);
    return 0;
}
