/* rt_containers: the container table of lockdown watch (runtime/
 * containers.h) as a command, for tests/e2e/test_watch_containers.sh.
 * Builds the table, prints it as JSON lines, then until --seconds pass (or
 * "quit"): the LD_EVT_CONTAINER events of the engine's stream, the notes
 * the table reports, and the answers to commands read from stdin:
 *
 *   lookup V2ID V1ID        the container of a cgroup id pair (0: none)
 *   upper ID PATH           is PATH in the container's writable layer?
 *   egress ID ADDR PORT     does its egress policy allow ADDR:PORT?
 *   table                   the table again
 *   quit
 *
 * Options: --cgroup-root DIR, --host DOCKER_HOST, --no-engine,
 * --egress GLOB=DEST[,DEST] (repeatable, the policy's pairs), --seconds N. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "runtime/containers.h"
#include "util/mem.h"

static void emit(json_t *o)
{
    char *s = json_dumps(o, JSON_COMPACT);
    printf("%s\n", s);
    fflush(stdout);
    free(s);
    json_decref(o);
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *container_json(const ld_rt_container *ct)
{
    json_t *o = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:b, s:b, s:b, s:b, s:b, s:o}", "id",
                          ct->id, "name", str_or_null(ct->name), "image", str_or_null(ct->image),
                          "image_id", str_or_null(ct->image_id), "runtime",
                          str_or_null(ct->runtime), "upperdir", str_or_null(ct->upperdir), "known",
                          ct->known, "privileged", ct->privileged, "host_network", ct->host_network,
                          "host_pid", ct->host_pid, "host_ipc", ct->host_ipc, "has_egress",
                          ct->has_egress, "egress_note", str_or_null(ct->egress_note));
    json_t *eg = json_array();
    for (size_t i = 0; i < ct->n_egress; i++) {
        const ld_rt_egress_rule *r = &ct->egress[i];
        char a[INET6_ADDRSTRLEN] = "*";
        if (r->family)
            inet_ntop(r->family, r->addr, a, sizeof a);
        json_array_append_new(
            eg, json_pack("{s:s, s:i, s:i}", "addr", a, "prefix", r->prefix, "port", r->port));
    }
    json_object_set_new(o, "egress", eg);
    json_t *labels = json_object();
    for (size_t i = 0; i < ct->n_labels; i++)
        json_object_set_new(labels, ct->label_keys[i], json_string(ct->label_values[i]));
    json_object_set_new(o, "labels", labels);
    return o;
}

static void print_table(ld_rt_containers *c)
{
    size_t n = ld_rt_containers_count(c);
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:s, s:o}", "type", "container", "container",
                              container_json(ld_rt_containers_get(c, i)));
        emit(o);
    }
    emit(json_pack("{s:s, s:i}", "type", "table_end", "count", (int)n));
}

static int on_event(const ld_rt_event *e, void *ctx)
{
    ld_rt_containers *c = ctx;
    const ld_rt_container *ct = ld_rt_containers_by_id(c, e->container_id);
    json_t *o = json_pack("{s:s, s:s, s:b, s:b, s:b, s:b, s:I}", "type", "container_event", "id",
                          e->container_id, "privileged", e->container_privileged, "host_network",
                          e->container_host_network, "host_pid", e->container_host_pid, "host_ipc",
                          e->container_host_ipc, "ts_ns", (json_int_t)e->ts_ns);
    json_object_set_new(o, "name", str_or_null(ct ? ct->name : NULL));
    json_object_set_new(o, "image", str_or_null(ct ? ct->image : NULL));
    emit(o);
    return 0;
}

static void command(ld_rt_containers *c, char *line, int *quit)
{
    char *save = NULL;
    char *cmd = strtok_r(line, " \t\r\n", &save);
    if (!cmd)
        return;
    if (strcmp(cmd, "quit") == 0) {
        *quit = 1;
    } else if (strcmp(cmd, "table") == 0) {
        print_table(c);
    } else if (strcmp(cmd, "lookup") == 0) {
        const char *a = strtok_r(NULL, " \t\r\n", &save), *b = strtok_r(NULL, " \t\r\n", &save);
        unsigned long long v2 = a ? strtoull(a, NULL, 10) : 0, v1 = b ? strtoull(b, NULL, 10) : 0;
        const ld_rt_container *ct = ld_rt_containers_lookup(c, v2, v1);
        emit(json_pack("{s:s, s:I, s:I, s:o}", "type", "lookup", "cgroup_id", (json_int_t)v2,
                       "cgroup_v1_id", (json_int_t)v1, "container", container_json(ct)));
    } else if (strcmp(cmd, "upper") == 0) {
        const char *id = strtok_r(NULL, " \t\r\n", &save), *path = strtok_r(NULL, "\r\n", &save);
        const ld_rt_container *ct = id ? ld_rt_containers_by_id(c, id) : NULL;
        emit(json_pack("{s:s, s:s, s:s, s:b, s:b}", "type", "upper", "id", id ? id : "", "path",
                       path ? path : "", "found", ct != NULL, "in_upper",
                       ct && path && ld_rt_container_file_in_upper(ct, path)));
    } else if (strcmp(cmd, "egress") == 0) {
        const char *id = strtok_r(NULL, " \t\r\n", &save), *ip = strtok_r(NULL, " \t\r\n", &save),
                   *port = strtok_r(NULL, " \t\r\n", &save);
        const ld_rt_container *ct = id ? ld_rt_containers_by_id(c, id) : NULL;
        ld_rt_sockaddr dst;
        memset(&dst, 0, sizeof dst);
        if (ip && inet_pton(AF_INET, ip, dst.addr) == 1)
            dst.family = AF_INET;
        else if (ip && inet_pton(AF_INET6, ip, dst.addr) == 1)
            dst.family = AF_INET6;
        dst.port = port ? (uint16_t)strtoul(port, NULL, 10) : 0;
        emit(json_pack("{s:s, s:s, s:s, s:i, s:b, s:b, s:b}", "type", "egress", "id", id ? id : "",
                       "addr", ip ? ip : "", "port", dst.port, "found", ct != NULL, "has_egress",
                       ct && ct->has_egress, "allowed", ct && ld_rt_egress_allows(ct, &dst)));
    } else {
        emit(json_pack("{s:s, s:s}", "type", "error", "message", "unknown command"));
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    ld_rt_containers_options o = {.cgroup_root = "/sys/fs/cgroup"};
    char **pairs = ld_xcalloc((size_t)argc * 2 + 1, sizeof *pairs);
    size_t np = 0;
    double seconds = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--no-engine") == 0) {
            o.no_engine = true;
        } else if (strcmp(a, "--cgroup-root") == 0 && v) {
            o.cgroup_root = v;
            i++;
        } else if (strcmp(a, "--host") == 0 && v) {
            o.engine_host = v;
            i++;
        } else if (strcmp(a, "--seconds") == 0 && v) {
            seconds = strtod(v, NULL);
            i++;
        } else if (strcmp(a, "--egress") == 0 && v && strchr(v, '=')) {
            const char *eq = strchr(v, '=');
            pairs[np++] = ld_xstrndup(v, (size_t)(eq - v));
            pairs[np++] = ld_xstrdup(eq + 1);
            i++;
        } else {
            fprintf(stderr, "usage: rt_containers [--cgroup-root DIR] [--host H] [--no-engine] "
                            "[--egress GLOB=DESTS]... [--seconds N]\n");
            return 2;
        }
    }
    if (np)
        o.egress_policy = (const char *const *)pairs;
    ld_error err = LD_ERROR_INIT;
    ld_rt_containers *c = ld_rt_containers_new(&o, &err);
    if (!c) {
        emit(json_pack("{s:s, s:s}", "type", "fatal", "message", err.msg));
        return 3;
    }
    emit(json_pack("{s:s, s:o, s:b}", "type", "init", "err",
                   err.code != LD_OK ? json_string(err.msg) : json_null(), "stream",
                   ld_rt_containers_fd(c) >= 0));
    print_table(c);

    double end = seconds > 0 ? now_s() + seconds : 0;
    int quit = 0;
    bool stdin_open = true;
    char line[8192];
    size_t have = 0;
    while (!quit && (!end || now_s() < end) && (stdin_open || end)) {
        struct pollfd pf[2];
        int n = 0, cfd = ld_rt_containers_fd(c);
        if (cfd >= 0)
            pf[n++] = (struct pollfd){.fd = cfd, .events = POLLIN};
        int in_at = -1;
        if (stdin_open) {
            in_at = n;
            pf[n++] = (struct pollfd){.fd = 0, .events = POLLIN};
        }
        poll(pf, (nfds_t)n, 100);
        ld_error perr = LD_ERROR_INIT;
        if (ld_rt_containers_pump(c, on_event, c, &perr) < 0)
            emit(json_pack("{s:s, s:s}", "type", "note", "message", perr.msg));
        if (in_at >= 0 && (pf[in_at].revents & (POLLIN | POLLHUP))) {
            ssize_t r = read(0, line + have, sizeof line - 1 - have);
            if (r <= 0) {
                stdin_open = false;
                continue;
            }
            have += (size_t)r;
            line[have] = '\0';
            char *nl;
            while (!quit && (nl = strchr(line, '\n'))) {
                *nl = '\0';
                command(c, line, &quit);
                size_t used = (size_t)(nl - line) + 1;
                memmove(line, nl + 1, have - used + 1);
                have -= used;
            }
            if (have == sizeof line - 1)
                have = 0; /* an over-long command: dropped */
        }
    }
    ld_rt_containers_free(c);
    for (size_t i = 0; i < np; i++)
        free(pairs[i]);
    free(pairs);
    return 0;
}
