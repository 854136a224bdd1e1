/* Unit tests of the rule condition language (src/runtime/rules_cond_*.c):
 * every operator true and false, precedence, macros and lists (nested,
 * quoted items, cycles named), absent fields, IPv4/IPv6 networks,
 * proc.aname with and without an index, the event types a condition can
 * match, errors with their column, hostile conditions (deep nesting, huge
 * and exponential lists and macros, unterminated strings, 10 MB of text)
 * refused without a crash, evaluation without allocation, and a
 * microbenchmark that prints ns per evaluation (printed, never asserted). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "runtime/rules.h"
#include "runtime/rules_cond_internal.h"
#include "test_rt_fake_procs.h"

/* ---- counting allocations (not under sanitizers: they own malloc) ---- */
#if defined(__SANITIZE_ADDRESS__)
#define COUNT_ALLOCS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COUNT_ALLOCS 0
#endif
#endif
#ifndef COUNT_ALLOCS
#define COUNT_ALLOCS 1
#endif

#if COUNT_ALLOCS
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
static volatile int counting;
static volatile unsigned long allocations;
void *malloc(size_t n)
{
    if (counting)
        allocations++;
    return __libc_malloc(n);
}
void *calloc(size_t n, size_t s)
{
    if (counting)
        allocations++;
    return __libc_calloc(n, s);
}
void *realloc(void *p, size_t n)
{
    if (counting)
        allocations++;
    return __libc_realloc(p, n);
}
#endif

/* ---- an environment of lists and macros ---- */
#define ENV_MAX 64
typedef struct {
    const char *list_names[ENV_MAX];
    ld_strlist lists[ENV_MAX];
    size_t n_lists;
    const char *macro_names[ENV_MAX];
    const char *macro_texts[ENV_MAX];
    size_t n_macros;
} test_env;

static test_env E;

static const ld_strlist *env_list(void *ctx, const char *name)
{
    test_env *e = ctx;
    for (size_t i = 0; i < e->n_lists; i++)
        if (strcmp(e->list_names[i], name) == 0)
            return &e->lists[i];
    return NULL;
}

static const char *env_macro(void *ctx, const char *name, const char **file, int *line)
{
    test_env *e = ctx;
    for (size_t i = 0; i < e->n_macros; i++)
        if (strcmp(e->macro_names[i], name) == 0) {
            *file = "test.yaml";
            *line = 10 + (int)i;
            return e->macro_texts[i];
        }
    return NULL;
}

static const ld_rt_cond_env ENV = {env_list, env_macro, &E};

static void env_reset(void)
{
    for (size_t i = 0; i < E.n_lists; i++)
        ld_strlist_clear(&E.lists[i]);
    memset(&E, 0, sizeof E);
}

static ld_strlist *add_list(const char *name, ...)
{
    assert_true(E.n_lists < ENV_MAX);
    ld_strlist *l = &E.lists[E.n_lists];
    E.list_names[E.n_lists++] = name;
    va_list ap;
    va_start(ap, name);
    for (const char *s = va_arg(ap, const char *); s; s = va_arg(ap, const char *))
        ld_strlist_push(l, s);
    va_end(ap);
    return l;
}

static void add_macro(const char *name, const char *text)
{
    assert_true(E.n_macros < ENV_MAX);
    E.macro_names[E.n_macros] = name;
    E.macro_texts[E.n_macros++] = text;
}

/* ---- events ---- */
static ld_rt_event ev;
static ld_rt_container ct;
static ld_rt_field_ctx fctx;

static void base_event(ld_rt_evtype type)
{
    memset(&ev, 0, sizeof ev);
    ld_rt_event_reset(&ev);
    ev.type = type;
    ev.pid = 100;
    ev.ppid = 50;
    ev.uid = 1000;
    snprintf(ev.comm, sizeof ev.comm, "bash");
    snprintf(ev.exepath, sizeof ev.exepath, "/usr/bin/bash");
    snprintf(ev.cmdline, sizeof ev.cmdline, "bash -c ls");
    memset(&ct, 0, sizeof ct);
    snprintf(ct.id, sizeof ct.id,
             "0123456789ab0123456789ab0123456789ab0123456789ab0123456789abcdef");
    ct.name = "web";
    ct.image = "nginx:1.25";
    ct.known = true;
    fctx.evt = &ev;
    fctx.container = &ct;
    fctx.procs = fake_procs_reset();
    fake_proc_add(100, 50, "bash", "bash -c ls");
    fake_proc_add(50, 10, "sshd", "sshd: alice");
    fake_proc_add(10, 1, "containerd-shim", "containerd-shim -id x");
    fake_proc_add(1, 0, "systemd", "/sbin/init");
}

static void exec_event(void)
{
    base_event(LD_EVT_EXECVE);
}

static void open_event(const char *path, uint32_t flags)
{
    base_event(LD_EVT_OPENAT);
    snprintf(ev.path, sizeof ev.path, "%s", path);
    ev.open_flags = flags;
}

static void connect_event(const char *ip, uint16_t port)
{
    base_event(LD_EVT_CONNECT);
    if (strchr(ip, ':')) {
        ev.sock.family = AF_INET6;
        assert_int_equal(inet_pton(AF_INET6, ip, ev.sock.addr), 1);
    } else {
        ev.sock.family = AF_INET;
        assert_int_equal(inet_pton(AF_INET, ip, ev.sock.addr), 1);
    }
    ev.sock.port = port;
}

/* ---- checks ---- */
static ld_rt_cond *compile_ok(const char *text)
{
    ld_error err = LD_ERROR_INIT;
    ld_rt_cond *c = ld_rt_cond_compile(text, &ENV, &err);
    if (!c)
        fail_msg("did not compile: %s\n  error: %s", text, err.msg);
    return c;
}

static void expect(const char *text, bool want)
{
    ld_rt_cond *c = compile_ok(text);
    bool got = ld_rt_cond_eval(c, &fctx);
    ld_rt_cond_free(c);
    if (got != want)
        fail_msg("%s: evaluated %s, expected %s", text, got ? "true" : "false",
                 want ? "true" : "false");
}
#define T(text) expect(text, true)
#define F(text) expect(text, false)

static void expect_error(const char *text, ld_errcode code, const char *needle)
{
    ld_error err = LD_ERROR_INIT;
    ld_rt_cond *c = ld_rt_cond_compile(text, &ENV, &err);
    if (c) {
        ld_rt_cond_free(c);
        fail_msg("compiled, expected an error containing \"%s\": %.200s", needle, text);
    }
    if (!strstr(err.msg, needle))
        fail_msg("error \"%s\" lacks \"%s\" (condition: %.200s)", err.msg, needle, text);
    if (code != LD_OK && err.code != code)
        fail_msg("error code %d, expected %d: %s", err.code, code, err.msg);
}

static uint64_t types_of(const char *text)
{
    ld_rt_cond *c = compile_ok(text);
    uint64_t m = ld_rt_cond_evtypes(c);
    ld_rt_cond_free(c);
    return m;
}

#define BIT(t) ((uint64_t)1 << (t))

/* ---- tests ---- */

static void test_comparisons(void **state)
{
    (void)state;
    env_reset();
    exec_event();
    T("proc.name = bash");
    T("proc.name == bash");
    F("proc.name = sh");
    T("proc.name != sh");
    F("proc.name != bash");
    T("proc.pid = 100");
    T("proc.pid < 101");
    F("proc.pid < 100");
    T("proc.pid <= 100");
    F("proc.pid <= 99");
    T("proc.pid > 99");
    F("proc.pid > 100");
    T("proc.pid >= 100");
    F("proc.pid >= 101");
    T("proc.pid = 0x64");
    T("user.uid != 0");
    F("user.uid = 0");
    /* numbers compare as numbers, not as text */
    T("proc.pid > 20");
    T("proc.pid in (7, 100, 3000)");
    F("proc.pid in (7, 1000, 3000)");
    T("evt.rawres >= -1");
    T("proc.name in (sh, bash, zsh)");
    F("proc.name in (sh, dash, zsh)");
    T("proc.name intersects (bash)");
    F("proc.name intersects (sh)");
    T("proc.cmdline contains '-c l'");
    F("proc.cmdline contains '-C L'");
    T("proc.cmdline icontains '-C L'");
    F("proc.cmdline icontains '-x'");
    T("proc.exepath startswith /usr/bin/");
    F("proc.exepath startswith /bin/");
    T("proc.exepath endswith /bash");
    F("proc.exepath endswith /sh");
    T("proc.exepath glob '/usr/*/ba?h'");
    F("proc.exepath glob '/usr/*/sh'");
    T("proc.exepath glob '/usr/bin/[a-c]ash'");
    F("proc.exepath glob '/usr/bin/[!b]ash'");
    T("proc.exepath iglob '/USR/*/BASH'");
    F("proc.exepath glob '/USR/*/BASH'");
    T("proc.exepath pmatch (/usr/bin)");
    T("proc.exepath pmatch (/usr/)");
    T("proc.exepath pmatch (/usr/bin/bash)");
    F("proc.exepath pmatch (/usr/bi)");
    F("proc.exepath pmatch (/usr/bin/bas, /opt)");
    T("proc.exepath pmatch (/)");
    T("proc.name exists");
    F("fd.name exists");
    T("container.privileged = false");
    F("container.privileged = true");
    T("container.privileged != true");
    T("container.image.tag = '1.25'");
    T("evt.type = execve and evt.dir = <"); /* Falco's spawned_process */
    F("evt.dir = >");
    /* quoted strings: both quotes, escapes, spaces */
    T("proc.cmdline = \"bash -c ls\"");
    T("proc.cmdline = 'bash -c ls'");
    T("proc.cmdline in ('bash -c ls', x)");
    T("proc.cmdline = \"bash\\x20-c ls\"");
    F("proc.cmdline = \"bash -c ls \"");
    ev.cmdline[0] = '\0';
    snprintf(ev.cmdline, sizeof ev.cmdline, "bash -c \"echo 'x'\"");
    T("proc.args = \"-c \\\"echo 'x'\\\"\"");
    T("proc.args = '-c \"echo \\'x\\'\"'");
}

static void test_precedence(void **state)
{
    (void)state;
    env_reset();
    exec_event();
    /* not binds tighter than and, and tighter than or */
    T("not proc.name = sh and proc.pid = 100"); /* (not a) and b */
    F("not proc.name = bash and proc.pid = 100");
    F("not (proc.name = sh and proc.pid = 100) and proc.pid = 7");
    T("proc.name = sh or proc.pid = 100 and user.uid = 1000"); /* a or (b and c) */
    F("(proc.name = sh or proc.pid = 100) and user.uid = 0");
    T("proc.name = sh or proc.pid = 100 and user.uid = 1000 or proc.name = x");
    F("proc.name = bash and proc.pid = 7 or proc.name = x");
    T("not not proc.name = bash");
    F("not not not proc.name = bash");
    T("not(proc.name=sh)");
    T("((((proc.name = bash))))");
    T("proc.name=bash and(proc.pid=100)");
    /* keywords need word boundaries: "order" is not "or" + "der" */
    add_macro("order", "proc.name = bash");
    add_macro("android", "proc.pid = 100");
    T("order and android");
    T("proc.name = bash\n  and\tproc.pid = 100");
}

static void test_macros_and_lists(void **state)
{
    (void)state;
    env_reset();
    exec_event();
    add_list("shell_binaries", "sh", "bash", "zsh", NULL);
    add_list("more_shells", "ksh", "shell_binaries", NULL); /* a list inside a list */
    add_list("quoted_items", "'my app'", "\"other\"", NULL);
    add_list("empty", NULL);
    add_macro("spawned_process", "evt.type in (execve, execveat)");
    add_macro("shell_procs", "proc.name in (shell_binaries)");
    add_macro("shell_spawn", "spawned_process and shell_procs");
    add_macro("never", "proc.name = x or proc.name = y");
    T("shell_spawn");
    T("spawned_process and proc.name in (more_shells)");
    F("spawned_process and proc.name in (ksh)");
    /* a macro is parenthesised: "not never" is not (x or y) */
    T("not never");
    T("never or shell_procs");
    F("never and shell_procs");
    /* lists: items quoted in YAML are strings */
    snprintf(ev.comm, sizeof ev.comm, "my app");
    T("proc.name in (quoted_items)");
    snprintf(ev.comm, sizeof ev.comm, "other");
    T("proc.name in (quoted_items)");
    F("proc.name in (empty)");
    F("proc.name in ()");
    /* a quoted name is a string, not the list */
    snprintf(ev.comm, sizeof ev.comm, "shell_binaries");
    T("proc.name in ('shell_binaries')");
    F("proc.name in (empty, 'x')");
    /* lists of numbers and networks */
    add_list("ports", "22", "2375", "2376", NULL);
    add_list("nets", "10.0.0.0/8", "fd00::/8", NULL);
    connect_event("10.1.2.3", 2375);
    T("fd.dport in (ports)");
    T("fd.dip in (nets)");
    connect_event("192.168.0.1", 80);
    F("fd.dport in (ports)");
    F("fd.dip in (nets)");
    /* a macro used many times is compiled once and shared */
    T("evt.type = connect and (never or never or never or not never)");
}

static void test_macro_and_list_errors(void **state)
{
    (void)state;
    env_reset();
    exec_event();
    add_macro("a", "proc.name = x or b");
    add_macro("b", "c and proc.pid = 1");
    add_macro("c", "a");
    add_macro("self", "self");
    add_macro("bad", "proc.name = x and proc.nme = y");
    add_macro("empty_macro", "   ");
    add_macro("trailing", "proc.name = x )");
    add_list("l1", "x", "l2", NULL);
    add_list("l2", "l1", NULL);
    add_list("shells", "sh", NULL);
    expect_error("a", LD_ERR_INVALID,
                 "column 1: in macro 'c' (test.yaml:12), used by a -> b: column 1: macro cycle: "
                 "a -> b -> c -> a");
    /* an error deep in macros names the macro that holds it and the way there */
    add_macro("outer", "proc.pid = 1 or middle");
    add_macro("middle", "not bad");
    expect_error("proc.name = x and outer", LD_ERR_INVALID,
                 "column 19: in macro 'bad' (test.yaml:14), used by outer -> middle: column 19: "
                 "unknown field 'proc.nme' (did you mean proc.name?)");
    expect_error("proc.pid = 1 and self", LD_ERR_INVALID, "macro cycle: self -> self");
    expect_error("proc.pid = 1 and bad", LD_ERR_INVALID,
                 "column 18: in macro 'bad' (test.yaml:14): column 19: unknown field 'proc.nme' "
                 "(did you mean proc.name?)");
    expect_error("empty_macro", LD_ERR_INVALID, "macro 'empty_macro' (test.yaml:15) has an empty");
    expect_error("trailing", LD_ERR_INVALID, "in macro 'trailing'");
    expect_error("proc.name in (l1)", LD_ERR_INVALID, "list cycle: l1 -> l2 -> l1");
    expect_error("undefined_thing", LD_ERR_INVALID, "column 1: undefined macro 'undefined_thing'");
    expect_error("shells", LD_ERR_INVALID, "'shells' is a list: use it inside in (...)");
    expect_error("proc.pid in (shells)", LD_ERR_INVALID,
                 "expected a number for proc.pid, got 'sh' (in list 'shells')");
}

static void test_absent_fields(void **state)
{
    (void)state;
    env_reset();
    exec_event(); /* an exec has no socket, no file, no mount */
    F("fd.dport = 80");
    F("fd.dport != 80");
    T("not fd.dport = 80");
    T("not fd.dport != 80");
    F("fd.dport exists");
    T("not fd.dport exists");
    F("fd.dport in (80, 443)");
    F("fd.dport < 100000");
    F("fd.name startswith /");
    F("fd.name != x");
    F("fd.sip = 0.0.0.0/0");
    F("fd.sip != 10.0.0.0/8");
    F("mount.fstype = tmpfs");
    F("evt.module exists");
    F("fd.egress_allowed = false");
    F("fd.egress_allowed = true");
    F("k8s.ns.name exists");
    T("not k8s.ns.name = default");
    /* no process table: ancestry is absent */
    fctx.procs = NULL;
    F("proc.pname exists");
    F("proc.aname = sshd");
    F("proc.aname != sshd");
    F("user.name exists");
}

static void test_ip_networks(void **state)
{
    (void)state;
    env_reset();
    connect_event("10.1.2.3", 443);
    T("fd.dip = 10.1.2.3");
    F("fd.dip = 10.1.2.4");
    T("fd.dip = 10.0.0.0/8");
    T("fd.dip != 192.168.0.0/16");
    F("fd.dip != 10.1.0.0/16");
    T("fd.dip in (192.168.0.0/16, 10.1.2.0/24)");
    F("fd.dip in (192.168.0.0/16, 10.1.3.0/24)");
    T("fd.dip in (0.0.0.0/0)");
    F("fd.dip in (::/0)");
    T("fd.dip = 10.1.2.3/32");
    T("fd.dip = 10.1.2.2/31");
    F("fd.dip = 10.1.2.0/31");
    T("fd.dport = 443 and fd.dip = 10.1.2.3");
    T("fd.dip = ::ffff:10.1.2.3"); /* IPv4-mapped reads as IPv4 */
    T("fd.dip in (::ffff:10.0.0.0/104)");
    connect_event("2001:db8::1", 53);
    T("fd.dip = 2001:db8::1");
    T("fd.dip = 2001:db8::/32");
    F("fd.dip = 2001:db9::/32");
    T("fd.dip in (10.0.0.0/8, 2001:db8::/32)");
    F("fd.dip = 10.0.0.0/8");
    T("fd.dip = 2001:db8::/127");
    F("fd.dip = 2001:db8::2/127");
    connect_event("::ffff:10.9.8.7", 80); /* a v6 socket to a v4 peer */
    T("fd.dip = 10.0.0.0/8");
    T("fd.dip in (10.9.8.7)");
    connect_event("::1", 80);
    T("fd.dip = ::1");
    F("fd.dip = 127.0.0.1");
    expect_error("fd.dip = 10.0.0.0/33", LD_ERR_INVALID,
                 "column 10: expected an IP address or a network (10.0.0.0/8) for fd.dip, got "
                 "'10.0.0.0/33'");
    expect_error("fd.dip in (10.0.0.0/8, nope)", LD_ERR_INVALID, "got 'nope'");
    expect_error("fd.dip contains 10", LD_ERR_INVALID,
                 "operator 'contains' does not apply to address field fd.dip");
    expect_error("fd.dip = ::1/129", LD_ERR_INVALID, "fd.dip");
}

static void test_aname(void **state)
{
    (void)state;
    env_reset();
    exec_event(); /* bash(100) <- sshd(50) <- containerd-shim(10) <- systemd(1) */
    T("proc.pname = sshd");
    T("proc.aname[1] = sshd");
    T("proc.aname[2] = containerd-shim");
    T("proc.aname[3] = systemd");
    F("proc.aname[4] exists");
    T("proc.aname[0] = bash");
    F("proc.aname[2] = sshd");
    /* without an index: any ancestor */
    T("proc.aname = systemd");
    T("proc.aname = sshd");
    F("proc.aname = bash"); /* the process itself is not its ancestor */
    T("proc.aname in (nginx, containerd-shim)");
    F("proc.aname in (nginx, dockerd)");
    T("proc.aname startswith containerd");
    T("proc.aname exists");
    T("proc.aname != dockerd");
    F("proc.aname != sshd");
    T("not proc.aname = dockerd");
    /* a loop in the table ends */
    fake_table.procs[3].ppid = 50;
    F("proc.aname = dockerd");
    expect_error("proc.aname[65] = x", LD_ERR_INVALID, "from 0 to 64");
    expect_error("proc.aname[x] = x", LD_ERR_INVALID, "must be a number");
    expect_error("proc.name[1] = x", LD_ERR_INVALID, "field 'proc.name' takes no argument");
    expect_error("proc.aname[1 = x", LD_ERR_INVALID, "expected ']'");
}

static void test_evtypes(void **state)
{
    (void)state;
    env_reset();
    add_macro("open_write", "evt.type in (open, openat, openat2) and evt.is_open_write = true");
    const uint64_t opens = BIT(LD_EVT_OPENAT) | BIT(LD_EVT_OPENAT2);
    assert_true(types_of("proc.name = bash") == UINT64_MAX);
    assert_true(types_of("evt.type = execve") == BIT(LD_EVT_EXECVE));
    assert_true(types_of("evt.type in (execve, execveat) and proc.name = sh") ==
                (BIT(LD_EVT_EXECVE) | BIT(LD_EVT_EXECVEAT)));
    assert_true(types_of("open_write and fd.name startswith /etc") == opens);
    assert_true(types_of("evt.type = connect or evt.type = accept4") ==
                (BIT(LD_EVT_CONNECT) | BIT(LD_EVT_ACCEPT)));
    /* or with an unconstrained side: anything */
    assert_true(types_of("evt.type = connect or proc.name = sh") == UINT64_MAX);
    /* not of an exact evt.type test: the complement */
    uint64_t not_exec = types_of("not evt.type = execve");
    assert_false(not_exec & BIT(LD_EVT_EXECVE));
    assert_true(not_exec & BIT(LD_EVT_OPENAT));
    assert_true(types_of("evt.type != execve") == not_exec);
    /* not of a mixed test: conservative, everything */
    assert_true(types_of("not (evt.type = execve and proc.name = sh)") == UINT64_MAX);
    assert_true(types_of("evt.type = execve and not proc.name = sh") == BIT(LD_EVT_EXECVE));
    /* names lockdown never produces match nothing */
    assert_true(types_of("evt.type = sendto") == 0);
    assert_true(types_of("evt.type in (sendto, mount)") == BIT(LD_EVT_MOUNT));
    assert_true(types_of("evt.type = execve and evt.type = connect") == 0);
    /* evt.type as a string with other operators: unconstrained */
    assert_true(types_of("evt.type startswith open") == UINT64_MAX);
    /* and evaluation agrees with the mask */
    open_event("/etc/passwd", O_WRONLY);
    T("evt.type = open");
    T("evt.type in (open, openat2)");
    T("evt.type startswith open");
    F("evt.type = execve");
    T("evt.type != execve");
    T("open_write");
}

static void test_errors_name_the_column(void **state)
{
    (void)state;
    env_reset();
    expect_error("proc.nme = bash", LD_ERR_INVALID,
                 "column 1: unknown field 'proc.nme' (did you mean proc.name?)");
    expect_error("proc.name = bash and", LD_ERR_INVALID,
                 "column 21: expected a field, a macro, 'not' or '(', got the end of the "
                 "condition");
    expect_error("proc.name bash", LD_ERR_INVALID,
                 "column 11: expected an operator (=, !=, <, >, in, contains, startswith, exists, "
                 "...) after proc.name, got 'bash'");
    expect_error("proc.name contans x", LD_ERR_INVALID,
                 "column 11: unknown operator 'contans' after proc.name (did you mean contains?)");
    expect_error("proc.name = 'abc", LD_ERR_INVALID, "column 13: unterminated string");
    expect_error("proc.name = \"abc\\\"", LD_ERR_INVALID, "column 13: unterminated string");
    expect_error("(proc.name = a", LD_ERR_INVALID,
                 "column 15: expected ')' to close the '(' at column 1, got the end");
    expect_error("proc.name = a )", LD_ERR_INVALID, "column 15: ')' without a matching '('");
    expect_error("proc.name = a proc.pid = 1", LD_ERR_INVALID,
                 "column 15: expected 'and', 'or' or the end of the condition, got 'proc.pid'");
    expect_error("proc.pid = abc", LD_ERR_INVALID,
                 "column 12: expected a number for proc.pid, got 'abc'");
    expect_error("proc.pid = 99999999999999999999", LD_ERR_INVALID, "expected a number");
    expect_error("container.privileged = yes", LD_ERR_INVALID, "expected true or false");
    expect_error("proc.pid contains 1", LD_ERR_INVALID,
                 "column 10: operator 'contains' does not apply to numeric field proc.pid");
    expect_error("proc.name < b", LD_ERR_INVALID, "operator '<' does not apply to string field");
    expect_error("proc.name in sh", LD_ERR_INVALID, "column 14: expected '(' after 'in', got 'sh'");
    expect_error("proc.name in (a b)", LD_ERR_INVALID,
                 "column 17: expected ',' or ')' in the list, got 'b'");
    expect_error("proc.name in (a,)", LD_ERR_INVALID, "column 17: expected a value after ','");
    expect_error("proc.name in (a", LD_ERR_INVALID, "column 14: unclosed '('");
    expect_error("proc.name =", LD_ERR_INVALID, "column 12: expected a value after '='");
    expect_error("", LD_ERR_INVALID, "empty condition");
    expect_error("  \n ", LD_ERR_INVALID, "empty condition");
    expect_error("= bash", LD_ERR_INVALID,
                 "column 1: expected a field, a macro, 'not' or '(', got '='");
    expect_error("and", LD_ERR_INVALID,
                 "column 1: expected a field, a macro, 'not' or '(', got 'and'");
    expect_error("proc.name = a and or proc.pid = 1", LD_ERR_INVALID,
                 "column 19: expected a field, a macro, 'not' or '(', got 'or'");
    expect_error("proc.name = \"a\\x00b\"", LD_ERR_INVALID, "NUL character");
    expect_error("proc.name = \"a\\xzz\"", LD_ERR_INVALID, "hexadecimal");
    expect_error("proc.name = a and\n  proc.nme = b", LD_ERR_INVALID,
                 "line 2, column 3: unknown field 'proc.nme'");
    ld_error err = LD_ERROR_INIT;
    assert_null(ld_rt_cond_compile(NULL, &ENV, &err));
    /* no environment: macros are undefined, fields still work */
    err = (ld_error)LD_ERROR_INIT;
    assert_null(ld_rt_cond_compile("shell_procs", NULL, &err));
    assert_non_null(strstr(err.msg, "undefined macro 'shell_procs'"));
    ld_rt_cond *c = ld_rt_cond_compile("proc.name = x", NULL, &err);
    assert_non_null(c);
    ld_rt_cond_free(c);
}

static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
    char *s = malloc(hl + ul * n + tl + 1);
    assert_non_null(s);
    memcpy(s, head, hl);
    for (size_t i = 0; i < n; i++)
        memcpy(s + hl + i * ul, unit, ul);
    memcpy(s + hl + n * ul, tail, tl + 1);
    return s;
}

static void test_hostile(void **state)
{
    (void)state;
    env_reset();
    exec_event();
    /* deep nesting of parentheses and of not */
    char *deep = repeat("", "(", 100000, "proc.name = bash");
    expect_error(deep, LD_ERR_LIMIT, "nested deeper than 100");
    free(deep);
    deep = repeat("", "not ", 100000, "proc.name = bash");
    expect_error(deep, LD_ERR_LIMIT, "nested deeper than 100");
    free(deep);
    /* just under the limit works */
    char *ok = repeat("", "(", 99, "proc.name = bash");
    char *ok2 = repeat(ok, ")", 99, "");
    T(ok2);
    free(ok);
    free(ok2);
    /* 10 MB of text */
    char *big = repeat("", "proc.name = a or ", 10 * 1024 * 1024 / 17, "proc.name = b");
    expect_error(big, LD_ERR_LIMIT, "condition longer than 1048576 bytes");
    free(big);
    /* a long, valid chain of or (about 60,000 comparisons) compiles and evaluates */
    big = repeat("", "proc.name = a or ", 60000, "proc.name = bash");
    T(big);
    free(big);
    /* a huge list in a rule file */
    ld_strlist *huge = add_list("huge", NULL);
    char item[32];
    for (int i = 0; i < 150000; i++) {
        snprintf(item, sizeof item, "p%d", i);
        ld_strlist_push(huge, item);
    }
    expect_error("proc.name in (huge)", LD_ERR_LIMIT, "more than 100000 items in one list");
    /* lists that double at each level: 4^15 items once expanded */
    static char names[16][8];
    for (int i = 0; i < 16; i++)
        snprintf(names[i], sizeof names[i], "x%d", i);
    for (int i = 0; i < 15; i++)
        add_list(names[i], names[i + 1], names[i + 1], names[i + 1], names[i + 1], NULL);
    add_list(names[15], "a", "b", NULL);
    expect_error("proc.name in (x0)", LD_ERR_LIMIT, "list items in one condition");
    /* lists nested deeper than 16 */
    env_reset();
    static char deepnames[40][8];
    for (int i = 0; i < 40; i++)
        snprintf(deepnames[i], sizeof deepnames[i], "d%d", i);
    for (int i = 0; i < 39; i++)
        add_list(deepnames[i], deepnames[i + 1], NULL);
    add_list(deepnames[39], "bash", NULL);
    expect_error("proc.name in (d0)", LD_ERR_LIMIT, "lists nested deeper than 16");
    T("proc.name in (d30)");
    /* macros that double at each level: 2^40 terms once expanded */
    env_reset();
    static char mnames[41][8], mtexts[41][32];
    for (int i = 0; i < 40; i++) {
        snprintf(mnames[i], sizeof mnames[i], "m%d", i);
        snprintf(mtexts[i], sizeof mtexts[i], "m%d or m%d", i + 1, i + 1);
        add_macro(mnames[i], mtexts[i]);
    }
    add_macro("m40", "proc.name = bash");
    expect_error("m20", LD_ERR_LIMIT, "condition too large once macros are expanded");
    T("m30"); /* 2^10 terms: fine */
    /* and each macro is compiled once: the nodes are shared, not copied */
    ld_rt_cond *shared = compile_ok("m30");
    assert_true(shared->n_nodes < 40);
    ld_rt_cond_free(shared);
    /* macros nested deeper than allowed */
    env_reset();
    for (int i = 0; i < 40; i++) {
        snprintf(mtexts[i], sizeof mtexts[i], "m%d", i + 1);
        add_macro(mnames[i], mtexts[i]);
    }
    add_macro("m40", "proc.name = bash");
    expect_error("m0", LD_ERR_LIMIT, "macros nested deeper than 32");
    T("m10");
    /* a long value, a long glob */
    char *longval = repeat("proc.name = ", "a", 70000, "");
    expect_error(longval, LD_ERR_LIMIT, "value longer than 65536 bytes");
    free(longval);
    char *longglob = repeat("proc.name glob '", "*a", 3000, "'");
    expect_error(longglob, LD_ERR_LIMIT, "glob pattern longer than 4096 bytes");
    free(longglob);
    /* a glob of many stars does not take exponential time */
    snprintf(ev.exepath, sizeof ev.exepath, "%s",
             "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    F("proc.exepath glob '*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b'");
    /* control characters in what is shown back are replaced */
    ld_error err = LD_ERROR_INIT;
    assert_null(ld_rt_cond_compile("proc.name \x1b[2J", &ENV, &err));
    assert_null(strchr(err.msg, '\x1b'));
}

static void test_big_list_is_hashed(void **state)
{
    (void)state;
    env_reset();
    exec_event();
    ld_strlist *shells = add_list("many_shells", NULL);
    char item[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(item, sizeof item, "shell%d", i);
        ld_strlist_push(shells, item);
    }
    ld_strlist_push(shells, "shell5"); /* duplicates are dropped */
    ld_rt_cond *c = compile_ok("proc.name in (many_shells)");
    assert_int_equal(c->n_cmps, 1);
    assert_int_equal(c->cmps[0].set.n, 1000);
    assert_true(c->cmps[0].set.n_slots >= 2000); /* a hash table, not a scan */
    for (int i = 0; i < 1000; i += 37) {
        snprintf(ev.comm, sizeof ev.comm, "shell%d", i);
        assert_true(ld_rt_cond_eval(c, &fctx));
    }
    snprintf(ev.comm, sizeof ev.comm, "shell1000");
    assert_false(ld_rt_cond_eval(c, &fctx));
    snprintf(ev.comm, sizeof ev.comm, "shell");
    assert_false(ld_rt_cond_eval(c, &fctx));
    ld_rt_cond_free(c);
    /* pmatch over many prefixes */
    ld_strlist *dirs = add_list("many_dirs", NULL);
    for (int i = 0; i < 500; i++) {
        snprintf(item, sizeof item, "/opt/app%d/", i);
        ld_strlist_push(dirs, item);
    }
    c = compile_ok("fd.name pmatch (many_dirs)");
    open_event("/opt/app321/conf/x.yaml", O_RDONLY);
    assert_true(ld_rt_cond_eval(c, &fctx));
    open_event("/opt/app3210/conf/x.yaml", O_RDONLY);
    assert_false(ld_rt_cond_eval(c, &fctx));
    open_event("/opt/app499", O_RDONLY);
    assert_true(ld_rt_cond_eval(c, &fctx));
    ld_rt_cond_free(c);
}

static const char *const write_below_cond =
    "evt.type in (open, openat, openat2) and evt.is_open_write = true and "
    "fd.name pmatch (/etc, /usr, /bin, /sbin, /lib, /lib64, /boot) and container.id != host";
static const char *const sensitive_cond =
    "evt.type in (openat, openat2) and evt.is_open_read = true and (fd.name in (sensitive_files) "
    "or fd.directory in (/root/.ssh, /etc/sudoers.d) or fd.name glob '/home/*/.ssh/id_*' or "
    "fd.filename in (credentials, config.json, .dockercfg)) and not proc.name in (trusted)";

static void add_rule_lists(void)
{
    add_list("sensitive_files", "/etc/shadow", "/etc/gshadow", "/etc/sudoers",
             "/root/.aws/credentials", NULL);
    add_list("trusted", "sshd", "sudo", "login", "passwd", NULL);
    ld_strlist *shells = add_list("shell_binaries", "sh", "bash", "ash", "dash", "zsh", NULL);
    char item[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(item, sizeof item, "sh%d", i);
        ld_strlist_push(shells, item);
    }
}

static void test_no_allocation_in_eval(void **state)
{
    (void)state;
    env_reset();
    add_rule_lists();
    ld_rt_cond *a = compile_ok(write_below_cond);
    ld_rt_cond *b = compile_ok(sensitive_cond);
    ld_rt_cond *s = compile_ok("evt.type = execve and proc.name in (shell_binaries) and "
                               "proc.aname in (sshd) and proc.cmdline contains -c and "
                               "proc.pcmdline exists and fd.name exists or user.name = root");
    open_event("/etc/shadow", O_RDONLY);
    int hits = 0;
#if COUNT_ALLOCS
    allocations = 0;
    counting = 1;
#endif
    for (int i = 0; i < 1000; i++) {
        hits += ld_rt_cond_eval(a, &fctx);
        hits += ld_rt_cond_eval(b, &fctx);
        hits += ld_rt_cond_eval(s, &fctx);
    }
#if COUNT_ALLOCS
    counting = 0;
    assert_int_equal(allocations, 0);
#else
    print_message("allocation count not checked under AddressSanitizer\n");
#endif
    assert_int_equal(hits, 1000); /* the sensitive read only */
    ld_rt_cond_free(a);
    ld_rt_cond_free(b);
    ld_rt_cond_free(s);
}

/* Not a timed test: prints ns per evaluation for the report, asserts only
 * what matched. */
static void test_microbenchmark(void **state)
{
    (void)state;
    env_reset();
    add_rule_lists();
    struct {
        const char *name;
        const char *text;
        ld_rt_cond *c;
    } conds[] = {
        {"write below system dir", write_below_cond, NULL},
        {"sensitive file read", sensitive_cond, NULL},
        {"shell in container (1005 shells)",
         "evt.type in (execve, execveat) and container.id != host and proc.name in "
         "(shell_binaries)",
         NULL},
        {"shell, opened file (type mask fails)",
         "evt.type in (execve, execveat) and proc.name in (shell_binaries)", NULL},
    };
    const size_t n = sizeof conds / sizeof conds[0];
    for (size_t i = 0; i < n; i++)
        conds[i].c = compile_ok(conds[i].text);
    const int rounds = COUNT_ALLOCS ? 1000000 : 100000; /* sanitizers: 10x slower */
    for (size_t i = 0; i < n; i++) {
        if (i == 2) {
            exec_event();
            snprintf(ev.comm, sizeof ev.comm, "sh999");
        } else {
            open_event(i == 0 ? "/etc/ld.so.cache" : "/etc/shadow", i == 0 ? O_WRONLY : O_RDONLY);
        }
        struct timespec t0, t1;
        int hits = 0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (int r = 0; r < rounds; r++)
            hits += ld_rt_cond_eval(conds[i].c, &fctx);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double ns =
            ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / rounds;
        print_message("microbenchmark: %-40s %6.1f ns/eval (%d evaluations)\n", conds[i].name, ns,
                      rounds);
        assert_int_equal(hits, i == 3 ? 0 : rounds);
        ld_rt_cond_free(conds[i].c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_comparisons),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_macros_and_lists),
        cmocka_unit_test(test_macro_and_list_errors),
        cmocka_unit_test(test_absent_fields),
        cmocka_unit_test(test_ip_networks),
        cmocka_unit_test(test_aname),
        cmocka_unit_test(test_evtypes),
        cmocka_unit_test(test_errors_name_the_column),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_big_list_is_hashed),
        cmocka_unit_test(test_no_allocation_in_eval),
        cmocka_unit_test(test_microbenchmark),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    env_reset();
    return rc;
}
