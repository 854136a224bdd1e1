/* libFuzzer target for Falco rule files (runtime/rules_load.c,
 * rules_exceptions.c, rules_compile.c, rules_output.c). The input is one
 * rule file, loaded after a small base file (so append, override and
 * enabled-only items have something to change), then compiled. A file is
 * either refused with a message, or compiles with diagnostics (then no rule
 * is usable), or compiles: then every rule matches synthetic events (exec,
 * open, connect, mount, engine event; in a container and on the host) the
 * same way twice and only for the event types it asked for, and every
 * output expands into a terminated buffer with no control character, even
 * a small one. The second half of the input is also loaded as a file of
 * its own after the first, to merge two hostile files.
 * Seeds: tests/fuzz/corpus/rule_file/. Replay: ./fuzz_rule_file FILE. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "runtime/rules.h"
#include "util/mem.h"
#include "../unit/test_rt_fake_procs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char base_rules[] = "- list: shells\n"
                                 "  items: [sh, bash]\n"
                                 "- macro: container\n"
                                 "  condition: container.id != host\n"
                                 "- rule: Base\n"
                                 "  desc: base rule\n"
                                 "  condition: evt.type = execve and container and proc.name in "
                                 "(shells)\n"
                                 "  output: shell %proc.name in %container.name\n"
                                 "  priority: NOTICE\n"
                                 "  tags: [container, shell]\n"
                                 "  exceptions:\n"
                                 "    - name: known\n"
                                 "      fields: [proc.name, container.image.repository]\n";

static ld_rt_container ct_app = {
    .id = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
    .name = "app\x1b[2J",
    .image = "registry.example:5000/app:1",
    .runtime = "docker",
    .known = true,
};
static ld_rt_container ct_host = {.id = "host"};

static void make_events(ld_rt_event *ev, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        memset(&ev[i], 0, sizeof ev[i]);
        ld_rt_event_reset(&ev[i]);
        ev[i].pid = ev[i].tid = 1234;
        ev[i].ppid = 100;
        ev[i].uid = 1000;
        ev[i].ts_ns = 1764842400000000000ull;
        snprintf(ev[i].comm, sizeof ev[i].comm, "sh");
        snprintf(ev[i].cmdline, sizeof ev[i].cmdline, "sh -c \x07id\\x");
        snprintf(ev[i].exepath, sizeof ev[i].exepath, "/bin/sh");
    }
    ev[0].type = LD_EVT_EXECVE;
    ev[1].type = LD_EVT_OPENAT;
    snprintf(ev[1].path, sizeof ev[1].path, "/etc/shadow");
    ev[1].open_flags = O_RDWR;
    ev[2].type = LD_EVT_CONNECT;
    ev[2].sock.family = AF_INET;
    ev[2].sock.port = 443;
    inet_pton(AF_INET, "192.0.2.1", ev[2].sock.addr);
    ev[3].type = LD_EVT_MOUNT;
    snprintf(ev[3].path, sizeof ev[3].path, "/mnt");
    snprintf(ev[3].fstype, sizeof ev[3].fstype, "tmpfs");
    ev[4].type = LD_EVT_CONTAINER;
    snprintf(ev[4].container_id, sizeof ev[4].container_id, "%s", ct_app.id);
    ev[4].container_privileged = true;
    ev[5].type = LD_EVT_SETUID;
    ev[5].target_uid = 0;
}

static void check_output(const ld_rt_ruleset *rs, size_t i, const ld_rt_field_ctx *ctx)
{
    static const size_t sizes[] = {1, 7, 64, 4096};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        char *buf = ld_xmalloc(sizes[s]);
        memset(buf, 'Z', sizes[s]);
        ld_rt_rules_format_output(rs, i, ctx, buf, sizes[s]);
        size_t len = strnlen(buf, sizes[s]);
        if (len >= sizes[s])
            abort(); /* not terminated */
        for (size_t k = 0; k < len; k++)
            if ((unsigned char)buf[k] < 0x20 || buf[k] == 0x7f)
                abort(); /* a control character reached the output */
        free(buf);
    }
}

static void exercise(const ld_rt_ruleset *rs)
{
    size_t n = ld_rt_rules_count(rs);
    for (size_t i = 0; i < n; i++) {
        const ld_rt_rule *r = ld_rt_rules_get(rs, i);
        if (!r || !r->name || !r->output || !r->tags || !r->file)
            abort();
        if (r->priority < LD_RT_PRIO_EMERGENCY || r->priority > LD_RT_PRIO_DEBUG)
            abort();
    }
    if (ld_rt_rules_get(rs, n))
        abort();
    ld_rt_event ev[6];
    make_events(ev, 6);
    const ld_rt_container *cts[2] = {&ct_app, &ct_host};
    for (size_t c = 0; c < 2; c++)
        for (size_t k = 0; k < 6; k++) {
            ld_rt_field_ctx ctx = {.evt = &ev[k], .container = cts[c], .procs = &fake_table};
            size_t hits[16], again[16];
            size_t h = ld_rt_rules_match(rs, &ctx, hits, 16);
            size_t h2 = ld_rt_rules_match(rs, &ctx, again, 16);
            if (h != h2 || h > n)
                abort();
            if (h && !ld_rt_rules_wants(rs, ev[k].type))
                abort();
            for (size_t j = 0; j < h && j < 16; j++) {
                if (hits[j] != again[j] || hits[j] >= n)
                    abort();
                check_output(rs, hits[j], &ctx);
            }
            if (k == 0 && c == 0)
                for (size_t i = 0; i < n && i < 8; i++)
                    check_output(rs, i, &ctx);
        }
}

static void one(const char *a, size_t alen, const char *b, size_t blen)
{
    ld_rt_ruleset *rs = ld_rt_rules_new();
    ld_error err = LD_ERROR_INIT;
    if (ld_rt_rules_load_buffer(rs, "base.yaml", base_rules, sizeof base_rules - 1, &err) < 0)
        abort();
    int rc = ld_rt_rules_load_buffer(rs, "fuzz.yaml", a, alen, &err);
    if (rc < 0) {
        if (err.code == LD_OK || !err.msg[0])
            abort();
        ld_rt_rules_free(rs);
        return;
    }
    if (b && ld_rt_rules_load_buffer(rs, "fuzz2.yaml", b, blen, &err) < 0 &&
        (err.code == LD_OK || !err.msg[0]))
        abort();
    ld_strlist diags = {0}, warnings = {0};
    ld_error_clear(&err);
    rc = ld_rt_rules_compile(rs, &diags, &warnings, &err);
    if (rc < 0) {
        if (!diags.n || !err.msg[0] || ld_rt_rules_count(rs) != 0)
            abort();
    } else {
        if (diags.n)
            abort();
        exercise(rs);
    }
    ld_strlist_clear(&diags);
    ld_strlist_clear(&warnings);
    ld_rt_rules_free(rs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    fake_procs_reset();
    fake_proc_add(100, 1, "containerd-shim", "containerd-shim -namespace moby");
    fake_proc_add(1, 0, "systemd", "/sbin/init");
    one((const char *)data, size, NULL, 0);
    size_t half = size / 2;
    one((const char *)data, half, (const char *)data + half, size - half);
    return 0;
}
