/* The distribution API on top of ld_reg_do: manifests (GET with the four
 * accepted media types and the digest verified against what was asked and
 * what the registry claims; HEAD), small blobs (verified), uploads (POST
 * then a monolithic PUT ?digest=, skipped when HEAD finds the blob),
 * manifest PUT and DELETE, tags and the catalog with Link pagination on
 * the registry's own host. Every name a registry sends back (tags,
 * repositories, digests) is checked against the reference grammar before
 * it can reach a URL. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "registry/client_internal.h"
#include "util/cleanup.h"
#include "util/json_budget.h"
#include "util/mem.h"
#include "util/url_redact.h"

#define LIST_DEFAULT_MAX ((size_t)100000)
#define LIST_PAGES_MAX ((size_t)10000)

static const char accept_manifests[] = "Accept: " LD_MT_OCI_MANIFEST ", " LD_MT_DOCKER_MANIFEST
                                       ", " LD_MT_DOCKER_LIST ", " LD_MT_OCI_INDEX;

static const ld_json_limits list_limits = {
    .max_values = 2000000, .max_containers = 1000, .max_depth = 16};

void ld_reg_manifest_clear(ld_reg_manifest *m)
{
    if (!m)
        return;
    free(m->media_type);
    free(m->digest);
    free(m->body);
    memset(m, 0, sizeof(*m));
}

/* ---- arguments ------------------------------------------------------------------------ */

static int check_repo(ld_reg_client *c, const char *repo, ld_error *err)
{
    if (!reg_repo_valid(repo))
        return ld_error_set(err, LD_ERR_INVALID, "registry %s: \"%.200s\" is not a repository name",
                            c->host, repo ? repo : "");
    return 0;
}

static int check_reference(ld_reg_client *c, const char *ref, ld_error *err)
{
    if (!reg_tag_valid(ref) && !reg_digest_valid(ref))
        return ld_error_set(err, LD_ERR_INVALID,
                            "registry %s: \"%.200s\" is neither a tag nor a sha256 digest", c->host,
                            ref ? ref : "");
    return 0;
}

static int check_digest(ld_reg_client *c, const char *digest, ld_error *err)
{
    if (!reg_digest_valid(digest))
        return ld_error_set(err, LD_ERR_INVALID, "registry %s: \"%.200s\" is not a sha256 digest",
                            c->host, digest ? digest : "");
    return 0;
}

/* ---- answers ----------------------------------------------------------------------------- */

/* The error for an answer that is not the expected one. what: "manifest
 * REPO:REF", "blob REPO@DIGEST". */
static int status_error(ld_reg_client *c, const ld_reg_response *r, const char *what, ld_error *err)
{
    ld_autofree char *msg = reg_error_message(r);
    const char *sep = msg[0] ? ": " : "";
    if (r->status == 404)
        return ld_error_set(err, LD_ERR_NOT_FOUND, "registry %s: %s not found%s%s", c->host, what,
                            sep, msg);
    if (r->status == 401 || r->status == 403) {
        pthread_mutex_lock(&c->auth_mu);
        const char *src = reg_cred_words(c);
        ld_error_set(err, LD_ERR_INVALID,
                     "registry %s: %s: access denied (HTTP %ld) %s%s%s%s; give credentials with "
                     "--username and --password-stdin or docker login",
                     c->host, what, r->status,
                     src ? "with the credentials from " : "without credentials", src ? src : "",
                     sep, msg);
        pthread_mutex_unlock(&c->auth_mu);
        return err->code;
    }
    return ld_error_set(err, LD_ERR_GENERIC, "registry %s: %s: HTTP %ld%s%s", c->host, what,
                        r->status, sep, msg);
}

/* The media type without parameters ("application/json; charset=x" -> "application/json"). */
static char *bare_media_type(const char *ct)
{
    if (!ct)
        return NULL;
    size_t n = strcspn(ct, "; \t");
    return n ? ld_xstrndup(ct, n) : NULL;
}

/* A manifest's own "mediaType", else NULL. */
static char *document_media_type(const uint8_t *body, size_t len)
{
    ld_error ignored = LD_ERROR_INIT;
    json_t *doc = ld_json_load_bounded("manifest", (const char *)body, len, 0,
                                       &ld_json_cataloger_limits, &ignored);
    const char *mt = json_string_value(json_object_get(doc, "mediaType"));
    char *out = mt && *mt && strlen(mt) < 256 ? ld_xstrdup(mt) : NULL;
    json_decref(doc);
    return out;
}

/* ---- manifests ------------------------------------------------------------------------------ */

int ld_reg_get_manifest(ld_reg_client *c, const char *repo, const char *reference,
                        ld_reg_manifest *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    if (check_repo(c, repo, err) < 0 || check_reference(c, reference, err) < 0)
        return err->code;
    ld_autofree char *path = ld_xasprintf("/v2/%s/manifests/%s", repo, reference);
    ld_autofree char *what =
        ld_xasprintf("manifest %s%s%s", repo, reg_digest_valid(reference) ? "@" : ":", reference);
    const char *headers[] = {accept_manifests, NULL};
    ld_reg_request rq = {.method = "GET",
                         .path = path,
                         .repo = repo,
                         .actions = LD_REG_PULL,
                         .headers = headers,
                         .max_body = LD_REG_MAX_MANIFEST_BYTES};
    ld_reg_response r;
    int rc = ld_reg_do(c, &rq, &r, err);
    if (rc < 0) {
        if (rc == LD_ERR_LIMIT)
            ld_error_wrap(err, "%s", what);
        return rc;
    }
    if (r.status != 200) {
        rc = status_error(c, &r, what, err);
        goto out;
    }
    if (!r.body) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "registry %s: %s: empty answer", c->host, what);
        goto out;
    }
    char *digest = reg_sha256_digest(r.body, r.len);
    if (!digest) {
        rc = ld_error_set(err, LD_ERR_GENERIC, "registry %s: %s: cannot compute sha256", c->host,
                          what);
        goto out;
    }
    if (reg_digest_valid(reference) && strcmp(digest, reference) != 0) {
        rc = ld_error_set(err, LD_ERR_CORRUPT,
                          "registry %s: %s: the manifest sent hashes to %s, not to the digest "
                          "asked for; refused",
                          c->host, what, digest);
        free(digest);
        goto out;
    }
    if (r.docker_content_digest && strcmp(r.docker_content_digest, digest) != 0) {
        rc = ld_error_set(err, LD_ERR_CORRUPT,
                          "registry %s: %s: the manifest sent hashes to %s, not to the "
                          "Docker-Content-Digest %.100s the registry claims; refused",
                          c->host, what, digest, r.docker_content_digest);
        free(digest);
        goto out;
    }
    out->digest = digest;
    out->media_type = document_media_type(r.body, r.len);
    if (!out->media_type)
        out->media_type = bare_media_type(r.content_type);
    out->body = ld_steal_ptr(&r.body);
    out->len = r.len;
out:
    ld_reg_response_clear(&r);
    return rc;
}

int ld_reg_head_manifest(ld_reg_client *c, const char *repo, const char *reference, char **digest,
                         char **media_type, uint64_t *size, ld_error *err)
{
    if (digest)
        *digest = NULL;
    if (media_type)
        *media_type = NULL;
    if (size)
        *size = 0;
    if (check_repo(c, repo, err) < 0 || check_reference(c, reference, err) < 0)
        return err->code;
    ld_autofree char *path = ld_xasprintf("/v2/%s/manifests/%s", repo, reference);
    ld_autofree char *what =
        ld_xasprintf("manifest %s%s%s", repo, reg_digest_valid(reference) ? "@" : ":", reference);
    const char *headers[] = {accept_manifests, NULL};
    ld_reg_request rq = {
        .method = "HEAD", .path = path, .repo = repo, .actions = LD_REG_PULL, .headers = headers};
    ld_reg_response r;
    int rc = ld_reg_do(c, &rq, &r, err);
    if (rc < 0)
        return rc;
    if (r.status != 200) {
        rc = status_error(c, &r, what, err);
        ld_reg_response_clear(&r);
        return rc;
    }
    if (!r.docker_content_digest) {
        /* no digest header: the body tells */
        ld_reg_response_clear(&r);
        ld_reg_manifest m;
        if ((rc = ld_reg_get_manifest(c, repo, reference, &m, err)) < 0)
            return rc;
        if (digest)
            *digest = ld_steal_ptr(&m.digest);
        if (media_type)
            *media_type = ld_steal_ptr(&m.media_type);
        if (size)
            *size = m.len;
        ld_reg_manifest_clear(&m);
        return 0;
    }
    if (!reg_digest_valid(r.docker_content_digest)) {
        rc = ld_error_set(err, LD_ERR_CORRUPT,
                          "registry %s: %s: Docker-Content-Digest \"%.100s\" is not a sha256 "
                          "digest",
                          c->host, what, r.docker_content_digest);
    } else if (reg_digest_valid(reference) && strcmp(reference, r.docker_content_digest) != 0) {
        rc = ld_error_set(err, LD_ERR_CORRUPT,
                          "registry %s: %s: the registry claims digest %s for it; refused", c->host,
                          what, r.docker_content_digest);
    } else if (r.content_length > LD_REG_MAX_MANIFEST_BYTES) {
        rc = ld_error_set(
            err, LD_ERR_LIMIT, "registry %s: %s: %llu bytes, over the %zu MiB manifest limit",
            c->host, what, (unsigned long long)r.content_length, LD_REG_MAX_MANIFEST_BYTES >> 20);
    } else {
        if (digest)
            *digest = ld_steal_ptr(&r.docker_content_digest);
        if (media_type)
            *media_type = bare_media_type(r.content_type);
        if (size)
            *size = r.content_length;
    }
    ld_reg_response_clear(&r);
    return rc;
}

int ld_reg_put_manifest(ld_reg_client *c, const char *repo, const char *reference,
                        const char *media_type, const void *body, size_t len, char **digest,
                        ld_error *err)
{
    if (digest)
        *digest = NULL;
    if (check_repo(c, repo, err) < 0 || check_reference(c, reference, err) < 0)
        return err->code;
    if (!media_type || !*media_type || strpbrk(media_type, "\r\n"))
        return ld_error_set(err, LD_ERR_INVALID, "registry %s: a manifest needs a media type",
                            c->host);
    if (len > LD_REG_MAX_MANIFEST_BYTES)
        return ld_error_set(err, LD_ERR_LIMIT, "registry %s: manifest of %zu bytes is over %zu MiB",
                            c->host, len, LD_REG_MAX_MANIFEST_BYTES >> 20);
    ld_autofree char *sum = reg_sha256_digest(body, len);
    if (!sum)
        return ld_error_set(err, LD_ERR_GENERIC, "cannot compute sha256");
    if (reg_digest_valid(reference) && strcmp(reference, sum) != 0)
        return ld_error_set(err, LD_ERR_INVALID,
                            "registry %s: the manifest hashes to %s, not to %s", c->host, sum,
                            reference);
    ld_autofree char *path = ld_xasprintf("/v2/%s/manifests/%s", repo, reference);
    ld_autofree char *ct = ld_xasprintf("Content-Type: %s", media_type);
    ld_autofree char *what = ld_xasprintf("manifest upload %s%s%s", repo,
                                          reg_digest_valid(reference) ? "@" : ":", reference);
    const char *headers[] = {ct, NULL};
    ld_reg_request rq = {.method = "PUT",
                         .path = path,
                         .repo = repo,
                         .actions = LD_REG_PULL | LD_REG_PUSH,
                         .headers = headers,
                         .body = body,
                         .body_len = len,
                         .max_body = REG_ERROR_BODY_MAX};
    ld_reg_response r;
    int rc = ld_reg_do(c, &rq, &r, err);
    if (rc < 0)
        return rc;
    if (r.status != 201 && r.status != 200)
        rc = status_error(c, &r, what, err);
    else if (r.docker_content_digest && strcmp(r.docker_content_digest, sum) != 0)
        rc = ld_error_set(err, LD_ERR_CORRUPT,
                          "registry %s: %s: the registry stored it as %.100s, not %s", c->host,
                          what, r.docker_content_digest, sum);
    ld_reg_response_clear(&r);
    if (rc == 0 && digest)
        *digest = ld_steal_ptr(&sum);
    return rc;
}

int ld_reg_delete_manifest(ld_reg_client *c, const char *repo, const char *digest, ld_error *err)
{
    if (check_repo(c, repo, err) < 0 || check_digest(c, digest, err) < 0)
        return err->code;
    ld_autofree char *path = ld_xasprintf("/v2/%s/manifests/%s", repo, digest);
    ld_autofree char *what = ld_xasprintf("delete of %s@%s", repo, digest);
    ld_reg_request rq = {.method = "DELETE",
                         .path = path,
                         .repo = repo,
                         .actions = LD_REG_PULL | LD_REG_DELETE,
                         .max_body = REG_ERROR_BODY_MAX};
    ld_reg_response r;
    int rc = ld_reg_do(c, &rq, &r, err);
    if (rc < 0)
        return rc;
    if (r.status == 202 || r.status == 200 || r.status == 204)
        rc = 0;
    else if (r.status == 405)
        rc = ld_error_set(err, LD_ERR_UNSUPPORTED,
                          "registry %s: %s: deletes are disabled on this registry (HTTP 405)",
                          c->host, what);
    else
        rc = status_error(c, &r, what, err);
    ld_reg_response_clear(&r);
    return rc;
}

/* ---- blobs ------------------------------------------------------------------------------- */

int ld_reg_get_blob(ld_reg_client *c, const char *repo, const char *digest, size_t max,
                    uint8_t **buf, size_t *len, ld_error *err)
{
    *buf = NULL;
    *len = 0;
    if (check_repo(c, repo, err) < 0 || check_digest(c, digest, err) < 0)
        return err->code;
    if (!max)
        max = LD_REG_MAX_SMALL_BLOB_BYTES;
    ld_autofree char *path = ld_xasprintf("/v2/%s/blobs/%s", repo, digest);
    ld_autofree char *what = ld_xasprintf("blob %s@%s", repo, digest);
    ld_reg_request rq = {
        .method = "GET", .path = path, .repo = repo, .actions = LD_REG_PULL, .max_body = max};
    ld_reg_response r;
    int rc = ld_reg_do(c, &rq, &r, err);
    if (rc < 0) {
        if (rc == LD_ERR_LIMIT)
            ld_error_wrap(err, "%s", what);
        return rc;
    }
    if (r.status != 200) {
        rc = status_error(c, &r, what, err);
        ld_reg_response_clear(&r);
        return rc;
    }
    ld_autofree char *sum = reg_sha256_digest(r.body ? r.body : (const uint8_t *)"", r.len);
    if (!sum || strcmp(sum, digest) != 0) {
        rc =
            ld_error_set(err, LD_ERR_CORRUPT, "registry %s: %s: the bytes sent hash to %s; refused",
                         c->host, what, sum ? sum : "?");
        ld_reg_response_clear(&r);
        return rc;
    }
    *len = r.len;
    *buf = r.body ? ld_steal_ptr(&r.body) : (uint8_t *)ld_xstrdup("");
    ld_reg_response_clear(&r);
    return 0;
}

/* HEAD of the blob: 1 present, 0 absent, < 0 error. */
static int blob_exists(ld_reg_client *c, const char *repo, const char *digest, ld_error *err)
{
    ld_autofree char *path = ld_xasprintf("/v2/%s/blobs/%s", repo, digest);
    ld_reg_request rq = {
        .method = "HEAD", .path = path, .repo = repo, .actions = LD_REG_PULL | LD_REG_PUSH};
    ld_reg_response r;
    int rc = ld_reg_do(c, &rq, &r, err);
    if (rc < 0)
        return rc;
    rc = r.status == 200 ? 1 : 0;
    if (r.status == 401 || r.status == 403) {
        ld_autofree char *what = ld_xasprintf("blob %s@%s", repo, digest);
        rc = status_error(c, &r, what, err);
    }
    ld_reg_response_clear(&r);
    return rc;
}

/* POST an upload, then PUT its Location?digest=sum with the bytes. */
static int upload_blob(ld_reg_client *c, const char *repo, const void *data, size_t len,
                       const char *sum, ld_error *err)
{
    ld_autofree char *what = ld_xasprintf("blob upload %s@%s", repo, sum);
    ld_autofree char *start = ld_xasprintf("/v2/%s/blobs/uploads/", repo);
    ld_reg_request post = {.method = "POST",
                           .path = start,
                           .repo = repo,
                           .actions = LD_REG_PULL | LD_REG_PUSH,
                           .max_body = REG_ERROR_BODY_MAX};
    ld_reg_response r;
    int rc = ld_reg_do(c, &post, &r, err);
    if (rc < 0)
        return rc;
    if (r.status != 202 || !r.location) {
        rc = r.status == 202 ? ld_error_set(err, LD_ERR_CORRUPT,
                                            "registry %s: %s: no upload Location", c->host, what)
                             : status_error(c, &r, what, err);
        ld_reg_response_clear(&r);
        return rc;
    }
    /* Location: the upload's URL, relative or absolute on the registry's host */
    char *start_url = NULL, *base_url = NULL, *upload = NULL;
    if ((rc = reg_url_for(c, start, &start_url, err)) == 0 &&
        (rc = reg_redirect_target(c, start_url, r.location, &base_url, err)) == 0)
        rc = reg_url_for(c, base_url, &upload, err);
    free(start_url);
    free(base_url);
    ld_reg_response_clear(&r);
    if (rc < 0)
        return rc;
    CURLU *u = curl_url();
    if (!u)
        abort();
    char *put_url = NULL;
    ld_autofree char *q = ld_xasprintf("digest=%s", sum);
    bool ok =
        curl_url_set(u, CURLUPART_URL, upload, 0) == CURLUE_OK &&
        curl_url_set(u, CURLUPART_QUERY, q, CURLU_APPENDQUERY | CURLU_URLENCODE) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_URL, &put_url, 0) == CURLUE_OK;
    curl_url_cleanup(u);
    free(upload);
    if (!ok)
        return ld_error_set(err, LD_ERR_CORRUPT, "registry %s: %s: bad upload Location", c->host,
                            what);
    ld_reg_request put = {.method = "PUT",
                          .path = put_url,
                          .repo = repo,
                          .actions = LD_REG_PULL | LD_REG_PUSH,
                          .body = data,
                          .body_len = len,
                          .max_body = REG_ERROR_BODY_MAX};
    rc = ld_reg_do(c, &put, &r, err);
    curl_free(put_url);
    if (rc < 0)
        return rc;
    if (r.status != 201)
        rc = status_error(c, &r, what, err);
    else if (r.docker_content_digest && strcmp(r.docker_content_digest, sum) != 0)
        rc = ld_error_set(err, LD_ERR_CORRUPT, "registry %s: %s: stored as %.100s", c->host, what,
                          r.docker_content_digest);
    ld_reg_response_clear(&r);
    return rc;
}

int ld_reg_put_blob(ld_reg_client *c, const char *repo, const void *data, size_t len, char **digest,
                    ld_error *err)
{
    if (digest)
        *digest = NULL;
    if (check_repo(c, repo, err) < 0)
        return err->code;
    ld_autofree char *sum = reg_sha256_digest(data, len);
    if (!sum)
        return ld_error_set(err, LD_ERR_GENERIC, "cannot compute sha256");
    int rc = blob_exists(c, repo, sum, err);
    if (rc == 0)
        rc = upload_blob(c, repo, data, len, sum, err);
    if (rc < 0)
        return rc;
    if (digest)
        *digest = ld_steal_ptr(&sum);
    return 0;
}

/* ---- lists ----------------------------------------------------------------------------------- */

/* The rel="next" target of a Link header ("<URL>; rel=\"next\", <...>"), or NULL. */
char *reg_link_next(const char *link)
{
    const char *p = link;
    while ((p = strchr(p, '<'))) {
        const char *gt = strchr(p + 1, '>');
        if (!gt)
            return NULL;
        const char *next_lt = strchr(gt, '<');
        size_t plen = next_lt ? (size_t)(next_lt - gt - 1) : strlen(gt + 1);
        ld_autofree char *params = ld_xstrndup(gt + 1, plen);
        for (char *s = params; *s; s++)
            if (*s >= 'A' && *s <= 'Z')
                *s = (char)(*s - 'A' + 'a');
        bool next = false;
        for (char *s = strstr(params, "rel"); s && !next; s = strstr(s + 3, "rel")) {
            const char *v = s + 3;
            while (*v == ' ')
                v++;
            if (*v != '=')
                continue;
            v++;
            while (*v == ' ')
                v++;
            if (*v == '"')
                v++;
            next = strncmp(v, "next", 4) == 0 &&
                   (v[4] == '"' || v[4] == ';' || v[4] == ' ' || v[4] == ',' || v[4] == '\0');
        }
        if (next)
            return ld_xstrndup(p + 1, (size_t)(gt - p - 1));
        p = gt;
    }
    return NULL;
}

typedef bool (*name_check)(const char *);

/* GET first (and the pages its Link headers name), appending field's
 * strings to out; at most max. */
static int paged_list(ld_reg_client *c, const char *first, const char *repo, unsigned actions,
                      const char *field, name_check valid, const char *what, size_t max,
                      ld_strlist *out, ld_reg_response *first_resp, ld_error *err)
{
    ld_autofree char *url = NULL;
    int rc = reg_url_for(c, first, &url, err);
    if (rc < 0)
        return rc;
    ld_strlist seen = {0};
    size_t count = 0;
    for (size_t page = 0;; page++) {
        if (page >= LIST_PAGES_MAX) {
            rc = ld_error_set(err, LD_ERR_LIMIT, "registry %s: %s: more than %zu pages", c->host,
                              what, LIST_PAGES_MAX);
            break;
        }
        ld_strlist_push(&seen, url);
        ld_reg_request rq = {.method = "GET", .path = url, .repo = repo, .actions = actions};
        ld_reg_response r;
        if ((rc = ld_reg_do(c, &rq, &r, err)) < 0)
            break;
        if (r.status != 200) {
            if (page == 0 && first_resp) {
                *first_resp = r;
                rc = 1;
                break;
            }
            rc = status_error(c, &r, what, err);
            ld_reg_response_clear(&r);
            break;
        }
        json_t *doc = ld_json_load_bounded(what, (const char *)(r.body ? r.body : (uint8_t *)""),
                                           r.len, 0, &list_limits, err);
        if (!doc) {
            rc = ld_error_wrap(err, "registry %s", c->host);
            ld_reg_response_clear(&r);
            break;
        }
        json_t *arr = json_object_get(doc, field);
        if (!json_is_array(arr) && !json_is_null(arr) && arr) {
            rc = ld_error_set(err, LD_ERR_CORRUPT, "registry %s: %s: \"%s\" is not a list", c->host,
                              what, field);
        }
        size_t i;
        json_t *v;
        json_array_foreach(arr, i, v)
        {
            if (rc < 0)
                break;
            const char *s = json_string_value(v);
            if (!s || !valid(s)) {
                rc = ld_error_set(err, LD_ERR_CORRUPT,
                                  "registry %s: %s: entry %zu is not a valid name", c->host, what,
                                  i);
                break;
            }
            if (count >= max) {
                rc = ld_error_set(err, LD_ERR_LIMIT, "registry %s: %s: more than %zu entries",
                                  c->host, what, max);
                break;
            }
            ld_strlist_push(out, s);
            count++;
        }
        json_decref(doc);
        char *next = rc == 0 && r.link ? reg_link_next(r.link) : NULL;
        ld_reg_response_clear(&r);
        if (rc < 0 || !next) {
            free(next);
            break;
        }
        char *abs = NULL;
        rc = reg_redirect_target(c, url, next, &abs, err);
        free(next);
        if (rc == 0 && !reg_url_on_host(c, abs)) {
            ld_autofree char *shown = ld_url_redact(abs);
            rc = ld_error_set(err, LD_ERR_CORRUPT,
                              "registry %s: %s: next page on another host (%.200s); refused",
                              c->host, what, shown);
        }
        if (rc == 0 && ld_strlist_contains(&seen, abs))
            rc =
                ld_error_set(err, LD_ERR_CORRUPT, "registry %s: %s: the pages loop", c->host, what);
        if (rc < 0) {
            free(abs);
            break;
        }
        free(url);
        url = abs;
    }
    ld_strlist_clear(&seen);
    return rc;
}

static bool tag_check(const char *s)
{
    return reg_tag_valid(s);
}

static bool repo_check(const char *s)
{
    return reg_repo_valid(s);
}

int ld_reg_list_tags_paged(ld_reg_client *c, const char *repo, size_t page_size, size_t max,
                           ld_strlist *tags, ld_error *err)
{
    if (check_repo(c, repo, err) < 0)
        return err->code;
    ld_autofree char *path = page_size ? ld_xasprintf("/v2/%s/tags/list?n=%zu", repo, page_size)
                                       : ld_xasprintf("/v2/%s/tags/list", repo);
    ld_autofree char *what = ld_xasprintf("tags of %s", repo);
    return paged_list(c, path, repo, LD_REG_PULL, "tags", tag_check, what,
                      max ? max : LIST_DEFAULT_MAX, tags, NULL, err);
}

int ld_reg_list_tags(ld_reg_client *c, const char *repo, size_t max, ld_strlist *tags,
                     ld_error *err)
{
    return ld_reg_list_tags_paged(c, repo, 0, max, tags, err);
}

int ld_reg_catalog_paged(ld_reg_client *c, size_t page_size, size_t max, ld_strlist *repos,
                         ld_error *err)
{
    ld_autofree char *path =
        page_size ? ld_xasprintf("/v2/_catalog?n=%zu", page_size) : ld_xstrdup("/v2/_catalog");
    ld_reg_response first = {0};
    int rc = paged_list(c, path, NULL, LD_REG_CATALOG, "repositories", repo_check, "catalog",
                        max ? max : LIST_DEFAULT_MAX, repos, &first, err);
    if (rc == 1) {
        long st = first.status;
        ld_autofree char *msg = reg_error_message(&first);
        ld_reg_response_clear(&first);
        if (st == 401 || st == 403 || st == 404)
            return ld_error_set(err, LD_ERR_UNSUPPORTED,
                                "registry %s: the catalog is not available (HTTP %ld%s%s)", c->host,
                                st, msg[0] ? ": " : "", msg);
        return ld_error_set(err, LD_ERR_GENERIC, "registry %s: catalog: HTTP %ld%s%s", c->host, st,
                            msg[0] ? ": " : "", msg);
    }
    return rc;
}

int ld_reg_catalog(ld_reg_client *c, size_t max, ld_strlist *repos, ld_error *err)
{
    return ld_reg_catalog_paged(c, 0, max, repos, err);
}
