/* The policy's `kubernetes` section: which namespaces are production, which
 * groups are developers (RBAC: their write or exec access to production
 * fails), and the label that names a workload's or namespace's sensitivity
 * (network segmentation and host pinning). Schema: docs/policy.md. Not for
 * applying them (src/k8s). */
#include <fnmatch.h>
#include <string.h>

#include "core/policy_internal.h"
#include "util/mem.h"

#define POLICY_MAX_K8S_ENTRIES 1000
#define K8S_NAME_MAX 253 /* a DNS subdomain; label keys: prefix 253 + "/" + 63 */

static const char *const kubernetes_keys[] = {"production-namespaces", "developer-groups",
                                              "sensitivity-label", NULL};

/* A namespace name (DNS-1123 label: a-z 0-9 '-', at most 63) or a glob of
 * one ('*', '?', '[...]'). */
static bool namespace_pattern_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 63)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '*' ||
              *p == '?' || *p == '[' || *p == ']' || *p == '!'))
            return false;
    return true;
}

/* A label key: [prefix/]name, name 1-63 of [A-Za-z0-9-_.], prefix a DNS
 * subdomain. */
static bool label_key_ok(const char *s)
{
    const char *slash = strrchr(s, '/');
    const char *name = slash ? slash + 1 : s;
    size_t prefix_len = slash ? (size_t)(slash - s) : 0;
    if (slash && (prefix_len == 0 || prefix_len > K8S_NAME_MAX))
        return false;
    for (size_t i = 0; i < prefix_len; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
              s[i] == '.'))
            return false;
    size_t n = strlen(name);
    if (n == 0 || n > 63)
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_' || *p == '.'))
            return false;
    return true;
}

static void parse_list(pol_ctx *c, const ld_yaml_node *k, const ld_yaml_node *v,
                       const char *what, bool namespaces, ld_strlist *out)
{
    if (!pol_want_list(c, k, v, POLICY_MAX_K8S_ENTRIES))
        return;
    for (size_t i = 0; i < v->n; i++) {
        const ld_yaml_node *it = v->items[i];
        const char *s = pol_want_str(c, it, what, K8S_NAME_MAX, false);
        if (!s)
            continue;
        pol_shown_buf sb;
        if (namespaces && !namespace_pattern_ok(s))
            pol_problem(c, it->line,
                        "production namespace \"%s\" must be a namespace name (a-z, 0-9, '-', at "
                        "most 63 characters) or a glob of one (prod-*)",
                        POL_SHOW(sb, s));
        else if (!namespaces && pol_has_space(s))
            pol_problem(c, it->line, "developer group \"%s\" must not contain spaces",
                        POL_SHOW(sb, s));
        else if (ld_strlist_contains(out, s))
            pol_problem(c, it->line, "%s \"%s\" is listed twice", what, POL_SHOW(sb, s));
        else
            ld_strlist_push(out, s);
    }
}

void pol_parse_kubernetes(pol_ctx *c, const ld_yaml_node *key, const ld_yaml_node *v,
                          ld_policy *p)
{
    if (!pol_want_kind(c, key, v, LD_YAML_MAP))
        return;
    for (size_t i = 0; i < v->n; i++) {
        const ld_yaml_node *k = v->keys[i], *val = v->items[i];
        switch (pol_key_index(c, k, "in kubernetes", kubernetes_keys)) {
        case 0:
            parse_list(c, k, val, "production namespace", true, &p->k8s_production_namespaces);
            break;
        case 1:
            parse_list(c, k, val, "developer group", false, &p->k8s_developer_groups);
            break;
        case 2: {
            const char *s = pol_want_str(c, val, "sensitivity-label", 2 * K8S_NAME_MAX, false);
            pol_shown_buf sb;
            if (s && !label_key_ok(s))
                pol_problem(c, val->line,
                            "\"sensitivity-label\" \"%s\" is not a Kubernetes label key "
                            "([prefix/]name, e.g. example.com/sensitivity)",
                            POL_SHOW(sb, s));
            else if (s)
                p->k8s_sensitivity_label = ld_xstrdup(s);
            break;
        }
        default: break;
        }
    }
}

bool ld_policy_production_namespace(const ld_policy *p, const char *ns)
{
    if (!p || !ns)
        return false;
    for (size_t i = 0; i < p->k8s_production_namespaces.n; i++)
        if (fnmatch(p->k8s_production_namespaces.v[i], ns, 0) == 0)
            return true;
    return false;
}
