/* Unit tests of the image hardening checks (src/checks/image_config.c,
 * image_files.c) on hand-made inputs: configuration JSON written here, and
 * small root file systems made in a temp dir and read through the dir:
 * source. Each check is seen to pass and to fail; findings are read back
 * from the JSON report. Also: history redaction never shows ARG values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "checks/image_checks.h"
#include "checks/image_scan.h"
#include "core/catalog.h"
#include "core/policy.h"
#include "core/report.h"

typedef struct {
    ld_catalog *cat;
    ld_policy *pol;
    ld_secret_ruleset *rules;
} fixture;

static fixture fx;

static int setup(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    fx.cat = ld_catalog_load_builtin(&err);
    fx.pol = ld_policy_default(&err);
    fx.rules = ld_image_scan_rules(NULL, &err);
    return fx.cat && fx.pol && fx.rules ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ld_catalog_free(fx.cat);
    ld_policy_free(fx.pol);
    ld_secret_rules_free(fx.rules);
    return 0;
}

/* Runs the config checks (and file checks when img) and returns the JSON
 * report's findings array (caller json_decref's the root in *root). */
static json_t *run(ld_image_facts *f, json_t **root)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    ld_report_options opt = {.format = LD_FORMAT_JSON, .out = out, .command = "test",
                             .scope = "test", .level = LD_LEVEL_MEDIUM, .level_source = "default"};
    ld_error err = LD_ERROR_INIT;
    ld_report *r = ld_report_open(&opt, fx.cat, fx.pol, &err);
    assert_non_null(r);
    assert_int_equal(ld_report_begin(r, &err), 0);
    if (!f->target_id)
        f->target_id = "sha256:test";
    if (!f->target_name)
        f->target_name = "test";
    f->rules = fx.rules;
    assert_int_equal(ld_image_config_checks(r, f, &err), 0);
    if (f->img)
        assert_int_equal(ld_image_file_checks(r, f, &err), 0);
    assert_int_equal(ld_report_finish(r, &err), 0);
    ld_report_free(r);
    fclose(out);
    json_error_t je;
    *root = json_loads(buf, 0, &je);
    free(buf);
    assert_non_null(*root);
    return json_object_get(*root, "findings");
}

/* Number of findings of check with status (and evidence containing needle). */
static size_t count(json_t *findings, const char *check, const char *status, const char *needle)
{
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(findings); i++) {
        json_t *f = json_array_get(findings, i);
        const char *c = json_string_value(json_object_get(f, "check_id"));
        const char *s = json_string_value(json_object_get(f, "status"));
        const char *e = json_string_value(json_object_get(f, "evidence"));
        if (c && s && strcmp(c, check) == 0 && strcmp(s, status) == 0 &&
            (!needle || (e && strstr(e, needle))))
            n++;
    }
    return n;
}

static const char bad_config[] =
    "{\"config\":{\"User\":\"toor\",\"Env\":[\"PATH=/bin\",\"DB_PASSWORD=Zr8!kq2Lm#9x\","
    "\"API_KEY_FILE=/run/secrets/api\"],"
    "\"Labels\":{\"maintainer\":\"a@b.c\",\"org.opencontainers.image.base.name\":\"docker.io/library/debian:latest\"},"
    "\"ExposedPorts\":{\"22/tcp\":{},\"8080/tcp\":{},\"3389/tcp\":{}},"
    "\"Healthcheck\":{\"Test\":[\"NONE\"]},"
    "\"Cmd\":[\"/bin/sh\",\"-c\",\"/usr/sbin/dropbear -F\"]},"
    "\"history\":["
    "{\"created_by\":\"/bin/sh -c #(nop) ADD https://example.org/tool.tgz /opt/\"},"
    "{\"created_by\":\"/bin/sh -c apt-get update\"},"
    "{\"created_by\":\"/bin/sh -c #(nop)  ARG NPM_TOKEN=npm_Qw8Er4Ty2Ui6Op0As3Df7Gh1Jk5Lz9Xc2VbN\",\"empty_layer\":true},"
    "{\"created_by\":\"|1 NPM_TOKEN=npm_Qw8Er4Ty2Ui6Op0As3Df7Gh1Jk5Lz9Xc2VbN /bin/sh -c npm ci\"}"
    "]}";

static const char good_config[] =
    "{\"config\":{\"User\":\"app:app\",\"Env\":[\"PATH=/bin\",\"PASSWORD_FILE=/run/secrets/pw\","
    "\"TOKEN=${TOKEN}\"],"
    "\"Labels\":{\"org.opencontainers.image.base.name\":\"registry.example.com/base/debian:12\"},"
    "\"ExposedPorts\":{\"8080/tcp\":{}},"
    "\"Healthcheck\":{\"Test\":[\"CMD\",\"/healthz\"]},\"Cmd\":[\"/app/server\"]},"
    "\"history\":[{\"created_by\":\"/bin/sh -c apt-get update && apt-get install -y curl\"},"
    "{\"created_by\":\"/bin/sh -c #(nop) ADD file:abc in /\"}]}";

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
                             "toor:x:0:0:root again:/root:/bin/sh\n"
                             "app:x:1000:1000::/app:/bin/sh\n";

static void test_config_fail(void **state)
{
    (void)state;
    ld_strlist trusted = {0};
    ld_strlist_push(&trusted, "registry.example.com/base");
    ld_image_facts f = {.config_json = bad_config, .reference = "docker:shop/web",
                        .passwd = {passwd, sizeof(passwd) - 1, 0}, .trusted_registries = &trusted};
    json_t *root;
    json_t *fs = run(&f, &root);
    assert_int_equal(count(fs, "image.user-nonroot", "fail", "uid 0"), 1);
    assert_int_equal(count(fs, "image.healthcheck", "fail", "NONE"), 1);
    assert_int_equal(count(fs, "image.add-instruction", "fail", "https://example.org"), 1);
    assert_int_equal(count(fs, "image.update-alone", "fail", "apt-get update"), 1);
    assert_int_equal(count(fs, "image.tag-latest", "fail", "no tag"), 1);
    assert_int_equal(count(fs, "image.base-trusted", "fail", "outside"), 1);
    assert_int_equal(count(fs, "image.sensitive-port", "fail", NULL), 2);
    /* DB_PASSWORD by name, the npm token by rule, once although in two entries */
    assert_int_equal(count(fs, "image.config-secrets", "fail", NULL), 2);
    assert_int_equal(count(fs, "image.config-secrets", "fail", "npm-access-token"), 1);
    char *dump = json_dumps(root, 0);
    assert_null(strstr(dump, "Zr8!kq2Lm#9x"));
    assert_null(strstr(dump, "Qw8Er4Ty2Ui6Op0As3Df7"));
    free(dump);
    json_decref(root);
    ld_strlist_clear(&trusted);
}

static void test_config_pass(void **state)
{
    (void)state;
    ld_strlist trusted = {0};
    ld_strlist_push(&trusted, "registry.example.com/base");
    ld_image_facts f = {.config_json = good_config, .reference = "shop/web@sha256:0123",
                        .passwd = {passwd, sizeof(passwd) - 1, 0}, .trusted_registries = &trusted};
    json_t *root;
    json_t *fs = run(&f, &root);
    static const char *const ids[] = {LD_IMAGE_CONFIG_CHECKS};
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        if (count(fs, ids[i], "pass", NULL) != 1 || count(fs, ids[i], "fail", NULL) != 0)
            fail_msg("%s does not pass", ids[i]);
    }
    assert_int_equal(count(fs, "image.user-nonroot", "pass", "uid 1000 (app)"), 1);
    json_decref(root);
    ld_strlist_clear(&trusted);
    /* numeric uid 0 and "root" fail; trusted list empty: skipped */
    ld_image_facts g = {.config_json = "{\"config\":{\"User\":\"0:0\"},\"history\":[]}",
                        .reference = "web:latest"};
    fs = run(&g, &root);
    assert_int_equal(count(fs, "image.user-nonroot", "fail", NULL), 1);
    assert_int_equal(count(fs, "image.tag-latest", "fail", "latest"), 1);
    assert_int_equal(count(fs, "image.base-trusted", "skipped", NULL), 1);
    assert_int_equal(count(fs, "image.healthcheck", "fail", NULL), 1);
    json_decref(root);
    /* no config (dir:): skipped, not failed */
    ld_image_facts d = {.config_json = NULL, .reference = "dir:/x"};
    fs = run(&d, &root);
    assert_int_equal(count(fs, "image.user-nonroot", "skipped", NULL), 1);
    assert_int_equal(count(fs, "image.tag-latest", "skipped", NULL), 1);
    json_decref(root);
}

static void put_file(const char *root, const char *rel, const char *content, mode_t mode)
{
    char path[512];
    snprintf(path, sizeof(path), "%s%s", root, rel);
    for (char *p = path + strlen(root) + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0755);
            *p = '/';
        }
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
}

static void rm_tree(const char *dir)
{
    char *argv[] = {"rm", "-rf", (char *)dir, NULL};
    pid_t pid = fork();
    if (pid == 0) {
        execvp("rm", argv);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        ;
}

static void test_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/ld-imgchk-XXXXXX";
    assert_non_null(mkdtemp(dir));
    put_file(dir, "/etc/passwd", passwd, 0644);
    put_file(dir, "/etc/shadow", "root:*:1::::::\ntoor::1::::::\napp:!:1::::::\n", 0640);
    put_file(dir, "/usr/sbin/sshd", "#!/bin/sh\n", 0755);
    put_file(dir, "/usr/bin/sudo", "#!/bin/sh\n", 04755);
    put_file(dir, "/srv/data/notes", "x\n", 0666);
    put_file(dir, "/tmp/scratch", "x\n", 0666);
    put_file(dir, "/var/cache/apt/archives/x_1_all.deb", "deb\n", 0644);
    put_file(dir, "/var/lib/apt/lists/lock", "", 0644);
    put_file(dir, "/root/.cache/pip/http/a", "cache\n", 0644);
    char target[600];
    snprintf(target, sizeof(target), "dir:%s", dir);
    ld_image_scan_options opt = {.config = true, .secrets = true};
    ld_image_scan_result res;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_image_scan_read(target, &opt, &res, &err), 0);
    ld_image_facts f = {.img = res.img, .reference = target};
    for (size_t i = 0; i < res.n_accounts; i++) {
        ld_image_text_file t = {res.accounts[i].data, res.accounts[i].len, res.accounts[i].layer};
        if (res.accounts[i].which == 0)
            f.passwd = t;
        else
            f.shadow = t;
    }
    json_t *root;
    json_t *fs = run(&f, &root);
    assert_int_equal(count(fs, "image.ssh-server", "fail", "/usr/sbin/sshd"), 1);
    assert_int_equal(count(fs, "image.sudo", "fail", "/usr/bin/sudo"), 1);
    assert_int_equal(count(fs, "image.setuid-files", "fail", "setuid"), 1);
    assert_int_equal(count(fs, "image.world-writable", "fail", "/srv/data/notes"), 1);
    assert_int_equal(count(fs, "image.world-writable", "fail", "/tmp"), 0);
    assert_int_equal(count(fs, "image.package-cache", "fail", "apt package cache"), 1);
    assert_int_equal(count(fs, "image.package-cache", "fail", "pip cache"), 1);
    assert_int_equal(count(fs, "image.package-cache", "fail", "apt package lists"), 0);
    assert_int_equal(count(fs, "image.empty-password", "fail", "toor"), 1);
    assert_int_equal(count(fs, "image.uid0-accounts", "fail", "toor"), 1);
    json_decref(root);
    ld_image_scan_clear(&res);

    /* the same tree cleaned up: every file check passes */
    rm_tree(dir);
    assert_int_equal(mkdir(dir, 0755), 0);
    put_file(dir, "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n",
             0644);
    put_file(dir, "/etc/shadow", "root:*:1::::::\napp:!:1::::::\n", 0640);
    put_file(dir, "/usr/bin/app", "#!/bin/sh\n", 0755);
    assert_int_equal(ld_image_scan_read(target, &opt, &res, &err), 0);
    ld_image_facts g = {.img = res.img, .reference = target};
    for (size_t i = 0; i < res.n_accounts; i++) {
        ld_image_text_file t = {res.accounts[i].data, res.accounts[i].len, res.accounts[i].layer};
        if (res.accounts[i].which == 0)
            g.passwd = t;
        else
            g.shadow = t;
    }
    fs = run(&g, &root);
    static const char *const ids[] = {LD_IMAGE_FILE_CHECKS};
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
        if (count(fs, ids[i], "pass", NULL) != 1 || count(fs, ids[i], "fail", NULL) != 0)
            fail_msg("%s does not pass", ids[i]);
    json_decref(root);
    ld_image_scan_clear(&res);
    rm_tree(dir);
}

static void test_redact(void **state)
{
    (void)state;
    char *r = ld_image_history_redact("|2 A=secret1 B=secret2 /bin/sh -c echo A=visible");
    assert_string_equal(r, "|2 A=**** B=**** /bin/sh -c echo A=visible");
    free(r);
    r = ld_image_history_redact("/bin/sh -c #(nop)  ARG TOKEN=abc");
    assert_string_equal(r, "/bin/sh -c #(nop)  ARG TOKEN=****");
    free(r);
    r = ld_image_history_redact("/bin/sh -c #(nop)  ENV DB_PASSWORD=x HOME=/root");
    assert_string_equal(r, "/bin/sh -c #(nop)  ENV DB_PASSWORD=**** HOME=/root");
    free(r);
    r = ld_image_history_redact("/bin/sh -c #(nop)  ARG = = = = = = = = = = = = = =");
    assert_non_null(strstr(r, "=**** =****"));
    free(r);
    r = ld_image_history_redact("|99999999999 A=b");
    assert_non_null(r);
    free(r);
    assert_null(ld_image_history_redact(NULL));
    ld_image_text_file p = {passwd, sizeof(passwd) - 1, 0};
    char *name = NULL;
    assert_int_equal(ld_image_passwd_uid(&p, "1000", &name), 1000);
    assert_string_equal(name, "app");
    free(name);
    assert_int_equal(ld_image_passwd_uid(&p, "nobody", NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_fail),
        cmocka_unit_test(test_config_pass),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_redact),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
