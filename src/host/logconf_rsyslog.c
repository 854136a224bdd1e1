/* rsyslog.conf reader for host.log-forwarding (host/logconf.h): legacy
 * forwarding actions, RainerScript objects (action, module, input,
 * include), $ModLoad and $IncludeConfig. Everything else is skipped, with
 * parentheses and strings balanced so that nothing inside a string or an
 * expression is mistaken for an action. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "host/logconf.h"
#include "host/logconf_lex.h"
#include "util/mem.h"

#define MAX_PARAMS 64

typedef struct {
    char *name, *value;
} param;

typedef struct {
    param v[MAX_PARAMS];
    size_t n;
} params;

static void params_clear(params *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].name);
        free(p->v[i].value);
    }
    p->n = 0;
}

static const char *param_get(const params *p, const char *name)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcasecmp(p->v[i].name, name) == 0)
            return p->v[i].value;
    return NULL;
}

/* host[:port] of "host:port;template" or "[v6]:port;template" at p (n
 * bytes); false when there is no host. */
static bool split_host(const char *p, size_t n, char **host, char **target)
{
    size_t h = 0;
    if (n > 0 && p[0] == '[') {
        while (h < n && p[h] != ']')
            h++;
        if (h == n)
            return false;
        h++;
    } else {
        while (h < n && p[h] != ':' && p[h] != ';')
            h++;
    }
    if (h == 0 || (p[0] == '[' && h <= 2))
        return false;
    size_t port_end = h;
    if (h < n && p[h] == ':') {
        port_end = h + 1;
        while (port_end < n && p[port_end] >= '0' && p[port_end] <= '9')
            port_end++;
        if (port_end == h + 1)
            port_end = h; /* "host:" without a port */
    }
    *host = p[0] == '[' ? ld_xstrndup(p + 1, h - 2) : ld_xstrndup(p, h);
    *target = ld_xstrndup(p, port_end);
    return true;
}

/* "@host", "@@(o,z9)host:514;Tpl": UDP with one '@', TCP with two. */
static void legacy_forward(ld_logconf *out, const lx_token *t)
{
    const char *p = t->s, *end = t->s + t->len;
    bool tcp = t->len > 1 && p[1] == '@';
    p += tcp ? 2 : 1;
    if (p < end && *p == '(') {
        while (p < end && *p != ')')
            p++;
        if (p == end)
            return;
        p++;
    }
    char *host = NULL, *target = NULL;
    if (!split_host(p, (size_t)(end - p), &host, &target))
        return;
    ld_logconf_add_dest(out, target, tcp ? "@@ (TCP)" : "@ (UDP)", NULL, t->line,
                        ld_logconf_loopback(host));
    free(host);
    free(target);
}

/* ":omrelp:host:port;Tpl" */
static void legacy_relp(ld_logconf *out, const lx_token *t)
{
    char *host = NULL, *target = NULL;
    if (t->len <= 8 || !split_host(t->s + 8, t->len - 8, &host, &target))
        return;
    ld_logconf_add_dest(out, target, ":omrelp: (RELP)", NULL, t->line, ld_logconf_loopback(host));
    free(host);
    free(target);
}

/* The first item of a RainerScript array value "[\"a\", \"b\"]" as the
 * reader stored it (items joined by ','), or the value itself. */
static char *first_item(const char *v)
{
    size_t n = strcspn(v, ",");
    while (n > 0 && v[n - 1] == ' ')
        n--;
    return ld_xstrndup(v, n);
}

/* action(type=...): the outputs that send off the host. */
static void rainer_action(ld_logconf *out, const params *p, int line)
{
    const char *type = param_get(p, "type");
    if (!type)
        return;
    const char *host_key = NULL, *port_key = NULL;
    char how[64];
    if (strcasecmp(type, "omfwd") == 0) {
        host_key = "target", port_key = "port";
        const char *proto = param_get(p, "protocol");
        snprintf(how, sizeof(how), "omfwd %s", proto && strlen(proto) < 16 ? proto : "udp");
    } else if (strcasecmp(type, "omrelp") == 0) {
        host_key = "target", port_key = "port";
        snprintf(how, sizeof(how), "omrelp (RELP)");
    } else if (strcasecmp(type, "omelasticsearch") == 0) {
        host_key = "server", port_key = "serverport";
        snprintf(how, sizeof(how), "omelasticsearch");
    } else if (strcasecmp(type, "omhttp") == 0) {
        host_key = "server", port_key = "serverport";
        snprintf(how, sizeof(how), "omhttp");
    } else if (strcasecmp(type, "omkafka") == 0) {
        host_key = "broker";
        snprintf(how, sizeof(how), "omkafka");
    } else {
        return;
    }
    const char *v = param_get(p, host_key);
    if (!v || !v[0])
        return; /* no target: rsyslog refuses the action */
    char *first = first_item(v);
    char *host = NULL;
    if (strstr(first, "://")) {
        host = ld_logconf_url_host(first);
    } else {
        char *target = NULL;
        if (!split_host(first, strlen(first), &host, &target))
            host = NULL;
        free(target);
    }
    const char *port = port_key ? param_get(p, port_key) : NULL;
    char *target = port && port[0] && !strchr(first, ':') ? ld_xasprintf("%s:%s", first, port)
                                                          : ld_xstrdup(first);
    ld_logconf_add_dest(out, target, how, NULL, line, host && ld_logconf_loopback(host));
    free(host);
    free(target);
    free(first);
}

static void note_input(ld_logconf *out, const char *module, int line)
{
    if (!module)
        return;
    if (strcasecmp(module, "imjournal") == 0) {
        out->reads_journal = true;
        if (!out->journal_line)
            out->journal_line = line;
    } else if (strcasecmp(module, "imuxsock") == 0) {
        out->reads_syslog_socket = true;
    }
}

/* A value after "name=": a string or word, or "[a, b]" (items joined with ','). */
static int read_value(lx_state *x, char **value, ld_error *err)
{
    lx_token v;
    int rc = lx_next(x, &v, err);
    if (rc < 0)
        return rc;
    if (v.kind == LX_STRING || v.kind == LX_WORD) {
        *value = lx_text(&v);
        return 0;
    }
    if (!lx_is(&v, LX_PUNCT, "[")) {
        x->has_peek = true; /* give it back: the caller balances parentheses */
        x->peek_tok = v;
        *value = ld_xstrdup("");
        return 0;
    }
    ld_strlist items = {0};
    for (;;) {
        rc = lx_next(x, &v, err);
        if (rc < 0 || v.kind == LX_END || lx_is(&v, LX_PUNCT, "]") || lx_is(&v, LX_PUNCT, ")"))
            break;
        if ((v.kind == LX_STRING || v.kind == LX_WORD) && items.n < MAX_PARAMS)
            ld_strlist_push_owned(&items, lx_text(&v));
    }
    if (rc == 0 && lx_is(&v, LX_PUNCT, ")")) {
        x->has_peek = true;
        x->peek_tok = v;
    }
    *value = ld_strlist_join(&items, ",");
    ld_strlist_clear(&items);
    return rc;
}

/* After "NAME(": the name=value pairs at the first level, up to the
 * matching ')'. Nested parentheses (function calls in expressions) are
 * balanced and skipped. */
static int read_params(lx_state *x, int open_line, params *p, ld_error *err)
{
    int depth = 1;
    lx_token t, n;
    while (depth > 0) {
        int rc = lx_next(x, &t, err);
        if (rc < 0)
            return rc;
        if (t.kind == LX_END)
            return ld_error_set(err, LD_ERR_CORRUPT, "%s:%d: '(' is never closed", x->name,
                                open_line);
        if (lx_is(&t, LX_PUNCT, "(")) {
            if (++depth > LD_LOGCONF_MAX_DEPTH)
                return ld_error_set(err, LD_ERR_LIMIT, "%s:%d: nested deeper than %d", x->name,
                                    t.line, LD_LOGCONF_MAX_DEPTH);
            continue;
        }
        if (lx_is(&t, LX_PUNCT, ")")) {
            depth--;
            continue;
        }
        if (depth != 1 || t.kind != LX_WORD)
            continue;
        if ((rc = lx_peek(x, &n, err)) < 0)
            return rc;
        if (!lx_is(&n, LX_PUNCT, "="))
            continue;
        lx_next(x, &n, err);
        char *value = NULL;
        if ((rc = read_value(x, &value, err)) < 0) {
            free(value);
            return rc;
        }
        if (p->n < MAX_PARAMS) {
            p->v[p->n].name = lx_text(&t);
            p->v[p->n++].value = value;
        } else {
            free(value);
        }
    }
    return 0;
}

/* "$Directive args" on one line. */
static int directive(lx_state *x, const lx_token *d, ld_logconf *out, ld_error *err)
{
    lx_token a;
    int rc = lx_peek(x, &a, err);
    if (rc < 0)
        return rc;
    bool has_arg = a.kind != LX_END && a.line == d->line;
    if (has_arg && (a.kind == LX_WORD || a.kind == LX_STRING)) {
        char *arg = lx_text(&a);
        if (lx_word_ci(d, "$modload"))
            note_input(out, arg, d->line);
        else if (lx_word_ci(d, "$includeconfig"))
            ld_strlist_push(&out->includes, arg);
        free(arg);
    }
    /* the rest of the line belongs to the directive */
    while ((rc = lx_peek(x, &a, err)) == 0 && a.kind != LX_END && a.line == d->line)
        lx_next(x, &a, err);
    return rc;
}

int ld_logconf_rsyslog(const char *name, const char *buf, size_t len, ld_logconf *out,
                       ld_error *err)
{
    if (len > LD_LOGCONF_MAX_BYTES)
        return ld_error_set(err, LD_ERR_LIMIT, "%s: larger than %zu bytes", name ? name : "",
                            LD_LOGCONF_MAX_BYTES);
    if (lx_check_text(name, buf, len, err) < 0)
        return LD_ERR_CORRUPT;
    lx_state x;
    lx_init(&x, name, buf, len, LX_LANG_RSYSLOG);
    lx_token t, n;
    for (;;) {
        int rc = lx_next(&x, &t, err);
        if (rc < 0)
            return rc;
        if (t.kind == LX_END)
            return 0;
        if (t.kind != LX_WORD)
            continue;
        if (t.line_start && t.s[0] == '$') {
            if ((rc = directive(&x, &t, out, err)) < 0)
                return rc;
            continue;
        }
        if (t.s[0] == '@') {
            if (!t.line_start) /* after a selector, '&' or "then"; alone it is no action */
                legacy_forward(out, &t);
            continue;
        }
        if (t.len > 8 && strncasecmp(t.s, ":omrelp:", 8) == 0) {
            legacy_relp(out, &t);
            continue;
        }
        if ((rc = lx_peek(&x, &n, err)) < 0)
            return rc;
        if (!lx_is(&n, LX_PUNCT, "("))
            continue;
        lx_next(&x, &n, err);
        params p = {.n = 0};
        rc = read_params(&x, t.line, &p, err);
        if (rc == 0) {
            if (lx_word_ci(&t, "action"))
                rainer_action(out, &p, t.line);
            else if (lx_word_ci(&t, "module"))
                note_input(out, param_get(&p, "load"), t.line);
            else if (lx_word_ci(&t, "input"))
                note_input(out, param_get(&p, "type"), t.line);
            else if (lx_word_ci(&t, "include") && param_get(&p, "file"))
                ld_strlist_push(&out->includes, param_get(&p, "file"));
        }
        params_clear(&p);
        if (rc < 0)
            return rc;
    }
}
