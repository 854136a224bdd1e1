/* Unit tests for the authentication auditing checks (host/auth_audit.c):
 * host.audit-logins, host.audit-sudo, host.audit-privilege-escalation and
 * host.auditd-running, on fake host trees with rules in
 * ROOT/etc/audit/rules.d and ROOT/etc/audit/audit.rules, and the sudoers
 * logfile= reader.
 *
 * The CIS Linux Benchmark's rules, written with odd spacing, tabs, CRLF,
 * comments and /run for /var/run, pass all three rule checks; nothing at
 * all (no rules, no auditd) fails each naming the missing rules; partial
 * sets fail naming only what is missing (b32 but no b64, w without a);
 * a rules directory symlinked out of the root is not read there; a 10 MB
 * rules file makes the rule checks not assessed; a host without sudo or
 * su has nothing to audit for them; auditd-running is not assessed for a
 * mounted root and, on this machine, agrees with pidof. The syscall rules
 * the shared parser (docker/audit_rules.c) now keeps are checked here too:
 * arch, split syscall lists, -F and -C expressions, hostile parts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>

#include <cmocka.h>

#include "core/catalog.h"
#include "core/findings.h"
#include "docker/audit_rules.h"
#include "host/auth_audit.h"
#include "test_host_tree.h"

static ld_catalog *catalog;

static int setup(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    catalog = ld_catalog_load_builtin(&err);
    return catalog ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ld_catalog_free(catalog);
    return 0;
}

typedef struct {
    ld_status logins, sudo, priv, auditd;
    char ev_logins[4096], ev_sudo[4096], ev_priv[4096], ev_auditd[1024];
} results;

static void get(const ld_findings *fs, const char *id, ld_status *st, char *ev, size_t cap)
{
    const ld_finding *f = tree_finding(fs, id);
    if (!f)
        fail_msg("no finding of %s", id);
    assert_string_equal(f->control->id, "NIST-HOST-04-A");
    *st = f->status;
    snprintf(ev, cap, "%s", f->evidence ? f->evidence : "");
}

static void run(const char *root, results *r)
{
    ld_findings *fs = ld_findings_new(catalog, 0);
    ld_error err = LD_ERROR_INIT;
    if (ld_host_auth_audit_check(fs, root, &err) != 0)
        fail_msg("check failed: %s", err.msg);
    assert_int_equal(fs->n, 4);
    get(fs, "host.audit-logins", &r->logins, r->ev_logins, sizeof(r->ev_logins));
    get(fs, "host.audit-sudo", &r->sudo, r->ev_sudo, sizeof(r->ev_sudo));
    get(fs, "host.audit-privilege-escalation", &r->priv, r->ev_priv, sizeof(r->ev_priv));
    get(fs, "host.auditd-running", &r->auditd, r->ev_auditd, sizeof(r->ev_auditd));
    ld_findings_free(fs);
}

/* The benchmark's rules, written the ways people write them. */
static const char cis_rules[] =
    "## CIS 4.1.3.x: logins, session, scope, sudo log, user emulation\n"
    "-D\n"
    "-b 8192\n"
    "\t-w   /var/log/lastlog\t-p wa  -k logins\n"
    "-w /var/run/faillock/ -p wa -k logins\r\n"
    "   # a comment with -w /var/log/btmp -p wa inside\n"
    "-w /run/utmp -p wa -k session\n"
    "-w /var/log/wtmp -p aw -k session\n"
    "-w /var/log/btmp -p rwa -k session\n"
    "-w /etc/sudoers -p wa -k scope\n"
    "-w /etc/sudoers.d/ -p wa -k scope\n"
    "-w /var/log/sudo.log -p wa -k sudo_log_file\n"
    "-a always,exit -F path=/usr/bin/sudo -F perm=x -F auid>=1000 -F auid!=unset -k privileged\n"
    "-a always,exit -F path=/usr/bin/su -F perm=x -F auid>=1000 -F auid!=unset -k privileged\n"
    "-a always,exit -F arch=b64 -C euid!=uid -F auid!=unset -S execve -k user_emulation\n"
    "-a   always,exit   -F arch=b32 -S execve -C uid!=euid -F euid=0 -k execpriv\n"
    "-a always,exit -F arch=b64 -S setuid,setgid -S setreuid -k ids\n"
    "-e 2\n";

static void sudo_host(const char *root)
{
    tree_write(root, "/usr/bin/sudo", "", 04755);
    tree_write(root, "/usr/bin/su", "", 04755);
    tree_write(root, "/etc/sudoers",
               "# sudoers\nDefaults\tenv_reset\nDefaults  use_pty, logfile=\"/var/log/sudo.log\"\n"
               "root ALL=(ALL:ALL) ALL\n",
               0440);
    tree_mkdirs(root, "/etc/sudoers.d", 0750);
}

static void test_cis_rules_pass(void **state)
{
    (void)state;
    char root[64];
    tree_new(root, sizeof(root), "authaud");
    sudo_host(root);
    tree_write(root, "/etc/audit/rules.d/50-cis.rules", cis_rules, 0640);
    tree_write(root, "/sbin/auditd", "", 0755);
    results r;
    run(root, &r);
    print_message("logins: %s\nsudo: %s\npriv: %s\n", r.ev_logins, r.ev_sudo, r.ev_priv);
    assert_int_equal(r.logins, LD_STATUS_PASS);
    assert_int_equal(r.sudo, LD_STATUS_PASS);
    assert_int_equal(r.priv, LD_STATUS_PASS);
    assert_non_null(strstr(r.ev_logins, "/etc/audit/rules.d/50-cis.rules:4"));
    assert_non_null(strstr(r.ev_sudo, "/var/log/sudo.log"));
    assert_non_null(strstr(r.ev_priv, "arch=b32"));
    assert_non_null(strstr(r.ev_priv, "setuid,setgid,setreuid"));
    /* a mounted root: process state not visible */
    assert_int_equal(r.auditd, LD_STATUS_ERROR);
    assert_non_null(strstr(r.ev_auditd, "not assessed"));
    tree_remove(root);
}

static void test_nothing_fails_naming_rules(void **state)
{
    (void)state;
    char root[64];
    tree_new(root, sizeof(root), "authaud");
    sudo_host(root);
    results r;
    run(root, &r);
    assert_int_equal(r.logins, LD_STATUS_FAIL);
    assert_int_equal(r.sudo, LD_STATUS_FAIL);
    assert_int_equal(r.priv, LD_STATUS_FAIL);
    assert_non_null(strstr(r.ev_logins, "-w /var/log/lastlog -p wa"));
    assert_non_null(strstr(r.ev_logins, "-w /var/log/btmp -p wa"));
    assert_non_null(strstr(r.ev_logins, "auditd not installed"));
    assert_non_null(strstr(r.ev_logins, "no audit rules found"));
    assert_non_null(strstr(r.ev_sudo, "-w /etc/sudoers -p wa"));
    assert_non_null(strstr(r.ev_sudo, "-w /var/log/sudo.log -p wa"));
    assert_non_null(strstr(r.ev_sudo, "path=/usr/bin/su -F perm=x"));
    assert_non_null(strstr(r.ev_priv, "arch=b64"));
    assert_non_null(strstr(r.ev_priv, "arch=b32"));
    tree_remove(root);
}

static void test_partial_rules_name_what_is_missing(void **state)
{
    (void)state;
    char root[64];
    tree_new(root, sizeof(root), "authaud");
    sudo_host(root);
    tree_write(root, "/etc/audit/audit.rules",
               "-w /var/log/lastlog -p w -k logins\n" /* no a */
               "-w /var/log/faillog -p wa\n"
               "-w /var/run/utmp -p wa\n-w /var/log/wtmp -p wa\n-w /var/log/btmp -p wa\n"
               "-w /etc/sudoers -p wa\n-w /etc/sudoers.d -p wa\n-w /var/log/sudo.log -p wa\n"
               "-w /usr/bin/sudo -p x\n-w /usr/bin/su -p wa\n" /* su: no x */
               "-a always,exit -F arch=b32 -S execve -C euid!=uid -k ue\n"
               "-a never,exit -F arch=b64 -S execve -C euid!=uid\n" /* not auditing */
               "-a always,exit -F arch=b64 -S open -C euid!=uid\n", /* not execve */
               0640);
    results r;
    run(root, &r);
    /* arch=x86_64 is the 64-bit table; a rule without -S covers every call */
    tree_write(root, "/etc/audit/rules.d/x.rules",
               "-a always,exit -F arch=x86_64 -F euid=0 -k rootcmd\n", 0640);
    results r2;
    run(root, &r2);
    assert_int_equal(r2.priv, LD_STATUS_PASS);
    char p[256];
    snprintf(p, sizeof(p), "%s/etc/audit/rules.d/x.rules", root);
    unlink(p);
    assert_int_equal(r.logins, LD_STATUS_FAIL);
    assert_non_null(strstr(r.ev_logins, "missing audit rules: -w /var/log/lastlog -p wa"));
    assert_null(strstr(r.ev_logins, "-w /var/log/btmp -p wa -k"));
    assert_non_null(strstr(r.ev_logins, "/var/log/faillog (/etc/audit/audit.rules:2)"));
    assert_int_equal(r.sudo, LD_STATUS_FAIL);
    assert_non_null(strstr(r.ev_sudo, "missing audit rules: -a always,exit -F path=/usr/bin/su"));
    assert_null(strstr(r.ev_sudo, "path=/usr/bin/sudo -F perm=x -F"));
    assert_int_equal(r.priv, LD_STATUS_FAIL);
    assert_non_null(strstr(r.ev_priv, "missing audit rules: -a always,exit -F arch=b64"));
    assert_null(strstr(r.ev_priv, "-F arch=b32 -C"));
    assert_non_null(strstr(r.ev_priv, "no setuid/setgid-family call rules"));
    tree_remove(root);
}

static void test_rules_dir_symlinked_out_of_root(void **state)
{
    (void)state;
    char root[64], outside[64];
    tree_new(root, sizeof(root), "authaud");
    tree_new(outside, sizeof(outside), "authaud-out");
    sudo_host(root);
    tree_write(outside, "/rules.d/50-cis.rules", cis_rules, 0640);
    tree_mkdirs(root, "/etc/audit", 0750);
    char target[128];
    snprintf(target, sizeof(target), "%s/rules.d", outside);
    tree_symlink(root, "/etc/audit/rules.d", target);
    results r;
    run(root, &r);
    /* resolved inside the root, where nothing is: the rules outside do not count */
    assert_int_equal(r.logins, LD_STATUS_FAIL);
    assert_int_equal(r.sudo, LD_STATUS_FAIL);
    assert_int_equal(r.priv, LD_STATUS_FAIL);
    tree_remove(root);
    tree_remove(outside);
}

static void test_oversize_rules_not_assessed(void **state)
{
    (void)state;
    char root[64];
    tree_new(root, sizeof(root), "authaud");
    sudo_host(root);
    size_t big = (size_t)10 * 1024 * 1024;
    char *text = malloc(big + 1);
    for (size_t i = 0; i < big; i += 32)
        memcpy(text + i, "-w /var/log/lastlog -p wa -k x\n\n", 32);
    text[big] = '\0';
    tree_write(root, "/etc/audit/rules.d/99-big.rules", text, 0640);
    free(text);
    results r;
    run(root, &r);
    assert_int_equal(r.logins, LD_STATUS_ERROR);
    assert_int_equal(r.sudo, LD_STATUS_ERROR);
    assert_int_equal(r.priv, LD_STATUS_ERROR);
    assert_non_null(strstr(r.ev_logins, "not assessed: cannot read audit rules"));
    assert_non_null(strstr(r.ev_logins, "99-big.rules"));
    tree_remove(root);
}

static void test_no_sudo_no_su(void **state)
{
    (void)state;
    char root[64];
    tree_new(root, sizeof(root), "authaud");
    tree_write(root, "/etc/audit/audit.rules", cis_rules, 0640);
    results r;
    run(root, &r);
    assert_int_equal(r.sudo, LD_STATUS_SKIPPED);
    assert_int_equal(r.logins, LD_STATUS_PASS);
    /* sudo installed without logfile=: the log file rule is not asked for */
    tree_write(root, "/usr/bin/sudo", "", 04755);
    tree_write(root, "/etc/audit/audit.rules",
               "-w /etc/sudoers -p wa\n-w /etc/sudoers.d -p wa\n"
               "-a always,exit -F path=/usr/bin/sudo -F perm=x\n",
               0640);
    run(root, &r);
    assert_int_equal(r.sudo, LD_STATUS_PASS);
    assert_non_null(strstr(r.ev_sudo, "sets no logfile="));
    tree_remove(root);
}

static void test_sudoers_logfile(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *want;
    } cases[] = {
        {"Defaults logfile=/var/log/sudo.log\n", "/var/log/sudo.log"},
        {"Defaults\tlogfile = \"/var/log/my sudo.log\" , log_input\n", "/var/log/my sudo.log"},
        {"Defaults:alice   logfile=/var/log/alice.log\n", "/var/log/alice.log"},
        {"Defaults env_reset,logfile=/a\nDefaults logfile=/b\n", "/b"},
        {"Defaults logfile=/a\nDefaults !logfile\n", NULL},
        {"# Defaults logfile=/commented\n", NULL},
        {"Defaultslogfile=/x\n", NULL},
        {"Defaults logfile=relative\n", NULL},
        {"Defaults logfile=\"/unterminated\n", "/unterminated"},
        {"Defaults logfile=\"/a\x01"
         "b\"\n",
         NULL},
        {"Defaults logfile\n", NULL},
        {"Defaults !\n", NULL},
        {"Defaults ,,, = ,logfile=/ok # comment logfile=/no\n", "/ok"},
        {"Defaults averyveryveryveryverylongoptionnamethatislonger=1,logfile=/y\n", "/y"},
        {"", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = ld_sudoers_logfile(cases[i].text, strlen(cases[i].text));
        if (!cases[i].want != !got || (got && strcmp(got, cases[i].want) != 0))
            fail_msg("case %zu: want %s, got %s", i, cases[i].want ? cases[i].want : "NULL",
                     got ? got : "NULL");
        free(got);
    }
    /* not NUL-terminated: the length bounds the read */
    const char cut[] = "Defaults logfile=/abcdef";
    char *got = ld_sudoers_logfile(cut, 20);
    assert_non_null(got);
    assert_string_equal(got, "/ab");
    free(got);
}

static void test_parser_keeps_syscall_rules(void **state)
{
    (void)state;
    static const char text[] =
        "-w /etc/sudoers -p wa -k scope\n"
        "-a always,exit -F arch=b64 -C euid!=uid -F auid!=unset -S execve -k user_emulation\n"
        "-a exit,always -F arch=b32 -S setuid,setgid -S setreuid -F key=ids\n"
        "-a always,exit -F arch=b64 -S adjtimex -F path!=/tmp\n" /* path!= is no path */
        "-a never,exit -F arch=b64 -S execve\n"                  /* not auditing: dropped */
        "-a always,task\n"                                       /* not exit: dropped */
        "-a always,exit -F arch=b64 -S exe\x01"
        "cve\n"                            /* control byte: bad line */
        "-a always,exit -F arch=b64 -S\n"; /* -S without value: bad */
    ld_audit_rules r = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_audit_rules_parse(text, strlen(text), "t.rules", &r, &err), 0);
    assert_int_equal(r.n, 1); /* the file rule, as before */
    assert_string_equal(r.v[0].path, "/etc/sudoers");
    assert_int_equal(r.n_sys, 3);
    assert_int_equal(r.bad_lines, 2);
    assert_string_equal(r.sys[0].arch, "b64");
    assert_int_equal(r.sys[0].syscalls.n, 1);
    assert_string_equal(r.sys[0].syscalls.v[0], "execve");
    assert_string_equal(r.sys[0].compares.v[0], "euid!=uid");
    assert_string_equal(r.sys[0].fields.v[0], "auid!=unset");
    assert_string_equal(r.sys[0].key, "user_emulation");
    assert_int_equal(r.sys[0].line, 2);
    assert_string_equal(r.sys[0].source, "t.rules");
    assert_int_equal(r.sys[1].syscalls.n, 3);
    assert_string_equal(r.sys[1].syscalls.v[1], "setgid");
    assert_string_equal(r.sys[1].syscalls.v[2], "setreuid");
    assert_string_equal(r.sys[1].key, "ids");
    assert_int_equal(r.sys[1].fields.n, 0); /* arch and key are not kept as fields */
    assert_string_equal(r.sys[2].fields.v[0], "path!=/tmp");
    /* the execute question on file rules */
    ld_audit_rules_clear(&r);
    memset(&r, 0, sizeof(r));
    static const char x[] =
        "-w /usr/bin/sudo -p x\n-a always,exit -F path=/usr/bin/su -F perm=wa\n";
    assert_int_equal(ld_audit_rules_parse(x, strlen(x), "x", &r, &err), 0);
    assert_non_null(ld_audit_rules_covers_perms(&r, "/usr/bin/sudo", LD_AUDIT_PERM_X, NULL));
    const ld_audit_rule *partial = NULL;
    assert_null(ld_audit_rules_covers_perms(&r, "/usr/bin/su", LD_AUDIT_PERM_X, &partial));
    assert_non_null(partial);
    assert_null(ld_audit_rules_covers(&r, "/usr/bin/sudo", NULL));
    ld_audit_rules_clear(&r);
}

/* This machine: the four findings, and auditd-running agrees with pidof. */
static void test_real_host(void **state)
{
    (void)state;
    results r;
    run("/", &r);
    print_message("on this machine: logins %s, sudo %s, privilege %s, auditd %s (%s)\n",
                  ld_status_name(r.logins), ld_status_name(r.sudo), ld_status_name(r.priv),
                  ld_status_name(r.auditd), r.ev_auditd);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        dup2(fd, 1);
        execlp("pidof", "pidof", "auditd", (char *)NULL);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) != 127);
    bool running = WEXITSTATUS(st) == 0;
    assert_int_equal(r.auditd, running ? LD_STATUS_PASS : LD_STATUS_FAIL);
    if (access("/etc/audit", F_OK) != 0 && access("/sbin/auditctl", X_OK) != 0) {
        /* no rules anywhere: nothing can pass */
        assert_int_equal(r.logins, LD_STATUS_FAIL);
        assert_int_equal(r.priv, LD_STATUS_FAIL);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cis_rules_pass),
        cmocka_unit_test(test_nothing_fails_naming_rules),
        cmocka_unit_test(test_partial_rules_name_what_is_missing),
        cmocka_unit_test(test_rules_dir_symlinked_out_of_root),
        cmocka_unit_test(test_oversize_rules_not_assessed),
        cmocka_unit_test(test_no_sudo_no_su),
        cmocka_unit_test(test_sudoers_logfile),
        cmocka_unit_test(test_parser_keeps_syscall_rules),
        cmocka_unit_test(test_real_host),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
