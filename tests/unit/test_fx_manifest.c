/* Unit tests for the capture manifest (forensics/manifest.c): what the
 * writer puts in manifest.json reads back the same, in the documented key
 * order, with RFC 3339 UTC nanosecond times; the signature file is the
 * base64 of a DER ECDSA signature over the exact bytes, without a newline
 * (what `cosign sign-blob --output-signature` writes), checked here apart
 * from lockdown with the openssl command line; a manifest is never
 * replaced; and the reader refuses hostile manifests (paths out of the
 * bundle, duplicates, wrong types, huge numbers, deep nesting) with a
 * message naming the field. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "forensics/bundle.h"
#include "forensics/manifest.h"
#include "trust/keys.h"
#include "trust/trust_b64.h"
#include "util/mem.h"

#include "test_fx_util.h"
#include "test_skip.h"

extern char **environ;

static ld_key *gen_key;

static int setup(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    gen_key = ld_key_generate(&err);
    return gen_key ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ld_key_free(gen_key);
    return 0;
}

/* 2023-11-14T22:13:20Z is 1700000000 seconds after the epoch. */
#define T_START 1700000000123456789LL
#define T_END 1700000061000000001LL

static void fill_records(ld_fx_custody *c, ld_fx_container_info *ci,
                         ld_fx_capture_options_record *o)
{
    static char *argv[] = {"lockdown", "capture", "web", "--key", "<redacted>"};
    static const char *digests[] = {
        "lockdown-test/busybox@sha256:"
        "0000000000000000000000000000000000000000000000000000000000000001"};
    memset(c, 0, sizeof(*c));
    c->tool_version = "9.8.7";
    c->hostname = "host-\xe2\x80\xae-1"; /* a bidi override: escaped, still one string */
    c->machine_id = "0123456789abcdef0123456789abcdef";
    c->boot_id = "b00t";
    c->uid = 0;
    c->euid = 0;
    c->user_name = "root";
    c->sudo_user = "alice";
    c->loginuid = 1000;
    c->command_line = argv;
    c->n_command_line = 5;
    c->started_ns = T_START;
    c->ended_ns = T_END;
    c->freeze.method = LD_FX_FREEZE_CGROUP_V1;
    c->freeze.frozen_ns = T_START + 1000;
    c->freeze.thawed_ns = T_START + 250001000;
    c->freeze.interval_ns = 250000000;
    c->freeze.thawed_by = "lockdown";
    snprintf(c->freeze.note, sizeof c->freeze.note, "froze \"web\" in 2 tries");
    memset(ci, 0, sizeof(*ci));
    ci->id = "4f1c0ffee";
    ci->name = "web";
    ci->image = "lockdown-test/busybox:1";
    ci->image_id = "sha256:abcd";
    ci->image_digests = digests;
    ci->n_image_digests = 1;
    ci->engine = "unix:///var/run/docker.sock";
    ci->state_at_capture = "running";
    memset(o, 0, sizeof(*o));
    o->memory = "anon";
    o->freeze = true;
    o->max_memory = (uint64_t)8 << 30;
    o->max_fs = UINT64_MAX; /* past int64: written as the largest */
    o->max_logs = 256 << 20;
}

/* A bundle with three artifacts and two notes; the manifest written with key. */
static char *make_bundle(char *tmp, const ld_key *key, int *rc_out)
{
    char *dir = fx_path(tmp, "b");
    ld_error err = LD_ERROR_INIT;
    ld_fx_bundle *b = ld_fx_bundle_create(dir, &err);
    assert_non_null(b);
    ld_fx_bundle_set_frozen(b, true);
    assert_int_equal(ld_fx_bundle_write_file(b, "processes/1/status", LD_FX_KIND_PROC_FILE,
                                             "Name:\tsh\n", 9, &err),
                     0);
    ld_fx_bundle_set_frozen(b, false);
    ld_fx_artifact *a = NULL;
    assert_int_equal(ld_fx_artifact_open(b, "container/logs/stdout.log", LD_FX_KIND_LOGS, &a, &err),
                     0);
    assert_int_equal(ld_fx_artifact_write(a, "hello\n", 6, &err), 0);
    ld_fx_artifact_note(a, true, "stopped at 6 bytes (--max-logs)");
    assert_int_equal(ld_fx_artifact_close(a, &err), 0);
    assert_int_equal(
        ld_fx_bundle_write_file(b, "host/context.json", LD_FX_KIND_HOST, "{}", 2, &err), 0);
    ld_fx_bundle_note(b, "process 7 exited during the capture");
    ld_fx_bundle_note(b, "second note");
    ld_fx_custody c;
    ld_fx_container_info ci;
    ld_fx_capture_options_record o;
    fill_records(&c, &ci, &o);
    *rc_out = ld_fx_manifest_write(b, &c, &ci, &o, key, &err);
    ld_fx_bundle_free(b);
    return dir;
}

static void test_write_read_roundtrip(void **state)
{
    (void)state;
    char *tmp = fx_tmpdir();
    int rc = -1;
    char *dir = make_bundle(tmp, NULL, &rc);
    assert_int_equal(rc, 0);
    char *mp = fx_path(dir, LD_FX_MANIFEST);
    char *sp = fx_path(dir, LD_FX_SIGNATURE);
    struct stat st;
    assert_int_equal(lstat(sp, &st), -1); /* unsigned: no .sig */
    char *tmpname = fx_path(dir, "manifest.json.tmp");
    assert_int_equal(lstat(tmpname, &st), -1);
    free(tmpname);
    size_t len = 0;
    char *text = (char *)fx_read(mp, &len);
    assert_non_null(text);
    text = ld_xrealloc(text, len + 1);
    text[len] = '\0';

    /* documented key order */
    const char *order[] = {"\"schema\"",  "\"custody\"",   "\"tool\"",         "\"tool_version\"",
                           "\"host\"",    "\"user\"",      "\"command_line\"", "\"started\"",
                           "\"ended\"",   "\"freeze\"",    "\"method\"",       "\"frozen\"",
                           "\"thawed\"",  "\"frozen_ns\"", "\"thawed_by\"",    "\"container\"",
                           "\"options\"", "\"artifacts\"", "\"notes\""};
    const char *prev = text;
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        const char *at = strstr(prev, order[i]);
        if (!at)
            fail_msg("%s missing or out of order", order[i]);
        prev = at;
    }
    assert_null(strstr(text, "signing_key"));
    assert_non_null(strstr(text, "\"started\": \"2023-11-14T22:13:20.123456789Z\""));
    assert_non_null(strstr(text, "\"ended\": \"2023-11-14T22:14:21.000000001Z\""));
    assert_non_null(strstr(text, "\"max_fs\": 9223372036854775807"));
    assert_non_null(strstr(text, "\"loginuid\": 1000"));
    assert_non_null(strstr(text, "\\u202e")); /* the override never raw */

    ld_fx_manifest m;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fx_manifest_parse(text, len, &m, &err), 0);
    assert_string_equal(m.schema, LD_FX_SCHEMA);
    assert_string_equal(m.tool_version, "9.8.7");
    assert_string_equal(m.user_name, "root");
    assert_string_equal(m.started, "2023-11-14T22:13:20.123456789Z");
    assert_string_equal(m.freeze_method, "cgroup-v1-freezer");
    assert_string_equal(m.thawed_by, "lockdown");
    assert_string_equal(m.freeze_note, "froze \"web\" in 2 tries");
    assert_int_equal(m.frozen_ns_interval, 250000000);
    assert_string_equal(m.container_id, "4f1c0ffee");
    assert_string_equal(m.container_name, "web");
    assert_string_equal(m.image, "lockdown-test/busybox:1");
    assert_string_equal(m.image_id, "sha256:abcd");
    assert_string_equal(m.memory_mode, "anon");
    assert_null(m.signing_key);
    assert_int_equal(m.n_entries, 3);
    assert_string_equal(m.entries[0].path, "processes/1/status");
    assert_string_equal(m.entries[0].kind, LD_FX_KIND_PROC_FILE);
    assert_int_equal(m.entries[0].size, 9);
    assert_true(m.entries[0].frozen);
    assert_false(m.entries[0].truncated);
    assert_null(m.entries[0].note);
    char hex[65];
    fx_sha256_hex("Name:\tsh\n", 9, hex);
    assert_string_equal(m.entries[0].sha256, hex);
    assert_string_equal(m.entries[1].path, "container/logs/stdout.log");
    assert_true(m.entries[1].truncated);
    assert_false(m.entries[1].frozen);
    assert_string_equal(m.entries[1].note, "stopped at 6 bytes (--max-logs)");
    assert_int_equal(m.n_notes, 2);
    assert_string_equal(m.notes[0], "process 7 exited during the capture");
    assert_int_equal(m.raw_len, len);
    assert_memory_equal(m.raw, text, len);
    ld_fx_manifest_clear(&m);

    /* the same through the directory */
    int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    assert_int_equal(ld_fx_manifest_read(dfd, &m, &err), 0);
    assert_int_equal(m.n_entries, 3);
    ld_fx_manifest_clear(&m);
    close(dfd);

    free(text);
    free(mp);
    free(sp);
    free(dir);
    fx_rmtree(tmp);
    free(tmp);
}

/* Runs argv, returns the exit status (-1 when it could not run). */
static int run(char *const argv[])
{
    pid_t pid;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return -1;
    int status = 0;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

static void test_signed_manifest(void **state)
{
    (void)state;
    char *tmp = fx_tmpdir();
    int rc = -1;
    char *dir = make_bundle(tmp, gen_key, &rc);
    assert_int_equal(rc, 0);
    char *mp = fx_path(dir, LD_FX_MANIFEST);
    char *sp = fx_path(dir, LD_FX_SIGNATURE);
    size_t mlen = 0, slen = 0;
    unsigned char *mtext = fx_read(mp, &mlen);
    unsigned char *stext = fx_read(sp, &slen);
    assert_non_null(mtext);
    assert_non_null(stext);
    assert_true(slen > 0);
    assert_int_not_equal(stext[slen - 1], '\n'); /* as cosign writes it: no newline */
    for (size_t i = 0; i < slen; i++)
        assert_non_null(
            strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=", stext[i]));
    uint8_t *der = NULL;
    size_t der_len = 0;
    assert_true(ld_trust_b64_decode_std((const char *)stext, slen, &der, &der_len));
    assert_int_equal(der[0], 0x30); /* a DER SEQUENCE: ECDSA (r, s) */

    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_key_verify(gen_key, mtext, mlen, der, der_len, &err), 0);
    /* one byte changed: no longer verifies */
    mtext[mlen / 2] ^= 1;
    ld_error_clear(&err);
    assert_true(ld_key_verify(gen_key, mtext, mlen, der, der_len, &err) < 0);
    mtext[mlen / 2] ^= 1;

    ld_fx_manifest m;
    assert_int_equal(ld_fx_manifest_parse(mtext, mlen, &m, &err), 0);
    assert_string_equal(m.signing_key, ld_key_fingerprint(gen_key));
    ld_fx_manifest_clear(&m);

    free(der);
    free(mtext);
    free(stext);
    free(mp);
    free(sp);
    free(dir);
    fx_rmtree(tmp);
    free(tmp);
}

/* What cosign verify-blob checks (ECDSA P-256 over SHA-256 of the blob,
 * DER signature), by another implementation: the openssl command line. */
static void test_signature_openssl_interop(void **state)
{
    (void)state;
    if (access("/usr/bin/openssl", X_OK) != 0)
        LD_SKIP_IF_MISSING("/usr/bin/openssl missing (apt-get install openssl)");
    char *tmp = fx_tmpdir();
    int rc = -1;
    char *dir = make_bundle(tmp, gen_key, &rc);
    assert_int_equal(rc, 0);
    char *mp = fx_path(dir, LD_FX_MANIFEST);
    char *sp = fx_path(dir, LD_FX_SIGNATURE);
    size_t mlen = 0, slen = 0;
    unsigned char *mtext = fx_read(mp, &mlen);
    unsigned char *stext = fx_read(sp, &slen);
    uint8_t *der = NULL;
    size_t der_len = 0;
    assert_true(ld_trust_b64_decode_std((const char *)stext, slen, &der, &der_len));
    ld_error err = LD_ERROR_INIT;
    char *pub = ld_key_public_pem(gen_key, &err);
    assert_non_null(pub);
    char *pubp = fx_path(tmp, "key.pub");
    char *derp = fx_path(tmp, "sig.der");
    fx_write(pubp, pub, strlen(pub));
    fx_write(derp, der, der_len);
    char *argv[] = {"/usr/bin/openssl", "dgst", "-sha256", "-verify", pubp,
                    "-signature",       derp,   mp,        NULL};
    assert_int_equal(run(argv), 0);
    /* and it says no to another manifest */
    char *other = fx_path(tmp, "other.json");
    mtext[10] ^= 1;
    fx_write(other, mtext, mlen);
    argv[7] = other;
    assert_int_equal(run(argv), 1);
    free(other);
    free(pub);
    free(pubp);
    free(derp);
    free(der);
    free(mtext);
    free(stext);
    free(mp);
    free(sp);
    free(dir);
    fx_rmtree(tmp);
    free(tmp);
}

static void test_write_refusals(void **state)
{
    (void)state;
    char *tmp = fx_tmpdir();
    char *dir = fx_path(tmp, "b");
    ld_error err = LD_ERROR_INIT;
    ld_fx_bundle *b = ld_fx_bundle_create(dir, &err);
    assert_non_null(b);
    ld_fx_custody c;
    ld_fx_container_info ci;
    ld_fx_capture_options_record o;
    fill_records(&c, &ci, &o);

    /* a public key cannot sign */
    char *pub = ld_key_public_pem(gen_key, &err);
    ld_key *pubk = ld_key_load_public("pub", pub, strlen(pub), &err);
    assert_non_null(pubk);
    assert_true(ld_fx_manifest_write(b, &c, &ci, &o, pubk, &err) < 0);
    assert_int_equal(err.code, LD_ERR_INVALID);
    char *mp = fx_path(dir, LD_FX_MANIFEST);
    struct stat st;
    assert_int_equal(lstat(mp, &st), -1);

    /* the first manifest stays: a second write does not replace it */
    ld_error_clear(&err);
    assert_int_equal(ld_fx_manifest_write(b, &c, &ci, &o, NULL, &err), 0);
    size_t len1 = 0;
    unsigned char *first = fx_read(mp, &len1);
    c.tool_version = "other";
    ld_error_clear(&err);
    assert_true(ld_fx_manifest_write(b, &c, &ci, &o, NULL, &err) < 0);
    size_t len2 = 0;
    unsigned char *second = fx_read(mp, &len2);
    assert_int_equal(len1, len2);
    assert_memory_equal(first, second, len1);
    char *tmpname = fx_path(dir, "manifest.json.tmp");
    assert_int_equal(lstat(tmpname, &st), -1); /* no leftover */

    /* no container id */
    ci.id = NULL;
    ld_error_clear(&err);
    assert_true(ld_fx_manifest_write(b, &c, &ci, &o, NULL, &err) < 0);

    free(tmpname);
    free(first);
    free(second);
    free(mp);
    free(pub);
    ld_key_free(pubk);
    ld_fx_bundle_free(b);
    free(dir);
    fx_rmtree(tmp);
    free(tmp);
}

static void test_freeze_names_and_unfrozen(void **state)
{
    (void)state;
    assert_string_equal(ld_fx_freeze_method_name(LD_FX_FREEZE_NONE), "none");
    assert_string_equal(ld_fx_freeze_method_name(LD_FX_FREEZE_CGROUP_V2), "cgroup-v2");
    assert_string_equal(ld_fx_freeze_method_name(LD_FX_FREEZE_CGROUP_V1), "cgroup-v1-freezer");
    assert_string_equal(ld_fx_freeze_method_name(LD_FX_FREEZE_ENGINE), "engine-pause");

    /* --no-freeze: no frozen times, no interval; reads back as -1 */
    char *tmp = fx_tmpdir();
    char *dir = fx_path(tmp, "b");
    ld_error err = LD_ERROR_INIT;
    ld_fx_bundle *b = ld_fx_bundle_create(dir, &err);
    ld_fx_custody c;
    ld_fx_container_info ci;
    ld_fx_capture_options_record o;
    fill_records(&c, &ci, &o);
    memset(&c.freeze, 0, sizeof c.freeze);
    c.freeze.method = LD_FX_FREEZE_NONE;
    c.command_line = NULL;
    c.n_command_line = 0;
    c.loginuid = (uint32_t)-1;
    ci.name = NULL;
    o.memory = NULL;
    assert_int_equal(ld_fx_manifest_write(b, &c, &ci, &o, NULL, &err), 0);
    ld_fx_manifest m;
    assert_int_equal(ld_fx_manifest_read(ld_fx_bundle_dirfd(b), &m, &err), 0);
    assert_string_equal(m.freeze_method, "none");
    assert_string_equal(m.thawed_by, "none");
    assert_int_equal(m.frozen_ns_interval, -1);
    assert_null(m.freeze_note);
    assert_null(m.container_name);
    assert_string_equal(m.memory_mode, "none");
    assert_int_equal(m.n_entries, 0);
    assert_null(strstr((const char *)m.raw, "\"frozen\""));
    assert_null(strstr((const char *)m.raw, "loginuid"));
    ld_fx_manifest_clear(&m);
    ld_fx_bundle_free(b);
    free(dir);
    fx_rmtree(tmp);
    free(tmp);
}

/* ---- hostile manifests ---- */

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEAD                                                                                       \
    "{\"schema\":\"lockdown-capture/1\",\"custody\":{\"tool\":\"lockdown\",\"tool_version\":"      \
    "\"1\",\"started\":\"2024-01-01T00:00:00.5Z\",\"ended\":\"2024-01-01T00:00:01Z\","             \
    "\"freeze\":{\"method\":\"none\"}},\"container\":{\"id\":\"c\"},"
#define ART(path, size, sha)                                                                       \
    "{\"path\":" path ",\"kind\":\"k\",\"size\":" size ",\"sha256\":" sha ",\"frozen\":false}"
#define GOOD_ART ART("\"a\"", "1", "\"" SHA_A "\"")

static const char *const minimal_ok = HEAD "\"artifacts\":[" GOOD_ART "]}";

static void expect_corrupt(const char *doc, const char *field)
{
    ld_fx_manifest m;
    ld_error err = LD_ERROR_INIT;
    int rc = ld_fx_manifest_parse(doc, strlen(doc), &m, &err);
    if (rc == 0)
        fail_msg("accepted: %s", doc);
    assert_int_equal(err.code, LD_ERR_CORRUPT);
    assert_int_equal(rc, LD_ERR_CORRUPT);
    assert_true(strncmp(err.msg, "manifest.json: ", 15) == 0);
    if (field && !strstr(err.msg, field))
        fail_msg("message \"%s\" does not name %s", err.msg, field);
    assert_null(m.entries);
    assert_null(m.schema);
}

static void test_parse_minimal(void **state)
{
    (void)state;
    ld_fx_manifest m;
    ld_error err = LD_ERROR_INIT;
    assert_int_equal(ld_fx_manifest_parse(minimal_ok, strlen(minimal_ok), &m, &err), 0);
    assert_int_equal(m.n_entries, 1);
    assert_int_equal(m.n_notes, 0);
    assert_null(m.memory_mode);
    ld_fx_manifest_clear(&m);
}

static void test_parse_hostile_paths(void **state)
{
    (void)state;
    const char *paths[] = {"\"../x\"",
                           "\"/etc/passwd\"",
                           "\"a/../../b\"",
                           "\"a//b\"",
                           "\"\"",
                           "\".\"",
                           "\"manifest.json\"",
                           "\"manifest.json.sig\"",
                           "\"a\\u0000b\"",
                           "\"a/\"",
                           "\"a\\\\b\"",
                           "\"\\u00e9\"",
                           "7",
                           "null"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        char *doc = ld_xasprintf(HEAD "\"artifacts\":[{\"path\":%s,\"kind\":\"k\",\"size\":1,"
                                      "\"sha256\":\"" SHA_A "\",\"frozen\":false}]}",
                                 paths[i]);
        /* \u0000 is refused by jansson itself: its message has no field */
        expect_corrupt(doc, strstr(paths[i], "u0000") ? NULL : "artifacts[0].path");
        free(doc);
    }
    /* listed twice */
    expect_corrupt(HEAD "\"artifacts\":[" GOOD_ART "," GOOD_ART "]}", "artifacts[1].path");
    /* a file and a directory of another */
    expect_corrupt(HEAD "\"artifacts\":[" ART("\"a/b/c\"", "1", "\"" SHA_A "\"") "," ART(
                       "\"a/b\"", "1", "\"" SHA_A "\"") "]}",
                   "artifacts[0].path");
}

static void test_parse_hostile_types(void **state)
{
    (void)state;
    struct {
        const char *doc, *field;
    } cases[] = {
        {"", NULL},
        {"[]", NULL},
        {"{\"schema\":\"lockdown-capture/1\"", NULL},
        {"{\"schema\":\"lockdown-capture/2\"}", "schema"},
        {"{\"schema\":1}", "schema"},
        {"{}", "schema"},
        {HEAD "\"artifacts\":{}}", "artifacts"},
        {HEAD "\"notes\":[]}", "artifacts"},
        {HEAD "\"artifacts\":[1]}", "artifacts[0]"},
        {HEAD "\"artifacts\":[" ART("\"a\"", "-1", "\"" SHA_A "\"") "]}", "artifacts[0].size"},
        {HEAD "\"artifacts\":[" ART("\"a\"", "1.5", "\"" SHA_A "\"") "]}", "artifacts[0].size"},
        {HEAD "\"artifacts\":[" ART("\"a\"", "\"10\"", "\"" SHA_A "\"") "]}", "artifacts[0].size"},
        {HEAD "\"artifacts\":[" ART("\"a\"", "1e30", "\"" SHA_A "\"") "]}", "artifacts[0].size"},
        {HEAD "\"artifacts\":[" ART("\"a\"", "99999999999999999999999", "\"" SHA_A "\"") "]}",
         NULL},
        {HEAD "\"artifacts\":[" ART("\"a\"", "1", "\"" SHA_A "a\"") "]}", "artifacts[0].sha256"},
        {HEAD "\"artifacts\":[" ART(
             "\"a\"", "1",
             "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"") "]}",
         "artifacts[0].sha256"},
        {HEAD "\"artifacts\":[" ART("\"a\"", "1", "null") "]}", "artifacts[0].sha256"},
        {HEAD "\"artifacts\":[{\"path\":\"a\",\"kind\":\"k\",\"size\":1,\"sha256\":\"" SHA_A
              "\",\"frozen\":\"yes\"}]}",
         "artifacts[0].frozen"},
        {HEAD "\"artifacts\":[{\"path\":\"a\",\"kind\":\"k\",\"size\":1,\"sha256\":\"" SHA_A
              "\"}]}",
         "artifacts[0].frozen"},
        {HEAD "\"artifacts\":[{\"path\":\"a\",\"kind\":\"\",\"size\":1,\"sha256\":\"" SHA_A
              "\",\"frozen\":true}]}",
         "artifacts[0].kind"},
        {HEAD "\"artifacts\":[{\"path\":\"a\",\"kind\":\"k\",\"size\":1,\"sha256\":\"" SHA_A
              "\",\"frozen\":true,\"note\":3}]}",
         "artifacts[0].note"},
        {HEAD "\"artifacts\":[],\"notes\":[\"a\",{}]}", "notes[1]"},
        {HEAD "\"artifacts\":[],\"signing_key\":\"sha256:ABC\"}", "signing_key"},
        {HEAD "\"artifacts\":[],\"options\":{\"memory\":\"most\"}}", "options.memory"},
        {HEAD "\"artifacts\":[],\"options\":{\"max_fs\":-5}}", "options.max_fs"},
        /* duplicate keys: which sha256 would count? refused */
        {HEAD "\"artifacts\":[{\"path\":\"a\",\"kind\":\"k\",\"size\":1,\"sha256\":\"" SHA_A
              "\",\"sha256\":\"" SHA_A "\",\"frozen\":true}]}",
         NULL},
        {"{\"schema\":\"lockdown-capture/1\",\"custody\":{\"tool\":\"lockdown\",\"tool_version\":"
         "\"1\",\"started\":\"yesterday\",\"ended\":\"2024-01-01T00:00:01Z\",\"freeze\":{"
         "\"method\":\"none\"}},\"container\":{\"id\":\"c\"},\"artifacts\":[]}",
         "custody.started"},
        {"{\"schema\":\"lockdown-capture/1\",\"custody\":{\"tool\":\"lockdown\",\"tool_version\":"
         "\"1\",\"started\":\"2024-01-01T00:00:00.1234567890Z\",\"ended\":\"2024-01-01T00:00:01Z\","
         "\"freeze\":{\"method\":\"none\"}},\"container\":{\"id\":\"c\"},\"artifacts\":[]}",
         "custody.started"},
        {"{\"schema\":\"lockdown-capture/1\",\"custody\":{\"tool\":\"lockdown\",\"tool_version\":"
         "\"1\",\"started\":\"2024-01-01T00:00:00Z\",\"ended\":\"2024-01-01T00:00:01Z\",\"freeze\":"
         "{"
         "\"method\":\"sleep\"}},\"container\":{\"id\":\"c\"},\"artifacts\":[]}",
         "custody.freeze.method"},
        {"{\"schema\":\"lockdown-capture/1\",\"custody\":{\"tool\":\"lockdown\",\"tool_version\":"
         "\"1\",\"started\":\"2024-01-01T00:00:00Z\",\"ended\":\"2024-01-01T00:00:01Z\",\"freeze\":"
         "{"
         "\"method\":\"none\",\"frozen_ns\":\"5\"}},\"container\":{\"id\":\"c\"},\"artifacts\":[]}",
         "custody.freeze.frozen_ns"},
        {"{\"schema\":\"lockdown-capture/1\",\"custody\":{\"tool\":\"lockdown\",\"tool_version\":"
         "\"1\",\"started\":\"2024-01-01T00:00:00Z\",\"ended\":\"2024-01-01T00:00:01Z\",\"freeze\":"
         "{"
         "\"method\":\"none\"},\"user\":{\"uid\":-1}},\"container\":{\"id\":\"c\"},\"artifacts\":[]"
         "}",
         "custody.user.uid"},
        {"{\"schema\":\"lockdown-capture/1\",\"custody\":{\"tool\":\"lockdown\",\"tool_version\":"
         "\"1\",\"started\":\"2024-01-01T00:00:00Z\",\"ended\":\"2024-01-01T00:00:01Z\",\"freeze\":"
         "{"
         "\"method\":\"none\"},\"command_line\":[\"a\",1]},\"container\":{\"id\":\"c\"},"
         "\"artifacts\":[]}",
         "custody.command_line[1]"},
        {"{\"schema\":\"lockdown-capture/1\",\"custody\":{\"tool\":\"lockdown\",\"tool_version\":"
         "\"1\",\"started\":\"2024-01-01T00:00:00Z\",\"ended\":\"2024-01-01T00:00:01Z\",\"freeze\":"
         "{"
         "\"method\":\"none\"}},\"container\":{},\"artifacts\":[]}",
         "container.id"},
        {"{\"schema\":\"lockdown-capture/1\",\"custody\":[],\"container\":{\"id\":\"c\"},"
         "\"artifacts\":[]}",
         "custody"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_corrupt(cases[i].doc, cases[i].field);
}

static void test_parse_bombs(void **state)
{
    (void)state;
    /* nesting 100 deep under a member the reader does not look at */
    size_t depth = 100;
    char *deep = ld_xmalloc(strlen(minimal_ok) + 2 * depth + 64);
    size_t n = 0;
    const char *pre = HEAD "\"x-extension\":";
    memcpy(deep + n, pre, strlen(pre));
    n += strlen(pre);
    for (size_t i = 0; i < depth; i++)
        deep[n++] = '[';
    for (size_t i = 0; i < depth; i++)
        deep[n++] = ']';
    const char *post = ",\"artifacts\":[]}";
    memcpy(deep + n, post, strlen(post) + 1);
    expect_corrupt(deep, "nested 101 deep");
    /* the same 10 deep: an unknown member is no error */
    n = strlen(pre);
    for (size_t i = 0; i < 10; i++)
        deep[n++] = '[';
    for (size_t i = 0; i < 10; i++)
        deep[n++] = ']';
    memcpy(deep + n, post, strlen(post) + 1);
    ld_fx_manifest ok;
    ld_error ok_err = LD_ERROR_INIT;
    assert_int_equal(ld_fx_manifest_parse(deep, strlen(deep), &ok, &ok_err), 0);
    ld_fx_manifest_clear(&ok);
    free(deep);

    /* 4 million values: over the budget before jansson builds anything */
    size_t count = 4000000;
    char *wide = ld_xmalloc(strlen(minimal_ok) + 2 * count + 64);
    n = 0;
    memcpy(wide + n, pre, strlen(pre));
    n += strlen(pre);
    wide[n++] = '[';
    for (size_t i = 0; i < count; i++) {
        wide[n++] = '1';
        wide[n++] = ',';
    }
    wide[n - 1] = ']';
    memcpy(wide + n, post, strlen(post) + 1);
    ld_fx_manifest m;
    ld_error err = LD_ERROR_INIT;
    assert_true(ld_fx_manifest_parse(wide, strlen(wide), &m, &err) < 0);
    assert_int_equal(err.code, LD_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "limit"));
    free(wide);

    /* over the byte limit: refused before it is looked at */
    ld_error_clear(&err);
    assert_true(ld_fx_manifest_parse(minimal_ok, LD_FX_MANIFEST_MAX_BYTES + 1, &m, &err) < 0);
    assert_int_equal(err.code, LD_ERR_CORRUPT);
}

static void test_read_refuses_links_and_fifos(void **state)
{
    (void)state;
    char *tmp = fx_tmpdir();
    char *real = fx_path(tmp, "real.json");
    fx_write(real, minimal_ok, strlen(minimal_ok));
    char *b1 = fx_path(tmp, "b1");
    char *b2 = fx_path(tmp, "b2");
    char *b3 = fx_path(tmp, "b3");
    mkdir(b1, 0700);
    mkdir(b2, 0700);
    mkdir(b3, 0700);
    char *l = fx_path(b1, LD_FX_MANIFEST);
    assert_int_equal(symlink(real, l), 0);
    char *f = fx_path(b2, LD_FX_MANIFEST);
    assert_int_equal(mkfifo(f, 0600), 0);

    ld_fx_manifest m;
    ld_error err = LD_ERROR_INIT;
    int fd = open(b1, O_PATH | O_DIRECTORY);
    assert_true(ld_fx_manifest_read(fd, &m, &err) < 0);
    assert_int_equal(err.code, LD_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "symbolic link"));
    close(fd);
    fd = open(b2, O_PATH | O_DIRECTORY);
    ld_error_clear(&err);
    assert_true(ld_fx_manifest_read(fd, &m, &err) < 0); /* and it did not block */
    assert_int_equal(err.code, LD_ERR_CORRUPT);
    close(fd);
    fd = open(b3, O_PATH | O_DIRECTORY);
    ld_error_clear(&err);
    assert_true(ld_fx_manifest_read(fd, &m, &err) < 0);
    assert_int_equal(err.code, LD_ERR_NOT_FOUND);
    close(fd);
    free(real);
    free(l);
    free(f);
    free(b1);
    free(b2);
    free(b3);
    fx_rmtree(tmp);
    free(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_read_roundtrip),
        cmocka_unit_test(test_signed_manifest),
        cmocka_unit_test(test_signature_openssl_interop),
        cmocka_unit_test(test_write_refusals),
        cmocka_unit_test(test_freeze_names_and_unfrozen),
        cmocka_unit_test(test_parse_minimal),
        cmocka_unit_test(test_parse_hostile_paths),
        cmocka_unit_test(test_parse_hostile_types),
        cmocka_unit_test(test_parse_bombs),
        cmocka_unit_test(test_read_refuses_links_and_fifos),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
