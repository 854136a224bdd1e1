/* containers-registries.d(5): the per-registry signature settings of
 * containers/image, read as its 5.23 release reads them (ghodss/yaml: the
 * YAML becomes JSON, then Go's lenient decoding into
 * {default-docker, docker: {SCOPE: section}}), merged across the *.yaml
 * files of a directory (a section defined in two files is an error), and
 * looked up for a docker reference the way containers/image does: the
 * most specific docker scope that sets use-sigstore-attachments (or a
 * lookaside) decides, else default-docker. Reading and deciding only. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "trust/containers_policy.h"
#include "trust/containers_policy_internal.h"
#include "util/cleanup.h"
#include "util/input_file.h"
#include "util/mem.h"
#include "util/yaml_doc.h"

#define REGD_MAX_FILE_BYTES ((size_t)1024 * 1024)
#define REGD_MAX_FILES 1000
#define REGD_MAX_SCOPES 100000
#define REGD_DEFAULT_DIR "/etc/containers/registries.d"

typedef struct {
    char *scope; /* NULL for default-docker */
    char *file;
    char *lookaside; /* "lookaside", else "sigstore" (older name); NULL: none */
    bool has_use;    /* use-sigstore-attachments given */
    bool use;
} section;

struct ld_cpol_regd {
    section *dflt; /* default-docker */
    section *v;    /* docker scopes */
    size_t n, cap;
};

static void section_clear(section *s)
{
    free(s->scope);
    free(s->file);
    free(s->lookaside);
    memset(s, 0, sizeof(*s));
}

ld_cpol_regd *ld_cpol_regd_new(void)
{
    return ld_xcalloc(1, sizeof(ld_cpol_regd));
}

void ld_cpol_regd_free(ld_cpol_regd *cfg)
{
    if (!cfg)
        return;
    if (cfg->dflt) {
        section_clear(cfg->dflt);
        free(cfg->dflt);
    }
    for (size_t i = 0; i < cfg->n; i++)
        section_clear(&cfg->v[i]);
    free(cfg->v);
    free(cfg);
}

void ld_cpol_registries_d_clear(ld_cpol_registries_d *r)
{
    if (!r)
        return;
    free(r->lookaside);
    free(r->source);
    memset(r, 0, sizeof(*r));
}

static bool plain_null(const ld_yaml_node *n)
{
    return n->kind == LD_YAML_SCALAR && !n->quoted && ld_yaml_text_is_null(n->value);
}

/* A string field as ghodss/yaml + encoding/json give it: any scalar's
 * text, null as "" (unset); a mapping or a list is an error. */
static int string_value(const char *file, const char *where, const char *key, const ld_yaml_node *v,
                        char **out, ld_error *err)
{
    if (v->kind != LD_YAML_SCALAR)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: line %d: %s.%s: must be a string, not a %s",
                            file, v->line, where, key, ld_yaml_kind_name(v->kind));
    free(*out);
    *out = NULL;
    if (!plain_null(v) && v->value[0])
        *out = ld_xstrdup(v->value);
    return 0;
}

/* One configuration section (a mapping, or null: an empty section). */
static int read_section(const char *file, const char *where, const ld_yaml_node *m, section *s,
                        ld_error *err)
{
    if (plain_null(m))
        return 0;
    if (m->kind != LD_YAML_MAP)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: line %d: %s: must be a mapping, not a %s",
                            file, m->line, where, ld_yaml_kind_name(m->kind));
    char *lookaside = NULL, *sigstore = NULL, *ignored = NULL;
    int rc = 0;
    for (size_t i = 0; i < m->n && rc == 0; i++) {
        const ld_yaml_node *k = m->keys[i], *v = m->items[i];
        if (k->kind != LD_YAML_SCALAR) {
            rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: line %d: %s: a key must be a string", file,
                              k->line, where);
            break;
        }
        const char *key = k->value;
        /* encoding/json matches member names without regard to case */
        if (strcasecmp(key, "lookaside") == 0) {
            rc = string_value(file, where, key, v, &lookaside, err);
        } else if (strcasecmp(key, "sigstore") == 0) {
            rc = string_value(file, where, key, v, &sigstore, err);
        } else if (strcasecmp(key, "lookaside-staging") == 0 ||
                   strcasecmp(key, "sigstore-staging") == 0) {
            rc = string_value(file, where, key, v, &ignored, err); /* for writing: unused */
        } else if (strcasecmp(key, "use-sigstore-attachments") == 0) {
            if (plain_null(v)) {
                s->has_use = false;
                continue;
            }
            bool b = false;
            if (v->kind != LD_YAML_SCALAR || v->quoted || !ld_yaml_text_bool(v->value, &b))
                rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: line %d: %s.%s: must be true or false",
                                  file, v->line, where, key);
            s->has_use = true;
            s->use = b;
        }
        /* other keys: ignored, as containers/image ignores them */
    }
    if (rc == 0)
        s->lookaside = lookaside ? ld_steal_ptr(&lookaside) : ld_steal_ptr(&sigstore);
    free(lookaside);
    free(sigstore);
    free(ignored);
    return rc;
}

static int add_section(ld_cpol_regd *cfg, section *s)
{
    if (cfg->n == cfg->cap)
        ld_xgrow(&cfg->v, &cfg->cap, cfg->n + 1, sizeof(*cfg->v));
    cfg->v[cfg->n++] = *s;
    memset(s, 0, sizeof(*s));
    return 0;
}

/* The sections of one document into staged (new default in *dflt). */
static int read_document(const ld_cpol_regd *cfg, const char *file, const ld_yaml_node *root,
                         section **dflt, ld_cpol_regd *staged, ld_error *err)
{
    if (plain_null(root))
        return 0;
    if (root->kind != LD_YAML_MAP)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "%s: line %d: must be a mapping (default-docker, docker), not a %s",
                            file, root->line, ld_yaml_kind_name(root->kind));
    for (size_t i = 0; i < root->n; i++) {
        const ld_yaml_node *k = root->keys[i], *v = root->items[i];
        if (k->kind != LD_YAML_SCALAR)
            return ld_error_set(err, LD_ERR_CORRUPT, "%s: line %d: a key must be a string", file,
                                k->line);
        if (strcasecmp(k->value, "default-docker") == 0) {
            if (plain_null(v))
                continue; /* a null pointer: not defined */
            if (cfg->dflt)
                return ld_error_set(err, LD_ERR_CORRUPT,
                                    "%s: \"default-docker\" is defined in \"%s\" already; "
                                    "containers/image refuses a section in two files",
                                    file, cfg->dflt->file);
            section *s = ld_xcalloc(1, sizeof(*s));
            s->file = ld_xstrdup(file);
            int rc = read_section(file, "default-docker", v, s, err);
            if (rc < 0) {
                section_clear(s);
                free(s);
                return rc;
            }
            if (*dflt) {
                section_clear(*dflt);
                free(*dflt);
            }
            *dflt = s;
        } else if (strcasecmp(k->value, "docker") == 0) {
            if (plain_null(v))
                continue;
            if (v->kind != LD_YAML_MAP)
                return ld_error_set(err, LD_ERR_CORRUPT,
                                    "%s: line %d: docker: must be a mapping of scopes, not a %s",
                                    file, v->line, ld_yaml_kind_name(v->kind));
            if (cfg->n + v->n > REGD_MAX_SCOPES)
                return ld_error_set(err, LD_ERR_LIMIT, "%s: more than %d docker scopes", file,
                                    REGD_MAX_SCOPES);
            for (size_t j = 0; j < v->n; j++) {
                const ld_yaml_node *sk = v->keys[j];
                if (sk->kind != LD_YAML_SCALAR)
                    return ld_error_set(err, LD_ERR_CORRUPT,
                                        "%s: line %d: docker: a scope must be a string", file,
                                        sk->line);
                for (size_t e = 0; e < cfg->n; e++)
                    if (strcmp(cfg->v[e].scope, sk->value) == 0)
                        return ld_error_set(err, LD_ERR_CORRUPT,
                                            "%s: line %d: docker scope \"%.200s\" is defined in "
                                            "\"%s\" already; containers/image refuses a scope "
                                            "in two files",
                                            file, sk->line, sk->value, cfg->v[e].file);
                section s = {.scope = ld_xstrdup(sk->value), .file = ld_xstrdup(file)};
                ld_autofree char *where = ld_xasprintf("docker[\"%.200s\"]", sk->value);
                int rc = read_section(file, where, v->items[j], &s, err);
                if (rc < 0) {
                    section_clear(&s);
                    return rc;
                }
                /* "docker" twice in one file (keys differing in case): Go
                 * decodes both into one map, the later entry wins */
                section *same = NULL;
                for (size_t e = 0; e < staged->n && !same; e++)
                    if (strcmp(staged->v[e].scope, s.scope) == 0)
                        same = &staged->v[e];
                if (same) {
                    section_clear(same);
                    *same = s;
                } else {
                    add_section(staged, &s);
                }
            }
        }
    }
    return 0;
}

int ld_cpol_regd_add(ld_cpol_regd *cfg, const char *name, const char *buf, size_t len,
                     ld_error *err)
{
    ld_yaml_options o = {
        .limits = {.max_bytes = REGD_MAX_FILE_BYTES, .max_depth = 32, .max_nodes = 200000},
        .max_documents = 64,
        .aliases = true,
        .tags = true,
    };
    ld_yaml_docs docs = {0};
    ld_error perr = LD_ERROR_INIT;
    if (len > REGD_MAX_FILE_BYTES)
        return ld_error_set(err, LD_ERR_LIMIT, "%s: larger than 1 MiB", name);
    if (ld_yaml_parse_stream(name, buf, len, &o, &docs, &perr) < 0)
        return ld_error_set(err, perr.code == LD_ERR_LIMIT ? LD_ERR_LIMIT : LD_ERR_CORRUPT, "%s",
                            perr.msg);
    /* yaml.Unmarshal reads the first document only */
    section *dflt = NULL;
    ld_cpol_regd staged = {0};
    int rc = docs.n ? read_document(cfg, name, docs.docs[0], &dflt, &staged, err) : 0;
    /* within one file the YAML parser refuses a repeated key, so staged
     * scopes are distinct; commit all or nothing */
    if (rc == 0) {
        if (dflt)
            cfg->dflt = ld_steal_ptr(&dflt);
        for (size_t i = 0; i < staged.n; i++)
            add_section(cfg, &staged.v[i]);
        staged.n = 0;
    }
    if (dflt) {
        section_clear(dflt);
        free(dflt);
    }
    for (size_t i = 0; i < staged.n; i++)
        section_clear(&staged.v[i]);
    free(staged.v);
    ld_yaml_docs_clear(&docs);
    return rc;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int ld_cpol_regd_load(const char *dir, ld_cpol_regd **out, ld_error *err)
{
    *out = NULL;
    if (!dir)
        dir = REGD_DEFAULT_DIR;
    ld_cpol_regd *cfg = ld_cpol_regd_new();
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT) {
            *out = cfg; /* no directory: no configuration */
            return 0;
        }
        int e = errno;
        ld_cpol_regd_free(cfg);
        return ld_error_set_errno(err, e == EACCES ? LD_ERR_INVALID : LD_ERR_GENERIC, e,
                                  "registries.d %s", dir);
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len < 5 || strcmp(de->d_name + len - 5, ".yaml") != 0)
            continue;
        if (n == REGD_MAX_FILES) {
            rc = ld_error_set(err, LD_ERR_LIMIT, "registries.d %s: more than %d .yaml files", dir,
                              REGD_MAX_FILES);
            break;
        }
        if (n == cap)
            ld_xgrow(&names, &cap, n + 1, sizeof(*names));
        names[n++] = ld_xstrdup(de->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), name_cmp);
    for (size_t i = 0; i < n && rc == 0; i++) {
        ld_autofree char *path = ld_xasprintf("%s/%s", dir, names[i]);
        char *text = NULL;
        size_t len = 0;
        rc = ld_input_read(path, "registries.d file", REGD_MAX_FILE_BYTES, &text, &len, err);
        if (rc == 0) {
            rc = ld_cpol_regd_add(cfg, path, text, len, err);
            free(text);
        }
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (rc < 0) {
        ld_cpol_regd_free(cfg);
        return rc;
    }
    *out = cfg;
    return 0;
}

static const section *find(const ld_cpol_regd *cfg, const char *scope)
{
    for (size_t i = 0; i < cfg->n; i++)
        if (strcmp(cfg->v[i].scope, scope) == 0)
            return &cfg->v[i];
    return NULL;
}

int ld_cpol_regd_resolve(const ld_cpol_regd *cfg, const char *ref, ld_cpol_registries_d *out,
                         ld_error *err)
{
    memset(out, 0, sizeof(*out));
    ld_cpol_ref r;
    if (ld_cpol_ref_parse(ref, &r) < 0)
        return ld_error_set(err, LD_ERR_INVALID,
                            "registries.d: \"%.200s\" is not an image "
                            "reference",
                            ref ? ref : "");
    char **scopes = NULL;
    size_t ns = ld_cpol_ref_scopes(&r, &scopes);
    ld_cpol_ref_clear(&r);
    const section *use_from = NULL, *lookaside_from = NULL;
    for (size_t i = 0; i < ns; i++) {
        const section *s = find(cfg, scopes[i]);
        if (s && s->has_use && !use_from)
            use_from = s;
        if (s && s->lookaside && !lookaside_from)
            lookaside_from = s;
    }
    for (size_t i = 0; i < ns; i++)
        free(scopes[i]);
    free(scopes);
    if (!use_from && cfg->dflt && cfg->dflt->has_use)
        use_from = cfg->dflt;
    if (!lookaside_from && cfg->dflt && cfg->dflt->lookaside)
        lookaside_from = cfg->dflt;
    out->use_sigstore_attachments = use_from && use_from->use;
    out->lookaside = lookaside_from ? ld_xstrdup(lookaside_from->lookaside) : NULL;
    const section *source = use_from ? use_from : lookaside_from;
    out->source = source ? ld_xstrdup(source->file) : NULL;
    return 0;
}

int ld_cpol_registries_d_lookup(const char *dir, const char *ref, ld_cpol_registries_d *out,
                                ld_error *err)
{
    memset(out, 0, sizeof(*out));
    ld_cpol_regd *cfg = NULL;
    int rc = ld_cpol_regd_load(dir, &cfg, err);
    if (rc < 0)
        return rc;
    rc = ld_cpol_regd_resolve(cfg, ref, out, err);
    ld_cpol_regd_free(cfg);
    return rc;
}
