/* libFuzzer target for the rule condition language (runtime/rules_cond_*.c)
 * and the fields it reads (runtime/fields*.c). The input is text: a line
 * "macro NAME TEXT" defines a macro, "list NAME a,b,c" a list, every other
 * line is part of the condition. A condition either compiles or is refused
 * with a message; a compiled one is evaluated against synthetic events
 * (exec, opens, IPv4/IPv6/unix connects, accept, mount, engine event, on
 * the host and in a container, with and without a process table) and must
 * give the same answer twice and never be true for an event type that
 * ld_rt_cond_evtypes excludes. Every field is read and rendered too.
 * Seeds: tests/fuzz/corpus/rule_condition/. Replay: ./fuzz_rule_condition FILE. */
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

#define DEFS_MAX 32

typedef struct {
    char *macro_names[DEFS_MAX], *macro_texts[DEFS_MAX];
    size_t n_macros;
    char *list_names[DEFS_MAX];
    ld_strlist lists[DEFS_MAX];
    size_t n_lists;
} defs;

static const ld_strlist *env_list(void *ctx, const char *name)
{
    defs *d = ctx;
    for (size_t i = 0; i < d->n_lists; i++)
        if (strcmp(d->list_names[i], name) == 0)
            return &d->lists[i];
    return NULL;
}

static const char *env_macro(void *ctx, const char *name, const char **file, int *line)
{
    defs *d = ctx;
    for (size_t i = 0; i < d->n_macros; i++)
        if (strcmp(d->macro_names[i], name) == 0) {
            *file = "fuzz.yaml";
            *line = (int)i + 1;
            return d->macro_texts[i];
        }
    return NULL;
}

/* "NAME REST": the name (copied) and where the rest starts. */
static char *split_name(char *line, char **rest)
{
    char *sp = strchr(line, ' ');
    if (!sp) {
        *rest = line + strlen(line);
        return ld_xstrdup(line);
    }
    *rest = sp + 1;
    return ld_xstrndup(line, (size_t)(sp - line));
}

static void parse_defs(char *text, defs *d, char **cond)
{
    size_t cap = strlen(text) + 1, n = 0;
    *cond = ld_xmalloc(cap);
    for (char *line = text; line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        char *rest;
        if (strncmp(line, "macro ", 6) == 0 && d->n_macros < DEFS_MAX) {
            d->macro_names[d->n_macros] = split_name(line + 6, &rest);
            d->macro_texts[d->n_macros++] = ld_xstrdup(rest);
        } else if (strncmp(line, "list ", 5) == 0 && d->n_lists < DEFS_MAX) {
            d->list_names[d->n_lists] = split_name(line + 5, &rest);
            ld_strlist *l = &d->lists[d->n_lists++];
            for (char *item = rest; item;) {
                char *comma = strchr(item, ',');
                if (comma)
                    *comma = '\0';
                ld_strlist_push(l, item);
                item = comma ? comma + 1 : NULL;
            }
        } else {
            size_t len = strlen(line);
            memcpy(*cond + n, line, len);
            n += len;
            (*cond)[n++] = '\n';
        }
        line = nl ? nl + 1 : NULL;
    }
    (*cond)[n ? n - 1 : 0] = '\0';
}

static void free_defs(defs *d)
{
    for (size_t i = 0; i < d->n_macros; i++) {
        free(d->macro_names[i]);
        free(d->macro_texts[i]);
    }
    for (size_t i = 0; i < d->n_lists; i++) {
        free(d->list_names[i]);
        ld_strlist_clear(&d->lists[i]);
    }
}

static void set_sock(ld_rt_sockaddr *a, int family, const char *ip, uint16_t port)
{
    memset(a, 0, sizeof *a);
    a->family = (uint16_t)family;
    inet_pton(family, ip, a->addr);
    a->port = port;
}

/* The i-th synthetic event; false past the last. */
static bool make_event(int i, ld_rt_event *e, ld_rt_container *ct, bool *host)
{
    ld_rt_event_reset(e);
    e->pid = 100;
    e->ppid = 50;
    e->uid = (uint32_t)(i % 2 ? 0 : 1000);
    e->ts_ns = 1;
    memcpy(e->comm, "bash", 5);
    memcpy(e->exepath, "/bin/bash", 10);
    memcpy(e->cmdline, "bash -c id", 11);
    *host = i % 3 == 2;
    memset(ct, 0, sizeof *ct);
    memcpy(ct->id, *host ? "host" : "abcdef012345", *host ? 5 : 13);
    if (!*host) {
        ct->name = "web";
        ct->image = "registry:5000/team/app:1.0@sha256:ab";
        ct->known = true;
        ct->k8s_ns = i % 2 ? "default" : NULL;
    }
    switch (i) {
    case 0:
        e->type = LD_EVT_EXECVE;
        e->exe_upper_layer = true;
        break;
    case 1:
        e->type = LD_EVT_OPENAT;
        memcpy(e->path, "/etc/shadow", 12);
        e->open_flags = O_RDONLY;
        break;
    case 2:
        e->type = LD_EVT_OPENAT2;
        memcpy(e->path, "/usr/bin/x", 11);
        e->open_flags = O_WRONLY;
        e->ret = -13;
        break;
    case 3:
        e->type = LD_EVT_CONNECT;
        set_sock(&e->sock, AF_INET, "10.1.2.3", 443);
        break;
    case 4:
        e->type = LD_EVT_CONNECT;
        set_sock(&e->sock, AF_INET6, "2001:db8::1", 53);
        set_sock(&e->sock_local, AF_INET6, "::ffff:10.0.0.1", 40000);
        break;
    case 5:
        e->type = LD_EVT_CONNECT;
        e->sock.family = AF_UNIX;
        memcpy(e->sock.unix_path, "/var/run/docker.sock", 21);
        break;
    case 6:
        e->type = LD_EVT_ACCEPT;
        set_sock(&e->sock, AF_INET, "192.168.1.9", 50000);
        set_sock(&e->sock_local, AF_INET, "192.168.1.2", 22);
        break;
    case 7:
        e->type = LD_EVT_MOUNT;
        memcpy(e->path, "/mnt", 5);
        memcpy(e->fstype, "tmpfs", 6);
        break;
    case 8:
        e->type = LD_EVT_CONTAINER;
        e->container_privileged = true;
        break;
    case 9:
        e->type = LD_EVT_SETUID;
        e->target_uid = 0;
        break;
    case 10:
        e->type = LD_EVT_PTRACE;
        e->target_pid = 7;
        break;
    default: return false;
    }
    return true;
}

static void read_every_field(const ld_rt_field_ctx *ctx)
{
    const char *const *names = ld_rt_field_names();
    char text[128];
    for (size_t i = 0; names[i]; i++) {
        ld_rt_field_ref f;
        ld_error err = LD_ERROR_INIT;
        if (ld_rt_field_resolve(names[i], &f, &err) < 0)
            abort();
        ld_rt_value v;
        ld_rt_field_value(&f, ctx, &v);
        ld_rt_value_text(&v, text, sizeof text);
        if (v.present && v.type == LD_RT_FT_STR && !v.str)
            abort();
    }
}

static void evaluate(const ld_rt_cond *c, bool fields)
{
    uint64_t types = ld_rt_cond_evtypes(c);
    ld_rt_event e;
    ld_rt_container ct;
    bool host;
    for (int i = 0; make_event(i, &e, &ct, &host); i++) {
        ld_rt_proc_table *t = fake_procs_reset();
        fake_proc_add(100, 50, "bash", "bash -c id");
        fake_proc_add(50, 10, "sshd", "sshd -D");
        fake_proc_add(10, 1, "containerd-shim", "containerd-shim");
        fake_proc_add(1, 0, "systemd", "/sbin/init");
        for (int with_table = 0; with_table < 2; with_table++) {
            ld_rt_field_ctx ctx = {&e, &ct, with_table ? t : NULL};
            bool a = ld_rt_cond_eval(c, &ctx);
            bool b = ld_rt_cond_eval(c, &ctx);
            if (a != b)
                abort();
            if (a && !(types & ((uint64_t)1 << e.type)))
                abort(); /* true for a type the index would never show it */
            if (fields)
                read_every_field(&ctx);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = ld_xstrndup((const char *)data, size);
    defs d = {0};
    char *cond = NULL;
    parse_defs(text, &d, &cond);
    ld_rt_cond_env env = {env_list, env_macro, &d};
    ld_error err = LD_ERROR_INIT;
    ld_rt_cond *c = ld_rt_cond_compile(cond, &env, &err);
    if (!c) {
        if (err.code == LD_OK || !err.msg[0])
            abort();
    } else {
        evaluate(c, true);
        ld_rt_cond_free(c);
    }
    /* field names as they come */
    ld_rt_field_ref f;
    err = (ld_error)LD_ERROR_INIT;
    if (ld_rt_field_resolve(cond, &f, &err) == 0 && (!f.name || f.id < 0))
        abort();
    free(cond);
    free_defs(&d);
    free(text);
    return 0;
}
