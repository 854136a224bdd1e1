/* vuln_scan_driver: a test helper (not shipped) standing in for `lockdown
 * image scan --checks vuln` until that command calls ld_vuln_scan: collects
 * the SBOM of TARGET (ld_sbom_collect) or reads a synthetic one, opens a
 * report and runs ld_vuln_scan with the options given.
 *
 * Usage: vuln_scan_driver [--db PATH] [--format table|json|sarif|junit|vulnjson]
 *          [--severity S] [--ignore-unfixed] [--ignore-status a,b]
 *          [--ignore-file F] [--vex F]... [--max-db-age DAYS] [--policy F]
 *          [--fail-on S] [--now EPOCH] [--repeat N] (TARGET | --sbom-lines FILE)
 *
 * --format null discards findings (for timing the matcher without a writer).
 * --format vulnjson prints one JSON object per finding (check, severity,
 *   status, title, evidence, target, exception and the "vulnerability" object
 *   proposed for the JSON report) and one {"note": ...} per report note.
 * --sbom-lines FILE: a synthetic SBOM, one package per line
 *   "ECO NAME VERSION [SOURCE]" and an "#os ID VERSION_ID CODENAME" line.
 * --repeat N runs the scan N times (report to /dev/null but the last) and
 *   prints "scan_ms RUN WALL_MS CPU_MS" per run and "scan_ms_median WALL_MS
 *   CPU_MS" on stderr; time is measured with clock_gettime (monotonic and
 *   process CPU time) around ld_vuln_scan only.
 *        vuln_scan_driver --import DB FEED... (until `lockdown db import` exists)
 *          builds DB from the feed files (type detected) with the builder API.
 * Exit: 0, 1 when the gate failed, 3 on error (one line on stderr). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "core/catalog.h"
#include "core/policy.h"
#include "core/report.h"
#include "sbom/sbom.h"
#include "util/mem.h"
#include "vuln/db.h"
#include "vuln/match.h"

static int die(const ld_error *err)
{
    fprintf(stderr, "vuln_scan_driver: %s\n", err->msg);
    return 3;
}

/* ---- vulnjson writer ------------------------------------------------------ */

static json_t *strlist_json(const ld_strlist *l)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, json_string(l->v[i]));
    return a;
}

static json_t *opt_str(const char *s) { return s ? json_string(s) : json_null(); }

static int vj_finding(ld_report *r, const ld_finding *f, ld_error *err)
{
    json_t *o = json_object();
    json_object_set_new(o, "check", json_string(f->check_id));
    json_object_set_new(o, "control", json_string(f->control->id));
    json_object_set_new(o, "severity", json_string(ld_severity_name(f->severity)));
    json_object_set_new(o, "status", json_string(ld_status_name(f->status)));
    json_object_set_new(o, "title", json_string(ld_finding_title(f)));
    json_object_set_new(o, "evidence", opt_str(f->evidence));
    json_object_set_new(o, "remediation", json_string(ld_finding_remediation(f)));
    json_object_set_new(o, "exception", opt_str(f->exception));
    json_t *t = json_object();
    json_object_set_new(t, "kind", json_string(ld_target_kind_name(f->target.kind)));
    json_object_set_new(t, "id", opt_str(f->target.id));
    json_object_set_new(t, "name", opt_str(f->target.name));
    json_object_set_new(t, "path", opt_str(f->target.path));
    json_object_set_new(o, "target", t);
    const ld_vuln_fields *v = f->vuln;
    if (v) {
        json_t *j = json_object();
        json_object_set_new(j, "id", opt_str(v->id));
        json_object_set_new(j, "aliases", strlist_json(&v->aliases));
        json_object_set_new(j, "ecosystem", opt_str(v->ecosystem));
        json_object_set_new(j, "package", opt_str(v->package));
        json_object_set_new(j, "source_package", opt_str(v->source_package));
        json_object_set_new(j, "installed_version", opt_str(v->installed_version));
        json_object_set_new(j, "fixed_versions", strlist_json(&v->fixed_versions));
        json_object_set_new(j, "fix_status", opt_str(v->fix_status));
        json_object_set_new(j, "purl", opt_str(v->purl));
        json_object_set_new(j, "severity_source", opt_str(v->severity_source));
        json_object_set_new(j, "cvss_score", v->cvss_score > 0 ? json_real(v->cvss_score)
                                                                 : json_null());
        json_object_set_new(j, "cvss_vector", opt_str(v->cvss_vector));
        json_object_set_new(j, "references", strlist_json(&v->references));
        json_t *l = json_object();
        json_object_set_new(l, "digest", opt_str(v->layer_digest));
        json_object_set_new(l, "diff_id", opt_str(v->layer_diff_id));
        json_object_set_new(l, "created_by", opt_str(v->layer_created_by));
        json_object_set_new(j, "layer", l);
        json_object_set_new(o, "vulnerability", j);
    }
    char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    fprintf(r->opt.out, "%s\n", s);
    free(s);
    json_decref(o);
    return 0;
}

static int vj_end(ld_report *r, ld_error *err)
{
    for (size_t i = 0; i < r->notes.n; i++) {
        json_t *o = json_pack("{ss}", "note", r->notes.v[i]);
        char *s = json_dumps(o, JSON_COMPACT);
        fprintf(r->opt.out, "%s\n", s);
        free(s);
        json_decref(o);
    }
    return 0;
}

static const ld_writer_ops vulnjson_ops = {.name = "vulnjson", .finding = vj_finding, .end = vj_end};
static const ld_writer_ops null_ops = {.name = "null"};

/* ---- synthetic SBOM ----------------------------------------------------- */

static int read_sbom_lines(const char *path, ld_sbom *sb, ld_error *err)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return ld_error_set_errno(err, LD_ERR_NOT_FOUND, 0, "cannot open %s", path);
    char line[4096];
    while (fgets(line, sizeof line, fp)) {
        char a[256] = "", b[1024] = "", c[512] = "", d[1024] = "";
        int n = sscanf(line, "%255s %1023s %511s %1023s", a, b, c, d);
        if (n < 1)
            continue;
        if (strcmp(a, "#os") == 0) {
            sb->os_id = n > 1 ? ld_xstrdup(b) : NULL;
            sb->os_version_id = n > 2 ? ld_xstrdup(c) : NULL;
            sb->os_codename = n > 3 ? ld_xstrdup(d) : NULL;
            continue;
        }
        if (n < 3 || a[0] == '#')
            continue;
        ld_ecosystem eco = LD_ECO_COUNT;
        for (int e = 0; e < LD_ECO_COUNT; e++)
            if (strcmp(a, ld_ecosystem_name((ld_ecosystem)e)) == 0)
                eco = (ld_ecosystem)e;
        if (eco == LD_ECO_COUNT) {
            fclose(fp);
            return ld_error_set(err, LD_ERR_INVALID, "%s: unknown ecosystem %s", path, a);
        }
        ld_package *p = ld_package_list_add(&sb->packages, eco);
        p->name = ld_xstrdup(b);
        p->version = ld_xstrdup(c);
        if (n > 3)
            p->source_name = ld_xstrdup(d);
        p->found_in = ld_xstrdup("/synthetic");
        ld_package_set_purl(p, NULL, NULL);
    }
    fclose(fp);
    return 0;
}

/* ---- main --------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int import_main(int argc, char **argv)
{
    ld_error err = LD_ERROR_INIT;
    ld_vulndb_limits lim;
    ld_vulndb_limits_default(&lim);
    ld_vulndb_builder *b = ld_vulndb_builder_new(argv[0], false, &lim, &err);
    if (!b)
        return die(&err);
    for (int i = 1; i < argc; i++) {
        ld_feed_type t;
        long long n = 0;
        if (ld_feed_detect(argv[i], &t, &err) < 0 ||
            ld_vulndb_builder_import(b, argv[i], t, &(ld_feed_meta){0}, &n, &err) < 0) {
            ld_vulndb_builder_abort(b);
            return die(&err);
        }
        fprintf(stderr, "imported %lld records from %s (%s)\n", n, argv[i], ld_feed_type_name(t));
    }
    if (ld_vulndb_builder_commit(b, &err) < 0)
        return die(&err);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "--import") == 0)
        return import_main(argc - 2, argv + 2);
    ld_vuln_options vo = {0};
    const char *format = "json", *target = NULL, *sbom_lines = NULL, *policy_path = NULL;
    const char *fail_on = NULL;
    time_t now = 0;
    int repeat = 1;
    ld_error err = LD_ERROR_INIT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = true;
        if (strcmp(a, "--db") == 0 && v)
            vo.db_path = v;
        else if (strcmp(a, "--format") == 0 && v)
            format = v;
        else if (strcmp(a, "--severity") == 0 && v) {
            if (ld_severity_parse(v, &vo.min_severity) < 0) {
                fprintf(stderr, "vuln_scan_driver: bad --severity %s\n", v);
                return 2;
            }
            vo.has_min_severity = true;
        } else if (strcmp(a, "--ignore-status") == 0 && v) {
            char *dup = ld_xstrdup(v), *save = NULL;
            for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save))
                ld_strlist_push(&vo.ignore_status, t);
            free(dup);
        } else if (strcmp(a, "--ignore-file") == 0 && v)
            vo.ignore_file = v;
        else if (strcmp(a, "--vex") == 0 && v)
            ld_strlist_push(&vo.vex_files, v);
        else if (strcmp(a, "--max-db-age") == 0 && v)
            vo.max_db_age_days = (int)strtol(v, NULL, 10);
        else if (strcmp(a, "--policy") == 0 && v)
            policy_path = v;
        else if (strcmp(a, "--fail-on") == 0 && v)
            fail_on = v;
        else if (strcmp(a, "--now") == 0 && v)
            now = (time_t)strtoll(v, NULL, 10);
        else if (strcmp(a, "--repeat") == 0 && v)
            repeat = (int)strtol(v, NULL, 10);
        else if (strcmp(a, "--sbom-lines") == 0 && v)
            sbom_lines = v;
        else {
            takes = false;
            if (strcmp(a, "--ignore-unfixed") == 0)
                vo.ignore_unfixed = true;
            else if (a[0] != '-' && !target)
                target = a;
            else {
                fprintf(stderr, "vuln_scan_driver: bad argument %s\n", a);
                return 2;
            }
        }
        if (takes)
            i++;
    }
    if (!target == !sbom_lines || repeat < 1 || repeat > 1000) {
        fprintf(stderr, "usage: vuln_scan_driver [options] (TARGET | --sbom-lines FILE)\n");
        return 2;
    }
    bool vulnjson = strcmp(format, "vulnjson") == 0, null_writer = strcmp(format, "null") == 0;
    ld_format fmt = LD_FORMAT_JSON;
    if (!vulnjson && !null_writer && ld_format_parse(format, &fmt) < 0) {
        fprintf(stderr, "vuln_scan_driver: bad --format %s\n", format);
        return 2;
    }

    ld_sbom sb = {0};
    ld_image *img = NULL;
    int rc = sbom_lines ? read_sbom_lines(sbom_lines, &sb, &err)
                        : ld_sbom_collect(target, &(ld_image_options){0}, &sb, &img, &err);
    if (rc < 0)
        return die(&err);
    ld_catalog *cat = ld_catalog_load_builtin(&err);
    if (!cat)
        return die(&err);
    ld_policy *pol = policy_path ? ld_policy_load(policy_path, NULL, &err) : ld_policy_default(&err);
    if (!pol)
        return die(&err);

    FILE *devnull = fopen("/dev/null", "w");
    double *ms = ld_xcalloc((size_t)repeat, sizeof(*ms));
    double *cpu = ld_xcalloc((size_t)repeat, sizeof(*cpu));
    int exit_code = 0;
    for (int run = 0; run < repeat && exit_code == 0; run++) {
        bool last = run == repeat - 1;
        ld_report_options ro = {.format = fmt,
                                .out = last ? stdout : devnull,
                                .command = "vuln_scan_driver",
                                .scope = target ? target : sbom_lines,
                                .level = LD_LEVEL_MEDIUM,
                                .level_source = "default",
                                .now = now};
        if (fail_on && ld_severity_parse(fail_on, &ro.fail_on) == 0) {
            ro.has_fail_on = true;
        } else if (pol->has_fail_on) { /* as the CLI does (src/cli/common.c) */
            ro.has_fail_on = true;
            ro.fail_on = pol->fail_on;
        }
        ld_report *r = ld_report_open(&ro, cat, pol, &err);
        if (vulnjson || null_writer) /* test-only writers, see the header comment */
            r->ops = vulnjson ? &vulnjson_ops : &null_ops;
        if (ld_report_begin(r, &err) < 0) {
            exit_code = die(&err);
        } else {
            struct timespec t0, t1, c0, c1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
            rc = ld_vuln_scan(r, &sb, img, &vo, &err);
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
            clock_gettime(CLOCK_MONOTONIC, &t1);
            ms[run] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
            cpu[run] = (double)(c1.tv_sec - c0.tv_sec) * 1e3 + (double)(c1.tv_nsec - c0.tv_nsec) / 1e6;
            if (repeat > 1)
                fprintf(stderr, "scan_ms %d %.3f %.3f\n", run + 1, ms[run], cpu[run]);
            if (rc < 0)
                exit_code = die(&err);
            else if (ld_report_finish(r, &err) < 0)
                exit_code = die(&err);
            else {
                if (!vulnjson)
                    for (size_t i = 0; i < r->notes.n; i++)
                        fprintf(stderr, "note: %s\n", r->notes.v[i]);
                if (last && ld_report_gate_failed(r))
                    exit_code = 1;
            }
        }
        ld_report_free(r);
    }
    if (repeat > 1 && exit_code != 3) {
        qsort(ms, (size_t)repeat, sizeof(*ms), cmp_double);
        qsort(cpu, (size_t)repeat, sizeof(*cpu), cmp_double);
        fprintf(stderr, "scan_ms_median %.3f %.3f\n", ms[repeat / 2], cpu[repeat / 2]);
    }
    fflush(stdout);
    free(ms);
    free(cpu);
    fclose(devnull);
    ld_policy_free(pol);
    ld_catalog_free(cat);
    ld_image_free(img);
    ld_sbom_clear(&sb);
    ld_strlist_clear(&vo.ignore_status);
    ld_strlist_clear(&vo.vex_files);
    return exit_code;
}
