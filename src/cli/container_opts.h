/* The container selection options `docker audit` and `assess` share
 * (--container, --exclude-container: docker-bench-security's -i and -x):
 * parsing into pattern lists and the help text. Matching is the library's
 * (docker/container_select.h); this only checks the patterns' form so a
 * malformed one is a usage error before any engine is contacted. Also the
 * Engine API timeout both commands take (--engine-timeout). */
#ifndef LD_CLI_CONTAINER_OPTS_H
#define LD_CLI_CONTAINER_OPTS_H

#include <stdbool.h>

#include "docker/engine.h"
#include "util/strlist.h"

typedef struct {
    ld_strlist include; /* --container patterns, comma lists split */
    ld_strlist exclude; /* --exclude-container patterns */
} cli_container_selection;

/* Adds the patterns of one --container (exclude false) or
 * --exclude-container value. A value without a pattern or with a malformed
 * one prints a usage error for cmd and returns -1 (the cli_opt_handler
 * convention); 0 otherwise. */
int cli_container_option(const char *cmd, cli_container_selection *sel, bool exclude,
                         const char *arg);
void cli_container_selection_clear(cli_container_selection *sel);

/* Option help lines for both options, aligned with the commands' own. */
extern const char cli_container_help[];

/* --engine-timeout SECONDS, shared by `docker audit` and `assess`: the
 * most one Engine API request may take (1..3600); also caps the low-speed
 * window (docker/engine.h). A malformed value prints a usage error for cmd
 * and returns -1; 0 otherwise with t->request_ms set. */
int cli_engine_timeout_option(const char *cmd, ld_engine_timeouts *t, const char *arg);

/* Its help lines. */
extern const char cli_engine_timeout_help[];

#endif
