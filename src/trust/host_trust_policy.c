/* Judging a host's containers-policy.json and registries.d (see
 * host_trust_policy.h): what an image from an arbitrary docker registry
 * gets (the docker transport's "" scope, else the global default), which
 * scopes accept anything, and whether sigstore attachments are looked up
 * where sigstoreSigned is required. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/host_files.h"
#include "trust/containers_policy.h"
#include "trust/host_trust_policy.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define POLICY_PATH "/etc/containers/policy.json"
#define REGISTRIES_D "/etc/containers/registries.d"
#define SCOPES_SHOWN 10
#define SCOPE_SHOWN_MAX 200
#define MAX_LOOKUPS 64 /* registries.d is read once per scope looked up */

const char *const ld_host_trust_checks[] = {"host.containers-policy",
                                            "host.containers-sigstore-attachments", NULL};

typedef enum { REQ_ACCEPTS, REQ_SIGNED, REQ_REJECTS } req_verdict;

/* Every requirement of a list must hold: one reject rejects, one
 * signature requirement makes it signed, only insecureAcceptAnything (or
 * nothing) accepts anything. */
static req_verdict judge(const ld_cpol_requirement *reqs, size_t n)
{
    bool signed_req = false;
    for (size_t i = 0; i < n; i++) {
        if (reqs[i].type == LD_CPOL_REJECT)
            return REQ_REJECTS;
        if (reqs[i].type == LD_CPOL_SIGNED_BY || reqs[i].type == LD_CPOL_SIGSTORE_SIGNED)
            signed_req = true;
    }
    return signed_req ? REQ_SIGNED : REQ_ACCEPTS;
}

static bool wants_sigstore(const ld_cpol_requirement *reqs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (reqs[i].type == LD_CPOL_SIGSTORE_SIGNED)
            return true;
    return false;
}

static const char *verdict_words(req_verdict v)
{
    return v == REQ_REJECTS  ? "reject"
           : v == REQ_SIGNED ? "signature required"
                             : "insecureAcceptAnything";
}

/* A scope for evidence: printable, capped. */
static char *scope_shown(const char *s)
{
    size_t n = strlen(s);
    char *out = ld_xasprintf("\"%.*s%s\"", SCOPE_SHOWN_MAX, s, n > SCOPE_SHOWN_MAX ? "..." : "");
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
            *p = '?';
    return out;
}

static char *joined_path(const char *root, const char *path)
{
    if (ld_host_root_is_slash(root))
        return ld_xstrdup(path);
    size_t n = strlen(root);
    while (n > 1 && root[n - 1] == '/')
        n--;
    return ld_xasprintf("%.*s%s", (int)n, root, path);
}

static int both(ld_findings *r, const char *target, ld_status st, const char *why, ld_error *err)
{
    for (const char *const *c = ld_host_trust_checks; *c; c++) {
        int rc = ld_findings_check(r, *c, st, LD_TARGET_FILE, target, NULL, err, "%s", why);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* A docker reference inside scope, for the registries.d lookup. */
static char *ref_in_scope(const char *scope)
{
    const char *s = scope;
    if (strncmp(s, "*.", 2) == 0)
        return ld_xasprintf("lockdown-scope%s/x", s + 1);
    return strchr(s, '/') ? ld_xstrdup(s) : ld_xasprintf("%s/x", s);
}

static int check_policy(ld_findings *r, const ld_cpol *p, const char *target, char **summary,
                        ld_error *err)
{
    static const char id[] = "host.containers-policy";
    const ld_cpol_requirement *def = p->default_reqs;
    size_t n_def = p->n_default;
    const char *def_name = "the global default";
    ld_strlist open = {0}, signed_scopes = {0};
    size_t n_open = 0;
    for (size_t i = 0; i < p->n_docker; i++) {
        const ld_cpol_scope *s = &p->docker[i];
        if (!s->scope[0]) {
            def = s->reqs;
            n_def = s->n_reqs;
            def_name = "the docker transport's \"\" scope";
            continue;
        }
        req_verdict v = judge(s->reqs, s->n_reqs);
        ld_autofree char *shown = scope_shown(s->scope);
        if (v == REQ_ACCEPTS && n_open++ < SCOPES_SHOWN)
            ld_strlist_push(&open, shown);
        else if (v == REQ_SIGNED && signed_scopes.n < SCOPES_SHOWN)
            ld_strlist_push(&signed_scopes, shown);
    }
    req_verdict dv = judge(def, n_def);
    ld_autofree char *open_list = ld_strlist_join(&open, ", ");
    ld_autofree char *signed_list = ld_strlist_join(&signed_scopes, ", ");
    ld_autofree char *scopes = signed_scopes.n
                                   ? ld_xasprintf("; signatures required for %s%s", signed_list,
                                                  p->n_docker > SCOPES_SHOWN ? ", ..." : "")
                                   : ld_xstrdup("; no docker scope requires a signature");
    int rc;
    if (dv == REQ_ACCEPTS)
        rc = ld_findings_check(r, id, LD_STATUS_FAIL, LD_TARGET_FILE, target, NULL, err,
                               "%s for docker images is insecureAcceptAnything: podman, CRI-O, "
                               "skopeo and buildah pull and run any image without checking a "
                               "signature%s",
                               def_name, scopes);
    else if (n_open)
        rc = ld_findings_check(r, id, LD_STATUS_WARN, LD_TARGET_FILE, target, NULL, err,
                               "%s is %s, but %zu scope%s accept%s any image unsigned "
                               "(insecureAcceptAnything): %s%s%s",
                               def_name, verdict_words(dv), n_open, n_open == 1 ? "" : "s",
                               n_open == 1 ? "s" : "", open_list,
                               n_open > SCOPES_SHOWN ? ", ..." : "", scopes);
    else
        rc = ld_findings_check(r, id, LD_STATUS_PASS, LD_TARGET_FILE, target, NULL, err,
                               "%s is %s and no docker scope accepts unsigned images%s", def_name,
                               verdict_words(dv), scopes);
    if (summary)
        *summary = ld_xasprintf("containers policy %s: default %s, %zu docker scope%s", target,
                                verdict_words(dv), p->n_docker, p->n_docker == 1 ? "" : "s");
    ld_strlist_clear(&open);
    ld_strlist_clear(&signed_scopes);
    return rc;
}

static int check_attachments(ld_findings *r, const ld_cpol *p, const char *root, const char *target,
                             ld_error *err)
{
    static const char id[] = "host.containers-sigstore-attachments";
    ld_autofree char *dir = joined_path(root, REGISTRIES_D);
    ld_strlist missing = {0}, on = {0};
    size_t n_missing = 0, n_sigstore = 0, unchecked = 0;
    char *lookup_error = NULL;
    for (size_t i = 0; i < p->n_docker && !lookup_error; i++) {
        const ld_cpol_scope *s = &p->docker[i];
        if (!wants_sigstore(s->reqs, s->n_reqs))
            continue;
        if (n_sigstore++ >= MAX_LOOKUPS) {
            unchecked++;
            continue;
        }
        ld_autofree char *ref =
            s->scope[0] ? ref_in_scope(s->scope) : ld_xstrdup("docker.io/library/x");
        ld_cpol_registries_d rd = {0};
        ld_error le = LD_ERROR_INIT;
        ld_autofree char *shown = scope_shown(s->scope[0] ? s->scope : "(docker default)");
        if (ld_cpol_registries_d_lookup(dir, ref, &rd, &le) < 0) {
            lookup_error = ld_xstrdup(le.msg);
        } else if (rd.use_sigstore_attachments) {
            if (on.n < SCOPES_SHOWN)
                ld_strlist_push(&on, shown);
        } else if (n_missing++ < SCOPES_SHOWN) {
            ld_strlist_push(&missing, shown);
        }
        ld_cpol_registries_d_clear(&rd);
    }
    if (!lookup_error && wants_sigstore(p->default_reqs, p->n_default)) {
        n_sigstore++;
        ld_cpol_registries_d rd = {0};
        ld_error le = LD_ERROR_INIT;
        if (ld_cpol_registries_d_lookup(dir, "docker.io/library/x", &rd, &le) < 0)
            lookup_error = ld_xstrdup(le.msg);
        else if (rd.use_sigstore_attachments)
            ld_strlist_push(&on, "(default)");
        else if (n_missing++ < SCOPES_SHOWN)
            ld_strlist_push(&missing, "(default)");
        ld_cpol_registries_d_clear(&rd);
    }
    int rc;
    if (lookup_error) {
        rc = ld_findings_check(r, id, LD_STATUS_ERROR, LD_TARGET_FILE, target, NULL, err,
                               "registries.d %s: %s", dir, lookup_error);
    } else if (n_sigstore == 0) {
        ld_findings_scope(r, LD_SCOPE_NOT_APPLICABLE, id, "%s requires sigstoreSigned for no scope",
                          target);
        rc = 0;
    } else if (n_missing) {
        ld_autofree char *list = ld_strlist_join(&missing, ", ");
        rc = ld_findings_check(r, id, LD_STATUS_WARN, LD_TARGET_FILE, target, NULL, err,
                               "sigstoreSigned is required for %s, but no file of %s turns on "
                               "use-sigstore-attachments there: those tools look up no sigstore "
                               "signature and refuse every such image (fail closed)",
                               list, dir);
    } else {
        ld_autofree char *list = ld_strlist_join(&on, ", ");
        rc = ld_findings_check(r, id, unchecked ? LD_STATUS_WARN : LD_STATUS_PASS, LD_TARGET_FILE,
                               target, NULL, err,
                               "use-sigstore-attachments is on (%s) for %s scope that "
                               "requires sigstoreSigned: %s%s",
                               dir, unchecked ? "each looked-up" : "every", list,
                               unchecked ? "; only the first 64 were looked up" : "");
    }
    free(lookup_error);
    ld_strlist_clear(&missing);
    ld_strlist_clear(&on);
    return rc;
}

int ld_host_trust_policy_check(ld_findings *r, const char *host_root, char **summary, ld_error *err)
{
    if (summary)
        *summary = NULL;
    ld_autofree char *target = joined_path(host_root, POLICY_PATH);
    char *buf = NULL;
    size_t len = 0;
    ld_error ferr = LD_ERROR_INIT;
    int rc = ld_host_read_file(host_root, POLICY_PATH, LD_CPOL_MAX_BYTES, &buf, &len, &ferr);
    if (rc == LD_ERR_NOT_FOUND) {
        for (const char *const *c = ld_host_trust_checks; *c; c++)
            ld_findings_scope(r, LD_SCOPE_NOT_APPLICABLE, *c,
                              "no %s: no containers/image tool (podman, CRI-O, skopeo) is "
                              "configured here",
                              target);
        if (summary)
            *summary = ld_xasprintf("containers policy: none (%s absent)", target);
        return 0;
    }
    if (rc < 0) {
        if (summary)
            *summary = ld_xasprintf("containers policy %s: not read", target);
        return both(r, target, LD_STATUS_ERROR, ferr.msg, err);
    }
    ld_cpol pol = {0};
    rc = ld_cpol_parse(target, buf, len, &pol, &ferr);
    free(buf);
    if (rc < 0) {
        if (summary)
            *summary = ld_xasprintf("containers policy %s: not parsed", target);
        return both(r, target, LD_STATUS_ERROR, ferr.msg, err);
    }
    rc = check_policy(r, &pol, target, summary, err);
    if (rc == 0)
        rc = check_attachments(r, &pol, host_root, target, err);
    ld_cpol_clear(&pol);
    return rc;
}
