/* EC2 query API XML answers turned into the AWS CLI's JSON (see ec2_xml.h). */
#include "aws/ec2_xml.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "util/mem.h"

#define TEXT_MAX ((size_t)4096) /* bytes of one converted member */

/* The document, or NULL: libxml2 with no network, no entity substitution,
 * no DTD loading and no messages of its own; a document that carries a
 * DTD is refused (an entity defined there could still be referenced). */
static xmlDocPtr read_xml(const char *xml, size_t len)
{
    if (!xml || len == 0 || len > LD_EC2_XML_MAX)
        return NULL;
    xmlDocPtr d = xmlReadMemory(xml, (int)len, "ec2.xml", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                    XML_PARSE_NOCDATA);
    if (d && d->intSubset) {
        xmlFreeDoc(d);
        return NULL;
    }
    return d;
}

static bool named(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* The first child element of n called name, or NULL. */
static xmlNode *child(const xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (named(c, name))
            return c;
    return NULL;
}

/* The text directly inside n (text and CDATA children only, no entity
 * references, at most TEXT_MAX bytes), or NULL when n is NULL or the text
 * is longer. Caller frees. */
static char *text_of(const xmlNode *n)
{
    if (!n)
        return NULL;
    size_t len = 0;
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE)
            continue;
        len += c->content ? strlen((const char *)c->content) : 0;
        if (len > TEXT_MAX)
            return NULL;
    }
    char *s = ld_xmalloc(len + 1);
    size_t at = 0;
    for (const xmlNode *c = n->children; c; c = c->next) {
        if ((c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE) || !c->content)
            continue;
        size_t k = strlen((const char *)c->content);
        memcpy(s + at, c->content, k);
        at += k;
    }
    s[at] = '\0';
    return s;
}

/* Text without the blanks around it (XML answers may be indented). */
static char *trimmed_text(const xmlNode *n)
{
    char *s = text_of(n);
    if (!s)
        return NULL;
    size_t b = 0, e = strlen(s);
    while (b < e && strchr(" \t\r\n", s[b]))
        b++;
    while (e > b && strchr(" \t\r\n", s[e - 1]))
        e--;
    char *t = ld_xstrndup(s + b, e - b);
    free(s);
    return t;
}

/* A non-negative decimal integer that fits int64; false otherwise. */
static bool parse_count(const char *s, long long *out)
{
    if (!s || !*s)
        return false;
    long long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *p - '0', &v))
            return false;
    }
    *out = v;
    return true;
}

/* obj[key] = the element's text when the element exists. */
static void copy_string(json_t *obj, const char *key, const xmlNode *parent, const char *elem)
{
    char *s = trimmed_text(child(parent, elem));
    if (s)
        json_object_set_new(obj, key, json_string(s));
    free(s);
}

/* obj[key] = the element's integer; false when present and not a number. */
static bool copy_int(json_t *obj, const char *key, const xmlNode *parent, const char *elem)
{
    const xmlNode *n = child(parent, elem);
    if (!n)
        return true;
    char *s = trimmed_text(n);
    long long v;
    bool ok = parse_count(s, &v);
    if (ok)
        json_object_set_new(obj, key, json_integer(v));
    free(s);
    return ok;
}

/* obj[key] = true/false; false when present and neither. */
static bool copy_bool(json_t *obj, const char *key, const xmlNode *parent, const char *elem)
{
    const xmlNode *n = child(parent, elem);
    if (!n)
        return true;
    char *s = trimmed_text(n);
    bool ok = s && (strcmp(s, "true") == 0 || strcmp(s, "false") == 0);
    if (ok)
        json_object_set_new(obj, key, json_boolean(strcmp(s, "true") == 0));
    free(s);
    return ok;
}

/* One <item> of launchTemplateVersionSet; NULL when a number or flag is bad. */
static json_t *convert_version(const xmlNode *item)
{
    json_t *v = json_object();
    copy_string(v, "LaunchTemplateId", item, "launchTemplateId");
    copy_string(v, "LaunchTemplateName", item, "launchTemplateName");
    bool ok = copy_int(v, "VersionNumber", item, "versionNumber") &&
              copy_bool(v, "DefaultVersion", item, "defaultVersion");
    const xmlNode *data = child(item, "launchTemplateData");
    if (ok && data) {
        json_t *d = json_object();
        const xmlNode *mo = child(data, "metadataOptions");
        if (mo) {
            json_t *m = json_object();
            copy_string(m, "HttpTokens", mo, "httpTokens");
            ok = copy_int(m, "HttpPutResponseHopLimit", mo, "httpPutResponseHopLimit");
            copy_string(m, "HttpEndpoint", mo, "httpEndpoint");
            json_object_set_new(d, "MetadataOptions", m);
        }
        json_object_set_new(v, "LaunchTemplateData", d);
    }
    if (!ok) {
        json_decref(v);
        return NULL;
    }
    return v;
}

json_t *ld_ec2_launch_template_versions(const char *name, const char *xml, size_t len, char **next,
                                        ld_error *err)
{
    *next = NULL;
    if (len > LD_EC2_XML_MAX) {
        ld_error_set(err, LD_ERR_LIMIT, "%s: the answer is %zu bytes, over the limit of %zu", name,
                     len, LD_EC2_XML_MAX);
        return NULL;
    }
    xmlDocPtr d = read_xml(xml, len);
    if (!d) {
        ld_error_set(err, LD_ERR_CORRUPT, "%s: not an XML document lockdown reads", name);
        return NULL;
    }
    json_t *out = NULL;
    const xmlNode *root = xmlDocGetRootElement(d);
    const xmlNode *set = child(root, "launchTemplateVersionSet");
    if (!named(root, "DescribeLaunchTemplateVersionsResponse") || !set) {
        ld_error_set(err, LD_ERR_CORRUPT,
                     "%s: not a DescribeLaunchTemplateVersionsResponse with a "
                     "launchTemplateVersionSet",
                     name);
        goto out;
    }
    json_t *versions = json_array();
    size_t n = 0;
    for (const xmlNode *it = set->children; it; it = it->next) {
        if (!named(it, "item"))
            continue;
        if (++n > LD_EC2_XML_VERSIONS_MAX) {
            json_decref(versions);
            ld_error_set(err, LD_ERR_LIMIT, "%s: more than %zu launch template versions", name,
                         LD_EC2_XML_VERSIONS_MAX);
            goto out;
        }
        json_t *v = convert_version(it);
        if (!v) {
            json_decref(versions);
            ld_error_set(err, LD_ERR_CORRUPT,
                         "%s: launch template version %zu: a number or flag that is not one", name,
                         n);
            goto out;
        }
        json_array_append_new(versions, v);
    }
    out = json_pack("{s:o}", "LaunchTemplateVersions", versions);
    char *tok = trimmed_text(child(root, "nextToken"));
    if (tok && *tok)
        *next = tok;
    else
        free(tok);
out:
    xmlFreeDoc(d);
    return out;
}

void ld_ec2_xml_error(const char *xml, size_t len, char **code, char **message)
{
    *code = NULL;
    *message = NULL;
    xmlDocPtr d = read_xml(xml, len);
    if (!d)
        return;
    const xmlNode *root = xmlDocGetRootElement(d);
    const xmlNode *e = child(child(root, "Errors"), "Error");
    if (named(root, "Response") && e) {
        *code = trimmed_text(child(e, "Code"));
        *message = trimmed_text(child(e, "Message"));
    }
    xmlFreeDoc(d);
}
