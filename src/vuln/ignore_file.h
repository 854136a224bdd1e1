/* The ignore file (.lockdownignore; trivy's .trivyignore format): one
 * vulnerability id per line, blank lines and `# comments` (whole line, or
 * after blanks) skipped, an optional ` exp:YYYY-MM-DD` after the id — the
 * entry applies up to and including that date, then stops applying and the
 * scan carries a note. The date is read by the policy's parser
 * (util/date.h): a day that does not exist is an error. A leading UTF-8 BOM
 * is skipped. Anything else on a line is an error with its line
 * number. Matching is exact on the finding's id or one of its aliases.
 * Documented in docs/vuln-matching.md. */
#ifndef LD_VULN_IGNORE_FILE_H
#define LD_VULN_IGNORE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/error.h"

#define LD_IGNORE_FILE_MAX_BYTES (4u * 1024 * 1024)
#define LD_IGNORE_ID_MAX 256

typedef struct {
    char *id;
    char *expires; /* YYYY-MM-DD or NULL */
    int line;
} ld_ignore_entry;

typedef struct {
    char *path;
    ld_ignore_entry *entries;
    size_t n, cap;
} ld_ignore_list;

/* Parses buf (name is used in messages). On error (LD_ERR_INVALID, "NAME:LINE:
 * ...") *out holds nothing to free. */
int ld_ignore_parse(const char *name, const char *buf, size_t len, ld_ignore_list *out,
                    ld_error *err);
/* Reads and parses path (capped at LD_IGNORE_FILE_MAX_BYTES). */
int ld_ignore_load(const char *path, ld_ignore_list *out, ld_error *err);
void ld_ignore_clear(ld_ignore_list *l);

/* The entry for id (or NULL). Expiry is not checked here. */
const ld_ignore_entry *ld_ignore_find(const ld_ignore_list *l, const char *id);

#endif
