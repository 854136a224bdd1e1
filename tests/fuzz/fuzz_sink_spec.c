/* libFuzzer target for lockdown watch's output specs and the escaping of
 * hostile text in alerts (src/runtime/sink.c, sink_buf.c, sink_json.c,
 * sink_syslog.c). The input is parsed as an --output spec: it is accepted
 * with a kind the rest of the code knows (a port 1..65535 and a host with
 * no '/', '@' or control byte for udp/tcp; the text itself for a file) or
 * refused with LD_ERR_INVALID and a message. The same bytes are then the
 * process name, container name, image and rule output of an alert: the
 * JSON alert parses with jansson and is one line, the RFC 5424 line has no
 * line break or control byte and is valid UTF-8, a cut value stays within
 * its limit, the MSGID is 1..32 printable characters. Nothing is opened.
 * Seeds: tests/fuzz/corpus/sink_spec/. Replay: ./fuzz_sink_spec FILE. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/sink_internal.h"
#include "util/mem.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_utf8_no_controls(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t l = ld_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (l == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
            abort();
        i += l;
    }
}

static void check_spec(const char *text)
{
    ld_rt_sink_spec sp;
    ld_error err = LD_ERROR_INIT;
    if (ld_rt_sink_spec_parse(text, &sp, &err) < 0) {
        if (err.code != LD_ERR_INVALID || !err.msg[0])
            abort();
        return;
    }
    if (!sp.target[0])
        abort();
    for (const unsigned char *p = (const unsigned char *)sp.target; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            abort();
    switch (sp.kind) {
    case LD_RT_OUT_STDOUT:
        if (strcmp(text, "-") != 0)
            abort();
        break;
    case LD_RT_OUT_FILE:
        if (strcmp(sp.target, text) != 0)
            abort();
        break;
    case LD_RT_OUT_UNIX:
        if (strlen(sp.target) >= 108)
            abort();
        break;
    case LD_RT_OUT_UDP:
    case LD_RT_OUT_TCP:
        if (sp.port == 0 || strpbrk(sp.target, "/@?# []") || strlen(sp.target) > 253)
            abort();
        break;
    default: abort();
    }
}

static void check_escapes(const char *s, size_t n)
{
    ld_rt_sbuf b = {0};
    /* JSON: a string body jansson reads back */
    ld_rt_sbuf_putc(&b, '"');
    ld_rt_sbuf_escaped(&b, s, n, LD_RT_ESC_JSON, 0);
    ld_rt_sbuf_putc(&b, '"');
    json_t *v = json_loadb(b.p, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    if (!json_is_string(v))
        abort();
    json_decref(v);
    /* PARAM-VALUE: '"' and ']' only escaped, every '\' starts an escape */
    for (size_t max = 0; max <= 64; max += 64) {
        ld_rt_sbuf_reset(&b);
        ld_rt_sbuf_escaped(&b, s, n, LD_RT_ESC_SDPARAM, max);
        if (max && b.len > max)
            abort();
        check_utf8_no_controls(b.p, b.len);
        for (size_t i = 0; i < b.len; i++) {
            if (b.p[i] == '\\') {
                if (i + 1 >= b.len || !strchr("\"\\]", b.p[i + 1]))
                    abort();
                i++;
            } else if (b.p[i] == '"' || b.p[i] == ']') {
                abort();
            }
        }
    }
    /* MSG: one line */
    ld_rt_sbuf_reset(&b);
    ld_rt_sbuf_escaped(&b, s, n, LD_RT_ESC_MSG, 0);
    check_utf8_no_controls(b.p, b.len);
    ld_rt_sbuf_free(&b);
}

static void check_alert(const char *text)
{
    ld_rt_rule rule = {
        .name = text, .desc = text, .priority = LD_RT_PRIO_ERROR, .control = text, .file = text};
    ld_rt_event e;
    memset(&e, 0, sizeof e);
    e.type = LD_EVT_OPENAT;
    e.pid = 1;
    e.ppid = 0;
    snprintf(e.comm, sizeof e.comm, "%s", text);
    snprintf(e.path, sizeof e.path, "%s", text);
    snprintf(e.cmdline, sizeof e.cmdline, "%s", text);
    ld_rt_container ct;
    memset(&ct, 0, sizeof ct);
    snprintf(ct.id, sizeof ct.id, "%s", text);
    ct.name = (char *)text;
    ct.image = (char *)text;
    ld_rt_field_ctx ctx = {.evt = &e, .container = &ct};
    ld_rt_alert a = {.rule = &rule, .message = text, .ctx = &ctx, .hostname = text};

    char *json = ld_rt_alert_json(&a);
    if (strchr(json, '\n'))
        abort();
    json_t *doc = json_loads(json, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(doc))
        abort();
    json_decref(doc);
    free(json);

    ld_rt_sbuf b = {0};
    ld_rt_syslog_style style = {.facility = 1, .max_bytes = 2048, .json_in_msg = true};
    ld_rt_alert_syslog_buf(&b, &a, &style);
    if (b.len > 2048 || b.p[0] != '<')
        abort();
    check_utf8_no_controls(b.p, b.len);
    ld_rt_sbuf_free(&b);

    char msgid[33];
    ld_rt_syslog_msgid(text, msgid);
    size_t ml = strlen(msgid);
    if (ml == 0 || ml > 32)
        abort();
    for (size_t i = 0; i < ml; i++)
        if (msgid[i] < 33 || msgid[i] > 126)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = ld_xstrndup((const char *)data, size);
    check_spec(text);
    check_escapes((const char *)data, size);
    check_alert(text);
    free(text);
    return 0;
}
