/* syslog-ng.conf reader for host.log-forwarding (host/logconf.h): the
 * network drivers of destinations, the destinations log paths use, the
 * journal sources and @include. A recursive descent over blocks
 * ({ ... }) and driver calls (name( ... )) that skips everything else
 * with parentheses and braces balanced. */
#include <stdlib.h>
#include <string.h>

#include "host/logconf.h"
#include "host/logconf_lex.h"
#include "util/cleanup.h"
#include "util/mem.h"

/* What the block being read is. */
typedef enum {
    BLK_TOP,         /* the file */
    BLK_DESTINATION, /* destination NAME { } or an inline destination { } in a log path */
    BLK_SOURCE,      /* source NAME { } or inline */
    BLK_LOG,         /* log { }, and junction / channel inside it */
    BLK_OTHER,       /* options, filter, parser, template, block, ... */
} blk_kind;

typedef struct {
    lx_state x;
    ld_logconf *out;
    ld_error *err;
} sng_ctx;

static const char *const remote_drivers[] = {"network", "syslog", "tcp", "udp",
                                             "tcp6",    "udp6",   NULL};

static bool word_in(const lx_token *t, const char *const *list)
{
    for (; *list; list++)
        if (lx_is(t, LX_WORD, *list))
            return true;
    return false;
}

static int corrupt(sng_ctx *c, int line, const char *what)
{
    return ld_error_set(c->err, LD_ERR_CORRUPT, "%s:%d: %s", c->x.name, line, what);
}

static int too_deep(sng_ctx *c, int line)
{
    return ld_error_set(c->err, LD_ERR_LIMIT, "%s:%d: nested deeper than %d", c->x.name, line,
                        LD_LOGCONF_MAX_DEPTH);
}

/* What a driver call's arguments hold, for the drivers this reader uses. */
typedef struct {
    char *first;      /* the first positional argument (a destination's host, a socket path) */
    char *transport;  /* transport("tls") */
    char *port;       /* port(514) */
    ld_strlist words; /* every positional word (destination(a b) in a log path) */
} call_args;

static void call_args_clear(call_args *a)
{
    free(a->first);
    free(a->transport);
    free(a->port);
    ld_strlist_clear(&a->words);
}

static int skip_group(sng_ctx *c, const char *close, int line, int depth);

/* After "name(": reads the arguments up to the matching ')'. Options
 * (word followed by '(') are read one level deep for transport() and
 * port(); anything nested deeper is skipped. */
static int read_call(sng_ctx *c, int open_line, int depth, call_args *a)
{
    if (depth > LD_LOGCONF_MAX_DEPTH)
        return too_deep(c, open_line);
    lx_token t, n;
    for (;;) {
        int rc = lx_next(&c->x, &t, c->err);
        if (rc < 0)
            return rc;
        if (t.kind == LX_END)
            return corrupt(c, open_line, "'(' is never closed");
        if (lx_is(&t, LX_PUNCT, ")"))
            return 0;
        if (lx_is(&t, LX_PUNCT, "}"))
            return corrupt(c, t.line, "a closing bracket that does not match");
        if (lx_is(&t, LX_PUNCT, "(") || lx_is(&t, LX_PUNCT, "{")) {
            if ((rc = skip_group(c, t.s[0] == '(' ? ")" : "}", t.line, depth + 1)) < 0)
                return rc;
            continue;
        }
        if (t.kind != LX_WORD && t.kind != LX_STRING)
            continue;
        if ((rc = lx_peek(&c->x, &n, c->err)) < 0)
            return rc;
        if (t.kind == LX_WORD && lx_is(&n, LX_PUNCT, "(")) { /* an option: name(value ...) */
            lx_next(&c->x, &n, c->err);
            call_args opt = {0};
            if ((rc = read_call(c, n.line, depth + 1, &opt)) < 0) {
                call_args_clear(&opt);
                return rc;
            }
            if (lx_is(&t, LX_WORD, "transport") && opt.first && !a->transport)
                a->transport = ld_steal_ptr(&opt.first);
            else if (lx_is(&t, LX_WORD, "port") && opt.first && !a->port)
                a->port = ld_steal_ptr(&opt.first);
            call_args_clear(&opt);
            continue;
        }
        char *text = lx_text(&t);
        if (!a->first)
            a->first = ld_xstrdup(text);
        if (a->words.n < LD_LOGCONF_MAX_DESTS)
            ld_strlist_push_owned(&a->words, text);
        else
            free(text);
    }
}

/* Skips to the matching close ("}" or ")"), balancing both kinds. */
static int skip_group(sng_ctx *c, const char *close, int line, int depth)
{
    if (depth > LD_LOGCONF_MAX_DEPTH)
        return too_deep(c, line);
    lx_token t;
    for (;;) {
        int rc = lx_next(&c->x, &t, c->err);
        if (rc < 0)
            return rc;
        if (t.kind == LX_END)
            return corrupt(c, line,
                           close[0] == ')' ? "'(' is never closed" : "'{' is never closed");
        if (lx_is(&t, LX_PUNCT, close))
            return 0;
        if (lx_is(&t, LX_PUNCT, "(") || lx_is(&t, LX_PUNCT, "{")) {
            if ((rc = skip_group(c, t.s[0] == '(' ? ")" : "}", t.line, depth + 1)) < 0)
                return rc;
        } else if (lx_is(&t, LX_PUNCT, ")") || lx_is(&t, LX_PUNCT, "}")) {
            return corrupt(c, t.line, "a closing bracket that does not match");
        }
    }
}

/* A driver call in a block of kind k: what it means for the result. */
static void driver(sng_ctx *c, blk_kind k, const char *dest_name, const lx_token *t,
                   const call_args *a)
{
    if (k == BLK_DESTINATION && word_in(t, remote_drivers) && a->first && a->first[0]) {
        char *name = lx_text(t);
        char *how =
            a->transport ? ld_xasprintf("%s() %s", name, a->transport) : ld_xasprintf("%s()", name);
        char *target = a->port ? ld_xasprintf("%s:%s", a->first, a->port) : ld_xstrdup(a->first);
        ld_logconf_add_dest(c->out, target, how, dest_name ? ld_xstrdup(dest_name) : NULL, t->line,
                            ld_logconf_loopback(a->first));
        free(name);
        free(how);
        free(target);
    } else if (k == BLK_SOURCE &&
               (lx_is(t, LX_WORD, "system") || lx_is(t, LX_WORD, "systemd-journal") ||
                lx_is(t, LX_WORD, "systemd_journal"))) {
        c->out->reads_journal = true;
        if (!c->out->journal_line)
            c->out->journal_line = t->line;
    } else if (k == BLK_SOURCE &&
               (lx_is(t, LX_WORD, "unix-dgram") || lx_is(t, LX_WORD, "unix_dgram")) && a->first &&
               strcmp(a->first, "/run/systemd/journal/syslog") == 0) {
        c->out->reads_syslog_socket = true;
    } else if (k == BLK_LOG && lx_is(t, LX_WORD, "destination")) {
        for (size_t i = 0; i < a->words.n; i++)
            if (!ld_strlist_contains(&c->out->used, a->words.v[i]))
                ld_strlist_push(&c->out->used, a->words.v[i]);
    }
}

/* The kind of the block a statement opens: its first word (and, inside a
 * log path, inline destinations and sources). */
static blk_kind block_kind(blk_kind parent, const lx_token *kw)
{
    if (lx_is(kw, LX_WORD, "destination"))
        return parent == BLK_TOP || parent == BLK_LOG ? BLK_DESTINATION : BLK_OTHER;
    if (lx_is(kw, LX_WORD, "source"))
        return parent == BLK_TOP || parent == BLK_LOG ? BLK_SOURCE : BLK_OTHER;
    if (lx_is(kw, LX_WORD, "log") || lx_is(kw, LX_WORD, "junction") ||
        lx_is(kw, LX_WORD, "channel"))
        return parent == BLK_TOP || parent == BLK_LOG ? BLK_LOG : BLK_OTHER;
    return BLK_OTHER;
}

/* "@include \"file\"" (also unquoted). */
static void pragma(sng_ctx *c, const lx_token *t)
{
    static const char inc[] = "@include";
    if (t->len <= sizeof(inc) - 1 || strncmp(t->s, inc, sizeof(inc) - 1) != 0 ||
        (t->s[sizeof(inc) - 1] != ' ' && t->s[sizeof(inc) - 1] != '\t'))
        return;
    lx_state sub;
    lx_init(&sub, c->x.name, t->s + sizeof(inc) - 1, t->len - (sizeof(inc) - 1), LX_LANG_SYSLOGNG);
    lx_token a;
    ld_error e = LD_ERROR_INIT;
    if (lx_next(&sub, &a, &e) == 0 && (a.kind == LX_STRING || a.kind == LX_WORD)) {
        char *path = lx_text(&a);
        if (path[0])
            ld_strlist_push(&c->out->includes, path);
        free(path);
    }
}

/* Reads statements until close ("}" for a block, NULL for the file). */
static int block(sng_ctx *c, blk_kind kind, const char *dest_name, int open_line, int depth)
{
    if (depth > LD_LOGCONF_MAX_DEPTH)
        return too_deep(c, open_line);
    lx_token t, n;
    lx_token kw = {0};      /* the statement's first word */
    char *stmt_name = NULL; /* its second word (destination NAME) */
    int rc = 0;
    for (;;) {
        if ((rc = lx_next(&c->x, &t, c->err)) < 0)
            break;
        if (t.kind == LX_END) {
            if (kind != BLK_TOP)
                rc = corrupt(c, open_line, "'{' is never closed");
            break;
        }
        if (t.kind == LX_PRAGMA) {
            if (kind == BLK_TOP)
                pragma(c, &t);
            continue;
        }
        if (lx_is(&t, LX_PUNCT, "}")) {
            if (kind == BLK_TOP)
                rc = corrupt(c, t.line, "'}' without a '{'");
            break;
        }
        if (lx_is(&t, LX_PUNCT, ";")) {
            kw.kind = LX_END;
            free(stmt_name);
            stmt_name = NULL;
            continue;
        }
        if (lx_is(&t, LX_PUNCT, "{")) {
            blk_kind k = kw.kind == LX_WORD ? block_kind(kind, &kw) : BLK_OTHER;
            const char *name = k == BLK_DESTINATION && kind == BLK_TOP ? stmt_name : NULL;
            if (k == BLK_DESTINATION && kind == BLK_TOP && !name)
                k = BLK_OTHER; /* a top-level destination needs a name */
            if ((rc = block(c, k, name, t.line, depth + 1)) < 0)
                break;
            kw.kind = LX_END;
            free(stmt_name);
            stmt_name = NULL;
            continue;
        }
        if (lx_is(&t, LX_PUNCT, "(")) { /* stray: balance it */
            if ((rc = skip_group(c, ")", t.line, depth + 1)) < 0)
                break;
            continue;
        }
        if (lx_is(&t, LX_PUNCT, ")")) {
            rc = corrupt(c, t.line, "')' without a '('");
            break;
        }
        if (t.kind != LX_WORD && t.kind != LX_STRING)
            continue;
        if ((rc = lx_peek(&c->x, &n, c->err)) < 0)
            break;
        if (t.kind == LX_WORD && lx_is(&n, LX_PUNCT, "(")) {
            lx_next(&c->x, &n, c->err);
            call_args a = {0};
            rc = read_call(c, n.line, depth + 1, &a);
            if (rc == 0)
                driver(c, kind, dest_name, &t, &a);
            call_args_clear(&a);
            if (rc < 0)
                break;
            continue;
        }
        if (kw.kind != LX_WORD && t.kind == LX_WORD) {
            kw = t;
        } else if (!stmt_name) {
            stmt_name = lx_text(&t);
        }
    }
    free(stmt_name);
    return rc;
}

int ld_logconf_syslogng(const char *name, const char *buf, size_t len, ld_logconf *out,
                        ld_error *err)
{
    if (len > LD_LOGCONF_MAX_BYTES)
        return ld_error_set(err, LD_ERR_LIMIT, "%s: larger than %zu bytes", name ? name : "",
                            LD_LOGCONF_MAX_BYTES);
    if (lx_check_text(name, buf, len, err) < 0)
        return LD_ERR_CORRUPT;
    sng_ctx c = {.out = out, .err = err};
    lx_init(&c.x, name, buf, len, LX_LANG_SYSLOGNG);
    return block(&c, BLK_TOP, NULL, 1, 0);
}
