/* Terminal-safe text: the one escaping function every byte of outside text
 * (image tags, package names, feed ids, VEX justifications, policy text,
 * server headers, error messages that quote them) goes through before it is
 * printed for a person — stderr messages, the report table, `image sbom`'s
 * table, `db status`. Machine formats escape for their own grammar (JSON,
 * XML) and use ld_term_unsafe_cp() for the same set of code points.
 * Not a transcoder and not for file contents written to files. */
#ifndef LD_UTIL_TERM_TEXT_H
#define LD_UTIL_TERM_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* True for a code point a terminal must never receive from data: C0
 * controls, DEL and C1 controls (escape sequences, cursor moves, title
 * changes), and the invisible direction marks, embeddings, overrides,
 * isolates and line/paragraph separators that make text read differently
 * from what it is (U+061C, U+200E, U+200F, U+2028..U+202E, U+2066..U+2069). */
bool ld_term_unsafe_cp(uint32_t cp);

typedef struct {
    /* false (one line): every unsafe code point is escaped, '\n' and '\t'
     * included. true: '\n' is kept and '\t' shown as one space, for text
     * printed on lines of its own (evidence); every other one is escaped. */
    bool multiline;
    /* 0: no limit; else at most this many bytes of the input are shown, cut
     * at a character boundary. */
    size_t max;
    /* out: bytes of the input that max left out (0 when nothing was cut). */
    size_t left_out;
} ld_term_opts;

/* A terminal-safe copy of s: valid UTF-8 is kept; each unsafe code point
 * becomes a visible escape, "\xNN" below U+0080 ("\x1b", "\x0a") and
 * "\uNNNN" above ("\u009b", "\u202e"); each byte that does not start a
 * valid UTF-8 character becomes U+FFFD, as in the JSON and XML writers.
 * The result holds no byte below 0x20 other than '\n' in multiline mode.
 * NULL in, NULL out; otherwise a new string the caller frees. o may be NULL
 * (one line, no limit). */
char *ld_term_clean_opts(const char *s, ld_term_opts *o);

/* ld_term_clean_opts(s, NULL): one line, no limit. */
char *ld_term_clean(const char *s);

/* Writes the one-line clean form of s to f; returns its width in columns
 * (code points), for padding. NULL writes nothing and returns 0. */
size_t ld_term_put(FILE *f, const char *s);

/* Width in columns (code points) of text ld_term_clean returned. */
size_t ld_term_width(const char *clean);

#endif
