/* os-release(5) parser: KEY=value lines with shell-style quoting, read
 * without a shell. Used for the host (host.container-os) and, later, for
 * the distribution in an image's root file system, for the SBOM.
 *
 * Rules (os-release(5), shell word rules for one line):
 *   - blank lines and lines whose first non-blank character is '#' are skipped;
 *   - KEY is [A-Za-z_][A-Za-z0-9_]* (at most 128 bytes), then '=' with no blank between;
 *   - the value is one shell word: unquoted text where '\' escapes the next byte,
 *     "double quotes" where '\' escapes only $ ` " \ (else it stays literal),
 *     'single quotes' with no escapes; pieces may be concatenated (a"b"'c');
 *   - after the word only blanks or a '#' comment may follow;
 *   - later assignments of a key override earlier ones (as sourcing would).
 * Anything else — no '=', a bad key, an unterminated quote, a control byte,
 * a second word — is a garbage line: skipped and counted, never fatal.
 * Not for: variable expansion ($X is kept literally), multi-line values.
 * Input is capped at LD_OS_RELEASE_MAX bytes; more is LD_ERR_LIMIT. */
#ifndef LD_UTIL_OS_RELEASE_H
#define LD_UTIL_OS_RELEASE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

#define LD_OS_RELEASE_MAX (64 * 1024)
#define LD_OS_RELEASE_KEY_MAX 128

/* One assignment. All strings are NUL-terminated and valid only during the
 * callback. raw is the text after '=' exactly as written (trailing blanks
 * and comment removed), for evidence such as VERSION_ID="12". */
typedef struct {
    const char *key;
    const char *value;
    const char *raw;
    int line; /* 1-based */
} ld_os_release_entry;

/* Return 0 to continue, < 0 to stop (that value is returned by the parser). */
typedef int (*ld_os_release_cb)(const ld_os_release_entry *entry, void *ctx);

/* Calls cb for each valid assignment in order. *bad_lines (may be NULL)
 * receives the number of garbage lines. Returns 0, LD_ERR_LIMIT if len is
 * over LD_OS_RELEASE_MAX (err set, cb not called), or what cb returned. */
int ld_os_release_foreach(const char *buf, size_t len, ld_os_release_cb cb, void *ctx,
                          size_t *bad_lines, ld_error *err);

/* The keys most users need, decoded. Fields are NULL when absent. */
typedef struct {
    char *id;               /* ID, e.g. "debian" */
    char *id_like;          /* ID_LIKE, space-separated, e.g. "rhel fedora" */
    char *name;             /* NAME */
    char *pretty_name;      /* PRETTY_NAME */
    char *version;          /* VERSION */
    char *version_id;       /* VERSION_ID */
    char *version_codename; /* VERSION_CODENAME */
    char *variant_id;       /* VARIANT_ID */
    char *build_id;         /* BUILD_ID */
    size_t bad_lines;
} ld_os_release;

/* Parses buf into *out (zeroed first). On success the caller frees with
 * ld_os_release_clear; on failure *out holds nothing to free. */
int ld_os_release_parse(const char *buf, size_t len, ld_os_release *out, ld_error *err);
void ld_os_release_clear(ld_os_release *o);

/* True if word is ID or one of the space-separated words of ID_LIKE. */
bool ld_os_release_is_like(const ld_os_release *o, const char *word);

#endif
