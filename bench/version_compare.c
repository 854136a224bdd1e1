/* Micro-benchmark for ld_version_compare (src/vuln/version.h): for each
 * scheme, compares every pair of a realistic version list in a loop and
 * prints comparisons per second, next to strcmp over the same pairs as a
 * floor. Built and run by bench/version_compare.sh; not a test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vuln/version.h"

static const char *const deb[] = {"1.0",
                                  "1.0-1",
                                  "1:2.3.4-5+deb12u1",
                                  "7.88.1-10+deb12u5",
                                  "2.36-9+deb12u4",
                                  "1.0~rc1-1",
                                  "3.0.11-1~deb12u2",
                                  "252.22-1~deb12u1",
                                  NULL};
static const char *const apk[] = {"1.0",
                                  "1.0-r1",
                                  "3.1.4-r5",
                                  "1.36.1-r15",
                                  "2.4.58_rc1-r0",
                                  "1.2.13_p2-r1",
                                  "8.5.0_git20230101-r0",
                                  "0.9.8c-r1",
                                  NULL};
static const char *const rpm[] = {
    "1.0",       "1.0-1.el9",  "5.14.0-362.8.1.el9_3", "1:2.3.4-5.fc38",
    "1.0~rc1-1", "1.0^git1-1", "4.18.0-1.fc38",        "2.0.1a-3",
    NULL};
static const char *const pypi[] = {"1.0",      "2.31.0",   "1.0a1",         "1.0.post1", "1!2.0",
                                   "3.2.1rc2", "1.0.dev3", "4.5.6+local.7", NULL};
static const char *const npm[] = {"1.0.0",         "4.17.21",       "1.0.0-beta.11",
                                  "v2.3.4",        "10.2.0-rc.1",   "0.0.1",
                                  "3.0.0+build.5", "1.2.3-alpha.1", NULL};
static const char *const semver[] = {"1.0.0", "0.4.38",        "1.0.0-beta.11", "2.3.4", "1.72.0",
                                     "0.0.1", "3.0.0+build.5", "1.2.3-alpha.1", NULL};
static const char *const maven[] = {"1.0",        "2.13.4.2",         "5.3.20.RELEASE",
                                    "31.1-jre",   "1.0-SNAPSHOT",     "2.0.0-M1",
                                    "1.2.3-rc-2", "9.4.51.v20230217", NULL};
static const char *const go[] = {"v1.0.0",
                                 "v0.0.0-20191109021931-daa7c04131f5",
                                 "v2.0.0+incompatible",
                                 "v1.21.3",
                                 "v1.2.4-0.20200101000000-abcdefabcdef",
                                 "v0.17.0",
                                 "v1.0.0-rc.1",
                                 "v3.5.9",
                                 NULL};
static const char *const gem[] = {"1.0",         "7.0.8.1", "1.0.0.rc1", "2.7.4", "1.15.5",
                                  "3.2.0.beta2", "0.9",     "6.1.7.6",   NULL};
static const char *const nuget[] = {"1.0.0",      "13.0.3",          "6.0.0-rc.1.21451.13",
                                    "4.7.2.1",    "8.0.0-preview.7", "2.1",
                                    "5.0.0+meta", "1.0.0-beta",      NULL};
static const char *const composer[] = {"1.0.0",     "v5.4.21", "2.0.0-RC1", "6.3.0-beta2", "1.2",
                                       "3.0.0-dev", "7.4.33",  "1.0.0-p1",  NULL};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv);

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
    const char *const *lists[LD_VER_COUNT] = {
        [LD_VER_DEB] = deb,           [LD_VER_APK] = apk,
        [LD_VER_RPM] = rpm,           [LD_VER_PYPI] = pypi,
        [LD_VER_NPM] = npm,           [LD_VER_SEMVER] = semver,
        [LD_VER_MAVEN] = maven,       [LD_VER_GO] = go,
        [LD_VER_GEM] = gem,           [LD_VER_NUGET] = nuget,
        [LD_VER_COMPOSER] = composer,
    };
    printf("%-9s %14s %14s %7s\n", "scheme", "compares/s", "strcmp/s", "ratio");
    volatile long sink = 0;
    for (int s = 0; s < LD_VER_COUNT; s++) {
        const char *const *v = lists[s];
        long n = 0, errors = 0;
        double t0 = now();
        for (long r = 0; r < rounds; r++)
            for (int i = 0; v[i]; i++)
                for (int j = 0; v[j]; j++) {
                    int res = 0;
                    if (ld_version_compare((ld_version_scheme)s, v[i], v[j], &res, NULL) < 0)
                        errors++;
                    sink += res;
                    n++;
                }
        double t1 = now();
        for (long r = 0; r < rounds; r++)
            for (int i = 0; v[i]; i++)
                for (int j = 0; v[j]; j++)
                    sink += strcmp(v[i], v[j]) < 0;
        double t2 = now();
        double ours = (double)n / (t1 - t0), floor_ = (double)n / (t2 - t1);
        printf("%-9s %14.0f %14.0f %6.1fx%s\n", ld_version_scheme_name((ld_version_scheme)s), ours,
               floor_, floor_ / ours, errors ? "  (errors!)" : "");
    }
    return sink == 42 ? 1 : 0;
}
