/* Reading a key password from LOCKDOWN_KEY_PASSWORD or the terminal with
 * echo off (cli/key_password.h). The terminal's settings are put back on
 * every way out, a signal included. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli/key_password.h"
#include "cli/cli.h"
#include "util/input_file.h"
#include "util/mem.h"

#define PASSWORD_MAX 1024

/* The terminal being read with echo off, for the signal handler. */
static volatile sig_atomic_t tty_fd = -1;
static struct termios tty_saved;

static void restore_and_reraise(int sig)
{
    if (tty_fd >= 0) {
        tcsetattr(tty_fd, TCSANOW, &tty_saved);
        (void)!write(tty_fd, "\n", 1);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static const int caught[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};
#define N_CAUGHT (sizeof(caught) / sizeof(caught[0]))

static void put(int fd, const char *s)
{
    size_t n = strlen(s);
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

/* One line from the terminal fd with echo off into buf; 0, or -1 (over
 * PASSWORD_MAX or end of input). */
static int read_line(int fd, const char *prompt, char *buf, ld_error *err)
{
    struct termios quiet;
    if (tcgetattr(fd, &tty_saved) < 0)
        return ld_error_set_errno(err, LD_ERR_INVALID, errno, "cannot read the terminal settings");
    quiet = tty_saved;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    quiet.c_lflag |= ECHONL;
    struct sigaction sa = {.sa_handler = restore_and_reraise}, old[N_CAUGHT];
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < N_CAUGHT; i++)
        sigaction(caught[i], &sa, &old[i]);
    tty_fd = fd;
    /* echo off (and typeahead dropped) before the prompt: what is typed
     * after the prompt is never shown, nor lost */
    tcsetattr(fd, TCSAFLUSH, &quiet);
    put(fd, prompt);
    size_t n = 0;
    int rc = 0;
    for (;;) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            rc = ld_error_set(err, LD_ERR_INVALID, "no password read from the terminal");
            break;
        }
        if (c == '\n' || c == '\r')
            break;
        if (n == PASSWORD_MAX) {
            rc = ld_error_set(err, LD_ERR_INVALID, "password longer than %d bytes", PASSWORD_MAX);
            break;
        }
        buf[n++] = c;
    }
    buf[n] = '\0';
    tcsetattr(fd, TCSANOW, &tty_saved);
    tty_fd = -1;
    for (size_t i = 0; i < N_CAUGHT; i++)
        sigaction(caught[i], &old[i], NULL);
    return rc;
}

int cli_key_password(const char *what, bool confirm, char **out, ld_error *err)
{
    *out = NULL;
    const char *env = getenv(CLI_KEY_PASSWORD_ENV);
    if (env) {
        *out = ld_xstrdup(env);
        return 0;
    }
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 || !isatty(fd)) {
        if (fd >= 0)
            close(fd);
        return ld_error_set(err, LD_ERR_INVALID,
                            "no password for %s: set %s or run on a terminal to be asked", what,
                            CLI_KEY_PASSWORD_ENV);
    }
    char *first = ld_xmalloc(PASSWORD_MAX + 1), *second = NULL;
    char *prompt = ld_xasprintf("Password for %s: ", what);
    int rc = read_line(fd, prompt, first, err);
    free(prompt);
    if (rc == 0 && confirm) {
        second = ld_xmalloc(PASSWORD_MAX + 1);
        prompt = ld_xasprintf("Password for %s again: ", what);
        rc = read_line(fd, prompt, second, err);
        free(prompt);
        if (rc == 0 && strcmp(first, second) != 0)
            rc = ld_error_set(err, LD_ERR_INVALID, "the two passwords for %s differ", what);
    }
    close(fd);
    if (second) {
        OPENSSL_cleanse(second, PASSWORD_MAX + 1);
        free(second);
    }
    if (rc < 0) {
        OPENSSL_cleanse(first, PASSWORD_MAX + 1);
        free(first);
        return rc;
    }
    *out = first;
    return 0;
}

void cli_key_password_free(char *password)
{
    if (!password)
        return;
    OPENSSL_cleanse(password, strlen(password));
    free(password);
}

/* The private key at path, its password (when it is encrypted) from
 * LOCKDOWN_KEY_PASSWORD or the terminal. Returns the key, or NULL after
 * printing why (*rc: the exit code). */
ld_key *cli_load_signing_key(const char *path, int *rc)
{
    ld_error err = LD_ERROR_INIT;
    char *pem = NULL;
    size_t len = 0;
    if (ld_input_read(path, "private key", LD_KEY_MAX_FILE_BYTES, &pem, &len, &err) < 0) {
        *rc = cli_error_exit(&err);
        return NULL;
    }
    char *password = NULL;
    ld_key_pem_kind kind = ld_key_pem_classify(pem, len);
    if (kind == LD_KEY_PEM_PKCS8_ENCRYPTED || kind == LD_KEY_PEM_SIGSTORE) {
        if (cli_key_password(path, false, &password, &err) < 0) {
            explicit_bzero(pem, len);
            free(pem);
            cli_error(&err);
            *rc = err.code == LD_ERR_INVALID ? LD_EXIT_USAGE : LD_EXIT_ERROR;
            return NULL;
        }
    }
    ld_key *k = ld_key_load_private(path, pem, len, password, &err);
    cli_key_password_free(password);
    explicit_bzero(pem, len);
    free(pem);
    if (!k) {
        *rc = cli_error_exit(&err);
        return NULL;
    }
    return k;
}
