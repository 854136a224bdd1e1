/* User and privilege rules: the final stage runs as root
 * (dockerfile.user), files made world-writable by chmod in RUN or by
 * COPY/ADD --chmod (dockerfile.chmod-777), remote-shell or engine ports
 * exposed (dockerfile.sensitive-port). sudo is found where it shows: a
 * command run through it (dockerfile_run.c), a package that installs it
 * (dockerfile_packages.c). Not for base images or the HEALTHCHECK
 * (dockerfile_stages.c). */
#include <stdlib.h>
#include <string.h>

#include "checks/dockerfile_rules_internal.h"

/* USER of the final stage, through FROM <stage> parents: none, an empty
 * name, or root (by name or uid 0). */
void df_check_final_user(df_lint *L)
{
    const ld_df_instr *user = df_examine_final(L, LD_DF_USER);
    if (!user) {
        df_fail(L, R_USER, "no USER in the final stage: it runs as root");
    } else {
        const char *u = user->args.n ? user->args.v[0] : "";
        size_t ul = strcspn(u, ":");
        if (ul == 0)
            df_fail(L, R_USER, "USER resolves to an empty name");
        else if ((ul == 4 && strncmp(u, "root", 4) == 0) || strspn(u, "0") == ul)
            df_fail(L, R_USER, "user %.*s is root", (int)ul, u);
    }
    df_flush(L);
}

/* True if mode (octal or symbolic) makes files writable by others. */
bool df_world_writable_mode(const char *m)
{
    size_t n = strlen(m);
    if (n >= 1 && n <= 4 && strspn(m, "01234567") == n) {
        int others = m[n - 1] - '0';
        bool sticky = n == 4 && ((m[0] - '0') & 1);
        return (others & 2) && !sticky;
    }
    /* symbolic: clauses [ugoa]*([-+=][rwxXst]*)+ separated by ',' */
    const char *p = m;
    while (*p) {
        bool others = false, any_who = false;
        while (*p && strchr("ugoa", *p)) {
            if (*p == 'o' || *p == 'a')
                others = true;
            any_who = true;
            p++;
        }
        (void)any_who;
        while (*p && strchr("+-=", *p)) {
            char op = *p++;
            bool w = false;
            while (*p && strchr("rwxXstugo", *p)) {
                if (*p == 'w')
                    w = true;
                p++;
            }
            if (others && w && (op == '+' || op == '='))
                return true;
        }
        if (*p && *p != ',')
            return false; /* not a mode */
        if (*p == ',')
            p++;
    }
    return false;
}

/* chmod [options] MODE FILE...: world-writable MODE. */
void df_check_chmod(df_cmd_at *a, const ld_strlist *w, size_t ci)
{
    for (size_t i = ci + 1; i < w->n; i++) {
        const char *o = w->v[i];
        if (o[0] == '-' &&
            !(o[1] && strchr("rwxXst", o[1]) && strspn(o + 1, "rwxXst") == strlen(o + 1)))
            continue; /* an option, not a "-w" style mode */
        if (df_world_writable_mode(o))
            df_fail_at(a->L, R_CHMOD, a->line, a->context, "chmod %s", o);
        return; /* the first non-option word is the mode */
    }
}

/* Port numbers of an EXPOSE word ("22", "22/tcp", "2375-2376/tcp"). */
void df_check_expose(df_lint *L, const ld_df_instr *in)
{
    static const long sensitive[] = {22, 23, 2375, 2376};
    for (size_t i = 0; i < in->args.n; i++) {
        const char *w = in->args.v[i];
        char *end;
        long lo = strtol(w, &end, 10), hi = lo;
        if (end == w || lo < 0 || lo > 65535)
            continue;
        if (*end == '-') {
            const char *h = end + 1;
            hi = strtol(h, &end, 10);
            if (end == h || hi < lo || hi > 65535)
                continue;
        }
        if (*end && *end != '/')
            continue;
        for (size_t k = 0; k < 4; k++)
            if (sensitive[k] >= lo && sensitive[k] <= hi)
                df_fail(L, R_PORT, "port %ld", sensitive[k]);
    }
}
