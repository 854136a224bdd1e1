/* Label selectors evaluated as the API server does: a metav1.LabelSelector
 * (matchLabels and matchExpressions with In, NotIn, Exists, DoesNotExist:
 * NetworkPolicy pod and namespace selectors, workload selectors) and node
 * selectors (nodeSelector maps and required node affinity terms, whose
 * requirements also know Gt and Lt, and matchFields on metadata.name).
 * Pure functions over the set's borrowed trees. Not for field selectors
 * or the set-based selector strings of kubectl. */
#ifndef LD_K8S_SELECTOR_H
#define LD_K8S_SELECTOR_H

#include <stdbool.h>

#include "util/yaml_doc.h"

/* The labels of one object: its metadata.labels map, plus at most one
 * label the API server sets on its own (every Namespace carries
 * kubernetes.io/metadata.name = its name since v1.22). */
typedef struct {
    const ld_yaml_node *map; /* labels map; NULL or not a map: none */
    const char *extra_key;   /* NULL: none */
    const char *extra_value;
} ld_k8s_labels;

#define LD_K8S_NAMESPACE_NAME_LABEL "kubernetes.io/metadata.name"

/* The value of label key, NULL when absent (a label whose value is not a
 * scalar counts as absent; null is the empty value). */
const char *ld_k8s_labels_get(const ld_k8s_labels *l, const char *key);

typedef enum {
    LD_K8S_MATCH_INVALID = -1, /* the API server would refuse the selector */
    LD_K8S_MATCH_NO = 0,
    LD_K8S_MATCH_YES = 1,
} ld_k8s_match;

/* A metav1.LabelSelector against labels. An empty selector ({}, or empty
 * matchLabels and matchExpressions) selects everything; a NULL or null one
 * selects nothing (as LabelSelectorAsSelector). INVALID: not a map, an
 * operator other than the four, In/NotIn without values, Exists or
 * DoesNotExist with values, a key or value that is not a scalar. */
ld_k8s_match ld_k8s_selector_match(const ld_yaml_node *selector, const ld_k8s_labels *labels);

/* Does selector select every object ({} or only empty parts)? False for
 * NULL, null and invalid selectors. */
bool ld_k8s_selector_selects_all(const ld_yaml_node *selector);

/* A list of requirements ({key, operator, values}) ANDed together; node
 * true: NodeSelectorRequirement, which also knows Gt and Lt (exactly one
 * integer value, compared with the label's value read as an integer; a
 * label that is not an integer does not match). An empty or absent list
 * matches. */
ld_k8s_match ld_k8s_requirements_match(const ld_yaml_node *exprs, bool node,
                                       const ld_k8s_labels *labels);

/* A node affinity's nodeSelectorTerms (ORed) against a node's labels and
 * name: each term ANDs its matchExpressions and its matchFields (key
 * metadata.name, In or NotIn). An empty term matches nothing, and so does
 * an empty list. */
ld_k8s_match ld_k8s_node_terms_match(const ld_yaml_node *terms, const ld_k8s_labels *labels,
                                     const char *node_name);

/* A pod's nodeSelector map (every key equal) against labels; absent or
 * empty matches. */
ld_k8s_match ld_k8s_node_selector_match(const ld_yaml_node *node_selector,
                                        const ld_k8s_labels *labels);

/* The selector as users read it in evidence ("app=web,tier in (a,b),!x";
 * "{} (everything)"; "null (nothing)"; "invalid selector"), at most about
 * 200 characters ("..." after). Caller frees. */
char *ld_k8s_selector_text(const ld_yaml_node *selector);

#endif
