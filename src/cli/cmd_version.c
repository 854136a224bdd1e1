/* `lockdown version`: print the version; `lockdown version compare ECOSYSTEM
 * A B`: print <, = or > as the ecosystem's package manager orders A and B
 * (src/vuln/version.h). Argument handling and printing only. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "vuln/version.h"

static bool is_help(const char *a)
{
    return strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0;
}

static void usage(FILE *f)
{
    fputs("Usage: lockdown version\n"
          "       lockdown version compare ECOSYSTEM A B\n"
          "\n"
          "Without a subcommand, prints the version of lockdown.\n"
          "\n"
          "Subcommands:\n"
          "  compare    compare two versions the way the ecosystem's package manager does\n"
          "\n"
          "Run 'lockdown version compare --help' for the ecosystems.\n",
          f);
}

static void compare_usage(FILE *f)
{
    fputs("Usage: lockdown version compare [--] ECOSYSTEM A B\n"
          "\n"
          "Prints '<', '=' or '>' as A compares with B under ECOSYSTEM's rules:\n"
          "  deb       dpkg (Debian, Ubuntu): epoch, upstream, revision, '~' first\n"
          "  apk       apk-tools (Alpine): _alpha.._rc < release < _p, -rN\n"
          "  rpm       rpmvercmp: epoch:version-release, '~' and '^'\n"
          "  pypi      PEP 440\n"
          "  npm       node-semver (loose: v/= prefix, leading zeros)\n"
          "  semver    SemVer 2.0.0 (crates.io)\n"
          "  maven     Maven ComparableVersion\n"
          "  go        Go modules (v1.2.3, +incompatible, pseudo-versions)\n"
          "  gem       RubyGems Gem::Version\n"
          "  nuget     NuGet\n"
          "  composer  Composer (Packagist)\n"
          "OSV ecosystem names (Debian, Alpine, PyPI, crates.io, ...) are accepted too.\n"
          "\n"
          "Exit codes: 0 compared, 2 usage error or unknown ecosystem,\n"
          "3 a version is invalid under the ecosystem's rules.\n",
          f);
}

static int compare(int argc, char **argv)
{
    const char *pos[3];
    int n = 0;
    bool dashdash = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!dashdash && is_help(a)) {
            compare_usage(stdout);
            return LD_EXIT_OK;
        }
        if (!dashdash && strcmp(a, "--") == 0) {
            dashdash = true;
            continue;
        }
        if (!dashdash && a[0] == '-' && a[1] == '-')
            return cli_usage_error("version compare", "unknown option '%s'", a);
        if (n == 3)
            return cli_usage_error("version compare", "unexpected argument \"%s\"", a);
        pos[n++] = a;
    }
    if (n != 3)
        return cli_usage_error("version compare", "expected ECOSYSTEM A B (%d argument%s given)", n,
                               n == 1 ? "" : "s");
    ld_version_scheme s;
    if (ld_version_scheme_for_ecosystem(pos[0], &s) < 0)
        return cli_usage_error("version compare",
                               "unknown ecosystem \"%s\" (deb, apk, rpm, pypi, npm, semver, "
                               "maven, go, gem, nuget, composer)",
                               pos[0]);
    ld_error err = LD_ERROR_INIT;
    int r = 0;
    if (ld_version_compare(s, pos[1], pos[2], &r, &err) < 0)
        return cli_error_exit(&err); /* prints the one line */
    puts(r < 0 ? "<" : r > 0 ? ">" : "=");
    return LD_EXIT_OK;
}

int cmd_version(int argc, char **argv)
{
    if (argc < 2) {
        printf("lockdown %s\n", LOCKDOWN_VERSION);
        return LD_EXIT_OK;
    }
    if (is_help(argv[1])) {
        usage(stdout);
        return LD_EXIT_OK;
    }
    if (strcmp(argv[1], "compare") == 0)
        return compare(argc - 1, argv + 1);
    static const char *const subs[] = {"compare", NULL};
    return cli_unknown_subcommand("version", argv[1], subs);
}
