/* The policy file: read it (size-capped), load it as a YAML tree and turn the
 * tree into an ld_policy, strictly. Every problem is reported as
 * "PATH:LINE: message" and parsing goes on after it, like a compiler, so
 * `lockdown policy check` shows them all at once. Schema: docs/policy.md.
 * The typed-value validators are in policy_parse.c, the secrets section in
 * policy_secrets.c. Not for applying the policy to findings (evaluate.c) and
 * not for checking
 * names against the controls catalog (the caller does that, so this file
 * stays independent of the catalog). */
#include "core/policy.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/policy_internal.h"
#include "core/policy_runtime_internal.h"
#include "util/cleanup.h"
#include "util/date.h"
#include "util/input_file.h"
#include "util/mem.h"
#include "util/yaml_doc.h"

extern const unsigned char ld_data_default_policy_yaml[];
extern const size_t ld_data_default_policy_yaml_len;


/* ---- sections ---- */

static const char *const top_keys[] = {
    "version",      "profile", "level",   "gate", "exceptions", "attestations", "trusted-registries",
    "trusted-keys", "secrets", "kubernetes", "registry", "fips", "logging",
    "runtime",      NULL};
static const char *const profile_keys[] = {"data-classification", "exposure", "use-case", NULL};
static const char *const gate_keys[] = {"fail-on", "required-controls", "allow-incomplete",
                                        "fail-on-review", NULL};
static const char *const exception_keys[] = {"id", "target", "reason", "expires", NULL};
static const char *const attestation_keys[] = {"control",  "by",      "date",
                                               "evidence", "expires", NULL};
static const char *const key_keys[] = {"name", "key", NULL};

static const char *const data_names[] = {"public", "internal", "confidential", "restricted", NULL};
static const char *const exposure_names[] = {"none", "indirect", "direct", NULL};
static const char *const use_names[] = {"development", "test", "production", NULL};
static const char *const level_names[] = {"low", "medium", "high", NULL};
const char *const pol_severity_names[] = {"critical", "high", "medium", "low", "info", NULL};

static void parse_version(pol_ctx *c, const ld_yaml_node *v)
{
    if (v->kind == LD_YAML_SCALAR && !v->quoted && strcmp(v->value, "1") == 0)
        return;
    pol_shown_buf sb;
    if (v->kind != LD_YAML_SCALAR)
        pol_problem(c, v->line, "\"version\" must be 1, not %s", ld_yaml_kind_name(v->kind));
    else if (pol_is_null(v))
        pol_problem(c, v->line, "\"version\" must be 1");
    else if (v->quoted)
        pol_problem(c, v->line, "\"version\" must be the number 1, not the string \"%s\"",
                POL_SHOW(sb, v->value));
    else
        pol_problem(c, v->line, "unsupported policy version \"%s\"; this lockdown reads version 1",
                POL_SHOW(sb, v->value));
}

static void parse_profile(pol_ctx *c, const ld_yaml_node *key, const ld_yaml_node *v, ld_policy *p)
{
    if (!pol_want_kind(c, key, v, LD_YAML_MAP))
        return;
    bool seen[3] = {false, false, false};
    bool ok = true;
    for (size_t i = 0; i < v->n; i++) {
        int k = pol_key_index(c, v->keys[i], "in profile", profile_keys);
        if (k < 0) {
            ok = false;
            continue;
        }
        seen[k] = true;
        const ld_yaml_node *val = v->items[i];
        const char *s = NULL;
        int idx = -1;
        switch (k) {
        case 0:
            if ((idx = pol_want_enum(c, val, "data-classification", data_names)) >= 0 &&
                ld_data_class_parse(data_names[idx], &p->profile.data) == 0)
                s = data_names[idx];
            break;
        case 1:
            if ((idx = pol_want_enum(c, val, "exposure", exposure_names)) >= 0 &&
                ld_exposure_parse(exposure_names[idx], &p->profile.exposure) == 0)
                s = exposure_names[idx];
            break;
        default:
            if ((idx = pol_want_enum(c, val, "use-case", use_names)) >= 0 &&
                ld_use_case_parse(use_names[idx], &p->profile.use) == 0)
                s = use_names[idx];
            break;
        }
        ok = ok && s;
    }
    for (int k = 0; k < 3; k++) {
        if (!seen[k]) {
            pol_problem(c, key->line, "profile needs \"%s\" (%s)", profile_keys[k],
                    k == 0   ? "public, internal, confidential or restricted"
                    : k == 1 ? "none, indirect or direct"
                             : "development, test or production");
            ok = false;
        }
    }
    p->has_profile = ok;
}

static void parse_level(pol_ctx *c, const ld_yaml_node *v, ld_policy *p)
{
    int idx = pol_want_enum(c, v, "level", level_names);
    if (idx >= 0 && ld_level_parse(level_names[idx], &p->level) == 0)
        p->has_level = true;
}

static void parse_gate(pol_ctx *c, const ld_yaml_node *key, const ld_yaml_node *v, ld_policy *p)
{
    if (!pol_want_kind(c, key, v, LD_YAML_MAP))
        return;
    for (size_t i = 0; i < v->n; i++) {
        int k = pol_key_index(c, v->keys[i], "in gate", gate_keys);
        const ld_yaml_node *val = v->items[i];
        if (k == 0) {
            int idx = pol_want_enum(c, val, "fail-on", pol_severity_names);
            if (idx >= 0 && ld_severity_parse(pol_severity_names[idx], &p->fail_on) == 0)
                p->has_fail_on = true;
        } else if (k == 1) {
            pol_want_bool(c, val, "required-controls", &p->required_controls);
        } else if (k == 2) {
            pol_want_bool(c, val, "allow-incomplete", &p->allow_incomplete);
        } else if (k == 3) {
            if (pol_want_bool(c, val, "fail-on-review", &p->fail_on_review))
                p->has_fail_on_review = true;
        }
    }
}

static void parse_exception(pol_ctx *c, const ld_yaml_node *v, ld_exception *e)
{
    e->line = v->line;
    if (v->kind != LD_YAML_MAP) {
        pol_problem(c, v->line, "each exception must be a mapping with \"id\" and \"reason\", not %s",
                ld_yaml_kind_name(v->kind));
        return;
    }
    for (size_t i = 0; i < v->n; i++) {
        const ld_yaml_node *val = v->items[i];
        switch (pol_key_index(c, v->keys[i], "in exception", exception_keys)) {
        case 0:
            if (pol_take_str(c, val, "id", MAX_WORD, &e->id) && pol_has_space(e->id))
                pol_problem(c, val->line, "\"id\" must not contain spaces");
            break;
        case 1: pol_take_str(c, val, "target", MAX_WORD, &e->target); break;
        case 2: {
            /* a reason may be a multi-line block */
            const char *s = pol_want_str(c, val, "reason", MAX_TEXT, true);
            e->reason = ld_xstrdup(s);
            break;
        }
        case 3: pol_want_date(c, val, "expires", &e->expires); break;
        default: break;
        }
    }
    pol_shown_buf sb;
    if (!ld_yaml_get(v, "id"))
        pol_problem(c, v->line, "exception needs an \"id\" (a control, check or finding id)");
    if (!ld_yaml_get(v, "reason"))
        pol_problem(c, v->line, "exception%s%s%s needs a \"reason\"", e->id ? " for \"" : "",
                e->id ? POL_SHOW(sb, e->id) : "", e->id ? "\"" : "");
}

/* A link: scheme "://" then at least one character, no spaces. */
static bool is_link(const char *s)
{
    const char *p = s;
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
        return false;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
           *p == '+' || *p == '-' || *p == '.')
        p++;
    return strncmp(p, "://", 3) == 0 && p[3] && !pol_has_space(s);
}

static void parse_attestation(pol_ctx *c, const ld_yaml_node *v, ld_attestation *a)
{
    a->line = v->line;
    if (v->kind != LD_YAML_MAP) {
        pol_problem(c, v->line,
                "each attestation must be a mapping with \"control\", \"by\", \"date\" and "
                "\"evidence\", not %s",
                ld_yaml_kind_name(v->kind));
        return;
    }
    const ld_yaml_node *date_node = NULL, *expires_node = NULL;
    for (size_t i = 0; i < v->n; i++) {
        const ld_yaml_node *val = v->items[i];
        pol_shown_buf sb;
        switch (pol_key_index(c, v->keys[i], "in attestation", attestation_keys)) {
        case 0:
            if (pol_take_str(c, val, "control", MAX_WORD, &a->control) && pol_has_space(a->control))
                pol_problem(c, val->line, "\"control\" must not contain spaces");
            break;
        case 1: pol_take_str(c, val, "by", MAX_WORD, &a->by); break;
        case 2:
            if (pol_want_date(c, val, "date", &a->date))
                date_node = val;
            break;
        case 3:
            if (pol_take_str(c, val, "evidence", MAX_TEXT, &a->evidence) && !is_link(a->evidence))
                pol_problem(c, val->line,
                        "\"evidence\" must be a link such as https://wiki.example.com/page, "
                        "not \"%s\"",
                        POL_SHOW(sb, a->evidence));
            break;
        case 4:
            if (pol_want_date(c, val, "expires", &a->expires))
                expires_node = val;
            break;
        default: break;
        }
    }
    static const char *const required[] = {"control", "by", "date", "evidence"};
    for (size_t k = 0; k < 4; k++)
        if (!ld_yaml_get(v, required[k]))
            pol_problem(c, v->line, "attestation needs \"%s\"", required[k]);
    if (date_node && expires_node && strcmp(a->expires, a->date) < 0)
        pol_problem(c, expires_node->line, "\"expires\" (%s) is before the attestation \"date\" (%s)",
                a->expires, a->date);
}

static void parse_registries(pol_ctx *c, const ld_yaml_node *key, const ld_yaml_node *v, ld_policy *p)
{
    if (!pol_want_list(c, key, v, POLICY_MAX_ENTRIES))
        return;
    for (size_t i = 0; i < v->n; i++) {
        const ld_yaml_node *it = v->items[i];
        const char *s = pol_want_str(c, it, "trusted-registries entry", MAX_WORD, false);
        if (!s)
            continue;
        pol_shown_buf sb;
        if (strstr(s, "://"))
            pol_problem(c, it->line,
                    "trusted registry \"%s\" must be a host with an optional path, without a "
                    "scheme (registry.example.com/team)",
                    POL_SHOW(sb, s));
        else if (pol_has_space(s))
            pol_problem(c, it->line, "trusted registry \"%s\" must not contain spaces", POL_SHOW(sb, s));
        else if (ld_strlist_contains(&p->trusted_registries, s))
            pol_problem(c, it->line, "trusted registry \"%s\" is listed twice", POL_SHOW(sb, s));
        else
            ld_strlist_push(&p->trusted_registries, s);
    }
}

/* A PEM public key (not a private one), checked by parsing it. */
static bool pem_public_key_ok(const char *text)
{
    BIO *bio = BIO_new_mem_buf(text, -1);
    if (!bio)
        return false;
    EVP_PKEY *key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    BIO_free(bio);
    ERR_clear_error();
    if (!key)
        return false;
    EVP_PKEY_free(key);
    return true;
}

static void parse_trusted_key(pol_ctx *c, const ld_yaml_node *v, ld_trusted_key *tk,
                              const ld_policy *p, size_t index)
{
    tk->line = v->line;
    if (v->kind != LD_YAML_MAP) {
        pol_problem(c, v->line, "each trusted key must be a mapping with \"name\" and \"key\", not %s",
                ld_yaml_kind_name(v->kind));
        return;
    }
    for (size_t i = 0; i < v->n; i++) {
        const ld_yaml_node *val = v->items[i];
        pol_shown_buf sb;
        switch (pol_key_index(c, v->keys[i], "in trusted key", key_keys)) {
        case 0:
            if (!pol_take_str(c, val, "name", MAX_WORD, &tk->name))
                break;
            for (size_t j = 0; j < index; j++)
                if (p->trusted_keys[j].name && strcmp(p->trusted_keys[j].name, tk->name) == 0)
                    pol_problem(c, val->line, "trusted key name \"%s\" is used twice (line %d)",
                            POL_SHOW(sb, tk->name), p->trusted_keys[j].line);
            break;
        case 1: {
            const char *s = pol_want_str(c, val, "key", MAX_KEY_TEXT, true);
            if (!s)
                break;
            tk->key = ld_xstrdup(s);
            if (strncmp(s, "file:", 5) == 0) {
                if (!s[5] || pol_has_control(s, false))
                    pol_problem(c, val->line, "\"key\" file: needs a path");
            } else if (strstr(s, "PRIVATE KEY")) {
                pol_problem(c, val->line,
                        "\"key\" is a private key; put the public key here and keep the private "
                        "key secret");
            } else if (!pem_public_key_ok(s)) {
                pol_problem(c, val->line,
                        "\"key\" must be a PEM public key (-----BEGIN PUBLIC KEY-----) or "
                        "file:PATH");
            }
            break;
        }
        default: break;
        }
    }
    if (!ld_yaml_get(v, "name"))
        pol_problem(c, v->line, "trusted key needs a \"name\"");
    if (!ld_yaml_get(v, "key"))
        pol_problem(c, v->line, "trusted key needs a \"key\" (PEM text or file:PATH)");
}

static void parse_exceptions(pol_ctx *c, const ld_yaml_node *key, const ld_yaml_node *v, ld_policy *p)
{
    if (!pol_want_list(c, key, v, POLICY_MAX_ENTRIES))
        return;
    p->exceptions = ld_xcalloc(v->n, sizeof(*p->exceptions));
    for (size_t i = 0; i < v->n; i++)
        parse_exception(c, v->items[i], &p->exceptions[p->n_exceptions++]);
}

static void parse_attestations(pol_ctx *c, const ld_yaml_node *key, const ld_yaml_node *v,
                               ld_policy *p)
{
    if (!pol_want_list(c, key, v, POLICY_MAX_ENTRIES))
        return;
    p->attestations = ld_xcalloc(v->n, sizeof(*p->attestations));
    for (size_t i = 0; i < v->n; i++)
        parse_attestation(c, v->items[i], &p->attestations[p->n_attestations++]);
}

static void parse_trusted_keys(pol_ctx *c, const ld_yaml_node *key, const ld_yaml_node *v,
                               ld_policy *p)
{
    if (!pol_want_list(c, key, v, POLICY_MAX_KEYS))
        return;
    p->trusted_keys = ld_xcalloc(v->n, sizeof(*p->trusted_keys));
    for (size_t i = 0; i < v->n; i++) {
        parse_trusted_key(c, v->items[i], &p->trusted_keys[i], p, i);
        p->n_trusted_keys++;
    }
}

/* logging: audit-log: an absolute path (core/audit_log.h opens it). */
static const char *const logging_keys[] = {"audit-log", NULL};

static void parse_logging(pol_ctx *c, const ld_yaml_node *key, const ld_yaml_node *v,
                          ld_policy *p)
{
    if (!pol_want_kind(c, key, v, LD_YAML_MAP))
        return;
    for (size_t i = 0; i < v->n; i++) {
        const ld_yaml_node *k = v->keys[i], *val = v->items[i];
        switch (pol_key_index(c, k, "in logging", logging_keys)) {
        case 0: {
            const char *s = pol_want_str(c, val, "audit-log", MAX_TEXT, false);
            if (!s)
                break;
            pol_shown_buf sb;
            if (s[0] != '/')
                pol_problem(c, val->line,
                            "\"audit-log\" must be an absolute path (the trail must not move "
                            "with the working directory), not \"%s\"",
                            POL_SHOW(sb, s));
            else if (s[strlen(s) - 1] == '/')
                pol_problem(c, val->line, "\"audit-log\" names a file, not a directory: \"%s\"",
                            POL_SHOW(sb, s));
            else {
                free(p->audit_log);
                p->audit_log = ld_xstrdup(s);
            }
            break;
        }
        default: break;
        }
    }
}

static void parse_root(pol_ctx *c, const ld_yaml_node *root, ld_policy *p)
{
    if (root->kind != LD_YAML_MAP) {
        pol_problem(c, root->line,
                "a policy must be a mapping (version: 1, profile:, gate:, ...), "
                "not %s",
                root->kind == LD_YAML_SEQ ? "a list" : "a scalar");
        return;
    }
    for (size_t i = 0; i < root->n; i++) {
        const ld_yaml_node *k = root->keys[i], *v = root->items[i];
        switch (pol_key_index(c, k, "at top level", top_keys)) {
        case 0: parse_version(c, v); break;
        case 1: parse_profile(c, k, v, p); break;
        case 2: parse_level(c, v, p); break;
        case 3: parse_gate(c, k, v, p); break;
        case 4: parse_exceptions(c, k, v, p); break;
        case 5: parse_attestations(c, k, v, p); break;
        case 6: parse_registries(c, k, v, p); break;
        case 7: parse_trusted_keys(c, k, v, p); break;
        case 8: pol_parse_secrets(c, k, v, p); break;
        case 9: pol_parse_kubernetes(c, k, v, p); break;
        case 10: pol_parse_registry(c, k, v, p); break;
        case 11: pol_want_bool(c, v, "fips", &p->fips); break; /* trust/crypto.h */
        case 12: parse_logging(c, k, v, p); break;             /* core/audit_log.h */
        case 13: pol_parse_runtime(c, k, v, p); break;         /* core/policy_runtime.c */
        default: break;
        }
    }
    if (!ld_yaml_get(root, "version"))
        pol_problem(c, 1, "missing \"version: 1\" (the policy schema version)");
}

/* Turns a YAML loader error "NAME: line N: problem" into "NAME:N: problem";
 * syntax errors are marked as such. */
static void yaml_problem(pol_ctx *c, const ld_error *yerr)
{
    size_t nlen = strlen(c->name);
    const char *m = yerr->msg;
    const char *kind = yerr->code == LD_ERR_CORRUPT ? "invalid YAML: " : "";
    if (strncmp(m, c->name, nlen) == 0 && strncmp(m + nlen, ": line ", 7) == 0) {
        const char *p = m + nlen + 7;
        long line = 0;
        while (*p >= '0' && *p <= '9' && line < 100000000)
            line = line * 10 + (*p++ - '0');
        if (strncmp(p, ": ", 2) == 0 && line > 0) {
            pol_problem(c, (int)line, "%s%s", kind, p + 2);
            return;
        }
    }
    if (strncmp(m, c->name, nlen) == 0 && strncmp(m + nlen, ": ", 2) == 0)
        m += nlen + 2;
    pol_problem(c, 0, "%s%s", kind, m);
}

ld_policy *ld_policy_parse(const char *name, const char *buf, size_t len, ld_strlist *diags,
                           ld_error *err)
{
    pol_ctx c = {.name = name ? name : "<policy>", .diags = diags};
    ld_error yerr = LD_ERROR_INIT;
    ld_errcode code = LD_ERR_INVALID;
    ld_policy *p = ld_xcalloc(1, sizeof(*p));
    p->path = ld_xstrdup(c.name);
    p->required_controls = true;

    ld_yaml_limits lim = {POLICY_MAX_BYTES, POLICY_MAX_DEPTH, POLICY_MAX_NODES};
    ld_yaml_node *root = NULL;
    if (len > POLICY_MAX_BYTES) {
        pol_problem(&c, 0, "policy is larger than 1 MiB (%zu bytes); is this the right file?", len);
        code = LD_ERR_LIMIT;
    } else if (len && memchr(buf, '\0', len)) {
        pol_problem(&c, 0, "policy contains a NUL byte; is this a YAML text file?");
        code = LD_ERR_CORRUPT;
    } else if (!(root = ld_yaml_parse(c.name, buf ? buf : "", len, &lim, &yerr))) {
        if (yerr.code != LD_OK)
            code = yerr.code;
        else
            ld_error_set(&yerr, LD_ERR_CORRUPT, "%s: cannot parse YAML", c.name);
        yaml_problem(&c, &yerr);
    } else {
        parse_root(&c, root, p);
        ld_yaml_free(root);
    }
    if (c.problems == 0)
        return p;

    ld_policy_free(p);
    if (diags && c.problems > POLICY_MAX_DIAGS)
        ld_strlist_push_owned(diags, ld_xasprintf("%s: %zu more problems not shown", c.name,
                                                  c.problems - POLICY_MAX_DIAGS));
    if (c.problems > 1)
        ld_error_set(err, code, "%s (and %zu more problem%s)", c.first, c.problems - 1,
                     c.problems == 2 ? "" : "s");
    else
        ld_error_set(err, code, "%s", c.first);
    return NULL;
}

/* Reads at most POLICY_MAX_BYTES of a regular file into *out (NUL-terminated).
 * Returns 0, or a negative code with err set. */
static int read_policy_file(const char *path, char **out, size_t *len, ld_error *err)
{
    return ld_input_read(path, "policy", POLICY_MAX_BYTES, out, len, err);
}

ld_policy *ld_policy_load(const char *path, ld_strlist *diags, ld_error *err)
{
    ld_autofree char *buf = NULL;
    size_t len = 0;
    ld_error rerr = LD_ERROR_INIT;
    if (read_policy_file(path, &buf, &len, &rerr) < 0) {
        if (diags)
            ld_strlist_push(diags, rerr.msg);
        if (err)
            *err = rerr;
        return NULL;
    }
    return ld_policy_parse(path, buf, len, diags, err);
}

ld_policy *ld_policy_default(ld_error *err)
{
    ld_strlist diags = {0};
    ld_policy *p = ld_policy_parse("built-in default", (const char *)ld_data_default_policy_yaml,
                                   ld_data_default_policy_yaml_len, &diags, err);
    ld_strlist_clear(&diags);
    if (!p)
        ld_error_wrap(err, "built-in policy (a build problem)");
    return p;
}

void ld_policy_free(ld_policy *p)
{
    if (!p)
        return;
    free(p->audit_log);
    pol_free_runtime(p);
    for (size_t i = 0; i < p->n_exceptions; i++) {
        ld_exception *e = &p->exceptions[i];
        free(e->id);
        free(e->target);
        free(e->reason);
        free(e->expires);
        free(e->source);
    }
    free(p->exceptions);
    for (size_t i = 0; i < p->n_attestations; i++) {
        ld_attestation *a = &p->attestations[i];
        free(a->control);
        free(a->by);
        free(a->date);
        free(a->evidence);
        free(a->expires);
    }
    free(p->attestations);
    for (size_t i = 0; i < p->n_trusted_keys; i++) {
        free(p->trusted_keys[i].name);
        free(p->trusted_keys[i].key);
    }
    free(p->trusted_keys);
    ld_strlist_clear(&p->trusted_registries);
    for (size_t i = 0; i < p->n_secret_rules; i++) {
        ld_policy_secret_rule *r = &p->secret_rules[i];
        free(r->id);
        free(r->description);
        free(r->regex);
        ld_strlist_clear(&r->keywords);
    }
    free(p->secret_rules);
    for (size_t i = 0; i < p->n_secret_allow; i++) {
        free(p->secret_allow[i].id);
        free(p->secret_allow[i].path);
        free(p->secret_allow[i].regex);
    }
    free(p->secret_allow);
    ld_strlist_clear(&p->k8s_production_namespaces);
    ld_strlist_clear(&p->k8s_developer_groups);
    free(p->k8s_sensitivity_label);
    free(p->path);
    free(p);
}

void ld_policy_add_exception(ld_policy *p, const char *source, int line, const char *id,
                             const char *target, const char *reason, const char *expires)
{
    p->exceptions = ld_xrealloc(p->exceptions, (p->n_exceptions + 1) * sizeof(*p->exceptions));
    ld_exception *e = &p->exceptions[p->n_exceptions++];
    e->id = ld_xstrdup(id);
    e->target = ld_xstrdup(target);
    e->reason = ld_xstrdup(reason);
    e->expires = ld_xstrdup(expires);
    e->line = line;
    e->source = ld_xstrdup(source);
}

bool ld_date_expired(const char *date, time_t now)
{
    if (!date)
        return false; /* no expiry date: never expires */
    int y, m, d;
    if (ld_date_parse(date, strlen(date), &y, &m, &d) != LD_DATE_OK)
        return true;
    struct tm tm;
    if (!localtime_r(&now, &tm))
        return true;
    int ty = tm.tm_year + 1900, tmo = tm.tm_mon + 1, td = tm.tm_mday;
    if (ty != y)
        return ty > y;
    if (tmo != m)
        return tmo > m;
    return td > d;
}

bool ld_exception_matches(const ld_exception *e, const ld_finding *f)
{
    if (!e->id)
        return false;
    bool id_match = (f->control && f->control->id && strcmp(e->id, f->control->id) == 0) ||
                    (f->check_id && strcmp(e->id, f->check_id) == 0) ||
                    (f->vuln && f->vuln->id && strcmp(e->id, f->vuln->id) == 0) ||
                    (f->vuln && ld_strlist_contains(&f->vuln->aliases, e->id)) ||
                    (f->secret && f->secret->rule_id && strcmp(e->id, f->secret->rule_id) == 0);
    if (!id_match)
        return false;
    if (!e->target)
        return true;
    if (f->target.id && fnmatch(e->target, f->target.id, 0) == 0)
        return true;
    return f->target.name && fnmatch(e->target, f->target.name, 0) == 0;
}
