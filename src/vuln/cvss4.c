/* CVSS v4.0 scores from vector strings (FIRST CVSS v4.0 specification,
 * section 8 "CVSS v4.0 Scoring": equivalence classes EQ1..EQ6, the
 * MacroVector table, severity distances and the interpolation). Gives the
 * one score the specification defines for a vector: CVSS-B for base metrics
 * only, CVSS-BT/-BE/-BTE when threat or environmental metrics are present;
 * supplemental metrics are validated and never change the score. Not for:
 * v3 (cvss.c), nomenclature, rendering. Pure; allocates nothing.
 *
 * The interpolation is done in exact integer arithmetic (tenths of a score
 * point, severity levels in steps of one) and rounded half up; the
 * reference calculator's floating point with its 1e-6 nudge before rounding
 * gives the same result, because an exact score*10 that is not a half
 * integer lies at least 1/50400 away from one. */
#include "vuln/cvss.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Longer than any valid vector (all 32 metrics take about 190 bytes). */
#define CVSS4_VECTOR_MAX 512

enum {
    /* base, in the order of the specification's Table 23 */
    M_AV,
    M_AC,
    M_AT,
    M_PR,
    M_UI,
    M_VC,
    M_VI,
    M_VA,
    M_SC,
    M_SI,
    M_SA,
    /* threat */
    M_E,
    /* environmental: requirements, then M* in the base order (M_MAV + i
     * modifies base metric i) */
    M_CR,
    M_IR,
    M_AR,
    M_MAV,
    M_MAC,
    M_MAT,
    M_MPR,
    M_MUI,
    M_MVC,
    M_MVI,
    M_MVA,
    M_MSC,
    M_MSI,
    M_MSA,
    /* supplemental: no effect on the score */
    M_S,
    M_AU,
    M_R,
    M_V,
    M_RE,
    M_U,
    M_COUNT,
    M_BASE_COUNT = M_SA + 1,
};

/* Name and the one-letter values allowed; U has word values (NULL here). */
static const struct {
    const char *name;
    const char *values;
} metric_defs[M_COUNT] = {
    [M_AV] = {"AV", "NALP"},    [M_AC] = {"AC", "LH"},      [M_AT] = {"AT", "NP"},
    [M_PR] = {"PR", "NLH"},     [M_UI] = {"UI", "NPA"},     [M_VC] = {"VC", "HLN"},
    [M_VI] = {"VI", "HLN"},     [M_VA] = {"VA", "HLN"},     [M_SC] = {"SC", "HLN"},
    [M_SI] = {"SI", "HLN"},     [M_SA] = {"SA", "HLN"},     [M_E] = {"E", "XAPU"},
    [M_CR] = {"CR", "XHML"},    [M_IR] = {"IR", "XHML"},    [M_AR] = {"AR", "XHML"},
    [M_MAV] = {"MAV", "XNALP"}, [M_MAC] = {"MAC", "XLH"},   [M_MAT] = {"MAT", "XNP"},
    [M_MPR] = {"MPR", "XNLH"},  [M_MUI] = {"MUI", "XNPA"},  [M_MVC] = {"MVC", "XHLN"},
    [M_MVI] = {"MVI", "XHLN"},  [M_MVA] = {"MVA", "XHLN"},  [M_MSC] = {"MSC", "XHLN"},
    [M_MSI] = {"MSI", "XSHLN"}, [M_MSA] = {"MSA", "XSHLN"}, [M_S] = {"S", "XNP"},
    [M_AU] = {"AU", "XNY"},     [M_R] = {"R", "XAUI"},      [M_V] = {"V", "XDC"},
    [M_RE] = {"RE", "XLMH"},    [M_U] = {"U", NULL},
};

/* Score of each MacroVector in tenths, indexed [EQ1][EQ2][EQ3][EQ4][EQ5][EQ6]
 * (the specification's table of 270 MacroVectors, as published in FIRST's
 * calculator). -1: no such MacroVector (EQ3 2 with EQ6 0 cannot occur). */
static const int8_t macro_score[3][2][3][3][3][2] = {
    {
        {
            {{{100, 99}, {98, 95}, {95, 92}},
             {{100, 96}, {93, 87}, {91, 81}},
             {{93, 90}, {89, 80}, {81, 68}}},
            {{{98, 95}, {95, 92}, {90, 84}},
             {{93, 92}, {89, 81}, {81, 65}},
             {{88, 80}, {78, 70}, {69, 48}}},
            {{{-1, 92}, {-1, 82}, {-1, 72}},
             {{-1, 79}, {-1, 69}, {-1, 50}},
             {{-1, 69}, {-1, 55}, {-1, 27}}},
        },
        {
            {{{99, 97}, {95, 92}, {92, 85}},
             {{95, 91}, {90, 83}, {84, 71}},
             {{92, 81}, {82, 71}, {72, 53}}},
            {{{95, 93}, {92, 85}, {85, 73}},
             {{92, 82}, {80, 72}, {70, 59}},
             {{84, 70}, {71, 52}, {50, 30}}},
            {{{-1, 86}, {-1, 75}, {-1, 52}},
             {{-1, 71}, {-1, 52}, {-1, 29}},
             {{-1, 63}, {-1, 29}, {-1, 17}}},
        },
    },
    {
        {
            {{{98, 95}, {94, 87}, {91, 81}},
             {{94, 89}, {86, 74}, {77, 64}},
             {{87, 75}, {74, 63}, {63, 49}}},
            {{{94, 89}, {88, 77}, {76, 67}},
             {{86, 76}, {74, 58}, {59, 50}},
             {{72, 57}, {57, 52}, {52, 25}}},
            {{{-1, 83}, {-1, 70}, {-1, 54}},
             {{-1, 65}, {-1, 58}, {-1, 26}},
             {{-1, 53}, {-1, 21}, {-1, 13}}},
        },
        {
            {{{95, 90}, {88, 76}, {76, 70}},
             {{90, 77}, {75, 62}, {61, 53}},
             {{77, 66}, {68, 59}, {52, 30}}},
            {{{89, 78}, {76, 67}, {62, 58}},
             {{74, 59}, {57, 57}, {47, 23}},
             {{61, 52}, {57, 29}, {24, 16}}},
            {{{-1, 71}, {-1, 59}, {-1, 30}},
             {{-1, 58}, {-1, 26}, {-1, 15}},
             {{-1, 23}, {-1, 13}, {-1, 6}}},
        },
    },
    {
        {
            {{{93, 87}, {86, 72}, {75, 58}},
             {{86, 74}, {74, 61}, {56, 34}},
             {{70, 54}, {52, 40}, {40, 22}}},
            {{{85, 75}, {74, 55}, {62, 51}},
             {{72, 57}, {55, 41}, {46, 19}},
             {{53, 36}, {34, 19}, {19, 8}}},
            {{{-1, 64}, {-1, 51}, {-1, 20}},
             {{-1, 47}, {-1, 21}, {-1, 11}},
             {{-1, 24}, {-1, 9}, {-1, 4}}},
        },
        {
            {{{88, 75}, {73, 53}, {60, 50}},
             {{73, 55}, {59, 40}, {41, 20}},
             {{54, 43}, {45, 22}, {20, 11}}},
            {{{75, 55}, {58, 45}, {40, 21}},
             {{61, 51}, {48, 18}, {20, 9}},
             {{46, 18}, {17, 7}, {8, 2}}},
            {{{-1, 53}, {-1, 24}, {-1, 14}},
             {{-1, 24}, {-1, 12}, {-1, 5}},
             {{-1, 10}, {-1, 3}, {-1, 1}}},
        },
    },
};

/* Effective values the score is computed from: M* overrides its base
 * metric, E X means A (attacked), CR/IR/AR X mean H (worst case). */
typedef struct {
    char av, pr, ui, ac, at, vc, vi, va, sc, si, sa, cr, ir, ar, e;
} cvss4_eff;

/* The highest-severity vectors of each EQ level (specification Tables 24-30,
 * in the reference calculator's order: the first whose distances are all
 * non-negative is used, so the order matters). */
static const char *const max_eq1[3][3] = {
    {"NNN", NULL, NULL}, /* AV PR UI */
    {"ANN", "NLN", "NNP"},
    {"PNN", "ALP", NULL},
};
static const char *const max_eq2[2][2] = {
    {"LN", NULL}, /* AC AT */
    {"HN", "LP"},
};
static const char *const max_eq36[3][2][5] = {
    /* VC VI VA CR IR AR */
    {{"HHHHHH", NULL}, {"HHLMMH", "HHHMMM", NULL}},
    {{"LHHHHH", "HLHHHH", NULL}, {"LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM"}},
    {{NULL}, {"LLLHHH", NULL}},
};
static const char *const max_eq4[3] = {"HSS", "HHH", "LLL"}; /* SC SI SA */

/* Position of v in the severity order of its metric (0 = most severe),
 * plus the metric's offset: SC starts one step below SI/SA's S so that the
 * levels are those of the reference (SC H 0.1, SI S 0.0). */
static int level(const char *order, int offset, char v)
{
    const char *p = strchr(order, v);
    return p ? (int)(p - order) + offset : 0;
}

static int lvl_av(char v)
{
    return level("NALP", 0, v);
}
static int lvl_pr(char v)
{
    return level("NLH", 0, v);
}
static int lvl_ui(char v)
{
    return level("NPA", 0, v);
}
static int lvl_ac(char v)
{
    return level("LH", 0, v);
}
static int lvl_at(char v)
{
    return level("NP", 0, v);
}
static int lvl_imp(char v)
{
    return level("HLN", 0, v);
}
static int lvl_sc(char v)
{
    return level("HLN", 1, v);
}
static int lvl_sub(char v)
{
    return level("SHLN", 0, v);
}
static int lvl_req(char v)
{
    return level("HML", 0, v);
}

/* Score of a MacroVector in tenths, or -1 when it does not exist (also for
 * levels past the last one, which the interpolation asks for). */
static int lookup(int e1, int e2, int e3, int e4, int e5, int e6)
{
    if (e1 > 2 || e2 > 1 || e3 > 2 || e4 > 2 || e5 > 2 || e6 > 1)
        return -1;
    return macro_score[e1][e2][e3][e4][e5][e6];
}

/* Parses the vector into v[] (one value letter per metric, 0 if absent).
 * Returns 0, or -1 with *why set to a static description. */
static int parse(const char *vector, char v[M_COUNT], const char **why)
{
    memset(v, 0, M_COUNT);
    if (strnlen(vector, CVSS4_VECTOR_MAX + 1) > CVSS4_VECTOR_MAX) {
        *why = "longer than any valid vector";
        return -1;
    }
    if (strncmp(vector, "CVSS:4.0/", 9) != 0) {
        *why = "not a CVSS:4.0 vector";
        return -1;
    }
    const char *p = vector + 9;
    for (;;) {
        const char *end = strchr(p, '/');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *colon = memchr(p, ':', n);
        if (!colon || colon == p || (size_t)(colon - p) + 1 == n) {
            *why = "a metric is not NAME:VALUE";
            return -1;
        }
        size_t kl = (size_t)(colon - p), vl = n - kl - 1;
        const char *val = colon + 1;
        int m = -1;
        for (int i = 0; i < M_COUNT; i++)
            if (strlen(metric_defs[i].name) == kl && memcmp(metric_defs[i].name, p, kl) == 0)
                m = i;
        if (m < 0) {
            *why = "unknown metric";
            return -1;
        }
        if (v[m]) {
            *why = "a metric appears twice";
            return -1;
        }
        if (m == M_U) {
            static const char *const words[] = {"X", "Clear", "Green", "Amber", "Red"};
            bool ok = false;
            for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
                ok |= strlen(words[i]) == vl && memcmp(words[i], val, vl) == 0;
            if (!ok) {
                *why = "invalid metric value";
                return -1;
            }
            v[m] = val[0];
        } else {
            if (vl != 1 || val[0] == '\0' || !strchr(metric_defs[m].values, val[0])) {
                *why = "invalid metric value";
                return -1;
            }
            v[m] = val[0];
        }
        if (!end)
            break;
        p = end + 1;
    }
    for (int i = 0; i < M_BASE_COUNT; i++)
        if (!v[i]) {
            *why = "missing base metric";
            return -1;
        }
    return 0;
}

static char effective(const char v[M_COUNT], int base)
{
    char mod = v[M_MAV + base];
    return mod && mod != 'X' ? mod : v[base];
}

static char or_default(char c, char dflt)
{
    return !c || c == 'X' ? dflt : c;
}

/* Score in tenths (0..100) of a parsed vector. */
static int score_tenths(const char v[M_COUNT])
{
    cvss4_eff x = {
        .av = effective(v, M_AV),
        .pr = effective(v, M_PR),
        .ui = effective(v, M_UI),
        .ac = effective(v, M_AC),
        .at = effective(v, M_AT),
        .vc = effective(v, M_VC),
        .vi = effective(v, M_VI),
        .va = effective(v, M_VA),
        .sc = effective(v, M_SC),
        .si = effective(v, M_SI),
        .sa = effective(v, M_SA),
        .cr = or_default(v[M_CR], 'H'),
        .ir = or_default(v[M_IR], 'H'),
        .ar = or_default(v[M_AR], 'H'),
        .e = or_default(v[M_E], 'A'),
    };
    /* no impact on either system: nothing to score */
    if (x.vc == 'N' && x.vi == 'N' && x.va == 'N' && x.sc == 'N' && x.si == 'N' && x.sa == 'N')
        return 0;

    /* equivalence classes (specification Table 24 onwards) */
    int eq1 = x.av == 'N' && x.pr == 'N' && x.ui == 'N'                    ? 0
              : (x.av == 'N' || x.pr == 'N' || x.ui == 'N') && x.av != 'P' ? 1
                                                                           : 2;
    int eq2 = x.ac == 'L' && x.at == 'N' ? 0 : 1;
    int eq3 = x.vc == 'H' && x.vi == 'H' ? 0 : x.vc == 'H' || x.vi == 'H' || x.va == 'H' ? 1 : 2;
    int eq4 = x.si == 'S' || x.sa == 'S' ? 0 : x.sc == 'H' || x.si == 'H' || x.sa == 'H' ? 1 : 2;
    int eq5 = x.e == 'A' ? 0 : x.e == 'P' ? 1 : 2;
    int eq6 =
        (x.cr == 'H' && x.vc == 'H') || (x.ir == 'H' && x.vi == 'H') || (x.ar == 'H' && x.va == 'H')
            ? 0
            : 1;
    int value = lookup(eq1, eq2, eq3, eq4, eq5, eq6);
    if (value < 0)
        return 0; /* unreachable: every class combination above exists */

    /* a. scores of the next lower MacroVector along each EQ (-1: none) */
    int next1 = lookup(eq1 + 1, eq2, eq3, eq4, eq5, eq6);
    int next2 = lookup(eq1, eq2 + 1, eq3, eq4, eq5, eq6);
    int next36;
    if (eq3 == 0 && eq6 == 0) { /* two ways down: the higher one */
        int l = lookup(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
        int r = lookup(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
        next36 = l > r ? l : r;
    } else if (eq3 == 1 && eq6 == 0)
        next36 = lookup(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
    else if (eq6 == 1 && eq3 < 2)
        next36 = lookup(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
    else
        next36 = -1;
    int next4 = lookup(eq1, eq2, eq3, eq4 + 1, eq5, eq6);
    int next5 = lookup(eq1, eq2, eq3, eq4, eq5 + 1, eq6);

    /* b. severity distance to the first highest-severity vector of this
     * MacroVector that is at least as severe in every metric (E needs no
     * distance: EQ5 has one value per level) */
    int d[14] = {0};
    for (int i1 = 0; i1 < 3 && max_eq1[eq1][i1]; i1++)
        for (int i2 = 0; i2 < 2 && max_eq2[eq2][i2]; i2++)
            for (int i3 = 0; i3 < 5 && max_eq36[eq3][eq6][i3]; i3++) {
                const char *m1 = max_eq1[eq1][i1], *m2 = max_eq2[eq2][i2],
                           *m3 = max_eq36[eq3][eq6][i3], *m4 = max_eq4[eq4];
                d[0] = lvl_av(x.av) - lvl_av(m1[0]);
                d[1] = lvl_pr(x.pr) - lvl_pr(m1[1]);
                d[2] = lvl_ui(x.ui) - lvl_ui(m1[2]);
                d[3] = lvl_ac(x.ac) - lvl_ac(m2[0]);
                d[4] = lvl_at(x.at) - lvl_at(m2[1]);
                d[5] = lvl_imp(x.vc) - lvl_imp(m3[0]);
                d[6] = lvl_imp(x.vi) - lvl_imp(m3[1]);
                d[7] = lvl_imp(x.va) - lvl_imp(m3[2]);
                d[8] = lvl_req(x.cr) - lvl_req(m3[3]);
                d[9] = lvl_req(x.ir) - lvl_req(m3[4]);
                d[10] = lvl_req(x.ar) - lvl_req(m3[5]);
                d[11] = lvl_sc(x.sc) - lvl_sc(m4[0]);
                d[12] = lvl_sub(x.si) - lvl_sub(m4[1]);
                d[13] = lvl_sub(x.sa) - lvl_sub(m4[2]);
                bool all = true;
                for (int k = 0; k < 14; k++)
                    all &= d[k] >= 0;
                if (all)
                    goto found;
            }
    /* none qualifies: like the reference, keep the last one's distances */
found:;
    /* c, d. each EQ with a lower MacroVector moves the score down by the
     * available difference times distance / depth of the level; the mean
     * over those EQs is taken. Depths ("max severity") from the reference
     * calculator, in steps of one. */
    static const int depth1[3] = {1, 4, 5}, depth2[2] = {1, 2}, depth4[3] = {6, 5, 4};
    static const int depth36[3][2] = {{7, 6}, {8, 8}, {0, 10}};
    enum { L = 840 }; /* lcm of the depths */
    int dist1 = d[0] + d[1] + d[2], dist2 = d[3] + d[4],
        dist36 = d[5] + d[6] + d[7] + d[8] + d[9] + d[10], dist4 = d[11] + d[12] + d[13];
    int64_t sum = 0; /* sum of the moves, in units of 1/(10 L) */
    int count = 0;
    if (next1 >= 0) {
        sum += (int64_t)(value - next1) * dist1 * (L / depth1[eq1]);
        count++;
    }
    if (next2 >= 0) {
        sum += (int64_t)(value - next2) * dist2 * (L / depth2[eq2]);
        count++;
    }
    if (next36 >= 0) {
        sum += (int64_t)(value - next36) * dist36 * (L / depth36[eq3][eq6]);
        count++;
    }
    if (next4 >= 0) {
        sum += (int64_t)(value - next4) * dist4 * (L / depth4[eq4]);
        count++;
    }
    if (next5 >= 0)
        count++; /* EQ5's distance within a level is always 0 */
    if (count == 0)
        count = 1; /* no lower MacroVector: the mean is 0 */
    /* score*10 = value - sum / (L count) = num / den, rounded half up */
    int64_t den = (int64_t)L * count, num = (int64_t)value * den - sum;
    if (num <= 0)
        return 0;
    if (num >= 100 * den)
        return 100;
    return (int)((2 * num + den) / (2 * den));
}

int ld_cvss4_base_score(const char *vector, double *score, ld_error *err)
{
    char v[M_COUNT];
    const char *why = "not a CVSS:4.0 vector";
    if (!vector || parse(vector, v, &why) < 0)
        return ld_error_set(err, LD_ERR_INVALID, "cvss vector \"%.80s\": %s", vector ? vector : "",
                            why);
    *score = score_tenths(v) / 10.0;
    return 0;
}

int ld_cvss4_score(const char *vector, double *score)
{
    return ld_cvss4_base_score(vector, score, NULL);
}
