/* host.reboot-pending: were the installed updates applied, or do they wait
 * for a reboot (NIST SP 800-190 HOST-02: "updates applied")? Two signs:
 * the reboot-required flag Debian and Ubuntu packages leave in /run (with
 * the packages that asked, in reboot-required.pkgs), and a running kernel
 * older than the newest kernel package installed — compared in the package
 * manager's own version order (deb, rpm), and for Debian kernels upgraded
 * in place (same release name, new package) through the package version
 * the kernel reports in uname -v. Contract in host_packages.h. Not for
 * services that still map deleted libraries (needrestart's job). */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "host/host_files.h"
#include "host/host_packages_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"
#include "vuln/version.h"

#define CHECK_ID LD_HOST_REBOOT_CHECK
#define PKGS_FILE_MAX ((size_t)64 << 10)
#define PKGS_SHOWN 10
#define NAME_SHOWN_MAX 80

static const char *const flag_files[] = {"/run/reboot-required", "/var/run/reboot-required"};
static const char *const pkgs_files[] = {"/run/reboot-required.pkgs",
                                         "/var/run/reboot-required.pkgs"};

/* rpm packages that hold a bootable kernel (their version-release.arch is uname -r). */
static const char *const rpm_kernels[] = {"kernel",     "kernel-core",    "kernel-default",
                                          "kernel-uek", "kernel-rt-core", NULL};

/* A kernel package: the release it boots as (uname -r) and its version. */
typedef struct {
    const ld_package *pkg;
    char *release;
} kernel_pkg;

typedef struct {
    kernel_pkg *v;
    size_t n, cap;
    ld_version_scheme scheme;
} kernel_list;

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The release a package boots as, or NULL when it is no kernel image. */
static char *kernel_release_of(const ld_package *p)
{
    if (!p->name || !p->version)
        return NULL;
    if (p->eco == LD_ECO_DEB) {
        /* linux-image-6.1.0-18-amd64 (and its -unsigned twin); not the
         * linux-image-amd64 meta package, not -dbg symbols */
        static const char prefix[] = "linux-image-";
        const char *rel = p->name + sizeof(prefix) - 1;
        if (strncmp(p->name, prefix, sizeof(prefix) - 1) != 0 || !isdigit((unsigned char)*rel) ||
            ends_with(rel, "-dbg"))
            return NULL;
        if (ends_with(rel, "-unsigned"))
            return ld_xstrndup(rel, strlen(rel) - (sizeof("-unsigned") - 1));
        return ld_xstrdup(rel);
    }
    if (p->eco == LD_ECO_RPM && p->arch) {
        for (const char *const *k = rpm_kernels; *k; k++) {
            if (strcmp(p->name, *k) != 0)
                continue;
            const char *colon = strchr(p->version, ':'); /* the epoch is not in uname -r */
            return ld_xasprintf("%s.%s", colon ? colon + 1 : p->version, p->arch);
        }
    }
    return NULL;
}

static void kernels_of(const ld_package_list *pkgs, kernel_list *out)
{
    for (size_t i = 0; i < pkgs->n; i++) {
        char *rel = kernel_release_of(&pkgs->items[i]);
        if (!rel)
            continue;
        ld_xgrow(&out->v, &out->cap, out->n + 1, sizeof(*out->v));
        out->v[out->n++] = (kernel_pkg){&pkgs->items[i], rel};
        out->scheme = pkgs->items[i].eco == LD_ECO_RPM ? LD_VER_RPM : LD_VER_DEB;
    }
}

static void kernels_clear(kernel_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].release);
    free(l->v);
}

/* a < b in the list's version order (a version that does not compare is never older). */
static bool older(const kernel_list *l, const char *a, const char *b)
{
    int c = 0;
    return ld_version_compare(l->scheme, a, b, &c, NULL) == 0 && c < 0;
}

/* The Debian package version in uname -v ("#1 SMP PREEMPT_DYNAMIC Debian
 * 6.1.76-1 (2024-02-01)"), or NULL. */
static char *debian_build_version(const char *uname_v)
{
    const char *p = uname_v ? strstr(uname_v, "Debian ") : NULL;
    if (!p)
        return NULL;
    p += 7;
    size_t n = 0;
    while (p[n] && !isspace((unsigned char)p[n]) && n < LD_VERSION_MAX)
        n++;
    return n && isdigit((unsigned char)*p) ? ld_xstrndup(p, n) : NULL;
}

/* A printable copy of s[0..n) for evidence (control bytes and non-ASCII
 * become '?'), at most NAME_SHOWN_MAX bytes. */
static char *shown(const char *s, size_t n)
{
    if (n > NAME_SHOWN_MAX)
        n = NAME_SHOWN_MAX;
    char *o = ld_xstrndup(s, n);
    for (char *c = o; *c; c++)
        if (!isprint((unsigned char)*c) || (unsigned char)*c > 0x7e)
            *c = '?';
    return o;
}

/* The packages named in reboot-required.pkgs (first PKGS_SHOWN, unique),
 * as ", packages asking for it: a, b (and N more)"; "" when none. */
static char *flag_packages(const char *root)
{
    ld_autofree char *buf = NULL;
    size_t len = 0;
    ld_error e = LD_ERROR_INIT;
    for (size_t i = 0; i < 2 && !buf; i++)
        if (ld_host_read_file(root, pkgs_files[i], PKGS_FILE_MAX, &buf, &len, &e) < 0)
            buf = NULL;
    if (!buf)
        return ld_xstrdup("");
    ld_strlist names = {0};
    size_t more = 0;
    for (const char *line = buf; line < buf + len;) {
        const char *end = memchr(line, '\n', (size_t)(buf + len - line));
        size_t n = end ? (size_t)(end - line) : (size_t)(buf + len - line);
        while (n && isspace((unsigned char)line[n - 1]))
            n--;
        if (n) {
            char *name = shown(line, n);
            if (ld_strlist_contains(&names, name))
                free(name);
            else if (names.n < PKGS_SHOWN)
                ld_strlist_push_owned(&names, name);
            else
                more++, free(name);
        }
        line += (end ? (size_t)(end - line) + 1 : n ? n : 1);
        if (!end)
            break;
    }
    char *list = names.n ? ld_strlist_join(&names, ", ") : NULL;
    char *out = !list  ? ld_xstrdup("")
                : more ? ld_xasprintf(", packages asking for it: %s (and %zu more)", list, more)
                       : ld_xasprintf(", packages asking for it: %s", list);
    free(list);
    ld_strlist_clear(&names);
    return out;
}

/* The flag file present under root, or NULL. */
static const char *flag_present(const char *root)
{
    struct stat st;
    for (size_t i = 0; i < 2; i++)
        if (ld_host_stat(root, flag_files[i], &st) == 0)
            return flag_files[i];
    return NULL;
}

static int add(ld_findings *r, const char *host, ld_status st, const char *title, char *evidence,
               ld_error *err)
{
    const ld_control *c = ld_catalog_control_for_check(r->catalog, CHECK_ID);
    if (!c) {
        free(evidence);
        return ld_error_set(err, LD_ERR_GENERIC, "check %s has no control in the catalog",
                            CHECK_ID);
    }
    ld_finding *f = ld_finding_new(c, CHECK_ID, st);
    ld_finding_set_title(f, title);
    ld_finding_set_evidence(f, "%s", evidence);
    ld_finding_set_target(f, LD_TARGET_HOST, host, NULL);
    free(evidence);
    return ld_findings_add(r, f, err);
}

int ld_host_reboot_check(ld_findings *r, const char *root, const ld_host_packages_options *o,
                         const char *host, const ld_package_list *pkgs, ld_error *err)
{
    ld_findings_scope(r, LD_SCOPE_OWED, CHECK_ID, NULL);
    /* the running kernel */
    struct utsname u;
    const char *krel = o ? o->kernel_release : NULL;
    const char *kver = o ? o->kernel_version : NULL;
    bool running = ld_host_root_is_slash(root) || (o && o->running_host);
    if (!krel && running && uname(&u) == 0) {
        krel = u.release;
        kver = u.version;
    }
    kernel_list kl = {.scheme = LD_VER_DEB};
    kernels_of(pkgs, &kl);

    const char *flag = flag_present(root);
    ld_autofree char *flag_text = NULL;
    if (flag) {
        ld_autofree char *asking = flag_packages(root);
        flag_text =
            ld_xasprintf("%s exists under %s (a package asked for a reboot%s)", flag, root, asking);
    }

    /* the newest installed kernel, and the running one's package */
    const kernel_pkg *newest = NULL, *mine = NULL;
    for (size_t i = 0; i < kl.n; i++) {
        const kernel_pkg *k = &kl.v[i];
        if (!newest || older(&kl, newest->pkg->version, k->pkg->version))
            newest = k;
        if (krel && strcmp(k->release, krel) == 0 &&
            (!mine || older(&kl, mine->pkg->version, k->pkg->version)))
            mine = k;
    }
    ld_autofree char *kernel_text = NULL; /* the kernel part of the evidence */
    ld_status kst = LD_STATUS_PASS;
    if (!kl.n) {
        kst = LD_STATUS_SKIPPED;
        kernel_text = ld_xasprintf("no kernel package is installed under %s (the running kernel "
                                   "is not managed by its package manager: a container, or a "
                                   "kernel installed otherwise)",
                                   root);
    } else if (!krel) {
        kst = LD_STATUS_ERROR;
        kernel_text = ld_xasprintf("the running kernel of %s is unknown (it is not the root of "
                                   "this machine), so the %zu installed kernel package%s cannot "
                                   "be compared with it",
                                   root, kl.n, kl.n == 1 ? "" : "s");
    } else if (!mine) {
        kst = LD_STATUS_WARN;
        kernel_text = ld_xasprintf("the running kernel %s is none of the installed kernel "
                                   "packages (newest installed: %s %s): reboot into an installed "
                                   "kernel, or record how this one is kept up to date",
                                   krel, newest->pkg->name, newest->pkg->version);
    } else if (older(&kl, mine->pkg->version, newest->pkg->version)) {
        kst = LD_STATUS_FAIL;
        kernel_text = ld_xasprintf("the running kernel %s (%s %s) is older than the newest "
                                   "installed kernel %s %s",
                                   krel, mine->pkg->name, mine->pkg->version, newest->pkg->name,
                                   newest->pkg->version);
    } else {
        ld_autofree char *built = kl.scheme == LD_VER_DEB ? debian_build_version(kver) : NULL;
        if (built && older(&kl, built, mine->pkg->version)) {
            kst = LD_STATUS_FAIL;
            kernel_text = ld_xasprintf("the running kernel %s was built from package version "
                                       "%s, and %s %s is installed since",
                                       krel, built, mine->pkg->name, mine->pkg->version);
        } else {
            kernel_text = ld_xasprintf("the running kernel %s is the newest installed (%s %s)",
                                       krel, mine->pkg->name, mine->pkg->version);
        }
    }
    int rc;
    if (flag)
        rc = add(r, host, LD_STATUS_FAIL, "updates wait for a reboot",
                 ld_xasprintf("%s; %s", flag_text, kernel_text), err);
    else if (kst == LD_STATUS_FAIL)
        rc = add(r, host, kst, "the running kernel is older than the installed one",
                 ld_xasprintf("%s; no reboot-required flag under %s", kernel_text, root), err);
    else if (kst == LD_STATUS_ERROR)
        rc = add(
            r, host, kst, "pending reboot not assessed",
            ld_xasprintf("not assessed: %s; no reboot-required flag under %s", kernel_text, root),
            err);
    else
        rc = add(r, host, kst,
                 kst == LD_STATUS_PASS   ? "no reboot pending"
                 : kst == LD_STATUS_WARN ? "the running kernel is not an installed package"
                                         : "no kernel package on this host root",
                 ld_xasprintf("no reboot-required flag under %s; %s", root, kernel_text), err);
    kernels_clear(&kl);
    return rc;
}
