/* Container selection for the Docker audit (--container,
 * --exclude-container). See container_select.h. */
#include "docker/container_select.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/cleanup.h"
#include "util/mem.h"

/* Longer patterns are refused: no name, id or label needs more. */
#define PATTERN_MAX 1024
#define ID_PREFIX_MIN 4
#define ID_MAX 64
#define LABEL_PREFIX "label:"
#define LABEL_PREFIX_LEN (sizeof(LABEL_PREFIX) - 1)

size_t ld_container_patterns_push(ld_strlist *l, const char *arg)
{
    size_t added = 0;
    const char *p = arg ? arg : "";
    while (*p) {
        size_t len = strcspn(p, ",");
        if (len) {
            ld_strlist_push_owned(l, ld_xstrndup(p, len));
            added++;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return added;
}

int ld_container_pattern_check(const char *pattern, ld_error *err)
{
    if (!pattern || !pattern[0])
        return ld_error_set(err, LD_ERR_INVALID, "empty container pattern");
    if (strlen(pattern) > PATTERN_MAX)
        return ld_error_set(err, LD_ERR_INVALID,
                            "container pattern \"%.32s...\" is longer than %d bytes", pattern,
                            PATTERN_MAX);
    if (strncmp(pattern, LABEL_PREFIX, LABEL_PREFIX_LEN) == 0) {
        const char *key = pattern + LABEL_PREFIX_LEN;
        if (!key[0] || key[0] == '=')
            return ld_error_set(err, LD_ERR_INVALID,
                                "container pattern \"%s\" names no label key (label:KEY or "
                                "label:KEY=VALUE)",
                                pattern);
        return 0;
    }
    if (strcmp(pattern, "/") == 0)
        return ld_error_set(err, LD_ERR_INVALID, "container pattern \"/\" names no container");
    return 0;
}

static bool is_id_prefix(const char *p)
{
    size_t n = strlen(p);
    if (n < ID_PREFIX_MIN || n > ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f') ||
              (p[i] >= 'A' && p[i] <= 'F')))
            return false;
    return true;
}

/* The container's own name without its "/": names with another "/" are
 * the aliases legacy links give it inside another container. */
static const char *own_name(const json_t *name)
{
    const char *s = json_string_value(name);
    if (!s)
        return NULL;
    if (s[0] == '/')
        s++;
    return s[0] && !strchr(s, '/') ? s : NULL;
}

static bool name_matches(const char *pattern, const json_t *entry)
{
    const char *glob = pattern[0] == '/' ? pattern + 1 : pattern;
    size_t i;
    const json_t *n;
    json_array_foreach(json_object_get(entry, "Names"), i, n)
    {
        const char *name = own_name(n);
        if (name && fnmatch(glob, name, 0) == 0)
            return true;
    }
    return false;
}

static bool label_matches(const char *spec, const json_t *entry)
{
    const json_t *labels = json_object_get(entry, "Labels");
    if (!json_is_object(labels))
        return false;
    const char *eq = strchr(spec, '=');
    ld_autofree char *key = eq ? ld_xstrndup(spec, (size_t)(eq - spec)) : ld_xstrdup(spec);
    const json_t *value = json_object_get(labels, key);
    if (!value)
        return false;
    if (!eq)
        return true;
    const char *v = json_string_value(value);
    return v && fnmatch(eq + 1, v, 0) == 0;
}

bool ld_container_pattern_matches(const char *pattern, const json_t *entry)
{
    ld_error err = LD_ERROR_INIT;
    if (!json_is_object(entry) || ld_container_pattern_check(pattern, &err) < 0)
        return false;
    if (strncmp(pattern, LABEL_PREFIX, LABEL_PREFIX_LEN) == 0)
        return label_matches(pattern + LABEL_PREFIX_LEN, entry);
    const char *id = json_string_value(json_object_get(entry, "Id"));
    if (id && is_id_prefix(pattern) && strncasecmp(id, pattern, strlen(pattern)) == 0)
        return true;
    return name_matches(pattern, entry);
}

void ld_container_selector_init(ld_container_selector *sel, const ld_strlist *include,
                                const ld_strlist *exclude)
{
    memset(sel, 0, sizeof(*sel));
    sel->include = include;
    sel->exclude = exclude;
    size_t ni = include ? include->n : 0, ne = exclude ? exclude->n : 0;
    sel->include_hits = ld_xcalloc(ni ? ni : 1, sizeof(*sel->include_hits));
    sel->exclude_hits = ld_xcalloc(ne ? ne : 1, sizeof(*sel->exclude_hits));
}

void ld_container_selector_clear(ld_container_selector *sel)
{
    free(sel->include_hits);
    free(sel->exclude_hits);
    ld_strlist_clear(&sel->left_out_names);
    memset(sel, 0, sizeof(*sel));
}

bool ld_container_selector_active(const ld_container_selector *sel)
{
    return (sel->include && sel->include->n) || (sel->exclude && sel->exclude->n);
}

/* The name a reader knows the container by: its own name, else its short id. */
static char *display_name(const json_t *entry)
{
    size_t i;
    const json_t *n;
    json_array_foreach(json_object_get(entry, "Names"), i, n)
    {
        const char *name = own_name(n);
        if (name)
            return ld_xasprintf("%.64s", name);
    }
    const char *id = json_string_value(json_object_get(entry, "Id"));
    return id ? ld_xasprintf("%.12s", id) : ld_xstrdup("(no id)");
}

bool ld_container_selector_keep(ld_container_selector *sel, const json_t *entry)
{
    bool included = !(sel->include && sel->include->n);
    for (size_t i = 0; sel->include && i < sel->include->n; i++)
        if (ld_container_pattern_matches(sel->include->v[i], entry)) {
            sel->include_hits[i]++;
            included = true;
        }
    bool excluded = false;
    for (size_t i = 0; sel->exclude && i < sel->exclude->n; i++)
        if (ld_container_pattern_matches(sel->exclude->v[i], entry)) {
            sel->exclude_hits[i]++;
            excluded = true;
        }
    if (included && !excluded) {
        sel->kept++;
        return true;
    }
    sel->left_out++;
    if (sel->left_out_names.n < LD_CONTAINER_SELECT_NAMES_MAX)
        ld_strlist_push_owned(&sel->left_out_names, display_name(entry));
    return false;
}

char *ld_container_selector_describe(const ld_container_selector *sel)
{
    ld_autofree char *inc =
        sel->include && sel->include->n ? ld_strlist_join(sel->include, ",") : NULL;
    ld_autofree char *exc =
        sel->exclude && sel->exclude->n ? ld_strlist_join(sel->exclude, ",") : NULL;
    return ld_xasprintf("%s%s%s%s%s", inc ? "--container " : "", inc ? inc : "",
                        inc && exc ? " " : "", exc ? "--exclude-container " : "", exc ? exc : "");
}

void ld_container_selector_notes(const ld_container_selector *sel, ld_findings *r)
{
    if (!ld_container_selector_active(sel))
        return;
    ld_autofree char *what = ld_container_selector_describe(sel);
    if (sel->left_out) {
        ld_autofree char *names = ld_strlist_join(&sel->left_out_names, ", ");
        ld_findings_note(r, "%zu container%s left out by %s: %s%s", sel->left_out,
                         sel->left_out == 1 ? "" : "s", what, names,
                         sel->left_out > sel->left_out_names.n ? ", ..." : "");
    }
    for (size_t i = 0; sel->include && i < sel->include->n; i++)
        if (!sel->include_hits[i])
            ld_findings_note(r, "--container \"%s\" matches no container on this engine",
                             sel->include->v[i]);
    for (size_t i = 0; sel->exclude && i < sel->exclude->n; i++)
        if (!sel->exclude_hits[i])
            ld_findings_note(r, "--exclude-container \"%s\" matches no container on this engine",
                             sel->exclude->v[i]);
}
