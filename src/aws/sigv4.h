/* AWS Signature Version 4 (the signing process of the AWS General
 * Reference): canonical request, string to sign, signing key from
 * HMAC-SHA256 over date/region/service/"aws4_request", and the
 * Authorization header. Pure: no clock, no I/O; the caller gives the time.
 * Tested against the published SigV4 test suite vectors and against
 * botocore's signer.
 * (H5: signatures unchanged; only the comment on `path` was made exact.) */
#ifndef LD_AWS_SIGV4_H
#define LD_AWS_SIGV4_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "aws/credentials.h"
#include "core/error.h"

typedef struct {
    const char *name;  /* as sent ("Content-Type", "X-Amz-Target"); signed lower-cased */
    const char *value; /* trimmed and inner runs of blanks folded when canonicalised */
} ld_sigv4_header;

typedef struct {
    const char *method;  /* "POST", "GET" */
    const char *host;    /* the Host header's value ("ecs.us-east-1.amazonaws.com",
                            "127.0.0.1:8443") */
    const char *path;    /* the URI path as sent, already percent-encoded ("/clusters/a%20b");
                            "" means "/". Canonicalised as AWS asks for every service but
                            S3 (and as botocore does): "." / ".." segments and runs of '/'
                            removed, then encoded once more ("%20" is signed as "%2520") */
    const char *query;   /* the query string as sent without '?' ("maxResults=100&nextToken=x");
                            NULL or "": none. Canonicalised: sorted by name then value */
    const ld_sigv4_header *headers; /* further headers to sign (host and x-amz-date are
                                       added); may be NULL */
    size_t n_headers;
    const uint8_t *body;
    size_t body_len;
    const char *service; /* "ecs", "ecr", "eks", "ec2" */
    const char *region;
    time_t when;         /* the request's time (UTC) */
} ld_sigv4_request;

/* The headers to send with the request: "X-Amz-Date: 20150830T123600Z",
 * "X-Amz-Security-Token: ..." (when c has a session token) and
 * "Authorization: AWS4-HMAC-SHA256 Credential=AKID/20150830/REGION/SERVICE/aws4_request,
 * SignedHeaders=..., Signature=<64 hex>", each a "Name: value" string
 * written into out[0..*n) (caller frees each; *n <= 3). Returns 0, or < 0
 * with err set (missing fields). */
int ld_sigv4_sign(const ld_sigv4_request *rq, const ld_aws_credentials *c, char *out[3],
                  size_t *n, ld_error *err);

/* The canonical request and string to sign (for tests and --debug):
 * caller frees. */
char *ld_sigv4_canonical_request(const ld_sigv4_request *rq);
char *ld_sigv4_string_to_sign(const ld_sigv4_request *rq, const char *canonical_request);

#endif
