/* The fleet view as JUnit XML for CI test reporters: one <testsuite> per
 * host (worst first), named lockdown.HOST, with one <testcase> per control
 * required at the host's level (failed: <failure>; not assessed: <error>;
 * not applicable, out of scope, excepted: <skipped>; passed, attested and
 * needs review pass, the last with a <system-out>) and a last "gate" test
 * that fails when the host's gate failed. Attributes count the elements.
 * Every string goes through ld_fleet_markup. */
#include "core/fleet.h"
#include "core/fleet_internal.h"
#include "core/report_common.h"

typedef struct {
    size_t tests, failures, errors, skipped;
} counts;

static void count_host(const ld_fleet_host *h, counts *c)
{
    *c = (counts){.tests = h->n_controls + 1, .failures = h->gate_failed ? 1 : 0};
    for (size_t i = 0; i < h->n_controls; i++) {
        switch (h->controls[i].state) {
        case LD_CTRL_FAILED: c->failures++; break;
        case LD_CTRL_NOT_ASSESSED: c->errors++; break;
        case LD_CTRL_NOT_APPLICABLE:
        case LD_CTRL_OUT_OF_SCOPE:
        case LD_CTRL_EXCEPTED: c->skipped++; break;
        default: break;
        }
    }
}

static void testcase(FILE *o, const ld_fleet_host *h, const ld_fleet_host_control *c)
{
    const char *state = ld_control_state_name(c->state);
    fputs("    <testcase classname=\"lockdown.", o);
    ld_fleet_markup(o, h->name);
    fputs("\" name=\"", o);
    ld_fleet_markup(o, c->id);
    fputs("\" time=\"0\"", o);
    switch (c->state) {
    case LD_CTRL_FAILED:
    case LD_CTRL_NOT_ASSESSED:
        fprintf(o, ">\n      <%s message=\"%s\" type=\"%s\">",
                c->state == LD_CTRL_FAILED ? "failure" : "error", state, state);
        ld_fleet_markup(o, c->reason);
        fprintf(o, "</%s>\n    </testcase>\n", c->state == LD_CTRL_FAILED ? "failure" : "error");
        return;
    case LD_CTRL_NOT_APPLICABLE:
    case LD_CTRL_OUT_OF_SCOPE:
    case LD_CTRL_EXCEPTED:
        fprintf(o, ">\n      <skipped message=\"%s", state);
        if (c->reason) {
            fputs(": ", o);
            ld_fleet_markup(o, c->reason);
        }
        fputs("\"/>\n    </testcase>\n", o);
        return;
    case LD_CTRL_REVIEW:
        fputs(">\n      <system-out>needs review: ", o);
        ld_fleet_markup(o, c->reason);
        fputs("</system-out>\n    </testcase>\n", o);
        return;
    default: fputs("/>\n", o); return;
    }
}

int ld_fleet_write_junit(const ld_fleet *f, FILE *o, const ld_catalog *cat, ld_error *err)
{
    (void)cat;
    counts all = {0};
    for (size_t i = 0; i < f->n_hosts; i++) {
        counts c;
        count_host(&f->hosts[i], &c);
        all.tests += c.tests;
        all.failures += c.failures;
        all.errors += c.errors;
        all.skipped += c.skipped;
    }
    fprintf(o,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"lockdown fleet\" "
            "tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"0\">\n",
            all.tests, all.failures, all.errors, all.skipped);
    for (size_t i = 0; i < f->n_hosts; i++) {
        const ld_fleet_host *h = &f->hosts[i];
        counts c;
        count_host(h, &c);
        char ts[32];
        ld_report_utc_time(h->started, false, ts, sizeof(ts));
        fputs("  <testsuite name=\"lockdown.", o);
        ld_fleet_markup(o, h->name);
        fprintf(o,
                "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"0\" "
                "timestamp=\"%s\">\n    <properties>\n      <property name=\"level\" "
                "value=\"%s\"/>\n      <property name=\"source\" value=\"",
                c.tests, c.failures, c.errors, c.skipped, ts, ld_level_name(h->level));
        ld_fleet_markup(o, h->source);
        fputs("\"/>\n      <property name=\"command\" value=\"", o);
        ld_fleet_markup(o, h->command);
        fputs("\"/>\n    </properties>\n", o);
        for (size_t k = 0; k < h->n_controls; k++)
            testcase(o, h, &h->controls[k]);
        fputs("    <testcase classname=\"lockdown.", o);
        ld_fleet_markup(o, h->name);
        fprintf(o, ".gate\" name=\"gate (level %s)\" time=\"0\"", ld_level_name(h->level));
        if (h->gate_failed) {
            fputs(">\n      <failure message=\"gate failed\" type=\"gate\">", o);
            for (size_t k = 0; k < h->gate_reasons.n; k++) {
                if (k)
                    fputc('\n', o);
                ld_fleet_markup(o, h->gate_reasons.v[k]);
            }
            fputs("</failure>\n    </testcase>\n", o);
        } else {
            fputs("/>\n", o);
        }
        fputs("  </testsuite>\n", o);
    }
    fputs("</testsuites>\n", o);
    return ld_report_flush(o, "the fleet report", err);
}
