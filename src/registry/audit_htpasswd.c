/* The registry's htpasswd file: who may read it (mode at most 0640, owned
 * by root or the registry's user) and how its passwords are hashed (bcrypt
 * of cost >= 10 for every entry; Apache MD5, SHA-1, crypt and plain text
 * are cracked offline in minutes, and distribution accepts only bcrypt
 * anyway). The file is hostile input and holds secrets: lines are bounded,
 * no hash is ever copied out of the buffer, the buffer is wiped before it
 * is freed, and findings name users (escaped), never hashes. */
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "registry/audit.h"
#include "util/cleanup.h"
#include "util/input_file.h"
#include "util/mem.h"

#define LINE_MAX_BYTES 4096
#define MAX_ENTRIES 100000
#define USERS_SHOWN 20
#define USER_SHOWN_MAX 64

const char *const ld_htpasswd_checks[] = {"registry.htpasswd.mode", "registry.htpasswd.bcrypt",
                                          NULL};

const char *ld_htpw_scheme_name(ld_htpw_scheme s)
{
    switch (s) {
    case LD_HTPW_BCRYPT: return "bcrypt";
    case LD_HTPW_MD5: return "MD5";
    case LD_HTPW_SHA1: return "SHA-1";
    case LD_HTPW_SHA_CRYPT: return "SHA-crypt";
    case LD_HTPW_CRYPT: return "crypt";
    case LD_HTPW_PLAIN: return "plain text";
    }
    return "?";
}

static bool has_prefix(const char *s, size_t n, const char *p)
{
    size_t m = strlen(p);
    return n >= m && memcmp(s, p, m) == 0;
}

static bool crypt64(char c)
{
    return isalnum((unsigned char)c) || c == '.' || c == '/';
}

/* The scheme of hash h[0..n) and, for bcrypt, its cost (-1: malformed). */
static ld_htpw_scheme classify(const char *h, size_t n, int *cost)
{
    *cost = 0;
    if (has_prefix(h, n, "$2y$") || has_prefix(h, n, "$2a$") || has_prefix(h, n, "$2b$")) {
        /* $2y$NN$ + 22 salt + 31 hash characters */
        if (n == 60 && isdigit((unsigned char)h[4]) && isdigit((unsigned char)h[5]) &&
            h[6] == '$') {
            bool ok = true;
            for (size_t i = 7; i < n && ok; i++)
                ok = crypt64(h[i]);
            *cost = ok ? (h[4] - '0') * 10 + (h[5] - '0') : -1;
        } else {
            *cost = -1;
        }
        return LD_HTPW_BCRYPT;
    }
    if (has_prefix(h, n, "$apr1$") || has_prefix(h, n, "$1$"))
        return LD_HTPW_MD5;
    if (has_prefix(h, n, "{SHA}"))
        return LD_HTPW_SHA1;
    if (has_prefix(h, n, "$5$") || has_prefix(h, n, "$6$"))
        return LD_HTPW_SHA_CRYPT;
    if (n == 13) {
        bool all = true;
        for (size_t i = 0; i < n && all; i++)
            all = crypt64(h[i]);
        if (all)
            return LD_HTPW_CRYPT;
    }
    return LD_HTPW_PLAIN;
}

static void malformed(ld_htpasswd *out, int line)
{
    if (out->malformed++ == 0)
        out->first_malformed_line = line;
}

int ld_htpasswd_parse(const char *buf, size_t len, ld_htpasswd *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    size_t pos = 0;
    int line = 0;
    while (pos < len) {
        line++;
        const char *s = buf + pos;
        const char *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        pos += n + (nl ? 1 : 0);
        if (n > 0 && s[n - 1] == '\r')
            n--;
        if (n > LINE_MAX_BYTES) {
            malformed(out, line);
            continue;
        }
        size_t lead = 0;
        while (lead < n && (s[lead] == ' ' || s[lead] == '\t'))
            lead++;
        if (lead == n || s[lead] == '#')
            continue;
        const char *colon = memchr(s, ':', n);
        if (!colon || colon == s || memchr(s, '\0', n)) {
            malformed(out, line);
            continue;
        }
        if (out->n >= MAX_ENTRIES) {
            ld_htpasswd_clear(out);
            return ld_error_set(err, LD_ERR_LIMIT, "more than %d htpasswd entries", MAX_ENTRIES);
        }
        size_t ul = (size_t)(colon - s);
        const char *hash = colon + 1;
        size_t hl = n - ul - 1;
        ld_xgrow(&out->v, &out->cap, out->n + 1, sizeof(*out->v));
        ld_htpw_entry *e = &out->v[out->n++];
        e->user = ld_xstrndup(s, ul);
        e->scheme = classify(hash, hl, &e->cost);
        e->line = line;
    }
    return 0;
}

void ld_htpasswd_clear(ld_htpasswd *h)
{
    for (size_t i = 0; i < h->n; i++)
        free(h->v[i].user);
    free(h->v);
    memset(h, 0, sizeof(*h));
}

/* A user name for evidence: printable ASCII kept, other bytes as \xNN,
 * capped. */
static char *user_shown(const char *u)
{
    size_t n = strlen(u);
    size_t cap = (n < USER_SHOWN_MAX ? n : USER_SHOWN_MAX) * 4 + 8;
    char *out = ld_xmalloc(cap);
    size_t o = 0;
    for (size_t i = 0; i < n && i < USER_SHOWN_MAX; i++) {
        unsigned char c = (unsigned char)u[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
    }
    if (n > USER_SHOWN_MAX)
        o += (size_t)snprintf(out + o, cap - o, "...");
    out[o] = '\0';
    return out;
}

int ld_htpasswd_emit_hashes(ld_findings *r, const char *path, const ld_htpasswd *h, ld_error *err)
{
    static const char id[] = "registry.htpasswd.bcrypt";
    ld_strlist bad = {0};
    size_t n_bad = 0, n_bcrypt = 0;
    int min_cost = 99;
    for (size_t i = 0; i < h->n; i++) {
        const ld_htpw_entry *e = &h->v[i];
        ld_autofree char *why = NULL;
        if (e->scheme != LD_HTPW_BCRYPT)
            why = ld_xstrdup(ld_htpw_scheme_name(e->scheme));
        else if (e->cost < 0)
            why = ld_xstrdup("not a well-formed bcrypt hash");
        else if (e->cost < LD_HTPASSWD_MIN_BCRYPT_COST)
            why = ld_xasprintf("bcrypt cost %d", e->cost);
        if (!why) {
            n_bcrypt++;
            if (e->cost < min_cost)
                min_cost = e->cost;
            continue;
        }
        if (n_bad++ < USERS_SHOWN) {
            ld_autofree char *u = user_shown(e->user);
            ld_strlist_push_owned(&bad, ld_xasprintf("\"%s\" (line %d: %s)", u, e->line, why));
        }
    }
    int rc;
    ld_autofree char *extra =
        h->malformed ? ld_xasprintf("; %zu line%s not USER:HASH (first: line %d)", h->malformed,
                                    h->malformed == 1 ? " is" : "s are", h->first_malformed_line)
                     : ld_xstrdup("");
    if (n_bad) {
        ld_autofree char *list = ld_strlist_join(&bad, ", ");
        rc = ld_findings_check(r, id, LD_STATUS_FAIL, LD_TARGET_FILE, path, NULL, err,
                               "%zu of %zu entr%s not bcrypt of cost >= %d: %s%s%s", n_bad, h->n,
                               h->n == 1 ? "y is" : "ies are", LD_HTPASSWD_MIN_BCRYPT_COST, list,
                               n_bad > USERS_SHOWN ? ", ..." : "", extra);
    } else if (h->n == 0) {
        rc = ld_findings_check(r, id, LD_STATUS_WARN, LD_TARGET_FILE, path, NULL, err,
                               "no entries: nobody can log in%s", extra);
    } else if (h->malformed) {
        rc = ld_findings_check(r, id, LD_STATUS_WARN, LD_TARGET_FILE, path, NULL, err,
                               "all %zu entries are bcrypt of cost >= %d (lowest %d)%s", h->n,
                               LD_HTPASSWD_MIN_BCRYPT_COST, min_cost, extra);
    } else {
        rc = ld_findings_check(r, id, LD_STATUS_PASS, LD_TARGET_FILE, path, NULL, err,
                               "all %zu entr%s bcrypt of cost >= %d (lowest %d)", h->n,
                               h->n == 1 ? "y is" : "ies are", LD_HTPASSWD_MIN_BCRYPT_COST,
                               min_cost);
    }
    ld_strlist_clear(&bad);
    return rc;
}

static bool registry_user(uid_t uid)
{
    if (uid == 0)
        return true;
    struct passwd pw, *res = NULL;
    char buf[4096];
    if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0 || !res)
        return false;
    return strcmp(res->pw_name, "docker-registry") == 0 || strcmp(res->pw_name, "registry") == 0;
}

int ld_htpasswd_emit_mode(ld_findings *r, const char *path, const struct stat *st, long allowed_uid,
                          ld_error *err)
{
    static const char id[] = "registry.htpasswd.mode";
    mode_t mode = st->st_mode & 07777;
    bool mode_ok = (mode & ~(mode_t)0640) == 0;
    bool owner_ok =
        registry_user(st->st_uid) || (allowed_uid >= 0 && st->st_uid == (uid_t)allowed_uid);
    ld_strlist bad = {0};
    if (!mode_ok)
        ld_strlist_push_owned(&bad, ld_xasprintf("mode %04o is wider than 0640%s", (unsigned)mode,
                                                 (mode & 0004) ? " (every local user can read "
                                                                 "the hashes)"
                                                               : ""));
    if (!owner_ok)
        ld_strlist_push_owned(&bad, ld_xasprintf("owner uid %u is neither root nor the "
                                                 "registry's user",
                                                 (unsigned)st->st_uid));
    int rc;
    if (bad.n) {
        ld_autofree char *why = ld_strlist_join(&bad, "; ");
        rc = ld_findings_check(r, id, LD_STATUS_FAIL, LD_TARGET_FILE, path, NULL, err, "%s", why);
    } else {
        rc = ld_findings_check(r, id, LD_STATUS_PASS, LD_TARGET_FILE, path, NULL, err,
                               "mode %04o, owner uid %u", (unsigned)mode, (unsigned)st->st_uid);
    }
    ld_strlist_clear(&bad);
    return rc;
}

int ld_reg_audit_htpasswd(ld_findings *r, const char *path, long allowed_uid, ld_error *err)
{
    struct stat st;
    int fd = ld_input_open(path, "htpasswd file", &st, err);
    if (fd < 0)
        return fd;
    char *buf = NULL;
    size_t len = 0;
    int rc = ld_input_read_fd(fd, path, "htpasswd file", LD_HTPASSWD_MAX_BYTES, &buf, &len, err);
    close(fd);
    if (rc < 0)
        return rc;
    ld_htpasswd h;
    ld_error perr = LD_ERROR_INIT;
    int prc = ld_htpasswd_parse(buf, len, &h, &perr);
    explicit_bzero(buf, len);
    free(buf);
    rc = ld_htpasswd_emit_mode(r, path, &st, allowed_uid, err);
    if (rc == 0 && prc < 0)
        rc = ld_findings_check(r, "registry.htpasswd.bcrypt", LD_STATUS_ERROR, LD_TARGET_FILE, path,
                               NULL, err, "%s", perr.msg);
    else if (rc == 0)
        rc = ld_htpasswd_emit_hashes(r, path, &h, err);
    ld_htpasswd_clear(&h);
    return rc;
}
