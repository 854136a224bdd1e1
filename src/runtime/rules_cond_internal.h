/* Private to the condition language (rules_cond_*.c): the compiled form of
 * a condition and the pieces the parser and the evaluator share. A
 * condition compiles to arrays indexed by number — nodes (and / or / not /
 * comparison), the children of and/or, and the comparisons — so that
 * evaluation walks them without allocating. Macros are compiled once per
 * condition and shared (the node arrays form a DAG); the expanded size is
 * bounded all the same, so evaluation time is too. Not a public interface:
 * rules.h is. */
#ifndef LD_RUNTIME_RULES_COND_INTERNAL_H
#define LD_RUNTIME_RULES_COND_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "runtime/fields.h"
#include "runtime/rules.h"

/* Limits on hostile rule files. */
#define LD_RT_COND_TEXT_MAX (1u << 20) /* bytes of one condition or macro text */
#define LD_RT_COND_DEPTH_MAX 100       /* nesting of ( ), not and macros, together */
#define LD_RT_COND_MACRO_DEPTH_MAX 32  /* macros inside macros */
#define LD_RT_COND_LIST_DEPTH_MAX 16   /* lists inside lists */
#define LD_RT_COND_WEIGHT_MAX 100000   /* nodes once every macro is expanded */
#define LD_RT_COND_SET_MAX 100000      /* distinct items of one in (...) */
#define LD_RT_COND_ITEMS_MAX 1000000   /* items read into all sets of one condition */
#define LD_RT_COND_GLOB_MAX 4096       /* bytes of one glob pattern (matching is O(n*m)) */
#define LD_RT_COND_VALUE_MAX 65536     /* bytes of one value */

typedef enum { CN_AND, CN_OR, CN_NOT, CN_CMP, CN_TRUE, CN_FALSE } cond_node_kind;

typedef enum {
    OP_EQ,
    OP_NE,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE,
    OP_IN,
    OP_INTERSECTS,
    OP_CONTAINS,
    OP_ICONTAINS,
    OP_STARTSWITH,
    OP_ENDSWITH,
    OP_GLOB,
    OP_IGLOB,
    OP_PMATCH,
    OP_EXISTS,
} cond_op;

/* An address or a network: family AF_INET / AF_INET6, prefix in bits.
 * IPv4-mapped IPv6 (::ffff:a.b.c.d) is stored as IPv4. */
typedef struct {
    uint16_t family;
    uint8_t prefix;
    uint8_t addr[16];
} cond_net;

/* A set of strings: open addressing over FNV-1a for lookups, linear
 * comparison while small. Items are owned. */
typedef struct {
    char **items;
    uint32_t *lens;
    size_t n, cap;
    uint32_t *slots; /* item index + 1; 0: empty */
    size_t n_slots;  /* power of two, or 0 */
    bool root;       /* pmatch: "/" covers every absolute path */
} cond_strset;

typedef struct {
    ld_rt_field_ref f;
    cond_op op;
    bool evtype; /* evt.type with = != in intersects: a bit test on evmask */
    uint64_t evmask;
    char *s; /* STR: the value (=, !=, contains, startswith, ...) */
    size_t slen;
    int64_t num;     /* NUM and BOOL */
    cond_net net;    /* IP with = and != */
    cond_strset set; /* STR with in, intersects, pmatch */
    int64_t *nums;   /* NUM with in: sorted, distinct */
    size_t n_nums;
    cond_net *nets; /* IP with in */
    size_t n_nets;
} cond_cmp;

typedef struct {
    uint8_t kind;
    uint32_t a; /* and/or: first child in kids; not: the child node; cmp: the comparison */
    uint32_t n; /* and/or: how many children */
} cond_node;

struct ld_rt_cond {
    cond_node *nodes;
    size_t n_nodes, cap_nodes;
    uint32_t *kids;
    size_t n_kids, cap_kids;
    cond_cmp *cmps;
    size_t n_cmps, cap_cmps;
    uint32_t root;
    uint64_t evtypes;
};

/* ---- sets (rules_cond_set.c) ---- */
/* Adds a copy of s[0..len) unless present: 1 added, 0 already there. */
int ld_rtc_set_add(cond_strset *set, const char *s, size_t len);
/* Is s (NUL-terminated) in the set? */
bool ld_rtc_set_has(const cond_strset *set, const char *s);
bool ld_rtc_set_has_n(const cond_strset *set, const char *s, size_t len);
/* pmatch: is one of the set's paths s itself or a directory above it
 * (whole components: /tmp/a covers /tmp/a and /tmp/a/b, not /tmp/ab)? */
bool ld_rtc_set_pmatch(const cond_strset *set, const char *s);
void ld_rtc_set_free(cond_strset *set);

/* ---- values (rules_cond_match.c) ---- */
/* Glob with * ? [a-z] [!x] and \ escapes; '*' also matches '/'. */
bool ld_rtc_glob(const char *pattern, const char *s, bool fold_case);
/* "10.0.0.1", "10.0.0.0/8", "2001:db8::/32", "::1": 0, or -1. */
int ld_rtc_net_parse(const char *text, cond_net *out);
/* Is the address (family AF_INET/AF_INET6, as in ld_rt_value) in net? */
bool ld_rtc_net_has(const cond_net *net, uint16_t family, const uint8_t *ip);
/* A decimal or 0x hexadecimal int64, optionally negative: 0, or -1. */
int ld_rtc_parse_int(const char *text, int64_t *out);

/* ---- evaluation (rules_cond_eval.c) ---- */
uint64_t ld_rtc_evtypes(const ld_rt_cond *c);

#endif
