/* RUN instructions for the lint rules: each script of a RUN — the
 * shell-form text, an exec form (`sh -c SCRIPT` read as a script, anything
 * else as one command), every heredoc body with its own line numbers, and
 * `sh -c` scripts inside them up to SCRIPT_DEPTH_MAX deep — split into
 * simple commands (dockerfile_shell.c), each handed to the rules that judge
 * commands: sudo, remote fetches (dockerfile_sources.c), chmod
 * (dockerfile_privilege.c), package managers (dockerfile_packages.c); then
 * update-alone over the whole RUN. Not for what any of those rules decide. */
#include <stdlib.h>
#include <string.h>

#include "checks/dockerfile_rules_internal.h"
#include "util/mem.h"

#define SCRIPT_DEPTH_MAX 4 /* sh -c "sh -c '...'" */

static void check_script(df_lint *L, const char *script, int base_line, bool heredoc,
                         const char *context, int depth);

/* Applies the command-level rules to simple command k of all (sudo,
 * downloads and pipes into shells, package managers, chmod; `sh -c` scripts
 * recursively up to SCRIPT_DEPTH_MAX). Failures go to L's pending list. */
static void check_command(df_lint *L, const df_shcmds *all, size_t k, df_cmd_at *a, int depth)
{
    const df_shcmd *c = &all->v[k];
    const ld_strlist *w = &c->w;
    bool sudo = false;
    size_t ci = df_command_index(w, &sudo);
    if (sudo)
        df_fail_at(L, R_SUDO, a->line, a->context, "runs sudo");
    if (ci >= w->n)
        return;
    const char *name = df_base_name(w->v[ci]);
    df_check_fetch(L, all, k, a, ci);
    /* sh -c 'script': look inside */
    if (df_is_posix_shell(name) && depth < SCRIPT_DEPTH_MAX)
        for (size_t i = ci + 1; i + 1 < w->n; i++)
            if (w->v[i][0] == '-' && strchr(w->v[i], 'c') && w->v[i][1] != '-') {
                check_script(L, w->v[i + 1], a->line, false, a->context, depth + 1);
                break;
            }
    if (strcmp(name, "chmod") == 0)
        df_check_chmod(a, w, ci);
    else
        df_check_packages(a, w, ci);
}

static void check_script(df_lint *L, const char *script, int base_line, bool heredoc,
                         const char *context, int depth)
{
    df_shcmds cmds = {0};
    df_shell_split(script, &cmds);
    /* lines, counted once (commands come in script order) */
    size_t off = 0;
    int line = base_line;
    for (size_t k = 0; k < cmds.n; k++) {
        for (; heredoc && off < cmds.v[k].start && script[off]; off++)
            if (script[off] == '\n')
                line++;
        cmds.v[k].line = heredoc ? line : base_line;
    }
    for (size_t k = 0; k < cmds.n && L->cmds < CMDS_MAX; k++, L->cmds++) {
        df_cmd_at a = {L, base_line, context, NULL, base_line};
        if (heredoc) {
            a.script = script;
            a.line = cmds.v[k].line;
            a.context = script + cmds.v[k].start;
        }
        check_command(L, &cmds, k, &a, depth);
    }
    df_shcmds_clear(&cmds);
}

/* A RUN: its shell-form text or exec form, and every heredoc body (lines
 * inside the body), then update-alone over the whole RUN. */
void df_check_run(df_lint *L, const ld_df_instr *in)
{
    L->saw_update = L->saw_install = false;
    L->update_line = 0;
    L->cmds = 0;
    if (in->json) {
        if (in->args.n >= 3 && df_is_posix_shell(df_base_name(in->args.v[0])) &&
            strcmp(in->args.v[1], "-c") == 0) {
            check_script(L, in->args.v[2], L->top->line, false, NULL, 1);
        } else {
            /* exec form runs one command: check it as words, no shell */
            df_shcmds one = {0};
            df_shcmd c = {0};
            for (size_t i = 0; i < in->args.n; i++)
                ld_strlist_push(&c.w, in->args.v[i]);
            ld_xgrow(&one.v, &one.cap, 1, sizeof(*one.v));
            one.v[one.n++] = c;
            df_cmd_at a = {L, L->top->line, NULL, NULL, L->top->line};
            check_command(L, &one, 0, &a, 1);
            df_shcmds_clear(&one);
        }
    } else {
        /* the shell-form text after the flags; heredoc words are harmless */
        check_script(L, in->rest, L->top->line, false, NULL, 0);
    }
    for (size_t h = 0; h < in->n_heredocs; h++)
        check_script(L, in->heredocs[h].content, in->heredocs[h].line, true, NULL, 0);
    if (L->saw_update && !L->saw_install)
        df_fail_at(L, R_UPDATE, L->top->line, NULL, "package index updated, nothing installed");
}
