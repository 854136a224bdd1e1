/* libFuzzer target for the audit rules parser (docker/audit_rules.c): any
 * input gives rules with an absolute, control-free path, permission bits
 * within rwxa, rising line numbers and a key without control bytes — or
 * LD_ERR_LIMIT for oversize input; the coverage query never crashes;
 * syscall rules hold control-free parts and split syscall lists.
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
    /* syscall rules (kept for host/auth_audit.c): control-free parts, no
     * empty syscall name, rising lines, counted in the same cap */
    if (rules.n + rules.n_sys > LD_AUDIT_RULES_MAX)
        abort();
    last = 0;
    for (size_t i = 0; i < rules.n_sys; i++) {
        const ld_audit_syscall_rule *r = &rules.sys[i];
        if (r->line < last || strcmp(r->source, "fuzz") != 0)
            abort();
        last = r->line;
        if (r->arch)
            check_text(r->arch);
        if (r->key)
            check_text(r->key);
        for (size_t k = 0; k < r->syscalls.n; k++) {
            if (!r->syscalls.v[k][0] || strchr(r->syscalls.v[k], ','))
                abort();
            check_text(r->syscalls.v[k]);
        }
        for (size_t k = 0; k < r->fields.n; k++)
            check_text(r->fields.v[k]);
        for (size_t k = 0; k < r->compares.n; k++)
            check_text(r->compares.v[k]);
    }
    (void)ld_audit_rules_covers_perms(&rules, "/usr/bin/sudo", LD_AUDIT_PERM_X, NULL);
    (void)ld_audit_rules_covers(&rules, "/usr/bin/dockerd", NULL);
    ld_audit_rules_clear(&rules);
    return 0;
}
