/* The Docker credential-helper protocol, client side: runs
 * docker-credential-NAME get (found on PATH, executed directly with an
 * argv, never through a shell; NAME limited to [A-Za-z0-9._-]) in its own
 * process group, writes the server URL on its stdin, reads at most 64 KiB
 * of JSON ({"ServerURL","Username","Secret"}) from its stdout within a
 * time limit (the group is killed at the deadline), and maps the
 * protocol's "credentials not found" answer to LD_ERR_NOT_FOUND. Secrets
 * are wiped from every buffer that held them. config.json itself is
 * docker_config.c's. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "registry/client_internal.h"
#include "registry/credentials.h"
#include "util/child_run.h"
#include "util/cleanup.h"
#include "util/json_budget.h"
#include "util/mem.h"

#define HELPER_OUTPUT_MAX ((size_t)64 * 1024)
#define HELPER_STDERR_KEPT ((size_t)4096)
#define HELPER_NAME_MAX 64
#define MESSAGE_SHOWN 200

void ld_reg_cred_clear(ld_reg_cred *c)
{
    if (!c)
        return;
    reg_secret_free(c->username);
    reg_secret_free(c->password);
    reg_secret_free(c->identity_token);
    free(c->source);
    memset(c, 0, sizeof(*c));
}

bool reg_cred_helper_name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > HELPER_NAME_MAX || name[0] == '.' || name[0] == '-')
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
        if (!ok)
            return false;
    }
    return true;
}

/* Printable first line of text, at most MESSAGE_SHOWN characters. */
static char *shown_line(const char *text, size_t len)
{
    size_t n = 0;
    while (n < len && n < MESSAGE_SHOWN && text[n] != '\n')
        n++;
    char *s = ld_xstrndup(text ? text : "", n);
    for (char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7F)
            *p = '?';
    return s;
}

/* The helper's JSON answer into out. */
static int parse_answer(const char *what, const char *text, size_t len, ld_reg_cred *out,
                        ld_error *err)
{
    static const ld_json_limits lim = {.max_values = 256, .max_containers = 16, .max_depth = 4};
    json_t *doc = ld_json_load_bounded(what, text, len, 0, &lim, err);
    if (!doc) /* jansson's message may quote the secret: not shown */
        return ld_error_set(err, err->code == LD_ERR_LIMIT ? LD_ERR_LIMIT : LD_ERR_CORRUPT,
                            "%s: the answer is not the JSON the protocol asks for", what);
    int rc = 0;
    const char *user = json_string_value(json_object_get(doc, "Username"));
    const char *secret = json_string_value(json_object_get(doc, "Secret"));
    if (!json_is_object(doc) || !secret) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: the answer holds no \"Secret\"", what);
    } else if (user && strcmp(user, "<token>") == 0) {
        /* the protocol's marker for an identity token */
        out->identity_token = ld_xstrdup(secret);
    } else {
        out->username = ld_xstrdup(user ? user : "");
        out->password = ld_xstrdup(secret);
    }
    json_t *s = json_object_get(doc, "Secret");
    if (json_is_string(s))
        explicit_bzero((char *)json_string_value(s), json_string_length(s));
    json_decref(doc);
    return rc;
}

int reg_cred_helper_get(const char *name, const char *server_url, long timeout_ms, ld_reg_cred *out,
                        ld_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!reg_cred_helper_name_ok(name))
        return ld_error_set(err, LD_ERR_INVALID,
                            "credential helper name \"%.64s\" is not allowed (letters, digits, "
                            "'.', '_' and '-' only)",
                            name ? name : "");
    ld_autofree char *program = ld_xasprintf("docker-credential-%s", name);
    char *argv[] = {program, (char *)"get", NULL};
    const ld_child_spec spec = {.program = program,
                                .argv = argv,
                                .stdin_data = server_url,
                                .stdin_len = strlen(server_url),
                                .stdout_max = HELPER_OUTPUT_MAX,
                                .stderr_max = HELPER_STDERR_KEPT,
                                .timeout_ms = timeout_ms};
    ld_child_result run;
    int e = ld_child_run(&spec, &run);
    if (e != 0) {
        return ld_error_set_errno(err, LD_ERR_INVALID, e,
                                  "credential helper %s: cannot run it (is it on PATH?)", program);
    }
    int rc = 0;
    if (run.timed_out) {
        rc = ld_error_set(err, LD_ERR_UNREACHABLE,
                          "credential helper %s: no answer within %ld s; killed", program,
                          timeout_ms / 1000);
    } else if (run.stdout_over) {
        rc = ld_error_set(err, LD_ERR_LIMIT,
                          "credential helper %s: more than %zu KiB of output; killed", program,
                          HELPER_OUTPUT_MAX / 1024);
    } else if (!run.exited) {
        rc = ld_error_set(err, LD_ERR_GENERIC, "credential helper %s: lost its output", program);
    } else if (!WIFEXITED(run.status) || WEXITSTATUS(run.status) != 0) {
        /* the protocol: the error message on stdout */
        const char *text = run.out_len ? run.out : run.err;
        size_t tlen = run.out_len ? run.out_len : run.err_len;
        if (text && strstr(text, "credentials not found")) {
            rc = ld_error_set(err, LD_ERR_NOT_FOUND, "credential helper %s: no credentials for %s",
                              program, server_url);
        } else {
            ld_autofree char *msg = shown_line(text, tlen);
            if (WIFSIGNALED(run.status))
                rc = ld_error_set(err, LD_ERR_GENERIC, "credential helper %s: killed by signal %d",
                                  program, WTERMSIG(run.status));
            else
                rc = ld_error_set(err, LD_ERR_GENERIC, "credential helper %s: exit status %d%s%s",
                                  program, WEXITSTATUS(run.status), msg[0] ? ": " : "", msg);
        }
    } else {
        ld_autofree char *what = ld_xasprintf("credential helper %s", program);
        rc = parse_answer(what, run.out ? run.out : "", run.out_len, out, err);
        if (rc == 0)
            out->source = ld_xasprintf("credential helper %s", program);
    }
    ld_child_result_clear(&run);
    if (rc < 0)
        ld_reg_cred_clear(out);
    return rc;
}
