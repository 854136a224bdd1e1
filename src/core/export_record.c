/* Finding and summary records that stand alone (see export_record.h). */
#include "core/export_record.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/report_common.h"

void ld_run_identity_for(ld_run_identity *id, const char *host, time_t now, long pid)
{
    memset(id, 0, sizeof(*id));
    snprintf(id->host, sizeof(id->host), "%s", host && host[0] ? host : "unknown");
    ld_report_utc_time(now, true, id->started_at, sizeof(id->started_at));
    char seed[512];
    int n =
        snprintf(seed, sizeof(seed), "lockdown-run\n%s\n%lld\n%ld", id->host, (long long)now, pid);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (n < 0 || EVP_Digest(seed, (size_t)n, md, &md_len, EVP_sha256(), NULL) != 1 || md_len < 16)
        memset(md, 0, sizeof(md)); /* no digest: still an id, the host and time tell runs apart */
    for (int i = 0; i < 16; i++)
        snprintf(id->run_id + 2 * i, 3, "%02x", md[i]);
}

void ld_run_identity_init(ld_run_identity *id, time_t now)
{
    char host[256] = "";
    if (gethostname(host, sizeof(host) - 1) != 0)
        host[0] = '\0';
    host[sizeof(host) - 1] = '\0';
    ld_run_identity_for(id, host, now, (long)getpid());
}

void ld_export_report_init(ld_report *r, const ld_report_options *opt, const ld_findings *fs,
                           const ld_evaluation *ev)
{
    memset(r, 0, sizeof(*r));
    r->opt = *opt;
    r->level = ev->opt.level;
    r->now = ev->opt.now;
    r->catalog = fs->catalog;
    r->set = fs;
    r->eval = ev;
}

ld_finding ld_export_finding_view(const ld_report *r, size_t i)
{
    ld_finding view = *r->set->v[i];
    view.exception = (char *)r->eval->exception[i];
    return view;
}

/* The members every record starts with. */
static void identity_members(ld_json *j, const char *type, const ld_report *r,
                             const ld_run_identity *id)
{
    ld_json_kv_string(j, "type", type);
    ld_json_kv_string(j, "schema", LD_RECORD_SCHEMA);
    ld_json_kv_string(j, "run_id", id->run_id);
    ld_json_kv_string(j, "host", id->host);
    ld_json_kv_string(j, "command", r->opt.command);
    ld_json_kv_string(j, "scope", r->opt.scope);
    ld_json_kv_string(j, "level", ld_level_name(r->level));
    ld_json_kv_string(j, "started_at", id->started_at);
    ld_json_kv_string(j, "tool_version", LOCKDOWN_VERSION);
}

void ld_export_record_finding(ld_json *j, const ld_report *r, const ld_run_identity *id,
                              const ld_finding *f)
{
    identity_members(j, "finding", r, id);
    ld_report_json_finding_members(j, f);
}

void ld_export_record_summary(ld_json *j, const ld_report *r, const ld_run_identity *id)
{
    identity_members(j, "summary", r, id);
    ld_json_kv_string(j, "level_source", r->opt.level_source);
    ld_report_json_summary(j, r);
    ld_json_key(j, "compliance");
    ld_json_object_begin(j);
    ld_report_json_level_counts(j, r);
    ld_json_object_end(j);
    ld_report_json_tiers(j, r);
    ld_report_json_strlist(j, "notes", &r->eval->notes);
    ld_report_json_gate(j, r);
}
