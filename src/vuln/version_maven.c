/* Maven versions as org.apache.maven.artifact.versioning.ComparableVersion
 * (Maven 3.8) orders them: the string is cut into number and qualifier
 * items at '.', '-' and digit/letter transitions; '-' and transitions open
 * a nested list; trailing "null" items (0, "", ga, final, release, empty
 * lists) are trimmed; qualifiers rank alpha < beta < milestone < rc = cr <
 * snapshot < "" = ga = final = release < sp < any other (alphabetically),
 * with a/b/m directly followed by a digit meaning alpha/beta/milestone.
 * Every string is a version: never fails on syntax. Only ASCII digits
 * count as digits (Java's Character.isDigit also takes other scripts').
 * Not for version ranges ([1.0,2.0)). */
#include <string.h>

#include "vuln/version_internal.h"

/* A parse is a flat list of items: the nested lists of ComparableVersion
 * form a chain (a new list is always the last item of the current one), so
 * a LIST item stands for "the rest belongs to a sublist". */
enum { IT_INT, IT_STR, IT_LIST };
enum { Q_ALPHA, Q_BETA, Q_MILESTONE, Q_RC, Q_SNAPSHOT, Q_RELEASE, Q_SP, Q_OTHER };
#define MVN_MAX_ITEMS (3 * LD_VERSION_MAX + 8) /* at most 5 items per 2 bytes */

/* 6 bytes an item, so that two parses stay small on the stack */
typedef struct {
    unsigned char type, rank, alive;
    unsigned short off; /* INT: digits without leading zeros; STR: the text */
    unsigned short n;
} mvn_item;

typedef struct {
    const char *base; /* the version string; items point into it by offset */
    int n;
    mvn_item it[MVN_MAX_ITEMS];
} mvn_version;

static const char *text(const mvn_version *v, const mvn_item *i)
{
    return v->base + i->off;
}

static bool is_null(const mvn_item *i)
{
    return (i->type == IT_INT && i->n == 0) || (i->type == IT_STR && i->rank == Q_RELEASE);
}

static bool eq_word(const char *p, size_t n, const char *w)
{
    return strlen(w) == n && ld_ver_bytecasecmp(p, n, w, n) == 0;
}

static void add_string(mvn_version *v, const char *p, size_t n, bool followed_by_digit)
{
    static const char *const names[] = {"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"};
    mvn_item *i = &v->it[v->n++];
    i->type = IT_STR;
    i->alive = 1;
    i->off = (unsigned short)(p - v->base);
    i->n = (unsigned short)n;
    i->rank = Q_OTHER;
    if (followed_by_digit && n == 1) {
        char c = ld_ver_tolower(*p);
        if (c == 'a' || c == 'b' || c == 'm') {
            i->rank = c == 'a' ? Q_ALPHA : c == 'b' ? Q_BETA : Q_MILESTONE;
            return;
        }
    }
    if (eq_word(p, n, "ga") || eq_word(p, n, "final") || eq_word(p, n, "release")) {
        i->rank = Q_RELEASE;
        return;
    }
    if (eq_word(p, n, "cr")) {
        i->rank = Q_RC;
        return;
    }
    for (int q = 0; q < 7; q++)
        if (eq_word(p, n, names[q])) {
            i->rank = (unsigned char)q;
            return;
        }
}

static void add_item(mvn_version *v, bool digit, const char *p, size_t n)
{
    if (!digit) {
        add_string(v, p, n, false);
        return;
    }
    while (n > 0 && *p == '0')
        p++, n--;
    mvn_item *i = &v->it[v->n++];
    *i = (mvn_item){IT_INT, 0, 1, (unsigned short)(p - v->base), (unsigned short)n};
}

static void add_list(mvn_version *v)
{
    v->it[v->n++] = (mvn_item){IT_LIST, 0, 1, 0, 0};
}

/* Whether the current (innermost) list has no items yet. */
static bool list_empty(const mvn_version *v)
{
    return v->n == 0 || v->it[v->n - 1].type == IT_LIST;
}

static void mvn_parse(const char *s, mvn_version *v)
{
    v->base = s;
    v->n = 0;
    size_t len = strlen(s), start = 0;
    bool digit = false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '.' || c == '-') {
            if (i == start)
                add_item(v, true, s + i, 0); /* IntItem.ZERO */
            else
                add_item(v, digit, s + start, i - start);
            start = i + 1;
            if (c == '-')
                add_list(v);
        } else if (ld_ver_isdigit(c)) {
            if (!digit && i > start) {
                /* 1.0.0.X1 < 1.0.0-X2: a qualifier starts a sublist */
                if (!list_empty(v))
                    add_list(v);
                add_string(v, s + start, i - start, true);
                start = i;
                add_list(v);
            }
            digit = true;
        } else {
            if (digit && i > start) {
                add_item(v, true, s + start, i - start);
                start = i;
                add_list(v);
            }
            digit = false;
        }
    }
    if (len > start) {
        if (!digit && !list_empty(v))
            add_list(v);
        add_item(v, digit, s + start, len - start);
    }
    /* normalize(), innermost list first: drop trailing null items, looking
     * past a (non-empty) sublist; an emptied sublist is itself null */
    bool child_alive = false;
    int end = v->n;
    for (int k = v->n - 1; k >= -1; k--) {
        if (k >= 0 && v->it[k].type != IT_LIST)
            continue;
        /* the list whose items are (k, end); its sublist, if any, is at end */
        if (end < v->n)
            v->it[end].alive = child_alive;
        bool scanning = true, any = child_alive;
        for (int j = end - 1; j > k; j--) {
            if (scanning && is_null(&v->it[j]))
                v->it[j].alive = 0;
            else {
                scanning = false;
                any = true;
            }
        }
        child_alive = any;
        end = k;
    }
}

/* Next live item of the list being walked at *pos (stops after a sublist);
 * returns its index or -1 at the end of the list. */
static int next_item(const mvn_version *v, int *pos)
{
    while (*pos < v->n) {
        int i = (*pos)++;
        if (v->it[i].type == IT_LIST) {
            *pos = v->n; /* a sublist is the last item of its list */
            return v->it[i].alive ? i : -1;
        }
        if (v->it[i].alive)
            return i;
    }
    return -1;
}

static int rank_cmp(const mvn_version *va, const mvn_item *a, const mvn_version *vb,
                    const mvn_item *b)
{
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    if (a->rank != Q_OTHER)
        return 0;
    return ld_ver_bytecasecmp(text(va, a), a->n, text(vb, b), b->n);
}

/* item.compareTo(null) for an item, a sublist included (walked in a loop). */
static int cmp_null(const mvn_version *v, int i)
{
    for (;;) {
        const mvn_item *it = &v->it[i];
        if (it->type == IT_INT)
            return it->n ? 1 : 0;
        if (it->type == IT_STR)
            return it->rank < Q_RELEASE ? -1 : it->rank > Q_RELEASE ? 1 : 0;
        /* a list: the first of its items that differs from null decides */
        int pos = i + 1, j, r = 0;
        while ((j = next_item(v, &pos)) >= 0 && v->it[j].type != IT_LIST)
            if ((r = cmp_null(v, j)) != 0) /* scalar: no further recursion */
                return r;
        if (j < 0)
            return 0;
        i = j;
    }
}

static int mvn_cmp(const mvn_version *a, const mvn_version *b)
{
    int pa = 0, pb = 0;
    for (;;) {
        int ia = next_item(a, &pa), ib = next_item(b, &pb);
        if (ia < 0 && ib < 0)
            return 0;
        if (ia < 0 || ib < 0) {
            /* the shorter list goes on as nulls */
            int r = ia < 0 ? -cmp_null(b, ib) : cmp_null(a, ia);
            if (r)
                return r;
            continue;
        }
        const mvn_item *x = &a->it[ia], *y = &b->it[ib];
        int r;
        if (x->type == IT_LIST && y->type == IT_LIST) {
            pa = ia + 1; /* both lists end here: compare the sublists */
            pb = ib + 1;
            continue;
        }
        if (x->type == y->type)
            r = x->type == IT_INT ? ld_ver_numcmp(text(a, x), x->n, text(b, y), y->n)
                                  : rank_cmp(a, x, b, y);
        else if (x->type == IT_INT)
            r = 1; /* 1.1 > 1-sp, 1.1 > 1-1 */
        else if (y->type == IT_INT)
            r = -1;
        else
            r = x->type == IT_LIST ? 1 : -1; /* 1-1 > 1-sp */
        if (r)
            return r;
    }
}

int ld_ver_cmp_maven(const char *a, const char *b, int *result, const char **bad, const char **why)
{
    (void)bad;
    (void)why;
    mvn_version x, y;
    mvn_parse(a, &x);
    mvn_parse(b, &y);
    *result = mvn_cmp(&x, &y);
    return 0;
}
