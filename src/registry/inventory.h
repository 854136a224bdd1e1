/* The registry inventory: what `registry scan` and `registry prune` know
 * of a registry's repositories. One entry per (repository, manifest
 * digest), however many tags name it; indexes with the digests of their
 * children (a child is an entry too, tagged or not); every tag with the
 * digest it names, cosign attachment tags (sha256-<hex>.sig) included;
 * and per image the facts the scan found. Plain data with small helpers,
 * filled by registry/scan.c and read by the prune selection
 * (registry/prune.h), which unit tests build by hand. No network here. */
#ifndef LD_REGISTRY_INVENTORY_H
#define LD_REGISTRY_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/types.h"
#include "util/strlist.h"

typedef enum {
    LD_REG_IMG_LISTED,  /* known, not read (prune without a vulnerability rule) */
    LD_REG_IMG_SCANNED, /* read and checked */
    LD_REG_IMG_SKIPPED, /* left out on purpose (--since, --platform, an artifact): `note` */
    LD_REG_IMG_FAILED,  /* could not be read: `note` says why */
} ld_reg_img_state;

/* The signature state of a digest, as trust/verify.h reports it, or not
 * checked. Kept as its own enum so the pure selection needs no trust code. */
typedef enum {
    LD_REG_SIG_UNCHECKED,
    LD_REG_SIG_VERIFIED,
    LD_REG_SIG_UNSIGNED,
    LD_REG_SIG_INVALID,
    LD_REG_SIG_NOT_ASSESSED,
} ld_reg_sig;

typedef struct {
    char *repo;       /* "team/app" */
    char *digest;     /* manifest digest "sha256:..." */
    char *media_type; /* the manifest's; NULL unknown */
    bool is_index;
    ld_strlist tags;     /* tags naming this digest, sorted; empty for an untagged child */
    ld_strlist parents;  /* digests of the indexes (same repository) that list it */
    ld_strlist children; /* index: the digests it lists, in its order */
    char *platform;      /* a child's platform as its index says ("linux/amd64"); NULL */
    char *created;       /* image config `created` as written; index: its newest child's */
    time_t created_at;   /* the same as a time; 0 unknown */
    long created_nsec;   /* its fraction of a second (orders images built in one second) */
    ld_reg_img_state state;
    char *note; /* SKIPPED / FAILED: why, one line */
    /* SCANNED */
    size_t packages;
    size_t vulns[LD_SEV_COUNT];   /* vulnerability findings by severity */
    size_t fixable[LD_SEV_COUNT]; /* of them, with a fixed version */
    bool vulns_assessed;          /* matched against a database (no "not assessed" verdict) */
    size_t failed_checks;         /* other checks that failed for it (distinct check ids) */
    size_t not_assessed;          /* checks that could not look (distinct check ids) */
    size_t layers;                /* layers of the image */
    size_t cache_hits;            /* layers the layer cache answered */
    uint64_t bytes_fetched;       /* blob bytes fetched from the registry; 0 unknown */
    /* signature (prune --unsigned) */
    ld_reg_sig sig;
    char *sig_reason;
} ld_reg_image;

typedef struct {
    char *repo;
    char *tag;
    char *digest; /* NULL when the tag could not be resolved */
} ld_reg_tag;

typedef struct {
    char *host;       /* the registry as named ("127.0.0.1:5000") */
    ld_strlist repos; /* repositories taken, catalog order */
    ld_reg_image *images;
    size_t n_images, cap_images;
    ld_reg_tag *tags;
    size_t n_tags, cap_tags;
    ld_strlist notes; /* what a reader must know: tags that could not be resolved, ... */
} ld_reg_inventory;

void ld_reg_inventory_clear(ld_reg_inventory *inv);

/* The entry for (repo, digest), or NULL. */
ld_reg_image *ld_reg_inventory_find(const ld_reg_inventory *inv, const char *repo,
                                    const char *digest);
/* The entry for (repo, digest), added (state LISTED) when absent. */
ld_reg_image *ld_reg_inventory_add(ld_reg_inventory *inv, const char *repo, const char *digest);
/* Records tag -> digest (digest NULL: unresolved). Copies the strings. */
void ld_reg_inventory_add_tag(ld_reg_inventory *inv, const char *repo, const char *tag,
                              const char *digest);
/* The digest tag names in repo, or NULL. */
const char *ld_reg_inventory_tag_digest(const ld_reg_inventory *inv, const char *repo,
                                        const char *tag);

/* "HOST/REPO@DIGEST" for an entry (caller frees). */
char *ld_reg_image_reference(const ld_reg_inventory *inv, const ld_reg_image *img);

#endif
