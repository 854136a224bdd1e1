/* libFuzzer target for the kubeconfig parser (k8s/kubeconfig.c): any input
 * loads as a kubeconfig or is refused with a message; every context it
 * defines (and the current one) resolves or is refused with a message, and
 * a resolved endpoint keeps the promises of kubeconfig.h: an http(s) URL
 * without a trailing '/', a client certificate only with its key, a bearer
 * token of visible ASCII, a CA only without insecure-skip-tls-verify. The
 * input is named /nonexistent-ld-fuzz/config, so files it points at are
 * never found; nothing is executed (resolving does not run exec plugins).
 * The base64 decoder of the *-data fields is fed the input as well.
 * Seeds: tests/fuzz/corpus/kubeconfig/. Replay: ./fuzz_kubeconfig FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/kubeconfig.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_endpoint(const ld_k8s_endpoint *ep)
{
    if (!ep->server || !ep->context || !ep->cluster || !ep->user || !ep->kubeconfig)
        abort();
    bool https = strncmp(ep->server, "https://", 8) == 0;
    if (!https && strncmp(ep->server, "http://", 7) != 0)
        abort();
    size_t n = strlen(ep->server);
    if (n > (https ? 8u : 7u) && ep->server[n - 1] == '/')
        abort();
    if (!ep->client_cert_pem != !ep->client_key_pem)
        abort();
    if (ep->ca_pem && ep->insecure_skip_tls_verify)
        abort();
    if (ep->token) {
        if (!ep->token[0])
            abort();
        for (const unsigned char *p = (const unsigned char *)ep->token; *p; p++)
            if (*p < 0x21 || *p > 0x7E)
                abort();
    }
    if (ep->exec && (!ep->exec->command || !ep->exec->api_version))
        abort();
    if (ep->exec && (ep->token || ep->username))
        abort();
}

static void resolve(const ld_kubeconfig *kc, const char *context)
{
    ld_k8s_endpoint ep;
    ld_error err = LD_ERROR_INIT;
    if (ld_kubeconfig_resolve(kc, context, &ep, &err) < 0) {
        if (err.code == LD_OK || !err.msg[0] || ep.server)
            abort();
        return;
    }
    check_endpoint(&ep);
    ld_k8s_endpoint_clear(&ep);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_kubeconfig *kc = NULL;
    ld_error err = LD_ERROR_INIT;
    int rc = ld_kubeconfig_load_buffer("/nonexistent-ld-fuzz/config", (const char *)data, size, &kc,
                                       &err);
    if (rc < 0) {
        if (err.code == LD_OK || !err.msg[0] || kc)
            abort();
    } else {
        resolve(kc, NULL);
        size_t n = ld_kubeconfig_context_count(kc);
        for (size_t i = 0; i < n && i < 64; i++)
            resolve(kc, ld_kubeconfig_context_name(kc, i));
        (void)ld_kubeconfig_files(kc);
        ld_kubeconfig_free(kc);
    }
    /* the base64 of *-data fields */
    char *text = ld_xstrndup((const char *)data, size);
    size_t len = 0;
    char *bytes = ld_k8s_base64_decode(text, &len);
    if (bytes && len > size)
        abort();
    free(bytes);
    free(text);
    return 0;
}
