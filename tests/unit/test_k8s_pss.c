/* Unit tests for the Pod Security Standards checks (k8s/pss_rules.c and
 * k8s/pss.c): every policy seen to allow and to deny at both levels, the
 * version boundaries where the admission's rules changed (a pod allowed at
 * one version and denied at another, both ways), pod -> container
 * inheritance of runAsNonRoot and seccomp, all three container lists, the
 * Windows and user-namespace relaxations, overrides at restricted level,
 * values the API server would refuse, and the family: namespace labels,
 * --pss and --pss-version, lockdown's level mapping, evidence and lines.
 * The expectations are the admission's documented semantics (the allowed
 * values tables of the Pod Security Standards page and the admission's
 * policy package), written out case by case, not computed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/catalog.h"
#include "core/findings.h"
#include "k8s/manifest.h"
#include "k8s/pod.h"
#include "k8s/pss.h"
#include "test_docker_util.h"

#define LATEST LD_PSS_LATEST_MINOR
#define BASE LD_PSS_BASELINE
#define RESTR LD_PSS_RESTRICTED

/* A Pod in namespace t whose spec is the given lines (indented 2). */
#define POD(spec) "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: t\nspec:\n" spec
/* The same with metadata lines (indented 2) after the name. */
#define POD_META(meta, spec)                                                                       \
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: t\n" meta "spec:\n" spec
/* One plain container named app. */
#define APP "  containers:\n  - name: app\n    image: x\n"
/* One container named app with a securityContext of the given lines
 * (indented 6). */
#define APP_SC(sc) "  containers:\n  - name: app\n    image: x\n    securityContext:\n" sc

/* A pod that meets restricted at every version: pod-level runAsNonRoot and
 * seccomp inherited by the container, which drops ALL and forbids
 * escalation. */
#define RESTRICTED_OK                                                                              \
    POD("  securityContext:\n    runAsNonRoot: true\n    seccompProfile:\n      type: "            \
        "RuntimeDefault\n" APP_SC("      allowPrivilegeEscalation: false\n      capabilities:\n"   \
                                  "        drop: [\"ALL\"]\n"))

typedef struct {
    ld_k8s_set *set;
    ld_k8s_pod pod;
    const ld_k8s_object *obj;
} loaded;

static void load(loaded *l, const char *yaml)
{
    ld_error err = LD_ERROR_INIT;
    l->set = ld_k8s_set_new(NULL);
    if (ld_k8s_load_buffer(l->set, "test.yaml", yaml, strlen(yaml), &err) < 0)
        fail_msg("load: %s", err.msg);
    l->obj = NULL;
    for (size_t i = 0; i < ld_k8s_set_count(l->set); i++) {
        const ld_k8s_object *o = ld_k8s_set_object(l->set, i);
        if (ld_k8s_pod_of(o, &l->pod)) {
            l->obj = o;
            break;
        }
    }
    if (!l->obj)
        fail_msg("no pod spec in:\n%s", yaml);
}

static int policy(const char *check)
{
    int i = ld_pss_policy_index(check);
    if (i < 0)
        fail_msg("no policy %s", check);
    return i;
}

static const char *outcome_name(ld_pss_outcome o)
{
    switch (o) {
    case LD_PSS_NOT_APPLICABLE: return "not applicable";
    case LD_PSS_ALLOWED: return "allowed";
    case LD_PSS_DENIED: return "denied";
    case LD_PSS_UNDECIDED: return "undecided";
    }
    return "?";
}

/* Judges yaml with check at level:v1.minor and asserts the outcome; when
 * text is given, the violations (or the undecided reason) contain it. */
static void expect(const char *yaml, const char *check, ld_pss_level level, int minor,
                   ld_pss_outcome want, const char *text)
{
    loaded l;
    load(&l, yaml);
    ld_pss_result res;
    ld_pss_judge((size_t)policy(check), &l.pod, level, minor, &res);
    char all[4096] = "";
    for (size_t i = 0; i < res.n; i++) {
        strncat(all, res.v[i].what, sizeof all - strlen(all) - 2);
        strncat(all, "\n", sizeof all - strlen(all) - 1);
    }
    if (res.undecided)
        strncat(all, res.undecided, sizeof all - strlen(all) - 1);
    if (res.outcome != want)
        fail_msg("%s at %s:v1.%d: expected %s, got %s\n%s\nmanifest:\n%s", check,
                 ld_pss_level_name(level), minor, outcome_name(want), outcome_name(res.outcome),
                 all, yaml);
    if (text && !strstr(all, text))
        fail_msg("%s at %s:v1.%d: \"%s\" not in:\n%s", check, ld_pss_level_name(level), minor, text,
                 all);
    if (res.outcome == LD_PSS_DENIED) {
        /* every violation points at a node of this object */
        for (size_t i = 0; i < res.n; i++)
            assert_true(res.v[i].at && res.v[i].at->line > 0);
    }
    ld_pss_result_clear(&res);
    ld_k8s_set_free(l.set);
}

#define ALLOWED LD_PSS_ALLOWED
#define DENIED LD_PSS_DENIED
#define NA LD_PSS_NOT_APPLICABLE
#define UNDECIDED LD_PSS_UNDECIDED

/* ---- levels, versions, the table ---- */

static void test_version_and_level_parsing(void **state)
{
    (void)state;
    int m = 0;
    assert_int_equal(ld_pss_version_parse("latest", &m), 0);
    assert_int_equal(m, LD_PSS_VERSION_LATEST);
    assert_int_equal(ld_pss_version_parse("v1.0", &m), 0);
    assert_int_equal(m, 0);
    assert_int_equal(ld_pss_version_parse("v1.25", &m), 0);
    assert_int_equal(m, 25);
    /* the admission's pattern: no leading zero, no other major, no suffix */
    static const char *const bad[] = {"v1.025", "v2.1",  "1.25", "v1.",   "v1.25.0",
                                      "Latest", "v1.-1", "",     "v1.2a", "v1.9999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (ld_pss_version_parse(bad[i], &m) == 0)
            fail_msg("\"%s\" parsed as a version", bad[i]);
    assert_int_equal(ld_pss_effective_minor(LD_PSS_VERSION_LATEST), LATEST);
    assert_int_equal(ld_pss_effective_minor(LATEST + 5), LATEST);
    assert_int_equal(ld_pss_effective_minor(22), 22);

    ld_pss_level l;
    assert_int_equal(ld_pss_level_parse("restricted", &l), 0);
    assert_int_equal(l, RESTR);
    assert_int_equal(ld_pss_level_parse("Restricted", &l), -1);
    assert_int_equal(ld_pss_level_for(LD_LEVEL_LOW), BASE);
    assert_int_equal(ld_pss_level_for(LD_LEVEL_MEDIUM), BASE);
    assert_int_equal(ld_pss_level_for(LD_LEVEL_HIGH), RESTR);
}

/* The policy list is the standard's: twelve baseline controls (HostProcess,
 * Host Namespaces, Privileged, Capabilities, HostPath, Host Ports, Host
 * Probes / Lifecycle Hooks, AppArmor, SELinux, /proc Mount, Seccomp,
 * Sysctls) and six restricted (Volume Types, Privilege Escalation, Running
 * as Non-root, Non-root user, Seccomp, Capabilities), each with its first
 * version. */
static void test_policy_table(void **state)
{
    (void)state;
    static const struct {
        const char *id;
        ld_pss_level level;
        int since;
    } want[] = {
        {"pss.windows-host-process", BASE, 0},
        {"pss.host-namespaces", BASE, 0},
        {"pss.privileged", BASE, 0},
        {"pss.capabilities-baseline", BASE, 0},
        {"pss.host-path-volumes", BASE, 0},
        {"pss.host-ports", BASE, 0},
        {"pss.host-probes-lifecycle", BASE, 34},
        {"pss.apparmor", BASE, 0},
        {"pss.selinux", BASE, 0},
        {"pss.proc-mount", BASE, 0},
        {"pss.seccomp-baseline", BASE, 0},
        {"pss.sysctls", BASE, 0},
        {"pss.volume-types", RESTR, 0},
        {"pss.privilege-escalation", RESTR, 8},
        {"pss.running-as-non-root", RESTR, 0},
        {"pss.running-as-non-root-user", RESTR, 23},
        {"pss.seccomp-restricted", RESTR, 19},
        {"pss.capabilities-restricted", RESTR, 22},
    };
    assert_int_equal(ld_pss_policy_count(), sizeof want / sizeof *want);
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const ld_pss_policy *p = ld_pss_policy_at((size_t)policy(want[i].id));
        assert_int_equal(p->level, want[i].level);
        assert_int_equal(p->since_minor, want[i].since);
        assert_true(ld_check_implemented(p->check_id));
    }
}

/* ---- every policy allows and denies, at both levels ---- */

typedef struct {
    const char *check;
    const char *good;
    const char *bad;
    const char *bad_text; /* in the violation: the field path and value */
} pair;

static const pair pairs[] = {
    {"pss.windows-host-process",
     POD("  securityContext:\n    windowsOptions:\n      hostProcess: false\n" APP),
     POD("  securityContext:\n    windowsOptions:\n      hostProcess: true\n" APP),
     "spec.securityContext.windowsOptions.hostProcess: true"},
    {"pss.host-namespaces", POD("  hostNetwork: false\n  hostPID: false\n" APP),
     POD("  hostPID: true\n" APP), "spec.hostPID: true"},
    {"pss.privileged", POD(APP_SC("      privileged: false\n")),
     POD(APP_SC("      privileged: true\n")),
     "spec.containers[0].securityContext.privileged: true"},
    {"pss.capabilities-baseline",
     POD(APP_SC(
         "      capabilities:\n        add: [\"CHOWN\", \"NET_BIND_SERVICE\", \"SYS_CHROOT\"]\n"
         "        drop: [\"ALL\"]\n")),
     POD(APP_SC("      capabilities:\n        add: [\"CHOWN\", \"SYS_ADMIN\"]\n")),
     "spec.containers[0].securityContext.capabilities.add[1]: \"SYS_ADMIN\""},
    {"pss.host-path-volumes", POD(APP "  volumes:\n  - name: v\n    emptyDir: {}\n"),
     POD(APP "  volumes:\n  - name: v\n    hostPath:\n      path: /etc\n"),
     "spec.volumes[0].hostPath: path \"/etc\" (volume \"v\")"},
    {"pss.host-ports",
     POD("  containers:\n  - name: app\n    ports:\n    - containerPort: 80\n      hostPort: 0\n"),
     POD("  containers:\n  - name: app\n    ports:\n    - containerPort: 80\n      hostPort: "
         "8080\n"),
     "spec.containers[0].ports[0].hostPort: 8080"},
    {"pss.host-probes-lifecycle",
     POD("  containers:\n  - name: app\n    livenessProbe:\n      httpGet:\n        port: 80\n"),
     POD("  containers:\n  - name: app\n    livenessProbe:\n      httpGet:\n        port: 80\n"
         "        host: 169.254.169.254\n"),
     "spec.containers[0].livenessProbe.httpGet.host: \"169.254.169.254\""},
    {"pss.apparmor",
     POD_META("  annotations:\n    container.apparmor.security.beta.kubernetes.io/app: "
              "runtime/default\n",
              APP_SC("      appArmorProfile:\n        type: Localhost\n"
                     "        localhostProfile: k8s-app\n")),
     POD(APP_SC("      appArmorProfile:\n        type: Unconfined\n")),
     "spec.containers[0].securityContext.appArmorProfile.type: \"Unconfined\""},
    {"pss.selinux",
     POD("  securityContext:\n    seLinuxOptions:\n      type: container_t\n      level: "
         "\"s0:c123,c456\"\n" APP),
     POD("  securityContext:\n    seLinuxOptions:\n      type: spc_t\n" APP),
     "spec.securityContext.seLinuxOptions.type: \"spc_t\""},
    {"pss.proc-mount", POD(APP_SC("      procMount: Default\n")),
     POD(APP_SC("      procMount: Unmasked\n")),
     "spec.containers[0].securityContext.procMount: \"Unmasked\""},
    {"pss.seccomp-baseline",
     POD("  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n" APP),
     POD("  securityContext:\n    seccompProfile:\n      type: Unconfined\n" APP),
     "spec.securityContext.seccompProfile.type: \"Unconfined\""},
    {"pss.sysctls",
     POD("  securityContext:\n    sysctls:\n    - name: net.ipv4.tcp_syncookies\n      value: "
         "\"1\"\n" APP),
     POD("  securityContext:\n    sysctls:\n    - name: kernel.msgmax\n      value: \"1\"\n" APP),
     "spec.securityContext.sysctls[0].name: \"kernel.msgmax\""},
    {"pss.volume-types",
     POD(APP
         "  volumes:\n  - name: c\n    configMap:\n      name: cm\n  - name: e\n    emptyDir: {}\n"
         "  - name: p\n    persistentVolumeClaim:\n      claimName: data\n"),
     POD(APP "  volumes:\n  - name: n\n    nfs:\n      server: nfs.example\n      path: /x\n"),
     "spec.volumes[0].nfs: a restricted volume type (volume \"n\")"},
    {"pss.privilege-escalation", POD(APP_SC("      allowPrivilegeEscalation: false\n")),
     POD(APP_SC("      allowPrivilegeEscalation: true\n")),
     "spec.containers[0].securityContext.allowPrivilegeEscalation: true (must be false)"},
    {"pss.running-as-non-root", POD(APP_SC("      runAsNonRoot: true\n")),
     POD(APP_SC("      runAsNonRoot: false\n")),
     "spec.containers[0].securityContext.runAsNonRoot: false"},
    {"pss.running-as-non-root-user", POD(APP_SC("      runAsUser: 1000\n")),
     POD(APP_SC("      runAsUser: 0\n")), "spec.containers[0].securityContext.runAsUser: 0"},
    {"pss.seccomp-restricted",
     POD(APP_SC("      seccompProfile:\n        type: Localhost\n"
                "        localhostProfile: p.json\n")),
     POD(APP), "spec.containers[0].securityContext.seccompProfile.type: not set"},
    {"pss.capabilities-restricted",
     POD(APP_SC(
         "      capabilities:\n        drop: [\"ALL\"]\n        add: [\"NET_BIND_SERVICE\"]\n")),
     POD(APP_SC("      capabilities:\n        drop: [\"NET_RAW\"]\n")),
     "spec.containers[0].securityContext.capabilities.drop: [\"NET_RAW\"] (must include \"ALL\")"},
};

static void test_every_policy_allows_and_denies(void **state)
{
    (void)state;
    assert_int_equal(sizeof pairs / sizeof *pairs, ld_pss_policy_count());
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        const pair *p = &pairs[i];
        const ld_pss_policy *pol = ld_pss_policy_at((size_t)policy(p->check));
        bool baseline = pol->level == BASE;
        /* restricted includes everything from baseline */
        expect(p->bad, p->check, RESTR, LATEST, DENIED, p->bad_text);
        expect(p->good, p->check, RESTR, LATEST, ALLOWED, NULL);
        expect(p->bad, p->check, BASE, LATEST, baseline ? DENIED : NA,
               baseline ? p->bad_text : NULL);
        expect(p->good, p->check, BASE, LATEST, baseline ? ALLOWED : NA, NULL);
        /* privileged judges nothing */
        expect(p->bad, p->check, LD_PSS_PRIVILEGED, LATEST, NA, NULL);
    }
}

/* The whole restricted pod: every policy allows it at every version (or
 * does not exist yet there). */
static void test_restricted_pod_at_every_version(void **state)
{
    (void)state;
    for (int minor = 0; minor <= LATEST; minor++)
        for (size_t i = 0; i < ld_pss_policy_count(); i++) {
            const ld_pss_policy *p = ld_pss_policy_at(i);
            expect(RESTRICTED_OK, p->check_id, RESTR, minor, minor < p->since_minor ? NA : ALLOWED,
                   NULL);
        }
}

/* ---- the three container lists, and workload kinds ---- */

static void test_init_and_ephemeral_containers(void **state)
{
    (void)state;
    expect(POD(APP
               "  initContainers:\n  - name: init\n    securityContext:\n      privileged: true\n"),
           "pss.privileged", BASE, LATEST, DENIED,
           "spec.initContainers[0].securityContext.privileged: true (container \"init\")");
    expect(POD(APP "  ephemeralContainers:\n  - name: debug\n    securityContext:\n"
                   "      capabilities:\n        add: [\"SYS_PTRACE\"]\n"),
           "pss.capabilities-baseline", BASE, LATEST, DENIED,
           "spec.ephemeralContainers[0].securityContext.capabilities.add[0]: \"SYS_PTRACE\"");
    expect(POD(APP "  initContainers:\n  - name: init\n    ports:\n    - containerPort: 53\n"
                   "      hostPort: 53\n"),
           "pss.host-ports", BASE, LATEST, DENIED, "spec.initContainers[0].ports[0].hostPort: 53");
    /* a sidecar (init container with restartPolicy: Always) gets no
     * exemption: it must meet restricted itself */
    expect(POD("  securityContext:\n    runAsNonRoot: true\n    seccompProfile:\n      type: "
               "RuntimeDefault\n" APP_SC(
                   "      allowPrivilegeEscalation: false\n"
                   "      capabilities:\n        drop: [\"ALL\"]\n") "  initContainers:\n  - name: "
                                                                     "sidecar\n    restartPolicy: "
                                                                     "Always\n"),
           "pss.capabilities-restricted", RESTR, LATEST, DENIED,
           "spec.initContainers[0].securityContext.capabilities.drop: not set");
    expect(POD(APP "  ephemeralContainers:\n  - name: debug\n    securityContext:\n"
                   "      allowPrivilegeEscalation: true\n"),
           "pss.privilege-escalation", RESTR, LATEST, DENIED,
           "spec.ephemeralContainers[0].securityContext.allowPrivilegeEscalation: true");
}

static void test_workload_templates(void **state)
{
    (void)state;
    expect("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n"
           "    metadata:\n      annotations:\n"
           "        container.apparmor.security.beta.kubernetes.io/app: unconfined\n"
           "    spec:\n      containers:\n      - name: app\n        securityContext:\n"
           "          capabilities:\n            add: [\"SYS_ADMIN\"]\n",
           "pss.capabilities-baseline", BASE, LATEST, DENIED,
           "spec.template.spec.containers[0].securityContext.capabilities.add[0]: \"SYS_ADMIN\"");
    expect("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n"
           "    metadata:\n      annotations:\n"
           "        container.apparmor.security.beta.kubernetes.io/app: unconfined\n"
           "    spec:\n      containers:\n      - name: app\n",
           "pss.apparmor", BASE, LATEST, DENIED,
           "spec.template.metadata.annotations[\"container.apparmor.security.beta.kubernetes.io/"
           "app\"]: \"unconfined\"");
    expect("apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  schedule: \"* * * "
           "* *\"\n"
           "  jobTemplate:\n    spec:\n      template:\n        spec:\n          hostIPC: true\n"
           "          containers:\n          - name: app\n",
           "pss.host-namespaces", BASE, LATEST, DENIED,
           "spec.jobTemplate.spec.template.spec.hostIPC: true");
}

/* ---- inheritance ---- */

static void test_run_as_non_root_inheritance(void **state)
{
    (void)state;
    const char *chk = "pss.running-as-non-root";
    /* pod true, containers unset: inherited */
    expect(POD("  securityContext:\n    runAsNonRoot: true\n" APP
               "  initContainers:\n  - name: init\n"),
           chk, RESTR, LATEST, ALLOWED, NULL);
    /* pod unset, one container set, the init container not */
    expect(POD(APP_SC("      runAsNonRoot: true\n") "  initContainers:\n  - name: init\n"), chk,
           RESTR, LATEST, DENIED,
           "spec.initContainers[0].securityContext.runAsNonRoot: not set, and "
           "spec.securityContext.runAsNonRoot is not true (container \"init\")");
    /* pod unset, every container true: allowed */
    expect(POD(APP_SC("      runAsNonRoot: true\n") "  initContainers:\n  - name: init\n    "
                                                    "securityContext:\n      runAsNonRoot: true\n"),
           chk, RESTR, LATEST, ALLOWED, NULL);
    /* pod true, a container overrides with false */
    expect(
        POD("  securityContext:\n    runAsNonRoot: true\n" APP_SC("      runAsNonRoot: false\n")),
        chk, RESTR, LATEST, DENIED, "runAsNonRoot: false");
    /* pod false, container true: the pod's false is still forbidden */
    expect(
        POD("  securityContext:\n    runAsNonRoot: false\n" APP_SC("      runAsNonRoot: true\n")),
        chk, RESTR, LATEST, DENIED, "spec.securityContext.runAsNonRoot: false");
    /* nothing anywhere */
    expect(POD(APP), chk, RESTR, LATEST, DENIED, "runAsNonRoot: not set");
}

static void test_seccomp_inheritance(void **state)
{
    (void)state;
    const char *chk = "pss.seccomp-restricted";
    /* pod-level RuntimeDefault covers containers that set nothing */
    expect(POD("  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n" APP
               "  ephemeralContainers:\n  - name: dbg\n"),
           chk, RESTR, LATEST, ALLOWED, NULL);
    /* pod unset: every container must set it */
    expect(
        POD(APP_SC("      seccompProfile:\n        type: RuntimeDefault\n") "  initContainers:\n  "
                                                                            "- name: init\n"),
        chk, RESTR, LATEST, DENIED,
        "spec.initContainers[0].securityContext.seccompProfile.type: not set");
    /* pod RuntimeDefault, container Unconfined: forbidden (and at baseline too) */
    const char *unconf =
        POD("  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n" APP_SC(
            "      seccompProfile:\n        type: Unconfined\n"));
    expect(unconf, chk, RESTR, LATEST, DENIED,
           "spec.containers[0].securityContext.seccompProfile.type: \"Unconfined\"");
    expect(unconf, "pss.seccomp-baseline", BASE, LATEST, DENIED, "\"Unconfined\"");
    /* a seccompProfile without a type is "" to the admission: forbidden */
    expect(POD("  securityContext:\n    seccompProfile:\n      localhostProfile: x\n" APP),
           "pss.seccomp-baseline", BASE, LATEST, DENIED, "seccompProfile.type: \"\"");
    /* baseline: unset is fine */
    expect(POD(APP), "pss.seccomp-baseline", BASE, LATEST, ALLOWED, NULL);
}

/* ---- version boundaries ---- */

static void test_sysctls_by_version(void **state)
{
    (void)state;
#define SYSCTL(name)                                                                               \
    POD("  securityContext:\n    sysctls:\n    - name: " name "\n      value: \"1\"\n" APP)
    static const struct {
        const char *name;
        int since;
    } grew[] = {
        {"net.ipv4.ip_local_reserved_ports", 27},
        {"net.ipv4.tcp_keepalive_time", 29},
        {"net.ipv4.tcp_fin_timeout", 29},
        {"net.ipv4.tcp_keepalive_intvl", 29},
        {"net.ipv4.tcp_keepalive_probes", 29},
        {"net.ipv4.tcp_rmem", 32},
        {"net.ipv4.tcp_wmem", 32},
        {"net.ipv4.tcp_slow_start_after_idle", 37},
        {"net.ipv4.tcp_notsent_lowat", 37},
    };
    for (size_t i = 0; i < sizeof grew / sizeof *grew; i++) {
        char yaml[1024];
        snprintf(yaml, sizeof yaml,
                 "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n"
                 "    sysctls:\n    - name: %s\n      value: \"1\"\n" APP,
                 grew[i].name);
        /* denied the version before, allowed from it on (and at latest) */
        expect(yaml, "pss.sysctls", BASE, grew[i].since - 1, DENIED, "safe only from v1.");
        expect(yaml, "pss.sysctls", BASE, grew[i].since, ALLOWED, NULL);
        expect(yaml, "pss.sysctls", RESTR, LATEST, ALLOWED, NULL);
        expect(yaml, "pss.sysctls", BASE, 22, DENIED, grew[i].name);
    }
    /* the original five at v1.0 */
    expect(SYSCTL("kernel.shm_rmid_forced"), "pss.sysctls", BASE, 0, ALLOWED, NULL);
    expect(SYSCTL("net.ipv4.ip_unprivileged_port_start"), "pss.sysctls", BASE, 0, ALLOWED, NULL);
    /* never safe */
    expect(SYSCTL("kernel.msgmax"), "pss.sysctls", BASE, LATEST, DENIED, "kernel.msgmax");
    expect(SYSCTL("net.core.somaxconn"), "pss.sysctls", BASE, LATEST, DENIED, "somaxconn");
#undef SYSCTL
}

static void test_selinux_by_version(void **state)
{
    (void)state;
#define SEL(lines) POD(APP_SC("      seLinuxOptions:\n" lines))
    const char *engine = SEL("        type: container_engine_t\n");
    expect(engine, "pss.selinux", BASE, 30, DENIED, "\"container_engine_t\"");
    expect(engine, "pss.selinux", BASE, 31, ALLOWED, NULL);
    expect(SEL("        type: container_kvm_t\n"), "pss.selinux", BASE, 0, ALLOWED, NULL);
    expect(SEL("        type: container_init_t\n        level: s0\n"), "pss.selinux", BASE, LATEST,
           ALLOWED, NULL);
    expect(SEL("        user: system_u\n"), "pss.selinux", BASE, LATEST, DENIED,
           "seLinuxOptions.user: \"system_u\" (may not be set)");
    expect(SEL("        role: system_r\n"), "pss.selinux", RESTR, LATEST, DENIED,
           "seLinuxOptions.role: \"system_r\"");
    expect(SEL("        type: \"\"\n        user: \"\"\n"), "pss.selinux", BASE, LATEST, ALLOWED,
           NULL);
#undef SEL
}

static void test_host_probes_since_134(void **state)
{
    (void)state;
    const char *tcp = POD("  containers:\n  - name: app\n    lifecycle:\n      preStop:\n"
                          "        tcpSocket:\n          port: 80\n          host: 10.0.0.1\n");
    expect(tcp, "pss.host-probes-lifecycle", BASE, 33, NA, NULL);
    expect(tcp, "pss.host-probes-lifecycle", BASE, 34, DENIED,
           "spec.containers[0].lifecycle.preStop.tcpSocket.host: \"10.0.0.1\"");
    expect(
        POD("  containers:\n  - name: app\n    startupProbe:\n      tcpSocket:\n        port: 80\n"
            "        host: \"\"\n"),
        "pss.host-probes-lifecycle", BASE, LATEST, ALLOWED, NULL);
    expect(
        POD("  containers:\n  - name: app\n    readinessProbe:\n      httpGet:\n        port: 80\n"
            "        host: example.com\n"),
        "pss.host-probes-lifecycle", RESTR, LATEST, DENIED, "readinessProbe.httpGet.host");
}

/* runAsUser: 0 with runAsNonRoot: true passed restricted before v1.23 (the
 * runAsUser rule did not exist) and is denied from v1.23. */
static void test_run_as_user_since_123(void **state)
{
    (void)state;
    const char *root = POD("  securityContext:\n    runAsNonRoot: true\n    runAsUser: 0\n" APP);
    expect(root, "pss.running-as-non-root-user", RESTR, 22, NA, NULL);
    expect(root, "pss.running-as-non-root", RESTR, 22, ALLOWED, NULL);
    expect(root, "pss.running-as-non-root-user", RESTR, 23, DENIED,
           "spec.securityContext.runAsUser: 0");
    expect(root, "pss.running-as-non-root-user", RESTR, LATEST, DENIED, NULL);
    expect(POD(APP), "pss.running-as-non-root-user", RESTR, LATEST, ALLOWED, NULL);
}

static void test_restricted_rules_start_at_their_versions(void **state)
{
    (void)state;
    expect(POD(APP), "pss.privilege-escalation", RESTR, 7, NA, NULL);
    expect(POD(APP), "pss.privilege-escalation", RESTR, 8, DENIED, "not set (must be false)");
    expect(POD(APP), "pss.seccomp-restricted", RESTR, 18, NA, NULL);
    expect(POD(APP), "pss.seccomp-restricted", RESTR, 19, DENIED, NULL);
    expect(POD(APP), "pss.capabilities-restricted", RESTR, 21, NA, NULL);
    expect(POD(APP), "pss.capabilities-restricted", RESTR, 22, DENIED,
           "capabilities.drop: not set (must include \"ALL\")");
}

/* Seccomp before v1.19 was the alpha annotations; the fields were not judged. */
static void test_seccomp_annotations_before_119(void **state)
{
    (void)state;
    const char *pod_unconfined =
        POD_META("  annotations:\n    seccomp.security.alpha.kubernetes.io/pod: unconfined\n", APP);
    expect(pod_unconfined, "pss.seccomp-baseline", BASE, 18, DENIED,
           "metadata.annotations[\"seccomp.security.alpha.kubernetes.io/pod\"]: \"unconfined\"");
    expect(pod_unconfined, "pss.seccomp-baseline", BASE, 19, ALLOWED, NULL);
    const char *ctr = POD_META(
        "  annotations:\n    container.seccomp.security.alpha.kubernetes.io/app: unconfined\n",
        APP);
    expect(ctr, "pss.seccomp-baseline", BASE, 0, DENIED,
           "container.seccomp.security.alpha.kubernetes.io/app");
    /* an annotation for a container the pod does not have is not judged */
    expect(POD_META("  annotations:\n    container.seccomp.security.alpha.kubernetes.io/other: "
                    "unconfined\n",
                    APP),
           "pss.seccomp-baseline", BASE, 10, ALLOWED, NULL);
    static const char *const ok[] = {"runtime/default", "docker/default", "localhost/prof.json"};
    for (size_t i = 0; i < 3; i++) {
        char yaml[512];
        snprintf(yaml, sizeof yaml,
                 "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n"
                 "    seccomp.security.alpha.kubernetes.io/pod: %s\nspec:\n" APP,
                 ok[i]);
        expect(yaml, "pss.seccomp-baseline", BASE, 18, ALLOWED, NULL);
    }
    /* the field at v1.18: not judged; at v1.19: judged */
    const char *field =
        POD("  securityContext:\n    seccompProfile:\n      type: Unconfined\n" APP);
    expect(field, "pss.seccomp-baseline", BASE, 18, ALLOWED, NULL);
    expect(field, "pss.seccomp-baseline", BASE, 19, DENIED, NULL);
    /* at restricted before v1.19 the baseline (annotation) rule still runs */
    expect(pod_unconfined, "pss.seccomp-baseline", RESTR, 18, DENIED, NULL);
}

/* The appArmorProfile field is judged by the admission's one v1.0 rule,
 * so at every policy version; the annotations too. */
static void test_apparmor_forms(void **state)
{
    (void)state;
    const char *pod_field =
        POD("  securityContext:\n    appArmorProfile:\n      type: Unconfined\n" APP);
    expect(pod_field, "pss.apparmor", BASE, 22, DENIED,
           "spec.securityContext.appArmorProfile.type: \"Unconfined\"");
    expect(pod_field, "pss.apparmor", BASE, LATEST, DENIED, NULL);
    expect(POD("  securityContext:\n    appArmorProfile:\n      type: RuntimeDefault\n" APP),
           "pss.apparmor", BASE, LATEST, ALLOWED, NULL);
    static const struct {
        const char *value;
        ld_pss_outcome want;
    } ann[] = {
        {"runtime/default", ALLOWED}, {"localhost/k8s-nginx", ALLOWED}, {"\"\"", ALLOWED},
        {"unconfined", DENIED},       {"docker/default", DENIED},
    };
    for (size_t i = 0; i < sizeof ann / sizeof *ann; i++) {
        char yaml[512];
        snprintf(yaml, sizeof yaml,
                 "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n"
                 "    container.apparmor.security.beta.kubernetes.io/app: %s\nspec:\n" APP,
                 ann[i].value);
        expect(yaml, "pss.apparmor", BASE, LATEST, ann[i].want, NULL);
        expect(yaml, "pss.apparmor", BASE, 0, ann[i].want, NULL);
    }
}

/* ---- Windows pods and user namespaces ---- */

static void test_windows_relaxations_from_125(void **state)
{
    (void)state;
    const char *win = POD("  os:\n    name: windows\n" APP);
    static const char *const linux_only[] = {"pss.privilege-escalation", "pss.seccomp-restricted",
                                             "pss.capabilities-restricted"};
    for (size_t i = 0; i < 3; i++) {
        expect(win, linux_only[i], RESTR, 24, DENIED, NULL);
        expect(win, linux_only[i], RESTR, 25, ALLOWED, NULL);
        expect(win, linux_only[i], RESTR, LATEST, ALLOWED, NULL);
    }
    /* runAsNonRoot has no Windows exemption */
    expect(win, "pss.running-as-non-root", RESTR, LATEST, DENIED, NULL);
    /* a Linux pod (os.name linux) is judged */
    expect(POD("  os:\n    name: linux\n" APP), "pss.privilege-escalation", RESTR, LATEST, DENIED,
           NULL);
    /* baseline capabilities are overridden at restricted by the restricted
     * rule from v1.22, which exempts Windows pods from v1.25: so SYS_ADMIN
     * on a Windows pod passes restricted:v1.25+ but not baseline */
    const char *win_caps = POD(
        "  os:\n    name: windows\n" APP_SC("      capabilities:\n        add: [\"SYS_ADMIN\"]\n"));
    expect(win_caps, "pss.capabilities-baseline", RESTR, LATEST, ALLOWED, NULL);
    expect(win_caps, "pss.capabilities-baseline", BASE, LATEST, DENIED, "SYS_ADMIN");
    expect(win_caps, "pss.capabilities-baseline", RESTR, 24, DENIED, "SYS_ADMIN");
    /* before v1.22 there is no override: the baseline rule runs at restricted */
    expect(win_caps, "pss.capabilities-baseline", RESTR, 21, DENIED, "SYS_ADMIN");
}

static void test_user_namespace_relaxations_from_135(void **state)
{
    (void)state;
    const char *userns = POD("  hostUsers: false\n  securityContext:\n    runAsUser: 0\n" APP_SC(
        "      procMount: Unmasked\n"));
    expect(userns, "pss.running-as-non-root", RESTR, 34, DENIED, NULL);
    expect(userns, "pss.running-as-non-root", RESTR, 35, ALLOWED, NULL);
    expect(userns, "pss.running-as-non-root-user", RESTR, 34, DENIED, NULL);
    expect(userns, "pss.running-as-non-root-user", RESTR, 35, ALLOWED, NULL);
    /* procMount: baseline relaxes from v1.35, restricted never */
    expect(userns, "pss.proc-mount", BASE, 34, DENIED, "\"Unmasked\"");
    expect(userns, "pss.proc-mount", BASE, 35, ALLOWED, NULL);
    expect(userns, "pss.proc-mount", RESTR, LATEST, DENIED, "\"Unmasked\"");
    /* hostUsers: true (or unset) relaxes nothing */
    expect(POD("  hostUsers: true\n" APP_SC("      procMount: Unmasked\n")), "pss.proc-mount", BASE,
           LATEST, DENIED, NULL);
}

/* ---- volumes ---- */

static void test_volume_types(void **state)
{
    (void)state;
    static const char *const allowed[] = {
        "configMap:\n      name: c",
        "csi:\n      driver: d",
        "downwardAPI: {}",
        "emptyDir: {}",
        "ephemeral:\n      volumeClaimTemplate: {}",
        "image:\n      reference: r",
        "persistentVolumeClaim:\n      claimName: c",
        "projected:\n      sources: []",
        "secret:\n      secretName: s",
    };
    static const char *const forbidden[] = {
        "hostPath",
        "gcePersistentDisk",
        "awsElasticBlockStore",
        "gitRepo",
        "nfs",
        "iscsi",
        "glusterfs",
        "rbd",
        "flexVolume",
        "cinder",
        "cephfs",
        "flocker",
        "fc",
        "azureFile",
        "vsphereVolume",
        "quobyte",
        "azureDisk",
        "photonPersistentDisk",
        "portworxVolume",
        "scaleIO",
        "storageos",
    };
    char yaml[1024];
    for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++) {
        snprintf(yaml, sizeof yaml,
                 "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n" APP
                 "  volumes:\n  - name: v\n    %s\n",
                 allowed[i]);
        /* image volumes were allowed in the v1.0 rule itself (v1.33 code):
         * so at every version */
        expect(yaml, "pss.volume-types", RESTR, 0, ALLOWED, NULL);
        expect(yaml, "pss.volume-types", RESTR, LATEST, ALLOWED, NULL);
    }
    for (size_t i = 0; i < sizeof forbidden / sizeof *forbidden; i++) {
        snprintf(yaml, sizeof yaml,
                 "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n" APP
                 "  volumes:\n  - name: v\n    %s:\n      x: y\n",
                 forbidden[i]);
        char want[128];
        snprintf(want, sizeof want, "spec.volumes[0].%s: a restricted volume type", forbidden[i]);
        expect(yaml, "pss.volume-types", RESTR, LATEST, DENIED, want);
    }
    /* no source: the API server's default is emptyDir */
    expect(POD(APP "  volumes:\n  - name: scratch\n"), "pss.volume-types", RESTR, LATEST, ALLOWED,
           NULL);
    /* hostPath: null is no hostPath */
    expect(POD(APP "  volumes:\n  - name: v\n    hostPath: null\n    emptyDir: {}\n"),
           "pss.host-path-volumes", BASE, LATEST, ALLOWED, NULL);
    /* a source lockdown does not know: not judged, said so */
    expect(POD(APP "  volumes:\n  - name: v\n    futureVolume: {}\n"), "pss.volume-types", RESTR,
           LATEST, UNDECIDED, "futureVolume: volume source unknown");
    /* hostPath at restricted: both policies deny it */
    const char *hp = POD(APP "  volumes:\n  - name: v\n    hostPath:\n      path: /\n");
    expect(hp, "pss.host-path-volumes", RESTR, LATEST, DENIED, NULL);
    expect(hp, "pss.volume-types", RESTR, LATEST, DENIED, "hostPath");
}

/* ---- decoding ---- */

static void test_values_as_the_api_server_decodes(void **state)
{
    (void)state;
    /* YAML 1.1 booleans: "yes", "on" are true */
    expect(POD("  hostNetwork: yes\n" APP), "pss.host-namespaces", BASE, LATEST, DENIED,
           "spec.hostNetwork: true");
    expect(POD(APP_SC("      privileged: On\n")), "pss.privileged", BASE, LATEST, DENIED, NULL);
    expect(POD("  hostPID: null\n  hostIPC: ~\n" APP), "pss.host-namespaces", BASE, LATEST, ALLOWED,
           NULL);
    /* a quoted "true" is a string: the API server refuses the object */
    expect(POD("  hostNetwork: \"true\"\n" APP), "pss.host-namespaces", BASE, LATEST, UNDECIDED,
           "spec.hostNetwork: \"true\" is not a boolean");
    expect(POD("  containers:\n  - name: app\n    ports:\n    - hostPort: \"80\"\n"),
           "pss.host-ports", BASE, LATEST, UNDECIDED, "is not an integer");
    expect(POD(APP_SC("      capabilities: [\"ALL\"]\n")), "pss.capabilities-restricted", RESTR,
           LATEST, UNDECIDED, "capabilities: a list is not an object");
    /* a hex hostPort is an integer to YAML 1.1 */
    expect(POD("  containers:\n  - name: app\n    ports:\n    - hostPort: 0x50\n"),
           "pss.host-ports", BASE, LATEST, DENIED, "hostPort: 80");
    /* JSON input */
    expect("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"j\"},\"spec\":"
           "{\"containers\":[{\"name\":\"a\",\"securityContext\":{\"privileged\":true}}]}}",
           "pss.privileged", BASE, LATEST, DENIED, "privileged: true");
    /* container lists the API server would refuse: nothing judged from them */
    expect(POD("  containers:\n    name: app\n    securityContext:\n      privileged: true\n"),
           "pss.privileged", BASE, LATEST, UNDECIDED, "spec.containers: a map is not a list");
    expect(POD("  containers:\n  - app\n"), "pss.privilege-escalation", RESTR, LATEST, UNDECIDED,
           "spec.containers[0]: app is not an object");
    /* violations found elsewhere still deny */
    expect(POD("  hostPID: true\n  containers: 5\n"), "pss.host-namespaces", BASE, LATEST, DENIED,
           "spec.hostPID: true");
    /* capabilities are case-sensitive: "all" does not drop ALL */
    expect(POD(APP_SC("      capabilities:\n        drop: [\"all\"]\n")),
           "pss.capabilities-restricted", RESTR, LATEST, DENIED, "must include \"ALL\"");
    expect(POD(APP_SC("      capabilities:\n        add: [\"chown\"]\n")),
           "pss.capabilities-baseline", BASE, LATEST, DENIED, "\"chown\"");
}

/* ---- the family: levels per namespace, evidence, lines ---- */

typedef struct {
    const char *pss;
    const char *version;
    ld_level level;
} scan_opts;

static ld_findings *run_family(const char *yaml, scan_opts so, int *rc_out, ld_error *err_out)
{
    ld_error err = LD_ERROR_INIT;
    ld_k8s_set *s = ld_k8s_set_new(NULL);
    if (ld_k8s_load_buffer(s, "m.yaml", yaml, strlen(yaml), &err) < 0)
        fail_msg("load: %s", err.msg);
    ld_findings *fs = ld_findings_new(catalog, TEST_NOW);
    ld_k8s_scan_options o = {0};
    o.pss_level = so.pss;
    o.pss_version = so.version;
    o.level = so.level;
    o.inputs = "m.yaml";
    int rc = ld_k8s_pss_checks(fs, s, &o, &err);
    if (rc_out)
        *rc_out = rc;
    else if (rc < 0)
        fail_msg("pss checks: %s", err.msg);
    if (err_out)
        *err_out = err;
    ld_k8s_set_free(s);
    return fs;
}

/* The finding of check on target id (the object), or NULL. */
static const ld_finding *on(const ld_findings *fs, const char *check, const char *target)
{
    return find_finding(fs, check, target);
}

#define NS_RESTRICTED                                                                              \
    "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n  labels:\n"                        \
    "    pod-security.kubernetes.io/enforce: restricted\n"                                         \
    "    pod-security.kubernetes.io/warn: restricted\n---\n"

#define DEPLOY_ROOT                                                                                \
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: prod\nspec:\n"    \
    "  template:\n    spec:\n      containers:\n      - name: app\n        image: nginx\n"         \
    "        securityContext:\n          allowPrivilegeEscalation: false\n"                        \
    "          runAsUser: 0\n"

static void test_family_namespace_label(void **state)
{
    (void)state;
    ld_findings *fs =
        run_family(NS_RESTRICTED DEPLOY_ROOT, (scan_opts){NULL, NULL, LD_LEVEL_LOW}, NULL, NULL);
    /* restricted from the label, though lockdown's level is low */
    const ld_finding *f = on(fs, "pss.running-as-non-root-user", "Deployment/prod/web");
    assert_non_null(f);
    assert_int_equal(f->status, LD_STATUS_FAIL);
    assert_non_null(
        strstr(f->evidence, "spec.template.spec.containers[0].securityContext.runAsUser: 0"));
    assert_non_null(strstr(f->evidence, "its pods would be denied at restricted:latest (v1.37)"));
    assert_non_null(strstr(f->evidence, "label pod-security.kubernetes.io/enforce=restricted"));
    assert_non_null(strstr(f->evidence, "warn=restricted"));
    /* the line of the runAsUser node: the Namespace document is 7 lines,
     * then --- and the Deployment, whose 14th line it is */
    assert_string_equal(f->target.path, "m.yaml");
    assert_int_equal(f->target.line, 8 + 14);
    /* allowPrivilegeEscalation: false passes; its verdict is a pass summary */
    const ld_finding *pe = on(fs, "pss.privilege-escalation", "scan");
    assert_non_null(pe);
    assert_int_equal(pe->status, LD_STATUS_PASS);
    /* seccomp and capabilities fail too, no pass summary for them */
    assert_non_null(on(fs, "pss.seccomp-restricted", "Deployment/prod/web"));
    assert_null(on(fs, "pss.seccomp-restricted", "scan"));
    ld_findings_free(fs);
}

static void test_family_level_mapping(void **state)
{
    (void)state;
    /* no Namespace object: medium maps to baseline, restricted policies are
     * not applicable, baseline ones pass */
    ld_findings *fs = run_family(DEPLOY_ROOT, (scan_opts){NULL, NULL, LD_LEVEL_MEDIUM}, NULL, NULL);
    assert_null(on(fs, "pss.running-as-non-root-user", "Deployment/prod/web"));
    const ld_finding *na = on(fs, "pss.running-as-non-root-user", "scan");
    assert_non_null(na);
    assert_int_equal(na->status, LD_STATUS_SKIPPED);
    assert_non_null(strstr(na->evidence, "judged at a level without it (it is restricted)"));
    assert_int_equal(on(fs, "pss.privileged", "scan")->status, LD_STATUS_PASS);
    ld_findings_free(fs);
    /* high maps to restricted */
    fs = run_family(DEPLOY_ROOT, (scan_opts){NULL, NULL, LD_LEVEL_HIGH}, NULL, NULL);
    const ld_finding *f = on(fs, "pss.running-as-non-root-user", "Deployment/prod/web");
    assert_non_null(f);
    assert_non_null(strstr(f->evidence, "no Namespace object in the inputs: lockdown level high "
                                        "maps to restricted"));
    ld_findings_free(fs);
}

static void test_family_forced_level_and_version(void **state)
{
    (void)state;
    /* --pss baseline over a restricted label */
    ld_findings *fs = run_family(NS_RESTRICTED DEPLOY_ROOT,
                                 (scan_opts){"baseline", NULL, LD_LEVEL_HIGH}, NULL, NULL);
    assert_null(on(fs, "pss.running-as-non-root-user", "Deployment/prod/web"));
    assert_int_equal(on(fs, "pss.running-as-non-root-user", "scan")->status, LD_STATUS_SKIPPED);
    ld_findings_free(fs);
    /* --pss-version v1.22: runAsUser did not exist yet */
    fs =
        run_family(NS_RESTRICTED DEPLOY_ROOT, (scan_opts){NULL, "v1.22", LD_LEVEL_LOW}, NULL, NULL);
    assert_null(on(fs, "pss.running-as-non-root-user", "Deployment/prod/web"));
    const ld_finding *na = on(fs, "pss.running-as-non-root-user", "scan");
    assert_int_equal(na->status, LD_STATUS_SKIPPED);
    assert_non_null(strstr(na->evidence, "before v1.23, which added it"));
    /* but the rest of restricted still fails, at v1.22 */
    const ld_finding *f = on(fs, "pss.running-as-non-root", "Deployment/prod/web");
    assert_non_null(f);
    assert_non_null(strstr(f->evidence, "restricted:v1.22"));
    assert_non_null(strstr(f->evidence, "--pss-version v1.22"));
    ld_findings_free(fs);
    /* a version newer than lockdown knows is judged as its newest */
    fs =
        run_family(NS_RESTRICTED DEPLOY_ROOT, (scan_opts){NULL, "v1.99", LD_LEVEL_LOW}, NULL, NULL);
    f = on(fs, "pss.running-as-non-root-user", "Deployment/prod/web");
    assert_non_null(f);
    assert_non_null(strstr(f->evidence, "v1.99 (judged as v1.37"));
    ld_findings_free(fs);
    /* invalid options are errors */
    int rc = 0;
    ld_error err = LD_ERROR_INIT;
    fs = run_family(DEPLOY_ROOT, (scan_opts){"strict", NULL, LD_LEVEL_LOW}, &rc, &err);
    assert_int_equal(rc, LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "--pss \"strict\""));
    ld_findings_free(fs);
    fs = run_family(DEPLOY_ROOT, (scan_opts){NULL, "1.25", LD_LEVEL_LOW}, &rc, &err);
    assert_int_equal(rc, LD_ERR_INVALID);
    ld_findings_free(fs);
}

static void test_family_label_versions_and_invalid_labels(void **state)
{
    (void)state;
    /* enforce-version pins the policy version per namespace */
    const char *pinned = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n  labels:\n"
                         "    pod-security.kubernetes.io/enforce: restricted\n"
                         "    pod-security.kubernetes.io/enforce-version: v1.22\n---\n" DEPLOY_ROOT;
    ld_findings *fs = run_family(pinned, (scan_opts){NULL, NULL, LD_LEVEL_LOW}, NULL, NULL);
    assert_null(on(fs, "pss.running-as-non-root-user", "Deployment/prod/web"));
    assert_non_null(strstr(on(fs, "pss.running-as-non-root", "Deployment/prod/web")->evidence,
                           "label pod-security.kubernetes.io/enforce-version=v1.22"));
    ld_findings_free(fs);
    /* an invalid level label is restricted (the admission fails closed) */
    const char *bad = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n  labels:\n"
                      "    pod-security.kubernetes.io/enforce: strict\n---\n" DEPLOY_ROOT;
    fs = run_family(bad, (scan_opts){NULL, NULL, LD_LEVEL_LOW}, NULL, NULL);
    const ld_finding *f = on(fs, "pss.running-as-non-root-user", "Deployment/prod/web");
    assert_non_null(f);
    assert_non_null(
        strstr(f->evidence, "is not a level: restricted, as the admission fails closed"));
    ld_findings_free(fs);
    /* privileged: nothing judged, and the report says so */
    const char *priv = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n  labels:\n"
                       "    pod-security.kubernetes.io/enforce: privileged\n---\n" DEPLOY_ROOT
                       "          privileged: true\n";
    fs = run_family(priv, (scan_opts){NULL, NULL, LD_LEVEL_HIGH}, NULL, NULL);
    assert_null(on(fs, "pss.privileged", "Deployment/prod/web"));
    const ld_finding *na = on(fs, "pss.privileged", "scan");
    assert_int_equal(na->status, LD_STATUS_SKIPPED);
    assert_non_null(strstr(na->evidence, "1 in privileged namespaces"));
    bool noted = false;
    for (size_t i = 0; i < fs->notes.n; i++)
        noted |= strstr(fs->notes.v[i], "1 pod spec in namespace \"prod\" not judged") != NULL;
    assert_true(noted);
    ld_findings_free(fs);
}

static void test_family_undecided_is_an_error(void **state)
{
    (void)state;
    const char *yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: a\nspec:\n"
                       "  hostNetwork: \"yes\"\n  containers:\n  - name: c\n";
    ld_findings *fs = run_family(yaml, (scan_opts){NULL, NULL, LD_LEVEL_LOW}, NULL, NULL);
    const ld_finding *f = on(fs, "pss.host-namespaces", "Pod/a/p");
    assert_non_null(f);
    assert_int_equal(f->status, LD_STATUS_ERROR);
    assert_int_equal(f->target.line, 7);
    assert_non_null(strstr(f->evidence, "spec.hostNetwork: \"yes\" is not a boolean"));
    /* never a pass summary for a check that could not judge */
    assert_null(on(fs, "pss.host-namespaces", "scan"));
    ld_findings_free(fs);
}

static void test_family_nothing_to_judge(void **state)
{
    (void)state;
    ld_findings *fs = run_family("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
                                 (scan_opts){NULL, NULL, LD_LEVEL_LOW}, NULL, NULL);
    for (size_t i = 0; i < ld_pss_policy_count(); i++) {
        const ld_finding *f = on(fs, ld_pss_policy_at(i)->check_id, "scan");
        assert_non_null(f);
        assert_int_equal(f->status, LD_STATUS_SKIPPED);
        assert_string_equal(f->evidence, "no pod spec in the inputs");
    }
    assert_int_equal(fs->n, ld_pss_policy_count());
    ld_findings_free(fs);
}

/* --check 'pss.*' is the admission verdict: a pod allowed by restricted
 * fails no pss check; one field wrong fails exactly its policy. */
static void test_family_verdict_is_the_admission_verdict(void **state)
{
    (void)state;
    ld_findings *fs =
        run_family(RESTRICTED_OK, (scan_opts){"restricted", NULL, LD_LEVEL_LOW}, NULL, NULL);
    for (size_t i = 0; i < fs->n; i++)
        if (fs->v[i]->status != LD_STATUS_PASS)
            fail_msg("%s: %s (%s)", fs->v[i]->check_id, ld_status_name(fs->v[i]->status),
                     fs->v[i]->evidence ? fs->v[i]->evidence : "");
    assert_int_equal(fs->n, ld_pss_policy_count());
    ld_findings_free(fs);

    const char *one_wrong =
        POD("  securityContext:\n    runAsNonRoot: true\n    seccompProfile:\n      type: "
            "RuntimeDefault\n" APP_SC("      allowPrivilegeEscalation: false\n      capabilities:\n"
                                      "        drop: [\"ALL\"]\n      procMount: Unmasked\n"));
    fs = run_family(one_wrong, (scan_opts){"restricted", NULL, LD_LEVEL_LOW}, NULL, NULL);
    size_t failed = 0;
    for (size_t i = 0; i < fs->n; i++)
        if (fs->v[i]->status == LD_STATUS_FAIL) {
            failed++;
            assert_string_equal(fs->v[i]->check_id, "pss.proc-mount");
            assert_string_equal(fs->v[i]->target.id, "Pod/t/p");
        }
    assert_int_equal(failed, 1);
    ld_findings_free(fs);
}

static void test_family_selection(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    ld_k8s_set *s = ld_k8s_set_new(NULL);
    const char *yaml = NS_RESTRICTED DEPLOY_ROOT;
    assert_int_equal(ld_k8s_load_buffer(s, "m.yaml", yaml, strlen(yaml), &err), 0);
    ld_findings *fs = ld_findings_new(catalog, TEST_NOW);
    ld_strlist sel = {0}, ex = {0};
    ld_strlist_push(&sel, "pss.running-as-non-root-user");
    ld_findings_select(fs, &sel, &ex);
    ld_k8s_scan_options o = {0};
    o.level = LD_LEVEL_LOW;
    assert_int_equal(ld_k8s_pss_checks(fs, s, &o, &err), 0);
    assert_int_equal(fs->n, 1);
    assert_string_equal(fs->v[0]->check_id, "pss.running-as-non-root-user");
    ld_strlist_clear(&sel);
    ld_findings_free(fs);
    ld_k8s_set_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_and_level_parsing),
        cmocka_unit_test(test_policy_table),
        cmocka_unit_test(test_every_policy_allows_and_denies),
        cmocka_unit_test(test_restricted_pod_at_every_version),
        cmocka_unit_test(test_init_and_ephemeral_containers),
        cmocka_unit_test(test_workload_templates),
        cmocka_unit_test(test_run_as_non_root_inheritance),
        cmocka_unit_test(test_seccomp_inheritance),
        cmocka_unit_test(test_sysctls_by_version),
        cmocka_unit_test(test_selinux_by_version),
        cmocka_unit_test(test_host_probes_since_134),
        cmocka_unit_test(test_run_as_user_since_123),
        cmocka_unit_test(test_restricted_rules_start_at_their_versions),
        cmocka_unit_test(test_seccomp_annotations_before_119),
        cmocka_unit_test(test_apparmor_forms),
        cmocka_unit_test(test_windows_relaxations_from_125),
        cmocka_unit_test(test_user_namespace_relaxations_from_135),
        cmocka_unit_test(test_volume_types),
        cmocka_unit_test(test_values_as_the_api_server_decodes),
        cmocka_unit_test(test_family_namespace_label),
        cmocka_unit_test(test_family_level_mapping),
        cmocka_unit_test(test_family_forced_level_and_version),
        cmocka_unit_test(test_family_label_versions_and_invalid_labels),
        cmocka_unit_test(test_family_undecided_is_an_error),
        cmocka_unit_test(test_family_nothing_to_judge),
        cmocka_unit_test(test_family_verdict_is_the_admission_verdict),
        cmocka_unit_test(test_family_selection),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
