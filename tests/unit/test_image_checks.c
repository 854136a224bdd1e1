/* Unit tests of the image hardening checks (src/checks/image_config.c,
 * image_files.c) on hand-made inputs: configuration JSON written here, and
 * small root file systems made in a temp dir and read through the dir:
 * source. Each check is seen to pass and to fail; the tests assert on the
 * returned findings set. Also: CIS 4.9 (ADD local, archive, pinned and
 * unpinned remote; the base root file system exempt), and nothing a finding
 * shows from history, Env, labels, User or Healthcheck holds a secret. */
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

#include "checks/image_checks.h"
#include "checks/image_scan.h"
#include "core/catalog.h"
#include "core/findings.h"

typedef struct {
    ld_catalog *cat;
    ld_secret_ruleset *rules;
} fixture;

static fixture fx;

static int setup(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    fx.cat = ld_catalog_load_builtin(&err);
    fx.rules = ld_image_scan_rules(NULL, &err);
    return fx.cat && fx.rules ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ld_catalog_free(fx.cat);
    ld_secret_rules_free(fx.rules);
    return 0;
}

/* Runs the config checks (and the file checks when f->img) into a new
 * findings set; caller frees it. */
static ld_findings *run(ld_image_facts *f)
{
    ld_error err = LD_ERROR_INIT;
    ld_findings *fs = ld_findings_new(fx.cat, 0);
    assert_non_null(fs);
    if (!f->target_id)
        f->target_id = "sha256:test";
    if (!f->target_name)
        f->target_name = "test";
    f->rules = fx.rules;
    if (ld_image_config_checks(fs, f, &err) < 0)
        fail_msg("config checks: %s", err.msg);
    if (f->img && ld_image_file_checks(fs, f, &err) < 0)
        fail_msg("file checks: %s", err.msg);
    for (size_t i = 0; i < fs->n; i++) {
        const ld_finding *x = fs->v[i];
        assert_non_null(x->check_id);
        assert_int_equal(x->target.kind, LD_TARGET_IMAGE);
        assert_string_equal(x->target.id, f->target_id);
    }
    return fs;
}

/* The nth finding (0-based) of check with status whose evidence contains
 * needle (NULL: any), or NULL. */
static const ld_finding *nth(const ld_findings *fs, const char *check, ld_status st,
                             const char *needle, size_t n)
{
    for (size_t i = 0; i < fs->n; i++) {
        const ld_finding *x = fs->v[i];
        if (strcmp(x->check_id, check) == 0 && x->status == st &&
            (!needle || (x->evidence && strstr(x->evidence, needle))) && n-- == 0)
            return x;
    }
    return NULL;
}

/* Number of findings of check with status (and evidence containing needle). */
static size_t count(const ld_findings *fs, const char *check, ld_status st, const char *needle)
{
    size_t n = 0;
    while (nth(fs, check, st, needle, n))
        n++;
    return n;
}

/* Fails when any text of any finding contains needle. */
static void never_shows(const ld_findings *fs, const char *needle)
{
    for (size_t i = 0; i < fs->n; i++) {
        const ld_finding *x = fs->v[i];
        const char *texts[] = {x->evidence, x->title, x->target.name, x->target.path};
        for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++)
            if (texts[k] && strstr(texts[k], needle))
                fail_msg("%s shows \"%s\": %s", x->check_id, needle, texts[k]);
    }
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

/* The base image's root file system is ADDed into / as the first layer:
 * how every base image starts, not the image author's ADD. */
static const char good_config[] =
    "{\"config\":{\"User\":\"app:app\",\"Env\":[\"PATH=/bin\",\"PASSWORD_FILE=/run/secrets/pw\","
    "\"TOKEN=${TOKEN}\"],"
    "\"Labels\":{\"org.opencontainers.image.base.name\":\"registry.example.com/base/debian:12\"},"
    "\"ExposedPorts\":{\"8080/tcp\":{}},"
    "\"Healthcheck\":{\"Test\":[\"CMD\",\"/healthz\"]},\"Cmd\":[\"/app/server\"]},"
    "\"history\":[{\"created_by\":\"/bin/sh -c #(nop) ADD file:abc in / \"},"
    "{\"created_by\":\"/bin/sh -c #(nop)  CMD [\\\"bash\\\"]\",\"empty_layer\":true},"
    "{\"created_by\":\"/bin/sh -c apt-get update && apt-get install -y curl\"},"
    "{\"created_by\":\"/bin/sh -c echo ADD https://example.org/x is only text\"},"
    "{\"created_by\":\"COPY app /app # buildkit\"}]}";

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
                             "toor:x:0:0:root again:/root:/bin/sh\n"
                             "zero:x:00:0:uid spelled 00:/:/bin/sh\n"
                             "app:x:1000:1000::/app:/bin/sh\n";

static void test_config_fail(void **state)
{
    (void)state;
    ld_strlist trusted = {0};
    ld_strlist_push(&trusted, "registry.example.com/base");
    ld_image_facts f = {.config_json = bad_config, .reference = "docker:shop/web",
                        .passwd = {passwd, sizeof(passwd) - 1, 0}, .trusted_registries = &trusted};
    ld_findings *fs = run(&f);
    assert_int_equal(count(fs, "image.user-nonroot", LD_STATUS_FAIL, "uid 0"), 1);
    assert_int_equal(count(fs, "image.healthcheck", LD_STATUS_FAIL, "NONE"), 1);
    assert_int_equal(count(fs, "image.add-instruction", LD_STATUS_FAIL, "https://example.org"), 1);
    assert_int_equal(count(fs, "image.update-alone", LD_STATUS_FAIL, "apt-get update"), 1);
    assert_int_equal(count(fs, "image.tag-latest", LD_STATUS_FAIL, "no tag"), 1);
    assert_int_equal(count(fs, "image.base-trusted", LD_STATUS_FAIL, "outside"), 1);
    assert_int_equal(count(fs, "image.sensitive-port", LD_STATUS_FAIL, NULL), 2);
    /* DB_PASSWORD by name, the npm token by rule, once although in two entries */
    assert_int_equal(count(fs, "image.config-secrets", LD_STATUS_FAIL, NULL), 2);
    assert_int_equal(count(fs, "image.config-secrets", LD_STATUS_FAIL, "npm-access-token"), 1);
    /* a failing check has no pass beside it */
    assert_int_equal(count(fs, "image.config-secrets", LD_STATUS_PASS, NULL), 0);
    assert_int_equal(count(fs, "image.add-instruction", LD_STATUS_PASS, NULL), 0);
    never_shows(fs, "Zr8!kq2Lm#9x");
    never_shows(fs, "Qw8Er4Ty2Ui6Op0As3Df7");
    ld_findings_free(fs);
    ld_strlist_clear(&trusted);
}

static void test_config_pass(void **state)
{
    (void)state;
    ld_strlist trusted = {0};
    ld_strlist_push(&trusted, "registry.example.com/base");
    ld_image_facts f = {.config_json = good_config, .reference = "shop/web@sha256:0123",
                        .passwd = {passwd, sizeof(passwd) - 1, 0}, .trusted_registries = &trusted};
    ld_findings *fs = run(&f);
    static const char *const ids[] = {LD_IMAGE_CONFIG_CHECKS};
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        if (count(fs, ids[i], LD_STATUS_PASS, NULL) != 1 ||
            count(fs, ids[i], LD_STATUS_FAIL, NULL) != 0)
            fail_msg("%s does not pass", ids[i]);
    }
    assert_int_equal(count(fs, "image.user-nonroot", LD_STATUS_PASS, "uid 1000 (app)"), 1);
    assert_int_equal(count(fs, "image.add-instruction", LD_STATUS_PASS, "root file system"), 1);
    ld_findings_free(fs);
    ld_strlist_clear(&trusted);
    /* numeric uid 0 and "root" fail; trusted list empty: not assessed (an
     * error finding that says why), never a pass */
    ld_image_facts g = {.config_json = "{\"config\":{\"User\":\"0:0\"},\"history\":[]}",
                        .reference = "web:latest"};
    fs = run(&g);
    assert_int_equal(count(fs, "image.user-nonroot", LD_STATUS_FAIL, NULL), 1);
    assert_int_equal(count(fs, "image.tag-latest", LD_STATUS_FAIL, "latest"), 1);
    assert_int_equal(count(fs, "image.base-trusted", LD_STATUS_ERROR, "trusted-registries"), 1);
    assert_int_equal(count(fs, "image.base-trusted", LD_STATUS_PASS, NULL), 0);
    assert_int_equal(count(fs, "image.healthcheck", LD_STATUS_FAIL, NULL), 1);
    ld_findings_free(fs);
    /* no config (dir:): not applicable, not failed */
    ld_image_facts d = {.config_json = NULL, .reference = "dir:/x"};
    fs = run(&d);
    assert_int_equal(count(fs, "image.user-nonroot", LD_STATUS_SKIPPED, NULL), 1);
    assert_int_equal(count(fs, "image.tag-latest", LD_STATUS_SKIPPED, NULL), 1);
    ld_findings_free(fs);
    /* a configuration that does not parse: not assessed */
    ld_image_facts b = {.config_json = "[1,2", .reference = "docker:web:1"};
    fs = run(&b);
    assert_int_equal(count(fs, "image.user-nonroot", LD_STATUS_ERROR, "does not parse"), 1);
    assert_int_equal(count(fs, "image.user-nonroot", LD_STATUS_PASS, NULL), 0);
    ld_findings_free(fs);
}

/* One history entry's image.add-instruction verdict: status, severity. */
static void expect_add(const char *history_json, ld_status st, ld_severity sev, const char *needle)
{
    char *cfg = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&cfg, &n);
    assert_non_null(m);
    fprintf(m, "{\"config\":{\"User\":\"app\"},\"history\":[%s]}", history_json);
    fclose(m);
    ld_image_facts f = {.config_json = cfg, .reference = "docker:web:1"};
    ld_findings *fs = run(&f);
    const ld_finding *x = nth(fs, "image.add-instruction", st, needle, 0);
    if (!x)
        fail_msg("no image.add-instruction %s with \"%s\" for %s", ld_status_name(st),
                 needle ? needle : "", history_json);
    assert_int_equal(count(fs, "image.add-instruction",
                           st == LD_STATUS_PASS ? LD_STATUS_FAIL : LD_STATUS_PASS, NULL),
                     0);
    if (st == LD_STATUS_FAIL && x->severity != sev)
        fail_msg("%s: severity %s, expected %s", history_json, ld_severity_name(x->severity),
                 ld_severity_name(sev));
    ld_findings_free(fs);
    free(cfg);
}

#define BASE_LAYER "{\"created_by\":\"/bin/sh -c #(nop) ADD file:0d1f in / \"},"

static void test_add_instruction(void **state)
{
    (void)state;
    /* CIS 4.9: any ADD is a finding; a remote source nothing pins is the worse one */
    expect_add(BASE_LAYER "{\"created_by\":\"ADD https://example.org/tool.tgz /opt/ # buildkit\"}",
               LD_STATUS_FAIL, LD_SEV_MEDIUM, "no --checksum");
    expect_add(BASE_LAYER "{\"created_by\":\"ADD git@github.com:moby/buildkit.git /src # "
                          "buildkit\"}",
               LD_STATUS_FAIL, LD_SEV_MEDIUM, "git@github.com");
    expect_add(BASE_LAYER
               "{\"created_by\":\"ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd"
               "869a9b2945d1036d1dc68d https://example.org/a /a # buildkit\"}",
               LD_STATUS_FAIL, LD_SEV_LOW, "pinned URL");
    expect_add(BASE_LAYER "{\"created_by\":\"ADD https://github.com/moby/buildkit.git#"
                          "3f4d0e9e0a1b2c3d4e5f60718293a4b5c6d7e8f9 /src # buildkit\"}",
               LD_STATUS_FAIL, LD_SEV_LOW, "pinned URL");
    /* local: a legacy-builder entry (file:<hash> says nothing more) and BuildKit's */
    expect_add(BASE_LAYER "{\"created_by\":\"/bin/sh -c #(nop) ADD file:9a8b7c in /app/ \"}",
               LD_STATUS_FAIL, LD_SEV_LOW, "local files or an archive");
    expect_add(BASE_LAYER "{\"created_by\":\"ADD app.tar.gz /opt/ # buildkit\"}", LD_STATUS_FAIL,
               LD_SEV_LOW, "app.tar.gz");
    /* ADD into / is only exempt as the first layer */
    expect_add("{\"created_by\":\"RUN /bin/sh -c true # buildkit\"},"
               "{\"created_by\":\"ADD rootfs.tar /  # buildkit\"}",
               LD_STATUS_FAIL, LD_SEV_LOW, "history entry 1");
    /* not ADD instructions: a base image's root file system, COPY, a RUN that says ADD */
    expect_add(BASE_LAYER "{\"created_by\":\"COPY app.tgz /opt/ # buildkit\"},"
                          "{\"created_by\":\"/bin/sh -c echo ADD https://x/y\"},"
                          "{\"created_by\":\"RUN /bin/sh -c echo ADD x /y # buildkit\"}",
               LD_STATUS_PASS, LD_SEV_LOW, "no ADD in 4 history entries");
}

/* Planted secrets, as a build leaves them in history, Env, labels, User
 * and Healthcheck: no finding text may show them. */
#define GH_TOKEN "ghp_R4nd0mT0k3nV4lu3F0rT3st1ngAbCdEf0123"
#define AWS_SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

static void test_evidence_masked(void **state)
{
    (void)state;
    static const char cfg[] =
        "{\"config\":{\"User\":\"app\","
        "\"Env\":[\"GITHUB_TOKEN=" GH_TOKEN "\"],"
        "\"Labels\":{\"org.opencontainers.image.base.name\":"
        "\"https://bob:Hunt3rTw0Pw@registry.example.com/base:1\"},"
        "\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"curl -fsS -H 'Authorization: Bearer " GH_TOKEN
        "' http://localhost/\"]}},"
        "\"history\":["
        "{\"created_by\":\"/bin/sh -c #(nop)  ARG TOKEN=" GH_TOKEN "\",\"empty_layer\":true},"
        "{\"created_by\":\"|1 TOKEN=" GH_TOKEN " /bin/sh -c apt-get update\"},"
        "{\"created_by\":\"/bin/sh -c printf 'aws_secret_access_key = " AWS_SECRET "' > f\"},"
        "{\"created_by\":\"ADD https://user:S3cr3tPassw0rd@example.org/x.tgz /x # buildkit\"},"
        "{\"created_by\":\"RUN /bin/sh -c apt-get update # buildkit\"}]}";
    ld_strlist trusted = {0};
    ld_strlist_push(&trusted, "registry.example.com/base");
    ld_image_facts f = {
        .config_json = cfg, .reference = "docker:web:1", .trusted_registries = &trusted};
    ld_findings *fs = run(&f);
    /* the checks saw what they were meant to see */
    assert_int_equal(count(fs, "image.update-alone", LD_STATUS_FAIL, NULL), 2);
    assert_int_equal(count(fs, "image.add-instruction", LD_STATUS_FAIL, NULL), 1);
    assert_int_equal(count(fs, "image.healthcheck", LD_STATUS_PASS, "Authorization: Bearer ghp_"),
                     1);
    assert_true(count(fs, "image.config-secrets", LD_STATUS_FAIL, "github-pat") >= 1);
    /* and no finding shows a secret */
    never_shows(fs, "R4nd0mT0k3nV4lu3");
    never_shows(fs, "K7MDENG/bPxRfiCY");
    never_shows(fs, "Hunt3rTw0Pw");
    never_shows(fs, "S3cr3tPassw0rd");
    ld_findings_free(fs);
    ld_strlist_clear(&trusted);
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
    ld_findings *fs = run(&f);
    assert_int_equal(count(fs, "image.ssh-server", LD_STATUS_FAIL, "/usr/sbin/sshd"), 1);
    assert_int_equal(count(fs, "image.sudo", LD_STATUS_FAIL, "/usr/bin/sudo"), 1);
    assert_int_equal(count(fs, "image.setuid-files", LD_STATUS_FAIL, "setuid"), 1);
    assert_int_equal(count(fs, "image.world-writable", LD_STATUS_FAIL, "/srv/data/notes"), 1);
    assert_int_equal(count(fs, "image.world-writable", LD_STATUS_FAIL, "/tmp"), 0);
    assert_int_equal(count(fs, "image.package-cache", LD_STATUS_FAIL, "apt package cache"), 1);
    assert_int_equal(count(fs, "image.package-cache", LD_STATUS_FAIL, "pip cache"), 1);
    assert_int_equal(count(fs, "image.package-cache", LD_STATUS_FAIL, "apt package lists"), 0);
    assert_int_equal(count(fs, "image.empty-password", LD_STATUS_FAIL, "toor"), 1);
    assert_int_equal(count(fs, "image.uid0-accounts", LD_STATUS_FAIL, "toor"), 1);
    /* uid "00" is root to the C library, so it is root here too */
    assert_int_equal(count(fs, "image.uid0-accounts", LD_STATUS_FAIL, "\"zero\""), 1);
    ld_findings_free(fs);
    ld_image_scan_clear(&res);

    /* the same tree cleaned up: every file check passes */
    rm_tree(dir);
    assert_int_equal(mkdir(dir, 0755), 0);
    put_file(dir, "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n",
             0644);
    put_file(dir, "/etc/shadow", "root:*:1::::::\napp:!:1::::::\n", 0640);
    put_file(dir, "/usr/bin/app", "#!/bin/sh\n", 0755);
    assert_int_equal(ld_image_scan_read(target, &opt, &res, &err), 0);
    /* a directory is named by its path (here a relative one): no tag to judge */
    ld_image_facts g = {.img = res.img, .reference = "srv/rootfs"};
    for (size_t i = 0; i < res.n_accounts; i++) {
        ld_image_text_file t = {res.accounts[i].data, res.accounts[i].len, res.accounts[i].layer};
        if (res.accounts[i].which == 0)
            g.passwd = t;
        else
            g.shadow = t;
    }
    fs = run(&g);
    static const char *const ids[] = {LD_IMAGE_FILE_CHECKS};
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
        if (count(fs, ids[i], LD_STATUS_PASS, NULL) != 1 ||
            count(fs, ids[i], LD_STATUS_FAIL, NULL) != 0)
            fail_msg("%s does not pass", ids[i]);
    assert_int_equal(count(fs, "image.tag-latest", LD_STATUS_SKIPPED, "no image reference"), 1);
    ld_findings_free(fs);
    ld_image_scan_clear(&res);
    rm_tree(dir);
}

static void test_redact(void **state)
{
    (void)state;
    /* build-argument values, whatever their names, masked as a secret finding masks */
    char *r = ld_image_history_redact("|2 A=secret1 B=secret2 /bin/sh -c echo A=visible");
    assert_string_equal(r, "|2 A=******* B=******* /bin/sh -c echo A=visible");
    free(r);
    r = ld_image_history_redact("/bin/sh -c #(nop)  ARG TOKEN=abc");
    assert_string_equal(r, "/bin/sh -c #(nop)  ARG TOKEN=****");
    free(r);
    r = ld_image_history_redact("ARG TOKEN=" GH_TOKEN " # buildkit");
    assert_null(strstr(r, "R4nd0mT0k3n"));
    assert_non_null(strstr(r, "ARG TOKEN=ghp_****"));
    free(r);
    r = ld_image_history_redact("/bin/sh -c #(nop)  ENV DB_PASSWORD=x HOME=/root");
    assert_string_equal(r, "/bin/sh -c #(nop)  ENV DB_PASSWORD=**** HOME=/root");
    free(r);
    /* a secret in a RUN command: the rules find it, as in a file */
    r = ld_image_history_redact("/bin/sh -c printf 'aws_secret_access_key = " AWS_SECRET "' > f");
    assert_null(strstr(r, "K7MDENG"));
    assert_non_null(strstr(r, "/bin/sh -c printf 'aws_secret_access_key = wJal"));
    assert_non_null(strstr(r, "' > f"));
    /* masking what is masked changes nothing */
    char *again = ld_image_history_redact(r);
    assert_string_equal(again, r);
    free(again);
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
        cmocka_unit_test(test_config_fail),     cmocka_unit_test(test_config_pass),
        cmocka_unit_test(test_add_instruction), cmocka_unit_test(test_evidence_masked),
        cmocka_unit_test(test_files),           cmocka_unit_test(test_redact),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
