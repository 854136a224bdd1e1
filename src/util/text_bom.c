/* Skipping a leading UTF-8 byte order mark (see text_bom.h). */
#include "util/text_bom.h"

#include <string.h>

size_t ld_utf8_bom_len(const char *buf, size_t len)
{
    return buf && len >= LD_UTF8_BOM_LEN && memcmp(buf, LD_UTF8_BOM, LD_UTF8_BOM_LEN) == 0
               ? LD_UTF8_BOM_LEN
               : 0;
}

void ld_skip_utf8_bom(const char **buf, size_t *len)
{
    size_t n = ld_utf8_bom_len(*buf, *len);
    *buf += n;
    *len -= n;
}
