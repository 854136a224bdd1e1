/* Lexical path canonicalisation: the one form every path comparison of a
 * check uses, so "//etc", "/./etc", "/x/../etc" and "/etc/" all compare as
 * "/etc". Purely textual (like Go's path.Clean): it never touches the file
 * system — the paths compared are often another machine's (an engine's
 * inspect document, a remote host's configuration) and a symbolic link
 * there is not ours to follow. Not a resolver: "/a/link/.." becomes "/a"
 * whatever link points to, which is also how the engine's own bind-mount
 * parser cleans a source path.
 *
 * Rules: runs of '/' become one; "." components go; ".." removes the
 * component before it (at the root it is dropped: "/.." is "/"; in a
 * relative path leading ".." stay); a trailing '/' goes (except for "/"
 * itself); an empty path becomes ".". */
#ifndef LD_UTIL_PATH_LEX_H
#define LD_UTIL_PATH_LEX_H

#include <stdbool.h>

/* A new canonical copy of path (caller frees); NULL in, NULL out. */
char *ld_path_lex_clean(const char *path);

/* Whether path is dir or inside it, both compared in canonical form and
 * by whole components ("/etc" holds "/etc/passwd", not "/etcetera"; "/"
 * holds every absolute path). */
bool ld_path_lex_within(const char *dir, const char *path);

/* Whether a and b name the same path in canonical form. */
bool ld_path_lex_equal(const char *a, const char *b);

#endif
