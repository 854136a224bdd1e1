/* containers-policy.json(5) read as containers/image 5.23 reads it:
 * strictly (unknown members, duplicate keys, wrong types, empty
 * requirement lists, key sources given twice or not at all are errors
 * naming the JSON path), every transport's scopes checked, the docker
 * transport's kept; and the lookup of the requirements that apply to a
 * docker reference (most specific scope, then the transport's "", then
 * the default). Identity matching is containers_policy_identity.c,
 * registries.d is registries_d.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trust/containers_policy.h"
#include "trust/containers_policy_internal.h"
#include "trust/json_strict.h"
#include "trust/trust_b64.h"
#include "util/cleanup.h"
#include "util/input_file.h"
#include "util/json_budget.h"
#include "util/mem.h"

/* A real policy is a few kilobytes; these bound what 1 MiB can build. */
static const ld_json_limits policy_limits = {
    .max_values = 200000,
    .max_containers = 50000,
    .max_depth = 32,
};

#define MAX_KEY_PATHS 64
#define MAX_KEY_DATA ((size_t)256 * 1024)

typedef struct {
    const char *name; /* file name for messages */
    ld_error *err;
} ctx;

static int fail(ctx *c, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(ctx *c, const char *where, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return ld_error_set(c->err, LD_ERR_CORRUPT, "%s: %s: %s", c->name, where, msg);
}

static void requirement_clear(ld_cpol_requirement *r)
{
    free(r->key_type);
    for (size_t i = 0; i < r->n_key_paths; i++)
        free(r->key_paths[i]);
    free(r->key_paths);
    free(r->key_data);
    free(r->identity.reference);
    free(r->identity.prefix);
    free(r->identity.signed_prefix);
    memset(r, 0, sizeof(*r));
}

static void requirements_free(ld_cpol_requirement *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        requirement_clear(&v[i]);
    free(v);
}

void ld_cpol_clear(ld_cpol *p)
{
    if (!p)
        return;
    requirements_free(p->default_reqs, p->n_default);
    for (size_t i = 0; i < p->n_docker; i++) {
        free(p->docker[i].scope);
        requirements_free(p->docker[i].reqs, p->docker[i].n_reqs);
    }
    free(p->docker);
    free(p->path);
    memset(p, 0, sizeof(*p));
}

/* obj[key] must be a non-empty string when present; *out borrowed. */
static int opt_string(ctx *c, const json_t *obj, const char *key, const char *where,
                      const char **out)
{
    *out = NULL;
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    ld_autofree char *path = ld_js_path(where, key);
    if (!json_is_string(v))
        return fail(c, path, "must be a string, not %s", ld_js_kind(v));
    if (json_string_length(v) == 0)
        return fail(c, path, "must not be empty");
    if (json_string_length(v) > 4096)
        return fail(c, path, "is longer than 4096 bytes");
    *out = json_string_value(v);
    return 0;
}

/* keyData / rekorPublicKeyData / caData: base64 of a non-empty key. */
static int opt_key_data(ctx *c, const json_t *obj, const char *key, const char *where,
                        uint8_t **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    ld_autofree char *path = ld_js_path(where, key);
    if (!json_is_string(v))
        return fail(c, path, "must be a string (base64), not %s", ld_js_kind(v));
    if (json_string_length(v) > MAX_KEY_DATA)
        return fail(c, path, "is longer than 256 KiB");
    if (!ld_trust_b64_decode_std(json_string_value(v), json_string_length(v), out, out_len))
        return fail(c, path, "is not base64");
    if (*out_len == 0) {
        free(*out);
        *out = NULL;
        return fail(c, path, "is empty");
    }
    return 0;
}

static int parse_identity(ctx *c, const json_t *o, const char *where, ld_cpol_identity *out)
{
    static const char *const only_type[] = {"type"};
    static const char *const exact_ref[] = {"type", "dockerReference"};
    static const char *const exact_repo[] = {"type", "dockerRepository"};
    static const char *const remap_fields[] = {"type", "prefix", "signedPrefix"};
    if (!json_is_object(o))
        return fail(c, where, "must be an object, not %s", ld_js_kind(o));
    const json_t *t = json_object_get(o, "type");
    ld_autofree char *type_path = ld_js_path(where, "type");
    if (!json_is_string(t))
        return fail(c, type_path, "must be a string, not %s", t ? ld_js_kind(t) : "missing");
    const char *type = json_string_value(t);
    int rc = 0;
    if (strcmp(type, "matchExact") == 0 || strcmp(type, "matchRepoDigestOrExact") == 0 ||
        strcmp(type, "matchRepository") == 0) {
        out->type = strcmp(type, "matchExact") == 0        ? LD_CPOL_ID_MATCH_EXACT
                    : strcmp(type, "matchRepository") == 0 ? LD_CPOL_ID_MATCH_REPOSITORY
                                                           : LD_CPOL_ID_MATCH_REPO_DIGEST_OR_EXACT;
        return ld_js_members(o, only_type, 1, true, c->name, where, c->err);
    }
    if (strcmp(type, "exactReference") == 0 || strcmp(type, "exactRepository") == 0) {
        bool reference = strcmp(type, "exactReference") == 0;
        const char *field = reference ? "dockerReference" : "dockerRepository";
        if ((rc = ld_js_members(o, reference ? exact_ref : exact_repo, 2, true, c->name, where,
                                c->err)) < 0)
            return rc;
        const char *value = NULL;
        if ((rc = opt_string(c, o, field, where, &value)) < 0)
            return rc;
        ld_autofree char *path = ld_js_path(where, field);
        ld_cpol_ref r;
        if (ld_cpol_ref_parse(value, &r) < 0)
            return fail(c, path, "\"%.300s\" is not a valid docker reference", value);
        bool name_only = ld_cpol_ref_name_only(&r);
        ld_cpol_ref_clear(&r);
        if (reference && name_only)
            return fail(c, path, "\"%.300s\" contains neither a tag nor a digest", value);
        out->type = reference ? LD_CPOL_ID_EXACT_REFERENCE : LD_CPOL_ID_EXACT_REPOSITORY;
        out->reference = ld_xstrdup(value);
        return 0;
    }
    if (strcmp(type, "remapIdentity") == 0) {
        if ((rc = ld_js_members(o, remap_fields, 3, true, c->name, where, c->err)) < 0)
            return rc;
        const char *prefix = NULL, *signed_prefix = NULL;
        if ((rc = opt_string(c, o, "prefix", where, &prefix)) < 0 ||
            (rc = opt_string(c, o, "signedPrefix", where, &signed_prefix)) < 0)
            return rc;
        const char *bad = !ld_cpol_prefix_valid(prefix)          ? "prefix"
                          : !ld_cpol_prefix_valid(signed_prefix) ? "signedPrefix"
                                                                 : NULL;
        if (bad) {
            ld_autofree char *path = ld_js_path(where, bad);
            return fail(c, path,
                        "\"%.300s\" is not a host[:port] or a host[:port]/repository prefix",
                        bad[0] == 'p' ? prefix : signed_prefix);
        }
        out->type = LD_CPOL_ID_REMAP_IDENTITY;
        out->prefix = ld_xstrdup(prefix);
        out->signed_prefix = ld_xstrdup(signed_prefix);
        return 0;
    }
    char q[160];
    ld_js_quote(q, sizeof(q), type);
    return fail(c, type_path,
                "unknown signedIdentity type %s (matchExact, matchRepoDigestOrExact, "
                "matchRepository, exactReference, exactRepository, remapIdentity)",
                q);
}

/* keyPath / keyPaths into r->key_paths; *sources counts those given. */
static int key_paths(ctx *c, const json_t *o, const char *where, ld_cpol_requirement *r,
                     int *sources)
{
    const char *path = NULL;
    int rc = opt_string(c, o, "keyPath", where, &path);
    if (rc < 0)
        return rc;
    if (json_object_get(o, "keyPath")) {
        (*sources)++;
        r->key_paths = ld_xcalloc(1, sizeof(char *));
        r->key_paths[r->n_key_paths++] = ld_xstrdup(path);
    }
    const json_t *paths = json_object_get(o, "keyPaths");
    if (!paths)
        return 0;
    (*sources)++;
    ld_autofree char *ppath = ld_js_path(where, "keyPaths");
    if (!json_is_array(paths) || json_array_size(paths) == 0)
        return fail(c, ppath, "must be a non-empty array of paths");
    if (json_array_size(paths) > MAX_KEY_PATHS)
        return fail(c, ppath, "holds more than 64 paths");
    if (r->n_key_paths) /* keyPath as well: the caller reports it */
        return 0;
    r->key_paths = ld_xcalloc(json_array_size(paths), sizeof(char *));
    for (size_t i = 0; i < json_array_size(paths); i++) {
        const json_t *p = json_array_get(paths, i);
        if (!json_is_string(p) || json_string_length(p) == 0 || json_string_length(p) > 4096) {
            char w[64];
            snprintf(w, sizeof(w), "[%zu]", i);
            return fail(c, ppath, "%s must be a non-empty path", w);
        }
        r->key_paths[r->n_key_paths++] = ld_xstrdup(json_string_value(p));
    }
    return 0;
}

static int signed_identity(ctx *c, const json_t *o, const char *where, ld_cpol_requirement *r)
{
    const json_t *si = json_object_get(o, "signedIdentity");
    if (!si) {
        r->identity.type = LD_CPOL_ID_MATCH_REPO_DIGEST_OR_EXACT;
        return 0;
    }
    ld_autofree char *path = ld_js_path(where, "signedIdentity");
    return parse_identity(c, si, path, &r->identity);
}

static int parse_signed_by(ctx *c, const json_t *o, const char *where, ld_cpol_requirement *r)
{
    static const char *const fields[] = {"type",     "keyType", "keyPath",
                                         "keyPaths", "keyData", "signedIdentity"};
    int rc = ld_js_members(o, fields, 6, false, c->name, where, c->err);
    if (rc < 0)
        return rc;
    r->type = LD_CPOL_SIGNED_BY;
    const json_t *kt = json_object_get(o, "keyType");
    ld_autofree char *kt_path = ld_js_path(where, "keyType");
    if (!json_is_string(kt))
        return fail(c, kt_path, "must be a string, not %s", kt ? ld_js_kind(kt) : "missing");
    const char *key_type = json_string_value(kt);
    if (strcmp(key_type, "GPGKeys") != 0 && strcmp(key_type, "signedByGPGKeys") != 0 &&
        strcmp(key_type, "X509Certificates") != 0 && strcmp(key_type, "signedByX509CAs") != 0) {
        char q[160];
        ld_js_quote(q, sizeof(q), key_type);
        return fail(c, kt_path, "unrecognized keyType value %s", q);
    }
    r->key_type = ld_xstrdup(key_type);
    int sources = 0;
    if ((rc = key_paths(c, o, where, r, &sources)) < 0)
        return rc;
    if (json_object_get(o, "keyData")) {
        sources++;
        if ((rc = opt_key_data(c, o, "keyData", where, (uint8_t **)&r->key_data,
                               &r->key_data_len)) < 0)
            return rc;
    }
    if (sources != 1)
        return fail(c, where, "exactly one of keyPath, keyPaths and keyData must be given (%s)",
                    sources ? "more than one is" : "none is");
    return signed_identity(c, o, where, r);
}

static int parse_fulcio(ctx *c, const json_t *f, const char *where)
{
    static const char *const fields[] = {"caPath", "caData", "oidcIssuer", "subjectEmail"};
    int rc = ld_js_members(f, fields, 4, false, c->name, where, c->err);
    if (rc < 0)
        return rc;
    const char *ca_path = NULL, *issuer = NULL, *email = NULL;
    uint8_t *ca_data = NULL;
    size_t ca_len = 0;
    if ((rc = opt_string(c, f, "caPath", where, &ca_path)) < 0 ||
        (rc = opt_key_data(c, f, "caData", where, &ca_data, &ca_len)) < 0 ||
        (rc = opt_string(c, f, "oidcIssuer", where, &issuer)) < 0 ||
        (rc = opt_string(c, f, "subjectEmail", where, &email)) < 0)
        return rc;
    free(ca_data);
    if (!!ca_path + !!ca_len != 1)
        return fail(c, where, "exactly one of caPath and caData must be given");
    if (!issuer)
        return fail(c, where, "oidcIssuer is missing");
    if (!email)
        return fail(c, where, "subjectEmail is missing");
    return 0;
}

static int parse_sigstore_signed(ctx *c, const json_t *o, const char *where, ld_cpol_requirement *r)
{
    static const char *const fields[] = {"type",
                                         "keyPath",
                                         "keyPaths",
                                         "keyData",
                                         "fulcio",
                                         "rekorPublicKeyPath",
                                         "rekorPublicKeyData",
                                         "signedIdentity"};
    int rc = ld_js_members(o, fields, 8, false, c->name, where, c->err);
    if (rc < 0)
        return rc;
    r->type = LD_CPOL_SIGSTORE_SIGNED;
    int sources = 0;
    if ((rc = key_paths(c, o, where, r, &sources)) < 0)
        return rc;
    if (json_object_get(o, "keyData")) {
        sources++;
        if ((rc = opt_key_data(c, o, "keyData", where, (uint8_t **)&r->key_data,
                               &r->key_data_len)) < 0)
            return rc;
    }
    const json_t *fulcio = json_object_get(o, "fulcio");
    if (fulcio) {
        sources++;
        ld_autofree char *fpath = ld_js_path(where, "fulcio");
        if ((rc = parse_fulcio(c, fulcio, fpath)) < 0)
            return rc;
        r->fulcio = true;
    }
    if (sources != 1)
        return fail(c, where,
                    "exactly one of keyPath, keyPaths, keyData and fulcio must be given (%s)",
                    sources ? "more than one is" : "none is");
    const char *rekor_path = NULL;
    uint8_t *rekor_data = NULL;
    size_t rekor_len = 0;
    if ((rc = opt_string(c, o, "rekorPublicKeyPath", where, &rekor_path)) < 0 ||
        (rc = opt_key_data(c, o, "rekorPublicKeyData", where, &rekor_data, &rekor_len)) < 0)
        return rc;
    free(rekor_data);
    if (rekor_path && rekor_len)
        return fail(c, where, "rekorPublicKeyPath and rekorPublicKeyData cannot both be given");
    r->rekor = rekor_path || rekor_len;
    if (r->fulcio && !r->rekor)
        return fail(c, where, "fulcio needs rekorPublicKeyPath or rekorPublicKeyData as well");
    return signed_identity(c, o, where, r);
}

static int parse_requirement(ctx *c, const json_t *o, const char *where, ld_cpol_requirement *r)
{
    static const char *const only_type[] = {"type"};
    if (!json_is_object(o))
        return fail(c, where, "must be an object, not %s", ld_js_kind(o));
    const json_t *t = json_object_get(o, "type");
    ld_autofree char *type_path = ld_js_path(where, "type");
    if (!json_is_string(t))
        return fail(c, type_path, "must be a string, not %s", t ? ld_js_kind(t) : "missing");
    const char *type = json_string_value(t);
    if (strcmp(type, "insecureAcceptAnything") == 0 || strcmp(type, "reject") == 0) {
        r->type = type[0] == 'i' ? LD_CPOL_ACCEPT_ANYTHING : LD_CPOL_REJECT;
        return ld_js_members(o, only_type, 1, true, c->name, where, c->err);
    }
    if (strcmp(type, "signedBy") == 0)
        return parse_signed_by(c, o, where, r);
    if (strcmp(type, "sigstoreSigned") == 0)
        return parse_sigstore_signed(c, o, where, r);
    if (strcmp(type, "signedBaseLayer") == 0)
        return ld_error_set(c->err, LD_ERR_UNSUPPORTED,
                            "%s: %s: signedBaseLayer is not supported (containers/image does "
                            "not implement it either)",
                            c->name, type_path);
    char q[160];
    ld_js_quote(q, sizeof(q), type);
    return fail(c, type_path,
                "unknown requirement type %s (insecureAcceptAnything, reject, signedBy, "
                "sigstoreSigned)",
                q);
}

/* A non-empty array of requirements. */
static int parse_requirements(ctx *c, const json_t *a, const char *where, ld_cpol_requirement **out,
                              size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!json_is_array(a))
        return fail(c, where, "must be an array of requirements, not %s", ld_js_kind(a));
    size_t count = json_array_size(a);
    if (count == 0)
        return fail(c, where, "the list of requirements must not be empty");
    if (count > 1000)
        return ld_error_set(c->err, LD_ERR_LIMIT, "%s: %s: more than 1000 requirements", c->name,
                            where);
    ld_cpol_requirement *v = ld_xcalloc(count, sizeof(*v));
    for (size_t i = 0; i < count; i++) {
        ld_autofree char *path = ld_xasprintf("%s[%zu]", where, i);
        int rc = parse_requirement(c, json_array_get(a, i), path, &v[i]);
        if (rc < 0) {
            requirements_free(v, count);
            return rc;
        }
    }
    *out = v;
    *n = count;
    return 0;
}

/* dir: and oci: scopes are absolute, clean paths other than "/" (oci: may
 * end in ":tag"); containers/image refuses others as unknown keys. */
static bool path_scope_ok(const char *s)
{
    if (s[0] != '/' || strcmp(s, "/") == 0)
        return false;
    size_t n = strlen(s);
    if (s[n - 1] == '/')
        return false;
    for (const char *p = s; *p; p++) {
        if (*p != '/')
            continue;
        const char *next = p + 1;
        size_t len = strcspn(next, "/");
        if (len == 0 || (len == 1 && next[0] == '.') ||
            (len == 2 && next[0] == '.' && next[1] == '.'))
            return false;
    }
    return true;
}

static int parse_transport(ctx *c, const char *transport, const json_t *scopes, ld_cpol *out)
{
    char tq[160];
    ld_js_quote(tq, sizeof(tq), transport);
    ld_autofree char *where = ld_xasprintf("transports[%s]", tq);
    if (!json_is_object(scopes))
        return fail(c, where, "must be an object of scopes, not %s", ld_js_kind(scopes));
    bool docker = strcmp(transport, "docker") == 0;
    bool paths = strcmp(transport, "dir") == 0 || strcmp(transport, "oci") == 0;
    size_t count = json_object_size(scopes);
    if (count > 10000)
        return ld_error_set(c->err, LD_ERR_LIMIT, "%s: %s: more than 10000 scopes", c->name, where);
    if (docker && count) {
        out->docker = ld_xcalloc(count, sizeof(*out->docker));
        out->n_docker = 0;
    }
    const char *scope;
    json_t *reqs;
    json_object_foreach((json_t *)scopes, scope, reqs)
    {
        char sq[160];
        ld_js_quote(sq, sizeof(sq), scope);
        ld_autofree char *path = ld_xasprintf("%s[%s]", where, sq);
        if (paths && *scope && !path_scope_ok(scope))
            return fail(c, path,
                        "a %s scope is an absolute, clean path other than \"/\" (use \"\" for "
                        "the transport's default)",
                        transport);
        ld_cpol_requirement *v = NULL;
        size_t n = 0;
        int rc = parse_requirements(c, reqs, path, &v, &n);
        if (rc < 0)
            return rc;
        if (docker) {
            ld_cpol_scope *s = &out->docker[out->n_docker++];
            s->scope = ld_xstrdup(scope);
            s->reqs = v;
            s->n_reqs = n;
        } else {
            requirements_free(v, n); /* checked, not kept: lockdown reads docker images */
        }
    }
    return 0;
}

int ld_cpol_parse(const char *name, const void *buf, size_t len, ld_cpol *out, ld_error *err)
{
    static const char *const top_fields[] = {"default", "transports"};
    memset(out, 0, sizeof(*out));
    ctx c = {name ? name : "containers policy", err};
    if (len > LD_CPOL_MAX_BYTES)
        return ld_error_set(err, LD_ERR_LIMIT, "%s: %zu bytes, over the limit of %zu; not read",
                            c.name, len, LD_CPOL_MAX_BYTES);
    ld_autojson json_t *root = ld_json_load_bounded(c.name, buf ? buf : "", len,
                                                    JSON_REJECT_DUPLICATES, &policy_limits, err);
    if (!root)
        return err->code ? err->code : LD_ERR_CORRUPT;
    int rc = ld_js_members(root, top_fields, 2, false, c.name, "", err);
    if (rc < 0)
        return rc;
    const json_t *def = json_object_get(root, "default");
    if (!def)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: the default policy is missing (\"default\")",
                            c.name);
    rc = parse_requirements(&c, def, "default", &out->default_reqs, &out->n_default);
    const json_t *transports = json_object_get(root, "transports");
    if (rc == 0 && transports) {
        if (!json_is_object(transports)) {
            rc = fail(&c, "transports", "must be an object, not %s", ld_js_kind(transports));
        } else {
            const char *tname;
            json_t *scopes;
            json_object_foreach((json_t *)transports, tname, scopes)
            {
                if ((rc = parse_transport(&c, tname, scopes, out)) < 0)
                    break;
            }
        }
    }
    if (rc < 0) {
        ld_cpol_clear(out);
        return rc;
    }
    out->path = ld_xstrdup(c.name);
    return 0;
}

int ld_cpol_load(const char *path, ld_cpol *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    char *text = NULL;
    size_t len = 0;
    int rc = ld_input_read(path, "containers policy", LD_CPOL_MAX_BYTES, &text, &len, err);
    if (rc < 0)
        return rc;
    rc = ld_cpol_parse(path, text, len, out, err);
    free(text);
    return rc;
}

const ld_cpol_requirement *ld_cpol_requirements(const ld_cpol *p, const char *ref, size_t *n,
                                                const char **scope)
{
    *n = 0;
    if (scope)
        *scope = NULL;
    ld_cpol_ref r;
    if (!p || ld_cpol_ref_parse(ref, &r) < 0)
        return NULL;
    char **scopes = NULL;
    size_t ns = ld_cpol_ref_scopes(&r, &scopes);
    ld_cpol_ref_clear(&r);
    const ld_cpol_scope *found = NULL, *transport_default = NULL;
    for (size_t i = 0; i < ns && !found; i++)
        for (size_t k = 0; k < p->n_docker && !found; k++)
            if (strcmp(p->docker[k].scope, scopes[i]) == 0)
                found = &p->docker[k];
    for (size_t k = 0; k < p->n_docker && !transport_default; k++)
        if (p->docker[k].scope[0] == '\0')
            transport_default = &p->docker[k];
    for (size_t i = 0; i < ns; i++)
        free(scopes[i]);
    free(scopes);
    if (!found)
        found = transport_default;
    if (found) {
        *n = found->n_reqs;
        if (scope)
            *scope = found->scope;
        return found->reqs;
    }
    *n = p->n_default;
    if (scope)
        *scope = "default";
    return p->default_reqs;
}
