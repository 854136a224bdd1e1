/* libFuzzer target for IAM resource policy text (aws/iam_policy.c) and what
 * the ECR family makes of it (aws/ecr_checks.c, ecr_internal.h): any input
 * parses or is refused with a message and an empty result; a policy that
 * parses holds at most the limits, every Allow/Deny statement has actions,
 * account ids of 12 digits, and each statement judged against two
 * registries gives PASS without a message or FAIL/WARN with one. The input
 * is also tried as an action pattern, a scanning filter and a lifecycle
 * policy text. Seeds: tests/fuzz/corpus/iam_policy/.
 * Replay: ./fuzz_iam_policy FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/ecr_internal.h"
#include "aws/iam_policy.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void judge(const ld_iam_statement *st, size_t i, const char *self)
{
    char *msg = NULL;
    ld_status s = ld_ecr_statement_judge(st, i, self, &msg);
    if ((s == LD_STATUS_PASS) != (msg == NULL))
        abort();
    if (s != LD_STATUS_PASS && s != LD_STATUS_FAIL && s != LD_STATUS_WARN)
        abort();
    free(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_iam_policy p;
    ld_error err = LD_ERROR_INIT;
    if (ld_iam_policy_parse("fuzz", (const char *)data, size, &p, &err) < 0) {
        if (err.code == LD_OK || !err.msg[0] || p.v || p.n)
            abort();
    } else {
        if (p.n == 0 || p.n > LD_IAM_STATEMENTS_MAX)
            abort();
        for (size_t i = 0; i < p.n; i++) {
            const ld_iam_statement *st = &p.v[i];
            if (!st->actions.n || st->actions.n > LD_IAM_ARRAY_MAX ||
                st->principals.n > LD_IAM_ARRAY_MAX || st->conditions.n > LD_IAM_ARRAY_MAX)
                abort();
            for (size_t j = 0; j < st->accounts.n; j++)
                if (strlen(st->accounts.v[j]) != 12)
                    abort();
            judge(st, i, "111122223333");
            judge(st, i, NULL);
            (void)ld_iam_statement_covers(st, "ecr:PutImage");
        }
        ld_iam_policy_clear(&p);
    }
    char *text = ld_xstrndup((const char *)data, size);
    (void)ld_iam_action_matches(text, "ecr:PutImage");
    (void)ld_iam_action_matches("ecr:*Layer*", text);
    (void)ld_ecr_filter_matches(text, "team/prod-api");
    if (*text)
        (void)ld_ecr_filter_matches("*prod*", text);
    ld_status st;
    free(ld_ecr_lifecycle_judge(text, &st));
    free(text);
    return 0;
}
