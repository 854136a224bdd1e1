/* libFuzzer target for the version comparators (src/vuln/version*.c): the
 * input is cut into three parts A, B and C; for every scheme, comparing A
 * with B must succeed or fail both ways round, with opposite signs
 * (antisymmetry), a valid version must equal itself (reflexivity), and,
 * for the schemes whose package manager defines a total order (all but
 * maven, whose ComparableVersion is not transitive for some qualifiers),
 * A <= B and B <= C must give A <= C. Never a crash, leak or read out of
 * bounds. Seeds: tests/fuzz/corpus/version/ (three versions written one
 * after the other; the cut is by length, so the fuzzer moves the borders).
 * Replay one file: ./fuzz_version FILE. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int cmp(ld_version_scheme s, const char *a, const char *b, int *r)
{
    ld_error err = LD_ERROR_INIT;
    int rc = ld_version_compare(s, a, b, r, &err);
    if (rc < 0 && !err.msg[0])
        abort(); /* every failure explains itself */
    return rc;
}

static void violation(const char *what, ld_version_scheme s, const char *a, const char *b,
                      const char *c)
{
    fprintf(stderr, "%s violated under %s: \"%s\" \"%s\" \"%s\"\n", what, ld_version_scheme_name(s),
            a, b, c ? c : "");
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum { PART_MAX = LD_VERSION_MAX + 16 }; /* a little past the limit */
    if (size > 3 * PART_MAX)
        return 0;
    /* three parts cut by length (the last takes the 0-2 spare bytes); each
     * becomes a C string (a NUL ends it early) */
    size_t third = size / 3;
    char a[PART_MAX + 1], b[PART_MAX + 1], c[PART_MAX + 3];
    size_t la = third, lb = third, lc = size - 2 * third;
    memcpy(a, data, la);
    a[la] = '\0';
    memcpy(b, data + la, lb);
    b[lb] = '\0';
    memcpy(c, data + la + lb, lc);
    c[lc] = '\0';
    for (int i = 0; i < LD_VER_COUNT; i++) {
        ld_version_scheme s = (ld_version_scheme)i;
        int ab = 0, ba = 0, aa = 1;
        int r1 = cmp(s, a, b, &ab), r2 = cmp(s, b, a, &ba);
        if ((r1 < 0) != (r2 < 0))
            violation("symmetry of errors", s, a, b, NULL);
        if (r1 == 0 && ab != -ba)
            violation("antisymmetry", s, a, b, NULL);
        if (r1 == 0 && (ab < -1 || ab > 1))
            abort();
        if (cmp(s, a, a, &aa) == 0 && aa != 0)
            violation("reflexivity", s, a, a, NULL);
        if (s == LD_VER_MAVEN || r1 < 0)
            continue;
        int bc = 0, ac = 0;
        if (cmp(s, b, c, &bc) < 0 || cmp(s, a, c, &ac) < 0)
            continue;
        if (ab <= 0 && bc <= 0 && ac > 0)
            violation("transitivity (a <= b <= c but a > c)", s, a, b, c);
        if (ab >= 0 && bc >= 0 && ac < 0)
            violation("transitivity (a >= b >= c but a < c)", s, a, b, c);
        if (ab == 0 && bc == 0 && ac != 0)
            violation("transitivity of equality", s, a, b, c);
    }
    return 0;
}
