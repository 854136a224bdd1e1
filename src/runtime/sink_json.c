/* The ECS JSON documents lockdown watch writes: one line per alert (the
 * shape is in sink.h) and the statistics record. Built straight from the
 * event, the container and the process table into a reused buffer — no
 * JSON tree per alert — with every string escaped and cut at a bound, and
 * every field that is unknown left out (never null). Not a parser. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "checks/secrets.h"
#include "runtime/process_table.h"
#include "runtime/sink_internal.h"

#define JSON_STR_MAX 16384 /* output bytes of one string value */
#define JSON_TAGS_MAX 256
#define JSON_DEPTH_MAX 8
#define ECS_VERSION "8.11.0"

/* Where the separators go: one flag per open object/array. */
typedef struct {
    ld_rt_sbuf *b;
    int depth;
    bool first[JSON_DEPTH_MAX];
} jw;

static void jw_sep(jw *j, const char *key)
{
    if (!j->first[j->depth])
        ld_rt_sbuf_putc(j->b, ',');
    j->first[j->depth] = false;
    if (key) {
        ld_rt_sbuf_putc(j->b, '"');
        ld_rt_sbuf_puts(j->b, key); /* keys are lockdown's own, plain ASCII */
        ld_rt_sbuf_puts(j->b, "\":");
    }
}

static void jw_open(jw *j, const char *key, char c)
{
    jw_sep(j, key);
    ld_rt_sbuf_putc(j->b, c);
    j->depth++;
    j->first[j->depth] = true;
}

static void jw_obj(jw *j, const char *key)
{
    jw_open(j, key, '{');
}
static void jw_arr(jw *j, const char *key)
{
    jw_open(j, key, '[');
}
static void jw_end_obj(jw *j)
{
    j->depth--;
    ld_rt_sbuf_putc(j->b, '}');
}
static void jw_end_arr(jw *j)
{
    j->depth--;
    ld_rt_sbuf_putc(j->b, ']');
}

static void jw_strn(jw *j, const char *key, const char *s, size_t n)
{
    jw_sep(j, key);
    ld_rt_sbuf_putc(j->b, '"');
    ld_rt_sbuf_escaped(j->b, s, n, LD_RT_ESC_JSON, JSON_STR_MAX);
    ld_rt_sbuf_putc(j->b, '"');
}

/* A string member, left out when unknown (NULL or empty). */
static void jw_str(jw *j, const char *key, const char *s)
{
    if (s && *s)
        jw_strn(j, key, s, strlen(s));
}

/* A command line as shown: secrets masked (checks/secrets.h) - a password
 * on a command line is visible to every user of the host, but an alert
 * must not carry it into a log store. */
static void jw_masked(jw *j, const char *key, const char *s)
{
    if (!s || !*s)
        return;
    char *m = ld_secret_mask_text(NULL, s);
    jw_str(j, key, m);
    free(m);
}

static void jw_int(jw *j, const char *key, long long v)
{
    jw_sep(j, key);
    ld_rt_sbuf_printf(j->b, "%lld", v);
}

static void jw_uint(jw *j, const char *key, unsigned long long v)
{
    jw_sep(j, key);
    ld_rt_sbuf_printf(j->b, "%llu", v);
}

static void jw_bool(jw *j, const char *key, bool v)
{
    jw_sep(j, key);
    ld_rt_sbuf_puts(j->b, v ? "true" : "false");
}

static void jw_start(jw *j, ld_rt_sbuf *b)
{
    memset(j, 0, sizeof *j);
    j->b = b;
    j->first[0] = true;
    ld_rt_sbuf_reset(b);
}

/* ---- event classification (ECS event.category / event.type) ----------- */

typedef struct {
    const char *category;
    const char *type1, *type2; /* type2 may be NULL */
} ecs_class;

static bool open_writes(uint32_t flags)
{
    return (flags & O_ACCMODE) != O_RDONLY || (flags & (O_TRUNC | O_APPEND)) != 0;
}

static ecs_class classify(const ld_rt_event *e)
{
    switch (e->type) {
    case LD_EVT_EXECVE:
    case LD_EVT_EXECVEAT:
    case LD_EVT_CLONE: return (ecs_class){"process", "start", NULL};
    case LD_EVT_PROCEXIT: return (ecs_class){"process", "end", NULL};
    case LD_EVT_OPENAT:
    case LD_EVT_OPENAT2:
        if (e->open_flags & O_CREAT)
            return (ecs_class){"file", "creation", open_writes(e->open_flags) ? "change" : NULL};
        if (open_writes(e->open_flags))
            return (ecs_class){"file", "change", NULL};
        return (ecs_class){"file", "access", NULL};
    case LD_EVT_CONNECT:
    case LD_EVT_ACCEPT: return (ecs_class){"network", "connection", "start"};
    case LD_EVT_BIND: return (ecs_class){"network", "info", NULL};
    case LD_EVT_LISTEN: return (ecs_class){"network", "start", NULL};
    case LD_EVT_PTRACE: return (ecs_class){"process", "access", NULL};
    case LD_EVT_SETUID:
    case LD_EVT_SETGID:
    case LD_EVT_UNSHARE:
    case LD_EVT_SETNS: return (ecs_class){"process", "change", NULL};
    case LD_EVT_MOUNT:
    case LD_EVT_UMOUNT: return (ecs_class){"configuration", "change", NULL};
    case LD_EVT_INIT_MODULE:
    case LD_EVT_FINIT_MODULE: return (ecs_class){"driver", "start", NULL};
    case LD_EVT_MEMFD_CREATE: return (ecs_class){"file", "creation", NULL};
    case LD_EVT_CONTAINER: return (ecs_class){"process", "start", NULL};
    default: return (ecs_class){"process", "info", NULL};
    }
}

static const char *const log_levels[] = {"emergency", "alert",  "critical",      "error",
                                         "warning",   "notice", "informational", "debug"};

static const char *log_level(ld_rt_priority p)
{
    return (unsigned)p < sizeof log_levels / sizeof *log_levels ? log_levels[p] : "warning";
}

static bool is_syscall_event(ld_rt_evtype t)
{
    return t != LD_EVT_CONTAINER && t != LD_EVT_CLONE && t != LD_EVT_PROCEXIT && t != LD_EVT_NONE;
}

static void write_event(jw *j, const ld_rt_alert *a, const ld_rt_event *e)
{
    ecs_class c = classify(e);
    jw_obj(j, "event");
    jw_str(j, "kind", "alert");
    jw_arr(j, "category");
    jw_str(j, NULL, c.category);
    jw_end_arr(j);
    jw_arr(j, "type");
    jw_str(j, NULL, c.type1);
    if (c.type2)
        jw_str(j, NULL, c.type2);
    jw_end_arr(j);
    jw_str(j, "action", e->syscall[0] ? e->syscall : ld_rt_evtype_name(e->type));
    if (is_syscall_event(e->type))
        jw_str(j, "outcome", e->ret >= 0 ? "success" : "failure");
    jw_int(j, "severity", (long long)a->rule->priority);
    jw_str(j, "module", "lockdown");
    jw_str(j, "dataset", "lockdown.runtime");
    jw_end_obj(j);
}

static void write_rule(jw *j, const ld_rt_rule *r)
{
    jw_obj(j, "rule");
    jw_str(j, "name", r->name);
    jw_str(j, "description", r->desc);
    jw_str(j, "ruleset", r->file);
    jw_end_obj(j);
}

static void write_tags(jw *j, const ld_rt_rule *r)
{
    if (!r->tags || !r->tags[0])
        return;
    jw_arr(j, "tags");
    for (size_t i = 0; r->tags[i] && i < JSON_TAGS_MAX; i++)
        jw_str(j, NULL, r->tags[i]);
    jw_end_arr(j);
}

/* The kernel's tty number as /proc/PID/stat prints it: major in bits 8-19,
 * minor in bits 0-7 and 20-31. */
static void write_tty(jw *j, uint32_t tty)
{
    if (!tty)
        return;
    jw_obj(j, "tty");
    jw_obj(j, "char_device");
    jw_uint(j, "major", (tty >> 8) & 0xfffu);
    jw_uint(j, "minor", (tty & 0xffu) | ((tty >> 12) & 0xfff00u));
    jw_end_obj(j);
    jw_end_obj(j);
}

static void write_user(jw *j, uint32_t uid, const char *name)
{
    jw_obj(j, "user");
    char id[16];
    snprintf(id, sizeof id, "%u", uid); /* ECS user.id is a keyword */
    jw_str(j, "id", id);
    jw_str(j, "name", name);
    jw_end_obj(j);
}

static void write_process(jw *j, const ld_rt_event *e, ld_rt_proc_table *procs,
                          const char *user_name)
{
    jw_obj(j, "process");
    jw_int(j, "pid", e->pid);
    if (e->tid > 0 && e->tid != e->pid) {
        jw_obj(j, "thread");
        jw_int(j, "id", e->tid);
        jw_end_obj(j);
    }
    jw_str(j, "name", e->comm);
    jw_str(j, "executable", e->exepath);
    jw_masked(j, "command_line", e->cmdline);
    if (e->ppid > 0) {
        jw_obj(j, "parent");
        jw_int(j, "pid", e->ppid);
        const ld_rt_proc *p = procs ? ld_rt_proc_table_get(procs, e->ppid) : NULL;
        if (p) {
            jw_str(j, "name", p->comm);
            jw_str(j, "executable", p->exepath);
            jw_masked(j, "command_line", p->cmdline);
        }
        jw_end_obj(j);
    }
    write_user(j, e->uid, user_name);
    write_tty(j, e->tty);
    jw_end_obj(j);
}

static void write_file(jw *j, const ld_rt_event *e)
{
    bool open_evt = e->type == LD_EVT_OPENAT || e->type == LD_EVT_OPENAT2;
    if (!e->path[0] || (!open_evt && e->type != LD_EVT_MEMFD_CREATE))
        return;
    jw_obj(j, "file");
    if (e->type == LD_EVT_MEMFD_CREATE) {
        jw_str(j, "name", e->path);
        jw_end_obj(j);
        return;
    }
    jw_str(j, "path", e->path);
    const char *slash = strrchr(e->path, '/');
    if (slash) {
        size_t dlen = slash == e->path ? 1 : (size_t)(slash - e->path);
        jw_strn(j, "directory", e->path, dlen);
        jw_str(j, "name", slash + 1);
    } else {
        jw_str(j, "name", e->path);
    }
    jw_end_obj(j);
}

static bool sock_known(const ld_rt_sockaddr *s)
{
    return s->family == AF_INET || s->family == AF_INET6 ||
           (s->family == AF_UNIX && s->unix_path[0]);
}

/* source / destination: the address ("10.0.0.1", or a unix socket path),
 * ip and port. */
static void write_endpoint(jw *j, const char *key, const ld_rt_sockaddr *s)
{
    if (!sock_known(s))
        return;
    jw_obj(j, key);
    if (s->family == AF_UNIX) {
        jw_strn(j, "address", s->unix_path, strnlen(s->unix_path, sizeof s->unix_path));
    } else {
        char ip[INET6_ADDRSTRLEN] = "";
        inet_ntop(s->family, s->addr, ip, sizeof ip);
        jw_str(j, "address", ip);
        jw_str(j, "ip", ip);
        if (s->port)
            jw_uint(j, "port", s->port);
    }
    jw_end_obj(j);
}

static void write_network(jw *j, const ld_rt_event *e)
{
    const ld_rt_sockaddr *src = NULL, *dst = NULL;
    const char *direction = NULL;
    switch (e->type) {
    case LD_EVT_CONNECT:
        dst = &e->sock;
        src = &e->sock_local;
        direction = "egress";
        break;
    case LD_EVT_ACCEPT:
        src = &e->sock;
        dst = &e->sock_local;
        direction = "ingress";
        break;
    case LD_EVT_BIND:
    case LD_EVT_LISTEN: src = &e->sock; break;
    default: return;
    }
    write_endpoint(j, "source", src);
    if (dst)
        write_endpoint(j, "destination", dst);
    const ld_rt_sockaddr *any = dst && sock_known(dst) ? dst : src;
    if (!sock_known(any))
        return;
    jw_obj(j, "network");
    if (any->family == AF_INET)
        jw_str(j, "type", "ipv4");
    else if (any->family == AF_INET6)
        jw_str(j, "type", "ipv6");
    else
        jw_str(j, "type", "unix");
    if (direction)
        jw_str(j, "direction", direction);
    jw_end_obj(j);
}

/* "registry:5000/ns/app:1.2@sha256:..": name "registry:5000/ns/app", tag "1.2". */
static void split_image(const char *image, size_t *name_len, const char **tag, size_t *tag_len)
{
    size_t n = strcspn(image, "@");
    const char *slash = NULL;
    for (size_t i = 0; i < n; i++)
        if (image[i] == '/')
            slash = image + i;
    const char *colon = NULL;
    for (const char *p = slash ? slash : image; p < image + n; p++)
        if (*p == ':')
            colon = p;
    *tag = NULL;
    *tag_len = 0;
    *name_len = n;
    if (colon) {
        *name_len = (size_t)(colon - image);
        *tag = colon + 1;
        *tag_len = n - *name_len - 1;
    }
}

static void write_container(jw *j, const ld_rt_container *ct, const ld_rt_event *e)
{
    if (!ct)
        return;
    jw_obj(j, "container");
    jw_str(j, "id", ct->id);
    if (strcmp(ct->id, LD_RT_HOST_ID) == 0) { /* not a container: only Falco's "host" */
        jw_end_obj(j);
        return;
    }
    jw_str(j, "name", ct->name);
    if ((ct->image && ct->image[0]) || (ct->image_id && ct->image_id[0])) {
        jw_obj(j, "image");
        if (ct->image && ct->image[0]) {
            size_t name_len, tag_len;
            const char *tag;
            split_image(ct->image, &name_len, &tag, &tag_len);
            if (name_len)
                jw_strn(j, "name", ct->image, name_len);
            if (tag && tag_len)
                jw_strn(j, "tag", tag, tag_len);
        }
        if (ct->image_id && ct->image_id[0]) {
            jw_obj(j, "hash");
            jw_arr(j, "all");
            jw_str(j, NULL, ct->image_id);
            jw_end_arr(j);
            jw_end_obj(j);
        }
        jw_end_obj(j);
    }
    jw_str(j, "runtime", ct->runtime);
    bool privileged = e->type == LD_EVT_CONTAINER ? e->container_privileged : ct->privileged;
    if (ct->known || e->type == LD_EVT_CONTAINER) {
        jw_obj(j, "security_context");
        jw_bool(j, "privileged", privileged);
        jw_end_obj(j);
    }
    jw_end_obj(j);

    if (ct->k8s_pod && ct->k8s_pod[0]) {
        jw_obj(j, "orchestrator");
        jw_str(j, "type", "kubernetes");
        jw_str(j, "namespace", ct->k8s_ns);
        jw_obj(j, "resource");
        jw_str(j, "name", ct->k8s_pod);
        jw_str(j, "type", "pod");
        jw_end_obj(j);
        jw_end_obj(j);
    }
}

static void write_errno_name(jw *j, int64_t ret)
{
    if (ret >= 0) {
        jw_str(j, "res", "SUCCESS");
        return;
    }
    const char *name = ret >= -4095 ? strerrorname_np((int)-ret) : NULL;
    char tmp[32];
    if (!name) {
        snprintf(tmp, sizeof tmp, "E%lld", (long long)-ret);
        name = tmp;
    }
    jw_str(j, "res", name);
}

static void write_lockdown(jw *j, const ld_rt_alert *a, const ld_rt_event *e)
{
    jw_obj(j, "lockdown");
    jw_str(j, "control", a->rule->control);
    jw_str(j, "priority", ld_rt_priority_name(a->rule->priority));
    jw_obj(j, "evt");
    jw_str(j, "type", ld_rt_evtype_name(e->type));
    jw_str(j, "syscall", e->syscall);
    if (is_syscall_event(e->type)) {
        write_errno_name(j, e->ret);
        jw_int(j, "rawres", (long long)e->ret);
    }
    jw_end_obj(j);
    if (e->exe_upper_layer || e->exe_from_memfd) {
        jw_obj(j, "exe");
        if (e->exe_upper_layer)
            jw_bool(j, "upper_layer", true);
        if (e->exe_from_memfd)
            jw_bool(j, "from_memfd", true);
        jw_end_obj(j);
    }
    if (e->type == LD_EVT_OPENAT || e->type == LD_EVT_OPENAT2)
        jw_uint(j, "open_flags", e->open_flags);
    if (e->type == LD_EVT_PTRACE) {
        jw_obj(j, "target");
        jw_int(j, "pid", e->target_pid);
        jw_end_obj(j);
        jw_int(j, "request", (long long)e->request);
    }
    if (e->type == LD_EVT_SETUID || e->type == LD_EVT_SETGID) {
        jw_obj(j, "target");
        jw_uint(j, "uid", e->target_uid);
        jw_end_obj(j);
    }
    if (e->type == LD_EVT_UNSHARE || e->type == LD_EVT_SETNS)
        jw_int(j, "request", (long long)e->request);
    if (e->type == LD_EVT_MOUNT || e->type == LD_EVT_UMOUNT) {
        jw_obj(j, "mount");
        jw_str(j, "fstype", e->fstype);
        jw_str(j, "source", e->source_path);
        jw_str(j, "target", e->path);
        jw_end_obj(j);
    }
    if (e->type == LD_EVT_INIT_MODULE || e->type == LD_EVT_FINIT_MODULE)
        jw_str(j, "module", e->module);
    if (e->type == LD_EVT_CONTAINER) {
        jw_obj(j, "container");
        jw_bool(j, "privileged", e->container_privileged);
        jw_bool(j, "host_network", e->container_host_network);
        jw_bool(j, "host_pid", e->container_host_pid);
        jw_bool(j, "host_ipc", e->container_host_ipc);
        jw_end_obj(j);
    }
    if (e->cmdline_truncated || e->path_truncated) {
        jw_arr(j, "truncated");
        if (e->cmdline_truncated)
            jw_str(j, NULL, "process.command_line");
        if (e->path_truncated)
            jw_str(j, NULL, "path");
        jw_end_arr(j);
    }
    jw_end_obj(j);
}

void ld_rt_alert_user_name(const ld_rt_field_ctx *ctx, char *out, size_t n)
{
    out[0] = '\0';
    if (!ctx->procs || !ctx->container)
        return;
    /* as rules see it (fields.c): the container's own passwd inside one */
    ld_rt_field_ref ref;
    ld_error err = LD_ERROR_INIT;
    if (ld_rt_field_resolve("user.name", &ref, &err) < 0)
        return;
    ld_rt_value v;
    ld_rt_field_value(&ref, ctx, &v);
    if (v.present && v.str)
        snprintf(out, n, "%s", v.str);
}

void ld_rt_alert_json_buf(ld_rt_sbuf *b, const ld_rt_alert *a)
{
    const ld_rt_event *e = a->ctx->evt;
    jw j;
    jw_start(&j, b);
    jw_obj(&j, NULL);
    char ts[LD_RT_TIMESTAMP_MAX];
    ld_rt_format_timestamp(e->ts_ns, ts);
    jw_str(&j, "@timestamp", ts);
    jw_obj(&j, "ecs");
    jw_str(&j, "version", ECS_VERSION);
    jw_end_obj(&j);
    write_event(&j, a, e);
    write_rule(&j, a->rule);
    jw_str(&j, "message", a->message);
    jw_obj(&j, "log");
    jw_str(&j, "level", log_level(a->rule->priority));
    jw_end_obj(&j);
    write_tags(&j, a->rule);
    if (e->pid > 0 && e->type != LD_EVT_CONTAINER) {
        /* copied: the next call into the table (the parent's entry) may
         * move what it returned */
        char user_copy[256];
        ld_rt_alert_user_name(a->ctx, user_copy, sizeof user_copy);
        write_process(&j, e, a->ctx->procs, user_copy);
        write_user(&j, e->uid, user_copy);
    }
    write_file(&j, e);
    write_network(&j, e);
    write_container(&j, a->ctx->container, e);
    if (a->hostname && a->hostname[0]) {
        jw_obj(&j, "host");
        jw_str(&j, "hostname", a->hostname);
        jw_end_obj(&j);
    }
    write_lockdown(&j, a, e);
    jw_end_obj(&j);
}

char *ld_rt_alert_json(const ld_rt_alert *a)
{
    ld_rt_sbuf b = {0};
    ld_rt_alert_json_buf(&b, a);
    return ld_rt_sbuf_steal(&b);
}

void ld_rt_stats_message(const ld_rt_watch_stats *st, char *out, size_t n)
{
    snprintf(out, n,
             "lockdown watch %s: %llu events, %llu alerts, %llu dropped by the kernel, %llu lost, "
             "%llu output errors",
             st->final ? "stopped" : "statistics", (unsigned long long)st->events,
             (unsigned long long)st->emitted, (unsigned long long)st->dropped,
             (unsigned long long)st->lost, (unsigned long long)st->sink_errors);
}

void ld_rt_stats_json_buf(ld_rt_sbuf *b, const ld_rt_watch_stats *st, const char *hostname)
{
    jw j;
    jw_start(&j, b);
    jw_obj(&j, NULL);
    char ts[LD_RT_TIMESTAMP_MAX];
    ld_rt_format_timestamp(0, ts);
    jw_str(&j, "@timestamp", ts);
    jw_obj(&j, "ecs");
    jw_str(&j, "version", ECS_VERSION);
    jw_end_obj(&j);
    jw_obj(&j, "event");
    jw_str(&j, "kind", "metric");
    jw_arr(&j, "category");
    jw_str(&j, NULL, "host");
    jw_end_arr(&j);
    jw_arr(&j, "type");
    jw_str(&j, NULL, "info");
    jw_end_arr(&j);
    jw_str(&j, "action", st->final ? "watch-stopped" : "watch-stats");
    jw_str(&j, "module", "lockdown");
    jw_str(&j, "dataset", "lockdown.watch.stats");
    jw_end_obj(&j);
    char msg[512];
    ld_rt_stats_message(st, msg, sizeof msg);
    jw_str(&j, "message", msg);
    if (hostname && hostname[0]) {
        jw_obj(&j, "host");
        jw_str(&j, "hostname", hostname);
        jw_end_obj(&j);
    }
    jw_obj(&j, "lockdown");
    jw_obj(&j, "stats");
    jw_uint(&j, "events", st->events);
    jw_uint(&j, "emitted", st->emitted);
    jw_uint(&j, "dropped", st->dropped);
    jw_uint(&j, "lost", st->lost);
    jw_uint(&j, "sink_errors", st->sink_errors);
    jw_obj(&j, "rules_fired");
    for (size_t i = 0; i < st->n_rules && st->rule_names && st->rule_counts; i++) {
        if (!st->rule_counts[i] || !st->rule_names[i])
            continue;
        jw_sep(&j, NULL);
        ld_rt_sbuf_putc(b, '"');
        ld_rt_sbuf_escaped(b, st->rule_names[i], strlen(st->rule_names[i]), LD_RT_ESC_JSON,
                           JSON_STR_MAX);
        ld_rt_sbuf_printf(b, "\":%llu", (unsigned long long)st->rule_counts[i]);
    }
    jw_end_obj(&j);
    jw_str(&j, "source", st->source);
    jw_str(&j, "coverage", st->coverage);
    jw_sep(&j, "uptime_s");
    ld_rt_sbuf_printf(b, "%.3f", isfinite(st->uptime_s) && st->uptime_s > 0 ? st->uptime_s : 0.0);
    jw_bool(&j, "final", st->final);
    jw_end_obj(&j);
    jw_end_obj(&j);
    jw_end_obj(&j);
}

char *ld_rt_stats_json(const ld_rt_watch_stats *st, const char *hostname)
{
    ld_rt_sbuf b = {0};
    ld_rt_stats_json_buf(&b, st, hostname);
    return ld_rt_sbuf_steal(&b);
}
