/* Unit tests for the workload hygiene family (k8s/workload.c,
 * workload_images.c, workload_secrets.c) on manifests written here: every
 * check seen to fail and to pass (one summary pass when nothing failed),
 * with the Kubernetes defaulting it relies on (a request defaults to its
 * limit, LimitRange defaults, a pod's automountServiceAccountToken over
 * its ServiceAccount's, the token a running pod shows), controllers and
 * the objects they own judged once, and no secret ever shown in clear. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "k8s/workload.h"
#include "test_k8s_family.h"

/* A Deployment in namespace ns whose pod spec is the given lines (indented 6). */
#define DEPLOY(ns, name, spec)                                                                     \
    "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " name "\n  namespace: " ns    \
    "\nspec:\n  template:\n    metadata:\n      labels: {app: " name "}\n    spec:\n" spec
/* One container c with the given extra lines (indented 8). */
#define CTR(image, extra) "      containers:\n      - name: c\n        image: " image "\n" extra
/* A container that passes every container check. */
#define GOOD_CTR                                                                                   \
    CTR("reg.example.com/app:1.0@sha256:"                                                          \
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",                        \
        "        resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 200m, memory: "    \
        "128Mi}}\n        securityContext: {readOnlyRootFilesystem: true}\n"                       \
        "        livenessProbe: {httpGet: {path: /, port: 8080}}\n"                                \
        "        readinessProbe: {httpGet: {path: /, port: 8080}}\n"                               \
        "        ports: [{containerPort: 8080}]\n")
#define GOOD_POD                                                                                   \
    "      serviceAccountName: app\n      automountServiceAccountToken: false\n" GOOD_CTR

static run wl(const char *yaml_text)
{
    return run_family(ld_k8s_workload_family, yaml_text, NULL);
}

static void test_good_workload_passes_everything(void **state)
{
    (void)state;
    ld_strlist trusted = {0};
    ld_strlist_push(&trusted, "reg.example.com");
    ld_k8s_scan_options o = {.level = LD_LEVEL_MEDIUM, .trusted_registries = &trusted};
    run r = run_family(ld_k8s_workload_family,
                       DEPLOY("shop", "api", GOOD_POD) "---\napiVersion: v1\nkind: Service\n"
                                                       "metadata: {name: api, namespace: shop}\n"
                                                       "spec: {ports: [{port: 80}]}\n",
                       &o);
    static const char *const pod_checks[] = {"k8s.workload.resource-requests",
                                             "k8s.workload.resource-limits",
                                             "k8s.workload.image-tag",
                                             "k8s.workload.image-digest",
                                             "k8s.workload.image-trusted",
                                             "k8s.workload.readonly-rootfs",
                                             "k8s.workload.sa-token-automount",
                                             "k8s.workload.default-service-account",
                                             "k8s.workload.probes",
                                             "k8s.workload.literal-secrets",
                                             "k8s.workload.secret-env",
                                             "k8s.workload.host-aliases",
                                             "k8s.workload.privileged-port",
                                             "k8s.workload.service-exposure",
                                             "k8s.workload.default-namespace"};
    for (size_t i = 0; i < sizeof(pod_checks) / sizeof(pod_checks[0]); i++)
        EXPECT_PASS(r, pod_checks[i]);
    EXPECT_SKIP(r, "k8s.workload.secret-object");
    done(&r);
    ld_strlist_clear(&trusted);
}

static void test_resources(void **state)
{
    (void)state;
    run r = wl(DEPLOY("a", "none", CTR("x:1", "")) DEPLOY(
        "a", "limits-only", CTR("x:1", "        resources: {limits: {cpu: 1, memory: 1Gi}}\n"))
                   DEPLOY("a", "requests-only",
                          CTR("x:1", "        resources: {requests: {cpu: 1, memory: 1Gi}}\n")));
    assert_int_equal(
        count(&r, "k8s.workload.resource-requests", LD_STATUS_FAIL, "Deployment/a/none"), 1);
    assert_int_equal(count(&r, "k8s.workload.resource-requests", LD_STATUS_FAIL,
                           "no resources.requests (or limits) for cpu, memory"),
                     1);
    /* a request left out defaults to the limit */
    assert_int_equal(count(&r, "k8s.workload.resource-requests", LD_STATUS_FAIL, "limits-only"), 0);
    assert_int_equal(count(&r, "k8s.workload.resource-requests", LD_STATUS_FAIL, "requests-only"),
                     0);
    assert_int_equal(count(&r, "k8s.workload.resource-limits", LD_STATUS_FAIL, "requests-only"), 1);
    assert_int_equal(count(&r, "k8s.workload.resource-limits", LD_STATUS_FAIL, "Deployment/a/none"),
                     1);
    assert_int_equal(count(&r, "k8s.workload.resource-limits", LD_STATUS_FAIL, "limits-only"), 0);
    done(&r);

    /* a LimitRange of the namespace gives the defaults; only for its namespace */
    r = wl("apiVersion: v1\nkind: LimitRange\nmetadata: {name: d, namespace: a}\nspec:\n  limits:\n"
           "  - type: Container\n    default: {cpu: 1, memory: 1Gi}\n" DEPLOY(
               "a", "x", CTR("x:1", "")) DEPLOY("b", "y", CTR("x:1", "")));
    assert_int_equal(count(&r, "k8s.workload.resource-limits", LD_STATUS_FAIL, "Deployment/a/x"),
                     0);
    assert_int_equal(count(&r, "k8s.workload.resource-requests", LD_STATUS_FAIL, "Deployment/a/x"),
                     0);
    assert_int_equal(count(&r, "k8s.workload.resource-limits", LD_STATUS_FAIL, "Deployment/b/y"),
                     1);
    done(&r);

    /* init containers count, ephemeral ones take no resources */
    r = wl("apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\nspec:\n"
           "  containers: [{name: c, image: 'x:1', resources: {limits: {cpu: 1, memory: 1}}}]\n"
           "  initContainers: [{name: init, image: 'x:1'}]\n"
           "  ephemeralContainers: [{name: dbg, image: 'x:1'}]\n");
    assert_int_equal(
        count(&r, "k8s.workload.resource-limits", LD_STATUS_FAIL, "spec.initContainers[0] (init)"),
        1);
    assert_int_equal(count(&r, "k8s.workload.resource-limits", LD_STATUS_FAIL, "dbg"), 0);
    done(&r);
}

static void test_images(void **state)
{
    (void)state;
    ld_strlist trusted = {0};
    ld_strlist_push(&trusted, "reg.example.com/team/");
    ld_k8s_scan_options o = {.level = LD_LEVEL_MEDIUM, .trusted_registries = &trusted};
    run r = run_family(
        ld_k8s_workload_family,
        DEPLOY("a", "bare", CTR("nginx", "")) DEPLOY("a", "latest", CTR("nginx:latest", ""))
            DEPLOY("a", "tagged", CTR("reg.example.com/team/app:1.2", ""))
                DEPLOY("a", "digest",
                       CTR("reg.example.com/teamx/app@sha256:"
                           "0123456789abcdef0123456789abcdef0123456789abcdef0123456"
                           "789abcdef",
                           "")),
        &o);
    const char *tag = "k8s.workload.image-tag", *dig = "k8s.workload.image-digest",
               *tr = "k8s.workload.image-trusted";
    assert_int_equal(count(&r, tag, LD_STATUS_FAIL, "image nginx has no tag (it means latest)"), 1);
    assert_int_equal(count(&r, tag, LD_STATUS_FAIL, "image nginx:latest uses the latest tag"), 1);
    assert_int_equal(count(&r, tag, LD_STATUS_FAIL, NULL), 2);
    assert_int_equal(count(&r, dig, LD_STATUS_FAIL, "Deployment/a/tagged"), 1);
    assert_int_equal(count(&r, dig, LD_STATUS_FAIL, "Deployment/a/digest"), 0);
    assert_int_equal(count(&r, dig, LD_STATUS_FAIL, NULL), 3);
    /* whole path components: team/ covers team/app, not teamx/app */
    assert_int_equal(count(&r, tr, LD_STATUS_FAIL, "Deployment/a/tagged"), 0);
    assert_int_equal(count(&r, tr, LD_STATUS_FAIL, "is from reg.example.com/teamx/app"), 1);
    assert_int_equal(count(&r, tr, LD_STATUS_FAIL, "is from docker.io/library/nginx"), 2);
    done(&r);
    ld_strlist_clear(&trusted);

    /* no trusted registries in the policy: not assessed, never a pass */
    r = wl(DEPLOY("a", "bare", CTR("nginx", "")));
    assert_int_equal(count_any(&r, tr), 0);
    const ld_scope_entry *e = ld_findings_scope_of(r.fs, tr);
    assert_non_null(e);
    assert_int_equal(e->state, LD_SCOPE_NOT_ASSESSED);
    assert_non_null(strstr(e->reason, "trusted-registries"));
    done(&r);

    /* a token in a reference is masked in evidence */
    r = wl(DEPLOY("a", "cred", CTR("reg.io/ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5:latest", "")));
    assert_false(any_evidence_has(&r, "ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5"));
    assert_int_equal(count(&r, tag, LD_STATUS_FAIL, "Deployment/a/cred"), 1);
    assert_int_equal(count(&r, dig, LD_STATUS_FAIL, "Deployment/a/cred"), 1);
    done(&r);
}

static void test_readonly_ports_probes_aliases(void **state)
{
    (void)state;
    run r = wl(
        DEPLOY("a", "unset",
               CTR("x:1",
                   "        ports: [{containerPort: 80}, {containerPort: "
                   "8443}]\n")) DEPLOY("a", "false",
                                       CTR("x:1",
                                           "        securityContext: {readOnlyRootFilesystem: "
                                           "false}\n"))
            DEPLOY(
                "a", "aliases",
                "      hostAliases:\n      - ip: 10.0.0.1\n        "
                "hostnames: [registry.example.com]\n" CTR(
                    "x:1",
                    "")) "---\napiVersion: batch/v1\nkind: Job\nmetadata: {name: j, namespace: a}\n"
                         "spec:\n  template:\n    spec:\n      containers: [{name: c, image: "
                         "'x:1'}]\n"
                         "---\napiVersion: v1\nkind: Pod\nmetadata: {name: win, namespace: a}\n"
                         "spec:\n  os: {name: windows}\n  containers: [{name: c, image: 'x:1'}]\n");
    const char *ro = "k8s.workload.readonly-rootfs";
    assert_int_equal(count(&r, ro, LD_STATUS_FAIL, "readOnlyRootFilesystem not set"), 3);
    assert_int_equal(count(&r, ro, LD_STATUS_FAIL, "readOnlyRootFilesystem: false"), 1);
    assert_int_equal(count(&r, ro, LD_STATUS_FAIL, "Pod/a/win"), 0);
    assert_int_equal(
        count(&r, "k8s.workload.privileged-port", LD_STATUS_FAIL, "ports[0].containerPort: 80"), 1);
    assert_int_equal(count(&r, "k8s.workload.privileged-port", LD_STATUS_FAIL, "8443"), 0);
    assert_int_equal(count(&r, "k8s.workload.privileged-port", LD_STATUS_FAIL, NULL), 1);
    /* Jobs need no probes */
    assert_int_equal(count(&r, "k8s.workload.probes", LD_STATUS_FAIL, "Job/a/j"), 0);
    assert_int_equal(
        count(&r, "k8s.workload.probes", LD_STATUS_FAIL, "no livenessProbe and no readinessProbe"),
        4);
    assert_int_equal(
        count(&r, "k8s.workload.host-aliases", LD_STATUS_FAIL, "registry.example.com -> 10.0.0.1"),
        1);
    assert_int_equal(count(&r, "k8s.workload.host-aliases", LD_STATUS_FAIL, NULL), 1);
    done(&r);

    r = wl("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: cj, namespace: a}\nspec:\n"
           "  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: "
           "[{name: c, image: 'x:1'}]\n");
    EXPECT_SKIP(r, "k8s.workload.probes");
    done(&r);

    r = wl(DEPLOY("a", "half", CTR("x:1", "        livenessProbe: {exec: {command: [true]}}\n")));
    assert_int_equal(count(&r, "k8s.workload.probes", LD_STATUS_FAIL, "(c): no readinessProbe"), 1);
    done(&r);
}

#define SA(ns, name, extra)                                                                        \
    "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: " name ", namespace: " ns         \
    "}\n" extra

static void test_service_account(void **state)
{
    (void)state;
    const char *am = "k8s.workload.sa-token-automount",
               *def = "k8s.workload.default-service-account";
    run r =
        wl(SA("a", "default", "") SA("a", "quiet", "automountServiceAccountToken: false\n")
               DEPLOY("a", "pod-off", "      automountServiceAccountToken: false\n" CTR("x:1", ""))
                   DEPLOY("a", "sa-off", "      serviceAccountName: quiet\n" CTR("x:1", ""))
                       DEPLOY("a", "default-on", CTR("x:1", ""))
                           DEPLOY("b", "unknown", "      serviceAccountName: app\n" CTR("x:1", ""))
                               DEPLOY("a", "pod-wins",
                                      "      serviceAccountName: quiet\n"
                                      "      automountServiceAccountToken: "
                                      "true\n" CTR("x:1", "")));
    assert_int_equal(count(&r, am, LD_STATUS_FAIL, "pod-off"), 0);
    assert_int_equal(count(&r, am, LD_STATUS_FAIL, "sa-off"), 0);
    assert_int_equal(count(&r, am, LD_STATUS_FAIL, "Deployment/a/default-on"), 1);
    assert_int_equal(count(&r, am, LD_STATUS_FAIL, "mounts the token by default"), 1);
    assert_int_equal(count(&r, am, LD_STATUS_WARN, "ServiceAccount b/app is not in the inputs"), 1);
    /* the pod's setting wins over its ServiceAccount's */
    assert_int_equal(count(&r, am, LD_STATUS_FAIL, "pod-wins"), 1);
    assert_int_equal(count(&r, def, LD_STATUS_FAIL, "Deployment/a/default-on"), 1);
    /* the default account without its token is not actively used */
    assert_int_equal(count(&r, def, LD_STATUS_FAIL, "pod-off"), 0);
    assert_int_equal(count_any(&r, def) - count(&r, def, LD_STATUS_PASS, NULL), 1);
    done(&r);

    /* a running Pod shows what admission did */
    r = wl("apiVersion: v1\nkind: Pod\nmetadata: {name: live, namespace: a, uid: u1}\nspec:\n"
           "  serviceAccountName: default\n  containers:\n  - name: c\n    image: 'x:1'\n"
           "    volumeMounts: [{name: kube-api-access-x, mountPath: "
           "/var/run/secrets/kubernetes.io/serviceaccount}]\n"
           "---\napiVersion: v1\nkind: Pod\nmetadata: {name: quiet, namespace: a, uid: u2}\n"
           "spec:\n  serviceAccountName: default\n  containers: [{name: c, image: 'x:1'}]\n"
           "status: {phase: Running}\n");
    assert_int_equal(count(&r, am, LD_STATUS_FAIL, "the running pod mounts the token"), 1);
    assert_int_equal(count(&r, am, LD_STATUS_FAIL, "Pod/a/quiet"), 0);
    assert_int_equal(count(&r, am, LD_STATUS_WARN, NULL), 0);
    assert_int_equal(count(&r, def, LD_STATUS_FAIL, "Pod/a/live"), 1);
    done(&r);
}

static void test_literal_secrets(void **state)
{
    (void)state;
    const char *ls = "k8s.workload.literal-secrets";
    /* a GitHub token the built-in rules know, and a password by its name */
    run r = wl(DEPLOY(
        "a", "leaky",
        CTR("x:1",
            "        env:\n        - {name: DB_PASSWORD, value: Tr0ub4dor-and-3}\n"
            "        - {name: DB_HOST, value: db.internal}\n"
            "        - {name: REF, value: $(OTHER_PASSWORD)}\n"
            "        - {name: API_TOKEN, value: changeme}\n"
            "        args: [--api-key, K9x2mPq7Lw4zR8vT, "
            "--token=ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5]\n")) "---\napiVersion: v1\nkind: "
                                                                    "ConfigMap\nmetadata: {name: "
                                                                    "cfg, namespace: a}\n"
                                                                    "data:\n  SMTP_PASSWORD: "
                                                                    "Sup3rS3cretMail!\n  "
                                                                    "LOG_LEVEL: debug\n"
                                                                    "---\napiVersion: v1\nkind: "
                                                                    "ConfigMap\nmetadata: {name: "
                                                                    "clean, namespace: a}\n"
                                                                    "data:\n  LOG_LEVEL: info\n  "
                                                                    "app.properties: |\n    "
                                                                    "port=8080\n");
    assert_int_equal(count(&r, ls, LD_STATUS_FAIL, "Deployment/a/leaky"), 1);
    const ld_finding *f = first(&r, ls, LD_STATUS_FAIL);
    assert_non_null(strstr(f->evidence, "env[0] DB_PASSWORD holds Tr"));
    assert_non_null(strstr(f->evidence, "args[0]: flag --api-key has the literal value"));
    assert_non_null(strstr(f->evidence, "args[2] holds ghp_"));
    /* a rule hit is reported once, not again by the flag's name */
    assert_null(strstr(f->evidence, "flag --token"));
    /* references and placeholders are not secrets */
    assert_null(strstr(f->evidence, "REF"));
    assert_null(strstr(f->evidence, "API_TOKEN"));
    assert_null(strstr(f->evidence, "DB_HOST"));
    assert_int_equal(count(&r, ls, LD_STATUS_FAIL, "ConfigMap/a/cfg"), 1);
    assert_int_equal(count(&r, ls, LD_STATUS_FAIL, "data.SMTP_PASSWORD holds Sup3"), 1);
    assert_int_equal(count(&r, ls, LD_STATUS_FAIL, "ConfigMap/a/clean"), 0);
    /* never in clear */
    assert_false(any_evidence_has(&r, "Tr0ub4dor-and-3"));
    assert_false(any_evidence_has(&r, "K9x2mPq7Lw4zR8vT"));
    assert_false(any_evidence_has(&r, "ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5"));
    assert_false(any_evidence_has(&r, "Sup3rS3cretMail!"));
    done(&r);

    r = wl(DEPLOY(
        "a", "clean",
        CTR("x:1",
            "        env: [{name: MODE, value: prod}]\n"
            "        args: [--port, '8080']\n")) "---\napiVersion: v1\nkind: ConfigMap\nmetadata: "
                                                 "{name: c, namespace: a}\n"
                                                 "data: {LOG_LEVEL: info}\n");
    EXPECT_PASS(r, ls);
    done(&r);
}

static void test_secret_env_and_objects(void **state)
{
    (void)state;
    const char *se = "k8s.workload.secret-env", *so = "k8s.workload.secret-object";
    const char *text = DEPLOY("a", "env",
                              CTR("x:1", "        env:\n        - name: PW\n          valueFrom: "
                                         "{secretKeyRef: {name: db, key: password}}\n"))
        DEPLOY("a", "envfrom",
               CTR("x:1", "        envFrom: [{secretRef: {name: all}}, "
                          "{configMapRef: {name: cfg}}]\n"))
            DEPLOY(
                "a", "volume",
                "      volumes: [{name: s, secret: {secretName: "
                "db}}]\n" CTR(
                    "x:1",
                    "        volumeMounts: [{name: "
                    "s, mountPath: /s}]\n")) "---\napiVersion: v1\nkind: Secret\nmetadata: {name: "
                                             "db, namespace: "
                                             "a}\ntype: Opaque\ndata:\n  password: "
                                             "aHVudGVyMmh1bnRlcjJodW50ZXIy\n"
                                             "stringData:\n  token: plain-text-token-value-1234\n"
                                             "---\napiVersion: v1\nkind: Secret\nmetadata: {name: "
                                             "empty, "
                                             "namespace: a}\ntype: Opaque\n";
    run r = wl(text);
    assert_int_equal(count(&r, se, LD_STATUS_FAIL, "env[0] PW from Secret db key password"), 1);
    assert_int_equal(count(&r, se, LD_STATUS_FAIL, "envFrom[0] every key of Secret all"), 1);
    assert_int_equal(count(&r, se, LD_STATUS_FAIL, "Deployment/a/volume"), 0);
    assert_int_equal(count(&r, so, LD_STATUS_FAIL, "Secret/a/db"), 1);
    assert_int_equal(count(&r, so, LD_STATUS_FAIL, "data.password: aHVu"), 1);
    assert_int_equal(count(&r, so, LD_STATUS_FAIL, "stringData.token: plai"), 1);
    assert_int_equal(count(&r, so, LD_STATUS_FAIL, "Secret/a/empty"), 0);
    assert_false(any_evidence_has(&r, "aHVudGVyMmh1bnRlcjJodW50ZXIy"));
    assert_false(any_evidence_has(&r, "plain-text-token-value-1234"));
    const ld_finding *f = first(&r, so, LD_STATUS_FAIL);
    /* the line of data.password's value */
    int line = 1;
    for (const char *c = text; c < strstr(text, "  password: aHVu"); c++)
        line += *c == '\n';
    assert_int_equal(f->target.line, line);
    done(&r);

    r = wl("apiVersion: v1\nkind: Secret\nmetadata: {name: empty, namespace: a}\n");
    EXPECT_PASS(r, so);
    EXPECT_SKIP(r, se);
    done(&r);
}

#define SERVICE(name, spec, meta)                                                                  \
    "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: " name "\n  namespace: a\n" meta       \
    "spec:\n" spec

static void test_service_exposure(void **state)
{
    (void)state;
    const char *ex = "k8s.workload.service-exposure";
    run r = wl(
        SERVICE("np", "  type: NodePort\n", "") SERVICE("lb", "  type: LoadBalancer\n", "") SERVICE(
            "lb-ranges", "  type: LoadBalancer\n  loadBalancerSourceRanges: [10.0.0.0/8]\n", "")
            SERVICE("lb-open",
                    "  type: LoadBalancer\n  loadBalancerSourceRanges: "
                    "[10.0.0.0/8, 0.0.0.0/0]\n",
                    "") SERVICE("lb-internal", "  type: LoadBalancer\n",
                                "  annotations: {networking.gke.io/load-balancer-type: Internal}\n")
                SERVICE("ext", "  externalIPs: [203.0.113.7]\n", "")
                    SERVICE("cluster", "  ports: [{port: 80}]\n", ""));
    assert_int_equal(count(&r, ex, LD_STATUS_FAIL, "Service/a/np"), 1);
    assert_int_equal(count(&r, ex, LD_STATUS_FAIL, "without spec.loadBalancerSourceRanges"), 1);
    assert_int_equal(count(&r, ex, LD_STATUS_FAIL, "Service/a/lb-ranges"), 0);
    assert_int_equal(count(&r, ex, LD_STATUS_FAIL, "loadBalancerSourceRanges 0.0.0.0/0"), 1);
    assert_int_equal(count(&r, ex, LD_STATUS_FAIL, "Service/a/lb-internal"), 0);
    assert_int_equal(count(&r, ex, LD_STATUS_FAIL, "spec.externalIPs: 203.0.113.7"), 1);
    assert_int_equal(count(&r, ex, LD_STATUS_FAIL, "Service/a/cluster"), 0);
    assert_int_equal(count(&r, ex, LD_STATUS_FAIL, NULL), 4);
    done(&r);
}

static void test_default_namespace(void **state)
{
    (void)state;
    const char *dn = "k8s.workload.default-namespace";
    run r = wl(DEPLOY(
        "default", "explicit",
        CTR("x:1",
            "")) "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: implicit}\n"
                 "---\napiVersion: v1\nkind: Service\nmetadata: {name: kubernetes, namespace: "
                 "default}\nspec: {ports: [{port: 443}]}\n"
                 "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n" DEPLOY(
                     "shop", "fine", CTR("x:1", "")));
    assert_int_equal(count(&r, dn, LD_STATUS_FAIL, "Deployment/default/explicit"), 1);
    assert_int_equal(count(&r, dn, LD_STATUS_FAIL, "metadata.namespace: default"), 1);
    assert_int_equal(count(&r, dn, LD_STATUS_WARN, "ConfigMap/default/implicit"), 1);
    /* the API server's own Service is not the user's choice */
    assert_int_equal(count_any(&r, dn), 2);
    done(&r);
}

static void test_controllers_judged_once(void **state)
{
    (void)state;
    /* a dump: Deployment -> ReplicaSet -> Pod, owners by uid */
    run r = wl(
        "apiVersion: v1\nkind: List\nitems:\n"
        "- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: web, namespace: a, uid: "
        "d1}\n"
        "  spec:\n    template:\n      spec:\n        containers: [{name: c, image: nginx}]\n"
        "- apiVersion: apps/v1\n  kind: ReplicaSet\n  metadata:\n    name: web-5d\n    namespace: "
        "a\n"
        "    uid: r1\n    ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, "
        "uid: d1, controller: true}]\n"
        "  spec:\n    template:\n      spec:\n        containers: [{name: c, image: nginx}]\n"
        "- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: web-5d-x\n    namespace: a\n"
        "    uid: p1\n    ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d, "
        "uid: r1, controller: true}]\n  spec:\n    containers: [{name: c, image: nginx}]\n"
        "- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: orphan\n    namespace: a\n"
        "    ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: gone, uid: zz, "
        "controller: true}]\n  spec:\n    containers: [{name: c, image: nginx}]\n");
    assert_int_equal(count(&r, "k8s.workload.image-tag", LD_STATUS_FAIL, NULL), 2);
    assert_int_equal(count(&r, "k8s.workload.image-tag", LD_STATUS_FAIL, "Deployment/a/web"), 1);
    /* an owner not in the inputs: the object is judged itself */
    assert_int_equal(count(&r, "k8s.workload.image-tag", LD_STATUS_FAIL, "Pod/a/orphan"), 1);
    done(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_workload_passes_everything),
        cmocka_unit_test(test_resources),
        cmocka_unit_test(test_images),
        cmocka_unit_test(test_readonly_ports_probes_aliases),
        cmocka_unit_test(test_service_account),
        cmocka_unit_test(test_literal_secrets),
        cmocka_unit_test(test_secret_env_and_objects),
        cmocka_unit_test(test_service_exposure),
        cmocka_unit_test(test_default_namespace),
        cmocka_unit_test(test_controllers_judged_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
