/* credential_process of an AWS config profile: the command line split into
 * argv as the AWS CLI splits it, run without a shell through
 * util/child_run.h (10 s, 64 KiB of stdout, its output wiped when freed),
 * and its Version 1 JSON read. Messages name the profile and the program,
 * never what the program printed on stdout. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "aws/credentials_internal.h"
#include "util/child_run.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define STDERR_KEPT 512

int ld_aws_split_command(const char *cmd, ld_strlist *argv, ld_error *err)
{
    size_t len = strlen(cmd);
    char *word = ld_xmalloc(len + 1);
    size_t wn = 0;
    bool in_word = false;
    char quote = 0;
    for (size_t i = 0; i < len; i++) {
        char c = cmd[i];
        if (quote == '\'') {
            if (c == '\'')
                quote = 0;
            else
                word[wn++] = c;
        } else if (quote == '"') {
            if (c == '"')
                quote = 0;
            else if (c == '\\' && i + 1 < len && (cmd[i + 1] == '"' || cmd[i + 1] == '\\'))
                word[wn++] = cmd[++i];
            else
                word[wn++] = c;
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (in_word) {
                ld_strlist_push_owned(argv, ld_xstrndup(word, wn));
                wn = 0;
                in_word = false;
            }
        } else {
            in_word = true;
            if (c == '\'' || c == '"')
                quote = c;
            else if (c == '\\' && i + 1 < len)
                word[wn++] = cmd[++i];
            else
                word[wn++] = c;
        }
    }
    if (in_word && !quote)
        ld_strlist_push_owned(argv, ld_xstrndup(word, wn));
    free(word);
    if (quote) {
        ld_strlist_clear(argv);
        return ld_error_set(err, LD_ERR_INVALID, "credential_process: unclosed %s quote",
                            quote == '"' ? "double" : "single");
    }
    if (argv->n == 0)
        return ld_error_set(err, LD_ERR_INVALID, "credential_process: empty command");
    return 0;
}

/* The first line of s, at most 200 bytes, control bytes replaced. */
static char *first_line(const char *s, size_t n)
{
    if (!s)
        return ld_xstrdup("");
    size_t k = 0;
    while (k < n && k < 200 && s[k] != '\n')
        k++;
    char *d = ld_xstrndup(s, k);
    for (char *p = d; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    return d;
}

static int run_error(const char *what, const ld_child_result *res, int spawn_rc,
                     const char *program, ld_error *err)
{
    ld_autofree char *line = first_line(res->err, res->err_len);
    const char *sep = line[0] ? ": " : "";
    if (spawn_rc != 0)
        return ld_error_set_errno(err, spawn_rc == 2 ? LD_ERR_NOT_FOUND : LD_ERR_GENERIC, spawn_rc,
                                  "%s: cannot run %s", what, program);
    if (res->timed_out)
        return ld_error_set(err, LD_ERR_UNREACHABLE, "%s: no answer within %ld s; killed", what,
                            LD_AWS_CRED_PROCESS_TIMEOUT_MS / 1000);
    if (res->stdout_over)
        return ld_error_set(err, LD_ERR_LIMIT,
                            "%s: printed more than %zu bytes, not a credential; stopped it", what,
                            LD_AWS_CRED_MAX_ANSWER);
    if (WIFSIGNALED(res->status))
        return ld_error_set(err, LD_ERR_INVALID, "%s: killed by signal %d%s%s", what,
                            WTERMSIG(res->status), sep, line);
    if (!WIFEXITED(res->status) || WEXITSTATUS(res->status) != 0)
        return ld_error_set(err, LD_ERR_INVALID, "%s: exited with status %d%s%s", what,
                            WIFEXITED(res->status) ? WEXITSTATUS(res->status) : -1, sep, line);
    return 0;
}

int ld_aws_credential_process(const char *profile, const char *cmd, ld_aws_credentials *out,
                              ld_error *err)
{
    ld_strlist argv = {0};
    ld_autofree char *what = ld_xasprintf("credential_process of profile %s", profile);
    int rc = ld_aws_split_command(cmd, &argv, err);
    if (rc < 0) {
        ld_error_wrap(err, "profile %s", profile);
        return rc;
    }
    char **av = ld_xcalloc(argv.n + 1, sizeof(*av));
    for (size_t i = 0; i < argv.n; i++)
        av[i] = argv.v[i];
    const ld_child_spec spec = {.program = av[0],
                                .argv = av,
                                .envp = NULL,
                                .stdout_max = LD_AWS_CRED_MAX_ANSWER,
                                .stderr_max = STDERR_KEPT,
                                .timeout_ms = LD_AWS_CRED_PROCESS_TIMEOUT_MS};
    ld_child_result res;
    int spawn_rc = ld_child_run(&spec, &res);
    rc = run_error(what, &res, spawn_rc, av[0], err);
    if (rc == 0)
        rc = ld_aws_creds_from_json(what, res.out ? res.out : "", res.out_len, true, "SessionToken",
                                    out, err);
    ld_child_result_clear(&res);
    free(av);
    ld_strlist_clear(&argv);
    return rc;
}
