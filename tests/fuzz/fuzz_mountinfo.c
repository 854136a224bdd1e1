/* libFuzzer target for the mountinfo reader (host/mountinfo.c): any input
 * gives entries with an absolute, control-free mount point, a control-free
 * root, source and file system type, rising line numbers, and the entry a
 * lookup of a mount point returns is the last with that mount point — or
 * LD_ERR_LIMIT for oversize input.
 * Seeds: tests/fuzz/corpus/mountinfo/. Replay one file: ./fuzz_mountinfo FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/mountinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s)
{
    if (!s)
        abort();
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_error err = LD_ERROR_INIT;
    ld_mount_table t = {0};
    int rc = ld_mountinfo_parse((const char *)data, size, &t, &err);
    if (size > LD_MOUNTINFO_MAX_BYTES) {
        if (rc != LD_ERR_LIMIT || !err.msg[0] || t.n)
            abort();
        return 0;
    }
    if (rc != 0 && rc != LD_ERR_LIMIT)
        abort();
    int last = 0;
    for (size_t i = 0; i < t.n; i++) {
        const ld_mount_entry *e = &t.v[i];
        if (e->mount_point[0] != '/' || e->line <= last || !e->fstype[0])
            abort();
        last = e->line;
        check_text(e->mount_point);
        check_text(e->root);
        check_text(e->source);
        check_text(e->fstype);
        const ld_mount_entry *top = ld_mount_table_at(&t, e->mount_point);
        if (!top || top < e || strcmp(top->mount_point, e->mount_point) != 0)
            abort();
        (void)ld_mount_entry_ro(e);
    }
    ld_mount_table_clear(&t);
    return 0;
}
