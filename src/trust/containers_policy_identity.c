/* Docker references and identities as containers/image compares them
 * (containers-policy.json(5), signedIdentity): references normalised the
 * way reference.ParseNormalizedNamed does (busybox ->
 * docker.io/library/busybox), the scope lookup order of the docker
 * transport (policyconfiguration.DockerReferenceNamespaces), the grammar of
 * remapIdentity prefixes, and ld_cpol_identity_matches for every
 * signedIdentity type. Pure functions of their arguments. */
#include <stdlib.h>
#include <string.h>

#include "registry/client.h"
#include "trust/containers_policy.h"
#include "trust/containers_policy_internal.h"
#include "util/mem.h"

void ld_cpol_ref_clear(ld_cpol_ref *r)
{
    if (!r)
        return;
    free(r->name);
    free(r->tag);
    free(r->digest);
    memset(r, 0, sizeof(*r));
}

int ld_cpol_ref_parse(const char *s, ld_cpol_ref *out)
{
    memset(out, 0, sizeof(*out));
    if (!s)
        return -1;
    ld_reg_ref parsed;
    ld_error err = LD_ERROR_INIT;
    if (ld_reg_ref_parse(s, &parsed, &err) < 0)
        return -1;
    /* ld_reg_ref_parse fills in "latest" when no tag was written; the
     * identity rules need to know: a tag is a ':' after the last '/' of
     * the part before '@' (the parser has checked the grammar already). */
    const char *at = strchr(s, '@');
    size_t name_len = at ? (size_t)(at - s) : strlen(s);
    const char *slash = NULL;
    for (size_t i = 0; i < name_len; i++)
        if (s[i] == '/')
            slash = s + i;
    const char *from = slash ? slash : s;
    bool has_tag = memchr(from, ':', name_len - (size_t)(from - s)) != NULL;
    out->name = ld_xasprintf("%s/%s", parsed.registry, parsed.repo);
    out->tag = has_tag && parsed.tag ? ld_xstrdup(parsed.tag) : NULL;
    out->digest = parsed.digest ? ld_xstrdup(parsed.digest) : NULL;
    ld_reg_ref_clear(&parsed);
    return 0;
}

char *ld_cpol_ref_string(const ld_cpol_ref *r)
{
    return ld_xasprintf("%s%s%s%s%s", r->name, r->tag ? ":" : "", r->tag ? r->tag : "",
                        r->digest ? "@" : "", r->digest ? r->digest : "");
}

size_t ld_cpol_ref_scopes(const ld_cpol_ref *r, char ***out)
{
    size_t cap = 8, n = 0;
    char **v = ld_xcalloc(cap, sizeof(*v));
#define PUSH(s)                                                                                    \
    do {                                                                                           \
        if (n == cap)                                                                              \
            ld_xgrow(&v, &cap, n + 1, sizeof(*v));                                                 \
        v[n++] = (s);                                                                              \
    } while (0)
    if (r->digest)
        PUSH(ld_xasprintf("%s@%s", r->name, r->digest));
    else
        PUSH(ld_xasprintf("%s:%s", r->name, r->tag ? r->tag : "latest"));
    /* the repository, then each parent namespace, ending with the host */
    char *name = ld_xstrdup(r->name);
    for (;;) {
        PUSH(ld_xstrdup(name));
        char *last = strrchr(name, '/');
        if (!last)
            break;
        *last = '\0';
    }
    /* name is the host[:port] now: wildcards of its parent domains,
     * without the port ("a.b.example.com" -> "*.b.example.com",
     * "*.example.com", "*.com") */
    char *colon = strchr(name, ':');
    if (colon)
        *colon = '\0';
    for (char *dot = strchr(name, '.'); dot; dot = strchr(dot + 1, '.'))
        PUSH(ld_xasprintf("*.%s", dot + 1));
    free(name);
#undef PUSH
    *out = v;
    return n;
}

/* ---- remapIdentity prefixes ---- */

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* reference.DomainRegexp, anchored: labels of letters, digits and inner
 * '-', joined by '.', then an optional ":digits". */
static bool domain_ok(const char *s, size_t n)
{
    size_t end = n;
    const char *colon = memchr(s, ':', n);
    if (colon) {
        end = (size_t)(colon - s);
        if (end + 1 == n)
            return false;
        for (size_t i = end + 1; i < n; i++)
            if (s[i] < '0' || s[i] > '9')
                return false;
    }
    size_t start = 0;
    for (size_t i = 0; i <= end; i++) {
        if (i < end && s[i] != '.')
            continue;
        size_t len = i - start;
        if (len == 0 || !is_alnum(s[start]) || !is_alnum(s[i - 1]))
            return false;
        for (size_t k = start; k < i; k++)
            if (!is_alnum(s[k]) && s[k] != '-')
                return false;
        start = i + 1;
    }
    return true;
}

/* reference's path components: [a-z0-9]+ joined by '.', '_', '__' or runs
 * of '-', separated by '/'. */
static bool path_ok(const char *s, size_t n)
{
    if (n == 0)
        return false;
    size_t i = 0;
    while (i < n) {
        if (!is_lower_alnum(s[i]))
            return false;
        while (i < n && is_lower_alnum(s[i]))
            i++;
        if (i == n)
            return true;
        if (s[i] == '/') {
            i++;
            if (i == n)
                return false;
            continue;
        }
        size_t sep = i;
        if (s[i] == '.') {
            i++;
        } else if (s[i] == '_') {
            i++;
            if (i < n && s[i] == '_')
                i++;
        } else if (s[i] == '-') {
            while (i < n && s[i] == '-')
                i++;
        } else {
            return false;
        }
        if (i == n || i == sep)
            return false;
    }
    return true;
}

bool ld_cpol_prefix_valid(const char *s)
{
    if (!s || !*s)
        return false;
    size_t n = strlen(s);
    if (n > 255)
        return false;
    const char *slash = strchr(s, '/');
    if (!slash)
        return domain_ok(s, n);
    size_t d = (size_t)(slash - s);
    return domain_ok(s, d) && path_ok(slash + 1, n - d - 1);
}

/* ---- signedIdentity ---- */

static bool same_string(const ld_cpol_ref *a, const ld_cpol_ref *b)
{
    char *sa = ld_cpol_ref_string(a), *sb = ld_cpol_ref_string(b);
    bool same = strcmp(sa, sb) == 0;
    free(sa);
    free(sb);
    return same;
}

/* matchRepoDigestOrExact: a tagged image needs the same reference, an
 * image named by digest only the same repository (its digest was checked
 * against the manifest already); a signature must name a tag or digest. */
static bool repo_digest_or_exact(const ld_cpol_ref *intended, const ld_cpol_ref *sig)
{
    if (ld_cpol_ref_name_only(sig))
        return false;
    if (intended->tag)
        return same_string(intended, sig);
    if (intended->digest)
        return strcmp(intended->name, sig->name) == 0;
    return false;
}

/* remapIdentity: when intended's name is prefix or below it, prefix is
 * replaced by signed_prefix; the result must be a reference in canonical
 * form. false in *ok when it is not. */
static void remap(const ld_cpol_identity *id, ld_cpol_ref *intended, bool *ok)
{
    *ok = true;
    size_t pl = strlen(id->prefix);
    const char *name = intended->name;
    if (strncmp(name, id->prefix, pl) != 0 || (name[pl] != '\0' && name[pl] != '/'))
        return;
    char *full = ld_cpol_ref_string(intended);
    char *rewritten = ld_xasprintf("%s%s", id->signed_prefix, full + pl);
    free(full);
    ld_cpol_ref next;
    if (ld_cpol_ref_parse(rewritten, &next) < 0) {
        *ok = false;
        free(rewritten);
        return;
    }
    char *canonical = ld_cpol_ref_string(&next);
    *ok = strcmp(canonical, rewritten) == 0; /* reference.ParseNamed wants canonical text */
    free(canonical);
    free(rewritten);
    ld_cpol_ref_clear(intended);
    *intended = next;
}

bool ld_cpol_identity_matches(const ld_cpol_identity *id, const char *ref, const char *signed_ref)
{
    if (!id)
        return false;
    ld_cpol_ref sig, intended;
    if (ld_cpol_ref_parse(signed_ref, &sig) < 0)
        return false;
    const char *intended_text = ref;
    if (id->type == LD_CPOL_ID_EXACT_REFERENCE || id->type == LD_CPOL_ID_EXACT_REPOSITORY)
        intended_text = id->reference;
    if (ld_cpol_ref_parse(intended_text, &intended) < 0) {
        ld_cpol_ref_clear(&sig);
        return false;
    }
    bool match = false;
    switch (id->type) {
    case LD_CPOL_ID_MATCH_EXACT:
    case LD_CPOL_ID_EXACT_REFERENCE:
        match = !ld_cpol_ref_name_only(&intended) && !ld_cpol_ref_name_only(&sig) &&
                same_string(&intended, &sig);
        break;
    case LD_CPOL_ID_MATCH_REPO_DIGEST_OR_EXACT:
        match = repo_digest_or_exact(&intended, &sig);
        break;
    case LD_CPOL_ID_MATCH_REPOSITORY:
    case LD_CPOL_ID_EXACT_REPOSITORY: match = strcmp(intended.name, sig.name) == 0; break;
    case LD_CPOL_ID_REMAP_IDENTITY: {
        bool ok = false;
        if (id->prefix && id->signed_prefix)
            remap(id, &intended, &ok);
        match = ok && repo_digest_or_exact(&intended, &sig);
        break;
    }
    }
    ld_cpol_ref_clear(&sig);
    ld_cpol_ref_clear(&intended);
    return match;
}
