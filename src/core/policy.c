/* The policy file: read it (size-capped), load it as a YAML tree and turn the
 * tree into an ld_policy, strictly. Every problem is reported as
 * "PATH:LINE: message" and parsing goes on after it, like a compiler, so
 * `lockdown policy check` shows them all at once. Schema: docs/policy.md.
 * Not for applying the policy to findings (report.c) and not for checking
 * names against the controls catalog (the caller does that, so this file
 * stays independent of the catalog). */
#include "core/policy.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "util/cleanup.h"
#include "util/mem.h"
#include "util/yaml_doc.h"

extern const unsigned char ld_data_default_policy_yaml[];
extern const size_t ld_data_default_policy_yaml_len;

#define POLICY_MAX_BYTES ((size_t)1 << 20) /* 1 MiB: a policy is a page or two */
#define POLICY_MAX_DEPTH 16                /* the schema needs 4 */
/* The YAML loader checks duplicate keys pairwise, so the node cap also bounds
 * the time a hostile file can take (40,000 nodes: under a second). It leaves
 * room for about 4,000 exceptions. */
#define POLICY_MAX_NODES 40000
#define POLICY_MAX_ENTRIES 10000 /* per list: exceptions, attestations, registries */
#define POLICY_MAX_KEYS 256      /* trusted keys: each is parsed as a public key */
#define POLICY_MAX_DIAGS 100     /* kept in diags; all are counted */
#define MAX_WORD 256             /* ids, names, patterns, registries */
#define MAX_TEXT 4096            /* reasons, evidence links */
#define MAX_KEY_TEXT 65536       /* PEM public keys */
#define SHOWN_MAX 60             /* characters of user text quoted in a message */

/* ---- diagnostics ---- */

typedef struct {
    const char *name;
    ld_strlist *diags; /* may be NULL */
    size_t problems;
    char first[LD_ERROR_MSG_MAX];
} pctx;

static void problem(pctx *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Records one problem: "NAME:LINE: message" (or "NAME: message" for line 0). */
static void problem(pctx *c, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ld_autofree char *msg = ld_xvasprintf(fmt, ap);
    va_end(ap);
    char *d = line > 0 ? ld_xasprintf("%s:%d: %s", c->name, line, msg)
                       : ld_xasprintf("%s: %s", c->name, msg);
    c->problems++;
    if (c->problems == 1)
        snprintf(c->first, sizeof(c->first), "%s", d);
    if (c->diags && c->problems <= POLICY_MAX_DIAGS)
        ld_strlist_push_owned(c->diags, d);
    else
        free(d);
}

/* Copies user text s into buf (see shown_buf) for a message:
 * control characters (C0, DEL, UTF-8 encoded C1), quotes and backslashes escaped,
 * at most SHOWN_MAX characters, "..." when cut. Returns buf. */
static const char *shown(char *buf, size_t size, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0, chars = 0;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    for (; *p; p++) {
        bool continuation = (*p & 0xc0) == 0x80;
        if (!continuation && chars++ == SHOWN_MAX) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        bool c1 = *p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;
        if (*p < 0x20 || *p == 0x7f || c1) {
            buf[o++] = '\\';
            buf[o++] = 'x';
            buf[o++] = hex[*p >> 4];
            buf[o++] = hex[*p & 15];
            if (c1) {
                p++;
                buf[o++] = '\\';
                buf[o++] = 'x';
                buf[o++] = hex[*p >> 4];
                buf[o++] = hex[*p & 15];
            }
        } else if (*p == '"' || *p == '\\') {
            buf[o++] = '\\';
            buf[o++] = (char)*p;
        } else {
            buf[o++] = (char)*p;
        }
        if (o + 16 > size)
            break;
    }
    buf[o] = '\0';
    return buf;
}

typedef struct {
    char b[SHOWN_MAX * 8 + 16]; /* a C1 control takes 8 bytes */
} shown_buf;

#define SHOW(sb, s) shown((sb).b, sizeof((sb).b), (s))

/* ---- small validators ---- */

static bool is_null(const ld_yaml_node *n)
{
    if (!n || n->kind != LD_YAML_SCALAR || n->quoted)
        return false;
    const char *v = n->value;
    return !v[0] || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
           strcmp(v, "NULL") == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

typedef enum { DATE_OK, DATE_FORMAT, DATE_RANGE } date_result;

/* Parses exactly "YYYY-MM-DD" (year 1900..9999, a day that exists). */
static date_result parse_date(const char *s, int *y, int *m, int *d)
{
    static const char shape[] = "dddd-dd-dd";
    if (!s || strlen(s) != sizeof(shape) - 1)
        return DATE_FORMAT;
    for (size_t i = 0; i < sizeof(shape) - 1; i++) {
        bool digit = s[i] >= '0' && s[i] <= '9';
        if (shape[i] == 'd' ? !digit : s[i] != '-')
            return DATE_FORMAT;
    }
    *y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    *m = (s[5] - '0') * 10 + (s[6] - '0');
    *d = (s[8] - '0') * 10 + (s[9] - '0');
    if (*y < 1900 || *m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m))
        return DATE_RANGE;
    return DATE_OK;
}

static bool has_space(const char *s)
{
    for (; *s; s++)
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v')
            return true;
    return false;
}

/* True if s contains a control character other than those allowed. */
static bool has_control(const char *s, bool allow_newlines)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (allow_newlines && (*p == '\n' || *p == '\r' || *p == '\t'))
            continue;
        if (*p < 0x20 || *p == 0x7f)
            return true;
    }
    return false;
}

/* Case-insensitive edit distance of two short strings (longer than 32: a big number). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 32 || lb > 32)
        return 99;
    size_t prev[33], cur[33];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            char ca = a[i - 1], cb = b[j - 1];
            if (ca >= 'A' && ca <= 'Z')
                ca = (char)(ca - 'A' + 'a');
            if (cb >= 'A' && cb <= 'Z')
                cb = (char)(cb - 'A' + 'a');
            size_t best = prev[j - 1] + (ca == cb ? 0 : 1);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            cur[j] = best;
        }
        memcpy(prev, cur, sizeof(prev));
    }
    return prev[lb];
}

/* "a, b or c" from a NULL-terminated list; caller frees. */
static char *or_list(const char *const *names)
{
    ld_strlist l = {0};
    size_t n = 0;
    while (names[n])
        n++;
    for (size_t i = 0; i < n; i++) {
        const char *sep = i == 0 ? "" : ", ";
        if (i > 0 && i + 1 == n)
            sep = " or ";
        ld_strlist_push_owned(&l, ld_xasprintf("%s%s", sep, names[i]));
    }
    char *s = ld_strlist_join(&l, "");
    ld_strlist_clear(&l);
    return s;
}

/* Reports key k of a mapping (called `where` in messages) as unknown, with the
 * allowed keys and a suggestion when one is close. */
static void unknown_key(pctx *c, const ld_yaml_node *k, const char *where,
                        const char *const *allowed)
{
    const char *best = NULL;
    size_t best_d = 3;
    for (const char *const *a = allowed; *a; a++) {
        size_t d = edit_distance(k->value, *a);
        if (d < best_d && d * 2 < strlen(*a)) {
            best = *a;
            best_d = d;
        }
    }
    ld_autofree char *expected = or_list(allowed);
    shown_buf sb;
    problem(c, k->line, "unknown key \"%s\" %s; expected %s%s%s%s", SHOW(sb, k->value), where,
            expected, best ? " (did you mean \"" : "", best ? best : "", best ? "\"?)" : "");
}

/* Index of key in allowed, or -1 after reporting it as unknown. */
static int key_index(pctx *c, const ld_yaml_node *k, const char *where, const char *const *allowed)
{
    for (int i = 0; allowed[i]; i++)
        if (strcmp(allowed[i], k->value) == 0)
            return i;
    unknown_key(c, k, where, allowed);
    return -1;
}

/* The scalar value of v for key, or NULL after reporting a wrong type, an
 * empty value, excess length or control characters. */
static const char *want_str(pctx *c, const ld_yaml_node *v, const char *key, size_t max,
                            bool multiline)
{
    if (v->kind != LD_YAML_SCALAR) {
        problem(c, v->line, "\"%s\" must be a string, not %s", key, ld_yaml_kind_name(v->kind));
        return NULL;
    }
    if (is_null(v) || !v->value[0]) {
        problem(c, v->line, "\"%s\" must not be empty", key);
        return NULL;
    }
    if (strlen(v->value) > max) {
        problem(c, v->line, "\"%s\" is longer than %zu characters", key, max);
        return NULL;
    }
    if (has_control(v->value, multiline)) {
        problem(c, v->line, "\"%s\" contains a control character", key);
        return NULL;
    }
    return v->value;
}

/* Copies a string field into *out (replacing nothing: keys are unique). */
static bool take_str(pctx *c, const ld_yaml_node *v, const char *key, size_t max, char **out)
{
    const char *s = want_str(c, v, key, max, false);
    if (s)
        *out = ld_xstrdup(s);
    return s != NULL;
}

/* An enumerated value: s must be one of names (NULL-terminated); returns the
 * index or -1 after reporting. */
static int want_enum(pctx *c, const ld_yaml_node *v, const char *key, const char *const *names)
{
    const char *s = want_str(c, v, key, MAX_WORD, false);
    if (!s)
        return -1;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    ld_autofree char *expected = or_list(names);
    shown_buf sb;
    problem(c, v->line, "invalid %s \"%s\"; expected %s", key, SHOW(sb, s), expected);
    return -1;
}

/* YAML 1.1 booleans, the plain words only: true, false, yes, no. */
static bool want_bool(pctx *c, const ld_yaml_node *v, const char *key, bool *out)
{
    if (v->kind == LD_YAML_SCALAR && !v->quoted) {
        const char *s = v->value;
        if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0) {
            *out = true;
            return true;
        }
        if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0) {
            *out = false;
            return true;
        }
    }
    shown_buf sb;
    if (v->kind != LD_YAML_SCALAR)
        problem(c, v->line, "\"%s\" must be true or false, not %s", key,
                ld_yaml_kind_name(v->kind));
    else
        problem(c, v->line, "\"%s\" must be true or false (or yes/no, unquoted), not %s\"%s\"", key,
                v->quoted ? "the string " : "", SHOW(sb, v->value));
    return false;
}

/* A YYYY-MM-DD date into *out; false after reporting. */
static bool want_date(pctx *c, const ld_yaml_node *v, const char *key, char **out)
{
    const char *s = want_str(c, v, key, MAX_WORD, false);
    if (!s)
        return false;
    int y, m, d;
    shown_buf sb;
    switch (parse_date(s, &y, &m, &d)) {
    case DATE_OK: *out = ld_xstrdup(s); return true;
    case DATE_FORMAT:
        problem(c, v->line, "\"%s\" must be a date YYYY-MM-DD, not \"%s\"", key, SHOW(sb, s));
        return false;
    case DATE_RANGE:
        if (y >= 1900 && m >= 1 && m <= 12)
            problem(c, v->line, "\"%s\": %s is not a real date (%04d-%02d has %d days)", key, s, y,
                    m, days_in_month(y, m));
        else
            problem(c, v->line, "\"%s\": %s is not a real date", key, s);
        return false;
    }
    return false;
}

/* Does the value v of section key k have the wanted kind? A null value
 * counts as absent (returns false without a problem). Problems about a whole
 * section point at its key's line, where the reader looks. */
static bool want_kind(pctx *c, const ld_yaml_node *k, const ld_yaml_node *v, ld_yaml_kind kind)
{
    if (is_null(v))
        return false;
    if (v->kind != kind) {
        problem(c, k->line, "\"%s\" must be %s, not %s", k->value, ld_yaml_kind_name(kind),
                ld_yaml_kind_name(v->kind));
        return false;
    }
    return true;
}

/* A list section of key k with at most max entries. */
static bool want_list(pctx *c, const ld_yaml_node *k, const ld_yaml_node *v, size_t max)
{
    if (!want_kind(c, k, v, LD_YAML_SEQ))
        return false;
    if (v->n > max) {
        problem(c, k->line, "\"%s\" has %zu entries; at most %zu are accepted", k->value, v->n,
                max);
        return false;
    }
    return true;
}

/* ---- sections ---- */

static const char *const top_keys[] = {
    "version",      "profile", "level",   "gate", "exceptions", "attestations", "trusted-registries",
    "trusted-keys", "secrets", NULL};
static const char *const profile_keys[] = {"data-classification", "exposure", "use-case", NULL};
static const char *const gate_keys[] = {"fail-on", "required-controls", NULL};
static const char *const exception_keys[] = {"id", "target", "reason", "expires", NULL};
static const char *const attestation_keys[] = {"control",  "by",      "date",
                                               "evidence", "expires", NULL};
static const char *const key_keys[] = {"name", "key", NULL};

static const char *const data_names[] = {"public", "internal", "confidential", "restricted", NULL};
static const char *const exposure_names[] = {"none", "indirect", "direct", NULL};
static const char *const use_names[] = {"development", "test", "production", NULL};
static const char *const level_names[] = {"low", "medium", "high", NULL};
static const char *const severity_names[] = {"critical", "high", "medium", "low", "info", NULL};

static void parse_version(pctx *c, const ld_yaml_node *v)
{
    if (v->kind == LD_YAML_SCALAR && !v->quoted && strcmp(v->value, "1") == 0)
        return;
    shown_buf sb;
    if (v->kind != LD_YAML_SCALAR)
        problem(c, v->line, "\"version\" must be 1, not %s", ld_yaml_kind_name(v->kind));
    else if (is_null(v))
        problem(c, v->line, "\"version\" must be 1");
    else if (v->quoted)
        problem(c, v->line, "\"version\" must be the number 1, not the string \"%s\"",
                SHOW(sb, v->value));
    else
        problem(c, v->line, "unsupported policy version \"%s\"; this lockdown reads version 1",
                SHOW(sb, v->value));
}

static void parse_profile(pctx *c, const ld_yaml_node *key, const ld_yaml_node *v, ld_policy *p)
{
    if (!want_kind(c, key, v, LD_YAML_MAP))
        return;
    bool seen[3] = {false, false, false};
    bool ok = true;
    for (size_t i = 0; i < v->n; i++) {
        int k = key_index(c, v->keys[i], "in profile", profile_keys);
        if (k < 0) {
            ok = false;
            continue;
        }
        seen[k] = true;
        const ld_yaml_node *val = v->items[i];
        const char *s = NULL;
        int idx = -1;
        switch (k) {
        case 0:
            if ((idx = want_enum(c, val, "data-classification", data_names)) >= 0 &&
                ld_data_class_parse(data_names[idx], &p->profile.data) == 0)
                s = data_names[idx];
            break;
        case 1:
            if ((idx = want_enum(c, val, "exposure", exposure_names)) >= 0 &&
                ld_exposure_parse(exposure_names[idx], &p->profile.exposure) == 0)
                s = exposure_names[idx];
            break;
        default:
            if ((idx = want_enum(c, val, "use-case", use_names)) >= 0 &&
                ld_use_case_parse(use_names[idx], &p->profile.use) == 0)
                s = use_names[idx];
            break;
        }
        ok = ok && s;
    }
    for (int k = 0; k < 3; k++) {
        if (!seen[k]) {
            problem(c, key->line, "profile needs \"%s\" (%s)", profile_keys[k],
                    k == 0   ? "public, internal, confidential or restricted"
                    : k == 1 ? "none, indirect or direct"
                             : "development, test or production");
            ok = false;
        }
    }
    p->has_profile = ok;
}

static void parse_level(pctx *c, const ld_yaml_node *v, ld_policy *p)
{
    int idx = want_enum(c, v, "level", level_names);
    if (idx >= 0 && ld_level_parse(level_names[idx], &p->level) == 0)
        p->has_level = true;
}

static void parse_gate(pctx *c, const ld_yaml_node *key, const ld_yaml_node *v, ld_policy *p)
{
    if (!want_kind(c, key, v, LD_YAML_MAP))
        return;
    for (size_t i = 0; i < v->n; i++) {
        int k = key_index(c, v->keys[i], "in gate", gate_keys);
        const ld_yaml_node *val = v->items[i];
        if (k == 0) {
            int idx = want_enum(c, val, "fail-on", severity_names);
            if (idx >= 0 && ld_severity_parse(severity_names[idx], &p->fail_on) == 0)
                p->has_fail_on = true;
        } else if (k == 1) {
            want_bool(c, val, "required-controls", &p->required_controls);
        }
    }
}

static void parse_exception(pctx *c, const ld_yaml_node *v, ld_exception *e)
{
    e->line = v->line;
    if (v->kind != LD_YAML_MAP) {
        problem(c, v->line, "each exception must be a mapping with \"id\" and \"reason\", not %s",
                ld_yaml_kind_name(v->kind));
        return;
    }
    for (size_t i = 0; i < v->n; i++) {
        const ld_yaml_node *val = v->items[i];
        switch (key_index(c, v->keys[i], "in exception", exception_keys)) {
        case 0:
            if (take_str(c, val, "id", MAX_WORD, &e->id) && has_space(e->id))
                problem(c, val->line, "\"id\" must not contain spaces");
            break;
        case 1: take_str(c, val, "target", MAX_WORD, &e->target); break;
        case 2: {
            /* a reason may be a multi-line block */
            const char *s = want_str(c, val, "reason", MAX_TEXT, true);
            e->reason = ld_xstrdup(s);
            break;
        }
        case 3: want_date(c, val, "expires", &e->expires); break;
        default: break;
        }
    }
    shown_buf sb;
    if (!ld_yaml_get(v, "id"))
        problem(c, v->line, "exception needs an \"id\" (a control, check or finding id)");
    if (!ld_yaml_get(v, "reason"))
        problem(c, v->line, "exception%s%s%s needs a \"reason\"", e->id ? " for \"" : "",
                e->id ? SHOW(sb, e->id) : "", e->id ? "\"" : "");
}

/* A link: scheme "://" then at least one character, no spaces. */
static bool is_link(const char *s)
{
    const char *p = s;
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
        return false;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
           *p == '+' || *p == '-' || *p == '.')
        p++;
    return strncmp(p, "://", 3) == 0 && p[3] && !has_space(s);
}

static void parse_attestation(pctx *c, const ld_yaml_node *v, ld_attestation *a)
{
    a->line = v->line;
    if (v->kind != LD_YAML_MAP) {
        problem(c, v->line,
                "each attestation must be a mapping with \"control\", \"by\", \"date\" and "
                "\"evidence\", not %s",
                ld_yaml_kind_name(v->kind));
        return;
    }
    const ld_yaml_node *date_node = NULL, *expires_node = NULL;
    for (size_t i = 0; i < v->n; i++) {
        const ld_yaml_node *val = v->items[i];
        shown_buf sb;
        switch (key_index(c, v->keys[i], "in attestation", attestation_keys)) {
        case 0:
            if (take_str(c, val, "control", MAX_WORD, &a->control) && has_space(a->control))
                problem(c, val->line, "\"control\" must not contain spaces");
            break;
        case 1: take_str(c, val, "by", MAX_WORD, &a->by); break;
        case 2:
            if (want_date(c, val, "date", &a->date))
                date_node = val;
            break;
        case 3:
            if (take_str(c, val, "evidence", MAX_TEXT, &a->evidence) && !is_link(a->evidence))
                problem(c, val->line,
                        "\"evidence\" must be a link such as https://wiki.example.com/page, "
                        "not \"%s\"",
                        SHOW(sb, a->evidence));
            break;
        case 4:
            if (want_date(c, val, "expires", &a->expires))
                expires_node = val;
            break;
        default: break;
        }
    }
    static const char *const required[] = {"control", "by", "date", "evidence"};
    for (size_t k = 0; k < 4; k++)
        if (!ld_yaml_get(v, required[k]))
            problem(c, v->line, "attestation needs \"%s\"", required[k]);
    if (date_node && expires_node && strcmp(a->expires, a->date) < 0)
        problem(c, expires_node->line, "\"expires\" (%s) is before the attestation \"date\" (%s)",
                a->expires, a->date);
}

static void parse_registries(pctx *c, const ld_yaml_node *key, const ld_yaml_node *v, ld_policy *p)
{
    if (!want_list(c, key, v, POLICY_MAX_ENTRIES))
        return;
    for (size_t i = 0; i < v->n; i++) {
        const ld_yaml_node *it = v->items[i];
        const char *s = want_str(c, it, "trusted-registries entry", MAX_WORD, false);
        if (!s)
            continue;
        shown_buf sb;
        if (strstr(s, "://"))
            problem(c, it->line,
                    "trusted registry \"%s\" must be a host with an optional path, without a "
                    "scheme (registry.example.com/team)",
                    SHOW(sb, s));
        else if (has_space(s))
            problem(c, it->line, "trusted registry \"%s\" must not contain spaces", SHOW(sb, s));
        else if (ld_strlist_contains(&p->trusted_registries, s))
            problem(c, it->line, "trusted registry \"%s\" is listed twice", SHOW(sb, s));
        else
            ld_strlist_push(&p->trusted_registries, s);
    }
}

/* A PEM public key (not a private one), checked by parsing it. */
static bool pem_public_key_ok(const char *text)
{
    BIO *bio = BIO_new_mem_buf(text, -1);
    if (!bio)
        return false;
    EVP_PKEY *key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    BIO_free(bio);
    ERR_clear_error();
    if (!key)
        return false;
    EVP_PKEY_free(key);
    return true;
}

static void parse_trusted_key(pctx *c, const ld_yaml_node *v, ld_trusted_key *tk,
                              const ld_policy *p, size_t index)
{
    tk->line = v->line;
    if (v->kind != LD_YAML_MAP) {
        problem(c, v->line, "each trusted key must be a mapping with \"name\" and \"key\", not %s",
                ld_yaml_kind_name(v->kind));
        return;
    }
    for (size_t i = 0; i < v->n; i++) {
        const ld_yaml_node *val = v->items[i];
        shown_buf sb;
        switch (key_index(c, v->keys[i], "in trusted key", key_keys)) {
        case 0:
            if (!take_str(c, val, "name", MAX_WORD, &tk->name))
                break;
            for (size_t j = 0; j < index; j++)
                if (p->trusted_keys[j].name && strcmp(p->trusted_keys[j].name, tk->name) == 0)
                    problem(c, val->line, "trusted key name \"%s\" is used twice (line %d)",
                            SHOW(sb, tk->name), p->trusted_keys[j].line);
            break;
        case 1: {
            const char *s = want_str(c, val, "key", MAX_KEY_TEXT, true);
            if (!s)
                break;
            tk->key = ld_xstrdup(s);
            if (strncmp(s, "file:", 5) == 0) {
                if (!s[5] || has_control(s, false))
                    problem(c, val->line, "\"key\" file: needs a path");
            } else if (strstr(s, "PRIVATE KEY")) {
                problem(c, val->line,
                        "\"key\" is a private key; put the public key here and keep the private "
                        "key secret");
            } else if (!pem_public_key_ok(s)) {
                problem(c, val->line,
                        "\"key\" must be a PEM public key (-----BEGIN PUBLIC KEY-----) or "
                        "file:PATH");
            }
            break;
        }
        default: break;
        }
    }
    if (!ld_yaml_get(v, "name"))
        problem(c, v->line, "trusted key needs a \"name\"");
    if (!ld_yaml_get(v, "key"))
        problem(c, v->line, "trusted key needs a \"key\" (PEM text or file:PATH)");
}

static void parse_exceptions(pctx *c, const ld_yaml_node *key, const ld_yaml_node *v, ld_policy *p)
{
    if (!want_list(c, key, v, POLICY_MAX_ENTRIES))
        return;
    p->exceptions = ld_xcalloc(v->n, sizeof(*p->exceptions));
    for (size_t i = 0; i < v->n; i++)
        parse_exception(c, v->items[i], &p->exceptions[p->n_exceptions++]);
}

static void parse_attestations(pctx *c, const ld_yaml_node *key, const ld_yaml_node *v,
                               ld_policy *p)
{
    if (!want_list(c, key, v, POLICY_MAX_ENTRIES))
        return;
    p->attestations = ld_xcalloc(v->n, sizeof(*p->attestations));
    for (size_t i = 0; i < v->n; i++)
        parse_attestation(c, v->items[i], &p->attestations[p->n_attestations++]);
}

static void parse_trusted_keys(pctx *c, const ld_yaml_node *key, const ld_yaml_node *v,
                               ld_policy *p)
{
    if (!want_list(c, key, v, POLICY_MAX_KEYS))
        return;
    p->trusted_keys = ld_xcalloc(v->n, sizeof(*p->trusted_keys));
    for (size_t i = 0; i < v->n; i++) {
        parse_trusted_key(c, v->items[i], &p->trusted_keys[i], p, i);
        p->n_trusted_keys++;
    }
}

/* ---- secrets ---- */

#define POLICY_MAX_SECRET_RULES 500
#define POLICY_MAX_KEYWORDS 32
#define SECRET_MAX_FILE_BYTES ((uint64_t)1 << 30) /* 1 GiB */

static const char *const secrets_keys[] = {"rules", "allow", "max-file-bytes", "skip-binary",
                                           NULL};
static const char *const secret_rule_keys[] = {"id",       "description", "regex",
                                               "keywords", "severity",    NULL};
static const char *const secret_allow_keys[] = {"id", "path", "regex", NULL};

/* A PCRE2 pattern for key; false after reporting why it does not compile. */
static bool want_regex(pctx *c, const ld_yaml_node *v, const char *key, char **out)
{
    const char *s = want_str(c, v, key, MAX_TEXT, false);
    if (!s)
        return false;
    int ecode = 0;
    PCRE2_SIZE eoff = 0;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, 0, &ecode, &eoff, NULL);
    if (!code) {
        PCRE2_UCHAR msg[200];
        if (pcre2_get_error_message(ecode, msg, sizeof(msg)) < 0)
            snprintf((char *)msg, sizeof(msg), "error %d", ecode);
        shown_buf sb;
        problem(c, v->line, "\"%s\" \"%s\" is not a valid regular expression: %s at offset %zu",
                key, SHOW(sb, s), (const char *)msg, (size_t)eoff);
        return false;
    }
    pcre2_code_free(code);
    *out = ld_xstrdup(s);
    return true;
}

static bool secret_id_ok(const char *s)
{
    if (strlen(s) > 64)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
              *s == '.'))
            return false;
    return true;
}

static void parse_secret_rule(pctx *c, const ld_yaml_node *v, ld_policy_secret_rule *r,
                              const ld_policy *p)
{
    r->line = v->line;
    r->severity = LD_SEV_HIGH;
    if (v->kind != LD_YAML_MAP) {
        problem(c, v->line,
                "each secret rule must be a mapping with \"id\", \"regex\" and \"keywords\"");
        return;
    }
    for (size_t i = 0; i < v->n; i++) {
        const ld_yaml_node *val = v->items[i];
        shown_buf sb;
        switch (key_index(c, v->keys[i], "in secret rule", secret_rule_keys)) {
        case 0:
            if (take_str(c, val, "id", MAX_WORD, &r->id)) {
                if (!secret_id_ok(r->id))
                    problem(c, val->line,
                            "secret rule id \"%s\" must be at most 64 lowercase letters, digits, "
                            "'-', '_' or '.'",
                            SHOW(sb, r->id));
                for (size_t j = 0; j < p->n_secret_rules; j++)
                    if (p->secret_rules[j].id && strcmp(p->secret_rules[j].id, r->id) == 0)
                        problem(c, val->line, "secret rule id \"%s\" is used twice (line %d)",
                                SHOW(sb, r->id), p->secret_rules[j].line);
            }
            break;
        case 1: take_str(c, val, "description", MAX_TEXT, &r->description); break;
        case 2: want_regex(c, val, "regex", &r->regex); break;
        case 3:
            if (val->kind != LD_YAML_SEQ || val->n == 0 || val->n > POLICY_MAX_KEYWORDS) {
                problem(c, val->line, "\"keywords\" must be a list of 1 to %d words",
                        POLICY_MAX_KEYWORDS);
                break;
            }
            for (size_t k = 0; k < val->n; k++) {
                const char *w = want_str(c, val->items[k], "keywords entry", 64, false);
                if (w)
                    ld_strlist_push(&r->keywords, w);
            }
            break;
        case 4: {
            int sev = want_enum(c, val, "severity", severity_names);
            if (sev >= 0)
                (void)ld_severity_parse(severity_names[sev], &r->severity);
            break;
        }
        default: break;
        }
    }
    if (!ld_yaml_get(v, "id"))
        problem(c, v->line, "secret rule needs an \"id\"");
    if (!ld_yaml_get(v, "regex"))
        problem(c, v->line, "secret rule needs a \"regex\"");
    if (!ld_yaml_get(v, "keywords"))
        problem(c, v->line,
                "secret rule needs \"keywords\" (words one of which must appear in a file "
                "before the regex runs)");
}

static void parse_secret_allow(pctx *c, const ld_yaml_node *v, ld_policy_secret_allow *a)
{
    a->line = v->line;
    if (v->kind != LD_YAML_MAP) {
        problem(c, v->line, "each secret allow rule must be a mapping with \"path\" or \"regex\"");
        return;
    }
    for (size_t i = 0; i < v->n; i++) {
        const ld_yaml_node *val = v->items[i];
        switch (key_index(c, v->keys[i], "in secret allow rule", secret_allow_keys)) {
        case 0: take_str(c, val, "id", MAX_WORD, &a->id); break;
        case 1: want_regex(c, val, "path", &a->path); break;
        case 2: want_regex(c, val, "regex", &a->regex); break;
        default: break;
        }
    }
    if (!ld_yaml_get(v, "path") && !ld_yaml_get(v, "regex"))
        problem(c, v->line, "secret allow rule needs a \"path\" or a \"regex\" (or both)");
}

static void parse_secrets(pctx *c, const ld_yaml_node *key, const ld_yaml_node *v, ld_policy *p)
{
    if (!want_kind(c, key, v, LD_YAML_MAP))
        return;
    for (size_t i = 0; i < v->n; i++) {
        const ld_yaml_node *k = v->keys[i], *val = v->items[i];
        switch (key_index(c, k, "in secrets", secrets_keys)) {
        case 0:
            if (!want_list(c, k, val, POLICY_MAX_SECRET_RULES))
                break;
            p->secret_rules = ld_xcalloc(val->n, sizeof(*p->secret_rules));
            for (size_t j = 0; j < val->n; j++) {
                parse_secret_rule(c, val->items[j], &p->secret_rules[j], p);
                p->n_secret_rules++;
            }
            break;
        case 1:
            if (!want_list(c, k, val, POLICY_MAX_ENTRIES))
                break;
            p->secret_allow = ld_xcalloc(val->n, sizeof(*p->secret_allow));
            for (size_t j = 0; j < val->n; j++)
                parse_secret_allow(c, val->items[j], &p->secret_allow[p->n_secret_allow++]);
            break;
        case 2: {
            const char *s = want_str(c, val, "max-file-bytes", 32, false);
            if (!s)
                break;
            uint64_t n = 0;
            bool ok = *s != '\0';
            for (const char *q = s; *q && ok; q++)
                ok = *q >= '0' && *q <= '9' && !__builtin_mul_overflow(n, 10, &n) &&
                     !__builtin_add_overflow(n, (uint64_t)(*q - '0'), &n);
            if (!ok || n == 0 || n > SECRET_MAX_FILE_BYTES) {
                shown_buf sb;
                problem(c, val->line,
                        "\"max-file-bytes\" must be a number of bytes from 1 to %llu, not \"%s\"",
                        (unsigned long long)SECRET_MAX_FILE_BYTES, SHOW(sb, s));
                break;
            }
            p->secret_max_bytes = n;
            break;
        }
        case 3:
            if (want_bool(c, val, "skip-binary", &p->secret_skip_binary))
                p->has_secret_skip_binary = true;
            break;
        default: break;
        }
    }
}

static void parse_root(pctx *c, const ld_yaml_node *root, ld_policy *p)
{
    if (root->kind != LD_YAML_MAP) {
        problem(c, root->line,
                "a policy must be a mapping (version: 1, profile:, gate:, ...), "
                "not %s",
                root->kind == LD_YAML_SEQ ? "a list" : "a scalar");
        return;
    }
    for (size_t i = 0; i < root->n; i++) {
        const ld_yaml_node *k = root->keys[i], *v = root->items[i];
        switch (key_index(c, k, "at top level", top_keys)) {
        case 0: parse_version(c, v); break;
        case 1: parse_profile(c, k, v, p); break;
        case 2: parse_level(c, v, p); break;
        case 3: parse_gate(c, k, v, p); break;
        case 4: parse_exceptions(c, k, v, p); break;
        case 5: parse_attestations(c, k, v, p); break;
        case 6: parse_registries(c, k, v, p); break;
        case 7: parse_trusted_keys(c, k, v, p); break;
        case 8: parse_secrets(c, k, v, p); break;
        default: break;
        }
    }
    if (!ld_yaml_get(root, "version"))
        problem(c, 1, "missing \"version: 1\" (the policy schema version)");
}

/* Turns a YAML loader error "NAME: line N: problem" into "NAME:N: problem";
 * syntax errors are marked as such. */
static void yaml_problem(pctx *c, const ld_error *yerr)
{
    size_t nlen = strlen(c->name);
    const char *m = yerr->msg;
    const char *kind = yerr->code == LD_ERR_CORRUPT ? "invalid YAML: " : "";
    if (strncmp(m, c->name, nlen) == 0 && strncmp(m + nlen, ": line ", 7) == 0) {
        const char *p = m + nlen + 7;
        long line = 0;
        while (*p >= '0' && *p <= '9' && line < 100000000)
            line = line * 10 + (*p++ - '0');
        if (strncmp(p, ": ", 2) == 0 && line > 0) {
            problem(c, (int)line, "%s%s", kind, p + 2);
            return;
        }
    }
    if (strncmp(m, c->name, nlen) == 0 && strncmp(m + nlen, ": ", 2) == 0)
        m += nlen + 2;
    problem(c, 0, "%s%s", kind, m);
}

ld_policy *ld_policy_parse(const char *name, const char *buf, size_t len, ld_strlist *diags,
                           ld_error *err)
{
    pctx c = {.name = name ? name : "<policy>", .diags = diags};
    ld_error yerr = LD_ERROR_INIT;
    ld_errcode code = LD_ERR_INVALID;
    ld_policy *p = ld_xcalloc(1, sizeof(*p));
    p->path = ld_xstrdup(c.name);
    p->required_controls = true;

    ld_yaml_limits lim = {POLICY_MAX_BYTES, POLICY_MAX_DEPTH, POLICY_MAX_NODES};
    ld_yaml_node *root = NULL;
    if (len > POLICY_MAX_BYTES) {
        problem(&c, 0, "policy is larger than 1 MiB (%zu bytes); is this the right file?", len);
        code = LD_ERR_LIMIT;
    } else if (len && memchr(buf, '\0', len)) {
        problem(&c, 0, "policy contains a NUL byte; is this a YAML text file?");
        code = LD_ERR_CORRUPT;
    } else if (!(root = ld_yaml_parse(c.name, buf ? buf : "", len, &lim, &yerr))) {
        if (yerr.code != LD_OK)
            code = yerr.code;
        else
            ld_error_set(&yerr, LD_ERR_CORRUPT, "%s: cannot parse YAML", c.name);
        yaml_problem(&c, &yerr);
    } else {
        parse_root(&c, root, p);
        ld_yaml_free(root);
    }
    if (c.problems == 0)
        return p;

    ld_policy_free(p);
    if (diags && c.problems > POLICY_MAX_DIAGS)
        ld_strlist_push_owned(diags, ld_xasprintf("%s: %zu more problems not shown", c.name,
                                                  c.problems - POLICY_MAX_DIAGS));
    if (c.problems > 1)
        ld_error_set(err, code, "%s (and %zu more problem%s)", c.first, c.problems - 1,
                     c.problems == 2 ? "" : "s");
    else
        ld_error_set(err, code, "%s", c.first);
    return NULL;
}

/* Reads at most POLICY_MAX_BYTES of a regular file into *out (NUL-terminated).
 * Returns the length, or a negative code with err set. */
static int read_policy_file(const char *path, char **out, size_t *len, ld_error *err)
{
    /* O_NONBLOCK: opening a FIFO must not hang before fstat refuses it */
    ld_autoclose int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return ld_error_set_errno(err, errno == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_INVALID, errno,
                                  "%s: cannot open policy", path);
    struct stat st;
    if (fstat(fd, &st) < 0)
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "%s: cannot stat policy", path);
    if (!S_ISREG(st.st_mode))
        return ld_error_set(err, LD_ERR_INVALID, "%s: policy is not a regular file", path);
    if ((unsigned long long)st.st_size > POLICY_MAX_BYTES)
        return ld_error_set(err, LD_ERR_LIMIT,
                            "%s: policy is larger than 1 MiB (%lld bytes); is this the right "
                            "file?",
                            path, (long long)st.st_size);
    /* the file may grow after fstat: read one byte past the cap to notice */
    ld_autofree char *buf = ld_xmalloc(POLICY_MAX_BYTES + 2);
    size_t total = 0;
    while (total < POLICY_MAX_BYTES + 1) {
        ssize_t n = read(fd, buf + total, POLICY_MAX_BYTES + 1 - total);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "%s: cannot read policy", path);
        if (n == 0)
            break;
        total += (size_t)n;
    }
    if (total > POLICY_MAX_BYTES)
        return ld_error_set(err, LD_ERR_LIMIT,
                            "%s: policy is larger than 1 MiB; is this the "
                            "right file?",
                            path);
    buf[total] = '\0';
    *out = ld_steal_ptr(&buf);
    *len = total;
    return 0;
}

ld_policy *ld_policy_load(const char *path, ld_strlist *diags, ld_error *err)
{
    ld_autofree char *buf = NULL;
    size_t len = 0;
    ld_error rerr = LD_ERROR_INIT;
    if (read_policy_file(path, &buf, &len, &rerr) < 0) {
        if (diags)
            ld_strlist_push(diags, rerr.msg);
        if (err)
            *err = rerr;
        return NULL;
    }
    return ld_policy_parse(path, buf, len, diags, err);
}

ld_policy *ld_policy_default(ld_error *err)
{
    ld_strlist diags = {0};
    ld_policy *p = ld_policy_parse("built-in default", (const char *)ld_data_default_policy_yaml,
                                   ld_data_default_policy_yaml_len, &diags, err);
    ld_strlist_clear(&diags);
    if (!p)
        ld_error_wrap(err, "built-in policy (a build problem)");
    return p;
}

void ld_policy_free(ld_policy *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_exceptions; i++) {
        ld_exception *e = &p->exceptions[i];
        free(e->id);
        free(e->target);
        free(e->reason);
        free(e->expires);
    }
    free(p->exceptions);
    for (size_t i = 0; i < p->n_attestations; i++) {
        ld_attestation *a = &p->attestations[i];
        free(a->control);
        free(a->by);
        free(a->date);
        free(a->evidence);
        free(a->expires);
    }
    free(p->attestations);
    for (size_t i = 0; i < p->n_trusted_keys; i++) {
        free(p->trusted_keys[i].name);
        free(p->trusted_keys[i].key);
    }
    free(p->trusted_keys);
    ld_strlist_clear(&p->trusted_registries);
    for (size_t i = 0; i < p->n_secret_rules; i++) {
        ld_policy_secret_rule *r = &p->secret_rules[i];
        free(r->id);
        free(r->description);
        free(r->regex);
        ld_strlist_clear(&r->keywords);
    }
    free(p->secret_rules);
    for (size_t i = 0; i < p->n_secret_allow; i++) {
        free(p->secret_allow[i].id);
        free(p->secret_allow[i].path);
        free(p->secret_allow[i].regex);
    }
    free(p->secret_allow);
    free(p->path);
    free(p);
}

bool ld_date_expired(const char *date, time_t now)
{
    if (!date)
        return false; /* no expiry date: never expires */
    int y, m, d;
    if (parse_date(date, &y, &m, &d) != DATE_OK)
        return true;
    struct tm tm;
    if (!localtime_r(&now, &tm))
        return true;
    int ty = tm.tm_year + 1900, tmo = tm.tm_mon + 1, td = tm.tm_mday;
    if (ty != y)
        return ty > y;
    if (tmo != m)
        return tmo > m;
    return td > d;
}

bool ld_exception_matches(const ld_exception *e, const ld_finding *f)
{
    if (!e->id)
        return false;
    bool id_match = (f->control && f->control->id && strcmp(e->id, f->control->id) == 0) ||
                    (f->check_id && strcmp(e->id, f->check_id) == 0) ||
                    (f->vuln && f->vuln->id && strcmp(e->id, f->vuln->id) == 0) ||
                    (f->vuln && ld_strlist_contains(&f->vuln->aliases, e->id)) ||
                    (f->secret && f->secret->rule_id && strcmp(e->id, f->secret->rule_id) == 0);
    if (!id_match)
        return false;
    if (!e->target)
        return true;
    if (f->target.id && fnmatch(e->target, f->target.id, 0) == 0)
        return true;
    return f->target.name && fnmatch(e->target, f->target.name, 0) == 0;
}
