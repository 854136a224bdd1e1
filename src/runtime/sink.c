/* lockdown watch's outputs (sink.h): parses an output spec ("-", a file,
 * unix:PATH, udp://HOST:PORT, tcp://HOST:PORT), opens the matching output,
 * and writes each alert and statistics record to it in its format — JSON
 * lines or RFC 5424 lines on stdout and files (sink_json.c,
 * sink_syslog.c), RFC 5424 messages on the syslog transports
 * (sink_net.c) — through one buffer reused per sink. Rotation is
 * sink_file.c's. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "runtime/sink_internal.h"
#include "util/mem.h"
#include "util/suggest.h"

#define DEFAULT_SYSLOG_PORT 514
#define HOST_MAX 253

struct ld_rt_sink {
    ld_rt_sink_spec spec;
    ld_rt_format format;
    char name[LD_RT_SPEC_MAX + 16];
    ld_rt_file *file;
    ld_rt_net *net;
    ld_rt_syslog_style style;
    char *app_name;
    ld_rt_sbuf buf;
};

/* ---- spec parsing --------------------------------------------------------- */

static bool has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return true;
    return false;
}

static bool host_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '.' || c == '_';
}

static bool ipv6_char(char c)
{
    return isxdigit((unsigned char)c) || c == ':' || c == '.' || c == '%' ||
           isalnum((unsigned char)c);
}

/* "514" -> 514; 1..65535, digits only. */
static int parse_port(const char *s, size_t n, uint16_t *out)
{
    if (n == 0 || n > 5)
        return -1;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v == 0 || v > 65535)
        return -1;
    *out = (uint16_t)v;
    return 0;
}

static int parse_hostport(const char *spec, const char *hp, ld_rt_sink_spec *out, ld_error *err)
{
    const char *host = hp;
    size_t host_len;
    const char *rest;
    if (strpbrk(hp, "/@?#"))
        return ld_error_set(
            err, LD_ERR_INVALID,
            "output \"%s\": only HOST:PORT after the scheme (no user, path or query)", spec);
    if (*hp == '[') {
        const char *close = strchr(hp, ']');
        if (!close)
            return ld_error_set(err, LD_ERR_INVALID, "output \"%s\": '[' without ']'", spec);
        host = hp + 1;
        host_len = (size_t)(close - host);
        rest = close + 1;
        for (size_t i = 0; i < host_len; i++)
            if (!ipv6_char(host[i]))
                return ld_error_set(err, LD_ERR_INVALID,
                                    "output \"%s\": not an IPv6 address in the brackets", spec);
        if (host_len == 0 || !memchr(host, ':', host_len))
            return ld_error_set(err, LD_ERR_INVALID,
                                "output \"%s\": not an IPv6 address in the brackets", spec);
        if (*rest && *rest != ':')
            return ld_error_set(err, LD_ERR_INVALID, "output \"%s\": text after ']'", spec);
    } else {
        const char *colon = strchr(hp, ':');
        if (colon && strchr(colon + 1, ':'))
            return ld_error_set(err, LD_ERR_INVALID,
                                "output \"%s\": an IPv6 address goes in brackets: [::1]:514", spec);
        host_len = colon ? (size_t)(colon - hp) : strlen(hp);
        rest = hp + host_len;
        for (size_t i = 0; i < host_len; i++)
            if (!host_char(host[i]))
                return ld_error_set(err, LD_ERR_INVALID,
                                    "output \"%s\": '%c' cannot be in a host name", spec, host[i]);
    }
    if (host_len == 0)
        return ld_error_set(err, LD_ERR_INVALID, "output \"%s\": no host", spec);
    if (host_len > HOST_MAX)
        return ld_error_set(err, LD_ERR_INVALID, "output \"%s\": host name longer than %d", spec,
                            HOST_MAX);
    out->port = DEFAULT_SYSLOG_PORT;
    if (*rest == ':' && parse_port(rest + 1, strlen(rest + 1), &out->port) < 0)
        return ld_error_set(err, LD_ERR_INVALID,
                            "output \"%s\": the port must be a number from 1 to 65535", spec);
    memcpy(out->target, host, host_len);
    out->target[host_len] = '\0';
    return 0;
}

static const char *const schemes[] = {"udp", "tcp", "unix", NULL};

int ld_rt_sink_spec_parse(const char *spec, ld_rt_sink_spec *out, ld_error *err)
{
    memset(out, 0, sizeof *out);
    if (!spec || !*spec)
        return ld_error_set(err, LD_ERR_INVALID,
                            "empty output (give -, a file, unix:PATH, "
                            "udp://HOST:PORT or tcp://HOST:PORT)");
    size_t len = strlen(spec);
    if (len >= LD_RT_SPEC_MAX)
        return ld_error_set(err, LD_ERR_INVALID, "output longer than %d bytes", LD_RT_SPEC_MAX - 1);
    if (has_control(spec))
        return ld_error_set(err, LD_ERR_INVALID, "output has a control character: refused");
    if (strcmp(spec, "-") == 0) {
        out->kind = LD_RT_OUT_STDOUT;
        snprintf(out->target, sizeof out->target, "-");
        return 0;
    }
    if (strncasecmp(spec, "unix:", 5) == 0) {
        const char *path = spec + 5;
        if (strncmp(path, "//", 2) == 0) {
            path += 2;
            if (*path != '/')
                return ld_error_set(err, LD_ERR_INVALID,
                                    "output \"%s\": unix:// takes an absolute path "
                                    "(unix:///dev/log or unix:/dev/log)",
                                    spec);
        }
        if (!*path)
            return ld_error_set(err, LD_ERR_INVALID, "output \"%s\": no socket path", spec);
        if (strlen(path) >= 108)
            return ld_error_set(err, LD_ERR_INVALID,
                                "output \"%s\": socket path longer than 107 bytes", spec);
        out->kind = LD_RT_OUT_UNIX;
        snprintf(out->target, sizeof out->target, "%s", path);
        return 0;
    }
    bool udp = strncasecmp(spec, "udp://", 6) == 0, tcp = strncasecmp(spec, "tcp://", 6) == 0;
    if (udp || tcp) {
        out->kind = udp ? LD_RT_OUT_UDP : LD_RT_OUT_TCP;
        return parse_hostport(spec, spec + 6, out, err);
    }
    /* scheme:// that is not ours: a typo, not a file name */
    size_t s = 0;
    while (s < len &&
           (isalnum((unsigned char)spec[s]) || spec[s] == '+' || spec[s] == '-' || spec[s] == '.'))
        s++;
    if (s > 0 && isalpha((unsigned char)spec[0]) && strncmp(spec + s, "://", 3) == 0) {
        char scheme[32];
        snprintf(scheme, sizeof scheme, "%.*s", (int)(s < 31 ? s : 31), spec);
        const char *near = ld_suggest(scheme, schemes, -1);
        return ld_error_set(err, LD_ERR_INVALID,
                            "output \"%s\": unknown scheme \"%s\"%s%s%s (outputs: -, FILE, "
                            "unix:PATH, udp://HOST:PORT, tcp://HOST:PORT)",
                            spec, scheme, near ? "; did you mean " : "", near ? near : "",
                            near ? "://" : "");
    }
    if (strncasecmp(spec, "udp:", 4) == 0 || strncasecmp(spec, "tcp:", 4) == 0)
        return ld_error_set(err, LD_ERR_INVALID,
                            "output \"%s\": did you mean %.3s://%s? (for a file of this name "
                            "write ./%s)",
                            spec, spec, spec + 4, spec);
    if (len >= PATH_MAX)
        return ld_error_set(err, LD_ERR_INVALID, "output file name longer than %d bytes",
                            PATH_MAX - 1);
    out->kind = LD_RT_OUT_FILE;
    memcpy(out->target, spec, len + 1);
    return 0;
}

/* ---- the sink --------------------------------------------------------- */

ld_rt_sink *ld_rt_sink_open(const ld_rt_sink_options *o, ld_error *err)
{
    ld_rt_sink_spec spec;
    if (ld_rt_sink_spec_parse(o->spec, &spec, err) < 0)
        return NULL;
    if (o->facility > 23) {
        ld_error_set(err, LD_ERR_INVALID, "syslog facility %d: must be 1..23 (user .. local7)",
                     o->facility);
        return NULL;
    }
    ld_rt_sink *s = ld_xcalloc(1, sizeof *s);
    s->spec = spec;
    s->format = o->format == LD_RT_FMT_SYSLOG ? LD_RT_FMT_SYSLOG : LD_RT_FMT_JSON;
    s->app_name = ld_xstrdup(o->app_name ? o->app_name : "lockdown");
    s->style.app_name = s->app_name;
    s->style.facility = o->facility;
    switch (spec.kind) {
    case LD_RT_OUT_STDOUT: snprintf(s->name, sizeof s->name, "-"); break;
    case LD_RT_OUT_FILE:
        snprintf(s->name, sizeof s->name, "file %s", spec.target);
        s->file = ld_rt_file_open(spec.target, o->max_bytes, o->keep, err);
        if (!s->file)
            goto fail;
        break;
    case LD_RT_OUT_UNIX:
    case LD_RT_OUT_UDP:
    case LD_RT_OUT_TCP: {
        ld_rt_net_kind kind = spec.kind == LD_RT_OUT_UNIX  ? LD_RT_NET_UNIX
                              : spec.kind == LD_RT_OUT_UDP ? LD_RT_NET_UDP
                                                           : LD_RT_NET_TCP;
        snprintf(s->name, sizeof s->name, "%s", o->spec);
        s->style.json_in_msg = o->json_in_syslog;
        s->style.max_bytes = spec.kind == LD_RT_OUT_UDP ? LD_RT_UDP_MAX : LD_RT_NET_MSG_MAX;
        s->net =
            ld_rt_net_open(kind, spec.target, spec.port, o->send_timeout_ms, o->queue_max, err);
        if (!s->net)
            goto fail;
        break;
    }
    }
    return s;
fail:
    ld_rt_sink_close(s);
    return NULL;
}

/* One record (in buf, without its line end) to the output. */
static int deliver(ld_rt_sink *s, ld_error *err)
{
    if (s->net)
        return ld_rt_net_send(s->net, s->buf.p, s->buf.len, err);
    ld_rt_sbuf_putc(&s->buf, '\n');
    if (s->file)
        return ld_rt_file_write(s->file, s->buf.p, s->buf.len, err);
    int w = ld_rt_write_all(STDOUT_FILENO, s->buf.p, s->buf.len);
    if (w < 0)
        return ld_error_set_errno(err, LD_ERR_GENERIC, -w, "output -: write to stdout");
    return 0;
}

int ld_rt_sink_alert(ld_rt_sink *s, const ld_rt_alert *a, ld_error *err)
{
    if (s->net || s->format == LD_RT_FMT_SYSLOG)
        ld_rt_alert_syslog_buf(&s->buf, a, &s->style);
    else
        ld_rt_alert_json_buf(&s->buf, a);
    return deliver(s, err);
}

int ld_rt_sink_stats(ld_rt_sink *s, const ld_rt_watch_stats *st, ld_error *err)
{
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) < 0)
        host[0] = '\0';
    if (s->net || s->format == LD_RT_FMT_SYSLOG)
        ld_rt_stats_syslog_buf(&s->buf, st, host, &s->style);
    else
        ld_rt_stats_json_buf(&s->buf, st, host);
    return deliver(s, err);
}

void ld_rt_sink_close(ld_rt_sink *s)
{
    if (!s)
        return;
    ld_rt_net_close(s->net);
    ld_rt_file_close(s->file);
    ld_rt_sbuf_free(&s->buf);
    free(s->app_name);
    free(s);
}

uint64_t ld_rt_sink_dropped(const ld_rt_sink *s)
{
    return s->net ? ld_rt_net_dropped(s->net) : 0;
}

const char *ld_rt_sink_name(const ld_rt_sink *s)
{
    return s->name;
}
