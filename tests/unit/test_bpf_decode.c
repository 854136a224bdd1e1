/* Unit tests for the eBPF record decoder (src/runtime/bpf_decode.c): records
 * laid out as the kernel program writes them (runtime/bpf/abi.h) become the
 * right ld_rt_event for every call kind (exec with argv and exe flags,
 * fork, opens, socket addresses as the caller passed them and as the
 * kernel's socket holds them, ptrace, the setuid family, mounts, modules,
 * memfd, namespaces, calls seen only at their exit), and hostile records
 * (short, another ABI, unknown call, blob lengths past the end, strings
 * without NUL or longer than the event's buffers, odd socket addresses)
 * are refused or cut, never read past their length. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>

#include <cmocka.h>

#include "runtime/bpf/abi.h"
#include "runtime/bpf_decode.h"
#include "runtime/event.h"
#include "util/mem.h"

/* A record under construction: header + up to three blobs. */
typedef struct {
    struct ld_bpf_hdr h;
    uint8_t data[LD_BPF_REC_MAX];
    size_t used;
} rec_t;

static void rec_init(rec_t *r, unsigned call)
{
    memset(r, 0, sizeof *r);
    r->h.abi = LD_BPF_ABI_VERSION;
    r->h.call = (uint16_t)call;
    r->h.pid = 100;
    r->h.tid = 101;
    r->h.ppid = 1;
    r->h.uid = 1000;
    r->h.gid = 1001;
    r->h.euid = 1002;
    r->h.loginuid = (uint32_t)-1;
    r->h.cgroup_id = 4242;
    r->h.cgroup_v1_id = 77;
    r->h.ts_boot_ns = 5000;
    memcpy(r->h.comm, "probe", 5);
}

static void rec_blob(rec_t *r, int i, const void *p, size_t n)
{
    memcpy(r->data + r->used, p, n);
    r->used += n;
    r->h.len[i] = (uint16_t)n;
}

static void rec_str(rec_t *r, int i, const char *s)
{
    rec_blob(r, i, s, strlen(s));
}

/* The record as one buffer (caller frees). */
static uint8_t *rec_bytes(const rec_t *r, size_t *len)
{
    *len = sizeof r->h + r->used;
    uint8_t *b = ld_xmalloc(*len);
    memcpy(b, &r->h, sizeof r->h);
    memcpy(b + sizeof r->h, r->data, r->used);
    return b;
}

static int decode(const rec_t *r, ld_rt_event *e, const char **why)
{
    size_t len;
    uint8_t *b = rec_bytes(r, &len);
    int rc = ld_rt_bpf_decode(b, len, 1000000, e, why);
    free(b);
    return rc;
}

static void test_layout(void **state)
{
    (void)state;
    /* the kernel program and user space must agree on the header */
    assert_int_equal(sizeof(struct ld_bpf_hdr), 136);
    assert_int_equal(offsetof(struct ld_bpf_hdr, comm), 116);
    assert_int_equal(sizeof(struct ld_bpf_sockinfo), 40);
}

static void test_exec(void **state)
{
    (void)state;
    rec_t r;
    rec_init(&r, LD_BPF_CALL_EXECVE);
    r.h.tty_major = 136;
    r.h.tty_minor = 3;
    r.h.flags = LD_BPF_F_EXE_UPPER;
    rec_str(&r, 0, "/bin/echo");
    rec_str(&r, 1, "/bin/busybox");
    rec_blob(&r, 2, "echo\0hello\0world\0", 17);
    r.h.arg[0] = 17;
    ld_rt_event e;
    const char *why = NULL;
    assert_int_equal(decode(&r, &e, &why), 0);
    assert_int_equal(e.type, LD_EVT_EXECVE);
    assert_string_equal(e.syscall, "execve");
    assert_int_equal(e.source, LD_RT_SRC_BPF);
    assert_string_equal(e.path, "/bin/echo");
    assert_string_equal(e.exepath, "/bin/busybox");
    assert_string_equal(e.cmdline, "echo hello world");
    assert_false(e.cmdline_truncated);
    assert_true(e.exe_upper_layer);
    assert_false(e.exe_from_memfd);
    assert_int_equal(e.pid, 100);
    assert_int_equal(e.tid, 101);
    assert_int_equal(e.ppid, 1);
    assert_int_equal(e.uid, 1000);
    assert_int_equal(e.gid, 1001);
    assert_int_equal(e.euid, 1002);
    assert_int_equal(e.loginuid, (uint32_t)-1);
    assert_int_equal(e.tty, (uint32_t)makedev(136, 3));
    assert_string_equal(e.comm, "probe");
    assert_int_equal(e.cgroup_id, 4242);
    assert_int_equal(e.cgroup_v1_id, 77);
    assert_int_equal(e.ts_ns, 5000 + 1000000); /* boot time + the offset */
}

static void test_exec_memfd_truncated_args(void **state)
{
    (void)state;
    rec_t r;
    rec_init(&r, LD_BPF_CALL_EXECVEAT);
    r.h.flags = LD_BPF_F_EXE_MEMFD | LD_BPF_F_TRUNC2;
    rec_str(&r, 0, "/dev/fd/3");
    rec_str(&r, 1, "/memfd:x");
    rec_blob(&r, 2, "a\0b", 3); /* no final NUL: cut by the kernel */
    r.h.arg[0] = 5000;          /* argv was longer than what was read */
    ld_rt_event e;
    assert_int_equal(decode(&r, &e, NULL), 0);
    assert_int_equal(e.type, LD_EVT_EXECVEAT);
    assert_string_equal(e.syscall, "execveat");
    assert_true(e.exe_from_memfd);
    assert_string_equal(e.exepath, "/memfd:x (deleted)"); /* as /proc/PID/exe shows it */
    assert_string_equal(e.cmdline, "a b");
    assert_true(e.cmdline_truncated);

    /* a failed execveat (reported at its exit): the path argument only */
    rec_init(&r, LD_BPF_CALL_EXECVEAT);
    r.h.ret = -2;
    rec_str(&r, 0, "./missing");
    assert_int_equal(decode(&r, &e, NULL), 0);
    assert_int_equal(e.ret, -2);
    assert_string_equal(e.path, "./missing");
    assert_string_equal(e.exepath, "");
    assert_string_equal(e.cmdline, "");
}

static void test_fork_exit(void **state)
{
    (void)state;
    rec_t r;
    rec_init(&r, LD_BPF_CALL_FORK);
    r.h.arg[0] = 555;
    r.h.arg[1] = 555;
    ld_rt_event e;
    assert_int_equal(decode(&r, &e, NULL), 0);
    assert_int_equal(e.type, LD_EVT_CLONE);
    assert_string_equal(e.syscall, "");
    assert_int_equal(e.pid, 555); /* the new process */
    assert_int_equal(e.tid, 555);
    assert_int_equal(e.ppid, 100); /* the caller */

    rec_init(&r, LD_BPF_CALL_EXIT);
    assert_int_equal(decode(&r, &e, NULL), 0);
    assert_int_equal(e.type, LD_EVT_PROCEXIT);
    assert_int_equal(e.pid, 100);
}

static void test_opens(void **state)
{
    (void)state;
    static const struct {
        unsigned call;
        ld_rt_evtype type;
        const char *name;
    } cases[] = {
        {LD_BPF_CALL_OPEN, LD_EVT_OPENAT, "open"},
        {LD_BPF_CALL_CREAT, LD_EVT_OPENAT, "creat"},
        {LD_BPF_CALL_OPENAT, LD_EVT_OPENAT, "openat"},
        {LD_BPF_CALL_OPENAT2, LD_EVT_OPENAT2, "openat2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rec_t r;
        rec_init(&r, cases[i].call);
        r.h.ret = 3;
        r.h.arg[0] = 01101; /* O_WRONLY|O_CREAT|O_TRUNC */
        r.h.flags = LD_BPF_F_RESOLVED;
        rec_str(&r, 0, "/etc/passwd");
        ld_rt_event e;
        assert_int_equal(decode(&r, &e, NULL), 0);
        assert_int_equal(e.type, cases[i].type);
        assert_string_equal(e.syscall, cases[i].name);
        assert_string_equal(e.path, "/etc/passwd");
        assert_int_equal(e.open_flags, 01101);
        assert_int_equal(e.ret, 3);
        assert_false(e.path_truncated);
    }
}

static void test_connect_bind_sockaddr(void **state)
{
    (void)state;
    ld_rt_event e;
    rec_t r;
    /* AF_INET 127.0.0.1:8080 */
    uint8_t in4[16] = {0};
    uint16_t fam = AF_INET;
    memcpy(in4, &fam, 2);
    in4[2] = 0x1f;
    in4[3] = 0x90;
    in4[4] = 127;
    in4[7] = 1;
    rec_init(&r, LD_BPF_CALL_CONNECT);
    rec_blob(&r, 0, in4, sizeof in4);
    assert_int_equal(decode(&r, &e, NULL), 0);
    assert_int_equal(e.type, LD_EVT_CONNECT);
    assert_int_equal(e.sock.family, AF_INET);
    assert_int_equal(e.sock.port, 8080);
    assert_memory_equal(e.sock.addr, "\x7f\0\0\x01", 4);

    /* AF_INET6 [::1]:443 on bind */
    uint8_t in6[28] = {0};
    fam = AF_INET6;
    memcpy(in6, &fam, 2);
    in6[2] = 0x01;
    in6[3] = 0xbb;
    in6[8 + 15] = 1;
    rec_init(&r, LD_BPF_CALL_BIND);
    rec_blob(&r, 0, in6, sizeof in6);
    assert_int_equal(decode(&r, &e, NULL), 0);
    assert_int_equal(e.type, LD_EVT_BIND);
    assert_int_equal(e.sock.family, AF_INET6);
    assert_int_equal(e.sock.port, 443);
    assert_int_equal(e.sock.addr[15], 1);

    /* AF_UNIX path, without a terminating NUL in the bytes passed */
    uint8_t un[2 + 20];
    fam = AF_UNIX;
    memcpy(un, &fam, 2);
    memcpy(un + 2, "/var/run/docker.sock", 20);
    rec_init(&r, LD_BPF_CALL_CONNECT);
    rec_blob(&r, 0, un, sizeof un);
    assert_int_equal(decode(&r, &e, NULL), 0);
    assert_int_equal(e.sock.family, AF_UNIX);
    assert_string_equal(e.sock.unix_path, "/var/run/docker.sock");

    /* abstract AF_UNIX: "@name", inner NULs shown as '@' */
    uint8_t ab[2 + 6] = {0};
    memcpy(ab, &fam, 2);
    memcpy(ab + 3, "a\0bc", 4);
    rec_init(&r, LD_BPF_CALL_CONNECT);
    rec_blob(&r, 0, ab, sizeof ab);
    assert_int_equal(decode(&r, &e, NULL), 0);
    assert_string_equal(e.sock.unix_path, "@a@bc@");

    /* an IPv4 address too short to hold one: nothing is known */
    rec_init(&r, LD_BPF_CALL_CONNECT);
    fam = AF_INET;
    rec_blob(&r, 0, &fam, 2);
    assert_int_equal(decode(&r, &e, NULL), 0);
    assert_int_equal(e.sock.family, 0);
    assert_int_equal(e.sock.port, 0);

    /* an overlong AF_UNIX path is cut at the event's buffer */
    uint8_t longun[2 + 126];
    fam = AF_UNIX;
    memcpy(longun, &fam, 2);
    memset(longun + 2, 'x', 126);
    rec_init(&r, LD_BPF_CALL_CONNECT);
    rec_blob(&r, 0, longun, sizeof longun);
    assert_int_equal(decode(&r, &e, NULL), 0);
    assert_int_equal(strlen(e.sock.unix_path), sizeof e.sock.unix_path - 1);
}

static void test_accept_listen_sockinfo(void **state)
{
    (void)state;
    struct ld_bpf_sockinfo si;
    memset(&si, 0, sizeof si);
    si.family = AF_INET;
    si.lport = 41234;
    si.rport = 50000;
    memcpy(si.laddr, "\x7f\0\0\x01", 4);
    memcpy(si.raddr, "\x0a\0\0\x02", 4);
    rec_t r;
    rec_init(&r, LD_BPF_CALL_ACCEPT4);
    r.h.ret = 5;
    rec_blob(&r, 0, &si, sizeof si);
    ld_rt_event e;
    assert_int_equal(decode(&r, &e, NULL), 0);
    assert_int_equal(e.type, LD_EVT_ACCEPT);
    assert_string_equal(e.syscall, "accept4");
    assert_int_equal(e.sock.port, 50000); /* the peer */
    assert_memory_equal(e.sock.addr, "\x0a\0\0\x02", 4);
    assert_int_equal(e.sock_local.port, 41234);

    rec_init(&r, LD_BPF_CALL_LISTEN);
    rec_blob(&r, 0, &si, sizeof si);
    assert_int_equal(decode(&r, &e, NULL), 0);
    assert_int_equal(e.type, LD_EVT_LISTEN);
    assert_int_equal(e.sock.port, 41234); /* listen: the local side */
    assert_int_equal(e.sock_local.port, 41234);

    /* a socket blob of the wrong size is refused */
    rec_init(&r, LD_BPF_CALL_ACCEPT);
    rec_blob(&r, 0, &si, sizeof si - 1);
    const char *why = NULL;
    assert_int_equal(decode(&r, &e, &why), -1);
    assert_non_null(why);
}

static void test_ptrace_setid(void **state)
{
    (void)state;
    rec_t r;
    ld_rt_event e;
    rec_init(&r, LD_BPF_CALL_PTRACE);
    r.h.arg[0] = 16; /* PTRACE_ATTACH */
    r.h.arg[1] = 45;
    assert_int_equal(decode(&r, &e, NULL), 0);
    assert_int_equal(e.type, LD_EVT_PTRACE);
    assert_int_equal(e.request, 16);
    assert_int_equal(e.target_pid, 45);

    static const struct {
        unsigned call;
        int64_t a0, a1, a2;
        uint32_t want;
    } ids[] = {
        {LD_BPF_CALL_SETUID, 0, 0, 0, 0},
        {LD_BPF_CALL_SETREUID, 5, 0, 0, 0},       /* the effective id asked for */
        {LD_BPF_CALL_SETREUID, 7, -1, 0, 7},      /* effective unchanged: the real one */
        {LD_BPF_CALL_SETRESUID, -1, -1, 9, 1002}, /* neither: the caller's euid */
        {LD_BPF_CALL_SETGID, 33, 0, 0, 33},
        {LD_BPF_CALL_SETRESGID, -1, -1, -1, 1001}, /* the caller's gid */
    };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        rec_init(&r, ids[i].call);
        r.h.arg[0] = (uint32_t)ids[i].a0;
        r.h.arg[1] = (uint32_t)ids[i].a1;
        r.h.arg[2] = (uint32_t)ids[i].a2;
        assert_int_equal(decode(&r, &e, NULL), 0);
        assert_int_equal(e.target_uid, ids[i].want);
        assert_int_equal(e.type, ids[i].call >= LD_BPF_CALL_SETGID ? LD_EVT_SETGID : LD_EVT_SETUID);
        assert_int_equal(e.uid, 1000); /* who asked */
    }
}

static void test_mount_module_memfd_ns(void **state)
{
    (void)state;
    rec_t r;
    ld_rt_event e;
    rec_init(&r, LD_BPF_CALL_MOUNT);
    r.h.ret = -1;
    r.h.arg[0] = 4096; /* MS_BIND */
    rec_str(&r, 0, "/mnt");
    rec_str(&r, 1, "/host");
    rec_str(&r, 2, "tmpfs");
    assert_int_equal(decode(&r, &e, NULL), 0);
    assert_int_equal(e.type, LD_EVT_MOUNT);
    assert_string_equal(e.path, "/mnt");
    assert_string_equal(e.source_path, "/host");
    assert_string_equal(e.fstype, "tmpfs");
    assert_int_equal(e.request, 4096);

    rec_init(&r, LD_BPF_CALL_UMOUNT2);
    rec_str(&r, 0, "/mnt");
    assert_int_equal(decode(&r, &e, NULL), 0);
    assert_int_equal(e.type, LD_EVT_UMOUNT);
    assert_string_equal(e.syscall, "umount2");

    rec_init(&r, LD_BPF_CALL_FINIT_MODULE);
    rec_str(&r, 0, "/lib/modules/6.1/kernel/fs/xfs/xfs.ko.zst");
    assert_int_equal(decode(&r, &e, NULL), 0);
    assert_int_equal(e.type, LD_EVT_FINIT_MODULE);
    assert_string_equal(e.module, "xfs");

    rec_init(&r, LD_BPF_CALL_MEMFD_CREATE);
    r.h.ret = 3;
    rec_str(&r, 0, "payload");
    assert_int_equal(decode(&r, &e, NULL), 0);
    assert_int_equal(e.type, LD_EVT_MEMFD_CREATE);
    assert_string_equal(e.path, "payload");

    rec_init(&r, LD_BPF_CALL_UNSHARE);
    r.h.arg[0] = 0x10000000; /* CLONE_NEWUSER */
    assert_int_equal(decode(&r, &e, NULL), 0);
    assert_int_equal(e.request, 0x10000000);

    rec_init(&r, LD_BPF_CALL_SETNS);
    r.h.arg[0] = 4;
    r.h.arg[1] = 0x20000000; /* CLONE_NEWNET */
    assert_int_equal(decode(&r, &e, NULL), 0);
    assert_int_equal(e.type, LD_EVT_SETNS);
    assert_int_equal(e.request, 0x20000000);
    assert_int_equal(e.target_pid, 0);
}

static void test_noargs(void **state)
{
    (void)state;
    /* a mount denied by seccomp: seen at its exit only */
    rec_t r;
    rec_init(&r, LD_BPF_CALL_MOUNT);
    r.h.flags = LD_BPF_F_NOARGS;
    r.h.ret = -1;
    ld_rt_event e;
    assert_int_equal(decode(&r, &e, NULL), 0);
    assert_int_equal(e.type, LD_EVT_MOUNT);
    assert_int_equal(e.ret, -1);
    assert_string_equal(e.path, "");
    assert_int_equal(e.cgroup_id, 4242);
}

static void test_cut_strings(void **state)
{
    (void)state;
    /* a path longer than the event's buffer: cut and flagged */
    rec_t r;
    rec_init(&r, LD_BPF_CALL_OPENAT);
    char *lng = ld_xmalloc(LD_BPF_PATH_MAX + 200);
    memset(lng, 'a', LD_BPF_PATH_MAX + 199);
    lng[0] = '/';
    lng[LD_BPF_PATH_MAX + 199] = '\0';
    rec_str(&r, 0, lng);
    free(lng);
    ld_rt_event e;
    assert_int_equal(decode(&r, &e, NULL), 0);
    assert_true(e.path_truncated);
    assert_int_equal(strlen(e.path), sizeof e.path - 1);

    /* an embedded NUL ends the string */
    rec_init(&r, LD_BPF_CALL_OPENAT);
    rec_blob(&r, 0, "/etc/x\0/hidden", 14);
    assert_int_equal(decode(&r, &e, NULL), 0);
    assert_string_equal(e.path, "/etc/x");

    /* a comm without NUL stays within its 16 bytes */
    rec_init(&r, LD_BPF_CALL_EXIT);
    memset(r.h.comm, 'c', sizeof r.h.comm);
    assert_int_equal(decode(&r, &e, NULL), 0);
    assert_int_equal(strlen(e.comm), sizeof e.comm - 1);

    /* argv longer than the cmdline buffer */
    rec_init(&r, LD_BPF_CALL_EXECVE);
    uint8_t argv[LD_BPF_ARGS_MAX];
    memset(argv, 'z', sizeof argv);
    for (size_t i = 9; i < sizeof argv; i += 10)
        argv[i] = '\0';
    rec_blob(&r, 2, argv, sizeof argv);
    assert_int_equal(decode(&r, &e, NULL), 0);
    assert_true(strlen(e.cmdline) <= sizeof e.cmdline - 1);
    assert_true(e.cmdline_truncated);
    for (const char *c = e.cmdline; *c; c++) /* NULs became spaces, nothing else changed */
        assert_true(*c == 'z' || *c == ' ');
}

static void test_hostile_records(void **state)
{
    (void)state;
    ld_rt_event e;
    const char *why = NULL;
    rec_t r;
    rec_init(&r, LD_BPF_CALL_OPENAT);
    rec_str(&r, 0, "/etc/passwd");
    size_t len;
    uint8_t *b = rec_bytes(&r, &len);

    /* every prefix shorter than the record is refused, never over-read
     * (the buffer is exactly len bytes: ASan would see a read past it) */
    for (size_t n = 0; n < len; n++) {
        uint8_t *cut = ld_xmalloc(n ? n : 1);
        memcpy(cut, b, n);
        why = NULL;
        assert_int_equal(ld_rt_bpf_decode(cut, n, 0, &e, &why), -1);
        assert_non_null(why);
        assert_int_equal(e.type, LD_EVT_NONE); /* reset on failure */
        free(cut);
    }
    assert_int_equal(ld_rt_bpf_decode(b, len, 0, &e, &why), 0);
    assert_int_equal(ld_rt_bpf_decode(NULL, 0, 0, &e, &why), -1);

    /* another ABI version */
    struct ld_bpf_hdr h;
    memcpy(&h, b, sizeof h);
    h.abi = LD_BPF_ABI_VERSION + 1;
    memcpy(b, &h, sizeof h);
    assert_int_equal(ld_rt_bpf_decode(b, len, 0, &e, &why), -1);
    /* and back: the same bytes decode again */
    h.abi = LD_BPF_ABI_VERSION;
    memcpy(b, &h, sizeof h);
    assert_int_equal(ld_rt_bpf_decode(b, len, 0, &e, &why), 0);
    assert_string_equal(e.path, "/etc/passwd");
    free(b);
}

static void test_unknown_calls_and_lengths(void **state)
{
    (void)state;
    ld_rt_event e;
    const char *why;
    unsigned bad_calls[] = {LD_BPF_CALL_NONE, LD_BPF_CALL_COUNT, 0xFFFF};
    for (size_t i = 0; i < sizeof bad_calls / sizeof bad_calls[0]; i++) {
        rec_t r;
        rec_init(&r, bad_calls[i]);
        why = NULL;
        assert_int_equal(decode(&r, &e, &why), -1);
        assert_non_null(why);
    }
    /* blob lengths that claim more than the record holds */
    rec_t r;
    rec_init(&r, LD_BPF_CALL_OPENAT);
    rec_str(&r, 0, "/etc/x");
    r.h.len[1] = 1;
    assert_int_equal(decode(&r, &e, &why), -1);
    rec_init(&r, LD_BPF_CALL_MOUNT);
    r.h.len[0] = r.h.len[1] = r.h.len[2] = 0xFFFF;
    assert_int_equal(decode(&r, &e, &why), -1);
    /* names of calls */
    assert_string_equal(ld_rt_bpf_call_name(LD_BPF_CALL_UMOUNT2), "umount2");
    assert_string_equal(ld_rt_bpf_call_name(LD_BPF_CALL_MOVE_MOUNT), "move_mount");
    assert_string_equal(ld_rt_bpf_call_name(9999), "");
    assert_int_equal(ld_rt_bpf_call_type(9999), LD_EVT_NONE);
    /* every call in range maps to a real event type */
    for (unsigned c = 1; c < LD_BPF_CALL_COUNT; c++)
        assert_int_not_equal(ld_rt_bpf_call_type(c), LD_EVT_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_exec),
        cmocka_unit_test(test_exec_memfd_truncated_args),
        cmocka_unit_test(test_fork_exit),
        cmocka_unit_test(test_opens),
        cmocka_unit_test(test_connect_bind_sockaddr),
        cmocka_unit_test(test_accept_listen_sockinfo),
        cmocka_unit_test(test_ptrace_setid),
        cmocka_unit_test(test_mount_module_memfd_ns),
        cmocka_unit_test(test_noargs),
        cmocka_unit_test(test_cut_strings),
        cmocka_unit_test(test_hostile_records),
        cmocka_unit_test(test_unknown_calls_and_lengths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
