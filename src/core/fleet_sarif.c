/* The fleet view as SARIF 2.1.0: one run per host (SARIF's runs array is
 * for exactly this: one tool invocation each), told apart by
 * automationDetails.id "lockdown-fleet/HOST/" so code scanning keeps one
 * category per host. A run's rules are the controls it has results for;
 * its results are the required controls needing attention on that host:
 * failed (kind fail, level error), excepted (kind fail, level note, with an
 * external suppression), needs review (kind review) and not assessed (kind
 * open). Each result's logical location is the host. The run's properties
 * carry the host's level, gate and compliance counts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/fleet.h"
#include "core/fleet_internal.h"
#include "core/report_common.h"
#include "util/json_out.h"
#include "util/mem.h"

static bool wanted(ld_control_state s)
{
    return s == LD_CTRL_FAILED || s == LD_CTRL_EXCEPTED || s == LD_CTRL_REVIEW ||
           s == LD_CTRL_NOT_ASSESSED;
}

static void write_rules(ld_json *j, const ld_fleet_host *h, const ld_catalog *cat)
{
    ld_json_key(j, "rules");
    ld_json_array_begin(j);
    for (size_t i = 0; i < h->n_controls; i++) {
        const ld_fleet_host_control *c = &h->controls[i];
        if (!wanted(c->state))
            continue;
        const char *title = ld_fleet_control_title(cat, c->id);
        ld_json_object_begin(j);
        ld_json_kv_string(j, "id", c->id);
        ld_json_key(j, "shortDescription");
        ld_json_object_begin(j);
        ld_json_kv_string(j, "text", title ? title : c->id);
        ld_json_object_end(j);
        ld_json_key(j, "properties");
        ld_json_object_begin(j);
        ld_json_kv_string(j, "level", ld_level_name(c->level));
        ld_json_object_end(j);
        ld_json_object_end(j);
    }
    ld_json_array_end(j);
}

static void write_result(ld_json *j, const ld_fleet_host *h, const ld_fleet_host_control *c,
                         size_t rule_index, const char *fqn)
{
    ld_json_object_begin(j);
    ld_json_kv_string(j, "ruleId", c->id);
    ld_json_kv_int(j, "ruleIndex", (int64_t)rule_index);
    switch (c->state) {
    case LD_CTRL_FAILED:
        ld_json_kv_string(j, "kind", "fail");
        ld_json_kv_string(j, "level", "error");
        break;
    case LD_CTRL_EXCEPTED:
        ld_json_kv_string(j, "kind", "fail");
        ld_json_kv_string(j, "level", "note");
        break;
    case LD_CTRL_REVIEW:
        ld_json_kv_string(j, "kind", "review");
        ld_json_kv_string(j, "level", "none");
        break;
    default:
        ld_json_kv_string(j, "kind", "open");
        ld_json_kv_string(j, "level", "none");
        break;
    }
    char *text = ld_xasprintf("%s %s on %s%s%s", c->id, ld_control_state_name(c->state), h->name,
                              c->reason ? ": " : "", c->reason ? c->reason : "");
    ld_json_key(j, "message");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "text", text);
    ld_json_object_end(j);
    free(text);
    ld_json_key(j, "locations");
    ld_json_array_begin(j);
    ld_json_object_begin(j);
    ld_json_key(j, "logicalLocations");
    ld_json_array_begin(j);
    ld_json_object_begin(j);
    ld_json_kv_string(j, "name", h->name);
    ld_json_kv_string(j, "fullyQualifiedName", fqn);
    ld_json_kv_string(j, "kind", "resource");
    ld_json_object_end(j);
    ld_json_array_end(j);
    ld_json_object_end(j);
    ld_json_array_end(j);
    if (c->state == LD_CTRL_EXCEPTED) {
        ld_json_key(j, "suppressions");
        ld_json_array_begin(j);
        ld_json_object_begin(j);
        ld_json_kv_string(j, "kind", "external");
        ld_json_kv_string(j, "justification", c->reason ? c->reason : "excepted by policy");
        ld_json_object_end(j);
        ld_json_array_end(j);
    }
    ld_json_key(j, "properties");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "host", h->name);
    ld_json_kv_string(j, "state", ld_control_state_name(c->state));
    ld_json_kv_string(j, "reason", c->reason);
    ld_json_object_end(j);
    ld_json_object_end(j);
}

static void write_run(ld_json *j, const ld_fleet_host *h, const ld_catalog *cat)
{
    char *fqn = ld_xasprintf("host:%s", h->name);
    char *automation = ld_xasprintf("lockdown-fleet/%s/", h->name);
    ld_json_object_begin(j);
    ld_json_key(j, "tool");
    ld_json_object_begin(j);
    ld_json_key(j, "driver");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "name", "lockdown");
    ld_json_kv_string(j, "version", LOCKDOWN_VERSION);
    ld_json_kv_string(j, "semanticVersion", LOCKDOWN_VERSION);
    ld_json_kv_string(j, "informationUri", "https://lockdown.dev");
    write_rules(j, h, cat);
    ld_json_object_end(j);
    ld_json_object_end(j);
    ld_json_key(j, "automationDetails");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "id", automation);
    ld_json_object_end(j);
    ld_json_key(j, "invocations");
    ld_json_array_begin(j);
    ld_json_object_begin(j);
    ld_json_kv_bool(j, "executionSuccessful", true);
    ld_json_kv_string(j, "startTimeUtc", h->started_at);
    ld_json_object_end(j);
    ld_json_array_end(j);
    ld_json_key(j, "results");
    ld_json_array_begin(j);
    size_t rule = 0;
    for (size_t i = 0; i < h->n_controls; i++)
        if (wanted(h->controls[i].state))
            write_result(j, h, &h->controls[i], rule++, fqn);
    ld_json_array_end(j);
    ld_json_key(j, "properties");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "host", h->name);
    ld_json_kv_string(j, "source", h->source);
    ld_json_kv_string(j, "command", h->command);
    ld_json_kv_string(j, "level", ld_level_name(h->level));
    ld_json_key(j, "compliance");
    ld_json_object_begin(j);
    ld_fleet_json_counts(j, ld_fleet_host_counts(h));
    ld_json_object_end(j);
    ld_json_key(j, "gate");
    ld_json_object_begin(j);
    ld_json_kv_bool(j, "failed", h->gate_failed);
    ld_json_kv_bool(j, "incomplete", h->gate_incomplete);
    ld_json_key(j, "reasons");
    ld_json_array_begin(j);
    for (size_t i = 0; i < h->gate_reasons.n; i++)
        ld_json_string(j, h->gate_reasons.v[i]);
    ld_json_array_end(j);
    ld_json_object_end(j);
    ld_json_object_end(j);
    ld_json_object_end(j);
    free(fqn);
    free(automation);
}

int ld_fleet_write_sarif(const ld_fleet *f, FILE *o, const ld_catalog *cat, ld_error *err)
{
    ld_json j;
    ld_json_init(&j, o, true);
    ld_json_object_begin(&j);
    ld_json_kv_string(&j, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    ld_json_kv_string(&j, "version", "2.1.0");
    ld_json_key(&j, "runs");
    ld_json_array_begin(&j);
    for (size_t i = 0; i < f->n_hosts; i++)
        write_run(&j, &f->hosts[i], cat);
    ld_json_array_end(&j);
    ld_json_object_end(&j);
    fputc('\n', o);
    return ld_report_flush(o, "the fleet report", err);
}
