/* Unit tests for the os-release parser (util/os_release.c) — real samples,
 * shell quoting and escapes, comments, garbage lines, oversize input — and
 * for its host consumer, host.container-os (host/host_os.c), over temporary
 * root directories (container OS, general OS, symlinks that try to leave the
 * root, missing and oversize files). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/catalog.h"
#include "core/findings.h"
#include "host/host_os.h"
#include "util/mem.h"
#include "util/os_release.h"

static ld_os_release parse_ok(const char *text)
{
    ld_os_release o;
    ld_error err = LD_ERROR_INIT;
    if (ld_os_release_parse(text, strlen(text), &o, &err) != 0)
        fail_msg("parse failed: %s", err.msg);
    return o;
}

static void test_debian_sample(void **state)
{
    (void)state;
    ld_os_release o = parse_ok("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
                               "NAME=\"Debian GNU/Linux\"\n"
                               "VERSION_ID=\"12\"\n"
                               "VERSION=\"12 (bookworm)\"\n"
                               "VERSION_CODENAME=bookworm\n"
                               "ID=debian\n"
                               "HOME_URL=\"https://www.debian.org/\"\n");
    assert_string_equal(o.id, "debian");
    assert_string_equal(o.version_id, "12");
    assert_string_equal(o.pretty_name, "Debian GNU/Linux 12 (bookworm)");
    assert_string_equal(o.version, "12 (bookworm)");
    assert_string_equal(o.version_codename, "bookworm");
    assert_null(o.id_like);
    assert_null(o.variant_id);
    assert_int_equal(o.bad_lines, 0);
    assert_true(ld_os_release_is_like(&o, "debian"));
    assert_false(ld_os_release_is_like(&o, "ubuntu"));
    ld_os_release_clear(&o);
}

static void test_id_like_words(void **state)
{
    (void)state;
    ld_os_release o = parse_ok("ID=\"rhcos\"\nID_LIKE=\"rhel fedora\"\nVARIANT_ID=coreos\n");
    assert_true(ld_os_release_is_like(&o, "rhcos"));
    assert_true(ld_os_release_is_like(&o, "rhel"));
    assert_true(ld_os_release_is_like(&o, "fedora"));
    assert_false(ld_os_release_is_like(&o, "fed"));
    assert_false(ld_os_release_is_like(&o, "rhel fedora"));
    assert_false(ld_os_release_is_like(&o, ""));
    assert_string_equal(o.variant_id, "coreos");
    ld_os_release_clear(&o);
}

typedef struct {
    char key[64];
    char value[256];
    char raw[256];
    int line;
} seen_entry;

typedef struct {
    seen_entry e[32];
    size_t n;
} seen;

static int collect(const ld_os_release_entry *e, void *ctx)
{
    seen *s = ctx;
    if (s->n == 32)
        fail_msg("too many entries");
    snprintf(s->e[s->n].key, sizeof(s->e[s->n].key), "%s", e->key);
    snprintf(s->e[s->n].value, sizeof(s->e[s->n].value), "%s", e->value);
    snprintf(s->e[s->n].raw, sizeof(s->e[s->n].raw), "%s", e->raw);
    s->e[s->n].line = e->line;
    s->n++;
    return 0;
}

static seen foreach_ok(const char *text, size_t len, size_t *bad)
{
    seen s;
    memset(&s, 0, sizeof(s));
    ld_error err = LD_ERROR_INIT;
    if (ld_os_release_foreach(text, len, collect, &s, bad, &err) != 0)
        fail_msg("foreach failed: %s", err.msg);
    return s;
}

static const char *value_of(const seen *s, const char *key)
{
    const char *v = NULL;
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->e[i].key, key) == 0)
            v = s->e[i].value;
    return v;
}

static void test_quoting_and_escapes(void **state)
{
    (void)state;
    const char *text = "A=\"a \\\"b\\\" \\$c \\\\ d \\x `e`\"\n" /* A="a \"b\" \$c \\ d \x `e`" */
                       "B='it\\s'\n"                             /* single quotes: no escapes */
                       "C=a\\ b\n"                               /* unquoted backslash */
                       "D=a\"b c\"'d'\n"                         /* concatenation */
                       "E=\n"
                       "F=\"\"\n"
                       "G=$HOME\n"            /* no expansion */
                       "H=\"tab\there\"\n"    /* tab inside quotes */
                       "I=x#y\n"              /* '#' inside a word is literal */
                       "J=\"caf\xc3\xa9\"\n"; /* UTF-8 */
    size_t bad = 99;
    seen s = foreach_ok(text, strlen(text), &bad);
    assert_int_equal(bad, 0);
    assert_int_equal(s.n, 10);
    assert_string_equal(value_of(&s, "A"), "a \"b\" $c \\ d \\x `e`");
    assert_string_equal(value_of(&s, "B"), "it\\s");
    assert_string_equal(value_of(&s, "C"), "a b");
    assert_string_equal(value_of(&s, "D"), "ab cd");
    assert_string_equal(value_of(&s, "E"), "");
    assert_string_equal(value_of(&s, "F"), "");
    assert_string_equal(value_of(&s, "G"), "$HOME");
    assert_string_equal(value_of(&s, "H"), "tab\there");
    assert_string_equal(value_of(&s, "I"), "x#y");
    assert_string_equal(value_of(&s, "J"), "caf\xc3\xa9");
    /* raw keeps the text as written, for evidence */
    assert_string_equal(s.e[5].raw, "\"\"");
    assert_string_equal(s.e[3].raw, "a\"b c\"'d'");
    assert_int_equal(s.e[9].line, 10);
}

static void test_comments_and_blanks(void **state)
{
    (void)state;
    const char *text = "# a comment\n"
                       "\n"
                       "   \t\n"
                       "  # indented comment\n"
                       "  ID=debian   # trailing comment\n"
                       "NAME=\"Debian\"\t\n"
                       "VERSION_ID=\"12\" #c\r\n"
                       "ID=alpine\n"; /* later wins */
    size_t bad = 99;
    seen s = foreach_ok(text, strlen(text), &bad);
    assert_int_equal(bad, 0);
    assert_int_equal(s.n, 4);
    assert_string_equal(s.e[0].value, "debian");
    assert_string_equal(s.e[0].raw, "debian");
    assert_int_equal(s.e[0].line, 5);
    assert_string_equal(s.e[1].value, "Debian");
    assert_string_equal(s.e[2].value, "12");
    assert_string_equal(s.e[2].raw, "\"12\"");
    ld_os_release o = parse_ok(text);
    assert_string_equal(o.id, "alpine");
    ld_os_release_clear(&o);
}

static void test_garbage_lines(void **state)
{
    (void)state;
    static const char text[] = "no equals sign\n"
                               "1KEY=x\n"
                               "KEY =x\n"
                               "KEY= x\n"  /* would run x in a shell */
                               "KEY=a b\n" /* second word */
                               "KEY=\"unterminated\n"
                               "KEY='unterminated\n"
                               "KEY=$(reboot)\n"
                               "KEY=a;b\n"
                               "KEY=a|b\n"
                               "KEY=`id`\n"
                               "KEY=trailing\\\n" /* continuation */
                               "KEY=\"x\\\n"
                               "export KEY=x\n"
                               "KEY=bell\a\n"
                               "KEY=nul\0byte\n"
                               "=value\n"
                               "ID=survivor\n"
                               "LAST=no-newline";
    size_t bad = 0;
    seen s = foreach_ok(text, sizeof(text) - 1, &bad);
    assert_int_equal(bad, 17);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.e[0].key, "ID");
    assert_string_equal(s.e[0].value, "survivor");
    assert_int_equal(s.e[0].line, 18);
    assert_string_equal(s.e[1].value, "no-newline");
    ld_os_release o;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_os_release_parse(text, sizeof(text) - 1, &o, &err), 0);
    assert_int_equal(o.bad_lines, 17);
    assert_string_equal(o.id, "survivor");
    ld_os_release_clear(&o);
}

static void test_key_length(void **state)
{
    (void)state;
    char text[400];
    char key[LD_OS_RELEASE_KEY_MAX + 2];
    memset(key, 'K', sizeof(key));
    key[LD_OS_RELEASE_KEY_MAX] = '\0';
    snprintf(text, sizeof(text), "%s=ok\n", key);
    size_t bad = 0;
    seen s = foreach_ok(text, strlen(text), &bad);
    assert_int_equal(s.n, 1);
    assert_int_equal(bad, 0);
    key[LD_OS_RELEASE_KEY_MAX] = 'K';
    key[LD_OS_RELEASE_KEY_MAX + 1] = '\0';
    snprintf(text, sizeof(text), "%s=too-long\n", key);
    s = foreach_ok(text, strlen(text), &bad);
    assert_int_equal(s.n, 0);
    assert_int_equal(bad, 1);
}

static void test_oversize(void **state)
{
    (void)state;
    size_t n = LD_OS_RELEASE_MAX + 1;
    char *buf = ld_xmalloc(n);
    memset(buf, '#', n);
    ld_error err = LD_ERROR_INIT;
    size_t bad = 7;
    assert_int_equal(ld_os_release_foreach(buf, n, collect, NULL, &bad, &err), LD_ERR_LIMIT);
    assert_int_equal(err.code, LD_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "65537"));
    assert_int_equal(bad, 0);
    ld_os_release o;
    assert_int_equal(ld_os_release_parse(buf, n, &o, &err), LD_ERR_LIMIT);
    assert_null(o.id);
    /* exactly the limit is fine */
    memcpy(buf, "ID=x\n", 5);
    assert_int_equal(ld_os_release_parse(buf, n - 1, &o, &err), 0);
    assert_string_equal(o.id, "x");
    ld_os_release_clear(&o);
    free(buf);
}

static int stop_at_second(const ld_os_release_entry *e, void *ctx)
{
    (void)e;
    int *count = ctx;
    return ++*count == 2 ? -42 : 0;
}

static void test_callback_stops(void **state)
{
    (void)state;
    const char *text = "A=1\nB=2\nC=3\n";
    int count = 0;
    assert_int_equal(ld_os_release_foreach(text, strlen(text), stop_at_second, &count, NULL, NULL),
                     -42);
    assert_int_equal(count, 2);
    ld_os_release o = parse_ok("");
    assert_null(o.id);
    assert_int_equal(o.bad_lines, 0);
    ld_os_release_clear(&o);
}

/* ---- host.container-os over temporary roots ---- */

typedef struct {
    char root[64];
} tmp_root;

static void write_file(const char *root, const char *rel, const char *text, size_t len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    FILE *f = fopen(path, "we");
    if (!f)
        fail_msg("cannot write %s: %s", path, strerror(errno));
    fwrite(text, 1, len, f);
    fclose(f);
}

static void make_root(tmp_root *t)
{
    snprintf(t->root, sizeof(t->root), "/tmp/ld-test-root.XXXXXX");
    if (!mkdtemp(t->root))
        fail_msg("mkdtemp: %s", strerror(errno));
    char p[512];
    snprintf(p, sizeof(p), "%s/etc", t->root);
    mkdir(p, 0755);
    snprintf(p, sizeof(p), "%s/usr", t->root);
    mkdir(p, 0755);
    snprintf(p, sizeof(p), "%s/usr/lib", t->root);
    mkdir(p, 0755);
    write_file(t->root, "etc/hostname", "testhost\n", 9);
}

static void remove_root(tmp_root *t)
{
    static const char *const files[] = {"etc/os-release", "usr/lib/os-release", "etc/hostname",
                                        "secret", NULL};
    char p[512];
    for (const char *const *f = files; *f; f++) {
        snprintf(p, sizeof(p), "%s/%s", t->root, *f);
        unlink(p);
    }
    static const char *const dirs[] = {"usr/lib", "usr", "etc", "", NULL};
    for (const char *const *d = dirs; *d; d++) {
        snprintf(p, sizeof(p), "%s/%s", t->root, *d);
        rmdir(p);
    }
}

/* What host.container-os returned for one root: its one finding. */
typedef struct {
    ld_catalog *cat;
    ld_findings *fs;
    const ld_finding *f;
} host_result;

/* Runs the host check on root; the set must hold exactly one finding of
 * host.container-os, and the check must have declared it owed. */
static host_result host_check(const char *root)
{
    ld_error err = LD_ERROR_INIT;
    host_result h = {0};
    h.cat = ld_catalog_load_builtin(&err);
    if (!h.cat)
        fail_msg("%s", err.msg);
    h.fs = ld_findings_new(h.cat, 0);
    if (ld_host_os_check(h.fs, root, &err) != 0)
        fail_msg("host check: %s", err.msg);
    assert_int_equal(h.fs->n, 1);
    h.f = h.fs->v[0];
    assert_string_equal(h.f->check_id, "host.container-os");
    assert_ptr_equal(h.f->control, ld_catalog_control_for_check(h.cat, "host.container-os"));
    const ld_scope_entry *sc = ld_findings_scope_of(h.fs, "host.container-os");
    assert_non_null(sc);
    assert_int_equal(sc->state, LD_SCOPE_OWED);
    return h;
}

static void host_done(host_result *h)
{
    ld_findings_free(h->fs);
    ld_catalog_free(h->cat);
}

static const char *status(const host_result *h)
{
    return ld_status_name(h->f->status);
}
static const char *evidence(const host_result *h)
{
    return h->f->evidence;
}

/* NIST 800-190 HOST-01 recommends a container-specific OS: a general-purpose
 * one does not meet it, so the finding fails (it is not a mere warning). */
static void test_host_general_os_fails(void **state)
{
    (void)state;
    tmp_root t;
    make_root(&t);
    const char *deb =
        "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nVERSION_ID=\"12\"\nID=debian\n";
    write_file(t.root, "usr/lib/os-release", deb, strlen(deb));
    /* Debian's relative link, resolved inside the root */
    char link[512];
    snprintf(link, sizeof(link), "%s/etc/os-release", t.root);
    assert_int_equal(symlink("../usr/lib/os-release", link), 0);
    host_result h = host_check(t.root);
    assert_string_equal(status(&h), "fail");
    assert_string_equal(evidence(&h), "ID=debian VERSION_ID=\"12\"");
    assert_non_null(strstr(ld_finding_title(h.f), "general-purpose"));
    assert_int_equal(h.f->target.kind, LD_TARGET_HOST);
    assert_string_equal(h.f->target.id, "testhost");
    host_done(&h);
    remove_root(&t);
}

static void test_host_container_os_passes(void **state)
{
    (void)state;
    static const char *const samples[] = {
        "NAME=Bottlerocket\nID=bottlerocket\nVERSION_ID=1.19.2\n",
        "NAME=\"Flatcar Container Linux by Kinvolk\"\nID=flatcar\nID_LIKE=coreos\n",
        "NAME=\"Fedora Linux\"\nID=fedora\nVERSION_ID=39\nVARIANT_ID=coreos\n",
        "NAME=\"Container-Optimized OS\"\nID=cos\nVERSION_ID=109\n",
        "NAME=Talos\nID=talos\n",
        "NAME=\"openSUSE MicroOS\"\nID=\"opensuse-microos\"\nID_LIKE=\"suse opensuse\"\n",
        NULL,
    };
    for (const char *const *s = samples; *s; s++) {
        tmp_root t;
        make_root(&t);
        write_file(t.root, "etc/os-release", *s, strlen(*s));
        host_result h = host_check(t.root);
        if (h.f->status != LD_STATUS_PASS)
            fail_msg("expected pass for %s, got %s (%s)", *s, status(&h), evidence(&h));
        host_done(&h);
        remove_root(&t);
    }
    /* a general-purpose OS that merely mentions one in its name does not pass */
    tmp_root t;
    make_root(&t);
    const char *fake = "NAME=\"Not Bottlerocket\"\nID=ubuntu\nVARIANT_ID=server\n";
    write_file(t.root, "etc/os-release", fake, strlen(fake));
    host_result h = host_check(t.root);
    assert_string_equal(status(&h), "fail");
    host_done(&h);
    remove_root(&t);
}

static void test_host_symlink_cannot_leave_root(void **state)
{
    (void)state;
    tmp_root t;
    make_root(&t);
    /* An absolute link to a file outside the root that says bottlerocket: it
     * must resolve inside the root (to nothing), not to the outside file. */
    char outside[128];
    snprintf(outside, sizeof(outside), "%s.outside", t.root);
    write_file("/", outside + 1, "ID=bottlerocket\n", 16);
    char link[512];
    snprintf(link, sizeof(link), "%s/etc/os-release", t.root);
    assert_int_equal(symlink(outside, link), 0);
    host_result h = host_check(t.root);
    assert_string_equal(status(&h), "error"); /* could not look: never a pass */
    assert_non_null(strstr(evidence(&h), "no etc/os-release"));
    host_done(&h);
    /* the fallback file is read when etc/os-release leads nowhere */
    write_file(t.root, "usr/lib/os-release", "ID=debian\n", 10);
    h = host_check(t.root);
    assert_string_equal(status(&h), "fail");
    assert_string_equal(evidence(&h), "ID=debian");
    host_done(&h);
    unlink(outside);
    remove_root(&t);
}

static void test_host_oversize_and_missing_id(void **state)
{
    (void)state;
    tmp_root t;
    make_root(&t);
    size_t n = LD_OS_RELEASE_MAX + 10;
    char *big = ld_xmalloc(n);
    memset(big, '#', n);
    write_file(t.root, "etc/os-release", big, n);
    free(big);
    host_result h = host_check(t.root);
    assert_string_equal(status(&h), "error");
    assert_non_null(strstr(evidence(&h), "larger than"));
    host_done(&h);
    /* no ID: os-release(5) says it defaults to "linux", a general-purpose OS */
    write_file(t.root, "etc/os-release", "NAME=Mystery\n", 13);
    h = host_check(t.root);
    assert_string_equal(status(&h), "fail");
    assert_non_null(strstr(evidence(&h), "defaults to ID=linux"));
    host_done(&h);
    remove_root(&t);
}

static void test_host_root_not_a_directory(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    ld_catalog *cat = ld_catalog_load_builtin(&err);
    assert_non_null(cat);
    ld_findings *fs = ld_findings_new(cat, 0);
    assert_int_equal(ld_host_os_check(fs, "/nonexistent/root", &err), LD_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "/nonexistent/root"));
    assert_int_equal(fs->n, 0);
    ld_findings_free(fs);
    ld_catalog_free(cat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_debian_sample),
        cmocka_unit_test(test_id_like_words),
        cmocka_unit_test(test_quoting_and_escapes),
        cmocka_unit_test(test_comments_and_blanks),
        cmocka_unit_test(test_garbage_lines),
        cmocka_unit_test(test_key_length),
        cmocka_unit_test(test_oversize),
        cmocka_unit_test(test_callback_stops),
        cmocka_unit_test(test_host_general_os_fails),
        cmocka_unit_test(test_host_container_os_passes),
        cmocka_unit_test(test_host_symlink_cannot_leave_root),
        cmocka_unit_test(test_host_oversize_and_missing_id),
        cmocka_unit_test(test_host_root_not_a_directory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
