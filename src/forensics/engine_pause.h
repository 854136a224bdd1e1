/* The engine's pause and unpause for the freeze (internal to src/forensics):
 * POST /v<api>/containers/<id>/pause (or /unpause) over the engine's unix
 * socket with plain system calls, because the watchdog makes the unpause
 * after fork, where no allocation and no library (libcurl) may be used.
 * Not a general HTTP client: one request per connection ("Connection:
 * close"), the status line read, the rest of the answer (at most a small
 * buffer) kept only to tell "already paused" / "not paused" apart.
 *
 * ld_fx_engine_pause_prepare builds both requests and the socket address
 * before the fork; ld_fx_engine_post and the parsers are async-signal-safe. */
#ifndef LD_FORENSICS_ENGINE_PAUSE_H
#define LD_FORENSICS_ENGINE_PAUSE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "core/error.h"

#define LD_FX_ENGINE_REQ_MAX 512
/* The most of an answer kept (status line, headers, a short error body). */
#define LD_FX_ENGINE_ANSWER_MAX 2048

typedef struct {
    struct sockaddr_un addr;
    socklen_t addr_len;
    char pause_req[LD_FX_ENGINE_REQ_MAX];
    size_t pause_len;
    char unpause_req[LD_FX_ENGINE_REQ_MAX];
    size_t unpause_len;
} ld_fx_engine_pause;

/* Fills e for the container id (letters, digits, '_', '.', '-'; at most
 * 128) on the engine at socket_path (an absolute path that fits a unix
 * socket address), API version api_version ("1.41": digits and dots).
 * 0, or LD_ERR_INVALID naming what is wrong. */
int ld_fx_engine_pause_prepare(ld_fx_engine_pause *e, const char *socket_path,
                               const char *api_version, const char *container_id, ld_error *err);

/* The answer to one request. */
typedef struct {
    int status;       /* HTTP status, or 0 when none was read */
    int sys_errno;    /* the errno of a failed connect/send/recv (0: none) */
    const char *step; /* "socket", "connect", "send", "recv", "status line": what failed; NULL */
    char text[LD_FX_ENGINE_ANSWER_MAX]; /* the answer's first bytes, NUL-terminated */
    size_t text_len;
} ld_fx_engine_answer;

/* Sends the pause (pause true) or unpause request and reads the answer
 * until the peer closes, the buffer is full or timeout_ms passes (send,
 * receive and the whole exchange each bounded by it). Returns the status
 * (>= 100) or -1 with a->step / a->sys_errno saying what failed.
 * Async-signal-safe: system calls only, no allocation, no SIGPIPE. */
int ld_fx_engine_post(const ld_fx_engine_pause *e, bool pause, int timeout_ms,
                      ld_fx_engine_answer *a);

/* The status of an HTTP/1.x status line at the start of buf ("HTTP/1.1 204
 * No Content\r\n"): 100..599, or -1 when buf does not start with one. */
int ld_fx_http_status_parse(const char *buf, size_t len);

/* Whether an answer says the container was already in the wanted state:
 * for pause, "is already paused" (Docker's 409); for unpause, "is not
 * paused". Bounded search, async-signal-safe. */
bool ld_fx_engine_answer_already(const char *buf, size_t len, bool pause);

#endif
