/* A bare image name to a source (resolve.h): the local engine first, as
 * docker and syft do, then the registry the name points at. Only decides
 * and delegates: engine_source.c and registry_source.c read. */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "docker/engine.h"
#include "image/resolve.h"
#include "registry/client.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define INSPECT_MAX_BYTES ((size_t)4 * 1024 * 1024)

typedef enum {
    ENGINE_HOLDS,  /* GET /images/{name}/json: 200 */
    ENGINE_LACKS,  /* 404 */
    ENGINE_SILENT, /* no engine, or it could not answer (why in err) */
} engine_answer;

static engine_answer ask_engine(const char *name, const ld_img_opts *opt, ld_error *err)
{
    ld_engine_timeouts t = {.request_ms = opt->engine_timeout_ms > 0 ? opt->engine_timeout_ms
                                                                     : LD_ENGINE_REQUEST_MS};
    ld_engine *e = ld_engine_connect_with(opt->docker_host, &t, err);
    if (!e)
        return ENGINE_SILENT;
    engine_answer a = ENGINE_SILENT;
    char *esc = curl_easy_escape(NULL, name, 0);
    if (!esc) {
        ld_error_set(err, LD_ERR_NOMEM, "cannot escape the image name");
    } else {
        ld_autofree char *path = ld_xasprintf("/images/%s/json", esc);
        json_t *info = ld_engine_get_json(e, path, INSPECT_MAX_BYTES, err);
        if (info)
            a = ENGINE_HOLDS;
        else if (err->code == LD_ERR_NOT_FOUND)
            a = ENGINE_LACKS;
        json_decref(info);
        curl_free(esc);
    }
    ld_engine_free(e);
    return a;
}

ld_image *ld_img_read_bare_name(const char *name, const ld_img_opts *opt, const ld_analyzer *an,
                                size_t n_an, ld_error *err)
{
    ld_reg_ref ref;
    ld_error perr = LD_ERROR_INIT;
    if (ld_reg_ref_parse(name, &ref, &perr) < 0) /* an image ID, a name only the engine knows */
        return ld_img_read_engine(name, opt, an, n_an, err);
    ld_reg_ref_clear(&ref);
    ld_error eerr = LD_ERROR_INIT;
    engine_answer a = ask_engine(name, opt, &eerr);
    if (a == ENGINE_HOLDS)
        return ld_img_read_engine(name, opt, an, n_an, err);
    ld_image *img = ld_img_read_registry(name, opt, an, n_an, err);
    if (img)
        return img;
    /* the registry's message starts with the reference it tried; said once
     * when that is what the user typed ("docker.io/library/alpine:3.19"
     * stays: it says where "alpine:3.19" was looked for) */
    const char *msg = err->msg;
    size_t nl = strlen(name);
    if (strncmp(msg, name, nl) == 0 && strncmp(msg + nl, ": ", 2) == 0)
        msg += nl + 2;
    ld_autofree char *said = ld_xstrdup(msg);
    ld_errcode code = err->code != LD_OK ? err->code : LD_ERR_GENERIC;
    if (a == ENGINE_LACKS)
        ld_error_set(err, code, "%s: not in the local engine, and the registry said: %s", name,
                     said);
    else
        ld_error_set(err, code,
                     "%s: the local engine did not answer (%s), and the registry said: %s", name,
                     eerr.msg, said);
    return NULL;
}
