/* What node.c finds on a Kubernetes node and what the check files
 * (node_checks.c, node_files.c) share: the node model (each component,
 * where its command line came from, the files it names), value lookup
 * with the source of every value, and how a node finding is filed.
 * Internal to src/k8s/node*.c; not a public API. */
#ifndef LD_K8S_NODE_INTERNAL_H
#define LD_K8S_NODE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/error.h"
#include "core/findings.h"
#include "k8s/manifest.h"
#include "k8s/node_flags.h"
#include "util/strlist.h"
#include "util/yaml_doc.h"

/* Caps on what a node assessment reads. */
#define NODE_FILE_MAX ((size_t)4 * 1024 * 1024) /* one manifest or config file */
#define NODE_DIR_ENTRIES_MAX 512                /* entries of one directory read */
#define NODE_PROC_MAX 65536                     /* processes looked at */
#define NODE_WALK_FILES_MAX 2000                /* files of one tree walk (PKI, CNI) */
#define NODE_WALK_DEPTH_MAX 8

typedef enum {
    NODE_APISERVER,
    NODE_CONTROLLER_MANAGER,
    NODE_SCHEDULER,
    NODE_ETCD,
    NODE_KUBELET,
    NODE_PROXY,
    NODE_COMPONENT_COUNT
} node_kind;

/* Groups of checks that apply or not together: one per component, plus
 * the control plane's shared files (admin.conf, PKI) and CNI files. */
typedef enum {
    NODE_SCOPE_CONTROL_PLANE = NODE_COMPONENT_COUNT,
    NODE_SCOPE_CNI,
    NODE_SCOPE_COUNT
} node_scope_extra;

typedef enum { NODE_SRC_NONE, NODE_SRC_MANIFEST, NODE_SRC_PROCESS, NODE_SRC_UNIT } node_source;

/* A file a check reads (a config file, an encryption or audit policy). */
typedef struct {
    char *path;               /* host path it was read from */
    char *named;              /* the path as the component names it */
    ld_k8s_set *set;          /* Kubernetes object files: owns the tree */
    ld_yaml_node *tree;       /* plain YAML files (etcd's config): owned */
    const ld_k8s_object *obj; /* the first object (Kubernetes object files) */
    const ld_yaml_node *root; /* the document's map */
    char *error;              /* could not be read or parsed: why (NULL when read) */
    bool missing;             /* the file does not exist */
} node_doc;

typedef struct {
    node_kind kind;
    const char *name; /* "kube-apiserver" */
    bool present;
    char *unread;       /* present, but its command line could not be read: why */
    node_source source; /* where argv came from */
    char *path;         /* manifest or unit file (NULL for a process) */
    int line;           /* manifest: the container's command/args; unit: ExecStart= */
    long pid;           /* its process, 0 when none was seen */
    ld_strlist argv;
    int *lines;          /* per argv item: its manifest line (NULL when not from a manifest) */
    ld_node_flags flags; /* parsed from argv[1..] */
    ld_strlist env;      /* NAME=VALUE: the container's literal env, or the unit's environment */
    char *version;       /* from the static pod's image tag ("v1.30.2"), or NULL */
    /* a process on a live node (root "/"): "/proc/PID/root", its own root,
     * where the paths it names are (a containerized kube-proxy's config);
     * NULL: the node's root */
    char *proc_root;
    /* static pod (source NODE_SRC_MANIFEST) */
    ld_k8s_set *pod_set;
    const ld_yaml_node *pod;       /* the Pod's map */
    const ld_yaml_node *container; /* the component's container */
    /* files read for checks, by host path */
    node_doc *docs;
    size_t n_docs, docs_cap;
} node_component;

typedef struct {
    const char *root;
    char *host;
    node_component c[NODE_COMPONENT_COUNT];
    char *manifest_dir;
    bool proc_seen;                /* ROOT/proc could be listed */
    ld_node_unit kubelet_unit;     /* kubelet.service with its drop-ins */
    ld_strlist kubelet_unit_files; /* those files' paths, as read */
    node_doc kubelet_config;       /* --config (path NULL when the kubelet has none) */
    node_doc *kubelet_dropins; /* the *.conf files of --config-dir, in the order the kubelet applies
                                  them */
    size_t n_kubelet_dropins;
    node_doc proxy_config; /* kube-proxy --config */
    node_doc etcd_config;  /* etcd --config-file */
    ld_strlist notes;
} node_model;

/* ---- discovery (node.c) ------------------------------------------------------ */

void node_model_load(node_model *m, const char *root);
void node_model_clear(node_model *m);
bool node_scope_present(const node_model *m, int scope);
/* Prefix of a scope's check ids ("k8s.node.apiserver."). */
const char *node_scope_prefix(int scope);

/* The host path of a path the component names: a static pod's container
 * path is mapped through its hostPath volume mounts; other components
 * name host paths. NULL with *why set (caller frees) when the path is not
 * on the host (inside the container image, or on a non-hostPath volume).
 * Caller frees. */
char *node_host_path(const node_component *c, const char *named, char **why);

/* A file the component names, read once and kept (k8s: parsed as a
 * Kubernetes object file; else as plain YAML). Never NULL; check ->error
 * and ->missing. */
const node_doc *node_component_doc(node_component *c, const char *root, const char *named,
                                   bool k8s);

/* The root the paths a component names are read under: its process's
 * own root on a live node, else the node's root. */
const char *node_read_root(const node_model *m, const node_component *c);

/* Reads d->path as the component sees it (under its process's root when
 * it has one, else under root); errors say whose file system it was. */
void node_component_read(const node_component *c, const char *root, node_doc *d, bool k8s);

/* Reads and parses one file under root into d (d->path set by caller). */
void node_doc_read(node_doc *d, const char *root, bool k8s);
void node_doc_clear(node_doc *d);

/* ---- values ------------------------------------------------------------------- */

typedef enum { NODE_V_UNSET, NODE_V_FLAG, NODE_V_CONFIG, NODE_V_ENV } node_vsrc;

/* One setting as the component sees it, and where it was set. */
typedef struct {
    node_vsrc src;
    const char *text; /* flag or env value, or config scalar; NULL when unset or not a scalar */
    const ld_yaml_node *node; /* config value node */
    const ld_node_flag *flag; /* NODE_V_FLAG */
    const char *file;         /* NODE_V_CONFIG: the config file */
    char name[128];           /* "--anonymous-auth", "authentication.anonymous.enabled", "ETCD_X" */
} node_value;

/* A flag of a component (etcd: its --config-file, else the flag, else the
 * ETCD_* variable, as etcd reads them). */
void node_flag_value(const node_model *m, const node_component *c, const char *flag, node_value *v);
/* A kubelet setting: --flag (when flag is not NULL) over the config
 * drop-ins over the config file (config_path, dotted; NULL when the
 * setting has no config field). */
void node_kubelet_value(const node_model *m, const char *flag, const char *config_path,
                        node_value *v);
/* The kubelet runs with a config file (--config given). */
bool node_kubelet_has_config(const node_model *m);
/* Why the kubelet's config file could not be read, or NULL. */
const char *node_kubelet_config_error(const node_model *m);

/* ---- findings ----------------------------------------------------------------- */

typedef struct {
    ld_findings *r;
    ld_error *err;
    node_model *m;
} node_ctx;

/* A finding of check id about component c; v (may be NULL) says which
 * value it is about, to point at the file and line that set it. */
int node_emit(node_ctx *x, const char *id, ld_status st, const node_component *c,
              const node_value *v, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* A finding of check id about a file (target: the path). */
int node_emit_file(node_ctx *x, const char *id, ld_status st, const char *path, int line,
                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* ---- checks (node_checks.c, node_files.c) ------------------------------------- */

typedef struct node_check node_check;
typedef int (*node_check_fn)(node_ctx *x, const node_check *k);
struct node_check {
    const char *id;
    int scope;
    node_check_fn fn;
    const void *arg; /* a rule row the function reads */
};

/* The k8s.node checks of settings (node_checks.c) and of file owners and
 * modes (node_files.c), each in benchmark order. */
extern const node_check node_checks[];
extern const size_t node_checks_count;
extern const node_check node_file_checks[];
extern const size_t node_file_checks_count;

/* Names of dir's entries under root (hidden ones left out), sorted.
 * Returns 0, -ENOENT when dir is missing, another -errno, or -E2BIG past
 * NODE_DIR_ENTRIES_MAX entries (names then holds the first ones). */
int node_list_dir(const char *root, const char *dir, ld_strlist *names);

#endif
