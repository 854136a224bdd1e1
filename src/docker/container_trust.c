/* container.image-trusted and container.image-signed
 * (docker/container_trust.h). */
#include <string.h>

#include "docker/container_trust.h"
#include "registry/client.h"
#include "util/cleanup.h"
#include "util/image_ref.h"
#include "util/mem.h"

#define CHECK_TRUSTED "container.image-trusted"
#define CHECK_SIGNED "container.image-signed"

/* The /images/json entry whose Id is image_id, or NULL. */
static const json_t *find_image(const json_t *images, const char *image_id)
{
    size_t i;
    const json_t *im;
    json_array_foreach(images, i, im)
    {
        const char *id = json_string_value(json_object_get(im, "Id"));
        if (id && strcmp(id, image_id) == 0)
            return im;
    }
    return NULL;
}

/* The image's RepoDigests ("host/repo@sha256:..") into out: those of the
 * repository the container was created from (ref) when there are any — a
 * signature or an origin names a repository, and the same bytes pulled
 * under another name say nothing about this one — else all of them. */
static void repo_digests(const json_t *image, const char *ref, ld_strlist *out)
{
    ld_autofree char *reg = NULL, *repo = NULL, *tag = NULL, *dig = NULL;
    ld_image_ref_split(ref, &reg, &repo, &tag, &dig);
    ld_strlist all = {0};
    size_t i;
    const json_t *d;
    json_array_foreach(json_object_get(image, "RepoDigests"), i, d)
    {
        const char *s = json_string_value(d);
        if (!s || !strchr(s, '@'))
            continue;
        ld_strlist_push(&all, s);
        ld_autofree char *dreg = NULL, *drepo = NULL, *dtag = NULL, *ddig = NULL;
        ld_image_ref_split(s, &dreg, &drepo, &dtag, &ddig);
        if (strcmp(dreg, reg) == 0 && strcmp(drepo, repo) == 0)
            ld_strlist_push(out, s);
    }
    if (out->n == 0)
        for (size_t k = 0; k < all.n; k++)
            ld_strlist_push(out, all.v[k]);
    ld_strlist_clear(&all);
}

static int check_trusted(ld_findings *r, const char *cid, const char *cname, const char *ref,
                         const ld_strlist *digests, const ld_container_trust_env *env,
                         ld_error *err)
{
    const ld_strlist *trusted = env->trusted_registries;
    if (!trusted || trusted->n == 0)
        return ld_findings_check(r, CHECK_TRUSTED, LD_STATUS_ERROR, LD_TARGET_CONTAINER, cid,
                                 cname, err,
                                 "the policy lists no trusted-registries; add them to check "
                                 "where running images come from");
    ld_autofree char *list = ld_strlist_join(trusted, ", ");
    if (digests->n == 0)
        return ld_findings_check(r, CHECK_TRUSTED, LD_STATUS_FAIL, LD_TARGET_CONTAINER, cid,
                                 cname, err,
                                 "image %s was not pulled from any registry (no RepoDigests: "
                                 "built or loaded on this host), so it is not from the trusted "
                                 "registries (%s)",
                                 ref, list);
    for (size_t i = 0; i < digests->n; i++) {
        ld_autofree char *reg = NULL, *repo = NULL, *tag = NULL, *dig = NULL;
        ld_image_ref_split(digests->v[i], &reg, &repo, &tag, &dig);
        if (ld_image_ref_trusted(trusted, reg, repo))
            return ld_findings_check(r, CHECK_TRUSTED, LD_STATUS_PASS, LD_TARGET_CONTAINER, cid,
                                     cname, err, "image %s was pulled as %s, within the trusted "
                                     "registries (%s)", ref, digests->v[i], list);
    }
    ld_autofree char *seen = ld_strlist_join(digests, ", ");
    return ld_findings_check(r, CHECK_TRUSTED, LD_STATUS_FAIL, LD_TARGET_CONTAINER, cid, cname,
                             err, "image %s was pulled as %s, outside the trusted registries (%s)",
                             ref, seen, list);
}

int ld_container_trust_checks(ld_findings *r, const json_t *inspect,
                              const ld_container_trust_env *env, ld_error *err)
{
    const char *cid = json_string_value(json_object_get(inspect, "Id"));
    const char *name = json_string_value(json_object_get(inspect, "Name"));
    if (name && name[0] == '/')
        name++;
    if (!cid)
        cid = "?";
    const char *image_id = json_string_value(json_object_get(inspect, "Image"));
    const char *ref =
        json_string_value(json_object_get(json_object_get(inspect, "Config"), "Image"));
    if (!ref)
        ref = image_id ? image_id : "?";
    const json_t *image = env->images && image_id ? find_image(env->images, image_id) : NULL;
    if (!image) {
        const char *why = !env->images ? "the engine's image list could not be read"
                                       : "its image is not in the engine's image list";
        int rc = ld_findings_check(r, CHECK_TRUSTED, LD_STATUS_ERROR, LD_TARGET_CONTAINER, cid,
                                   name, err, "%s", why);
        if (rc == 0)
            rc = ld_findings_check(r, CHECK_SIGNED, LD_STATUS_ERROR, LD_TARGET_CONTAINER, cid,
                                   name, err, "%s", why);
        return rc;
    }
    ld_strlist digests = {0};
    repo_digests(image, ref, &digests);
    int rc = check_trusted(r, cid, name, ref, &digests, env, err);
    if (rc == 0 && !env->signatures)
        rc = ld_findings_check(r, CHECK_SIGNED, LD_STATUS_ERROR, LD_TARGET_CONTAINER, cid, name,
                               err, "image signatures were not checked in this run");
    else if (rc == 0)
        rc = ld_signature_check_image(env->signatures, r, CHECK_SIGNED, LD_TARGET_CONTAINER, cid,
                                      name, &digests, false, err);
    ld_strlist_clear(&digests);
    return rc;
}
