/* Small text helpers both halves of the Dockerfile support share (the parser,
 * dockerfile_parse.c and the files of dockerfile_parse_internal.h; the lint
 * rules, dockerfile_rules.c and the files of dockerfile_rules_internal.h): a
 * growable string buffer, ASCII character classes (locale-independent, unlike
 * <ctype.h>), prefix and suffix tests, and the value of an instruction's
 * `--name=value` flag. Private to src/checks/dockerfile_*.c: not an API. Not
 * for parsing or judging anything itself. */
#ifndef LD_CHECKS_DOCKERFILE_TEXT_H
#define LD_CHECKS_DOCKERFILE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strlist.h"

/* A growable string, NUL-terminated once anything was put in it; starts
 * zeroed. It has no cap of its own: callers bound what they put in (the
 * parser's LD_DF_MAX_* limits, the rules' evidence and detail caps). */
typedef struct {
    char *p;
    size_t n, cap;
} df_sbuf;

void df_sb_putn(df_sbuf *b, const char *s, size_t n);
void df_sb_putc(df_sbuf *b, char c);
void df_sb_puts(df_sbuf *b, const char *s);
/* The string ("" if nothing was put; caller frees); the buffer is left empty. */
char *df_sb_steal(df_sbuf *b);

static inline bool df_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}
static inline bool df_is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static inline bool df_is_digit(char c)
{
    return c >= '0' && c <= '9';
}
static inline bool df_is_alnum(char c)
{
    return df_is_alpha(c) || df_is_digit(c);
}

bool df_starts_with(const char *s, const char *prefix);
bool df_ends_with(const char *s, const char *suffix);
/* The value of flag name ("--platform") written "name=value" in flags (as the
 * parser keeps them: "--platform=linux/amd64"), or NULL if absent. */
const char *df_flag_value(const ld_strlist *flags, const char *name);

#endif
