/* Unit tests for the AWS credentials chain (src/aws/credentials*.c) and its
 * INI reader (src/aws/aws_ini.c): the environment; the shared credentials
 * and config files with their section rules ([x] vs [profile x] /
 * [default]), case-insensitive names, comments and continuation lines;
 * --profile over the environment; missing, half and indirect (role_arn,
 * SSO, web identity) profiles refused with the export command; expired
 * credentials refused naming the source and the time; credential_process
 * run without a shell (quoted arguments, failures, oversized output);
 * container credentials from a local HTTP server on 127.0.0.1 (the token
 * header checked, non-loopback http refused); IMDSv2 against the same kind
 * of local server through AWS_EC2_METADATA_SERVICE_ENDPOINT (the real
 * 169.254.169.254 is not reachable here), and AWS_EC2_METADATA_DISABLED
 * skipping it. No message may hold a secret. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_skip.h"

#include "aws/aws_ini.h"
#include "aws/credentials.h"
#include "aws/credentials_internal.h"
#include "util/mem.h"

#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define SECRET2 "SeCrEtFromFile0000000000000000000000000"
#define TOKEN "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN"
#define NOW ((time_t)1764880000) /* 2025-12-04T20:26:40Z */

static char tmpdir[256];

static void write_file(const char *name, const char *text, mode_t mode)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

static char *tmp_path(const char *name)
{
    return ld_xasprintf("%s/%s", tmpdir, name);
}

static const char *const aws_vars[] = {
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_PROFILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_CONFIG_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_EC2_METADATA_DISABLED",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
};

/* A fresh HOME with no ~/.aws, and no AWS_* variable set. */
static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/ld-aws-creds.XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    for (size_t i = 0; i < sizeof(aws_vars) / sizeof(aws_vars[0]); i++)
        unsetenv(aws_vars[i]);
    setenv("HOME", tmpdir, 1);
    char aws[300];
    snprintf(aws, sizeof(aws), "%s/.aws", tmpdir);
    mkdir(aws, 0700);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char *argv[] = {"rm", "-rf", tmpdir, NULL};
    pid_t p = fork();
    if (p == 0) {
        execv("/bin/rm", argv);
        _exit(127);
    }
    waitpid(p, NULL, 0);
    return 0;
}

static int resolve(const char *profile, ld_aws_credentials *c, ld_error *err)
{
    ld_aws_credentials_options o = {0};
    o.profile = profile;
    o.now = NOW;
    o.no_metadata = true;
    return ld_aws_credentials_resolve(&o, c, err);
}

static void no_secret_in(const ld_error *err)
{
    assert_null(strstr(err->msg, SECRET));
    assert_null(strstr(err->msg, SECRET2));
    assert_null(strstr(err->msg, TOKEN));
}

/* ---- INI ---- */

static void ini_sections_names_comments(void **state)
{
    (void)state;
    const char text[] = "\xEF\xBB\xBF# comment\r\n"
                        "; another\n"
                        "[default]\r\n"
                        "AWS_Access_Key_ID = AKIA1\r\n"
                        "region: eu-west-1\n"
                        "note = a # not a comment\n"
                        "\n"
                        "[ profile ci ]\n"
                        "s3 =\n"
                        "  max_concurrent_requests = 20\n"
                        "  addressing_style = path\n"
                        "[default]\n"
                        "output = json\n";
    ld_aws_ini ini;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_aws_ini_parse("t", text, sizeof(text) - 1, &ini, &err), 0);
    assert_int_equal(ini.n, 2);
    const ld_aws_ini_section *d = ld_aws_ini_section_find(&ini, "default");
    assert_non_null(d);
    assert_string_equal(ld_aws_ini_get(d, "aws_access_key_id"), "AKIA1");
    assert_string_equal(ld_aws_ini_get(d, "REGION"), "eu-west-1");
    assert_string_equal(ld_aws_ini_get(d, "note"), "a # not a comment");
    assert_string_equal(ld_aws_ini_get(d, "output"), "json"); /* merged */
    const ld_aws_ini_section *ci = ld_aws_ini_section_find(&ini, "profile ci");
    assert_non_null(ci);
    assert_string_equal(ld_aws_ini_get(ci, "s3"),
                        "\nmax_concurrent_requests = 20\naddressing_style = path");
    assert_null(ld_aws_ini_section_find(&ini, "Default")); /* section names keep their case */
    ld_aws_ini_clear(&ini);
}

static void ini_hostile(void **state)
{
    (void)state;
    ld_aws_ini ini;
    ld_error err = LD_ERROR_INIT;
    const char *dup = "[a]\nkey = " SECRET "\nKEY = " SECRET2 "\n";
    assert_int_equal(ld_aws_ini_parse("f", dup, strlen(dup), &ini, &err), LD_ERR_CORRUPT);
    assert_string_equal(err.msg, "f line 3: setting repeated in the same section");
    assert_int_equal(ini.n, 0);
    no_secret_in(&err);

    const char *before = "key = " SECRET "\n[a]\n";
    assert_int_equal(ld_aws_ini_parse("f", before, strlen(before), &ini, &err), LD_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "line 1: setting before the first [section]"));
    no_secret_in(&err);

    const char *junk = "[a]\n" SECRET "\n";
    assert_int_equal(ld_aws_ini_parse("f", junk, strlen(junk), &ini, &err), LD_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "line 2"));
    no_secret_in(&err);

    assert_int_equal(ld_aws_ini_parse("f", "[a\n", 3, &ini, &err), LD_ERR_CORRUPT);
    assert_int_equal(ld_aws_ini_parse("f", "[ ]\n", 4, &ini, &err), LD_ERR_CORRUPT);
    assert_int_equal(ld_aws_ini_parse("f", "[a]\nk=v\0x", 9, &ini, &err), LD_ERR_CORRUPT);

    size_t big = LD_AWS_INI_MAX_BYTES + 1;
    char *text = ld_xmalloc(big);
    memset(text, '#', big);
    assert_int_equal(ld_aws_ini_parse("f", text, big, &ini, &err), LD_ERR_LIMIT);
    assert_int_equal(ld_aws_ini_parse("f", text, big - 1, &ini, &err), 0);
    free(text);
    ld_aws_ini_clear(&ini);
}

/* ---- environment and files ---- */

static void env_keys(void **state)
{
    (void)state;
    setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", SECRET, 1);
    setenv("AWS_SESSION_TOKEN", TOKEN, 1);
    setenv("AWS_CREDENTIAL_EXPIRATION", "2025-12-04T21:26:40Z", 1);
    ld_aws_credentials c;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(resolve(NULL, &c, &err), 0);
    assert_string_equal(c.access_key_id, "AKIAENV");
    assert_string_equal(c.secret_access_key, SECRET);
    assert_string_equal(c.session_token, TOKEN);
    assert_string_equal(c.source, "environment");
    assert_int_equal(c.expiration, NOW + 3600);
    ld_aws_credentials_clear(&c);
    assert_null(c.secret_access_key);

    /* expired: refused, naming the source and the time */
    setenv("AWS_CREDENTIAL_EXPIRATION", "2025-12-04T20:27:00Z", 1);
    assert_int_equal(resolve(NULL, &c, &err), LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "the credentials from environment expire at "
                                    "2025-12-04T20:27:00Z, within a minute"));
    setenv("AWS_CREDENTIAL_EXPIRATION", "2025-12-04T18:00:00+00:00", 1);
    assert_int_equal(resolve(NULL, &c, &err), LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "expired at 2025-12-04T18:00:00Z"));
    no_secret_in(&err);
    assert_null(c.access_key_id);

    unsetenv("AWS_CREDENTIAL_EXPIRATION");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    assert_int_equal(resolve(NULL, &c, &err), LD_ERR_INVALID);
    assert_string_equal(err.msg,
                        "environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
}

static void files_and_profiles(void **state)
{
    (void)state;
    write_file(".aws/credentials",
               "[default]\naws_access_key_id = AKIADEF\naws_secret_access_key = " SECRET "\n"
               "[ci]\nAWS_ACCESS_KEY_ID=AKIACI\nAws_Secret_Access_Key=" SECRET2 "\n"
               "aws_session_token = " TOKEN "\n"
               "[profile other]\naws_access_key_id = WRONG\naws_secret_access_key = WRONG\n",
               0600);
    write_file(".aws/config",
               "[default]\nregion = us-west-2\n"
               "[profile ci]\nregion = eu-central-1\n"
               "[profile cfg]\naws_access_key_id = AKIACFG\naws_secret_access_key = " SECRET2
               "\nregion = ap-south-1\n"
               "[cfgplain]\naws_access_key_id = NOPE\naws_secret_access_key = NOPE\n",
               0600);
    ld_aws_credentials c;
    ld_error err = LD_ERROR_INIT;
    char *cred = tmp_path(".aws/credentials"), *conf = tmp_path(".aws/config");

    assert_int_equal(resolve(NULL, &c, &err), 0);
    assert_string_equal(c.access_key_id, "AKIADEF");
    assert_null(c.session_token);
    assert_string_equal(c.region, "us-west-2");
    char *want = ld_xasprintf("shared credentials file %s [default]", cred);
    assert_string_equal(c.source, want);
    free(want);
    ld_aws_credentials_clear(&c);

    /* names case-insensitive; the region comes from [profile ci] */
    setenv("AWS_PROFILE", "ci", 1);
    assert_int_equal(resolve(NULL, &c, &err), 0);
    assert_string_equal(c.access_key_id, "AKIACI");
    assert_string_equal(c.session_token, TOKEN);
    assert_string_equal(c.region, "eu-central-1");
    ld_aws_credentials_clear(&c);
    unsetenv("AWS_PROFILE");

    /* keys in the config file's [profile cfg] */
    assert_int_equal(resolve("cfg", &c, &err), 0);
    assert_string_equal(c.access_key_id, "AKIACFG");
    want = ld_xasprintf("config file %s [profile cfg]", conf);
    assert_string_equal(c.source, want);
    free(want);
    ld_aws_credentials_clear(&c);

    /* in the config file [cfgplain] is not a profile; in the credentials
       file [profile other] is the profile "profile other", not "other" */
    assert_int_equal(resolve("cfgplain", &c, &err), LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "AWS profile 'cfgplain' is in neither"));
    assert_int_equal(resolve("other", &c, &err), LD_ERR_INVALID);

    /* --profile wins over the environment's keys; AWS_PROFILE does not */
    setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", SECRET, 1);
    assert_int_equal(resolve("ci", &c, &err), 0);
    assert_string_equal(c.access_key_id, "AKIACI");
    ld_aws_credentials_clear(&c);
    setenv("AWS_PROFILE", "ci", 1);
    assert_int_equal(resolve(NULL, &c, &err), 0);
    assert_string_equal(c.access_key_id, "AKIAENV");
    ld_aws_credentials_clear(&c);

    /* the files named by the environment */
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    unsetenv("AWS_PROFILE");
    write_file("alt-creds", "[default]\naws_access_key_id = AKIAALT\naws_secret_access_key = x\n",
               0600);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "~/alt-creds", 1);
    assert_int_equal(resolve(NULL, &c, &err), 0);
    assert_string_equal(c.access_key_id, "AKIAALT");
    ld_aws_credentials_clear(&c);
    free(cred);
    free(conf);
}

static void half_indirect_and_missing(void **state)
{
    (void)state;
    write_file(".aws/credentials", "[half]\naws_access_key_id = AKIAHALF\n", 0600);
    write_file(".aws/config",
               "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = "
               "default\n"
               "[profile sso]\nsso_session = corp\nsso_account_id = 1\n"
               "[profile wid]\nweb_identity_token_file = /var/run/token\n"
               "[profile empty]\nregion = us-east-1\n",
               0600);
    ld_aws_credentials c;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(resolve("half", &c, &err), LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "has aws_access_key_id but no aws_secret_access_key"));
    assert_int_equal(resolve("role", &c, &err), LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "uses role_arn"));
    assert_non_null(
        strstr(err.msg, "aws configure export-credentials --profile role --format env"));
    assert_int_equal(resolve("sso", &c, &err), LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "uses sso_session"));
    assert_int_equal(resolve("wid", &c, &err), LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "uses web_identity_token_file"));
    assert_int_equal(resolve("empty", &c, &err), LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "has no credentials"));
    assert_int_equal(resolve("nosuch", &c, &err), LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "'nosuch' is in neither"));

    /* nothing anywhere: NOT_FOUND listing where it looked */
    char *cred = tmp_path(".aws/credentials");
    unlink(cred);
    free(cred);
    assert_int_equal(resolve(NULL, &c, &err), LD_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "no AWS credentials found; looked in the environment"));
    assert_non_null(strstr(err.msg, "/.aws/credentials [default]"));

    /* a malformed file is an error, not "no credentials" */
    write_file(".aws/credentials", "[default]\naws_secret_access_key " SECRET "\n", 0600);
    assert_int_equal(resolve(NULL, &c, &err), LD_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "credentials line 2"));
    no_secret_in(&err);
}

/* ---- credential_process ---- */

static void split_command(void **state)
{
    (void)state;
    ld_strlist l = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(
        ld_aws_split_command("  /bin/tool --a 'b c' \"d \\\"e\\\" f\" g\\ h '' x\"y\"z ", &l, &err),
        0);
    const char *want[] = {"/bin/tool", "--a", "b c", "d \"e\" f", "g h", "", "xyz"};
    assert_int_equal(l.n, 7);
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(l.v[i], want[i]);
    ld_strlist_clear(&l);
    assert_int_equal(ld_aws_split_command("tool 'open", &l, &err), LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "unclosed single quote"));
    assert_int_equal(ld_aws_split_command("   ", &l, &err), LD_ERR_INVALID);
    ld_strlist_clear(&l);
}

static void credential_process(void **state)
{
    (void)state;
    /* the script checks that its quoted argument arrived whole (no shell,
       argv split the CLI's way) and that it was not given a terminal */
    write_file(
        "proc.sh",
        "#!/bin/sh\n"
        "[ \"$1\" = 'a b;$(id)' ] || { echo \"bad arg: $1\" >&2; exit 3; }\n"
        "case \"$2\" in\n"
        " ok) printf '{\"Version\": 1, \"AccessKeyId\": \"AKIAPROC\", \"SecretAccessKey\": "
        "\"" SECRET "\", \"SessionToken\": \"" TOKEN "\", \"Expiration\": "
        "\"2025-12-04T22:00:00Z\"}' ;;\n"
        " expired) printf '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": "
        "\"" SECRET "\", \"Expiration\": \"2025-12-04T20:00:00Z\"}' ;;\n"
        " v2) printf '{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"B\"}' ;;\n"
        " junk) echo '" SECRET "' ;;\n"
        " big) head -c 70000 /dev/zero | tr '\\0' x ;;\n"
        " fail) echo 'token expired, run aws sso login' >&2; exit 2 ;;\n"
        "esac\n",
        0700);
    char *script = tmp_path("proc.sh");
    const char *modes[] = {"ok", "expired", "v2", "junk", "big", "fail"};
    char *conf = NULL;
    for (size_t i = 0; i < 6; i++) {
        char *line = ld_xasprintf("[profile p%zu]\ncredential_process = %s 'a b;$(id)' %s\n", i,
                                  script, modes[i]);
        char *old = conf;
        conf = ld_xasprintf("%s%s", old ? old : "", line);
        free(old);
        free(line);
    }
    write_file(".aws/config", conf, 0600);
    free(conf);
    ld_aws_credentials c;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(resolve("p0", &c, &err), 0);
    assert_string_equal(c.access_key_id, "AKIAPROC");
    assert_string_equal(c.secret_access_key, SECRET);
    assert_string_equal(c.session_token, TOKEN);
    assert_non_null(strstr(c.source, "credential_process of profile p0"));
    ld_aws_credentials_clear(&c);

    assert_int_equal(resolve("p1", &c, &err), LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "credential_process of profile p1"));
    assert_non_null(strstr(err.msg, "expired at 2025-12-04T20:00:00Z"));
    assert_int_equal(resolve("p2", &c, &err), LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "\"Version\" is not 1"));
    assert_int_equal(resolve("p3", &c, &err), LD_ERR_CORRUPT);
    no_secret_in(&err);
    assert_int_equal(resolve("p4", &c, &err), LD_ERR_LIMIT);
    assert_int_equal(resolve("p5", &c, &err), LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "exited with status 2: token expired, run aws sso login"));
    free(script);
}

/* ---- a local HTTP server for the endpoints ---- */

typedef struct {
    const char *method_path; /* "GET /creds" */
    int status;
    const char *body;
} route;

/* Serves n connections on 127.0.0.1 from a child process, one request each,
 * writing every request head to log. Returns the port; *pid the child. */
static int serve(const route *routes, size_t nroutes, int n, const char *log, pid_t *pid)
{
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(s >= 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(s, 8), 0);
    socklen_t al = sizeof(a);
    getsockname(s, (struct sockaddr *)&a, &al);
    *pid = fork();
    assert_true(*pid >= 0);
    if (*pid == 0) {
        alarm(10);
        FILE *lf = fopen(log, "w");
        for (int k = 0; k < n; k++) {
            int c = accept(s, NULL, NULL);
            if (c < 0)
                _exit(1);
            char req[8192];
            size_t got = 0;
            while (got < sizeof(req) - 1) {
                ssize_t r = read(c, req + got, sizeof(req) - 1 - got);
                if (r <= 0)
                    break;
                got += (size_t)r;
                req[got] = '\0';
                if (strstr(req, "\r\n\r\n"))
                    break;
            }
            req[got] = '\0';
            if (lf) {
                fputs(req, lf);
                fflush(lf);
            }
            int status = 404;
            const char *body = "not here";
            for (size_t i = 0; i < nroutes; i++) {
                size_t ml = strlen(routes[i].method_path);
                if (!strncmp(req, routes[i].method_path, ml) && req[ml] == ' ') {
                    status = routes[i].status;
                    body = routes[i].body;
                }
            }
            char head[256];
            int hl = snprintf(head, sizeof(head),
                              "HTTP/1.1 %d X\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
                              status, strlen(body));
            if (write(c, head, (size_t)hl) < 0 || write(c, body, strlen(body)) < 0)
                _exit(1);
            close(c);
        }
        _exit(0);
    }
    close(s);
    return ntohs(a.sin_port);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return ld_xstrdup("");
    char *buf = ld_xcalloc(1, 65536);
    size_t n = fread(buf, 1, 65535, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int resolve_md(ld_aws_credentials *c, ld_error *err)
{
    ld_aws_credentials_options o = {0};
    o.now = NOW;
    return ld_aws_credentials_resolve(&o, c, err);
}

static void container_credentials(void **state)
{
    (void)state;
    const route r[] = {{"GET /v2/creds", 200,
                        "{\"AccessKeyId\": \"AKIACONT\", \"SecretAccessKey\": \"" SECRET
                        "\", \"Token\": \"" TOKEN "\", \"Expiration\": \"2025-12-04T23:00:00Z\", "
                        "\"RoleArn\": \"arn:aws:iam::1:role/task\"}"},
                       {"GET /expired", 200,
                        "{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"" SECRET
                        "\", \"Expiration\": \"2025-12-04T20:00:00Z\"}"},
                       {"GET /denied", 403, "{\"message\": \"no\"}"}};
    char *log = tmp_path("http.log");
    pid_t pid;
    int port = serve(r, 3, 4, log, &pid);
    write_file("token", "Bearer-" TOKEN "\n", 0600);
    char *tokfile = tmp_path("token");
    char *url = ld_xasprintf("http://127.0.0.1:%d/v2/creds", port);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokfile, 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    ld_aws_credentials c;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(resolve_md(&c, &err), 0);
    assert_string_equal(c.access_key_id, "AKIACONT");
    assert_string_equal(c.session_token, TOKEN);
    assert_int_equal(c.expiration, NOW + 9200);
    char *want = ld_xasprintf("container credentials endpoint %s", url);
    assert_string_equal(c.source, want);
    free(want);
    ld_aws_credentials_clear(&c);

    /* the token from AWS_CONTAINER_AUTHORIZATION_TOKEN when there is no file */
    unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "plain-token", 1);
    char *url2 = ld_xasprintf("http://localhost:%d/expired", port);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url2, 1);
    assert_int_equal(resolve_md(&c, &err), LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "expired at 2025-12-04T20:00:00Z"));
    assert_non_null(strstr(err.msg, "/expired"));
    char *url3 = ld_xasprintf("http://127.0.0.1:%d/denied", port);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url3, 1);
    assert_int_equal(resolve_md(&c, &err), LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "HTTP status 403"));
    no_secret_in(&err);
    assert_null(strstr(err.msg, "plain-token"));
    /* a line break in the token is refused before any request */
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "a\r\nX-Evil: 1", 1);
    assert_int_equal(resolve_md(&c, &err), LD_ERR_INVALID);
    /* the fourth connection: nothing listens for it, the server ends */
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "plain-token", 1);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
    assert_int_equal(resolve_md(&c, &err), 0);
    ld_aws_credentials_clear(&c);
    int st = 0;
    waitpid(pid, &st, 0);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);

    char *seen = slurp(log);
    assert_non_null(strstr(seen, "GET /v2/creds HTTP/1.1\r\n"));
    assert_non_null(strstr(seen, "Authorization: Bearer-" TOKEN "\r\n"));
    assert_non_null(strstr(seen, "Authorization: plain-token\r\n"));
    assert_null(strstr(seen, "X-Evil"));
    free(seen);

    /* http to anything but loopback (or AWS's link-local addresses) is refused */
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://10.0.0.5/creds", 1);
    assert_int_equal(resolve_md(&c, &err), LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "neither https nor http to a loopback"));
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1.evil.example/creds", 1);
    assert_int_equal(resolve_md(&c, &err), LD_ERR_INVALID);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "file:///etc/passwd", 1);
    assert_int_equal(resolve_md(&c, &err), LD_ERR_INVALID);
    free(url);
    free(url2);
    free(url3);
    free(tokfile);
    free(log);
}

static void imds_disabled_and_local(void **state)
{
    (void)state;
    ld_aws_credentials c;
    ld_error err = LD_ERROR_INIT;
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    /* an endpoint that would answer is not asked */
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1", 1);
    assert_int_equal(resolve_md(&c, &err), LD_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "instance metadata (AWS_EC2_METADATA_DISABLED=true)"));
    unsetenv("AWS_EC2_METADATA_DISABLED");

    /* IMDSv2 against a local stand-in: the real 169.254.169.254 is not
       reachable from these machines */
    const route r[] = {
        {"PUT /latest/api/token", 200, "IMDSTOKEN123"},
        {"GET /latest/meta-data/iam/security-credentials/", 200, "node-role\n"},
        {"GET /latest/meta-data/iam/security-credentials/node-role", 200,
         "{\"Code\": \"Success\", \"Type\": \"AWS-HMAC\", \"AccessKeyId\": \"AKIAIMDS\", "
         "\"SecretAccessKey\": \"" SECRET "\", \"Token\": \"" TOKEN
         "\", \"Expiration\": \"2025-12-05T02:00:00Z\"}"},
    };
    char *log = tmp_path("imds.log");
    pid_t pid;
    int port = serve(r, 3, 3, log, &pid);
    char *ep = ld_xasprintf("http://127.0.0.1:%d/", port);
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", ep, 1);
    assert_int_equal(resolve_md(&c, &err), 0);
    assert_string_equal(c.access_key_id, "AKIAIMDS");
    assert_string_equal(c.session_token, TOKEN);
    assert_non_null(strstr(c.source, "role node-role"));
    ld_aws_credentials_clear(&c);
    int st = 0;
    waitpid(pid, &st, 0);
    char *seen = slurp(log);
    assert_non_null(strstr(seen, "PUT /latest/api/token HTTP/1.1\r\n"));
    assert_non_null(strstr(seen, "X-aws-ec2-metadata-token-ttl-seconds: 21600\r\n"));
    assert_non_null(strstr(seen, "X-aws-ec2-metadata-token: IMDSTOKEN123\r\n"));
    free(seen);

    /* nothing listening: not found within the 1 s limit, saying so */
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1", 1);
    assert_int_equal(resolve_md(&c, &err), LD_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "instance metadata at http://127.0.0.1:1 (no answer"));
    free(ep);
    free(log);
}

static void rfc3339_and_region(void **state)
{
    (void)state;
    time_t t = 0;
    assert_int_equal(ld_aws_rfc3339_parse("2025-12-04T20:26:40Z", &t), 0);
    assert_int_equal(t, NOW);
    assert_int_equal(ld_aws_rfc3339_parse("2025-12-04T20:26:40.123456Z", &t), 0);
    assert_int_equal(t, NOW);
    assert_int_equal(ld_aws_rfc3339_parse("2025-12-04T22:26:40+02:00", &t), 0);
    assert_int_equal(t, NOW);
    assert_int_equal(ld_aws_rfc3339_parse("2025-12-04 20:26:40", &t), -1);
    assert_int_equal(ld_aws_rfc3339_parse("2025-13-04T20:26:40Z", &t), -1);
    assert_int_equal(ld_aws_rfc3339_parse("2025-12-04T20:26:40Zjunk", &t), -1);

    write_file(".aws/config", "[default]\nregion = us-west-2\n[profile x]\nregion = sa-east-1\n",
               0600);
    char *r = ld_aws_region_default(NULL);
    assert_string_equal(r, "us-west-2");
    free(r);
    r = ld_aws_region_default("x");
    assert_string_equal(r, "sa-east-1");
    free(r);
    setenv("AWS_DEFAULT_REGION", "eu-north-1", 1);
    r = ld_aws_region_default("x");
    assert_string_equal(r, "eu-north-1");
    free(r);
    setenv("AWS_REGION", "me-south-1", 1);
    r = ld_aws_region_default("x");
    assert_string_equal(r, "me-south-1");
    free(r);
    r = ld_aws_region_default("nosuch"); /* the environment wins over any profile */
    assert_string_equal(r, "me-south-1");
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(ini_sections_names_comments, setup, teardown),
        cmocka_unit_test_setup_teardown(ini_hostile, setup, teardown),
        cmocka_unit_test_setup_teardown(env_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(files_and_profiles, setup, teardown),
        cmocka_unit_test_setup_teardown(half_indirect_and_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(split_command, setup, teardown),
        cmocka_unit_test_setup_teardown(credential_process, setup, teardown),
        cmocka_unit_test_setup_teardown(container_credentials, setup, teardown),
        cmocka_unit_test_setup_teardown(imds_disabled_and_local, setup, teardown),
        cmocka_unit_test_setup_teardown(rfc3339_and_region, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
