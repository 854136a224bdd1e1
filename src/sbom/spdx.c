/* SPDX 2.3 JSON writer (https://spdx.github.io/spdx-spec/v2.3/): one
 * package for the image (primaryPackagePurpose CONTAINER), one for the
 * operating system, one per package with its purl as a PACKAGE-MANAGER
 * external reference, its declared licences as an SPDX expression, and
 * where it was found (file, layer) in sourceInfo; relationships DOCUMENT
 * DESCRIBES image, image CONTAINS every package. Validated against the
 * official SPDX 2.3 schema in tests/e2e/test_sbom_formats.sh when that
 * schema is installed. Not a reader of SPDX documents.
 *
 * Licences: a recorded licence that is a valid SPDX expression (ids on our
 * list, see spdx_license.h) is used as it is; free text ("public-domain",
 * "BSD-like") becomes LicenseRef-<text as idstring> with the text in
 * hasExtractedLicensingInfos; several licences are joined with AND.
 * licenseConcluded is NOASSERTION: lockdown reads what packages declare and
 * concludes nothing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sbom/sbom_writers.h"
#include "sbom/spdx_license.h"
#include "util/json_out.h"
#include "util/mem.h"

#define SPDX_ID_MAX 160    /* bytes of a name/version kept in an SPDXID */
#define LICENSE_REF_MAX 64 /* bytes of free licence text kept in a LicenseRef id */

/* Distinct free-text licences of the document, sorted, with their LicenseRef ids. */
typedef struct {
    const char **text; /* borrowed from the packages */
    char **ref;
    size_t n;
} text_licenses;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_blank(const char *t)
{
    return !t || t[strspn(t, " \t\r\n")] == '\0';
}

/* The normalised expression of t (caller frees), or NULL when t is free
 * text. An expression naming LicenseRef-/DocumentRef- counts as free text:
 * this document would have to define those references, and cannot. */
static char *expression_of(const char *t, bool *compound)
{
    char *e = ld_spdx_expression_normalize(t, compound);
    if (e && (strstr(e, "LicenseRef-") || strstr(e, "DocumentRef-"))) {
        free(e);
        e = NULL;
    }
    return e;
}

/* Collects every licence string that is not a valid expression, sorts and
 * deduplicates them, and gives each a unique LicenseRef id (in sorted order,
 * so the ids do not depend on package order). */
static void collect_text_licenses(text_licenses *tl, const ld_package_list *pl, ld_idset *ids)
{
    size_t cap = 0, n = 0;
    const char **v = NULL;
    for (size_t i = 0; i < pl->n; i++) {
        const ld_strlist *l = &pl->items[i].licenses;
        for (size_t k = 0; k < l->n; k++) {
            if (is_blank(l->v[k]))
                continue;
            char *e = expression_of(l->v[k], NULL);
            if (e) {
                free(e);
                continue;
            }
            ld_xgrow(&v, &cap, n + 1, sizeof(*v));
            v[n++] = l->v[k];
        }
    }
    if (n > 1)
        qsort(v, n, sizeof(*v), cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || strcmp(v[u - 1], v[i]) != 0)
            v[u++] = v[i];
    tl->text = v;
    tl->n = u;
    tl->ref = ld_xcalloc(u ? u : 1, sizeof(*tl->ref));
    for (size_t i = 0; i < u; i++) {
        char *idstr = ld_sbom_idstring(v[i], LICENSE_REF_MAX);
        char *base = ld_xasprintf("LicenseRef-%s", idstr);
        tl->ref[i] = ld_idset_unique(ids, base);
        free(base);
        free(idstr);
    }
}

static void text_licenses_clear(text_licenses *tl)
{
    for (size_t i = 0; i < tl->n; i++)
        free(tl->ref[i]);
    free(tl->ref);
    free(tl->text);
    memset(tl, 0, sizeof(*tl));
}

static const char *text_license_ref(const text_licenses *tl, const char *text)
{
    const char **hit = bsearch(&text, tl->text, tl->n, sizeof(*tl->text), cmp_str);
    return hit ? tl->ref[hit - tl->text] : NULL;
}

/* licenseDeclared of a package: NOASSERTION, one expression, or several
 * joined with AND (compound ones in parentheses), duplicates dropped.
 * Caller frees. */
static char *declared_license(const ld_package *p, const text_licenses *tl)
{
    ld_strlist parts = {0};
    for (size_t k = 0; k < p->licenses.n; k++) {
        const char *t = p->licenses.v[k];
        if (is_blank(t))
            continue;
        bool compound = false;
        char *e = expression_of(t, &compound);
        char *part;
        if (e && compound)
            part = ld_xasprintf("(%s)", e);
        else if (e)
            part = ld_xstrdup(e);
        else
            part = ld_xstrdup(text_license_ref(tl, t)); /* always found: same inputs */
        free(e);
        if (!part || ld_strlist_contains(&parts, part)) {
            free(part);
            continue;
        }
        ld_strlist_push_owned(&parts, part);
    }
    char *out;
    if (parts.n == 0) {
        out = ld_xstrdup("NOASSERTION");
    } else if (parts.n == 1 && parts.v[0][0] == '(') {
        size_t len = strlen(parts.v[0]);
        out = ld_xstrndup(parts.v[0] + 1, len - 2); /* a lone expression needs no parentheses */
    } else {
        out = ld_strlist_join(&parts, " AND ");
    }
    ld_strlist_clear(&parts);
    return out;
}

/* sourceInfo: the file it was read from, the layer that brought it, and the
 * source package. Caller frees. */
static char *source_info(const ld_package *p, const ld_image *img)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return ld_xstrdup("found by lockdown");
    fprintf(f, "found in %s", p->found_in ? p->found_in : "(unknown file)");
    if (p->layer >= 0) {
        fprintf(f, "; layer %d", p->layer);
        const ld_layer_info *l = img && (size_t)p->layer < ld_image_layer_count(img)
                                     ? ld_image_layer(img, (size_t)p->layer)
                                     : NULL;
        if (l) {
            if (l->digest)
                fprintf(f, " digest %s", l->digest);
            if (l->diff_id)
                fprintf(f, " diff_id %s", l->diff_id);
            if (l->created_by)
                fprintf(f, " created by: %s", l->created_by);
        }
    }
    if (p->source_name)
        fprintf(f, "; source package %s %s", p->source_name,
                p->source_version ? p->source_version
                : p->version      ? p->version
                                  : "");
    if (fclose(f) != 0 || !buf) {
        free(buf);
        return ld_xstrdup("found by lockdown");
    }
    return buf;
}

/* Image package comment: platform and every layer. Caller frees. */
static char *image_comment(const ld_image *img)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    fprintf(f, "source %s", ld_image_source_kind(img) ? ld_image_source_kind(img) : "unknown");
    if (ld_image_id(img))
        fprintf(f, "; image id %s", ld_image_id(img));
    if (ld_image_manifest_digest(img))
        fprintf(f, "; manifest digest %s", ld_image_manifest_digest(img));
    if (ld_image_os(img) || ld_image_arch(img))
        fprintf(f, "; platform %s/%s", ld_image_os(img) ? ld_image_os(img) : "?",
                ld_image_arch(img) ? ld_image_arch(img) : "?");
    for (size_t i = 0; i < ld_image_layer_count(img); i++) {
        const ld_layer_info *l = ld_image_layer(img, i);
        if (!l)
            continue;
        fprintf(f, "\nlayer %zu: digest %s diff_id %s", i, l->digest ? l->digest : "-",
                l->diff_id ? l->diff_id : "-");
        if (l->created_by)
            fprintf(f, " created by: %s", l->created_by);
    }
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static void external_purl(ld_json *j, const char *purl)
{
    if (!purl)
        return;
    ld_json_key(j, "externalRefs");
    ld_json_array_begin(j);
    ld_json_object_begin(j);
    ld_json_kv_string(j, "referenceCategory", "PACKAGE-MANAGER");
    ld_json_kv_string(j, "referenceType", "purl");
    ld_json_kv_string(j, "referenceLocator", purl);
    ld_json_object_end(j);
    ld_json_array_end(j);
}

/* The members every package shares: no download location, no file analysis,
 * no conclusions. */
static void package_common(ld_json *j)
{
    ld_json_kv_string(j, "downloadLocation", "NOASSERTION");
    ld_json_kv_bool(j, "filesAnalyzed", false);
    ld_json_kv_string(j, "licenseConcluded", "NOASSERTION");
}

static void relationship(ld_json *j, const char *from, const char *type, const char *to)
{
    ld_json_object_begin(j);
    ld_json_kv_string(j, "spdxElementId", from);
    ld_json_kv_string(j, "relationshipType", type);
    ld_json_kv_string(j, "relatedSpdxElement", to);
    ld_json_object_end(j);
}

int ld_sbom_write_spdx(FILE *out, const ld_sbom *s, const ld_image *img, ld_error *err)
{
    char uuid[37], ts[21];
    if (ld_sbom_uuid4(uuid, err) < 0)
        return ld_error_wrap(err, "cannot write SPDX SBOM");
    ld_sbom_timestamp(ts);

    const ld_package_list *pl = &s->packages;
    ld_idset ids = {0}, lic_ids = {0};
    ld_idset_add(&ids, "SPDXRef-DOCUMENT");
    const char *image_id = img ? "SPDXRef-Image" : NULL;
    const char *os_id = s->os_id ? "SPDXRef-OperatingSystem" : NULL;
    if (image_id)
        ld_idset_add(&ids, image_id);
    if (os_id)
        ld_idset_add(&ids, os_id);
    char **pkg_ids = ld_xcalloc(pl->n ? pl->n : 1, sizeof(*pkg_ids));
    for (size_t i = 0; i < pl->n; i++) {
        const ld_package *p = &pl->items[i];
        char *name = ld_sbom_idstring(p->name, SPDX_ID_MAX);
        char *base;
        if (p->version) {
            char *ver = ld_sbom_idstring(p->version, SPDX_ID_MAX);
            base = ld_xasprintf("SPDXRef-Package-%s-%s-%s", ld_ecosystem_name(p->eco), name, ver);
            free(ver);
        } else {
            base = ld_xasprintf("SPDXRef-Package-%s-%s", ld_ecosystem_name(p->eco), name);
        }
        pkg_ids[i] = ld_idset_unique(&ids, base);
        free(base);
        free(name);
    }
    text_licenses tl = {0};
    collect_text_licenses(&tl, pl, &lic_ids);

    const char *doc_name = img ? ld_sbom_image_display_name(img) : "unknown";
    char *ns_name = ld_sbom_idstring(doc_name, 100);
    char *image_purl = img ? ld_sbom_image_purl(img) : NULL;

    ld_json j;
    ld_json_init(&j, out, true);
    ld_json_object_begin(&j);
    ld_json_kv_string(&j, "spdxVersion", "SPDX-2.3");
    ld_json_kv_string(&j, "dataLicense", "CC0-1.0");
    ld_json_kv_string(&j, "SPDXID", "SPDXRef-DOCUMENT");
    ld_json_kv_string(&j, "name", doc_name);
    {
        /* SPDX 2.3 section 6.5: without a web site of our own, the
         * spdx.org/spdxdocs namespace with the document name and a UUID. */
        char *ns = ld_xasprintf("https://spdx.org/spdxdocs/lockdown-%s-%s", ns_name, uuid);
        ld_json_kv_string(&j, "documentNamespace", ns);
        free(ns);
    }
    ld_json_key(&j, "creationInfo");
    ld_json_object_begin(&j);
    ld_json_kv_string(&j, "created", ts);
    ld_json_key(&j, "creators");
    ld_json_array_begin(&j);
    ld_json_string(&j, "Tool: lockdown-" LOCKDOWN_VERSION);
    ld_json_array_end(&j);
    if (s->notes.n > 0) {
        /* the unread package databases are among the notes (ld_sbom) */
        char *notes = ld_strlist_join(&s->notes, "\n");
        ld_json_kv_string(&j, "comment", notes);
        free(notes);
    }
    ld_json_object_end(&j);

    ld_json_key(&j, "packages");
    ld_json_array_begin(&j);
    if (img) {
        ld_json_object_begin(&j);
        ld_json_kv_string(&j, "SPDXID", image_id);
        ld_json_kv_string(&j, "name", doc_name);
        ld_json_kv_string_opt(&j, "versionInfo", ld_sbom_image_digest(img));
        package_common(&j);
        ld_json_kv_string(&j, "licenseDeclared", "NOASSERTION");
        ld_json_kv_string(&j, "copyrightText", "NOASSERTION");
        ld_json_kv_string(&j, "primaryPackagePurpose", "CONTAINER");
        external_purl(&j, image_purl);
        char *comment = image_comment(img);
        ld_json_kv_string_opt(&j, "comment", comment);
        free(comment);
        ld_json_object_end(&j);
    }
    if (os_id) {
        ld_json_object_begin(&j);
        ld_json_kv_string(&j, "SPDXID", os_id);
        ld_json_kv_string(&j, "name", s->os_id);
        ld_json_kv_string_opt(&j, "versionInfo", s->os_version_id);
        package_common(&j);
        ld_json_kv_string(&j, "licenseDeclared", "NOASSERTION");
        ld_json_kv_string(&j, "copyrightText", "NOASSERTION");
        ld_json_kv_string_opt(&j, "description", s->os_pretty_name);
        ld_json_kv_string(&j, "primaryPackagePurpose", "OPERATING-SYSTEM");
        ld_json_object_end(&j);
    }
    for (size_t i = 0; i < pl->n; i++) {
        const ld_package *p = &pl->items[i];
        ld_json_object_begin(&j);
        ld_json_kv_string(&j, "SPDXID", pkg_ids[i]);
        ld_json_kv_string(&j, "name", p->name ? p->name : "unknown");
        ld_json_kv_string_opt(&j, "versionInfo", p->version);
        package_common(&j);
        char *declared = declared_license(p, &tl);
        ld_json_kv_string(&j, "licenseDeclared", declared);
        free(declared);
        ld_json_kv_string(&j, "copyrightText", "NOASSERTION");
        ld_json_kv_string(&j, "primaryPackagePurpose", "LIBRARY");
        char *info = source_info(p, img);
        ld_json_kv_string(&j, "sourceInfo", info);
        free(info);
        external_purl(&j, p->purl);
        ld_json_object_end(&j);
    }
    ld_json_array_end(&j);

    if (tl.n > 0) {
        ld_json_key(&j, "hasExtractedLicensingInfos");
        ld_json_array_begin(&j);
        for (size_t i = 0; i < tl.n; i++) {
            ld_json_object_begin(&j);
            ld_json_kv_string(&j, "licenseId", tl.ref[i]);
            ld_json_kv_string(&j, "name", tl.text[i]);
            ld_json_kv_string(&j, "extractedText", tl.text[i]);
            ld_json_kv_string(&j, "comment",
                              "licence named by the package metadata; not an SPDX License List id");
            ld_json_object_end(&j);
        }
        ld_json_array_end(&j);
    }

    ld_json_key(&j, "relationships");
    ld_json_array_begin(&j);
    if (image_id) {
        relationship(&j, "SPDXRef-DOCUMENT", "DESCRIBES", image_id);
        if (os_id)
            relationship(&j, image_id, "CONTAINS", os_id);
        for (size_t i = 0; i < pl->n; i++)
            relationship(&j, image_id, "CONTAINS", pkg_ids[i]);
    } else {
        if (os_id)
            relationship(&j, "SPDXRef-DOCUMENT", "DESCRIBES", os_id);
        for (size_t i = 0; i < pl->n; i++)
            relationship(&j, "SPDXRef-DOCUMENT", "DESCRIBES", pkg_ids[i]);
    }
    ld_json_array_end(&j);
    ld_json_object_end(&j);

    for (size_t i = 0; i < pl->n; i++)
        free(pkg_ids[i]);
    free(pkg_ids);
    free(ns_name);
    free(image_purl);
    text_licenses_clear(&tl);
    ld_idset_clear(&ids);
    ld_idset_clear(&lic_ids);

    if (fflush(out) != 0 || ferror(out))
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "cannot write SPDX SBOM");
    return 0;
}
