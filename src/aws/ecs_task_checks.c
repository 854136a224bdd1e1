/* The ECS task definition checks (the container tier, the AWS way): every
 * container definition of every task definition in the set is judged the
 * way lockdown judges a Docker container (privileged, user, read-only root
 * file system, added capabilities, host namespaces, init process, secrets
 * in the environment, logging, image origin and pinning, memory and CPU
 * limits, host bind mounts). One finding per failing task definition and
 * check, listing each failing field with its path and value
 * ("containerDefinitions[1] (name \"web\").privileged: true"), then one
 * verdict per check (aws_finding.h). Secrets and image references are
 * shown masked only. Not for services or clusters (ecs_service_checks.c). */
#include <stdio.h>
#include <string.h>

#include "aws/aws_finding.h"
#include "aws/aws_json.h"
#include "aws/ecs_internal.h"
#include "checks/secret_placeholder.h"
#include "k8s/evlist.h"
#include "util/cleanup.h"
#include "util/image_ref.h"
#include "util/mem.h"
#include "util/path_lex.h"

/* What one check made of one task definition. */
typedef enum {
    TD_NOT_JUDGED, /* nothing of this check in it (no containers) */
    TD_PASSED,
    TD_FILED, /* a failure, warning or error was filed: no pass for the check */
} td_result;

typedef struct {
    ld_findings *r;
    const ld_aws_scan_options *o;
    const ld_secret_ruleset *rules;
    ld_error *err;
    const ld_aws_resource *res;
    const json_t *td;         /* the task definition */
    const json_t *containers; /* its containerDefinitions (NULL: none) */
} td_ctx;

typedef int (*td_check_fn)(td_ctx *c, td_result *out);

typedef struct {
    const char *id;
    td_check_fn fn;
    const char *linux_only; /* the field judged when ECS does not support it for Windows
                               containers (those task definitions are not judged); else NULL */
} td_check;

/* ---- shared helpers ---- */

char *ld_aws_ecs_container_where(const json_t *cdef, size_t i)
{
    const char *name = ld_aws_str(cdef, "name");
    return ld_xasprintf("containerDefinitions[%zu] (name \"%.100s\")", i, name ? name : "?");
}

static size_t container_count(const td_ctx *c)
{
    return c->containers ? json_array_size(c->containers) : 0;
}

/* The i-th container definition when it is an object (hostile input: an
 * element of another type is skipped). */
static const json_t *container_at(const td_ctx *c, size_t i)
{
    const json_t *cdef = json_array_get(c->containers, i);
    return json_is_object(cdef) ? cdef : NULL;
}

static bool is_windows(const json_t *td)
{
    const char *os = ld_aws_str(ld_aws_object(td, "runtimePlatform"), "operatingSystemFamily");
    return os && strncmp(os, "WINDOWS", 7) == 0;
}

/* Files the failure of the check from the listed items (why: appended
 * after the list, may be NULL) and records the result. */
static int file_list(td_ctx *c, const char *check_id, ld_status st, ld_k8s_evlist *items,
                     const char *why, td_result *out)
{
    if (!items->items) {
        *out = TD_PASSED;
        return 0;
    }
    *out = TD_FILED;
    return ld_aws_emit(c->r, check_id, st, c->res, c->err, "%s%s%s", ld_k8s_evlist_text(items),
                       why ? ": " : "", why ? why : "");
}

/* Runs per_container over every container definition, collecting the
 * items it adds, then files them as one failure. */
typedef void (*container_fn)(td_ctx *c, const json_t *cdef, const char *where, ld_k8s_evlist *l);

static int each_container(td_ctx *c, const char *check_id, container_fn fn, const char *why,
                          td_result *out)
{
    size_t n = container_count(c), seen = 0;
    ld_k8s_evlist items = LD_K8S_EVLIST_INIT;
    for (size_t i = 0; i < n; i++) {
        const json_t *cdef = container_at(c, i);
        if (!cdef)
            continue;
        seen++;
        ld_autofree char *where = ld_aws_ecs_container_where(cdef, i);
        fn(c, cdef, where, &items);
    }
    int rc = 0;
    *out = TD_NOT_JUDGED;
    if (seen)
        rc = file_list(c, check_id, LD_STATUS_FAIL, &items, why, out);
    ld_k8s_evlist_clear(&items);
    return rc;
}

/* "absent (default false)" / "false" / "true" for a boolean member. */
static const char *bool_shown(int b)
{
    return b < 0 ? "absent (default false)" : b ? "true" : "false";
}

/* ---- aws.ecs.privileged ---- */

static void privileged_one(td_ctx *c, const json_t *cdef, const char *where, ld_k8s_evlist *l)
{
    (void)c;
    if (ld_aws_bool(cdef, "privileged") == 1)
        ld_k8s_evlist_add(l, "%s.privileged: true", where);
}

static int check_privileged(td_ctx *c, td_result *out)
{
    return each_container(c, AWS_ECS_PRIVILEGED, privileged_one,
                          "a privileged container has every capability and the host's devices; "
                          "it is root on the container instance",
                          out);
}

/* ---- aws.ecs.root-user ---- */

/* Is the user part of "user[:group]" root: "root" or a UID that is 0? */
static bool user_is_root(const char *user)
{
    size_t n = strcspn(user, ":");
    if (n == 4 && strncmp(user, "root", 4) == 0)
        return true;
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (user[i] != '0')
            return false;
    return true;
}

static void root_user_one(td_ctx *c, const json_t *cdef, const char *where, ld_k8s_evlist *l)
{
    (void)c;
    const char *user = ld_aws_str(cdef, "user");
    if (!user || !*user)
        ld_k8s_evlist_add(l,
                          "%s.user: absent (the image's USER decides, which this check cannot "
                          "see; Docker's default is root)",
                          where);
    else if (user_is_root(user))
        ld_k8s_evlist_add(l, "%s.user: \"%.64s\" (UID 0)", where, user);
}

static int check_root_user(td_ctx *c, td_result *out)
{
    return each_container(c, AWS_ECS_ROOT_USER, root_user_one,
                          "set \"user\" to a non-root UID (\"1000\" or \"1000:1000\")", out);
}

/* ---- aws.ecs.readonly-rootfs ---- */

static void readonly_one(td_ctx *c, const json_t *cdef, const char *where, ld_k8s_evlist *l)
{
    (void)c;
    int b = ld_aws_bool(cdef, "readonlyRootFilesystem");
    if (b != 1)
        ld_k8s_evlist_add(l, "%s.readonlyRootFilesystem: %s", where, bool_shown(b));
}

static int check_readonly_rootfs(td_ctx *c, td_result *out)
{
    return each_container(c, AWS_ECS_READONLY_ROOTFS, readonly_one,
                          "a writable root file system lets an intruder change the application "
                          "and drop tools; write to volumes or tmpfs instead",
                          out);
}

/* ---- aws.ecs.capabilities ---- */

/* Strips an optional CAP_ prefix for comparison. */
static const char *cap_base(const char *cap)
{
    return strncmp(cap, "CAP_", 4) == 0 ? cap + 4 : cap;
}

static void capabilities_one(td_ctx *c, const json_t *cdef, const char *where, ld_k8s_evlist *l)
{
    (void)c;
    const json_t *add = ld_aws_path(cdef, "linuxParameters.capabilities.add");
    if (!json_is_array(add) || json_array_size(add) == 0)
        return;
    ld_strlist names = {0};
    bool all = false, sys_admin = false;
    size_t i;
    const json_t *v;
    json_array_foreach(add, i, v)
    {
        if (!json_is_string(v))
            continue;
        const char *cap = json_string_value(v);
        all = all || strcmp(cap_base(cap), "ALL") == 0;
        sys_admin = sys_admin || strcmp(cap_base(cap), "SYS_ADMIN") == 0;
        if (names.n < 16)
            ld_strlist_push_owned(&names, ld_xasprintf("%.40s", cap));
    }
    ld_autofree char *list = ld_strlist_join(&names, ", ");
    size_t n = json_array_size(add);
    ld_k8s_evlist_add(l, "%s.linuxParameters.capabilities.add: [%s%s]%s%s", where, list,
                      n > names.n ? ", ..." : "",
                      all ? " (ALL: every capability, as privileged as it gets short of devices)"
                          : "",
                      sys_admin ? " (SYS_ADMIN: mounts, namespaces and more; nearly root on "
                                  "the host)"
                                : "");
    ld_strlist_clear(&names);
}

static int check_capabilities(td_ctx *c, td_result *out)
{
    return each_container(c, AWS_ECS_CAPABILITIES, capabilities_one,
                          "each added capability widens what an intruder in the container can do "
                          "to the kernel; add none, or justify each",
                          out);
}

/* ---- aws.ecs.host-namespaces (task level) ---- */

static int check_host_namespaces(td_ctx *c, td_result *out)
{
    static const char *const modes[] = {"networkMode", "pidMode", "ipcMode"};
    ld_k8s_evlist items = LD_K8S_EVLIST_INIT;
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        const char *v = ld_aws_str(c->td, modes[i]);
        if (v && strcmp(v, "host") == 0)
            ld_k8s_evlist_add(&items, "%s: \"host\"", modes[i]);
    }
    int rc = file_list(c, AWS_ECS_HOST_NAMESPACES, LD_STATUS_FAIL, &items,
                       "the task shares the container instance's namespace: it sees (and can "
                       "signal, trace or listen beside) the host's processes, IPC or network "
                       "stack; use awsvpc (or bridge) networking and task pid/ipc modes",
                       out);
    ld_k8s_evlist_clear(&items);
    return rc;
}

/* ---- aws.ecs.init-process ---- */

static void init_one(td_ctx *c, const json_t *cdef, const char *where, ld_k8s_evlist *l)
{
    (void)c;
    int b = ld_aws_bool(ld_aws_object(cdef, "linuxParameters"), "initProcessEnabled");
    if (b != 1)
        ld_k8s_evlist_add(l, "%s.linuxParameters.initProcessEnabled: %s", where, bool_shown(b));
}

static int check_init_process(td_ctx *c, td_result *out)
{
    return each_container(c, AWS_ECS_INIT_PROCESS, init_one,
                          "without an init process the application is PID 1: orphaned children "
                          "are never reaped (zombies fill the PID table) and signals it does not "
                          "handle are ignored, so a stop waits for SIGKILL; low impact, but set "
                          "initProcessEnabled true",
                          out);
}

/* ---- aws.ecs.environment-secrets ---- */

typedef struct {
    ld_k8s_evlist found;
    ld_k8s_evlist incomplete;
} secret_seen;

/* Searches one NAME=value pair: the secret rules, then the name. */
static int search_env(td_ctx *c, secret_seen *seen, const char *where, const char *name,
                      const char *value)
{
    ld_autofree char *text = ld_xasprintf("%s=%s\n", name, value);
    ld_secret_hits h = {0};
    if (ld_secret_scan(c->rules, c->res->source, (const uint8_t *)text, strlen(text), &h, c->err) <
        0) {
        ld_secret_hits_clear(&h);
        return -1;
    }
    bool hit = h.n > 0;
    if (hit)
        ld_k8s_evlist_add(&seen->found, "%s holds %s (rule %s: %s)%s", where, h.v[0].masked,
                          h.v[0].rule_id, h.v[0].description, h.n > 1 ? " and more" : "");
    for (size_t i = 0; i < h.n_stopped; i++)
        ld_k8s_evlist_add(&seen->incomplete, "%s: rule %s stopped (%s)", where,
                          h.stopped[i].rule_id, h.stopped[i].reason);
    ld_secret_hits_clear(&h);
    if (!hit && ld_secret_key_name(name, strlen(name)) &&
        !ld_secret_placeholder_value(value, strlen(value))) {
        char masked[LD_SECRET_MASK_MAX];
        ld_secret_mask(value, strlen(value), masked);
        ld_k8s_evlist_add(&seen->found, "%s holds %s (a literal value of a credential name)", where,
                          masked);
    }
    return 0;
}

/* Searches one command or entryPoint item: the secret rules over the item,
 * then a "--flag=value" (or "--flag value") whose flag names a credential. */
static int search_arg(td_ctx *c, secret_seen *seen, const char *where, const char *arg,
                      const char *next)
{
    size_t before = seen->found.items;
    ld_secret_hits h = {0};
    if (ld_secret_scan(c->rules, c->res->source, (const uint8_t *)arg, strlen(arg), &h, c->err) <
        0) {
        ld_secret_hits_clear(&h);
        return -1;
    }
    if (h.n)
        ld_k8s_evlist_add(&seen->found, "%s holds %s (rule %s: %s)%s", where, h.v[0].masked,
                          h.v[0].rule_id, h.v[0].description, h.n > 1 ? " and more" : "");
    for (size_t i = 0; i < h.n_stopped; i++)
        ld_k8s_evlist_add(&seen->incomplete, "%s: rule %s stopped (%s)", where,
                          h.stopped[i].rule_id, h.stopped[i].reason);
    ld_secret_hits_clear(&h);
    if (seen->found.items != before || arg[0] != '-')
        return 0;
    const char *eq = strchr(arg, '=');
    ld_autofree char *flag = eq ? ld_xstrndup(arg, (size_t)(eq - arg)) : ld_xstrdup(arg);
    const char *value = eq ? eq + 1 : (next && next[0] != '-' ? next : NULL);
    if (value && *value && ld_secret_key_name(flag, strlen(flag)) &&
        !ld_secret_placeholder_value(value, strlen(value))) {
        char masked[LD_SECRET_MASK_MAX];
        ld_secret_mask(value, strlen(value), masked);
        ld_k8s_evlist_add(&seen->found, "%s: flag %.60s has the literal value %s", where, flag,
                          masked);
    }
    return 0;
}

/* command and entryPoint: every string item. */
static int search_container_argv(td_ctx *c, secret_seen *seen, const json_t *cdef,
                                 const char *where, const char *field)
{
    const json_t *argv = ld_aws_array(cdef, field);
    for (size_t k = 0; argv && k < json_array_size(argv); k++) {
        const char *arg = json_string_value(json_array_get(argv, k));
        if (!arg || !*arg)
            continue;
        const char *next = json_string_value(json_array_get(argv, k + 1));
        ld_autofree char *item = ld_xasprintf("%s.%s[%zu]", where, field, k);
        if (search_arg(c, seen, item, arg, next) < 0)
            return -1;
    }
    return 0;
}

/* dockerLabels: NAME=value pairs, judged as environment variables are. */
static int search_container_labels(td_ctx *c, secret_seen *seen, const json_t *cdef,
                                   const char *where)
{
    const json_t *labels = ld_aws_object(cdef, "dockerLabels");
    const char *name;
    const json_t *v;
    json_object_foreach((json_t *)labels, name, v)
    {
        const char *value = json_string_value(v);
        if (!value || !*value)
            continue;
        ld_autofree char *item = ld_xasprintf("%s.dockerLabels %.100s", where, name);
        if (search_env(c, seen, item, name, value) < 0)
            return -1;
    }
    return 0;
}

static int search_container_env(td_ctx *c, secret_seen *seen, const json_t *cdef, size_t i)
{
    ld_autofree char *where_all = ld_aws_ecs_container_where(cdef, i);
    if (search_container_argv(c, seen, cdef, where_all, "command") < 0 ||
        search_container_argv(c, seen, cdef, where_all, "entryPoint") < 0 ||
        search_container_labels(c, seen, cdef, where_all) < 0)
        return -1;
    const json_t *env = ld_aws_array(cdef, "environment");
    size_t k;
    const json_t *e;
    json_array_foreach(env, k, e)
    {
        const char *name = ld_aws_str(e, "name");
        const char *value = ld_aws_str(e, "value");
        if (!value || !*value)
            continue;
        ld_autofree char *where = ld_aws_ecs_container_where(cdef, i);
        ld_autofree char *item =
            ld_xasprintf("%s.environment[%zu] %.100s", where, k, name ? name : "?");
        if (search_env(c, seen, item, name ? name : "VALUE", value) < 0)
            return -1;
    }
    return 0;
}

static int check_env_secrets(td_ctx *c, td_result *out)
{
    secret_seen seen = {LD_K8S_EVLIST_INIT, LD_K8S_EVLIST_INIT};
    size_t n = container_count(c), judged = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const json_t *cdef = container_at(c, i);
        if (!cdef)
            continue;
        judged++;
        rc = search_container_env(c, &seen, cdef, i);
    }
    *out = judged ? TD_PASSED : TD_NOT_JUDGED;
    if (rc == 0 && seen.found.items) {
        *out = TD_FILED;
        rc = ld_aws_emit(c->r, AWS_ECS_ENV_SECRETS, LD_STATUS_FAIL, c->res, c->err,
                         "%s: anyone who can describe the task definition reads the secret; "
                         "put it in Secrets Manager or SSM Parameter Store and reference it "
                         "from \"secrets\" (valueFrom)",
                         ld_k8s_evlist_text(&seen.found));
    }
    if (rc == 0 && seen.incomplete.items) {
        *out = TD_FILED;
        rc =
            ld_aws_emit(c->r, AWS_ECS_ENV_SECRETS, LD_STATUS_ERROR, c->res, c->err,
                        "not fully searched for secrets: %s", ld_k8s_evlist_text(&seen.incomplete));
    }
    ld_k8s_evlist_clear(&seen.found);
    ld_k8s_evlist_clear(&seen.incomplete);
    return rc;
}

/* ---- aws.ecs.log-configuration ---- */

/* Drivers that keep the log on the container instance or drop it (as
 * container.log-driver judges a Docker container). */
static bool log_driver_local(const char *d)
{
    return strcmp(d, "none") == 0 || strcmp(d, "json-file") == 0 || strcmp(d, "local") == 0;
}

static void logging_one(td_ctx *c, const json_t *cdef, const char *where, ld_k8s_evlist *l)
{
    (void)c;
    const json_t *lc = ld_aws_object(cdef, "logConfiguration");
    const char *driver = ld_aws_str(lc, "logDriver");
    if (!lc)
        ld_k8s_evlist_add(l, "%s.logConfiguration: absent", where);
    else if (!driver || !*driver)
        ld_k8s_evlist_add(l, "%s.logConfiguration.logDriver: absent", where);
    else if (log_driver_local(driver))
        ld_k8s_evlist_add(l, "%s.logConfiguration.logDriver: \"%s\"%s", where, driver,
                          strcmp(driver, "none") == 0 ? " (output dropped)"
                                                      : " (kept on the instance only)");
}

static int check_logging(td_ctx *c, td_result *out)
{
    return each_container(c, AWS_ECS_LOGGING, logging_one,
                          "stdout and stderr do not leave the task; use awslogs, awsfirelens, "
                          "splunk or fluentd",
                          out);
}

/* ---- aws.ecs.image-trusted / aws.ecs.image-digest ---- */

typedef struct {
    char *shown; /* the reference masked for display */
    char *registry, *repo, *tag, *digest;
} image_seen;

static bool image_read(td_ctx *c, const json_t *cdef, image_seen *im)
{
    const char *image = ld_aws_str(cdef, "image");
    memset(im, 0, sizeof(*im));
    if (!image || !*image)
        return false;
    ld_image_ref_split(image, &im->registry, &im->repo, &im->tag, &im->digest);
    im->shown = ld_secret_mask_text(c->rules, image);
    return true;
}

static void image_clear(image_seen *im)
{
    free(im->shown);
    free(im->registry);
    free(im->repo);
    free(im->tag);
    free(im->digest);
}

static void digest_one(td_ctx *c, const json_t *cdef, const char *where, ld_k8s_evlist *l)
{
    image_seen im;
    if (!image_read(c, cdef, &im)) {
        ld_k8s_evlist_add(l, "%s.image: absent", where);
        return;
    }
    if (!im.digest || strncmp(im.digest, "sha256:", 7) != 0)
        ld_k8s_evlist_add(l, "%s.image: \"%.200s\" is not pinned by digest (@sha256:...)", where,
                          im.shown);
    image_clear(&im);
}

static int check_image_digest(td_ctx *c, td_result *out)
{
    return each_container(c, AWS_ECS_IMAGE_DIGEST, digest_one,
                          "a tag can be moved to other content, so the task may run an image "
                          "nobody reviewed",
                          out);
}

static void trusted_one(td_ctx *c, const json_t *cdef, const char *where, ld_k8s_evlist *l)
{
    image_seen im;
    if (!image_read(c, cdef, &im)) {
        ld_k8s_evlist_add(l, "%s.image: absent", where);
        return;
    }
    if (!ld_image_ref_trusted(c->o->trusted_registries, im.registry, im.repo)) {
        ld_autofree char *shown_reg = ld_secret_mask_text(c->rules, im.registry);
        ld_k8s_evlist_add(l, "%s.image: \"%.200s\" is from %.100s", where, im.shown, shown_reg);
    }
    image_clear(&im);
}

static int check_image_trusted(td_ctx *c, td_result *out)
{
    ld_autofree char *list = ld_strlist_join(c->o->trusted_registries, ", ");
    ld_autofree char *why = ld_xasprintf("outside the trusted registries (%.400s)", list);
    return each_container(c, AWS_ECS_IMAGE_TRUSTED, trusted_one, why, out);
}

/* ---- aws.ecs.resource-limits ---- */

/* A task-level size ("512", "1 GB", "0.25 vCPU"; or a number in hand
 * written JSON) that is set and not zero. */
static bool task_size_set(const json_t *td, const char *key)
{
    const char *s = ld_aws_str(td, key);
    long long v;
    if (s)
        return *s && strspn(s, "0. ") != strlen(s);
    if (ld_aws_int(td, key, &v))
        return v > 0;
    return false;
}

static bool container_positive(const json_t *cdef, const char *key, long long *v)
{
    return ld_aws_int(cdef, key, v) && *v > 0;
}

/* "absent" or the value seen, quoted, for a task-level size. */
static char *task_size_shown(const json_t *td, const char *key)
{
    const char *s = ld_aws_str(td, key);
    long long v;
    if (s)
        return ld_xasprintf("\"%.20s\"", s);
    if (ld_aws_int(td, key, &v))
        return ld_xasprintf("%lld", v);
    return ld_xstrdup("absent");
}

static void limits_one(td_ctx *c, const json_t *cdef, const char *where, ld_k8s_evlist *l)
{
    bool mem_task = task_size_set(c->td, "memory");
    bool cpu_task = task_size_set(c->td, "cpu");
    long long mem = 0, reservation = 0, cpu = 0;
    bool mem_ok = mem_task || container_positive(cdef, "memory", &mem);
    bool cpu_ok = cpu_task || container_positive(cdef, "cpu", &cpu);
    if (!mem_ok) {
        ld_autofree char *task_mem = task_size_shown(c->td, "memory");
        if (container_positive(cdef, "memoryReservation", &reservation))
            ld_k8s_evlist_add(l,
                              "%s: no hard memory limit (task memory %s, memory absent; "
                              "memoryReservation %lld MiB is a soft limit)",
                              where, task_mem, reservation);
        else
            ld_k8s_evlist_add(l, "%s: no memory limit (task memory %s, memory absent)", where,
                              task_mem);
    }
    if (!cpu_ok) {
        ld_autofree char *task_cpu = task_size_shown(c->td, "cpu");
        ld_k8s_evlist_add(l, "%s: no CPU limit (task cpu %s, cpu absent or 0)", where, task_cpu);
    }
}

static int check_resource_limits(td_ctx *c, td_result *out)
{
    return each_container(c, AWS_ECS_RESOURCE_LIMITS, limits_one,
                          "one container can take the instance's memory or CPU from every other "
                          "task; set task-level memory and cpu, or the container's memory and cpu",
                          out);
}

/* ---- aws.ecs.host-bind-mounts ---- */

static const char *const sensitive_dirs[] = {"/etc",  "/proc",           "/sys", "/run",
                                             "/boot", "/var/lib/docker", "/dev", "/var/run"};

/* Does the host path hold the Docker socket (the socket itself, or a
 * directory above it)? A read-only mount does not stop connect(2). */
static bool holds_docker_socket(const char *p)
{
    static const char *const sockets[] = {"/var/run/docker.sock", "/run/docker.sock"};
    for (size_t i = 0; i < 2; i++)
        if (ld_path_lex_within(p, sockets[i]))
            return true;
    size_t n = strlen(p);
    return n >= 12 && strcmp(p + n - 12, "/docker.sock") == 0;
}

static const char *sensitive_note(const char *p)
{
    if (strcmp(p, "/") == 0)
        return " (the instance's whole file system, the Docker socket included)";
    if (holds_docker_socket(p))
        return " (the Docker socket: root on the instance, read-only or not)";
    for (size_t i = 0; i < sizeof(sensitive_dirs) / sizeof(sensitive_dirs[0]); i++)
        if (ld_path_lex_within(sensitive_dirs[i], p))
            return " (a path that controls the host)";
    return "";
}

/* The host.sourcePath of volume name in the task definition (NULL: not a
 * bind mount). */
static const char *bind_source(const json_t *td, const char *name)
{
    const json_t *vols = ld_aws_array(td, "volumes");
    size_t i;
    const json_t *v;
    json_array_foreach(vols, i, v)
    {
        const char *vn = ld_aws_str(v, "name");
        if (vn && strcmp(vn, name) == 0) {
            const char *src = ld_aws_str(ld_aws_object(v, "host"), "sourcePath");
            return src && *src ? src : NULL;
        }
    }
    return NULL;
}

static void mounts_one(td_ctx *c, const json_t *cdef, const char *where, ld_k8s_evlist *l)
{
    const json_t *mps = ld_aws_array(cdef, "mountPoints");
    size_t k;
    const json_t *mp;
    json_array_foreach(mps, k, mp)
    {
        const char *vol = ld_aws_str(mp, "sourceVolume");
        const char *src = vol ? bind_source(c->td, vol) : NULL;
        if (!src)
            continue;
        ld_autofree char *clean = ld_path_lex_clean(src);
        bool ro = ld_aws_bool(mp, "readOnly") == 1;
        if (ro && !holds_docker_socket(clean))
            continue;
        const char *cpath = ld_aws_str(mp, "containerPath");
        ld_k8s_evlist_add(l,
                          "%s.mountPoints[%zu]: host path \"%.200s\"%s (volume \"%.100s\") at "
                          "%.200s, readOnly: %s",
                          where, k, src, sensitive_note(clean), vol, cpath ? cpath : "?",
                          bool_shown(ld_aws_bool(mp, "readOnly")));
    }
}

static int check_host_mounts(td_ctx *c, td_result *out)
{
    return each_container(c, AWS_ECS_HOST_MOUNTS, mounts_one,
                          "a writable host path lets the container change the instance's files, "
                          "and the Docker socket gives root on it even read-only; mount host "
                          "paths read-only, never the socket, or use a task volume",
                          out);
}

/* ---- the family ---- */

static const td_check td_checks[] = {
    {AWS_ECS_PRIVILEGED, check_privileged, NULL},
    {AWS_ECS_ROOT_USER, check_root_user, "user"},
    {AWS_ECS_READONLY_ROOTFS, check_readonly_rootfs, "readonlyRootFilesystem"},
    {AWS_ECS_CAPABILITIES, check_capabilities, "linuxParameters"},
    {AWS_ECS_HOST_NAMESPACES, check_host_namespaces, NULL},
    {AWS_ECS_INIT_PROCESS, check_init_process, "linuxParameters"},
    {AWS_ECS_ENV_SECRETS, check_env_secrets, NULL},
    {AWS_ECS_LOGGING, check_logging, NULL},
    {AWS_ECS_IMAGE_TRUSTED, check_image_trusted, NULL},
    {AWS_ECS_IMAGE_DIGEST, check_image_digest, NULL},
    {AWS_ECS_RESOURCE_LIMITS, check_resource_limits, NULL},
    {AWS_ECS_HOST_MOUNTS, check_host_mounts, NULL},
};

typedef struct {
    size_t judged, filed, windows, containers;
} td_tally;

/* Runs one check over every task definition of s. */
static int run_check(td_ctx *c, const ld_aws_set *s, const td_check *k, td_tally *t)
{
    size_t n = ld_aws_set_count(s, LD_AWS_TASK_DEFINITION);
    for (size_t i = 0; i < n; i++) {
        const ld_aws_resource *res = ld_aws_set_get(s, LD_AWS_TASK_DEFINITION, i);
        if (!res || !json_is_object(res->obj))
            continue;
        c->res = res;
        c->td = res->obj;
        c->containers = ld_aws_array(res->obj, "containerDefinitions");
        if (k->linux_only && is_windows(c->td)) {
            t->windows++;
            continue;
        }
        td_result out = TD_NOT_JUDGED;
        if (k->fn(c, &out) < 0)
            return -1;
        if (out == TD_NOT_JUDGED)
            continue;
        t->judged++;
        t->containers += container_count(c);
        t->filed += out == TD_FILED;
    }
    return 0;
}

static int verdict(td_ctx *c, const ld_aws_set *s, const td_check *k, const td_tally *t)
{
    ld_autofree char *win =
        t->windows ? ld_xasprintf("%zu Windows task definition%s not judged: ECS does not "
                                  "support %s for Windows containers",
                                  t->windows, t->windows == 1 ? "" : "s", k->linux_only)
                   : NULL;
    if (t->judged == 0)
        return ld_aws_verdict(c->r, k->id, s, 0, 0, c->err, "%s",
                              win ? win : "no ECS task definition with containers in the inputs");
    return ld_aws_verdict(c->r, k->id, s, t->judged, t->filed, c->err,
                          "%zu task definition%s, %zu container definition%s%s%s", t->judged,
                          t->judged == 1 ? "" : "s", t->containers, t->containers == 1 ? "" : "s",
                          win ? "; " : "", win ? win : "");
}

int ld_aws_ecs_task_checks(ld_findings *r, const ld_aws_set *s, const ld_aws_scan_options *o,
                           ld_error *err)
{
    td_ctx c = {.r = r, .o = o, .err = err};
    c.rules = o->secret_rules ? o->secret_rules : ld_secret_rules_builtin(err);
    if (!c.rules)
        return -1;
    for (size_t i = 0; i < sizeof(td_checks) / sizeof(td_checks[0]); i++) {
        const td_check *k = &td_checks[i];
        if (!ld_findings_selected(r, k->id))
            continue;
        if (k->fn == check_image_trusted &&
            (!o->trusted_registries || o->trusted_registries->n == 0)) {
            if (ld_aws_verdict(r, k->id, s, 0, 0, err, "the policy lists no trusted-registries") <
                0)
                return -1;
            continue;
        }
        td_tally t = {0};
        if (run_check(&c, s, k, &t) < 0 || verdict(&c, s, k, &t) < 0)
            return -1;
    }
    return 0;
}
