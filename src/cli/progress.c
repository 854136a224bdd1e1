/* The progress bar of progress.h: one line on stderr redrawn in place with
 * a carriage return (no terminal escape sequence at all: the line is
 * padded with blanks and cleared the same way), at most ten times a
 * second, as wide as the terminal (COLUMNS, else TIOCGWINSZ, else 80).
 * Item names from outside pass through util/term_text before they reach
 * the terminal. Written with write(2) on fd 2 under the bar's mutex, so
 * workers may advance one bar and stdio buffers never split a redraw. */
#include "cli/progress.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "util/mem.h"
#include "util/term_text.h"

#define BAR_FD STDERR_FILENO
#define BAR_MIN_INTERVAL_NS 100000000LL /* ten redraws a second at most */
#define BAR_LINE_MAX 1024               /* widest line drawn, in bytes */
#define BAR_COLUMNS_MIN 20
#define BAR_COLUMNS_MAX 500
#define BAR_CELLS_MAX 30 /* the [====>   ] part */

struct cli_bar {
    pthread_mutex_t mu;
    char *label;     /* cleaned */
    char *unit_name; /* cleaned; may be NULL */
    cli_bar_unit unit;
    uint64_t total, done;
    char *item; /* cleaned; may be NULL */
    long long started_ns, drawn_ns;
    bool drawn_once;
    size_t drawn_cols; /* columns of the line on screen (to blank it) */
    unsigned spin;
    struct cli_bar *below; /* the bar started before this one, still running */
};

/* The bars running, newest on top: progress messages go to the top one
 * (cli_bar_message). Lock order: stack_mu, then a bar's mu. */
static pthread_mutex_t stack_mu = PTHREAD_MUTEX_INITIALIZER;
static cli_bar *stack_top;

static void set_item_locked(cli_bar *b, const char *item);

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Writes all of buf to the bar's fd; a failed write is dropped (progress
 * is never worth an error). */
static void put_all(const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(BAR_FD, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        buf += n;
        len -= (size_t)n;
    }
}

/* Terminal width: COLUMNS when it is a sane number, else the tty's. */
static size_t term_columns(void)
{
    const char *env = getenv("COLUMNS");
    if (env && *env) {
        char *end = NULL;
        errno = 0;
        long v = strtol(env, &end, 10);
        if (!errno && end != env && !*end && v >= BAR_COLUMNS_MIN)
            return v > BAR_COLUMNS_MAX ? BAR_COLUMNS_MAX : (size_t)v;
    }
    struct winsize ws;
    if (ioctl(BAR_FD, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= BAR_COLUMNS_MIN)
        return ws.ws_col > BAR_COLUMNS_MAX ? BAR_COLUMNS_MAX : ws.ws_col;
    return 80;
}

/* "12.0 MiB" style size into buf. */
static void fmt_size(uint64_t v, char *buf, size_t n)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double d = (double)v;
    size_t u = 0;
    while (d >= 1024.0 && u + 1 < sizeof(units) / sizeof(units[0])) {
        d /= 1024.0;
        u++;
    }
    if (u == 0)
        snprintf(buf, n, "%llu B", (unsigned long long)v);
    else
        snprintf(buf, n, "%.1f %s", d, units[u]);
}

/* Appends up to max_cols code points of clean (terminal-safe text) to
 * line at *len (at most cap bytes); returns the columns appended. */
static size_t append_cols(char *line, size_t *len, size_t cap, const char *clean, size_t max_cols)
{
    size_t cols = 0, i = 0;
    while (clean[i] && cols < max_cols) {
        size_t start = i++;
        while (clean[i] && ((unsigned char)clean[i] & 0xC0) == 0x80)
            i++; /* continuation bytes of this character */
        if (*len + (i - start) >= cap)
            break;
        memcpy(line + *len, clean + start, i - start);
        *len += i - start;
        cols++;
    }
    line[*len] = '\0';
    return cols;
}

/* The counts part: "3/20 images", "3 images", "12.0/48.5 MiB, 9.1 MiB/s". */
static void fmt_counts(const cli_bar *b, long long now, char *buf, size_t n)
{
    if (b->unit == CLI_BAR_ITEMS) {
        const char *sep = b->unit_name ? " " : "";
        const char *name = b->unit_name ? b->unit_name : "";
        if (b->total)
            snprintf(buf, n, "%llu/%llu%s%s", (unsigned long long)b->done,
                     (unsigned long long)b->total, sep, name);
        else
            snprintf(buf, n, "%llu%s%s", (unsigned long long)b->done, sep, name);
        return;
    }
    char done[32], total[32], rate[48];
    fmt_size(b->done, done, sizeof(done));
    double secs = (double)(now - b->started_ns) / 1e9;
    rate[0] = '\0';
    if (secs >= 0.5) {
        char r[32];
        fmt_size((uint64_t)((double)b->done / secs), r, sizeof(r));
        snprintf(rate, sizeof(rate), ", %s/s", r);
    }
    if (b->total) {
        fmt_size(b->total, total, sizeof(total));
        snprintf(buf, n, "%s/%s%s", done, total, rate);
    } else {
        snprintf(buf, n, "%s%s", done, rate);
    }
}

/* Builds the line (without the leading \r and the padding) into line;
 * returns its width in columns. The label and counts come first, the bar
 * gets what is left up to BAR_CELLS_MAX, the item the rest. */
static size_t render(cli_bar *b, long long now, char *line, size_t cap)
{
    size_t width = term_columns() - 1; /* never the last column: no wrap */
    size_t len = 0, cols = 0;
    line[0] = '\0';
    cols += append_cols(line, &len, cap, b->label, width);
    char counts[96];
    fmt_counts(b, now, counts, sizeof(counts));
    if (cols + 1 < width) {
        line[len++] = ' ';
        line[len] = '\0';
        cols++;
    }
    size_t counts_cols = strlen(counts);
    /* the bar: [=====>    ] when the total is known, a spinner otherwise */
    if (b->total && cols + counts_cols + 1 + 8 <= width) {
        size_t room = width - cols - counts_cols - 1 - 2;
        size_t cells = room < BAR_CELLS_MAX ? room : BAR_CELLS_MAX;
        uint64_t done = b->done > b->total ? b->total : b->done;
        size_t full = (size_t)((double)done / (double)b->total * (double)cells);
        line[len++] = '[';
        for (size_t i = 0; i < cells; i++)
            line[len++] = i < full ? '=' : (i == full ? '>' : ' ');
        line[len++] = ']';
        line[len++] = ' ';
        line[len] = '\0';
        cols += cells + 3;
    } else if (!b->total && cols + counts_cols + 2 <= width) {
        static const char spinner[] = "|/-\\";
        line[len++] = spinner[b->spin++ % 4];
        line[len++] = ' ';
        line[len] = '\0';
        cols += 2;
    }
    cols += append_cols(line, &len, cap, counts, width > cols ? width - cols : 0);
    if (b->item && cols + 3 < width) {
        line[len++] = ' ';
        line[len++] = ' ';
        line[len] = '\0';
        cols += 2;
        cols += append_cols(line, &len, cap, b->item, width - cols);
    }
    return cols;
}

/* Redraws when forced or when the last redraw is old enough. mu held. */
static void draw_locked(cli_bar *b, bool force)
{
    long long now = now_ns();
    if (!force && b->drawn_once && now - b->drawn_ns < BAR_MIN_INTERVAL_NS)
        return;
    char line[BAR_LINE_MAX + 2 * BAR_COLUMNS_MAX + 4];
    line[0] = '\r';
    size_t cols = render(b, now, line + 1, BAR_LINE_MAX);
    size_t len = 1 + strlen(line + 1);
    /* blanks over what the last line had beyond this one */
    for (size_t c = cols; c < b->drawn_cols && len + 1 < sizeof(line); c++)
        line[len++] = ' ';
    put_all(line, len);
    b->drawn_cols = cols;
    b->drawn_ns = now;
    b->drawn_once = true;
}

cli_bar *cli_bar_start(bool enabled, const char *label, uint64_t total, cli_bar_unit unit,
                       const char *unit_name)
{
    if (!enabled || !isatty(BAR_FD))
        return NULL;
    cli_bar *b = ld_xcalloc(1, sizeof(*b));
    pthread_mutex_init(&b->mu, NULL);
    b->label = ld_term_clean(label ? label : "");
    b->unit_name = unit_name ? ld_term_clean(unit_name) : NULL;
    b->unit = unit;
    b->total = total;
    b->started_ns = now_ns();
    pthread_mutex_lock(&stack_mu);
    b->below = stack_top;
    stack_top = b;
    pthread_mutex_lock(&b->mu);
    draw_locked(b, true);
    pthread_mutex_unlock(&b->mu);
    pthread_mutex_unlock(&stack_mu);
    return b;
}

bool cli_bar_message(const char *msg)
{
    pthread_mutex_lock(&stack_mu);
    cli_bar *b = stack_top;
    if (b) {
        pthread_mutex_lock(&b->mu);
        set_item_locked(b, msg);
        draw_locked(b, true);
        pthread_mutex_unlock(&b->mu);
    }
    pthread_mutex_unlock(&stack_mu);
    return b != NULL;
}

void cli_bar_set_total(cli_bar *b, uint64_t total)
{
    if (!b)
        return;
    pthread_mutex_lock(&b->mu);
    b->total = total;
    draw_locked(b, false);
    pthread_mutex_unlock(&b->mu);
}

/* Replaces the current item with a clean copy of item (mu held). */
static void set_item_locked(cli_bar *b, const char *item)
{
    if (!item)
        return;
    free(b->item);
    b->item = ld_term_clean(item);
}

void cli_bar_set(cli_bar *b, uint64_t done, const char *item)
{
    if (!b)
        return;
    pthread_mutex_lock(&b->mu);
    b->done = done;
    set_item_locked(b, item);
    draw_locked(b, false);
    pthread_mutex_unlock(&b->mu);
}

void cli_bar_add(cli_bar *b, uint64_t n, const char *item)
{
    if (!b)
        return;
    pthread_mutex_lock(&b->mu);
    b->done = b->done + n < b->done ? UINT64_MAX : b->done + n;
    set_item_locked(b, item);
    draw_locked(b, false);
    pthread_mutex_unlock(&b->mu);
}

void cli_bar_finish(cli_bar *b, const char *summary)
{
    if (!b)
        return;
    pthread_mutex_lock(&stack_mu);
    for (cli_bar **p = &stack_top; *p; p = &(*p)->below) {
        if (*p == b) {
            *p = b->below;
            break;
        }
    }
    pthread_mutex_unlock(&stack_mu);
    pthread_mutex_lock(&b->mu);
    if (b->drawn_once) {
        char blank[BAR_COLUMNS_MAX + 3];
        size_t n = b->drawn_cols < BAR_COLUMNS_MAX ? b->drawn_cols : BAR_COLUMNS_MAX;
        blank[0] = '\r';
        memset(blank + 1, ' ', n);
        blank[n + 1] = '\r';
        put_all(blank, n + 2);
    }
    if (summary) {
        char *clean = ld_term_clean(summary);
        char *line = ld_xasprintf("lockdown: %s\n", clean);
        put_all(line, strlen(line));
        free(line);
        free(clean);
    }
    pthread_mutex_unlock(&b->mu);
    pthread_mutex_destroy(&b->mu);
    free(b->label);
    free(b->unit_name);
    free(b->item);
    free(b);
}
