/* Unit tests for container egress policies (runtime/egress.c and the choice
 * in runtime/containers.c): entries valid and hostile, the comma-separated
 * label, judging IPv4 / IPv6 / mapped / loopback destinations and ports,
 * label before policy, image before name, a malformed label failing closed
 * with a note; and the policy's runtime section (core/policy_runtime.c). */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "core/policy.h"
#include "core/policy_runtime.h"
#include "runtime/containers.h"
#include "runtime/containers_internal.h"
#include "util/mem.h"

static ld_rt_sockaddr addr(const char *ip, uint16_t port)
{
    ld_rt_sockaddr a;
    memset(&a, 0, sizeof a);
    if (inet_pton(AF_INET, ip, a.addr) == 1)
        a.family = AF_INET;
    else if (inet_pton(AF_INET6, ip, a.addr) == 1)
        a.family = AF_INET6;
    else
        fail_msg("bad test address %s", ip);
    a.port = port;
    return a;
}

static void test_parse_valid(void **state)
{
    (void)state;
    ld_rt_egress_rule r;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_rt_egress_parse("10.0.0.0/8:443", &r, &err), 0);
    assert_int_equal(r.family, AF_INET);
    assert_int_equal(r.prefix, 8);
    assert_int_equal(r.port, 443);
    assert_int_equal(r.addr[0], 10);
    assert_int_equal(ld_rt_egress_parse("192.168.1.5", &r, &err), 0);
    assert_int_equal(r.prefix, 32);
    assert_int_equal(r.port, 0);
    assert_int_equal(ld_rt_egress_parse("[2001:db8::]/32:53", &r, &err), 0);
    assert_int_equal(r.family, AF_INET6);
    assert_int_equal(r.prefix, 32);
    assert_int_equal(r.port, 53);
    assert_int_equal(r.addr[0], 0x20);
    assert_int_equal(ld_rt_egress_parse("2001:db8::/32", &r, &err), 0);
    assert_int_equal(r.prefix, 32);
    assert_int_equal(ld_rt_egress_parse("[2001:db8::1]:443", &r, &err), 0);
    assert_int_equal(r.prefix, 128);
    assert_int_equal(r.port, 443);
    assert_int_equal(ld_rt_egress_parse("*:53", &r, &err), 0);
    assert_int_equal(r.family, 0);
    assert_int_equal(r.port, 53);
    assert_int_equal(ld_rt_egress_parse("*", &r, &err), 0);
    assert_int_equal(r.family, 0);
    assert_int_equal(r.port, 0);
    assert_int_equal(ld_rt_egress_parse("0.0.0.0/0:65535", &r, &err), 0);
    assert_int_equal(r.prefix, 0);
}

static void test_parse_hostile(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"", "empty egress entry"},
        {"example.com:443", "host names are not resolved"},
        {"10.0.0.0/33", "prefix length must be a number from 0 to 32"},
        {"[::]/129", "from 0 to 128"},
        {"10.0.0.1/8", "bits set past /8"},
        {"10.0.0.0/8:0", "port must be a number from 1 to 65535"},
        {"10.0.0.0/8:65536", "port must be a number"},
        {"10.0.0.0/8:", "port must be a number"},
        {"10.0.0.0/8:44x", "port must be a number"},
        {"10.0.0.0/-1", "prefix length"},
        {"10.0.0.0/", "prefix length"},
        {"1.2.3", "is not an IPv4 address"},
        {"1.2.3.4.5", "is not an IPv4 address"},
        {"256.1.1.1", "is not an IPv4 address"},
        {"2001:db8::1:443x", "is not an IPv6 address"},
        {"2001:db8::/32:53", "put an IPv6 address in brackets"},
        {"[2001:db8::1", "missing ']'"},
        {"[10.0.0.1]:80", "is not an IPv6 address"},
        {"*/8", "'*' takes no prefix"},
        {"*:x", "port must be a number"},
        {"10.0.0.0/8:443 ", "port must be a number"},
        {"\x1b[31m", "is not an IPv4 address"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ld_rt_egress_rule r;
        ld_error err = LD_ERROR_INIT;
        if (ld_rt_egress_parse(cases[i].text, &r, &err) == 0)
            fail_msg("accepted \"%s\"", cases[i].text);
        if (!strstr(err.msg, cases[i].want))
            fail_msg("\"%s\": message \"%s\" lacks \"%s\"", cases[i].text, err.msg, cases[i].want);
        for (const char *p = err.msg; *p; p++)
            if ((unsigned char)*p < 0x20)
                fail_msg("control character in message for case %zu", i);
    }
    /* very long input: refused, the message stays short */
    char *big = ld_xmalloc(100001);
    memset(big, '1', 100000);
    big[100000] = '\0';
    ld_rt_egress_rule r;
    ld_error err = LD_ERROR_INIT;
    assert_int_not_equal(ld_rt_egress_parse(big, &r, &err), 0);
    assert_true(strlen(err.msg) < 200);
    free(big);
}

static void test_parse_list(void **state)
{
    (void)state;
    ld_rt_egress_rule *rules = NULL;
    size_t n = 0;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_rt_egress_parse_list("10.0.0.0/8:443, 192.168.1.5 ,[2001:db8::]/32:53,*:53",
                                             &rules, &n, &err),
                     0);
    assert_int_equal(n, 4);
    assert_int_equal(rules[1].prefix, 32);
    assert_int_equal(rules[3].family, 0);
    free(rules);
    assert_int_equal(ld_rt_egress_parse_list("", &rules, &n, &err), 0);
    assert_int_equal(n, 0);
    assert_int_equal(ld_rt_egress_parse_list("10.0.0.0/8,", &rules, &n, &err), 0);
    assert_int_equal(n, 1);
    free(rules);
    assert_int_not_equal(ld_rt_egress_parse_list("10.0.0.0/8,,1.2.3.4", &rules, &n, &err), 0);
    assert_null(rules);
    assert_int_equal(n, 0);
    assert_int_not_equal(ld_rt_egress_parse_list("10.0.0.0/8,bad", &rules, &n, &err), 0);
    assert_non_null(strstr(err.msg, "\"bad\""));
    /* too many entries */
    size_t cnt = LD_RT_EGRESS_MAX_ENTRIES + 1;
    char *many = ld_xcalloc(cnt, 12);
    for (size_t i = 0, at = 0; i < cnt; i++) {
        memcpy(many + at, ",1.2.3.4" + (i == 0), 8 - (i == 0));
        at += 8 - (i == 0);
    }
    assert_int_equal(ld_rt_egress_parse_list(many, &rules, &n, &err), LD_ERR_LIMIT);
    free(many);
}

static ld_rt_container container_with(const char *spec)
{
    ld_rt_container ct;
    memset(&ct, 0, sizeof ct);
    ct.has_egress = true;
    ld_error err = LD_ERROR_INIT;
    if (ld_rt_egress_parse_list(spec, &ct.egress, &ct.n_egress, &err) < 0)
        fail_msg("%s: %s", spec, err.msg);
    return ct;
}

static void test_allows(void **state)
{
    (void)state;
    ld_rt_container ct = container_with("10.0.0.0/8:443,192.168.1.5,[2001:db8::]/32:53");
    ld_rt_sockaddr a;
    a = addr("10.1.2.3", 443);
    assert_true(ld_rt_egress_allows(&ct, &a));
    a = addr("10.1.2.3", 80);
    assert_false(ld_rt_egress_allows(&ct, &a));
    a = addr("11.0.0.1", 443);
    assert_false(ld_rt_egress_allows(&ct, &a));
    a = addr("192.168.1.5", 22);
    assert_true(ld_rt_egress_allows(&ct, &a)); /* no port: any */
    a = addr("192.168.1.6", 22);
    assert_false(ld_rt_egress_allows(&ct, &a));
    a = addr("2001:db8:ffff::1", 53);
    assert_true(ld_rt_egress_allows(&ct, &a));
    a = addr("2001:db9::1", 53);
    assert_false(ld_rt_egress_allows(&ct, &a));
    /* IPv4-mapped IPv6 is judged as IPv4 */
    a = addr("::ffff:10.9.9.9", 443);
    assert_true(ld_rt_egress_allows(&ct, &a));
    a = addr("::ffff:8.8.8.8", 443);
    assert_false(ld_rt_egress_allows(&ct, &a));
    /* loopback and the unspecified address: always */
    a = addr("127.0.0.1", 9);
    assert_true(ld_rt_egress_allows(&ct, &a));
    a = addr("127.255.0.1", 9);
    assert_true(ld_rt_egress_allows(&ct, &a));
    a = addr("::1", 9);
    assert_true(ld_rt_egress_allows(&ct, &a));
    a = addr("::ffff:127.0.0.1", 9);
    assert_true(ld_rt_egress_allows(&ct, &a));
    a = addr("0.0.0.0", 9);
    assert_true(ld_rt_egress_allows(&ct, &a));
    /* unix sockets are not egress */
    ld_rt_sockaddr u = {.family = AF_UNIX};
    assert_true(ld_rt_egress_allows(&ct, &u));
    free(ct.egress);

    /* nothing allowed but loopback */
    ct = container_with("");
    a = addr("10.1.2.3", 443);
    assert_false(ld_rt_egress_allows(&ct, &a));
    a = addr("127.0.0.1", 443);
    assert_true(ld_rt_egress_allows(&ct, &a));
    /* "*:53": any address, that port */
    free(ct.egress);
    ct = container_with("*:53");
    a = addr("8.8.8.8", 53);
    assert_true(ld_rt_egress_allows(&ct, &a));
    a = addr("2001:4860::8888", 53);
    assert_true(ld_rt_egress_allows(&ct, &a));
    a = addr("8.8.8.8", 443);
    assert_false(ld_rt_egress_allows(&ct, &a));
    free(ct.egress);
    /* /0 and odd prefixes */
    ct = container_with("10.128.0.0/9,0.0.0.0/0:8080");
    a = addr("10.200.0.1", 1);
    assert_true(ld_rt_egress_allows(&ct, &a));
    a = addr("10.127.0.1", 1);
    assert_false(ld_rt_egress_allows(&ct, &a));
    a = addr("1.1.1.1", 8080);
    assert_true(ld_rt_egress_allows(&ct, &a));
    a = addr("2001:db8::1", 8080);
    assert_false(ld_rt_egress_allows(&ct, &a)); /* 0.0.0.0/0 is IPv4 only */
    free(ct.egress);
    /* no policy: nothing to judge */
    ld_rt_container none;
    memset(&none, 0, sizeof none);
    a = addr("1.1.1.1", 1);
    assert_true(ld_rt_egress_allows(&none, &a));
    assert_true(ld_rt_egress_allows(NULL, &a));
}

static void set_label(ld_rt_container *ct, const char *k, const char *v)
{
    ct->label_keys = ld_xcalloc(2, sizeof *ct->label_keys);
    ct->label_values = ld_xcalloc(2, sizeof *ct->label_values);
    ct->label_keys[0] = ld_xstrdup(k);
    ct->label_values[0] = ld_xstrdup(v);
    ct->n_labels = 1;
}

static void test_choice(void **state)
{
    (void)state;
    const char *const policy[] = {"registry.example.com/web/*",
                                  "10.0.0.0/8:443",
                                  "db-*",
                                  "10.1.0.0/16:5432",
                                  "busybox",
                                  "*:53",
                                  NULL};
    ld_rt_container ct;
    memset(&ct, 0, sizeof ct);
    ct.image = ld_xstrdup("registry.example.com/web/shop:1.2");
    ct.name = ld_xstrdup("db-main"); /* the image matches first */
    ld_rt_container_choose_egress(&ct, policy);
    assert_true(ct.has_egress);
    assert_int_equal(ct.n_egress, 1);
    assert_int_equal(ct.egress[0].port, 443);
    assert_null(ct.egress_note);
    ld_rt_container_clear(&ct);

    /* no image match: the name */
    ct.image = ld_xstrdup("postgres:16");
    ct.name = ld_xstrdup("db-main");
    ld_rt_container_choose_egress(&ct, policy);
    assert_true(ct.has_egress);
    assert_int_equal(ct.egress[0].port, 5432);
    ld_rt_container_clear(&ct);

    /* a glob without tag matches the repository of a tagged image */
    ct.image = ld_xstrdup("busybox:1.36@sha256:0123");
    ld_rt_container_choose_egress(&ct, policy);
    assert_true(ct.has_egress);
    assert_int_equal(ct.egress[0].port, 53);
    ld_rt_container_clear(&ct);

    /* nothing matches: no policy */
    ct.image = ld_xstrdup("alpine:3");
    ct.name = ld_xstrdup("web");
    ld_rt_container_choose_egress(&ct, policy);
    assert_false(ct.has_egress);
    ld_rt_container_choose_egress(&ct, NULL);
    assert_false(ct.has_egress);

    /* the label wins over the policy */
    set_label(&ct, "io.lockdown.egress", "192.168.1.5:22");
    ld_rt_container_choose_egress(&ct, policy);
    assert_true(ct.has_egress);
    assert_int_equal(ct.n_egress, 1);
    assert_int_equal(ct.egress[0].port, 22);
    ld_rt_container_clear(&ct);

    /* a malformed label fails closed: a policy that allows nothing, and a note */
    ct.image = ld_xstrdup("busybox:1");
    set_label(&ct, "io.lockdown.egress", "10.0.0.0/8:443,evil.example.com");
    ld_rt_container_choose_egress(&ct, policy);
    assert_true(ct.has_egress);
    assert_int_equal(ct.n_egress, 0);
    assert_non_null(ct.egress_note);
    assert_non_null(strstr(ct.egress_note, "io.lockdown.egress"));
    assert_non_null(strstr(ct.egress_note, "evil.example.com"));
    ld_rt_sockaddr a = addr("10.0.0.1", 443);
    assert_false(ld_rt_egress_allows(&ct, &a)); /* even what the good part allowed */
    ld_rt_container_clear(&ct);
}

static void test_policy_section(void **state)
{
    (void)state;
    const char *text = "version: 1\n"
                       "runtime:\n"
                       "  egress:\n"
                       "    - match: \"registry.example.com/web/*\"\n"
                       "      allow: [\"10.0.0.0/8:443\", \"*:53\"]\n"
                       "    - match: batch-*\n"
                       "      allow: []\n"
                       "  capture:\n"
                       "    anything: [1, 2]\n";
    ld_error err = LD_ERROR_INIT;
    ld_policy *p = ld_policy_parse("p.yaml", text, strlen(text), NULL, &err);
    if (!p)
        fail_msg("refused: %s", err.msg);
    assert_int_equal(p->n_runtime_egress, 2);
    char **pairs = ld_policy_runtime_egress_pairs(p);
    assert_non_null(pairs);
    assert_string_equal(pairs[0], "registry.example.com/web/*");
    assert_string_equal(pairs[1], "10.0.0.0/8:443,*:53");
    assert_string_equal(pairs[2], "batch-*");
    assert_string_equal(pairs[3], "");
    assert_null(pairs[4]);
    /* what the watcher does with them */
    ld_rt_container ct;
    memset(&ct, 0, sizeof ct);
    ct.name = ld_xstrdup("batch-7");
    ld_rt_container_choose_egress(&ct, (const char *const *)pairs);
    assert_true(ct.has_egress);
    assert_int_equal(ct.n_egress, 0);
    assert_null(ct.egress_note);
    ld_rt_container_clear(&ct);
    for (size_t i = 0; pairs[i]; i++)
        free(pairs[i]);
    free(pairs);
    ld_policy_free(p);

    /* no runtime section */
    p = ld_policy_parse("p.yaml", "version: 1\n", 11, NULL, &err);
    assert_non_null(p);
    assert_null(ld_policy_runtime_egress_pairs(p));
    ld_policy_free(p);
    assert_null(ld_policy_runtime_egress_pairs(NULL));
}

static void test_policy_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"version: 1\nruntime: [a]\n", "p.yaml:2: \"runtime\" must be a mapping"},
        {"version: 1\nruntime:\n  egres: []\n", "p.yaml:3: unknown key \"egres\" in runtime"},
        {"version: 1\nruntime:\n  egress: {a: b}\n", "\"egress\" must be a list"},
        {"version: 1\nruntime:\n  egress: [x]\n", "runtime.egress entries must be mappings"},
        {"version: 1\nruntime:\n  egress:\n    - allow: []\n", "without \"match\""},
        {"version: 1\nruntime:\n  egress:\n    - match: a\n", "without \"allow\""},
        {"version: 1\nruntime:\n  egress:\n    - match: a\n      allow: [\"example.com:80\"]\n",
         "p.yaml:5: runtime.egress: egress entry \"example.com:80\""},
        {"version: 1\nruntime:\n  egress:\n    - match: a\n      allow: \"10.0.0.0/8\"\n",
         "\"allow\" must be a list"},
        {"version: 1\nruntime:\n  egress:\n    - match: \"a b\"\n      allow: []\n",
         "\"match\" must be a glob"},
        {"version: 1\nruntime:\n  egress:\n    - match: a\n      allow: []\n      extra: 1\n",
         "unknown key \"extra\" in runtime.egress"},
        {"version: 1\nruntime:\n  capture: [1]\n", "\"capture\" must be a mapping"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ld_error err = LD_ERROR_INIT;
        ld_strlist diags = {0};
        ld_policy *p =
            ld_policy_parse("p.yaml", cases[i].text, strlen(cases[i].text), &diags, &err);
        if (p)
            fail_msg("accepted case %zu", i);
        bool found = false;
        for (size_t j = 0; j < diags.n; j++)
            found |= strstr(diags.v[j], cases[i].want) != NULL;
        if (!found)
            fail_msg("case %zu: \"%s\" not in diagnostics (first: %s)", i, cases[i].want,
                     diags.n ? diags.v[0] : "none");
        ld_strlist_clear(&diags);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_valid),   cmocka_unit_test(test_parse_hostile),
        cmocka_unit_test(test_parse_list),    cmocka_unit_test(test_allows),
        cmocka_unit_test(test_choice),        cmocka_unit_test(test_policy_section),
        cmocka_unit_test(test_policy_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
