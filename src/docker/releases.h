/* Docker Engine release lines and their maintenance status, kept as data
 * (data/docker-releases.yaml, compiled in), and the judgement of one engine
 * version against them for host.docker-version (CIS Docker 1.2.2):
 *
 *   unmaintained line, or maintenance ended        -> fail
 *   maintained line, at or above its latest known   -> pass
 *   maintained, below its latest known release     -> warn (needs review)
 *   maintained, no latest known, or line status
 *   read more than LD_RELEASES_MAX_AGE_DAYS ago    -> warn (needs review)
 *   a line the data does not know                  -> warn (needs review)
 *   older than the data's unmaintained-below       -> fail
 *
 * Evidence always names the data's date. Pure: the caller gives the clock.
 * Not for other products' versions (Podman answers the same API; the
 * caller tells them apart). */
#ifndef LD_DOCKER_RELEASES_H
#define LD_DOCKER_RELEASES_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/error.h"
#include "core/types.h"

/* A line's status read longer ago than this is not trusted to still hold. */
#define LD_RELEASES_MAX_AGE_DAYS 183
/* Lines kept from one file; more is an error (hostile or wrong file). */
#define LD_RELEASES_LINES_MAX 256

typedef struct {
    int major, minor; /* minor -1: the line covers every MAJOR.x */
    bool maintained;
    char end[11];    /* "YYYY-MM-DD" or "" */
    char as_of[11];  /* "YYYY-MM-DD" (the file's date when not given) */
    char latest[32]; /* "29.10.1" or "" when unknown */
} ld_release_line;

typedef struct {
    char written[11];             /* "YYYY-MM-DD" */
    int below_major, below_minor; /* unmaintained-below, or -1 when not given */
    ld_release_line *v;
    size_t n;
} ld_docker_releases;

/* Parses release data text (name for messages). Returns 0, or
 * LD_ERR_CORRUPT with err naming the line and what is wrong; out is then
 * empty. */
int ld_docker_releases_parse(const char *name, const char *text, size_t len,
                             ld_docker_releases *out, ld_error *err);
/* The compiled-in data/docker-releases.yaml. */
int ld_docker_releases_builtin(ld_docker_releases *out, ld_error *err);
void ld_docker_releases_clear(ld_docker_releases *r);

/* Parses "MAJOR.MINOR[.PATCH][suffix]" ("20.10.24+dfsg1", "29.0.0-rc.1",
 * "27.5"); a suffix starts with '-', '+' or '~'. Returns 0 or -1. */
int ld_docker_version_parse(const char *s, int *major, int *minor, int *patch);

typedef struct {
    ld_status status; /* LD_STATUS_PASS, _FAIL or _WARN */
    char *title;      /* NULL: the control's own */
    char *why;        /* what was decided and from which data; caller frees */
} ld_version_verdict;

/* Judges version (the engine's Version string) against r at now. Fills out
 * (free out->title and out->why). */
void ld_docker_version_judge(const ld_docker_releases *r, const char *version, time_t now,
                             ld_version_verdict *out);
void ld_version_verdict_clear(ld_version_verdict *v);

#endif
