/* Cosign's image signatures, as bytes: the simple-signing payload
 * ({"critical":{"identity":{"docker-reference":R},"image":
 * {"docker-manifest-digest":D},"type":"cosign container image signature"},
 * "optional":{...}}), the signature image stored under the tag
 * "sha256-<hex>.sig" in the image's repository (an OCI manifest whose layers
 * are payloads of media type application/vnd.dev.cosign.simplesigning.v1+json,
 * each carrying the base64 signature in the annotation
 * dev.cosignproject.cosign/signature, and optionally a certificate, chain
 * and Rekor bundle), and the Sigstore bundle format
 * (application/vnd.dev.sigstore.bundle.v0.3+json: messageSignature or a
 * DSSE envelope) where a registry holds one as an OCI 1.1 referrer.
 * Parsing and building only: no network, no key (trust/verify.c joins
 * them). Documents are hostile input: bounded, strict, no crash. */
#ifndef LD_TRUST_COSIGN_H
#define LD_TRUST_COSIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define LD_COSIGN_PAYLOAD_TYPE "application/vnd.dev.cosign.simplesigning.v1+json"
#define LD_COSIGN_SIG_ANNOTATION "dev.cosignproject.cosign/signature"
#define LD_COSIGN_MAX_LAYERS 256 /* signatures kept in one signature image */
#define LD_COSIGN_CERT_ANNOTATION "dev.sigstore.cosign/certificate"
#define LD_COSIGN_CHAIN_ANNOTATION "dev.sigstore.cosign/chain"
#define LD_COSIGN_BUNDLE_ANNOTATION "dev.sigstore.cosign/bundle"
#define LD_COSIGN_SIGNATURE_TYPE "cosign container image signature"
/* containers/image's limit on a signature payload (iolimits.MaxSignatureBodySize) */
#define LD_COSIGN_MAX_PAYLOAD_BYTES ((size_t)4 * 1024 * 1024)
#define LD_COSIGN_MAX_MANIFEST_BYTES ((size_t)4 * 1024 * 1024)
#define LD_COSIGN_MAX_SIGNATURE_BYTES ((size_t)16 * 1024) /* decoded; ECDSA P-521 DER is 139 */
/* an annotation: a certificate chain, a Rekor bundle */
#define LD_COSIGN_MAX_ANNOTATION_BYTES ((size_t)256 * 1024)
#define LD_SIGSTORE_BUNDLE_MAX_BYTES ((size_t)8 * 1024 * 1024)

/* The tag holding the signatures of manifest digest ("sha256:ab.." ->
 * "sha256-ab...sig"); caller frees. NULL when digest is not a valid
 * digest (sha256, sha384 or sha512 with its length of lowercase hex). */
char *ld_cosign_sig_tag(const char *digest);
/* Whether s is a digest as go-digest validates one: "sha256:" + 64,
 * "sha384:" + 96 or "sha512:" + 128 lowercase hex digits. */
bool ld_cosign_digest_valid(const char *s);

/* A simple-signing payload (the bytes signed). */
typedef struct {
    char *docker_reference; /* critical.identity.docker-reference */
    char *manifest_digest;  /* critical.image.docker-manifest-digest */
    char *type;             /* critical.type */
    char *optional_json;    /* the "optional" object as JSON text, or NULL */
    char *creator;          /* optional.creator, or NULL */
    bool has_timestamp;     /* optional.timestamp was given: */
    int64_t timestamp;      /* seconds since the epoch */
} ld_cosign_payload;

/* Strict parse as containers/image does it: the top level holds exactly
 * critical and optional, critical exactly identity, image and type, image
 * exactly docker-manifest-digest (a valid digest), identity exactly
 * docker-reference (a valid reference); type must be "cosign container
 * image signature"; optional is null or an object whose creator is a
 * string and timestamp an integer (other members are kept, unread).
 * Duplicate keys anywhere, and more than LD_COSIGN_MAX_PAYLOAD_BYTES, are
 * refused. LD_ERR_CORRUPT (LD_ERR_LIMIT for size) naming the member. */
int ld_cosign_payload_parse(const void *buf, size_t len, ld_cosign_payload *out, ld_error *err);
void ld_cosign_payload_clear(ld_cosign_payload *p);
/* The payload for reference ref (as it should appear in the identity) and
 * digest, with optional annotations ("key", "value" pairs, n of them; may
 * be 0) and "creator": "lockdown VERSION". Caller frees; *len its length.
 * Compact JSON as Go writes it, keys sorted, no timestamp: the same
 * arguments give the same bytes. NULL when ref is empty, digest is not
 * valid, or an annotation key is "creator", "timestamp" or given twice
 * (containers/image gives those two a meaning of their own). */
char *ld_cosign_payload_build(const char *ref, const char *digest, const char *const *annotations,
                              size_t n_annotations, size_t *len);
/* The same with "timestamp": timestamp (seconds since the epoch, as
 * containers/image writes it) when timestamp >= 0. */
char *ld_cosign_payload_build_ts(const char *ref, const char *digest,
                                 const char *const *annotations, size_t n_annotations,
                                 int64_t timestamp, size_t *len);

/* One signature of a signature image (one layer of it). */
typedef struct {
    char *payload_digest;  /* the layer's digest: the payload blob */
    uint64_t payload_size;
    char *media_type;
    uint8_t *signature;    /* decoded from the base64 annotation */
    size_t signature_len;
    char *certificate;     /* dev.sigstore.cosign/certificate PEM, or NULL */
    char *chain;           /* dev.sigstore.cosign/chain PEM, or NULL */
    char *bundle_json;     /* dev.sigstore.cosign/bundle (Rekor), or NULL */
    /* the layer's other annotations as a JSON object text ({"k":"v",...}),
     * NULL when none: kept so that a rebuilt manifest loses nothing */
    char *other_annotations;
} ld_cosign_sig;

typedef struct {
    ld_cosign_sig *v;
    size_t n;
    /* layers of other media types (attestations, anything else), kept for
     * rebuilding: payload_digest, payload_size, media_type and
     * other_annotations (every annotation) only */
    ld_cosign_sig *other;
    size_t n_other;
} ld_cosign_sigs;

/* The signature image's manifest (OCI, or Docker v2 schema 2 from older
 * cosign). Layers of another media type are skipped (kept in other); a
 * layer without the signature annotation or with bad base64 is
 * LD_ERR_CORRUPT; more than LD_COSIGN_MAX_LAYERS layers LD_ERR_LIMIT. */
int ld_cosign_sigs_parse(const void *manifest, size_t len, ld_cosign_sigs *out, ld_error *err);
void ld_cosign_sigs_clear(ld_cosign_sigs *s);

/* Builds a signature image: its config (returned in *config, *config_len:
 * an OCI image config whose rootfs diff_ids are the payloads' digests) and
 * its OCI manifest (returned; caller frees; *len) with the given
 * signatures, each layer described by payload_digest/payload_size and the
 * annotation with the base64 signature (existing signatures are kept:
 * pass them all). config_digest is the config's digest (computed by the
 * caller after building it: call with config_digest NULL first to get the
 * config only, then again). */
/* Both are what containers/image writes: the config
 * {"architecture":"","os":"","config":{},"rootfs":{"type":"layers",
 * "diff_ids":[...]}} and an OCI manifest with the layers of v in order,
 * then those of other; annotations sorted. The manifest is NULL when
 * config_digest is not a valid digest. Caller frees. */
char *ld_cosign_sig_config_build(const ld_cosign_sigs *sigs, size_t *config_len);
char *ld_cosign_sig_manifest_build(const ld_cosign_sigs *sigs, const char *config_digest,
                                   size_t config_len, size_t *len);
/* Media type of the signature image's config (OCI). */
#define LD_COSIGN_CONFIG_TYPE "application/vnd.oci.image.config.v1+json"

/* A Sigstore bundle (v0.1-v0.3) with a public-key verification material:
 * the signed bytes (the message digest's subject or the DSSE PAE) and
 * the signature. Certificates and transparency entries are read but not
 * verified (keyless verification is not supported: the caller says so). */
typedef struct {
    char *media_type;
    bool dsse;                 /* DSSE envelope (attestation) rather than messageSignature */
    char *message_digest_alg;  /* messageSignature.messageDigest.algorithm ("SHA2_256") */
    uint8_t *message_digest;   /* raw */
    size_t message_digest_len;
    char *dsse_payload_type;
    uint8_t *dsse_payload;     /* decoded */
    size_t dsse_payload_len;
    uint8_t *signature;
    size_t signature_len;
    char *public_key_hint;     /* verificationMaterial.publicKey.hint, or NULL */
    bool has_certificate;      /* keyless: a Fulcio certificate */
} ld_sigstore_bundle;

/* Media types: v0.1 and v0.2 as "application/vnd.dev.sigstore.bundle+json;
 * version=0.N", v0.3 as "application/vnd.dev.sigstore.bundle.v0.3+json"
 * (or the older spelling with version=0.3). Field names in both protobuf
 * JSON spellings (verificationMaterial / verification_material); unknown
 * or repeated fields, two contents, two key materials, a certificate
 * before v0.3 or a chain in v0.3, a digest whose length does not fit its
 * algorithm, or a DSSE envelope without exactly one signature are
 * LD_ERR_CORRUPT naming the field; another media type LD_ERR_UNSUPPORTED;
 * over LD_SIGSTORE_BUNDLE_MAX_BYTES LD_ERR_LIMIT. tlogEntries and timestampVerificationData are checked
 * for their shape only. */
int ld_sigstore_bundle_parse(const void *buf, size_t len, ld_sigstore_bundle *out,
                             ld_error *err);
void ld_sigstore_bundle_clear(ld_sigstore_bundle *b);
/* DSSE pre-authentication encoding of (type, payload); caller frees. */
uint8_t *ld_dsse_pae(const char *type, const uint8_t *payload, size_t len, size_t *out_len);

#endif
