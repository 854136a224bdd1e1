/* The condition language's parser (Falco's syntax, see rules.h): text to
 * the compiled arrays of rules_cond_internal.h. Precedence: not > and >
 * or; macros expand to their own condition as if parenthesised (compiled
 * once per condition and shared); list names inside `in (...)` expand to
 * their items, lists within lists too. Values are converted once here —
 * numbers, booleans, addresses and networks, evt.type names to a bit mask,
 * string sets hashed — so evaluation never parses.
 *
 * The text is hostile: every error names its place ("column 12: expected
 * ..."), nesting, macro depth, list depth, expanded size and item counts
 * are bounded (rules_cond_internal.h), and no input crashes or recurses
 * without bound. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "runtime/rules_cond_internal.h"
#include "util/mem.h"
#include "util/strmap.h"
#include "util/suggest.h"

typedef struct {
    const char *text;
    size_t len;
    size_t pos;
} lexer;

typedef struct {
    ld_rt_cond *c;
    const ld_rt_cond_env *env;
    ld_error *err;
    int depth;
    const char *macros[LD_RT_COND_MACRO_DEPTH_MAX];
    int n_macros;
    const char *lists[LD_RT_COND_LIST_DEPTH_MAX];
    int n_lists;
    ld_strmap memo;    /* macro name -> node index + 1 */
    uint32_t *weights; /* per node: its size once expanded */
    size_t cap_weights;
    size_t items_total; /* items read into sets, duplicates and lists included */
    bool err_located;   /* the error names the macro it is in */
} parser;

static const struct {
    const char *name;
    cond_op op;
} word_ops[] = {
    {"in", OP_IN},
    {"intersects", OP_INTERSECTS},
    {"contains", OP_CONTAINS},
    {"icontains", OP_ICONTAINS},
    {"startswith", OP_STARTSWITH},
    {"endswith", OP_ENDSWITH},
    {"glob", OP_GLOB},
    {"iglob", OP_IGLOB},
    {"pmatch", OP_PMATCH},
    {"exists", OP_EXISTS},
};
#define N_WORD_OPS (sizeof word_ops / sizeof word_ops[0])

static const char *op_name(cond_op op)
{
    switch (op) {
    case OP_EQ: return "=";
    case OP_NE: return "!=";
    case OP_LT: return "<";
    case OP_LE: return "<=";
    case OP_GT: return ">";
    case OP_GE: return ">=";
    default: break;
    }
    for (size_t i = 0; i < N_WORD_OPS; i++)
        if (word_ops[i].op == op)
            return word_ops[i].name;
    return "?";
}

/* ---- lexing ---- */

static bool is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
static bool ident_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static bool ident_char(int c)
{
    return ident_start(c) || (c >= '0' && c <= '9') || c == '.';
}

static int peek(lexer *L)
{
    while (L->pos < L->len && is_space((unsigned char)L->text[L->pos]))
        L->pos++;
    return L->pos < L->len ? (unsigned char)L->text[L->pos] : -1;
}

/* Length of the identifier at pos (0: none). */
static size_t word_len(const lexer *L)
{
    size_t n = 0;
    if (L->pos < L->len && ident_start((unsigned char)L->text[L->pos]))
        while (L->pos + n < L->len && ident_char((unsigned char)L->text[L->pos + n]))
            n++;
    return n;
}

static bool keyword(lexer *L, const char *kw)
{
    if (peek(L) < 0)
        return false;
    size_t n = strlen(kw);
    if (L->pos + n > L->len || memcmp(L->text + L->pos, kw, n) != 0)
        return false;
    if (L->pos + n < L->len && ident_char((unsigned char)L->text[L->pos + n]))
        return false;
    L->pos += n;
    return true;
}

/* "column 7", or "line 2, column 3" in a text of several lines. */
static void where(const lexer *L, size_t pos, char *out, size_t n)
{
    size_t line = 1, col = 1;
    bool multi = memchr(L->text, '\n', L->len) != NULL;
    for (size_t i = 0; i < pos && i < L->len; i++) {
        if (L->text[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    if (multi)
        snprintf(out, n, "line %zu, column %zu", line, col);
    else
        snprintf(out, n, "column %zu", col);
}

/* What stands at pos, for "got ...": 'token' (printable, cut) or "the end". */
static const char *got(const lexer *L, size_t pos, char *out, size_t n)
{
    if (pos >= L->len)
        return "the end of the condition";
    size_t k = 0;
    out[k++] = '\'';
    for (size_t i = pos; i < L->len && k + 5 < n && i < pos + 24; i++) {
        unsigned char c = (unsigned char)L->text[i];
        if (is_space(c) || ((c == '(' || c == ')' || c == ',') && i > pos))
            break;
        out[k++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
        if (c == '(' || c == ')' || c == ',')
            break;
    }
    out[k++] = '\'';
    out[k] = '\0';
    return out;
}

static int perr(parser *P, const lexer *L, size_t pos, ld_errcode code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int perr(parser *P, const lexer *L, size_t pos, ld_errcode code, const char *fmt, ...)
{
    char msg[LD_ERROR_MSG_MAX - 64], at[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    where(L, pos, at, sizeof at);
    return ld_error_set(P->err, code, "%s: %s", at, msg);
}

/* Decodes the quoted string at s (s[0] is the quote): escapes \\ \" \'
 * \n \t \r \xHH; any other backslash is kept as written. Returns the
 * decoded string (caller frees) with *consumed bytes read, or NULL:
 * *why says what is wrong. */
static char *decode_quoted(const char *s, size_t len, size_t *consumed, size_t *out_len,
                           const char **why)
{
    char q = s[0];
    char *out = ld_xmalloc(len);
    size_t k = 0;
    for (size_t i = 1; i < len; i++) {
        char c = s[i];
        if (c == q) {
            out[k] = '\0';
            *consumed = i + 1;
            *out_len = k;
            return out;
        }
        if (c == '\\' && i + 1 < len) {
            char e = s[++i];
            switch (e) {
            case 'n': out[k++] = '\n'; break;
            case 't': out[k++] = '\t'; break;
            case 'r': out[k++] = '\r'; break;
            case '\\':
            case '"':
            case '\'': out[k++] = e; break;
            case 'x': {
                int v = 0, d = 0;
                for (; d < 2 && i + 1 < len; d++) {
                    char h = s[i + 1];
                    int hv = h >= '0' && h <= '9'   ? h - '0'
                             : h >= 'a' && h <= 'f' ? h - 'a' + 10
                             : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                                    : -1;
                    if (hv < 0)
                        break;
                    v = v * 16 + hv;
                    i++;
                }
                if (d == 0) {
                    free(out);
                    *why = "\\x needs hexadecimal digits";
                    return NULL;
                }
                if (v == 0) {
                    free(out);
                    *why = "a string may not contain a NUL character";
                    return NULL;
                }
                out[k++] = (char)v;
                break;
            }
            default:
                out[k++] = '\\';
                out[k++] = e;
                break;
            }
            continue;
        }
        out[k++] = c;
    }
    free(out);
    *why = "unterminated string";
    return NULL;
}

/* A quoted string or a bare word at the current position. */
static int lex_value(parser *P, lexer *L, const char *after, char **out, size_t *out_len,
                     bool *quoted)
{
    char tok[40];
    int c = peek(L);
    size_t start = L->pos;
    *quoted = false;
    if (c == '"' || c == '\'') {
        size_t used = 0;
        const char *why = NULL;
        char *s = decode_quoted(L->text + start, L->len - start, &used, out_len, &why);
        if (!s)
            return perr(P, L, start, LD_ERR_INVALID, "%s", why);
        L->pos += used;
        *out = s;
        *quoted = true;
    } else {
        if (c < 0 || c == '(' || c == ')' || c == ',')
            return perr(P, L, start, LD_ERR_INVALID, "expected a value after %s, got %s", after,
                        got(L, start, tok, sizeof tok));
        while (L->pos < L->len) {
            char ch = L->text[L->pos];
            if (is_space((unsigned char)ch) || ch == '(' || ch == ')' || ch == ',' || ch == '"' ||
                ch == '\'')
                break;
            L->pos++;
        }
        *out_len = L->pos - start;
        *out = ld_xstrndup(L->text + start, *out_len);
    }
    if (*out_len > LD_RT_COND_VALUE_MAX) {
        free(*out);
        *out = NULL;
        return perr(P, L, start, LD_ERR_LIMIT, "value longer than %d bytes", LD_RT_COND_VALUE_MAX);
    }
    return 0;
}

/* ---- building ---- */

static int new_node(parser *P, const lexer *L, size_t pos, cond_node node, uint64_t weight,
                    uint32_t *out)
{
    if (weight > LD_RT_COND_WEIGHT_MAX)
        return perr(P, L, pos, LD_ERR_LIMIT,
                    "condition too large once macros are expanded (more than %d terms)",
                    LD_RT_COND_WEIGHT_MAX);
    ld_rt_cond *c = P->c;
    ld_xgrow(&c->nodes, &c->cap_nodes, c->n_nodes + 1, sizeof *c->nodes);
    ld_xgrow(&P->weights, &P->cap_weights, c->n_nodes + 1, sizeof *P->weights);
    c->nodes[c->n_nodes] = node;
    P->weights[c->n_nodes] = (uint32_t)weight;
    *out = (uint32_t)c->n_nodes++;
    return 0;
}

static int new_group(parser *P, const lexer *L, size_t pos, cond_node_kind kind,
                     const uint32_t *kids, size_t n, uint32_t *out)
{
    ld_rt_cond *c = P->c;
    uint64_t weight = 1;
    for (size_t i = 0; i < n; i++)
        weight += P->weights[kids[i]];
    cond_node node = {.kind = (uint8_t)kind, .a = (uint32_t)c->n_kids, .n = (uint32_t)n};
    int rc = new_node(P, L, pos, node, weight, out);
    if (rc < 0)
        return rc;
    ld_xgrow(&c->kids, &c->cap_kids, c->n_kids + n, sizeof *c->kids);
    memcpy(c->kids + c->n_kids, kids, n * sizeof *kids);
    c->n_kids += n;
    return 0;
}

static void cmp_clear(cond_cmp *cmp)
{
    free(cmp->s);
    ld_rtc_set_free(&cmp->set);
    free(cmp->nums);
    free(cmp->nets);
    memset(cmp, 0, sizeof *cmp);
}

/* Moves cmp into the condition as a comparison node. */
static int new_cmp(parser *P, const lexer *L, size_t pos, cond_cmp *cmp, uint32_t *out)
{
    ld_rt_cond *c = P->c;
    cond_node node = {.kind = CN_CMP, .a = (uint32_t)c->n_cmps};
    int rc = new_node(P, L, pos, node, 1, out);
    if (rc < 0) {
        cmp_clear(cmp);
        return rc;
    }
    ld_xgrow(&c->cmps, &c->cap_cmps, c->n_cmps + 1, sizeof *c->cmps);
    c->cmps[c->n_cmps++] = *cmp;
    memset(cmp, 0, sizeof *cmp);
    return 0;
}

/* ---- values ---- */

static bool field_is_evtype(const cond_cmp *cmp)
{
    return strcmp(cmp->f.name, "evt.type") == 0 &&
           (cmp->op == OP_EQ || cmp->op == OP_NE || cmp->op == OP_IN || cmp->op == OP_INTERSECTS);
}

static const char *type_word(ld_rt_ftype t)
{
    switch (t) {
    case LD_RT_FT_NUM: return "numeric";
    case LD_RT_FT_BOOL: return "boolean";
    case LD_RT_FT_IP: return "address";
    default: return "string";
    }
}

static bool op_allowed(ld_rt_ftype t, cond_op op)
{
    switch (t) {
    case LD_RT_FT_STR: return op != OP_LT && op != OP_LE && op != OP_GT && op != OP_GE;
    case LD_RT_FT_NUM:
        return op == OP_EQ || op == OP_NE || op == OP_LT || op == OP_LE || op == OP_GT ||
               op == OP_GE || op == OP_IN || op == OP_INTERSECTS || op == OP_EXISTS;
    case LD_RT_FT_BOOL: return op == OP_EQ || op == OP_NE || op == OP_EXISTS;
    case LD_RT_FT_IP:
        return op == OP_EQ || op == OP_NE || op == OP_IN || op == OP_INTERSECTS || op == OP_EXISTS;
    }
    return false;
}

static int parse_bool(const char *s, int64_t *out)
{
    if (strcasecmp(s, "true") == 0) {
        *out = 1;
        return 0;
    }
    if (strcasecmp(s, "false") == 0) {
        *out = 0;
        return 0;
    }
    return -1;
}

static uint64_t evtype_bit(const char *name)
{
    ld_rt_evtype t = ld_rt_evtype_from_name(name);
    return t == LD_EVT_NONE ? 0 : 1ull << t;
}

/* Converts one value of a single-valued comparison. */
static int set_single(parser *P, const lexer *L, size_t pos, cond_cmp *cmp, char *s, size_t len)
{
    char shown[64];
    snprintf(shown, sizeof shown, "%s", s);
    if (cmp->evtype) {
        cmp->evmask = evtype_bit(s);
        free(s);
        return 0;
    }
    switch (cmp->f.type) {
    case LD_RT_FT_STR:
        if ((cmp->op == OP_GLOB || cmp->op == OP_IGLOB) && len > LD_RT_COND_GLOB_MAX) {
            free(s);
            return perr(P, L, pos, LD_ERR_LIMIT, "glob pattern longer than %d bytes",
                        LD_RT_COND_GLOB_MAX);
        }
        cmp->s = s;
        cmp->slen = len;
        return 0;
    case LD_RT_FT_NUM:
        free(s);
        if (ld_rtc_parse_int(shown, &cmp->num) < 0 || len >= sizeof shown)
            return perr(P, L, pos, LD_ERR_INVALID, "expected a number for %s, got '%s'",
                        cmp->f.name, shown);
        return 0;
    case LD_RT_FT_BOOL:
        free(s);
        if (parse_bool(shown, &cmp->num) < 0)
            return perr(P, L, pos, LD_ERR_INVALID, "expected true or false for %s, got '%s'",
                        cmp->f.name, shown);
        return 0;
    case LD_RT_FT_IP:
        free(s);
        if (len >= sizeof shown || ld_rtc_net_parse(shown, &cmp->net) < 0)
            return perr(P, L, pos, LD_ERR_INVALID,
                        "expected an IP address or a network (10.0.0.0/8) for %s, got '%s'",
                        cmp->f.name, shown);
        return 0;
    }
    free(s);
    return 0;
}

static int count_item(parser *P, const lexer *L, size_t pos)
{
    if (++P->items_total > LD_RT_COND_ITEMS_MAX)
        return perr(P, L, pos, LD_ERR_LIMIT,
                    "more than %d list items in one condition once lists are expanded",
                    LD_RT_COND_ITEMS_MAX);
    return 0;
}

/* Adds one item (s[0..len), borrowed) to the set of an in / intersects /
 * pmatch comparison. from_list: the list it came from, for messages. */
static int add_item(parser *P, const lexer *L, size_t pos, cond_cmp *cmp, const char *s, size_t len,
                    const char *from_list)
{
    char shown[64];
    snprintf(shown, sizeof shown, "%.*s", (int)(len < 63 ? len : 63), s);
    int rc = count_item(P, L, pos);
    if (rc < 0)
        return rc;
    if (cmp->evtype) {
        char name[32];
        if (len < sizeof name) {
            memcpy(name, s, len);
            name[len] = '\0';
            cmp->evmask |= evtype_bit(name);
        }
        return 0;
    }
    switch (cmp->f.type) {
    case LD_RT_FT_STR:
        if (cmp->op == OP_PMATCH) {
            if (len == 0)
                return 0;
            if (strspn(s, "/") >= len) { /* "/" or "//": every absolute path */
                cmp->set.root = true;
                return 0;
            }
            while (len > 1 && s[len - 1] == '/')
                len--;
        }
        if (cmp->set.n >= LD_RT_COND_SET_MAX)
            return perr(P, L, pos, LD_ERR_LIMIT, "more than %d items in one list",
                        LD_RT_COND_SET_MAX);
        ld_rtc_set_add(&cmp->set, s, len);
        return 0;
    case LD_RT_FT_NUM: {
        int64_t v;
        if (len >= sizeof shown || ld_rtc_parse_int(shown, &v) < 0)
            return perr(P, L, pos, LD_ERR_INVALID, "expected a number for %s, got '%s'%s%s%s",
                        cmp->f.name, shown, from_list ? " (in list '" : "",
                        from_list ? from_list : "", from_list ? "')" : "");
        if (cmp->n_nums >= LD_RT_COND_SET_MAX)
            return perr(P, L, pos, LD_ERR_LIMIT, "more than %d items in one list",
                        LD_RT_COND_SET_MAX);
        cmp->nums = ld_xrealloc(cmp->nums, (cmp->n_nums + 1) * sizeof *cmp->nums);
        cmp->nums[cmp->n_nums++] = v;
        return 0;
    }
    case LD_RT_FT_IP: {
        cond_net net;
        if (len >= sizeof shown || ld_rtc_net_parse(shown, &net) < 0)
            return perr(P, L, pos, LD_ERR_INVALID,
                        "expected an IP address or a network (10.0.0.0/8) for %s, got '%s'%s%s%s",
                        cmp->f.name, shown, from_list ? " (in list '" : "",
                        from_list ? from_list : "", from_list ? "')" : "");
        if (cmp->n_nets >= LD_RT_COND_SET_MAX)
            return perr(P, L, pos, LD_ERR_LIMIT, "more than %d items in one list",
                        LD_RT_COND_SET_MAX);
        cmp->nets = ld_xrealloc(cmp->nets, (cmp->n_nets + 1) * sizeof *cmp->nets);
        cmp->nets[cmp->n_nets++] = net;
        return 0;
    }
    case LD_RT_FT_BOOL: break;
    }
    return 0;
}

static const ld_strlist *find_list(parser *P, const char *name)
{
    if (!P->env || !P->env->list)
        return NULL;
    return P->env->list(P->env->ctx, name);
}

/* The items of list `name` (lists within it expanded) into cmp. */
static int expand_list(parser *P, const lexer *L, size_t pos, cond_cmp *cmp, const char *name,
                       const ld_strlist *items)
{
    for (int i = 0; i < P->n_lists; i++) {
        if (strcmp(P->lists[i], name) != 0)
            continue;
        char chain[512];
        size_t k = 0;
        for (int j = i; j < P->n_lists && k < sizeof chain; j++)
            k += (size_t)snprintf(chain + k, sizeof chain - k, "%s -> ", P->lists[j]);
        if (k < sizeof chain)
            snprintf(chain + k, sizeof chain - k, "%s", name);
        return perr(P, L, pos, LD_ERR_INVALID, "list cycle: %s", chain);
    }
    if (P->n_lists >= LD_RT_COND_LIST_DEPTH_MAX)
        return perr(P, L, pos, LD_ERR_LIMIT, "lists nested deeper than %d (at list '%s')",
                    LD_RT_COND_LIST_DEPTH_MAX, name);
    P->lists[P->n_lists++] = name;
    int rc = 0;
    for (size_t i = 0; i < items->n && rc == 0; i++) {
        const char *item = items->v[i];
        if (!item)
            continue;
        size_t len = strlen(item);
        if (len >= 2 && (item[0] == '"' || item[0] == '\'')) {
            /* a quoted item ('"a b"' in YAML) is that string, never a list */
            size_t used = 0, dlen = 0;
            const char *why = NULL;
            char *s = decode_quoted(item, len, &used, &dlen, &why);
            if (s && used == len) {
                rc = add_item(P, L, pos, cmp, s, dlen, name);
                free(s);
                continue;
            }
            free(s);
        }
        const ld_strlist *inner = find_list(P, item);
        if (inner) {
            rc = count_item(P, L, pos);
            if (rc == 0)
                rc = expand_list(P, L, pos, cmp, item, inner);
        } else {
            rc = add_item(P, L, pos, cmp, item, len, name);
        }
    }
    P->n_lists--;
    return rc;
}

static int cmp_num(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* `( item, item, list_name, "quoted" )` after in / intersects / pmatch. */
static int parse_items(parser *P, lexer *L, cond_cmp *cmp)
{
    char tok[40];
    int c0 = peek(L);
    size_t open = L->pos;
    if (c0 != '(')
        return perr(P, L, open, LD_ERR_INVALID, "expected '(' after '%s', got %s", op_name(cmp->op),
                    got(L, open, tok, sizeof tok));
    L->pos++;
    if (peek(L) == ')') {
        L->pos++;
        return 0;
    }
    for (;;) {
        size_t pos = L->pos;
        char *s = NULL;
        size_t len = 0;
        bool quoted = false;
        int rc = lex_value(P, L, "','", &s, &len, &quoted);
        if (rc < 0)
            return rc;
        const ld_strlist *list = quoted ? NULL : find_list(P, s);
        if (list) {
            rc = count_item(P, L, pos);
            if (rc == 0)
                rc = expand_list(P, L, pos, cmp, s, list);
        } else {
            rc = add_item(P, L, pos, cmp, s, len, NULL);
        }
        free(s);
        if (rc < 0)
            return rc;
        int c = peek(L);
        if (c == ',') {
            L->pos++;
            continue;
        }
        if (c == ')') {
            L->pos++;
            break;
        }
        if (c < 0)
            return perr(P, L, open, LD_ERR_INVALID, "unclosed '(': expected ')'");
        return perr(P, L, L->pos, LD_ERR_INVALID, "expected ',' or ')' in the list, got %s",
                    got(L, L->pos, tok, sizeof tok));
    }
    if (cmp->n_nums > 1) {
        qsort(cmp->nums, cmp->n_nums, sizeof *cmp->nums, cmp_num);
        size_t k = 1;
        for (size_t i = 1; i < cmp->n_nums; i++)
            if (cmp->nums[i] != cmp->nums[k - 1])
                cmp->nums[k++] = cmp->nums[i];
        cmp->n_nums = k;
    }
    return 0;
}

/* ---- grammar ---- */

static int parse_or(parser *P, lexer *L, uint32_t *out);

/* The operator after a field. */
static int parse_op(parser *P, lexer *L, const char *field, cond_op *op)
{
    char tok[40];
    int c = peek(L);
    size_t pos = L->pos;
    const char *t = L->text + pos;
    size_t left = L->len - pos;
    if (c == '=') {
        *op = OP_EQ;
        L->pos += left > 1 && t[1] == '=' ? 2 : 1;
        return 0;
    }
    if (c == '!' && left > 1 && t[1] == '=') {
        *op = OP_NE;
        L->pos += 2;
        return 0;
    }
    if (c == '<' || c == '>') {
        bool eq = left > 1 && t[1] == '=';
        *op = c == '<' ? (eq ? OP_LE : OP_LT) : (eq ? OP_GE : OP_GT);
        L->pos += eq ? 2 : 1;
        return 0;
    }
    size_t n = word_len(L);
    if (n > 0) {
        for (size_t i = 0; i < N_WORD_OPS; i++) {
            if (strlen(word_ops[i].name) == n && memcmp(word_ops[i].name, t, n) == 0) {
                *op = word_ops[i].op;
                L->pos += n;
                return 0;
            }
        }
        bool joiner = (n == 3 && memcmp(t, "and", 3) == 0) || (n == 2 && memcmp(t, "or", 2) == 0);
        if (!joiner) {
            const char *names[N_WORD_OPS + 1];
            for (size_t i = 0; i < N_WORD_OPS; i++)
                names[i] = word_ops[i].name;
            names[N_WORD_OPS] = NULL;
            char word[64];
            snprintf(word, sizeof word, "%.*s", (int)(n < 63 ? n : 63), t);
            const char *near = ld_suggest(word, names, -1);
            if (near)
                return perr(P, L, pos, LD_ERR_INVALID,
                            "unknown operator '%s' after %s (did you mean %s?)", word, field, near);
        }
    }
    return perr(P, L, pos, LD_ERR_INVALID,
                "expected an operator (=, !=, <, >, in, contains, startswith, exists, ...) "
                "after %s, got %s",
                field, got(L, pos, tok, sizeof tok));
}

/* field op value | field op (items) | field exists */
static int parse_comparison(parser *P, lexer *L, const ld_rt_field_ref *f, const char *shown,
                            uint32_t *out)
{
    cond_cmp cmp = {.f = *f};
    (void)peek(L);
    size_t op_pos = L->pos;
    int rc = parse_op(P, L, shown, &cmp.op);
    if (rc < 0)
        return rc;
    if (!op_allowed(f->type, cmp.op))
        return perr(P, L, op_pos, LD_ERR_INVALID, "operator '%s' does not apply to %s field %s",
                    op_name(cmp.op), type_word(f->type), shown);
    cmp.evtype = field_is_evtype(&cmp);
    if (cmp.op == OP_EXISTS)
        return new_cmp(P, L, op_pos, &cmp, out);
    if (cmp.op == OP_IN || cmp.op == OP_INTERSECTS || cmp.op == OP_PMATCH) {
        rc = parse_items(P, L, &cmp);
    } else {
        char *s = NULL;
        size_t len = 0;
        bool quoted;
        char after[16];
        snprintf(after, sizeof after, "'%s'", op_name(cmp.op));
        (void)peek(L);
        size_t pos = L->pos;
        rc = lex_value(P, L, after, &s, &len, &quoted);
        if (rc == 0)
            rc = set_single(P, L, pos, &cmp, s, len);
    }
    if (rc < 0) {
        cmp_clear(&cmp);
        return rc;
    }
    return new_cmp(P, L, op_pos, &cmp, out);
}

static int expand_macro(parser *P, const lexer *L, size_t pos, const char *name, const char *text,
                        const char *file, int line, uint32_t *out)
{
    void *memo = ld_strmap_get(&P->memo, name);
    if (memo) {
        *out = (uint32_t)((uintptr_t)memo - 1);
        return 0;
    }
    for (int i = 0; i < P->n_macros; i++) {
        if (strcmp(P->macros[i], name) != 0)
            continue;
        char chain[512];
        size_t k = 0;
        for (int j = i; j < P->n_macros && k < sizeof chain; j++)
            k += (size_t)snprintf(chain + k, sizeof chain - k, "%s -> ", P->macros[j]);
        if (k < sizeof chain)
            snprintf(chain + k, sizeof chain - k, "%s", name);
        return perr(P, L, pos, LD_ERR_INVALID, "macro cycle: %s", chain);
    }
    if (P->n_macros >= LD_RT_COND_MACRO_DEPTH_MAX)
        return perr(P, L, pos, LD_ERR_LIMIT, "macros nested deeper than %d (at macro '%s')",
                    LD_RT_COND_MACRO_DEPTH_MAX, name);
    if (P->depth >= LD_RT_COND_DEPTH_MAX)
        return perr(P, L, pos, LD_ERR_LIMIT, "condition nested deeper than %d levels",
                    LD_RT_COND_DEPTH_MAX);
    lexer M = {text, strnlen(text, LD_RT_COND_TEXT_MAX + 1), 0};
    char at[64];
    where(L, pos, at, sizeof at);
    char loc[300] = "";
    if (file)
        snprintf(loc, sizeof loc, " (%s:%d)", file, line);
    if (M.len > LD_RT_COND_TEXT_MAX)
        return ld_error_set(P->err, LD_ERR_LIMIT, "%s: macro '%s'%s is longer than %u bytes", at,
                            name, loc, LD_RT_COND_TEXT_MAX);
    if (peek(&M) < 0)
        return ld_error_set(P->err, LD_ERR_INVALID, "%s: macro '%s'%s has an empty condition", at,
                            name, loc);
    P->macros[P->n_macros++] = name;
    P->depth++;
    uint32_t node = 0;
    int rc = parse_or(P, &M, &node);
    char tok[40];
    if (rc == 0 && peek(&M) >= 0)
        rc = perr(P, &M, M.pos, LD_ERR_INVALID, "expected 'and', 'or' or the end, got %s",
                  got(&M, M.pos, tok, sizeof tok));
    P->depth--;
    P->n_macros--;
    if (rc < 0) {
        /* the macro whose text holds the error says so, with the macros
         * that led to it; the condition's own text gives the column */
        if (!P->err_located) {
            P->err_located = true;
            char chain[320] = "";
            size_t k = 0;
            for (int i = 0; i < P->n_macros && k < sizeof chain; i++)
                k += (size_t)snprintf(chain + k, sizeof chain - k, "%s%s",
                                      i ? " -> " : ", used by ", P->macros[i]);
            if (k >= sizeof chain)
                memcpy(chain + sizeof chain - 4, "...", 4);
            ld_error_wrap(P->err, "in macro '%s'%s%s", name, loc, chain);
        }
        if (P->n_macros == 0)
            ld_error_wrap(P->err, "%s", at);
        return rc;
    }
    bool created;
    *ld_strmap_put(&P->memo, name, &created) = (void *)(uintptr_t)(node + 1);
    *out = node;
    return 0;
}

static int parse_primary(parser *P, lexer *L, uint32_t *out)
{
    char tok[40];
    int c = peek(L);
    size_t start = L->pos;
    if (c == '(') {
        if (P->depth >= LD_RT_COND_DEPTH_MAX)
            return perr(P, L, start, LD_ERR_LIMIT, "condition nested deeper than %d levels",
                        LD_RT_COND_DEPTH_MAX);
        L->pos++;
        P->depth++;
        int rc = parse_or(P, L, out);
        P->depth--;
        if (rc < 0)
            return rc;
        if (peek(L) != ')') {
            char at[64];
            where(L, start, at, sizeof at);
            return perr(P, L, L->pos, LD_ERR_INVALID, "expected ')' to close the '(' at %s, got %s",
                        at, got(L, L->pos, tok, sizeof tok));
        }
        L->pos++;
        return 0;
    }
    size_t n = word_len(L);
    bool joiner = (n == 3 && memcmp(L->text + start, "and", 3) == 0) ||
                  (n == 2 && memcmp(L->text + start, "or", 2) == 0);
    if (n == 0 || joiner)
        return perr(P, L, start, LD_ERR_INVALID, "expected a field, a macro, 'not' or '(', got %s",
                    got(L, start, tok, sizeof tok));
    bool has_arg = start + n < L->len && L->text[start + n] == '[';
    size_t end = start + n;
    if (has_arg) {
        const char *close = memchr(L->text + end, ']', L->len - end < 64 ? L->len - end : 64);
        if (!close)
            return perr(P, L, end, LD_ERR_INVALID, "expected ']' to close the field argument");
        end = (size_t)(close - L->text) + 1;
    }
    char *name = ld_xstrndup(L->text + start, end - start);
    L->pos = end;
    int rc;
    if (!has_arg && P->env && P->env->macro) {
        const char *file = NULL;
        int line = 0;
        const char *text = P->env->macro(P->env->ctx, name, &file, &line);
        if (text) {
            rc = expand_macro(P, L, start, name, text, file, line, out);
            free(name);
            return rc;
        }
    }
    ld_rt_field_ref f;
    ld_error ferr = LD_ERROR_INIT;
    if (ld_rt_field_resolve(name, &f, &ferr) < 0) {
        if (!has_arg && !memchr(name, '.', n)) {
            if (find_list(P, name))
                rc = perr(P, L, start, LD_ERR_INVALID,
                          "'%s' is a list: use it inside in (...), as proc.name in (%s)", name,
                          name);
            else
                rc = perr(P, L, start, LD_ERR_INVALID, "undefined macro '%.200s'", name);
        } else {
            rc = perr(P, L, start, LD_ERR_INVALID, "%s", ferr.msg);
        }
        free(name);
        return rc;
    }
    rc = parse_comparison(P, L, &f, name, out);
    free(name);
    return rc;
}

static int parse_not(parser *P, lexer *L, uint32_t *out)
{
    (void)peek(L);
    size_t pos = L->pos;
    if (!keyword(L, "not"))
        return parse_primary(P, L, out);
    if (P->depth >= LD_RT_COND_DEPTH_MAX)
        return perr(P, L, pos, LD_ERR_LIMIT, "condition nested deeper than %d levels",
                    LD_RT_COND_DEPTH_MAX);
    P->depth++;
    uint32_t child;
    int rc = parse_not(P, L, &child);
    P->depth--;
    if (rc < 0)
        return rc;
    cond_node node = {.kind = CN_NOT, .a = child};
    return new_node(P, L, pos, node, 1 + (uint64_t)P->weights[child], out);
}

/* and (join = "and", next = parse_not) or or (join = "or", next = parse_and):
 * a chain of one operator becomes one node with all the operands. */
static int parse_chain(parser *P, lexer *L, const char *join, cond_node_kind kind,
                       int (*next)(parser *, lexer *, uint32_t *), uint32_t *out)
{
    (void)peek(L);
    size_t pos = L->pos;
    uint32_t first;
    int rc = next(P, L, &first);
    if (rc < 0)
        return rc;
    if (!keyword(L, join)) {
        *out = first;
        return 0;
    }
    uint32_t *kids = NULL;
    size_t n = 0, cap = 0;
    ld_xgrow(&kids, &cap, 1, sizeof *kids);
    kids[n++] = first;
    do {
        uint32_t k;
        rc = next(P, L, &k);
        if (rc < 0)
            break;
        ld_xgrow(&kids, &cap, n + 1, sizeof *kids);
        kids[n++] = k;
    } while (keyword(L, join));
    if (rc == 0)
        rc = new_group(P, L, pos, kind, kids, n, out);
    free(kids);
    return rc;
}

static int parse_and(parser *P, lexer *L, uint32_t *out)
{
    return parse_chain(P, L, "and", CN_AND, parse_not, out);
}

static int parse_or(parser *P, lexer *L, uint32_t *out)
{
    return parse_chain(P, L, "or", CN_OR, parse_and, out);
}

ld_rt_cond *ld_rt_cond_compile(const char *text, const ld_rt_cond_env *env, ld_error *err)
{
    if (!text) {
        ld_error_set(err, LD_ERR_INVALID, "no condition");
        return NULL;
    }
    size_t len = strnlen(text, LD_RT_COND_TEXT_MAX + 1);
    if (len > LD_RT_COND_TEXT_MAX) {
        ld_error_set(err, LD_ERR_LIMIT, "condition longer than %u bytes", LD_RT_COND_TEXT_MAX);
        return NULL;
    }
    parser P = {.c = ld_xcalloc(1, sizeof(ld_rt_cond)), .env = env, .err = err};
    lexer L = {text, len, 0};
    uint32_t root = 0;
    int rc;
    char tok[40];
    if (peek(&L) < 0) {
        rc = ld_error_set(err, LD_ERR_INVALID, "empty condition");
    } else {
        rc = parse_or(&P, &L, &root);
        if (rc == 0 && peek(&L) == ')')
            rc = perr(&P, &L, L.pos, LD_ERR_INVALID, "')' without a matching '('");
        else if (rc == 0 && peek(&L) >= 0)
            rc = perr(&P, &L, L.pos, LD_ERR_INVALID,
                      "expected 'and', 'or' or the end of the condition, got %s",
                      got(&L, L.pos, tok, sizeof tok));
    }
    ld_strmap_clear(&P.memo);
    free(P.weights);
    if (rc < 0) {
        ld_rt_cond_free(P.c);
        return NULL;
    }
    P.c->root = root;
    P.c->evtypes = ld_rtc_evtypes(P.c);
    return P.c;
}
