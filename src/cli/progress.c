/* Placeholder: the progress bar (progress.h) is being written (issue 16);
 * until then every bar is disabled. */
#include "cli/progress.h"

#include <stddef.h>

cli_bar *cli_bar_start(bool enabled, const char *label, uint64_t total, cli_bar_unit unit,
                       const char *unit_name)
{
    (void)enabled, (void)label, (void)total, (void)unit, (void)unit_name;
    return NULL;
}
void cli_bar_set_total(cli_bar *b, uint64_t total) { (void)b, (void)total; }
void cli_bar_set(cli_bar *b, uint64_t done, const char *item) { (void)b, (void)done, (void)item; }
void cli_bar_add(cli_bar *b, uint64_t n, const char *item) { (void)b, (void)n, (void)item; }
void cli_bar_finish(cli_bar *b, const char *summary) { (void)b, (void)summary; }
