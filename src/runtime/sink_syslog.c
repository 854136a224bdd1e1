/* RFC 5424 syslog lines for lockdown watch's alerts and statistics:
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ELEMENT] MSG
 * PRI = facility * 8 + the rule's priority (which is the syslog severity),
 * TIMESTAMP in UTC with microseconds, MSGID the rule name squeezed to 32
 * printable characters, one SD-ELEMENT [lockdown@32473 ...] with the
 * fields a collector filters on (PARAM-VALUEs escaped as RFC 5424 6.3.3
 * asks), MSG the rule's output as UTF-8 without a BOM. Header fields are
 * printable US-ASCII by construction; every value is valid UTF-8 with no
 * control character left, so a line never splits. The sockets that carry
 * these lines are sink_net.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/sink_internal.h"

#define SD_ID "lockdown@32473"
#define SD_STATS_ID "stats@32473"
#define SD_VALUE_MAX 256 /* output bytes of one PARAM-VALUE */
#define HOSTNAME_MAX 255
#define APP_NAME_MAX 48
#define MSGID_MAX 32

/* A header field: printable US-ASCII (33..126), each run of other bytes
 * one '_', no '_' at either end, at most max characters; "-" (NILVALUE)
 * when nothing is left. */
static void header_field(const char *s, char *out, size_t max)
{
    size_t n = 0;
    bool gap = false;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p && n < max; p++) {
        if (*p >= 33 && *p <= 126) {
            if (gap && n > 0) {
                if (n + 2 > max)
                    break; /* no room for '_' and a character after it */
                out[n++] = '_';
            }
            gap = false;
            out[n++] = (char)*p;
        } else {
            gap = true;
        }
    }
    while (n > 0 && out[n - 1] == '_')
        n--;
    if (n == 0)
        out[n++] = '-';
    out[n] = '\0';
}

void ld_rt_syslog_msgid(const char *name, char out[MSGID_MAX + 1])
{
    header_field(name, out, MSGID_MAX);
}

static int clamp_facility(int facility)
{
    if (facility < 1)
        return 1;
    return facility > 23 ? 23 : facility;
}

static int clamp_severity(int severity)
{
    return severity < 0 || severity > 7 ? 4 : severity;
}

static void write_header(ld_rt_sbuf *b, int facility, int severity, uint64_t ts_ns,
                         const char *hostname, const char *app_name, const char *msgid_source)
{
    char ts[LD_RT_TIMESTAMP_MAX];
    ld_rt_format_timestamp(ts_ns, ts);
    char host[HOSTNAME_MAX + 1], app[APP_NAME_MAX + 1], msgid[MSGID_MAX + 1];
    header_field(hostname, host, HOSTNAME_MAX);
    header_field(app_name ? app_name : "lockdown", app, APP_NAME_MAX);
    header_field(msgid_source, msgid, MSGID_MAX);
    ld_rt_sbuf_printf(b, "<%d>1 %s %s %s %ld %s ",
                      clamp_facility(facility) * 8 + clamp_severity(severity), ts, host, app,
                      (long)getpid(), msgid);
}

/* One SD-PARAM, left out when the value is unknown. */
static void sd_param(ld_rt_sbuf *b, const char *name, const char *value)
{
    if (!value || !value[0])
        return;
    ld_rt_sbuf_putc(b, ' ');
    ld_rt_sbuf_puts(b, name);
    ld_rt_sbuf_puts(b, "=\"");
    ld_rt_sbuf_escaped(b, value, strlen(value), LD_RT_ESC_SDPARAM, SD_VALUE_MAX);
    ld_rt_sbuf_putc(b, '"');
}

static void sd_param_num(ld_rt_sbuf *b, const char *name, unsigned long long v)
{
    ld_rt_sbuf_printf(b, " %s=\"%llu\"", name, v);
}

static void write_alert_sd(ld_rt_sbuf *b, const ld_rt_alert *a)
{
    const ld_rt_event *e = a->ctx->evt;
    const ld_rt_container *ct = a->ctx->container;
    ld_rt_sbuf_puts(b, "[" SD_ID);
    sd_param(b, "rule", a->rule->name);
    sd_param(b, "priority", ld_rt_priority_name(a->rule->priority));
    sd_param(b, "control", a->rule->control);
    if (ct && strcmp(ct->id, LD_RT_HOST_ID) == 0) {
        sd_param(b, "container.id", ct->id); /* not a container: nothing else about one */
    } else if (ct) {
        sd_param(b, "container.id", ct->id);
        sd_param(b, "container.name", ct->name);
        sd_param(b, "container.image", ct->image);
    }
    if (e->pid > 0 && e->type != LD_EVT_CONTAINER) {
        sd_param(b, "proc.name", e->comm);
        sd_param_num(b, "proc.pid", (unsigned long long)e->pid);
        char user[256];
        ld_rt_alert_user_name(a->ctx, user, sizeof user);
        sd_param(b, "user.name", user);
    }
    sd_param(b, "evt.type", ld_rt_evtype_name(e->type));
    ld_rt_sbuf_putc(b, ']');
}

/* " MSG": text escaped for one line, then (json) the JSON document; cut
 * at a character boundary, with a note, when the whole line would pass
 * max_bytes (the header and SD are bounded well below any max used). */
static bool write_msg(ld_rt_sbuf *b, const char *text, const char *json, size_t max_bytes)
{
    size_t mark = b->len;
    ld_rt_sbuf_putc(b, ' ');
    ld_rt_sbuf_escaped(b, text, strlen(text), LD_RT_ESC_MSG, 0);
    if (json) {
        ld_rt_sbuf_putc(b, ' ');
        ld_rt_sbuf_escaped(b, json, strlen(json), LD_RT_ESC_MSG, 0);
    }
    if (!max_bytes || b->len <= max_bytes)
        return false;
    size_t note = strlen(LD_RT_SYSLOG_CUT_NOTE);
    size_t keep = max_bytes > mark + 1 + note ? max_bytes - note : mark;
    /* never inside a UTF-8 character */
    while (keep > mark + 1 && ((unsigned char)b->p[keep] & 0xC0) == 0x80)
        keep--;
    b->len = keep;
    b->p[b->len] = '\0';
    if (keep > mark)
        ld_rt_sbuf_puts(b, LD_RT_SYSLOG_CUT_NOTE);
    return true;
}

bool ld_rt_alert_syslog_buf(ld_rt_sbuf *b, const ld_rt_alert *a, const ld_rt_syslog_style *style)
{
    ld_rt_sbuf_reset(b);
    write_header(b, style->facility, (int)a->rule->priority, a->ctx->evt->ts_ns, a->hostname,
                 style->app_name, a->rule->name);
    write_alert_sd(b, a);
    char *json = NULL;
    if (style->json_in_msg)
        json = ld_rt_alert_json(a);
    bool cut = write_msg(b, a->message ? a->message : "", json, style->max_bytes);
    free(json);
    return cut;
}

bool ld_rt_stats_syslog_buf(ld_rt_sbuf *b, const ld_rt_watch_stats *st, const char *hostname,
                            const ld_rt_syslog_style *style)
{
    ld_rt_sbuf_reset(b);
    write_header(b, style->facility, 6 /* informational */, 0, hostname, style->app_name, "stats");
    ld_rt_sbuf_puts(b, "[" SD_STATS_ID);
    sd_param_num(b, "events", st->events);
    sd_param_num(b, "emitted", st->emitted);
    sd_param_num(b, "dropped", st->dropped);
    sd_param_num(b, "lost", st->lost);
    sd_param_num(b, "sink_errors", st->sink_errors);
    sd_param(b, "source", st->source);
    sd_param_num(b, "uptime_s",
                 st->uptime_s > 0 && st->uptime_s < 1e15 ? (unsigned long long)st->uptime_s : 0);
    sd_param(b, "final", st->final ? "true" : "false");
    ld_rt_sbuf_putc(b, ']');
    char msg[512];
    ld_rt_stats_message(st, msg, sizeof msg);
    return write_msg(b, msg, NULL, style->max_bytes);
}

char *ld_rt_alert_syslog(const ld_rt_alert *a, const char *app_name, int facility)
{
    ld_rt_sbuf b = {0};
    ld_rt_syslog_style style = {.app_name = app_name, .facility = facility};
    ld_rt_alert_syslog_buf(&b, a, &style);
    return ld_rt_sbuf_steal(&b);
}
