/* Unit tests for ld_vuln_scan (src/vuln/match.c) against a database built
 * with the builder API from OSV records written here, asserting on the
 * returned findings set: dedup through aliases (GHSA + CVE records of one
 * vulnerability), several fixed versions, last_affected, explicit versions,
 * exact release ecosystems, source-package lookup, PyPI normalisation, Maven
 * group:artifact, severity from CVSS and feed text and the default, each
 * filter, no database, stale database; and coverage: per ecosystem the
 * package count and whether the database covers it, a pass for a covered
 * ecosystem with nothing left, "not assessed" (ERROR) for one the database
 * or lockdown cannot match (a Debian-only database against an Alpine + npm
 * image), the empty SBOM rule, and the gate failing closed on them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/catalog.h"
#include "core/evaluate.h"
#include "core/findings.h"
#include "core/policy.h"
#include "util/mem.h"
#include "vuln/db.h"
#include "vuln/match.h"

static char dir[] = "/tmp/ld-vuln-match-XXXXXX";
static char db_path[256];
static char debian_db_path[256]; /* a database holding Debian 12 advisories only */

static const char *const records[] = {
    /* one vulnerability published twice: GHSA record and CVE record */
    "{\"id\":\"GHSA-aaaa-bbbb-cccc\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"CVE-2099-"
    "0001\"],"
    "\"summary\":\"Prototype pollution in left-pad\","
    "\"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/"
    "A:H\"}],"
    "\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"left-pad\"},"
    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.3.0\"}]}]}]"
    ","
    "\"references\":[{\"type\":\"ADVISORY\",\"url\":\"https://example.com/GHSA-aaaa-bbbb-cccc\"}]}",
    "{\"id\":\"CVE-2099-0001\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"GHSA-aaaa-bbbb-"
    "cccc\"],"
    "\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"left-pad\"},"
    "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.3.0\"}]}"
    "]}],"
    "\"references\":[{\"type\":\"WEB\",\"url\":\"https://example.com/CVE-2099-0001\"}]}",
    /* two branches: both fixed versions listed; no severity: default medium */
    "{\"id\":\"PYSEC-2099-1\",\"modified\":\"2024-01-01T00:00:00Z\","
    "\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"Jinja2\"},"
    "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"2.11.3\"},"
    "{\"introduced\":\"3.0.0\"},{\"fixed\":\"3.1.3\"}]}]}]}",
    /* last_affected, no fix */
    "{\"id\":\"GO-2099-0001\",\"modified\":\"2024-01-01T00:00:00Z\","
    "\"affected\":[{\"package\":{\"ecosystem\":\"Go\",\"name\":\"github.com/x/y\"},"
    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"last_affected\":\"1.2."
    "0\"}]}]}]}",
    /* Maven group:artifact, feed severity text */
    "{\"id\":\"GHSA-jfh8-c2jp-5v3q\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"CVE-2021-"
    "44228\"],"
    "\"database_specific\":{\"severity\":\"CRITICAL\"},"
    "\"affected\":[{\"package\":{\"ecosystem\":\"Maven\",\"name\":\"org.apache.logging.log4j:log4j-"
    "core\"},"
    "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"2.0-beta9\"},{\"fixed\":\"2."
    "15.0\"}]}]}]}",
    /* explicit versions only, plus a GIT range that must be ignored */
    "{\"id\":\"MAL-2099-1\",\"modified\":\"2024-01-01T00:00:00Z\","
    "\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"evil\"},\"versions\":[\"1.0.0\"],"
    "\"ranges\":[{\"type\":\"GIT\",\"repo\":\"https://x\",\"events\":[{\"introduced\":\"0\"}]}]}]}",
    /* exact release: a Debian 11 entry must not match a Debian 12 image */
    "{\"id\":\"DLA-9999-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"CVE-2099-1111\"],"
    "\"affected\":[{\"package\":{\"ecosystem\":\"Debian:11\",\"name\":\"glibc\"},"
    "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"9.0-1\"}]}"
    "]}]}",
    /* Debian 12, by source package, low CVSS */
    "{\"id\":\"DSA-9999-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"CVE-2099-2222\"],"
    "\"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/"
    "A:N\"}],"
    "\"affected\":[{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"glibc\"},"
    "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"2.36-9+"
    "deb12u99\"}]}]}]}",
};

/* The result of one scan: the set, and what the tests look at. */
static ld_findings *fs;
static size_t n_got; /* vulnerability findings in fs */

static void check_vuln_finding(const ld_finding *f)
{
    assert_string_equal(f->check_id, "image.vulnerabilities");
    assert_int_equal(f->status, LD_STATUS_FAIL);
    assert_int_equal(f->target.kind, LD_TARGET_IMAGE);
    assert_string_equal(f->target.path, "/pkgfile");
}

static void reset(void)
{
    ld_findings_free(fs);
    fs = NULL;
    n_got = 0;
}

/* The vulnerability finding (id, package), or NULL. */
static const ld_finding *find(const char *id, const char *pkg)
{
    for (size_t i = 0; fs && i < fs->n; i++) {
        const ld_finding *f = fs->v[i];
        if (f->vuln && strcmp(f->vuln->id, id) == 0 && strcmp(f->vuln->package, pkg) == 0)
            return f;
    }
    return NULL;
}

static char *joined(const ld_strlist *l)
{
    return ld_strlist_join(l, ",");
}

static void assert_list(const ld_strlist *l, const char *want)
{
    char *got = joined(l);
    assert_string_equal(got, want);
    free(got);
}

/* The findings of the check that are not vulnerabilities (the verdicts per
 * ecosystem) with status st, counted; *first gets the first. */
static size_t verdicts(ld_status st, const ld_finding **first)
{
    size_t n = 0;
    if (first)
        *first = NULL;
    for (size_t i = 0; fs && i < fs->n; i++) {
        const ld_finding *f = fs->v[i];
        if (f->vuln || f->status != st)
            continue;
        assert_string_equal(f->check_id, "image.vulnerabilities");
        if (first && !*first)
            *first = f;
        n++;
    }
    return n;
}

/* The verdict finding whose evidence contains text, or NULL. */
static const ld_finding *verdict_with(ld_status st, const char *text)
{
    for (size_t i = 0; fs && i < fs->n; i++) {
        const ld_finding *f = fs->v[i];
        if (!f->vuln && f->status == st && f->evidence && strstr(f->evidence, text))
            return f;
    }
    return NULL;
}

static const ld_coverage *coverage_of(const char *eco)
{
    for (size_t i = 0; fs && i < fs->n_coverage; i++)
        if (strcmp(fs->coverage[i].ecosystem, eco) == 0)
            return &fs->coverage[i];
    return NULL;
}

static void add(ld_sbom *sb, ld_ecosystem eco, const char *name, const char *version,
                const char *source, const char *group)
{
    ld_package *p = ld_package_list_add(&sb->packages, eco);
    p->name = ld_xstrdup(name);
    p->version = ld_xstrdup(version);
    p->source_name = ld_xstrdup(source);
    p->group = ld_xstrdup(group);
    p->found_in = ld_xstrdup("/pkgfile");
    ld_package_set_purl(p, NULL, NULL);
}

static ld_sbom sbom;
static ld_catalog *cat;
static ld_policy *pol;

static int setup(void **state)
{
    (void)state;
    assert_non_null(mkdtemp(dir));
    char feed[256];
    snprintf(feed, sizeof feed, "%s/feed", dir);
    assert_int_equal(mkdir(feed, 0700), 0);
    for (size_t i = 0; i < sizeof records / sizeof records[0]; i++) {
        char path[300];
        snprintf(path, sizeof path, "%s/r%zu.json", feed, i);
        FILE *fp = fopen(path, "w");
        assert_non_null(fp);
        fputs(records[i], fp);
        fclose(fp);
    }
    snprintf(db_path, sizeof db_path, "%s/vuln.db", dir);
    ld_error err = LD_ERROR_INIT;
    ld_vulndb_limits lim;
    ld_vulndb_limits_default(&lim);
    ld_vulndb_builder *b = ld_vulndb_builder_new(db_path, false, &lim, &err);
    assert_non_null(b);
    if (ld_vulndb_builder_import(b, feed, LD_FEED_OSV_DIR, &(ld_feed_meta){.name = "osv-test"},
                                 NULL, &err) < 0)
        fail_msg("%s", err.msg);
    if (ld_vulndb_builder_commit(b, &err) < 0)
        fail_msg("%s", err.msg);

    /* Debian-only: the DSA record alone */
    char one[300];
    snprintf(one, sizeof one, "%s/debian-only.json", dir);
    FILE *fp = fopen(one, "w");
    assert_non_null(fp);
    fputs(records[sizeof records / sizeof records[0] - 1], fp);
    fclose(fp);
    snprintf(debian_db_path, sizeof debian_db_path, "%s/debian.db", dir);
    b = ld_vulndb_builder_new(debian_db_path, false, &lim, &err);
    assert_non_null(b);
    if (ld_vulndb_builder_import(b, one, LD_FEED_OSV_JSON, &(ld_feed_meta){.name = "osv-debian"},
                                 NULL, &err) < 0)
        fail_msg("%s", err.msg);
    if (ld_vulndb_builder_commit(b, &err) < 0)
        fail_msg("%s", err.msg);
    unlink(one);

    sbom.os_id = ld_xstrdup("debian");
    sbom.os_version_id = ld_xstrdup("12");
    sbom.os_codename = ld_xstrdup("bookworm");
    add(&sbom, LD_ECO_NPM, "left-pad", "1.1.0", NULL, NULL);
    add(&sbom, LD_ECO_NPM, "left-pad", "1.3.0", NULL, NULL); /* fixed: no match */
    add(&sbom, LD_ECO_PYPI, "jinja2", "3.0.1", NULL, NULL);
    add(&sbom, LD_ECO_GO, "github.com/x/y", "v1.2.0", NULL, NULL);
    add(&sbom, LD_ECO_GO, "github.com/x/y", "v1.2.1", NULL, NULL); /* after last_affected */
    add(&sbom, LD_ECO_MAVEN, "log4j-core", "2.14.1", NULL, "org.apache.logging.log4j");
    add(&sbom, LD_ECO_NPM, "evil", "1.0.0", NULL, NULL);
    add(&sbom, LD_ECO_NPM, "evil", "1.0.1", NULL, NULL);
    add(&sbom, LD_ECO_DEB, "libc6", "2.36-9+deb12u14", "glibc", NULL);
    add(&sbom, LD_ECO_APK, "musl", "1.2.4-r2", NULL, NULL); /* apk on debian: noted, not guessed */

    cat = ld_catalog_load_builtin(&err);
    assert_non_null(cat);
    pol = ld_policy_default(&err);
    assert_non_null(pol);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    reset();
    ld_sbom_clear(&sbom);
    ld_catalog_free(cat);
    ld_policy_free(pol);
    char path[300];
    snprintf(path, sizeof path, "%s/feed", dir);
    for (size_t i = 0; i < sizeof records / sizeof records[0]; i++) {
        char p[320];
        snprintf(p, sizeof p, "%s/r%zu.json", path, i);
        unlink(p);
    }
    rmdir(path);
    unlink(db_path);
    unlink(debian_db_path);
    rmdir(dir);
    return 0;
}

/* Scans sb into a new set (fs); returns the rc; notes (joined by '\n')
 * into *notes if not NULL. */
static int scan_sbom(const ld_sbom *sb, const ld_vuln_options *o, time_t now, char **notes,
                     ld_error *err)
{
    reset();
    fs = ld_findings_new(cat, now);
    int rc = ld_vuln_scan(fs, sb, NULL, o, err);
    for (size_t i = 0; i < fs->n; i++)
        if (fs->v[i]->vuln) {
            check_vuln_finding(fs->v[i]);
            n_got++;
        }
    if (notes)
        *notes = ld_strlist_join(&fs->notes, "\n");
    return rc;
}

static int scan(const ld_vuln_options *o, time_t now, char **notes, ld_error *err)
{
    return scan_sbom(&sbom, o, now, notes, err);
}

static void test_matching(void **state)
{
    (void)state;
    ld_vuln_options o = {.db_path = db_path};
    ld_error err = LD_ERROR_INIT;
    char *notes = NULL;
    if (scan(&o, 0, &notes, &err) != 0)
        fail_msg("%s", err.msg);
    const ld_finding *g = find("CVE-2099-0001", "left-pad");
    assert_non_null(g);
    assert_list(&g->vuln->aliases, "GHSA-aaaa-bbbb-cccc");
    assert_list(&g->vuln->fixed_versions, "1.3.0");
    assert_string_equal(g->vuln->fix_status, "fixed");
    assert_int_equal(g->severity, LD_SEV_CRITICAL);
    assert_true(g->vuln->cvss_score > 9.7 && g->vuln->cvss_score < 9.9);
    assert_string_equal(g->vuln->severity_source, "cvss-v3");
    assert_string_equal(g->title, "CVE-2099-0001 in left-pad 1.1.0 (fixed in 1.3.0)");
    assert_null(find("GHSA-aaaa-bbbb-cccc", "left-pad")); /* merged */

    g = find("PYSEC-2099-1", "jinja2");
    assert_non_null(g);
    assert_list(&g->vuln->fixed_versions, "2.11.3,3.1.3");
    assert_int_equal(g->severity, LD_SEV_MEDIUM);
    assert_string_equal(g->vuln->severity_source, "default");

    g = find("GO-2099-0001", "github.com/x/y");
    assert_non_null(g);
    assert_string_equal(g->vuln->fix_status, "not-fixed");
    assert_list(&g->vuln->fixed_versions, "");
    assert_non_null(strstr(g->title, "(no fix: not-fixed)"));

    g = find("CVE-2021-44228", "log4j-core");
    assert_non_null(g);
    assert_int_equal(g->severity, LD_SEV_CRITICAL);
    assert_list(&g->vuln->aliases, "GHSA-jfh8-c2jp-5v3q");

    g = find("MAL-2099-1", "evil");
    assert_non_null(g);

    g = find("CVE-2099-2222", "libc6");
    assert_non_null(g);
    assert_int_equal(g->severity, LD_SEV_LOW);
    assert_non_null(strstr(g->evidence, "source package glibc"));
    assert_non_null(strstr(g->evidence, "fixed in 2.36-9+deb12u99 (bookworm)"));
    assert_null(find("CVE-2099-1111", "libc6")); /* Debian 11 entry */

    /* left-pad 1.3.0, y v1.2.1, evil 1.0.1: nothing; total 6 findings */
    assert_int_equal(n_got, 6);

    /* coverage: every ecosystem of the SBOM with its package count */
    const ld_coverage *c = coverage_of("npm");
    assert_non_null(c);
    assert_int_equal(c->packages, 4);
    assert_true(c->covered);
    assert_null(c->release);
    assert_string_equal(c->target, "rootfs");
    c = coverage_of("deb");
    assert_non_null(c);
    assert_int_equal(c->packages, 1);
    assert_true(c->covered);
    assert_string_equal(c->release, "debian 12");
    assert_int_equal(coverage_of("go")->packages, 2);
    assert_true(coverage_of("pypi")->covered);
    assert_true(coverage_of("maven")->covered);
    /* apk on Debian: no feed; recorded as not covered and not assessed,
     * not a silent note */
    c = coverage_of("apk");
    assert_non_null(c);
    assert_int_equal(c->packages, 1);
    assert_false(c->covered);
    assert_int_equal(fs->n_coverage, 6);
    const ld_finding *na = NULL;
    assert_int_equal(verdicts(LD_STATUS_ERROR, &na), 1);
    assert_non_null(strstr(na->evidence, "not assessed: lockdown cannot match 1 apk package of "
                                         "debian 12: apk packages of distribution debian 12"));
    assert_null(strstr(notes, "vulnerabilities not matched"));
    /* every other ecosystem has a vulnerability: no pass verdict */
    assert_int_equal(verdicts(LD_STATUS_PASS, NULL), 0);
    free(notes);
}

static size_t count_with(const ld_vuln_options *o)
{
    ld_error err = LD_ERROR_INIT;
    if (scan(o, 0, NULL, &err) != 0)
        fail_msg("%s", err.msg);
    return n_got;
}

static void test_filters(void **state)
{
    (void)state;
    ld_vuln_options o = {.db_path = db_path, .ignore_unfixed = true};
    assert_int_equal(count_with(&o), 4); /* GO and MAL have no fixed version */
    assert_null(find("GO-2099-0001", "github.com/x/y"));
    /* Go: matched, everything filtered out: a pass that says so */
    const ld_finding *p = verdict_with(LD_STATUS_PASS, "go packages matched");
    assert_non_null(p);
    assert_non_null(strstr(p->evidence,
                           "2 go packages matched against the database: no "
                           "vulnerability remains (1 matched, every one filtered out"));
    assert_int_equal(verdicts(LD_STATUS_PASS, NULL), 1); /* npm still has left-pad */
    o = (ld_vuln_options){
        .db_path = db_path, .severity_set = LD_SEV_BIT(LD_SEV_CRITICAL)};
    assert_int_equal(count_with(&o), 2);
    assert_non_null(find("CVE-2021-44228", "log4j-core"));
    o = (ld_vuln_options){.db_path = db_path};
    ld_strlist_push(&o.ignore_status, "not-fixed");
    assert_int_equal(count_with(&o), 4); /* GO-... and MAL-... have no fix */
    assert_null(find("MAL-2099-1", "evil"));
    ld_strlist_clear(&o.ignore_status);
    ld_strlist_push(&o.ignore_status, "no-such-status");
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(scan(&o, 0, NULL, &err), LD_ERR_INVALID);
    assert_non_null(strstr(err.msg, "no-such-status"));
    ld_strlist_clear(&o.ignore_status);

    /* ignore file by alias, with an expired entry */
    char ign[300];
    snprintf(ign, sizeof ign, "%s/ignore", dir);
    FILE *fp = fopen(ign, "w");
    fputs("GHSA-aaaa-bbbb-cccc\nMAL-2099-1 exp:2000-01-01\n", fp);
    fclose(fp);
    o = (ld_vuln_options){.db_path = db_path, .ignore_file = ign};
    char *notes = NULL;
    assert_int_equal(scan(&o, 0, &notes, &err), 0);
    assert_int_equal(n_got, 5);
    assert_null(find("CVE-2099-0001", "left-pad"));
    assert_non_null(strstr(notes, "ignore entry for MAL-2099-1 expired on 2000-01-01"));
    free(notes);
    unlink(ign);

    /* VEX by purl */
    char vex[300];
    snprintf(vex, sizeof vex, "%s/vex.json", dir);
    fp = fopen(vex, "w");
    fputs("{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"statements\":["
          "{\"vulnerability\":{\"name\":\"GHSA-jfh8-c2jp-5v3q\"},"
          "\"products\":[{\"@id\":\"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1\"}],"
          "\"status\":\"not_affected\",\"justification\":\"component_not_present\"}]}",
          fp);
    fclose(fp);
    o = (ld_vuln_options){.db_path = db_path};
    ld_strlist_push(&o.vex_files, vex);
    assert_int_equal(scan(&o, 0, &notes, &err), 0);
    assert_int_equal(n_got, 5);
    assert_null(find("CVE-2021-44228", "log4j-core"));
    assert_non_null(strstr(notes, "CVE-2021-44228 is not_affected for log4j-core 2.14.1"));
    free(notes);
    ld_strlist_clear(&o.vex_files);
    unlink(vex);
}

static void test_db_errors(void **state)
{
    (void)state;
    ld_vuln_options o = {.db_path = "/nonexistent/vuln.db"};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(scan(&o, 0, NULL, &err), LD_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "lockdown db update"));
    /* stale: 30 days after the build, default limit 7 days */
    o.db_path = db_path;
    char *notes = NULL;
    assert_int_equal(scan(&o, time(NULL) + 30 * 86400, &notes, &err), 0);
    assert_non_null(strstr(notes, "days old (older than 7 days)"));
    free(notes);
    o.max_db_age_days = 60;
    assert_int_equal(scan(&o, time(NULL) + 30 * 86400, &notes, &err), 0);
    assert_null(strstr(notes, "days old"));
    free(notes);
}

/* With a missing database the scan may be told to go on: the check is
 * then declared not assessed, with the way to get one, and nothing passes. */
static void test_db_optional(void **state)
{
    (void)state;
    char absent[300];
    snprintf(absent, sizeof absent, "%s/absent.db", dir);
    ld_vuln_options o = {.db_path = absent, .db_optional = true};
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(scan(&o, 0, NULL, &err), 0);
    assert_int_equal(fs->n, 0);
    assert_int_equal(fs->n_coverage, 0);
    const ld_scope_entry *sc = ld_findings_scope_of(fs, "image.vulnerabilities");
    assert_non_null(sc);
    assert_int_equal(sc->state, LD_SCOPE_NOT_ASSESSED);
    assert_non_null(strstr(sc->reason, absent));
    assert_non_null(strstr(sc->reason, "lockdown db update"));
    reset();
}

/* An image with Alpine (apk) and npm packages against a database holding
 * Debian advisories only: nothing could be matched, and the set says so per
 * ecosystem; the evaluation then fails the gate closed. */
static void test_uncovered_ecosystems(void **state)
{
    (void)state;
    ld_sbom alp = {0};
    alp.os_id = ld_xstrdup("alpine");
    alp.os_version_id = ld_xstrdup("3.19.1");
    add(&alp, LD_ECO_APK, "musl", "1.2.4-r2", "musl", NULL);
    add(&alp, LD_ECO_APK, "libcrypto3", "3.1.4-r1", "openssl", NULL);
    add(&alp, LD_ECO_NPM, "left-pad", "1.1.0", NULL, NULL);
    ld_vuln_options o = {.db_path = debian_db_path, .target = "dir:/srv/app"};
    ld_error err = LD_ERROR_INIT;
    if (scan_sbom(&alp, &o, 0, NULL, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(n_got, 0);
    assert_int_equal(verdicts(LD_STATUS_PASS, NULL), 0);
    assert_int_equal(verdicts(LD_STATUS_ERROR, NULL), 2);
    const ld_finding *f = verdict_with(LD_STATUS_ERROR, "apk alpine 3.19");
    assert_non_null(f);
    assert_string_equal(f->evidence,
                        "not assessed: the database has no advisories for apk alpine 3.19 (2 "
                        "packages; looked for ecosystem Alpine:v3.19): run 'lockdown db update' "
                        "with a source for it");
    assert_string_equal(f->target.name, "dir:/srv/app");
    assert_non_null(verdict_with(LD_STATUS_ERROR, "no advisories for npm (1 package;"));
    const ld_coverage *c = coverage_of("apk");
    assert_non_null(c);
    assert_string_equal(c->target, "dir:/srv/app");
    assert_string_equal(c->release, "alpine 3.19");
    assert_int_equal(c->packages, 2);
    assert_false(c->covered);
    c = coverage_of("npm");
    assert_non_null(c);
    assert_int_equal(c->packages, 1);
    assert_false(c->covered);

    /* the gate fails closed on it (and would pass with --allow-incomplete) */
    ld_eval_options eo = {.level = LD_LEVEL_LOW};
    ld_evaluation *ev = ld_evaluate(fs, pol, &eo);
    const ld_control *ctl = ld_catalog_control_for_check(cat, "image.vulnerabilities");
    assert_int_equal(ev->controls[ctl->index].state, LD_CTRL_NOT_ASSESSED);
    assert_non_null(strstr(ev->controls[ctl->index].reason, "no advisories for"));
    assert_true(ev->incomplete);
    assert_true(ev->gate_failed);
    ld_evaluation_free(ev);
    eo.allow_incomplete = true;
    ev = ld_evaluate(fs, pol, &eo);
    assert_false(ev->gate_failed);
    ld_evaluation_free(ev);
    ld_sbom_clear(&alp);
    reset();
}

/* A covered ecosystem with no vulnerability passes, and says what was
 * matched; an uncovered one beside it is still not assessed. */
static void test_covered_clean(void **state)
{
    (void)state;
    ld_sbom deb = {0};
    deb.os_id = ld_xstrdup("debian");
    deb.os_version_id = ld_xstrdup("12");
    deb.os_codename = ld_xstrdup("bookworm");
    add(&deb, LD_ECO_DEB, "bash", "5.2.15-2+b2", "bash", NULL);
    add(&deb, LD_ECO_DEB, "libc6", "2.36-9+deb12u99", "glibc", NULL); /* the fixed version */
    add(&deb, LD_ECO_DEB, "nameless-version", "", NULL, NULL);
    ld_vuln_options o = {.db_path = debian_db_path};
    ld_error err = LD_ERROR_INIT;
    char *notes = NULL;
    if (scan_sbom(&deb, &o, 0, &notes, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(n_got, 0);
    assert_int_equal(verdicts(LD_STATUS_ERROR, NULL), 0);
    const ld_finding *p = NULL;
    assert_int_equal(verdicts(LD_STATUS_PASS, &p), 1);
    assert_string_equal(p->evidence, "2 deb packages of debian 12 matched against the database: "
                                     "no known vulnerability");
    assert_true(coverage_of("deb")->covered);
    assert_int_equal(coverage_of("deb")->packages, 2);
    assert_non_null(strstr(notes, "1 package without a name or version could not be matched"));
    free(notes);

    ld_eval_options eo = {.level = LD_LEVEL_LOW};
    ld_evaluation *ev = ld_evaluate(fs, pol, &eo);
    const ld_control *ctl = ld_catalog_control_for_check(cat, "image.vulnerabilities");
    assert_int_equal(ev->controls[ctl->index].state, LD_CTRL_PASSED);
    ld_evaluation_free(ev);

    /* the same with npm beside it: npm is not assessed, deb still passes */
    add(&deb, LD_ECO_NPM, "left-pad", "1.1.0", NULL, NULL);
    if (scan_sbom(&deb, &o, 0, NULL, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(verdicts(LD_STATUS_PASS, NULL), 1);
    assert_int_equal(verdicts(LD_STATUS_ERROR, NULL), 1);
    assert_false(coverage_of("npm")->covered);
    ev = ld_evaluate(fs, pol, &eo);
    assert_int_equal(ev->controls[ctl->index].state, LD_CTRL_NOT_ASSESSED);
    ld_evaluation_free(ev);
    ld_sbom_clear(&deb);
    reset();
}

/* No package at all: a pass when every cataloger read everything (a static
 * binary on scratch), not assessed when files were skipped or unreadable. */
static void test_empty_sbom(void **state)
{
    (void)state;
    ld_sbom empty = {0};
    ld_vuln_options o = {.db_path = debian_db_path};
    ld_error err = LD_ERROR_INIT;
    if (scan_sbom(&empty, &o, 0, NULL, &err) != 0)
        fail_msg("%s", err.msg);
    const ld_finding *f = NULL;
    assert_int_equal(fs->n, 1);
    assert_int_equal(verdicts(LD_STATUS_PASS, &f), 1);
    assert_non_null(strstr(f->evidence, "no packages found"));
    assert_int_equal(fs->n_coverage, 0);

    ld_strlist_push(&empty.notes, "/var/lib/dpkg/status: skipped by the dpkg cataloger: 999 "
                                  "bytes is over its limit of 10");
    if (scan_sbom(&empty, &o, 0, NULL, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(fs->n, 1);
    assert_int_equal(verdicts(LD_STATUS_ERROR, &f), 1);
    assert_non_null(strstr(f->evidence, "not assessed: no package to match, and 1 file could not "
                                        "be read (first: /var/lib/dpkg/status: skipped"));
    ld_sbom_clear(&empty);
    reset();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matching),
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_db_errors),
        cmocka_unit_test(test_db_optional),
        cmocka_unit_test(test_uncovered_ecosystems),
        cmocka_unit_test(test_covered_clean),
        cmocka_unit_test(test_empty_sbom),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
