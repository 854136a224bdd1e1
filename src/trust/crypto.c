/* FIPS mode and the record of algorithms a run used (trust/crypto.h).
 * FIPS mode is a property of OpenSSL's default library context, so of the
 * whole process: the state here is process-wide on purpose (the one
 * exception to "no global state in the library"), guarded by a mutex. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include "trust/crypto.h"
#include "util/mem.h"

static pthread_mutex_t crypto_lock = PTHREAD_MUTEX_INITIALIZER;
static bool fips_on;
static ld_strlist used;

/* Where OpenSSL looks for provider modules: $OPENSSL_MODULES, else the
 * directory it was built with. */
static const char *modules_dir(void)
{
    const char *env = getenv("OPENSSL_MODULES");
    if (env && env[0])
        return env;
    const char *built = OPENSSL_info(OPENSSL_INFO_MODULES_DIR);
    return built ? built : "the OpenSSL modules directory";
}

/* OpenSSL's reason for the last failure, for the one line; clears the
 * queue. */
static void last_openssl_reason(char *buf, size_t size)
{
    unsigned long e, last = 0;
    while ((e = ERR_get_error()) != 0)
        last = e;
    const char *r = last ? ERR_reason_error_string(last) : NULL;
    snprintf(buf, size, "%s", r ? r : "no reason given");
}

/* The algorithms FIPS mode must offer for lockdown to run in it: digests,
 * signatures (ECDSA P-256) and the TLS/key-wrapping cipher. */
static const char *missing_algorithm(void)
{
    EVP_MD *md = EVP_MD_fetch(NULL, "SHA256", NULL);
    EVP_SIGNATURE *sig = EVP_SIGNATURE_fetch(NULL, "ECDSA", NULL);
    EVP_KEYMGMT *ec = EVP_KEYMGMT_fetch(NULL, "EC", NULL);
    EVP_CIPHER *gcm = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
    const char *missing = !md ? "SHA-256" : !sig || !ec ? "ECDSA" : !gcm ? "AES-256-GCM" : NULL;
    EVP_MD_free(md);
    EVP_SIGNATURE_free(sig);
    EVP_KEYMGMT_free(ec);
    EVP_CIPHER_free(gcm);
    return missing;
}

int ld_crypto_fips_enable(ld_error *err)
{
    pthread_mutex_lock(&crypto_lock);
    int rc = 0;
    if (fips_on)
        goto out;
    const char *dir = modules_dir();
    char *module = ld_xasprintf("%s/fips.so", dir);
    struct stat st;
    bool present = stat(module, &st) == 0;
    free(module);
    ERR_clear_error();
    OSSL_PROVIDER *fips = OSSL_PROVIDER_load(NULL, "fips");
    if (!fips) {
        char why[256];
        last_openssl_reason(why, sizeof(why));
        if (!present)
            rc = ld_error_set(err, LD_ERR_UNSUPPORTED,
                              "FIPS mode: no FIPS provider (fips.so) in %s (Debian's OpenSSL ships "
                              "none); install a FIPS 140-validated OpenSSL 3 provider with its "
                              "fipsmodule.cnf included from OPENSSL_CONF, or run without --fips",
                              dir);
        else
            rc = ld_error_set(err, LD_ERR_UNSUPPORTED,
                              "FIPS mode: the FIPS provider in %s did not load (%s); include its "
                              "fipsmodule.cnf from OPENSSL_CONF (openssl fipsinstall writes it)",
                              dir, why);
        goto out;
    }
    /* encoders and decoders (PEM, DER) live in the base provider */
    OSSL_PROVIDER *base = OSSL_PROVIDER_load(NULL, "base");
    if (EVP_set_default_properties(NULL, "fips=yes") != 1) {
        rc = ld_error_set(err, LD_ERR_UNSUPPORTED,
                          "FIPS mode: OpenSSL refused the property query \"fips=yes\"");
    } else {
        const char *missing = missing_algorithm();
        if (missing)
            rc = ld_error_set(err, LD_ERR_UNSUPPORTED,
                              "FIPS mode: the FIPS provider in %s does not offer %s", dir, missing);
    }
    if (rc < 0) {
        EVP_set_default_properties(NULL, "");
        if (base)
            OSSL_PROVIDER_unload(base);
        OSSL_PROVIDER_unload(fips);
        ERR_clear_error();
        goto out;
    }
    fips_on = true;
out:
    pthread_mutex_unlock(&crypto_lock);
    return rc;
}

bool ld_crypto_fips(void)
{
    pthread_mutex_lock(&crypto_lock);
    bool on = fips_on;
    pthread_mutex_unlock(&crypto_lock);
    return on;
}

void ld_crypto_note(const char *algorithm)
{
    if (!algorithm || !algorithm[0])
        return;
    pthread_mutex_lock(&crypto_lock);
    if (!ld_strlist_contains(&used, algorithm))
        ld_strlist_push(&used, algorithm);
    pthread_mutex_unlock(&crypto_lock);
}

void ld_crypto_used(ld_strlist *out)
{
    pthread_mutex_lock(&crypto_lock);
    for (size_t i = 0; i < used.n; i++)
        ld_strlist_push(out, used.v[i]);
    pthread_mutex_unlock(&crypto_lock);
}
