/* The rule fields (fields.h): the table of names and types, resolving a
 * name ("proc.aname[2]") to a ref once at compile time, reading the event,
 * container and Kubernetes fields per event (a switch on the resolved id,
 * no allocation), and rendering a value as text for outputs. Process and
 * user fields are read in fields_proc.c, fd.* in fields_net.c. */
#include "runtime/fields.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "runtime/fields_internal.h"
#include "util/suggest.h"

typedef struct {
    const char *name;
    ld_rt_ftype type;
    bool takes_arg; /* proc.aname[N] */
} field_def;

#define FIELD_DEF(id, name, type, arg) [LD_F_##id] = {name, LD_RT_FT_##type, arg},
static const field_def fields[LD_F_COUNT] = {LD_RT_FIELD_LIST(FIELD_DEF)};
#undef FIELD_DEF
#define FIELD_NAME(id, name, type, arg) name,
static const char *const field_names[LD_F_COUNT + 1] = {LD_RT_FIELD_LIST(FIELD_NAME) NULL};
#undef FIELD_NAME

const char *const *ld_rt_field_names(void)
{
    return field_names;
}

/* "2" in "proc.aname[2]": a small decimal, no sign, no spaces. */
static int parse_index(const char *s, size_t n, int *out)
{
    if (n == 0 || n > 3)
        return -1;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int ld_rt_field_resolve(const char *name, ld_rt_field_ref *out, ld_error *err)
{
    if (!name || !name[0])
        return ld_error_set(err, LD_ERR_INVALID, "empty field name");
    size_t n = strlen(name);
    const char *bracket = memchr(name, '[', n);
    size_t base_len = bracket ? (size_t)(bracket - name) : n;
    for (int i = 0; i < LD_F_COUNT; i++) {
        if (strlen(fields[i].name) != base_len || memcmp(fields[i].name, name, base_len) != 0)
            continue;
        out->id = i;
        out->type = fields[i].type;
        out->name = fields[i].name;
        out->arg = -1;
        if (!bracket)
            return 0;
        if (!fields[i].takes_arg)
            return ld_error_set(err, LD_ERR_INVALID, "field '%.*s' takes no argument",
                                (int)base_len, name);
        if (name[n - 1] != ']' || parse_index(bracket + 1, n - base_len - 2, &out->arg) < 0 ||
            out->arg > LD_RT_ANAME_MAX)
            return ld_error_set(err, LD_ERR_INVALID,
                                "field '%.*s': the argument must be a number from 0 to %d, "
                                "as in %s[2]",
                                (int)base_len, name, LD_RT_ANAME_MAX, fields[i].name);
        return 0;
    }
    char base[80];
    snprintf(base, sizeof base, "%.*s", (int)(base_len < 79 ? base_len : 79), name);
    const char *near = ld_suggest(base, ld_rt_field_names(), -1);
    if (near)
        return ld_error_set(err, LD_ERR_INVALID, "unknown field '%.*s' (did you mean %s?)",
                            (int)(n > 200 ? 200 : n), name, near);
    return ld_error_set(err, LD_ERR_INVALID, "unknown field '%.*s'", (int)(n > 200 ? 200 : n),
                        name);
}

static void set_str(ld_rt_value *v, const char *s)
{
    if (s && s[0]) {
        v->present = true;
        v->str = s;
    }
}

static void set_num(ld_rt_value *v, int64_t n)
{
    v->present = true;
    v->num = n;
}

static void set_bool(ld_rt_value *v, bool b)
{
    v->present = true;
    v->num = b ? 1 : 0;
}

static const char *errno_text(int64_t ret, ld_rt_value *v)
{
    if (ret >= 0)
        return "SUCCESS";
    if (ret > -4096) {
        const char *name = strerrorname_np((int)-ret);
        if (name)
            return name;
    }
    snprintf(v->buf, sizeof v->buf, "%" PRId64, ret);
    return v->buf;
}

static bool is_open(const ld_rt_event *e)
{
    return e->type == LD_EVT_OPENAT || e->type == LD_EVT_OPENAT2;
}

/* "registry:5000/team/app:1.0@sha256:ab" -> repository "registry:5000/team/app",
 * tag "1.0"; "app" -> tag "latest" (as the engine reads it); an image given
 * by id ("sha256:ab..." or bare hex) has neither. */
static void image_part(const char *image, bool want_tag, ld_rt_value *v)
{
    if (!image || !image[0])
        return;
    if (strncmp(image, "sha256:", 7) == 0 && !strchr(image, '/'))
        return;
    size_t end = strcspn(image, "@");
    bool has_digest = image[end] == '@';
    size_t slash = 0;
    for (size_t i = 0; i < end; i++)
        if (image[i] == '/')
            slash = i + 1;
    const char *colon = memchr(image + slash, ':', end - slash);
    if (want_tag) {
        if (colon) {
            size_t tag_len = end - (size_t)(colon + 1 - image);
            if (tag_len == 0)
                return;
            snprintf(v->buf, sizeof v->buf, "%.*s", (int)tag_len, colon + 1);
            set_str(v, v->buf);
        } else if (!has_digest) {
            set_str(v, "latest");
        }
        return;
    }
    size_t repo_len = colon ? (size_t)(colon - image) : end;
    if (repo_len == 0)
        return;
    if (repo_len == strlen(image)) {
        set_str(v, image);
        return;
    }
    snprintf(v->buf, sizeof v->buf, "%.*s",
             (int)(repo_len < sizeof v->buf - 1 ? repo_len : sizeof v->buf - 1), image);
    set_str(v, v->buf);
}

static const char *label(const ld_rt_container *ct, const char *key)
{
    for (size_t i = 0; i < ct->n_labels; i++)
        if (ct->label_keys && ct->label_keys[i] && strcmp(ct->label_keys[i], key) == 0)
            return ct->label_values ? ct->label_values[i] : NULL;
    return NULL;
}

static bool is_host(const ld_rt_container *ct)
{
    return strcmp(ct->id, LD_RT_HOST_ID) == 0;
}

/* container.privileged and the host namespace flags: an engine event
 * carries its own; otherwise the table's when the engine described the
 * container; the host is no container, so false; unknown: absent. */
static void container_flag(const ld_rt_field_ctx *ctx, bool evt_flag, bool ct_flag, ld_rt_value *v)
{
    if (ctx->evt->type == LD_EVT_CONTAINER)
        set_bool(v, evt_flag);
    else if (is_host(ctx->container))
        set_bool(v, false);
    else if (ctx->container->known)
        set_bool(v, ct_flag);
}

void ld_rt_field_value(const ld_rt_field_ref *f, const ld_rt_field_ctx *ctx, ld_rt_value *v)
{
    const ld_rt_event *e = ctx->evt;
    const ld_rt_container *ct = ctx->container;
    v->present = false;
    v->type = f->type;
    v->str = NULL;
    v->num = 0;
    v->ip_family = 0;
    switch ((ld_rt_field_id)f->id) {
    case LD_F_EVT_TYPE: set_str(v, ld_rt_evtype_name(e->type)); break;
    case LD_F_EVT_TIME: set_num(v, (int64_t)e->ts_ns); break;
    case LD_F_EVT_RES: set_str(v, errno_text(e->ret, v)); break;
    case LD_F_EVT_RAWRES: set_num(v, e->ret); break;
    case LD_F_EVT_SYSCALL: set_str(v, e->syscall); break;
    case LD_F_EVT_IS_OPEN_WRITE:
        if (is_open(e))
            set_bool(v, (e->open_flags & O_ACCMODE) != O_RDONLY);
        break;
    case LD_F_EVT_IS_OPEN_READ:
        if (is_open(e))
            set_bool(v, (e->open_flags & O_ACCMODE) != O_WRONLY);
        break;
    case LD_F_EVT_TARGET_PID:
        if (e->type == LD_EVT_PTRACE)
            set_num(v, e->target_pid);
        break;
    case LD_F_EVT_ARG_REQUEST:
        /* ptrace: the request; unshare/setns: the CLONE_* flags (event.h) */
        if (e->type == LD_EVT_PTRACE || e->type == LD_EVT_UNSHARE || e->type == LD_EVT_SETNS)
            set_num(v, e->request);
        break;
    case LD_F_EVT_TARGET_UID:
        if (e->type == LD_EVT_SETUID)
            set_num(v, e->target_uid);
        break;
    case LD_F_EVT_MODULE:
        if (e->type == LD_EVT_INIT_MODULE || e->type == LD_EVT_FINIT_MODULE)
            set_str(v, e->module);
        break;
    case LD_F_EVT_DIR: set_str(v, "<"); break; /* every event is a completed call */
    case LD_F_CONTAINER_ID: set_str(v, ct->id); break;
    case LD_F_CONTAINER_NAME: set_str(v, ct->name ? ct->name : is_host(ct) ? "host" : NULL); break;
    case LD_F_CONTAINER_IMAGE: set_str(v, ct->image); break;
    case LD_F_CONTAINER_IMAGE_REPOSITORY: image_part(ct->image, false, v); break;
    case LD_F_CONTAINER_IMAGE_TAG: image_part(ct->image, true, v); break;
    case LD_F_CONTAINER_RUNTIME: set_str(v, ct->runtime); break;
    case LD_F_CONTAINER_PRIVILEGED:
        container_flag(ctx, e->container_privileged, ct->privileged, v);
        break;
    case LD_F_CONTAINER_HOST_NETWORK:
        container_flag(ctx, e->container_host_network, ct->host_network, v);
        break;
    case LD_F_CONTAINER_HOST_PID:
        container_flag(ctx, e->container_host_pid, ct->host_pid, v);
        break;
    case LD_F_CONTAINER_HOST_IPC:
        container_flag(ctx, e->container_host_ipc, ct->host_ipc, v);
        break;
    case LD_F_CONTAINER_EGRESS_POLICY: set_bool(v, ct->has_egress); break;
    case LD_F_K8S_NS_NAME:
        set_str(v, ct->k8s_ns ? ct->k8s_ns : label(ct, "io.kubernetes.pod.namespace"));
        break;
    case LD_F_K8S_POD_NAME:
        set_str(v, ct->k8s_pod ? ct->k8s_pod : label(ct, "io.kubernetes.pod.name"));
        break;
    case LD_F_MOUNT_FSTYPE:
        if (e->type == LD_EVT_MOUNT)
            set_str(v, e->fstype);
        break;
    case LD_F_MOUNT_SOURCE:
        if (e->type == LD_EVT_MOUNT)
            set_str(v, e->source_path);
        break;
    case LD_F_MOUNT_TARGET:
        if (e->type == LD_EVT_MOUNT || e->type == LD_EVT_UMOUNT)
            set_str(v, e->path);
        break;
    case LD_F_PROC_NAME:
    case LD_F_PROC_EXE:
    case LD_F_PROC_EXEPATH:
    case LD_F_PROC_CMDLINE:
    case LD_F_PROC_ARGS:
    case LD_F_PROC_PID:
    case LD_F_PROC_PPID:
    case LD_F_PROC_PNAME:
    case LD_F_PROC_PCMDLINE:
    case LD_F_PROC_ANAME:
    case LD_F_PROC_TTY:
    case LD_F_PROC_IS_EXE_UPPER_LAYER:
    case LD_F_PROC_IS_EXE_FROM_MEMFD:
    case LD_F_USER_UID:
    case LD_F_USER_NAME:
    case LD_F_USER_LOGINUID: ld_rt_field_read_proc(f, ctx, v); break;
    case LD_F_FD_NAME:
    case LD_F_FD_DIRECTORY:
    case LD_F_FD_FILENAME:
    case LD_F_FD_SIP:
    case LD_F_FD_DIP:
    case LD_F_FD_SPORT:
    case LD_F_FD_DPORT:
    case LD_F_FD_L4PROTO:
    case LD_F_FD_TYPECHAR:
    case LD_F_FD_SOCKFAMILY:
    case LD_F_FD_EGRESS_ALLOWED: ld_rt_field_read_net(f, ctx, v); break;
    case LD_F_COUNT: break;
    }
}

const char *ld_rt_value_text(const ld_rt_value *v, char *out, size_t n)
{
    if (n == 0)
        return out;
    if (!v->present) {
        snprintf(out, n, "<NA>");
        return out;
    }
    switch (v->type) {
    case LD_RT_FT_STR: snprintf(out, n, "%s", v->str ? v->str : ""); break;
    case LD_RT_FT_NUM: snprintf(out, n, "%" PRId64, v->num); break;
    case LD_RT_FT_BOOL: snprintf(out, n, "%s", v->num ? "true" : "false"); break;
    case LD_RT_FT_IP: {
        char addr[INET6_ADDRSTRLEN];
        int af = v->ip_family == AF_INET6 ? AF_INET6 : AF_INET;
        if (!inet_ntop(af, v->ip, addr, sizeof addr))
            snprintf(addr, sizeof addr, "<NA>");
        snprintf(out, n, "%s", addr);
        break;
    }
    default: snprintf(out, n, "<NA>"); break;
    }
    return out;
}
