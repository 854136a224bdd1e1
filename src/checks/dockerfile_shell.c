/* The shell tokenizer the RUN rules read scripts with (see
 * dockerfile_rules_internal.h): a script (shell form, `sh -c` argument,
 * heredoc body) into simple commands — quotes, escapes, $(...), `...`,
 * <(...), pipelines, redirections, comments — so package-manager
 * invocations, pipes into shells, chmod modes and sudo are recognised as
 * commands rather than substrings; and the command word behind assignments
 * and wrappers (sudo, env, nohup, ...). Not a shell: no expansion, no
 * control flow; and no rules: those are in the rule families. */
#include <stdlib.h>
#include <string.h>

#include "checks/dockerfile_rules_internal.h"
#include "util/mem.h"

const char *df_base_name(const char *w)
{
    const char *s = strrchr(w, '/');
    return s ? s + 1 : w;
}

void df_shcmds_clear(df_shcmds *c)
{
    for (size_t i = 0; i < c->n; i++)
        ld_strlist_clear(&c->v[i].w);
    free(c->v);
    memset(c, 0, sizeof(*c));
}

/* Copies a $(...), `...`, <(...) or >(...) group raw into w; returns the
 * index after it. */
static size_t copy_group(const char *s, size_t i, df_sbuf *w)
{
    size_t n = strlen(s);
    if (s[i] == '`') {
        size_t j = i + 1;
        while (j < n && s[j] != '`') {
            if (s[j] == '\\' && j + 1 < n)
                j++;
            j++;
        }
        j = j < n ? j + 1 : n;
        df_sb_putn(w, s + i, j - i);
        return j;
    }
    size_t j = i + 2; /* past "$(" */
    int depth = 1;
    char quote = 0;
    while (j < n && depth > 0) {
        char c = s[j];
        if (quote) {
            if (c == quote)
                quote = 0;
            else if (c == '\\' && quote == '"' && j + 1 < n)
                j++;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '\\' && j + 1 < n) {
            j++;
        } else if (c == '(') {
            depth++;
        } else if (c == ')') {
            depth--;
        }
        j++;
    }
    df_sb_putn(w, s + i, j - i);
    return j;
}

/* Splits a shell script into simple commands: words with quotes removed,
 * $(...)/`...`/<(...) kept whole inside their word, redirections and their
 * targets dropped, `|` joining commands into one pipeline and ; & && || and
 * newlines ending it. Appends to out (caller clears); at most CMDS_MAX. */
void df_shell_split(const char *s, df_shcmds *out)
{
    size_t n = strlen(s);
    df_sbuf w = {0};
    bool in_word = false, skip_next = false;
    int pipeline = 0, pos = 0;
    df_shcmd cur = {0};
    bool have_cmd = false;
#define END_WORD()                                                                                 \
    do {                                                                                           \
        if (in_word) {                                                                             \
            if (skip_next)                                                                         \
                free(df_sb_steal(&w));                                                             \
            else                                                                                   \
                ld_strlist_push_owned(&cur.w, df_sb_steal(&w));                                    \
            skip_next = false;                                                                     \
            in_word = false;                                                                       \
        }                                                                                          \
    } while (0)
#define END_CMD(next_pipeline)                                                                     \
    do {                                                                                           \
        END_WORD();                                                                                \
        skip_next = false;                                                                         \
        if (cur.w.n && out->n < CMDS_MAX) {                                                        \
            cur.pipeline = pipeline;                                                               \
            cur.pos = pos++;                                                                       \
            ld_xgrow(&out->v, &out->cap, out->n + 1, sizeof(*out->v));                             \
            out->v[out->n++] = cur;                                                                \
        } else {                                                                                   \
            ld_strlist_clear(&cur.w);                                                              \
        }                                                                                          \
        memset(&cur, 0, sizeof(cur));                                                              \
        have_cmd = false;                                                                          \
        if (next_pipeline) {                                                                       \
            pipeline++;                                                                            \
            pos = 0;                                                                               \
        }                                                                                          \
    } while (0)
    for (size_t i = 0; i < n;) {
        char c = s[i];
        if (!have_cmd && c != ' ' && c != '\t' && c != '\n') {
            cur.start = i;
            have_cmd = true;
        }
        if (c == '\\' && i + 1 < n && s[i + 1] == '\n') {
            i += 2;
            continue;
        }
        if (c == ' ' || c == '\t') {
            END_WORD();
            i++;
            continue;
        }
        if (c == '\n' || c == ';') {
            END_CMD(true);
            i++;
            continue;
        }
        if (c == '#' && !in_word) {
            while (i < n && s[i] != '\n')
                i++;
            continue;
        }
        if (c == '&' || c == '|') {
            bool dbl = i + 1 < n && s[i + 1] == c;
            if (c == '&' && i + 1 < n && s[i + 1] == '>') { /* &> redirection */
                END_WORD();
                i += 2;
                if (i < n && s[i] == '>')
                    i++;
                skip_next = true;
                continue;
            }
            END_CMD(c == '&' || dbl);
            i += dbl ? 2 : 1;
            if (c == '|' && !dbl && i < n && s[i] == '&')
                i++;
            continue;
        }
        if ((!in_word && c == '(') || c == ')' ||
            (!in_word && (c == '{' || c == '}') &&
             (i + 1 >= n || s[i + 1] == ' ' || s[i + 1] == '\n' || s[i + 1] == ';'))) {
            END_CMD(true);
            i++;
            continue;
        }
        if ((c == '>' || c == '<') && !(i + 1 < n && s[i + 1] == '(')) {
            /* a redirection: drop an fd number before it and the target after */
            bool digits = in_word && w.n > 0;
            for (size_t k = 0; digits && k < w.n; k++)
                if (w.p[k] < '0' || w.p[k] > '9')
                    digits = false;
            if (digits) {
                free(df_sb_steal(&w));
                in_word = false;
            } else {
                END_WORD();
            }
            while (i < n && (s[i] == '>' || s[i] == '<' || s[i] == '|'))
                i++;
            if (i < n && s[i] == '&') {
                i++;
                while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
                    i++;
                continue;
            }
            skip_next = true;
            continue;
        }
        in_word = true;
        if (c == '\'') {
            size_t j = i + 1;
            while (j < n && s[j] != '\'')
                j++;
            df_sb_putn(&w, s + i + 1, (j < n ? j : n) - i - 1);
            if (w.p == NULL)
                df_sb_putn(&w, "", 0);
            i = j < n ? j + 1 : n;
        } else if (c == '"') {
            size_t j = i + 1;
            if (w.p == NULL)
                df_sb_putn(&w, "", 0);
            while (j < n && s[j] != '"') {
                if (s[j] == '\\' && j + 1 < n &&
                    (s[j + 1] == '"' || s[j + 1] == '\\' || s[j + 1] == '$' || s[j + 1] == '`')) {
                    df_sb_putc(&w, s[j + 1]);
                    j += 2;
                } else if (s[j] == '\\' && j + 1 < n && s[j + 1] == '\n') {
                    j += 2;
                } else if ((s[j] == '$' && j + 1 < n && s[j + 1] == '(') || s[j] == '`') {
                    j = copy_group(s, j, &w);
                } else {
                    df_sb_putc(&w, s[j++]);
                }
            }
            i = j < n ? j + 1 : n;
        } else if (c == '\\' && i + 1 < n) {
            df_sb_putc(&w, s[i + 1]);
            i += 2;
        } else if ((c == '$' || c == '<' || c == '>') && i + 1 < n && s[i + 1] == '(') {
            i = copy_group(s, i, &w);
        } else if (c == '`') {
            i = copy_group(s, i, &w);
        } else {
            df_sb_putc(&w, c);
            i++;
        }
    }
    END_CMD(true);
    free(w.p);
#undef END_WORD
#undef END_CMD
}

static bool is_assignment(const char *w)
{
    if (!((w[0] >= 'a' && w[0] <= 'z') || (w[0] >= 'A' && w[0] <= 'Z') || w[0] == '_'))
        return false;
    for (const char *p = w; *p; p++) {
        if (*p == '=')
            return true;
        if (!df_is_alnum(*p) && *p != '_')
            return false;
    }
    return false;
}

bool df_is_shell(const char *name)
{
    static const char *const shells[] = {"sh",   "bash",   "dash",    "zsh",  "ash",  "ksh",
                                         "fish", "python", "python3", "perl", "ruby", "node"};
    for (size_t i = 0; i < sizeof(shells) / sizeof(shells[0]); i++)
        if (strcmp(name, shells[i]) == 0)
            return true;
    return false;
}

bool df_is_posix_shell(const char *name)
{
    return strcmp(name, "sh") == 0 || strcmp(name, "bash") == 0 || strcmp(name, "dash") == 0 ||
           strcmp(name, "zsh") == 0 || strcmp(name, "ash") == 0 || strcmp(name, "ksh") == 0;
}

/* Index of the command word after assignments and wrappers (sudo, env,
 * nohup, ...); *sudo set when sudo wraps it. Returns w->n if none. */
size_t df_command_index(const ld_strlist *w, bool *sudo)
{
    size_t i = 0;
    while (i < w->n) {
        const char *x = w->v[i];
        const char *b = df_base_name(x);
        if (is_assignment(x)) {
            i++;
        } else if (strcmp(b, "sudo") == 0 || strcmp(b, "doas") == 0) {
            *sudo = true;
            i++;
            while (i < w->n && w->v[i][0] == '-') {
                const char *o = w->v[i];
                bool takes = strcmp(o, "-u") == 0 || strcmp(o, "-g") == 0 || strcmp(o, "-U") == 0 ||
                             strcmp(o, "-C") == 0 || strcmp(o, "-p") == 0 || strcmp(o, "-D") == 0 ||
                             strcmp(o, "-r") == 0 || strcmp(o, "-t") == 0;
                i += takes ? 2 : 1;
            }
        } else if (strcmp(b, "env") == 0) {
            i++;
            while (i < w->n && (w->v[i][0] == '-' || is_assignment(w->v[i]))) {
                bool takes = strcmp(w->v[i], "-u") == 0 || strcmp(w->v[i], "-C") == 0;
                i += takes ? 2 : 1;
            }
        } else if (strcmp(b, "nohup") == 0 || strcmp(b, "time") == 0 || strcmp(b, "exec") == 0 ||
                   strcmp(b, "command") == 0 || strcmp(b, "builtin") == 0 ||
                   strcmp(b, "stdbuf") == 0) {
            i++;
            while (i < w->n && w->v[i][0] == '-')
                i++;
        } else if (strcmp(b, "nice") == 0) {
            i++;
            if (i < w->n && strcmp(w->v[i], "-n") == 0)
                i += 2;
            else if (i < w->n && w->v[i][0] == '-')
                i++;
        } else {
            return i;
        }
    }
    return w->n;
}

bool df_has_word(const ld_strlist *w, size_t from, const char *word)
{
    for (size_t i = from; i < w->n; i++)
        if (strcmp(w->v[i], word) == 0)
            return true;
    return false;
}

bool df_word_contains(const ld_strlist *w, size_t from, const char *needle)
{
    for (size_t i = from; i < w->n; i++)
        if (strstr(w->v[i], needle))
            return true;
    return false;
}
