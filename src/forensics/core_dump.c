/* Writes a process's memory as an ELF core (core_dump.h) without stopping
 * it: the layout is decided from /proc/PID/maps before the first byte is
 * written (which mappings get contents, where each starts, where the cap
 * cuts), then the ELF header, the program headers and the notes go out,
 * then the contents in address order, read from /proc/PID/mem in 1 MiB
 * preads. The artifact is written in one pass, never seeked back, so the
 * bundle hashes it on the way. Not a ptrace-based dumper: no registers
 * beyond sp/pc, no signal state. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forensics/core_dump.h"
#include "forensics/core_notes.h"
#include "util/cleanup.h"
#include "util/mem.h"

#if defined(__x86_64__)
#define LD_FX_CORE_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define LD_FX_CORE_MACHINE EM_AARCH64
#endif

/* Bytes asked of /proc/PID/mem at once: large enough that the syscall
 * cost vanishes next to the copy, small enough to stay in cache. */
#define LD_FX_CORE_CHUNK ((size_t)1 << 20)
/* /proc/PID/maps of 65530 mappings (vm.max_map_count) with long paths
 * stays well below this. */
#define LD_FX_MAPS_TEXT_MAX ((size_t)64 << 20)

int ld_fx_mem_mode_parse(const char *s)
{
    if (!s)
        return -1;
    if (strcmp(s, "none") == 0)
        return LD_FX_MEM_NONE;
    if (strcmp(s, "anon") == 0)
        return LD_FX_MEM_ANON;
    if (strcmp(s, "all") == 0)
        return LD_FX_MEM_ALL;
    return -1;
}

const char *ld_fx_mem_mode_name(ld_fx_mem_mode m)
{
    switch (m) {
    case LD_FX_MEM_NONE: return "none";
    case LD_FX_MEM_ANON: return "anon";
    case LD_FX_MEM_ALL: return "all";
    }
    return "unknown";
}

/* Kernel pages mapped into every process: reading them gives nothing of
 * the process (and [vvar] reads can fault); the kernel's cores skip them. */
static bool is_kernel_mapping(const ld_fx_mapping *m)
{
    return m->path && (strcmp(m->path, "[vvar]") == 0 || strcmp(m->path, "[vvar_vclock]") == 0 ||
                       strcmp(m->path, "[vsyscall]") == 0);
}

static bool has_contents(const ld_fx_mapping *m, ld_fx_mem_mode mode)
{
    if (!m->r || m->dont_dump || is_kernel_mapping(m))
        return false;
    if (mode == LD_FX_MEM_ALL)
        return true;
    return mode == LD_FX_MEM_ANON && m->w && !m->shared;
}

typedef struct {
    uint64_t offset, filesz;
} seg_plan;

/* The streaming state of one core. */
typedef struct {
    ld_fx_artifact *a;
    int memfd;
    uint8_t *buf;
    uint64_t page;
    uint64_t pending_zeros;    /* zeros owed before the next real bytes */
    uint64_t unreadable_bytes; /* EIO pages */
    uint64_t unreadable_pages;
    uint64_t exit_zero_bytes; /* zeros after the process went away */
    bool exited;
    uint64_t written;
} streamer;

static int flush_zeros(streamer *s, ld_error *err)
{
    if (!s->pending_zeros)
        return 0;
    int rc = ld_fx_artifact_write_zeros(s->a, s->pending_zeros, err);
    s->pending_zeros = 0;
    return rc;
}

static bool all_zero(const uint8_t *p, size_t n)
{
    return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

/* n bytes read at addr: pages of zeros (untouched memory, most of a
 * large heap) become holes in the file, as in the kernel's cores; runs of
 * other pages are written whole. */
static int write_contents(streamer *s, uint64_t addr, size_t n, ld_error *err)
{
    size_t at = 0, run = 0; /* [run, at) not yet written, not zeros */
    while (at < n) {
        size_t k = (size_t)(s->page - (addr + at) % s->page);
        if (k > n - at)
            k = n - at;
        if (all_zero(s->buf + at, k)) {
            if (at > run) {
                if (flush_zeros(s, err) < 0 ||
                    ld_fx_artifact_write(s->a, s->buf + run, at - run, err) < 0)
                    return -1;
            }
            s->pending_zeros += k;
            run = at + k;
        }
        at += k;
    }
    if (n > run) {
        if (flush_zeros(s, err) < 0 || ld_fx_artifact_write(s->a, s->buf + run, n - run, err) < 0)
            return -1;
    }
    return 0;
}

/* One segment's contents: whole chunks while they read; after a chunk
 * fails, the page at the failure is zeros and the next read is a whole
 * chunk again, so a readable run costs one syscall per MiB and each
 * unreadable page one more. */
static int stream_segment(streamer *s, uint64_t addr, uint64_t len, ld_error *err)
{
    while (len > 0) {
        if (s->exited) {
            s->pending_zeros += len;
            s->exit_zero_bytes += len;
            s->written += len;
            return 0;
        }
        size_t want = len < LD_FX_CORE_CHUNK ? (size_t)len : LD_FX_CORE_CHUNK;
        ssize_t r = -1;
        int e = EIO;
        if (addr <= (uint64_t)INT64_MAX - want) {
            do
                r = pread(s->memfd, s->buf, want, (off_t)addr);
            while (r < 0 && errno == EINTR);
            e = r < 0 ? errno : 0;
        }
        if (r > 0) {
            if (write_contents(s, addr, (size_t)r, err) < 0)
                return -1;
            addr += (uint64_t)r;
            len -= (uint64_t)r;
            s->written += (uint64_t)r;
            continue;
        }
        if (r == 0 || e == ESRCH) {
            /* the address space is gone: the process exited */
            s->exited = true;
            continue;
        }
        uint64_t to_boundary = s->page - (addr % s->page);
        uint64_t n = to_boundary < len ? to_boundary : len;
        s->pending_zeros += n;
        s->unreadable_bytes += n;
        s->unreadable_pages++;
        s->written += n;
        addr += n;
        len -= n;
    }
    return 0;
}

/* The ELF header, program headers (and the extended-numbering section
 * header), the notes and the padding to the first segment, in one buffer. */
static uint8_t *build_head(const ld_fx_maps *maps, const seg_plan *plan,
                           const ld_fx_core_notes *notes, uint64_t notes_off, uint64_t data_off,
                           uint64_t page, size_t *len)
{
    size_t phnum = maps->n + 1;
    bool xnum = phnum >= PN_XNUM;
    uint8_t *head = ld_xcalloc(1, (size_t)data_off);
    Elf64_Ehdr eh;
    memset(&eh, 0, sizeof eh);
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    eh.e_ident[EI_DATA] = ELFDATA2MSB;
#else
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
#endif
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
    eh.e_type = ET_CORE;
#ifdef LD_FX_CORE_MACHINE
    eh.e_machine = LD_FX_CORE_MACHINE;
#endif
    eh.e_version = EV_CURRENT;
    eh.e_phoff = sizeof(Elf64_Ehdr);
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = xnum ? PN_XNUM : (Elf64_Half)phnum;
    size_t at = sizeof eh;
    size_t sh_off = at + phnum * sizeof(Elf64_Phdr);
    if (xnum) {
        /* more than 65534 segments: the count lives in section header 0 */
        eh.e_shoff = sh_off;
        eh.e_shentsize = sizeof(Elf64_Shdr);
        eh.e_shnum = 1;
        eh.e_shstrndx = SHN_UNDEF;
        Elf64_Shdr sh;
        memset(&sh, 0, sizeof sh);
        sh.sh_type = SHT_NULL;
        sh.sh_size = 1;
        sh.sh_info = (Elf64_Word)phnum;
        memcpy(head + sh_off, &sh, sizeof sh);
    }
    memcpy(head, &eh, sizeof eh);

    Elf64_Phdr ph;
    memset(&ph, 0, sizeof ph);
    ph.p_type = PT_NOTE;
    ph.p_offset = notes_off;
    ph.p_filesz = notes->len;
    ph.p_align = 4;
    memcpy(head + at, &ph, sizeof ph);
    at += sizeof ph;
    for (size_t i = 0; i < maps->n; i++) {
        const ld_fx_mapping *m = &maps->items[i];
        memset(&ph, 0, sizeof ph);
        ph.p_type = PT_LOAD;
        ph.p_flags = (m->r ? PF_R : 0) | (m->w ? PF_W : 0) | (m->x ? PF_X : 0);
        ph.p_offset = plan[i].offset;
        ph.p_vaddr = m->start;
        ph.p_filesz = plan[i].filesz;
        ph.p_memsz = m->end - m->start;
        ph.p_align = page;
        memcpy(head + at, &ph, sizeof ph);
        at += sizeof ph;
    }
    memcpy(head + notes_off, notes->data, notes->len);
    *len = (size_t)data_off;
    return head;
}

int ld_fx_core_write(ld_fx_bundle *b, const char *relpath, const char *proc_root, pid_t pid,
                     ld_fx_mem_mode mode, uint64_t max_bytes, ld_fx_core_result *res, ld_error *err)
{
    memset(res, 0, sizeof *res);
    if (mode != LD_FX_MEM_ANON && mode != LD_FX_MEM_ALL)
        return ld_error_set(err, LD_ERR_INVALID, "memory of process %d: mode \"%s\" writes no core",
                            (int)pid, ld_fx_mem_mode_name(mode));
    if (pid <= 0)
        return ld_error_set(err, LD_ERR_INVALID, "memory core: invalid pid %d", (int)pid);
    long page_l = sysconf(_SC_PAGESIZE);
    uint64_t page = page_l > 0 ? (uint64_t)page_l : 4096;
    ld_autofree char *proc_dir = ld_xasprintf("%s/%d", proc_root ? proc_root : "/proc", (int)pid);

    /* smaps gives the same lines plus the don't-dump flags; maps is the
     * fallback (a kernel without smaps, a proc_root in a test) */
    ld_autofree char *maps_path = ld_xasprintf("%s/smaps", proc_dir);
    ld_autofree char *maps_text = NULL;
    size_t maps_len = 0;
    bool smaps = true;
    int rc = ld_fx_proc_read(maps_path, LD_FX_MAPS_TEXT_MAX, &maps_text, &maps_len, err);
    if (rc < 0 && rc != LD_ERR_LIMIT) {
        smaps = false;
        free(maps_path);
        maps_path = ld_xasprintf("%s/maps", proc_dir);
        ld_error_clear(err);
        rc = ld_fx_proc_read(maps_path, LD_FX_MAPS_TEXT_MAX, &maps_text, &maps_len, err);
    }
    if (rc < 0)
        return ld_error_wrap(err, "memory of process %d%s", (int)pid,
                             rc == LD_ERR_NOT_FOUND ? " (it exited)" : "");
    ld_fx_maps maps;
    rc = smaps ? ld_fx_smaps_parse(maps_text, maps_len, &maps, err)
               : ld_fx_maps_parse(maps_text, maps_len, &maps, err);
    if (rc < 0)
        return ld_error_wrap(err, "memory of process %d: %s", (int)pid, maps_path);
    free(ld_steal_ptr(&maps_text));
    if (maps.n == 0) {
        ld_fx_maps_clear(&maps);
        return ld_error_set(err, LD_ERR_NOT_FOUND,
                            "memory of process %d: no mappings in %s (it exited, or it is a "
                            "kernel thread)",
                            (int)pid, maps_path);
    }

    ld_autofree char *mem_path = ld_xasprintf("%s/mem", proc_dir);
    ld_autoclose int memfd = open(mem_path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
    if (memfd < 0) {
        int e = errno;
        ld_fx_maps_clear(&maps);
        return ld_error_set_errno(err,
                                  e == ENOENT || e == ESRCH ? LD_ERR_NOT_FOUND : LD_ERR_GENERIC, e,
                                  "memory of process %d: cannot open %s", (int)pid, mem_path);
    }

    ld_fx_core_notes notes;
    rc = ld_fx_core_notes_build(proc_dir, pid, &maps, page, &notes, err);
    if (rc < 0) {
        ld_fx_maps_clear(&maps);
        return ld_error_wrap(err, "memory of process %d", (int)pid);
    }

    /* layout: which mappings get contents, and where each starts */
    size_t phnum = maps.n + 1;
    uint64_t notes_off = sizeof(Elf64_Ehdr) + (uint64_t)phnum * sizeof(Elf64_Phdr) +
                         (phnum >= PN_XNUM ? sizeof(Elf64_Shdr) : 0);
    uint64_t data_off = (notes_off + notes.len + page - 1) / page * page;
    uint64_t budget = max_bytes ? max_bytes : UINT64_MAX;
    uint64_t planned = 0, left_out = 0, cap_at = 0, dont_dump = 0;
    ld_autofree seg_plan *plan = ld_xcalloc(maps.n, sizeof *plan);
    bool capped = false;
    for (size_t i = 0; i < maps.n; i++) {
        const ld_fx_mapping *m = &maps.items[i];
        uint64_t size = m->end - m->start;
        plan[i].offset = data_off + planned;
        if (m->dont_dump && m->r && !is_kernel_mapping(m) &&
            (mode == LD_FX_MEM_ALL || (m->w && !m->shared)))
            dont_dump++;
        if (!has_contents(m, mode))
            continue;
        if (capped || size > budget - planned || size > UINT64_MAX - data_off - planned) {
            if (!capped)
                cap_at = m->start;
            capped = true;
            left_out++;
            continue;
        }
        plan[i].filesz = size;
        planned += size;
    }

    size_t head_len = 0;
    ld_autofree uint8_t *head =
        build_head(&maps, plan, &notes, notes_off, data_off, page, &head_len);
    ld_fx_artifact *a = NULL;
    rc = ld_fx_artifact_open(b, relpath, LD_FX_KIND_CORE, &a, err);
    if (rc < 0)
        goto fail;
    rc = ld_fx_artifact_write(a, head, head_len, err);
    if (rc < 0)
        goto fail;
    free(ld_steal_ptr(&head));

    streamer s = {.a = a, .memfd = memfd, .page = page};
    s.buf = ld_xmalloc(LD_FX_CORE_CHUNK);
    for (size_t i = 0; i < maps.n && rc == 0; i++) {
        if (plan[i].filesz)
            rc = stream_segment(&s, maps.items[i].start, plan[i].filesz, err);
    }
    if (rc == 0)
        rc = flush_zeros(&s, err);
    free(s.buf);
    if (rc < 0)
        goto fail;

    res->mappings = maps.n;
    res->bytes_written = s.written;
    res->bytes_unreadable = s.unreadable_bytes + s.exit_zero_bytes;
    res->threads = notes.threads;
    res->capped = capped;
    res->exited = s.exited;
    if (capped)
        ld_fx_artifact_note(a, true,
                            "memory contents stopped at %" PRIu64 " bytes (--max-memory): %" PRIu64
                            " mappings from 0x%" PRIx64 " on are listed without contents",
                            max_bytes, left_out, cap_at);
    if (s.unreadable_pages)
        ld_fx_artifact_note(a, false,
                            "%" PRIu64 " unreadable pages (%" PRIu64 " bytes) written as zeros",
                            s.unreadable_pages, s.unreadable_bytes);
    if (s.exited)
        ld_fx_artifact_note(a, false,
                            "process %d exited while its memory was read: the last %" PRIu64
                            " bytes of contents are zeros",
                            (int)pid, s.exit_zero_bytes);
    if (dont_dump)
        ld_fx_artifact_note(a, false,
                            "%" PRIu64 " mappings marked do-not-dump by the process or "
                            "device memory (smaps VmFlags dd, io) are listed without contents",
                            dont_dump);
    if (notes.threads_cut)
        ld_fx_artifact_note(a, false, "threads after the first %u are not in the core",
                            notes.threads);
    if (notes.file_left_out)
        ld_fx_artifact_note(a, false,
                            "%zu file-backed mappings are left out of the NT_FILE note (over %zu "
                            "bytes)",
                            notes.file_left_out, LD_FX_CORE_NT_FILE_MAX);
    ld_fx_core_notes_clear(&notes);
    ld_fx_maps_clear(&maps);
    rc = ld_fx_artifact_close(a, err);
    if (rc < 0)
        return ld_error_wrap(err, "memory of process %d", (int)pid);
    return 0;

fail:
    ld_fx_artifact_abort(a);
    ld_fx_core_notes_clear(&notes);
    ld_fx_maps_clear(&maps);
    memset(res, 0, sizeof *res);
    return ld_error_wrap(err, "memory of process %d", (int)pid);
}
