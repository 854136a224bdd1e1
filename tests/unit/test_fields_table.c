/* The process fields (src/runtime/fields_proc.c) and proc.aname
 * conditions against the real process table (src/runtime/process_table.c)
 * rather than the test double of test_fields.c: the table is filled by
 * exec events, as the watch loop fills it, under an empty /proc stand-in
 * (nothing is read from the host's processes), and user names come from
 * a passwd file the test writes. Checks that both sides read the
 * contract of process_table.h alike: the parent from ppid, ancestors by
 * walking up, the table's command line in Falco's "comm args" form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/fields.h"
#include "runtime/process_table.h"
#include "runtime/rules.h"

static char root[] = "/tmp/ld-fields-table-XXXXXX";
static char passwd[sizeof root + 16];

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(root))
        return -1;
    snprintf(passwd, sizeof passwd, "%s/passwd", root);
    FILE *f = fopen(passwd, "w");
    if (!f)
        return -1;
    fputs("root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n", f);
    fclose(f);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(passwd);
    rmdir(root);
    return 0;
}

static void exec_of(ld_rt_proc_table *t, int32_t pid, int32_t ppid, const char *comm,
                    const char *cmdline, ld_rt_event *e)
{
    ld_rt_event_reset(e);
    e->type = LD_EVT_EXECVE;
    e->pid = e->tid = pid;
    e->ppid = ppid;
    e->uid = e->euid = 1000;
    snprintf(e->comm, sizeof e->comm, "%s", comm);
    snprintf(e->exepath, sizeof e->exepath, "/usr/bin/%s", comm);
    snprintf(e->cmdline, sizeof e->cmdline, "%s", cmdline);
    ld_rt_proc_table_observe(t, e);
}

static bool holds(const char *text, const ld_rt_field_ctx *ctx)
{
    ld_error err = LD_ERROR_INIT;
    ld_rt_cond *c = ld_rt_cond_compile(text, NULL, &err);
    if (!c)
        fail_msg("%s: %s", text, err.msg);
    bool r = ld_rt_cond_eval(c, ctx);
    ld_rt_cond_free(c);
    return r;
}

static const char *text_of(const char *field, const ld_rt_field_ctx *ctx, char *out, size_t n)
{
    ld_rt_field_ref f;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_rt_field_resolve(field, &f, &err), 0);
    ld_rt_value v;
    ld_rt_field_value(&f, ctx, &v);
    return ld_rt_value_text(&v, out, n);
}

static void test_ancestry_from_the_table(void **state)
{
    (void)state;
    ld_rt_proc_table *t = ld_rt_proc_table_new_at(root, root, passwd, 0);
    assert_non_null(t);
    ld_rt_event e;
    exec_of(t, 1, 0, "systemd", "/sbin/init splash", &e);
    exec_of(t, 10, 1, "containerd-shim", "/usr/bin/containerd-shim -id x", &e);
    exec_of(t, 50, 10, "sshd", "/usr/sbin/sshd -D", &e);
    exec_of(t, 100, 50, "bash", "bash -c id", &e);
    /* the event the rules see: an open by bash */
    ld_rt_event_reset(&e);
    e.type = LD_EVT_OPENAT;
    e.pid = e.tid = 100;
    e.uid = 1000;
    snprintf(e.path, sizeof e.path, "/etc/shadow");
    ld_rt_proc_table_observe(t, &e); /* completes ppid, exe, cmdline */
    ld_rt_container host = {.id = LD_RT_HOST_ID, .known = true};
    ld_rt_field_ctx ctx = {&e, &host, t};
    char out[256];
    assert_string_equal(text_of("proc.ppid", &ctx, out, sizeof out), "50");
    assert_string_equal(text_of("proc.pname", &ctx, out, sizeof out), "sshd");
    assert_string_equal(text_of("proc.pcmdline", &ctx, out, sizeof out), "sshd -D");
    assert_string_equal(text_of("proc.aname[2]", &ctx, out, sizeof out), "containerd-shim");
    assert_string_equal(text_of("proc.aname[3]", &ctx, out, sizeof out), "systemd");
    assert_string_equal(text_of("proc.aname[4]", &ctx, out, sizeof out), "<NA>");
    assert_string_equal(text_of("proc.cmdline", &ctx, out, sizeof out), "bash -c id");
    assert_string_equal(text_of("user.name", &ctx, out, sizeof out), "alice");
    assert_true(holds("proc.aname = systemd and proc.aname[1] = sshd", &ctx));
    assert_true(holds("proc.aname in (dockerd, containerd-shim)", &ctx));
    assert_false(holds("proc.aname = dockerd", &ctx));
    assert_true(holds("proc.aname != dockerd", &ctx));
    /* the parent execs something else: the table says so at once */
    exec_of(t, 50, 10, "python3", "/usr/bin/python3 app.py", &e);
    ld_rt_event_reset(&e);
    e.type = LD_EVT_OPENAT;
    e.pid = e.tid = 100;
    e.uid = 1000;
    ld_rt_proc_table_observe(t, &e);
    assert_string_equal(text_of("proc.pname", &ctx, out, sizeof out), "python3");
    assert_string_equal(text_of("proc.pcmdline", &ctx, out, sizeof out), "python3 app.py");
    assert_false(holds("proc.aname = sshd", &ctx));
    ld_rt_proc_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ancestry_from_the_table),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
