/* The secret scanner: one pass of the keyword automaton over a file, then
 * each hit rule's regex on the lines around its keyword (never the whole
 * file), entropy and allow rules on the captured secret, and a masked
 * excerpt. The secret bytes of a scanned file are only read here: hits
 * carry masked excerpts. The same pass, with every rule and no allow
 * rules, gives secret_mask.c the spans to mask in text lockdown prints.
 * Bounded on hostile content: a rule whose regex hits a limit or its time
 * budget stops for the rest of the file (and says so), one secret position
 * is looked up in constant time, and a file lists at most
 * LD_SECRET_HITS_PER_FILE hits (more are counted).
 * Not for building rule sets (secret_rules.c) or for reporting
 * (image_scan.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
    free(h->stopped);
    free(h->unlisted);
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

/* Slots of the table from a secret's offset to its listed hit: twice the
 * most hits a file lists, so the open addressing stays short. */
#define HIT_SLOTS (2 * LD_SECRET_HITS_PER_FILE)

typedef struct {
    const ld_secret_ruleset *rs;
    const char *path; /* NULL: masking (every rule, no entropy or allow rules; spans only) */
    const uint8_t *data;
    size_t len;
    pcre2_match_data *md;
    size_t *scanned_to; /* per rule: end of the last window its regex saw */
    signed char *active; /* per rule: -1 unknown, 0 path excludes, 1 runs, 2 stopped */
    uint64_t *spent_ns;  /* per rule: regex time on this content (coarse clock) */
    ld_secret_hits *out; /* NULL when masking */
    size_t first_hit;    /* index in out of this file's first hit */
    uint32_t *slots;     /* offset -> 1 + index of this file's hit in out (0: free) */
    uint8_t *beyond;     /* a bit per byte offset: a position counted past the cap */
    size_t *beyond_rule; /* per rule: positions it counted past the cap */
    secret_spans *spans; /* masking: every match */
    size_t *incomplete;  /* rules that stopped early */
} scan_ctx;

static size_t slot_of(size_t off)
{
    uint64_t x = (uint64_t)off * 0x9E3779B97F4A7C15ull; /* Fibonacci hashing */
    return (size_t)(x >> 32) % HIT_SLOTS;
}

/* The listed hit of this file at off, or NULL; *slot: where it is or would go. */
static ld_secret_hit *listed_at(scan_ctx *c, size_t off, size_t *slot)
{
    size_t i = slot_of(off);
    while (c->slots[i]) {
        ld_secret_hit *h = &c->out->v[c->first_hit + c->slots[i] - 1];
        if (h->offset == off) {
            *slot = i;
            return h;
        }
        i = (i + 1) % HIT_SLOTS;
    }
    *slot = i;
    return NULL;
}

/* Counts a secret position past the per-file cap once (two rules may
 * match the same one: the first to find it counts it). */
static void count_beyond_cap(scan_ctx *c, size_t rule, size_t off)
{
    if (!c->beyond) {
        c->beyond = ld_xcalloc(c->len / 8 + 1, 1);
        c->beyond_rule = ld_xcalloc(c->rs->n_rules, sizeof(*c->beyond_rule));
    }
    uint8_t bit = (uint8_t)(1u << (off % 8));
    if (!(c->beyond[off / 8] & bit)) {
        c->beyond[off / 8] |= bit;
        c->beyond_rule[rule]++;
        c->out->more++;
    }
}

/* Hands the per-rule counts past the cap to the caller. */
static void report_unlisted(scan_ctx *c)
{
    ld_secret_hits *h = c->out;
    for (size_t r = 0; c->beyond_rule && r < c->rs->n_rules; r++) {
        if (!c->beyond_rule[r])
            continue;
        const secret_rule *rule = &c->rs->rules[r];
        ld_xgrow(&h->unlisted, &h->cap_unlisted, h->n_unlisted + 1, sizeof(*h->unlisted));
        h->unlisted[h->n_unlisted++] =
            (ld_secret_unlisted){rule->id, rule->description, rule->severity, c->beyond_rule[r]};
    }
}

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
    ld_secret_hits *h = c->out;
    if (!c->slots)
        c->slots = ld_xcalloc(HIT_SLOTS, sizeof(*c->slots));
    size_t slot = 0;
    ld_secret_hit *hit = listed_at(c, off, &slot);
    /* one finding per secret: the more specific rule (earlier in the set:
     * provider rules come before the generic ones) names it */
    if (hit && hit->rule_index <= rule)
        return;
    if (!hit && h->n - c->first_hit >= LD_SECRET_HITS_PER_FILE) {
        /* the file fails already: past the cap a match only counts, and
         * allow rules (regexes per hit) are not run for it */
        count_beyond_cap(c, rule, off);
        return;
    }
    if (allowed(c->rs, r, c->path, sec, n, c->md))
        return;
    if (!hit) {
        ld_xgrow(&h->v, &h->cap, h->n + 1, sizeof(*h->v));
        hit = &h->v[h->n++];
        c->slots[slot] = (uint32_t)(h->n - c->first_hit);
    }
    memset(hit, 0, sizeof(*hit));
    hit->rule_index = rule;
    hit->rule_id = r->id;
    hit->description = r->description;
    hit->severity = r->severity;
    hit->offset = off;
    ld_secret_mask((const char *)sec, n, hit->masked);
}

static const char *limit_reason(int rc)
{
    switch (rc) {
    case PCRE2_ERROR_MATCHLIMIT: return "match limit";
    case PCRE2_ERROR_DEPTHLIMIT: return "depth limit";
    case PCRE2_ERROR_HEAPLIMIT: return "heap limit";
    case PCRE2_ERROR_JIT_STACKLIMIT: return "JIT stack limit";
    case PCRE2_ERROR_NOMEMORY: return "out of memory";
    default: return "error";
    }
}

/* The rule runs no more on this content: what it has not searched yet is
 * not searched, and the caller is told which rule and why. */
static void stop_rule(scan_ctx *c, size_t rule, const char *reason)
{
    c->active[rule] = 2;
    (*c->incomplete)++;
    if (!c->out)
        return;
    ld_secret_hits *h = c->out;
    ld_xgrow(&h->stopped, &h->cap_stopped, h->n_stopped + 1, sizeof(*h->stopped));
    h->stopped[h->n_stopped++] = (ld_secret_stopped){c->rs->rules[rule].id, reason};
}

/* A coarse monotonic clock (a few ms resolution, about 10 ns a read); 0
 * where there is none, which turns the time budget off. */
static uint64_t coarse_ns(void)
{
    struct timespec t = {0};
    if (clock_gettime(CLOCK_MONOTONIC_COARSE, &t) != 0)
        return 0;
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
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
    const uint64_t budget = (uint64_t)SECRET_RULE_TIME_BUDGET_MS * 1000000u;
    while (off < hi) {
        uint64_t t0 = coarse_ns(); /* the regex's time only, not the hits' checks */
        int rc = pcre2_match(r->re, (PCRE2_SPTR)d, hi, off, 0, c->md, r->mctx);
        c->spent_ns[rule] += coarse_ns() - t0;
        if (rc == PCRE2_ERROR_NOMATCH)
            break;
        if (rc < 0) {
            /* a limit hit on hostile content (or no memory): this rule has
             * not searched the rest of the content; the caller must know */
            stop_rule(c, rule, limit_reason(rc));
            return;
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
        if (c->spent_ns[rule] > budget)
            break;
    }
    if (c->spent_ns[rule] > budget)
        stop_rule(c, rule, "time budget");
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

/* Keyword hits are found and handled a block at a time, so the hits held
 * at once stay bounded (a file of one repeated keyword has a hit per byte). */
#define KW_BLOCK ((size_t)256 << 10)

/* Runs the automaton over one block data[from..to) as two interleaved
 * streams, so the two dependent table-lookup chains overlap in the CPU:
 * stream A over [from, mid), stream B over [mid, to). Each starts
 * max_keyword - 1 bytes early (no hits kept there) so keywords that end in
 * its part are seen whole. Hits of A go to a, of B to b, in position order. */
static void find_keywords(const ld_secret_ruleset *rs, const uint8_t *data, size_t from, size_t to,
                          kw_hits *a, kw_hits *b)
{
    const uint16_t *delta = rs->delta;
    const uint8_t *has_out = rs->has_out;
    const uint8_t *cls = rs->cls;
    const unsigned shift = rs->class_shift;
    size_t back = rs->max_keyword ? rs->max_keyword - 1 : 0;
    size_t mid = from + (to - from) / 2;
    uint32_t sa = 0;
    for (size_t i = from > back ? from - back : 0; i < from; i++) /* warm-up */
        sa = delta[((size_t)sa << shift) | cls[data[i]]];
    if (to - from < 4096 || mid - from <= back) {
        for (size_t i = from; i < to; i++) {
            sa = delta[((size_t)sa << shift) | cls[data[i]]];
            if (has_out[sa])
                kw_push(a, i, sa);
        }
        return;
    }
    uint32_t sb = 0;
    for (size_t j = mid - back; j < mid; j++) /* warm-up */
        sb = delta[((size_t)sb << shift) | cls[data[j]]];
    size_t j = mid; /* stream B has at least as many steps as A */
    for (size_t i = from; i < mid; i++, j++) {
        sa = delta[((size_t)sa << shift) | cls[data[i]]];
        sb = delta[((size_t)sb << shift) | cls[data[j]]];
        if (__builtin_expect(has_out[sa], 0))
            kw_push(a, i, sa);
        if (__builtin_expect(has_out[sb], 0))
            kw_push(b, j, sb);
    }
    for (; j < to; j++) {
        sb = delta[((size_t)sb << shift) | cls[data[j]]];
        if (has_out[sb])
            kw_push(b, j, sb);
    }
}

/* Runs the rules of keyword hit kh (once a rule's path limit is known). */
static void handle_keyword(scan_ctx *c, const kw_hit *kh)
{
    const ld_secret_ruleset *rs = c->rs;
    const uint16_t *o = rs->out_rules + rs->out_start[kh->state];
    for (uint16_t k = 0; k < rs->out_n[kh->state]; k++) {
        size_t r = o[k];
        if (c->active[r] < 0) {
            /* a path regex that cannot finish (a limit) runs the rule:
             * looking at a file too many is the safe mistake */
            int m = rs->rules[r].path_re ? pcre2_match(rs->rules[r].path_re, (PCRE2_SPTR)c->path,
                                                       strlen(c->path), 0, 0, c->md, rs->mctx)
                                         : 0;
            c->active[r] = m != PCRE2_ERROR_NOMATCH;
        }
        if (c->active[r] == 1)
            run_rule(c, r, kh->pos);
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
    int rc = 0;
    bool ready = false, skip = false;
    for (size_t from = 0; from < c->len && !skip; from += KW_BLOCK) {
        size_t to = c->len - from > KW_BLOCK ? from + KW_BLOCK : c->len;
        ka.n = kb.n = 0;
        find_keywords(rs, c->data, from, to, &ka, &kb);
        if (ka.n + kb.n == 0)
            continue;
        if (!ready) { /* the first keyword: what the regexes need */
            c->md = pcre2_match_data_create(12, NULL);
            c->scanned_to = calloc(rs->n_rules, sizeof(*c->scanned_to));
            c->active = malloc(rs->n_rules);
            c->spent_ns = calloc(rs->n_rules, sizeof(*c->spent_ns));
            if (!c->md || !c->scanned_to || !c->active || !c->spent_ns) {
                rc = ld_error_set(err, LD_ERR_NOMEM, "%s: out of memory scanning for secrets",
                                  c->path ? c->path : "text");
                break;
            }
            /* masking runs every rule wherever its path limit points */
            memset(c->active, c->path ? -1 : 1, rs->n_rules);
            skip = c->path && path_allowed(rs, c->path, c->md);
            ready = true;
        }
        for (size_t h = 0; !skip && h < ka.n; h++) /* position order: A, then B */
            handle_keyword(c, &ka.v[h]);
        for (size_t h = 0; !skip && h < kb.n; h++)
            handle_keyword(c, &kb.v[h]);
    }
    if (c->out)
        report_unlisted(c);
    free(ka.v);
    free(kb.v);
    pcre2_match_data_free(c->md);
    free(c->scanned_to);
    free(c->active);
    free(c->spent_ns);
    free(c->slots);
    free(c->beyond);
    free(c->beyond_rule);
    c->beyond_rule = NULL;
    c->md = NULL;
    c->scanned_to = NULL;
    c->active = NULL;
    c->spent_ns = NULL;
    c->slots = NULL;
    c->beyond = NULL;
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
