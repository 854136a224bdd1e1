/* `lockdown capture verify BUNDLE [--key PUB]`: proves a bundle is what
 * was captured. Reads manifest.json, walks the bundle directory (every
 * entry, recursively, never following a link: a symbolic link, device or
 * fifo in a bundle is itself a problem), re-hashes every file and reports
 * each difference: a file the manifest does not list (added), a listed
 * file that is gone (missing), a different size or SHA-256 (altered), a
 * file that is not a regular file (not regular). With a public key the
 * signature (manifest.json.sig, base64) must verify over the exact bytes
 * of manifest.json and the key's fingerprint must be the manifest's
 * signing_key; without one the signature is not checked and the result
 * says so (integrity of the files against an unauthenticated manifest).
 * Hashing runs on up to `threads` files at once. Never prints. */
#ifndef LD_FORENSICS_VERIFY_H
#define LD_FORENSICS_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "trust/keys.h"

typedef enum {
    LD_FX_DIFF_ADDED,       /* on disk, not in the manifest */
    LD_FX_DIFF_MISSING,     /* in the manifest, not on disk */
    LD_FX_DIFF_SIZE,        /* size differs */
    LD_FX_DIFF_HASH,        /* same size, SHA-256 differs */
    LD_FX_DIFF_NOT_REGULAR, /* a link, device, fifo or socket */
    LD_FX_DIFF_UNREADABLE,  /* could not be read (errno in the detail) */
} ld_fx_diff_kind;
const char *ld_fx_diff_kind_name(ld_fx_diff_kind k); /* "added", "missing", "altered", ... */

typedef struct {
    ld_fx_diff_kind kind;
    char *path;   /* relative to the bundle */
    char *detail; /* "size 1024, manifest says 1023", "sha256 ab12.. , manifest says cd34.." */
} ld_fx_diff;

typedef enum {
    LD_FX_SIG_UNSIGNED,     /* no manifest.json.sig and no signing_key */
    LD_FX_SIG_NOT_CHECKED,  /* signed, no key given */
    LD_FX_SIG_VALID,        /* verified with the given key */
    LD_FX_SIG_INVALID,      /* does not verify, or the key is not the manifest's signing_key */
    LD_FX_SIG_MISSING,      /* a key was given (or signing_key set) but no signature file */
} ld_fx_sig_state;
const char *ld_fx_sig_state_name(ld_fx_sig_state s);

typedef struct {
    size_t files_checked;
    uint64_t bytes_hashed;
    ld_fx_diff *diffs;
    size_t n_diffs;
    ld_fx_sig_state signature;
    char *signature_detail; /* the key's fingerprint, or why it failed */
} ld_fx_verify_result;

typedef struct {
    const ld_key *key; /* public key, NULL: signature not checked */
    unsigned threads;  /* 0: number of CPUs, at most 8 */
} ld_fx_verify_options;

/* 0 when the bundle could be checked (res says whether it verified:
 * n_diffs == 0 and signature VALID, or UNSIGNED/NOT_CHECKED when no key);
 * < 0 when it could not be (no manifest, a corrupt manifest: err). */
int ld_fx_verify(const char *bundle_dir, const ld_fx_verify_options *o, ld_fx_verify_result *res,
                 ld_error *err);
/* Did the bundle verify: no differences, and the signature VALID, or
 * not checked when no key was given and require_signature is false. */
bool ld_fx_verify_ok(const ld_fx_verify_result *res, bool require_signature);
void ld_fx_verify_result_clear(ld_fx_verify_result *res);

#endif
