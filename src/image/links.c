/* Links, followed inside the image's own root, and the gaps the reader
 * records when it cannot see something. One resolver serves every source:
 * it walks a path component by component through a lookup the source
 * provides (the final index of a layered image, openat(O_NOFOLLOW) under a
 * dir: root), splicing in symlink targets as the kernel does in a chroot
 * at the image's root (absolute targets from the root, ".." never above
 * it, at most LD_IMG_LINK_HOPS links). The planner decides which links
 * each analyzer gets content through, and turns every link it cannot
 * follow into a gap; fetching the content is the source's part (image.c
 * reads the target layers again, dir_source.c opens the file). Not for
 * following links while streaming (a link's target may come in any
 * layer) or for anything outside the image. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image/image_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"

/* ---- gaps --------------------------------------------------------------- */

static bool same_analyzer(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

void ld_gap_add(ld_gap_list *l, ld_gap_kind kind, const char *path, int layer, const char *analyzer,
                bool subtree, char *text)
{
    if (l->n >= LD_IMG_MAX_GAPS) {
        free(text);
        for (size_t i = 0; i < l->n_dropped; i++)
            if (same_analyzer(l->dropped[i].analyzer, analyzer)) {
                l->dropped[i].n++;
                return;
            }
        l->dropped = ld_xrealloc(l->dropped, (l->n_dropped + 1) * sizeof(*l->dropped));
        l->dropped[l->n_dropped++] = (struct ld_gap_tally){ld_xstrdup(analyzer), 1};
        return;
    }
    ld_xgrow(&l->v, &l->cap, l->n + 1, sizeof(*l->v));
    l->v[l->n++] = (ld_image_gap){.path = ld_xstrdup(path),
                                  .layer = layer,
                                  .kind = kind,
                                  .subtree = subtree,
                                  .analyzer = ld_xstrdup(analyzer),
                                  .text = text};
}

void ld_gap_list_move(ld_gap_list *dst, ld_gap_list *src)
{
    for (size_t i = 0; i < src->n; i++) {
        ld_image_gap *g = &src->v[i];
        ld_gap_add(dst, g->kind, g->path, g->layer, g->analyzer, g->subtree,
                   ld_steal_ptr(&g->text));
    }
    for (size_t i = 0; i < src->n_dropped; i++) {
        struct ld_gap_tally *t = &src->dropped[i];
        size_t j = 0;
        while (j < dst->n_dropped && !same_analyzer(dst->dropped[j].analyzer, t->analyzer))
            j++;
        if (j == dst->n_dropped) {
            dst->dropped = ld_xrealloc(dst->dropped, (j + 1) * sizeof(*dst->dropped));
            dst->dropped[dst->n_dropped++] = (struct ld_gap_tally){ld_steal_ptr(&t->analyzer), 0};
        }
        dst->dropped[j].n += t->n;
    }
    ld_gap_list_clear(src);
}

static int cmp_gap(const void *va, const void *vb)
{
    const ld_image_gap *a = va, *b = vb;
    int r = strcmp(a->path, b->path);
    if (!r)
        r = (a->layer > b->layer) - (a->layer < b->layer);
    if (!r)
        r = (a->analyzer != NULL) - (b->analyzer != NULL);
    if (!r && a->analyzer && b->analyzer)
        r = strcmp(a->analyzer, b->analyzer);
    if (!r)
        r = strcmp(a->text, b->text);
    return r;
}

void ld_gap_list_sort(ld_gap_list *l)
{
    if (l->n > 1)
        qsort(l->v, l->n, sizeof(*l->v), cmp_gap);
}

void ld_gap_list_clear(ld_gap_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].path);
        free(l->v[i].analyzer);
        free(l->v[i].text);
    }
    free(l->v);
    for (size_t i = 0; i < l->n_dropped; i++)
        free(l->dropped[i].analyzer);
    free(l->dropped);
    memset(l, 0, sizeof(*l));
}

ld_gap_kind ld_gap_kind_of_errno(int e)
{
    switch (e) {
    case EACCES:
    case EPERM: return LD_GAP_PERMISSION;
    case ELOOP: return LD_GAP_LINK;
    case ENAMETOOLONG: return LD_GAP_DEPTH;
    default: return LD_GAP_READ;
    }
}

const char *ld_image_gap_kind_name(ld_gap_kind k)
{
    switch (k) {
    case LD_GAP_SIZE: return "size";
    case LD_GAP_DEPTH: return "depth";
    case LD_GAP_PERMISSION: return "permission";
    case LD_GAP_LINK: return "link";
    case LD_GAP_READ: return "read";
    }
    return "read";
}

/* ---- the resolver -------------------------------------------------------- */

/* rest may grow by one link target (at most LD_IMG_MAX_PATH) per hop */
#define REST_MAX ((size_t)(LD_IMG_LINK_HOPS + 2) * (LD_IMG_MAX_PATH + 1))

static ld_resolve_status stop(ld_link_result *out, ld_resolve_status st, const char *path,
                              size_t len)
{
    out->status = st;
    out->path = len ? ld_xstrndup(path, len) : ld_xstrdup("/");
    return st;
}

ld_resolve_status ld_img_resolve(const char *path, ld_link_lookup_fn lookup, void *ctx,
                                 unsigned max_hops, uint64_t *budget, ld_link_result *out)
{
    memset(out, 0, sizeof(*out));
    out->layer = -1;
    /* cur[0..cl): the directory reached so far ("" is the root), no link in it */
    ld_autofree char *cur = ld_xmalloc(LD_IMG_MAX_PATH + 2);
    size_t cl = 0;
    /* what is left to walk, from pos */
    ld_autofree char *rest = ld_xstrdup(path);
    size_t pos = 0;
    for (;;) {
        while (rest[pos] == '/')
            pos++;
        if (!rest[pos]) { /* ends at the directory reached */
            out->type = LD_FILE_DIR;
            return stop(out, LD_RESOLVE_NOT_FILE, cur, cl);
        }
        const char *name = rest + pos;
        size_t nl = strcspn(name, "/");
        size_t after = pos + nl;
        while (rest[after] == '/')
            after++;
        bool last = rest[after] == '\0';
        pos = after;
        if (nl == 1 && name[0] == '.')
            continue;
        if (nl == 2 && name[0] == '.' && name[1] == '.') {
            while (cl > 0 && cur[cl - 1] != '/')
                cl--;
            if (cl > 0)
                cl--; /* the '/' before the last component */
            continue;
        }
        if (cl + 1 + nl > LD_IMG_MAX_PATH)
            return stop(out, LD_RESOLVE_TOO_LONG, cur, cl);
        size_t prev = cl;
        cur[cl] = '/';
        memcpy(cur + cl + 1, name, nl);
        cl += 1 + nl;
        cur[cl] = '\0';
        if (budget) {
            if (*budget == 0)
                return stop(out, LD_RESOLVE_BUDGET, cur, cl);
            (*budget)--;
        }
        ld_link_node nd = {.kind = LD_NODE_MISSING, .layer = -1};
        lookup(ctx, cur, &nd);
        switch (nd.kind) {
        case LD_NODE_MISSING: return stop(out, LD_RESOLVE_MISSING, cur, cl);
        case LD_NODE_ERROR: out->err = nd.err; return stop(out, LD_RESOLVE_ERROR, cur, cl);
        case LD_NODE_DIR:
            if (last) {
                out->type = LD_FILE_DIR;
                return stop(out, LD_RESOLVE_NOT_FILE, cur, cl);
            }
            break;
        case LD_NODE_FILE:
            if (!last)
                return stop(out, LD_RESOLVE_NOT_DIR, cur, cl);
            out->content = ld_xstrdup(nd.content ? nd.content : cur);
            out->layer = nd.layer;
            out->size = nd.size;
            return stop(out, LD_RESOLVE_OK, cur, cl);
        case LD_NODE_OTHER:
            if (!last) /* the kernel: ENOTDIR */
                return stop(out, LD_RESOLVE_NOT_DIR, cur, cl);
            out->type = nd.type;
            return stop(out, LD_RESOLVE_NOT_FILE, cur, cl);
        case LD_NODE_SYMLINK: {
            if (++out->hops > max_hops)
                return stop(out, LD_RESOLVE_LOOP, cur, cl);
            const char *t = nd.link ? nd.link : "";
            if (!out->link)
                out->link = ld_xstrdup(t);
            if (!*t) /* an empty target: ENOENT */
                return stop(out, LD_RESOLVE_MISSING, cur, cl);
            size_t tl = strlen(t), rl = last ? 0 : strlen(rest + after);
            if (tl + 1 + rl > REST_MAX)
                return stop(out, LD_RESOLVE_TOO_LONG, cur, cl);
            char *next = ld_xmalloc(tl + 1 + rl + 1);
            memcpy(next, t, tl);
            next[tl] = '/';
            memcpy(next + tl + 1, rest + after, rl + 1);
            free(rest);
            rest = next;
            pos = 0;
            /* the link's own name is no directory on the way */
            cl = t[0] == '/' ? 0 : prev;
            cur[cl] = '\0';
            break;
        }
        }
    }
}

void ld_link_result_clear(ld_link_result *r)
{
    free(r->path);
    free(r->content);
    free(r->link);
    memset(r, 0, sizeof(*r));
}

static const char *type_word(ld_file_type t)
{
    switch (t) {
    case LD_FILE_DIR: return "a directory";
    case LD_FILE_CHAR: return "a character device";
    case LD_FILE_BLOCK: return "a block device";
    case LD_FILE_FIFO: return "a FIFO";
    case LD_FILE_SOCKET: return "a socket";
    default: return "not a regular file";
    }
}

char *ld_link_result_text(const ld_link_result *r)
{
    const char *p = r->path ? r->path : "/";
    switch (r->status) {
    case LD_RESOLVE_OK: return ld_xasprintf("leads to %.200s", p);
    case LD_RESOLVE_MISSING: return ld_xasprintf("%.200s does not exist in the image", p);
    case LD_RESOLVE_NOT_DIR: return ld_xasprintf("%.200s is not a directory", p);
    case LD_RESOLVE_NOT_FILE: return ld_xasprintf("it leads to %.200s, %s", p, type_word(r->type));
    case LD_RESOLVE_LOOP:
        return ld_xasprintf("more than %d symlinks on the way (a loop?), at %.200s",
                            LD_IMG_LINK_HOPS, p);
    case LD_RESOLVE_TOO_LONG:
        return ld_xasprintf("the path grows past %d bytes at %.200s", LD_IMG_MAX_PATH, p);
    case LD_RESOLVE_BUDGET:
        return ld_xasprintf("the image's links took more than %llu lookups; not followed",
                            (unsigned long long)LD_IMG_LINK_LOOKUPS);
    case LD_RESOLVE_ERROR: return ld_xasprintf("%.200s: %s", p, strerror(r->err));
    }
    return ld_xstrdup("cannot be followed");
}

/* ---- which analyzer takes which link ------------------------------------- */

#define MAX_NOTES 1000 /* about links; the gaps count every one */

bool ld_img_takes_link(const ld_analyzer *a, const char *path, const char *target, uint64_t size)
{
    if (!a->wants || !a->file)
        return false;
    if (a->wants_link)
        return a->wants_link(path, target, size, a->ctx);
    if (!target)
        return a->wants(path, 1, a->ctx);
    return a->wants(path, size, a->ctx) && !a->wants(target, size, a->ctx);
}

uint64_t ld_img_analyzer_cap(const ld_analyzer *a, const ld_img_opts *opt)
{
    uint64_t cap = a->max_bytes ? a->max_bytes : opt->max_file_bytes;
    return cap > opt->max_file_bytes ? opt->max_file_bytes : cap;
}

static bool in_files(const ld_file_entry *files, size_t n, const char *path)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(files[mid].path, path);
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* The resolution r of the link at path (layer; how is "a symlink to ..."):
 * a delivery for each analyzer in maybe[] that takes it, or a gap. */
static void offer(ld_link_plan *plan, const ld_analyzer *an, size_t n_an, const bool *maybe,
                  const char *path, int layer, const ld_link_result *r, const char *how, bool alias,
                  const ld_img_opts *opt)
{
    /* a link to a directory or a device is no file, as a directory at
     * that path would not be: nothing to read, nothing unseen (/bin ->
     * usr/bin); a consumer that needs a file there says so itself */
    if (r->status == LD_RESOLVE_NOT_FILE)
        return;
    if (r->status != LD_RESOLVE_OK) {
        ld_autofree char *why = ld_link_result_text(r);
        ld_gap_kind kind =
            r->status == LD_RESOLVE_ERROR ? ld_gap_kind_of_errno(r->err) : LD_GAP_LINK;
        /* "PATH: ..." would read as a key and its value to the secret
         * masker when PATH is /etc/passwd: "PATH is ..., and ..." */
        for (size_t i = 0; i < n_an; i++)
            if (maybe[i])
                ld_gap_add(&plan->gaps, kind, path, layer, an[i].name ? an[i].name : "?", false,
                           ld_xasprintf("%.200s is %s, and %s", path, how, why));
        /* the budget's note is said once: every later link meets it too */
        if (r->status == LD_RESOLVE_BUDGET && plan->budget_noted)
            return;
        plan->budget_noted |= r->status == LD_RESOLVE_BUDGET;
        if (plan->notes.n < MAX_NOTES)
            ld_strlist_push_owned(
                &plan->notes,
                r->status == LD_RESOLVE_BUDGET
                    ? ld_xasprintf("%s: %.200s and the links after it not followed", why, path)
                    : ld_xasprintf("%.200s is %s, and %s; not analysed", path, how, why));
        return;
    }
    bool noted = false;
    for (size_t i = 0; i < n_an; i++) {
        if (!maybe[i] || !ld_img_takes_link(&an[i], path, r->content, r->size))
            continue;
        uint64_t cap = ld_img_analyzer_cap(&an[i], opt);
        if (r->size > cap) {
            char *text = ld_xasprintf("%.200s is %s, and %.200s is %llu bytes, over the "
                                      "%llu-byte limit for analyzer %s",
                                      path, how, r->content, (unsigned long long)r->size,
                                      (unsigned long long)cap, an[i].name ? an[i].name : "?");
            if (!noted && plan->notes.n < MAX_NOTES)
                ld_strlist_push_owned(&plan->notes, ld_xasprintf("%s; not analysed", text));
            noted = true;
            ld_gap_add(&plan->gaps, LD_GAP_SIZE, path, layer, an[i].name ? an[i].name : "?", false,
                       text);
            continue;
        }
        ld_xgrow(&plan->v, &plan->cap, plan->n + 1, sizeof(*plan->v));
        plan->v[plan->n++] = (ld_link_delivery){.analyzer = i,
                                                .path = ld_xstrdup(path),
                                                .layer = alias ? r->layer : layer,
                                                .content = ld_xstrdup(r->content),
                                                .content_layer = r->layer,
                                                .size = r->size,
                                                .alias = alias};
    }
}

void ld_img_plan_links(const ld_file_entry *files, size_t n, ld_link_lookup_fn lookup, void *ctx,
                       const ld_analyzer *an, size_t n_an, const ld_img_opts *opt,
                       ld_link_plan *plan)
{
    memset(plan, 0, sizeof(*plan));
    if (!n_an)
        return;
    uint64_t budget = LD_IMG_LINK_LOOKUPS;
    ld_autofree bool *maybe = ld_xcalloc(n_an, sizeof(bool));
    for (size_t f = 0; f < n; f++) {
        const ld_file_entry *e = &files[f];
        if (e->type != LD_FILE_SYMLINK && e->type != LD_FILE_HARDLINK)
            continue;
        bool any = false;
        for (size_t i = 0; i < n_an; i++)
            any |= maybe[i] = ld_img_takes_link(&an[i], e->path, NULL, 0);
        if (!any)
            continue;
        ld_link_result r;
        ld_img_resolve(e->path, lookup, ctx, LD_IMG_LINK_HOPS, &budget, &r);
        /* a dir: entry's target is read on first use: the resolver read it */
        const char *target = e->link ? e->link : r.link;
        ld_autofree char *how = e->type == LD_FILE_HARDLINK
                                    ? ld_xasprintf("a hard link to %.200s", target ? target : "?")
                                : target ? ld_xasprintf("a symlink to \"%.200s\"", target)
                                         : ld_xstrdup("a symlink");
        offer(plan, an, n_an, maybe, e->path, e->layer, &r, how, false, opt);
        ld_link_result_clear(&r);
    }
    /* paths read by name that a symlinked directory above them hides */
    for (size_t i = 0; i < n_an; i++) {
        for (size_t k = 0; an[i].paths && an[i].paths[k]; k++) {
            const char *p = an[i].paths[k];
            if (p[0] != '/' || in_files(files, n, p) || !an[i].wants || !an[i].file)
                continue;
            ld_link_result r;
            ld_img_resolve(p, lookup, ctx, LD_IMG_LINK_HOPS, &budget, &r);
            /* the path is not there, or is no file, also at run time: not
             * a gap (the path itself being a dangling link is one, above) */
            bool absent = r.status == LD_RESOLVE_MISSING || r.status == LD_RESOLVE_NOT_DIR ||
                          r.status == LD_RESOLVE_NOT_FILE;
            if (!absent) {
                memset(maybe, 0, n_an * sizeof(bool));
                maybe[i] = true;
                offer(plan, an, n_an, maybe, p, -1, &r, "reached through a symlinked directory",
                      true, opt);
            }
            ld_link_result_clear(&r);
        }
    }
}

void ld_link_plan_clear(ld_link_plan *plan)
{
    for (size_t i = 0; i < plan->n; i++) {
        free(plan->v[i].path);
        free(plan->v[i].content);
    }
    free(plan->v);
    ld_gap_list_clear(&plan->gaps);
    ld_strlist_clear(&plan->notes);
    memset(plan, 0, sizeof(*plan));
}
