/* Registry credentials from the Docker CLI's config.json ($DOCKER_CONFIG/
 * config.json, else ~/.docker/config.json, or the file named): a
 * "credHelpers" entry for the host, else the "credsStore" for every host
 * (both asked through credentials.c's helper protocol), else the "auths"
 * entry for the host ("auth": base64 of user:password, or "username" and
 * "password"; "identitytoken"). Keys of "auths" are matched as the CLI
 * does: exactly, then by their host name ("https://host/v1/" -> "host");
 * docker.io is also found as https://index.docker.io/v1/, index.docker.io
 * and registry-1.docker.io. Every secret the document held is wiped before
 * it is freed; no message quotes the document. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "registry/client_internal.h"
#include "registry/credentials.h"
#include "util/cleanup.h"
#include "util/input_file.h"
#include "util/json_budget.h"
#include "util/mem.h"

#define CONFIG_MAX ((size_t)4 * 1024 * 1024)
#define AUTH_B64_MAX ((size_t)16 * 1024)
#define DOCKER_HUB_URL "https://index.docker.io/v1/"

static const ld_json_limits config_limits = {
    .max_values = 200000, .max_containers = 50000, .max_depth = 32};

static bool is_docker_hub(const char *host)
{
    return strcmp(host, "docker.io") == 0 || strcmp(host, "index.docker.io") == 0 ||
           strcmp(host, "registry-1.docker.io") == 0;
}

/* "https://host:5000/v1/" -> "host:5000" (new string). */
static char *key_hostname(const char *key)
{
    const char *p = key;
    if (strncasecmp(p, "https://", 8) == 0)
        p += 8;
    else if (strncasecmp(p, "http://", 7) == 0)
        p += 7;
    char *h = ld_xstrndup(p, strcspn(p, "/"));
    for (char *q = h; *q; q++)
        if (*q >= 'A' && *q <= 'Z')
            *q = (char)(*q - 'A' + 'a');
    return h;
}

static bool key_matches(const char *key, const char *host)
{
    ld_autofree char *h = key_hostname(key);
    if (strcmp(h, host) == 0)
        return true;
    return is_docker_hub(host) && is_docker_hub(h);
}

/* The value under the key for host in obj: an exact key first, then by host name. */
static json_t *entry_for(json_t *obj, const char *host)
{
    if (!json_is_object(obj))
        return NULL;
    json_t *v = json_object_get(obj, host);
    if (!v && is_docker_hub(host))
        v = json_object_get(obj, DOCKER_HUB_URL);
    if (v)
        return v;
    const char *key;
    json_object_foreach(obj, key, v)
    {
        if (key_matches(key, host))
            return v;
    }
    return NULL;
}

static int b64_value(char ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '+')
        return 62;
    if (ch == '/')
        return 63;
    return -1;
}

/* Standard base64 (padding optional) into a new NUL-terminated string;
 * NULL when it is not base64 or decodes to a NUL byte. */
static char *b64_decode(const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '=')
        n--;
    if (n % 4 == 1 || strlen(s) - n > 2)
        return NULL;
    char *out = ld_xmalloc(n * 3 / 4 + 1);
    size_t k = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64_value(s[i]);
        if (v < 0) {
            explicit_bzero(out, k);
            free(out);
            return NULL;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            char ch = (char)((acc >> bits) & 0xFF);
            if (ch == '\0') {
                explicit_bzero(out, k);
                free(out);
                return NULL;
            }
            out[k++] = ch;
        }
    }
    out[k] = '\0';
    explicit_bzero(&acc, sizeof(acc));
    return out;
}

/* Zeroes every string under v (the document held secrets). */
static void wipe_strings(json_t *v, int depth)
{
    if (depth > 64)
        return;
    if (json_is_string(v)) {
        explicit_bzero((char *)json_string_value(v), json_string_length(v));
    } else if (json_is_object(v)) {
        const char *key;
        json_t *x;
        json_object_foreach(v, key, x) wipe_strings(x, depth + 1);
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) wipe_strings(x, depth + 1);
    }
}

static int from_auths(const char *name, json_t *doc, const char *host, ld_reg_cred *out,
                      ld_error *err)
{
    json_t *e = entry_for(json_object_get(doc, "auths"), host);
    if (!e)
        return ld_error_set(err, LD_ERR_NOT_FOUND, "%s: no credentials for %s", name, host);
    if (!json_is_object(e))
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: auths entry for %s is not an object", name,
                            host);
    const char *auth = json_string_value(json_object_get(e, "auth"));
    const char *user = json_string_value(json_object_get(e, "username"));
    const char *pass = json_string_value(json_object_get(e, "password"));
    const char *idt = json_string_value(json_object_get(e, "identitytoken"));
    if (auth && *auth) {
        if (strlen(auth) > AUTH_B64_MAX)
            return ld_error_set(err, LD_ERR_LIMIT,
                                "%s: auths entry for %s: \"auth\" is over %zu KiB", name, host,
                                AUTH_B64_MAX / 1024);
        char *pair = b64_decode(auth);
        char *colon = pair ? strchr(pair, ':') : NULL;
        if (!colon) {
            reg_secret_free(pair);
            return ld_error_set(err, LD_ERR_CORRUPT,
                                "%s: auths entry for %s: \"auth\" is not base64 of "
                                "user:password",
                                name, host);
        }
        *colon = '\0';
        out->username = ld_xstrdup(pair);
        out->password = ld_xstrdup(colon + 1);
        *colon = ':';
        reg_secret_free(pair);
    } else if (user && pass) {
        out->username = ld_xstrdup(user);
        out->password = ld_xstrdup(pass);
    }
    if (idt && *idt)
        out->identity_token = ld_xstrdup(idt);
    if (!out->username && !out->identity_token)
        return ld_error_set(err, LD_ERR_NOT_FOUND, "%s: no credentials for %s", name, host);
    out->source = ld_xasprintf("config.json auths (%s)", name);
    return 0;
}

static int from_helper(const char *name, const char *helper, const char *host, bool no_exec,
                       ld_reg_cred *out, ld_error *err)
{
    const char *url = is_docker_hub(host) ? DOCKER_HUB_URL : host;
    if (no_exec) {
        if (!reg_cred_helper_name_ok(helper))
            return ld_error_set(err, LD_ERR_INVALID, "%s: credential helper name not allowed",
                                name);
        return ld_error_set(err, LD_ERR_UNSUPPORTED, "%s: would ask docker-credential-%s for %s",
                            name, helper, url);
    }
    int rc = reg_cred_helper_get(helper, url, REG_CRED_HELPER_TIMEOUT_MS, out, err);
    if (rc < 0)
        ld_error_wrap(err, "%s", name);
    return rc;
}

int reg_cred_lookup_text(const char *name, const char *text, size_t len, const char *host,
                         bool no_exec, ld_reg_cred *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    ld_error lerr = LD_ERROR_INIT;
    json_t *doc = ld_json_load_bounded(name, text, len, 0, &config_limits, &lerr);
    if (!doc) /* jansson's message may quote a secret: not passed on */
        return ld_error_set(err, lerr.code == LD_ERR_LIMIT ? LD_ERR_LIMIT : LD_ERR_CORRUPT,
                            "%s: not a valid Docker config file (JSON)", name);
    int rc;
    if (!json_is_object(doc)) {
        rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: not a JSON object", name);
        goto out;
    }
    json_t *helper = entry_for(json_object_get(doc, "credHelpers"), host);
    const char *store = json_string_value(json_object_get(doc, "credsStore"));
    if (helper) {
        if (!json_is_string(helper) || !json_string_value(helper)[0]) {
            rc = ld_error_set(err, LD_ERR_CORRUPT, "%s: credHelpers entry for %s is not a name",
                              name, host);
            goto out;
        }
        rc = from_helper(name, json_string_value(helper), host, no_exec, out, err);
    } else if (store && *store) {
        rc = from_helper(name, store, host, no_exec, out, err);
    } else {
        rc = from_auths(name, doc, host, out, err);
    }
out:
    wipe_strings(doc, 0);
    json_decref(doc);
    if (rc < 0)
        ld_reg_cred_clear(out);
    return rc;
}

/* $DOCKER_CONFIG/config.json, else ~/.docker/config.json; NULL when neither can be named. */
static char *default_config_path(void)
{
    const char *dir = getenv("DOCKER_CONFIG");
    if (dir && *dir)
        return ld_xasprintf("%s/config.json", dir);
    const char *home = getenv("HOME");
    if (home && *home)
        return ld_xasprintf("%s/.docker/config.json", home);
    return NULL;
}

int ld_reg_cred_lookup(const char *host, const char *config_path, ld_reg_cred *out, ld_error *err)
{
    memset(out, 0, sizeof(*out));
    ld_autofree char *path = config_path ? ld_xstrdup(config_path) : default_config_path();
    if (!path)
        return ld_error_set(err, LD_ERR_NOT_FOUND, "no Docker config file (HOME is not set)");
    char *text = NULL;
    size_t len = 0;
    int rc = ld_input_read(path, "Docker config file", CONFIG_MAX, &text, &len, err);
    if (rc < 0)
        return rc;
    ld_autofree char *lower = ld_xstrdup(host);
    for (char *q = lower; *q; q++)
        if (*q >= 'A' && *q <= 'Z')
            *q = (char)(*q - 'A' + 'a');
    rc = reg_cred_lookup_text(path, text, len, lower, false, out, err);
    explicit_bzero(text, len);
    free(text);
    return rc;
}
