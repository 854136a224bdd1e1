/* Unit tests for the container runtime checks (docker/container_checks.c):
 * hand-written inspect documents — a hardened container, a careless one,
 * created-but-not-started, missing fields, wrong types, hostile strings —
 * with process facts as /proc would give them, through a JSON report
 * written to memory and read back the way a user's script would. */
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
#include "docker/container_checks.h"

#define N_CHECKS 31

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

static const char hardened[] =
    "{\"Id\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
    " \"Name\": \"/good\", \"Image\": \"sha256:1111\", \"AppArmorProfile\": \"docker-default\","
    " \"ProcessLabel\": \"\","
    " \"State\": {\"Running\": true, \"Pid\": 4242, \"Health\": {\"Status\": \"healthy\"}},"
    " \"Config\": {\"Image\": \"app:1\", \"User\": \"1000\","
    "   \"Healthcheck\": {\"Test\": [\"CMD\", \"true\"]}},"
    " \"HostConfig\": {\"Privileged\": false, \"ReadonlyRootfs\": true, \"CapAdd\": null,"
    "   \"CapDrop\": [\"ALL\"], \"Memory\": 67108864, \"CpuShares\": 512, \"PidsLimit\": 64,"
    "   \"NetworkMode\": \"appnet\", \"PidMode\": \"\", \"IpcMode\": \"private\", \"UTSMode\": "
    "\"\","
    "   \"UsernsMode\": \"\", \"Devices\": [], \"Ulimits\": [{\"Name\": \"nofile\", \"Soft\": 1, "
    "\"Hard\": 2}],"
    "   \"SecurityOpt\": [\"no-new-privileges\"], \"CgroupParent\": \"\","
    "   \"LogConfig\": {\"Type\": \"syslog\", \"Config\": {}},"
    "   \"RestartPolicy\": {\"Name\": \"on-failure\", \"MaximumRetryCount\": 5},"
    "   \"PortBindings\": {\"8080/tcp\": [{\"HostIp\": \"127.0.0.1\", \"HostPort\": \"8080\"}]}},"
    " \"NetworkSettings\": {\"Ports\": {\"8080/tcp\": [{\"HostIp\": \"127.0.0.1\", \"HostPort\": "
    "\"8080\"}]},"
    "   \"Networks\": {\"appnet\": {}}},"
    " \"Mounts\": [{\"Type\": \"volume\", \"Source\": \"/var/lib/docker/volumes/x/_data\","
    "   \"Destination\": \"/data\", \"RW\": true, \"Propagation\": \"\"}]}";

static const char careless[] =
    "{\"Id\": \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\","
    " \"Name\": \"/bad\", \"Image\": \"sha256:2222\", \"AppArmorProfile\": \"unconfined\","
    " \"State\": {\"Running\": true, \"Pid\": 4343, \"Health\": {\"Status\": \"unhealthy\"}},"
    " \"Config\": {\"Image\": \"app:1\", \"User\": \"\"},"
    " \"HostConfig\": {\"Privileged\": true, \"ReadonlyRootfs\": false, \"CapAdd\": "
    "[\"SYS_ADMIN\"],"
    "   \"CapDrop\": null, \"Memory\": 0, \"CpuShares\": 0, \"PidsLimit\": null,"
    "   \"NetworkMode\": \"host\", \"PidMode\": \"host\", \"IpcMode\": \"host\", \"UTSMode\": "
    "\"host\","
    "   \"UsernsMode\": \"host\", \"Devices\": [{\"PathOnHost\": \"/dev/sda\"}], \"Ulimits\": null,"
    "   \"SecurityOpt\": [\"seccomp=unconfined\", \"apparmor=unconfined\", \"label=disable\","
    "     \"no-new-privileges=false\"], \"CgroupParent\": \"/custom\","
    "   \"LogConfig\": {\"Type\": \"json-file\"},"
    "   \"RestartPolicy\": {\"Name\": \"always\", \"MaximumRetryCount\": 0},"
    "   \"PortBindings\": {\"80/tcp\": [{\"HostIp\": \"\", \"HostPort\": \"80\"}]}},"
    " \"NetworkSettings\": {\"Ports\": {}, \"Networks\": {\"host\": {}}},"
    " \"Mounts\": [{\"Type\": \"bind\", \"Source\": \"/etc\", \"Destination\": \"/x\", \"RW\": "
    "true,"
    "   \"Propagation\": \"rshared\"},"
    "  {\"Type\": \"bind\", \"Source\": \"/var/run/docker.sock\", \"Destination\": \"/s\", \"RW\": "
    "true}]}";

static json_t *run(const char *inspect_text, const ld_container_env *env,
                   const ld_container_procs *procs)
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
    json_t *doc = json_loads(inspect_text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    if (!doc)
        fail_msg("test document is not JSON: %s", jerr.text);
    if (ld_container_checks(r, doc, env, procs, &err) != 0)
        fail_msg("checks failed: %s", err.msg);
    json_decref(doc);
    assert_int_equal(ld_report_finish(r, &err), 0);
    ld_report_free(r);
    fclose(f);
    json_t *rep = json_loadb(buf, len, 0, &jerr);
    if (!rep)
        fail_msg("report is not valid JSON: %s", jerr.text);
    free(buf);
    assert_int_equal(json_array_size(json_object_get(rep, "findings")), N_CHECKS);
    return rep;
}

static const json_t *finding(const json_t *doc, const char *check)
{
    size_t i;
    const json_t *f;
    json_array_foreach(json_object_get(doc, "findings"), i,
                       f) if (strcmp(json_string_value(json_object_get(f, "check_id")), check) ==
                              0) return f;
    fail_msg("no finding for %s", check);
    return NULL;
}

static const char *evidence(const json_t *doc, const char *check)
{
    return json_string_value(json_object_get(finding(doc, check), "evidence"));
}

#define assert_check(doc, check, want)                                                             \
    do {                                                                                           \
        const json_t *f_ = finding(doc, check);                                                    \
        const char *got_ = json_string_value(json_object_get(f_, "status"));                       \
        if (strcmp(got_, want) != 0)                                                               \
            fail_msg("%s: expected %s, got %s (evidence: %s)", check, want, got_,                  \
                     json_string_value(json_object_get(f_, "evidence")));                          \
    } while (0)

static const char images[] = "[{\"Id\": \"sha256:1111\", \"RepoTags\": [\"app:1\"]}, {\"Id\": "
                             "\"sha256:9999\", \"RepoTags\": null}]";

static void test_hardened(void **state)
{
    (void)state;
    json_error_t jerr;
    json_t *imgs = json_loads(images, 0, &jerr);
    ld_container_env env = {.apparmor_host = true, .selinux_host = false, .images = imgs};
    ld_container_procs p = {.known = true, .nproc = 2, .uid_known = true, .uid = 1000};
    json_t *doc = run(hardened, &env, &p);
    static const char *const pass_ids[] = {"container.apparmor",
                                           "container.cap-add",
                                           "container.privileged",
                                           "container.sensitive-mounts",
                                           "container.sshd",
                                           "container.privileged-ports",
                                           "container.bind-all-interfaces",
                                           "container.host-network",
                                           "container.memory-limit",
                                           "container.cpu-shares",
                                           "container.readonly-rootfs",
                                           "container.restart-policy",
                                           "container.host-pid",
                                           "container.host-ipc",
                                           "container.devices",
                                           "container.ulimits",
                                           "container.mount-propagation",
                                           "container.host-uts",
                                           "container.seccomp",
                                           "container.cgroup-parent",
                                           "container.no-new-privileges",
                                           "container.health",
                                           "container.image-stale",
                                           "container.pids-limit",
                                           "container.default-bridge",
                                           "container.host-userns",
                                           "container.docker-sock",
                                           "container.user-nonroot",
                                           "container.log-driver"};
    for (size_t i = 0; i < sizeof(pass_ids) / sizeof(pass_ids[0]); i++)
        assert_check(doc, pass_ids[i], "pass");
    assert_check(doc, "container.selinux", "skipped");
    assert_check(doc, "container.open-ports", "manual");
    const json_t *t = json_object_get(finding(doc, "container.privileged"), "target");
    assert_string_equal(json_string_value(json_object_get(t, "kind")), "container");
    assert_string_equal(json_string_value(json_object_get(t, "name")), "good");
    assert_string_equal(evidence(doc, "container.host-network"),
                        "HostConfig.NetworkMode = \"appnet\"");
    json_decref(doc);
    json_decref(imgs);
}

static void test_careless(void **state)
{
    (void)state;
    json_error_t jerr;
    json_t *imgs = json_loads(images, 0, &jerr);
    ld_container_env env = {.apparmor_host = true, .selinux_host = true, .images = imgs};
    ld_container_procs p = {
        .known = true, .nproc = 3, .sshd = true, .sshd_pid = 777, .uid_known = true, .uid = 0};
    json_t *doc = run(careless, &env, &p);
    static const char *const fail_ids[] = {"container.apparmor",
                                           "container.selinux",
                                           "container.cap-add",
                                           "container.privileged",
                                           "container.sensitive-mounts",
                                           "container.sshd",
                                           "container.privileged-ports",
                                           "container.bind-all-interfaces",
                                           "container.host-network",
                                           "container.memory-limit",
                                           "container.cpu-shares",
                                           "container.readonly-rootfs",
                                           "container.restart-policy",
                                           "container.host-pid",
                                           "container.host-ipc",
                                           "container.devices",
                                           "container.mount-propagation",
                                           "container.host-uts",
                                           "container.seccomp",
                                           "container.no-new-privileges",
                                           "container.health",
                                           "container.pids-limit",
                                           "container.host-userns",
                                           "container.docker-sock",
                                           "container.user-nonroot",
                                           "container.log-driver"};
    for (size_t i = 0; i < sizeof(fail_ids) / sizeof(fail_ids[0]); i++)
        assert_check(doc, fail_ids[i], "fail");
    assert_check(doc, "container.ulimits", "warn");
    assert_check(doc, "container.cgroup-parent", "warn");
    assert_check(doc, "container.image-stale", "warn");    /* app:1 now points at another image */
    assert_check(doc, "container.default-bridge", "pass"); /* host mode: not the bridge */
    assert_string_equal(evidence(doc, "container.host-pid"), "HostConfig.PidMode = \"host\"");
    assert_non_null(strstr(evidence(doc, "container.sshd"), "host pid 777"));
    assert_non_null(strstr(evidence(doc, "container.sensitive-mounts"), "\"/etc\" -> \"/x\" (rw)"));
    json_decref(doc);
    json_decref(imgs);
}

static void test_created_not_started(void **state)
{
    (void)state;
    /* created: no Pid, no health status, apparmor profile not yet applied */
    const char *doc_text =
        "{\"Id\": \"cccccccccccc\", \"Name\": \"/created\", \"Image\": \"sha256:1\","
        " \"AppArmorProfile\": \"\", \"State\": {\"Running\": false, \"Pid\": 0},"
        " \"Config\": {\"Image\": \"sha256:1\", \"User\": \"app:app\","
        "   \"Healthcheck\": {\"Test\": [\"NONE\"]}},"
        " \"HostConfig\": {\"Privileged\": false, \"ReadonlyRootfs\": false, \"CapAdd\": [],"
        "   \"Memory\": 0, \"CpuShares\": 1024, \"NanoCpus\": 500000000, \"PidsLimit\": 0,"
        "   \"NetworkMode\": \"bridge\", \"Devices\": null, \"SecurityOpt\": null,"
        "   \"RestartPolicy\": {\"Name\": \"on-failure\", \"MaximumRetryCount\": 0},"
        "   \"PortBindings\": {\"443/tcp\": [{\"HostIp\": \"::\", \"HostPort\": \"\"}]}},"
        " \"Mounts\": []}";
    ld_container_env env = {.apparmor_host = true, .daemon_nnp = true};
    ld_container_procs p;
    memset(&p, 0, sizeof(p));
    snprintf(p.why, sizeof(p.why), "not running");
    json_t *doc = run(doc_text, &env, &p);
    assert_check(doc, "container.apparmor", "pass");
    assert_check(doc, "container.sshd", "skipped");
    assert_check(doc, "container.user-nonroot", "pass"); /* Config.User */
    assert_check(doc, "container.health", "fail");       /* NONE */
    assert_check(doc, "container.cpu-shares", "pass");   /* NanoCpus */
    assert_check(doc, "container.pids-limit", "fail");
    assert_check(doc, "container.restart-policy", "fail");    /* on-failure without a cap */
    assert_check(doc, "container.no-new-privileges", "pass"); /* daemon default */
    assert_check(doc, "container.default-bridge", "fail");
    assert_check(doc, "container.bind-all-interfaces", "fail"); /* "::" */
    assert_check(doc, "container.privileged-ports", "pass");    /* ephemeral */
    assert_check(doc, "container.image-stale", "skipped");      /* pinned by id */
    assert_check(doc, "container.host-pid", "pass");            /* field absent */
    assert_check(doc, "container.log-driver", "skipped");       /* no LogConfig */
    json_decref(doc);
}

static void test_missing_and_wrong_types(void **state)
{
    (void)state;
    ld_container_env env = {0};
    /* an empty object: every check reports an error or a neutral result, no crash */
    json_t *doc = run("{}", &env, NULL);
    assert_check(doc, "container.privileged", "error");
    assert_string_equal(evidence(doc, "container.privileged"),
                        "field HostConfig.Privileged is missing, expected a boolean");
    assert_check(doc, "container.sshd", "skipped");
    json_decref(doc);
    doc = run("{\"Id\": 7, \"Name\": [], \"HostConfig\": {\"Privileged\": \"yes\", \"CapAdd\": {},"
              " \"Memory\": \"lots\", \"PidMode\": 1, \"RestartPolicy\": [], \"PortBindings\": 5,"
              " \"SecurityOpt\": \"x\", \"PidsLimit\": true}, \"Mounts\": {},"
              " \"State\": \"weird\", \"Config\": null}",
              &env, NULL);
    assert_check(doc, "container.privileged", "error");
    assert_string_equal(evidence(doc, "container.privileged"),
                        "field HostConfig.Privileged is a string, expected a boolean");
    assert_check(doc, "container.cap-add", "error");
    assert_check(doc, "container.memory-limit", "error");
    assert_check(doc, "container.host-pid", "error");
    assert_check(doc, "container.restart-policy", "error");
    assert_check(doc, "container.privileged-ports", "error");
    assert_check(doc, "container.seccomp", "error");
    assert_check(doc, "container.pids-limit", "error");
    assert_check(doc, "container.sensitive-mounts", "error");
    const json_t *t = json_object_get(finding(doc, "container.privileged"), "target");
    assert_string_equal(json_string_value(json_object_get(t, "id")), "(no Id)");
    json_decref(doc);
    /* not an object at all */
    doc = run("[1, 2, 3]", &env, NULL);
    assert_check(doc, "container.privileged", "error");
    json_decref(doc);
}

static void test_hostile_strings(void **state)
{
    (void)state;
    ld_container_env env = {0};
    json_t *doc = run("{\"Id\": \"dddddddddddd\", \"Name\": \"/x\\\"y\\n\\u001b[31m\","
                      " \"HostConfig\": {\"PidMode\": \"ho\\\"st\\n\\u00e9\\u0000z\"},"
                      " \"Mounts\": [{\"Type\": \"bind\", \"Source\": \"/etc/\\u2713\\\"\","
                      "   \"Destination\": \"/\\n\", \"RW\": false}]}",
                      &env, NULL);
    assert_check(doc, "container.host-pid", "pass");
    /* quotes, newline and NUL escaped, unicode kept */
    assert_string_equal(evidence(doc, "container.host-pid"),
                        "HostConfig.PidMode = \"ho\\\"st\\n\xc3\xa9\\u0000z\"");
    assert_check(doc, "container.sensitive-mounts", "fail");
    assert_non_null(strstr(evidence(doc, "container.sensitive-mounts"), "(ro)"));
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hardened),
        cmocka_unit_test(test_careless),
        cmocka_unit_test(test_created_not_started),
        cmocka_unit_test(test_missing_and_wrong_types),
        cmocka_unit_test(test_hostile_strings),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
