/* Placeholder: being written (issue 13). */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/cmd_registry.h"

int cmd_key(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("lockdown: not built yet\n", stderr);
    return LD_EXIT_ERROR;
}
