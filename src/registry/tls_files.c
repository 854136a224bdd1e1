/* The TLS material of a registry client, read once when it is opened:
 * the --cacert bundle (trusted alone, as curl --cacert does), else the
 * Docker convention of /etc/docker/certs.d/HOST/: every *.crt a CA
 * (trusted next to the system's store, as the Docker engine does), every
 * *.cert a client certificate whose key is the *.key of the same name (the
 * first pair in name order is presented; a certificate without its key or
 * a key without its certificate is an error, as for docker). Files are
 * read as input files (regular files only, size-capped). */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "registry/client_internal.h"
#include "util/cleanup.h"
#include "util/input_file.h"
#include "util/mem.h"

#define PEM_FILE_MAX ((size_t)4 * 1024 * 1024)
#define CERTS_DIR_FILES_MAX 256

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcmp(s + n - k, suffix) == 0;
}

static int append_file(const char *path, const char *what, char **buf, size_t *len, ld_error *err)
{
    char *data = NULL;
    size_t n = 0;
    int rc = ld_input_read(path, what, PEM_FILE_MAX, &data, &n, err);
    if (rc < 0)
        return rc;
    if (*len + n + 1 > PEM_FILE_MAX) {
        free(data);
        return ld_error_set(err, LD_ERR_LIMIT, "%s: the CA files are larger than %zu MiB in all",
                            path, PEM_FILE_MAX >> 20);
    }
    *buf = ld_xrealloc(*buf, *len + n + 2);
    memcpy(*buf + *len, data, n);
    *len += n;
    (*buf)[(*len)++] = '\n';
    (*buf)[*len] = '\0';
    free(data);
    return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int load_certs_dir(ld_reg_client *c, const char *dir, ld_error *err)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, by_name);
    if (n < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0; /* no directory for this host: the system's store */
        return ld_error_set_errno(err, LD_ERR_INVALID, errno, "cannot read %s", dir);
    }
    int rc = 0;
    if (n > CERTS_DIR_FILES_MAX) {
        rc = ld_error_set(err, LD_ERR_LIMIT, "%s: more than %d files", dir, CERTS_DIR_FILES_MAX);
        goto out;
    }
    for (int i = 0; i < n && rc == 0; i++) {
        const char *name = names[i]->d_name;
        if (name[0] == '.')
            continue;
        ld_autofree char *path = ld_xasprintf("%s/%s", dir, name);
        if (ends_with(name, ".crt")) {
            rc = append_file(path, "CA certificate", &c->ca_pem, &c->ca_len, err);
        } else if (ends_with(name, ".cert")) {
            ld_autofree char *key = ld_xasprintf("%s/%.*s.key", dir, (int)(strlen(name) - 5), name);
            struct stat st;
            if (stat(key, &st) < 0) {
                rc = ld_error_set(err, LD_ERR_INVALID, "%s: client certificate without its key %s",
                                  path, key);
                break;
            }
            if (c->cert_pem)
                continue; /* curl presents one: the first in name order */
            size_t len = 0;
            if ((rc = ld_input_read(path, "client certificate", PEM_FILE_MAX, &c->cert_pem, &len,
                                    err)) < 0)
                break;
            c->cert_len = len;
            if ((rc = ld_input_read(key, "client key", PEM_FILE_MAX, &c->key_pem, &len, err)) < 0)
                break;
            c->key_len = len;
        } else if (ends_with(name, ".key")) {
            ld_autofree char *cert =
                ld_xasprintf("%s/%.*s.cert", dir, (int)(strlen(name) - 4), name);
            struct stat st;
            if (stat(cert, &st) < 0)
                rc = ld_error_set(err, LD_ERR_INVALID, "%s: key without its client certificate %s",
                                  path, cert);
        }
    }
    if (rc == 0 && (c->ca_pem || c->cert_pem))
        c->ca_source = ld_xstrdup(dir);
out:
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

/* certs.d adds to the system's store: a CA blob replaces libcurl's default
 * CA file (its default CA directory stays in use), so the default file is
 * added to the blob; unreadable or absent, the directory alone serves. */
static void append_system_bundle(ld_reg_client *c)
{
    CURL *h = curl_easy_init();
    char *path = NULL;
    if (!h)
        abort();
    if (curl_easy_getinfo(h, CURLINFO_CAINFO, &path) == CURLE_OK && path && *path) {
        ld_error ignored = LD_ERROR_INIT;
        (void)append_file(path, "system CA bundle", &c->ca_pem, &c->ca_len, &ignored);
    }
    curl_easy_cleanup(h);
}

int reg_tls_load(ld_reg_client *c, const char *cacert, const char *certs_dir, ld_error *err)
{
    if (cacert) {
        int rc = append_file(cacert, "CA bundle (--cacert)", &c->ca_pem, &c->ca_len, err);
        if (rc < 0)
            return rc;
        c->ca_only = true;
        c->ca_source = ld_xasprintf("--cacert %s", cacert);
    }
    const char *root = certs_dir ? certs_dir : "/etc/docker/certs.d";
    /* the host names a directory: nothing that could leave root */
    if (strchr(c->host, '/') || c->host[0] == '.')
        return ld_error_set(err, LD_ERR_INVALID, "registry host \"%.200s\" is not a host name",
                            c->host);
    ld_autofree char *dir = ld_xasprintf("%s/%s", root, c->host);
    if (cacert) {
        /* the CA is given; a client certificate may still be in certs.d */
        char *keep = c->ca_pem;
        size_t keep_len = c->ca_len;
        c->ca_pem = NULL;
        c->ca_len = 0;
        free(c->ca_source); /* load_certs_dir names its own source when it finds a CA */
        c->ca_source = NULL;
        int rc = load_certs_dir(c, dir, err);
        free(c->ca_pem);
        c->ca_pem = keep;
        c->ca_len = keep_len;
        free(c->ca_source);
        c->ca_source = ld_xasprintf("--cacert %s", cacert);
        return rc;
    }
    int rc = load_certs_dir(c, dir, err);
    if (rc == 0 && c->ca_pem)
        append_system_bundle(c);
    return rc;
}
