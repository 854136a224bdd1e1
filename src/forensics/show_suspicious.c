/* The suspicious findings of `capture show` (show.h), from what the
 * readers took out of the bundle: executables that are not in the image
 * (and the processes running them), executables deleted while they run,
 * executables running from memory (memfd), shells and the interpreters
 * and relay tools they started holding a network socket (a reverse or
 * bind shell), and evidence that is partial (an artifact cut at a cap or
 * incomplete, a process that exited during the capture). Findings are
 * leads for a responder, not verdicts: names and paths are the
 * container's own and may lie. Sorted lookups keep this O(n log n) for
 * bundles with millions of changed files. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "forensics/show.h"
#include "forensics/show_internal.h"
#include "util/mem.h"

#define DELETED_SUFFIX " (deleted)"

void ld_fx_show_add_suspicious(ld_fx_show *s, const char *kind, char *subject, char *detail)
{
    ld_fx_show_grow(&s->suspicious, s->n_suspicious, sizeof(*s->suspicious));
    s->suspicious[s->n_suspicious++] =
        (ld_fx_suspicious){.kind = ld_xstrdup(kind), .subject = subject, .detail = detail};
}

static char *process_subject(const ld_fx_show_process *p)
{
    return p->comm ? ld_xasprintf("pid %lld (%s)", (long long)p->pid, p->comm)
                   : ld_xasprintf("pid %lld", (long long)p->pid);
}

/* exe without the kernel's " (deleted)" suffix (a new string). */
static char *exe_path(const char *exe)
{
    size_t n = strlen(exe), m = strlen(DELETED_SUFFIX);
    if (n >= m && strcmp(exe + n - m, DELETED_SUFFIX) == 0)
        n -= m;
    return ld_xstrndup(exe, n);
}

/* The last path component of a command word or an exe link text. */
static char *base_name(const char *path)
{
    char *p = exe_path(path);
    const char *slash = strrchr(p, '/');
    char *b = ld_xstrdup(slash ? slash + 1 : p);
    free(p);
    return b;
}

static bool in_list(const char *name, const char *const *list, bool prefix)
{
    for (size_t i = 0; name && list[i]; i++) {
        size_t n = strlen(list[i]);
        if (prefix ? strncmp(name, list[i], n) == 0 : strcmp(name, list[i]) == 0)
            return true;
    }
    return false;
}

static const char *const shells[] = {"sh",  "bash", "ash",   "dash", "zsh",
                                     "ksh", "mksh", "rbash", NULL};
/* started by a shell and holding a socket: the usual reverse-shell relays */
static const char *const interpreters_exact[] = {"nc",      "ncat",   "netcat", "socat", "telnet",
                                                 "node",    "nodejs", "awk",    "gawk",  "mawk",
                                                 "openssl", "tclsh",  "ruby",   "irb",   NULL};
static const char *const interpreters_prefix[] = {"python", "perl", "php", "lua", NULL};

/* The n-th space-separated word of cmdline (0-based), as a base name. */
static char *command_word(const char *cmdline, int n)
{
    const char *p = cmdline;
    for (int i = 0; p && i < n; i++) {
        p = strchr(p, ' ');
        if (p)
            p++;
    }
    if (!p || !*p)
        return NULL;
    const char *end = strchr(p, ' ');
    char *word = ld_xstrndup(p, end ? (size_t)(end - p) : strlen(p));
    char *b = base_name(word);
    free(word);
    return b;
}

static bool is_shell(const ld_fx_show_process *p)
{
    char *exe = p->exe ? base_name(p->exe) : NULL;
    bool shell = in_list(p->comm, shells, false) || in_list(exe, shells, false);
    bool busybox =
        (p->comm && strcmp(p->comm, "busybox") == 0) || (exe && strcmp(exe, "busybox") == 0);
    free(exe);
    if (shell || !busybox || !p->cmdline)
        return shell;
    /* busybox run as "busybox sh" or through a link named sh */
    for (int w = 0; w < 2 && !shell; w++) {
        char *word = command_word(p->cmdline, w);
        shell = in_list(word, shells, false);
        free(word);
    }
    return shell;
}

static bool is_interpreter(const ld_fx_show_process *p)
{
    char *exe = p->exe ? base_name(p->exe) : NULL;
    bool yes = in_list(p->comm, interpreters_exact, false) ||
               in_list(p->comm, interpreters_prefix, true) ||
               in_list(exe, interpreters_exact, false) || in_list(exe, interpreters_prefix, true);
    free(exe);
    return yes;
}

/* --- lookups --- */

static int cmp_change_path(const void *a, const void *b, void *ctx)
{
    const ld_fx_show_change *c = ctx;
    return strcmp(c[*(const size_t *)a].path, c[*(const size_t *)b].path);
}

typedef struct {
    int64_t pid;
    size_t index;
} pid_slot;

static int cmp_pid_slot(const void *a, const void *b)
{
    const pid_slot *x = a, *y = b;
    if (x->pid != y->pid)
        return x->pid < y->pid ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static size_t find_pid(const pid_slot *slots, size_t n, int64_t pid)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (slots[mid].pid < pid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && slots[lo].pid == pid ? slots[lo].index : SIZE_MAX;
}

static bool executable_change(const ld_fx_show_change *c)
{
    return c->executable && (strcmp(c->change, "added") == 0 || strcmp(c->change, "changed") == 0);
}

/* executable-not-in-image: the files, then the processes running one. */
static void find_new_executables(ld_fx_show *s)
{
    size_t n = 0;
    size_t *sorted = ld_xcalloc(s->n_changes ? s->n_changes : 1, sizeof(*sorted));
    for (size_t i = 0; i < s->n_changes; i++) {
        const ld_fx_show_change *c = &s->changes[i];
        if (!executable_change(c))
            continue;
        sorted[n++] = i;
        char size[48] = "";
        if (c->size >= 0)
            snprintf(size, sizeof(size), ", %lld bytes", (long long)c->size);
        ld_fx_show_add_suspicious(s, "executable-not-in-image", ld_xstrdup(c->path),
                                  ld_xasprintf("%s, executable%s",
                                               strcmp(c->change, "added") == 0
                                                   ? "added to the container's file system"
                                                   : "changed from the image's copy",
                                               size));
    }
    qsort_r(sorted, n, sizeof(*sorted), cmp_change_path, s->changes);
    for (size_t i = 0; i < s->n_procs; i++) {
        ld_fx_show_process *p = &s->procs[i];
        if (!p->exe || p->exe_memfd)
            continue;
        char *path = exe_path(p->exe);
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int c = strcmp(s->changes[sorted[mid]].path, path);
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < n && strcmp(s->changes[sorted[lo]].path, path) == 0) {
            p->exe_not_in_image = true;
            ld_fx_show_add_suspicious(s, "executable-not-in-image", process_subject(p),
                                      ld_xasprintf("runs %s, which the image does not hold (%s)",
                                                   p->exe, s->changes[sorted[lo]].change));
        }
        free(path);
    }
    free(sorted);
}

static char *with_core(const ld_fx_show_process *p, const char *what)
{
    return p->core ? ld_xasprintf("%s; its memory: %s", what, p->core) : ld_xstrdup(what);
}

static void find_deleted_and_memfd(ld_fx_show *s)
{
    for (size_t i = 0; i < s->n_procs; i++) {
        const ld_fx_show_process *p = &s->procs[i];
        if (!p->exe_deleted)
            continue;
        char *what = ld_xasprintf("runs %s: its executable was deleted while it runs",
                                  p->exe ? p->exe : "(unknown)");
        ld_fx_show_add_suspicious(s, "deleted-executable-running", process_subject(p),
                                  with_core(p, what));
        free(what);
    }
    for (size_t i = 0; i < s->n_procs; i++) {
        const ld_fx_show_process *p = &s->procs[i];
        if (!p->exe_memfd)
            continue;
        char *what =
            ld_xasprintf("runs from memory (%s): no file on any disk holds its executable", p->exe);
        ld_fx_show_add_suspicious(s, "memfd-executable", process_subject(p), with_core(p, what));
        free(what);
    }
}

static char *endpoint(const char *addr, int64_t port)
{
    const char *a = addr && addr[0] ? addr : "*";
    if (port < 0)
        return ld_xstrdup(a);
    return strchr(a, ':') ? ld_xasprintf("[%s]:%lld", a, (long long)port)
                          : ld_xasprintf("%s:%lld", a, (long long)port);
}

static char *describe_socket(const ld_fx_show_socket *k)
{
    char *local = endpoint(k->local, k->local_port);
    char *remote = endpoint(k->remote, k->remote_port);
    bool listening = k->state && strcmp(k->state, "LISTEN") == 0;
    /* an unconnected udp or raw socket is "CLOSE" in the kernel's table */
    const char *state = !k->state || strcmp(k->state, "CLOSE") == 0 ? "" : k->state;
    char *d =
        listening || k->remote_port <= 0
            ? ld_xasprintf("%s %s%s%s", k->proto, local, state[0] ? " " : "", state)
            : ld_xasprintf("%s %s -> %s%s%s", k->proto, local, remote, state[0] ? " " : "", state);
    free(local);
    free(remote);
    return d;
}

static bool network_socket(const ld_fx_show_socket *k)
{
    return strncmp(k->proto, "tcp", 3) == 0 || strncmp(k->proto, "udp", 3) == 0 ||
           strncmp(k->proto, "raw", 3) == 0;
}

/* shell-with-socket: a shell holding a network socket, or an interpreter
 * or relay tool that a shell started holding one. */
static void find_shell_sockets(ld_fx_show *s)
{
    if (!s->n_procs)
        return;
    pid_slot *slots = ld_xcalloc(s->n_procs, sizeof(*slots));
    for (size_t i = 0; i < s->n_procs; i++)
        slots[i] = (pid_slot){s->procs[i].pid, i};
    qsort(slots, s->n_procs, sizeof(*slots), cmp_pid_slot);
    size_t *held = ld_xcalloc(s->n_procs, sizeof(*held));   /* network sockets held */
    size_t *first = ld_xcalloc(s->n_procs, sizeof(*first)); /* the first of them */
    size_t *last = ld_xcalloc(s->n_procs, sizeof(*last));   /* 1 + the last counted */
    for (size_t k = 0; k < s->n_sockets; k++) {
        if (!network_socket(&s->sockets[k]))
            continue;
        for (size_t o = 0; o < s->sockets[k].n_owners; o++) {
            size_t p = find_pid(slots, s->n_procs, s->sockets[k].owner_pids[o]);
            if (p == SIZE_MAX || last[p] == k + 1)
                continue; /* one socket held through several fds counts once */
            last[p] = k + 1;
            if (!held[p]++)
                first[p] = k;
        }
    }
    for (size_t i = 0; i < s->n_procs; i++) {
        if (!held[i])
            continue;
        const ld_fx_show_process *p = &s->procs[i];
        char *who = NULL;
        if (is_shell(p)) {
            who = ld_xstrdup("a shell");
        } else if (is_interpreter(p)) {
            size_t parent = p->ppid > 0 ? find_pid(slots, s->n_procs, p->ppid) : SIZE_MAX;
            if (parent != SIZE_MAX && parent != i && is_shell(&s->procs[parent])) {
                char *subject = process_subject(&s->procs[parent]);
                who = ld_xasprintf("started by the shell %s,", subject);
                free(subject);
            }
        }
        if (!who)
            continue;
        char *sock = describe_socket(&s->sockets[first[i]]);
        char more[64] = "";
        if (held[i] > 1)
            snprintf(more, sizeof(more), " (and %zu more)", held[i] - 1);
        ld_fx_show_add_suspicious(s, "shell-with-socket", process_subject(p),
                                  ld_xasprintf("%s holding %s%s", who, sock, more));
        free(sock);
        free(who);
    }
    free(last);
    free(first);
    free(held);
    free(slots);
}

static bool taken_subject(const ld_fx_suspicious *list, size_t n, const char *subject)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i].subject, subject) == 0)
            return true;
    return false;
}

/* partial-evidence: artifacts cut or incomplete, processes that exited;
 * earlier holds the findings the readers made (changes.json truncated). */
static void find_partial(ld_fx_show *s, const ld_fx_suspicious *earlier, size_t n_earlier)
{
    for (size_t i = 0; i < s->manifest.n_entries; i++) {
        const ld_fx_entry *e = &s->manifest.entries[i];
        if ((!e->truncated && !e->note) || !e->path || taken_subject(earlier, n_earlier, e->path))
            continue;
        char *detail = e->truncated ? ld_xasprintf("cut at a size cap%s%s", e->note ? ": " : "",
                                                   e->note ? e->note : "")
                                    : ld_xasprintf("incomplete: %s", e->note);
        ld_fx_show_add_suspicious(s, "partial-evidence", ld_xstrdup(e->path), detail);
    }
    for (size_t i = 0; i < s->n_procs; i++)
        if (s->procs[i].exited)
            ld_fx_show_add_suspicious(
                s, "partial-evidence", process_subject(&s->procs[i]),
                ld_xstrdup("exited during the capture: only what was read before is here"));
}

void ld_fx_show_find_suspicious(ld_fx_show *s)
{
    /* the readers' findings go last, with the other partial evidence */
    ld_fx_suspicious *earlier = s->suspicious;
    size_t n_earlier = s->n_suspicious;
    s->suspicious = NULL;
    s->n_suspicious = 0;
    for (size_t i = 0; i < s->n_procs; i++)
        s->procs[i].exe_not_in_image = false;
    find_new_executables(s);
    find_deleted_and_memfd(s);
    find_shell_sockets(s);
    find_partial(s, earlier, n_earlier);
    for (size_t i = 0; i < n_earlier; i++) {
        ld_fx_show_grow(&s->suspicious, s->n_suspicious, sizeof(*s->suspicious));
        s->suspicious[s->n_suspicious++] = earlier[i];
    }
    free(earlier);
}
