/* Tests of a container's processes as evidence (forensics/proc_collect.h
 * and the /proc text parsers of forensics/proc_text.h): the collector on
 * real processes (a forked child holding a TCP listener and a unix socket
 * pair; a running executable that was deleted; a name made to look
 * deleted; a process that is gone; a process tree), on a fake /proc tree
 * with hostile content (comm with ") (" and a newline, a command line
 * without its NUL, an environ over the copy cap, fd links that look like
 * paths out of the tree, a FIFO and a symbolic link planted as /proc
 * files, missing files), the container's pids from fake cgroup trees
 * (v2 unified, nested cgroups, v1, and paths that must not be used), and
 * the parsers on hostile samples. */
#include <dirent.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "test_skip.h"
#include "test_fx_proc_util.h"

#include "forensics/proc_collect.h"
#include "forensics/proc_text.h"

static int main_argc;
static char **main_argv;

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Waits (2 s at most) until pid sleeps (it reached pause()). */
static void wait_sleeping(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    for (int i = 0; i < 200; i++) {
        size_t n;
        char *text = fxt_read(path, &n);
        ld_fx_stat_fields sf;
        bool sleeping = ld_fx_parse_stat(text, n, &sf) == 0 && sf.state == 'S';
        free(text);
        if (sleeping)
            return;
        sleep_ms(10);
    }
}

static char *self_link(const char *name)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/self/%s", name);
    ssize_t n = readlink(path, buf, sizeof buf - 1);
    assert_true(n > 0);
    buf[n] = '\0';
    return ld_xstrdup(buf);
}

static void kill_and_reap(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

static bool has_socket(const ld_fx_proc_record *r, uint64_t inode, int fd)
{
    for (size_t i = 0; i < r->n_sockets; i++)
        if (r->sockets[i].inode == inode && (fd < 0 || r->sockets[i].fd == fd))
            return true;
    return false;
}

static json_t *load_json_artifact(const fxt_bundle *t, const char *rel)
{
    char *text = fxt_read_artifact(t, rel, NULL);
    json_error_t jerr;
    json_t *doc = json_loads(text, 0, &jerr);
    if (!doc)
        fail_msg("%s is not JSON: %s", rel, jerr.text);
    free(text);
    return doc;
}

/* ---- real processes ----------------------------------------------------------------- */

typedef struct {
    int listen_fd, pair0, pair1;
    uint64_t listen_ino, pair0_ino, pair1_ino;
} child_facts;

static void test_real_child(void **state)
{
    (void)state;
    int pipefd[2];
    assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        child_facts f;
        f.listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        if (bind(f.listen_fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(f.listen_fd, 1) != 0)
            _exit(1);
        int pair[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
            _exit(1);
        f.pair0 = pair[0];
        f.pair1 = pair[1];
        struct stat st;
        fstat(f.listen_fd, &st);
        f.listen_ino = st.st_ino;
        fstat(pair[0], &st);
        f.pair0_ino = st.st_ino;
        fstat(pair[1], &st);
        f.pair1_ino = st.st_ino;
        if (write(pipefd[1], &f, sizeof f) != (ssize_t)sizeof f)
            _exit(1);
        for (;;)
            pause();
    }
    close(pipefd[1]);
    child_facts f;
    assert_int_equal(read(pipefd[0], &f, sizeof f), (ssize_t)sizeof f);
    close(pipefd[0]);
    wait_sleeping(pid);

    fxt_bundle t;
    fxt_bundle_open(&t);
    ld_fx_proc_record rec;
    ld_error err = LD_ERROR_INIT;
    int rc = ld_fx_proc_collect(t.b, NULL, pid, &rec, &err);
    kill_and_reap(pid);
    if (rc != 0)
        fail_msg("collect: %s", err.msg);

    assert_int_equal(rec.pid, pid);
    assert_int_equal(rec.ppid, getpid());
    assert_int_equal(rec.nspid, pid);
    assert_int_equal(rec.state, 'S');
    assert_int_equal(rec.uid, getuid());
    assert_int_equal(rec.euid, geteuid());
    assert_int_equal(rec.gid, getgid());
    assert_int_equal(rec.threads, 1);
    assert_true(rec.start_ticks > 0);
    assert_false(rec.exited);
    assert_null(rec.exit_note);
    char *comm = fxt_read("/proc/self/comm", NULL);
    comm[strcspn(comm, "\n")] = '\0';
    assert_string_equal(rec.comm, comm);
    free(comm);
    char *exe = self_link("exe");
    assert_string_equal(rec.exe, exe);
    assert_false(rec.exe_deleted);
    free(exe);
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_string_equal(rec.cwd, cwd);
    assert_string_equal(rec.root, "/");
    assert_int_equal(rec.argc, (size_t)main_argc);
    for (int i = 0; i < main_argc; i++)
        assert_string_equal(rec.argv[i], main_argv[i]);
    assert_null(rec.argv[rec.argc]);
    assert_true(has_socket(&rec, f.listen_ino, f.listen_fd));
    assert_true(has_socket(&rec, f.pair0_ino, f.pair0));
    assert_true(has_socket(&rec, f.pair1_ino, f.pair1));

    static const char *const files[] = {"status",    "cmdline", "environ", "limits", "cgroup",
                                        "mountinfo", "maps",    "stat",    "auxv",   "io"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "processes/%d/%s", (int)pid, files[i]);
        const ld_fx_entry *e = fxt_entry(&t, rel);
        if (!e)
            fail_msg("%s not recorded", rel);
        assert_string_equal(e->kind, LD_FX_KIND_PROC_FILE);
        assert_false(e->truncated);
    }
    /* the command line copy holds the same bytes as ours (a fork) */
    char rel[64];
    snprintf(rel, sizeof rel, "processes/%d/cmdline", (int)pid);
    size_t got_n, want_n;
    char *got = fxt_read_artifact(&t, rel, &got_n);
    char *want = fxt_read("/proc/self/cmdline", &want_n);
    assert_int_equal(got_n, want_n);
    assert_memory_equal(got, want, want_n);
    free(got);
    free(want);

    /* fds.json: the listener's fd with its socket target and fdinfo */
    snprintf(rel, sizeof rel, "processes/%d/fds.json", (int)pid);
    assert_string_equal(fxt_entry(&t, rel)->kind, LD_FX_KIND_PROC_FDS);
    json_t *fds = load_json_artifact(&t, rel);
    bool found = false;
    size_t i;
    json_t *e;
    json_array_foreach(fds, i, e)
    {
        if (json_integer_value(json_object_get(e, "fd")) != f.listen_fd)
            continue;
        found = true;
        char target[64];
        snprintf(target, sizeof target, "socket:[%llu]", (unsigned long long)f.listen_ino);
        assert_string_equal(json_string_value(json_object_get(e, "target")), target);
        assert_int_equal(json_integer_value(json_object_get(e, "pos")), 0);
        const char *flags = json_string_value(json_object_get(e, "flags"));
        assert_non_null(flags);
        /* O_RDWR and O_CLOEXEC as fdinfo prints them, in octal */
        long fl = strtol(flags, NULL, 8);
        assert_int_equal(fl & O_ACCMODE, O_RDWR);
        assert_true(fl & O_CLOEXEC);
        assert_true(json_is_integer(json_object_get(e, "mnt_id")));
    }
    assert_true(found);
    json_decref(fds);

    /* namespaces.json: the same namespaces as this process */
    snprintf(rel, sizeof rel, "processes/%d/namespaces.json", (int)pid);
    json_t *ns = load_json_artifact(&t, rel);
    static const char *const kinds[] = {"net", "mnt", "pid", "uts", "ipc", "user", "cgroup"};
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        char name[32];
        snprintf(name, sizeof name, "ns/%s", kinds[k]);
        char *mine = self_link(name);
        assert_string_equal(json_string_value(json_object_get(ns, kinds[k])), mine);
        free(mine);
    }
    json_decref(ns);
    ld_fx_proc_record_clear(&rec);
    fxt_bundle_close(&t);
}

/* Copies /bin/sleep to dir/name and runs it with a marker in its
 * environment; returns its pid once it runs the copy. */
static pid_t run_copy_of_sleep(const char *dir, const char *name, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s", dir, name);
    size_t n;
    char *bin = fxt_read("/bin/sleep", &n);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, bin, n), (ssize_t)n);
    close(fd);
    free(bin);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char *argv[] = {"ldproc15-sleeper", "30", NULL};
        char *envp[] = {"LDPROC15_MARK=evidence-123", NULL};
        execve(path, argv, envp);
        _exit(127);
    }
    char exe_path[64];
    snprintf(exe_path, sizeof exe_path, "/proc/%d/exe", (int)pid);
    for (int i = 0; i < 200; i++) {
        char buf[4096];
        ssize_t k = readlink(exe_path, buf, sizeof buf - 1);
        if (k > 0) {
            buf[k] = '\0';
            if (strcmp(buf, path) == 0)
                return pid;
        }
        sleep_ms(10);
    }
    kill_and_reap(pid);
    fail_msg("%s did not start", path);
    return -1;
}

static void test_real_deleted_exe(void **state)
{
    (void)state;
    fxt_bundle t;
    fxt_bundle_open(&t);
    char path[256];
    pid_t pid = run_copy_of_sleep(t.tmp, "ldproc15-sleep", path, sizeof path);
    assert_int_equal(unlink(path), 0);
    ld_fx_proc_record rec;
    ld_error err = LD_ERROR_INIT;
    int rc = ld_fx_proc_collect(t.b, NULL, pid, &rec, &err);
    kill_and_reap(pid);
    if (rc != 0)
        fail_msg("collect: %s", err.msg);
    char want[300];
    snprintf(want, sizeof want, "%s (deleted)", path);
    assert_string_equal(rec.exe, want);
    assert_true(rec.exe_deleted);
    assert_string_equal(rec.comm, "ldproc15-sleep");
    assert_int_equal(rec.argc, 2);
    assert_string_equal(rec.argv[0], "ldproc15-sleeper");
    assert_string_equal(rec.argv[1], "30");
    char rel[64];
    snprintf(rel, sizeof rel, "processes/%d/environ", (int)pid);
    size_t n;
    char *env = fxt_read_artifact(&t, rel, &n);
    assert_int_equal(n, strlen("LDPROC15_MARK=evidence-123") + 1);
    assert_string_equal(env, "LDPROC15_MARK=evidence-123");
    free(env);

    /* the index carries it */
    assert_int_equal(ld_fx_proc_index_write(t.b, &rec, 1, &err), 0);
    json_t *idx = load_json_artifact(&t, "processes/index.json");
    json_t *r = json_array_get(idx, 0);
    assert_true(json_is_true(json_object_get(r, "exe_deleted")));
    assert_string_equal(json_string_value(json_object_get(r, "exe")), want);
    assert_string_equal(json_string_value(json_array_get(json_object_get(r, "argv"), 0)),
                        "ldproc15-sleeper");
    assert_true(json_is_false(json_object_get(r, "exited")));
    assert_null(json_object_get(r, "exit_note"));
    json_decref(idx);
    ld_fx_proc_record_clear(&rec);
    fxt_bundle_close(&t);
}

/* A file NAMED "... (deleted)" that still exists is not reported deleted. */
static void test_real_name_looks_deleted(void **state)
{
    (void)state;
    fxt_bundle t;
    fxt_bundle_open(&t);
    char path[256];
    pid_t pid = run_copy_of_sleep(t.tmp, "sleep (deleted)", path, sizeof path);
    ld_fx_proc_record rec;
    ld_error err = LD_ERROR_INIT;
    int rc = ld_fx_proc_collect(t.b, NULL, pid, &rec, &err);
    kill_and_reap(pid);
    assert_int_equal(rc, 0);
    assert_string_equal(rec.exe, path);
    assert_false(rec.exe_deleted);
    assert_true(fxt_has_note(&t, "a name chosen to look deleted"));
    ld_fx_proc_record_clear(&rec);
    fxt_bundle_close(&t);
}

static void test_real_gone(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(0);
    waitpid(pid, NULL, 0);
    fxt_bundle t;
    fxt_bundle_open(&t);
    ld_fx_proc_record rec;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fx_proc_collect(t.b, NULL, pid, &rec, &err), 0);
    assert_true(rec.exited);
    assert_non_null(rec.exit_note);
    assert_non_null(rec.argv);
    assert_int_equal(rec.argc, 0);
    char note[64];
    snprintf(note, sizeof note, "process %d exited during the capture", (int)pid);
    assert_true(fxt_has_note(&t, note));
    size_t n;
    ld_fx_bundle_entries(t.b, &n);
    assert_int_equal(n, 0);
    /* the index says so */
    assert_int_equal(ld_fx_proc_index_write(t.b, &rec, 1, &err), 0);
    json_t *idx = load_json_artifact(&t, "processes/index.json");
    assert_true(json_is_true(json_object_get(json_array_get(idx, 0), "exited")));
    assert_non_null(json_string_value(json_object_get(json_array_get(idx, 0), "exit_note")));
    json_decref(idx);
    ld_fx_proc_record_clear(&rec);
    fxt_bundle_close(&t);
}

static bool in_list(const pid_t *p, size_t n, pid_t x)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] == x)
            return true;
    return false;
}

static void test_real_descendants(void **state)
{
    (void)state;
    int pipefd[2];
    assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
    pid_t a = fork();
    assert_true(a >= 0);
    if (a == 0) {
        pid_t b = fork();
        if (b == 0) {
            for (;;)
                pause();
        }
        if (write(pipefd[1], &b, sizeof b) != (ssize_t)sizeof b)
            _exit(1);
        for (;;)
            pause();
    }
    close(pipefd[1]);
    pid_t b;
    assert_int_equal(read(pipefd[0], &b, sizeof b), (ssize_t)sizeof b);
    close(pipefd[0]);
    pid_t *pids = NULL;
    size_t n = 0;
    ld_error err = LD_ERROR_INIT;
    int rc = ld_fx_descendants(a, &pids, &n, &err);
    pid_t *mine = NULL;
    size_t n_mine = 0;
    int rc2 = ld_fx_descendants(getpid(), &mine, &n_mine, &err);
    kill(b, SIGKILL);
    kill_and_reap(a);
    assert_int_equal(rc, 0);
    assert_int_equal(n, 2);
    assert_int_equal(pids[0], a);
    assert_int_equal(pids[1], b);
    assert_int_equal(rc2, 0);
    assert_int_equal(mine[0], getpid());
    assert_true(in_list(mine, n_mine, a));
    assert_true(in_list(mine, n_mine, b));
    free(pids);
    free(mine);
    /* a pid that is not there */
    assert_true(ld_fx_descendants(0, &pids, &n, &err) < 0);
    assert_null(pids);
}

/* ---- a fake /proc tree with hostile content ------------------------------------------ */

#define STAT_REST                                                                                  \
    " S 1 4242 4242 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 987654 1000000 100 "                   \
    "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n"

static void build_hostile_tree(const char *root)
{
    /* comm with ") (" and a newline: only the LAST ')' ends it */
    fxt_write_str(root, "4242/stat", "4242 (a) (b\nc)" STAT_REST);
    fxt_write_str(root, "4242/status",
                  "Name:\tfake\nState:\tR (running)\nPPid:\t1\nUid:\t1000\t0\t0\t0\n"
                  "Gid:\t50\t50\t50\t50\nThreads:\t3\nNSpid:\t4242\t17\n"
                  "Uid:\t0\t0\t0\t0\n");
    /* the command line without its last NUL */
    static const char cmdline[] = "sh\0-c\0echo hi";
    fxt_write(root, "4242/cmdline", cmdline, sizeof(cmdline) - 1);
    /* an environment over the copy cap */
    size_t big = (size_t)LD_FX_PROC_FILE_MAX + 1024 * 1024;
    char *env = ld_xmalloc(big);
    memset(env, 'E', big);
    fxt_write(root, "4242/environ", env, big);
    free(env);
    fxt_write_str(root, "4242/limits", "Limit Soft Hard Units\n");
    fxt_write_str(root, "4242/cgroup", "0::/docker/x\n");
    fxt_write_str(root, "4242/mountinfo", "");
    fxt_write_str(root, "4242/auxv", "");
    fxt_write_str(root, "4242/io", "rchar: 1\n");
    /* a FIFO planted as maps: not opened for reading, not a hang */
    char path[512];
    snprintf(path, sizeof path, "%s/4242/maps", root);
    assert_int_equal(mkfifo(path, 0644), 0);
    fxt_symlink(root, "4242/exe", "/usr/bin/evil (deleted)");
    fxt_symlink(root, "4242/cwd", "/../../etc");
    fxt_symlink(root, "4242/root", "/");
    fxt_symlink(root, "4242/ns/net", "net:[4026532000]");
    fxt_symlink(root, "4242/ns/pid", "pid:[4026532001]");
    /* fd links that look like paths out of the tree: recorded, not followed */
    fxt_symlink(root, "4242/fd/0", "../../../../etc/shadow");
    fxt_symlink(root, "4242/fd/3", "socket:[777]");
    fxt_symlink(root, "4242/fd/10", "socket:[778");
    fxt_symlink(root, "4242/fd/12", "/tmp/x\n\"quoted\" (deleted)");
    fxt_symlink(root, "4242/fd/abc", "socket:[779]");
    fxt_symlink(root, "4242/fd/007", "socket:[780]");
    fxt_write_str(root, "4242/fdinfo/3", "pos:\t5\nflags:\t02004002\nmnt_id:\t9\n");
    fxt_write_str(root, "4242/fdinfo/0", "pos:\t-1\nflags:\t0x12\nmnt_id:\t99999999999999999999\n");

    /* 4343: only stat and status are left: it exited while it was read */
    fxt_write_str(root, "4343/stat",
                  "4343 (gone) Z 4242 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 "
                  "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
    fxt_write_str(root, "4343/status", "State:\tZ (zombie)\n");
    /* 4444: a symbolic link planted as status */
    fxt_write_str(root, "4444/stat", "4444 (x) S 1 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0\n");
    fxt_symlink(root, "4444/status", "/etc/passwd");
}

static void test_fake_hostile(void **state)
{
    (void)state;
    fxt_bundle t;
    fxt_bundle_open(&t);
    char root[128];
    snprintf(root, sizeof root, "%s/proc", t.tmp);
    build_hostile_tree(root);
    ld_error err = LD_ERROR_INIT;
    ld_fx_proc_record r[3];
    assert_int_equal(ld_fx_proc_collect(t.b, root, 4242, &r[0], &err), 0);
    assert_int_equal(ld_fx_proc_collect(t.b, root, 4343, &r[1], &err), 0);
    assert_int_equal(ld_fx_proc_collect(t.b, root, 4444, &r[2], &err), 0);

    assert_string_equal(r[0].comm, "a) (b\nc");
    assert_int_equal(r[0].state, 'S'); /* from stat, which comes first */
    assert_int_equal(r[0].ppid, 1);
    assert_int_equal(r[0].start_ticks, 987654);
    assert_int_equal(r[0].uid, 1000); /* the first Uid: line counts */
    assert_int_equal(r[0].euid, 0);
    assert_int_equal(r[0].gid, 50);
    assert_int_equal(r[0].threads, 3);
    assert_int_equal(r[0].nspid, 17);
    assert_int_equal(r[0].argc, 3);
    assert_string_equal(r[0].argv[2], "echo hi");
    assert_string_equal(r[0].exe, "/usr/bin/evil (deleted)");
    assert_true(r[0].exe_deleted);
    assert_string_equal(r[0].cwd, "/../../etc");
    assert_false(r[0].exited);
    assert_true(has_socket(&r[0], 777, 3));
    assert_false(has_socket(&r[0], 778, -1));
    assert_false(has_socket(&r[0], 779, -1));
    assert_false(has_socket(&r[0], 780, -1));

    /* environ: cut at the cap, and the cut is on the artifact */
    const ld_fx_entry *e = fxt_entry(&t, "processes/4242/environ");
    assert_non_null(e);
    assert_int_equal(e->size, LD_FX_PROC_FILE_MAX);
    assert_true(e->truncated);
    assert_non_null(e->note);
    /* maps was a FIFO: not copied, said so */
    assert_null(fxt_entry(&t, "processes/4242/maps"));
    assert_true(fxt_has_note(&t, "process 4242: maps"));

    /* fds.json: link texts as they are, the junk names left out */
    json_t *fds = load_json_artifact(&t, "processes/4242/fds.json");
    assert_int_equal(json_array_size(fds), 4);
    json_t *f0 = json_array_get(fds, 0);
    assert_int_equal(json_integer_value(json_object_get(f0, "fd")), 0);
    assert_string_equal(json_string_value(json_object_get(f0, "target")), "../../../../etc/shadow");
    assert_null(json_object_get(f0, "pos"));   /* "-1" is no position */
    assert_null(json_object_get(f0, "flags")); /* "0x12" is not octal */
    assert_null(json_object_get(f0, "mnt_id"));
    json_t *f3 = json_array_get(fds, 1);
    assert_int_equal(json_integer_value(json_object_get(f3, "pos")), 5);
    assert_string_equal(json_string_value(json_object_get(f3, "flags")), "02004002");
    assert_int_equal(json_integer_value(json_object_get(f3, "mnt_id")), 9);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(fds, 2), "fd")), 10);
    assert_string_equal(json_string_value(json_object_get(json_array_get(fds, 3), "target")),
                        "/tmp/x\n\"quoted\" (deleted)");
    json_decref(fds);
    /* nothing outside the tree was read into the bundle */
    size_t n;
    const ld_fx_entry *all = ld_fx_bundle_entries(t.b, &n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(strncmp(all[i].path, "processes/", 10), 0);

    json_t *ns = load_json_artifact(&t, "processes/4242/namespaces.json");
    assert_string_equal(json_string_value(json_object_get(ns, "net")), "net:[4026532000]");
    assert_true(json_is_null(json_object_get(ns, "uts")));
    json_decref(ns);

    /* 4343 exited: what was there is kept, the rest named */
    assert_true(r[1].exited);
    assert_non_null(strstr(r[1].exit_note, "cmdline"));
    assert_non_null(strstr(r[1].exit_note, "fds"));
    assert_int_equal(r[1].state, 'Z');
    assert_int_equal(r[1].ppid, 4242);
    assert_non_null(fxt_entry(&t, "processes/4343/stat"));
    assert_true(fxt_has_note(&t, "process 4343 exited during the capture"));
    /* 4444: the planted link is not followed and is not an exit */
    assert_null(fxt_entry(&t, "processes/4444/status"));
    assert_true(fxt_has_note(&t, "process 4444: status could not be read"));

    /* the index: valid JSON with the hostile comm as it was */
    assert_int_equal(ld_fx_proc_index_write(t.b, r, 3, &err), 0);
    json_t *idx = load_json_artifact(&t, "processes/index.json");
    assert_int_equal(json_array_size(idx), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(idx, 0), "comm")),
                        "a) (b\nc");
    assert_string_equal(json_string_value(json_object_get(json_array_get(idx, 0), "state")), "S");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(idx, 0), "nspid")), 17);
    assert_true(json_is_true(json_object_get(json_array_get(idx, 1), "exited")));
    json_decref(idx);
    for (int i = 0; i < 3; i++)
        ld_fx_proc_record_clear(&r[i]);
    fxt_bundle_close(&t);
}

/* ---- the container's pids from fake cgroup trees -------------------------------------- */

typedef struct {
    char tmp[64];
    char proc[96], cg[96];
} fake_roots;

static void roots_open(fake_roots *r)
{
    snprintf(r->tmp, sizeof r->tmp, "/tmp/ld-fxpids-XXXXXX");
    assert_non_null(mkdtemp(r->tmp));
    snprintf(r->proc, sizeof r->proc, "%s/proc", r->tmp);
    snprintf(r->cg, sizeof r->cg, "%s/cg", r->tmp);
}

static int pids_of(const fake_roots *r, pid_t init, pid_t **pids, size_t *n, ld_error *err)
{
    return ld_fx_container_pids_at(r->proc, init, r->cg, pids, n, err);
}

static void test_fake_cgroup_v2_hybrid(void **state)
{
    (void)state;
    fake_roots r;
    roots_open(&r);
    fxt_write_str(r.proc, "500/cgroup", "9:pids:/docker/c1\n0::/docker/c1\n");
    fxt_write_str(r.cg, "unified/cgroup.controllers", "");
    fxt_write_str(r.cg, "unified/docker/c1/cgroup.procs", "510\n500\n 505\n");
    fxt_write_str(r.cg, "unified/docker/c1/sub/cgroup.procs", "520\n");
    fxt_write_str(r.cg, "unified/docker/c1/sub/deeper/cgroup.procs", "530\n500\n");
    fxt_write_str(r.cg, "unified/docker/other/cgroup.procs", "999\n");
    /* v1 would give something else: v2 comes first */
    fxt_write_str(r.cg, "pids/docker/c1/cgroup.procs", "500\n");
    pid_t *pids = NULL;
    size_t n = 0;
    ld_error err = LD_ERROR_INIT;
    if (pids_of(&r, 500, &pids, &n, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(n, 5);
    static const pid_t want[] = {500, 505, 510, 520, 530};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(pids[i], want[i]);
    free(pids);
    fxt_rm_tree(r.tmp);
}

static void test_fake_cgroup_pure_v2_and_v1(void **state)
{
    (void)state;
    fake_roots r;
    roots_open(&r);
    /* a pure v2 host: the root holds cgroup.controllers */
    fxt_write_str(r.proc, "600/cgroup", "0::/system.slice/docker-c2.scope\n");
    fxt_write_str(r.cg, "cgroup.controllers", "cpu memory pids\n");
    fxt_write_str(r.cg, "system.slice/docker-c2.scope/cgroup.procs", "601\n600\n");
    pid_t *pids = NULL;
    size_t n = 0;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(pids_of(&r, 600, &pids, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(pids[0], 600);
    assert_int_equal(pids[1], 601);
    free(pids);
    fxt_rm_tree(r.tmp);

    /* v1 only; the v2 line names the root cgroup (the whole host): not used;
     * "cpu,cpuacct" is the hierarchy's directory */
    roots_open(&r);
    fxt_write_str(r.proc, "700/cgroup", "5:cpu,cpuacct:/docker/c3\n4:memory:/docker/c3\n0::/\n");
    fxt_write_str(r.cg, "unified/cgroup.controllers", "");
    fxt_write_str(r.cg, "unified/cgroup.procs", "1\n700\n701\n702\n");
    fxt_write_str(r.cg, "memory/docker/c3/cgroup.procs", "700\n");
    fxt_write_str(r.cg, "cpu,cpuacct/docker/c3/cgroup.procs", "700\n703\n");
    assert_int_equal(pids_of(&r, 700, &pids, &n, &err), 0);
    assert_int_equal(n, 1); /* memory comes before cpu */
    free(pids);
    fxt_rm_tree(r.tmp);
}

static void test_fake_cgroup_hostile(void **state)
{
    (void)state;
    fake_roots r;
    pid_t *pids = NULL;
    size_t n = 0;
    ld_error err = LD_ERROR_INIT;

    /* ".." in the path: refused, the next hierarchy is used */
    roots_open(&r);
    fxt_write_str(r.proc, "800/cgroup", "0::/docker/../../escape\n3:pids:/docker/c4\n");
    fxt_write_str(r.cg, "unified/cgroup.controllers", "");
    fxt_write_str(r.tmp, "escape/cgroup.procs", "800\n1\n2\n");
    fxt_write_str(r.cg, "pids/docker/c4/cgroup.procs", "800\n801\n");
    assert_int_equal(pids_of(&r, 800, &pids, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(pids[1], 801);
    free(pids);
    fxt_rm_tree(r.tmp);

    /* a symbolic link on the way is not followed */
    roots_open(&r);
    fxt_write_str(r.proc, "810/cgroup", "0::/docker/c5\n");
    fxt_write_str(r.cg, "unified/cgroup.controllers", "");
    fxt_write_str(r.tmp, "elsewhere/c5/cgroup.procs", "810\n1\n");
    char target[128];
    snprintf(target, sizeof target, "%s/elsewhere", r.tmp);
    fxt_symlink(r.cg, "unified/docker", target);
    assert_true(pids_of(&r, 810, &pids, &n, &err) < 0);
    assert_int_equal(err.code, LD_ERR_NOT_FOUND);
    assert_null(pids);
    assert_non_null(strstr(err.msg, "process 810"));
    fxt_rm_tree(r.tmp);

    /* a link that stays beneath the mount is not followed either */
    roots_open(&r);
    fxt_write_str(r.proc, "815/cgroup", "0::/docker/c5\n");
    fxt_write_str(r.cg, "unified/cgroup.controllers", "");
    fxt_write_str(r.cg, "unified/decoy/c5/cgroup.procs", "815\n1\n");
    fxt_symlink(r.cg, "unified/docker", "decoy");
    assert_true(pids_of(&r, 815, &pids, &n, &err) < 0);
    assert_non_null(strstr(err.msg, "Too many levels of symbolic links"));
    fxt_rm_tree(r.tmp);

    /* the root cgroup (the whole host) is never taken for the container's */
    roots_open(&r);
    fxt_write_str(r.proc, "816/cgroup", "0::/\n");
    fxt_write_str(r.cg, "unified/cgroup.controllers", "");
    fxt_write_str(r.cg, "unified/cgroup.procs", "1\n816\n817\n");
    assert_true(pids_of(&r, 816, &pids, &n, &err) < 0);
    assert_non_null(strstr(err.msg, "root cgroup"));
    fxt_rm_tree(r.tmp);

    /* the cgroup does not hold the init: not that container's */
    roots_open(&r);
    fxt_write_str(r.proc, "820/cgroup", "0::/docker/c6\n");
    fxt_write_str(r.cg, "unified/cgroup.controllers", "");
    fxt_write_str(r.cg, "unified/docker/c6/cgroup.procs", "1\n2\n");
    assert_true(pids_of(&r, 820, &pids, &n, &err) < 0);
    assert_non_null(strstr(err.msg, "does not hold process 820"));
    fxt_rm_tree(r.tmp);

    /* garbage in cgroup.procs and in the cgroup file */
    roots_open(&r);
    fxt_write_str(r.proc, "830/cgroup", "garbage\n::\n0::/docker/c7\nx:pids:/y\n");
    fxt_write_str(r.cg, "unified/cgroup.controllers", "");
    fxt_write_str(r.cg, "unified/docker/c7/cgroup.procs",
                  "830\n-5\n0\n99999999999\nabc\n4194305\n831\n");
    assert_int_equal(pids_of(&r, 830, &pids, &n, &err), 0);
    assert_int_equal(n, 2);
    free(pids);
    /* a process with no cgroup file: not found */
    assert_true(pids_of(&r, 831, &pids, &n, &err) < 0);
    assert_int_equal(err.code, LD_ERR_NOT_FOUND);
    fxt_rm_tree(r.tmp);
}

static void test_fake_descendants(void **state)
{
    (void)state;
    fake_roots r;
    roots_open(&r);
    fxt_write_str(r.proc, "900/task/900/children", "901 902 ");
    fxt_write_str(r.proc, "900/task/905/children", "903");
    fxt_write_str(r.proc, "901/task/901/children", "904 junk 900");
    fxt_write_str(r.proc, "902/task/902/children", "901"); /* a cycle */
    fxt_write_str(r.proc, "903/task/903/children", "");
    fxt_symlink(r.proc, "904/task", "/proc/1/task"); /* a link: not followed */
    pid_t *pids = NULL;
    size_t n = 0;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fx_descendants_at(r.proc, 900, &pids, &n, &err), 0);
    static const pid_t want[] = {900, 901, 902, 903, 904};
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(pids[i], want[i]);
    free(pids);
    assert_true(ld_fx_descendants_at(r.proc, 950, &pids, &n, &err) < 0);
    assert_int_equal(err.code, LD_ERR_NOT_FOUND);
    fxt_rm_tree(r.tmp);
}

/* ---- the parsers ------------------------------------------------------------------------ */

static void test_parse_stat(void **state)
{
    (void)state;
    ld_fx_stat_fields s;
    static const char ok[] = "1 (x) S 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 42 1 2\n";
    assert_int_equal(ld_fx_parse_stat(ok, strlen(ok), &s), 0);
    assert_string_equal(s.comm, "x");
    assert_int_equal(s.start_ticks, 42);
    /* a comm of spaces and parens that ends like a stat line */
    static const char tricky[] = "1 (a) S 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 777 ) R 5 1 1 0 -1 "
                                 "0 0 0 0 0 0 0 0 0 20 0 1 0 43\n";
    assert_int_equal(ld_fx_parse_stat(tricky, strlen(tricky), &s), 0);
    assert_int_equal(s.state, 'R');
    assert_int_equal(s.ppid, 5);
    assert_int_equal(s.start_ticks, 43);
    assert_string_equal(s.comm, "a) S 9 9 9 9 9 9"); /* cut at 16 bytes */
    static const char *const bad[] = {
        "",
        "1 x S 0",
        "1 (x S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 42",
        "1 (x) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0",                      /* 21 fields */
        "1 (x) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 18446744073709551616", /* overflow */
        "1 (x) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 -42",                  /* negative start */
        "1 (x) SS 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 42",
        "1 (x) S 0x1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 42",
        ")(",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (ld_fx_parse_stat(bad[i], strlen(bad[i]), &s) == 0)
            fail_msg("accepted: %s", bad[i]);
    /* not NUL-terminated: the length is respected */
    assert_int_equal(ld_fx_parse_stat(ok, 12, &s), -1);
}

static void test_parse_status_and_text(void **state)
{
    (void)state;
    ld_fx_status_fields st;
    static const char s1[] = "State:\tS (sleeping)\nNSpid:\t100\t7\t1\nUid:\t1\n"
                             "Gid:\t4294967296\nThreads:\t-1\nPPid:\t3\n";
    ld_fx_parse_status(s1, strlen(s1), &st);
    assert_int_equal(st.got, LD_FX_ST_STATE | LD_FX_ST_NSPID | LD_FX_ST_PPID);
    assert_int_equal(st.nspid, 1);
    assert_int_equal(st.ppid, 3);
    ld_fx_parse_status("NSpid:\t5\tx\n", 11, &st);
    assert_int_equal(st.got, 0);

    size_t argc;
    bool cut;
    char **argv = ld_fx_split_cmdline("a\0\0b\0", 5, 10, &argc, &cut);
    assert_int_equal(argc, 3);
    assert_string_equal(argv[1], "");
    assert_false(cut);
    ld_fx_argv_free(argv);
    argv = ld_fx_split_cmdline("a\0b\0c\0d", 7, 2, &argc, &cut);
    assert_int_equal(argc, 2);
    assert_true(cut);
    assert_null(argv[2]);
    ld_fx_argv_free(argv);
    argv = ld_fx_split_cmdline("", 0, 2, &argc, &cut);
    assert_int_equal(argc, 0);
    assert_null(argv[0]);
    ld_fx_argv_free(argv);

    ld_fx_cgroup_paths cg;
    static const char c1[] = "12:cpu,cpuacct:/a\n11:name=systemd:/b\n3:memory:/m:with:colons\n"
                             "0::/v2\n0::/second\n2:pids:\n";
    assert_int_equal(ld_fx_parse_cgroup(c1, strlen(c1), &cg), 1);
    assert_int_equal(cg.v2.n, 3);
    assert_memory_equal(cg.v2.p, "/v2", 3);
    assert_int_equal(cg.v1_dir[LD_FX_CG_CPU].n, 11);
    assert_memory_equal(cg.v1_path[LD_FX_CG_MEMORY].p, "/m:with:colons", 14);
    assert_null(cg.v1_path[LD_FX_CG_PIDS].p);
    assert_null(cg.v1_path[LD_FX_CG_FREEZER].p);

    uint64_t ino;
    assert_true(ld_fx_link_socket_inode("socket:[12]", 11, &ino));
    assert_int_equal(ino, 12);
    assert_false(ld_fx_link_socket_inode("socket:[]", 9, &ino));
    assert_false(ld_fx_link_socket_inode("socket:[1a]", 11, &ino));
    assert_false(ld_fx_link_socket_inode("socket:[99999999999999999999]", 29, &ino));
    assert_false(ld_fx_link_socket_inode("socket:[12] ", 12, &ino));
    assert_true(ld_fx_link_deleted("/x (deleted)", 12));
    assert_false(ld_fx_link_deleted("/x (deleted) ", 13));
    int64_t v;
    assert_true(ld_fx_parse_dec_name("0", 1, 10, &v));
    assert_false(ld_fx_parse_dec_name("01", 2, 10, &v));
    assert_false(ld_fx_parse_dec_name("11", 2, 10, &v));
    assert_false(ld_fx_parse_dec_name("+1", 2, 10, &v));
}

int main(int argc, char **argv)
{
    main_argc = argc;
    main_argv = argv;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_child),
        cmocka_unit_test(test_real_deleted_exe),
        cmocka_unit_test(test_real_name_looks_deleted),
        cmocka_unit_test(test_real_gone),
        cmocka_unit_test(test_real_descendants),
        cmocka_unit_test(test_fake_hostile),
        cmocka_unit_test(test_fake_cgroup_v2_hybrid),
        cmocka_unit_test(test_fake_cgroup_pure_v2_and_v1),
        cmocka_unit_test(test_fake_cgroup_hostile),
        cmocka_unit_test(test_fake_descendants),
        cmocka_unit_test(test_parse_stat),
        cmocka_unit_test(test_parse_status_and_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
