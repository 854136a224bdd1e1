/* Shared pieces of the per-scheme version comparators (src/vuln/version_*.c):
 * the comparator table entries, the overflow-free digit-run comparison and
 * small ASCII helpers. Internal to src/vuln; callers use vuln/version.h. */
#ifndef LD_VULN_VERSION_INTERNAL_H
#define LD_VULN_VERSION_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "vuln/version.h"

/* One comparator: compares NUL-terminated a and b (both already checked to
 * be at most LD_VERSION_MAX bytes). Returns 0 and sets *result, or sets
 * *bad to the invalid operand (a or b) and *why to a static reason and
 * returns LD_ERR_INVALID. Never allocates. */
typedef int (*ld_ver_cmp_fn)(const char *a, const char *b, int *result, const char **bad,
                             const char **why);

int ld_ver_cmp_deb(const char *a, const char *b, int *result, const char **bad, const char **why);
int ld_ver_cmp_apk(const char *a, const char *b, int *result, const char **bad, const char **why);
int ld_ver_cmp_rpm(const char *a, const char *b, int *result, const char **bad, const char **why);
int ld_ver_cmp_pypi(const char *a, const char *b, int *result, const char **bad, const char **why);
int ld_ver_cmp_npm(const char *a, const char *b, int *result, const char **bad, const char **why);
int ld_ver_cmp_semver(const char *a, const char *b, int *result, const char **bad,
                      const char **why);
int ld_ver_cmp_maven(const char *a, const char *b, int *result, const char **bad, const char **why);
int ld_ver_cmp_go(const char *a, const char *b, int *result, const char **bad, const char **why);
int ld_ver_cmp_gem(const char *a, const char *b, int *result, const char **bad, const char **why);
int ld_ver_cmp_nuget(const char *a, const char *b, int *result, const char **bad, const char **why);
int ld_ver_cmp_composer(const char *a, const char *b, int *result, const char **bad,
                        const char **why);

/* Compares two runs of ASCII digits as unsigned integers of any length:
 * leading zeros stripped, then the longer run is larger, then bytewise.
 * Returns -1, 0 or 1. Lengths may be 0 (the value 0). */
int ld_ver_numcmp(const char *a, size_t alen, const char *b, size_t blen);

/* Bytewise comparison of two byte ranges, shorter-is-smaller on a common
 * prefix (memcmp order). Returns -1, 0 or 1. */
int ld_ver_bytecmp(const char *a, size_t alen, const char *b, size_t blen);

/* As ld_ver_bytecmp, ASCII case-insensitive. */
int ld_ver_bytecasecmp(const char *a, size_t alen, const char *b, size_t blen);

static inline bool ld_ver_isdigit(char c)
{
    return c >= '0' && c <= '9';
}
static inline bool ld_ver_islower(char c)
{
    return c >= 'a' && c <= 'z';
}
static inline bool ld_ver_isupper(char c)
{
    return c >= 'A' && c <= 'Z';
}
static inline bool ld_ver_isalpha(char c)
{
    return ld_ver_islower(c) || ld_ver_isupper(c);
}
static inline bool ld_ver_isalnum(char c)
{
    return ld_ver_isdigit(c) || ld_ver_isalpha(c);
}
static inline char ld_ver_tolower(char c)
{
    return ld_ver_isupper(c) ? (char)(c + 32) : c;
}
static inline int ld_ver_sign(int v)
{
    return (v > 0) - (v < 0);
}

#endif

/* SemVer-shaped versions, shared by version_semver.c (semver, npm) and
 * version_go.c. Ranges point into the parsed string. */
typedef struct {
    const char *num[3];
    size_t num_len[3]; /* 0 for a part Go's shorthand (v1, v1.2) omits */
    const char *pre;   /* prerelease without its leading '-', NULL if none */
    size_t pre_len;
} ld_semver;

enum {
    LD_SEMVER_STRICT = 0, /* semver.org 2.0.0 */
    LD_SEMVER_NPM = 1,    /* node-semver loose */
    LD_SEMVER_GO = 2,     /* golang.org/x/mod/semver: v required, v1 and v1.2 allowed */
};

/* Parses s in the given flavour. Returns 0, or -1 with *why set. */
int ld_semver_parse(const char *s, int flavour, ld_semver *out, const char **why);
/* Parses a and b in the flavour and compares them (ld_ver_cmp_fn contract). */
int ld_semver_cmp_flavour(int flavour, const char *a, const char *b, int *result, const char **bad,
                          const char **why);
/* SemVer 2.0.0 precedence of two parsed versions (build metadata ignored). */
int ld_semver_cmp(const ld_semver *a, const ld_semver *b);
