/* Pieces of the AWS credentials chain (aws/credentials.h) shared between
 * credentials.c (the chain, environment, files), credentials_process.c
 * (credential_process) and credentials_http.c (container and instance
 * metadata endpoints), and reached by the unit tests. Not an API. */
#ifndef LD_AWS_CREDENTIALS_INTERNAL_H
#define LD_AWS_CREDENTIALS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "aws/credentials.h"
#include "core/error.h"
#include "util/strlist.h"

/* Largest answer read from credential_process, a container or IMDS. */
#define LD_AWS_CRED_MAX_ANSWER ((size_t)64 * 1024)
#define LD_AWS_CRED_PROCESS_TIMEOUT_MS 10000L
#define LD_AWS_CRED_HTTP_TIMEOUT_MS 1000L

/* "2026-12-04T20:19:22Z", "...:22.123Z", "...+02:00": 0 and *out, or -1. */
int ld_aws_rfc3339_parse(const char *s, time_t *out);
/* t as "2026-12-04T20:19:22Z" into out (at least 21 bytes). */
void ld_aws_rfc3339_format(time_t t, char *out, size_t outlen);

/* Fills out from a credentials JSON document: AccessKeyId, SecretAccessKey,
 * token_key ("SessionToken" for credential_process, "Token" for the
 * endpoints), Expiration (RFC 3339). version1: "Version": 1 is required
 * (credential_process). source names the answer in messages (never a
 * value of it). 0, or LD_ERR_INVALID / LD_ERR_CORRUPT with err set. */
int ld_aws_creds_from_json(const char *source, const char *json, size_t len, bool version1,
                           const char *token_key, ld_aws_credentials *out, ld_error *err);

/* Splits a credential_process command line into argv the way the AWS CLI
 * does (blanks separate; '...' literal; "..." with \" and \\; a backslash
 * outside quotes escapes the next byte). 0, or LD_ERR_INVALID (unclosed
 * quote, empty command). */
int ld_aws_split_command(const char *cmd, ld_strlist *argv, ld_error *err);

/* Runs the credential_process command cmd of profile (no shell; 10 s;
 * 64 KiB of stdout) and reads its Version 1 JSON. */
int ld_aws_credential_process(const char *profile, const char *cmd, ld_aws_credentials *out,
                              ld_error *err);

/* Container credentials: LD_ERR_NOT_FOUND (quietly, err untouched beyond
 * the code) when neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor _FULL_URI
 * is set; else 0 or an error naming the endpoint. */
int ld_aws_container_credentials(ld_aws_credentials *out, ld_error *err);

/* IMDSv2 (AWS_EC2_METADATA_SERVICE_ENDPOINT, else http://169.254.169.254):
 * 0, or LD_ERR_NOT_FOUND with err saying what did not answer. */
int ld_aws_imds_credentials(ld_aws_credentials *out, ld_error *err);

#endif
