/* Dockerfile lint rules (see dockerfile_rules.h). RUN scripts (shell form,
 * exec form `sh -c`, heredoc bodies) are split into simple commands with a
 * small shell tokenizer (quotes, escapes, $(...), pipelines, redirections)
 * so package-manager invocations, pipes into shells, chmod modes and sudo
 * are recognised as commands rather than substrings. Not a shell: no
 * expansion, no control flow; what it cannot see (a package list in a
 * requirements file, a variable) is given the benefit of the doubt. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/dockerfile_rules.h"
#include "checks/secrets.h"
#include "core/finding.h"
#include "util/mem.h"

#define EVIDENCE_MAX 480   /* bytes of instruction text in evidence */
#define SCRIPT_DEPTH_MAX 4 /* sh -c "sh -c '...'" */
#define CMDS_MAX 20000     /* simple commands per script */
#define MASK_MAX 4096      /* bytes of text ld_df_mask_secrets keeps */
#define MASK_OPS_MAX 4096  /* searches and replacements per masking */
#define PENDING_MAX 64     /* distinct (rule, line) failures per instruction */
#define DETAIL_ITEM_MAX 160
#define CONTEXT_MAX 240
#define WHAT_MAX 160 /* "secret found: <rule description> (rule <id>)" */

static const ld_df_rule rules[] = {
    {"dockerfile.user", LD_SEV_HIGH, "Dockerfile: final stage runs as root",
     "the final stage switches to a non-root USER"},
    {"dockerfile.sudo", LD_SEV_MEDIUM, "Dockerfile: sudo used or installed",
     "no RUN uses or installs sudo"},
    {"dockerfile.add-instruction", LD_SEV_LOW, "Dockerfile: ADD used where COPY would do",
     "no ADD of local files, local archives or pinned remote sources (COPY is used)"},
    {"dockerfile.remote-add", LD_SEV_MEDIUM,
     "Dockerfile: ADD fetches a remote source that nothing pins",
     "no ADD of a URL without --checksum or of a git source without a commit id"},
    {"dockerfile.pipe-to-shell", LD_SEV_HIGH, "Dockerfile: downloaded script piped into a shell",
     "no curl/wget output piped into a shell"},
    {"dockerfile.unverified-packages", LD_SEV_MEDIUM,
     "Dockerfile: package signature or TLS verification disabled",
     "no package install with verification disabled"},
    {"dockerfile.package-pinning", LD_SEV_LOW,
     "Dockerfile: packages installed without a pinned version",
     "every package install pins its versions"},
    {"dockerfile.apt-no-recommends", LD_SEV_LOW,
     "Dockerfile: apt-get install without --no-install-recommends",
     "every apt-get install uses --no-install-recommends"},
    {"dockerfile.secrets", LD_SEV_CRITICAL, "Dockerfile: secret in ENV, ARG or build instructions",
     "no secret-named ENV/ARG with a literal value and nothing that looks like a key"},
    {"dockerfile.from-latest", LD_SEV_MEDIUM, "Dockerfile: base image is untagged or :latest",
     "every FROM names a tag other than latest, a digest, scratch or a stage"},
    {"dockerfile.base-trusted", LD_SEV_HIGH,
     "Dockerfile: base image outside the trusted registries",
     "every FROM image comes from a trusted registry"},
    {"dockerfile.healthcheck", LD_SEV_LOW, "Dockerfile: no HEALTHCHECK in the final stage",
     "the final stage declares a HEALTHCHECK"},
    {"dockerfile.chmod-777", LD_SEV_MEDIUM,
     "Dockerfile: world-writable permissions (chmod 777, a+w)",
     "no chmod or --chmod makes files world-writable"},
    {"dockerfile.sensitive-port", LD_SEV_HIGH,
     "Dockerfile: remote-shell or engine port exposed (22, 23, 2375, 2376)",
     "no EXPOSE of ports 22, 23, 2375 or 2376"},
    {"dockerfile.update-alone", LD_SEV_LOW,
     "Dockerfile: package index update without install in the same RUN",
     "every package index update is followed by an install in the same RUN"},
};
#define N_RULES (sizeof(rules) / sizeof(rules[0]))

enum {
    R_USER,
    R_SUDO,
    R_ADD,
    R_REMOTE_ADD,
    R_PIPE,
    R_UNVERIFIED,
    R_PINNING,
    R_RECOMMENDS,
    R_SECRETS,
    R_LATEST,
    R_TRUSTED,
    R_HEALTH,
    R_CHMOD,
    R_PORT,
    R_UPDATE,
};

const ld_df_rule *ld_df_rules(size_t *n)
{
    *n = N_RULES;
    return rules;
}

const ld_df_rule *ld_df_rule_find(const char *id)
{
    for (size_t i = 0; i < N_RULES; i++)
        if (strcmp(rules[i].id, id) == 0)
            return &rules[i];
    return NULL;
}

/* ---- helpers -------------------------------------------------------------- */

typedef struct {
    char *p;
    size_t n, cap;
} sbuf;

static void sb_putn(sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 64;
        while (nc < b->n + n + 1)
            nc *= 2;
        b->p = ld_xrealloc(b->p, nc);
        b->cap = nc;
    }
    if (n)
        memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}
static void sb_putc(sbuf *b, char c)
{
    sb_putn(b, &c, 1);
}
static void sb_puts(sbuf *b, const char *s)
{
    sb_putn(b, s, strlen(s));
}
static char *sb_steal(sbuf *b)
{
    char *s = b->p ? b->p : ld_xstrdup("");
    b->p = NULL;
    b->n = b->cap = 0;
    return s;
}

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static const char *base_name(const char *w)
{
    const char *s = strrchr(w, '/');
    return s ? s + 1 : w;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* ---- secrets ---------------------------------------------------------------- */

/* Secret-looking names are judged by ld_secret_key_name, the same test the
 * masking of every printed text uses (checks/secrets.h). */
static bool secret_name(const char *key)
{
    return ld_secret_key_name(key, strlen(key));
}

/* A literal value: not empty and not just a reference to another variable. */
static bool literal_value(const char *raw)
{
    if (!raw)
        return false;
    const char *s = raw;
    size_t n = strlen(s);
    if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0]) {
        s++;
        n -= 2;
    }
    if (n == 0)
        return false;
    /* switches, not secrets: PASSWORD_AUTH=false */
    static const char *const flags[] = {"true", "false", "yes", "no", "on", "off", "0", "1"};
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        if (strlen(flags[i]) == n && strncasecmp(s, flags[i], n) == 0)
            return false;
    if (s[0] == '$') {
        size_t i = 1;
        bool brace = i < n && s[i] == '{';
        if (brace)
            i++;
        while (i < n && (is_alnum(s[i]) || s[i] == '_'))
            i++;
        if (brace && i < n && s[i] == '}')
            i++;
        if (i == n)
            return false;
    }
    return true;
}

/* Replaces [at, at+n) of *s by the mask a secret finding would show;
 * returns the index after the mask. */
static size_t mask_span(char **s, size_t at, size_t n)
{
    char m[LD_SECRET_MASK_MAX];
    ld_secret_mask(*s + at, n, m);
    size_t len = strlen(*s);
    sbuf b = {0};
    sb_putn(&b, *s, at);
    sb_puts(&b, m);
    size_t after = b.n;
    sb_putn(&b, *s + at + n, len - at - n);
    free(*s);
    *s = sb_steal(&b);
    return after;
}

static bool pair_is_secret(const ld_df_instr *in, const ld_df_pair *pr)
{
    return (in->kind == LD_DF_ENV || in->kind == LD_DF_ARG) && secret_name(pr->key) &&
           literal_value(pr->raw);
}

char *ld_df_mask_secrets(const ld_df_instr *in, const char *text)
{
    /* bounded work whatever the input: evidence never shows more than this,
     * and a text with too many secrets to mask is withheld entirely */
    size_t keep = strnlen(text, MASK_MAX);
    if (text[keep] != '\0') /* cut: a partial last word could be half a secret */
        while (keep > 0 && text[keep - 1] != ' ' && text[keep - 1] != '\n')
            keep--;
    char *s = ld_xstrndup(text, keep);
    size_t ops = 0;
    for (size_t i = 0; in && i < in->n_pairs; i++) {
        const ld_df_pair *pr = &in->pairs[i];
        if (!pair_is_secret(in, pr))
            continue;
        /* the value as written, right after "KEY=" or "KEY " */
        size_t kl = strlen(pr->key), rl = strlen(pr->raw);
        size_t from = 0;
        for (; ops < MASK_OPS_MAX; ops++) {
            char *k = strstr(s + from, pr->key);
            if (!k)
                break;
            char *v = k + kl;
            size_t avail = *v ? strlen(v + 1) : 0;
            size_t cmp = rl < avail ? rl : avail; /* the text may be cut inside the value */
            if ((*v == '=' || *v == ' ' || *v == '\t') && cmp > 0 &&
                strncmp(v + 1, pr->raw, cmp) == 0) {
                from = mask_span(&s, (size_t)(v + 1 - s), cmp);
                continue;
            }
            from = (size_t)(k - s) + 1;
        }
        /* and anywhere else the literal value shows (long enough to be specific) */
        if (pr->value && strlen(pr->value) >= 6) {
            char *hit;
            for (; ops < MASK_OPS_MAX && (hit = strstr(s, pr->value)); ops++)
                mask_span(&s, (size_t)(hit - s), strlen(pr->value));
        }
    }
    if (ops >= MASK_OPS_MAX) {
        free(s);
        return ld_xstrdup("(text withheld: too many secrets to mask)");
    }
    /* then what every printed text gets: rules, credential pairs, keys */
    char *m = ld_secret_mask_text(NULL, s);
    free(s);
    return m;
}

/* ---- results ------------------------------------------------------------------ */

static void push_result(ld_df_results *out, int rule, ld_status st, int line, char *evidence)
{
    ld_xgrow(&out->v, &out->cap, out->n + 1, sizeof(*out->v));
    out->v[out->n++] = (ld_df_result){&rules[rule], st, line, evidence};
}

void ld_df_results_clear(ld_df_results *res)
{
    for (size_t i = 0; i < res->n; i++)
        free(res->v[i].evidence);
    free(res->v);
    ld_strlist_clear(&res->notes);
    memset(res, 0, sizeof(*res));
}

size_t ld_df_results_count(const ld_df_results *res, const char *id, ld_status st)
{
    size_t n = 0;
    for (size_t i = 0; i < res->n; i++)
        if (strcmp(res->v[i].rule->id, id) == 0 && res->v[i].status == st)
            n++;
    return n;
}

/* Lint state for one file. Failures are collected per instruction, one per
 * (rule, line), with details joined, then flushed. */
typedef struct {
    int rule;
    int line;
    sbuf detail;
    char *context; /* heredoc line text, or NULL */
} pending;

typedef struct {
    const ld_dockerfile *df;
    ld_df_results *out;
    const ld_df_instr *in;  /* the instruction under examination (ONBUILD: the trigger) */
    const ld_df_instr *top; /* the instruction in the file */
    pending *pend;
    size_t n_pend, cap_pend;
    size_t fails[N_RULES];
    const ld_secret_ruleset *secret_rules; /* built-in; NULL: they did not compile */
    size_t secrets_incomplete;             /* texts the rules could not finish searching */
    /* per RUN */
    bool saw_update, saw_install;
    int update_line;
    size_t cmds; /* simple commands seen in this RUN, capped */
} lint;

static void fail_at(lint *L, int rule, int line, const char *context, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void fail_at(lint *L, int rule, int line, const char *context, const char *fmt, ...)
{
    pending *pd = NULL;
    for (size_t i = 0; i < L->n_pend; i++)
        if (L->pend[i].rule == rule && L->pend[i].line == line)
            pd = &L->pend[i];
    if (!pd) {
        if (L->n_pend >= PENDING_MAX)
            return; /* enough said about this instruction */
        ld_xgrow(&L->pend, &L->cap_pend, L->n_pend + 1, sizeof(*L->pend));
        pd = &L->pend[L->n_pend++];
        memset(pd, 0, sizeof(*pd));
        pd->rule = rule;
        pd->line = line;
        /* context points into a script: keep up to the end of its line */
        size_t cl = context ? strcspn(context, "\n") : 0;
        pd->context = context ? ld_xstrndup(context, cl < CONTEXT_MAX ? cl : CONTEXT_MAX) : NULL;
    }
    if (!fmt || pd->detail.n > 200)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *d = ld_xvasprintf(fmt, ap);
    va_end(ap);
    if (strlen(d) > DETAIL_ITEM_MAX)
        memcpy(d + DETAIL_ITEM_MAX - 3, "...", 4);
    if (pd->detail.n == 0 || !strstr(pd->detail.p, d)) {
        if (pd->detail.n)
            sb_puts(&pd->detail, "; ");
        sb_puts(&pd->detail, d);
    }
    free(d);
}

static void fail(lint *L, int rule, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(lint *L, int rule, const char *fmt, ...)
{
    char *d = NULL;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        d = ld_xvasprintf(fmt, ap);
        va_end(ap);
    }
    fail_at(L, rule, L->top->line, NULL, d ? "%s" : NULL, d);
    free(d);
}

/* Evidence: the instruction text (or "TEXT: heredoc line"), secrets masked,
 * capped, with the rule's detail in parentheses. */
static char *evidence_for(const ld_df_instr *top, const ld_df_instr *in, const char *context,
                          const char *detail)
{
    sbuf b = {0};
    sb_puts(&b, top->text);
    if (context) {
        sb_puts(&b, " ... ");
        sb_puts(&b, context);
    }
    char *masked = ld_df_mask_secrets(in, b.p);
    free(b.p);
    sbuf e = {0};
    size_t ml = strlen(masked);
    if (ml > EVIDENCE_MAX) {
        size_t cut = EVIDENCE_MAX;
        while (cut > 0 && ((unsigned char)masked[cut] & 0xC0) == 0x80)
            cut--; /* not inside a UTF-8 sequence */
        sb_putn(&e, masked, cut);
        sb_puts(&e, "...");
    } else {
        sb_puts(&e, masked);
    }
    free(masked);
    if (detail && detail[0]) {
        char *d = ld_xstrdup(detail);
        char *dm = ld_df_mask_secrets(in, d);
        free(d);
        sb_puts(&e, " (");
        sb_puts(&e, dm);
        sb_puts(&e, ")");
        free(dm);
    }
    return sb_steal(&e);
}

/* Turns the pending failures of the current instruction into results. */
static void flush(lint *L)
{
    for (size_t i = 0; i < L->n_pend; i++) {
        pending *pd = &L->pend[i];
        push_result(L->out, pd->rule, LD_STATUS_FAIL, pd->line,
                    evidence_for(L->top, L->in, pd->context, pd->detail.p));
        L->fails[pd->rule]++;
        free(pd->detail.p);
        free(pd->context);
    }
    L->n_pend = 0;
}

/* ---- shell scripts ---------------------------------------------------------- */

typedef struct {
    ld_strlist w; /* words, quotes removed */
    size_t start; /* offset of the command in the script */
    int pipeline; /* commands joined by | share it */
    int line;     /* Dockerfile line of the command (set by check_script) */
    int pos;      /* index within the pipeline */
} shcmd;

typedef struct {
    shcmd *v;
    size_t n, cap;
} shcmds;

static void shcmds_clear(shcmds *c)
{
    for (size_t i = 0; i < c->n; i++)
        ld_strlist_clear(&c->v[i].w);
    free(c->v);
    memset(c, 0, sizeof(*c));
}

/* Copies a $(...), `...`, <(...) or >(...) group raw into w; returns the
 * index after it. */
static size_t copy_group(const char *s, size_t i, sbuf *w)
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
        sb_putn(w, s + i, j - i);
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
    sb_putn(w, s + i, j - i);
    return j;
}

/* Splits a shell script into simple commands: words with quotes removed,
 * $(...)/`...`/<(...) kept whole inside their word, redirections and their
 * targets dropped, `|` joining commands into one pipeline and ; & && || and
 * newlines ending it. Appends to out (caller clears); at most CMDS_MAX. */
static void shell_split(const char *s, shcmds *out)
{
    size_t n = strlen(s);
    sbuf w = {0};
    bool in_word = false, skip_next = false;
    int pipeline = 0, pos = 0;
    shcmd cur = {0};
    bool have_cmd = false;
#define END_WORD()                                                                                 \
    do {                                                                                           \
        if (in_word) {                                                                             \
            if (skip_next)                                                                         \
                free(sb_steal(&w));                                                                \
            else                                                                                   \
                ld_strlist_push_owned(&cur.w, sb_steal(&w));                                       \
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
                free(sb_steal(&w));
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
            sb_putn(&w, s + i + 1, (j < n ? j : n) - i - 1);
            if (w.p == NULL)
                sb_putn(&w, "", 0);
            i = j < n ? j + 1 : n;
        } else if (c == '"') {
            size_t j = i + 1;
            if (w.p == NULL)
                sb_putn(&w, "", 0);
            while (j < n && s[j] != '"') {
                if (s[j] == '\\' && j + 1 < n &&
                    (s[j + 1] == '"' || s[j + 1] == '\\' || s[j + 1] == '$' || s[j + 1] == '`')) {
                    sb_putc(&w, s[j + 1]);
                    j += 2;
                } else if (s[j] == '\\' && j + 1 < n && s[j + 1] == '\n') {
                    j += 2;
                } else if ((s[j] == '$' && j + 1 < n && s[j + 1] == '(') || s[j] == '`') {
                    j = copy_group(s, j, &w);
                } else {
                    sb_putc(&w, s[j++]);
                }
            }
            i = j < n ? j + 1 : n;
        } else if (c == '\\' && i + 1 < n) {
            sb_putc(&w, s[i + 1]);
            i += 2;
        } else if ((c == '$' || c == '<' || c == '>') && i + 1 < n && s[i + 1] == '(') {
            i = copy_group(s, i, &w);
        } else if (c == '`') {
            i = copy_group(s, i, &w);
        } else {
            sb_putc(&w, c);
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
        if (!is_alnum(*p) && *p != '_')
            return false;
    }
    return false;
}

static bool is_shell(const char *name)
{
    static const char *const shells[] = {"sh",   "bash",   "dash",    "zsh",  "ash",  "ksh",
                                         "fish", "python", "python3", "perl", "ruby", "node"};
    for (size_t i = 0; i < sizeof(shells) / sizeof(shells[0]); i++)
        if (strcmp(name, shells[i]) == 0)
            return true;
    return false;
}

static bool is_posix_shell(const char *name)
{
    return strcmp(name, "sh") == 0 || strcmp(name, "bash") == 0 || strcmp(name, "dash") == 0 ||
           strcmp(name, "zsh") == 0 || strcmp(name, "ash") == 0 || strcmp(name, "ksh") == 0;
}

/* Index of the command word after assignments and wrappers (sudo, env,
 * nohup, ...); *sudo set when sudo wraps it. Returns w->n if none. */
static size_t command_index(const ld_strlist *w, bool *sudo)
{
    size_t i = 0;
    while (i < w->n) {
        const char *x = w->v[i];
        const char *b = base_name(x);
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

static bool has_word(const ld_strlist *w, size_t from, const char *word)
{
    for (size_t i = from; i < w->n; i++)
        if (strcmp(w->v[i], word) == 0)
            return true;
    return false;
}

static bool word_contains(const ld_strlist *w, size_t from, const char *needle)
{
    for (size_t i = from; i < w->n; i++)
        if (strstr(w->v[i], needle))
            return true;
    return false;
}

/* ---- package managers ------------------------------------------------------------ */

typedef struct {
    lint *L;
    int line;            /* line of the command */
    const char *context; /* heredoc line text, or NULL */
    const char *script;  /* heredoc body the command is in, or NULL */
    int base;            /* line of the script's first line */
} at;

static void note_package(at *a, const char *mgr, const char *pkg, bool pinned)
{
    const char *name = pkg;
    if (strcmp(base_name(name), "sudo") == 0 || starts_with(name, "sudo=") ||
        (starts_with(name, "sudo-") && name[5] >= '0' && name[5] <= '9'))
        fail_at(a->L, R_SUDO, a->line, a->context, "installs sudo with %s", mgr);
    if (!pinned)
        fail_at(a->L, R_PINNING, a->line, a->context, "%s: %s", mgr, pkg);
}

/* Options of apt-get/apt that take a value as the next word. */
static bool apt_opt_takes_value(const char *o)
{
    return strcmp(o, "-o") == 0 || strcmp(o, "-c") == 0 || strcmp(o, "-t") == 0 ||
           strcmp(o, "--option") == 0 || strcmp(o, "--config-file") == 0 ||
           strcmp(o, "--target-release") == 0 || strcmp(o, "--default-release") == 0;
}

/* apt-get/apt/aptitude: unverified options, update vs install, recommends,
 * and the packages of an install (pinned: pkg=version). */
static void check_apt(at *a, const ld_strlist *w, size_t ci)
{
    const char *mgr = base_name(w->v[ci]);
    const char *sub = NULL;
    size_t si = 0;
    bool no_rec = false;
    for (size_t i = ci + 1; i < w->n; i++) {
        const char *o = w->v[i];
        if (strcmp(o, "--allow-unauthenticated") == 0 || strcmp(o, "--force-yes") == 0 ||
            strcmp(o, "--allow-insecure-repositories") == 0 ||
            strstr(o, "AllowUnauthenticated=true") || strstr(o, "AllowInsecureRepositories=true") ||
            strstr(o, "Verify-Peer=false") || strstr(o, "trusted=yes"))
            fail_at(a->L, R_UNVERIFIED, a->line, a->context, "%s %s", mgr, o);
        if (strcmp(o, "--no-install-recommends") == 0 || strstr(o, "Install-Recommends=false") ||
            strstr(o, "Install-Recommends=0") || strstr(o, "Install-Recommends=no"))
            no_rec = true;
        if (o[0] == '-') {
            if (apt_opt_takes_value(o))
                i++;
            continue;
        }
        if (!sub) {
            sub = o;
            si = i;
        }
    }
    if (!sub)
        return;
    if (strcmp(sub, "update") == 0) {
        a->L->saw_update = true;
        if (!a->L->update_line)
            a->L->update_line = a->line;
        return;
    }
    bool install = strcmp(sub, "install") == 0;
    if (install || strcmp(sub, "upgrade") == 0 || strcmp(sub, "dist-upgrade") == 0 ||
        strcmp(sub, "full-upgrade") == 0 || strcmp(sub, "build-dep") == 0)
        a->L->saw_install = true;
    if (!install)
        return;
    if (!no_rec)
        fail_at(a->L, R_RECOMMENDS, a->line, a->context,
                "%s install without --no-install-recommends", mgr);
    for (size_t i = si + 1; i < w->n; i++) {
        const char *o = w->v[i];
        if (o[0] == '-') {
            if (apt_opt_takes_value(o))
                i++;
            continue;
        }
        if (strchr(o, '$') || strchr(o, '/') || ends_with(o, ".deb"))
            continue; /* a variable or a local .deb: cannot tell */
        note_package(a, mgr, o, strchr(o, '=') != NULL);
    }
}

/* apk: --allow-untrusted, update vs add, packages of add (pinned: = or ~). */
static void check_apk(at *a, const ld_strlist *w, size_t ci)
{
    const char *sub = NULL;
    size_t si = 0;
    bool update_flag = false;
    for (size_t i = ci + 1; i < w->n; i++) {
        const char *o = w->v[i];
        if (strcmp(o, "--allow-untrusted") == 0 || strcmp(o, "--no-verify") == 0)
            fail_at(a->L, R_UNVERIFIED, a->line, a->context, "apk %s", o);
        if (strcmp(o, "-U") == 0 || strcmp(o, "--update-cache") == 0 || strcmp(o, "--update") == 0)
            update_flag = true;
        if (o[0] == '-') {
            if (strcmp(o, "-t") == 0 || strcmp(o, "--virtual") == 0 || strcmp(o, "-X") == 0 ||
                strcmp(o, "--repository") == 0 || strcmp(o, "-p") == 0 ||
                strcmp(o, "--root") == 0 || strcmp(o, "--arch") == 0 ||
                strcmp(o, "--repositories-file") == 0 || strcmp(o, "--cache-dir") == 0 ||
                strcmp(o, "--keys-dir") == 0)
                i++;
            continue;
        }
        if (!sub) {
            sub = o;
            si = i;
        }
    }
    if (!sub)
        return;
    if (strcmp(sub, "update") == 0) {
        a->L->saw_update = true;
        if (!a->L->update_line)
            a->L->update_line = a->line;
        return;
    }
    if (strcmp(sub, "add") != 0) {
        if (strcmp(sub, "upgrade") == 0)
            a->L->saw_install = true;
        return;
    }
    a->L->saw_install = true;
    (void)update_flag;
    for (size_t i = si + 1; i < w->n; i++) {
        const char *o = w->v[i];
        if (o[0] == '-') {
            if (strcmp(o, "-t") == 0 || strcmp(o, "--virtual") == 0 || strcmp(o, "-X") == 0 ||
                strcmp(o, "--repository") == 0 || strcmp(o, "-p") == 0 ||
                strcmp(o, "--root") == 0 || strcmp(o, "--arch") == 0)
                i++;
            continue;
        }
        if (strchr(o, '$') || strchr(o, '/') || ends_with(o, ".apk"))
            continue;
        note_package(a, "apk add", o, strchr(o, '=') != NULL || strchr(o, '~') != NULL);
    }
}

static bool pip_opt_takes_value(const char *o)
{
    static const char *const opts[] = {"-r",
                                       "--requirement",
                                       "-c",
                                       "--constraint",
                                       "-e",
                                       "--editable",
                                       "-i",
                                       "--index-url",
                                       "--extra-index-url",
                                       "-f",
                                       "--find-links",
                                       "-t",
                                       "--target",
                                       "--prefix",
                                       "--root",
                                       "--trusted-host",
                                       "--platform",
                                       "--python-version",
                                       "--implementation",
                                       "--abi",
                                       "--src",
                                       "--upgrade-strategy",
                                       "--progress-bar",
                                       "--cache-dir",
                                       "--log",
                                       "--proxy",
                                       "--retries",
                                       "--timeout",
                                       "--exists-action",
                                       "--cert",
                                       "--client-cert",
                                       "--no-binary",
                                       "--only-binary",
                                       "--config-settings",
                                       "-C",
                                       "--global-option",
                                       "--hash"};
    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
        if (strcmp(o, opts[i]) == 0)
            return true;
    return false;
}

/* pip install (si: index of "install"): --trusted-host, packages (pinned: ==
 * or a direct reference); requirement files and paths are not judged. */
static void check_pip(at *a, const ld_strlist *w, size_t si)
{
    for (size_t i = si + 1; i < w->n; i++) {
        const char *o = w->v[i];
        if (strcmp(o, "--trusted-host") == 0 || starts_with(o, "--trusted-host="))
            fail_at(a->L, R_UNVERIFIED, a->line, a->context, "pip %s", o);
        if (o[0] == '-') {
            if (pip_opt_takes_value(o))
                i++;
            continue;
        }
        if (strchr(o, '$') || strchr(o, '/') || o[0] == '.' || ends_with(o, ".whl") ||
            ends_with(o, ".tar.gz") || ends_with(o, ".zip"))
            continue;
        note_package(a, "pip install", o, strstr(o, "==") != NULL || strchr(o, '@') != NULL);
    }
}

/* npm install/i/add: strict-ssl off; with -g, packages without @version. */
static void check_npm(at *a, const ld_strlist *w, size_t ci)
{
    size_t si = 0;
    for (size_t i = ci + 1; i < w->n; i++)
        if (w->v[i][0] != '-') {
            si = i;
            break;
        }
    if (!si)
        return;
    const char *sub = w->v[si];
    if (strcmp(sub, "install") != 0 && strcmp(sub, "i") != 0 && strcmp(sub, "add") != 0)
        return;
    bool global = has_word(w, ci + 1, "-g") || has_word(w, ci + 1, "--global") ||
                  word_contains(w, ci + 1, "--location=global");
    for (size_t i = si + 1; i < w->n; i++) {
        const char *o = w->v[i];
        if (strcmp(o, "--strict-ssl=false") == 0 || strcmp(o, "--no-strict-ssl") == 0)
            fail_at(a->L, R_UNVERIFIED, a->line, a->context, "npm %s", o);
        if (!global || o[0] == '-')
            continue;
        if (strchr(o, '$') || strchr(o, ':') || o[0] == '.' || o[0] == '/' ||
            (o[0] != '@' && strchr(o, '/')))
            continue;
        const char *at_sign = strchr(o + 1, '@');
        note_package(a, "npm install -g", o,
                     at_sign != NULL && at_sign[1] != '\0' && strcmp(at_sign + 1, "latest") != 0);
    }
}

/* yum/dnf/microdnf/tdnf: gpgcheck off, packages of install (pinned: -version). */
static void check_yum(at *a, const ld_strlist *w, size_t ci)
{
    const char *mgr = base_name(w->v[ci]);
    const char *sub = NULL;
    size_t si = 0;
    for (size_t i = ci + 1; i < w->n; i++) {
        const char *o = w->v[i];
        if (strcmp(o, "--nogpgcheck") == 0 || strstr(o, "gpgcheck=0") || strstr(o, "sslverify=0") ||
            strstr(o, "sslverify=false"))
            fail_at(a->L, R_UNVERIFIED, a->line, a->context, "%s %s", mgr, o);
        if (o[0] == '-') {
            if (strcmp(o, "-c") == 0 || strcmp(o, "--installroot") == 0 ||
                strcmp(o, "--releasever") == 0 || strcmp(o, "--setopt") == 0 ||
                strcmp(o, "--enablerepo") == 0 || strcmp(o, "--disablerepo") == 0)
                i++;
            continue;
        }
        if (!sub) {
            sub = o;
            si = i;
        }
    }
    if (!sub || strcmp(sub, "install") != 0)
        return;
    for (size_t i = si + 1; i < w->n; i++) {
        const char *o = w->v[i];
        if (o[0] == '-') {
            if (strcmp(o, "--setopt") == 0 || strcmp(o, "--enablerepo") == 0 ||
                strcmp(o, "--disablerepo") == 0 || strcmp(o, "--releasever") == 0)
                i++;
            continue;
        }
        if (strchr(o, '$') || strchr(o, '/') || ends_with(o, ".rpm") || o[0] == '@')
            continue;
        bool pinned = false;
        for (const char *p = o; *p; p++)
            if (p[0] == '-' && p[1] >= '0' && p[1] <= '9')
                pinned = true;
        note_package(a, mgr, o, pinned || strchr(o, '=') != NULL);
    }
}

/* ---- chmod ---------------------------------------------------------------------- */

/* True if mode (octal or symbolic) makes files writable by others. */
static bool world_writable_mode(const char *m)
{
    size_t n = strlen(m);
    if (n >= 1 && n <= 4 && strspn(m, "01234567") == n) {
        int others = m[n - 1] - '0';
        bool sticky = n == 4 && ((m[0] - '0') & 1);
        return (others & 2) && !sticky;
    }
    /* symbolic: clauses [ugoa]*([-+=][rwxXst]*)+ separated by ',' */
    const char *p = m;
    while (*p) {
        bool others = false, any_who = false;
        while (*p && strchr("ugoa", *p)) {
            if (*p == 'o' || *p == 'a')
                others = true;
            any_who = true;
            p++;
        }
        (void)any_who;
        while (*p && strchr("+-=", *p)) {
            char op = *p++;
            bool w = false;
            while (*p && strchr("rwxXstugo", *p)) {
                if (*p == 'w')
                    w = true;
                p++;
            }
            if (others && w && (op == '+' || op == '='))
                return true;
        }
        if (*p && *p != ',')
            return false; /* not a mode */
        if (*p == ',')
            p++;
    }
    return false;
}

/* chmod [options] MODE FILE...: world-writable MODE. */
static void check_chmod(at *a, const ld_strlist *w, size_t ci)
{
    for (size_t i = ci + 1; i < w->n; i++) {
        const char *o = w->v[i];
        if (o[0] == '-' &&
            !(o[1] && strchr("rwxXst", o[1]) && strspn(o + 1, "rwxXst") == strlen(o + 1)))
            continue; /* an option, not a "-w" style mode */
        if (world_writable_mode(o))
            fail_at(a->L, R_CHMOD, a->line, a->context, "chmod %s", o);
        return; /* the first non-option word is the mode */
    }
}

/* ---- commands --------------------------------------------------------------------- */

static void check_script(lint *L, const char *script, int base_line, bool heredoc,
                         const char *context, int depth);

/* The line of script offset off, and the text of that line (for heredoc context). */
static int line_of(const char *script, size_t off, int base)
{
    int line = base;
    for (size_t i = 0; i < off && script[i]; i++)
        if (script[i] == '\n')
            line++;
    return line;
}

/* The whole line of script around offset off. */
static char *line_text(const char *script, size_t off)
{
    while (off > 0 && script[off - 1] != '\n')
        off--;
    const char *s = script + off;
    const char *e = strchr(s, '\n');
    return e ? ld_xstrndup(s, (size_t)(e - s)) : ld_xstrdup(s);
}

static bool downloads(const char *name)
{
    return strcmp(name, "curl") == 0 || strcmp(name, "wget") == 0;
}

/* Applies the command-level rules to simple command k of all (sudo,
 * downloads and pipes into shells, package managers, chmod; `sh -c` scripts
 * recursively up to SCRIPT_DEPTH_MAX). Failures go to L's pending list. */
static void check_command(lint *L, const shcmds *all, size_t k, at *a, int depth)
{
    const shcmd *c = &all->v[k];
    const ld_strlist *w = &c->w;
    bool sudo = false;
    size_t ci = command_index(w, &sudo);
    if (sudo)
        fail_at(L, R_SUDO, a->line, a->context, "runs sudo");
    if (ci >= w->n)
        return;
    const char *name = base_name(w->v[ci]);
    /* downloads: TLS verification off */
    if (downloads(name))
        for (size_t i = ci + 1; i < w->n; i++)
            if (strcmp(w->v[i], "-k") == 0 || strcmp(w->v[i], "--insecure") == 0 ||
                strcmp(w->v[i], "--no-check-certificate") == 0)
                fail_at(L, R_UNVERIFIED, a->line, a->context, "%s %s", name, w->v[i]);
    /* pipe into a shell: an earlier command of the same pipeline downloads */
    if (is_shell(name) && c->pos > 0) {
        for (size_t j = k; j-- > 0;) {
            const shcmd *e = &all->v[j];
            if (e->pipeline != c->pipeline)
                break; /* a pipeline's commands are contiguous */
            bool s2 = false;
            size_t ei = command_index(&e->w, &s2);
            if (ei < e->w.n && downloads(base_name(e->w.v[ei]))) {
                /* report where the downloading command is */
                fail_at(L, R_PIPE, a->script ? e->line : a->line,
                        a->script ? a->script + e->start : a->context, "%s | %s",
                        base_name(e->w.v[ei]), name);
                break;
            }
        }
    }
    if (is_shell(name)) {
        for (size_t i = ci + 1; i < w->n; i++) {
            const char *o = w->v[i];
            if (strstr(o, "$(curl") || strstr(o, "$(wget") || strstr(o, "`curl") ||
                strstr(o, "`wget") || strstr(o, "<(curl") || strstr(o, "<(wget"))
                fail_at(L, R_PIPE, a->line, a->context, "%s runs a downloaded script", name);
        }
        /* sh -c 'script': look inside */
        if (is_posix_shell(name) && depth < SCRIPT_DEPTH_MAX)
            for (size_t i = ci + 1; i + 1 < w->n; i++)
                if (w->v[i][0] == '-' && strchr(w->v[i], 'c') && w->v[i][1] != '-') {
                    check_script(L, w->v[i + 1], a->line, false, a->context, depth + 1);
                    break;
                }
    }
    if (strcmp(name, "apt-get") == 0 || strcmp(name, "apt") == 0 || strcmp(name, "aptitude") == 0)
        check_apt(a, w, ci);
    else if (strcmp(name, "apk") == 0)
        check_apk(a, w, ci);
    else if (strcmp(name, "yum") == 0 || strcmp(name, "dnf") == 0 ||
             strcmp(name, "microdnf") == 0 || strcmp(name, "tdnf") == 0)
        check_yum(a, w, ci);
    else if (strcmp(name, "npm") == 0)
        check_npm(a, w, ci);
    else if (strcmp(name, "chmod") == 0)
        check_chmod(a, w, ci);
    else if ((starts_with(name, "pip") &&
              (name[3] == '\0' || (name[3] >= '0' && name[3] <= '9'))) &&
             ci + 1 < w->n && strcmp(w->v[ci + 1], "install") == 0)
        check_pip(a, w, ci + 1);
    else if (starts_with(name, "python") && ci + 3 < w->n && strcmp(w->v[ci + 1], "-m") == 0 &&
             strcmp(w->v[ci + 2], "pip") == 0 && strcmp(w->v[ci + 3], "install") == 0)
        check_pip(a, w, ci + 3);
}

static void check_script(lint *L, const char *script, int base_line, bool heredoc,
                         const char *context, int depth)
{
    shcmds cmds = {0};
    shell_split(script, &cmds);
    /* lines, counted once (commands come in script order) */
    size_t off = 0;
    int line = base_line;
    for (size_t k = 0; k < cmds.n; k++) {
        for (; heredoc && off < cmds.v[k].start && script[off]; off++)
            if (script[off] == '\n')
                line++;
        cmds.v[k].line = heredoc ? line : base_line;
    }
    for (size_t k = 0; k < cmds.n && L->cmds < CMDS_MAX; k++, L->cmds++) {
        at a = {L, base_line, context, NULL, base_line};
        if (heredoc) {
            a.script = script;
            a.line = cmds.v[k].line;
            a.context = script + cmds.v[k].start;
        }
        check_command(L, &cmds, k, &a, depth);
    }
    shcmds_clear(&cmds);
}

/* ---- instruction rules -------------------------------------------------------------- */

/* A RUN: its shell-form text or exec form, and every heredoc body (lines
 * inside the body), then update-alone over the whole RUN. */
static void check_run(lint *L, const ld_df_instr *in)
{
    L->saw_update = L->saw_install = false;
    L->update_line = 0;
    L->cmds = 0;
    if (in->json) {
        if (in->args.n >= 3 && is_posix_shell(base_name(in->args.v[0])) &&
            strcmp(in->args.v[1], "-c") == 0) {
            check_script(L, in->args.v[2], L->top->line, false, NULL, 1);
        } else {
            /* exec form runs one command: check it as words, no shell */
            shcmds one = {0};
            shcmd c = {0};
            for (size_t i = 0; i < in->args.n; i++)
                ld_strlist_push(&c.w, in->args.v[i]);
            ld_xgrow(&one.v, &one.cap, 1, sizeof(*one.v));
            one.v[one.n++] = c;
            at a = {L, L->top->line, NULL, NULL, L->top->line};
            check_command(L, &one, 0, &a, 1);
            shcmds_clear(&one);
        }
    } else {
        /* the shell-form text after the flags; heredoc words are harmless */
        check_script(L, in->rest, L->top->line, false, NULL, 0);
    }
    for (size_t h = 0; h < in->n_heredocs; h++)
        check_script(L, in->heredocs[h].content, in->heredocs[h].line, true, NULL, 0);
    if (L->saw_update && !L->saw_install)
        fail_at(L, R_UPDATE, L->top->line, NULL, "package index updated, nothing installed");
}

static bool is_git(const char *s)
{
    return starts_with(s, "git@") || starts_with(s, "git://") || starts_with(s, "ssh://") ||
           ((starts_with(s, "http://") || starts_with(s, "https://")) &&
            (strstr(s, ".git#") || ends_with(s, ".git")));
}

static bool is_url(const char *s)
{
    return starts_with(s, "http://") || starts_with(s, "https://") || starts_with(s, "ftp://") ||
           is_git(s);
}

/* A git source pinned to a full commit id: "...#<40 or 64 hex digits>". */
static bool git_commit_pinned(const char *s)
{
    const char *h = strrchr(s, '#');
    if (!h)
        return false;
    size_t n = strlen(h + 1);
    if (n != 40 && n != 64)
        return false;
    for (size_t i = 1; i <= n; i++)
        if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f') ||
              (h[i] >= 'A' && h[i] <= 'F')))
            return false;
    return true;
}

static bool is_archive(const char *s)
{
    static const char *const ext[] = {".tar",     ".tar.gz", ".tgz",    ".tar.bz2",
                                      ".tbz2",    ".tbz",    ".tar.xz", ".txz",
                                      ".tar.zst", ".tzst",   ".tar.lz", ".tar.lzma"};
    size_t n = strlen(s);
    char *low = ld_xstrdup(s);
    for (size_t i = 0; i < n; i++)
        if (low[i] >= 'A' && low[i] <= 'Z')
            low[i] = (char)(low[i] - 'A' + 'a');
    bool hit = false;
    for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]) && !hit; i++)
        hit = ends_with(low, ext[i]);
    free(low);
    return hit;
}

static const char *flag_val(const ld_strlist *flags, const char *name)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i < flags->n; i++)
        if (strncmp(flags->v[i], name, nl) == 0 && flags->v[i][nl] == '=')
            return flags->v[i] + nl + 1;
    return NULL;
}

/* ADD/COPY: --chmod, then CIS 4.9 (COPY, not ADD) for every ADD source:
 *  - a URL or git source nothing pins (no --checksum for http(s), no
 *    commit id for git; ftp has no --checksum at all): dockerfile.remote-add
 *    (medium: unverified content enters the image);
 *  - a local file, a local archive (ADD unpacks it implicitly), or a remote
 *    source pinned by --checksum or a commit id: dockerfile.add-instruction
 *    (low: COPY, or a verified download in RUN, says what happens). */
static void check_add_copy(lint *L, const ld_df_instr *in)
{
    const ld_strlist *fl = in->flags_expanded.n ? &in->flags_expanded : &in->flags;
    const char *mode = flag_val(fl, "--chmod");
    if (mode && world_writable_mode(mode))
        fail(L, R_CHMOD, "--chmod=%s", mode);
    if (in->kind != LD_DF_ADD)
        return;
    bool checksum = flag_val(fl, "--checksum") != NULL;
    for (size_t i = 0; i + 1 < in->args.n; i++) {
        const char *s = in->args.v[i];
        if (is_git(s)) {
            if (checksum || git_commit_pinned(s))
                fail(L, R_ADD,
                     "%s is pinned; a git checkout in RUN or COPY --from a stage "
                     "says what happens",
                     s);
            else
                fail(L, R_REMOTE_ADD, "%s: no commit id pins it", s);
        } else if (is_url(s)) {
            bool http = starts_with(s, "http://") || starts_with(s, "https://");
            if (http && checksum)
                fail(L, R_ADD,
                     "%s is pinned by --checksum; a verified download in RUN "
                     "says what happens",
                     s);
            else
                fail(L, R_REMOTE_ADD, "%s", s);
        } else if (is_archive(s)) {
            fail(L, R_ADD,
                 "%s: ADD unpacks a local archive implicitly; COPY it and extract "
                 "it in RUN",
                 s);
        } else {
            fail(L, R_ADD, "COPY would do");
        }
    }
}

/* The first secret the built-in rules find in text (allow rules and
 * entropy applied, as for files), or a private key's BEGIN line (any
 * length: the masking hides its body). Returns its offset, or -1; what
 * says what was found. */
static long find_secret(lint *L, const char *text, char what[WHAT_MAX])
{
    long found = -1;
    if (L->secret_rules) {
        ld_secret_hits h = {0};
        ld_error err = LD_ERROR_INIT;
        if (ld_secret_scan(L->secret_rules, "Dockerfile", (const uint8_t *)text, strlen(text), &h,
                           &err) < 0 ||
            h.incomplete)
            L->secrets_incomplete++;
        if (h.n) {
            found = (long)h.v[0].offset;
            snprintf(what, WHAT_MAX, "%s (rule %s)", h.v[0].description, h.v[0].rule_id);
        }
        ld_secret_hits_clear(&h);
    }
    const char *pem = strstr(text, "-----BEGIN ");
    while (pem) {
        const char *close = strstr(pem + 11, "-----");
        if (close && close - pem < 64 && memmem(pem, (size_t)(close - pem), "PRIVATE KEY", 11)) {
            if (found < 0 || pem - text < found) {
                found = (long)(pem - text);
                snprintf(what, WHAT_MAX, "a private key");
            }
            break;
        }
        pem = strstr(pem + 11, "-----BEGIN ");
    }
    return found;
}

/* Secret-named ENV/ARG with a literal value, and secrets the secret rules
 * find anywhere in the instruction or its heredoc bodies (reported on the
 * body line). */
static void check_secrets(lint *L, const ld_df_instr *in)
{
    for (size_t i = 0; i < in->n_pairs; i++)
        if (pair_is_secret(in, &in->pairs[i]))
            fail(L, R_SECRETS, "%s %s has a literal value", ld_df_kind_name(in->kind),
                 in->pairs[i].key);
    char what[WHAT_MAX];
    if (find_secret(L, in->text, what) >= 0)
        fail(L, R_SECRETS, "secret found: %s", what);
    for (size_t h = 0; h < in->n_heredocs; h++) {
        const char *c = in->heredocs[h].content;
        long t = find_secret(L, c, what);
        if (t >= 0) {
            size_t off = (size_t)t;
            while (off > 0 && c[off - 1] != '\n')
                off--;
            char *ctx = line_text(c, off);
            fail_at(L, R_SECRETS, line_of(c, off, in->heredocs[h].line), ctx, "secret found: %s",
                    what);
            free(ctx);
        }
    }
}

/* Port numbers of an EXPOSE word ("22", "22/tcp", "2375-2376/tcp"). */
static void check_expose(lint *L, const ld_df_instr *in)
{
    static const long sensitive[] = {22, 23, 2375, 2376};
    for (size_t i = 0; i < in->args.n; i++) {
        const char *w = in->args.v[i];
        char *end;
        long lo = strtol(w, &end, 10), hi = lo;
        if (end == w || lo < 0 || lo > 65535)
            continue;
        if (*end == '-') {
            const char *h = end + 1;
            hi = strtol(h, &end, 10);
            if (end == h || hi < lo || hi > 65535)
                continue;
        }
        if (*end && *end != '/')
            continue;
        for (size_t k = 0; k < 4; k++)
            if (sensitive[k] >= lo && sensitive[k] <= hi)
                fail(L, R_PORT, "port %ld", sensitive[k]);
    }
}

static void check_instr(lint *L, const ld_df_instr *in)
{
    L->in = in;
    switch (in->kind) {
    case LD_DF_RUN: check_run(L, in); break;
    case LD_DF_ADD:
    case LD_DF_COPY: check_add_copy(L, in); break;
    case LD_DF_EXPOSE: check_expose(L, in); break;
    default: break;
    }
    check_secrets(L, in);
}

/* ---- image references --------------------------------------------------------------- */

/* Splits ref into registry and repository path (docker.io/library/x for
 * "x"), without tag or digest. Caller frees both. */
static void split_ref(const char *ref, char **registry, char **path, char **tag, bool *digest)
{
    const char *at_sign = strchr(ref, '@');
    char *name = at_sign ? ld_xstrndup(ref, (size_t)(at_sign - ref)) : ld_xstrdup(ref);
    *digest = at_sign != NULL;
    char *slash = strrchr(name, '/');
    char *colon = strrchr(slash ? slash : name, ':');
    *tag = colon ? ld_xstrdup(colon + 1) : NULL;
    if (colon)
        *colon = '\0';
    char *first = strchr(name, '/');
    if (first) {
        size_t fl = (size_t)(first - name);
        bool is_reg = memchr(name, '.', fl) || memchr(name, ':', fl) ||
                      (fl == 9 && strncmp(name, "localhost", 9) == 0);
        if (is_reg) {
            *registry = ld_xstrndup(name, fl);
            *path = ld_xstrdup(first + 1);
            free(name);
            return;
        }
        *registry = ld_xstrdup("docker.io");
        *path = name;
        return;
    }
    *registry = ld_xstrdup("docker.io");
    *path = ld_xasprintf("library/%s", name);
    free(name);
}

static bool trusted_ref(const char *registry, const char *path, const ld_strlist *trusted)
{
    char *full = ld_xasprintf("%s/%s", registry, path);
    bool ok = false;
    for (size_t i = 0; i < trusted->n && !ok; i++) {
        const char *t = trusted->v[i];
        size_t tl = strlen(t);
        while (tl > 0 && t[tl - 1] == '/')
            tl--;
        ok = tl > 0 && strncasecmp(full, t, tl) == 0 && (full[tl] == '\0' || full[tl] == '/');
    }
    free(full);
    return ok;
}

/* Per FROM of an image (not scratch, not a stage): tag/digest and, with a
 * trusted list, the registry. */
static void check_stages(lint *L, const ld_strlist *trusted)
{
    const ld_dockerfile *df = L->df;
    for (size_t s = 0; s < df->n_stages; s++) {
        const ld_df_stage *st = &df->stages[s];
        L->top = L->in = &df->ins[st->first];
        if (st->parent >= 0 || strcasecmp(st->base, "scratch") == 0)
            continue;
        char *reg, *path, *tag;
        bool digest;
        split_ref(st->base, &reg, &path, &tag, &digest);
        if (!digest && !tag)
            fail(L, R_LATEST, "%s has no tag: it means latest", st->base);
        else if (!digest && strcmp(tag, "latest") == 0)
            fail(L, R_LATEST, "%s", st->base);
        if (trusted && trusted->n && !trusted_ref(reg, path, trusted))
            fail(L, R_TRUSTED, "%s/%s is not in trusted-registries", reg, path);
        free(reg);
        free(path);
        free(tag);
        flush(L);
    }
}

/* The stage chain of the final stage: USER and HEALTHCHECK persist through
 * FROM <alias>. Returns the instruction (or NULL) of the last kind found. */
static const ld_df_instr *last_in_chain(const ld_dockerfile *df, ld_df_kind kind)
{
    const ld_df_stage *st = ld_dockerfile_final_stage(df);
    for (int guard = 0; st && guard < (int)LD_DF_MAX_STAGES; guard++) {
        for (size_t i = st->end; i-- > st->first;)
            if (df->ins[i].kind == kind)
                return &df->ins[i];
        st = st->parent >= 0 ? &df->stages[st->parent] : NULL;
    }
    return NULL;
}

/* USER and HEALTHCHECK of the final stage, through FROM <stage> parents. */
static void check_final_stage(lint *L)
{
    const ld_dockerfile *df = L->df;
    const ld_df_stage *fin = ld_dockerfile_final_stage(df);
    const ld_df_instr *user = last_in_chain(df, LD_DF_USER);
    if (!user) {
        L->top = L->in = &df->ins[fin->first];
        fail(L, R_USER, "no USER in the final stage: it runs as root");
    } else {
        L->top = L->in = user;
        const char *u = user->args.n ? user->args.v[0] : "";
        size_t ul = strcspn(u, ":");
        if (ul == 0)
            fail(L, R_USER, "USER resolves to an empty name");
        else if ((ul == 4 && strncmp(u, "root", 4) == 0) || strspn(u, "0") == ul)
            fail(L, R_USER, "user %.*s is root", (int)ul, u);
    }
    flush(L);
    const ld_df_instr *hc = last_in_chain(df, LD_DF_HEALTHCHECK);
    if (!hc) {
        L->top = L->in = &df->ins[fin->first];
        fail(L, R_HEALTH, "no HEALTHCHECK in the final stage");
    } else if (hc->health_none) {
        L->top = L->in = hc;
        fail(L, R_HEALTH, "HEALTHCHECK NONE disables the check");
    }
    flush(L);
}

void ld_dockerfile_lint(const ld_dockerfile *df, const ld_strlist *trusted, ld_df_results *out)
{
    lint L = {.df = df, .out = out};
    ld_error rules_err = LD_ERROR_INIT;
    L.secret_rules = ld_secret_rules_builtin(&rules_err);
    for (size_t i = 0; i < df->n; i++) {
        const ld_df_instr *in = &df->ins[i];
        L.top = in;
        check_instr(&L, in);
        if (in->kind == LD_DF_ONBUILD && in->sub)
            check_instr(&L, in->sub);
        flush(&L);
    }
    check_stages(&L, trusted);
    check_final_stage(&L);
    free(L.pend);
    for (size_t r = 0; r < N_RULES; r++) {
        if (L.fails[r])
            continue;
        if (r == R_TRUSTED && !(trusted && trusted->n)) {
            push_result(out, (int)r, LD_STATUS_ERROR, 0,
                        ld_xstrdup("not assessed: the policy lists no trusted-registries"));
            ld_strlist_push_owned(
                &out->notes,
                ld_xasprintf("%s: dockerfile.base-trusted not assessed: the policy lists no "
                             "trusted-registries",
                             df->name));
            continue;
        }
        if (r == R_SECRETS && (!L.secret_rules || L.secrets_incomplete)) {
            /* could not look everywhere: not a pass */
            push_result(out, (int)r, LD_STATUS_ERROR, 0,
                        L.secret_rules
                            ? ld_xasprintf("not assessed: %zu text%s could not be fully searched "
                                           "for secrets (a rule's regex hit its match limit)",
                                           L.secrets_incomplete,
                                           L.secrets_incomplete == 1 ? "" : "s")
                            : ld_xasprintf("not assessed: %s", rules_err.msg));
            continue;
        }
        int line = 0;
        char *ev = NULL;
        if (r == R_USER || r == R_HEALTH) {
            const ld_df_instr *x = last_in_chain(df, r == R_USER ? LD_DF_USER : LD_DF_HEALTHCHECK);
            if (x) {
                line = x->line;
                ev = ld_df_mask_secrets(x, x->text);
            }
        }
        push_result(out, (int)r, LD_STATUS_PASS, line, ev ? ev : ld_xstrdup(rules[r].pass));
    }
}

int ld_dockerfile_report(ld_findings *r, const char *path, const ld_df_results *res, ld_error *err)
{
    ld_findings_scope(r, LD_SCOPE_OWED, "dockerfile.*", NULL);
    for (size_t i = 0; i < res->notes.n; i++)
        ld_findings_note(r, "%s", res->notes.v[i]);
    for (size_t i = 0; i < res->n; i++) {
        const ld_df_result *x = &res->v[i];
        const ld_control *c = ld_catalog_control_for_check(r->catalog, x->rule->id);
        if (!c)
            return ld_error_set(err, LD_ERR_GENERIC, "check %s has no control in the catalog",
                                x->rule->id);
        ld_finding *f = ld_finding_new(c, x->rule->id, x->status);
        f->severity = x->rule->severity;
        ld_finding_set_target(f, LD_TARGET_FILE, path, NULL);
        ld_finding_set_location(f, path, x->line);
        if (x->status == LD_STATUS_FAIL)
            ld_finding_set_title(f, x->rule->title);
        if (x->evidence)
            ld_finding_set_evidence(f, "%s", x->evidence);
        int rc = ld_findings_add(r, f, err);
        if (rc < 0)
            return ld_error_wrap(err, "%s", path);
    }
    return 0;
}
