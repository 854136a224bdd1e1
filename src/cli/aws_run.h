/* Loading and checking AWS inputs for `lockdown aws scan` and `lockdown
 * assess --aws` (aws_run.c): named files and directories, then the live
 * APIs, then every AWS check family into the run's findings. */
#ifndef LD_CLI_AWS_RUN_H
#define LD_CLI_AWS_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/cli.h"
#include "core/findings.h"

typedef struct {
    char **paths; /* AWS CLI output files/directories, "-" for stdin */
    size_t n_paths;
    bool live; /* read the APIs (region and/or profile given) */
    const char *region; /* NULL: the profile's or the environment's */
    const char *profile;
    const char *endpoint_url;
    const char *ca_bundle;
    unsigned services; /* LD_AWS_SVC_*; 0: all */
    bool no_metadata;
} cli_aws_inputs;

/* A region name as AWS spells them ("us-east-1", "us-gov-west-1"). */
bool cli_aws_region_ok(const char *region);

/* Loads every input (a named input that fails, credentials or endpoints
 * that fail: < 0 with err set, the command's exit 3), records the inputs'
 * notes and unread entries in r, and runs the checks. *what receives what
 * was read ("AWS CLI output aws-export/ (41 documents): 12 task
 * definitions, ..."), *partly whether some input could not be read
 * (caller frees *what). An input set with no AWS resource at all is an
 * error (LD_ERR_NOT_FOUND): an empty export must not look clean. */
int cli_aws_scan_into(cli_session *s, ld_findings *r, const cli_aws_inputs *in, char **what,
                      bool *partly, ld_error *err);

#endif
