/* CycloneDX 1.6 JSON writer (https://cyclonedx.org/docs/1.6/json/): the
 * image as metadata.component (type "container"), the operating system as
 * an "operating-system" component, every package as a "library" component
 * with its purl, licences and lockdown:* properties for where it was found
 * and which layer brought it. Validated against the official bom-1.6 schema
 * in tests/e2e/test_sbom_formats.sh. Not a reader of CycloneDX documents.
 *
 * Component type: CycloneDX calls "library" any package that is meant to be
 * used by other software and "application" standalone software; distro
 * packages (deb, apk, rpm) mix both and the package databases do not say
 * which, so every package is a "library", as the usual container SBOM tools
 * write them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sbom/sbom_writers.h"
#include "sbom/spdx_license.h"
#include "util/json_out.h"
#include "util/mem.h"

#define CDX_SCHEMA "http://cyclonedx.org/schema/bom-1.6.schema.json"

static void property(ld_json *j, const char *name, const char *value)
{
    if (!value)
        return;
    ld_json_object_begin(j);
    ld_json_kv_string(j, "name", name);
    ld_json_kv_string(j, "value", value);
    ld_json_object_end(j);
}

static void property_int(ld_json *j, const char *name, long long v)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%lld", v);
    property(j, name, buf);
}

/* metadata.component.properties: source kind, ids, platform, every layer. */
static void image_properties(ld_json *j, const ld_image *img)
{
    ld_json_key(j, "properties");
    ld_json_array_begin(j);
    property(j, "lockdown:image:source", ld_image_source_kind(img));
    property(j, "lockdown:image:name", ld_image_name(img));
    property(j, "lockdown:image:id", ld_image_id(img));
    property(j, "lockdown:image:manifest-digest", ld_image_manifest_digest(img));
    property(j, "lockdown:image:os", ld_image_os(img));
    property(j, "lockdown:image:architecture", ld_image_arch(img));
    size_t n = ld_image_layer_count(img);
    property_int(j, "lockdown:image:layer-count", (long long)n);
    for (size_t i = 0; i < n; i++) {
        const ld_layer_info *l = ld_image_layer(img, i);
        if (!l)
            continue;
        char key[64];
#define LAYER_PROP(field, value)                                                                   \
    do {                                                                                           \
        snprintf(key, sizeof(key), "lockdown:image:layer:%zu:" field, i);                          \
        property(j, key, value);                                                                   \
    } while (0)
        LAYER_PROP("digest", l->digest);
        LAYER_PROP("diff_id", l->diff_id);
        LAYER_PROP("media_type", l->media_type);
        LAYER_PROP("created_by", l->created_by);
        LAYER_PROP("created", l->created);
#undef LAYER_PROP
        snprintf(key, sizeof(key), "lockdown:image:layer:%zu:size", i);
        property_int(j, key, (long long)l->size);
    }
    ld_json_array_end(j);
}

typedef enum { LIC_ID, LIC_EXPR, LIC_TEXT } lic_kind;

/* "licenses" of one package. CycloneDX allows either a list of
 * {license:{id|name}} or a single {expression}: ids on the SPDX list become
 * license.id, free text license.name; compound expressions ("GPL-2+ or
 * Artistic") make the whole list one expression joined with AND (the
 * package holds all those licences), unless free text is mixed in, which an
 * expression cannot carry: then every entry is listed by id or name. */
static void licenses(ld_json *j, const ld_strlist *lics)
{
    size_t n = 0, n_expr = 0, n_text = 0;
    char **norm = ld_xcalloc(lics->n ? lics->n : 1, sizeof(*norm));
    lic_kind *kind = ld_xcalloc(lics->n ? lics->n : 1, sizeof(*kind));
    const char **orig = ld_xcalloc(lics->n ? lics->n : 1, sizeof(*orig));
    for (size_t i = 0; i < lics->n; i++) {
        const char *t = lics->v[i];
        if (!t || t[strspn(t, " \t\r\n")] == '\0')
            continue;
        bool compound = false;
        char *e = ld_spdx_expression_normalize(t, &compound);
        lic_kind k = !e ? LIC_TEXT : compound ? LIC_EXPR : LIC_ID;
        const char *key = e ? e : t;
        bool dup = false;
        for (size_t m = 0; m < n && !dup; m++)
            dup = strcmp(norm[m] ? norm[m] : orig[m], key) == 0;
        if (dup) {
            free(e);
            continue;
        }
        norm[n] = e;
        kind[n] = k;
        orig[n] = t;
        n_expr += k == LIC_EXPR;
        n_text += k == LIC_TEXT;
        n++;
    }
    if (n > 0) {
        ld_json_key(j, "licenses");
        ld_json_array_begin(j);
        if (n_expr > 0 && n_text == 0) {
            char *expr = NULL;
            for (size_t m = 0; m < n; m++) {
                bool paren = n > 1 && kind[m] == LIC_EXPR;
                char *next = ld_xasprintf("%s%s%s%s%s", expr ? expr : "", expr ? " AND " : "",
                                          paren ? "(" : "", norm[m], paren ? ")" : "");
                free(expr);
                expr = next;
            }
            ld_json_object_begin(j);
            ld_json_kv_string(j, "expression", expr);
            ld_json_object_end(j);
            free(expr);
        } else {
            for (size_t m = 0; m < n; m++) {
                ld_json_object_begin(j);
                ld_json_key(j, "license");
                ld_json_object_begin(j);
                if (kind[m] == LIC_ID)
                    ld_json_kv_string(j, "id", norm[m]);
                else
                    ld_json_kv_string(j, "name", orig[m]);
                ld_json_object_end(j);
                ld_json_object_end(j);
            }
        }
        ld_json_array_end(j);
    }
    for (size_t m = 0; m < n; m++)
        free(norm[m]);
    free(norm);
    free(kind);
    free(orig);
}

static void package_component(ld_json *j, const ld_package *p, const char *ref, const ld_image *img)
{
    ld_json_object_begin(j);
    ld_json_kv_string(j, "type", "library");
    ld_json_kv_string(j, "bom-ref", ref);
    ld_json_kv_string_opt(j, "group", p->group);
    ld_json_kv_string(j, "name", p->name ? p->name : "unknown");
    ld_json_kv_string_opt(j, "version", p->version);
    ld_json_kv_string_opt(j, "purl", p->purl);
    licenses(j, &p->licenses);

    ld_json_key(j, "properties");
    ld_json_array_begin(j);
    property(j, "lockdown:package:type", ld_ecosystem_name(p->eco));
    property(j, "lockdown:package:found_in", p->found_in);
    property(j, "lockdown:package:arch", p->arch);
    property(j, "lockdown:package:source_name", p->source_name);
    if (p->source_name)
        property(j, "lockdown:package:source_version",
                 p->source_version ? p->source_version : p->version);
    if (p->layer >= 0) {
        property_int(j, "lockdown:layer:index", p->layer);
        const ld_layer_info *l = img && (size_t)p->layer < ld_image_layer_count(img)
                                     ? ld_image_layer(img, (size_t)p->layer)
                                     : NULL;
        if (l) {
            property(j, "lockdown:layer:digest", l->digest);
            property(j, "lockdown:layer:diff_id", l->diff_id);
            property(j, "lockdown:layer:created_by", l->created_by);
        }
    }
    ld_json_array_end(j);
    ld_json_object_end(j);
}

/* bom-ref of a package: its purl (else eco/name@version); a second package
 * with the same purl (found in another file) gets "|found_in=PATH", and any
 * remaining clash a "-N" suffix. Caller frees. */
static char *package_ref(ld_idset *refs, const ld_package *p)
{
    char *base = p->purl
                     ? ld_xstrdup(p->purl)
                     : ld_xasprintf("%s/%s@%s", ld_ecosystem_name(p->eco),
                                    p->name ? p->name : "unknown", p->version ? p->version : "");
    char *ref;
    if (ld_idset_add(refs, base)) {
        ref = ld_xstrdup(base);
    } else {
        char *alt = ld_xasprintf("%s|found_in=%s", base, p->found_in ? p->found_in : "");
        ref = ld_idset_unique(refs, alt);
        free(alt);
    }
    free(base);
    return ref;
}

int ld_sbom_write_cyclonedx(FILE *out, const ld_sbom *s, const ld_image *img, ld_error *err)
{
    char uuid[37], ts[21];
    if (ld_sbom_uuid4(uuid, err) < 0)
        return ld_error_wrap(err, "cannot write CycloneDX SBOM");
    ld_sbom_timestamp(ts);

    ld_idset refs = {0};
    const ld_package_list *pl = &s->packages;
    char **pkg_refs = ld_xcalloc(pl->n ? pl->n : 1, sizeof(*pkg_refs));
    char *image_ref = NULL, *os_ref = NULL, *image_purl = NULL;
    if (img) {
        image_purl = ld_sbom_image_purl(img);
        char *base = image_purl ? ld_xstrdup(image_purl)
                                : ld_xasprintf("image:%s", ld_sbom_image_display_name(img));
        image_ref = ld_idset_unique(&refs, base);
        free(base);
    }
    if (s->os_id) {
        char *base = ld_xasprintf("os:%s@%s", s->os_id, s->os_version_id ? s->os_version_id : "");
        os_ref = ld_idset_unique(&refs, base);
        free(base);
    }
    for (size_t i = 0; i < pl->n; i++)
        pkg_refs[i] = package_ref(&refs, &pl->items[i]);

    ld_json j;
    ld_json_init(&j, out, true);
    ld_json_object_begin(&j);
    ld_json_kv_string(&j, "$schema", CDX_SCHEMA);
    ld_json_kv_string(&j, "bomFormat", "CycloneDX");
    ld_json_kv_string(&j, "specVersion", "1.6");
    ld_json_key(&j, "serialNumber");
    {
        char serial[48];
        snprintf(serial, sizeof(serial), "urn:uuid:%s", uuid);
        ld_json_string(&j, serial);
    }
    ld_json_kv_int(&j, "version", 1);

    /* metadata */
    ld_json_key(&j, "metadata");
    ld_json_object_begin(&j);
    ld_json_kv_string(&j, "timestamp", ts);
    ld_json_key(&j, "tools");
    ld_json_object_begin(&j);
    ld_json_key(&j, "components");
    ld_json_array_begin(&j);
    ld_json_object_begin(&j);
    ld_json_kv_string(&j, "type", "application");
    ld_json_kv_string(&j, "name", "lockdown");
    ld_json_kv_string(&j, "version", LOCKDOWN_VERSION);
    ld_json_object_end(&j);
    ld_json_array_end(&j);
    ld_json_object_end(&j);
    if (img) {
        ld_json_key(&j, "component");
        ld_json_object_begin(&j);
        ld_json_kv_string(&j, "type", "container");
        ld_json_kv_string(&j, "bom-ref", image_ref);
        ld_json_kv_string(&j, "name", ld_sbom_image_display_name(img));
        ld_json_kv_string_opt(&j, "version", ld_sbom_image_digest(img));
        ld_json_kv_string_opt(&j, "purl", image_purl);
        image_properties(&j, img);
        ld_json_object_end(&j);
    }
    if (s->notes.n > 0 || s->n_unread > 0) {
        ld_json_key(&j, "properties");
        ld_json_array_begin(&j);
        for (size_t i = 0; i < s->notes.n; i++)
            property(&j, "lockdown:note", s->notes.v[i]);
        /* the package databases not read: this BOM lacks their packages */
        for (size_t i = 0; i < s->n_unread; i++)
            property(&j, "lockdown:not-read", s->unread[i].path);
        ld_json_array_end(&j);
    }
    ld_json_object_end(&j);

    /* components */
    ld_json_key(&j, "components");
    ld_json_array_begin(&j);
    if (os_ref) {
        ld_json_object_begin(&j);
        ld_json_kv_string(&j, "type", "operating-system");
        ld_json_kv_string(&j, "bom-ref", os_ref);
        ld_json_kv_string(&j, "name", s->os_id);
        ld_json_kv_string_opt(&j, "version", s->os_version_id);
        ld_json_kv_string_opt(&j, "description", s->os_pretty_name);
        if (s->os_codename) {
            ld_json_key(&j, "properties");
            ld_json_array_begin(&j);
            property(&j, "lockdown:os:codename", s->os_codename);
            ld_json_array_end(&j);
        }
        ld_json_object_end(&j);
    }
    for (size_t i = 0; i < pl->n; i++)
        package_component(&j, &pl->items[i], pkg_refs[i], img);
    ld_json_array_end(&j);

    /* dependencies: the image holds every component */
    if (image_ref) {
        ld_json_key(&j, "dependencies");
        ld_json_array_begin(&j);
        ld_json_object_begin(&j);
        ld_json_kv_string(&j, "ref", image_ref);
        ld_json_key(&j, "dependsOn");
        ld_json_array_begin(&j);
        if (os_ref)
            ld_json_string(&j, os_ref);
        for (size_t i = 0; i < pl->n; i++)
            ld_json_string(&j, pkg_refs[i]);
        ld_json_array_end(&j);
        ld_json_object_end(&j);
        ld_json_array_end(&j);
    }
    ld_json_object_end(&j);

    for (size_t i = 0; i < pl->n; i++)
        free(pkg_refs[i]);
    free(pkg_refs);
    free(image_ref);
    free(os_ref);
    free(image_purl);
    ld_idset_clear(&refs);

    if (fflush(out) != 0 || ferror(out))
        return ld_error_set_errno(err, LD_ERR_GENERIC, errno, "cannot write CycloneDX SBOM");
    return 0;
}
