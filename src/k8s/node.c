/* `lockdown k8s node`: finding a node's Kubernetes components under a host
 * root (static pod manifests, processes in ROOT/proc, systemd units with
 * drop-ins and environment files), the kubelet's config file and drop-ins,
 * reading the files checks name (mapped through a static pod's hostPath
 * mounts), value lookup with its source, how node findings are filed, and
 * the run itself (scope, then every check of node_checks.c). See node.h.
 * Every path is read under the root, never following a symlink out of it
 * (host/host_files.h); every read is capped. */
#include "k8s/node.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/finding.h"
#include "host/host_files.h"
#include "host/host_os.h"
#include "k8s/node_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"

static const char *const component_names[NODE_COMPONENT_COUNT] = {
    "kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd", "kubelet", "kube-proxy",
};

static const char *const scope_prefixes[NODE_SCOPE_COUNT] = {
    "k8s.node.apiserver.",     "k8s.node.controller-manager.",
    "k8s.node.scheduler.",     "k8s.node.etcd.",
    "k8s.node.kubelet.",       "k8s.node.proxy.",
    "k8s.node.control-plane.", "k8s.node.cni.",
};

/* Flags that take no value (pflag bools, Go flag bools for etcd): "--x
 * false" is --x=true followed by a stray word, as the component parses
 * it. Logging flags common to every component first. */
#define COMMON_BOOLS                                                                               \
    "logtostderr", "alsologtostderr", "add-dir-header", "skip-headers", "skip-log-headers",        \
        "one-output", "version", "help", "h", "log-json-split-stream", "log-text-split-stream"

static const char *const bools_apiserver[] = {COMMON_BOOLS,
                                              "anonymous-auth",
                                              "profiling",
                                              "contention-profiling",
                                              "service-account-lookup",
                                              "allow-privileged",
                                              "enable-bootstrap-token-auth",
                                              "enable-aggregator-routing",
                                              "enable-garbage-collector",
                                              "enable-priority-and-fairness",
                                              "enable-logs-handler",
                                              "audit-log-compress",
                                              "audit-log-batch-throttle-enable",
                                              "audit-log-truncate-enabled",
                                              "audit-webhook-batch-throttle-enable",
                                              "audit-webhook-truncate-enabled",
                                              "watch-cache",
                                              "permit-port-sharing",
                                              "permit-address-sharing",
                                              "kubelet-https",
                                              "enable-swagger-ui",
                                              "storage-backend-v3",
                                              "enable-aggregator-routing",
                                              "enable-logs-handler",
                                              NULL};
static const char *const bools_controller_manager[] = {COMMON_BOOLS,
                                                       "profiling",
                                                       "contention-profiling",
                                                       "use-service-account-credentials",
                                                       "allocate-node-cidrs",
                                                       "configure-cloud-routes",
                                                       "leader-elect",
                                                       "enable-dynamic-provisioning",
                                                       "enable-garbage-collector",
                                                       "enable-hostpath-provisioner",
                                                       "enable-taint-manager",
                                                       "disable-attach-detach-reconcile-sync",
                                                       "permit-port-sharing",
                                                       "permit-address-sharing",
                                                       NULL};
static const char *const bools_scheduler[] = {COMMON_BOOLS,
                                              "profiling",
                                              "contention-profiling",
                                              "leader-elect",
                                              "permit-port-sharing",
                                              "permit-address-sharing",
                                              NULL};
static const char *const bools_etcd[] = {COMMON_BOOLS,
                                         "client-cert-auth",
                                         "peer-client-cert-auth",
                                         "auto-tls",
                                         "peer-auto-tls",
                                         "strict-reconfig-check",
                                         "enable-v2",
                                         "enable-pprof",
                                         "force-new-cluster",
                                         "debug",
                                         "enable-grpc-gateway",
                                         "experimental-initial-corrupt-check",
                                         "experimental-enable-lease-checkpoint",
                                         "pre-vote",
                                         "socket-reuse-port",
                                         "socket-reuse-address",
                                         "peer-skip-client-san-verification",
                                         "experimental-peer-skip-client-san-verification",
                                         "enable-log-rotation",
                                         "experimental-memory-mlock",
                                         "unsafe-no-fsync",
                                         "experimental-compact-hash-check-enabled",
                                         "experimental-enable-distributed-tracing",
                                         "experimental-stop-grpc-service-on-defrag",
                                         NULL};
static const char *const bools_kubelet[] = {COMMON_BOOLS,
                                            "anonymous-auth",
                                            "authentication-token-webhook",
                                            "rotate-certificates",
                                            "rotate-server-certificates",
                                            "make-iptables-util-chains",
                                            "fail-swap-on",
                                            "register-node",
                                            "register-schedulable",
                                            "enable-server",
                                            "enable-debugging-handlers",
                                            "enable-controller-attach-detach",
                                            "cgroups-per-qos",
                                            "serialize-image-pulls",
                                            "protect-kernel-defaults",
                                            "exit-on-lock-contention",
                                            "kernel-memcg-notification",
                                            "keep-terminated-pod-volumes",
                                            "cpu-cfs-quota",
                                            "enable-load-reader",
                                            "experimental-allocatable-ignore-eviction",
                                            "localstorage-capacity-isolation",
                                            "seccomp-default",
                                            "fail-cgroupv1",
                                            NULL};
static const char *const bools_proxy[] = {COMMON_BOOLS,
                                          "masquerade-all",
                                          "profiling",
                                          "cleanup",
                                          "cleanup-ipvs",
                                          "bind-address-hard-fail",
                                          "ipvs-strict-arp",
                                          "init-only",
                                          "iptables-localhost-nodeports",
                                          NULL};

static const char *const *const component_bools[NODE_COMPONENT_COUNT] = {
    bools_apiserver, bools_controller_manager, bools_scheduler, bools_etcd, bools_kubelet,
    bools_proxy,
};

/* systemd's unit directories, highest priority first. */
static const char *const unit_dirs[] = {"/etc/systemd/system",           "/run/systemd/system",
                                        "/usr/local/lib/systemd/system", "/usr/lib/systemd/system",
                                        "/lib/systemd/system",           NULL};

static const char *const default_manifest_dir = "/etc/kubernetes/manifests";

const char *node_scope_prefix(int scope)
{
    return scope >= 0 && scope < NODE_SCOPE_COUNT ? scope_prefixes[scope] : "k8s.node.";
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static int kind_by_name(const char *name)
{
    for (int k = 0; k < NODE_COMPONENT_COUNT; k++)
        if (strcmp(name, component_names[k]) == 0)
            return k;
    /* hyperkube's short names */
    static const char *const short_names[NODE_COMPONENT_COUNT] = {
        "apiserver", "controller-manager", "scheduler", NULL, NULL, "proxy"};
    for (int k = 0; k < NODE_COMPONENT_COUNT; k++)
        if (short_names[k] && strcmp(name, short_names[k]) == 0)
            return k;
    return -1;
}

/* Which component argv runs (argv[0]'s basename; `hyperkube NAME`), and
 * the index of its first flag. -1 if none. */
static int identify_argv(const ld_strlist *argv, size_t *first)
{
    if (argv->n == 0)
        return -1;
    const char *b = base_name(argv->v[0]);
    if (strcmp(b, "hyperkube") == 0 && argv->n > 1) {
        *first = 2;
        return kind_by_name(argv->v[1]);
    }
    *first = 1;
    for (int k = 0; k < NODE_COMPONENT_COUNT; k++)
        if (strcmp(b, component_names[k]) == 0)
            return k;
    return -1;
}

static void note(node_model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(node_model *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = ld_xvasprintf(fmt, ap);
    va_end(ap);
    if (m->notes.n < 200 && !ld_strlist_contains(&m->notes, s))
        ld_strlist_push(&m->notes, s);
    free(s);
}

static bool exists(const char *root, const char *path)
{
    struct stat st;
    return ld_host_lstat(root, path, &st) == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int node_list_dir(const char *root, const char *dir, ld_strlist *names)
{
    int fd = ld_host_open(root, dir, O_DIRECTORY);
    if (fd < 0)
        return fd;
    DIR *d = fdopendir(fd);
    if (!d) {
        int e = errno;
        close(fd);
        return -e;
    }
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (names->n >= NODE_DIR_ENTRIES_MAX) {
            rc = -E2BIG;
            break;
        }
        ld_strlist_push(names, de->d_name);
    }
    closedir(d);
    if (names->n > 1)
        qsort(names->v, names->n, sizeof(char *), cmp_str);
    return rc;
}

static char *join_path(const char *dir, const char *name)
{
    size_t n = strlen(dir);
    return ld_xasprintf("%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
}

/* ---- documents ---------------------------------------------------------------- */

void node_doc_clear(node_doc *d)
{
    free(d->path);
    free(d->named);
    ld_k8s_set_free(d->set);
    ld_yaml_free(d->tree);
    free(d->error);
    memset(d, 0, sizeof(*d));
}

void node_doc_read(node_doc *d, const char *root, bool k8s)
{
    ld_autofree char *buf = NULL;
    size_t len = 0;
    ld_error err = LD_ERROR_INIT;
    int rc = ld_host_read_file(root, d->path, NODE_FILE_MAX, &buf, &len, &err);
    if (rc == LD_ERR_NOT_FOUND) {
        d->missing = true;
        d->error = ld_xasprintf("%s does not exist", d->path);
        return;
    }
    if (rc < 0) {
        d->error = ld_xstrdup(err.msg);
        return;
    }
    if (!k8s) {
        d->tree = ld_yaml_parse(d->path, buf, len, NULL, &err);
        if (!d->tree)
            d->error = ld_xstrdup(err.msg);
        else if (d->tree->kind != LD_YAML_MAP)
            d->error = ld_xasprintf("%s: not a YAML map", d->path);
        else
            d->root = d->tree;
        return;
    }
    d->set = ld_k8s_set_new(NULL);
    if (ld_k8s_load_buffer(d->set, d->path, buf, len, &err) < 0) {
        d->error = ld_xstrdup(err.msg);
        return;
    }
    const ld_strlist *unread = ld_k8s_set_unread(d->set);
    if (unread && unread->n > 0) {
        d->error = ld_xstrdup(unread->v[0]);
        return;
    }
    if (ld_k8s_set_count(d->set) == 0) {
        d->error = ld_xasprintf("%s: no Kubernetes object in it (apiVersion and kind)", d->path);
        return;
    }
    d->obj = ld_k8s_set_object(d->set, 0);
    d->root = d->obj->root;
}

char *node_host_path(const node_component *c, const char *named, char **why)
{
    *why = NULL;
    if (c->source != NODE_SRC_MANIFEST || !c->container)
        return ld_xstrdup(named);
    if (named[0] != '/') {
        *why = ld_xasprintf("%s is relative to the %s container's working directory: not "
                            "readable from the node",
                            named, c->name);
        return NULL;
    }
    /* the longest mountPath that is a whole-component prefix of named */
    const ld_yaml_node *mounts = ld_k8s_at(c->container, "volumeMounts");
    const ld_yaml_node *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; mounts && mounts->kind == LD_YAML_SEQ && i < mounts->n; i++) {
        const char *mp = ld_k8s_str(ld_yaml_get(mounts->items[i], "mountPath"));
        if (!mp)
            continue;
        size_t n = strlen(mp);
        while (n > 1 && mp[n - 1] == '/')
            n--;
        bool prefix = strncmp(named, mp, n) == 0 && (named[n] == '\0' || named[n] == '/' || n == 1);
        if (prefix && n >= best_len) {
            best = mounts->items[i];
            best_len = n;
        }
    }
    if (!best) {
        *why = ld_xasprintf("%s is not on a hostPath mount of the %s container (it is inside "
                            "the image): not readable from the node",
                            named, c->name);
        return NULL;
    }
    const char *vol = ld_k8s_str(ld_yaml_get(best, "name"));
    const ld_yaml_node *vols = ld_k8s_at(c->pod, "spec.volumes");
    for (size_t i = 0; vol && vols && vols->kind == LD_YAML_SEQ && i < vols->n; i++) {
        const char *vn = ld_k8s_str(ld_yaml_get(vols->items[i], "name"));
        if (!vn || strcmp(vn, vol) != 0)
            continue;
        const char *hp = ld_k8s_str(ld_k8s_at(vols->items[i], "hostPath.path"));
        if (!hp)
            break;
        const char *sub = ld_k8s_str(ld_yaml_get(best, "subPath"));
        const char *rest = named + (best_len == 1 ? 0 : best_len);
        if (sub && *sub)
            return ld_xasprintf("%s/%s%s", hp, sub, rest);
        return ld_xasprintf("%s%s", hp, rest);
    }
    *why = ld_xasprintf("%s is on volume %s of the %s pod, which is not a hostPath: not "
                        "readable from the node",
                        named, vol ? vol : "(unnamed)", c->name);
    return NULL;
}

const node_doc *node_component_doc(node_component *c, const char *root, const char *named, bool k8s)
{
    for (size_t i = 0; i < c->n_docs; i++)
        if (strcmp(c->docs[i].named, named) == 0)
            return &c->docs[i];
    ld_xgrow(&c->docs, &c->docs_cap, c->n_docs + 1, sizeof(*c->docs));
    node_doc *d = &c->docs[c->n_docs++];
    memset(d, 0, sizeof(*d));
    d->named = ld_xstrdup(named);
    char *why = NULL;
    d->path = node_host_path(c, named, &why);
    if (!d->path) {
        d->path = ld_xstrdup(named);
        d->error = why;
        return d;
    }
    node_component_read(c, root, d, k8s);
    return d;
}

void node_component_read(const node_component *c, const char *root, node_doc *d, bool k8s)
{
    node_doc_read(d, c->proc_root ? c->proc_root : root, k8s);
    if (d->error && c->proc_root) {
        char *e = ld_xasprintf("%s (in the file system of %s pid %ld)", d->error, c->name, c->pid);
        free(d->error);
        d->error = e;
    }
}

const char *node_read_root(const node_model *m, const node_component *c)
{
    return c->proc_root ? c->proc_root : m->root;
}

/* A process's own root, for the paths it names, on a live node. */
static void set_proc_root(node_model *m, node_component *c)
{
    if (!ld_host_root_is_slash(m->root) || c->pid <= 0)
        return;
    char p[64];
    snprintf(p, sizeof(p), "/proc/%ld/root", c->pid);
    struct stat own, its;
    /* a process on the host sees the host's root: nothing to do */
    if (stat(p, &its) < 0 || !S_ISDIR(its.st_mode) || stat("/", &own) < 0 ||
        (own.st_dev == its.st_dev && own.st_ino == its.st_ino))
        return;
    c->proc_root = ld_xstrdup(p);
}

/* ---- processes ------------------------------------------------------------------ */

static long parse_pid(const char *s)
{
    long long v = 0;
    if (!ld_node_parse_uint(s, &v) || v <= 0 || v > 4194304)
        return 0;
    return (long)v;
}

/* A command line read from ROOT/proc for component k at pid. */
typedef struct {
    long pid;
    ld_strlist argv;
    size_t first;
} proc_hit;

static void scan_proc(node_model *m, proc_hit hits[NODE_COMPONENT_COUNT])
{
    int fd = ld_host_open(m->root, "/proc", O_DIRECTORY);
    if (fd == -ENOENT) {
        note(m, "no /proc under the host root: processes not looked at (components found "
                "from files only)");
        return;
    }
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        note(m, "cannot list /proc under the host root: %s; processes not looked at",
             strerror(fd < 0 ? -fd : errno));
        if (fd >= 0)
            close(fd);
        return;
    }
    m->proc_seen = true;
    size_t seen = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        long pid = parse_pid(de->d_name);
        if (pid <= 0)
            continue;
        if (++seen > NODE_PROC_MAX) {
            note(m, "more than %d processes: the rest were not looked at", NODE_PROC_MAX);
            break;
        }
        char path[64];
        snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
        ld_autofree char *buf = NULL;
        size_t len = 0;
        ld_error err = LD_ERROR_INIT;
        if (ld_host_read_file(m->root, path, LD_NODE_CMDLINE_MAX, &buf, &len, &err) < 0)
            continue; /* gone, or a kernel thread */
        ld_strlist argv = {0};
        size_t first = 1;
        int k = -1;
        if (ld_node_cmdline_split(buf, len, &argv, &err) == 0)
            k = identify_argv(&argv, &first);
        if (k < 0) {
            ld_strlist_clear(&argv);
            continue;
        }
        /* several processes of one component: the lowest pid is judged */
        if (hits[k].pid)
            note(m, "more than one %s process (pids %ld and %ld): pid %ld judged",
                 component_names[k], hits[k].pid < pid ? hits[k].pid : pid,
                 hits[k].pid < pid ? pid : hits[k].pid, hits[k].pid < pid ? hits[k].pid : pid);
        if (hits[k].pid && hits[k].pid < pid) {
            ld_strlist_clear(&argv);
            continue;
        }
        ld_strlist_clear(&hits[k].argv);
        hits[k].pid = pid;
        hits[k].argv = argv;
        hits[k].first = first;
    }
    closedir(d);
}

/* ---- systemd units ---------------------------------------------------------------- */

/* Reads UNIT (e.g. "kubelet.service") and its drop-ins as systemd would
 * merge them into u; files gets each path read. Returns whether the unit
 * or a drop-in exists. */
static bool load_unit(node_model *m, const char *unit, ld_node_unit *u, ld_strlist *files)
{
    bool found = false;
    for (const char *const *d = unit_dirs; *d; d++) {
        ld_autofree char *p = join_path(*d, unit);
        if (!exists(m->root, p))
            continue;
        ld_autofree char *buf = NULL;
        size_t len = 0;
        ld_error err = LD_ERROR_INIT;
        found = true;
        ld_strlist_push(files, p);
        if (ld_host_read_file(m->root, p, LD_NODE_UNIT_MAX, &buf, &len, &err) < 0 ||
            ld_node_unit_add(u, p, buf, len, &err) < 0)
            note(m, "cannot read %s: %s", p, err.msg);
        break;
    }
    /* drop-ins: by file name across directories; a name in a higher
     * priority directory masks the same name below */
    ld_strlist names = {0}, paths = {0};
    for (const char *const *d = unit_dirs; *d; d++) {
        ld_autofree char *dir = ld_xasprintf("%s/%s.d", *d, unit);
        ld_strlist here = {0};
        node_list_dir(m->root, dir, &here);
        for (size_t i = 0; i < here.n; i++) {
            size_t n = strlen(here.v[i]);
            if (n < 6 || strcmp(here.v[i] + n - 5, ".conf") != 0 ||
                ld_strlist_contains(&names, here.v[i]))
                continue;
            ld_strlist_push(&names, here.v[i]);
            ld_strlist_push_owned(&paths, ld_xasprintf("%s\t%s", here.v[i], dir));
        }
        ld_strlist_clear(&here);
    }
    if (paths.n > 1)
        qsort(paths.v, paths.n, sizeof(char *), cmp_str);
    for (size_t i = 0; i < paths.n; i++) {
        char *tab = strchr(paths.v[i], '\t');
        *tab = '\0';
        ld_autofree char *p = join_path(tab + 1, paths.v[i]);
        ld_autofree char *buf = NULL;
        size_t len = 0;
        ld_error err = LD_ERROR_INIT;
        found = true;
        ld_strlist_push(files, p);
        if (ld_host_read_file(m->root, p, LD_NODE_UNIT_MAX, &buf, &len, &err) < 0 ||
            ld_node_unit_add(u, p, buf, len, &err) < 0)
            note(m, "cannot read %s: %s", p, err.msg);
    }
    ld_strlist_clear(&names);
    ld_strlist_clear(&paths);
    /* environment files, in order; "-PATH": a missing file is fine */
    for (size_t i = 0; i < u->env_files.n; i++) {
        const char *p = u->env_files.v[i];
        bool optional = p[0] == '-';
        if (optional)
            p++;
        ld_autofree char *buf = NULL;
        size_t len = 0;
        ld_error err = LD_ERROR_INIT;
        int rc = ld_host_read_file(m->root, p, LD_NODE_UNIT_MAX, &buf, &len, &err);
        if (rc == LD_ERR_NOT_FOUND && optional)
            continue;
        if (rc < 0 || ld_node_unit_env_file(u, p, buf, len, &err) < 0)
            note(m, "cannot read %s (EnvironmentFile= of %s): %s", p, unit, err.msg);
    }
    for (size_t i = 0; i < u->problems.n; i++)
        note(m, "%s", u->problems.v[i]);
    return found;
}

/* ---- components --------------------------------------------------------------------- */

static void set_argv(node_component *c, ld_strlist *argv, size_t first, int *lines)
{
    ld_strlist_clear(&c->argv);
    c->argv = *argv;
    memset(argv, 0, sizeof(*argv));
    free(c->lines);
    c->lines = lines;
    ld_node_flags_clear(&c->flags);
    ld_node_flags_parse(&c->flags, c->argv.v, c->argv.n, first, c->lines, component_bools[c->kind]);
}

/* The image tag of a static pod's container ("v1.30.2"), or NULL. */
static char *image_version(const char *image)
{
    if (!image)
        return NULL;
    ld_autofree char *copy = ld_xstrdup(image);
    char *at = strchr(copy, '@');
    if (at)
        *at = '\0';
    char *slash = strrchr(copy, '/');
    char *colon = strrchr(slash ? slash : copy, ':');
    if (!colon || !colon[1])
        return NULL;
    return ld_xstrdup(colon + 1);
}

/* Which component a static pod's container runs: command[0]'s basename,
 * else the container name, else the image's repository name. */
static int container_kind(const ld_yaml_node *ctr)
{
    const ld_yaml_node *cmd = ld_k8s_at(ctr, "command");
    if (cmd && cmd->kind == LD_YAML_SEQ && cmd->n > 0) {
        const char *c0 = ld_k8s_str(cmd->items[0]);
        if (c0) {
            int k = kind_by_name(base_name(c0));
            if (k >= 0)
                return k;
        }
    }
    const char *name = ld_k8s_str(ld_yaml_get(ctr, "name"));
    if (name) {
        int k = kind_by_name(name);
        if (k >= 0)
            return k;
    }
    ld_autofree char *image = ld_xstrdup(ld_k8s_str(ld_yaml_get(ctr, "image")));
    if (image) {
        char *cut = strpbrk(image, "@");
        if (cut)
            *cut = '\0';
        char *b = (char *)base_name(image);
        cut = strchr(b, ':');
        if (cut)
            *cut = '\0';
        return kind_by_name(b);
    }
    return -1;
}

/* argv of a static pod container: command then args, with their lines. */
static void container_argv(node_component *c, const ld_yaml_node *ctr)
{
    ld_strlist argv = {0};
    int *lines = NULL;
    size_t cap = 0;
    const ld_yaml_node *cmd = ld_k8s_at(ctr, "command");
    const ld_yaml_node *args = ld_k8s_at(ctr, "args");
    c->line = ctr->line;
    if (!cmd || cmd->kind != LD_YAML_SEQ || cmd->n == 0) {
        /* the image's entrypoint runs; only args are known */
        ld_strlist_push(&argv, c->name);
        ld_xgrow(&lines, &cap, 1, sizeof(int));
        lines[0] = ctr->line;
    }
    const ld_yaml_node *parts[2] = {cmd, args};
    for (int p = 0; p < 2; p++) {
        const ld_yaml_node *s = parts[p];
        if (!s || s->kind != LD_YAML_SEQ)
            continue;
        if (c->line == ctr->line)
            c->line = s->line;
        for (size_t i = 0; i < s->n && argv.n < LD_NODE_ARGS_MAX; i++) {
            const char *v = ld_k8s_str(s->items[i]);
            ld_xgrow(&lines, &cap, argv.n + 1, sizeof(int));
            lines[argv.n] = s->items[i]->line;
            ld_strlist_push(&argv, v ? v : "");
        }
    }
    set_argv(c, &argv, 1, lines);
    /* literal env values (etcd reads ETCD_* variables) */
    const ld_yaml_node *env = ld_k8s_at(ctr, "env");
    for (size_t i = 0; env && env->kind == LD_YAML_SEQ && i < env->n && i < LD_NODE_ENV_MAX; i++) {
        const char *n = ld_k8s_str(ld_yaml_get(env->items[i], "name"));
        const char *v = ld_k8s_str(ld_yaml_get(env->items[i], "value"));
        if (n && v)
            ld_strlist_push_owned(&c->env, ld_xasprintf("%s=%s", n, v));
    }
}

/* Guess a component from a manifest file name that could not be parsed. */
static int kind_by_file_name(const char *name)
{
    for (int k = 0; k < NODE_COMPONENT_COUNT; k++)
        if (strncmp(name, component_names[k], strlen(component_names[k])) == 0)
            return k;
    return -1;
}

static void load_manifests(node_model *m)
{
    ld_strlist names = {0};
    int rc = node_list_dir(m->root, m->manifest_dir, &names);
    if (rc < 0 && rc != -ENOENT && rc != -E2BIG)
        note(m, "cannot list static pod manifests in %s: %s", m->manifest_dir, strerror(-rc));
    if (rc == -E2BIG)
        note(m, "more than %d files in %s: only the first (by name) were read",
             NODE_DIR_ENTRIES_MAX, m->manifest_dir);
    for (size_t i = 0; i < names.n; i++) {
        ld_autofree char *path = join_path(m->manifest_dir, names.v[i]);
        struct stat st;
        if (ld_host_stat(m->root, path, &st) < 0 || !S_ISREG(st.st_mode))
            continue;
        node_doc d = {.path = ld_xstrdup(path)};
        node_doc_read(&d, m->root, true);
        if (d.error) {
            int k = kind_by_file_name(names.v[i]);
            if (k >= 0 && !m->c[k].present) {
                node_component *c = &m->c[k];
                c->present = true;
                c->source = NODE_SRC_MANIFEST;
                c->path = ld_xstrdup(path);
                c->unread = ld_xasprintf("its static pod manifest cannot be read: %s", d.error);
            } else {
                note(m, "static pod manifest not read: %s", d.error);
            }
            node_doc_clear(&d);
            continue;
        }
        bool used = false;
        for (size_t o = 0; o < ld_k8s_set_count(d.set); o++) {
            const ld_k8s_object *obj = ld_k8s_set_object(d.set, o);
            if (strcmp(obj->kind, "Pod") != 0)
                continue;
            const ld_yaml_node *ctrs = ld_k8s_at(obj->root, "spec.containers");
            for (size_t j = 0; ctrs && ctrs->kind == LD_YAML_SEQ && j < ctrs->n; j++) {
                int k = container_kind(ctrs->items[j]);
                if (k < 0)
                    continue;
                node_component *c = &m->c[k];
                if (c->present) {
                    note(m, "%s: a second %s static pod (%s already read): not judged", path,
                         c->name, c->path);
                    continue;
                }
                c->present = true;
                c->source = NODE_SRC_MANIFEST;
                c->path = ld_xstrdup(path);
                c->pod = obj->root;
                c->container = ctrs->items[j];
                c->version = image_version(ld_k8s_str(ld_yaml_get(ctrs->items[j], "image")));
                container_argv(c, ctrs->items[j]);
                used = true;
            }
        }
        if (used) {
            /* the components keep pointers into the set: the first one owns it */
            for (int k = 0; k < NODE_COMPONENT_COUNT; k++)
                if (m->c[k].path && strcmp(m->c[k].path, path) == 0 && !m->c[k].pod_set &&
                    m->c[k].pod) {
                    m->c[k].pod_set = d.set;
                    d.set = NULL;
                    break;
                }
        }
        node_doc_clear(&d);
    }
    ld_strlist_clear(&names);
}

static bool same_flags(const ld_node_flags *a, const ld_node_flags *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i].name, b->v[i].name) != 0 || strcmp(a->v[i].value, b->v[i].value) != 0)
            return false;
    return true;
}

/* Reads the file a component was started from when it is not a static
 * pod: its systemd unit (kube-apiserver.service, etcd.service, ...). */
static void component_from_unit(node_model *m, node_component *c)
{
    ld_node_unit u = {0};
    ld_strlist files = {0};
    ld_autofree char *unit = ld_xasprintf("%s.service", c->name);
    if (!load_unit(m, unit, &u, &files) || !u.exec_start) {
        ld_node_unit_clear(&u);
        ld_strlist_clear(&files);
        return;
    }
    ld_strlist argv = {0};
    ld_error err = LD_ERROR_INIT;
    size_t first = 1;
    c->present = true;
    c->source = NODE_SRC_UNIT;
    c->path = ld_xstrdup(u.exec_start_file);
    c->line = u.exec_start_line;
    if (ld_node_unit_expand(&u, &argv, &err) < 0) {
        c->unread = ld_xasprintf("its ExecStart= cannot be expanded: %s", err.msg);
        ld_strlist_clear(&argv);
    } else if (identify_argv(&argv, &first) != (int)c->kind) {
        c->unread = ld_xasprintf("%s:%d: ExecStart= does not run %s (it runs \"%s\")", c->path,
                                 c->line, c->name, argv.n ? argv.v[0] : "");
        ld_strlist_clear(&argv);
    } else {
        set_argv(c, &argv, first, NULL);
    }
    for (size_t i = 0; i < u.env.n; i++)
        ld_strlist_push(&c->env, u.env.v[i]);
    for (size_t i = 0; i < u.file_env.n; i++)
        ld_strlist_push(&c->env, u.file_env.v[i]);
    ld_node_unit_clear(&u);
    ld_strlist_clear(&files);
}

/* ---- the kubelet ------------------------------------------------------------------------ */

static void load_kubelet_config(node_model *m)
{
    node_component *k = &m->c[NODE_KUBELET];
    const ld_node_flag *cfg = ld_node_flag_get(&k->flags, "config");
    if (cfg && cfg->value[0]) {
        m->kubelet_config.path = ld_xstrdup(cfg->value);
        m->kubelet_config.named = ld_xstrdup(cfg->value);
        node_component_read(k, m->root, &m->kubelet_config, true);
        if (!m->kubelet_config.error && m->kubelet_config.obj &&
            strcmp(m->kubelet_config.obj->kind, "KubeletConfiguration") != 0) {
            m->kubelet_config.error =
                ld_xasprintf("%s: kind is \"%s\", not KubeletConfiguration", m->kubelet_config.path,
                             m->kubelet_config.obj->kind);
            m->kubelet_config.root = NULL;
        }
    }
    const ld_node_flag *dir = ld_node_flag_get(&k->flags, "config-dir");
    if (dir && dir->value[0]) {
        ld_strlist names = {0};
        size_t cap = 0;
        int rc = node_list_dir(node_read_root(m, k), dir->value, &names);
        if (rc < 0 && rc != -ENOENT)
            note(m, "cannot list the kubelet's --config-dir %s: %s", dir->value, strerror(-rc));
        for (size_t i = 0; i < names.n; i++) {
            size_t n = strlen(names.v[i]);
            if (n < 6 || strcmp(names.v[i] + n - 5, ".conf") != 0)
                continue;
            ld_xgrow(&m->kubelet_dropins, &cap, m->n_kubelet_dropins + 1, sizeof(node_doc));
            node_doc *d = &m->kubelet_dropins[m->n_kubelet_dropins++];
            memset(d, 0, sizeof(*d));
            d->path = join_path(dir->value, names.v[i]);
            d->named = ld_xstrdup(d->path);
            node_component_read(k, m->root, d, true);
        }
        ld_strlist_clear(&names);
    }
}

/* Where the kubelet reads static pods: --pod-manifest-path, else
 * staticPodPath of its config (relative to the config file), else
 * kubeadm's /etc/kubernetes/manifests. */
static char *static_pod_dir(const node_model *m)
{
    node_value v;
    node_kubelet_value(m, "pod-manifest-path", "staticPodPath", &v);
    if (v.text && v.text[0]) {
        if (v.text[0] != '/' && v.src == NODE_V_CONFIG && v.file) {
            ld_autofree char *d = ld_xstrdup(v.file);
            char *s = strrchr(d, '/');
            if (s)
                *s = '\0';
            return join_path(*d ? d : "/", v.text);
        }
        return ld_xstrdup(v.text);
    }
    return ld_xstrdup(default_manifest_dir);
}

void node_model_load(node_model *m, const char *root)
{
    memset(m, 0, sizeof(*m));
    m->root = root && root[0] ? root : "/";
    for (int k = 0; k < NODE_COMPONENT_COUNT; k++) {
        m->c[k].kind = (node_kind)k;
        m->c[k].name = component_names[k];
    }
    proc_hit hits[NODE_COMPONENT_COUNT] = {0};
    scan_proc(m, hits);

    /* the kubelet: its process, else what systemd would start */
    node_component *kl = &m->c[NODE_KUBELET];
    bool unit = load_unit(m, "kubelet.service", &m->kubelet_unit, &m->kubelet_unit_files);
    if (hits[NODE_KUBELET].pid) {
        kl->present = true;
        kl->source = NODE_SRC_PROCESS;
        kl->pid = hits[NODE_KUBELET].pid;
        set_proc_root(m, kl);
        set_argv(kl, &hits[NODE_KUBELET].argv, hits[NODE_KUBELET].first, NULL);
    } else if (unit && m->kubelet_unit.exec_start) {
        ld_strlist argv = {0};
        ld_error err = LD_ERROR_INIT;
        size_t first = 1;
        kl->present = true;
        kl->source = NODE_SRC_UNIT;
        kl->path = ld_xstrdup(m->kubelet_unit.exec_start_file);
        kl->line = m->kubelet_unit.exec_start_line;
        if (ld_node_unit_expand(&m->kubelet_unit, &argv, &err) < 0)
            kl->unread = ld_xasprintf("its ExecStart= cannot be expanded: %s", err.msg);
        else if (identify_argv(&argv, &first) != NODE_KUBELET)
            kl->unread = ld_xasprintf("%s:%d: ExecStart= does not run the kubelet (it runs "
                                      "\"%s\")",
                                      kl->path, kl->line, argv.n ? argv.v[0] : "");
        else
            set_argv(kl, &argv, first, NULL);
        ld_strlist_clear(&argv);
        note(m, "no kubelet process: its flags are read from %s (what systemd would start)",
             kl->path);
    } else if (unit) {
        kl->present = true;
        kl->source = NODE_SRC_UNIT;
        kl->path = ld_xstrdup(m->kubelet_unit_files.v[0]);
        kl->unread = ld_xstrdup("no kubelet process, and its systemd unit has no ExecStart=");
    }
    if (kl->present && !kl->unread)
        load_kubelet_config(m);
    m->manifest_dir = static_pod_dir(m);
    load_manifests(m);

    for (int k = 0; k < NODE_COMPONENT_COUNT; k++) {
        node_component *c = &m->c[k];
        if (k == NODE_KUBELET)
            continue;
        if (c->present && hits[k].pid) {
            /* a static pod and its process: the manifest is judged */
            c->pid = hits[k].pid;
            ld_node_flags pf = {0};
            ld_node_flags_parse(&pf, hits[k].argv.v, hits[k].argv.n, hits[k].first, NULL,
                                component_bools[k]);
            if (!c->unread && !same_flags(&pf, &c->flags))
                note(m,
                     "%s pid %ld runs with other flags than %s: the manifest was judged "
                     "(the kubelet restarts a static pod when its manifest changes)",
                     c->name, c->pid, c->path);
            ld_node_flags_clear(&pf);
        } else if (hits[k].pid) {
            c->present = true;
            c->source = NODE_SRC_PROCESS;
            c->pid = hits[k].pid;
            set_proc_root(m, c);
            set_argv(c, &hits[k].argv, hits[k].first, NULL);
        } else if (!c->present) {
            component_from_unit(m, c);
        }
        /* etcd reads ETCD_* variables: a process's environment */
        if (k == NODE_ETCD && c->source == NODE_SRC_PROCESS) {
            char path[64];
            snprintf(path, sizeof(path), "/proc/%ld/environ", c->pid);
            ld_autofree char *buf = NULL;
            size_t len = 0;
            ld_error err = LD_ERROR_INIT;
            ld_strlist env = {0};
            if (ld_host_read_file(m->root, path, LD_NODE_CMDLINE_MAX, &buf, &len, &err) == 0 &&
                ld_node_cmdline_split(buf, len, &env, &err) == 0) {
                for (size_t i = 0; i < env.n; i++)
                    if (strncmp(env.v[i], "ETCD_", 5) == 0)
                        ld_strlist_push(&c->env, env.v[i]);
            } else {
                note(m, "cannot read etcd's environment (%s): ETCD_* variables not seen", path);
            }
            ld_strlist_clear(&env);
        }
    }
    for (int k = 0; k < NODE_COMPONENT_COUNT; k++)
        ld_strlist_clear(&hits[k].argv);

    /* etcd --config-file, kube-proxy --config */
    const ld_node_flag *ef = ld_node_flag_get(&m->c[NODE_ETCD].flags, "config-file");
    if (m->c[NODE_ETCD].present && ef && ef->value[0]) {
        char *why = NULL;
        m->etcd_config.named = ld_xstrdup(ef->value);
        m->etcd_config.path = node_host_path(&m->c[NODE_ETCD], ef->value, &why);
        if (!m->etcd_config.path) {
            m->etcd_config.path = ld_xstrdup(ef->value);
            m->etcd_config.error = why;
        } else {
            node_component_read(&m->c[NODE_ETCD], m->root, &m->etcd_config, false);
        }
    }
    const ld_node_flag *pf = ld_node_flag_get(&m->c[NODE_PROXY].flags, "config");
    if (m->c[NODE_PROXY].present && pf && pf->value[0]) {
        char *why = NULL;
        m->proxy_config.named = ld_xstrdup(pf->value);
        m->proxy_config.path = node_host_path(&m->c[NODE_PROXY], pf->value, &why);
        if (!m->proxy_config.path) {
            m->proxy_config.path = ld_xstrdup(pf->value);
            m->proxy_config.error = why;
        } else {
            node_component_read(&m->c[NODE_PROXY], m->root, &m->proxy_config, true);
        }
    }
}

void node_model_clear(node_model *m)
{
    for (int k = 0; k < NODE_COMPONENT_COUNT; k++) {
        node_component *c = &m->c[k];
        free(c->unread);
        free(c->path);
        ld_strlist_clear(&c->argv);
        free(c->lines);
        ld_node_flags_clear(&c->flags);
        ld_strlist_clear(&c->env);
        free(c->version);
        free(c->proc_root);
        ld_k8s_set_free(c->pod_set);
        for (size_t i = 0; i < c->n_docs; i++)
            node_doc_clear(&c->docs[i]);
        free(c->docs);
    }
    /* components sharing one manifest file: the set was owned by one */
    free(m->host);
    free(m->manifest_dir);
    ld_node_unit_clear(&m->kubelet_unit);
    ld_strlist_clear(&m->kubelet_unit_files);
    node_doc_clear(&m->kubelet_config);
    for (size_t i = 0; i < m->n_kubelet_dropins; i++)
        node_doc_clear(&m->kubelet_dropins[i]);
    free(m->kubelet_dropins);
    node_doc_clear(&m->proxy_config);
    node_doc_clear(&m->etcd_config);
    ld_strlist_clear(&m->notes);
    memset(m, 0, sizeof(*m));
}

static bool any_control_plane(const node_model *m)
{
    return m->c[NODE_APISERVER].present || m->c[NODE_CONTROLLER_MANAGER].present ||
           m->c[NODE_SCHEDULER].present || m->c[NODE_ETCD].present;
}

bool node_scope_present(const node_model *m, int scope)
{
    if (scope < NODE_COMPONENT_COUNT)
        return m->c[scope].present;
    if (scope == NODE_SCOPE_CONTROL_PLANE)
        return any_control_plane(m) || exists(m->root, "/etc/kubernetes/admin.conf") ||
               exists(m->root, "/etc/kubernetes/super-admin.conf") ||
               exists(m->root, "/etc/kubernetes/pki");
    if (scope == NODE_SCOPE_CNI)
        return m->c[NODE_KUBELET].present || exists(m->root, "/etc/cni/net.d") ||
               exists(m->root, "/var/lib/cni/networks");
    return false;
}

/* ---- values -------------------------------------------------------------------------------- */

static void value_from_flag(node_value *v, const ld_node_flag *f)
{
    v->src = NODE_V_FLAG;
    v->flag = f;
    v->text = f->value;
    snprintf(v->name, sizeof(v->name), "--%s", f->name);
}

static void value_from_config(node_value *v, const node_doc *d, const ld_yaml_node *n,
                              const char *path)
{
    v->src = NODE_V_CONFIG;
    v->node = n;
    v->text = ld_k8s_str(n);
    v->file = d->path;
    snprintf(v->name, sizeof(v->name), "%s", path);
}

/* etcd's config file keys for its flags (the YAML names the flags have,
 * TLS settings nested under client-/peer-transport-security). */
static const char *etcd_config_key(const char *flag, char *buf, size_t len)
{
    static const char *const client[] = {"cert-file",       "key-file", "client-cert-auth",
                                         "trusted-ca-file", "auto-tls", NULL};
    for (size_t i = 0; client[i]; i++) {
        if (strcmp(flag, client[i]) == 0) {
            snprintf(buf, len, "client-transport-security.%s", client[i]);
            return buf;
        }
        if (strncmp(flag, "peer-", 5) == 0 && strcmp(flag + 5, client[i]) == 0) {
            snprintf(buf, len, "peer-transport-security.%s", client[i]);
            return buf;
        }
    }
    return flag;
}

void node_flag_value(const node_model *m, const node_component *c, const char *flag, node_value *v)
{
    memset(v, 0, sizeof(*v));
    snprintf(v->name, sizeof(v->name), "--%s", flag);
    if (c->kind == NODE_ETCD && m->etcd_config.path) {
        /* etcd with --config-file ignores its other flags and variables */
        char key[128];
        const char *k = etcd_config_key(flag, key, sizeof(key));
        const ld_yaml_node *n = m->etcd_config.root ? ld_k8s_at(m->etcd_config.root, k) : NULL;
        if (n)
            value_from_config(v, &m->etcd_config, n, k);
        else
            snprintf(v->name, sizeof(v->name), "%s", k);
        return;
    }
    const ld_node_flag *f = ld_node_flag_get(&c->flags, flag);
    if (f) {
        value_from_flag(v, f);
        return;
    }
    if (c->kind == NODE_ETCD) {
        char env[128] = "ETCD_";
        size_t n = 5;
        for (const char *p = flag; *p && n + 1 < sizeof(env); p++)
            env[n++] = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
        env[n] = '\0';
        size_t len = strlen(env);
        for (size_t i = c->env.n; i-- > 0;)
            if (strncmp(c->env.v[i], env, len) == 0 && c->env.v[i][len] == '=') {
                v->src = NODE_V_ENV;
                v->text = c->env.v[i] + len + 1;
                snprintf(v->name, sizeof(v->name), "%s", env);
                return;
            }
    }
    if (c->kind == NODE_PROXY && m->proxy_config.root) {
        /* kube-proxy --config: the flags this checks have camelCase keys */
        static const struct {
            const char *flag, *key;
        } keys[] = {{"metrics-bind-address", "metricsBindAddress"},
                    {"kubeconfig", "clientConnection.kubeconfig"}};
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
            if (strcmp(keys[i].flag, flag) == 0) {
                const ld_yaml_node *n = ld_k8s_at(m->proxy_config.root, keys[i].key);
                if (n)
                    value_from_config(v, &m->proxy_config, n, keys[i].key);
            }
    }
}

void node_kubelet_value(const node_model *m, const char *flag, const char *config_path,
                        node_value *v)
{
    memset(v, 0, sizeof(*v));
    snprintf(v->name, sizeof(v->name), "%s%s", flag ? "--" : "", flag ? flag : config_path);
    const node_component *k = &m->c[NODE_KUBELET];
    const ld_node_flag *f = flag ? ld_node_flag_get(&k->flags, flag) : NULL;
    if (f) {
        value_from_flag(v, f);
        return;
    }
    if (!config_path)
        return;
    /* drop-ins are applied after the config file, in name order: the
     * last one that sets the field wins */
    for (size_t i = m->n_kubelet_dropins; i-- > 0;) {
        const node_doc *d = &m->kubelet_dropins[i];
        const ld_yaml_node *n = d->root ? ld_k8s_at(d->root, config_path) : NULL;
        if (n) {
            value_from_config(v, d, n, config_path);
            return;
        }
    }
    const node_doc *d = &m->kubelet_config;
    const ld_yaml_node *n = d->root ? ld_k8s_at(d->root, config_path) : NULL;
    if (n)
        value_from_config(v, d, n, config_path);
    else if (node_kubelet_has_config(m))
        snprintf(v->name, sizeof(v->name), "%s", config_path);
}

bool node_kubelet_has_config(const node_model *m)
{
    return m->kubelet_config.path != NULL;
}

const char *node_kubelet_config_error(const node_model *m)
{
    if (m->kubelet_config.error)
        return m->kubelet_config.error;
    for (size_t i = 0; i < m->n_kubelet_dropins; i++)
        if (m->kubelet_dropins[i].error)
            return m->kubelet_dropins[i].error;
    return NULL;
}

/* ---- findings -------------------------------------------------------------------------------- */

static int add_finding(node_ctx *x, const char *id, ld_status st, ld_target_kind kind,
                       const char *tid, const char *tname, const char *path, int line,
                       const char *evidence)
{
    const ld_control *ctl = ld_catalog_control_for_check(x->r->catalog, id);
    if (!ctl)
        return ld_error_set(x->err, LD_ERR_GENERIC, "check %s is not in the controls catalog", id);
    ld_finding *f = ld_finding_new(ctl, id, st);
    ld_finding_set_target(f, kind, tid, tname);
    if (path)
        ld_finding_set_location(f, path, line);
    ld_finding_set_evidence(f, "%s", evidence);
    return ld_findings_add(x->r, f, x->err);
}

int node_emit(node_ctx *x, const char *id, ld_status st, const node_component *c,
              const node_value *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ld_autofree char *ev = ld_xvasprintf(fmt, ap);
    va_end(ap);
    if (v && v->src == NODE_V_CONFIG && v->file) {
        /* a file a containerized process sees: say whose file system it is in */
        if (c->proc_root && strncmp(v->file, "/proc/", 6) != 0) {
            char *more = ld_xasprintf("%s (%s is in the file system of %s pid %ld)", ev, v->file,
                                      c->name, c->pid);
            free(ev);
            ev = more;
        }
        return add_finding(x, id, st, LD_TARGET_FILE, v->file, c->name, v->file,
                           v->node ? v->node->line : 0, ev);
    }
    /* a config field that is not set: the config file is where to set it */
    const node_doc *cfg = c->kind == NODE_KUBELET ? &x->m->kubelet_config
                          : c->kind == NODE_PROXY ? &x->m->proxy_config
                          : c->kind == NODE_ETCD  ? &x->m->etcd_config
                                                  : NULL;
    if (v && v->src == NODE_V_UNSET && v->name[0] != '-' && v->name[0] && cfg && cfg->path &&
        !cfg->error)
        return add_finding(x, id, st, LD_TARGET_FILE, cfg->path, c->name, cfg->path, 0, ev);
    if ((c->source == NODE_SRC_MANIFEST || c->source == NODE_SRC_UNIT) && c->path) {
        int line = v && v->flag && v->flag->line ? v->flag->line : c->line;
        return add_finding(x, id, st, LD_TARGET_FILE, c->path, c->name, c->path, line, ev);
    }
    ld_autofree char *name =
        c->pid ? ld_xasprintf("%s (pid %ld)", c->name, c->pid) : ld_xstrdup(c->name);
    return add_finding(x, id, st, LD_TARGET_HOST, x->m->host, name, NULL, 0, ev);
}

int node_emit_file(node_ctx *x, const char *id, ld_status st, const char *path, int line,
                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ld_autofree char *ev = ld_xvasprintf(fmt, ap);
    va_end(ap);
    if (!path) /* nothing on disk to point at: the node */
        return add_finding(x, id, st, LD_TARGET_HOST, x->m->host, NULL, NULL, 0, ev);
    return add_finding(x, id, st, LD_TARGET_FILE, path, NULL, path, line, ev);
}

/* ---- the run --------------------------------------------------------------------------------- */

static const char *source_name(node_source s)
{
    switch (s) {
    case NODE_SRC_MANIFEST: return "static pod";
    case NODE_SRC_PROCESS: return "process";
    case NODE_SRC_UNIT: return "systemd unit";
    default: return "unknown";
    }
}

static char *describe(const node_component *c)
{
    if (c->source == NODE_SRC_PROCESS)
        return ld_xasprintf("%s (pid %ld)", c->name, c->pid);
    return ld_xasprintf("%s (%s %s)", c->name, source_name(c->source), c->path ? c->path : "");
}

static char *summary_line(const node_model *m)
{
    ld_strlist cp = {0}, wk = {0};
    for (int k = 0; k < NODE_COMPONENT_COUNT; k++) {
        if (!m->c[k].present)
            continue;
        bool worker = k == NODE_KUBELET || k == NODE_PROXY;
        ld_strlist_push_owned(worker ? &wk : &cp, describe(&m->c[k]));
    }
    ld_autofree char *a = ld_strlist_join(&cp, ", ");
    ld_autofree char *b = ld_strlist_join(&wk, ", ");
    char *s;
    if (!cp.n && !wk.n)
        s = ld_xstrdup("no Kubernetes component found");
    else
        s = ld_xasprintf("%s%s%s%s%s", cp.n ? "control plane: " : "", a, cp.n && wk.n ? "; " : "",
                         wk.n ? "node: " : "", b);
    ld_strlist_clear(&cp);
    ld_strlist_clear(&wk);
    return s;
}

static char *absent_reason(const node_model *m, int scope)
{
    if (scope < NODE_COMPONENT_COUNT) {
        if (scope == NODE_KUBELET)
            return ld_xasprintf("no kubelet on this node (no process%s, no kubelet.service unit)",
                                m->proc_seen ? "" : " looked at");
        return ld_xasprintf("no %s on this node (no static pod in %s, no process%s, no systemd "
                            "unit)",
                            component_names[scope], m->manifest_dir,
                            m->proc_seen ? "" : " looked at");
    }
    if (scope == NODE_SCOPE_CONTROL_PLANE)
        return ld_xstrdup("not a control-plane node (no control-plane component, no "
                          "/etc/kubernetes/admin.conf, super-admin.conf or pki)");
    return ld_xstrdup("no kubelet and no CNI files (/etc/cni/net.d, /var/lib/cni/networks)");
}

int ld_k8s_node_assess(ld_findings *r, const ld_k8s_node_options *o, char **summary, ld_error *err)
{
    const char *root = o && o->root && o->root[0] ? o->root : "/";
    node_model m;
    node_model_load(&m, root);
    m.host = o && o->host_name ? ld_xstrdup(o->host_name) : ld_host_name(root);
    ld_findings_scope(r, LD_SCOPE_OWED, "k8s.node.*", NULL);
    bool any = false;
    for (int s = 0; s < NODE_SCOPE_COUNT; s++) {
        if (node_scope_present(&m, s)) {
            any = true;
            continue;
        }
        ld_autofree char *why = absent_reason(&m, s);
        ld_autofree char *pattern = ld_xasprintf("%s*", scope_prefixes[s]);
        ld_findings_scope(r, LD_SCOPE_NOT_APPLICABLE, pattern, "%s", why);
    }
    if (!any)
        ld_findings_scope(r, LD_SCOPE_NOT_APPLICABLE, "k8s.node.*",
                          "no Kubernetes on this node (no component process, static pod "
                          "manifest, kubelet unit, /etc/kubernetes or CNI files)");
    for (size_t i = 0; i < m.notes.n; i++)
        ld_findings_note(r, "%s", m.notes.v[i]);
    node_ctx x = {.r = r, .err = err, .m = &m};
    int rc = 0;
    /* settings need the component's command line; file checks look at
     * files and run whatever could be read */
    for (size_t i = 0; rc == 0 && i < node_checks_count; i++) {
        const node_check *k = &node_checks[i];
        if (!node_scope_present(&m, k->scope))
            continue;
        const node_component *c = k->scope < NODE_COMPONENT_COUNT ? &m.c[k->scope] : NULL;
        if (c && c->unread)
            rc = node_emit(&x, k->id, LD_STATUS_ERROR, c, NULL,
                           "not assessed: %s is on this node but %s", c->name, c->unread);
        else
            rc = k->fn(&x, k);
    }
    for (size_t i = 0; rc == 0 && i < node_file_checks_count; i++) {
        const node_check *k = &node_file_checks[i];
        if (node_scope_present(&m, k->scope))
            rc = k->fn(&x, k);
    }
    if (summary)
        *summary = summary_line(&m);
    node_model_clear(&m);
    return rc;
}

bool ld_k8s_node_present(const char *root)
{
    node_model m;
    node_model_load(&m, root && root[0] ? root : "/");
    bool any = false;
    for (int s = 0; s < NODE_SCOPE_COUNT && !any; s++)
        any = node_scope_present(&m, s);
    if (!any)
        any = exists(m.root, "/etc/kubernetes") || exists(m.root, "/var/lib/kubelet");
    node_model_clear(&m);
    return any;
}
