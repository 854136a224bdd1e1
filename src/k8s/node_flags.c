/* Command lines of Kubernetes node components: /proc cmdline images,
 * pflag-style flags, and systemd unit files with their environment. See
 * node_flags.h. Pure: nothing here opens a file. */
#include "k8s/node_flags.h"

#include <ctype.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/mem.h"

/* ---- small growable text buffer with a cap ---------------------------------- */

typedef struct {
    char *s;
    size_t n, cap;
    bool over; /* went past the cap */
} text_buf;

static void tb_putc(text_buf *b, char c)
{
    if (b->n + 2 > LD_NODE_CMDLINE_MAX) {
        b->over = true;
        return;
    }
    ld_xgrow(&b->s, &b->cap, b->n + 2, 1);
    b->s[b->n++] = c;
    b->s[b->n] = '\0';
}

static void tb_puts(text_buf *b, const char *s)
{
    for (; *s && !b->over; s++)
        tb_putc(b, *s);
}

/* The buffer's string (a new "" when empty); the buffer is reset. */
static char *tb_take(text_buf *b)
{
    char *s = b->s ? b->s : ld_xstrdup("");
    b->s = NULL;
    b->n = b->cap = 0;
    return s;
}

/* ---- /proc/PID/cmdline ------------------------------------------------------ */

int ld_node_cmdline_split(const char *buf, size_t len, ld_strlist *argv, ld_error *err)
{
    if (len > LD_NODE_CMDLINE_MAX)
        return ld_error_set(err, LD_ERR_LIMIT, "command line of %zu bytes is over the %zu-byte cap",
                            len, LD_NODE_CMDLINE_MAX);
    if (len > 0 && buf[len - 1] == '\0')
        len--;
    if (len == 0)
        return 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && buf[i] != '\0')
            continue;
        if (argv->n >= LD_NODE_ARGS_MAX)
            return ld_error_set(err, LD_ERR_LIMIT, "command line has more than %d arguments",
                                LD_NODE_ARGS_MAX);
        ld_strlist_push_owned(argv, ld_xstrndup(buf + start, i - start));
        start = i + 1;
    }
    return 0;
}

/* ---- flags ------------------------------------------------------------------ */

static bool listed(const char *const *names, const char *name, size_t len)
{
    for (; names && *names; names++)
        if (strlen(*names) == len && strncmp(*names, name, len) == 0)
            return true;
    return false;
}

/* "-x...", "--x...": a flag (a lone "-" is a word: stdin, or stdout for
 * --audit-log-path). */
static bool looks_like_flag(const char *a)
{
    return a[0] == '-' && a[1] != '\0';
}

static void push_flag(ld_node_flags *f, const char *name, size_t name_len, const char *value,
                      bool bare, size_t arg, const int *lines)
{
    ld_xgrow(&f->v, &f->cap, f->n + 1, sizeof(*f->v));
    ld_node_flag *x = &f->v[f->n++];
    x->name = ld_xstrndup(name, name_len);
    x->value = ld_xstrdup(value);
    x->bare = bare;
    x->arg = (int)arg;
    x->line = lines ? lines[arg] : 0;
}

void ld_node_flags_parse(ld_node_flags *f, char *const *argv, size_t n, size_t first,
                         const int *lines, const char *const *bool_flags)
{
    for (size_t i = first; i < n; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            break;
        if (!looks_like_flag(a))
            continue; /* a positional word: components take none that matter */
        const char *name = a + (a[1] == '-' ? 2 : 1);
        if (!*name || *name == '=')
            continue;
        const char *eq = strchr(name, '=');
        if (eq) {
            push_flag(f, name, (size_t)(eq - name), eq + 1, false, i, lines);
        } else if (listed(bool_flags, name, strlen(name))) {
            push_flag(f, name, strlen(name), "true", true, i, lines);
        } else if (i + 1 < n && !looks_like_flag(argv[i + 1])) {
            push_flag(f, name, strlen(name), argv[i + 1], false, i, lines);
            i++;
        } else {
            /* a flag this table does not know as a bool, with nothing after
             * it: pflag would take it as a bool (or refuse it) */
            push_flag(f, name, strlen(name), "true", true, i, lines);
        }
    }
}

void ld_node_flags_clear(ld_node_flags *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->v[i].name);
        free(f->v[i].value);
    }
    free(f->v);
    memset(f, 0, sizeof(*f));
}

const ld_node_flag *ld_node_flag_get(const ld_node_flags *f, const char *name)
{
    for (size_t i = f->n; i-- > 0;)
        if (strcmp(f->v[i].name, name) == 0)
            return &f->v[i];
    return NULL;
}

/* Calls fn for each comma-separated item of s, trimmed, non-empty. */
static void each_item(const char *s, void (*fn)(void *ctx, const char *item, size_t len), void *ctx)
{
    while (*s) {
        const char *end = strchr(s, ',');
        if (!end)
            end = s + strlen(s);
        const char *a = s, *b = end;
        while (a < b && isspace((unsigned char)*a))
            a++;
        while (b > a && isspace((unsigned char)b[-1]))
            b--;
        if (b > a)
            fn(ctx, a, (size_t)(b - a));
        s = *end ? end + 1 : end;
    }
}

static void push_item(void *ctx, const char *item, size_t len)
{
    ld_strlist_push_owned(ctx, ld_xstrndup(item, len));
}

size_t ld_node_flag_list(const ld_node_flags *f, const char *name, ld_strlist *out)
{
    size_t seen = 0;
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(f->v[i].name, name) != 0)
            continue;
        seen++;
        each_item(f->v[i].value, push_item, out);
    }
    return seen;
}

typedef struct {
    const char *key;
    char *value;
    bool hit;
} map_lookup;

static void map_item(void *ctx, const char *item, size_t len)
{
    map_lookup *m = ctx;
    const char *eq = memchr(item, '=', len);
    if (!eq)
        return;
    const char *kend = eq;
    while (kend > item && isspace((unsigned char)kend[-1]))
        kend--;
    if ((size_t)(kend - item) != strlen(m->key) || strncmp(item, m->key, strlen(m->key)) != 0)
        return;
    const char *v = eq + 1, *vend = item + len;
    while (v < vend && isspace((unsigned char)*v))
        v++;
    free(m->value);
    m->value = ld_xstrndup(v, (size_t)(vend - v));
    m->hit = true;
}

const ld_node_flag *ld_node_flag_map_get(const ld_node_flags *f, const char *name, const char *key,
                                         char **value)
{
    const ld_node_flag *by = NULL;
    map_lookup m = {.key = key};
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(f->v[i].name, name) != 0)
            continue;
        m.hit = false;
        each_item(f->v[i].value, map_item, &m);
        if (m.hit)
            by = &f->v[i];
    }
    if (!by) {
        free(m.value);
        return NULL;
    }
    *value = m.value;
    return by;
}

bool ld_node_parse_go_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True", NULL};
    static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False", NULL};
    if (!s)
        return false;
    for (size_t i = 0; yes[i]; i++)
        if (strcmp(s, yes[i]) == 0) {
            *out = true;
            return true;
        }
    for (size_t i = 0; no[i]; i++)
        if (strcmp(s, no[i]) == 0) {
            *out = false;
            return true;
        }
    return false;
}

bool ld_node_parse_uint(const char *s, long long *out)
{
    if (!s || !*s)
        return false;
    long long v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *s - '0', &v))
            return false;
    }
    *out = v;
    return true;
}

/* ---- systemd: words, variables ------------------------------------------------ */

static bool name_start(char c)
{
    return isalpha((unsigned char)c) || c == '_';
}

static bool name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* One C-style escape after a backslash at *p (p points past the '\\');
 * advances *p. */
static void unescape(const char **p, text_buf *b)
{
    char c = **p;
    if (!c)
        return;
    (*p)++;
    switch (c) {
    case 'n': tb_putc(b, '\n'); break;
    case 't': tb_putc(b, '\t'); break;
    case 'r': tb_putc(b, '\r'); break;
    default: tb_putc(b, c); break; /* \\ \" \' \  and anything else: itself */
    }
}

typedef struct {
    const ld_node_unit *unit; /* variables to expand; NULL: none */
    ld_strlist *out;
    ld_error *err;
    size_t bytes; /* total bytes of the words produced */
} word_ctx;

static int push_word(word_ctx *w, char *s)
{
    size_t len = strlen(s);
    if (w->out->n >= LD_NODE_ARGS_MAX || w->bytes + len + 1 > LD_NODE_CMDLINE_MAX) {
        free(s);
        return ld_error_set(w->err, LD_ERR_LIMIT,
                            "command line expands past %d arguments or %zu bytes", LD_NODE_ARGS_MAX,
                            LD_NODE_CMDLINE_MAX);
    }
    w->bytes += len + 1;
    ld_strlist_push_owned(w->out, s);
    return 0;
}

static int split_words(word_ctx *w, const char *s);

/* Appends the value of ${NAME} (p at '$', '{' follows) to b; advances *p. */
static void expand_braced(word_ctx *w, const char **p, text_buf *b)
{
    const char *name = *p + 2;
    const char *end = strchr(name, '}');
    if (!end) { /* "${" without "}": literal, as systemd leaves it */
        tb_putc(b, '$');
        (*p)++;
        return;
    }
    ld_autofree char *n = ld_xstrndup(name, (size_t)(end - name));
    const char *v = ld_node_unit_getenv(w->unit, n);
    if (v)
        tb_puts(b, v);
    *p = end + 1;
}

static int split_words(word_ctx *w, const char *s)
{
    const char *p = s;
    for (;;) {
        while (*p && isspace((unsigned char)*p))
            p++;
        if (!*p)
            return 0;
        /* $NAME as a word of its own: its value split into words */
        if (w->unit && p[0] == '$' && name_start(p[1])) {
            const char *q = p + 1;
            while (name_char(*q))
                q++;
            if (!*q || isspace((unsigned char)*q)) {
                ld_autofree char *n = ld_xstrndup(p + 1, (size_t)(q - p - 1));
                const char *v = ld_node_unit_getenv(w->unit, n);
                p = q;
                if (v) {
                    word_ctx inner = {
                        .unit = NULL, .out = w->out, .err = w->err, .bytes = w->bytes};
                    int rc = split_words(&inner, v);
                    w->bytes = inner.bytes;
                    if (rc < 0)
                        return rc;
                }
                continue;
            }
        }
        text_buf b = {0};
        while (*p && !isspace((unsigned char)*p)) {
            if (*p == '"' || *p == '\'') {
                char quote = *p++;
                while (*p && *p != quote) {
                    if (*p == '\\' && quote == '"') {
                        p++;
                        unescape(&p, &b);
                    } else if (w->unit && quote == '"' && p[0] == '$' && p[1] == '{') {
                        expand_braced(w, &p, &b);
                    } else {
                        tb_putc(&b, *p++);
                    }
                }
                if (!*p) {
                    free(b.s);
                    return ld_error_set(w->err, LD_ERR_CORRUPT, "unterminated %c quote", quote);
                }
                p++;
            } else if (*p == '\\') {
                p++;
                unescape(&p, &b);
            } else if (w->unit && p[0] == '$' && p[1] == '$') {
                tb_putc(&b, '$');
                p += 2;
            } else if (w->unit && p[0] == '$' && p[1] == '{') {
                expand_braced(w, &p, &b);
            } else {
                tb_putc(&b, *p++);
            }
        }
        if (b.over) {
            free(b.s);
            return ld_error_set(w->err, LD_ERR_LIMIT, "a word is over %zu bytes",
                                LD_NODE_CMDLINE_MAX);
        }
        int rc = push_word(w, tb_take(&b));
        if (rc < 0)
            return rc;
    }
}

/* ---- systemd: units ----------------------------------------------------------- */

static void problem(ld_node_unit *u, const char *name, int line, const char *why)
{
    if (u->problems.n < 64)
        ld_strlist_push_owned(&u->problems, ld_xasprintf("%s:%d: %s", name, line, why));
}

static bool valid_env_name(const char *s, size_t len)
{
    if (len == 0 || !name_start(s[0]))
        return false;
    for (size_t i = 1; i < len; i++)
        if (!name_char(s[i]))
            return false;
    return true;
}

static int env_count_check(const ld_node_unit *u, ld_error *err)
{
    if (u->env.n + u->file_env.n >= LD_NODE_ENV_MAX)
        return ld_error_set(err, LD_ERR_LIMIT, "more than %d environment variables",
                            LD_NODE_ENV_MAX);
    return 0;
}

/* Environment=A=1 "B=two words": each word an assignment. */
static int add_environment(ld_node_unit *u, const char *name, int line, const char *value,
                           ld_error *err)
{
    ld_strlist words = {0};
    word_ctx w = {.unit = NULL, .out = &words, .err = err};
    int rc = split_words(&w, value);
    if (rc < 0) {
        problem(u, name, line, err->msg);
        ld_error_clear(err);
        ld_strlist_clear(&words);
        return 0;
    }
    for (size_t i = 0; rc == 0 && i < words.n; i++) {
        const char *eq = strchr(words.v[i], '=');
        if (!eq || !valid_env_name(words.v[i], (size_t)(eq - words.v[i]))) {
            problem(u, name, line, "Environment= item is not NAME=VALUE");
            continue;
        }
        rc = env_count_check(u, err);
        if (rc == 0)
            ld_strlist_push(&u->env, words.v[i]);
    }
    ld_strlist_clear(&words);
    return rc;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Logical lines of a unit or environment file: backslash-newline joins
 * (a unit gets a space in its place; an environment file joins the lines).
 * Calls fn(line_text, first_line_number). */
typedef int (*line_fn)(void *ctx, char *line, int lineno, ld_error *err);

static int each_logical_line(const char *text, size_t len, bool join_with_space, line_fn fn,
                             void *ctx, ld_error *err)
{
    text_buf b = {0};
    int lineno = 1, start = 1;
    int rc = 0;
    for (size_t i = 0; i <= len && rc == 0; i++) {
        char c = i < len ? text[i] : '\n';
        if (c == '\r' && i + 1 < len && text[i + 1] == '\n')
            continue;
        if (c != '\n') {
            tb_putc(&b, c);
            continue;
        }
        if (b.n > 0 && b.s[b.n - 1] == '\\' && i < len) {
            /* continued; a comment line never continues */
            const char *t = b.s;
            while (isspace((unsigned char)*t))
                t++;
            if (*t != '#' && *t != ';') {
                /* units: the backslash becomes a space; env files: dropped */
                if (join_with_space)
                    b.s[b.n - 1] = ' ';
                else
                    b.s[--b.n] = '\0';
                lineno++;
                continue;
            }
        }
        if (b.over) {
            free(b.s);
            return ld_error_set(err, LD_ERR_LIMIT, "line %d is over %zu bytes", start,
                                LD_NODE_CMDLINE_MAX);
        }
        char *line = tb_take(&b);
        rc = fn(ctx, line, start, err);
        free(line);
        lineno++;
        start = lineno;
    }
    free(b.s);
    return rc;
}

typedef struct {
    ld_node_unit *u;
    const char *name;
    bool in_service;
} unit_parse;

static int unit_line(void *ctx, char *raw, int lineno, ld_error *err)
{
    unit_parse *p = ctx;
    char *line = trim(raw);
    if (!*line || *line == '#' || *line == ';')
        return 0;
    if (*line == '[') {
        p->in_service = strcmp(line, "[Service]") == 0;
        return 0;
    }
    if (!p->in_service)
        return 0;
    char *eq = strchr(line, '=');
    if (!eq) {
        problem(p->u, p->name, lineno, "line is not KEY=VALUE");
        return 0;
    }
    *eq = '\0';
    char *key = trim(line), *value = trim(eq + 1);
    ld_node_unit *u = p->u;
    if (strcmp(key, "ExecStart") == 0) {
        free(u->exec_start);
        free(u->exec_start_file);
        u->exec_start = NULL;
        u->exec_start_file = NULL;
        u->exec_start_line = 0;
        while (*value && strchr("@-:+!", *value))
            value++;
        if (*value) {
            u->exec_start = ld_xstrdup(value);
            u->exec_start_file = ld_xstrdup(p->name);
            u->exec_start_line = lineno;
        }
    } else if (strcmp(key, "Environment") == 0) {
        if (!*value) {
            ld_strlist_clear(&u->env);
            return 0;
        }
        return add_environment(u, p->name, lineno, value, err);
    } else if (strcmp(key, "EnvironmentFile") == 0) {
        if (!*value) {
            ld_strlist_clear(&u->env_files);
            return 0;
        }
        if (u->env_files.n >= 64)
            return ld_error_set(err, LD_ERR_LIMIT, "%s: more than 64 EnvironmentFile= lines",
                                p->name);
        ld_strlist_push(&u->env_files, value);
    }
    return 0;
}

int ld_node_unit_add(ld_node_unit *u, const char *name, const char *text, size_t len, ld_error *err)
{
    if (len > LD_NODE_UNIT_MAX)
        return ld_error_set(err, LD_ERR_LIMIT, "%s: %zu bytes is over the %zu-byte cap", name, len,
                            LD_NODE_UNIT_MAX);
    unit_parse p = {.u = u, .name = name};
    return each_logical_line(text, len, true, unit_line, &p, err);
}

typedef struct {
    ld_node_unit *u;
    const char *name;
} env_parse;

static int env_line(void *ctx, char *raw, int lineno, ld_error *err)
{
    env_parse *p = ctx;
    char *line = raw;
    while (isspace((unsigned char)*line))
        line++;
    if (!*line || *line == '#' || *line == ';')
        return 0;
    char *eq = strchr(line, '=');
    if (!eq) {
        problem(p->u, p->name, lineno, "line is not NAME=VALUE");
        return 0;
    }
    *eq = '\0';
    char *key = trim(line);
    if (!valid_env_name(key, strlen(key))) {
        problem(p->u, p->name, lineno, "not a variable name");
        return 0;
    }
    const char *v = eq + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    text_buf b = {0};
    if (*v == '"' || *v == '\'') {
        char quote = *v++;
        while (*v && *v != quote) {
            if (*v == '\\' && quote == '"') {
                v++;
                unescape(&v, &b);
            } else {
                tb_putc(&b, *v++);
            }
        }
        if (*v != quote) {
            free(b.s);
            problem(p->u, p->name, lineno, "unterminated quote");
            return 0;
        }
    } else {
        tb_puts(&b, trim(eq + 1));
    }
    if (b.over) {
        free(b.s);
        return ld_error_set(err, LD_ERR_LIMIT, "%s:%d: value is over %zu bytes", p->name, lineno,
                            LD_NODE_CMDLINE_MAX);
    }
    int rc = env_count_check(p->u, err);
    ld_autofree char *value = tb_take(&b);
    if (rc == 0)
        ld_strlist_push_owned(&p->u->file_env, ld_xasprintf("%s=%s", key, value));
    return rc;
}

int ld_node_unit_env_file(ld_node_unit *u, const char *name, const char *text, size_t len,
                          ld_error *err)
{
    if (len > LD_NODE_UNIT_MAX)
        return ld_error_set(err, LD_ERR_LIMIT, "%s: %zu bytes is over the %zu-byte cap", name, len,
                            LD_NODE_UNIT_MAX);
    env_parse p = {.u = u, .name = name};
    return each_logical_line(text, len, false, env_line, &p, err);
}

void ld_node_unit_clear(ld_node_unit *u)
{
    free(u->exec_start);
    free(u->exec_start_file);
    ld_strlist_clear(&u->env);
    ld_strlist_clear(&u->env_files);
    ld_strlist_clear(&u->file_env);
    ld_strlist_clear(&u->problems);
    memset(u, 0, sizeof(*u));
}

static const char *lookup(const ld_strlist *l, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = l->n; i-- > 0;)
        if (strncmp(l->v[i], name, len) == 0 && l->v[i][len] == '=')
            return l->v[i] + len + 1;
    return NULL;
}

const char *ld_node_unit_getenv(const ld_node_unit *u, const char *name)
{
    if (!u)
        return NULL;
    const char *v = lookup(&u->file_env, name);
    return v ? v : lookup(&u->env, name);
}

int ld_node_unit_expand(const ld_node_unit *u, ld_strlist *argv, ld_error *err)
{
    if (!u->exec_start)
        return ld_error_set(err, LD_ERR_NOT_FOUND, "no ExecStart=");
    word_ctx w = {.unit = u, .out = argv, .err = err};
    int rc = split_words(&w, u->exec_start);
    if (rc < 0)
        ld_error_wrap(err, "%s:%d: ExecStart=", u->exec_start_file ? u->exec_start_file : "unit",
                      u->exec_start_line);
    return rc;
}
