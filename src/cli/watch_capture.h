/* The capture action of `lockdown watch` on the command line: the
 * --capture-dir / --capture-memory / --capture-key options, the alert
 * callback that asks src/forensics/trigger.c for a capture when a rule
 * with `action: capture` fires in a container, and the lines it prints. */
#ifndef LD_CLI_WATCH_CAPTURE_H
#define LD_CLI_WATCH_CAPTURE_H

#include <stdbool.h>

#include "forensics/trigger.h"
#include "runtime/sink.h"

#define CLI_WATCH_CAPTURE_DIR "/var/lib/lockdown/captures"

typedef struct {
    const char *dir;    /* NULL: CLI_WATCH_CAPTURE_DIR */
    const char *memory; /* NULL: the capture default */
    const char *key;    /* NULL: unsigned bundles */
    bool quiet;
    ld_fx_trigger *trigger; /* opened by cli_watch_capture_open */
} cli_watch_capture;

/* Opens the trigger when a rule of the set asks for captures (needs_it);
 * 0, or LD_EXIT_ERROR after printing why (the directory cannot be made). */
int cli_watch_capture_open(cli_watch_capture *c, bool needs_it);
/* The watch loop's on_alert: a capture for a container whose rule says so. */
void cli_watch_capture_on_alert(cli_watch_capture *c, const ld_rt_alert *a);
/* The watch loop's on_tick: reports captures that have ended. */
void cli_watch_capture_tick(cli_watch_capture *c);
/* Waits a little for running captures, prints the counts, frees. */
void cli_watch_capture_close(cli_watch_capture *c);

#endif
