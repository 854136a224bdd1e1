/* Unit tests for forensics/trigger.c, the capture action of lockdown watch.
 * The "lockdown" it starts is a /bin/sh script written here that records
 * its argv, the LOCKDOWN_KEY_PASSWORD it was given and its process group
 * beside the bundle path it was handed, writes to stdout and stderr, then
 * sleeps TRIGGER_TEST_SLEEP seconds and exits as its container id says
 * (aaaa...: status 3, bbbb...: killed by SIGKILL, others 0). Checked: the
 * argv exactly, the bundle name and where it goes, the log file, the
 * password passed only when asked for, its own process group, one capture
 * per container at a time, the cooldown, the hourly rate and max_parallel
 * (on an injected clock, so no test waits an hour), the reaping with the
 * exit status, drain's deadline, a program that cannot start. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

#include "forensics/trigger.h"
#include "forensics/trigger_internal.h"
#include "util/mem.h"

#define ID_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define ID_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define ID_C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
#define ID_D "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"

static const char SCRIPT[] =
    "#!/bin/sh\n"
    "b=\"$4\"; id=\"$2\"\n"
    "for a in \"$0\" \"$@\"; do printf '%s\\n' \"$a\"; done > \"$b.argv\"\n"
    "printf '%s' \"${LOCKDOWN_KEY_PASSWORD-<unset>}\" > \"$b.pw\"\n"
    "ps_stat=$(cat /proc/$$/stat)\n"
    "set -- ${ps_stat##*) }\n"
    "printf '%s %s' \"$$\" \"$3\" > \"$b.pgrp\"\n"
    "echo to-stdout; echo to-stderr >&2\n"
    "sleep \"${TRIGGER_TEST_SLEEP:-0}\"\n"
    "case \"$id\" in\n"
    "  aaaa*) exit 3;;\n"
    "  bbbb*) kill -KILL $$;;\n"
    "esac\n"
    "exit 0\n";

typedef struct {
    char what[16];
    char id[65];
    char bundle[PATH_MAX];
    char detail[PATH_MAX + 256];
} event;

typedef struct {
    char dir[64];
    char exe[PATH_MAX];
    char out[PATH_MAX];
    event events[64];
    size_t n_events;
    double clock;
} fixture;

static void on_event(void *ctx, const char *what, const char *id, const char *bundle,
                     const char *detail)
{
    fixture *f = ctx;
    assert_true(f->n_events < 64);
    event *e = &f->events[f->n_events++];
    snprintf(e->what, sizeof(e->what), "%s", what);
    snprintf(e->id, sizeof(e->id), "%s", id ? id : "");
    snprintf(e->bundle, sizeof(e->bundle), "%s", bundle ? bundle : "");
    snprintf(e->detail, sizeof(e->detail), "%s", detail ? detail : "");
}

static double fake_clock(void *ctx)
{
    return ((fixture *)ctx)->clock;
}

static char *read_text(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return NULL;
    char *buf = ld_xcalloc(1, 65536);
    size_t n = fread(buf, 1, 65535, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static char *read_beside(const char *bundle, const char *suffix)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof(path), "%s%s", bundle, suffix);
    return read_text(path);
}

static void remove_tree(const char *dir)
{
    /* argv only, no shell: rm -rf of the test's own mkdtemp directory */
    char *argv[] = {(char *)"rm", (char *)"-rf", (char *)dir, NULL};
    pid_t pid = fork();
    if (pid == 0) {
        execv("/bin/rm", argv);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
}

static int setup(void **state)
{
    fixture *f = ld_xcalloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/ld-trigger-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->exe, sizeof(f->exe), "%s/fake-lockdown", f->dir);
    snprintf(f->out, sizeof(f->out), "%s/captures/nested", f->dir);
    FILE *fp = fopen(f->exe, "w");
    assert_non_null(fp);
    fputs(SCRIPT, fp);
    fclose(fp);
    assert_int_equal(chmod(f->exe, 0755), 0);
    f->clock = 1000;
    unsetenv("TRIGGER_TEST_SLEEP");
    unsetenv("LOCKDOWN_KEY_PASSWORD");
    unsetenv("TEST_TRIGGER_PW");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    remove_tree(f->dir);
    free(f);
    return 0;
}

static ld_fx_trigger *new_trigger(fixture *f, ld_fx_trigger_options *o, bool fake_time)
{
    o->exe = o->exe ? o->exe : f->exe;
    o->out_dir = f->out;
    o->on_event = on_event;
    o->cb_ctx = f;
    ld_error err = LD_ERROR_INIT;
    ld_fx_trigger *t = ld_fx_trigger_new(o, &err);
    if (!t)
        fail_msg("ld_fx_trigger_new: %s", err.msg);
    if (fake_time)
        ld_fx_trigger_set_clock(t, fake_clock, f);
    return t;
}

static int request(ld_fx_trigger *t, const char *id, const char *name, const char *rule)
{
    ld_error err = LD_ERROR_INIT;
    int rc = ld_fx_trigger_request(t, id, name, rule, &err);
    if (rc < 0)
        fail_msg("ld_fx_trigger_request: %s", err.msg);
    return rc;
}

static const event *last_event(const fixture *f, const char *what)
{
    for (size_t i = f->n_events; i > 0; i--)
        if (strcmp(f->events[i - 1].what, what) == 0)
            return &f->events[i - 1];
    return NULL;
}

static size_t count_events(const fixture *f, const char *what)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n_events; i++)
        n += strcmp(f->events[i].what, what) == 0;
    return n;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The bundle name is NAME-yyyymmddThhmmssZ-RULE directly in the out dir. */
static void check_bundle_name(const fixture *f, const char *bundle, const char *name,
                              const char *rule)
{
    size_t dl = strlen(f->out);
    assert_int_equal(strncmp(bundle, f->out, dl), 0);
    assert_int_equal(bundle[dl], '/');
    const char *base = bundle + dl + 1;
    assert_null(strchr(base, '/'));
    size_t nl = strlen(name);
    assert_int_equal(strncmp(base, name, nl), 0);
    const char *stamp = base + nl;
    assert_int_equal(stamp[0], '-');
    for (int i = 1; i <= 16; i++) {
        char c = stamp[i];
        if (i == 9)
            assert_int_equal(c, 'T');
        else if (i == 16)
            assert_int_equal(c, 'Z');
        else
            assert_true(c >= '0' && c <= '9');
    }
    assert_int_equal(stamp[17], '-');
    assert_string_equal(stamp + 18, rule);
}

static void test_argv_exact_with_key(void **state)
{
    fixture *f = *state;
    setenv("TEST_TRIGGER_PW", "pw-from-the-watch", 1);
    setenv("LOCKDOWN_KEY_PASSWORD", "not-this-one", 1);
    ld_fx_trigger_options o = {
        .memory = "anon", .key = "/keys/capture.key", .key_password_env = "TEST_TRIGGER_PW"};
    ld_fx_trigger *t = new_trigger(f, &o, false);
    struct stat st;
    assert_int_equal(stat(f->out, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);

    assert_int_equal(request(t, ID_C, "web-1", "shell_in_container"), 1);
    const event *s = last_event(f, "started");
    assert_non_null(s);
    assert_string_equal(s->id, ID_C);
    check_bundle_name(f, s->bundle, "web-1", "shell_in_container");
    char bundle[PATH_MAX];
    snprintf(bundle, sizeof(bundle), "%s", s->bundle);

    ld_fx_trigger_drain(t, 10);
    char *argv = read_beside(bundle, ".argv");
    assert_non_null(argv);
    char *want = ld_xasprintf("%s\ncapture\n%s\n-o\n%s\n--quiet\n--memory\nanon\n--key\n"
                              "/keys/capture.key\n",
                              f->exe, ID_C, bundle);
    assert_string_equal(argv, want);
    free(want);
    free(argv);
    char *pw = read_beside(bundle, ".pw");
    assert_string_equal(pw, "pw-from-the-watch");
    free(pw);
    /* stdout and stderr both in the log beside the bundle */
    char *log = read_beside(bundle, ".log");
    assert_non_null(log);
    assert_non_null(strstr(log, "to-stdout\n"));
    assert_non_null(strstr(log, "to-stderr\n"));
    free(log);
    assert_int_equal(stat(bundle, &st), -1); /* the capture makes the bundle, not the trigger */

    const event *e = last_event(f, "ended");
    assert_non_null(e);
    assert_string_equal(e->bundle, bundle);
    assert_true(starts_with(e->detail, "succeeded"));
    ld_fx_trigger_stats stats;
    ld_fx_trigger_stats_get(t, &stats);
    assert_int_equal(stats.requested, 1);
    assert_int_equal(stats.started, 1);
    assert_int_equal(stats.succeeded, 1);
    assert_int_equal(stats.failed, 0);
    ld_fx_trigger_free(t);
}

static void test_argv_without_key_hides_password(void **state)
{
    fixture *f = *state;
    setenv("LOCKDOWN_KEY_PASSWORD", "must-not-leak", 1);
    ld_fx_trigger_options o = {0};
    ld_fx_trigger *t = new_trigger(f, &o, false);
    /* a name the engine writes with a slash, a rule with spaces and escapes */
    assert_int_equal(request(t, ID_C, "/db", "Rule with spaces/\x1b[31m"), 1);
    const event *s = last_event(f, "started");
    assert_non_null(s);
    char bundle[PATH_MAX];
    snprintf(bundle, sizeof(bundle), "%s", s->bundle);
    const char *base = strrchr(bundle, '/') + 1;
    assert_true(starts_with(base, "db-"));
    for (const char *p = base; *p; p++)
        assert_true(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
                           *p) != NULL);
    ld_fx_trigger_drain(t, 10);
    char *argv = read_beside(bundle, ".argv");
    char *want = ld_xasprintf("%s\ncapture\n%s\n-o\n%s\n--quiet\n", f->exe, ID_C, bundle);
    assert_string_equal(argv, want);
    free(want);
    free(argv);
    char *pw = read_beside(bundle, ".pw");
    assert_string_equal(pw, "<unset>");
    free(pw);
    ld_fx_trigger_free(t);

    /* a key whose password variable is not set: no password either */
    ld_fx_trigger_options o2 = {.key = "/k", .key_password_env = "TEST_TRIGGER_PW"};
    t = new_trigger(f, &o2, false);
    assert_int_equal(request(t, ID_D, "nopw", "r"), 1);
    snprintf(bundle, sizeof(bundle), "%s", last_event(f, "started")->bundle);
    ld_fx_trigger_drain(t, 10);
    pw = read_beside(bundle, ".pw");
    assert_string_equal(pw, "<unset>");
    free(pw);
    ld_fx_trigger_free(t);
}

static void test_own_process_group(void **state)
{
    fixture *f = *state;
    setenv("TRIGGER_TEST_SLEEP", "1", 1);
    ld_fx_trigger_options o = {0};
    ld_fx_trigger *t = new_trigger(f, &o, false);
    assert_int_equal(request(t, ID_C, "pg", "r"), 1);
    char bundle[PATH_MAX];
    snprintf(bundle, sizeof(bundle), "%s", last_event(f, "started")->bundle);
    ld_fx_trigger_drain(t, 10);
    char *pg = read_beside(bundle, ".pgrp");
    assert_non_null(pg);
    long pid = 0, pgrp = 0;
    assert_int_equal(sscanf(pg, "%ld %ld", &pid, &pgrp), 2);
    assert_int_equal(pid, pgrp);
    assert_int_not_equal(pgrp, (long)getpgrp());
    free(pg);
    ld_fx_trigger_free(t);
}

static void test_one_per_container(void **state)
{
    fixture *f = *state;
    setenv("TRIGGER_TEST_SLEEP", "1", 1);
    ld_fx_trigger_options o = {.cooldown_s = 0.001};
    ld_fx_trigger *t = new_trigger(f, &o, true);
    assert_int_equal(request(t, ID_C, "one", "r"), 1);
    f->clock += 10; /* past the cooldown: only the running capture refuses */
    assert_int_equal(request(t, ID_C, "one", "r"), 0);
    const event *r = last_event(f, "refused");
    assert_non_null(r);
    assert_string_equal(r->id, ID_C);
    assert_true(starts_with(r->detail, "busy"));
    ld_fx_trigger_stats st;
    ld_fx_trigger_stats_get(t, &st);
    assert_int_equal(st.requested, 2);
    assert_int_equal(st.started, 1);
    assert_int_equal(st.refused_busy, 1);
    /* another container is not held up by it */
    assert_int_equal(request(t, ID_D, "two", "r"), 1);
    ld_fx_trigger_drain(t, 10);
    f->clock += 10;
    assert_int_equal(request(t, ID_C, "one", "r"), 1); /* done: allowed again */
    ld_fx_trigger_drain(t, 10);
    ld_fx_trigger_stats_get(t, &st);
    assert_int_equal(st.started, 3);
    assert_int_equal(st.succeeded, 3);
    ld_fx_trigger_free(t);
}

static void test_cooldown(void **state)
{
    fixture *f = *state;
    ld_fx_trigger_options o = {.cooldown_s = 100};
    ld_fx_trigger *t = new_trigger(f, &o, true);
    assert_int_equal(request(t, ID_C, "cool", "r"), 1);
    ld_fx_trigger_drain(t, 10);
    f->clock += 99;
    assert_int_equal(request(t, ID_C, "cool", "r"), 0);
    assert_true(starts_with(last_event(f, "refused")->detail, "cooldown"));
    assert_int_equal(request(t, ID_D, "other", "r"), 1); /* per container */
    f->clock += 2;                                       /* 101 s after the first */
    assert_int_equal(request(t, ID_C, "cool", "r"), 1);
    ld_fx_trigger_drain(t, 10);
    ld_fx_trigger_stats st;
    ld_fx_trigger_stats_get(t, &st);
    assert_int_equal(st.refused_cooldown, 1);
    assert_int_equal(st.started, 3);
    ld_fx_trigger_free(t);

    /* the default cooldown is 600 s */
    ld_fx_trigger_options d = {0};
    t = new_trigger(f, &d, true);
    assert_int_equal(request(t, ID_C, "cool", "r"), 1);
    ld_fx_trigger_drain(t, 10);
    f->clock += 599;
    assert_int_equal(request(t, ID_C, "cool", "r"), 0);
    f->clock += 2;
    assert_int_equal(request(t, ID_C, "cool", "r"), 1);
    ld_fx_trigger_drain(t, 10);
    ld_fx_trigger_free(t);
}

static void test_rate_per_hour(void **state)
{
    fixture *f = *state;
    ld_fx_trigger_options o = {.cooldown_s = 1, .max_per_hour = 2};
    ld_fx_trigger *t = new_trigger(f, &o, true);
    assert_int_equal(request(t, ID_C, "c", "r"), 1);
    f->clock += 1000;
    assert_int_equal(request(t, ID_D, "d", "r"), 1);
    ld_fx_trigger_drain(t, 10);
    f->clock += 1000;
    assert_int_equal(request(t, ID_A, "a", "r"), 0);
    assert_true(starts_with(last_event(f, "refused")->detail, "rate"));
    f->clock += 1601; /* the first start is an hour and a second old */
    assert_int_equal(request(t, ID_A, "a", "r"), 1);
    assert_int_equal(request(t, ID_B, "b", "r"), 0); /* the second is still within the hour */
    ld_fx_trigger_drain(t, 10);
    ld_fx_trigger_stats st;
    ld_fx_trigger_stats_get(t, &st);
    assert_int_equal(st.refused_rate, 2);
    assert_int_equal(st.started, 3);
    ld_fx_trigger_free(t);
}

static void test_max_parallel(void **state)
{
    fixture *f = *state;
    setenv("TRIGGER_TEST_SLEEP", "1", 1);
    ld_fx_trigger_options o = {0}; /* default: 2 at once */
    ld_fx_trigger *t = new_trigger(f, &o, false);
    assert_int_equal(request(t, ID_C, "c", "r"), 1);
    assert_int_equal(request(t, ID_D, "d", "r"), 1);
    assert_int_equal(request(t, ID_A, "a", "r"), 0);
    const event *r = last_event(f, "refused");
    assert_string_equal(r->id, ID_A);
    assert_non_null(strstr(r->detail, "at most 2"));
    ld_fx_trigger_drain(t, 10);
    assert_int_equal(request(t, ID_A, "a", "r"), 1); /* slots free again */
    ld_fx_trigger_drain(t, 10);
    ld_fx_trigger_free(t);

    ld_fx_trigger_options one = {.max_parallel = 1};
    t = new_trigger(f, &one, false);
    assert_int_equal(request(t, ID_C, "c", "r"), 1);
    assert_int_equal(request(t, ID_D, "d", "r"), 0);
    ld_fx_trigger_stats st;
    ld_fx_trigger_stats_get(t, &st);
    assert_int_equal(st.refused_busy, 1);
    ld_fx_trigger_drain(t, 10);
    ld_fx_trigger_free(t);
}

static void test_reaping_by_exit_status(void **state)
{
    fixture *f = *state;
    ld_fx_trigger_options o = {.max_parallel = 4};
    ld_fx_trigger *t = new_trigger(f, &o, false);
    assert_int_equal(request(t, ID_A, "a", "r"), 1); /* exits 3 */
    assert_int_equal(request(t, ID_B, "b", "r"), 1); /* SIGKILL */
    assert_int_equal(request(t, ID_C, "c", "r"), 1); /* exits 0 */
    ld_fx_trigger_drain(t, 10);
    assert_int_equal(count_events(f, "ended"), 3);
    for (size_t i = 0; i < f->n_events; i++) {
        const event *e = &f->events[i];
        if (strcmp(e->what, "ended") != 0)
            continue;
        if (strcmp(e->id, ID_A) == 0)
            assert_true(starts_with(e->detail, "failed: exit status 3"));
        else if (strcmp(e->id, ID_B) == 0)
            assert_true(starts_with(e->detail, "failed: killed by signal 9"));
        else
            assert_true(starts_with(e->detail, "succeeded"));
        assert_non_null(strstr(e->detail, ".log)"));
    }
    ld_fx_trigger_stats st;
    ld_fx_trigger_stats_get(t, &st);
    assert_int_equal(st.started, 3);
    assert_int_equal(st.succeeded, 1);
    assert_int_equal(st.failed, 2);
    ld_fx_trigger_free(t);
}

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_poll_and_drain_deadline(void **state)
{
    fixture *f = *state;
    setenv("TRIGGER_TEST_SLEEP", "2", 1);
    ld_fx_trigger_options o = {0};
    ld_fx_trigger *t = new_trigger(f, &o, false);
    assert_int_equal(request(t, ID_C, "c", "r"), 1);
    ld_fx_trigger_poll(t); /* does not wait */
    assert_int_equal(count_events(f, "ended"), 0);
    double t0 = mono();
    ld_fx_trigger_drain(t, 0.3);
    double waited = mono() - t0;
    assert_true(waited >= 0.25 && waited < 1.5);
    assert_int_equal(count_events(f, "ended"), 0); /* still running: left to run */
    ld_fx_trigger_drain(t, 10);
    assert_int_equal(count_events(f, "ended"), 1);
    ld_fx_trigger_stats st;
    ld_fx_trigger_stats_get(t, &st);
    assert_int_equal(st.succeeded, 1);
    ld_fx_trigger_free(t);
}

static void test_same_name_same_second(void **state)
{
    fixture *f = *state;
    ld_fx_trigger_options o = {.max_parallel = 4};
    ld_fx_trigger *t = new_trigger(f, &o, false);
    /* a replaced container keeps its name: two ids, one name, one rule */
    assert_int_equal(request(t, ID_C, "web", "r"), 1);
    char first[PATH_MAX];
    snprintf(first, sizeof(first), "%s", last_event(f, "started")->bundle);
    assert_int_equal(request(t, ID_D, "web", "r"), 1);
    const char *second = last_event(f, "started")->bundle;
    assert_string_not_equal(first, second);
    ld_fx_trigger_drain(t, 10);
    ld_fx_trigger_free(t);
}

static void test_refusals_of_input(void **state)
{
    fixture *f = *state;
    ld_error err = LD_ERROR_INIT;
    ld_fx_trigger_options bad = {.out_dir = f->out, .memory = "most"};
    assert_null(ld_fx_trigger_new(&bad, &err));
    assert_int_equal(err.code, LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "most"));
    ld_fx_trigger_options none = {0};
    assert_null(ld_fx_trigger_new(&none, &err));
    /* a directory others can write to (as /tmp) is refused */
    char *shared = ld_xasprintf("%s/shared", f->dir);
    assert_int_equal(mkdir(shared, 0700), 0);
    assert_int_equal(chmod(shared, 01777), 0);
    ld_fx_trigger_options open_dir = {.out_dir = shared};
    assert_null(ld_fx_trigger_new(&open_dir, &err));
    assert_int_equal(err.code, LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "writable by other users (mode 1777)"));
    assert_int_equal(chmod(shared, 0755), 0);
    ld_fx_trigger *ok = ld_fx_trigger_new(&open_dir, &err);
    assert_non_null(ok);
    ld_fx_trigger_free(ok);
    free(shared);

    ld_fx_trigger_options o = {0};
    ld_fx_trigger *t = new_trigger(f, &o, false);
    assert_true(ld_fx_trigger_request(t, "abc", "n", "r", &err) < 0);
    assert_int_equal(err.code, LD_ERR_INVALID);
    assert_true(ld_fx_trigger_request(t, ID_C "0", "n", "r", &err) < 0);
    assert_true(ld_fx_trigger_request(t, "../" ID_C, "n", "r", &err) < 0);
    assert_true(ld_fx_trigger_request(t, NULL, "n", "r", &err) < 0);
    ld_fx_trigger_stats st;
    ld_fx_trigger_stats_get(t, &st);
    assert_int_equal(st.started, 0);
    ld_fx_trigger_free(t);
}

static void test_spawn_failure(void **state)
{
    fixture *f = *state;
    ld_fx_trigger_options o = {.exe = "/nonexistent-ld/lockdown"};
    ld_fx_trigger *t = new_trigger(f, &o, false);
    ld_error err = LD_ERROR_INIT;
    assert_true(ld_fx_trigger_request(t, ID_C, "x", "r", &err) < 0);
    assert_non_null(strstr(err.msg, "/nonexistent-ld/lockdown"));
    assert_int_equal(err.sys_errno, ENOENT);
    ld_fx_trigger_stats st;
    ld_fx_trigger_stats_get(t, &st);
    assert_int_equal(st.started, 0);
    assert_int_equal(count_events(f, "started"), 0);
    /* no log file left behind */
    DIR *d = opendir(f->out);
    assert_non_null(d);
    struct dirent *de;
    size_t entries = 0;
    while ((de = readdir(d)))
        entries += de->d_name[0] != '.';
    closedir(d);
    assert_int_equal(entries, 0);
    /* a failed start holds no slot and no cooldown */
    ld_fx_trigger_free(t);
    ld_fx_trigger_options ok = {0};
    t = new_trigger(f, &ok, false);
    assert_int_equal(request(t, ID_C, "x", "r"), 1);
    ld_fx_trigger_drain(t, 10);
    ld_fx_trigger_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_argv_exact_with_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_argv_without_key_hides_password, setup, teardown),
        cmocka_unit_test_setup_teardown(test_own_process_group, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_per_container, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cooldown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_per_hour, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_parallel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reaping_by_exit_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_poll_and_drain_deadline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_name_same_second, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals_of_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spawn_failure, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
