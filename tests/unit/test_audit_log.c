/* Unit tests for lockdown's own audit trail (core/audit_log.c) and the
 * policy's logging section (core/policy.c): the records a run writes
 * (start, each change, end) as JSON lines with their ECS fields, one
 * session id per run, secrets redacted in the command line and the
 * targets; the file created 0600 and refused when it is a symbolic link,
 * a directory, a FIFO or writable by every user; a write that fails (the
 * file size limit, injected with RLIMIT_FSIZE) reported by the action and
 * again at close; records of processes writing at the same time intact;
 * and logging.audit-log in a policy strict (absolute paths, known keys). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/audit_log.h"
#include "core/policy.h"
#include "util/mem.h"

static char dir[] = "/tmp/ld-audit-test.XXXXXX";

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char *argv[] = {"rm", "-rf", dir, NULL};
    pid_t pid = fork();
    if (pid == 0) {
        execvp("rm", argv);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return 0;
}

static char *path_in(const char *name)
{
    return ld_xasprintf("%s/%s", dir, name);
}

/* Every line of path parsed as JSON (each must be one object). */
static json_t *read_records(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    json_t *all = json_array();
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        assert_int_equal(line[n - 1], '\n');
        json_error_t e;
        json_t *j = json_loadb(line, (size_t)n - 1, 0, &e);
        if (!j)
            fail_msg("record is not JSON (%s): %s", e.text, line);
        assert_true(json_is_object(j));
        json_array_append_new(all, j);
    }
    free(line);
    fclose(f);
    return all;
}

static const char *str_at(json_t *rec, const char *a, const char *b)
{
    json_t *o = json_object_get(rec, a);
    const char *s = json_string_value(b ? json_object_get(o, b) : o);
    if (!s)
        fail_msg("no string %s.%s", a, b ? b : "");
    return s;
}

static void a_run(void **state)
{
    (void)state;
    char *path = path_in("run.log");
    char *argv[] = {"lockdown",   "registry", "prune",   "https://bob:pw123@reg.example.com",
                    "--password", "hunter2",  "--apply", NULL};
    ld_audit_begin(7, argv);
    argv[4] = "changed-after-begin"; /* main shuffles its array: the trail kept a copy */
    ld_error err = LD_ERROR_INIT;
    assert_false(ld_audit_enabled());
    assert_int_equal(ld_audit_open(path, 0, NULL, &err), 0);
    assert_true(ld_audit_enabled());
    assert_string_equal(ld_audit_path(), path);
    /* a second open (the policy's) is a no-op */
    char *other = path_in("other.log");
    assert_int_equal(ld_audit_open(other, 0, NULL, &err), 0);
    assert_string_equal(ld_audit_path(), path);
    assert_int_equal(access(other, F_OK), -1);
    ld_audit_command("registry prune");
    ld_audit_target("https://bob:pw123@reg.example.com");
    ld_audit_target("https://bob:pw123@reg.example.com"); /* once */
    /* the parser took the secret for an operand: still hidden */
    ld_audit_target("hunter2");
    assert_int_equal(ld_audit_action("registry.prune.delete", "reg.example.com/app@sha256:ab", true,
                                     "manifest; tags: 1.0; result: deleted", &err),
                     0);
    assert_int_equal(ld_audit_action("image.sign", "app", false,
                                     "--token=xyz refused; registry said: bad password hunter2",
                                     &err),
                     0);
    assert_int_equal(ld_audit_close(1, &err), 0);
    assert_false(ld_audit_enabled());

    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0600);
    json_t *recs = read_records(path);
    assert_int_equal(json_array_size(recs), 4);
    json_t *start = json_array_get(recs, 0), *del = json_array_get(recs, 1),
           *sign = json_array_get(recs, 2), *end = json_array_get(recs, 3);
    /* one session links the run's records */
    const char *session = str_at(start, "lockdown", "session");
    assert_int_equal(strlen(session), 32);
    for (size_t i = 1; i < 4; i++)
        assert_string_equal(str_at(json_array_get(recs, i), "lockdown", "session"), session);
    /* the start record: the command line, redacted */
    assert_string_equal(str_at(start, "event", "action"), "command");
    assert_string_equal(str_at(start, "event", "dataset"), "lockdown.audit");
    const char *cl = str_at(start, "process", "command_line");
    assert_string_equal(cl, "lockdown registry prune https://reg.example.com --password REDACTED "
                            "--apply");
    assert_int_equal(json_array_size(json_object_get(json_object_get(start, "process"), "args")),
                     7);
    char uid[24];
    snprintf(uid, sizeof(uid), "%u", (unsigned)getuid());
    assert_string_equal(str_at(start, "user", "id"), uid);
    assert_non_null(json_object_get(json_object_get(start, "user"), "effective"));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(start, "process"), "pid")),
                     getpid());
    /* the changes */
    assert_string_equal(json_string_value(json_array_get(
                            json_object_get(json_object_get(del, "event"), "type"), 0)),
                        "deletion");
    assert_string_equal(str_at(del, "event", "outcome"), "success");
    json_t *change = json_object_get(json_object_get(del, "lockdown"), "change");
    assert_string_equal(json_string_value(json_object_get(change, "object")),
                        "reg.example.com/app@sha256:ab");
    assert_string_equal(str_at(sign, "event", "outcome"), "failure");
    assert_string_equal(json_string_value(json_array_get(
                            json_object_get(json_object_get(sign, "event"), "type"), 0)),
                        "creation");
    change = json_object_get(json_object_get(sign, "lockdown"), "change");
    assert_null(strstr(json_string_value(json_object_get(change, "detail")), "xyz"));
    /* the end record: command, targets (redacted, once), exit code, duration */
    json_t *ld = json_object_get(end, "lockdown");
    assert_string_equal(json_string_value(json_object_get(ld, "command")), "registry prune");
    assert_int_equal(json_integer_value(json_object_get(ld, "exit_code")), 1);
    json_t *targets = json_object_get(ld, "targets");
    assert_int_equal(json_array_size(targets), 2);
    assert_string_equal(json_string_value(json_array_get(targets, 0)), "https://reg.example.com");
    assert_string_equal(json_string_value(json_array_get(targets, 1)), "REDACTED");
    assert_string_equal(str_at(end, "event", "outcome"), "failure");
    assert_true(json_integer_value(json_object_get(json_object_get(end, "event"), "duration")) >=
                0);
    /* nothing secret anywhere in the file */
    FILE *f = fopen(path, "r");
    char buf[65536];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_null(strstr(buf, "hunter2"));
    assert_null(strstr(buf, "pw123"));
    assert_null(strstr(buf, "changed-after-begin"));
    json_decref(recs);

    /* without a trail nothing is written and nothing fails */
    assert_int_equal(ld_audit_action("x.delete", "o", true, NULL, &err), 0);
    assert_int_equal(ld_audit_close(0, &err), 0);
    free(path);
    free(other);
}

static void refused_files(void **state)
{
    (void)state;
    char *argv[] = {"lockdown", "version", NULL};
    ld_audit_begin(2, argv);
    ld_error err = LD_ERROR_INIT;
    /* a symbolic link, even to a good file: refused, the file untouched */
    char *target = path_in("real.log"), *link = path_in("link.log");
    int fd = open(target, O_WRONLY | O_CREAT | O_EXCL, 0600);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(symlink(target, link), 0);
    assert_true(ld_audit_open(link, 0, NULL, &err) < 0);
    assert_non_null(strstr(err.msg, "symbolic link"));
    assert_false(ld_audit_enabled());
    struct stat sb;
    assert_int_equal(stat(target, &sb), 0);
    assert_int_equal(sb.st_size, 0);
    /* a directory */
    ld_error_clear(&err);
    assert_true(ld_audit_open(dir, 0, NULL, &err) < 0);
    /* a FIFO: refused at once, not waited on */
    char *fifo = path_in("fifo");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    ld_error_clear(&err);
    assert_true(ld_audit_open(fifo, 0, NULL, &err) < 0);
    assert_non_null(strstr(err.msg, "not a regular file"));
    /* writable by every user: anyone could forge records */
    char *open_file = path_in("everyone.log");
    fd = open(open_file, O_WRONLY | O_CREAT | O_EXCL, 0600);
    assert_true(fd >= 0);
    fchmod(fd, 0666);
    close(fd);
    ld_error_clear(&err);
    assert_true(ld_audit_open(open_file, 0, NULL, &err) < 0);
    assert_non_null(strstr(err.msg, "every user"));
    /* no name; a missing directory */
    assert_true(ld_audit_open("", 0, NULL, &err) < 0);
    char *missing = path_in("no/such/dir.log");
    ld_error_clear(&err);
    assert_true(ld_audit_open(missing, 0, NULL, &err) < 0);
    assert_non_null(strstr(err.msg, missing));
    assert_false(ld_audit_enabled());
    free(target);
    free(link);
    free(fifo);
    free(open_file);
    free(missing);
}

static void write_failure(void **state)
{
    (void)state;
    char *path = path_in("full.log");
    char *argv[] = {"lockdown", "key", "generate", "k", NULL};
    ld_audit_begin(4, argv);
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_audit_open(path, 0, NULL, &err), 0);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    /* the file may not grow beyond a few more bytes: the next record fails */
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = (rlim_t)sb.st_size + 16;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    ld_error aerr = LD_ERROR_INIT;
    int rc = ld_audit_action("key.generate", "/tmp/k.key", true, NULL, &aerr);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);
    assert_true(rc < 0);
    assert_non_null(strstr(aerr.msg, "cannot write the audit trail"));
    /* the close says the trail is incomplete even though its own record fits */
    ld_error cerr = LD_ERROR_INIT;
    assert_true(ld_audit_close(0, &cerr) < 0);
    assert_non_null(strstr(cerr.msg, path));
    assert_false(ld_audit_enabled());
    free(path);
}

/* Records of several processes appended to one trail at once stay whole. */
static void concurrent_writers(void **state)
{
    (void)state;
    char *path = path_in("shared.log");
    enum { WRITERS = 4, RECORDS = 150 };
    pid_t pids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = fork();
        assert_true(pids[w] >= 0);
        if (pids[w] == 0) {
            char *argv[] = {"lockdown", "registry", "prune", "r", NULL};
            ld_audit_begin(4, argv);
            ld_error e = LD_ERROR_INIT;
            if (ld_audit_open(path, 0, NULL, &e) < 0)
                _exit(2);
            /* long details make a record several kilobytes */
            char *detail = ld_xmalloc(3001);
            memset(detail, 'a' + w, 3000);
            detail[3000] = '\0';
            for (int i = 0; i < RECORDS; i++)
                if (ld_audit_action("registry.prune.delete", "obj", true, detail, &e) < 0)
                    _exit(3);
            free(detail);
            _exit(ld_audit_close(0, &e) < 0 ? 4 : 0);
        }
    }
    for (int w = 0; w < WRITERS; w++) {
        int st = 0;
        waitpid(pids[w], &st, 0);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);
    }
    json_t *recs = read_records(path); /* fails on any torn line */
    assert_int_equal(json_array_size(recs), WRITERS * (RECORDS + 2));
    /* each detail is one writer's letter only */
    size_t idx;
    json_t *r;
    json_array_foreach(recs, idx, r)
    {
        json_t *ch = json_object_get(json_object_get(r, "lockdown"), "change");
        if (!ch)
            continue;
        const char *d = json_string_value(json_object_get(ch, "detail"));
        assert_int_equal(strlen(d), 3000);
        assert_int_equal(strspn(d, (char[]){d[0], '\0'}), 3000);
    }
    json_decref(recs);
    free(path);
}

static void policy_logging_section(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    static const char good[] = "version: 1\nlogging:\n  audit-log: /var/log/lockdown/audit.log\n";
    ld_policy *p = ld_policy_parse("p.yaml", good, strlen(good), NULL, &err);
    assert_non_null(p);
    assert_string_equal(p->audit_log, "/var/log/lockdown/audit.log");
    ld_policy_free(p);
    /* none: NULL */
    static const char none[] = "version: 1\n";
    p = ld_policy_parse("p.yaml", none, strlen(none), NULL, &err);
    assert_non_null(p);
    assert_null(p->audit_log);
    ld_policy_free(p);
    struct {
        const char *doc, *msg;
    } bad[] = {
        {"version: 1\nlogging:\n  audit-log: audit.log\n",
         "p.yaml:3: \"audit-log\" must be an absolute path"},
        {"version: 1\nlogging:\n  audit_log: /x.log\n", "p.yaml:3: "},
        {"version: 1\nlogging:\n  audit-log: /var/log/\n", "names a file, not a directory"},
        {"version: 1\nlogging:\n  audit-log: [a]\n", "must be a string"},
        {"version: 1\nlogging: /x.log\n", "p.yaml:2:"},
        {"version: 1\nlogging:\n  audit-log: \"\"\n", "must not be empty"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ld_strlist diags = {0};
        ld_error_clear(&err);
        p = ld_policy_parse("p.yaml", bad[i].doc, strlen(bad[i].doc), &diags, &err);
        if (p)
            fail_msg("accepted: %s", bad[i].doc);
        if (!strstr(err.msg, bad[i].msg))
            fail_msg("\"%s\" does not say \"%s\"", err.msg, bad[i].msg);
        ld_strlist_clear(&diags);
    }
    /* the misspelling is pointed at the right key */
    static const char typo[] = "version: 1\nlogging:\n  audit_log: /x.log\n";
    p = ld_policy_parse("p.yaml", typo, strlen(typo), NULL, &err);
    assert_null(p);
    assert_non_null(strstr(err.msg, "audit-log"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_run),
        cmocka_unit_test(refused_files),
        cmocka_unit_test(write_failure),
        cmocka_unit_test(concurrent_writers),
        cmocka_unit_test(policy_logging_section),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
