/* Findings: construction and accessors. See finding.h. */
#include "core/finding.h"

#include <stdarg.h>
#include <stdlib.h>

#include "util/mem.h"

ld_finding *ld_finding_new(const ld_control *c, const char *check_id, ld_status status)
{
    ld_finding *f = ld_xcalloc(1, sizeof(*f));
    f->control = c;
    f->check_id = ld_xstrdup(check_id);
    f->severity = c->severity;
    f->status = status;
    return f;
}

static void vuln_free(ld_vuln_fields *v)
{
    if (!v)
        return;
    free(v->id);
    ld_strlist_clear(&v->aliases);
    free(v->ecosystem);
    free(v->package);
    free(v->source_package);
    free(v->installed_version);
    ld_strlist_clear(&v->fixed_versions);
    free(v->fix_status);
    free(v->purl);
    free(v->severity_source);
    free(v->cvss_vector);
    ld_strlist_clear(&v->references);
    free(v->layer_digest);
    free(v->layer_diff_id);
    free(v->layer_created_by);
    free(v);
}

static void secret_free(ld_secret_fields *s)
{
    if (!s)
        return;
    free(s->rule_id);
    free(s->masked);
    free(s->layer_digest);
    free(s->layer_created_by);
    free(s->removed_by_layer);
    free(s);
}

ld_vuln_fields *ld_finding_vuln(ld_finding *f)
{
    if (!f->vuln)
        f->vuln = ld_xcalloc(1, sizeof(*f->vuln));
    return f->vuln;
}

ld_secret_fields *ld_finding_secret(ld_finding *f)
{
    if (!f->secret)
        f->secret = ld_xcalloc(1, sizeof(*f->secret));
    return f->secret;
}

void ld_finding_free(ld_finding *f)
{
    if (!f)
        return;
    vuln_free(f->vuln);
    secret_free(f->secret);
    free(f->check_id);
    free(f->title);
    free(f->target.id);
    free(f->target.name);
    free(f->target.path);
    free(f->evidence);
    free(f->remediation);
    free(f->exception);
    free(f);
}

void ld_finding_set_target(ld_finding *f, ld_target_kind kind, const char *id, const char *name)
{
    free(f->target.id);
    free(f->target.name);
    f->target.kind = kind;
    f->target.id = ld_xstrdup(id);
    f->target.name = ld_xstrdup(name);
}

void ld_finding_set_location(ld_finding *f, const char *path, int line)
{
    free(f->target.path);
    f->target.path = ld_xstrdup(path);
    f->target.line = line;
}

void ld_finding_set_evidence(ld_finding *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    free(f->evidence);
    f->evidence = ld_xvasprintf(fmt, ap);
    va_end(ap);
}

void ld_finding_set_title(ld_finding *f, const char *title)
{
    free(f->title);
    f->title = ld_xstrdup(title);
}

void ld_finding_set_remediation(ld_finding *f, const char *remediation)
{
    free(f->remediation);
    f->remediation = ld_xstrdup(remediation);
}

const char *ld_finding_title(const ld_finding *f) { return f->title ? f->title : f->control->title; }

const char *ld_finding_remediation(const ld_finding *f)
{
    return f->remediation ? f->remediation : f->control->remediation;
}

const char *ld_target_kind_name(ld_target_kind k)
{
    static const char *const names[LD_TARGET_COUNT] = {"host", "engine", "image",
                                                       "container", "file", "policy",
                                                       "kubernetes", "registry", "aws"};
    return (unsigned)k < LD_TARGET_COUNT ? names[k] : "?";
}

char *ld_target_describe(const ld_target *t)
{
    const char *id = t->id ? t->id : "";
    if (t->name && t->name[0])
        return ld_xasprintf("%s (%s)", t->name, id);
    return ld_xstrdup(id);
}
