/* --container / --exclude-container and --engine-timeout parsing and help.
 * See container_opts.h. */
#include "cli/container_opts.h"

#include <errno.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "docker/container_select.h"

#define ENGINE_TIMEOUT_MAX_S 3600L

const char cli_container_help[] =
    "      --container PATTERN\n"
    "                         audit only the containers PATTERN matches (docker-bench\n"
    "                         -i): a name or name glob ('web-*', with or without the\n"
    "                         leading /), an id or id prefix (4 or more hex digits),\n"
    "                         label:KEY or label:KEY=VALUE (VALUE a glob); comma lists,\n"
    "                         repeatable; containers left out are counted in a note\n"
    "      --exclude-container PATTERN\n"
    "                         leave out the containers PATTERN matches (docker-bench\n"
    "                         -x; same patterns)\n";

int cli_container_option(const char *cmd, cli_container_selection *sel, bool exclude,
                         const char *arg)
{
    const char *option = exclude ? "--exclude-container" : "--container";
    ld_strlist *l = exclude ? &sel->exclude : &sel->include;
    size_t first = l->n;
    if (ld_container_patterns_push(l, arg) == 0) {
        cli_usage_error(cmd,
                        "%s needs a pattern (a name, an id prefix, label:KEY or "
                        "label:KEY=VALUE)",
                        option);
        return -1;
    }
    ld_error err = LD_ERROR_INIT;
    for (size_t i = first; i < l->n; i++)
        if (ld_container_pattern_check(l->v[i], &err) < 0) {
            cli_usage_error(cmd, "%s: %s", option, err.msg);
            return -1;
        }
    return 0;
}

void cli_container_selection_clear(cli_container_selection *sel)
{
    ld_strlist_clear(&sel->include);
    ld_strlist_clear(&sel->exclude);
}

const char cli_engine_timeout_help[] =
    "      --engine-timeout SECONDS\n"
    "                         the most one Engine API request may take (default 60);\n"
    "                         an engine that sends less than 1 KiB/s for 20 s (or for\n"
    "                         SECONDS, if fewer) is given up on too, and once one\n"
    "                         request timed out no other is sent\n";

int cli_engine_timeout_option(const char *cmd, ld_engine_timeouts *t, const char *arg)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno || end == arg || *end || v < 1 || v > ENGINE_TIMEOUT_MAX_S) {
        cli_usage_error(cmd, "--engine-timeout: expected seconds from 1 to %ld, got \"%s\"",
                        ENGINE_TIMEOUT_MAX_S, arg);
        return -1;
    }
    t->request_ms = v * 1000;
    return 0;
}
