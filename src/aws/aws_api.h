/* One AWS API request for the live path (aws/aws_live.c): the endpoint
 * (https://SERVICE.REGION.amazonaws.com, or an --endpoint-url override for
 * every service), the protocol's request shape (JSON 1.1 POST with
 * X-Amz-Target, REST-JSON GET, EC2 query POST), SigV4 headers
 * (aws/sigv4.h), the answer bounded while it is received (16 MiB), the
 * service's error read from the answer (JSON "__type", the
 * x-amzn-ErrorType header, EC2's XML <Errors>) and classified, and
 * throttling retried with exponential back-off and full jitter. No
 * redirect is followed. Messages from the server are untrusted: they are
 * cut and their control characters escaped before they reach a message.
 * Not a general AWS SDK: no streaming, no presigning, no S3 rules. */
#ifndef LD_AWS_AWS_API_H
#define LD_AWS_AWS_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aws/credentials.h"
#include "core/error.h"

#define LD_AWS_ANSWER_MAX ((size_t)16 << 20)
#define LD_AWS_BACKOFF_BASE_MS 200L
#define LD_AWS_BACKOFF_CAP_MS 20000L
#define LD_AWS_MESSAGE_MAX 300 /* bytes of a server message shown */

typedef enum {
    LD_AWS_PROTO_JSON,      /* POST /, application/x-amz-json-1.1, X-Amz-Target */
    LD_AWS_PROTO_REST_JSON, /* GET path?query (EKS) */
    LD_AWS_PROTO_EC2_QUERY, /* POST / form Action=...&Version=2016-11-15, XML answer */
} ld_aws_protocol;

/* What an error answer means for the caller. */
typedef enum {
    LD_AWS_ERR_NONE,        /* 2xx */
    LD_AWS_ERR_RETRY,       /* throttled or a server error: try again later */
    LD_AWS_ERR_CREDENTIALS, /* expired, unknown or badly signed: stop the scan */
    LD_AWS_ERR_DENIED,      /* AccessDenied on this call: record it unread, go on */
    LD_AWS_ERR_NOT_FOUND,   /* LifecyclePolicyNotFound, RepositoryPolicyNotFound, ...: absence */
    LD_AWS_ERR_OTHER,       /* another client error on this call */
} ld_aws_err_class;

/* The connection settings of a scan, shared by its requests. */
typedef struct {
    const ld_aws_credentials *creds; /* borrowed */
    const char *region;
    const char *endpoint_url; /* NULL: the service's public endpoint */
    const char *ca_bundle;    /* NULL: the system's CAs */
    long timeout_ms;          /* per attempt; 0: 30 s */
    int max_attempts;         /* 0: 5 */
    /* Tests: replaces the sleep between attempts (ms is what would be slept). */
    void (*sleep_ms)(void *ctx, long ms);
    void *sleep_ctx;
    /* out: counters over the client's life */
    size_t requests, retries;
    uint64_t rng; /* jitter state; 0: seeded on first use */
} ld_aws_client;

typedef struct {
    const char *service;   /* signing name and endpoint: "ecs", "ecr", "eks", "ec2" */
    const char *operation; /* "DescribeServices" (X-Amz-Target, messages) */
    const char *target; /* JSON: the X-Amz-Target prefix ("AmazonEC2ContainerServiceV20141113") */
    ld_aws_protocol proto;
    const char *path;  /* REST: the percent-encoded path ("/clusters/prod"); else "/" */
    const char *query; /* REST: "maxResults=100&nextToken=..." (encoded), or NULL */
    const char *body;  /* JSON: the request document; EC2: the form; REST: NULL */
    size_t body_len;
} ld_aws_call;

typedef struct {
    long status;
    char *body; /* NUL-terminated; may be empty */
    size_t len;
    ld_aws_err_class err_class;
    char *error_code;    /* the service's error code ("ThrottlingException"); NULL on 2xx */
    char *error_message; /* cut and terminal-safe; NULL when none */
    int attempts;
} ld_aws_response;

/* The host of a service's public endpoint ("ecs.us-east-1.amazonaws.com",
 * ECR: "api.ecr.REGION.amazonaws.com", China regions: ".amazonaws.com.cn").
 * Caller frees. */
char *ld_aws_endpoint_host(const char *service, const char *region);

/* Sends call (retrying throttling and server errors), filling res (free
 * with ld_aws_response_clear). Returns 0 when the service answered 2xx or
 * a per-call error the caller decides on (res->err_class DENIED,
 * NOT_FOUND, OTHER); < 0 with err set: LD_ERR_INVALID (credentials
 * refused: "AWS refused the credentials from SOURCE: CODE: message"),
 * LD_ERR_UNREACHABLE (connection, TLS, timeout, still throttled after
 * max_attempts, a redirect), LD_ERR_LIMIT (an answer over 16 MiB). */
int ld_aws_request(ld_aws_client *cl, const ld_aws_call *call, ld_aws_response *res, ld_error *err);
void ld_aws_response_clear(ld_aws_response *res);

/* ---- pure parts, exposed for tests ---- */

/* The error of an answer: code from the JSON "__type" (after its last
 * '#'), "code" or "Code", else the x-amzn-ErrorType header (before ':'),
 * else EC2's XML <Errors><Error><Code>; message from "message"/"Message"
 * or the XML <Message>. *code / *message: new strings or NULL; the message
 * is cut to LD_AWS_MESSAGE_MAX bytes and its control characters escaped. */
void ld_aws_parse_error(const char *body, size_t len, const char *error_type_header, char **code,
                        char **message);
/* The class of an answer's status and error code (code may be NULL). */
ld_aws_err_class ld_aws_classify(long status, const char *code);
/* The wait before retry number `retry` (0 for the first retry): full
 * jitter, a uniform draw r (0 <= r <= UINT32_MAX) scaled into
 * [0, min(cap, base * 2^retry)]; a Retry-After of s seconds (s >= 0) asks
 * for s*1000 ms instead, capped at the cap. */
long ld_aws_backoff_ms(int retry, long retry_after_s, uint32_t r);
/* The value of an ARN's account field ("123456789012"), or NULL (caller frees). */
char *ld_aws_arn_account(const char *arn);

#endif
