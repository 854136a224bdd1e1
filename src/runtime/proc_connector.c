/* Proc connector datagrams -> ld_rt_cn_msg (proc_connector.h): a bounded
 * walk over netlink messages; each cn_msg's proc_event is copied into a
 * zeroed local before any field is read, and only the bytes the message
 * says it holds are copied. */
#include "runtime/proc_connector.h"

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <stddef.h>
#include <string.h>

/* Bytes of proc_event the fields of each kind need (the header: what, cpu,
 * timestamp; then the union member). An exit event without the parent
 * (kernels before 4.17) is shorter than one with it. */
#define EVENT_HEAD offsetof(struct proc_event, event_data)
#define NEED(member) (EVENT_HEAD + sizeof(((struct proc_event *)0)->event_data.member))
#define EXIT_NO_PARENT (EVENT_HEAD + offsetof(struct exit_proc_event, parent_pid))

static int decode_event(const struct cn_msg *cn, const unsigned char *data, size_t n,
                        ld_rt_cn_msg *m)
{
    struct proc_event ev;
    memset(&ev, 0, sizeof ev);
    if (n < EVENT_HEAD)
        return -1;
    memcpy(&ev, data, n < sizeof ev ? n : sizeof ev);
    memset(m, 0, sizeof *m);
    m->ts_boot_ns = ev.timestamp_ns;
    switch ((uint32_t)ev.what) {
    case PROC_EVENT_NONE:
        if (n < NEED(ack))
            return -1;
        m->kind = LD_RT_CN_ACK;
        m->ack_seq = cn->seq;
        m->ack_ack = cn->ack;
        m->ack_err = ev.event_data.ack.err;
        return 0;
    case PROC_EVENT_FORK:
        if (n < NEED(fork))
            return -1;
        m->kind = LD_RT_CN_FORK;
        m->pid = ev.event_data.fork.child_tgid;
        m->tid = ev.event_data.fork.child_pid;
        m->ppid = ev.event_data.fork.parent_tgid;
        m->ptid = ev.event_data.fork.parent_pid;
        return 0;
    case PROC_EVENT_EXEC:
        if (n < NEED(exec))
            return -1;
        m->kind = LD_RT_CN_EXEC;
        m->pid = ev.event_data.exec.process_tgid;
        m->tid = ev.event_data.exec.process_pid;
        return 0;
    case PROC_EVENT_UID:
        if (n < NEED(id))
            return -1;
        m->kind = LD_RT_CN_UID;
        m->pid = ev.event_data.id.process_tgid;
        m->tid = ev.event_data.id.process_pid;
        m->ruid = ev.event_data.id.r.ruid;
        m->euid = ev.event_data.id.e.euid;
        return 0;
    case PROC_EVENT_EXIT:
        if (n < EXIT_NO_PARENT)
            return -1;
        m->kind = LD_RT_CN_EXIT;
        m->pid = ev.event_data.exit.process_tgid;
        m->tid = ev.event_data.exit.process_pid;
        m->exit_code = ev.event_data.exit.exit_code;
        if (n >= NEED(exit)) {
            m->ppid = ev.event_data.exit.parent_tgid;
            m->ptid = ev.event_data.exit.parent_pid;
        }
        return 0;
    default: m->kind = LD_RT_CN_OTHER; return 0;
    }
}

int ld_rt_cn_decode(const void *buf, size_t len, int (*fn)(const ld_rt_cn_msg *m, void *ctx),
                    void *ctx, uint64_t *malformed, uint64_t *left)
{
    const unsigned char *p = buf;
    size_t off = 0;
    while (len - off >= sizeof(struct nlmsghdr)) {
        struct nlmsghdr nh;
        memcpy(&nh, p + off, sizeof nh);
        if (nh.nlmsg_len < sizeof nh || nh.nlmsg_len > len - off) {
            (*malformed)++;
            return 0; /* the rest cannot be framed */
        }
        size_t next = off + NLMSG_ALIGN(nh.nlmsg_len);
        const unsigned char *payload = p + off + sizeof nh;
        size_t plen = nh.nlmsg_len - sizeof nh;
        off = next > len ? len : next;
        if (nh.nlmsg_type == NLMSG_NOOP)
            continue;
        if (nh.nlmsg_type == NLMSG_ERROR || nh.nlmsg_type == NLMSG_OVERRUN ||
            plen < sizeof(struct cn_msg)) {
            (*malformed)++;
            continue;
        }
        struct cn_msg cn;
        memcpy(&cn, payload, sizeof cn);
        if (cn.id.idx != CN_IDX_PROC || cn.id.val != CN_VAL_PROC)
            continue;
        if (cn.len > plen - sizeof cn) {
            (*malformed)++;
            continue;
        }
        ld_rt_cn_msg m;
        if (decode_event(&cn, payload + sizeof cn, cn.len, &m) < 0) {
            (*malformed)++;
            continue;
        }
        int rc = fn(&m, ctx);
        if (rc) {
            if (left) /* what the datagram still holds is not delivered */
                while (len - off >= sizeof(struct nlmsghdr)) {
                    memcpy(&nh, p + off, sizeof nh);
                    if (nh.nlmsg_len < sizeof nh || nh.nlmsg_len > len - off)
                        break;
                    (*left)++;
                    off = len - off > NLMSG_ALIGN(nh.nlmsg_len) ? off + NLMSG_ALIGN(nh.nlmsg_len)
                                                                : len;
                }
            return rc;
        }
    }
    if (off < len)
        (*malformed)++; /* trailing bytes too short for a message */
    return 0;
}
