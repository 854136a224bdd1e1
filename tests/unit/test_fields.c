/* Unit tests of the rule fields (src/runtime/fields*.c): every name
 * resolves (and typos get a suggestion), each field reads what fields.h
 * promises from synthetic events, containers and a process table double,
 * absent values are absent, image references split at the right colon,
 * sockets print as Falco-style tuples, and values render as text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "runtime/containers.h"
#include "runtime/fields.h"
#include "test_rt_fake_procs.h"

static ld_rt_event ev;
static ld_rt_container ct;
static ld_rt_field_ctx fctx;

static void base(ld_rt_evtype type)
{
    memset(&ev, 0, sizeof ev);
    ld_rt_event_reset(&ev);
    ev.type = type;
    ev.pid = 100;
    ev.ppid = 50;
    ev.uid = 1000;
    ev.tty = 34816;
    ev.ts_ns = 1764842400123456789ull;
    snprintf(ev.comm, sizeof ev.comm, "bash");
    snprintf(ev.exepath, sizeof ev.exepath, "/usr/bin/bash");
    snprintf(ev.cmdline, sizeof ev.cmdline, "bash -c ls /tmp");
    memset(&ct, 0, sizeof ct);
    snprintf(ct.id, sizeof ct.id, "%s",
             "4f2a0123456789ab0123456789ab0123456789ab0123456789ab0123456789ab");
    ct.name = "web";
    ct.image = "nginx:1.25";
    ct.runtime = "docker";
    ct.known = true;
    fctx.evt = &ev;
    fctx.container = &ct;
    fctx.procs = fake_procs_reset();
    fake_proc_add(100, 50, "bash", "bash -c ls /tmp");
    fake_proc_add(50, 10, "sshd", "/usr/sbin/sshd -D");
    fake_proc_add(10, 1, "containerd-shim", "containerd-shim -id x");
    fake_proc_add(1, 0, "systemd", "/sbin/init");
}

static void host_container(void)
{
    memset(&ct, 0, sizeof ct);
    snprintf(ct.id, sizeof ct.id, "%s", LD_RT_HOST_ID);
    ct.known = true;
}

static void set_sock(ld_rt_sockaddr *a, const char *ip, uint16_t port)
{
    memset(a, 0, sizeof *a);
    a->family = strchr(ip, ':') ? AF_INET6 : AF_INET;
    assert_int_equal(inet_pton(a->family, ip, a->addr), 1);
    a->port = port;
}

static ld_rt_value val;

static const ld_rt_value *read_field(const char *name)
{
    ld_rt_field_ref f;
    ld_error err = LD_ERROR_INIT;
    if (ld_rt_field_resolve(name, &f, &err) < 0)
        fail_msg("%s: %s", name, err.msg);
    ld_rt_field_value(&f, &fctx, &val);
    return &val;
}

static void expect_str(const char *name, const char *want)
{
    const ld_rt_value *v = read_field(name);
    if (!v->present)
        fail_msg("%s: absent, expected \"%s\"", name, want);
    assert_int_equal(v->type, LD_RT_FT_STR);
    if (strcmp(v->str, want) != 0)
        fail_msg("%s: \"%s\", expected \"%s\"", name, v->str, want);
}

static void expect_num(const char *name, int64_t want)
{
    const ld_rt_value *v = read_field(name);
    if (!v->present)
        fail_msg("%s: absent, expected %lld", name, (long long)want);
    if (v->num != want)
        fail_msg("%s: %lld, expected %lld", name, (long long)v->num, (long long)want);
}

static void expect_bool(const char *name, bool want)
{
    const ld_rt_value *v = read_field(name);
    if (!v->present)
        fail_msg("%s: absent, expected %s", name, want ? "true" : "false");
    assert_int_equal(v->type, LD_RT_FT_BOOL);
    if ((v->num != 0) != want)
        fail_msg("%s: %lld, expected %s", name, (long long)v->num, want ? "true" : "false");
}

static void expect_absent(const char *name)
{
    const ld_rt_value *v = read_field(name);
    if (v->present) {
        char text[256];
        fail_msg("%s: present (%s), expected absent", name, ld_rt_value_text(v, text, sizeof text));
    }
}

static void expect_text(const char *name, const char *want)
{
    char text[LD_RT_PATH_MAX + 64];
    const ld_rt_value *v = read_field(name);
    ld_rt_value_text(v, text, sizeof text);
    if (strcmp(text, want) != 0)
        fail_msg("%s: text \"%s\", expected \"%s\"", name, text, want);
}

static void test_resolve(void **state)
{
    (void)state;
    const char *const *names = ld_rt_field_names();
    size_t n = 0;
    for (; names[n]; n++) {
        ld_rt_field_ref f;
        ld_error err = LD_ERROR_INIT;
        if (ld_rt_field_resolve(names[n], &f, &err) < 0)
            fail_msg("%s: %s", names[n], err.msg);
        assert_string_equal(f.name, names[n]);
        assert_int_equal(f.arg, -1);
    }
    assert_true(n >= 52);
    /* every field fields.h documents is here */
    static const char *const documented[] = {"evt.type",
                                             "evt.time",
                                             "evt.res",
                                             "evt.rawres",
                                             "evt.syscall",
                                             "evt.is_open_write",
                                             "evt.is_open_read",
                                             "proc.name",
                                             "proc.exe",
                                             "proc.exepath",
                                             "proc.cmdline",
                                             "proc.args",
                                             "proc.pid",
                                             "proc.ppid",
                                             "proc.pname",
                                             "proc.pcmdline",
                                             "proc.aname",
                                             "proc.tty",
                                             "proc.is_exe_upper_layer",
                                             "proc.is_exe_from_memfd",
                                             "user.uid",
                                             "user.name",
                                             "user.loginuid",
                                             "container.id",
                                             "container.name",
                                             "container.image",
                                             "container.image.repository",
                                             "container.image.tag",
                                             "container.privileged",
                                             "container.runtime",
                                             "fd.name",
                                             "fd.directory",
                                             "fd.filename",
                                             "fd.sip",
                                             "fd.dip",
                                             "fd.sport",
                                             "fd.dport",
                                             "fd.l4proto",
                                             "fd.typechar",
                                             "fd.sockfamily",
                                             "k8s.ns.name",
                                             "k8s.pod.name",
                                             "evt.target.pid",
                                             "evt.target.uid",
                                             "evt.module",
                                             "mount.fstype",
                                             "mount.source",
                                             "mount.target",
                                             "fd.egress_allowed",
                                             "container.egress_policy",
                                             "container.host_network",
                                             "container.host_pid",
                                             "container.host_ipc",
                                             "evt.dir",
                                             NULL};
    for (size_t i = 0; documented[i]; i++) {
        bool found = false;
        for (size_t k = 0; k < n; k++)
            found = found || strcmp(names[k], documented[i]) == 0;
        if (!found)
            fail_msg("%s missing from ld_rt_field_names", documented[i]);
    }
    ld_rt_field_ref f;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_rt_field_resolve("proc.aname[2]", &f, &err), 0);
    assert_int_equal(f.arg, 2);
    assert_string_equal(f.name, "proc.aname");
    assert_int_equal(f.type, LD_RT_FT_STR);
    assert_int_equal(ld_rt_field_resolve("fd.dip", &f, &err), 0);
    assert_int_equal(f.type, LD_RT_FT_IP);
    assert_int_equal(ld_rt_field_resolve("proc.pid", &f, &err), 0);
    assert_int_equal(f.type, LD_RT_FT_NUM);
    assert_int_equal(ld_rt_field_resolve("proc.nme", &f, &err), LD_ERR_INVALID);
    assert_string_equal(err.msg, "unknown field 'proc.nme' (did you mean proc.name?)");
    assert_int_equal(ld_rt_field_resolve("fd.dirctory", &f, &err), LD_ERR_INVALID);
    assert_string_equal(err.msg, "unknown field 'fd.dirctory' (did you mean fd.directory?)");
    assert_int_equal(ld_rt_field_resolve("ka.user.name", &f, &err), LD_ERR_INVALID);
    assert_string_equal(err.msg, "unknown field 'ka.user.name'");
    assert_int_equal(ld_rt_field_resolve("evt.type[1]", &f, &err), LD_ERR_INVALID);
    assert_string_equal(err.msg, "field 'evt.type' takes no argument");
    assert_int_equal(ld_rt_field_resolve("proc.aname[]", &f, &err), LD_ERR_INVALID);
    assert_int_equal(ld_rt_field_resolve("proc.aname[-1]", &f, &err), LD_ERR_INVALID);
    assert_int_equal(ld_rt_field_resolve("proc.aname[1]x", &f, &err), LD_ERR_INVALID);
    assert_int_equal(ld_rt_field_resolve("proc.aname[99]", &f, &err), LD_ERR_INVALID);
    assert_int_equal(ld_rt_field_resolve("", &f, &err), LD_ERR_INVALID);
    /* a hostile name is cut in the message */
    char longname[4000];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(ld_rt_field_resolve(longname, &f, &err), LD_ERR_INVALID);
    assert_true(strlen(err.msg) < 300);
}

static void test_evt_fields(void **state)
{
    (void)state;
    base(LD_EVT_OPENAT);
    snprintf(ev.path, sizeof ev.path, "/etc/shadow");
    snprintf(ev.syscall, sizeof ev.syscall, "openat");
    ev.open_flags = O_RDONLY | O_CLOEXEC;
    expect_str("evt.type", "openat");
    expect_num("evt.time", (int64_t)1764842400123456789ull);
    expect_str("evt.res", "SUCCESS");
    expect_num("evt.rawres", 0);
    expect_str("evt.syscall", "openat");
    expect_bool("evt.is_open_read", true);
    expect_bool("evt.is_open_write", false);
    expect_str("evt.dir", "<");
    ev.open_flags = O_WRONLY | O_CREAT | O_TRUNC;
    expect_bool("evt.is_open_read", false);
    expect_bool("evt.is_open_write", true);
    ev.open_flags = O_RDWR;
    expect_bool("evt.is_open_read", true);
    expect_bool("evt.is_open_write", true);
    ev.ret = -ENOENT;
    expect_str("evt.res", "ENOENT");
    expect_num("evt.rawres", -ENOENT);
    ev.ret = -EACCES;
    expect_str("evt.res", "EACCES");
    ev.ret = -99999;
    expect_str("evt.res", "-99999");
    ev.ret = 3;
    expect_str("evt.res", "SUCCESS");
    expect_absent("evt.target.pid");
    expect_absent("evt.target.uid");
    expect_absent("evt.module");
    expect_absent("mount.fstype");
    expect_absent("mount.target");
    /* exec events: no open flags, no syscall name given */
    base(LD_EVT_EXECVE);
    expect_str("evt.type", "execve");
    expect_absent("evt.is_open_read");
    expect_absent("evt.is_open_write");
    expect_absent("evt.syscall");
    /* the objects of other event types */
    base(LD_EVT_PTRACE);
    ev.target_pid = 4242;
    expect_num("evt.target.pid", 4242);
    base(LD_EVT_SETUID);
    snprintf(ev.syscall, sizeof ev.syscall, "setresuid");
    ev.target_uid = 0;
    expect_num("evt.target.uid", 0);
    expect_str("evt.type", "setuid");
    expect_str("evt.syscall", "setresuid");
    base(LD_EVT_FINIT_MODULE);
    snprintf(ev.module, sizeof ev.module, "nf_tables");
    expect_str("evt.module", "nf_tables");
    base(LD_EVT_INIT_MODULE);
    expect_absent("evt.module"); /* name not known */
    base(LD_EVT_MOUNT);
    snprintf(ev.path, sizeof ev.path, "/mnt/x");
    snprintf(ev.fstype, sizeof ev.fstype, "tmpfs");
    snprintf(ev.source_path, sizeof ev.source_path, "none");
    expect_str("mount.target", "/mnt/x");
    expect_str("mount.fstype", "tmpfs");
    expect_str("mount.source", "none");
    expect_absent("fd.name"); /* a mount is no file descriptor */
    base(LD_EVT_UMOUNT);
    snprintf(ev.path, sizeof ev.path, "/mnt/x");
    expect_str("mount.target", "/mnt/x");
    expect_absent("mount.fstype");
}

static void test_proc_fields(void **state)
{
    (void)state;
    base(LD_EVT_EXECVE);
    expect_str("proc.name", "bash");
    expect_str("proc.exe", "/usr/bin/bash");
    expect_str("proc.exepath", "/usr/bin/bash");
    expect_str("proc.cmdline", "bash -c ls /tmp");
    expect_str("proc.args", "-c ls /tmp");
    expect_num("proc.pid", 100);
    expect_num("proc.ppid", 50);
    expect_num("proc.tty", 34816);
    expect_str("proc.pname", "sshd");
    expect_str("proc.pcmdline", "sshd -D"); /* Falco's form: the comm, then the arguments */
    expect_str("proc.aname[1]", "sshd");
    expect_str("proc.aname[2]", "containerd-shim");
    expect_str("proc.aname[3]", "systemd");
    expect_absent("proc.aname[4]");
    expect_str("proc.aname[0]", "bash");
    expect_str("proc.aname", "sshd"); /* read as a value: the parent */
    /* proc.cmdline is "comm args" even when argv[0] is a path */
    snprintf(ev.comm, sizeof ev.comm, "python3");
    snprintf(ev.cmdline, sizeof ev.cmdline, "/usr/bin/python3 -m http.server 8000");
    expect_str("proc.cmdline", "python3 -m http.server 8000");
    expect_str("proc.args", "-m http.server 8000");
    snprintf(ev.cmdline, sizeof ev.cmdline, "/usr/bin/python3");
    expect_str("proc.cmdline", "python3");
    expect_str("proc.args", "");
    /* a command line filling the buffer still fits "comm args" */
    memset(ev.cmdline, 'a', sizeof ev.cmdline - 1);
    ev.cmdline[sizeof ev.cmdline - 1] = '\0';
    ev.cmdline[1] = ' ';
    const ld_rt_value *v = read_field("proc.cmdline");
    assert_true(v->present);
    assert_true(strncmp(v->str, "python3 aaa", 11) == 0);
    assert_true(strlen(v->str) < sizeof v->buf);
    /* exe flags: the exec event's own, or the table's for other events */
    base(LD_EVT_EXECVE);
    expect_bool("proc.is_exe_upper_layer", false);
    expect_bool("proc.is_exe_from_memfd", false);
    ev.exe_upper_layer = true;
    ev.exe_from_memfd = true;
    expect_bool("proc.is_exe_upper_layer", true);
    expect_bool("proc.is_exe_from_memfd", true);
    base(LD_EVT_OPENAT);
    fake_table.procs[0].exe_upper_layer = true;
    expect_bool("proc.is_exe_upper_layer", true);
    expect_bool("proc.is_exe_from_memfd", false);
    /* user: in a container, the name from the container's own passwd */
    base(LD_EVT_EXECVE);
    expect_num("user.uid", 1000);
    expect_str("user.name", "www");
    expect_num("user.loginuid", -1);
    ev.loginuid = 1000;
    expect_num("user.loginuid", 1000);
    ev.uid = 0;
    expect_str("user.name", "root");
    ev.uid = 4242;
    expect_absent("user.name");
    ev.pid = 666; /* its root is gone: uid 0 is root all the same */
    ev.uid = 0;
    expect_str("user.name", "root");
    ev.uid = 1000;
    expect_absent("user.name");
    /* on the host, the host's passwd */
    base(LD_EVT_EXECVE);
    host_container();
    expect_str("user.name", "alice");
    /* without a table: no ancestry, no user names */
    fctx.procs = NULL;
    expect_absent("proc.pname");
    expect_absent("proc.pcmdline");
    expect_absent("proc.aname[2]");
    expect_absent("user.name");
    expect_str("proc.name", "bash");
    /* an event whose ppid is unknown asks the table for the process's parent */
    base(LD_EVT_OPENAT);
    ev.ppid = 0;
    expect_str("proc.aname[2]", "containerd-shim");
    expect_absent("proc.ppid");
    /* empty strings are absent */
    base(LD_EVT_OPENAT);
    ev.comm[0] = ev.exepath[0] = ev.cmdline[0] = '\0';
    expect_absent("proc.name");
    expect_absent("proc.exe");
    expect_absent("proc.cmdline");
    expect_absent("proc.args");
}

static void test_container_fields(void **state)
{
    (void)state;
    base(LD_EVT_EXECVE);
    expect_str("container.id", ct.id);
    expect_str("container.name", "web");
    expect_str("container.image", "nginx:1.25");
    expect_str("container.image.repository", "nginx");
    expect_str("container.image.tag", "1.25");
    expect_str("container.runtime", "docker");
    expect_bool("container.privileged", false);
    expect_bool("container.host_network", false);
    expect_bool("container.egress_policy", false);
    ct.privileged = ct.host_pid = true;
    expect_bool("container.privileged", true);
    expect_bool("container.host_pid", true);
    expect_bool("container.host_ipc", false);
    /* image references: registry with a port, digest, no tag, an id */
    static const struct {
        const char *image, *repo, *tag;
    } refs[] = {
        {"nginx", "nginx", "latest"},
        {"library/nginx:1.25-alpine", "library/nginx", "1.25-alpine"},
        {"registry.local:5000/team/app:1.0@sha256:abcd", "registry.local:5000/team/app", "1.0"},
        {"registry.local:5000/team/app@sha256:abcd", "registry.local:5000/team/app", NULL},
        {"localhost:5000/app", "localhost:5000/app", "latest"},
        {"[::1]:5000/app:v2", "[::1]:5000/app", "v2"},
        {"lockdown-test/busybox:1", "lockdown-test/busybox", "1"},
        {"sha256:0123456789abcdef", NULL, NULL},
        {"app:", "app", NULL},
    };
    for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
        ct.image = (char *)refs[i].image;
        if (refs[i].repo)
            expect_str("container.image.repository", refs[i].repo);
        else
            expect_absent("container.image.repository");
        if (refs[i].tag)
            expect_str("container.image.tag", refs[i].tag);
        else
            expect_absent("container.image.tag");
    }
    /* a container the engine did not describe: flags unknown */
    base(LD_EVT_EXECVE);
    ct.known = false;
    ct.name = ct.image = ct.runtime = NULL;
    expect_absent("container.privileged");
    expect_absent("container.host_network");
    expect_absent("container.name");
    expect_absent("container.image");
    expect_absent("container.image.tag");
    /* the host */
    host_container();
    expect_str("container.id", "host");
    expect_str("container.name", "host");
    expect_absent("container.image");
    expect_bool("container.privileged", false);
    expect_absent("k8s.ns.name");
    /* an engine event carries its own flags */
    base(LD_EVT_CONTAINER);
    ev.container_privileged = true;
    ev.container_host_network = true;
    expect_bool("container.privileged", true);
    expect_bool("container.host_network", true);
    expect_bool("container.host_pid", false);
    /* Kubernetes: the table's fields, else the labels */
    base(LD_EVT_EXECVE);
    expect_absent("k8s.ns.name");
    expect_absent("k8s.pod.name");
    char *keys[] = {"app", "io.kubernetes.pod.namespace", "io.kubernetes.pod.name"};
    char *values[] = {"web", "payments", "api-7d9f"};
    ct.label_keys = keys;
    ct.label_values = values;
    ct.n_labels = 3;
    expect_str("k8s.ns.name", "payments");
    expect_str("k8s.pod.name", "api-7d9f");
    ct.k8s_ns = "prod";
    ct.k8s_pod = "api-1";
    expect_str("k8s.ns.name", "prod");
    expect_str("k8s.pod.name", "api-1");
}

static void test_fd_file_fields(void **state)
{
    (void)state;
    base(LD_EVT_OPENAT);
    snprintf(ev.path, sizeof ev.path, "/etc/ssh/sshd_config");
    expect_str("fd.name", "/etc/ssh/sshd_config");
    expect_str("fd.directory", "/etc/ssh");
    expect_str("fd.filename", "sshd_config");
    expect_str("fd.typechar", "f");
    expect_absent("fd.sockfamily");
    expect_absent("fd.sip");
    expect_absent("fd.dport");
    expect_absent("fd.l4proto");
    snprintf(ev.path, sizeof ev.path, "/shadow");
    expect_str("fd.directory", "/");
    expect_str("fd.filename", "shadow");
    snprintf(ev.path, sizeof ev.path, "relative.txt");
    expect_str("fd.directory", ".");
    expect_str("fd.filename", "relative.txt");
    snprintf(ev.path, sizeof ev.path, "/etc/");
    expect_str("fd.directory", "/etc");
    expect_absent("fd.filename");
    base(LD_EVT_OPENAT2);
    snprintf(ev.path, sizeof ev.path, "/usr/lib/x");
    expect_str("fd.directory", "/usr/lib");
    base(LD_EVT_MEMFD_CREATE);
    snprintf(ev.path, sizeof ev.path, "payload");
    expect_str("fd.name", "payload");
    /* an exec names its file in proc.exepath, not fd.name */
    base(LD_EVT_EXECVE);
    snprintf(ev.path, sizeof ev.path, "/usr/bin/bash");
    expect_absent("fd.name");
    expect_absent("fd.directory");
    base(LD_EVT_OPENAT); /* an open with no path known */
    expect_absent("fd.name");
    expect_absent("fd.typechar");
}

static void test_fd_socket_fields(void **state)
{
    (void)state;
    base(LD_EVT_CONNECT);
    set_sock(&ev.sock, "93.184.216.34", 443);
    expect_text("fd.dip", "93.184.216.34");
    expect_num("fd.dport", 443);
    expect_absent("fd.sip"); /* the local side was not known */
    expect_absent("fd.sport");
    expect_str("fd.name", "0.0.0.0:0->93.184.216.34:443");
    expect_str("fd.typechar", "4");
    expect_str("fd.sockfamily", "ip");
    expect_absent("fd.l4proto"); /* a connect does not say TCP or UDP */
    expect_absent("fd.directory");
    set_sock(&ev.sock_local, "172.17.0.2", 40000);
    expect_str("fd.name", "172.17.0.2:40000->93.184.216.34:443");
    expect_text("fd.sip", "172.17.0.2");
    expect_num("fd.sport", 40000);
    /* IPv6 in brackets */
    base(LD_EVT_CONNECT);
    set_sock(&ev.sock, "2001:db8::1", 53);
    set_sock(&ev.sock_local, "fd00::2", 5353);
    expect_str("fd.name", "[fd00::2]:5353->[2001:db8::1]:53");
    expect_str("fd.typechar", "6");
    expect_text("fd.dip", "2001:db8::1");
    /* accept: from the remote peer to the local side */
    base(LD_EVT_ACCEPT);
    set_sock(&ev.sock, "10.0.0.9", 51000);
    set_sock(&ev.sock_local, "10.0.0.2", 8080);
    expect_text("fd.sip", "10.0.0.9");
    expect_num("fd.sport", 51000);
    expect_text("fd.dip", "10.0.0.2");
    expect_num("fd.dport", 8080);
    expect_str("fd.name", "10.0.0.9:51000->10.0.0.2:8080");
    expect_str("fd.l4proto", "tcp");
    /* bind and listen: their own address */
    base(LD_EVT_BIND);
    set_sock(&ev.sock, "0.0.0.0", 8080);
    expect_str("fd.name", "0.0.0.0:8080");
    expect_num("fd.sport", 8080);
    expect_absent("fd.dport");
    base(LD_EVT_LISTEN);
    set_sock(&ev.sock, "::", 22);
    expect_str("fd.name", "[::]:22");
    expect_str("fd.l4proto", "tcp");
    /* unix sockets: the path */
    base(LD_EVT_CONNECT);
    ev.sock.family = AF_UNIX;
    snprintf(ev.sock.unix_path, sizeof ev.sock.unix_path, "/var/run/docker.sock");
    expect_str("fd.name", "/var/run/docker.sock");
    expect_str("fd.typechar", "u");
    expect_str("fd.sockfamily", "unix");
    expect_absent("fd.dip");
    expect_absent("fd.dport");
    /* a connect with no address */
    base(LD_EVT_CONNECT);
    expect_absent("fd.name");
    expect_absent("fd.sockfamily");
}

static void test_egress_field(void **state)
{
    (void)state;
    ld_rt_egress_rule rules[2];
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_rt_egress_parse("10.0.0.0/8:443", &rules[0], &err), 0);
    assert_int_equal(ld_rt_egress_parse("192.168.1.5", &rules[1], &err), 0);
    base(LD_EVT_CONNECT);
    set_sock(&ev.sock, "10.2.3.4", 443);
    expect_absent("fd.egress_allowed"); /* no policy: cannot judge */
    expect_bool("container.egress_policy", false);
    ct.has_egress = true;
    ct.egress = rules;
    ct.n_egress = 2;
    expect_bool("container.egress_policy", true);
    expect_bool("fd.egress_allowed", true);
    set_sock(&ev.sock, "10.2.3.4", 80);
    expect_bool("fd.egress_allowed", false);
    set_sock(&ev.sock, "192.168.1.5", 80);
    expect_bool("fd.egress_allowed", true);
    set_sock(&ev.sock, "8.8.8.8", 53);
    expect_bool("fd.egress_allowed", false);
    /* a unix socket or an open is no egress */
    base(LD_EVT_CONNECT);
    ct.has_egress = true;
    ct.egress = rules;
    ct.n_egress = 2;
    ev.sock.family = AF_UNIX;
    snprintf(ev.sock.unix_path, sizeof ev.sock.unix_path, "/run/x.sock");
    expect_absent("fd.egress_allowed");
}

static void test_value_text(void **state)
{
    (void)state;
    char out[64];
    ld_rt_value v = {0};
    assert_string_equal(ld_rt_value_text(&v, out, sizeof out), "<NA>");
    base(LD_EVT_CONNECT);
    set_sock(&ev.sock, "10.0.0.1", 80);
    expect_text("fd.dip", "10.0.0.1");
    expect_text("fd.dport", "80");
    expect_text("fd.sip", "<NA>");
    expect_text("proc.name", "bash");
    expect_text("container.privileged", "false");
    expect_text("evt.rawres", "0");
    base(LD_EVT_OPENAT);
    ev.ret = -13;
    expect_text("evt.rawres", "-13");
    expect_text("evt.res", "EACCES");
    expect_text("user.loginuid", "-1");
    set_sock(&ev.sock, "::1", 1);
    /* cut at the buffer size, always terminated */
    ld_rt_field_ref f;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_rt_field_resolve("proc.exepath", &f, &err), 0);
    ld_rt_field_value(&f, &fctx, &v);
    char small[5];
    assert_string_equal(ld_rt_value_text(&v, small, sizeof small), "/usr");
    assert_string_equal(ld_rt_value_text(&v, small, 1), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolve),        cmocka_unit_test(test_evt_fields),
        cmocka_unit_test(test_proc_fields),    cmocka_unit_test(test_container_fields),
        cmocka_unit_test(test_fd_file_fields), cmocka_unit_test(test_fd_socket_fields),
        cmocka_unit_test(test_egress_field),   cmocka_unit_test(test_value_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
