/* --container / --exclude-container parsing and help. See container_opts.h. */
#include "cli/container_opts.h"

#include "cli/cli.h"
#include "docker/container_select.h"

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
