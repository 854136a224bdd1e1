/* The container table of lockdown watch (containers.h): cgroup id ->
 * container, built from the cgroup hierarchies (cgroup_scan.c,
 * cgroup_path.c) and the engine (docker/engine.h for list and inspect,
 * engine_stream.h for /events), with the egress policy each container
 * gets. Single-threaded: the watch loop owns it; the stream's reader
 * thread only hands records over a socket. */
#include <fcntl.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "docker/engine.h"
#include "runtime/cgroup_path.h"
#include "runtime/containers_internal.h"
#include "runtime/engine_stream.h"
#include "util/cleanup.h"
#include "util/mem.h"
#include "util/strlist.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif

#define RESCAN_INTERVAL_S 1.0
#define GONE_GRACE_S 30.0 /* a destroyed container's late events still resolve */
#define MAX_ENTRIES 65536
#define MAX_LISTED 10000
#define LIST_MAX_BYTES ((size_t)16 * 1024 * 1024)
#define INSPECT_MAX_BYTES ((size_t)4 * 1024 * 1024)
#define PUMP_MAX_RECORDS 512
#define MAX_NOTES 32
#define ENGINE_RETRY_S 5.0 /* a lost list/inspect connection is retried this often at most */
/* the watch loop waits for inspect: a stalled engine must not hold it long */
static const ld_engine_timeouts engine_timeouts = {
    .connect_ms = 2000, .request_ms = 5000, .low_speed_bytes = 1024, .low_speed_s = 5};
/* {"type":["container"],"event":["start","die","destroy","rename"]} */
#define EVENTS_QUERY                                                                               \
    "filters=%7B%22type%22%3A%5B%22container%22%5D%2C%22event%22%3A%5B%22start%22%2C%22die%22"     \
    "%2C%22destroy%22%2C%22rename%22%5D%7D"

typedef struct {
    ld_rt_container pub; /* first: the public view */
    bool inspected;      /* the engine was asked since the container last started */
    double gone_at;      /* when the engine destroyed it (monotonic s); 0: live */
} entry;

typedef struct {
    char *path;      /* as opened */
    char *canonical; /* as the kernel prints it */
    int fd;
    bool cgroupfs; /* a real cgroup file system: ids resolve by file handle */
    ld_rt_ino_map map;
} hierarchy;

struct ld_rt_containers {
    hierarchy v2, v1;
    bool handles_work; /* open_by_handle_at resolves cgroup ids here */
    entry **entries;
    size_t n, cap;
    entry host;
    double last_scan;
    bool truncated_noted;
    /* the engine */
    bool use_engine;
    char *engine_host;   /* as the caller named it; NULL: discovery */
    char *stream_host;   /* the endpoint the stream reads */
    ld_engine *engine;   /* list and inspect; NULL while unreachable */
    double engine_tried; /* when a connection for list and inspect was last tried */
    ld_rt_engine_stream *stream;
    bool stream_up, stream_ever_up, loss_noted;
    bool engine_missing; /* it did not answer when the table was built */
    uint64_t last_event_ns;
    char **policy; /* egress (glob, destinations) pairs, NULL-terminated */
    ld_strlist notes;
    size_t notes_dropped;
    /* during pump */
    ld_rt_event_fn fn;
    void *fn_ctx;
    int delivered;
    ld_rt_event ev;
};

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void add_note(ld_rt_containers *c, char *msg)
{
    if (c->notes.n >= MAX_NOTES) {
        c->notes_dropped++;
        free(msg);
        return;
    }
    ld_strlist_push_owned(&c->notes, msg);
}

static const char *display_name(const ld_rt_container *ct, char *buf, size_t n)
{
    if (ct->name)
        snprintf(buf, n, "%s (%.12s)", ct->name, ct->id);
    else
        snprintf(buf, n, "%.12s", ct->id);
    return buf;
}

/* ---- entries ---- */

static entry *find_entry(const ld_rt_containers *c, const char *id)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->entries[i]->pub.id, id) == 0)
            return c->entries[i];
    return NULL;
}

static void free_entry(entry *e)
{
    ld_rt_container_clear(&e->pub);
    free(e);
}

static void remove_entry(ld_rt_containers *c, size_t i)
{
    entry *e = c->entries[i];
    ld_rt_ino_map_replace(&c->v2.map, e, &c->host);
    ld_rt_ino_map_replace(&c->v1.map, e, &c->host);
    free_entry(e);
    c->entries[i] = c->entries[--c->n];
}

/* Destroyed containers past their grace; the oldest destroyed first when
 * the table is full. */
static void sweep(ld_rt_containers *c, bool make_room)
{
    double now = mono_s();
    for (size_t i = 0; i < c->n;) {
        entry *e = c->entries[i];
        if (e->gone_at > 0 && now - e->gone_at > GONE_GRACE_S)
            remove_entry(c, i);
        else
            i++;
    }
    while (make_room && c->n >= MAX_ENTRIES) {
        size_t victim = 0;
        double oldest = 0;
        for (size_t i = 0; i < c->n; i++) {
            double g = c->entries[i]->gone_at;
            if (g > 0 && (oldest == 0 || g < oldest)) {
                oldest = g;
                victim = i;
            }
        }
        remove_entry(c, oldest > 0 ? victim : 0);
    }
}

static entry *get_or_add(ld_rt_containers *c, const char *id, const char *runtime)
{
    entry *e = find_entry(c, id);
    if (!e) {
        if (c->n >= MAX_ENTRIES)
            sweep(c, true);
        e = ld_xcalloc(1, sizeof *e);
        memcpy(e->pub.id, id, LD_RT_CONTAINER_ID_LEN);
        e->pub.id[LD_RT_CONTAINER_ID_LEN] = '\0';
        ld_xgrow(&c->entries, &c->cap, c->n + 1, sizeof *c->entries);
        c->entries[c->n++] = e;
    }
    if (runtime && !e->pub.runtime)
        e->pub.runtime = ld_xstrdup(runtime);
    return e;
}

/* ---- egress ---- */

/* The image's repository: without "@digest" and without the ":tag" of its
 * last path component. */
static char *image_repository(const char *image)
{
    char *r = ld_xstrdup(image);
    char *at = strchr(r, '@');
    if (at)
        *at = '\0';
    char *slash = strrchr(r, '/');
    char *colon = strrchr(slash ? slash : r, ':');
    if (colon)
        *colon = '\0';
    return r;
}

static const char *policy_for(const ld_rt_container *ct, const char *const *policy,
                              const char **matched)
{
    if (!policy)
        return NULL;
    if (ct->image) {
        ld_autofree char *repo = image_repository(ct->image);
        for (size_t i = 0; policy[i] && policy[i + 1]; i += 2)
            if (fnmatch(policy[i], ct->image, 0) == 0 || fnmatch(policy[i], repo, 0) == 0) {
                *matched = policy[i];
                return policy[i + 1];
            }
    }
    if (ct->name)
        for (size_t i = 0; policy[i] && policy[i + 1]; i += 2)
            if (fnmatch(policy[i], ct->name, 0) == 0) {
                *matched = policy[i];
                return policy[i + 1];
            }
    return NULL;
}

void ld_rt_container_choose_egress(ld_rt_container *ct, const char *const *policy)
{
    free(ct->egress);
    free(ct->egress_note);
    ct->egress = NULL;
    ct->egress_note = NULL;
    ct->n_egress = 0;
    ct->has_egress = false;
    const char *label = ld_rt_container_label(ct, LD_RT_EGRESS_LABEL);
    const char *matched = NULL;
    const char *spec = label ? label : policy_for(ct, policy, &matched);
    if (!spec)
        return;
    ct->has_egress = true;
    ld_error err = LD_ERROR_INIT;
    if (ld_rt_egress_parse_list(spec, &ct->egress, &ct->n_egress, &err) < 0) {
        if (label)
            ct->egress_note = ld_xasprintf("label " LD_RT_EGRESS_LABEL
                                           " is malformed (%s): no destination is allowed, "
                                           "every outbound connection is flagged",
                                           err.msg);
        else
            ct->egress_note = ld_xasprintf("policy runtime.egress \"%s\" is malformed (%s): no "
                                           "destination is allowed, every outbound connection "
                                           "is flagged",
                                           matched, err.msg);
    }
}

/* ---- the engine: list and inspect ---- */

static void after_inspect(ld_rt_containers *c, entry *e)
{
    char *old_note = e->pub.egress_note ? ld_xstrdup(e->pub.egress_note) : NULL;
    ld_rt_container_choose_egress(&e->pub, (const char *const *)c->policy);
    if (e->pub.egress_note && (!old_note || strcmp(old_note, e->pub.egress_note) != 0)) {
        char nb[600];
        add_note(c, ld_xasprintf("container %s: %s", display_name(&e->pub, nb, sizeof nb),
                                 e->pub.egress_note));
    }
    free(old_note);
}

static void take_inspect(ld_rt_containers *c, entry *e, const json_t *doc)
{
    ld_error err = LD_ERROR_INIT;
    if (ld_rt_container_from_inspect(&e->pub, doc, &err) == 0)
        after_inspect(c, e);
}

static bool engine_ready(ld_rt_containers *c);
static void engine_failed(ld_rt_containers *c, const ld_error *err);

static void inspect_one(ld_rt_containers *c, entry *e)
{
    e->inspected = true;
    if (!engine_ready(c))
        return;
    char path[96];
    snprintf(path, sizeof path, "/containers/%s/json", e->pub.id);
    ld_error err = LD_ERROR_INIT;
    json_t *doc = ld_engine_get_json(c->engine, path, INSPECT_MAX_BYTES, &err);
    if (!doc) {
        /* gone already, or another engine's (docker-in-docker): id only */
        engine_failed(c, &err);
        return;
    }
    take_inspect(c, e, doc);
    json_decref(doc);
}

/* Inspects every entry not asked about yet, LD_ENGINE_PARALLEL at a time. */
static void inspect_pending(ld_rt_containers *c)
{
    if (!engine_ready(c))
        return;
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        n += !c->entries[i]->inspected && c->entries[i]->gone_at == 0;
    if (n == 0)
        return;
    entry **todo = ld_xcalloc(n, sizeof *todo);
    char **paths = ld_xcalloc(n, sizeof *paths);
    size_t k = 0;
    for (size_t i = 0; i < c->n && k < n; i++) {
        entry *e = c->entries[i];
        if (e->inspected || e->gone_at != 0)
            continue;
        e->inspected = true;
        todo[k] = e;
        paths[k] = ld_xasprintf("/containers/%s/json", e->pub.id);
        k++;
    }
    json_t **docs = ld_xcalloc(k, sizeof *docs);
    char **errs = ld_xcalloc(k, sizeof *errs);
    ld_error err = LD_ERROR_INIT;
    if (ld_engine_get_json_batch(c->engine, (const char *const *)paths, k, INSPECT_MAX_BYTES, docs,
                                 errs, &err) == 0) {
        for (size_t i = 0; i < k; i++) {
            if (docs[i])
                take_inspect(c, todo[i], docs[i]);
            json_decref(docs[i]);
            free(errs[i]);
        }
    } else {
        engine_failed(c, &err);
    }
    for (size_t i = 0; i < k; i++)
        free(paths[i]);
    free(paths);
    free(docs);
    free(errs);
    free(todo);
}

static bool is_hex_id(const char *s)
{
    if (!s || strlen(s) != LD_RT_CONTAINER_ID_LEN)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

/* The running containers (GET /containers/json), each inspected. */
static int list_running(ld_rt_containers *c, ld_error *err)
{
    json_t *list = ld_engine_get_json(c->engine, "/containers/json", LIST_MAX_BYTES, err);
    if (!list)
        return err->code;
    if (!json_is_array(list)) {
        json_decref(list);
        return ld_error_set(err, LD_ERR_CORRUPT, "engine: /containers/json is not a list");
    }
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        if (i >= MAX_LISTED)
            break;
        const char *id = json_string_value(json_object_get(item, "Id"));
        if (!is_hex_id(id))
            continue;
        entry *e = get_or_add(c, id, NULL);
        e->gone_at = 0;
    }
    json_decref(list);
    inspect_pending(c);
    return 0;
}

/* ---- the cgroup side ---- */

static void hierarchy_open(hierarchy *h, char *path)
{
    h->path = path;
    h->fd = -1;
    if (!path)
        return;
    h->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    char link[64], buf[LD_RT_CGROUP_PATH_MAX];
    if (h->fd >= 0) {
        snprintf(link, sizeof link, "/proc/self/fd/%d", h->fd);
        ssize_t n = readlink(link, buf, sizeof buf - 1);
        if (n > 0) {
            buf[n] = '\0';
            h->canonical = ld_xstrdup(buf);
        }
        struct statfs sf;
        h->cgroupfs = fstatfs(h->fd, &sf) == 0 &&
                      (sf.f_type == CGROUP2_SUPER_MAGIC || sf.f_type == CGROUP_SUPER_MAGIC);
    }
}

static void hierarchy_close(hierarchy *h)
{
    if (h->fd >= 0)
        close(h->fd);
    free(h->path);
    free(h->canonical);
    ld_rt_ino_map_clear(&h->map);
}

/* The entry a cgroup path stands for: a container (created when new), or
 * the host. A nested path whose innermost id is a container this engine
 * runs beside the outer one is a sub-cgroup named after it (a container
 * that can write its cgroup tree): the outer container is the truth. */
static entry *entry_for_path(ld_rt_containers *c, const char *rel, size_t len)
{
    char id[LD_RT_CONTAINER_ID_LEN + 1], outer[LD_RT_CONTAINER_ID_LEN + 1];
    ld_rt_cgroup_runtime r = ld_rt_cgroup_path_container(rel, len, id, outer);
    if (r == LD_RT_CG_NONE)
        return &c->host;
    if (strcmp(id, outer) != 0) {
        entry *inner = find_entry(c, id), *out = find_entry(c, outer);
        if (inner && inner->pub.known && out && out->pub.known)
            return out;
    }
    return get_or_add(c, id, ld_rt_cgroup_runtime_name(r));
}

static int visit(const char *rel, size_t len, uint64_t ino, void *ctx)
{
    void **args = ctx;
    ld_rt_containers *c = args[0];
    hierarchy *h = args[1];
    ld_rt_ino_map_put(&h->map, ino, entry_for_path(c, rel, len));
    return 0;
}

static void scan_one(ld_rt_containers *c, hierarchy *h)
{
    if (!h->path)
        return;
    ld_rt_ino_map_clear(&h->map);
    void *args[2] = {c, h};
    ld_rt_cgroup_walk_stats st;
    ld_error err = LD_ERROR_INIT;
    if (ld_rt_cgroup_walk(h->path, visit, args, &st, &err) == 0 && st.truncated &&
        !c->truncated_noted) {
        c->truncated_noted = true;
        add_note(c, ld_xasprintf("cgroup tree %s is larger than lockdown walks (%d levels, %d "
                                 "directories): processes in the rest count as the host's",
                                 h->path, LD_RT_CGROUP_MAX_DEPTH, LD_RT_CGROUP_MAX_DIRS));
    }
}

static void scan(ld_rt_containers *c)
{
    scan_one(c, &c->v2);
    scan_one(c, &c->v1);
    c->last_scan = mono_s();
    inspect_pending(c);
}

/* A cgroup id the index does not hold: asked of the kernel by its handle,
 * else a walk (at most once per RESCAN_INTERVAL_S). */
static entry *resolve_miss(ld_rt_containers *c, hierarchy *h, uint64_t ino, bool *scanned)
{
    if (c->handles_work && h->cgroupfs && h->canonical) {
        char rel[LD_RT_CGROUP_PATH_MAX];
        int rc = ld_rt_cgroup_path_of_id(h->fd, h->canonical, ino, rel, sizeof rel);
        if (rc == 0) {
            entry *e = entry_for_path(c, rel, strlen(rel));
            ld_rt_ino_map_put(&h->map, ino, e);
            if (e != &c->host && !e->inspected)
                inspect_one(c, e);
            return e;
        }
        if (rc == -1) {
            ld_rt_ino_map_put(&h->map, ino, &c->host); /* no such cgroup (any more) */
            return &c->host;
        }
        c->handles_work = false;
    }
    if (!*scanned && mono_s() - c->last_scan >= RESCAN_INTERVAL_S) {
        scan(c);
        *scanned = true;
        entry *e = ld_rt_ino_map_get(&h->map, ino);
        if (!e)
            ld_rt_ino_map_put(&h->map, ino, e = &c->host); /* not a cgroup now: the host */
        return e;
    }
    return NULL;
}

const ld_rt_container *ld_rt_containers_lookup(ld_rt_containers *c, uint64_t cgroup_id,
                                               uint64_t cgroup_v1_id)
{
    entry *e2 = cgroup_id && c->v2.path ? ld_rt_ino_map_get(&c->v2.map, cgroup_id) : NULL;
    if (e2 && e2 != &c->host)
        return &e2->pub;
    entry *e1 = cgroup_v1_id && c->v1.path ? ld_rt_ino_map_get(&c->v1.map, cgroup_v1_id) : NULL;
    if (e1 && e1 != &c->host)
        return &e1->pub;
    bool scanned = false;
    if (cgroup_id && c->v2.path && !e2) {
        e2 = resolve_miss(c, &c->v2, cgroup_id, &scanned);
        if (e2 && e2 != &c->host)
            return &e2->pub;
    }
    if (cgroup_v1_id && c->v1.path && !e1) {
        if (scanned)
            e1 = ld_rt_ino_map_get(&c->v1.map, cgroup_v1_id);
        if (!e1)
            e1 = resolve_miss(c, &c->v1, cgroup_v1_id, &scanned);
        if (e1 && e1 != &c->host)
            return &e1->pub;
    }
    return &c->host.pub;
}

const ld_rt_container *ld_rt_containers_by_id(ld_rt_containers *c, const char *id)
{
    if (!id)
        return NULL;
    size_t n = strlen(id);
    if (strcmp(id, LD_RT_HOST_ID) == 0)
        return &c->host.pub;
    if (n == LD_RT_CONTAINER_ID_LEN) {
        entry *e = find_entry(c, id);
        return e ? &e->pub : NULL;
    }
    if (n < 12 || n > LD_RT_CONTAINER_ID_LEN)
        return NULL;
    entry *hit = NULL;
    for (size_t i = 0; i < c->n; i++)
        if (strncmp(c->entries[i]->pub.id, id, n) == 0) {
            if (hit)
                return NULL; /* ambiguous */
            hit = c->entries[i];
        }
    return hit ? &hit->pub : NULL;
}

size_t ld_rt_containers_count(const ld_rt_containers *c)
{
    return c ? c->n : 0;
}

const ld_rt_container *ld_rt_containers_get(const ld_rt_containers *c, size_t i)
{
    return c && i < c->n ? &c->entries[i]->pub : NULL;
}

/* ---- the event stream ---- */

static void deliver_start(ld_rt_containers *c, entry *e, uint64_t ts)
{
    ld_rt_event *ev = &c->ev;
    memset(ev, 0, sizeof *ev);
    ev->type = LD_EVT_CONTAINER;
    ev->source = LD_RT_SRC_ENGINE;
    ev->ts_ns = ts ? ts : wall_ns();
    ev->loginuid = (uint32_t)-1;
    memcpy(ev->container_id, e->pub.id, sizeof ev->container_id);
    ev->container_privileged = e->pub.privileged;
    ev->container_host_network = e->pub.host_network;
    ev->container_host_pid = e->pub.host_pid;
    ev->container_host_ipc = e->pub.host_ipc;
    c->delivered++;
    if (c->fn)
        c->fn(ev, c->fn_ctx);
}

static void on_engine_event(ld_rt_containers *c, const ld_rt_engine_event *ev)
{
    entry *e = find_entry(c, ev->id);
    switch (ev->action) {
    case LD_RT_ENGINE_EV_START:
        e = get_or_add(c, ev->id, NULL);
        e->gone_at = 0;
        inspect_one(c, e);
        if (!e->pub.known) {
            /* the engine did not answer the inspect: what the event says */
            if (ev->name[0] && !e->pub.name)
                e->pub.name = ld_xstrdup(ev->name);
            if (ev->image[0] && !e->pub.image)
                e->pub.image = ld_xstrdup(ev->image);
        }
        scan(c); /* its cgroups exist now: index them before its events */
        deliver_start(c, e, ev->time_nano);
        break;
    case LD_RT_ENGINE_EV_RENAME:
        if (e && ev->name[0]) {
            free(e->pub.name);
            e->pub.name = ld_xstrdup(ev->name);
            after_inspect(c, e); /* a name glob may choose another egress policy */
        }
        break;
    case LD_RT_ENGINE_EV_DESTROY:
        if (e)
            e->gone_at = mono_s();
        break;
    case LD_RT_ENGINE_EV_DIE:
        if (e)
            e->inspected = false; /* a restart is inspected again */
        break;
    case LD_RT_ENGINE_EV_OTHER: break;
    }
}

static ld_engine *connect_engine(ld_rt_containers *c, const char *host, ld_error *err)
{
    c->engine_tried = mono_s();
    return ld_engine_connect_with(host, &engine_timeouts, err);
}

/* A connection for list and inspect: the one there is, or a new one when
 * the last attempt is long enough ago (the engine client gives up on an
 * engine after one timeout; lockdown watch runs for days). */
static bool engine_ready(ld_rt_containers *c)
{
    if (c->engine)
        return true;
    /* only while the stream (whose thread does the waiting) says it answers */
    if (!c->use_engine || !c->stream_up || mono_s() - c->engine_tried < ENGINE_RETRY_S)
        return false;
    ld_error err = LD_ERROR_INIT;
    c->engine = connect_engine(c, c->stream_host, &err);
    return c->engine != NULL;
}

/* An answer that did not come: a missing container is normal, an engine
 * that did not answer in time is dropped (engine_ready retries). */
static void engine_failed(ld_rt_containers *c, const ld_error *err)
{
    if (err->code == LD_ERR_UNREACHABLE && c->engine) {
        ld_engine_free(c->engine);
        c->engine = NULL;
    }
}

static void reconnect_engine(ld_rt_containers *c)
{
    if (c->engine)
        ld_engine_free(c->engine);
    ld_error err = LD_ERROR_INIT;
    c->engine = connect_engine(c, c->stream_host, &err);
    if (!c->engine)
        return;
    for (size_t i = 0; i < c->n; i++)
        c->entries[i]->inspected = c->entries[i]->pub.known;
    ld_error lerr = LD_ERROR_INIT;
    list_running(c, &lerr);
}

static int on_record(ld_rt_stream_record kind, const char *text, size_t len, void *ctx)
{
    ld_rt_containers *c = ctx;
    switch (kind) {
    case LD_RT_STREAM_LINE: {
        ld_rt_engine_event ev;
        ld_error err = LD_ERROR_INIT;
        if (ld_rt_engine_event_parse(text, len, &ev, &err) < 0)
            break;
        if (ev.time_nano && c->last_event_ns && ev.time_nano <= c->last_event_ns)
            break; /* replayed after a reconnection: handled already */
        if (ev.time_nano) {
            c->last_event_ns = ev.time_nano;
            ld_rt_engine_stream_seen(c->stream, ev.time_nano);
        }
        on_engine_event(c, &ev);
        break;
    }
    case LD_RT_STREAM_UP:
        if (c->stream_up)
            break;
        c->stream_up = true;
        if (!c->engine || c->loss_noted)
            reconnect_engine(c);
        if (c->loss_noted)
            add_note(c, ld_xasprintf("docker engine event stream (%s) is back; events of the gap "
                                     "are replayed",
                                     c->stream_host));
        else if (c->engine_missing && c->engine)
            add_note(c, ld_xasprintf("docker engine %s answers now: containers are named",
                                     c->stream_host));
        c->engine_missing = !c->engine;
        c->loss_noted = false;
        c->stream_ever_up = true;
        break;
    case LD_RT_STREAM_LOST:
        c->stream_up = false;
        /* once per loss; an engine that never answered was reported by new */
        if ((c->stream_ever_up || !c->engine_missing) && !c->loss_noted) {
            c->loss_noted = true;
            add_note(c, ld_xasprintf("docker engine event stream (%s) %s: %.*s; reconnecting "
                                     "(every 5 s at most); containers started meanwhile are "
                                     "named when it is back",
                                     c->stream_host, c->stream_ever_up ? "lost" : "cannot be read",
                                     (int)(len > 300 ? 300 : len), text));
        }
        break;
    case LD_RT_STREAM_SKIPPED:
        add_note(c, ld_xasprintf("docker engine event stream: %.*s line(s) over 64 KiB skipped "
                                 "so far",
                                 (int)(len > 20 ? 20 : len), text));
        break;
    }
    return 0;
}

static int report_notes(ld_rt_containers *c, ld_error *err)
{
    if (c->notes.n == 0)
        return 0;
    ld_error local = LD_ERROR_INIT;
    if (!err)
        err = &local;
    size_t more = c->notes.n - 1 + c->notes_dropped;
    if (more)
        ld_error_set(err, LD_ERR_GENERIC, "%s (and %zu more)", c->notes.v[0], more);
    else
        ld_error_set(err, LD_ERR_GENERIC, "%s", c->notes.v[0]);
    ld_strlist_clear(&c->notes);
    c->notes_dropped = 0;
    return err->code;
}

int ld_rt_containers_fd(const ld_rt_containers *c)
{
    return c && c->stream ? ld_rt_engine_stream_fd(c->stream) : -1;
}

int ld_rt_containers_pump(ld_rt_containers *c, ld_rt_event_fn fn, void *ctx, ld_error *err)
{
    c->fn = fn;
    c->fn_ctx = ctx;
    c->delivered = 0;
    if (c->stream)
        ld_rt_engine_stream_read(c->stream, PUMP_MAX_RECORDS, on_record, c);
    c->fn = NULL;
    c->fn_ctx = NULL;
    sweep(c, false);
    int rc = report_notes(c, err);
    return rc < 0 ? rc : c->delivered;
}

/* ---- life ---- */

static char **copy_pairs(const char *const *p)
{
    if (!p)
        return NULL;
    size_t n = 0;
    while (p[n] && p[n + 1])
        n += 2;
    char **out = ld_xcalloc(n + 1, sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = ld_xstrdup(p[i]);
    return out;
}

static void start_engine(ld_rt_containers *c, ld_error *err)
{
    uint64_t since = wall_ns();
    ld_error cerr = LD_ERROR_INIT;
    c->engine = connect_engine(c, c->engine_host, &cerr);
    if (c->engine) {
        c->stream_host = ld_xstrdup(ld_engine_endpoint(c->engine));
        ld_error lerr = LD_ERROR_INIT;
        if (list_running(c, &lerr) < 0)
            ld_error_set(err, lerr.code,
                         "docker engine %s: listing containers: %s; container "
                         "names and images stay unknown until it answers",
                         c->stream_host, lerr.msg);
    } else {
        c->engine_missing = true;
        ld_error_set(err, cerr.code == LD_OK ? LD_ERR_UNREACHABLE : cerr.code,
                     "%s; container names and images are unknown (containers are still told "
                     "apart by their cgroups)",
                     cerr.msg);
        if (cerr.code != LD_ERR_UNREACHABLE)
            return; /* a host lockdown cannot use: no stream either */
        /* keep trying where ld_engine_connect looked first */
        const char *env = getenv("DOCKER_HOST");
        c->stream_host = ld_xstrdup(c->engine_host && c->engine_host[0] ? c->engine_host
                                    : env && env[0]                     ? env
                                                                        : LD_ENGINE_DEFAULT_HOST);
    }
    ld_error serr = LD_ERROR_INIT;
    const char *api = c->engine ? ld_engine_api_version(c->engine) : LD_ENGINE_MIN_API;
    c->stream = ld_rt_engine_stream_open(c->stream_host, api, EVENTS_QUERY, since, &serr);
    if (!c->stream && err->code == LD_OK)
        ld_error_set(err, serr.code,
                     "docker engine event stream: %s; containers started from "
                     "now on are not named",
                     serr.msg);
}

ld_rt_containers *ld_rt_containers_new(const ld_rt_containers_options *o, ld_error *err)
{
    const char *root = o && o->cgroup_root ? o->cgroup_root : "/sys/fs/cgroup";
    char *v2 = NULL, *v1 = NULL;
    if (ld_rt_cgroup_find_roots(root, &v2, &v1, err) < 0)
        return NULL;
    ld_rt_containers *c = ld_xcalloc(1, sizeof *c);
    memcpy(c->host.pub.id, LD_RT_HOST_ID, sizeof LD_RT_HOST_ID);
    c->host.pub.name = ld_xstrdup(LD_RT_HOST_ID);
    hierarchy_open(&c->v2, v2);
    hierarchy_open(&c->v1, v1);
    c->handles_work = true;
    c->policy = copy_pairs(o ? o->egress_policy : NULL);
    c->use_engine = !(o && o->no_engine);
    c->engine_host = o && o->engine_host ? ld_xstrdup(o->engine_host) : NULL;
    scan(c); /* the engine is not connected yet: names come with the list */
    if (c->use_engine)
        start_engine(c, err);
    if (!c->stream && c->notes.n && err && err->code == LD_OK)
        report_notes(c, err); /* nobody pumps without a stream: say it now */
    return c;
}

void ld_rt_containers_free(ld_rt_containers *c)
{
    if (!c)
        return;
    ld_rt_engine_stream_close(c->stream);
    if (c->engine)
        ld_engine_free(c->engine);
    for (size_t i = 0; i < c->n; i++)
        free_entry(c->entries[i]);
    free(c->entries);
    ld_rt_container_clear(&c->host.pub);
    hierarchy_close(&c->v2);
    hierarchy_close(&c->v1);
    if (c->policy)
        for (size_t i = 0; c->policy[i]; i++)
            free(c->policy[i]);
    free(c->policy);
    free(c->engine_host);
    free(c->stream_host);
    ld_strlist_clear(&c->notes);
    free(c);
}
