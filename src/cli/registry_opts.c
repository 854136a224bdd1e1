/* The shared registry options (cli/registry_opts.h): parsing, the password
 * read from stdin, the default layer cache directory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/registry_opts.h"
#include "util/mem.h"

const char cli_registry_help[] =
    "      --username USER        registry user (with --password-stdin); default: the\n"
    "                             credentials of ~/.docker/config.json or its helpers\n"
    "      --password-stdin       read the registry password from the first line of stdin\n"
    "      --cacert FILE          trust this CA bundle for registries (default:\n"
    "                             /etc/docker/certs.d/HOST/*.crt, then the system's)\n"
    "      --insecure-registry HOST\n"
    "                             allow HOST[:PORT] over unverified TLS or plain HTTP\n"
    "                             (repeatable; reported as a finding)\n"
    "      --docker-config FILE   read credentials from FILE, not ~/.docker/config.json\n"
    "      --registry-timeout SECONDS\n"
    "                             the most one registry request may take (1..3600)\n"
    "      --cache-dir DIR        layer cache (default ~/.cache/lockdown/layers)\n"
    "      --no-cache             neither read nor write the layer cache\n";

int cli_registry_option(const char *cmd, cli_registry_args *a, int opt, const char *arg)
{
    switch (opt) {
    case CLI_OPT_REG_USERNAME:
        if (!*arg) {
            cli_usage_error(cmd, "--username needs a user name");
            return -1;
        }
        a->username = arg;
        return 0;
    case CLI_OPT_REG_PASSWORD_STDIN: a->password_stdin = true; return 0;
    case CLI_OPT_REG_CACERT: a->cacert = arg; return 0;
    case CLI_OPT_REG_INSECURE:
        if (!*arg || strchr(arg, '/') || strchr(arg, ' ')) {
            cli_usage_error(cmd, "--insecure-registry takes HOST or HOST:PORT, not \"%s\"", arg);
            return -1;
        }
        ld_strlist_push(&a->insecure, arg);
        return 0;
    case CLI_OPT_REG_DOCKER_CONFIG: a->docker_config = arg; return 0;
    case CLI_OPT_REG_TIMEOUT: {
        char *end = NULL;
        errno = 0;
        long v = strtol(arg, &end, 10);
        if (errno || end == arg || *end || v < 1 || v > 3600) {
            cli_usage_error(cmd, "--registry-timeout takes seconds from 1 to 3600, not \"%s\"",
                            arg);
            return -1;
        }
        a->timeout_s = v;
        return 0;
    }
    case CLI_OPT_REG_CACHE_DIR:
        if (!*arg) {
            cli_usage_error(cmd, "--cache-dir needs a directory");
            return -1;
        }
        a->cache_dir = arg;
        return 0;
    case CLI_OPT_REG_NO_CACHE: a->no_cache = true; return 0;
    default: return 1;
    }
}

int cli_registry_finish(const char *cmd, cli_registry_args *a)
{
    if (a->password_stdin && !a->username)
        return cli_usage_error(cmd, "--password-stdin needs --username");
    if (a->username && !a->password_stdin)
        return cli_usage_error(cmd, "--username needs --password-stdin (a password on the "
                                    "command line would show in the process list)");
    if (a->cache_dir && a->no_cache)
        return cli_usage_error(cmd, "--cache-dir and --no-cache contradict each other");
    if (!a->password_stdin)
        return LD_EXIT_OK;
    char buf[4097];
    size_t n = 0;
    for (;;) {
        if (n == sizeof(buf) - 1) {
            explicit_bzero(buf, sizeof(buf));
            fprintf(stderr, "lockdown %s: the password on stdin is longer than 4096 bytes\n",
                    cmd);
            return LD_EXIT_USAGE;
        }
        ssize_t r = read(STDIN_FILENO, buf + n, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            explicit_bzero(buf, sizeof(buf));
            fprintf(stderr, "lockdown %s: cannot read the password from stdin: %s\n", cmd,
                    strerror(errno));
            return LD_EXIT_ERROR;
        }
        if (r == 0 || buf[n] == '\n')
            break;
        n++;
    }
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    if (n == 0) {
        fprintf(stderr, "lockdown %s: --password-stdin read an empty password\n", cmd);
        return LD_EXIT_USAGE;
    }
    a->password = ld_xstrdup(buf);
    explicit_bzero(buf, sizeof(buf));
    return LD_EXIT_OK;
}

ld_reg_options cli_registry_client_options(const cli_registry_args *a)
{
    ld_reg_options o = {
        .username = a->username,
        .password = a->password,
        .docker_config = a->docker_config,
        .cacert = a->cacert,
        .insecure = &a->insecure,
    };
    if (a->timeout_s > 0)
        o.timeouts.request_ms = a->timeout_s * 1000;
    return o;
}

const char *cli_registry_cache_dir(cli_registry_args *a)
{
    if (a->no_cache)
        return NULL;
    if (a->cache_dir)
        return a->cache_dir;
    if (!a->default_cache_dir) {
        const char *xdg = getenv("XDG_CACHE_HOME");
        const char *home = getenv("HOME");
        if (xdg && xdg[0] == '/')
            a->default_cache_dir = ld_xasprintf("%s/lockdown/layers", xdg);
        else if (home && home[0] == '/')
            a->default_cache_dir = ld_xasprintf("%s/.cache/lockdown/layers", home);
        else
            return NULL; /* nowhere to keep it: no cache */
    }
    return a->default_cache_dir;
}

void cli_registry_clear(cli_registry_args *a)
{
    if (a->password) {
        explicit_bzero(a->password, strlen(a->password));
        free(a->password);
        a->password = NULL;
    }
    free(a->default_cache_dir);
    a->default_cache_dir = NULL;
    ld_strlist_clear(&a->insecure);
}
