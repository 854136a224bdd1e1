/* A bare image name as users type it ("alpine:3.19", "lockdown-test/busybox:1",
 * "ghcr.io/org/app@sha256:..."): read from the local engine when the engine
 * answers and holds it, else pulled from the name's registry. docker:NAME
 * forces the engine and registry:REF the registry; this is only for names
 * without a prefix. Internal to src/image/. */
#ifndef LD_IMAGE_RESOLVE_H
#define LD_IMAGE_RESOLVE_H

#include "image/image_internal.h"

/* The engine's copy of name when GET /images/{name}/json answers 200; the
 * registry's when the engine answers 404 or does not answer; a name that
 * is no valid reference (an image ID prefix, ...) only from the engine.
 * When both fail, err says both in one line ("alpine:3.19: not in the local
 * engine, and the registry said: ..."), with the registry's error code. */
ld_image *ld_img_read_bare_name(const char *name, const ld_img_opts *opt, const ld_analyzer *an,
                                size_t n_an, ld_error *err);

#endif
