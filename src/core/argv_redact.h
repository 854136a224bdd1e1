/* Which parts of a command line are secrets, and a copy without them, for
 * records that outlive the run (the audit trail, core/audit_log.h): the
 * value of an option that carries a credential (--password X,
 * --token=X, --identity-token X, --creds user:pass, and any long option
 * whose name says it holds one, judged by ld_secret_key_name), the
 * userinfo and secret query parameters of a URL (ld_url_redact),
 * KEY=VALUE words whose KEY names a credential (DB_PASSWORD=x,
 * --env=API_TOKEN=x), and what the built-in secret rules recognise in any
 * word (a literal AWS key, a GitHub token, a PEM block; masked as image
 * scan masks them). Over-redacting is the safe mistake: a value after a
 * secret-named option is hidden even when it was meant as something else.
 * Not for parsing options: the command's own getopt does that. */
#ifndef LD_CORE_ARGV_REDACT_H
#define LD_CORE_ARGV_REDACT_H

#include <stdbool.h>
#include <stddef.h>

#define LD_REDACTED "REDACTED"

/* Is --NAME (name without the dashes, n bytes) an option whose value is a
 * secret? Explicit names (password, token, identity-token, creds, ...),
 * then ld_secret_key_name; lockdown's own options whose names only
 * sound secret (password-stdin, htpasswd FILE, secret-max-bytes) are not. */
bool ld_argv_secret_option(const char *name, size_t n);

/* One word redacted on its own (no option context): URL credentials,
 * KEY=VALUE with a credential KEY, rule matches. For targets and for
 * operands. Never NULL for non-NULL s; caller frees. */
char *ld_argv_redact_word(const char *s);

/* A redacted copy of argv[0..argc): NULL-terminated, every string new.
 * Option values are recognised by the option before them ("--password X")
 * or after '=' ("--password=X"); after a bare "--" every word is an
 * operand. Caller frees with ld_argv_free. */
char **ld_argv_redact(int argc, char *const *argv);
void ld_argv_free(char **v);

#endif
