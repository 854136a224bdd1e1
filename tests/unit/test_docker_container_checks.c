/* Unit tests for the container runtime checks (docker/container_checks.c):
 * hand-written inspect documents — a hardened container, a careless one,
 * created-but-not-started, missing fields, wrong types, hostile strings,
 * capability sets, uid spellings — with process facts as /proc would give
 * them, asserted on the findings set the checks return. */
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
#include "docker/container_checks.h"
#include "test_docker_util.h"

#define N_CHECKS 31

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

/* Runs the checks on one inspect document; the caller frees the set. */
static ld_findings *run(const char *inspect_text, const ld_container_env *env,
                        const ld_container_procs *procs)
{
    ld_error err = LD_ERROR_INIT;
    ld_findings *fs = ld_findings_new(catalog, TEST_NOW);
    json_error_t jerr;
    json_t *doc = json_loads(inspect_text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    if (!doc)
        fail_msg("test document is not JSON: %s", jerr.text);
    if (ld_container_checks(fs, doc, env, procs, &err) != 0)
        fail_msg("checks failed: %s", err.msg);
    json_decref(doc);
    assert_int_equal(fs->n, N_CHECKS);
    /* one finding per check, every check id distinct */
    for (size_t i = 0; i < fs->n; i++)
        assert_int_equal(count_check(fs, fs->v[i]->check_id), 1);
    return fs;
}

static ld_container_procs known_procs(size_t nproc, unsigned long uid)
{
    ld_container_procs p;
    memset(&p, 0, sizeof(p));
    p.state = LD_PROCS_KNOWN;
    p.nproc = nproc;
    p.uid_known = true;
    p.uid = uid;
    return p;
}

static ld_container_procs not_running(void)
{
    ld_container_procs p;
    memset(&p, 0, sizeof(p));
    p.state = LD_PROCS_NOT_RUNNING;
    snprintf(p.why, sizeof(p.why), "not running");
    return p;
}

static const char images[] = "[{\"Id\": \"sha256:1111\", \"RepoTags\": [\"app:1\"]}, {\"Id\": "
                             "\"sha256:9999\", \"RepoTags\": null}]";

/* The environment of a daemon whose settings were all seen. */
static ld_container_env env_known(const json_t *imgs)
{
    ld_container_env env = {
        .apparmor_host = true, .daemon_log_driver = "json-file", .images = imgs};
    return env;
}

static void test_hardened(void **state)
{
    (void)state;
    json_error_t jerr;
    json_t *imgs = json_loads(images, 0, &jerr);
    ld_container_env env = env_known(imgs);
    ld_container_procs p = known_procs(2, 1000);
    ld_findings *fs = run(hardened, &env, &p);
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
        assert_check(fs, pass_ids[i], LD_STATUS_PASS);
    assert_check(fs, "container.selinux", LD_STATUS_SKIPPED);
    assert_check(fs, "container.open-ports", LD_STATUS_MANUAL);
    const ld_finding *f = finding(fs, "container.privileged");
    assert_int_equal(f->target.kind, LD_TARGET_CONTAINER);
    assert_string_equal(f->target.name, "good");
    assert_string_equal(f->target.id,
                        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    assert_string_equal(evidence(fs, "container.host-network"),
                        "HostConfig.NetworkMode = \"appnet\"");
    /* CapDrop ALL and nothing added: no capability at all */
    assert_evidence_has(fs, "container.cap-add", "0 effective capabilities");
    ld_findings_free(fs);
    json_decref(imgs);
}

static void test_careless(void **state)
{
    (void)state;
    json_error_t jerr;
    json_t *imgs = json_loads(images, 0, &jerr);
    ld_container_env env = env_known(imgs);
    env.selinux_host = true;
    ld_container_procs p = known_procs(3, 0);
    p.sshd = true;
    p.sshd_pid = 777;
    ld_findings *fs = run(careless, &env, &p);
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
        assert_check(fs, fail_ids[i], LD_STATUS_FAIL);
    assert_check(fs, "container.ulimits", LD_STATUS_WARN); /* neither it nor the daemon sets any */
    assert_check(fs, "container.cgroup-parent", LD_STATUS_WARN);
    assert_check(fs, "container.image-stale", LD_STATUS_WARN); /* app:1 now names another image */
    assert_check(fs, "container.default-bridge", LD_STATUS_PASS); /* host mode: not the bridge */
    assert_string_equal(evidence(fs, "container.host-pid"), "HostConfig.PidMode = \"host\"");
    assert_evidence_has(fs, "container.sshd", "host pid 777");
    assert_evidence_has(fs, "container.sensitive-mounts", "\"/etc\" -> \"/x\" (rw)");
    /* privileged: every capability, whatever CapAdd says */
    assert_evidence_has(fs, "container.cap-add", "Privileged = true");
    ld_findings_free(fs);
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
    ld_container_env env = {.apparmor_host = true,
                            .daemon_nnp = true,
                            .daemon_ulimits = true,
                            .daemon_log_driver = "syslog",
                            .images = NULL};
    ld_container_procs p = not_running();
    ld_findings *fs = run(doc_text, &env, &p);
    assert_check(fs, "container.apparmor", LD_STATUS_PASS);
    assert_check(fs, "container.sshd", LD_STATUS_SKIPPED);      /* no processes to look at */
    assert_check(fs, "container.user-nonroot", LD_STATUS_PASS); /* Config.User */
    assert_check(fs, "container.health", LD_STATUS_FAIL);       /* NONE */
    assert_check(fs, "container.cpu-shares", LD_STATUS_PASS);   /* NanoCpus */
    assert_check(fs, "container.pids-limit", LD_STATUS_FAIL);
    assert_check(fs, "container.restart-policy", LD_STATUS_FAIL);    /* on-failure without a cap */
    assert_check(fs, "container.no-new-privileges", LD_STATUS_PASS); /* daemon default */
    assert_check(fs, "container.ulimits", LD_STATUS_PASS);           /* daemon default-ulimits */
    assert_check(fs, "container.default-bridge", LD_STATUS_FAIL);
    assert_check(fs, "container.bind-all-interfaces", LD_STATUS_FAIL); /* "::" */
    assert_check(fs, "container.privileged-ports", LD_STATUS_PASS);    /* ephemeral */
    assert_check(fs, "container.image-stale", LD_STATUS_SKIPPED);      /* pinned by id */
    assert_check(fs, "container.host-pid", LD_STATUS_PASS);            /* field absent */
    /* no LogConfig: the daemon's driver (syslog) applies */
    assert_check(fs, "container.log-driver", LD_STATUS_PASS);
    assert_evidence_has(fs, "container.log-driver", "LoggingDriver = \"syslog\"");
    ld_findings_free(fs);
}

static void test_missing_and_wrong_types(void **state)
{
    (void)state;
    ld_container_env env = {0};
    /* an empty object: every check reports an error or a neutral result, no crash */
    ld_findings *fs = run("{}", &env, NULL);
    assert_check(fs, "container.privileged", LD_STATUS_ERROR);
    assert_string_equal(evidence(fs, "container.privileged"),
                        "field HostConfig missing, expected an object");
    assert_check(fs, "container.host-pid", LD_STATUS_ERROR); /* no HostConfig: not "not set" */
    /* no process facts: not assessed, never skipped or passed */
    assert_check(fs, "container.sshd", LD_STATUS_ERROR);
    ld_findings_free(fs);
    fs = run("{\"Id\": 7, \"Name\": [], \"HostConfig\": {\"Privileged\": \"yes\", \"CapAdd\": {},"
             " \"Memory\": \"lots\", \"PidMode\": 1, \"RestartPolicy\": [], \"PortBindings\": 5,"
             " \"SecurityOpt\": \"x\", \"PidsLimit\": true}, \"Mounts\": {},"
             " \"State\": \"weird\", \"Config\": null}",
             &env, NULL);
    assert_check(fs, "container.privileged", LD_STATUS_ERROR);
    assert_string_equal(evidence(fs, "container.privileged"),
                        "field HostConfig.Privileged is a string, expected a boolean");
    assert_check(fs, "container.cap-add", LD_STATUS_ERROR);
    assert_check(fs, "container.memory-limit", LD_STATUS_ERROR);
    assert_check(fs, "container.host-pid", LD_STATUS_ERROR);
    assert_check(fs, "container.restart-policy", LD_STATUS_ERROR);
    assert_check(fs, "container.privileged-ports", LD_STATUS_ERROR);
    assert_check(fs, "container.seccomp", LD_STATUS_ERROR);
    assert_check(fs, "container.pids-limit", LD_STATUS_ERROR);
    assert_check(fs, "container.sensitive-mounts", LD_STATUS_ERROR);
    assert_string_equal(finding(fs, "container.privileged")->target.id, "(no Id)");
    ld_findings_free(fs);
    /* not an object at all */
    fs = run("[1, 2, 3]", &env, NULL);
    assert_check(fs, "container.privileged", LD_STATUS_ERROR);
    assert_string_equal(evidence(fs, "container.privileged"),
                        "inspect response is an array, expected an object");
    ld_findings_free(fs);
}

static void test_hostile_strings(void **state)
{
    (void)state;
    ld_container_env env = {0};
    ld_findings *fs = run("{\"Id\": \"dddddddddddd\", \"Name\": \"/x\\\"y\\n\\u001b[31m\","
                          " \"HostConfig\": {\"PidMode\": \"ho\\\"st\\n\\u00e9\\u0000z\"},"
                          " \"Mounts\": [{\"Type\": \"bind\", \"Source\": \"/etc/\\u2713\\\"\","
                          "   \"Destination\": \"/\\n\", \"RW\": false}]}",
                          &env, NULL);
    assert_check(fs, "container.host-pid", LD_STATUS_PASS);
    /* quotes, newline and NUL escaped, unicode kept */
    assert_string_equal(evidence(fs, "container.host-pid"),
                        "HostConfig.PidMode = \"ho\\\"st\\n\xc3\xa9\\u0000z\"");
    assert_check(fs, "container.sensitive-mounts", LD_STATUS_FAIL);
    assert_evidence_has(fs, "container.sensitive-mounts", "(ro)");
    ld_findings_free(fs);
}

/* An inspect document of a created container with the given HostConfig
 * capability fields and Config.User; caller frees. */
static char *with_caps(const char *cap_fields, const char *user)
{
    char *s = NULL;
    if (asprintf(&s,
                 "{\"Id\": \"eeeeeeeeeeee\", \"Name\": \"/caps\", \"State\": {\"Running\": false},"
                 " \"Config\": {\"User\": \"%s\"}, \"HostConfig\": {%s}, \"Mounts\": []}",
                 user, cap_fields) < 0)
        fail_msg("out of memory");
    return s;
}

/* CIS 5.4: the effective set against Docker's default set, not "any CapAdd". */
static void test_capabilities_effective_set(void **state)
{
    (void)state;
    static const struct {
        const char *fields;
        ld_status want;
        const char *evidence;
    } cases[] = {
        /* CIS's own remediation: drop everything, add back one default capability */
        {"\"CapAdd\": [\"NET_BIND_SERVICE\"], \"CapDrop\": [\"ALL\"]", LD_STATUS_PASS,
         "1 effective capability, none beyond"},
        {"\"CapAdd\": [\"CHOWN\", \"cap_kill\"], \"CapDrop\": null", LD_STATUS_PASS,
         "14 effective capabilities"},
        {"\"CapAdd\": null, \"CapDrop\": [\"NET_RAW\", \"MKNOD\"]", LD_STATUS_PASS,
         "12 effective capabilities"},
        {"\"CapAdd\": [\"SYS_ADMIN\"], \"CapDrop\": [\"ALL\"]", LD_STATUS_FAIL, "CAP_SYS_ADMIN"},
        {"\"CapAdd\": [\"cap_net_admin\"]", LD_STATUS_FAIL, "CAP_NET_ADMIN"},
        {"\"CapAdd\": [\"Sys_Ptrace\"], \"CapDrop\": [\"SYS_PTRACE\"]", LD_STATUS_FAIL,
         "CAP_SYS_PTRACE"}, /* the engine adds after dropping */
        {"\"CapAdd\": [\"ALL\"], \"CapDrop\": [\"NET_RAW\"]", LD_STATUS_FAIL, "ALL"},
        {"\"CapAdd\": [\"all\"]", LD_STATUS_FAIL, "ALL"},
        {"\"CapAdd\": [], \"Privileged\": true", LD_STATUS_FAIL, "every capability"},
        {"\"CapAdd\": [7]", LD_STATUS_ERROR, "not a capability name"},
        {"\"CapAdd\": [\"\"]", LD_STATUS_ERROR, "not a capability name"},
        {"\"CapAdd\": \"SYS_ADMIN\"", LD_STATUS_ERROR, "expected an array"},
    };
    ld_container_env env = {0};
    ld_container_procs p = not_running();
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *doc = with_caps(cases[i].fields, "1000");
        ld_findings *fs = run(doc, &env, &p);
        const ld_finding *f = finding(fs, "container.cap-add");
        if (f->status != cases[i].want || !strstr(f->evidence, cases[i].evidence))
            fail_msg("%s: expected %s with \"%s\", got %s: %s", cases[i].fields,
                     ld_status_name(cases[i].want), cases[i].evidence, ld_status_name(f->status),
                     f->evidence);
        ld_findings_free(fs);
        free(doc);
    }
}

/* uid 0 in any spelling is root; names and other numbers are not. */
static void test_user_root_spellings(void **state)
{
    (void)state;
    static const struct {
        const char *user;
        ld_status want;
    } cases[] = {
        {"", LD_STATUS_FAIL},         {"root", LD_STATUS_FAIL},     {"0", LD_STATUS_FAIL},
        {"00", LD_STATUS_FAIL},       {"000:0", LD_STATUS_FAIL},    {"0:1000", LD_STATUS_FAIL},
        {"root:app", LD_STATUS_FAIL}, {"1000", LD_STATUS_PASS},     {"100:0", LD_STATUS_PASS},
        {"rootless", LD_STATUS_PASS}, {"app:root", LD_STATUS_PASS}, {"10", LD_STATUS_PASS},
    };
    ld_container_env env = {0};
    ld_container_procs p = not_running();
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *doc = with_caps("\"CapAdd\": null", cases[i].user);
        ld_findings *fs = run(doc, &env, &p);
        const ld_finding *f = finding(fs, "container.user-nonroot");
        if (f->status != cases[i].want)
            fail_msg("Config.User \"%s\": expected %s, got %s", cases[i].user,
                     ld_status_name(cases[i].want), ld_status_name(f->status));
        ld_findings_free(fs);
        free(doc);
    }
}

/* Process facts that were not observed never give a verdict from /proc. */
static void test_processes_unobserved(void **state)
{
    (void)state;
    ld_container_env env = {0};
    ld_container_procs p;
    ld_container_procs_unobserved(&p, "State.Pid %ld is not proven to be this container's", 4242L);
    /* a running container: its init's uid would be read from /proc, were it proven */
    char *doc = with_caps("\"CapAdd\": null", "1000");
    ld_findings *fs = run(doc, &env, &p);
    assert_check(fs, "container.sshd", LD_STATUS_ERROR);
    assert_evidence_has(fs, "container.sshd", "not assessed: State.Pid 4242 is not proven");
    /* the configured user still decides, and says where the verdict came from */
    assert_check(fs, "container.user-nonroot", LD_STATUS_PASS);
    assert_evidence_has(fs, "container.user-nonroot", "processes not observable");
    ld_findings_free(fs);
    free(doc);
}

/* Daemon settings the container inherits: unknown is not assessed. */
static void test_daemon_settings_unknown(void **state)
{
    (void)state;
    ld_container_env env = {.daemon_nnp_unknown = "the daemon's no-new-privileges is unknown",
                            .daemon_ulimits_unknown = "the daemon's default-ulimits are unknown",
                            .daemon_log_driver = NULL,
                            .images = NULL};
    ld_container_procs p = not_running();
    char *doc = with_caps("\"CapAdd\": null, \"SecurityOpt\": null, \"Ulimits\": null", "1000");
    ld_findings *fs = run(doc, &env, &p);
    assert_check(fs, "container.no-new-privileges", LD_STATUS_ERROR);
    assert_check(fs, "container.ulimits", LD_STATUS_ERROR);
    assert_check(fs, "container.log-driver", LD_STATUS_ERROR);
    ld_findings_free(fs);
    free(doc);
    /* set on the container itself: judged without the daemon */
    doc = with_caps("\"CapAdd\": null, \"SecurityOpt\": [\"no-new-privileges:true\"],"
                    " \"Ulimits\": [{\"Name\": \"nofile\", \"Soft\": 1, \"Hard\": 2}],"
                    " \"LogConfig\": {\"Type\": \"fluentd\"}",
                    "1000");
    fs = run(doc, &env, &p);
    assert_check(fs, "container.no-new-privileges", LD_STATUS_PASS);
    assert_check(fs, "container.ulimits", LD_STATUS_PASS);
    assert_check(fs, "container.log-driver", LD_STATUS_PASS);
    ld_findings_free(fs);
    free(doc);
}

/* container.image-stale: an unreadable image list is not assessed; a tag
 * gone from the engine needs review. */
static void test_image_stale_unobserved(void **state)
{
    (void)state;
    const char *doc = "{\"Id\": \"ffffffffffff\", \"Image\": \"sha256:1111\","
                      " \"Config\": {\"Image\": \"gone:2\"}, \"HostConfig\": {}, \"Mounts\": []}";
    ld_container_env env = {0};
    ld_container_procs p = not_running();
    ld_findings *fs = run(doc, &env, &p);
    assert_check(fs, "container.image-stale", LD_STATUS_ERROR);
    ld_findings_free(fs);
    json_error_t jerr;
    json_t *imgs = json_loads(images, 0, &jerr);
    env.images = imgs;
    fs = run(doc, &env, &p);
    assert_check(fs, "container.image-stale", LD_STATUS_WARN);
    ld_findings_free(fs);
    json_decref(imgs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hardened),
        cmocka_unit_test(test_careless),
        cmocka_unit_test(test_created_not_started),
        cmocka_unit_test(test_missing_and_wrong_types),
        cmocka_unit_test(test_hostile_strings),
        cmocka_unit_test(test_capabilities_effective_set),
        cmocka_unit_test(test_user_root_spellings),
        cmocka_unit_test(test_processes_unobserved),
        cmocka_unit_test(test_daemon_settings_unknown),
        cmocka_unit_test(test_image_stale_unobserved),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
