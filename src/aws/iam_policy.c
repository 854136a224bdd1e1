/* IAM resource policy text into statements (iam_policy.h): the JSON is
 * loaded within a budget, then each Statement is read with every list
 * capped. Judging what a statement means is the caller's (ecr_checks.c). */
#include "aws/iam_policy.h"

#include <ctype.h>
#include <stdio.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_budget.h"
#include "util/mem.h"

static const ld_json_limits iam_limits = {
    .max_values = 200000, .max_containers = 50000, .max_depth = 32};

static void statement_clear(ld_iam_statement *st)
{
    free(st->sid);
    ld_strlist_clear(&st->accounts);
    ld_strlist_clear(&st->principals);
    ld_strlist_clear(&st->actions);
    ld_strlist_clear(&st->conditions);
    memset(st, 0, sizeof(*st));
}

void ld_iam_policy_clear(ld_iam_policy *p)
{
    for (size_t i = 0; i < p->n; i++)
        statement_clear(&p->v[i]);
    free(p->v);
    p->v = NULL;
    p->n = 0;
}

/* The 12-digit account id an AWS principal names ("123456789012",
 * "arn:PARTITION:iam::123456789012:root", any ARN with the account in its
 * fifth field) into out[13]; false when it names none. */
static bool principal_account(const char *p, char out[13])
{
    const char *acct = p;
    if (strncmp(p, "arn:", 4) == 0) {
        acct = p;
        for (int field = 0; field < 4; field++) {
            acct = strchr(acct, ':');
            if (!acct)
                return false;
            acct++;
        }
    }
    size_t n = 0;
    while (n < 12 && acct[n] >= '0' && acct[n] <= '9')
        n++;
    if (n != 12 || (acct[12] != '\0' && acct[12] != ':'))
        return false;
    memcpy(out, acct, 12);
    out[12] = '\0';
    return true;
}

/* A string or an array of strings (at most LD_IAM_ARRAY_MAX) into a
 * callback-free list: each element pushed to out with prefix. */
static int read_strings(const json_t *v, const char *prefix, ld_strlist *out, const char *what,
                        ld_error *err)
{
    if (json_is_string(v)) {
        ld_strlist_push_owned(out, ld_xasprintf("%s%s", prefix, json_string_value(v)));
        return 0;
    }
    if (!json_is_array(v))
        return ld_error_set(err, LD_ERR_CORRUPT, "%s is neither a string nor an array", what);
    if (json_array_size(v) > LD_IAM_ARRAY_MAX)
        return ld_error_set(err, LD_ERR_LIMIT, "%s has %zu elements, over the limit of %zu", what,
                            json_array_size(v), LD_IAM_ARRAY_MAX);
    size_t i;
    const json_t *e;
    json_array_foreach(v, i, e)
    {
        if (!json_is_string(e))
            return ld_error_set(err, LD_ERR_CORRUPT, "%s[%zu] is not a string", what, i);
        ld_strlist_push_owned(out, ld_xasprintf("%s%s", prefix, json_string_value(e)));
    }
    return 0;
}

/* Principal / NotPrincipal: "*", or {"AWS"|"Service"|...: string or array}. */
static int read_principal(const json_t *v, ld_iam_statement *st, const char *what, ld_error *err)
{
    if (json_is_string(v)) {
        if (strcmp(json_string_value(v), "*") != 0)
            return ld_error_set(err, LD_ERR_CORRUPT,
                                "%s is the string \"%s\": only \"*\" may be "
                                "a plain string",
                                what, json_string_value(v));
        st->anyone = true;
        ld_strlist_push(&st->principals, "*");
        return 0;
    }
    if (!json_is_object(v))
        return ld_error_set(err, LD_ERR_CORRUPT, "%s is neither \"*\" nor an object", what);
    const char *type;
    const json_t *val;
    json_object_foreach((json_t *)v, type, val)
    {
        ld_strlist vals = {0};
        char *sub = ld_xasprintf("%s.%s", what, type);
        int rc = read_strings(val, "", &vals, sub, err);
        free(sub);
        if (rc < 0) {
            ld_strlist_clear(&vals);
            return rc;
        }
        for (size_t i = 0; i < vals.n; i++) {
            ld_strlist_push_owned(&st->principals, ld_xasprintf("%s:%s", type, vals.v[i]));
            if (strcmp(type, "AWS") != 0)
                continue;
            char acct[13];
            if (strcmp(vals.v[i], "*") == 0)
                st->anyone = true;
            else if (principal_account(vals.v[i], acct) &&
                     !ld_strlist_contains(&st->accounts, acct))
                ld_strlist_push(&st->accounts, acct);
        }
        ld_strlist_clear(&vals);
        if (st->principals.n > LD_IAM_ARRAY_MAX)
            return ld_error_set(err, LD_ERR_LIMIT, "%s names more than %zu principals", what,
                                LD_IAM_ARRAY_MAX);
    }
    return 0;
}

/* Condition: {"operator": {"key": value, ...}, ...} into "operator:key". */
static int read_condition(const json_t *v, ld_iam_statement *st, const char *what, ld_error *err)
{
    if (!json_is_object(v))
        return ld_error_set(err, LD_ERR_CORRUPT, "%s is not an object", what);
    const char *op;
    const json_t *keys;
    json_object_foreach((json_t *)v, op, keys)
    {
        if (!json_is_object(keys))
            return ld_error_set(err, LD_ERR_CORRUPT, "%s.%s is not an object", what, op);
        const char *key;
        const json_t *val;
        json_object_foreach((json_t *)keys, key, val)
        {
            if (st->conditions.n >= LD_IAM_ARRAY_MAX)
                return ld_error_set(err, LD_ERR_LIMIT, "%s has more than %zu entries", what,
                                    LD_IAM_ARRAY_MAX);
            ld_strlist_push_owned(&st->conditions, ld_xasprintf("%s:%s", op, key));
        }
    }
    return 0;
}

static int read_statement(const json_t *s, size_t idx, ld_iam_statement *st, ld_error *err)
{
    char what[64];
    snprintf(what, sizeof(what), "Statement[%zu]", idx);
    if (!json_is_object(s))
        return ld_error_set(err, LD_ERR_CORRUPT, "%s is not an object", what);
    const json_t *sid = json_object_get(s, "Sid");
    if (json_is_string(sid))
        st->sid = ld_xstrdup(json_string_value(sid));
    const json_t *effect = json_object_get(s, "Effect");
    if (!json_is_string(effect))
        return ld_error_set(err, LD_ERR_CORRUPT, "%s has no Effect string", what);
    if (strcmp(json_string_value(effect), "Allow") == 0)
        st->allow = true;
    else if (strcmp(json_string_value(effect), "Deny") != 0)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: Effect \"%s\" is neither Allow nor Deny",
                            what, json_string_value(effect));

    const json_t *pr = json_object_get(s, "Principal");
    const json_t *npr = json_object_get(s, "NotPrincipal");
    if (!pr == !npr)
        return ld_error_set(err, LD_ERR_CORRUPT,
                            "%s needs exactly one of Principal and "
                            "NotPrincipal",
                            what);
    char sub[96];
    snprintf(sub, sizeof(sub), "%s.%s", what, pr ? "Principal" : "NotPrincipal");
    if (read_principal(pr ? pr : npr, st, sub, err) < 0)
        return err->code;
    if (npr) {
        st->not_principal = true;
        /* Allow to everyone except the named: as good as anyone */
        st->anyone = st->allow;
        ld_strlist_clear(&st->accounts);
    }

    const json_t *ac = json_object_get(s, "Action");
    const json_t *nac = json_object_get(s, "NotAction");
    if (!ac == !nac)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s needs exactly one of Action and NotAction",
                            what);
    st->not_action = nac != NULL;
    snprintf(sub, sizeof(sub), "%s.%s", what, ac ? "Action" : "NotAction");
    if (read_strings(ac ? ac : nac, "", &st->actions, sub, err) < 0)
        return err->code;
    if (!st->actions.n)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s is empty", sub);

    const json_t *cond = json_object_get(s, "Condition");
    if (cond) {
        snprintf(sub, sizeof(sub), "%s.Condition", what);
        if (read_condition(cond, st, sub, err) < 0)
            return err->code;
    }
    return 0;
}

int ld_iam_policy_parse(const char *name, const char *text, size_t len, ld_iam_policy *out,
                        ld_error *err)
{
    memset(out, 0, sizeof(*out));
    if (len > LD_IAM_TEXT_MAX)
        return ld_error_set(err, LD_ERR_LIMIT, "%s: %zu bytes, over the limit of %zu", name, len,
                            LD_IAM_TEXT_MAX);
    json_t *doc = ld_json_load_bounded(name, text, len, JSON_REJECT_DUPLICATES, &iam_limits, err);
    if (!doc)
        return err->code;
    int rc = 0;
    const json_t *stmts = json_is_object(doc) ? json_object_get(doc, "Statement") : NULL;
    if (!json_is_object(doc))
        rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: not a JSON object", name);
    else if (!stmts)
        rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: no Statement", name);
    else if (!json_is_object(stmts) && !json_is_array(stmts))
        rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: Statement is neither an object nor an array",
                          name);
    else if (json_is_array(stmts) && json_array_size(stmts) > LD_IAM_STATEMENTS_MAX)
        rc = ld_error_set(err, LD_ERR_LIMIT, "%s: %zu statements, over the limit of %zu", name,
                          json_array_size(stmts), LD_IAM_STATEMENTS_MAX);
    if (rc < 0) {
        json_decref(doc);
        return rc;
    }
    size_t n = json_is_array(stmts) ? json_array_size(stmts) : 1;
    out->v = ld_xcalloc(n ? n : 1, sizeof(*out->v));
    for (size_t i = 0; i < n; i++) {
        const json_t *s = json_is_array(stmts) ? json_array_get(stmts, i) : stmts;
        out->n = i + 1;
        if (read_statement(s, i, &out->v[i], err) < 0) {
            rc = err->code ? err->code : LD_ERR_CORRUPT;
            ld_error_wrap(err, "%s", name);
            ld_iam_policy_clear(out);
            break;
        }
    }
    json_decref(doc);
    return rc;
}

bool ld_iam_action_matches(const char *pattern, const char *action)
{
    /* iterative glob with one backtrack point: linear in practice, no recursion */
    const char *p = pattern, *a = action, *star = NULL, *resume = NULL;
    while (*a) {
        if (*p == '*') {
            star = p++;
            resume = a;
        } else if (*p == '?' || (*p && tolower((unsigned char)*p) == tolower((unsigned char)*a))) {
            p++;
            a++;
        } else if (star) {
            p = star + 1;
            a = ++resume;
        } else {
            return false;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

bool ld_iam_statement_covers(const ld_iam_statement *st, const char *action)
{
    bool listed = false;
    for (size_t i = 0; i < st->actions.n && !listed; i++)
        listed = ld_iam_action_matches(st->actions.v[i], action);
    return st->not_action ? !listed : listed;
}
