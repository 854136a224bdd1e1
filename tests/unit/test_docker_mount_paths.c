/* Unit tests: every path comparison of the docker checks is made on the
 * lexically canonical path (util/path_lex.h), so the spellings of a
 * sensitive host directory an attacker can give a bind mount — "//etc",
 * "/./etc", "/x/../etc", "/etc/", "//" for the root — fail CIS 5.6
 * (container.sensitive-mounts) exactly as "/etc" does, and the socket
 * spelled "/var/run//docker.sock" fails container.docker-sock; "/etcetera"
 * and "/home/etc" still pass. Audit rules watching "//var/lib/docker/"
 * cover /var/lib/docker. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/catalog.h"
#include "core/findings.h"
#include "docker/audit_rules.h"
#include "docker/container_checks.h"
#include "test_docker_util.h"

/* The container.sensitive-mounts and container.docker-sock statuses for a
 * container with one bind mount of source. */
static void statuses(const char *source, ld_status *sensitive, ld_status *sock)
{
    json_t *doc = json_pack(
        "{s:s, s:s, s:{s:b, s:i}, s:{s:s}, s:{}, s:[{s:s, s:s, s:s, s:b, s:s}]}", "Id",
        "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", "Name", "/m", "State",
        "Running", 0, "Pid", 0, "Config", "Image", "app:1", "HostConfig", "Mounts", "Type", "bind",
        "Source", source, "Destination", "/x", "RW", 1, "Propagation", "rprivate");
    assert_non_null(doc);
    ld_findings *fs = ld_findings_new(catalog, TEST_NOW);
    ld_container_env env = {0};
    ld_container_procs procs;
    memset(&procs, 0, sizeof(procs));
    procs.state = LD_PROCS_NOT_RUNNING;
    ld_error err = LD_ERROR_INIT;
    if (ld_container_checks(fs, doc, &env, &procs, &err) != 0)
        fail_msg("checks failed: %s", err.msg);
    *sensitive = finding(fs, "container.sensitive-mounts")->status;
    *sock = finding(fs, "container.docker-sock")->status;
    ld_findings_free(fs);
    json_decref(doc);
}

static void test_sensitive_spellings(void **state)
{
    (void)state;
    static const char *const refused[] = {"/etc",
                                          "//etc",
                                          "/./etc",
                                          "/x/../etc",
                                          "/etc/",
                                          "/etc/./ssh",
                                          "///etc//",
                                          "//",
                                          "/",
                                          "/.",
                                          "/..",
                                          "/../../usr/lib",
                                          "//proc/1",
                                          "/sys/./fs",
                                          "/boot/",
                                          "/dev//sda",
                                          "/tmp/../etc/shadow"};
    static const char *const allowed[] = {"/etcetera", "/home/etc",     "/srv/data",
                                          "/tmp",      "/srv/../tmp/x", "/var/lib/app"};
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        ld_status s, k;
        statuses(refused[i], &s, &k);
        if (s != LD_STATUS_FAIL)
            fail_msg("bind mount of \"%s\": sensitive-mounts %s, expected fail", refused[i],
                     ld_status_name(s));
    }
    for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
        ld_status s, k;
        statuses(allowed[i], &s, &k);
        if (s != LD_STATUS_PASS)
            fail_msg("bind mount of \"%s\": sensitive-mounts %s, expected pass", allowed[i],
                     ld_status_name(s));
    }
}

static void test_socket_spellings(void **state)
{
    (void)state;
    static const char *const socks[] = {"/var/run/docker.sock", "/var/run//docker.sock",
                                        "/var/run/./docker.sock", "/run/docker.sock/",
                                        "/x/../run/docker.sock"};
    for (size_t i = 0; i < sizeof(socks) / sizeof(socks[0]); i++) {
        ld_status s, k;
        statuses(socks[i], &s, &k);
        if (k != LD_STATUS_FAIL)
            fail_msg("bind mount of \"%s\": docker-sock %s, expected fail", socks[i],
                     ld_status_name(k));
    }
    ld_status s, k;
    statuses("/var/run/docker.sock.bak", &s, &k);
    assert_int_equal(k, LD_STATUS_PASS);
}

static void test_audit_rule_spellings(void **state)
{
    (void)state;
    static const char rules[] = "-w //var/lib/docker/ -p wa -k docker\n"
                                "-a always,exit -F path=/etc/docker/./daemon.json -F perm=wa\n";
    ld_audit_rules r = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_audit_rules_parse(rules, strlen(rules), "rules", &r, &err), 0);
    assert_non_null(ld_audit_rules_covers(&r, "/var/lib/docker", NULL));
    assert_non_null(ld_audit_rules_covers(&r, "/var/lib/docker/containers", NULL));
    assert_null(ld_audit_rules_covers(&r, "/var/lib/dockerd", NULL));
    assert_non_null(ld_audit_rules_covers(&r, "/etc/docker/daemon.json", NULL));
    assert_null(ld_audit_rules_covers(&r, "/etc/docker", NULL));
    ld_audit_rules_clear(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sensitive_spellings),
        cmocka_unit_test(test_socket_spellings),
        cmocka_unit_test(test_audit_rule_spellings),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
