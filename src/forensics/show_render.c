/* Rendering of `capture show` (show.h): text for the responder who opens a
 * bundle first (sections Custody, Processes, Connections, File system
 * changes, Suspicious, Problems; every byte that came from the bundle
 * through util/term_text.h, long cells cut with "...") and JSON with
 * everything (util/json_out.h keeps it valid whatever the strings hold).
 * Reads only the ld_fx_show it is given. */
#include <stdlib.h>
#include <string.h>

#include "checks/secrets.h"
#include "forensics/show.h"
#include "util/json_out.h"
#include "util/mem.h"
#include "util/term_text.h"

/* --- text --- */

/* A terminal-safe copy of s cut at max bytes ("..." when cut); "-" for NULL. */
static char *cell(const char *s, size_t max)
{
    if (!s)
        return ld_xstrdup("-");
    ld_term_opts o = {.max = max};
    char *c = ld_term_clean_opts(s, &o);
    if (o.left_out) {
        char *cut = ld_xasprintf("%s...", c);
        free(c);
        c = cut;
    }
    return c;
}

/* Prints rows of ncols cleaned cells (head first), columns padded to
 * their widest cell, the last one not padded; frees the cells. */
static void print_table(FILE *out, char **cells, size_t nrows, size_t ncols)
{
    size_t *width = ld_xcalloc(ncols, sizeof(*width));
    for (size_t r = 0; r < nrows; r++)
        for (size_t c = 0; c + 1 < ncols; c++) {
            size_t w = ld_term_width(cells[r * ncols + c]);
            if (w > width[c])
                width[c] = w;
        }
    for (size_t r = 0; r < nrows; r++) {
        fputs("  ", out);
        for (size_t c = 0; c < ncols; c++) {
            const char *v = cells[r * ncols + c];
            fputs(v, out);
            if (c + 1 < ncols)
                for (size_t pad = ld_term_width(v); pad < width[c] + 2; pad++)
                    fputc(' ', out);
            free(cells[r * ncols + c]);
        }
        fputc('\n', out);
    }
    free(width);
}

static void kv(FILE *out, const char *key, const char *value)
{
    fprintf(out, "  %-14s ", key);
    char *c = cell(value, 4096);
    fputs(c, out);
    free(c);
    fputc('\n', out);
}

static void render_custody(const ld_fx_show *s, FILE *out)
{
    const ld_fx_manifest *m = &s->manifest;
    fputs("Custody\n", out);
    kv(out, "schema", m->schema);
    char *tool = ld_xasprintf("lockdown %s", m->tool_version ? m->tool_version : "(unknown)");
    kv(out, "tool", tool);
    free(tool);
    kv(out, "host", m->hostname);
    kv(out, "user", m->user_name);
    kv(out, "started", m->started);
    kv(out, "ended", m->ended);
    char *freeze;
    if (!m->freeze_method || strcmp(m->freeze_method, "none") == 0)
        freeze = ld_xstrdup("not frozen");
    else if (m->frozen_ns_interval >= 0)
        freeze = ld_xasprintf("%s, frozen for %.3f ms, thawed by %s", m->freeze_method,
                              (double)m->frozen_ns_interval / 1e6,
                              m->thawed_by ? m->thawed_by : "(unknown)");
    else
        freeze = ld_xasprintf("%s, interval not recorded, thawed by %s", m->freeze_method,
                              m->thawed_by ? m->thawed_by : "(unknown)");
    kv(out, "freeze", freeze);
    free(freeze);
    if (m->freeze_note && m->freeze_note[0])
        kv(out, "freeze note", m->freeze_note);
    char *container = ld_xasprintf("%s (%.12s)", m->container_name ? m->container_name : "-",
                                   m->container_id ? m->container_id : "-");
    kv(out, "container", container);
    free(container);
    kv(out, "image", m->image);
    kv(out, "image id", m->image_id);
    kv(out, "memory", m->memory_mode);
    kv(out, "signed by", m->signing_key ? m->signing_key : "unsigned");
    size_t cut = 0;
    for (size_t i = 0; i < m->n_entries; i++)
        cut += m->entries[i].truncated;
    char *artifacts = ld_xasprintf("%zu (%zu cut at a size cap)", m->n_entries, cut);
    kv(out, "artifacts", artifacts);
    free(artifacts);
    for (size_t i = 0; i < m->n_notes; i++)
        kv(out, i ? "" : "notes", m->notes[i]);
}

static char *process_flags(const ld_fx_show_process *p)
{
    char buf[128] = "";
    size_t n = 0;
    const char *names[] = {"exited", "deleted-exe", "memfd", "not-in-image", "core"};
    bool on[] = {p->exited, p->exe_deleted, p->exe_memfd, p->exe_not_in_image, p->core != NULL};
    for (size_t i = 0; i < 5; i++)
        if (on[i])
            n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? "," : "", names[i]);
    return ld_xstrdup(n ? buf : "-");
}

static char *number_or_dash(int64_t v)
{
    return v < 0 ? ld_xstrdup("-") : ld_xasprintf("%lld", (long long)v);
}

static void render_processes(const ld_fx_show *s, FILE *out)
{
    fprintf(out, "\nProcesses (%zu)\n", s->n_procs);
    if (!s->n_procs) {
        fputs("  none\n", out);
        return;
    }
    enum { NCOLS = 7 };
    char **cells = ld_xcalloc((s->n_procs + 1) * NCOLS, sizeof(*cells));
    const char *head[NCOLS] = {"PID", "PPID", "UID", "FLAGS", "COMM", "EXE", "COMMAND"};
    for (size_t c = 0; c < NCOLS; c++)
        cells[c] = ld_xstrdup(head[c]);
    for (size_t i = 0; i < s->n_procs; i++) {
        const ld_fx_show_process *p = &s->procs[i];
        char **row = cells + (i + 1) * NCOLS;
        row[0] = number_or_dash(p->pid);
        row[1] = number_or_dash(p->ppid);
        row[2] = number_or_dash(p->uid);
        row[3] = process_flags(p);
        row[4] = cell(p->comm, 16);
        row[5] = cell(p->exe, 60);
        /* the bundle keeps the command line as evidence; what is shown
         * masks secrets, as everything lockdown prints */
        char *masked = ld_secret_mask_text(NULL, p->cmdline);
        row[6] = cell(masked && masked[0] ? masked : NULL, 160);
        free(masked);
    }
    print_table(out, cells, s->n_procs + 1, NCOLS);
    free(cells);
}

static char *owners_text(const ld_fx_show_socket *k)
{
    if (!k->n_owners)
        return ld_xstrdup("-");
    size_t cap = 8 * 24 + 48, n = 0;
    char *t = ld_xmalloc(cap);
    t[0] = '\0';
    size_t listed = 0, i = 0;
    for (; i < k->n_owners && listed < 8; i++) {
        bool seen = false; /* one process holding the socket through several fds */
        for (size_t j = 0; j < i && !seen; j++)
            seen = k->owner_pids[j] == k->owner_pids[i];
        if (seen)
            continue;
        n += (size_t)snprintf(t + n, cap - n, "%s%lld", listed ? "," : "",
                              (long long)k->owner_pids[i]);
        listed++;
    }
    if (i < k->n_owners)
        snprintf(t + n, cap - n, " (+%zu fds)", k->n_owners - i);
    return t;
}

static char *endpoint_text(const char *addr, int64_t port)
{
    if (!addr)
        return ld_xstrdup("-");
    char *a = cell(addr, 64);
    char *t = port < 0         ? ld_xstrdup(a)
              : strchr(a, ':') ? ld_xasprintf("[%s]:%lld", a, (long long)port)
                               : ld_xasprintf("%s:%lld", a, (long long)port);
    free(a);
    return t;
}

static void render_connections(const ld_fx_show *s, FILE *out)
{
    fprintf(out, "\nConnections (%zu)\n", s->n_sockets);
    if (!s->n_sockets) {
        fputs("  none\n", out);
        return;
    }
    enum { NCOLS = 5 };
    char **cells = ld_xcalloc((s->n_sockets + 1) * NCOLS, sizeof(*cells));
    const char *head[NCOLS] = {"PROTO", "LOCAL", "REMOTE", "STATE", "PIDS"};
    for (size_t c = 0; c < NCOLS; c++)
        cells[c] = ld_xstrdup(head[c]);
    for (size_t i = 0; i < s->n_sockets; i++) {
        const ld_fx_show_socket *k = &s->sockets[i];
        char **row = cells + (i + 1) * NCOLS;
        row[0] = cell(k->proto, 16);
        if (strncmp(k->proto, "unix", 4) == 0) {
            row[1] =
                k->unix_path && k->unix_path[0] ? cell(k->unix_path, 80) : ld_xstrdup("(unnamed)");
            row[2] = ld_xstrdup("-");
        } else {
            row[1] = endpoint_text(k->local, k->local_port);
            row[2] = endpoint_text(k->remote, k->remote_port);
        }
        row[3] = cell(k->state, 16);
        row[4] = owners_text(k);
    }
    print_table(out, cells, s->n_sockets + 1, NCOLS);
    free(cells);
}

static void render_changes(const ld_fx_show *s, FILE *out, size_t max_changes)
{
    fprintf(out, "\nFile system changes: %llu added, %llu changed, %llu deleted, %llu replaced\n",
            (unsigned long long)s->added, (unsigned long long)s->changed,
            (unsigned long long)s->deleted, (unsigned long long)s->replaced);
    size_t shown = max_changes && max_changes < s->n_changes ? max_changes : s->n_changes;
    for (size_t i = 0; i < shown; i++) {
        const ld_fx_show_change *c = &s->changes[i];
        char *path = cell(c->path, 1024);
        char *type = cell(c->type, 16);
        char *change = cell(c->change, 16);
        fprintf(out, "  %-9s %-9s %s%s\n", change, type, path,
                c->executable ? "  (executable)" : "");
        free(path);
        free(type);
        free(change);
    }
    if (shown < s->n_changes)
        fprintf(out, "  and %zu more (--format json lists them all)\n", s->n_changes - shown);
}

static void render_suspicious(const ld_fx_show *s, FILE *out)
{
    fprintf(out, "\nSuspicious (%zu)\n", s->n_suspicious);
    if (!s->n_suspicious)
        fputs("  none found\n", out);
    for (size_t i = 0; i < s->n_suspicious; i++) {
        const ld_fx_suspicious *f = &s->suspicious[i];
        char *subject = cell(f->subject, 1024);
        char *detail = cell(f->detail, 2048);
        fprintf(out, "  %-27s %s: %s\n", f->kind, subject, detail);
        free(subject);
        free(detail);
    }
}

static void render_problems(const ld_fx_show *s, FILE *out)
{
    fprintf(out, "\nProblems (%zu)\n", s->n_problems);
    if (!s->n_problems)
        fputs("  none\n", out);
    for (size_t i = 0; i < s->n_problems; i++) {
        char *p = cell(s->problems[i], 2048);
        fprintf(out, "  - %s\n", p);
        free(p);
    }
}

int ld_fx_show_render_text(const ld_fx_show *s, FILE *out, size_t max_changes)
{
    render_custody(s, out);
    render_processes(s, out);
    render_connections(s, out);
    render_changes(s, out, max_changes);
    render_suspicious(s, out);
    render_problems(s, out);
    return ferror(out) ? -1 : 0;
}

/* --- JSON --- */

static void kv_int_or_null(ld_json *j, const char *key, int64_t v)
{
    ld_json_key(j, key);
    if (v < 0)
        ld_json_null(j);
    else
        ld_json_int(j, v);
}

static void json_custody(const ld_fx_show *s, ld_json *j)
{
    const ld_fx_manifest *m = &s->manifest;
    ld_json_kv_string(j, "schema", m->schema);
    ld_json_key(j, "custody");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "tool_version", m->tool_version);
    ld_json_kv_string(j, "host", m->hostname);
    ld_json_kv_string(j, "user", m->user_name);
    ld_json_kv_string(j, "started", m->started);
    ld_json_kv_string(j, "ended", m->ended);
    ld_json_key(j, "freeze");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "method", m->freeze_method);
    kv_int_or_null(j, "frozen_ns", m->frozen_ns_interval);
    ld_json_kv_string(j, "thawed_by", m->thawed_by);
    ld_json_kv_string_opt(j, "note", m->freeze_note);
    ld_json_object_end(j);
    ld_json_object_end(j);
    ld_json_key(j, "container");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "id", m->container_id);
    ld_json_kv_string(j, "name", m->container_name);
    ld_json_kv_string(j, "image", m->image);
    ld_json_kv_string(j, "image_id", m->image_id);
    ld_json_object_end(j);
    ld_json_kv_string(j, "memory", m->memory_mode);
    ld_json_kv_string(j, "signing_key", m->signing_key);
    size_t cut = 0;
    for (size_t i = 0; i < m->n_entries; i++)
        cut += m->entries[i].truncated;
    ld_json_key(j, "artifacts");
    ld_json_object_begin(j);
    ld_json_kv_int(j, "count", (int64_t)m->n_entries);
    ld_json_kv_int(j, "truncated", (int64_t)cut);
    ld_json_object_end(j);
    ld_json_key(j, "notes");
    ld_json_array_begin(j);
    for (size_t i = 0; i < m->n_notes; i++)
        ld_json_string(j, m->notes[i]);
    ld_json_array_end(j);
}

static void json_processes(const ld_fx_show *s, ld_json *j)
{
    ld_json_key(j, "processes");
    ld_json_array_begin(j);
    for (size_t i = 0; i < s->n_procs; i++) {
        const ld_fx_show_process *p = &s->procs[i];
        ld_json_object_begin(j);
        ld_json_kv_int(j, "pid", p->pid);
        kv_int_or_null(j, "ppid", p->ppid);
        kv_int_or_null(j, "uid", p->uid);
        ld_json_kv_string(j, "comm", p->comm);
        ld_json_kv_string(j, "exe", p->exe);
        char *masked = ld_secret_mask_text(NULL, p->cmdline);
        ld_json_kv_string(j, "cmdline", masked);
        free(masked);
        ld_json_kv_bool(j, "exited", p->exited);
        ld_json_kv_bool(j, "exe_deleted", p->exe_deleted);
        ld_json_kv_bool(j, "exe_memfd", p->exe_memfd);
        ld_json_kv_bool(j, "exe_not_in_image", p->exe_not_in_image);
        ld_json_kv_string(j, "core", p->core);
        ld_json_object_end(j);
    }
    ld_json_array_end(j);
}

static void json_connections(const ld_fx_show *s, ld_json *j)
{
    ld_json_key(j, "connections");
    ld_json_array_begin(j);
    for (size_t i = 0; i < s->n_sockets; i++) {
        const ld_fx_show_socket *k = &s->sockets[i];
        ld_json_object_begin(j);
        ld_json_kv_string(j, "proto", k->proto);
        ld_json_kv_string_opt(j, "local", k->local);
        if (k->local_port >= 0)
            ld_json_kv_int(j, "local_port", k->local_port);
        ld_json_kv_string_opt(j, "remote", k->remote);
        if (k->remote_port >= 0)
            ld_json_kv_int(j, "remote_port", k->remote_port);
        ld_json_kv_string(j, "state", k->state);
        ld_json_kv_string_opt(j, "path", k->unix_path);
        ld_json_key(j, "owners");
        ld_json_array_begin(j);
        for (size_t o = 0; o < k->n_owners; o++)
            ld_json_int(j, k->owner_pids[o]);
        ld_json_array_end(j);
        ld_json_object_end(j);
    }
    ld_json_array_end(j);
}

static void json_changes(const ld_fx_show *s, ld_json *j)
{
    ld_json_key(j, "changes");
    ld_json_object_begin(j);
    ld_json_key(j, "counts");
    ld_json_object_begin(j);
    ld_json_kv_int(j, "added", (int64_t)s->added);
    ld_json_kv_int(j, "changed", (int64_t)s->changed);
    ld_json_kv_int(j, "deleted", (int64_t)s->deleted);
    ld_json_kv_int(j, "replaced", (int64_t)s->replaced);
    ld_json_object_end(j);
    ld_json_key(j, "items");
    ld_json_array_begin(j);
    for (size_t i = 0; i < s->n_changes; i++) {
        const ld_fx_show_change *c = &s->changes[i];
        ld_json_object_begin(j);
        ld_json_kv_string(j, "path", c->path);
        ld_json_kv_string(j, "change", c->change);
        ld_json_kv_string(j, "type", c->type);
        ld_json_kv_bool(j, "executable", c->executable);
        kv_int_or_null(j, "size", c->size);
        ld_json_object_end(j);
    }
    ld_json_array_end(j);
    ld_json_object_end(j);
}

int ld_fx_show_render_json(const ld_fx_show *s, FILE *out)
{
    ld_json j;
    ld_json_init(&j, out, true);
    ld_json_object_begin(&j);
    json_custody(s, &j);
    json_processes(s, &j);
    json_connections(s, &j);
    json_changes(s, &j);
    ld_json_key(&j, "suspicious");
    ld_json_array_begin(&j);
    for (size_t i = 0; i < s->n_suspicious; i++) {
        ld_json_object_begin(&j);
        ld_json_kv_string(&j, "kind", s->suspicious[i].kind);
        ld_json_kv_string(&j, "subject", s->suspicious[i].subject);
        ld_json_kv_string(&j, "detail", s->suspicious[i].detail);
        ld_json_object_end(&j);
    }
    ld_json_array_end(&j);
    ld_json_key(&j, "problems");
    ld_json_array_begin(&j);
    for (size_t i = 0; i < s->n_problems; i++)
        ld_json_string(&j, s->problems[i]);
    ld_json_array_end(&j);
    ld_json_object_end(&j);
    fputc('\n', out);
    return ferror(out) ? -1 : 0;
}
