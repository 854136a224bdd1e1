/* Security levels derived from an environment profile: data classification,
 * Internet exposure and use case. The rule is documented in docs/levels.md;
 * ld_level_derive() is its only implementation. */
#ifndef LD_CORE_LEVEL_H
#define LD_CORE_LEVEL_H

#include "core/types.h"
#include "util/strlist.h"

typedef enum { LD_DATA_PUBLIC, LD_DATA_INTERNAL, LD_DATA_CONFIDENTIAL, LD_DATA_RESTRICTED } ld_data_class;
typedef enum { LD_EXPOSURE_NONE, LD_EXPOSURE_INDIRECT, LD_EXPOSURE_DIRECT } ld_exposure;
typedef enum { LD_USE_DEVELOPMENT, LD_USE_TEST, LD_USE_PRODUCTION } ld_use_case;

typedef struct {
    ld_data_class data;
    ld_exposure exposure;
    ld_use_case use;
} ld_profile;

/* Derive the level; if reasoning is not NULL, appends one line per rule that
 * applied, in order, ending with the conclusion. */
ld_level ld_level_derive(const ld_profile *p, ld_strlist *reasoning);

int ld_data_class_parse(const char *s, ld_data_class *out);
int ld_exposure_parse(const char *s, ld_exposure *out);
int ld_use_case_parse(const char *s, ld_use_case *out);
const char *ld_data_class_name(ld_data_class d);
const char *ld_exposure_name(ld_exposure e);
const char *ld_use_case_name(ld_use_case u);

#endif
