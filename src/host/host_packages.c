/* host.package-vulnerabilities (and the driver of host.reboot-pending):
 * the host's OS packages, read by host_pkgdb.c, matched by the image
 * scan's own matcher (ld_vuln_scan) into a set of its own, whose findings
 * are then moved into the caller's set as findings of this check against
 * the host: same control mapping, same selection, the host as target, the
 * host's words in the remediation. Matching into a separate set keeps the
 * image check's scope and coverage apart from the host's. Contract in
 * host_packages.h. */
#include "host/host_packages.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host/host_files.h"
#include "host/host_os.h"
#include "host/host_packages_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"
#include "vuln/db.h"

#define CHECK_ID LD_HOST_PACKAGES_CHECK
#define DEFAULT_MAX_AGE_DAYS 7

void ld_host_packages_summary_clear(ld_host_packages_summary *s)
{
    if (!s)
        return;
    free(s->ecosystems);
    free(s->release);
    memset(s, 0, sizeof(*s));
}

static void progress(const ld_host_packages_options *o, const char *msg)
{
    if (o && o->progress)
        o->progress(o->progress_ctx, msg);
}

/* One finding of this check with evidence (taken). */
static int add(ld_findings *r, const ld_control *c, const char *host, ld_status st,
               const char *title, char *evidence, ld_error *err)
{
    ld_finding *f = ld_finding_new(c, CHECK_ID, st);
    ld_finding_set_title(f, title);
    ld_finding_set_evidence(f, "%s", evidence);
    ld_finding_set_target(f, LD_TARGET_HOST, host, NULL);
    free(evidence);
    return ld_findings_add(r, f, err);
}

/* Not assessed: an ERROR finding saying why (reason taken) and the scope. */
static int not_assessed(ld_findings *r, const ld_control *c, const char *host, char *reason,
                        ld_error *err)
{
    ld_findings_scope(r, LD_SCOPE_NOT_ASSESSED, CHECK_ID, "%s", reason);
    char *evidence = ld_xasprintf("not assessed: %s", reason);
    free(reason);
    return add(r, c, host, LD_STATUS_ERROR, "host package vulnerabilities not assessed", evidence,
               err);
}

/* "deb", "deb, rpm": the ecosystems of the packages, in order. */
static char *ecosystems_of(const ld_sbom *sb)
{
    ld_strlist l = {0};
    for (size_t i = 0; i < sb->packages.n; i++) {
        const char *e = ld_ecosystem_name(sb->packages.items[i].eco);
        if (!ld_strlist_contains(&l, e))
            ld_strlist_push(&l, e);
    }
    char *s = l.n ? ld_strlist_join(&l, ", ") : NULL;
    ld_strlist_clear(&l);
    return s;
}

static void fill_summary(ld_host_packages_summary *s, const ld_sbom *sb, size_t n_databases)
{
    if (!s)
        return;
    ld_host_packages_summary_clear(s);
    s->packages = sb->packages.n;
    s->databases = n_databases;
    s->ecosystems = ecosystems_of(sb);
    if (sb->os_id) {
        const char *v = sb->os_version_id ? sb->os_version_id : sb->os_codename;
        s->release = v ? ld_xasprintf("%s %s", sb->os_id, v) : ld_xstrdup(sb->os_id);
    }
}

/* The package manager's command for one package, for the remediation. */
static const char *upgrade_command(const char *eco)
{
    if (eco && strcmp(eco, "deb") == 0)
        return "apt-get install --only-upgrade";
    if (eco && strcmp(eco, "rpm") == 0)
        return "dnf upgrade";
    if (eco && strcmp(eco, "apk") == 0)
        return "apk upgrade";
    return "upgrade";
}

/* A vulnerability finding of the matcher, said of the host. */
static void host_remediation(ld_finding *f)
{
    const ld_vuln_fields *v = f->vuln;
    if (!v->fixed_versions.n)
        return; /* the matcher's text (no fix: assess, mitigate, record) fits a host too */
    ld_autofree char *fixed = ld_strlist_join(&v->fixed_versions, ", ");
    ld_autofree char *src =
        v->source_package ? ld_xasprintf(", source package %s", v->source_package) : ld_xstrdup("");
    ld_autofree char *rem =
        ld_xasprintf("Install the update: %s %s (to %s or later%s), then restart the services "
                     "that use it, and reboot when the kernel or the C library was updated; keep "
                     "automatic security updates on.",
                     upgrade_command(v->ecosystem), v->package, fixed, src);
    ld_finding_set_remediation(f, rem);
}

/* How old the database is, for evidence; *stale when over the maximum age. */
static char *database_age(ld_vulndb *db, const ld_findings *r, int max_days, bool *stale)
{
    time_t built = 0;
    *stale = false;
    if (ld_vulndb_built_at(db, &built) < 0) {
        *stale = true;
        return ld_xasprintf("the database %s has no build time, so it may be stale",
                            ld_vulndb_path(db));
    }
    struct tm tm;
    char day[32] = "?";
    if (gmtime_r(&built, &tm))
        strftime(day, sizeof(day), "%Y-%m-%d", &tm);
    double age = difftime(r->now, built) / 86400.0;
    int days = age > 0 ? (int)age : 0;
    if (age > (double)max_days) {
        *stale = true;
        return ld_xasprintf("database of %s, %d days old: older than %d days, so newer "
                            "vulnerabilities are missing (run 'lockdown db update')",
                            day, days, max_days);
    }
    return ld_xasprintf("database of %s (%d day%s old)", day, days, days == 1 ? "" : "s");
}

/* Moves the matcher's findings, notes and coverage from m into r as
 * findings of this check against the host. */
static int move_findings(ld_findings *r, ld_findings *m, const ld_control *c, const char *host,
                         const char *age, bool stale, ld_error *err)
{
    int rc = 0;
    bool any_verdict = false;
    const char *first_error = NULL;
    for (size_t i = 0; i < m->n; i++) {
        ld_finding *f = m->v[i];
        if (f->status != LD_STATUS_ERROR)
            any_verdict = true;
        else if (!first_error)
            first_error = f->evidence;
    }
    if (!any_verdict && first_error) {
        /* nothing matched at all: the check is not assessed, for the first reason */
        const char *why =
            strncmp(first_error, "not assessed: ", 14) == 0 ? first_error + 14 : first_error;
        ld_findings_scope(r, LD_SCOPE_NOT_ASSESSED, CHECK_ID, "%s", why);
    }
    for (size_t i = 0; i < m->n && rc == 0; i++) {
        ld_finding *f = m->v[i];
        m->v[i] = NULL;
        f->control = c;
        free(f->check_id);
        f->check_id = ld_xstrdup(CHECK_ID);
        ld_finding_set_target(f, LD_TARGET_HOST, host, NULL);
        if (f->vuln) {
            host_remediation(f); /* the severity stays the vulnerability's own */
            rc = ld_findings_add(r, f, err);
            continue;
        }
        f->severity = c->severity; /* a verdict: the host control's, not the image one's */
        if (f->status == LD_STATUS_PASS) {
            char *ev = ld_xasprintf("%s; %s", f->evidence ? f->evidence : "", age);
            ld_finding_set_evidence(f, "%s", ev);
            free(ev);
            if (stale)
                f->status = LD_STATUS_WARN; /* "no known vulnerability" in an old list */
        }
        rc = ld_findings_add(r, f, err);
    }
    for (size_t i = 0; i < m->n; i++)
        ld_finding_free(m->v[i]); /* left by a failure */
    m->n = 0;
    for (size_t i = 0; i < m->notes.n; i++)
        ld_findings_note(r, "host packages: %s", m->notes.v[i]);
    for (size_t i = 0; i < m->n_coverage; i++) {
        const ld_coverage *cv = &m->coverage[i];
        ld_findings_coverage(r, host, cv->ecosystem, cv->release, cv->packages, cv->covered);
    }
    return rc;
}

/* Matches sb against the database and moves the result into r. */
static int match(ld_findings *r, const ld_control *c, const char *host, const ld_sbom *sb,
                 const ld_host_packages_options *o, ld_error *err)
{
    ld_vuln_options vopt;
    memset(&vopt, 0, sizeof(vopt));
    if (o && o->vuln)
        vopt = *o->vuln; /* a shallow copy: the lists stay the caller's */
    ld_error e = LD_ERROR_INIT;
    ld_autofree char *db_path =
        vopt.db_path ? ld_xstrdup(vopt.db_path) : ld_vulndb_default_path(&e);
    if (!db_path)
        return not_assessed(r, c, host, ld_xasprintf("no vulnerability database: %s", e.msg), err);
    ld_vulndb *db = ld_vulndb_open(db_path, &e);
    if (!db)
        return not_assessed(r, c, host, ld_xstrdup(e.msg), err);
    int max_days = vopt.max_db_age_days > 0 ? vopt.max_db_age_days : DEFAULT_MAX_AGE_DAYS;
    bool stale = false;
    ld_autofree char *age = database_age(db, r, max_days, &stale);
    ld_vulndb_close(db);

    vopt.db_path = db_path;
    vopt.target = host;
    vopt.db_optional = false;
    ld_findings *m = ld_findings_new(r->catalog, r->now);
    int rc = ld_vuln_scan(m, sb, NULL, &vopt, &e);
    if (rc < 0) {
        ld_findings_free(m);
        return not_assessed(r, c, host, ld_xasprintf("matching failed: %s", e.msg), err);
    }
    if (o && o->summary)
        o->summary->matched = true;
    rc = move_findings(r, m, c, host, age, stale, err);
    ld_findings_free(m);
    return rc;
}

int ld_host_packages_check(ld_findings *r, const char *host_root, const ld_host_packages_options *o,
                           ld_error *err)
{
    const char *root = host_root && host_root[0] ? host_root : "/";
    const ld_control *c = ld_catalog_control_for_check(r->catalog, CHECK_ID);
    if (!c)
        return ld_error_set(err, LD_ERR_GENERIC, "check %s has no control in the catalog",
                            CHECK_ID);
    ld_autofree char *own_host = o && o->host_name ? NULL : ld_host_name(root);
    const char *host = own_host ? own_host : o->host_name;
    ld_findings_scope(r, LD_SCOPE_OWED, CHECK_ID, NULL);

    ld_autofree char *msg = ld_xasprintf("reading the package databases under %s", root);
    progress(o, msg);
    ld_sbom sb;
    size_t n_databases = 0;
    ld_host_read_packages(root, &sb, &n_databases, o ? o->progress : NULL,
                          o ? o->progress_ctx : NULL);
    fill_summary(o ? o->summary : NULL, &sb, n_databases);

    int rc = 0;
    if (n_databases == 0) {
        rc = not_assessed(r, c, host,
                          ld_xasprintf("no dpkg, rpm or apk database under %s, so the host's "
                                       "packages cannot be matched against the vulnerability "
                                       "database",
                                       root),
                          err);
    } else if (sb.packages.n == 0 && sb.n_unread == 0) {
        /* an installed system lists its base packages: an empty list is a
         * database that says nothing (emptied, or garbage a cataloger
         * skipped), not a host without vulnerabilities */
        rc = not_assessed(r, c, host,
                          ld_xasprintf("the package database%s under %s list%s no installed "
                                       "package, so nothing could be matched",
                                       n_databases == 1 ? "" : "s", root,
                                       n_databases == 1 ? "s" : ""),
                          err);
    } else if (ld_findings_selected(r, CHECK_ID)) {
        progress(o, "matching the host's packages against the vulnerability database");
        rc = match(r, c, host, &sb, o, err);
    }
    if (rc == 0 && ld_findings_selected(r, LD_HOST_REBOOT_CHECK))
        rc = ld_host_reboot_check(r, root, o, host, &sb.packages, err);
    ld_sbom_clear(&sb);
    return rc;
}
