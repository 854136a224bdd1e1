/* docker:NAME — an image in the local Docker engine, streamed from
 * GET /images/{name}/get (a `docker save` tar) over the engine's socket with
 * libcurl's multi interface, and read in one pass by docker_archive.c's
 * streaming reader: no temporary copy on disk, memory bounded by one curl
 * chunk plus the layer reader's buffers. The endpoint, ping, API version
 * and the timeouts come from docker/engine.h: the export may take the
 * request timeout (--engine-timeout) to start, then must keep up the
 * engine's low-speed limit (less than 1 KiB/s for 20 s ends it). Not for
 * TLS endpoints (not yet supported). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "docker/engine.h"
#include "image/image_internal.h"
#include "util/mem.h"

#define ERR_BODY_MAX 4096

typedef struct {
    CURLM *multi;
    CURL *easy;
    uint8_t *buf;
    size_t len, pos, cap;
    bool paused, done, added;
    CURLcode result;
    long status;
    char errbody[ERR_BODY_MAX + 1];
    size_t errlen;
    char curl_err[CURL_ERROR_SIZE];
    /* The engine's pace, measured only while lockdown waits for it (a
     * paused transfer, while the layers are being read, is not the
     * engine's fault; curl's own low-speed check cannot tell the two
     * apart): see keeps_pace. */
    const char *endpoint, *what; /* for messages */
    long first_byte_ms;          /* the request timeout: time to start sending */
    long low_speed_bytes, low_speed_s;
    long waited_ms;        /* waited in the current window */
    uint64_t window_bytes; /* bytes received in it */
    bool any_byte;         /* the body has begun: low-speed windows from now on */
} eng_stream;

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
    eng_stream *s = ud;
    size_t n = size * nmemb;
    if (!s->status)
        curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &s->status);
    if (s->status != 200) {
        size_t room = ERR_BODY_MAX - s->errlen;
        if (room == 0)
            return 0; /* enough of an error message: end the transfer */
        size_t k = n < room ? n : room;
        memcpy(s->errbody + s->errlen, ptr, k);
        s->errlen += k;
        s->errbody[s->errlen] = '\0';
        s->window_bytes += n;
        return n;
    }
    if (s->pos < s->len) {
        s->paused = true;
        return CURL_WRITEFUNC_PAUSE;
    }
    if (n > s->cap) {
        free(s->buf);
        s->buf = ld_xmalloc(n);
        s->cap = n;
    }
    memcpy(s->buf, ptr, n);
    s->len = n;
    s->pos = 0;
    if (!s->any_byte) { /* the export has begun: the first low-speed window starts */
        s->any_byte = true;
        s->waited_ms = 0;
        s->window_bytes = 0;
    }
    s->window_bytes += n;
    return n;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* After lockdown waited: has the engine kept pace? Before the body begins
 * it may take first_byte_ms; then each low_speed_s of waiting must bring
 * low_speed_bytes per second. Returns 0, or LD_ERR_UNREACHABLE with err
 * in engine.c's words. */
static int keeps_pace(eng_stream *s, ld_error *err)
{
    long window_ms = s->any_byte ? s->low_speed_s * 1000 : s->first_byte_ms;
    if (s->waited_ms < window_ms)
        return 0;
    uint64_t need = s->any_byte ? (uint64_t)s->low_speed_bytes * (uint64_t)s->low_speed_s : 1;
    if (s->window_bytes >= need) {
        s->waited_ms = 0;
        s->window_bytes = 0;
        return 0;
    }
    if (!s->any_byte)
        return ld_error_set(
            err, LD_ERR_UNREACHABLE,
            "docker engine at %s: %s: sent no image data within %ld s; gave up (raise "
            "--engine-timeout if the engine is slow to start exporting a large "
            "image)",
            s->endpoint, s->what, (s->first_byte_ms + 999) / 1000);
    return ld_error_set(err, LD_ERR_UNREACHABLE,
                        "docker engine at %s: %s: less than %ld bytes/s for %ld s; gave up",
                        s->endpoint, s->what, s->low_speed_bytes, s->low_speed_s);
}

static ssize_t eng_read(void *ctx, uint8_t *out, size_t outlen, ld_error *err)
{
    eng_stream *s = ctx;
    for (;;) {
        if (s->pos < s->len) {
            size_t n = s->len - s->pos;
            if (n > outlen)
                n = outlen;
            memcpy(out, s->buf + s->pos, n);
            s->pos += n;
            return (ssize_t)n;
        }
        if (s->done) {
            if (s->status && s->status != 200) {
                const char *msg = s->errbody;
                json_t *j = json_loadb(s->errbody, s->errlen, 0, NULL);
                if (j && json_string_value(json_object_get(j, "message")))
                    msg = json_string_value(json_object_get(j, "message"));
                ld_error_set(err, s->status == 404 ? LD_ERR_NOT_FOUND : LD_ERR_GENERIC,
                             "engine answered HTTP %ld to the image export: %.300s", s->status,
                             msg);
                json_decref(j);
                return err->code;
            }
            if (s->result != CURLE_OK)
                return ld_error_set(err, LD_ERR_UNREACHABLE,
                                    "image export from the engine failed: %s",
                                    s->curl_err[0] ? s->curl_err : curl_easy_strerror(s->result));
            return 0;
        }
        if (s->paused) {
            s->paused = false;
            curl_easy_pause(s->easy, CURLPAUSE_CONT);
            if (s->pos < s->len)
                continue;
        }
        long began = now_ms();
        int running = 0;
        CURLMcode mc = curl_multi_perform(s->multi, &running);
        if (mc != CURLM_OK)
            return ld_error_set(err, LD_ERR_UNREACHABLE, "engine transfer: %s",
                                curl_multi_strerror(mc));
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(s->multi, &left)))
            if (m->msg == CURLMSG_DONE) {
                s->done = true;
                s->result = m->data.result;
                if (!s->status)
                    curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &s->status);
            }
        if (s->pos < s->len || s->done)
            continue;
        if (!running && !s->paused) {
            s->done = true;
            continue;
        }
        curl_multi_poll(s->multi, NULL, 0, 250, NULL);
        s->waited_ms += now_ms() - began;
        if (s->pos == s->len && keeps_pace(s, err) < 0)
            return err->code;
    }
}

/* "unix:///run/docker.sock" -> socket path; "tcp://h:p" -> base URL. */
static int endpoint_url(const char *ep, char **socket_path, char **base, ld_error *err)
{
    if (strncmp(ep, "unix://", 7) == 0) {
        *socket_path = ld_xstrdup(ep + 7);
        *base = ld_xstrdup("http://localhost");
        return 0;
    }
    if (strncmp(ep, "tcp://", 6) == 0 && !getenv("DOCKER_TLS_VERIFY")) {
        *base = ld_xasprintf("http://%s", ep + 6);
        return 0;
    }
    return ld_error_set(err, LD_ERR_UNSUPPORTED,
                        "streaming an image from engine %s is not supported (unix sockets and "
                        "plain tcp only); use docker save and a docker-archive: target",
                        ep);
}

ld_image *ld_img_read_engine(const char *name, const ld_img_opts *opt, const ld_analyzer *an,
                             size_t n_an, ld_error *err)
{
    /* one rule for every wait on the engine (docker/engine.h): the
     * request timeout is --engine-timeout, the connect timeout and the
     * low-speed window never longer than it */
    ld_engine_timeouts t = {.request_ms = opt->engine_timeout_ms > 0 ? opt->engine_timeout_ms
                                                                     : LD_ENGINE_REQUEST_MS};
    ld_engine *e = ld_engine_connect_with(opt->docker_host, &t, err);
    if (!e)
        return NULL;
    ld_image *img = NULL;
    char *sock = NULL, *base = NULL, *url = NULL, *path = NULL, *display = NULL, *what = NULL;
    eng_stream s = {0};
    char *esc = curl_easy_escape(NULL, name, 0);
    if (!esc) {
        ld_error_set(err, LD_ERR_NOMEM, "cannot escape the image name");
        goto out;
    }
    path = ld_xasprintf("/images/%s/json", esc);
    json_t *info = ld_engine_get_json(e, path, 0, err);
    if (!info) {
        ld_error_wrap(err, "image %s", name);
        goto out;
    }
    json_decref(info);
    if (endpoint_url(ld_engine_endpoint(e), &sock, &base, err) < 0)
        goto out;
    url = ld_xasprintf("%s/v%s/images/%s/get", base, ld_engine_api_version(e), esc);
    s.multi = curl_multi_init();
    s.easy = curl_easy_init();
    if (!s.multi || !s.easy) {
        ld_error_set(err, LD_ERR_NOMEM, "cannot initialise libcurl");
        goto out;
    }
    curl_easy_setopt(s.easy, CURLOPT_URL, url);
    if (sock)
        curl_easy_setopt(s.easy, CURLOPT_UNIX_SOCKET_PATH, sock);
    curl_easy_setopt(s.easy, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(s.easy, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(s.easy, CURLOPT_ERRORBUFFER, s.curl_err);
    long request_s = (t.request_ms + 999) / 1000;
    s.endpoint = ld_engine_endpoint(e);
    s.what = what = ld_xasprintf("GET /v%s/images/%s/get", ld_engine_api_version(e), esc);
    s.first_byte_ms = t.request_ms;
    s.low_speed_bytes = LD_ENGINE_LOW_SPEED_BYTES;
    s.low_speed_s = LD_ENGINE_LOW_SPEED_S < request_s ? LD_ENGINE_LOW_SPEED_S : request_s;
    curl_easy_setopt(s.easy, CURLOPT_CONNECTTIMEOUT_MS,
                     LD_ENGINE_CONNECT_MS < t.request_ms ? LD_ENGINE_CONNECT_MS : t.request_ms);
    curl_easy_setopt(s.easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(s.easy, CURLOPT_PROTOCOLS_STR, "http");
    if (curl_multi_add_handle(s.multi, s.easy) != CURLM_OK) {
        ld_error_set(err, LD_ERR_GENERIC, "cannot start the image export request");
        goto out;
    }
    s.added = true;
    display = ld_xasprintf("docker:%s", name);
    img = ld_img_read_tar_stream("docker", display, eng_read, &s, opt, an, n_an, err);
out:
    if (s.added)
        curl_multi_remove_handle(s.multi, s.easy);
    if (s.easy)
        curl_easy_cleanup(s.easy);
    if (s.multi)
        curl_multi_cleanup(s.multi);
    curl_free(esc);
    free(s.buf);
    free(sock);
    free(base);
    free(url);
    free(path);
    free(display);
    free(what);
    ld_engine_free(e);
    return img;
}
