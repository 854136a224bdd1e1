/* Package-manager rules over RUN commands: apt-get/apt/aptitude, apk,
 * yum/dnf/microdnf/tdnf, pip and npm — verification switched off
 * (dockerfile.unverified-packages), packages without a pinned version
 * (dockerfile.package-pinning), apt-get install without
 * --no-install-recommends (dockerfile.apt-no-recommends), sudo installed
 * (dockerfile.sudo), and the index updates and installs update-alone weighs.
 * What cannot be seen from the command line (a requirements file, a
 * variable, a local package file) is given the benefit of the doubt. Not for
 * splitting scripts into commands (dockerfile_shell.c, dockerfile_run.c). */
#include <stdlib.h>
#include <string.h>

#include "checks/dockerfile_rules_internal.h"

/* True when a package manager's subcommand leaves nothing more to judge: no
 * subcommand at all, or an index update (`apt-get update`, `apk update`),
 * which is remembered for update-alone. */
static bool no_subcommand_or_update(df_cmd_at *a, const char *sub)
{
    if (!sub)
        return true;
    if (strcmp(sub, "update") != 0)
        return false;
    a->L->saw_update = true;
    if (!a->L->update_line)
        a->L->update_line = a->line;
    return true;
}

static void note_package(df_cmd_at *a, const char *mgr, const char *pkg, bool pinned)
{
    const char *name = pkg;
    if (strcmp(df_base_name(name), "sudo") == 0 || df_starts_with(name, "sudo=") ||
        (df_starts_with(name, "sudo-") && name[5] >= '0' && name[5] <= '9'))
        df_fail_at(a->L, R_SUDO, a->line, a->context, "installs sudo with %s", mgr);
    if (!pinned)
        df_fail_at(a->L, R_PINNING, a->line, a->context, "%s: %s", mgr, pkg);
}

/* Options of apt-get/apt that take a value as the next word. */
static bool apt_opt_takes_value(const char *o)
{
    return strcmp(o, "-o") == 0 || strcmp(o, "-c") == 0 || strcmp(o, "-t") == 0 ||
           strcmp(o, "--option") == 0 || strcmp(o, "--config-file") == 0 ||
           strcmp(o, "--target-release") == 0 || strcmp(o, "--default-release") == 0;
}

/* apt-get/apt/aptitude: unverified options, update vs install, recommends,
 * and the packages of an install (pinned: pkg=version). */
static void check_apt(df_cmd_at *a, const ld_strlist *w, size_t ci)
{
    const char *mgr = df_base_name(w->v[ci]);
    const char *sub = NULL;
    size_t si = 0;
    bool no_rec = false;
    for (size_t i = ci + 1; i < w->n; i++) {
        const char *o = w->v[i];
        if (strcmp(o, "--allow-unauthenticated") == 0 || strcmp(o, "--force-yes") == 0 ||
            strcmp(o, "--allow-insecure-repositories") == 0 ||
            strstr(o, "AllowUnauthenticated=true") || strstr(o, "AllowInsecureRepositories=true") ||
            strstr(o, "Verify-Peer=false") || strstr(o, "trusted=yes"))
            df_fail_at(a->L, R_UNVERIFIED, a->line, a->context, "%s %s", mgr, o);
        if (strcmp(o, "--no-install-recommends") == 0 || strstr(o, "Install-Recommends=false") ||
            strstr(o, "Install-Recommends=0") || strstr(o, "Install-Recommends=no"))
            no_rec = true;
        if (o[0] == '-') {
            if (apt_opt_takes_value(o))
                i++;
            continue;
        }
        if (!sub) {
            sub = o;
            si = i;
        }
    }
    if (no_subcommand_or_update(a, sub))
        return;
    bool install = strcmp(sub, "install") == 0;
    if (install || strcmp(sub, "upgrade") == 0 || strcmp(sub, "dist-upgrade") == 0 ||
        strcmp(sub, "full-upgrade") == 0 || strcmp(sub, "build-dep") == 0)
        a->L->saw_install = true;
    if (!install)
        return;
    if (!no_rec)
        df_fail_at(a->L, R_RECOMMENDS, a->line, a->context,
                   "%s install without --no-install-recommends", mgr);
    for (size_t i = si + 1; i < w->n; i++) {
        const char *o = w->v[i];
        if (o[0] == '-') {
            if (apt_opt_takes_value(o))
                i++;
            continue;
        }
        if (strchr(o, '$') || strchr(o, '/') || df_ends_with(o, ".deb"))
            continue; /* a variable or a local .deb: cannot tell */
        note_package(a, mgr, o, strchr(o, '=') != NULL);
    }
}

/* apk: --allow-untrusted, update vs add, packages of add (pinned: = or ~). */
static void check_apk(df_cmd_at *a, const ld_strlist *w, size_t ci)
{
    const char *sub = NULL;
    size_t si = 0;
    bool update_flag = false;
    for (size_t i = ci + 1; i < w->n; i++) {
        const char *o = w->v[i];
        if (strcmp(o, "--allow-untrusted") == 0 || strcmp(o, "--no-verify") == 0)
            df_fail_at(a->L, R_UNVERIFIED, a->line, a->context, "apk %s", o);
        if (strcmp(o, "-U") == 0 || strcmp(o, "--update-cache") == 0 || strcmp(o, "--update") == 0)
            update_flag = true;
        if (o[0] == '-') {
            if (strcmp(o, "-t") == 0 || strcmp(o, "--virtual") == 0 || strcmp(o, "-X") == 0 ||
                strcmp(o, "--repository") == 0 || strcmp(o, "-p") == 0 ||
                strcmp(o, "--root") == 0 || strcmp(o, "--arch") == 0 ||
                strcmp(o, "--repositories-file") == 0 || strcmp(o, "--cache-dir") == 0 ||
                strcmp(o, "--keys-dir") == 0)
                i++;
            continue;
        }
        if (!sub) {
            sub = o;
            si = i;
        }
    }
    if (no_subcommand_or_update(a, sub))
        return;
    if (strcmp(sub, "add") != 0) {
        if (strcmp(sub, "upgrade") == 0)
            a->L->saw_install = true;
        return;
    }
    a->L->saw_install = true;
    (void)update_flag;
    for (size_t i = si + 1; i < w->n; i++) {
        const char *o = w->v[i];
        if (o[0] == '-') {
            if (strcmp(o, "-t") == 0 || strcmp(o, "--virtual") == 0 || strcmp(o, "-X") == 0 ||
                strcmp(o, "--repository") == 0 || strcmp(o, "-p") == 0 ||
                strcmp(o, "--root") == 0 || strcmp(o, "--arch") == 0)
                i++;
            continue;
        }
        if (strchr(o, '$') || strchr(o, '/') || df_ends_with(o, ".apk"))
            continue;
        note_package(a, "apk add", o, strchr(o, '=') != NULL || strchr(o, '~') != NULL);
    }
}

static bool pip_opt_takes_value(const char *o)
{
    static const char *const opts[] = {"-r",
                                       "--requirement",
                                       "-c",
                                       "--constraint",
                                       "-e",
                                       "--editable",
                                       "-i",
                                       "--index-url",
                                       "--extra-index-url",
                                       "-f",
                                       "--find-links",
                                       "-t",
                                       "--target",
                                       "--prefix",
                                       "--root",
                                       "--trusted-host",
                                       "--platform",
                                       "--python-version",
                                       "--implementation",
                                       "--abi",
                                       "--src",
                                       "--upgrade-strategy",
                                       "--progress-bar",
                                       "--cache-dir",
                                       "--log",
                                       "--proxy",
                                       "--retries",
                                       "--timeout",
                                       "--exists-action",
                                       "--cert",
                                       "--client-cert",
                                       "--no-binary",
                                       "--only-binary",
                                       "--config-settings",
                                       "-C",
                                       "--global-option",
                                       "--hash"};
    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
        if (strcmp(o, opts[i]) == 0)
            return true;
    return false;
}

/* pip install (si: index of "install"): --trusted-host, packages (pinned: ==
 * or a direct reference); requirement files and paths are not judged. */
static void check_pip(df_cmd_at *a, const ld_strlist *w, size_t si)
{
    for (size_t i = si + 1; i < w->n; i++) {
        const char *o = w->v[i];
        if (strcmp(o, "--trusted-host") == 0 || df_starts_with(o, "--trusted-host="))
            df_fail_at(a->L, R_UNVERIFIED, a->line, a->context, "pip %s", o);
        if (o[0] == '-') {
            if (pip_opt_takes_value(o))
                i++;
            continue;
        }
        if (strchr(o, '$') || strchr(o, '/') || o[0] == '.' || df_ends_with(o, ".whl") ||
            df_ends_with(o, ".tar.gz") || df_ends_with(o, ".zip"))
            continue;
        note_package(a, "pip install", o, strstr(o, "==") != NULL || strchr(o, '@') != NULL);
    }
}

/* npm install/i/add: strict-ssl off; with -g, packages without @version. */
static void check_npm(df_cmd_at *a, const ld_strlist *w, size_t ci)
{
    size_t si = 0;
    for (size_t i = ci + 1; i < w->n; i++)
        if (w->v[i][0] != '-') {
            si = i;
            break;
        }
    if (!si)
        return;
    const char *sub = w->v[si];
    if (strcmp(sub, "install") != 0 && strcmp(sub, "i") != 0 && strcmp(sub, "add") != 0)
        return;
    bool global = df_has_word(w, ci + 1, "-g") || df_has_word(w, ci + 1, "--global") ||
                  df_word_contains(w, ci + 1, "--location=global");
    for (size_t i = si + 1; i < w->n; i++) {
        const char *o = w->v[i];
        if (strcmp(o, "--strict-ssl=false") == 0 || strcmp(o, "--no-strict-ssl") == 0)
            df_fail_at(a->L, R_UNVERIFIED, a->line, a->context, "npm %s", o);
        if (!global || o[0] == '-')
            continue;
        if (strchr(o, '$') || strchr(o, ':') || o[0] == '.' || o[0] == '/' ||
            (o[0] != '@' && strchr(o, '/')))
            continue;
        const char *at_sign = strchr(o + 1, '@');
        note_package(a, "npm install -g", o,
                     at_sign != NULL && at_sign[1] != '\0' && strcmp(at_sign + 1, "latest") != 0);
    }
}

/* yum/dnf/microdnf/tdnf: gpgcheck off, packages of install (pinned: -version). */
static void check_yum(df_cmd_at *a, const ld_strlist *w, size_t ci)
{
    const char *mgr = df_base_name(w->v[ci]);
    const char *sub = NULL;
    size_t si = 0;
    for (size_t i = ci + 1; i < w->n; i++) {
        const char *o = w->v[i];
        if (strcmp(o, "--nogpgcheck") == 0 || strstr(o, "gpgcheck=0") || strstr(o, "sslverify=0") ||
            strstr(o, "sslverify=false"))
            df_fail_at(a->L, R_UNVERIFIED, a->line, a->context, "%s %s", mgr, o);
        if (o[0] == '-') {
            if (strcmp(o, "-c") == 0 || strcmp(o, "--installroot") == 0 ||
                strcmp(o, "--releasever") == 0 || strcmp(o, "--setopt") == 0 ||
                strcmp(o, "--enablerepo") == 0 || strcmp(o, "--disablerepo") == 0)
                i++;
            continue;
        }
        if (!sub) {
            sub = o;
            si = i;
        }
    }
    if (!sub || strcmp(sub, "install") != 0)
        return;
    for (size_t i = si + 1; i < w->n; i++) {
        const char *o = w->v[i];
        if (o[0] == '-') {
            if (strcmp(o, "--setopt") == 0 || strcmp(o, "--enablerepo") == 0 ||
                strcmp(o, "--disablerepo") == 0 || strcmp(o, "--releasever") == 0)
                i++;
            continue;
        }
        if (strchr(o, '$') || strchr(o, '/') || df_ends_with(o, ".rpm") || o[0] == '@')
            continue;
        bool pinned = false;
        for (const char *p = o; *p; p++)
            if (p[0] == '-' && p[1] >= '0' && p[1] <= '9')
                pinned = true;
        note_package(a, mgr, o, pinned || strchr(o, '=') != NULL);
    }
}

/* The package-manager rules for command word ci of w (apt-get, apt,
 * aptitude, apk, yum, dnf, microdnf, tdnf, npm, pip, `python -m pip`); any
 * other command is left alone. */
void df_check_packages(df_cmd_at *a, const ld_strlist *w, size_t ci)
{
    const char *name = df_base_name(w->v[ci]);
    if (strcmp(name, "apt-get") == 0 || strcmp(name, "apt") == 0 || strcmp(name, "aptitude") == 0)
        check_apt(a, w, ci);
    else if (strcmp(name, "apk") == 0)
        check_apk(a, w, ci);
    else if (strcmp(name, "yum") == 0 || strcmp(name, "dnf") == 0 ||
             strcmp(name, "microdnf") == 0 || strcmp(name, "tdnf") == 0)
        check_yum(a, w, ci);
    else if (strcmp(name, "npm") == 0)
        check_npm(a, w, ci);
    else if ((df_starts_with(name, "pip") &&
              (name[3] == '\0' || (name[3] >= '0' && name[3] <= '9'))) &&
             ci + 1 < w->n && strcmp(w->v[ci + 1], "install") == 0)
        check_pip(a, w, ci + 1);
    else if (df_starts_with(name, "python") && ci + 3 < w->n && strcmp(w->v[ci + 1], "-m") == 0 &&
             strcmp(w->v[ci + 2], "pip") == 0 && strcmp(w->v[ci + 3], "install") == 0)
        check_pip(a, w, ci + 3);
}
