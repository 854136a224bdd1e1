/* `lockdown registry scan` (and the facts `registry prune` judges): list a
 * registry's images, then read each one through the same pipeline as
 * `image scan` (checks/image_scan.h + vuln/match.h) into one findings set.
 *
 * Listing: the catalog (or the repositories named literally, without it),
 * filtered by fnmatch(3) globs; every tag of each repository; a HEAD per
 * tag for its digest, so tags sharing a digest make one entry; indexes
 * fetched for their children (each child an entry); each image's manifest
 * and config fetched for its `created` time. cosign attachment tags
 * (sha256-<hex>.sig, .att, .sbom) are recorded with their digests, never
 * scanned as images.
 *
 * Scanning: images one at a time, each with the image reader's parallel
 * layer reads (ld_image_options.threads) and its layer cache
 * (ld_image_options.cache_dir), so layers shared by several images are read
 * once. Every finding names its image by the canonical reference
 * (target id "HOST/REPO@DIGEST", name "HOST/REPO:TAG,TAG" or, for an index
 * child, "HOST/REPO:TAG [os/arch]"). An image that cannot be read is a
 * note and an "error" finding for each check it owed (the gate fails
 * closed); the scan goes on. Emits findings and notes, never prints:
 * progress goes to a callback. */
#ifndef LD_REGISTRY_SCAN_H
#define LD_REGISTRY_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "checks/image_scan.h"
#include "core/error.h"
#include "core/findings.h"
#include "registry/client.h"
#include "registry/inventory.h"
#include "registry/registry_name.h"
#include "util/strlist.h"
#include "vuln/match.h"

/* One progress line (no newline) for the caller to show. */
typedef void (*ld_reg_progress_fn)(void *ctx, const char *line);

typedef struct {
    const ld_reg_options *registry;
    const ld_strlist *repo_globs; /* fnmatch(3) globs over repository names; NULL/empty: all */
    size_t max_repos;             /* 0: 10,000 */
    size_t max_tags;              /* per repository; 0: 10,000 */
    bool attachments;             /* also resolve cosign attachment tags (prune needs them) */
    ld_reg_progress_fn progress;
    void *progress_ctx;
} ld_reg_list_options;

/* Lists the registry reg (registry/registry_name.h) into inv (cleared
 * first; inv->host is reg->name). Returns 0, or < 0 when the registry could not be listed
 * at all (unreachable, the catalog refused and a glob needs it); a
 * repository or tag that could not be listed or resolved is a note in
 * inv->notes (and, for scan, an unassessed target). */
int ld_reg_inventory_list(const ld_reg_name *reg, const ld_reg_list_options *opt,
                          ld_reg_inventory *inv, ld_error *err);

typedef struct {
    ld_image_scan_options scan;  /* checks, policy, signatures; scan.image: registry
                                    options, layer cache, threads (platform is ignored) */
    const ld_vuln_options *vuln; /* NULL: no vulnerability matching (target is set per image) */
    time_t since;                /* 0: every image; else only those created on/after */
    const char *platform;        /* index children of this platform only; NULL: all */
    ld_reg_progress_fn progress;
    void *progress_ctx;
} ld_reg_scan_options;

/* Reads every image entry of inv (index children included, indexes
 * themselves not: they have no layers) and adds its findings to r,
 * filling each entry's facts (packages, vulnerabilities by severity,
 * failed checks, cache hits, state). Returns 0, or < 0 only when the run
 * cannot go on (a findings set over its limit, the vulnerability database
 * named and missing). */
int ld_reg_scan_images(ld_reg_inventory *inv, const ld_reg_scan_options *opt, ld_findings *r,
                       ld_error *err);

/* The target name an entry's findings carry ("HOST/REPO:TAG,TAG"; caller
 * frees); NULL when neither it nor an index listing it has a tag. */
char *ld_reg_image_target_name(const ld_reg_inventory *inv, const ld_reg_image *img);

#endif
