/* Unit tests for registries.d (trust/registries_d.c), over temporary
 * directories: the examples of containers-registries.d(5), the most
 * specific scope that sets a value deciding it (then default-docker),
 * lookaside and its older name sigstore, sections split or repeated
 * across files (errors naming both files, as containers/image), what
 * containers/image's lenient YAML-to-JSON decoding accepts and refuses,
 * and files that are not *.yaml. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "trust/containers_policy.h"
#include "util/mem.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/ld-regd-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd_path[128];
    /* remove what the test wrote: files, then the directory */
    static const char *const names[] = {"a.yaml",     "b.yaml", "c.yaml",  "notes.yml",
                                        "x.yaml.bak", "README", "sub.yaml"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(cmd_path, sizeof(cmd_path), "%s/%s", dir, names[i]);
        if (unlink(cmd_path) < 0 && errno == EISDIR)
            rmdir(cmd_path);
        rmdir(cmd_path);
    }
    rmdir(dir);
    return 0;
}

static void put(const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static ld_cpol_registries_d lookup_ok(const char *ref)
{
    ld_cpol_registries_d r;
    ld_error err = LD_ERROR_INIT;
    if (ld_cpol_registries_d_lookup(dir, ref, &r, &err) != 0)
        fail_msg("lookup %s failed: %s", ref, err.msg);
    return r;
}

static void expect(const char *ref, bool use, const char *lookaside, const char *source_file)
{
    ld_cpol_registries_d r = lookup_ok(ref);
    if (r.use_sigstore_attachments != use)
        fail_msg("%s: use-sigstore-attachments %d, expected %d", ref, r.use_sigstore_attachments,
                 use);
    if (!lookaside != !r.lookaside || (lookaside && strcmp(lookaside, r.lookaside) != 0))
        fail_msg("%s: lookaside %s, expected %s", ref, r.lookaside ? r.lookaside : "(none)",
                 lookaside ? lookaside : "(none)");
    if (source_file) {
        char want[160];
        snprintf(want, sizeof(want), "%s/%s", dir, source_file);
        if (!r.source || strcmp(r.source, want) != 0)
            fail_msg("%s: source %s, expected %s", ref, r.source ? r.source : "(none)", want);
    } else if (r.source) {
        fail_msg("%s: source %s, expected none", ref, r.source);
    }
    ld_cpol_registries_d_clear(&r);
}

static void expect_error(const char *needle)
{
    ld_cpol_registries_d r;
    ld_error err = LD_ERROR_INIT;
    int rc = ld_cpol_registries_d_lookup(dir, "busybox", &r, &err);
    if (rc >= 0)
        fail_msg("expected an error with \"%s\"", needle);
    if (!strstr(err.msg, needle))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, needle);
    assert_null(r.lookaside);
    assert_null(r.source);
}

static void test_man_page_examples(void **state)
{
    (void)state;
    put("a.yaml", "docker:\n"
                  "    registry.database-supplier.com:\n"
                  "        lookaside: https://lookaside.database-supplier.com\n"
                  "    distribution.great-middleware.org:\n"
                  "        lookaside: https://security-team.great-middleware.org/lookaside\n"
                  "    docker.io/web-framework:\n"
                  "        lookaside: https://lookaside.web-framework.io:8080\n");
    put("b.yaml", "docker:\n"
                  "    registry.example.com:\n"
                  "        lookaside: https://registry-lookaside.example.com\n"
                  "    registry.example.com/mydepartment:\n"
                  "        lookaside: https://lookaside.mydepartment.example.com\n"
                  "        lookaside-staging: file:///mnt/mydepartment/lookaside-staging\n"
                  "    registry.example.com/mydepartment/myproject:mybranch:\n"
                  "        lookaside: http://localhost:4242/lookaside\n"
                  "        lookaside-staging: file:///home/useraccount/webroot/lookaside\n");
    put("c.yaml", "default-docker:\n"
                  "    lookaside-staging: file:///mnt/company/common-lookaside-staging\n");
    expect("registry.database-supplier.com/db:1", false, "https://lookaside.database-supplier.com",
           "a.yaml");
    expect("web-framework/app:2", false, "https://lookaside.web-framework.io:8080", "a.yaml");
    expect("registry.example.com/mydepartment/myproject:mybranch", false,
           "http://localhost:4242/lookaside", "b.yaml");
    expect("registry.example.com/mydepartment/myproject:main", false,
           "https://lookaside.mydepartment.example.com", "b.yaml");
    expect("registry.example.com/other/x:1", false, "https://registry-lookaside.example.com",
           "b.yaml");
    /* default-docker gives only a staging URL: nothing for reading */
    expect("quay.io/x:1", false, NULL, NULL);
}

static void test_most_specific_that_sets_it(void **state)
{
    (void)state;
    put("a.yaml", "default-docker:\n"
                  "  use-sigstore-attachments: true\n"
                  "  lookaside: https://default.example\n"
                  "docker:\n"
                  "  registry.local:5000:\n"
                  "    use-sigstore-attachments: false\n"
                  "  registry.local:5000/team:\n"
                  "    lookaside: https://team.example\n"
                  "  registry.local:5000/team/app:\n"
                  "    use-sigstore-attachments: yes\n"
                  "  \"*.example.com\":\n"
                  "    use-sigstore-attachments: off\n"
                  "  registry.local:\n"
                  "    use-sigstore-attachments: no\n"
                  "  null.example.org:\n");
    /* the image's repository sets it */
    expect("registry.local:5000/team/app:1", true, "https://team.example", "a.yaml");
    /* team sets only a lookaside: attachments come from the host:port */
    expect("registry.local:5000/team/other:1", false, "https://team.example", "a.yaml");
    expect("registry.local:5000/x:1", false, "https://default.example", "a.yaml");
    /* a port-less host is not a parent of host:port */
    expect("registry.local:5001/x:1", true, "https://default.example", "a.yaml");
    expect("registry.local/x:1", false, "https://default.example", "a.yaml");
    /* wildcards, as containers/image's scope list has them */
    expect("a.b.example.com/x:1", false, "https://default.example", "a.yaml");
    /* a null section sets nothing */
    expect("null.example.org/x", true, "https://default.example", "a.yaml");
    expect("busybox", true, "https://default.example", "a.yaml");
}

static void test_lookaside_names_and_lenient_keys(void **state)
{
    (void)state;
    put("a.yaml", "docker:\n"
                  "  old.example:\n"
                  "    sigstore: https://old-name.example\n"
                  "  both.example:\n"
                  "    sigstore: https://old\n"
                  "    lookaside: https://new\n"
                  "  case.example:\n"
                  "    Use-Sigstore-Attachments: TRUE\n"
                  "    LookAside: https://case\n"
                  "  extra.example:\n"
                  "    use-sigstore-attachments: true\n"
                  "    some-future-key: {a: 1}\n"
                  "  num.example:\n"
                  "    lookaside: 12345\n"
                  "  anchored.example: &sec\n"
                  "    use-sigstore-attachments: true\n"
                  "  alias.example: *sec\n"
                  "unknown-top-level: [1, 2]\n"
                  "---\n"
                  "docker:\n"
                  "  second-document.example:\n"
                  "    use-sigstore-attachments: true\n");
    expect("old.example/x:1", false, "https://old-name.example", "a.yaml");
    expect("both.example/x:1", false, "https://new", "a.yaml");
    expect("case.example/x:1", true, "https://case", "a.yaml");
    expect("extra.example/x:1", true, NULL, "a.yaml");
    expect("num.example/x:1", false, "12345", "a.yaml");
    expect("alias.example/x:1", true, NULL, "a.yaml");
    /* two "docker" keys differing in case: one map, the later entry wins */
    put("b.yaml", "docker:\n"
                  "  twice.example:\n"
                  "    lookaside: https://first\n"
                  "Docker:\n"
                  "  twice.example:\n"
                  "    lookaside: https://second\n");
    expect("twice.example/x:1", false, "https://second", "b.yaml");
    /* yaml.Unmarshal reads the first document only */
    expect("second-document.example/x:1", false, NULL, NULL);
}

static void test_conflicts_across_files(void **state)
{
    (void)state;
    put("a.yaml", "default-docker:\n  use-sigstore-attachments: true\n");
    put("b.yaml", "default-docker:\n  lookaside: https://x\n");
    expect_error("\"default-docker\" is defined in");
    ld_cpol_registries_d r;
    ld_error err = LD_ERROR_INIT;
    assert_true(ld_cpol_registries_d_lookup(dir, "busybox", &r, &err) < 0);
    assert_non_null(strstr(err.msg, "a.yaml"));
    assert_non_null(strstr(err.msg, "b.yaml"));
    put("b.yaml", "docker:\n  quay.io:\n    lookaside: https://a\n");
    put("c.yaml", "docker:\n  quay.io:\n    use-sigstore-attachments: true\n");
    expect_error("docker scope \"quay.io\" is defined in");
    /* different scopes in different files merge */
    put("c.yaml", "docker:\n  quay.io/org:\n    use-sigstore-attachments: true\n");
    expect("quay.io/org/x:1", true, "https://a", "c.yaml");
    expect("quay.io/other/x:1", true, "https://a", "a.yaml");
}

static void test_refused_values(void **state)
{
    (void)state;
    static const char *const bad[][2] = {
        {"docker:\n  a.io:\n    use-sigstore-attachments: \"true\"\n", "must be true or false"},
        {"docker:\n  a.io:\n    use-sigstore-attachments: 1\n", "must be true or false"},
        {"docker:\n  a.io:\n    use-sigstore-attachments: [true]\n", "must be true or false"},
        {"docker:\n  a.io:\n    lookaside: {url: x}\n", "must be a string"},
        {"docker:\n  a.io: 5\n", "must be a mapping"},
        {"docker: [a.io]\n", "must be a mapping of scopes"},
        {"- docker\n", "must be a mapping"},
        {"docker:\n  a.io:\n    lookaside: x\n  a.io:\n    lookaside: y\n", "a.yaml"},
        {"docker:\n  a.io: {\n", "a.yaml"},
        {"default-docker: plain\n", "must be a mapping"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        put("a.yaml", bad[i][0]);
        expect_error(bad[i][1]);
    }
}

static void test_files_and_directory(void **state)
{
    (void)state;
    /* a missing directory: no configuration */
    ld_cpol_registries_d r;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_cpol_registries_d_lookup("/nonexistent-ld-regd", "busybox", &r, &err), 0);
    assert_false(r.use_sigstore_attachments);
    assert_null(r.lookaside);
    ld_cpol_registries_d_clear(&r);
    /* only *.yaml files are read; an empty one is fine */
    put("notes.yml", "default-docker:\n  use-sigstore-attachments: true\n");
    put("x.yaml.bak", "default-docker:\n  use-sigstore-attachments: true\n");
    put("README", "not yaml: [");
    put("a.yaml", "");
    expect("busybox", false, NULL, NULL);
    put("b.yaml", "# only a comment\n");
    expect("busybox", false, NULL, NULL);
    /* a reference is required */
    assert_int_equal(ld_cpol_registries_d_lookup(dir, "Not A Ref", &r, &err), LD_ERR_INVALID);
    /* something named *.yaml that is not a file */
    char sub[128];
    snprintf(sub, sizeof(sub), "%s/sub.yaml", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_true(ld_cpol_registries_d_lookup(dir, "busybox", &r, &err) < 0);
    assert_non_null(strstr(err.msg, "sub.yaml"));
}

static void test_steps_api(void **state)
{
    (void)state;
    ld_cpol_regd *cfg = ld_cpol_regd_new();
    ld_error err = LD_ERROR_INIT;
    const char *one = "docker:\n  a.io:\n    use-sigstore-attachments: true\n";
    assert_int_equal(ld_cpol_regd_add(cfg, "one.yaml", one, strlen(one), &err), 0);
    /* a failed add leaves the configuration as it was */
    const char *bad = "docker:\n  b.io:\n    use-sigstore-attachments: true\n  a.io: {}\n";
    assert_int_equal(ld_cpol_regd_add(cfg, "two.yaml", bad, strlen(bad), &err), LD_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "one.yaml"));
    ld_cpol_registries_d r;
    assert_int_equal(ld_cpol_regd_resolve(cfg, "b.io/x:1", &r, &err), 0);
    assert_false(r.use_sigstore_attachments);
    ld_cpol_registries_d_clear(&r);
    assert_int_equal(ld_cpol_regd_resolve(cfg, "a.io/x:1", &r, &err), 0);
    assert_true(r.use_sigstore_attachments);
    assert_string_equal(r.source, "one.yaml");
    ld_cpol_registries_d_clear(&r);
    ld_cpol_regd_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_man_page_examples, setup, teardown),
        cmocka_unit_test_setup_teardown(test_most_specific_that_sets_it, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookaside_names_and_lenient_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conflicts_across_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_files_and_directory, setup, teardown),
        cmocka_unit_test(test_steps_api),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
