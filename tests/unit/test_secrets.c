/* Unit tests of the secret scanner (src/checks/secrets.c, secret_rules.c):
 * the built-in rules load, each family is found with its rule id and line,
 * masks never hold the secret, allow rules and precision cases (documented
 * example keys, hashes, lock files, UUIDs, random base64) stay quiet, and
 * hostile input (huge lines, regex-heavy content) ends normally. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "checks/secrets.h"

static ld_secret_ruleset *rules;

static int setup(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    rules = ld_secret_rules_new();
    if (ld_secret_rules_add_builtin(rules, &err) < 0 || ld_secret_rules_compile(rules, &err) < 0) {
        fprintf(stderr, "rules: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ld_secret_rules_free(rules);
    return 0;
}

/* Scans text as path; returns the hits (caller clears). */
static ld_secret_hits scan(const char *path, const char *text)
{
    ld_secret_hits h = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_secret_scan(rules, path, (const uint8_t *)text, strlen(text), &h, &err), 0);
    return h;
}

static void expect_one(const char *path, const char *text, const char *rule, int line,
                       const char *secret)
{
    ld_secret_hits h = scan(path, text);
    if (h.n != 1) {
        for (size_t i = 0; i < h.n; i++)
            fprintf(stderr, "  hit %s line %d %s\n", h.v[i].rule_id, h.v[i].line, h.v[i].masked);
        fail_msg("%s: expected one %s hit, got %zu", path, rule, h.n);
    }
    assert_string_equal(h.v[0].rule_id, rule);
    assert_int_equal(h.v[0].line, line);
    assert_null(strstr(h.v[0].masked, secret));
    if (strlen(secret) >= 16)
        assert_memory_equal(h.v[0].masked, secret, 4);
    ld_secret_hits_clear(&h);
}

static void expect_none(const char *path, const char *text)
{
    ld_secret_hits h = scan(path, text);
    for (size_t i = 0; i < h.n; i++)
        fprintf(stderr, "  unexpected %s line %d %s in %s\n", h.v[i].rule_id, h.v[i].line,
                h.v[i].masked, path);
    assert_int_equal(h.n, 0);
    ld_secret_hits_clear(&h);
}

static void test_rule_count(void **state)
{
    (void)state;
    assert_true(ld_secret_rules_count(rules) >= 60);
}

static void test_families(void **state)
{
    (void)state;
    expect_one("/app/.env", "# creds\nAWS_ACCESS_KEY_ID=AKIAZ7Q2LMXR4TNB3KPW\n",
               "aws-access-key-id", 2, "AKIAZ7Q2LMXR4TNB3KPW");
    expect_one("/root/.aws/credentials",
               "[default]\naws_secret_access_key = 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\n",
               "aws-secret-access-key", 2, "q8Rz3M1vKd0XbT7pLwYe5NcJ2hGfA9sU4iVoE6Hk");
    expect_one("/src/deploy.sh", "export GH=ghp_Zx81kQp0LmN4vB7cR2tY9wS3dF6gH1jK5aEu\n",
               "github-pat", 1, "ghp_Zx81kQp0LmN4vB7cR2tY9wS3dF6gH1jK5aEu");
    expect_one("/ci.yml", "token: glpat-Ab3dE6gH9jK2mN5pQ8sT\n", "gitlab-pat", 1,
               "glpat-Ab3dE6gH9jK2mN5pQ8sT");
    expect_one("/slack.txt", "x\ny\nSLACK=xoxb-123456789012-1234567890123-Zk2Lm8Qp4Rs6Tv1Wx3Yz5Ab7\n",
               "slack-token", 3, "xoxb-123456789012-1234567890123-Zk2Lm8Qp4Rs6Tv1Wx3Yz5Ab7");
    expect_one("/pay.py", "stripe.api_key = \"sk_live_51Hx9Kq2Lm7Np4Rs8Tv0Wy3Zb\"\n",
               "stripe-secret-key", 1, "sk_live_51Hx9Kq2Lm7Np4Rs8Tv0Wy3Zb");
    expect_one("/root/.npmrc", "//registry.npmjs.org/:_authToken=npm_Qw8Er4Ty2Ui6Op0As3Df7Gh1Jk5Lz9Xc2VbN\n",
               "npm-access-token", 1, "npm_Qw8Er4Ty2Ui6Op0As3Df7Gh1Jk5Lz9Xc2VbN");
    expect_one("/login.sh", "echo dckr_pat_Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9 | docker login\n",
               "dockerhub-pat", 1, "dckr_pat_Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9");
    expect_one("/etc/app.conf", "db_url = postgres://app:S3cr3tPa55w0rd@db.internal:5432/app\n",
               "url-password", 1, "S3cr3tPa55w0rd");
    expect_one("/root/.docker/config.json",
               "{\"auths\":{\"registry.example.org\":{\"auth\":\"dXNlcjpzM2NyM3RQYXNz\"}}}\n",
               "docker-config-auth", 1, "dXNlcjpzM2NyM3RQYXNz");
    expect_one("/root/.netrc", "machine api.example.org login bob password Hunter2Horse\n",
               "netrc-password", 1, "Hunter2Horse");
    expect_one("/root/.pypirc", "[pypi]\nusername = bob\npassword = Zq9!vL2#pR7x\n",
               "pypirc-password", 3, "Zq9!vL2#pR7x");
    expect_one("/root/.kube/config",
               "users:\n- name: admin\n  user:\n    token: eyZk1Qp9Lm3Nv7Bx2Cw8Rt4Ys6Ua0Id\n",
               "kubeconfig-token", 4, "eyZk1Qp9Lm3Nv7Bx2Cw8Rt4Ys6Ua0Id");
    expect_one("/k", "    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVB\n",
               "kubeconfig-client-key", 1, "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlF");
    expect_one("/app/settings.py", "SENDGRID = 'SG.Ab1Cd2Ef3Gh4Ij5Kl6Mn7O.Pq8Rs9Tu0Vw1Xy2Za3Bc4De5Fg6Hi7Jk8Lm9No0Pq1Rs'\n",
               "sendgrid-api-key", 1, "SG.Ab1Cd2Ef3Gh4Ij5Kl6Mn7O");
    expect_one("/hf", "HF_TOKEN=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\n", "huggingface-token", 1,
               "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");
}

static void test_private_keys(void **state)
{
    (void)state;
    expect_one("/root/.ssh/id_rsa",
               "-----BEGIN RSA PRIVATE KEY-----\n"
               "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi2Qm7XZ0wKj8Lp2Rq4sT6vW8yZ\n"
               "b1Cd3Ef5Gh7Ij9Kl1Mn3Op5Qr7St9Uv1Wx3Yz5Ab7Cd9Ef1Gh3Ij5Kl7Mn9Op1Qr\n"
               "-----END RSA PRIVATE KEY-----\n",
               "private-key-rsa", 2, "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi2Qm7XZ0wKj8Lp2Rq4sT6vW8yZ");
    expect_one("/id", "junk\n-----BEGIN OPENSSH PRIVATE KEY-----\n"
               "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
               "-----END OPENSSH PRIVATE KEY-----\n",
               "private-key-openssh", 3, "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ");
    const char *gcp = "{\n  \"type\": \"service_account\",\n  \"project_id\": \"p\",\n"
                      "  \"private_key_id\": \"0123456789abcdef0123456789abcdef01234567\",\n"
                      "  \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\\n-----END PRIVATE KEY-----\\n\",\n"
                      "  \"client_email\": \"svc@p.iam.gserviceaccount.com\"\n}\n";
    ld_secret_hits h = scan("/key.json", gcp);
    bool saw_gcp = false;
    for (size_t i = 0; i < h.n; i++)
        saw_gcp = saw_gcp || strcmp(h.v[i].rule_id, "gcp-service-account") == 0;
    assert_true(saw_gcp);
    ld_secret_hits_clear(&h);
}

static void test_precision(void **state)
{
    (void)state;
    /* AWS documentation examples */
    expect_none("/app/README.md", "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"
                "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n");
    /* sha256 / sha512 hashes, npm lock integrity */
    expect_none("/app/sums.txt",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  empty\n");
    expect_none("/app/package-lock.json",
                "\"integrity\": \"sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg==\",\n"
                "\"resolved\": \"https://registry.npmjs.org/x/-/x-1.0.0.tgz\"\n");
    /* UUIDs, random base64 without keywords */
    expect_none("/app/ids", "id=123e4567-e89b-12d3-a456-426614174000\n"
                "blob: q3nT0v8x+Yw9LkZ2R5mP1cQ7dH4sJ6aF0bN3eU8iG2oV5tK9rW1yX4zA7lC3mE6\n");
    /* placeholders */
    expect_none("/app/.env.example", "PASSWORD=\"changeme\"\nAPI_KEY=\"${API_KEY}\"\n"
                "DATABASE_URL=postgres://user:password@localhost/db\n"
                "token = \"<your-token>\"\n");
    expect_none("/app/doc.txt", "see https://example.org/a/b?c=d and ftp://host/x\n");
    /* jwt.io sample */
    expect_none("/app/jwt.txt",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c\n");
    /* test vectors shipped by packages */
    expect_none("/usr/lib/python3/dist-packages/foo/tests/keys.py",
                "K = 'ghp_Zx81kQp0LmN4vB7cR2tY9wS3dF6gH1jK5aEu'\n");
    /* a path-limited rule outside its path */
    expect_none("/app/notes.txt", "password Hunter2Horse\n");
}

static void test_mask(void **state)
{
    (void)state;
    char m[LD_SECRET_MASK_MAX];
    ld_secret_mask("AKIAZ7Q2LMXR4TNB3KPW", 20, m);
    assert_string_equal(m, "AKIA****************");
    ld_secret_mask("abc", 3, m);
    assert_string_equal(m, "****");
    ld_secret_mask("pa\x1bss1234", 9, m);
    assert_string_equal(m, "pa*******");
    ld_secret_mask("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10", 16, m);
    assert_memory_equal(m, "????", 4);
}

static void test_custom_rules_and_allow(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    ld_secret_ruleset *rs = ld_secret_rules_new();
    ld_strlist kw = {0};
    ld_strlist_push(&kw, "ACME_");
    ld_secret_rule_spec spec = {.id = "acme-token", .description = "ACME token",
                                .severity = LD_SEV_HIGH, .keywords = &kw,
                                .regex = "(ACME_[0-9a-f]{16})", .group = 1};
    assert_int_equal(ld_secret_rules_add(rs, &spec, &err), 0);
    assert_int_equal(ld_secret_rules_add_allow(rs, "acme-token", NULL, "^ACME_0000", &err), 0);
    assert_int_equal(ld_secret_rules_compile(rs, &err), 0);
    const char *t = "a=acme_1\nb=ACME_0123456789abcdef\nc=ACME_0000456789abcdef\n";
    ld_secret_hits h = {0};
    assert_int_equal(ld_secret_scan(rs, "/x", (const uint8_t *)t, strlen(t), &h, &err), 0);
    assert_int_equal(h.n, 1);
    assert_int_equal(h.v[0].line, 2);
    assert_string_equal(h.v[0].masked, "ACME****************");
    ld_secret_hits_clear(&h);
    /* errors name the rule */
    spec.regex = "(unclosed";
    assert_true(ld_secret_rules_add(rs, &spec, &err) < 0);
    assert_non_null(strstr(err.msg, "acme-token"));
    spec.regex = "x";
    spec.id = "Bad Id";
    assert_true(ld_secret_rules_add(rs, &spec, &err) < 0);
    spec.id = "acme-token";
    spec.group = 3;
    assert_true(ld_secret_rules_add(rs, &spec, &err) < 0);
    assert_non_null(strstr(err.msg, "secret-group"));
    ld_strlist_clear(&kw);
    ld_secret_rules_free(rs);
    assert_true(ld_secret_looks_binary((const uint8_t *)"ab\0c", 4));
    assert_false(ld_secret_looks_binary((const uint8_t *)"abc", 3));
}

/* Large files run the keyword automaton as two interleaved streams split at
 * the middle: secrets anywhere, also across the split, are found once with
 * the right line. */
static void test_split_streams(void **state)
{
    (void)state;
    static const char tok[] = "ghp_Zx81kQp0LmN4vB7cR2tY9wS3dF6gH1jK5aEu";
    for (size_t total = 4096; total <= 300000; total = total * 3 + 7) {
        for (int shift = -45; shift <= 5; shift += 5) {
            char *buf = malloc(total + 1);
            assert_non_null(buf);
            memset(buf, 'a', total);
            for (size_t i = 79; i < total; i += 80)
                buf[i] = '\n';
            size_t mid = total / 2;
            size_t at[3] = {100, (size_t)((long)mid + shift), total - 60};
            int want_line[3];
            for (int k = 0; k < 3; k++) {
                memcpy(buf + at[k], tok, sizeof(tok) - 1);
                for (size_t q = at[k]; q < at[k] + sizeof(tok) - 1; q++)
                    if (q % 80 == 79)
                        buf[q] = tok[q - at[k]]; /* the token overwrites a newline */
                buf[at[k] - 1] = ' ';
                buf[at[k] + sizeof(tok) - 1] = ' ';
            }
            buf[total] = '\0';
            for (int k = 0; k < 3; k++) {
                int line = 1;
                for (size_t q = 0; q < at[k]; q++)
                    line += buf[q] == '\n';
                want_line[k] = line;
            }
            ld_secret_hits h = scan("/big.txt", buf);
            assert_int_equal(h.n, 3);
            for (int k = 0; k < 3; k++) {
                assert_string_equal(h.v[k].rule_id, "github-pat");
                assert_int_equal(h.v[k].offset, at[k]);
                assert_int_equal(h.v[k].line, want_line[k]);
            }
            ld_secret_hits_clear(&h);
            free(buf);
        }
    }
}

static void test_hostile(void **state)
{
    (void)state;
    /* a 4 MiB line full of keywords and near-matches: ends, and quickly */
    size_t n = 4u << 20;
    char *buf = malloc(n + 1);
    assert_non_null(buf);
    for (size_t i = 0; i < n; i++)
        buf[i] = "password=://a:b@ghp_AKIAxoxb-"[i % 29];
    buf[n] = '\0';
    ld_secret_hits h = scan("/big", buf);
    ld_secret_hits_clear(&h);
    memset(buf, 'a', n);
    memcpy(buf + 100, "-----BEGIN RSA PRIVATE KEY-----", 31);
    h = scan("/big2", buf);
    ld_secret_hits_clear(&h);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_count),
        cmocka_unit_test(test_families),
        cmocka_unit_test(test_private_keys),
        cmocka_unit_test(test_precision),
        cmocka_unit_test(test_mask),
        cmocka_unit_test(test_custom_rules_and_allow),
        cmocka_unit_test(test_split_streams),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
