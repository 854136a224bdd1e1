/* Table writer: the human report for a terminal. Grouping by tier needs
 * every finding, so each one is copied into a short row (text already made
 * safe for a terminal). At the end each tier prints its fails and warnings
 * first (then by severity), passes only as a count when there are many,
 * then compliance per level, notes and the gate line.
 * Not for machines: this writer sanitises and truncates to stay readable at
 * 100 columns; JSON, SARIF and JUnit carry every byte. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/report.h"
#include "core/report_common.h"
#include "util/mem.h"

#define TABLE_WIDTH 100
#define PASS_LIST_MAX 20 /* passes are listed only up to this many in total */
#define EVIDENCE_INDENT 6
#define EVIDENCE_LINES_MAX 4 /* evidence lines shown per finding */
#define CONTROL_COL_MAX 16
#define CIS_COL_MAX 12
#define TARGET_COL_MIN 24
#define TEXT_KEEP_MAX 1024     /* bytes of a title, target or reason kept per row */
#define EVIDENCE_KEEP_MAX 4096 /* bytes of evidence kept: more than four lines show */

#define ANSI_RESET "\033[0m"
#define ANSI_BOLD "\033[1m"
#define ANSI_DIM "\033[2m"
#define ANSI_RED "\033[31m"
#define ANSI_GREEN "\033[32m"
#define ANSI_YELLOW "\033[33m"
#define ANSI_MAGENTA "\033[35m"
#define ANSI_CYAN "\033[36m"

/* One finding as the table shows it; every string is terminal-safe UTF-8. */
typedef struct {
    const ld_control *control; /* borrowed from the catalog, which outlives the report */
    ld_status status;
    ld_severity severity;
    size_t seq; /* arrival order, to keep sorting stable */
    char *title;
    char *cis;
    char *target;       /* ld_target_describe() */
    char *target_short; /* name, else id: shown when the description does not fit */
    char *evidence;     /* NULL if none */
    char *exception;    /* NULL unless excepted */
} row;

typedef struct {
    row *v;
    size_t n, cap;
    size_t counts[LD_STATUS_COUNT]; /* non-excepted findings per status */
    size_t excepted;
} tier_rows;

typedef struct {
    tier_rows tiers[LD_TIER_COUNT];
    size_t passes;       /* pass findings seen, all tiers */
    bool passes_dropped; /* more than PASS_LIST_MAX: pass rows are counted, not kept */
    size_t seq;
    bool color;
} table_state;

/* ---- text: terminal-safe copies and width-bounded printing ---- */

typedef struct {
    char *p;
    size_t n, cap;
} buf;

static void buf_add(buf *b, const void *s, size_t n)
{
    ld_xgrow(&b->p, &b->cap, b->n + n + 1, 1);
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void buf_adds(buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

/* Code points a terminal must not receive from data: C0/C1 controls, DEL
 * (escape sequences) and bidirectional overrides (text that reads
 * differently from what it is). */
static bool unsafe_cp(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x200E || cp == 0x200F ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* A terminal-safe copy of at most the first max bytes of s (the table
 * never shows more; the cut shows as "…" when printed): invalid UTF-8 and
 * unsafe code points become U+FFFD, a tab a space; a newline is kept when
 * keep_newlines, else shown as " ⏎ ". NULL in, NULL out; caller frees. */
static char *term_clean(const char *s, bool keep_newlines, size_t max)
{
    if (!s)
        return NULL;
    buf b = {0};
    buf_add(&b, "", 0);
    size_t n = strnlen(s, max), i = 0;
    while (i < n) {
        const char *bytes;
        size_t len;
        uint32_t cp = ld_report_utf8_next(s, n, &i, &bytes, &len);
        if (cp == '\n')
            buf_adds(&b, keep_newlines ? "\n" : " \xE2\x8F\x8E ");
        else if (cp == '\t')
            buf_adds(&b, " ");
        else if (unsafe_cp(cp))
            buf_adds(&b, LD_UTF8_REPLACEMENT);
        else
            buf_add(&b, bytes, len); /* U+FFFD for invalid bytes included */
    }
    return b.p;
}

/* Display width of clean UTF-8 text, counted in code points. */
static size_t text_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* Display width of the first n bytes of clean UTF-8 text. */
static size_t text_width_n(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

/* Pointer just past the first `cols` code points of s (or its end). */
static const char *skip_cols(const char *s, size_t cols)
{
    while (*s && cols > 0) {
        s++;
        while (((unsigned char)*s & 0xC0) == 0x80)
            s++;
        cols--;
    }
    return s;
}

/* Prints s in exactly `width` columns when pad (else at most width): longer
 * text is cut to at most width-1 columns (trailing spaces dropped) and ends
 * with "…". */
static void put_fit(FILE *o, const char *s, size_t width, bool pad)
{
    size_t w = text_width(s);
    if (w > width && width > 0) {
        const char *end = skip_cols(s, width - 1);
        while (end > s && end[-1] == ' ')
            end--;
        fwrite(s, 1, (size_t)(end - s), o);
        fputs("\xE2\x80\xA6", o);
        w = text_width_n(s, (size_t)(end - s)) + 1;
    } else {
        fputs(s, o);
    }
    for (; pad && w < width; w++)
        fputc(' ', o);
}

/* Where to break a line that would end at `end` (width columns after s)
 * in the middle of a word: at the last space in its second half (the
 * caller skips it), or `end` itself when there is none (a long token is
 * cut). */
static const char *word_break(const char *s, const char *end, size_t width)
{
    const char *half = skip_cols(s, width / 2);
    for (const char *p = end; p > half; p--)
        if (p[-1] == ' ')
            return p - 1;
    return end;
}

/* Prints s in at most width columns, cutting out its middle ("regist…app:1.2")
 * when too long: the end of a reference or path tells targets apart. */
static void put_mid(FILE *o, const char *s, size_t width)
{
    size_t w = text_width(s);
    if (w <= width || width < 3) {
        put_fit(o, s, width, false);
        return;
    }
    size_t head = (width - 1) / 3, tail = width - 1 - head;
    fwrite(s, 1, (size_t)(skip_cols(s, head) - s), o);
    fputs("\xE2\x80\xA6", o);
    fputs(skip_cols(s, w - tail), o);
}

/* Prints clean text s (may hold newlines) wrapped at width columns, each
 * line indented by `indent` spaces, or for the first line by prefix (which
 * must print as `indent` columns) if not NULL; at most max_lines lines, the
 * last ending in "…" when text remains. */
static void put_wrapped(FILE *o, const char *s, const char *prefix, size_t indent, size_t width,
                        int max_lines)
{
    int lines = 0;
    while (*s && lines < max_lines) {
        if (*s == '\n') {
            s++;
            continue;
        }
        const char *end = s;
        size_t cols = 0;
        while (*end && *end != '\n' && cols < width) {
            end = skip_cols(end, 1);
            cols++;
        }
        if (cols == width && *end && *end != '\n' && *end != ' ')
            end = word_break(s, end, width);
        const char *rest = end;
        while (*rest == '\n')
            rest++;
        if (lines == 0 && prefix)
            fputs(prefix, o);
        else
            fprintf(o, "%*s", (int)indent, "");
        if (lines == max_lines - 1 && *rest) {
            const char *cut = cols < width ? end : skip_cols(s, width - 1);
            fwrite(s, 1, (size_t)(cut - s), o);
            fputs("\xE2\x80\xA6\n", o);
            return;
        }
        fwrite(s, 1, (size_t)(end - s), o);
        fputc('\n', o);
        s = end;
        if (*s == ' ')
            s++; /* the space a wrapped line broke at */
        lines++;
    }
}

/* ---- colours ---- */

static void color_on(const table_state *st, FILE *o, const char *code)
{
    if (st->color && code)
        fputs(code, o);
}

static void color_off(const table_state *st, FILE *o, const char *code)
{
    if (st->color && code)
        fputs(ANSI_RESET, o);
}

/* ---- collecting rows ---- */

static void row_clear(row *w)
{
    free(w->title);
    free(w->cis);
    free(w->target);
    free(w->target_short);
    free(w->evidence);
    free(w->exception);
}

static void drop_pass_rows(table_state *st)
{
    for (int t = 0; t < LD_TIER_COUNT; t++) {
        tier_rows *tr = &st->tiers[t];
        size_t kept = 0;
        for (size_t i = 0; i < tr->n; i++) {
            if (tr->v[i].status == LD_STATUS_PASS && !tr->v[i].exception)
                row_clear(&tr->v[i]);
            else
                tr->v[kept++] = tr->v[i];
        }
        tr->n = kept;
    }
    st->passes_dropped = true;
}

/* Whether a row should be kept for f; counts passes and drops the pass rows
 * once there are too many to list. */
static bool keep_row(table_state *st, const ld_finding *f)
{
    if (f->status != LD_STATUS_PASS || f->exception)
        return true;
    st->passes++;
    if (st->passes_dropped)
        return false;
    if (st->passes > PASS_LIST_MAX) {
        drop_pass_rows(st);
        return false;
    }
    return true;
}

/* The writer state, created on first use so a report that skipped begin
 * still prints. */
static table_state *state(ld_report *r)
{
    if (!r->writer_state) {
        table_state *st = ld_xcalloc(1, sizeof(*st));
        st->color = r->opt.color;
        r->writer_state = st;
    }
    return r->writer_state;
}

static int table_finding(ld_report *r, const ld_finding *f, ld_error *err)
{
    table_state *st = state(r);
    ld_tier tier = ld_report_tier(f);
    tier_rows *tr = &st->tiers[tier];
    if (f->exception)
        tr->excepted++;
    else
        tr->counts[f->status]++;
    if (!keep_row(st, f))
        return 0;
    ld_xgrow(&tr->v, &tr->cap, tr->n + 1, sizeof(*tr->v));
    row *w = &tr->v[tr->n++];
    memset(w, 0, sizeof(*w));
    w->control = f->control;
    w->status = f->status;
    w->severity = f->severity;
    w->seq = st->seq++;
    w->title = term_clean(ld_finding_title(f), false, TEXT_KEEP_MAX);
    char *cis = ld_strlist_join(&f->control->cis, ",");
    w->cis = term_clean(cis, false, TEXT_KEEP_MAX);
    free(cis);
    char *target = ld_target_describe(&f->target);
    w->target = term_clean(target, false, TEXT_KEEP_MAX);
    free(target);
    const char *name = f->target.name && f->target.name[0] ? f->target.name : f->target.id;
    w->target_short = term_clean(name ? name : "", false, TEXT_KEEP_MAX);
    w->evidence = term_clean(f->evidence, true, EVIDENCE_KEEP_MAX);
    w->exception = term_clean(f->exception, false, TEXT_KEEP_MAX);
    return 0;
}

/* ---- ordering and labels ---- */

/* Sort rank: what needs attention first. Excepted findings sit after
 * warnings whatever their status. */
static int row_rank(const row *w)
{
    if (w->exception)
        return 3;
    switch (w->status) {
    case LD_STATUS_FAIL: return 0;
    case LD_STATUS_ERROR: return 1;
    case LD_STATUS_WARN: return 2;
    case LD_STATUS_MANUAL: return 4;
    case LD_STATUS_INFO: return 5;
    case LD_STATUS_SKIPPED: return 6;
    case LD_STATUS_PASS:
    case LD_STATUS_COUNT: break;
    }
    return 7;
}

static int row_cmp(const void *a, const void *b)
{
    const row *x = a, *y = b;
    int rx = row_rank(x), ry = row_rank(y);
    if (rx != ry)
        return rx < ry ? -1 : 1;
    if (x->severity != y->severity)
        return x->severity > y->severity ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const char *status_label(const row *w)
{
    if (w->exception)
        return "EXCEPT";
    static const char *const labels[LD_STATUS_COUNT] = {"PASS",   "FAIL", "WARN", "INFO",
                                                        "MANUAL", "SKIP", "ERROR"};
    return (unsigned)w->status < LD_STATUS_COUNT ? labels[w->status] : "?";
}

static const char *status_color(const row *w)
{
    if (w->exception)
        return ANSI_DIM;
    switch (w->status) {
    case LD_STATUS_FAIL: return ANSI_RED;
    case LD_STATUS_ERROR: return ANSI_MAGENTA;
    case LD_STATUS_WARN: return ANSI_YELLOW;
    case LD_STATUS_PASS: return ANSI_GREEN;
    case LD_STATUS_MANUAL: return ANSI_CYAN;
    default: return NULL;
    }
}

static const char *severity_color(ld_severity s)
{
    if (s == LD_SEV_CRITICAL)
        return ANSI_BOLD ANSI_RED;
    if (s == LD_SEV_HIGH)
        return ANSI_RED;
    return s == LD_SEV_MEDIUM ? ANSI_YELLOW : NULL;
}

/* ---- printing a tier ---- */

typedef struct {
    size_t control, cis, title, target; /* target 0: one shared target, shown in the heading */
} widths;

#define FIXED_COLS (2 + 7 + 9 + 2 + 2) /* indent, status, severity, two gaps */
#define TARGET_GAP 2

static size_t min_sz(size_t a, size_t b)
{
    return a < b ? a : b;
}
static size_t max_sz(size_t a, size_t b)
{
    return a > b ? a : b;
}

/* The target every row of the tier shares, or NULL if they differ. */
static const char *shared_target(const tier_rows *tr)
{
    for (size_t i = 1; i < tr->n; i++)
        if (strcmp(tr->v[i].target, tr->v[0].target) != 0)
            return NULL;
    return tr->n ? tr->v[0].target : NULL;
}

/* Column widths for a tier: control and CIS columns as wide as their
 * longest value (capped). The title comes first: when all rows share a
 * target it gets the whole rest of the line, else the target column takes
 * what the longest title leaves, but at least TARGET_COL_MIN. */
static widths tier_widths(const tier_rows *tr)
{
    widths w = {1, 1, 1, 0};
    size_t title = 1, target = 1;
    for (size_t i = 0; i < tr->n; i++) {
        w.control = max_sz(w.control, text_width(tr->v[i].control->id));
        w.cis = max_sz(w.cis, text_width(tr->v[i].cis));
        title = max_sz(title, text_width(tr->v[i].title));
        target = max_sz(target, text_width(tr->v[i].target));
    }
    w.control = min_sz(w.control, CONTROL_COL_MAX);
    w.cis = min_sz(w.cis, CIS_COL_MAX);
    size_t avail = TABLE_WIDTH - FIXED_COLS - w.control - w.cis;
    if (!shared_target(tr)) {
        avail -= TARGET_GAP;
        w.target = min_sz(target, max_sz(TARGET_COL_MIN, avail > title ? avail - title : 0));
    }
    w.title = avail - w.target;
    return w;
}

static void print_row(const table_state *st, FILE *o, const row *w, const widths *cw)
{
    fputs("  ", o);
    color_on(st, o, status_color(w));
    fprintf(o, "%-7s", status_label(w));
    color_off(st, o, status_color(w));
    const char *sc = w->exception ? NULL : severity_color(w->severity);
    color_on(st, o, sc);
    fprintf(o, "%-9s", ld_severity_name(w->severity));
    color_off(st, o, sc);
    put_fit(o, w->control->id, cw->control, true);
    fputs("  ", o);
    put_fit(o, w->cis[0] ? w->cis : "-", cw->cis, true);
    fputs("  ", o);
    if (cw->target) {
        put_fit(o, w->title, cw->title, true);
        fputs("  ", o);
        bool fits = text_width(w->target) <= cw->target;
        put_mid(o, fits ? w->target : w->target_short, cw->target);
    } else {
        put_fit(o, w->title, cw->title, false);
    }
    fputc('\n', o);
    if (w->evidence && w->evidence[0]) {
        color_on(st, o, ANSI_DIM);
        put_wrapped(o, w->evidence, NULL, EVIDENCE_INDENT, TABLE_WIDTH - EVIDENCE_INDENT,
                    EVIDENCE_LINES_MAX);
        color_off(st, o, ANSI_DIM);
    }
    if (w->exception) {
        fprintf(o, "%*sexcepted: ", EVIDENCE_INDENT, "");
        put_fit(o, w->exception, TABLE_WIDTH - EVIDENCE_INDENT - 10, false);
        fputc('\n', o);
    }
}

/* "3 fail, 1 warn, 12 pass, 1 excepted": non-zero counts in rank order. */
static void print_tier_counts(FILE *o, const tier_rows *tr)
{
    static const ld_status order[] = {LD_STATUS_FAIL,   LD_STATUS_ERROR, LD_STATUS_WARN,
                                      LD_STATUS_MANUAL, LD_STATUS_INFO,  LD_STATUS_SKIPPED,
                                      LD_STATUS_PASS};
    const char *sep = "";
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        size_t n = tr->counts[order[i]];
        if (n == 0)
            continue;
        fprintf(o, "%s%zu %s", sep, n, ld_status_name(order[i]));
        sep = ", ";
    }
    if (tr->excepted)
        fprintf(o, "%s%zu excepted", sep, tr->excepted);
}

static size_t tier_total(const tier_rows *tr)
{
    size_t n = tr->excepted;
    for (int s = 0; s < LD_STATUS_COUNT; s++)
        n += tr->counts[s];
    return n;
}

static void print_tier(table_state *st, FILE *o, ld_tier t)
{
    tier_rows *tr = &st->tiers[t];
    color_on(st, o, ANSI_BOLD);
    for (const char *p = ld_tier_name(t); *p; p++)
        fputc(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p, o);
    color_off(st, o, ANSI_BOLD);
    fputs(" \xE2\x80\x94 ", o);
    print_tier_counts(o, tr);
    fputc('\n', o);
    qsort(tr->v, tr->n, sizeof(*tr->v), row_cmp);
    widths cw = tier_widths(tr);
    const char *target = shared_target(tr);
    if (target) {
        fputs("  target: ", o);
        put_fit(o, target, TABLE_WIDTH - 10, false);
        fputc('\n', o);
    }
    for (size_t i = 0; i < tr->n; i++)
        print_row(st, o, &tr->v[i], &cw);
    size_t passes = tr->counts[LD_STATUS_PASS];
    if (st->passes_dropped && passes > 0) {
        color_on(st, o, ANSI_GREEN);
        fprintf(o, "  %zu passed check%s not listed (--format json lists every finding)", passes,
                passes == 1 ? "" : "s");
        color_off(st, o, ANSI_GREEN);
        fputc('\n', o);
    }
    fputc('\n', o);
}

/* ---- header, compliance, notes, gate ---- */

static void print_header(const ld_report *r, FILE *o)
{
    const table_state *st = r->writer_state;
    char *command = term_clean(r->opt.command ? r->opt.command : "report", false, SIZE_MAX);
    char *scope = term_clean(r->opt.scope, false, SIZE_MAX);
    color_on(st, o, ANSI_BOLD);
    fprintf(o, "lockdown %s", command);
    color_off(st, o, ANSI_BOLD);
    if (scope && scope[0]) {
        size_t used = 11 + text_width(command);
        fputs(": ", o);
        put_fit(o, scope, used + 20 < TABLE_WIDTH ? TABLE_WIDTH - used : 20, false);
    }
    fputc('\n', o);
    char *source = term_clean(r->opt.level_source, false, SIZE_MAX);
    fprintf(o, "level %s%s%s%s\n\n", ld_level_name(r->opt.level), source ? " (from " : "",
            source ? source : "", source ? ")" : "");
    free(command);
    free(scope);
    free(source);
}

static void print_compliance_table(const ld_report *r, FILE *o)
{
    const table_state *st = r->writer_state;
    fprintf(o, "  %-9s %8s %8s %8s %9s %13s\n", "level", "required", "passed", "failed", "attested",
            "not assessed");
    for (int l = 0; l < LD_LEVEL_COUNT; l++) {
        ld_compliance c;
        ld_report_compliance(r, (ld_level)l, &c);
        bool in_force = (ld_level)l == r->opt.level;
        if (in_force)
            color_on(st, o, ANSI_BOLD);
        fprintf(o, "%c %-9s %8zu %8zu %8zu %9zu %13zu%s", in_force ? '>' : ' ',
                ld_level_name((ld_level)l), c.required, c.passed, c.failed, c.attested,
                c.not_assessed, in_force ? "  (in force)" : "");
        if (in_force)
            color_off(st, o, ANSI_BOLD);
        fputc('\n', o);
    }
}

static void print_failed_controls(const ld_report *r, FILE *o)
{
    const table_state *st = r->writer_state;
    const char *level = ld_level_name(r->opt.level);
    size_t n = 0, idw = 1;
    for (size_t i = 0; i < r->catalog->n; i++)
        idw = max_sz(idw, text_width(r->catalog->controls[i].id));
    idw = min_sz(idw, CONTROL_COL_MAX + 4);
    for (size_t i = 0; i < r->catalog->n; i++) {
        const ld_control *c = &r->catalog->controls[i];
        if (!ld_control_required(c, r->opt.level) ||
            ld_report_control_state(r, c) != LD_CTRL_FAILED)
            continue;
        if (n++ == 0)
            fprintf(o, "\nFailed controls required at level %s:\n", level);
        fputs("  ", o);
        color_on(st, o, ANSI_RED);
        put_fit(o, c->id, idw, true);
        color_off(st, o, ANSI_RED);
        fprintf(o, "  %-12s  ", ld_tier_name(c->tier));
        char *title = term_clean(c->title, false, SIZE_MAX);
        put_fit(o, title, TABLE_WIDTH - 2 - idw - 16, false);
        free(title);
        fputc('\n', o);
    }
    if (n == 0)
        fprintf(o, "\nNo control required at level %s failed.\n", level);
}

static void print_notes(const ld_report *r, FILE *o)
{
    if (r->notes.n == 0)
        return;
    fputs("\nNotes:\n", o);
    for (size_t i = 0; i < r->notes.n; i++) {
        char *note = term_clean(r->notes.v[i], false, SIZE_MAX);
        put_wrapped(o, note, "  - ", 4, TABLE_WIDTH - 4, INT_MAX);
        free(note);
    }
}

/* "gate: passed", or "gate: FAILED — reason; reason" wrapped under the
 * reasons. */
static void print_gate(const ld_report *r, FILE *o)
{
    const table_state *st = r->writer_state;
    fputc('\n', o);
    if (!r->gate_failed) {
        color_on(st, o, ANSI_BOLD ANSI_GREEN);
        fputs("gate: passed", o);
        color_off(st, o, ANSI_GREEN);
        fputc('\n', o);
        return;
    }
    char *reasons = ld_strlist_join(&r->gate_reasons, "; ");
    char *clean = term_clean(reasons, false, SIZE_MAX);
    char *prefix = ld_xasprintf("%sgate: FAILED%s \xE2\x80\x94 ",
                                st->color ? ANSI_BOLD ANSI_RED : "", st->color ? ANSI_RESET : "");
    put_wrapped(o, clean[0] ? clean : "-", prefix, 15, TABLE_WIDTH - 15, INT_MAX);
    free(prefix);
    free(clean);
    free(reasons);
}

/* ---- writer ops ---- */

static int table_begin(ld_report *r, ld_error *err)
{
    state(r);
    return 0;
}

static int table_end(ld_report *r, ld_error *err)
{
    table_state *st = state(r);
    FILE *o = r->opt.out;
    print_header(r, o);
    size_t shown = 0;
    for (int t = 0; t < LD_TIER_COUNT; t++) {
        if (tier_total(&st->tiers[t]) == 0)
            continue;
        print_tier(st, o, (ld_tier)t);
        shown++;
    }
    if (shown == 0)
        fputs("No findings.\n\n", o);
    color_on(st, o, ANSI_BOLD);
    fputs("Compliance", o);
    color_off(st, o, ANSI_BOLD);
    fputc('\n', o);
    print_compliance_table(r, o);
    print_failed_controls(r, o);
    print_notes(r, o);
    print_gate(r, o);
    return ld_report_flush(o, "the report", err);
}

static void table_destroy(ld_report *r)
{
    table_state *st = r->writer_state;
    if (!st)
        return;
    for (int t = 0; t < LD_TIER_COUNT; t++) {
        for (size_t i = 0; i < st->tiers[t].n; i++)
            row_clear(&st->tiers[t].v[i]);
        free(st->tiers[t].v);
    }
    free(st);
    r->writer_state = NULL;
}

const ld_writer_ops ld_writer_table = {
    .name = "table",
    .begin = table_begin,
    .finding = table_finding,
    .end = table_end,
    .destroy = table_destroy,
};
