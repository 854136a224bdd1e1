/* Typed reads of AWS JSON for the checks: a member of the wrong type is
 * treated as absent (hostile input never crashes a check; the loader
 * already refused documents whose structure is wrong). */
#ifndef LD_AWS_AWS_JSON_H
#define LD_AWS_AWS_JSON_H

#include <jansson.h>
#include <stdbool.h>

/* obj[key] when obj is an object and the member is a string; else NULL. */
const char *ld_aws_str(const json_t *obj, const char *key);
/* obj[key] as a boolean: 1 true, 0 false, -1 absent or not a boolean. */
int ld_aws_bool(const json_t *obj, const char *key);
/* obj[key] when it is an integer (*out set, true); else false. */
bool ld_aws_int(const json_t *obj, const char *key, long long *out);
/* obj[key] when it is an array / an object; else NULL. */
const json_t *ld_aws_array(const json_t *obj, const char *key);
const json_t *ld_aws_object(const json_t *obj, const char *key);
/* Follows a dotted path of object members ("resourcesVpcConfig.publicAccessCidrs");
 * NULL when any step is missing or not an object. */
const json_t *ld_aws_path(const json_t *obj, const char *dotted);

#endif
