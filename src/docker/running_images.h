/* The images an engine's running containers use, from its GET
 * /containers/json and GET /images/json answers: one entry per distinct
 * image id, in the order the containers are listed, with the reference to
 * report it under and the containers that use it. Both answers are hostile
 * input: an entry that is not an object, a missing or malformed field, an
 * image id that is not "sha256:" and 64 hex digits, is skipped or counted,
 * never trusted. Not for reading the images (src/image) or selecting by
 * pattern (container_select.h does that; this takes its selector). */
#ifndef LD_DOCKER_RUNNING_IMAGES_H
#define LD_DOCKER_RUNNING_IMAGES_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "docker/container_select.h"
#include "util/strlist.h"

/* Container names kept per image, and names of containers without an image
 * id; beyond this only counted. */
#define LD_RUNNING_IMAGES_NAMES_MAX 64

typedef struct {
    char *image_id;          /* "sha256:" and 64 lower-case hex digits */
    char *reference;         /* what to call it: the reference the first of its
                                containers was created from when one of the
                                image's tags is that reference, else the image's
                                first tag, else image_id */
    size_t n_containers;     /* running containers that use it */
    ld_strlist containers;   /* their names (the first LD_RUNNING_IMAGES_NAMES_MAX) */
    ld_strlist repo_digests; /* the image's RepoDigests ("host/repo@sha256:...") */
} ld_running_image;

typedef struct {
    ld_running_image *v;
    size_t n, cap;
    size_t running;                /* running containers the selection kept (self excluded) */
    size_t unidentified;           /* of those, entries without a valid image id */
    ld_strlist unidentified_names; /* their names (the first LD_RUNNING_IMAGES_NAMES_MAX) */
} ld_running_images;

/* Collects into out (cleared first) the images of the running containers of
 * containers (a /containers/json array; NULL or not an array: none) that
 * sel keeps (may be NULL: all; its counts advance as ld_container_selector_keep
 * does) other than self_id (lockdown's own container id, or NULL/""), with
 * tags and digests from images (an /images/json array; may be NULL). */
void ld_running_images_collect(const json_t *containers, const json_t *images,
                               ld_container_selector *sel, const char *self_id,
                               ld_running_images *out);
void ld_running_images_clear(ld_running_images *ri);

/* Is s "sha256:" and 64 lower-case hex digits? */
bool ld_running_image_id_valid(const char *s);

#endif
