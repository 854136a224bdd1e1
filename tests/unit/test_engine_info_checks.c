/* Unit tests for the daemon/engine checks (docker/engine_info_checks.c):
 * hand-written /info and /version documents — a hardened daemon, a careless
 * one, a swarm node, Podman, missing fields, wrong types, hostile sizes —
 * and each check's status and evidence asserted on the findings set the
 * checks return. The version judgement itself is tested on its own data in
 * test_docker_releases.c; here only verdicts no data update can change. */
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
#include "docker/engine_info_checks.h"
#include "docker/releases.h"
#include "test_docker_util.h"

static const char *const check_ids[] = {
    "daemon.live-restore",     "daemon.experimental",        "daemon.userns-remap",
    "daemon.seccomp-profile",  "daemon.insecure-registries", "daemon.storage-driver-aufs",
    "daemon.authz-plugin",     "daemon.remote-logging",      "engine.image-sprawl",
    "engine.container-sprawl", "engine.swarm-mode",          "host.docker-version",
};
#define N_CHECKS (sizeof(check_ids) / sizeof(check_ids[0]))

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

/* Runs the checks on the documents at clock now; the caller frees the set. */
static ld_findings *run_at(const char *info_text, const char *version_text, time_t now)
{
    ld_error err = LD_ERROR_INIT;
    ld_findings *fs = ld_findings_new(catalog, now);
    json_t *info = parse(info_text), *version = parse(version_text);
    if (ld_engine_info_checks(fs, NULL, info, version, &err) != 0)
        fail_msg("checks failed: %s", err.msg);
    json_decref(info);
    json_decref(version);
    /* one finding per check, in order, each on the control the catalog names */
    assert_int_equal(fs->n, N_CHECKS);
    for (size_t i = 0; i < N_CHECKS; i++) {
        const ld_finding *f = fs->v[i];
        assert_string_equal(f->check_id, check_ids[i]);
        const ld_control *c = ld_catalog_control_for_check(catalog, f->check_id);
        assert_non_null(c);
        assert_ptr_equal(f->control, c);
        assert_int_equal(f->target.kind, LD_TARGET_ENGINE);
        assert_string_equal(f->target.id, "docker");
    }
    return fs;
}

static ld_findings *run(const char *info_text, const char *version_text)
{
    return run_at(info_text, version_text, TEST_NOW);
}

#define status_of(fs, check) (finding(fs, check)->status)
#define evidence_of(fs, check) evidence(fs, check)
#define title_of(fs, check) ld_finding_title(finding(fs, check))

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
/* An end-of-life engine: no update of the release data can revive it. */
static const char eol_version[] = "{\"Version\":\"20.10.24+dfsg1\",\"ApiVersion\":\"1.41\"}";

/* A maintained line with a known latest release from the built-in data, and
 * the day its status was read: that release, on that day, is current. */
static void maintained_release(char *version, size_t cap, time_t *when)
{
    ld_docker_releases rel;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_docker_releases_builtin(&rel, &err), 0);
    for (size_t i = 0; i < rel.n; i++) {
        if (!rel.v[i].maintained || !rel.v[i].latest[0])
            continue;
        snprintf(version, cap, "{\"Version\":\"%s\"}", rel.v[i].latest);
        struct tm tm = {0};
        assert_non_null(strptime(rel.v[i].as_of, "%Y-%m-%d", &tm));
        *when = timegm(&tm) + 3600;
        ld_docker_releases_clear(&rel);
        return;
    }
    fail_msg("the built-in release data has no maintained line with a latest release");
}

static void test_good_daemon(void **state)
{
    (void)state;
    char version[128];
    time_t when = 0;
    maintained_release(version, sizeof(version), &when);
    ld_findings *fs = run_at(good_info, version, when);
    for (size_t i = 0; i < N_CHECKS; i++)
        assert_check(fs, check_ids[i], LD_STATUS_PASS);
    assert_string_equal(evidence_of(fs, "daemon.live-restore"), "LiveRestoreEnabled = true");
    assert_string_equal(evidence_of(fs, "daemon.userns-remap"),
                        "SecurityOptions = "
                        "[\"name=seccomp,profile=builtin\",\"name=userns\",\"name=cgroupns\"]");
    assert_string_equal(evidence_of(fs, "daemon.remote-logging"), "LoggingDriver = \"syslog\"");
    assert_string_equal(evidence_of(fs, "daemon.authz-plugin"),
                        "Plugins.Authorization = [\"opa-docker-authz\"]");
    assert_string_equal(evidence_of(fs, "engine.image-sprawl"), "Images = 5 (at most 100)");
    assert_evidence_has(fs, "engine.container-sprawl",
                        "Containers = 3, ContainersRunning = 3, ContainersPaused = 0, "
                        "ContainersStopped = 0");
    assert_evidence_has(fs, "host.docker-version", "the latest known release of maintained line");
    assert_evidence_has(fs, "host.docker-version", "release data of");
    ld_findings_free(fs);
}

static const char bad_info[] =
    "{\"Containers\":50,\"ContainersRunning\":2,\"ContainersPaused\":0,\"ContainersStopped\":48,"
    "\"Images\":250,\"Driver\":\"aufs\",\"Plugins\":{\"Authorization\":null},"
    "\"LoggingDriver\":\"json-file\",\"LiveRestoreEnabled\":false,\"ExperimentalBuild\":true,"
    "\"SecurityOptions\":[\"name=seccomp,profile=unconfined\",\"name=cgroupns\"],"
    "\"RegistryConfig\":{\"InsecureRegistryCIDRs\":[\"127.0.0.0/8\",\"10.0.0.0/8\"],"
    "\"IndexConfigs\":{\"docker.io\":{\"Secure\":true},\"myreg:5000\":{\"Secure\":false}}},"
    "\"Swarm\":{\"LocalNodeState\":\"inactive\"},\"ServerVersion\":\"19.03.15\"}";

static void test_bad_daemon(void **state)
{
    (void)state;
    ld_findings *fs = run(bad_info, "{\"Version\":\"19.03.15\"}");
    assert_check(fs, "daemon.live-restore", LD_STATUS_FAIL);
    assert_check(fs, "daemon.experimental", LD_STATUS_FAIL);
    assert_check(fs, "daemon.userns-remap", LD_STATUS_FAIL);
    assert_check(fs, "daemon.seccomp-profile", LD_STATUS_FAIL);
    assert_check(fs, "daemon.insecure-registries", LD_STATUS_FAIL);
    assert_check(fs, "daemon.storage-driver-aufs", LD_STATUS_FAIL);
    assert_check(fs, "daemon.authz-plugin", LD_STATUS_FAIL);
    assert_check(fs, "daemon.remote-logging", LD_STATUS_FAIL);
    assert_check(fs, "engine.image-sprawl", LD_STATUS_WARN);
    assert_check(fs, "engine.container-sprawl", LD_STATUS_WARN);
    assert_check(fs, "engine.swarm-mode", LD_STATUS_PASS);
    assert_check(fs, "host.docker-version", LD_STATUS_FAIL);
    assert_string_equal(evidence_of(fs, "daemon.live-restore"), "LiveRestoreEnabled = false");
    assert_string_equal(evidence_of(fs, "daemon.experimental"), "ExperimentalBuild = true");
    assert_string_equal(evidence_of(fs, "daemon.storage-driver-aufs"), "Driver = \"aufs\"");
    assert_string_equal(evidence_of(fs, "daemon.authz-plugin"), "Plugins.Authorization = null");
    assert_string_equal(evidence_of(fs, "daemon.remote-logging"), "LoggingDriver = \"json-file\"");
    assert_string_equal(evidence_of(fs, "daemon.insecure-registries"),
                        "RegistryConfig.IndexConfigs[\"myreg:5000\"].Secure = false; "
                        "RegistryConfig.InsecureRegistryCIDRs = [\"127.0.0.0/8\",\"10.0.0.0/8\"]");
    assert_evidence_has(fs, "engine.image-sprawl", "Images = 250");
    assert_evidence_has(fs, "host.docker-version", "older than 23.0 are unmaintained");
    assert_string_equal(finding(fs, "daemon.live-restore")->target.name, "docker 19.03.15");
    ld_findings_free(fs);
}

/* CIS 2.15 on a swarm node: dockerd refuses live restore there, so the
 * check does not apply (it used to fail every swarm manager). */
static void test_live_restore_swarm(void **state)
{
    (void)state;
    static const char *const states[] = {"active", "locked", "pending"};
    for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
        json_t *info = parse(bad_info);
        json_object_set_new(
            info, "Swarm",
            json_pack("{s:s,s:b}", "LocalNodeState", states[i], "ControlAvailable", 1));
        char *text = json_dumps(info, JSON_COMPACT);
        ld_findings *fs = run(text, eol_version);
        assert_check(fs, "daemon.live-restore", LD_STATUS_SKIPPED);
        assert_evidence_has(fs, "daemon.live-restore", "incompatible with swarm mode");
        assert_check(fs, "engine.swarm-mode", LD_STATUS_WARN);
        assert_string_equal(title_of(fs, "engine.swarm-mode"), "swarm mode enabled");
        free(text);
        json_decref(info);
        ld_findings_free(fs);
    }
}

/* Each insecure-registry source fails on its own. */
static void test_insecure_registry_sources(void **state)
{
    (void)state;
    json_t *info = parse(good_info);
    json_t *rc = json_object_get(info, "RegistryConfig");
    json_object_set_new(rc, "InsecureRegistryCIDRs", json_pack("[s,s]", "::1/128", "fd00::/8"));
    char *text = json_dumps(info, JSON_COMPACT);
    ld_findings *fs = run(text, eol_version);
    assert_check(fs, "daemon.insecure-registries", LD_STATUS_FAIL);
    free(text);
    ld_findings_free(fs);

    json_object_set_new(rc, "InsecureRegistryCIDRs", json_null());
    json_object_set_new(json_object_get(json_object_get(rc, "IndexConfigs"), "docker.io"), "Secure",
                        json_false());
    text = json_dumps(info, JSON_COMPACT);
    fs = run(text, eol_version);
    assert_check(fs, "daemon.insecure-registries", LD_STATUS_FAIL);
    assert_evidence_has(fs, "daemon.insecure-registries",
                        "IndexConfigs[\"docker.io\"].Secure = false");
    free(text);
    ld_findings_free(fs);
    json_decref(info);
}

static void test_security_options_variants(void **state)
{
    (void)state;
    json_t *info = parse(good_info);
    /* API < 1.26 listed bare names */
    json_object_set_new(info, "SecurityOptions", json_pack("[s,s]", "apparmor", "seccomp"));
    char *text = json_dumps(info, JSON_COMPACT);
    ld_findings *fs = run(text, eol_version);
    assert_check(fs, "daemon.seccomp-profile", LD_STATUS_PASS);
    assert_check(fs, "daemon.userns-remap", LD_STATUS_FAIL);
    assert_string_equal(evidence_of(fs, "daemon.seccomp-profile"),
                        "SecurityOptions = [\"apparmor\",\"seccomp\"]");
    free(text);
    ld_findings_free(fs);
    /* a custom profile passes; no seccomp at all fails; null is "none" */
    json_object_set_new(info, "SecurityOptions",
                        json_pack("[s,i]", "name=seccomp,profile=/etc/docker/seccomp.json", 7));
    text = json_dumps(info, JSON_COMPACT);
    fs = run(text, eol_version);
    assert_check(fs, "daemon.seccomp-profile", LD_STATUS_PASS);
    free(text);
    ld_findings_free(fs);
    json_object_set_new(info, "SecurityOptions", json_null());
    text = json_dumps(info, JSON_COMPACT);
    fs = run(text, eol_version);
    assert_check(fs, "daemon.seccomp-profile", LD_STATUS_FAIL);
    assert_check(fs, "daemon.userns-remap", LD_STATUS_FAIL);
    assert_string_equal(evidence_of(fs, "daemon.seccomp-profile"), "SecurityOptions = null");
    free(text);
    ld_findings_free(fs);
    json_decref(info);
}

static void test_missing_fields(void **state)
{
    (void)state;
    ld_findings *fs = run("{}", "{}");
    for (size_t i = 0; i < N_CHECKS; i++)
        assert_check(fs, check_ids[i], LD_STATUS_ERROR);
    assert_string_equal(evidence_of(fs, "daemon.live-restore"),
                        "field LiveRestoreEnabled missing, expected a boolean");
    assert_string_equal(evidence_of(fs, "daemon.insecure-registries"),
                        "field RegistryConfig missing, expected an object");
    assert_string_equal(evidence_of(fs, "engine.swarm-mode"),
                        "field Swarm missing, expected an object");
    assert_string_equal(evidence_of(fs, "host.docker-version"),
                        "field Version missing from /version and ServerVersion from /info");
    assert_string_equal(finding(fs, "daemon.live-restore")->target.name,
                        "docker (version unknown)");
    ld_findings_free(fs);

    /* a nested field missing below a present object */
    fs = run("{\"Swarm\":{},\"Plugins\":{},\"RegistryConfig\":{\"IndexConfigs\":{}}}", NULL);
    assert_string_equal(evidence_of(fs, "engine.swarm-mode"),
                        "field Swarm.LocalNodeState missing, expected a string");
    assert_string_equal(evidence_of(fs, "daemon.authz-plugin"),
                        "field Plugins.Authorization missing, expected an array");
    assert_string_equal(evidence_of(fs, "daemon.insecure-registries"),
                        "field RegistryConfig.InsecureRegistryCIDRs missing, expected an array");
    ld_findings_free(fs);
}

static void test_wrong_types(void **state)
{
    (void)state;
    ld_findings *fs = run("{\"LiveRestoreEnabled\":\"yes\",\"ExperimentalBuild\":0,"
                          "\"SecurityOptions\":{},\"RegistryConfig\":\"x\",\"Driver\":5,"
                          "\"Plugins\":[],\"LoggingDriver\":null,\"Images\":-1,"
                          "\"Containers\":\"3\",\"ContainersRunning\":1,"
                          "\"Swarm\":{\"LocalNodeState\":1},\"ServerVersion\":20}",
                          "{\"Version\":20}");
    for (size_t i = 0; i < N_CHECKS; i++)
        assert_check(fs, check_ids[i], LD_STATUS_ERROR);
    assert_string_equal(evidence_of(fs, "daemon.live-restore"),
                        "field LiveRestoreEnabled is a string, expected a boolean");
    assert_string_equal(evidence_of(fs, "daemon.experimental"),
                        "field ExperimentalBuild is an integer, expected a boolean");
    assert_string_equal(evidence_of(fs, "daemon.userns-remap"),
                        "field SecurityOptions is an object, expected an array");
    assert_string_equal(evidence_of(fs, "daemon.insecure-registries"),
                        "field RegistryConfig is a string, expected an object");
    assert_string_equal(evidence_of(fs, "daemon.authz-plugin"),
                        "field Plugins is an array, expected an object");
    assert_string_equal(evidence_of(fs, "daemon.remote-logging"),
                        "field LoggingDriver is null, expected a string");
    assert_string_equal(evidence_of(fs, "engine.image-sprawl"), "field Images is negative");
    assert_string_equal(evidence_of(fs, "engine.container-sprawl"),
                        "field Containers is a string, expected a non-negative integer");
    assert_string_equal(evidence_of(fs, "host.docker-version"),
                        "field Version is an integer, expected a string");
    ld_findings_free(fs);
}

static void test_documents_not_objects(void **state)
{
    (void)state;
    ld_findings *fs = run(NULL, NULL);
    for (size_t i = 0; i < N_CHECKS; i++)
        assert_check(fs, check_ids[i], LD_STATUS_ERROR);
    assert_string_equal(evidence_of(fs, "daemon.live-restore"), "no /info response");
    ld_findings_free(fs);
    fs = run("[1,2]", "\"27.0\"");
    for (size_t i = 0; i < N_CHECKS; i++)
        assert_check(fs, check_ids[i], LD_STATUS_ERROR);
    assert_string_equal(evidence_of(fs, "daemon.storage-driver-aufs"),
                        "/info response is an array, expected an object");
    ld_findings_free(fs);
}

static void test_container_sprawl_thresholds(void **state)
{
    (void)state;
    /* no ContainersStopped (old API): derived, but not shown as seen */
    ld_findings *fs = run("{\"Containers\":30,\"ContainersRunning\":1}", NULL);
    assert_check(fs, "engine.container-sprawl", LD_STATUS_WARN);
    assert_string_equal(evidence_of(fs, "engine.container-sprawl"),
                        "Containers = 30, ContainersRunning = 1");
    ld_findings_free(fs);
    /* few stopped containers never warn, whatever the ratio */
    fs = run("{\"Containers\":10,\"ContainersRunning\":0,\"ContainersStopped\":10}", NULL);
    assert_check(fs, "engine.container-sprawl", LD_STATUS_PASS);
    ld_findings_free(fs);
    /* many stopped but fewer than 3x the running ones */
    fs = run("{\"Containers\":60,\"ContainersRunning\":20,\"ContainersStopped\":40}", NULL);
    assert_check(fs, "engine.container-sprawl", LD_STATUS_PASS);
    ld_findings_free(fs);
    /* inconsistent or huge counts do not crash or overflow */
    fs = run("{\"Containers\":1,\"ContainersRunning\":9223372036854775807,"
             "\"ContainersPaused\":-5,\"Images\":9223372036854775807}",
             NULL);
    assert_check(fs, "engine.container-sprawl", LD_STATUS_PASS);
    assert_check(fs, "engine.image-sprawl", LD_STATUS_WARN);
    ld_findings_free(fs);
    /* exactly at the image threshold is fine */
    fs = run("{\"Images\":100}", NULL);
    assert_check(fs, "engine.image-sprawl", LD_STATUS_PASS);
    ld_findings_free(fs);
}

/* Verdicts on host.docker-version that no update of the release data can
 * change: end-of-life lines fail, unreadable versions need review. */
static void test_versions(void **state)
{
    (void)state;
    static const struct {
        const char *version;
        ld_status status;
    } cases[] = {
        {"20.10.0", LD_STATUS_FAIL},    {"20.10.24+dfsg1", LD_STATUS_FAIL},
        {"20.9.9", LD_STATUS_FAIL},     {"19.03.15", LD_STATUS_FAIL},
        {"17.03.1-ce", LD_STATUS_FAIL}, {"1.13.1", LD_STATUS_FAIL},
        {"master", LD_STATUS_WARN},     {"", LD_STATUS_WARN},
        {"99999.1", LD_STATUS_WARN},    {"20", LD_STATUS_WARN},
        {"27.x", LD_STATUS_WARN},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *v = json_pack("{s:s}", "Version", cases[i].version);
        char *text = json_dumps(v, JSON_COMPACT);
        ld_findings *fs = run("{}", text);
        ld_status got = status_of(fs, "host.docker-version");
        if (got != cases[i].status)
            fail_msg("version \"%s\": expected %s, got %s (%s)", cases[i].version,
                     ld_status_name(cases[i].status), ld_status_name(got),
                     evidence_of(fs, "host.docker-version"));
        /* the evidence always dates its data */
        assert_evidence_has(fs, "host.docker-version", "release data of");
        free(text);
        json_decref(v);
        ld_findings_free(fs);
    }
    /* /version missing: /info's ServerVersion is used and named */
    ld_findings *fs = run("{\"ServerVersion\":\"20.10.24\"}", NULL);
    assert_check(fs, "host.docker-version", LD_STATUS_FAIL);
    assert_evidence_has(fs, "host.docker-version", "ServerVersion = \"20.10.24\": ");
    ld_findings_free(fs);
    /* Podman answers the same API with its own numbers: not judged as Docker */
    fs = run("{}", "{\"Version\":\"4.3.1\",\"Components\":[{\"Name\":\"Podman Engine\","
                   "\"Version\":\"4.3.1\"}]}");
    assert_check(fs, "host.docker-version", LD_STATUS_WARN);
    assert_evidence_has(fs, "host.docker-version", "Podman Engine");
    ld_findings_free(fs);
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
    ld_findings *fs = run(text, eol_version);
    const char *ev = evidence_of(fs, "daemon.userns-remap");
    assert_true(strlen(ev) < 1200);
    assert_non_null(strstr(ev, " bytes)"));
    assert_check(fs, "daemon.insecure-registries", LD_STATUS_FAIL);
    assert_evidence_has(fs, "daemon.insecure-registries",
                        "and 40 more IndexConfigs with Secure = false");
    free(text);
    ld_findings_free(fs);
    json_decref(info);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_daemon),
        cmocka_unit_test(test_bad_daemon),
        cmocka_unit_test(test_live_restore_swarm),
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
