/* rt_sink_send: sends synthetic lockdown watch alerts to output specs,
 * through the same sinks `lockdown watch --output` uses (src/runtime/sink.h),
 * for the end-to-end tests of the syslog transports
 * (tests/e2e/test_watch_syslog.sh). Not installed.
 *
 *   rt_sink_send [--count N] [--format json|syslog] [--rule NAME]
 *                [--message TEXT] [--container-name NAME] [--image IMAGE]
 *                [--comm NAME] [--priority NAME] [--facility N]
 *                [--json-in-syslog] [--stats] [--ts NS] SPEC...
 *
 * Alert i carries "(#i)" after --message. Every alert goes to every SPEC;
 * --stats adds a final statistics record. Exit 0, 1 if a send failed (the
 * errors on stderr), 2 on a usage error. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/sink.h"

#define MAX_SPECS 16

static int usage(void)
{
    fprintf(stderr, "usage: rt_sink_send [--count N] [--format json|syslog] [--rule NAME] "
                    "[--message TEXT] [--container-name NAME] [--image IMAGE] [--comm NAME] "
                    "[--priority NAME] [--facility N] [--json-in-syslog] [--stats] [--ts NS] "
                    "SPEC...\n");
    return 2;
}

static int number(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"count", required_argument, NULL, 'n'},
        {"format", required_argument, NULL, 'f'},
        {"rule", required_argument, NULL, 'r'},
        {"message", required_argument, NULL, 'm'},
        {"container-name", required_argument, NULL, 'c'},
        {"image", required_argument, NULL, 'i'},
        {"comm", required_argument, NULL, 'p'},
        {"priority", required_argument, NULL, 'P'},
        {"facility", required_argument, NULL, 'F'},
        {"json-in-syslog", no_argument, NULL, 'j'},
        {"stats", no_argument, NULL, 's'},
        {"ts", required_argument, NULL, 't'},
        {NULL, 0, NULL, 0},
    };
    unsigned long long count = 1, facility = 1, ts = 0;
    ld_rt_format format = LD_RT_FMT_JSON;
    const char *rule_name = "Shell spawned in container";
    const char *message = "Shell spawned in a container";
    const char *container_name = "rt-sink-send", *image = "lockdown-test/busybox:1", *comm = "sh";
    ld_rt_priority prio = LD_RT_PRIO_WARNING;
    bool json_in_syslog = false, stats = false;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (number(optarg, 1000000, &count) < 0)
                return usage();
            break;
        case 'f':
            if (strcmp(optarg, "json") == 0)
                format = LD_RT_FMT_JSON;
            else if (strcmp(optarg, "syslog") == 0)
                format = LD_RT_FMT_SYSLOG;
            else
                return usage();
            break;
        case 'r': rule_name = optarg; break;
        case 'm': message = optarg; break;
        case 'c': container_name = optarg; break;
        case 'i': image = optarg; break;
        case 'p': comm = optarg; break;
        case 'P':
            if (ld_rt_priority_parse(optarg, &prio) < 0)
                return usage();
            break;
        case 'F':
            if (number(optarg, 23, &facility) < 0)
                return usage();
            break;
        case 'j': json_in_syslog = true; break;
        case 's': stats = true; break;
        case 't':
            if (number(optarg, UINT64_MAX, &ts) < 0)
                return usage();
            break;
        default: return usage();
        }
    }
    int n_specs = argc - optind;
    if (n_specs < 1 || n_specs > MAX_SPECS)
        return usage();

    ld_rt_sink *sinks[MAX_SPECS];
    for (int i = 0; i < n_specs; i++) {
        ld_error err = LD_ERROR_INIT;
        ld_rt_sink_options o = {.spec = argv[optind + i],
                                .format = format,
                                .facility = (int)facility,
                                .json_in_syslog = json_in_syslog,
                                .send_timeout_ms = 1000};
        sinks[i] = ld_rt_sink_open(&o, &err);
        if (!sinks[i]) {
            fprintf(stderr, "rt_sink_send: %s\n", err.msg);
            return 1;
        }
    }

    const char *tags[] = {"container", "shell", "NIST-CTR-01-A", NULL};
    ld_rt_rule rule = {.name = rule_name,
                       .desc = "synthetic alert from rt_sink_send",
                       .priority = prio,
                       .tags = tags,
                       .control = "NIST-CTR-01-A",
                       .file = "rt_sink_send"};
    ld_rt_event e;
    memset(&e, 0, sizeof e);
    e.type = LD_EVT_EXECVE;
    e.source = LD_RT_SRC_BPF;
    snprintf(e.syscall, sizeof e.syscall, "execve");
    e.ts_ns = ts;
    e.pid = 4242;
    e.tid = 4242;
    e.ppid = 4200;
    snprintf(e.comm, sizeof e.comm, "%s", comm);
    snprintf(e.exepath, sizeof e.exepath, "/bin/%s", comm);
    snprintf(e.cmdline, sizeof e.cmdline, "%s -c id", comm);
    ld_rt_container ct;
    memset(&ct, 0, sizeof ct);
    snprintf(ct.id, sizeof ct.id, "%s",
             "5e1d5e1d5e1d5e1d5e1d5e1d5e1d5e1d5e1d5e1d5e1d5e1d5e1d5e1d5e1d5e1d");
    ct.name = (char *)container_name;
    ct.image = (char *)image;
    ct.runtime = (char *)"docker";
    ct.known = true;
    ld_rt_field_ctx ctx = {.evt = &e, .container = &ct, .procs = NULL};

    int rc = 0;
    size_t mlen = strlen(message) + 32;
    char *text = malloc(mlen);
    if (!text)
        return 1;
    for (unsigned long long k = 0; k < count; k++) {
        snprintf(text, mlen, "%s (#%llu)", message, k);
        ld_rt_alert a = {.rule = &rule, .message = text, .ctx = &ctx, .hostname = "rt-sink-send"};
        for (int i = 0; i < n_specs; i++) {
            ld_error err = LD_ERROR_INIT;
            if (ld_rt_sink_alert(sinks[i], &a, &err) < 0) {
                fprintf(stderr, "rt_sink_send: alert %llu: %s\n", k, err.msg);
                rc = 1;
            }
        }
    }
    free(text);
    if (stats) {
        const char *names[] = {rule_name};
        uint64_t counts[] = {count};
        ld_rt_watch_stats st = {.events = count,
                                .emitted = count,
                                .source = "rt_sink_send",
                                .coverage = "synthetic",
                                .rule_names = names,
                                .rule_counts = counts,
                                .n_rules = 1,
                                .final = true};
        for (int i = 0; i < n_specs; i++) {
            ld_error err = LD_ERROR_INIT;
            if (ld_rt_sink_stats(sinks[i], &st, &err) < 0) {
                fprintf(stderr, "rt_sink_send: stats: %s\n", err.msg);
                rc = 1;
            }
        }
    }
    for (int i = 0; i < n_specs; i++) {
        uint64_t dropped = ld_rt_sink_dropped(sinks[i]);
        if (dropped) {
            fprintf(stderr, "rt_sink_send: %s: %llu dropped\n", ld_rt_sink_name(sinks[i]),
                    (unsigned long long)dropped);
            rc = 1;
        }
        ld_rt_sink_close(sinks[i]);
    }
    return rc;
}
