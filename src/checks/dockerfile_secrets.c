/* Secret rules and masking: secret-named ENV/ARG with a literal value, and
 * what the built-in secret rules (checks/secrets.h) or a private key's
 * BEGIN line find anywhere in an instruction or its heredoc bodies
 * (dockerfile.secrets, not assessed when a search could not finish); and
 * ld_df_mask_secrets, the masking every Dockerfile text the rules print
 * goes through. Not for secrets in image files or layers (secrets.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/dockerfile_rules_internal.h"
#include "util/mem.h"

#define MASK_MAX 4096     /* bytes of text ld_df_mask_secrets keeps */
#define MASK_OPS_MAX 4096 /* searches and replacements per masking */
#define WHAT_MAX 160      /* "secret found: <rule description> (rule <id>)" */

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
        while (i < n && (df_is_alnum(s[i]) || s[i] == '_'))
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
    df_sbuf b = {0};
    df_sb_putn(&b, *s, at);
    df_sb_puts(&b, m);
    size_t after = b.n;
    df_sb_putn(&b, *s + at + n, len - at - n);
    free(*s);
    *s = df_sb_steal(&b);
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

/* The first secret the built-in rules find in text (allow rules and
 * entropy applied, as for files), or a private key's BEGIN line (any
 * length: the masking hides its body). Returns its offset, or -1; what
 * says what was found. */
static long find_secret(df_lint *L, const char *text, char what[WHAT_MAX])
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
void df_check_secrets(df_lint *L, const ld_df_instr *in)
{
    for (size_t i = 0; i < in->n_pairs; i++)
        if (pair_is_secret(in, &in->pairs[i]))
            df_fail(L, R_SECRETS, "%s %s has a literal value", ld_df_kind_name(in->kind),
                    in->pairs[i].key);
    char what[WHAT_MAX];
    if (find_secret(L, in->text, what) >= 0)
        df_fail(L, R_SECRETS, "secret found: %s", what);
    for (size_t h = 0; h < in->n_heredocs; h++) {
        const char *c = in->heredocs[h].content;
        long t = find_secret(L, c, what);
        if (t >= 0) {
            size_t off = (size_t)t;
            while (off > 0 && c[off - 1] != '\n')
                off--;
            char *ctx = line_text(c, off);
            df_fail_at(L, R_SECRETS, line_of(c, off, in->heredocs[h].line), ctx, "secret found: %s",
                       what);
            free(ctx);
        }
    }
}
