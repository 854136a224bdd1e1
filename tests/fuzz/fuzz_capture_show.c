/* libFuzzer target for the readers of `capture show` (forensics/show_load.c)
 * and what is built on them (show_suspicious.c, show_render.c): the input
 * is cut at the first two "\n@@\n" lines into processes/index.json,
 * network/sockets.json and filesystem/changes.json (a part that is not
 * there is the whole input), each read as the show reads it; then the
 * suspicious findings are made and both renderings written to memory.
 * Checked: nothing crashes or leaks, the limits hold (pids, sockets,
 * changes, the command line cap), a memfd process is not also "deleted",
 * the text holds no control byte but '\n', and the JSON is valid JSON
 * (jansson reads it back). Seeds: tests/fuzz/corpus/capture_show/.
 * Replay: ./fuzz_capture_show FILE. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forensics/fs_changes.h"
#include "forensics/net_sockets.h"
#include "forensics/proc_collect.h"
#include "forensics/show.h"
#include "forensics/show_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEP "\n@@\n"

static const char *part(const char *buf, size_t len, int n, size_t *plen)
{
    const char *start = buf, *end = buf + len;
    for (int i = 0; i <= n; i++) {
        const char *sep = memmem(start, (size_t)(end - start), SEP, 4);
        if (i == n) {
            *plen = (size_t)((sep ? sep : end) - start);
            return start;
        }
        if (!sep)
            break;
        start = sep + 4;
    }
    *plen = len;
    return buf;
}

static void check_text(const ld_fx_show *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        abort();
    if (ld_fx_show_render_text(s, out, 50) != 0)
        abort();
    fclose(out);
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)buf[i] < 0x20 && buf[i] != '\n') || buf[i] == 0x7f)
            abort();
    free(buf);
}

static void check_json(const ld_fx_show *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        abort();
    if (ld_fx_show_render_json(s, out) != 0)
        abort();
    fclose(out);
    json_t *root = json_loadb(buf, len, 0, NULL);
    if (!root || json_array_size(json_object_get(root, "processes")) != s->n_procs)
        abort();
    json_decref(root);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    ld_fx_show s;
    memset(&s, 0, sizeof(s));
    s.manifest.frozen_ns_interval = -1;
    size_t n;
    const char *p = part(buf, size, 0, &n);
    ld_fx_show_read_processes(&s, "processes/index.json", p, n);
    p = part(buf, size, 1, &n);
    ld_fx_show_read_sockets(&s, "network/sockets.json", p, n);
    p = part(buf, size, 2, &n);
    ld_fx_show_read_changes(&s, "filesystem/changes.json", p, n);
    ld_fx_show_find_suspicious(&s);

    if (s.n_procs > LD_FX_PIDS_MAX || s.n_sockets > LD_FX_SOCKETS_MAX ||
        s.n_changes > LD_FX_CHANGES_MAX)
        abort();
    for (size_t i = 0; i < s.n_procs; i++) {
        const ld_fx_show_process *pr = &s.procs[i];
        if (pr->pid < 1 || (pr->exe_memfd && pr->exe_deleted))
            abort();
        if (pr->cmdline && strlen(pr->cmdline) > LD_FX_SHOW_CMDLINE_MAX + 4)
            abort();
    }
    for (size_t i = 0; i < s.n_suspicious; i++)
        if (!s.suspicious[i].kind || !s.suspicious[i].subject || !s.suspicious[i].detail)
            abort();
    check_text(&s);
    check_json(&s);
    ld_fx_show_clear(&s);
    return 0;
}
