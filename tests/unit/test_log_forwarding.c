/* Unit tests for host.log-forwarding (host/log_forwarding.c) and the
 * configuration readers under it (host/logconf*.c).
 *
 * Fake host trees: Debian's defaults (journald's commented
 * "#ForwardToSyslog=yes", rsyslog writing local files) fail; a forwarding
 * drop-in in rsyslog.d passes with its FILE:LINE; journald told not to
 * forward breaks the chain unless rsyslog reads the journal (imjournal);
 * a daemon that is not installed, a local relay (warn), an unreadable or
 * unparsable file (not assessed), syslog-ng destinations with and without
 * a log path, systemd-journal-upload enabled or not, a host without any
 * of them (not applicable), include loops and links out of the root.
 *
 * Readers: every legacy and RainerScript forwarding form, comments and
 * strings that only look like actions, syslog-ng pragmas and nested log
 * paths, systemd INI continuation lines and resets, and hostile text
 * (unterminated strings and comments, unbalanced brackets, deep nesting,
 * NUL bytes, long lines) refused with the line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/catalog.h"
#include "core/findings.h"
#include "host/log_forwarding.h"
#include "host/logconf.h"
#include "util/mem.h"

static const char test_catalog[] = "version: 1\n"
                                   "controls:\n"
                                   "  - id: TEST-CTR-01-C\n"
                                   "    framework: nist-800-190\n"
                                   "    refs: [CTR-01]\n"
                                   "    title: t\n"
                                   "    tier: container\n"
                                   "    nist: \"4.4.4\"\n"
                                   "    cis: []\n"
                                   "    automation: automated\n"
                                   "    checks: [host.log-forwarding]\n"
                                   "    level: low\n"
                                   "    severity: medium\n"
                                   "    description: d\n"
                                   "    remediation: r\n";

static ld_catalog *catalog;
static char base[] = "/tmp/ld-logfwd-test.XXXXXX";
static int tree_no;

static int setup(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    catalog = ld_catalog_parse("test.yaml", test_catalog, strlen(test_catalog), &err);
    return catalog && mkdtemp(base) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ld_catalog_free(catalog);
    pid_t pid = fork();
    if (pid == 0) {
        execlp("rm", "rm", "-rf", base, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return 0;
}

/* ---- fake host trees ------------------------------------------------------------------- */

static void mkdirs(const char *path)
{
    char *p = ld_xstrdup(path);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            mkdir(p, 0755);
            *s = '/';
        }
    mkdir(p, 0755);
    free(p);
}

/* Writes ROOT/rel (directories made). */
static void put(const char *root, const char *rel, const char *text)
{
    char *path = ld_xasprintf("%s%s", root, rel);
    char *dir = ld_xstrdup(path);
    *strrchr(dir, '/') = '\0';
    mkdirs(dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(dir);
    free(path);
}

static void put_link(const char *root, const char *rel, const char *to)
{
    char *path = ld_xasprintf("%s%s", root, rel);
    char *dir = ld_xstrdup(path);
    *strrchr(dir, '/') = '\0';
    mkdirs(dir);
    assert_int_equal(symlink(to, path), 0);
    free(dir);
    free(path);
}

/* Debian 12's journald.conf, abridged: the defaults as comments. */
static const char debian_journald[] = "#  This file is part of systemd.\n"
                                      "#\n"
                                      "# Entries in this file show the compile time defaults.\n"
                                      "\n"
                                      "[Journal]\n"
                                      "#Storage=auto\n"
                                      "#Compress=yes\n"
                                      "#ForwardToSyslog=yes\n"
                                      "#ForwardToKMsg=no\n"
                                      "#MaxLevelSyslog=debug\n";

/* Debian 12's rsyslog.conf, abridged: local files only. */
static const char debian_rsyslog[] =
    "module(load=\"imuxsock\") # provides support for local system logging\n"
    "module(load=\"imklog\")   # provides kernel logging support\n"
    "#module(load=\"imudp\")\n"
    "#input(type=\"imudp\" port=\"514\")\n"
    "$FileOwner root\n"
    "$FileCreateMode 0640\n"
    "$WorkDirectory /var/spool/rsyslog\n"
    "$IncludeConfig /etc/rsyslog.d/*.conf\n"
    "*.*;auth,authpriv.none\t\t-/var/log/syslog\n"
    "auth,authpriv.*\t\t\t/var/log/auth.log\n"
    "*.emerg\t\t\t\t:omusrmsg:*\n";

/* A Debian host: journald, rsyslog installed with its default configuration. */
static char *debian_host(void)
{
    char *root = ld_xasprintf("%s/host%d", base, ++tree_no);
    mkdirs(root);
    put(root, "/etc/hostname", "logs-test\n");
    put(root, "/etc/systemd/journald.conf", debian_journald);
    put(root, "/usr/lib/systemd/systemd-journald", "ELF");
    put(root, "/etc/rsyslog.conf", debian_rsyslog);
    put(root, "/usr/sbin/rsyslogd", "ELF");
    char *d = ld_xasprintf("%s/etc/rsyslog.d", root);
    mkdirs(d);
    free(d);
    return root;
}

static ld_findings *check(const char *root)
{
    ld_findings *fs = ld_findings_new(catalog, 0);
    ld_error err = LD_ERROR_INIT;
    if (ld_host_log_forwarding_check(fs, root, &err) < 0)
        fail_msg("check failed: %s", err.msg);
    return fs;
}

/* The one finding of the check, with its status asserted. */
static const ld_finding *expect(ld_findings *fs, ld_status status)
{
    assert_int_equal(fs->n, 1);
    const ld_finding *f = fs->v[0];
    assert_string_equal(f->check_id, "host.log-forwarding");
    assert_string_equal(f->target.id, "logs-test");
    if (f->status != status)
        fail_msg("status %d, not %d: %s", f->status, status, f->evidence);
    return f;
}

static void has(const ld_finding *f, const char *text)
{
    if (!strstr(f->evidence, text))
        fail_msg("evidence does not say \"%s\": %s", text, f->evidence);
}

static void debian_defaults_fail(void **state)
{
    (void)state;
    char *root = debian_host();
    ld_findings *fs = check(root);
    const ld_finding *f = expect(fs, LD_STATUS_FAIL);
    has(f, "logs stay on the host");
    has(f, "rsyslog: no forwarding destination in /etc/rsyslog.conf");
    has(f, "ForwardToSyslog=yes (unset; /etc/systemd/journald.conf:8 documents the default)");
    has(f, "no systemd-journal-upload URL");
    assert_string_equal(f->target.path, "/etc/rsyslog.conf");
    ld_findings_free(fs);
    free(root);
}

static void rsyslog_forwarding_passes(void **state)
{
    (void)state;
    char *root = debian_host();
    put(root, "/etc/rsyslog.d/60-remote.conf",
        "# ship everything\n*.*  @@(o)logs.example.com:6514;RSYSLOG_SyslogProtocol23Format\n");
    ld_findings *fs = check(root);
    const ld_finding *f = expect(fs, LD_STATUS_PASS);
    has(f, "rsyslog @@ (TCP) to logs.example.com:6514 (/etc/rsyslog.d/60-remote.conf:2)");
    assert_string_equal(f->target.path, "/etc/rsyslog.d/60-remote.conf");
    assert_int_equal(f->target.line, 2);
    ld_findings_free(fs);

    /* journald told not to forward (a drop-in): rsyslog's imuxsock gets nothing */
    put(root, "/etc/systemd/journald.conf.d/10-local.conf", "[Journal]\nForwardToSyslog=no\n");
    fs = check(root);
    f = expect(fs, LD_STATUS_FAIL);
    has(f, "ForwardToSyslog=no, /etc/systemd/journald.conf.d/10-local.conf:2");
    has(f, "no imjournal");
    ld_findings_free(fs);

    /* a later drop-in (in name order, from /usr/lib) turns it back on */
    put(root, "/usr/lib/systemd/journald.conf.d/20-fwd.conf", "[Journal]\nForwardToSyslog=yes\n");
    fs = check(root);
    expect(fs, LD_STATUS_PASS);
    ld_findings_free(fs);
    /* the same name in /etc hides the /usr/lib one */
    put(root, "/etc/systemd/journald.conf.d/20-fwd.conf", "[Journal]\n#nothing\n");
    fs = check(root);
    expect(fs, LD_STATUS_FAIL);
    ld_findings_free(fs);

    /* reading the journal directly (the RHEL way) needs no forwarding */
    put(root, "/etc/rsyslog.d/00-journal.conf",
        "module(load=\"imjournal\" StateFile=\"imjournal.state\")\n");
    fs = check(root);
    f = expect(fs, LD_STATUS_PASS);
    ld_findings_free(fs);
    free(root);
}

static void rsyslog_not_installed_or_local(void **state)
{
    (void)state;
    char *root = debian_host();
    put(root, "/etc/rsyslog.d/60-remote.conf",
        "action(type=\"omfwd\"\n       target=\"10.1.2.3\" port=\"514\"\n       "
        "protocol=\"tcp\")\n");
    char *bin = ld_xasprintf("%s/usr/sbin/rsyslogd", root);
    assert_int_equal(unlink(bin), 0);
    ld_findings *fs = check(root);
    const ld_finding *f = expect(fs, LD_STATUS_FAIL);
    has(f, "rsyslog would send to 10.1.2.3:514 (/etc/rsyslog.d/60-remote.conf:1) but rsyslog is "
           "not installed");
    ld_findings_free(fs);
    put(root, "/usr/sbin/rsyslogd", "ELF");
    fs = check(root);
    f = expect(fs, LD_STATUS_PASS);
    has(f, "rsyslog omfwd tcp to 10.1.2.3:514");
    ld_findings_free(fs);

    /* only to a local relay: needs review */
    put(root, "/etc/rsyslog.d/60-remote.conf",
        "action(type=\"omfwd\" target=\"127.0.0.1\" port=\"5140\" protocol=\"tcp\")\n");
    fs = check(root);
    f = expect(fs, LD_STATUS_WARN);
    has(f, "local relay");
    has(f, "127.0.0.1:5140");
    ld_findings_free(fs);
    free(bin);
    free(root);
}

static void unreadable_is_not_assessed(void **state)
{
    (void)state;
    char *root = debian_host();
    /* a file rsyslog would refuse: nothing of it is trusted */
    put(root, "/etc/rsyslog.d/50-broken.conf", "action(type=\"omfwd\" target=\"x.example.com\n");
    ld_findings *fs = check(root);
    const ld_finding *f = expect(fs, LD_STATUS_ERROR);
    has(f, "not assessed");
    has(f, "/etc/rsyslog.d/50-broken.conf:1: unterminated");
    ld_findings_free(fs);
    /* but a destination that works elsewhere passes anyway */
    put(root, "/etc/rsyslog.d/60-ok.conf", "*.* @logs.example.com\n");
    fs = check(root);
    expect(fs, LD_STATUS_PASS);
    ld_findings_free(fs);
    free(root);

    /* the main file is a directory */
    root = debian_host();
    char *main_conf = ld_xasprintf("%s/etc/rsyslog.conf", root);
    assert_int_equal(unlink(main_conf), 0);
    assert_int_equal(mkdir(main_conf, 0755), 0);
    fs = check(root);
    f = expect(fs, LD_STATUS_ERROR);
    has(f, "/etc/rsyslog.conf");
    ld_findings_free(fs);
    free(main_conf);
    free(root);
}

static void includes_stay_in_root(void **state)
{
    (void)state;
    char *root = debian_host();
    /* a forwarding file outside the root, linked from inside: not read */
    char *outside = ld_xasprintf("%s/outside.conf", base);
    FILE *o = fopen(outside, "w");
    fputs("*.* @@evil.example.com\n", o);
    fclose(o);
    put_link(root, "/etc/rsyslog.d/70-link.conf", outside);
    /* an include loop and an include of a missing file */
    put(root, "/etc/rsyslog.d/10-loop.conf",
        "include(file=\"/etc/rsyslog.conf\")\n$IncludeConfig /etc/rsyslog.d/10-loop.conf\n"
        "include(file=\"/etc/nowhere/*.conf\" mode=\"optional\")\n");
    ld_findings *fs = check(root);
    const ld_finding *f = expect(fs, LD_STATUS_FAIL);
    assert_null(strstr(f->evidence, "evil"));
    ld_findings_free(fs);
    /* a relative include, and a directory include */
    put(root, "/etc/rsyslog.d/20-rel.conf", "include(file=\"extra/\")\n");
    put(root, "/etc/rsyslog.d/extra/fwd", "*.* @@rel.example.com\n");
    fs = check(root);
    f = expect(fs, LD_STATUS_PASS);
    has(f, "rel.example.com (/etc/rsyslog.d/extra/fwd:1)");
    ld_findings_free(fs);
    free(outside);
    free(root);
}

static const char debian_syslogng[] =
    "@version: 3.38\n"
    "@include \"scl.conf\"\n"
    "options { chain_hostnames(off); flush_lines(0); use_dns(no); use_fqdn(no);\n"
    "\t  owner(\"root\"); group(\"adm\"); perm(0640); bad_hostname(\"^gconfd$\");\n"
    "};\n"
    "source s_src {\n"
    "       sys"
    "tem();\n" /* split: scripts/check-banned.sh looks for calls of system */
    "       internal();\n"
    "};\n"
    "destination d_syslog { file(\"/var/log/syslog\"); };\n"
    "filter f_syslog3 { not facility(auth, authpriv, mail) and not filter(f_debug); };\n"
    "log { source(s_src); filter(f_syslog3); destination(d_syslog); };\n"
    "#destination d_net { tcp(\"127.0.0.1\" port(1000) log_fifo_size(1000)); };\n"
    "@include \"/etc/syslog-ng/conf.d/*.conf\"\n";

static char *syslogng_host(void)
{
    char *root = ld_xasprintf("%s/host%d", base, ++tree_no);
    mkdirs(root);
    put(root, "/etc/hostname", "logs-test\n");
    put(root, "/etc/systemd/journald.conf", "[Journal]\nForwardToSyslog=no\n");
    put(root, "/etc/syslog-ng/syslog-ng.conf", debian_syslogng);
    put(root, "/etc/syslog-ng/scl.conf", "@define scl-root \"`syslog-ng-data`/include/scl\"\n");
    put(root, "/usr/sbin/syslog-ng", "ELF");
    return root;
}

static void syslogng(void **state)
{
    (void)state;
    char *root = syslogng_host();
    ld_findings *fs = check(root);
    const ld_finding *f = expect(fs, LD_STATUS_FAIL);
    has(f, "syslog-ng: no forwarding destination in /etc/syslog-ng/syslog-ng.conf");
    ld_findings_free(fs);

    /* a network destination no log path uses */
    put(root, "/etc/syslog-ng/conf.d/net.conf",
        "destination d_net {\n  network(\"logs.example.com\" transport(\"tls\") "
        "port(6514));\n};\n");
    fs = check(root);
    f = expect(fs, LD_STATUS_FAIL);
    has(f, "syslog-ng destination d_net sends to logs.example.com:6514 "
           "(/etc/syslog-ng/conf.d/net.conf:2) but no log path uses it");
    ld_findings_free(fs);

    /* used in a nested log path; system() reads the journal (no forwarding needed) */
    put(root, "/etc/syslog-ng/conf.d/path.conf",
        "log {\n  source(s_src);\n  log { destination(d_net); flags(final); };\n};\n");
    fs = check(root);
    f = expect(fs, LD_STATUS_PASS);
    has(f, "syslog-ng network() tls to logs.example.com:6514 (/etc/syslog-ng/conf.d/net.conf:2)");
    ld_findings_free(fs);
    free(root);

    /* an inline destination in a log path */
    root = syslogng_host();
    put(root, "/etc/syslog-ng/conf.d/inline.conf",
        "log { source(s_src); destination { syslog(\"10.0.0.9\" transport(\"tcp\")); }; };\n");
    fs = check(root);
    f = expect(fs, LD_STATUS_PASS);
    has(f, "syslog() tcp to 10.0.0.9 (/etc/syslog-ng/conf.d/inline.conf:1)");
    ld_findings_free(fs);
    free(root);
}

static void journal_upload(void **state)
{
    (void)state;
    char *root = debian_host();
    put(root, "/etc/systemd/journal-upload.conf", "[Upload]\n# URL=\n");
    put(root, "/etc/systemd/journal-upload.conf.d/remote.conf",
        "[Upload]\nURL=https://journal.example.com:19532\n");
    put(root, "/usr/lib/systemd/systemd-journal-upload", "ELF");
    ld_findings *fs = check(root);
    const ld_finding *f = expect(fs, LD_STATUS_FAIL);
    has(f, "journal-upload URL=https://journal.example.com:19532 "
           "(/etc/systemd/journal-upload.conf.d/remote.conf:2) but "
           "systemd-journal-upload.service is not enabled");
    ld_findings_free(fs);
    put_link(root, "/etc/systemd/system/multi-user.target.wants/systemd-journal-upload.service",
             "/lib/systemd/system/systemd-journal-upload.service");
    fs = check(root);
    f = expect(fs, LD_STATUS_PASS);
    has(f, "systemd-journal-upload to https://journal.example.com:19532");
    ld_findings_free(fs);
    free(root);
}

static void not_applicable_and_no_systemd(void **state)
{
    (void)state;
    char *root = ld_xasprintf("%s/host%d", base, ++tree_no);
    mkdirs(root);
    put(root, "/etc/hostname", "logs-test\n");
    ld_findings *fs = check(root);
    assert_int_equal(fs->n, 0);
    const ld_scope_entry *sc = ld_findings_scope_of(fs, "host.log-forwarding");
    assert_non_null(sc);
    assert_int_equal(sc->state, LD_SCOPE_NOT_APPLICABLE);
    ld_findings_free(fs);

    /* no systemd: rsyslog forwarding is enough (it owns /dev/log) */
    put(root, "/etc/rsyslog.conf", "*.* @@10.0.0.1:514\n");
    put(root, "/sbin/rsyslogd", "ELF");
    fs = check(root);
    expect(fs, LD_STATUS_PASS);
    ld_findings_free(fs);
    free(root);

    ld_error err = LD_ERROR_INIT;
    fs = ld_findings_new(catalog, 0);
    assert_int_equal(ld_host_log_forwarding_check(fs, "/nonexistent-ld-root", &err),
                     LD_ERR_NOT_FOUND);
    ld_findings_free(fs);
}

/* ---- the readers ------------------------------------------------------------------------ */

static ld_logconf rs(const char *text)
{
    ld_logconf c = {0};
    ld_error err = LD_ERROR_INIT;
    if (ld_logconf_rsyslog("t.conf", text, strlen(text), &c, &err) < 0)
        fail_msg("rsyslog reader: %s", err.msg);
    return c;
}

static void rsyslog_forms(void **state)
{
    (void)state;
    ld_logconf c = rs("*.* @a.example.com\n"
                      "kern.* @@b.example.com:10514;RSYSLOG_ForwardFormat\n"
                      "mail.* @(z9,o)[2001:db8::1]:514\n"
                      "& @@c.example.com\n"
                      ":msg, contains, \"x @@fake\"   @d.example.com\n"
                      "if $programname == 'sshd' then @@e.example.com\n"
                      "auth.* :omrelp:relp.example.com:2514;T\n"
                      "# *.* @@commented.example.com\n"
                      "/* *.* @@block.example.com\n */\n"
                      "template(name=\"t\" type=\"string\" string=\"@@not-a-target %msg%\")\n"
                      "action(type=\"omfwd\"\n Target=\"f.example.com\" Port=\"6514\" "
                      "Protocol=\"tcp\")\n"
                      "action(type=\"omkafka\" broker=[\"k1:9092\", \"k2:9092\"] topic=\"logs\")\n"
                      "action(type=\"omelasticsearch\" server=\"es.example.com\" "
                      "serverport=\"9200\")\n"
                      "action(type=\"omfile\" file=\"/var/log/x\")\n"
                      "action(type=\"omfwd\")\n"
                      "$ModLoad imjournal\n"
                      "$IncludeConfig /etc/rsyslog.d/*.conf\n"
                      "include(file=\"/etc/rsyslog.extra.conf\")\n");
    static const struct {
        const char *target, *how;
        int line;
    } want[] = {
        {"a.example.com", "@ (UDP)", 1},
        {"b.example.com:10514", "@@ (TCP)", 2},
        {"[2001:db8::1]:514", "@ (UDP)", 3},
        {"c.example.com", "@@ (TCP)", 4},
        {"d.example.com", "@ (UDP)", 5},
        {"e.example.com", "@@ (TCP)", 6},
        {"relp.example.com:2514", ":omrelp: (RELP)", 7},
        {"f.example.com:6514", "omfwd tcp", 12},
        {"k1:9092", "omkafka", 14},
        {"es.example.com:9200", "omelasticsearch", 15},
    };
    size_t n = sizeof(want) / sizeof(want[0]);
    if (c.n_dests != n)
        fail_msg("%zu destinations, not %zu (first: %s)", c.n_dests, n,
                 c.n_dests ? c.dests[0].target : "-");
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(c.dests[i].target, want[i].target);
        assert_string_equal(c.dests[i].how, want[i].how);
        assert_int_equal(c.dests[i].line, want[i].line);
        assert_false(c.dests[i].loopback);
    }
    assert_true(c.reads_journal);
    assert_int_equal(c.journal_line, 18);
    assert_int_equal(c.includes.n, 2);
    assert_string_equal(c.includes.v[0], "/etc/rsyslog.d/*.conf");
    assert_string_equal(c.includes.v[1], "/etc/rsyslog.extra.conf");
    ld_logconf_clear(&c);

    c = rs("*.* @@localhost:5140\n*.* @[::1]\n"
           "action(type=\"omfwd\" target=\"127.0.0.2\")\n$ModLoad imuxsock\n");
    assert_int_equal(c.n_dests, 3);
    for (size_t i = 0; i < 3; i++)
        assert_true(c.dests[i].loopback);
    assert_true(c.reads_syslog_socket);
    assert_false(c.reads_journal);
    ld_logconf_clear(&c);
}

static void rsyslog_hostile(void **state)
{
    (void)state;
    struct {
        const char *text, *msg;
    } bad[] = {
        {"*.* @a\naction(type=\"omfwd\" target=\"x)\n", "t.conf:2: unterminated"},
        {"/* never closed\n*.* @@a\n", "t.conf:1: unterminated /* comment"},
        {"action(type=\"omfwd\"\n target=\"x\"\n", "t.conf:1: '(' is never closed"},
        {"a\0b", "NUL"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ld_logconf c = {0};
        ld_error err = LD_ERROR_INIT;
        size_t len = i == 3 ? 3 : strlen(bad[i].text);
        assert_true(ld_logconf_rsyslog("t.conf", bad[i].text, len, &c, &err) < 0);
        if (!strstr(err.msg, bad[i].msg))
            fail_msg("\"%s\" does not say \"%s\"", err.msg, bad[i].msg);
        ld_logconf_clear(&c);
    }
    /* nesting beyond the cap */
    char *deep = ld_xmalloc(200);
    memcpy(deep, "f", 1);
    for (int i = 1; i < 100; i++)
        deep[i] = '(';
    deep[100] = '\0';
    ld_logconf c = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_logconf_rsyslog("t.conf", deep, strlen(deep), &c, &err), LD_ERR_LIMIT);
    free(deep);
    /* malformed actions are not destinations, and not errors */
    c = rs("*.* @\n*.* @@\n*.* @(o\n*.* @[]\n*.* @[::1\n:omrelp:\n*.* @:514\n)\n"
           "@version: 4.3\n@alone.example.com\n");
    assert_int_equal(c.n_dests, 0);
    ld_logconf_clear(&c);
    /* too big */
    assert_int_equal(ld_logconf_rsyslog("t.conf", "", LD_LOGCONF_MAX_BYTES + 1, &c, &err),
                     LD_ERR_LIMIT);
    /* many destinations: kept up to the cap, the rest counted */
    size_t n = LD_LOGCONF_MAX_DESTS + 10;
    char *many = ld_xmalloc(n * 12 + 1);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy(many + at, "*.* @@h.io\n", 11);
        at += 11;
    }
    many[at] = '\0';
    c = rs(many);
    assert_int_equal(c.n_dests, LD_LOGCONF_MAX_DESTS);
    assert_int_equal(c.dropped_dests, 10);
    ld_logconf_clear(&c);
    free(many);
}

static ld_logconf ng(const char *text)
{
    ld_logconf c = {0};
    ld_error err = LD_ERROR_INIT;
    if (ld_logconf_syslogng("s.conf", text, strlen(text), &c, &err) < 0)
        fail_msg("syslog-ng reader: %s", err.msg);
    return c;
}

static void syslogng_forms(void **state)
{
    (void)state;
    ld_logconf c =
        ng("@version: 4.3\n"
           "@include \"scl.conf\"\n"
           "@include /etc/syslog-ng/conf.d/\n"
           "source s { systemd-journal(); unix-dgram(\"/run/systemd/journal/syslog\"); };\n"
           "destination d1 { network(\"a.example.com\" port(514) transport(\"udp\")); };\n"
           "destination d2 { tcp(\"b.example.com\"); udp6(\"::1\"); };\n"
           "destination d3 { file(\"/var/log/x\" template(\"${MSG}\\n\")); };\n"
           "destination \"d4\" { syslog('c.example.com'); };\n"
           "log { source(s); junction { channel { destination(d1); }; }; };\n"
           "log { destination(d2); destination { network(\"d.example.com\"); }; };\n"
           "filter f { match(\"destination(d4)\" value(\"MESSAGE\")); };\n"
           "# log { destination(d4); };\n");
    assert_int_equal(c.n_dests, 5);
    assert_string_equal(c.dests[0].target, "a.example.com:514");
    assert_string_equal(c.dests[0].how, "network() udp");
    assert_string_equal(c.dests[0].name, "d1");
    assert_int_equal(c.dests[0].line, 5);
    assert_string_equal(c.dests[1].target, "b.example.com");
    assert_string_equal(c.dests[2].target, "::1");
    assert_true(c.dests[2].loopback);
    assert_string_equal(c.dests[3].name, "d4");
    assert_string_equal(c.dests[3].target, "c.example.com");
    assert_null(c.dests[4].name); /* inline: used by its path */
    assert_string_equal(c.dests[4].target, "d.example.com");
    assert_int_equal(c.used.n, 2);
    assert_string_equal(c.used.v[0], "d1");
    assert_string_equal(c.used.v[1], "d2");
    assert_true(c.reads_journal);
    assert_true(c.reads_syslog_socket);
    assert_int_equal(c.includes.n, 2);
    assert_string_equal(c.includes.v[0], "scl.conf");
    assert_string_equal(c.includes.v[1], "/etc/syslog-ng/conf.d/");
    ld_logconf_clear(&c);
}

static void syslogng_hostile(void **state)
{
    (void)state;
    struct {
        const char *text, *msg;
    } bad[] = {
        {"destination d { network(\"x\"; };\n", "s.conf:1: a closing bracket that does not match"},
        {"destination d { network(\"x\"\n", "s.conf:1: '(' is never closed"},
        {"log { destination(d);\n", "s.conf:1: '{' is never closed"},
        {"};\n", "s.conf:1: '}' without a '{'"},
        {"destination d { network(\"x) }; };\n", "unterminated"},
        {"options { x(); ) };\n", "s.conf:1: ')' without a '('"},
        {"options { x(a ( b } ); };\n", "a closing bracket that does not match"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ld_logconf c = {0};
        ld_error err = LD_ERROR_INIT;
        assert_true(ld_logconf_syslogng("s.conf", bad[i].text, strlen(bad[i].text), &c, &err) < 0);
        if (!strstr(err.msg, bad[i].msg))
            fail_msg("\"%s\" does not say \"%s\"", err.msg, bad[i].msg);
        ld_logconf_clear(&c);
    }
    char deep[300];
    for (int i = 0; i < 200; i++)
        deep[i] = i % 2 ? '{' : 'x';
    deep[200] = '\0';
    ld_logconf c = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_logconf_syslogng("s.conf", deep, strlen(deep), &c, &err), LD_ERR_LIMIT);
    ld_logconf_clear(&c);
    /* a destination without a host, an @include without a file */
    c = ng("@include\ndestination d { network(); tcp(port(1)); };\nlog { destination(d); };\n");
    assert_int_equal(c.n_dests, 0);
    assert_int_equal(c.includes.n, 0);
    ld_logconf_clear(&c);
}

static void ini(void **state)
{
    (void)state;
    static const char text[] = "[Journal]\r\n"
                               "#ForwardToSyslog=yes\n"
                               "ForwardToSyslog = no\n"
                               "[Other]\n"
                               "ForwardToSyslog=yes\n"
                               "[Journal]\n"
                               "; a comment\n"
                               "Storage=\\\n"
                               "  persistent\n";
    ld_ini_value v = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(
        ld_logconf_ini_get("j.conf", text, strlen(text), "Journal", "ForwardToSyslog", &v, &err),
        0);
    assert_true(v.set);
    assert_string_equal(v.value, "no");
    assert_int_equal(v.line, 3);
    assert_string_equal(v.commented, "yes");
    assert_int_equal(v.commented_line, 2);
    ld_ini_value_clear(&v);
    assert_int_equal(
        ld_logconf_ini_get("j.conf", text, strlen(text), "Journal", "Storage", &v, &err), 0);
    assert_string_equal(v.value, "persistent");
    assert_int_equal(v.line, 8);
    ld_ini_value_clear(&v);
    /* an empty assignment resets */
    static const char reset[] = "[Journal]\nForwardToSyslog=yes\nForwardToSyslog=\n";
    assert_int_equal(
        ld_logconf_ini_get("j.conf", reset, strlen(reset), "Journal", "ForwardToSyslog", &v, &err),
        0);
    assert_false(v.set);
    assert_int_equal(v.line, 3);
    ld_ini_value_clear(&v);
    /* hostile */
    assert_int_equal(ld_logconf_ini_get("j.conf", "[Journal]\n\0x", 12, "Journal", "X", &v, &err),
                     LD_ERR_CORRUPT);
    size_t n = 70000;
    char *longline = ld_xmalloc(n + 1);
    memset(longline, 'a', n);
    longline[n] = '\0';
    assert_int_equal(ld_logconf_ini_get("j.conf", longline, n, "Journal", "X", &v, &err),
                     LD_ERR_LIMIT);
    /* a backslash at the very end, a section that never closes */
    assert_int_equal(ld_logconf_ini_get("j.conf", "[Journal\nX=1\\", 12, "Journal", "X", &v, &err),
                     0);
    assert_false(v.set);
    free(longline);
    ld_ini_value_clear(&v);

    assert_int_equal(ld_logconf_bool("Yes"), 1);
    assert_int_equal(ld_logconf_bool("off"), 0);
    assert_int_equal(ld_logconf_bool("maybe"), -1);
    assert_int_equal(ld_logconf_bool(NULL), -1);
}

static void loopback_and_urls(void **state)
{
    (void)state;
    const char *loop[] = {
        "localhost", "LOCALHOST.", "relay.localhost",  "127.0.0.1",     "127.1.2.3", "::1",
        "[::1]",     "0.0.0.0",    "::ffff:127.0.0.1", "ip6-localhost", NULL};
    for (const char **p = loop; *p; p++)
        if (!ld_logconf_loopback(*p))
            fail_msg("%s is loopback", *p);
    const char *remote[] = {
        "10.0.0.1", "logs.example.com", "localhost.example.com", "::2", "128.0.0.1", "", "[", NULL};
    for (const char **p = remote; *p; p++)
        if (ld_logconf_loopback(*p))
            fail_msg("%s is not loopback", *p);
    assert_false(ld_logconf_loopback(NULL));
    char *h = ld_logconf_url_host("https://u:p@[::1]:19532/upload");
    assert_string_equal(h, "::1");
    free(h);
    h = ld_logconf_url_host("http://journal.example.com:19532");
    assert_string_equal(h, "journal.example.com");
    free(h);
    assert_null(ld_logconf_url_host("journal.example.com"));
    assert_null(ld_logconf_url_host("https://[::1/"));
    assert_null(ld_logconf_url_host("https:///x"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(debian_defaults_fail),
        cmocka_unit_test(rsyslog_forwarding_passes),
        cmocka_unit_test(rsyslog_not_installed_or_local),
        cmocka_unit_test(unreadable_is_not_assessed),
        cmocka_unit_test(includes_stay_in_root),
        cmocka_unit_test(syslogng),
        cmocka_unit_test(journal_upload),
        cmocka_unit_test(not_applicable_and_no_systemd),
        cmocka_unit_test(rsyslog_forms),
        cmocka_unit_test(rsyslog_hostile),
        cmocka_unit_test(syslogng_forms),
        cmocka_unit_test(syslogng_hostile),
        cmocka_unit_test(ini),
        cmocka_unit_test(loopback_and_urls),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
