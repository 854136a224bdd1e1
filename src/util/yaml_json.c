/* A JSON parser of its own that builds the YAML tree of yaml_doc.h, with
 * the line and column of every node: `kubectl get -o json` output and API
 * list responses are large, and going through libyaml's general YAML
 * scanner costs several times more than this. Strict RFC 8259 (no
 * comments, no trailing commas, no NUL, valid UTF-8; a lone surrogate
 * escape becomes U+FFFD as Go's decoder makes it), bounded like the YAML
 * loader (bytes, depth, nodes). Strings become quoted scalars; numbers,
 * true, false and null plain scalars as written. Not a JSON writer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/text_bom.h"
#include "util/utf8.h"
#include "util/yaml_doc.h"
#include "util/yaml_doc_internal.h"

typedef struct {
    const char *name;
    const char *p, *end;
    const char *line_start;
    int line;
    ld_yaml_limits lim;
    size_t max_scalar; /* longest string accepted */
    size_t nodes;
    ld_yaml_arena *arena;
    ld_error *err;
    int syntax; /* the failure is a syntax error */
    ld_yaml_node **stack;
    size_t stack_n, stack_cap;
    char *sbuf; /* decoded string with escapes */
    size_t sbuf_cap;
} jparser;

static int col_of(const jparser *j)
{
    return (int)(j->p - j->line_start) + 1;
}

static void *syntax_error(jparser *j, const char *what)
{
    j->syntax = 1;
    if (j->p >= j->end)
        ld_error_set(j->err, LD_ERR_CORRUPT, "%s: line %d: JSON: %s, found the end of the input",
                     j->name, j->line, what);
    else if ((unsigned char)*j->p >= 0x20 && (unsigned char)*j->p < 0x7f)
        ld_error_set(j->err, LD_ERR_CORRUPT, "%s: line %d: JSON: %s, found '%c'", j->name,
                     j->line, what, *j->p);
    else
        ld_error_set(j->err, LD_ERR_CORRUPT, "%s: line %d: JSON: %s, found byte 0x%02x", j->name,
                     j->line, what, (unsigned char)*j->p);
    return NULL;
}

static void skip_ws(jparser *j)
{
    const char *p = j->p, *end = j->end;
    while (p < end) {
        char c = *p;
        if (c == ' ') {
            /* indentation comes in runs: eight spaces at a time */
            p++;
            uint64_t w;
            while (end - p >= 8 && (memcpy(&w, p, 8), w == 0x2020202020202020ull))
                p += 8;
        } else if (c == '\n') {
            j->line++;
            j->line_start = ++p;
        } else if (c == '\t' || c == '\r') {
            p++;
        } else {
            break;
        }
    }
    j->p = p;
}

static ld_yaml_node *new_node(jparser *j, ld_yaml_kind kind)
{
    if (j->nodes >= j->lim.max_nodes) {
        ld_error_set(j->err, LD_ERR_LIMIT, "%s: line %d: more than %zu JSON nodes", j->name,
                     j->line, j->lim.max_nodes);
        return NULL;
    }
    j->nodes++;
    return ldy_node(j->arena, kind, j->line, col_of(j));
}

static void sbuf_put(jparser *j, size_t *n, const char *s, size_t len)
{
    ld_xgrow(&j->sbuf, &j->sbuf_cap, *n + len + 1, 1);
    memcpy(j->sbuf + *n, s, len);
    *n += len;
}

static int hex4(const char *s, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + (uint32_t)d;
    }
    *out = v;
    return 0;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The string at j->p (on its opening quote) as a quoted scalar. */
static ld_yaml_node *parse_string(jparser *j)
{
    ld_yaml_node *n = new_node(j, LD_YAML_SCALAR);
    if (!n)
        return NULL;
    n->quoted = true;
    j->p++;
    const char *run = j->p;
    size_t len = 0;
    bool escaped = false;
    while (j->p < j->end) {
        unsigned char c = (unsigned char)*j->p;
        if (c == '"') {
            if ((size_t)(j->p - run) + len > j->max_scalar)
                goto too_long;
            if (!escaped) {
                n->value = ldy_strndup(j->arena, run, (size_t)(j->p - run));
            } else {
                sbuf_put(j, &len, run, (size_t)(j->p - run));
                n->value = ldy_strndup(j->arena, j->sbuf, len);
            }
            j->p++;
            return n;
        }
        if (c < 0x20)
            return syntax_error(j, "control character inside a string (escape it)");
        if (c >= 0x80) {
            uint32_t cp;
            size_t k = ld_utf8_decode((const unsigned char *)j->p, (size_t)(j->end - j->p), &cp);
            if (!k)
                return syntax_error(j, "invalid UTF-8 inside a string");
            j->p += k;
            continue;
        }
        if (c != '\\') {
            j->p++;
            continue;
        }
        /* an escape: the text so far goes to the scratch buffer */
        if (!escaped) {
            escaped = true;
            len = 0;
        }
        sbuf_put(j, &len, run, (size_t)(j->p - run));
        if (len > j->max_scalar)
            goto too_long;
        if (j->end - j->p < 2)
            return syntax_error(j, "unfinished escape");
        char e = j->p[1];
        char one;
        switch (e) {
        case '"': one = '"'; break;
        case '\\': one = '\\'; break;
        case '/': one = '/'; break;
        case 'b': one = '\b'; break;
        case 'f': one = '\f'; break;
        case 'n': one = '\n'; break;
        case 'r': one = '\r'; break;
        case 't': one = '\t'; break;
        case 'u': one = 0; break;
        default: j->p++; return syntax_error(j, "unknown escape");
        }
        if (e != 'u') {
            sbuf_put(j, &len, &one, 1);
            j->p += 2;
            run = j->p;
            continue;
        }
        uint32_t cp;
        if (j->end - j->p < 6 || hex4(j->p + 2, &cp) < 0)
            return syntax_error(j, "\\u needs four hex digits");
        j->p += 6;
        if (cp >= 0xD800 && cp < 0xDC00 && j->end - j->p >= 6 && j->p[0] == '\\' &&
            j->p[1] == 'u') {
            uint32_t lo;
            if (hex4(j->p + 2, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                j->p += 6;
            }
        }
        if (cp >= 0xD800 && cp < 0xE000)
            cp = 0xFFFD; /* a lone surrogate, as Go decodes it */
        if (cp == 0) {
            j->syntax = 0;
            ld_error_set(j->err, LD_ERR_CORRUPT,
                         "%s: line %d: JSON: \\u0000 (NUL) inside a string is not accepted",
                         j->name, j->line);
            return NULL;
        }
        char enc[4];
        sbuf_put(j, &len, enc, utf8_encode(cp, enc));
        run = j->p;
    }
    return syntax_error(j, "unterminated string");
too_long:
    j->syntax = 0;
    ld_error_set(j->err, LD_ERR_LIMIT, "%s: line %d: a string longer than %zu bytes; no longer "
                 "value is accepted", j->name, n->line, j->max_scalar);
    return NULL;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static ld_yaml_node *parse_number(jparser *j)
{
    const char *s = j->p;
    int col = col_of(j);
    const char *p = s;
    if (p < j->end && *p == '-')
        p++;
    if (p >= j->end || !is_digit(*p)) {
        j->p = p;
        return syntax_error(j, "expected a digit");
    }
    if (*p == '0')
        p++;
    else
        while (p < j->end && is_digit(*p))
            p++;
    if (p < j->end && *p == '.') {
        p++;
        if (p >= j->end || !is_digit(*p)) {
            j->p = p;
            return syntax_error(j, "expected a digit after '.'");
        }
        while (p < j->end && is_digit(*p))
            p++;
    }
    if (p < j->end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < j->end && (*p == '+' || *p == '-'))
            p++;
        if (p >= j->end || !is_digit(*p)) {
            j->p = p;
            return syntax_error(j, "expected a digit in the exponent");
        }
        while (p < j->end && is_digit(*p))
            p++;
    }
    ld_yaml_node *n = new_node(j, LD_YAML_SCALAR);
    if (!n)
        return NULL;
    n->col = col;
    n->value = ldy_strndup(j->arena, s, (size_t)(p - s));
    j->p = p;
    return n;
}

static ld_yaml_node *parse_word(jparser *j, const char *word)
{
    size_t len = strlen(word);
    if ((size_t)(j->end - j->p) < len || memcmp(j->p, word, len) != 0)
        return syntax_error(j, "expected a value");
    ld_yaml_node *n = new_node(j, LD_YAML_SCALAR);
    if (!n)
        return NULL;
    n->value = ldy_strndup(j->arena, word, len);
    j->p += len;
    return n;
}

static void push(jparser *j, ld_yaml_node *n)
{
    ld_xgrow(&j->stack, &j->stack_cap, j->stack_n + 1, sizeof(*j->stack));
    j->stack[j->stack_n++] = n;
}

static ld_yaml_node *parse_value(jparser *j, int depth);

static ld_yaml_node *parse_collection(jparser *j, int depth, bool is_map)
{
    ld_yaml_node *coll = new_node(j, is_map ? LD_YAML_MAP : LD_YAML_SEQ);
    if (!coll)
        return NULL;
    char close = is_map ? '}' : ']';
    size_t base = j->stack_n;
    ld_yaml_node *result = NULL;
    j->p++;
    skip_ws(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        ldy_set_children(j->arena, coll, NULL, 0);
        return coll;
    }
    for (;;) {
        skip_ws(j);
        if (is_map) {
            if (j->p >= j->end || *j->p != '"') {
                syntax_error(j, "expected a member name in double quotes");
                goto out;
            }
            if (depth + 1 > j->lim.max_depth)
                goto deep;
            ld_yaml_node *key = parse_string(j);
            if (!key)
                goto out;
            push(j, key);
            skip_ws(j);
            if (j->p >= j->end || *j->p != ':') {
                syntax_error(j, "expected ':' after a member name");
                goto out;
            }
            j->p++;
            skip_ws(j);
        }
        ld_yaml_node *v = parse_value(j, depth + 1);
        if (!v)
            goto out;
        push(j, v);
        skip_ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == close) {
            j->p++;
            break;
        }
        syntax_error(j, is_map ? "expected ',' or '}'" : "expected ',' or ']'");
        goto out;
    }
    ldy_set_children(j->arena, coll, j->stack ? j->stack + base : NULL, j->stack_n - base);
    if (is_map && ldy_check_duplicates(j->name, coll, j->err) < 0) {
        j->syntax = 0;
        goto out;
    }
    result = coll;
    goto out;
deep:
    ld_error_set(j->err, LD_ERR_LIMIT, "%s: line %d: nesting deeper than %d levels", j->name,
                 j->line, j->lim.max_depth);
out:
    j->stack_n = base;
    return result;
}

static ld_yaml_node *parse_value(jparser *j, int depth)
{
    if (depth > j->lim.max_depth) {
        j->syntax = 0;
        ld_error_set(j->err, LD_ERR_LIMIT, "%s: line %d: nesting deeper than %d levels", j->name,
                     j->line, j->lim.max_depth);
        return NULL;
    }
    skip_ws(j);
    if (j->p >= j->end)
        return syntax_error(j, "expected a value");
    switch (*j->p) {
    case '{': return parse_collection(j, depth, true);
    case '[': return parse_collection(j, depth, false);
    case '"': return parse_string(j);
    case 't': return parse_word(j, "true");
    case 'f': return parse_word(j, "false");
    case 'n': return parse_word(j, "null");
    default: return parse_number(j);
    }
}

int ldy_json_stream(const char *name, const char *buf, size_t len, const ld_yaml_limits *lim,
                    size_t max_scalar, size_t max_documents, ld_yaml_docs *out, int *syntax,
                    ld_error *err)
{
    jparser j = {.name = name,
                 .p = buf,
                 .end = buf + len,
                 .line_start = buf,
                 .line = 1,
                 .lim = *lim,
                 .max_scalar = max_scalar,
                 .arena = out->arena,
                 .err = err};
    int rc = 0;
    for (;;) {
        skip_ws(&j);
        if (j.p >= j.end)
            break;
        if (out->n >= max_documents) {
            rc = ld_error_set(err, LD_ERR_LIMIT, "%s: line %d: more than %zu JSON documents",
                              name, j.line, max_documents);
            break;
        }
        if (*j.p != '{' && *j.p != '[') {
            syntax_error(&j, "expected '{' or '[' to start a JSON text");
            rc = LD_ERR_CORRUPT;
            break;
        }
        ld_yaml_node *doc = parse_value(&j, 0);
        if (!doc) {
            rc = err && err->code != LD_OK ? err->code : LD_ERR_CORRUPT;
            break;
        }
        ldy_docs_push(out, doc);
    }
    free(j.stack);
    free(j.sbuf);
    *syntax = j.syntax;
    return rc;
}

ld_yaml_node *ld_yaml_parse_json(const char *name, const char *buf, size_t len,
                                 const ld_yaml_limits *limits, ld_error *err)
{
    ld_yaml_limits lim = {
        .max_bytes = limits && limits->max_bytes ? limits->max_bytes : 8u << 20,
        .max_depth = limits && limits->max_depth ? limits->max_depth : 64,
        .max_nodes = limits && limits->max_nodes ? limits->max_nodes : 1000000,
    };
    name = name ? name : "<json>";
    if (len > lim.max_bytes) {
        ld_error_set(err, LD_ERR_LIMIT, "%s: larger than %zu bytes", name, lim.max_bytes);
        return NULL;
    }
    ld_skip_utf8_bom(&buf, &len);
    ld_yaml_docs docs = {.arena = ldy_arena_new()};
    int syntax = 0;
    ld_yaml_node *root = NULL;
    if (ldy_json_stream(name, buf ? buf : "", len, &lim, lim.max_bytes, 2, &docs, &syntax, err) ==
        0) {
        if (docs.n == 1)
            root = ldy_make_root(docs.arena, docs.docs[0]);
        else
            ld_error_set(err, LD_ERR_CORRUPT, "%s: %s", name,
                         docs.n ? "more than one JSON text" : "no JSON text");
    }
    free(docs.docs);
    if (!root)
        ldy_arena_free(docs.arena);
    return root;
}
