/* libFuzzer target for key files up to the point where work would start
 * (src/trust/key_pem.c, key_sigstore.c, keys.c): the input is read as a
 * sigstore/cosign encrypted key (PEM, base64, the JSON envelope and its
 * bounds) and, directly, as an envelope JSON; as a public key (PEM and
 * SubjectPublicKeyInfo DER); and as an unencrypted PKCS#8 private key.
 * scrypt and PBKDF2 are never run (ld_sigstore_open is not called and
 * encrypted PKCS#8 is left alone), so the fuzzer stays fast. Checked: an
 * accepted envelope keeps the bounds of key_sigstore.h; a refusal has a
 * code and a message; a loaded key has an algorithm and a fingerprint.
 * Seeds: tests/fuzz/corpus/sigstore_key/. Replay: ./fuzz_sigstore_key FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trust/key_sigstore.h"
#include "trust/keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_envelope(int rc, const ld_sigstore_envelope *e, const ld_error *err)
{
    if (rc < 0) {
        if (err->code == LD_OK || !err->msg[0] || e->ciphertext)
            abort();
        return;
    }
    if (e->n < 2 || e->n > LD_SIGSTORE_MAX_N || (e->n & (e->n - 1)) != 0)
        abort();
    if (e->r < 1 || e->r > LD_SIGSTORE_MAX_R || e->p < 1 || e->p > LD_SIGSTORE_MAX_P)
        abort();
    if (e->n * e->r > LD_SIGSTORE_MAX_NR || e->n * e->r * e->p > LD_SIGSTORE_MAX_NRP)
        abort();
    if (!e->ciphertext || e->ciphertext_len <= 16 || e->ciphertext_len > LD_SIGSTORE_MAX_CIPHERTEXT)
        abort();
}

static void check_key(ld_key *k, const ld_error *err)
{
    if (!k) {
        if (err->code == LD_OK || !err->msg[0])
            abort();
        return;
    }
    const char *fp = ld_key_fingerprint(k);
    if (strncmp(fp, "sha256:", 7) != 0 || strlen(fp) != 71 || !ld_key_algorithm(k))
        abort();
    ld_key_free(k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    ld_sigstore_envelope e;
    ld_error err = LD_ERROR_INIT;
    int rc = ld_sigstore_parse_pem("fuzz.key", text, size, &e, &err);
    check_envelope(rc, &e, &err);
    ld_sigstore_envelope_clear(&e);

    ld_error err2 = LD_ERROR_INIT;
    rc = ld_sigstore_envelope_parse("fuzz.json", data, size, &e, &err2);
    check_envelope(rc, &e, &err2);
    ld_sigstore_envelope_clear(&e);

    ld_error err3 = LD_ERROR_INIT;
    check_key(ld_key_load_public("fuzz.pub", text, size, &err3), &err3);

    if (ld_key_pem_classify(text, size) == LD_KEY_PEM_PKCS8) {
        ld_error err4 = LD_ERROR_INIT;
        check_key(ld_key_load_private("fuzz.key", text, size, NULL, &err4), &err4);
    }
    return 0;
}
