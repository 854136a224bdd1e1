/* Image references as users write them, checked against the distribution
 * reference grammar (the one docker, containerd and containers/image use):
 *
 *   reference  := name [":" tag] ["@" digest]
 *   name       := [domain "/"] path-component ("/" path-component)*
 *   domain     := host [":" port], host a DNS name, IPv4 or "[" IPv6 "]"
 *   component  := [a-z0-9]+ ((("." | "_" | "__" | "-"+) [a-z0-9]+))*
 *   tag        := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
 *   digest     := "sha256:" 64 lowercase hex
 *
 * The first component is a registry when it holds a '.' or a ':' or is
 * "localhost"; otherwise the registry is docker.io, whose one-component
 * names get the "library/" prefix and whose API lives at
 * registry-1.docker.io. A reference with neither tag nor digest means
 * ":latest". Parsing only; util/image_ref.h is the lenient splitter the
 * checks use on references found in configurations. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "registry/client.h"
#include "registry/client_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define NAME_MAX_LEN 255 /* the grammar's limit on domain + path */
#define TAG_MAX_LEN 128
#define REF_MAX_LEN 4096 /* refused before any work: no real reference is longer */

static bool is_lower_alnum(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

static bool is_alnum(char ch)
{
    return is_lower_alnum(ch) || (ch >= 'A' && ch <= 'Z');
}

static bool is_hex_lower(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
}

/* One path component s[0..n): alpha-numeric runs joined by ".", "_", "__"
 * or a run of "-". */
static bool path_component_ok(const char *s, size_t n)
{
    if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
        return false;
    size_t i = 0;
    while (i < n) {
        if (is_lower_alnum(s[i])) {
            i++;
            continue;
        }
        /* a separator: i > 0 and s[i-1] is alnum here */
        size_t j = i;
        if (s[i] == '.') {
            j = i + 1;
        } else if (s[i] == '_') {
            j = i + 1;
            if (j < n && s[j] == '_')
                j++;
        } else if (s[i] == '-') {
            while (j < n && s[j] == '-')
                j++;
        } else {
            return false;
        }
        if (j >= n || !is_lower_alnum(s[j]))
            return false;
        i = j;
    }
    return true;
}

/* A DNS label: [A-Za-z0-9] or [A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]. */
static bool domain_label_ok(const char *s, size_t n)
{
    if (n == 0 || n > 63 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_alnum(s[i]) && s[i] != '-')
            return false;
    return true;
}

static bool port_ok(const char *s, size_t n)
{
    if (n == 0 || n > 5)
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    return v >= 1 && v <= 65535;
}

/* domain := host [":" port]; host: labels joined by '.', or "[IPv6]". */
static bool domain_ok(const char *s, size_t n)
{
    size_t host_end = n;
    if (n > 0 && s[0] == '[') {
        const char *close = memchr(s, ']', n);
        if (!close || close == s + 1)
            return false;
        size_t inner = (size_t)(close - s) - 1;
        if (inner > 45)
            return false;
        for (size_t i = 1; i <= inner; i++)
            if (!is_hex_lower(s[i]) && !(s[i] >= 'A' && s[i] <= 'F') && s[i] != ':' && s[i] != '.')
                return false;
        if (!memchr(s + 1, ':', inner))
            return false;
        host_end = (size_t)(close - s) + 1;
        if (host_end == n)
            return true;
        return s[host_end] == ':' && port_ok(s + host_end + 1, n - host_end - 1);
    }
    const char *colon = memchr(s, ':', n);
    if (colon) {
        host_end = (size_t)(colon - s);
        if (!port_ok(colon + 1, n - host_end - 1))
            return false;
    }
    if (host_end == 0)
        return false;
    size_t start = 0;
    for (size_t i = 0; i <= host_end; i++) {
        if (i == host_end || s[i] == '.') {
            if (!domain_label_ok(s + start, i - start))
                return false;
            start = i + 1;
        }
    }
    return true;
}

static bool tag_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > TAG_MAX_LEN)
        return false;
    if (!is_alnum(s[0]) && s[0] != '_')
        return false;
    for (size_t i = 1; i < n; i++)
        if (!is_alnum(s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
            return false;
    return true;
}

/* "sha256:" and 64 lowercase hex; the reason in *why otherwise. */
static bool digest_ok(const char *s, const char **why)
{
    const char *colon = strchr(s, ':');
    if (!colon || colon == s) {
        *why = "a digest is ALGORITHM:HEX";
        return false;
    }
    if ((size_t)(colon - s) != 6 || strncmp(s, "sha256", 6) != 0) {
        *why = "only sha256 digests are supported";
        return false;
    }
    const char *hex = colon + 1;
    size_t n = strlen(hex);
    for (size_t i = 0; i < n; i++)
        if (!is_hex_lower(hex[i])) {
            *why = "a sha256 digest is 64 lowercase hexadecimal digits";
            return false;
        }
    if (n != 64) {
        *why = "a sha256 digest is 64 lowercase hexadecimal digits";
        return false;
    }
    return true;
}

/* Whether the first component of a name is a registry: docker's rule. */
static bool looks_like_domain(const char *s, size_t n)
{
    return memchr(s, '.', n) || memchr(s, ':', n) || (n == 9 && memcmp(s, "localhost", 9) == 0) ||
           (n > 0 && s[0] == '[');
}

static bool has_upper(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] >= 'A' && s[i] <= 'Z')
            return true;
    return false;
}

void ld_reg_ref_clear(ld_reg_ref *r)
{
    if (!r)
        return;
    free(r->registry);
    free(r->endpoint);
    free(r->repo);
    free(r->tag);
    free(r->digest);
    memset(r, 0, sizeof(*r));
}

int ld_reg_ref_parse(const char *s, ld_reg_ref *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!s || !*s)
        return ld_error_set(err, LD_ERR_INVALID, "empty image reference");
    size_t total = strnlen(s, REF_MAX_LEN + 1);
    if (total > REF_MAX_LEN)
        return ld_error_set(err, LD_ERR_INVALID, "image reference is longer than %d characters",
                            REF_MAX_LEN);
    for (size_t i = 0; i < total; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7F)
            return ld_error_set(err, LD_ERR_INVALID,
                                "image reference \"%.200s\": contains a space, a control "
                                "character or a non-ASCII byte",
                                s);
    ld_autofree char *name = ld_xstrdup(s);
    char *digest = NULL, *tag = NULL;
    char *at = strchr(name, '@');
    if (at) {
        *at = '\0';
        digest = at + 1;
        const char *why = NULL;
        if (!digest_ok(digest, &why))
            return ld_error_set(err, LD_ERR_INVALID, "image reference \"%.200s\": %s", s, why);
    }
    char *slash = strrchr(name, '/');
    char *colon = strrchr(slash ? slash : name, ':');
    if (colon) {
        *colon = '\0';
        tag = colon + 1;
        if (!tag_ok(tag))
            return ld_error_set(err, LD_ERR_INVALID,
                                "image reference \"%.200s\": invalid tag \"%.130s\" (a tag is "
                                "letters, digits, '_', '.' and '-', at most 128, not starting "
                                "with '.' or '-')",
                                s, tag);
    }
    if (!*name)
        return ld_error_set(err, LD_ERR_INVALID, "image reference \"%.200s\": no repository name",
                            s);
    if (strlen(name) > NAME_MAX_LEN)
        return ld_error_set(err, LD_ERR_INVALID,
                            "image reference \"%.200s\": the name is longer than %d characters", s,
                            NAME_MAX_LEN);
    const char *first_end = strchr(name, '/');
    const char *domain = NULL, *remote = name;
    size_t domain_len = 0;
    if (first_end && looks_like_domain(name, (size_t)(first_end - name))) {
        domain = name;
        domain_len = (size_t)(first_end - name);
        remote = first_end + 1;
        if (!domain_ok(domain, domain_len))
            return ld_error_set(err, LD_ERR_INVALID,
                                "image reference \"%.200s\": invalid registry \"%.*s\"", s,
                                (int)domain_len, domain);
    }
    size_t remote_len = strlen(remote);
    if (has_upper(remote, remote_len))
        return ld_error_set(err, LD_ERR_INVALID,
                            "image reference \"%.200s\": repository name must be lowercase", s);
    size_t start = 0;
    for (size_t i = 0; i <= remote_len; i++) {
        if (i == remote_len || remote[i] == '/') {
            if (!path_component_ok(remote + start, i - start))
                return ld_error_set(
                    err, LD_ERR_INVALID,
                    "image reference \"%.200s\": invalid repository component \"%.*s\" (lowercase "
                    "letters and digits, separated by '.', '_', '__' or '-')",
                    s, (int)(i - start > 100 ? 100 : i - start), remote + start);
            start = i + 1;
        }
    }
    bool docker_io = !domain || (domain_len == 9 && memcmp(domain, "docker.io", 9) == 0) ||
                     (domain_len == 15 && memcmp(domain, "index.docker.io", 15) == 0);
    if (docker_io) {
        out->registry = ld_xstrdup("docker.io");
        out->endpoint = ld_xstrdup("registry-1.docker.io");
        out->repo = strchr(remote, '/') ? ld_xstrdup(remote) : ld_xasprintf("library/%s", remote);
    } else {
        out->registry = ld_xstrndup(domain, domain_len);
        out->endpoint = ld_xstrndup(domain, domain_len);
        out->repo = ld_xstrdup(remote);
    }
    if (strlen(out->registry) + 1 + strlen(out->repo) > NAME_MAX_LEN) {
        /* the grammar's limit holds for the normalised name, as for docker */
        ld_reg_ref_clear(out);
        return ld_error_set(err, LD_ERR_INVALID,
                            "image reference \"%.200s\": the name is longer than %d characters "
                            "with its registry",
                            s, NAME_MAX_LEN);
    }
    out->digest = digest ? ld_xstrdup(digest) : NULL;
    out->tag = tag ? ld_xstrdup(tag) : digest ? NULL : ld_xstrdup("latest");
    return 0;
}

bool reg_tag_valid(const char *tag)
{
    return tag && tag_ok(tag);
}

bool reg_digest_valid(const char *digest)
{
    const char *why = NULL;
    return digest && digest_ok(digest, &why);
}

bool reg_repo_valid(const char *repo)
{
    if (!repo)
        return false;
    size_t n = strlen(repo);
    if (n == 0 || n > NAME_MAX_LEN)
        return false;
    size_t start = 0;
    for (size_t i = 0; i <= n; i++)
        if (i == n || repo[i] == '/') {
            if (!path_component_ok(repo + start, i - start))
                return false;
            start = i + 1;
        }
    return true;
}

char *ld_reg_ref_string(const ld_reg_ref *r)
{
    return ld_xasprintf("%s/%s%s%s%s%s", r->registry, r->repo, r->tag ? ":" : "",
                        r->tag ? r->tag : "", r->digest ? "@" : "", r->digest ? r->digest : "");
}

const char *ld_reg_ref_reference(const ld_reg_ref *r)
{
    return r->digest ? r->digest : r->tag;
}
