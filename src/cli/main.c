/* lockdown entry point: global options and subcommand dispatch, nothing else. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"assess", cmd_assess, "assess this machine: host and, when an engine answers, the docker audit"},
    {"controls", cmd_controls, "list the controls catalog (NIST SP 800-190, CIS Docker)"},
    {"db", cmd_db, "vulnerability database: update, import, status"},
    {"docker", cmd_docker, "docker commands: audit (CIS Docker Benchmark on a live engine)"},
    {"dockerfile", cmd_dockerfile, "lint Dockerfiles: USER, secrets, ADD, curl | sh, pinning, base images"},
    {"image", cmd_image, "image commands: sbom (inventory of every package, every layer)"},
    {"level", cmd_level, "derive the security level from an environment profile"},
    {"policy", cmd_policy, "check or show a policy file"},
    {"version", cmd_version, "print the version; version compare ECOSYSTEM A B"},
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    fputs("Usage: lockdown <command> [<subcommand>] [options] [target]\n"
          "\n"
          "Container security across images, registries, orchestrators, containers and hosts,\n"
          "following NIST SP 800-190 and the CIS Docker Benchmark.\n"
          "\n"
          "Commands:\n",
          f);
    for (const command *c = commands; c->name; c++)
        fprintf(f, "  %-10s %s\n", c->name, c->summary);
    fputs("\n"
          "Global options:\n"
          "  -h, --help     show this help (also after any command)\n"
          "  -v, --version  print the version\n"
          "\n"
          "Exit codes: 0 ran and the gate passed, 1 the gate failed, 2 usage error,\n"
          "3 could not complete (bad input, unreachable engine, missing database).\n"
          "See 'man lockdown' and 'lockdown <command> --help'.\n",
          f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return LD_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return LD_EXIT_OK;
    }
    if (strcmp(name, "-v") == 0 || strcmp(name, "--version") == 0) {
        printf("lockdown %s\n", LOCKDOWN_VERSION);
        return LD_EXIT_OK;
    }
    for (const command *c = commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c->run(argc - 1, argv + 1);
    fprintf(stderr, "lockdown: unknown command \"%s\"\nRun 'lockdown --help' for the list.\n",
            name);
    return LD_EXIT_USAGE;
}
