/* AWS inputs into a run's findings (aws_run.h): shared by `aws scan` and
 * `assess --aws`. */
#include "cli/aws_run.h"

#include <stdlib.h>
#include <string.h>

#include "aws/aws_live.h"
#include "aws/aws_scan.h"
#include "aws/aws_set.h"
#include "aws/credentials.h"
#include "checks/image_scan.h"
#include "util/cleanup.h"
#include "util/mem.h"

bool cli_aws_region_ok(const char *r)
{
    size_t n = strlen(r);
    return n >= 1 && n <= 32 && strspn(r, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* "task definitions", "ECR repositories", "EKS add-on versions". */
static char *plural(const char *title, size_t n)
{
    size_t len = strlen(title);
    if (n == 1 || (len && title[len - 1] == 's'))
        return ld_xstrdup(title);
    if (len && title[len - 1] == 'y')
        return ld_xasprintf("%.*sies", (int)(len - 1), title);
    return ld_xasprintf("%ss", title);
}

/* "12 task definitions, 3 ECS services, 4 ECR lifecycle policies (1
 * absent), ..." over the kinds present. */
static char *counts_of(const ld_aws_set *set)
{
    char *out = ld_xstrdup("");
    for (int k = 0; k < LD_AWS_KIND_COUNT; k++) {
        size_t n = ld_aws_set_count(set, (ld_aws_kind)k), absent = 0;
        if (!n)
            continue;
        for (size_t i = 0; i < n; i++) {
            const ld_aws_resource *res = ld_aws_set_get(set, (ld_aws_kind)k, i);
            absent += res && res->absent;
        }
        ld_autofree char *title = plural(ld_aws_kind_title((ld_aws_kind)k), n);
        ld_autofree char *tail = absent ? ld_xasprintf(" (%zu absent)", absent) : ld_xstrdup("");
        char *next = ld_xasprintf("%s%s%zu %s%s", out, *out ? ", " : "", n, title, tail);
        free(out);
        out = next;
    }
    return out;
}

static char *what_of(const ld_aws_set *set, const cli_aws_inputs *in, const char *region,
                     const ld_aws_live_info *live)
{
    ld_autofree char *counts = counts_of(set);
    size_t docs = ld_aws_set_files(set);
    ld_autofree char *files =
        in->n_paths ? ld_xasprintf("AWS CLI output %s (%zu document%s)", ld_aws_set_inputs(set),
                                   docs, docs == 1 ? "" : "s")
                    : NULL;
    ld_autofree char *api =
        in->live ? ld_xasprintf("AWS APIs, region %s%s%s (%zu request%s, %zu retried; "
                                "credentials: %s)",
                                region, live->account ? ", account " : "",
                                live->account ? live->account : "", live->requests,
                                live->requests == 1 ? "" : "s", live->retries,
                                live->credentials_source ? live->credentials_source : "?")
                 : NULL;
    return ld_xasprintf("%s%s%s: %s", files ? files : "", files && api ? "; " : "",
                        api ? api : "", *counts ? counts : "no resources");
}

/* Progress of the reads on stderr ("ecs:DescribeServices us-east-1"). */
static void live_progress(void *ctx, const char *what)
{
    cli_progress(ctx, "%s", what);
}

static int load_live(ld_aws_set *set, const cli_aws_inputs *in, const char *region,
                     const cli_session *s, ld_aws_live_info *info, ld_error *err)
{
    ld_aws_live_options lo = {
        .region = region,
        .profile = in->profile,
        .endpoint_url = in->endpoint_url,
        .ca_bundle = in->ca_bundle,
        .services = in->services,
        .no_metadata = in->no_metadata,
        .progress = live_progress,
        .progress_ctx = (void *)s,
    };
    return ld_aws_load_live(set, &lo, info, err);
}

int cli_aws_scan_into(cli_session *s, ld_findings *r, const cli_aws_inputs *in, char **what,
                      bool *partly, ld_error *err)
{
    *what = NULL;
    *partly = false;
    int rc = -1;
    ld_aws_set *set = ld_aws_set_new();
    ld_aws_live_info live = {0};
    ld_secret_ruleset *rules = NULL;
    ld_autofree char *region = in->region ? ld_xstrdup(in->region) : NULL;
    for (size_t i = 0; i < in->n_paths; i++) {
        cli_progress(s, "reading %s", in->paths[i]);
        if (ld_aws_load_named(set, in->paths[i], err) < 0)
            goto out;
    }
    if (in->live) {
        if (!region) {
            region = ld_aws_region_default(in->profile);
            if (!region) {
                ld_error_set(err, LD_ERR_INVALID,
                             "no AWS region: give --region, set AWS_REGION, or set region in "
                             "the profile's section of the AWS config file");
                goto out;
            }
            if (!cli_aws_region_ok(region)) {
                ld_error_set(err, LD_ERR_INVALID,
                             "the configured AWS region is not a region name; give --region");
                goto out;
            }
        }
        if (load_live(set, in, region, s, &live, err) < 0)
            goto out;
    }
    if (ld_aws_set_total(set) == 0) {
        const ld_strlist *unread = ld_aws_set_unread(set);
        if (unread->n)
            ld_error_set(err, LD_ERR_CORRUPT, "nothing could be read: %s%s", unread->v[0],
                         unread->n > 1 ? " (and more)" : "");
        else
            ld_error_set(err, LD_ERR_NOT_FOUND,
                         "no AWS resource in %s: nothing to check (export ECS, ECR and EKS "
                         "descriptions with scripts/aws-export.sh, see docs/aws.md)",
                         in->n_paths ? ld_aws_set_inputs(set) : "the account and region read");
        goto out;
    }
    rules = ld_image_scan_rules(s->policy, err);
    if (!rules)
        goto out;
    ld_aws_scan_options o = {
        .trusted_registries = &s->policy->trusted_registries,
        .secret_rules = rules,
        .level = s->level,
        .now = r->now,
    };
    cli_note_inputs(r, ld_aws_set_notes(set), ld_aws_set_unread(set));
    cli_progress(s, "checking %zu AWS resources", ld_aws_set_total(set));
    if (ld_aws_scan(r, set, &o, err) < 0)
        goto out;
    *what = what_of(set, in, region, &live);
    *partly = ld_aws_set_unread(set)->n > 0;
    rc = 0;
out:
    ld_secret_rules_free(rules);
    ld_aws_live_info_clear(&live);
    ld_aws_set_free(set);
    return rc;
}
