/* Image reference splitting and trusted-registry matching (see
 * util/image_ref.h). */
#include "util/image_ref.h"

#include <string.h>

#include "util/cleanup.h"
#include "util/mem.h"

void ld_image_ref_split(const char *ref, char **registry, char **repo, char **tag, char **digest)
{
    *registry = *repo = *tag = *digest = NULL;
    const char *at = strchr(ref, '@');
    size_t n = at ? (size_t)(at - ref) : strlen(ref);
    if (at)
        *digest = ld_xstrdup(at + 1);
    ld_autofree char *name = ld_xstrndup(ref, n);
    char *slash = strchr(name, '/');
    char *colon = strrchr(name, ':');
    if (colon && (!slash || colon > strrchr(name, '/'))) {
        *tag = ld_xstrdup(colon + 1);
        *colon = '\0';
    }
    slash = strchr(name, '/');
    if (slash &&
        (memchr(name, '.', (size_t)(slash - name)) || memchr(name, ':', (size_t)(slash - name)) ||
         strncmp(name, "localhost/", 10) == 0)) {
        *registry = ld_xstrndup(name, (size_t)(slash - name));
        *repo = ld_xstrdup(slash + 1);
    } else {
        *registry = ld_xstrdup("docker.io");
        *repo = slash ? ld_xstrdup(name) : ld_xasprintf("library/%s", name);
    }
}

bool ld_image_ref_trusted(const ld_strlist *trusted, const char *registry, const char *repo)
{
    if (!trusted)
        return false;
    ld_autofree char *full = ld_xasprintf("%s/%s", registry, repo);
    for (size_t i = 0; i < trusted->n; i++) {
        const char *t = trusted->v[i];
        size_t n = strlen(t);
        while (n && t[n - 1] == '/')
            n--;
        if (n && strncmp(full, t, n) == 0 && (full[n] == '/' || full[n] == '\0'))
            return true;
    }
    return false;
}
