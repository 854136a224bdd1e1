/* host.forensics-ready: the kernel facilities lockdown capture needs. */
#include "forensics/readiness.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/host_files.h"
#include "host/host_os.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define SMALL_FILE_MAX (256 * 1024)

/* Is "freezer" listed and enabled in /proc/cgroups ("name hier num
 * enabled")? -1 when the file cannot be read. */
static int v1_freezer(const char *root)
{
    ld_autofree char *text = NULL;
    size_t len = 0;
    ld_error e = LD_ERROR_INIT;
    if (ld_host_read_file(root, "/proc/cgroups", SMALL_FILE_MAX, &text, &len, &e) < 0)
        return -1;
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        char name[64];
        int hier = 0, num = 0, enabled = 0;
        if (sscanf(line, "%63s %d %d %d", name, &hier, &num, &enabled) == 4 &&
            strcmp(name, "freezer") == 0)
            return enabled == 1 && hier > 0;
        line = nl ? nl + 1 : NULL;
    }
    return 0;
}

/* Does a non-root cgroup v2 directory have cgroup.freeze (kernel 5.2+)?
 * Looks at the unified mount (hybrid hosts) or the cgroup root (pure v2)
 * and the first level of cgroups below it. */
static bool v2_freeze(const char *root)
{
    static const char *const mounts[] = {"/sys/fs/cgroup/unified", "/sys/fs/cgroup", NULL};
    for (size_t m = 0; mounts[m]; m++) {
        int dfd = ld_host_open(root, mounts[m], O_DIRECTORY);
        if (dfd < 0)
            continue;
        if (faccessat(dfd, "cgroup.controllers", F_OK, AT_SYMLINK_NOFOLLOW) < 0) {
            close(dfd);
            continue;
        }
        DIR *d = fdopendir(dfd);
        if (!d) {
            close(dfd);
            continue;
        }
        bool found = false;
        struct dirent *de;
        while (!found && (de = readdir(d)) != NULL) {
            if (de->d_type != DT_DIR || de->d_name[0] == '.')
                continue;
            char rel[512];
            snprintf(rel, sizeof rel, "%s/cgroup.freeze", de->d_name);
            found = faccessat(dirfd(d), rel, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
        }
        closedir(d);
        if (found)
            return true;
    }
    return false;
}

/* ptrace_scope from Yama: 0-3, or -1 when Yama is absent (no restriction
 * beyond the capability checks), -2 when unreadable for another reason. */
static int ptrace_scope(const char *root)
{
    ld_autofree char *text = NULL;
    size_t len = 0;
    ld_error e = LD_ERROR_INIT;
    if (ld_host_read_file(root, "/proc/sys/kernel/yama/ptrace_scope", 64, &text, &len, &e) < 0)
        return e.code == LD_ERR_NOT_FOUND ? -1 : -2;
    char *end = NULL;
    long v = strtol(text, &end, 10);
    if (end == text || v < 0 || v > 3)
        return -2;
    return (int)v;
}

/* "overlay" in /proc/filesystems: 1, 0, or -1 when unreadable. */
static int overlay_fs(const char *root)
{
    ld_autofree char *text = NULL;
    size_t len = 0;
    ld_error e = LD_ERROR_INIT;
    if (ld_host_read_file(root, "/proc/filesystems", SMALL_FILE_MAX, &text, &len, &e) < 0)
        return -1;
    for (char *p = text; (p = strstr(p, "overlay")) != NULL; p += 7)
        if ((p == text || p[-1] == '\t' || p[-1] == ' ') && (p[7] == '\n' || p[7] == '\0'))
            return 1;
    return 0;
}

int ld_fx_readiness_check(ld_findings *fs, const char *host_root, const ld_fx_readiness_engine *eng,
                          ld_error *err)
{
    if (!host_root || !host_root[0])
        host_root = "/";
    ld_autofree char *host = ld_host_name(host_root);
    if (!eng->installed && eng->unreachable) {
        ld_findings_scope(fs, LD_SCOPE_NOT_APPLICABLE, LD_FX_READY_CHECK,
                          "no container engine is installed under %s: no container to capture",
                          host_root);
        return 0;
    }
    ld_findings_scope(fs, LD_SCOPE_OWED, LD_FX_READY_CHECK, NULL);
    if (eng->unreachable)
        return ld_findings_check(fs, LD_FX_READY_CHECK, LD_STATUS_ERROR, LD_TARGET_HOST, host, NULL,
                                 err,
                                 "not assessed: lockdown capture finds a container's processes and "
                                 "layers through its engine, which did not answer (%s)",
                                 eng->unreachable);
    if (eng->remote)
        return ld_findings_check(fs, LD_FX_READY_CHECK, LD_STATUS_ERROR, LD_TARGET_HOST, host, NULL,
                                 err,
                                 "not assessed: the engine at %s is reached over the network; "
                                 "capture runs on the containers' own host",
                                 eng->endpoint ? eng->endpoint : "?");
    int v1 = v1_freezer(host_root);
    bool v2 = v2_freeze(host_root);
    int scope = ptrace_scope(host_root);
    int overlay = overlay_fs(host_root);
    if ((v1 < 0 && !v2) || scope == -2 || overlay < 0)
        return ld_findings_check(fs, LD_FX_READY_CHECK, LD_STATUS_ERROR, LD_TARGET_HOST, host, NULL,
                                 err,
                                 "not assessed: %s/proc is not readable (%s%s%s); the kernel's "
                                 "facilities are only visible on the live host",
                                 ld_host_root_is_slash(host_root) ? "" : host_root,
                                 v1 < 0 && !v2 ? "cgroups " : "", scope == -2 ? "ptrace_scope " : "",
                                 overlay < 0 ? "filesystems" : "");
    char freezer[64];
    snprintf(freezer, sizeof freezer, "%s%s%s", v2 ? "cgroup v2 cgroup.freeze" : "",
             v2 && v1 > 0 ? ", " : "", v1 > 0 ? "cgroup v1 freezer" : "");
    char ptrace[64];
    if (scope == -1)
        snprintf(ptrace, sizeof ptrace, "no Yama restriction");
    else
        snprintf(ptrace, sizeof ptrace, "Yama ptrace_scope %d", scope);
    bool freeze_ok = v2 || v1 > 0;
    bool memory_ok = scope != 3;
    bool driver_ok = eng->driver && (strcmp(eng->driver, "overlay2") == 0 ||
                                     strcmp(eng->driver, "overlay") == 0 ||
                                     strcmp(eng->driver, "overlayfs") == 0);
    bool fs_ok = overlay == 1 && driver_ok;
    if (freeze_ok && memory_ok && fs_ok)
        return ld_findings_check(fs, LD_FX_READY_CHECK, LD_STATUS_PASS, LD_TARGET_HOST, host, NULL,
                                 err,
                                 "lockdown capture can freeze (%s), read process memory (%s) and "
                                 "copy overlay upper layers (engine at %s, storage driver %s) here",
                                 freezer, ptrace, eng->endpoint ? eng->endpoint : "?", eng->driver);
    return ld_findings_check(
        fs, LD_FX_READY_CHECK, LD_STATUS_FAIL, LD_TARGET_HOST, host, NULL, err,
        "a forensic capture here would be incomplete:%s%s%s%s%s%s",
        freeze_ok ? "" : " no freezer (neither cgroup v2 cgroup.freeze nor the v1 freezer "
                         "controller): containers cannot be frozen for a consistent view;",
        memory_ok ? "" : " Yama ptrace_scope 3 forbids reading process memory, root included;",
        overlay == 1 ? "" : " no overlay file system in the kernel;",
        driver_ok || overlay != 1 ? "" : " the engine's storage driver is not overlay2 (it is ",
        driver_ok || overlay != 1 ? "" : (eng->driver ? eng->driver : "unknown"),
        driver_ok || overlay != 1 ? "" : "): container file system changes cannot be read from "
                                         "an upper layer;");
}
