/* Unit tests for the registry audit's file side and its address parser:
 * distribution's config.yml parsed into facts and judged
 * (src/registry/audit_config.c) — a well-configured file passes every
 * check; silly/no/several auth kinds, TLS missing or weakened, no or
 * disabled or plain-HTTP notification endpoints, delete on, debug logs,
 * access log off and a missing http.secret are found; a value of the wrong
 * type is "not assessed" naming its line; secrets never reach evidence —
 * hostile files (alias bombs, nesting, size, several documents, garbage,
 * NUL bytes, huge endpoint lists) are refused or bounded; and registry
 * addresses as users write them (src/registry/audit_address.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/catalog.h"
#include "core/findings.h"
#include "registry/audit.h"
#include "util/mem.h"

/* A catalog of one control listing every check of the audit, so the
 * tests do not depend on where data/controls.yaml files them. */
static const char test_catalog[] =
    "version: 1\n"
    "controls:\n"
    "  - id: TEST-REG\n"
    "    framework: nist-800-190\n"
    "    refs: [REG-04]\n"
    "    title: t\n"
    "    tier: registry\n"
    "    nist: \"4.2.3\"\n"
    "    cis: []\n"
    "    automation: automated\n"
    "    checks: [registry.config.auth, registry.config.tls, registry.config.notifications,\n"
    "             registry.config.storage-delete, registry.config.log-level,\n"
    "             registry.config.http-secret]\n"
    "    level: low\n"
    "    severity: high\n"
    "    description: d\n"
    "    remediation: r\n";

static ld_catalog *catalog;

static int setup(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    catalog = ld_catalog_parse("test.yaml", test_catalog, strlen(test_catalog), &err);
    return catalog ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ld_catalog_free(catalog);
    return 0;
}

static const char good[] = "version: 0.1\n"
                           "log:\n"
                           "  level: info\n"
                           "storage:\n"
                           "  filesystem:\n"
                           "    rootdirectory: /var/lib/registry\n"
                           "  delete:\n"
                           "    enabled: false\n"
                           "http:\n"
                           "  addr: 0.0.0.0:5000\n"
                           "  secret: Zm9vYmFyYmF6cXV4LXNlY3JldC12YWx1ZQ\n"
                           "  tls:\n"
                           "    certificate: /etc/registry/server.crt\n"
                           "    key: /etc/registry/server.key\n"
                           "auth:\n"
                           "  htpasswd:\n"
                           "    realm: r\n"
                           "    path: /etc/registry/htpasswd\n"
                           "notifications:\n"
                           "  endpoints:\n"
                           "    - name: audit\n"
                           "      url: https://audit.example/events\n"
                           "      headers:\n"
                           "        Authorization: [Bearer s3cr3t-header-token]\n"
                           "      timeout: 1s\n";

/* Parses text and emits; returns the findings (caller frees). */
static ld_findings *judge(const char *text, ld_reg_config *cfg)
{
    ld_reg_config local;
    ld_reg_config *c = cfg ? cfg : &local;
    ld_error err = LD_ERROR_INIT;
    if (ld_reg_config_parse("config.yml", text, strlen(text), c, &err) < 0)
        fail_msg("parse failed: %s", err.msg);
    ld_findings *fs = ld_findings_new(catalog, 0);
    assert_int_equal(ld_reg_config_emit(fs, c, "config.yml", &err), 0);
    if (!cfg)
        ld_reg_config_clear(c);
    return fs;
}

static const ld_finding *finding(const ld_findings *fs, const char *check)
{
    const ld_finding *found = NULL;
    for (size_t i = 0; i < fs->n; i++)
        if (strcmp(fs->v[i]->check_id, check) == 0) {
            if (found)
                fail_msg("two findings of %s", check);
            found = fs->v[i];
        }
    if (!found)
        fail_msg("no finding of %s", check);
    return found;
}

static void expect(const ld_findings *fs, const char *check, ld_status st, const char *part)
{
    const ld_finding *f = finding(fs, check);
    if (f->status != st)
        fail_msg("%s: %s, expected %s (%s)", check, ld_status_name(f->status), ld_status_name(st),
                 f->evidence ? f->evidence : "");
    if (part && (!f->evidence || !strstr(f->evidence, part)))
        fail_msg("%s: evidence \"%s\" lacks \"%s\"", check, f->evidence ? f->evidence : "", part);
}

/* good with one line replaced (from must occur once) */
static char *variant(const char *from, const char *to)
{
    const char *at = strstr(good, from);
    assert_non_null(at);
    assert_null(strstr(at + 1, from));
    return ld_xasprintf("%.*s%s%s", (int)(at - good), good, to, at + strlen(from));
}

static void judge_variant(const char *from, const char *to, const char *check, ld_status st,
                          const char *part)
{
    char *text = variant(from, to);
    ld_findings *fs = judge(text, NULL);
    expect(fs, check, st, part);
    ld_findings_free(fs);
    free(text);
}

static void test_good_config_passes(void **state)
{
    (void)state;
    ld_reg_config c;
    ld_findings *fs = judge(good, &c);
    assert_int_equal(fs->n, 6);
    for (const char *const *id = ld_reg_config_checks; *id; id++)
        expect(fs, *id, LD_STATUS_PASS, NULL);
    assert_int_equal(c.auth, LD_REGCFG_AUTH_HTPASSWD);
    assert_string_equal(c.htpasswd_path, "/etc/registry/htpasswd");
    assert_int_equal(c.n_endpoints, 1);
    assert_true(c.http_secret);
    /* no secret in any evidence */
    for (size_t i = 0; i < fs->n; i++) {
        assert_null(strstr(fs->v[i]->evidence, "Zm9vYmFy"));
        assert_null(strstr(fs->v[i]->evidence, "s3cr3t"));
    }
    expect(fs, "registry.config.notifications", LD_STATUS_PASS, "https://audit.example/events");
    ld_reg_config_clear(&c);
    ld_findings_free(fs);
}

static void test_auth(void **state)
{
    (void)state;
    judge_variant("auth:\n  htpasswd:\n    realm: r\n    path: /etc/registry/htpasswd\n",
                  "auth:\n  silly:\n    realm: r\n    service: s\n", "registry.config.auth",
                  LD_STATUS_FAIL, "silly");
    judge_variant("auth:\n  htpasswd:\n    realm: r\n    path: /etc/registry/htpasswd\n", "",
                  "registry.config.auth", LD_STATUS_FAIL, "no auth section");
    judge_variant("auth:\n  htpasswd:\n    realm: r\n    path: /etc/registry/htpasswd\n",
                  "auth: {}\n", "registry.config.auth", LD_STATUS_FAIL, "no auth section");
    judge_variant("auth:\n  htpasswd:\n    realm: r\n    path: /etc/registry/htpasswd\n",
                  "auth:\n  token:\n    realm: https://auth.example/token\n    service: r\n",
                  "registry.config.auth", LD_STATUS_PASS, "token");
    judge_variant("auth:\n  htpasswd:\n    realm: r\n    path: /etc/registry/htpasswd\n",
                  "auth:\n  token:\n    realm: http://auth.example/token\n", "registry.config.auth",
                  LD_STATUS_WARN, "not https");
    judge_variant("auth:\n  htpasswd:\n    realm: r\n    path: /etc/registry/htpasswd\n",
                  "auth:\n  htpasswd:\n    path: /a\n  silly:\n    realm: r\n",
                  "registry.config.auth", LD_STATUS_FAIL, "exactly one");
    judge_variant("auth:\n  htpasswd:\n    realm: r\n    path: /etc/registry/htpasswd\n",
                  "auth:\n  ldap-plugin:\n    url: x\n", "registry.config.auth", LD_STATUS_WARN,
                  "ldap-plugin");
    judge_variant("    path: /etc/registry/htpasswd\n", "    path: [a, b]\n",
                  "registry.config.auth", LD_STATUS_ERROR, "line 18");
    judge_variant("    path: /etc/registry/htpasswd\n", "", "registry.config.auth", LD_STATUS_FAIL,
                  "no path");
}

static void test_tls(void **state)
{
    (void)state;
    judge_variant("    key: /etc/registry/server.key\n",
                  "    key: /etc/registry/server.key\n    minimumtls: tls1.0\n",
                  "registry.config.tls", LD_STATUS_FAIL, "tls1.0");
    judge_variant("    key: /etc/registry/server.key\n",
                  "    key: /etc/registry/server.key\n    minimumtls: tls1.3\n",
                  "registry.config.tls", LD_STATUS_PASS, "tls1.3");
    judge_variant("  tls:\n    certificate: /etc/registry/server.crt\n    key: "
                  "/etc/registry/server.key\n",
                  "", "registry.config.tls", LD_STATUS_FAIL, "0.0.0.0:5000");
    judge_variant("  tls:\n    certificate: /etc/registry/server.crt\n    key: "
                  "/etc/registry/server.key\n",
                  "  host: https://registry.example\n", "registry.config.tls", LD_STATUS_WARN,
                  "TLS-terminating proxy");
    judge_variant("  addr: 0.0.0.0:5000\n  secret: Zm9vYmFyYmF6cXV4LXNlY3JldC12YWx1ZQ\n  tls:\n"
                  "    certificate: /etc/registry/server.crt\n    key: /etc/registry/server.key\n",
                  "  addr: 127.0.0.1:5000\n  secret: Zm9vYmFyYmF6cXV4LXNlY3JldC12YWx1ZQ\n",
                  "registry.config.tls", LD_STATUS_WARN, "only from this machine");
    judge_variant("    key: /etc/registry/server.key\n", "", "registry.config.tls", LD_STATUS_FAIL,
                  "without a key");
    judge_variant("  tls:\n    certificate: /etc/registry/server.crt\n    key: "
                  "/etc/registry/server.key\n",
                  "  tls:\n    letsencrypt:\n      cachefile: /var/cache/le\n",
                  "registry.config.tls", LD_STATUS_PASS, "Let's Encrypt");
    judge_variant("  tls:\n    certificate: /etc/registry/server.crt\n    key: "
                  "/etc/registry/server.key\n",
                  "  tls: yes\n", "registry.config.tls", LD_STATUS_ERROR, "expected a map");
}

static void test_notifications(void **state)
{
    (void)state;
    const char *eps = "      url: https://audit.example/events\n";
    judge_variant(eps, "      url: http://audit.example/events\n", "registry.config.notifications",
                  LD_STATUS_WARN, "plain HTTP");
    judge_variant(eps, "      url: https://audit.example/events\n      disabled: true\n",
                  "registry.config.notifications", LD_STATUS_FAIL, "all disabled");
    judge_variant(eps,
                  "      url: https://audit.example/events\n      ignore:\n        actions: "
                  "[push, pull]\n",
                  "registry.config.notifications", LD_STATUS_FAIL, "ignores push or delete");
    judge_variant(eps,
                  "      url: https://audit.example/events\n      ignore:\n        actions: "
                  "[pull]\n",
                  "registry.config.notifications", LD_STATUS_PASS, NULL);
    judge_variant(eps, "      url: https://u:pw@audit.example/events?token=abc\n",
                  "registry.config.notifications", LD_STATUS_PASS, "audit.example");
    judge_variant("  endpoints:\n", "  events:\n    includereferences: true\n  x:\n",
                  "registry.config.notifications", LD_STATUS_FAIL, "names no endpoint");
    judge_variant("      url: https://audit.example/events\n",
                  "      url: https://audit.example/events\n      disabled: maybe\n",
                  "registry.config.notifications", LD_STATUS_ERROR, "expected true or false");
    /* no secret from a URL or header */
    char *text = variant(eps, "      url: https://u:pw@audit.example/events?token=abc\n");
    ld_findings *fs = judge(text, NULL);
    const ld_finding *f = finding(fs, "registry.config.notifications");
    assert_null(strstr(f->evidence, "pw@"));
    assert_null(strstr(f->evidence, "abc"));
    ld_findings_free(fs);
    free(text);
    /* no notifications section at all */
    const char *start = strstr(good, "notifications:");
    char *none = ld_xstrndup(good, (size_t)(start - good));
    fs = judge(none, NULL);
    expect(fs, "registry.config.notifications", LD_STATUS_FAIL, "no notifications section");
    ld_findings_free(fs);
    free(none);
}

static void test_delete_log_secret(void **state)
{
    (void)state;
    judge_variant("    enabled: false\n", "    enabled: true\n", "registry.config.storage-delete",
                  LD_STATUS_WARN, "storage.delete.enabled is true");
    judge_variant("    enabled: false\n", "    enabled: \"true\"\n",
                  "registry.config.storage-delete", LD_STATUS_ERROR, "line 8");
    judge_variant("  level: info\n", "  level: debug\n", "registry.config.log-level",
                  LD_STATUS_WARN, "debug");
    judge_variant("  level: info\n", "  level: info\n  accesslog:\n    disabled: true\n",
                  "registry.config.log-level", LD_STATUS_FAIL, "accesslog");
    judge_variant("log:\n  level: info\n", "loglevel: debug\n", "registry.config.log-level",
                  LD_STATUS_WARN, NULL);
    judge_variant("  secret: Zm9vYmFyYmF6cXV4LXNlY3JldC12YWx1ZQ\n", "",
                  "registry.config.http-secret", LD_STATUS_WARN, "no http.secret");
    judge_variant("  secret: Zm9vYmFyYmF6cXV4LXNlY3JldC12YWx1ZQ\n", "  secret: short\n",
                  "registry.config.http-secret", LD_STATUS_WARN, "5 characters");
    judge_variant("  secret: Zm9vYmFyYmF6cXV4LXNlY3JldC12YWx1ZQ\n", "  secret: {a: b}\n",
                  "registry.config.http-secret", LD_STATUS_ERROR, "expected a string");
}

static void expect_refused(const char *text, size_t len, const char *part)
{
    ld_reg_config c;
    ld_error err = LD_ERROR_INIT;
    if (ld_reg_config_parse("config.yml", text, len, &c, &err) == 0)
        fail_msg("accepted: %.80s", text);
    assert_true(err.code < 0);
    if (part && !strstr(err.msg, part))
        fail_msg("error \"%s\" lacks \"%s\"", err.msg, part);
    /* out is left cleared */
    assert_null(c.auth_kind);
    assert_null(c.endpoints);
}

static void test_hostile(void **state)
{
    (void)state;
    expect_refused("", 0, "empty");
    expect_refused("- a\n- b\n", 8, "not a mapping");
    expect_refused("log: {level: info}\n", 19, "no \"version\"");
    const char two[] = "version: 0.1\n---\nversion: 0.1\n";
    expect_refused(two, strlen(two), "second document");
    const char dup[] = "version: 0.1\nauth: {}\nauth: {}\n";
    expect_refused(dup, strlen(dup), NULL);
    const char nul[] = "version: 0.1\nhttp:\n  addr: a\0b\n";
    expect_refused(nul, sizeof(nul) - 1, NULL);
    const char garbage[] = "\xff\xfe\x00\x01{[}]::::\n\t- ? :";
    expect_refused(garbage, sizeof(garbage) - 1, NULL);
    const char unknown_tag[] = "version: 0.1\nauth: !evil {}\n";
    expect_refused(unknown_tag, strlen(unknown_tag), NULL);

    /* an alias bomb: refused by the node budget, never expanded */
    char *bomb = ld_xstrdup("version: 0.1\na: &a [x, x, x, x, x, x, x, x, x, x]\n");
    char prev = 'a';
    for (char n = 'b'; n <= 'k'; n++) {
        char *next =
            ld_xasprintf("%s%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, "
                         "*%c]\n",
                         bomb, n, n, prev, prev, prev, prev, prev, prev, prev, prev, prev, prev);
        free(bomb);
        bomb = next;
        prev = n;
    }
    expect_refused(bomb, strlen(bomb), NULL);
    free(bomb);

    /* nesting deeper than the limit */
    size_t depth = 200;
    char *deep = ld_xmalloc(depth * 2 + 32);
    size_t o = (size_t)snprintf(deep, 32, "version: 0.1\nx: ");
    for (size_t i = 0; i < depth; i++)
        deep[o++] = '[';
    for (size_t i = 0; i < depth; i++)
        deep[o++] = ']';
    deep[o] = '\0';
    expect_refused(deep, o, NULL);
    free(deep);

    /* over the size cap */
    size_t big = LD_REG_CONFIG_MAX_BYTES + 16;
    char *huge = ld_xmalloc(big + 1);
    memcpy(huge, "version: 0.1\n#", 14);
    memset(huge + 14, 'x', big - 14);
    huge[big] = '\0';
    expect_refused(huge, big, NULL);
    free(huge);
}

static void test_many_endpoints_bounded(void **state)
{
    (void)state;
    size_t n = 5000;
    size_t cap = 64 + n * 48;
    char *text = ld_xmalloc(cap);
    size_t o = (size_t)snprintf(text, cap, "version: 0.1\nnotifications:\n  endpoints:\n");
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(text + o, cap - o, "    - {name: e%zu, url: http://x/%zu}\n", i, i);
    ld_reg_config c;
    ld_findings *fs = judge(text, &c);
    assert_true(c.n_endpoints <= 256);
    expect(fs, "registry.config.notifications", LD_STATUS_WARN, NULL);
    /* the evidence stays bounded too */
    assert_true(strlen(finding(fs, "registry.config.notifications")->evidence) < 64 * 1024);
    ld_reg_config_clear(&c);
    ld_findings_free(fs);
    free(text);
}

static void test_wrong_types_each_check(void **state)
{
    (void)state;
    /* every section of the wrong type: each check not assessed, none guessed */
    const char text[] = "version: 0.1\nauth: [htpasswd]\nhttp: 5000\nlog: debug\n"
                        "notifications: [a]\nstorage: x\n";
    ld_findings *fs = judge(text, NULL);
    for (const char *const *id = ld_reg_config_checks; *id; id++) {
        const ld_finding *f = finding(fs, *id);
        if (strcmp(*id, "registry.config.http-secret") == 0)
            assert_int_equal(f->status, LD_STATUS_WARN); /* http is not a map: no secret seen */
        else if (f->status != LD_STATUS_ERROR)
            fail_msg("%s: %s (%s)", *id, ld_status_name(f->status), f->evidence);
    }
    ld_findings_free(fs);
}

/* ---- addresses ---- */

static void addr_ok(const char *url, const char *host, unsigned port, const char *name, bool plain)
{
    ld_reg_address a;
    ld_error err = LD_ERROR_INIT;
    if (ld_reg_address_parse(url, &a, &err) < 0)
        fail_msg("%s refused: %s", url, err.msg);
    assert_string_equal(a.host, host);
    assert_int_equal(a.port, port);
    assert_string_equal(a.name, name);
    assert_int_equal(a.plain, plain);
    ld_reg_address_clear(&a);
}

static void addr_bad(const char *url)
{
    ld_reg_address a;
    ld_error err = LD_ERROR_INIT;
    if (ld_reg_address_parse(url, &a, &err) == 0)
        fail_msg("%s accepted", url);
    assert_int_equal(err.code, LD_ERR_INVALID);
    assert_null(a.host);
}

static void test_addresses(void **state)
{
    (void)state;
    addr_ok("https://registry.example:5000", "registry.example", 5000, "registry.example:5000",
            false);
    addr_ok("registry.example", "registry.example", 443, "registry.example", false);
    addr_ok("Registry.Example:443/", "registry.example", 443, "registry.example:443", false);
    addr_ok("127.0.0.1:5000/v2/", "127.0.0.1", 5000, "127.0.0.1:5000", false);
    addr_ok("http://127.0.0.1:5000", "127.0.0.1", 5000, "127.0.0.1:5000", true);
    addr_ok("http://localhost", "localhost", 80, "localhost:80", true);
    addr_ok("[::1]:5000", "::1", 5000, "[::1]:5000", false);
    addr_ok("https://[2001:db8::1]", "2001:db8::1", 443, "[2001:db8::1]", false);
    addr_bad("");
    addr_bad("ftp://x");
    addr_bad("https://user:pw@x:5000");
    addr_bad("x:0");
    addr_bad("x:65536");
    addr_bad("x:5000x");
    addr_bad("x:");
    addr_bad("https://x/v2/library/alpine");
    addr_bad("x?token=1");
    addr_bad("[::1");
    addr_bad("[zz::1]:5000");
    addr_bad("[::1]x");
    addr_bad("-x");
    addr_bad("x y");
    addr_bad("x\x1b[31m");
    addr_bad("https://");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_config_passes),
        cmocka_unit_test(test_auth),
        cmocka_unit_test(test_tls),
        cmocka_unit_test(test_notifications),
        cmocka_unit_test(test_delete_log_secret),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_many_endpoints_bounded),
        cmocka_unit_test(test_wrong_types_each_check),
        cmocka_unit_test(test_addresses),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
