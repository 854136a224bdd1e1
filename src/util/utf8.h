/* UTF-8, decoded one character at a time: the one decoder every writer of
 * outside text uses (JSON escaping, terminal cleaning, XML). Valid means
 * shortest form, no surrogates, at most U+10FFFF. Not for transcoding. */
#ifndef LD_UTIL_UTF8_H
#define LD_UTIL_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define LD_UTF8_REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

/* Length (1-4) of the valid UTF-8 character at s (at most n bytes) and its
 * code point in *cp; 0 when s does not start a valid character (n > 0). */
size_t ld_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Steps over the character at s[*i] (n bytes in all, *i < n): returns its
 * code point, points *bytes and *len at its UTF-8 encoding and advances *i
 * past it. A byte that does not start a valid character yields U+FFFD (with
 * *bytes at LD_UTF8_REPLACEMENT) and *i moves on by that one byte. NUL is a
 * character like any other here. */
uint32_t ld_utf8_next(const char *s, size_t n, size_t *i, const char **bytes, size_t *len);

#endif
