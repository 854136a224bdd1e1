/* SBOM collection: read an image (or dir:) once through every cataloger and
 * the os-release reader, keep the packages whose source file is visible in
 * the final file system, attributed to the layer that brought them, and say
 * which package databases could not be read. */
#ifndef LD_SBOM_SBOM_H
#define LD_SBOM_SBOM_H

#include "core/error.h"
#include "image/image.h"
#include "sbom/package.h"

/* The analyzer name the SBOM collection reads the image under (the image
 * reader's notes and gaps name it). */
#define LD_SBOM_ANALYZER "sbom"

/* A package database the collection could not read, so its packages are
 * missing from the SBOM: over a cataloger's size cap, over a budget (JSON
 * values, decompressed bytes), refused (an rpmdb.sqlite schema that is not
 * rpm's), corrupt, or not delivered by the image reader (a link it could
 * not follow, a file it could not open, a directory it could not list). A
 * binary taken only because it sits in a bin directory is not a package
 * database (ld_cataloger.speculative): one skipped for size is a note. */
typedef struct {
    char *path;   /* inside the image or root; for a directory not listed, that directory */
    char *reason; /* one line naming the file and why ("PATH: ... over its limit of N") */
} ld_sbom_unread;

typedef struct {
    ld_package_list packages; /* sorted by ecosystem, name, version, found_in */
    char *os_id;              /* os-release ID ("debian"), NULL if none */
    char *os_version_id;      /* "12" */
    char *os_codename;        /* VERSION_CODENAME, "bookworm" */
    char *os_pretty_name;
    /* Everything the user should be told, one line each: skipped files,
     * parse problems that were not fatal, and (as its reason) every unread
     * entry below. Every output format prints them. */
    ld_strlist notes;
    /* The package databases that could not be read, sorted by path, one
     * per path (a subset of what the notes say). The vulnerability matcher
     * reports a target with any as not assessed (vuln/match.h). */
    ld_sbom_unread *unread;
    size_t n_unread;
} ld_sbom;

/* Collect the SBOM of target. *img_out (if not NULL) receives the image for
 * attribution (caller frees). Returns 0 or < 0 with err set. */
int ld_sbom_collect(const char *target, const ld_image_options *opt, ld_sbom *out,
                    ld_image **img_out, ld_error *err);
/* As ld_sbom_collect, with extra analyzers run in the same read of the image
 * (image scan: secrets and account files), so the image is read once. */
int ld_sbom_collect_with(const char *target, const ld_image_options *opt,
                         const ld_analyzer *extra, size_t n_extra, ld_sbom *out,
                         ld_image **img_out, ld_error *err);
void ld_sbom_clear(ld_sbom *s);

#endif
