/* SARIF writer: SARIF 2.1.0 for code-scanning dashboards (GitHub, Azure
 * DevOps, the SARIF viewers). One run. Rules are what the run found, so
 * that each shows as its own alert with its own help: one rule per
 * vulnerability id (ruleId = the advisory id; help names the packages,
 * fixed versions and references) and one rule per check id for every
 * other finding (help names the catalog controls, their titles and
 * remediation). Rules must precede results, so findings are kept (shallow
 * copies of the evaluated views) and everything is written at the end.
 * Each result carries its own security-severity (the vulnerability's CVSS
 * score, else its severity mapped to a score), a stable fingerprint and,
 * where the finding names a file, a physical location (see
 * docs/report-schema.md for the URIs). Notes, compliance and the gate
 * follow the results. Every string goes through ld_json (valid JSON and
 * UTF-8 whatever the input). Not a SARIF reader or validator. */
#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/report.h"
#include "core/report_common.h"
#include "util/json_out.h"
#include "util/mem.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define SARIF_VERSION "2.1.0"
#define INFORMATION_URI "https://lockdown.dev"
#define FINGERPRINT_KEY "lockdownFinding/v1"
#define RULE_NAME_MAX 64
#define DESCRIPTION_MAX 1000 /* GitHub shows at most 1024 characters of a rule description */
#define SHORT_PACKAGES_MAX 5 /* packages named in a vulnerability rule's short description */

/* A rule: a vulnerability id or a check id, and the findings under it
 * (linked through sarif_state.next, in arrival order). */
typedef struct {
    const char *id; /* borrowed from its first finding */
    bool vuln;
    size_t first, last;   /* finding indices */
    double score;         /* highest security-severity of its results */
    ld_severity severity; /* highest severity of its results */
} sarif_rule;

typedef struct {
    ld_json j;
    ld_finding *f; /* the evaluated views, shallow copies (their strings live in the set) */
    size_t n, cap;
    sarif_rule *rules;
    size_t n_rules, rules_cap;
    size_t *rule_of; /* per finding: its rule */
    size_t *next;    /* per finding: the next finding of the same rule, or SIZE_MAX */
    size_t *slots;   /* hash table of rule indices + 1 (0: empty), power-of-two size */
    size_t n_slots;
} sarif_state;

/* ---- small pieces ---- */

/* {"text": s} */
static void kv_message(ld_json *j, const char *key, const char *text)
{
    ld_json_key(j, key);
    ld_json_object_begin(j);
    ld_json_kv_string(j, "text", text ? text : "");
    ld_json_object_end(j);
}

/* {"text": text, "markdown": markdown} */
static void kv_text_markdown(ld_json *j, const char *key, const char *text, const char *markdown)
{
    ld_json_key(j, key);
    ld_json_object_begin(j);
    ld_json_kv_string(j, "text", text ? text : "");
    ld_json_kv_string(j, "markdown", markdown ? markdown : "");
    ld_json_object_end(j);
}

/* SARIF level of a failing result of severity s. */
static const char *severity_level(ld_severity s)
{
    if (s >= LD_SEV_HIGH)
        return "error";
    return s == LD_SEV_MEDIUM ? "warning" : "note";
}

/* GitHub's security-severity for a severity without a CVSS score: a score
 * inside the band GitHub maps back to the same name (critical >= 9.0,
 * high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9; 0.0 is none). */
static double severity_score(ld_severity s)
{
    switch (s) {
    case LD_SEV_CRITICAL: return 9.5;
    case LD_SEV_HIGH: return 8.0;
    case LD_SEV_MEDIUM: return 5.5;
    case LD_SEV_LOW: return 2.0;
    default: return 0.0;
    }
}

/* A finding's own security-severity: its vulnerability's CVSS score when
 * it has one, else its severity's score (never its control's). */
static double finding_score(const ld_finding *f)
{
    if (f->vuln && f->vuln->cvss_score > 0 && f->vuln->cvss_score <= 10.0)
        return f->vuln->cvss_score;
    return severity_score(f->severity);
}

/* "key": "9.8" — GitHub expects the score as a string. */
static void kv_score(ld_json *j, const char *key, double score)
{
    char text[16];
    snprintf(text, sizeof(text), "%.1f", score);
    ld_json_kv_string(j, key, text);
}

/* A short PascalCase name from s ("image.user-nonroot" ->
 * "ImageUserNonroot"), ASCII letters and digits only; fallback if none.
 * Caller frees. */
static char *pascal_case(const char *s, const char *fallback)
{
    char *out = ld_xmalloc(RULE_NAME_MAX + 1);
    size_t n = 0;
    bool word_start = true;
    for (const char *p = s ? s : ""; *p && n < RULE_NAME_MAX; p++) {
        char ch = *p;
        bool alnum =
            (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
        if (!alnum) {
            word_start = true;
            continue;
        }
        if (word_start && ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        out[n++] = ch;
        word_start = false;
    }
    out[n] = '\0';
    if (n == 0) {
        free(out);
        return ld_xstrdup(fallback);
    }
    return out;
}

/* At most max bytes of s, cut at a UTF-8 character boundary and ending in
 * "…" when cut. Caller frees. */
static char *cap_text(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return ld_xstrdup(s);
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    char *head = ld_xstrndup(s, max);
    char *out = ld_xasprintf("%s\xE2\x80\xA6", head);
    free(head);
    return out;
}

/* s with Markdown table and emphasis characters escaped, newlines as
 * spaces (one table cell). Caller frees. */
static char *md_cell(const char *s)
{
    size_t n = strlen(s);
    char *out = ld_xmalloc(2 * n + 1), *p = out;
    for (; *s; s++) {
        if (*s == '\n' || *s == '\r') {
            *p++ = ' ';
            continue;
        }
        if (strchr("|\\`*_[]<>", *s))
            *p++ = '\\';
        *p++ = *s;
    }
    *p = '\0';
    return out;
}

/* An in-memory stream for help texts (allocation failure aborts, as
 * every allocation of the library does). */
static FILE *text_stream(char **buf, size_t *len)
{
    FILE *f = open_memstream(buf, len);
    if (!f)
        abort();
    return f;
}

/* ---- collecting findings and rules ---- */

static sarif_state *sarif_state_of(ld_report *r)
{
    return r->writer_state;
}

static uint64_t hash_str(bool vuln, const char *s)
{
    uint64_t h = vuln ? 0x9e3779b97f4a7c15ULL : 0xcbf29ce484222325ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h;
}

/* The rule key of a finding: its advisory id for a vulnerability, else
 * its check id (its control id if it has none). */
static const char *rule_key(const ld_finding *f, bool *vuln)
{
    *vuln = f->vuln && f->vuln->id && f->vuln->id[0];
    if (*vuln)
        return f->vuln->id;
    return f->check_id && f->check_id[0] ? f->check_id : f->control->id;
}

static void rehash(sarif_state *st)
{
    size_t n = st->n_slots ? st->n_slots * 2 : 64;
    free(st->slots);
    st->slots = ld_xcalloc(n, sizeof(*st->slots));
    st->n_slots = n;
    for (size_t r = 0; r < st->n_rules; r++) {
        size_t i = hash_str(st->rules[r].vuln, st->rules[r].id) & (n - 1);
        while (st->slots[i])
            i = (i + 1) & (n - 1);
        st->slots[i] = r + 1;
    }
}

/* The rule of finding k (added when new); links k into its list. */
static void assign_rule(sarif_state *st, size_t k)
{
    const ld_finding *f = &st->f[k];
    bool vuln;
    const char *key = rule_key(f, &vuln);
    if ((st->n_rules + 1) * 2 > st->n_slots)
        rehash(st);
    size_t i = hash_str(vuln, key) & (st->n_slots - 1);
    while (st->slots[i]) {
        sarif_rule *r = &st->rules[st->slots[i] - 1];
        if (r->vuln == vuln && strcmp(r->id, key) == 0)
            break;
        i = (i + 1) & (st->n_slots - 1);
    }
    double score = finding_score(f);
    st->next[k] = SIZE_MAX;
    if (!st->slots[i]) {
        ld_xgrow(&st->rules, &st->rules_cap, st->n_rules + 1, sizeof(*st->rules));
        st->rules[st->n_rules] = (sarif_rule){key, vuln, k, k, score, f->severity};
        st->slots[i] = ++st->n_rules;
        st->rule_of[k] = st->n_rules - 1;
        return;
    }
    sarif_rule *r = &st->rules[st->slots[i] - 1];
    st->next[r->last] = k;
    r->last = k;
    if (score > r->score)
        r->score = score;
    if (f->severity > r->severity)
        r->severity = f->severity;
    st->rule_of[k] = st->slots[i] - 1;
}

static int sarif_begin(ld_report *r, ld_error *err)
{
    sarif_state *st = ld_xcalloc(1, sizeof(*st));
    ld_json_init(&st->j, r->opt.out, true);
    r->writer_state = st;
    return 0;
}

static int sarif_finding(ld_report *r, const ld_finding *f, ld_error *err)
{
    sarif_state *st = sarif_state_of(r);
    ld_xgrow(&st->f, &st->cap, st->n + 1, sizeof(*st->f));
    st->f[st->n++] = *f;
    return 0;
}

/* ---- rules ---- */

/* The distinct controls of a check rule's findings, in arrival order. */
static size_t rule_controls(const sarif_state *st, const sarif_rule *rule, const ld_control **out,
                            size_t max)
{
    size_t n = 0;
    for (size_t k = rule->first; k != SIZE_MAX && n < max; k = st->next[k]) {
        const ld_control *c = st->f[k].control;
        bool seen = false;
        for (size_t i = 0; i < n && !seen; i++)
            seen = out[i] == c;
        if (!seen)
            out[n++] = c;
    }
    return n;
}

/* The title every finding of the rule shares, or NULL if they differ. */
static const char *shared_title(const sarif_state *st, const sarif_rule *rule)
{
    const char *title = ld_finding_title(&st->f[rule->first]);
    for (size_t k = st->next[rule->first]; k != SIZE_MAX; k = st->next[k])
        if (strcmp(ld_finding_title(&st->f[k]), title) != 0)
            return NULL;
    return title;
}

#define RULE_CONTROLS_MAX 16

static void write_check_rule(ld_json *j, const sarif_state *st, const sarif_rule *rule)
{
    const ld_control *controls[RULE_CONTROLS_MAX];
    size_t nc = rule_controls(st, rule, controls, RULE_CONTROLS_MAX);
    const ld_control *c0 = controls[0];
    const char *title = shared_title(st, rule);
    char *text = NULL, *markdown = NULL;
    size_t tlen = 0, mlen = 0;
    FILE *t = text_stream(&text, &tlen), *m = text_stream(&markdown, &mlen);
    fprintf(t, "Check %s.", rule->id);
    fprintf(m,
            "**Check `%s`**\n\n| Control | CIS | NIST SP 800-190 | Title |\n"
            "| --- | --- | --- | --- |\n",
            rule->id);
    for (size_t i = 0; i < nc; i++) {
        const ld_control *c = controls[i];
        char *cis = ld_strlist_join(&c->cis, ", ");
        fprintf(t, "\n\nControl %s%s%s%s: %s\n%s\nRemediation: %s", c->id, cis[0] ? " (CIS " : "",
                cis, cis[0] ? ")" : "", c->title, c->description ? c->description : "",
                c->remediation ? c->remediation : "");
        char *id = md_cell(c->id), *ct = md_cell(c->title), *cc = md_cell(cis[0] ? cis : "-");
        char *nist = md_cell(c->nist ? c->nist : "-");
        fprintf(m, "| %s | %s | %s | %s |\n", id, cc, nist, ct);
        free(id);
        free(ct);
        free(cc);
        free(nist);
        free(cis);
    }
    for (size_t i = 0; i < nc; i++) {
        const ld_control *c = controls[i];
        fprintf(m, "\n**%s** %s\n\n**Remediation:** %s\n", c->id,
                c->description ? c->description : "", c->remediation ? c->remediation : "");
    }
    fclose(t);
    fclose(m);

    ld_json_object_begin(j);
    ld_json_kv_string(j, "id", rule->id);
    char *name = pascal_case(rule->id, c0->id);
    ld_json_kv_string(j, "name", name);
    free(name);
    char *short_text = cap_text(title ? title : c0->title, DESCRIPTION_MAX);
    char *full_text = cap_text(c0->description && c0->description[0] ? c0->description : c0->title,
                               DESCRIPTION_MAX);
    kv_message(j, "shortDescription", short_text);
    kv_message(j, "fullDescription", full_text);
    free(short_text);
    free(full_text);
    kv_text_markdown(j, "help", text, markdown);
    ld_json_key(j, "defaultConfiguration");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "level", severity_level(rule->severity));
    ld_json_object_end(j);
    ld_json_key(j, "properties");
    ld_json_object_begin(j);
    ld_json_key(j, "tags");
    ld_json_array_begin(j);
    ld_json_string(j, "security");
    ld_json_string(j, ld_tier_name(c0->tier));
    ld_json_string(j, ld_framework_name(c0->framework));
    ld_json_array_end(j);
    kv_score(j, "security-severity", rule->score);
    ld_json_kv_string(j, "precision", c0->automated ? "high" : "medium");
    ld_json_kv_string(j, "severity", ld_severity_name(rule->severity));
    ld_json_kv_string(j, "level", ld_level_name(c0->level));
    ld_json_key(j, "controls");
    ld_json_array_begin(j);
    for (size_t i = 0; i < nc; i++)
        ld_json_string(j, controls[i]->id);
    ld_json_array_end(j);
    ld_json_kv_string(j, "nist", c0->nist);
    ld_strlist cis = {0}, refs = {0};
    for (size_t i = 0; i < nc; i++) {
        for (size_t k = 0; k < controls[i]->cis.n; k++)
            if (!ld_strlist_contains(&cis, controls[i]->cis.v[k]))
                ld_strlist_push(&cis, controls[i]->cis.v[k]);
        for (size_t k = 0; k < controls[i]->refs.n; k++)
            if (!ld_strlist_contains(&refs, controls[i]->refs.v[k]))
                ld_strlist_push(&refs, controls[i]->refs.v[k]);
    }
    ld_report_json_strlist(j, "cis", &cis);
    ld_report_json_strlist(j, "refs", &refs);
    ld_strlist_clear(&cis);
    ld_strlist_clear(&refs);
    ld_json_object_end(j);
    ld_json_object_end(j);
    free(text);
    free(markdown);
}

/* "libc6 2.36-9 (deb, source glibc): fixed in 2.36-9+deb12u3" for one
 * vulnerability finding. Caller frees. */
static char *vuln_package_line(const ld_vuln_fields *v)
{
    char *fixed = ld_strlist_join(&v->fixed_versions, ", ");
    char *fix = v->fixed_versions.n
                    ? ld_xasprintf("fixed in %s", fixed)
                    : ld_xasprintf("no fixed version%s%s%s", v->fix_status ? " (" : "",
                                   v->fix_status ? v->fix_status : "", v->fix_status ? ")" : "");
    char *line = ld_xasprintf(
        "%s %s (%s%s%s): %s", v->package ? v->package : "?",
        v->installed_version ? v->installed_version : "?", v->ecosystem ? v->ecosystem : "?",
        v->source_package ? ", source " : "", v->source_package ? v->source_package : "", fix);
    free(fix);
    free(fixed);
    return line;
}

static void write_vuln_rule(ld_json *j, const sarif_state *st, const sarif_rule *rule)
{
    const ld_finding *f0 = &st->f[rule->first];
    const ld_vuln_fields *v0 = f0->vuln;
    /* packages (deduplicated: the same package may be in several targets) */
    ld_strlist lines = {0}, names = {0}, ecosystems = {0};
    double cvss = 0;
    const char *vector = NULL;
    for (size_t k = rule->first; k != SIZE_MAX; k = st->next[k]) {
        const ld_vuln_fields *v = st->f[k].vuln;
        char *line = vuln_package_line(v);
        if (!ld_strlist_contains(&lines, line))
            ld_strlist_push(&lines, line);
        free(line);
        const char *pkg = v->package ? v->package : "?";
        if (!ld_strlist_contains(&names, pkg))
            ld_strlist_push(&names, pkg);
        if (v->ecosystem && !ld_strlist_contains(&ecosystems, v->ecosystem))
            ld_strlist_push(&ecosystems, v->ecosystem);
        if (v->cvss_score > cvss) {
            cvss = v->cvss_score;
            vector = v->cvss_vector;
        }
    }
    ld_strlist shown = {0};
    for (size_t i = 0; i < names.n && i < SHORT_PACKAGES_MAX; i++)
        ld_strlist_push(&shown, names.v[i]);
    char *pkgs = ld_strlist_join(&shown, ", ");
    char *more = names.n > SHORT_PACKAGES_MAX
                     ? ld_xasprintf(" and %zu more", names.n - SHORT_PACKAGES_MAX)
                     : ld_xstrdup("");
    char *aliases = ld_strlist_join(&v0->aliases, ", ");
    char *short_raw = ld_xasprintf("%s in %s%s", rule->id, pkgs, more);

    char *text = NULL, *markdown = NULL;
    size_t tlen = 0, mlen = 0;
    FILE *t = text_stream(&text, &tlen), *m = text_stream(&markdown, &mlen);
    char *sev = cvss > 0 ? ld_xasprintf("%s (CVSS %.1f%s%s)", ld_severity_name(rule->severity),
                                        cvss, vector ? ", " : "", vector ? vector : "")
                         : ld_xstrdup(ld_severity_name(rule->severity));
    fprintf(t, "Vulnerability %s%s%s%s\nSeverity: %s\nPackages:\n", rule->id,
            aliases[0] ? " (also " : "", aliases, aliases[0] ? ")" : "", sev);
    char *md_id = md_cell(rule->id), *md_aliases = md_cell(aliases), *md_sev = md_cell(sev);
    fprintf(m,
            "**Vulnerability %s**%s%s%s\n\nSeverity: %s\n\n| Package | Installed | Ecosystem "
            "| Fixed version |\n| --- | --- | --- | --- |\n",
            md_id, aliases[0] ? " (also " : "", md_aliases, aliases[0] ? ")" : "", md_sev);
    free(md_id);
    free(md_aliases);
    free(md_sev);
    for (size_t i = 0; i < lines.n; i++)
        fprintf(t, "- %s\n", lines.v[i]);
    ld_strlist md_rows = {0};
    for (size_t k = rule->first; k != SIZE_MAX; k = st->next[k]) {
        const ld_vuln_fields *v = st->f[k].vuln;
        char *fixed = ld_strlist_join(&v->fixed_versions, ", ");
        char *fix = v->fixed_versions.n ? ld_xstrdup(fixed)
                                        : ld_xasprintf("none%s%s%s", v->fix_status ? " (" : "",
                                                       v->fix_status ? v->fix_status : "",
                                                       v->fix_status ? ")" : "");
        char *pkg = ld_xasprintf(
            "%s%s%s%s", v->package ? v->package : "?", v->source_package ? " (source " : "",
            v->source_package ? v->source_package : "", v->source_package ? ")" : "");
        char *c1 = md_cell(pkg), *c2 = md_cell(v->installed_version ? v->installed_version : "?");
        char *c3 = md_cell(v->ecosystem ? v->ecosystem : "?"), *c4 = md_cell(fix);
        char *row = ld_xasprintf("| %s | %s | %s | %s |\n", c1, c2, c3, c4);
        if (!ld_strlist_contains(&md_rows, row)) {
            ld_strlist_push(&md_rows, row);
            fputs(row, m);
        }
        free(row);
        free(c1);
        free(c2);
        free(c3);
        free(c4);
        free(pkg);
        free(fix);
        free(fixed);
    }
    ld_strlist_clear(&md_rows);
    const char *help_uri = NULL;
    if (v0->references.n) {
        fputs("References:\n", t);
        fputs("\n**References**\n\n", m);
        for (size_t i = 0; i < v0->references.n; i++) {
            const char *ref = v0->references.v[i];
            fprintf(t, "- %s\n", ref);
            char *cell = md_cell(ref);
            fprintf(m, "- %s\n", cell);
            free(cell);
            if (!help_uri && (strncmp(ref, "https://", 8) == 0 || strncmp(ref, "http://", 7) == 0))
                help_uri = ref;
        }
    }
    const char *remediation = ld_finding_remediation(f0);
    fprintf(t, "Remediation: %s\nControl: %s (%s)", remediation ? remediation : "", f0->control->id,
            f0->control->title);
    fprintf(m, "\n**Remediation:** %s\n\nControl: %s (%s)\n", remediation ? remediation : "",
            f0->control->id, f0->control->title);
    fclose(t);
    fclose(m);

    ld_json_object_begin(j);
    ld_json_kv_string(j, "id", rule->id);
    ld_json_kv_string(j, "name",
                      ld_report_os_ecosystem(v0->ecosystem) ? "OsPackageVulnerability"
                                                            : "LanguagePackageVulnerability");
    char *short_text = cap_text(short_raw, DESCRIPTION_MAX);
    char *full_text =
        cap_text(f0->evidence && f0->evidence[0] ? f0->evidence : short_raw, DESCRIPTION_MAX);
    kv_message(j, "shortDescription", short_text);
    kv_message(j, "fullDescription", full_text);
    free(short_text);
    free(full_text);
    kv_text_markdown(j, "help", text, markdown);
    if (help_uri)
        ld_json_kv_string(j, "helpUri", help_uri);
    ld_json_key(j, "defaultConfiguration");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "level", severity_level(rule->severity));
    ld_json_object_end(j);
    ld_json_key(j, "properties");
    ld_json_object_begin(j);
    ld_json_key(j, "tags");
    ld_json_array_begin(j);
    ld_json_string(j, "security");
    ld_json_string(j, "vulnerability");
    for (size_t i = 0; i < ecosystems.n; i++)
        ld_json_string(j, ecosystems.v[i]);
    ld_json_array_end(j);
    kv_score(j, "security-severity", rule->score);
    ld_json_kv_string(j, "precision", "high");
    ld_json_kv_string(j, "severity", ld_severity_name(rule->severity));
    ld_report_json_strlist(j, "aliases", &v0->aliases);
    ld_report_json_strlist(j, "packages", &names);
    ld_json_key(j, "controls");
    ld_json_array_begin(j);
    ld_json_string(j, f0->control->id);
    ld_json_array_end(j);
    ld_json_object_end(j);
    ld_json_object_end(j);

    free(sev);
    free(text);
    free(markdown);
    free(short_raw);
    free(aliases);
    free(more);
    free(pkgs);
    ld_strlist_clear(&shown);
    ld_strlist_clear(&lines);
    ld_strlist_clear(&names);
    ld_strlist_clear(&ecosystems);
}

/* ---- results ---- */

/* SARIF kind and level of a finding. SARIF allows a level other than
 * "none" only on kind "fail". */
static void kind_and_level(const ld_finding *f, const char **kind, const char **level)
{
    *level = "none";
    switch (f->status) {
    case LD_STATUS_FAIL:
        *kind = "fail";
        *level = severity_level(f->severity);
        return;
    case LD_STATUS_WARN:
        *kind = "fail";
        *level = f->severity >= LD_SEV_MEDIUM ? "warning" : "note";
        return;
    case LD_STATUS_ERROR: *kind = "open"; return;
    case LD_STATUS_MANUAL: *kind = "review"; return;
    case LD_STATUS_INFO: *kind = "informational"; return;
    case LD_STATUS_SKIPPED: *kind = "notApplicable"; return;
    case LD_STATUS_PASS:
    case LD_STATUS_COUNT: break;
    }
    *kind = "pass";
}

/* s percent-encoded as a URI path: every byte outside RFC 3986 unreserved
 * characters and "/" is %XX (so ":" in a first segment, spaces, "%", "#",
 * "?" and non-ASCII bytes are safe). Caller frees. */
static char *uri_encode_path(const char *s)
{
    size_t n = strlen(s);
    char *out = ld_xmalloc(3 * n + 1), *p = out;
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *u = (const unsigned char *)s; *u; u++) {
        unsigned c = *u;
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
        if (keep) {
            *p++ = (char)c;
        } else {
            *p++ = '%';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 15];
        }
    }
    *p = '\0';
    return out;
}

/* A file system path as a URI: "file:///abs/path" when absolute, else a
 * relative reference (relative to the repository root for code scanning).
 * Caller frees. */
static char *fs_path_uri(const char *path)
{
    char *enc = uri_encode_path(path);
    if (path[0] != '/')
        return enc;
    char *uri = ld_xasprintf("file://%s", enc);
    free(enc);
    return uri;
}

/* The part of an image target that a location inside it hangs under:
 * for dir:, docker-archive:, oci-archive: and oci: targets the path they
 * name (a file system path: *is_fs set), for a registry reference its
 * repository (no tag or digest, so locations stay the same across
 * versions), for a bare image id the id. Caller frees. */
static char *image_base(const ld_target *t, bool *is_fs)
{
    static const char *const fs_transports[] = {"dir:", "docker-archive:", "oci-archive:", "oci:"};
    const char *name = t->name && t->name[0] ? t->name : t->id ? t->id : "";
    *is_fs = false;
    for (size_t i = 0; i < sizeof(fs_transports) / sizeof(fs_transports[0]); i++) {
        size_t n = strlen(fs_transports[i]);
        if (strncmp(name, fs_transports[i], n) == 0) {
            *is_fs = true;
            return ld_xstrdup(name + n);
        }
    }
    if (name[0] == '/' || name[0] == '.') { /* a directory named without its transport */
        *is_fs = true;
        return ld_xstrdup(name);
    }
    if (strncmp(name, "docker:", 7) == 0)
        name += 7;
    if (strncmp(name, "sha256:", 7) == 0)
        return ld_xstrdup(name);
    size_t len = strcspn(name, "@");
    const char *slash = NULL;
    for (size_t i = 0; i < len; i++)
        if (name[i] == '/')
            slash = name + i;
    const char *colon = NULL;
    for (const char *p = slash ? slash : name; p < name + len; p++)
        if (*p == ':')
            colon = p;
    if (colon)
        len = (size_t)(colon - name);
    return ld_xstrndup(name, len);
}

/* The artifact URI of a finding, or NULL when it names no file and no
 * image: a file (Dockerfile, host file) by its path; a file inside an
 * image under the image (see image_base); an image finding without a
 * path the image itself. Caller frees. */
static char *artifact_uri(const ld_target *t)
{
    const char *path = t->path && t->path[0] ? t->path : NULL;
    if (t->kind == LD_TARGET_FILE)
        return fs_path_uri(path ? path : t->id && t->id[0] ? t->id : ".");
    if (t->kind == LD_TARGET_IMAGE || (t->kind == LD_TARGET_CONTAINER && path)) {
        bool is_fs = false;
        char *base = image_base(t, &is_fs);
        while (path && *path == '/')
            path++;
        char *joined = path
                           ? ld_xasprintf("%s%s%s", base,
                                          base[0] && base[strlen(base) - 1] != '/' ? "/" : "", path)
                           : ld_xstrdup(base);
        char *uri = is_fs ? fs_path_uri(joined) : uri_encode_path(joined);
        free(joined);
        free(base);
        if (!uri[0]) {
            free(uri);
            return NULL;
        }
        return uri;
    }
    if (path) /* a host file */
        return fs_path_uri(path);
    return NULL;
}

static void write_logical_location(ld_json *j, const ld_target *t)
{
    char *desc = ld_target_describe(t);
    char *fqn = ld_xasprintf("%s:%s", ld_target_kind_name(t->kind), t->id ? t->id : "");
    ld_json_key(j, "logicalLocations");
    ld_json_array_begin(j);
    ld_json_object_begin(j);
    ld_json_kv_string(j, "name", desc);
    ld_json_kv_string(j, "fullyQualifiedName", fqn);
    ld_json_kv_string(j, "kind", t->kind == LD_TARGET_IMAGE ? "module" : "resource");
    ld_json_object_end(j);
    ld_json_array_end(j);
    free(fqn);
    free(desc);
}

/* One location: the file (and line) when there is an artifact URI, and
 * the target as a logical location always. */
static void write_locations(ld_json *j, const ld_target *t)
{
    ld_json_key(j, "locations");
    ld_json_array_begin(j);
    ld_json_object_begin(j);
    char *uri = artifact_uri(t);
    if (uri) {
        ld_json_key(j, "physicalLocation");
        ld_json_object_begin(j);
        ld_json_key(j, "artifactLocation");
        ld_json_object_begin(j);
        ld_json_kv_string(j, "uri", uri);
        ld_json_object_end(j);
        if (t->line > 0 && t->path && t->path[0]) {
            ld_json_key(j, "region");
            ld_json_object_begin(j);
            ld_json_kv_int(j, "startLine", t->line);
            ld_json_object_end(j);
        }
        ld_json_object_end(j);
        free(uri);
    }
    write_logical_location(j, t);
    ld_json_object_end(j);
    ld_json_array_end(j);
}

/* Hex SHA-256 of control, check, target id and path (NUL-separated), and
 * for a vulnerability its id and package, for a secret its rule: the same
 * finding on the same target keeps its fingerprint across runs and line
 * moves. out holds at least 65 bytes. Returns 0, or -1 if OpenSSL failed. */
static int fingerprint(const ld_finding *f, char out[65])
{
    const char *parts[6] = {f->control->id, f->check_id ? f->check_id : "",
                            f->target.id ? f->target.id : "", f->target.path ? f->target.path : ""};
    int n = 4;
    if (f->vuln) {
        parts[n++] = f->vuln->id ? f->vuln->id : "";
        parts[n++] = f->vuln->package ? f->vuln->package : "";
    } else if (f->secret) {
        parts[n++] = f->secret->rule_id ? f->secret->rule_id : "";
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    for (int i = 0; ok && i < n; i++)
        ok = EVP_DigestUpdate(ctx, parts[i], strlen(parts[i]) + 1);
    ok = ok && EVP_DigestFinal_ex(ctx, md, &len) && len == 32;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return -1;
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
    return 0;
}

static void write_result_properties(ld_json *j, const ld_finding *f)
{
    ld_json_key(j, "properties");
    ld_json_object_begin(j);
    kv_score(j, "security-severity", finding_score(f));
    ld_json_kv_string(j, "status", ld_status_name(f->status));
    ld_json_kv_string(j, "severity", ld_severity_name(f->severity));
    ld_json_kv_string(j, "check", f->check_id);
    ld_json_kv_string(j, "control", f->control->id);
    ld_json_kv_string(j, "tier", ld_tier_name(f->control->tier));
    ld_report_json_target_evidence(j, f, false);
    ld_report_json_extras(j, f);
    ld_json_object_end(j);
}

static void write_suppression(ld_json *j, const char *reason)
{
    ld_json_key(j, "suppressions");
    ld_json_array_begin(j);
    ld_json_object_begin(j);
    ld_json_kv_string(j, "kind", "external");
    ld_json_kv_string(j, "justification", reason);
    ld_json_object_end(j);
    ld_json_array_end(j);
}

static int write_result(ld_json *j, const sarif_state *st, size_t k, ld_error *err)
{
    const ld_finding *f = &st->f[k];
    const sarif_rule *rule = &st->rules[st->rule_of[k]];
    char fp[65];
    if (fingerprint(f, fp) < 0)
        return ld_error_set(err, LD_ERR_GENERIC,
                            "SARIF report: cannot compute a SHA-256 "
                            "fingerprint (OpenSSL failed)");
    const char *kind, *level;
    kind_and_level(f, &kind, &level);
    const char *title = ld_finding_title(f);
    char *text = f->evidence && f->evidence[0] ? ld_xasprintf("%s: %s", title, f->evidence)
                                               : ld_xstrdup(title);
    ld_json_object_begin(j);
    ld_json_kv_string(j, "ruleId", rule->id);
    ld_json_kv_int(j, "ruleIndex", (int64_t)st->rule_of[k]);
    ld_json_kv_string(j, "kind", kind);
    ld_json_kv_string(j, "level", level);
    kv_message(j, "message", text);
    write_locations(j, &f->target);
    ld_json_key(j, "partialFingerprints");
    ld_json_object_begin(j);
    ld_json_kv_string(j, FINGERPRINT_KEY, fp);
    ld_json_object_end(j);
    if (f->exception)
        write_suppression(j, f->exception);
    write_result_properties(j, f);
    ld_json_object_end(j);
    free(text);
    return 0;
}

/* ---- end of the run ---- */

static void write_invocation(ld_json *j, const ld_report *r)
{
    char started[32];
    ld_report_utc_time(r->now, true, started, sizeof(started));
    ld_json_key(j, "invocations");
    ld_json_array_begin(j);
    ld_json_object_begin(j);
    ld_json_kv_bool(j, "executionSuccessful", true);
    ld_json_kv_string(j, "startTimeUtc", started);
    ld_json_key(j, "toolExecutionNotifications");
    ld_json_array_begin(j);
    for (size_t i = 0; i < r->eval->notes.n; i++) {
        ld_json_object_begin(j);
        ld_json_kv_string(j, "level", "warning");
        kv_message(j, "message", r->eval->notes.v[i]);
        ld_json_object_end(j);
    }
    /* what the run owed and could not see is said where SARIF viewers show it */
    for (size_t i = 0; i < r->catalog->n; i++) {
        const ld_control *c = &r->catalog->controls[i];
        const ld_control_result *res = &r->eval->controls[i];
        if (!ld_control_required(c, r->level) || res->state != LD_CTRL_NOT_ASSESSED || !res->owed)
            continue;
        char *text = ld_xasprintf("%s not assessed: %s", c->id, res->reason ? res->reason : "");
        ld_json_object_begin(j);
        ld_json_kv_string(j, "level", "error");
        kv_message(j, "message", text);
        ld_json_object_end(j);
        free(text);
    }
    ld_json_array_end(j);
    ld_json_object_end(j);
    ld_json_array_end(j);
}

/* "key": [ids of the controls required at the level in force in state s]. */
static void write_controls_in_state(ld_json *j, const ld_report *r, const char *key,
                                    ld_control_state s)
{
    ld_json_key(j, key);
    ld_json_array_begin(j);
    for (size_t i = 0; i < r->catalog->n; i++) {
        const ld_control *c = &r->catalog->controls[i];
        if (ld_control_required(c, r->level) && ld_report_control_state(r, c) == s)
            ld_json_string(j, c->id);
    }
    ld_json_array_end(j);
}

static void write_run_properties(ld_json *j, const ld_report *r)
{
    ld_json_key(j, "properties");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "level", ld_level_name(r->level));
    ld_json_kv_string(j, "level_source", r->opt.level_source);
    ld_json_key(j, "compliance");
    ld_json_object_begin(j);
    ld_report_json_level_counts(j, r);
    write_controls_in_state(j, r, "failed_controls", LD_CTRL_FAILED);
    write_controls_in_state(j, r, "needs_review_controls", LD_CTRL_REVIEW);
    write_controls_in_state(j, r, "not_assessed_controls", LD_CTRL_NOT_ASSESSED);
    ld_json_object_end(j);
    ld_report_json_coverage(j, r);
    ld_report_json_gate(j, r);
    ld_json_object_end(j);
}

static int sarif_end(ld_report *r, ld_error *err)
{
    sarif_state *st = sarif_state_of(r);
    ld_json *j = &st->j;
    st->rule_of = ld_xcalloc(st->n ? st->n : 1, sizeof(*st->rule_of));
    st->next = ld_xcalloc(st->n ? st->n : 1, sizeof(*st->next));
    for (size_t k = 0; k < st->n; k++)
        assign_rule(st, k);

    ld_json_object_begin(j);
    ld_json_kv_string(j, "$schema", SARIF_SCHEMA);
    ld_json_kv_string(j, "version", SARIF_VERSION);
    ld_json_key(j, "runs");
    ld_json_array_begin(j);
    ld_json_object_begin(j);
    ld_json_key(j, "tool");
    ld_json_object_begin(j);
    ld_json_key(j, "driver");
    ld_json_object_begin(j);
    ld_json_kv_string(j, "name", "lockdown");
    ld_json_kv_string(j, "version", LOCKDOWN_VERSION);
    ld_json_kv_string(j, "semanticVersion", LOCKDOWN_VERSION);
    ld_json_kv_string(j, "informationUri", INFORMATION_URI);
    ld_json_key(j, "rules");
    ld_json_array_begin(j);
    for (size_t i = 0; i < st->n_rules; i++) {
        if (st->rules[i].vuln)
            write_vuln_rule(j, st, &st->rules[i]);
        else
            write_check_rule(j, st, &st->rules[i]);
    }
    ld_json_array_end(j);
    ld_json_object_end(j); /* driver */
    ld_json_object_end(j); /* tool */
    ld_json_key(j, "results");
    ld_json_array_begin(j);
    for (size_t k = 0; k < st->n; k++)
        if (write_result(j, st, k, err) < 0)
            return -1;
    ld_json_array_end(j); /* results */
    write_invocation(j, r);
    write_run_properties(j, r);
    ld_json_object_end(j); /* run */
    ld_json_array_end(j);  /* runs */
    ld_json_object_end(j);
    return ld_report_flush(r->opt.out, "the SARIF report", err);
}

static void sarif_destroy(ld_report *r)
{
    sarif_state *st = r->writer_state;
    if (!st)
        return;
    free(st->f);
    free(st->rules);
    free(st->rule_of);
    free(st->next);
    free(st->slots);
    free(st);
    r->writer_state = NULL;
}

const ld_writer_ops ld_writer_sarif = {
    .name = "sarif",
    .begin = sarif_begin,
    .finding = sarif_finding,
    .end = sarif_end,
    .destroy = sarif_destroy,
};
