/* libFuzzer target for the /proc text parsers of the capture
 * (forensics/proc_text.h): the input is given, as it is, to each of them —
 * as /proc/PID/stat, status, cmdline, cgroup, fdinfo, a pid list and a
 * link text — and what they return must keep their promises: a comm of
 * at most 16 bytes, NUL-terminated; pids in 1..LD_FX_PID_LIMIT and no
 * more than asked for; argv strings that are pieces of the input; cgroup
 * spans inside the input; fdinfo flags of octal digits. Nothing is read
 * from disk. This is not fuzz_proc_status (lockdown watch's parsers).
 * Seeds: tests/fuzz/corpus/proc_status_fx/. Replay: ./fuzz_proc_status_fx FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "forensics/proc_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_span(ld_fx_span s, const char *buf, size_t len)
{
    if (!s.p)
        return;
    if (s.p < buf || s.p + s.n > buf + len || memchr(s.p, '\n', s.n))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;

    ld_fx_stat_fields st;
    if (ld_fx_parse_stat(buf, size, &st) == 0 &&
        (!memchr(st.comm, '\0', sizeof(st.comm)) || !memchr(buf, ')', size)))
        abort();

    ld_fx_status_fields ss;
    ld_fx_parse_status(buf, size, &ss);
    if ((ss.got & LD_FX_ST_NSPID) && (ss.nspid < 0 || ss.nspid > LD_FX_PID_LIMIT))
        abort();
    if ((ss.got & ~0x3fu) != 0)
        abort();

    size_t argc;
    bool cut;
    char **argv = ld_fx_split_cmdline(buf, size, 64, &argc, &cut);
    size_t total = 0;
    if (argc > 64 || argv[argc])
        abort();
    for (size_t i = 0; i < argc; i++)
        total += strlen(argv[i]) + 1;
    if (total > size + 1 || (!cut && argc && total < size))
        abort();
    ld_fx_argv_free(argv);

    ld_fx_cgroup_paths cg;
    ld_fx_parse_cgroup(buf, size, &cg);
    check_span(cg.v2, buf, size);
    for (unsigned i = 0; i < LD_FX_CG_V1_N; i++) {
        check_span(cg.v1_dir[i], buf, size);
        check_span(cg.v1_path[i], buf, size);
        if (!cg.v1_dir[i].p != !cg.v1_path[i].p)
            abort();
    }

    ld_fx_fdinfo fi;
    ld_fx_parse_fdinfo(buf, size, &fi);
    if (fi.got & LD_FX_FI_FLAGS) {
        if (!memchr(fi.flags, '\0', sizeof(fi.flags)) || !fi.flags[0])
            abort();
        for (const char *p = fi.flags; *p; p++)
            if (*p < '0' || *p > '7')
                abort();
    }

    pid_t *pids = NULL;
    size_t n = 0, cap = 0, malformed = 0;
    ld_fx_parse_pid_list(buf, size, &pids, &n, &cap, 100, &malformed);
    if (n > 100)
        abort();
    for (size_t i = 0; i < n; i++)
        if (pids[i] <= 0 || pids[i] > LD_FX_PID_LIMIT)
            abort();
    free(pids);

    uint64_t ino;
    if (ld_fx_link_socket_inode(buf, size, &ino) && (size < 10 || memcmp(buf, "socket:[", 8)))
        abort();
    int64_t v;
    if (ld_fx_parse_dec_name(buf, size, LD_FX_PID_LIMIT, &v) && (v < 0 || v > LD_FX_PID_LIMIT))
        abort();
    (void)ld_fx_link_deleted(buf, size);
    return 0;
}
