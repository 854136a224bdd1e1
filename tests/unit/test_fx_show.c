/* Unit tests for `capture show` (forensics/show_load.c, show_suspicious.c,
 * show_render.c) on bundles built here with the real bundle writer and
 * manifest (bundle.h, manifest.h) holding hand-written JSON artifacts in
 * the formats of proc_collect.h, net_sockets.h and fs_changes.h: every
 * kind of suspicious finding and what must not be one (a daemon under a
 * shell, a memfd process is not also "deleted"), the custody read back,
 * the text sections with control bytes escaped, the JSON rendering parsed
 * back, and hostile or missing artifacts (wrong types, malformed JSON,
 * more entries than the limits, a giant argv, symbolic links planted in
 * the bundle, an artifact the manifest does not list): each one a problem
 * line, never a failure of the whole show. */
#include <errno.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "forensics/bundle.h"
#include "forensics/manifest.h"
#include "forensics/proc_collect.h"
#include "forensics/show.h"
#include "forensics/show_internal.h"
#include "util/mem.h"

#include "test_fx_util.h"

#define CONTAINER_ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* processes/index.json as proc_collect.h writes it (fields abridged where
 * show does not read them; the comm of 108 holds an escape sequence) */
static const char PROCESSES[] =
    "[{\"pid\": 100, \"ppid\": 90, \"nspid\": 1, \"comm\": \"sh\", \"state\": \"S\", \"uid\": 0,"
    "  \"euid\": 0, \"gid\": 0, \"threads\": 1, \"start_ticks\": 5, \"exe\": \"/bin/busybox\","
    "  \"exe_deleted\": false, \"argv\": [\"/bin/sh\", \"-c\", \"httpd; python3 x.py\"],"
    "  \"cwd\": \"/\", \"root\": \"/\", \"exited\": false, \"core\": \"processes/100/core\"},"
    " {\"pid\": 101, \"ppid\": 100, \"comm\": \"httpd\", \"uid\": 33, \"exe\": \"/usr/sbin/httpd\","
    "  \"exe_deleted\": false, \"argv\": [\"httpd\", \"-f\"], \"exited\": false},"
    " {\"pid\": 102, \"ppid\": 100, \"comm\": \"python3\", \"uid\": 0,"
    "  \"exe\": \"/usr/bin/python3.11\", \"exe_deleted\": false,"
    "  \"argv\": [\"python3\", \"x.py\"], \"exited\": false},"
    " {\"pid\": 103, \"ppid\": 1, \"comm\": \"dropper\", \"uid\": 0, \"exe\": \"/tmp/dropper\","
    "  \"exe_deleted\": false, \"argv\": [\"/tmp/dropper\"], \"exited\": false},"
    " {\"pid\": 104, \"ppid\": 1, \"comm\": \"miner\", \"uid\": 0,"
    "  \"exe\": \"/usr/local/bin/miner (deleted)\", \"exe_deleted\": true,"
    "  \"argv\": [\"miner\"], \"exited\": false, \"core\": \"processes/104/core\"},"
    " {\"pid\": 105, \"ppid\": 1, \"comm\": \"3\", \"uid\": 0,"
    "  \"exe\": \"/memfd:payload (deleted)\", \"exe_deleted\": true, \"argv\": [\"x\"],"
    "  \"exited\": false},"
    " {\"pid\": 106, \"ppid\": 1, \"comm\": \"cron\", \"uid\": 0, \"exe\": null,"
    "  \"exe_deleted\": false, \"argv\": [], \"exited\": true, \"exit_note\": \"gone\"},"
    " {\"pid\": 107, \"ppid\": 1, \"comm\": \"bash\", \"uid\": 0, \"exe\": \"/bin/bash\","
    "  \"exe_deleted\": false, \"argv\": [\"bash\", \"-i\"], \"exited\": false},"
    " {\"pid\": 108, \"ppid\": 1, \"comm\": \"ev\\u001b[31mil\", \"uid\": 0,"
    "  \"exe\": \"/usr/bin/tool\", \"exe_deleted\": false, \"argv\": [\"tool\"],"
    "  \"exited\": false},"
    " {\"pid\": 109, \"ppid\": 1, \"comm\": \"busybox\", \"uid\": 0, \"exe\": \"/bin/busybox\","
    "  \"exe_deleted\": false, \"argv\": [\"busybox\", \"sh\", \"-i\"], \"exited\": false},"
    " {\"pid\": 110, \"ppid\": 101, \"comm\": \"node\", \"uid\": 33, \"exe\": \"/usr/bin/node\","
    "  \"exe_deleted\": false, \"argv\": [\"node\", \"app.js\"], \"exited\": false}]";

/* network/sockets.json as net_sockets.h writes it */
static const char SOCKETS[] =
    "[{\"proto\": \"tcp\", \"local\": \"0.0.0.0\", \"local_port\": 80, \"remote\": \"0.0.0.0\","
    "  \"remote_port\": 0, \"state\": \"LISTEN\", \"uid\": 33, \"inode\": 11,"
    "  \"owners\": [{\"pid\": 101, \"fd\": 3}]},"
    " {\"proto\": \"tcp\", \"local\": \"172.17.0.2\", \"local_port\": 40000,"
    "  \"remote\": \"10.9.9.9\", \"remote_port\": 4444, \"state\": \"ESTABLISHED\", \"uid\": 0,"
    "  \"inode\": 12, \"owners\": [{\"pid\": 102, \"fd\": 0}, {\"pid\": 102, \"fd\": 1}]},"
    " {\"proto\": \"udp\", \"local\": \"172.17.0.2\", \"local_port\": 5000,"
    "  \"remote\": \"10.9.9.9\", \"remote_port\": 53, \"state\": \"ESTABLISHED\", \"uid\": 0,"
    "  \"inode\": 16, \"owners\": [{\"pid\": 102, \"fd\": 7}]},"
    " {\"proto\": \"tcp6\", \"local\": \"::\", \"local_port\": 31337, \"remote\": \"::\","
    "  \"remote_port\": 0, \"state\": \"LISTEN\", \"uid\": 0, \"inode\": 13,"
    "  \"owners\": [{\"pid\": 107, \"fd\": 5}]},"
    " {\"proto\": \"udp\", \"local\": \"0.0.0.0\", \"local_port\": 5353, \"remote\": \"0.0.0.0\","
    "  \"remote_port\": 0, \"state\": \"CLOSE\", \"uid\": 0, \"inode\": 14,"
    "  \"owners\": [{\"pid\": 109, \"fd\": 4}]},"
    " {\"proto\": \"tcp\", \"local\": \"0.0.0.0\", \"local_port\": 3000, \"remote\": \"0.0.0.0\","
    "  \"remote_port\": 0, \"state\": \"LISTEN\", \"uid\": 33, \"inode\": 17,"
    "  \"owners\": [{\"pid\": 110, \"fd\": 20}]},"
    " {\"proto\": \"unix\", \"path\": \"/run/app.sock\", \"type\": \"stream\","
    "  \"state\": \"LISTEN\", \"inode\": 15, \"owners\": [{\"pid\": 100, \"fd\": 9}]}]";

/* filesystem/changes.json as fs_changes.h writes it */
static const char CHANGES[] =
    "{\"upperdir\": \"/var/lib/docker/overlay2/x/diff\", \"lowerdirs\": 2,"
    " \"changes\": ["
    "  {\"path\": \"/tmp/dropper\", \"change\": \"added\", \"type\": \"file\", \"mode\": \"0755\","
    "   \"uid\": 0, \"gid\": 0, \"size\": 4096, \"mtime\": \"2024-01-01T00:00:00Z\","
    "   \"sha256\": \"00\", \"executable\": true},"
    "  {\"path\": \"/etc/passwd\", \"change\": \"changed\", \"type\": \"file\", \"size\": 900},"
    "  {\"path\": \"/etc/motd\", \"change\": \"deleted\", \"type\": \"whiteout\"},"
    "  {\"path\": \"/tmp/notes.txt\", \"change\": \"added\", \"type\": \"file\", \"size\": 3},"
    "  {\"path\": \"/usr/bin/tool\", \"change\": \"changed\", \"type\": \"file\", \"size\": 77,"
    "   \"executable\": true},"
    "  {\"path\": \"/opt/app\", \"change\": \"replaced\", \"type\": \"dir\", \"opaque\": true}],"
    " \"counts\": {\"added\": 2, \"changed\": 2, \"deleted\": 1, \"replaced\": 1}}";

typedef struct {
    char *tmp;
    char *bundle;
} fixture;

static int setup(void **state)
{
    fixture *f = ld_xcalloc(1, sizeof(*f));
    f->tmp = fx_tmpdir();
    f->bundle = fx_path(f->tmp, "bundle");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    fx_rmtree(f->tmp);
    free(f->tmp);
    free(f->bundle);
    free(f);
    return 0;
}

typedef struct {
    const char *processes, *sockets, *changes;
    const char *cut_note; /* processes/index.json marked cut at a cap */
} artifacts;

static void put(ld_fx_bundle *b, const char *path, const char *kind, const char *text,
                const char *cut_note)
{
    ld_error err = LD_ERROR_INIT;
    if (!text)
        return;
    if (!cut_note) {
        if (ld_fx_bundle_write_file(b, path, kind, text, strlen(text), &err) < 0)
            fail_msg("%s: %s", path, err.msg);
        return;
    }
    ld_fx_artifact *a = NULL;
    assert_int_equal(ld_fx_artifact_open(b, path, kind, &a, &err), 0);
    assert_int_equal(ld_fx_artifact_write(a, text, strlen(text), &err), 0);
    ld_fx_artifact_note(a, true, "%s", cut_note);
    assert_int_equal(ld_fx_artifact_close(a, &err), 0);
}

/* A bundle at f->bundle with these artifacts and a manifest. */
static void make_bundle(const fixture *f, const artifacts *a)
{
    ld_error err = LD_ERROR_INIT;
    ld_fx_bundle *b = ld_fx_bundle_create(f->bundle, &err);
    if (!b)
        fail_msg("bundle: %s", err.msg);
    put(b, "processes/index.json", LD_FX_KIND_PROCESSES, a->processes, a->cut_note);
    put(b, "network/sockets.json", LD_FX_KIND_SOCKETS, a->sockets, NULL);
    put(b, "filesystem/changes.json", LD_FX_KIND_CHANGES, a->changes, NULL);
    ld_fx_bundle_note(b, "process 4242 exited during the capture");
    ld_fx_custody c = {.tool_version = "9.9-show-test",
                       .hostname = "host-under-test",
                       .user_name = "responder",
                       .loginuid = (uint32_t)-1,
                       .started_ns = 1700000000000000000LL,
                       .ended_ns = 1700000009000000000LL};
    c.freeze.method = LD_FX_FREEZE_CGROUP_V1;
    c.freeze.frozen_ns = 1700000001000000000LL;
    c.freeze.thawed_ns = 1700000001250000000LL;
    c.freeze.interval_ns = 250000000;
    c.freeze.thawed_by = "lockdown";
    ld_fx_container_info ci = {.id = CONTAINER_ID,
                               .name = "web",
                               .image = "lockdown-test/busybox:1",
                               .image_id = "sha256:" CONTAINER_ID};
    ld_fx_capture_options_record o = {.memory = "anon", .freeze = true};
    if (ld_fx_manifest_write(b, &c, &ci, &o, NULL, &err) < 0)
        fail_msg("manifest: %s", err.msg);
    ld_fx_bundle_free(b);
}

static void load(const fixture *f, ld_fx_show *s)
{
    ld_error err = LD_ERROR_INIT;
    if (ld_fx_show_load(f->bundle, s, &err) < 0)
        fail_msg("show: %s", err.msg);
}

static const ld_fx_show_process *proc(const ld_fx_show *s, int64_t pid)
{
    for (size_t i = 0; i < s->n_procs; i++)
        if (s->procs[i].pid == pid)
            return &s->procs[i];
    return NULL;
}

static size_t count_kind(const ld_fx_show *s, const char *kind)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_suspicious; i++)
        n += strcmp(s->suspicious[i].kind, kind) == 0;
    return n;
}

static const ld_fx_suspicious *finding(const ld_fx_show *s, const char *kind, const char *subject)
{
    for (size_t i = 0; i < s->n_suspicious; i++)
        if (strcmp(s->suspicious[i].kind, kind) == 0 &&
            strcmp(s->suspicious[i].subject, subject) == 0)
            return &s->suspicious[i];
    return NULL;
}

static bool has_problem(const ld_fx_show *s, const char *part)
{
    for (size_t i = 0; i < s->n_problems; i++)
        if (strstr(s->problems[i], part))
            return true;
    return false;
}

static char *render_text(const ld_fx_show *s, size_t max_changes)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_int_equal(ld_fx_show_render_text(s, out, max_changes), 0);
    fclose(out);
    return buf;
}

static json_t *render_json(const ld_fx_show *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_int_equal(ld_fx_show_render_json(s, out), 0);
    fclose(out);
    json_error_t je;
    json_t *root = json_loadb(buf, len, 0, &je);
    if (!root)
        fail_msg("show JSON does not parse: %s (line %d)", je.text, je.line);
    free(buf);
    return root;
}

static void test_full_bundle_findings(void **state)
{
    fixture *f = *state;
    artifacts a = {PROCESSES, SOCKETS, CHANGES, NULL};
    make_bundle(f, &a);
    ld_fx_show s;
    load(f, &s);
    assert_int_equal(s.n_problems, 0);
    assert_int_equal(s.n_procs, 11);
    assert_int_equal(s.n_sockets, 7);
    assert_int_equal(s.n_changes, 6);
    assert_int_equal(s.added, 2);
    assert_int_equal(s.changed, 2);
    assert_int_equal(s.deleted, 1);
    assert_int_equal(s.replaced, 1);
    /* custody from the manifest */
    assert_string_equal(s.manifest.container_name, "web");
    assert_string_equal(s.manifest.hostname, "host-under-test");
    assert_int_equal(s.manifest.frozen_ns_interval, 250000000);

    const ld_fx_show_process *init = proc(&s, 100);
    assert_string_equal(init->cmdline, "/bin/sh -c httpd; python3 x.py");
    assert_string_equal(init->core, "processes/100/core");
    assert_int_equal(init->uid, 0);
    assert_int_equal(init->ppid, 90);

    /* executables not in the image: the two files, and the processes running them */
    assert_non_null(finding(&s, "executable-not-in-image", "/tmp/dropper"));
    assert_non_null(finding(&s, "executable-not-in-image", "/usr/bin/tool"));
    assert_null(finding(&s, "executable-not-in-image", "/tmp/notes.txt")); /* not executable */
    assert_non_null(finding(&s, "executable-not-in-image", "pid 103 (dropper)"));
    assert_true(proc(&s, 103)->exe_not_in_image);
    assert_true(proc(&s, 108)->exe_not_in_image);
    assert_false(proc(&s, 101)->exe_not_in_image);
    assert_int_equal(count_kind(&s, "executable-not-in-image"), 4);

    /* deleted executable (with its core named), memfd not counted as deleted too */
    const ld_fx_suspicious *del = finding(&s, "deleted-executable-running", "pid 104 (miner)");
    assert_non_null(del);
    assert_non_null(strstr(del->detail, "processes/104/core"));
    assert_true(proc(&s, 104)->exe_deleted);
    assert_true(proc(&s, 105)->exe_memfd);
    assert_false(proc(&s, 105)->exe_deleted);
    assert_int_equal(count_kind(&s, "deleted-executable-running"), 1);
    assert_non_null(finding(&s, "memfd-executable", "pid 105 (3)"));
    assert_int_equal(count_kind(&s, "memfd-executable"), 1);

    /* shells with sockets: bash listening, python3 started by sh connected out, busybox sh
     * with a udp socket; httpd under the same sh is a daemon, not a finding */
    const ld_fx_suspicious *py = finding(&s, "shell-with-socket", "pid 102 (python3)");
    assert_non_null(py);
    assert_non_null(strstr(py->detail, "pid 100 (sh)"));
    assert_non_null(strstr(py->detail, "10.9.9.9:4444"));
    /* fd 0 and fd 1 are one socket; the udp one is the one more */
    assert_non_null(strstr(py->detail, "(and 1 more)"));
    const ld_fx_suspicious *bash = finding(&s, "shell-with-socket", "pid 107 (bash)");
    assert_non_null(bash);
    assert_non_null(strstr(bash->detail, "[::]:31337"));
    assert_non_null(finding(&s, "shell-with-socket", "pid 109 (busybox)"));
    assert_null(finding(&s, "shell-with-socket", "pid 101 (httpd)"));
    /* an interpreter started by a daemon, not by a shell */
    assert_null(finding(&s, "shell-with-socket", "pid 110 (node)"));
    assert_null(finding(&s, "shell-with-socket", "pid 100 (sh)")); /* a unix socket only */
    assert_int_equal(count_kind(&s, "shell-with-socket"), 3);

    /* partial evidence: the process that exited */
    assert_non_null(finding(&s, "partial-evidence", "pid 106 (cron)"));
    assert_int_equal(count_kind(&s, "partial-evidence"), 1);
    ld_fx_show_clear(&s);
}

static void test_render_text(void **state)
{
    fixture *f = *state;
    artifacts a = {PROCESSES, SOCKETS, CHANGES, NULL};
    make_bundle(f, &a);
    ld_fx_show s;
    load(f, &s);
    char *text = render_text(&s, 0);
    const char *sections[] = {
        "Custody\n",
        "\nProcesses (11)\n",
        "\nConnections (7)\n",
        ("\nFile system changes: 2 added, 2 changed, 1 deleted, 1 replaced\n"),
        "\nSuspicious (",
        "\nProblems (0)\n",
    };
    const char *at = text;
    for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
        const char *p = strstr(at, sections[i]);
        if (!p)
            fail_msg("section %s missing or out of order in:\n%s", sections[i], text);
        at = p;
    }
    assert_non_null(strstr(text, "9.9-show-test"));
    assert_non_null(strstr(text, "web (0123456789ab)"));
    assert_non_null(strstr(text, "250.000 ms"));
    assert_non_null(strstr(text, "process 4242 exited during the capture"));
    assert_non_null(strstr(text, "/tmp/dropper  (executable)"));
    assert_non_null(strstr(text, "172.17.0.2:40000"));
    assert_non_null(strstr(text, "/run/app.sock"));
    assert_null(strstr(text, "102,102")); /* two fds of one process: one owner */
    /* the escape sequence in a comm is shown, not sent to the terminal */
    assert_null(strchr(text, 0x1b));
    assert_non_null(strstr(text, "ev\\x1b[31mil"));
    for (const char *p = text; *p; p++)
        assert_true((unsigned char)*p >= 0x20 || *p == '\n');
    free(text);

    /* a cap on the list of changes says how many more */
    text = render_text(&s, 2);
    assert_non_null(strstr(text, "and 4 more"));
    assert_null(strstr(text, "/opt/app"));
    free(text);
    ld_fx_show_clear(&s);
}

static void test_render_json(void **state)
{
    fixture *f = *state;
    artifacts a = {PROCESSES, SOCKETS, CHANGES, NULL};
    make_bundle(f, &a);
    ld_fx_show s;
    load(f, &s);
    json_t *root = render_json(&s);
    assert_int_equal(json_array_size(json_object_get(root, "processes")), s.n_procs);
    assert_int_equal(json_array_size(json_object_get(root, "connections")), s.n_sockets);
    json_t *changes = json_object_get(root, "changes");
    assert_int_equal(json_array_size(json_object_get(changes, "items")), 6);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(changes, "counts"), "added")), 2);
    assert_int_equal(json_array_size(json_object_get(root, "suspicious")), s.n_suspicious);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(root, "container"), "id")), CONTAINER_ID);
    /* the comm comes back byte for byte through JSON's own escaping */
    json_t *p = json_array_get(json_object_get(root, "processes"), 8);
    assert_string_equal(json_string_value(json_object_get(p, "comm")), "ev\x1b[31mil");
    assert_true(json_is_true(json_object_get(p, "exe_not_in_image")));
    json_t *sus = json_array_get(json_object_get(root, "suspicious"), 0);
    assert_string_equal(json_string_value(json_object_get(sus, "kind")), "executable-not-in-image");
    json_decref(root);
    ld_fx_show_clear(&s);
}

static void test_missing_artifacts(void **state)
{
    fixture *f = *state;
    artifacts a = {0};
    make_bundle(f, &a);
    ld_fx_show s;
    load(f, &s);
    assert_int_equal(s.n_procs, 0);
    assert_int_equal(s.n_problems, 3);
    assert_true(has_problem(&s, "processes/index.json: missing from the bundle"));
    assert_true(has_problem(&s, "network/sockets.json: missing from the bundle"));
    assert_true(has_problem(&s, "filesystem/changes.json: missing from the bundle"));
    char *text = render_text(&s, 0);
    assert_non_null(strstr(text, "Problems (3)"));
    free(text);
    json_decref(render_json(&s));
    ld_fx_show_clear(&s);

    /* listed in the manifest, then removed */
    fx_rmtree(f->bundle);
    artifacts b = {PROCESSES, NULL, NULL, NULL};
    make_bundle(f, &b);
    char *path = fx_path(f->bundle, "processes/index.json");
    assert_int_equal(unlink(path), 0);
    free(path);
    load(f, &s);
    assert_true(has_problem(&s, "processes/index.json: missing from the bundle (the manifest "
                                "lists it)"));
    ld_fx_show_clear(&s);
}

static void test_no_manifest(void **state)
{
    fixture *f = *state;
    assert_int_equal(mkdir(f->bundle, 0700), 0);
    ld_fx_show s;
    ld_error err = LD_ERROR_INIT;
    assert_true(ld_fx_show_load(f->bundle, &s, &err) < 0);
    assert_int_equal(err.code, LD_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, f->bundle));
    assert_true(ld_fx_show_load("/nonexistent-ld-show/b", &s, &err) < 0);
    assert_int_equal(err.code, LD_ERR_NOT_FOUND);
}

static void test_wrong_types(void **state)
{
    fixture *f = *state;
    artifacts a = {
        "[1, {\"pid\": \"100\"}, {\"pid\": 5, \"comm\": 7}, {\"pid\": 6, \"argv\": \"sh\"},"
        " {\"pid\": 7, \"argv\": [\"a\", 1]}, {\"pid\": 8, \"exited\": \"yes\"},"
        " {\"pid\": -3}, {\"pid\": 9, \"pid\": 10}, {\"comm\": \"nopid\"},"
        " {\"pid\": 11, \"comm\": {\"deep\": [[[[[[[[1]]]]]]]]}},"
        " {\"pid\": 12, \"comm\": \"ok\", \"unknown\": {\"anything\": [1, 2]}}]",
        "{\"proto\": \"tcp\"}",
        "{\"changes\": [{\"path\": 1, \"change\": \"added\"}, {\"path\": \"/x\", \"change\":"
        " \"exploded\"}, {\"path\": \"/y\", \"change\": \"added\", \"size\": -1},"
        " {\"path\": \"/z\", \"change\": \"added\", \"executable\": \"yes\"},"
        " {\"path\": \"/ok\", \"change\": \"deleted\"}], \"counts\": \"many\"}",
        NULL};
    make_bundle(f, &a);
    ld_fx_show s;
    load(f, &s);
    assert_int_equal(s.n_procs, 1);
    assert_int_equal(s.procs[0].pid, 12);
    assert_string_equal(s.procs[0].comm, "ok");
    assert_true(has_problem(&s, "processes/index.json: 10 of 11 entries not read (first: entry 0: "
                                "not an object)"));
    assert_int_equal(s.n_sockets, 0);
    assert_true(has_problem(&s, "network/sockets.json: not a JSON array"));
    assert_int_equal(s.n_changes, 1);
    assert_string_equal(s.changes[0].path, "/ok");
    assert_true(has_problem(&s, "filesystem/changes.json: 4 of 5 entries not read (first: entry "
                                "0: path: not a string)"));
    /* counts that are not counts: counted from the list */
    assert_true(has_problem(&s, "\"counts\" is not four counts"));
    assert_int_equal(s.deleted, 1);
    assert_int_equal(s.added, 0);
    ld_fx_show_clear(&s);
}

static void test_each_wrong_process_field(void **state)
{
    (void)state;
    /* each entry alone, so the reason of each is the first one */
    const char *cases[][2] = {
        {"[{\"pid\": \"100\"}]", "entry 0: pid: not an integer"},
        {"[{\"pid\": 5, \"comm\": 7}]", "entry 0: comm: not a string"},
        {"[{\"pid\": 6, \"argv\": \"sh\"}]", "entry 0: argv: not an array"},
        {"[{\"pid\": 7, \"argv\": [\"a\", 1]}]", "entry 0: argv[1]: not a string"},
        {"[{\"pid\": 8, \"exited\": \"yes\"}]", "entry 0: exited: not true or false"},
        {"[{\"pid\": -3}]", "entry 0: pid: -3 is out of range"},
        {"[{\"pid\": 9, \"pid\": 10}]", "entry 0: pid: given twice"},
        {"[{\"comm\": \"nopid\"}]", "entry 0: pid: missing"},
        {"[{\"pid\": 9, \"uid\": 1.5}]", "entry 0: uid: not an integer"},
        {"[{\"pid\": 99999999999999999999999}]", "entry 0: pid"},
        {"[{\"pid\": 11, \"comm\": {\"a\": [[[[[[[[1]]]]]]]]}}]", "entry 0: comm"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ld_fx_show s = {0};
        ld_fx_show_read_processes(&s, "p.json", cases[i][0], strlen(cases[i][0]));
        assert_int_equal(s.n_procs, 0);
        assert_int_equal(s.n_problems, 1);
        if (!strstr(s.problems[0], cases[i][1]))
            fail_msg("case %zu: %s: want \"%s\"", i, s.problems[0], cases[i][1]);
        ld_fx_show_clear(&s);
    }
}

static void test_malformed_json(void **state)
{
    (void)state;
    ld_fx_show s = {0};
    const char *cut = "[{\"pid\": 1, \"comm\": \"a\"}, {\"pid\": 2, \"comm\": \"b\"";
    ld_fx_show_read_processes(&s, "processes/index.json", cut, strlen(cut));
    assert_int_equal(s.n_procs, 1); /* what came before is kept */
    assert_true(has_problem(&s, "malformed JSON at byte"));
    ld_fx_show_clear(&s);

    const char *trailing = "[{\"proto\": \"tcp\"}] [\"again\"]";
    ld_fx_show_read_sockets(&s, "network/sockets.json", trailing, strlen(trailing));
    assert_int_equal(s.n_sockets, 1);
    assert_true(has_problem(&s, "bytes after the JSON value"));
    ld_fx_show_clear(&s);

    const char *empty = "";
    ld_fx_show_read_changes(&s, "filesystem/changes.json", empty, 0);
    assert_true(has_problem(&s, "not a JSON object"));
    ld_fx_show_clear(&s);

    const char *nolist = "{\"counts\": {\"added\": 1, \"changed\": 0, \"deleted\": 0, "
                         "\"replaced\": 0}}";
    ld_fx_show_read_changes(&s, "filesystem/changes.json", nolist, strlen(nolist));
    assert_true(has_problem(&s, "no \"changes\" list"));
    assert_int_equal(s.added, 1);
    ld_fx_show_clear(&s);

    const char *bad_owner = "[{\"proto\": \"tcp\", \"owners\": [{\"pid\": \"x\"}]},"
                            " {\"proto\": \"udp\", \"local_port\": 70000}]";
    ld_fx_show_read_sockets(&s, "network/sockets.json", bad_owner, strlen(bad_owner));
    assert_int_equal(s.n_sockets, 0);
    assert_true(has_problem(&s, "2 of 2 entries not read (first: entry 0: owners[0].pid: not an "
                                "integer)"));
    ld_fx_show_clear(&s);
}

static void test_huge_arrays_bounded(void **state)
{
    (void)state;
    /* more processes than a container can have: the first LD_FX_PIDS_MAX are read */
    size_t n = (size_t)LD_FX_PIDS_MAX + 5, cap = n * 16 + 16, len = 0;
    char *buf = ld_xmalloc(cap);
    buf[len++] = '[';
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%s{\"pid\":%zu}", i ? "," : "", i + 1);
    buf[len++] = ']';
    ld_fx_show s = {0};
    ld_fx_show_read_processes(&s, "processes/index.json", buf, len);
    assert_int_equal(s.n_procs, LD_FX_PIDS_MAX);
    assert_true(has_problem(&s, "more than 65536 processes; the rest not read"));
    ld_fx_show_clear(&s);
    free(buf);

    /* a process with a giant argv is still shown, its command line cut */
    size_t args = 300000;
    cap = args * 8 + 64;
    buf = ld_xmalloc(cap);
    len = (size_t)snprintf(buf, cap, "[{\"pid\": 4, \"comm\": \"big\", \"argv\": [");
    for (size_t i = 0; i < args; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%s\"arg\"", i ? "," : "");
    len += (size_t)snprintf(buf + len, cap - len, "]}]");
    ld_fx_show_read_processes(&s, "processes/index.json", buf, len);
    assert_int_equal(s.n_problems, 0);
    assert_int_equal(s.n_procs, 1);
    size_t cl = strlen(s.procs[0].cmdline);
    assert_true(cl <= LD_FX_SHOW_CMDLINE_MAX + 4);
    assert_true(cl >= LD_FX_SHOW_CMDLINE_MAX - 4);
    assert_string_equal(s.procs[0].cmdline + cl - 4, " ...");
    ld_fx_show_clear(&s);
    free(buf);

    /* one socket claiming more owners than there can be processes is skipped */
    n = (size_t)LD_FX_PIDS_MAX + 2;
    cap = n * 24 + 64;
    buf = ld_xmalloc(cap);
    len = (size_t)snprintf(buf, cap, "[{\"proto\": \"tcp\", \"owners\": [");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%s{\"pid\":1}", i ? "," : "");
    len += (size_t)snprintf(buf + len, cap - len, "]}, {\"proto\": \"udp\"}]");
    ld_fx_show_read_sockets(&s, "network/sockets.json", buf, len);
    assert_int_equal(s.n_sockets, 1);
    assert_string_equal(s.sockets[0].proto, "udp");
    assert_true(has_problem(&s, "1 of 2 entries not read"));
    ld_fx_show_clear(&s);
    free(buf);

    /* deep nesting is refused without recursion */
    size_t depth = 100000;
    buf = ld_xmalloc(2 * depth + 16);
    len = 0;
    buf[len++] = '[';
    for (size_t i = 0; i < depth; i++)
        buf[len++] = '[';
    for (size_t i = 0; i < depth; i++)
        buf[len++] = ']';
    buf[len++] = ']';
    ld_fx_show_read_sockets(&s, "network/sockets.json", buf, len);
    assert_int_equal(s.n_sockets, 0);
    assert_true(has_problem(&s, "1 of 1 entries not read (first: entry 0: not an object)"));
    ld_fx_show_clear(&s);
    free(buf);
}

static void test_links_planted(void **state)
{
    fixture *f = *state;
    artifacts a = {PROCESSES, SOCKETS, CHANGES, NULL};
    make_bundle(f, &a);
    /* a file outside the bundle with valid content, linked in place of an artifact */
    char *outside = fx_path(f->tmp, "outside.json");
    FILE *fp = fopen(outside, "w");
    fputs("[{\"proto\": \"tcp\", \"local\": \"6.6.6.6\"}]", fp);
    fclose(fp);
    char *sockets = fx_path(f->bundle, "network/sockets.json");
    assert_int_equal(unlink(sockets), 0);
    assert_int_equal(symlink(outside, sockets), 0);
    /* a directory of the bundle replaced by a link to one outside */
    char *fsdir = fx_path(f->bundle, "filesystem");
    char *elsewhere = fx_path(f->tmp, "elsewhere");
    assert_int_equal(mkdir(elsewhere, 0700), 0);
    char *moved = fx_path(elsewhere, "changes.json");
    char *orig = fx_path(fsdir, "changes.json");
    assert_int_equal(rename(orig, moved), 0);
    assert_int_equal(rmdir(fsdir), 0);
    assert_int_equal(symlink(elsewhere, fsdir), 0);

    ld_fx_show s;
    load(f, &s);
    assert_int_equal(s.n_sockets, 0);
    assert_int_equal(s.n_changes, 0);
    assert_true(has_problem(&s, "network/sockets.json: a symbolic link in its path; not read"));
    assert_true(has_problem(&s, "filesystem/changes.json: a symbolic link in its path; not read"));
    assert_int_equal(s.n_procs, 11); /* the rest is still shown */
    ld_fx_show_clear(&s);

    /* a link that stays inside the bundle is refused too: a bundle holds none */
    char *procdir = fx_path(f->bundle, "processes");
    char *decoy = fx_path(f->bundle, "decoy");
    assert_int_equal(rename(procdir, decoy), 0);
    assert_int_equal(symlink("decoy", procdir), 0);
    load(f, &s);
    assert_int_equal(s.n_procs, 0);
    assert_true(has_problem(&s, "processes/index.json: a symbolic link in its path; not read"));
    ld_fx_show_clear(&s);
    free(procdir);
    free(decoy);

    /* a fifo in place of an artifact does not block */
    assert_int_equal(unlink(sockets), 0);
    assert_int_equal(mkfifo(sockets, 0600), 0);
    load(f, &s);
    assert_true(has_problem(&s, "network/sockets.json: not a regular file"));
    ld_fx_show_clear(&s);
    free(outside);
    free(sockets);
    free(fsdir);
    free(elsewhere);
    free(moved);
    free(orig);
}

static void test_partial_evidence(void **state)
{
    fixture *f = *state;
    const char *changes =
        "{\"changes\": [{\"path\": \"/a\", \"change\": \"added\"}],"
        " \"counts\": {\"added\": 9, \"changed\": 0, \"deleted\": 0, \"replaced\": 0},"
        " \"truncated\": true, \"note\": \"stopped at 2000000 entries\"}";
    artifacts a = {PROCESSES, SOCKETS, changes, "stopped at 4194304 bytes (cap)"};
    make_bundle(f, &a);
    ld_fx_show s;
    load(f, &s);
    const ld_fx_suspicious *cut = finding(&s, "partial-evidence", "processes/index.json");
    assert_non_null(cut);
    assert_non_null(strstr(cut->detail, "stopped at 4194304 bytes (cap)"));
    const ld_fx_suspicious *list = finding(&s, "partial-evidence", "filesystem/changes.json");
    assert_non_null(list);
    assert_non_null(strstr(list->detail, "stopped at 2000000 entries"));
    assert_non_null(finding(&s, "partial-evidence", "pid 106 (cron)"));
    assert_int_equal(count_kind(&s, "partial-evidence"), 3);
    /* the counts are the file's (the list is cut) */
    assert_int_equal(s.added, 9);
    /* partial evidence is listed after the other findings */
    bool partial_seen = false;
    for (size_t i = 0; i < s.n_suspicious; i++) {
        bool partial = strcmp(s.suspicious[i].kind, "partial-evidence") == 0;
        assert_false(partial_seen && !partial);
        partial_seen = partial_seen || partial;
    }
    assert_string_equal(s.suspicious[0].kind, "deleted-executable-running");
    ld_fx_show_clear(&s);
}

/* A password on a process's command line stays in the bundle (evidence)
 * but is masked in what show prints, text and JSON. */
static void test_secrets_masked(void **state)
{
    fixture *f = *state;
    const char *procs = "[{\"pid\": 7, \"ppid\": 1, \"uid\": 0, \"comm\": \"mysqladmin\","
                        " \"exe\": \"/usr/bin/mysqladmin\", \"argv\": [\"mysqladmin\","
                        " \"--password=Zq8vLk2pWx9mRt4n\", \"status\"]}]";
    artifacts a = {procs, NULL, NULL, NULL};
    make_bundle(f, &a);
    ld_fx_show s;
    load(f, &s);
    assert_int_equal(s.n_procs, 1);
    assert_non_null(strstr(s.procs[0].cmdline, "Zq8vLk2pWx9mRt4n")); /* loaded as it is */
    char *text = render_text(&s, 0);
    assert_null(strstr(text, "Zq8vLk2pWx9mRt4n"));
    assert_non_null(strstr(text, "mysqladmin --password="));
    free(text);
    json_t *root = render_json(&s);
    char *dump = json_dumps(root, 0);
    assert_null(strstr(dump, "Zq8vLk2pWx9mRt4n"));
    free(dump);
    json_decref(root);
    ld_fx_show_clear(&s);
}

static void test_not_in_manifest(void **state)
{
    fixture *f = *state;
    artifacts a = {PROCESSES, NULL, NULL, NULL};
    make_bundle(f, &a);
    char *dir = fx_path(f->bundle, "network");
    assert_int_equal(mkdir(dir, 0700), 0);
    char *path = fx_path(f->bundle, "network/sockets.json");
    FILE *fp = fopen(path, "w");
    fputs(SOCKETS, fp);
    fclose(fp);
    ld_fx_show s;
    load(f, &s);
    assert_int_equal(s.n_sockets, 7);
    assert_true(has_problem(&s, "network/sockets.json: not listed in the manifest"));
    ld_fx_show_clear(&s);
    free(dir);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_full_bundle_findings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_render_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_render_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_artifacts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_manifest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_types, setup, teardown),
        cmocka_unit_test(test_each_wrong_process_field),
        cmocka_unit_test(test_malformed_json),
        cmocka_unit_test(test_huge_arrays_bounded),
        cmocka_unit_test_setup_teardown(test_links_planted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partial_evidence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secrets_masked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_in_manifest, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
