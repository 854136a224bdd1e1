/* The registry options every command that talks to a registry shares
 * (image scan/sbom/sign/verify, registry audit/scan/prune, assess):
 * --username, --password-stdin, --cacert, --insecure-registry,
 * --docker-config, --registry-timeout, --cache-dir, and their help text;
 * turned into the client's ld_reg_options. Parsing only. */
#ifndef LD_CLI_REGISTRY_OPTS_H
#define LD_CLI_REGISTRY_OPTS_H

#include <getopt.h>
#include <stdbool.h>

#include "registry/client.h"
#include "util/strlist.h"

enum {
    CLI_OPT_REG_USERNAME = 0x5000,
    CLI_OPT_REG_PASSWORD_STDIN,
    CLI_OPT_REG_CACERT,
    CLI_OPT_REG_INSECURE,
    CLI_OPT_REG_DOCKER_CONFIG,
    CLI_OPT_REG_TIMEOUT,
    CLI_OPT_REG_CACHE_DIR,
    CLI_OPT_REG_NO_CACHE,
};

/* The getopt rows, for a command's table: CLI_REGISTRY_OPTIONS, */
#define CLI_REGISTRY_OPTIONS                                                                       \
    {"username", required_argument, NULL, CLI_OPT_REG_USERNAME},                                   \
        {"password-stdin", no_argument, NULL, CLI_OPT_REG_PASSWORD_STDIN},                         \
        {"cacert", required_argument, NULL, CLI_OPT_REG_CACERT},                                   \
        {"insecure-registry", required_argument, NULL, CLI_OPT_REG_INSECURE},                      \
        {"docker-config", required_argument, NULL, CLI_OPT_REG_DOCKER_CONFIG},                     \
        {"registry-timeout", required_argument, NULL, CLI_OPT_REG_TIMEOUT},                        \
        {"cache-dir", required_argument, NULL, CLI_OPT_REG_CACHE_DIR},                             \
        {"no-cache", no_argument, NULL, CLI_OPT_REG_NO_CACHE}

typedef struct {
    const char *username;
    bool password_stdin;
    char *password; /* read by cli_registry_finish; wiped by cli_registry_clear */
    const char *cacert;
    const char *docker_config;
    ld_strlist insecure;
    long timeout_s; /* 0: the client's defaults */
    const char *cache_dir;
    bool no_cache;
    char *default_cache_dir; /* $XDG_CACHE_HOME/lockdown/layers or ~/.cache/lockdown/layers */
} cli_registry_args;

/* Handles one option: 0 handled, 1 not a registry option, -1 after a usage
 * error for cmd (the cli_opt_handler convention). */
int cli_registry_option(const char *cmd, cli_registry_args *a, int opt, const char *arg);
/* After parsing: checks combinations (--password-stdin needs --username),
 * reads the password from stdin (one line, at most 4 KiB, the newline
 * dropped). Returns 0, or LD_EXIT_USAGE / LD_EXIT_ERROR after printing. */
int cli_registry_finish(const char *cmd, cli_registry_args *a);
/* The client options (pointers into a, which must outlive them). */
ld_reg_options cli_registry_client_options(const cli_registry_args *a);
/* The layer cache directory in force: --cache-dir, else the default;
 * NULL with --no-cache. */
const char *cli_registry_cache_dir(cli_registry_args *a);
void cli_registry_clear(cli_registry_args *a);

/* Help lines, aligned with the commands' own. */
extern const char cli_registry_help[];

#endif
