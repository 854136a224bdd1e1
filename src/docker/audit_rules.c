/* Audit rules parser (auditctl -l output and rules files) and the
 * "is this path audited" question. See audit_rules.h. Not for syscall
 * filters beyond recognising which rules are file rules. */
#include "docker/audit_rules.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "host/host_files.h"
#include "util/cleanup.h"
#include "util/mem.h"
#include "util/path_lex.h"
#include "util/strlist.h"

#define MAX_TOKENS 256
#define AUDITCTL_TIMEOUT_MS 5000
#define RULES_DIR_MAX_FILES 1000

extern char **environ;

/* Splits one line [p, end) into whitespace-separated tokens in place
 * (buf is a NUL-terminated copy of the line). A token in double quotes
 * loses its quotes. Returns the count, or -1 past MAX_TOKENS. */
static int tokenize(char *buf, char **tok)
{
    int n = 0;
    char *p = buf;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r')
            p++;
        if (!*p)
            return n;
        if (n == MAX_TOKENS)
            return -1;
        char *start = p;
        if (*p == '"') {
            start = ++p;
            while (*p && *p != '"')
                p++;
        } else {
            while (*p && *p != ' ' && *p != '\t' && *p != '\r')
                p++;
        }
        tok[n++] = start;
        if (!*p)
            return n;
        *p++ = '\0';
    }
}

/* "rwxa" letters (any order, no repeats needed) into bits; -1 if another
 * character or empty. */
static int parse_perms(const char *s)
{
    int bits = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        switch (*s) {
        case 'r': bits |= LD_AUDIT_PERM_R; break;
        case 'w': bits |= LD_AUDIT_PERM_W; break;
        case 'x': bits |= LD_AUDIT_PERM_X; break;
        case 'a': bits |= LD_AUDIT_PERM_A; break;
        default: return -1;
        }
    }
    return bits;
}

const char *ld_audit_perms_str(unsigned perms, char *buf)
{
    size_t n = 0;
    if (perms & LD_AUDIT_PERM_R)
        buf[n++] = 'r';
    if (perms & LD_AUDIT_PERM_W)
        buf[n++] = 'w';
    if (perms & LD_AUDIT_PERM_X)
        buf[n++] = 'x';
    if (perms & LD_AUDIT_PERM_A)
        buf[n++] = 'a';
    buf[n] = '\0';
    return buf;
}

static bool valid_path(const char *s)
{
    size_t n = strlen(s);
    if (s[0] != '/' || n > LD_AUDIT_FIELD_MAX)
        return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

static bool valid_key(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > LD_AUDIT_FIELD_MAX)
        return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

static char *norm_path(const char *s)
{
    size_t n = strlen(s);
    while (n > 1 && s[n - 1] == '/')
        n--;
    return ld_xstrndup(s, n);
}

/* Whether an -a action,list pair audits at exit: "always,exit" or
 * "exit,always" (older syntax). */
static bool always_exit(const char *s)
{
    return strcmp(s, "always,exit") == 0 || strcmp(s, "exit,always") == 0;
}

typedef struct {
    bool is_rule;   /* the line is a rule we read (watch or exit rule) */
    bool is_sys;    /* the line is a syscall rule without a path */
    bool malformed; /* looked like a rule but could not be read */
    ld_audit_rule rule;
    ld_audit_syscall_rule sys;
} line_result;

/* Pushes the comma-separated names of s into out. */
static void push_split(ld_strlist *out, const char *s)
{
    while (*s) {
        const char *c = strchr(s, ',');
        size_t n = c ? (size_t)(c - s) : strlen(s);
        if (n)
            ld_strlist_push_owned(out, ld_xstrndup(s, n));
        s += n + (c ? 1 : 0);
    }
}

/* Parses one tokenized line. Fills r->rule (owned strings) when the line
 * is a file rule. */
static void parse_line(char **tok, int n, line_result *r)
{
    memset(r, 0, sizeof(*r));
    if (n == 0)
        return;
    const char *watch = NULL, *perm = NULL, *key = NULL, *fpath = NULL, *fdir = NULL;
    const char *action = NULL, *arch = NULL;
    /* syscall rule parts, pointing into tok (copied only for a syscall rule) */
    const char *sysnames[MAX_TOKENS], *fields[MAX_TOKENS], *compares[MAX_TOKENS];
    int n_sysnames = 0, n_fields = 0, n_compares = 0;
    bool is_watch = strcmp(tok[0], "-w") == 0;
    bool is_append = strcmp(tok[0], "-a") == 0 || strcmp(tok[0], "-A") == 0;
    if (!is_watch && !is_append)
        return; /* control lines (-D, -b, -e, -f, -r, --backlog_wait_time, -W, ...) */
    for (int i = 0; i < n; i++) {
        const char *t = tok[i];
        const char *v = i + 1 < n ? tok[i + 1] : NULL;
        if (strcmp(t, "-w") == 0 || strcmp(t, "-p") == 0 || strcmp(t, "-k") == 0 ||
            strcmp(t, "-a") == 0 || strcmp(t, "-A") == 0 || strcmp(t, "-F") == 0 ||
            strcmp(t, "-S") == 0 || strcmp(t, "-C") == 0) {
            if (!v || v[0] == '-') { /* an option where its value should be */
                r->malformed = true;
                return;
            }
            i++;
            if (t[1] == 'w')
                watch = v;
            else if (t[1] == 'p')
                perm = v;
            else if (t[1] == 'k')
                key = v;
            else if (t[1] == 'a' || t[1] == 'A')
                action = v;
            else if (t[1] == 'S')
                sysnames[n_sysnames++] = v;
            else if (t[1] == 'C')
                compares[n_compares++] = v;
            else if (t[1] == 'F') {
                const char *eq = strchr(v, '=');
                if (!eq || eq == v) {
                    /* "-F arch!=b32", "-F auid>=1000": operators other than '='
                     * on fields we do not use are fine; on ours they are not. */
                    if (strncmp(v, "path", 4) == 0 || strncmp(v, "dir", 3) == 0 ||
                        strncmp(v, "perm", 4) == 0 || strncmp(v, "key", 3) == 0)
                        r->malformed = true;
                    continue;
                }
                size_t kl = (size_t)(eq - v);
                if (kl == 4 && strncmp(v, "arch", 4) == 0)
                    arch = eq + 1;
                else if (!(kl == 3 && strncmp(v, "key", 3) == 0))
                    fields[n_fields++] = v;
                if (v[kl - 1] == '!' || v[kl - 1] == '<' || v[kl - 1] == '>')
                    continue;
                if (kl == 4 && strncmp(v, "path", 4) == 0)
                    fpath = eq + 1;
                else if (kl == 3 && strncmp(v, "dir", 3) == 0)
                    fdir = eq + 1;
                else if (kl == 4 && strncmp(v, "perm", 4) == 0)
                    perm = eq + 1;
                else if (kl == 3 && strncmp(v, "key", 3) == 0)
                    key = eq + 1;
            }
        }
        /* other tokens (-S all, -F arch=b64 handled above, stray words) are read past */
    }
    if (r->malformed)
        return;
    int bits = LD_AUDIT_PERM_ALL;
    if (perm) {
        bits = parse_perms(perm);
        if (bits < 0) {
            r->malformed = true;
            return;
        }
    }
    if (key && !valid_key(key)) {
        r->malformed = true;
        return;
    }
    const char *path;
    ld_audit_rule_kind kind;
    if (is_watch) {
        path = watch;
        kind = LD_AUDIT_WATCH;
    } else {
        if (!action) {
            r->malformed = true;
            return;
        }
        if (!always_exit(action))
            return; /* never,*, task, user, exclude: not a file audit */
        /* a syscall rule without a path: kept apart (host/auth_audit.c asks about it) */
        if (!fpath && !fdir) {
            bool clean = !arch || valid_key(arch);
            for (int k = 0; k < n_sysnames; k++)
                clean = clean && valid_key(sysnames[k]);
            for (int k = 0; k < n_fields; k++)
                clean = clean && valid_key(fields[k]);
            for (int k = 0; k < n_compares; k++)
                clean = clean && valid_key(compares[k]);
            if (!clean) { /* control bytes or oversize: not a rule auditctl would load */
                r->malformed = true;
                return;
            }
            r->is_sys = true;
            r->sys.arch = arch && *arch ? ld_xstrdup(arch) : NULL;
            for (int k = 0; k < n_sysnames; k++)
                push_split(&r->sys.syscalls, sysnames[k]);
            for (int k = 0; k < n_fields; k++)
                ld_strlist_push(&r->sys.fields, fields[k]);
            for (int k = 0; k < n_compares; k++)
                ld_strlist_push(&r->sys.compares, compares[k]);
            r->sys.key = key ? ld_xstrdup(key) : NULL;
            return;
        }
        path = fpath ? fpath : fdir;
        kind = fpath ? LD_AUDIT_EXIT_PATH : LD_AUDIT_EXIT_DIR;
    }
    if (!path || !valid_path(path)) {
        r->malformed = true;
        return;
    }
    r->is_rule = true;
    r->rule.kind = kind;
    r->rule.path = norm_path(path);
    r->rule.perms = (unsigned)bits;
    r->rule.key = key ? ld_xstrdup(key) : NULL;
}

static void syscall_rule_clear(ld_audit_syscall_rule *r)
{
    free(r->arch);
    ld_strlist_clear(&r->syscalls);
    ld_strlist_clear(&r->fields);
    ld_strlist_clear(&r->compares);
    free(r->key);
    free(r->source);
    memset(r, 0, sizeof(*r));
}

int ld_audit_rules_parse(const char *text, size_t len, const char *source, ld_audit_rules *out,
                         ld_error *err)
{
    if (len > LD_AUDIT_RULES_MAX_BYTES)
        return ld_error_set(err, LD_ERR_LIMIT, "audit rules \"%s\": larger than %zu bytes", source,
                            LD_AUDIT_RULES_MAX_BYTES);
    ld_autofree char *line = ld_xmalloc(LD_AUDIT_RULE_LINE_MAX + 1);
    char *tok[MAX_TOKENS];
    const char *p = text, *end = text + len;
    int lineno = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        lineno++;
        size_t n = (size_t)(le - p);
        const char *q = p;
        p = nl ? nl + 1 : end;
        while (n > 0 && (*q == ' ' || *q == '\t')) {
            q++;
            n--;
        }
        if (n == 0 || *q == '#')
            continue;
        if (n > LD_AUDIT_RULE_LINE_MAX || memchr(q, '\0', n)) {
            out->bad_lines++;
            continue;
        }
        memcpy(line, q, n);
        line[n] = '\0';
        int nt = tokenize(line, tok);
        if (nt < 0) {
            out->bad_lines++;
            continue;
        }
        line_result r;
        parse_line(tok, nt, &r);
        if (r.malformed) {
            out->bad_lines++;
            continue;
        }
        if (r.is_sys) {
            if (out->n + out->n_sys >= LD_AUDIT_RULES_MAX) {
                syscall_rule_clear(&r.sys);
                return ld_error_set(err, LD_ERR_LIMIT, "audit rules \"%s\": more than %d rules",
                                    source, LD_AUDIT_RULES_MAX);
            }
            r.sys.source = ld_xstrdup(source);
            r.sys.line = lineno;
            ld_xgrow(&out->sys, &out->sys_cap, out->n_sys + 1, sizeof(*out->sys));
            out->sys[out->n_sys++] = r.sys;
            continue;
        }
        if (!r.is_rule)
            continue;
        if (out->n + out->n_sys >= LD_AUDIT_RULES_MAX) {
            free(r.rule.path);
            free(r.rule.key);
            return ld_error_set(err, LD_ERR_LIMIT, "audit rules \"%s\": more than %d rules", source,
                                LD_AUDIT_RULES_MAX);
        }
        r.rule.source = ld_xstrdup(source);
        r.rule.line = lineno;
        ld_xgrow(&out->v, &out->cap, out->n + 1, sizeof(*out->v));
        out->v[out->n++] = r.rule;
    }
    return 0;
}

/* Whether dir is path or a directory above it, by whole components, both
 * in lexical canonical form ("-w //var/lib/docker/" watches
 * /var/lib/docker: util/path_lex.h). */
static bool at_or_above(const char *dir, const char *path)
{
    return ld_path_lex_within(dir, path);
}

const ld_audit_rule *ld_audit_rules_covers(const ld_audit_rules *rules, const char *path,
                                           const ld_audit_rule **partial)
{
    return ld_audit_rules_covers_perms(rules, path, LD_AUDIT_PERM_W | LD_AUDIT_PERM_A, partial);
}

const ld_audit_rule *ld_audit_rules_covers_perms(const ld_audit_rules *rules, const char *path,
                                                 unsigned need, const ld_audit_rule **partial)
{
    if (partial)
        *partial = NULL;
    for (size_t i = 0; i < rules->n; i++) {
        const ld_audit_rule *r = &rules->v[i];
        bool names =
            r->kind == LD_AUDIT_EXIT_PATH ? ld_path_lex_equal(r->path, path) : at_or_above(r->path, path);
        if (!names)
            continue;
        if ((r->perms & need) == need)
            return r;
        if (partial && !*partial)
            *partial = r;
    }
    return NULL;
}

void ld_audit_rules_clear(ld_audit_rules *rules)
{
    for (size_t i = 0; i < rules->n; i++) {
        free(rules->v[i].path);
        free(rules->v[i].key);
        free(rules->v[i].source);
    }
    free(rules->v);
    for (size_t i = 0; i < rules->n_sys; i++)
        syscall_rule_clear(&rules->sys[i]);
    free(rules->sys);
    memset(rules, 0, sizeof(*rules));
}

/* Runs `auditctl -l` (argv, no shell) and returns its stdout (capped) in
 * *out. Returns 0 when it exited 0, -1 otherwise (missing binary, no audit
 * support in the kernel, not root, timeout). */
static int run_auditctl(char **out, size_t *len)
{
    static const char *const candidates[] = {"/sbin/auditctl", "/usr/sbin/auditctl",
                                             "/usr/bin/auditctl", NULL};
    const char *bin = NULL;
    for (const char *const *c = candidates; *c; c++)
        if (access(*c, X_OK) == 0) {
            bin = *c;
            break;
        }
    if (!bin)
        return -1;
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    char *argv[] = {(char *)bin, (char *)"-l", NULL};
    char *envp[] = {(char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin", (char *)"LC_ALL=C", NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, bin, &fa, NULL, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    if (rc != 0) {
        close(pipefd[0]);
        return -1;
    }
    size_t cap = 65536, n = 0;
    char *buf = ld_xmalloc(cap + 1);
    bool over = false, timeout = false;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (elapsed >= AUDITCTL_TIMEOUT_MS) {
            timeout = true;
            break;
        }
        struct pollfd pfd = {.fd = pipefd[0], .events = POLLIN};
        int pr = poll(&pfd, 1, (int)(AUDITCTL_TIMEOUT_MS - elapsed));
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0) {
            timeout = pr == 0;
            break;
        }
        if (n == cap) {
            if (cap >= LD_AUDIT_RULES_MAX_BYTES) {
                over = true;
                break;
            }
            cap *= 2;
            buf = ld_xrealloc(buf, cap + 1);
        }
        ssize_t got = read(pipefd[0], buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    close(pipefd[0]);
    if (timeout || over)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (timeout || over || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        free(buf);
        return -1;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads one rules file under root into out; a missing file is fine. */
static int read_rules_file(const char *root, const char *path, ld_audit_rules *out, bool *found,
                           ld_error *err)
{
    ld_autofree char *text = NULL;
    size_t len = 0;
    ld_error ferr = LD_ERROR_INIT;
    int rc = ld_host_read_file(root, path, LD_AUDIT_RULES_MAX_BYTES, &text, &len, &ferr);
    if (rc == LD_ERR_LIMIT) {
        *err = ferr;
        return rc;
    }
    if (rc < 0)
        return 0;
    *found = true;
    return ld_audit_rules_parse(text, len, path, out, err);
}

int ld_audit_rules_collect(const char *root, bool live, ld_audit_rules *out, char **source_out,
                           ld_error *err)
{
    *source_out = NULL;
    if (live && ld_host_root_is_slash(root)) {
        ld_autofree char *text = NULL;
        size_t len = 0;
        if (run_auditctl(&text, &len) == 0) {
            *source_out = ld_xstrdup("auditctl -l");
            return ld_audit_rules_parse(text, len, "auditctl -l", out, err);
        }
    }
    bool found = false;
    ld_strlist files = {0};
    int dfd = ld_host_open(root, "/etc/audit/rules.d", O_DIRECTORY);
    if (dfd >= 0) {
        DIR *d = fdopendir(dfd);
        if (!d) {
            close(dfd);
        } else {
            struct dirent *de;
            while ((de = readdir(d)) && files.n < RULES_DIR_MAX_FILES) {
                size_t nl = strlen(de->d_name);
                if (nl > 6 && strcmp(de->d_name + nl - 6, ".rules") == 0 && de->d_name[0] != '.')
                    ld_strlist_push_owned(&files,
                                          ld_xasprintf("/etc/audit/rules.d/%s", de->d_name));
            }
            closedir(d);
        }
    }
    if (files.n > 1)
        qsort(files.v, files.n, sizeof(*files.v), cmp_str);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < files.n; i++)
        rc = read_rules_file(root, files.v[i], out, &found, err);
    bool dir_found = found;
    if (rc == 0)
        rc = read_rules_file(root, "/etc/audit/audit.rules", out, &found, err);
    ld_strlist_clear(&files);
    if (!found)
        *source_out = ld_xstrdup("no audit rules found (no auditctl, no /etc/audit rules files)");
    else if (dir_found)
        *source_out = ld_xstrdup("/etc/audit/rules.d/*.rules and /etc/audit/audit.rules");
    else
        *source_out = ld_xstrdup("/etc/audit/audit.rules");
    return rc;
}
