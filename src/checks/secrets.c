/* The secret scanner: one pass of the keyword automaton over a file, then
 * each hit rule's regex on the lines around its keyword (never the whole
 * file), entropy and allow rules on the captured secret, and a masked
 * excerpt. The secret bytes of a scanned file are only read here: hits
 * carry masked excerpts. The same pass, with every rule and no allow
 * rules, gives secret_mask.c the spans to mask in text lockdown prints.
 * Not for building rule sets (secret_rules.c) or for reporting
 * (image_scan.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checks/secret_rules.h"
#include "util/mem.h"

bool ld_secret_looks_binary(const uint8_t *data, size_t len)
{
    return memchr(data, 0, len < LD_SECRET_BINARY_PROBE ? len : LD_SECRET_BINARY_PROBE) != NULL;
}

void ld_secret_mask(const char *s, size_t n, char out[LD_SECRET_MASK_MAX])
{
    size_t show = n >= 16 ? 4 : n >= 8 ? 2 : 0;
    size_t stars = n - show;
    if (stars > 16)
        stars = 16;
    if (stars < 4)
        stars = 4;
    size_t o = 0;
    for (size_t i = 0; i < show; i++) {
        unsigned char c = (unsigned char)s[i];
        out[o++] = (c < 0x21 || c > 0x7e) ? '?' : (char)c;
    }
    for (size_t i = 0; i < stars && o + 1 < LD_SECRET_MASK_MAX; i++)
        out[o++] = '*';
    out[o] = '\0';
}

void ld_secret_hits_clear(ld_secret_hits *h)
{
    free(h->v);
    memset(h, 0, sizeof(*h));
}

static double shannon(const uint8_t *s, size_t n)
{
    if (n == 0)
        return 0;
    unsigned counts[256] = {0};
    for (size_t i = 0; i < n; i++)
        counts[s[i]]++;
    double h = 0;
    for (int i = 0; i < 256; i++)
        if (counts[i]) {
            double p = (double)counts[i] / (double)n;
            h -= p * log2(p);
        }
    return h;
}

/* Decodes the base64url segment s[0..n) (no padding) into out (at most
 * cap bytes); returns the decoded length, or -1 on a bad character, a
 * bad length or more than cap bytes. */
static long base64url_decode(const uint8_t *s, size_t n, uint8_t *out, size_t cap)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    if (n % 4 == 1)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int v = s[i] >= 'A' && s[i] <= 'Z'   ? s[i] - 'A'
                : s[i] >= 'a' && s[i] <= 'z' ? s[i] - 'a' + 26
                : s[i] >= '0' && s[i] <= '9' ? s[i] - '0' + 52
                : s[i] == '-'                ? 62
                : s[i] == '_'                ? 63
                                             : -1;
        if (v < 0)
            return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o == cap)
                return -1;
            out[o++] = (uint8_t)(acc >> bits);
        }
    }
    return (long)o;
}

/* Is seg[0..n) base64url of a JSON object ('{' ... '}', whitespace
 * around), holding key (quoted) when key is not NULL? */
static bool jwt_segment_is_object(const uint8_t *seg, size_t n, const char *key)
{
    uint8_t buf[2048];
    long len = base64url_decode(seg, n, buf, sizeof(buf));
    if (len < 2)
        return false;
    size_t a = 0, b = (size_t)len;
    while (a < b && (buf[a] == ' ' || buf[a] == '\t' || buf[a] == '\r' || buf[a] == '\n'))
        a++;
    while (b > a && (buf[b - 1] == ' ' || buf[b - 1] == '\t' || buf[b - 1] == '\r' ||
                     buf[b - 1] == '\n'))
        b--;
    if (b - a < 2 || buf[a] != '{' || buf[b - 1] != '}')
        return false;
    return !key || memmem(buf + a, b - a, key, strlen(key)) != NULL;
}

/* A JSON Web Token: header.payload.signature, the header a JSON object
 * naming its "alg", the payload a JSON object (RFC 7519; nested JWE
 * payloads are not objects, and are not what the jwt rule is for). */
static bool jwt_plausible(const uint8_t *s, size_t n)
{
    const uint8_t *dot1 = memchr(s, '.', n);
    if (!dot1)
        return false;
    size_t hlen = (size_t)(dot1 - s);
    const uint8_t *p = dot1 + 1;
    const uint8_t *dot2 = memchr(p, '.', n - hlen - 1);
    if (!dot2)
        return false;
    return jwt_segment_is_object(s, hlen, "\"alg\"") &&
           jwt_segment_is_object(p, (size_t)(dot2 - p), NULL);
}

static bool re_matches(const pcre2_code *re, const char *s, size_t n, pcre2_match_data *md,
                       pcre2_match_context *mctx)
{
    return pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, mctx) >= 0;
}

/* Does an allow rule (path-only ones are handled per file) drop this secret? */
static bool allowed(const ld_secret_ruleset *rs, const secret_rule *rule, const char *path,
                    const uint8_t *sec, size_t n, pcre2_match_data *md)
{
    for (size_t i = 0; i < rs->n_allow; i++) {
        const secret_allow *a = &rs->allow[i];
        if (a->rule_id && strcmp(a->rule_id, rule->id) != 0)
            continue;
        if (a->path_re && !re_matches(a->path_re, path, strlen(path), md, rs->mctx))
            continue;
        if (a->re && !re_matches(a->re, (const char *)sec, n, md, rs->mctx))
            continue;
        return true;
    }
    return false;
}

/* A file covered by an allow rule with a path and nothing else is skipped. */
static bool path_allowed(const ld_secret_ruleset *rs, const char *path, pcre2_match_data *md)
{
    for (size_t i = 0; i < rs->n_allow; i++) {
        const secret_allow *a = &rs->allow[i];
        if (!a->rule_id && !a->re && a->path_re &&
            re_matches(a->path_re, path, strlen(path), md, rs->mctx))
            return true;
    }
    return false;
}

typedef struct {
    const ld_secret_ruleset *rs;
    const char *path; /* NULL: masking (every rule, no entropy or allow rules; spans only) */
    const uint8_t *data;
    size_t len;
    pcre2_match_data *md;
    size_t *scanned_to; /* per rule: end of the last window its regex saw */
    signed char *active; /* per rule: -1 unknown, 0 path excludes, 1 runs */
    ld_secret_hits *out; /* NULL when masking */
    size_t first_hit;    /* index in out of this file's first hit */
    secret_spans *spans; /* masking: every match */
    size_t *incomplete;  /* windows a regex could not finish */
} scan_ctx;

static void add_hit(scan_ctx *c, size_t rule, size_t off, size_t n)
{
    const secret_rule *r = &c->rs->rules[rule];
    const uint8_t *sec = c->data + off;
    if (c->spans) {
        ld_xgrow(&c->spans->v, &c->spans->cap, c->spans->n + 1, sizeof(*c->spans->v));
        c->spans->v[c->spans->n++] = (secret_span){off, off + n};
        return;
    }
    if (r->entropy > 0 && shannon(sec, n) < r->entropy)
        return;
    if (r->validate_jwt && !jwt_plausible(sec, n))
        return;
    if (allowed(c->rs, r, c->path, sec, n, c->md))
        return;
    ld_secret_hits *h = c->out;
    ld_secret_hit *hit = NULL;
    for (size_t i = c->first_hit; i < h->n && !hit; i++) {
        if (h->v[i].offset != off)
            continue;
        /* one finding per secret: the more specific rule (earlier in the
         * set: provider rules come before the generic ones) names it */
        if (h->v[i].rule_index <= rule)
            return;
        hit = &h->v[i];
    }
    if (!hit) {
        ld_xgrow(&h->v, &h->cap, h->n + 1, sizeof(*h->v));
        hit = &h->v[h->n++];
    }
    memset(hit, 0, sizeof(*hit));
    hit->rule_index = rule;
    hit->rule_id = r->id;
    hit->description = r->description;
    hit->severity = r->severity;
    hit->offset = off;
    ld_secret_mask((const char *)sec, n, hit->masked);
}

/* Runs rule's regex over the window around the keyword ending at pos. */
static void run_rule(scan_ctx *c, size_t rule, size_t pos)
{
    const secret_rule *r = &c->rs->rules[rule];
    if (pos < c->scanned_to[rule])
        return; /* this line was already searched for this rule */
    const uint8_t *d = c->data;
    size_t lo = pos, hi = pos;
    size_t back = 0;
    while (lo > 0 && d[lo - 1] != '\n' && back++ < SECRET_LINE_MAX)
        lo--;
    const uint8_t *nl = memchr(d + hi, '\n', c->len - hi < SECRET_LINE_MAX ? c->len - hi
                                                                          : SECRET_LINE_MAX);
    hi = nl ? (size_t)(nl - d) : (c->len - hi < SECRET_LINE_MAX ? c->len : hi + SECRET_LINE_MAX);
    lo = lo > r->window ? lo - r->window : 0;
    hi = c->len - hi > r->window ? hi + r->window : c->len;
    if (lo < c->scanned_to[rule])
        lo = c->scanned_to[rule];
    c->scanned_to[rule] = hi;
    size_t off = lo;
    while (off < hi) {
        int rc = pcre2_match(r->re, (PCRE2_SPTR)d, hi, off, 0, c->md, c->rs->mctx);
        if (rc == PCRE2_ERROR_NOMATCH)
            break;
        if (rc < 0) {
            /* a match limit hit on hostile content (or no memory): the
             * rest of this window was not searched; the caller must know */
            (*c->incomplete)++;
            break;
        }
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->md);
        size_t s = ov[0], e = ov[1];
        if (r->group > 0 && rc > r->group && ov[2 * r->group] != PCRE2_UNSET) {
            s = ov[2 * r->group];
            e = ov[2 * r->group + 1];
        }
        size_t next = ov[1] > off ? ov[1] : off + 1;
        if (e > s)
            add_hit(c, rule, s, e - s); /* reuses the match data */
        off = next;
    }
}

static int cmp_hit(const void *va, const void *vb)
{
    const ld_secret_hit *a = va, *b = vb;
    return (a->offset > b->offset) - (a->offset < b->offset);
}

/* Keyword hits: (end position, automaton state), in position order. */
typedef struct {
    size_t pos;
    uint32_t state;
} kw_hit;

typedef struct {
    kw_hit *v;
    size_t n, cap;
} kw_hits;

static void kw_push(kw_hits *h, size_t pos, uint32_t state)
{
    ld_xgrow(&h->v, &h->cap, h->n + 1, sizeof(*h->v));
    h->v[h->n++] = (kw_hit){pos, state};
}

/* Runs the automaton over data[0..len) as two interleaved streams, so the
 * two dependent table-lookup chains overlap in the CPU: stream A over
 * [0, mid), stream B from max_keyword - 1 bytes before mid (so keywords
 * ending at or after mid are seen whole) keeping hits at or after mid. */
static void find_keywords(const ld_secret_ruleset *rs, const uint8_t *data, size_t len,
                          kw_hits *a, kw_hits *b)
{
    const uint16_t *delta = rs->delta;
    const uint8_t *has_out = rs->has_out;
    const uint8_t *cls = rs->cls;
    const unsigned shift = rs->class_shift;
    size_t back = rs->max_keyword ? rs->max_keyword - 1 : 0;
    size_t mid = len / 2;
    if (len < 4096 || mid <= back) {
        uint32_t s = 0;
        for (size_t i = 0; i < len; i++) {
            s = delta[((size_t)s << shift) | cls[data[i]]];
            if (has_out[s])
                kw_push(a, i, s);
        }
        return;
    }
    size_t j = mid - back; /* stream B's start; it has more steps than A's mid */
    uint32_t sa = 0, sb = 0;
    for (size_t i = 0; i < mid; i++, j++) {
        sa = delta[((size_t)sa << shift) | cls[data[i]]];
        sb = delta[((size_t)sb << shift) | cls[data[j]]];
        if (__builtin_expect(has_out[sa], 0))
            kw_push(a, i, sa);
        if (__builtin_expect(has_out[sb], 0) && j >= mid)
            kw_push(b, j, sb);
    }
    for (; j < len; j++) {
        sb = delta[((size_t)sb << shift) | cls[data[j]]];
        if (has_out[sb] && j >= mid)
            kw_push(b, j, sb);
    }
}

/* The keyword pass and the rules' regexes around each keyword hit over
 * c->data; c names either out (a scan) or spans (masking: path NULL). */
static int scan_content(scan_ctx *c, ld_error *err)
{
    const ld_secret_ruleset *rs = c->rs;
    if (!rs->compiled)
        return ld_error_set(err, LD_ERR_GENERIC, "secret rules used before compilation");
    if (c->len == 0 || rs->n_states == 0)
        return 0;
    kw_hits ka = {0}, kb = {0};
    find_keywords(rs, c->data, c->len, &ka, &kb);
    if (ka.n + kb.n == 0)
        return 0;
    c->md = pcre2_match_data_create(12, NULL);
    c->scanned_to = calloc(rs->n_rules, sizeof(*c->scanned_to));
    c->active = malloc(rs->n_rules);
    int rc = 0;
    if (!c->md || !c->scanned_to || !c->active) {
        rc = ld_error_set(err, LD_ERR_NOMEM, "%s: out of memory scanning for secrets",
                          c->path ? c->path : "text");
        goto out;
    }
    /* masking runs every rule wherever its path limit points */
    memset(c->active, c->path ? -1 : 1, rs->n_rules);
    bool skip = c->path && path_allowed(rs, c->path, c->md);
    for (size_t h = 0; !skip && h < ka.n + kb.n; h++) {
        const kw_hit *kh = h < ka.n ? &ka.v[h] : &kb.v[h - ka.n]; /* position order */
        const uint16_t *o = rs->out_rules + rs->out_start[kh->state];
        for (uint16_t k = 0; k < rs->out_n[kh->state]; k++) {
            size_t r = o[k];
            if (c->active[r] < 0) {
                /* a path regex that cannot finish (a limit) runs the rule:
                 * looking at a file too many is the safe mistake */
                int m = rs->rules[r].path_re
                            ? pcre2_match(rs->rules[r].path_re, (PCRE2_SPTR)c->path,
                                          strlen(c->path), 0, 0, c->md, rs->mctx)
                            : 0;
                c->active[r] = m != PCRE2_ERROR_NOMATCH;
            }
            if (c->active[r])
                run_rule(c, r, kh->pos);
        }
    }
out:
    free(ka.v);
    free(kb.v);
    pcre2_match_data_free(c->md);
    free(c->scanned_to);
    free(c->active);
    c->md = NULL;
    c->scanned_to = NULL;
    c->active = NULL;
    return rc;
}

int ld_secret_scan(const ld_secret_ruleset *rs, const char *path, const uint8_t *data, size_t len,
                   ld_secret_hits *out, ld_error *err)
{
    scan_ctx c = {.rs = rs,
                  .path = path ? path : "",
                  .data = data,
                  .len = len,
                  .out = out,
                  .first_hit = out->n,
                  .incomplete = &out->incomplete};
    if (scan_content(&c, err) < 0)
        return -1;
    /* hits of this file by offset; line numbers in one pass */
    size_t n = out->n - c.first_hit;
    if (n == 0) /* out->v may still be NULL: no pointer arithmetic on it */
        return 0;
    ld_secret_hit *h = out->v + c.first_hit;
    if (n > 1)
        qsort(h, n, sizeof(*h), cmp_hit);
    size_t pos = 0;
    int line = 1;
    for (size_t i = 0; i < n; i++) {
        while (pos < h[i].offset) {
            const uint8_t *nl = memchr(data + pos, '\n', h[i].offset - pos);
            if (!nl) {
                pos = h[i].offset;
                break;
            }
            line++;
            pos = (size_t)(nl - data) + 1;
        }
        h[i].line = line;
    }
    return 0;
}

int ld_secret_scan_spans(const ld_secret_ruleset *rs, const uint8_t *data, size_t len,
                         secret_spans *spans, size_t *incomplete, ld_error *err)
{
    scan_ctx c = {.rs = rs, .data = data, .len = len, .spans = spans, .incomplete = incomplete};
    return scan_content(&c, err);
}
