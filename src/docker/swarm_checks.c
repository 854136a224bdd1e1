/* CIS Docker section 7 (swarm) from /info, the overlay networks and
 * /proc/net/tcp{,6}. See swarm_checks.h. */
#include "docker/swarm_checks.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docker/evidence.h"
#include "util/cleanup.h"
#include "util/mem.h"
#include "util/strlist.h"

#define PROC_NET_LINES_MAX 100000

static const char *const swarm_ids[] = {"engine.swarm-managers", "engine.swarm-listen-addr",
                                        "engine.swarm-overlay-encryption", "engine.swarm-autolock",
                                        "engine.swarm-cert-expiry"};

bool ld_swarm_is_manager(const json_t *info)
{
    const json_t *sw = json_object_get(info, "Swarm");
    const char *state = json_string_value(json_object_get(sw, "LocalNodeState"));
    return state && strcmp(state, "active") == 0 &&
           json_is_true(json_object_get(sw, "ControlAvailable"));
}

/* Local address of a LISTEN socket on port in one /proc/net/tcp{,6} file:
 * returns 1 and sets *any when found (any: bound to every address), 0 when
 * none (or the file does not exist: no IPv6), -1 when it cannot be read. */
static int scan_listen(const char *path, int port, bool *any, char *addr, size_t addrlen)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return errno == ENOENT ? 0 : -1;
    char line[512];
    int found = 0, n = 0;
    while (fgets(line, sizeof(line), f) && n++ < PROC_NET_LINES_MAX) {
        char local[80], remote[80], st[8];
        if (sscanf(line, " %*d: %79s %79s %7s", local, remote, st) != 3 || strcmp(st, "0A") != 0)
            continue;
        char *colon = strrchr(local, ':');
        if (!colon || strtol(colon + 1, NULL, 16) != port)
            continue;
        *colon = '\0';
        bool zero = strspn(local, "0") == strlen(local);
        if (!found || zero) {
            *any = zero;
            snprintf(addr, addrlen, "%s", local);
        }
        found = 1;
    }
    fclose(f);
    return found;
}

static int listen_check(const ld_emitter *em, const char *proc_net_dir, const char *unseen)
{
    static const char id[] = "engine.swarm-listen-addr";
    if (!proc_net_dir)
        return ld_emit(em, id, LD_STATUS_ERROR, NULL, "not assessed: %s",
                       unseen ? unseen : "the host's sockets are not visible");
    bool any = false, any6 = false;
    char addr[80] = "", addr6[80] = "";
    ld_autofree char *p4 = ld_xasprintf("%s/tcp", proc_net_dir);
    ld_autofree char *p6 = ld_xasprintf("%s/tcp6", proc_net_dir);
    int f4 = scan_listen(p4, LD_SWARM_PORT, &any, addr, sizeof(addr));
    int f6 = scan_listen(p6, LD_SWARM_PORT, &any6, addr6, sizeof(addr6));
    if (f4 < 0 || f6 < 0 || (f4 == 0 && access(p4, R_OK) != 0))
        return ld_emit(em, id, LD_STATUS_ERROR, NULL, "not assessed: cannot read %s",
                       f6 < 0 ? p6 : p4);
    if (!f4 && !f6)
        return ld_emit(em, id, LD_STATUS_SKIPPED, NULL, "nothing listens on port %d (%s)",
                       LD_SWARM_PORT, p4);
    bool bad = (f4 && any) || (f6 && any6);
    return ld_emit(em, id, bad ? LD_STATUS_FAIL : LD_STATUS_PASS, NULL,
                   "port %d listens on %s%s%s (hex, /proc/net/tcp%s)", LD_SWARM_PORT,
                   f4 ? addr : "", f4 && f6 ? " and " : "", f6 ? addr6 : "", f6 ? "6" : "");
}

static int overlay_check(const ld_emitter *em, const json_t *networks)
{
    static const char id[] = "engine.swarm-overlay-encryption";
    if (!json_is_array(networks))
        return ld_emit(em, id, LD_STATUS_ERROR, NULL,
                       "not assessed: the engine's overlay network list could not be read");
    ld_strlist plain = {0};
    size_t n = 0, i;
    const json_t *net;
    json_array_foreach(networks, i, net)
    {
        const char *driver = json_string_value(json_object_get(net, "Driver"));
        if (!driver || strcmp(driver, "overlay") != 0)
            continue;
        n++;
        const json_t *enc = json_object_get(json_object_get(net, "Options"), "encrypted");
        if (!enc) {
            const char *name = json_string_value(json_object_get(net, "Name"));
            ld_strlist_push_owned(&plain, ld_ev_str(name ? name : "(unnamed)"));
        }
    }
    int rc;
    if (plain.n) {
        ld_autofree char *list = ld_strlist_join(&plain, ", ");
        rc = ld_emit(em, id, LD_STATUS_FAIL, NULL,
                     "overlay networks without Options.encrypted: %s (of %zu)", list, n);
    } else {
        rc = ld_emit(em, id, LD_STATUS_PASS, NULL, "%zu overlay network%s, all encrypted", n,
                     n == 1 ? "" : "s");
    }
    ld_strlist_clear(&plain);
    return rc;
}

int ld_swarm_checks(ld_findings *r, const json_t *info, const json_t *networks,
                    const char *proc_net_dir, const char *proc_unseen, const char *target_id,
                    const char *target_name, ld_error *err)
{
    ld_emitter em = {.r = r,
                     .err = err,
                     .kind = LD_TARGET_ENGINE,
                     .target_id = target_id,
                     .target_name = target_name};
    const json_t *sw = json_object_get(info, "Swarm");
    const json_t *state = json_object_get(sw, "LocalNodeState");
    int rc = 0;
    if (!json_is_string(state) || strcmp(json_string_value(state), "active") != 0) {
        ld_autofree char *ev = ld_ev_json(state);
        for (size_t i = 0; rc == 0 && i < 5; i++)
            rc = ld_emit(&em, swarm_ids[i], LD_STATUS_SKIPPED, NULL,
                         "not in a swarm: Swarm.LocalNodeState = %s", ev);
        return rc;
    }
    bool manager = json_is_true(json_object_get(sw, "ControlAvailable"));
    const char *worker = "this node is a swarm worker: Swarm.ControlAvailable = false";
    /* 7.1 */
    const json_t *managers = json_object_get(sw, "Managers");
    if (!manager)
        rc = ld_emit(&em, "engine.swarm-managers", LD_STATUS_SKIPPED, NULL, "%s", worker);
    else if (!json_is_integer(managers))
        rc = ld_emit(&em, "engine.swarm-managers", LD_STATUS_ERROR, NULL,
                     "field Swarm.Managers is %s, expected an integer", ld_ev_type(managers));
    else {
        json_int_t m = json_integer_value(managers);
        bool ok = m >= 1 && m % 2 == 1 && m <= 7;
        rc = ld_emit(&em, "engine.swarm-managers", ok ? LD_STATUS_PASS : LD_STATUS_WARN,
                     ok ? NULL : "swarm manager count is even or above 7", "Swarm.Managers = %lld",
                     (long long)m);
    }
    /* 7.2 */
    if (rc == 0)
        rc = manager ? listen_check(&em, proc_net_dir, proc_unseen)
                     : ld_emit(&em, "engine.swarm-listen-addr", LD_STATUS_SKIPPED, NULL,
                               "%s (only managers listen on port %d)", worker, LD_SWARM_PORT);
    /* 7.3 */
    if (rc == 0)
        rc = manager ? overlay_check(&em, networks)
                     : ld_emit(&em, "engine.swarm-overlay-encryption", LD_STATUS_SKIPPED, NULL,
                               "%s", worker);
    const json_t *spec = json_object_get(json_object_get(sw, "Cluster"), "Spec");
    /* 7.5 */
    if (rc == 0) {
        const json_t *al =
            json_object_get(json_object_get(spec, "EncryptionConfig"), "AutoLockManagers");
        if (!manager)
            rc = ld_emit(&em, "engine.swarm-autolock", LD_STATUS_SKIPPED, NULL, "%s", worker);
        else if (al && !json_is_boolean(al))
            rc = ld_emit(&em, "engine.swarm-autolock", LD_STATUS_ERROR, NULL,
                         "field Swarm.Cluster.Spec.EncryptionConfig.AutoLockManagers is %s, "
                         "expected a boolean",
                         ld_ev_type(al));
        else
            rc = ld_emit(&em, "engine.swarm-autolock",
                         json_is_true(al) ? LD_STATUS_PASS : LD_STATUS_FAIL, NULL,
                         "Swarm.Cluster.Spec.EncryptionConfig.AutoLockManagers = %s",
                         json_is_true(al) ? "true" : "false");
    }
    /* 7.7 */
    if (rc == 0) {
        const json_t *exp = json_object_get(json_object_get(spec, "CAConfig"), "NodeCertExpiry");
        if (!manager)
            rc = ld_emit(&em, "engine.swarm-cert-expiry", LD_STATUS_SKIPPED, NULL, "%s", worker);
        else if (!json_is_integer(exp))
            rc = ld_emit(&em, "engine.swarm-cert-expiry", LD_STATUS_ERROR, NULL,
                         "field Swarm.Cluster.Spec.CAConfig.NodeCertExpiry is %s, expected an "
                         "integer",
                         ld_ev_type(exp));
        else {
            json_int_t ns = json_integer_value(exp);
            bool ok = ns > 0 && ns <= LD_SWARM_CERT_EXPIRY_MAX_NS;
            rc = ld_emit(&em, "engine.swarm-cert-expiry", ok ? LD_STATUS_PASS : LD_STATUS_FAIL,
                         NULL, "Swarm.Cluster.Spec.CAConfig.NodeCertExpiry = %lld ns (%lld h)",
                         (long long)ns, (long long)(ns / 3600000000000LL));
        }
    }
    return rc;
}
