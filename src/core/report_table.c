/* Table writer: the human report for a terminal. Grouping needs every
 * finding, so each one is copied into a short row (text already made safe
 * for a terminal). At the end each tier prints its fails and warnings
 * first (then by severity), passes as a list of check ids when there are
 * many; vulnerabilities follow in a section of their own, per target and
 * package with a Trivy-style "Total:" line; then compliance (a row per
 * control state, a column per level), the required controls that failed,
 * need review or could not be assessed (grouped by shared reason),
 * coverage, notes and the gate line.
 *
 * Width: $COLUMNS, else the terminal's (TIOCGWINSZ) when the output is
 * one, else 100; never below TABLE_WIDTH_MIN. Nothing is cut: text too
 * long for a line wraps (at spaces, else after a '/' or other separator,
 * else anywhere), so identifiers (control, check and advisory ids, paths,
 * package names) always show in full. Every finding row names its check
 * id (what policy exceptions use) and, when it has one, its file:line.
 * Not for machines: JSON, SARIF and JUnit carry every byte; this writer
 * sanitises text and keeps at most EVIDENCE_KEEP_MAX bytes of evidence. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/report.h"
#include "core/report_common.h"
#include "core/report_targets.h"
#include "util/mem.h"
#include "util/term_text.h"

#define TABLE_WIDTH_DEFAULT 100 /* files and pipes without $COLUMNS */
#define TABLE_WIDTH_MIN 40      /* the narrowest layout this writer keeps readable */
#define TABLE_WIDTH_MAX 1000
#define PASS_LIST_MAX 20       /* pass rows are listed only up to this many in total */
#define DETAIL_INDENT 6        /* check id, location, evidence under a row */
#define DETAIL_INDENT_NARROW 4 /* the same below NARROW_WIDTH columns */
#define NARROW_WIDTH 60
#define TAIL_MIN 20             /* fewer columns than this left on a line: wrap to the next */
#define COMPLIANCE_TABLE_MIN 54 /* narrower: compliance as one sentence per level */
#define TEXT_KEEP_MAX 4096      /* bytes of a title, target or reason kept */
#define EVIDENCE_KEEP_MAX 8192  /* bytes of evidence kept (the rest: --format json) */

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
    char *check;      /* check id ("" if none) */
    char *cis;        /* the control's CIS ids, "" if none or if the control id says them */
    char *target;     /* "name (id)", or the one of them there is */
    char *location;   /* "path:line", "path" or NULL; a file target's own path if it has none */
    bool file_target; /* the location names the target itself: no "target:" field */
    char *evidence;   /* NULL if none */
    char *exception;  /* NULL unless excepted */
} row;

/* A check that passed, and on how many targets (listed when passes are
 * too many to show as rows). */
typedef struct {
    char *check;
    size_t n;
} pass_count;

typedef struct {
    row *v;
    size_t n, cap;
    size_t counts[LD_STATUS_COUNT]; /* non-excepted findings per status */
    size_t excepted;
    pass_count *passed;
    size_t n_passed, passed_cap;
} tier_rows;

/* One vulnerability finding, shown under its target and package. */
typedef struct {
    size_t target; /* index into table_state.vuln_targets */
    size_t seq;
    ld_status status;
    ld_severity severity;
    bool unknown; /* no severity in the feed (the gate counts it as its severity) */
    double cvss;
    char *id;
    char *package;
    char *version;
    char *where;  /* the file the package was found in, for language packages; NULL otherwise */
    char *origin; /* "deb, source glibc" */
    char *fix;    /* "fixed in 1.2, 1.3" / "no fix: will-not-fix" */
    char *exception;
} vuln_row;

typedef struct {
    tier_rows tiers[LD_TIER_COUNT];
    size_t passes;       /* pass findings seen, all tiers */
    bool passes_dropped; /* more than PASS_LIST_MAX: pass rows are counted, not kept */
    size_t seq;
    bool color;
    size_t width;
    vuln_row *vulns;
    size_t n_vulns, vulns_cap;
    ld_strlist vuln_targets; /* distinct targets of vulnerability findings, in arrival order */
    char *vuln_check;        /* the check id vulnerability findings came from */
} table_state;

/* ---- text: terminal-safe copies ---- */

/* A terminal-safe copy (ld_term_clean_opts, the one escaping rule for
 * terminals) of at most the first max bytes of s; a cut is said with
 * " … (N more bytes in --format json)". keep_newlines: '\n' kept (text
 * shown on lines of its own), else escaped like every control. NULL in,
 * NULL out; caller frees. */
static char *term_clean(const char *s, bool keep_newlines, size_t max)
{
    ld_term_opts o = {.multiline = keep_newlines, .max = max};
    char *clean = ld_term_clean_opts(s, &o);
    if (!clean || !o.left_out)
        return clean;
    char *cut =
        ld_xasprintf("%s \xE2\x80\xA6 (%zu more bytes in --format json)", clean, o.left_out);
    free(clean);
    return cut;
}

/* Display width of clean UTF-8 text, counted in code points. */
static size_t text_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* Display width of the text between s and end. */
static size_t span_width(const char *s, const char *end)
{
    size_t w = 0;
    for (; s < end; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
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

static size_t max_sz(size_t a, size_t b)
{
    return a > b ? a : b;
}

static void put_spaces(FILE *o, size_t n)
{
    for (; n > 0; n--)
        fputc(' ', o);
}

/* s, then spaces up to width columns (nothing is cut: wider text is
 * printed whole). Returns the columns printed. */
static size_t put_padded(FILE *o, const char *s, size_t width)
{
    size_t w = text_width(s);
    fputs(s, o);
    if (w < width)
        put_spaces(o, width - w);
    return max_sz(w, width);
}

/* ---- text: wrapping ---- */

/* Characters after which a token too long for a line may be broken. */
static bool break_after(char c)
{
    return c == '/' || c == ',' || c == ';' || c == ':' || c == '-' || c == '_' || c == '.' ||
           c == '=' || c == '&' || c == '?' || c == '|' || c == ')';
}

/* The line of s that fits in avail columns (avail > 0): *end is where its
 * text stops, *next where the next line starts. A newline always ends a
 * line; otherwise a line ends at the last space that fits, unless the word
 * after it could not fit on a whole line of avail_next columns anyway and
 * the space sits in the first half (then that long word fills the line
 * and breaks after its last '/', else its last other separator, else at
 * the edge). */
static void next_line(const char *s, size_t avail, size_t avail_next, const char **end,
                      const char **next)
{
    const char *p = s;
    size_t cols = 0;
    while (*p && *p != '\n' && cols < avail) {
        p = skip_cols(p, 1);
        cols++;
    }
    if (!*p || *p == '\n') {
        *end = p;
        *next = *p ? p + 1 : p;
        return;
    }
    const char *space = NULL;
    for (const char *q = *p == ' ' ? p + 1 : p; q > s; q--) {
        if (q[-1] == ' ') {
            space = q - 1;
            break;
        }
    }
    if (space && space > s) {
        const char *word = space + 1, *word_end = word;
        while (*word_end && *word_end != ' ' && *word_end != '\n')
            word_end++;
        if (span_width(word, word_end) <= avail_next || span_width(s, space) >= avail / 2) {
            const char *e = space;
            while (e > s && e[-1] == ' ')
                e--;
            const char *n = space;
            while (*n == ' ')
                n++;
            *end = e > s ? e : space;
            *next = n;
            return;
        }
    }
    const char *word = space && space > s ? space + 1 : s;
    for (int pass = 0; pass < 2; pass++) { /* after a '/' first: paths split at components */
        for (const char *q = p; q > word; q--) {
            bool sep = pass == 0 ? q[-1] == '/' : break_after(q[-1]);
            if (sep && span_width(s, q) >= avail / 3) {
                *end = *next = q;
                return;
            }
        }
    }
    *end = *next = p;
}

/* Prints clean text s (may hold newlines) from column col, where the
 * caller left the line, wrapped at width: the lines after the first start
 * with indent spaces. s starts on a line of its own (indented) when fewer
 * than TAIL_MIN columns are left at col, or when its first word does not
 * fit there but would on a line of its own. Ends with a newline. */
static void put_wrapped_at(FILE *o, const char *s, size_t col, size_t indent, size_t width)
{
    if (indent + TAIL_MIN > width)
        indent = width > TAIL_MIN ? width - TAIL_MIN : 0;
    size_t first_word = span_width(s, s + strcspn(s, " \n"));
    if (col > indent && *s &&
        (col + TAIL_MIN > width || (col + first_word > width && indent + first_word <= width))) {
        fputc('\n', o);
        put_spaces(o, indent);
        col = indent;
    }
    bool first = true;
    while (first || *s) {
        size_t avail = width > col ? width - col : 1;
        const char *end, *next;
        next_line(s, avail, width - indent, &end, &next);
        if (!first && end > s) /* no indentation on an empty line */
            put_spaces(o, indent);
        fwrite(s, 1, (size_t)(end - s), o);
        fputc('\n', o);
        s = next;
        col = indent;
        first = false;
    }
}

/* Prints s wrapped at width, every line indented by indent. */
static void put_block(FILE *o, const char *s, size_t indent, size_t width)
{
    put_spaces(o, indent);
    put_wrapped_at(o, s, indent, indent, width);
}

/* Prints fields (each "label value") separated by two spaces, wrapped at
 * width with lines indented by indent: a field that fits on a line is
 * never split; one longer than a line wraps inside. Ends with a newline. */
static void put_fields(FILE *o, char *const *fields, size_t n, size_t indent, size_t width)
{
    size_t col = indent;
    put_spaces(o, indent);
    for (size_t i = 0; i < n; i++) {
        size_t w = text_width(fields[i]);
        if (col > indent && col + 2 + w > width) {
            fputc('\n', o);
            put_spaces(o, indent);
            col = indent;
        } else if (col > indent) {
            fputs("  ", o);
            col += 2;
        }
        if (col + w > width) { /* longer than a whole line */
            put_wrapped_at(o, fields[i], col, indent, width);
            if (i + 1 < n)
                put_spaces(o, indent);
            col = indent;
            continue;
        }
        fputs(fields[i], o);
        col += w;
    }
    if (col > indent || n == 0)
        fputc('\n', o);
}

/* ---- width ---- */

/* The width to lay the table out in: $COLUMNS when it is a number, else
 * the terminal's when out is one, else TABLE_WIDTH_DEFAULT; clamped to
 * [TABLE_WIDTH_MIN, TABLE_WIDTH_MAX]. */
static size_t table_width(FILE *out)
{
    long cols = 0;
    const char *env = getenv("COLUMNS");
    if (env && *env) {
        char *end = NULL;
        errno = 0;
        long v = strtol(env, &end, 10);
        if (errno == 0 && end && *end == '\0' && v > 0)
            cols = v;
    }
    if (cols == 0) {
        int fd = out ? fileno(out) : -1;
        struct winsize ws;
        if (fd >= 0 && isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
            cols = ws.ws_col;
    }
    if (cols == 0)
        cols = TABLE_WIDTH_DEFAULT;
    if (cols < TABLE_WIDTH_MIN)
        cols = TABLE_WIDTH_MIN;
    if (cols > TABLE_WIDTH_MAX)
        cols = TABLE_WIDTH_MAX;
    return (size_t)cols;
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
    free(w->check);
    free(w->cis);
    free(w->target);
    free(w->location);
    free(w->evidence);
    free(w->exception);
}

static void vuln_row_clear(vuln_row *v)
{
    free(v->id);
    free(v->package);
    free(v->version);
    free(v->where);
    free(v->origin);
    free(v->fix);
    free(v->exception);
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

/* Counts a pass of check in its tier's list of passed checks. */
static void count_pass(tier_rows *tr, const char *check)
{
    for (size_t i = 0; i < tr->n_passed; i++) {
        if (strcmp(tr->passed[i].check, check) == 0) {
            tr->passed[i].n++;
            return;
        }
    }
    ld_xgrow(&tr->passed, &tr->passed_cap, tr->n_passed + 1, sizeof(*tr->passed));
    tr->passed[tr->n_passed++] = (pass_count){term_clean(check, false, TEXT_KEEP_MAX), 1};
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
        st->width = table_width(r->opt.out);
        r->writer_state = st;
    }
    return r->writer_state;
}

/* "name (id)", or whichever of them there is (once when they are equal). */
static char *describe_target(const ld_target *t)
{
    const char *id = t->id && t->id[0] ? t->id : NULL;
    const char *name = t->name && t->name[0] ? t->name : NULL;
    if (name && id && strcmp(name, id) != 0)
        return ld_xasprintf("%s (%s)", name, id);
    return ld_xstrdup(name ? name : id ? id : "");
}

/* The control's CIS ids joined with ",", or "" when there are none or the
 * control id already ends in them (CIS-DOCKER-4.1 and CIS 4.1). */
static char *cis_label(const ld_control *c)
{
    if (c->cis.n == 0)
        return ld_xstrdup("");
    if (c->cis.n == 1) {
        size_t il = strlen(c->id), cl = strlen(c->cis.v[0]);
        if (il > cl && strcmp(c->id + il - cl, c->cis.v[0]) == 0 && c->id[il - cl - 1] == '-')
            return ld_xstrdup("");
    }
    return ld_strlist_join(&c->cis, ",");
}

/* Index of target in the list of vulnerability targets, added if new. */
static size_t vuln_target_index(table_state *st, const char *target)
{
    for (size_t i = 0; i < st->vuln_targets.n; i++)
        if (strcmp(st->vuln_targets.v[i], target) == 0)
            return i;
    ld_strlist_push(&st->vuln_targets, target);
    return st->vuln_targets.n - 1;
}

/* Copies a vulnerability finding into a row. The file an OS package
 * (deb, apk, rpm) was found in says nothing a reader needs; a language
 * package's lock file or manifest does. */
static void add_vuln_row(table_state *st, const ld_finding *f)
{
    const ld_vuln_fields *v = f->vuln;
    ld_xgrow(&st->vulns, &st->vulns_cap, st->n_vulns + 1, sizeof(*st->vulns));
    vuln_row *w = &st->vulns[st->n_vulns++];
    memset(w, 0, sizeof(*w));
    char *target = describe_target(&f->target);
    char *clean_target = term_clean(target, false, TEXT_KEEP_MAX);
    w->target = vuln_target_index(st, clean_target);
    free(clean_target);
    free(target);
    if (!st->vuln_check && f->check_id)
        st->vuln_check = term_clean(f->check_id, false, TEXT_KEEP_MAX);
    w->seq = st->seq++;
    w->status = f->status;
    w->severity = f->severity;
    w->unknown = f->severity == LD_SEV_INFO ||
                 (v->severity_source && strcmp(v->severity_source, "default") == 0);
    w->cvss = v->cvss_score;
    w->id = term_clean(v->id ? v->id : "?", false, TEXT_KEEP_MAX);
    w->package = term_clean(v->package ? v->package : "?", false, TEXT_KEEP_MAX);
    w->version =
        term_clean(v->installed_version ? v->installed_version : "?", false, TEXT_KEEP_MAX);
    if (!ld_report_os_ecosystem(v->ecosystem) && f->target.path && f->target.path[0])
        w->where = term_clean(f->target.path, false, TEXT_KEEP_MAX);
    char *origin = ld_xasprintf("%s%s%s", v->ecosystem ? v->ecosystem : "",
                                v->source_package && v->ecosystem ? ", " : "",
                                v->source_package ? "source " : "");
    char *origin_full = ld_xasprintf("%s%s", origin, v->source_package ? v->source_package : "");
    w->origin = term_clean(origin_full, false, TEXT_KEEP_MAX);
    free(origin_full);
    free(origin);
    char *fix;
    if (v->fixed_versions.n) {
        char *joined = ld_strlist_join(&v->fixed_versions, ", ");
        fix = ld_xasprintf("fixed in %s", joined);
        free(joined);
    } else {
        fix = ld_xasprintf("no fix%s%s", v->fix_status ? ": " : "",
                           v->fix_status ? v->fix_status : "");
    }
    w->fix = term_clean(fix, false, TEXT_KEEP_MAX);
    free(fix);
    w->exception = term_clean(f->exception, false, TEXT_KEEP_MAX);
}

static int table_finding(ld_report *r, const ld_finding *f, ld_error *err)
{
    table_state *st = state(r);
    if (f->vuln) {
        add_vuln_row(st, f);
        return 0;
    }
    ld_tier tier = ld_report_tier(f);
    tier_rows *tr = &st->tiers[tier];
    if (f->exception)
        tr->excepted++;
    else
        tr->counts[f->status]++;
    if (f->status == LD_STATUS_PASS && !f->exception)
        count_pass(tr, f->check_id ? f->check_id : f->control->id);
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
    w->check = term_clean(f->check_id ? f->check_id : "", false, TEXT_KEEP_MAX);
    char *cis = cis_label(f->control);
    w->cis = term_clean(cis, false, TEXT_KEEP_MAX);
    free(cis);
    char *target = describe_target(&f->target);
    w->target = term_clean(target, false, TEXT_KEEP_MAX);
    free(target);
    const char *path = f->target.path && f->target.path[0] ? f->target.path : NULL;
    if (!path && f->target.kind == LD_TARGET_FILE && f->target.id && f->target.id[0])
        path = f->target.id;
    w->file_target = f->target.kind == LD_TARGET_FILE && path;
    if (path) {
        char *loc =
            f->target.line > 0 ? ld_xasprintf("%s:%d", path, f->target.line) : ld_xstrdup(path);
        w->location = term_clean(loc, false, TEXT_KEEP_MAX);
        free(loc);
    }
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

static size_t detail_indent(const table_state *st)
{
    return st->width < NARROW_WIDTH ? DETAIL_INDENT_NARROW : DETAIL_INDENT;
}

#define ROW_HEAD_COLS (2 + 7 + 9) /* indent, status, severity */

/* The target every row of the tier shares, or NULL if they differ. */
static const char *shared_target(const tier_rows *tr)
{
    for (size_t i = 1; i < tr->n; i++)
        if (strcmp(tr->v[i].target, tr->v[0].target) != 0)
            return NULL;
    return tr->n ? tr->v[0].target : NULL;
}

/* Where a tier's titles start: after the widest control id, or 0 when
 * that leaves less than TAIL_MIN columns (titles then get lines of their
 * own under the row). */
static size_t title_column(const table_state *st, const tier_rows *tr)
{
    size_t idw = 1;
    for (size_t i = 0; i < tr->n; i++)
        idw = max_sz(idw, text_width(tr->v[i].control->id));
    size_t col = ROW_HEAD_COLS + idw + 2;
    return col + TAIL_MIN <= st->width ? col : 0;
}

static void print_row(const table_state *st, FILE *o, const row *w, size_t title_col,
                      bool show_target)
{
    fputs("  ", o);
    color_on(st, o, status_color(w));
    fprintf(o, "%-7s", status_label(w));
    color_off(st, o, status_color(w));
    const char *sc = w->exception ? NULL : severity_color(w->severity);
    color_on(st, o, sc);
    fprintf(o, "%-9s", ld_severity_name(w->severity));
    color_off(st, o, sc);
    if (title_col) {
        put_padded(o, w->control->id, title_col - ROW_HEAD_COLS);
        put_wrapped_at(o, w->title, title_col, title_col, st->width);
    } else {
        put_wrapped_at(o, w->control->id, ROW_HEAD_COLS, detail_indent(st), st->width);
        put_block(o, w->title, detail_indent(st), st->width);
    }
    char *fields[4];
    size_t n = 0;
    fields[n++] = ld_xasprintf("check: %s", w->check[0] ? w->check : "-");
    if (w->location)
        fields[n++] = ld_xasprintf("file: %s", w->location);
    if (show_target && !w->file_target)
        fields[n++] = ld_xasprintf("target: %s", w->target);
    if (w->cis[0])
        fields[n++] = ld_xasprintf("CIS %s", w->cis);
    put_fields(o, fields, n, detail_indent(st), st->width);
    for (size_t i = 0; i < n; i++)
        free(fields[i]);
    if (w->evidence && w->evidence[0]) {
        color_on(st, o, ANSI_DIM);
        put_block(o, w->evidence, detail_indent(st), st->width);
        color_off(st, o, ANSI_DIM);
    }
    if (w->exception) {
        char *line = ld_xasprintf("excepted: %s", w->exception);
        put_block(o, line, detail_indent(st), st->width);
        free(line);
    }
}

/* "3 fail, 1 warn, 12 pass, 1 excepted": non-zero counts in rank order;
 * caller frees. */
static char *tier_counts(const tier_rows *tr)
{
    static const ld_status order[] = {LD_STATUS_FAIL,   LD_STATUS_ERROR, LD_STATUS_WARN,
                                      LD_STATUS_MANUAL, LD_STATUS_INFO,  LD_STATUS_SKIPPED,
                                      LD_STATUS_PASS};
    ld_strlist parts = {0};
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        size_t n = tr->counts[order[i]];
        if (n)
            ld_strlist_push_owned(&parts, ld_xasprintf("%zu %s", n, ld_status_name(order[i])));
    }
    if (tr->excepted)
        ld_strlist_push_owned(&parts, ld_xasprintf("%zu excepted", tr->excepted));
    char *s = ld_strlist_join(&parts, ", ");
    ld_strlist_clear(&parts);
    return s;
}

static size_t tier_total(const tier_rows *tr)
{
    size_t n = tr->excepted;
    for (int s = 0; s < LD_STATUS_COUNT; s++)
        n += tr->counts[s];
    return n;
}

/* "N passed checks: a, b (3), c" — the checks of a tier that passed when
 * pass rows are not listed, so that every check id still shows. */
static void print_passed_checks(const table_state *st, FILE *o, const tier_rows *tr)
{
    size_t passes = tr->counts[LD_STATUS_PASS];
    ld_strlist parts = {0};
    for (size_t i = 0; i < tr->n_passed; i++)
        ld_strlist_push_owned(&parts,
                              tr->passed[i].n > 1
                                  ? ld_xasprintf("%s (%zu)", tr->passed[i].check, tr->passed[i].n)
                                  : ld_xstrdup(tr->passed[i].check));
    char *list = ld_strlist_join(&parts, ", ");
    char *line = ld_xasprintf("%zu passed (rows not listed, see --format json): %s", passes, list);
    color_on(st, o, ANSI_GREEN);
    put_block(o, line, 2, st->width);
    color_off(st, o, ANSI_GREEN);
    free(line);
    free(list);
    ld_strlist_clear(&parts);
}

static void print_tier(table_state *st, FILE *o, ld_tier t)
{
    tier_rows *tr = &st->tiers[t];
    color_on(st, o, ANSI_BOLD);
    for (const char *p = ld_tier_name(t); *p; p++)
        fputc(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p, o);
    color_off(st, o, ANSI_BOLD);
    fputs(" \xE2\x80\x94 ", o);
    char *counts = tier_counts(tr);
    put_wrapped_at(o, counts, strlen(ld_tier_name(t)) + 3, 2, st->width);
    free(counts);
    if (tr->n > 1) /* qsort(NULL, 0) is undefined */
        qsort(tr->v, tr->n, sizeof(*tr->v), row_cmp);
    const char *target = shared_target(tr);
    if (target) {
        fputs("  target: ", o);
        put_wrapped_at(o, target, 10, 4, st->width);
    }
    size_t title_col = title_column(st, tr);
    for (size_t i = 0; i < tr->n; i++)
        print_row(st, o, &tr->v[i], title_col, target == NULL);
    if (st->passes_dropped && tr->counts[LD_STATUS_PASS] > 0)
        print_passed_checks(st, o, tr);
    fputc('\n', o);
}

/* ---- vulnerabilities ---- */

/* Severity rank for sorting and counting: unknown sits below low. */
static int vuln_rank(const vuln_row *v)
{
    return v->unknown ? -1 : (int)v->severity;
}

static int vuln_cmp(const void *a, const void *b)
{
    const vuln_row *x = a, *y = b;
    if (x->target != y->target)
        return x->target < y->target ? -1 : 1;
    int c = strcmp(x->package, y->package);
    if (!c)
        c = strcmp(x->version, y->version);
    if (!c)
        c = strcmp(x->where ? x->where : "", y->where ? y->where : "");
    if (c)
        return c;
    if (vuln_rank(x) != vuln_rank(y))
        return vuln_rank(x) > vuln_rank(y) ? -1 : 1;
    c = strcmp(x->id, y->id);
    if (c)
        return c;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const char *vuln_label(const vuln_row *v)
{
    static const char *const labels[LD_SEV_COUNT] = {"UNKNOWN", "LOW", "MEDIUM", "HIGH",
                                                     "CRITICAL"};
    return v->unknown || (unsigned)v->severity >= LD_SEV_COUNT ? "UNKNOWN" : labels[v->severity];
}

static bool same_package(const vuln_row *a, const vuln_row *b)
{
    return a->target == b->target && strcmp(a->package, b->package) == 0 &&
           strcmp(a->version, b->version) == 0 &&
           strcmp(a->where ? a->where : "", b->where ? b->where : "") == 0;
}

/* "Total: N (CRITICAL: n, HIGH: n, MEDIUM: n, LOW: n, UNKNOWN: n)" over
 * the target's vulnerabilities no exception covers (as Trivy counts what
 * is left after its ignore file), then how many exceptions covered. */
static void print_vuln_total(const table_state *st, FILE *o, const vuln_row *v, size_t n)
{
    size_t by[LD_SEV_COUNT] = {0}, total = 0, excepted = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].exception) {
            excepted++;
            continue;
        }
        total++;
        by[v[i].unknown ? LD_SEV_INFO : v[i].severity]++;
    }
    char *line = ld_xasprintf("Total: %zu (CRITICAL: %zu, HIGH: %zu, MEDIUM: %zu, LOW: %zu, "
                              "UNKNOWN: %zu)",
                              total, by[LD_SEV_CRITICAL], by[LD_SEV_HIGH], by[LD_SEV_MEDIUM],
                              by[LD_SEV_LOW], by[LD_SEV_INFO]);
    color_on(st, o, ANSI_BOLD);
    fputs("  ", o);
    put_wrapped_at(o, line, 2, 4, st->width);
    color_off(st, o, ANSI_BOLD);
    free(line);
    if (excepted) {
        char *more = ld_xasprintf("and %zu covered by policy exceptions (not counted)", excepted);
        put_block(o, more, 2, st->width);
        free(more);
    }
}

/* One vulnerability under its package: severity, id (padded to idw),
 * the fix, the CVSS score, and the exception that covers it. */
static void print_vuln_line(const table_state *st, FILE *o, const vuln_row *v, size_t idw)
{
    const char *sc =
        v->exception ? ANSI_DIM : severity_color(v->unknown ? LD_SEV_INFO : v->severity);
    put_spaces(o, 6);
    color_on(st, o, sc);
    fprintf(o, "%-9s", vuln_label(v));
    color_off(st, o, sc);
    size_t col = 15;
    char *cvss = v->cvss > 0 ? ld_xasprintf(", CVSS %.1f", v->cvss) : ld_xstrdup("");
    char *status =
        v->status != LD_STATUS_FAIL ? ld_xasprintf(" (%s)", ld_status_name(v->status)) : NULL;
    char *tail = ld_xasprintf("%s%s%s", v->fix, cvss, status ? status : "");
    if (col + idw + 2 + TAIL_MIN <= st->width) {
        put_padded(o, v->id, idw);
        fputs("  ", o);
        put_wrapped_at(o, tail, col + idw + 2, col + idw + 2, st->width);
    } else { /* narrow: the id, then the fix under it */
        put_wrapped_at(o, v->id, col, 8, st->width);
        put_block(o, tail, 8, st->width);
    }
    if (v->exception) {
        char *line = ld_xasprintf("excepted: %s", v->exception);
        put_block(o, line, 8, st->width);
        free(line);
    }
    free(tail);
    free(status);
    free(cvss);
}

static void print_vulnerabilities(table_state *st, FILE *o)
{
    if (st->n_vulns == 0)
        return;
    qsort(st->vulns, st->n_vulns, sizeof(*st->vulns), vuln_cmp);
    color_on(st, o, ANSI_BOLD);
    fputs("VULNERABILITIES", o);
    color_off(st, o, ANSI_BOLD);
    char *head =
        ld_xasprintf("%zu in %zu target%s (check: %s)", st->n_vulns, st->vuln_targets.n,
                     st->vuln_targets.n == 1 ? "" : "s", st->vuln_check ? st->vuln_check : "-");
    fputs(" \xE2\x80\x94 ", o);
    put_wrapped_at(o, head, 18, 2, st->width);
    free(head);
    size_t i = 0;
    while (i < st->n_vulns) {
        size_t t = st->vulns[i].target, end = i;
        size_t idw = 1;
        while (end < st->n_vulns && st->vulns[end].target == t) {
            idw = max_sz(idw, text_width(st->vulns[end].id));
            end++;
        }
        fputs("  target: ", o);
        put_wrapped_at(o, st->vuln_targets.v[t], 10, 4, st->width);
        print_vuln_total(st, o, st->vulns + i, end - i);
        while (i < end) {
            const vuln_row *p = &st->vulns[i];
            char *pkg = ld_xasprintf("%s %s%s%s%s%s%s", p->package, p->version,
                                     p->origin[0] ? " (" : "", p->origin, p->origin[0] ? ")" : "",
                                     p->where ? " in " : "", p->where ? p->where : "");
            color_on(st, o, ANSI_BOLD);
            fputs("    ", o); /* wrapped under itself, deeper than the vulnerabilities */
            put_wrapped_at(o, pkg, 4, 10, st->width);
            color_off(st, o, ANSI_BOLD);
            free(pkg);
            size_t j = i;
            for (; j < end && same_package(&st->vulns[j], p); j++)
                print_vuln_line(st, o, &st->vulns[j], idw);
            i = j;
        }
    }
    fputc('\n', o);
}

/* ---- per-image summary (registry scan) ---- */

/* One block per image: its reference, then its tags, packages,
 * vulnerabilities by severity, failed and unassessed checks as wrapped
 * fields (core/report_targets.h has the numbers). Only reports that cover
 * many images (ld_report_targets_wanted) get it. */
static void print_image_summary(const ld_report *r, FILE *o)
{
    const table_state *st = r->writer_state;
    if (!ld_report_targets_wanted(r))
        return;
    ld_report_targets t;
    ld_report_targets_collect(r, &t);
    color_on(st, o, ANSI_BOLD);
    fprintf(o, "IMAGES");
    color_off(st, o, ANSI_BOLD);
    fprintf(o, " \xE2\x80\x94 %zu\n", t.n);
    for (size_t i = 0; i < t.n; i++) {
        const ld_report_target_row *w = &t.v[i];
        char *id = term_clean(w->id, false, TEXT_KEEP_MAX);
        fputs("  ", o);
        put_wrapped_at(o, id, 2, 4, st->width);
        free(id);
        char *fields[6];
        size_t n = 0;
        if (w->name) {
            char *name = term_clean(w->name, false, TEXT_KEEP_MAX);
            fields[n++] = ld_xasprintf("name %s", name);
            free(name);
        }
        fields[n++] = w->packages_known ? ld_xasprintf("packages %zu", w->packages)
                                        : ld_xstrdup("packages -");
        ld_strlist sev = {0};
        size_t total = 0;
        for (int s = LD_SEV_CRITICAL; s >= LD_SEV_INFO; s--) {
            total += w->vulns[s];
            if (w->vulns[s])
                ld_strlist_push_owned(&sev, ld_xasprintf("%zu %s", w->vulns[s],
                                                         s == LD_SEV_INFO
                                                             ? "unknown"
                                                             : ld_severity_name((ld_severity)s)));
        }
        char *joined = ld_strlist_join(&sev, ", ");
        fields[n++] = total ? ld_xasprintf("vulnerabilities %zu (%s)", total, joined)
                            : ld_xstrdup("vulnerabilities 0");
        free(joined);
        ld_strlist_clear(&sev);
        fields[n++] = ld_xasprintf("failed checks %zu", w->failed);
        fields[n++] = ld_xasprintf("not assessed %zu", w->not_assessed);
        put_fields(o, fields, n, DETAIL_INDENT, st->width);
        for (size_t k = 0; k < n; k++)
            free(fields[k]);
    }
    fputc('\n', o);
    ld_report_targets_clear(&t);
}

/* ---- header, compliance, notes, gate ---- */

static void print_header(const ld_report *r, FILE *o)
{
    const table_state *st = r->writer_state;
    char *command = term_clean(r->opt.command ? r->opt.command : "report", false, TEXT_KEEP_MAX);
    char *scope = term_clean(r->opt.scope, false, TEXT_KEEP_MAX);
    color_on(st, o, ANSI_BOLD);
    fprintf(o, "lockdown %s", command);
    color_off(st, o, ANSI_BOLD);
    if (scope && scope[0]) {
        fputs(": ", o);
        put_wrapped_at(o, scope, 11 + text_width(command), 2, st->width);
    } else {
        fputc('\n', o);
    }
    char *source = term_clean(r->opt.level_source, false, TEXT_KEEP_MAX);
    fprintf(o, "level %s%s%s%s\n\n", ld_level_name(r->level), source ? " (from " : "",
            source ? source : "", source ? ")" : "");
    free(command);
    free(scope);
    free(source);
}

/* "Tiers": what the run made of each tier it looked at (assess), one row
 * each: name, state (coloured: assessed green, partly yellow, not assessed
 * magenta), then what was looked at and why not, wrapped. */
static void print_tiers(const ld_report *r, FILE *o)
{
    const table_state *st = r->writer_state;
    if (r->set->n_tiers == 0)
        return;
    color_on(st, o, ANSI_BOLD);
    fputs("Tiers", o);
    color_off(st, o, ANSI_BOLD);
    fputc('\n', o);
    for (size_t i = 0; i < r->set->n_tiers; i++) {
        const ld_tier_record *t = &r->set->tiers[i];
        static const char *const colors[] = {ANSI_GREEN, ANSI_YELLOW, ANSI_DIM, ANSI_MAGENTA};
        char *name = term_clean(t->name, false, TEXT_KEEP_MAX);
        const char *state = ld_tier_state_name(t->state);
        fprintf(o, "  %-13s ", name ? name : "");
        color_on(st, o, colors[t->state]);
        fprintf(o, "%-16s", state);
        color_off(st, o, colors[t->state]);
        char *text = NULL;
        if (t->what && t->reason)
            text = ld_xasprintf("%s — %s", t->what, t->reason);
        else
            text = ld_xstrdup(t->what ? t->what : t->reason ? t->reason : "");
        char *clean = term_clean(text, false, TEXT_KEEP_MAX);
        if (clean && clean[0]) {
            fputc(' ', o);
            put_wrapped_at(o, clean, 2 + 14 + 16 + 1, 33, st->width);
        } else {
            fputc('\n', o);
        }
        free(clean);
        free(text);
        free(name);
    }
    fputc('\n', o);
}

/* One count row of the compliance table: a label and a value per level. */
typedef struct {
    const char *label;
    size_t v[LD_LEVEL_COUNT];
} count_row;

/* Rows: total, assessed, one per control state in the order of
 * docs/verdicts.md, with "owed by this run" under "not assessed". */
static size_t compliance_rows(const ld_report *r, count_row *rows)
{
    static const ld_control_state order[] = {
        LD_CTRL_PASSED,   LD_CTRL_FAILED,       LD_CTRL_REVIEW,         LD_CTRL_EXCEPTED,
        LD_CTRL_ATTESTED, LD_CTRL_NOT_ASSESSED, LD_CTRL_NOT_APPLICABLE, LD_CTRL_OUT_OF_SCOPE,
    };
    size_t n = 0;
    rows[n].label = "total";
    for (int l = 0; l < LD_LEVEL_COUNT; l++)
        rows[n].v[l] = r->eval->compliance[l].required;
    rows[++n].label = "assessed";
    for (int l = 0; l < LD_LEVEL_COUNT; l++)
        rows[n].v[l] = r->eval->compliance[l].assessed;
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        rows[++n].label = ld_control_state_name(order[i]);
        for (int l = 0; l < LD_LEVEL_COUNT; l++)
            rows[n].v[l] = r->eval->compliance[l].by_state[order[i]];
        if (order[i] != LD_CTRL_NOT_ASSESSED)
            continue;
        rows[++n].label = "  owed by this run";
        for (int l = 0; l < LD_LEVEL_COUNT; l++)
            rows[n].v[l] = r->eval->compliance[l].owed_not_assessed;
    }
    return n + 1;
}

/* Required controls by state: one row per state, one column per level
 * (the level in force marked "> "). Every state has its row, so a reader
 * never guesses what a missing one means. Narrower than
 * COMPLIANCE_TABLE_MIN, each level is one wrapped line of the same counts. */
static void print_compliance_table(const ld_report *r, FILE *o)
{
    const table_state *st = r->writer_state;
    count_row rows[LD_CTRL_COUNT + 3];
    size_t n = compliance_rows(r, rows);
    if (st->width < COMPLIANCE_TABLE_MIN) {
        for (int l = 0; l < LD_LEVEL_COUNT; l++) {
            bool in_force = (ld_level)l == r->level;
            ld_strlist parts = {0};
            for (size_t i = 0; i < n; i++)
                ld_strlist_push_owned(
                    &parts,
                    ld_xasprintf("%s %zu",
                                 rows[i].label[0] == ' ' ? "owed by this run" : rows[i].label,
                                 rows[i].v[l]));
            char *body = ld_strlist_join(&parts, ", ");
            char *line = ld_xasprintf("%s%s: %s", ld_level_name((ld_level)l),
                                      in_force ? " (in force)" : "", body);
            color_on(st, o, in_force ? ANSI_BOLD : NULL);
            put_block(o, line, 2, st->width);
            color_off(st, o, in_force ? ANSI_BOLD : NULL);
            free(line);
            free(body);
            ld_strlist_clear(&parts);
        }
        return;
    }
    fprintf(o, "  %-22s", "required controls");
    for (int l = 0; l < LD_LEVEL_COUNT; l++) {
        bool in_force = (ld_level)l == r->level;
        char head[24];
        snprintf(head, sizeof(head), "%s%s", in_force ? "> " : "", ld_level_name((ld_level)l));
        color_on(st, o, in_force ? ANSI_BOLD : NULL);
        fprintf(o, "%10s", head);
        color_off(st, o, in_force ? ANSI_BOLD : NULL);
    }
    fputc('\n', o);
    for (size_t i = 0; i < n; i++) {
        fprintf(o, "  %-22s", rows[i].label);
        for (int l = 0; l < LD_LEVEL_COUNT; l++) {
            bool in_force = (ld_level)l == r->level;
            color_on(st, o, in_force ? ANSI_BOLD : NULL);
            fprintf(o, "%10zu", rows[i].v[l]);
            color_off(st, o, in_force ? ANSI_BOLD : NULL);
        }
        fputc('\n', o);
    }
}

/* A control's reason without its leading "CHECK: " when CHECK is one of
 * the control's checks: what controls sharing a cause have in common. */
static const char *reason_body(const ld_control *c, const char *reason)
{
    for (size_t k = 0; k < c->checks.n; k++) {
        size_t n = strlen(c->checks.v[k]);
        if (strncmp(reason, c->checks.v[k], n) == 0 && reason[n] == ':' && reason[n + 1] == ' ')
            return reason + n + 2;
    }
    return reason;
}

/* One control line: id, tier and title (wrapped under itself, or on lines
 * of its own when the line is too narrow), indented by indent. */
static void print_control_line(const table_state *st, FILE *o, const ld_control *c, size_t indent,
                               size_t idw, const char *color)
{
    size_t col = indent + idw + 16;
    char *title = term_clean(c->title, false, TEXT_KEEP_MAX);
    if (col + TAIL_MIN <= st->width) {
        put_spaces(o, indent);
        color_on(st, o, color);
        put_padded(o, c->id, idw);
        color_off(st, o, color);
        fprintf(o, "  %-12s  ", ld_tier_name(c->tier));
        put_wrapped_at(o, title, col, col, st->width);
    } else { /* narrow: "ID  tier", then the title under it */
        char *head = ld_xasprintf("%s  %s", c->id, ld_tier_name(c->tier));
        color_on(st, o, color);
        put_block(o, head, indent, st->width);
        color_off(st, o, color);
        put_block(o, title, indent + 4, st->width);
        free(head);
    }
    free(title);
}

/* The required controls in state s (owed ones only when owed_only). A
 * control shows its reason under it; controls that share one cause (the
 * same reason once their check ids are set aside: "no Docker engine
 * answered ...") are listed under that reason, said once. Failed controls
 * show no reason: their failing findings are listed above. */
static void print_controls_in_state(const ld_report *r, FILE *o, ld_control_state s, bool owed_only,
                                    const char *heading, const char *color)
{
    const table_state *st = r->writer_state;
    size_t n = 0, idw = 1;
    size_t *pick = ld_xcalloc(r->catalog->n ? r->catalog->n : 1, sizeof(*pick));
    for (size_t i = 0; i < r->catalog->n; i++) {
        const ld_control_result *res = &r->eval->controls[i];
        /* ids padded to the catalog's longest, so every list lines up alike */
        idw = max_sz(idw, text_width(r->catalog->controls[i].id));
        if (ld_control_required(&r->catalog->controls[i], r->level) && res->state == s &&
            (!owed_only || res->owed))
            pick[n++] = i;
    }
    if (n == 0) {
        if (s == LD_CTRL_FAILED)
            fprintf(o, "\nNo control required at level %s failed.\n", ld_level_name(r->level));
        free(pick);
        return;
    }
    char *head = ld_xasprintf("%s at level %s (%zu):", heading, ld_level_name(r->level), n);
    fputc('\n', o);
    put_block(o, head, 0, st->width);
    free(head);
    bool *done = ld_xcalloc(n, sizeof(*done));
    for (size_t a = 0; a < n; a++) {
        if (done[a])
            continue;
        const ld_control *c = &r->catalog->controls[pick[a]];
        const char *reason = r->eval->controls[pick[a]].reason;
        if (s == LD_CTRL_FAILED || !reason) {
            print_control_line(st, o, c, 2, idw, color);
            continue;
        }
        const char *body = reason_body(c, reason);
        size_t same = 1;
        for (size_t b = a + 1; b < n; b++) {
            const ld_control *d = &r->catalog->controls[pick[b]];
            const char *rb = r->eval->controls[pick[b]].reason;
            if (!done[b] && rb && strcmp(reason_body(d, rb), body) == 0)
                same++;
        }
        if (same == 1) {
            print_control_line(st, o, c, 2, idw, color);
            char *why = term_clean(reason, false, TEXT_KEEP_MAX);
            put_block(o, why, 6, st->width);
            free(why);
            continue;
        }
        char *line = ld_xasprintf("%zu controls: %s", same, body);
        char *why = term_clean(line, false, TEXT_KEEP_MAX);
        fputs("  ", o);
        put_wrapped_at(o, why, 2, 6, st->width);
        free(why);
        free(line);
        for (size_t b = a; b < n; b++) {
            const ld_control *d = &r->catalog->controls[pick[b]];
            const char *rb = r->eval->controls[pick[b]].reason;
            if (done[b] || !rb || strcmp(reason_body(d, rb), body) != 0)
                continue;
            done[b] = true;
            print_control_line(st, o, d, 4, idw, color);
        }
    }
    free(done);
    free(pick);
}

/* "  - text", wrapped under the text. */
static void print_item(const table_state *st, FILE *o, const char *text)
{
    char *clean = term_clean(text, false, TEXT_KEEP_MAX);
    fputs("  - ", o);
    put_wrapped_at(o, clean, 4, 4, st->width);
    free(clean);
}

/* Per target and ecosystem: how many packages, and whether the database
 * covers them. */
static void print_coverage(const ld_report *r, FILE *o)
{
    if (r->set->n_coverage == 0)
        return;
    fputs("\nVulnerability database coverage:\n", o);
    for (size_t i = 0; i < r->set->n_coverage; i++) {
        const ld_coverage *c = &r->set->coverage[i];
        char *line = ld_xasprintf("%s: %zu %s package%s%s%s: %s", c->target, c->packages,
                                  c->ecosystem, c->packages == 1 ? "" : "s",
                                  c->release ? " of " : "", c->release ? c->release : "",
                                  c->covered ? "covered" : "NOT covered by the database");
        print_item(r->writer_state, o, line);
        free(line);
    }
}

static void print_notes(const ld_report *r, FILE *o)
{
    const ld_strlist *lists[] = {&r->eval->gate_notes, &r->eval->notes};
    if (r->eval->notes.n + r->eval->gate_notes.n == 0)
        return;
    fputs("\nNotes:\n", o);
    for (size_t l = 0; l < 2; l++)
        for (size_t i = 0; i < lists[l]->n; i++)
            print_item(r->writer_state, o, lists[l]->v[i]);
}

/* "gate: passed", or "gate: FAILED — reason; reason" wrapped under the
 * reasons (under the word "gate" on narrow terminals). */
static void print_gate(const ld_report *r, FILE *o)
{
    const table_state *st = r->writer_state;
    fputc('\n', o);
    if (!r->eval->gate_failed) {
        color_on(st, o, ANSI_BOLD ANSI_GREEN);
        fputs("gate: passed", o);
        color_off(st, o, ANSI_GREEN);
        fputc('\n', o);
        return;
    }
    char *reasons = ld_strlist_join(&r->eval->gate_reasons, "; ");
    char *clean = term_clean(reasons, false, TEXT_KEEP_MAX);
    color_on(st, o, ANSI_BOLD ANSI_RED);
    fputs("gate: FAILED", o);
    color_off(st, o, ANSI_RED);
    fputs(" \xE2\x80\x94 ", o);
    put_wrapped_at(o, clean[0] ? clean : "-", 15, st->width >= NARROW_WIDTH ? 15 : 4, st->width);
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
    print_tiers(r, o);
    size_t shown = 0;
    for (int t = 0; t < LD_TIER_COUNT; t++) {
        if (tier_total(&st->tiers[t]) == 0)
            continue;
        print_tier(st, o, (ld_tier)t);
        shown++;
    }
    print_vulnerabilities(st, o);
    print_image_summary(r, o);
    if (shown == 0 && st->n_vulns == 0)
        fputs("No findings.\n\n", o);
    color_on(st, o, ANSI_BOLD);
    fputs("Compliance", o);
    color_off(st, o, ANSI_BOLD);
    fputc('\n', o);
    print_compliance_table(r, o);
    print_controls_in_state(r, o, LD_CTRL_FAILED, false, "Failed controls required", ANSI_RED);
    print_controls_in_state(r, o, LD_CTRL_REVIEW, false, "Controls needing review", ANSI_YELLOW);
    print_controls_in_state(r, o, LD_CTRL_NOT_ASSESSED, true,
                            "Required controls this run owed but could not assess", ANSI_MAGENTA);
    print_coverage(r, o);
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
        tier_rows *tr = &st->tiers[t];
        for (size_t i = 0; i < tr->n; i++)
            row_clear(&tr->v[i]);
        free(tr->v);
        for (size_t i = 0; i < tr->n_passed; i++)
            free(tr->passed[i].check);
        free(tr->passed);
    }
    for (size_t i = 0; i < st->n_vulns; i++)
        vuln_row_clear(&st->vulns[i]);
    free(st->vulns);
    ld_strlist_clear(&st->vuln_targets);
    free(st->vuln_check);
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
