/* Parsers of the /proc text formats the capture reads (proc_text.h):
 * cursor parsing over a bounded buffer, every number checked for overflow
 * and range, nothing trusted to be NUL-terminated. */
#include "forensics/proc_text.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

/* ---- cursor helpers -------------------------------------------------------- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* An unsigned decimal at *p (at least one digit), fitting in 64 bits. */
static bool take_u64(const char **p, const char *end, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    if (s >= end || !is_digit(*s))
        return false;
    while (s < end && is_digit(*s)) {
        if (__builtin_mul_overflow(v, 10u, &v) ||
            __builtin_add_overflow(v, (uint64_t)(*s - '0'), &v))
            return false;
        s++;
    }
    *p = s;
    *out = v;
    return true;
}

/* An optionally negative decimal fitting in int64. */
static bool take_i64(const char **p, const char *end, int64_t *out)
{
    const char *s = *p;
    bool neg = s < end && *s == '-';
    if (neg)
        s++;
    uint64_t v;
    if (!take_u64(&s, end, &v) || v > (uint64_t)INT64_MAX)
        return false;
    *p = s;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return true;
}

/* The token [*p, end of token) where tokens are separated by one or more
 * blanks (' ' or '\t'); *p is advanced past the blanks before it. */
static bool next_token(const char **p, const char *end, const char **tok, size_t *n)
{
    const char *s = *p;
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    const char *t = s;
    while (s < end && !is_space(*s))
        s++;
    if (s == t)
        return false;
    *tok = t;
    *n = (size_t)(s - t);
    *p = s;
    return true;
}

/* The whole token is an integer (int64). */
static bool token_i64(const char *tok, size_t n, int64_t *out)
{
    const char *p = tok;
    return take_i64(&p, tok + n, out) && p == tok + n;
}

static bool token_u64(const char *tok, size_t n, uint64_t *out)
{
    const char *p = tok;
    return take_u64(&p, tok + n, out) && p == tok + n;
}

/* ---- stat ------------------------------------------------------------------- */

int ld_fx_parse_stat(const char *buf, size_t len, ld_fx_stat_fields *out)
{
    memset(out, 0, sizeof(*out));
    out->state = '?';
    const char *end = buf + len;
    const char *open = memchr(buf, '(', len);
    if (!open)
        return -1;
    const char *close = NULL;
    for (const char *q = end - 1; q > open; q--) {
        if (*q == ')') {
            close = q;
            break;
        }
    }
    if (!close)
        return -1;
    size_t comm_len = (size_t)(close - open - 1);
    if (comm_len > sizeof(out->comm) - 1)
        comm_len = sizeof(out->comm) - 1;
    memcpy(out->comm, open + 1, comm_len);
    out->comm[comm_len] = '\0';

    /* fields 3.. after the last ')': state, then numbers (some negative) */
    const char *p = close + 1;
    const char *tok;
    size_t n;
    if (!next_token(&p, end, &tok, &n) || n != 1)
        return -1;
    char state = tok[0];
    int64_t ppid = 0;
    uint64_t start = 0;
    for (int field = 4; field <= 22; field++) {
        if (!next_token(&p, end, &tok, &n))
            return -1;
        if (field == 22) {
            if (!token_u64(tok, n, &start))
                return -1;
        } else {
            int64_t v;
            if (!token_i64(tok, n, &v))
                return -1;
            if (field == 4)
                ppid = v;
        }
    }
    out->state = state;
    out->ppid = ppid;
    out->start_ticks = start;
    return 0;
}

/* ---- status ----------------------------------------------------------------- */

/* The line [line, eol) starts with key (which includes the ':'): *p after
 * the blanks that follow. */
static bool line_key(const char *line, const char *eol, const char *key, const char **p)
{
    size_t k = strlen(key);
    if ((size_t)(eol - line) < k || memcmp(line, key, k) != 0)
        return false;
    const char *s = line + k;
    while (s < eol && (*s == ' ' || *s == '\t'))
        s++;
    *p = s;
    return true;
}

/* Reads up to max unsigned 32-bit values separated by blanks; the count. */
static size_t take_u32_list(const char *p, const char *eol, uint32_t *vals, size_t max)
{
    size_t n = 0;
    const char *tok;
    size_t tn;
    while (n < max && next_token(&p, eol, &tok, &tn)) {
        uint64_t v;
        if (!token_u64(tok, tn, &v) || v > UINT32_MAX)
            return n;
        vals[n++] = (uint32_t)v;
    }
    return n;
}

void ld_fx_parse_status(const char *buf, size_t len, ld_fx_status_fields *out)
{
    memset(out, 0, sizeof(*out));
    out->state = '?';
    const char *end = buf + len;
    for (const char *line = buf; line < end;) {
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol)
            eol = end;
        const char *p;
        const char *tok;
        size_t n;
        if (!(out->got & LD_FX_ST_STATE) && line_key(line, eol, "State:", &p)) {
            if (next_token(&p, eol, &tok, &n) && n == 1) {
                out->state = tok[0];
                out->got |= LD_FX_ST_STATE;
            }
        } else if (!(out->got & LD_FX_ST_PPID) && line_key(line, eol, "PPid:", &p)) {
            int64_t v;
            if (next_token(&p, eol, &tok, &n) && token_i64(tok, n, &v) && v >= 0) {
                out->ppid = v;
                out->got |= LD_FX_ST_PPID;
            }
        } else if (!(out->got & LD_FX_ST_UID) && line_key(line, eol, "Uid:", &p)) {
            uint32_t v[2];
            if (take_u32_list(p, eol, v, 2) == 2) {
                out->uid = v[0];
                out->euid = v[1];
                out->got |= LD_FX_ST_UID;
            }
        } else if (!(out->got & LD_FX_ST_GID) && line_key(line, eol, "Gid:", &p)) {
            uint32_t v[1];
            if (take_u32_list(p, eol, v, 1) == 1) {
                out->gid = v[0];
                out->got |= LD_FX_ST_GID;
            }
        } else if (!(out->got & LD_FX_ST_THREADS) && line_key(line, eol, "Threads:", &p)) {
            uint32_t v[1];
            if (take_u32_list(p, eol, v, 1) == 1) {
                out->threads = v[0];
                out->got |= LD_FX_ST_THREADS;
            }
        } else if (!(out->got & LD_FX_ST_NSPID) && line_key(line, eol, "NSpid:", &p)) {
            /* one pid per nested namespace, outermost first: the last is the
             * innermost (what the process sees as its own pid) */
            int64_t last = -1;
            bool ok = true;
            while (next_token(&p, eol, &tok, &n)) {
                int64_t v;
                if (!token_i64(tok, n, &v) || v < 0 || v > LD_FX_PID_LIMIT) {
                    ok = false;
                    break;
                }
                last = v;
            }
            if (ok && last >= 0) {
                out->nspid = last;
                out->got |= LD_FX_ST_NSPID;
            }
        }
        line = eol + 1;
    }
}

/* ---- cmdline ---------------------------------------------------------------- */

char **ld_fx_split_cmdline(const char *buf, size_t len, size_t max_args, size_t *argc, bool *cut)
{
    *cut = false;
    /* count first, so the array is allocated once */
    size_t count = 0;
    for (size_t i = 0; i < len;) {
        const char *nul = memchr(buf + i, '\0', len - i);
        size_t seg = nul ? (size_t)(nul - (buf + i)) : len - i;
        count++;
        i += seg + 1;
    }
    if (count > max_args) {
        *cut = true;
        count = max_args;
    }
    char **argv = ld_xcalloc(count + 1, sizeof(*argv));
    size_t k = 0;
    for (size_t i = 0; i < len && k < count;) {
        const char *nul = memchr(buf + i, '\0', len - i);
        size_t seg = nul ? (size_t)(nul - (buf + i)) : len - i;
        argv[k++] = ld_xstrndup(buf + i, seg);
        i += seg + 1;
    }
    argv[k] = NULL;
    *argc = k;
    return argv;
}

void ld_fx_argv_free(char **argv)
{
    if (!argv)
        return;
    for (char **a = argv; *a; a++)
        free(*a);
    free(argv);
}

/* ---- cgroup ----------------------------------------------------------------- */

static const char *const cg_v1_names[LD_FX_CG_V1_N] = {"pids", "memory", "freezer", "cpu"};

const char *ld_fx_cg_v1_name(unsigned i)
{
    return i < LD_FX_CG_V1_N ? cg_v1_names[i] : NULL;
}

/* Does the comma-separated list [p, p+n) name controller exactly? */
static bool list_has(const char *p, size_t n, const char *controller)
{
    size_t k = strlen(controller);
    const char *end = p + n;
    while (p <= end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *e = comma ? comma : end;
        if ((size_t)(e - p) == k && memcmp(p, controller, k) == 0)
            return true;
        if (!comma)
            break;
        p = comma + 1;
    }
    return false;
}

size_t ld_fx_parse_cgroup(const char *buf, size_t len, ld_fx_cgroup_paths *out)
{
    memset(out, 0, sizeof(*out));
    size_t malformed = 0;
    const char *end = buf + len;
    for (const char *line = buf; line < end;) {
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol)
            eol = end;
        const char *c1 = memchr(line, ':', (size_t)(eol - line));
        const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(eol - c1 - 1)) : NULL;
        uint64_t id;
        if (eol == line) {
            /* an empty line (the last newline) */
        } else if (!c2 || !token_u64(line, (size_t)(c1 - line), &id) || c2 + 1 == eol) {
            malformed++;
        } else {
            const char *list = c1 + 1;
            size_t list_n = (size_t)(c2 - list);
            ld_fx_span path = {c2 + 1, (size_t)(eol - c2 - 1)};
            if (id == 0 && list_n == 0) {
                if (!out->v2.p)
                    out->v2 = path;
            } else {
                for (unsigned i = 0; i < LD_FX_CG_V1_N; i++) {
                    if (!out->v1_path[i].p && list_has(list, list_n, cg_v1_names[i])) {
                        out->v1_dir[i] = (ld_fx_span){list, list_n};
                        out->v1_path[i] = path;
                    }
                }
            }
        }
        line = eol + 1;
    }
    return malformed;
}

/* ---- fdinfo ----------------------------------------------------------------- */

void ld_fx_parse_fdinfo(const char *buf, size_t len, ld_fx_fdinfo *out)
{
    memset(out, 0, sizeof(*out));
    const char *end = buf + len;
    for (const char *line = buf; line < end;) {
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol)
            eol = end;
        const char *p;
        const char *tok;
        size_t n;
        uint64_t v;
        if (!(out->got & LD_FX_FI_POS) && line_key(line, eol, "pos:", &p)) {
            if (next_token(&p, eol, &tok, &n) && token_u64(tok, n, &v)) {
                out->pos = v;
                out->got |= LD_FX_FI_POS;
            }
        } else if (!(out->got & LD_FX_FI_FLAGS) && line_key(line, eol, "flags:", &p)) {
            if (next_token(&p, eol, &tok, &n) && n < sizeof(out->flags)) {
                bool octal = true;
                for (size_t i = 0; i < n; i++)
                    octal = octal && tok[i] >= '0' && tok[i] <= '7';
                if (octal) {
                    memcpy(out->flags, tok, n);
                    out->flags[n] = '\0';
                    out->got |= LD_FX_FI_FLAGS;
                }
            }
        } else if (!(out->got & LD_FX_FI_MNT) && line_key(line, eol, "mnt_id:", &p)) {
            if (next_token(&p, eol, &tok, &n) && token_u64(tok, n, &v)) {
                out->mnt_id = v;
                out->got |= LD_FX_FI_MNT;
            }
        }
        line = eol + 1;
    }
}

/* ---- pid lists and names ------------------------------------------------------ */

int ld_fx_parse_pid_list(const char *buf, size_t len, pid_t **items, size_t *n, size_t *cap,
                         size_t max, size_t *malformed)
{
    const char *p = buf;
    const char *end = buf + len;
    for (;;) {
        while (p < end && is_space(*p))
            p++;
        if (p >= end)
            return 0;
        const char *tok = p;
        while (p < end && !is_space(*p))
            p++;
        int64_t v;
        if (!ld_fx_parse_dec_name(tok, (size_t)(p - tok), LD_FX_PID_LIMIT, &v) || v == 0) {
            (*malformed)++;
            continue;
        }
        if (*n >= max)
            return -1;
        ld_xgrow(items, cap, *n + 1, sizeof(**items));
        (*items)[(*n)++] = (pid_t)v;
    }
}

bool ld_fx_parse_dec_name(const char *s, size_t n, int64_t max, int64_t *out)
{
    if (n == 0 || n > 19 || (n > 1 && s[0] == '0'))
        return false;
    uint64_t v;
    if (!token_u64(s, n, &v) || v > (uint64_t)max)
        return false;
    *out = (int64_t)v;
    return true;
}

/* ---- link texts --------------------------------------------------------------- */

bool ld_fx_link_deleted(const char *link, size_t n)
{
    static const char suffix[] = " (deleted)";
    size_t k = sizeof(suffix) - 1;
    return n >= k && memcmp(link + n - k, suffix, k) == 0;
}

bool ld_fx_link_socket_inode(const char *link, size_t n, uint64_t *inode)
{
    static const char prefix[] = "socket:[";
    size_t k = sizeof(prefix) - 1;
    if (n < k + 2 || memcmp(link, prefix, k) != 0 || link[n - 1] != ']')
        return false;
    return token_u64(link + k, n - k - 1, inode);
}
