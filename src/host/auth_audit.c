/* host.audit-logins, host.audit-sudo, host.audit-privilege-escalation,
 * host.auditd-running. See auth_audit.h. The audit rules parser is
 * docker/audit_rules.c (shared with CIS Docker 1.1.x); this file only asks
 * questions of what it read. */
#include "host/auth_audit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "docker/audit_rules.h"
#include "host/host_files.h"
#include "host/host_os.h"
#include "util/cleanup.h"
#include "util/mem.h"
#include "util/strlist.h"

#define ID_LOGINS "host.audit-logins"
#define ID_SUDO "host.audit-sudo"
#define ID_PRIV "host.audit-privilege-escalation"
#define ID_AUDITD "host.auditd-running"

#define SUDO_LOGFILE_MAX 4096
/* /proc entries looked at for an auditd process. */
#define PROC_SCAN_MAX 1000000

/* ---- sudoers: logfile= ------------------------------------------------------------------ */

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Reads one Defaults option at *pp (before end): name, optional '!',
 * optional value (quoted with \ escapes, or up to ',' or blank). Advances
 * *pp past it. Returns false at a comment or the end. */
static bool next_option(const char **pp, const char *end, char *name, size_t name_cap,
                        bool *negated, char **value)
{
    const char *p = *pp;
    while (p < end && (blank(*p) || *p == ','))
        p++;
    if (p >= end || *p == '#')
        return false;
    *negated = false;
    while (p < end && *p == '!') {
        *negated = !*negated;
        p++;
    }
    size_t n = 0;
    while (p < end && ((*p >= 'a' && *p <= 'z') || *p == '_' || (*p >= 'A' && *p <= 'Z'))) {
        if (n + 1 < name_cap)
            name[n] = *p;
        n++;
        p++;
    }
    name[n < name_cap ? n : name_cap - 1] = '\0';
    if (n >= name_cap)
        name[0] = '\0'; /* too long to be one we know */
    *value = NULL;
    const char *q = p;
    while (q < end && blank(*q))
        q++;
    if (q < end && (*q == '+' || *q == '-') && q + 1 < end && q[1] == '=')
        q++;
    if (q < end && *q == '=') {
        q++;
        while (q < end && blank(*q))
            q++;
        size_t cap = (size_t)(end - q) + 1, o = 0;
        char *v = ld_xmalloc(cap);
        if (q < end && *q == '"') {
            q++;
            while (q < end && *q != '"') {
                if (*q == '\\' && q + 1 < end)
                    q++;
                v[o++] = *q++;
            }
            if (q < end)
                q++;
        } else {
            while (q < end && *q != ',' && !blank(*q)) {
                if (*q == '\\' && q + 1 < end)
                    q++;
                v[o++] = *q++;
            }
        }
        v[o] = '\0';
        *value = v;
        p = q;
    } else if (n == 0 && p < end) {
        p++; /* a character that starts no option: step over it */
    }
    *pp = p;
    return true;
}

static bool valid_logfile(const char *v)
{
    size_t n = strlen(v);
    if (n < 2 || n > SUDO_LOGFILE_MAX || v[0] != '/')
        return false;
    for (const char *p = v; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

char *ld_sudoers_logfile(const char *text, size_t len)
{
    char *found = NULL;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *q = p;
        p = nl ? nl + 1 : end;
        while (q < le && blank(*q))
            q++;
        if ((size_t)(le - q) < 8 || memcmp(q, "Defaults", 8) != 0)
            continue;
        q += 8;
        if (q < le && (*q == ':' || *q == '@' || *q == '>' || *q == '!'))
            while (q < le && !blank(*q)) /* Defaults:user, @host, >runas, !cmnd */
                q++;
        else if (q < le && !blank(*q))
            continue; /* "Defaultsx": not a Defaults line */
        char name[32];
        bool negated;
        char *value;
        while (next_option(&q, le, name, sizeof(name), &negated, &value)) {
            if (strcmp(name, "logfile") == 0) {
                if (negated) {
                    free(found);
                    found = NULL;
                } else if (value && valid_logfile(value)) {
                    free(found);
                    found = ld_steal_ptr(&value);
                }
            }
            free(value);
        }
    }
    return found;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* sudo's log file from ROOT/etc/sudoers and ROOT/etc/sudoers.d (sudo's
 * rule: files whose names end in '~' or hold a '.' are skipped), the last
 * setting winning. *where (caller frees) names the file. */
static char *sudo_logfile(const char *root, char **where)
{
    ld_strlist files = {0};
    ld_strlist_push(&files, "/etc/sudoers");
    int dfd = ld_host_open(root, "/etc/sudoers.d", O_DIRECTORY);
    if (dfd >= 0) {
        DIR *d = fdopendir(dfd);
        if (!d) {
            close(dfd);
        } else {
            ld_strlist names = {0};
            struct dirent *de;
            while ((de = readdir(d)) && names.n < LD_SUDOERS_D_MAX_FILES) {
                size_t nl = strlen(de->d_name);
                if (nl == 0 || strchr(de->d_name, '.') || de->d_name[nl - 1] == '~')
                    continue;
                ld_strlist_push_owned(&names, ld_xasprintf("/etc/sudoers.d/%s", de->d_name));
            }
            closedir(d);
            if (names.n > 1)
                qsort(names.v, names.n, sizeof(*names.v), cmp_str);
            for (size_t i = 0; i < names.n; i++)
                ld_strlist_push(&files, names.v[i]);
            ld_strlist_clear(&names);
        }
    }
    char *found = NULL;
    *where = NULL;
    for (size_t i = 0; i < files.n; i++) {
        ld_autofree char *text = NULL;
        size_t len = 0;
        ld_error e = LD_ERROR_INIT;
        if (ld_host_read_file(root, files.v[i], LD_SUDOERS_MAX_BYTES, &text, &len, &e) < 0)
            continue;
        char *lf = ld_sudoers_logfile(text, len);
        if (lf) {
            free(found);
            free(*where);
            found = lf;
            *where = ld_xstrdup(files.v[i]);
        }
    }
    ld_strlist_clear(&files);
    return found;
}

/* ---- file rules ------------------------------------------------------------------------ */

typedef struct {
    const char *want;     /* the rule to add, as the benchmark writes it */
    const char *paths[5]; /* any of these covered is enough */
    unsigned need;        /* LD_AUDIT_PERM_* */
} file_req;

static const file_req login_reqs[] = {
    {"-w /var/log/lastlog -p wa -k logins",
     {"/var/log/lastlog"},
     LD_AUDIT_PERM_W | LD_AUDIT_PERM_A},
    {"-w /var/run/faillock -p wa -k logins",
     {"/var/run/faillock", "/run/faillock", "/var/log/faillog", "/var/log/tallylog"},
     LD_AUDIT_PERM_W | LD_AUDIT_PERM_A},
    {"-w /var/run/utmp -p wa -k session",
     {"/var/run/utmp", "/run/utmp"},
     LD_AUDIT_PERM_W | LD_AUDIT_PERM_A},
    {"-w /var/log/wtmp -p wa -k session", {"/var/log/wtmp"}, LD_AUDIT_PERM_W | LD_AUDIT_PERM_A},
    {"-w /var/log/btmp -p wa -k session", {"/var/log/btmp"}, LD_AUDIT_PERM_W | LD_AUDIT_PERM_A},
};

static char *rule_where(const char *source, int line)
{
    return ld_xasprintf("%s:%d", source, line);
}

/* The first rule covering any of paths with need; NULL if none. */
static const ld_audit_rule *covered(const ld_audit_rules *rules, const char *const *paths,
                                    unsigned need)
{
    for (size_t i = 0; i < 5 && paths[i]; i++) {
        const ld_audit_rule *r = ld_audit_rules_covers_perms(rules, paths[i], need, NULL);
        if (r)
            return r;
    }
    return NULL;
}

/* Appends "PATH (FILE:LINE)" to seen or the wanted rule to missing. */
static void judge_req(const ld_audit_rules *rules, const char *want, const char *const *paths,
                      unsigned need, ld_strlist *seen, ld_strlist *missing)
{
    const ld_audit_rule *r = covered(rules, paths, need);
    if (r) {
        ld_autofree char *w = rule_where(r->source, r->line);
        ld_strlist_push_owned(seen, ld_xasprintf("%s (%s)", r->path, w));
    } else {
        ld_strlist_push(missing, want);
    }
}

static char *join(const ld_strlist *l, const char *sep)
{
    size_t n = 1, k = strlen(sep);
    for (size_t i = 0; i < l->n; i++)
        n += strlen(l->v[i]) + k;
    char *s = ld_xmalloc(n);
    size_t o = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (i) {
            memcpy(s + o, sep, k);
            o += k;
        }
        size_t m = strlen(l->v[i]);
        memcpy(s + o, l->v[i], m);
        o += m;
    }
    s[o] = '\0';
    return s;
}

typedef struct {
    ld_findings *fs;
    const char *root;
    const char *host;
    ld_error *err;
    ld_audit_rules rules;
    char *source;           /* what the rules were read from */
    bool rules_ok;          /* read without error */
    char *rules_err;        /* why not */
    const char *auditd_bin; /* NULL: not installed */
} ctx;

/* Emits check id from seen/missing (pass when nothing is missing). */
static int emit_rules(ctx *x, const char *id, const ld_strlist *seen, const ld_strlist *missing,
                      const char *extra)
{
    if (!x->rules_ok)
        return ld_findings_check(x->fs, id, LD_STATUS_ERROR, LD_TARGET_HOST, x->host, NULL, x->err,
                                 "not assessed: cannot read audit rules: %s", x->rules_err);
    ld_autofree char *s = seen->n ? join(seen, ", ") : ld_xstrdup("none");
    ld_autofree char *auditd =
        x->auditd_bin ? ld_xasprintf("auditd at %s", x->auditd_bin)
                      : ld_xstrdup("auditd not installed (no /sbin/auditd or /usr/sbin/auditd)");
    ld_autofree char *bad = x->rules.bad_lines
                                ? ld_xasprintf("; %zu rule line%s unreadable", x->rules.bad_lines,
                                               x->rules.bad_lines == 1 ? "" : "s")
                                : ld_xstrdup("");
    if (missing->n == 0)
        return ld_findings_check(x->fs, id, LD_STATUS_PASS, LD_TARGET_HOST, x->host, NULL, x->err,
                                 "audited: %s%s; rules from %s", s, extra ? extra : "", x->source);
    ld_autofree char *m = join(missing, "; ");
    return ld_findings_check(x->fs, id, LD_STATUS_FAIL, LD_TARGET_HOST, x->host, NULL, x->err,
                             "missing audit rules: %s; audited: %s%s; rules from %s%s; %s", m, s,
                             extra ? extra : "", x->source, bad, auditd);
}

static bool exists(const char *root, const char *path)
{
    struct stat st;
    return ld_host_stat(root, path, &st) == 0;
}

static int check_logins(ctx *x)
{
    ld_strlist seen = {0}, missing = {0};
    for (size_t i = 0; i < sizeof(login_reqs) / sizeof(login_reqs[0]); i++)
        judge_req(&x->rules, login_reqs[i].want, login_reqs[i].paths, login_reqs[i].need, &seen,
                  &missing);
    int rc = emit_rules(x, ID_LOGINS, &seen, &missing, NULL);
    ld_strlist_clear(&seen);
    ld_strlist_clear(&missing);
    return rc;
}

static const char *first_existing(const char *root, const char *const *paths)
{
    for (size_t i = 0; paths[i]; i++)
        if (exists(root, paths[i]))
            return paths[i];
    return NULL;
}

static int check_sudo(ctx *x)
{
    static const char *const sudo_bins[] = {"/usr/bin/sudo", "/bin/sudo", "/usr/local/bin/sudo",
                                            NULL};
    static const char *const su_bins[] = {"/usr/bin/su", "/bin/su", NULL};
    const char *sudo = first_existing(x->root, sudo_bins);
    const char *su = first_existing(x->root, su_bins);
    bool sudoers = exists(x->root, "/etc/sudoers");
    if (!sudo && !su && !sudoers)
        return ld_findings_check(x->fs, ID_SUDO, LD_STATUS_SKIPPED, LD_TARGET_HOST, x->host, NULL,
                                 x->err,
                                 "neither sudo nor su is installed (no %s, %s, "
                                 "/etc/sudoers)",
                                 sudo_bins[0], su_bins[0]);
    ld_strlist seen = {0}, missing = {0};
    const unsigned wa = LD_AUDIT_PERM_W | LD_AUDIT_PERM_A;
    ld_autofree char *extra = NULL;
    if (sudo || sudoers) {
        const char *sp[] = {"/etc/sudoers", NULL};
        const char *sd[] = {"/etc/sudoers.d", NULL};
        judge_req(&x->rules, "-w /etc/sudoers -p wa -k scope", sp, wa, &seen, &missing);
        judge_req(&x->rules, "-w /etc/sudoers.d -p wa -k scope", sd, wa, &seen, &missing);
        ld_autofree char *where = NULL;
        ld_autofree char *lf = sudo_logfile(x->root, &where);
        if (lf) {
            const char *lp[] = {lf, NULL};
            ld_autofree char *want = ld_xasprintf("-w %s -p wa -k sudo_log_file", lf);
            judge_req(&x->rules, want, lp, wa, &seen, &missing);
        } else {
            extra = ld_xstrdup("; sudoers sets no logfile= (sudo logs through syslog only)");
        }
    }
    if (sudo) {
        const char *paths[] = {sudo, "/usr/bin/sudo", "/bin/sudo", NULL};
        ld_autofree char *want =
            ld_xasprintf("-a always,exit -F path=%s -F perm=x -F auid>=1000 -F auid!=unset "
                         "-k privileged",
                         sudo);
        judge_req(&x->rules, want, paths, LD_AUDIT_PERM_X, &seen, &missing);
    }
    if (su) {
        const char *paths[] = {su, "/usr/bin/su", "/bin/su", NULL};
        ld_autofree char *want =
            ld_xasprintf("-a always,exit -F path=%s -F perm=x -F auid>=1000 -F auid!=unset "
                         "-k privileged",
                         su);
        judge_req(&x->rules, want, paths, LD_AUDIT_PERM_X, &seen, &missing);
    }
    int rc = emit_rules(x, ID_SUDO, &seen, &missing, extra);
    ld_strlist_clear(&seen);
    ld_strlist_clear(&missing);
    return rc;
}

/* ---- syscall rules ------------------------------------------------------------------- */

/* A rule without -S applies to every call (auditctl -l prints it as "-S all"). */
static bool audits_call(const ld_audit_syscall_rule *r, const char *call)
{
    return r->syscalls.n == 0 || ld_strlist_contains(&r->syscalls, call) ||
           ld_strlist_contains(&r->syscalls, "all");
}

/* Whether r records commands that run with another (root) identity: -C
 * euid!=uid in either order, or -F euid=0. */
static bool escalation_filter(const ld_audit_syscall_rule *r)
{
    return ld_strlist_contains(&r->compares, "uid!=euid") ||
           ld_strlist_contains(&r->compares, "euid!=uid") ||
           ld_strlist_contains(&r->fields, "euid=0");
}

/* arch= names auditctl takes for the 64-bit and the 32-bit call tables. */
static const char *const arch64[] = {"b64",     "x86_64", "aarch64", "ppc64",
                                     "ppc64le", "s390x",  "riscv64", NULL};
static const char *const arch32[] = {"b32",   "i386",   "i486", "i586", "i686", "arm",
                                     "armeb", "armv7l", "ppc",  "s390", NULL};

static bool in_list(const char *const *l, const char *s)
{
    for (; *l; l++)
        if (strcmp(*l, s) == 0)
            return true;
    return false;
}

/* Whether r applies to the "b64" or "b32" call table. A rule without
 * arch= applies to the machine's own (64-bit) calls only. */
static bool for_arch(const ld_audit_syscall_rule *r, const char *arch)
{
    bool want64 = strcmp(arch, "b64") == 0;
    if (!r->arch)
        return want64;
    return in_list(want64 ? arch64 : arch32, r->arch);
}

static int check_privilege(ctx *x)
{
    static const char *const arches[] = {"b64", "b32"};
    static const char *const setid_calls[] = {"setuid",    "setgid",    "setreuid", "setregid",
                                              "setresuid", "setresgid", NULL};
    ld_strlist seen = {0}, missing = {0}, setid = {0};
    for (size_t a = 0; a < 2; a++) {
        const ld_audit_syscall_rule *hit = NULL;
        for (size_t i = 0; i < x->rules.n_sys && !hit; i++) {
            const ld_audit_syscall_rule *r = &x->rules.sys[i];
            if (for_arch(r, arches[a]) && audits_call(r, "execve") && escalation_filter(r))
                hit = r;
        }
        if (hit) {
            ld_autofree char *w = rule_where(hit->source, hit->line);
            ld_strlist_push_owned(
                &seen, ld_xasprintf("execve as another user, arch=%s (%s)", arches[a], w));
        } else {
            ld_strlist_push_owned(&missing,
                                  ld_xasprintf("-a always,exit -F arch=%s -C euid!=uid -F "
                                               "auid!=unset -S execve -k user_emulation",
                                               arches[a]));
        }
    }
    for (size_t i = 0; i < x->rules.n_sys; i++)
        for (const char *const *c = setid_calls; *c; c++)
            if (!ld_strlist_contains(&setid, *c) && audits_call(&x->rules.sys[i], *c))
                ld_strlist_push(&setid, *c);
    ld_autofree char *ids = setid.n ? join(&setid, ",") : NULL;
    ld_autofree char *extra = ids ? ld_xasprintf("; id-changing calls audited: %s", ids)
                                  : ld_xstrdup("; no setuid/setgid-family call rules (not "
                                               "required)");
    int rc = emit_rules(x, ID_PRIV, &seen, &missing, extra);
    ld_strlist_clear(&seen);
    ld_strlist_clear(&missing);
    ld_strlist_clear(&setid);
    return rc;
}

/* ---- auditd running ------------------------------------------------------------------ */

/* The pid of a process named auditd in /proc, 0 if none, -errno when /proc
 * cannot be listed. */
static long find_auditd(void)
{
    DIR *d = opendir("/proc");
    if (!d)
        return -errno;
    long found = 0;
    size_t seen = 0;
    struct dirent *de;
    while (!found && (de = readdir(d)) && seen++ < PROC_SCAN_MAX) {
        char *endp = NULL;
        if (de->d_name[0] < '1' || de->d_name[0] > '9')
            continue;
        long pid = strtol(de->d_name, &endp, 10);
        if (*endp)
            continue;
        char path[64];
        snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
        ld_autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        char comm[32];
        ssize_t n = read(fd, comm, sizeof(comm) - 1);
        if (n <= 0)
            continue;
        comm[n] = '\0';
        if (strcmp(comm, "auditd\n") == 0)
            found = pid;
    }
    closedir(d);
    return found;
}

static int check_auditd(ctx *x)
{
    if (!ld_host_root_is_slash(x->root))
        return ld_findings_check(x->fs, ID_AUDITD, LD_STATUS_ERROR, LD_TARGET_HOST, x->host, NULL,
                                 x->err,
                                 "not assessed: the processes of the host mounted at %s are not "
                                 "visible here; run lockdown on the host (root /)",
                                 x->root);
    long pid = find_auditd();
    if (pid < 0)
        return ld_findings_check(x->fs, ID_AUDITD, LD_STATUS_ERROR, LD_TARGET_HOST, x->host, NULL,
                                 x->err, "not assessed: cannot list /proc: %s",
                                 strerror((int)-pid));
    if (pid > 0)
        return ld_findings_check(x->fs, ID_AUDITD, LD_STATUS_PASS, LD_TARGET_HOST, x->host, NULL,
                                 x->err, "auditd is running (pid %ld)", pid);
    if (x->auditd_bin)
        return ld_findings_check(x->fs, ID_AUDITD, LD_STATUS_FAIL, LD_TARGET_HOST, x->host, NULL,
                                 x->err,
                                 "auditd is installed (%s) but not running: no process named "
                                 "auditd in /proc",
                                 x->auditd_bin);
    return ld_findings_check(x->fs, ID_AUDITD, LD_STATUS_FAIL, LD_TARGET_HOST, x->host, NULL,
                             x->err,
                             "auditd is not installed (no /sbin/auditd or /usr/sbin/auditd) and "
                             "no process named auditd runs");
}

int ld_host_auth_audit_check(ld_findings *fs, const char *host_root, ld_error *err)
{
    if (!host_root || !host_root[0])
        host_root = "/";
    ld_autoclose int rootfd = open(host_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return ld_error_set_errno(err, LD_ERR_NOT_FOUND, errno, "host root \"%s\"", host_root);
    ld_findings_scope(fs, LD_SCOPE_OWED, ID_LOGINS, NULL);
    ld_findings_scope(fs, LD_SCOPE_OWED, ID_SUDO, NULL);
    ld_findings_scope(fs, LD_SCOPE_OWED, ID_PRIV, NULL);
    ld_findings_scope(fs, LD_SCOPE_OWED, ID_AUDITD, NULL);
    ld_autofree char *host = ld_host_name(host_root);
    ctx x = {.fs = fs, .root = host_root, .host = host, .err = err};
    static const char *const auditd_bins[] = {"/sbin/auditd", "/usr/sbin/auditd", NULL};
    x.auditd_bin = first_existing(host_root, auditd_bins);
    ld_error rerr = LD_ERROR_INIT;
    x.rules_ok = ld_audit_rules_collect(host_root, ld_host_root_is_slash(host_root), &x.rules,
                                        &x.source, &rerr) == 0;
    if (!x.rules_ok)
        x.rules_err = ld_xstrdup(rerr.msg);
    int rc = check_logins(&x);
    if (rc == 0)
        rc = check_sudo(&x);
    if (rc == 0)
        rc = check_privilege(&x);
    if (rc == 0)
        rc = check_auditd(&x);
    ld_audit_rules_clear(&x.rules);
    free(x.source);
    free(x.rules_err);
    return rc;
}
