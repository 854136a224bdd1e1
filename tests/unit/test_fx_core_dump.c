/* Unit tests for the process memory cores of lockdown capture
 * (forensics/core_dump.c, core_notes.c, proc_maps.c), on real processes:
 * a forked child puts markers it builds from its own pid into a malloc'd
 * buffer and an anonymous mmap, maps a file read-only and a file past its
 * end, and waits on a pipe; its core is written into a temporary bundle
 * and then read three ways: by the program headers here, by gdb (x/s at
 * the addresses the child reported, "info threads") and by readelf -n.
 * Also: --memory anon leaves the file mapping's contents out and keeps
 * the markers, the cap cuts and notes, a gone pid is an error, a process
 * that goes away mid-read (a proc_root whose mem file ends early) gives a
 * noted partial core, more than 65534 segments use the extended
 * numbering, and the maps / smaps / stat / syscall parsers meet hostile
 * text. gdb and readelf are run with argv (util/child_run.h), no shell. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/procfs.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_skip.h"

#include <openssl/evp.h>

#include "forensics/bundle.h"
#include "forensics/core_dump.h"
#include "forensics/core_notes.h"
#include "util/child_run.h"
#include "util/mem.h"

#define GDB "/usr/bin/gdb"
#define READELF "/usr/bin/readelf"

static uint64_t page_size(void)
{
    return (uint64_t)sysconf(_SC_PAGESIZE);
}

/* ---- a bundle in a temporary directory ---- */

typedef struct {
    char base[64];
    char *dir;
    ld_fx_bundle *b;
} tmp_bundle;

static void tb_open(tmp_bundle *t)
{
    snprintf(t->base, sizeof t->base, "/tmp/ld-core-test-XXXXXX");
    assert_non_null(mkdtemp(t->base));
    t->dir = ld_xasprintf("%s/bundle", t->base);
    ld_error err = LD_ERROR_INIT;
    t->b = ld_fx_bundle_create(t->dir, &err);
    if (!t->b)
        fail_msg("bundle: %s", err.msg);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void tb_close(tmp_bundle *t)
{
    ld_fx_bundle_free(t->b);
    t->b = NULL;
    nftw(t->base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(t->dir);
    t->dir = NULL;
}

static char *core_path(const tmp_bundle *t, pid_t pid)
{
    return ld_xasprintf("%s/processes/%d/core", t->dir, (int)pid);
}

static const ld_fx_entry *entry_for(const tmp_bundle *t, const char *relpath)
{
    size_t n = 0;
    const ld_fx_entry *e = ld_fx_bundle_entries(t->b, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(e[i].path, relpath) == 0)
            return &e[i];
    return NULL;
}

/* ---- reading a core back ---- */

typedef struct {
    uint8_t *data;
    size_t len;
} blob;

static blob slurp(const char *path)
{
    blob b = {0};
    char *text = NULL;
    ld_error err = LD_ERROR_INIT;
    /* ld_fx_proc_read reads any file until EOF, bounded */
    if (ld_fx_proc_read(path, (size_t)1 << 31, &text, &b.len, &err) < 0)
        fail_msg("%s", err.msg);
    b.data = (uint8_t *)text;
    return b;
}

static Elf64_Ehdr core_ehdr(const blob *c)
{
    Elf64_Ehdr eh;
    assert_true(c->len >= sizeof eh);
    memcpy(&eh, c->data, sizeof eh);
    assert_memory_equal(eh.e_ident, ELFMAG, SELFMAG);
    assert_int_equal(eh.e_ident[EI_CLASS], ELFCLASS64);
    assert_int_equal(eh.e_type, ET_CORE);
#if defined(__x86_64__)
    assert_int_equal(eh.e_machine, EM_X86_64);
#elif defined(__aarch64__)
    assert_int_equal(eh.e_machine, EM_AARCH64);
#endif
    return eh;
}

static size_t core_phnum(const blob *c)
{
    Elf64_Ehdr eh = core_ehdr(c);
    size_t n = eh.e_phnum;
    if (n == PN_XNUM) {
        Elf64_Shdr sh;
        assert_true(eh.e_shoff + sizeof sh <= c->len);
        memcpy(&sh, c->data + eh.e_shoff, sizeof sh);
        n = sh.sh_info;
    }
    assert_true(eh.e_phoff + n * sizeof(Elf64_Phdr) <= c->len);
    return n;
}

static Elf64_Phdr core_phdr(const blob *c, size_t i)
{
    Elf64_Ehdr eh = core_ehdr(c);
    Elf64_Phdr ph;
    memcpy(&ph, c->data + eh.e_phoff + i * sizeof ph, sizeof ph);
    if (ph.p_filesz)
        assert_true(ph.p_offset + ph.p_filesz <= c->len);
    return ph;
}

/* The PT_LOAD that covers addr (fails when none does). */
static Elf64_Phdr core_load_for(const blob *c, uint64_t addr)
{
    size_t n = core_phnum(c);
    for (size_t i = 0; i < n; i++) {
        Elf64_Phdr ph = core_phdr(c, i);
        if (ph.p_type == PT_LOAD && addr >= ph.p_vaddr && addr < ph.p_vaddr + ph.p_memsz)
            return ph;
    }
    fail_msg("no PT_LOAD covers 0x%llx", (unsigned long long)addr);
    Elf64_Phdr none = {0};
    return none;
}

/* The n bytes at addr in the core's contents, NULL when not written. */
static const uint8_t *core_bytes(const blob *c, uint64_t addr, size_t n)
{
    Elf64_Phdr ph = core_load_for(c, addr);
    if (addr + n > ph.p_vaddr + ph.p_filesz)
        return NULL;
    return c->data + ph.p_offset + (addr - ph.p_vaddr);
}

static uint64_t core_contents_total(const blob *c, size_t *loads, uint64_t *first_offset)
{
    size_t n = core_phnum(c);
    uint64_t total = 0;
    *loads = 0;
    *first_offset = 0;
    for (size_t i = 0; i < n; i++) {
        Elf64_Phdr ph = core_phdr(c, i);
        if (ph.p_type != PT_LOAD)
            continue;
        if (*loads == 0)
            *first_offset = ph.p_offset;
        (*loads)++;
        total += ph.p_filesz;
        assert_true(ph.p_filesz == 0 || ph.p_filesz == ph.p_memsz);
        if (ph.p_filesz)
            assert_int_equal(ph.p_offset % page_size(), 0);
    }
    return total;
}

/* Calls fn for each note of the PT_NOTE segment. */
static void core_notes(const blob *c,
                       void (*fn)(void *ctx, uint32_t type, const uint8_t *desc, size_t len),
                       void *ctx)
{
    size_t n = core_phnum(c);
    for (size_t i = 0; i < n; i++) {
        Elf64_Phdr ph = core_phdr(c, i);
        if (ph.p_type != PT_NOTE)
            continue;
        size_t at = ph.p_offset, end = ph.p_offset + ph.p_filesz;
        while (at + sizeof(Elf64_Nhdr) <= end) {
            Elf64_Nhdr nh;
            memcpy(&nh, c->data + at, sizeof nh);
            size_t name = (nh.n_namesz + 3u) & ~3u, desc = (nh.n_descsz + 3u) & ~3u;
            assert_true(at + sizeof nh + name + desc <= end);
            assert_memory_equal(c->data + at + sizeof nh, "CORE", 5);
            fn(ctx, nh.n_type, c->data + at + sizeof nh + name, nh.n_descsz);
            at += sizeof nh + name + desc;
        }
        assert_int_equal(at, end);
        return;
    }
    fail_msg("no PT_NOTE");
}

/* ---- the child ---- */

/* The marker a child of this pid builds in its own memory: made at run
 * time from the pid, so it is in no file and in no other process. */
static void marker_for(pid_t pid, const char *what, char *out, size_t cap)
{
    snprintf(out, cap, "ldmark:%08x:%s:%08x", (unsigned)pid * 2654435761u, what,
             (unsigned)pid ^ 0x5a5a5a5au);
}

typedef struct {
    uint64_t heap_addr, mmap_addr;
    uint64_t file_addr, file_len;   /* a read-only private file mapping */
    uint64_t trunc_addr, trunc_len; /* 4 pages of a 1-page file */
    int32_t tids[3];
    int32_t n_tids;
} child_report;

typedef struct {
    pid_t pid;
    int release_fd;
    child_report rep;
} child_proc;

typedef struct {
    int tid_fd, wait_fd;
} thread_args;

static void *child_thread(void *p)
{
    const thread_args *a = p;
    int32_t tid = (int32_t)gettid();
    if (write(a->tid_fd, &tid, sizeof tid) != sizeof tid)
        _exit(3);
    char c;
    while (read(a->wait_fd, &c, 1) < 0 && errno == EINTR)
        ;
    return NULL;
}

static uint64_t map_file(const char *path, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        _exit(4);
    void *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        _exit(5);
    return (uint64_t)(uintptr_t)p;
}

static void child_main(int report_fd, int wait_fd, int threads, const char *file_path,
                       size_t file_len, const char *trunc_path)
{
    child_report r;
    memset(&r, 0, sizeof r);
    pid_t me = getpid();
    char *heap = malloc(4096);
    char *region = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!heap || region == MAP_FAILED)
        _exit(2);
    marker_for(me, "heap", heap, 4096);
    marker_for(me, "mmap", region + 12345, 4096);
    r.heap_addr = (uint64_t)(uintptr_t)heap;
    r.mmap_addr = (uint64_t)(uintptr_t)(region + 12345);
    if (file_path) {
        r.file_len = file_len;
        r.file_addr = map_file(file_path, file_len);
    }
    if (trunc_path) {
        r.trunc_len = 4 * page_size();
        r.trunc_addr = map_file(trunc_path, r.trunc_len);
    }
    r.tids[0] = (int32_t)gettid();
    r.n_tids = 1;
    int tp[2];
    if (pipe(tp) < 0)
        _exit(6);
    thread_args args = {.tid_fd = tp[1], .wait_fd = wait_fd};
    for (int i = 1; i < threads && i < 3; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, child_thread, &args) != 0)
            _exit(7);
        if (read(tp[0], &r.tids[i], sizeof r.tids[i]) != sizeof r.tids[i])
            _exit(8);
        r.n_tids++;
    }
    if (write(report_fd, &r, sizeof r) != sizeof r)
        _exit(9);
    char c;
    while (read(wait_fd, &c, 1) < 0 && errno == EINTR)
        ;
    _exit(0);
}

static void spawn(child_proc *c, int threads, const char *file_path, size_t file_len,
                  const char *trunc_path)
{
    int rep[2], rel[2];
    assert_int_equal(pipe2(rep, O_CLOEXEC), 0);
    assert_int_equal(pipe2(rel, O_CLOEXEC), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(rep[0]);
        close(rel[1]);
        child_main(rep[1], rel[0], threads, file_path, file_len, trunc_path);
    }
    close(rep[1]);
    close(rel[0]);
    size_t got = 0;
    while (got < sizeof c->rep) {
        ssize_t r = read(rep[0], (char *)&c->rep + got, sizeof c->rep - got);
        if (r < 0 && errno == EINTR)
            continue;
        assert_true(r > 0);
        got += (size_t)r;
    }
    close(rep[0]);
    c->pid = pid;
    c->release_fd = rel[1];
}

static void reap(child_proc *c)
{
    close(c->release_fd);
    int st;
    while (waitpid(c->pid, &st, 0) < 0 && errno == EINTR)
        ;
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

/* A file of len random bytes; the path is returned. The buffer is wiped
 * before it is freed: a child forked later inherits this heap, and the
 * anon test looks for the file's bytes in the child's memory. */
static char *make_file(const char *dir, const char *name, size_t len)
{
    char *path = ld_xasprintf("%s/%s", dir, name);
    uint8_t *data = ld_xmalloc(len);
    for (size_t got = 0; got < len;) {
        ssize_t r = getrandom(data + got, len - got, 0);
        assert_true(r > 0);
        got += (size_t)r;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    explicit_bzero(data, len);
    free(data);
    return path;
}

/* ---- gdb and readelf ---- */

/* stdout and stderr of program argv (run without a shell), or a failed
 * (or, where allowed, skipped) test when the program is not installed. */
static char *run_tool(const char *program, char *const argv[])
{
    if (access(program, X_OK) != 0)
        LD_SKIP_IF_MISSING("%s missing (apt-get install %s)", program,
                           strcmp(program, GDB) == 0 ? "gdb" : "binutils");
    ld_child_spec spec = {.program = program,
                          .argv = argv,
                          .stdout_max = 4 << 20,
                          .stderr_max = 64 << 10,
                          .timeout_ms = 60000};
    ld_child_result r;
    assert_int_equal(ld_child_run(&spec, &r), 0);
    assert_true(r.exited);
    char *out = ld_xasprintf("%s\n%s", r.out ? r.out : "", r.err ? r.err : "");
    ld_child_result_clear(&r);
    return out;
}

/* gdb -batch -ex CMD -c CORE */
static char *gdb_on(const char *core, const char *cmd)
{
    char *argv[] = {(char *)"gdb", (char *)"-nx", (char *)"-batch", (char *)"-ex",
                    (char *)cmd,   (char *)"-c",  (char *)core,     NULL};
    return run_tool(GDB, argv);
}

static void assert_gdb_string(const char *core, uint64_t addr, const char *marker)
{
    char cmd[64];
    snprintf(cmd, sizeof cmd, "x/s 0x%llx", (unsigned long long)addr);
    char *out = gdb_on(core, cmd);
    char *want = ld_xasprintf("\"%s\"", marker);
    if (!strstr(out, want))
        fail_msg("gdb %s on %s did not print %s:\n%s", cmd, core, want, out);
    free(want);
    free(out);
}

static void sha256_hex(const blob *c, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    assert_true(EVP_Digest(c->data, c->len, md, &n, EVP_sha256(), NULL));
    for (unsigned i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* ---- tests: writing cores of real processes ---- */

static void test_mode_names(void **state)
{
    (void)state;
    assert_int_equal(ld_fx_mem_mode_parse("all"), LD_FX_MEM_ALL);
    assert_int_equal(ld_fx_mem_mode_parse("anon"), LD_FX_MEM_ANON);
    assert_int_equal(ld_fx_mem_mode_parse("none"), LD_FX_MEM_NONE);
    assert_int_equal(ld_fx_mem_mode_parse("ALL"), -1);
    assert_int_equal(ld_fx_mem_mode_parse(""), -1);
    assert_int_equal(ld_fx_mem_mode_parse(NULL), -1);
    assert_string_equal(ld_fx_mem_mode_name(LD_FX_MEM_ANON), "anon");
    assert_string_equal(ld_fx_mem_mode_name(LD_FX_MEM_ALL), "all");
    assert_string_equal(ld_fx_mem_mode_name(LD_FX_MEM_NONE), "none");
}

/* --memory all: the markers are in the core where the child put them, gdb
 * prints them, the file mapping's contents are the file's, the pages past
 * the end of a file are zeros and counted, the hash is the file's. */
static void test_core_all_gdb(void **state)
{
    (void)state;
    tmp_bundle t;
    tb_open(&t);
    uint64_t pg = page_size();
    char *file = make_file(t.base, "mapped", 3 * pg);
    char *trunc = make_file(t.base, "short", pg);
    child_proc c;
    spawn(&c, 1, file, 3 * pg, trunc);

    char relpath[64];
    snprintf(relpath, sizeof relpath, "processes/%d/core", (int)c.pid);
    ld_fx_core_result res;
    ld_error err = LD_ERROR_INIT;
    int rc = ld_fx_core_write(t.b, relpath, NULL, c.pid, LD_FX_MEM_ALL, 0, &res, &err);
    if (rc < 0)
        fail_msg("core: %s", err.msg);
    assert_false(res.capped);
    assert_false(res.exited);
    assert_int_equal(res.threads, 1);
    /* the 3 pages of the 1-page file past its end cannot be read */
    assert_true(res.bytes_unreadable >= 3 * pg);

    char *path = core_path(&t, c.pid);
    blob core = slurp(path);
    char heap_marker[64], mmap_marker[64];
    marker_for(c.pid, "heap", heap_marker, sizeof heap_marker);
    marker_for(c.pid, "mmap", mmap_marker, sizeof mmap_marker);
    const uint8_t *at = core_bytes(&core, c.rep.heap_addr, strlen(heap_marker) + 1);
    assert_non_null(at);
    assert_memory_equal(at, heap_marker, strlen(heap_marker) + 1);
    at = core_bytes(&core, c.rep.mmap_addr, strlen(mmap_marker) + 1);
    assert_non_null(at);
    assert_memory_equal(at, mmap_marker, strlen(mmap_marker) + 1);

    /* the file mapping: its bytes */
    blob fdata = slurp(file);
    at = core_bytes(&core, c.rep.file_addr, fdata.len);
    assert_non_null(at);
    assert_memory_equal(at, fdata.data, fdata.len);
    /* the short file: first page its bytes, then zeros */
    blob sdata = slurp(trunc);
    at = core_bytes(&core, c.rep.trunc_addr, c.rep.trunc_len);
    assert_non_null(at);
    assert_memory_equal(at, sdata.data, pg);
    for (uint64_t i = pg; i < c.rep.trunc_len; i++)
        assert_int_equal(at[i], 0);

    /* size, layout, and the bundle's record */
    size_t loads = 0;
    uint64_t first = 0;
    uint64_t total = core_contents_total(&core, &loads, &first);
    assert_int_equal(loads, res.mappings);
    assert_int_equal(total, res.bytes_written);
    assert_int_equal(core.len, first + total);
    const ld_fx_entry *e = entry_for(&t, relpath);
    assert_non_null(e);
    assert_string_equal(e->kind, LD_FX_KIND_CORE);
    assert_int_equal(e->size, core.len);
    char hex[65];
    sha256_hex(&core, hex);
    assert_string_equal(e->sha256, hex);
    assert_false(e->truncated);
    assert_non_null(e->note);
    assert_non_null(strstr(e->note, "unreadable pages"));

    /* the kernel's own pages are listed without contents */
    char maps_path[64];
    snprintf(maps_path, sizeof maps_path, "/proc/%d/maps", (int)c.pid);
    blob mt = slurp(maps_path);
    ld_fx_maps maps;
    assert_int_equal(ld_fx_maps_parse((const char *)mt.data, mt.len, &maps, &err), 0);
    int kernel_pages = 0;
    for (size_t i = 0; i < maps.n; i++) {
        const char *mp = maps.items[i].path;
        if (mp && (strcmp(mp, "[vvar]") == 0 || strcmp(mp, "[vsyscall]") == 0)) {
            assert_int_equal(core_load_for(&core, maps.items[i].start).p_filesz, 0);
            kernel_pages++;
        }
    }
    assert_true(kernel_pages > 0);
    ld_fx_maps_clear(&maps);
    free(mt.data);

    assert_gdb_string(path, c.rep.heap_addr, heap_marker);
    assert_gdb_string(path, c.rep.mmap_addr, mmap_marker);

    reap(&c);
    free(core.data);
    free(fdata.data);
    free(sdata.data);
    free(path);
    free(file);
    free(trunc);
    tb_close(&t);
}

/* --memory anon: the read-only file mapping is listed without contents;
 * the heap and mmap markers stay. */
static void test_core_anon(void **state)
{
    (void)state;
    tmp_bundle t;
    tb_open(&t);
    uint64_t pg = page_size();
    char *file = make_file(t.base, "mapped", 3 * pg);
    child_proc c;
    spawn(&c, 1, file, 3 * pg, NULL);

    char relpath[64];
    snprintf(relpath, sizeof relpath, "processes/%d/core", (int)c.pid);
    ld_fx_core_result res;
    ld_error err = LD_ERROR_INIT;
    if (ld_fx_core_write(t.b, relpath, NULL, c.pid, LD_FX_MEM_ANON, 0, &res, &err) < 0)
        fail_msg("core: %s", err.msg);
    char *path = core_path(&t, c.pid);
    blob core = slurp(path);

    Elf64_Phdr fph = core_load_for(&core, c.rep.file_addr);
    assert_int_equal(fph.p_filesz, 0);
    assert_true(fph.p_memsz >= 3 * pg);
    assert_int_equal(fph.p_flags & PF_W, 0);
    /* every segment with contents is writable (private: the maps say so) */
    size_t n = core_phnum(&core);
    for (size_t i = 0; i < n; i++) {
        Elf64_Phdr ph = core_phdr(&core, i);
        if (ph.p_type == PT_LOAD && ph.p_filesz)
            assert_true(ph.p_flags & PF_W);
    }
    char heap_marker[64], mmap_marker[64];
    marker_for(c.pid, "heap", heap_marker, sizeof heap_marker);
    marker_for(c.pid, "mmap", mmap_marker, sizeof mmap_marker);
    const uint8_t *at = core_bytes(&core, c.rep.heap_addr, strlen(heap_marker) + 1);
    assert_non_null(at);
    assert_memory_equal(at, heap_marker, strlen(heap_marker) + 1);
    at = core_bytes(&core, c.rep.mmap_addr, strlen(mmap_marker) + 1);
    assert_non_null(at);
    assert_memory_equal(at, mmap_marker, strlen(mmap_marker) + 1);
    /* the file's bytes appear nowhere in the core */
    blob fdata = slurp(file);
    assert_null(memmem(core.data, core.len, fdata.data, 256));

    assert_gdb_string(path, c.rep.heap_addr, heap_marker);

    reap(&c);
    free(core.data);
    free(fdata.data);
    free(path);
    free(file);
    tb_close(&t);
}

typedef struct {
    int prstatus, prpsinfo, auxv, file;
    pid_t pids[8];
    bool sp_pc[8];
    char fname[17];
    size_t file_count;
} note_tally;

static void tally_note(void *ctx, uint32_t type, const uint8_t *desc, size_t len)
{
    note_tally *t = ctx;
    switch (type) {
    case NT_PRSTATUS: {
        struct elf_prstatus st;
        assert_int_equal(len, sizeof st);
        memcpy(&st, desc, sizeof st);
        struct user_regs_struct regs;
        memcpy(&regs, &st.pr_reg, sizeof regs);
        if (t->prstatus < 8) {
            t->pids[t->prstatus] = st.pr_pid;
#if defined(__x86_64__)
            t->sp_pc[t->prstatus] = regs.rsp != 0 && regs.rip != 0;
#else
            t->sp_pc[t->prstatus] = regs.sp != 0 && regs.pc != 0;
#endif
        }
        t->prstatus++;
        break;
    }
    case NT_PRPSINFO: {
        struct elf_prpsinfo ps;
        assert_int_equal(len, sizeof ps);
        memcpy(&ps, desc, sizeof ps);
        memcpy(t->fname, ps.pr_fname, 16);
        t->prpsinfo++;
        break;
    }
    case NT_AUXV:
        assert_true(len > 0 && len % 16 == 0);
        t->auxv++;
        break;
    case NT_FILE: {
        uint64_t count;
        assert_true(len >= 16);
        memcpy(&count, desc, 8);
        t->file_count = count;
        t->file++;
        break;
    }
    default: break;
    }
}

/* A 3-thread child: one NT_PRSTATUS per thread with its tid and the sp/pc
 * of its syscall; readelf lists 3, gdb shows the three LWPs. */
static void test_core_threads(void **state)
{
    (void)state;
    tmp_bundle t;
    tb_open(&t);
    child_proc c;
    spawn(&c, 3, NULL, 0, NULL);
    assert_int_equal(c.rep.n_tids, 3);
    usleep(100000); /* the threads are in read(): /proc/TID/syscall says so */

    char relpath[64];
    snprintf(relpath, sizeof relpath, "processes/%d/core", (int)c.pid);
    ld_fx_core_result res;
    ld_error err = LD_ERROR_INIT;
    if (ld_fx_core_write(t.b, relpath, NULL, c.pid, LD_FX_MEM_ANON, 0, &res, &err) < 0)
        fail_msg("core: %s", err.msg);
    assert_int_equal(res.threads, 3);
    char *path = core_path(&t, c.pid);
    blob core = slurp(path);

    note_tally tally;
    memset(&tally, 0, sizeof tally);
    core_notes(&core, tally_note, &tally);
    assert_int_equal(tally.prstatus, 3);
    assert_int_equal(tally.prpsinfo, 1);
    assert_int_equal(tally.auxv, 1);
    assert_int_equal(tally.file, 1);
    assert_true(tally.file_count > 0);
    assert_int_equal(tally.pids[0], c.pid); /* the main thread first */
    for (int i = 0; i < 3; i++) {
        bool seen = false;
        for (int j = 0; j < 3; j++)
            seen |= tally.pids[j] == c.rep.tids[i];
        assert_true(seen);
        assert_true(tally.sp_pc[i]);
    }
    char comm[64];
    snprintf(comm, sizeof comm, "/proc/%d/comm", (int)c.pid);
    blob cb = slurp(comm);
    assert_true(cb.len > 1);
    assert_memory_equal(tally.fname, cb.data, cb.len - 1);
    free(cb.data);

    char *argv[] = {(char *)"readelf", (char *)"-n", path, NULL};
    char *out = run_tool(READELF, argv);
    int count = 0;
    for (const char *p = out; (p = strstr(p, "NT_PRSTATUS")); p++)
        count++;
    if (count != 3)
        fail_msg("readelf -n lists %d NT_PRSTATUS notes:\n%s", count, out);
    free(out);

    out = gdb_on(path, "info threads");
    for (int i = 0; i < 3; i++) {
        char lwp[32];
        snprintf(lwp, sizeof lwp, "LWP %d", (int)c.rep.tids[i]);
        if (!strstr(out, lwp))
            fail_msg("gdb info threads does not list %s:\n%s", lwp, out);
    }
    free(out);

    reap(&c);
    free(core.data);
    free(path);
    tb_close(&t);
}

/* The cap: contents stop where the next mapping would pass it; the rest
 * are listed without contents; the artifact is noted as cut. */
static void test_core_cap(void **state)
{
    (void)state;
    tmp_bundle t;
    tb_open(&t);
    child_proc c;
    spawn(&c, 1, NULL, 0, NULL);
    const uint64_t cap = 256 * 1024;
    char relpath[64];
    snprintf(relpath, sizeof relpath, "processes/%d/core", (int)c.pid);
    ld_fx_core_result res;
    ld_error err = LD_ERROR_INIT;
    if (ld_fx_core_write(t.b, relpath, NULL, c.pid, LD_FX_MEM_ALL, cap, &res, &err) < 0)
        fail_msg("core: %s", err.msg);
    assert_true(res.capped);
    assert_true(res.bytes_written <= cap);
    char *path = core_path(&t, c.pid);
    blob core = slurp(path);
    size_t loads = 0;
    uint64_t first = 0;
    uint64_t total = core_contents_total(&core, &loads, &first);
    assert_int_equal(total, res.bytes_written);
    assert_int_equal(core.len, first + total);
    /* the rule, from the child's smaps read here: in address order, each
     * readable mapping (not don't-dump, not the kernel's) has contents
     * until the first that would pass the cap; from there on none has */
    char smaps_path[64];
    snprintf(smaps_path, sizeof smaps_path, "/proc/%d/smaps", (int)c.pid);
    blob sm = slurp(smaps_path);
    char *save = NULL;
    uint64_t used = 0;
    size_t load = 0;
    bool cut = false, have = false, readable = false, skip = false;
    unsigned long long start = 0, end = 0;
    for (char *line = strtok_r((char *)sm.data, "\n", &save);; line = strtok_r(NULL, "\n", &save)) {
        char perms[5] = "", rest[64] = "";
        bool header =
            line && sscanf(line, "%llx-%llx %4s %*s %*s %*s %63s", &start, &end, perms, rest) >= 3;
        if ((header || !line) && have) {
            Elf64_Phdr ph = core_phdr(&core, ++load);
            assert_int_equal(ph.p_type, PT_LOAD);
            if (!readable || skip) {
                assert_int_equal(ph.p_filesz, 0);
            } else if (cut || ph.p_memsz > cap - used) {
                cut = true;
                assert_int_equal(ph.p_filesz, 0);
            } else {
                assert_int_equal(ph.p_filesz, ph.p_memsz);
                used += ph.p_memsz;
            }
            have = false;
        }
        if (!line)
            break;
        if (header) {
            have = true;
            readable = perms[0] == 'r';
            skip = strcmp(rest, "[vvar]") == 0 || strcmp(rest, "[vvar_vclock]") == 0 ||
                   strcmp(rest, "[vsyscall]") == 0;
            Elf64_Phdr ph = core_phdr(&core, load + 1);
            assert_int_equal(ph.p_vaddr, start);
            assert_int_equal(ph.p_memsz, end - start);
        } else if (strncmp(line, "VmFlags:", 8) == 0) {
            for (char *w = line + 8; *w; w++)
                if (w[0] == ' ' && ((w[1] == 'd' && w[2] == 'd') || (w[1] == 'i' && w[2] == 'o')) &&
                    (w[3] == ' ' || w[3] == '\0'))
                    skip = true;
        }
    }
    free(sm.data);
    assert_int_equal(load, loads);
    assert_int_equal(used, total);
    assert_true(cut);
    /* the heap marker (after the binary in address order) is not there */
    assert_null(core_bytes(&core, c.rep.heap_addr, 8));
    const ld_fx_entry *e = entry_for(&t, relpath);
    assert_non_null(e);
    assert_true(e->truncated);
    assert_non_null(e->note);
    assert_non_null(strstr(e->note, "--max-memory"));

    reap(&c);
    free(core.data);
    free(path);
    tb_close(&t);
}

/* A pid that is gone (reaped, or a zombie with no memory) is an error,
 * and nothing is recorded. */
static void test_core_gone(void **state)
{
    (void)state;
    tmp_bundle t;
    tb_open(&t);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(0);
    /* a zombie first: it has no mappings */
    siginfo_t si;
    assert_int_equal(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
    ld_fx_core_result res;
    ld_error err = LD_ERROR_INIT;
    char relpath[64];
    snprintf(relpath, sizeof relpath, "processes/%d/core", (int)pid);
    assert_true(ld_fx_core_write(t.b, relpath, NULL, pid, LD_FX_MEM_ALL, 0, &res, &err) < 0);
    assert_int_equal(err.code, LD_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "exited"));
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    err = (ld_error)LD_ERROR_INIT;
    assert_true(ld_fx_core_write(t.b, relpath, NULL, pid, LD_FX_MEM_ALL, 0, &res, &err) < 0);
    assert_int_equal(err.code, LD_ERR_NOT_FOUND);
    size_t n = 99;
    ld_fx_bundle_entries(t.b, &n);
    assert_int_equal(n, 0);
    char *path = core_path(&t, pid);
    assert_int_equal(access(path, F_OK), -1);
    free(path);
    /* mode none writes no core */
    err = (ld_error)LD_ERROR_INIT;
    assert_true(ld_fx_core_write(t.b, relpath, NULL, getpid(), LD_FX_MEM_NONE, 0, &res, &err) < 0);
    assert_int_equal(err.code, LD_ERR_INVALID);
    tb_close(&t);
}

/* ---- tests: a proc_root written here ---- */

static void write_text(const char *path, const char *text, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
}

/* The process goes away mid-read (its mem file ends inside the first
 * mapping): the rest of the contents are zeros, the result says exited,
 * the artifact says so; the layout is what it was planned to be. */
static void test_core_exit_mid_read(void **state)
{
    (void)state;
    tmp_bundle t;
    tb_open(&t);
    uint64_t pg = page_size();
    char *root = ld_xasprintf("%s/proc", t.base);
    char *pdir = ld_xasprintf("%s/4242", root);
    assert_int_equal(mkdir(root, 0700), 0);
    assert_int_equal(mkdir(pdir, 0700), 0);
    char maps[256];
    int n = snprintf(maps, sizeof maps,
                     "%llx-%llx rw-p 00000000 00:00 0 \n%llx-%llx rw-p 00000000 00:00 0 \n",
                     (unsigned long long)(16 * pg), (unsigned long long)(18 * pg),
                     (unsigned long long)(32 * pg), (unsigned long long)(34 * pg));
    char *p = ld_xasprintf("%s/maps", pdir);
    write_text(p, maps, (size_t)n);
    free(p);
    /* mem: one readable page at 16 * pg, then end of file */
    p = ld_xasprintf("%s/mem", pdir);
    int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    uint8_t *page = ld_xmalloc(pg);
    memset(page, 0xAB, pg);
    assert_int_equal(pwrite(fd, page, pg, (off_t)(16 * pg)), (ssize_t)pg);
    close(fd);
    free(p);

    ld_fx_core_result res;
    ld_error err = LD_ERROR_INIT;
    if (ld_fx_core_write(t.b, "processes/4242/core", root, 4242, LD_FX_MEM_ANON, 0, &res, &err) < 0)
        fail_msg("core: %s", err.msg);
    assert_true(res.exited);
    assert_int_equal(res.mappings, 2);
    assert_int_equal(res.threads, 1);
    assert_int_equal(res.bytes_written, 4 * pg);
    assert_int_equal(res.bytes_unreadable, 3 * pg);
    char *path = core_path(&t, 4242);
    blob core = slurp(path);
    const uint8_t *at = core_bytes(&core, 16 * pg, pg);
    assert_non_null(at);
    assert_memory_equal(at, page, pg);
    at = core_bytes(&core, 17 * pg, pg);
    assert_non_null(at);
    for (uint64_t i = 0; i < pg; i++)
        assert_int_equal(at[i], 0);
    assert_non_null(core_bytes(&core, 32 * pg, 2 * pg));
    const ld_fx_entry *e = entry_for(&t, "processes/4242/core");
    assert_non_null(e);
    assert_non_null(e->note);
    assert_non_null(strstr(e->note, "exited"));
    char hex[65];
    sha256_hex(&core, hex);
    assert_string_equal(e->sha256, hex);

    free(core.data);
    free(path);
    free(page);
    free(pdir);
    free(root);
    tb_close(&t);
}

/* Pages of zeros become holes in the core (no disk written for them) and
 * read back as zeros; the hash is the one of the bytes read back. */
static void test_core_zero_pages(void **state)
{
    (void)state;
    tmp_bundle t;
    tb_open(&t);
    uint64_t pg = page_size();
    const uint64_t len = 2 * 1024 * 1024 + 2 * pg, start = 256 * pg;
    char *root = ld_xasprintf("%s/proc", t.base);
    char *pdir = ld_xasprintf("%s/99", root);
    assert_int_equal(mkdir(root, 0700), 0);
    assert_int_equal(mkdir(pdir, 0700), 0);
    char maps[128];
    int n = snprintf(maps, sizeof maps, "%llx-%llx rw-p 00000000 00:00 0 \n",
                     (unsigned long long)start, (unsigned long long)(start + len));
    char *p = ld_xasprintf("%s/maps", pdir);
    write_text(p, maps, (size_t)n);
    free(p);
    /* mem: a page of 0xAB, 2 MiB of hole, a page of 0xCD */
    p = ld_xasprintf("%s/mem", pdir);
    int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    uint8_t *page = ld_xmalloc(pg);
    memset(page, 0xAB, pg);
    assert_int_equal(pwrite(fd, page, pg, (off_t)start), (ssize_t)pg);
    memset(page, 0xCD, pg);
    assert_int_equal(pwrite(fd, page, pg, (off_t)(start + len - pg)), (ssize_t)pg);
    close(fd);
    free(p);

    ld_fx_core_result res;
    ld_error err = LD_ERROR_INIT;
    if (ld_fx_core_write(t.b, "processes/99/core", root, 99, LD_FX_MEM_ALL, 0, &res, &err) < 0)
        fail_msg("core: %s", err.msg);
    assert_false(res.exited);
    assert_int_equal(res.bytes_written, len);
    assert_int_equal(res.bytes_unreadable, 0);
    char *path = core_path(&t, 99);
    blob core = slurp(path);
    const uint8_t *at = core_bytes(&core, start, len);
    assert_non_null(at);
    for (uint64_t i = 0; i < len; i++) {
        uint8_t want = i < pg ? 0xAB : i >= len - pg ? 0xCD : 0;
        if (at[i] != want)
            fail_msg("byte %llu of the mapping is 0x%02x, not 0x%02x", (unsigned long long)i, at[i],
                     want);
    }
    const ld_fx_entry *e = entry_for(&t, "processes/99/core");
    assert_non_null(e);
    char hex[65];
    sha256_hex(&core, hex);
    assert_string_equal(e->sha256, hex);
    assert_int_equal(e->size, core.len);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    if ((uint64_t)st.st_blocks * 512 >= 1024 * 1024)
        fail_msg("the zero pages took %llu bytes on disk", (unsigned long long)st.st_blocks * 512);

    free(core.data);
    free(path);
    free(page);
    free(pdir);
    free(root);
    tb_close(&t);
}

/* More than 65534 segments: e_phnum is PN_XNUM and section header 0
 * holds the count, as in the kernel's cores; readelf reads it. */
static void test_core_extended_numbering(void **state)
{
    (void)state;
    tmp_bundle t;
    tb_open(&t);
    uint64_t pg = page_size();
    char *root = ld_xasprintf("%s/proc", t.base);
    char *pdir = ld_xasprintf("%s/77", root);
    assert_int_equal(mkdir(root, 0700), 0);
    assert_int_equal(mkdir(pdir, 0700), 0);
    const size_t maps_n = 70000;
    size_t cap = maps_n * 64, len = 0;
    char *maps = ld_xmalloc(cap);
    for (size_t i = 0; i < maps_n; i++) {
        uint64_t s = (0x100000 + 2 * i) * pg;
        len += (size_t)snprintf(maps + len, cap - len, "%llx-%llx r--p 00000000 00:00 0 \n",
                                (unsigned long long)s, (unsigned long long)(s + pg));
    }
    char *p = ld_xasprintf("%s/maps", pdir);
    write_text(p, maps, len);
    free(p);
    p = ld_xasprintf("%s/mem", pdir);
    write_text(p, "", 0);
    free(p);

    ld_fx_core_result res;
    ld_error err = LD_ERROR_INIT;
    if (ld_fx_core_write(t.b, "processes/77/core", root, 77, LD_FX_MEM_ANON, 0, &res, &err) < 0)
        fail_msg("core: %s", err.msg);
    assert_int_equal(res.mappings, maps_n);
    assert_int_equal(res.bytes_written, 0);
    char *path = core_path(&t, 77);
    blob core = slurp(path);
    Elf64_Ehdr eh = core_ehdr(&core);
    assert_int_equal(eh.e_phnum, PN_XNUM);
    assert_int_equal(core_phnum(&core), maps_n + 1);
    Elf64_Phdr last = core_phdr(&core, maps_n);
    assert_int_equal(last.p_type, PT_LOAD);
    assert_int_equal(last.p_vaddr, (0x100000 + 2 * (maps_n - 1)) * pg);
    assert_int_equal(last.p_filesz, 0);

    char *argv[] = {(char *)"readelf", (char *)"-h", path, NULL};
    char *out = run_tool(READELF, argv);
    char want[64];
    snprintf(want, sizeof want, "(%zu)", maps_n + 1);
    if (!strstr(out, want))
        fail_msg("readelf -h does not give %s program headers:\n%s", want, out);
    free(out);
    free(core.data);
    free(path);
    free(maps);
    free(pdir);
    free(root);
    tb_close(&t);
}

/* ---- tests: parsers ---- */

static void test_maps_parse_kernel(void **state)
{
    (void)state;
    const char *text = "55cd45ad6000-55cd45ad8000 r--p 00000000 fe:00 247134                     "
                       "/usr/bin/cat\n"
                       "7ffd1c3e2000-7ffd1c403000 rw-p 00000000 00:00 0                          "
                       "[stack]\n"
                       "7f0000000000-7f0000021000 rw-p 00000000 00:00 0 \n"
                       "7f1000000000-7f1000001000 r-xs 0001a000 103:02 18446744073709551615 "
                       "/tmp/a b  c (deleted)\n"
                       "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  "
                       "[vsyscall]";
    ld_fx_maps m;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fx_maps_parse(text, strlen(text), &m, &err), 0);
    assert_int_equal(m.n, 5);
    assert_int_equal(m.items[0].start, 0x55cd45ad6000ULL);
    assert_int_equal(m.items[0].end, 0x55cd45ad8000ULL);
    assert_true(m.items[0].r && !m.items[0].w && !m.items[0].x && !m.items[0].shared);
    assert_int_equal(m.items[0].dev_major, 0xfe);
    assert_int_equal(m.items[0].inode, 247134);
    assert_string_equal(m.items[0].path, "/usr/bin/cat");
    assert_string_equal(m.items[1].path, "[stack]");
    assert_null(m.items[2].path);
    assert_true(m.items[3].x && m.items[3].shared);
    assert_int_equal(m.items[3].offset, 0x1a000);
    assert_int_equal(m.items[3].dev_major, 0x103);
    assert_int_equal(m.items[3].dev_minor, 2);
    assert_int_equal(m.items[3].inode, UINT64_MAX);
    assert_string_equal(m.items[3].path, "/tmp/a b  c (deleted)");
    assert_string_equal(m.items[4].path, "[vsyscall]");
    assert_int_equal(m.items[4].start, 0xffffffffff600000ULL);
    assert_false(m.items[4].dont_dump);
    ld_fx_maps_clear(&m);
    assert_int_equal(m.n, 0);

    /* this process's own maps and smaps */
    char *t = NULL;
    size_t len = 0;
    assert_int_equal(ld_fx_proc_read("/proc/self/smaps", 64 << 20, &t, &len, &err), 0);
    assert_int_equal(ld_fx_smaps_parse(t, len, &m, &err), 0);
    assert_true(m.n > 5);
    bool stack = false;
    for (size_t i = 0; i < m.n; i++)
        stack |= m.items[i].path && strcmp(m.items[i].path, "[stack]") == 0;
    assert_true(stack);
    ld_fx_maps_clear(&m);
    /* smaps is not maps: the key lines are refused there */
    assert_int_equal(ld_fx_maps_parse(t, len, &m, &err), LD_ERR_CORRUPT);
    free(t);
}

static void expect_corrupt(const char *text, size_t len, const char *line)
{
    ld_fx_maps m = {(void *)1, 7};
    ld_error err = LD_ERROR_INIT;
    int rc = ld_fx_maps_parse(text, len, &m, &err);
    if (rc != LD_ERR_CORRUPT)
        fail_msg("maps %.*s: rc %d, not corrupt", (int)(len > 80 ? 80 : len), text, rc);
    assert_null(m.items);
    assert_int_equal(m.n, 0);
    if (!strstr(err.msg, line))
        fail_msg("\"%s\" does not name %s", err.msg, line);
}

static void test_maps_parse_hostile(void **state)
{
    (void)state;
    static const char *bad[] = {
        "1000-2000 rw-p 00000000 00:00 0\nzzz\n",                               /* garbage */
        "1000-2000 rw-p 00000000 00:00 0\n\n1000-2000 rw-p 00000000 00:00 0\n", /* empty */
        "1000-2000 rw-p 00000000 00:00 0\n2000-1000 rw-p 00000000 00:00 0\n",   /* backwards */
        "1000-2000 rw-p 00000000 00:00 0\n1000-1000 rw-p 00000000 00:00 0\n",   /* empty range */
        "1000-2000 rw-p 00000000 00:00 0\n1000-2000 rwzp 00000000 00:00 0\n",   /* perms */
        "1000-2000 rw-p 00000000 00:00 0\n1000-2000 rw-x 00000000 00:00 0\n",   /* no p/s */
        "1000-2000 rw-p 00000000 00:00 0\n10000000000000000-10000000000000001 rw-p 0 00:00 0\n",
        "1000-2000 rw-p 00000000 00:00 0\n1000-2000 rw-p 00000000 100000000:00 0\n",
        "1000-2000 rw-p 00000000 00:00 0\n1000-2000 rw-p 00000000 00:00 184467440737095516160\n",
        "1000-2000 rw-p 00000000 00:00 0\n1000-2000 rw-p 00000000 00:00 12x /a\n",
        "1000-2000 rw-p 00000000 00:00 0\n1000-2000 rw-p 00000000 00:00\n", /* no inode */
        "1000-2000 rw-p 00000000 00:00 0\n1000-2000 rw-p\n",
        "1000-2000 rw-p 00000000 00:00 0\n-2000 rw-p 00000000 00:00 0\n",
        "1000-2000 rw-p 00000000 00:00 0\n1000-2000  rw-p 00000000 00:00 0\n",
        "1000-2000 rw-p 00000000 00:00 0\r\n", /* CR after the inode: line 1 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_corrupt(bad[i], strlen(bad[i]),
                       i == sizeof bad / sizeof *bad - 1 ? "line 1" : "line 2");
    /* a NUL byte in a path */
    const char nul[] = "1000-2000 rw-p 00000000 00:00 0 /a\0b\n";
    expect_corrupt(nul, sizeof nul - 1, "line 1");

    /* a path of 64 KiB is taken; one byte more is refused */
    size_t plen = 65536;
    char *line = ld_xmalloc(64 + plen + 2);
    int head = snprintf(line, 64, "1000-2000 r--p 00000000 08:01 12 ");
    memset(line + head, 'x', plen);
    line[head] = '/';
    line[head + plen] = '\n';
    ld_fx_maps m;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fx_maps_parse(line, (size_t)head + plen + 1, &m, &err), 0);
    assert_int_equal(strlen(m.items[0].path), plen);
    ld_fx_maps_clear(&m);
    memset(line + head, 'y', plen + 1);
    line[head + plen + 1] = '\n';
    expect_corrupt(line, (size_t)head + plen + 2, "line 1");
    free(line);

    /* empty text: no mappings, no error */
    assert_int_equal(ld_fx_maps_parse("", 0, &m, &err), 0);
    assert_int_equal(m.n, 0);
}

static void test_maps_limit(void **state)
{
    (void)state;
    const char *line = "1000-2000 ---p 00000000 00:00 0\n";
    size_t ll = strlen(line), n = LD_FX_MAPS_MAX + 1;
    char *text = ld_xmalloc(ll * n);
    for (size_t i = 0; i < n; i++)
        memcpy(text + i * ll, line, ll);
    ld_fx_maps m;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fx_maps_parse(text, ll * n, &m, &err), LD_ERR_LIMIT);
    assert_null(m.items);
    assert_int_equal(ld_fx_maps_parse(text, ll * (n - 1), &m, &err), 0);
    assert_int_equal(m.n, LD_FX_MAPS_MAX);
    ld_fx_maps_clear(&m);
    free(text);
}

static void test_smaps_parse(void **state)
{
    (void)state;
    const char *text = "1000-2000 rw-p 00000000 00:00 0 \n"
                       "Size:                  4 kB\n"
                       "AnonHugePages:         0 kB\n"
                       "VmFlags: rd wr mr mw me dd ac sd\n"
                       "3000-4000 rw-s 00000000 00:05 9 /dev/mem\n"
                       "FilePmdMapped:         0 kB\n"
                       "VmFlags: rd wr sh mr mw me ms io pf dd_x\n"
                       "5000-6000 r--p 00000000 00:00 0 \n"
                       "VmFlags: rd mr mw me add ddd\n";
    ld_fx_maps m;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fx_smaps_parse(text, strlen(text), &m, &err), 0);
    assert_int_equal(m.n, 3);
    assert_true(m.items[0].dont_dump);
    assert_true(m.items[1].dont_dump);
    assert_string_equal(m.items[1].path, "/dev/mem");
    assert_false(m.items[2].dont_dump);
    ld_fx_maps_clear(&m);

    const char *before = "VmFlags: dd\n1000-2000 rw-p 00000000 00:00 0 \n";
    assert_int_equal(ld_fx_smaps_parse(before, strlen(before), &m, &err), LD_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "line 1"));
    const char *junk = "1000-2000 rw-p 00000000 00:00 0 \nSize 4 kB\n";
    assert_int_equal(ld_fx_smaps_parse(junk, strlen(junk), &m, &err), LD_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "line 2"));
    const char *badmap = "1000-2000 rw-p 00000000 00:00 0 \nabc-def xx\n";
    assert_int_equal(ld_fx_smaps_parse(badmap, strlen(badmap), &m, &err), LD_ERR_CORRUPT);
    assert_null(m.items);
}

static void test_stat_syscall_parse(void **state)
{
    (void)state;
    ld_fx_stat_fields f;
    const char *s = "4242 (a) b) (c d) S 1 4242 4242 0 -1 4194560 100 0 0 0 12 34 -5 6 20 -3 1 "
                    "0 5000 100000 200\n";
    assert_true(ld_fx_stat_parse(s, strlen(s), &f));
    assert_string_equal(f.comm, "a) b) (c d");
    assert_int_equal(f.state, 'S');
    assert_int_equal(f.ppid, 1);
    assert_int_equal(f.pgrp, 4242);
    assert_int_equal(f.session, 4242);
    assert_int_equal(f.flags, 4194560);
    assert_int_equal(f.utime, 12);
    assert_int_equal(f.stime, 34);
    assert_int_equal(f.cutime, -5);
    assert_int_equal(f.nice, -3);
    /* a comm longer than 16 bytes is cut */
    const char *l = "1 (abcdefghijklmnopqrstuvwxyz) R 0 1 1 0 -1 0 0 0 0 0 1 2 3 4 20 0\n";
    assert_true(ld_fx_stat_parse(l, strlen(l), &f));
    assert_string_equal(f.comm, "abcdefghijklmnop");
    static const char *bad[] = {
        "",
        "4242 S 1 2 3",
        "4242 (x",
        "4242 (x) S 1 2 3",                                                /* too few */
        "4242 (x) S 1 2 3 0 -1 0 0 0 0 0 99999999999999999999 1 2 3 20 0", /* overflow */
        "4242 (x) S 1 2 3 0 -1 0 0 0 0 0 -1 1 2 3 20 0",                   /* negative time */
        "4242 (x)S 1 2 3 0 -1 0 0 0 0 0 1 1 2 3 20 0",
        "4242 (x) S 1  2 3 0 -1 0 0 0 0 0 1 1 2 3 20 0",
        ")( S 1 2 3 0 -1 0 0 0 0 0 1 1 2 3 20 0",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (ld_fx_stat_parse(bad[i], strlen(bad[i]), &f))
            fail_msg("stat \"%s\" parsed", bad[i]);

    uint64_t sp = 0, pc = 0;
    const char *sc = "0 0x3 0x7fe227d7a000 0x20000 0x7fe227e0bb60 0xffffffff 0x0 0x7ffeb38ba968 "
                     "0x7fe227ef42ad\n";
    assert_true(ld_fx_syscall_parse(sc, strlen(sc), &sp, &pc));
    assert_int_equal(sp, 0x7ffeb38ba968ULL);
    assert_int_equal(pc, 0x7fe227ef42adULL);
    const char *blocked = "-1 0x7ffc0000 0x401000\n";
    assert_true(ld_fx_syscall_parse(blocked, strlen(blocked), &sp, &pc));
    assert_int_equal(sp, 0x7ffc0000);
    assert_int_equal(pc, 0x401000);
    static const char *sbad[] = {"running\n",
                                 "",
                                 "0 0x1 0x2 0x3",
                                 "-1 0x 0x1",
                                 "-1 0x11111111111111111 0x1",
                                 "-1 0x1 0x2 0x3 0x4",
                                 "-1 0x1  0x2",
                                 "0 1 2 3 4 5 6 7 8 9"};
    for (size_t i = 0; i < sizeof sbad / sizeof *sbad; i++)
        if (ld_fx_syscall_parse(sbad[i], strlen(sbad[i]), &sp, &pc))
            fail_msg("syscall \"%s\" parsed", sbad[i]);

    uint32_t id = 0;
    const char *status = "Name:\tx\nUid:\t1000\t1001\t1000\t1000\nGid:\t4294967295\t0\t0\t0\n";
    assert_true(ld_fx_status_id(status, strlen(status), "Uid:", &id));
    assert_int_equal(id, 1000);
    assert_true(ld_fx_status_id(status, strlen(status), "Gid:", &id));
    assert_int_equal(id, 4294967295u);
    const char *st2 = "Uid:\t4294967296\nGid:\n";
    assert_false(ld_fx_status_id(st2, strlen(st2), "Uid:", &id));
    assert_false(ld_fx_status_id(st2, strlen(st2), "Gid:", &id));
    assert_false(ld_fx_status_id(st2, strlen(st2), "Pid:", &id));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mode_names),
        cmocka_unit_test(test_core_all_gdb),
        cmocka_unit_test(test_core_anon),
        cmocka_unit_test(test_core_threads),
        cmocka_unit_test(test_core_cap),
        cmocka_unit_test(test_core_gone),
        cmocka_unit_test(test_core_exit_mid_read),
        cmocka_unit_test(test_core_zero_pages),
        cmocka_unit_test(test_core_extended_numbering),
        cmocka_unit_test(test_maps_parse_kernel),
        cmocka_unit_test(test_maps_parse_hostile),
        cmocka_unit_test(test_maps_limit),
        cmocka_unit_test(test_smaps_parse),
        cmocka_unit_test(test_stat_syscall_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
