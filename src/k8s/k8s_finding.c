/* Findings about Kubernetes objects: one per object and check (target
 * LD_TARGET_K8S, the manifest file and the line of the node the evidence
 * points at), and the one summary verdict per check over a whole set. See
 * k8s_finding.h. Not for deciding what fails: the families do. */
#include "k8s/k8s_finding.h"

#include <stdarg.h>
#include <stdlib.h>

#include "util/mem.h"

/* A finding of check_id at target id (name, path, line), evidence from fmt. */
static int add_finding(ld_findings *r, const char *check_id, ld_status status, const char *id,
                       const char *name, const char *path, int line, ld_error *err,
                       const char *fmt, va_list ap) __attribute__((format(printf, 9, 0)));
static int add_finding(ld_findings *r, const char *check_id, ld_status status, const char *id,
                       const char *name, const char *path, int line, ld_error *err,
                       const char *fmt, va_list ap)
{
    /* a check left out by --check/--exclude costs nothing */
    if (!ld_findings_selected(r, check_id))
        return 0;
    const ld_control *c = ld_catalog_control_for_check(r->catalog, check_id);
    if (!c)
        return ld_error_set(err, LD_ERR_GENERIC, "check %s has no control in the catalog",
                            check_id);
    ld_finding *f = ld_finding_new(c, check_id, status);
    ld_finding_set_target(f, LD_TARGET_K8S, id, name);
    if (path)
        ld_finding_set_location(f, path, line);
    if (fmt)
        f->evidence = ld_xvasprintf(fmt, ap);
    return ld_findings_add(r, f, err);
}

/* The same about the scan itself (the summary target). */
static int add_findingf(ld_findings *r, const char *check_id, ld_status status,
                        const char *inputs, ld_error *err, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static int add_findingf(ld_findings *r, const char *check_id, ld_status status,
                        const char *inputs, ld_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = add_finding(r, check_id, status, "scan", inputs, NULL, 0, err, fmt, ap);
    va_end(ap);
    return rc;
}

int ld_k8s_emit(ld_findings *r, const char *check_id, ld_status status, const ld_k8s_object *o,
                const ld_yaml_node *at, ld_error *err, const char *fmt, ...)
{
    char *id = ld_k8s_object_id(o);
    /* API objects have no line; a node's line then means nothing either */
    int line = o->line > 0 ? (at && at->line > 0 ? at->line : o->line) : 0;
    va_list ap;
    va_start(ap, fmt);
    int rc = add_finding(r, check_id, status, id, NULL, o->file, line, err, fmt, ap);
    va_end(ap);
    free(id);
    return rc;
}

int ld_k8s_verdict(ld_findings *r, const char *check_id, const ld_k8s_set *s, size_t judged,
                   size_t failed, ld_error *err, const char *fmt, ...)
{
    const ld_strlist *unread = ld_k8s_set_unread(s);
    const char *inputs = ld_k8s_set_inputs(s);
    va_list ap;
    va_start(ap, fmt);
    int rc = 0;
    if (unread->n) {
        rc = add_findingf(r, check_id, LD_STATUS_ERROR, inputs, err,
                          "%zu input%s could not be read, so this check did not see everything "
                          "(first: %s)%s",
                          unread->n, unread->n == 1 ? "" : "s", unread->v[0],
                          failed ? "" : ": not assessed");
    } else if (judged == 0) {
        rc = add_finding(r, check_id, LD_STATUS_SKIPPED, "scan", inputs, NULL, 0, err, fmt, ap);
    } else if (failed == 0) {
        rc = add_finding(r, check_id, LD_STATUS_PASS, "scan", inputs, NULL, 0, err, fmt, ap);
    }
    va_end(ap);
    return rc;
}
