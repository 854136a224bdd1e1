/* `lockdown level`: derive the security level from a profile given on the
 * command line or in a policy file, and print the reasoning. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/level.h"
#include "util/json_out.h"

typedef struct {
    const char *data, *exposure, *use;
} level_args;

enum { OPT_DATA = 0x2000, OPT_EXPOSURE, OPT_USE };

static const struct option level_opts[] = {
    {"data-classification", required_argument, NULL, OPT_DATA},
    {"exposure", required_argument, NULL, OPT_EXPOSURE},
    {"use-case", required_argument, NULL, OPT_USE},
    {NULL, 0, NULL, 0},
};

static int on_opt(int opt, const char *arg, void *ctx)
{
    level_args *a = ctx;
    switch (opt) {
    case OPT_DATA: a->data = arg; return 0;
    case OPT_EXPOSURE: a->exposure = arg; return 0;
    case OPT_USE: a->use = arg; return 0;
    default: return 1;
    }
}

static void usage(void)
{
    printf("Usage: lockdown level [--policy FILE] [--data-classification C] [--exposure E]\n"
           "                      [--use-case U] [--format table|json]\n"
           "\n"
           "Derives the security level (low, medium, high) from the environment profile and\n"
           "prints the reasoning. The profile comes from the policy file's `profile:` section;\n"
           "options given here override its fields. Without either, the built-in policy's\n"
           "profile is used.\n"
           "\n"
           "  --data-classification  public, internal, confidential, restricted\n"
           "  --exposure             Internet exposure: none, indirect, direct\n"
           "  --use-case             development, test, production\n"
           "\n"
           "Rule (docs/levels.md): points data 0-3 + exposure 0-2 + use case 0-2;\n"
           ">= 6 high, >= 3 medium, else low; floors: restricted data -> high;\n"
           "confidential data, direct exposure or production -> at least medium.\n"
           "A level fixed in the policy (`level:`) or by --level is reported as such.\n"
           "\n"
           "Options:\n"
           "  -f, --format FORMAT   table (default) or json\n"
           "  -o, --output FILE     write to FILE instead of stdout\n"
           "      --level LEVEL     fix the level: low, medium, high\n"
           "      --policy FILE     policy file (default: the built-in policy)\n"
           "  -q, --quiet           no warnings on stderr\n"
           "  -h, --help            show this help\n");
}

static int apply_overrides(const level_args *a, ld_profile *p)
{
    if (a->data && ld_data_class_parse(a->data, &p->data) < 0)
        return cli_usage_error("level", "--data-classification must be public, internal, "
                                        "confidential or restricted, not \"%s\"", a->data);
    if (a->exposure && ld_exposure_parse(a->exposure, &p->exposure) < 0)
        return cli_usage_error("level", "--exposure must be none, indirect or direct, not \"%s\"",
                               a->exposure);
    if (a->use && ld_use_case_parse(a->use, &p->use) < 0)
        return cli_usage_error("level",
                               "--use-case must be development, test or production, not \"%s\"",
                               a->use);
    return 0;
}

static void print_json(FILE *out, const ld_profile *p, ld_level level, const char *source,
                       const ld_strlist *why)
{
    ld_json j;
    ld_json_init(&j, out, true);
    ld_json_object_begin(&j);
    ld_json_kv_string(&j, "level", ld_level_name(level));
    ld_json_kv_string(&j, "source", source);
    ld_json_key(&j, "profile");
    ld_json_object_begin(&j);
    ld_json_kv_string(&j, "data-classification", ld_data_class_name(p->data));
    ld_json_kv_string(&j, "exposure", ld_exposure_name(p->exposure));
    ld_json_kv_string(&j, "use-case", ld_use_case_name(p->use));
    ld_json_object_end(&j);
    ld_json_key(&j, "reasoning");
    ld_json_array_begin(&j);
    for (size_t i = 0; i < why->n; i++)
        ld_json_string(&j, why->v[i]);
    ld_json_array_end(&j);
    ld_json_object_end(&j);
}

int cmd_level(int argc, char **argv)
{
    cli_common common = {0};
    level_args a = {0};
    int first = 0;
    int rc = cli_parse("level", argc, argv, level_opts, "", on_opt, &a, &common, &first);
    if (rc)
        return rc;
    if (common.help) {
        usage();
        return LD_EXIT_OK;
    }
    if (first < argc)
        return cli_usage_error("level", "unexpected argument \"%s\"", argv[first]);
    if (common.fail_on || common.allow_incomplete)
        return cli_usage_error("level", "%s is a gate option; 'level' has no gate",
                               common.fail_on ? "--fail-on" : "--allow-incomplete");
    if (common.format && strcmp(common.format, "table") && strcmp(common.format, "json"))
        return cli_usage_error("level", "--format must be table or json");
    cli_session s;
    rc = cli_session_open(&s, "level", &common);
    if (rc) {
        cli_session_close(&s);
        return rc;
    }
    ld_profile p = s.policy->has_profile
                       ? s.policy->profile
                       : (ld_profile){LD_DATA_INTERNAL, LD_EXPOSURE_INDIRECT, LD_USE_PRODUCTION};
    rc = apply_overrides(&a, &p);
    if (rc) {
        cli_session_close(&s);
        return rc;
    }
    ld_strlist why = {0};
    ld_level derived = ld_level_derive(&p, &why);
    ld_level level = derived;
    const char *source = "profile";
    bool profile_given = a.data || a.exposure || a.use;
    if (common.level) {
        level = s.level;
        source = "--level";
        ld_strlist_push(&why, "--level on the command line overrides the derived level");
    } else if (s.policy->has_level && !profile_given) {
        level = s.policy->level;
        source = "policy level";
        ld_strlist_push(&why, "the policy fixes `level:`, which overrides the derived level");
    }
    if (common.format && strcmp(common.format, "json") == 0) {
        print_json(s.out, &p, level, source, &why);
    } else {
        fprintf(s.out, "level: %s\n", ld_level_name(level));
        fprintf(s.out, "profile: data-classification=%s exposure=%s use-case=%s\n",
               ld_data_class_name(p.data), ld_exposure_name(p.exposure), ld_use_case_name(p.use));
        fprintf(s.out, "reasoning:\n");
        for (size_t i = 0; i < why.n; i++)
            fprintf(s.out, "  - %s\n", why.v[i]);
    }
    ld_strlist_clear(&why);
    rc = cli_session_commit(&s);
    cli_session_close(&s);
    return rc;
}
