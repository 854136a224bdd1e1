/* libFuzzer target for the Docker config.json reader
 * (registry/docker_config.c): any input yields credentials, "none", or an
 * error with a message — never a crash — for a few hosts (a plain one, one
 * with a port, Docker Hub under its names). Found credentials have a
 * username and a password, or an identity token, and name their source;
 * a refused document leaves nothing behind. Credential helpers are never
 * executed here (no_exec): a document that names one is answered
 * LD_ERR_UNSUPPORTED when the name is allowed, LD_ERR_INVALID when not.
 * The base64 "auth" decoder and the key matching are reached through it.
 * Seeds: tests/fuzz/corpus/docker_config/. Replay: ./fuzz_docker_config FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "registry/client_internal.h"
#include "registry/credentials.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *hosts[] = {"r.io", "localhost:5000", "docker.io"};
    for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
        ld_reg_cred c;
        ld_error err = LD_ERROR_INIT;
        int rc = reg_cred_lookup_text("fuzz/config.json", (const char *)data, size, hosts[i], true,
                                      &c, &err);
        if (rc == 0) {
            if (!c.source || (!c.identity_token && (!c.username || !c.password)))
                abort();
            ld_reg_cred_clear(&c);
            if (c.username || c.password || c.identity_token || c.source)
                abort();
        } else {
            if (!err.msg[0] || c.username || c.password || c.identity_token || c.source)
                abort();
            if (rc != LD_ERR_NOT_FOUND && rc != LD_ERR_CORRUPT && rc != LD_ERR_LIMIT &&
                rc != LD_ERR_UNSUPPORTED && rc != LD_ERR_INVALID)
                abort();
        }
    }
    return 0;
}
