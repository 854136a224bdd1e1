/* Kubernetes objects as lockdown reads them: every object of every
 * document of every manifest file (YAML or JSON, multi-document, `List`
 * kinds and `kubectl get -o yaml|json` output expanded), or of the API's
 * list responses, in one set with the file and line each came from. The
 * set owns the parsed trees; checks borrow objects and never modify them.
 *
 * Values are the YAML tree of util/yaml_doc.h (JSON parses to the same
 * tree): scalars stay strings; read them through the typed accessors
 * below, which follow what the API server would decode (sigs.k8s.io/yaml:
 * YAML 1.1 booleans, `null`/`~`/empty as absent). Hostile input: every
 * file is bounded in size, depth, node count and alias expansion; a file
 * that cannot be read is recorded (ld_k8s_set_unread) so checks can say
 * "not assessed", never skipped in silence. */
#ifndef LD_K8S_MANIFEST_H
#define LD_K8S_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "util/strlist.h"
#include "util/yaml_doc.h"

typedef struct {
    const char *file;        /* as given ("-" for stdin; the API URL for live reads) */
    int line;                /* line of the object's start (1-based; 0 for API objects) */
    const ld_yaml_node *root;  /* the object's map */
    const char *api_version; /* "apps/v1"; "" if absent */
    const char *kind;        /* "Deployment"; "" if absent */
    const char *name;        /* metadata.name (or generateName); "" if absent */
    const char *namespace_;  /* metadata.namespace; NULL if absent (cluster-scoped, or the
                                default namespace for namespaced kinds: see ld_k8s_namespace) */
} ld_k8s_object;

typedef struct ld_k8s_set ld_k8s_set;

typedef struct {
    size_t max_file_bytes;   /* default 64 MiB per file */
    size_t max_objects;      /* default 1,000,000 per set */
    size_t max_files;        /* default 100,000 files walked in directories */
    int max_dir_depth;       /* default 64 */
} ld_k8s_limits;

ld_k8s_set *ld_k8s_set_new(const ld_k8s_limits *limits); /* NULL: defaults */
void ld_k8s_set_free(ld_k8s_set *s);

/* Adds every object of buf[0..len) (named name in findings). YAML or
 * JSON, detected. Documents that are not Kubernetes objects (no kind or
 * apiVersion) are noted and skipped. Returns 0, or < 0 with err set when
 * the whole input is unusable (the caller decides whether that is fatal;
 * ld_k8s_load_path records it as unread instead). */
int ld_k8s_load_buffer(ld_k8s_set *s, const char *name, const char *buf, size_t len,
                       ld_error *err);

/* Adds the objects of a file, of every .yaml, .yml or .json file under a
 * directory (recursive, symlinks not followed, hidden entries skipped), or
 * of stdin for "-". A file that cannot be read or parsed is recorded as
 * unread (with its reason) and the walk goes on; returns < 0 only when path
 * itself cannot be opened (err names it). */
int ld_k8s_load_path(ld_k8s_set *s, const char *path, ld_error *err);

/* ld_k8s_load_path for an input the user named: when path is a file (or
 * "-") that could not be read or parsed, that is an error (err names it)
 * rather than an unread entry; under a directory the walk goes on. */
int ld_k8s_load_named(ld_k8s_set *s, const char *path, ld_error *err);

size_t ld_k8s_set_count(const ld_k8s_set *s);
const ld_k8s_object *ld_k8s_set_object(const ld_k8s_set *s, size_t i);
/* Files (or API lists) that could not be read, each "FILE: reason". */
const ld_strlist *ld_k8s_set_unread(const ld_k8s_set *s);
/* Benign notes (documents skipped as not Kubernetes objects, ...). */
const ld_strlist *ld_k8s_set_notes(const ld_k8s_set *s);
/* Number of files read. */
size_t ld_k8s_set_files(const ld_k8s_set *s);
/* The inputs as given to the loaders ("deploy/, -", "a.yaml and 3 more"):
 * the name of summary targets. Valid until the next load. */
const char *ld_k8s_set_inputs(const ld_k8s_set *s);

/* The set takes a tree parsed elsewhere (the API client): root becomes
 * owned by s; file and line as in ld_k8s_object. */
int ld_k8s_set_adopt(ld_k8s_set *s, const char *file, ld_yaml_node *root, ld_error *err);
/* For inputs read by other means (the API client, api_lists.c): records an
 * input that could not be read, "WHAT: reason" (a list the server refused:
 * the checks then say "not assessed"), or a benign note (a list the
 * server does not serve). */
void ld_k8s_set_add_unread(ld_k8s_set *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ld_k8s_set_add_note(ld_k8s_set *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- typed access, as the API server decodes ---- */

/* Node at a dotted path of map keys ("spec.template.spec"); NULL when any
 * step is absent, not a map, or null. */
const ld_yaml_node *ld_k8s_at(const ld_yaml_node *n, const char *dotted);
/* Is n absent or a YAML null (unquoted null, Null, NULL, ~, or empty)? */
bool ld_k8s_is_null(const ld_yaml_node *n);
/* Boolean value: true/false (JSON), and the YAML 1.1 spellings an unquoted
 * scalar may use (y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON and the false
 * forms). Returns false when n is absent, null, quoted or not a boolean
 * (*out untouched). */
bool ld_k8s_bool(const ld_yaml_node *n, bool *out);
/* Integer value (decimal, YAML 1.1 0x/0o/0 octal forms, +/-). False when
 * absent, not an integer or out of range. */
bool ld_k8s_int(const ld_yaml_node *n, long long *out);
/* Scalar string value, NULL when absent, null or not a scalar. */
const char *ld_k8s_str(const ld_yaml_node *n);
/* metadata.labels[key] / metadata.annotations[key] of an object map (or
 * of a pod template's metadata map via ld_k8s_meta_*). NULL if absent. */
const char *ld_k8s_label(const ld_k8s_object *o, const char *key);
const char *ld_k8s_annotation(const ld_k8s_object *o, const char *key);
const char *ld_k8s_meta_label(const ld_yaml_node *metadata, const char *key);
const char *ld_k8s_meta_annotation(const ld_yaml_node *metadata, const char *key);
/* The object's namespace as the API server would place it: metadata.namespace,
 * "default" for a namespaced kind without one, NULL for cluster-scoped kinds
 * (Namespace, Node, ClusterRole, ClusterRoleBinding, PersistentVolume,
 * StorageClass, CustomResourceDefinition, *WebhookConfiguration, ...). */
const char *ld_k8s_namespace(const ld_k8s_object *o);
/* "Kind/namespace/name" or "Kind/name" for cluster-scoped objects: the
 * finding target id. Caller frees. */
char *ld_k8s_object_id(const ld_k8s_object *o);

#endif
