/* Image hardening checks: pure functions of what was read from an image
 * (its configuration JSON, final file system index, and the visible
 * /etc/passwd and /etc/shadow) that emit pass/fail findings into a report.
 * image_config.c checks the configuration and history; image_files.c the
 * file system and account files. Reading the image is image_scan.c's job. */
#ifndef LD_CHECKS_IMAGE_CHECKS_H
#define LD_CHECKS_IMAGE_CHECKS_H

#include <stddef.h>

#include "checks/secrets.h"
#include "core/error.h"
#include "core/findings.h"
#include "image/image.h"
#include "util/strlist.h"

/* One visible account file (content borrowed). */
typedef struct {
    const char *data; /* NULL: not in the image */
    size_t len;
    int layer; /* layer that wrote it (-1: dir:) */
} ld_image_text_file;

typedef struct {
    const char *target_id;   /* finding target id: image id, or the target for dir: */
    const char *target_name; /* the target as given */
    const char *reference;   /* image reference (name:tag, name@digest); NULL if unknown */
    const char *config_json; /* image config; NULL for dir: (config checks are skipped) */
    const ld_image *img;     /* file system index and layers; NULL: file checks skipped */
    ld_image_text_file passwd, shadow;
    const ld_strlist *trusted_registries; /* policy; NULL/empty: base-image check skipped */
    const ld_secret_ruleset *rules;       /* for values in ENV, labels, ARG; NULL: names only */
    const ld_image_options *skip;         /* --skip-dirs/--skip-files for the file checks; NULL: none */
} ld_image_facts;

/* Check ids implemented here (each also listed in core/check_registry.c). */
#define LD_IMAGE_CONFIG_CHECKS                                                                     \
    "image.user-nonroot", "image.healthcheck", "image.config-secrets", "image.add-instruction",    \
        "image.update-alone", "image.tag-latest", "image.base-trusted", "image.sensitive-port"
#define LD_IMAGE_FILE_CHECKS                                                                       \
    "image.ssh-server", "image.setuid-files", "image.world-writable", "image.package-cache",      \
        "image.empty-password", "image.uid0-accounts", "image.sudo"

/* Configuration and history checks (USER, HEALTHCHECK, secrets in ENV /
 * labels / ARG history, ADD instead of COPY, update alone, tag, base
 * registry, exposed ports). Without a configuration each check is emitted
 * as not applicable (dir:) or not assessed (a configuration that does not
 * parse). Secret rules that could not finish make image.config-secrets an
 * error finding, never a pass. Returns 0 or what ld_findings_add returned. */
int ld_image_config_checks(ld_findings *r, const ld_image_facts *f, ld_error *err);
/* File-system and account checks (SSH/remote-shell servers incl. in Cmd and
 * Entrypoint, setuid/setgid, world-writable, package caches, empty
 * passwords, extra uid-0 accounts, sudo). */
int ld_image_file_checks(ld_findings *r, const ld_image_facts *f, ld_error *err);

/* Emits one finding of check_id about f's target, at path (NULL: none), with
 * an evidence line (masked with ld_secret_mask_text and f->rules, whatever
 * it quotes); severity from the control. Shared by the image checks. */
int ld_image_emit(ld_findings *r, const ld_image_facts *f, const char *check_id, ld_status st,
                  const char *path, ld_error *err, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
/* A history command masked for display: ld_secret_mask_history with the
 * built-in rules (build-argument values, then everything
 * ld_secret_mask_text masks). Caller frees; NULL in, NULL out. */
char *ld_image_history_redact(const char *created_by);
/* "layer 2 sha256:1234abcd5678 (RUN apt-get install ...)" for evidence,
 * history redacted; caller frees. */
char *ld_image_layer_desc(const ld_image *img, int layer);
/* Looks a user name or numeric id up in passwd; returns the uid or -1, and
 * the name in name_out (caller frees) when found. */
long ld_image_passwd_uid(const ld_image_text_file *passwd, const char *user, char **name_out);

#endif
