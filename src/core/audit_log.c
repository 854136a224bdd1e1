/* lockdown's own audit trail (core/audit_log.h): the run's state (one trail
 * per process), each record built in memory as one JSON line with ECS
 * names and appended with a single write(2). Not for lockdown watch's
 * alerts (runtime/sink.h) or a command's report. */
#include "core/audit_log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/argv_redact.h"
#include "util/json_out.h"
#include "util/mem.h"
#include "util/strlist.h"

#define MAX_TARGETS 64
#define MAX_TEXT 4096          /* an object, a detail, a target */
#define MAX_COMMAND_LINE 32768 /* the joined command line; more is cut */
#define MAX_ARGS 1024          /* args listed in the start record */
#define NO_LOGINUID ((uid_t)-1)

typedef struct {
    int fd;
    char *path;
    char session[33];
    /* the command line, as main gave it, and when the run began */
    int argc;
    char *const *argv;
    char **argv_copy; /* the array ld_audit_begin copied (the strings are main's) */
    struct timespec start_mono, start_wall;
    bool begun;
    /* what the records repeat */
    char *command;
    char *command_line;
    bool command_line_cut;
    char **args; /* redacted */
    int n_args;
    ld_strlist hidden; /* the words the redaction hid: hidden wherever else they appear */
    char *user_name, *euser_name, *hostname, *executable, *cwd;
    uid_t uid, euid, loginuid;
    ld_strlist targets;
    size_t n_targets_seen;
    int write_errno; /* the first failed write; 0: none */
    bool short_write;
} audit_state;

/* The one trail of this process (see audit_log.h: process-global by design). */
static audit_state st = {.fd = -1};
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void ld_audit_begin(int argc, char *const *argv)
{
    /* a copy of the array: main takes --audit-log out of its own */
    if (argc < 0 || !argv)
        argc = 0;
    char **copy = ld_xcalloc((size_t)argc + 1, sizeof(*copy));
    for (int i = 0; i < argc; i++)
        copy[i] = argv[i] ? argv[i] : (char *)"";
    free(st.argv_copy);
    st.argv_copy = copy;
    st.argc = argc;
    st.argv = copy;
    clock_gettime(CLOCK_MONOTONIC, &st.start_mono);
    clock_gettime(CLOCK_REALTIME, &st.start_wall);
    st.begun = true;
}

bool ld_audit_enabled(void)
{
    return st.fd >= 0;
}

const char *ld_audit_path(void)
{
    return st.fd >= 0 ? st.path : NULL;
}

/* ---- facts about the run -------------------------------------------------------- */

static char *user_name(uid_t uid)
{
    long size = sysconf(_SC_GETPW_R_SIZE_MAX);
    size_t n = size > 0 && size < 1 << 20 ? (size_t)size : 16384;
    char *buf = ld_xmalloc(n);
    struct passwd pw, *res = NULL;
    char *name = NULL;
    if (getpwuid_r(uid, &pw, buf, n, &res) == 0 && res && res->pw_name)
        name = ld_xstrdup(res->pw_name);
    free(buf);
    return name;
}

/* The kernel's login uid of this process (who logged in, whatever sudo
 * made of it since); NO_LOGINUID when unset or unknown. */
static uid_t login_uid(void)
{
    int fd = open("/proc/self/loginuid", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NO_LOGINUID;
    char buf[32];
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return NO_LOGINUID;
    buf[n] = '\0';
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(buf, &end, 10);
    if (errno || end == buf || v >= UINT32_MAX)
        return NO_LOGINUID;
    return (uid_t)v;
}

static char *read_link(const char *path)
{
    char buf[PATH_MAX];
    ssize_t n = readlink(path, buf, sizeof(buf) - 1);
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    return ld_xstrdup(buf);
}

static void new_session_id(char out[33])
{
    unsigned char r[16];
    size_t got = 0;
    while (got < sizeof(r)) {
        ssize_t n = getrandom(r + got, sizeof(r) - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    if (got < sizeof(r)) { /* no entropy source: still distinct per run on this host */
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        uint64_t a = (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
        uint64_t b = ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)&t;
        memcpy(r, &a, 8);
        memcpy(r + 8, &b, 8);
    }
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof(r); i++) {
        out[2 * i] = hex[r[i] >> 4];
        out[2 * i + 1] = hex[r[i] & 15];
    }
    out[32] = '\0';
}

static char *first_word_command(void)
{
    /* until the parser names it: the first word after lockdown's global
     * options (--fips, --audit-log FILE) */
    for (int i = 1; i < st.argc; i++) {
        const char *a = st.argv[i];
        if (strcmp(a, "--audit-log") == 0)
            i++;
        else if (a[0] != '-')
            return ld_xstrdup(a);
    }
    return ld_xstrdup("");
}

/* The secrets argv held, as ld_argv_redact hid them: whole words that
 * became REDACTED, and the values of --name=REDACTED. */
static void note_hidden(int argc, char *const *argv)
{
    for (int i = 0; i < argc; i++) {
        const char *raw = argv[i], *red = st.args[i];
        const char *v = NULL;
        if (strcmp(red, LD_REDACTED) == 0 && strcmp(raw, LD_REDACTED) != 0) {
            v = raw;
        } else {
            const char *eq = strchr(red, '=');
            const char *req = strchr(raw, '=');
            if (eq && req && strcmp(eq + 1, LD_REDACTED) == 0 && strcmp(req + 1, LD_REDACTED) != 0)
                v = req + 1;
        }
        if (v && v[0] && !ld_strlist_contains(&st.hidden, v))
            ld_strlist_push(&st.hidden, v);
    }
}

/* text with every hidden word in it replaced by REDACTED, then redacted as
 * a word (URL credentials, KEY=VALUE, rule matches). Caller frees. */
static char *scrub(const char *text)
{
    char *t = ld_xstrdup(text);
    for (size_t i = 0; i < st.hidden.n; i++) {
        const char *h = st.hidden.v[i];
        size_t hn = strlen(h);
        if (hn < 4 && strcmp(t, h) != 0) /* a short value only as a whole word */
            continue;
        char *at;
        while ((at = strstr(t, h)) != NULL) {
            char *r = ld_xasprintf("%.*s%s%s", (int)(at - t), t, LD_REDACTED, at + hn);
            free(t);
            t = r;
        }
    }
    char *w = ld_argv_redact_word(t);
    free(t);
    return w;
}

static void collect_facts(int argc, char *const *argv)
{
    st.args = ld_argv_redact(argc, argv);
    st.n_args = argc;
    note_hidden(argc, argv);
    ld_strlist parts = {0};
    size_t len = 0;
    for (int i = 0; i < argc; i++) {
        size_t n = strlen(st.args[i]);
        if (len + n + 1 > MAX_COMMAND_LINE) {
            st.command_line_cut = true;
            break;
        }
        ld_strlist_push(&parts, st.args[i]);
        len += n + 1;
    }
    st.command_line = ld_strlist_join(&parts, " ");
    ld_strlist_clear(&parts);
    st.uid = getuid();
    st.euid = geteuid();
    st.loginuid = login_uid();
    st.user_name = user_name(st.uid);
    st.euser_name = st.euid == st.uid ? ld_xstrdup(st.user_name) : user_name(st.euid);
    char host[HOST_NAME_MAX + 1];
    if (gethostname(host, sizeof(host)) == 0) {
        host[HOST_NAME_MAX] = '\0';
        st.hostname = ld_xstrdup(host);
    }
    st.executable = read_link("/proc/self/exe");
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof(cwd)))
        st.cwd = ld_xstrdup(cwd);
    if (!st.command)
        st.command = first_word_command();
    new_session_id(st.session);
}

/* Forgets the trail (fd, path, the facts its records repeat); the run's
 * command line, start, command name and targets stay unless all. */
static void reset_state(bool all)
{
    free(st.path);
    free(st.command_line);
    ld_argv_free(st.args);
    free(st.user_name);
    free(st.euser_name);
    free(st.hostname);
    free(st.executable);
    free(st.cwd);
    ld_strlist_clear(&st.hidden);
    audit_state keep = st;
    if (all) {
        free(st.argv_copy);
        free(st.command);
        ld_strlist_clear(&st.targets);
    }
    memset(&st, 0, sizeof(st));
    st.fd = -1;
    if (!all) {
        st.argc = keep.argc;
        st.argv = keep.argv;
        st.argv_copy = keep.argv_copy;
        st.start_mono = keep.start_mono;
        st.start_wall = keep.start_wall;
        st.begun = keep.begun;
        st.command = keep.command;
        st.targets = keep.targets;
        st.n_targets_seen = keep.n_targets_seen;
    }
}

/* ---- records -------------------------------------------------------------------- */

static void timestamp(char *out, size_t n, const struct timespec *t)
{
    struct tm tm;
    time_t s = t->tv_sec;
    if (!gmtime_r(&s, &tm)) {
        snprintf(out, n, "1970-01-01T00:00:00.000000Z");
        return;
    }
    char base[32];
    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
    unsigned us = (unsigned)(t->tv_nsec / 1000) % 1000000u;
    snprintf(out, n, "%.20s.%06uZ", base, us);
}

static void kv_capped(ld_json *j, const char *key, const char *s)
{
    if (!s)
        return;
    ld_json_key(j, key);
    size_t n = strlen(s);
    ld_json_stringn(j, s, n > MAX_TEXT ? MAX_TEXT : n);
}

static void kv_id(ld_json *j, const char *key, uid_t id)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%u", (unsigned)id);
    ld_json_kv_string(j, key, buf);
}

typedef struct {
    const char *type;    /* event.type */
    const char *action;  /* event.action */
    const char *outcome; /* event.outcome */
    bool start, end;
    int exit_code;
    const char *object, *detail; /* a change */
} record_spec;

/* The record as one line with its newline (caller frees), *len its size. */
static char *build_record(const record_spec *r, size_t *len)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f)
        return NULL;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    char ts[48];
    timestamp(ts, sizeof(ts), &now);
    ld_json j;
    ld_json_init(&j, f, false);
    ld_json_object_begin(&j);
    ld_json_kv_string(&j, "@timestamp", ts);

    ld_json_key(&j, "event");
    ld_json_object_begin(&j);
    ld_json_kv_string(&j, "kind", "event");
    ld_json_key(&j, "category");
    ld_json_array_begin(&j);
    ld_json_string(&j, "configuration");
    ld_json_array_end(&j);
    ld_json_key(&j, "type");
    ld_json_array_begin(&j);
    ld_json_string(&j, r->type);
    ld_json_array_end(&j);
    ld_json_kv_string(&j, "action", r->action);
    ld_json_kv_string(&j, "outcome", r->outcome);
    ld_json_kv_string(&j, "dataset", "lockdown.audit");
    ld_json_kv_string(&j, "module", "lockdown");
    if (r->end && st.begun) {
        struct timespec mono;
        clock_gettime(CLOCK_MONOTONIC, &mono);
        int64_t ns = (int64_t)(mono.tv_sec - st.start_mono.tv_sec) * 1000000000 +
                     (mono.tv_nsec - st.start_mono.tv_nsec);
        char started[48];
        timestamp(started, sizeof(started), &st.start_wall);
        ld_json_kv_string(&j, "start", started);
        ld_json_kv_string(&j, "end", ts);
        ld_json_kv_int(&j, "duration", ns < 0 ? 0 : ns);
    }
    ld_json_object_end(&j);

    ld_json_key(&j, "user");
    ld_json_object_begin(&j);
    kv_id(&j, "id", st.uid);
    ld_json_kv_string_opt(&j, "name", st.user_name);
    ld_json_key(&j, "effective");
    ld_json_object_begin(&j);
    kv_id(&j, "id", st.euid);
    ld_json_kv_string_opt(&j, "name", st.euser_name);
    ld_json_object_end(&j);
    if (st.loginuid != NO_LOGINUID) {
        ld_json_key(&j, "audit");
        ld_json_object_begin(&j);
        kv_id(&j, "id", st.loginuid);
        ld_json_object_end(&j);
    }
    ld_json_object_end(&j);

    ld_json_key(&j, "host");
    ld_json_object_begin(&j);
    ld_json_kv_string_opt(&j, "hostname", st.hostname);
    ld_json_object_end(&j);

    ld_json_key(&j, "process");
    ld_json_object_begin(&j);
    ld_json_kv_int(&j, "pid", (int64_t)getpid());
    ld_json_kv_string_opt(&j, "executable", st.executable);
    ld_json_kv_string_opt(&j, "working_directory", st.cwd);
    ld_json_kv_string(&j, "command_line", st.command_line ? st.command_line : "");
    if (r->start) {
        ld_json_key(&j, "args");
        ld_json_array_begin(&j);
        for (int i = 0; i < st.n_args && i < MAX_ARGS; i++) {
            size_t n = strlen(st.args[i]);
            ld_json_stringn(&j, st.args[i], n > MAX_TEXT ? MAX_TEXT : n);
        }
        ld_json_array_end(&j);
        ld_json_kv_int(&j, "args_count", st.n_args);
    }
    ld_json_object_end(&j);

    ld_json_key(&j, "lockdown");
    ld_json_object_begin(&j);
    ld_json_kv_string(&j, "session", st.session);
    ld_json_kv_string(&j, "command", st.command ? st.command : "");
    ld_json_kv_string(&j, "version", LOCKDOWN_VERSION);
    if (st.command_line_cut)
        ld_json_kv_bool(&j, "command_line_truncated", true);
    if (r->end) {
        ld_json_key(&j, "targets");
        ld_json_array_begin(&j);
        for (size_t i = 0; i < st.targets.n; i++) {
            char *t = scrub(st.targets.v[i]);
            ld_json_string(&j, t);
            free(t);
        }
        ld_json_array_end(&j);
        if (st.n_targets_seen > st.targets.n)
            ld_json_kv_int(&j, "targets_count", (int64_t)st.n_targets_seen);
        ld_json_kv_int(&j, "exit_code", r->exit_code);
    }
    if (r->object || r->detail) {
        ld_json_key(&j, "change");
        ld_json_object_begin(&j);
        kv_capped(&j, "object", r->object);
        kv_capped(&j, "detail", r->detail);
        ld_json_object_end(&j);
    }
    ld_json_object_end(&j); /* lockdown */
    ld_json_object_end(&j); /* the record */
    fputc('\n', f);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    *len = size;
    return buf;
}

/* Appends one record with one write(2); a failure is kept for close. */
static int append(const record_spec *r, ld_error *err)
{
    size_t len = 0;
    char *line = build_record(r, &len);
    if (!line)
        return ld_error_set_errno(err, LD_ERR_GENERIC, ENOMEM, "cannot write the audit trail %s",
                                  st.path);
    ssize_t w;
    do
        w = write(st.fd, line, len);
    while (w < 0 && errno == EINTR);
    int e = w < 0 ? errno : 0;
    free(line);
    if (w == (ssize_t)len)
        return 0;
    if (!st.write_errno) {
        st.write_errno = e ? e : EIO;
        st.short_write = w >= 0;
    }
    if (w > 0) { /* end the cut record's line, so that later records stay lines of their own */
        ssize_t nl = write(st.fd, "\n", 1);
        (void)nl;
    }
    if (w >= 0)
        return ld_error_set(err, LD_ERR_GENERIC,
                            "cannot write the audit trail %s: short write (%zd of %zu bytes; the "
                            "file system is full?)",
                            st.path, w, len);
    return ld_error_set_errno(err, LD_ERR_GENERIC, e, "cannot write the audit trail %s", st.path);
}

/* ---- the API ---------------------------------------------------------------------- */

static int open_trail(const char *path, ld_error *err)
{
    /* O_NONBLOCK: a FIFO at path must not hang the run (it is refused below) */
    int fd = open(
        path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, 0600);
    if (fd < 0) {
        int e = errno;
        if (e == ELOOP)
            return ld_error_set(err, LD_ERR_INVALID,
                                "refusing the audit trail %s: it is a symbolic link (name the "
                                "file itself)",
                                path);
        if (e == ENXIO) /* a FIFO without a reader, a socket */
            return ld_error_set(err, LD_ERR_INVALID,
                                "refusing the audit trail %s: it is not a regular file", path);
        return ld_error_set_errno(err, LD_ERR_INVALID, e, "cannot open the audit trail %s", path);
    }
    struct stat sb;
    const char *why = NULL;
    if (fstat(fd, &sb) < 0)
        why = "it cannot be examined";
    else if (!S_ISREG(sb.st_mode))
        why = "it is not a regular file";
    else if (sb.st_mode & S_IWOTH)
        why = "every user may write it (chmod o-w, or 0600)";
    if (why) {
        close(fd);
        return ld_error_set(err, LD_ERR_INVALID, "refusing the audit trail %s: %s", path, why);
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}

int ld_audit_open(const char *path, int argc, char *const *argv, ld_error *err)
{
    pthread_mutex_lock(&lock);
    int rc = 0;
    if (st.fd < 0 && (!path || !path[0]))
        rc = ld_error_set(err, LD_ERR_INVALID, "the audit trail needs a file name");
    else if (st.fd < 0) {
        if (!argv) {
            argc = st.argc;
            argv = st.argv;
        }
        if (!st.begun)
            ld_audit_begin(argc, argv);
        int fd = open_trail(path, err);
        if (fd < 0) {
            rc = fd;
        } else {
            reset_state(false);
            st.fd = fd;
            st.path = ld_xstrdup(path);
            collect_facts(argc, argv);
            record_spec r = {
                .type = "start", .action = "command", .outcome = "unknown", .start = true};
            rc = append(&r, err);
            if (rc < 0) {
                close(st.fd);
                reset_state(false);
            }
        }
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

void ld_audit_command(const char *name)
{
    if (!name)
        return;
    pthread_mutex_lock(&lock);
    free(st.command);
    st.command = ld_xstrdup(name);
    pthread_mutex_unlock(&lock);
}

void ld_audit_target(const char *target)
{
    if (!target)
        return;
    pthread_mutex_lock(&lock);
    /* kept as given (cheap: every command names its targets, with or
     * without a trail) and redacted when the closing record is written */
    size_t n = strlen(target);
    char *t = ld_xstrndup(target, n > MAX_TEXT ? MAX_TEXT : n);
    if (!ld_strlist_contains(&st.targets, t)) {
        st.n_targets_seen++;
        if (st.targets.n < MAX_TARGETS) {
            ld_strlist_push_owned(&st.targets, t);
            t = NULL;
        }
    }
    free(t);
    pthread_mutex_unlock(&lock);
}

/* event.type of a change from its action's last word. */
static const char *change_type(const char *action)
{
    const char *dot = strrchr(action, '.');
    const char *w = dot ? dot + 1 : action;
    if (strcmp(w, "delete") == 0)
        return "deletion";
    static const char *const creations[] = {"sign", "generate", "create", "capture", "write", NULL};
    for (const char *const *c = creations; *c; c++)
        if (strcmp(w, *c) == 0)
            return "creation";
    return "change";
}

int ld_audit_action(const char *action, const char *object, bool ok, const char *detail,
                    ld_error *err)
{
    if (st.fd < 0 || !action)
        return 0;
    pthread_mutex_lock(&lock);
    char *obj = object ? scrub(object) : NULL;
    char *det = detail ? scrub(detail) : NULL;
    record_spec r = {.type = change_type(action),
                     .action = action,
                     .outcome = ok ? "success" : "failure",
                     .object = obj,
                     .detail = det};
    int rc = append(&r, err);
    free(obj);
    free(det);
    pthread_mutex_unlock(&lock);
    return rc;
}

int ld_audit_close(int exit_code, ld_error *err)
{
    pthread_mutex_lock(&lock);
    int rc = 0;
    if (st.fd < 0)
        goto out;
    record_spec r = {.type = "end",
                     .action = "command",
                     .outcome = exit_code == 0 ? "success" : "failure",
                     .end = true,
                     .exit_code = exit_code};
    ld_error e = LD_ERROR_INIT;
    int wrc = append(&r, &e);
    if (st.write_errno == 0 && fsync(st.fd) < 0 && errno != EINVAL && errno != EROFS)
        st.write_errno = errno;
    if (close(st.fd) < 0 && st.write_errno == 0 && errno != EINTR)
        st.write_errno = errno;
    st.fd = -1;
    if (wrc < 0)
        rc = ld_error_set(err, LD_ERR_GENERIC, "%s", e.msg);
    else if (st.write_errno)
        rc = st.short_write ? ld_error_set(err, LD_ERR_GENERIC,
                                           "the audit trail %s is incomplete: a record was cut "
                                           "short (the file system is full?)",
                                           st.path)
                            : ld_error_set_errno(err, LD_ERR_GENERIC, st.write_errno,
                                                 "the audit trail %s is incomplete", st.path);
    reset_state(true);
out:
    pthread_mutex_unlock(&lock);
    return rc;
}
