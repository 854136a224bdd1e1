/* libFuzzer target for the eBPF record decoder (runtime/bpf_decode.c) and
 * the open filter's matcher (runtime/open_rules.c): any bytes decode into
 * an event or are refused with a reason; a decoded event keeps the
 * promises of event.h (every string NUL-terminated inside its buffer, a
 * known type, the bpf source), and a refused one is left reset. The input
 * is also matched as a path against the built-in open rules (bounded,
 * never past the path). Seeds: tests/fuzz/corpus/bpf_record/ (records as
 * the kernel program writes them). Replay: ./fuzz_bpf_record FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/bpf_decode.h"
#include "runtime/open_rules.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TERMINATED(field) (memchr((field), '\0', sizeof(field)) != NULL)

static void check_event(const ld_rt_event *e)
{
    if (e->type <= LD_EVT_NONE || e->type >= LD_EVT_TYPE_COUNT || e->type == LD_EVT_CONTAINER)
        abort();
    if (e->source != LD_RT_SRC_BPF)
        abort();
    if (!TERMINATED(e->syscall) || !TERMINATED(e->comm) || !TERMINATED(e->exepath) ||
        !TERMINATED(e->cmdline) || !TERMINATED(e->path) || !TERMINATED(e->fstype) ||
        !TERMINATED(e->source_path) || !TERMINATED(e->module) || !TERMINATED(e->sock.unix_path) ||
        !TERMINATED(e->sock_local.unix_path))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exact-size copy: a read past the record is an ASan report */
    uint8_t *rec = ld_xmalloc(size ? size : 1);
    memcpy(rec, data, size);
    static ld_rt_event e;
    const char *why = NULL;
    int rc = ld_rt_bpf_decode(rec, size, 123456789, &e, &why);
    if (rc == 0) {
        check_event(&e);
    } else {
        if (rc != -1 || !why || !why[0] || e.type != LD_EVT_NONE)
            abort();
    }
    free(rec);

    static struct ld_bpf_config cfg;
    static int compiled;
    if (!compiled) {
        ld_rt_source_options o = {.trace_reads = true};
        ld_error err = LD_ERROR_INIT;
        if (ld_rt_open_rules_compile(&o, &cfg, &err) < 0)
            abort();
        compiled = 1;
    }
    char *path = ld_xstrndup((const char *)data, size);
    (void)ld_rt_open_rules_match(&cfg, path, size & 1);
    free(path);
    return 0;
}
