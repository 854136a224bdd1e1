/* The container's sockets, seen from inside its network namespace: the
 * kernel's tables /proc/PID/net/{tcp,tcp6,udp,udp6,raw,raw6,unix} of a
 * process in the container (they describe that process's netns), copied
 * verbatim to network/<name> and parsed into network/sockets.json with
 * the processes that hold each socket (from their fds):
 *   [{"proto": "tcp", "local": "10.0.0.2", "local_port": 8080,
 *     "remote": "0.0.0.0", "remote_port": 0, "state": "LISTEN",
 *     "uid": 0, "inode": 12345, "owners": [{"pid": 42, "fd": 3}]},
 *    {"proto": "unix", "path": "/run/x.sock" | "@abstract" | "",
 *     "type": "stream|dgram|seqpacket", "state": "LISTEN|CONNECTED|...",
 *     "inode": 123, "owners": [...]}, ...]
 * The tables are parsed as hostile text (a container cannot forge them,
 * but the parser does not rely on that): bounded lines and counts, strict
 * hex fields; a malformed line is skipped and counted. */
#ifndef LD_FORENSICS_NET_SOCKETS_H
#define LD_FORENSICS_NET_SOCKETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"
#include "forensics/bundle.h"
#include "forensics/proc_collect.h"

#define LD_FX_SOCKETS_MAX 262144

typedef enum {
    LD_FX_SOCK_TCP,
    LD_FX_SOCK_TCP6,
    LD_FX_SOCK_UDP,
    LD_FX_SOCK_UDP6,
    LD_FX_SOCK_RAW,
    LD_FX_SOCK_RAW6,
    LD_FX_SOCK_UNIX,
} ld_fx_sock_proto;
const char *ld_fx_sock_proto_name(ld_fx_sock_proto p); /* "tcp", "tcp6", ... (the file name) */

typedef struct {
    ld_fx_sock_proto proto;
    char local[48], remote[48]; /* text addresses (inet_ntop); empty for unix */
    uint16_t local_port, remote_port;
    char state[16];             /* "ESTABLISHED", "LISTEN", ... ; unix: "CONNECTED", ... */
    uint32_t uid;
    uint64_t inode;
    char unix_type[12];         /* "stream", "dgram", "seqpacket" */
    char *unix_path;            /* NULL when unnamed; "@name" for abstract (NUL shown as @) */
} ld_fx_socket;

typedef struct {
    ld_fx_socket *items;
    size_t n, cap;
    size_t malformed; /* lines skipped */
} ld_fx_socket_list;

/* Appends the sockets of one table's text (the whole file, header line
 * included) to out. LD_ERR_LIMIT past LD_FX_SOCKETS_MAX. */
int ld_fx_sockets_parse_inet(const char *text, size_t len, ld_fx_sock_proto proto,
                             ld_fx_socket_list *out, ld_error *err);
int ld_fx_sockets_parse_unix(const char *text, size_t len, ld_fx_socket_list *out,
                             ld_error *err);
void ld_fx_socket_list_clear(ld_fx_socket_list *l);

/* Copies /proc/PID/net/<table> for every table into network/, parses
 * them, and writes network/sockets.json with owners from recs (the
 * processes' socket fds). pid is any process of the container (its
 * init). proc_root NULL: /proc. 0, or < 0 on a bundle write error; a
 * table that cannot be read is a bundle note. *out (may be NULL) receives
 * the parsed list for the caller's summary. */
int ld_fx_sockets_collect(ld_fx_bundle *b, const char *proc_root, pid_t pid,
                          const ld_fx_proc_record *recs, size_t n_recs, ld_fx_socket_list *out,
                          ld_error *err);

#endif
