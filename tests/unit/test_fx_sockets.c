/* Tests of the socket tables as evidence (forensics/net_sockets.h): the
 * real tables of this test process (a TCP listener on 127.0.0.1 found with
 * its port, state and owner fd; a connection; ::1 and a v4-mapped peer in
 * tcp6; UDP; unix sockets unnamed, with a path holding spaces, abstract),
 * hand-written tables with known values and hostile ones (truncated lines,
 * bad hex, wrong widths, overflowing numbers, NULs, overlong lines, more
 * than LD_FX_SOCKETS_MAX lines), and a real container (busybox nc
 * listening inside): its sockets read through /proc/INIT/net show the
 * container's own addresses and the nc process as the owner. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "test_skip.h"
#include "test_fx_proc_util.h"

#include "forensics/net_sockets.h"
#include "forensics/proc_collect.h"

static const ld_fx_socket *find_inode(const ld_fx_socket_list *l, uint64_t inode)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].inode == inode)
            return &l->items[i];
    return NULL;
}

static uint64_t inode_of(int fd)
{
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    return (uint64_t)st.st_ino;
}

static uint16_t port_of(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* The parsed table /proc/self/net/<name>. */
static void self_table(const char *name, ld_fx_sock_proto proto, ld_fx_socket_list *l)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/net/%s", name);
    size_t len;
    char *text = fxt_read(path, &len);
    ld_error err = LD_ERROR_INIT;
    int rc = proto == LD_FX_SOCK_UNIX ? ld_fx_sockets_parse_unix(text, len, l, &err)
                                      : ld_fx_sockets_parse_inet(text, len, proto, l, &err);
    if (rc != 0)
        fail_msg("%s: %s", path, err.msg);
    assert_int_equal(l->malformed, 0);
    free(text);
}

/* ---- the tables of this process ------------------------------------------------ */

static void test_self_tcp_listener_and_connection(void **state)
{
    (void)state;
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(lfd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(lfd, 4), 0);
    uint16_t port = port_of(lfd);
    a.sin_port = htons(port);
    int cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_int_equal(connect(cfd, (struct sockaddr *)&a, sizeof a), 0);
    int sfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    assert_true(sfd >= 0);

    ld_fx_socket_list l = {0};
    self_table("tcp", LD_FX_SOCK_TCP, &l);
    const ld_fx_socket *ls = find_inode(&l, inode_of(lfd));
    assert_non_null(ls);
    assert_string_equal(ls->local, "127.0.0.1");
    assert_int_equal(ls->local_port, port);
    assert_string_equal(ls->remote, "0.0.0.0");
    assert_int_equal(ls->remote_port, 0);
    assert_string_equal(ls->state, "LISTEN");
    assert_int_equal(ls->uid, getuid());
    const ld_fx_socket *cs = find_inode(&l, inode_of(cfd));
    assert_non_null(cs);
    assert_string_equal(cs->state, "ESTABLISHED");
    assert_int_equal(cs->local_port, port_of(cfd));
    assert_int_equal(cs->remote_port, port);
    assert_string_equal(cs->remote, "127.0.0.1");
    const ld_fx_socket *ss = find_inode(&l, inode_of(sfd));
    assert_non_null(ss);
    assert_int_equal(ss->local_port, port);
    assert_int_equal(ss->remote_port, port_of(cfd));
    ld_fx_socket_list_clear(&l);
    close(sfd);
    close(cfd);
    close(lfd);
}

static void test_self_tcp6_loopback_and_mapped(void **state)
{
    (void)state;
    int lfd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(lfd >= 0);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(lfd);
        LD_SKIP_OPTIONAL("no IPv6 loopback on this machine (bind ::1: %s)", strerror(errno));
    }
    assert_int_equal(listen(lfd, 4), 0);
    /* a dual-stack listener on any address, reached over IPv4: the peer
     * shows as ::ffff:127.0.0.1 */
    int dfd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int off = 0;
    setsockopt(dfd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    struct sockaddr_in6 any = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT};
    assert_int_equal(bind(dfd, (struct sockaddr *)&any, sizeof any), 0);
    assert_int_equal(listen(dfd, 4), 0);
    int cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in to = {.sin_family = AF_INET,
                             .sin_port = htons(port_of(dfd)),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(connect(cfd, (struct sockaddr *)&to, sizeof to), 0);
    int sfd = accept4(dfd, NULL, NULL, SOCK_CLOEXEC);
    assert_true(sfd >= 0);

    ld_fx_socket_list l = {0};
    self_table("tcp6", LD_FX_SOCK_TCP6, &l);
    const ld_fx_socket *ls = find_inode(&l, inode_of(lfd));
    assert_non_null(ls);
    assert_int_equal(ls->proto, LD_FX_SOCK_TCP6);
    assert_string_equal(ls->local, "::1");
    assert_int_equal(ls->local_port, port_of(lfd));
    assert_string_equal(ls->remote, "::");
    assert_string_equal(ls->state, "LISTEN");
    const ld_fx_socket *ss = find_inode(&l, inode_of(sfd));
    assert_non_null(ss);
    assert_string_equal(ss->local, "::ffff:127.0.0.1");
    assert_string_equal(ss->remote, "::ffff:127.0.0.1");
    assert_int_equal(ss->remote_port, port_of(cfd));
    assert_string_equal(ss->state, "ESTABLISHED");
    ld_fx_socket_list_clear(&l);
    close(sfd);
    close(cfd);
    close(dfd);
    close(lfd);
}

static void test_self_udp(void **state)
{
    (void)state;
    int ufd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(ufd, (struct sockaddr *)&a, sizeof a), 0);
    ld_fx_socket_list l = {0};
    self_table("udp", LD_FX_SOCK_UDP, &l);
    const ld_fx_socket *us = find_inode(&l, inode_of(ufd));
    assert_non_null(us);
    assert_string_equal(us->local, "127.0.0.1");
    assert_int_equal(us->local_port, port_of(ufd));
    assert_string_equal(us->state, "CLOSE"); /* an unconnected UDP socket */
    ld_fx_socket_list_clear(&l);
    close(ufd);
}

static void test_self_unix(void **state)
{
    (void)state;
    int pair[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
    char dir[] = "/tmp/ld-fxsock-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct sockaddr_un pa = {.sun_family = AF_UNIX};
    snprintf(pa.sun_path, sizeof pa.sun_path, "%s/a sock (deleted)", dir);
    int pfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_int_equal(bind(pfd, (struct sockaddr *)&pa, sizeof pa), 0);
    assert_int_equal(listen(pfd, 1), 0);
    /* an abstract name with a NUL inside: the kernel shows both as '@' */
    struct sockaddr_un aa = {.sun_family = AF_UNIX};
    char abs_name[64];
    int an = snprintf(abs_name, sizeof abs_name, "ldproc15-%d", (int)getpid());
    memcpy(aa.sun_path + 1, abs_name, (size_t)an);
    aa.sun_path[1 + an] = '\0';
    memcpy(aa.sun_path + 2 + an, "x", 1);
    int afd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_int_equal(bind(afd, (struct sockaddr *)&aa,
                          (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 3 + (size_t)an)),
                     0);

    ld_fx_socket_list l = {0};
    self_table("unix", LD_FX_SOCK_UNIX, &l);
    const ld_fx_socket *s0 = find_inode(&l, inode_of(pair[0]));
    assert_non_null(s0);
    assert_string_equal(s0->unix_type, "stream");
    assert_string_equal(s0->state, "CONNECTED");
    assert_null(s0->unix_path);
    assert_non_null(find_inode(&l, inode_of(pair[1])));
    const ld_fx_socket *ps = find_inode(&l, inode_of(pfd));
    assert_non_null(ps);
    assert_string_equal(ps->state, "LISTEN");
    assert_string_equal(ps->unix_path, pa.sun_path);
    const ld_fx_socket *as = find_inode(&l, inode_of(afd));
    assert_non_null(as);
    assert_string_equal(as->unix_type, "dgram");
    char want[80];
    snprintf(want, sizeof want, "@%s@x", abs_name);
    assert_string_equal(as->unix_path, want);
    ld_fx_socket_list_clear(&l);
    close(afd);
    close(pfd);
    unlink(pa.sun_path);
    rmdir(dir);
    close(pair[0]);
    close(pair[1]);
}

/* ld_fx_sockets_collect on this process: the copies, sockets.json, and
 * the listener's owner (this pid, the listener's fd). */
static void test_collect_self_owners(void **state)
{
    (void)state;
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(lfd, 4), 0);
    uint16_t port = port_of(lfd);

    fxt_bundle t;
    fxt_bundle_open(&t);
    ld_error err = LD_ERROR_INIT;
    ld_fx_proc_record rec;
    assert_int_equal(ld_fx_proc_collect(t.b, NULL, getpid(), &rec, &err), 0);
    ld_fx_socket_list l = {0};
    if (ld_fx_sockets_collect(t.b, NULL, getpid(), &rec, 1, &l, &err) != 0)
        fail_msg("collect: %s", err.msg);
    assert_non_null(find_inode(&l, inode_of(lfd)));
    for (int p = LD_FX_SOCK_TCP; p <= LD_FX_SOCK_UNIX; p++) {
        char rel[48];
        snprintf(rel, sizeof rel, "network/%s", ld_fx_sock_proto_name((ld_fx_sock_proto)p));
        assert_non_null(fxt_entry(&t, rel));
    }
    const ld_fx_entry *e = fxt_entry(&t, "network/sockets.json");
    assert_non_null(e);
    assert_string_equal(e->kind, LD_FX_KIND_SOCKETS);

    char *text = fxt_read_artifact(&t, "network/sockets.json", NULL);
    json_error_t jerr;
    json_t *doc = json_loads(text, 0, &jerr);
    if (!doc)
        fail_msg("sockets.json: %s", jerr.text);
    assert_true(json_is_array(doc));
    assert_int_equal(json_array_size(doc), l.n);
    bool found = false;
    size_t i;
    json_t *s;
    json_array_foreach(doc, i, s)
    {
        if (json_integer_value(json_object_get(s, "inode")) != (json_int_t)inode_of(lfd))
            continue;
        found = true;
        assert_string_equal(json_string_value(json_object_get(s, "proto")), "tcp");
        assert_string_equal(json_string_value(json_object_get(s, "local")), "127.0.0.1");
        assert_int_equal(json_integer_value(json_object_get(s, "local_port")), port);
        assert_string_equal(json_string_value(json_object_get(s, "state")), "LISTEN");
        json_t *owners = json_object_get(s, "owners");
        assert_int_equal(json_array_size(owners), 1);
        assert_int_equal(json_integer_value(json_object_get(json_array_get(owners, 0), "pid")),
                         getpid());
        assert_int_equal(json_integer_value(json_object_get(json_array_get(owners, 0), "fd")), lfd);
    }
    assert_true(found);
    json_decref(doc);
    free(text);
    ld_fx_socket_list_clear(&l);
    ld_fx_proc_record_clear(&rec);
    fxt_bundle_close(&t);
    close(lfd);
}

/* ---- hand-written tables ---------------------------------------------------------- */

#define TCP_HEADER                                                                                 \
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "          \
    "timeout inode\n"
#define UNIX_HEADER "Num       RefCount Protocol Flags    Type St Inode Path\n"

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static void test_known_values(void **state)
{
    (void)state;
    /* 127.0.0.1:8080 LISTEN; 10.0.0.2:443 <- 10.0.0.9:51000 ESTABLISHED */
    static const char tcp[] = TCP_HEADER
        "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000     "
        "   0 4242 1 0000000000000000 100 0 0 10 0\n"
        "   1: 0200000A:01BB 0900000A:C738 01 00000000:00000000 02:0000A3E1 00000000     0     "
        "   0 4243 2 0000000000000000 20 4 30 10 -1\n";
    /* ::1 port 22 LISTEN */
    static const char tcp6[] = "  sl  local_address                         remote_address  "
                               "                      st tx_queue rx_queue tr tm->when "
                               "retrnsmt   uid  timeout inode\n"
                               "   0: 00000000000000000000000001000000:0016 "
                               "00000000000000000000000000000000:0000 0A 00000000:00000000 "
                               "00:00000000 00000000     0        0 77 1 0000000000000000 "
                               "100 0 0 10 0\n";
    ld_fx_socket_list l = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fx_sockets_parse_inet(tcp, strlen(tcp), LD_FX_SOCK_TCP, &l, &err), 0);
    assert_int_equal(ld_fx_sockets_parse_inet(tcp6, strlen(tcp6), LD_FX_SOCK_TCP6, &l, &err), 0);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.malformed, 0);
    assert_string_equal(l.items[0].local, "127.0.0.1");
    assert_int_equal(l.items[0].local_port, 8080);
    assert_string_equal(l.items[0].state, "LISTEN");
    assert_int_equal(l.items[0].uid, 1000);
    assert_int_equal(l.items[0].inode, 4242);
    assert_string_equal(l.items[1].local, "10.0.0.2");
    assert_int_equal(l.items[1].local_port, 443);
    assert_string_equal(l.items[1].remote, "10.0.0.9");
    assert_int_equal(l.items[1].remote_port, 51000);
    assert_string_equal(l.items[1].state, "ESTABLISHED");
    assert_string_equal(l.items[2].local, "::1");
    assert_int_equal(l.items[2].local_port, 22);
    assert_int_equal(l.items[2].proto, LD_FX_SOCK_TCP6);
    ld_fx_socket_list_clear(&l);
}
#endif

static void test_unix_known_values(void **state)
{
    (void)state;
    static const char text[] =
        UNIX_HEADER "0000000000000000: 00000002 00000000 00010000 0001 01 100 /run/a b.sock\n"
                    "0000000000000000: 00000003 00000000 00000000 0001 03 101\n"
                    "0000000000000000: 00000002 00000000 00000000 0002 01 102 @abs@name\n"
                    "0000000000000000: 00000002 00000000 00000000 0005 02 103 /x\n"
                    "0000000000000000: 00000002 00000000 00000000 0003 04 104 /y\n"
                    "0000000000000000: 00000002 00000000 00000000 0001 09 105\n";
    ld_fx_socket_list l = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fx_sockets_parse_unix(text, strlen(text), &l, &err), 0);
    assert_int_equal(l.n, 6);
    assert_int_equal(l.malformed, 0);
    assert_string_equal(l.items[0].unix_path, "/run/a b.sock");
    assert_string_equal(l.items[0].state, "LISTEN");
    assert_string_equal(l.items[0].unix_type, "stream");
    assert_null(l.items[1].unix_path);
    assert_string_equal(l.items[1].state, "CONNECTED");
    assert_string_equal(l.items[2].unix_path, "@abs@name");
    assert_string_equal(l.items[2].unix_type, "dgram");
    assert_string_equal(l.items[2].state, "UNCONNECTED");
    assert_string_equal(l.items[3].unix_type, "seqpacket");
    assert_string_equal(l.items[3].state, "CONNECTING");
    assert_string_equal(l.items[4].unix_type, "0x0003");
    assert_string_equal(l.items[4].state, "DISCONNECTING");
    assert_string_equal(l.items[5].state, "0x09");
    assert_int_equal(l.items[5].inode, 105);
    ld_fx_socket_list_clear(&l);
}

/* ---- hostile tables ----------------------------------------------------------------- */

#define GOOD4                                                                                      \
    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        "    \
    "0 9 1 0 100 0 0 10 0"

static void test_hostile_inet(void **state)
{
    (void)state;
    static const char *const bad[] = {
        /* truncated: no inode */
        "   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0    "
        "    0",
        /* bad hex in the address */
        "   1: 0100007G:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 9",
        /* address one digit too long, port one digit too long */
        "   1: 0100007F0:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 9",
        "   1: 0100007F:1F900 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 9",
        /* an IPv6 address in the IPv4 table */
        "   1: 00000000000000000000000001000000:0016 00000000:0000 0A 00000000:00000000 "
        "00:00000000 00000000 0 0 9",
        /* state of three digits, not hex */
        "   1: 0100007F:1F90 00000000:0000 0AB 00000000:00000000 00:00000000 00000000 0 0 9",
        "   1: 0100007F:1F90 00000000:0000 ZZ 00000000:00000000 00:00000000 00000000 0 0 9",
        /* uid over 32 bits, inode over 64 bits, a negative inode */
        "   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 "
        "4294967296 0 9",
        "   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 "
        "18446744073709551616",
        "   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 -9",
        /* tx:rx without the colon; the sl without its colon */
        "   1: 0100007F:1F90 00000000:0000 0A 0000000000000000 00:00000000 00000000 0 0 9",
        "   1 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 9",
        /* nothing but the sl */
        "   1:",
    };
    size_t nbad = sizeof(bad) / sizeof(bad[0]);
    /* each bad line between two good ones: the good ones survive */
    char *text = ld_xasprintf("%s", TCP_HEADER);
    for (size_t i = 0; i < nbad; i++) {
        char *next = ld_xasprintf("%s%s\n%s\n", text, GOOD4, bad[i]);
        free(text);
        text = next;
    }
    char *next = ld_xasprintf("%s%s", text, GOOD4); /* the last line without its newline */
    free(text);
    text = next;
    ld_fx_socket_list l = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fx_sockets_parse_inet(text, strlen(text), LD_FX_SOCK_TCP, &l, &err), 0);
    assert_int_equal(l.n, nbad + 1);
    assert_int_equal(l.malformed, nbad);
    for (size_t i = 0; i < l.n; i++)
        assert_int_equal(l.items[i].inode, 9);
    ld_fx_socket_list_clear(&l);
    free(text);

    /* a NUL inside a line, a line of 5000 bytes, CRLF line ends, no header */
    char nul_line[] = GOOD4 "\n" GOOD4 "\n";
    nul_line[10] = '\0';
    ld_fx_socket_list m = {0};
    assert_int_equal(
        ld_fx_sockets_parse_inet(nul_line, sizeof(nul_line) - 1, LD_FX_SOCK_TCP, &m, &err), 0);
    assert_int_equal(m.n, 1);
    assert_int_equal(m.malformed, 1);
    char *longline = ld_xmalloc(5000 + sizeof(GOOD4) + 4);
    memset(longline, 'A', 5000);
    longline[5000] = '\n';
    memcpy(longline + 5001, GOOD4 "\r\n", sizeof(GOOD4 "\r\n")); /* with its NUL */
    assert_int_equal(ld_fx_sockets_parse_inet(longline, strlen(longline), LD_FX_SOCK_TCP, &m, &err),
                     0);
    assert_int_equal(m.n, 2);
    assert_int_equal(m.malformed, 2);
    free(longline);
    /* the unix parser refused for an inet proto, and the inet one for unix */
    assert_int_equal(ld_fx_sockets_parse_inet("", 0, LD_FX_SOCK_UNIX, &m, &err), LD_ERR_INVALID);
    ld_fx_socket_list_clear(&m);
}

static void test_hostile_unix(void **state)
{
    (void)state;
    static const char text[] = UNIX_HEADER
        "0000000000000000: 00000002 00000000\n"                          /* truncated */
        "0000000000000000: 0000002 00000000 00010000 0001 01 100 /a\n"   /* 7 digits */
        "0000000000000000: 00000002 00000000 00010000 001 01 100 /a\n"   /* type of 3 */
        "0000000000000000: 00000002 00000000 00010000 0001 01 1x0 /a\n"  /* inode not decimal */
        "0000000000000000: 00000002 00000000 00010000 0001 01 100 \n"    /* empty name */
        "0000000000000000: 00000002 00000000 0001000G 0001 01 100 /a\n"  /* bad hex flags */
        "0000000000000000 00000002 00000000 00010000 0001 01 100 /a\n"   /* no colon */
        "0000000000000000: 00000002 00000000 00010000 0001 01 200 /ok\n" /* good */
        "0000000000000000: 00000002 00000000 00000000 0001 01 201 /n\n"; /* good */
    ld_fx_socket_list l = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fx_sockets_parse_unix(text, strlen(text), &l, &err), 0);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.malformed, 7);
    assert_string_equal(l.items[0].unix_path, "/ok");
    assert_int_equal(l.items[1].inode, 201);
    ld_fx_socket_list_clear(&l);
}

static void test_huge_count(void **state)
{
    (void)state;
    static const char line[] = "0: 00000002 00000000 00000000 0001 01 7\n";
    size_t lines = (size_t)LD_FX_SOCKETS_MAX + 5;
    size_t len = sizeof(UNIX_HEADER) - 1 + lines * (sizeof(line) - 1);
    char *text = ld_xmalloc(len + 1);
    memcpy(text, UNIX_HEADER, sizeof(UNIX_HEADER) - 1);
    for (size_t i = 0; i < lines; i++)
        memcpy(text + sizeof(UNIX_HEADER) - 1 + i * (sizeof(line) - 1), line, sizeof(line) - 1);
    text[len] = '\0';
    ld_fx_socket_list l = {0};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fx_sockets_parse_unix(text, len, &l, &err), LD_ERR_LIMIT);
    assert_int_equal(l.n, LD_FX_SOCKETS_MAX);
    assert_non_null(strstr(err.msg, "more than"));
    /* the list is full: another table adds nothing and says so */
    ld_error err2 = LD_ERROR_INIT;
    assert_int_equal(ld_fx_sockets_parse_unix(UNIX_HEADER
                                              "0: 00000002 00000000 00000000 0001 01 8\n",
                                              sizeof(UNIX_HEADER) - 1 + 39, &l, &err2),
                     LD_ERR_LIMIT);
    assert_int_equal(l.n, LD_FX_SOCKETS_MAX);
    ld_fx_socket_list_clear(&l);
    free(text);
}

/* A table that cannot be read is a bundle note, and sockets.json is still
 * written (empty) for a process that is gone. */
static void test_collect_missing_tables(void **state)
{
    (void)state;
    fxt_bundle t;
    fxt_bundle_open(&t);
    char fake[128];
    snprintf(fake, sizeof fake, "%s/proc", t.tmp);
    fxt_write_str(fake, "77/net/tcp",
                  TCP_HEADER "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 "
                             "00:00000000 00000000     0        0 4242 1\n   1: garbage\n");
    ld_error err = LD_ERROR_INIT;
    ld_fx_proc_record rec = {.pid = 77};
    ld_fx_sock_fd fds[] = {{.inode = 4242, .fd = 5}};
    rec.sockets = fds;
    rec.n_sockets = 1;
    ld_fx_socket_list l = {0};
    assert_int_equal(ld_fx_sockets_collect(t.b, fake, 77, &rec, 1, &l, &err), 0);
    assert_int_equal(l.n, 1);
    assert_true(fxt_has_note(&t, "network/tcp: 1 malformed lines skipped"));
    assert_true(fxt_has_note(&t, "network/unix"));
    assert_null(fxt_entry(&t, "network/unix"));
    char *text = fxt_read_artifact(&t, "network/sockets.json", NULL);
    json_t *doc = json_loads(text, 0, NULL);
    assert_non_null(doc);
    json_t *owners = json_object_get(json_array_get(doc, 0), "owners");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(owners, 0), "fd")), 5);
    json_decref(doc);
    free(text);
    ld_fx_socket_list_clear(&l);
    fxt_bundle_close(&t);

    /* a process with no /proc directory at all (gone): every table is a
     * note, sockets.json is an empty list */
    fxt_bundle_open(&t);
    snprintf(fake, sizeof fake, "%s/proc", t.tmp);
    fxt_write_str(fake, "1/stat", "1 (x) S 0");
    assert_int_equal(ld_fx_sockets_collect(t.b, fake, 78, NULL, 0, NULL, &err), 0);
    for (int p = LD_FX_SOCK_TCP; p <= LD_FX_SOCK_UNIX; p++) {
        char note[64];
        snprintf(note, sizeof note, "network/%s: /proc/78/net/%s could not be read",
                 ld_fx_sock_proto_name((ld_fx_sock_proto)p),
                 ld_fx_sock_proto_name((ld_fx_sock_proto)p));
        assert_true(fxt_has_note(&t, note));
    }
    text = fxt_read_artifact(&t, "network/sockets.json", NULL);
    doc = json_loads(text, 0, NULL);
    assert_true(json_is_array(doc));
    assert_int_equal(json_array_size(doc), 0);
    json_decref(doc);
    free(text);
    fxt_bundle_close(&t);
}

/* ---- a real container ------------------------------------------------------------- */

typedef struct {
    char name[64];
    bool started;
} container_state;

static int container_teardown(void **state)
{
    container_state *cs = *state;
    if (cs && cs->started) {
        char *argv[] = {"docker", "rm", "-f", cs->name, NULL};
        fxt_docker(argv, NULL);
    }
    free(cs);
    return 0;
}

static int container_setup(void **state)
{
    container_state *cs = ld_xcalloc(1, sizeof(*cs));
    snprintf(cs->name, sizeof cs->name, "ldproc15-sock-%d", (int)getpid());
    *state = cs;
    return 0;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* The socket of proto with local_port port in state, or NULL. */
static const ld_fx_socket *find_port(const ld_fx_socket_list *l, uint16_t port, const char *st)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].proto != LD_FX_SOCK_UNIX && l->items[i].local_port == port &&
            strcmp(l->items[i].state, st) == 0)
            return &l->items[i];
    return NULL;
}

static void test_container_sockets(void **state)
{
    container_state *cs = *state;
    char *out = NULL;
    char *ver[] = {"docker", "version", "--format", "{{.Server.Version}}", NULL};
    if (fxt_docker(ver, &out) != 0)
        LD_SKIP_IF_MISSING("no docker engine answers (tests/harness/engine-up.sh starts one)");
    free(out);
    char *img[] = {"docker", "image", "inspect", "lockdown-test/busybox:1", NULL};
    if (fxt_docker(img, NULL) != 0)
        LD_SKIP_IF_MISSING("image lockdown-test/busybox:1 missing (tests/harness/images.sh)");
    /* -i: nc's stdin stays open, so it does not half-close the connection */
    char *run[] = {"docker",
                   "run",
                   "-d",
                   "-i",
                   "--name",
                   cs->name,
                   "lockdown-test/busybox:1",
                   "sh",
                   "-c",
                   "nc -l -p 8080 & nc -l -p 8081; wait",
                   NULL};
    if (fxt_docker(run, &out) != 0)
        fail_msg("docker run %s failed", cs->name);
    cs->started = true;
    free(out);
    char *insp[] = {"docker", "inspect", "-f", "{{.State.Pid}} {{.NetworkSettings.IPAddress}}",
                    cs->name, NULL};
    assert_int_equal(fxt_docker(insp, &out), 0);
    int init = 0;
    char ip[64] = "";
    if (sscanf(out, "%d %63s", &init, ip) < 1 || init <= 0)
        fail_msg("docker inspect: %s", out);
    free(out);

    /* the listeners come up shortly after the start */
    ld_error err = LD_ERROR_INIT;
    ld_fx_socket_list probe = {0};
    for (int i = 0; i < 100; i++) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/net/tcp6", init);
        char *text = fxt_read(path, NULL);
        ld_fx_socket_list_clear(&probe);
        ld_fx_sockets_parse_inet(text, strlen(text), LD_FX_SOCK_TCP6, &probe, &err);
        free(text);
        if (find_port(&probe, 8080, "LISTEN") && find_port(&probe, 8081, "LISTEN"))
            break;
        sleep_ms(50);
    }
    ld_fx_socket_list_clear(&probe);

    /* a connection from this host to the container's address */
    int cfd = -1;
    if (ip[0]) {
        cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(8081)};
        assert_int_equal(inet_pton(AF_INET, ip, &to.sin_addr), 1);
        if (connect(cfd, (struct sockaddr *)&to, sizeof to) != 0)
            fail_msg("connect %s:8081: %s", ip, strerror(errno));
        sleep_ms(200);
    }

    pid_t *pids = NULL;
    size_t n = 0;
    if (ld_fx_container_pids(init, NULL, &pids, &n, &err) != 0)
        fail_msg("container pids: %s", err.msg);
    assert_int_equal(pids[0], init);
    /* sh and its two nc: the same set docker top shows */
    char *top[] = {"docker", "top", cs->name, "-eo", "pid", NULL};
    assert_int_equal(fxt_docker(top, &out), 0);
    size_t top_n = 0;
    for (char *line = strchr(out, '\n'); line; line = strchr(line + 1, '\n')) {
        int p = (int)strtol(line + 1, NULL, 10);
        bool in = false;
        for (size_t i = 0; i < n; i++)
            in = in || pids[i] == p;
        if (!in)
            fail_msg("docker top lists %d, the cgroup read does not", p);
        top_n++;
    }
    free(out);
    assert_int_equal(top_n, n);
    assert_int_equal(n, 3);

    fxt_bundle t;
    fxt_bundle_open(&t);
    ld_fx_proc_record *recs = ld_xcalloc(n, sizeof(*recs));
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ld_fx_proc_collect(t.b, NULL, pids[i], &recs[i], &err), 0);
    ld_fx_socket_list l = {0};
    if (ld_fx_sockets_collect(t.b, NULL, init, recs, n, &l, &err) != 0)
        fail_msg("sockets: %s", err.msg);

    /* the listener, held by the nc that was told port 8080 */
    const ld_fx_socket *lis = find_port(&l, 8080, "LISTEN");
    assert_non_null(lis);
    pid_t owner = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < recs[i].n_sockets; k++)
            if (recs[i].sockets[k].inode == lis->inode)
                owner = recs[i].pid;
    assert_true(owner > 0);
    for (size_t i = 0; i < n; i++)
        if (recs[i].pid == owner) {
            assert_string_equal(recs[i].comm, "nc");
            assert_true(recs[i].argc == 4);
            assert_string_equal(recs[i].argv[3], "8080");
        }
    /* not in this host's own table: the view is the container's */
    ld_fx_socket_list host = {0};
    self_table("tcp6", LD_FX_SOCK_TCP6, &host);
    assert_null(find_inode(&host, lis->inode));
    ld_fx_socket_list_clear(&host);

    /* the connection, seen from inside: the container's own address */
    if (cfd >= 0) {
        const ld_fx_socket *est = find_port(&l, 8081, "ESTABLISHED");
        assert_non_null(est);
        char want[80];
        snprintf(want, sizeof want, "::ffff:%s", ip);
        assert_string_equal(est->local, want);
        assert_int_equal(est->remote_port, port_of(cfd));
        close(cfd);
    }
    ld_fx_socket_list_clear(&l);
    for (size_t i = 0; i < n; i++)
        ld_fx_proc_record_clear(&recs[i]);
    free(recs);
    free(pids);
    fxt_bundle_close(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_self_tcp_listener_and_connection),
        cmocka_unit_test(test_self_tcp6_loopback_and_mapped),
        cmocka_unit_test(test_self_udp),
        cmocka_unit_test(test_self_unix),
        cmocka_unit_test(test_collect_self_owners),
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        cmocka_unit_test(test_known_values),
#endif
        cmocka_unit_test(test_unix_known_values),
        cmocka_unit_test(test_hostile_inet),
        cmocka_unit_test(test_hostile_unix),
        cmocka_unit_test(test_huge_count),
        cmocka_unit_test(test_collect_missing_tables),
        cmocka_unit_test_setup_teardown(test_container_sockets, container_setup,
                                        container_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
