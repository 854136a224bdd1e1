/* libFuzzer target for the CVSS vector parsers (vuln/cvss.c, vuln/cvss4.c):
 * any bytes, cut at the first NUL, go to the v3 and the v4 scorer. Each
 * either succeeds with a score in 0.0 .. 10.0 on the one-decimal grid, the
 * same on a second call, or fails with LD_ERR_INVALID, a message, and the
 * score untouched; ld_cvss4_score agrees with ld_cvss4_base_score. Never a
 * crash, leak or read out of bounds.
 * Seeds: tests/fuzz/corpus/cvss/. Replay one file: ./fuzz_cvss FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/cvss.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef int (*scorer)(const char *vector, double *score, ld_error *err);

static void check(scorer f, const char *s)
{
    ld_error err = LD_ERROR_INIT;
    double a = -7, b = -7;
    int rc = f(s, &a, &err);
    if (rc < 0) {
        if (rc != LD_ERR_INVALID || !err.msg[0] || a != -7)
            abort();
        if (f(s, &b, NULL) != rc)
            abort();
        return;
    }
    if (rc != 0 || a < 0 || a > 10)
        abort();
    double tenths = a * 10, nearest = (double)(int64_t)(tenths + 0.5);
    if (tenths - nearest > 1e-9 || nearest - tenths > 1e-9)
        abort();
    if (f(s, &b, NULL) != 0 || b != a)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384)
        return 0;
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    check(ld_cvss3_base_score, s);
    check(ld_cvss4_base_score, s);
    double x = -7, y = -7;
    int r1 = ld_cvss4_score(s, &x), r2 = ld_cvss4_base_score(s, &y, NULL);
    if ((r1 < 0) != (r2 < 0) || x != y)
        abort();
    free(s);
    return 0;
}
