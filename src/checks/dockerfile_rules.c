/* Dockerfile lint rules, the driver (see dockerfile_rules.h): the rule
 * table; the walk over a parsed Dockerfile that hands each instruction (and
 * each ONBUILD trigger), each stage and the final stage to the rule
 * families; the failures a rule records, collected per instruction into
 * results whose evidence is the instruction's text with secrets masked; a
 * pass, or "not assessed" where a rule could not look, for every rule that
 * found nothing; and the results turned into findings. Not for any rule's
 * logic: RUN scripts (dockerfile_run.c over the tokenizer of
 * dockerfile_shell.c), package managers (dockerfile_packages.c), ADD/COPY
 * sources and remote fetches (dockerfile_sources.c), user and privilege
 * (dockerfile_privilege.c), secrets and masking (dockerfile_secrets.c),
 * base images and stages (dockerfile_stages.c). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "checks/dockerfile_rules_internal.h"
#include "core/finding.h"
#include "util/mem.h"

#define EVIDENCE_MAX 480 /* bytes of instruction text in evidence */
#define PENDING_MAX 64   /* distinct (rule, line) failures per instruction */
#define DETAIL_ITEM_MAX 160
#define CONTEXT_MAX 240

static const ld_df_rule rules[] = {
    {"dockerfile.user", LD_SEV_HIGH, "Dockerfile: final stage runs as root",
     "the final stage switches to a non-root USER"},
    {"dockerfile.sudo", LD_SEV_MEDIUM, "Dockerfile: sudo used or installed",
     "no RUN uses or installs sudo"},
    {"dockerfile.add-instruction", LD_SEV_LOW, "Dockerfile: ADD used where COPY would do",
     "no ADD of local files, local archives or pinned remote sources (COPY is used)"},
    {"dockerfile.remote-add", LD_SEV_MEDIUM,
     "Dockerfile: ADD fetches a remote source that nothing pins",
     "no ADD of a URL without --checksum or of a git source without a commit id"},
    {"dockerfile.pipe-to-shell", LD_SEV_HIGH, "Dockerfile: downloaded script piped into a shell",
     "no curl/wget output piped into a shell"},
    {"dockerfile.unverified-packages", LD_SEV_MEDIUM,
     "Dockerfile: package signature or TLS verification disabled",
     "no package install with verification disabled"},
    {"dockerfile.package-pinning", LD_SEV_LOW,
     "Dockerfile: packages installed without a pinned version",
     "every package install pins its versions"},
    {"dockerfile.apt-no-recommends", LD_SEV_LOW,
     "Dockerfile: apt-get install without --no-install-recommends",
     "every apt-get install uses --no-install-recommends"},
    {"dockerfile.secrets", LD_SEV_CRITICAL, "Dockerfile: secret in ENV, ARG or build instructions",
     "no secret-named ENV/ARG with a literal value and nothing that looks like a key"},
    {"dockerfile.from-latest", LD_SEV_MEDIUM, "Dockerfile: base image is untagged or :latest",
     "every FROM names a tag other than latest, a digest, scratch or a stage"},
    {"dockerfile.base-trusted", LD_SEV_HIGH,
     "Dockerfile: base image outside the trusted registries",
     "every FROM image comes from a trusted registry"},
    {"dockerfile.healthcheck", LD_SEV_LOW, "Dockerfile: no HEALTHCHECK in the final stage",
     "the final stage declares a HEALTHCHECK"},
    {"dockerfile.chmod-777", LD_SEV_MEDIUM,
     "Dockerfile: world-writable permissions (chmod 777, a+w)",
     "no chmod or --chmod makes files world-writable"},
    {"dockerfile.sensitive-port", LD_SEV_HIGH,
     "Dockerfile: remote-shell or engine port exposed (22, 23, 2375, 2376)",
     "no EXPOSE of ports 22, 23, 2375 or 2376"},
    {"dockerfile.update-alone", LD_SEV_LOW,
     "Dockerfile: package index update without install in the same RUN",
     "every package index update is followed by an install in the same RUN"},
};
#define N_RULES (sizeof(rules) / sizeof(rules[0]))
_Static_assert(N_RULES == R_COUNT, "one R_* index per rule, in table order");

const ld_df_rule *ld_df_rules(size_t *n)
{
    *n = N_RULES;
    return rules;
}

const ld_df_rule *ld_df_rule_find(const char *id)
{
    for (size_t i = 0; i < N_RULES; i++)
        if (strcmp(rules[i].id, id) == 0)
            return &rules[i];
    return NULL;
}

/* ---- results ------------------------------------------------------------------ */

static void push_result(ld_df_results *out, int rule, ld_status st, int line, char *evidence)
{
    ld_xgrow(&out->v, &out->cap, out->n + 1, sizeof(*out->v));
    out->v[out->n++] = (ld_df_result){&rules[rule], st, line, evidence};
}

void ld_df_results_clear(ld_df_results *res)
{
    for (size_t i = 0; i < res->n; i++)
        free(res->v[i].evidence);
    free(res->v);
    ld_strlist_clear(&res->notes);
    memset(res, 0, sizeof(*res));
}

size_t ld_df_results_count(const ld_df_results *res, const char *id, ld_status st)
{
    size_t n = 0;
    for (size_t i = 0; i < res->n; i++)
        if (strcmp(res->v[i].rule->id, id) == 0 && res->v[i].status == st)
            n++;
    return n;
}

/* ---- failures ------------------------------------------------------------------ */

void df_fail_at(df_lint *L, int rule, int line, const char *context, const char *fmt, ...)
{
    df_pending *pd = NULL;
    for (size_t i = 0; i < L->n_pend; i++)
        if (L->pend[i].rule == rule && L->pend[i].line == line)
            pd = &L->pend[i];
    if (!pd) {
        if (L->n_pend >= PENDING_MAX)
            return; /* enough said about this instruction */
        ld_xgrow(&L->pend, &L->cap_pend, L->n_pend + 1, sizeof(*L->pend));
        pd = &L->pend[L->n_pend++];
        memset(pd, 0, sizeof(*pd));
        pd->rule = rule;
        pd->line = line;
        /* context points into a script: keep up to the end of its line */
        size_t cl = context ? strcspn(context, "\n") : 0;
        pd->context = context ? ld_xstrndup(context, cl < CONTEXT_MAX ? cl : CONTEXT_MAX) : NULL;
    }
    if (!fmt || pd->detail.n > 200)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *d = ld_xvasprintf(fmt, ap);
    va_end(ap);
    if (strlen(d) > DETAIL_ITEM_MAX)
        memcpy(d + DETAIL_ITEM_MAX - 3, "...", 4);
    if (pd->detail.n == 0 || !strstr(pd->detail.p, d)) {
        if (pd->detail.n)
            df_sb_puts(&pd->detail, "; ");
        df_sb_puts(&pd->detail, d);
    }
    free(d);
}

void df_fail(df_lint *L, int rule, const char *fmt, ...)
{
    char *d = NULL;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        d = ld_xvasprintf(fmt, ap);
        va_end(ap);
    }
    df_fail_at(L, rule, L->top->line, NULL, d ? "%s" : NULL, d);
    free(d);
}

/* Evidence: the instruction text (or "TEXT: heredoc line"), secrets masked,
 * capped, with the rule's detail in parentheses. */
static char *evidence_for(const ld_df_instr *top, const ld_df_instr *in, const char *context,
                          const char *detail)
{
    df_sbuf b = {0};
    df_sb_puts(&b, top->text);
    if (context) {
        df_sb_puts(&b, " ... ");
        df_sb_puts(&b, context);
    }
    char *masked = ld_df_mask_secrets(in, b.p);
    free(b.p);
    df_sbuf e = {0};
    size_t ml = strlen(masked);
    if (ml > EVIDENCE_MAX) {
        size_t cut = EVIDENCE_MAX;
        while (cut > 0 && ((unsigned char)masked[cut] & 0xC0) == 0x80)
            cut--; /* not inside a UTF-8 sequence */
        df_sb_putn(&e, masked, cut);
        df_sb_puts(&e, "...");
    } else {
        df_sb_puts(&e, masked);
    }
    free(masked);
    if (detail && detail[0]) {
        char *d = ld_xstrdup(detail);
        char *dm = ld_df_mask_secrets(in, d);
        free(d);
        df_sb_puts(&e, " (");
        df_sb_puts(&e, dm);
        df_sb_puts(&e, ")");
        free(dm);
    }
    return df_sb_steal(&e);
}

/* Turns the pending failures of the current instruction into results. */
void df_flush(df_lint *L)
{
    for (size_t i = 0; i < L->n_pend; i++) {
        df_pending *pd = &L->pend[i];
        push_result(L->out, pd->rule, LD_STATUS_FAIL, pd->line,
                    evidence_for(L->top, L->in, pd->context, pd->detail.p));
        L->fails[pd->rule]++;
        free(pd->detail.p);
        free(pd->context);
    }
    L->n_pend = 0;
}

/* ---- the walk -------------------------------------------------------------------- */

static void check_instr(df_lint *L, const ld_df_instr *in)
{
    L->in = in;
    switch (in->kind) {
    case LD_DF_RUN: df_check_run(L, in); break;
    case LD_DF_ADD:
    case LD_DF_COPY: df_check_add_copy(L, in); break;
    case LD_DF_EXPOSE: df_check_expose(L, in); break;
    default: break;
    }
    df_check_secrets(L, in);
}

void ld_dockerfile_lint(const ld_dockerfile *df, const ld_strlist *trusted, ld_df_results *out)
{
    df_lint L = {.df = df, .out = out};
    ld_error rules_err = LD_ERROR_INIT;
    L.secret_rules = ld_secret_rules_builtin(&rules_err);
    for (size_t i = 0; i < df->n; i++) {
        const ld_df_instr *in = &df->ins[i];
        L.top = in;
        check_instr(&L, in);
        if (in->kind == LD_DF_ONBUILD && in->sub)
            check_instr(&L, in->sub);
        df_flush(&L);
    }
    df_check_stages(&L, trusted);
    df_check_final_user(&L);
    df_check_final_healthcheck(&L);
    free(L.pend);
    for (size_t r = 0; r < N_RULES; r++) {
        if (L.fails[r])
            continue;
        if (r == R_TRUSTED && !(trusted && trusted->n)) {
            push_result(out, (int)r, LD_STATUS_ERROR, 0,
                        ld_xstrdup("not assessed: the policy lists no trusted-registries"));
            ld_strlist_push_owned(
                &out->notes,
                ld_xasprintf("%s: dockerfile.base-trusted not assessed: the policy lists no "
                             "trusted-registries",
                             df->name));
            continue;
        }
        if (r == R_SECRETS && (!L.secret_rules || L.secrets_incomplete)) {
            /* could not look everywhere: not a pass */
            push_result(out, (int)r, LD_STATUS_ERROR, 0,
                        L.secret_rules
                            ? ld_xasprintf("not assessed: %zu text%s could not be fully searched "
                                           "for secrets (a rule's regex hit its match limit)",
                                           L.secrets_incomplete,
                                           L.secrets_incomplete == 1 ? "" : "s")
                            : ld_xasprintf("not assessed: %s", rules_err.msg));
            continue;
        }
        int line = 0;
        char *ev = NULL;
        if (r == R_USER || r == R_HEALTH) {
            const ld_df_instr *x =
                df_last_in_chain(df, r == R_USER ? LD_DF_USER : LD_DF_HEALTHCHECK);
            if (x) {
                line = x->line;
                ev = ld_df_mask_secrets(x, x->text);
            }
        }
        push_result(out, (int)r, LD_STATUS_PASS, line, ev ? ev : ld_xstrdup(rules[r].pass));
    }
}

/* ---- findings ------------------------------------------------------------------ */

int ld_dockerfile_report(ld_findings *r, const char *path, const ld_df_results *res, ld_error *err)
{
    ld_findings_scope(r, LD_SCOPE_OWED, "dockerfile.*", NULL);
    for (size_t i = 0; i < res->notes.n; i++)
        ld_findings_note(r, "%s", res->notes.v[i]);
    for (size_t i = 0; i < res->n; i++) {
        const ld_df_result *x = &res->v[i];
        const ld_control *c = ld_catalog_control_for_check(r->catalog, x->rule->id);
        if (!c)
            return ld_error_set(err, LD_ERR_GENERIC, "check %s has no control in the catalog",
                                x->rule->id);
        ld_finding *f = ld_finding_new(c, x->rule->id, x->status);
        f->severity = x->rule->severity;
        ld_finding_set_target(f, LD_TARGET_FILE, path, NULL);
        ld_finding_set_location(f, path, x->line);
        if (x->status == LD_STATUS_FAIL)
            ld_finding_set_title(f, x->rule->title);
        if (x->evidence)
            ld_finding_set_evidence(f, "%s", x->evidence);
        int rc = ld_findings_add(r, f, err);
        if (rc < 0)
            return ld_error_wrap(err, "%s", path);
    }
    return 0;
}
