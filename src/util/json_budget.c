/* Counting a JSON document's values before jansson builds it (see
 * json_budget.h). One loop over the bytes; strings and scalar tokens are
 * stepped over with json_span.h's ld_json_value_end, so what counts as the
 * end of a string is decided in one place. */
#include "util/json_budget.h"

#include "util/json_span.h"

const ld_json_limits ld_json_cataloger_limits = {
    .max_values = LD_JSON_CATALOGER_MAX_VALUES,
    .max_containers = LD_JSON_CATALOGER_MAX_CONTAINERS,
    .max_depth = LD_JSON_CATALOGER_MAX_DEPTH,
};

void ld_json_count_values(const char *buf, size_t len, ld_json_count *out)
{
    ld_json_count c = {0};
    size_t depth = 0;
    size_t i = 0;
    while (i < len) {
        char ch = buf[i];
        switch (ch) {
        case '{':
        case '[':
            c.values++;
            c.containers++;
            if (++depth > c.depth)
                c.depth = depth;
            i++;
            break;
        case '}':
        case ']':
            if (depth)
                depth--;
            i++;
            break;
        case ' ':
        case '\t':
        case '\n':
        case '\r':
        case ',':
        case ':': i++; break;
        default: {
            /* a string (key or value) or a number/true/false/null token */
            size_t end = ld_json_value_end(buf, len, i);
            if (end == 0) {
                if (ch == '"')
                    i = len; /* unterminated string: nothing after it is JSON */
                else
                    i++; /* a byte no token starts with: jansson rejects it */
                break;
            }
            c.values++;
            i = end;
            break;
        }
        }
    }
    *out = c;
}

int ld_json_check_limits(const char *name, const ld_json_count *c, const ld_json_limits *lim,
                         ld_error *err)
{
    if (c->containers > lim->max_containers)
        return ld_error_set(err, LD_ERR_LIMIT,
                            "%s: %zu JSON objects and arrays, over the limit of %zu; not loaded",
                            name, c->containers, lim->max_containers);
    if (c->values > lim->max_values)
        return ld_error_set(err, LD_ERR_LIMIT,
                            "%s: %zu JSON values, over the limit of %zu; not loaded", name,
                            c->values, lim->max_values);
    if (c->depth > lim->max_depth)
        return ld_error_set(err, LD_ERR_LIMIT,
                            "%s: JSON nested %zu deep, over the limit of %zu; not loaded", name,
                            c->depth, lim->max_depth);
    return 0;
}

json_t *ld_json_load_bounded(const char *name, const char *buf, size_t len, size_t flags,
                             const ld_json_limits *lim, ld_error *err)
{
    ld_json_count c;
    ld_json_count_values(buf, len, &c);
    if (ld_json_check_limits(name, &c, lim, err) < 0)
        return NULL;
    json_error_t je;
    json_t *root = json_loadb(buf, len, flags, &je);
    if (!root)
        ld_error_set(err, LD_ERR_CORRUPT, "%s: invalid JSON at line %d: %s", name, je.line,
                     je.text);
    return root;
}
