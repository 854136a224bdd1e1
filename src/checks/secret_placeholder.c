/* Placeholder and reference values of credential-looking names (see
 * checks/secret_placeholder.h). */
#include "checks/secret_placeholder.h"

#include <ctype.h>
#include <string.h>

bool ld_secret_placeholder_value(const char *v, size_t n)
{
    if (n < 4)
        return true;
    if (v[0] == '$' || v[0] == '<' || (n > 1 && v[0] == '{' && v[1] == '{'))
        return true;
    static const char *const words[] = {"changeme", "example",       "placeholder", "dummy",
                                        "xxxx",     "/run/secrets/", "_file",       "none",
                                        "null",     "true",          "false",       NULL};
    char low[64];
    size_t k = n < sizeof(low) - 1 ? n : sizeof(low) - 1;
    for (size_t i = 0; i < k; i++)
        low[i] = (char)tolower((unsigned char)v[i]);
    low[k] = '\0';
    for (size_t i = 0; words[i]; i++)
        if (strstr(low, words[i]))
            return true;
    return false;
}
