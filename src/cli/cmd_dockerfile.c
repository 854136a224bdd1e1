/* `lockdown dockerfile lint`: parse Dockerfiles and report the lint rules'
 * findings (src/checks/dockerfile_rules.c) against the controls catalog.
 * Only wiring: reading, parsing and the rules live in src/checks.
 *
 * Every file is read and parsed before the report starts, so a file that
 * cannot be read or parsed stops the command with exit 3 and one line on
 * stderr naming FILE:LINE, and no partial report is written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks/dockerfile_parse.h"
#include "checks/dockerfile_rules.h"
#include "cli/cli.h"
#include "util/mem.h"

/* Declared in cli.h once main.c registers the command; here too so the
 * file builds on its own (-Wmissing-prototypes). */

static void usage_dockerfile(FILE *f)
{
    fputs("Usage: lockdown dockerfile <command> [options]\n"
          "\n"
          "Commands:\n"
          "  lint      check Dockerfiles against the security rules (USER, sudo, ADD, curl | sh,\n"
          "            package pinning, secrets, base image tags and registries, HEALTHCHECK,\n"
          "            chmod 777, EXPOSE 22, update without install)\n"
          "\n"
          "Run 'lockdown dockerfile lint --help' for details.\n",
          f);
}

static void usage_lint(void)
{
    size_t n;
    const ld_df_rule *rules = ld_df_rules(&n);
    printf("Usage: lockdown dockerfile lint [options] DOCKERFILE...\n"
           "\n"
           "Parses each Dockerfile as the engine does (parser directives, escape character,\n"
           "line continuations, heredocs, exec and shell forms, ARG/ENV substitution,\n"
           "multi-stage builds) and reports each rule's result against the controls catalog,\n"
           "with the Dockerfile line of every failing instruction (SARIF: region.startLine).\n"
           "Secrets are masked in the evidence. DOCKERFILE '-' reads standard input.\n"
           "The base-image registry rule uses the policy's trusted-registries and is skipped\n"
           "when the list is empty.\n"
           "\n"
           "Rules:\n");
    for (size_t i = 0; i < n; i++)
        printf("  %-32s %-8s %s\n", rules[i].id, ld_severity_name(rules[i].severity),
               rules[i].title + strlen("Dockerfile: "));
    printf("\n"
           "%s"
           "\n"
           "Exit codes: 0 gate passed, 1 gate failed, 2 usage error, 3 a Dockerfile could not\n"
           "be read or parsed (or the report could not be written).\n",
           cli_common_help);
}

static int cmd_lint(int argc, char **argv)
{
    cli_common common = {0};
    int first = 0;
    int rc = cli_parse("dockerfile lint", argc, argv, NULL, NULL, NULL, NULL, &common, &first);
    if (rc)
        return rc;
    if (common.help) {
        usage_lint();
        return LD_EXIT_OK;
    }
    if (first >= argc)
        return cli_usage_error("dockerfile lint", "missing DOCKERFILE (a path, or - for stdin)");
    size_t nfiles = (size_t)(argc - first);
    size_t stdin_uses = 0;
    for (size_t i = 0; i < nfiles; i++)
        if (strcmp(argv[first + (int)i], "-") == 0)
            stdin_uses++;
    if (stdin_uses > 1)
        return cli_usage_error("dockerfile lint", "'-' (standard input) given more than once");

    cli_session s;
    rc = cli_session_open(&s, "dockerfile lint", &common);
    if (rc) {
        cli_session_close(&s);
        return rc;
    }
    ld_dockerfile **dfs = ld_xcalloc(nfiles, sizeof(*dfs));
    ld_findings *r = NULL;
    char *scope = NULL;
    ld_error err = LD_ERROR_INIT;
    for (size_t i = 0; i < nfiles; i++) {
        const char *path = argv[first + (int)i];
        cli_progress(&s, "parsing %s", path);
        dfs[i] = strcmp(path, "-") == 0 ? ld_dockerfile_read_fd(STDIN_FILENO, "<stdin>", &err)
                                        : ld_dockerfile_load(path, &err);
        if (!dfs[i]) {
            rc = cli_error_exit(&err);
            goto out;
        }
        for (size_t w = 0; w < dfs[i]->warnings.n; w++)
            cli_warn(&s.opt, "%s:%s", dfs[i]->name, dfs[i]->warnings.v[w]);
    }
    scope = nfiles == 1 ? ld_xasprintf("Dockerfile %s", dfs[0]->name)
                        : ld_xasprintf("%zu Dockerfiles", nfiles);
    r = cli_session_findings(&s);
    for (size_t i = 0; i < nfiles; i++) {
        ld_df_results res = {0};
        ld_dockerfile_lint(dfs[i], &s.policy->trusted_registries, &res);
        int e = ld_dockerfile_report(r, dfs[i]->name, &res, &err);
        ld_df_results_clear(&res);
        if (e < 0) {
            rc = cli_error_exit(&err);
            goto out;
        }
    }
    rc = cli_session_finish(&s, r, "dockerfile lint", scope);
out:
    ld_findings_free(r);
    free(scope);
    for (size_t i = 0; i < nfiles; i++)
        ld_dockerfile_free(dfs[i]);
    free(dfs);
    cli_session_close(&s);
    return rc;
}

int cmd_dockerfile(int argc, char **argv)
{
    if (argc < 2) {
        usage_dockerfile(stderr);
        return LD_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0) {
        usage_dockerfile(stdout);
        return LD_EXIT_OK;
    }
    if (strcmp(sub, "lint") == 0)
        return cmd_lint(argc - 1, argv + 1);
    static const char *const subs[] = {"lint", NULL};
    return cli_unknown_subcommand("dockerfile", sub, subs);
}
