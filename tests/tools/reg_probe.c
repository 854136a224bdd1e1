/* reg_probe: the registry client (src/registry/client.h) as a command, for
 * the end-to-end tests: one operation per run, results as "key=value"
 * lines on stdout, then what the client used (transport, auth scheme,
 * credential source). Errors: one line "reg_probe: ERROR-KIND: message" on
 * stderr and exit status 10 + (-ld_errcode) (12 not found, 14
 * unreachable, 15 corrupt, 16 invalid, 18 limit); 2 for usage.
 *
 *   reg_probe [OPTIONS] get-manifest REF
 *   reg_probe [OPTIONS] head REF
 *   reg_probe [OPTIONS] get-blob HOST/REPO DIGEST [SIZE]   streamed; prints sha256 and size
 *   reg_probe [OPTIONS] small-blob HOST/REPO DIGEST
 *   reg_probe [OPTIONS] tags HOST/REPO
 *   reg_probe [OPTIONS] catalog HOST
 *   reg_probe [OPTIONS] put-blob HOST/REPO FILE
 *   reg_probe [OPTIONS] put-manifest REF FILE MEDIA-TYPE
 *   reg_probe [OPTIONS] delete HOST/REPO@DIGEST
 *
 * OPTIONS: --cacert FILE --certs-dir DIR --insecure HOST --username USER
 * (password from the first line of stdin) --docker-config FILE --retries N
 * --retry-base MS --redirects N --page N --max N --timeout SECONDS
 * --parallel N (get-blob: N streams of the same blob at once on threads). */
#include <getopt.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "registry/client.h"
#include "util/input_file.h"
#include "util/mem.h"

static int fail(const ld_error *err)
{
    fprintf(stderr, "reg_probe: %s: %s\n", ld_errcode_name(err->code), err->msg);
    return 10 - (int)err->code;
}

static int usage(void)
{
    fprintf(stderr, "usage: reg_probe [OPTIONS] get-manifest|head|get-blob|small-blob|tags|"
                    "catalog|put-blob|put-manifest|delete ARGS\n");
    return 2;
}

static long number(const char *s)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 0) {
        fprintf(stderr, "reg_probe: not a number: %s\n", s);
        exit(2);
    }
    return v;
}

static void print_used(ld_reg_client *c)
{
    static const char *names[] = {"unknown", "tls", "tls-unverified", "plain"};
    const char *src = ld_reg_credential_source(c);
    printf("transport=%s\nauth=%s\ncredentials=%s\n", names[ld_reg_transport_used(c)],
           ld_reg_auth_scheme(c), src ? src : "none");
}

/* "host/repo" -> host and repo (new strings) through the reference parser. */
static int split_repo(const char *s, ld_reg_ref *ref, ld_error *err)
{
    return ld_reg_ref_parse(s, ref, err);
}

typedef struct {
    ld_reg_client *c;
    const char *repo, *digest;
    uint64_t size;
    char sum[72];
    uint64_t bytes;
    ld_error err;
    int rc;
} stream_job;

static void *stream_blob(void *ud)
{
    stream_job *j = ud;
    ld_reg_blob *b = ld_reg_blob_open(j->c, j->repo, j->digest, j->size);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    uint8_t buf[65536];
    for (;;) {
        ssize_t n = ld_reg_blob_read(b, buf, sizeof(buf), &j->err);
        if (n < 0) {
            j->rc = (int)n;
            break;
        }
        if (n == 0)
            break;
        EVP_DigestUpdate(md, buf, (size_t)n);
    }
    unsigned char out[32];
    unsigned int outlen = 0;
    EVP_DigestFinal_ex(md, out, &outlen);
    EVP_MD_CTX_free(md);
    memcpy(j->sum, "sha256:", 7);
    for (unsigned i = 0; i < outlen; i++)
        snprintf(j->sum + 7 + 2 * i, 3, "%02x", out[i]);
    j->bytes = ld_reg_blob_bytes(b);
    ld_reg_blob_close(b);
    return NULL;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"cacert", required_argument, NULL, 'c'},
                                         {"certs-dir", required_argument, NULL, 'd'},
                                         {"insecure", required_argument, NULL, 'i'},
                                         {"username", required_argument, NULL, 'u'},
                                         {"docker-config", required_argument, NULL, 'C'},
                                         {"retries", required_argument, NULL, 'r'},
                                         {"retry-base", required_argument, NULL, 'b'},
                                         {"redirects", required_argument, NULL, 'R'},
                                         {"page", required_argument, NULL, 'p'},
                                         {"max", required_argument, NULL, 'm'},
                                         {"timeout", required_argument, NULL, 't'},
                                         {"parallel", required_argument, NULL, 'P'},
                                         {NULL, 0, NULL, 0}};
    ld_reg_options o = {0};
    ld_strlist insecure = {0};
    char password[4097] = "";
    size_t page = 0, max = 0;
    int parallel = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'c': o.cacert = optarg; break;
        case 'd': o.certs_dir = optarg; break;
        case 'i': ld_strlist_push(&insecure, optarg); break;
        case 'u': o.username = optarg; break;
        case 'C': o.docker_config = optarg; break;
        case 'r': o.max_retries = number(optarg) ? (int)number(optarg) : -1; break;
        case 'b': o.retry_base_ms = number(optarg); break;
        case 'R': o.max_redirects = (int)number(optarg); break;
        case 'p': page = (size_t)number(optarg); break;
        case 'm': max = (size_t)number(optarg); break;
        case 't': o.timeouts.request_ms = number(optarg) * 1000; break;
        case 'P': parallel = (int)number(optarg); break;
        default: return usage();
        }
    }
    if (o.username) {
        if (!fgets(password, sizeof(password), stdin))
            password[0] = '\0';
        password[strcspn(password, "\r\n")] = '\0';
        o.password = password;
    }
    o.insecure = &insecure;
    if (optind >= argc)
        return usage();
    const char *cmd = argv[optind];
    int nargs = argc - optind - 1;
    char **args = argv + optind + 1;
    ld_error err = LD_ERROR_INIT;
    ld_reg_ref ref = {0};
    const char *host = NULL;
    if (nargs < 1)
        return usage();
    if (strcmp(cmd, "catalog") == 0) {
        host = args[0];
    } else {
        if (split_repo(args[0], &ref, &err) < 0)
            return fail(&err);
        host = ref.endpoint;
    }
    ld_reg_client *c = ld_reg_open(host, &o, &err);
    explicit_bzero(password, sizeof(password));
    if (!c)
        return fail(&err);
    int rc = 0;
    if (strcmp(cmd, "get-manifest") == 0) {
        ld_reg_manifest m;
        if ((rc = ld_reg_get_manifest(c, ref.repo, ld_reg_ref_reference(&ref), &m, &err)) == 0) {
            printf("digest=%s\nmedia_type=%s\nsize=%zu\n", m.digest,
                   m.media_type ? m.media_type : "", m.len);
            ld_reg_manifest_clear(&m);
        }
    } else if (strcmp(cmd, "head") == 0) {
        char *digest = NULL, *mt = NULL;
        uint64_t size = 0;
        if ((rc = ld_reg_head_manifest(c, ref.repo, ld_reg_ref_reference(&ref), &digest, &mt, &size,
                                       &err)) == 0)
            printf("digest=%s\nmedia_type=%s\nsize=%llu\n", digest, mt ? mt : "",
                   (unsigned long long)size);
        free(digest);
        free(mt);
    } else if (strcmp(cmd, "get-blob") == 0 && nargs >= 2) {
        uint64_t size = nargs >= 3 ? (uint64_t)number(args[2]) : 0;
        if (parallel < 1 || parallel > 64)
            return usage();
        stream_job *jobs = ld_xcalloc((size_t)parallel, sizeof(*jobs));
        pthread_t *th = ld_xcalloc((size_t)parallel, sizeof(*th));
        for (int i = 0; i < parallel; i++) {
            jobs[i] = (stream_job){.c = c, .repo = ref.repo, .digest = args[1], .size = size};
            pthread_create(&th[i], NULL, stream_blob, &jobs[i]);
        }
        for (int i = 0; i < parallel; i++)
            pthread_join(th[i], NULL);
        for (int i = 0; i < parallel && rc == 0; i++) {
            if (jobs[i].rc < 0) {
                rc = jobs[i].rc;
                err = jobs[i].err;
            } else {
                printf("sha256=%s\nbytes=%llu\n", jobs[i].sum, (unsigned long long)jobs[i].bytes);
            }
        }
        free(jobs);
        free(th);
    } else if (strcmp(cmd, "small-blob") == 0 && nargs >= 2) {
        uint8_t *buf = NULL;
        size_t len = 0;
        if ((rc = ld_reg_get_blob(c, ref.repo, args[1], max, &buf, &len, &err)) == 0)
            printf("bytes=%zu\n", len);
        free(buf);
    } else if (strcmp(cmd, "tags") == 0) {
        ld_strlist tags = {0};
        rc = ld_reg_list_tags_paged(c, ref.repo, page, max, &tags, &err);
        for (size_t i = 0; i < tags.n; i++)
            printf("tag=%s\n", tags.v[i]);
        if (rc == 0)
            printf("count=%zu\n", tags.n);
        ld_strlist_clear(&tags);
    } else if (strcmp(cmd, "catalog") == 0) {
        ld_strlist repos = {0};
        rc = ld_reg_catalog_paged(c, page, max, &repos, &err);
        for (size_t i = 0; i < repos.n; i++)
            printf("repo=%s\n", repos.v[i]);
        if (rc == 0)
            printf("count=%zu\n", repos.n);
        ld_strlist_clear(&repos);
    } else if (strcmp(cmd, "put-blob") == 0 && nargs >= 2) {
        char *data = NULL, *digest = NULL;
        size_t len = 0;
        if ((rc = ld_input_read(args[1], "blob", (size_t)256 << 20, &data, &len, &err)) == 0 &&
            (rc = ld_reg_put_blob(c, ref.repo, data, len, &digest, &err)) == 0)
            printf("digest=%s\n", digest);
        free(data);
        free(digest);
    } else if (strcmp(cmd, "put-manifest") == 0 && nargs >= 3) {
        char *data = NULL, *digest = NULL;
        size_t len = 0;
        if ((rc = ld_input_read(args[1], "manifest", LD_REG_MAX_MANIFEST_BYTES, &data, &len,
                                &err)) == 0 &&
            (rc = ld_reg_put_manifest(c, ref.repo, ld_reg_ref_reference(&ref), args[2], data, len,
                                      &digest, &err)) == 0)
            printf("digest=%s\n", digest);
        free(data);
        free(digest);
    } else if (strcmp(cmd, "delete") == 0) {
        if (!ref.digest) {
            fprintf(stderr, "reg_probe: delete needs REPO@DIGEST\n");
            return 2;
        }
        if ((rc = ld_reg_delete_manifest(c, ref.repo, ref.digest, &err)) == 0)
            printf("deleted=%s\n", ref.digest);
    } else {
        return usage();
    }
    print_used(c);
    ld_reg_close(c);
    ld_reg_ref_clear(&ref);
    ld_strlist_clear(&insecure);
    if (rc < 0)
        return fail(&err);
    return 0;
}
