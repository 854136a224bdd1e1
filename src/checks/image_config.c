/* Image configuration and history checks (CIS Docker 4.x, NIST 800-190
 * 4.1): USER, HEALTHCHECK, secrets in ENV / labels / ARG values kept in
 * history, ADD where COPY would do (a URL nothing pins: medium; local files,
 * archives or pinned URLs: low; the base image's root file system exempt),
 * a package-index update alone in a layer, a `latest` or missing tag, the
 * base image's registry against the policy, and sensitive exposed ports.
 * Each check emits pass or fail findings with evidence naming the config
 * field or the history entry and its layer; every configuration value and
 * history command shown is masked (ld_secret_mask_text). Not for the file
 * system (image_files.c) or layer content (secrets). */
#include "checks/image_checks.h"
#include "checks/secret_placeholder.h"

#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/cleanup.h"
#include "util/image_ref.h"
#include "util/mem.h"

#define CONFIG_MAX_BYTES ((size_t)8 << 20)
#define SHOWN 120 /* characters of a history command quoted in evidence */

/* One finding of check_id; severity LD_SEV_COUNT: the control's. */
static int vemit(ld_findings *r, const ld_image_facts *f, const char *check_id, ld_status st,
                 ld_severity sev, const char *path, ld_error *err, const char *fmt, va_list ap)
    __attribute__((format(printf, 8, 0)));
static int vemit(ld_findings *r, const ld_image_facts *f, const char *check_id, ld_status st,
                 ld_severity sev, const char *path, ld_error *err, const char *fmt, va_list ap)
{
    const ld_control *c = ld_catalog_control_for_check(r->catalog, check_id);
    if (!c)
        return ld_error_set(err, LD_ERR_GENERIC, "check %s has no control in the catalog",
                            check_id);
    ld_finding *fd = ld_finding_new(c, check_id, st);
    if (sev != LD_SEV_COUNT)
        fd->severity = sev;
    ld_finding_set_target(fd, LD_TARGET_IMAGE, f->target_id, f->target_name);
    if (path)
        ld_finding_set_location(fd, path, 0);
    /* whatever a check quoted from the image, the evidence is masked as a
     * whole too: no check can print a secret by forgetting to */
    char *ev = ld_xvasprintf(fmt, ap);
    fd->evidence = ld_secret_mask_text(f->rules, ev);
    free(ev);
    return ld_findings_add(r, fd, err);
}

int ld_image_emit(ld_findings *r, const ld_image_facts *f, const char *check_id, ld_status st,
                  const char *path, ld_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vemit(r, f, check_id, st, LD_SEV_COUNT, path, err, fmt, ap);
    va_end(ap);
    return rc;
}

static int emit_severity(ld_findings *r, const ld_image_facts *f, const char *check_id,
                         ld_status st, ld_severity sev, ld_error *err, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
static int emit_severity(ld_findings *r, const ld_image_facts *f, const char *check_id,
                         ld_status st, ld_severity sev, ld_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vemit(r, f, check_id, st, sev, NULL, err, fmt, ap);
    va_end(ap);
    return rc;
}

/* A configuration value (User, Healthcheck, a label) as evidence may show
 * it: secrets masked with the scan's rules. Caller frees. */
static char *shown_value(const ld_image_facts *f, const char *s)
{
    return ld_secret_mask_text(f->rules, s ? s : "");
}

/* Copies at most SHOWN characters of s, control bytes as '?'. */
static char *shorten(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    size_t k = n > SHOWN ? SHOWN : n;
    char *o = ld_xmalloc(k + 4);
    for (size_t i = 0; i < k; i++)
        o[i] = (unsigned char)s[i] < 0x20 ? ' ' : s[i];
    memcpy(o + k, n > k ? "..." : "", n > k ? 4 : 1);
    return o;
}

char *ld_image_history_redact(const char *cb)
{
    return ld_secret_mask_history(NULL, cb);
}

char *ld_image_layer_desc(const ld_image *img, int layer)
{
    if (!img || layer < 0 || (size_t)layer >= ld_image_layer_count(img))
        return ld_xstrdup("the root file system");
    const ld_layer_info *l = ld_image_layer(img, (size_t)layer);
    const char *d = l->diff_id ? l->diff_id : l->digest ? l->digest : "?";
    ld_autofree char *red = ld_image_history_redact(l->created_by);
    ld_autofree char *cb = red ? shorten(red) : NULL;
    return ld_xasprintf("layer %d %.19s%s%s%s", layer, d, cb ? " (" : "", cb ? cb : "",
                        cb ? ")" : "");
}

long ld_image_passwd_uid(const ld_image_text_file *passwd, const char *user, char **name_out)
{
    if (name_out)
        *name_out = NULL;
    if (!passwd || !passwd->data || !user)
        return -1;
    bool numeric = user[0] != '\0';
    for (const char *p = user; *p; p++)
        numeric = numeric && isdigit((unsigned char)*p);
    const char *s = passwd->data, *end = s + passwd->len;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *le = nl ? nl : end;
        /* name:pw:uid:gid:... */
        const char *c1 = memchr(s, ':', (size_t)(le - s));
        const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(le - c1 - 1)) : NULL;
        const char *c3 = c2 ? memchr(c2 + 1, ':', (size_t)(le - c2 - 1)) : NULL;
        if (c3 && c3 > c2 + 1 && c3 - c2 - 1 < 11) {
            long uid = 0;
            bool ok = true;
            for (const char *q = c2 + 1; q < c3; q++) {
                ok = ok && isdigit((unsigned char)*q);
                uid = uid * 10 + (*q - '0');
            }
            size_t nlen = (size_t)(c1 - s);
            bool match = numeric ? ok && strlen(user) < 11 && uid == strtol(user, NULL, 10)
                                 : strlen(user) == nlen && memcmp(user, s, nlen) == 0;
            if (ok && match) {
                if (name_out)
                    *name_out = ld_xstrndup(s, nlen);
                return uid;
            }
        }
        s = le + 1;
    }
    return -1;
}

/* ---- checks ---- */

static int check_user(ld_findings *r, const ld_image_facts *f, json_t *cfg, ld_error *err)
{
    const char *raw = json_string_value(json_object_get(cfg, "User"));
    ld_autofree char *user = raw ? shown_value(f, raw) : NULL;
    if (!raw || !raw[0])
        return ld_image_emit(r, f, "image.user-nonroot", LD_STATUS_FAIL, NULL, err,
                             "config User is not set: the container runs as root (uid 0)");
    /* "user", "user:group", "uid:gid" */
    ld_autofree char *u = ld_xstrndup(raw, strcspn(raw, ":"));
    ld_autofree char *name = NULL;
    long uid = ld_image_passwd_uid(&f->passwd, u, &name);
    bool numeric = u[0] != '\0';
    for (const char *p = u; *p; p++)
        numeric = numeric && isdigit((unsigned char)*p);
    if (numeric && uid < 0)
        uid = strlen(u) < 11 ? strtol(u, NULL, 10) : 1;
    if (uid == 0 || (!numeric && strcmp(u, "root") == 0))
        return ld_image_emit(r, f, "image.user-nonroot", LD_STATUS_FAIL, NULL, err,
                             "config User \"%s\" is uid 0%s%s%s", user, name ? " (" : "",
                             name ? name : "", name ? " in /etc/passwd)" : "");
    if (uid < 0)
        return ld_image_emit(r, f, "image.user-nonroot", LD_STATUS_PASS, NULL, err,
                             "config User \"%s\" (not in the image's /etc/passwd: the engine "
                             "will refuse to start it unless it exists at run time)",
                             user);
    return ld_image_emit(r, f, "image.user-nonroot", LD_STATUS_PASS, NULL, err,
                         "config User \"%s\" is uid %ld%s%s%s", user, uid, name ? " (" : "",
                         name ? name : "", name ? ")" : "");
}

static int check_healthcheck(ld_findings *r, const ld_image_facts *f, json_t *cfg, ld_error *err)
{
    json_t *test = json_object_get(json_object_get(cfg, "Healthcheck"), "Test");
    const char *first = json_string_value(json_array_get(test, 0));
    if (!first)
        return ld_image_emit(r, f, "image.healthcheck", LD_STATUS_FAIL, NULL, err,
                             "config has no Healthcheck (no HEALTHCHECK instruction)");
    if (strcmp(first, "NONE") == 0)
        return ld_image_emit(r, f, "image.healthcheck", LD_STATUS_FAIL, NULL, err,
                             "config Healthcheck is disabled (HEALTHCHECK NONE)");
    ld_autofree char *shown = shown_value(f, json_string_value(json_array_get(test, 1)));
    ld_autofree char *cmd = shorten(shown);
    return ld_image_emit(r, f, "image.healthcheck", LD_STATUS_PASS, NULL, err,
                         "config Healthcheck %s %s", first, cmd);
}

/* What the secret checks over the configuration saw. */
typedef struct {
    size_t found;      /* secrets reported */
    size_t incomplete; /* values the rules could not finish searching */
} secret_tally;

/* Checks one NAME=value from ENV, a label or an ARG; emits a fail finding
 * (masked value) when it holds a secret, counted in t. */
static int check_pair(ld_findings *r, const ld_image_facts *f, const char *where, const char *name,
                      size_t nlen, const char *value, size_t vlen, secret_tally *t,
                      ld_strlist *seen, ld_error *err)
{
    char masked[LD_SECRET_MASK_MAX];
    const char *rule = NULL;
    if (f->rules) {
        ld_autofree char *line = ld_xasprintf("%.*s=%.*s\n", (int)nlen, name, (int)vlen, value);
        ld_secret_hits h = {0};
        if (ld_secret_scan(f->rules, "/.image-config", (const uint8_t *)line, strlen(line), &h,
                           err) < 0)
            return -1;
        if (h.n) {
            rule = h.v[0].rule_id;
            memcpy(masked, h.v[0].masked, sizeof(masked));
        }
        if (h.incomplete)
            t->incomplete++;
        ld_secret_hits_clear(&h);
    }
    if (!rule && ld_secret_key_name(name, nlen) && !ld_secret_placeholder_value(value, vlen)) {
        rule = "secret-name";
        ld_secret_mask(value, vlen, masked);
    }
    if (!rule)
        return 0;
    if (seen) { /* a build argument repeats in every later RUN: report it once */
        ld_autofree char *key = ld_xasprintf("%.*s=%s", (int)(nlen > 100 ? 100 : nlen), name,
                                             masked);
        if (ld_strlist_contains(seen, key))
            return 0;
        ld_strlist_push(seen, key);
    }
    t->found++;
    return ld_image_emit(r, f, "image.config-secrets", LD_STATUS_FAIL, NULL, err,
                         "%s %.*s has a secret value %s (rule %s); it is readable by anyone "
                         "who can pull the image",
                         where, (int)(nlen > 100 ? 100 : nlen), name, masked, rule);
}

/* ARG values in a history entry: "ARG X=v" (BuildKit), or "|2 X=v Y=w
 * /bin/sh -c ..." (RUN after ARG in the legacy builder and BuildKit). */
static int history_args(ld_findings *r, const ld_image_facts *f, const char *cb, int idx,
                        secret_tally *t, ld_strlist *seen, ld_error *err)
{
    const char *p = cb;
    if (strncmp(p, "/bin/sh -c #(nop) ", 18) == 0)
        p += 18;
    while (*p == ' ')
        p++;
    int count = -1;
    if (strncmp(p, "ARG ", 4) == 0) {
        p += 4;
        count = 1;
    } else if (*p == '|') {
        p++;
        count = 0;
        while (isdigit((unsigned char)*p) && count < 1000)
            count = count * 10 + (*p++ - '0');
    }
    char where[64];
    snprintf(where, sizeof(where), "history entry %d ARG", idx);
    for (int i = 0; i < count && *p; i++) {
        while (*p == ' ')
            p++;
        const char *eq = NULL, *e = p;
        while (*e && *e != ' ') {
            if (*e == '=' && !eq)
                eq = e;
            e++;
        }
        if (eq) {
            int rc = check_pair(r, f, where, p, (size_t)(eq - p), eq + 1, (size_t)(e - eq - 1), t,
                                seen, err);
            if (rc < 0)
                return rc;
        }
        p = e;
    }
    return 0;
}

static int check_config_secrets(ld_findings *r, const ld_image_facts *f, json_t *cfg, json_t *hist,
                                ld_error *err)
{
    secret_tally t = {0};
    size_t n_env = 0, n_labels = 0;
    json_t *env = json_object_get(cfg, "Env");
    for (size_t i = 0; i < json_array_size(env); i++) {
        const char *kv = json_string_value(json_array_get(env, i));
        const char *eq = kv ? strchr(kv, '=') : NULL;
        if (!eq)
            continue;
        n_env++;
        if (check_pair(r, f, "config Env", kv, (size_t)(eq - kv), eq + 1, strlen(eq + 1), &t, NULL,
                       err) < 0)
            return -1;
    }
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(cfg, "Labels"), k, v)
    {
        const char *s = json_string_value(v);
        if (!s)
            continue;
        n_labels++;
        if (check_pair(r, f, "config label", k, strlen(k), s, strlen(s), &t, NULL, err) < 0)
            return -1;
    }
    ld_strlist seen = {0};
    for (size_t i = 0; i < json_array_size(hist); i++) {
        const char *cb = json_string_value(json_object_get(json_array_get(hist, i), "created_by"));
        if (cb && history_args(r, f, cb, (int)i, &t, &seen, err) < 0) {
            ld_strlist_clear(&seen);
            return -1;
        }
    }
    ld_strlist_clear(&seen);
    if (t.found)
        return 0;
    if (t.incomplete) /* could not look everywhere: no pass */
        return ld_image_emit(r, f, "image.config-secrets", LD_STATUS_ERROR, NULL, err,
                             "%zu configuration value%s could not be fully searched for secrets "
                             "(a secret rule's regex hit its match limit on hostile content)",
                             t.incomplete, t.incomplete == 1 ? "" : "s");
    return ld_image_emit(r, f, "image.config-secrets", LD_STATUS_PASS, NULL, err,
                         "no secret values in %zu Env entries, %zu labels or the ARG values of "
                         "%zu history entries",
                         n_env, n_labels, json_array_size(hist));
}

static bool ci_contains(const char *s, const char *word)
{
    return strcasestr(s, word) != NULL;
}

/* The instruction a history entry records: "ADD ..." after the legacy
 * builder's "/bin/sh -c #(nop) " or at the start (BuildKit); NULL when the
 * entry is a RUN (whose text may say "ADD" anywhere). */
static const char *history_instruction(const char *cb)
{
    if (cb[0] == '|') /* "|N A=x /bin/sh -c ...": a RUN with build arguments */
        return NULL;
    const char *nop = strstr(cb, "#(nop) ");
    const char *p = nop ? nop + 7 : cb;
    if (!nop && strncmp(cb, "/bin/sh -c ", 11) == 0)
        return NULL; /* legacy builder RUN */
    while (*p == ' ')
        p++;
    return p;
}

static bool url_source(const char *w, size_t n)
{
    static const char *const schemes[] = {"http://", "https://", "ftp://",
                                          "git://",  "ssh://",   "git@"};
    for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
        if (n >= strlen(schemes[i]) && strncasecmp(w, schemes[i], strlen(schemes[i])) == 0)
            return true;
    return false;
}

typedef enum {
    ADD_NONE,   /* not an ADD */
    ADD_BASE,   /* the base image's root file system: the first layer, into / */
    ADD_LOCAL,  /* local files or archives (or a legacy-builder "file:<hash>") */
    ADD_PINNED, /* a URL or git source pinned by --checksum or a commit */
    ADD_REMOTE, /* a URL or git source nothing pins */
} add_kind;

/* Classifies the ADD of history entry text ins (see history_instruction);
 * first_layer: no earlier entry made a layer. */
static add_kind classify_add(const char *ins, bool first_layer)
{
    if (strncmp(ins, "ADD ", 4) != 0)
        return ADD_NONE;
    /* words up to BuildKit's trailing "# buildkit" */
    const char *end = strstr(ins, " # buildkit");
    if (!end)
        end = ins + strlen(ins);
    while (end > ins && end[-1] == ' ')
        end--;
    bool url = false, checksum = false, git_commit = false;
    const char *last = NULL;
    size_t last_n = 0;
    for (const char *p = ins + 4; p < end;) {
        while (p < end && *p == ' ')
            p++;
        const char *w = p;
        while (p < end && *p != ' ')
            p++;
        size_t n = (size_t)(p - w);
        if (!n)
            continue;
        if (n > 11 && strncmp(w, "--checksum=", 11) == 0)
            checksum = true;
        if (url_source(w, n)) {
            url = true;
            /* a git source pinned to a full commit id: ...#<40 or 64 hex> */
            const char *hash = memchr(w, '#', n);
            size_t hn = hash ? (size_t)(w + n - hash - 1) : 0;
            bool hex = hn == 40 || hn == 64;
            for (size_t k = 0; hex && k < hn; k++)
                hex = isxdigit((unsigned char)hash[1 + k]);
            git_commit = git_commit || hex;
        }
        last = w;
        last_n = n;
    }
    if (url)
        return checksum || git_commit ? ADD_PINNED : ADD_REMOTE;
    if (first_layer && last_n == 1 && last[0] == '/')
        return ADD_BASE;
    return ADD_LOCAL;
}

/* Walks history; for each entry calls the per-entry checks. The layer of a
 * history entry is the count of earlier entries that made a layer. */
static int check_history(ld_findings *r, const ld_image_facts *f, json_t *hist, ld_error *err)
{
    size_t adds = 0, update_alone = 0, base = 0;
    int layer = 0;
    for (size_t i = 0; i < json_array_size(hist); i++) {
        json_t *h = json_array_get(hist, i);
        const char *cb = json_string_value(json_object_get(h, "created_by"));
        bool empty = json_is_true(json_object_get(h, "empty_layer"));
        int this_layer = empty ? -1 : layer;
        if (!empty)
            layer++;
        if (!cb)
            continue;
        ld_autofree char *red = ld_image_history_redact(cb);
        ld_autofree char *shown = shorten(red);
        const char *ins = history_instruction(cb);
        add_kind add = ins ? classify_add(ins, this_layer == 0) : ADD_NONE;
        if (add == ADD_BASE)
            base++;
        if (add == ADD_LOCAL || add == ADD_PINNED || add == ADD_REMOTE) {
            /* CIS 4.9: COPY, not ADD. A fetch nothing pins is the worse case */
            adds++;
            ld_autofree char *ld = ld_image_layer_desc(f->img, this_layer);
            const char *what =
                add == ADD_REMOTE ? "fetches a URL that no --checksum or commit id pins"
                : add == ADD_PINNED
                    ? "fetches a pinned URL (use COPY of a verified download instead)"
                    : "adds local files or an archive (COPY copies files; extract archives "
                      "explicitly in a RUN step)";
            if (emit_severity(r, f, "image.add-instruction", LD_STATUS_FAIL,
                              add == ADD_REMOTE ? LD_SEV_MEDIUM : LD_SEV_LOW, err,
                              "history entry %zu uses ADD where COPY would do: it %s (%s): %s", i,
                              what, this_layer >= 0 ? ld : "no layer", shown) < 0)
                return -1;
        }
        bool update = ci_contains(cb, "apt-get update") || ci_contains(cb, "apt update") ||
                      ci_contains(cb, "apk update") || ci_contains(cb, "yum makecache") ||
                      ci_contains(cb, "dnf makecache") || ci_contains(cb, "zypper refresh");
        bool install = ci_contains(cb, "install") || ci_contains(cb, "upgrade") ||
                       ci_contains(cb, "apk add") || ci_contains(cb, "dist-upgrade");
        if (update && !install) {
            update_alone++;
            ld_autofree char *ld = ld_image_layer_desc(f->img, this_layer);
            if (ld_image_emit(r, f, "image.update-alone", LD_STATUS_FAIL, NULL, err,
                              "history entry %zu updates the package index without installing "
                              "in the same layer (%s): %s",
                              i, this_layer >= 0 ? ld : "no layer", shown) < 0)
                return -1;
        }
    }
    size_t n = json_array_size(hist);
    if (!adds &&
        ld_image_emit(r, f, "image.add-instruction", LD_STATUS_PASS, NULL, err,
                      "no ADD in %zu history entries%s", n,
                      base ? " (the base image's root file system, ADDed into / as the first "
                             "layer, is how every base image starts)"
                           : "") < 0)
        return -1;
    if (!update_alone &&
        ld_image_emit(r, f, "image.update-alone", LD_STATUS_PASS, NULL, err,
                      "no package-index update alone in %zu history entries", n) < 0)
        return -1;
    return 0;
}

/* A reference usable for the tag and registry checks: strips the source
 * prefix; archives and directories give none (their name is a path). */
static const char *usable_ref(const char *ref)
{
    if (!ref)
        return NULL;
    if (strncmp(ref, "docker:", 7) == 0)
        return ref + 7;
    if (strchr(ref, ':') && (strncmp(ref, "dir:", 4) == 0 || strncmp(ref, "oci:", 4) == 0 ||
                             strncmp(ref, "docker-archive:", 15) == 0 ||
                             strncmp(ref, "oci-archive:", 12) == 0))
        return NULL;
    if (ref[0] == '/' || ref[0] == '.' || strstr(ref, ".tar"))
        return NULL;
    return ref;
}

static int check_tag(ld_findings *r, const ld_image_facts *f, ld_error *err)
{
    /* a root file system directory is named by its path, relative or not */
    bool dir = f->img && strcmp(ld_image_source_kind(f->img), "dir") == 0;
    const char *ref = dir ? NULL : usable_ref(f->reference);
    if (!ref)
        return ld_image_emit(r, f, "image.tag-latest", LD_STATUS_SKIPPED, NULL, err,
                             "no image reference (the target is an archive or directory without "
                             "a repository tag)");
    ld_autofree char *reg = NULL, *repo = NULL, *tag = NULL, *dig = NULL;
    ld_image_ref_split(ref, &reg, &repo, &tag, &dig);
    if (dig)
        return ld_image_emit(r, f, "image.tag-latest", LD_STATUS_PASS, NULL, err,
                             "reference %s is pinned by digest", ref);
    if (!tag)
        return ld_image_emit(r, f, "image.tag-latest", LD_STATUS_FAIL, NULL, err,
                             "reference %s has no tag (means :latest)", ref);
    if (strcmp(tag, "latest") == 0)
        return ld_image_emit(r, f, "image.tag-latest", LD_STATUS_FAIL, NULL, err,
                             "reference %s uses the latest tag", ref);
    return ld_image_emit(r, f, "image.tag-latest", LD_STATUS_PASS, NULL, err,
                         "reference %s has the version tag %s", ref, tag);
}

static int check_base(ld_findings *r, const ld_image_facts *f, json_t *cfg, ld_error *err)
{
    const char *base =
        json_string_value(json_object_get(json_object_get(cfg, "Labels"),
                                          "org.opencontainers.image.base.name"));
    const char *what = "base image (label org.opencontainers.image.base.name)";
    if (!base) {
        base = usable_ref(f->reference);
        what = "image reference (no org.opencontainers.image.base.name label)";
    }
    if (!f->trusted_registries || f->trusted_registries->n == 0)
        return ld_image_emit(r, f, "image.base-trusted", LD_STATUS_ERROR, NULL, err,
                             "the policy lists no trusted-registries; add them to check the base "
                             "image's origin");
    if (!base)
        return ld_image_emit(r, f, "image.base-trusted", LD_STATUS_ERROR, NULL, err,
                             "base image unknown: no org.opencontainers.image.base.name label and "
                             "no image reference");
    ld_autofree char *reg = NULL, *repo = NULL, *tag = NULL, *dig = NULL;
    ld_image_ref_split(base, &reg, &repo, &tag, &dig);
    bool ok = ld_image_ref_trusted(f->trusted_registries, reg, repo);
    ld_autofree char *list = ld_strlist_join(f->trusted_registries, ", ");
    /* a label is free text ("https://user:token@host/..."): what evidence
     * shows is split from the masked text, never from the raw one */
    ld_autofree char *shown = shown_value(f, base);
    ld_autofree char *sreg = NULL, *srepo = NULL, *stag = NULL, *sdig = NULL;
    ld_image_ref_split(shown, &sreg, &srepo, &stag, &sdig);
    return ld_image_emit(r, f, "image.base-trusted", ok ? LD_STATUS_PASS : LD_STATUS_FAIL, NULL,
                         err, "%s %s is from %s/%s, %s the trusted registries (%s)", what, shown,
                         sreg, srepo, ok ? "within" : "outside", list);
}

static int check_ports(ld_findings *r, const ld_image_facts *f, json_t *cfg, ld_error *err)
{
    static const struct {
        unsigned port;
        const char *what;
    } sensitive[] = {
        {22, "SSH"},           {23, "telnet"},       {512, "rexec"},      {513, "rlogin"},
        {514, "rsh"},          {2375, "Docker API (plain)"}, {2376, "Docker API (TLS)"},
        {2379, "etcd client"}, {3389, "RDP"},        {5900, "VNC"},        {5985, "WinRM"},
        {5986, "WinRM (TLS)"}, {10250, "kubelet API"},
    };
    size_t bad = 0, n = 0;
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(cfg, "ExposedPorts"), k, v)
    {
        (void)v;
        n++;
        unsigned port = 0;
        const char *p = k;
        while (isdigit((unsigned char)*p) && port < 100000)
            port = port * 10 + (unsigned)(*p++ - '0');
        for (size_t i = 0; i < sizeof(sensitive) / sizeof(sensitive[0]); i++)
            if (sensitive[i].port == port) {
                bad++;
                if (ld_image_emit(r, f, "image.sensitive-port", LD_STATUS_FAIL, NULL, err,
                                  "config ExposedPorts has %s (%s)", k, sensitive[i].what) < 0)
                    return -1;
            }
    }
    if (bad)
        return 0;
    return ld_image_emit(r, f, "image.sensitive-port", LD_STATUS_PASS, NULL, err,
                         "no sensitive port among %zu exposed port%s", n, n == 1 ? "" : "s");
}

int ld_image_config_checks(ld_findings *r, const ld_image_facts *f, ld_error *err)
{
    static const char *const ids[] = {LD_IMAGE_CONFIG_CHECKS};
    json_t *root = NULL;
    if (f->config_json && strlen(f->config_json) <= CONFIG_MAX_BYTES) {
        json_error_t je;
        root = json_loads(f->config_json, JSON_REJECT_DUPLICATES, &je);
    }
    if (!json_is_object(root)) {
        json_decref(root);
        /* the reference-only checks still apply */
        for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
            int rc = strcmp(ids[i], "image.tag-latest") == 0
                         ? check_tag(r, f, err)
                         : ld_image_emit(r, f, ids[i],
                                         f->config_json ? LD_STATUS_ERROR : LD_STATUS_SKIPPED, NULL,
                                         err, "no image configuration (%s)",
                                         f->config_json ? "it does not parse as a JSON object"
                                                        : "a root file system directory");
            if (rc < 0)
                return rc;
        }
        return 0;
    }
    json_t *cfg = json_object_get(root, "config");
    if (!json_is_object(cfg))
        cfg = json_object_get(root, "Config"); /* engine inspect shape */
    json_t *hist = json_object_get(root, "history");
    int rc = 0;
    if ((rc = check_user(r, f, cfg, err)) < 0 || (rc = check_healthcheck(r, f, cfg, err)) < 0 ||
        (rc = check_config_secrets(r, f, cfg, hist, err)) < 0 ||
        (rc = check_history(r, f, hist, err)) < 0 || (rc = check_tag(r, f, err)) < 0 ||
        (rc = check_base(r, f, cfg, err)) < 0 || (rc = check_ports(r, f, cfg, err)) < 0) {
        json_decref(root);
        return rc;
    }
    json_decref(root);
    return 0;
}
