/* Unit tests for Falco rule files (src/runtime/rules_load.c,
 * rules_exceptions.c, rules_compile.c, rules_output.c): lists, macros and
 * rules with append, override and the enabled-only toggle, files merged in
 * order, exceptions (quoted values that cannot inject syntax), every
 * validation error collected with FILE:LINE, warnings, priorities, controls
 * from tags, outputs (%field, %proc.aname[N], %evt.time, hostile values
 * escaped, cut safely), the event-type index, and hostile files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/rules.h"
#include "test_rt_fake_procs.h"
#include "util/mem.h"

/* ---- helpers ---- */

static ld_rt_container ct_web = {
    .id = "4f1c2e0d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d",
    .name = "web",
    .image = "registry.example:5000/team/web:1.2",
    .runtime = "docker",
    .known = true,
};
static ld_rt_container ct_host = {.id = "host"};

static void ev_exec(ld_rt_event *e, const char *comm, const char *cmdline)
{
    memset(e, 0, sizeof *e);
    ld_rt_event_reset(e);
    e->type = LD_EVT_EXECVE;
    e->source = LD_RT_SRC_BPF;
    e->pid = 4242;
    e->tid = 4242;
    e->ppid = 100;
    e->ts_ns = 1764842400123456789ull; /* 2025-12-04T10:00:00.123456789Z */
    snprintf(e->comm, sizeof e->comm, "%s", comm);
    snprintf(e->cmdline, sizeof e->cmdline, "%s", cmdline);
    snprintf(e->exepath, sizeof e->exepath, "/bin/%s", comm);
    snprintf(e->path, sizeof e->path, "/bin/%s", comm);
}

static void ev_open(ld_rt_event *e, const char *comm, const char *path, uint32_t flags)
{
    ev_exec(e, comm, comm);
    e->type = LD_EVT_OPENAT;
    snprintf(e->syscall, sizeof e->syscall, "openat");
    snprintf(e->path, sizeof e->path, "%s", path);
    e->open_flags = flags;
    e->ret = 3;
}

/* The 1-based line of the first occurrence of marker in text. */
static int line_of(const char *text, const char *marker)
{
    const char *p = strstr(text, marker);
    assert_non_null(p);
    int line = 1;
    for (const char *q = text; q < p; q++)
        line += *q == '\n';
    return line;
}

/* Loads text as NAME and compiles; returns compile's result. */
static int load_compile(ld_rt_ruleset *rs, const char *name, const char *text, ld_strlist *diags,
                        ld_strlist *warnings)
{
    ld_error err = LD_ERROR_INIT;
    int rc = ld_rt_rules_load_buffer(rs, name, text, strlen(text), &err);
    if (rc < 0)
        fail_msg("load %s: %s", name, err.msg);
    return ld_rt_rules_compile(rs, diags, warnings, &err);
}

static ld_rt_ruleset *compiled(const char *text)
{
    ld_rt_ruleset *rs = ld_rt_rules_new();
    ld_strlist diags = {0}, warnings = {0};
    if (load_compile(rs, "t.yaml", text, &diags, &warnings) != 0)
        fail_msg("compile: %s", diags.n ? diags.v[0] : "(no diagnostic)");
    ld_strlist_clear(&diags);
    ld_strlist_clear(&warnings);
    return rs;
}

static bool has_line(const ld_strlist *l, const char *needle)
{
    for (size_t i = 0; i < l->n; i++)
        if (strstr(l->v[i], needle))
            return true;
    return false;
}

static void print_list(const char *what, const ld_strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        print_message("%s: %s\n", what, l->v[i]);
}

static void assert_diag(const ld_strlist *l, const char *needle)
{
    if (!has_line(l, needle)) {
        print_list("diag", l);
        fail_msg("no diagnostic contains: %s", needle);
    }
}

/* Names of the rules that fire on e in ct, joined by '|'. */
static char *fired(const ld_rt_ruleset *rs, const ld_rt_event *e, const ld_rt_container *ct)
{
    ld_rt_field_ctx ctx = {.evt = e, .container = ct, .procs = &fake_table};
    size_t hits[64];
    size_t n = ld_rt_rules_match(rs, &ctx, hits, 64);
    ld_strlist names = {0};
    for (size_t i = 0; i < n && i < 64; i++)
        ld_strlist_push(&names, ld_rt_rules_get(rs, hits[i])->name);
    char *s = ld_strlist_join(&names, "|");
    ld_strlist_clear(&names);
    return s;
}

static void assert_fired(const ld_rt_ruleset *rs, const ld_rt_event *e, const ld_rt_container *ct,
                         const char *expect)
{
    char *got = fired(rs, e, ct);
    if (strcmp(got, expect) != 0)
        fail_msg("fired '%s', expected '%s'", got, expect);
    free(got);
}

static int setup(void **state)
{
    (void)state;
    fake_procs_reset();
    fake_proc_add(100, 1, "containerd-shim", "containerd-shim -namespace moby");
    fake_proc_add(1, 0, "systemd", "/sbin/init");
    return 0;
}

#define RULE_HEAD(name, cond)                                                                      \
    "- rule: " name "\n"                                                                           \
    "  desc: d\n"                                                                                  \
    "  condition: " cond "\n"                                                                      \
    "  output: o\n"                                                                                \
    "  priority: WARNING\n"

/* ---- lists, macros, rules ---- */

static void lists_and_macros_expand(void **state)
{
    (void)state;
    ld_rt_ruleset *rs =
        compiled("- list: shells\n"
                 "  items: [bash, sh]\n"
                 "- list: more_shells\n"
                 "  items: [shells, zsh]\n"
                 "- macro: spawned\n"
                 "  condition: evt.type in (execve, execveat)\n"
                 "- macro: in_container\n"
                 "  condition: container.id != host\n" RULE_HEAD(
                     "Shell", "spawned and in_container and proc.name in (more_shells)"));
    assert_int_equal(ld_rt_rules_count(rs), 1);
    ld_rt_event e;
    ev_exec(&e, "zsh", "zsh -i");
    assert_fired(rs, &e, &ct_web, "Shell");
    ev_exec(&e, "bash", "bash");
    assert_fired(rs, &e, &ct_web, "Shell");
    assert_fired(rs, &e, &ct_host, "");
    ev_exec(&e, "sleep", "sleep 100");
    assert_fired(rs, &e, &ct_web, "");
    ld_rt_rules_free(rs);
}

static void append_to_list_macro_and_rule(void **state)
{
    (void)state;
    ld_rt_ruleset *rs = ld_rt_rules_new();
    ld_error err = LD_ERROR_INIT;
    const char *base =
        "- list: shells\n"
        "  items: [bash]\n"
        "- macro: spawned\n"
        "  condition: evt.type = execve\n" RULE_HEAD("Shell", "spawned and proc.name in (shells)");
    const char *user = "- list: shells\n"
                       "  items: [ash]\n"
                       "  append: true\n"
                       "- macro: spawned\n"
                       "  condition: or evt.type = execveat\n"
                       "  append: true\n"
                       "- rule: Shell\n"
                       "  condition: and not proc.args startswith \"-c true\"\n"
                       "  append: true\n";
    assert_int_equal(ld_rt_rules_load_buffer(rs, "base.yaml", base, strlen(base), &err), 0);
    assert_int_equal(ld_rt_rules_load_buffer(rs, "user.yaml", user, strlen(user), &err), 0);
    ld_strlist diags = {0};
    if (ld_rt_rules_compile(rs, &diags, NULL, &err) != 0)
        fail_msg("%s", err.msg);
    ld_rt_event e;
    ev_exec(&e, "ash", "ash -l");
    assert_fired(rs, &e, &ct_web, "Shell"); /* appended list item */
    e.type = LD_EVT_EXECVEAT;
    assert_fired(rs, &e, &ct_web, "Shell"); /* appended macro condition */
    ev_exec(&e, "bash", "bash -c true");
    assert_fired(rs, &e, &ct_web, ""); /* appended rule condition */
    ld_strlist_clear(&diags);
    ld_rt_rules_free(rs);
}

static void override_replace_and_append(void **state)
{
    (void)state;
    ld_rt_ruleset *rs = ld_rt_rules_new();
    ld_error err = LD_ERROR_INIT;
    const char *base = RULE_HEAD("Exec", "evt.type = execve and proc.name = a") "  tags: [one]\n";
    const char *user = "- rule: Exec\n"
                       "  condition: evt.type = execve and proc.name = b\n"
                       "  priority: critical\n"
                       "  output: more\n"
                       "  tags: [two]\n"
                       "  override:\n"
                       "    condition: replace\n"
                       "    priority: replace\n"
                       "    output: append\n"
                       "    tags: append\n";
    assert_int_equal(ld_rt_rules_load_buffer(rs, "base.yaml", base, strlen(base), &err), 0);
    assert_int_equal(ld_rt_rules_load_buffer(rs, "user.yaml", user, strlen(user), &err), 0);
    if (ld_rt_rules_compile(rs, NULL, NULL, &err) != 0)
        fail_msg("%s", err.msg);
    const ld_rt_rule *r = ld_rt_rules_get(rs, 0);
    assert_non_null(r);
    assert_int_equal(r->priority, LD_RT_PRIO_CRITICAL);
    assert_string_equal(r->output, "o more");
    assert_string_equal(r->tags[0], "one");
    assert_string_equal(r->tags[1], "two");
    assert_null(r->tags[2]);
    ld_rt_event e;
    ev_exec(&e, "b", "b");
    assert_fired(rs, &e, &ct_web, "Exec");
    ev_exec(&e, "a", "a");
    assert_fired(rs, &e, &ct_web, "");
    ld_rt_rules_free(rs);
}

static void enabled_toggles_and_redefinition(void **state)
{
    (void)state;
    ld_rt_ruleset *rs = ld_rt_rules_new();
    ld_error err = LD_ERROR_INIT;
    const char *base = RULE_HEAD("First", "evt.type = execve") "  warn_evttypes: false\n" RULE_HEAD(
        "Second", "evt.type = execve and proc.name = x") RULE_HEAD("Third", "evt.type = openat");
    const char *user =
        "- rule: First\n"
        "  enabled: false\n"
        "- rule: Third\n"
        "  enabled: false\n"
        "  override:\n"
        "    enabled: replace\n" RULE_HEAD("Second", "evt.type = execve and proc.name = y");
    assert_int_equal(ld_rt_rules_load_buffer(rs, "base.yaml", base, strlen(base), &err), 0);
    assert_int_equal(ld_rt_rules_load_buffer(rs, "user.yaml", user, strlen(user), &err), 0);
    if (ld_rt_rules_compile(rs, NULL, NULL, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(ld_rt_rules_count(rs), 1);
    const ld_rt_rule *r = ld_rt_rules_get(rs, 0);
    assert_string_equal(r->name, "Second");
    assert_string_equal(r->file, "user.yaml"); /* where it was last defined */
    assert_true(ld_rt_rules_wants(rs, LD_EVT_EXECVE));
    assert_false(ld_rt_rules_wants(rs, LD_EVT_OPENAT)); /* Third is off */
    ld_rt_event e;
    ev_exec(&e, "y", "y");
    assert_fired(rs, &e, &ct_web, "Second");
    ev_exec(&e, "x", "x");
    assert_fired(rs, &e, &ct_web, "");

    /* switched on again by a third file */
    const char *again = "- rule: First\n  enabled: true\n";
    assert_int_equal(ld_rt_rules_load_buffer(rs, "again.yaml", again, strlen(again), &err), 0);
    assert_int_equal(ld_rt_rules_count(rs), 0); /* loading invalidates the compiled set */
    if (ld_rt_rules_compile(rs, NULL, NULL, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(ld_rt_rules_count(rs), 2);
    assert_string_equal(ld_rt_rules_get(rs, 0)->name, "First"); /* load order kept */
    ld_rt_rules_free(rs);
}

static void changes_to_missing_items_are_errors(void **state)
{
    (void)state;
    const char *text = "- rule: Ghost\n"
                       "  enabled: false\n"
                       "- rule: Phantom\n"
                       "  condition: and proc.name = x\n"
                       "  append: true\n"
                       "- rule: Spirit\n"
                       "  priority: debug\n"
                       "  override:\n"
                       "    priority: replace\n"
                       "- list: nolist\n"
                       "  items: [a]\n"
                       "  append: true\n"
                       "- macro: nomacro\n"
                       "  condition: proc.name = a\n"
                       "  override:\n"
                       "    condition: append\n";
    ld_rt_ruleset *rs = ld_rt_rules_new();
    ld_strlist diags = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_rt_rules_load_buffer(rs, "u.yaml", text, strlen(text), &err), 0);
    assert_int_equal(ld_rt_rules_compile(rs, &diags, NULL, &err), LD_ERR_INVALID);
    char want[128];
    snprintf(want, sizeof want, "u.yaml:%d: rule 'Ghost': enabled set for a rule that is not",
             line_of(text, "Ghost"));
    assert_diag(&diags, want);
    snprintf(want, sizeof want, "u.yaml:%d: rule 'Phantom': append to a rule that is not defined",
             line_of(text, "Phantom"));
    assert_diag(&diags, want);
    snprintf(want, sizeof want, "u.yaml:%d: rule 'Spirit': override of a rule that is not",
             line_of(text, "Spirit"));
    assert_diag(&diags, want);
    snprintf(want, sizeof want, "u.yaml:%d: list 'nolist': append to a list",
             line_of(text, "nolist"));
    assert_diag(&diags, want);
    snprintf(want, sizeof want, "u.yaml:%d: macro 'nomacro': override of a macro",
             line_of(text, "nomacro"));
    assert_diag(&diags, want);
    assert_int_equal(diags.n, 5);
    assert_non_null(strstr(err.msg, "u.yaml:")); /* err holds the first */
    assert_int_equal(ld_rt_rules_count(rs), 0);
    ld_strlist_clear(&diags);
    ld_rt_rules_free(rs);
}

static void override_mistakes(void **state)
{
    (void)state;
    const char *text = RULE_HEAD("R", "evt.type = execve") "- rule: R\n"
                                                           "  priority: debug\n"
                                                           "  override:\n"
                                                           "    priority: append\n"
                                                           "- rule: R\n"
                                                           "  output: x\n"
                                                           "  desc: y\n"
                                                           "  override:\n"
                                                           "    output: replace\n"
                                                           "- rule: R\n"
                                                           "  output: x\n"
                                                           "  override:\n"
                                                           "    output: replace\n"
                                                           "    desc: replace\n"
                                                           "- rule: R\n"
                                                           "  priority: notice\n"
                                                           "  append: true\n"
                                                           "- rule: R\n"
                                                           "  desc: z\n"
                                                           "  append: true\n"
                                                           "  override:\n"
                                                           "    desc: append\n";
    ld_rt_ruleset *rs = ld_rt_rules_new();
    ld_strlist diags = {0};
    assert_int_equal(load_compile(rs, "o.yaml", text, &diags, NULL), LD_ERR_INVALID);
    assert_diag(&diags, "'priority' cannot be appended, only replaced");
    assert_diag(&diags, "'desc' is set but not named in override");
    assert_diag(&diags, "override names 'desc' but the item does not set it");
    assert_diag(&diags, "'priority' cannot be appended (use override");
    assert_diag(&diags, "'append' and 'override' cannot be used together");
    ld_strlist_clear(&diags);
    ld_rt_rules_free(rs);
}

/* ---- exceptions ---- */

static void exceptions_single_field_and_tuples(void **state)
{
    (void)state;
    ld_rt_ruleset *rs =
        compiled("- list: trusted\n"
                 "  items: [cron]\n" RULE_HEAD(
                     "Open", "evt.type = openat") "  exceptions:\n"
                                                  "    - name: by_name\n"
                                                  "      fields: proc.name\n"
                                                  "      values: [backup, trusted]\n"
                                                  "    - name: name_and_file\n"
                                                  "      fields: [proc.name, fd.name]\n"
                                                  "      values:\n"
                                                  "        - [vim, /etc/motd]\n"
                                                  "    - name: prefix\n"
                                                  "      fields: [proc.name, fd.name]\n"
                                                  "      comps: [=, startswith]\n"
                                                  "      values:\n"
                                                  "        - [apt, /var/lib/]\n"
                                                  "    - name: in_cell\n"
                                                  "      fields: [fd.name, proc.name]\n"
                                                  "      comps: [=, in]\n"
                                                  "      values:\n"
                                                  "        - [/etc/hosts, [nano, ed]]\n"
                                                  "    - name: no_values_yet\n"
                                                  "      fields: [proc.name]\n");
    ld_rt_event e;
    ev_open(&e, "backup", "/etc/x", 0);
    assert_fired(rs, &e, &ct_web, "");
    ev_open(&e, "cron", "/etc/x", 0); /* a list name as a value expands */
    assert_fired(rs, &e, &ct_web, "");
    ev_open(&e, "vim", "/etc/motd", 0);
    assert_fired(rs, &e, &ct_web, "");
    ev_open(&e, "vim", "/etc/passwd", 0); /* both fields must match */
    assert_fired(rs, &e, &ct_web, "Open");
    ev_open(&e, "apt", "/var/lib/dpkg/status", 0);
    assert_fired(rs, &e, &ct_web, "");
    ev_open(&e, "apt", "/etc/apt", 0);
    assert_fired(rs, &e, &ct_web, "Open");
    ev_open(&e, "ed", "/etc/hosts", 0);
    assert_fired(rs, &e, &ct_web, "");
    ev_open(&e, "cat", "/etc/hosts", 0);
    assert_fired(rs, &e, &ct_web, "Open");
    ld_rt_rules_free(rs);
}

/* A value that would be syntax if pasted is one string: it excepts only a
 * process of exactly that name and never widens the exception. */
static void exception_values_cannot_inject(void **state)
{
    (void)state;
    ld_rt_ruleset *rs = compiled(RULE_HEAD(
        "Exec", "evt.type = execve") "  exceptions:\n"
                                     "    - name: tricky\n"
                                     "      fields: [proc.name, proc.cmdline]\n"
                                     "      values:\n"
                                     "        - ['x\") or (proc.name = \"y', 'a\\b \"q\" ''s''']\n"
                                     "    - name: widen\n"
                                     "      fields: proc.name\n"
                                     "      comps: =\n"
                                     "      values: ['nobody\" or proc.name != \"zz']\n"
                                     "    - name: tab\n"
                                     "      fields: proc.name\n"
                                     "      comps: =\n"
                                     "      values: [\"t\\tab\", \"1000\"]\n");
    ld_rt_event e;
    ev_exec(&e, "y", "y");
    assert_fired(rs, &e, &ct_web, "Exec"); /* not excepted by the pasted "or" */
    ev_exec(&e, "x", "x");
    assert_fired(rs, &e, &ct_web, "Exec");
    ev_exec(&e, "t\tab", "t\tab");
    assert_fired(rs, &e, &ct_web, ""); /* a control character, escaped, still matches */
    ev_exec(&e, "1000", "1000");
    assert_fired(rs, &e, &ct_web, "");
    ld_rt_rules_free(rs);

    rs = compiled(RULE_HEAD("Exec", "evt.type = execve") "  exceptions:\n"
                                                         "    - name: quotes\n"
                                                         "      fields: [proc.name, proc.args]\n"
                                                         "      values:\n"
                                                         "        - ['q\"', 'a\\b \"q\" ''s''']\n");
    ev_exec(&e, "q\"", "q\" a\\b \"q\" 's'");
    assert_fired(rs, &e, &ct_web, "");
    ev_exec(&e, "q\"", "q\" a\\b \"q\" 's");
    assert_fired(rs, &e, &ct_web, "Exec");
    ld_rt_rules_free(rs);
}

static void exception_errors(void **state)
{
    (void)state;
    const char *text = RULE_HEAD("R", "evt.type = execve") "  exceptions:\n"
                                                           "    - name: dup\n"
                                                           "      fields: proc.name\n"
                                                           "    - name: dup\n"
                                                           "      fields: proc.name\n"
                                                           "    - name: badfield\n"
                                                           "      fields: [proc.nmae]\n"
                                                           "      values: [[a]]\n"
                                                           "    - name: badcomp\n"
                                                           "      fields: [proc.name]\n"
                                                           "      comps: [like]\n"
                                                           "    - name: arity\n"
                                                           "      fields: [proc.name, fd.name]\n"
                                                           "      values: [[a]]\n"
                                                           "    - fields: [proc.name]\n"
                                                           "    - name: listcell\n"
                                                           "      fields: [proc.name]\n"
                                                           "      comps: [startswith]\n"
                                                           "      values: [[[a, b]]]\n";
    ld_rt_ruleset *rs = ld_rt_rules_new();
    ld_strlist diags = {0};
    assert_int_equal(load_compile(rs, "x.yaml", text, &diags, NULL), LD_ERR_INVALID);
    char want[128];
    snprintf(want, sizeof want, "x.yaml:%d: rule 'R': exception 'dup': duplicate exception name",
             line_of(text, "- name: dup\n      fields: proc.name\n    - name: badfield"));
    assert_diag(&diags, want);
    assert_diag(&diags,
                "exception 'badfield': unknown field 'proc.nmae' (did you mean proc.name?)");
    assert_diag(&diags, "exception 'badcomp': unknown comparison 'like'");
    assert_diag(&diags, "exception 'arity': value 1 has 1 entries for 2 fields");
    assert_diag(&diags, "an exception needs a name");
    assert_diag(&diags, "exception 'listcell': a list of values needs in");
    ld_strlist_clear(&diags);
    ld_rt_rules_free(rs);
}

static void exceptions_appended_by_override(void **state)
{
    (void)state;
    ld_rt_ruleset *rs = ld_rt_rules_new();
    ld_error err = LD_ERROR_INIT;
    const char *base = RULE_HEAD(
        "R", "evt.type = execve") "  exceptions:\n"
                                  "    - name: images\n"
                                  "      fields: [proc.name, container.image.repository]\n";
    const char *user = "- rule: R\n"
                       "  exceptions:\n"
                       "    - name: images\n"
                       "      values:\n"
                       "        - [sh, registry.example:5000/team/web]\n"
                       "    - name: extra\n"
                       "      fields: proc.name\n"
                       "      values: [bash]\n"
                       "  override:\n"
                       "    exceptions: append\n";
    assert_int_equal(ld_rt_rules_load_buffer(rs, "b.yaml", base, strlen(base), &err), 0);
    assert_int_equal(ld_rt_rules_load_buffer(rs, "u.yaml", user, strlen(user), &err), 0);
    if (ld_rt_rules_compile(rs, NULL, NULL, &err) != 0)
        fail_msg("%s", err.msg);
    ld_rt_event e;
    ev_exec(&e, "sh", "sh");
    assert_fired(rs, &e, &ct_web, "");
    assert_fired(rs, &e, &ct_host, "R");
    ev_exec(&e, "bash", "bash");
    assert_fired(rs, &e, &ct_host, "");
    ev_exec(&e, "zsh", "zsh");
    assert_fired(rs, &e, &ct_web, "R");
    ld_rt_rules_free(rs);
}

/* ---- validation ---- */

static void every_error_with_file_and_line(void **state)
{
    (void)state;
    const char *text = "- macro: good\n"
                       "  condition: evt.type = execve\n"
                       "- macro: broken\n"
                       "  condition: proc.name = = x\n"
                       "- rule: Undefined macro\n"
                       "  desc: d\n"
                       "  condition: good and nosuchmacro\n"
                       "  output: o\n"
                       "  priority: WARNING\n"
                       "- rule: Unknown field\n"
                       "  desc: d\n"
                       "  condition: good and proc.nme = x\n"
                       "  output: o\n"
                       "  priority: WARNING\n"
                       "- rule: Bad priority\n"
                       "  desc: d\n"
                       "  condition: good\n"
                       "  output: o\n"
                       "  priority: LOUD\n"
                       "- rule: Empty condition\n"
                       "  desc: d\n"
                       "  condition: \"\"\n"
                       "  output: o\n"
                       "  priority: WARNING\n"
                       "- rule: Bad output\n"
                       "  desc: d\n"
                       "  condition: good\n"
                       "  output: started %proc.nam by %user.name\n"
                       "  priority: WARNING\n"
                       "- rule: Uses broken\n"
                       "  desc: d\n"
                       "  condition: broken\n"
                       "  output: o\n"
                       "  priority: WARNING\n"
                       "- rule: Missing keys\n"
                       "  condition: good\n"
                       "- rule: Fine\n"
                       "  desc: d\n"
                       "  condition: good\n"
                       "  output: o\n"
                       "  priority: info\n";
    ld_rt_ruleset *rs = ld_rt_rules_new();
    ld_strlist diags = {0}, warnings = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_rt_rules_load_buffer(rs, "rules.yaml", text, strlen(text), &err), 0);
    assert_int_equal(ld_rt_rules_compile(rs, &diags, &warnings, &err), LD_ERR_INVALID);
    print_list("diag", &diags);
    char want[160];
    snprintf(want, sizeof want,
             "rules.yaml:%d: macro 'broken': ", line_of(text, "proc.name = = x"));
    assert_diag(&diags, want);
    snprintf(want, sizeof want, "rules.yaml:%d: rule 'Undefined macro': condition: ",
             line_of(text, "good and nosuchmacro"));
    assert_diag(&diags, want);
    assert_diag(&diags, "nosuchmacro");
    snprintf(want, sizeof want,
             "rules.yaml:%d: rule 'Unknown field': condition: ", line_of(text, "proc.nme"));
    assert_diag(&diags, want);
    assert_diag(&diags, "did you mean proc.name?");
    snprintf(want, sizeof want, "rules.yaml:%d: rule 'Bad priority': unknown priority 'LOUD'",
             line_of(text, "LOUD"));
    assert_diag(&diags, want);
    snprintf(want, sizeof want, "rules.yaml:%d: rule 'Empty condition': empty condition",
             line_of(text, "condition: \"\""));
    assert_diag(&diags, want);
    snprintf(want, sizeof want,
             "rules.yaml:%d: rule 'Bad output': output: unknown field 'proc.nam'",
             line_of(text, "%proc.nam"));
    assert_diag(&diags, want);
    snprintf(want, sizeof want, "rules.yaml:%d: rule 'Uses broken': uses macro 'broken', which has",
             line_of(text, "condition: broken"));
    assert_diag(&diags, want);
    snprintf(want, sizeof want, "rules.yaml:%d: rule 'Missing keys': missing 'output'",
             line_of(text, "Missing keys"));
    assert_diag(&diags, want);
    assert_diag(&diags, "rule 'Missing keys': missing 'desc'");
    assert_diag(&diags, "rule 'Missing keys': missing 'priority'");
    assert_int_equal(diags.n, 10);
    ld_strlist_clear(&diags);
    ld_strlist_clear(&warnings);
    ld_rt_rules_free(rs);
}

static void warnings_are_not_errors(void **state)
{
    (void)state;
    const char *text = "- required_engine_version: 0.31.0\n"
                       "- required_plugin_versions:\n"
                       "    - name: k8saudit\n"
                       "      version: 0.7.0\n"
                       "- macro: unused\n"
                       "  condition: proc.name = a\n"
                       "- list: unused_list\n"
                       "  items: [a]\n"
                       "- rule: Audit\n"
                       "  desc: d\n"
                       "  condition: ka.verb = create\n"
                       "  output: o\n"
                       "  priority: WARNING\n"
                       "  source: k8s_audit\n"
                       "- rule: Audit\n"
                       "  condition: and ka.user.name = x\n"
                       "  append: true\n"
                       "- rule: Any\n"
                       "  desc: d\n"
                       "  condition: proc.name = x\n"
                       "  output: o\n"
                       "  priority: WARNING\n"
                       "  tagz: [x]\n"
                       "- rule: Never\n"
                       "  desc: d\n"
                       "  condition: evt.type = execve and evt.type = openat\n"
                       "  output: o\n"
                       "  priority: WARNING\n"
                       "- rule: Quiet any\n"
                       "  desc: d\n"
                       "  condition: proc.name = y\n"
                       "  output: o\n"
                       "  priority: WARNING\n"
                       "  warn_evttypes: false\n"
                       "- rule: Maybe\n"
                       "  desc: d\n"
                       "  condition: evt.type = execve and k8s.nope = 1\n"
                       "  output: o\n"
                       "  priority: WARNING\n"
                       "  skip-if-unknown-filter: true\n"
                       "- rule: Typo control\n"
                       "  desc: d\n"
                       "  condition: evt.type = execve\n"
                       "  output: o\n"
                       "  priority: WARNING\n"
                       "  tags: [NIST-CTR-99, NIST-CTR-04]\n";
    ld_rt_ruleset *rs = ld_rt_rules_new();
    ld_strlist diags = {0}, warnings = {0};
    int rc = load_compile(rs, "w.yaml", text, &diags, &warnings);
    print_list("warning", &warnings);
    print_list("diag", &diags);
    assert_int_equal(rc, 0);
    assert_int_equal(diags.n, 0);
    char want[160];
    snprintf(want, sizeof want, "w.yaml:%d: rule 'Audit': source 'k8s_audit' is not supported",
             line_of(text, "source: k8s_audit"));
    assert_diag(&warnings, want);
    snprintf(want, sizeof want,
             "w.yaml:%d: rule 'Any': unknown key 'tagz' ignored (did you mean tags?)",
             line_of(text, "tagz"));
    assert_diag(&warnings, want);
    assert_diag(&warnings, "rule 'Any': condition does not restrict evt.type");
    assert_false(has_line(&warnings, "'Quiet any'"));
    assert_diag(&warnings, "rule 'Never': can never fire");
    assert_diag(&warnings, "rule 'Maybe': skipped (skip-if-unknown-filter)");
    assert_diag(&warnings, "macro 'unused' is not used");
    assert_diag(&warnings, "list 'unused_list' is not used");
    assert_diag(&warnings, "tag 'NIST-CTR-99' looks like a control id");
    /* Any, Never, Quiet any, Typo control: Audit skipped, Maybe skipped */
    assert_int_equal(ld_rt_rules_count(rs), 4);
    const ld_rt_rule *typo = ld_rt_rules_get(rs, 3);
    assert_string_equal(typo->name, "Typo control");
    assert_non_null(typo->control);
    assert_string_equal(typo->control, "NIST-CTR-04");
    assert_null(ld_rt_rules_get(rs, 0)->control);
    ld_strlist_clear(&diags);
    ld_strlist_clear(&warnings);
    ld_rt_rules_free(rs);
}

static void yaml_and_shape_errors_fail_the_load(void **state)
{
    (void)state;
    ld_rt_ruleset *rs = ld_rt_rules_new();
    ld_error err = LD_ERROR_INIT;
    const char *bad_yaml = "- rule: x\n  desc: [unclosed\n  output: o\n";
    assert_int_equal(ld_rt_rules_load_buffer(rs, "y.yaml", bad_yaml, strlen(bad_yaml), &err),
                     LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "y.yaml:"));
    assert_null(strstr(err.msg, "y.yaml: line")); /* FILE:LINE, as every other message */
    const char *map = "rule: x\ndesc: y\n";
    assert_int_equal(ld_rt_rules_load_buffer(rs, "m.yaml", map, strlen(map), &err), LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "m.yaml:1: a rule file is a sequence of items"));
    const char *items = "- 42\n- [a]\n- {foo: bar}\n- {rule: a, macro: b}\n- rule: [x]\n";
    assert_int_equal(ld_rt_rules_load_buffer(rs, "i.yaml", items, strlen(items), &err), 0);
    ld_strlist diags = {0};
    assert_int_equal(ld_rt_rules_compile(rs, &diags, NULL, &err), LD_ERR_INVALID);
    print_list("diag", &diags);
    assert_diag(&diags, "i.yaml:1: an item must be a map");
    assert_diag(&diags, "i.yaml:2: an item must be a map");
    assert_diag(&diags, "i.yaml:3: unknown item 'foo'");
    assert_diag(&diags, "i.yaml:4: an item cannot be both a rule and a macro");
    assert_diag(&diags, "i.yaml:5: a rule needs a name");
    ld_strlist_clear(&diags);
    /* empty files and documents are fine */
    ld_rt_ruleset *empty = ld_rt_rules_new();
    assert_int_equal(ld_rt_rules_load_buffer(empty, "e.yaml", "", 0, &err), 0);
    assert_int_equal(ld_rt_rules_load_buffer(empty, "e2.yaml", "---\n[]\n", 7, &err), 0);
    assert_int_equal(ld_rt_rules_load_buffer(empty, "e3.yaml", "# nothing\n", 10, &err), 0);
    assert_int_equal(ld_rt_rules_compile(empty, NULL, NULL, &err), 0);
    assert_int_equal(ld_rt_rules_count(empty), 0);
    ld_rt_rules_free(empty);
    ld_rt_rules_free(rs);
}

static void files_from_disk(void **state)
{
    (void)state;
    char path[] = "/tmp/ld-rules-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = RULE_HEAD("Disk", "evt.type = execve") "  action: capture\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    ld_rt_ruleset *rs = ld_rt_rules_new();
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_rt_rules_load_file(rs, path, &err), 0);
    assert_int_equal(ld_rt_rules_compile(rs, NULL, NULL, &err), 0);
    const ld_rt_rule *r = ld_rt_rules_get(rs, 0);
    assert_string_equal(r->file, path);
    assert_int_equal(r->line, 1);
    assert_true(r->capture);
    unlink(path);
    assert_int_equal(ld_rt_rules_load_file(rs, path, &err), LD_ERR_NOT_FOUND);
    assert_int_equal(ld_rt_rules_load_file(rs, "/tmp", &err), LD_ERR_INVALID); /* a directory */
    ld_rt_rules_free(rs);
}

/* ---- priorities and outputs ---- */

static void priorities(void **state)
{
    (void)state;
    ld_rt_priority p;
    assert_int_equal(ld_rt_priority_parse("warning", &p), 0);
    assert_int_equal(p, LD_RT_PRIO_WARNING);
    assert_int_equal(ld_rt_priority_parse("EMERGENCY", &p), 0);
    assert_int_equal(p, LD_RT_PRIO_EMERGENCY);
    assert_int_equal(ld_rt_priority_parse("Info", &p), 0);
    assert_int_equal(p, LD_RT_PRIO_INFORMATIONAL);
    assert_int_equal(ld_rt_priority_parse("informational", &p), 0);
    assert_int_equal(p, LD_RT_PRIO_INFORMATIONAL);
    assert_int_equal(ld_rt_priority_parse("warn", &p), -1);
    assert_int_equal(ld_rt_priority_parse("", &p), -1);
    assert_int_equal(ld_rt_priority_parse(NULL, &p), -1);
    assert_string_equal(ld_rt_priority_name(LD_RT_PRIO_WARNING), "Warning");
    assert_string_equal(ld_rt_priority_name(LD_RT_PRIO_DEBUG), "Debug");
    assert_string_equal(ld_rt_priority_name((ld_rt_priority)99), "Unknown");
    /* numerically the syslog severity */
    assert_int_equal(LD_RT_PRIO_ERROR, 3);
}

static char *format_rule(const char *output, const ld_rt_event *e, const ld_rt_container *ct,
                         size_t n)
{
    char *text = ld_xasprintf("- rule: F\n  desc: d\n  condition: evt.type = execve\n"
                              "  output: '%s'\n  priority: INFO\n",
                              output);
    ld_rt_ruleset *rs = compiled(text);
    free(text);
    char *buf = ld_xmalloc(n);
    ld_rt_field_ctx ctx = {.evt = e, .container = ct, .procs = &fake_table};
    ld_rt_rules_format_output(rs, 0, &ctx, buf, n);
    ld_rt_rules_free(rs);
    return buf;
}

static void outputs_expand_fields(void **state)
{
    (void)state;
    ld_rt_event e;
    ev_exec(&e, "bash", "bash -c id");
    e.uid = 1000;
    char *s = format_rule("Shell %proc.name (%proc.cmdline) by %user.name in %container.name "
                          "[%container.image] parent=%proc.pname gp=%proc.aname[2] at %evt.time; "
                          "100% sure %% %1 %proc.name.",
                          &e, &ct_web, 1024);
    char want[512];
    /* in a container, the user name is the container's own (the fake table's) */
    snprintf(want, sizeof want,
             "Shell bash (bash -c id) by %s in web [%s] parent=containerd-shim gp=systemd at "
             "2025-12-04T10:00:00.123456789Z; 100%% sure %%%% %%1 bash.",
             ld_rt_user_name_in(&fake_table, e.pid, 1000), ct_web.image);
    assert_string_equal(s, want);
    free(s);
    /* absent values */
    s = format_rule("port=%fd.dport name=%container.name", &e, &ct_host, 256);
    assert_string_equal(s, "port=<NA> name=host");
    free(s);
}

/* A password or key on a command line does not reach the alert text. */
static void outputs_mask_secrets(void **state)
{
    (void)state;
    ld_rt_event e;
    ev_exec(&e, "curl", "curl -H Authorization: Bearer Zq8vLk2pWx9mRt4nB7cD https://x");
    char *s = format_rule("c=%proc.cmdline", &e, &ct_web, 512);
    assert_null(strstr(s, "Zq8vLk2pWx9mRt4nB7cD"));
    assert_non_null(strstr(s, "c=curl -H Authorization: Bearer "));
    free(s);
    ev_exec(&e, "aws", "aws --secret-access-key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8vLk2pWx s3 ls");
    s = format_rule("%proc.name %proc.cmdline", &e, &ct_web, 512);
    assert_null(strstr(s, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8vLk2pWx"));
    assert_non_null(strstr(s, " s3 ls"));
    free(s);
}

static void outputs_escape_hostile_values(void **state)
{
    (void)state;
    ld_rt_event e;
    ev_exec(&e, "x", "x");
    snprintf(e.comm, sizeof e.comm, "\x1b[31mred\x07");
    snprintf(e.cmdline, sizeof e.cmdline, "x a\\b \xe2\x80\xae rtl \xff\xfe \xc2\x9b end\n");
    char *s = format_rule("n=%proc.name c=%proc.cmdline", &e, &ct_web, 512);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        assert_true(*p >= 0x20 && *p != 0x7f);
    assert_string_equal(s, "n=\\x1b[31mred\\x07 c=\\x1b[31mred\\x07 a\\\\b \\u202e rtl \\xff\\xfe "
                           "\\u009b end\\x0a");
    free(s);
    /* cut: always terminated, never half an escape or half a character */
    for (size_t n = 1; n < 40; n++) {
        s = format_rule("%proc.name \xc3\xa9\xc3\xa9\xc3\xa9 %proc.name", &e, &ct_web, n);
        size_t len = strlen(s);
        assert_true(len < n);
        /* every \x escape complete */
        for (const char *p = strstr(s, "\\x"); p; p = strstr(p + 1, "\\x"))
            assert_true(strlen(p) >= 4);
        /* the last byte does not start or continue a cut UTF-8 sequence */
        if (len && ((unsigned char)s[len - 1] & 0x80)) {
            int cont = 0;
            size_t k = len;
            while (k && ((unsigned char)s[k - 1] & 0xC0) == 0x80) {
                cont++;
                k--;
            }
            assert_true(k > 0);
            assert_int_equal((unsigned char)s[k - 1] & 0xE0, 0xC0);
            assert_int_equal(cont, 1);
        }
        free(s);
    }
}

/* ---- matching ---- */

static void match_uses_the_type_index(void **state)
{
    (void)state;
    ld_rt_ruleset *rs =
        compiled(RULE_HEAD("A", "evt.type = execve") RULE_HEAD("B", "evt.type in (openat, openat2)")
                     RULE_HEAD("C", "evt.type != openat and proc.name = x")
                         RULE_HEAD("D", "evt.type = execve"));
    assert_true(ld_rt_rules_wants(rs, LD_EVT_EXECVE));
    assert_true(ld_rt_rules_wants(rs, LD_EVT_OPENAT2));
    assert_true(ld_rt_rules_wants(rs, LD_EVT_CONNECT)); /* C: every type but openat */
    assert_false(ld_rt_rules_wants(rs, LD_EVT_NONE));
    assert_false(ld_rt_rules_wants(rs, LD_EVT_TYPE_COUNT));
    ld_rt_event e;
    ev_exec(&e, "x", "x");
    assert_fired(rs, &e, &ct_web, "A|C|D");
    ev_open(&e, "x", "/etc/x", 0);
    assert_fired(rs, &e, &ct_web, "B");
    e.type = LD_EVT_CONNECT;
    assert_fired(rs, &e, &ct_web, "C");
    /* more hits than room: the count says so, only max stored */
    ev_exec(&e, "x", "x");
    ld_rt_field_ctx ctx = {.evt = &e, .container = &ct_web, .procs = &fake_table};
    size_t hits[2] = {99, 99};
    assert_int_equal(ld_rt_rules_match(rs, &ctx, hits, 1), 3);
    assert_int_equal(hits[0], 0);
    assert_int_equal(hits[1], 99);
    e.type = (ld_rt_evtype)77;
    assert_int_equal(ld_rt_rules_match(rs, &ctx, hits, 2), 0);
    ld_rt_rules_free(rs);
    /* not compiled: nothing */
    ld_rt_ruleset *none = ld_rt_rules_new();
    ev_exec(&e, "x", "x");
    assert_int_equal(ld_rt_rules_match(none, &ctx, hits, 2), 0);
    assert_null(ld_rt_rules_get(none, 0));
    char buf[8] = "zz";
    ld_rt_rules_format_output(none, 0, &ctx, buf, sizeof buf);
    assert_string_equal(buf, "");
    ld_rt_rules_free(none);
}

/* ---- hostile files ---- */

static void hostile_files(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    /* a macro cycle is an error, not a hang */
    ld_rt_ruleset *rs = ld_rt_rules_new();
    ld_strlist diags = {0};
    assert_int_equal(
        load_compile(rs, "c.yaml",
                     "- macro: a\n  condition: b\n- macro: b\n  condition: a\n" RULE_HEAD(
                         "R", "evt.type = execve and a"),
                     &diags, NULL),
        LD_ERR_INVALID);
    assert_diag(&diags, "macro 'a'");
    ld_strlist_clear(&diags);
    ld_rt_rules_free(rs);

    /* deep YAML nesting */
    size_t depth = 5000;
    char *deep = ld_xmalloc(depth * 2 + 16);
    size_t k = 0;
    for (size_t i = 0; i < depth; i++)
        deep[k++] = '[';
    for (size_t i = 0; i < depth; i++)
        deep[k++] = ']';
    deep[k] = '\0';
    rs = ld_rt_rules_new();
    assert_int_equal(ld_rt_rules_load_buffer(rs, "d.yaml", deep, k, &err), LD_ERR_INVALID);
    free(deep);
    ld_rt_rules_free(rs);

    /* a list appended to over and over stays bounded */
    rs = ld_rt_rules_new();
    const char *one = "- list: l\n  items: [a, b, c, d, e, f, g, h, i, j]\n";
    assert_int_equal(ld_rt_rules_load_buffer(rs, "l.yaml", one, strlen(one), &err), 0);
    const char *more = "- list: l\n  items: [a, b, c, d, e, f, g, h, i, j]\n  append: true\n";
    for (int i = 0; i < 10001; i++)
        assert_int_equal(ld_rt_rules_load_buffer(rs, "m.yaml", more, strlen(more), &err), 0);
    assert_int_equal(ld_rt_rules_compile(rs, &diags, NULL, &err), LD_ERR_INVALID);
    assert_diag(&diags, "list 'l': more than 100000 items after append");
    ld_strlist_clear(&diags);
    ld_rt_rules_free(rs);

    /* too many items */
    rs = ld_rt_rules_new();
    size_t n = 20001;
    size_t cap = n * 40 + 1;
    char *many = ld_xmalloc(cap);
    k = 0;
    for (size_t i = 0; i < n; i++)
        k += (size_t)snprintf(many + k, cap - k, "- list: l%zu\n  items: [x]\n", i);
    assert_int_equal(ld_rt_rules_load_buffer(rs, "n.yaml", many, k, &err), 0);
    assert_int_equal(ld_rt_rules_compile(rs, &diags, NULL, &err), LD_ERR_INVALID);
    assert_diag(&diags, "more than 20000 lists, macros and rules");
    free(many);
    ld_strlist_clear(&diags);
    ld_rt_rules_free(rs);

    /* a file over the size limit */
    rs = ld_rt_rules_new();
    size_t big = ((size_t)8 << 20) + 1;
    char *huge = ld_xmalloc(big);
    memset(huge, '#', big);
    assert_int_equal(ld_rt_rules_load_buffer(rs, "h.yaml", huge, big, &err), LD_ERR_INVALID);
    free(huge);
    ld_rt_rules_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(lists_and_macros_expand, setup),
        cmocka_unit_test_setup(append_to_list_macro_and_rule, setup),
        cmocka_unit_test_setup(override_replace_and_append, setup),
        cmocka_unit_test_setup(enabled_toggles_and_redefinition, setup),
        cmocka_unit_test_setup(changes_to_missing_items_are_errors, setup),
        cmocka_unit_test_setup(override_mistakes, setup),
        cmocka_unit_test_setup(exceptions_single_field_and_tuples, setup),
        cmocka_unit_test_setup(exception_values_cannot_inject, setup),
        cmocka_unit_test_setup(exception_errors, setup),
        cmocka_unit_test_setup(exceptions_appended_by_override, setup),
        cmocka_unit_test_setup(every_error_with_file_and_line, setup),
        cmocka_unit_test_setup(warnings_are_not_errors, setup),
        cmocka_unit_test_setup(yaml_and_shape_errors_fail_the_load, setup),
        cmocka_unit_test_setup(files_from_disk, setup),
        cmocka_unit_test(priorities),
        cmocka_unit_test_setup(outputs_expand_fields, setup),
        cmocka_unit_test_setup(outputs_mask_secrets, setup),
        cmocka_unit_test_setup(outputs_escape_hostile_values, setup),
        cmocka_unit_test_setup(match_uses_the_type_index, setup),
        cmocka_unit_test_setup(hostile_files, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
