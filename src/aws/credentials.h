/* AWS credentials from the standard chain, as the AWS CLI and SDKs find
 * them, for the live path of `lockdown aws scan`:
 *   1. with an explicit profile (--profile): that profile only (below, 3-4)
 *   2. environment: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN,
 *      AWS_CREDENTIAL_EXPIRATION RFC 3339)
 *   3. shared credentials file: $AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials,
 *      section [PROFILE] (PROFILE: --profile, else $AWS_PROFILE, else "default")
 *   4. config file: $AWS_CONFIG_FILE, else ~/.aws/config, section [profile PROFILE]
 *      ([default] for default): static keys, or credential_process (run
 *      without a shell, argv split on blanks and quotes; its JSON Version 1
 *      output read, bounded, with a time limit)
 *   5. container credentials: $AWS_CONTAINER_CREDENTIALS_FULL_URI (loopback
 *      or https only) or _RELATIVE_URI (http://169.254.170.2), with
 *      $AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)
 *   6. instance metadata (IMDSv2: a PUT for a token, then the role's
 *      credentials), unless AWS_EC2_METADATA_DISABLED=true; 1 s per request
 * Profiles that need another service to produce keys (role_arn,
 * sso_session/sso_start_url, web_identity_token_file) are refused with
 * the command that exports keys for them (`aws configure
 * export-credentials --profile P --format env`). Secrets are never put in
 * messages. The region comes from --region, $AWS_REGION,
 * $AWS_DEFAULT_REGION or the profile's region, in that order. */
#ifndef LD_AWS_CREDENTIALS_H
#define LD_AWS_CREDENTIALS_H

#include <stdbool.h>
#include <time.h>

#include "core/error.h"

typedef struct {
    char *access_key_id;
    char *secret_access_key;
    char *session_token; /* NULL: long-term keys */
    time_t expiration;   /* 0: not known */
    char *source;        /* "environment", "shared credentials file /root/.aws/credentials
                            [profile ci]", "credential_process of profile ci", ... */
    char *region;        /* the profile's region (config file); NULL if none */
} ld_aws_credentials;

typedef struct {
    const char *profile; /* --profile; NULL: $AWS_PROFILE, else "default" */
    time_t now;          /* 0: time(NULL); credentials expiring before now are refused */
    bool no_metadata;    /* skip 5 and 6 (tests) */
} ld_aws_credentials_options;

/* Resolves credentials; 0, or < 0 with err set: LD_ERR_NOT_FOUND (none in
 * the chain: the message lists where it looked), LD_ERR_INVALID (a profile
 * that does not exist, a malformed file, role/SSO profiles, expired
 * credentials: "the credentials from SOURCE expired at TIME"). */
int ld_aws_credentials_resolve(const ld_aws_credentials_options *o, ld_aws_credentials *out,
                               ld_error *err);
/* Frees and wipes (the secret is overwritten before it is freed). */
void ld_aws_credentials_clear(ld_aws_credentials *c);

/* The region for profile: $AWS_REGION, $AWS_DEFAULT_REGION, then the
 * config file's region of the profile; NULL when none (caller frees). */
char *ld_aws_region_default(const char *profile);

#endif
