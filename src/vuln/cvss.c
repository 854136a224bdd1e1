/* CVSS v3.x base score from a vector string (FIRST CVSS v3.1 specification,
 * section 7.1 and Appendix A Roundup), and the qualitative rating. v4.0 is
 * in cvss4.c. Pure; allocates nothing. */
#include "vuln/cvss.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Roundup as defined in CVSS v3.1 Appendix A (avoids float artefacts). */
static double roundup(double x)
{
    int64_t i = (int64_t)llround(x * 100000.0);
    if (i % 10000 == 0)
        return (double)i / 100000.0;
    return (double)(i / 10000 + 1) / 10.0;
}

int ld_cvss3_base_score(const char *vector, double *score, ld_error *err)
{
    if (!vector || (strncmp(vector, "CVSS:3.1/", 9) != 0 && strncmp(vector, "CVSS:3.0/", 9) != 0))
        return ld_error_set(err, LD_ERR_INVALID, "cvss vector \"%s\": not a CVSS:3.x vector",
                            vector ? vector : "");
    double av = -1, ac = -1, pr_u = -1, pr_c = -1, ui = -1, c = -1, i = -1, a = -1;
    int scope = -1; /* 0 unchanged, 1 changed */
    const char *p = vector + 9;
    while (*p) {
        const char *end = strchr(p, '/');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *colon = memchr(p, ':', n);
        if (!colon || colon == p || (size_t)(colon - p) + 2 != n)
            goto other; /* multi-char values: temporal/environmental (ignored) or invalid */
        size_t kl = (size_t)(colon - p);
        char v = colon[1];
        if (kl == 2 && memcmp(p, "AV", 2) == 0)
            av = v == 'N' ? 0.85 : v == 'A' ? 0.62 : v == 'L' ? 0.55 : v == 'P' ? 0.2 : -2;
        else if (kl == 2 && memcmp(p, "AC", 2) == 0)
            ac = v == 'L' ? 0.77 : v == 'H' ? 0.44 : -2;
        else if (kl == 2 && memcmp(p, "PR", 2) == 0) {
            pr_u = v == 'N' ? 0.85 : v == 'L' ? 0.62 : v == 'H' ? 0.27 : -2;
            pr_c = v == 'N' ? 0.85 : v == 'L' ? 0.68 : v == 'H' ? 0.5 : -2;
        } else if (kl == 2 && memcmp(p, "UI", 2) == 0)
            ui = v == 'N' ? 0.85 : v == 'R' ? 0.62 : -2;
        else if (kl == 1 && p[0] == 'S')
            scope = v == 'U' ? 0 : v == 'C' ? 1 : -2;
        else if (kl == 1 && (p[0] == 'C' || p[0] == 'I' || p[0] == 'A')) {
            double w = v == 'H' ? 0.56 : v == 'L' ? 0.22 : v == 'N' ? 0 : -2;
            if (p[0] == 'C')
                c = w;
            else if (p[0] == 'I')
                i = w;
            else
                a = w;
        }
    other:
        if (!end)
            break;
        p = end + 1;
    }
    if (av < 0 || ac < 0 || pr_u < 0 || ui < 0 || scope < 0 || c < 0 || i < 0 || a < 0)
        return ld_error_set(err, LD_ERR_INVALID,
                            "cvss vector \"%s\": missing or invalid base metric", vector);
    double iss = 1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a);
    double impact = scope ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15) : 6.42 * iss;
    double expl = 8.22 * av * ac * (scope ? pr_c : pr_u) * ui;
    double s;
    if (impact <= 0)
        s = 0;
    else if (scope)
        s = roundup(fmin(1.08 * (impact + expl), 10.0));
    else
        s = roundup(fmin(impact + expl, 10.0));
    *score = s;
    return 0;
}

const char *ld_cvss_rating(double score)
{
    if (score <= 0)
        return "none";
    if (score < 4.0)
        return "low";
    if (score < 7.0)
        return "medium";
    if (score < 9.0)
        return "high";
    return "critical";
}
