/* libFuzzer target for what the Docker engine sends lockdown watch
 * (runtime/engine_event.c, runtime/container_inspect.c): the input is fed
 * to the line splitter in chunks whose sizes come from its first byte
 * (lines bounded at 4 KiB here so that skipping is exercised), each line
 * goes to the event parser, and the whole input is also read as an inspect
 * document. Promises checked: lines delivered are within the bound and
 * hold no newline; a parsed event has a 64-hex id and names/images
 * without control characters; an inspect result keeps its id, at most
 * LD_RT_MAX_LABELS labels, an absolute upperdir or none. Seeds:
 * tests/fuzz/corpus/engine_event/. Replay: ./fuzz_engine_event FILE. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/containers_internal.h"
#include "runtime/engine_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LINE_MAX_FUZZ 4096
#define ID_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void no_controls(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            abort();
}

static int on_line(const char *line, size_t len, void *ctx)
{
    (void)ctx;
    if (len == 0 || len > LINE_MAX_FUZZ || memchr(line, '\n', len))
        abort();
    ld_rt_engine_event ev;
    ld_error err = LD_ERROR_INIT;
    if (ld_rt_engine_event_parse(line, len, &ev, &err) < 0) {
        if (err.code == LD_OK || !err.msg[0])
            abort();
        return 0;
    }
    if (strlen(ev.id) != 64)
        abort();
    no_controls(ev.name);
    no_controls(ev.image);
    if (ev.name[0] == '/')
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t step = (size_t)data[0] % 97 + 1;
    const char *p = (const char *)data + 1;
    size_t n = size - 1;
    ld_rt_line_splitter sp;
    ld_rt_line_splitter_init(&sp, LINE_MAX_FUZZ);
    for (size_t off = 0; off < n; off += step)
        ld_rt_line_splitter_feed(&sp, p + off, n - off < step ? n - off : step, on_line, NULL);
    if (sp.cap > LINE_MAX_FUZZ)
        abort();
    ld_rt_line_splitter_free(&sp);

    json_t *doc = json_loadb(p, n, JSON_ALLOW_NUL, NULL);
    if (doc) {
        ld_rt_container ct;
        memset(&ct, 0, sizeof ct);
        const char *id = json_string_value(json_object_get(doc, "Id"));
        memcpy(ct.id, id && strlen(id) == 64 ? id : ID_A, 65);
        char keep[65];
        memcpy(keep, ct.id, 65);
        ld_error err = LD_ERROR_INIT;
        if (ld_rt_container_from_inspect(&ct, doc, &err) == 0) {
            if (!ct.known || memcmp(ct.id, keep, 65) != 0 || ct.n_labels > LD_RT_MAX_LABELS)
                abort();
            if (ct.upperdir && ct.upperdir[0] != '/')
                abort();
            /* a label that allows nothing without a note was blank */
            ld_rt_container_choose_egress(&ct, NULL);
            if (ct.has_egress && ct.n_egress == 0 && !ct.egress_note)
                for (const char *l = ld_rt_container_label(&ct, LD_RT_EGRESS_LABEL); *l; l++)
                    if (*l != ' ' && *l != '\t')
                        abort();
        } else if (err.code == LD_OK) {
            abort();
        }
        ld_rt_container_clear(&ct);
        json_decref(doc);
    }
    return 0;
}
