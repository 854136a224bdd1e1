/* The file checks of `lockdown k8s node`: owner and mode of the files the
 * CIS Kubernetes Benchmark v1.10 names in sections 1.1 (control plane:
 * static pod manifests, CNI files, the etcd data directory, admin.conf and
 * super-admin.conf, the scheduler's and controller manager's kubeconfigs,
 * the PKI directory) and 4.1 (worker: the kubelet's unit files, its
 * kubeconfig, client CA and config file, kube-proxy's kubeconfig). Paths
 * come from the components' own flags where they name them (mapped through
 * a static pod's hostPath mounts), else the kubeadm locations the
 * benchmark uses. Files are looked at under the host root (stat follows a
 * symlink only inside it; the evidence says when a path was a symlink).
 * A file that does not exist is not applicable; one that cannot be looked
 * at is an error. Owner root is uid and gid 0; etcd:etcd is looked up in
 * the root's own /etc/passwd and /etc/group. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host/host_files.h"
#include "k8s/node_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"

typedef enum {
    FT_MANIFEST,      /* the component's static pod manifest (or unit file) */
    FT_ETCD_DATA_DIR, /* etcd --data-dir */
    FT_ADMIN_CONF,    /* admin.conf and super-admin.conf */
    FT_KUBECONFIG,    /* the component's --kubeconfig */
    FT_PKI,           /* the PKI directory and everything under it */
    FT_PKI_CRT,       /* *.crt under it */
    FT_PKI_KEY,       /* *.key under it */
    FT_CNI,           /* CNI configuration and state files */
    FT_KUBELET_UNIT,  /* kubelet.service and its drop-ins */
    FT_KUBELET_KUBECONFIG,
    FT_KUBELET_CLIENT_CA,
    FT_KUBELET_CONFIG,
    FT_PROXY_KUBECONFIG,
} file_kind;

typedef struct {
    file_kind kind;
    bool owner;        /* an owner check; else a mode check */
    unsigned max_mode; /* mode checks: the most permissive mode allowed */
    const char *user;  /* owner checks: wanted owner and group names */
    const char *group;
    const char *dflt; /* where the benchmark looks when no flag names the file */
} file_rule;

static const char *const pki_dir = "/etc/kubernetes/pki";

/* Files a check looks at. */
typedef struct {
    ld_strlist paths;
    const char *what; /* "static pod manifest", ... for the summary */
    char *skip;       /* nothing to look at: why (not applicable) */
    char *error;      /* could not even find out what to look at */
    bool multi;       /* a set of files: one pass for all when none fails */
    char *summary_target;
    const char *root; /* where the paths are: the node's root, or a process's own */
    char *whose;      /* " (in the file system of kube-proxy pid 4343)", or "" */
} file_set;

static void file_set_clear(file_set *s)
{
    ld_strlist_clear(&s->paths);
    free(s->skip);
    free(s->error);
    free(s->summary_target);
    free(s->whose);
}

static bool present(const char *root, const char *path)
{
    struct stat st;
    return ld_host_lstat(root, path, &st) == 0;
}

/* Every entry under dir (depth-first, symlinks not followed); dirs too
 * when with_dirs. Returns 0, or -E2BIG past NODE_WALK_FILES_MAX. */
static int walk(const char *root, const char *dir, int depth, bool with_dirs, ld_strlist *out)
{
    if (depth > NODE_WALK_DEPTH_MAX)
        return 0;
    ld_strlist names = {0};
    int rc = node_list_dir(root, dir, &names);
    if (rc == -E2BIG)
        rc = 0; /* the first NODE_DIR_ENTRIES_MAX: the cap below still counts */
    for (size_t i = 0; rc == 0 && i < names.n; i++) {
        ld_autofree char *p = ld_xasprintf("%s/%s", dir, names.v[i]);
        struct stat st;
        if (ld_host_lstat(root, p, &st) < 0)
            continue;
        if (out->n >= NODE_WALK_FILES_MAX) {
            rc = -E2BIG;
            break;
        }
        if (S_ISDIR(st.st_mode)) {
            if (with_dirs)
                ld_strlist_push(out, p);
            rc = walk(root, p, depth + 1, with_dirs, out);
        } else {
            ld_strlist_push(out, p);
        }
    }
    ld_strlist_clear(&names);
    return rc;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* The host path of a file a component's flag names; NULL with *why. */
static char *named_path(node_component *c, const node_value *v, char **why)
{
    const char *t = v->src == NODE_V_CONFIG ? ld_k8s_str(v->node) : v->text;
    *why = NULL;
    if (!t || !*t)
        return NULL;
    if (v->src == NODE_V_CONFIG && t[0] != '/' && v->file) {
        /* kubelet and kube-proxy config files: relative to the file */
        ld_autofree char *d = ld_xstrdup(v->file);
        char *s = strrchr(d, '/');
        if (s)
            *s = '\0';
        return ld_xasprintf("%s/%s", d, t);
    }
    return node_host_path(c, t, why);
}

/* One named file (or the default location when the flag is unset and the
 * default exists). */
static void one_named(node_ctx *x, node_component *c, const node_value *v, const char *dflt,
                      file_set *s, const char *unset_reason)
{
    char *why = NULL;
    char *p = named_path(c, v, &why);
    if (p) {
        ld_strlist_push_owned(&s->paths, p);
        return;
    }
    if (why) {
        s->error = why;
        return;
    }
    if (dflt && present(s->root, dflt)) {
        ld_strlist_push(&s->paths, dflt);
        return;
    }
    s->skip =
        ld_xasprintf("%s%s%s", unset_reason, dflt ? ", and there is no " : "", dflt ? dflt : "");
}

static void collect(node_ctx *x, const node_check *k, const file_rule *fr, file_set *s)
{
    node_model *m = x->m;
    node_component *c = k->scope < NODE_COMPONENT_COUNT ? &m->c[k->scope] : NULL;
    node_value v;
    /* files a component names are where it sees them; the others on the node */
    bool named = fr->kind == FT_ETCD_DATA_DIR || fr->kind == FT_KUBECONFIG ||
                 fr->kind == FT_KUBELET_KUBECONFIG || fr->kind == FT_KUBELET_CLIENT_CA ||
                 fr->kind == FT_KUBELET_CONFIG || fr->kind == FT_PROXY_KUBECONFIG;
    s->root = m->root;
    s->whose = ld_xstrdup("");
    if (named && c && c->proc_root) {
        s->root = c->proc_root;
        free(s->whose);
        s->whose = ld_xasprintf(" (in the file system of %s pid %ld)", c->name, c->pid);
    }
    switch (fr->kind) {
    case FT_MANIFEST:
        s->what = "static pod manifest";
        if ((c->source == NODE_SRC_MANIFEST || c->source == NODE_SRC_UNIT) && c->path)
            ld_strlist_push(&s->paths, c->path);
        else
            s->skip = ld_xasprintf("%s runs as process %ld, not from a static pod manifest or "
                                   "unit file found here",
                                   c->name, c->pid);
        break;
    case FT_ETCD_DATA_DIR:
        s->what = "etcd data directory";
        node_flag_value(m, c, "data-dir", &v);
        one_named(x, c, &v, fr->dflt, s, "etcd --data-dir not set");
        break;
    case FT_ADMIN_CONF:
        s->what = "administrator kubeconfig";
        s->multi = true;
        s->summary_target = ld_xstrdup("/etc/kubernetes/admin.conf");
        for (const char *const *p = (const char *const[]){"/etc/kubernetes/admin.conf",
                                                          "/etc/kubernetes/super-admin.conf", NULL};
             *p; p++)
            if (present(m->root, *p))
                ld_strlist_push(&s->paths, *p);
        if (!s->paths.n)
            s->skip = ld_xstrdup("no /etc/kubernetes/admin.conf or super-admin.conf");
        break;
    case FT_KUBECONFIG:
        s->what = "kubeconfig";
        node_flag_value(m, c, "kubeconfig", &v);
        one_named(x, c, &v, fr->dflt, s, "--kubeconfig not set");
        break;
    case FT_PKI:
    case FT_PKI_CRT:
    case FT_PKI_KEY: {
        s->what = fr->kind == FT_PKI ? "PKI file" : fr->kind == FT_PKI_CRT ? "certificate" : "key";
        s->multi = true;
        s->summary_target = ld_xstrdup(pki_dir);
        struct stat st;
        if (ld_host_lstat(m->root, pki_dir, &st) < 0) {
            s->skip = ld_xasprintf("no %s", pki_dir);
            break;
        }
        ld_strlist all = {0};
        if (fr->kind == FT_PKI)
            ld_strlist_push(&all, pki_dir);
        if (walk(m->root, pki_dir, 0, fr->kind == FT_PKI, &all) == -E2BIG)
            s->error = ld_xasprintf("more than %d files under %s: not assessed",
                                    NODE_WALK_FILES_MAX, pki_dir);
        for (size_t i = 0; i < all.n; i++)
            if (fr->kind == FT_PKI || ends_with(all.v[i], fr->kind == FT_PKI_CRT ? ".crt" : ".key"))
                ld_strlist_push(&s->paths, all.v[i]);
        ld_strlist_clear(&all);
        if (!s->paths.n && !s->error)
            s->skip = ld_xasprintf("no %s file under %s",
                                   fr->kind == FT_PKI_CRT ? "*.crt" : "*.key", pki_dir);
        break;
    }
    case FT_CNI: {
        s->what = "CNI file";
        s->multi = true;
        const char *conf = "/etc/cni/net.d";
        const ld_node_flag *f = ld_node_flag_get(&m->c[NODE_KUBELET].flags, "cni-conf-dir");
        if (f && f->value[0])
            conf = f->value;
        s->summary_target = ld_xstrdup(conf);
        const char *dirs[] = {conf, "/var/lib/cni/networks"};
        for (int i = 0; i < 2; i++)
            if (walk(m->root, dirs[i], 0, false, &s->paths) == -E2BIG && !s->error)
                s->error = ld_xasprintf("more than %d files under %s: not assessed",
                                        NODE_WALK_FILES_MAX, dirs[i]);
        if (!s->paths.n && !s->error)
            s->skip = ld_xasprintf("no file in %s or /var/lib/cni/networks", conf);
        break;
    }
    case FT_KUBELET_UNIT:
        s->what = "kubelet unit file";
        s->multi = true;
        for (size_t i = 0; i < m->kubelet_unit_files.n; i++)
            ld_strlist_push(&s->paths, m->kubelet_unit_files.v[i]);
        if (s->paths.n)
            s->summary_target = ld_xstrdup(s->paths.v[0]);
        else
            s->skip = ld_xstrdup("no kubelet.service unit or drop-in: the kubelet is not run by "
                                 "systemd here");
        break;
    case FT_KUBELET_KUBECONFIG:
        s->what = "kubelet kubeconfig";
        node_kubelet_value(m, "kubeconfig", NULL, &v);
        one_named(x, c, &v, fr->dflt, s, "the kubelet has no --kubeconfig (standalone)");
        break;
    case FT_KUBELET_CLIENT_CA:
        s->what = "kubelet client CA file";
        node_kubelet_value(m, "client-ca-file", "authentication.x509.clientCAFile", &v);
        one_named(x, c, &v, NULL, s, "the kubelet names no client CA file");
        break;
    case FT_KUBELET_CONFIG:
        s->what = "kubelet config file";
        if (m->kubelet_config.path)
            ld_strlist_push(&s->paths, m->kubelet_config.path);
        for (size_t i = 0; i < m->n_kubelet_dropins; i++)
            ld_strlist_push(&s->paths, m->kubelet_dropins[i].path);
        if (!s->paths.n)
            s->skip = ld_xstrdup("the kubelet runs without a config file (--config)");
        s->multi = s->paths.n > 1;
        if (s->multi)
            s->summary_target = ld_xstrdup(s->paths.v[0]);
        break;
    case FT_PROXY_KUBECONFIG: {
        s->what = "kube-proxy kubeconfig";
        node_flag_value(m, c, "kubeconfig", &v);
        if (v.src == NODE_V_UNSET && m->proxy_config.path && m->proxy_config.error) {
            s->error = ld_xasprintf("kube-proxy --config: %s", m->proxy_config.error);
            break;
        }
        one_named(x, c, &v, NULL, s, "kube-proxy names no kubeconfig");
        /* "if the proxy kubeconfig file exists": a containerized kube-proxy's
         * file is inside its container */
        if (s->paths.n == 1 && !present(s->root, s->paths.v[0])) {
            s->skip = ld_xasprintf("%s (kube-proxy's kubeconfig) does not exist on the node "
                                   "(a kube-proxy in a container has it inside)",
                                   s->paths.v[0]);
            ld_strlist_clear(&s->paths);
        }
        break;
    }
    }
}

/* Judges one file. Returns the status; *ev the evidence (caller frees). */
static ld_status judge(const file_set *s, const file_rule *fr, const char *path, char **ev)
{
    const char *root = s->root;
    struct stat lst, st;
    int rc = ld_host_lstat(root, path, &lst);
    if (rc == -ENOENT) {
        *ev = ld_xasprintf("%s does not exist%s", path, s->whose);
        return LD_STATUS_SKIPPED;
    }
    if (rc < 0) {
        *ev = ld_xasprintf("not assessed: cannot look at %s%s: %s", path, s->whose, strerror(-rc));
        return LD_STATUS_ERROR;
    }
    const char *link = "";
    st = lst;
    if (S_ISLNK(lst.st_mode)) {
        rc = ld_host_stat(root, path, &st);
        if (rc < 0) {
            *ev = ld_xasprintf("not assessed: %s is a symlink that cannot be followed inside the "
                               "host root: %s",
                               path, strerror(-rc));
            return LD_STATUS_ERROR;
        }
        link = " (a symlink: its target's)";
    }
    ld_autofree char *user = ld_host_user_name(root, st.st_uid);
    ld_autofree char *group = ld_host_group_name(root, st.st_gid);
    unsigned mode = (unsigned)st.st_mode & 07777;
    if (fr->owner) {
        bool ok;
        if (strcmp(fr->user, "root") == 0)
            ok = st.st_uid == 0 && st.st_gid == 0;
        else
            ok = strcmp(user, fr->user) == 0 && strcmp(group, fr->group) == 0;
        *ev = ld_xasprintf("%s%s %s:%s (uid %u, gid %u)%s; want %s:%s", path, s->whose, user, group,
                           (unsigned)st.st_uid, (unsigned)st.st_gid, link, fr->user, fr->group);
        return ok ? LD_STATUS_PASS : LD_STATUS_FAIL;
    }
    bool ok = (mode & ~fr->max_mode) == 0;
    *ev = ld_xasprintf("%s%s mode %04o%s; want %04o or stricter", path, s->whose, mode, link,
                       fr->max_mode);
    return ok ? LD_STATUS_PASS : LD_STATUS_FAIL;
}

static int check_files(node_ctx *x, const node_check *k)
{
    const file_rule *fr = k->arg;
    file_set s = {0};
    collect(x, k, fr, &s);
    int rc = 0;
    if (s.error) {
        const char *target = s.summary_target ? s.summary_target
                             : s.paths.n      ? s.paths.v[0]
                                              : (fr->dflt ? fr->dflt : "(unknown)");
        rc = node_emit_file(x, k->id, LD_STATUS_ERROR, target, 0, "not assessed: %s", s.error);
        if (!s.multi || rc < 0) {
            file_set_clear(&s);
            return rc;
        }
    } else if (s.skip) {
        rc = node_emit_file(x, k->id, LD_STATUS_SKIPPED,
                            s.summary_target ? s.summary_target : fr->dflt, 0, "%s", s.skip);
        file_set_clear(&s);
        return rc;
    }
    size_t failed = 0, judged = 0, errors = 0;
    for (size_t i = 0; rc == 0 && i < s.paths.n; i++) {
        ld_autofree char *ev = NULL;
        ld_status st = judge(&s, fr, s.paths.v[i], &ev);
        if (st == LD_STATUS_PASS) {
            judged++;
            if (!s.multi)
                rc = node_emit_file(x, k->id, st, s.paths.v[i], 0, "%s", ev);
            continue;
        }
        if (st == LD_STATUS_SKIPPED && s.multi)
            continue; /* gone since it was listed */
        failed += st == LD_STATUS_FAIL;
        errors += st == LD_STATUS_ERROR;
        judged += st == LD_STATUS_FAIL;
        rc = node_emit_file(x, k->id, st, s.paths.v[i], 0, "%s", ev);
    }
    if (rc == 0 && s.multi && judged > 0 && failed == 0 && errors == 0 && !s.error)
        rc =
            node_emit_file(x, k->id, LD_STATUS_PASS, s.summary_target, 0,
                           "%zu %s%s checked, every one %s", judged, s.what, judged == 1 ? "" : "s",
                           fr->owner ? "owned as wanted" : "within the mode wanted");
    if (rc == 0 && s.multi && judged == 0 && errors == 0 && !s.error)
        rc = node_emit_file(x, k->id, LD_STATUS_SKIPPED, s.summary_target, 0, "no %s left to check",
                            s.what);
    file_set_clear(&s);
    return rc;
}

#define FILE_CHECK(id, scope, rule)                                                                \
    {                                                                                              \
        id, scope, check_files, rule                                                               \
    }

static const file_rule f_manifest_mode = {.kind = FT_MANIFEST, .max_mode = 0600};
static const file_rule f_manifest_owner = {
    .kind = FT_MANIFEST, .owner = true, .user = "root", .group = "root"};
static const file_rule f_cni_mode = {.kind = FT_CNI, .max_mode = 0600};
static const file_rule f_cni_owner = {
    .kind = FT_CNI, .owner = true, .user = "root", .group = "root"};
static const file_rule f_etcd_data_mode = {
    .kind = FT_ETCD_DATA_DIR, .max_mode = 0700, .dflt = "/var/lib/etcd"};
static const file_rule f_etcd_data_owner = {.kind = FT_ETCD_DATA_DIR,
                                            .owner = true,
                                            .user = "etcd",
                                            .group = "etcd",
                                            .dflt = "/var/lib/etcd"};
static const file_rule f_admin_mode = {.kind = FT_ADMIN_CONF, .max_mode = 0600};
static const file_rule f_admin_owner = {
    .kind = FT_ADMIN_CONF, .owner = true, .user = "root", .group = "root"};
static const file_rule f_sched_conf_mode = {
    .kind = FT_KUBECONFIG, .max_mode = 0600, .dflt = "/etc/kubernetes/scheduler.conf"};
static const file_rule f_sched_conf_owner = {.kind = FT_KUBECONFIG,
                                             .owner = true,
                                             .user = "root",
                                             .group = "root",
                                             .dflt = "/etc/kubernetes/scheduler.conf"};
static const file_rule f_cm_conf_mode = {
    .kind = FT_KUBECONFIG, .max_mode = 0600, .dflt = "/etc/kubernetes/controller-manager.conf"};
static const file_rule f_cm_conf_owner = {.kind = FT_KUBECONFIG,
                                          .owner = true,
                                          .user = "root",
                                          .group = "root",
                                          .dflt = "/etc/kubernetes/controller-manager.conf"};
static const file_rule f_pki_owner = {
    .kind = FT_PKI, .owner = true, .user = "root", .group = "root"};
static const file_rule f_pki_crt_mode = {.kind = FT_PKI_CRT, .max_mode = 0600};
static const file_rule f_pki_key_mode = {.kind = FT_PKI_KEY, .max_mode = 0600};
static const file_rule f_kl_unit_mode = {.kind = FT_KUBELET_UNIT, .max_mode = 0600};
static const file_rule f_kl_unit_owner = {
    .kind = FT_KUBELET_UNIT, .owner = true, .user = "root", .group = "root"};
static const file_rule f_proxy_conf_mode = {.kind = FT_PROXY_KUBECONFIG, .max_mode = 0600};
static const file_rule f_proxy_conf_owner = {
    .kind = FT_PROXY_KUBECONFIG, .owner = true, .user = "root", .group = "root"};
static const file_rule f_kl_conf_mode = {
    .kind = FT_KUBELET_KUBECONFIG, .max_mode = 0600, .dflt = "/etc/kubernetes/kubelet.conf"};
static const file_rule f_kl_conf_owner = {.kind = FT_KUBELET_KUBECONFIG,
                                          .owner = true,
                                          .user = "root",
                                          .group = "root",
                                          .dflt = "/etc/kubernetes/kubelet.conf"};
static const file_rule f_kl_ca_mode = {.kind = FT_KUBELET_CLIENT_CA, .max_mode = 0600};
static const file_rule f_kl_ca_owner = {
    .kind = FT_KUBELET_CLIENT_CA, .owner = true, .user = "root", .group = "root"};
static const file_rule f_kl_config_mode = {.kind = FT_KUBELET_CONFIG, .max_mode = 0600};
static const file_rule f_kl_config_owner = {
    .kind = FT_KUBELET_CONFIG, .owner = true, .user = "root", .group = "root"};

const node_check node_file_checks[] = {
    /* 1.1 control plane files */
    FILE_CHECK("k8s.node.apiserver.manifest-mode", NODE_APISERVER, &f_manifest_mode),   /* 1.1.1 */
    FILE_CHECK("k8s.node.apiserver.manifest-owner", NODE_APISERVER, &f_manifest_owner), /* 1.1.2 */
    FILE_CHECK("k8s.node.controller-manager.manifest-mode", NODE_CONTROLLER_MANAGER,
               &f_manifest_mode), /* 1.1.3 */
    FILE_CHECK("k8s.node.controller-manager.manifest-owner", NODE_CONTROLLER_MANAGER,
               &f_manifest_owner),                                                      /* 1.1.4 */
    FILE_CHECK("k8s.node.scheduler.manifest-mode", NODE_SCHEDULER, &f_manifest_mode),   /* 1.1.5 */
    FILE_CHECK("k8s.node.scheduler.manifest-owner", NODE_SCHEDULER, &f_manifest_owner), /* 1.1.6 */
    FILE_CHECK("k8s.node.etcd.manifest-mode", NODE_ETCD, &f_manifest_mode),             /* 1.1.7 */
    FILE_CHECK("k8s.node.etcd.manifest-owner", NODE_ETCD, &f_manifest_owner),           /* 1.1.8 */
    FILE_CHECK("k8s.node.cni.file-mode", NODE_SCOPE_CNI, &f_cni_mode),                  /* 1.1.9 */
    FILE_CHECK("k8s.node.cni.file-owner", NODE_SCOPE_CNI, &f_cni_owner),                /* 1.1.10 */
    FILE_CHECK("k8s.node.etcd.data-dir-mode", NODE_ETCD, &f_etcd_data_mode),            /* 1.1.11 */
    FILE_CHECK("k8s.node.etcd.data-dir-owner", NODE_ETCD, &f_etcd_data_owner),          /* 1.1.12 */
    FILE_CHECK("k8s.node.control-plane.admin-conf-mode", NODE_SCOPE_CONTROL_PLANE,
               &f_admin_mode), /* 1.1.13 */
    FILE_CHECK("k8s.node.control-plane.admin-conf-owner", NODE_SCOPE_CONTROL_PLANE,
               &f_admin_owner), /* 1.1.14 */
    FILE_CHECK("k8s.node.scheduler.kubeconfig-mode", NODE_SCHEDULER,
               &f_sched_conf_mode), /* 1.1.15 */
    FILE_CHECK("k8s.node.scheduler.kubeconfig-owner", NODE_SCHEDULER,
               &f_sched_conf_owner), /* 1.1.16 */
    FILE_CHECK("k8s.node.controller-manager.kubeconfig-mode", NODE_CONTROLLER_MANAGER,
               &f_cm_conf_mode), /* 1.1.17 */
    FILE_CHECK("k8s.node.controller-manager.kubeconfig-owner", NODE_CONTROLLER_MANAGER,
               &f_cm_conf_owner), /* 1.1.18 */
    FILE_CHECK("k8s.node.control-plane.pki-owner", NODE_SCOPE_CONTROL_PLANE,
               &f_pki_owner), /* 1.1.19 */
    FILE_CHECK("k8s.node.control-plane.pki-cert-mode", NODE_SCOPE_CONTROL_PLANE,
               &f_pki_crt_mode), /* 1.1.20 */
    FILE_CHECK("k8s.node.control-plane.pki-key-mode", NODE_SCOPE_CONTROL_PLANE,
               &f_pki_key_mode), /* 1.1.21 */
    /* 4.1 worker files */
    FILE_CHECK("k8s.node.kubelet.service-file-mode", NODE_KUBELET, &f_kl_unit_mode),   /* 4.1.1 */
    FILE_CHECK("k8s.node.kubelet.service-file-owner", NODE_KUBELET, &f_kl_unit_owner), /* 4.1.2 */
    FILE_CHECK("k8s.node.proxy.kubeconfig-mode", NODE_PROXY, &f_proxy_conf_mode),      /* 4.1.3 */
    FILE_CHECK("k8s.node.proxy.kubeconfig-owner", NODE_PROXY, &f_proxy_conf_owner),    /* 4.1.4 */
    FILE_CHECK("k8s.node.kubelet.kubeconfig-mode", NODE_KUBELET, &f_kl_conf_mode),     /* 4.1.5 */
    FILE_CHECK("k8s.node.kubelet.kubeconfig-owner", NODE_KUBELET, &f_kl_conf_owner),   /* 4.1.6 */
    FILE_CHECK("k8s.node.kubelet.client-ca-mode", NODE_KUBELET, &f_kl_ca_mode),        /* 4.1.7 */
    FILE_CHECK("k8s.node.kubelet.client-ca-owner", NODE_KUBELET, &f_kl_ca_owner),      /* 4.1.8 */
    FILE_CHECK("k8s.node.kubelet.config-mode", NODE_KUBELET, &f_kl_config_mode),       /* 4.1.9 */
    FILE_CHECK("k8s.node.kubelet.config-owner", NODE_KUBELET, &f_kl_config_owner),     /* 4.1.10 */
};

const size_t node_file_checks_count = sizeof(node_file_checks) / sizeof(node_file_checks[0]);
