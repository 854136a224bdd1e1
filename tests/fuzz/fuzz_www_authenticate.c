/* libFuzzer target for what the registry client parses out of a
 * registry's answers (registry/auth.c, api.c, retry.c): WWW-Authenticate
 * challenges (parsed, or refused with LD_ERR_CORRUPT / LD_ERR_UNSUPPORTED
 * and a message; a parsed Bearer challenge always has a realm, and no
 * parameter holds a control character), token endpoint answers (a token
 * is visible ASCII of at most REG_TOKEN_MAX bytes: it cannot inject a
 * header line), Link pagination headers and Retry-After values (never a
 * wait over 30 s). The input is tried as each.
 * Seeds: tests/fuzz/corpus/www_authenticate/. Replay: ./fuzz_www_authenticate FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "registry/client_internal.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void no_controls(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; s && *p; p++)
        if ((*p < 0x20 && *p != '\t') || *p == 0x7F)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = ld_xstrndup((const char *)data, size);
    ld_reg_challenge ch;
    ld_error err = LD_ERROR_INIT;
    int rc = ld_reg_challenge_parse(s, &ch, &err);
    if (rc < 0) {
        if ((rc != LD_ERR_CORRUPT && rc != LD_ERR_UNSUPPORTED) || !err.msg[0] || ch.realm ||
            ch.service || ch.scope || ch.error)
            abort();
    } else {
        if (ch.kind != REG_AUTH_BASIC && ch.kind != REG_AUTH_BEARER)
            abort();
        if (ch.kind == REG_AUTH_BEARER && (!ch.realm || !ch.realm[0]))
            abort();
        no_controls(ch.realm);
        no_controls(ch.service);
        no_controls(ch.scope);
        no_controls(ch.error);
        ld_reg_challenge_clear(&ch);
    }

    char *tok = NULL;
    long ttl = 0;
    ld_error terr = LD_ERROR_INIT;
    if (ld_reg_token_parse((const char *)data, size, &tok, &ttl, &terr) == 0) {
        size_t n = strlen(tok);
        if (n == 0 || n > REG_TOKEN_MAX || ttl < 60)
            abort();
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)tok[i] < 0x21 || (unsigned char)tok[i] > 0x7E)
                abort();
        free(tok);
    } else if (tok || !terr.msg[0]) {
        abort();
    }

    char *next = reg_link_next(s);
    if (next && strlen(next) > size)
        abort();
    free(next);

    long ms = reg_retry_after_ms(s, 784111777);
    if (ms > REG_RETRY_AFTER_MAX_MS || ms < -1)
        abort();
    free(s);
    return 0;
}
