/* AWS version data (aws_versions.h): a strict reader of
 * data/aws-versions.yaml (EKS Kubernetes support windows, Fargate platform
 * versions) and lookups into it. Not for judging: the checks decide what a
 * date means (aws/eks_checks.c, aws/ecs_service_checks.c). */
#include "aws/aws_versions.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/date.h"
#include "util/mem.h"
#include "util/yaml_doc.h"

extern const unsigned char ld_data_aws_versions_yaml[];
extern const size_t ld_data_aws_versions_yaml_len;

/* More than this from one file is an error (hostile or wrong file). */
#define EKS_VERSIONS_MAX 256
#define FARGATE_PLATFORMS_MAX 16
#define DEPRECATED_MAX 32
#define VERSION_TEXT_MAX 16

static int bad(ld_error *err, const char *name, const ld_yaml_node *n, const char *what)
{
    return ld_error_set(err, LD_ERR_CORRUPT, "%s: line %d: %s", name, n ? n->line : 0, what);
}

static const char *scalar(const ld_yaml_node *map, const char *key)
{
    const ld_yaml_node *v = ld_yaml_get(map, key);
    return v && v->kind == LD_YAML_SCALAR ? v->value : NULL;
}

/* Refuses a map with a key outside keys (a typo must not silently drop a date). */
static int only_keys(const char *name, const ld_yaml_node *map, const char *const *keys,
                     const char *where, ld_error *err)
{
    for (size_t i = 0; i < map->n; i++) {
        bool known = false;
        for (const char *const *k = keys; *k; k++)
            known = known || strcmp(map->keys[i]->value, *k) == 0;
        if (!known) {
            char msg[160];
            snprintf(msg, sizeof(msg), "unknown key \"%.40s\" in %s", map->keys[i]->value, where);
            return bad(err, name, map->keys[i], msg);
        }
    }
    return 0;
}

static int date_field(const char *name, const ld_yaml_node *map, const char *key, bool required,
                      time_t *out, ld_error *err)
{
    const char *s = scalar(map, key);
    *out = 0;
    if (!s && !required && !ld_yaml_get(map, key))
        return 0;
    time_t t = ld_date_utc_midnight(s);
    if (t < 0) {
        char msg[96];
        snprintf(msg, sizeof(msg), "\"%s\" must be a date YYYY-MM-DD", key);
        return bad(err, name, map, msg);
    }
    *out = t;
    return 0;
}

/* Digits only, 1 to 4 of them; returns the end or NULL. */
static const char *small_number(const char *s, int *out)
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

/* "1.31" exactly (the data's form). */
static bool is_major_minor(const char *s)
{
    int ma, mi;
    const char *p = small_number(s, &ma);
    if (!p || *p != '.')
        return false;
    p = small_number(p + 1, &mi);
    return p && *p == '\0';
}

/* "1.4.0" exactly (a Fargate platform version). */
static bool is_three_part(const char *s)
{
    int n;
    const char *p = s;
    for (int i = 0; i < 3; i++) {
        p = small_number(p, &n);
        if (!p || (i < 2 && *p != '.'))
            return false;
        if (i < 2)
            p++;
    }
    return *p == '\0';
}

static int parse_eks_version(const char *name, const ld_yaml_node *n, ld_eks_version *e,
                             ld_error *err)
{
    static const char *const keys[] = {"version", "released", "end-standard", "end-extended", NULL};
    if (n->kind != LD_YAML_MAP)
        return bad(err, name, n, "each entry of \"eks.versions\" must be a map");
    if (only_keys(name, n, keys, "an EKS version", err) < 0)
        return err->code;
    const char *v = scalar(n, "version");
    const ld_yaml_node *vn = ld_yaml_get(n, "version");
    if (!v || !vn->quoted || !is_major_minor(v))
        return bad(err, name, n, "\"version\" must be MAJOR.MINOR (quote it: \"1.30\")");
    if (date_field(name, n, "released", false, &e->released, err) < 0 ||
        date_field(name, n, "end-standard", true, &e->end_standard, err) < 0 ||
        date_field(name, n, "end-extended", true, &e->end_extended, err) < 0)
        return err->code;
    if (e->end_extended < e->end_standard || (e->released && e->released > e->end_standard))
        return bad(err, name, n, "dates out of order (released <= end-standard <= end-extended)");
    e->version = ld_xstrdup(v);
    return 0;
}

static int parse_eks(const char *name, const ld_yaml_node *eks, ld_aws_versions *out, ld_error *err)
{
    static const char *const keys[] = {"as-of", "versions", NULL};
    if (!eks || eks->kind != LD_YAML_MAP)
        return bad(err, name, eks, "\"eks\" must be a map");
    if (only_keys(name, eks, keys, "\"eks\"", err) < 0 ||
        date_field(name, eks, "as-of", true, &out->eks_as_of, err) < 0)
        return err->code;
    const ld_yaml_node *list = ld_yaml_get(eks, "versions");
    if (!list || list->kind != LD_YAML_SEQ || list->n == 0)
        return bad(err, name, list ? list : eks, "\"eks.versions\" must be a non-empty list");
    if (list->n > EKS_VERSIONS_MAX)
        return bad(err, name, list, "too many EKS versions");
    out->eks = ld_xcalloc(list->n, sizeof(*out->eks));
    for (size_t i = 0; i < list->n; i++) {
        if (parse_eks_version(name, list->items[i], &out->eks[i], err) < 0)
            return err->code;
        out->n_eks = i + 1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(out->eks[j].version, out->eks[i].version) == 0)
                return bad(err, name, list->items[i], "EKS version listed twice");
    }
    return 0;
}

/* deprecated: a list of X.Y.Z into "a,b,c"; NULL when absent. */
static int parse_deprecated(const char *name, const ld_yaml_node *n, char **out, ld_error *err)
{
    *out = NULL;
    if (!n)
        return 0;
    if (n->kind != LD_YAML_SEQ || n->n > DEPRECATED_MAX)
        return bad(err, name, n, "\"deprecated\" must be a list of at most 32 versions");
    size_t len = 1;
    for (size_t i = 0; i < n->n; i++) {
        const char *v = ld_yaml_str(n->items[i]);
        if (!v || strlen(v) > VERSION_TEXT_MAX || !is_three_part(v))
            return bad(err, name, n->items[i], "\"deprecated\" entries must be X.Y.Z");
        len += strlen(v) + 1;
    }
    if (n->n == 0)
        return 0;
    char *s = ld_xcalloc(1, len);
    size_t at = 0;
    for (size_t i = 0; i < n->n; i++) {
        size_t k = strlen(n->items[i]->value);
        if (i)
            s[at++] = ',';
        memcpy(s + at, n->items[i]->value, k);
        at += k;
    }
    s[at] = '\0';
    *out = s;
    return 0;
}

static int parse_platform(const char *name, const ld_yaml_node *n, ld_fargate_platform *p,
                          ld_error *err)
{
    static const char *const keys[] = {"os-family", "current", "deprecated", NULL};
    if (n->kind != LD_YAML_MAP)
        return bad(err, name, n, "each entry of \"fargate.platforms\" must be a map");
    if (only_keys(name, n, keys, "a Fargate platform", err) < 0)
        return err->code;
    const char *fam = scalar(n, "os-family"), *cur = scalar(n, "current");
    if (!fam || (strcmp(fam, "LINUX") != 0 && strcmp(fam, "WINDOWS_SERVER") != 0))
        return bad(err, name, n, "\"os-family\" must be LINUX or WINDOWS_SERVER");
    if (!cur || strlen(cur) > VERSION_TEXT_MAX || !is_three_part(cur))
        return bad(err, name, n, "\"current\" must be a platform version X.Y.Z");
    if (parse_deprecated(name, ld_yaml_get(n, "deprecated"), &p->deprecated, err) < 0)
        return err->code;
    p->os_family = ld_xstrdup(fam);
    p->current = ld_xstrdup(cur);
    return 0;
}

static int parse_fargate(const char *name, const ld_yaml_node *f, ld_aws_versions *out,
                         ld_error *err)
{
    static const char *const keys[] = {"as-of", "platforms", NULL};
    if (!f || f->kind != LD_YAML_MAP)
        return bad(err, name, f, "\"fargate\" must be a map");
    if (only_keys(name, f, keys, "\"fargate\"", err) < 0 ||
        date_field(name, f, "as-of", true, &out->fargate_as_of, err) < 0)
        return err->code;
    const ld_yaml_node *list = ld_yaml_get(f, "platforms");
    if (!list || list->kind != LD_YAML_SEQ || list->n == 0)
        return bad(err, name, list ? list : f, "\"fargate.platforms\" must be a non-empty list");
    if (list->n > FARGATE_PLATFORMS_MAX)
        return bad(err, name, list, "too many Fargate platforms");
    out->fargate = ld_xcalloc(list->n, sizeof(*out->fargate));
    for (size_t i = 0; i < list->n; i++) {
        if (parse_platform(name, list->items[i], &out->fargate[i], err) < 0)
            return err->code;
        out->n_fargate = i + 1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(out->fargate[j].os_family, out->fargate[i].os_family) == 0)
                return bad(err, name, list->items[i], "Fargate OS family listed twice");
    }
    return 0;
}

ld_aws_versions *ld_aws_versions_parse(const char *name, const char *buf, size_t len, ld_error *err)
{
    ld_yaml_limits lim = {.max_bytes = 256 * 1024, .max_depth = 8, .max_nodes = 20000};
    ld_yaml_node *root = ld_yaml_parse(name, buf, len, &lim, err);
    if (!root)
        return NULL;
    static const char *const keys[] = {"written", "eks", "fargate", NULL};
    ld_aws_versions *v = ld_xcalloc(1, sizeof(*v));
    int rc = 0;
    if (root->kind != LD_YAML_MAP)
        rc = bad(err, name, root, "expected a map");
    else if (only_keys(name, root, keys, "the top level", err) < 0 ||
             date_field(name, root, "written", true, &v->written, err) < 0 ||
             parse_eks(name, ld_yaml_get(root, "eks"), v, err) < 0 ||
             parse_fargate(name, ld_yaml_get(root, "fargate"), v, err) < 0)
        rc = err->code;
    else if (v->eks_as_of > v->written || v->fargate_as_of > v->written)
        rc = bad(err, name, root, "an \"as-of\" date is later than \"written\"");
    ld_yaml_free(root);
    if (rc < 0) {
        ld_aws_versions_free(v);
        return NULL;
    }
    return v;
}

void ld_aws_versions_free(ld_aws_versions *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n_eks; i++)
        free(v->eks[i].version);
    for (size_t i = 0; i < v->n_fargate; i++) {
        free(v->fargate[i].os_family);
        free(v->fargate[i].current);
        free(v->fargate[i].deprecated);
    }
    free(v->eks);
    free(v->fargate);
    free(v);
}

static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;
static ld_aws_versions *builtin;
static ld_error builtin_err = LD_ERROR_INIT;

static void builtin_load(void)
{
    builtin =
        ld_aws_versions_parse("data/aws-versions.yaml", (const char *)ld_data_aws_versions_yaml,
                              ld_data_aws_versions_yaml_len, &builtin_err);
}

const ld_aws_versions *ld_aws_versions_builtin(ld_error *err)
{
    pthread_once(&builtin_once, builtin_load);
    if (!builtin)
        ld_error_set(err, builtin_err.code ? builtin_err.code : LD_ERR_CORRUPT,
                     "built-in AWS version data is broken (a build defect): %s", builtin_err.msg);
    return builtin;
}

/* "1.31", "v1.31", "1.31.4", "1.31.4-eks-abc" -> "1.31" in out; false if
 * version does not start with MAJOR.MINOR. */
static bool reduce_version(const char *version, char out[VERSION_TEXT_MAX])
{
    if (!version)
        return false;
    const char *s = version[0] == 'v' ? version + 1 : version;
    int ma, mi;
    const char *p = small_number(s, &ma);
    if (!p || *p != '.')
        return false;
    const char *minor_at = p + 1;
    p = small_number(minor_at, &mi);
    if (!p || (*p && *p != '.' && *p != '-' && *p != '+'))
        return false;
    if ((s[0] == '0' && s[1] != '.') || (minor_at[0] == '0' && p - minor_at > 1))
        return false; /* leading zeros: not a version EKS prints */
    if (*p == '.' && (p[1] < '0' || p[1] > '9'))
        return false; /* "1.30." */
    char text[32];
    int n = snprintf(text, sizeof(text), "%d.%d", ma, mi);
    if (n < 0 || n >= VERSION_TEXT_MAX)
        return false;
    memcpy(out, text, (size_t)n + 1);
    return true;
}

const ld_eks_version *ld_aws_eks_version(const ld_aws_versions *v, const char *version)
{
    char mm[VERSION_TEXT_MAX];
    if (!v || !reduce_version(version, mm))
        return NULL;
    for (size_t i = 0; i < v->n_eks; i++) {
        char have[VERSION_TEXT_MAX];
        if (reduce_version(v->eks[i].version, have) && strcmp(have, mm) == 0)
            return &v->eks[i];
    }
    return NULL;
}

const ld_fargate_platform *ld_aws_fargate_platform(const ld_aws_versions *v, const char *os_family)
{
    if (!v)
        return NULL;
    /* ECS names Windows families WINDOWS_SERVER_2019_FULL, ...: one entry serves all */
    const char *want = !os_family || !*os_family                       ? "LINUX"
                       : strncmp(os_family, "WINDOWS_SERVER", 14) == 0 ? "WINDOWS_SERVER"
                                                                       : os_family;
    for (size_t i = 0; i < v->n_fargate; i++)
        if (strcmp(v->fargate[i].os_family, want) == 0)
            return &v->fargate[i];
    return NULL;
}
