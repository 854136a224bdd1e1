/* Small helpers shared by the docker audit's check files: emitting one
 * finding for a check id against a target, and writing evidence values
 * exactly as seen (JSON-quoted, capped, UTF-8 safe). Not a public API for
 * other tiers. */
#ifndef LD_DOCKER_EVIDENCE_H
#define LD_DOCKER_EVIDENCE_H

#include <jansson.h>

#include "core/error.h"
#include "core/finding.h"
#include "core/report.h"

/* Evidence values longer than this are cut (at a UTF-8 boundary). */
#define LD_EV_VALUE_MAX 1024

typedef struct {
    ld_report *r;
    ld_error *err;
    ld_target_kind kind;
    const char *target_id;
    const char *target_name; /* may be NULL */
} ld_emitter;

/* Emits a finding of check_id (title NULL: the control's) with printf-style
 * evidence. Returns what ld_report_emit returns; a check id missing from the
 * catalog is an error (LD_ERR_GENERIC), not an assert. */
int ld_emit(const ld_emitter *em, const char *check_id, ld_status status, const char *title,
            const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Compact JSON text of v (NULL: "missing"), capped; caller frees. */
char *ld_ev_json(const json_t *v);
/* s as a JSON string literal, capped; caller frees. */
char *ld_ev_str(const char *s);
/* "a string", "an object", ... for "field X is a T" evidence. */
const char *ld_ev_type(const json_t *v);
/* Member at a dotted path ("HostConfig.PidMode") or NULL when a step is
 * missing or not an object. */
const json_t *ld_json_path(const json_t *doc, const char *path);

#endif
