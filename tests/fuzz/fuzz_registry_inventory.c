/* libFuzzer target for what the registry scan and prune parse from a
 * registry (src/registry/manifest_info.c) and from the command line
 * (src/registry/registry_name.c): the same bytes as a manifest or index
 * (with and without a Content-Type), an image config's `created`, an RFC
 * 3339 time, a tag, and a registry name. Any input parses or fails with
 * one error; never a crash, a leak or unbounded recursion; what parses
 * holds only valid digests.
 * Seeds: tests/fuzz/corpus/registry_inventory/. Replay one file:
 * ./fuzz_registry_inventory FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "registry/client.h"
#include "registry/manifest_info.h"
#include "registry/registry_name.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_digest(const char *d)
{
    if (!d || strncmp(d, "sha256:", 7) != 0 || strlen(d) != 71)
        abort();
}

static void manifest(const uint8_t *data, size_t size, const char *mt)
{
    ld_error err = LD_ERROR_INIT;
    ld_reg_manifest_info m;
    if (ld_reg_manifest_info_parse(data, size, mt, &m, &err) == 0) {
        if (m.is_index) {
            if (m.n_children > LD_REG_MAX_INDEX_CHILDREN)
                abort();
            for (size_t i = 0; i < m.n_children; i++)
                check_digest(m.children[i].digest);
        } else {
            check_digest(m.config_digest);
        }
        ld_reg_manifest_info_clear(&m);
    } else if (!err.msg[0] || m.children || m.config_digest) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    manifest(data, size, NULL);
    manifest(data, size, LD_MT_OCI_INDEX);
    manifest(data, size, LD_MT_DOCKER_MANIFEST);

    ld_error err = LD_ERROR_INIT;
    char *created = NULL;
    time_t when = 0;
    if (ld_reg_config_created(data, size, &created, &when, &err) == 0)
        free(created);

    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    time_t t;
    (void)ld_reg_parse_rfc3339(s, &t);
    (void)ld_reg_parse_since(s, &t);
    char hex[65];
    const char *kind = NULL;
    if (ld_reg_is_attachment_tag(s, &kind, hex) && (strlen(hex) != 64 || !kind))
        abort();
    ld_reg_name n;
    err = (ld_error)LD_ERROR_INIT;
    if (ld_reg_name_parse(s, &n, &err) == 0) {
        if (!n.name || !n.endpoint || strchr(n.name, '/'))
            abort();
        ld_reg_name_clear(&n);
    }
    free(s);
    return 0;
}
