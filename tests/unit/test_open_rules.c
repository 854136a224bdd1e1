/* Unit tests for the eBPF source's open filter (src/runtime/open_rules.c):
 * the built-in rules compile into the kernel's table and keep exactly the
 * opens the issue asks for (writes below the system directories, any open
 * of credentials and engine sockets, nothing else), word-by-word matching
 * holds at pattern lengths around the 8-byte words, trace_reads=false
 * keeps writes only, open_prefixes and explicit rules replace the
 * defaults, and bad rules (empty, relative, too long, too many, unknown
 * kinds) are refused with the rule named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "runtime/open_rules.h"

static struct ld_bpf_config cfg;

static void compile_ok(const ld_rt_source_options *o)
{
    ld_error err = LD_ERROR_INIT;
    memset(&cfg, 0, sizeof cfg);
    assert_int_equal(ld_rt_open_rules_compile(o, &cfg, &err), 0);
}

static void test_defaults(void **state)
{
    (void)state;
    ld_rt_source_options o = {.trace_opens = true, .trace_reads = true};
    compile_ok(&o);
    size_t n;
    const ld_rt_open_rule *d = ld_rt_open_rules_default(&n);
    size_t prefixes = 0, components = 0;
    for (size_t i = 0; i < n; i++)
        d[i].match == LD_RT_OPEN_PREFIX ? prefixes++ : components++;
    assert_int_equal(cfg.n_prefix, prefixes);
    assert_int_equal(cfg.n_component, components);
    assert_true(cfg.read_rules);

    static const struct {
        const char *path;
        bool write, want;
    } cases[] = {
        {"/etc/passwd", true, true},   /* write below /etc */
        {"/etc/passwd", false, false}, /* reading it is normal */
        {"/etc/shadow", false, true},  /* reading credentials is not */
        {"/etc/shadow-", false, true}, /* a prefix: the backup too */
        {"/etc/gshadow", false, true},
        {"/etc/sudoers.d/90-x", false, true},
        {"/etc/pam.d/common-auth", false, true},
        {"/etc/pam.dx", false, false},
        {"/usr/bin/ls", true, true},
        {"/usr/bin/ls", false, false},
        {"/bin/sh", true, true},
        {"/sbin/init", true, true},
        {"/lib/x", true, true},
        {"/lib64/ld.so", true, true},
        {"/libfoo/x", true, false}, /* "/lib/" needs its slash */
        {"/boot/vmlinuz", true, true},
        {"/root/.bashrc", true, true},
        {"/root/.bashrc", false, false},
        {"/etc", true, false}, /* the directory itself */
        {"/tmp/x", true, false},
        {"/home/u/.ssh/id_rsa", false, true},
        {"/.ssh/id_rsa", false, true}, /* at the very start */
        {"/home/u/.sshx/id", false, false},
        {"/home/u/.aws/credentials", false, true},
        {"/home/u/.kube/config", false, true},
        {"/home/u/.kube/cache", false, false},
        {"/root/.docker/config.json", false, true},
        {"/home/u/.config/gcloud/credentials.db", false, true},
        {"/home/u/.azure/accessTokens.json", false, true},
        {"/var/run/docker.sock", false, true},
        {"/run/docker.sock", true, true},
        {"/run/containerd/containerd.sock", false, true},
        {"/run/containerd/other.sock", false, false},
        {"", false, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bool got = ld_rt_open_rules_match(&cfg, cases[i].path, cases[i].write);
        if (got != cases[i].want)
            fail_msg("%s open of '%s': expected %s", cases[i].write ? "write" : "read",
                     cases[i].path, cases[i].want ? "reported" : "not reported");
    }
}

static void test_writes_only(void **state)
{
    (void)state;
    ld_rt_source_options o = {.trace_opens = true, .trace_reads = false};
    compile_ok(&o);
    assert_false(cfg.read_rules);
    assert_false(ld_rt_open_rules_match(&cfg, "/etc/shadow", false));
    assert_true(ld_rt_open_rules_match(&cfg, "/etc/shadow", true));
    assert_false(ld_rt_open_rules_match(&cfg, "/home/u/.ssh/id_rsa", false));
}

static void test_prefixes_and_rules_replace_defaults(void **state)
{
    (void)state;
    const char *const prefixes[] = {"/data/", NULL};
    ld_rt_source_options o = {.trace_reads = true, .open_prefixes = prefixes};
    compile_ok(&o);
    assert_int_equal(cfg.n_prefix, 1);
    assert_int_equal(cfg.n_component, 0);
    assert_true(ld_rt_open_rules_match(&cfg, "/data/x", false));
    assert_false(ld_rt_open_rules_match(&cfg, "/etc/passwd", true));

    ld_rt_open_rule rules[] = {{"/.secret", LD_RT_OPEN_COMPONENT, LD_RT_OPEN_WRITES}};
    o.open_rules = rules;
    o.n_open_rules = 1;
    compile_ok(&o); /* explicit rules win over open_prefixes */
    assert_int_equal(cfg.n_prefix, 0);
    assert_int_equal(cfg.n_component, 1);
    assert_false(cfg.read_rules);
    assert_true(ld_rt_open_rules_match(&cfg, "/a/b/.secret", true));
    assert_false(ld_rt_open_rules_match(&cfg, "/a/b/.secret", false));
    assert_false(ld_rt_open_rules_match(&cfg, "/data/x", false));
}

static void test_word_boundaries(void **state)
{
    (void)state;
    /* patterns of 7, 8, 9, 16 and 64 bytes: the mask covers exactly them */
    char p64[65];
    memset(p64, 'q', 64);
    p64[0] = '/';
    p64[64] = '\0';
    ld_rt_open_rule rules[] = {
        {"/abcdef", LD_RT_OPEN_PREFIX, LD_RT_OPEN_READS_WRITES},
        {"/bcdefgh", LD_RT_OPEN_PREFIX, LD_RT_OPEN_READS_WRITES},
        {"/cdefghij", LD_RT_OPEN_PREFIX, LD_RT_OPEN_READS_WRITES},
        {"/defghijklmnopqr", LD_RT_OPEN_PREFIX, LD_RT_OPEN_READS_WRITES},
        {p64, LD_RT_OPEN_PREFIX, LD_RT_OPEN_READS_WRITES},
    };
    ld_rt_source_options o = {.trace_reads = true, .open_rules = rules, .n_open_rules = 5};
    compile_ok(&o);
    assert_int_equal(cfg.prefix[0].nwords, 1);
    assert_int_equal(cfg.prefix[1].nwords, 1);
    assert_int_equal(cfg.prefix[2].nwords, 2);
    assert_int_equal(cfg.prefix[3].nwords, 2);
    assert_int_equal(cfg.prefix[4].nwords, 8);
    assert_true(ld_rt_open_rules_match(&cfg, "/abcdef", false));
    assert_false(ld_rt_open_rules_match(&cfg, "/abcde", false));
    assert_true(ld_rt_open_rules_match(&cfg, "/bcdefgh", false));
    assert_false(ld_rt_open_rules_match(&cfg, "/bcdefgX", false));
    assert_true(ld_rt_open_rules_match(&cfg, "/cdefghijk", false));
    assert_false(ld_rt_open_rules_match(&cfg, "/cdefghi", false)); /* one short */
    assert_true(ld_rt_open_rules_match(&cfg, "/defghijklmnopqr/x", false));
    assert_false(ld_rt_open_rules_match(&cfg, "/defghijklmnopqR", false));
    assert_true(ld_rt_open_rules_match(&cfg, p64, false));
    p64[63] = 'x';
    assert_false(ld_rt_open_rules_match(&cfg, p64, false));
}

static void expect_refused(const ld_rt_open_rule *rules, size_t n, const char *needle)
{
    ld_rt_source_options o = {.trace_reads = true, .open_rules = rules, .n_open_rules = n};
    ld_error err = LD_ERROR_INIT;
    memset(&cfg, 0, sizeof cfg);
    assert_int_equal(ld_rt_open_rules_compile(&o, &cfg, &err), LD_ERR_INVALID);
    if (!strstr(err.msg, needle))
        fail_msg("message '%s' lacks '%s'", err.msg, needle);
}

static void test_bad_rules(void **state)
{
    (void)state;
    ld_rt_open_rule r1[] = {{"", LD_RT_OPEN_PREFIX, LD_RT_OPEN_WRITES}};
    expect_refused(r1, 1, "starting with '/'");
    ld_rt_open_rule r2[] = {{"etc/", LD_RT_OPEN_PREFIX, LD_RT_OPEN_WRITES}};
    expect_refused(r2, 1, "'etc/'");
    ld_rt_open_rule r3[] = {{NULL, LD_RT_OPEN_PREFIX, LD_RT_OPEN_WRITES}};
    expect_refused(r3, 1, "starting with '/'");
    char p65[66];
    memset(p65, 'a', 65);
    p65[0] = '/';
    p65[65] = '\0';
    ld_rt_open_rule r4[] = {{p65, LD_RT_OPEN_PREFIX, LD_RT_OPEN_WRITES}};
    expect_refused(r4, 1, "longer than 64");
    ld_rt_open_rule r5[] = {{"/x", (ld_rt_open_match)9, LD_RT_OPEN_WRITES}};
    expect_refused(r5, 1, "unknown match");
    ld_rt_open_rule r6[] = {{"/x", LD_RT_OPEN_PREFIX, (ld_rt_open_mode)0}};
    expect_refused(r6, 1, "unknown mode");
    ld_rt_open_rule many[LD_BPF_OPEN_RULES_MAX + 1];
    for (size_t i = 0; i < LD_BPF_OPEN_RULES_MAX + 1; i++)
        many[i] = (ld_rt_open_rule){"/m/", LD_RT_OPEN_COMPONENT, LD_RT_OPEN_WRITES};
    expect_refused(many, LD_BPF_OPEN_RULES_MAX + 1, "more than 32 component rules");
    /* exactly the maximum is fine */
    ld_rt_source_options o = {.open_rules = many, .n_open_rules = LD_BPF_OPEN_RULES_MAX};
    compile_ok(&o);
    assert_int_equal(cfg.n_component, LD_BPF_OPEN_RULES_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_writes_only),
        cmocka_unit_test(test_prefixes_and_rules_replace_defaults),
        cmocka_unit_test(test_word_boundaries),
        cmocka_unit_test(test_bad_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
