/* libFuzzer target for the Dockerfile parser and lint rules
 * (checks/dockerfile_parse.c, checks/dockerfile_rules.c): any input either
 * parses into well-formed instructions (start lines rising and within the
 * input, stages covering the instructions in order, heredoc bodies present)
 * and lints into results with a rule, a status and a line inside the file,
 * or fails with a "NAME:..." error; never a crash, leak, hang or read out
 * of bounds. Seeds: tests/fuzz/corpus/dockerfile/ (dictionary
 * fuzz_dockerfile.dict). Replay one file: ./fuzz_dockerfile FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checks/dockerfile_parse.h"
#include "checks/dockerfile_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count_lines(const uint8_t *data, size_t size)
{
    int n = 1;
    for (size_t i = 0; i < size; i++)
        if (data[i] == '\n')
            n++;
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_error err = LD_ERROR_INIT;
    ld_dockerfile *df = ld_dockerfile_parse("fuzz", (const char *)data, size, &err);
    if (!df) {
        if (!err.msg[0] || strncmp(err.msg, "fuzz", 4) != 0 || err.code >= 0)
            abort();
        return 0;
    }
    int lines = count_lines(data, size);
    if (df->n == 0 || df->n > LD_DF_MAX_INSTRUCTIONS || df->n_stages == 0)
        abort();
    int last = 0;
    for (size_t i = 0; i < df->n; i++) {
        const ld_df_instr *in = &df->ins[i];
        if (in->line <= last || in->line > lines || in->end_line < in->line ||
            in->end_line > lines || !in->text || !in->keyword)
            abort();
        last = in->end_line;
        const ld_df_instr *h = in->sub ? in->sub : in;
        for (size_t k = 0; k < h->n_heredocs; k++)
            if (!h->heredocs[k].content || !h->heredocs[k].name[0])
                abort();
    }
    size_t expect = df->stages[0].first;
    for (size_t s = 0; s < df->n_stages; s++) {
        const ld_df_stage *st = &df->stages[s];
        if (st->first != expect || st->end <= st->first || st->end > df->n ||
            df->ins[st->first].kind != LD_DF_FROM || st->parent >= (int)s || !st->base[0])
            abort();
        expect = st->end;
    }
    if (expect != df->n)
        abort();
    ld_strlist trusted = {0};
    if (size & 1)
        ld_strlist_push(&trusted, "docker.io/library");
    ld_df_results res = {0};
    ld_dockerfile_lint(df, &trusted, &res);
    size_t nrules;
    (void)ld_df_rules(&nrules);
    if (res.n < nrules)
        abort();
    for (size_t i = 0; i < res.n; i++)
        if (!res.v[i].rule || !res.v[i].evidence || res.v[i].line < 0 || res.v[i].line > lines)
            abort();
    ld_df_results_clear(&res);
    ld_strlist_clear(&trusted);
    ld_dockerfile_free(df);
    return 0;
}
