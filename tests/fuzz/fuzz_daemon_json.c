/* libFuzzer target for daemon.json and the dockerd command line
 * (docker/daemon_config.c): any input parses into settings whose strings
 * are control-free and within LD_DAEMON_VALUE_MAX, lists within
 * LD_DAEMON_LIST_MAX, or fails with LD_ERR_CORRUPT / LD_ERR_LIMIT; the
 * same bytes read as a NUL-separated argv never crash; the daemon checks
 * run on the result without crashing.
 * Seeds: tests/fuzz/corpus/daemon_json/. Replay one file: ./fuzz_daemon_json FILE. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/report.h"
#include "docker/daemon_checks.h"
#include "docker/daemon_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ld_catalog *catalog;

static void check_cfg(const ld_daemon_config *c)
{
    for (int k = 0; k < LD_DCFG_COUNT; k++) {
        const ld_dcfg_value *v = &c->v[k];
        if (v->s) {
            if (strlen(v->s) > LD_DAEMON_VALUE_MAX)
                abort();
            for (const char *p = v->s; *p; p++)
                if ((unsigned char)*p < 0x20 || *p == 0x7f)
                    abort();
        }
        if (v->l.n > LD_DAEMON_LIST_MAX)
            abort();
        for (size_t i = 0; i < v->l.n; i++)
            if (strlen(v->l.v[i]) > LD_DAEMON_VALUE_MAX + 200)
                abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_error err = LD_ERROR_INIT;
    if (!catalog) {
        catalog = ld_catalog_load_builtin(&err);
        if (!catalog)
            abort();
    }
    ld_daemon_config c = {0};
    int rc = ld_daemon_json_parse(&c, (const char *)data, size, "fuzz", &err);
    if (rc != 0 && rc != LD_ERR_CORRUPT && rc != LD_ERR_LIMIT)
        abort();
    if (rc != 0 && !err.msg[0])
        abort();
    check_cfg(&c);
    rc = ld_daemon_cmdline_parse(&c, (const char *)data, size, &err);
    if (rc != 0 && rc != LD_ERR_LIMIT)
        abort();
    check_cfg(&c);
    FILE *out = fopen("/dev/null", "we");
    if (out) {
        ld_report_options o = {.format = LD_FORMAT_JSON,
                               .out = out,
                               .command = "fuzz",
                               .scope = "fuzz",
                               .level = LD_LEVEL_MEDIUM,
                               .level_source = "fuzz"};
        ld_report *r = ld_report_open(&o, catalog, NULL, &err);
        if (r && ld_report_begin(r, &err) == 0 &&
            ld_daemon_config_checks(r, &c, NULL, "fuzz", "fuzz", &err) != 0)
            abort();
        if (r)
            ld_report_finish(r, &err);
        ld_report_free(r);
        fclose(out);
    }
    ld_daemon_config_clear(&c);
    return 0;
}
