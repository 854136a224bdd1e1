/* Is the value of a credential-looking name (DB_PASSWORD=..., an env var,
 * a ConfigMap key, a --password flag) a placeholder or a reference rather
 * than a secret: shorter than 4 characters, $VAR / ${VAR} / $(VAR) /
 * <name> / {{ template }}, or holding changeme, example, placeholder,
 * dummy, xxxx, /run/secrets/, _file, none, null, true or false? Shared by
 * the image configuration checks and the Kubernetes workload checks so a
 * value is judged the same way in both. Not for rule hits (those have
 * their own allow rules). */
#ifndef LD_CHECKS_SECRET_PLACEHOLDER_H
#define LD_CHECKS_SECRET_PLACEHOLDER_H

#include <stdbool.h>
#include <stddef.h>

bool ld_secret_placeholder_value(const char *v, size_t n);

#endif
