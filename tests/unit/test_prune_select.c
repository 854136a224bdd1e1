/* Unit tests for the registry prune selection (src/registry/prune_select.c)
 * and its log line (src/registry/prune.c): inventories built by hand, the
 * plan checked action by action — keep-newest with ties and unknown dates,
 * several tags on one digest (one deletion), index children kept while a
 * kept index lists them, cosign attachment tags of deleted digests, the
 * severity and fixable rules, the unsigned rule, and what a rule could not
 * judge staying. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "registry/prune.h"
#include "util/mem.h"

#define DAY 86400
static const time_t NOW = 1700000000; /* 2023-11-14 */

/* "sha256:" + 64 times c */
static char *dg(char c)
{
    char *d = ld_xmalloc(72);
    memcpy(d, "sha256:", 7);
    memset(d + 7, c, 64);
    d[71] = '\0';
    return d;
}

/* A scanned image of repo with digest dg(c), created days ago (< 0:
 * unknown), tagged with the comma list tags (may be ""). */
static ld_reg_image *add_image(ld_reg_inventory *inv, const char *repo, char c, int days,
                               const char *tags)
{
    char *d = dg(c);
    ld_reg_image *m = ld_reg_inventory_add(inv, repo, d);
    free(d);
    m->state = LD_REG_IMG_SCANNED;
    m->vulns_assessed = true;
    if (days >= 0) {
        m->created_at = NOW - (time_t)days * DAY;
        m->created = ld_xasprintf("%d days ago", days);
    }
    char *copy = ld_xstrdup(tags), *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        ld_strlist_push(&m->tags, t);
        char *dd = dg(c);
        ld_reg_inventory_add_tag(inv, repo, t, dd);
        free(dd);
    }
    free(copy);
    if (!ld_strlist_contains(&inv->repos, repo))
        ld_strlist_push(&inv->repos, repo);
    return m;
}

/* Index of repo dg(ic) lists the children dg(c) for each c of kids. */
static void link_index(ld_reg_inventory *inv, const char *repo, char ic, const char *kids)
{
    char *idx = dg(ic);
    ld_reg_image *m = ld_reg_inventory_find(inv, repo, idx);
    assert_non_null(m);
    m->is_index = true;
    for (const char *k = kids; *k; k++) {
        char *cd = dg(*k);
        ld_strlist_push(&m->children, cd);
        ld_reg_image *c = ld_reg_inventory_find(inv, repo, cd);
        if (c)
            ld_strlist_push(&c->parents, idx);
        free(cd);
        m = ld_reg_inventory_find(inv, repo, idx);
    }
    free(idx);
}

static ld_prune_rules rules_none(void)
{
    return (ld_prune_rules){.older_than_days = -1, .now = NOW};
}

/* The action deleting dg(c) in repo, or NULL. */
static const ld_prune_action *action_for(const ld_prune_plan *p, const char *repo, char c)
{
    char *d = dg(c);
    const ld_prune_action *found = NULL;
    for (size_t i = 0; i < p->n && !found; i++)
        if (strcmp(p->v[i].digest, d) == 0 && strcmp(p->v[i].repo, repo) == 0)
            found = &p->v[i];
    free(d);
    return found;
}

static size_t action_pos(const ld_prune_plan *p, const ld_prune_action *a)
{
    return (size_t)(a - p->v);
}

static const ld_prune_kept *kept_for(const ld_prune_plan *p, char c)
{
    char *d = dg(c);
    const ld_prune_kept *found = NULL;
    for (size_t i = 0; i < p->n_kept && !found; i++)
        if (strcmp(p->kept[i].digest, d) == 0)
            found = &p->kept[i];
    free(d);
    return found;
}

static void test_age_rule_and_keep_newest_ties(void **state)
{
    (void)state;
    ld_reg_inventory inv = {.host = ld_xstrdup("reg:5000")};
    add_image(&inv, "app", 'a', 100, "v1");
    add_image(&inv, "app", 'b', 50, "v2");
    add_image(&inv, "app", 'c', 50, "v3"); /* tied with b */
    add_image(&inv, "app", 'd', 10, "v4");
    ld_prune_rules r = rules_none();
    r.older_than_days = 5;
    ld_prune_plan p = {0};

    /* no keep: every image older than 5 days goes */
    ld_prune_select(&inv, &r, &p);
    assert_int_equal(p.judged, 4);
    assert_int_equal(p.n, 4);
    assert_non_null(strstr(p.v[0].reason, "older than 5"));

    /* keep 2: d is newest, b and c tie for second: all three stay */
    r.keep_newest = 2;
    ld_prune_select(&inv, &r, &p);
    assert_int_equal(p.n, 1);
    assert_non_null(action_for(&p, "app", 'a'));
    assert_int_equal(p.n_kept, 3);
    assert_non_null(strstr(kept_for(&p, 'b')->reason, "among the 2 newest"));
    assert_non_null(kept_for(&p, 'c'));
    assert_non_null(kept_for(&p, 'd'));

    /* keep 1: only d stays */
    r.keep_newest = 1;
    ld_prune_select(&inv, &r, &p);
    assert_int_equal(p.n, 3);
    assert_null(action_for(&p, "app", 'd'));

    /* the fraction of a second breaks a tie */
    ld_reg_inventory_find(&inv, "app",
                          "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc")
        ->created_nsec = 5;
    r.keep_newest = 2;
    ld_prune_select(&inv, &r, &p);
    assert_int_equal(p.n, 2);
    assert_non_null(action_for(&p, "app", 'b'));
    assert_null(action_for(&p, "app", 'c'));

    /* keep more than there are: nothing goes */
    r.keep_newest = 10;
    ld_prune_select(&inv, &r, &p);
    assert_int_equal(p.n, 0);

    /* an older limit than every image: nothing selected, nothing "kept" */
    r.keep_newest = 0;
    r.older_than_days = 365;
    ld_prune_select(&inv, &r, &p);
    assert_int_equal(p.n, 0);
    assert_int_equal(p.n_kept, 0);
    ld_prune_plan_clear(&p);
    ld_reg_inventory_clear(&inv);
}

static void test_unknown_date_is_newest_and_unjudged(void **state)
{
    (void)state;
    ld_reg_inventory inv = {.host = ld_xstrdup("reg")};
    add_image(&inv, "app", 'a', 400, "old");
    add_image(&inv, "app", 'b', 300, "older");
    add_image(&inv, "app", 'u', -1, "nodate");
    ld_prune_rules r = rules_none();
    r.older_than_days = 30;
    r.keep_newest = 1;
    ld_prune_plan p = {0};
    ld_prune_select(&inv, &r, &p);
    /* the undated image is never taken for old, and counts as the newest:
     * keep 1 protects it, so the two dated ones both go */
    assert_int_equal(p.n, 2);
    assert_null(action_for(&p, "app", 'u'));
    const ld_prune_kept *k = kept_for(&p, 'u');
    assert_non_null(k);
    assert_non_null(strstr(k->reason, "age unknown"));
    ld_prune_plan_clear(&p);
    ld_reg_inventory_clear(&inv);
}

static void test_several_tags_one_deletion_per_repo(void **state)
{
    (void)state;
    ld_reg_inventory inv = {.host = ld_xstrdup("reg")};
    add_image(&inv, "app", 'a', 90, "1.0,1.0.1,latest");
    /* the same digest in another repository is its own manifest there */
    add_image(&inv, "mirror/app", 'a', 90, "1.0");
    ld_prune_rules r = rules_none();
    r.older_than_days = 30;
    ld_prune_plan p = {0};
    ld_prune_select(&inv, &r, &p);
    assert_int_equal(p.n, 2);
    const ld_prune_action *a = action_for(&p, "app", 'a');
    assert_non_null(a);
    assert_int_equal(a->kind, LD_PRUNE_MANIFEST);
    assert_int_equal(a->tags.n, 3);
    assert_true(ld_strlist_contains(&a->tags, "latest"));
    assert_non_null(action_for(&p, "mirror/app", 'a'));
    ld_prune_plan_clear(&p);
    ld_reg_inventory_clear(&inv);
}

static void test_index_children_kept_when_a_kept_index_lists_them(void **state)
{
    (void)state;
    ld_reg_inventory inv = {.host = ld_xstrdup("reg")};
    /* children (untagged, dates of their own) */
    add_image(&inv, "app", '1', 200, "");
    add_image(&inv, "app", '2', 200, "");
    add_image(&inv, "app", '3', 200, "");
    ld_reg_image *old = add_image(&inv, "app", 'A', 200, "old");
    old->state = LD_REG_IMG_LISTED;
    ld_reg_image *cur = add_image(&inv, "app", 'B', 1, "current");
    cur->state = LD_REG_IMG_LISTED;
    link_index(&inv, "app", 'A', "12"); /* old index: 1 and 2 */
    link_index(&inv, "app", 'B', "23"); /* current index shares 2 */
    ld_prune_rules r = rules_none();
    r.older_than_days = 30;
    ld_prune_plan p = {0};
    ld_prune_select(&inv, &r, &p);
    /* the untagged children are never judged on their own */
    assert_int_equal(p.judged, 2);
    const ld_prune_action *idx = action_for(&p, "app", 'A');
    const ld_prune_action *c1 = action_for(&p, "app", '1');
    assert_non_null(idx);
    assert_non_null(c1);
    assert_int_equal(c1->kind, LD_PRUNE_CHILD);
    assert_true(action_pos(&p, idx) < action_pos(&p, c1)); /* the index goes first */
    assert_null(action_for(&p, "app", '2'));               /* still listed by the current index */
    assert_null(action_for(&p, "app", '3'));
    assert_null(action_for(&p, "app", 'B'));
    const ld_prune_kept *k = kept_for(&p, '2');
    assert_non_null(k);
    assert_non_null(strstr(k->reason, "still listed by kept index"));
    assert_int_equal(p.n, 2);
    ld_prune_plan_clear(&p);
    ld_reg_inventory_clear(&inv);
}

static void test_tagged_child_of_a_pruned_index_stays(void **state)
{
    (void)state;
    ld_reg_inventory inv = {.host = ld_xstrdup("reg")};
    add_image(&inv, "app", '1', 5, "amd64-only"); /* tagged itself, young */
    add_image(&inv, "app", '2', 200, "");
    ld_reg_image *ix = add_image(&inv, "app", 'A', 200, "multi");
    ix->state = LD_REG_IMG_LISTED;
    link_index(&inv, "app", 'A', "12");
    ld_prune_rules r = rules_none();
    r.older_than_days = 30;
    ld_prune_plan p = {0};
    ld_prune_select(&inv, &r, &p);
    assert_non_null(action_for(&p, "app", 'A'));
    assert_non_null(action_for(&p, "app", '2'));
    assert_null(action_for(&p, "app", '1'));
    assert_int_equal(p.n, 2);
    ld_prune_plan_clear(&p);
    ld_reg_inventory_clear(&inv);
}

static void test_signature_tags_of_deleted_digests(void **state)
{
    (void)state;
    ld_reg_inventory inv = {.host = ld_xstrdup("reg")};
    add_image(&inv, "app", 'a', 100, "old");
    add_image(&inv, "app", 'b', 1, "new");
    char *sig_a = dg('5'), *sig_b = dg('6'), *att_a = dg('7'), *other = dg('8');
    char *da = dg('a'), *db = dg('b');
    char tag[128];
    snprintf(tag, sizeof(tag), "sha256-%s.sig", da + 7);
    ld_reg_inventory_add_tag(&inv, "app", tag, sig_a);
    snprintf(tag, sizeof(tag), "sha256-%s.sig", db + 7);
    ld_reg_inventory_add_tag(&inv, "app", tag, sig_b);
    snprintf(tag, sizeof(tag), "sha256-%s.att", da + 7);
    ld_reg_inventory_add_tag(&inv, "app", tag, att_a);
    /* a tag that only looks like one (wrong length) is no attachment */
    snprintf(tag, sizeof(tag), "sha256-%.60s.sig", da + 7);
    ld_reg_inventory_add_tag(&inv, "app", tag, other);
    ld_prune_rules r = rules_none();
    r.older_than_days = 30;
    ld_prune_plan p = {0};
    ld_prune_select(&inv, &r, &p);
    assert_int_equal(p.n, 3);
    const ld_prune_action *img = action_for(&p, "app", 'a');
    const ld_prune_action *sig = action_for(&p, "app", '5');
    const ld_prune_action *att = action_for(&p, "app", '7');
    assert_non_null(img);
    assert_non_null(sig);
    assert_non_null(att);
    assert_int_equal(sig->kind, LD_PRUNE_ATTACHMENT);
    assert_string_equal(sig->attachment, "sig");
    assert_string_equal(sig->of, da);
    assert_int_equal(sig->tags.n, 1);
    assert_true(action_pos(&p, img) < action_pos(&p, sig)); /* image first, then its signature */
    assert_null(action_for(&p, "app", '6'));                /* the kept image's signature stays */
    assert_null(action_for(&p, "app", '8'));
    free(sig_a);
    free(sig_b);
    free(att_a);
    free(other);
    free(da);
    free(db);
    ld_prune_plan_clear(&p);
    ld_reg_inventory_clear(&inv);
}

static void test_severity_and_fixable(void **state)
{
    (void)state;
    ld_reg_inventory inv = {.host = ld_xstrdup("reg")};
    ld_reg_image *m = add_image(&inv, "app", 'a', 1, "1");
    m->vulns[LD_SEV_HIGH] = 1; /* no fix */
    m->vulns[LD_SEV_LOW] = 3;
    m->fixable[LD_SEV_LOW] = 3;
    ld_reg_image *clean = add_image(&inv, "app", 'b', 1, "2");
    clean->vulns[LD_SEV_INFO] = 2;
    clean->fixable[LD_SEV_INFO] = 2;
    ld_prune_rules r = rules_none();
    r.by_severity = true;
    r.severity = LD_SEV_HIGH;
    ld_prune_plan p = {0};

    ld_prune_select(&inv, &r, &p);
    assert_int_equal(p.n, 1);
    assert_non_null(strstr(p.v[0].reason, "1 vulnerability at or above high (1 high)"));

    r.fixable_only = true; /* the high one has no fix */
    ld_prune_select(&inv, &r, &p);
    assert_int_equal(p.n, 0);

    r.severity = LD_SEV_LOW; /* three low ones have a fix */
    ld_prune_select(&inv, &r, &p);
    assert_int_equal(p.n, 1);
    assert_non_null(strstr(p.v[0].reason, "3 vulnerabilities at or above low with a fix (3 low)"));
    assert_null(action_for(&p, "app", 'b')); /* info is below low */

    r.severity = LD_SEV_INFO;
    ld_prune_select(&inv, &r, &p);
    assert_int_equal(p.n, 2);
    ld_prune_plan_clear(&p);
    ld_reg_inventory_clear(&inv);
}

static void test_unjudged_images_stay(void **state)
{
    (void)state;
    ld_reg_inventory inv = {.host = ld_xstrdup("reg")};
    ld_reg_image *bad = add_image(&inv, "app", 'a', 1, "broken");
    bad->state = LD_REG_IMG_FAILED;
    bad->note = ld_xstrdup("layer sha256:ff..: truncated gzip stream");
    ld_reg_image *nodb = add_image(&inv, "app", 'b', 1, "nodb");
    nodb->vulns_assessed = false;
    nodb->vulns[LD_SEV_CRITICAL] = 0;
    ld_prune_rules r = rules_none();
    r.by_severity = true;
    r.severity = LD_SEV_LOW;
    ld_prune_plan p = {0};
    ld_prune_select(&inv, &r, &p);
    assert_int_equal(p.n, 0);
    assert_int_equal(p.n_kept, 2);
    assert_non_null(strstr(kept_for(&p, 'a')->reason, "truncated gzip stream"));
    assert_non_null(strstr(kept_for(&p, 'b')->reason, "not assessed"));
    ld_prune_plan_clear(&p);
    ld_reg_inventory_clear(&inv);
}

static void test_index_judged_by_its_children(void **state)
{
    (void)state;
    ld_reg_inventory inv = {.host = ld_xstrdup("reg")};
    add_image(&inv, "app", '1', 3, "");
    ld_reg_image *arm = add_image(&inv, "app", '2', 3, "");
    arm->platform = ld_xstrdup("linux/arm64");
    arm->vulns[LD_SEV_CRITICAL] = 1;
    arm->fixable[LD_SEV_CRITICAL] = 1;
    ld_reg_image *ix = add_image(&inv, "app", 'A', 3, "v1");
    ix->state = LD_REG_IMG_LISTED;
    link_index(&inv, "app", 'A', "12");
    ld_prune_rules r = rules_none();
    r.by_severity = true;
    r.severity = LD_SEV_HIGH;
    r.fixable_only = true;
    ld_prune_plan p = {0};
    ld_prune_select(&inv, &r, &p);
    assert_int_equal(p.n, 3); /* the index and both children */
    const ld_prune_action *a = action_for(&p, "app", 'A');
    assert_non_null(a);
    assert_non_null(strstr(a->reason, "in linux/arm64"));
    assert_int_equal(action_pos(&p, a), 0);
    ld_prune_plan_clear(&p);
    ld_reg_inventory_clear(&inv);
}

static void test_unsigned_rule(void **state)
{
    (void)state;
    ld_reg_inventory inv = {.host = ld_xstrdup("reg")};
    add_image(&inv, "app", 'a', 1, "signed")->sig = LD_REG_SIG_VERIFIED;
    ld_reg_image *u = add_image(&inv, "app", 'b', 1, "unsigned");
    u->sig = LD_REG_SIG_UNSIGNED;
    u->sig_reason = ld_xstrdup("no signature at sha256-b.sig");
    add_image(&inv, "app", 'c', 1, "forged")->sig = LD_REG_SIG_INVALID;
    add_image(&inv, "app", 'd', 1, "unknown")->sig = LD_REG_SIG_NOT_ASSESSED;
    ld_prune_rules r = rules_none();
    r.by_signature = true;
    ld_prune_plan p = {0};
    ld_prune_select(&inv, &r, &p);
    assert_int_equal(p.n, 2);
    assert_non_null(action_for(&p, "app", 'b'));
    assert_non_null(strstr(action_for(&p, "app", 'b')->reason, "unsigned: no signature"));
    assert_non_null(action_for(&p, "app", 'c'));
    assert_non_null(kept_for(&p, 'd'));
    assert_false(ld_prune_rules_any(&(ld_prune_rules){.older_than_days = -1, .keep_newest = 3}));
    assert_true(ld_prune_rules_any(&r));
    ld_prune_plan_clear(&p);
    ld_reg_inventory_clear(&inv);
}

static void test_log_line_is_one_json_object(void **state)
{
    (void)state;
    ld_prune_action a = {
        .kind = LD_PRUNE_ATTACHMENT,
        .repo = "team/app",
        .digest = "sha256:0000000000000000000000000000000000000000000000000000000000000000",
        .reason = "signature of pruned \"x\"\n",
        .result = LD_PRUNE_DELETED,
    };
    ld_strlist_push(&a.tags, "sha256-00.sig");
    char *line = ld_prune_log_line("reg:5000", &a, 0);
    assert_null(strchr(line, '\n'));
    json_error_t je;
    json_t *o = json_loads(line, 0, &je);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "time")), "1970-01-01T00:00:00Z");
    assert_string_equal(json_string_value(json_object_get(o, "registry")), "reg:5000");
    assert_string_equal(json_string_value(json_object_get(o, "repository")), "team/app");
    assert_string_equal(json_string_value(json_object_get(o, "kind")), "attachment");
    assert_string_equal(json_string_value(json_object_get(o, "result")), "deleted");
    assert_string_equal(json_string_value(json_object_get(o, "reason")), a.reason);
    assert_int_equal(json_array_size(json_object_get(o, "tags")), 1);
    assert_true(json_is_null(json_object_get(o, "error")));
    json_decref(o);
    free(line);
    ld_strlist_clear(&a.tags);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_age_rule_and_keep_newest_ties),
        cmocka_unit_test(test_unknown_date_is_newest_and_unjudged),
        cmocka_unit_test(test_several_tags_one_deletion_per_repo),
        cmocka_unit_test(test_index_children_kept_when_a_kept_index_lists_them),
        cmocka_unit_test(test_tagged_child_of_a_pruned_index_stays),
        cmocka_unit_test(test_signature_tags_of_deleted_digests),
        cmocka_unit_test(test_severity_and_fixable),
        cmocka_unit_test(test_unjudged_images_stay),
        cmocka_unit_test(test_index_judged_by_its_children),
        cmocka_unit_test(test_unsigned_rule),
        cmocka_unit_test(test_log_line_is_one_json_object),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
