/* libFuzzer target for the secret scanner (checks/secrets.c) with the
 * built-in rules (data/secret-rules.yaml): any content under any of a few
 * paths (the first input byte picks one, so path-limited rules run too)
 * must scan without a crash, leak or hang, and every hit must lie inside
 * the content with a line >= 1 and a mask no longer than its buffer.
 * The same input, as a history command and as /etc/passwd text, also goes
 * through the history redaction and the passwd lookup of the image checks
 * (checks/image_config.c), which quote hostile image metadata.
 * Seeds: tests/fuzz/corpus/secrets/. Replay one file: ./fuzz_secrets FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checks/image_checks.h"
#include "checks/secrets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ld_secret_ruleset *rules; /* built once; read-only while scanning */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"/app/config.yml", "/root/.npmrc",  "/root/.netrc",
                                        "/root/.pypirc",   "/root/.kube/config",
                                        "/root/.docker/config.json", "/root/.git-credentials",
                                        "/usr/share/doc/x/README"};
    if (!rules) {
        ld_error err = LD_ERROR_INIT;
        rules = ld_secret_rules_new();
        if (ld_secret_rules_add_builtin(rules, &err) < 0 ||
            ld_secret_rules_compile(rules, &err) < 0)
            abort();
    }
    if (size == 0)
        return 0;
    const char *path = paths[data[0] % (sizeof(paths) / sizeof(paths[0]))];
    ld_secret_hits h = {0};
    ld_error err = LD_ERROR_INIT;
    if (ld_secret_scan(rules, path, data + 1, size - 1, &h, &err) < 0)
        abort();
    for (size_t i = 0; i < h.n; i++) {
        if (h.v[i].offset >= size - 1 || h.v[i].line < 1 ||
            strlen(h.v[i].masked) >= LD_SECRET_MASK_MAX || !h.v[i].rule_id)
            abort();
    }
    ld_secret_hits_clear(&h);
    (void)ld_secret_looks_binary(data, size);

    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char *red = ld_image_history_redact(text);
    if (!red || strlen(red) > 3 * strlen(text) + 2)
        abort();
    free(red);
    ld_image_text_file passwd = {text, size, 0};
    char *name = NULL;
    (void)ld_image_passwd_uid(&passwd, "1000", &name);
    free(name);
    (void)ld_image_passwd_uid(&passwd, "app", NULL);
    free(text);
    return 0;
}
