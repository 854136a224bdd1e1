/* A registry as a user names it on the command line of `registry scan`
 * and `registry prune`: "127.0.0.1:5000", "ghcr.io", "https://host:5000",
 * "https://host/v2/", "docker.io". Gives the name references are written
 * with (findings, logs) and the host the client talks to
 * (registry-1.docker.io for docker.io). Parsing only. */
#ifndef LD_REGISTRY_REGISTRY_NAME_H
#define LD_REGISTRY_REGISTRY_NAME_H

#include <stdbool.h>

#include "core/error.h"

typedef struct {
    char *name;     /* "127.0.0.1:5000", "docker.io" */
    char *endpoint; /* "127.0.0.1:5000", "registry-1.docker.io" */
    bool http;      /* written with http://: plain HTTP asked for (needs --insecure-registry) */
} ld_reg_name;

/* Parses s: an optional "https://" or "http://", a host (DNS name, IPv4,
 * or [IPv6]) with an optional port, an optional "/" or "/v2/" and nothing
 * else (no user, path, query). Returns 0, or LD_ERR_INVALID with err
 * saying what is wrong. */
int ld_reg_name_parse(const char *s, ld_reg_name *out, ld_error *err);
void ld_reg_name_clear(ld_reg_name *n);

#endif
