/* Recognising regular expressions (PCRE2 syntax, byte mode) whose
 * backtracking can take exponential time on a failing subject: a repeated
 * group whose body can match the same text in more than one way — a nested
 * quantifier over the same characters ((a+)+$, (a*)*b, (.*)*$,
 * (\w+\s?)+$), overlapping alternatives ((a|a)*$, (\d|\w)+$), or two
 * quantifiers side by side over the same characters ((\w+\d+)+$) — followed
 * by something that can fail. Used where user-written regexes enter the
 * program (policy secret rules) so such a pattern is refused when it is
 * read instead of burning its match limit on every file.
 * A heuristic, tuned to refuse rarely: constructs it does not model
 * (backreferences, recursion, conditionals, \p, verbs) make it answer "no",
 * and polynomial patterns (\w+\d, quadratic per start position) are not
 * its business (the scanner's match limits and time budget are). Not a
 * regex engine; it never runs the pattern. */
#ifndef LD_UTIL_REGEX_RISK_H
#define LD_UTIL_REGEX_RISK_H

#include <stdbool.h>
#include <stddef.h>

/* Why a pattern was judged exponential. */
typedef struct {
    size_t offset;    /* 0-based byte offset in the pattern of the repeat that nests */
    const char *what; /* "nested quantifier", "overlapping alternatives in a repeated group",
                         "adjacent quantifiers over the same characters in a repeated group" */
} ld_regex_risk;

/* True when regex (a pattern that compiles as PCRE2 without UTF) has a shape
 * that backtracks exponentially; why (may be NULL) then says where. False
 * for safe patterns and for patterns it cannot analyse. */
bool ld_regex_exponential(const char *regex, ld_regex_risk *why);

#endif
