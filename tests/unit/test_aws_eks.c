/* Unit tests for the EKS checks (aws/eks_checks.c, eks_node_checks.c,
 * eks_addon_checks.c) over AWS CLI-shaped JSON: the documents below start
 * from `aws eks describe-cluster|describe-nodegroup|describe-addon|
 * describe-addon-versions --generate-cli-skeleton output`, `aws ec2
 * describe-launch-template-versions --generate-cli-skeleton output` and
 * botocore's DescribeNodegroup output shape, edited per case. Each check
 * passes and fails; versions are judged on fixed dates against the
 * compiled-in calendar (data/aws-versions.yaml); wrong types never crash a
 * check or make it pass; the add-on version order is numeric. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "aws/aws_scan.h"
#include "aws/eks_internal.h"
#include "core/catalog.h"
#include "core/findings.h"

static ld_catalog *catalog;

static int setup(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    catalog = ld_catalog_load_builtin(&err);
    if (!catalog)
        fprintf(stderr, "catalog: %s\n", err.msg);
    return catalog ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ld_catalog_free(catalog);
    return 0;
}

static time_t day(const char *ymd)
{
    struct tm tm = {0};
    if (!strptime(ymd, "%Y-%m-%d", &tm))
        fail_msg("bad test date %s", ymd);
    return timegm(&tm) + 12 * 3600; /* noon UTC */
}

/* A set of the documents (NULL-terminated), scanned by the EKS family at now. */
static ld_findings *scan_at(const char *now, const char *const *docs)
{
    ld_error err = LD_ERROR_INIT;
    ld_aws_set *s = ld_aws_set_new();
    for (size_t i = 0; docs[i]; i++) {
        char name[32];
        snprintf(name, sizeof(name), "doc%zu.json", i);
        if (ld_aws_set_add_buffer(s, name, docs[i], strlen(docs[i]), &err) < 0)
            fail_msg("%s: %s", name, err.msg);
    }
    ld_findings *r = ld_findings_new(catalog, day(now));
    ld_aws_scan_options o = {.now = day(now)};
    if (ld_aws_eks_checks(r, s, &o, &err) < 0)
        fail_msg("eks checks: %s", err.msg);
    ld_aws_set_free(s);
    return r;
}

static void dump(const ld_findings *r)
{
    for (size_t i = 0; i < r->n; i++)
        fprintf(stderr, "  %s %s %s: %s\n", r->v[i]->check_id, ld_status_name(r->v[i]->status),
                r->v[i]->target.id, r->v[i]->evidence ? r->v[i]->evidence : "");
}

/* The one finding of check about target id (NULL: any), with status and
 * evidence containing has. */
static const ld_finding *expect(const ld_findings *r, const char *check, const char *id,
                                ld_status status, const char *has)
{
    for (size_t i = 0; i < r->n; i++) {
        const ld_finding *f = r->v[i];
        if (strcmp(f->check_id, check) != 0 || (id && strcmp(f->target.id, id) != 0))
            continue;
        if (f->status == status && (!has || (f->evidence && strstr(f->evidence, has))))
            return f;
    }
    dump(r);
    fail_msg("no %s finding of %s about %s with \"%s\"", ld_status_name(status), check,
             id ? id : "(any)", has ? has : "");
    return NULL;
}

static size_t count(const ld_findings *r, const char *check)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++)
        n += strcmp(r->v[i]->check_id, check) == 0;
    return n;
}

#define ARN(n) "arn:aws:eks:us-east-1:111122223333:cluster/" n

/* describe-cluster output for one cluster (name, version, vpc, logging,
 * encryption members spliced in). */
static char *cluster(const char *name, const char *version, const char *vpc, const char *logging,
                     const char *encryption)
{
    char *s = NULL;
    if (asprintf(&s,
                 "{\"cluster\": {\"name\": \"%s\", \"arn\": \"" ARN(
                     "%s") "\","
                           " \"createdAt\": \"2025-01-01T00:00:00\", \"version\": \"%s\","
                           " \"endpoint\": \"https://ABC.gr7.us-east-1.eks.amazonaws.com\","
                           " \"roleArn\": \"arn:aws:iam::111122223333:role/eks\","
                           " \"resourcesVpcConfig\": %s,"
                           " \"logging\": %s,"
                           " \"status\": \"ACTIVE\", \"platformVersion\": \"eks.10\","
                           " \"encryptionConfig\": %s,"
                           " \"upgradePolicy\": {\"supportType\": \"STANDARD\"}}}",
                 name, name, version, vpc, logging, encryption) < 0)
        abort();
    return s;
}

#define VPC_PRIVATE                                                                                \
    "{\"subnetIds\": [\"subnet-1\"], \"securityGroupIds\": [], \"clusterSecurityGroupId\": "       \
    "\"sg-c\", \"vpcId\": \"vpc-1\", \"endpointPublicAccess\": false, \"endpointPrivateAccess\": " \
    "true, \"publicAccessCidrs\": [\"0.0.0.0/0\"]}"
#define LOGS_ALL                                                                                   \
    "{\"clusterLogging\": [{\"types\": [\"api\", \"audit\", \"authenticator\", "                   \
    "\"controllerManager\", \"scheduler\"], \"enabled\": true}]}"
#define KMS                                                                                        \
    "[{\"resources\": [\"secrets\"], \"provider\": {\"keyArn\": "                                  \
    "\"arn:aws:kms:us-east-1:111122223333:key/1234abcd\"}}]"

static void test_public_endpoint(void **state)
{
    (void)state;
    char *open = cluster("open", "1.33",
                         "{\"endpointPublicAccess\": true, \"endpointPrivateAccess\": false,"
                         " \"publicAccessCidrs\": [\"0.0.0.0/0\"]}",
                         LOGS_ALL, KMS);
    char *dflt =
        cluster("dflt", "1.33", "{\"endpointPublicAccess\": true, \"endpointPrivateAccess\": true}",
                LOGS_ALL, KMS);
    char *narrow = cluster("narrow", "1.33",
                           "{\"endpointPublicAccess\": true, \"endpointPrivateAccess\": true,"
                           " \"publicAccessCidrs\": [\"203.0.113.0/24\", \"198.51.100.7/32\"]}",
                           LOGS_ALL, KMS);
    char *priv = cluster("priv", "1.33", VPC_PRIVATE, LOGS_ALL, KMS);
    const char *docs[] = {open, dflt, narrow, priv, NULL};
    ld_findings *r = scan_at("2026-01-10", docs);
    expect(r, AWS_EKS_PUBLIC_ENDPOINT, ARN("open"), LD_STATUS_FAIL,
           "publicAccessCidrs: [\"0.0.0.0/0\"]");
    expect(r, AWS_EKS_PUBLIC_ENDPOINT, ARN("open"), LD_STATUS_FAIL,
           "endpointPrivateAccess: false: nodes reach the API server");
    const ld_finding *f = expect(r, AWS_EKS_PUBLIC_ENDPOINT, ARN("dflt"), LD_STATUS_FAIL,
                                 "absent (the default is 0.0.0.0/0)");
    assert_null(strstr(f->evidence, "endpointPrivateAccess: false"));
    expect(r, AWS_EKS_PUBLIC_ENDPOINT, ARN("narrow"), LD_STATUS_WARN,
           "[\"203.0.113.0/24\", \"198.51.100.7/32\"]");
    assert_int_equal(count(r, AWS_EKS_PUBLIC_ENDPOINT), 3); /* priv: no finding, no pass */
    ld_findings_free(r);

    const char *only_private[] = {priv, NULL};
    r = scan_at("2026-01-10", only_private);
    expect(r, AWS_EKS_PUBLIC_ENDPOINT, "scan", LD_STATUS_PASS, "1 EKS cluster");
    assert_int_equal(count(r, AWS_EKS_PUBLIC_ENDPOINT), 1);
    ld_findings_free(r);
    free(open), free(dflt), free(narrow), free(priv);
}

static void test_logging_and_encryption(void **state)
{
    (void)state;
    char *partial = cluster("partial", "1.33", VPC_PRIVATE,
                            "{\"clusterLogging\": [{\"types\": [\"api\", \"audit\"], \"enabled\":"
                            " true}, {\"types\": [\"authenticator\", \"scheduler\"], \"enabled\":"
                            " false}]}",
                            "[{\"resources\": [\"secrets\"], \"provider\": {}}]");
    char *none = cluster("none", "1.33", VPC_PRIVATE, "{}", "[]");
    char *good = cluster("good", "1.33", VPC_PRIVATE, LOGS_ALL, KMS);
    const char *docs[] = {partial, none, good, NULL};
    ld_findings *r = scan_at("2026-01-10", docs);
    expect(r, AWS_EKS_LOGGING, ARN("partial"), LD_STATUS_FAIL,
           "enabled types: api, audit; missing: authenticator");
    expect(r, AWS_EKS_LOGGING, ARN("none"), LD_STATUS_FAIL,
           "none (logging absent); missing: api, audit, authenticator");
    expect(r, AWS_EKS_SECRETS_ENCRYPTION, ARN("partial"), LD_STATUS_FAIL,
           "encryptionConfig[0].resources: [\"secrets\"]; no entry covers");
    expect(r, AWS_EKS_SECRETS_ENCRYPTION, ARN("none"), LD_STATUS_FAIL, "encryptionConfig: []");
    assert_int_equal(count(r, AWS_EKS_LOGGING), 2);
    assert_int_equal(count(r, AWS_EKS_SECRETS_ENCRYPTION), 2);
    ld_findings_free(r);

    const char *only_good[] = {good, NULL};
    r = scan_at("2026-01-10", only_good);
    expect(r, AWS_EKS_LOGGING, "scan", LD_STATUS_PASS, "api, audit and authenticator");
    expect(r, AWS_EKS_SECRETS_ENCRYPTION, "scan", LD_STATUS_PASS, "KMS key");
    ld_findings_free(r);
    free(partial), free(none), free(good);
}

static void test_version_support(void **state)
{
    (void)state;
    char *v133 = cluster("v133", "1.33", VPC_PRIVATE, LOGS_ALL, KMS);
    char *v131 = cluster("v131", "1.31", VPC_PRIVATE, LOGS_ALL, KMS);
    char *v128 = cluster("v128", "1.28", VPC_PRIVATE, LOGS_ALL, KMS);
    char *v124 = cluster("v124", "1.24", VPC_PRIVATE, LOGS_ALL, KMS);
    char *v136 = cluster("v136", "1.36", VPC_PRIVATE, LOGS_ALL, KMS);
    char *junk = cluster("junk", "latest", VPC_PRIVATE, LOGS_ALL, KMS);
    const char *docs[] = {v133, v131, v128, v124, v136, junk, NULL};
    /* within six months of the calendar's as-of date (2026-02-14) */
    ld_findings *r = scan_at("2026-01-10", docs);
    assert_int_equal(count(r, AWS_EKS_VERSION), 5); /* v133 passes: no finding of its own */
    expect(r, AWS_EKS_VERSION, ARN("v131"), LD_STATUS_FAIL,
           "standard support ended on 2025-11-26; in extended support, which costs extra per "
           "cluster hour and ends on 2026-11-26");
    expect(r, AWS_EKS_VERSION, ARN("v131"), LD_STATUS_FAIL, "upgradePolicy.supportType: STANDARD");
    expect(r, AWS_EKS_VERSION, ARN("v128"), LD_STATUS_FAIL,
           "extended support ended on 2025-11-26 (standard support ended 2024-11-26)");
    expect(r, AWS_EKS_VERSION, ARN("v124"), LD_STATUS_FAIL,
           "older than 1.27, whose extended support ended on 2025-07-24");
    expect(r, AWS_EKS_VERSION, ARN("v136"), LD_STATUS_WARN,
           "newer than the newest version in lockdown's data (AWS calendar as of 2026-02-14)");
    expect(r, AWS_EKS_VERSION, ARN("junk"), LD_STATUS_ERROR, "not a Kubernetes version");
    ld_findings_free(r);

    const char *fresh[] = {v133, NULL};
    r = scan_at("2026-01-10", fresh);
    expect(r, AWS_EKS_VERSION, "scan", LD_STATUS_PASS,
           "v133 1.33 (standard support until 2026-07-29, STANDARD)");
    ld_findings_free(r);
    /* a cluster in standard support when the calendar is more than six
     * months old (as of 2026-02-14): never a pass */
    char *v134 = cluster("v134", "1.34", VPC_PRIVATE, LOGS_ALL, KMS);
    const char *stale[] = {v134, NULL};
    r = scan_at("2026-09-01", stale);
    expect(r, AWS_EKS_VERSION, ARN("v134"), LD_STATUS_WARN,
           "in standard support until 2026-12-02 per the AWS calendar as of 2026-02-14, more "
           "than 183 days ago");
    assert_int_equal(count(r, AWS_EKS_VERSION), 1);
    ld_findings_free(r);
    free(v134);
    /* the day standard support ends, extended support (and its billing) starts */
    r = scan_at("2026-07-29", fresh);
    expect(r, AWS_EKS_VERSION, ARN("v133"), LD_STATUS_FAIL, "standard support ended on 2026-07-29");
    ld_findings_free(r);
    free(v133), free(v131), free(v128), free(v124), free(v136), free(junk);
}

static char *nodegroup(const char *name, const char *remote, const char *lt)
{
    char *s = NULL;
    if (asprintf(&s,
                 "{\"nodegroup\": {\"nodegroupName\": \"%s\", \"nodegroupArn\": "
                 "\"arn:aws:eks:us-east-1:111122223333:nodegroup/c1/%s/0a1b\", \"clusterName\": "
                 "\"c1\", \"version\": \"1.33\", \"releaseVersion\": \"1.33.0-20250101\", "
                 "\"status\": \"ACTIVE\", \"capacityType\": \"ON_DEMAND\", \"scalingConfig\": "
                 "{\"minSize\": 1, \"maxSize\": 3, \"desiredSize\": 2}, \"instanceTypes\": "
                 "[\"t3.medium\"], \"subnets\": [\"subnet-1\"]%s%s%s%s, \"amiType\": "
                 "\"AL2023_x86_64_STANDARD\", \"nodeRole\": \"arn:aws:iam::111122223333:role/n\", "
                 "\"resources\": {\"autoScalingGroups\": [{\"name\": \"eks-%s\"}]}}}",
                 name, name, remote ? ", \"remoteAccess\": " : "", remote ? remote : "",
                 lt ? ", \"launchTemplate\": " : "", lt ? lt : "", name) < 0)
        abort();
    return s;
}

static char *template_version(const char *id, int number, bool dflt, const char *metadata)
{
    char *s = NULL;
    if (asprintf(&s,
                 "{\"LaunchTemplateVersions\": [{\"LaunchTemplateId\": \"%s\", "
                 "\"LaunchTemplateName\": \"nodes-%s\", \"VersionNumber\": %d, "
                 "\"CreateTime\": \"2025-01-01T00:00:00\", \"CreatedBy\": "
                 "\"arn:aws:iam::111122223333:user/a\", \"DefaultVersion\": %s, "
                 "\"LaunchTemplateData\": {\"InstanceType\": \"t3.medium\"%s%s}}]}",
                 id, id, number, dflt ? "true" : "false", metadata ? ", \"MetadataOptions\": " : "",
                 metadata ? metadata : "") < 0)
        abort();
    return s;
}

static void test_nodegroup_remote_access(void **state)
{
    (void)state;
    char *open = nodegroup("open", "{\"ec2SshKey\": \"ops-key\"}", NULL);
    char *sg = nodegroup("sg",
                         "{\"ec2SshKey\": \"ops-key\", \"sourceSecurityGroups\": "
                         "[\"sg-0bastion\"]}",
                         NULL);
    char *none = nodegroup("none", NULL, NULL);
    const char *docs[] = {open, sg, none, NULL};
    ld_findings *r = scan_at("2026-01-10", docs);
    expect(r, AWS_EKS_NODEGROUP_SSH, "arn:aws:eks:us-east-1:111122223333:nodegroup/c1/open/0a1b",
           LD_STATUS_FAIL,
           "remoteAccess.ec2SshKey: \"ops-key\", remoteAccess.sourceSecurityGroups: absent: "
           "EKS opens port 22 on the nodes to 0.0.0.0/0");
    expect(r, AWS_EKS_NODEGROUP_SSH, "arn:aws:eks:us-east-1:111122223333:nodegroup/c1/sg/0a1b",
           LD_STATUS_WARN, "[\"sg-0bastion\"]: standing SSH access");
    assert_int_equal(count(r, AWS_EKS_NODEGROUP_SSH), 2);
    ld_findings_free(r);
    const char *only_none[] = {none, NULL};
    r = scan_at("2026-01-10", only_none);
    expect(r, AWS_EKS_NODEGROUP_SSH, "scan", LD_STATUS_PASS, "no SSH remote access");
    ld_findings_free(r);
    free(open), free(sg), free(none);
}

#define NG(n) "arn:aws:eks:us-east-1:111122223333:nodegroup/c1/" n "/0a1b"

static void test_imdsv2(void **state)
{
    (void)state;
    char *ng_req = nodegroup("req", NULL, "{\"id\": \"lt-0req\", \"version\": \"3\"}");
    char *ng_hop =
        nodegroup("hop", NULL, "{\"name\": \"nodes-lt-0hop\", \"version\": \"$Default\"}");
    char *ng_opt = nodegroup("opt", NULL, "{\"id\": \"lt-0opt\", \"version\": \"1\"}");
    char *ng_absent = nodegroup("absent", NULL, "{\"id\": \"lt-0abs\", \"version\": \"1\"}");
    char *ng_missing = nodegroup("missing", NULL, "{\"id\": \"lt-0gone\", \"version\": \"7\"}");
    char *ng_eks = nodegroup("eks", NULL, NULL);
    char *lt_req2 = template_version("lt-0req", 2, true, "{\"HttpTokens\": \"optional\"}");
    char *lt_req3 = template_version(
        "lt-0req", 3, false,
        "{\"State\": \"applied\", \"HttpTokens\": \"required\", \"HttpPutResponseHopLimit\": 1, "
        "\"HttpEndpoint\": \"enabled\"}");
    char *lt_hop = template_version(
        "lt-0hop", 1, true, "{\"HttpTokens\": \"required\", \"HttpPutResponseHopLimit\": 2}");
    char *lt_opt = template_version("lt-0opt", 1, true, "{\"HttpTokens\": \"optional\"}");
    char *lt_abs = template_version("lt-0abs", 1, true, NULL);
    const char *docs[] = {ng_req,  ng_hop,  ng_opt, ng_absent, ng_missing, ng_eks,
                          lt_req2, lt_req3, lt_hop, lt_opt,    lt_abs,     NULL};
    ld_findings *r = scan_at("2026-01-10", docs);
    expect(r, AWS_EKS_IMDSV2, NG("hop"), LD_STATUS_WARN,
           "HttpTokens: \"required\", HttpPutResponseHopLimit: 2: pods not on the host network");
    expect(r, AWS_EKS_IMDSV2, NG("opt"), LD_STATUS_FAIL,
           "launch template lt-0opt version 1: LaunchTemplateData.MetadataOptions.HttpTokens: "
           "\"optional\"");
    expect(r, AWS_EKS_IMDSV2, NG("absent"), LD_STATUS_FAIL, "HttpTokens: absent");
    expect(r, AWS_EKS_IMDSV2, NG("missing"), LD_STATUS_ERROR,
           "launchTemplate: lt-0gone version 7 is not in the inputs: not assessed; export aws "
           "ec2 describe-launch-template-versions --launch-template-id lt-0gone --versions 7");
    expect(r, AWS_EKS_IMDSV2, NG("eks"), LD_STATUS_ERROR, "not assessed");
    /* lt-0req version 3 (not the default 2, which is optional) requires tokens, hop 1 */
    assert_int_equal(count(r, AWS_EKS_IMDSV2), 5);
    ld_findings_free(r);

    const char *good[] = {ng_req, lt_req2, lt_req3, NULL};
    r = scan_at("2026-01-10", good);
    expect(r, AWS_EKS_IMDSV2, "scan", LD_STATUS_PASS, "IMDSv2 required");
    ld_findings_free(r);
    free(ng_req), free(ng_hop), free(ng_opt), free(ng_absent), free(ng_missing), free(ng_eks);
    free(lt_req2), free(lt_req3), free(lt_hop), free(lt_opt), free(lt_abs);
}

static char *addon(const char *name, const char *version, const char *status)
{
    char *s = NULL;
    if (asprintf(&s,
                 "{\"addon\": {\"addonName\": \"%s\", \"clusterName\": \"c1\", \"status\": "
                 "\"%s\", \"addonVersion\": \"%s\", \"health\": {\"issues\": []}, \"addonArn\": "
                 "\"arn:aws:eks:us-east-1:111122223333:addon/c1/%s/0a1b\", \"createdAt\": "
                 "\"2025-01-01T00:00:00\", \"modifiedAt\": \"2025-01-01T00:00:00\", \"tags\": "
                 "{}}}",
                 name, status, version, name) < 0)
        abort();
    return s;
}

#define AV(v, k8s)                                                                                 \
    "{\"addonVersion\": \"" v "\", \"architecture\": [\"amd64\", \"arm64\"], \"computeTypes\": "   \
    "[\"ec2\"], \"compatibilities\": [{\"clusterVersion\": \"" k8s "\", \"platformVersions\": "    \
    "[\"*\"], \"defaultVersion\": false}], \"requiresConfiguration\": false, "                     \
    "\"requiresIamPermissions\": false}"
#define ADDON_ARN(n) "arn:aws:eks:us-east-1:111122223333:addon/c1/" n "/0a1b"

static void test_addon_versions(void **state)
{
    (void)state;
    char *c1 = cluster("c1", "1.31", VPC_PRIVATE, LOGS_ALL, KMS);
    char *cni = addon("vpc-cni", "v1.18.3-eksbuild.1", "ACTIVE");
    char *proxy = addon("kube-proxy", "v1.31.0-minimal-eksbuild.3", "ACTIVE");
    char *dns = addon("coredns", "v1.11.3-eksbuild.1", "ACTIVE");
    char *csi = addon("aws-ebs-csi-driver", "v1.30.0-eksbuild.1", "DEGRADED");
    const char *versions =
        "{\"addons\": [{\"addonName\": \"vpc-cni\", \"type\": \"networking\", \"addonVersions\": "
        "[" AV("v1.20.0-eksbuild.1", "1.32") ", " AV("v1.18.10-eksbuild.1", "1.31") ", " AV(
            "v1.18.3-eksbuild.1",
            "1.31") ", " AV("v1.18.9-eksbuild.2",
                            "1.31") "], \"publisher\": "
                                    "\"eks\", \"owner\": \"aws\"}, {\"addonName\": \"kube-proxy\", "
                                    "\"type\": \"networking\", "
                                    "\"addonVersions\": [" AV("v1.31.2-eksbuild.5", "1.31") ", " AV(
                                        "v1.31.0-minimal-eksbuild.3",
                                        "1.31") "], \"publisher\": \"eks\", \"owner\": "
                                                "\"aws\"}], \"nextToken\": null}";
    const char *docs[] = {c1, cni, proxy, dns, csi, versions, NULL};
    ld_findings *r = scan_at("2026-01-10", docs);
    /* numeric order: 1.18.10 is newer than 1.18.9; 1.20.0 is for 1.32 only */
    expect(r, AWS_EKS_ADDON_VERSIONS, ADDON_ARN("vpc-cni"), LD_STATUS_FAIL,
           "addonVersion: \"v1.18.3-eksbuild.1\"; the newest compatible with Kubernetes 1.31 is "
           "\"v1.18.10-eksbuild.1\"");
    expect(r, AWS_EKS_ADDON_VERSIONS, ADDON_ARN("coredns"), LD_STATUS_ERROR,
           "export eks describe-addon-versions --addon-name coredns --kubernetes-version 1.31");
    expect(r, AWS_EKS_ADDON_VERSIONS, ADDON_ARN("aws-ebs-csi-driver"), LD_STATUS_FAIL,
           "status: \"DEGRADED\"");
    /* kube-proxy: the newest minimal build is installed; the default flavour is not compared */
    assert_int_equal(count(r, AWS_EKS_ADDON_VERSIONS), 3);
    ld_findings_free(r);

    const char *good[] = {c1, proxy, versions, NULL};
    r = scan_at("2026-01-10", good);
    expect(r, AWS_EKS_ADDON_VERSIONS, "scan", LD_STATUS_PASS, "1 EKS add-on");
    ld_findings_free(r);
    /* no cluster record: the Kubernetes version is unknown, so not assessed */
    const char *no_cluster[] = {proxy, versions, NULL};
    r = scan_at("2026-01-10", no_cluster);
    expect(r, AWS_EKS_ADDON_VERSIONS, ADDON_ARN("kube-proxy"), LD_STATUS_ERROR,
           "cluster \"c1\" is not in the inputs");
    ld_findings_free(r);
    free(c1), free(cni), free(proxy), free(dns), free(csi);
}

static void test_addon_version_order(void **state)
{
    (void)state;
    int c = 9;
    assert_int_equal(ld_eks_addon_version_compare("v1.18.3-eksbuild.1", "v1.18.3-eksbuild.2", &c),
                     0);
    assert_true(c < 0);
    assert_int_equal(ld_eks_addon_version_compare("v1.18.10-eksbuild.1", "v1.18.9-eksbuild.9", &c),
                     0);
    assert_true(c > 0);
    assert_int_equal(ld_eks_addon_version_compare("v1.19.0-eksbuild.1", "v1.18.99-eksbuild.99", &c),
                     0);
    assert_true(c > 0);
    assert_int_equal(ld_eks_addon_version_compare("v1.2", "1.2.0", &c), 0);
    assert_int_equal(c, 0);
    assert_int_equal(ld_eks_addon_version_compare("v1.2.0-eksbuild.12", "v1.2.0-eksbuild.3", &c),
                     0);
    assert_true(c > 0);
    /* not comparable: other flavour, other forms, hostile text */
    assert_int_equal(
        ld_eks_addon_version_compare("v1.31.0-minimal-eksbuild.1", "v1.31.0-eksbuild.1", &c), -1);
    static const char *const bad[] = {"",
                                      "v",
                                      "latest",
                                      "v1..2",
                                      "v1.2-",
                                      "v1.2-eksbuild.",
                                      "v1.2-eksbuild.x",
                                      "v1.2.3.4.5.6.7",
                                      "v1.2-FOO-eksbuild.1",
                                      "v9999999999.1",
                                      "v1.2 -eksbuild.1",
                                      "v1.2-eksbuild.1x"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (ld_eks_addon_version_compare(bad[i], "v1.0.0", &c) != -1)
            fail_msg("\"%s\" was accepted", bad[i]);
}

static void test_wrong_types(void **state)
{
    (void)state;
    /* members of the wrong type are read as absent: never a crash, never a pass */
    const char *odd = "{\"cluster\": {\"name\": \"odd\", \"arn\": \"" ARN(
        "odd") "\", \"version\": \"1.33\","
               " \"resourcesVpcConfig\": {\"endpointPublicAccess\": \"yes\", "
               "\"publicAccessCidrs\": 7},"
               " \"logging\": {\"clusterLogging\": [{\"types\": \"api\", \"enabled\": \"true\"}, "
               "5]},"
               " \"encryptionConfig\": [{\"resources\": \"secrets\", \"provider\": [\"k\"]}, null],"
               " \"upgradePolicy\": \"EXTENDED\"}}";
    const char *docs[] = {odd, NULL};
    ld_error err = LD_ERROR_INIT;
    ld_aws_set *s = ld_aws_set_new();
    int added = ld_aws_set_add_buffer(s, "odd.json", odd, strlen(odd), &err);
    ld_aws_set_free(s);
    if (added < 0) { /* the loader refused it: also a clean outcome */
        fprintf(stderr, "  (the loader refused the document: %s)\n", err.msg);
        assert_int_equal(added, LD_ERR_CORRUPT);
        return;
    }
    ld_findings *r = scan_at("2026-01-10", docs);
    expect(r, AWS_EKS_PUBLIC_ENDPOINT, ARN("odd"), LD_STATUS_ERROR, "not assessed");
    expect(r, AWS_EKS_LOGGING, ARN("odd"), LD_STATUS_FAIL, "missing: api, audit, authenticator");
    expect(r, AWS_EKS_SECRETS_ENCRYPTION, ARN("odd"), LD_STATUS_FAIL, "no entry covers");
    /* the three checks whose members had the wrong types file one finding each */
    assert_int_equal(count(r, AWS_EKS_PUBLIC_ENDPOINT), 1);
    assert_int_equal(count(r, AWS_EKS_LOGGING), 1);
    assert_int_equal(count(r, AWS_EKS_SECRETS_ENCRYPTION), 1);
    ld_findings_free(r);
}

static void test_empty_set(void **state)
{
    (void)state;
    const char *docs[] = {NULL};
    ld_findings *r = scan_at("2026-01-10", docs);
    assert_int_equal(r->n, 7); /* one not-applicable verdict per check */
    for (size_t i = 0; i < r->n; i++)
        assert_int_equal(r->v[i]->status, LD_STATUS_SKIPPED);
    ld_findings_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_public_endpoint),
        cmocka_unit_test(test_logging_and_encryption),
        cmocka_unit_test(test_version_support),
        cmocka_unit_test(test_nodegroup_remote_access),
        cmocka_unit_test(test_imdsv2),
        cmocka_unit_test(test_addon_versions),
        cmocka_unit_test(test_addon_version_order),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_empty_set),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
