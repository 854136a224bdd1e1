/* When the registry client tries a request again and how long it waits:
 * 429 and the 5xx answers of an overloaded or restarting registry (500,
 * 502, 503, 504) and connection failures that may pass (refused, reset,
 * timed out, nothing received); never a TLS verification failure, a name
 * that does not resolve or a body over its cap. The wait doubles from
 * retry_base_ms, or is the server's Retry-After (delay-seconds or an
 * HTTP-date), at most 30 s either way. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "registry/client_internal.h"

bool reg_status_retryable(long status)
{
    return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

bool reg_curl_retryable(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: return true;
    default: return false;
    }
}

long reg_retry_after_ms(const char *value, long now_epoch_s)
{
    if (!value || !*value)
        return -1;
    if (value[0] >= '0' && value[0] <= '9') {
        char *end = NULL;
        errno = 0;
        long v = strtol(value, &end, 10);
        if (errno || *end || v < 0)
            return -1;
        if (v > REG_RETRY_AFTER_MAX_MS / 1000)
            return REG_RETRY_AFTER_MAX_MS;
        return v * 1000;
    }
    /* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
    struct tm tm = {0};
    const char *end = strptime(value, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end || *end)
        return -1;
    time_t at = timegm(&tm);
    if (at == (time_t)-1)
        return -1;
    long delta = (long)at - now_epoch_s;
    if (delta <= 0)
        return 0;
    if (delta > REG_RETRY_AFTER_MAX_MS / 1000)
        return REG_RETRY_AFTER_MAX_MS;
    return delta * 1000;
}

long reg_backoff_ms(const ld_reg_client *c, int attempt, const char *retry_after)
{
    long ra = reg_retry_after_ms(retry_after, (long)time(NULL));
    if (ra >= 0)
        return ra;
    long ms = c->retry_base_ms;
    for (int i = 0; i < attempt && ms < REG_BACKOFF_MAX_MS; i++)
        ms *= 2;
    return ms < REG_BACKOFF_MAX_MS ? ms : REG_BACKOFF_MAX_MS;
}

void reg_error_attempts(ld_error *err, int attempts)
{
    if (attempts < 2)
        return;
    char msg[LD_ERROR_MSG_MAX];
    snprintf(msg, sizeof(msg), "%s", err->msg);
    ld_error_set(err, err->code, "%s (after %d attempts)", msg, attempts);
}

void reg_sleep_ms(long ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}
