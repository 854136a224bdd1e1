/* The process table of lockdown watch (process_table.h): pid -> what the
 * process is, kept from events and read from /proc on a miss.
 *
 * Layout, chosen for the watch loop calling observe() on every event:
 * entries live in fixed chunks of 1024 (allocated as the table grows, never
 * moved, so an entry pointer stays put), found through an open-addressing
 * index of pids (linear probing, backward-shift deletion) sized once for
 * max_entries. A known pid costs one probe and an LRU touch, never a /proc
 * read or an allocation. Past max_entries the oldest exited entry goes
 * first, else the least recently used. Exited entries stay
 * LD_RT_PROC_EXITED_KEEP_MS for late records, in a list oldest first. A pid
 * that could not be read is remembered for a second, so a burst of late
 * records of a gone process does not read /proc for each. */
#include "runtime/process_table.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime/proc_read.h"
#include "runtime/process_table_internal.h"
#include "util/mem.h"

#define CHUNK_SHIFT 10
#define CHUNK_SIZE (1u << CHUNK_SHIFT)
#define NIL (-1)
#define DEFAULT_MAX 65536u
#define MIN_MAX 16u
#define MAX_MAX (1u << 22) /* the kernel's largest pid_max */
#define MISS_SLOTS 256u
#define MISS_MS 1000u
#define ANCESTOR_MAX 64

typedef struct {
    ld_rt_proc p;
    int32_t lru_prev, lru_next;   /* also the free list (lru_next) */
    int32_t exit_prev, exit_next; /* exited entries, oldest first */
    uint64_t exited_ms;
} slot;

struct ld_rt_proc_table {
    ld_rt_proc_reader reader;
    ld_rt_user_cache *users;
    size_t max_entries;
    slot **chunks;
    size_t n_chunks, n_slots, n_used;
    int32_t free_head;
    int32_t *index; /* slot + 1; 0: empty */
    uint32_t index_mask;
    unsigned index_bits;
    int32_t lru_head, lru_tail, exit_head, exit_tail;
    struct {
        int32_t pid;
        uint64_t at_ms;
    } misses[MISS_SLOTS];
    uint64_t proc_reads;
    uint64_t (*now_ms)(void *ctx);
    void *clock_ctx;
    ld_rt_proc_info scratch;
};

static uint64_t monotonic_ms(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static inline slot *at(const ld_rt_proc_table *t, int32_t i)
{
    return &t->chunks[(uint32_t)i >> CHUNK_SHIFT][(uint32_t)i & (CHUNK_SIZE - 1)];
}

static inline uint32_t home(const ld_rt_proc_table *t, int32_t pid)
{
    return ((uint32_t)pid * 2654435761u) >> (32 - t->index_bits);
}

/* Bounded copy of a NUL-terminated string into a buffer of cap bytes. */
static inline void copy_str(char *dst, const char *src, size_t cap)
{
    size_t n = strnlen(src, cap - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* ---- index ----------------------------------------------------------------- */

static int32_t find(const ld_rt_proc_table *t, int32_t pid)
{
    for (uint32_t i = home(t, pid);; i = (i + 1) & t->index_mask) {
        int32_t v = t->index[i];
        if (!v)
            return NIL;
        if (at(t, v - 1)->p.pid == pid)
            return v - 1;
    }
}

static void index_put(ld_rt_proc_table *t, int32_t pid, int32_t s)
{
    uint32_t i = home(t, pid);
    while (t->index[i])
        i = (i + 1) & t->index_mask;
    t->index[i] = s + 1;
}

static void index_del(ld_rt_proc_table *t, int32_t pid)
{
    uint32_t i = home(t, pid);
    while (t->index[i] && at(t, t->index[i] - 1)->p.pid != pid)
        i = (i + 1) & t->index_mask;
    if (!t->index[i])
        return;
    /* backward shift: move later entries of the run into the hole when
     * their home does not lie in (hole, here] cyclically */
    for (uint32_t j = i;;) {
        j = (j + 1) & t->index_mask;
        if (!t->index[j])
            break;
        uint32_t k = home(t, at(t, t->index[j] - 1)->p.pid);
        bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
        if (!stays) {
            t->index[i] = t->index[j];
            i = j;
        }
    }
    t->index[i] = 0;
}

/* ---- lists ------------------------------------------------------------------ */

static void lru_unlink(ld_rt_proc_table *t, int32_t i)
{
    slot *s = at(t, i);
    if (s->lru_prev != NIL)
        at(t, s->lru_prev)->lru_next = s->lru_next;
    else
        t->lru_head = s->lru_next;
    if (s->lru_next != NIL)
        at(t, s->lru_next)->lru_prev = s->lru_prev;
    else
        t->lru_tail = s->lru_prev;
    s->lru_prev = s->lru_next = NIL;
}

static void lru_push_front(ld_rt_proc_table *t, int32_t i)
{
    slot *s = at(t, i);
    s->lru_prev = NIL;
    s->lru_next = t->lru_head;
    if (t->lru_head != NIL)
        at(t, t->lru_head)->lru_prev = i;
    t->lru_head = i;
    if (t->lru_tail == NIL)
        t->lru_tail = i;
}

static void touch(ld_rt_proc_table *t, int32_t i)
{
    if (t->lru_head == i)
        return;
    lru_unlink(t, i);
    lru_push_front(t, i);
}

static void exit_unlink(ld_rt_proc_table *t, int32_t i)
{
    slot *s = at(t, i);
    if (!s->p.exited)
        return;
    if (s->exit_prev != NIL)
        at(t, s->exit_prev)->exit_next = s->exit_next;
    else
        t->exit_head = s->exit_next;
    if (s->exit_next != NIL)
        at(t, s->exit_next)->exit_prev = s->exit_prev;
    else
        t->exit_tail = s->exit_prev;
    s->exit_prev = s->exit_next = NIL;
    s->p.exited = false;
}

static void mark_exited(ld_rt_proc_table *t, int32_t i, uint64_t now)
{
    slot *s = at(t, i);
    if (s->p.exited)
        return;
    s->p.exited = true;
    s->exited_ms = now;
    s->exit_next = NIL;
    s->exit_prev = t->exit_tail;
    if (t->exit_tail != NIL)
        at(t, t->exit_tail)->exit_next = i;
    else
        t->exit_head = i;
    t->exit_tail = i;
}

/* ---- slots ------------------------------------------------------------------- */

static void remove_slot(ld_rt_proc_table *t, int32_t i)
{
    slot *s = at(t, i);
    index_del(t, s->p.pid);
    lru_unlink(t, i);
    exit_unlink(t, i);
    s->p.pid = 0;
    s->lru_next = t->free_head;
    t->free_head = i;
    t->n_used--;
}

static int32_t alloc_slot(ld_rt_proc_table *t)
{
    if (t->free_head == NIL && t->n_slots < t->max_entries) {
        if (t->n_slots == t->n_chunks * CHUNK_SIZE) {
            t->chunks = ld_xrealloc(t->chunks, (t->n_chunks + 1) * sizeof *t->chunks);
            t->chunks[t->n_chunks++] = ld_xcalloc(CHUNK_SIZE, sizeof(slot));
        }
        return (int32_t)t->n_slots++;
    }
    if (t->free_head == NIL) /* full: the oldest exited entry, else the least recently used */
        remove_slot(t, t->exit_head != NIL ? t->exit_head : t->lru_tail);
    int32_t i = t->free_head;
    t->free_head = at(t, i)->lru_next;
    return i;
}

static void clear_proc(ld_rt_proc *p, int32_t pid)
{
    memset(p, 0, sizeof *p);
    p->pid = pid;
    p->loginuid = (uint32_t)-1;
}

static int32_t insert(ld_rt_proc_table *t, int32_t pid)
{
    int32_t i = alloc_slot(t);
    slot *s = at(t, i);
    clear_proc(&s->p, pid);
    s->lru_prev = s->lru_next = s->exit_prev = s->exit_next = NIL;
    index_put(t, pid, i);
    lru_push_front(t, i);
    t->n_used++;
    uint32_t m = (uint32_t)pid & (MISS_SLOTS - 1);
    if (t->misses[m].pid == pid)
        t->misses[m].pid = 0;
    return i;
}

/* The entry is a new process under an old pid: start it afresh. */
static void reset_slot(ld_rt_proc_table *t, int32_t i)
{
    exit_unlink(t, i);
    slot *s = at(t, i);
    clear_proc(&s->p, s->p.pid);
}

static void purge_exited(ld_rt_proc_table *t, uint64_t now)
{
    while (t->exit_head != NIL && now - at(t, t->exit_head)->exited_ms >= LD_RT_PROC_EXITED_KEEP_MS)
        remove_slot(t, t->exit_head);
}

/* ---- /proc ------------------------------------------------------------------ */

/* Copies the parts of a /proc read into p. */
static void merge_info(ld_rt_proc *p, const ld_rt_proc_info *in)
{
    const ld_rt_proc *q = &in->p;
    if (in->got & LD_RT_PR_STAT) {
        copy_str(p->comm, q->comm, sizeof p->comm);
        p->ppid = q->ppid;
        p->tty = q->tty;
    }
    if (in->got & LD_RT_PR_STATUS) {
        p->uid = q->uid;
        p->euid = q->euid;
        p->gid = q->gid;
    }
    if (in->got & LD_RT_PR_CMDLINE) {
        copy_str(p->cmdline, q->cmdline, sizeof p->cmdline);
        p->cmdline_truncated = q->cmdline_truncated;
    }
    if (in->got & LD_RT_PR_EXE) {
        copy_str(p->exepath, q->exepath, sizeof p->exepath);
        p->exe_from_memfd = q->exe_from_memfd;
    }
    if (in->got & LD_RT_PR_CGROUP) {
        p->cgroup_id = q->cgroup_id;
        p->cgroup_v1_id = q->cgroup_v1_id;
    }
    if (in->got & LD_RT_PR_LOGINUID)
        p->loginuid = q->loginuid;
}

static bool recently_missed(const ld_rt_proc_table *t, int32_t pid, uint64_t now)
{
    uint32_t m = (uint32_t)pid & (MISS_SLOTS - 1);
    return t->misses[m].pid == pid && now - t->misses[m].at_ms < MISS_MS;
}

static void note_miss(ld_rt_proc_table *t, int32_t pid, uint64_t now)
{
    uint32_t m = (uint32_t)pid & (MISS_SLOTS - 1);
    t->misses[m].pid = pid;
    t->misses[m].at_ms = now;
}

static int read_proc(ld_rt_proc_table *t, int32_t pid, unsigned parts)
{
    t->proc_reads++;
    return ld_rt_proc_reader_read(&t->reader, pid, parts, &t->scratch);
}

/* The entry of pid, read from /proc when unknown; NIL if not there. */
static int32_t lookup_or_load(ld_rt_proc_table *t, int32_t pid)
{
    if (pid <= 0)
        return NIL;
    int32_t i = find(t, pid);
    if (i != NIL) {
        touch(t, i);
        return i;
    }
    uint64_t now = t->now_ms(t->clock_ctx);
    if (recently_missed(t, pid, now))
        return NIL;
    if (read_proc(t, pid, LD_RT_PR_ALL) < 0 || !(t->scratch.got & LD_RT_PR_STAT)) {
        note_miss(t, pid, now);
        return NIL;
    }
    i = insert(t, pid);
    merge_info(&at(t, i)->p, &t->scratch);
    return i;
}

/* ---- events ------------------------------------------------------------------ */

/* Did the source describe the process (ids, comm) or only name its pid? */
static bool event_has_facts(const ld_rt_event *e)
{
    return e->comm[0] != '\0';
}

/* What the event knows about its process goes into the entry. */
static void take_from_event(ld_rt_proc *p, const ld_rt_event *e)
{
    if (event_has_facts(e)) {
        copy_str(p->comm, e->comm, sizeof p->comm);
        p->uid = e->uid;
        p->euid = e->euid;
        p->gid = e->gid;
        p->tty = e->tty;
        if (e->loginuid != (uint32_t)-1)
            p->loginuid = e->loginuid;
    }
    if (e->ppid > 0)
        p->ppid = e->ppid;
    if (e->exepath[0]) {
        copy_str(p->exepath, e->exepath, sizeof p->exepath);
        p->exe_from_memfd = e->exe_from_memfd;
        p->exe_upper_layer = e->exe_upper_layer;
    }
    if (e->cmdline[0]) {
        copy_str(p->cmdline, e->cmdline, sizeof p->cmdline);
        p->cmdline_truncated = e->cmdline_truncated;
    }
    if (e->cgroup_id)
        p->cgroup_id = e->cgroup_id;
    if (e->cgroup_v1_id)
        p->cgroup_v1_id = e->cgroup_v1_id;
}

/* The event's process fields it lacks, from the entry. */
static void complete_event(ld_rt_event *e, const ld_rt_proc *p)
{
    if (!e->exepath[0] && p->exepath[0])
        copy_str(e->exepath, p->exepath, sizeof e->exepath);
    if (!e->cmdline[0] && p->cmdline[0]) {
        copy_str(e->cmdline, p->cmdline, sizeof e->cmdline);
        e->cmdline_truncated = p->cmdline_truncated;
    }
    if (!e->comm[0] && p->comm[0]) {
        copy_str(e->comm, p->comm, sizeof e->comm);
        if (!e->uid && !e->euid) { /* the source knew nothing of the process */
            e->uid = p->uid;
            e->euid = p->euid;
            e->gid = p->gid;
        }
    }
    if (e->ppid <= 0)
        e->ppid = p->ppid;
    if (!e->tty)
        e->tty = p->tty;
    if (e->loginuid == (uint32_t)-1)
        e->loginuid = p->loginuid;
    if (!e->cgroup_id)
        e->cgroup_id = p->cgroup_id;
    if (!e->cgroup_v1_id)
        e->cgroup_v1_id = p->cgroup_v1_id;
}

/* An entry for a pid /proc no longer has: what the event said, kept as
 * exited so that its late records resolve without reading /proc again. */
static int32_t insert_from_event(ld_rt_proc_table *t, const ld_rt_event *e, uint64_t now)
{
    int32_t i = insert(t, e->pid);
    take_from_event(&at(t, i)->p, e);
    mark_exited(t, i, now);
    return i;
}

static void on_exec(ld_rt_proc_table *t, ld_rt_event *e)
{
    int32_t i = find(t, e->pid);
    bool fresh = i == NIL;
    if (fresh)
        i = insert(t, e->pid);
    else {
        touch(t, i);
        exit_unlink(t, i); /* an exec is alive whatever was seen before */
    }
    ld_rt_proc *p = &at(t, i)->p;
    take_from_event(p, e);
    unsigned parts = 0;
    if (!e->exepath[0])
        parts |= LD_RT_PR_EXE;
    if (!e->cmdline[0])
        parts |= LD_RT_PR_CMDLINE;
    if (fresh && !event_has_facts(e))
        parts |= LD_RT_PR_STAT | LD_RT_PR_STATUS | LD_RT_PR_CGROUP | LD_RT_PR_LOGINUID;
    else if (fresh && e->ppid <= 0)
        parts |= LD_RT_PR_STAT;
    if (parts && read_proc(t, e->pid, parts) == 0) {
        /* the event's own facts win over the later read */
        if (event_has_facts(e))
            t->scratch.got &= ~(unsigned)(LD_RT_PR_STATUS | LD_RT_PR_LOGINUID);
        if (t->scratch.got & LD_RT_PR_STAT && event_has_facts(e)) {
            copy_str(t->scratch.p.comm, e->comm, sizeof t->scratch.p.comm);
            t->scratch.p.tty = e->tty;
        }
        merge_info(p, &t->scratch);
    }
    complete_event(e, p);
}

/* A clone names the new process: pid the child, ppid its parent (the
 * proc connector and the scheduler's fork event); a source that reports
 * it as the parent's call returning the child's pid (ret > 0) is read so
 * too. The child starts as a copy of its parent. */
static void on_clone(ld_rt_proc_table *t, ld_rt_event *e)
{
    bool parent_view = e->ret > 0 && e->ret <= INT32_MAX && e->ret != e->pid;
    int32_t child = parent_view ? (int32_t)e->ret : e->pid;
    int32_t parent = parent_view ? e->pid : e->ppid;
    if (child <= 0)
        return;
    int32_t pi = parent > 0 && parent != child ? lookup_or_load(t, parent) : NIL;
    ld_rt_proc parent_copy;
    bool have_parent = pi != NIL;
    if (have_parent)
        parent_copy = at(t, pi)->p; /* the child's slot may take the parent's */

    int32_t ci = find(t, child);
    if (ci == NIL)
        ci = insert(t, child);
    else {
        touch(t, ci);
        reset_slot(t, ci);
    }
    ld_rt_proc *p = &at(t, ci)->p;
    if (have_parent) {
        *p = parent_copy;
        p->pid = child;
        p->exited = false;
        p->ppid = parent;
    }
    if (!parent_view)
        take_from_event(p, e);
    else if (parent > 0)
        p->ppid = parent;
    if (!have_parent && !(!parent_view && event_has_facts(e) && e->exepath[0])) {
        if (read_proc(t, child, LD_RT_PR_ALL) == 0) {
            if (!parent_view && event_has_facts(e))
                t->scratch.got &= ~(unsigned)(LD_RT_PR_STATUS | LD_RT_PR_LOGINUID);
            if (!parent_view && e->ppid > 0)
                t->scratch.p.ppid = e->ppid;
            merge_info(p, &t->scratch);
            if (!parent_view && event_has_facts(e))
                copy_str(p->comm, e->comm, sizeof p->comm);
        }
    }
    if (parent_view) {
        /* the event's process is the parent */
        if (parent > 0 && (pi = find(t, parent)) != NIL)
            complete_event(e, &at(t, pi)->p);
    } else {
        complete_event(e, &at(t, ci)->p);
    }
}

static void on_exit_event(ld_rt_proc_table *t, ld_rt_event *e, uint64_t now)
{
    int32_t i = find(t, e->pid);
    if (i == NIL) {
        insert_from_event(t, e, now); /* gone: nothing to read */
        return;
    }
    touch(t, i);
    slot *s = at(t, i);
    if (e->ppid > 0)
        s->p.ppid = e->ppid;
    mark_exited(t, i, now);
    complete_event(e, &s->p);
}

void ld_rt_proc_table_observe(ld_rt_proc_table *t, ld_rt_event *e)
{
    if (!t || !e || e->pid <= 0 || e->type == LD_EVT_NONE || e->type == LD_EVT_CONTAINER)
        return;
    uint64_t now = t->now_ms(t->clock_ctx);
    purge_exited(t, now);
    switch (e->type) {
    case LD_EVT_EXECVE:
    case LD_EVT_EXECVEAT:
        if (e->ret >= 0) {
            on_exec(t, e);
            return;
        }
        break; /* a failed exec: the process runs on as it was */
    case LD_EVT_CLONE: on_clone(t, e); return;
    case LD_EVT_PROCEXIT: on_exit_event(t, e, now); return;
    default: break;
    }
    int32_t i = lookup_or_load(t, e->pid);
    if (i == NIL)
        i = insert_from_event(t, e, now); /* gone before /proc was read */
    ld_rt_proc *p = &at(t, i)->p;
    if (e->type == LD_EVT_SETUID && e->ret >= 0)
        p->euid = e->target_uid;
    complete_event(e, p);
}

/* ---- lookups ------------------------------------------------------------------ */

const ld_rt_proc *ld_rt_proc_table_get(ld_rt_proc_table *t, int32_t pid)
{
    if (!t)
        return NULL;
    int32_t i = lookup_or_load(t, pid);
    return i == NIL ? NULL : &at(t, i)->p;
}

const ld_rt_proc *ld_rt_proc_table_ancestor(ld_rt_proc_table *t, int32_t pid, int n)
{
    if (n < 1 || n > ANCESTOR_MAX)
        return NULL;
    const ld_rt_proc *p = ld_rt_proc_table_get(t, pid);
    for (int k = 0; k < n && p; k++) {
        int32_t self = p->pid, parent = p->ppid;
        if (parent <= 0 || parent == self)
            return NULL;
        p = ld_rt_proc_table_get(t, parent);
    }
    return p;
}

/* ---- life cycle ------------------------------------------------------------------ */

ld_rt_proc_table *ld_rt_proc_table_new_at(const char *proc_root, const char *cgroup_root,
                                          const char *passwd_path, size_t max_entries)
{
    ld_rt_proc_table *t = ld_xcalloc(1, sizeof *t);
    ld_error err = LD_ERROR_INIT;
    if (ld_rt_proc_reader_open(&t->reader, proc_root ? proc_root : "/proc", cgroup_root, &err) <
        0) {
        free(t);
        return NULL;
    }
    if (!max_entries)
        max_entries = DEFAULT_MAX;
    if (max_entries < MIN_MAX)
        max_entries = MIN_MAX;
    if (max_entries > MAX_MAX)
        max_entries = MAX_MAX;
    t->max_entries = max_entries;
    t->index_bits = 10;
    while ((1u << t->index_bits) < 2 * max_entries)
        t->index_bits++;
    t->index_mask = (1u << t->index_bits) - 1;
    t->index = ld_xcalloc((size_t)1 << t->index_bits, sizeof *t->index);
    t->free_head = t->lru_head = t->lru_tail = t->exit_head = t->exit_tail = NIL;
    t->users = ld_rt_user_cache_new(passwd_path);
    t->now_ms = monotonic_ms;
    return t;
}

ld_rt_proc_table *ld_rt_proc_table_new(const char *proc_root, size_t max_entries)
{
    return ld_rt_proc_table_new_at(proc_root, "/sys/fs/cgroup", "/etc/passwd", max_entries);
}

void ld_rt_proc_table_free(ld_rt_proc_table *t)
{
    if (!t)
        return;
    ld_rt_proc_reader_close(&t->reader);
    ld_rt_user_cache_free(t->users);
    for (size_t i = 0; i < t->n_chunks; i++)
        free(t->chunks[i]);
    free(t->chunks);
    free(t->index);
    free(t);
}

void ld_rt_proc_table_set_clock(ld_rt_proc_table *t, uint64_t (*now_ms)(void *ctx), void *ctx)
{
    t->now_ms = now_ms ? now_ms : monotonic_ms;
    t->clock_ctx = now_ms ? ctx : NULL;
}

size_t ld_rt_proc_table_size(const ld_rt_proc_table *t)
{
    return t ? t->n_used : 0;
}

uint64_t ld_rt_proc_table_proc_reads(const ld_rt_proc_table *t)
{
    return t ? t->proc_reads : 0;
}

ld_rt_user_cache *ld_rt_proc_table_users(ld_rt_proc_table *t)
{
    return t->users;
}

int ld_rt_proc_table_proc_fd(const ld_rt_proc_table *t)
{
    return t->reader.proc_fd;
}
