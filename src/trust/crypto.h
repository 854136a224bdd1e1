/* FIPS mode for the whole process: every digest, signature and TLS
 * handshake goes through OpenSSL's FIPS provider with the default property
 * query "fips=yes", or lockdown refuses to run. Debian's OpenSSL ships no
 * FIPS provider (fips.so and its fipsmodule.cnf): enabling then fails with
 * one clear line naming what is missing. Also records which algorithms a
 * run used, for the report. */
#ifndef LD_TRUST_CRYPTO_H
#define LD_TRUST_CRYPTO_H

#include <stdbool.h>

#include "core/error.h"
#include "util/strlist.h"

/* Loads the FIPS provider into the default library context, makes
 * "fips=yes" the default property query and checks that SHA-256, ECDSA
 * P-256 and AES-GCM are fetchable under it. Call before any other crypto
 * or TLS use (before the first curl handle). Returns 0, or
 * LD_ERR_UNSUPPORTED with err saying what is missing ("FIPS mode: no FIPS
 * provider in /usr/lib/x86_64-linux-gnu/ossl-modules (Debian's OpenSSL
 * ships none); install a validated provider and its fipsmodule.cnf"). */
int ld_crypto_fips_enable(ld_error *err);
bool ld_crypto_fips(void);

/* Records an algorithm a run used ("sha256", "ecdsa-p256-sha256",
 * "scrypt+nacl-secretbox", "TLSv1.3"); thread-safe, each kept once. */
void ld_crypto_note(const char *algorithm);
/* The algorithms noted so far, in the order first noted (a copy). */
void ld_crypto_used(ld_strlist *out);

#endif
