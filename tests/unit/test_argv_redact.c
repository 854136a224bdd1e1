/* Unit tests for the command-line redaction of the audit trail
 * (core/argv_redact.c): option values by name (--password X,
 * --token=X, --creds user:pass, heuristic names such as --api-key),
 * lockdown's own options that only sound secret (--password-stdin,
 * --htpasswd FILE, --secret-max-bytes N) kept, URL credentials, KEY=VALUE
 * words, rule-shaped tokens, "--" operands, and hostile words (no value
 * after the option, embedded newlines, huge words, invalid UTF-8). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/argv_redact.h"
#include "util/mem.h"

/* The redacted argv joined by single spaces (caller frees). */
static char *redact_joined(int argc, char **argv)
{
    char **r = ld_argv_redact(argc, argv);
    size_t n = 1;
    for (int i = 0; i < argc; i++)
        n += strlen(r[i]) + 1;
    char *s = ld_xcalloc(n, 1);
    size_t at = 0;
    for (int i = 0; i < argc; i++) {
        if (i)
            s[at++] = ' ';
        size_t k = strlen(r[i]);
        memcpy(s + at, r[i], k);
        at += k;
    }
    s[at] = '\0';
    assert_null(r[argc]);
    ld_argv_free(r);
    return s;
}

#define REDACT(expect, ...)                                                                        \
    do {                                                                                           \
        char *args_[] = {__VA_ARGS__};                                                             \
        char *got_ = redact_joined((int)(sizeof(args_) / sizeof(args_[0])), args_);                \
        assert_string_equal(got_, expect);                                                         \
        free(got_);                                                                                \
    } while (0)

static void option_values(void **state)
{
    (void)state;
    REDACT("lockdown registry prune r --password REDACTED --apply", "lockdown", "registry", "prune",
           "r", "--password", "hunter2", "--apply");
    REDACT("lockdown x --password=REDACTED", "lockdown", "x", "--password=hunter2");
    REDACT("lockdown x --token REDACTED --identity-token=REDACTED", "lockdown", "x", "--token",
           "abc.def", "--identity-token=eyJhbGciOi");
    REDACT("skopeo copy --src-creds REDACTED a b", "skopeo", "copy", "--src-creds", "u:pw", "a",
           "b");
    /* names the secret-name rules recognise */
    REDACT("x --api-key REDACTED --client-secret=REDACTED", "x", "--api-key", "k",
           "--client-secret=s");
    /* a value that looks like an option is still the value */
    REDACT("x --password REDACTED --format json", "x", "--password", "--format", "--format",
           "json");
}

static void plain_options_kept(void **state)
{
    (void)state;
    REDACT("lockdown image sign r --password-stdin --key /k/signer.key", "lockdown", "image",
           "sign", "r", "--password-stdin", "--key", "/k/signer.key");
    REDACT("lockdown registry audit --htpasswd /etc/registry/htpasswd r", "lockdown", "registry",
           "audit", "--htpasswd", "/etc/registry/htpasswd", "r");
    REDACT("lockdown image scan --secret-max-bytes 100 img", "lockdown", "image", "scan",
           "--secret-max-bytes", "100", "img");
    REDACT("lockdown image scan --username bob img", "lockdown", "image", "scan", "--username",
           "bob", "img");
}

static void words(void **state)
{
    (void)state;
    REDACT("x https://registry.example.com/v2/", "x", "https://user:pw@registry.example.com/v2/");
    char *w = ld_argv_redact_word("https://h/api?access_token=t0k&page=2");
    assert_null(strstr(w, "t0k"));
    assert_non_null(strstr(w, "https://h/api?access_token="));
    free(w);
    REDACT("x DB_PASSWORD=REDACTED PATH=/usr/bin", "x", "DB_PASSWORD=s3cr3t", "PATH=/usr/bin");
    REDACT("x -a token=REDACTED -a env=prod", "x", "-a", "token=abc", "-a", "env=prod");
    REDACT("x --annotation=GITHUB_TOKEN=REDACTED", "x", "--annotation=GITHUB_TOKEN=ghp_x");
    /* a literal AWS key id: masked as image scan masks it */
    w = ld_argv_redact_word("AKIAIOSFODNN7EXAMPLE");
    assert_null(strstr(w, "IOSFODNN7EXAMPLE"));
    free(w);
    /* a digest and a path stay readable */
    w = ld_argv_redact_word(
        "registry.example.com/"
        "app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    assert_string_equal(
        w, "registry.example.com/"
           "app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    free(w);
    w = ld_argv_redact_word("/var/lib/lockdown/db.sqlite");
    assert_string_equal(w, "/var/lib/lockdown/db.sqlite");
    free(w);
    assert_null(ld_argv_redact_word(NULL));
}

static void operands_after_double_dash(void **state)
{
    (void)state;
    /* after "--" a word is an operand: "--password" there is a file name,
     * and the word after it is not its value */
    REDACT("x -- --password file", "x", "--", "--password", "file");
    /* but an operand still loses URL credentials */
    REDACT("x -- https://h/", "x", "--", "https://a:b@h/");
}

static void hostile(void **state)
{
    (void)state;
    /* the secret option is the last word: nothing follows to hide */
    REDACT("x --password", "x", "--password");
    REDACT("x --password= --token=", "x", "--password=", "--token=");
    /* an empty word, a word of dashes */
    REDACT("x  --- -", "x", "", "---", "-");
    /* a huge secret value never comes back */
    char *big = ld_xmalloc(100001);
    memset(big, 'A', 100000);
    big[100000] = '\0';
    char *args[] = {"x", "--password", big};
    char **r = ld_argv_redact(3, args);
    assert_string_equal(r[2], "REDACTED");
    ld_argv_free(r);
    free(big);
    /* invalid UTF-8 and control characters are kept as bytes (the trail's
     * JSON writer escapes them), secrets still found */
    REDACT("x \xff\n --token REDACTED", "x", "\xff\n", "--token", "\n");
    /* negative argc: an empty result */
    r = ld_argv_redact(-1, NULL);
    assert_null(r[0]);
    ld_argv_free(r);
    ld_argv_free(NULL);
}

static void secret_option_names(void **state)
{
    (void)state;
    assert_true(ld_argv_secret_option("password", 8));
    assert_true(ld_argv_secret_option("creds", 5));
    assert_true(ld_argv_secret_option("registry-token", 14));
    assert_false(ld_argv_secret_option("password-stdin", 14));
    assert_false(ld_argv_secret_option("htpasswd", 8));
    assert_false(ld_argv_secret_option("key", 3));
    assert_false(ld_argv_secret_option("", 0));
    /* n bounds the name: "password" out of "password-stdin" */
    assert_true(ld_argv_secret_option("password-stdin", 8));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(option_values), cmocka_unit_test(plain_options_kept),
        cmocka_unit_test(words),         cmocka_unit_test(operands_after_double_dash),
        cmocka_unit_test(hostile),       cmocka_unit_test(secret_option_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
