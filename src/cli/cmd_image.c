/* `lockdown image sbom TARGET`: collect the SBOM of an image or root file
 * system (src/sbom/sbom.c) and write it as a table, lockdown's own JSON, or
 * through the CycloneDX / SPDX writers (src/sbom/sbom_writers.h).
 * `lockdown image scan TARGET`: configuration, file-system and secret checks
 * (src/checks/image_scan.c) and vulnerabilities (src/vuln/match.c) from one
 * read of the image, through the report. Argument handling and output
 * only; all analysis is in the library. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks/image_scan.h"
#include "checks/image_scan_run.h"
#include "cli/cli.h"
#include "cli/cmd_registry.h"
#include "cli/registry_opts.h"
#include "docker/engine.h"
#include "trust/signature_check.h"
#include "cli/container_opts.h"
#include "image/image.h"
#include "util/mem.h"
#include "util/term_text.h"
#include "vuln/db.h"
#include "vuln/match.h"
#include "sbom/sbom.h"
#include "sbom/sbom_writers.h"
#include "util/json_out.h"

enum {
    OPT_PLATFORM = 0x3000,
    OPT_SKIP_DIRS,
    OPT_SKIP_FILES,
    OPT_MAX_IMAGE_BYTES,
    OPT_ENGINE_TIMEOUT,
};

#define SKIP_OPTIONS                                                                               \
    {"skip-dirs", required_argument, NULL, OPT_SKIP_DIRS},                                       \
        {"skip-files", required_argument, NULL, OPT_SKIP_FILES}
#define READ_OPTIONS                                                                               \
    {"max-image-bytes", required_argument, NULL, OPT_MAX_IMAGE_BYTES},                           \
        {"engine-timeout", required_argument, NULL, OPT_ENGINE_TIMEOUT}, CLI_REGISTRY_OPTIONS

static const struct option sbom_opts[] = {
    {"platform", required_argument, NULL, OPT_PLATFORM},
    SKIP_OPTIONS,
    READ_OPTIONS,
    {NULL, 0, NULL, 0},
};

/* --max-image-bytes / --engine-timeout, shared by sbom and scan: how much
 * reading one image may read in all, and how long the engine may keep a
 * docker: target waiting (ld_image_options). */
typedef struct {
    uint64_t max_image_bytes;    /* 0: the default */
    ld_engine_timeouts timeouts; /* request_ms only */
    cli_registry_args registry;  /* registry: sources and the layer cache */
    ld_reg_options reg;          /* made from registry by read_finish */
} read_args;

/* "64G", "512MiB", "1073741824": a byte count with an optional binary
 * unit (K, M, G, T, with or without "iB"). 0 when malformed or 0. */
static uint64_t parse_bytes(const char *arg)
{
    uint64_t n = 0;
    const char *p = arg;
    if (*p < '0' || *p > '9')
        return 0;
    for (; *p >= '0' && *p <= '9'; p++)
        if (__builtin_mul_overflow(n, 10, &n) ||
            __builtin_add_overflow(n, (uint64_t)(*p - '0'), &n))
            return 0;
    static const char units[] = "KMGT";
    const char *u = *p ? strchr(units, *p) : NULL;
    if (*p && !u)
        return 0;
    if (u) {
        p++;
        if (strcmp(p, "iB") == 0 || strcmp(p, "B") == 0)
            p += strlen(p);
        if (__builtin_mul_overflow(n, (uint64_t)1 << (10 * (u - units + 1)), &n))
            return 0;
    }
    return *p ? 0 : n;
}

/* Handles a read option: 0 handled, 1 not one, -1 after a usage error. */
static int on_read_opt(read_args *r, const char *cmd, int opt, const char *arg)
{
    if (opt == OPT_ENGINE_TIMEOUT)
        return cli_engine_timeout_option(cmd, &r->timeouts, arg);
    int reg = cli_registry_option(cmd, &r->registry, opt, arg);
    if (reg <= 0)
        return reg;
    if (opt != OPT_MAX_IMAGE_BYTES)
        return 1;
    r->max_image_bytes = parse_bytes(arg);
    if (r->max_image_bytes == 0) {
        cli_usage_error(cmd,
                        "--max-image-bytes takes a size such as 64G, 512M or 1048576, "
                        "not \"%s\"",
                        arg);
        return -1;
    }
    return 0;
}

/* After parsing: the registry password from stdin, the client options.
 * Returns 0 or an exit code after printing. */
static int read_finish(read_args *r, const char *cmd)
{
    int rc = cli_registry_finish(cmd, &r->registry);
    if (rc == 0)
        r->reg = cli_registry_client_options(&r->registry);
    return rc;
}

static void read_apply(read_args *r, ld_image_options *o)
{
    o->max_image_bytes = r->max_image_bytes;
    o->engine_timeout_ms = r->timeouts.request_ms;
    o->registry = &r->reg;
    o->cache_dir = cli_registry_cache_dir(&r->registry);
}

#define READ_HELP                                                                                  \
    "      --max-image-bytes SIZE stop reading an image after SIZE bytes of layers in\n"           \
    "                             all (default 64G; K, M, G, T units; a bomb guard)\n"             \
    "      --engine-timeout SECONDS\n"                                                             \
    "                             docker: targets: the most one Engine API request, or\n"          \
    "                             the start of the image export, may take (default 60);\n"         \
    "                             less than 1 KiB/s for 20 s (or SECONDS, if fewer)\n"             \
    "                             ends it too\n"

/* --skip-dirs / --skip-files, shared by sbom and scan (Trivy's options). */
typedef struct {
    ld_strlist dirs, files;
    uint64_t skipped;
} skip_args;

/* Handles a skip option (comma lists, repeatable): 0 handled, 1 not one. */
static int on_skip_opt(skip_args *k, int opt, const char *arg)
{
    if (opt != OPT_SKIP_DIRS && opt != OPT_SKIP_FILES)
        return 1;
    ld_strlist *l = opt == OPT_SKIP_DIRS ? &k->dirs : &k->files;
    for (const char *p = arg; *p;) {
        size_t n = strcspn(p, ",");
        if (n)
            ld_strlist_push_owned(l, ld_xstrndup(p, n));
        p += n;
        if (*p == ',')
            p++;
    }
    return 0;
}

static void skip_apply(skip_args *k, ld_image_options *o)
{
    o->skip_dirs = &k->dirs;
    o->skip_files = &k->files;
    o->skipped = &k->skipped;
}

static void skip_clear(skip_args *k)
{
    ld_strlist_clear(&k->dirs);
    ld_strlist_clear(&k->files);
}

#define SKIP_HELP                                                                                  \
    "      --skip-dirs GLOBS      leave out files under these directories (comma list,\n"        \
    "                             repeatable; '*' also matches '/': usr/share/*/doc)\n"          \
    "      --skip-files GLOBS     leave out these files (same globs)\n"

typedef struct {
    const char *platform;
    skip_args skip;
    read_args read;
} sbom_args;

static int on_opt(int opt, const char *arg, void *ctx)
{
    sbom_args *a = ctx;
    if (opt == OPT_PLATFORM) {
        a->platform = arg;
        return 0;
    }
    int r = on_read_opt(&a->read, "image sbom", opt, arg);
    return r <= 0 ? r : on_skip_opt(&a->skip, opt, arg);
}

static void usage_image(FILE *f)
{
    fputs("Usage: lockdown image <subcommand> [options] TARGET\n"
          "\n"
          "Subcommands:\n"
          "  sbom       list the packages in an image or root file system\n"
          "  scan       check an image: configuration, secrets, vulnerabilities\n"
          "  sign       sign an image in its registry (cosign format) with a key\n"
          "  verify     verify an image's signatures with keys or a containers-policy.json\n"
          "\n"
          "Run 'lockdown image SUBCOMMAND --help' for details.\n",
          f);
}

static void usage_sbom(void)
{
    fputs("Usage: lockdown image sbom TARGET [--format table|json|cyclonedx|spdx]\n"
          "                           [--output FILE] [--platform OS/ARCH]\n"
          "\n"
          "Lists the packages installed in TARGET: dpkg, apk, rpm, Python, npm, Go, Java,\n"
          "Rust, Ruby and PHP, each with the file it was found in and the layer that\n"
          "introduced it.\n"
          "\n"
          "TARGET (auto-detected, or with a prefix):\n"
          "  docker-archive:PATH   a `docker save` tarball (plain, gzip or zstd)\n"
          "  oci-archive:PATH      an OCI image layout in a tar\n"
          "  oci:DIR               an OCI image layout directory\n"
          "  dir:DIR               a root file system directory\n"
          "  docker:NAME[:TAG]     an image in the local Docker engine\n"
          "  registry:REF          an image pulled from its registry (nothing written to disk;\n"
          "                        docker://REF as skopeo writes it, too)\n"
          "  REF                   a reference (alpine:3.19, host:5000/app@sha256:..): the\n"
          "                        local engine's image when it has one, else pulled\n"
          "\n"
          "Options:\n"
          "  -f, --format FORMAT   table (default), json (lockdown's own), cyclonedx\n"
          "                        (CycloneDX 1.6 JSON), spdx (SPDX 2.3 JSON)\n"
          "  -o, --output FILE     write to FILE instead of stdout\n"
          "      --platform P      pick P (e.g. linux/arm64) from a multi-platform index\n"
          "      --skip-dirs GLOBS leave out files under these directories (comma list)\n"
          "      --skip-files GLOBS leave out these files (comma list)\n"
          "      --max-image-bytes SIZE\n"
          "                        stop reading after SIZE bytes of layers in all\n"
          "                        (default 64G; K, M, G, T units; a bomb guard)\n"
          "      --engine-timeout SECONDS\n"
          "                        docker: targets: the most one Engine API request, or\n"
          "                        the start of the image export, may take (default 60);\n"
          "                        less than 1 KiB/s for 20 s (or SECONDS, if fewer)\n"
          "                        ends it too\n"
          ,
          stdout);
    fputs(cli_registry_help, stdout);
    fputs("  -q, --quiet           no warnings on stderr\n"
          "  -h, --help            show this help\n"
          "\n"
          "Exit codes: 0 done, 2 usage error, 3 could not read the target.\n",
          stdout);
}

typedef enum { FMT_TABLE, FMT_JSON, FMT_CYCLONEDX, FMT_SPDX } sbom_format;

/* Writes s for a terminal through the one escaping rule (util/term_text.h):
 * control characters, C1, bidi overrides and invalid UTF-8 from a hostile
 * image never reach it raw. Returns the columns written, for padding. */
static int put_clean(FILE *out, const char *s)
{
    size_t w = ld_term_put(out, s);
    return w > INT_MAX ? INT_MAX : (int)w;
}

static void put_cell(FILE *out, const char *s, int width)
{
    int n = put_clean(out, s ? s : "-");
    for (; n < width; n++)
        fputc(' ', out);
}

static int clamp_width(size_t n)
{
    return n > 60 ? 60 : (int)n;
}

static void write_table(FILE *out, const ld_sbom *s, const ld_image *img)
{
    size_t wn = 4, wv = 7, wt = 4;
    for (size_t i = 0; i < s->packages.n; i++) {
        const ld_package *p = &s->packages.items[i];
        size_t n = p->name ? strlen(p->name) : 1, v = p->version ? strlen(p->version) : 1;
        size_t t = strlen(ld_ecosystem_name(p->eco));
        wn = n > wn ? n : wn;
        wv = v > wv ? v : wv;
        wt = t > wt ? t : wt;
    }
    int cn = clamp_width(wn), cv = clamp_width(wv), ct = clamp_width(wt);
    if (s->os_pretty_name || s->os_id) {
        fputs("Distribution: ", out);
        put_clean(out, s->os_pretty_name ? s->os_pretty_name : s->os_id);
        fputc('\n', out);
    }
    fprintf(out, "%-*s  %-*s  %-*s  %-5s  %s\n", cn, "NAME", cv, "VERSION", ct, "TYPE", "LAYER",
            "FOUND IN");
    for (size_t i = 0; i < s->packages.n; i++) {
        const ld_package *p = &s->packages.items[i];
        put_cell(out, p->name, cn);
        fputs("  ", out);
        put_cell(out, p->version, cv);
        fputs("  ", out);
        put_cell(out, ld_ecosystem_name(p->eco), ct);
        if (p->layer >= 0)
            fprintf(out, "  %-5d  ", p->layer);
        else
            fputs("  -      ", out);
        put_clean(out, p->found_in);
        fputc('\n', out);
    }
    fprintf(out, "%zu package%s\n", s->packages.n, s->packages.n == 1 ? "" : "s");
    size_t nl = img ? ld_image_layer_count(img) : 0;
    if (nl) {
        fputs("\nLayers:\n", out);
        for (size_t i = 0; i < nl; i++) {
            const ld_layer_info *l = ld_image_layer(img, i);
            fprintf(out, "  %-3zu ", i);
            put_clean(out, l->diff_id ? l->diff_id : "-");
            if (l->created_by) {
                fputs("  ", out);
                /* history commands can be long; the JSON has them whole */
                char buf[81];
                size_t n = strlen(l->created_by);
                memcpy(buf, l->created_by, n < 80 ? n : 80);
                buf[n < 80 ? n : 80] = '\0';
                put_clean(out, buf);
                if (n > 80)
                    fputs("...", out);
            }
            fputc('\n', out);
        }
    }
}

static void json_layer(ld_json *j, const ld_image *img, int layer)
{
    const ld_layer_info *l = img && layer >= 0 && (size_t)layer < ld_image_layer_count(img)
                                 ? ld_image_layer(img, (size_t)layer)
                                 : NULL;
    if (!l) {
        ld_json_null(j);
        return;
    }
    ld_json_object_begin(j);
    ld_json_kv_int(j, "index", layer);
    ld_json_kv_string(j, "digest", l->digest);
    ld_json_kv_string(j, "diff_id", l->diff_id);
    ld_json_kv_string(j, "created_by", l->created_by);
    ld_json_object_end(j);
}

static void write_json(FILE *out, const char *target, const ld_sbom *s, const ld_image *img)
{
    ld_json j;
    ld_json_init(&j, out, true);
    ld_json_object_begin(&j);
    ld_json_kv_string(&j, "schema", "lockdown-sbom/1");
    ld_json_kv_string(&j, "tool", "lockdown " LOCKDOWN_VERSION);
    ld_json_key(&j, "target");
    ld_json_object_begin(&j);
    ld_json_kv_string(&j, "name", target);
    if (img) {
        ld_json_kv_string(&j, "source", ld_image_source_kind(img));
        ld_json_kv_string(&j, "image_id", ld_image_id(img));
        ld_json_kv_string(&j, "manifest_digest", ld_image_manifest_digest(img));
        ld_json_kv_string(&j, "os", ld_image_os(img));
        ld_json_kv_string(&j, "arch", ld_image_arch(img));
    }
    ld_json_object_end(&j);
    ld_json_key(&j, "distro");
    if (s->os_id) {
        ld_json_object_begin(&j);
        ld_json_kv_string(&j, "id", s->os_id);
        ld_json_kv_string(&j, "version_id", s->os_version_id);
        ld_json_kv_string(&j, "codename", s->os_codename);
        ld_json_kv_string(&j, "pretty_name", s->os_pretty_name);
        ld_json_object_end(&j);
    } else {
        ld_json_null(&j);
    }
    ld_json_key(&j, "layers");
    ld_json_array_begin(&j);
    size_t nl = img ? ld_image_layer_count(img) : 0;
    for (size_t i = 0; i < nl; i++)
        json_layer(&j, img, (int)i);
    ld_json_array_end(&j);
    ld_json_key(&j, "packages");
    ld_json_array_begin(&j);
    for (size_t i = 0; i < s->packages.n; i++) {
        const ld_package *p = &s->packages.items[i];
        ld_json_object_begin(&j);
        ld_json_kv_string(&j, "type", ld_ecosystem_name(p->eco));
        ld_json_kv_string(&j, "name", p->name);
        ld_json_kv_string(&j, "version", p->version);
        ld_json_key(&j, "source");
        if (p->source_name) {
            ld_json_object_begin(&j);
            ld_json_kv_string(&j, "name", p->source_name);
            ld_json_kv_string(&j, "version", p->source_version ? p->source_version : p->version);
            ld_json_object_end(&j);
        } else {
            ld_json_null(&j);
        }
        ld_json_kv_string(&j, "arch", p->arch);
        ld_json_kv_string_opt(&j, "group", p->group);
        ld_json_kv_string(&j, "purl", p->purl);
        ld_json_key(&j, "licenses");
        ld_json_array_begin(&j);
        for (size_t k = 0; k < p->licenses.n; k++)
            ld_json_string(&j, p->licenses.v[k]);
        ld_json_array_end(&j);
        ld_json_kv_string(&j, "found_in", p->found_in);
        ld_json_key(&j, "layer");
        json_layer(&j, img, p->layer);
        ld_json_object_end(&j);
    }
    ld_json_array_end(&j);
    ld_json_key(&j, "notes");
    ld_json_array_begin(&j);
    for (size_t i = 0; i < s->notes.n; i++)
        ld_json_string(&j, s->notes.v[i]);
    ld_json_array_end(&j);
    ld_json_object_end(&j);
    fputc('\n', out);
}

static int sbom_run(int argc, char **argv, sbom_args *a);

/* The RepoDigests the engine recorded for an image it holds (the image a
 * docker: read streamed), for image.signature; none when it cannot say. */
static void engine_repo_digests(const ld_image *img, const read_args *r, ld_strlist *out)
{
    const char *kind = ld_image_source_kind(img);
    const char *id = ld_image_id(img);
    if (!kind || strcmp(kind, "docker") != 0 || !id)
        return;
    ld_error err = LD_ERROR_INIT;
    ld_engine *e = ld_engine_connect_with(NULL, &r->timeouts, &err);
    if (!e)
        return;
    char path[128];
    snprintf(path, sizeof(path), "/images/%s/json", id);
    json_t *doc = ld_engine_get_json(e, path, 4 * 1024 * 1024, &err);
    size_t i;
    const json_t *d;
    json_array_foreach(json_object_get(doc, "RepoDigests"), i, d)
    {
        const char *v = json_string_value(d);
        if (v && strchr(v, '@'))
            ld_strlist_push(out, v);
    }
    json_decref(doc);
    ld_engine_free(e);
}

/* The skip lists are freed whichever way sbom_run returns. */
static int cmd_sbom(int argc, char **argv)
{
    sbom_args args = {0};
    int rc = sbom_run(argc, argv, &args);
    skip_clear(&args.skip);
    cli_registry_clear(&args.read.registry);
    return rc;
}

static int sbom_run(int argc, char **argv, sbom_args *a)
{
    cli_common common = {0};
    int first = 0;
    int rc = cli_parse("image sbom", argc, argv, sbom_opts, "", on_opt, a, &common, &first);
    if (rc)
        return rc;
    if (common.help) {
        usage_sbom();
        return LD_EXIT_OK;
    }
    sbom_format fmt;
    const char *f = common.format ? common.format : "table";
    if (strcmp(f, "table") == 0)
        fmt = FMT_TABLE;
    else if (strcmp(f, "json") == 0)
        fmt = FMT_JSON;
    else if (strcmp(f, "cyclonedx") == 0)
        fmt = FMT_CYCLONEDX;
    else if (strcmp(f, "spdx") == 0)
        fmt = FMT_SPDX;
    else
        return cli_usage_error("image sbom",
                               "--format must be table, json, cyclonedx or spdx, not \"%s\"", f);
    if (first >= argc)
        return cli_usage_error("image sbom", "missing TARGET (an image archive, dir:PATH, ...)");
    if (argc - first > 1)
        return cli_usage_error("image sbom", "one TARGET expected, got \"%s\" and \"%s\"",
                               argv[first], argv[first + 1]);
    if ((rc = read_finish(&a->read, "image sbom")) != 0)
        return rc;
    const char *target = argv[first];

    ld_error err = LD_ERROR_INIT;
    /* -o FILE: a temporary file beside it, renamed over it only when the
     * SBOM is complete (cli.h) */
    cli_output output;
    if (cli_output_open(&output, "image sbom", &common, &err) < 0)
        return cli_error_exit(&err);
    FILE *out = output.f;

    ld_image_options opt = {.platform = a->platform};
    skip_apply(&a->skip, &opt);
    read_apply(&a->read, &opt);
    ld_sbom s;
    ld_image *img = NULL;
    if (ld_sbom_collect(target, &opt, &s, &img, &err) < 0) {
        cli_output_abort(&output);
        return cli_error_exit(&err);
    }

    rc = 0;
    switch (fmt) {
    case FMT_TABLE: write_table(out, &s, img); break;
    case FMT_JSON: write_json(out, target, &s, img); break;
    case FMT_CYCLONEDX: rc = ld_sbom_write_cyclonedx(out, &s, img, &err); break;
    case FMT_SPDX: rc = ld_sbom_write_spdx(out, &s, img, &err); break;
    }
    if (rc == 0)
        rc = cli_output_commit(&output, &err);
    else
        cli_output_abort(&output);
    if (rc == 0)
        for (size_t i = 0; i < s.notes.n; i++)
            cli_warn(&common, "%s", s.notes.v[i]);
    if (rc == 0 && a->skip.skipped)
        cli_warn(&common, "%llu file%s left out by --skip-dirs/--skip-files",
                 (unsigned long long)a->skip.skipped, a->skip.skipped == 1 ? "" : "s");
    ld_sbom_clear(&s);
    ld_image_free(img);
    return rc < 0 ? cli_error_exit(&err) : LD_EXIT_OK;
}

/* ---- image scan ---- */

enum {
    OPT_CHECKS = 0x3100,
    OPT_SEVERITY,
    OPT_IGNORE_UNFIXED,
    OPT_IGNORE_STATUS,
    OPT_IGNOREFILE,
    OPT_VEX,
    OPT_DB,
    OPT_SECRET_MAX,
    OPT_SCAN_PLATFORM,
    OPT_MAX_DB_AGE,
    OPT_EXIT_CODE,
};

static const struct option scan_opts[] = {
    {"checks", required_argument, NULL, OPT_CHECKS},
    {"severity", required_argument, NULL, OPT_SEVERITY},
    {"ignore-unfixed", no_argument, NULL, OPT_IGNORE_UNFIXED},
    {"ignore-status", required_argument, NULL, OPT_IGNORE_STATUS},
    {"ignorefile", required_argument, NULL, OPT_IGNOREFILE},
    {"vex", required_argument, NULL, OPT_VEX},
    {"db", required_argument, NULL, OPT_DB},
    {"secret-max-bytes", required_argument, NULL, OPT_SECRET_MAX},
    {"platform", required_argument, NULL, OPT_SCAN_PLATFORM},
    {"max-db-age", required_argument, NULL, OPT_MAX_DB_AGE},
    {"exit-code", required_argument, NULL, OPT_EXIT_CODE},
    SKIP_OPTIONS,
    READ_OPTIONS,
    {NULL, 0, NULL, 0},
};

typedef struct {
    bool checks_given;
    bool config, secrets, vuln;
    const char *platform;
    const char *db;
    uint64_t secret_max;
    int exit_code; /* --exit-code N; 0: not given */
    skip_args skip;
    read_args read;
    ld_vuln_options vopt;
} scan_args;

static int on_scan_opt(int opt, const char *arg, void *ctx)
{
    scan_args *a = ctx;
    switch (opt) {
    case OPT_CHECKS:
        a->checks_given = true;
        return cli_checks_option("image scan", arg, &a->config, &a->secrets, &a->vuln);
    case OPT_SEVERITY:
        if (ld_severity_set_parse(arg, false, &a->vopt.severity_set) < 0) {
            cli_usage_error("image scan",
                            "--severity takes critical, high, medium, low, info (or unknown), in "
                            "any case, as a comma list (HIGH,CRITICAL) or one severity (and "
                            "above), not \"%s\"",
                            arg);
            return -1;
        }
        return 0;
    case OPT_EXIT_CODE: return cli_exit_code_option("image scan", arg, &a->exit_code);
    case OPT_IGNORE_UNFIXED: a->vopt.ignore_unfixed = true; return 0;
    case OPT_IGNORE_STATUS: {
        char *copy = ld_xstrdup(arg), *save = NULL;
        for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save))
            ld_strlist_push(&a->vopt.ignore_status, w);
        free(copy);
        return 0;
    }
    case OPT_IGNOREFILE: a->vopt.ignore_file = arg; return 0;
    case OPT_VEX: ld_strlist_push(&a->vopt.vex_files, arg); return 0;
    case OPT_DB: a->db = arg; return 0;
    case OPT_SECRET_MAX: {
        uint64_t n = 0;
        bool ok = *arg != '\0';
        for (const char *p = arg; *p && ok; p++)
            ok = *p >= '0' && *p <= '9' && !__builtin_mul_overflow(n, 10, &n) &&
                 !__builtin_add_overflow(n, (uint64_t)(*p - '0'), &n);
        if (!ok || n == 0 || n > ((uint64_t)1 << 30)) {
            cli_usage_error("image scan",
                            "--secret-max-bytes must be a number of bytes from 1 to 1073741824, "
                            "not \"%s\"",
                            arg);
            return -1;
        }
        a->secret_max = n;
        return 0;
    }
    case OPT_SCAN_PLATFORM: a->platform = arg; return 0;
    case OPT_MAX_DB_AGE: {
        int days = 0;
        bool ok = *arg != '\0';
        for (const char *p = arg; *p && ok; p++)
            ok = *p >= '0' && *p <= '9' && !__builtin_mul_overflow(days, 10, &days) &&
                 !__builtin_add_overflow(days, *p - '0', &days);
        if (!ok || days < 1 || days > 3650) {
            cli_usage_error("image scan", "--max-db-age must be a number of days from 1 to 3650, "
                                          "not \"%s\"", arg);
            return -1;
        }
        a->vopt.max_db_age_days = days;
        return 0;
    }
    default: {
        int r = on_read_opt(&a->read, "image scan", opt, arg);
        return r <= 0 ? r : on_skip_opt(&a->skip, opt, arg);
    }
    }
}

static void usage_scan(void)
{
    fputs("Usage: lockdown image scan TARGET [--checks config,secrets,vuln] [options]\n"
          "\n"
          "Checks an image (or root file system) read once: its configuration and file\n"
          "system: non-root USER, HEALTHCHECK, SSH servers, setuid and world-writable\n"
          "files, package caches, secrets in ENV/labels/ARG history, ADD instead of COPY,\n"
          "update-alone layers, latest tag, base registry, sensitive ports, empty\n"
          "passwords, extra uid-0 accounts, sudo; secrets in every file of every layer\n"
          "(also files deleted or overwritten later; reported masked, never in clear),\n"
          "and known vulnerabilities of its packages.\n"
          "\n"
          "TARGET: docker-archive:PATH, oci-archive:PATH, oci:DIR, dir:DIR,\n"
          "        docker:NAME[:TAG] (see 'lockdown image sbom --help')\n"
          "\n"
          "Options:\n"
          "      --checks LIST          config, secrets, vuln (default: all three; without\n"
          "                             a vulnerability database and without --checks,\n"
          "                             config and secrets run and the report says so)\n"
          "      --severity SEVS        vulnerabilities of these severities only: a comma\n"
          "                             list in any case (HIGH,CRITICAL), or one severity\n"
          "                             meaning it and above (medium, medium+)\n"
          "      --exit-code N          exit N when a failing finding of a --severity\n"
          "                             severity (default: any) remains after exceptions\n"
          "                             and ignores; the compliance gate's exit 1 comes first\n"
          "      --ignore-unfixed       drop vulnerabilities without a fixed version\n"
          "      --ignore-status LIST   drop vulnerabilities with these fix statuses\n"
          "                             (will-not-fix,end-of-life,...)\n"
          "      --ignorefile FILE      ids to ignore, one per line, optional exp:YYYY-MM-DD\n"
          "                             (default: ./.lockdownignore, else ./.trivyignore):\n"
          "                             vulnerability ids are dropped, other ids (secret\n"
          "                             rules, checks, controls) become exceptions\n"
          "      --vex FILE             OpenVEX document (repeatable)\n"
          "      --db PATH              vulnerability database (default: $LOCKDOWN_DB or\n"
          "                             the per-user cache; see 'lockdown db')\n"
          "      --max-db-age DAYS      note in the report when the database is older than\n"
          "                             DAYS (default 7)\n"
          "      --secret-max-bytes N   skip files larger than N bytes in the secret scan\n"
          "                             (default: the policy's secrets.max-file-bytes, or\n"
          "                             10485760)\n"
          "      --platform P           pick P (e.g. linux/arm64) from a multi-platform index\n"
          SKIP_HELP
          READ_HELP,
          stdout);
    fputs(cli_registry_help, stdout);
    fputs("\n", stdout);
    fputs(cli_common_help, stdout);
    fputs("\nExit codes: 0 gate passed, 1 gate failed, 2 usage error, 3 could not complete\n"
          "(unreadable target, or vulnerabilities requested and no database).\n",
          stdout);
}

/* The ignore file: --ignorefile, else ./.lockdownignore, else ./.trivyignore
 * (as Trivy reads its own without a flag). Its vulnerability ids are
 * dropped by the matcher; every entry also becomes a policy exception, so
 * secret rule ids, check ids and control ids in it apply to those findings,
 * with the expiry date honoured by the evaluation. */
static int load_ignores(cli_session *s, const scan_args *a, ld_ignore_list *out, ld_error *err)
{
    const char *path = a->vopt.ignore_file;
    if (!path) {
        static const char *const defaults[] = {".lockdownignore", ".trivyignore"};
        for (size_t i = 0; i < 2 && !path; i++)
            if (access(defaults[i], F_OK) == 0)
                path = defaults[i];
        if (!path)
            return 0;
    }
    if (ld_ignore_load(path, out, err) < 0)
        return -1;
    for (size_t i = 0; i < out->n; i++) {
        const ld_ignore_entry *e = &out->entries[i];
        char *reason = ld_xasprintf("listed in %s:%d", path, e->line);
        ld_policy_add_exception(s->policy, path, e->line, e->id, NULL, reason, e->expires);
        free(reason);
    }
    return 0;
}

static int cmd_scan(int argc, char **argv)
{
    cli_common common = {0};
    scan_args args = {.config = true, .secrets = true, .vuln = true};
    int first = 0;
    int rc = cli_parse("image scan", argc, argv, scan_opts, "", on_scan_opt, &args, &common,
                       &first);
    ld_findings *r = NULL;
    char *scope = NULL;
    ld_image_scan_result res = {0};
    ld_ignore_list ignores = {0};
    ld_strlist repo_digests = {0};
    ld_signature_check sigs = {0};
    bool have_res = false, session = false, have_sigs = false;
    cli_session s;
    ld_error err = LD_ERROR_INIT;
    if (rc)
        goto done;
    if (common.help) {
        usage_scan();
        rc = LD_EXIT_OK;
        goto done;
    }
    if (first >= argc) {
        rc = cli_usage_error("image scan", "missing TARGET (an image archive, docker:NAME, dir:PATH, ...)");
        goto done;
    }
    if (argc - first > 1) {
        rc = cli_usage_error("image scan", "one TARGET expected, got \"%s\" and \"%s\"",
                             argv[first], argv[first + 1]);
        goto done;
    }
    const char *target = argv[first];
    if ((rc = read_finish(&args.read, "image scan")) != 0)
        goto done;
    rc = cli_session_open(&s, "image scan", &common);
    session = true;
    if (rc)
        goto done;
    s.exit_code = args.exit_code;
    s.exit_severities = args.vopt.severity_set ? args.vopt.severity_set : LD_SEV_ALL;

    if (load_ignores(&s, &args, &ignores, &err) < 0) {
        rc = cli_error_exit(&err);
        goto done;
    }

    /* the database is checked before the (long) read of the image: asked
     * for by name, it must be there; the default one missing makes the
     * vulnerability controls "not assessed" (the gate fails closed) */
    char *db_copy = NULL;
    bool have_db = ld_image_scan_db_present(args.db, &db_copy, &err);
    if (args.vuln && !have_db && (args.checks_given || args.db)) {
        if (db_copy) /* NULL: err says there is no default location */
            ld_error_set(&err, LD_ERR_NOT_FOUND,
                         "no vulnerability database at %s: run 'lockdown db update' (or "
                         "'lockdown db import FILES' offline), or leave vuln out of --checks",
                         db_copy);
        free(db_copy);
        rc = cli_error_exit(&err);
        goto done;
    }
    args.vopt.db_optional = !(args.checks_given || args.db);
    args.vopt.target = target;
    args.vopt.db_path = db_copy;

    ld_image_scan_options opt = {.config = args.config,
                                 .secrets = args.secrets,
                                 .secret_max_bytes = args.secret_max,
                                 .policy = s.policy,
                                 .image = {.platform = args.platform}};
    skip_apply(&args.skip, &opt.image);
    read_apply(&args.read, &opt.image);
    if (args.config) { /* image.signature, with the policy's trusted keys */
        ld_signature_check_init(&sigs, s.policy, &args.read.reg);
        have_sigs = true;
        opt.signatures = &sigs;
        opt.repo_digests = &repo_digests;
    }
    cli_progress(&s, "reading %s", target);
    if (ld_image_scan_read(target, &opt, &res, &err) < 0) {
        free(db_copy);
        rc = cli_error_exit(&err);
        goto done;
    }
    have_res = true;
    engine_repo_digests(res.img, &args.read, &repo_digests);
    scope = ld_xasprintf("image %s", target);
    r = cli_session_findings(&s);
    for (size_t i = 0; i < res.sbom.notes.n; i++)
        cli_warn(&s.opt, "%s", res.sbom.notes.v[i]);
    if (args.skip.skipped)
        ld_findings_note(r, "%llu file%s left out by --skip-dirs/--skip-files: not scanned",
                         (unsigned long long)args.skip.skipped, args.skip.skipped == 1 ? "" : "s");
    if (ignores.path) {
        ld_findings_note(r, "ignore file %s: %zu entr%s (vulnerability ids dropped, other ids "
                            "applied as exceptions)",
                         ignores.path, ignores.n, ignores.n == 1 ? "y" : "ies");
        args.vopt.ignore_list = &ignores;
    }
    int e = ld_image_scan_findings(r, target, &opt, &res, args.vuln ? &args.vopt : NULL, &err);
    free(db_copy);
    if (e < 0) {
        rc = cli_error_exit(&err);
        goto done;
    }
    rc = cli_session_finish(&s, r, "image scan", scope);
done:
    ld_findings_free(r);
    free(scope);
    if (have_res)
        ld_image_scan_clear(&res);
    if (session)
        cli_session_close(&s);
    ld_ignore_clear(&ignores);
    ld_strlist_clear(&repo_digests);
    if (have_sigs)
        ld_signature_check_clear(&sigs);
    skip_clear(&args.skip);
    cli_registry_clear(&args.read.registry);
    ld_strlist_clear(&args.vopt.ignore_status);
    ld_strlist_clear(&args.vopt.vex_files);
    return rc;
}

int cmd_image(int argc, char **argv)
{
    if (argc < 2) {
        usage_image(stderr);
        return LD_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0) {
        usage_image(stdout);
        return LD_EXIT_OK;
    }
    if (strcmp(sub, "sbom") == 0)
        return cmd_sbom(argc - 1, argv + 1);
    if (strcmp(sub, "scan") == 0)
        return cmd_scan(argc - 1, argv + 1);
    if (strcmp(sub, "sign") == 0)
        return cmd_image_sign(argc - 1, argv + 1);
    if (strcmp(sub, "verify") == 0)
        return cmd_image_verify(argc - 1, argv + 1);
    static const char *const subs[] = {"scan", "sbom", "sign", "verify", NULL};
    return cli_unknown_subcommand("image", sub, subs);
}
