/* Unit tests for ld_vuln_scan (src/vuln/match.c) against a database built
 * with the builder API from OSV records written here: dedup through aliases
 * (GHSA + CVE records of one vulnerability), several fixed versions,
 * last_affected, explicit versions, exact release ecosystems, source-package
 * lookup, PyPI normalisation, Maven group:artifact, severity from CVSS and
 * feed text and the default, each filter, no database, stale database. */
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
#include "core/policy.h"
#include "core/report.h"
#include "util/mem.h"
#include "vuln/db.h"
#include "vuln/match.h"

static char dir[] = "/tmp/ld-vuln-match-XXXXXX";
static char db_path[256];

static const char *const records[] = {
    /* one vulnerability published twice: GHSA record and CVE record */
    "{\"id\":\"GHSA-aaaa-bbbb-cccc\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"CVE-2099-0001\"],"
    "\"summary\":\"Prototype pollution in left-pad\","
    "\"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"}],"
    "\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"left-pad\"},"
    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.3.0\"}]}]}],"
    "\"references\":[{\"type\":\"ADVISORY\",\"url\":\"https://example.com/GHSA-aaaa-bbbb-cccc\"}]}",
    "{\"id\":\"CVE-2099-0001\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"GHSA-aaaa-bbbb-cccc\"],"
    "\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"left-pad\"},"
    "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.3.0\"}]}]}],"
    "\"references\":[{\"type\":\"WEB\",\"url\":\"https://example.com/CVE-2099-0001\"}]}",
    /* two branches: both fixed versions listed; no severity: default medium */
    "{\"id\":\"PYSEC-2099-1\",\"modified\":\"2024-01-01T00:00:00Z\","
    "\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"Jinja2\"},"
    "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"2.11.3\"},"
    "{\"introduced\":\"3.0.0\"},{\"fixed\":\"3.1.3\"}]}]}]}",
    /* last_affected, no fix */
    "{\"id\":\"GO-2099-0001\",\"modified\":\"2024-01-01T00:00:00Z\","
    "\"affected\":[{\"package\":{\"ecosystem\":\"Go\",\"name\":\"github.com/x/y\"},"
    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"last_affected\":\"1.2.0\"}]}]}]}",
    /* Maven group:artifact, feed severity text */
    "{\"id\":\"GHSA-jfh8-c2jp-5v3q\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"CVE-2021-44228\"],"
    "\"database_specific\":{\"severity\":\"CRITICAL\"},"
    "\"affected\":[{\"package\":{\"ecosystem\":\"Maven\",\"name\":\"org.apache.logging.log4j:log4j-core\"},"
    "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"2.0-beta9\"},{\"fixed\":\"2.15.0\"}]}]}]}",
    /* explicit versions only, plus a GIT range that must be ignored */
    "{\"id\":\"MAL-2099-1\",\"modified\":\"2024-01-01T00:00:00Z\","
    "\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"evil\"},\"versions\":[\"1.0.0\"],"
    "\"ranges\":[{\"type\":\"GIT\",\"repo\":\"https://x\",\"events\":[{\"introduced\":\"0\"}]}]}]}",
    /* exact release: a Debian 11 entry must not match a Debian 12 image */
    "{\"id\":\"DLA-9999-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"CVE-2099-1111\"],"
    "\"affected\":[{\"package\":{\"ecosystem\":\"Debian:11\",\"name\":\"glibc\"},"
    "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"9.0-1\"}]}]}]}",
    /* Debian 12, by source package, low CVSS */
    "{\"id\":\"DSA-9999-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"CVE-2099-2222\"],"
    "\"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N\"}],"
    "\"affected\":[{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"glibc\"},"
    "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"2.36-9+deb12u99\"}]}]}]}",
};

typedef struct {
    char *id, *pkg, *aliases, *fixed, *status, *sev_source, *title, *evidence;
    ld_severity sev;
    double cvss;
} got_finding;

static got_finding got[64];
static size_t n_got;

static int cap_finding(ld_report *r, const ld_finding *f, ld_error *err)
{
    (void)r;
    (void)err;
    assert_true(n_got < 64);
    assert_non_null(f->vuln);
    got_finding *g = &got[n_got++];
    g->id = ld_xstrdup(f->vuln->id);
    g->pkg = ld_xstrdup(f->vuln->package);
    g->aliases = ld_strlist_join(&f->vuln->aliases, ",");
    g->fixed = ld_strlist_join(&f->vuln->fixed_versions, ",");
    g->status = ld_xstrdup(f->vuln->fix_status);
    g->sev_source = ld_xstrdup(f->vuln->severity_source);
    g->title = ld_xstrdup(f->title);
    g->evidence = ld_xstrdup(f->evidence);
    g->sev = f->severity;
    g->cvss = f->vuln->cvss_score;
    assert_string_equal(f->check_id, "image.vulnerabilities");
    assert_int_equal(f->status, LD_STATUS_FAIL);
    assert_int_equal(f->target.kind, LD_TARGET_IMAGE);
    assert_string_equal(f->target.path, "/pkgfile");
    return 0;
}

static const ld_writer_ops cap_ops = {.name = "capture", .finding = cap_finding};

static void reset(void)
{
    for (size_t i = 0; i < n_got; i++) {
        got_finding *g = &got[i];
        free(g->id);
        free(g->pkg);
        free(g->aliases);
        free(g->fixed);
        free(g->status);
        free(g->sev_source);
        free(g->title);
        free(g->evidence);
    }
    n_got = 0;
}

static const got_finding *find(const char *id, const char *pkg)
{
    for (size_t i = 0; i < n_got; i++)
        if (strcmp(got[i].id, id) == 0 && strcmp(got[i].pkg, pkg) == 0)
            return &got[i];
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
    rmdir(dir);
    return 0;
}

/* Runs a scan; returns its rc; notes (joined by '\n') into *notes if not NULL. */
static int scan(const ld_vuln_options *o, time_t now, char **notes, ld_error *err)
{
    reset();
    FILE *out = fopen("/dev/null", "w");
    ld_report_options ro = {.format = LD_FORMAT_JSON, .out = out, .level = LD_LEVEL_LOW, .now = now};
    ld_report *r = ld_report_open(&ro, cat, pol, err);
    r->ops = &cap_ops;
    int rc = ld_vuln_scan(r, &sbom, NULL, o, err);
    if (notes)
        *notes = ld_strlist_join(&r->notes, "\n");
    ld_report_free(r);
    fclose(out);
    return rc;
}

static void test_matching(void **state)
{
    (void)state;
    ld_vuln_options o = {.db_path = db_path};
    ld_error err = LD_ERROR_INIT;
    char *notes = NULL;
    if (scan(&o, 0, &notes, &err) != 0)
        fail_msg("%s", err.msg);
    const got_finding *g = find("CVE-2099-0001", "left-pad");
    assert_non_null(g);
    assert_string_equal(g->aliases, "GHSA-aaaa-bbbb-cccc");
    assert_string_equal(g->fixed, "1.3.0");
    assert_string_equal(g->status, "fixed");
    assert_int_equal(g->sev, LD_SEV_CRITICAL);
    assert_true(g->cvss > 9.7 && g->cvss < 9.9);
    assert_string_equal(g->sev_source, "cvss-v3");
    assert_string_equal(g->title, "CVE-2099-0001 in left-pad 1.1.0 (fixed in 1.3.0)");
    assert_null(find("GHSA-aaaa-bbbb-cccc", "left-pad")); /* merged */

    g = find("PYSEC-2099-1", "jinja2");
    assert_non_null(g);
    assert_string_equal(g->fixed, "2.11.3,3.1.3");
    assert_int_equal(g->sev, LD_SEV_MEDIUM);
    assert_string_equal(g->sev_source, "default");

    g = find("GO-2099-0001", "github.com/x/y");
    assert_non_null(g);
    assert_string_equal(g->status, "not-fixed");
    assert_string_equal(g->fixed, "");
    assert_non_null(strstr(g->title, "(no fix: not-fixed)"));

    g = find("CVE-2021-44228", "log4j-core");
    assert_non_null(g);
    assert_int_equal(g->sev, LD_SEV_CRITICAL);
    assert_string_equal(g->aliases, "GHSA-jfh8-c2jp-5v3q");

    g = find("MAL-2099-1", "evil");
    assert_non_null(g);

    g = find("CVE-2099-2222", "libc6");
    assert_non_null(g);
    assert_int_equal(g->sev, LD_SEV_LOW);
    assert_non_null(strstr(g->evidence, "source package glibc"));
    assert_non_null(strstr(g->evidence, "fixed in 2.36-9+deb12u99 (bookworm)"));
    assert_null(find("CVE-2099-1111", "libc6")); /* Debian 11 entry */

    /* left-pad 1.3.0, y v1.2.1, evil 1.0.1: nothing; total 6 findings */
    assert_int_equal(n_got, 6);
    assert_non_null(strstr(notes, "apk packages of distribution debian 12"));
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
    o = (ld_vuln_options){.db_path = db_path, .has_min_severity = true,
                          .min_severity = LD_SEV_CRITICAL};
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matching),
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_db_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
