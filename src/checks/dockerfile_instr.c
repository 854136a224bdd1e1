/* Dockerfile instructions: one logical line into a typed instruction
 * (ld_df_instr, dockerfile_parse.h) as the Dockerfile reference and
 * BuildKit's line parsers read it: the keyword (case-insensitive), builder
 * flags (`--name=value`), exec (JSON) form vs shell form (a JSON parse error
 * falls back to shell form, as Docker does), words, ENV/LABEL `key=value`
 * pairs and the legacy `key value` form, ARG declarations and their scope,
 * FROM opening a stage (alias, platform, ENV inherited by `FROM <alias>`),
 * HEALTHCHECK, and ONBUILD triggers. Not for physical lines, continuations
 * or heredocs (dockerfile_parse.c), nor for how one word is substituted
 * (dockerfile_subst.c). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/dockerfile_parse_internal.h"
#include "checks/secrets.h"
#include "util/mem.h"

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static char *str_lower(const char *s)
{
    char *o = ld_xstrdup(s);
    for (char *p = o; *p; p++)
        *p = lower(*p);
    return o;
}

/* n bytes of the Dockerfile to quote in an error message, masked like
 * everything lockdown prints (a stray word in a broken file may be a
 * token). Caller frees. */
static char *quoted(const char *s, size_t n)
{
    char *raw = ld_xstrndup(s, n);
    char *shown = ld_secret_mask_text(NULL, raw);
    free(raw);
    return shown;
}

/* ---- word splitting ------------------------------------------------------- */

/* Splits s on unquoted whitespace keeping quotes and escapes as written
 * (Docker's parseWords). An escape char at the very end is dropped. */
void df_split_words(const char *s, char escape, ld_strlist *out)
{
    df_sbuf w = {0};
    bool in_word = false;
    char quote = 0;
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!in_word) {
            if (df_is_space(c))
                continue;
            in_word = true;
        }
        if (!quote && df_is_space(c)) {
            ld_strlist_push_owned(out, df_sb_steal(&w));
            in_word = false;
            continue;
        }
        if (c == escape) {
            if (i + 1 == n)
                continue;
            df_sb_putc(&w, c);
            c = s[++i];
            df_sb_putc(&w, c);
            continue;
        }
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        }
        df_sb_putc(&w, c);
    }
    if (in_word)
        ld_strlist_push_owned(out, df_sb_steal(&w));
    free(w.p);
}

/* Docker's extractBuilderFlags: leading `--flag[=value]` words (quotes
 * removed) into flags; returns where the arguments start. */
static const char *extract_flags(const char *line, ld_strlist *flags)
{
    size_t n = strlen(line), pos = 0;
    for (;;) {
        while (pos < n && df_is_space(line[pos]))
            pos++;
        if (pos >= n)
            return line + n;
        if (!(line[pos] == '-' && pos + 1 < n && line[pos + 1] == '-'))
            return line + pos;
        df_sbuf w = {0};
        char quote = 0;
        bool blank_ok = false;
        while (pos < n) {
            char c = line[pos];
            if (quote) {
                if (c == quote) {
                    quote = 0;
                    pos++;
                    continue;
                }
                if (c == '\\') {
                    if (pos + 1 == n) {
                        pos++;
                        quote = 0;
                        continue;
                    }
                    c = line[++pos];
                }
                df_sb_putc(&w, c);
                pos++;
                continue;
            }
            if (df_is_space(c))
                break;
            if (c == '\'' || c == '"') {
                quote = c;
                blank_ok = true;
                pos++;
                continue;
            }
            if (c == '\\') {
                if (pos + 1 == n) {
                    pos++;
                    continue;
                }
                c = line[++pos];
            }
            df_sb_putc(&w, c);
            pos++;
        }
        if (w.p && strcmp(w.p, "--") == 0) {
            free(w.p);
            while (pos < n && df_is_space(line[pos]))
                pos++;
            return line + pos;
        }
        if (blank_ok || w.n > 0)
            ld_strlist_push_owned(flags, df_sb_steal(&w));
        free(w.p);
    }
}

/* ---- instructions ----------------------------------------------------------- */

static const struct {
    const char *name;
    ld_df_kind kind;
} keywords[] = {
    {"add", LD_DF_ADD},
    {"arg", LD_DF_ARG},
    {"cmd", LD_DF_CMD},
    {"copy", LD_DF_COPY},
    {"entrypoint", LD_DF_ENTRYPOINT},
    {"env", LD_DF_ENV},
    {"expose", LD_DF_EXPOSE},
    {"from", LD_DF_FROM},
    {"healthcheck", LD_DF_HEALTHCHECK},
    {"label", LD_DF_LABEL},
    {"maintainer", LD_DF_MAINTAINER},
    {"onbuild", LD_DF_ONBUILD},
    {"run", LD_DF_RUN},
    {"shell", LD_DF_SHELL},
    {"stopsignal", LD_DF_STOPSIGNAL},
    {"user", LD_DF_USER},
    {"volume", LD_DF_VOLUME},
    {"workdir", LD_DF_WORKDIR},
};

const char *ld_df_kind_name(ld_df_kind k)
{
    static const char *const names[] = {
        "ADD",    "ARG",   "CMD",         "COPY",  "ENTRYPOINT", "ENV",
        "EXPOSE", "FROM",  "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD",
        "RUN",    "SHELL", "STOPSIGNAL",  "USER",  "VOLUME",     "WORKDIR",
    };
    return (size_t)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

/* Frees what in owns (not in itself) and zeroes it. */
void df_instr_clear(ld_df_instr *in)
{
    if (!in)
        return;
    free(in->keyword);
    free(in->text);
    free(in->rest);
    ld_strlist_clear(&in->flags);
    ld_strlist_clear(&in->flags_expanded);
    ld_strlist_clear(&in->args);
    for (size_t i = 0; i < in->n_heredocs; i++) {
        free(in->heredocs[i].name);
        free(in->heredocs[i].content);
    }
    free(in->heredocs);
    for (size_t i = 0; i < in->n_pairs; i++) {
        free(in->pairs[i].key);
        free(in->pairs[i].raw);
        free(in->pairs[i].value);
    }
    free(in->pairs);
    if (in->sub) {
        df_instr_clear(in->sub);
        free(in->sub);
    }
    memset(in, 0, sizeof(*in));
}

/* Exec form: a JSON array of strings. Returns 1 if rest is one (elements
 * appended to in->args), 0 for shell form, <0 on error (an array with
 * non-strings, as Docker). Trailing text after the array is ignored, as
 * Go's json.Decoder does. */
static int maybe_json(df_parser *p, ld_df_instr *in, const char *rest)
{
    if (rest[0] != '[')
        return 0;
    json_error_t jerr;
    json_t *j = json_loadb(rest, strlen(rest), JSON_DISABLE_EOF_CHECK, &jerr);
    if (!j)
        return 0;
    if (!json_is_array(j)) {
        json_decref(j);
        return 0;
    }
    size_t i;
    json_t *e;
    json_array_foreach(j, i, e)
    {
        if (!json_is_string(e)) {
            json_decref(j);
            ld_strlist_clear(&in->args);
            return df_perr(p, LD_ERR_CORRUPT, "%s: JSON form must be an array of strings",
                           ld_df_kind_name(in->kind));
        }
        ld_strlist_push(&in->args, json_string_value(e));
    }
    json_decref(j);
    in->json = true;
    return 1;
}

/* Appends each word, substituted, to in->args. 0 or <0 (p->err set). */
static int expand_args(df_parser *p, ld_df_instr *in, const ld_strlist *words, bool global)
{
    for (size_t i = 0; i < words->n; i++) {
        char *e = df_expand(p, words->v[i], global);
        if (!e)
            return p->err->code;
        ld_strlist_push_owned(&in->args, e);
    }
    return 0;
}

/* Fills in->flags_expanded from in->flags, substituted. 0 or <0. */
static int expand_flags(df_parser *p, ld_df_instr *in, bool global)
{
    for (size_t i = 0; i < in->flags.n; i++) {
        char *e = df_expand(p, in->flags.v[i], global);
        if (!e)
            return p->err->code;
        ld_strlist_push_owned(&in->flags_expanded, e);
    }
    return 0;
}

static ld_df_pair *add_pair(ld_df_instr *in, size_t *cap)
{
    ld_xgrow(&in->pairs, cap, in->n_pairs + 1, sizeof(*in->pairs));
    ld_df_pair *pr = &in->pairs[in->n_pairs++];
    memset(pr, 0, sizeof(*pr));
    return pr;
}

/* ENV / LABEL: `key value` (legacy) or `key=value ...` (Docker's parseNameVal). */
static int parse_name_val(df_parser *p, ld_df_instr *in, const char *rest)
{
    ld_strlist words = {0};
    df_split_words(rest, p->escape, &words);
    int rc = 0;
    size_t cap = 0;
    if (words.n == 0) {
        rc = df_perr(p, LD_ERR_CORRUPT, "%s requires at least one argument",
                     ld_df_kind_name(in->kind));
        goto out;
    }
    if (!strchr(words.v[0], '=')) {
        /* legacy form: the first word is the key, the rest of the line the value */
        const char *v = rest;
        while (*v && !df_is_space(*v))
            v++;
        while (*v && df_is_space(*v))
            v++;
        if (!*v) {
            rc =
                df_perr(p, LD_ERR_CORRUPT, "%s must have two arguments", ld_df_kind_name(in->kind));
            goto out;
        }
        ld_df_pair *pr = add_pair(in, &cap);
        pr->key = ld_xstrdup(words.v[0]);
        pr->raw = ld_xstrdup(v);
        goto out;
    }
    if (words.n > LD_DF_MAX_PAIRS) {
        rc = df_perr(p, LD_ERR_LIMIT, "more than %u pairs in one %s", LD_DF_MAX_PAIRS,
                     ld_df_kind_name(in->kind));
        goto out;
    }
    for (size_t i = 0; i < words.n; i++) {
        const char *eq = strchr(words.v[i], '=');
        if (!eq) {
            char *q = quoted(words.v[i], strlen(words.v[i]));
            rc = df_perr(p, LD_ERR_CORRUPT,
                         "syntax error: no '=' in \"%.64s\"; %s takes name=value pairs", q,
                         ld_df_kind_name(in->kind));
            free(q);
            goto out;
        }
        if (eq == words.v[i]) {
            rc = df_perr(p, LD_ERR_CORRUPT, "%s names can not be blank", ld_df_kind_name(in->kind));
            goto out;
        }
        ld_df_pair *pr = add_pair(in, &cap);
        pr->key = ld_xstrndup(words.v[i], (size_t)(eq - words.v[i]));
        pr->raw = ld_xstrdup(eq + 1);
    }
out:
    ld_strlist_clear(&words);
    if (rc < 0)
        return rc;
    /* Keys of ENV/LABEL are words too: quotes removed. Values are expanded
     * with the environment from before this instruction (Docker). */
    for (size_t i = 0; i < in->n_pairs; i++) {
        char *k = df_expand(p, in->pairs[i].key, false);
        if (!k)
            return p->err->code;
        free(in->pairs[i].key);
        in->pairs[i].key = k;
        in->pairs[i].value = df_expand(p, in->pairs[i].raw, false);
        if (!in->pairs[i].value)
            return p->err->code;
    }
    return 0;
}

/* ARG name[=default] ... ; updates the global or stage scope unless trigger. */
static int parse_arg(df_parser *p, ld_df_instr *in, const char *rest, bool global, bool trigger)
{
    ld_strlist words = {0};
    df_split_words(rest, p->escape, &words);
    int rc = 0;
    size_t cap = 0;
    if (words.n == 0)
        rc = df_perr(p, LD_ERR_CORRUPT, "ARG requires at least one argument");
    else if (words.n > LD_DF_MAX_PAIRS)
        rc = df_perr(p, LD_ERR_LIMIT, "more than %u names in one ARG", LD_DF_MAX_PAIRS);
    for (size_t i = 0; rc == 0 && i < words.n; i++) {
        const char *w = words.v[i], *eq = strchr(w, '=');
        ld_df_pair *pr = add_pair(in, &cap);
        pr->key = eq ? ld_xstrndup(w, (size_t)(eq - w)) : ld_xstrdup(w);
        if (!pr->key[0]) {
            rc = df_perr(p, LD_ERR_CORRUPT, "ARG names can not be blank");
            break;
        }
        if (eq) {
            pr->raw = ld_xstrdup(eq + 1);
            pr->value = df_expand(p, pr->raw, global);
            if (!pr->value) {
                rc = p->err->code;
                break;
            }
        } else if (!global) {
            df_var *g = df_vt_find(&p->globals, pr->key);
            pr->value = g ? ld_xstrdup(g->value) : NULL; /* redeclared global keeps its value */
        }
        if (!trigger)
            rc = df_vt_set(p, global ? &p->globals : &p->args, pr->key, pr->value);
    }
    ld_strlist_clear(&words);
    return rc;
}

static bool valid_stage_name(const char *s)
{
    if (!(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (const char *c = s + 1; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || df_is_digit(*c) || *c == '-' || *c == '_' || *c == '.'))
            return false;
    return true;
}

/* FROM [--platform=P] IMAGE [AS NAME]: opens a stage; the previous stage's
 * ENV is kept for later `FROM <alias>`. 0 or <0 (p->err set). */
static int parse_from(df_parser *p, ld_df_instr *in, const char *rest)
{
    ld_strlist words = {0};
    df_split_words(rest, p->escape, &words);
    int rc = 0;
    if (!(words.n == 1 || (words.n == 3 && strcasecmp(words.v[1], "as") == 0))) {
        rc = df_perr(p, LD_ERR_CORRUPT,
                     "FROM requires either one or three arguments (IMAGE [AS NAME])");
        goto out;
    }
    if ((rc = expand_args(p, in, &words, true)) < 0 || (rc = expand_flags(p, in, true)) < 0)
        goto out;
    if (!in->args.v[0][0]) {
        rc = df_perr(p, LD_ERR_CORRUPT, "base name (%.128s) should not be blank", words.v[0]);
        goto out;
    }
    if (p->df->n_stages >= LD_DF_MAX_STAGES) {
        rc = df_perr(p, LD_ERR_LIMIT, "more than %u build stages", LD_DF_MAX_STAGES);
        goto out;
    }
    char *alias = NULL;
    if (words.n == 3) {
        alias = str_lower(in->args.v[2]);
        if (!valid_stage_name(alias)) {
            char *q = quoted(in->args.v[2], strlen(in->args.v[2]));
            rc = df_perr(p, LD_ERR_CORRUPT, "invalid name for build stage: \"%.64s\"", q);
            free(q);
            free(alias);
            goto out;
        }
    }
    ld_df_stage st = {.base = ld_xstrdup(in->args.v[0]),
                      .alias = alias,
                      .parent = -1,
                      .line = in->line,
                      .first = p->df->n - 1}; /* in is already stored */
    const char *plat = df_flag_value(&in->flags_expanded, "--platform");
    st.platform = plat ? ld_xstrdup(plat) : NULL;
    for (size_t i = 0; i < p->df->n_stages; i++)
        if (p->df->stages[i].alias && strcasecmp(p->df->stages[i].alias, st.base) == 0)
            st.parent = (int)i;
    /* close the previous stage's scope, open this one's */
    if (p->df->n_stages > 0) {
        p->stage_env[p->df->n_stages - 1] = p->env;
        memset(&p->env, 0, sizeof(p->env));
    }
    df_vt_clear(&p->env);
    df_vt_clear(&p->args);
    if (st.parent >= 0)
        rc = df_vt_copy(p, &p->env, &p->stage_env[st.parent]);
    size_t cap = p->df->n_stages;
    ld_xgrow(&p->df->stages, &cap, p->df->n_stages + 1, sizeof(*p->df->stages));
    p->df->stages[p->df->n_stages++] = st;
    p->stage_env = ld_xrealloc(p->stage_env, p->df->n_stages * sizeof(*p->stage_env));
    memset(&p->stage_env[p->df->n_stages - 1], 0, sizeof(*p->stage_env));
    p->n_stage_env = p->df->n_stages;
out:
    ld_strlist_clear(&words);
    return rc;
}

static int lookup_kind(const char *kw, ld_df_kind *out)
{
    for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
        if (strcasecmp(keywords[i].name, kw) == 0) {
            *out = keywords[i].kind;
            return 0;
        }
    return -1;
}

/* Applies ENV pairs to the stage after the whole instruction was expanded. */
static int apply_env(df_parser *p, const ld_df_instr *in)
{
    for (size_t i = 0; i < in->n_pairs; i++)
        if (df_vt_set(p, &p->env, in->pairs[i].key, in->pairs[i].value) < 0)
            return p->err->code;
    return 0;
}

/* Parses one logical line (keyword, flags, arguments). trigger: an ONBUILD
 * trigger, which neither opens stages nor changes variables. */
int df_parse_instr(df_parser *p, ld_df_instr *in, const char *text, bool trigger)
{
    while (*text && df_is_space(*text))
        text++;
    size_t kl = 0;
    while (text[kl] && !df_is_space(text[kl]))
        kl++;
    in->keyword = ld_xstrndup(text, kl);
    in->text = ld_xstrdup(text);
    /* trim trailing space of the stored text */
    for (size_t n = strlen(in->text); n > 0 && df_is_space(in->text[n - 1]); n--)
        in->text[n - 1] = '\0';
    in->line = p->line;
    in->end_line = p->line;
    in->stage = p->df->n_stages > 0 ? (int)p->df->n_stages - 1 : -1;
    if (lookup_kind(in->keyword, &in->kind) < 0) {
        char *q = quoted(in->keyword, strlen(in->keyword));
        int rc = df_perr(p, LD_ERR_CORRUPT, "unknown instruction: %.64s", q);
        free(q);
        return rc;
    }
    const char *rest = extract_flags(text + kl, &in->flags);
    in->rest = ld_xstrdup(rest);
    for (size_t n = strlen(in->rest); n > 0 && df_is_space(in->rest[n - 1]); n--)
        in->rest[n - 1] = '\0';
    rest = in->rest;
    if (!rest[0])
        return df_perr(p, LD_ERR_CORRUPT, "%s requires at least one argument",
                       ld_df_kind_name(in->kind));
    bool global = p->df->n_stages == 0;
    if (global && !trigger && in->kind != LD_DF_ARG && in->kind != LD_DF_FROM)
        return df_perr(p, LD_ERR_CORRUPT,
                       "%s before the first FROM: no build stage in current context",
                       ld_df_kind_name(in->kind));
    ld_strlist words = {0};
    int rc = 0;
    switch (in->kind) {
    case LD_DF_FROM:
        if (trigger)
            return df_perr(p, LD_ERR_CORRUPT, "FROM isn't allowed as an ONBUILD trigger");
        return parse_from(p, in, rest);
    case LD_DF_ARG: return parse_arg(p, in, rest, global, trigger);
    case LD_DF_ENV:
        if ((rc = parse_name_val(p, in, rest)) < 0)
            return rc;
        return trigger ? 0 : apply_env(p, in);
    case LD_DF_LABEL: return parse_name_val(p, in, rest);
    case LD_DF_RUN:
    case LD_DF_CMD:
    case LD_DF_ENTRYPOINT: rc = maybe_json(p, in, rest); return rc < 0 ? rc : 0;
    case LD_DF_SHELL:
        rc = maybe_json(p, in, rest);
        if (rc == 0)
            return df_perr(p, LD_ERR_CORRUPT, "SHELL requires the arguments to be in JSON form");
        return rc < 0 ? rc : 0;
    case LD_DF_ADD:
    case LD_DF_COPY:
    case LD_DF_VOLUME:
        rc = maybe_json(p, in, rest);
        if (rc < 0)
            return rc;
        if (rc == 1) {
            /* substitute inside the elements too */
            ld_strlist raw = in->args;
            memset(&in->args, 0, sizeof(in->args));
            rc = expand_args(p, in, &raw, false);
            ld_strlist_clear(&raw);
        } else {
            df_split_words(rest, p->escape, &words);
            rc = expand_args(p, in, &words, false);
        }
        if (rc == 0)
            rc = expand_flags(p, in, false);
        if (rc == 0 && in->kind != LD_DF_VOLUME && in->args.n < 2)
            rc = df_perr(
                p, LD_ERR_CORRUPT,
                "%s requires at least two arguments, but only one was provided: destination "
                "could not be determined",
                ld_df_kind_name(in->kind));
        break;
    case LD_DF_USER:
    case LD_DF_EXPOSE:
    case LD_DF_WORKDIR:
    case LD_DF_STOPSIGNAL:
        df_split_words(rest, p->escape, &words);
        rc = expand_args(p, in, &words, false);
        if (rc == 0 && in->kind == LD_DF_USER && in->args.n != 1)
            rc = df_perr(p, LD_ERR_CORRUPT, "USER requires exactly one argument");
        break;
    case LD_DF_MAINTAINER: break;
    case LD_DF_HEALTHCHECK: {
        size_t tl = 0;
        while (rest[tl] && !df_is_space(rest[tl]))
            tl++;
        const char *after = rest + tl;
        while (*after && df_is_space(*after))
            after++;
        if (tl == 4 && strncasecmp(rest, "none", 4) == 0) {
            if (*after || in->flags.n)
                return df_perr(p, LD_ERR_CORRUPT, "HEALTHCHECK NONE takes no arguments");
            in->health_none = true;
            return 0;
        }
        if (!(tl == 3 && strncasecmp(rest, "cmd", 3) == 0)) {
            char *q = quoted(rest, tl);
            rc = df_perr(p, LD_ERR_CORRUPT, "unknown type \"%.32s\" in HEALTHCHECK (try CMD)", q);
            free(q);
            return rc;
        }
        if (!*after)
            return df_perr(p, LD_ERR_CORRUPT, "HEALTHCHECK CMD requires a command");
        rc = maybe_json(p, in, after);
        if (rc < 0)
            return rc;
        rc = expand_flags(p, in, false);
        break;
    }
    case LD_DF_ONBUILD: {
        if (trigger)
            return df_perr(p, LD_ERR_CORRUPT,
                           "chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
        size_t sl = 0;
        while (rest[sl] && !df_is_space(rest[sl]))
            sl++;
        char *kw = ld_xstrndup(rest, sl);
        ld_df_kind k;
        bool bad = lookup_kind(kw, &k) == 0 && (k == LD_DF_ONBUILD || k == LD_DF_MAINTAINER);
        free(kw);
        if (bad)
            return df_perr(p, LD_ERR_CORRUPT, "%s isn't allowed as an ONBUILD trigger",
                           ld_df_kind_name(k));
        in->sub = ld_xcalloc(1, sizeof(*in->sub));
        return df_parse_instr(p, in->sub, rest, true);
    }
    }
    ld_strlist_clear(&words);
    return rc;
}
