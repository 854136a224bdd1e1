/* The single read behind `lockdown image scan`: the SBOM analyzer plus two
 * analyzers of this file (every file version to the secret scanner; the
 * account files kept for the checks) run in one ld_image_read through
 * ld_sbom_collect_with. Afterwards hits are classified as visible, deleted
 * or overwritten (with the removing layer) and emitted as image.secrets
 * findings carrying only masked excerpts; then the configuration and
 * file-system checks run. The account files are read by name, also when
 * they are links (resolved inside the image by the reader); the secret
 * scanner takes no link (it reads the target under its own name). What the
 * reader could not see (ld_image_gaps) makes image.secrets "not assessed"
 * and is said in the report's notes. Both analyzers of this file save and
 * restore what they found per layer for the layer cache (layer_cache.h):
 * hits with masked excerpts, counters and stops; the account files. Not for
 * the CLI (cmd_image.c) or vulnerability matching (vuln/match.c). */
#include "checks/image_scan.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "checks/image_checks.h"
#include "checks/secret_rules.h" /* the rules by id, to restore saved hits */
#include "image/layer_cache.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define ACCOUNT_MAX_BYTES ((uint64_t)4 << 20)
/* analyzer names: the gaps about what each could not see name them */
#define ACCOUNTS_ANALYZER "accounts"
#define SECRETS_ANALYZER "secrets"
#define GAP_NOTES 5 /* gaps named in the report's notes; the rest are counted */
#define ACCOUNT_VERSIONS_MAX 256

/* What the secret scanner counted in one layer (the layer cache saves it). */
typedef struct {
    uint64_t files_scanned, bytes_scanned, files_binary, files_incomplete;
} layer_tally;

/* Rules that stopped early, per layer (as res->stops is for the image). */
typedef struct {
    int layer;
    const char *rule_id, *reason; /* borrowed from the rules / static */
    uint64_t files;
    char *example;
} layer_stop;

typedef struct {
    pthread_mutex_t lock;
    ld_image_scan_result *res;
    bool secrets;
    layer_tally *tally; /* by layer */
    size_t n_tally;
    layer_stop *lstops;
    size_t n_lstops, cap_lstops;
    char secrets_cache_id[80];
} scan_ctx;

/* The tally of layer (NULL for dir:, layer -1). Under c->lock. */
static layer_tally *tally_at(scan_ctx *c, int layer)
{
    if (layer < 0 || layer >= LD_IMG_MAX_LAYERS)
        return NULL;
    if ((size_t)layer >= c->n_tally) {
        size_t n = (size_t)layer + 1;
        c->tally = ld_xrealloc(c->tally, n * sizeof(*c->tally));
        memset(c->tally + c->n_tally, 0, (n - c->n_tally) * sizeof(*c->tally));
        c->n_tally = n;
    }
    return &c->tally[layer];
}

/* Tallies a rule that stopped on path in layer. Under c->lock. */
static void count_layer_stop(scan_ctx *c, int layer, const ld_secret_stopped *s, const char *path)
{
    if (layer < 0)
        return;
    for (size_t i = 0; i < c->n_lstops; i++) {
        layer_stop *x = &c->lstops[i];
        if (x->layer == layer && strcmp(x->rule_id, s->rule_id) == 0 &&
            strcmp(x->reason, s->reason) == 0) {
            x->files++;
            return;
        }
    }
    ld_xgrow(&c->lstops, &c->cap_lstops, c->n_lstops + 1, sizeof(*c->lstops));
    c->lstops[c->n_lstops++] = (layer_stop){layer, s->rule_id, s->reason, 1, ld_xstrdup(path)};
}

static int account_index(const char *path)
{
    if (strcmp(path, "/etc/passwd") == 0)
        return 0;
    if (strcmp(path, "/etc/shadow") == 0)
        return 1;
    return -1;
}

static bool secrets_wants(const char *path, uint64_t size, void *vctx)
{
    scan_ctx *c = vctx;
    if (size == 0)
        return false;
    if (size > c->res->secret_max_bytes) {
        pthread_mutex_lock(&c->lock);
        c->res->files_oversize++;
        pthread_mutex_unlock(&c->lock);
        return false;
    }
    return true;
}

/* Tallies one rule that stopped early on path (under the result's lock). */
static void count_stop(ld_image_scan_result *res, const ld_secret_stopped *s, const char *path)
{
    for (size_t i = 0; i < res->n_stops; i++)
        if (strcmp(res->stops[i].rule_id, s->rule_id) == 0 &&
            strcmp(res->stops[i].reason, s->reason) == 0) {
            res->stops[i].files++;
            return;
        }
    ld_xgrow(&res->stops, &res->cap_stops, res->n_stops + 1, sizeof(*res->stops));
    res->stops[res->n_stops++] =
        (struct ld_image_secret_stop){s->rule_id, s->reason, 1, ld_xstrdup(path)};
}

static int secrets_file(const char *path, int layer, const uint8_t *data, size_t len, void *vctx,
                        ld_error *err)
{
    scan_ctx *c = vctx;
    ld_image_scan_result *res = c->res;
    if (res->skip_binary && ld_secret_looks_binary(data, len)) {
        pthread_mutex_lock(&c->lock);
        res->files_binary++;
        layer_tally *t = tally_at(c, layer);
        if (t)
            t->files_binary++;
        pthread_mutex_unlock(&c->lock);
        return 0;
    }
    ld_secret_hits h = {0};
    if (ld_secret_scan(res->rules, path, data, len, &h, err) < 0)
        return -1;
    pthread_mutex_lock(&c->lock);
    res->files_scanned++;
    res->bytes_scanned += len;
    if (h.n_stopped)
        res->files_incomplete++;
    layer_tally *t = tally_at(c, layer);
    if (t) {
        t->files_scanned++;
        t->bytes_scanned += len;
        t->files_incomplete += h.n_stopped ? 1 : 0;
    }
    for (size_t i = 0; i < h.n_stopped; i++) {
        count_stop(res, &h.stopped[i], path);
        count_layer_stop(c, layer, &h.stopped[i], path);
    }
    for (size_t i = 0; i < h.n; i++) {
        ld_xgrow(&res->secrets, &res->cap_secrets, res->n_secrets + 1, sizeof(*res->secrets));
        res->secrets[res->n_secrets++] = (ld_image_secret){ld_xstrdup(path), layer, h.v[i]};
    }
    for (size_t i = 0; i < h.n_unlisted; i++) {
        ld_xgrow(&res->capped, &res->cap_capped, res->n_capped + 1, sizeof(*res->capped));
        res->capped[res->n_capped++] =
            (struct ld_image_secret_capped){ld_xstrdup(path), layer, h.unlisted[i]};
    }
    pthread_mutex_unlock(&c->lock);
    ld_secret_hits_clear(&h);
    return 0;
}

/* Every version at any size: the reader notes the ones over max_bytes
 * and leaves a gap, so a big account file is "not assessed", not absent. */
static bool accounts_wants(const char *path, uint64_t size, void *vctx)
{
    (void)vctx, (void)size;
    return account_index(path) >= 0;
}

/* /etc/passwd as a link is read through it: the path decides what the
 * content means, whatever the target is called. */
static bool accounts_wants_link(const char *path, const char *target, uint64_t size, void *vctx)
{
    (void)target, (void)size, (void)vctx;
    return account_index(path) >= 0;
}

static const char *const account_paths[] = {"/etc/passwd", "/etc/shadow", NULL};

/* The scanner sees every file version under its own name already. */
static bool secrets_wants_link(const char *path, const char *target, uint64_t size, void *vctx)
{
    (void)path, (void)target, (void)size, (void)vctx;
    return false;
}

static int accounts_file(const char *path, int layer, const uint8_t *data, size_t len, void *vctx,
                         ld_error *err)
{
    (void)err;
    scan_ctx *c = vctx;
    ld_image_scan_result *res = c->res;
    pthread_mutex_lock(&c->lock);
    if (res->n_accounts < ACCOUNT_VERSIONS_MAX) {
        ld_xgrow(&res->accounts, &res->cap_accounts, res->n_accounts + 1, sizeof(*res->accounts));
        res->accounts[res->n_accounts++] = (struct ld_image_account_file){
            account_index(path), layer, ld_xstrndup((const char *)data, len), len};
    }
    pthread_mutex_unlock(&c->lock);
    return 0;
}

/* ---- the layer cache: what each analyzer found in one layer ----------------
 * Saved after the layer was read, restored when it is served from the
 * cache; a restore decodes all of its input before it changes anything
 * (and with apply false, only decodes). */

#define SAVE_FORMAT 1
#define SAVED_PATH_MAX 4096
#define SAVED_TEXT_MAX 256 /* rule ids, masked excerpts, stop reasons */

extern const unsigned char ld_data_secret_rules_yaml[];
extern const size_t ld_data_secret_rules_yaml_len;

/* What the secret scanner's results depend on besides the layer: the
 * built-in rules, the policy's rules and allow rules, the size limit and
 * whether binaries are passed over. */
static void secrets_cache_id(const ld_policy *pol, const ld_image_scan_result *res, char *out,
                             size_t size)
{
    ld_cache_writer w = {0};
    ld_cache_put_str(&w, "secrets");
    ld_cache_put_u32(&w, SAVE_FORMAT);
    ld_cache_put_bytes(&w, ld_data_secret_rules_yaml, ld_data_secret_rules_yaml_len);
    ld_cache_put_u64(&w, res->secret_max_bytes);
    ld_cache_put_u8(&w, res->skip_binary);
    ld_cache_put_u64(&w, LD_SECRET_HITS_PER_FILE);
    for (size_t i = 0; pol && i < pol->n_secret_rules; i++) {
        const ld_policy_secret_rule *r = &pol->secret_rules[i];
        ld_cache_put_str(&w, r->id);
        ld_cache_put_str(&w, r->description);
        ld_cache_put_str(&w, r->regex);
        ld_cache_put_u32(&w, (uint32_t)r->severity);
        ld_cache_put_u32(&w, (uint32_t)r->keywords.n);
        for (size_t k = 0; k < r->keywords.n; k++)
            ld_cache_put_str(&w, r->keywords.v[k]);
    }
    ld_cache_put_str(&w, "allow");
    for (size_t i = 0; pol && i < pol->n_secret_allow; i++) {
        const ld_policy_secret_allow *a = &pol->secret_allow[i];
        ld_cache_put_str(&w, a->id);
        ld_cache_put_str(&w, a->path);
        ld_cache_put_str(&w, a->regex);
    }
    uint8_t d[32];
    unsigned int len = 0;
    if (w.over || EVP_Digest(w.p, w.n, d, &len, EVP_sha256(), NULL) != 1)
        memset(d, 0xff, sizeof(d));
    ld_cache_writer_clear(&w);
    int o = snprintf(out, size, "secrets-%d:", SAVE_FORMAT);
    for (size_t i = 0; i < 16 && o > 0 && (size_t)o + 2 < size; i++, o += 2)
        snprintf(out + o, size - (size_t)o, "%02x", d[i]);
}

/* The rule with id in the scan's rule set, or NULL. */
static const secret_rule *rule_by_id(const ld_secret_ruleset *rs, const char *id, size_t *index)
{
    for (size_t i = 0; id && rs && i < rs->n_rules; i++)
        if (strcmp(rs->rules[i].id, id) == 0) {
            if (index)
                *index = i;
            return &rs->rules[i];
        }
    return NULL;
}

/* The static reason a stop was saved with ("match limit", ...). */
static const char *stop_reason(const char *saved)
{
    static const char *const reasons[] = {
        "match limit", "depth limit",   "heap limit", "JIT stack limit",
        "time budget", "out of memory", "error"};
    for (size_t i = 0; saved && i < sizeof(reasons) / sizeof(reasons[0]); i++)
        if (strcmp(reasons[i], saved) == 0)
            return reasons[i];
    return NULL;
}

static int secrets_save(void *vctx, int layer, struct ld_cache_writer *w, ld_error *err)
{
    (void)err;
    scan_ctx *c = vctx;
    ld_image_scan_result *res = c->res;
    pthread_mutex_lock(&c->lock);
    layer_tally t = {0};
    if (layer >= 0 && (size_t)layer < c->n_tally)
        t = c->tally[layer];
    ld_cache_put_u8(w, SAVE_FORMAT);
    ld_cache_put_u64(w, t.files_scanned);
    ld_cache_put_u64(w, t.bytes_scanned);
    ld_cache_put_u64(w, t.files_binary);
    ld_cache_put_u64(w, t.files_incomplete);
    uint64_t n = 0;
    for (size_t i = 0; i < res->n_secrets; i++)
        n += res->secrets[i].layer == layer;
    ld_cache_put_u64(w, n);
    for (size_t i = 0; i < res->n_secrets; i++) {
        const ld_image_secret *s = &res->secrets[i];
        if (s->layer != layer)
            continue;
        ld_cache_put_str(w, s->path);
        ld_cache_put_str(w, s->hit.rule_id);
        ld_cache_put_str(w, s->hit.masked);
        ld_cache_put_i64(w, s->hit.line);
        ld_cache_put_u64(w, s->hit.offset);
        ld_cache_put_u64(w, s->hit.rule_index);
    }
    n = 0;
    for (size_t i = 0; i < res->n_capped; i++)
        n += res->capped[i].layer == layer;
    ld_cache_put_u64(w, n);
    for (size_t i = 0; i < res->n_capped; i++) {
        const struct ld_image_secret_capped *cp = &res->capped[i];
        if (cp->layer != layer)
            continue;
        ld_cache_put_str(w, cp->path);
        ld_cache_put_str(w, cp->rule.rule_id);
        ld_cache_put_u64(w, cp->rule.count);
    }
    n = 0;
    for (size_t i = 0; i < c->n_lstops; i++)
        n += c->lstops[i].layer == layer;
    ld_cache_put_u64(w, n);
    for (size_t i = 0; i < c->n_lstops; i++) {
        const layer_stop *x = &c->lstops[i];
        if (x->layer != layer)
            continue;
        ld_cache_put_str(w, x->rule_id);
        ld_cache_put_str(w, x->reason);
        ld_cache_put_u64(w, x->files);
        ld_cache_put_str(w, x->example);
    }
    pthread_mutex_unlock(&c->lock);
    return 0;
}

/* Saved secret results, checked and held until they are applied. */
typedef struct {
    layer_tally t;
    ld_image_secret *secrets;
    size_t n_secrets;
    struct ld_image_secret_capped *capped;
    size_t n_capped;
    layer_stop *stops;
    size_t n_stops;
} saved_secrets;

static void saved_secrets_clear(saved_secrets *s)
{
    for (size_t i = 0; i < s->n_secrets; i++)
        free(s->secrets[i].path);
    free(s->secrets);
    for (size_t i = 0; i < s->n_capped; i++)
        free(s->capped[i].path);
    free(s->capped);
    for (size_t i = 0; i < s->n_stops; i++)
        free(s->stops[i].example);
    free(s->stops);
}

static bool read_saved_secrets(ld_cache_reader *r, const ld_secret_ruleset *rs, int layer,
                               saved_secrets *s)
{
    if (ld_cache_get_u8(r) != SAVE_FORMAT)
        return false;
    s->t.files_scanned = ld_cache_get_u64(r);
    s->t.bytes_scanned = ld_cache_get_u64(r);
    s->t.files_binary = ld_cache_get_u64(r);
    s->t.files_incomplete = ld_cache_get_u64(r);
    uint64_t n = ld_cache_get_count(r, 5 + 5 + 5 + 24);
    s->secrets = ld_xcalloc(n ? n : 1, sizeof(*s->secrets));
    for (uint64_t i = 0; i < n && !r->bad; i++) {
        ld_image_secret *x = &s->secrets[s->n_secrets++];
        x->path = ld_cache_get_str(r, SAVED_PATH_MAX);
        x->layer = layer;
        ld_autofree char *id = ld_cache_get_str(r, SAVED_TEXT_MAX);
        ld_autofree char *masked = ld_cache_get_str(r, LD_SECRET_MASK_MAX - 1);
        int64_t line = ld_cache_get_i64(r);
        uint64_t off = ld_cache_get_u64(r), idx = ld_cache_get_u64(r);
        const secret_rule *rule = idx < rs->n_rules ? &rs->rules[idx] : NULL;
        if (r->bad || !x->path || !masked || !rule || !id || strcmp(rule->id, id) != 0 ||
            line < 0 || line > INT32_MAX || off > SIZE_MAX)
            return false;
        x->hit.rule_id = rule->id;
        x->hit.description = rule->description;
        x->hit.severity = rule->severity;
        x->hit.rule_index = (size_t)idx;
        x->hit.line = (int)line;
        x->hit.offset = (size_t)off;
        memcpy(x->hit.masked, masked, strlen(masked) + 1);
    }
    n = ld_cache_get_count(r, 5 + 5 + 8);
    s->capped = ld_xcalloc(n ? n : 1, sizeof(*s->capped));
    for (uint64_t i = 0; i < n && !r->bad; i++) {
        struct ld_image_secret_capped *x = &s->capped[s->n_capped++];
        x->path = ld_cache_get_str(r, SAVED_PATH_MAX);
        x->layer = layer;
        ld_autofree char *id = ld_cache_get_str(r, SAVED_TEXT_MAX);
        uint64_t count = ld_cache_get_u64(r);
        const secret_rule *rule = rule_by_id(rs, id, NULL);
        if (r->bad || !x->path || !rule || count == 0 || count > SIZE_MAX)
            return false;
        x->rule = (ld_secret_unlisted){rule->id, rule->description, rule->severity, (size_t)count};
    }
    n = ld_cache_get_count(r, 5 + 5 + 8 + 5);
    s->stops = ld_xcalloc(n ? n : 1, sizeof(*s->stops));
    for (uint64_t i = 0; i < n && !r->bad; i++) {
        layer_stop *x = &s->stops[s->n_stops++];
        ld_autofree char *id = ld_cache_get_str(r, SAVED_TEXT_MAX);
        ld_autofree char *reason = ld_cache_get_str(r, SAVED_TEXT_MAX);
        x->layer = layer;
        x->files = ld_cache_get_u64(r);
        x->example = ld_cache_get_str(r, SAVED_PATH_MAX);
        const secret_rule *rule = rule_by_id(rs, id, NULL);
        x->rule_id = rule ? rule->id : NULL;
        x->reason = stop_reason(reason);
        if (r->bad || !x->rule_id || !x->reason || !x->example || x->files == 0)
            return false;
    }
    return ld_cache_reader_done(r);
}

static int secrets_load(void *vctx, int layer, const uint8_t *data, size_t len, bool apply,
                        ld_error *err)
{
    scan_ctx *c = vctx;
    ld_image_scan_result *res = c->res;
    ld_cache_reader r;
    ld_cache_reader_init(&r, data, len);
    saved_secrets s = {0};
    if (!read_saved_secrets(&r, res->rules, layer, &s)) {
        saved_secrets_clear(&s);
        return ld_error_set(err, LD_ERR_CORRUPT, "saved secret scan results do not match");
    }
    if (!apply) {
        saved_secrets_clear(&s);
        return 0;
    }
    pthread_mutex_lock(&c->lock);
    res->files_scanned += s.t.files_scanned;
    res->bytes_scanned += s.t.bytes_scanned;
    res->files_binary += s.t.files_binary;
    res->files_incomplete += s.t.files_incomplete;
    ld_xgrow(&res->secrets, &res->cap_secrets, res->n_secrets + s.n_secrets + 1,
             sizeof(*res->secrets));
    memcpy(res->secrets + res->n_secrets, s.secrets, s.n_secrets * sizeof(*s.secrets));
    res->n_secrets += s.n_secrets;
    s.n_secrets = 0; /* paths moved */
    ld_xgrow(&res->capped, &res->cap_capped, res->n_capped + s.n_capped + 1, sizeof(*res->capped));
    memcpy(res->capped + res->n_capped, s.capped, s.n_capped * sizeof(*s.capped));
    res->n_capped += s.n_capped;
    s.n_capped = 0;
    for (size_t i = 0; i < s.n_stops; i++) {
        const layer_stop *x = &s.stops[i];
        size_t k = 0;
        while (k < res->n_stops && !(strcmp(res->stops[k].rule_id, x->rule_id) == 0 &&
                                     strcmp(res->stops[k].reason, x->reason) == 0))
            k++;
        if (k < res->n_stops) {
            res->stops[k].files += x->files;
            continue;
        }
        ld_xgrow(&res->stops, &res->cap_stops, res->n_stops + 1, sizeof(*res->stops));
        res->stops[res->n_stops++] =
            (struct ld_image_secret_stop){x->rule_id, x->reason, x->files, ld_xstrdup(x->example)};
    }
    pthread_mutex_unlock(&c->lock);
    saved_secrets_clear(&s);
    return 0;
}

static int accounts_save(void *vctx, int layer, struct ld_cache_writer *w, ld_error *err)
{
    (void)err;
    scan_ctx *c = vctx;
    ld_image_scan_result *res = c->res;
    pthread_mutex_lock(&c->lock);
    ld_cache_put_u8(w, SAVE_FORMAT);
    uint64_t n = 0;
    for (size_t i = 0; i < res->n_accounts; i++)
        n += res->accounts[i].layer == layer;
    ld_cache_put_u64(w, n);
    for (size_t i = 0; i < res->n_accounts; i++) {
        const struct ld_image_account_file *a = &res->accounts[i];
        if (a->layer != layer)
            continue;
        ld_cache_put_u8(w, (uint8_t)a->which);
        ld_cache_put_bytes(w, a->data, a->len);
    }
    pthread_mutex_unlock(&c->lock);
    return 0;
}

static int accounts_load(void *vctx, int layer, const uint8_t *data, size_t len, bool apply,
                         ld_error *err)
{
    scan_ctx *c = vctx;
    ld_image_scan_result *res = c->res;
    ld_cache_reader r;
    ld_cache_reader_init(&r, data, len);
    bool ok = ld_cache_get_u8(&r) == SAVE_FORMAT;
    uint64_t n = ld_cache_get_count(&r, 10);
    /* checked whole first: a restore changes nothing or everything */
    ld_cache_reader check = r;
    for (uint64_t i = 0; ok && i < n; i++) {
        size_t l = 0;
        uint8_t which = ld_cache_get_u8(&check);
        ok = which <= 1 && ld_cache_get_bytes(&check, ACCOUNT_MAX_BYTES, &l) != NULL;
    }
    if (!ok || !ld_cache_reader_done(&check))
        return ld_error_set(err, LD_ERR_CORRUPT, "saved account files do not match");
    if (!apply)
        return 0;
    pthread_mutex_lock(&c->lock);
    for (uint64_t i = 0; i < n; i++) {
        size_t l = 0;
        int which = ld_cache_get_u8(&r);
        const uint8_t *p = ld_cache_get_bytes(&r, ACCOUNT_MAX_BYTES, &l);
        if (res->n_accounts >= ACCOUNT_VERSIONS_MAX)
            break;
        ld_xgrow(&res->accounts, &res->cap_accounts, res->n_accounts + 1, sizeof(*res->accounts));
        res->accounts[res->n_accounts++] =
            (struct ld_image_account_file){which, layer, ld_xstrndup((const char *)p, l), l};
    }
    pthread_mutex_unlock(&c->lock);
    return 0;
}

ld_secret_ruleset *ld_image_scan_rules(const ld_policy *policy, ld_error *err)
{
    ld_secret_ruleset *rs = ld_secret_rules_new();
    if (ld_secret_rules_add_builtin(rs, err) < 0)
        goto fail;
    for (size_t i = 0; policy && i < policy->n_secret_rules; i++) {
        const ld_policy_secret_rule *pr = &policy->secret_rules[i];
        ld_secret_rule_spec spec = {.id = pr->id,
                                    .description = pr->description,
                                    .severity = pr->severity,
                                    .keywords = &pr->keywords,
                                    .regex = pr->regex,
                                    .group = -1};
        if (ld_secret_rules_add(rs, &spec, err) < 0) {
            ld_error_wrap(err, "%s:%d", policy->path, pr->line);
            goto fail;
        }
    }
    for (size_t i = 0; policy && i < policy->n_secret_allow; i++) {
        const ld_policy_secret_allow *a = &policy->secret_allow[i];
        if (ld_secret_rules_add_allow(rs, a->id, a->path, a->regex, err) < 0) {
            ld_error_wrap(err, "%s:%d", policy->path, a->line);
            goto fail;
        }
    }
    if (ld_secret_rules_compile(rs, err) < 0)
        goto fail;
    return rs;
fail:
    ld_secret_rules_free(rs);
    return NULL;
}

void ld_image_scan_clear(ld_image_scan_result *res)
{
    ld_sbom_clear(&res->sbom);
    ld_image_free(res->img);
    ld_secret_rules_free(res->rules);
    for (size_t i = 0; i < res->n_secrets; i++)
        free(res->secrets[i].path);
    free(res->secrets);
    for (size_t i = 0; i < res->n_accounts; i++)
        free(res->accounts[i].data);
    free(res->accounts);
    for (size_t i = 0; i < res->n_stops; i++)
        free(res->stops[i].example);
    free(res->stops);
    for (size_t i = 0; i < res->n_capped; i++)
        free(res->capped[i].path);
    free(res->capped);
    memset(res, 0, sizeof(*res));
}

int ld_image_scan_read(const char *target, const ld_image_scan_options *opt,
                       ld_image_scan_result *res, ld_error *err)
{
    memset(res, 0, sizeof(*res));
    const ld_policy *pol = opt->policy;
    res->secret_max_bytes = opt->secret_max_bytes          ? opt->secret_max_bytes
                            : pol && pol->secret_max_bytes ? pol->secret_max_bytes
                                                           : LD_SECRET_DEFAULT_MAX_BYTES;
    res->skip_binary = pol && pol->has_secret_skip_binary ? pol->secret_skip_binary : true;
    if (opt->secrets && !(res->rules = ld_image_scan_rules(pol, err)))
        return err->code < 0 ? (int)err->code : LD_ERR_GENERIC;
    scan_ctx c = {.res = res, .secrets = opt->secrets};
    pthread_mutex_init(&c.lock, NULL);
    ld_analyzer an[2];
    size_t n = 0;
    an[n++] = (ld_analyzer){.name = ACCOUNTS_ANALYZER,
                            .wants = accounts_wants,
                            .file = accounts_file,
                            .ctx = &c,
                            .max_bytes = ACCOUNT_MAX_BYTES,
                            .wants_link = accounts_wants_link,
                            .paths = account_paths,
                            .cache_id = "accounts-1",
                            .layer_save = accounts_save,
                            .layer_load = accounts_load};
    if (opt->secrets) {
        secrets_cache_id(pol, res, c.secrets_cache_id, sizeof(c.secrets_cache_id));
        an[n++] = (ld_analyzer){.name = SECRETS_ANALYZER,
                                .wants = secrets_wants,
                                .file = secrets_file,
                                .ctx = &c,
                                .max_bytes = res->secret_max_bytes,
                                .wants_link = secrets_wants_link,
                                .cache_id = c.secrets_cache_id,
                                .layer_save = secrets_save,
                                .layer_load = secrets_load};
    }
    /* the reader's cap (0: its default, 64 MiB) must let the secret limit through */
    ld_image_options io = opt->image;
    uint64_t cap = io.max_file_bytes ? io.max_file_bytes : (uint64_t)64 << 20;
    if (cap < res->secret_max_bytes)
        io.max_file_bytes = res->secret_max_bytes;
    int rc = ld_sbom_collect_with(target, &io, an, n, &res->sbom, &res->img, err);
    pthread_mutex_destroy(&c.lock);
    free(c.tally);
    for (size_t i = 0; i < c.n_lstops; i++)
        free(c.lstops[i].example);
    free(c.lstops);
    if (rc < 0) {
        ld_image_scan_clear(res);
        return rc;
    }
    return 0;
}

/* The visible version of account file `which`. */
static ld_image_text_file visible_account(const ld_image_scan_result *res, int which)
{
    static const char *const paths[] = {"/etc/passwd", "/etc/shadow"};
    for (size_t i = 0; i < res->n_accounts; i++) {
        const struct ld_image_account_file *a = &res->accounts[i];
        if (a->which == which && ld_image_visible(res->img, paths[which], a->layer))
            return (ld_image_text_file){a->data, a->len, a->layer};
    }
    return (ld_image_text_file){NULL, 0, -1};
}

static int cmp_secret(const void *va, const void *vb)
{
    const ld_image_secret *a = va, *b = vb;
    int r = strcmp(a->path, b->path);
    if (!r)
        r = (a->layer > b->layer) - (a->layer < b->layer);
    if (!r)
        r = (a->hit.offset > b->hit.offset) - (a->hit.offset < b->hit.offset);
    return r;
}

static const char *layer_digest(const ld_image *img, int layer)
{
    if (!img || layer < 0 || (size_t)layer >= ld_image_layer_count(img))
        return NULL;
    const ld_layer_info *l = ld_image_layer(img, (size_t)layer);
    return l->digest ? l->digest : l->diff_id;
}

static int emit_secret(ld_findings *r, const ld_image_facts *f, const ld_image_scan_result *res,
                       const ld_image_secret *s, ld_error *err)
{
    const ld_control *c = ld_catalog_control_for_check(r->catalog, "image.secrets");
    if (!c)
        return ld_error_set(err, LD_ERR_GENERIC, "check image.secrets has no control");
    bool visible = ld_image_visible(res->img, s->path, s->layer);
    const ld_removed_file *rm = NULL;
    for (size_t i = 0; !visible && i < ld_image_removed_count(res->img); i++) {
        const ld_removed_file *x = ld_image_removed(res->img, i);
        if (x->layer == s->layer && strcmp(x->path, s->path) == 0)
            rm = x;
    }
    ld_finding *fd = ld_finding_new(c, "image.secrets", LD_STATUS_FAIL);
    fd->severity = s->hit.severity;
    ld_finding_set_title(fd, s->hit.description);
    ld_finding_set_target(fd, LD_TARGET_IMAGE, f->target_id, f->target_name);
    ld_finding_set_location(fd, s->path, s->hit.line);
    ld_secret_fields *sf = ld_finding_secret(fd);
    sf->rule_id = ld_xstrdup(s->hit.rule_id);
    sf->masked = ld_xstrdup(s->hit.masked);
    sf->line = s->hit.line;
    sf->layer_digest = ld_xstrdup(layer_digest(res->img, s->layer));
    if (s->layer >= 0 && (size_t)s->layer < ld_image_layer_count(res->img))
        sf->layer_created_by =
            ld_image_history_redact(ld_image_layer(res->img, (size_t)s->layer)->created_by);
    if (!visible) {
        sf->overwritten = rm && rm->overwritten;
        sf->deleted = !sf->overwritten;
        if (rm)
            sf->removed_by_layer = ld_xstrdup(layer_digest(res->img, rm->removed_by));
    }
    ld_autofree char *ld = ld_image_layer_desc(res->img, s->layer);
    ld_autofree char *gone = NULL;
    if (!visible) {
        ld_autofree char *rd = rm ? ld_image_layer_desc(res->img, rm->removed_by) : NULL;
        gone = ld_xasprintf("; %s by %s (still in the image's history)",
                            sf->overwritten ? "overwritten" : "deleted",
                            rd ? rd : "a later layer");
    }
    ld_finding_set_evidence(fd, "%s:%d: %s %s (rule %s) in %s%s", s->path, s->hit.line,
                            s->hit.description, s->hit.masked, s->hit.rule_id, ld,
                            gone ? gone : "");
    return ld_findings_add(r, fd, err);
}

/* A file with more hits than are listed still fails: per rule, one finding
 * says how many more there are (it carries the rule id, so an exception
 * for the rule covers it as it covers the listed ones). */
static int emit_capped(ld_findings *r, const ld_image_facts *f, const ld_image_scan_result *res,
                       const struct ld_image_secret_capped *cp, ld_error *err)
{
    const ld_control *c = ld_catalog_control_for_check(r->catalog, "image.secrets");
    if (!c)
        return ld_error_set(err, LD_ERR_GENERIC, "check image.secrets has no control");
    ld_finding *fd = ld_finding_new(c, "image.secrets", LD_STATUS_FAIL);
    fd->severity = cp->rule.severity;
    ld_finding_set_title(fd, cp->rule.description);
    ld_finding_set_target(fd, LD_TARGET_IMAGE, f->target_id, f->target_name);
    ld_finding_set_location(fd, cp->path, 0);
    ld_secret_fields *sf = ld_finding_secret(fd);
    sf->rule_id = ld_xstrdup(cp->rule.rule_id);
    sf->layer_digest = ld_xstrdup(layer_digest(res->img, cp->layer));
    ld_autofree char *ld = ld_image_layer_desc(res->img, cp->layer);
    size_t n = cp->rule.count;
    ld_finding_set_evidence(fd,
                            "%s: %zu more hit%s of rule %s in this file not listed (%d are listed "
                            "per file) in %s",
                            cp->path, n, n == 1 ? "" : "s", cp->rule.rule_id,
                            LD_SECRET_HITS_PER_FILE, ld);
    return ld_findings_add(r, fd, err);
}

#define STOPS_NAMED 5 /* rules named in the "not fully searched" finding */

/* "rule a stopped at its match limit in 2 files, e.g. /x; rule b ..." */
static char *stops_text(const ld_image_scan_result *res)
{
    char *out = ld_xstrdup("");
    for (size_t i = 0; i < res->n_stops && i < STOPS_NAMED; i++) {
        const struct ld_image_secret_stop *st = &res->stops[i];
        char *next =
            ld_xasprintf("%s%srule %s stopped at its %s in %llu file%s, e.g. %s", out,
                         i ? "; " : "", st->rule_id, st->reason, (unsigned long long)st->files,
                         st->files == 1 ? "" : "s", st->example);
        free(out);
        out = next;
    }
    if (res->n_stops > STOPS_NAMED) {
        char *next = ld_xasprintf("%s; %zu more", out, res->n_stops - STOPS_NAMED);
        free(out);
        out = next;
    }
    return out;
}

/* What the reader could not see, in the report's notes (every format):
 * the first few by path, then how many more. */
static void gap_notes(ld_findings *r, const ld_image *img)
{
    size_t n = ld_image_gap_count(img);
    for (size_t i = 0; i < n && i < GAP_NOTES; i++) {
        const ld_image_gap *g = ld_image_gap_at(img, i);
        ld_findings_note(r, "not assessed (%s%s%s): %s", ld_image_gap_kind_name(g->kind),
                         g->analyzer ? ", for " : "", g->analyzer ? g->analyzer : "", g->text);
    }
    if (n > GAP_NOTES)
        ld_findings_note(r,
                         "%zu more path%s of the image not assessed (over a limit, too deep, "
                         "unreadable, or a link that leads nowhere inside the image)",
                         n - GAP_NOTES, n - GAP_NOTES == 1 ? "" : "s");
}

int ld_image_scan_report(ld_findings *r, const char *target, const ld_image_scan_options *opt,
                         const ld_image_scan_result *res, ld_error *err)
{
    gap_notes(r, res->img);
    uint64_t hits, misses, not_read;
    if (ld_image_cache_stats(res->img, &hits, &misses, &not_read)) {
        ld_autofree char *summary = ld_layer_cache_summary(hits, misses, not_read);
        ld_findings_note(r, "%s", summary);
    }
    const char *id = ld_image_id(res->img);
    ld_image_facts f = {
        .target_id = id ? id : target,
        .target_name = target,
        .reference = ld_image_name(res->img),
        .config_json = ld_image_config_json(res->img),
        .img = res->img,
        .passwd = visible_account(res, 0),
        .shadow = visible_account(res, 1),
        .trusted_registries = opt->policy ? &opt->policy->trusted_registries : NULL,
        .rules = res->rules,
        .skip = &opt->image,
    };
    /* the tag check wants the name the user gave when it is a reference */
    if (strncmp(target, "docker:", 7) == 0)
        f.reference = target;
    if (opt->config) {
        static const char *const ids[] = {LD_IMAGE_CONFIG_CHECKS, LD_IMAGE_FILE_CHECKS};
        for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
            ld_findings_scope(r, LD_SCOPE_OWED, ids[i], NULL);
        if (ld_image_config_checks(r, &f, err) < 0 || ld_image_file_checks(r, &f, err) < 0)
            return -1;
    }
    if (opt->signatures && ld_image_signature_report(r, target, opt, res->img, err) < 0)
        return -1;
    if (!opt->secrets)
        return 0;
    ld_findings_scope(r, LD_SCOPE_OWED, "image.secrets", NULL);
    if (res->n_secrets > 1)
        qsort(res->secrets, res->n_secrets, sizeof(*res->secrets), cmp_secret);
    for (size_t i = 0; i < res->n_secrets; i++)
        if (emit_secret(r, &f, res, &res->secrets[i], err) < 0)
            return -1;
    for (size_t i = 0; i < res->n_capped; i++)
        if (emit_capped(r, &f, res, &res->capped[i], err) < 0)
            return -1;
    /* a file the scanner could not read is a file it cannot vouch for */
    if (res->files_oversize &&
        ld_image_emit(r, &f, "image.secrets", LD_STATUS_ERROR, NULL, err,
                      "%llu file%s over %llu bytes not scanned for secrets (to raise the "
                      "limit: the policy's secrets.max-file-bytes, or --secret-max-bytes)",
                      (unsigned long long)res->files_oversize, res->files_oversize == 1 ? "" : "s",
                      (unsigned long long)res->secret_max_bytes) < 0)
        return -1;
    if (res->files_incomplete) {
        /* each named rule was not assessed on those files: never a pass */
        ld_autofree char *stops = stops_text(res);
        if (ld_image_emit(r, &f, "image.secrets", LD_STATUS_ERROR, NULL, err,
                          "%llu file%s not fully searched for secrets (%s)",
                          (unsigned long long)res->files_incomplete,
                          res->files_incomplete == 1 ? "" : "s", stops) < 0)
            return -1;
    }
    /* paths the reader could not list or open: not searched */
    const ld_image_gap *first = NULL;
    uint64_t unseen = ld_image_gaps_for(res->img, SECRETS_ANALYZER, &first);
    if (unseen && ld_image_emit(r, &f, "image.secrets", LD_STATUS_ERROR, NULL, err,
                                "not assessed: %llu path%s of the image not scanned for secrets "
                                "(first: %s)",
                                (unsigned long long)unseen, unseen == 1 ? "" : "s",
                                first ? first->text : "?") < 0)
        return -1;
    if (res->n_secrets || res->files_oversize || res->files_incomplete || unseen)
        return 0;
    return ld_image_emit(r, &f, "image.secrets", LD_STATUS_PASS, NULL, err,
                         "no secrets in %llu file versions (%llu bytes) across %zu layer%s with "
                         "%zu rules; %llu binary files passed over",
                         (unsigned long long)res->files_scanned,
                         (unsigned long long)res->bytes_scanned, ld_image_layer_count(res->img),
                         ld_image_layer_count(res->img) == 1 ? "" : "s",
                         ld_secret_rules_count(res->rules),
                         (unsigned long long)res->files_binary);
}

/* The reference to read an engine image by: its first real tag (so the tag
 * checks see it), else its id. Caller frees. */
static char *engine_image_ref(const json_t *image)
{
    const json_t *tags = json_object_get(image, "RepoTags");
    size_t i;
    const json_t *t;
    json_array_foreach(tags, i, t)
    {
        const char *tag = json_string_value(t);
        if (tag && tag[0] && strcmp(tag, "<none>:<none>") != 0)
            return ld_xasprintf("docker:%s", tag);
    }
    const char *id = json_string_value(json_object_get(image, "Id"));
    return id && id[0] ? ld_xasprintf("docker:%s", id) : NULL;
}

int ld_image_scan_engine_image(ld_findings *r, const json_t *image, void *ctx, ld_error *err)
{
    ld_image_scan_engine_ctx *c = ctx;
    char *target = engine_image_ref(image);
    if (!target)
        return 0;
    ld_image_scan_result res = {0};
    ld_error read_err = LD_ERROR_INIT;
    int rc = 0;
    if (ld_image_scan_read(target, &c->scan, &res, &read_err) < 0) {
        ld_findings_note(r, "image %s not checked: %s", target + strlen("docker:"), read_err.msg);
        c->failed++;
    } else {
        rc = ld_image_scan_report(r, target, &c->scan, &res, err);
        c->scanned++;
    }
    ld_image_scan_clear(&res);
    free(target);
    return rc;
}
