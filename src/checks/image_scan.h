/* `lockdown image scan`: reads an image once through the SBOM catalogers,
 * the secret scanner and an account-file reader (one ld_image_read), then
 * emits the configuration, file-system and secret findings. The CLI adds
 * vulnerabilities with ld_vuln_scan over the SBOM collected here. Not for
 * the checks themselves (image_config.c, image_files.c, secrets.c). */
#ifndef LD_CHECKS_IMAGE_SCAN_H
#define LD_CHECKS_IMAGE_SCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "checks/secrets.h"
#include "core/error.h"
#include "core/policy.h"
#include <jansson.h>

#include "core/findings.h"
#include "image/image.h"
#include "sbom/sbom.h"

typedef struct {
    bool config;               /* configuration and file-system checks */
    bool secrets;              /* secret scan of every file version in every layer */
    uint64_t secret_max_bytes; /* 0: the policy's, else LD_SECRET_DEFAULT_MAX_BYTES */
    const ld_policy *policy;   /* trusted registries, secret rules and limits; may be NULL */
    ld_image_options image;
    /* image.signature (image_signature.c): the verifier with the policy's
     * trusted keys; NULL: the check is not run (nor owed). repo_digests:
     * the image's registry digests when the caller knows them (an engine
     * image's RepoDigests); a registry: read names its own. */
    struct ld_signature_check_s *signatures;
    const ld_strlist *repo_digests;
} ld_image_scan_options;

/* A secret found in one version of one file (the secret itself is not kept). */
typedef struct {
    char *path;
    int layer; /* -1 for dir: */
    ld_secret_hit hit;
} ld_image_secret;

typedef struct {
    ld_sbom sbom;
    ld_image *img;
    ld_secret_ruleset *rules;
    ld_image_secret *secrets;
    size_t n_secrets, cap_secrets;
    /* versions of /etc/passwd and /etc/shadow (all layers; the visible one is used) */
    struct ld_image_account_file {
        int which; /* 0 passwd, 1 shadow */
        int layer;
        char *data;
        size_t len;
    } *accounts;
    size_t n_accounts, cap_accounts;
    uint64_t secret_max_bytes;
    bool skip_binary;
    uint64_t files_scanned, bytes_scanned, files_binary, files_oversize;
    uint64_t files_incomplete; /* file versions a rule could not finish searching */
    /* rules that stopped early, per rule and reason: how many file versions,
     * and the first one's path */
    struct ld_image_secret_stop {
        const char *rule_id; /* borrowed from rules */
        const char *reason;  /* static (ld_secret_stopped) */
        uint64_t files;
        char *example;
    } * stops;
    size_t n_stops, cap_stops;
    /* file versions with more than LD_SECRET_HITS_PER_FILE hits: per rule,
     * the hits not listed */
    struct ld_image_secret_capped {
        char *path;
        int layer;
        ld_secret_unlisted rule; /* strings borrowed from rules */
    } * capped;
    size_t n_capped, cap_capped;
} ld_image_scan_result;

/* Reads target once. On success res owns the SBOM, the image and the hits
 * (free with ld_image_scan_clear); on failure res is cleared and err names
 * the target. */
int ld_image_scan_read(const char *target, const ld_image_scan_options *opt,
                       ld_image_scan_result *res, ld_error *err);
/* Emits the selected checks' findings for a read result into r (sorts the
 * secret hits in place by file, layer and offset first). */
int ld_image_scan_report(ld_findings *r, const char *target, const ld_image_scan_options *opt,
                         const ld_image_scan_result *res, ld_error *err);
void ld_image_scan_clear(ld_image_scan_result *res);

/* image.signature for a read image (called by ld_image_scan_report when
 * opt->signatures is set; image_signature.c). */
int ld_image_signature_report(ld_findings *r, const char *target,
                              const ld_image_scan_options *opt, const ld_image *img,
                              ld_error *err);

/* Context of ld_image_scan_engine_image: which checks, the policy, and the
 * engine the images are streamed from. */
typedef struct {
    ld_image_scan_options scan; /* scan.image.docker_host names the engine */
    size_t scanned, failed;     /* counts, for the caller's notes */
} ld_image_scan_engine_ctx;

/* Hook for the docker audit (ld_docker_audit_options.image_hook): reads one
 * local image (an /images/json entry) from the engine as docker:REF and emits
 * the selected image checks (CIS Docker section 4). An image that cannot be
 * read becomes a report note, not an error, so one bad image does not stop
 * the audit. ctx is an ld_image_scan_engine_ctx. */
int ld_image_scan_engine_image(ld_findings *r, const json_t *image, void *ctx, ld_error *err);

/* The rule set a scan uses: built-in rules, then the policy's custom rules
 * (same id replaces) and allow rules. Caller frees. */
ld_secret_ruleset *ld_image_scan_rules(const ld_policy *policy, ld_error *err);

#endif
