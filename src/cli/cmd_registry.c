/* `lockdown registry`: dispatch to audit, scan and prune. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_registry.h"

static void usage_registry(FILE *f)
{
    fputs("usage: lockdown registry audit URL [--config config.yml] [options]\n"
          "       lockdown registry scan URL [--repo GLOB] [--since DATE] [options]\n"
          "       lockdown registry prune URL [--apply] [options]\n"
          "\n"
          "  audit   TLS, authentication, v1 and delete APIs seen from outside; the\n"
          "          registry's own config.yml and htpasswd when given\n"
          "  scan    every image of the catalog through the image checks and the\n"
          "          vulnerability database, one report with a row per image\n"
          "  prune   select what the policy says must go (dry run; --apply deletes)\n"
          "\n"
          "Run `lockdown registry SUBCOMMAND --help` for its options.\n",
          f);
}

int cmd_registry(int argc, char **argv)
{
    if (argc < 2) {
        usage_registry(stderr);
        return LD_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0) {
        usage_registry(stdout);
        return LD_EXIT_OK;
    }
    static const struct {
        const char *name;
        int (*run)(int argc, char **argv);
    } subs[] = {
        {"audit", cmd_registry_audit},
        {"scan", cmd_registry_scan},
        {"prune", cmd_registry_prune},
    };
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
        if (strcmp(sub, subs[i].name) == 0)
            return subs[i].run(argc - 1, argv + 1);
    static const char *const names[] = {"audit", "scan", "prune", NULL};
    return cli_unknown_subcommand("registry", sub, names);
}
