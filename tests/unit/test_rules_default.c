/* Unit tests for the default runtime rules (data/runtime-rules.yaml, as
 * compiled into lockdown): the set loads and compiles with no error and no
 * warning; it holds exactly the rules the docs and the e2e tests name, each
 * tagged with a control of the catalog and a MITRE tag; every rule fires —
 * alone — on a synthetic event of what it describes, and not on a near miss
 * built next to it; its output names the container (name and image); and a
 * quiet container (sleep), the container runtime's own set-up (runc's
 * mounts, namespaces, memfd re-exec) and ordinary host activity fire
 * nothing. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "core/catalog.h"
#include "runtime/rules.h"
#include "test_rt_fake_procs.h"
#include "util/mem.h"

/* The rule names the docs and the e2e tests use (issue 14). */
static const char *const expected_names[] = {
    "Shell spawned in container",
    "Package manager run in container",
    "Write below system directory in container",
    "Sensitive file read",
    "Outbound connection not allowed by egress policy",
    "Drop and execute new binary in container",
    "Execution from memfd",
    "Ptrace of another process",
    "Mount in container",
    "Kernel module load",
    "Docker socket accessed from container",
    "Setuid to root by non-root process",
    "Privileged container started",
    "Container started with host namespaces",
    "Namespace change in container",
};
#define N_EXPECTED (sizeof expected_names / sizeof expected_names[0])

static ld_rt_ruleset *rules;

static ld_rt_egress_rule egress_10_8 = {.family = AF_INET, .addr = {10, 0, 0, 0}, .prefix = 8};

static ld_rt_container ct_app = {
    .id = "9c1d7a0e5b3f4a2c8d6e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e",
    .name = "ldw-app",
    .image = "lockdown-test/debian:bookworm",
    .runtime = "docker",
    .known = true,
};
static ld_rt_container ct_egress = {
    .id = "1f2e3d4c5b6a79880716253443526170f1e2d3c4b5a69788796a5b4c3d2e1f00",
    .name = "ldw-egress",
    .image = "lockdown-test/busybox:1",
    .runtime = "docker",
    .known = true,
    .has_egress = true,
    .egress = &egress_10_8,
    .n_egress = 1,
};
static ld_rt_container ct_host = {.id = "host"};

static int group_setup(void **state)
{
    (void)state;
    rules = ld_rt_rules_new();
    ld_error err = LD_ERROR_INIT;
    if (ld_rt_rules_load_default(rules, &err) < 0)
        fail_msg("default rules: %s", err.msg);
    ld_strlist diags = {0}, warnings = {0};
    int rc = ld_rt_rules_compile(rules, &diags, &warnings, &err);
    for (size_t i = 0; i < diags.n; i++)
        print_message("error: %s\n", diags.v[i]);
    for (size_t i = 0; i < warnings.n; i++)
        print_message("warning: %s\n", warnings.v[i]);
    size_t n_diags = diags.n, n_warnings = warnings.n;
    ld_strlist_clear(&diags);
    ld_strlist_clear(&warnings);
    if (rc != 0 || n_diags || n_warnings)
        return -1; /* every test of the group fails: the default set must be clean */
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    ld_rt_rules_free(rules);
    return 0;
}

/* The process tree the events hang from: a container's processes under
 * containerd-shim, an apt-get with its dpkg, runc's stages, a host shell. */
static int setup(void **state)
{
    (void)state;
    fake_procs_reset();
    fake_proc_add(1, 0, "systemd", "/sbin/init");
    fake_proc_add(90, 1, "containerd", "/usr/bin/containerd");
    fake_proc_add(100, 1, "containerd-shim", "/usr/bin/containerd-shim-runc-v2 -namespace moby");
    fake_proc_add(110, 100, "runc", "runc --root /var/run/docker/runtime-runc/moby create");
    fake_proc_add(200, 100, "bash", "bash");
    fake_proc_add(300, 200, "apt-get", "apt-get install curl");
    fake_proc_add(400, 1, "sshd", "sshd: /usr/sbin/sshd -D");
    fake_proc_add(500, 400, "bash", "-bash");
    return 0;
}

/* ---- events ---- */

static void base(ld_rt_event *e, ld_rt_evtype type, const char *syscall, const char *comm,
                 const char *cmdline, int32_t ppid)
{
    memset(e, 0, sizeof *e);
    ld_rt_event_reset(e);
    e->type = type;
    e->source = LD_RT_SRC_BPF;
    snprintf(e->syscall, sizeof e->syscall, "%s", syscall);
    e->ts_ns = 1764842400000000000ull;
    e->pid = e->tid = 4321;
    e->ppid = ppid;
    snprintf(e->comm, sizeof e->comm, "%s", comm);
    snprintf(e->cmdline, sizeof e->cmdline, "%s", cmdline);
    snprintf(e->exepath, sizeof e->exepath, "/usr/bin/%s", comm);
}

static void exec_ev(ld_rt_event *e, const char *comm, const char *cmdline, int32_t ppid)
{
    base(e, LD_EVT_EXECVE, "execve", comm, cmdline, ppid);
    snprintf(e->path, sizeof e->path, "%s", e->exepath);
}

static void open_ev(ld_rt_event *e, const char *comm, const char *path, uint32_t flags, int64_t ret)
{
    base(e, LD_EVT_OPENAT, "openat", comm, comm, 200);
    snprintf(e->path, sizeof e->path, "%s", path);
    e->open_flags = flags;
    e->ret = ret;
}

static void connect_ip(ld_rt_event *e, const char *comm, const char *ip, uint16_t port)
{
    base(e, LD_EVT_CONNECT, "connect", comm, comm, 200);
    e->sock.family = AF_INET;
    e->sock.port = port;
    assert_int_equal(inet_pton(AF_INET, ip, e->sock.addr), 1);
    e->ret = 0;
}

static void connect_unix(ld_rt_event *e, const char *comm, const char *path)
{
    base(e, LD_EVT_CONNECT, "connect", comm, comm, 200);
    e->sock.family = AF_UNIX;
    snprintf(e->sock.unix_path, sizeof e->sock.unix_path, "%s", path);
    e->ret = 0;
}

static void container_ev(ld_rt_event *e, const ld_rt_container *ct, bool privileged, bool net,
                         bool pid, bool ipc)
{
    memset(e, 0, sizeof *e);
    ld_rt_event_reset(e);
    e->type = LD_EVT_CONTAINER;
    e->source = LD_RT_SRC_ENGINE;
    e->ts_ns = 1764842400000000000ull;
    snprintf(e->container_id, sizeof e->container_id, "%s", ct->id);
    e->container_privileged = privileged;
    e->container_host_network = net;
    e->container_host_pid = pid;
    e->container_host_ipc = ipc;
}

/* ---- matching ---- */

/* The rules that fire on e in ct, joined by '|' (caller frees). */
static char *fired(const ld_rt_event *e, const ld_rt_container *ct)
{
    ld_rt_field_ctx ctx = {.evt = e, .container = ct, .procs = &fake_table};
    size_t hits[32];
    size_t n = ld_rt_rules_match(rules, &ctx, hits, 32);
    ld_strlist names = {0};
    for (size_t i = 0; i < n && i < 32; i++)
        ld_strlist_push(&names, ld_rt_rules_get(rules, hits[i])->name);
    char *s = ld_strlist_join(&names, "|");
    ld_strlist_clear(&names);
    return s;
}

static size_t rule_index(const char *name)
{
    for (size_t i = 0; i < ld_rt_rules_count(rules); i++)
        if (strcmp(ld_rt_rules_get(rules, i)->name, name) == 0)
            return i;
    fail_msg("no rule '%s'", name);
    return 0;
}

/* e in ct fires exactly the rule `name`, whose output names the
 * container. */
static void fires_alone(const char *name, const ld_rt_event *e, const ld_rt_container *ct)
{
    char *got = fired(e, ct);
    if (strcmp(got, name) != 0)
        fail_msg("expected only '%s' to fire, got '%s'", name, got);
    free(got);
    char out[4096];
    ld_rt_field_ctx ctx = {.evt = e, .container = ct, .procs = &fake_table};
    ld_rt_rules_format_output(rules, rule_index(name), &ctx, out, sizeof out);
    print_message("  %s: %s\n", name, out);
    assert_null(strstr(out, "%")); /* every %field expanded */
    if (ct->name) {
        assert_non_null(strstr(out, ct->name));
        assert_non_null(strstr(out, ct->image));
        assert_non_null(strstr(out, ct->id));
    }
}

static void quiet(const ld_rt_event *e, const ld_rt_container *ct, const char *what)
{
    char *got = fired(e, ct);
    if (got[0])
        fail_msg("%s: expected no rule to fire, got '%s'", what, got);
    free(got);
}

/* ---- the set ---- */

static void set_is_clean_and_complete(void **state)
{
    (void)state;
    assert_int_equal(ld_rt_rules_count(rules), N_EXPECTED);
    ld_error err = LD_ERROR_INIT;
    ld_catalog *cat = ld_catalog_load_builtin(&err);
    assert_non_null(cat);
    for (size_t i = 0; i < N_EXPECTED; i++) {
        const ld_rt_rule *r = ld_rt_rules_get(rules, rule_index(expected_names[i]));
        assert_non_null(r->control);
        if (!ld_catalog_find(cat, r->control))
            fail_msg("rule '%s': control %s is not in the catalog", r->name, r->control);
        bool mitre = false, scope = false;
        for (size_t t = 0; r->tags[t]; t++) {
            mitre = mitre || strncmp(r->tags[t], "mitre_", 6) == 0;
            scope =
                scope || strcmp(r->tags[t], "container") == 0 || strcmp(r->tags[t], "host") == 0;
        }
        assert_true(mitre);
        assert_true(scope);
        assert_true(r->desc[0]);
        assert_true(r->priority <= LD_RT_PRIO_INFORMATIONAL);
    }
    ld_catalog_free(cat);
    /* the event types the set needs, for the sources' filters */
    assert_true(ld_rt_rules_wants(rules, LD_EVT_EXECVE));
    assert_true(ld_rt_rules_wants(rules, LD_EVT_OPENAT));
    assert_true(ld_rt_rules_wants(rules, LD_EVT_CONNECT));
    assert_true(ld_rt_rules_wants(rules, LD_EVT_CONTAINER));
    assert_false(ld_rt_rules_wants(rules, LD_EVT_CLONE));
    assert_false(ld_rt_rules_wants(rules, LD_EVT_PROCEXIT));
}

/* ---- each rule ---- */

static void shell_in_container(void **state)
{
    (void)state;
    ld_rt_event e;
    exec_ev(&e, "sh", "sh -c id", 100);
    fires_alone("Shell spawned in container", &e, &ct_app);
    exec_ev(&e, "busybox", "busybox sh -c id", 100);
    fires_alone("Shell spawned in container", &e, &ct_app);
    exec_ev(&e, "bash", "bash", 100);
    quiet(&e, &ct_host, "a shell on the host");
    exec_ev(&e, "busybox", "busybox sha256sum /x", 100);
    quiet(&e, &ct_app, "busybox sha256sum");
}

static void package_manager(void **state)
{
    (void)state;
    ld_rt_event e;
    exec_ev(&e, "apt-get", "apt-get check", 200);
    fires_alone("Package manager run in container", &e, &ct_app);
    exec_ev(&e, "python3", "python3 -m pip install requests", 200);
    fires_alone("Package manager run in container", &e, &ct_app);
    exec_ev(&e, "dpkg", "dpkg --status-fd 35 --configure", 300); /* under apt-get */
    quiet(&e, &ct_app, "dpkg run by apt-get");
    exec_ev(&e, "apt-get", "apt-get update", 500);
    quiet(&e, &ct_host, "apt-get on the host");
    exec_ev(&e, "python3", "python3 -m pipx", 200);
    quiet(&e, &ct_app, "python3 -m pipx");
}

static void write_below_system_dir(void **state)
{
    (void)state;
    ld_rt_event e;
    open_ev(&e, "sh", "/etc/passwd", O_WRONLY | O_APPEND, 3);
    fires_alone("Write below system directory in container", &e, &ct_app);
    open_ev(&e, "cp", "/usr/local/bin/tool", O_WRONLY | O_CREAT | O_TRUNC, 3);
    fires_alone("Write below system directory in container", &e, &ct_app);
    open_ev(&e, "sh", "/etc/passwd", O_RDONLY, 3);
    quiet(&e, &ct_app, "a read of /etc/passwd");
    open_ev(&e, "sh", "/etcetera/x", O_WRONLY, 3);
    quiet(&e, &ct_app, "/etcetera is not /etc");
    open_ev(&e, "sh", "/tmp/x", O_WRONLY | O_CREAT, 3);
    quiet(&e, &ct_app, "a write to /tmp");
    open_ev(&e, "sh", "/etc/passwd", O_WRONLY, -13);
    quiet(&e, &ct_app, "a failed open");
    open_ev(&e, "runc:[2:INIT]", "/etc/hostname", O_WRONLY | O_CREAT, 3);
    quiet(&e, &ct_app, "runc creating a mount point");
    open_ev(&e, "vi", "/etc/motd", O_RDWR, 3);
    quiet(&e, &ct_host, "a write on the host");
}

static void sensitive_file_read(void **state)
{
    (void)state;
    ld_rt_event e;
    open_ev(&e, "cat", "/etc/shadow", O_RDONLY, 3);
    fires_alone("Sensitive file read", &e, &ct_app);
    fires_alone("Sensitive file read", &e, &ct_host);
    open_ev(&e, "sshd", "/etc/shadow", O_RDONLY, 3);
    quiet(&e, &ct_host, "sshd reading /etc/shadow on the host");
    fires_alone("Sensitive file read", &e, &ct_app); /* trusted on the host only */
    open_ev(&e, "cat", "/root/.ssh/id_ed25519", O_RDONLY, 3);
    fires_alone("Sensitive file read", &e, &ct_app);
    open_ev(&e, "cat", "/root/.ssh/id_ed25519.pub", O_RDONLY, 3);
    quiet(&e, &ct_app, "a public key");
    open_ev(&e, "python3", "/home/dev/.aws/credentials", O_RDONLY, 3);
    fires_alone("Sensitive file read", &e, &ct_host);
    open_ev(&e, "aws", "/home/dev/.aws/credentials", O_RDONLY, 3);
    quiet(&e, &ct_host, "the aws cli reading its credentials");
    open_ev(&e, "cat", "/etc/sudoers.d/90-cloud", O_RDONLY, 3);
    fires_alone("Sensitive file read", &e, &ct_app);
    open_ev(&e, "cat", "/etc/passwd", O_RDONLY, 3);
    quiet(&e, &ct_app, "/etc/passwd is not secret");
    open_ev(&e, "cat", "/etc/shadow", O_RDONLY, -13);
    quiet(&e, &ct_app, "a refused open");
}

static void egress(void **state)
{
    (void)state;
    ld_rt_event e;
    connect_ip(&e, "wget", "192.0.2.7", 443);
    fires_alone("Outbound connection not allowed by egress policy", &e, &ct_egress);
    e.ret = -111; /* refused: still an attempt the policy forbids */
    fires_alone("Outbound connection not allowed by egress policy", &e, &ct_egress);
    connect_ip(&e, "wget", "10.1.2.3", 443);
    quiet(&e, &ct_egress, "a destination the policy allows");
    connect_ip(&e, "wget", "127.0.0.1", 8080);
    quiet(&e, &ct_egress, "loopback");
    connect_ip(&e, "wget", "192.0.2.7", 443);
    quiet(&e, &ct_app, "a container without an egress policy");
}

static void drop_and_execute(void **state)
{
    (void)state;
    ld_rt_event e;
    exec_ev(&e, "payload", "/tmp/payload --x", 200);
    e.exe_upper_layer = true;
    fires_alone("Drop and execute new binary in container", &e, &ct_app);
    e.exe_upper_layer = false;
    quiet(&e, &ct_app, "a binary of the image");
}

static void memfd_exec(void **state)
{
    (void)state;
    ld_rt_event e;
    exec_ev(&e, "3", "python3 -c x", 500);
    snprintf(e.exepath, sizeof e.exepath, "/memfd:x (deleted)");
    e.exe_from_memfd = true;
    fires_alone("Execution from memfd", &e, &ct_host);
    fires_alone("Execution from memfd", &e, &ct_app);
    /* runc 1.1 re-executing itself from a memfd on every container start */
    exec_ev(&e, "5", "runc init", 110);
    snprintf(e.exepath, sizeof e.exepath, "/memfd:runc_cloned:/proc/self/exe (deleted)");
    e.exe_from_memfd = true;
    quiet(&e, &ct_host, "runc init from its memfd");
}

static void ptrace_other(void **state)
{
    (void)state;
    ld_rt_event e;
    base(&e, LD_EVT_PTRACE, "ptrace", "gdb", "gdb -p 77", 200);
    e.target_pid = 77;
    e.request = 16; /* PTRACE_ATTACH */
    fires_alone("Ptrace of another process", &e, &ct_app);
    fires_alone("Ptrace of another process", &e, &ct_host);
    e.target_pid = 0;
    e.request = 0; /* PTRACE_TRACEME */
    quiet(&e, &ct_app, "PTRACE_TRACEME");
}

static void mount_in_container(void **state)
{
    (void)state;
    ld_rt_event e;
    base(&e, LD_EVT_MOUNT, "mount", "mount", "mount -t tmpfs none /mnt", 200);
    snprintf(e.path, sizeof e.path, "/mnt");
    snprintf(e.fstype, sizeof e.fstype, "tmpfs");
    snprintf(e.source_path, sizeof e.source_path, "none");
    e.ret = -1; /* EPERM: the attempt is the event */
    fires_alone("Mount in container", &e, &ct_app);
    e.type = LD_EVT_UMOUNT;
    fires_alone("Mount in container", &e, &ct_app);
    e.type = LD_EVT_MOUNT;
    quiet(&e, &ct_host, "a mount on the host");
    snprintf(e.comm, sizeof e.comm, "runc:[2:INIT]");
    quiet(&e, &ct_app, "runc setting up the container's mounts");
}

static void module_load(void **state)
{
    (void)state;
    ld_rt_event e;
    base(&e, LD_EVT_FINIT_MODULE, "finit_module", "modprobe", "modprobe xt_nat", 1);
    snprintf(e.module, sizeof e.module, "xt_nat");
    fires_alone("Kernel module load", &e, &ct_host);
    e.type = LD_EVT_INIT_MODULE;
    fires_alone("Kernel module load", &e, &ct_app);
}

static void docker_socket(void **state)
{
    (void)state;
    ld_rt_event e;
    connect_unix(&e, "docker", "/var/run/docker.sock");
    fires_alone("Docker socket accessed from container", &e, &ct_app);
    connect_unix(&e, "ctr", "/run/containerd/containerd.sock");
    fires_alone("Docker socket accessed from container", &e, &ct_app);
    open_ev(&e, "curl", "/run/docker.sock", O_RDWR, -6);
    fires_alone("Docker socket accessed from container", &e, &ct_app);
    connect_unix(&e, "docker", "/var/run/docker.sock");
    quiet(&e, &ct_host, "the docker cli on the host");
    connect_unix(&e, "app", "/tmp/app.sock");
    quiet(&e, &ct_app, "another unix socket");
}

static void setuid_root(void **state)
{
    (void)state;
    ld_rt_event e;
    base(&e, LD_EVT_SETUID, "setresuid", "helper", "./helper", 200);
    e.uid = 1000;
    e.euid = 0;
    e.target_uid = 0;
    fires_alone("Setuid to root by non-root process", &e, &ct_app);
    fires_alone("Setuid to root by non-root process", &e, &ct_host);
    e.uid = 0;
    quiet(&e, &ct_app, "root becoming root");
    e.uid = 0;
    e.target_uid = 1000;
    quiet(&e, &ct_app, "root dropping to a user");
}

static void privileged_container(void **state)
{
    (void)state;
    ld_rt_event e;
    container_ev(&e, &ct_app, true, false, false, false);
    fires_alone("Privileged container started", &e, &ct_app);
    container_ev(&e, &ct_app, false, false, false, false);
    quiet(&e, &ct_app, "a plain container started");
}

static void host_namespaces(void **state)
{
    (void)state;
    ld_rt_event e;
    container_ev(&e, &ct_app, false, true, false, false);
    fires_alone("Container started with host namespaces", &e, &ct_app);
    container_ev(&e, &ct_app, false, false, true, false);
    fires_alone("Container started with host namespaces", &e, &ct_app);
    container_ev(&e, &ct_app, false, false, false, true);
    fires_alone("Container started with host namespaces", &e, &ct_app);
    container_ev(&e, &ct_app, true, true, false, false);
    char *got = fired(&e, &ct_app);
    assert_string_equal(got, "Privileged container started|Container started with host namespaces");
    free(got);
}

static void namespace_change(void **state)
{
    (void)state;
    ld_rt_event e;
    base(&e, LD_EVT_UNSHARE, "unshare", "unshare", "unshare -r id", 200);
    e.request = 0x10000000; /* CLONE_NEWUSER */
    fires_alone("Namespace change in container", &e, &ct_app);
    e.type = LD_EVT_SETNS;
    fires_alone("Namespace change in container", &e, &ct_app);
    quiet(&e, &ct_host, "setns on the host");
    base(&e, LD_EVT_UNSHARE, "unshare", "runc:[1:CHILD]", "runc init", 110);
    quiet(&e, &ct_app, "runc creating the container's namespaces");
    base(&e, LD_EVT_SETNS, "setns", "runc:[0:PARENT]", "runc init", 110);
    quiet(&e, &ct_app, "runc exec joining the namespaces");
}

/* ---- quiet ---- */

/* What a container running `sleep` does, and what the runtime does to
 * start it: no rule fires. */
static void quiet_container_and_runtime(void **state)
{
    (void)state;
    ld_rt_event e;
    exec_ev(&e, "sleep", "sleep 3600", 100);
    quiet(&e, &ct_app, "exec of sleep");
    base(&e, LD_EVT_CLONE, "", "sleep", "sleep 3600", 100);
    quiet(&e, &ct_app, "clone");
    base(&e, LD_EVT_PROCEXIT, "", "sleep", "sleep 3600", 100);
    quiet(&e, &ct_app, "exit");
    static const char *const reads[] = {"/etc/ld.so.cache",
                                        "/lib/x86_64-linux-gnu/libc.so.6",
                                        "/usr/lib/locale/locale-archive",
                                        "/etc/localtime",
                                        "/etc/nsswitch.conf",
                                        "/etc/passwd"};
    for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++) {
        open_ev(&e, "sleep", reads[i], O_RDONLY | O_CLOEXEC, 3);
        quiet(&e, &ct_app, reads[i]);
    }
    connect_unix(&e, "sleep", "/var/run/nscd/socket");
    quiet(&e, &ct_app, "nscd lookup");
    /* runc starting the container: its stages, in the container's cgroup */
    base(&e, LD_EVT_UNSHARE, "unshare", "runc:[1:CHILD]", "runc init", 110);
    quiet(&e, &ct_app, "runc unshare");
    base(&e, LD_EVT_MOUNT, "mount", "runc:[2:INIT]", "runc init", 110);
    snprintf(e.path, sizeof e.path, "/var/lib/docker/overlay2/x/merged/proc");
    quiet(&e, &ct_app, "runc mount");
    base(&e, LD_EVT_SETUID, "setresuid", "runc:[2:INIT]", "runc init", 110);
    e.uid = 0;
    e.target_uid = 0;
    quiet(&e, &ct_app, "runc setting the user");
    exec_ev(&e, "sleep", "sleep 3600", 110);
    quiet(&e, &ct_app, "the entrypoint exec");
    /* runc init before it names itself: "exe", bind-mounting its own
     * binary and re-executing it (as the number of a file descriptor),
     * racing with being moved into the container's cgroup */
    base(&e, LD_EVT_MOUNT, "mount", "exe", "runc init", 110);
    snprintf(e.path, sizeof e.path, "/run/runc-cloned-binary");
    quiet(&e, &ct_app, "runc init's bind mount of its binary");
    base(&e, LD_EVT_EXECVEAT, "execveat", "6", "runc init", 110);
    e.exe_from_memfd = true;
    quiet(&e, &ct_app, "runc init's re-exec");
    /* the host side of docker run */
    exec_ev(&e, "runc", "runc --root /var/run/docker/runtime-runc/moby create", 100);
    quiet(&e, &ct_host, "runc create");
    exec_ev(&e, "docker", "docker run -d lockdown-test/busybox:1 sleep 3600", 500);
    quiet(&e, &ct_host, "docker run");
    connect_unix(&e, "docker", "/var/run/docker.sock");
    quiet(&e, &ct_host, "the docker cli");
    container_ev(&e, &ct_app, false, false, false, false);
    quiet(&e, &ct_app, "the container started");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(set_is_clean_and_complete, setup),
        cmocka_unit_test_setup(shell_in_container, setup),
        cmocka_unit_test_setup(package_manager, setup),
        cmocka_unit_test_setup(write_below_system_dir, setup),
        cmocka_unit_test_setup(sensitive_file_read, setup),
        cmocka_unit_test_setup(egress, setup),
        cmocka_unit_test_setup(drop_and_execute, setup),
        cmocka_unit_test_setup(memfd_exec, setup),
        cmocka_unit_test_setup(ptrace_other, setup),
        cmocka_unit_test_setup(mount_in_container, setup),
        cmocka_unit_test_setup(module_load, setup),
        cmocka_unit_test_setup(docker_socket, setup),
        cmocka_unit_test_setup(setuid_root, setup),
        cmocka_unit_test_setup(privileged_container, setup),
        cmocka_unit_test_setup(host_namespaces, setup),
        cmocka_unit_test_setup(namespace_change, setup),
        cmocka_unit_test_setup(quiet_container_and_runtime, setup),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
