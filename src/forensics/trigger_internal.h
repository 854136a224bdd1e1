/* What the tests of trigger.c reach that the watch loop does not: the
 * clock the limits (cooldown, captures per hour) are measured on, so a
 * test can move an hour forward without waiting for it. Not for the CLI. */
#ifndef LD_FORENSICS_TRIGGER_INTERNAL_H
#define LD_FORENSICS_TRIGGER_INTERNAL_H

#include "forensics/trigger.h"

/* now returns seconds on a monotonic scale; NULL restores CLOCK_MONOTONIC. */
void ld_fx_trigger_set_clock(ld_fx_trigger *t, double (*now)(void *ctx), void *ctx);

#endif
