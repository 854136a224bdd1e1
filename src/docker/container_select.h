/* Which containers the Docker audit looks at: docker-bench-security's -i
 * (include) and -x (exclude), as `--container` / `--exclude-container`
 * patterns matched against the entries of GET /containers/json (Id, Names,
 * Labels), so a container left out is never inspected.
 *
 * A pattern is one of
 *   NAME-GLOB        a container name, with or without the leading "/";
 *                    fnmatch(3) globs ("web-*", "db?")
 *   ID-PREFIX        4 to 64 hex digits: the container whose id starts so
 *                    (a hex word also matches as a name)
 *   label:KEY        a container carrying label KEY (any value)
 *   label:KEY=GLOB   ... whose value matches GLOB (fnmatch(3))
 * Names a legacy link gives ("/web/db") are not the container's own and
 * are not matched.
 *
 * Not for: check selection (--check/--exclude are ld_findings_select),
 * the running/--all filter, lockdown's own container (audit.c). */
#ifndef LD_DOCKER_CONTAINER_SELECT_H
#define LD_DOCKER_CONTAINER_SELECT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "core/error.h"
#include "core/findings.h"
#include "util/strlist.h"

/* Left-out containers named in the selection note, beyond which only the
 * count is given. */
#define LD_CONTAINER_SELECT_NAMES_MAX 8

/* Appends the comma-separated patterns of arg to l (copies; empty items
 * are skipped). Returns the number of patterns added. */
size_t ld_container_patterns_push(ld_strlist *l, const char *arg);

/* 0 when pattern is well formed; otherwise LD_ERR_INVALID with err naming
 * the pattern and what is wrong (empty, "/" alone, "label:" without a key,
 * longer than 1024 bytes). */
int ld_container_pattern_check(const char *pattern, ld_error *err);

/* Does pattern select this element of /containers/json? A malformed
 * pattern or entry matches nothing. */
bool ld_container_pattern_matches(const char *pattern, const json_t *entry);

/* The running selection: what it kept and left out, and how often each
 * pattern matched, for the report's notes. */
typedef struct {
    const ld_strlist *include; /* borrowed; NULL or empty: every container */
    const ld_strlist *exclude; /* borrowed; NULL or empty: none */
    size_t *include_hits;      /* per include pattern: entries it matched */
    size_t *exclude_hits;      /* per exclude pattern */
    size_t kept, left_out;
    ld_strlist left_out_names; /* the first LD_CONTAINER_SELECT_NAMES_MAX */
} ld_container_selector;

/* Lists are borrowed and must outlive sel. */
void ld_container_selector_init(ld_container_selector *sel, const ld_strlist *include,
                                const ld_strlist *exclude);
void ld_container_selector_clear(ld_container_selector *sel);
/* True when any pattern was given. */
bool ld_container_selector_active(const ld_container_selector *sel);
/* Is entry kept: it matches an include pattern (or none was given) and no
 * exclude pattern. Every pattern is tried, so the hit counts are complete;
 * kept / left_out are counted. */
bool ld_container_selector_keep(ld_container_selector *sel, const json_t *entry);
/* The selection as given: "--container a,b --exclude-container c"; "" when
 * inactive. Caller frees. */
char *ld_container_selector_describe(const ld_container_selector *sel);
/* Notes for r: how many containers the selection left out (and the first
 * names), and each pattern that matched no container on the engine. */
void ld_container_selector_notes(const ld_container_selector *sel, ld_findings *r);

#endif
