/* libFuzzer target for the registry audit's htpasswd parser
 * (registry/audit_htpasswd.c): any input parses or is refused for its
 * entry count; every entry has a non-empty user without ':' or newline,
 * a line number within the input, and a cost only for bcrypt (0..99, or
 * -1 when malformed); judged, it gives one finding whose evidence never
 * holds a hash the input carried and stays bounded however many users
 * are weak. Seeds: tests/fuzz/corpus/htpasswd/. Replay: ./fuzz_htpasswd FILE. */
#include <stdbool.h>
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
    "    checks: [registry.htpasswd.mode, registry.htpasswd.bcrypt]\n"
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
    ld_htpasswd h;
    ld_error err = LD_ERROR_INIT;
    if (ld_htpasswd_parse((const char *)data, size, &h, &err) < 0) {
        if (err.code != LD_ERR_LIMIT || h.v || h.n)
            abort();
        return 0;
    }
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    for (size_t i = 0; i < h.n; i++) {
        const ld_htpw_entry *e = &h.v[i];
        if (!e->user[0] || strchr(e->user, ':') || strchr(e->user, '\n'))
            abort();
        if (e->line < 1 || (size_t)e->line > lines)
            abort();
        if (e->scheme != LD_HTPW_BCRYPT && e->cost != 0)
            abort();
        if (e->scheme == LD_HTPW_BCRYPT && e->cost != -1 && (e->cost < 0 || e->cost > 99))
            abort();
    }
    ld_findings *fs = ld_findings_new(catalog(), 1);
    if (ld_htpasswd_emit_hashes(fs, "htpasswd", &h, &err) < 0 || fs->n != 1)
        abort();
    const char *ev = fs->v[0]->evidence;
    if (!ev || strlen(ev) > 16384)
        abort();
    /* no hash of the input reaches the evidence: each line's text after
       its first ':' (long enough to mean something, and not also part of
       a user name, which the evidence may show) */
    size_t pos = 0;
    while (pos < size) {
        const uint8_t *nl = memchr(data + pos, '\n', size - pos);
        size_t n = nl ? (size_t)(nl - (data + pos)) : size - pos;
        const uint8_t *colon = memchr(data + pos, ':', n);
        if (colon) {
            size_t hl = n - (size_t)(colon + 1 - (data + pos));
            if (hl >= 20 && hl <= 200 && !memchr(colon + 1, '\0', hl)) {
                char *hash = ld_xstrndup((const char *)colon + 1, hl);
                bool in_user = false;
                for (size_t i = 0; i < h.n && !in_user; i++)
                    in_user = strstr(h.v[i].user, hash) != NULL;
                if (!in_user && strstr(ev, hash))
                    abort();
                free(hash);
            }
        }
        pos += n + 1;
    }
    ld_findings_free(fs);
    ld_htpasswd_clear(&h);
    return 0;
}
