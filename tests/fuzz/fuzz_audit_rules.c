/* libFuzzer target for the audit rules parser (docker/audit_rules.c): any
 * input gives rules with an absolute, control-free path, permission bits
 * within rwxa, rising line numbers and a key without control bytes — or
 * LD_ERR_LIMIT for oversize input; the coverage query never crashes.
 * Seeds: tests/fuzz/corpus/audit_rules/. Replay one file: ./fuzz_audit_rules FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "docker/audit_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s)
{
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_error err = LD_ERROR_INIT;
    ld_audit_rules rules = {0};
    int rc = ld_audit_rules_parse((const char *)data, size, "fuzz", &rules, &err);
    if (size > LD_AUDIT_RULES_MAX_BYTES) {
        if (rc != LD_ERR_LIMIT || !err.msg[0])
            abort();
        ld_audit_rules_clear(&rules);
        return 0;
    }
    if (rc != 0 && rc != LD_ERR_LIMIT)
        abort();
    int last = 0;
    for (size_t i = 0; i < rules.n; i++) {
        const ld_audit_rule *r = &rules.v[i];
        if (!r->path || r->path[0] != '/' || r->perms == 0 || r->perms > LD_AUDIT_PERM_ALL ||
            r->line < last || strcmp(r->source, "fuzz") != 0)
            abort();
        check_text(r->path);
        if (r->key)
            check_text(r->key);
        last = r->line;
        /* every rule covers its own path when it has w and a */
        const ld_audit_rule *partial = NULL;
        const ld_audit_rule *hit = ld_audit_rules_covers(&rules, r->path, &partial);
        if ((r->perms & (LD_AUDIT_PERM_W | LD_AUDIT_PERM_A)) ==
                (LD_AUDIT_PERM_W | LD_AUDIT_PERM_A) &&
            !hit)
            abort();
        if (!hit && !partial)
            abort();
    }
    (void)ld_audit_rules_covers(&rules, "/usr/bin/dockerd", NULL);
    ld_audit_rules_clear(&rules);
    return 0;
}
