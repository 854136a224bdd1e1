/* Unit tests for the swarm checks (docker/swarm_checks.c): a node outside a
 * swarm, a worker, a well-run manager and a careless one, hostile /info
 * fields, and the management port read from a hand-written /proc/net/tcp. */
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
#include "core/report.h"
#include "docker/swarm_checks.h"

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

static json_t *run(const char *info_text, const char *networks_text, const char *proc_net)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ld_error err = LD_ERROR_INIT;
    ld_report_options o = {.format = LD_FORMAT_JSON,
                           .out = f,
                           .command = "test",
                           .scope = "test",
                           .level = LD_LEVEL_MEDIUM,
                           .level_source = "test"};
    ld_report *r = ld_report_open(&o, catalog, NULL, &err);
    assert_int_equal(ld_report_begin(r, &err), 0);
    json_error_t jerr;
    json_t *info = json_loads(info_text, 0, &jerr);
    json_t *nets = networks_text ? json_loads(networks_text, 0, &jerr) : NULL;
    assert_non_null(info);
    assert_int_equal(ld_swarm_checks(r, info, nets, proc_net, "docker", "docker test", &err), 0);
    json_decref(info);
    json_decref(nets);
    assert_int_equal(ld_report_finish(r, &err), 0);
    ld_report_free(r);
    fclose(f);
    json_t *doc = json_loadb(buf, len, 0, &jerr);
    free(buf);
    assert_non_null(doc);
    assert_int_equal(json_array_size(json_object_get(doc, "findings")), 5);
    return doc;
}

static const char *status(const json_t *doc, const char *check)
{
    size_t i;
    const json_t *f;
    json_array_foreach(json_object_get(doc, "findings"), i,
                       f) if (strcmp(json_string_value(json_object_get(f, "check_id")), check) ==
                              0) return json_string_value(json_object_get(f, "status"));
    fail_msg("no finding for %s", check);
    return NULL;
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
    json_t *doc = run("{\"Swarm\": {\"LocalNodeState\": \"inactive\"}}", NULL, "/nonexistent");
    const char *ids[] = {"engine.swarm-managers", "engine.swarm-listen-addr",
                         "engine.swarm-overlay-encryption", "engine.swarm-autolock",
                         "engine.swarm-cert-expiry"};
    for (int i = 0; i < 5; i++)
        assert_string_equal(status(doc, ids[i]), "skipped");
    json_decref(doc);
    doc = run("{\"Swarm\": 5}", NULL, NULL); /* hostile: still skipped, no crash */
    assert_string_equal(status(doc, "engine.swarm-autolock"), "skipped");
    json_decref(doc);
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
    json_t *doc = run(good, nets, dir);
    json_t *ginfo = json_loads(good, 0, NULL);
    assert_true(ld_swarm_is_manager(ginfo));
    json_decref(ginfo);
    assert_string_equal(status(doc, "engine.swarm-managers"), "pass");
    assert_string_equal(status(doc, "engine.swarm-listen-addr"), "pass");
    assert_string_equal(status(doc, "engine.swarm-overlay-encryption"), "pass");
    assert_string_equal(status(doc, "engine.swarm-autolock"), "pass");
    assert_string_equal(status(doc, "engine.swarm-cert-expiry"), "pass");
    json_decref(doc);
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
    json_decref(doc);
    /* wrong types */
    doc = run("{\"Swarm\": {\"LocalNodeState\": \"active\", \"ControlAvailable\": true,"
              " \"Managers\": \"3\", \"Cluster\": {\"Spec\": {\"EncryptionConfig\":"
              " {\"AutoLockManagers\": 1}, \"CAConfig\": {\"NodeCertExpiry\": \"90d\"}}}}}",
              NULL, dir);
    assert_string_equal(status(doc, "engine.swarm-managers"), "error");
    assert_string_equal(status(doc, "engine.swarm-autolock"), "error");
    assert_string_equal(status(doc, "engine.swarm-cert-expiry"), "error");
    assert_string_equal(status(doc, "engine.swarm-overlay-encryption"), "skipped");
    json_decref(doc);
    char p[256];
    snprintf(p, sizeof(p), "%s/tcp", dir);
    unlink(p);
    rmdir(dir);
}

static void test_worker(void **state)
{
    (void)state;
    json_t *doc = run("{\"Swarm\": {\"LocalNodeState\": \"active\", \"ControlAvailable\": false}}",
                      NULL, "/nonexistent");
    assert_string_equal(status(doc, "engine.swarm-managers"), "skipped");
    assert_string_equal(status(doc, "engine.swarm-listen-addr"), "skipped");
    assert_string_equal(status(doc, "engine.swarm-autolock"), "skipped");
    json_decref(doc);
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
