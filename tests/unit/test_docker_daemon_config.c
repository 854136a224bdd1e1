/* Unit tests for the effective daemon configuration (docker/daemon_config.c)
 * and the checks on it (docker/daemon_checks.c): daemon.json with every
 * type of setting, wrong types, hostile and oversize documents; dockerd
 * command lines in every flag form; the merge (the command line wins
 * whatever the order); loading from a host root without /proc; and the
 * findings each configuration gives — including settings that could not be
 * seen, and how lockdown reached the engine (daemon.tls) — asserted on the
 * findings set the checks return. */
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
#include "docker/daemon_checks.h"
#include "docker/daemon_config.h"
#include "test_docker_util.h"

static int json(ld_daemon_config *c, const char *text)
{
    ld_error err = LD_ERROR_INIT;
    return ld_daemon_json_parse(c, text, strlen(text), "daemon.json", &err);
}

/* argv words joined with NULs, like /proc/PID/cmdline */
static int cmdline(ld_daemon_config *c, const char *const *argv)
{
    char buf[4096];
    size_t n = 0;
    for (; *argv; argv++) {
        size_t l = strlen(*argv) + 1;
        memcpy(buf + n, *argv, l);
        n += l;
    }
    ld_error err = LD_ERROR_INIT;
    return ld_daemon_cmdline_parse(c, buf, n, &err);
}

static void test_json_types(void **state)
{
    (void)state;
    ld_daemon_config c = {0};
    assert_int_equal(
        json(&c, "{\"icc\": false, \"log-level\": \"warn\", \"live-restore\": true,"
                 " \"hosts\": [\"unix:///var/run/docker.sock\", \"tcp://0.0.0.0:2376\"],"
                 " \"graph\": \"/srv/docker\", \"storage-opts\": [\"dm.basesize=20G\"],"
                 " \"default-ulimits\": {\"nofile\": {\"Name\": \"nofile\", \"Hard\": 64000,"
                 " \"Soft\": 1024}}, \"unknown-key\": [1, 2, {\"deep\": null}]}"),
        0);
    assert_true(c.file_read);
    assert_int_equal(c.v[LD_DCFG_ICC].source, LD_DCFG_FROM_FILE);
    assert_false(c.v[LD_DCFG_ICC].b);
    assert_string_equal(c.v[LD_DCFG_LOG_LEVEL].s, "warn");
    assert_true(c.v[LD_DCFG_LIVE_RESTORE].b);
    assert_int_equal(c.v[LD_DCFG_HOSTS].l.n, 2);
    assert_string_equal(c.v[LD_DCFG_HOSTS].l.v[1], "tcp://0.0.0.0:2376");
    assert_string_equal(c.v[LD_DCFG_DATA_ROOT].s, "/srv/docker"); /* old alias */
    assert_string_equal(c.v[LD_DCFG_DEFAULT_ULIMITS].l.v[0], "nofile=1024:64000");
    assert_int_equal(c.v[LD_DCFG_IPTABLES].source, LD_DCFG_UNSET);
    assert_int_equal(c.problems.n, 0);
    ld_daemon_config_clear(&c);
}

static void test_json_wrong_types(void **state)
{
    (void)state;
    ld_daemon_config c = {0};
    assert_int_equal(json(&c, "{\"icc\": \"false\", \"log-level\": 3, \"hosts\": \"tcp://x\","
                              " \"insecure-registries\": [\"ok:5000\", 7],"
                              " \"default-ulimits\": {\"nofile\": {\"Soft\": \"x\"}}}"),
                     0);
    assert_int_equal(c.v[LD_DCFG_ICC].source, LD_DCFG_UNSET);
    assert_int_equal(c.v[LD_DCFG_LOG_LEVEL].source, LD_DCFG_UNSET);
    assert_int_equal(c.v[LD_DCFG_HOSTS].source, LD_DCFG_UNSET);
    assert_int_equal(c.v[LD_DCFG_INSECURE_REGISTRIES].l.n, 1);
    assert_int_equal(c.problems.n, 5);
    assert_non_null(strstr(c.problems.v[0], "\"icc\" is not a boolean"));
    ld_daemon_config_clear(&c);
}

static void test_json_hostile(void **state)
{
    (void)state;
    ld_daemon_config c = {0};
    assert_int_equal(json(&c, "[1, 2]"), LD_ERR_CORRUPT);
    assert_int_equal(json(&c, "{\"icc\": fals"), LD_ERR_CORRUPT);
    assert_int_equal(json(&c, "{\"icc\": true, \"icc\": false}"), LD_ERR_CORRUPT); /* as dockerd */
    assert_int_equal(json(&c, "{\"log-level\": \"\\u001b[31mred\\u0007\"}"), 0);
    assert_string_equal(c.v[LD_DCFG_LOG_LEVEL].s, "?[31mred?"); /* control bytes replaced */
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_daemon_json_parse(&c, "{}", LD_DAEMON_JSON_MAX_BYTES + 1, "big", &err),
                     LD_ERR_LIMIT);
    /* deep nesting stops in jansson, not on our stack */
    size_t depth = 100000;
    char *deep = malloc(depth * 2 + 16);
    size_t n = 0;
    deep[n++] = '{';
    memcpy(deep + n, "\"x\":", 4);
    n += 4;
    for (size_t i = 0; i < depth; i++)
        deep[n++] = '[';
    for (size_t i = 0; i < depth; i++)
        deep[n++] = ']';
    deep[n++] = '}';
    assert_int_equal(ld_daemon_json_parse(&c, deep, n, "deep", &err), LD_ERR_CORRUPT);
    free(deep);
    ld_daemon_config_clear(&c);
}

static void test_cmdline_forms(void **state)
{
    (void)state;
    ld_daemon_config c = {0};
    const char *argv[] = {"/usr/bin/dockerd",
                          "-H",
                          "fd://",
                          "--host=tcp://0.0.0.0:2375",
                          "-Hunix:///run/d.sock",
                          "--icc=false",
                          "--iptables",
                          "--log-level",
                          "debug",
                          "--default-ulimit",
                          "nofile=1:2",
                          "--unknown-flag",
                          "value",
                          "--userland-proxy=0",
                          "-D",
                          "--containerd=/run/containerd/containerd.sock",
                          "--tlsverify=maybe",
                          NULL};
    assert_int_equal(cmdline(&c, argv), 0);
    assert_true(c.cmdline_read);
    assert_int_equal(c.v[LD_DCFG_HOSTS].l.n, 3);
    assert_string_equal(c.v[LD_DCFG_HOSTS].l.v[0], "fd://");
    assert_string_equal(c.v[LD_DCFG_HOSTS].l.v[1], "tcp://0.0.0.0:2375");
    assert_string_equal(c.v[LD_DCFG_HOSTS].l.v[2], "unix:///run/d.sock");
    assert_false(c.v[LD_DCFG_ICC].b);
    assert_int_equal(c.v[LD_DCFG_ICC].source, LD_DCFG_FROM_CMDLINE);
    assert_true(c.v[LD_DCFG_IPTABLES].b);
    assert_string_equal(c.v[LD_DCFG_LOG_LEVEL].s, "debug");
    assert_string_equal(c.v[LD_DCFG_DEFAULT_ULIMITS].l.v[0], "nofile=1:2");
    assert_false(c.v[LD_DCFG_USERLAND_PROXY].b);
    assert_true(c.v[LD_DCFG_DEBUG].b);
    assert_int_equal(c.v[LD_DCFG_TLSVERIFY].source, LD_DCFG_UNSET); /* not a boolean */
    assert_int_equal(c.problems.n, 1);
    /* a flag missing its value at the end */
    const char *argv2[] = {"dockerd", "--log-level", NULL};
    assert_int_equal(cmdline(&c, argv2), 0);
    assert_int_equal(c.problems.n, 2);
    /* no trailing NUL, empty */
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_daemon_cmdline_parse(&c, "dockerd\0--icc=true", 18, &err), 0);
    assert_true(c.v[LD_DCFG_ICC].b);
    assert_int_equal(ld_daemon_cmdline_parse(&c, "", 0, &err), 0);
    ld_daemon_config_clear(&c);
}

static void test_merge_cmdline_wins(void **state)
{
    (void)state;
    const char *argv[] = {"dockerd", "--icc=false", "--log-level=info", NULL};
    ld_daemon_config a = {0}, b = {0};
    /* command line first (as ld_daemon_config_load does), then the file */
    assert_int_equal(cmdline(&a, argv), 0);
    assert_int_equal(json(&a, "{\"icc\": true, \"log-level\": \"debug\", \"iptables\": false}"), 0);
    /* file first, then the command line */
    assert_int_equal(json(&b, "{\"icc\": true, \"log-level\": \"debug\", \"iptables\": false}"), 0);
    assert_int_equal(cmdline(&b, argv), 0);
    ld_daemon_config *both[] = {&a, &b};
    for (int i = 0; i < 2; i++) {
        assert_false(both[i]->v[LD_DCFG_ICC].b);
        assert_int_equal(both[i]->v[LD_DCFG_ICC].source, LD_DCFG_FROM_CMDLINE);
        assert_string_equal(both[i]->v[LD_DCFG_LOG_LEVEL].s, "info");
        assert_false(both[i]->v[LD_DCFG_IPTABLES].b);
        assert_int_equal(both[i]->v[LD_DCFG_IPTABLES].source, LD_DCFG_FROM_FILE);
    }
    ld_daemon_config_clear(&a);
    ld_daemon_config_clear(&b);
}

static void test_load_from_root(void **state)
{
    (void)state;
    char root[] = "/tmp/ld-dcfg-XXXXXX";
    assert_non_null(mkdtemp(root));
    char p[512];
    snprintf(p, sizeof(p), "%s/etc", root);
    mkdir(p, 0755);
    snprintf(p, sizeof(p), "%s/etc/docker", root);
    mkdir(p, 0755);
    snprintf(p, sizeof(p), "%s/etc/docker/daemon.json", root);
    FILE *f = fopen(p, "w");
    fputs("{\"icc\": false}", f);
    fclose(f);
    ld_daemon_config c;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_daemon_config_load(&c, root, NULL, &err), 0);
    assert_int_equal(c.pid, 0); /* no ROOT/proc */
    assert_false(c.cmdline_read);
    assert_true(c.file_read);
    assert_string_equal(c.file_path, "/etc/docker/daemon.json");
    assert_false(c.v[LD_DCFG_ICC].b);
    ld_daemon_config_clear(&c);
    /* malformed daemon.json is a problem, not a failure */
    f = fopen(p, "w");
    fputs("{nope", f);
    fclose(f);
    assert_int_equal(ld_daemon_config_load(&c, root, NULL, &err), 0);
    assert_false(c.file_read);
    assert_int_equal(c.problems.n, 1);
    ld_daemon_config_clear(&c);
    unlink(p);
    snprintf(p, sizeof(p), "%s/etc/docker", root);
    rmdir(p);
    snprintf(p, sizeof(p), "%s/etc", root);
    rmdir(p);
    rmdir(root);
}

static void put(const char *root, const char *rel, const char *data, size_t len)
{
    char p[512];
    snprintf(p, sizeof(p), "%s%s", root, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fwrite(data, 1, len, f);
    fclose(f);
}

/* Two daemons under a fake ROOT/proc: the one serving the socket is chosen. */
static void test_find_dockerd_for_socket(void **state)
{
    (void)state;
    char root[] = "/tmp/ld-dproc-XXXXXX";
    assert_non_null(mkdtemp(root));
    const char *dirs[] = {"/proc", "/proc/123", "/proc/456", "/proc/789"};
    char p[512];
    for (size_t i = 0; i < 4; i++) {
        snprintf(p, sizeof(p), "%s%s", root, dirs[i]);
        mkdir(p, 0755);
    }
    put(root, "/proc/123/comm", "dockerd\n", 8);
    put(root, "/proc/123/cmdline", "dockerd\0-H\0unix:///run/other.sock\0--icc=false\0", 46);
    put(root, "/proc/456/comm", "dockerd\n", 8);
    put(root, "/proc/456/cmdline", "dockerd\0--iptables=false\0", 25);
    put(root, "/proc/789/comm", "containerd\n", 11);
    put(root, "/proc/789/cmdline", "containerd\0", 11);
    assert_int_equal(ld_dockerd_find_pid(root, "/run/other.sock"), 123);
    assert_int_equal(ld_dockerd_find_pid(root, "/var/run/docker.sock"), 456);
    assert_int_equal(ld_dockerd_find_pid(root, "/run/none.sock"), 0);
    assert_true(ld_dockerd_find_pid(root, NULL) == 123 || ld_dockerd_find_pid(root, NULL) == 456);
    ld_daemon_config c;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_daemon_config_load(&c, root, "/run/other.sock", &err), 0);
    assert_int_equal(c.pid, 123);
    assert_true(c.cmdline_read);
    assert_int_equal(c.v[LD_DCFG_ICC].source, LD_DCFG_FROM_CMDLINE);
    assert_int_equal(c.v[LD_DCFG_IPTABLES].source, LD_DCFG_UNSET);
    ld_daemon_config_clear(&c);
    const char *files[] = {"/proc/123/comm",    "/proc/123/cmdline", "/proc/456/comm",
                           "/proc/456/cmdline", "/proc/789/comm",    "/proc/789/cmdline"};
    for (size_t i = 0; i < 6; i++) {
        snprintf(p, sizeof(p), "%s%s", root, files[i]);
        unlink(p);
    }
    for (size_t i = 4; i-- > 0;) {
        snprintf(p, sizeof(p), "%s%s", root, dirs[i]);
        rmdir(p);
    }
    rmdir(root);
}

static const ld_daemon_check_options local_engine = {
    .target_id = "unix:///test.sock", .target_name = "docker test", .link = LD_ENGINE_LINK_UNIX};

/* Runs the daemon checks; the caller frees the set. */
static ld_findings *run_checks_with(const ld_daemon_config *cfg, const char *info_text,
                                    const ld_daemon_check_options *o)
{
    ld_error err = LD_ERROR_INIT;
    ld_findings *fs = ld_findings_new(catalog, TEST_NOW);
    json_error_t jerr;
    json_t *info = info_text ? json_loads(info_text, 0, &jerr) : NULL;
    if (ld_daemon_config_checks(fs, cfg, info, o, &err) != 0)
        fail_msg("checks failed: %s", err.msg);
    json_decref(info);
    assert_int_equal(fs->n, 10);
    for (size_t i = 0; i < fs->n; i++) {
        assert_int_equal(count_check(fs, fs->v[i]->check_id), 1);
        assert_int_equal(fs->v[i]->target.kind, LD_TARGET_ENGINE);
        assert_string_equal(fs->v[i]->target.id, o->target_id);
    }
    return fs;
}

static ld_findings *run_checks(const ld_daemon_config *cfg, const char *info_text)
{
    return run_checks_with(cfg, info_text, &local_engine);
}

static const char *const config_checks[] = {
    "daemon.icc",
    "daemon.log-level",
    "daemon.iptables",
    "daemon.tls",
    "daemon.default-ulimits",
    "daemon.cgroup-parent",
    "daemon.storage-opt-basesize",
    "daemon.no-new-privileges",
    "daemon.userland-proxy",
};
#define N_CONFIG_CHECKS (sizeof(config_checks) / sizeof(config_checks[0]))

static const char *const bare_dockerd[] = {"dockerd",
                                           "--containerd=/run/containerd/containerd.sock", NULL};

static void test_checks_defaults(void **state)
{
    (void)state;
    ld_daemon_config c = {0};
    cmdline(&c, bare_dockerd); /* command line read, no daemon.json: dockerd's defaults */
    ld_findings *fs = run_checks(&c, "{\"SecurityOptions\": [\"name=seccomp,profile=builtin\"]}");
    assert_check(fs, "daemon.rootless", LD_STATUS_WARN);
    assert_check(fs, "daemon.icc", LD_STATUS_FAIL);
    assert_string_equal(evidence(fs, "daemon.icc"),
                        "icc not set in daemon.json or on the dockerd command line: default true");
    assert_check(fs, "daemon.log-level", LD_STATUS_PASS);
    assert_check(fs, "daemon.iptables", LD_STATUS_PASS);
    assert_check(fs, "daemon.tls", LD_STATUS_PASS);
    assert_check(fs, "daemon.default-ulimits", LD_STATUS_FAIL); /* CIS 2.8: configure them */
    assert_check(fs, "daemon.cgroup-parent", LD_STATUS_PASS);
    assert_check(fs, "daemon.storage-opt-basesize", LD_STATUS_PASS);
    assert_check(fs, "daemon.no-new-privileges", LD_STATUS_FAIL);
    assert_check(fs, "daemon.userland-proxy", LD_STATUS_FAIL);
    ld_findings_free(fs);
    ld_daemon_config_clear(&c);
}

static void test_checks_hardened_and_careless(void **state)
{
    (void)state;
    ld_daemon_config good = {0}, bad = {0};
    cmdline(&good, bare_dockerd);
    json(&good,
         "{\"icc\": false, \"log-level\": \"info\", \"no-new-privileges\": true,"
         " \"userland-proxy\": false, \"hosts\": [\"tcp://0.0.0.0:2376\"],"
         " \"tlsverify\": true, \"tlscacert\": \"/ca\", \"tlscert\": \"/c\", \"tlskey\": \"/k\","
         " \"default-ulimits\": {\"nproc\": {\"Name\": \"nproc\", \"Soft\": 1, \"Hard\": 2}}}");
    ld_findings *fs =
        run_checks(&good, "{\"SecurityOptions\": [\"name=rootless\"], \"Debug\": false}");
    for (size_t i = 0; i < N_CONFIG_CHECKS; i++)
        assert_check(fs, config_checks[i], LD_STATUS_PASS);
    assert_check(fs, "daemon.rootless", LD_STATUS_PASS);
    assert_string_equal(evidence(fs, "daemon.icc"), "icc = false (daemon.json)");
    ld_findings_free(fs);
    cmdline(&bad, bare_dockerd);
    json(&bad, "{\"icc\": true, \"log-level\": \"info\", \"iptables\": false,"
               " \"hosts\": [\"0.0.0.0:2375\"], \"cgroup-parent\": \"/x\","
               " \"storage-opts\": [\"dm.basesize=50G\"]}");
    fs = run_checks(&bad, "{\"SecurityOptions\": \"wrong\", \"Debug\": true}");
    assert_check(fs, "daemon.rootless", LD_STATUS_ERROR);
    assert_check(fs, "daemon.icc", LD_STATUS_FAIL);
    assert_check(fs, "daemon.log-level", LD_STATUS_FAIL); /* Debug = true in /info */
    assert_check(fs, "daemon.iptables", LD_STATUS_FAIL);
    assert_check(fs, "daemon.tls", LD_STATUS_FAIL);
    assert_check(fs, "daemon.cgroup-parent", LD_STATUS_WARN);
    assert_check(fs, "daemon.storage-opt-basesize", LD_STATUS_WARN);
    ld_findings_free(fs);
    /* NULL /info */
    fs = run_checks(&bad, NULL);
    assert_check(fs, "daemon.rootless", LD_STATUS_ERROR);
    assert_string_equal(evidence(fs, "daemon.rootless"), "no /info response");
    ld_findings_free(fs);
    ld_daemon_config_clear(&good);
    ld_daemon_config_clear(&bad);
}

/* The command line could not be read: what daemon.json sets is judged,
 * what it does not set is not assessed (never dockerd's default assumed). */
static void test_checks_cmdline_unread(void **state)
{
    (void)state;
    ld_daemon_config c = {0};
    json(&c, "{\"icc\": false, \"userland-proxy\": true}");
    ld_findings *fs = run_checks(&c, "{\"SecurityOptions\": [], \"Debug\": false}");
    assert_check(fs, "daemon.icc", LD_STATUS_PASS);
    assert_check(fs, "daemon.userland-proxy", LD_STATUS_FAIL);
    static const char *const unknown[] = {
        "daemon.iptables",         "daemon.log-level",     "daemon.tls",
        "daemon.default-ulimits",  "daemon.cgroup-parent", "daemon.storage-opt-basesize",
        "daemon.no-new-privileges"};
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        assert_check(fs, unknown[i], LD_STATUS_ERROR);
        assert_evidence_has(fs, unknown[i], "command line could not be read");
    }
    ld_findings_free(fs);
    /* nothing read at all */
    ld_daemon_config none = {0};
    fs = run_checks(&none, "{\"SecurityOptions\": []}");
    for (size_t i = 0; i < N_CONFIG_CHECKS; i++)
        assert_check(fs, config_checks[i], LD_STATUS_ERROR);
    ld_findings_free(fs);
    /* command line read but daemon.json unreadable: unset settings unknown too */
    ld_daemon_config broken = {0};
    cmdline(&broken, bare_dockerd);
    broken.file_failed = true;
    fs = run_checks(&broken, "{\"SecurityOptions\": []}");
    assert_check(fs, "daemon.icc", LD_STATUS_ERROR);
    assert_evidence_has(fs, "daemon.icc", "daemon.json could not be read");
    ld_findings_free(fs);
    ld_daemon_config_clear(&c);
    ld_daemon_config_clear(&broken);
}

/* daemon.tls judges how lockdown reached the engine before any config. */
static void test_tls_by_link(void **state)
{
    (void)state;
    ld_daemon_config quiet = {0};
    cmdline(&quiet, bare_dockerd); /* configuration says: not listening on TCP */
    ld_daemon_check_options o = {.target_id = "tcp://10.0.0.5:2375",
                                 .target_name = "docker test",
                                 .link = LD_ENGINE_LINK_TCP_PLAIN};
    ld_findings *fs = run_checks_with(&quiet, "{\"SecurityOptions\": []}", &o);
    assert_check(fs, "daemon.tls", LD_STATUS_FAIL);
    assert_evidence_has(fs, "daemon.tls", "tcp://10.0.0.5:2375 over plain TCP");
    ld_findings_free(fs);
    o.link = LD_ENGINE_LINK_TCP_TLS;
    o.target_id = "tcp://10.0.0.5:2376";
    fs = run_checks_with(&quiet, "{\"SecurityOptions\": []}", &o);
    assert_check(fs, "daemon.tls", LD_STATUS_FAIL); /* answered without a client certificate */
    assert_evidence_has(fs, "daemon.tls", "without a client certificate");
    ld_findings_free(fs);
    /* with a client certificate, the configuration decides */
    ld_daemon_config verified = {0};
    cmdline(&verified, bare_dockerd);
    json(&verified, "{\"hosts\": [\"tcp://0.0.0.0:2376\"], \"tlsverify\": true,"
                    " \"tlscacert\": \"/ca\", \"tlscert\": \"/c\", \"tlskey\": \"/k\"}");
    o.client_cert = true;
    fs = run_checks_with(&verified, "{\"SecurityOptions\": []}", &o);
    assert_check(fs, "daemon.tls", LD_STATUS_PASS);
    ld_findings_free(fs);
    /* ... and when it cannot be seen, nothing is assumed */
    o.unseen = "engine tcp://10.0.0.5:2376 is remote";
    fs = run_checks_with(&verified, "{\"SecurityOptions\": []}", &o);
    assert_check(fs, "daemon.tls", LD_STATUS_ERROR);
    ld_findings_free(fs);
    ld_daemon_config_clear(&quiet);
    ld_daemon_config_clear(&verified);
}

/* A remote engine: the configuration on this machine is not the engine's. */
static void test_checks_remote_engine(void **state)
{
    (void)state;
    ld_daemon_config local = {0};
    cmdline(&local, bare_dockerd);
    json(&local, "{\"icc\": false, \"no-new-privileges\": true}");
    ld_daemon_check_options o = {.target_id = "tcp://10.0.0.5:2375",
                                 .target_name = "docker test",
                                 .link = LD_ENGINE_LINK_TCP_PLAIN,
                                 .unseen = "engine tcp://10.0.0.5:2375 is remote; its host's files "
                                           "and processes are not visible here"};
    ld_findings *fs =
        run_checks_with(&local, "{\"SecurityOptions\": [\"name=rootless\"], \"Debug\": false}", &o);
    for (size_t i = 0; i < N_CONFIG_CHECKS; i++) {
        if (strcmp(config_checks[i], "daemon.tls") == 0)
            continue;
        assert_check(fs, config_checks[i], LD_STATUS_ERROR);
        assert_evidence_has(fs, config_checks[i], "is remote");
    }
    assert_check(fs, "daemon.tls", LD_STATUS_FAIL);      /* plain TCP, observed */
    assert_check(fs, "daemon.rootless", LD_STATUS_PASS); /* /info is the engine's own */
    ld_findings_free(fs);
    /* /info Debug is the engine's own too */
    fs = run_checks_with(&local, "{\"SecurityOptions\": [], \"Debug\": true}", &o);
    assert_check(fs, "daemon.log-level", LD_STATUS_FAIL);
    ld_findings_free(fs);
    ld_daemon_config_clear(&local);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_types),
        cmocka_unit_test(test_json_wrong_types),
        cmocka_unit_test(test_json_hostile),
        cmocka_unit_test(test_cmdline_forms),
        cmocka_unit_test(test_merge_cmdline_wins),
        cmocka_unit_test(test_load_from_root),
        cmocka_unit_test(test_find_dockerd_for_socket),
        cmocka_unit_test(test_checks_defaults),
        cmocka_unit_test(test_checks_hardened_and_careless),
        cmocka_unit_test(test_checks_cmdline_unread),
        cmocka_unit_test(test_tls_by_link),
        cmocka_unit_test(test_checks_remote_engine),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
