/* Docker Engine release data and the version judgement. See releases.h. */
#include "docker/releases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/date.h"
#include "util/mem.h"
#include "util/yaml_doc.h"

extern const unsigned char ld_data_docker_releases_yaml[];
extern const size_t ld_data_docker_releases_yaml_len;

#define DAY_SECONDS 86400

static int bad(ld_error *err, const char *name, const ld_yaml_node *n, const char *what)
{
    return ld_error_set(err, LD_ERR_CORRUPT, "%s: line %d: %s", name, n ? n->line : 0, what);
}

/* Digits only, at most 4, into *out; returns the end or NULL. */
static const char *number(const char *s, int *out)
{
    int v = 0, digits = 0;
    while (*s >= '0' && *s <= '9') {
        if (++digits > 4)
            return NULL;
        v = v * 10 + (*s - '0');
        s++;
    }
    if (!digits)
        return NULL;
    *out = v;
    return s;
}

int ld_docker_version_parse(const char *s, int *major, int *minor, int *patch)
{
    int ma, mi, pa = 0;
    const char *p = number(s, &ma);
    if (!p || *p != '.')
        return -1;
    p = number(p + 1, &mi);
    if (!p)
        return -1;
    if (*p == '.') {
        p = number(p + 1, &pa);
        if (!p)
            return -1;
    }
    if (*p && *p != '-' && *p != '+' && *p != '~')
        return -1;
    *major = ma;
    *minor = mi;
    *patch = pa;
    return 0;
}

/* "29" or "26.1" into a line's major/minor. */
static int parse_line_name(const char *s, int *major, int *minor)
{
    const char *p = number(s, major);
    if (!p)
        return -1;
    *minor = -1;
    if (*p == '.') {
        p = number(p + 1, minor);
        if (!p)
            return -1;
    }
    return *p ? -1 : 0;
}

static const char *scalar(const ld_yaml_node *map, const char *key)
{
    const ld_yaml_node *v = ld_yaml_get(map, key);
    return v && v->kind == LD_YAML_SCALAR ? v->value : NULL;
}

static int copy_date(char dst[11], const char *name, const ld_yaml_node *at, const char *s,
                     const char *key, ld_error *err)
{
    if (ld_date_utc_midnight(s) < 0) {
        char msg[96];
        snprintf(msg, sizeof(msg), "\"%s\" must be a date YYYY-MM-DD", key);
        return bad(err, name, at, msg);
    }
    memcpy(dst, s, 11);
    return 0;
}

static int parse_line(const char *name, const ld_yaml_node *n, const char *written,
                      ld_release_line *l, ld_error *err)
{
    if (n->kind != LD_YAML_MAP)
        return bad(err, name, n, "each entry of \"lines\" must be a map");
    static const char *const keys[] = {"line", "status", "end", "latest", "as-of", NULL};
    for (size_t i = 0; i < n->n; i++) {
        bool known = false;
        for (const char *const *k = keys; *k; k++)
            known = known || strcmp(n->keys[i]->value, *k) == 0;
        if (!known)
            return bad(err, name, n->keys[i], "unknown key in a release line");
    }
    const char *line = scalar(n, "line"), *status = scalar(n, "status");
    if (!line || parse_line_name(line, &l->major, &l->minor) < 0)
        return bad(err, name, n, "\"line\" must be MAJOR or MAJOR.MINOR");
    if (!status || (strcmp(status, "maintained") != 0 && strcmp(status, "unmaintained") != 0))
        return bad(err, name, n, "\"status\" must be maintained or unmaintained");
    l->maintained = strcmp(status, "maintained") == 0;
    const char *end = scalar(n, "end"), *as_of = scalar(n, "as-of"), *latest = scalar(n, "latest");
    if (end && copy_date(l->end, name, n, end, "end", err) < 0)
        return err->code;
    if (copy_date(l->as_of, name, n, as_of ? as_of : written, "as-of", err) < 0)
        return err->code;
    if (latest) {
        int ma, mi, pa;
        if (strlen(latest) >= sizeof(l->latest) ||
            ld_docker_version_parse(latest, &ma, &mi, &pa) < 0 || ma != l->major ||
            (l->minor >= 0 && mi != l->minor))
            return bad(err, name, n,
                       "\"latest\" must be a release of the line (MAJOR.MINOR.PATCH)");
        memcpy(l->latest, latest, strlen(latest) + 1);
    }
    return 0;
}

int ld_docker_releases_parse(const char *name, const char *text, size_t len,
                             ld_docker_releases *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    out->below_major = out->below_minor = -1;
    ld_yaml_limits lim = {.max_bytes = 256 * 1024, .max_depth = 8, .max_nodes = 20000};
    ld_yaml_node *root = ld_yaml_parse(name, text, len, &lim, err);
    if (!root)
        return err->code ? err->code : LD_ERR_CORRUPT;
    int rc = 0;
    const char *written = scalar(root, "written");
    const char *below = scalar(root, "unmaintained-below");
    const ld_yaml_node *lines = ld_yaml_get(root, "lines");
    if (root->kind != LD_YAML_MAP)
        rc = bad(err, name, root, "expected a map");
    else if (copy_date(out->written, name, root, written, "written", err) < 0)
        rc = err->code;
    else if (below && (parse_line_name(below, &out->below_major, &out->below_minor) < 0 ||
                       out->below_minor < 0))
        rc = bad(err, name, root, "\"unmaintained-below\" must be MAJOR.MINOR");
    else if (!lines || lines->kind != LD_YAML_SEQ || lines->n == 0)
        rc = bad(err, name, lines ? lines : root, "\"lines\" must be a non-empty list");
    else if (lines->n > LD_RELEASES_LINES_MAX)
        rc = bad(err, name, lines, "too many release lines");
    if (rc == 0) {
        out->v = ld_xcalloc(lines->n, sizeof(*out->v));
        for (size_t i = 0; rc == 0 && i < lines->n; i++) {
            rc = parse_line(name, lines->items[i], out->written, &out->v[i], err);
            out->n = i + 1;
        }
    }
    ld_yaml_free(root);
    if (rc < 0)
        ld_docker_releases_clear(out);
    return rc;
}

int ld_docker_releases_builtin(ld_docker_releases *out, ld_error *err)
{
    return ld_docker_releases_parse("data/docker-releases.yaml",
                                    (const char *)ld_data_docker_releases_yaml,
                                    ld_data_docker_releases_yaml_len, out, err);
}

void ld_docker_releases_clear(ld_docker_releases *r)
{
    free(r->v);
    memset(r, 0, sizeof(*r));
    r->below_major = r->below_minor = -1;
}

void ld_version_verdict_clear(ld_version_verdict *v)
{
    free(v->title);
    free(v->why);
    memset(v, 0, sizeof(*v));
}

/* The line of major.minor: an exact MAJOR.MINOR line first, else a MAJOR one. */
static const ld_release_line *find_line(const ld_docker_releases *r, int major, int minor)
{
    const ld_release_line *whole = NULL;
    for (size_t i = 0; i < r->n; i++) {
        const ld_release_line *l = &r->v[i];
        if (l->major != major)
            continue;
        if (l->minor == minor)
            return l;
        if (l->minor < 0 && !whole)
            whole = l;
    }
    return whole;
}

static int compare3(const int a[3], const int b[3])
{
    for (int i = 0; i < 3; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

static void verdict(ld_version_verdict *out, ld_status st, const char *title, char *why)
{
    out->status = st;
    out->title = title ? ld_xstrdup(title) : NULL;
    out->why = why;
}

void ld_docker_version_judge(const ld_docker_releases *r, const char *version, time_t now,
                             ld_version_verdict *out)
{
    memset(out, 0, sizeof(*out));
    int v[3];
    if (ld_docker_version_parse(version, &v[0], &v[1], &v[2]) < 0) {
        verdict(out, LD_STATUS_WARN,
                "docker engine version not recognised; confirm it is maintained",
                ld_xasprintf("not a MAJOR.MINOR.PATCH release number; release data of %s "
                             "cannot judge it",
                             r->written));
        return;
    }
    const ld_release_line *l = find_line(r, v[0], v[1]);
    if (!l) {
        bool older = r->below_major >= 0 &&
                     (v[0] < r->below_major || (v[0] == r->below_major && v[1] < r->below_minor));
        if (older)
            verdict(out, LD_STATUS_FAIL, "docker engine release line is no longer maintained",
                    ld_xasprintf("release lines older than %d.%d are unmaintained (release data "
                                 "of %s)",
                                 r->below_major, r->below_minor, r->written));
        else
            verdict(out, LD_STATUS_WARN,
                    "docker engine release line unknown; confirm it is maintained",
                    ld_xasprintf("release line %d.%d is not in the release data of %s", v[0], v[1],
                                 r->written));
        return;
    }
    ld_autofree char *name =
        l->minor < 0 ? ld_xasprintf("%d", l->major) : ld_xasprintf("%d.%d", l->major, l->minor);
    time_t end = l->end[0] ? ld_date_utc_midnight(l->end) : -1;
    if (!l->maintained) {
        verdict(out, LD_STATUS_FAIL, "docker engine release line is no longer maintained",
                l->end[0] ? ld_xasprintf("release line %s is no longer maintained: maintenance "
                                         "ended on %s (release data of %s)",
                                         name, l->end, r->written)
                          : strcmp(l->as_of, r->written) == 0
                              ? ld_xasprintf("release line %s is no longer maintained (release "
                                             "data of %s)",
                                             name, r->written)
                              : ld_xasprintf("release line %s is no longer maintained (status "
                                             "as of %s, release data of %s)",
                                             name, l->as_of, r->written));
        return;
    }
    if (end >= 0 && now >= end + DAY_SECONDS) {
        verdict(out, LD_STATUS_FAIL, "docker engine release line is no longer maintained",
                ld_xasprintf("maintenance of release line %s ended on %s (release data of %s)",
                             name, l->end, r->written));
        return;
    }
    time_t as_of = ld_date_utc_midnight(l->as_of);
    if (as_of >= 0 && now - as_of > (time_t)LD_RELEASES_MAX_AGE_DAYS * DAY_SECONDS) {
        verdict(out, LD_STATUS_WARN,
                "docker engine release data is old; confirm the line is still maintained",
                ld_xasprintf("release line %s was maintained as of %s, more than %d days ago "
                             "(release data of %s): update data/docker-releases.yaml or confirm "
                             "by hand",
                             name, l->as_of, LD_RELEASES_MAX_AGE_DAYS, r->written));
        return;
    }
    if (!l->latest[0]) {
        verdict(out, LD_STATUS_WARN,
                "latest docker engine patch release unknown; confirm this one is current",
                ld_xasprintf("release line %s is maintained%s%s but its latest release is not "
                             "recorded (release data of %s)",
                             name, l->end[0] ? " until " : "", l->end, r->written));
        return;
    }
    int latest[3];
    ld_docker_version_parse(l->latest, &latest[0], &latest[1], &latest[2]);
    if (compare3(v, latest) < 0) {
        verdict(out, LD_STATUS_WARN, "docker engine is behind the latest release of its line",
                ld_xasprintf("release line %s is maintained; its latest known release is %s "
                             "(status as of %s; release data of %s)",
                             name, l->latest, l->as_of, r->written));
        return;
    }
    verdict(out, LD_STATUS_PASS, NULL,
            ld_xasprintf("at or above %s, the latest known release of maintained line %s (status "
                         "as of %s; release data of %s)",
                         l->latest, name, l->as_of, r->written));
}
