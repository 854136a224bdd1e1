/* The parts of a --send URL the exporters need, without a request: where
 * the path starts and ends, so that "/v1/logs" (OTLP) or "/_bulk"
 * (Elasticsearch) can be put at its end before the query. Accepts only
 * http:// and https:// URLs with a host, without spaces or control
 * characters. Not a general URL parser (libcurl parses what is sent). */
#ifndef LD_CORE_EXPORT_URL_H
#define LD_CORE_EXPORT_URL_H

#include <stddef.h>

#include "core/error.h"

typedef struct {
    size_t path_start; /* offset of the path ('/'), or of the query/end when there is none */
    size_t path_end;   /* offset of '?' / '#', or strlen(url) */
} ld_export_url;

/* Splits url; < 0 (LD_ERR_INVALID) with err saying why (the URL is not
 * quoted in the message: it may hold credentials). what names the sink
 * ("otlp", "elasticsearch"). */
int ld_export_url_split(const char *what, const char *url, ld_export_url *out, ld_error *err);

/* url with its path replaced by path (the query and fragment kept);
 * caller frees. */
char *ld_export_url_with_path(const char *url, const ld_export_url *u, const char *path);

#endif
