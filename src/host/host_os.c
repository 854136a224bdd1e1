/* host.container-os: is the host OS one built to run containers (NIST
 * SP 800-190 HOST-01)? Reads os-release under a root without following
 * symlinks out of it. See host_os.h. */
#include "host/host_os.h"
#include "host/host_files.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/mem.h"
#include "util/os_release.h"
#include "util/strlist.h"

#define CHECK_ID "host.container-os"
#define HOSTNAME_FILE_MAX 4096

/* ID / ID_LIKE values of container-optimised host OSes. */
static const char *const container_os_ids[] = {
    "bottlerocket",     /* AWS Bottlerocket */
    "flatcar",          /* Flatcar Container Linux */
    "coreos",           /* CoreOS Container Linux; Flatcar's ID_LIKE */
    "fedora-coreos",    /* some derivatives use it as ID_LIKE */
    "rhcos",            /* Red Hat Enterprise Linux CoreOS (OpenShift) */
    "talos",            /* Talos Linux */
    "cos",              /* Google Container-Optimized OS */
    "rancheros",        /* RancherOS */
    "k3os",             /* k3OS */
    "opensuse-microos", /* openSUSE MicroOS */
    "microos",
    "sle-micro", /* SUSE Linux Enterprise Micro */
    "sl-micro",  /* SUSE Linux Micro 6 */
    NULL,
};

/* VARIANT_ID values that make a general distribution's edition container-specific. */
static const char *const container_os_variants[] = {
    "coreos", /* Fedora CoreOS: ID=fedora VARIANT_ID=coreos */
    NULL,
};

static char *local_hostname(void)
{
    char name[HOST_NAME_MAX + 1];
    if (gethostname(name, sizeof(name)) < 0 || !name[0])
        return ld_xstrdup("localhost");
    name[HOST_NAME_MAX] = '\0';
    return ld_xstrdup(name);
}

char *ld_host_name(const char *root)
{
    if (ld_host_root_is_slash(root))
        return local_hostname();
    ld_autofree char *buf = NULL;
    size_t len = 0;
    if (ld_host_read_file(root, "/etc/hostname", HOSTNAME_FILE_MAX, &buf, &len, NULL) < 0)
        return local_hostname();
    size_t n = 0;
    while (n < len && n <= HOST_NAME_MAX && buf[n] > ' ' && buf[n] < 0x7f)
        n++;
    if (n == 0 || n > HOST_NAME_MAX)
        return local_hostname();
    return ld_xstrndup(buf, n);
}

/* The identifying assignments exactly as written, for evidence. */
typedef struct {
    char *raw[4]; /* ID, ID_LIKE, VARIANT_ID, VERSION_ID */
} raw_keys;

static const char *const evidence_keys[] = {"ID", "ID_LIKE", "VARIANT_ID", "VERSION_ID"};

static int keep_raw(const ld_os_release_entry *e, void *ctx)
{
    raw_keys *k = ctx;
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(e->key, evidence_keys[i]) != 0)
            continue;
        free(k->raw[i]);
        k->raw[i] = ld_xasprintf("%s=%s", e->key, e->raw);
    }
    return 0;
}

static bool in_list(const char *const *list, const char *s)
{
    for (; s && *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

/* The container-OS name os matches, or NULL. */
static const char *container_os(const ld_os_release *os)
{
    for (const char *const *id = container_os_ids; *id; id++)
        if (ld_os_release_is_like(os, *id))
            return *id;
    if (in_list(container_os_variants, os->variant_id))
        return os->variant_id;
    return NULL;
}

static int emit(ld_findings *r, const char *host, ld_status status, const char *title,
                const char *path, const char *evidence, ld_error *err)
{
    const ld_control *c = ld_catalog_control_for_check(r->catalog, CHECK_ID);
    if (!c)
        return ld_error_set(err, LD_ERR_GENERIC, "check %s has no control in data/controls.yaml",
                            CHECK_ID);
    ld_finding *f = ld_finding_new(c, CHECK_ID, status);
    ld_finding_set_target(f, LD_TARGET_HOST, host, NULL);
    if (path)
        ld_finding_set_location(f, path, 0);
    if (title)
        ld_finding_set_title(f, title);
    f->evidence = ld_xstrdup(evidence);
    return ld_findings_add(r, f, err);
}

int ld_host_os_check(ld_findings *r, const char *root, ld_error *err)
{
    if (!root || !root[0])
        root = "/";
    ld_findings_scope(r, LD_SCOPE_OWED, CHECK_ID, NULL);
    ld_autoclose int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return ld_error_set_errno(err, LD_ERR_NOT_FOUND, errno, "host root \"%s\"", root);
    ld_autofree char *host = ld_host_name(root);

    /* os-release(5): /etc/os-release, else /usr/lib/os-release, read inside root */
    static const char *const candidates[] = {"/etc/os-release", "/usr/lib/os-release"};
    ld_autofree char *buf = NULL;
    size_t len = 0;
    const char *path = NULL;
    ld_error rerr = LD_ERROR_INIT;
    for (size_t i = 0; i < 2 && !path; i++) {
        ld_error e = LD_ERROR_INIT;
        if (ld_host_read_file(root, candidates[i], LD_OS_RELEASE_MAX, &buf, &len, &e) == 0)
            path = candidates[i];
        else if (i == 0 || rerr.code == LD_ERR_NOT_FOUND)
            rerr = e;
    }
    if (!path) {
        ld_autofree char *ev =
            rerr.code == LD_ERR_NOT_FOUND
                ? ld_xasprintf("no etc/os-release or usr/lib/os-release under %s", root)
                : ld_xstrdup(rerr.msg);
        return emit(r, host, LD_STATUS_ERROR, NULL, NULL, ev, err);
    }

    raw_keys raw = {{NULL}};
    ld_os_release os;
    int rc = ld_os_release_foreach(buf, len, keep_raw, &raw, NULL, &rerr);
    if (rc == 0)
        rc = ld_os_release_parse(buf, len, &os, &rerr);
    if (rc < 0) {
        for (size_t i = 0; i < 4; i++)
            free(raw.raw[i]);
        return emit(r, host, LD_STATUS_ERROR, NULL, path, rerr.msg, err);
    }
    ld_strlist parts = {0};
    for (size_t i = 0; i < 4; i++)
        if (raw.raw[i])
            ld_strlist_push_owned(&parts, raw.raw[i]);
    if (!os.id)
        ld_strlist_push(&parts, "(no ID line: os-release(5) defaults to ID=linux)");
    ld_autofree char *ev = ld_strlist_join(&parts, " ");
    ld_strlist_clear(&parts);
    const char *match = container_os(&os);
    ld_os_release_clear(&os);
    if (match)
        return emit(r, host, LD_STATUS_PASS, NULL, path, ev, err);
    return emit(r, host, LD_STATUS_FAIL, "host OS is general-purpose, not container-specific", path,
                ev, err);
}
