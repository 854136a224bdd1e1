/* Decoding the kernel's proc connector messages for lockdown watch's
 * fallback source (proc_source.c): a netlink datagram (NETLINK_CONNECTOR,
 * group CN_IDX_PROC) holds netlink messages, each a cn_msg carrying one
 * struct proc_event. Pure and bounded (every length checked against the
 * bytes received; fields copied out, never read in place), so it is
 * fuzzed on its own (fuzz_proc_connector). Not for subscribing or for
 * /proc reads (proc_source.c, proc_read.h). */
#ifndef LD_RUNTIME_PROC_CONNECTOR_H
#define LD_RUNTIME_PROC_CONNECTOR_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    LD_RT_CN_ACK = 1, /* the answer to a LISTEN / IGNORE request */
    LD_RT_CN_FORK,
    LD_RT_CN_EXEC,
    LD_RT_CN_EXIT,
    LD_RT_CN_UID,
    LD_RT_CN_OTHER, /* gid, sid, ptrace, comm, coredump: not used */
} ld_rt_cn_kind;

typedef struct {
    ld_rt_cn_kind kind;
    uint64_t ts_boot_ns; /* the kernel's monotonic clock */
    int32_t pid, tid;    /* the process (thread group id) and thread; fork: the child */
    int32_t ppid, ptid;  /* fork: the parent; exit: the parent when the kernel says (0: not said) */
    uint32_t ruid, euid; /* uid: the new real and effective uid */
    uint32_t exit_code;  /* exit */
    uint32_t ack_seq, ack_ack, ack_err; /* ack: cn_msg seq and ack, the error (0: accepted) */
} ld_rt_cn_msg;

/* Calls fn for each proc event in the datagram buf[0..len), in order.
 * Netlink messages that are not proc connector events (NLMSG_NOOP, other
 * connector ids) are skipped; malformed ones (lengths that do not add up,
 * a payload too short for its event type, an NLMSG_ERROR) are skipped and
 * counted in *malformed. A nonzero return from fn stops the walk: the
 * value is returned and the messages left in the datagram are counted in
 * *left (may be NULL). 0 otherwise. */
int ld_rt_cn_decode(const void *buf, size_t len, int (*fn)(const ld_rt_cn_msg *m, void *ctx),
                    void *ctx, uint64_t *malformed, uint64_t *left);

#endif
