/* The images tier of `lockdown assess`: every distinct image (by image id)
 * that a running container of the engine uses, read from the engine and
 * checked as `lockdown image scan docker:REF` checks it (configuration and
 * files, signature, secrets, vulnerabilities; checks/image_scan_run.h),
 * several images at a time, layers from the layer cache when a run read
 * them before. Only wiring and the tier record: the checks are in
 * src/checks and src/vuln. */
#ifndef LD_CLI_ASSESS_IMAGES_H
#define LD_CLI_ASSESS_IMAGES_H

#include <stdbool.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/error.h"
#include "core/findings.h"
#include "docker/engine.h"
#include "util/strlist.h"

struct ld_signature_check_s;

typedef struct {
    ld_engine *engine;         /* NULL: no engine answered */
    const char *unreachable;   /* why no engine answered (engine NULL) */
    bool docker_installed;     /* the host shows a Docker installation */
    const json_t *containers;  /* the snapshot's /containers/json?all=1; NULL: unreadable */
    const json_t *images;      /* the snapshot's /images/json (tags, RepoDigests); may be NULL */
    const ld_strlist *include; /* --container patterns (borrowed; NULL/empty: all) */
    const ld_strlist *exclude; /* --exclude-container patterns */
    const char *docker_host;   /* --docker-host as given (NULL: $DOCKER_HOST or the default) */
    long engine_timeout_ms;    /* --engine-timeout; 0: the default */
    const char *cache_dir;     /* the layer cache; NULL: none */
    const char *db_path;       /* the vulnerability database; NULL: the default */
    struct ld_signature_check_s *signatures; /* image.signature; NULL: not run */
    bool skip;                               /* --skip-images: read no image (not assessed) */
    int workers; /* images read at once; 0: from the number of cores (2..8) */
} cli_assess_images;

/* Runs the images tier into r: the image checks' scope, one set of image
 * findings per distinct image of the selected running containers (in the
 * order the containers are listed), an error finding for each check of an
 * image that could not be read, notes (which containers use each image,
 * the layer cache's use), and the tier record "images". *scope gets one
 * line for the report's scope ("images: 2 of 3 running containers");
 * caller frees (NULL when there is nothing to say). Returns 0, or < 0 with
 * err set when the run cannot go on (the findings limit). */
int cli_assess_images_run(cli_session *s, ld_findings *r, const cli_assess_images *a, char **scope,
                          ld_error *err);

#endif
