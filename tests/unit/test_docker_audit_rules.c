/* Unit tests for the audit rules parser (docker/audit_rules.c): real
 * `auditctl -l` output and rules files, every rule form CIS Docker 1.1.x
 * remediation uses, rules that are not file audits, hostile and oversize
 * input, the "is this path audited for w and a" question, and collecting
 * rules files from a host root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "docker/audit_rules.h"

static void parse(const char *text, ld_audit_rules *out)
{
    ld_error err = LD_ERROR_INIT;
    memset(out, 0, sizeof(*out));
    if (ld_audit_rules_parse(text, strlen(text), "test.rules", out, &err) != 0)
        fail_msg("parse failed: %s", err.msg);
}

static void test_auditctl_output(void **state)
{
    (void)state;
    ld_audit_rules r;
    parse(
        "-w /usr/bin/dockerd -p rwxa -k docker\n"
        "-a always,exit -F arch=b64 -S all -F path=/usr/bin/containerd -F perm=rwxa -F key=docker\n"
        "-a always,exit -F arch=b32 -S open -F dir=/etc/docker/ -F perm=wa -F key=docker-etc\n",
        &r);
    assert_int_equal(r.n, 3);
    assert_int_equal(r.bad_lines, 0);
    assert_int_equal(r.v[0].kind, LD_AUDIT_WATCH);
    assert_string_equal(r.v[0].path, "/usr/bin/dockerd");
    assert_int_equal(r.v[0].perms, LD_AUDIT_PERM_ALL);
    assert_string_equal(r.v[0].key, "docker");
    assert_int_equal(r.v[0].line, 1);
    assert_string_equal(r.v[0].source, "test.rules");
    assert_int_equal(r.v[1].kind, LD_AUDIT_EXIT_PATH);
    assert_string_equal(r.v[1].path, "/usr/bin/containerd");
    assert_int_equal(r.v[2].kind, LD_AUDIT_EXIT_DIR);
    assert_string_equal(r.v[2].path, "/etc/docker"); /* trailing '/' removed */
    assert_int_equal(r.v[2].perms, LD_AUDIT_PERM_W | LD_AUDIT_PERM_A);
    assert_string_equal(r.v[2].key, "docker-etc");
    ld_audit_rules_clear(&r);
}

static void test_rules_file_forms(void **state)
{
    (void)state;
    ld_audit_rules r;
    parse("## CIS Docker\n"
          "\n"
          "-D\n"
          "-b 8192\n"
          "--backlog_wait_time 60000\n"
          "   # indented comment\n"
          "-w /var/lib/docker -k docker\r\n" /* CRLF, default perms */
          "-w /etc/docker -p wa -k \"quoted key\"\n"
          "-a exit,always -F path=/usr/bin/runc -F perm=x -k docker\n" /* old order */
          "-a never,exit -F path=/usr/bin/dockerd\n"                   /* not auditing */
          "-a always,task\n"                                           /* not a file rule */
          "-a always,exit -F arch=b64 -S adjtimex -k time\n"           /* syscall rule, no path */
          "-a always,exit -F path!=/tmp -F perm=wa\n" /* only an inequality: not a path */
          "-e 2\n",
          &r);
    assert_int_equal(r.bad_lines, 0);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.v[0].path, "/var/lib/docker");
    assert_int_equal(r.v[0].perms, LD_AUDIT_PERM_ALL);
    assert_int_equal(r.v[0].line, 7);
    assert_string_equal(r.v[1].key, "quoted key");
    assert_int_equal(r.v[2].kind, LD_AUDIT_EXIT_PATH);
    assert_int_equal(r.v[2].perms, LD_AUDIT_PERM_X);
    char buf[8];
    assert_string_equal(ld_audit_perms_str(r.v[1].perms, buf), "wa");
    ld_audit_rules_clear(&r);
}

static void test_malformed(void **state)
{
    (void)state;
    ld_audit_rules r;
    parse("-w\n"                                  /* no path */
          "-w relative/path -k x\n"               /* not absolute */
          "-w /etc/docker -p rwz\n"               /* bad perm letter */
          "-w /etc/docker -p\n"                   /* -p without value */
          "-a always,exit -F path=/x -F perm=q\n" /* bad perm */
          "-a -F path=/x\n"                       /* action missing its value pair */
          "-a always,exit -F path=\n"             /* empty path */
          "-w /leak -F perm -k k\n"               /* our field without '=' (fuzzer: leaked) */
          "-w /ok -k ok\n",
          &r);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.v[0].path, "/ok");
    assert_int_equal(r.bad_lines, 8);
    ld_audit_rules_clear(&r);
}

static void test_hostile(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    ld_audit_rules r = {0};
    /* embedded NUL, control bytes, a very long line, 300 tokens */
    char text[] = "-w /a\0b -k x\n-w /\x01ctl -k y\n";
    assert_int_equal(ld_audit_rules_parse(text, sizeof(text) - 1, "h", &r, &err), 0);
    assert_int_equal(r.n, 0);
    assert_int_equal(r.bad_lines, 2);
    size_t big = LD_AUDIT_RULE_LINE_MAX + 10;
    char *line = malloc(big + 1);
    memset(line, 'a', big);
    memcpy(line, "-w /", 4);
    line[big] = '\0';
    assert_int_equal(ld_audit_rules_parse(line, big, "h", &r, &err), 0);
    assert_int_equal(r.n, 0);
    free(line);
    char many[2048] = "-w /x";
    for (int i = 0; i < 300; i++)
        strncat(many, " y", sizeof(many) - strlen(many) - 1);
    assert_int_equal(ld_audit_rules_parse(many, strlen(many), "h", &r, &err), 0);
    assert_int_equal(r.n, 0);
    assert_int_equal(ld_audit_rules_parse("", LD_AUDIT_RULES_MAX_BYTES + 1, "h", &r, &err),
                     LD_ERR_LIMIT);
    ld_audit_rules_clear(&r);
}

static void test_covers(void **state)
{
    (void)state;
    ld_audit_rules r;
    parse("-w /etc/docker -p wa\n"
          "-a always,exit -F path=/usr/bin/containerd -F perm=rwxa\n"
          "-w /usr/bin/runc -p r\n"
          "-a always,exit -F dir=/run/containerd -F perm=wa\n",
          &r);
    const ld_audit_rule *partial = NULL;
    assert_non_null(ld_audit_rules_covers(&r, "/etc/docker", NULL));
    assert_non_null(ld_audit_rules_covers(&r, "/etc/docker/daemon.json", NULL));
    assert_null(ld_audit_rules_covers(&r, "/etc/dockerx", &partial)); /* whole components */
    assert_null(partial);
    assert_non_null(ld_audit_rules_covers(&r, "/usr/bin/containerd", NULL));
    assert_null(ld_audit_rules_covers(&r, "/usr/bin/containerd/x", NULL)); /* path= is exact */
    assert_null(ld_audit_rules_covers(&r, "/usr/bin/runc", &partial));
    assert_non_null(partial);
    assert_string_equal(partial->path, "/usr/bin/runc");
    assert_non_null(ld_audit_rules_covers(&r, "/run/containerd/containerd.sock", NULL));
    ld_audit_rules_clear(&r);
    parse("-w / -p wa\n", &r);
    assert_non_null(ld_audit_rules_covers(&r, "/anything/at/all", NULL));
    ld_audit_rules_clear(&r);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_collect_files(void **state)
{
    (void)state;
    char root[] = "/tmp/ld-audit-rules-XXXXXX";
    assert_non_null(mkdtemp(root));
    char p[512];
    snprintf(p, sizeof(p), "%s/etc", root);
    mkdir(p, 0755);
    snprintf(p, sizeof(p), "%s/etc/audit", root);
    mkdir(p, 0755);
    snprintf(p, sizeof(p), "%s/etc/audit/rules.d", root);
    mkdir(p, 0755);
    snprintf(p, sizeof(p), "%s/etc/audit/rules.d/20-b.rules", root);
    write_file(p, "-w /b -k b\n");
    snprintf(p, sizeof(p), "%s/etc/audit/rules.d/10-a.rules", root);
    write_file(p, "-w /a -k a\n");
    snprintf(p, sizeof(p), "%s/etc/audit/rules.d/ignored.txt", root);
    write_file(p, "-w /ignored\n");
    snprintf(p, sizeof(p), "%s/etc/audit/audit.rules", root);
    write_file(p, "-w /c -k c\n");
    ld_audit_rules r = {0};
    char *source = NULL;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_audit_rules_collect(root, true, &r, &source, &err), 0);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.v[0].path, "/a"); /* sorted like augenrules */
    assert_string_equal(r.v[0].source, "/etc/audit/rules.d/10-a.rules");
    assert_string_equal(r.v[1].path, "/b");
    assert_string_equal(r.v[2].path, "/c");
    assert_non_null(strstr(source, "rules.d"));
    free(source);
    ld_audit_rules_clear(&r);
    /* an empty root: no rules, says so */
    char empty[] = "/tmp/ld-audit-empty-XXXXXX";
    assert_non_null(mkdtemp(empty));
    assert_int_equal(ld_audit_rules_collect(empty, false, &r, &source, &err), 0);
    assert_int_equal(r.n, 0);
    assert_non_null(strstr(source, "no audit rules"));
    free(source);
    rmdir(empty);
    const char *rm[] = {"/etc/audit/rules.d/20-b.rules", "/etc/audit/rules.d/10-a.rules",
                        "/etc/audit/rules.d/ignored.txt", "/etc/audit/audit.rules"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(p, sizeof(p), "%s%s", root, rm[i]);
        unlink(p);
    }
    const char *dirs[] = {"/etc/audit/rules.d", "/etc/audit", "/etc", ""};
    for (size_t i = 0; i < 4; i++) {
        snprintf(p, sizeof(p), "%s%s", root, dirs[i]);
        rmdir(p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auditctl_output), cmocka_unit_test(test_rules_file_forms),
        cmocka_unit_test(test_malformed),       cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_covers),          cmocka_unit_test(test_collect_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
