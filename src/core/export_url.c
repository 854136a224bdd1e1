/* Splitting a --send URL around its path (see export_url.h). */
#include "core/export_url.h"

#include <string.h>
#include <strings.h>

#include "util/mem.h"

int ld_export_url_split(const char *what, const char *url, ld_export_url *out, ld_error *err)
{
    size_t scheme = 0;
    if (strncasecmp(url, "http://", 7) == 0)
        scheme = 7;
    else if (strncasecmp(url, "https://", 8) == 0)
        scheme = 8;
    else
        return ld_error_set(err, LD_ERR_INVALID, "%s: the URL must start with http:// or https://",
                            what);
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        if (*p <= 0x20 || *p == 0x7F)
            return ld_error_set(err, LD_ERR_INVALID,
                                "%s: the URL holds a space or a control character", what);
    size_t auth_end = scheme + strcspn(url + scheme, "/?#");
    /* the host is what follows the userinfo: not empty */
    const char *at = NULL;
    for (size_t i = scheme; i < auth_end; i++)
        if (url[i] == '@')
            at = url + i;
    size_t host_start = at ? (size_t)(at - url) + 1 : scheme;
    if (host_start >= auth_end || url[host_start] == ':')
        return ld_error_set(err, LD_ERR_INVALID, "%s: the URL names no host", what);
    out->path_start = auth_end;
    out->path_end = auth_end + strcspn(url + auth_end, "?#");
    return 0;
}

char *ld_export_url_with_path(const char *url, const ld_export_url *u, const char *path)
{
    return ld_xasprintf("%.*s%s%s", (int)u->path_start, url, path, url + u->path_end);
}
