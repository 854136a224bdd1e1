/* Unit tests for `lockdown k8s node` (src/k8s/node*.c): the command-line
 * parser (/proc cmdline images; pflag forms: --flag=value, --flag value,
 * -flag value, a bool alone, a bool followed by a stray word, repeated
 * scalars, lists and feature-gate maps, "--"), Go booleans, systemd units
 * and drop-ins with Environment=/EnvironmentFile= expansion as kubeadm
 * writes them, and their limits; then whole assessments of small node
 * trees built here under a temp dir, with stand-in processes written as
 * ROOT/proc/PID/cmdline (no kubelet can run on this machine): hyperkube,
 * a component run by a systemd unit, kubelet config drop-ins over the
 * config file under a command-line flag, etcd's --config-file over its
 * flags, a static pod without `command`, durations, and a root without
 * Kubernetes. Asserted on the findings set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include <cmocka.h>

#include "core/findings.h"
#include "k8s/node.h"
#include "k8s/node_flags.h"
#include "test_docker_util.h"

/* ---- command lines ---------------------------------------------------------------- */

static void test_cmdline_split(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    ld_strlist a = {0};
    static const char img[] = "kubelet\0--a=1\0\0--b\0";
    assert_int_equal(ld_node_cmdline_split(img, sizeof(img) - 1, &a, &err), 0);
    assert_int_equal(a.n, 4);
    assert_string_equal(a.v[0], "kubelet");
    assert_string_equal(a.v[1], "--a=1");
    assert_string_equal(a.v[2], "");
    assert_string_equal(a.v[3], "--b");
    ld_strlist_clear(&a);
    /* no trailing NUL: the same words */
    assert_int_equal(ld_node_cmdline_split(img, sizeof(img) - 2, &a, &err), 0);
    assert_int_equal(a.n, 4);
    assert_string_equal(a.v[3], "--b");
    ld_strlist_clear(&a);
    assert_int_equal(ld_node_cmdline_split("", 0, &a, &err), 0);
    assert_int_equal(a.n, 0);
    /* past the caps: an error, not a truncated argv */
    size_t big = LD_NODE_CMDLINE_MAX + 1;
    char *buf = calloc(1, big);
    assert_int_equal(ld_node_cmdline_split(buf, big, &a, &err), LD_ERR_LIMIT);
    ld_strlist_clear(&a);
    /* 5000 one-byte arguments */
    for (size_t i = 0; i < 10000; i++)
        buf[i] = (char)(i % 2 ? '\0' : 'x');
    assert_int_equal(ld_node_cmdline_split(buf, 10000, &a, &err), LD_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "arguments"));
    ld_strlist_clear(&a);
    free(buf);
}

static const char *const test_bools[] = {"profiling", "anonymous-auth", NULL};

static void test_flag_forms(void **state)
{
    (void)state;
    char *argv[] = {
        "/usr/local/bin/kube-apiserver",
        "--anonymous-auth=false",
        "--authorization-mode",
        "Node,RBAC",
        "-data-dir",
        "/var/lib/etcd",
        "--profiling",
        "false", /* a bool does not take it: a stray word */
        "--audit-log-path",
        "-", /* stdout: a value, not a flag */
        "--enable-admission-plugins=NodeRestriction",
        "--enable-admission-plugins= EventRateLimit , AlwaysPullImages,,",
        "--feature-gates=A=true, RotateKubeletServerCertificate=true",
        "--feature-gates=RotateKubeletServerCertificate=false",
        "--kubeconfig=/a",
        "--kubeconfig=/b",
        "positional",
        "--empty=",
        "--last-unknown",
        "--",
        "--after=1",
    };
    size_t n = sizeof(argv) / sizeof(argv[0]);
    int lines[sizeof(argv) / sizeof(argv[0])];
    for (size_t i = 0; i < n; i++)
        lines[i] = 100 + (int)i;
    ld_node_flags f = {0};
    ld_node_flags_parse(&f, argv, n, 1, lines, test_bools);

    const ld_node_flag *x = ld_node_flag_get(&f, "anonymous-auth");
    assert_non_null(x);
    assert_string_equal(x->value, "false");
    assert_false(x->bare);
    assert_int_equal(x->line, 101);
    assert_string_equal(ld_node_flag_get(&f, "authorization-mode")->value, "Node,RBAC");
    assert_string_equal(ld_node_flag_get(&f, "data-dir")->value, "/var/lib/etcd");
    x = ld_node_flag_get(&f, "profiling");
    assert_true(x->bare);
    assert_string_equal(x->value, "true");
    assert_null(ld_node_flag_get(&f, "false"));
    assert_string_equal(ld_node_flag_get(&f, "audit-log-path")->value, "-");
    assert_string_equal(ld_node_flag_get(&f, "kubeconfig")->value, "/b");
    assert_int_equal(ld_node_flag_get(&f, "kubeconfig")->arg, 15);
    assert_string_equal(ld_node_flag_get(&f, "empty")->value, "");
    assert_true(ld_node_flag_get(&f, "last-unknown")->bare);
    assert_null(ld_node_flag_get(&f, "after"));
    assert_null(ld_node_flag_get(&f, "positional"));

    ld_strlist l = {0};
    assert_int_equal(ld_node_flag_list(&f, "authorization-mode", &l), 1);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.v[1], "RBAC");
    ld_strlist_clear(&l);
    assert_int_equal(ld_node_flag_list(&f, "enable-admission-plugins", &l), 2);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.v[0], "NodeRestriction");
    assert_string_equal(l.v[1], "EventRateLimit");
    assert_string_equal(l.v[2], "AlwaysPullImages");
    ld_strlist_clear(&l);
    assert_int_equal(ld_node_flag_list(&f, "disable-admission-plugins", &l), 0);

    char *v = NULL;
    x = ld_node_flag_map_get(&f, "feature-gates", "RotateKubeletServerCertificate", &v);
    assert_non_null(x);
    assert_string_equal(v, "false");
    assert_int_equal(x->line, 113);
    free(v);
    x = ld_node_flag_map_get(&f, "feature-gates", "A", &v);
    assert_non_null(x);
    assert_string_equal(v, "true");
    free(v);
    assert_null(ld_node_flag_map_get(&f, "feature-gates", "Rotate", &v));
    ld_node_flags_clear(&f);
}

static void test_go_bool_and_uint(void **state)
{
    (void)state;
    static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
    static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};
    for (size_t i = 0; i < 6; i++) {
        bool b = false;
        assert_true(ld_node_parse_go_bool(yes[i], &b));
        assert_true(b);
        assert_true(ld_node_parse_go_bool(no[i], &b));
        assert_false(b);
    }
    bool b = true;
    /* YAML's spellings are not Go's */
    assert_false(ld_node_parse_go_bool("yes", &b));
    assert_false(ld_node_parse_go_bool("on", &b));
    assert_false(ld_node_parse_go_bool("", &b));
    assert_false(ld_node_parse_go_bool(NULL, &b));
    assert_true(b);
    long long n = 0;
    assert_true(ld_node_parse_uint("10250", &n));
    assert_int_equal(n, 10250);
    assert_false(ld_node_parse_uint("-1", &n));
    assert_false(ld_node_parse_uint("1e3", &n));
    assert_false(ld_node_parse_uint("99999999999999999999", &n));
}

/* ---- systemd ---------------------------------------------------------------------- */

static const char kubelet_service[] = "[Unit]\n"
                                      "Description=kubelet: The Kubernetes Node Agent\n"
                                      "[Service]\n"
                                      "ExecStart=/usr/bin/kubelet\n"
                                      "Restart=always\n";

static const char kubeadm_dropin[] =
    "# Note: This dropin only works with kubeadm and kubelet v1.11+\n"
    "[Service]\n"
    "Environment=\"KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/"
    "bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf\"\n"
    "Environment=\"KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml\"\n"
    "EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env\n"
    "EnvironmentFile=-/etc/default/kubelet\n"
    "ExecStart=\n"
    "ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS "
    "$KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS\n";

static const char kubeadm_flags_env[] =
    "KUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///var/run/containerd/"
    "containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.9\"\n";

static void test_unit_kubeadm(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    ld_node_unit u = {0};
    assert_int_equal(
        ld_node_unit_add(&u, "kubelet.service", kubelet_service, strlen(kubelet_service), &err), 0);
    assert_int_equal(
        ld_node_unit_add(&u, "10-kubeadm.conf", kubeadm_dropin, strlen(kubeadm_dropin), &err), 0);
    assert_string_equal(u.exec_start_file, "10-kubeadm.conf");
    assert_int_equal(u.exec_start_line, 8);
    assert_int_equal(u.env_files.n, 2);
    assert_string_equal(u.env_files.v[0], "-/var/lib/kubelet/kubeadm-flags.env");
    assert_int_equal(ld_node_unit_env_file(&u, "kubeadm-flags.env", kubeadm_flags_env,
                                           strlen(kubeadm_flags_env), &err),
                     0);
    ld_strlist argv = {0};
    assert_int_equal(ld_node_unit_expand(&u, &argv, &err), 0);
    static const char *const want[] = {
        "/usr/bin/kubelet",
        "--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf",
        "--kubeconfig=/etc/kubernetes/kubelet.conf",
        "--config=/var/lib/kubelet/config.yaml",
        "--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock",
        "--pod-infra-container-image=registry.k8s.io/pause:3.9",
    };
    assert_int_equal(argv.n, sizeof(want) / sizeof(want[0])); /* $KUBELET_EXTRA_ARGS: unset */
    for (size_t i = 0; i < argv.n; i++)
        assert_string_equal(argv.v[i], want[i]);
    ld_strlist_clear(&argv);
    ld_node_unit_clear(&u);
}

static void test_unit_forms(void **state)
{
    (void)state;
    static const char text[] = "[Service]\n"
                               "  # a comment \\\n"
                               "Environment=A=1 \"B=two words\" 'C=x y'\n"
                               "Environment=D=overridden\n"
                               "EnvironmentFile=/etc/default/x\n"
                               "ExecStart=-/usr/bin/kube-apiserver \\\n"
                               "    --a=${A} \\\n"
                               "    \"--b=${B}\" $B\\\n"
                               "    --c='${C}' --d=$$D $D --e=\"q\\\"uote\" $UNSET --f=${UNSET}\n"
                               "[Install]\n"
                               "ExecStart=/ignored\n";
    static const char envfile[] = "# comment\n"
                                  "D=from file\n"
                                  "export E=1\n"
                                  "F='single ${A}'\n"
                                  "G=\"unterminated\n";
    ld_error err = LD_ERROR_INIT;
    ld_node_unit u = {0};
    assert_int_equal(ld_node_unit_add(&u, "unit", text, strlen(text), &err), 0);
    assert_int_equal(u.exec_start_line, 6);
    assert_int_equal(ld_node_unit_env_file(&u, "envfile", envfile, strlen(envfile), &err), 0);
    assert_string_equal(ld_node_unit_getenv(&u, "B"), "two words");
    assert_string_equal(ld_node_unit_getenv(&u, "C"), "x y");
    /* an environment file overrides Environment= */
    assert_string_equal(ld_node_unit_getenv(&u, "D"), "from file");
    assert_string_equal(ld_node_unit_getenv(&u, "F"), "single ${A}");
    assert_null(ld_node_unit_getenv(&u, "G"));
    assert_true(u.problems.n >= 2); /* "export E=1", the unterminated quote */
    ld_strlist argv = {0};
    assert_int_equal(ld_node_unit_expand(&u, &argv, &err), 0);
    static const char *const want[] = {
        "/usr/bin/kube-apiserver",
        "--a=1",
        "--b=two words",
        "two",
        "words",
        "--c=${C}",
        "--d=$D",
        "from",
        "file",
        "--e=q\"uote",
        "--f=",
    };
    for (size_t i = 0; i < argv.n && i < sizeof(want) / sizeof(want[0]); i++)
        assert_string_equal(argv.v[i], want[i]);
    assert_int_equal(argv.n, sizeof(want) / sizeof(want[0]));
    ld_strlist_clear(&argv);
    ld_node_unit_clear(&u);
}

static void test_unit_errors(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    ld_node_unit u = {0};
    ld_strlist argv = {0};
    assert_int_equal(ld_node_unit_expand(&u, &argv, &err), LD_ERR_NOT_FOUND);
    static const char quote[] = "[Service]\nExecStart=/usr/bin/kubelet \"--a=1\n";
    assert_int_equal(ld_node_unit_add(&u, "u", quote, strlen(quote), &err), 0);
    assert_int_equal(ld_node_unit_expand(&u, &argv, &err), LD_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "u:2: ExecStart="));
    ld_node_unit_clear(&u);
    ld_strlist_clear(&argv);

    /* too large a unit, too many variables */
    size_t big = LD_NODE_UNIT_MAX + 1;
    char *buf = malloc(big);
    memset(buf, '#', big);
    assert_int_equal(ld_node_unit_add(&u, "big", buf, big, &err), LD_ERR_LIMIT);
    size_t len = 0;
    len += (size_t)snprintf(buf, big, "[Service]\n");
    for (int i = 0; i <= LD_NODE_ENV_MAX; i++)
        len += (size_t)snprintf(buf + len, big - len, "Environment=V%d=1\n", i);
    assert_int_equal(ld_node_unit_add(&u, "many", buf, len, &err), LD_ERR_LIMIT);
    ld_node_unit_clear(&u);

    /* an expansion bomb: a 100 KB variable used 64 times */
    len = (size_t)snprintf(buf, big, "[Service]\nEnvironment=X=");
    memset(buf + len, 'x', 100000);
    len += 100000;
    len += (size_t)snprintf(buf + len, big - len, "\nExecStart=/usr/bin/kubelet");
    for (int i = 0; i < 64; i++)
        len += (size_t)snprintf(buf + len, big - len, " --a=${X}");
    buf[len++] = '\n';
    assert_int_equal(ld_node_unit_add(&u, "bomb", buf, len, &err), 0);
    assert_int_equal(ld_node_unit_expand(&u, &argv, &err), LD_ERR_LIMIT);
    ld_strlist_clear(&argv);
    ld_node_unit_clear(&u);
    free(buf);
}

/* ---- node trees ---------------------------------------------------------------------- */

static char tree[] = "/tmp/ld-k8snode-XXXXXX";

static void put(const char *rel, mode_t mode, const char *text)
{
    char p[1024];
    snprintf(p, sizeof(p), "%s/%s", tree, rel);
    for (char *s = p + strlen(tree) + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            mkdir(p, 0755);
            *s = '/';
        }
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(p, mode);
}

/* A stand-in process: ROOT/proc/PID/cmdline from a NULL-terminated argv. */
static void fake_proc(int pid, const char *const *argv)
{
    char rel[64], buf[4096];
    size_t n = 0;
    for (; *argv; argv++) {
        size_t l = strlen(*argv) + 1;
        memcpy(buf + n, *argv, l);
        n += l;
    }
    snprintf(rel, sizeof(rel), "proc/%d/cmdline", pid);
    put(rel, 0444, "");
    char p[1024];
    snprintf(p, sizeof(p), "%s/%s", tree, rel);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fwrite(buf, 1, n, f);
    fclose(f);
}

static void rm_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *de;
        while (d && (de = readdir(d))) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            char p[1024];
            snprintf(p, sizeof(p), "%s/%s", path, de->d_name);
            rm_tree(p);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static int tree_setup(void **state)
{
    (void)state;
    memcpy(tree, "/tmp/ld-k8snode-XXXXXX", sizeof(tree));
    return mkdtemp(tree) ? 0 : -1;
}

static int tree_teardown(void **state)
{
    (void)state;
    rm_tree(tree);
    return 0;
}

static ld_findings *assess(char **summary)
{
    ld_findings *fs = ld_findings_new(catalog, TEST_NOW);
    ld_error err = LD_ERROR_INIT;
    ld_k8s_node_options o = {.root = tree, .host_name = "node1"};
    if (ld_k8s_node_assess(fs, &o, summary, &err) < 0)
        fail_msg("assess: %s", err.msg);
    return fs;
}

static void test_no_kubernetes(void **state)
{
    (void)state;
    put("etc/os-release", 0644, "ID=debian\n");
    char *summary = NULL;
    ld_findings *fs = assess(&summary);
    assert_int_equal(fs->n, 0);
    assert_string_equal(summary, "no Kubernetes component found");
    const ld_scope_entry *e = ld_findings_scope_of(fs, "k8s.node.kubelet.anonymous-auth");
    assert_non_null(e);
    assert_int_equal(e->state, LD_SCOPE_NOT_APPLICABLE);
    e = ld_findings_scope_of(fs, "k8s.node.control-plane.pki-owner");
    assert_int_equal(e->state, LD_SCOPE_NOT_APPLICABLE);
    assert_false(ld_k8s_node_present(tree));
    free(summary);
    ld_findings_free(fs);
}

static void test_hyperkube_process(void **state)
{
    (void)state;
    static const char *const argv[] = {"/hyperkube",
                                       "kube-apiserver",
                                       "--anonymous-auth=false",
                                       "--profiling",
                                       "--authorization-mode=RBAC",
                                       NULL};
    fake_proc(77, argv);
    static const char *const other[] = {"/usr/bin/grep", "kube-apiserver", NULL};
    fake_proc(78, other);
    char *summary = NULL;
    ld_findings *fs = assess(&summary);
    assert_non_null(strstr(summary, "kube-apiserver (pid 77)"));
    assert_check(fs, "k8s.node.apiserver.anonymous-auth", LD_STATUS_PASS);
    const ld_finding *f = finding(fs, "k8s.node.apiserver.anonymous-auth");
    assert_int_equal(f->target.kind, LD_TARGET_HOST);
    assert_string_equal(f->target.id, "node1");
    assert_string_equal(f->target.name, "kube-apiserver (pid 77)");
    assert_check(fs, "k8s.node.apiserver.profiling", LD_STATUS_FAIL);
    assert_non_null(strstr(evidence(fs, "k8s.node.apiserver.profiling"), "given alone: true"));
    assert_check(fs, "k8s.node.apiserver.authorization-node", LD_STATUS_FAIL);
    assert_check(fs, "k8s.node.apiserver.authorization-rbac", LD_STATUS_PASS);
    /* not a static pod: its manifest checks have nothing to judge */
    assert_check(fs, "k8s.node.apiserver.manifest-mode", LD_STATUS_SKIPPED);
    /* the kubelet is absent: not applicable, no findings */
    assert_null(find_finding(fs, "k8s.node.kubelet.anonymous-auth", NULL));
    assert_int_equal(ld_findings_scope_of(fs, "k8s.node.kubelet.read-only-port")->state,
                     LD_SCOPE_NOT_APPLICABLE);
    assert_true(ld_k8s_node_present(tree));
    free(summary);
    ld_findings_free(fs);
}

static void test_component_from_unit(void **state)
{
    (void)state;
    put("etc/systemd/system/etcd.service", 0600,
        "[Service]\nEnvironmentFile=/etc/etcd/etcd.env\n"
        "ExecStart=/usr/local/bin/etcd --name cp1 --cert-file=/etc/etcd/server.crt "
        "--key-file=/etc/etcd/server.key\n");
    put("etc/etcd/etcd.env", 0600, "ETCD_CLIENT_CERT_AUTH=true\nETCD_AUTO_TLS=true\n");
    char *summary = NULL;
    ld_findings *fs = assess(&summary);
    assert_non_null(strstr(summary, "etcd (systemd unit /etc/systemd/system/etcd.service)"));
    assert_check(fs, "k8s.node.etcd.client-tls-cert", LD_STATUS_PASS);
    assert_check(fs, "k8s.node.etcd.client-cert-auth", LD_STATUS_PASS);
    assert_non_null(
        strstr(evidence(fs, "k8s.node.etcd.client-cert-auth"), "ETCD_CLIENT_CERT_AUTH=true"));
    assert_check(fs, "k8s.node.etcd.auto-tls", LD_STATUS_FAIL);
    const ld_finding *f = finding(fs, "k8s.node.etcd.client-tls-cert");
    assert_string_equal(f->target.path, "/etc/systemd/system/etcd.service");
    assert_int_equal(f->target.line, 3);
    /* the unit file stands for the pod specification file */
    assert_check(fs, "k8s.node.etcd.manifest-mode", LD_STATUS_PASS);
    free(summary);
    ld_findings_free(fs);
}

static void test_etcd_config_file(void **state)
{
    (void)state;
    static const char *const argv[] = {"etcd", "--config-file=/etc/etcd/etcd.yml",
                                       "--client-cert-auth=false", "--peer-auto-tls", NULL};
    fake_proc(301, argv);
    put("etc/etcd/etcd.yml", 0600,
        "name: cp1\n"
        "data-dir: /var/lib/etcd\n"
        "client-transport-security:\n"
        "  cert-file: /etc/etcd/server.crt\n"
        "  key-file: /etc/etcd/server.key\n"
        "  client-cert-auth: true\n"
        "  trusted-ca-file: /etc/etcd/ca.crt\n"
        "peer-transport-security:\n"
        "  auto-tls: false\n");
    ld_findings *fs = assess(NULL);
    /* with --config-file etcd ignores its other flags */
    assert_check(fs, "k8s.node.etcd.client-cert-auth", LD_STATUS_PASS);
    const ld_finding *f = finding(fs, "k8s.node.etcd.client-cert-auth");
    assert_string_equal(f->target.path, "/etc/etcd/etcd.yml");
    assert_int_equal(f->target.line, 6);
    assert_check(fs, "k8s.node.etcd.peer-auto-tls", LD_STATUS_PASS);
    assert_check(fs, "k8s.node.etcd.client-tls-cert", LD_STATUS_PASS);
    assert_check(fs, "k8s.node.etcd.peer-client-cert-auth", LD_STATUS_FAIL);
    /* no Kubernetes CA on this node to compare etcd's with */
    assert_check(fs, "k8s.node.etcd.unique-ca", LD_STATUS_MANUAL);
    /* the data dir named in the config file; absent here */
    assert_check(fs, "k8s.node.etcd.data-dir-mode", LD_STATUS_SKIPPED);
    ld_findings_free(fs);
}

static void kubelet_with_config(const char *config, const char *extra_flag)
{
    const char *argv[] = {"/usr/bin/kubelet", "--config=/var/lib/kubelet/config.yaml",
                          "--config-dir=/etc/kubernetes/kubelet.conf.d", extra_flag, NULL};
    fake_proc(42, argv);
    put("var/lib/kubelet/config.yaml", 0600, config);
}

static void test_kubelet_dropins_and_flags(void **state)
{
    (void)state;
    kubelet_with_config("apiVersion: kubelet.config.k8s.io/v1beta1\n"
                        "kind: KubeletConfiguration\n"
                        "readOnlyPort: 10255\n"
                        "streamingConnectionIdleTimeout: 1h0m0s\n"
                        "podPidsLimit: 0\n",
                        NULL);
    put("etc/kubernetes/kubelet.conf.d/10-ports.conf", 0600,
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
        "readOnlyPort: 0\n");
    put("etc/kubernetes/kubelet.conf.d/20-anon.conf", 0644,
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
        "authentication: {anonymous: {enabled: true}}\n");
    put("etc/kubernetes/kubelet.conf.d/ignored.yaml", 0600, "readOnlyPort: 1\n");
    ld_findings *fs = assess(NULL);
    assert_check(fs, "k8s.node.kubelet.read-only-port", LD_STATUS_PASS);
    assert_string_equal(finding(fs, "k8s.node.kubelet.read-only-port")->target.path,
                        "/etc/kubernetes/kubelet.conf.d/10-ports.conf");
    assert_check(fs, "k8s.node.kubelet.anonymous-auth", LD_STATUS_FAIL);
    assert_check(fs, "k8s.node.kubelet.streaming-idle-timeout", LD_STATUS_PASS);
    /* 0 is not a limit */
    assert_check(fs, "k8s.node.kubelet.pod-pids-limit", LD_STATUS_FAIL);
    /* unset with a config file: the v1beta1 default, pointed at the file */
    assert_check(fs, "k8s.node.kubelet.authorization-mode", LD_STATUS_PASS);
    assert_non_null(strstr(evidence(fs, "k8s.node.kubelet.authorization-mode"),
                           "config file default is Webhook"));
    assert_string_equal(finding(fs, "k8s.node.kubelet.authorization-mode")->target.path,
                        "/var/lib/kubelet/config.yaml");
    /* config file and drop-ins: mode judged on each, the 0644 drop-in fails */
    assert_int_equal(count_check(fs, "k8s.node.kubelet.config-mode"), 1);
    assert_string_equal(finding(fs, "k8s.node.kubelet.config-mode")->target.path,
                        "/etc/kubernetes/kubelet.conf.d/20-anon.conf");
    ld_findings_free(fs);

    /* a flag on the command line wins over the file and its drop-ins */
    kubelet_with_config("apiVersion: kubelet.config.k8s.io/v1beta1\n"
                        "kind: KubeletConfiguration\n"
                        "readOnlyPort: 0\n",
                        "--read-only-port=10255");
    fs = assess(NULL);
    assert_check(fs, "k8s.node.kubelet.read-only-port", LD_STATUS_FAIL);
    assert_string_equal(evidence(fs, "k8s.node.kubelet.read-only-port"),
                        "kubelet --read-only-port=10255");
    ld_findings_free(fs);
}

static void test_kubelet_values(void **state)
{
    (void)state;
    static const struct {
        const char *line;
        const char *check;
        ld_status want;
    } cases[] = {
        {"streamingConnectionIdleTimeout: 5m", "k8s.node.kubelet.streaming-idle-timeout",
         LD_STATUS_PASS},
        {"streamingConnectionIdleTimeout: 0s", "k8s.node.kubelet.streaming-idle-timeout",
         LD_STATUS_FAIL},
        {"streamingConnectionIdleTimeout: \"0\"", "k8s.node.kubelet.streaming-idle-timeout",
         LD_STATUS_FAIL},
        {"streamingConnectionIdleTimeout: 0h0m0.000s", "k8s.node.kubelet.streaming-idle-timeout",
         LD_STATUS_FAIL},
        {"streamingConnectionIdleTimeout: 1.5h", "k8s.node.kubelet.streaming-idle-timeout",
         LD_STATUS_PASS},
        {"streamingConnectionIdleTimeout: soon", "k8s.node.kubelet.streaming-idle-timeout",
         LD_STATUS_ERROR},
        {"readOnlyPort: 0x0", "k8s.node.kubelet.read-only-port", LD_STATUS_PASS},
        {"readOnlyPort: ten", "k8s.node.kubelet.read-only-port", LD_STATUS_ERROR},
        /* a quoted "false" is a string: the kubelet refuses it */
        {"authentication: {anonymous: {enabled: \"false\"}}", "k8s.node.kubelet.anonymous-auth",
         LD_STATUS_ERROR},
        {"authentication: {anonymous: {enabled: off}}", "k8s.node.kubelet.anonymous-auth",
         LD_STATUS_PASS},
        {"rotateCertificates: true", "k8s.node.kubelet.rotate-certificates", LD_STATUS_PASS},
        /* not set: the kubelet's default is false (no rotation) */
        {"podPidsLimit: 1024", "k8s.node.kubelet.rotate-certificates", LD_STATUS_FAIL},
        {"podPidsLimit: 1024", "k8s.node.kubelet.pod-pids-limit", LD_STATUS_PASS},
        {"tlsCipherSuites: TLS_RSA_WITH_AES_128_GCM_SHA256", "k8s.node.kubelet.tls-cipher-suites",
         LD_STATUS_ERROR},
        {"tlsCipherSuites: []", "k8s.node.kubelet.tls-cipher-suites", LD_STATUS_FAIL},
        {"serverTLSBootstrap: true", "k8s.node.kubelet.server-tls", LD_STATUS_PASS},
        {"tlsCertFile: /a.crt", "k8s.node.kubelet.server-tls", LD_STATUS_FAIL},
        {"featureGates: {RotateKubeletServerCertificate: false}",
         "k8s.node.kubelet.rotate-server-certificate", LD_STATUS_FAIL},
        {"featureGates: {Other: false}", "k8s.node.kubelet.rotate-server-certificate",
         LD_STATUS_PASS},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char config[512];
        snprintf(config, sizeof(config),
                 "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n%s\n",
                 cases[i].line);
        kubelet_with_config(config, NULL);
        ld_findings *fs = assess(NULL);
        const ld_finding *f = finding(fs, cases[i].check);
        if (f->status != cases[i].want)
            fail_msg("\"%s\": %s is %s, want %s (%s)", cases[i].line, cases[i].check,
                     ld_status_name(f->status), ld_status_name(cases[i].want),
                     f->evidence ? f->evidence : "");
        ld_findings_free(fs);
    }
}

static void test_static_pod_args_only(void **state)
{
    (void)state;
    /* no command: the image's entrypoint runs the args; the component is
     * known from the container's name, the version from the image tag */
    put("etc/kubernetes/manifests/sched.json", 0600,
        "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"s\"},\n"
        " \"spec\": {\"containers\": [{\"name\": \"kube-scheduler\",\n"
        "   \"image\": \"registry.k8s.io/kube-scheduler:v1.29.4@sha256:00\",\n"
        "   \"args\": [\"--profiling=false\", \"--bind-address\", \"127.0.0.1\"]}]}}\n");
    /* a running scheduler whose flags differ from its manifest */
    static const char *const argv[] = {"kube-scheduler", "--profiling=true", NULL};
    fake_proc(500, argv);
    ld_findings *fs = assess(NULL);
    assert_check(fs, "k8s.node.scheduler.profiling", LD_STATUS_PASS);
    assert_check(fs, "k8s.node.scheduler.bind-address", LD_STATUS_PASS);
    const ld_finding *f = finding(fs, "k8s.node.scheduler.bind-address");
    assert_string_equal(f->target.path, "/etc/kubernetes/manifests/sched.json");
    assert_int_equal(f->target.line, 4);
    bool noted = false;
    for (size_t i = 0; i < fs->notes.n; i++)
        noted |= strstr(fs->notes.v[i], "kube-scheduler pid 500 runs with other flags") != NULL;
    assert_true(noted);
    /* the scheduler's kubeconfig: no --kubeconfig and no default file */
    assert_check(fs, "k8s.node.scheduler.kubeconfig-mode", LD_STATUS_SKIPPED);
    ld_findings_free(fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cmdline_split),
        cmocka_unit_test(test_flag_forms),
        cmocka_unit_test(test_go_bool_and_uint),
        cmocka_unit_test(test_unit_kubeadm),
        cmocka_unit_test(test_unit_forms),
        cmocka_unit_test(test_unit_errors),
        cmocka_unit_test_setup_teardown(test_no_kubernetes, tree_setup, tree_teardown),
        cmocka_unit_test_setup_teardown(test_hyperkube_process, tree_setup, tree_teardown),
        cmocka_unit_test_setup_teardown(test_component_from_unit, tree_setup, tree_teardown),
        cmocka_unit_test_setup_teardown(test_etcd_config_file, tree_setup, tree_teardown),
        cmocka_unit_test_setup_teardown(test_kubelet_dropins_and_flags, tree_setup, tree_teardown),
        cmocka_unit_test_setup_teardown(test_kubelet_values, tree_setup, tree_teardown),
        cmocka_unit_test_setup_teardown(test_static_pod_args_only, tree_setup, tree_teardown),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
