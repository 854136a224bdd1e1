/* The INI dialect of the AWS shared credentials and config files
 * (~/.aws/credentials, ~/.aws/config), read the way botocore reads them
 * (Python's RawConfigParser): "[section]" headers (the name is what lies
 * between '[' and the last ']', trimmed; case kept), "name = value" or
 * "name: value" entries (names case-insensitive: kept lower-cased; values
 * trimmed), whole-line comments starting with '#' or ';' (no inline
 * comments: "key = a # b" has the value "a # b"), indented lines continuing
 * the previous value (the nested "s3 =" blocks; kept, joined with '\n'),
 * CRLF line ends. A file is at most 1 MiB; an entry before any section, a
 * line that is neither, or a name repeated within a section is refused with
 * its line number (never its text: values may be secrets). Which section
 * is a profile (config: "[profile x]" and "[default]"; credentials: "[x]")
 * is the caller's rule (aws/credentials.c). Not a general INI parser. */
#ifndef LD_AWS_AWS_INI_H
#define LD_AWS_AWS_INI_H

#include <stddef.h>

#include "core/error.h"

#define LD_AWS_INI_MAX_BYTES ((size_t)1024 * 1024)

typedef struct {
    char *name;  /* lower-cased */
    char *value; /* trimmed; may be empty */
    int line;    /* 1-based line of the name */
} ld_aws_ini_entry;

typedef struct {
    char *name; /* as written, trimmed ("profile ci", "default") */
    int line;
    ld_aws_ini_entry *v;
    size_t n, cap;
} ld_aws_ini_section;

typedef struct {
    ld_aws_ini_section *v;
    size_t n, cap;
} ld_aws_ini;

/* Parses text[0..len) (NUL bytes refused). what names the file in
 * messages ("config file /root/.aws/config"). On failure out is left empty
 * and err says which line and why (LD_ERR_CORRUPT; LD_ERR_LIMIT over 1 MiB).
 * A repeated section is merged into the first (its names must still be
 * unique). Free with ld_aws_ini_clear. */
int ld_aws_ini_parse(const char *what, const char *text, size_t len, ld_aws_ini *out,
                     ld_error *err);

/* The section named exactly name, or NULL. */
const ld_aws_ini_section *ld_aws_ini_section_find(const ld_aws_ini *ini, const char *name);

/* The value of key (any case) in s, or NULL; s may be NULL. */
const char *ld_aws_ini_get(const ld_aws_ini_section *s, const char *key);

/* Frees ini; every value is overwritten first (they may be secrets). */
void ld_aws_ini_clear(ld_aws_ini *ini);

#endif
