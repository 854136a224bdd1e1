/* YAML document tree built from libyaml events with size/depth/count caps.
 * See yaml_doc.h. */
#include "util/yaml_doc.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util/mem.h"
#include "util/text_bom.h"

typedef struct {
    yaml_parser_t parser;
    const char *name;
    ld_yaml_limits lim;
    size_t nodes;
    ld_error *err;
} loader;

static ld_yaml_node *node_new(loader *ld, ld_yaml_kind kind, const yaml_mark_t *mark)
{
    if (++ld->nodes > ld->lim.max_nodes) {
        ld_error_set(ld->err, LD_ERR_LIMIT, "%s: line %zu: more than %zu YAML nodes", ld->name,
                     mark->line + 1, ld->lim.max_nodes);
        return NULL;
    }
    ld_yaml_node *n = ld_xcalloc(1, sizeof(*n));
    n->kind = kind;
    n->line = (int)mark->line + 1;
    n->col = (int)mark->column + 1;
    return n;
}

static int next_event(loader *ld, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&ld->parser, ev)) {
        const char *problem = ld->parser.problem ? ld->parser.problem : "syntax error";
        return ld_error_set(ld->err, LD_ERR_CORRUPT, "%s: line %zu: %s", ld->name,
                            ld->parser.problem_mark.line + 1, problem);
    }
    return 0;
}

static ld_yaml_node *load_node(loader *ld, yaml_event_t *ev, int depth);

/* The explicit tag of a node event ("!!python/object", "!foo", "!"), or
 * NULL. Tags ask a YAML library to build typed objects; this loader keeps
 * every scalar a string, so a tag would be silently ignored — and a file
 * written for a loader that honours them does not mean what it says here.
 * Refused, like aliases. */
static const char *event_tag(const yaml_event_t *ev)
{
    const yaml_char_t *tag = NULL;
    switch (ev->type) {
    case YAML_SCALAR_EVENT: tag = ev->data.scalar.tag; break;
    case YAML_SEQUENCE_START_EVENT: tag = ev->data.sequence_start.tag; break;
    case YAML_MAPPING_START_EVENT: tag = ev->data.mapping_start.tag; break;
    default: break;
    }
    return (const char *)tag;
}

/* Bytes of a tag shown in a message, as written ("!!str", not libyaml's
 * resolved "tag:yaml.org,2002:str"): printable ASCII only, capped. */
static void show_tag(const char *tag, char *out, size_t outlen)
{
    static const char core[] = "tag:yaml.org,2002:";
    size_t n = 0;
    if (strncmp(tag, core, sizeof(core) - 1) == 0 && outlen > 3) {
        memcpy(out, "!!", 2);
        n = 2;
        tag += sizeof(core) - 1;
    }
    const char *p = tag;
    for (; *p && n + 4 < outlen && n < 64; p++)
        out[n++] = (*p > 0x20 && *p < 0x7f) ? *p : '?';
    if (*p && n + 4 <= outlen) { /* cut short */
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
}

static void append(ld_yaml_node *parent, size_t *cap, ld_yaml_node *key, ld_yaml_node *item)
{
    size_t kcap = *cap;
    if (parent->kind == LD_YAML_MAP)
        ld_xgrow(&parent->keys, &kcap, parent->n + 1, sizeof(*parent->keys));
    ld_xgrow(&parent->items, cap, parent->n + 1, sizeof(*parent->items));
    if (parent->kind == LD_YAML_MAP)
        parent->keys[parent->n] = key;
    parent->items[parent->n++] = item;
}

static int compare_keys(const void *a, const void *b)
{
    const ld_yaml_node *x = *(const ld_yaml_node *const *)a;
    const ld_yaml_node *y = *(const ld_yaml_node *const *)b;
    int c = strcmp(x->value, y->value);
    if (c)
        return c;
    return (x->line > y->line) - (x->line < y->line);
}

/* Duplicate keys in a mapping are an error naming the later one. Sorting a
 * copy keeps this O(n log n): a hostile file of many keys stays fast. */
static int check_duplicate_keys(loader *ld, const ld_yaml_node *map)
{
    if (map->n < 2)
        return 0;
    const ld_yaml_node **sorted = ld_xcalloc(map->n, sizeof(*sorted));
    for (size_t i = 0; i < map->n; i++)
        sorted[i] = map->keys[i];
    qsort(sorted, map->n, sizeof(*sorted), compare_keys);
    int rc = 0;
    for (size_t i = 1; i < map->n; i++) {
        if (strcmp(sorted[i - 1]->value, sorted[i]->value) == 0) {
            rc = ld_error_set(ld->err, LD_ERR_CORRUPT, "%s: line %d: duplicate key \"%s\"",
                              ld->name, sorted[i]->line, sorted[i]->value);
            break;
        }
    }
    free(sorted);
    return rc;
}

/* Loads children until the matching end event. Consumes ev. */
static ld_yaml_node *load_collection(loader *ld, ld_yaml_node *coll, yaml_event_type_t end,
                                     int depth)
{
    size_t cap = 0;
    for (;;) {
        yaml_event_t ev;
        if (next_event(ld, &ev) < 0)
            goto fail;
        if (ev.type == end) {
            yaml_event_delete(&ev);
            if (coll->kind == LD_YAML_MAP && check_duplicate_keys(ld, coll) < 0)
                goto fail;
            return coll;
        }
        ld_yaml_node *key = NULL;
        if (coll->kind == LD_YAML_MAP) {
            key = load_node(ld, &ev, depth + 1);
            if (!key)
                goto fail;
            if (key->kind != LD_YAML_SCALAR) {
                ld_error_set(ld->err, LD_ERR_CORRUPT, "%s: line %d: mapping keys must be scalars",
                             ld->name, key->line);
                ld_yaml_free(key);
                goto fail;
            }
            if (next_event(ld, &ev) < 0) {
                ld_yaml_free(key);
                goto fail;
            }
        }
        ld_yaml_node *item = load_node(ld, &ev, depth + 1);
        if (!item) {
            ld_yaml_free(key);
            goto fail;
        }
        append(coll, &cap, key, item);
    }
fail:
    ld_yaml_free(coll);
    return NULL;
}

/* Builds the node starting at ev (consumed). */
static ld_yaml_node *load_node(loader *ld, yaml_event_t *ev, int depth)
{
    ld_yaml_node *n = NULL;
    if (depth > ld->lim.max_depth) {
        ld_error_set(ld->err, LD_ERR_LIMIT, "%s: line %zu: nesting deeper than %d levels", ld->name,
                     ev->start_mark.line + 1, ld->lim.max_depth);
        yaml_event_delete(ev);
        return NULL;
    }
    const char *tag = event_tag(ev);
    if (tag) {
        char shown[80];
        show_tag(tag, shown, sizeof(shown));
        ld_error_set(ld->err, LD_ERR_UNSUPPORTED,
                     "%s: line %zu: YAML tags (%s) are not accepted; remove the tag", ld->name,
                     ev->start_mark.line + 1, shown);
        yaml_event_delete(ev);
        return NULL;
    }
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        n = node_new(ld, LD_YAML_SCALAR, &ev->start_mark);
        if (n) {
            n->value = ld_xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
            n->quoted = ev->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                        ev->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE ||
                        ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
                        ev->data.scalar.style == YAML_FOLDED_SCALAR_STYLE;
        }
        yaml_event_delete(ev);
        return n;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        bool is_map = ev->type == YAML_MAPPING_START_EVENT;
        n = node_new(ld, is_map ? LD_YAML_MAP : LD_YAML_SEQ, &ev->start_mark);
        yaml_event_delete(ev);
        if (!n)
            return NULL;
        return load_collection(ld, n, is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT,
                               depth);
    }
    case YAML_ALIAS_EVENT:
        ld_error_set(ld->err, LD_ERR_UNSUPPORTED, "%s: line %zu: YAML aliases are not accepted",
                     ld->name, ev->start_mark.line + 1);
        yaml_event_delete(ev);
        return NULL;
    default:
        ld_error_set(ld->err, LD_ERR_CORRUPT, "%s: line %zu: unexpected YAML event", ld->name,
                     ev->start_mark.line + 1);
        yaml_event_delete(ev);
        return NULL;
    }
}

/* After the first document's root: its end, then the end of the stream.
 * A second document ("---" after the first) is refused rather than
 * ignored: whatever it says would otherwise be silently dropped. */
static int rest_of_stream(loader *ld)
{
    for (;;) {
        yaml_event_t ev;
        if (next_event(ld, &ev) < 0)
            return LD_ERR_CORRUPT;
        yaml_event_type_t t = ev.type;
        size_t line = ev.start_mark.line + 1;
        yaml_event_delete(&ev);
        if (t == YAML_DOCUMENT_END_EVENT)
            continue;
        if (t == YAML_STREAM_END_EVENT)
            return 0;
        if (t == YAML_DOCUMENT_START_EVENT)
            return ld_error_set(ld->err, LD_ERR_UNSUPPORTED,
                                "%s: line %zu: a second YAML document (\"---\") is not accepted; "
                                "one file holds one document",
                                ld->name, line);
        return ld_error_set(ld->err, LD_ERR_CORRUPT, "%s: line %zu: unexpected YAML event",
                            ld->name, line);
    }
}

ld_yaml_node *ld_yaml_parse(const char *name, const char *buf, size_t len,
                            const ld_yaml_limits *limits, ld_error *err)
{
    loader ld = {.name = name ? name : "<yaml>", .err = err};
    ld.lim.max_bytes = limits && limits->max_bytes ? limits->max_bytes : 8u << 20;
    ld.lim.max_depth = limits && limits->max_depth ? limits->max_depth : 64;
    ld.lim.max_nodes = limits && limits->max_nodes ? limits->max_nodes : 1000000;
    if (len > ld.lim.max_bytes) {
        ld_error_set(err, LD_ERR_LIMIT, "%s: larger than %zu bytes", ld.name, ld.lim.max_bytes);
        return NULL;
    }
    if (!yaml_parser_initialize(&ld.parser)) {
        ld_error_set(err, LD_ERR_NOMEM, "%s: cannot initialise YAML parser", ld.name);
        return NULL;
    }
    ld_skip_utf8_bom(&buf, &len); /* libyaml would take it too; one rule for every file */
    yaml_parser_set_input_string(&ld.parser, (const unsigned char *)buf, len);
    ld_yaml_node *root = NULL;
    yaml_event_t ev;
    /* stream start, then document start or stream end */
    for (;;) {
        if (next_event(&ld, &ev) < 0)
            goto out;
        yaml_event_type_t t = ev.type;
        if (t == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        if (t == YAML_STREAM_START_EVENT || t == YAML_DOCUMENT_START_EVENT) {
            yaml_event_delete(&ev);
            continue;
        }
        root = load_node(&ld, &ev, 0);
        break;
    }
    if (!root && err && err->code != LD_OK)
        goto out;
    if (root && rest_of_stream(&ld) < 0) {
        ld_yaml_free(root);
        root = NULL;
        goto out;
    }
    if (!root) {
        yaml_mark_t m = {0, 0, 0};
        root = node_new(&ld, LD_YAML_MAP, &m);
    }
out:
    yaml_parser_delete(&ld.parser);
    return root;
}

void ld_yaml_free(ld_yaml_node *node)
{
    if (!node)
        return;
    for (size_t i = 0; i < node->n; i++) {
        if (node->keys)
            ld_yaml_free(node->keys[i]);
        ld_yaml_free(node->items[i]);
    }
    free(node->keys);
    free(node->items);
    free(node->value);
    free(node);
}

const ld_yaml_node *ld_yaml_get(const ld_yaml_node *map, const char *key)
{
    if (!map || map->kind != LD_YAML_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i]->value, key) == 0)
            return map->items[i];
    return NULL;
}

const char *ld_yaml_str(const ld_yaml_node *node)
{
    return node && node->kind == LD_YAML_SCALAR ? node->value : NULL;
}

const char *ld_yaml_kind_name(ld_yaml_kind kind)
{
    switch (kind) {
    case LD_YAML_SCALAR: return "a scalar";
    case LD_YAML_MAP: return "a mapping";
    case LD_YAML_SEQ: return "a list";
    }
    return "?";
}
