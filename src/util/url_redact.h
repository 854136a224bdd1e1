/* URLs as they may be stored and shown: credentials a user wrote into a
 * URL (https://user:pass@host/..., ?token=...) are needed for the request
 * only, never for a database row, a report or a message. Not a URL parser
 * for requests (libcurl parses those) and not for paths. */
#ifndef LD_UTIL_URL_REDACT_H
#define LD_UTIL_URL_REDACT_H

#include <stdbool.h>

/* A copy of url without its credentials: the userinfo of the authority
 * (everything up to the last '@' before the first '/', '?' or '#' after
 * "scheme://"; text without "://" has none) is removed, and the
 * value of each query parameter whose name says it is secret (token, key,
 * secret, pass, pwd, auth, sig, credential, session, in any case and as
 * part of a longer name: access_token, X-Amz-Signature) becomes "***".
 * Everything else is kept as written, so a URL without credentials comes
 * back unchanged. Works on a "NAME=URL" source spec too. Tokens inside the
 * path cannot be recognised and are kept. NULL in, NULL out; otherwise a
 * new string the caller frees. */
char *ld_url_redact(const char *url);

/* True when ld_url_redact(url) would change url. */
bool ld_url_has_secrets(const char *url);

#endif
