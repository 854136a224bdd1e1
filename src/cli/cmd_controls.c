/* `lockdown controls`: list the controls catalog, filtered by level, tier
 * and framework, as a table or JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/json_out.h"
#include "util/mem.h"

typedef struct {
    const char *tier;
    const char *framework;
} controls_args;

enum { OPT_TIER = 0x2100, OPT_FRAMEWORK };

static const struct option controls_opts[] = {
    {"tier", required_argument, NULL, OPT_TIER},
    {"framework", required_argument, NULL, OPT_FRAMEWORK},
    {NULL, 0, NULL, 0},
};

static int on_opt(int opt, const char *arg, void *ctx)
{
    controls_args *a = ctx;
    switch (opt) {
    case OPT_TIER: a->tier = arg; return 0;
    case OPT_FRAMEWORK: a->framework = arg; return 0;
    default: return 1;
    }
}

static void usage(void)
{
    printf("Usage: lockdown controls [--level L] [--tier T] [--framework F] [--format table|json]\n"
           "\n"
           "Lists the controls catalog: every NIST SP 800-190 recommendation (keys IMG-01 ..\n"
           "HOST-05) and every CIS Docker Benchmark v1.6 item, with tier, NIST section, CIS ids,\n"
           "how it is assessed (automated by which checks, or attested in the policy file), the\n"
           "lowest security level that requires it, severity and remediation.\n"
           "\n"
           "  --level L       only controls required at level L (low, medium, high); without it,\n"
           "                  every control\n"
           "  --tier T        image, registry, orchestrator, container, host\n"
           "  --framework F   nist-800-190 or cis-docker-1.6\n"
           "  -f, --format    table (default) or json\n"
           "  -o, --output    write to a file\n"
           "\n"
           "HOW is \"automated\" (this build has a check that observes it), \"planned\" (its\n"
           "checks are named but not implemented yet: reports say not assessed; attest it\n"
           "meanwhile) or \"attested\" (a person confirms it in the policy file).\n");
}

static void json_list(ld_json *j, const char *key, const ld_strlist *l)
{
    ld_json_key(j, key);
    ld_json_array_begin(j);
    for (size_t i = 0; i < l->n; i++)
        ld_json_string(j, l->v[i]);
    ld_json_array_end(j);
}

static const char *automation_label(const ld_control *c)
{
    if (c->planned)
        return "planned";
    return c->automated ? "automated" : "attested";
}

static void write_json_control(ld_json *j, const ld_control *c)
{
    ld_json_object_begin(j);
    ld_json_kv_string(j, "id", c->id);
    ld_json_kv_string(j, "framework", ld_framework_name(c->framework));
    json_list(j, "refs", &c->refs);
    ld_json_kv_string(j, "title", c->title);
    ld_json_kv_string(j, "tier", ld_tier_name(c->tier));
    ld_json_kv_string(j, "nist", c->nist);
    json_list(j, "cis", &c->cis);
    ld_json_key(j, "cis_later");
    ld_json_object_begin(j);
    for (size_t i = 0; i < c->cis_later.n; i++) {
        const char *eq = strchr(c->cis_later.v[i], '=');
        char *from = ld_xstrndup(c->cis_later.v[i], (size_t)(eq - c->cis_later.v[i]));
        ld_json_kv_string(j, from, eq + 1);
        free(from);
    }
    ld_json_object_end(j);
    ld_json_kv_string(j, "automation", automation_label(c));
    json_list(j, "checks", &c->checks);
    ld_json_kv_bool(j, "implemented", ld_control_assessable(c));
    ld_json_kv_string(j, "level", ld_level_name(c->level));
    ld_json_kv_string(j, "severity", ld_severity_name(c->severity));
    ld_json_kv_string(j, "description", c->description);
    ld_json_kv_string(j, "remediation", c->remediation);
    ld_json_object_end(j);
}


static void write_table_row(FILE *out, const ld_control *c)
{
    char *refs = ld_strlist_join(&c->refs, ",");
    char *cis = ld_strlist_join(&c->cis, ",");
    fprintf(out, "%-18s %-12s %-6s %-8s %-9s %-6s %-16s %-10s %s\n", c->id, ld_tier_name(c->tier),
            ld_level_name(c->level), ld_severity_name(c->severity), automation_label(c), c->nist,
            refs, cis[0] ? cis : "-", c->title);
    free(refs);
    free(cis);
}

int cmd_controls(int argc, char **argv)
{
    cli_common common = {0};
    controls_args a = {0};
    int first = 0;
    int rc = cli_parse("controls", argc, argv, controls_opts, "", on_opt, &a, &common, &first);
    if (rc)
        return rc;
    if (common.help) {
        usage();
        return LD_EXIT_OK;
    }
    if (first < argc)
        return cli_usage_error("controls", "unexpected argument \"%s\"", argv[first]);
    bool json = common.format && strcmp(common.format, "json") == 0;
    if (common.format && !json && strcmp(common.format, "table") != 0)
        return cli_usage_error("controls", "--format must be table or json");
    ld_tier tier = LD_TIER_IMAGE;
    if (a.tier && ld_tier_parse(a.tier, &tier) < 0)
        return cli_usage_error("controls",
                               "--tier must be image, registry, orchestrator, container or host");
    if (a.framework && strcmp(a.framework, "nist-800-190") && strcmp(a.framework, "cis-docker-1.6"))
        return cli_usage_error("controls", "--framework must be nist-800-190 or cis-docker-1.6");
    bool by_level = common.level != NULL;
    cli_session s;
    rc = cli_session_open(&s, "controls", &common);
    if (rc) {
        cli_session_close(&s);
        return rc;
    }
    ld_json j;
    size_t shown = 0, automated = 0, planned = 0, attested = 0;
    if (json) {
        ld_json_init(&j, s.out, true);
        ld_json_object_begin(&j);
        ld_json_kv_string(&j, "catalog", "lockdown controls");
        ld_json_kv_string(&j, "version", LOCKDOWN_VERSION);
        if (by_level)
            ld_json_kv_string(&j, "level", ld_level_name(s.level));
        ld_json_key(&j, "controls");
        ld_json_array_begin(&j);
    } else {
        fprintf(s.out, "%-18s %-12s %-6s %-8s %-9s %-6s %-16s %-10s %s\n", "ID", "TIER", "LEVEL",
                "SEVERITY", "HOW", "NIST", "800-190", "CIS", "TITLE");
    }
    for (size_t i = 0; i < s.catalog->n; i++) {
        const ld_control *c = &s.catalog->controls[i];
        if (by_level && !ld_control_required(c, s.level))
            continue;
        if (a.tier && c->tier != tier)
            continue;
        if (a.framework && strcmp(a.framework, ld_framework_name(c->framework)) != 0)
            continue;
        shown++;
        automated += c->automated;
        planned += c->planned;
        attested += !c->automated && !c->planned;
        if (json)
            write_json_control(&j, c);
        else
            write_table_row(s.out, c);
    }
    if (json) {
        ld_json_array_end(&j);
        ld_json_key(&j, "summary");
        ld_json_object_begin(&j);
        ld_json_kv_int(&j, "controls", (int64_t)shown);
        ld_json_kv_int(&j, "automated", (int64_t)automated);
        ld_json_kv_int(&j, "planned", (int64_t)planned);
        ld_json_kv_int(&j, "attested", (int64_t)attested);
        ld_json_object_end(&j);
        ld_json_object_end(&j);
    } else {
        fprintf(s.out, "\n%zu controls: %zu automated, %zu planned, %zu attested\n", shown,
                automated, planned, attested);
    }
    rc = cli_session_commit(&s); /* -o FILE is replaced only now */
    cli_session_close(&s);
    return rc;
}
