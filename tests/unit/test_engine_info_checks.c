/* Unit tests for the daemon/engine checks (docker/engine_info_checks.c):
 * hand-written /info and /version documents — a hardened daemon, a careless
 * one, missing fields, wrong types, hostile sizes — go through a JSON report
 * written to memory, and each check's status and evidence are asserted on
 * the parsed report, the way a user's script would read it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/catalog.h"
#include "core/report.h"
#include "docker/engine_info_checks.h"

static const char *const check_ids[] = {
    "daemon.live-restore",     "daemon.experimental",        "daemon.userns-remap",
    "daemon.seccomp-profile",  "daemon.insecure-registries", "daemon.storage-driver-aufs",
    "daemon.authz-plugin",     "daemon.remote-logging",      "engine.image-sprawl",
    "engine.container-sprawl", "engine.swarm-mode",          "host.docker-version",
};
#define N_CHECKS (sizeof(check_ids) / sizeof(check_ids[0]))

static ld_catalog *catalog;

static int setup(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    catalog = ld_catalog_load_builtin(&err);
    if (!catalog) {
        fprintf(stderr, "built-in catalog: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ld_catalog_free(catalog);
    return 0;
}

static json_t *parse(const char *text)
{
    if (!text)
        return NULL;
    json_error_t jerr;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &jerr);
    if (!j)
        fail_msg("test document is not JSON: %s", jerr.text);
    return j;
}

/* Runs the checks on the documents and returns the parsed JSON report. */
static json_t *run(const char *info_text, const char *version_text)
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
    json_t *info = parse(info_text), *version = parse(version_text);
    if (ld_engine_info_checks(r, NULL, info, version, &err) != 0)
        fail_msg("checks failed: %s", err.msg);
    json_decref(info);
    json_decref(version);
    assert_int_equal(ld_report_finish(r, &err), 0);
    ld_report_free(r);
    fclose(f);
    json_error_t jerr;
    json_t *doc = json_loadb(buf, len, 0, &jerr);
    if (!doc)
        fail_msg("report is not valid JSON: %s", jerr.text);
    free(buf);
    /* one finding per check, each on the control the catalog names */
    json_t *findings = json_object_get(doc, "findings");
    assert_int_equal(json_array_size(findings), N_CHECKS);
    for (size_t i = 0; i < N_CHECKS; i++) {
        json_t *fnd = json_array_get(findings, i);
        const char *id = json_string_value(json_object_get(fnd, "check_id"));
        assert_string_equal(id, check_ids[i]);
        const ld_control *c = ld_catalog_control_for_check(catalog, id);
        assert_non_null(c);
        assert_string_equal(json_string_value(json_object_get(fnd, "control_id")), c->id);
        json_t *t = json_object_get(fnd, "target");
        assert_string_equal(json_string_value(json_object_get(t, "kind")),
                            ld_target_kind_name(LD_TARGET_ENGINE));
        assert_string_equal(json_string_value(json_object_get(t, "id")), "docker");
    }
    return doc;
}

static const json_t *finding(const json_t *doc, const char *check)
{
    size_t i;
    const json_t *f;
    json_array_foreach(json_object_get(doc, "findings"), i, f)
    {
        if (strcmp(json_string_value(json_object_get(f, "check_id")), check) == 0)
            return f;
    }
    fail_msg("no finding for %s", check);
    return NULL;
}

static const char *status_of(const json_t *doc, const char *check)
{
    return json_string_value(json_object_get(finding(doc, check), "status"));
}

static const char *evidence_of(const json_t *doc, const char *check)
{
    return json_string_value(json_object_get(finding(doc, check), "evidence"));
}

static const char *title_of(const json_t *doc, const char *check)
{
    return json_string_value(json_object_get(finding(doc, check), "title"));
}

#define assert_check(doc, check, want_status)                                                      \
    do {                                                                                           \
        const char *got_ = status_of(doc, check);                                                  \
        if (strcmp(got_, want_status) != 0)                                                        \
            fail_msg("%s: expected %s, got %s (evidence: %s)", check, want_status, got_,           \
                     evidence_of(doc, check));                                                     \
    } while (0)

static const char good_info[] =
    "{\"ID\":\"X\",\"Containers\":3,\"ContainersRunning\":3,\"ContainersPaused\":0,"
    "\"ContainersStopped\":0,\"Images\":5,\"Driver\":\"overlay2\","
    "\"Plugins\":{\"Volume\":[\"local\"],\"Authorization\":[\"opa-docker-authz\"]},"
    "\"LoggingDriver\":\"syslog\",\"LiveRestoreEnabled\":true,\"ExperimentalBuild\":false,"
    "\"SecurityOptions\":[\"name=seccomp,profile=builtin\",\"name=userns\",\"name=cgroupns\"],"
    "\"RegistryConfig\":{\"InsecureRegistryCIDRs\":[\"127.0.0.0/8\",\"::1/128\"],"
    "\"IndexConfigs\":{\"docker.io\":{\"Name\":\"docker.io\",\"Secure\":true,\"Official\":true}}},"
    "\"Swarm\":{\"NodeID\":\"\",\"LocalNodeState\":\"inactive\"},"
    "\"ServerVersion\":\"27.5.1\"}";
static const char good_version[] = "{\"Version\":\"27.5.1\",\"ApiVersion\":\"1.47\"}";

static void test_good_daemon(void **state)
{
    (void)state;
    json_t *doc = run(good_info, good_version);
    assert_check(doc, "daemon.live-restore", "pass");
    assert_check(doc, "daemon.experimental", "pass");
    assert_check(doc, "daemon.userns-remap", "pass");
    assert_check(doc, "daemon.seccomp-profile", "pass");
    assert_check(doc, "daemon.insecure-registries", "pass");
    assert_check(doc, "daemon.storage-driver-aufs", "pass");
    assert_check(doc, "daemon.authz-plugin", "pass");
    assert_check(doc, "daemon.remote-logging", "pass");
    assert_check(doc, "engine.image-sprawl", "info");
    assert_check(doc, "engine.container-sprawl", "info");
    assert_check(doc, "engine.swarm-mode", "pass");
    assert_check(doc, "host.docker-version", "info");
    assert_string_equal(evidence_of(doc, "daemon.live-restore"), "LiveRestoreEnabled = true");
    assert_string_equal(evidence_of(doc, "daemon.userns-remap"),
                        "SecurityOptions = "
                        "[\"name=seccomp,profile=builtin\",\"name=userns\",\"name=cgroupns\"]");
    assert_string_equal(evidence_of(doc, "daemon.remote-logging"), "LoggingDriver = \"syslog\"");
    assert_string_equal(evidence_of(doc, "daemon.authz-plugin"),
                        "Plugins.Authorization = [\"opa-docker-authz\"]");
    assert_string_equal(evidence_of(doc, "engine.image-sprawl"), "Images = 5");
    assert_string_equal(evidence_of(doc, "engine.container-sprawl"),
                        "Containers = 3, ContainersRunning = 3, ContainersPaused = 0, "
                        "ContainersStopped = 0");
    assert_string_equal(evidence_of(doc, "host.docker-version"), "Version = \"27.5.1\"");
    json_t *t = json_object_get(finding(doc, "host.docker-version"), "target");
    assert_string_equal(json_string_value(json_object_get(t, "name")), "docker 27.5.1");
    json_decref(doc);
}

static const char bad_info[] =
    "{\"Containers\":50,\"ContainersRunning\":2,\"ContainersPaused\":0,\"ContainersStopped\":48,"
    "\"Images\":250,\"Driver\":\"aufs\",\"Plugins\":{\"Authorization\":null},"
    "\"LoggingDriver\":\"json-file\",\"LiveRestoreEnabled\":false,\"ExperimentalBuild\":true,"
    "\"SecurityOptions\":[\"name=seccomp,profile=unconfined\",\"name=cgroupns\"],"
    "\"RegistryConfig\":{\"InsecureRegistryCIDRs\":[\"127.0.0.0/8\",\"10.0.0.0/8\"],"
    "\"IndexConfigs\":{\"docker.io\":{\"Secure\":true},\"myreg:5000\":{\"Secure\":false}}},"
    "\"Swarm\":{\"LocalNodeState\":\"active\"},\"ServerVersion\":\"19.03.15\"}";

static void test_bad_daemon(void **state)
{
    (void)state;
    json_t *doc = run(bad_info, "{\"Version\":\"19.03.15\"}");
    assert_check(doc, "daemon.live-restore", "fail");
    assert_check(doc, "daemon.experimental", "fail");
    assert_check(doc, "daemon.userns-remap", "fail");
    assert_check(doc, "daemon.seccomp-profile", "fail");
    assert_check(doc, "daemon.insecure-registries", "fail");
    assert_check(doc, "daemon.storage-driver-aufs", "fail");
    assert_check(doc, "daemon.authz-plugin", "fail");
    assert_check(doc, "daemon.remote-logging", "fail");
    assert_check(doc, "engine.image-sprawl", "warn");
    assert_check(doc, "engine.container-sprawl", "warn");
    assert_check(doc, "engine.swarm-mode", "warn");
    assert_check(doc, "host.docker-version", "fail");
    assert_string_equal(evidence_of(doc, "daemon.live-restore"), "LiveRestoreEnabled = false");
    assert_string_equal(evidence_of(doc, "daemon.experimental"), "ExperimentalBuild = true");
    assert_string_equal(evidence_of(doc, "daemon.storage-driver-aufs"), "Driver = \"aufs\"");
    assert_string_equal(evidence_of(doc, "daemon.authz-plugin"), "Plugins.Authorization = null");
    assert_string_equal(evidence_of(doc, "daemon.remote-logging"), "LoggingDriver = \"json-file\"");
    assert_string_equal(evidence_of(doc, "daemon.insecure-registries"),
                        "RegistryConfig.IndexConfigs[\"myreg:5000\"].Secure = false; "
                        "RegistryConfig.InsecureRegistryCIDRs = [\"127.0.0.0/8\",\"10.0.0.0/8\"]");
    assert_string_equal(evidence_of(doc, "engine.swarm-mode"), "Swarm.LocalNodeState = \"active\"");
    assert_string_equal(title_of(doc, "engine.swarm-mode"), "swarm mode enabled");
    assert_string_equal(evidence_of(doc, "engine.image-sprawl"), "Images = 250");
    json_t *t = json_object_get(finding(doc, "daemon.live-restore"), "target");
    assert_string_equal(json_string_value(json_object_get(t, "name")), "docker 19.03.15");
    json_decref(doc);
}

/* Each insecure-registry source fails on its own. */
static void test_insecure_registry_sources(void **state)
{
    (void)state;
    json_t *info = parse(good_info);
    json_t *rc = json_object_get(info, "RegistryConfig");
    json_object_set_new(rc, "InsecureRegistryCIDRs", json_pack("[s,s]", "::1/128", "fd00::/8"));
    char *text = json_dumps(info, JSON_COMPACT);
    json_t *doc = run(text, good_version);
    assert_check(doc, "daemon.insecure-registries", "fail");
    free(text);
    json_decref(doc);

    json_object_set_new(rc, "InsecureRegistryCIDRs", json_null());
    json_object_set_new(json_object_get(json_object_get(rc, "IndexConfigs"), "docker.io"), "Secure",
                        json_false());
    text = json_dumps(info, JSON_COMPACT);
    doc = run(text, good_version);
    assert_check(doc, "daemon.insecure-registries", "fail");
    assert_non_null(strstr(evidence_of(doc, "daemon.insecure-registries"),
                           "IndexConfigs[\"docker.io\"].Secure = false"));
    free(text);
    json_decref(doc);
    json_decref(info);
}

static void test_security_options_variants(void **state)
{
    (void)state;
    json_t *info = parse(good_info);
    /* API < 1.26 listed bare names */
    json_object_set_new(info, "SecurityOptions", json_pack("[s,s]", "apparmor", "seccomp"));
    char *text = json_dumps(info, JSON_COMPACT);
    json_t *doc = run(text, good_version);
    assert_check(doc, "daemon.seccomp-profile", "pass");
    assert_check(doc, "daemon.userns-remap", "fail");
    assert_string_equal(evidence_of(doc, "daemon.seccomp-profile"),
                        "SecurityOptions = [\"apparmor\",\"seccomp\"]");
    free(text);
    json_decref(doc);
    /* a custom profile passes; no seccomp at all fails; null is "none" */
    json_object_set_new(info, "SecurityOptions",
                        json_pack("[s,i]", "name=seccomp,profile=/etc/docker/seccomp.json", 7));
    text = json_dumps(info, JSON_COMPACT);
    doc = run(text, good_version);
    assert_check(doc, "daemon.seccomp-profile", "pass");
    free(text);
    json_decref(doc);
    json_object_set_new(info, "SecurityOptions", json_null());
    text = json_dumps(info, JSON_COMPACT);
    doc = run(text, good_version);
    assert_check(doc, "daemon.seccomp-profile", "fail");
    assert_check(doc, "daemon.userns-remap", "fail");
    assert_string_equal(evidence_of(doc, "daemon.seccomp-profile"), "SecurityOptions = null");
    free(text);
    json_decref(doc);
    json_decref(info);
}

static void test_missing_fields(void **state)
{
    (void)state;
    json_t *doc = run("{}", "{}");
    for (size_t i = 0; i < N_CHECKS; i++)
        assert_check(doc, check_ids[i], "error");
    assert_string_equal(evidence_of(doc, "daemon.live-restore"),
                        "field LiveRestoreEnabled missing");
    assert_string_equal(evidence_of(doc, "daemon.insecure-registries"),
                        "field RegistryConfig missing");
    assert_string_equal(evidence_of(doc, "engine.swarm-mode"), "field Swarm missing");
    assert_string_equal(evidence_of(doc, "host.docker-version"),
                        "field Version missing from /version and ServerVersion from /info");
    json_t *t = json_object_get(finding(doc, "daemon.live-restore"), "target");
    assert_string_equal(json_string_value(json_object_get(t, "name")), "docker (version unknown)");
    json_decref(doc);

    /* a nested field missing below a present object */
    doc = run("{\"Swarm\":{},\"Plugins\":{},\"RegistryConfig\":{\"IndexConfigs\":{}}}", NULL);
    assert_string_equal(evidence_of(doc, "engine.swarm-mode"),
                        "field Swarm.LocalNodeState missing");
    assert_string_equal(evidence_of(doc, "daemon.authz-plugin"),
                        "field Plugins.Authorization missing");
    assert_string_equal(evidence_of(doc, "daemon.insecure-registries"),
                        "field RegistryConfig.InsecureRegistryCIDRs missing");
    json_decref(doc);
}

static void test_wrong_types(void **state)
{
    (void)state;
    json_t *doc = run("{\"LiveRestoreEnabled\":\"yes\",\"ExperimentalBuild\":0,"
                      "\"SecurityOptions\":{},\"RegistryConfig\":\"x\",\"Driver\":5,"
                      "\"Plugins\":[],\"LoggingDriver\":null,\"Images\":-1,"
                      "\"Containers\":\"3\",\"ContainersRunning\":1,"
                      "\"Swarm\":{\"LocalNodeState\":1},\"ServerVersion\":20}",
                      "{\"Version\":20}");
    for (size_t i = 0; i < N_CHECKS; i++)
        assert_check(doc, check_ids[i], "error");
    assert_string_equal(evidence_of(doc, "daemon.live-restore"),
                        "field LiveRestoreEnabled is a string, expected a boolean");
    assert_string_equal(evidence_of(doc, "daemon.experimental"),
                        "field ExperimentalBuild is an integer, expected a boolean");
    assert_string_equal(evidence_of(doc, "daemon.userns-remap"),
                        "field SecurityOptions is an object, expected an array");
    assert_string_equal(evidence_of(doc, "daemon.insecure-registries"),
                        "field RegistryConfig is a string, expected an object");
    assert_string_equal(evidence_of(doc, "daemon.authz-plugin"),
                        "field Plugins is an array, expected an object");
    assert_string_equal(evidence_of(doc, "daemon.remote-logging"),
                        "field LoggingDriver is null, expected a string");
    assert_string_equal(evidence_of(doc, "engine.image-sprawl"), "field Images is negative");
    assert_string_equal(evidence_of(doc, "engine.container-sprawl"),
                        "field Containers is a string, expected an integer");
    assert_string_equal(evidence_of(doc, "host.docker-version"),
                        "field Version is an integer, expected a string");
    json_decref(doc);
}

static void test_documents_not_objects(void **state)
{
    (void)state;
    json_t *doc = run(NULL, NULL);
    for (size_t i = 0; i < N_CHECKS; i++)
        assert_check(doc, check_ids[i], "error");
    assert_string_equal(evidence_of(doc, "daemon.live-restore"), "no /info response");
    json_decref(doc);
    doc = run("[1,2]", "\"27.0\"");
    for (size_t i = 0; i < N_CHECKS; i++)
        assert_check(doc, check_ids[i], "error");
    assert_string_equal(evidence_of(doc, "daemon.storage-driver-aufs"),
                        "/info response is an array, expected an object");
    json_decref(doc);
}

static void test_container_sprawl_thresholds(void **state)
{
    (void)state;
    /* no ContainersStopped (old API): derived, but not shown as seen */
    json_t *doc = run("{\"Containers\":30,\"ContainersRunning\":1}", NULL);
    assert_check(doc, "engine.container-sprawl", "warn");
    assert_string_equal(evidence_of(doc, "engine.container-sprawl"),
                        "Containers = 30, ContainersRunning = 1");
    json_decref(doc);
    /* few stopped containers never warn, whatever the ratio */
    doc = run("{\"Containers\":10,\"ContainersRunning\":0,\"ContainersStopped\":10}", NULL);
    assert_check(doc, "engine.container-sprawl", "info");
    json_decref(doc);
    /* many stopped but fewer than 3x the running ones */
    doc = run("{\"Containers\":60,\"ContainersRunning\":20,\"ContainersStopped\":40}", NULL);
    assert_check(doc, "engine.container-sprawl", "info");
    json_decref(doc);
    /* inconsistent or huge counts do not crash or overflow */
    doc = run("{\"Containers\":1,\"ContainersRunning\":9223372036854775807,"
              "\"ContainersPaused\":-5,\"Images\":9223372036854775807}",
              NULL);
    assert_check(doc, "engine.container-sprawl", "info");
    assert_check(doc, "engine.image-sprawl", "warn");
    json_decref(doc);
    /* exactly at the image threshold is fine */
    doc = run("{\"Images\":100}", NULL);
    assert_check(doc, "engine.image-sprawl", "info");
    json_decref(doc);
}

static void test_versions(void **state)
{
    (void)state;
    static const struct {
        const char *version;
        const char *status;
    } cases[] = {
        {"20.10.0", "info"},    {"20.10.24+dfsg1", "info"}, {"27.5.1", "info"},
        {"28.0", "info"},       {"20.9.9", "fail"},         {"19.03.15", "fail"},
        {"17.03.1-ce", "fail"}, {"1.13.1", "fail"},         {"master", "skipped"},
        {"", "skipped"},        {"99999.1", "skipped"},     {"20", "skipped"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *v = json_pack("{s:s}", "Version", cases[i].version);
        char *text = json_dumps(v, JSON_COMPACT);
        json_t *doc = run("{}", text);
        const char *got = status_of(doc, "host.docker-version");
        if (strcmp(got, cases[i].status) != 0)
            fail_msg("version \"%s\": expected %s, got %s", cases[i].version, cases[i].status, got);
        free(text);
        json_decref(v);
        json_decref(doc);
    }
    /* /version missing: /info's ServerVersion is used and named */
    json_t *doc = run("{\"ServerVersion\":\"24.0.7\"}", NULL);
    assert_check(doc, "host.docker-version", "info");
    assert_string_equal(evidence_of(doc, "host.docker-version"), "ServerVersion = \"24.0.7\"");
    json_decref(doc);
}

static void test_hostile_sizes(void **state)
{
    (void)state;
    json_t *info = parse(good_info);
    json_t *opts = json_array();
    for (int i = 0; i < 5000; i++)
        json_array_append_new(opts, json_sprintf("name=opt%d,profile=\"x\\\u00e9\"", i));
    json_object_set_new(info, "SecurityOptions", opts);
    json_t *index = json_object();
    for (int i = 0; i < 50; i++) {
        char name[32];
        snprintf(name, sizeof(name), "reg%d:5000", i);
        json_object_set_new(index, name, json_pack("{s:b}", "Secure", 0));
    }
    json_object_set_new(json_object_get(info, "RegistryConfig"), "IndexConfigs", index);
    char *text = json_dumps(info, JSON_COMPACT);
    json_t *doc = run(text, good_version);
    const char *ev = evidence_of(doc, "daemon.userns-remap");
    assert_true(strlen(ev) < 1200);
    assert_non_null(strstr(ev, " bytes)"));
    assert_check(doc, "daemon.insecure-registries", "fail");
    assert_non_null(strstr(evidence_of(doc, "daemon.insecure-registries"),
                           "and 40 more IndexConfigs with Secure = false"));
    free(text);
    json_decref(doc);
    json_decref(info);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_daemon),
        cmocka_unit_test(test_bad_daemon),
        cmocka_unit_test(test_insecure_registry_sources),
        cmocka_unit_test(test_security_options_variants),
        cmocka_unit_test(test_missing_fields),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_documents_not_objects),
        cmocka_unit_test(test_container_sprawl_thresholds),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_hostile_sizes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
