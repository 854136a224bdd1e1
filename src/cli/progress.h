/* A progress bar on stderr for long steps (per tier, per image, a download,
 * a capture): label, a bar, "done/total" (items, or bytes shown as KiB/MiB/
 * GiB), a rate for bytes, and the current item's name, redrawn in place at
 * most ten times a second. Only on a terminal and without --quiet: a bar
 * started with enabled false (or stderr not a TTY) is NULL and every call
 * on it does nothing, so callers never test. Thread-safe: workers of a pool
 * may advance the same bar. The line is cleared at the end (finish prints
 * one summary line when given one), so warnings and the report that follow
 * stay clean. Item names are printed through util/term_text (no terminal
 * escapes from hostile names). Not for messages: cli_progress prints those. */
#ifndef LD_CLI_PROGRESS_H
#define LD_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    CLI_BAR_ITEMS, /* counts: "3/20 images" */
    CLI_BAR_BYTES, /* sizes: "12.0/48.5 MiB, 9.1 MiB/s" */
} cli_bar_unit;

typedef struct cli_bar cli_bar;

/* Starts a bar; total 0 when unknown (then a count and a spinner, no bar).
 * unit_name names the items ("images", "tiers"; NULL for bytes). enabled:
 * the session's progress flag (cli_session.progress). NULL when disabled. */
cli_bar *cli_bar_start(bool enabled, const char *label, uint64_t total, cli_bar_unit unit,
                       const char *unit_name);
/* Sets the total once known (a download's Content-Length). */
void cli_bar_set_total(cli_bar *b, uint64_t total);
/* Sets the amount done and, when item is not NULL, the current item. */
void cli_bar_set(cli_bar *b, uint64_t done, const char *item);
/* Adds n to the amount done (workers), and sets the item when not NULL. */
void cli_bar_add(cli_bar *b, uint64_t n, const char *item);
/* Clears the line; summary (may be NULL) is printed as "lockdown: SUMMARY".
 * Frees b. A bar started while another runs draws over it; when it
 * finishes, the one below is drawn again at its next update. */
void cli_bar_finish(cli_bar *b, const char *summary);

/* While a bar runs, a progress message becomes the current item of the
 * newest running bar (drawn in place) instead of a line of its own, so a
 * message never breaks the bar's line. Returns false when no bar runs
 * (the caller prints the message as a line). */
bool cli_bar_message(const char *msg);

#endif
