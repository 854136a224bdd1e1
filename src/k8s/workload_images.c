/* Image checks of the workload family: every container's image (of every
 * kind: containers, initContainers, ephemeralContainers) is tagged with a
 * version, not `latest` or nothing (k8s.workload.image-tag), pinned by
 * digest (k8s.workload.image-digest), and from a registry the policy
 * trusts (k8s.workload.image-trusted; the registry matching is the image
 * checks' own, util/image_ref.h). References are masked in evidence: a
 * reference can carry credentials. */
#include <string.h>

#include "k8s/workload_internal.h"
#include "util/cleanup.h"
#include "util/image_ref.h"
#include "util/mem.h"

int wl_check_images(wl_ctx *c, const ld_k8s_pod *p)
{
    const ld_strlist *trusted = c->o->trusted_registries;
    bool judge_trust = trusted && trusted->n;
    ld_k8s_evlist tag = LD_K8S_EVLIST_INIT, digest = LD_K8S_EVLIST_INIT,
                  foreign = LD_K8S_EVLIST_INIT;
    const ld_yaml_node *tag_at = NULL, *digest_at = NULL, *foreign_at = NULL;
    size_t judged = 0, n = ld_k8s_pod_container_count(p);
    for (size_t i = 0; i < n; i++) {
        ld_k8s_container ct;
        if (!ld_k8s_pod_container(p, i, &ct))
            continue;
        const ld_yaml_node *image_node = ld_yaml_get(ct.node, "image");
        const char *image = ld_k8s_str(image_node);
        if (!image || !*image)
            continue; /* the API server refuses it; nothing to judge */
        judged++;
        ld_autofree char *reg = NULL, *repo = NULL, *version = NULL, *dig = NULL;
        ld_image_ref_split(image, &reg, &repo, &version, &dig);
        ld_autofree char *where = wl_container_path(p, &ct);
        const char *shown = wl_shown(c, image);
        if (!dig && (!version || strcmp(version, "latest") == 0)) {
            if (version)
                ld_k8s_evlist_add(&tag, "%s: image %s uses the latest tag", where, shown);
            else
                ld_k8s_evlist_add(&tag, "%s: image %s has no tag (it means latest)", where, shown);
            tag_at = tag_at ? tag_at : image_node;
        }
        if (!dig) {
            ld_k8s_evlist_add(&digest, "%s: image %s is not pinned by digest (@sha256:...)", where,
                              shown);
            digest_at = digest_at ? digest_at : image_node;
        }
        if (judge_trust && !ld_image_ref_trusted(trusted, reg, repo)) {
            const char *shown_repo = wl_shown(c, repo);
            const char *shown_reg = wl_shown(c, reg);
            ld_k8s_evlist_add(&foreign, "%s: image %s is from %s/%s", where, shown, shown_reg,
                              shown_repo);
            foreign_at = foreign_at ? foreign_at : image_node;
        }
    }
    int rc = 0;
    if (judged) {
        c->tally[WL_IMAGE_TAG].judged++;
        c->tally[WL_IMAGE_DIGEST].judged++;
        if (tag.items)
            rc = wl_emit(c, WL_IMAGE_TAG, LD_STATUS_FAIL, p->obj, tag_at, "%s",
                         ld_k8s_evlist_text(&tag));
        if (rc == 0 && digest.items)
            rc = wl_emit(c, WL_IMAGE_DIGEST, LD_STATUS_FAIL, p->obj, digest_at,
                         "%s: a tag can be moved to other content", ld_k8s_evlist_text(&digest));
        if (judge_trust) {
            c->tally[WL_IMAGE_TRUSTED].judged++;
            if (rc == 0 && foreign.items) {
                ld_autofree char *list = ld_strlist_join(trusted, ", ");
                rc = wl_emit(c, WL_IMAGE_TRUSTED, LD_STATUS_FAIL, p->obj, foreign_at,
                             "%s, outside the trusted registries (%s)",
                             ld_k8s_evlist_text(&foreign), list);
            }
        }
    }
    ld_k8s_evlist_clear(&tag);
    ld_k8s_evlist_clear(&digest);
    ld_k8s_evlist_clear(&foreign);
    return rc;
}
