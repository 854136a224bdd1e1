/* libFuzzer target for the images of running containers
 * (docker/running_images.c): the input is a JSON array [CONTAINERS, IMAGES,
 * SELF] in the shape GET /containers/json and GET /images/json return (any
 * other JSON is fed as both lists). Whatever the lists hold, the result
 * keeps the promises of running_images.h: every image id is "sha256:" and
 * 64 hex digits and appears once, every image has a reference and at least
 * one container, the containers of the images and those without an image id
 * add up to the running ones, and name lists stay under their cap.
 * Seeds: tests/fuzz/corpus/running_images/. Replay: ./fuzz_running_images FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "docker/running_images.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t jerr;
    json_t *doc = json_loadb((const char *)data, size, JSON_DECODE_ANY, &jerr);
    if (!doc)
        return 0;
    const json_t *containers = doc, *images = doc;
    const char *self = NULL;
    if (json_is_array(doc) && json_array_size(doc) == 3 && json_is_array(json_array_get(doc, 0))) {
        containers = json_array_get(doc, 0);
        images = json_array_get(doc, 1);
        self = json_string_value(json_array_get(doc, 2));
    }
    ld_running_images ri;
    ld_running_images_collect(containers, images, NULL, self, &ri);
    size_t total = ri.unidentified;
    if (ri.unidentified > ri.running || ri.n > ri.running ||
        ri.unidentified_names.n > LD_RUNNING_IMAGES_NAMES_MAX ||
        ri.unidentified_names.n > ri.unidentified)
        abort();
    for (size_t i = 0; i < ri.n; i++) {
        const ld_running_image *im = &ri.v[i];
        if (!ld_running_image_id_valid(im->image_id) || !im->reference || !im->reference[0] ||
            im->n_containers == 0 || im->containers.n > LD_RUNNING_IMAGES_NAMES_MAX ||
            im->containers.n > im->n_containers)
            abort();
        for (size_t k = 0; k < im->repo_digests.n; k++)
            if (!strchr(im->repo_digests.v[k], '@'))
                abort();
        for (size_t k = 0; k < i; k++)
            if (strcmp(ri.v[k].image_id, im->image_id) == 0)
                abort();
        total += im->n_containers;
    }
    if (total != ri.running)
        abort();
    ld_running_images_clear(&ri);
    json_decref(doc);
    return 0;
}
