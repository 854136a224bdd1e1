/* ABSENCE records from AWS errors: the AWS CLI's error line for a policy
 * that does not exist ("An error occurred (LifecyclePolicyNotFoundException)
 * when calling the GetLifecyclePolicy operation: Lifecycle policy does not
 * exist for the repository with name 'R' in the registry with id 'N'", a
 * .err file of an export) and the API's JSON error of the same type
 * ({"__type": "...#LifecyclePolicyNotFoundException", "message": ...}).
 * Other errors are not absences: they say the export failed
 * (LD_ERR_UNSUPPORTED, naming the error). Not for output documents
 * (aws_set_shapes.c). */
#include <string.h>

#include "aws/aws_set_internal.h"
#include "util/mem.h"

#define CLI_ERROR_PREFIX "An error occurred ("
#define CLI_ERROR_PREFIX_V2 "aws: [ERROR]: An error occurred ("
#define ERROR_TYPE_MAX 128
#define QUOTED_MAX 256 /* repository names: at most 256 characters */
#define MESSAGE_SHOWN_MAX 300

static const struct {
    const char *type;
    ld_aws_kind kind;
} absences[] = {
    {"LifecyclePolicyNotFoundException", LD_AWS_ECR_LIFECYCLE},
    {"RepositoryPolicyNotFoundException", LD_AWS_ECR_REPO_POLICY},
};

char *ld_aws_ecr_repo_id(const char *registry_id, const char *name)
{
    if (registry_id && registry_id[0])
        return ld_xasprintf("ecr-repository/%s/%s", registry_id, name);
    return ld_xasprintf("ecr-repository/%s", name);
}

/* The text after leading white space, and its length. */
static const char *skip_space(const char *buf, size_t *len)
{
    while (*len && (*buf == ' ' || *buf == '\n' || *buf == '\r' || *buf == '\t'))
        buf++, (*len)--;
    return buf;
}

static bool starts_with(const char *buf, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(buf, prefix, n) == 0;
}

bool ld_aws_is_cli_error(const char *buf, size_t len)
{
    buf = skip_space(buf, &len);
    return starts_with(buf, len, CLI_ERROR_PREFIX) || starts_with(buf, len, CLI_ERROR_PREFIX_V2);
}

/* The text between "after'" and the next "'" inside msg[0..len), or NULL
 * (too long, not there, or holding a control byte). */
static char *quoted_after(const char *msg, size_t len, const char *after)
{
    const char *p = memmem(msg, len, after, strlen(after));
    if (!p)
        return NULL;
    p += strlen(after);
    const char *end = msg + len;
    const char *q = p;
    while (q < end && *q != '\'' && (unsigned char)*q >= 0x20 && q - p <= QUOTED_MAX)
        q++;
    if (q >= end || *q != '\'' || q == p)
        return NULL;
    return ld_xstrndup(p, (size_t)(q - p));
}

static int kind_of_type(const char *type, size_t len)
{
    for (size_t i = 0; i < sizeof(absences) / sizeof(absences[0]); i++)
        if (strlen(absences[i].type) == len && memcmp(absences[i].type, type, len) == 0)
            return (int)absences[i].kind;
    return -1;
}

/* Pushes the absence that msg (the error's message) names; registry and
 * name, when not NULL, are the JSON error's own members. */
static int push_absence(const char *source, ld_aws_kind kind, const char *msg, size_t len,
                        const char *registry, const char *name, ld_aws_pending *p, ld_error *err)
{
    char *repo =
        name && name[0] ? ld_xstrdup(name) : quoted_after(msg, len, "repository with name '");
    char *reg = registry && registry[0] ? ld_xstrdup(registry)
                                        : quoted_after(msg, len, "registry with id '");
    if (!repo) {
        free(reg);
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "%s: the %s error does not name the repository ('repository with "
                            "name ...'); cannot tell which repository has none",
                            source, ld_aws_kind_title(kind));
    }
    ld_aws_pending_push(p, kind, NULL, ld_aws_ecr_repo_id(reg, repo), repo, reg, NULL);
    return 0;
}

/* Shows at most MESSAGE_SHOWN_MAX bytes of the first line of an error. */
static int not_an_absence(const char *source, const char *type, size_t type_len, const char *msg,
                          size_t msg_len, ld_error *err)
{
    const char *nl = memchr(msg, '\n', msg_len);
    size_t shown = nl ? (size_t)(nl - msg) : msg_len;
    if (shown > MESSAGE_SHOWN_MAX)
        shown = MESSAGE_SHOWN_MAX;
    return ld_error_set(err, LD_ERR_UNSUPPORTED,
                        "%s: the AWS CLI export failed (%.*s): %.*s; export it again", source,
                        (int)type_len, type, (int)shown, msg);
}

int ld_aws_cli_error_read(const char *source, const char *buf, size_t len, ld_aws_pending *p,
                          ld_error *err)
{
    buf = skip_space(buf, &len);
    if (starts_with(buf, len, "aws: [ERROR]: "))
        buf += strlen("aws: [ERROR]: "), len -= strlen("aws: [ERROR]: ");
    const char *type = buf + strlen(CLI_ERROR_PREFIX);
    const char *end = buf + len;
    const char *close = type;
    while (close < end && *close != ')' && close - type <= ERROR_TYPE_MAX)
        close++;
    if (close >= end || *close != ')' || close == type)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: an AWS CLI error line without its error type",
                            source);
    size_t type_len = (size_t)(close - type);
    const char *line_end = memchr(close, '\n', (size_t)(end - close));
    size_t msg_len = (size_t)((line_end ? line_end : end) - close);
    int kind = kind_of_type(type, type_len);
    if (kind < 0)
        return not_an_absence(source, type, type_len, close + 1, msg_len ? msg_len - 1 : 0, err);
    return push_absence(source, (ld_aws_kind)kind, close, msg_len, NULL, NULL, p, err);
}

/* The error type of a JSON error: the text after the last '#' or ':' of
 * "__type" ("com.amazonaws.ecr#LifecyclePolicyNotFoundException"). */
static const char *json_error_type(const json_t *doc)
{
    const char *t = json_string_value(json_object_get(doc, "__type"));
    if (!t)
        return NULL;
    const char *hash = strrchr(t, '#');
    return hash ? hash + 1 : t;
}

bool ld_aws_is_api_error(const json_t *doc)
{
    return json_is_object(doc) && json_is_string(json_object_get(doc, "__type"));
}

int ld_aws_api_error_read(const char *source, const json_t *doc, ld_aws_pending *p, ld_error *err)
{
    const char *type = json_error_type(doc);
    const json_t *m = json_object_get(doc, "message");
    if (!m)
        m = json_object_get(doc, "Message");
    if (m && !json_is_string(m))
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: message of the API error is not a string",
                            source);
    const char *msg = m ? json_string_value(m) : "";
    size_t msg_len = m ? json_string_length(m) : 0;
    int kind = kind_of_type(type, strlen(type));
    if (kind < 0)
        return not_an_absence(source, type, strlen(type), msg, msg_len, err);
    const char *reg = json_string_value(json_object_get(doc, "registryId"));
    const char *name = json_string_value(json_object_get(doc, "repositoryName"));
    return push_absence(source, (ld_aws_kind)kind, msg, msg_len, reg, name, p, err);
}
