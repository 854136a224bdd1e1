/* The pure half of engine_stream.h: the bounded line splitter and the
 * parser of one /events line. Both take hostile input (an engine, or
 * whatever answers on its socket); neither touches the network. */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/engine_stream.h"
#include "util/json_budget.h"
#include "util/mem.h"

/* an event is a flat object with a few dozen labels at most */
static const ld_json_limits event_limits = {20000, 2000, 32};

void ld_rt_line_splitter_init(ld_rt_line_splitter *s, size_t max)
{
    memset(s, 0, sizeof *s);
    s->max = max ? max : LD_RT_ENGINE_LINE_MAX;
}

void ld_rt_line_splitter_reset(ld_rt_line_splitter *s)
{
    s->len = 0;
    s->skipping = false;
}

void ld_rt_line_splitter_free(ld_rt_line_splitter *s)
{
    free(s->buf);
    s->buf = NULL;
    s->len = s->cap = 0;
    s->skipping = false;
}

static int deliver(const char *line, size_t len, ld_rt_line_fn fn, void *ctx)
{
    if (len > 0 && line[len - 1] == '\r')
        len--;
    return len ? fn(line, len, ctx) : 0;
}

int ld_rt_line_splitter_feed(ld_rt_line_splitter *s, const char *data, size_t n, ld_rt_line_fn fn,
                             void *ctx)
{
    size_t i = 0;
    while (i < n) {
        const char *nl = memchr(data + i, '\n', n - i);
        size_t seg = nl ? (size_t)(nl - (data + i)) : n - i;
        if (s->skipping) {
            /* the rest of an over-long line */
        } else if (s->len + seg > s->max) {
            s->skipping = true;
            s->skipped++;
            s->len = 0;
        } else if (nl && s->len == 0) {
            /* a whole line inside data: no copy */
            int rc = deliver(data + i, seg, fn, ctx);
            if (rc)
                return rc;
        } else {
            if (s->len + seg > s->cap)
                ld_xgrow(&s->buf, &s->cap, s->len + seg, 1);
            memcpy(s->buf + s->len, data + i, seg);
            s->len += seg;
            if (nl) {
                size_t len = s->len;
                s->len = 0;
                int rc = deliver(s->buf, len, fn, ctx);
                if (rc)
                    return rc;
            }
        }
        if (!nl)
            break;
        if (s->skipping)
            s->skipping = false;
        i += seg + 1;
    }
    return 0;
}

static bool is_hex_id(const char *s)
{
    size_t n = strlen(s);
    if (n != 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

/* Copies a string value without control characters that fits out; else
 * leaves out empty. */
static void take_text(const json_t *v, char *out, size_t size)
{
    out[0] = '\0';
    if (!json_is_string(v))
        return;
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n >= size || strlen(s) != n)
        return;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return;
    memcpy(out, s, n + 1);
}

static ld_rt_engine_action action_of(const char *a)
{
    if (!a)
        return LD_RT_ENGINE_EV_OTHER;
    if (strcmp(a, "start") == 0)
        return LD_RT_ENGINE_EV_START;
    if (strcmp(a, "die") == 0)
        return LD_RT_ENGINE_EV_DIE;
    if (strcmp(a, "destroy") == 0)
        return LD_RT_ENGINE_EV_DESTROY;
    if (strcmp(a, "rename") == 0)
        return LD_RT_ENGINE_EV_RENAME;
    return LD_RT_ENGINE_EV_OTHER;
}

static uint64_t time_of(const json_t *ev)
{
    const json_t *tn = json_object_get(ev, "timeNano");
    if (json_is_integer(tn) && json_integer_value(tn) > 0)
        return (uint64_t)json_integer_value(tn);
    const json_t *t = json_object_get(ev, "time");
    uint64_t ns = 0;
    if (json_is_integer(t) && json_integer_value(t) > 0 &&
        !__builtin_mul_overflow((uint64_t)json_integer_value(t), (uint64_t)1000000000, &ns))
        return ns;
    return 0;
}

int ld_rt_engine_event_parse(const char *line, size_t len, ld_rt_engine_event *out, ld_error *err)
{
    memset(out, 0, sizeof *out);
    if (len > LD_RT_ENGINE_LINE_MAX)
        return ld_error_set(err, LD_ERR_LIMIT, "engine event of %zu bytes: over %zu", len,
                            LD_RT_ENGINE_LINE_MAX);
    json_t *ev =
        ld_json_load_bounded("engine event", line, len, JSON_REJECT_DUPLICATES, &event_limits, err);
    if (!ev)
        return err ? err->code : LD_ERR_CORRUPT;
    int rc = 0;
    if (!json_is_object(ev)) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "engine event is not a JSON object");
        goto out;
    }
    const char *type = json_string_value(json_object_get(ev, "Type"));
    if (!type || strcmp(type, "container") != 0) {
        rc = ld_error_set(err, LD_ERR_NOT_FOUND, "engine event is not about a container");
        goto out;
    }
    const json_t *actor = json_object_get(ev, "Actor");
    const char *id = json_string_value(json_object_get(actor, "ID"));
    if (!id)
        id = json_string_value(json_object_get(ev, "id"));
    if (!id || !is_hex_id(id)) {
        rc = ld_error_set(err, LD_ERR_NOT_FOUND, "engine event without a container id");
        goto out;
    }
    memcpy(out->id, id, 65);
    const char *action = json_string_value(json_object_get(ev, "Action"));
    if (!action)
        action = json_string_value(json_object_get(ev, "status"));
    out->action = action_of(action);
    const json_t *attrs = json_object_get(actor, "Attributes");
    take_text(json_object_get(attrs, "name"), out->name, sizeof out->name);
    if (out->name[0] == '/')
        memmove(out->name, out->name + 1, strlen(out->name));
    take_text(json_object_get(attrs, "image"), out->image, sizeof out->image);
    out->time_nano = time_of(ev);
out:
    json_decref(ev);
    return rc;
}
