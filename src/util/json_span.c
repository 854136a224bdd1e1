/* JSON value spans (see json_span.h). */
#include "util/json_span.h"

size_t ld_json_skip_ws(const char *buf, size_t len, size_t i)
{
    while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r'))
        i++;
    return i;
}

/* One past the closing quote of the string at buf[i] == '"', or 0. */
static size_t string_end(const char *buf, size_t len, size_t i)
{
    for (i++; i < len; i++) {
        if (buf[i] == '\\')
            i++;
        else if (buf[i] == '"')
            return i + 1;
    }
    return 0;
}

static bool token_byte(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+' ||
           c == '-' || c == '.';
}

size_t ld_json_value_end(const char *buf, size_t len, size_t i)
{
    if (i >= len)
        return 0;
    char c = buf[i];
    if (c == '"')
        return string_end(buf, len, i);
    if (c != '{' && c != '[') {
        size_t j = i;
        while (j < len && token_byte(buf[j]))
            j++;
        return j > i ? j : 0;
    }
    size_t depth = 0;
    while (i < len) {
        c = buf[i];
        if (c == '"') {
            i = string_end(buf, len, i);
            if (!i)
                return 0;
            continue;
        }
        if (c == '{' || c == '[')
            depth++;
        else if (c == '}' || c == ']') {
            if (depth == 0)
                return 0;
            if (--depth == 0)
                return i + 1;
        }
        i++;
    }
    return 0;
}

bool ld_json_walk_begin(ld_json_walk *w, const char *buf, size_t len, size_t i)
{
    if (i >= len || (buf[i] != '{' && buf[i] != '['))
        return false;
    *w = (ld_json_walk){
        .buf = buf, .len = len, .pos = i + 1, .close = buf[i] == '{' ? '}' : ']', .first = true};
    return true;
}

int ld_json_walk_next(ld_json_walk *w, size_t *key, size_t *key_end, size_t *val, size_t *val_end)
{
    const char *buf = w->buf;
    size_t len = w->len, i = ld_json_skip_ws(buf, len, w->pos);
    *key = *key_end = 0;
    if (i < len && buf[i] == w->close) {
        w->pos = i + 1;
        return 0;
    }
    if (!w->first) {
        if (i >= len || buf[i] != ',') {
            *val = i;
            return -1;
        }
        i = ld_json_skip_ws(buf, len, i + 1);
    }
    w->first = false;
    if (w->close == '}') {
        size_t k = i < len && buf[i] == '"' ? string_end(buf, len, i) : 0;
        if (!k) {
            *val = i;
            return -1;
        }
        *key = i;
        *key_end = k;
        i = ld_json_skip_ws(buf, len, k);
        if (i >= len || buf[i] != ':') {
            *val = i;
            return -1;
        }
        i = ld_json_skip_ws(buf, len, i + 1);
    }
    size_t e = ld_json_value_end(buf, len, i);
    *val = i;
    if (!e)
        return -1;
    *val_end = e;
    w->pos = e;
    return 1;
}
