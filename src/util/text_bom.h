/* The UTF-8 byte order mark (EF BB BF) at the start of a text file a user
 * gives lockdown (an ignore file, a VEX document, an OSV record, a feed, a
 * policy or catalog YAML). Editors on Windows write one; it is not part of
 * the text. Every parser of such a file skips it through this one helper,
 * so a BOM is accepted the same way everywhere. A BOM of another encoding
 * (UTF-16, UTF-32) is not skipped: those files are not UTF-8 and fail as
 * malformed where they are parsed. */
#ifndef LD_UTIL_TEXT_BOM_H
#define LD_UTIL_TEXT_BOM_H

#include <stddef.h>

#define LD_UTF8_BOM "\xEF\xBB\xBF"
#define LD_UTF8_BOM_LEN 3

/* 3 when buf[0..len) starts with a UTF-8 BOM, else 0. */
size_t ld_utf8_bom_len(const char *buf, size_t len);

/* Moves *buf past a leading UTF-8 BOM and shortens *len to match. */
void ld_skip_utf8_bom(const char **buf, size_t *len);

#endif
