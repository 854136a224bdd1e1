/* The AWS credentials chain (aws/credentials.h): the environment, the
 * shared credentials and config files (aws/aws_ini.h), credential_process
 * (credentials_process.c), then the container and instance metadata
 * endpoints (credentials_http.c); the expiry rule; the default region.
 * Also the credentials JSON and RFC 3339 readers the other parts share.
 * Nothing here prints; no message carries a key, a secret or a token. */
#include <errno.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/aws_ini.h"
#include "aws/credentials.h"
#include "aws/credentials_internal.h"
#include "util/cleanup.h"
#include "util/input_file.h"
#include "util/mem.h"
#include "util/strlist.h"

/* Credentials that expire within this many seconds are refused: a scan
 * signs requests for a while after they are read. */
#define EXPIRY_MARGIN_S 60

static void wipe_free(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

void ld_aws_credentials_clear(ld_aws_credentials *c)
{
    if (!c)
        return;
    free(c->access_key_id);
    wipe_free(c->secret_access_key);
    wipe_free(c->session_token);
    free(c->source);
    free(c->region);
    memset(c, 0, sizeof(*c));
}

static const char *env_nonempty(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* ---- time ---- */

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

int ld_aws_rfc3339_parse(const char *s, time_t *out)
{
    int y, mo, d, h, mi, se;
    if (!s || strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
        s[7] != '-' || !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
        !digits(s + 17, 2, &se))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60 || y < 1970)
        return -1;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return -1;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    long off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 23 || om > 59)
            return -1;
        off = (oh * 3600L + om * 60L) * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return -1;
    }
    if (*p)
        return -1;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return -1;
    *out = t - off;
    return 0;
}

void ld_aws_rfc3339_format(time_t t, char *out, size_t outlen)
{
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, outlen, "@%lld", (long long)t);
}

/* ---- the credentials JSON of credential_process and the endpoints ---- */

static const char *json_str(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) && json_string_length(v) ? json_string_value(v) : NULL;
}

static bool has_ctl(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

int ld_aws_creds_from_json(const char *source, const char *json, size_t len, bool version1,
                           const char *token_key, ld_aws_credentials *out, ld_error *err)
{
    json_error_t je;
    /* flat objects only: the depth is bounded by the 64 KiB cap and jansson's own limit */
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
    if (!root || !json_is_object(root)) {
        json_decref(root);
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: the answer is not a JSON object (line %d)",
                            source, je.line);
    }
    int rc = 0;
    json_t *ver = json_object_get(root, "Version");
    const char *akid = json_str(root, "AccessKeyId");
    const char *secret = json_str(root, "SecretAccessKey");
    const char *token = token_key ? json_str(root, token_key) : NULL;
    json_t *exp = json_object_get(root, "Expiration");
    time_t when = 0;
    if (version1 && (!json_is_integer(ver) || json_integer_value(ver) != 1)) {
        rc = ld_error_set(err, LD_ERR_INVALID, "%s: the answer's \"Version\" is not 1", source);
    } else if (!akid || !secret) {
        rc = ld_error_set(err, LD_ERR_INVALID, "%s: the answer has no %s", source,
                          !akid ? "AccessKeyId" : "SecretAccessKey");
    } else if (has_ctl(akid) || has_ctl(secret) || has_ctl(token)) {
        rc = ld_error_set(err, LD_ERR_INVALID, "%s: control characters in the credentials", source);
    } else if (exp && !json_is_null(exp) &&
               (!json_is_string(exp) || ld_aws_rfc3339_parse(json_string_value(exp), &when) < 0)) {
        rc = ld_error_set(err, LD_ERR_INVALID,
                          "%s: \"Expiration\" is not an RFC 3339 time (2026-01-31T12:00:00Z)",
                          source);
    } else {
        out->access_key_id = ld_xstrdup(akid);
        out->secret_access_key = ld_xstrdup(secret);
        out->session_token = ld_xstrdup(token);
        out->expiration = when;
    }
    json_decref(root);
    return rc;
}

/* ---- files ---- */

static char *expand_home(const char *path)
{
    const char *home = getenv("HOME");
    if (path[0] == '~' && (path[1] == '/' || !path[1]) && home && *home)
        return ld_xasprintf("%s%s", home, path + 1);
    return ld_xstrdup(path);
}

/* The file at $env, else ~/.aws/name; NULL when neither can be named. */
static char *aws_file_path(const char *env, const char *name)
{
    const char *v = env_nonempty(env);
    if (v)
        return expand_home(v);
    const char *home = getenv("HOME");
    return home && *home ? ld_xasprintf("%s/.aws/%s", home, name) : NULL;
}

/* Reads and parses path; 0 with *found false when it does not exist. */
static int load_ini(const char *path, const char *what, ld_aws_ini *ini, bool *found, ld_error *err)
{
    memset(ini, 0, sizeof(*ini));
    *found = false;
    if (!path)
        return 0;
    char *text = NULL;
    size_t len = 0;
    ld_autofree char *label = ld_xasprintf("%s %s", what, path);
    int rc = ld_input_read(path, what, LD_AWS_INI_MAX_BYTES, &text, &len, err);
    if (rc == LD_ERR_NOT_FOUND) {
        ld_error_clear(err);
        return 0;
    }
    if (rc < 0)
        return rc;
    rc = ld_aws_ini_parse(label, text, len, ini, err);
    OPENSSL_cleanse(text, len);
    free(text);
    if (rc < 0)
        return rc;
    *found = true;
    return 0;
}

static bool blank(char c)
{
    return c == ' ' || c == '\t';
}

/* The config file's section for profile: [profile NAME] (any blanks after
 * "profile"), or [default] for "default" ([profile default] wins). */
static const ld_aws_ini_section *config_profile(const ld_aws_ini *ini, const char *profile)
{
    const ld_aws_ini_section *plain = NULL;
    for (size_t i = 0; i < ini->n; i++) {
        const char *n = ini->v[i].name;
        if (!strncmp(n, "profile", 7) && blank(n[7])) {
            const char *p = n + 7;
            while (blank(*p))
                p++;
            if (!strcmp(p, profile))
                return &ini->v[i];
        } else if (!strcmp(profile, "default") && !strcmp(n, "default")) {
            plain = &ini->v[i];
        }
    }
    return plain;
}

typedef struct {
    char *cred_path, *config_path;
    ld_aws_ini cred, config;
    bool cred_found, config_found;
} aws_files;

static void aws_files_clear(aws_files *f)
{
    free(f->cred_path);
    free(f->config_path);
    ld_aws_ini_clear(&f->cred);
    ld_aws_ini_clear(&f->config);
}

static int aws_files_load(aws_files *f, ld_error *err)
{
    memset(f, 0, sizeof(*f));
    f->cred_path = aws_file_path("AWS_SHARED_CREDENTIALS_FILE", "credentials");
    f->config_path = aws_file_path("AWS_CONFIG_FILE", "config");
    int rc = load_ini(f->cred_path, "shared credentials file", &f->cred, &f->cred_found, err);
    if (rc == 0)
        rc = load_ini(f->config_path, "config file", &f->config, &f->config_found, err);
    return rc;
}

/* Static keys of section s into out; 1 when found, 0 when s has none,
 * < 0 when only half of a pair is there. */
static int static_keys(const ld_aws_ini_section *s, const char *where, ld_aws_credentials *out,
                       ld_error *err)
{
    const char *akid = ld_aws_ini_get(s, "aws_access_key_id");
    const char *secret = ld_aws_ini_get(s, "aws_secret_access_key");
    const char *token = ld_aws_ini_get(s, "aws_session_token");
    if (!token)
        token = ld_aws_ini_get(s, "aws_security_token");
    akid = akid && *akid ? akid : NULL;
    secret = secret && *secret ? secret : NULL;
    if (!akid && !secret)
        return 0;
    if (!akid || !secret)
        return ld_error_set(err, LD_ERR_INVALID, "%s has %s but no %s", where,
                            akid ? "aws_access_key_id" : "aws_secret_access_key",
                            akid ? "aws_secret_access_key" : "aws_access_key_id");
    out->access_key_id = ld_xstrdup(akid);
    out->secret_access_key = ld_xstrdup(secret);
    out->session_token = token && *token ? ld_xstrdup(token) : NULL;
    return 1;
}

/* A profile that needs another AWS service to produce keys. */
static int refuse_indirect(const ld_aws_ini_section *s, const char *profile, const char *where,
                           ld_error *err)
{
    static const char *const keys[] = {"role_arn",       "web_identity_token_file",
                                       "sso_session",    "sso_start_url",
                                       "sso_account_id", "credential_source"};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (ld_aws_ini_get(s, keys[i]))
            return ld_error_set(err, LD_ERR_INVALID,
                                "%s uses %s, which lockdown does not follow (it would need "
                                "STS or IAM Identity Center); export keys for it with `aws "
                                "configure export-credentials --profile %s --format env`, "
                                "then run again with them in the environment",
                                where, keys[i], profile);
    return 0;
}

/* Steps 3-4 for profile. 1: found (out filled); 0: the profile gives no
 * credentials (*exists says whether either file names it); < 0: error. */
static int from_files(aws_files *f, const char *profile, ld_aws_credentials *out, bool *exists,
                      ld_error *err)
{
    const ld_aws_ini_section *cs = ld_aws_ini_section_find(&f->cred, profile);
    const ld_aws_ini_section *ps = config_profile(&f->config, profile);
    *exists = cs || ps;
    ld_autofree char *cwhere =
        ld_xasprintf("shared credentials file %s [%s]", f->cred_path ? f->cred_path : "?", profile);
    ld_autofree char *pwhere =
        ld_xasprintf("config file %s [%s%s]", f->config_path ? f->config_path : "?",
                     strcmp(profile, "default") ? "profile " : "", profile);
    if (ps) {
        int rc = refuse_indirect(ps, profile, pwhere, err);
        if (rc < 0)
            return rc;
    }
    int rc = cs ? static_keys(cs, cwhere, out, err) : 0;
    if (rc < 0)
        return rc;
    if (rc == 1) {
        out->source = ld_xstrdup(cwhere);
        return 1;
    }
    const char *proc = ld_aws_ini_get(ps, "credential_process");
    if (proc && *proc) {
        rc = ld_aws_credential_process(profile, proc, out, err);
        if (rc < 0)
            return rc;
        out->source =
            ld_xasprintf("credential_process of profile %s (%s)", profile, f->config_path);
        return 1;
    }
    rc = ps ? static_keys(ps, pwhere, out, err) : 0;
    if (rc == 1)
        out->source = ld_xstrdup(pwhere);
    return rc;
}

/* ---- environment ---- */

static int from_env(ld_aws_credentials *out, ld_error *err)
{
    const char *akid = env_nonempty("AWS_ACCESS_KEY_ID");
    const char *secret = env_nonempty("AWS_SECRET_ACCESS_KEY");
    if (!akid && !secret)
        return 0;
    if (!akid || !secret)
        return ld_error_set(err, LD_ERR_INVALID, "environment: %s is set but %s is not",
                            akid ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
                            akid ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
    const char *exp = env_nonempty("AWS_CREDENTIAL_EXPIRATION");
    time_t when = 0;
    if (exp && ld_aws_rfc3339_parse(exp, &when) < 0)
        return ld_error_set(err, LD_ERR_INVALID,
                            "environment: AWS_CREDENTIAL_EXPIRATION is not an RFC 3339 time "
                            "(2026-01-31T12:00:00Z)");
    out->access_key_id = ld_xstrdup(akid);
    out->secret_access_key = ld_xstrdup(secret);
    out->session_token = ld_xstrdup(env_nonempty("AWS_SESSION_TOKEN"));
    out->expiration = when;
    out->source = ld_xstrdup("environment");
    return 1;
}

/* ---- the chain ---- */

static bool metadata_disabled(void)
{
    const char *v = getenv("AWS_EC2_METADATA_DISABLED");
    return v && !strcasecmp(v, "true");
}

static int check_expiry(const ld_aws_credentials *c, time_t now, ld_error *err)
{
    if (!c->expiration || c->expiration > now + EXPIRY_MARGIN_S)
        return 0;
    char when[32];
    ld_aws_rfc3339_format(c->expiration, when, sizeof(when));
    return ld_error_set(err, LD_ERR_INVALID,
                        c->expiration <= now
                            ? "the credentials from %s expired at %s; refresh them and run again"
                            : "the credentials from %s expire at %s, within a minute; refresh "
                              "them and run again",
                        c->source ? c->source : "?", when);
}

static char *region_of(const aws_files *f, const char *profile)
{
    const char *r = ld_aws_ini_get(config_profile(&f->config, profile), "region");
    return r && *r ? ld_xstrdup(r) : NULL;
}

/* Steps 5-6: 1 found, 0 none (note appended to looked), < 0 error. */
static int from_metadata(ld_aws_credentials *out, ld_strlist *looked, ld_error *err)
{
    int rc = ld_aws_container_credentials(out, err);
    if (rc == 0)
        return 1;
    if (rc != LD_ERR_NOT_FOUND)
        return rc;
    ld_error_clear(err);
    ld_strlist_push(looked, "container credentials (AWS_CONTAINER_CREDENTIALS_*_URI not set)");
    if (metadata_disabled()) {
        ld_strlist_push(looked, "instance metadata (AWS_EC2_METADATA_DISABLED=true)");
        return 0;
    }
    ld_error e2 = LD_ERROR_INIT;
    rc = ld_aws_imds_credentials(out, &e2);
    if (rc == 0)
        return 1;
    if (rc != LD_ERR_NOT_FOUND) {
        *err = e2;
        return rc;
    }
    ld_strlist_push(looked, e2.msg);
    return 0;
}

static int resolve_chain(const ld_aws_credentials_options *o, aws_files *f, ld_aws_credentials *out,
                         ld_strlist *looked, ld_error *err)
{
    const char *env_profile = env_nonempty("AWS_PROFILE");
    const char *profile = o->profile ? o->profile : env_profile ? env_profile : "default";
    bool named = o->profile || env_profile;
    int rc;
    if (!o->profile) {
        rc = from_env(out, err);
        if (rc != 0)
            return rc;
        ld_strlist_push(looked, "the environment (AWS_ACCESS_KEY_ID)");
    }
    bool exists = false;
    rc = from_files(f, profile, out, &exists, err);
    if (rc != 0)
        return rc;
    ld_strlist_push_owned(
        looked,
        ld_xasprintf("%s [%s]", f->cred_path ? f->cred_path : "(no $HOME) credentials", profile));
    ld_strlist_push_owned(
        looked, ld_xasprintf("%s [%s%s]", f->config_path ? f->config_path : "(no $HOME) config",
                             strcmp(profile, "default") ? "profile " : "", profile));
    if (named && !exists)
        return ld_error_set(err, LD_ERR_INVALID,
                            "AWS profile '%s' is in neither %s nor %s; check --profile or "
                            "AWS_PROFILE (`aws configure list-profiles` lists them)",
                            profile, f->cred_path ? f->cred_path : "the credentials file",
                            f->config_path ? f->config_path : "the config file");
    if (o->profile)
        return ld_error_set(err, LD_ERR_INVALID,
                            "AWS profile '%s' has no credentials (no keys, no "
                            "credential_process) in %s or %s",
                            profile, f->cred_path, f->config_path);
    if (o->no_metadata) {
        ld_strlist_push(looked, "not the metadata endpoints (skipped)");
        return 0;
    }
    return from_metadata(out, looked, err);
}

int ld_aws_credentials_resolve(const ld_aws_credentials_options *o, ld_aws_credentials *out,
                               ld_error *err)
{
    static const ld_aws_credentials_options none = {0};
    o = o ? o : &none;
    memset(out, 0, sizeof(*out));
    time_t now = o->now ? o->now : time(NULL);
    aws_files f;
    int rc = aws_files_load(&f, err);
    ld_strlist looked = {0};
    if (rc == 0)
        rc = resolve_chain(o, &f, out, &looked, err);
    if (rc == 0) {
        ld_autofree char *where = ld_strlist_join(&looked, ", ");
        rc = ld_error_set(err, LD_ERR_NOT_FOUND,
                          "no AWS credentials found; looked in %s. Set AWS_ACCESS_KEY_ID and "
                          "AWS_SECRET_ACCESS_KEY, or name a profile with --profile",
                          where);
    } else if (rc == 1) {
        const char *prof = o->profile ? o->profile : env_nonempty("AWS_PROFILE");
        out->region = region_of(&f, prof ? prof : "default");
        rc = check_expiry(out, now, err);
    }
    ld_strlist_clear(&looked);
    aws_files_clear(&f);
    if (rc < 0)
        ld_aws_credentials_clear(out);
    return rc < 0 ? rc : 0;
}

char *ld_aws_region_default(const char *profile)
{
    const char *r = env_nonempty("AWS_REGION");
    if (!r)
        r = env_nonempty("AWS_DEFAULT_REGION");
    if (r)
        return ld_xstrdup(r);
    if (!profile)
        profile = env_nonempty("AWS_PROFILE");
    aws_files f;
    ld_error err = LD_ERROR_INIT;
    char *out = NULL;
    if (aws_files_load(&f, &err) == 0)
        out = region_of(&f, profile ? profile : "default");
    aws_files_clear(&f);
    return out;
}
