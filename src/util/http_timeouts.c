/* Connect, total and low-speed limits of a libcurl request, and the words
 * for the one that fired (see http_timeouts.h). */
#include "util/http_timeouts.h"

#include <stdio.h>

ld_http_timeouts ld_http_timeouts_or(const ld_http_timeouts *t, const ld_http_timeouts *defaults)
{
    ld_http_timeouts r = t ? *t : *defaults;
    if (r.connect_ms <= 0)
        r.connect_ms = defaults->connect_ms;
    if (r.request_ms < 0)
        r.request_ms = defaults->request_ms;
    if (r.low_speed_bytes <= 0)
        r.low_speed_bytes = defaults->low_speed_bytes;
    if (r.low_speed_s <= 0)
        r.low_speed_s = defaults->low_speed_s;
    if (r.request_ms > 0) {
        long request_s = (r.request_ms + 999) / 1000;
        if (r.low_speed_s > request_s)
            r.low_speed_s = request_s;
    }
    return r;
}

void ld_http_timeouts_apply(CURL *c, const ld_http_timeouts *t)
{
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, t->connect_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, t->request_ms > 0 ? t->request_ms : 0L);
    /* curl measures the rate while it waits for the answer too */
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, t->low_speed_bytes);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, t->low_speed_s);
}

/* Seconds for a message: whole seconds as such, else one decimal. */
static void put_seconds(char *out, size_t outlen, const char *head, long ms, const char *tail)
{
    if (ms % 1000 == 0)
        snprintf(out, outlen, "%s%ld s%s", head, ms / 1000, tail);
    else
        snprintf(out, outlen, "%s%.1f s%s", head, (double)ms / 1000.0, tail);
}

void ld_http_timeout_describe(CURL *c, const ld_http_timeouts *t, bool tls, char *out,
                              size_t outlen)
{
    double elapsed_s = 0, connected_s = 0;
    long new_connections = 0;
    curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &elapsed_s);
    curl_easy_getinfo(c, tls ? CURLINFO_APPCONNECT_TIME : CURLINFO_CONNECT_TIME, &connected_s);
    /* a reused connection reports no connect time: it was connected */
    curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &new_connections);
    if (connected_s <= 0 && new_connections > 0)
        put_seconds(out, outlen, "could not connect within ", t->connect_ms, "");
    else if (t->request_ms > 0 && elapsed_s * 1000.0 + 250.0 >= (double)t->request_ms)
        put_seconds(out, outlen, "no complete answer within ", t->request_ms, "");
    else
        snprintf(out, outlen, "less than %ld bytes/s for %ld s", t->low_speed_bytes,
                 t->low_speed_s);
}
