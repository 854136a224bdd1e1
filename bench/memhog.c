/* memhog — the workload of bench/capture.sh and tests/e2e/test_capture_watchdog.sh:
 * a process that holds MIB mebibytes of resident private memory filled with
 * non-zero bytes (so no page is the shared zero page and every byte has to be
 * read and written by a capture), optionally writes NFILES small files into
 * DIR (the container's changed files), says "ready" on stdout and then sleeps
 * until a signal ends it. Built static (gcc -static) so it runs in a busybox
 * image. Not part of lockdown.
 *
 * Usage: memhog MIB [NFILES DIR] */
#define _GNU_SOURCE /* MAP_ANONYMOUS, O_CLOEXEC, sigaction under -std=c17 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int parse_count(const char *s, unsigned long max, unsigned long *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Fills the region with bytes that are never zero and differ from page to page. */
static void fill(unsigned char *p, size_t len)
{
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (size_t i = 0; i < len; i += 8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint64_t v = x | 0x0101010101010101u; /* no zero byte */
        size_t n = len - i < 8 ? len - i : 8;
        memcpy(p + i, &v, n);
    }
}

static int write_files(unsigned long n, const char *dir)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "memhog: mkdir %s: %s\n", dir, strerror(errno));
        return -1;
    }
    char path[4096], body[64];
    for (unsigned long i = 0; i < n; i++) {
        int pl = snprintf(path, sizeof path, "%s/f%06lu", dir, i);
        int bl = snprintf(body, sizeof body, "changed file %lu\n", i);
        if (pl < 0 || (size_t)pl >= sizeof path || bl < 0)
            return -1;
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0 || write(fd, body, (size_t)bl) != bl) {
            fprintf(stderr, "memhog: %s: %s\n", path, strerror(errno));
            if (fd >= 0)
                close(fd);
            return -1;
        }
        close(fd);
    }
    return 0;
}

static volatile sig_atomic_t stop;
static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

int main(int argc, char **argv)
{
    unsigned long mib = 0, nfiles = 0;
    if ((argc != 2 && argc != 4) || parse_count(argv[1], 1UL << 20, &mib) != 0 ||
        (argc == 4 && parse_count(argv[2], 10000000UL, &nfiles) != 0)) {
        fprintf(stderr, "usage: memhog MIB [NFILES DIR]\n");
        return 2;
    }
    size_t len = (size_t)mib << 20;
    unsigned char *mem = NULL;
    if (len > 0) {
        mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mem == MAP_FAILED) {
            fprintf(stderr, "memhog: mmap %lu MiB: %s\n", mib, strerror(errno));
            return 1;
        }
        fill(mem, len);
    }
    if (nfiles > 0 && write_files(nfiles, argv[3]) != 0)
        return 1;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    printf("ready %lu MiB %lu files\n", mib, nfiles);
    fflush(stdout);
    while (!stop)
        pause();
    /* touch the memory once more so it cannot have been dropped as unused */
    return (len > 0 && mem[len - 1] == 0) ? 1 : 0;
}
