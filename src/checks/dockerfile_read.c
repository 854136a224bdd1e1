/* Reading a Dockerfile (dockerfile_parse.h: ld_dockerfile_read_fd,
 * ld_dockerfile_load): the only part of the parser that does I/O — opened
 * O_CLOEXEC, a directory refused with a hint, read to the end with EINTR
 * retried and at most LD_DF_MAX_BYTES kept — then handed to
 * ld_dockerfile_parse. Not for parsing. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks/dockerfile_parse.h"
#include "checks/dockerfile_text.h"
#include "util/cleanup.h"
#include "util/input_file.h"

ld_dockerfile *ld_dockerfile_read_fd(int fd, const char *name, ld_error *err)
{
    df_sbuf b = {0};
    char chunk[16384];
    for (;;) {
        ssize_t got = read(fd, chunk, sizeof(chunk));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            free(b.p);
            ld_error_set_errno(err, LD_ERR_GENERIC, errno, "%s: cannot read", name);
            return NULL;
        }
        if (got == 0)
            break;
        if (b.n + (size_t)got > LD_DF_MAX_BYTES) {
            free(b.p);
            ld_error_set(err, LD_ERR_LIMIT, "%s: larger than %u bytes; not a Dockerfile?", name,
                         LD_DF_MAX_BYTES);
            return NULL;
        }
        df_sb_putn(&b, chunk, (size_t)got);
    }
    ld_dockerfile *df = ld_dockerfile_parse(name, b.p ? b.p : "", b.n, err);
    free(b.p);
    return df;
}

ld_dockerfile *ld_dockerfile_load(const char *path, ld_error *err)
{
    /* the one opener of user-named input files: a FIFO or device is refused, never waited on */
    ld_autoclose int fd = ld_input_open(path, "Dockerfile", NULL, err);
    if (fd < 0)
        return NULL;
    return ld_dockerfile_read_fd(fd, path, err);
}
