/* The line feeder of the socket table parsers (private to
 * net_sockets_parse.c and net_sockets.c): a table's text arrives in
 * pieces (read from /proc while it is copied into the bundle) or whole
 * (ld_fx_sockets_parse_*); complete lines go to the line parser of its
 * format, the first line (the header) is skipped, a line longer than
 * LD_FX_SOCK_LINE_MAX is skipped to its end and counted malformed. */
#ifndef LD_FORENSICS_NET_INTERNAL_H
#define LD_FORENSICS_NET_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "forensics/net_sockets.h"

/* The kernel's longest line: a unix socket with a 108-byte path is about
 * 200 bytes; inet6 lines about 180. */
#define LD_FX_SOCK_LINE_MAX 1024

typedef struct {
    ld_fx_sock_proto proto;
    ld_fx_socket_list *out;
    ld_error *err;
    size_t lines; /* lines seen (the header included) */
    char line[LD_FX_SOCK_LINE_MAX];
    size_t line_n;
    bool overlong; /* in a line past LD_FX_SOCK_LINE_MAX: skip to its end */
    int rc;        /* < 0 once LD_FX_SOCKETS_MAX was passed: nothing more is added */
} ld_fx_sock_feeder;

void ld_fx_sock_feed_init(ld_fx_sock_feeder *f, ld_fx_sock_proto proto, ld_fx_socket_list *out,
                          ld_error *err);
/* 0, or LD_ERR_LIMIT (err set) once the list is full. */
int ld_fx_sock_feed(ld_fx_sock_feeder *f, const char *data, size_t n);
/* The last line without a newline (a truncated table) is parsed too. */
int ld_fx_sock_feed_end(ld_fx_sock_feeder *f);

#endif
