/* Shared by the sink unit tests (test_sink_json.c, test_sink_syslog.c,
 * test_sink_net.c, test_sink_file.c): one alert built by hand — a rule, an
 * exec event in a container, the container — that each test then bends
 * (hostile names, other event types). Header-only, static functions. */
#ifndef LD_TEST_SINK_UTIL_H
#define LD_TEST_SINK_UTIL_H

#include <stdio.h>
#include <string.h>

#include "runtime/sink.h"

#define TS_EXAMPLE 1764842400123456789ull /* 2025-12-04T10:00:00.123456789Z */

typedef struct {
    ld_rt_rule rule;
    const char *tags[4];
    ld_rt_event evt;
    ld_rt_container ct;
    ld_rt_field_ctx ctx;
    ld_rt_alert alert;
    char message[8192];
} sample_alert;

static inline void sample_init(sample_alert *s)
{
    memset(s, 0, sizeof *s);
    s->tags[0] = "container";
    s->tags[1] = "shell";
    s->tags[2] = "NIST-CTR-01-A";
    s->tags[3] = NULL;
    s->rule = (ld_rt_rule){.name = "Shell spawned in container",
                           .desc = "A shell was run inside a container",
                           .output = "Shell in %container.name",
                           .priority = LD_RT_PRIO_WARNING,
                           .tags = s->tags,
                           .control = "NIST-CTR-01-A",
                           .file = "default",
                           .line = 3};
    ld_rt_event *e = &s->evt;
    e->type = LD_EVT_EXECVE;
    e->source = LD_RT_SRC_BPF;
    snprintf(e->syscall, sizeof e->syscall, "execve");
    e->ts_ns = TS_EXAMPLE;
    e->pid = 4242;
    e->tid = 4242;
    e->ppid = 4200;
    e->uid = 1000;
    e->euid = 1000;
    e->loginuid = (uint32_t)-1;
    snprintf(e->comm, sizeof e->comm, "sh");
    snprintf(e->exepath, sizeof e->exepath, "/bin/busybox");
    snprintf(e->cmdline, sizeof e->cmdline, "sh -c id");
    snprintf(e->path, sizeof e->path, "/bin/sh");
    snprintf(s->ct.id, sizeof s->ct.id,
             "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    s->ct.name = (char *)"web-1";
    s->ct.image = (char *)"lockdown-test/busybox:1";
    s->ct.image_id = (char *)"sha256:aaaa";
    s->ct.runtime = (char *)"docker";
    s->ct.known = true;
    s->ctx = (ld_rt_field_ctx){.evt = &s->evt, .container = &s->ct, .procs = NULL};
    snprintf(s->message, sizeof s->message,
             "Shell spawned (user=1000 container=web-1 cmd=sh -c id)");
    s->alert = (ld_rt_alert){
        .rule = &s->rule, .message = s->message, .ctx = &s->ctx, .hostname = "node-a"};
}

#endif
