/* Vulnerability matching (contract: match.h; rules: docs/vuln-matching.md).
 *
 * For each SBOM package: the database ecosystem(s) it belongs to
 * (distro.c), a lookup by source package (OS) or normalised name
 * (languages), each affected entry evaluated against the installed version
 * (ranges.c: OSV events, explicit versions, tracker statuses), the hits of
 * one package merged when they share an id or alias (CVE / GHSA / DSA),
 * then the filters (--ignore-unfixed, --ignore-status, --severity, ignore
 * file, VEX) and one finding per surviving (vulnerability, package).
 * Coverage: the packages are grouped per ecosystem; each group is recorded
 * with whether the database holds advisories for it, and a group that
 * could not be matched gives an ERROR finding (not assessed), a matched
 * group with nothing left a PASS finding, so no verdict stands on packages
 * nobody looked at. */
#include "vuln/match.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/finding.h"
#include "core/policy.h"
#include "util/mem.h"
#include "vuln/db.h"
#include "vuln/distro.h"
#include "vuln/ignore_file.h"
#include "vuln/ranges.h"
#include "vuln/version.h"
#include "vuln/vex.h"

#define CHECK_ID "image.vulnerabilities"
#define MAX_REFS 32     /* references kept per finding */
#define SUMMARY_MAX 200 /* bytes of the advisory summary in evidence */
#define DEFAULT_MAX_AGE_DAYS 7

/* One vulnerability of one package, possibly merged from several advisories. */
typedef struct {
    ld_strlist ids; /* every id seen (first: first advisory id), aliases included */
    ld_strlist fixed;
    ld_fix_status fix_status;
    char *severity_text; /* feed severity of the advisory that had one */
    char *severity_feed; /* its source */
    char *cvss3_vector, *cvss4_vector;
    double cvss3, cvss4;
    char *summary;
    ld_strlist refs;
} hit;

typedef struct {
    hit *v;
    size_t n, cap;
} hit_list;

typedef struct {
    ld_vulndb *db;
    ld_error *err; /* filled when the callback fails (ld_vulndb_details) */
    const ld_package *pkg;
    const char *version; /* the version compared (source version for OS packages) */
    hit_list *hits;
    size_t range_errors;
    char *first_range_error;
} lookup_ctx;

static void hit_clear(hit *h)
{
    ld_strlist_clear(&h->ids);
    ld_strlist_clear(&h->fixed);
    free(h->severity_text);
    free(h->severity_feed);
    free(h->cvss3_vector);
    free(h->cvss4_vector);
    free(h->summary);
    ld_strlist_clear(&h->refs);
}

static void hits_clear(hit_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        hit_clear(&l->v[i]);
    l->n = 0;
}

static char *xstrdup_opt(const char *s)
{
    return s ? ld_xstrdup(s) : NULL;
}

static void strlist_copy(ld_strlist *dst, const ld_strlist *src)
{
    for (size_t i = 0; i < src->n; i++)
        ld_strlist_push(dst, src->v[i]);
}

/* A deep copy of h into *dst (zeroed by the caller). */
static void hit_copy(hit *dst, const hit *h)
{
    strlist_copy(&dst->ids, &h->ids);
    strlist_copy(&dst->fixed, &h->fixed);
    dst->fix_status = h->fix_status;
    dst->severity_text = xstrdup_opt(h->severity_text);
    dst->severity_feed = xstrdup_opt(h->severity_feed);
    dst->cvss3_vector = xstrdup_opt(h->cvss3_vector);
    dst->cvss4_vector = xstrdup_opt(h->cvss4_vector);
    dst->cvss3 = h->cvss3;
    dst->cvss4 = h->cvss4;
    dst->summary = xstrdup_opt(h->summary);
    strlist_copy(&dst->refs, &h->refs);
}

/* The hits of one question asked of the database: binary packages built
 * from one source package (libc6, libc-bin, libc-dev-bin from glibc) all
 * look up the same source at the same source version, so the answer is
 * computed once per scan and replayed for the others. */
typedef struct {
    char *key;           /* ecosystem, database ecosystems, lookup name, compared version */
    hit_list hits;       /* sorted, ready to emit */
    size_t range_errors; /* entries that could not be evaluated for this key */
} cache_entry;

typedef struct {
    cache_entry *v; /* open addressing; key NULL: free slot */
    size_t n, cap;  /* cap: 0 or a power of two */
} lookup_cache;

static uint64_t key_hash(const char *k)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 1099511628211ull;
    return h;
}

/* The slot of key: its entry, or the free slot where it belongs. */
static cache_entry *cache_slot(lookup_cache *c, const char *key)
{
    size_t i = (size_t)key_hash(key) & (c->cap - 1);
    while (c->v[i].key && strcmp(c->v[i].key, key) != 0)
        i = (i + 1) & (c->cap - 1);
    return &c->v[i];
}

static cache_entry *cache_find(lookup_cache *c, const char *key)
{
    if (!c->cap)
        return NULL;
    cache_entry *e = cache_slot(c, key);
    return e->key ? e : NULL;
}

/* Adds key (taken) with an empty entry and returns it; key must be absent. */
static cache_entry *cache_add(lookup_cache *c, char *key)
{
    if ((c->n + 1) * 2 > c->cap) {
        lookup_cache g = {.cap = c->cap ? c->cap * 2 : 64};
        g.v = ld_xcalloc(g.cap, sizeof(*g.v));
        for (size_t i = 0; i < c->cap; i++)
            if (c->v[i].key)
                *cache_slot(&g, c->v[i].key) = c->v[i];
        g.n = c->n;
        free(c->v);
        *c = g;
    }
    cache_entry *e = cache_slot(c, key);
    memset(e, 0, sizeof(*e));
    e->key = key;
    c->n++;
    return e;
}

static void cache_clear(lookup_cache *c)
{
    for (size_t i = 0; i < c->cap; i++) {
        if (!c->v[i].key)
            continue;
        free(c->v[i].key);
        hits_clear(&c->v[i].hits);
        free(c->v[i].hits.v);
    }
    free(c->v);
    memset(c, 0, sizeof(*c));
}

static bool hit_has_any(const hit *h, const ld_vuln_affected *a, const ld_vuln_details *d)
{
    if (ld_strlist_contains(&h->ids, a->id))
        return true;
    for (size_t i = 0; i < d->n_aliases; i++)
        if (d->aliases[i] && ld_strlist_contains(&h->ids, d->aliases[i]))
            return true;
    return false;
}

static void push_unique(ld_strlist *l, const char *s)
{
    if (s && s[0] && !ld_strlist_contains(l, s))
        ld_strlist_push(l, s);
}

/* Is the affected entry relevant to version? 1 yes, 0 no, < 0 error. */
static int affected_matches(const ld_vuln_affected *a, const ld_package *p, const char *version,
                            ld_error *err)
{
    if (a->fix_status == LD_FIX_NOT_AFFECTED)
        return 0;
    ld_version_scheme s;
    if (ld_version_scheme_for_ecosystem(a->ecosystem, &s) < 0 &&
        ld_version_scheme_for_ecosystem(ld_ecosystem_name(p->eco), &s) < 0)
        return ld_error_set(err, LD_ERR_UNSUPPORTED, "no version scheme for ecosystem %s",
                            a->ecosystem ? a->ecosystem : "?");
    if (ld_versions_list_contains(s, a->versions, a->n_versions, version))
        return 1;
    bool comparable = false;
    int first_err = 0;
    for (size_t i = 0; i < a->n_ranges; i++) {
        if (a->ranges[i].type == LD_RANGE_GIT)
            continue;
        comparable = true;
        int rc = ld_range_affected(s, &a->ranges[i], version, err);
        if (rc == 1)
            return 1;
        if (rc < 0 && !first_err)
            first_err = rc;
    }
    if (first_err)
        return first_err;
    /* A distribution tracker entry with no range and no version list: an
     * open issue (no fix yet, will not fix, unimportant, ...) affects every
     * version of the release. */
    if (!comparable && a->n_versions == 0 && a->fix_status != LD_FIX_FIXED &&
        a->fix_status != LD_FIX_UNKNOWN)
        return 1;
    return 0;
}

static void add_fixed(hit *h, const ld_vuln_affected *a)
{
    for (size_t i = 0; i < a->n_ranges; i++) {
        const ld_vuln_range *r = &a->ranges[i];
        if (r->type == LD_RANGE_GIT)
            continue;
        for (size_t k = 0; k < r->n_events; k++)
            if (r->events[k].kind == LD_EVENT_FIXED && r->events[k].version &&
                strcmp(r->events[k].version, "0") != 0)
                push_unique(&h->fixed, r->events[k].version);
    }
}

static int sev_text_rank(const char *s)
{
    if (!s)
        return -1;
    static const struct {
        const char *name;
        ld_severity sev;
    } map[] = {
        {"critical", LD_SEV_CRITICAL}, {"high", LD_SEV_HIGH},       {"important", LD_SEV_HIGH},
        {"medium", LD_SEV_MEDIUM},     {"moderate", LD_SEV_MEDIUM}, {"low", LD_SEV_LOW},
        {"negligible", LD_SEV_LOW},    {"unimportant", LD_SEV_LOW},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcasecmp(s, map[i].name) == 0)
            return (int)map[i].sev;
    return -1;
}

static void merge(hit *h, const ld_vuln_affected *a, const ld_vuln_details *d)
{
    push_unique(&h->ids, a->id);
    for (size_t i = 0; i < d->n_aliases; i++)
        push_unique(&h->ids, d->aliases[i]);
    add_fixed(h, a);
    if (h->fix_status == LD_FIX_UNKNOWN || (a->fix_status == LD_FIX_FIXED && h->fixed.n > 0))
        h->fix_status = a->fix_status;
    if (sev_text_rank(a->severity) > sev_text_rank(h->severity_text)) {
        free(h->severity_text);
        free(h->severity_feed);
        h->severity_text = ld_xstrdup(a->severity);
        h->severity_feed = ld_xstrdup(a->source);
    }
    if (a->cvss3_vector && a->cvss3_score > h->cvss3) {
        free(h->cvss3_vector);
        h->cvss3_vector = ld_xstrdup(a->cvss3_vector);
        h->cvss3 = a->cvss3_score;
    }
    if (a->cvss4_vector && a->cvss4_score > h->cvss4) {
        free(h->cvss4_vector);
        h->cvss4_vector = ld_xstrdup(a->cvss4_vector);
        h->cvss4 = a->cvss4_score;
    }
    if (!h->summary && a->summary && a->summary[0])
        h->summary = ld_xstrdup(a->summary);
    for (size_t i = 0; i < d->n_refs && h->refs.n < MAX_REFS; i++)
        push_unique(&h->refs, d->refs[i].url);
}

static int on_affected(const ld_vuln_affected *a, void *vctx)
{
    lookup_ctx *c = vctx;
    if (!a->id)
        return 0;
    ld_error e = LD_ERROR_INIT;
    int rc = affected_matches(a, c->pkg, c->version, &e);
    if (rc < 0) {
        if (c->range_errors++ == 0)
            c->first_range_error =
                ld_xasprintf("%s (%s %s): %s", a->id, c->pkg->name, c->version, e.msg);
        return 0;
    }
    if (rc == 0)
        return 0;
    /* aliases and references only for the rows that match */
    ld_vuln_details d;
    rc = ld_vulndb_details(c->db, a, &d, c->err);
    if (rc < 0)
        return rc;
    hit_list *l = c->hits;
    hit *h = NULL;
    for (size_t i = 0; i < l->n && !h; i++)
        if (hit_has_any(&l->v[i], a, &d))
            h = &l->v[i];
    if (!h) {
        ld_xgrow(&l->v, &l->cap, l->n + 1, sizeof(*l->v));
        h = &l->v[l->n++];
        memset(h, 0, sizeof(*h));
    }
    merge(h, a, &d);
    return 0;
}

/* ---- finding construction ------------------------------------------------ */

static bool is_cve(const char *id)
{
    return strncmp(id, "CVE-", 4) == 0;
}

/* The id a finding is named by: the only CVE of the group if there is
 * exactly one, else the first advisory id seen. */
static const char *primary_id(const hit *h)
{
    const char *cve = NULL;
    size_t n_cve = 0;
    for (size_t i = 0; i < h->ids.n; i++)
        if (is_cve(h->ids.v[i]) && n_cve++ == 0)
            cve = h->ids.v[i];
    return n_cve == 1 ? cve : h->ids.v[0];
}

static ld_severity severity_of(const hit *h, const char **source)
{
    double score = h->cvss3 > 0 ? h->cvss3 : h->cvss4;
    if (score > 0) {
        *source = h->cvss3 > 0 ? "cvss-v3" : "cvss-v4";
        return score >= 9.0   ? LD_SEV_CRITICAL
               : score >= 7.0 ? LD_SEV_HIGH
               : score >= 4.0 ? LD_SEV_MEDIUM
                              : LD_SEV_LOW;
    }
    int r = sev_text_rank(h->severity_text);
    if (r >= 0) {
        *source = h->severity_feed ? h->severity_feed : "feed";
        return (ld_severity)r;
    }
    *source = "default";
    return LD_SEV_MEDIUM; /* unknown: documented in docs/vuln-matching.md */
}

static ld_fix_status effective_status(const hit *h)
{
    if (h->fix_status != LD_FIX_UNKNOWN)
        return h->fix_status;
    return h->fixed.n > 0 ? LD_FIX_FIXED : LD_FIX_NOT_FIXED;
}

/* A one-line copy of s (control bytes become spaces), at most max bytes. */
static char *one_line(const char *s, size_t max)
{
    size_t n = strlen(s);
    bool cut = n > max;
    if (cut) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) /* UTF-8 boundary */
            n--;
    }
    char *o = ld_xmalloc(n + 4);
    for (size_t i = 0; i < n; i++)
        o[i] = iscntrl((unsigned char)s[i]) ? ' ' : s[i];
    o[n] = '\0';
    if (cut)
        memcpy(o + n, "...", 4);
    return o;
}

typedef struct {
    ld_findings *r;
    const ld_vuln_options *opt;
    const char *target; /* as given, for coverage */
    const ld_image *img;
    const ld_sbom *sbom;
    ld_ignore_list own_ignore; /* loaded here from opt->ignore_file */
    const ld_ignore_list *ignore; /* own_ignore or opt->ignore_list; NULL: none */
    ld_vex_doc *vex;
    size_t n_vex;
    const char *image_refs[4];
    size_t n_image_refs;
    const ld_control *control;
    /* counts */
    size_t matched, emitted, dropped_unfixed, dropped_status, dropped_severity, dropped_ignore,
        dropped_vex;
} scan_ctx;

/* Filters, in order; returns true when the finding is dropped. *vex_note
 * receives a note to append to evidence for a kept VEX status. */
static bool filtered(scan_ctx *s, const ld_package *p, const hit *h, ld_severity sev,
                     const char *fix_status, char **vex_note)
{
    const ld_vuln_options *o = s->opt;
    if (o->ignore_unfixed && h->fixed.n == 0) {
        s->dropped_unfixed++;
        return true;
    }
    if (ld_strlist_contains(&o->ignore_status, fix_status)) {
        s->dropped_status++;
        return true;
    }
    if (o->severity_set && !(o->severity_set & LD_SEV_BIT(sev))) {
        s->dropped_severity++;
        return true;
    }
    if (s->ignore) {
        for (size_t i = 0; i < h->ids.n; i++) {
            const ld_ignore_entry *e = ld_ignore_find(s->ignore, h->ids.v[i]);
            if (!e)
                continue;
            if (e->expires && ld_date_expired(e->expires, s->r->now)) {
                ld_findings_note(s->r,
                                 "%s:%d: ignore entry for %s expired on %s; it no longer applies",
                                 s->ignore->path, e->line, e->id, e->expires);
                continue;
            }
            s->dropped_ignore++;
            return true;
        }
    }
    ld_vex_subject subj = {
        .ids = (const char *const *)h->ids.v,
        .n_ids = h->ids.n,
        .purl = p->purl,
        .image_refs = s->image_refs,
        .n_image_refs = s->n_image_refs,
    };
    for (size_t d = s->n_vex; d-- > 0;) { /* a later document overrides an earlier one */
        const ld_vex_statement *st = ld_vex_find(&s->vex[d], &subj);
        if (!st)
            continue;
        if (st->status == LD_VEX_NOT_AFFECTED || st->status == LD_VEX_FIXED) {
            ld_findings_note(s->r, "VEX %s: %s is %s for %s %s%s%s%s; finding dropped",
                             s->vex[d].path, primary_id(h), ld_vex_status_name(st->status), p->name,
                             p->version ? p->version : "", st->justification ? " (" : "",
                             st->justification ? st->justification : "",
                             st->justification ? ")" : "");
            s->dropped_vex++;
            return true;
        }
        *vex_note = ld_xasprintf("VEX %s: %s%s%s", s->vex[d].path, ld_vex_status_name(st->status),
                                 st->statement ? ": " : "", st->statement ? st->statement : "");
        break;
    }
    return false;
}

/* Every finding of the scan names the image as the other image checks do:
 * id the image id (else the target), name the target as the user gave it
 * (dir:ROOT, docker:NAME), so every row of a report says the same target. */
static void set_target(const scan_ctx *s, ld_finding *f)
{
    const char *img_id = s->img ? ld_image_id(s->img) : NULL;
    const char *img_name = s->opt->target ? s->opt->target : s->img ? ld_image_name(s->img) : NULL;
    ld_finding_set_target(f, LD_TARGET_IMAGE,
                          img_id     ? img_id
                          : img_name ? img_name
                                     : "rootfs",
                          img_name);
}

static int emit(scan_ctx *s, const ld_package *p, const char *release, const hit *h, ld_error *err)
{
    const char *sev_source = NULL;
    ld_severity sev = severity_of(h, &sev_source);
    ld_fix_status fs = effective_status(h);
    const char *fs_name = ld_fix_status_name(fs);
    char *vex_note = NULL;
    s->matched++;
    if (filtered(s, p, h, sev, fs_name, &vex_note))
        return 0;

    const char *id = primary_id(h);
    const char *ver = p->version ? p->version : "?";
    const char *src = p->source_name && p->source_name[0] && strcmp(p->source_name, p->name) != 0
                          ? p->source_name
                          : NULL;
    ld_finding *f = ld_finding_new(s->control, CHECK_ID, LD_STATUS_FAIL);
    f->severity = sev;
    ld_vuln_fields *v = ld_finding_vuln(f);
    v->id = ld_xstrdup(id);
    for (size_t i = 0; i < h->ids.n; i++)
        if (strcmp(h->ids.v[i], id) != 0)
            ld_strlist_push(&v->aliases, h->ids.v[i]);
    v->ecosystem = ld_xstrdup(ld_ecosystem_name(p->eco));
    v->package = ld_xstrdup(p->name);
    v->source_package = ld_xstrdup(src);
    v->installed_version = ld_xstrdup(p->version);
    for (size_t i = 0; i < h->fixed.n; i++)
        ld_strlist_push(&v->fixed_versions, h->fixed.v[i]);
    v->fix_status = ld_xstrdup(fs_name);
    v->purl = ld_xstrdup(p->purl);
    v->severity_source = ld_xstrdup(sev_source);
    v->cvss_score = h->cvss3 > 0 ? h->cvss3 : h->cvss4;
    v->cvss_vector = ld_xstrdup(h->cvss3 > 0 ? h->cvss3_vector : h->cvss4_vector);
    for (size_t i = 0; i < h->refs.n; i++)
        ld_strlist_push(&v->references, h->refs.v[i]);
    if (s->img && p->layer >= 0 && (size_t)p->layer < ld_image_layer_count(s->img)) {
        const ld_layer_info *li = ld_image_layer(s->img, (size_t)p->layer);
        v->layer_digest = ld_xstrdup(li->digest);
        v->layer_diff_id = ld_xstrdup(li->diff_id);
        v->layer_created_by = ld_xstrdup(li->created_by);
    }

    char *fixed = ld_strlist_join(&h->fixed, ", ");
    char *title = h->fixed.n ? ld_xasprintf("%s in %s %s (fixed in %s)", id, p->name, ver, fixed)
                             : ld_xasprintf("%s in %s %s (no fix: %s)", id, p->name, ver, fs_name);
    ld_finding_set_title(f, title);
    free(title);

    char *summary = h->summary ? one_line(h->summary, SUMMARY_MAX) : NULL;
    char *srcver = p->source_version && strcmp(p->source_version, ver) != 0
                       ? ld_xasprintf(" (source version %s)", p->source_version)
                       : ld_xstrdup("");
    char *fixpart = h->fixed.n ? ld_xasprintf("fixed in %s (%s)", fixed, release)
                               : ld_xasprintf("no fixed version (%s: %s)", release, fs_name);
    char *srcpart = src ? ld_xasprintf(", source package %s", src) : ld_xstrdup("");
    ld_finding_set_evidence(f, "installed %s%s, %s%s%s%s%s%s", ver, srcver, fixpart, srcpart,
                            summary ? "; " : "", summary ? summary : "", vex_note ? "; " : "",
                            vex_note ? vex_note : "");
    free(summary);
    free(srcver);
    free(fixpart);
    free(srcpart);

    char *rem = h->fixed.n
                    ? (src ? ld_xasprintf("Upgrade %s (source package %s) to %s or later, or "
                                          "rebuild from an updated base image.",
                                          p->name, src, fixed)
                           : ld_xasprintf("Upgrade %s to %s or later.", p->name, fixed))
                    : ld_xasprintf("No fixed version of %s is available (%s): assess exposure, "
                                   "mitigate, or record the decision in a VEX document or a "
                                   "policy exception.",
                                   p->name, fs_name);
    ld_finding_set_remediation(f, rem);
    free(rem);
    free(fixed);
    free(vex_note);

    set_target(s, f);
    ld_finding_set_location(f, p->found_in, 0);
    s->emitted++;
    return ld_findings_add(s->r, f, err);
}

static int cmp_hit(const void *a, const void *b)
{
    return strcmp(primary_id(a), primary_id(b));
}

/* ---- driver ------------------------------------------------------------------ */

static int load_filters(scan_ctx *s, ld_error *err)
{
    const ld_vuln_options *o = s->opt;
    if (o->ignore_list) {
        s->ignore = o->ignore_list;
    } else if (o->ignore_file) {
        int rc = ld_ignore_load(o->ignore_file, &s->own_ignore, err);
        if (rc < 0)
            return rc;
        s->ignore = &s->own_ignore;
    }
    if (o->vex_files.n) {
        s->vex = ld_xcalloc(o->vex_files.n, sizeof(*s->vex));
        for (size_t i = 0; i < o->vex_files.n; i++) {
            int rc = ld_vex_load(o->vex_files.v[i], &s->vex[i], err);
            if (rc < 0)
                return rc;
            s->n_vex = i + 1;
        }
    }
    for (size_t i = 0; i < o->ignore_status.n; i++) {
        ld_fix_status fs;
        if (ld_fix_status_parse(o->ignore_status.v[i], &fs) < 0)
            return ld_error_set(err, LD_ERR_INVALID,
                                "unknown fix status \"%s\" (one of: fixed, not-fixed, "
                                "will-not-fix, end-of-life, unimportant, postponed, unknown)",
                                o->ignore_status.v[i]);
    }
    return 0;
}

static void note_staleness(scan_ctx *s, ld_vulndb *db)
{
    time_t built = 0;
    if (ld_vulndb_built_at(db, &built) < 0) {
        ld_findings_note(s->r, "vulnerability database %s has no build time; it may be stale",
                         ld_vulndb_path(db));
        return;
    }
    int max_days = s->opt->max_db_age_days > 0 ? s->opt->max_db_age_days : DEFAULT_MAX_AGE_DAYS;
    double age = difftime(s->r->now, built);
    if (age > (double)max_days * 86400.0)
        ld_findings_note(s->r,
                         "vulnerability database %s is %d days old (older than %d days): run "
                         "'lockdown db update'",
                         ld_vulndb_path(db), (int)(age / 86400.0), max_days);
}

/* The packages of one ecosystem: how they are looked up, and whether the
 * database can answer for them. */
typedef struct {
    ld_ecosystem eco;
    size_t packages;                      /* with a name and a version */
    char *ecos[LD_DISTRO_MAX_ECOSYSTEMS]; /* database ecosystems ("Debian:12", "npm") */
    size_t n_ecos;
    char *release;           /* for evidence: "bookworm", "v3.19", "npm" */
    char *label;             /* OS packages: "debian 12", "alpine 3.19"; languages: NULL */
    char *unsupported;       /* why lockdown cannot match them at all, or NULL */
    bool covered;            /* the database holds advisories for one of ecos */
    size_t matched, emitted; /* vulnerabilities before / after the filters */
} eco_group;

static bool is_os_eco(ld_ecosystem e)
{
    return e == LD_ECO_DEB || e == LD_ECO_APK || e == LD_ECO_RPM;
}

static bool matchable(const ld_package *p)
{
    return p->name && p->name[0] && p->version && p->version[0];
}

/* "debian 12" from os-release ID and the database ecosystem "Debian:12"
 * ("alpine 3.19" from "Alpine:v3.19"): the release as matched. */
static char *release_label(const ld_sbom *sb, const char *db_ecosystem)
{
    const char *colon = db_ecosystem ? strchr(db_ecosystem, ':') : NULL;
    if (colon) {
        const char *rel = colon + 1;
        if (*rel == 'v' && isdigit((unsigned char)rel[1]))
            rel++;
        return ld_xasprintf("%s %s", sb->os_id, rel);
    }
    if (!sb->os_id || !sb->os_id[0])
        return NULL;
    const char *ver = sb->os_version_id && sb->os_version_id[0] ? sb->os_version_id
                      : sb->os_codename                         ? sb->os_codename
                                                                : NULL;
    return ver ? ld_xasprintf("%s %s", sb->os_id, ver) : ld_xstrdup(sb->os_id);
}

static void group_clear(eco_group *g)
{
    for (size_t i = 0; i < g->n_ecos; i++)
        free(g->ecos[i]);
    free(g->release);
    free(g->label);
    free(g->unsupported);
}

/* Fills groups[eco] for every ecosystem with matchable packages and asks
 * the database whether it covers each. */
static int build_groups(const ld_sbom *sb, ld_vulndb *db, eco_group *groups, ld_error *err)
{
    for (size_t i = 0; i < sb->packages.n; i++) {
        const ld_package *p = &sb->packages.items[i];
        if (matchable(p) && (unsigned)p->eco < LD_ECO_COUNT)
            groups[p->eco].packages++;
    }
    for (int e = 0; e < LD_ECO_COUNT; e++) {
        eco_group *g = &groups[e];
        g->eco = (ld_ecosystem)e;
        if (!g->packages)
            continue;
        ld_error why = LD_ERROR_INIT;
        if (ld_distro_ecosystems(g->eco, sb->os_id, sb->os_version_id, sb->os_codename, g->ecos,
                                 &g->n_ecos, &g->release, &why) < 0) {
            g->unsupported = ld_xstrdup(why.msg);
            g->label = is_os_eco(g->eco) ? release_label(sb, NULL) : NULL;
            continue;
        }
        g->label = is_os_eco(g->eco) ? release_label(sb, g->ecos[0]) : NULL;
        for (size_t k = 0; k < g->n_ecos && !g->covered; k++) {
            int rc = ld_vulndb_covers(db, g->ecos[k], err);
            if (rc < 0)
                return rc;
            g->covered = rc == 1;
        }
    }
    return 0;
}

static int scan_package(scan_ctx *s, ld_vulndb *db, const ld_package *p, eco_group *g,
                        hit_list *hits, lookup_ctx *lc, lookup_cache *cache, ld_error *err)
{
    bool os = is_os_eco(p->eco);
    char *name = ld_distro_lookup_name(p);
    lc->db = db;
    lc->err = err;
    lc->pkg = p;
    lc->version = os && p->source_version && p->source_version[0] ? p->source_version : p->version;
    lc->hits = hits;
    int rc = 0;
    /* OS packages share source packages: look each (source, version) up once */
    cache_entry *ce = NULL;
    const hit_list *result = hits;
    if (os) {
        /* length-prefixed parts: no two different questions share a key */
        ld_strlist parts = {0};
        ld_strlist_push_owned(&parts, ld_xasprintf("%d", (int)p->eco));
        for (size_t i = 0; i < g->n_ecos; i++)
            ld_strlist_push_owned(&parts, ld_xasprintf("%zu:%s", strlen(g->ecos[i]), g->ecos[i]));
        ld_strlist_push_owned(&parts, ld_xasprintf("%zu:%s", strlen(name), name));
        ld_strlist_push_owned(&parts, ld_xasprintf("%zu:%s", strlen(lc->version), lc->version));
        char *key = ld_strlist_join(&parts, "/");
        ld_strlist_clear(&parts);
        ce = cache_find(cache, key);
        if (ce) {
            free(key);
            lc->range_errors += ce->range_errors; /* as if evaluated again */
            result = &ce->hits;
        } else {
            ce = cache_add(cache, key);
        }
    }
    if (result == hits) {
        size_t errors_before = lc->range_errors;
        for (size_t i = 0; i < g->n_ecos && rc == 0; i++) {
            rc = ld_vulndb_lookup_ex(db, g->ecos[i], name, LD_VULNDB_LAZY_DETAILS, on_affected, lc,
                                     err);
            if (rc < 0)
                ld_error_wrap(err, "looking up %s %s", g->ecos[i], name);
        }
        if (rc == 0 && hits->n)
            qsort(hits->v, hits->n, sizeof(*hits->v), cmp_hit);
        if (ce && rc == 0) {
            ce->range_errors = lc->range_errors - errors_before;
            if (hits->n) {
                ce->hits.v = ld_xcalloc(hits->n, sizeof(*ce->hits.v));
                ce->hits.n = ce->hits.cap = hits->n;
                for (size_t i = 0; i < hits->n; i++)
                    hit_copy(&ce->hits.v[i], &hits->v[i]);
            }
        }
    }
    size_t matched = s->matched, emitted = s->emitted;
    for (size_t i = 0; rc == 0 && i < result->n; i++)
        rc = emit(s, p, g->release, &result->v[i], err);
    g->matched += s->matched - matched;
    g->emitted += s->emitted - emitted;
    hits_clear(hits);
    free(name);
    return rc;
}

/* A finding of the scan that is not a vulnerability: a pass for a group
 * with nothing left, or "not assessed" (ERROR) for one nobody could match. */
static int verdict(scan_ctx *s, ld_status status, char *title, char *evidence, ld_error *err)
{
    ld_finding *f = ld_finding_new(s->control, CHECK_ID, status);
    ld_finding_set_title(f, title);
    ld_finding_set_evidence(f, "%s", evidence);
    set_target(s, f);
    free(title);
    free(evidence);
    return ld_findings_add(s->r, f, err);
}

static const char *plural(size_t n)
{
    return n == 1 ? "" : "s";
}

/* Records the coverage of group g and gives it its verdict finding when it
 * has no vulnerability finding. No pass when the SBOM has unread package
 * databases (unread_verdict says why instead). */
static int group_verdict(scan_ctx *s, const eco_group *g, ld_error *err)
{
    const char *eco = ld_ecosystem_name(g->eco);
    /* "deb packages of debian 12", "npm packages" */
    char *what = g->label ? ld_xasprintf("%s package%s of %s", eco, plural(g->packages), g->label)
                          : ld_xasprintf("%s package%s", eco, plural(g->packages));
    char *subject = g->label ? ld_xasprintf("%s %s", eco, g->label) : ld_xstrdup(eco);
    ld_findings_coverage(s->r, s->target, eco, g->label, g->packages, g->covered);
    int rc = 0;
    if (g->unsupported) {
        rc =
            verdict(s, LD_STATUS_ERROR, ld_xasprintf("vulnerabilities of %s not assessed", subject),
                    ld_xasprintf("not assessed: lockdown cannot match %zu %s: %s", g->packages,
                                 what, g->unsupported),
                    err);
    } else if (!g->covered) {
        char *names = NULL;
        ld_strlist l = {0};
        for (size_t i = 0; i < g->n_ecos; i++)
            ld_strlist_push(&l, g->ecos[i]);
        names = ld_strlist_join(&l, " or ");
        ld_strlist_clear(&l);
        rc =
            verdict(s, LD_STATUS_ERROR, ld_xasprintf("vulnerabilities of %s not assessed", subject),
                    ld_xasprintf("not assessed: the database has no advisories for %s (%zu "
                                 "package%s; looked for ecosystem %s): run 'lockdown db update' "
                                 "with a source for it",
                                 subject, g->packages, plural(g->packages), names),
                    err);
        free(names);
    } else if (g->emitted == 0 && s->sbom->n_unread == 0) {
        char *rest = g->matched ? ld_xasprintf("no vulnerability remains (%zu matched, every one "
                                               "filtered out: see the notes)",
                                               g->matched)
                                : ld_xstrdup("no known vulnerability");
        rc = verdict(
            s, LD_STATUS_PASS, ld_xasprintf("no known vulnerability in %s", subject),
            ld_xasprintf("%zu %s matched against the database: %s", g->packages, what, rest), err);
        free(rest);
    }
    free(what);
    free(subject);
    return rc;
}

/* "N package databases could not be read (first: REASON)". */
static char *unread_summary(const ld_sbom *sb)
{
    return ld_xasprintf("%zu package database%s could not be read, so %s packages are missing "
                        "from the match (first: %s)",
                        sb->n_unread, plural(sb->n_unread), sb->n_unread == 1 ? "its" : "their",
                        sb->unread[0].reason);
}

/* Any package database the SBOM could not read (over a size cap or a
 * budget, refused, corrupt, not delivered by the image reader): the target
 * is not assessed, whatever the rest matched — its vulnerabilities may be
 * in the packages that are missing. Vulnerability findings of the packages
 * that were read still stand. */
static int unread_verdict(scan_ctx *s, ld_error *err)
{
    char *what = unread_summary(s->sbom);
    int rc = verdict(s, LD_STATUS_ERROR, ld_xstrdup("vulnerabilities not assessed"),
                     ld_xasprintf("not assessed: %s", what), err);
    free(what);
    return rc;
}

/* No package to match: honest only when nothing was skipped. An image
 * whose catalogers read everything and found no package (a static binary
 * on scratch) passes; one where package databases could not be read (the
 * SBOM's unread list) or files were skipped (its notes) was not assessed. */
static int empty_verdict(scan_ctx *s, size_t unversioned, ld_error *err)
{
    const ld_sbom *sb = s->sbom;
    if (sb->n_unread)
        return verdict(s, LD_STATUS_ERROR, ld_xstrdup("vulnerabilities not assessed"),
                       ld_xasprintf("not assessed: no package to match, and %zu file%s could "
                                    "not be read (first: %s)",
                                    sb->n_unread, plural(sb->n_unread), sb->unread[0].reason),
                       err);
    if (sb->notes.n)
        return verdict(s, LD_STATUS_ERROR, ld_xstrdup("vulnerabilities not assessed"),
                       ld_xasprintf("not assessed: no package to match, and %zu file%s could "
                                    "not be read (first: %s)",
                                    sb->notes.n, plural(sb->notes.n), sb->notes.v[0]),
                       err);
    if (unversioned)
        return verdict(s, LD_STATUS_ERROR, ld_xstrdup("vulnerabilities not assessed"),
                       ld_xasprintf("not assessed: none of the %zu package%s found has a "
                                    "version to match",
                                    unversioned, plural(unversioned)),
                       err);
    return verdict(s, LD_STATUS_PASS, ld_xstrdup("no packages to match"),
                   ld_xstrdup("no packages found: every cataloger read the image and found no "
                              "package to match against the database"),
                   err);
}

/* "docker:name:tag" -> "name:tag" for matching VEX image references. */
static const char *strip_source_prefix(const char *name)
{
    static const char *const prefixes[] = {
        "docker:", "docker-archive:", "oci-archive:", "oci:", "dir:"};
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
            return name + strlen(prefixes[i]);
    return name;
}

int ld_vuln_scan(ld_findings *r, const ld_sbom *sbom, const ld_image *img,
                 const ld_vuln_options *opt, ld_error *err)
{
    scan_ctx s = {.r = r, .opt = opt, .img = img, .sbom = sbom};
    s.target = opt->target ? opt->target : img ? ld_image_name(img) : "rootfs";
    s.control = ld_catalog_control_for_check(r->catalog, CHECK_ID);
    if (!s.control)
        return ld_error_set(err, LD_ERR_GENERIC, "check %s has no control in the catalog",
                            CHECK_ID);
    if (img) {
        s.image_refs[s.n_image_refs++] = ld_image_id(img);
        s.image_refs[s.n_image_refs++] = ld_image_manifest_digest(img);
        s.image_refs[s.n_image_refs++] = ld_image_name(img);
        s.image_refs[s.n_image_refs++] = strip_source_prefix(ld_image_name(img));
    }
    hit_list hits = {0};
    lookup_ctx lc = {0};
    lookup_cache cache = {0};
    eco_group groups[LD_ECO_COUNT];
    memset(groups, 0, sizeof groups);
    ld_vulndb *db = NULL;
    int rc = load_filters(&s, err);
    if (rc < 0)
        goto out;
    ld_findings_scope(r, LD_SCOPE_OWED, CHECK_ID, NULL);
    db = ld_vulndb_open(opt->db_path, err);
    if (!db && opt->db_optional && err->code == LD_ERR_NOT_FOUND) {
        /* the message says where and how to get one */
        ld_findings_scope(r, LD_SCOPE_NOT_ASSESSED, CHECK_ID, "%s", err->msg);
        ld_error_clear(err);
        rc = 0;
        goto out;
    }
    if (!db) {
        rc = err->code < 0 ? err->code : LD_ERR_NOT_FOUND;
        goto out;
    }
    note_staleness(&s, db);
    rc = build_groups(sbom, db, groups, err);
    size_t unversioned = 0, matchable_total = 0;
    for (size_t i = 0; i < sbom->packages.n && rc == 0; i++) {
        const ld_package *p = &sbom->packages.items[i];
        if (!matchable(p) || (unsigned)p->eco >= LD_ECO_COUNT) {
            unversioned++;
            continue;
        }
        matchable_total++;
        eco_group *g = &groups[p->eco];
        if (g->covered && !g->unsupported)
            rc = scan_package(&s, db, p, g, &hits, &lc, &cache, err);
    }
    if (rc < 0)
        goto out;
    if (matchable_total == 0) {
        rc = empty_verdict(&s, unversioned, err);
        goto out;
    }
    for (int e = 0; e < LD_ECO_COUNT && rc == 0; e++)
        if (groups[e].packages)
            rc = group_verdict(&s, &groups[e], err);
    if (rc == 0 && sbom->n_unread)
        rc = unread_verdict(&s, err);
    if (rc < 0)
        goto out;
    if (unversioned)
        ld_findings_note(r,
                         "vulnerabilities: %zu package%s without a name or version could not "
                         "be matched",
                         unversioned, plural(unversioned));
    if (sbom->notes.n && !sbom->n_unread)
        ld_findings_note(r,
                         "vulnerabilities: the package list may be incomplete: %zu file%s could "
                         "not be read (first: %s)",
                         sbom->notes.n, plural(sbom->notes.n), sbom->notes.v[0]);
    if (lc.range_errors)
        ld_findings_note(r, "%zu advisory entr%s could not be evaluated (first: %s)",
                         lc.range_errors, lc.range_errors == 1 ? "y" : "ies", lc.first_range_error);
    size_t dropped = s.dropped_unfixed + s.dropped_status + s.dropped_severity + s.dropped_ignore +
                     s.dropped_vex;
    if (dropped)
        ld_findings_note(r,
                         "vulnerabilities: %zu matched, %zu reported, %zu filtered out "
                         "(ignore-unfixed %zu, ignore-status %zu, severity %zu, ignore file %zu, "
                         "VEX %zu)",
                         s.matched, s.emitted, dropped, s.dropped_unfixed, s.dropped_status,
                         s.dropped_severity, s.dropped_ignore, s.dropped_vex);
out:
    ld_vulndb_close(db);
    free(hits.v);
    cache_clear(&cache);
    for (int e = 0; e < LD_ECO_COUNT; e++)
        group_clear(&groups[e]);
    free(lc.first_range_error);
    ld_ignore_clear(&s.own_ignore);
    for (size_t i = 0; i < s.n_vex; i++)
        ld_vex_clear(&s.vex[i]);
    free(s.vex);
    return rc;
}
