/* The Kubernetes object set: loading manifests (files, directories, stdin,
 * multi-document YAML, JSON, `List` kinds and `kubectl get -o yaml|json`
 * output), recording what could not be read, and the typed accessors that
 * decode values as the API server would. See manifest.h. Not for judging
 * objects (the check families) nor for the API client (it adopts trees). */
#include "k8s/manifest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/input_file.h"
#include "util/mem.h"

#define DEFAULT_MAX_FILE_BYTES ((size_t)256 << 20)
#define DEFAULT_MAX_OBJECTS ((size_t)1000000)
#define DEFAULT_MAX_FILES ((size_t)100000)
#define DEFAULT_MAX_DIR_DEPTH 64
/* Nesting of one manifest: CRD schemas are the deepest real objects (a
 * few dozen levels). */
#define MANIFEST_MAX_DEPTH 128
/* A List nested in a List: kubectl never does it; one level more is
 * tolerated, then it is refused. */
#define MAX_LIST_NESTING 4
/* The API server refuses a request over 3 MiB and etcd stores at most
 * 1.5 MiB per object: no real manifest holds a longer value. */
#define MANIFEST_MAX_VALUE ((size_t)8 << 20)
#define INPUTS_LABEL_MAX 3 /* inputs named in the label, then "and N more" */

struct ld_k8s_set {
    ld_k8s_limits lim;
    ld_k8s_object **objs;
    size_t n, cap;
    ld_yaml_docs docs;      /* every tree loaded from text */
    ld_yaml_node **adopted; /* trees adopted from elsewhere */
    size_t n_adopted, adopted_cap;
    ld_strlist strings; /* file names and derived kinds the objects point at */
    ld_strlist unread;
    ld_strlist notes;
    ld_strlist inputs; /* the inputs as given */
    char *inputs_label;
    size_t files;
    size_t files_walked; /* manifest files met in directories */
    bool full;           /* max_objects reached */
};

ld_k8s_set *ld_k8s_set_new(const ld_k8s_limits *limits)
{
    ld_k8s_set *s = ld_xcalloc(1, sizeof(*s));
    s->lim.max_file_bytes =
        limits && limits->max_file_bytes ? limits->max_file_bytes : DEFAULT_MAX_FILE_BYTES;
    s->lim.max_objects = limits && limits->max_objects ? limits->max_objects : DEFAULT_MAX_OBJECTS;
    s->lim.max_files = limits && limits->max_files ? limits->max_files : DEFAULT_MAX_FILES;
    s->lim.max_dir_depth =
        limits && limits->max_dir_depth > 0 ? limits->max_dir_depth : DEFAULT_MAX_DIR_DEPTH;
    return s;
}

void ld_k8s_set_free(ld_k8s_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->objs[i]);
    free(s->objs);
    ld_yaml_docs_clear(&s->docs);
    for (size_t i = 0; i < s->n_adopted; i++)
        ld_yaml_free(s->adopted[i]);
    free(s->adopted);
    ld_strlist_clear(&s->strings);
    ld_strlist_clear(&s->unread);
    ld_strlist_clear(&s->notes);
    ld_strlist_clear(&s->inputs);
    free(s->inputs_label);
    free(s);
}

size_t ld_k8s_set_count(const ld_k8s_set *s)
{
    return s ? s->n : 0;
}

const ld_k8s_object *ld_k8s_set_object(const ld_k8s_set *s, size_t i)
{
    return s && i < s->n ? s->objs[i] : NULL;
}

const ld_strlist *ld_k8s_set_unread(const ld_k8s_set *s)
{
    return &s->unread;
}

const ld_strlist *ld_k8s_set_notes(const ld_k8s_set *s)
{
    return &s->notes;
}

size_t ld_k8s_set_files(const ld_k8s_set *s)
{
    return s ? s->files : 0;
}

/* A string that lives as long as the set. */
static const char *keep(ld_k8s_set *s, const char *str)
{
    ld_strlist_push(&s->strings, str);
    return s->strings.v[s->strings.n - 1];
}

/* Records an input as given and remakes the label of the inputs now, so
 * reading the set never writes to it (families read it in several
 * threads). */
static void record_input(ld_k8s_set *s, const char *name)
{
    if (ld_strlist_contains(&s->inputs, name))
        return;
    ld_strlist_push(&s->inputs, name);
    free(s->inputs_label);
    s->inputs_label = ld_strlist_join_max(&s->inputs, ", ", INPUTS_LABEL_MAX);
}

const char *ld_k8s_set_inputs(const ld_k8s_set *s)
{
    return s->inputs_label ? s->inputs_label : "(no input)";
}

static void unread(ld_k8s_set *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void unread(ld_k8s_set *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ld_strlist_push_owned(&s->unread, ld_xvasprintf(fmt, ap));
    va_end(ap);
}

static void note(ld_k8s_set *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(ld_k8s_set *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    /* each names its file: no two are the same, and a walk of 100,000
     * files must not compare each note with every other */
    ld_strlist_push_owned(&s->notes, ld_xvasprintf(fmt, ap));
    va_end(ap);
}

/* ---- objects out of documents ---- */

/* What one input's documents held that was not an object: counted and
 * reported once per input, not once per document. */
typedef struct {
    size_t not_object; /* maps without kind or apiVersion */
    int not_object_line;
    size_t not_map; /* lists and scalars */
    int not_map_line;
    size_t client_config; /* kustomize's own files: never applied to a cluster */
    int client_config_line;
    size_t objects;
} doc_tally;

static int add_object(ld_k8s_set *s, const char *file, int line, const ld_yaml_node *root,
                      const char *api_version, const char *kind, doc_tally *t, ld_error *err)
{
    if (s->n >= s->lim.max_objects) {
        if (!s->full)
            unread(s, "%s: more than %zu Kubernetes objects in the inputs; the rest were not read",
                   file, s->lim.max_objects);
        s->full = true;
        return ld_error_set(err, LD_ERR_LIMIT, "%s: more than %zu Kubernetes objects", file,
                            s->lim.max_objects);
    }
    ld_k8s_object *o = ld_xcalloc(1, sizeof(*o));
    o->file = file;
    o->line = line;
    o->root = root;
    o->api_version = api_version;
    o->kind = kind;
    const ld_yaml_node *meta = ld_k8s_at(root, "metadata");
    const char *name = ld_k8s_str(ld_yaml_get(meta, "name"));
    if (!name || !name[0])
        name = ld_k8s_str(ld_yaml_get(meta, "generateName"));
    o->name = name ? name : "";
    const char *ns = ld_k8s_str(ld_yaml_get(meta, "namespace"));
    o->namespace_ = ns && ns[0] ? ns : NULL;
    ld_xgrow(&s->objs, &s->cap, s->n + 1, sizeof(*s->objs));
    s->objs[s->n++] = o;
    t->objects++;
    return 0;
}

/* "List", "PodList", ...: kubectl's and the API's list kinds. */
static bool is_list_kind(const char *kind)
{
    size_t n = strlen(kind);
    return n >= 4 && strcmp(kind + n - 4, "List") == 0;
}

/* Adds the object doc is, or the items of the List it is. line_of: whether
 * lines are meaningful (0 for adopted API trees). */
static int take_document(ld_k8s_set *s, const char *file, const ld_yaml_node *doc, bool lines,
                         const char *list_kind, const char *list_api, int nesting, doc_tally *t,
                         ld_error *err)
{
    if (doc->kind != LD_YAML_MAP) {
        if (ld_k8s_is_null(doc))
            return 0; /* an empty document: "---" at the end of rendered output */
        if (!t->not_map++)
            t->not_map_line = doc->line;
        return 0;
    }
    const char *kind = ld_k8s_str(ld_yaml_get(doc, "kind"));
    const char *api = ld_k8s_str(ld_yaml_get(doc, "apiVersion"));
    /* the items of an API list response carry neither: they are of the
     * list's kind (PodList -> Pod) and group */
    if (list_kind && !kind && !api) {
        kind = list_kind;
        api = list_api;
    }
    const ld_yaml_node *items = ld_yaml_get(doc, "items");
    bool list = kind && is_list_kind(kind) && (ld_k8s_is_null(items) || items->kind == LD_YAML_SEQ);
    if (list) {
        if (nesting >= MAX_LIST_NESTING) {
            return ld_error_set(err, LD_ERR_CORRUPT,
                                "%s: line %d: a List nested more than %d levels deep", file,
                                doc->line, MAX_LIST_NESTING);
        }
        if (ld_k8s_is_null(items))
            return 0;
        const char *item_kind = NULL;
        if (strcmp(kind, "List") != 0) { /* "PodList": its items are Pods */
            char *k = ld_xstrndup(kind, strlen(kind) - 4);
            ld_strlist_push_owned(&s->strings, k);
            item_kind = k;
        }
        for (size_t i = 0; i < items->n; i++) {
            int rc = take_document(s, file, items->items[i], lines, item_kind, api ? api : "",
                                   nesting + 1, t, err);
            if (rc < 0)
                return rc;
        }
        return 0;
    }
    if (!kind || !kind[0] || !api || !api[0]) {
        if (!t->not_object++)
            t->not_object_line = doc->line;
        return 0;
    }
    /* Kustomization and Component configure kustomize on the client; the
     * API server never sees them, so no workload or namespace rule applies */
    if (strncmp(api, "kustomize.config.k8s.io/", strlen("kustomize.config.k8s.io/")) == 0) {
        if (!t->client_config++)
            t->client_config_line = doc->line;
        return 0;
    }
    return add_object(s, file, lines ? doc->line : 0, doc, api, kind, t, err);
}

static void report_tally(ld_k8s_set *s, const char *file, const doc_tally *t)
{
    if (t->not_object)
        note(s, "%s: %zu document%s without kind or apiVersion skipped (not Kubernetes objects; "
                "first at line %d)",
             file, t->not_object, t->not_object == 1 ? "" : "s", t->not_object_line);
    if (t->client_config)
        note(s, "%s: %zu kustomize configuration document%s skipped (kustomize.config.k8s.io: "
                "read by kustomize, never applied to a cluster; first at line %d)",
             file, t->client_config, t->client_config == 1 ? "" : "s", t->client_config_line);
    if (t->not_map)
        note(s, "%s: %zu document%s that %s not a mapping skipped (first at line %d)", file,
             t->not_map, t->not_map == 1 ? "" : "s", t->not_map == 1 ? "is" : "are",
             t->not_map_line);
}

static ld_yaml_options parse_options(const ld_k8s_set *s)
{
    size_t nodes = s->lim.max_file_bytes / 8;
    if (nodes < 1000000)
        nodes = 1000000;
    ld_yaml_options o = {
        .limits = {.max_bytes = s->lim.max_file_bytes,
                   .max_depth = MANIFEST_MAX_DEPTH,
                   .max_nodes = nodes},
        .max_scalar_bytes = MANIFEST_MAX_VALUE,
        .max_documents = s->lim.max_objects + 1,
        .aliases = true,
        .tags = true,
        .json = true,
    };
    return o;
}

/* A hint for the usual reason a manifest does not parse. */
static const char *template_hint(const char *buf, size_t len)
{
    return memmem(buf, len, "{{", 2) ? " (a Helm or Go template? render it first, e.g. with "
                                       "'helm template')"
                                     : "";
}

/* Adds the objects of one input's text (see ld_k8s_load_buffer). */
static int load_text(ld_k8s_set *s, const char *name, const char *buf, size_t len,
                     ld_error *err)
{
    const char *file = keep(s, name);
    /* a binary file says so in its first bytes (the parsers refuse a NUL
     * anywhere; this only makes their message clearer) */
    if (len && memchr(buf, '\0', len < 8192 ? len : 8192))
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "%s: contains a NUL byte; not a YAML or JSON text file", file);
    ld_yaml_options o = parse_options(s);
    ld_yaml_docs docs = {0};
    ld_error perr = LD_ERROR_INIT;
    if (ld_yaml_parse_stream(file, buf, len, &o, &docs, &perr) < 0) {
        const char *hint = template_hint(buf, len);
        int code = perr.code;
        if (code == LD_ERR_CORRUPT && hint[0])
            ld_error_set(err, code, "%s%s", perr.msg, hint);
        else if (err)
            *err = perr;
        return code;
    }
    doc_tally t = {0};
    int rc = 0;
    for (size_t i = 0; i < docs.n && rc == 0; i++)
        rc = take_document(s, file, docs.docs[i], true, NULL, NULL, 0, &t, err);
    ld_yaml_docs_move(&s->docs, &docs);
    report_tally(s, file, &t);
    if (rc == 0 && t.objects == 0 && !t.not_object && !t.not_map)
        note(s, "%s: no Kubernetes object in it", file);
    return rc;
}

int ld_k8s_load_buffer(ld_k8s_set *s, const char *name, const char *buf, size_t len,
                       ld_error *err)
{
    name = name ? name : "<input>";
    record_input(s, name);
    return load_text(s, name, buf, len, err);
}

int ld_k8s_set_adopt(ld_k8s_set *s, const char *file, ld_yaml_node *root, ld_error *err)
{
    file = keep(s, file ? file : "<api>");
    record_input(s, file);
    ld_xgrow(&s->adopted, &s->adopted_cap, s->n_adopted + 1, sizeof(*s->adopted));
    s->adopted[s->n_adopted++] = root;
    s->files++;
    doc_tally t = {0};
    int rc = take_document(s, file, root, false, NULL, NULL, 0, &t, err);
    report_tally(s, file, &t);
    return rc;
}

void ld_k8s_set_add_unread(ld_k8s_set *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ld_strlist_push_owned(&s->unread, ld_xvasprintf(fmt, ap));
    va_end(ap);
}

void ld_k8s_set_add_note(ld_k8s_set *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = ld_xvasprintf(fmt, ap);
    va_end(ap);
    note(s, "%s", msg);
    free(msg);
}

/* ---- files and directories ---- */

#define HUGE_PAGE ((size_t)2 << 20)

/* Reads fd (a regular file, a pipe, a terminal) to the end, at most max
 * bytes. A large regular file is read into memory advised as huge pages:
 * one fault per 4 KiB of a cluster dump costs more than its parse. */
static int read_all(int fd, const char *path, size_t max, char **out, size_t *len, ld_error *err)
{
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t)(4 * HUGE_PAGE) ||
        (uint64_t)st.st_size >= max)
        return ld_input_read_fd(fd, path, "manifest", max, out, len, err);
    size_t size = (size_t)st.st_size;
    size_t cap = (size + 1 + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    char *buf = aligned_alloc(HUGE_PAGE, cap);
    if (!buf)
        return ld_input_read_fd(fd, path, "manifest", max, out, len, err);
#ifdef MADV_HUGEPAGE
    (void)madvise(buf, cap, MADV_HUGEPAGE);
#endif
    size_t n = 0;
    for (;;) {
        if (n == cap - 1) { /* the file grew while it was read */
            free(buf);
            if (lseek(fd, 0, SEEK_SET) < 0)
                return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "%s: cannot read", path);
            return ld_input_read_fd(fd, path, "manifest", max, out, len, err);
        }
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            return ld_error_set_errno(err, LD_ERR_GENERIC, e, "%s: cannot read manifest", path);
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

/* Loads an opened input: failures to read or parse become unread
 * entries. */
static void load_fd(ld_k8s_set *s, int fd, const char *path)
{
    ld_autofree char *buf = NULL;
    size_t len = 0;
    ld_error err = LD_ERROR_INIT;
    if (read_all(fd, path, s->lim.max_file_bytes, &buf, &len, &err) < 0) {
        unread(s, "%s", err.msg);
        return;
    }
    s->files++;
    if (load_text(s, path, buf, len, &err) < 0 && !s->full)
        unread(s, "%s", err.msg);
}

static bool manifest_name(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
           (n > 4 && strcmp(name + n - 4, ".yml") == 0) ||
           (n > 5 && strcmp(name + n - 5, ".json") == 0);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct {
    ld_k8s_set *s;
    bool stopped;
} walk_state;

/* Walks the directory open at dfd (path names it), depth levels below the
 * input. Symbolic links are never followed (noted), hidden entries are
 * skipped, entries are visited in name order. Takes dfd. */
static void walk_dir(walk_state *w, int dfd, const char *path, int depth)
{
    ld_k8s_set *s = w->s;
    DIR *d = fdopendir(dfd);
    if (!d) {
        unread(s, "%s: cannot read the directory: %s", path, strerror(errno));
        close(dfd);
        return;
    }
    ld_strlist names = {0};
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (!e) {
            if (errno)
                unread(s, "%s: cannot read the directory: %s", path, strerror(errno));
            break;
        }
        if (e->d_name[0] == '.')
            continue; /* ".", "..", and hidden entries */
        if (names.n >= s->lim.max_files * 10) {
            unread(s, "%s: more than %zu entries; the rest were not read", path,
                   s->lim.max_files);
            break;
        }
        ld_strlist_push(&names, e->d_name);
    }
    if (names.n > 1)
        qsort(names.v, names.n, sizeof(*names.v), compare_names);
    for (size_t i = 0; i < names.n && !w->stopped; i++) {
        const char *name = names.v[i];
        ld_autofree char *child = ld_xasprintf("%s%s%s", path,
                                               path[strlen(path) - 1] == '/' ? "" : "/", name);
        struct stat st;
        if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            unread(s, "%s: %s", child, strerror(errno));
            continue;
        }
        if (S_ISLNK(st.st_mode)) {
            note(s, "%s: symbolic link not followed", child);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            if (depth + 1 > s->lim.max_dir_depth) {
                unread(s, "%s: directories nested deeper than %d levels; not read", child,
                       s->lim.max_dir_depth);
                continue;
            }
            int cfd = openat(dirfd(d), name,
                             O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
            if (cfd < 0) {
                unread(s, "%s: cannot open the directory: %s", child, strerror(errno));
                continue;
            }
            walk_dir(w, cfd, child, depth + 1);
            continue;
        }
        if (!manifest_name(name))
            continue;
        if (!S_ISREG(st.st_mode)) {
            note(s, "%s: %s, not a regular file; not read", child, ld_file_kind(st.st_mode));
            continue;
        }
        if (++s->files_walked > s->lim.max_files) {
            unread(s, "%s: more than %zu manifest files; the rest were not read", path,
                   s->lim.max_files);
            w->stopped = true;
            break;
        }
        /* O_NONBLOCK: whatever replaced the file since fstatat cannot block
         * open; fstat again on the fd decides */
        int fd = openat(dirfd(d), name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
        if (fd < 0) {
            unread(s, "%s: cannot open: %s", child, strerror(errno));
            continue;
        }
        struct stat fst;
        if (fstat(fd, &fst) < 0 || !S_ISREG(fst.st_mode)) {
            note(s, "%s: not a regular file; not read", child);
            close(fd);
            continue;
        }
        int fl = fcntl(fd, F_GETFL);
        if (fl >= 0)
            (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
        load_fd(s, fd, child);
        close(fd);
    }
    ld_strlist_clear(&names);
    closedir(d);
}

int ld_k8s_load_path(ld_k8s_set *s, const char *path, ld_error *err)
{
    record_input(s, path);
    if (strcmp(path, "-") == 0) {
        load_fd(s, STDIN_FILENO, "-");
        return 0;
    }
    /* the path itself is followed (the user named it); what is under it is
     * not. O_NONBLOCK so that a FIFO without a writer cannot block open. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return ld_error_set_errno(err, errno == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_INVALID, errno,
                                  "%s: cannot open", path);
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return ld_error_set_errno(err, LD_ERR_GENERIC, e, "%s: cannot stat", path);
    }
    if (S_ISDIR(st.st_mode)) {
        walk_state w = {.s = s};
        walk_dir(&w, fd, path, 0);
        return 0;
    }
    /* a device reads forever (/dev/zero) or is nothing (/dev/null) */
    if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
        close(fd);
        return ld_error_set(err, LD_ERR_INVALID,
                            "%s: is %s, not a manifest file or directory (use - for standard "
                            "input)",
                            path, ld_file_kind(st.st_mode));
    }
    /* a pipe named on the command line (<(kubectl get ...)) is read like
     * stdin: to its end */
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    load_fd(s, fd, path);
    close(fd);
    return 0;
}

/* ---- typed access ---- */

bool ld_k8s_is_null(const ld_yaml_node *n)
{
    if (!n)
        return true;
    if (n->kind != LD_YAML_SCALAR)
        return false;
    if (n->tag == LD_YAML_TAG_NULL)
        return true;
    return !n->quoted && ld_yaml_text_is_null(n->value);
}

const ld_yaml_node *ld_k8s_at(const ld_yaml_node *n, const char *dotted)
{
    if (!n || !dotted)
        return NULL;
    const char *p = dotted;
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (n->kind != LD_YAML_MAP)
            return NULL;
        const ld_yaml_node *next = NULL;
        for (size_t i = 0; i < n->n; i++) {
            const char *k = n->keys[i]->value;
            if (strncmp(k, p, len) == 0 && k[len] == '\0') {
                next = n->items[i];
                break;
            }
        }
        if (!next || ld_k8s_is_null(next))
            return NULL;
        n = next;
        p += len;
        if (*p == '.')
            p++;
    }
    return n;
}

bool ld_k8s_bool(const ld_yaml_node *n, bool *out)
{
    if (!n || n->kind != LD_YAML_SCALAR || n->quoted || ld_k8s_is_null(n))
        return false;
    if (n->tag != LD_YAML_TAG_NONE && n->tag != LD_YAML_TAG_BOOL)
        return false;
    return ld_yaml_text_bool(n->value, out);
}

bool ld_k8s_int(const ld_yaml_node *n, long long *out)
{
    if (!n || n->kind != LD_YAML_SCALAR || n->quoted || ld_k8s_is_null(n))
        return false;
    if (n->tag != LD_YAML_TAG_NONE && n->tag != LD_YAML_TAG_INT)
        return false;
    return ld_yaml_text_int(n->value, out);
}

const char *ld_k8s_str(const ld_yaml_node *n)
{
    if (!n || n->kind != LD_YAML_SCALAR || ld_k8s_is_null(n))
        return NULL;
    return n->value;
}

const char *ld_k8s_meta_label(const ld_yaml_node *metadata, const char *key)
{
    return ld_k8s_str(ld_yaml_get(ld_k8s_at(metadata, "labels"), key));
}

const char *ld_k8s_meta_annotation(const ld_yaml_node *metadata, const char *key)
{
    return ld_k8s_str(ld_yaml_get(ld_k8s_at(metadata, "annotations"), key));
}

const char *ld_k8s_label(const ld_k8s_object *o, const char *key)
{
    return o ? ld_k8s_meta_label(ld_k8s_at(o->root, "metadata"), key) : NULL;
}

const char *ld_k8s_annotation(const ld_k8s_object *o, const char *key)
{
    return o ? ld_k8s_meta_annotation(ld_k8s_at(o->root, "metadata"), key) : NULL;
}

/* Kinds the API server keeps outside namespaces (kubectl api-resources
 * --namespaced=false, core and common groups). */
static const char *const cluster_scoped_kinds[] = {
    "APIService",
    "CertificateSigningRequest",
    "ClusterRole",
    "ClusterRoleBinding",
    "ClusterTrustBundle",
    "ComponentStatus",
    "CSIDriver",
    "CSINode",
    "CustomResourceDefinition",
    "DeviceClass",
    "FlowSchema",
    "IngressClass",
    "IPAddress",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PodSecurityPolicy",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "ResourceSlice",
    "RuntimeClass",
    "SelfSubjectAccessReview",
    "SelfSubjectReview",
    "SelfSubjectRulesReview",
    "ServiceCIDR",
    "StorageClass",
    "StorageVersion",
    "StorageVersionMigration",
    "SubjectAccessReview",
    "TokenReview",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
    "VolumeAttributesClass",
    NULL,
};

static bool cluster_scoped(const char *kind)
{
    for (const char *const *k = cluster_scoped_kinds; *k; k++)
        if (strcmp(*k, kind) == 0)
            return true;
    return false;
}

const char *ld_k8s_namespace(const ld_k8s_object *o)
{
    if (!o || cluster_scoped(o->kind))
        return NULL;
    return o->namespace_ ? o->namespace_ : "default";
}

char *ld_k8s_object_id(const ld_k8s_object *o)
{
    const char *name = o->name && o->name[0] ? o->name : "(unnamed)";
    const char *kind = o->kind && o->kind[0] ? o->kind : "(no kind)";
    const char *ns = ld_k8s_namespace(o);
    return ns ? ld_xasprintf("%s/%s/%s", kind, ns, name) : ld_xasprintf("%s/%s", kind, name);
}

int ld_k8s_load_named(ld_k8s_set *s, const char *path, ld_error *err)
{
    size_t before = ld_k8s_set_unread(s)->n;
    if (ld_k8s_load_path(s, path, err) < 0)
        return -1;
    struct stat st;
    bool dir = strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
    const ld_strlist *unread = ld_k8s_set_unread(s);
    if (!dir && unread->n > before)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s", unread->v[before]);
    return 0;
}
