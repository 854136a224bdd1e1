/* libFuzzer target for the AWS credentials/config INI reader
 * (src/aws/aws_ini.c): any input parses or is refused; a refusal leaves
 * nothing behind and its message is one of the fixed forms ("fuzz line N:
 * WHY" or "fuzz: WHY"), so no byte of the input (a secret, in real files)
 * reaches it; a parse gives trimmed, non-empty, unique section names,
 * lower-case names unique within their section, line numbers within the
 * input, and values without a NUL; every name can be found again.
 * Seeds: tests/fuzz/corpus/aws_ini/. Replay: ./fuzz_aws_ini FILE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws_ini.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const whys[] = {
    "section header without ']'",
    "empty section name",
    "expected \"[section]\" or \"name = value\"",
    "setting before the first [section] header",
    "setting without a name",
    "setting repeated in the same section",
};

static void check_error_message(const char *msg)
{
    if (!strncmp(msg, "fuzz: ", 6))
        return; /* size or NUL: fixed texts with a number at most */
    if (strncmp(msg, "fuzz line ", 10))
        abort();
    const char *p = msg + 10;
    if (*p < '1' || *p > '9')
        abort();
    while (*p >= '0' && *p <= '9')
        p++;
    if (p[0] != ':' || p[1] != ' ')
        abort();
    for (size_t i = 0; i < sizeof(whys) / sizeof(whys[0]); i++)
        if (!strcmp(p + 2, whys[i]))
            return;
    abort();
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ld_aws_ini ini;
    ld_error err = LD_ERROR_INIT;
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    if (ld_aws_ini_parse("fuzz", (const char *)data, size, &ini, &err) < 0) {
        if (ini.n || ini.v)
            abort();
        check_error_message(err.msg);
        return 0;
    }
    for (size_t i = 0; i < ini.n; i++) {
        const ld_aws_ini_section *s = &ini.v[i];
        size_t sl = strlen(s->name);
        if (!sl || is_blank(s->name[0]) || is_blank(s->name[sl - 1]))
            abort();
        if (s->line < 1 || (size_t)s->line > lines)
            abort();
        if (ld_aws_ini_section_find(&ini, s->name) != s)
            abort(); /* names unique: repeats were merged */
        for (size_t j = 0; j < s->n; j++) {
            const ld_aws_ini_entry *e = &s->v[j];
            if (!e->name[0] || e->line < s->line || (size_t)e->line > lines)
                abort();
            for (const char *p = e->name; *p; p++)
                if (*p >= 'A' && *p <= 'Z')
                    abort();
            if (ld_aws_ini_get(s, e->name) != e->value)
                abort(); /* unique within the section */
            if (strlen(e->value) > size)
                abort();
        }
    }
    ld_aws_ini_clear(&ini);
    return 0;
}
