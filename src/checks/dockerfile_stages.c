/* Rules on base images and stages: each FROM of an image (not scratch, not
 * a stage) untagged or :latest (dockerfile.from-latest) or outside the
 * policy's trusted registries (dockerfile.base-trusted), and the final
 * stage's HEALTHCHECK (dockerfile.healthcheck), read through the chain of
 * `FROM <alias>` stages it inherits from. Not for the final stage's USER
 * (dockerfile_privilege.c). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/dockerfile_rules_internal.h"
#include "util/mem.h"

/* Splits ref into registry and repository path (docker.io/library/x for
 * "x"), without tag or digest. Caller frees both. */
static void split_ref(const char *ref, char **registry, char **path, char **tag, bool *digest)
{
    const char *at_sign = strchr(ref, '@');
    char *name = at_sign ? ld_xstrndup(ref, (size_t)(at_sign - ref)) : ld_xstrdup(ref);
    *digest = at_sign != NULL;
    char *slash = strrchr(name, '/');
    char *colon = strrchr(slash ? slash : name, ':');
    *tag = colon ? ld_xstrdup(colon + 1) : NULL;
    if (colon)
        *colon = '\0';
    char *first = strchr(name, '/');
    if (first) {
        size_t fl = (size_t)(first - name);
        bool is_reg = memchr(name, '.', fl) || memchr(name, ':', fl) ||
                      (fl == 9 && strncmp(name, "localhost", 9) == 0);
        if (is_reg) {
            *registry = ld_xstrndup(name, fl);
            *path = ld_xstrdup(first + 1);
            free(name);
            return;
        }
        *registry = ld_xstrdup("docker.io");
        *path = name;
        return;
    }
    *registry = ld_xstrdup("docker.io");
    *path = ld_xasprintf("library/%s", name);
    free(name);
}

static bool trusted_ref(const char *registry, const char *path, const ld_strlist *trusted)
{
    char *full = ld_xasprintf("%s/%s", registry, path);
    bool ok = false;
    for (size_t i = 0; i < trusted->n && !ok; i++) {
        const char *t = trusted->v[i];
        size_t tl = strlen(t);
        while (tl > 0 && t[tl - 1] == '/')
            tl--;
        ok = tl > 0 && strncasecmp(full, t, tl) == 0 && (full[tl] == '\0' || full[tl] == '/');
    }
    free(full);
    return ok;
}

/* Per FROM of an image (not scratch, not a stage): tag/digest and, with a
 * trusted list, the registry. */
void df_check_stages(df_lint *L, const ld_strlist *trusted)
{
    const ld_dockerfile *df = L->df;
    for (size_t s = 0; s < df->n_stages; s++) {
        const ld_df_stage *st = &df->stages[s];
        L->top = L->in = &df->ins[st->first];
        if (st->parent >= 0 || strcasecmp(st->base, "scratch") == 0)
            continue;
        char *reg, *path, *tag;
        bool digest;
        split_ref(st->base, &reg, &path, &tag, &digest);
        if (!digest && !tag)
            df_fail(L, R_LATEST, "%s has no tag: it means latest", st->base);
        else if (!digest && strcmp(tag, "latest") == 0)
            df_fail(L, R_LATEST, "%s", st->base);
        if (trusted && trusted->n && !trusted_ref(reg, path, trusted))
            df_fail(L, R_TRUSTED, "%s/%s is not in trusted-registries", reg, path);
        free(reg);
        free(path);
        free(tag);
        df_flush(L);
    }
}

/* The stage chain of the final stage: USER and HEALTHCHECK persist through
 * FROM <alias>. Returns the instruction (or NULL) of the last kind found. */
const ld_df_instr *df_last_in_chain(const ld_dockerfile *df, ld_df_kind kind)
{
    const ld_df_stage *st = ld_dockerfile_final_stage(df);
    for (int guard = 0; st && guard < (int)LD_DF_MAX_STAGES; guard++) {
        for (size_t i = st->end; i-- > st->first;)
            if (df->ins[i].kind == kind)
                return &df->ins[i];
        st = st->parent >= 0 ? &df->stages[st->parent] : NULL;
    }
    return NULL;
}

const ld_df_instr *df_examine_final(df_lint *L, ld_df_kind kind)
{
    const ld_dockerfile *df = L->df;
    const ld_df_instr *found = df_last_in_chain(df, kind);
    L->top = L->in = found ? found : &df->ins[ld_dockerfile_final_stage(df)->first];
    return found;
}

/* HEALTHCHECK of the final stage, through FROM <stage> parents: none, or
 * HEALTHCHECK NONE. */
void df_check_final_healthcheck(df_lint *L)
{
    const ld_df_instr *hc = df_examine_final(L, LD_DF_HEALTHCHECK);
    if (!hc)
        df_fail(L, R_HEALTH, "no HEALTHCHECK in the final stage");
    else if (hc->health_none)
        df_fail(L, R_HEALTH, "HEALTHCHECK NONE disables the check");
    df_flush(L);
}
