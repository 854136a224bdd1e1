/* Small helpers shared by the docker audit's check files: emitting one
 * finding for a check id against a target, looking up a typed field in an
 * engine document (a missing or wrong-typed field becomes that check's
 * error finding), writing evidence values exactly as seen (JSON-quoted,
 * capped, UTF-8 safe), and reading /info's SecurityOptions. One of each
 * for every docker check file. Not a public API for other tiers. */
#ifndef LD_DOCKER_EVIDENCE_H
#define LD_DOCKER_EVIDENCE_H

#include <stdbool.h>

#include <jansson.h>

#include "core/error.h"
#include "core/finding.h"
#include "core/findings.h"

/* Evidence values longer than this are cut (at a UTF-8 boundary). */
#define LD_EV_VALUE_MAX 1024

typedef struct {
    ld_findings *r;
    ld_error *err;
    ld_target_kind kind;
    const char *target_id;
    const char *target_name; /* may be NULL */
} ld_emitter;

/* Emits a finding of check_id (title NULL: the control's) with printf-style
 * evidence. Returns what ld_findings_add returns; a check id missing from the
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

/* The type a check needs a field to have. */
typedef enum {
    LD_WANT_BOOL,
    LD_WANT_STRING,
    LD_WANT_INT,   /* any integer */
    LD_WANT_COUNT, /* an integer >= 0 */
    LD_WANT_OBJECT,
    LD_WANT_ARRAY_OR_NULL,  /* an array, or null (Go's nil slice) */
    LD_WANT_OBJECT_OR_NULL, /* an object, or null (Go's nil map) */
} ld_want;

/* Looks up the dotted field path of doc (doc_name, e.g. "/info", names the
 * document in evidence). Returns 0 with *out set when the field is present
 * with the wanted type; 0 with *out NULL when its last step is missing and
 * missing_ok (a missing parent object is always an error);
 * otherwise emits an error finding of check_id saying what was wrong ("no
 * /info response", "/info response is an array, expected an object",
 * "field Swarm is a string, expected an object", "field X missing, expected
 * a boolean", "field Images is negative") and returns 1; < 0 when that
 * emission failed (err set). */
int ld_need(const ld_emitter *em, const char *check_id, const json_t *doc, const char *doc_name,
            const char *path, ld_want want, bool missing_ok, const json_t **out);

/* The /info SecurityOptions entry whose name is `name` ("seccomp",
 * "apparmor", "userns", "rootless", "selinux"), or NULL. Entries are
 * "name=seccomp,profile=builtin" (API >= 1.26) or a bare name (older). */
const char *ld_info_security_option(const json_t *info, const char *name);
/* Value of key in such an entry ("profile" -> "builtin"); a bare entry has
 * only a name. Returns a new string (caller frees) or NULL. */
char *ld_security_option_field(const char *entry, const char *key);

#endif
