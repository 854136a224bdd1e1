/* How the Kubernetes checks file findings: one target per object
 * (LD_TARGET_K8S, id from ld_k8s_object_id, path = its file, line = the
 * line of the node the finding is about), and one summary verdict per
 * check when it found nothing wrong, so a 10,000-object cluster does not
 * print 10,000 passes per check. A check that could not look (unread
 * files, an API list it was refused) files an error, never a pass. */
#ifndef LD_K8S_K8S_FINDING_H
#define LD_K8S_K8S_FINDING_H

#include "core/findings.h"
#include "k8s/manifest.h"

/* A finding of check_id about object o; at (may be NULL: the object's own
 * line) is the node the evidence points at. */
int ld_k8s_emit(ld_findings *r, const char *check_id, ld_status status, const ld_k8s_object *o,
                const ld_yaml_node *at, ld_error *err, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* The summary verdict of a check over a set: when the set had unread
 * inputs, an error naming the first and the count (never a pass); else
 * when judged == 0 (nothing of what the check looks at), skipped — not
 * applicable — with fmt as the reason ("no pod spec in the inputs");
 * else when failed == 0 a pass whose evidence is fmt (what was judged:
 * "412 pod specs in 37 files"); nothing when failed > 0 (the failures
 * are the verdict). Target: the scan itself (LD_TARGET_K8S, id "scan",
 * name = the inputs as given). */
int ld_k8s_verdict(ld_findings *r, const char *check_id, const ld_k8s_set *s, size_t judged,
                   size_t failed, ld_error *err, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

#endif
