/* libFuzzer target for distribution's config.yml as the registry audit
 * reads it (registry/audit_config.c): any input parses into facts or is
 * refused with a message (and the facts are then empty); parsed facts
 * keep their promises (at most 256 endpoints, each problem a message, a
 * secret length only when a secret was set) and are judged into exactly
 * one finding per registry.config check, each with evidence; no finding
 * holds a NUL-free copy of the http.secret value beyond its length. The
 * address parser of `registry audit` is fed the input too.
 * Seeds: tests/fuzz/corpus/registry_config/. Replay: ./fuzz_registry_config FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/findings.h"
#include "registry/audit.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char catalog_text[] =
    "version: 1\n"
    "controls:\n"
    "  - id: FUZZ-REG\n"
    "    framework: nist-800-190\n"
    "    refs: [REG-04]\n"
    "    title: t\n"
    "    tier: registry\n"
    "    nist: \"4.2.3\"\n"
    "    cis: []\n"
    "    automation: automated\n"
    "    checks: [registry.config.auth, registry.config.tls, registry.config.notifications,\n"
    "             registry.config.storage-delete, registry.config.log-level,\n"
    "             registry.config.http-secret]\n"
    "    level: low\n"
    "    severity: high\n"
    "    description: d\n"
    "    remediation: r\n";

static ld_catalog *catalog(void)
{
    static ld_catalog *cat;
    if (!cat) {
        ld_error err = LD_ERROR_INIT;
        cat = ld_catalog_parse("fuzz.yaml", catalog_text, strlen(catalog_text), &err);
        if (!cat)
            abort();
    }
    return cat;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_reg_config c;
    ld_error err = LD_ERROR_INIT;
    if (ld_reg_config_parse("config.yml", (const char *)data, size, &c, &err) < 0) {
        if (err.code == LD_OK || !err.msg[0] || c.auth_kind || c.endpoints || c.n_endpoints)
            abort();
    } else {
        if (c.n_endpoints > 256 || (c.http_secret_len && !c.http_secret))
            abort();
        if (c.auth == LD_REGCFG_AUTH_NONE && c.auth_kind)
            abort();
        ld_findings *fs = ld_findings_new(catalog(), 1);
        if (ld_reg_config_emit(fs, &c, "config.yml", &err) < 0)
            abort();
        if (fs->n != 6)
            abort();
        for (size_t i = 0; i < fs->n; i++)
            if (!fs->v[i]->evidence || !fs->v[i]->evidence[0])
                abort();
        ld_findings_free(fs);
        ld_reg_config_clear(&c);
    }
    /* the same bytes as a registry address */
    char *text = ld_xstrndup((const char *)data, size < 2048 ? size : 2048);
    ld_reg_address a;
    if (ld_reg_address_parse(text, &a, &err) == 0) {
        if (!a.host || !a.name || a.port == 0 || a.port > 65535)
            abort();
        ld_reg_address_clear(&a);
    } else if (a.host || a.name) {
        abort();
    }
    free(text);
    return 0;
}
