/* Findings about AWS resources: one per resource and check (target
 * LD_TARGET_AWS, the file it came from), and the one summary verdict per
 * check over a set. See aws_finding.h. Not for deciding what fails: the
 * families do. */
#include "aws/aws_finding.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

static int add_finding(ld_findings *r, const char *check_id, ld_status status, const char *id,
                       const char *name, const char *path, ld_error *err, const char *fmt,
                       va_list ap) __attribute__((format(printf, 8, 0)));
static int add_finding(ld_findings *r, const char *check_id, ld_status status, const char *id,
                       const char *name, const char *path, ld_error *err, const char *fmt,
                       va_list ap)
{
    if (!ld_findings_selected(r, check_id))
        return 0;
    const ld_control *c = ld_catalog_control_for_check(r->catalog, check_id);
    if (!c)
        return ld_error_set(err, LD_ERR_GENERIC, "check %s has no control in the catalog",
                            check_id);
    ld_finding *f = ld_finding_new(c, check_id, status);
    ld_finding_set_target(f, LD_TARGET_AWS, id, name);
    if (path)
        ld_finding_set_location(f, path, 0);
    if (fmt)
        f->evidence = ld_xvasprintf(fmt, ap);
    return ld_findings_add(r, f, err);
}

int ld_aws_emit(ld_findings *r, const char *check_id, ld_status status,
                const ld_aws_resource *res, ld_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = add_finding(r, check_id, status, res->id, res->name, res->source, err, fmt, ap);
    va_end(ap);
    return rc;
}

static int scan_finding(ld_findings *r, const char *check_id, ld_status status,
                        const ld_aws_set *s, ld_error *err, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static int scan_finding(ld_findings *r, const char *check_id, ld_status status,
                        const ld_aws_set *s, ld_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = add_finding(r, check_id, status, "scan", ld_aws_set_inputs(s), NULL, err, fmt, ap);
    va_end(ap);
    return rc;
}

int ld_aws_verdict(ld_findings *r, const char *check_id, const ld_aws_set *s, size_t judged,
                   size_t failed, ld_error *err, const char *fmt, ...)
{
    /* "aws.ecr.scan-on-push" -> "ecr": an API call of another service
     * that could not be read does not bear on this check */
    char service[8] = "";
    const char *svc = strncmp(check_id, "aws.", 4) == 0 ? check_id + 4 : "";
    size_t n = strcspn(svc, ".");
    if (n < sizeof(service)) {
        memcpy(service, svc, n);
        service[n] = '\0';
    }
    const char *first = NULL;
    size_t unread = ld_aws_set_unread_for(s, service, &first);
    if (unread)
        return scan_finding(r, check_id, LD_STATUS_ERROR, s, err,
                            "%zu input%s could not be read, so this check did not see "
                            "everything (first: %s)%s",
                            unread, unread == 1 ? "" : "s", first,
                            failed ? "" : ": not assessed");
    if (failed)
        return 0;
    va_list ap;
    va_start(ap, fmt);
    int rc = add_finding(r, check_id, judged ? LD_STATUS_PASS : LD_STATUS_SKIPPED, "scan",
                         ld_aws_set_inputs(s), NULL, err, fmt, ap);
    va_end(ap);
    return rc;
}

int ld_aws_unassessed(ld_findings *r, const char *check_id, const ld_aws_set *s, ld_error *err,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = add_finding(r, check_id, LD_STATUS_ERROR, "scan", ld_aws_set_inputs(s), NULL, err,
                         fmt, ap);
    va_end(ap);
    return rc;
}
