/* The exponential-backtracking recogniser behind ld_regex_exponential: a
 * small parser of PCRE2 syntax into a tree of character sets, sequences,
 * alternations, repeats, atomic groups and assertions, then a walk that
 * asks of every unbounded repeat followed by something that can fail
 * whether its body can match one text in two ways. Character sets are byte
 * bitmaps (no UTF, the "C" locale's classes, as the secret scanner compiles
 * its patterns). Not a matcher and not a validator: the caller has already
 * compiled the pattern with PCRE2. */
#include "util/regex_risk.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

#define RISK_MAX_NODES 4000 /* more: not analysed */
#define RISK_MAX_DEPTH 64   /* group nesting; deeper: not analysed */
#define RISK_REPEAT_MANY 10 /* a bounded outer repeat this large counts as a loop */
#define REPEAT_INF UINT32_MAX

typedef struct {
    uint64_t w[4];
} cset;

enum { N_EMPTY, N_SET, N_SEQ, N_ALT, N_REPEAT, N_ATOMIC, N_LOOK, N_ASSERT };

typedef struct rnode rnode;
struct rnode {
    int kind;
    cset set;     /* N_SET */
    rnode **kids; /* N_SEQ, N_ALT */
    size_t n, cap;
    rnode *child;      /* N_REPEAT, N_ATOMIC, N_LOOK */
    uint32_t min, max; /* N_REPEAT */
    bool possessive;   /* N_REPEAT: never gives back what it took */
    size_t offset;     /* N_REPEAT: where its quantifier is */
    rnode *next_alloc; /* every node, for freeing */
};

typedef struct {
    const char *p;
    size_t len, pos;
    bool caseless, dotall, extended;
    int depth;
    size_t nodes;
    bool bail; /* something not modelled: the answer is "not exponential" */
    rnode *all;
} parser;

/* ---- character sets ---- */

static void cs_add(cset *s, unsigned c)
{
    s->w[(c >> 6) & 3] |= (uint64_t)1 << (c & 63);
}

static bool cs_has(const cset *s, unsigned c)
{
    return (s->w[(c >> 6) & 3] >> (c & 63)) & 1;
}

static void cs_range(cset *s, unsigned a, unsigned b)
{
    for (unsigned c = a; c <= b && c < 256; c++)
        cs_add(s, c);
}

static void cs_or(cset *a, const cset *b)
{
    for (int i = 0; i < 4; i++)
        a->w[i] |= b->w[i];
}

static void cs_not(cset *s)
{
    for (int i = 0; i < 4; i++)
        s->w[i] = ~s->w[i];
}

static bool cs_meets(const cset *a, const cset *b)
{
    for (int i = 0; i < 4; i++)
        if (a->w[i] & b->w[i])
            return true;
    return false;
}

static bool cs_is_empty(const cset *s)
{
    return !(s->w[0] | s->w[1] | s->w[2] | s->w[3]);
}

static cset cs_and(const cset *a, const cset *b)
{
    cset r;
    for (int i = 0; i < 4; i++)
        r.w[i] = a->w[i] & b->w[i];
    return r;
}

/* Adds the other case of every ASCII letter in s. */
static void cs_fold(cset *s)
{
    for (unsigned c = 'a'; c <= 'z'; c++)
        if (cs_has(s, c) || cs_has(s, c - 32)) {
            cs_add(s, c);
            cs_add(s, c - 32);
        }
}

/* The class of a backslash letter (d, D, w, W, s, S, h, H, v, V, N);
 * false when the letter is not one. */
static bool cs_escape_class(int letter, cset *out)
{
    cset s = {{0}};
    int lower = letter | 0x20;
    switch (lower) {
    case 'd': cs_range(&s, '0', '9'); break;
    case 'w':
        cs_range(&s, '0', '9');
        cs_range(&s, 'a', 'z');
        cs_range(&s, 'A', 'Z');
        cs_add(&s, '_');
        break;
    case 's':
        cs_range(&s, '\t', '\r');
        cs_add(&s, ' ');
        break;
    case 'h':
        cs_add(&s, '\t');
        cs_add(&s, ' ');
        cs_add(&s, 0xa0);
        break;
    case 'v':
        cs_range(&s, '\n', '\r');
        cs_add(&s, 0x85);
        break;
    case 'n':
        if (letter != 'N')
            return false;
        cs_add(&s, '\n');
        cs_not(&s);
        *out = s;
        return true;
    default: return false;
    }
    if (letter != lower) /* \D, \W, \S, \H, \V */
        cs_not(&s);
    *out = s;
    return true;
}

/* A POSIX class name ("alpha", ...) at p[0..n); false when unknown. */
static bool cs_posix(const char *p, size_t n, cset *out)
{
    static const char *const names[] = {"alpha", "digit",  "alnum", "space", "upper",
                                        "lower", "xdigit", "punct", "print", "graph",
                                        "cntrl", "blank",  "word",  "ascii", NULL};
    int k = -1;
    for (int i = 0; names[i]; i++)
        if (strlen(names[i]) == n && memcmp(names[i], p, n) == 0)
            k = i;
    if (k < 0)
        return false;
    cset s = {{0}};
    for (unsigned c = 0; c < 128; c++) {
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        bool digit = c >= '0' && c <= '9';
        bool in = false;
        switch (k) {
        case 0: in = alpha; break;
        case 1: in = digit; break;
        case 2: in = alpha || digit; break;
        case 3: in = (c >= '\t' && c <= '\r') || c == ' '; break;
        case 4: in = c >= 'A' && c <= 'Z'; break;
        case 5: in = c >= 'a' && c <= 'z'; break;
        case 6: in = digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); break;
        case 7: in = c > ' ' && c < 0x7f && !alpha && !digit; break;
        case 8: in = c >= ' ' && c < 0x7f; break;
        case 9: in = c > ' ' && c < 0x7f; break;
        case 10: in = c < ' ' || c == 0x7f; break;
        case 11: in = c == ' ' || c == '\t'; break;
        case 12: in = alpha || digit || c == '_'; break;
        default: in = true; break;
        }
        if (in)
            cs_add(&s, c);
    }
    *out = s;
    return true;
}

/* ---- the tree ---- */

static rnode *node_new(parser *ps, int kind)
{
    if (++ps->nodes > RISK_MAX_NODES) {
        ps->bail = true;
        return NULL;
    }
    rnode *n = ld_xcalloc(1, sizeof(*n));
    n->kind = kind;
    n->next_alloc = ps->all;
    ps->all = n;
    return n;
}

static void node_push(rnode *parent, rnode *kid)
{
    ld_xgrow(&parent->kids, &parent->cap, parent->n + 1, sizeof(*parent->kids));
    parent->kids[parent->n++] = kid;
}

static rnode *set_node(parser *ps, cset s)
{
    rnode *n = node_new(ps, N_SET);
    if (!n)
        return NULL;
    if (ps->caseless)
        cs_fold(&s);
    n->set = s;
    return n;
}

static rnode *char_node(parser *ps, unsigned c)
{
    cset s = {{0}};
    cs_add(&s, c);
    return set_node(ps, s);
}

static bool at_end(const parser *ps)
{
    return ps->pos >= ps->len;
}

static int peek(const parser *ps)
{
    return at_end(ps) ? -1 : (unsigned char)ps->p[ps->pos];
}

/* In extended mode: skips blanks and # comments outside classes. */
static void skip_extended(parser *ps)
{
    while (ps->extended && !at_end(ps)) {
        int c = peek(ps);
        if (c == ' ' || (c >= '\t' && c <= '\r')) {
            ps->pos++;
        } else if (c == '#') {
            while (!at_end(ps) && peek(ps) != '\n')
                ps->pos++;
        } else {
            break;
        }
    }
}

static int hexval(int c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* The byte an escape after the backslash at ps->pos stands for (\n, \x41,
 * \101, \cA, \.), advancing past it; -1 when it is not a single byte we
 * model (the caller bails). in_class: \b is a backspace and \1 octal. */
static int escape_byte(parser *ps, bool in_class)
{
    int c = peek(ps);
    if (c < 0)
        return -1;
    ps->pos++;
    switch (c) {
    case 'a': return 7;
    case 'e': return 27;
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'b': return in_class ? 8 : -1;
    case 'c': {
        int x = peek(ps);
        if (x < 0x20 || x > 0x7e)
            return -1;
        ps->pos++;
        if (x >= 'a' && x <= 'z')
            x -= 32;
        return x ^ 0x40;
    }
    case 'x': {
        int v = 0;
        if (peek(ps) == '{') {
            ps->pos++;
            int digits = 0;
            while (hexval(peek(ps)) >= 0 && digits < 3) {
                v = v * 16 + hexval(peek(ps));
                ps->pos++;
                digits++;
            }
            if (peek(ps) != '}' || v > 255)
                return -1;
            ps->pos++;
            return v;
        }
        for (int i = 0; i < 2 && hexval(peek(ps)) >= 0; i++, ps->pos++)
            v = v * 16 + hexval(peek(ps));
        return v;
    }
    case 'o': return -1; /* \o{...}: rare; not modelled */
    default: break;
    }
    if (c == '0' || (in_class && c >= '1' && c <= '7')) {
        int v = c - '0';
        for (int i = 0; i < 2 && peek(ps) >= '0' && peek(ps) <= '7'; i++, ps->pos++)
            v = v * 8 + (peek(ps) - '0');
        return v <= 255 ? v : -1;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return -1; /* a backreference, \p, \X, \C, \g, \k, ...: not modelled */
    return c;      /* an escaped punctuation character stands for itself */
}

/* A bracket class; ps->pos is just after '['. */
static rnode *parse_class(parser *ps)
{
    cset s = {{0}};
    bool negate = false;
    if (peek(ps) == '^') {
        negate = true;
        ps->pos++;
    }
    bool first = true;
    int prev = -1; /* last single byte, for ranges */
    for (;;) {
        int c = peek(ps);
        if (c < 0) {
            ps->bail = true;
            return NULL;
        }
        if (c == ']' && !first)
            break;
        first = false;
        ps->pos++;
        if (c == '[' && peek(ps) == ':') {
            size_t start = ps->pos + 1;
            const char *end = memchr(ps->p + start, ':', ps->len - start);
            if (end && (size_t)(end - ps->p) + 1 < ps->len && end[1] == ']') {
                bool neg = ps->p[start] == '^';
                size_t ns = start + neg;
                cset pc;
                if (!cs_posix(ps->p + ns, (size_t)(end - ps->p) - ns, &pc)) {
                    ps->bail = true;
                    return NULL;
                }
                if (neg)
                    cs_not(&pc);
                cs_or(&s, &pc);
                ps->pos = (size_t)(end - ps->p) + 2;
                prev = -1;
                continue;
            }
        }
        int byte = c;
        if (c == '\\') {
            int l = peek(ps);
            cset ec;
            if (l >= 0 && l != 'N' && cs_escape_class(l, &ec)) {
                ps->pos++;
                cs_or(&s, &ec);
                prev = -1;
                continue;
            }
            if (l == 'Q' || l == 'E') { /* \Q...\E inside a class: not modelled */
                ps->bail = true;
                return NULL;
            }
            byte = escape_byte(ps, true);
            if (byte < 0) {
                ps->bail = true;
                return NULL;
            }
        }
        if (byte == '-' && prev >= 0 && peek(ps) >= 0 && peek(ps) != ']') {
            int hi = peek(ps);
            ps->pos++;
            if (hi == '\\') {
                if (peek(ps) >= 0 && cs_escape_class(peek(ps), &(cset){{0}})) {
                    ps->bail = true; /* a range to a class: PCRE2 refuses or reads '-' */
                    return NULL;
                }
                hi = escape_byte(ps, true);
            } else if (hi == '[') {
                ps->bail = true;
                return NULL;
            }
            if (hi < 0 || hi < prev) {
                ps->bail = true;
                return NULL;
            }
            cs_range(&s, (unsigned)prev, (unsigned)hi);
            prev = -1;
            continue;
        }
        cs_add(&s, (unsigned)byte);
        prev = byte;
    }
    ps->pos++; /* ']' */
    if (ps->caseless)
        cs_fold(&s);
    if (negate)
        cs_not(&s);
    rnode *n = node_new(ps, N_SET);
    if (n)
        n->set = s;
    return n;
}

static rnode *parse_alt(parser *ps);

/* Option letters after "(?": sets the parser's flags; false on one it does
 * not model. Stops at ')' or ':' (not consumed). */
static bool parse_flags(parser *ps)
{
    bool on = true;
    if (peek(ps) == '^') {
        ps->caseless = ps->dotall = ps->extended = false;
        ps->pos++;
    }
    for (;;) {
        int c = peek(ps);
        switch (c) {
        case '-': on = false; break;
        case 'i': ps->caseless = on; break;
        case 's': ps->dotall = on; break;
        case 'x':
            if (ps->pos + 1 < ps->len && ps->p[ps->pos + 1] == 'x')
                return false; /* xx: blanks in classes too; not modelled */
            ps->extended = on;
            break;
        case 'm':
        case 'n':
        case 'U':
        case 'J': break; /* no effect on which bytes match */
        case ')':
        case ':': return true;
        default: return false;
        }
        ps->pos++;
    }
}

/* A group; ps->pos is just after '('. Returns NULL for a pure option
 * setting or a comment (nothing to match), with ps->bail clear. */
static rnode *parse_group(parser *ps)
{
    int kind = N_SEQ; /* plain or capturing: the body itself */
    bool c_less = ps->caseless, c_dot = ps->dotall, c_ext = ps->extended;
    if (peek(ps) == '*') { /* (*VERB) and (*alpha_assertion:): not modelled */
        ps->bail = true;
        return NULL;
    }
    if (peek(ps) == '?') {
        ps->pos++;
        int c = peek(ps);
        const char *rest = ps->p + ps->pos;
        size_t left = ps->len - ps->pos;
        if (c == '#') {
            const char *end = memchr(rest, ')', left);
            if (!end) {
                ps->bail = true;
                return NULL;
            }
            ps->pos = (size_t)(end - ps->p) + 1;
            return NULL;
        }
        if (c == ':' || c == '|') {
            ps->pos++;
        } else if (c == '>') {
            kind = N_ATOMIC;
            ps->pos++;
        } else if (c == '=' || c == '!') {
            kind = N_LOOK;
            ps->pos++;
        } else if (c == '<' && left >= 2 && (rest[1] == '=' || rest[1] == '!')) {
            kind = N_LOOK;
            ps->pos += 2;
        } else if (c == '<' || c == '\'' || (c == 'P' && left >= 2 && rest[1] == '<')) {
            char close = c == '\'' ? '\'' : '>';
            const char *end = memchr(rest + 1, close, left - 1); /* past the opening quote */
            if (!end) {
                ps->bail = true;
                return NULL;
            }
            ps->pos = (size_t)(end - ps->p) + 1; /* a named capture */
        } else {
            if (!parse_flags(ps)) {
                ps->bail = true;
                return NULL;
            }
            if (peek(ps) == ')') { /* (?i): applies to the rest of the enclosing group */
                ps->pos++;
                return NULL;
            }
            ps->pos++; /* ':' */
        }
    }
    if (++ps->depth > RISK_MAX_DEPTH) {
        ps->bail = true;
        return NULL;
    }
    rnode *body = parse_alt(ps);
    ps->depth--;
    ps->caseless = c_less;
    ps->dotall = c_dot;
    ps->extended = c_ext;
    if (ps->bail || peek(ps) != ')') {
        ps->bail = true;
        return NULL;
    }
    ps->pos++;
    if (kind == N_SEQ)
        return body;
    rnode *g = node_new(ps, kind);
    if (g)
        g->child = body;
    return g;
}

/* A quantifier at ps->pos, if one: fills min/max, advances. */
static bool parse_quantifier(parser *ps, uint32_t *min, uint32_t *max)
{
    int c = peek(ps);
    if (c == '*' || c == '+' || c == '?') {
        *min = c == '+';
        *max = c == '?' ? 1 : REPEAT_INF;
        ps->pos++;
        return true;
    }
    if (c != '{')
        return false;
    size_t i = ps->pos + 1;
    uint64_t a = 0, b = 0;
    size_t digits = 0;
    while (i < ps->len && ps->p[i] >= '0' && ps->p[i] <= '9' && digits < 6) {
        a = a * 10 + (uint64_t)(ps->p[i++] - '0');
        digits++;
    }
    if (digits == 0 || i >= ps->len)
        return false; /* "{", "{,n}", "{x": a literal '{' */
    b = a;
    if (ps->p[i] == ',') {
        i++;
        size_t d2 = 0;
        b = 0;
        while (i < ps->len && ps->p[i] >= '0' && ps->p[i] <= '9' && d2 < 6) {
            b = b * 10 + (uint64_t)(ps->p[i++] - '0');
            d2++;
        }
        if (d2 == 0)
            b = REPEAT_INF;
    }
    if (i >= ps->len || ps->p[i] != '}')
        return false;
    *min = (uint32_t)a;
    *max = (uint32_t)b;
    ps->pos = i + 1;
    return true;
}

/* One atom with its quantifiers; NULL when nothing matchable was read (an
 * option setting, a comment) or on bail. */
static rnode *parse_atom(parser *ps, bool *stop)
{
    skip_extended(ps);
    int c = peek(ps);
    rnode *n = NULL;
    *stop = false;
    if (c < 0 || c == '|' || c == ')') {
        *stop = true;
        return NULL;
    }
    ps->pos++;
    switch (c) {
    case '(': n = parse_group(ps); break;
    case '[': n = parse_class(ps); break;
    case '^':
    case '$': n = node_new(ps, N_ASSERT); break;
    case '.': {
        cset s = {{0}};
        if (!ps->dotall)
            cs_add(&s, '\n');
        cs_not(&s);
        n = node_new(ps, N_SET);
        if (n)
            n->set = s;
        break;
    }
    case '*':
    case '+':
    case '?':
        ps->bail = true; /* nothing to repeat: PCRE2 refuses it; not ours to judge */
        return NULL;
    case '\\': {
        int l = peek(ps);
        cset ec;
        if (l < 0) {
            ps->bail = true;
            return NULL;
        }
        if (cs_escape_class(l, &ec)) {
            ps->pos++;
            n = node_new(ps, N_SET);
            if (n)
                n->set = ec;
        } else if (l == 'R') {
            ps->pos++;
            cset nl = {{0}};
            cs_range(&nl, '\n', '\r');
            cs_add(&nl, 0x85);
            n = node_new(ps, N_SET);
            if (n)
                n->set = nl;
        } else if (strchr("bBAzZG", l)) {
            ps->pos++;
            n = node_new(ps, N_ASSERT);
        } else if (l == 'K' || l == 'E') {
            ps->pos++;
            return NULL;
        } else if (l == 'Q') {
            ps->bail = true; /* handled by parse_seq */
            return NULL;
        } else {
            int b = escape_byte(ps, false);
            if (b < 0) {
                ps->bail = true;
                return NULL;
            }
            n = char_node(ps, (unsigned)b);
        }
        break;
    }
    default: n = char_node(ps, (unsigned)c); break;
    }
    if (ps->bail || !n)
        return NULL;
    for (;;) {
        skip_extended(ps);
        size_t qpos = ps->pos;
        uint32_t min = 0, max = 0;
        if (!parse_quantifier(ps, &min, &max))
            break;
        rnode *r = node_new(ps, N_REPEAT);
        if (!r)
            return NULL;
        r->child = n;
        r->min = min;
        r->max = max;
        r->offset = qpos;
        if (peek(ps) == '+') {
            r->possessive = true;
            ps->pos++;
        } else if (peek(ps) == '?') {
            ps->pos++; /* lazy: fails just as slowly */
        }
        n = r;
    }
    return n;
}

/* A sequence up to '|' or ')' or the end. */
static rnode *parse_seq(parser *ps)
{
    rnode *seq = node_new(ps, N_SEQ);
    while (seq && !ps->bail) {
        skip_extended(ps);
        if (ps->pos + 1 < ps->len && ps->p[ps->pos] == '\\' && ps->p[ps->pos + 1] == 'Q') {
            /* \Q...\E: literal bytes; a quantifier after it repeats the last */
            ps->pos += 2;
            const char *end = NULL;
            for (size_t i = ps->pos; i + 1 < ps->len && !end; i++)
                if (ps->p[i] == '\\' && ps->p[i + 1] == 'E')
                    end = ps->p + i;
            size_t stop = end ? (size_t)(end - ps->p) : ps->len;
            for (size_t i = ps->pos; i < stop; i++) {
                rnode *ch = char_node(ps, (unsigned char)ps->p[i]);
                if (!ch)
                    break;
                node_push(seq, ch);
            }
            ps->pos = end ? stop + 2 : stop;
            if (peek(ps) == '*' || peek(ps) == '+' || peek(ps) == '?' || peek(ps) == '{')
                ps->bail = true; /* a quantified \Q...\E: not modelled */
            continue;
        }
        bool stop = false;
        rnode *a = parse_atom(ps, &stop);
        if (stop || ps->bail)
            break;
        if (a)
            node_push(seq, a);
    }
    return seq;
}

static rnode *parse_alt(parser *ps)
{
    rnode *first = parse_seq(ps);
    if (ps->bail || peek(ps) != '|')
        return first;
    rnode *alt = node_new(ps, N_ALT);
    if (!alt)
        return NULL;
    node_push(alt, first);
    while (!ps->bail && peek(ps) == '|') {
        ps->pos++;
        rnode *s = parse_seq(ps);
        if (!s)
            break;
        node_push(alt, s);
    }
    return alt;
}

/* ---- properties ---- */

static bool nullable(const rnode *n)
{
    switch (n->kind) {
    case N_SET: return false;
    case N_SEQ:
        for (size_t i = 0; i < n->n; i++)
            if (!nullable(n->kids[i]))
                return false;
        return true;
    case N_ALT:
        for (size_t i = 0; i < n->n; i++)
            if (nullable(n->kids[i]))
                return true;
        return false;
    case N_REPEAT: return n->min == 0 || nullable(n->child);
    case N_ATOMIC: return nullable(n->child);
    default: return true; /* empty, assertions, lookarounds: zero width */
    }
}

/* Does n always succeed on the empty string (nothing in it can fail)? */
static bool never_fails(const rnode *n)
{
    switch (n->kind) {
    case N_EMPTY: return true;
    case N_SEQ:
        for (size_t i = 0; i < n->n; i++)
            if (!never_fails(n->kids[i]))
                return false;
        return true;
    case N_ALT:
        for (size_t i = 0; i < n->n; i++)
            if (never_fails(n->kids[i]))
                return true;
        return false;
    case N_REPEAT: return n->min == 0 || never_fails(n->child);
    case N_ATOMIC: return never_fails(n->child);
    default: return false; /* a character, an assertion, a lookaround */
    }
}

/* Every byte n can consume. */
static void chars(const rnode *n, cset *out)
{
    switch (n->kind) {
    case N_SET: cs_or(out, &n->set); break;
    case N_SEQ:
    case N_ALT:
        for (size_t i = 0; i < n->n; i++)
            chars(n->kids[i], out);
        break;
    case N_REPEAT:
        if (n->max > 0)
            chars(n->child, out);
        break;
    case N_ATOMIC: chars(n->child, out); break;
    default: break; /* lookarounds consume nothing */
    }
}

/* The bytes a non-empty match of n can start with. */
static void first_chars(const rnode *n, cset *out)
{
    switch (n->kind) {
    case N_SET: cs_or(out, &n->set); break;
    case N_SEQ:
        for (size_t i = 0; i < n->n; i++) {
            first_chars(n->kids[i], out);
            if (!nullable(n->kids[i]))
                break;
        }
        break;
    case N_ALT:
        for (size_t i = 0; i < n->n; i++)
            first_chars(n->kids[i], out);
        break;
    case N_REPEAT:
        if (n->max > 0)
            first_chars(n->child, out);
        break;
    case N_ATOMIC: first_chars(n->child, out); break;
    default: break;
    }
}

/* Can n match some text made only of bytes in s (the empty text counts)? */
static bool over(const rnode *n, const cset *s)
{
    switch (n->kind) {
    case N_SET: return cs_meets(&n->set, s);
    case N_SEQ:
        for (size_t i = 0; i < n->n; i++)
            if (!over(n->kids[i], s))
                return false;
        return true;
    case N_ALT:
        for (size_t i = 0; i < n->n; i++)
            if (over(n->kids[i], s))
                return true;
        return false;
    case N_REPEAT: return n->min == 0 || over(n->child, s);
    case N_ATOMIC: return over(n->child, s);
    default: return true;
    }
}

/* A repeat that can take a varying number of iterations and give some back. */
static bool variable_repeat(const rnode *n)
{
    if (n->kind != N_REPEAT || n->possessive || n->max <= n->min)
        return false;
    cset c = {{0}};
    chars(n->child, &c);
    return !cs_is_empty(&c);
}

/* ---- the search ---- */

typedef struct {
    const rnode *body; /* the outer repeat's body */
    const char *what;  /* set when the body is ambiguous */
} ambiguity;

/* Can two alternatives of alt match one text? (Same first byte, and each
 * can be made of the other's bytes.) */
static bool alternatives_overlap(const rnode *alt)
{
    for (size_t i = 0; i < alt->n; i++)
        for (size_t j = i + 1; j < alt->n; j++) {
            cset fi = {{0}}, fj = {{0}}, ci = {{0}}, cj = {{0}};
            first_chars(alt->kids[i], &fi);
            first_chars(alt->kids[j], &fj);
            if (!cs_meets(&fi, &fj))
                continue;
            chars(alt->kids[i], &ci);
            chars(alt->kids[j], &cj);
            if (over(alt->kids[i], &cj) && over(alt->kids[j], &ci))
                return true;
        }
    return false;
}

/* In a sequence: two repeats over shared bytes with nothing between them
 * that needs another byte (\w+\d+, a+a+). */
static bool adjacent_repeats_overlap(const rnode *seq)
{
    for (size_t i = 0; i < seq->n; i++) {
        if (!variable_repeat(seq->kids[i]))
            continue;
        cset ci = {{0}};
        chars(seq->kids[i]->child, &ci);
        for (size_t j = i + 1; j < seq->n; j++) {
            const rnode *k = seq->kids[j];
            if (variable_repeat(k)) {
                cset cj = {{0}};
                chars(k->child, &cj);
                cset both = cs_and(&ci, &cj);
                bool between_ok = !cs_is_empty(&both);
                for (size_t m = i + 1; m < j && between_ok; m++)
                    between_ok = over(seq->kids[m], &both);
                if (between_ok)
                    return true;
            }
            if (!over(k, &ci))
                break; /* a byte the first repeat cannot take separates them */
        }
    }
    return false;
}

/* Walks the parts of a's body that backtracking can re-enter (not atomic
 * groups, possessive repeats or lookarounds) looking for ambiguity. */
static void find_ambiguity(ambiguity *a, const rnode *n)
{
    if (a->what)
        return;
    switch (n->kind) {
    case N_REPEAT:
        if (n->possessive)
            return;
        if (variable_repeat(n)) {
            cset s = {{0}};
            chars(n->child, &s);
            if (over(a->body, &s)) {
                a->what = "nested quantifier";
                return;
            }
        }
        find_ambiguity(a, n->child);
        return;
    case N_ALT:
        if (alternatives_overlap(n)) {
            a->what = "overlapping alternatives in a repeated group";
            return;
        }
        for (size_t i = 0; i < n->n; i++)
            find_ambiguity(a, n->kids[i]);
        return;
    case N_SEQ:
        if (adjacent_repeats_overlap(n)) {
            a->what = "adjacent quantifiers over the same characters in a repeated group";
            return;
        }
        for (size_t i = 0; i < n->n; i++)
            find_ambiguity(a, n->kids[i]);
        return;
    default: return;
    }
}

/* Looks at every repeat under n; fail_after: something after n (in the
 * same backtracking scope) can fail, which is what makes a repeat re-split
 * its text. */
static bool search(const rnode *n, bool fail_after, ld_regex_risk *why)
{
    switch (n->kind) {
    case N_SEQ: {
        bool later_fails = fail_after;
        /* from the end: whether anything after kid i can fail */
        bool *after = ld_xcalloc(n->n ? n->n : 1, sizeof(*after));
        for (size_t i = n->n; i-- > 0;) {
            after[i] = later_fails;
            later_fails = later_fails || !never_fails(n->kids[i]);
        }
        bool hit = false;
        for (size_t i = 0; i < n->n && !hit; i++)
            hit = search(n->kids[i], after[i], why);
        free(after);
        return hit;
    }
    case N_ALT:
        for (size_t i = 0; i < n->n; i++)
            if (search(n->kids[i], fail_after, why))
                return true;
        return false;
    case N_REPEAT: {
        bool loop = n->max > 1 && (n->max == REPEAT_INF || n->max >= RISK_REPEAT_MANY);
        if (loop && !n->possessive && fail_after) {
            ambiguity a = {.body = n->child};
            find_ambiguity(&a, n->child);
            if (a.what) {
                if (why) {
                    why->offset = n->offset;
                    why->what = a.what;
                }
                return true;
            }
        }
        bool body_fail = !n->possessive && (fail_after || (n->min >= 2 && !never_fails(n->child)));
        return search(n->child, body_fail, why);
    }
    case N_ATOMIC:
    case N_LOOK: return search(n->child, false, why);
    default: return false;
    }
}

bool ld_regex_exponential(const char *regex, ld_regex_risk *why)
{
    if (!regex)
        return false;
    parser ps = {.p = regex, .len = strlen(regex)};
    rnode *root = parse_alt(&ps);
    bool hit = false;
    if (root && !ps.bail && at_end(&ps))
        hit = search(root, false, why);
    for (rnode *n = ps.all; n;) {
        rnode *next = n->next_alloc;
        free(n->kids);
        free(n);
        n = next;
    }
    return hit;
}
