/* Registry credentials the way the Docker CLI keeps them: config.json's
 * "auths" (base64 "user:password" in "auth", or "identitytoken"), a
 * "credHelpers" entry for the host or the "credsStore" for every host,
 * asked through the credential-helper protocol (`docker-credential-NAME
 * get`, the server URL on stdin, JSON on stdout) — the helper is executed
 * directly with an argv, found on PATH, never through a shell, with a time
 * limit and a bounded answer. Secrets are wiped when cleared and never
 * appear in an error message. */
#ifndef LD_REGISTRY_CREDENTIALS_H
#define LD_REGISTRY_CREDENTIALS_H

#include "core/error.h"

typedef struct {
    char *username;
    char *password;       /* or the identity token's refresh token, see below */
    char *identity_token; /* "identitytoken": an OAuth2 refresh token for the token endpoint */
    char *source;         /* "config.json auths (/root/.docker/config.json)",
                             "credential helper docker-credential-pass" */
} ld_reg_cred;

/* Looks up host ("ghcr.io", "localhost:5000"; docker.io also under
 * "https://index.docker.io/v1/") in config_path (NULL: $DOCKER_CONFIG/
 * config.json, else ~/.docker/config.json). Returns 0 with out filled,
 * LD_ERR_NOT_FOUND when the file or an entry for host is absent (out
 * zeroed), or another error (unreadable, malformed, helper failed) naming
 * the file or the helper. */
int ld_reg_cred_lookup(const char *host, const char *config_path, ld_reg_cred *out,
                       ld_error *err);
/* Zeroes the secrets, then frees. */
void ld_reg_cred_clear(ld_reg_cred *c);

#endif
