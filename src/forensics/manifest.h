/* The bundle's manifest: chain-of-custody fields and the list of every
 * artifact with its size and SHA-256, written as manifest.json (JSON,
 * keys in a fixed order, "schema": "lockdown-capture/1") and, with a key,
 * signed: manifest.json.sig holds the base64 of the signature over the
 * exact bytes of manifest.json (what `cosign sign-blob` writes, so
 * `cosign verify-blob --key PUB --signature manifest.json.sig
 * manifest.json` checks it too). Also the reader of a manifest for verify
 * and show: hostile input (bounded size, strict types, every path checked
 * with ld_fx_relpath_ok).
 *
 * manifest.json:
 *   {"schema": "lockdown-capture/1",
 *    "custody": {"tool": "lockdown", "tool_version": "...", "host": {...},
 *                "user": {...}, "command_line": [...redacted...],
 *                "started": "RFC3339.ns", "ended": "...",
 *                "freeze": {"method": "cgroup-v2|cgroup-v1-freezer|engine-pause|none",
 *                           "frozen": "...", "thawed": "...", "frozen_ns": N,
 *                           "thawed_by": "lockdown|watchdog|none", "note": "..."}},
 *    "container": {"id", "name", "image", "image_id", "image_digests": [...],
 *                  "engine": "unix:///...", "state_at_capture": "running|paused|..."},
 *    "options": {"memory": "all|anon|none", "volumes": bool, "freeze": bool,
 *                "max_memory": N, "max_fs": N, "max_logs": N},
 *    "artifacts": [{"path", "kind", "size", "sha256", "frozen", "truncated"?, "note"?}, ...],
 *    "notes": ["...", ...],
 *    "signing_key": "sha256:..." (absent when unsigned)} */
#ifndef LD_FORENSICS_MANIFEST_H
#define LD_FORENSICS_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "forensics/bundle.h"
#include "trust/keys.h"

#define LD_FX_SCHEMA "lockdown-capture/1"
#define LD_FX_MANIFEST_MAX_BYTES ((size_t)64 * 1024 * 1024)

typedef enum {
    LD_FX_FREEZE_NONE,       /* --no-freeze, or nothing could freeze */
    LD_FX_FREEZE_CGROUP_V2,  /* cgroup.freeze */
    LD_FX_FREEZE_CGROUP_V1,  /* freezer.state */
    LD_FX_FREEZE_ENGINE,     /* POST /containers/ID/pause */
} ld_fx_freeze_method;
const char *ld_fx_freeze_method_name(ld_fx_freeze_method m);

typedef struct {
    ld_fx_freeze_method method;
    int64_t frozen_ns;     /* CLOCK_REALTIME when frozen (0: never) */
    int64_t thawed_ns;     /* when thawed */
    int64_t interval_ns;   /* measured on CLOCK_MONOTONIC */
    const char *thawed_by; /* "lockdown", "watchdog" (deadline or lockdown gone), "none" */
    char note[512];        /* empty, or why not frozen / what went wrong */
} ld_fx_freeze_record;

typedef struct {
    const char *tool_version;
    /* host */
    const char *hostname;
    const char *machine_id; /* /etc/machine-id, NULL if none */
    const char *boot_id;    /* /proc/sys/kernel/random/boot_id */
    /* who */
    uint32_t uid, euid;
    const char *user_name;  /* from the password database, NULL if none */
    const char *sudo_user;  /* $SUDO_USER, NULL if unset */
    uint32_t loginuid;      /* (uint32_t)-1 when unset */
    char *const *command_line; /* already redacted (core/argv_redact.h) */
    size_t n_command_line;
    int64_t started_ns, ended_ns; /* CLOCK_REALTIME */
    ld_fx_freeze_record freeze;
} ld_fx_custody;

typedef struct {
    const char *id, *name, *image, *image_id;
    const char *const *image_digests; /* RepoDigests */
    size_t n_image_digests;
    const char *engine;           /* endpoint */
    const char *state_at_capture; /* engine State.Status before the freeze */
} ld_fx_container_info;

typedef struct {
    const char *memory; /* "all" | "anon" | "none" */
    bool volumes, freeze;
    uint64_t max_memory, max_fs, max_logs;
} ld_fx_capture_options_record;

/* Writes manifest.json from the bundle's entries and notes, and with key
 * (a private key; NULL: unsigned) manifest.json.sig. Returns 0 or < 0. */
int ld_fx_manifest_write(ld_fx_bundle *b, const ld_fx_custody *c, const ld_fx_container_info *ci,
                         const ld_fx_capture_options_record *o, const ld_key *key, ld_error *err);

/* A manifest read back. Strings owned by the struct. */
typedef struct {
    char *schema;
    char *tool_version, *hostname, *user_name, *started, *ended;
    char *freeze_method, *thawed_by, *freeze_note;
    int64_t frozen_ns_interval; /* custody.freeze.frozen_ns; -1 if absent */
    char *container_id, *container_name, *image, *image_id;
    char *memory_mode;
    char *signing_key; /* fingerprint, NULL when unsigned */
    ld_fx_entry *entries;
    size_t n_entries;
    char **notes;
    size_t n_notes;
    /* the raw bytes of manifest.json, for signature checks (a NUL follows
     * the raw_len bytes, not part of them) */
    unsigned char *raw;
    size_t raw_len;
} ld_fx_manifest;

/* Parses manifest bytes (at most LD_FX_MANIFEST_MAX_BYTES): schema must be
 * LD_FX_SCHEMA, every artifact path ld_fx_relpath_ok and unique, sizes
 * numbers, sha256 64 lowercase hex. LD_ERR_CORRUPT naming the first
 * problem ("manifest.json: artifacts[3].sha256: not 64 hex digits"). */
int ld_fx_manifest_parse(const void *data, size_t len, ld_fx_manifest *out, ld_error *err);
/* Reads BUNDLE/manifest.json (a regular file, not a link) and parses it. */
int ld_fx_manifest_read(int bundle_dirfd, ld_fx_manifest *out, ld_error *err);
void ld_fx_manifest_clear(ld_fx_manifest *m);

#endif
