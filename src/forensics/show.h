/* `lockdown capture show BUNDLE`: what a bundle holds, for the responder
 * who opens it first: the custody (who captured what, when, frozen how
 * long), the processes (pid, user, command line, executable; exited ones
 * marked), the connections (network/sockets.json with their owners), the
 * changed files (counts and the list), and suspicious findings:
 *   - an executable that is not in the image (added or changed in the
 *     upper layer and executable), and a process running one;
 *   - a process whose executable was deleted while it runs ("(deleted)");
 *   - a process running from memory (memfd: exe "/memfd:... (deleted)");
 *   - a listening socket or an established connection held by a shell
 *     (sh, bash, ash, dash, zsh, busybox as a shell) or by an interpreter
 *     started by one: a reverse or bind shell;
 *   - an artifact the manifest marks truncated, a process that exited
 *     during the capture (the evidence is partial).
 * Reads only the bundle's JSON artifacts, as hostile input (bounded, types
 * checked); it does not verify hashes (verify does). Never prints: the
 * result is rendered by show_render (text or JSON). */
#ifndef LD_FORENSICS_SHOW_H
#define LD_FORENSICS_SHOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"
#include "forensics/manifest.h"

#define LD_FX_SHOW_JSON_MAX ((size_t)256 * 1024 * 1024)

typedef struct {
    int64_t pid, ppid, uid;
    char *comm, *exe, *cmdline; /* cmdline: argv joined with spaces */
    bool exited, exe_deleted, exe_memfd, exe_not_in_image;
    char *core; /* relpath or NULL */
} ld_fx_show_process;

typedef struct {
    char *proto, *local, *remote, *state, *unix_path;
    int64_t local_port, remote_port;
    int64_t *owner_pids;
    size_t n_owners;
} ld_fx_show_socket;

typedef struct {
    char *path, *change, *type;
    bool executable;
    int64_t size;
} ld_fx_show_change;

typedef struct {
    char *kind;    /* "executable-not-in-image", "deleted-executable-running",
                      "memfd-executable", "shell-with-socket", "partial-evidence" */
    char *subject; /* a path or "pid 42 (sh)" */
    char *detail;
} ld_fx_suspicious;

typedef struct {
    ld_fx_manifest manifest;
    ld_fx_show_process *procs;
    size_t n_procs;
    ld_fx_show_socket *sockets;
    size_t n_sockets;
    ld_fx_show_change *changes;
    size_t n_changes;
    uint64_t added, changed, deleted, replaced;
    ld_fx_suspicious *suspicious;
    size_t n_suspicious;
    char **problems; /* artifacts that could not be read, as messages */
    size_t n_problems;
} ld_fx_show;

/* Reads the bundle. 0 (problems with single artifacts go to problems),
 * < 0 when there is no readable manifest. */
int ld_fx_show_load(const char *bundle_dir, ld_fx_show *out, ld_error *err);
void ld_fx_show_clear(ld_fx_show *s);

/* Text for people (sections, changed files up to max_changes then "and N
 * more"; 0: all) or JSON (everything). Terminal control bytes from the
 * bundle are escaped (util/term_text.h). */
int ld_fx_show_render_text(const ld_fx_show *s, FILE *out, size_t max_changes);
int ld_fx_show_render_json(const ld_fx_show *s, FILE *out);

#endif
