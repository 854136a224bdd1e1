/* Unit tests for the SBOM writers (CycloneDX 1.6 JSON, SPDX 2.3 JSON) and
 * the SPDX licence helpers they use. Packages carry hostile text (quotes,
 * control characters, invalid UTF-8, NULL fields, duplicate purls); every
 * document must parse with jansson (which rejects invalid UTF-8) and keep
 * identifiers unique and well-formed. Schema validation against the
 * official schemas is in tests/e2e/test_sbom_formats.sh. */
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "image/image.h"
#include "sbom/sbom.h"
#include "sbom/sbom_writers.h"
#include "sbom/spdx_license.h"
#include "test_image_util.h"
#include "test_skip.h"

/* ---- fixtures ----------------------------------------------------------- */

static ld_package *add(ld_sbom *s, ld_ecosystem eco, const char *name, const char *version,
                       const char *purl, const char *found_in)
{
    ld_package *p = ld_package_list_add(&s->packages, eco);
    p->name = name ? strdup(name) : NULL;
    p->version = version ? strdup(version) : NULL;
    p->purl = purl ? strdup(purl) : NULL;
    p->found_in = found_in ? strdup(found_in) : NULL;
    return p;
}

/* An SBOM with hostile strings in every field a writer prints. */
static void hostile_sbom(ld_sbom *s)
{
    memset(s, 0, sizeof(*s));
    s->os_id = strdup("debian");
    s->os_version_id = strdup("12");
    s->os_codename = strdup("bookworm");
    s->os_pretty_name = strdup("Debian \"GNU\"/Linux\n12 \x01\xff");
    ld_strlist_push(&s->notes, "skipped /bad\xc3\x28 path \"quoted\"");

    ld_package *p = add(s, LD_ECO_DEB, "libc6", "2.36-9+deb12u4",
                        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12",
                        "/var/lib/dpkg/status");
    p->source_name = strdup("glibc");
    p->arch = strdup("amd64");
    ld_strlist_push(&p->licenses, "LGPL-2.1+");
    ld_strlist_push(&p->licenses, "GPL-2+ or Artistic");
    ld_strlist_push(&p->licenses, "public-domain");

    /* same purl, found in another file: bom-ref and SPDXID must differ */
    p = add(s, LD_ECO_DEB, "libc6", "2.36-9+deb12u4",
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12",
            "/var/lib/dpkg/status.d/libc6");
    ld_strlist_push(&p->licenses, "mit");

    /* quotes, control characters, invalid UTF-8, a newline */
    p = add(s, LD_ECO_NPM, "evil\"name\\\n\x01\x7f\xff\xfe", "1.0\"\t\xc0\x80",
            "pkg:npm/evil%22name@1.0", "/app/node_modules/evil\"/package.json\x02");
    ld_strlist_push(&p->licenses, "Custom \"licence\"\x01\xff");
    ld_strlist_push(&p->licenses, "MIT");
    p->group = strdup("grp\"\x1f");

    /* NULL everything */
    add(s, LD_ECO_PYPI, NULL, NULL, NULL, NULL);

    /* only an expression: CycloneDX writes one expression */
    p = add(s, LD_ECO_PYPI, "dual", "2", "pkg:pypi/dual@2", "/usr/lib/python3/dist-packages/dual");
    ld_strlist_push(&p->licenses, "Apache-2.0 OR mit");

    /* two free texts that make the same LicenseRef idstring */
    p = add(s, LD_ECO_GEM, "refs", "1", NULL, "/gems/refs.gemspec");
    ld_strlist_push(&p->licenses, "BSD like");
    ld_strlist_push(&p->licenses, "BSD_like");
    ld_strlist_push(&p->licenses, "");
}

/* With LOCKDOWN_SBOM_DUMP_DIR set, every document is also saved there as
 * N.cdx.json / N.spdx.json: tests/e2e/test_sbom_formats.sh validates these
 * hostile documents against the official schemas. */
static void dump(const char *buf, size_t len, const char *format)
{
    static int seq;
    const char *dir = getenv("LOCKDOWN_SBOM_DUMP_DIR");
    if (!dir || !*dir)
        return;
    char path[4096];
    snprintf(path, sizeof(path), "%s/%d.%s.json", dir, ++seq, format);
    FILE *f = fopen(path, "w");
    if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0)
        fail_msg("cannot write %s", path);
}

/* Runs a writer into memory and parses the result (must be valid JSON and
 * valid UTF-8). */
static json_t *write_and_parse(int (*writer)(FILE *, const ld_sbom *, const ld_image *, ld_error *),
                               const ld_sbom *s, const ld_image *img)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    ld_error err = LD_ERROR_INIT;
    int rc = writer(f, s, img, &err);
    assert_int_equal(fclose(f), 0);
    if (rc != 0)
        fail_msg("writer failed: %s", err.msg);
    dump(buf, len, writer == ld_sbom_write_cyclonedx ? "cdx" : "spdx");
    json_error_t jerr;
    json_t *doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc)
        fail_msg("not valid JSON: %s (line %d)\n%.*s", jerr.text, jerr.line, (int)len, buf);
    free(buf);
    return doc;
}

static const char *str_at(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    if (!v)
        fail_msg("missing string member \"%s\"", key);
    return v;
}

/* The component/package whose property/field key equals value. */
static json_t *find_by(json_t *arr, const char *key, const char *value)
{
    size_t i;
    json_t *it;
    json_array_foreach(arr, i, it)
    {
        const char *v = json_string_value(json_object_get(it, key));
        if (v && strcmp(v, value) == 0)
            return it;
    }
    return NULL;
}

static const char *property(json_t *component, const char *name)
{
    json_t *p = find_by(json_object_get(component, "properties"), "name", name);
    return p ? json_string_value(json_object_get(p, "value")) : NULL;
}

static void assert_matches(const char *re, const char *s)
{
    regex_t rx;
    assert_int_equal(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB), 0);
    int rc = regexec(&rx, s, 0, NULL, 0);
    regfree(&rx);
    if (rc != 0)
        fail_msg("'%s' does not match /%s/", s, re);
}

/* ---- CycloneDX ------------------------------------------------------------ */

static void test_cyclonedx_hostile(void **state)
{
    (void)state;
    ld_sbom s;
    hostile_sbom(&s);
    json_t *doc = write_and_parse(ld_sbom_write_cyclonedx, &s, NULL);

    assert_string_equal(str_at(doc, "bomFormat"), "CycloneDX");
    assert_string_equal(str_at(doc, "specVersion"), "1.6");
    assert_int_equal(json_integer_value(json_object_get(doc, "version")), 1);
    assert_matches("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
                   str_at(doc, "serialNumber"));
    json_t *meta = json_object_get(doc, "metadata");
    assert_matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$",
                   str_at(meta, "timestamp"));
    json_t *tool = json_array_get(json_object_get(json_object_get(meta, "tools"), "components"), 0);
    assert_string_equal(str_at(tool, "name"), "lockdown");
    assert_null(json_object_get(meta, "component")); /* no image given */
    assert_null(json_object_get(doc, "dependencies"));

    json_t *comps = json_object_get(doc, "components");
    assert_int_equal(json_array_size(comps), s.packages.n + 1); /* + the OS */
    json_t *os = json_array_get(comps, 0);
    assert_string_equal(str_at(os, "type"), "operating-system");
    assert_string_equal(str_at(os, "name"), "debian");
    assert_string_equal(str_at(os, "version"), "12");
    /* \x01 escaped, \xff replaced by U+FFFD */
    assert_string_equal(str_at(os, "description"), "Debian \"GNU\"/Linux\n12 \x01\xef\xbf\xbd");

    /* bom-refs: present and unique */
    size_t i;
    json_t *c;
    json_array_foreach(comps, i, c)
    {
        const char *ref = str_at(c, "bom-ref");
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(ref, str_at(json_array_get(comps, k), "bom-ref"));
        str_at(c, "name"); /* required by the schema, even for a NULL name */
        str_at(c, "type");
    }

    /* libc6: LGPL-2.1+ is an id, the or-expression and free text cannot be
     * one expression with free text, so all are listed by id or name */
    json_t *libc = json_array_get(comps, 1);
    assert_string_equal(str_at(libc, "bom-ref"),
                        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12");
    json_t *lics = json_object_get(libc, "licenses");
    assert_int_equal(json_array_size(lics), 3);
    assert_string_equal(str_at(json_object_get(json_array_get(lics, 0), "license"), "id"),
                        "LGPL-2.1+");
    assert_string_equal(str_at(json_object_get(json_array_get(lics, 1), "license"), "name"),
                        "GPL-2+ or Artistic");
    assert_string_equal(str_at(json_object_get(json_array_get(lics, 2), "license"), "name"),
                        "public-domain");
    assert_string_equal(property(libc, "lockdown:package:found_in"), "/var/lib/dpkg/status");
    assert_string_equal(property(libc, "lockdown:package:source_name"), "glibc");
    assert_string_equal(property(libc, "lockdown:package:source_version"), "2.36-9+deb12u4");
    assert_string_equal(property(libc, "lockdown:package:type"), "deb");
    assert_null(property(libc, "lockdown:layer:index")); /* layer -1 */

    json_t *libc2 = json_array_get(comps, 2);
    assert_string_not_equal(str_at(libc2, "bom-ref"), str_at(libc, "bom-ref"));
    assert_non_null(strstr(str_at(libc2, "bom-ref"), "/var/lib/dpkg/status.d/libc6"));
    /* "mit" on the list: canonical id */
    assert_string_equal(
        str_at(json_object_get(json_array_get(json_object_get(libc2, "licenses"), 0), "license"),
               "id"),
        "MIT");

    json_t *evil = json_array_get(comps, 3);
    assert_string_equal(str_at(evil, "name"), "evil\"name\\\n\x01\x7f\xef\xbf\xbd\xef\xbf\xbd");
    assert_string_equal(str_at(evil, "group"), "grp\"\x1f");

    json_t *none = json_array_get(comps, 4);
    assert_string_equal(str_at(none, "name"), "unknown");
    assert_null(json_object_get(none, "version"));
    assert_null(json_object_get(none, "purl"));
    assert_null(json_object_get(none, "licenses"));

    json_t *dual = json_array_get(comps, 5);
    json_t *dl = json_object_get(dual, "licenses");
    assert_int_equal(json_array_size(dl), 1);
    assert_string_equal(str_at(json_array_get(dl, 0), "expression"), "Apache-2.0 OR MIT");

    /* notes become metadata properties */
    json_t *note = json_array_get(json_object_get(meta, "properties"), 0);
    assert_string_equal(str_at(note, "name"), "lockdown:note");

    /* a second document has another serial number */
    json_t *doc2 = write_and_parse(ld_sbom_write_cyclonedx, &s, NULL);
    assert_string_not_equal(str_at(doc, "serialNumber"), str_at(doc2, "serialNumber"));
    json_decref(doc2);
    json_decref(doc);
    ld_sbom_clear(&s);
}

static void test_cyclonedx_empty(void **state)
{
    (void)state;
    ld_sbom s;
    memset(&s, 0, sizeof(s));
    json_t *doc = write_and_parse(ld_sbom_write_cyclonedx, &s, NULL);
    assert_int_equal(json_array_size(json_object_get(doc, "components")), 0);
    json_decref(doc);
    doc = write_and_parse(ld_sbom_write_spdx, &s, NULL);
    assert_int_equal(json_array_size(json_object_get(doc, "packages")), 0);
    assert_int_equal(json_array_size(json_object_get(doc, "relationships")), 0);
    json_decref(doc);
}

/* ---- SPDX ----------------------------------------------------------------- */

static void test_spdx_hostile(void **state)
{
    (void)state;
    ld_sbom s;
    hostile_sbom(&s);
    json_t *doc = write_and_parse(ld_sbom_write_spdx, &s, NULL);

    assert_string_equal(str_at(doc, "spdxVersion"), "SPDX-2.3");
    assert_string_equal(str_at(doc, "dataLicense"), "CC0-1.0");
    assert_string_equal(str_at(doc, "SPDXID"), "SPDXRef-DOCUMENT");
    str_at(doc, "name");
    assert_matches("^https://spdx.org/spdxdocs/lockdown-[A-Za-z0-9.-]+-[0-9a-f]{8}-[0-9a-f]{4}-4",
                   str_at(doc, "documentNamespace"));
    json_t *ci = json_object_get(doc, "creationInfo");
    assert_matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$",
                   str_at(ci, "created"));
    assert_string_equal(json_string_value(json_array_get(json_object_get(ci, "creators"), 0)),
                        "Tool: lockdown-" LOCKDOWN_VERSION);

    json_t *pkgs = json_object_get(doc, "packages");
    assert_int_equal(json_array_size(pkgs), s.packages.n + 1);
    size_t i;
    json_t *p;
    json_array_foreach(pkgs, i, p)
    {
        const char *id = str_at(p, "SPDXID");
        assert_matches("^SPDXRef-[a-zA-Z0-9.-]+$", id);
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(id, str_at(json_array_get(pkgs, k), "SPDXID"));
        assert_string_equal(str_at(p, "downloadLocation"), "NOASSERTION");
        assert_true(json_is_false(json_object_get(p, "filesAnalyzed")));
        assert_string_equal(str_at(p, "licenseConcluded"), "NOASSERTION");
        str_at(p, "licenseDeclared");
        str_at(p, "name");
    }
    json_t *os = json_array_get(pkgs, 0);
    assert_string_equal(str_at(os, "primaryPackagePurpose"), "OPERATING-SYSTEM");

    json_t *libc = json_array_get(pkgs, 1);
    assert_string_equal(str_at(libc, "SPDXID"), "SPDXRef-Package-deb-libc6-2.36-9-deb12u4");
    assert_string_equal(str_at(libc, "versionInfo"), "2.36-9+deb12u4");
    assert_string_equal(str_at(libc, "licenseDeclared"),
                        "LGPL-2.1+ AND (GPL-2.0-or-later OR Artistic-1.0-Perl) AND "
                        "LicenseRef-public-domain");
    json_t *ref = json_array_get(json_object_get(libc, "externalRefs"), 0);
    assert_string_equal(str_at(ref, "referenceCategory"), "PACKAGE-MANAGER");
    assert_string_equal(str_at(ref, "referenceType"), "purl");
    assert_string_equal(str_at(ref, "referenceLocator"),
                        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12");
    assert_non_null(strstr(str_at(libc, "sourceInfo"), "found in /var/lib/dpkg/status"));
    assert_non_null(strstr(str_at(libc, "sourceInfo"), "source package glibc 2.36-9+deb12u4"));
    assert_string_equal(str_at(json_array_get(pkgs, 2), "SPDXID"),
                        "SPDXRef-Package-deb-libc6-2.36-9-deb12u4-2");
    assert_string_equal(str_at(json_array_get(pkgs, 2), "licenseDeclared"), "MIT");

    json_t *evil = json_array_get(pkgs, 3);
    const char *evil_lic = str_at(evil, "licenseDeclared");
    assert_matches("^LicenseRef-[A-Za-z0-9.-]+ AND MIT$", evil_lic);

    json_t *none = json_array_get(pkgs, 4);
    assert_string_equal(str_at(none, "name"), "unknown");
    assert_string_equal(str_at(none, "licenseDeclared"), "NOASSERTION");
    assert_null(json_object_get(none, "versionInfo"));
    assert_null(json_object_get(none, "externalRefs"));

    assert_string_equal(str_at(json_array_get(pkgs, 5), "licenseDeclared"), "Apache-2.0 OR MIT");

    /* "BSD like" and "BSD_like" share an idstring: two distinct LicenseRefs */
    json_t *refs_pkg = json_array_get(pkgs, 6);
    assert_string_equal(str_at(refs_pkg, "licenseDeclared"),
                        "LicenseRef-BSD-like AND LicenseRef-BSD-like-2");

    /* every LicenseRef used is defined, once, with its text */
    json_t *ex = json_object_get(doc, "hasExtractedLicensingInfos");
    assert_int_equal(json_array_size(ex), 4); /* public-domain, Custom.., BSD like, BSD_like */
    json_t *e;
    json_array_foreach(ex, i, e)
    {
        const char *lid = str_at(e, "licenseId");
        assert_matches("^LicenseRef-[A-Za-z0-9.-]+$", lid);
        str_at(e, "extractedText");
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(lid, str_at(json_array_get(ex, k), "licenseId"));
    }
    assert_non_null(find_by(ex, "extractedText", "public-domain"));
    assert_non_null(find_by(ex, "extractedText", "BSD like"));
    json_t *pd = find_by(ex, "licenseId", "LicenseRef-public-domain");
    assert_non_null(pd);
    assert_string_equal(str_at(pd, "extractedText"), "public-domain");
    json_t *bsd2 = find_by(ex, "licenseId", "LicenseRef-BSD-like-2");
    assert_non_null(bsd2);
    assert_string_equal(str_at(bsd2, "extractedText"), "BSD_like");
    char evil_ref[128];
    snprintf(evil_ref, sizeof(evil_ref), "%.*s", (int)strcspn(evil_lic, " "), evil_lic);
    assert_non_null(find_by(ex, "licenseId", evil_ref));

    /* no image: the document DESCRIBES the OS and each package */
    json_t *rels = json_object_get(doc, "relationships");
    assert_int_equal(json_array_size(rels), s.packages.n + 1);
    json_t *r;
    json_array_foreach(rels, i, r)
    {
        assert_string_equal(str_at(r, "spdxElementId"), "SPDXRef-DOCUMENT");
        assert_string_equal(str_at(r, "relationshipType"), "DESCRIBES");
        assert_non_null(find_by(pkgs, "SPDXID", str_at(r, "relatedSpdxElement")));
    }

    json_t *doc2 = write_and_parse(ld_sbom_write_spdx, &s, NULL);
    assert_string_not_equal(str_at(doc, "documentNamespace"), str_at(doc2, "documentNamespace"));
    json_decref(doc2);
    json_decref(doc);
    ld_sbom_clear(&s);
}

/* ---- with an image (dir: source: no layers, no digest) -------------------- */

static void test_writers_with_dir_image(void **state)
{
    (void)state;
    char dir[] = "/tmp/lockdown-sbomw-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char file[64], target[64];
    snprintf(file, sizeof(file), "%s/hello", dir);
    FILE *hf = fopen(file, "w");
    assert_non_null(hf);
    fputs("hello\n", hf);
    fclose(hf);
    snprintf(target, sizeof(target), "dir:%s", dir);
    ld_error err = LD_ERROR_INIT;
    ld_image_options opt;
    memset(&opt, 0, sizeof(opt));
    ld_image *img = ld_image_read(target, &opt, NULL, 0, &err);
    if (!img) {
        unlink(file);
        rmdir(dir);
        fail_msg("ld_image_read(%s): %s", target, err.msg);
    }
    ld_sbom s;
    hostile_sbom(&s);
    s.packages.items[0].layer = 7; /* out of range for this image: must be ignored safely */

    json_t *doc = write_and_parse(ld_sbom_write_cyclonedx, &s, img);
    json_t *comp = json_object_get(json_object_get(doc, "metadata"), "component");
    assert_non_null(comp);
    assert_string_equal(str_at(comp, "type"), "container");
    assert_string_equal(str_at(comp, "name"), dir);
    assert_null(json_object_get(comp, "purl")); /* no digest for dir: */
    json_t *deps = json_object_get(doc, "dependencies");
    assert_int_equal(json_array_size(deps), 1);
    json_t *dep = json_array_get(deps, 0);
    assert_string_equal(str_at(dep, "ref"), str_at(comp, "bom-ref"));
    assert_int_equal(json_array_size(json_object_get(dep, "dependsOn")), s.packages.n + 1);
    json_t *libc = json_array_get(json_object_get(doc, "components"), 1);
    assert_string_equal(property(libc, "lockdown:layer:index"), "7");
    assert_null(property(libc, "lockdown:layer:digest"));
    json_decref(doc);

    doc = write_and_parse(ld_sbom_write_spdx, &s, img);
    json_t *pkgs = json_object_get(doc, "packages");
    json_t *image = json_array_get(pkgs, 0);
    assert_string_equal(str_at(image, "SPDXID"), "SPDXRef-Image");
    assert_string_equal(str_at(image, "primaryPackagePurpose"), "CONTAINER");
    json_t *rels = json_object_get(doc, "relationships");
    assert_int_equal(json_array_size(rels), s.packages.n + 2);
    json_t *r0 = json_array_get(rels, 0);
    assert_string_equal(str_at(r0, "relationshipType"), "DESCRIBES");
    assert_string_equal(str_at(r0, "relatedSpdxElement"), "SPDXRef-Image");
    for (size_t i = 1; i < json_array_size(rels); i++) {
        json_t *r = json_array_get(rels, i);
        assert_string_equal(str_at(r, "spdxElementId"), "SPDXRef-Image");
        assert_string_equal(str_at(r, "relationshipType"), "CONTAINS");
    }
    json_decref(doc);

    ld_sbom_clear(&s);
    ld_image_free(img);
    unlink(file);
    rmdir(dir);
}

/* ---- history masking --------------------------------------------------- */

#define HIST_GH_TOKEN "ghp_R4nd0mT0k3nV4lu3F0rT3st1ngAbCdEf0123"
#define HIST_AWS_SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

/* Runs writer over s and img; returns the raw document (caller frees). */
static char *write_raw(int (*writer)(FILE *, const ld_sbom *, const ld_image *, ld_error *),
                       const ld_sbom *s, const ld_image *img)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    ld_error err = LD_ERROR_INIT;
    int rc = writer(f, s, img, &err);
    assert_int_equal(fclose(f), 0);
    if (rc != 0)
        fail_msg("writer failed: %s", err.msg);
    return buf;
}

/* A docker-archive whose history holds the secrets a build leaves there
 * (an ARG token, a RUN writing an AWS key): both SBOM writers show each
 * layer's history, and neither shows a secret. */
static void test_writers_mask_history(void **state)
{
    (void)state;
    char dir[] = "/tmp/lockdown-sbomh-XXXXXX";
    assert_non_null(mkdtemp(dir));
    tent files[] = {{'d', "etc", NULL, 0755}, {'f', "etc/motd", "hi\n", 0644}};
    tbuf layer = make_tar(files, 2);
    char *diff = sha_hex(layer.p, layer.len);
    char *config = ld_xasprintf(
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
        "\"diff_ids\":[\"%s\"]},\"history\":["
        "{\"created_by\":\"/bin/sh -c #(nop)  ARG TOKEN=" HIST_GH_TOKEN "\",\"empty_layer\":true},"
        "{\"created_by\":\"|1 TOKEN=" HIST_GH_TOKEN " /bin/sh -c printf "
        "'aws_secret_access_key = " HIST_AWS_SECRET "' > /etc/motd\"}]}",
        diff);
    char *cfg_hex = sha_hex(config, strlen(config));
    char *cfg_name = ld_xasprintf("%s.json", cfg_hex + 7);
    char *manifest = ld_xasprintf(
        "[{\"Config\":\"%s\",\"RepoTags\":[\"leaky:1\"],\"Layers\":[\"l0/layer.tar\"]}]", cfg_name);
    tbuf tar = {0};
    struct archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    archive_write_open(a, &tar, NULL, tbuf_write_cb, NULL);
    const struct {
        const char *name;
        const void *data;
        size_t len;
    } members[] = {{"manifest.json", manifest, strlen(manifest)},
                   {cfg_name, config, strlen(config)},
                   {"l0/layer.tar", layer.p, layer.len}};
    for (size_t i = 0; i < 3; i++) {
        struct archive_entry *ae = archive_entry_new();
        archive_entry_set_pathname(ae, members[i].name);
        archive_entry_set_filetype(ae, AE_IFREG);
        archive_entry_set_perm(ae, 0644);
        archive_entry_set_size(ae, (la_int64_t)members[i].len);
        archive_write_header(a, ae);
        archive_write_data(a, members[i].data, members[i].len);
        archive_entry_free(ae);
    }
    archive_write_close(a);
    archive_write_free(a);
    write_file(dir, "img.tar", tar.p, tar.len);
    char *target = ld_xasprintf("docker-archive:%s/img.tar", dir);
    ld_error err = LD_ERROR_INIT;
    ld_image_options opt;
    memset(&opt, 0, sizeof(opt));
    ld_image *img = ld_image_read(target, &opt, NULL, 0, &err);
    if (!img)
        fail_msg("ld_image_read(%s): %s", target, err.msg);
    /* the model holds the history masked: what every writer prints */
    const char *cb = ld_image_layer(img, 0)->created_by;
    assert_non_null(cb);
    assert_non_null(strstr(cb, "aws_secret_access_key = wJal*"));
    ld_sbom s;
    memset(&s, 0, sizeof(s));
    ld_package *p = add(&s, LD_ECO_DEB, "base-files", "12.4", "pkg:deb/debian/base-files@12.4",
                        "/var/lib/dpkg/status");
    p->layer = 0;
    int (*writers[])(FILE *, const ld_sbom *, const ld_image *,
                     ld_error *) = {ld_sbom_write_cyclonedx, ld_sbom_write_spdx};
    for (size_t w = 0; w < 2; w++) {
        char *doc = write_raw(writers[w], &s, img);
        assert_non_null(strstr(doc, "printf 'aws_secret_access_key = wJal")); /* history shown */
        if (strstr(doc, "R4nd0mT0k3nV4lu3") || strstr(doc, "K7MDENG"))
            fail_msg("%s shows a secret from the image history", w == 0 ? "CycloneDX" : "SPDX");
        free(doc);
    }
    ld_sbom_clear(&s);
    ld_image_free(img);
    char *path = ld_xasprintf("%s/img.tar", dir);
    unlink(path);
    rmdir(dir);
    free(path);
    free(target);
    free(tar.p);
    free(manifest);
    free(cfg_name);
    free(cfg_hex);
    free(config);
    free(diff);
    free(layer.p);
}

/* A full disk is an error, not a silently truncated SBOM. */
static void test_write_error(void **state)
{
    (void)state;
    FILE *f = fopen("/dev/full", "w");
    if (!f)
        LD_SKIP_IF_MISSING("/dev/full cannot be opened");
    ld_sbom s;
    hostile_sbom(&s);
    ld_error err = LD_ERROR_INIT;
    assert_true(ld_sbom_write_cyclonedx(f, &s, NULL, &err) < 0);
    assert_non_null(strstr(err.msg, "cannot write CycloneDX SBOM"));
    clearerr(f);
    ld_error_clear(&err);
    assert_true(ld_sbom_write_spdx(f, &s, NULL, &err) < 0);
    assert_non_null(strstr(err.msg, "cannot write SPDX SBOM"));
    fclose(f);
    ld_sbom_clear(&s);
}

/* ---- licence helpers ----------------------------------------------------- */

static void expect_expr(const char *in, const char *want, bool want_compound)
{
    bool compound = !want_compound;
    char *got = ld_spdx_expression_normalize(in, &compound);
    if (!want) {
        if (got)
            fail_msg("'%s' accepted as '%s'", in, got);
        return;
    }
    if (!got)
        fail_msg("'%s' rejected", in);
    assert_string_equal(got, want);
    assert_int_equal(compound, want_compound);
    free(got);
}

static void test_spdx_expressions(void **state)
{
    (void)state;
    expect_expr("MIT", "MIT", false);
    expect_expr("  apache-2.0 ", "Apache-2.0", false);
    expect_expr("Expat", "MIT", false);
    expect_expr("GPL-2+", "GPL-2.0-or-later", false);
    expect_expr("GPL-2.0+", "GPL-2.0+", false);      /* a (deprecated) id of its own */
    expect_expr("Apache-2.0+", "Apache-2.0+", true); /* id with the + operator */
    expect_expr("GPL-2+ or Artistic", "GPL-2.0-or-later OR Artistic-1.0-Perl", true);
    expect_expr("(MIT OR Apache-2.0) AND BSD-3-clause", "(MIT OR Apache-2.0) AND BSD-3-Clause",
                true);
    expect_expr("GPL-2.0-only WITH classpath-exception-2.0",
                "GPL-2.0-only WITH Classpath-exception-2.0", true);
    expect_expr("LicenseRef-foo.bar", "LicenseRef-foo.bar", true);
    expect_expr("DocumentRef-x:LicenseRef-y", "DocumentRef-x:LicenseRef-y", true);
    expect_expr("", NULL, false);
    expect_expr("public domain", NULL, false);
    expect_expr("BSD-like", NULL, false);
    expect_expr("MIT AND", NULL, false);
    expect_expr("AND MIT", NULL, false);
    expect_expr("(MIT", NULL, false);
    expect_expr("MIT)", NULL, false);
    expect_expr("MIT WITH MIT", NULL, false);
    expect_expr("MIT, GPL-2.0", NULL, false);
    expect_expr("LicenseRef-", NULL, false);
    expect_expr("LicenseRef-a_b", NULL, false);
    expect_expr("MIT\"", NULL, false);
    expect_expr("MIT\xff", NULL, false);
    assert_null(ld_spdx_expression_normalize(NULL, NULL));

    /* depth and length limits */
    char deep[200];
    size_t n = 0;
    for (int i = 0; i < 40; i++)
        deep[n++] = '(';
    memcpy(deep + n, "MIT", 3);
    n += 3;
    for (int i = 0; i < 40; i++)
        deep[n++] = ')';
    deep[n] = '\0';
    expect_expr(deep, NULL, false);
    expect_expr("((((MIT))))", "((((MIT))))", false);
    /* "MIT OR MIT OR ... MIT": valid, but past the 4096-byte cap */
    char *longexpr = malloc(5100);
    assert_non_null(longexpr);
    n = 0;
    while (n < 5000) {
        memcpy(longexpr + n, "MIT OR ", 7);
        n += 7;
    }
    memcpy(longexpr + n, "MIT", 4);
    expect_expr(longexpr, NULL, false);
    longexpr[60] = '\0'; /* "MIT OR ... MIT OR M" cut: still ends in a word */
    memcpy(longexpr + 56, "MIT", 4);
    expect_expr(longexpr, "MIT OR MIT OR MIT OR MIT OR MIT OR MIT OR MIT OR MIT OR MIT", true);
    free(longexpr);

    assert_string_equal(ld_spdx_license_id("bsd-3-CLAUSE"), "BSD-3-Clause");
    assert_null(ld_spdx_license_id("not-a-licence"));
    assert_null(ld_spdx_license_id(NULL));
    assert_string_equal(ld_spdx_exception_id("llvm-exception"), "LLVM-exception");
}

static void test_idset_and_idstring(void **state)
{
    (void)state;
    ld_idset set = {0};
    for (int i = 0; i < 1000; i++) {
        char *id = ld_idset_unique(&set, "x");
        if (i == 0)
            assert_string_equal(id, "x");
        if (i == 1)
            assert_string_equal(id, "x-2");
        free(id);
    }
    assert_int_equal(set.n, 1000);
    assert_true(ld_idset_contains(&set, "x-1000"));
    assert_false(ld_idset_contains(&set, "x-1001"));
    assert_false(ld_idset_add(&set, "x-500"));
    ld_idset_clear(&set);

    char *s = ld_sbom_idstring("a b__c\xff\"d.e-f", 100);
    assert_string_equal(s, "a-b-c-d.e-f");
    free(s);
    s = ld_sbom_idstring("", 10);
    assert_string_equal(s, "unknown");
    free(s);
    s = ld_sbom_idstring("abcdefghijkl", 5);
    assert_string_equal(s, "abcde");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cyclonedx_hostile),    cmocka_unit_test(test_cyclonedx_empty),
        cmocka_unit_test(test_spdx_hostile),         cmocka_unit_test(test_writers_with_dir_image),
        cmocka_unit_test(test_writers_mask_history), cmocka_unit_test(test_write_error),
        cmocka_unit_test(test_spdx_expressions),     cmocka_unit_test(test_idset_and_idstring),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
