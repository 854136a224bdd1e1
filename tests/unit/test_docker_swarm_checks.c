/* Unit tests for the swarm checks (docker/swarm_checks.c): a node outside a
 * swarm, a worker, a well-run manager and a careless one, hostile /info
 * fields, the management port read from a hand-written /proc/net/tcp, and
 * what could not be read (no network list, no host sockets) reported as not
 * assessed. Asserted on the findings set the checks return. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/catalog.h"
#include "core/findings.h"
#include "docker/swarm_checks.h"
#include "test_docker_util.h"

/* Runs the five checks; the caller frees the set. */
static ld_findings *run_unseen(const char *info_text, const char *networks_text,
                               const char *proc_net, const char *unseen)
{
    ld_error err = LD_ERROR_INIT;
    ld_findings *fs = ld_findings_new(catalog, TEST_NOW);
    json_error_t jerr;
    json_t *info = json_loads(info_text, 0, &jerr);
    json_t *nets = networks_text ? json_loads(networks_text, 0, &jerr) : NULL;
    assert_non_null(info);
    assert_int_equal(
        ld_swarm_checks(fs, info, nets, proc_net, unseen, "docker", "docker test", &err), 0);
    json_decref(info);
    json_decref(nets);
    assert_int_equal(fs->n, 5);
    return fs;
}

static ld_findings *run(const char *info_text, const char *networks_text, const char *proc_net)
{
    return run_unseen(info_text, networks_text, proc_net, NULL);
}

static const char *status(const ld_findings *fs, const char *check)
{
    return ld_status_name(finding(fs, check)->status);
}

static char dir[] = "/tmp/ld-swarm-XXXXXX";

static void write_tcp(const char *name, const char *local)
{
    char p[256];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    fprintf(f,
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n"
            "   0: %s 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0\n"
            "   1: 0100007F:0016 00000000:0000 01 00000000:00000000 00:00000000 00000000     0\n",
            local);
    fclose(f);
}

static void test_not_in_swarm(void **state)
{
    (void)state;
    ld_findings *doc = run("{\"Swarm\": {\"LocalNodeState\": \"inactive\"}}", NULL, "/nonexistent");
    const char *ids[] = {"engine.swarm-managers", "engine.swarm-listen-addr",
                         "engine.swarm-overlay-encryption", "engine.swarm-autolock",
                         "engine.swarm-cert-expiry"};
    for (int i = 0; i < 5; i++)
        assert_string_equal(status(doc, ids[i]), "skipped");
    ld_findings_free(doc);
    doc = run("{\"Swarm\": 5}", NULL, NULL); /* hostile: still skipped, no crash */
    assert_string_equal(status(doc, "engine.swarm-autolock"), "skipped");
    ld_findings_free(doc);
}

static void test_manager_good_and_bad(void **state)
{
    (void)state;
    assert_non_null(mkdtemp(dir));
    write_tcp("tcp", "0A000005:0949"); /* 10.0.0.5:2377 */
    const char *good = "{\"Swarm\": {\"LocalNodeState\": \"active\", \"ControlAvailable\": true,"
                       " \"Managers\": 3, \"Cluster\": {\"Spec\": {"
                       " \"EncryptionConfig\": {\"AutoLockManagers\": true},"
                       " \"CAConfig\": {\"NodeCertExpiry\": 7776000000000000}}}}}";
    const char *nets =
        "[{\"Name\": \"ingress\", \"Driver\": \"overlay\", \"Options\": {\"encrypted\": \"\"}},"
        " {\"Name\": \"app\", \"Driver\": \"overlay\", \"Options\": {\"encrypted\": \"true\"}}]";
    ld_findings *doc = run(good, nets, dir);
    json_t *ginfo = json_loads(good, 0, NULL);
    assert_true(ld_swarm_is_manager(ginfo));
    json_decref(ginfo);
    assert_string_equal(status(doc, "engine.swarm-managers"), "pass");
    assert_string_equal(status(doc, "engine.swarm-listen-addr"), "pass");
    assert_string_equal(status(doc, "engine.swarm-overlay-encryption"), "pass");
    assert_string_equal(status(doc, "engine.swarm-autolock"), "pass");
    assert_string_equal(status(doc, "engine.swarm-cert-expiry"), "pass");
    ld_findings_free(doc);
    write_tcp("tcp", "00000000:0949"); /* 0.0.0.0:2377 */
    const char *bad = "{\"Swarm\": {\"LocalNodeState\": \"active\", \"ControlAvailable\": true,"
                      " \"Managers\": 2, \"Cluster\": {\"Spec\": {"
                      " \"CAConfig\": {\"NodeCertExpiry\": 31536000000000000}}}}}";
    doc = run(bad, "[{\"Name\": \"app\", \"Driver\": \"overlay\", \"Options\": {}}]", dir);
    assert_string_equal(status(doc, "engine.swarm-managers"), "warn");
    assert_string_equal(status(doc, "engine.swarm-listen-addr"), "fail");
    assert_string_equal(status(doc, "engine.swarm-overlay-encryption"), "fail");
    assert_string_equal(status(doc, "engine.swarm-autolock"), "fail");
    assert_string_equal(status(doc, "engine.swarm-cert-expiry"), "fail");
    ld_findings_free(doc);
    /* wrong types */
    doc = run("{\"Swarm\": {\"LocalNodeState\": \"active\", \"ControlAvailable\": true,"
              " \"Managers\": \"3\", \"Cluster\": {\"Spec\": {\"EncryptionConfig\":"
              " {\"AutoLockManagers\": 1}, \"CAConfig\": {\"NodeCertExpiry\": \"90d\"}}}}}",
              NULL, dir);
    assert_string_equal(status(doc, "engine.swarm-managers"), "error");
    assert_string_equal(status(doc, "engine.swarm-autolock"), "error");
    assert_string_equal(status(doc, "engine.swarm-cert-expiry"), "error");
    /* a manager whose network list could not be read: not assessed */
    assert_string_equal(status(doc, "engine.swarm-overlay-encryption"), "error");
    ld_findings_free(doc);
    /* the host's sockets not visible (a remote engine): not assessed, saying why */
    doc = run_unseen(good, nets, NULL, "engine tcp://10.0.0.5:2375 is remote");
    assert_string_equal(status(doc, "engine.swarm-listen-addr"), "error");
    assert_evidence_has(doc, "engine.swarm-listen-addr", "is remote");
    ld_findings_free(doc);
    /* a /proc/net without tcp: not "nothing listens" */
    char empty[] = "/tmp/ld-swarm-empty-XXXXXX";
    assert_non_null(mkdtemp(empty));
    doc = run(good, nets, empty);
    assert_string_equal(status(doc, "engine.swarm-listen-addr"), "error");
    ld_findings_free(doc);
    rmdir(empty);
    char p[256];
    snprintf(p, sizeof(p), "%s/tcp", dir);
    unlink(p);
    rmdir(dir);
}

static void test_worker(void **state)
{
    (void)state;
    ld_findings *doc =
        run("{\"Swarm\": {\"LocalNodeState\": \"active\", \"ControlAvailable\": false}}", NULL,
            "/nonexistent");
    assert_string_equal(status(doc, "engine.swarm-managers"), "skipped");
    assert_string_equal(status(doc, "engine.swarm-listen-addr"), "skipped"); /* managers only */
    assert_string_equal(status(doc, "engine.swarm-autolock"), "skipped");
    ld_findings_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_in_swarm),
        cmocka_unit_test(test_manager_good_and_bad),
        cmocka_unit_test(test_worker),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
