/* Sigstore bundles (application/vnd.dev.sigstore.bundle...: v0.1, v0.2,
 * v0.3), the protobuf JSON form of dev.sigstore.bundle.v1.Bundle: a
 * verification material (a public key hint, a certificate, or a chain of
 * them), transparency log entries, and one content: a message signature
 * (digest and signature) or a DSSE envelope. Read strictly, as protojson
 * reads it without DiscardUnknown: unknown fields and a field given twice
 * (in either spelling) are refused; bytes are base64. And the DSSE
 * pre-authentication encoding that a DSSE signature covers. Parsing only:
 * trust/verify.c checks the signature with a key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trust/cosign.h"
#include "trust/json_strict.h"
#include "trust/trust_b64.h"
#include "util/json_budget.h"
#include "util/mem.h"

#define BUNDLE_NAME "sigstore bundle"
#define MAX_CERT_BYTES ((size_t)64 * 1024)
#define MAX_CERTS 16
#define MAX_TLOG_ENTRIES 64

static const ld_json_limits bundle_limits = {
    .max_values = 200000,
    .max_containers = 50000,
    .max_depth = 32,
};

/* One field of a protobuf message in JSON: its lowerCamelCase name and its
 * proto name (NULL when the same). */
typedef struct {
    const char *camel;
    const char *proto;
} field;

/* The members of obj, each matched to fields[i] (by either name) into
 * got[i]; null counts as absent. LD_ERR_CORRUPT for an unknown member or
 * one given twice. */
static int fields_of(const json_t *obj, const field *fields, size_t n, const json_t **got,
                     const char *where, ld_error *err)
{
    if (!json_is_object(obj))
        return ld_error_set(err, LD_ERR_CORRUPT, BUNDLE_NAME ": %s: must be an object, not %s",
                            where, ld_js_kind(obj));
    for (size_t i = 0; i < n; i++)
        got[i] = NULL;
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)obj, key, value)
    {
        size_t i = 0;
        while (i < n && strcmp(key, fields[i].camel) != 0 &&
               !(fields[i].proto && strcmp(key, fields[i].proto) == 0))
            i++;
        char q[160];
        ld_js_quote(q, sizeof(q), key);
        if (i == n)
            return ld_error_set(err, LD_ERR_CORRUPT, BUNDLE_NAME ": %s: unknown field %s", where,
                                q);
        if (got[i])
            return ld_error_set(err, LD_ERR_CORRUPT, BUNDLE_NAME ": %s: field \"%s\" given twice",
                                where, fields[i].camel);
        if (!json_is_null(value))
            got[i] = value;
    }
    return 0;
}

/* A bytes field: base64 decoded into *out (at most max bytes; required:
 * absent or empty is an error). */
static int bytes_field(const json_t *v, const char *where, const char *name, size_t max,
                       bool required, uint8_t **out, size_t *out_len, ld_error *err)
{
    *out = NULL;
    *out_len = 0;
    if (!v) {
        if (required)
            return ld_error_set(err, LD_ERR_CORRUPT, BUNDLE_NAME ": %s.%s: missing", where, name);
        return 0;
    }
    if (!json_is_string(v))
        return ld_error_set(err, LD_ERR_CORRUPT, BUNDLE_NAME ": %s.%s: must be a string, not %s",
                            where, name, ld_js_kind(v));
    size_t n = json_string_length(v);
    if (n / 4 * 3 > max + 3)
        return ld_error_set(err, LD_ERR_LIMIT,
                            BUNDLE_NAME ": %s.%s: %zu base64 characters, over the limit of %zu "
                                        "bytes",
                            where, name, n, max);
    if (!ld_trust_b64_decode_proto(json_string_value(v), n, out, out_len))
        return ld_error_set(err, LD_ERR_CORRUPT, BUNDLE_NAME ": %s.%s: is not base64", where, name);
    if (*out_len > max || (required && *out_len == 0)) {
        bool empty = *out_len == 0;
        free(*out);
        *out = NULL;
        *out_len = 0;
        return ld_error_set(err, empty ? LD_ERR_CORRUPT : LD_ERR_LIMIT, BUNDLE_NAME ": %s.%s: %s",
                            where, name, empty ? "is empty" : "over the size limit");
    }
    return 0;
}

static int string_field(const json_t *v, const char *where, const char *name, const char **out,
                        ld_error *err)
{
    *out = NULL;
    if (!v)
        return 0;
    if (!json_is_string(v))
        return ld_error_set(err, LD_ERR_CORRUPT, BUNDLE_NAME ": %s.%s: must be a string, not %s",
                            where, name, ld_js_kind(v));
    *out = json_string_value(v);
    return 0;
}

void ld_sigstore_bundle_clear(ld_sigstore_bundle *b)
{
    if (!b)
        return;
    free(b->media_type);
    free(b->message_digest_alg);
    free(b->message_digest);
    free(b->dsse_payload_type);
    free(b->dsse_payload);
    free(b->signature);
    free(b->public_key_hint);
    memset(b, 0, sizeof(*b));
}

/* The media type's minor version (1, 2, 3), 0 when unknown. */
static int bundle_version(const char *mt)
{
    static const struct {
        const char *media_type;
        int minor;
    } known[] = {
        {"application/vnd.dev.sigstore.bundle+json;version=0.1", 1},
        {"application/vnd.dev.sigstore.bundle+json;version=0.2", 2},
        {"application/vnd.dev.sigstore.bundle+json;version=0.3", 3},
        {"application/vnd.dev.sigstore.bundle.v0.3+json", 3},
    };
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (strcmp(mt, known[i].media_type) == 0)
            return known[i].minor;
    return 0;
}

/* X509Certificate {rawBytes}: a DER certificate, not checked further. */
static int certificate(const json_t *c, const char *where, ld_error *err)
{
    static const field f[] = {{"rawBytes", "raw_bytes"}};
    const json_t *got[1];
    int rc = fields_of(c, f, 1, got, where, err);
    if (rc < 0)
        return rc;
    uint8_t *der = NULL;
    size_t der_len = 0;
    rc = bytes_field(got[0], where, "rawBytes", MAX_CERT_BYTES, true, &der, &der_len, err);
    free(der);
    return rc;
}

static int verification_material(const json_t *vm, int minor, ld_sigstore_bundle *out,
                                 ld_error *err)
{
    enum { PUBLIC_KEY, CHAIN, CERT, TLOG, TIMESTAMPS, N };
    static const field f[N] = {
        {"publicKey", "public_key"},
        {"x509CertificateChain", "x509_certificate_chain"},
        {"certificate", NULL},
        {"tlogEntries", "tlog_entries"},
        {"timestampVerificationData", "timestamp_verification_data"},
    };
    const char *where = "verificationMaterial";
    const json_t *got[N];
    int rc = fields_of(vm, f, N, got, where, err);
    if (rc < 0)
        return rc;
    int materials = !!got[PUBLIC_KEY] + !!got[CHAIN] + !!got[CERT];
    if (materials != 1)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            BUNDLE_NAME ": %s: must hold exactly one of publicKey, "
                                        "x509CertificateChain and certificate (it holds %d)",
                            where, materials);
    if (got[CERT] && minor < 3)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            BUNDLE_NAME ": %s.certificate: only bundles v0.3 and later hold a "
                                        "single certificate",
                            where);
    if (got[CHAIN] && minor >= 3)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            BUNDLE_NAME ": %s.x509CertificateChain: a v0.3 bundle holds a single "
                                        "certificate, not a chain",
                            where);
    if (got[PUBLIC_KEY]) {
        static const field pk[] = {{"hint", NULL}};
        const json_t *pkgot[1];
        const char *hint = NULL;
        if ((rc = fields_of(got[PUBLIC_KEY], pk, 1, pkgot, "verificationMaterial.publicKey", err)) <
                0 ||
            (rc = string_field(pkgot[0], "verificationMaterial.publicKey", "hint", &hint, err)) < 0)
            return rc;
        if (hint && strlen(hint) > 4096)
            return ld_error_set(err, LD_ERR_LIMIT,
                                BUNDLE_NAME ": verificationMaterial.publicKey.hint: over 4096 "
                                            "bytes");
        out->public_key_hint = hint ? ld_xstrdup(hint) : NULL;
    }
    if (got[CERT]) {
        if ((rc = certificate(got[CERT], "verificationMaterial.certificate", err)) < 0)
            return rc;
        out->has_certificate = true;
    }
    if (got[CHAIN]) {
        static const field ch[] = {{"certificates", NULL}};
        const json_t *chgot[1];
        const char *cwhere = "verificationMaterial.x509CertificateChain";
        if ((rc = fields_of(got[CHAIN], ch, 1, chgot, cwhere, err)) < 0)
            return rc;
        const json_t *certs = chgot[0];
        if (!json_is_array(certs) || json_array_size(certs) == 0)
            return ld_error_set(err, LD_ERR_CORRUPT,
                                BUNDLE_NAME ": %s.certificates: must be a non-empty array", cwhere);
        if (json_array_size(certs) > MAX_CERTS)
            return ld_error_set(err, LD_ERR_LIMIT,
                                BUNDLE_NAME ": %s.certificates: more than %d certificates", cwhere,
                                MAX_CERTS);
        for (size_t i = 0; i < json_array_size(certs); i++) {
            char w[96];
            snprintf(w, sizeof(w), "%s.certificates[%zu]", cwhere, i);
            if ((rc = certificate(json_array_get(certs, i), w, err)) < 0)
                return rc;
        }
        out->has_certificate = true;
    }
    if (got[TLOG]) {
        if (!json_is_array(got[TLOG]))
            return ld_error_set(err, LD_ERR_CORRUPT,
                                BUNDLE_NAME ": %s.tlogEntries: must be an array, not %s", where,
                                ld_js_kind(got[TLOG]));
        if (json_array_size(got[TLOG]) > MAX_TLOG_ENTRIES)
            return ld_error_set(err, LD_ERR_LIMIT,
                                BUNDLE_NAME ": %s.tlogEntries: more than %d entries", where,
                                MAX_TLOG_ENTRIES);
        for (size_t i = 0; i < json_array_size(got[TLOG]); i++)
            if (!json_is_object(json_array_get(got[TLOG], i)))
                return ld_error_set(err, LD_ERR_CORRUPT,
                                    BUNDLE_NAME ": %s.tlogEntries[%zu]: must be an object", where,
                                    i);
    }
    if (got[TIMESTAMPS] && !json_is_object(got[TIMESTAMPS]))
        return ld_error_set(err, LD_ERR_CORRUPT,
                            BUNDLE_NAME ": %s.timestampVerificationData: must be an object", where);
    return 0;
}

/* HashAlgorithm by name or number, and the digest length it implies. */
static const char *hash_algorithm(const json_t *v, size_t *digest_len)
{
    static const struct {
        const char *name;
        int number;
        size_t len;
    } algs[] = {
        {"SHA2_256", 1, 32}, {"SHA2_384", 2, 48}, {"SHA2_512", 3, 64},
        {"SHA3_256", 4, 32}, {"SHA3_384", 5, 48},
    };
    for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
        if ((json_is_string(v) && strcmp(json_string_value(v), algs[i].name) == 0) ||
            (json_is_integer(v) && json_integer_value(v) == algs[i].number)) {
            *digest_len = algs[i].len;
            return algs[i].name;
        }
    return NULL;
}

static int message_signature(const json_t *ms, ld_sigstore_bundle *out, ld_error *err)
{
    static const field f[] = {{"messageDigest", "message_digest"}, {"signature", NULL}};
    const char *where = "messageSignature";
    const json_t *got[2];
    int rc = fields_of(ms, f, 2, got, where, err);
    if (rc < 0)
        return rc;
    if (got[0]) {
        static const field md[] = {{"algorithm", NULL}, {"digest", NULL}};
        const json_t *mdgot[2];
        const char *mwhere = "messageSignature.messageDigest";
        if ((rc = fields_of(got[0], md, 2, mdgot, mwhere, err)) < 0)
            return rc;
        size_t want = 0;
        const char *alg = hash_algorithm(mdgot[0], &want);
        if (!alg)
            return ld_error_set(err, LD_ERR_CORRUPT,
                                BUNDLE_NAME ": %s.algorithm: missing or not a known hash "
                                            "algorithm (SHA2_256, SHA2_384, SHA2_512, SHA3_256, "
                                            "SHA3_384)",
                                mwhere);
        if ((rc = bytes_field(mdgot[1], mwhere, "digest", 64, true, &out->message_digest,
                              &out->message_digest_len, err)) < 0)
            return rc;
        if (out->message_digest_len != want)
            return ld_error_set(err, LD_ERR_CORRUPT,
                                BUNDLE_NAME ": %s.digest: %zu bytes, but %s digests are %zu",
                                mwhere, out->message_digest_len, alg, want);
        out->message_digest_alg = ld_xstrdup(alg);
    }
    return bytes_field(got[1], where, "signature", LD_COSIGN_MAX_SIGNATURE_BYTES, true,
                       &out->signature, &out->signature_len, err);
}

static int dsse_envelope(const json_t *env, ld_sigstore_bundle *out, ld_error *err)
{
    static const field f[] = {
        {"payload", NULL}, {"payloadType", "payload_type"}, {"signatures", NULL}};
    const char *where = "dsseEnvelope";
    const json_t *got[3];
    int rc = fields_of(env, f, 3, got, where, err);
    if (rc < 0)
        return rc;
    if ((rc = bytes_field(got[0], where, "payload", LD_SIGSTORE_BUNDLE_MAX_BYTES, true,
                          &out->dsse_payload, &out->dsse_payload_len, err)) < 0)
        return rc;
    const char *type = NULL;
    if ((rc = string_field(got[1], where, "payloadType", &type, err)) < 0)
        return rc;
    if (!type || !*type || strlen(type) > 1024)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            BUNDLE_NAME ": %s.payloadType: missing, empty or over 1024 bytes",
                            where);
    out->dsse_payload_type = ld_xstrdup(type);
    const json_t *sigs = got[2];
    if (!json_is_array(sigs) || json_array_size(sigs) != 1)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            BUNDLE_NAME ": %s.signatures: a bundle's envelope holds exactly one "
                                        "signature",
                            where);
    static const field sf[] = {{"sig", NULL}, {"keyid", NULL}};
    const json_t *sgot[2];
    const char *keyid = NULL;
    if ((rc = fields_of(json_array_get(sigs, 0), sf, 2, sgot, "dsseEnvelope.signatures[0]", err)) <
            0 ||
        (rc = string_field(sgot[1], "dsseEnvelope.signatures[0]", "keyid", &keyid, err)) < 0)
        return rc;
    out->dsse = true;
    return bytes_field(sgot[0], "dsseEnvelope.signatures[0]", "sig", LD_COSIGN_MAX_SIGNATURE_BYTES,
                       true, &out->signature, &out->signature_len, err);
}

static int parse_root(const json_t *root, ld_sigstore_bundle *out, ld_error *err)
{
    enum { MEDIA_TYPE, VM, MSG, DSSE, N };
    static const field f[N] = {
        {"mediaType", "media_type"},
        {"verificationMaterial", "verification_material"},
        {"messageSignature", "message_signature"},
        {"dsseEnvelope", "dsse_envelope"},
    };
    const json_t *got[N];
    if (!json_is_object(root))
        return ld_error_set(err, LD_ERR_CORRUPT, BUNDLE_NAME ": must be an object, not %s",
                            ld_js_kind(root));
    int rc = fields_of(root, f, N, got, "top level", err);
    if (rc < 0)
        return rc;
    const char *mt = NULL;
    if ((rc = string_field(got[MEDIA_TYPE], "top level", "mediaType", &mt, err)) < 0)
        return rc;
    int minor = mt ? bundle_version(mt) : 0;
    if (!minor) {
        char q[160];
        ld_js_quote(q, sizeof(q), mt ? mt : "");
        return ld_error_set(err, LD_ERR_UNSUPPORTED,
                            BUNDLE_NAME ": mediaType %s is not a bundle version lockdown reads "
                                        "(v0.1, v0.2, v0.3)",
                            q);
    }
    out->media_type = ld_xstrdup(mt);
    if (!got[VM])
        return ld_error_set(err, LD_ERR_CORRUPT, BUNDLE_NAME ": verificationMaterial: missing");
    if ((rc = verification_material(got[VM], minor, out, err)) < 0)
        return rc;
    if (!!got[MSG] + !!got[DSSE] != 1)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            BUNDLE_NAME ": must hold exactly one of messageSignature and "
                                        "dsseEnvelope");
    return got[MSG] ? message_signature(got[MSG], out, err) : dsse_envelope(got[DSSE], out, err);
}

int ld_sigstore_bundle_parse(const void *buf, size_t len, ld_sigstore_bundle *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    if (len > LD_SIGSTORE_BUNDLE_MAX_BYTES)
        return ld_error_set(err, LD_ERR_LIMIT, BUNDLE_NAME ": %zu bytes, over the limit of %zu",
                            len, LD_SIGSTORE_BUNDLE_MAX_BYTES);
    ld_autojson json_t *root = ld_json_load_bounded(BUNDLE_NAME, buf ? buf : "", len,
                                                    JSON_REJECT_DUPLICATES, &bundle_limits, err);
    if (!root)
        return err->code ? err->code : LD_ERR_CORRUPT;
    int rc = parse_root(root, out, err);
    if (rc < 0)
        ld_sigstore_bundle_clear(out);
    return rc;
}

uint8_t *ld_dsse_pae(const char *type, const uint8_t *payload, size_t len, size_t *out_len)
{
    if (!type)
        type = "";
    size_t tlen = strlen(type);
    char head[64];
    int h = snprintf(head, sizeof(head), "DSSEv1 %zu ", tlen);
    char mid[32];
    int m = snprintf(mid, sizeof(mid), " %zu ", len);
    size_t total = (size_t)h + tlen + (size_t)m + len;
    uint8_t *out = ld_xmalloc(total + 1);
    memcpy(out, head, (size_t)h);
    memcpy(out + h, type, tlen);
    memcpy(out + (size_t)h + tlen, mid, (size_t)m);
    if (len)
        memcpy(out + (size_t)h + tlen + (size_t)m, payload, len);
    out[total] = 0;
    *out_len = total;
    return out;
}
