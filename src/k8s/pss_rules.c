/* The Pod Security Standards' rules, per policy and policy version, as
 * pure functions of one pod spec (and its metadata's annotations). Facts
 * (field names, allowed values, the version each rule changed in) follow
 * the Kubernetes Pod Security admission (k8s.io/pod-security-admission,
 * policy/check_*.go) and the "Pod Security Standards" page on
 * kubernetes.io; each rule says which. Not for choosing a namespace's level
 * or filing findings: pss.c does that.
 *
 * Values are read as the API server would decode them (manifest.h's
 * accessors): absent and null are "undefined"; a value of the wrong type
 * (hostNetwork: "yes") is not judged but reported as undecided, since the
 * API server would refuse the object before admission sees it. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/pss.h"
#include "util/mem.h"

/* ---- levels and versions ---- */

static const char *const level_names[] = {"privileged", "baseline", "restricted"};

const char *ld_pss_level_name(ld_pss_level l)
{
    return (unsigned)l <= LD_PSS_RESTRICTED ? level_names[l] : "?";
}

int ld_pss_level_parse(const char *s, ld_pss_level *out)
{
    for (int i = LD_PSS_PRIVILEGED; s && i <= LD_PSS_RESTRICTED; i++)
        if (strcmp(s, level_names[i]) == 0) {
            *out = (ld_pss_level)i;
            return 0;
        }
    return -1;
}

int ld_pss_version_parse(const char *s, int *minor)
{
    if (!s)
        return -1;
    if (strcmp(s, "latest") == 0) {
        *minor = LD_PSS_VERSION_LATEST;
        return 0;
    }
    /* api/helpers.go: ^v1\.([0-9]|[1-9][0-9]*)$ */
    if (strncmp(s, "v1.", 3) != 0)
        return -1;
    const char *d = s + 3;
    size_t len = strlen(d);
    if (len == 0 || len > 9 || (len > 1 && d[0] == '0'))
        return -1;
    int v = 0;
    for (size_t i = 0; i < len; i++) {
        if (d[i] < '0' || d[i] > '9')
            return -1;
        v = v * 10 + (d[i] - '0');
    }
    *minor = v;
    return 0;
}

int ld_pss_effective_minor(int minor)
{
    /* registry.go: a version newer than every check's newest version, and
     * "latest", are evaluated at that newest version. */
    if (minor < 0 || minor > LD_PSS_LATEST_MINOR)
        return LD_PSS_LATEST_MINOR;
    return minor;
}

ld_pss_level ld_pss_level_for(ld_level level)
{
    return level >= LD_LEVEL_HIGH ? LD_PSS_RESTRICTED : LD_PSS_BASELINE;
}

/* ---- judging context and small readers ---- */

typedef struct {
    const ld_k8s_pod *pod;
    ld_pss_level level;
    int minor;
    ld_pss_result *out;
    unsigned undecided_n; /* fields found undecodable so far (the result keeps the first) */
} judge;

#define SHOW_MAX 200

/* s escaped for evidence (", \ and control bytes), cut at SHOW_MAX bytes
 * on a UTF-8 boundary with "..." after; in double quotes when quotes.
 * Caller frees. */
static char *render(const char *s, bool quotes)
{
    size_t len = strlen(s);
    size_t shown = len > SHOW_MAX ? SHOW_MAX : len;
    while (shown < len && shown > 0 && ((unsigned char)s[shown] & 0xC0) == 0x80)
        shown--;
    char *buf = ld_xmalloc(shown * 6 + 8);
    size_t o = 0;
    if (quotes)
        buf[o++] = '"';
    for (size_t i = 0; i < shown; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\') {
            buf[o++] = '\\';
            buf[o++] = (char)ch;
        } else if (ch < 0x20 || ch == 0x7f) {
            static const char hex[] = "0123456789abcdef";
            memcpy(buf + o, "\\u00", 4);
            o += 4;
            buf[o++] = hex[ch >> 4];
            buf[o++] = hex[ch & 15];
        } else {
            buf[o++] = (char)ch;
        }
    }
    if (quotes)
        buf[o++] = '"';
    if (shown < len) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
    return buf;
}

/* s as a quoted string for evidence; caller frees. */
static char *quote(const char *s)
{
    return render(s, true);
}

/* How a node reads in evidence: a string quoted, a plain scalar as written
 * (true, 0, 8080), "a map"/"a list" otherwise. Caller frees. */
static char *show(const ld_yaml_node *n)
{
    if (!n)
        return ld_xstrdup("not set");
    if (n->kind == LD_YAML_MAP)
        return ld_xstrdup("a map");
    if (n->kind == LD_YAML_SEQ)
        return ld_xstrdup("a list");
    return render(n->value ? n->value : "", n->quoted);
}

static void add_violation(judge *j, const ld_yaml_node *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add_violation(judge *j, const ld_yaml_node *at, const char *fmt, ...)
{
    ld_pss_result *r = j->out;
    if (r->n >= LD_PSS_MAX_VIOLATIONS) {
        r->more++;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    r->v[r->n].what = ld_xvasprintf(fmt, ap);
    va_end(ap);
    r->v[r->n].at = at ? at : j->pod->spec;
    r->n++;
}

static void set_undecided(judge *j, const ld_yaml_node *at, const char *path, const char *want)
{
    ld_pss_result *r = j->out;
    j->undecided_n++;
    if (r->undecided)
        return;
    char *shown = show(at);
    r->undecided = ld_xasprintf("%s: %s is not %s (the API server would refuse the object)", path,
                                shown, want);
    free(shown);
    r->undecided_at = at;
}

static bool absent(const ld_yaml_node *n)
{
    return !n || ld_k8s_is_null(n);
}

/* Reads a boolean field: 0 undefined, 1 set (*v), -1 not a boolean. */
static int read_bool(judge *j, const ld_yaml_node *n, const char *path, bool *v)
{
    if (absent(n))
        return 0;
    if (n->kind == LD_YAML_SCALAR && !n->quoted && ld_k8s_bool(n, v))
        return 1;
    set_undecided(j, n, path, "a boolean");
    return -1;
}

/* Reads an integer field: 0 undefined, 1 set (*v), -1 not an integer. */
static int read_int(judge *j, const ld_yaml_node *n, const char *path, long long *v)
{
    if (absent(n))
        return 0;
    if (n->kind == LD_YAML_SCALAR && !n->quoted && ld_k8s_int(n, v))
        return 1;
    set_undecided(j, n, path, "an integer");
    return -1;
}

/* Reads a string field: NULL when undefined (null is the empty string to
 * Go, which every rule here treats as undefined) or not a scalar (then
 * undecided). */
static const char *read_str(judge *j, const ld_yaml_node *n, const char *path)
{
    if (absent(n))
        return NULL;
    if (n->kind == LD_YAML_SCALAR)
        return n->value ? n->value : "";
    set_undecided(j, n, path, "a string");
    return NULL;
}

/* A map-valued field: NULL when undefined or (undecided) not a map. */
static const ld_yaml_node *read_map(judge *j, const ld_yaml_node *n, const char *path)
{
    if (absent(n))
        return NULL;
    if (n->kind == LD_YAML_MAP)
        return n;
    set_undecided(j, n, path, "an object");
    return NULL;
}

/* A list-valued field: NULL when undefined or (undecided) not a list. */
static const ld_yaml_node *read_seq(judge *j, const ld_yaml_node *n, const char *path)
{
    if (absent(n))
        return NULL;
    if (n->kind == LD_YAML_SEQ)
        return n;
    set_undecided(j, n, path, "a list");
    return NULL;
}

static const ld_yaml_node *get(const ld_yaml_node *map, const char *key)
{
    return ld_yaml_get(map, key);
}

/* ---- pod and container views ---- */

/* "spec.template.spec.containers[2]" */
static char *ctr_path(const judge *j, const ld_k8s_container *c)
{
    return ld_xasprintf("%s.%s[%zu]", j->pod->path, c->field, c->index);
}

/* " (container \"app\")" or "" */
static char *ctr_label(const ld_k8s_container *c)
{
    if (!c->name || !*c->name)
        return ld_xstrdup("");
    char *q = quote(c->name);
    char *s = ld_xasprintf(" (container %s)", q);
    free(q);
    return s;
}

/* The pod's metadata path: "metadata", "spec.template.metadata", ... */
static char *meta_path(const judge *j)
{
    const char *p = j->pod->path;
    size_t len = strlen(p);
    if (len >= 4 && strcmp(p + len - 4, "spec") == 0)
        return ld_xasprintf("%.*smetadata", (int)(len - 4), p);
    return ld_xstrdup("metadata");
}

/* The pod-level securityContext map (NULL when undefined). */
static const ld_yaml_node *pod_sc(judge *j)
{
    char *path = ld_xasprintf("%s.securityContext", j->pod->path);
    const ld_yaml_node *m = read_map(j, get(j->pod->spec, "securityContext"), path);
    free(path);
    return m;
}

/* A container's securityContext map (NULL when undefined or, then *bad
 * is set when bad is given, not a map). */
static const ld_yaml_node *ctr_sc_or_bad(judge *j, const ld_k8s_container *c, bool *bad)
{
    char *base = ctr_path(j, c);
    char *path = ld_xasprintf("%s.securityContext", base);
    const ld_yaml_node *n = get(c->node, "securityContext");
    const ld_yaml_node *m = read_map(j, n, path);
    if (bad)
        *bad = !m && !absent(n);
    free(path);
    free(base);
    return m;
}

static const ld_yaml_node *ctr_sc(judge *j, const ld_k8s_container *c)
{
    return ctr_sc_or_bad(j, c, NULL);
}

/* Is the pod a Windows pod (spec.os.name: windows)? The admission's v1.25
 * rules exempt them from the Linux-only restricted policies. */
static bool windows_pod(judge *j)
{
    const ld_yaml_node *os = get(j->pod->spec, "os");
    if (!os || os->kind != LD_YAML_MAP)
        return false;
    const char *name = ld_k8s_str(get(os, "name"));
    return name && strcmp(name, "windows") == 0;
}

/* spec.hostUsers: false (a user-namespace pod). */
static bool user_namespace_pod(judge *j)
{
    bool v = true;
    char *path = ld_xasprintf("%s.hostUsers", j->pod->path);
    int got = read_bool(j, get(j->pod->spec, "hostUsers"), path, &v);
    free(path);
    return got == 1 && !v;
}

static size_t ctr_count(const judge *j)
{
    return ld_k8s_pod_container_count(j->pod);
}

/* ---- baseline ---- */

/* HostProcess (windowsHostProcess, v1.0+): spec.securityContext and every
 * container's securityContext .windowsOptions.hostProcess: undefined/false. */
static void rule_windows_host_process(judge *j)
{
    j->out->reason = "hostProcess";
    const ld_yaml_node *sc = pod_sc(j);
    if (sc) {
        char *p = ld_xasprintf("%s.securityContext.windowsOptions", j->pod->path);
        const ld_yaml_node *wo = read_map(j, get(sc, "windowsOptions"), p);
        bool v = false;
        char *hp = ld_xasprintf("%s.hostProcess", p);
        if (wo && read_bool(j, get(wo, "hostProcess"), hp, &v) == 1 && v)
            add_violation(j, get(wo, "hostProcess"), "%s: true", hp);
        free(hp);
        free(p);
    }
    for (size_t i = 0; i < ctr_count(j); i++) {
        ld_k8s_container c;
        if (!ld_k8s_pod_container(j->pod, i, &c))
            continue;
        const ld_yaml_node *csc = ctr_sc(j, &c);
        if (!csc)
            continue;
        char *base = ctr_path(j, &c);
        char *p = ld_xasprintf("%s.securityContext.windowsOptions", base);
        const ld_yaml_node *wo = read_map(j, get(csc, "windowsOptions"), p);
        bool v = false;
        char *hp = ld_xasprintf("%s.hostProcess", p);
        if (wo && read_bool(j, get(wo, "hostProcess"), hp, &v) == 1 && v) {
            char *lbl = ctr_label(&c);
            add_violation(j, get(wo, "hostProcess"), "%s: true%s", hp, lbl);
            free(lbl);
        }
        free(hp);
        free(p);
        free(base);
    }
}

/* Host Namespaces (hostNamespaces, v1.0+): spec.hostNetwork, hostPID,
 * hostIPC: undefined/false. */
static void rule_host_namespaces(judge *j)
{
    j->out->reason = "host namespaces";
    static const char *const fields[] = {"hostNetwork", "hostPID", "hostIPC"};
    for (size_t k = 0; k < 3; k++) {
        const ld_yaml_node *n = get(j->pod->spec, fields[k]);
        char *p = ld_xasprintf("%s.%s", j->pod->path, fields[k]);
        bool v = false;
        if (read_bool(j, n, p, &v) == 1 && v)
            add_violation(j, n, "%s: true", p);
        free(p);
    }
}

/* Privileged Containers (privileged, v1.0+): every container's
 * securityContext.privileged: undefined/false. */
static void rule_privileged(judge *j)
{
    j->out->reason = "privileged";
    for (size_t i = 0; i < ctr_count(j); i++) {
        ld_k8s_container c;
        if (!ld_k8s_pod_container(j->pod, i, &c))
            continue;
        const ld_yaml_node *sc = ctr_sc(j, &c);
        if (!sc)
            continue;
        char *base = ctr_path(j, &c);
        char *p = ld_xasprintf("%s.securityContext.privileged", base);
        bool v = false;
        if (read_bool(j, get(sc, "privileged"), p, &v) == 1 && v) {
            char *lbl = ctr_label(&c);
            add_violation(j, get(sc, "privileged"), "%s: true%s", p, lbl);
            free(lbl);
        }
        free(p);
        free(base);
    }
}

/* Capabilities (capabilities_baseline, v1.0+, one rule version): what a
 * container adds must be in the default set the standard names. */
static const char *const baseline_caps[] = {
    "AUDIT_WRITE",      "CHOWN",   "DAC_OVERRIDE", "FOWNER",  "FSETID", "KILL",       "MKNOD",
    "NET_BIND_SERVICE", "SETFCAP", "SETGID",       "SETPCAP", "SETUID", "SYS_CHROOT",
};

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

/* A container's securityContext.capabilities <which> list ("add",
 * "drop"): the list node, NULL when undefined; *caps_out the capabilities
 * map; *bad set when a step of the way could not be decoded. */
static const ld_yaml_node *caps_list(judge *j, const ld_k8s_container *c, const char *which,
                                     const ld_yaml_node **caps_out, bool *bad)
{
    *caps_out = NULL;
    const ld_yaml_node *sc = ctr_sc_or_bad(j, c, bad);
    if (!sc)
        return NULL;
    char *base = ctr_path(j, c);
    char *p = ld_xasprintf("%s.securityContext.capabilities", base);
    const ld_yaml_node *cn = get(sc, "capabilities");
    const ld_yaml_node *caps = read_map(j, cn, p);
    *caps_out = caps;
    *bad = !caps && !absent(cn);
    const ld_yaml_node *list = NULL;
    if (caps) {
        char *lp = ld_xasprintf("%s.%s", p, which);
        const ld_yaml_node *ln = get(caps, which);
        list = read_seq(j, ln, lp);
        *bad = !list && !absent(ln);
        free(lp);
    }
    free(p);
    free(base);
    return list;
}

static void rule_capabilities_baseline(judge *j)
{
    j->out->reason = "non-default capabilities";
    for (size_t i = 0; i < ctr_count(j); i++) {
        ld_k8s_container c;
        if (!ld_k8s_pod_container(j->pod, i, &c))
            continue;
        const ld_yaml_node *caps;
        bool bad = false;
        const ld_yaml_node *add = caps_list(j, &c, "add", &caps, &bad);
        if (!add)
            continue;
        char *base = ctr_path(j, &c);
        for (size_t k = 0; k < add->n; k++) {
            char *p = ld_xasprintf("%s.securityContext.capabilities.add[%zu]", base, k);
            const char *cap = read_str(j, add->items[k], p);
            if (!cap)
                cap = "";
            if (!in_list(cap, baseline_caps, sizeof baseline_caps / sizeof *baseline_caps)) {
                char *q = quote(cap), *lbl = ctr_label(&c);
                add_violation(j, add->items[k], "%s: %s%s", p, q, lbl);
                free(q);
                free(lbl);
            }
            free(p);
        }
        free(base);
    }
}

/* The spec.volumes list (NULL when undefined). */
static const ld_yaml_node *volumes(judge *j)
{
    char *p = ld_xasprintf("%s.volumes", j->pod->path);
    const ld_yaml_node *v = read_seq(j, get(j->pod->spec, "volumes"), p);
    free(p);
    return v;
}

static char *volume_label(const ld_yaml_node *vol)
{
    const char *name = ld_k8s_str(get(vol, "name"));
    if (!name || !*name)
        return ld_xstrdup("");
    char *q = quote(name);
    char *s = ld_xasprintf(" (volume %s)", q);
    free(q);
    return s;
}

/* HostPath Volumes (hostPathVolumes, v1.0+): spec.volumes[*].hostPath
 * undefined. */
static void rule_host_path_volumes(judge *j)
{
    j->out->reason = "hostPath volumes";
    const ld_yaml_node *vols = volumes(j);
    for (size_t k = 0; vols && k < vols->n; k++) {
        const ld_yaml_node *vol = vols->items[k];
        if (!vol || vol->kind != LD_YAML_MAP)
            continue;
        const ld_yaml_node *hp = get(vol, "hostPath");
        if (absent(hp))
            continue;
        const char *path = hp->kind == LD_YAML_MAP ? ld_k8s_str(get(hp, "path")) : NULL;
        char *q = quote(path ? path : ""), *lbl = volume_label(vol);
        add_violation(j, hp, "%s.volumes[%zu].hostPath: path %s%s", j->pod->path, k, q, lbl);
        free(q);
        free(lbl);
    }
}

/* Host Ports (hostPorts, v1.0+): every container's ports[*].hostPort
 * undefined or 0. (The API server defaults hostPort from containerPort
 * when hostNetwork is true; such pods are denied by host namespaces
 * already, so judging hostPort as written changes no verdict.) */
static void rule_host_ports(judge *j)
{
    j->out->reason = "hostPort";
    for (size_t i = 0; i < ctr_count(j); i++) {
        ld_k8s_container c;
        if (!ld_k8s_pod_container(j->pod, i, &c))
            continue;
        char *base = ctr_path(j, &c);
        char *pp = ld_xasprintf("%s.ports", base);
        const ld_yaml_node *ports = read_seq(j, get(c.node, "ports"), pp);
        for (size_t k = 0; ports && k < ports->n; k++) {
            const ld_yaml_node *port = ports->items[k];
            if (!port || port->kind != LD_YAML_MAP)
                continue;
            char *p = ld_xasprintf("%s[%zu].hostPort", pp, k);
            long long v = 0;
            if (read_int(j, get(port, "hostPort"), p, &v) == 1 && v != 0) {
                char *lbl = ctr_label(&c);
                add_violation(j, get(port, "hostPort"), "%s: %lld%s", p, v, lbl);
                free(lbl);
            }
            free(p);
        }
        free(pp);
        free(base);
    }
}

/* Host Probes / Lifecycle Hooks (hostProbesAndHostLifecycle, v1.34+, KEP
 * 4940): .host of httpGet and tcpSocket in livenessProbe, readinessProbe,
 * startupProbe, lifecycle.postStart and lifecycle.preStop: undefined/"". */
static void host_of_handler(judge *j, const ld_k8s_container *c, const ld_yaml_node *handler,
                            const char *hpath)
{
    static const char *const actions[] = {"httpGet", "tcpSocket"};
    if (!handler)
        return;
    for (size_t a = 0; a < 2; a++) {
        char *ap = ld_xasprintf("%s.%s", hpath, actions[a]);
        const ld_yaml_node *act = read_map(j, get(handler, actions[a]), ap);
        if (act) {
            char *p = ld_xasprintf("%s.host", ap);
            const char *host = read_str(j, get(act, "host"), p);
            if (host && *host) {
                char *q = quote(host), *lbl = ctr_label(c);
                add_violation(j, get(act, "host"), "%s: %s%s", p, q, lbl);
                free(q);
                free(lbl);
            }
            free(p);
        }
        free(ap);
    }
}

static void rule_host_probes_lifecycle(judge *j)
{
    j->out->reason = "probe or lifecycle host";
    static const char *const probes[] = {"livenessProbe", "readinessProbe", "startupProbe"};
    static const char *const hooks[] = {"postStart", "preStop"};
    for (size_t i = 0; i < ctr_count(j); i++) {
        ld_k8s_container c;
        if (!ld_k8s_pod_container(j->pod, i, &c))
            continue;
        char *base = ctr_path(j, &c);
        for (size_t k = 0; k < 3; k++) {
            char *p = ld_xasprintf("%s.%s", base, probes[k]);
            host_of_handler(j, &c, read_map(j, get(c.node, probes[k]), p), p);
            free(p);
        }
        char *lp = ld_xasprintf("%s.lifecycle", base);
        const ld_yaml_node *lc = read_map(j, get(c.node, "lifecycle"), lp);
        for (size_t k = 0; lc && k < 2; k++) {
            char *p = ld_xasprintf("%s.%s", lp, hooks[k]);
            host_of_handler(j, &c, read_map(j, get(lc, hooks[k]), p), p);
            free(p);
        }
        free(lp);
        free(base);
    }
}

/* AppArmor (appArmorProfile, one rule version at v1.0 that judges both
 * forms, so the field is judged at every policy version):
 *  - annotations with the prefix container.apparmor.security.beta.kubernetes.io/:
 *    "", "runtime/default" or "localhost/..."
 *  - appArmorProfile.type of the pod and of every container (the field of
 *    v1.30+): RuntimeDefault or Localhost (so not Unconfined). */
typedef void (*sc_judge_fn)(judge *j, const ld_yaml_node *sc, const char *scpath,
                            const ld_k8s_container *c);

/* Calls fn on the pod's securityContext (c NULL) and then on each
 * container's, those that are defined maps, with the path of each. */
static void each_security_context(judge *j, sc_judge_fn fn)
{
    const ld_yaml_node *sc = pod_sc(j);
    if (sc) {
        char *scp = ld_xasprintf("%s.securityContext", j->pod->path);
        fn(j, sc, scp, NULL);
        free(scp);
    }
    for (size_t i = 0; i < ctr_count(j); i++) {
        ld_k8s_container c;
        if (!ld_k8s_pod_container(j->pod, i, &c))
            continue;
        const ld_yaml_node *csc = ctr_sc(j, &c);
        if (!csc)
            continue;
        char *base = ctr_path(j, &c);
        char *scp = ld_xasprintf("%s.securityContext", base);
        fn(j, csc, scp, &c);
        free(scp);
        free(base);
    }
}

#define APPARMOR_ANNOTATION_PREFIX "container.apparmor.security.beta.kubernetes.io/"

static void apparmor_field(judge *j, const ld_yaml_node *sc, const char *scpath,
                           const ld_k8s_container *c)
{
    char *p = ld_xasprintf("%s.appArmorProfile", scpath);
    const ld_yaml_node *prof = read_map(j, get(sc, "appArmorProfile"), p);
    if (prof) {
        char *tp = ld_xasprintf("%s.type", p);
        const ld_yaml_node *tn = get(prof, "type");
        const char *type = read_str(j, tn, tp);
        bool undecodable = tn && !absent(tn) && tn->kind != LD_YAML_SCALAR;
        if (!undecodable &&
            (!type || (strcmp(type, "RuntimeDefault") != 0 && strcmp(type, "Localhost") != 0))) {
            char *q = quote(type ? type : ""), *lbl = c ? ctr_label(c) : ld_xstrdup("");
            add_violation(j, tn ? tn : prof, "%s: %s%s", tp, q, lbl);
            free(q);
            free(lbl);
        }
        free(tp);
    }
    free(p);
}

/* The value of annotation k of the map ann: "" for null, NULL (undecided)
 * for a value that is not a string. */
static const char *annotation_value(judge *j, const ld_yaml_node *ann, size_t k)
{
    const ld_yaml_node *v = ann->items[k];
    if (absent(v))
        return "";
    if (v->kind == LD_YAML_SCALAR)
        return v->value ? v->value : "";
    char *mp = meta_path(j);
    char *p = ld_xasprintf("%s.annotations[%s]", mp, ld_yaml_str(ann->keys[k]));
    set_undecided(j, v, p, "a string");
    free(p);
    free(mp);
    return NULL;
}

static void rule_apparmor(judge *j)
{
    j->out->reason = "forbidden AppArmor profile";
    each_security_context(j, apparmor_field);
    const ld_yaml_node *ann = ld_yaml_get(j->pod->metadata, "annotations");
    if (ann && ann->kind == LD_YAML_MAP) {
        char *mp = meta_path(j);
        for (size_t k = 0; k < ann->n; k++) {
            const char *key = ld_yaml_str(ann->keys[k]);
            if (!key || strncmp(key, APPARMOR_ANNOTATION_PREFIX,
                                sizeof APPARMOR_ANNOTATION_PREFIX - 1) != 0)
                continue;
            const char *val = annotation_value(j, ann, k);
            if (!val || *val == '\0' || strcmp(val, "runtime/default") == 0 ||
                strncmp(val, "localhost/", 10) == 0)
                continue;
            char *qk = quote(key), *qv = quote(val);
            add_violation(j, ann->items[k] ? ann->items[k] : ann, "%s.annotations[%s]: %s", mp, qk,
                          qv);
            free(qk);
            free(qv);
        }
        free(mp);
    }
}

/* SELinux (seLinuxOptions): .type of the pod's and every container's
 * seLinuxOptions is "", container_t, container_init_t or container_kvm_t,
 * and from v1.31 also container_engine_t; .user and .role are unset. */
static bool selinux_type_allowed(const char *t, int minor)
{
    static const char *const v1_0[] = {"", "container_t", "container_init_t", "container_kvm_t"};
    if (in_list(t, v1_0, 4))
        return true;
    return minor >= 31 && strcmp(t, "container_engine_t") == 0;
}

static void selinux_options(judge *j, const ld_yaml_node *sc, const char *scpath,
                            const ld_k8s_container *c)
{
    char *p = ld_xasprintf("%s.seLinuxOptions", scpath);
    const ld_yaml_node *opts = read_map(j, get(sc, "seLinuxOptions"), p);
    if (opts) {
        char *lbl = c ? ctr_label(c) : ld_xstrdup("");
        char *tp = ld_xasprintf("%s.type", p);
        const char *type = read_str(j, get(opts, "type"), tp);
        if (type && !selinux_type_allowed(type, j->minor)) {
            char *q = quote(type);
            add_violation(j, get(opts, "type"), "%s: %s%s", tp, q, lbl);
            free(q);
        }
        free(tp);
        static const char *const must_be_empty[] = {"user", "role"};
        for (size_t k = 0; k < 2; k++) {
            char *fp = ld_xasprintf("%s.%s", p, must_be_empty[k]);
            const char *v = read_str(j, get(opts, must_be_empty[k]), fp);
            if (v && *v) {
                char *q = quote(v);
                add_violation(j, get(opts, must_be_empty[k]), "%s: %s (may not be set)%s", fp, q,
                              lbl);
                free(q);
            }
            free(fp);
        }
        free(lbl);
    }
    free(p);
}

static void rule_selinux(judge *j)
{
    j->out->reason = "seLinuxOptions";
    each_security_context(j, selinux_options);
}

/* /proc Mount Type (procMount, and procMount_restricted from v1.35): every
 * container's securityContext.procMount is undefined or "Default". From
 * v1.35 the baseline rule allows any value for a user-namespace pod
 * (spec.hostUsers: false); the restricted rule never does. */
static void rule_proc_mount(judge *j)
{
    j->out->reason = "procMount";
    if (j->level == LD_PSS_BASELINE && j->minor >= 35 && user_namespace_pod(j)) {
        j->out->note = "spec.hostUsers is false: baseline v1.35+ allows any procMount in a user "
                       "namespace";
        return;
    }
    for (size_t i = 0; i < ctr_count(j); i++) {
        ld_k8s_container c;
        if (!ld_k8s_pod_container(j->pod, i, &c))
            continue;
        const ld_yaml_node *sc = ctr_sc(j, &c);
        if (!sc)
            continue;
        char *base = ctr_path(j, &c);
        char *p = ld_xasprintf("%s.securityContext.procMount", base);
        const char *v = read_str(j, get(sc, "procMount"), p);
        if (v && strcmp(v, "Default") != 0) {
            char *q = quote(v), *lbl = ctr_label(&c);
            add_violation(j, get(sc, "procMount"), "%s: %s%s", p, q, lbl);
            free(q);
            free(lbl);
        }
        free(p);
        free(base);
    }
}

/* Seccomp, baseline (seccompProfile_baseline):
 *  - v1.0..v1.18: annotations seccomp.security.alpha.kubernetes.io/pod and
 *    container.seccomp.security.alpha.kubernetes.io/<container name>, when
 *    present, are runtime/default, docker/default or localhost/... (an
 *    empty value is forbidden too);
 *  - v1.19+: seccompProfile.type of the pod and of every container, when
 *    seccompProfile is set, is RuntimeDefault or Localhost. */
#define SECCOMP_POD_ANNOTATION "seccomp.security.alpha.kubernetes.io/pod"
#define SECCOMP_CONTAINER_ANNOTATION_PREFIX "container.seccomp.security.alpha.kubernetes.io/"

static bool seccomp_annotation_ok(const char *v)
{
    return strcmp(v, "runtime/default") == 0 || strcmp(v, "docker/default") == 0 ||
           strncmp(v, "localhost/", 10) == 0;
}

static bool seccomp_type_ok(const char *t)
{
    return t && (strcmp(t, "RuntimeDefault") == 0 || strcmp(t, "Localhost") == 0);
}

static void seccomp_annotation(judge *j, const char *key)
{
    const ld_yaml_node *ann = ld_yaml_get(j->pod->metadata, "annotations");
    if (!ann || ann->kind != LD_YAML_MAP)
        return;
    for (size_t k = 0; k < ann->n; k++) {
        const char *kk = ld_yaml_str(ann->keys[k]);
        if (!kk || strcmp(kk, key) != 0)
            continue;
        const char *val = annotation_value(j, ann, k);
        if (val && !seccomp_annotation_ok(val)) {
            char *mp = meta_path(j), *qk = quote(key), *qv = quote(val);
            add_violation(j, ann->items[k] ? ann->items[k] : ann, "%s.annotations[%s]: %s", mp, qk,
                          qv);
            free(mp);
            free(qk);
            free(qv);
        }
    }
}

/* The seccompProfile map under sc (NULL when undefined); *type its type. */
static const ld_yaml_node *seccomp_profile(judge *j, const ld_yaml_node *sc, const char *scpath,
                                           const char **type, const ld_yaml_node **type_node,
                                           char **type_path)
{
    *type = NULL;
    *type_node = NULL;
    *type_path = NULL;
    if (!sc)
        return NULL;
    char *p = ld_xasprintf("%s.seccompProfile", scpath);
    const ld_yaml_node *prof = read_map(j, get(sc, "seccompProfile"), p);
    if (prof) {
        *type_path = ld_xasprintf("%s.type", p);
        *type_node = get(prof, "type");
        *type = read_str(j, *type_node, *type_path);
        if (!*type)
            *type = ""; /* set without a type: Go's "" */
    }
    free(p);
    return prof;
}

static void rule_seccomp_baseline(judge *j)
{
    j->out->reason = "seccompProfile";
    if (j->minor < 19) {
        seccomp_annotation(j, SECCOMP_POD_ANNOTATION);
        for (size_t i = 0; i < ctr_count(j); i++) {
            ld_k8s_container c;
            if (!ld_k8s_pod_container(j->pod, i, &c))
                continue;
            char *key =
                ld_xasprintf("%s%s", SECCOMP_CONTAINER_ANNOTATION_PREFIX, c.name ? c.name : "");
            seccomp_annotation(j, key);
            free(key);
        }
        return;
    }
    const char *type;
    const ld_yaml_node *tn;
    char *tp;
    char *scp = ld_xasprintf("%s.securityContext", j->pod->path);
    const ld_yaml_node *prof = seccomp_profile(j, pod_sc(j), scp, &type, &tn, &tp);
    if (prof && !seccomp_type_ok(type)) {
        char *q = quote(type);
        add_violation(j, tn ? tn : prof, "%s: %s", tp, q);
        free(q);
    }
    free(tp);
    free(scp);
    for (size_t i = 0; i < ctr_count(j); i++) {
        ld_k8s_container c;
        if (!ld_k8s_pod_container(j->pod, i, &c))
            continue;
        char *base = ctr_path(j, &c);
        char *cscp = ld_xasprintf("%s.securityContext", base);
        prof = seccomp_profile(j, ctr_sc(j, &c), cscp, &type, &tn, &tp);
        if (prof && !seccomp_type_ok(type)) {
            char *q = quote(type), *lbl = ctr_label(&c);
            add_violation(j, tn ? tn : prof, "%s: %s%s", tp, q, lbl);
            free(q);
            free(lbl);
        }
        free(tp);
        free(cscp);
        free(base);
    }
}

/* Sysctls (sysctls): spec.securityContext.sysctls[*].name in the safe set,
 * which grew: v1.27 net.ipv4.ip_local_reserved_ports; v1.29
 * net.ipv4.tcp_keepalive_time, tcp_fin_timeout, tcp_keepalive_intvl,
 * tcp_keepalive_probes; v1.32 net.ipv4.tcp_rmem, tcp_wmem; v1.37
 * net.ipv4.tcp_slow_start_after_idle, tcp_notsent_lowat. */
static const struct {
    const char *name;
    int since;
} safe_sysctls[] = {
    {"kernel.shm_rmid_forced", 0},
    {"net.ipv4.ip_local_port_range", 0},
    {"net.ipv4.tcp_syncookies", 0},
    {"net.ipv4.ping_group_range", 0},
    {"net.ipv4.ip_unprivileged_port_start", 0},
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

static int sysctl_safe_since(const char *name)
{
    for (size_t i = 0; i < sizeof safe_sysctls / sizeof *safe_sysctls; i++)
        if (strcmp(name, safe_sysctls[i].name) == 0)
            return safe_sysctls[i].since;
    return -1;
}

static void rule_sysctls(judge *j)
{
    j->out->reason = "forbidden sysctls";
    const ld_yaml_node *sc = pod_sc(j);
    if (!sc)
        return;
    char *p = ld_xasprintf("%s.securityContext.sysctls", j->pod->path);
    const ld_yaml_node *list = read_seq(j, get(sc, "sysctls"), p);
    for (size_t k = 0; list && k < list->n; k++) {
        const ld_yaml_node *e = list->items[k];
        char *ep = ld_xasprintf("%s[%zu]", p, k);
        const ld_yaml_node *m = read_map(j, e, ep);
        if (m) {
            char *np = ld_xasprintf("%s.name", ep);
            const char *name = read_str(j, get(m, "name"), np);
            if (!name)
                name = "";
            int since = sysctl_safe_since(name);
            if (since < 0 || since > j->minor) {
                char *q = quote(name);
                if (since > j->minor)
                    add_violation(j, get(m, "name") ? get(m, "name") : m,
                                  "%s: %s (safe only from v1.%d)", np, q, since);
                else
                    add_violation(j, get(m, "name") ? get(m, "name") : m, "%s: %s", np, q);
                free(q);
            }
            free(np);
        }
        free(ep);
    }
    free(p);
}

/* ---- restricted ---- */

/* Volume Types (restrictedVolumes, v1.0+, one rule version): every volume's
 * source is configMap, csi, downwardAPI, emptyDir, ephemeral, image (added
 * to the v1.0 rule for v1.33, so at every policy version),
 * persistentVolumeClaim, projected or secret. A volume with no source is
 * an emptyDir to the API server (defaulting happens before admission). */
static const char *const allowed_volume_sources[] = {
    "configMap", "csi",    "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim",
    "projected", "secret",
};
static const char *const forbidden_volume_sources[] = {
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

static void rule_volume_types(judge *j)
{
    j->out->reason = "restricted volume types";
    const size_t n_allowed = sizeof allowed_volume_sources / sizeof *allowed_volume_sources;
    const size_t n_forbidden = sizeof forbidden_volume_sources / sizeof *forbidden_volume_sources;
    const ld_yaml_node *vols = volumes(j);
    for (size_t k = 0; vols && k < vols->n; k++) {
        const ld_yaml_node *vol = vols->items[k];
        if (!vol || vol->kind != LD_YAML_MAP)
            continue;
        bool allowed = false;
        const ld_yaml_node *bad = NULL, *unknown = NULL;
        const char *bad_key = NULL, *unknown_key = NULL;
        for (size_t f = 0; f < vol->n; f++) {
            const char *key = ld_yaml_str(vol->keys[f]);
            if (!key || strcmp(key, "name") == 0 || absent(vol->items[f]))
                continue;
            if (in_list(key, allowed_volume_sources, n_allowed))
                allowed = true;
            else if (in_list(key, forbidden_volume_sources, n_forbidden)) {
                if (!bad) {
                    bad = vol->items[f];
                    bad_key = key;
                }
            } else if (!unknown) {
                unknown = vol->items[f];
                unknown_key = key;
            }
        }
        if (allowed)
            continue; /* the admission's switch allows a volume with any allowed source */
        char *lbl = volume_label(vol);
        if (bad) {
            add_violation(j, bad, "%s.volumes[%zu].%s: a restricted volume type%s", j->pod->path, k,
                          bad_key, lbl);
        } else if (unknown) {
            char *p = ld_xasprintf("%s.volumes[%zu].%s", j->pod->path, k, unknown_key);
            ld_pss_result *r = j->out;
            if (!r->undecided) {
                r->undecided = ld_xasprintf("%s: volume source unknown to lockdown's rules "
                                            "(v1.%d)%s",
                                            p, LD_PSS_LATEST_MINOR, lbl);
                r->undecided_at = unknown;
            }
            free(p);
        }
        free(lbl);
    }
}

/* Privilege Escalation (allowPrivilegeEscalation, v1.8+): every container
 * sets securityContext.allowPrivilegeEscalation: false. From v1.25 a
 * Windows pod (spec.os.name: windows) is exempt. */
static void rule_privilege_escalation(judge *j)
{
    j->out->reason = "allowPrivilegeEscalation != false";
    if (j->minor >= 25 && windows_pod(j)) {
        j->out->note = "spec.os.name is windows: exempt from v1.25";
        return;
    }
    for (size_t i = 0; i < ctr_count(j); i++) {
        ld_k8s_container c;
        if (!ld_k8s_pod_container(j->pod, i, &c))
            continue;
        bool bad = false;
        const ld_yaml_node *sc = ctr_sc_or_bad(j, &c, &bad);
        if (bad)
            continue;
        char *base = ctr_path(j, &c);
        char *p = ld_xasprintf("%s.securityContext.allowPrivilegeEscalation", base);
        const ld_yaml_node *n = sc ? get(sc, "allowPrivilegeEscalation") : NULL;
        bool v = true;
        int got = read_bool(j, n, p, &v);
        if (got == 0 || (got == 1 && v)) {
            char *lbl = ctr_label(&c);
            add_violation(j, got ? n : (sc ? sc : c.node), "%s: %s (must be false)%s", p,
                          got ? "true" : "not set", lbl);
            free(lbl);
        }
        free(p);
        free(base);
    }
}

/* Running as Non-root (runAsNonRoot, v1.0+): runAsNonRoot is true at pod
 * level or in every container, and no container sets it false. From v1.35
 * a user-namespace pod (spec.hostUsers: false) is allowed (before v1.35
 * only behind an alpha feature gate, off by default: not assumed). */
static void rule_running_as_non_root(judge *j)
{
    j->out->reason = "runAsNonRoot != true";
    if (j->minor >= 35 && user_namespace_pod(j)) {
        j->out->note = "spec.hostUsers is false: allowed from v1.35";
        return;
    }
    const ld_yaml_node *sc = pod_sc(j);
    if (j->out->undecided)
        return; /* the pod's securityContext could not be read: no verdict */
    char *pp = ld_xasprintf("%s.securityContext.runAsNonRoot", j->pod->path);
    bool pod_true = false, v = false;
    const ld_yaml_node *pn = sc ? get(sc, "runAsNonRoot") : NULL;
    if (read_bool(j, pn, pp, &v) == 1) {
        if (v)
            pod_true = true;
        else
            add_violation(j, pn, "%s: false", pp);
    }
    for (size_t i = 0; i < ctr_count(j); i++) {
        ld_k8s_container c;
        if (!ld_k8s_pod_container(j->pod, i, &c))
            continue;
        bool bad = false;
        const ld_yaml_node *csc = ctr_sc_or_bad(j, &c, &bad);
        if (bad)
            continue;
        char *base = ctr_path(j, &c);
        char *p = ld_xasprintf("%s.securityContext.runAsNonRoot", base);
        const ld_yaml_node *n = csc ? get(csc, "runAsNonRoot") : NULL;
        int got = read_bool(j, n, p, &v);
        char *lbl = ctr_label(&c);
        if (got == 1 && !v)
            add_violation(j, n, "%s: false%s", p, lbl);
        else if (got == 0 && !pod_true)
            add_violation(j, csc ? csc : c.node, "%s: not set, and %s is not true%s", p, pp, lbl);
        free(lbl);
        free(p);
        free(base);
    }
    free(pp);
}

/* Running as Non-root user (runAsUser, v1.23+): runAsUser of the pod and
 * of every container is not 0 (undefined is allowed). From v1.35 a
 * user-namespace pod is allowed. */
static void rule_running_as_non_root_user(judge *j)
{
    j->out->reason = "runAsUser=0";
    if (j->minor >= 35 && user_namespace_pod(j)) {
        j->out->note = "spec.hostUsers is false: allowed from v1.35";
        return;
    }
    const ld_yaml_node *sc = pod_sc(j);
    long long v = 0;
    if (sc) {
        char *p = ld_xasprintf("%s.securityContext.runAsUser", j->pod->path);
        if (read_int(j, get(sc, "runAsUser"), p, &v) == 1 && v == 0)
            add_violation(j, get(sc, "runAsUser"), "%s: 0", p);
        free(p);
    }
    for (size_t i = 0; i < ctr_count(j); i++) {
        ld_k8s_container c;
        if (!ld_k8s_pod_container(j->pod, i, &c))
            continue;
        const ld_yaml_node *csc = ctr_sc(j, &c);
        if (!csc)
            continue;
        char *base = ctr_path(j, &c);
        char *p = ld_xasprintf("%s.securityContext.runAsUser", base);
        if (read_int(j, get(csc, "runAsUser"), p, &v) == 1 && v == 0) {
            char *lbl = ctr_label(&c);
            add_violation(j, get(csc, "runAsUser"), "%s: 0%s", p, lbl);
            free(lbl);
        }
        free(p);
        free(base);
    }
}

/* Seccomp, restricted (seccompProfile_restricted, v1.19+): seccompProfile
 * .type is RuntimeDefault or Localhost at pod level, or in every
 * container; nothing sets another type. From v1.25 a Windows pod is
 * exempt. */
static void rule_seccomp_restricted(judge *j)
{
    j->out->reason = "seccompProfile";
    if (j->minor >= 25 && windows_pod(j)) {
        j->out->note = "spec.os.name is windows: exempt from v1.25";
        return;
    }
    const char *type;
    const ld_yaml_node *tn;
    char *tp;
    char *scp = ld_xasprintf("%s.securityContext", j->pod->path);
    bool pod_set = false;
    const ld_yaml_node *prof = seccomp_profile(j, pod_sc(j), scp, &type, &tn, &tp);
    if (j->undecided_n) { /* the pod level could not be read: no verdict on inheritance */
        free(tp);
        free(scp);
        return;
    }
    if (prof) {
        if (seccomp_type_ok(type)) {
            pod_set = true;
        } else {
            char *q = quote(type);
            add_violation(j, tn ? tn : prof, "%s: %s", tp, q);
            free(q);
        }
    }
    char *pod_tp = ld_xasprintf("%s.seccompProfile.type", scp);
    free(tp);
    for (size_t i = 0; i < ctr_count(j); i++) {
        ld_k8s_container c;
        if (!ld_k8s_pod_container(j->pod, i, &c))
            continue;
        char *base = ctr_path(j, &c);
        char *cscp = ld_xasprintf("%s.securityContext", base);
        unsigned undecided_before = j->undecided_n;
        const ld_yaml_node *csc = ctr_sc(j, &c);
        prof = seccomp_profile(j, csc, cscp, &type, &tn, &tp);
        char *lbl = ctr_label(&c);
        if (j->undecided_n != undecided_before) {
            /* said so; no verdict on what was not read */
        } else if (prof && !seccomp_type_ok(type)) {
            char *q = quote(type);
            add_violation(j, tn ? tn : prof, "%s: %s%s", tp, q, lbl);
            free(q);
        } else if (!prof && !pod_set) {
            add_violation(j, csc ? csc : c.node,
                          "%s.seccompProfile.type: not set, and %s is not RuntimeDefault or "
                          "Localhost%s",
                          cscp, pod_tp, lbl);
        }
        free(lbl);
        free(tp);
        free(cscp);
        free(base);
    }
    free(pod_tp);
    free(scp);
}

/* Capabilities, restricted (capabilities_restricted, v1.22+): every
 * container drops "ALL" and adds nothing but NET_BIND_SERVICE. From v1.25
 * a Windows pod is exempt. */
static void rule_capabilities_restricted(judge *j)
{
    j->out->reason = "unrestricted capabilities";
    if (j->minor >= 25 && windows_pod(j)) {
        j->out->note = "spec.os.name is windows: exempt from v1.25";
        return;
    }
    for (size_t i = 0; i < ctr_count(j); i++) {
        ld_k8s_container c;
        if (!ld_k8s_pod_container(j->pod, i, &c))
            continue;
        char *base = ctr_path(j, &c);
        char *lbl = ctr_label(&c);
        const ld_yaml_node *caps;
        bool bad = false;
        const ld_yaml_node *drop = caps_list(j, &c, "drop", &caps, &bad);
        if (bad) { /* undecided, said so; no verdict on what was not read */
            free(lbl);
            free(base);
            continue;
        }
        bool dropped_all = false;
        for (size_t k = 0; drop && k < drop->n; k++) {
            char *p = ld_xasprintf("%s.securityContext.capabilities.drop[%zu]", base, k);
            const char *cap = read_str(j, drop->items[k], p);
            if (cap && strcmp(cap, "ALL") == 0)
                dropped_all = true;
            free(p);
        }
        if (!dropped_all) {
            char *shown = NULL;
            if (drop) {
                /* the list as written */
                ld_strlist l = {0};
                for (size_t k = 0; k < drop->n; k++) {
                    const char *s = ld_yaml_str(drop->items[k]);
                    ld_strlist_push_owned(&l, quote(s ? s : ""));
                }
                char *joined = ld_strlist_join(&l, ", ");
                shown = ld_xasprintf("[%s]", joined);
                free(joined);
                ld_strlist_clear(&l);
            }
            add_violation(j, drop ? drop : (caps ? caps : c.node),
                          "%s.securityContext.capabilities.drop: %s (must include \"ALL\")%s", base,
                          shown ? shown : "not set", lbl);
            free(shown);
        }
        const ld_yaml_node *add = caps_list(j, &c, "add", &caps, &bad);
        for (size_t k = 0; add && k < add->n; k++) {
            char *p = ld_xasprintf("%s.securityContext.capabilities.add[%zu]", base, k);
            const char *cap = read_str(j, add->items[k], p);
            if (!cap || strcmp(cap, "NET_BIND_SERVICE") != 0) {
                char *q = quote(cap ? cap : "");
                add_violation(j, add->items[k], "%s: %s (only \"NET_BIND_SERVICE\" may be added)%s",
                              p, q, lbl);
                free(q);
            }
            free(p);
        }
        free(lbl);
        free(base);
    }
}

/* ---- the table ---- */

typedef void (*rule_fn)(judge *j);

typedef struct {
    ld_pss_policy info;
    rule_fn fn;
    /* restricted policy that overrides this baseline one at restricted
     * level from version override_since on (-1: none) */
    int overridden_by;
    int override_since;
} policy_entry;

enum {
    P_WINDOWS_HOST_PROCESS,
    P_HOST_NAMESPACES,
    P_PRIVILEGED,
    P_CAPABILITIES_BASELINE,
    P_HOST_PATH_VOLUMES,
    P_HOST_PORTS,
    P_HOST_PROBES_LIFECYCLE,
    P_APPARMOR,
    P_SELINUX,
    P_PROC_MOUNT,
    P_SECCOMP_BASELINE,
    P_SYSCTLS,
    P_VOLUME_TYPES,
    P_PRIVILEGE_ESCALATION,
    P_RUNNING_AS_NON_ROOT,
    P_RUNNING_AS_NON_ROOT_USER,
    P_SECCOMP_RESTRICTED,
    P_CAPABILITIES_RESTRICTED,
    P_COUNT
};

#define B LD_PSS_BASELINE
#define R LD_PSS_RESTRICTED
static const policy_entry policies[P_COUNT] = {
    [P_WINDOWS_HOST_PROCESS] = {{"pss.windows-host-process", "HostProcess", "windowsHostProcess", B,
                                 0},
                                rule_windows_host_process,
                                -1,
                                0},
    [P_HOST_NAMESPACES] = {{"pss.host-namespaces", "Host Namespaces", "hostNamespaces", B, 0},
                           rule_host_namespaces,
                           -1,
                           0},
    [P_PRIVILEGED] = {{"pss.privileged", "Privileged Containers", "privileged", B, 0},
                      rule_privileged,
                      -1,
                      0},
    [P_CAPABILITIES_BASELINE] = {{"pss.capabilities-baseline", "Capabilities",
                                  "capabilities_baseline", B, 0},
                                 rule_capabilities_baseline,
                                 P_CAPABILITIES_RESTRICTED,
                                 22},
    [P_HOST_PATH_VOLUMES] = {{"pss.host-path-volumes", "HostPath Volumes", "hostPathVolumes", B, 0},
                             rule_host_path_volumes,
                             P_VOLUME_TYPES,
                             0},
    [P_HOST_PORTS] = {{"pss.host-ports", "Host Ports", "hostPorts", B, 0}, rule_host_ports, -1, 0},
    [P_HOST_PROBES_LIFECYCLE] = {{"pss.host-probes-lifecycle", "Host Probes / Lifecycle Hooks",
                                  "hostProbesAndHostLifecycle", B, 34},
                                 rule_host_probes_lifecycle,
                                 -1,
                                 0},
    [P_APPARMOR] = {{"pss.apparmor", "AppArmor", "appArmorProfile", B, 0}, rule_apparmor, -1, 0},
    [P_SELINUX] = {{"pss.selinux", "SELinux", "seLinuxOptions", B, 0}, rule_selinux, -1, 0},
    [P_PROC_MOUNT] = {{"pss.proc-mount", "/proc Mount Type", "procMount", B, 0},
                      rule_proc_mount,
                      -1,
                      0},
    [P_SECCOMP_BASELINE] = {{"pss.seccomp-baseline", "Seccomp", "seccompProfile_baseline", B, 0},
                            rule_seccomp_baseline,
                            P_SECCOMP_RESTRICTED,
                            19},
    [P_SYSCTLS] = {{"pss.sysctls", "Sysctls", "sysctls", B, 0}, rule_sysctls, -1, 0},
    [P_VOLUME_TYPES] = {{"pss.volume-types", "Volume Types", "restrictedVolumes", R, 0},
                        rule_volume_types,
                        -1,
                        0},
    [P_PRIVILEGE_ESCALATION] = {{"pss.privilege-escalation", "Privilege Escalation",
                                 "allowPrivilegeEscalation", R, 8},
                                rule_privilege_escalation,
                                -1,
                                0},
    [P_RUNNING_AS_NON_ROOT] = {{"pss.running-as-non-root", "Running as Non-root", "runAsNonRoot", R,
                                0},
                               rule_running_as_non_root,
                               -1,
                               0},
    [P_RUNNING_AS_NON_ROOT_USER] = {{"pss.running-as-non-root-user", "Running as Non-root user",
                                     "runAsUser", R, 23},
                                    rule_running_as_non_root_user,
                                    -1,
                                    0},
    [P_SECCOMP_RESTRICTED] = {{"pss.seccomp-restricted", "Seccomp", "seccompProfile_restricted", R,
                               19},
                              rule_seccomp_restricted,
                              -1,
                              0},
    [P_CAPABILITIES_RESTRICTED] = {{"pss.capabilities-restricted", "Capabilities",
                                    "capabilities_restricted", R, 22},
                                   rule_capabilities_restricted,
                                   -1,
                                   0},
};
#undef B
#undef R

size_t ld_pss_policy_count(void)
{
    return P_COUNT;
}

const ld_pss_policy *ld_pss_policy_at(size_t i)
{
    return i < P_COUNT ? &policies[i].info : NULL;
}

int ld_pss_policy_index(const char *check_id)
{
    for (size_t i = 0; check_id && i < P_COUNT; i++)
        if (strcmp(policies[i].info.check_id, check_id) == 0)
            return (int)i;
    return -1;
}

void ld_pss_result_clear(ld_pss_result *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->v[i].what);
    free(r->undecided);
    memset(r, 0, sizeof *r);
}

/* The container lists must be lists of objects, or the API server refuses
 * the pod and no container rule could be judged from them. */
static void check_container_lists(judge *j)
{
    static const char *const lists[] = {"containers", "initContainers", "ephemeralContainers"};
    for (size_t w = 0; w < 3; w++) {
        char *p = ld_xasprintf("%s.%s", j->pod->path, lists[w]);
        const ld_yaml_node *l = read_seq(j, get(j->pod->spec, lists[w]), p);
        for (size_t k = 0; l && k < l->n; k++) {
            char *ip = ld_xasprintf("%s[%zu]", p, k);
            if (!read_map(j, l->items[k], ip) && absent(l->items[k]))
                set_undecided(j, l->items[k] ? l->items[k] : l, ip, "an object");
            free(ip);
        }
        free(p);
    }
}

static void run_rule(size_t i, const ld_k8s_pod *pod, ld_pss_level level, int minor,
                     ld_pss_result *out)
{
    memset(out, 0, sizeof *out);
    judge j = {pod, level, minor, out, 0};
    check_container_lists(&j);
    policies[i].fn(&j);
    if (out->n > 0)
        out->outcome = LD_PSS_DENIED;
    else if (out->undecided)
        out->outcome = LD_PSS_UNDECIDED;
    else
        out->outcome = LD_PSS_ALLOWED;
}

void ld_pss_judge(size_t i, const ld_k8s_pod *pod, ld_pss_level level, int minor,
                  ld_pss_result *out)
{
    memset(out, 0, sizeof *out);
    if (i >= P_COUNT || level == LD_PSS_PRIVILEGED || policies[i].info.level > level ||
        minor < policies[i].info.since_minor) {
        out->outcome = LD_PSS_NOT_APPLICABLE;
        return;
    }
    run_rule(i, pod, level, minor, out);
    /* An overridden baseline policy at restricted level: the admission runs
     * only the overriding one, so this one denies only what that one denies
     * too (a Windows pod exempt from the restricted rule is allowed). */
    const policy_entry *p = &policies[i];
    if (out->outcome != LD_PSS_ALLOWED && level == LD_PSS_RESTRICTED && p->overridden_by >= 0 &&
        minor >= p->override_since) {
        ld_pss_result over;
        run_rule((size_t)p->overridden_by, pod, level, minor, &over);
        bool overrider_allows = over.outcome == LD_PSS_ALLOWED;
        ld_pss_result_clear(&over);
        if (overrider_allows) {
            ld_pss_result_clear(out);
            out->outcome = LD_PSS_ALLOWED;
            out->note = "at restricted level the admission judges this with the restricted "
                        "policy, which allows it";
        }
    }
}
