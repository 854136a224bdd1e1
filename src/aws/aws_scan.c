/* ld_aws_scan: every AWS check family over one set (aws_scan.h). */
#include "aws/aws_scan.h"

int ld_aws_scan(ld_findings *r, const ld_aws_set *s, const ld_aws_scan_options *o,
                ld_error *err)
{
    if (ld_aws_ecs_task_checks(r, s, o, err) < 0 || ld_aws_ecs_service_checks(r, s, o, err) < 0 ||
        ld_aws_ecr_checks(r, s, o, err) < 0 || ld_aws_eks_checks(r, s, o, err) < 0)
        return -1;
    return 0;
}
