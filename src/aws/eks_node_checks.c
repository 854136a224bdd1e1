/* EKS managed node group checks over eks describe-nodegroup output (and the
 * ec2 describe-launch-template-versions output their launch templates
 * name): SSH remote access, and IMDSv2 on the nodes. Part of the EKS family
 * (eks_checks.c). Checks return findings and never print.
 *
 * Facts relied on (AWS documentation):
 *  - a node group with an SSH key and no source security groups has port 22
 *    opened to 0.0.0.0/0 (NodegroupRemoteAccess, sourceSecurityGroups:
 *    "If you specify an Amazon EC2 SSH key but do not specify a source
 *    security group ... port 22 on the worker nodes is opened to the
 *    internet (0.0.0.0/0)");
 *  - a node group created without a launch template gets one EKS generates;
 *    AWS documents that it sets the metadata response hop limit to 2, not
 *    whether it requires IMDSv2 tokens ("Customize managed nodes with launch
 *    templates"), so such node groups are not assessed, never passed;
 *  - a hop limit of 1 keeps IMDSv2 token responses on the node, so pods not
 *    on the host network cannot use IMDS; 2 (what EKS's own template sets,
 *    for containers that need IMDS) lets them reach the node role's
 *    credentials: needs review, not failed. */
#include <stdio.h>
#include <string.h>

#include "aws/aws_finding.h"
#include "aws/aws_json.h"
#include "aws/eks_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"

/* ---- aws.eks.nodegroup-remote-access ---- */

static int remote_access_one(ld_findings *r, const ld_aws_resource *ng, ld_error *err)
{
    const json_t *ra = ld_aws_object(ng->obj, "remoteAccess");
    const char *key = ld_aws_str(ra, "ec2SshKey");
    if (!key || !*key)
        return 0;
    const json_t *sgs = ld_aws_array(ra, "sourceSecurityGroups");
    if (!sgs || json_array_size(sgs) == 0)
        return ld_aws_emit(r, AWS_EKS_NODEGROUP_SSH, LD_STATUS_FAIL, ng, err,
                           "remoteAccess.ec2SshKey: \"%.*s\", remoteAccess.sourceSecurityGroups: "
                           "%s: EKS opens port 22 on the nodes to 0.0.0.0/0; remove remote "
                           "access and use SSM Session Manager",
                           LD_EKS_VALUE_MAX, key, sgs ? "[]" : "absent") < 0
                   ? -1
                   : 1;
    ld_autofree char *list = ld_eks_join_strings(sgs);
    return ld_aws_emit(r, AWS_EKS_NODEGROUP_SSH, LD_STATUS_WARN, ng, err,
                       "remoteAccess.ec2SshKey: \"%.*s\", remoteAccess.sourceSecurityGroups: %s: "
                       "standing SSH access to the nodes from these security groups; prefer "
                       "SSM Session Manager",
                       LD_EKS_VALUE_MAX, key, list) < 0
               ? -1
               : 1;
}

/* ---- aws.eks.imdsv2 ---- */

/* The judgement of one launch template version's metadata options. */
static int imds_template(ld_findings *r, const ld_aws_resource *ng, const ld_aws_resource *lt,
                         const char *which, ld_error *err)
{
    const json_t *md =
        ld_aws_object(ld_aws_object(lt->obj, "LaunchTemplateData"), "MetadataOptions");
    const char *tokens = ld_aws_str(md, "HttpTokens");
    const char *endpoint = ld_aws_str(md, "HttpEndpoint");
    long long hops = 0;
    bool has_hops = ld_aws_int(md, "HttpPutResponseHopLimit", &hops);
    if (endpoint && strcmp(endpoint, "disabled") == 0)
        return 0; /* no metadata service at all */
    if (!tokens || strcmp(tokens, "required") != 0)
        return ld_aws_emit(r, AWS_EKS_IMDSV2, LD_STATUS_FAIL, ng, err,
                           "launch template %s: LaunchTemplateData.MetadataOptions.HttpTokens: "
                           "%s%.*s%s: IMDSv1 is allowed on the nodes; set HttpTokens to required",
                           which, tokens ? "\"" : "", LD_EKS_VALUE_MAX,
                           tokens ? tokens
                                  : "absent (the AMI's default, optional unless the AMI "
                                    "was registered with ImdsSupport v2.0)",
                           tokens ? "\"" : "") < 0
                   ? -1
                   : 1;
    if (has_hops && hops > 1)
        return ld_aws_emit(r, AWS_EKS_IMDSV2, LD_STATUS_WARN, ng, err,
                           "launch template %s: LaunchTemplateData.MetadataOptions.HttpTokens: "
                           "\"required\", HttpPutResponseHopLimit: %lld: pods not on the host "
                           "network can reach IMDS and the node role's credentials; set 1 "
                           "unless pods need IMDS (use IRSA or Pod Identity instead)",
                           which, hops) < 0
                   ? -1
                   : 1;
    return 0;
}

static int imds_one(ld_findings *r, const ld_aws_set *s, const ld_aws_resource *ng, ld_error *err)
{
    const json_t *lt = ld_aws_object(ng->obj, "launchTemplate");
    if (!lt)
        return ld_aws_emit(r, AWS_EKS_IMDSV2, LD_STATUS_ERROR, ng, err,
                           "launchTemplate: absent: the node group uses the launch template EKS "
                           "generates, whose IMDSv2 token setting AWS does not document: not "
                           "assessed; use a launch template with "
                           "MetadataOptions.HttpTokens required") < 0
                   ? -1
                   : 1;
    const char *id = ld_aws_str(lt, "id"), *name = ld_aws_str(lt, "name");
    const char *version = ld_aws_str(lt, "version");
    ld_autofree char *which = ld_xasprintf("%.*s version %.*s", LD_EKS_VALUE_MAX,
                                           id     ? id
                                           : name ? name
                                                  : "(unnamed)",
                                           64, version ? version : "$Default");
    if (!id && !name)
        return ld_aws_emit(r, AWS_EKS_IMDSV2, LD_STATUS_ERROR, ng, err,
                           "launchTemplate: neither id nor name: not assessed") < 0
                   ? -1
                   : 1;
    const ld_aws_resource *tmpl =
        ld_aws_set_launch_template(s, id, name, version ? version : "$Default");
    if (!tmpl || !tmpl->obj)
        return ld_aws_emit(r, AWS_EKS_IMDSV2, LD_STATUS_ERROR, ng, err,
                           "launchTemplate: %s is not in the inputs: not assessed; export aws "
                           "ec2 describe-launch-template-versions --launch-template-%s %.*s "
                           "--versions %.*s",
                           which, id ? "id" : "name", LD_EKS_VALUE_MAX, id ? id : name, 64,
                           version ? version : "'$Default'") < 0
                   ? -1
                   : 1;
    return imds_template(r, ng, tmpl, which, err);
}

typedef int (*nodegroup_fn)(ld_findings *r, const ld_aws_set *s, const ld_aws_resource *ng,
                            ld_error *err);

static int remote_access_adapter(ld_findings *r, const ld_aws_set *s, const ld_aws_resource *ng,
                                 ld_error *err)
{
    (void)s;
    return remote_access_one(r, ng, err);
}

static int over_nodegroups(ld_findings *r, const ld_aws_set *s, const char *check_id,
                           nodegroup_fn fn, const char *pass_text, ld_error *err)
{
    size_t n = ld_aws_set_count(s, LD_AWS_EKS_NODEGROUP), flagged = 0;
    for (size_t i = 0; i < n; i++) {
        const ld_aws_resource *ng = ld_aws_set_get(s, LD_AWS_EKS_NODEGROUP, i);
        if (!ng || !ng->obj)
            continue;
        int rc = fn(r, s, ng, err);
        if (rc < 0)
            return -1;
        flagged += (size_t)rc;
    }
    if (n == 0)
        return ld_aws_verdict(r, check_id, s, 0, 0, err,
                              "no EKS node group in the inputs (eks describe-nodegroup)");
    return ld_aws_verdict(r, check_id, s, n, flagged, err, "%zu EKS node group%s: %s", n,
                          n == 1 ? "" : "s", pass_text);
}

int ld_eks_nodegroup_checks(ld_findings *r, const ld_aws_set *s, const ld_aws_scan_options *o,
                            ld_error *err)
{
    (void)o;
    if (over_nodegroups(r, s, AWS_EKS_NODEGROUP_SSH, remote_access_adapter, "no SSH remote access",
                        err) < 0)
        return -1;
    return over_nodegroups(r, s, AWS_EKS_IMDSV2, imds_one,
                           "IMDSv2 required with hop limit 1 (or IMDS disabled)", err);
}
