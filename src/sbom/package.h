/* The package model every cataloger fills and every SBOM writer and (later)
 * the vulnerability matcher reads: name, version, source package, purl,
 * licences, where it was found and which layer brought it in. */
#ifndef LD_SBOM_PACKAGE_H
#define LD_SBOM_PACKAGE_H

#include <stddef.h>

#include "util/strlist.h"

typedef enum {
    LD_ECO_DEB,
    LD_ECO_APK,
    LD_ECO_RPM,
    LD_ECO_PYPI,
    LD_ECO_NPM,
    LD_ECO_GO,
    LD_ECO_MAVEN,
    LD_ECO_CARGO,
    LD_ECO_GEM,
    LD_ECO_COMPOSER,
    LD_ECO_COUNT
} ld_ecosystem;

typedef struct {
    ld_ecosystem eco;
    char *name;
    char *version;
    char *source_name;    /* dpkg Source:, apk origin, rpm SRPM name; NULL if none */
    char *source_version; /* NULL: same as version */
    char *arch;           /* NULL if unknown */
    char *group;          /* Maven groupId, npm scope is part of name; NULL if none */
    char *purl;           /* package URL (filled by ld_package_set_purl) */
    ld_strlist licenses;  /* as recorded (SPDX ids or free text) */
    char *found_in;       /* path of the file it was read from, inside the image/rootfs */
    int layer;            /* index of the layer that introduced found_in; -1: not layered (dir:) */
} ld_package;

typedef struct {
    ld_package *items;
    size_t n, cap;
} ld_package_list;

/* Append a zeroed package (layer = -1) for eco and return it (valid until the next append). */
ld_package *ld_package_list_add(ld_package_list *l, ld_ecosystem eco);
void ld_package_list_clear(ld_package_list *l);
void ld_package_clear(ld_package *p);
const char *ld_ecosystem_name(ld_ecosystem e); /* deb, apk, rpm, pypi, npm, go, maven, cargo, gem, composer */
/* Fill p->purl from its fields; distro (e.g. "debian-12") may be NULL. */
void ld_package_set_purl(ld_package *p, const char *distro_namespace, const char *distro_qualifier);

#endif
