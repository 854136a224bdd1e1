/* libFuzzer target for the log daemons' configuration readers
 * (host/logconf*.c, used by host.log-forwarding): every input is read as
 * rsyslog.conf, as syslog-ng.conf and as a systemd INI file (journald's
 * [Journal] ForwardToSyslog, journal-upload's [Upload] URL). Each reader
 * either refuses the text with a message or returns destinations that keep
 * the promises of logconf.h: a non-empty target and how, a line inside the
 * text, at most LD_LOGCONF_MAX_DESTS kept; an INI value set only with a
 * non-empty value. The URL host helper and the loopback test are fed the
 * targets found. Seeds: tests/fuzz/corpus/rsyslog_conf/ (Debian's default
 * rsyslog.conf, syslog-ng.conf, journald.conf and journal-upload.conf, and
 * forwarding examples). Replay: ./fuzz_rsyslog_conf FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/logconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int lines_in(const char *s, size_t n)
{
    int lines = 1;
    for (size_t i = 0; i < n; i++)
        lines += s[i] == '\n';
    return lines;
}

static void check_result(int rc, const ld_error *err, ld_logconf *c, int lines)
{
    if (rc < 0) {
        if (err->code == LD_OK || !err->msg[0])
            abort();
    } else {
        if (c->n_dests > LD_LOGCONF_MAX_DESTS)
            abort();
        for (size_t i = 0; i < c->n_dests; i++) {
            const ld_logconf_dest *d = &c->dests[i];
            if (!d->target || !d->target[0] || !d->how || !d->how[0])
                abort();
            if (d->line < 1 || d->line > lines)
                abort();
            (void)ld_logconf_loopback(d->target);
            char *h = ld_logconf_url_host(d->target);
            if (h && !h[0])
                abort();
            free(h);
        }
        for (size_t i = 0; i < c->includes.n; i++)
            if (!c->includes.v[i])
                abort();
    }
    ld_logconf_clear(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    int lines = lines_in(text, size);
    ld_logconf c = {0};
    ld_error err = LD_ERROR_INIT;
    int rc = ld_logconf_rsyslog("fuzz.conf", text, size, &c, &err);
    check_result(rc, &err, &c, lines);

    ld_error_clear(&err);
    rc = ld_logconf_syslogng("fuzz.conf", text, size, &c, &err);
    check_result(rc, &err, &c, lines);

    static const char *const keys[][2] = {{"Journal", "ForwardToSyslog"}, {"Upload", "URL"}};
    for (size_t k = 0; k < 2; k++) {
        ld_ini_value v = {0};
        ld_error_clear(&err);
        rc = ld_logconf_ini_get("fuzz.conf", text, size, keys[k][0], keys[k][1], &v, &err);
        if (rc < 0 && (err.code == LD_OK || !err.msg[0]))
            abort();
        if (rc == 0 && v.set && (!v.value || !v.value[0] || v.line < 1 || v.line > lines))
            abort();
        if (rc == 0 && v.set)
            (void)ld_logconf_bool(v.value);
        ld_ini_value_clear(&v);
    }
    return 0;
}
