/* libFuzzer target for the node command-line parsers (k8s/node_flags.c):
 * any input read as a systemd unit file, then as an environment file, then
 * expanded as ExecStart= would be, gives 0 / LD_ERR_NOT_FOUND /
 * LD_ERR_CORRUPT / LD_ERR_LIMIT and never more than LD_NODE_ARGS_MAX words
 * or LD_NODE_CMDLINE_MAX bytes; the same bytes read as a /proc cmdline
 * image parse into flags whose names and values come from the input and
 * whose lookups (last value, lists, feature-gate maps) never crash.
 * Seeds: tests/fuzz/corpus/k8s_node_unit/. Replay one file:
 * ./fuzz_k8s_node_unit FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/node_flags.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const bools[] = {"profiling", "anonymous-auth", "client-cert-auth", NULL};

static void check_argv(const ld_strlist *argv)
{
    size_t bytes = 0;
    if (argv->n > LD_NODE_ARGS_MAX)
        abort();
    for (size_t i = 0; i < argv->n; i++)
        bytes += strlen(argv->v[i]) + 1;
    if (bytes > LD_NODE_CMDLINE_MAX)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    ld_error err = LD_ERROR_INIT;
    ld_node_unit u = {0};
    int rc = ld_node_unit_add(&u, "fuzz.service", text, size, &err);
    if (rc != 0 && rc != LD_ERR_LIMIT)
        abort();
    rc = ld_node_unit_env_file(&u, "fuzz.env", text, size, &err);
    if (rc != 0 && rc != LD_ERR_LIMIT)
        abort();
    ld_strlist argv = {0};
    rc = ld_node_unit_expand(&u, &argv, &err);
    if (rc != 0 && rc != LD_ERR_NOT_FOUND && rc != LD_ERR_CORRUPT && rc != LD_ERR_LIMIT)
        abort();
    if (rc != 0 && !err.msg[0])
        abort();
    check_argv(&argv);
    ld_node_flags f = {0};
    ld_node_flags_parse(&f, argv.v, argv.n, 1, NULL, bools);
    ld_node_flags_clear(&f);
    ld_strlist_clear(&argv);
    ld_node_unit_clear(&u);

    /* the same bytes as a /proc/PID/cmdline image */
    rc = ld_node_cmdline_split(text, size, &argv, &err);
    if (rc != 0 && rc != LD_ERR_LIMIT)
        abort();
    check_argv(&argv);
    ld_node_flags_parse(&f, argv.v, argv.n, 1, NULL, bools);
    for (size_t i = 0; i < f.n; i++) {
        const ld_node_flag *x = ld_node_flag_get(&f, f.v[i].name);
        if (!x || strcmp(x->name, f.v[i].name) != 0)
            abort();
        ld_strlist items = {0};
        if (ld_node_flag_list(&f, f.v[i].name, &items) == 0)
            abort();
        ld_strlist_clear(&items);
        char *v = NULL;
        if (ld_node_flag_map_get(&f, f.v[i].name, "A", &v))
            free(v);
    }
    bool b;
    for (size_t i = 0; i < argv.n; i++)
        ld_node_parse_go_bool(argv.v[i], &b);
    ld_node_flags_clear(&f);
    ld_strlist_clear(&argv);
    return 0;
}
