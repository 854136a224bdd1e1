/* libFuzzer target for daemon.json and the dockerd command line
 * (docker/daemon_config.c): any input parses into settings whose strings
 * are control-free and within LD_DAEMON_VALUE_MAX, lists within
 * LD_DAEMON_LIST_MAX, or fails with LD_ERR_CORRUPT / LD_ERR_LIMIT; the
 * same bytes read as a NUL-separated argv never crash; the daemon checks
 * run on the result without crashing and give one finding per check.
 * Seeds: tests/fuzz/corpus/daemon_json/. Replay one file: ./fuzz_daemon_json FILE. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/findings.h"
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
    /* the checks run on whatever was parsed, as the command line was read
     * (defaults apply) and as it was not (unknown settings) */
    for (int seen = 0; seen < 2; seen++) {
        c.cmdline_read = seen == 1;
        ld_findings *fs = ld_findings_new(catalog, 0);
        ld_daemon_check_options o = {
            .target_id = "fuzz", .target_name = "fuzz", .link = LD_ENGINE_LINK_UNIX};
        if (ld_daemon_config_checks(fs, &c, NULL, &o, &err) != 0)
            abort();
        if (fs->n != 10) /* one finding per check, whatever the input */
            abort();
        ld_findings_free(fs);
    }
    ld_daemon_config_clear(&c);
    return 0;
}
