/* Unit tests for the progress bar (src/cli/progress.c, compiled in here:
 * the CLI is not part of liblockdown): driven through a pseudo-terminal
 * (openpty) standing in for stderr, the rendered line shows the counts,
 * never an escape byte from a hostile item name, fits the width, is
 * redrawn at most ten times a second and is blanked at the end; with
 * stderr not a terminal, or the bar disabled, not one byte is written. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/progress.c"

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

typedef struct {
    int master, slave, saved_stderr;
} pty_stderr;

/* Puts a raw pty (no \n -> \r\n translation) on fd 2. */
static void pty_begin(pty_stderr *p)
{
    assert_int_equal(openpty(&p->master, &p->slave, NULL, NULL, NULL), 0);
    struct termios t;
    assert_int_equal(tcgetattr(p->slave, &t), 0);
    cfmakeraw(&t);
    assert_int_equal(tcsetattr(p->slave, TCSANOW, &t), 0);
    p->saved_stderr = dup(STDERR_FILENO);
    assert_true(p->saved_stderr >= 0);
    assert_true(dup2(p->slave, STDERR_FILENO) >= 0);
}

/* Restores fd 2 and returns everything written to the pty (caller frees). */
static char *pty_end(pty_stderr *p, size_t *len)
{
    assert_true(dup2(p->saved_stderr, STDERR_FILENO) >= 0);
    close(p->saved_stderr);
    close(p->slave);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    assert_non_null(buf);
    for (;;) {
        struct pollfd pf = {.fd = p->master, .events = POLLIN};
        if (poll(&pf, 1, 200) <= 0)
            break;
        ssize_t r = read(p->master, buf + n, cap - n);
        if (r <= 0) /* EIO once the slave side is closed and drained */
            break;
        n += (size_t)r;
        if (n == cap)
            break;
    }
    close(p->master);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static size_t count_byte(const char *s, size_t len, char c)
{
    size_t k = 0;
    for (size_t i = 0; i < len; i++)
        k += s[i] == c;
    return k;
}

/* The widest segment between carriage returns / newlines, in bytes (the
 * test's strings are ASCII). */
static size_t widest_segment(const char *s, size_t len)
{
    size_t best = 0, cur = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\r' || s[i] == '\n') {
            cur = 0;
            continue;
        }
        if (++cur > best)
            best = cur;
    }
    return best;
}

static void items_on_a_tty(void **state)
{
    (void)state;
    setenv("COLUMNS", "100", 1);
    pty_stderr p;
    pty_begin(&p);
    cli_bar *b = cli_bar_start(true, "scanning", 20, CLI_BAR_ITEMS, "images");
    assert_non_null(b);
    sleep_ms(120);
    cli_bar_set(b, 3, "evil\x1b]0;owned\x07\x1b[2Jname");
    sleep_ms(120);
    cli_bar_add(b, 1, NULL);
    cli_bar_finish(b, "4 images scanned");
    size_t len = 0;
    char *out = pty_end(&p, &len);

    assert_non_null(strstr(out, "scanning"));
    assert_non_null(strstr(out, "0/20 images"));
    assert_non_null(strstr(out, "3/20 images"));
    assert_non_null(strstr(out, "4/20 images"));
    assert_non_null(strstr(out, "[===")); /* 3/20 of the bar filled */
    /* the hostile name is shown escaped, its bytes never reach the tty */
    assert_null(memchr(out, '\x1b', len));
    assert_null(memchr(out, '\x07', len));
    assert_non_null(strstr(out, "evil\\x1b]0;owned\\x07\\x1b[2Jname"));
    /* never wider than the terminal's 99 usable columns */
    assert_true(widest_segment(out, len) <= 99);
    /* cleared: the last redraw is followed by blanks and a \r, then the summary */
    const char *summary = strstr(out, "lockdown: 4 images scanned\n");
    assert_non_null(summary);
    assert_true(summary > out && summary[-1] == '\r');
    const char *p2 = summary - 2;
    while (p2 > out && *p2 == ' ')
        p2--;
    assert_int_equal(*p2, '\r');
    assert_true(summary - 1 - p2 >= (ptrdiff_t)strlen("scanning [")); /* blanked the line */
    free(out);
    unsetenv("COLUMNS");
}

static void redraws_are_rate_limited(void **state)
{
    (void)state;
    pty_stderr p;
    pty_begin(&p);
    cli_bar *b = cli_bar_start(true, "walking", 0, CLI_BAR_ITEMS, "files");
    for (int i = 0; i < 5000; i++)
        cli_bar_add(b, 1, "f");
    cli_bar_finish(b, NULL);
    size_t len = 0;
    char *out = pty_end(&p, &len);
    /* start's draw, maybe one more if the loop took 100 ms, the clearing \r pair */
    assert_true(count_byte(out, len, '\r') <= 5);
    assert_true(count_byte(out, len, '\r') >= 2);
    assert_null(strchr(out, '\n')); /* no summary asked for */
    free(out);
}

static void bytes_with_late_total(void **state)
{
    (void)state;
    setenv("COLUMNS", "120", 1);
    pty_stderr p;
    pty_begin(&p);
    cli_bar *b = cli_bar_start(true, "osv-npm", 0, CLI_BAR_BYTES, NULL);
    assert_non_null(b);
    sleep_ms(120);
    cli_bar_set_total(b, 48ull << 20);
    sleep_ms(120);
    cli_bar_set(b, 12ull << 20, NULL);
    cli_bar_finish(b, NULL);
    size_t len = 0;
    char *out = pty_end(&p, &len);
    assert_non_null(strstr(out, "0 B/48.0 MiB"));
    assert_non_null(strstr(out, "12.0 MiB/48.0 MiB"));
    free(out);
    unsetenv("COLUMNS");
}

/* A narrow terminal still gets one line that fits, the counts first. */
static void narrow_terminal(void **state)
{
    (void)state;
    setenv("COLUMNS", "24", 1);
    pty_stderr p;
    pty_begin(&p);
    cli_bar *b = cli_bar_start(true, "a-very-long-label-here", 7, CLI_BAR_ITEMS, "tiers");
    cli_bar_finish(b, NULL);
    size_t len = 0;
    char *out = pty_end(&p, &len);
    assert_true(len > 0);
    assert_true(widest_segment(out, len) <= 23);
    free(out);
    unsetenv("COLUMNS");
}

/* Messages go to the newest running bar, in place; a nested bar draws over
 * the outer one and, once finished, messages go to the outer one again;
 * with no bar running a message is the caller's to print. */
static void messages_join_the_running_bar(void **state)
{
    (void)state;
    setenv("COLUMNS", "100", 1);
    assert_false(cli_bar_message("no bar yet"));
    pty_stderr p;
    pty_begin(&p);
    cli_bar *outer = cli_bar_start(true, "assess", 6, CLI_BAR_ITEMS, "tiers");
    assert_non_null(outer);
    assert_true(cli_bar_message("checking the host"));
    cli_bar *inner = cli_bar_start(true, "images", 2, CLI_BAR_ITEMS, "images");
    assert_true(cli_bar_message("reading image one"));
    cli_bar_finish(inner, NULL);
    assert_true(cli_bar_message("checking the registries"));
    cli_bar_finish(outer, NULL);
    assert_false(cli_bar_message("after the bars"));
    size_t len = 0;
    char *out = pty_end(&p, &len);
    assert_non_null(strstr(out, "0/6 tiers  checking the host"));
    assert_non_null(strstr(out, "0/2 images  reading image one"));
    assert_non_null(strstr(out, "0/6 tiers  checking the registries"));
    assert_null(strstr(out, "after the bars")); /* not drawn: no bar ran */
    assert_null(memchr(out, '\n', len));       /* no line of its own while a bar ran */
    free(out);
    unsetenv("COLUMNS");
}

static void nothing_when_not_a_tty(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    int saved = dup(STDERR_FILENO);
    assert_true(dup2(fds[1], STDERR_FILENO) >= 0);
    cli_bar *b = cli_bar_start(true, "scanning", 3, CLI_BAR_ITEMS, "images");
    assert_null(b);
    cli_bar_set(b, 1, "x");
    cli_bar_add(b, 1, "y");
    cli_bar_set_total(b, 9);
    cli_bar_finish(b, "done");
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    close(fds[1]);
    char c;
    assert_int_equal(read(fds[0], &c, 1), 0); /* EOF: not one byte */
    close(fds[0]);
}

static void nothing_when_disabled(void **state)
{
    (void)state;
    pty_stderr p;
    pty_begin(&p);
    cli_bar *b = cli_bar_start(false, "scanning", 3, CLI_BAR_ITEMS, "images");
    assert_null(b);
    cli_bar_add(b, 1, "y");
    cli_bar_finish(b, "done");
    size_t len = 0;
    char *out = pty_end(&p, &len);
    assert_int_equal(len, 0);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(items_on_a_tty),         cmocka_unit_test(redraws_are_rate_limited),
        cmocka_unit_test(bytes_with_late_total),  cmocka_unit_test(narrow_terminal),
        cmocka_unit_test(nothing_when_not_a_tty), cmocka_unit_test(nothing_when_disabled),
        cmocka_unit_test(messages_join_the_running_bar),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
