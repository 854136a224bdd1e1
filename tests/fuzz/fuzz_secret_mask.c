/* libFuzzer target for the masking every printed text goes through
 * (checks/secret_mask.c: ld_secret_mask_text, ld_secret_mask_history,
 * ld_secret_key_name) with the built-in rules: any bytes, as one text, must
 * mask without a crash, leak or hang, and the result must stay bounded (a
 * mask is at most LD_SECRET_MASK_MAX - 1 bytes for any span, at least one
 * byte long) and keep the text's length class: never more than 3 bytes out
 * per byte in plus a constant. The first byte also picks a length for the
 * key-name test on the rest.
 * Seeds: tests/fuzz/corpus/secret_mask/. Replay one file: ./fuzz_secret_mask FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checks/secrets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    size_t n = strlen(text); /* up to the first NUL, as C callers pass it */
    size_t bound = 3 * (n < LD_SECRET_MASK_TEXT_MAX ? n : LD_SECRET_MASK_TEXT_MAX) + 64;
    if (bound < sizeof(LD_SECRET_TEXT_WITHHELD))
        bound = sizeof(LD_SECRET_TEXT_WITHHELD);
    char *m = ld_secret_mask_text(NULL, text);
    if (!m || strlen(m) > bound)
        abort();
    free(m);
    char *h = ld_secret_mask_history(NULL, text);
    if (!h || strlen(h) > bound)
        abort();
    free(h);
    size_t kl = n > 1 ? (size_t)data[0] % n : 0; /* text + 1 holds n - 1 bytes */
    (void)ld_secret_key_name(text + 1, kl);
    free(text);
    return 0;
}
