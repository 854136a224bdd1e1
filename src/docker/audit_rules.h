/* Linux audit rules as auditctl prints them (`auditctl -l`) or as the rules
 * files hold them (/etc/audit/rules.d/NAME.rules, /etc/audit/audit.rules):
 * file watches `-w PATH [-p PERMS] [-k KEY]` and syscall rules
 * `-a always,exit ... -F path=PATH|dir=DIR [-F perm=PERMS] [-F key=KEY | -k KEY]`.
 * The parser is pure and bounded (fuzzed by tests/fuzz/fuzz_audit_rules.c);
 * ld_audit_rules_covers answers "is this file audited for writes and
 * attribute changes", the question CIS Docker 1.1.x asks. Syscall rules
 * without a path (`-a always,exit -F arch=b64 -S execve -C uid!=euid ...`)
 * are kept apart, as written, for the host's authentication auditing
 * (host/auth_audit.h asks which calls they audit and with which filters).
 * Not for: evaluating syscall filters against events, loading rules into
 * the kernel. */
#ifndef LD_DOCKER_AUDIT_RULES_H
#define LD_DOCKER_AUDIT_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "util/strlist.h"

/* Caps on hostile input: total text, one line, rules kept. */
#define LD_AUDIT_RULES_MAX_BYTES ((size_t)4 * 1024 * 1024)
#define LD_AUDIT_RULE_LINE_MAX 8192
#define LD_AUDIT_RULES_MAX 20000
#define LD_AUDIT_FIELD_MAX 4096

enum {
    LD_AUDIT_PERM_R = 1,
    LD_AUDIT_PERM_W = 2,
    LD_AUDIT_PERM_X = 4,
    LD_AUDIT_PERM_A = 8,
    LD_AUDIT_PERM_ALL = 15,
};

typedef enum {
    LD_AUDIT_WATCH,     /* -w PATH: the path, and everything below it for a directory */
    LD_AUDIT_EXIT_PATH, /* -a always,exit -F path=PATH: that path only */
    LD_AUDIT_EXIT_DIR,  /* -a always,exit -F dir=DIR: DIR and everything below */
} ld_audit_rule_kind;

typedef struct {
    ld_audit_rule_kind kind;
    char *path;     /* as written, a trailing '/' removed (except for "/") */
    unsigned perms; /* LD_AUDIT_PERM_* bits; a rule without -p / perm= is ALL */
    char *key;      /* NULL when the rule has none */
    char *source;   /* file the rule came from ("auditctl -l" for the live list) */
    int line;       /* 1-based line in source */
} ld_audit_rule;

/* A syscall rule without path=/dir= (`-a always,exit` only), its filters
 * as written. */
typedef struct {
    char *arch;          /* "b64", "b32", ... from -F arch=; NULL when the rule names none */
    ld_strlist syscalls; /* -S names, comma lists split ("all" as written); empty: none given */
    ld_strlist fields;   /* -F expressions other than arch/key: "euid=0", "auid>=1000" */
    ld_strlist compares; /* -C expressions: "uid!=euid" */
    char *key;           /* NULL when the rule has none */
    char *source;
    int line;
} ld_audit_syscall_rule;

typedef struct {
    ld_audit_rule *v;
    size_t n, cap;
    size_t bad_lines; /* lines that looked like rules but could not be read */
    /* syscall rules without a path (counted in LD_AUDIT_RULES_MAX with v) */
    ld_audit_syscall_rule *sys;
    size_t n_sys, sys_cap;
} ld_audit_rules;

/* Parses len bytes of rules text and appends the file rules to out->v and
 * the syscall rules without a path to out->sys (control lines like -D, -b,
 * -e are skipped; `-a never,...` and `-a ...,task|user|exclude` are not
 * auditing and are skipped too). source names the text for evidence
 * (copied). Lines that start with '#' are comments. Malformed rule lines
 * count in out->bad_lines and are otherwise skipped. Returns 0, or
 * LD_ERR_LIMIT (len over LD_AUDIT_RULES_MAX_BYTES, or more than
 * LD_AUDIT_RULES_MAX rules in out) with err set; out keeps what was
 * parsed before the limit either way. text need not be NUL-terminated. */
int ld_audit_rules_parse(const char *text, size_t len, const char *source, ld_audit_rules *out,
                         ld_error *err);

/* The first rule that audits writes and attribute changes (w and a) of
 * path: a watch of path or of a directory above it, an exit rule with
 * path=PATH, or one with dir= a directory at or above it. Comparison is by
 * whole path components. NULL if none. When no rule qualifies, *partial
 * (if not NULL) is set to a rule that names the path with fewer
 * permissions, or NULL. */
const ld_audit_rule *ld_audit_rules_covers(const ld_audit_rules *rules, const char *path,
                                           const ld_audit_rule **partial);
/* The same question for other permissions: the first rule naming path (as
 * above) whose permissions include every bit of need (LD_AUDIT_PERM_*).
 * ld_audit_rules_covers is this with need = w|a. */
const ld_audit_rule *ld_audit_rules_covers_perms(const ld_audit_rules *rules, const char *path,
                                                 unsigned need, const ld_audit_rule **partial);

/* "rwxa" letters for perms into buf (at least 5 bytes). Returns buf. */
const char *ld_audit_perms_str(unsigned perms, char *buf);

void ld_audit_rules_clear(ld_audit_rules *rules);

/* Collects the rules in force on the host under root: when live is true
 * and an auditctl binary exists (/sbin/auditctl, /usr/sbin/auditctl,
 * /usr/bin/auditctl), `auditctl -l` is run with posix_spawn (argv only, no
 * shell, stdin /dev/null, output capped) and its list is used if it
 * succeeds; otherwise ROOT/etc/audit/rules.d/ *.rules (sorted, as
 * augenrules loads them) and ROOT/etc/audit/audit.rules are read, each
 * capped at LD_AUDIT_RULES_MAX_BYTES. *source_out (caller frees) says what
 * was read: "auditctl -l", "/etc/audit/rules.d/NAME.rules and ...",
 * or "no audit rules found". Returns 0, or < 0 with err set (a limit). */
int ld_audit_rules_collect(const char *root, bool live, ld_audit_rules *out, char **source_out,
                           ld_error *err);

#endif
