/* What the files of the container table share (containers.c: the table
 * and the engine; cgroup_scan.c: the cgroup hierarchies and the inode
 * index; container_inspect.c: an inspect document -> ld_rt_container;
 * egress.c: parsing). Private to src/runtime: not an API. */
#ifndef LD_RUNTIME_CONTAINERS_INTERNAL_H
#define LD_RUNTIME_CONTAINERS_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "runtime/containers.h"

/* ---- cgroup hierarchies (cgroup_scan.c) ---- */

#define LD_RT_CGROUP_MAX_DEPTH 24    /* kubepods systemd slices need about 8 */
#define LD_RT_CGROUP_MAX_DIRS 200000 /* per hierarchy and scan */
#define LD_RT_CGROUP_PATH_MAX 4096

/* The cgroup v2 hierarchy (root itself when it is cgroup2, else
 * root/unified on hybrid hosts) and the v1 memory controller (root/memory
 * on v1 and hybrid hosts). A directory that is no cgroup file system (a
 * test tree) is taken by its layout: root/unified -> hybrid, root/memory
 * -> v1 memory, root/cgroup.procs -> v2. Either may be NULL (caller
 * frees); -1 with err when there is neither. */
int ld_rt_cgroup_find_roots(const char *root, char **v2, char **v1_memory, ld_error *err);

/* Receives each directory below (and including) the root: its path
 * relative to the root ("" for the root, "docker/<id>", no leading '/')
 * and its inode number (the kernel's cgroup id). Nonzero stops the walk. */
typedef int (*ld_rt_cgroup_visit_fn)(const char *rel, size_t len, uint64_t ino, void *ctx);
typedef struct {
    size_t dirs;    /* visited */
    bool truncated; /* a bound was hit (depth, count, path length): some not visited */
} ld_rt_cgroup_walk_stats;
/* Walks the hierarchy at path, depth-first, never following a symbolic
 * link, at most LD_RT_CGROUP_MAX_DEPTH deep and LD_RT_CGROUP_MAX_DIRS
 * directories. 0, or a negative code with err when path cannot be opened. */
int ld_rt_cgroup_walk(const char *path, ld_rt_cgroup_visit_fn fn, void *ctx,
                      ld_rt_cgroup_walk_stats *st, ld_error *err);

/* The path, relative to the hierarchy's root, of the cgroup whose id is
 * ino, asked of the kernel (open_by_handle_at with the kernfs file handle:
 * needs CAP_DAC_READ_SEARCH); root_fd is the hierarchy's root directory
 * and root_path its canonical path. 0; -1 when there is no such cgroup
 * (now); -2 when the kernel does not resolve handles here (no permission,
 * not a cgroup file system: the caller falls back to a walk). */
int ld_rt_cgroup_path_of_id(int root_fd, const char *root_path, uint64_t ino, char *out,
                            size_t size);

/* inode -> value, open addressing (inode 0 is never a key). */
typedef struct {
    uint64_t *keys;
    void **values;
    size_t cap, n; /* cap: a power of two, or 0 */
} ld_rt_ino_map;
void ld_rt_ino_map_put(ld_rt_ino_map *m, uint64_t ino, void *value);
/* The value of ino; NULL when absent. */
void *ld_rt_ino_map_get(const ld_rt_ino_map *m, uint64_t ino);
/* Every value equal to from becomes to. */
void ld_rt_ino_map_replace(ld_rt_ino_map *m, const void *from, void *to);
void ld_rt_ino_map_clear(ld_rt_ino_map *m);

/* ---- the engine's description (container_inspect.c) ---- */

#define LD_RT_MAX_LABELS 512
#define LD_RT_LABEL_KEY_MAX 512
#define LD_RT_LABEL_VALUE_MAX 8192

/* Fills ct from an inspect document (GET /containers/{id}/json): name,
 * Config.Image, Image, Config.Labels (at most LD_RT_MAX_LABELS; longer keys
 * or values skipped), HostConfig.Privileged / NetworkMode / PidMode /
 * IpcMode, GraphDriver.Data.UpperDir (only an absolute path), the
 * Kubernetes pod labels. The strings ct held before are freed; ct->id,
 * runtime and egress are kept. LD_ERR_CORRUPT when doc is not an object or
 * its Id is not ct->id. Sets ct->known. */
int ld_rt_container_from_inspect(ld_rt_container *ct, const json_t *doc, ld_error *err);
/* The value of label key; NULL if absent. */
const char *ld_rt_container_label(const ld_rt_container *ct, const char *key);
/* Frees what ct holds (strings, labels, egress) and zeroes it but the id. */
void ld_rt_container_clear(ld_rt_container *ct);

/* ---- egress choice (containers.c) ---- */

#define LD_RT_EGRESS_LABEL "io.lockdown.egress"

/* Sets ct's egress policy: the label io.lockdown.egress when present, else
 * the first pair of policy (glob, destinations) whose glob matches the
 * image (as created, then its repository without tag or digest), else the
 * first whose glob matches the name. A malformed label or entry: has_egress
 * with no destination allowed, and egress_note says why (fail closed). */
void ld_rt_container_choose_egress(ld_rt_container *ct, const char *const *policy);

#endif
