/* The password of a private key, for the commands that write or read one
 * (key generate, key show, image sign): from LOCKDOWN_KEY_PASSWORD when it
 * is set, else asked on the controlling terminal (/dev/tty) with echo off,
 * twice when a new key is being protected. Never from a pipe on stdin:
 * stdin may carry other data (--password-stdin of the registry). */
#ifndef LD_CLI_KEY_PASSWORD_H
#define LD_CLI_KEY_PASSWORD_H

#include <stdbool.h>

#include "core/error.h"
#include "trust/keys.h"

#define CLI_KEY_PASSWORD_ENV "LOCKDOWN_KEY_PASSWORD"

/* *out receives the password (caller releases it with
 * cli_key_password_free, which wipes it). what names the key in the
 * prompt ("new key PREFIX.key", "/path/x.key"). confirm asks twice and
 * refuses a mismatch. Returns 0, or < 0 with err set: LD_ERR_INVALID when
 * there is no terminal and the variable is not set (the caller exits 2),
 * when the two entries differ, or when the line is over 1024 bytes. */
int cli_key_password(const char *what, bool confirm, char **out, ld_error *err);
void cli_key_password_free(char *password);

/* The private key at path (any format trust/keys.h reads), its password,
 * when it is encrypted, from cli_key_password. Returns the key, or NULL
 * after printing why (*rc: the exit code, 2 when no password source). */
ld_key *cli_load_signing_key(const char *path, int *rc);

#endif
