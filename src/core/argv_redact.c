/* Secrets out of a command line before it is recorded (core/argv_redact.h):
 * option values by the option's name, URL credentials, KEY=VALUE words
 * with credential names, and whatever the built-in secret rules find. */
#include "core/argv_redact.h"

#include <stdlib.h>
#include <string.h>

#include "checks/secrets.h"
#include "util/mem.h"
#include "util/url_redact.h"

#define MAX_KEY_NAME 128 /* longer "KEY" parts are not variable names */

/* Options that carry a credential although ld_secret_key_name does not
 * say so (creds: "user:password" as skopeo and podman take it). */
static const char *const secret_options[] = {
    "password",      "passwd",     "token",  "identity-token", "registry-token", "creds",
    "src-creds",     "dest-creds", "bearer", "bearer-token",   "cookie",         "passphrase",
    "session-token", NULL,
};

/* lockdown's options whose names sound secret but whose values are not:
 * no value at all, a file name, a size. */
static const char *const plain_options[] = {
    "password-stdin", "token-stdin", "htpasswd", "secret-max-bytes", NULL,
};

static bool in_list(const char *const *list, const char *name, size_t n)
{
    for (; *list; list++)
        if (strlen(*list) == n && strncmp(*list, name, n) == 0)
            return true;
    return false;
}

bool ld_argv_secret_option(const char *name, size_t n)
{
    if (n == 0)
        return false;
    if (in_list(secret_options, name, n))
        return true;
    if (in_list(plain_options, name, n))
        return false;
    return ld_secret_key_name(name, n);
}

/* Length of a variable-like KEY before '=' at the start of s (letters,
 * digits, '_', '.', '-', not starting with '-'), 0 if s is not KEY=VALUE. */
static size_t key_length(const char *s)
{
    size_t n = 0;
    while (s[n] && s[n] != '=') {
        char c = s[n];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || (c == '-' && n > 0);
        if (!ok || n >= MAX_KEY_NAME)
            return 0;
        n++;
    }
    return s[n] == '=' ? n : 0;
}

char *ld_argv_redact_word(const char *s)
{
    if (!s)
        return NULL;
    char *t = ld_url_has_secrets(s) ? ld_url_redact(s) : ld_xstrdup(s);
    size_t k = key_length(t);
    if (k > 0 && t[k + 1] && ld_secret_key_name(t, k)) {
        char *r = ld_xasprintf("%.*s=%s", (int)k, t, LD_REDACTED);
        free(t);
        return r;
    }
    /* the built-in rules: tokens with a known shape, PEM blocks, the
     * credential after "Bearer", "-u user:password" inside one word */
    char *m = ld_secret_mask_text(NULL, t);
    if (m && strcmp(m, t) != 0) {
        free(t);
        return m;
    }
    free(m);
    return t;
}

char **ld_argv_redact(int argc, char *const *argv)
{
    if (argc < 0)
        argc = 0;
    char **out = ld_xcalloc((size_t)argc + 1, sizeof(*out));
    bool operands = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i] ? argv[i] : "";
        if (operands || i == 0 || strncmp(a, "--", 2) != 0) {
            out[i] = ld_argv_redact_word(a);
            continue;
        }
        if (a[2] == '\0') { /* "--": operands follow */
            out[i] = ld_xstrdup(a);
            operands = true;
            continue;
        }
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t n = eq ? (size_t)(eq - name) : strlen(name);
        bool secret = ld_argv_secret_option(name, n);
        if (eq) {
            if (secret && eq[1] == '\0') {
                out[i] = ld_xstrdup(a); /* nothing to hide */
            } else if (secret) {
                out[i] = ld_xasprintf("--%.*s=%s", (int)n, name, LD_REDACTED);
            } else {
                char *v = ld_argv_redact_word(eq + 1);
                out[i] = ld_xasprintf("--%.*s=%s", (int)n, name, v);
                free(v);
            }
            continue;
        }
        out[i] = ld_xstrdup(a);
        if (secret && i + 1 < argc) /* the next word is its value, whatever it looks like */
            out[++i] = ld_xstrdup(LD_REDACTED);
    }
    return out;
}

void ld_argv_free(char **v)
{
    if (!v)
        return;
    for (char **p = v; *p; p++)
        free(*p);
    free(v);
}
