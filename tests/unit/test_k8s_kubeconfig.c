/* Unit tests for kubeconfig parsing and context resolution
 * (src/k8s/kubeconfig.c), the exec credential plugin runner
 * (exec_credential.c) and the API client's masking of secrets in quoted
 * messages (api_client.c): contexts and current-context, --context,
 * inline data and files relative to the kubeconfig, tokenFile over token,
 * what kubectl refuses (refused here too), exec configs of both API
 * versions, KUBECONFIG merging (first wins), base64, secrets kept out of
 * messages, hostile kubeconfigs (alias bomb, nesting, size), and plugins
 * that succeed, fail, flood, hang or answer in the wrong version. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "k8s/api_client.h"
#include "k8s/exec_credential.h"
#include "k8s/kubeconfig.h"
#include "util/mem.h"

static char tmpdir[] = "/tmp/ld-kubeconfig-XXXXXX";

static int make_dir(void **state)
{
    (void)state;
    memcpy(tmpdir, "/tmp/ld-kubeconfig-XXXXXX", sizeof(tmpdir));
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char *argv[] = {"rm", "-rf", tmpdir, NULL};
    pid_t pid = fork();
    if (pid == 0) {
        execvp("rm", argv);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    return 0;
}

static char *path_in(const char *name)
{
    return ld_xasprintf("%s/%s", tmpdir, name);
}

static void write_file(const char *name, const char *text, mode_t mode)
{
    char *p = path_in(name);
    char *slash = strrchr(p, '/');
    *slash = '\0';
    mkdir(p, 0700); /* one level of subdirectory is enough here */
    *slash = '/';
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(p, mode);
    free(p);
}

static ld_kubeconfig *load_text(const char *name, const char *text)
{
    ld_kubeconfig *kc = NULL;
    ld_error err = LD_ERROR_INIT;
    if (ld_kubeconfig_load_buffer(name, text, strlen(text), &kc, &err) < 0)
        fail_msg("refused: %s", err.msg);
    return kc;
}

/* Loads and resolves; returns the error code (0 on success). */
static int resolve_text(const char *text, const char *context, ld_k8s_endpoint *ep, ld_error *err)
{
    ld_kubeconfig *kc = NULL;
    char *name = path_in("config");
    int rc = ld_kubeconfig_load_buffer(name, text, strlen(text), &kc, err);
    free(name);
    if (rc < 0)
        return rc;
    rc = ld_kubeconfig_resolve(kc, context, ep, err);
    ld_kubeconfig_free(kc);
    return rc;
}

/* "Y2EtcGVt" = base64("ca-pem") */
static const char two_contexts[] = "apiVersion: v1\n"
                                   "kind: Config\n"
                                   "clusters:\n"
                                   "- name: prod\n"
                                   "  cluster:\n"
                                   "    server: https://prod.example.com:6443/\n"
                                   "    certificate-authority-data: Y2EtcGVt\n"
                                   "- name: dev\n"
                                   "  cluster:\n"
                                   "    server: dev.example.com:6443\n"
                                   "    insecure-skip-tls-verify: yes\n"
                                   "users:\n"
                                   "- name: alice\n"
                                   "  user:\n"
                                   "    token: alice-token-123\n"
                                   "- name: bob\n"
                                   "  user:\n"
                                   "    username: bob\n"
                                   "    password: hunter2\n"
                                   "contexts:\n"
                                   "- name: prod-admin\n"
                                   "  context: {cluster: prod, user: alice, namespace: shop}\n"
                                   "- name: dev-bob\n"
                                   "  context: {cluster: dev, user: bob}\n"
                                   "current-context: prod-admin\n";

static void test_current_and_named_context(void **state)
{
    (void)state;
    ld_kubeconfig *kc = load_text("/home/u/.kube/config", two_contexts);
    assert_string_equal(ld_kubeconfig_current_context(kc), "prod-admin");
    assert_int_equal(ld_kubeconfig_context_count(kc), 2);
    assert_string_equal(ld_kubeconfig_context_name(kc, 1), "dev-bob");
    ld_k8s_endpoint ep;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_kubeconfig_resolve(kc, NULL, &ep, &err), 0);
    assert_string_equal(ep.context, "prod-admin");
    assert_string_equal(ep.cluster, "prod");
    assert_string_equal(ep.user, "alice");
    assert_string_equal(ep.namespace_, "shop");
    assert_string_equal(ep.server, "https://prod.example.com:6443"); /* trailing '/' gone */
    assert_int_equal(ep.ca_len, 6);
    assert_memory_equal(ep.ca_pem, "ca-pem", 6);
    assert_non_null(strstr(ep.ca_source, "certificate-authority-data of cluster \"prod\""));
    assert_false(ep.insecure_skip_tls_verify);
    assert_string_equal(ep.token, "alice-token-123");
    assert_null(ep.username);
    ld_k8s_endpoint_clear(&ep);

    assert_int_equal(ld_kubeconfig_resolve(kc, "dev-bob", &ep, &err), 0);
    assert_string_equal(ep.server, "https://dev.example.com:6443"); /* kubectl's default scheme */
    assert_true(ep.insecure_skip_tls_verify);                       /* YAML 1.1 "yes" */
    assert_null(ep.ca_pem);
    assert_string_equal(ep.username, "bob");
    assert_string_equal(ep.password, "hunter2");
    assert_null(ep.token);
    ld_k8s_endpoint_clear(&ep);

    assert_true(ld_kubeconfig_resolve(kc, "staging", &ep, &err) == LD_ERR_NOT_FOUND);
    assert_non_null(
        strstr(err.msg, "no context \"staging\" (contexts: \"prod-admin\", \"dev-bob\")"));
    assert_null(ep.server); /* cleared on failure */
    ld_kubeconfig_free(kc);
}

static void test_no_current_context(void **state)
{
    (void)state;
    ld_kubeconfig *kc = load_text("k", "clusters: []\ncontexts:\n- name: a\n  context: {cluster: "
                                       "x}\n");
    ld_k8s_endpoint ep;
    ld_error err = LD_ERROR_INIT;
    assert_true(ld_kubeconfig_resolve(kc, NULL, &ep, &err) == LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "sets no current-context; name one with --context"));
    assert_true(ld_kubeconfig_resolve(kc, "a", &ep, &err) == LD_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "names cluster \"x\", which no kubeconfig defines"));
    ld_kubeconfig_free(kc);
}

static void test_files_relative_to_the_kubeconfig(void **state)
{
    (void)state;
    write_file("pki/ca.crt", "CA-FILE", 0600);
    write_file("pki/client.crt", "CERT-FILE", 0600);
    write_file("pki/client.key", "KEY-FILE", 0600);
    write_file("pki/token", "  file-token-xyz\n\n", 0600);
    char *text = ld_xasprintf("clusters:\n"
                              "- name: c\n"
                              "  cluster: {server: 'https://10.0.0.1', certificate-authority: "
                              "pki/ca.crt}\n"
                              "users:\n"
                              "- name: u\n"
                              "  user:\n"
                              "    client-certificate: pki/client.crt\n"
                              "    client-key: %s/pki/client.key\n"
                              "    token: inline-token-loses\n"
                              "    tokenFile: pki/token\n"
                              "contexts: [{name: x, context: {cluster: c, user: u}}]\n"
                              "current-context: x\n",
                              tmpdir);
    ld_k8s_endpoint ep;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(resolve_text(text, NULL, &ep, &err), 0);
    assert_memory_equal(ep.ca_pem, "CA-FILE", 7);
    char *ca_path = path_in("pki/ca.crt");
    char *want = ld_xasprintf("certificate-authority %s", ca_path);
    assert_string_equal(ep.ca_source, want);
    assert_memory_equal(ep.client_cert_pem, "CERT-FILE", 9);
    assert_memory_equal(ep.client_key_pem, "KEY-FILE", 8);
    assert_string_equal(ep.token, "file-token-xyz"); /* the file wins, trimmed */
    assert_non_null(strstr(ep.token_source, "tokenFile "));
    ld_k8s_endpoint_clear(&ep);
    free(ca_path);
    free(want);
    free(text);

    /* a file that is not there: named, with the entry */
    assert_true(resolve_text("clusters: [{name: c, cluster: {server: 'https://h', "
                             "certificate-authority: nope.crt}}]\n"
                             "contexts: [{name: x, context: {cluster: c}}]\n",
                             "x", &ep, &err) < 0);
    assert_non_null(strstr(err.msg, "cluster \"c\""));
    assert_non_null(strstr(err.msg, "nope.crt"));
}

static void test_what_kubectl_refuses(void **state)
{
    (void)state;
    static const struct {
        const char *cluster; /* flow map body */
        const char *user;
        const char *message;
    } cases[] = {
        {"{server: 'https://h', certificate-authority-data: Y2E=, certificate-authority: /x}", "{}",
         "sets both certificate-authority-data and certificate-authority"},
        {"{server: 'https://h', certificate-authority-data: Y2E=, insecure-skip-tls-verify: "
         "true}",
         "{}", "names a certificate authority and sets insecure-skip-tls-verify"},
        {"{server: 'https://h'}", "{client-certificate-data: Y2E=}",
         "has a client certificate without its key"},
        {"{server: 'https://h'}", "{client-key-data: Y2E=}", "has a client key without its"},
        {"{server: 'https://h'}", "{token: t0ken, username: u, password: p}",
         "has both a token and basic auth"},
        {"{server: 'https://h'}",
         "{token: t0ken, exec: {apiVersion: client.authentication.k8s.io/v1, command: x, "
         "interactiveMode: Never}}",
         "has both an exec plugin and a token"},
        {"{server: 'https://h'}",
         "{exec: {apiVersion: client.authentication.k8s.io/v1, command: x}}",
         "exec interactiveMode must be set"},
        {"{server: 'https://h'}",
         "{exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x}}",
         "was removed in Kubernetes 1.24"},
        {"{server: 'https://h'}", "{exec: {apiVersion: client.authentication.k8s.io/v1}}",
         "exec has no command"},
        {"{server: 'https://h'}", "{auth-provider: {name: gcp}}", "uses the auth-provider \"gcp\""},
        {"{server: 'https://h'}", "{auth-provider: {name: oidc, config: {}}}", "holds no id-token"},
        {"{server: 'https://h'}", "{as-groups: [admins]}", "as-groups or as-uid without as"},
        {"{server: 'ftp://h'}", "{}", "only https:// and http:// are supported"},
        {"{server: 'https://h x'}", "{}", "contains a space"},
        {"{server: 'https://h', certificate-authority-data: 'not*base64'}", "{}",
         "certificate-authority-data is not base64"},
        {"{}", "{}", "has no server"},
        {"{server: 'https://h'}", "{token: \"a b\"}", "not one line of visible ASCII"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *text = ld_xasprintf("clusters: [{name: c, cluster: %s}]\n"
                                  "users: [{name: u, user: %s}]\n"
                                  "contexts: [{name: x, context: {cluster: c, user: u}}]\n",
                                  cases[i].cluster, cases[i].user);
        ld_k8s_endpoint ep;
        ld_error err = LD_ERROR_INIT;
        int rc = resolve_text(text, "x", &ep, &err);
        if (rc == 0 || !strstr(err.msg, cases[i].message))
            fail_msg("case %zu: rc %d, message \"%s\", wanted \"%s\"", i, rc, err.msg,
                     cases[i].message);
        assert_null(ep.server);
        free(text);
    }
}

static void test_secrets_stay_out_of_messages(void **state)
{
    (void)state;
    ld_k8s_endpoint ep;
    ld_error err = LD_ERROR_INIT;
    assert_true(resolve_text("clusters: [{name: c, cluster: {server: 'https://h'}}]\n"
                             "users: [{name: u, user: {token: \"s3cret\\nvalue\"}}]\n"
                             "contexts: [{name: x, context: {cluster: c, user: u}}]\n",
                             "x", &ep, &err) < 0);
    assert_null(strstr(err.msg, "s3cret"));
    assert_true(resolve_text("clusters: [{name: c, cluster: {server: 'https://h'}}]\n"
                             "users: [{name: u, user: {client-key-data: 'c2VjcmV0IGtleQ==!'}}]\n"
                             "contexts: [{name: x, context: {cluster: c, user: u}}]\n",
                             "x", &ep, &err) < 0);
    assert_null(strstr(err.msg, "c2VjcmV0"));
    /* a duplicate name: kubectl's own message printed the whole list, tokens
     * included; this one names the entry only */
    assert_true(resolve_text("users:\n- {name: u, user: {token: first-s3cret}}\n"
                             "- {name: u, user: {token: second-s3cret}}\n",
                             "x", &ep, &err) < 0);
    assert_non_null(strstr(err.msg, "the name \"u\" is defined twice"));
    assert_null(strstr(err.msg, "s3cret"));
}

static void test_exec_config(void **state)
{
    (void)state;
    ld_k8s_endpoint ep;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(resolve_text("clusters: [{name: c, cluster: {server: 'https://h'}}]\n"
                                  "users:\n"
                                  "- name: u\n"
                                  "  user:\n"
                                  "    exec:\n"
                                  "      apiVersion: client.authentication.k8s.io/v1beta1\n"
                                  "      command: ./bin/plugin\n"
                                  "      args: [get-token, '--region', eu]\n"
                                  "      env: [{name: A, value: '1'}, {name: B, value: null}]\n"
                                  "      provideClusterInfo: true\n"
                                  "      installHint: apt-get install plugin\n"
                                  "contexts: [{name: x, context: {cluster: c, user: u}}]\n",
                                  "x", &ep, &err),
                     0);
    assert_non_null(ep.exec);
    char *want = ld_xasprintf("%s/./bin/plugin", tmpdir);
    assert_string_equal(ep.exec->command, want);
    free(want);
    assert_int_equal(ep.exec->args.n, 3);
    assert_string_equal(ep.exec->args.v[1], "--region");
    assert_int_equal(ep.exec->env.n, 2);
    assert_string_equal(ep.exec->env.v[0], "A=1");
    assert_string_equal(ep.exec->env.v[1], "B=");
    assert_true(ep.exec->provide_cluster_info);
    assert_null(ep.exec->interactive_mode); /* optional in v1beta1 */
    assert_string_equal(ep.exec->install_hint, "apt-get install plugin");
    char *info = ld_k8s_exec_info(&ep);
    assert_string_equal(info, "{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\","
                              "\"kind\":\"ExecCredential\",\"spec\":{\"interactive\":false,"
                              "\"cluster\":{\"server\":\"https://h\"}}}");
    free(info);
    ld_k8s_endpoint_clear(&ep);

    /* a bare name stays a name: PATH decides when it runs */
    assert_int_equal(resolve_text("clusters: [{name: c, cluster: {server: 'https://h'}}]\n"
                                  "users: [{name: u, user: {exec: {apiVersion: "
                                  "client.authentication.k8s.io/v1, command: aws, "
                                  "interactiveMode: IfAvailable}}}]\n"
                                  "contexts: [{name: x, context: {cluster: c, user: u}}]\n",
                                  "x", &ep, &err),
                     0);
    assert_string_equal(ep.exec->command, "aws");
    ld_k8s_endpoint_clear(&ep);

    /* the oidc auth-provider's id-token is a bearer token */
    assert_int_equal(resolve_text("clusters: [{name: c, cluster: {server: 'https://h'}}]\n"
                                  "users: [{name: u, user: {auth-provider: {name: oidc, config: "
                                  "{id-token: eyJhbGciOi.x.y, idp-issuer-url: 'https://i'}}}}]\n"
                                  "contexts: [{name: x, context: {cluster: c, user: u}}]\n",
                                  "x", &ep, &err),
                     0);
    assert_string_equal(ep.token, "eyJhbGciOi.x.y");
    ld_k8s_endpoint_clear(&ep);
}

static void test_merging(void **state)
{
    (void)state;
    write_file("a.yaml",
               "clusters: [{name: shared, cluster: {server: 'https://from-a'}}]\n"
               "users: [{name: u, user: {token: from-a}}]\n"
               "contexts: [{name: ctx-a, context: {cluster: shared, user: u}}]\n"
               "current-context: ctx-a\n",
               0600);
    write_file("b.yaml",
               "clusters:\n- {name: shared, cluster: {server: 'https://from-b'}}\n"
               "- {name: only-b, cluster: {server: 'https://only-b'}}\n"
               "contexts: [{name: ctx-b, context: {cluster: only-b, user: u}}]\n"
               "current-context: ctx-b\n",
               0600);
    write_file("empty.yaml", "", 0600);
    char *a = path_in("a.yaml"), *b = path_in("b.yaml"), *e = path_in("empty.yaml");
    char *missing = path_in("missing.yaml");
    const char *paths[] = {missing, a, e, b, a};
    ld_kubeconfig *kc = NULL;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_kubeconfig_load_files(paths, 5, true, &kc, &err), 0);
    assert_string_equal(ld_kubeconfig_current_context(kc), "ctx-a"); /* the first file's */
    ld_k8s_endpoint ep;
    assert_int_equal(ld_kubeconfig_resolve(kc, "ctx-b", &ep, &err), 0);
    assert_string_equal(ep.server, "https://only-b");
    assert_string_equal(ep.token, "from-a"); /* users come from any file */
    ld_k8s_endpoint_clear(&ep);
    assert_int_equal(ld_kubeconfig_resolve(kc, "ctx-a", &ep, &err), 0);
    assert_string_equal(ep.server, "https://from-a"); /* the first definition wins */
    ld_k8s_endpoint_clear(&ep);
    ld_kubeconfig_free(kc);

    /* through KUBECONFIG */
    char *env = ld_xasprintf("%s:%s", b, a);
    setenv("KUBECONFIG", env, 1);
    assert_int_equal(ld_kubeconfig_load(NULL, &kc, &err), 0);
    assert_string_equal(ld_kubeconfig_current_context(kc), "ctx-b");
    ld_kubeconfig_free(kc);
    setenv("KUBECONFIG", missing, 1);
    assert_true(ld_kubeconfig_load(NULL, &kc, &err) == LD_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "KUBECONFIG: no kubeconfig found"));
    unsetenv("KUBECONFIG");
    /* $HOME/.kube/config */
    char *old_home = ld_xstrdup(getenv("HOME"));
    setenv("HOME", tmpdir, 1);
    write_file(".kube/config", "current-context: from-home\n", 0600);
    assert_int_equal(ld_kubeconfig_load(NULL, &kc, &err), 0);
    assert_string_equal(ld_kubeconfig_current_context(kc), "from-home");
    ld_kubeconfig_free(kc);
    if (old_home)
        setenv("HOME", old_home, 1);
    free(old_home);
    /* an explicit file must exist */
    assert_true(ld_kubeconfig_load(missing, &kc, &err) == LD_ERR_NOT_FOUND);
    free(env);
    free(a);
    free(b);
    free(e);
    free(missing);
}

static void test_not_a_kubeconfig(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *message;
    } cases[] = {
        {"apiVersion: v1\nkind: Pod\n", "kind is \"Pod\", not Config"},
        {"- a\n- b\n", "not a mapping"},
        {"clusters: {a: b}\n", "clusters is not a list"},
        {"clusters: [{cluster: {server: x}}]\n", "clusters[0] has no name"},
        {"users: [{name: u, user: [1]}]\n", "user is not a mapping"},
        {"current-context: a\n---\ncurrent-context: b\n", "a second document"},
        /* alias bomb: 10^9 nodes if expanded */
        {"a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
         "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
         "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
         "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]\n",
         "kubeconfig k"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ld_kubeconfig *kc = NULL;
        ld_error err = LD_ERROR_INIT;
        int rc = ld_kubeconfig_load_buffer("k", cases[i].text, strlen(cases[i].text), &kc, &err);
        if (rc == 0 || !strstr(err.msg, cases[i].message))
            fail_msg("case %zu: rc %d, message \"%s\", wanted \"%s\"", i, rc, err.msg,
                     cases[i].message);
        assert_null(kc);
    }
    /* nesting far past the limit */
    size_t depth = 5000;
    char *deep = ld_xmalloc(2 * depth + 16);
    memcpy(deep, "clusters: ", 10);
    memset(deep + 10, '[', depth);
    memset(deep + 10 + depth, ']', depth);
    deep[10 + 2 * depth] = '\0';
    ld_kubeconfig *kc = NULL;
    ld_error err = LD_ERROR_INIT;
    assert_true(ld_kubeconfig_load_buffer("k", deep, strlen(deep), &kc, &err) < 0);
    free(deep);
    /* a JSON kubeconfig */
    static const char json[] =
        "{\"kind\":\"Config\",\"clusters\":[{\"name\":\"c\",\"cluster\":{\"server\":"
        "\"https://j\"}}],\"contexts\":[{\"name\":\"x\",\"context\":{\"cluster\":\"c\"}}],"
        "\"current-context\":\"x\"}";
    kc = load_text("k.json", json);
    ld_k8s_endpoint ep;
    assert_int_equal(ld_kubeconfig_resolve(kc, NULL, &ep, &err), 0);
    assert_string_equal(ep.server, "https://j");
    assert_string_equal(ep.user, ""); /* anonymous */
    ld_k8s_endpoint_clear(&ep);
    ld_kubeconfig_free(kc);
}

static void test_base64(void **state)
{
    (void)state;
    size_t n = 0;
    char *s = ld_k8s_base64_decode("aGVsbG8gd29ybGQ=", &n);
    assert_string_equal(s, "hello world");
    assert_int_equal(n, 11);
    free(s);
    s = ld_k8s_base64_decode("aGVs\nbG8=\r\n", &n); /* line ends inside, as Go allows */
    assert_string_equal(s, "hello");
    free(s);
    s = ld_k8s_base64_decode("", &n);
    assert_int_equal(n, 0);
    free(s);
    assert_null(ld_k8s_base64_decode("aGVsbG8", &n));   /* not a whole quad */
    assert_null(ld_k8s_base64_decode("aGV=bG8=", &n));  /* padding inside */
    assert_null(ld_k8s_base64_decode("aGVsbG8=x", &n)); /* data after padding */
    assert_null(ld_k8s_base64_decode("aGVs bG8=", &n)); /* space */
    assert_null(ld_k8s_base64_decode("a===", &n));      /* too much padding */
}

/* ---- exec plugins ---- */

static ld_k8s_endpoint plugin_endpoint(const char *script, const char *api)
{
    write_file("plugin.sh", script, 0700);
    ld_k8s_endpoint ep = {0};
    ep.server = ld_xstrdup("https://api.example:6443");
    ep.user = ld_xstrdup("u");
    ep.kubeconfig = ld_xstrdup("kc");
    ep.ca_pem = ld_xstrdup("PEM");
    ep.ca_len = 3;
    ep.exec = ld_xcalloc(1, sizeof(*ep.exec));
    ep.exec->api_version = ld_xstrdup(api);
    ep.exec->command = path_in("plugin.sh");
    ep.exec->interactive_mode = ld_xstrdup("Never");
    ep.exec->provide_cluster_info = true;
    ld_strlist_push(&ep.exec->env, "PLUGIN_VAR=from-kubeconfig");
    ld_strlist_push(&ep.exec->args, "arg one");
    return ep;
}

static void test_exec_plugin_runs(void **state)
{
    (void)state;
    char *script = ld_xasprintf(
        "#!/bin/sh\n"
        "printf '%%s|%%s|%%s' \"$1\" \"$PLUGIN_VAR\" \"$KUBERNETES_EXEC_INFO\" > %s/seen\n"
        "echo '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
        "\"status\":{\"token\":\"plugin-token\",\"expirationTimestamp\":"
        "\"2030-01-02T03:04:05+01:00\"}}'\n",
        tmpdir);
    ld_k8s_endpoint ep = plugin_endpoint(script, "client.authentication.k8s.io/v1");
    free(script);
    ld_k8s_exec_result res;
    ld_error err = LD_ERROR_INIT;
    if (ld_k8s_exec_credential(&ep, 5000, &res, &err) < 0)
        fail_msg("%s", err.msg);
    assert_string_equal(res.token, "plugin-token");
    assert_null(res.client_cert_pem);
    assert_int_equal((long long)res.expires, 1893549845LL); /* 2030-01-02T02:04:05Z */
    ld_k8s_exec_result_clear(&res);
    char *seen_path = path_in("seen");
    FILE *f = fopen(seen_path, "r");
    assert_non_null(f);
    char seen[1024] = {0};
    assert_true(fread(seen, 1, sizeof(seen) - 1, f) > 0);
    fclose(f);
    free(seen_path);
    assert_string_equal(seen, "arg one|from-kubeconfig|{\"apiVersion\":\"client.authentication."
                              "k8s.io/v1\",\"kind\":\"ExecCredential\",\"spec\":{\"interactive\":"
                              "false,\"cluster\":{\"server\":\"https://api.example:6443\","
                              "\"certificate-authority-data\":\"UEVN\"}}}");
    ld_k8s_endpoint_clear(&ep);
}

static void test_exec_plugin_failures(void **state)
{
    (void)state;
    static const struct {
        const char *script;
        long timeout_ms;
        ld_errcode code;
        const char *message;
    } cases[] = {
        {"#!/bin/sh\necho 'not logged in: run login' >&2\nexit 3\n", 5000, LD_ERR_UNREACHABLE,
         "failed with exit status 3: not logged in: run login"},
        {"#!/bin/sh\nexec sleep 30\n", 300, LD_ERR_UNREACHABLE, "no answer within 1 s; killed"},
        {"#!/bin/sh\nexec yes credential\n", 5000, LD_ERR_LIMIT, "printed more than 1048576"},
        {"#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":"
         "\"ExecCredential\",\"status\":{\"token\":\"t-secret\"}}'\n",
         5000, LD_ERR_CORRUPT, "answered with apiVersion \"client.authentication.k8s.io/v1beta1\""},
        {"#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":"
         "\"ExecCredential\",\"status\":{\"clientCertificateData\":\"PEM\"}}'\n",
         5000, LD_ERR_CORRUPT, "a client certificate without its key"},
        {"#!/bin/sh\necho 'token: t-secret-in-yaml'\n", 5000, LD_ERR_CORRUPT,
         "printed something, not an ExecCredential (JSON error at line 1"},
        {"#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":"
         "\"ExecCredential\",\"status\":{\"token\":\"t-secret\",\"expirationTimestamp\":"
         "\"tomorrow\"}}'\n",
         5000, LD_ERR_CORRUPT, "expirationTimestamp that is not an RFC 3339 time"},
        {"#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":"
         "\"ExecCredential\",\"status\":{\"token\":\"bad token\"}}'\n",
         5000, LD_ERR_CORRUPT, "not a bearer token"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ld_k8s_endpoint ep = plugin_endpoint(cases[i].script, "client.authentication.k8s.io/v1");
        ld_k8s_exec_result res;
        ld_error err = LD_ERROR_INIT;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int rc = ld_k8s_exec_credential(&ep, cases[i].timeout_ms, &res, &err);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (rc != (int)cases[i].code || !strstr(err.msg, cases[i].message))
            fail_msg("case %zu: rc %d, message \"%s\", wanted %d \"%s\"", i, rc, err.msg,
                     cases[i].code, cases[i].message);
        assert_null(strstr(err.msg, "t-secret")); /* what it printed is not quoted */
        assert_true(t1.tv_sec - t0.tv_sec < 5);   /* the deadline holds, floods are cut */
        assert_null(res.token);
        ld_k8s_endpoint_clear(&ep);
    }
    /* interactiveMode Always: not run at all */
    ld_k8s_endpoint ep =
        plugin_endpoint("#!/bin/sh\ntouch ran\n", "client.authentication.k8s.io/v1");
    free(ep.exec->interactive_mode);
    ep.exec->interactive_mode = ld_xstrdup("Always");
    ld_k8s_exec_result res;
    ld_error err = LD_ERROR_INIT;
    assert_true(ld_k8s_exec_credential(&ep, 5000, &res, &err) == LD_ERR_UNSUPPORTED);
    ld_k8s_endpoint_clear(&ep);
    /* a command that does not exist: the install hint */
    ep = plugin_endpoint("", "client.authentication.k8s.io/v1");
    free(ep.exec->command);
    ep.exec->command = ld_xstrdup("ld-no-such-plugin-anywhere");
    ep.exec->install_hint = ld_xstrdup("get it from the vendor");
    assert_true(ld_k8s_exec_credential(&ep, 5000, &res, &err) == LD_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "no such command in PATH; get it from the vendor"));
    ld_k8s_endpoint_clear(&ep);
}

/* ---- the client's masking ---- */

static void test_api_client_masks_secrets(void **state)
{
    (void)state;
    ld_k8s_endpoint ep = {0};
    ep.server = ld_xstrdup("https://127.0.0.1:1");
    ep.kubeconfig = ld_xstrdup("kc");
    ep.context = ld_xstrdup("x");
    ep.token = ld_xstrdup("tok-123456");
    ep.username = ld_xstrdup("admin");
    ep.password = ld_xstrdup("pw-98765");
    ld_error err = LD_ERROR_INIT;
    ld_k8s_api *a = ld_k8s_api_new(&ep, NULL, &err);
    assert_non_null(a);
    char *m = ld_k8s_api_mask(a,
                              "got Bearer tok-123456 and pw-98765 and YWRtaW46cHctOTg3NjU= "
                              "\x1b[31mred\x07",
                              0);
    assert_string_equal(m, "got Bearer *** and *** and *** ?[31mred?");
    free(m);
    m = ld_k8s_api_mask(a, "0123456789", 4);
    assert_string_equal(m, "0123...");
    free(m);
    ld_k8s_api_free(a);
    /* credentials over http:// are refused before anything is sent */
    free(ep.server);
    ep.server = ld_xstrdup("http://127.0.0.1:1");
    assert_null(ld_k8s_api_new(&ep, NULL, &err));
    assert_non_null(strstr(err.msg, "does not send credentials in clear text"));
    ld_k8s_endpoint_clear(&ep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_current_and_named_context, make_dir, remove_dir),
        cmocka_unit_test(test_no_current_context),
        cmocka_unit_test_setup_teardown(test_files_relative_to_the_kubeconfig, make_dir,
                                        remove_dir),
        cmocka_unit_test_setup_teardown(test_what_kubectl_refuses, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_secrets_stay_out_of_messages, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_exec_config, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_merging, make_dir, remove_dir),
        cmocka_unit_test(test_not_a_kubeconfig),
        cmocka_unit_test(test_base64),
        cmocka_unit_test_setup_teardown(test_exec_plugin_runs, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_exec_plugin_failures, make_dir, remove_dir),
        cmocka_unit_test(test_api_client_masks_secrets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
