/* libFuzzer target for the /proc parsers of lockdown watch
 * (runtime/proc_read.c) and the passwd line parser (runtime/user_names.c):
 * the input is given, as it is, to each of them — as /proc/PID/stat,
 * status, cmdline, cgroup, loginuid, the exe link's target, a cgroup path
 * and a container's /etc/passwd — and what they return must keep their
 * promises: NUL-terminated results that fit their buffers, a comm of at
 * most 15 bytes, a command line no longer than its input, cgroup paths
 * that are whole lines of the input. Nothing is read from disk.
 * Seeds: tests/fuzz/corpus/proc_status/. Replay: ./fuzz_proc_status FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/proc_read.h"
#include "runtime/user_names.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_terminated(const char *s, size_t cap)
{
    if (!memchr(s, '\0', cap))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;

    char comm[LD_RT_COMM_MAX];
    memset(comm, 'Z', sizeof comm);
    int32_t ppid = -7;
    uint32_t tty = 0;
    if (ld_rt_parse_proc_stat(buf, size, comm, &ppid, &tty) == 0) {
        check_terminated(comm, sizeof comm);
        if (ppid < 0)
            abort();
    } else if (ppid != -7) {
        abort(); /* refused input leaves the outputs alone */
    }

    uint32_t uid = 1, euid = 2, gid = 3;
    int found = ld_rt_parse_proc_status(buf, size, &uid, &euid, &gid);
    if (found < 0 || found > 3 || (!(found & 1) && (uid != 1 || euid != 2)) ||
        (!(found & 2) && gid != 3))
        abort();

    char cmd[LD_RT_CMDLINE_MAX];
    bool cut = false;
    size_t n = ld_rt_join_cmdline(buf, size, false, cmd, sizeof cmd, &cut);
    if (n > size || n >= sizeof cmd || strlen(cmd) != n ||
        (n < size && !cut && size < sizeof cmd && memchr(buf, '\0', size) == NULL))
        abort();
    char tiny[4];
    n = ld_rt_join_cmdline(buf, size, true, tiny, sizeof tiny, &cut);
    if (n > 3 || !cut)
        abort();

    char v2[64], mem[64];
    found = ld_rt_parse_proc_cgroup(buf, size, v2, sizeof v2, mem, sizeof mem);
    check_terminated(v2, sizeof v2);
    check_terminated(mem, sizeof mem);
    if ((found & 1) && (memchr(v2, '\n', strlen(v2)) || !memmem(buf, size, v2, strlen(v2))))
        abort();
    if ((found & 2) && (memchr(mem, '\n', strlen(mem)) || !memmem(buf, size, mem, strlen(mem))))
        abort();

    uint32_t login = 5;
    if (ld_rt_parse_loginuid(buf, size, &login) < 0 && login != 5)
        abort();

    /* the exe link target and a cgroup path are NUL-terminated texts */
    char *text = ld_xstrndup(buf, size);
    size_t before = strlen(text);
    ld_rt_exe_link_settle(text);
    if (strlen(text) > before)
        abort();
    free(text);
    text = ld_xstrndup(buf, size);
    if (ld_rt_cgroup_path_plain(text) &&
        (text[0] != '/' || strstr(text, "/../") || strstr(text, "//")))
        abort();
    free(text);

    char name[LD_RT_USER_NAME_MAX];
    for (uint32_t u = 0; u < 3; u++)
        if (ld_rt_passwd_find(buf, size, u, name, sizeof name)) {
            if (!name[0] || strlen(name) >= sizeof name || strchr(name, ':') ||
                strchr(name, '\n') || !memmem(buf, size, name, strlen(name)))
                abort();
        }
    return 0;
}
